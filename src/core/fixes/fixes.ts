/**
 * Quick fixes: for each diagnostic AutoPM reports, the changes that make it go away, as
 * the smallest edits of the plan files (and a rename, for a renumbered task file). The
 * editor offers them as code actions; `safeFixes` gathers the ones that need no choice,
 * for a command that applies them all.
 *
 * A fix is computed from the files' current text, finding again what the diagnostic names
 * (a task, a key, a reference) rather than trusting its offsets: a diagnostic a little
 * older than the text still gives a fix that fits the text, or none once its problem is
 * gone. So computing the fixes again after applying one never offers it a second time.
 */
import type { EpicAnalysis } from '../analysis';
import type { Diagnostic, DiagnosticCode, DiagnosticData, Epic, Prd } from '../model';
import { isToolFormat } from '../model';
import type { PlanIndex } from '../planIndex';
import type { PlanChange, ReadText, TextEdit } from '../edits';
import { PlanEditError } from '../edits';
import { checklistMismatchFixes, checklistMissingTaskFixes } from './checklistFixes';
import { cycleFixes, danglingFixes, mermaidUnknownNodeFixes, renamedFixes, selfFixes } from './dependencyFixes';
import { duplicateIdFixes } from './duplicateIdFixes';
import { frontmatterFixes } from './frontmatterFixes';
import { mermaidAddTaskFixes } from './mermaidFixes';
import { isEmptyChange, joinChanges } from './fixText';
import { progressStaleFixes } from './progressFixes';
import { requirementUnknownFixes } from './requirementFixes';
import { statusContradictsFixes, statusUnknownFixes } from './statusFixes';
import { toolFormatDrafts } from './toolFormatFixes';

/** One answer of a fix that needs a choice: a task to depend on instead, a status word. */
export interface FixOption {
  readonly label: string;
  readonly detail?: string;
  readonly change: PlanChange;
}

export interface FixChoice {
  /** What the quick pick asks. */
  readonly placeholder: string;
  /** In the order to show them, the likeliest first. */
  readonly options: readonly FixOption[];
}

export interface Fix {
  readonly title: string;
  readonly code: DiagnosticCode;
  /** The edits; empty when the fix needs a choice (then each option has its own). */
  readonly change: PlanChange;
  /** A single obvious answer that keeps what the plan means: a command may apply it unasked. */
  readonly safe: boolean;
  /** The fix to offer first (VS Code's preferred code action). */
  readonly preferred: boolean;
  /** It edits more than one file, or renames one: show the edits before applying them. */
  readonly preview: boolean;
  readonly choice?: FixChoice;
}

/** What the fixes read: the parsed plan, and the files' current text (the open document's, when open). */
export interface FixPlan {
  readonly prds: readonly Prd[];
  readonly epics: readonly Epic[];
  readonly read: ReadText;
  /** An epic's analysis, when one is kept (the index caches them); else it is worked out when a fix needs it. */
  readonly analysis?: (epic: Epic) => EpicAnalysis;
  /** ISO time for the `created` of a file a fix writes; the time the fix is computed when absent. */
  readonly now?: string;
}

/** A fix as a family of fixes makes it; `fixesFor` adds the code and whether to preview it. */
export interface FixDraft {
  readonly title: string;
  readonly change: PlanChange;
  readonly safe: boolean;
  readonly preferred?: boolean;
  readonly preview?: boolean;
  readonly choice?: FixChoice;
}

/** The diagnostic's surroundings: the epic or PRD whose file it is on. */
export interface FixContext {
  readonly plan: FixPlan;
  readonly epic: Epic | undefined;
  readonly prd: Prd | undefined;
  /** The file's current text; a file that cannot be read throws a PlanEditError, which means no fix. */
  read(path: string): string;
}

/** The plan an index holds, for fixesFor and safeFixes. */
export function fixPlanOf(index: Pick<PlanIndex, 'prds' | 'allEpics' | 'analysis'>, read: ReadText): FixPlan {
  return { prds: index.prds, epics: index.allEpics, read, analysis: (epic) => index.analysis(epic) };
}

/** The fixes of one diagnostic, in the order to offer them; [] when there is none (or its problem is gone). */
export function fixesFor(diagnostic: Diagnostic, plan: FixPlan): Fix[] {
  const data = diagnostic.data;
  if (data === undefined || data.code !== diagnostic.code) return [];
  const context = contextOf(diagnostic.path, plan);
  let drafts: FixDraft[];
  try {
    // The families below know AutoPM's own layouts only: other tools' files get their own fixes.
    const tool = context.epic && isToolFormat(context.epic.layout) ? toolFormatDrafts(diagnostic, data, context) : undefined;
    drafts = tool ?? draftsFor(diagnostic, data, context);
  } catch (error) {
    if (error instanceof PlanEditError) return [];
    throw error;
  }
  return drafts
    .filter((draft) => (draft.choice ? draft.choice.options.length > 0 : !isEmptyChange(draft.change)))
    .map((draft) => ({
      title: draft.title,
      code: diagnostic.code,
      change: draft.change,
      safe: draft.safe && !draft.choice,
      preferred: draft.preferred ?? false,
      preview: draft.preview === true || draft.change.edits.length > 1 || draft.change.renames.length > 0 || draft.change.creates.length > 0,
      ...(draft.choice ? { choice: draft.choice } : {}),
    }));
}

