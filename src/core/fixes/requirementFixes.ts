/**
 * Fixes of a Kiro task's reference to a requirement its spec's requirements.md does not
 * define: remove the reference (the whole `_Requirements:_` line when it is the only one),
 * or write another requirement in its place, picked from those requirements.md defines.
 * Neither is safe: the reference may be right and requirements.md the file to change.
 */
import type { Diagnostic, DiagnosticData, Epic } from '../model';
import type { TextEdit } from '../edits';
import type { KiroRequirementRef } from '../parse/kiroParser';
import { kiroRequirementRefs, kiroRequirements } from '../parse/kiroParser';
import { dirName } from '../text';
import { isToolPrdPath } from '../toolRoots';
import type { FixContext, FixDraft, FixOption } from './fixes';
import type { TextLines } from './fixText';
import { deleteLines, fileChange, replaceOnLine, textLines } from './fixText';
import { editDistance } from './editDistance';

type RequirementData = Extract<DiagnosticData, { code: 'requirement-unknown' }>;

/** The most requirements a "refer to another" choice lists, nearest first. */
const MAX_OPTIONS = 50;

export function requirementUnknownFixes(d: Diagnostic, data: RequirementData, context: FixContext): FixDraft[] {
  const epic = context.epic;
  if (!epic || epic.layout !== 'kiro') return [];
  const requirementsPath = requirementsPathOf(epic, context);
  if (requirementsPath === undefined) return [];
  // Read again rather than trusting the diagnostic: requirements.md may define the number by now.
  const defined = kiroRequirements(context.read(requirementsPath));
  if (defined.length === 0 || defined.some((r) => r.id === data.ref)) return [];

  const text = context.read(d.path);
  const t = textLines(text);
  const refs = kiroRequirementRefs(text);
  const ref = findRef(refs, data, d);
  if (!ref) return [];
  const lineRefs = refs.filter((r) => r.range.line === ref.range.line);
  // Each reference must still read as written where the parser found it, or no edit is sure.
  if (!lineRefs.every((r) => spanOf(t, r) === r.ref)) return [];

  const out: FixDraft[] = [
    { title: `Remove the reference to requirement ${data.ref}`, change: fileChange(d.path, [removalEdit(t, lineRefs, ref)]), safe: false, preferred: true },
  ];
  const taken = new Set(refs.filter((r) => r.taskId === data.taskId).map((r) => r.ref));
  const options: FixOption[] = defined
    .map((requirement, order) => ({ requirement, order, distance: editDistance(data.ref, requirement.id) }))
    .filter(({ requirement }) => !taken.has(requirement.id))
    .sort((a, b) => a.distance - b.distance || a.order - b.order)
    .slice(0, MAX_OPTIONS)
    .map(({ requirement }) => ({
      label: requirement.id,
      ...(requirement.text !== '' ? { detail: requirement.text } : {}),
      change: fileChange(d.path, [replaceOnLine(t, ref.range.line, ref.range.column, ref.range.endColumn, requirement.id)]),
    }));
  out.push({
    title: 'Refer to another requirement…',
    change: fileChange(d.path, []),
    safe: false,
    choice: { placeholder: `The requirement task ${data.taskId} refers to instead of ${data.ref}`, options },
  });
  return out;
}

/** The spec's requirements.md, as the index holds it (its name may be written in another case). */
function requirementsPathOf(epic: Epic, context: FixContext): string | undefined {
  const dir = epic.dir ?? dirName(epic.path);
  return context.plan.prds.find((p) => dirName(p.path) === dir && isToolPrdPath(p.path))?.path;
}

/**
 * The reference the diagnostic is on, in the current text: the same task and number at
 * the same place, else on the same line, else the only one of its kind in the file (lines
 * above it may have changed since the diagnostic was made).
 */
function findRef(refs: readonly KiroRequirementRef[], data: RequirementData, d: Diagnostic): KiroRequirementRef | undefined {
  const same = refs.filter((r) => r.taskId === data.taskId && r.ref === data.ref);
  const onLine = same.filter((r) => r.range.line === d.range.line);
  return onLine.find((r) => r.range.column === d.range.column) ?? onLine[0] ?? (same.length === 1 ? same[0] : undefined);
}

function spanOf(t: TextLines, ref: KiroRequirementRef): string | undefined {
  return t.lines[ref.range.line]?.slice(ref.range.column, ref.range.endColumn);
}

/**
 * Takes one reference out of its line with the separator that joins it to the next one
 * (or to the one before, when it is the last); the only reference takes the line with it.
 */
function removalEdit(t: TextLines, lineRefs: readonly KiroRequirementRef[], ref: KiroRequirementRef): TextEdit {
  const { line } = ref.range;
  if (lineRefs.length === 1) return deleteLines(t, line, line);
  const at = lineRefs.indexOf(ref);
  const next = lineRefs[at + 1];
  if (next) return replaceOnLine(t, line, ref.range.column, next.range.column, '');
  return replaceOnLine(t, line, lineRefs[at - 1].range.endColumn, ref.range.endColumn, '');
}