function draftsFor(d: Diagnostic, data: DiagnosticData, context: FixContext): FixDraft[] {
  switch (data.code) {
    case 'frontmatter-malformed':
      return frontmatterFixes(d, data, context);
    case 'status-unknown':
      return statusUnknownFixes(d, data, context);
    case 'status-contradicts-tasks':
      return statusContradictsFixes(d, data, context);
    case 'progress-stale':
      return progressStaleFixes(d, data, context);
    case 'checklist-mismatch':
      return checklistMismatchFixes(d, data, context);
    case 'checklist-missing-task':
      return checklistMissingTaskFixes(d, data, context);
    case 'dependency-dangling':
      return danglingFixes(d, data, context);
    case 'dependency-self':
      return selfFixes(d, data, context);
    case 'dependency-renamed':
      return renamedFixes(d, data, context);
    case 'dependency-cycle':
      return cycleFixes(d, data, context);
    case 'mermaid-unknown-node':
      return [...mermaidUnknownNodeFixes(d, data, context), ...mermaidAddTaskFixes(d, data, context)];
    case 'task-duplicate-id':
      return duplicateIdFixes(d, data, context);
    case 'requirement-unknown':
      return requirementUnknownFixes(d, data, context);
  }
}

function contextOf(path: string, plan: FixPlan): FixContext {
  const epic = plan.epics.find((e) => e.path === path || (e.dir !== undefined && path.startsWith(e.dir + '/')));
  const prd = epic ? undefined : plan.prds.find((p) => p.path === path);
  return {
    plan,
    epic,
    prd,
    read(file: string): string {
      try {
        return plan.read(file);
      } catch (error) {
        throw new PlanEditError(`Cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
  };
}

/** The safe fixes of a whole workspace, and all their edits as one change. */
export interface SafeFixes {
  readonly fixes: readonly Fix[];
  readonly change: PlanChange;
}

/**
 * Every safe fix of `diagnostics` (the first safe fix of each), leaving out any that would
 * edit text another one already edits, so that all of them apply together to the texts
 * they were computed for. A fix left out comes back when the fixes are computed again on
 * the edited texts. Fixes that rename or create files are never among them.
 */
export function safeFixes(plan: FixPlan, diagnostics: readonly Diagnostic[]): SafeFixes {
  const fixes: Fix[] = [];
  const taken = new Map<string, TextEdit[]>();
  const seen = new Set<string>();
  for (const d of diagnostics) {
    const fix = fixesFor(d, plan).find((f) => f.safe);
    if (!fix || fix.change.renames.length > 0 || fix.change.creates.length > 0) continue;
    // Two diagnostics of one problem (a key written three times) give the same fix.
    const key = JSON.stringify(fix.change.edits);
    if (seen.has(key)) continue;
    const clashes = fix.change.edits.some((fileEdit) => fileEdit.edits.some((edit) => (taken.get(fileEdit.path) ?? []).some((other) => overlap(edit, other))));
    if (clashes) continue;
    seen.add(key);
    fixes.push(fix);
    for (const fileEdit of fix.change.edits) {
      const list = taken.get(fileEdit.path);
      if (list) list.push(...fileEdit.edits);
      else taken.set(fileEdit.path, [...fileEdit.edits]);
    }
  }
  const joined = joinChanges(...fixes.map((f) => f.change));
  // An insertion where another edit starts goes first, which is how applyEdits wants them.
  const edits = joined.edits.map((fileEdit) => ({
    path: fileEdit.path,
    edits: [...fileEdit.edits].sort((a, b) => a.offset - b.offset || (a.length === 0 ? 0 : 1) - (b.length === 0 ? 0 : 1)),
  }));
  return { fixes, change: { ...joined, edits } };
}

/** Whether two edits of one text touch the same characters (two insertions at one place do not). */
function overlap(a: TextEdit, b: TextEdit): boolean {
  const aEnd = a.offset + a.length;
  const bEnd = b.offset + b.length;
  if (a.length === 0 && b.length === 0) return false;
  if (a.length === 0) return b.offset < a.offset && a.offset < bEnd;
  if (b.length === 0) return a.offset < b.offset && b.offset < aEnd;
  return a.offset < bEnd && b.offset < aEnd;
}
