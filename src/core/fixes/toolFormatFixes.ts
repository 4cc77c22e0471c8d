/**
 * Quick fixes in other tools' files. The fix families of fixes.ts know AutoPM's own
 * layouts (frontmatter, `**Depends on:**` bullets, checklists) and would misread Kiro,
 * Spec Kit and Task Master files, so on those only the fixes written for each format
 * apply:
 * - Task Master's tasks.json: see taskMasterFixes.ts;
 * - Spec Kit's tasks.md: a `(depends on T013)` naming no task (remove it, or name another
 *   task), a task that names itself, a cycle through written references (remove one), and
 *   a task id written twice (renumber the later line). The order a file implies (phases,
 *   `[P]`) is no reference anyone wrote, and no fix removes it;
 * - Kiro's tasks.md: a number written twice (renumber the later line, when it has no
 *   sub-tasks, whose numbers would say whose they are).
 *
 * Every edit is checked by parsing the edited text again; when it would not read as
 * meant, there is no fix.
 */
import { analyzeEpic } from '../analysis';
import { cycleEdges, MAX_OPTIONS, otherDependencies } from './dependencyFixes';
import type { TextEdit } from '../edits';
import { applyEdits } from '../edits';
import type { Diagnostic, DiagnosticCode, DiagnosticData, Epic, Task, ToolFormat } from '../model';
import { isToolFormat } from '../model';
import { parseKiroTasks } from '../parse/kiroParser';
import type { ParsedEpic } from '../parse/singleFileEpicParser';
import { DEPENDS_CLAUSE, parseSpecKitTasks } from '../parse/specKitParser';
import { lineStartOffsets, linesOf, stripBom } from '../text';
import type { FixContext, FixDraft, FixOption } from './fixes';
import { fileChange } from './fixText';
import { taskMasterDrafts } from './taskMasterFixes';

type Data<C extends DiagnosticData['code']> = Extract<DiagnosticData, { code: C }>;

/**
 * Codes whose usual fixes (draftsFor in fixes.ts) are written for these tool formats too,
 * and are let through as they are: a Kiro task's `_Requirements:_` reference is Kiro's own.
 */
export const USUAL_FIXES_ON_TOOL_FORMATS: ReadonlyMap<DiagnosticCode, ReadonlySet<ToolFormat>> = new Map([['requirement-unknown', new Set<ToolFormat>(['kiro'])]]);


/**
 * The fixes of a diagnostic on another tool's epic: [] for a code no fix is written for
 * in that format; undefined when the diagnostic is on no such epic, or its usual fixes
 * apply there.
 */
export function toolFormatDrafts(d: Diagnostic, data: DiagnosticData, context: FixContext): FixDraft[] | undefined {
  const epic = context.epic;
  if (!epic || !isToolFormat(epic.layout)) return undefined;
  if (USUAL_FIXES_ON_TOOL_FORMATS.get(data.code)?.has(epic.layout)) return undefined;
  // A spec's requirements.md or spec.md is in the epic's folder; its diagnostics are its PRD's, and get none of these.
  if (d.path !== epic.path) return [];
  switch (epic.layout) {
    case 'taskmaster':
      return taskMasterDrafts(d, data, context);
    case 'spec-kit':
      return specKitDrafts(d, data, context);
    case 'kiro':
      return data.code === 'task-duplicate-id' ? kiroRenumber(d, data, context) : [];
  }
}

// ---------------------------------------------------------------------------------
// A tool's markdown file

interface MarkdownFile {
  readonly path: string;
  /** 1 when the text starts with a byte-order mark: the parsers' columns are without it. */
  readonly bom: number;
  /** The text without its byte-order mark. */
  readonly text: string;
  readonly starts: readonly number[];
  lineText(line: number): string;
}

function markdownFile(path: string, source: string): MarkdownFile {
  const text = stripBom(source);
  const lines = linesOf(text);
  return { path, bom: source.length - text.length, text, starts: lineStartOffsets(text), lineText: (line) => lines.at(line) };
}

/** Edits given as columns of one line, as a change in offsets of the text as read. */
function lineChange(file: MarkdownFile, line: number, edits: ReadonlyArray<{ start: number; end: number; newText: string }>) {
  return fileChange(file.path, edits.map((e) => ({ offset: file.bom + file.starts[line] + e.start, length: e.end - e.start, newText: e.newText })));
}

/** The text after edits given as columns of one line. */
function editedText(file: MarkdownFile, line: number, edits: ReadonlyArray<{ start: number; end: number; newText: string }>): string {
  const textEdits: TextEdit[] = edits.map((e) => ({ offset: file.starts[line] + e.start, length: e.end - e.start, newText: e.newText }));
  return applyEdits(file.text, textEdits);
}

// ---------------------------------------------------------------------------------
// Spec Kit: written references

function specKitDrafts(d: Diagnostic, data: DiagnosticData, context: FixContext): FixDraft[] {
  const file = markdownFile(d.path, context.read(d.path));
  const { epic } = parseSpecKitTasks(d.path, file.text);
  switch (data.code) {
    case 'dependency-dangling':
      return specKitDangling(d, data, file, epic);
    case 'dependency-self': {
      const edits = removeReferences(file, epic, data.taskId, data.taskId, d.range.line);
      return edits ? [{ title: `Remove the dependency of ${data.taskId} on itself`, change: lineChange(file, edits.line, edits.edits), safe: true, preferred: true }] : [];
    }
    case 'dependency-cycle':
      return specKitCycle(data, file, epic);
    case 'task-duplicate-id':
      return specKitRenumber(d, data, file, epic);
    default:
      return [];
  }
}

/** One reference of a clause, its columns on the line. */
interface ClauseRef {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

interface Clause {
  /** From its `(` or its first word to its `)` or its last reference. */
  readonly start: number;
  readonly end: number;
  readonly parenthesised: boolean;
  /** It ends the line: the parser leaves it out of the title, as it does a parenthesised one. */
  readonly closes: boolean;
  readonly refs: readonly ClauseRef[];
}

/** The `(depends on T005, T006)` clause the parser read at this column, as the line is now. */
function clauseAt(lineText: string, column: number): Clause | undefined {
  const match = DEPENDS_CLAUSE.exec(lineText.slice(column));
  if (!match || match.index !== 0) return undefined;
  const listAt = column + match[0].indexOf(match[2]);
  const refs = [...match[2].matchAll(/T\d+/g)].map((m) => ({ text: m[0], start: listAt + m.index, end: listAt + m.index + m[0].length }));
  const end = column + match[0].trimEnd().length;
  return { start: column, end, parenthesised: match[1] !== undefined && match[3] !== undefined, closes: end >= lineText.trimEnd().length, refs };
}

interface LineEdit {
  readonly start: number;
  readonly end: number;
  readonly newText: string;
}

/**
 * The edits that take references out of a clause (and write `replace` in place of one that
 * stays): a reference goes with the separator before it, or for the first with the one
 * after it (`T1, T2 and T3` loses `, T2`). A clause left empty goes whole, with the space
 * or dash before it, when it is a note after the title (in parentheses or ending the
 * line); undefined when it is in the middle of the title's words.
 */
function clauseEdits(lineText: string, clause: Clause, remove: ReadonlySet<number>, replace?: { index: number; newText: string }): LineEdit[] | undefined {
  const { refs } = clause;
  if (refs.length > 0 && refs.every((_, i) => remove.has(i))) {
    if (clause.parenthesised) {
      const before = /[ \t]*$/.exec(lineText.slice(0, clause.start))![0].length;
      const after = before > 0 ? 0 : /^[ \t]*/.exec(lineText.slice(clause.end))![0].length;
      return [{ start: clause.start - before, end: clause.end + after, newText: '' }];
    }
    if (!clause.closes) return undefined;
    const lead = /[ \t]*[,;:—–-]?[ \t]*$/.exec(lineText.slice(0, clause.start))![0].length;
    return [{ start: clause.start - lead, end: clause.end, newText: '' }];
  }
  const edits: LineEdit[] = [];
  for (let a = 0; a < refs.length; a++) {
    if (!remove.has(a)) continue;
    let b = a;
    while (remove.has(b + 1)) b++;
    edits.push(a === 0 ? { start: refs[0].start, end: refs[b + 1].start, newText: '' } : { start: refs[a - 1].end, end: refs[b].end, newText: '' });
    a = b;
  }
  if (replace) {
    const ref = refs[replace.index];
    if (ref === undefined || remove.has(replace.index)) return undefined;
    edits.push({ start: ref.start, end: ref.end, newText: replace.newText });
  }
  return edits.sort((x, y) => x.start - y.start);
}

/** The written references (`(depends on …)`) of the task on a line, each as written. */
function writtenOn(epic: Epic, line: number, to: string): Array<{ written: string; from: string }> {
  return epic.dependencies.filter((dep) => dep.source === 'bullet' && dep.to === to && dep.range.line === line).map((dep) => ({ written: dep.written ?? dep.from, from: dep.from }));
}

/** The line a written `from → to` reference is on now: the diagnostic's line when it is there, else the first. */
function referenceLine(epic: Epic, from: string, to: string, prefer: number): number | undefined {
  const lines = epic.dependencies.filter((dep) => dep.source === 'bullet' && dep.from === from && dep.to === to).map((dep) => dep.range.line);
  return lines.includes(prefer) ? prefer : lines[0];
}

interface ClauseChange {
  readonly line: number;
  readonly edits: readonly LineEdit[];
}

/**
 * Edits the clause of the task `to` on a line: the references that mean `from` go (one
 * of them replaced by `replace`, when given). Undefined unless the edited text reads as
 * meant: the same task on the line with the same title (the clause was no part of it),
 * and its written references the others it had, in order.
 */
function editClause(file: MarkdownFile, epic: Epic, line: number, to: string, from: string, replace?: string): ClauseChange | undefined {
  const dep = epic.dependencies.find((x) => x.source === 'bullet' && x.to === to && x.range.line === line);
  const task = epic.tasks.find((t) => t.id === to && t.range.line === line);
  if (!dep || !task) return undefined;
  const lineText = file.lineText(line);
  const clause = clauseAt(lineText, dep.range.column);
  if (!clause) return undefined;
  const written = writtenOn(epic, line, to);
  const meaning = new Set(written.filter((w) => w.from === from).map((w) => w.written));
  const indexes = clause.refs.map((r, i) => (meaning.has(r.text) ? i : -1)).filter((i) => i !== -1);
  if (indexes.length === 0) return undefined;
  const remove = new Set(replace === undefined ? indexes : indexes.slice(1));
  const edits = clauseEdits(lineText, clause, remove, replace === undefined ? undefined : { index: indexes[0], newText: replace });
  if (!edits || edits.length === 0) return undefined;
  const expected = clause.refs.flatMap((r, i) => (remove.has(i) ? [] : [replace !== undefined && i === indexes[0] ? replace : r.text]));

  const { epic: after } = parseSpecKitTasks(file.path, editedText(file, line, edits));
  const now = after.tasks.find((t) => t.range.line === line);
  if (now?.id !== to) return undefined;
  if ((clause.parenthesised || clause.closes) && now.title !== task.title) return undefined;
  const refs = writtenOn(after, line, to).map((w) => w.written);
  if (refs.length !== expected.length || refs.some((r, i) => r !== expected[i])) return undefined;
  return { line, edits };
}

function removeReferences(file: MarkdownFile, epic: Epic, from: string, to: string, prefer: number): ClauseChange | undefined {
  const line = referenceLine(epic, from, to, prefer);
  return line === undefined ? undefined : editClause(file, epic, line, to, from);
}

function specKitDangling(d: Diagnostic, data: Data<'dependency-dangling'>, file: MarkdownFile, epic: Epic): FixDraft[] {
  const ids = new Set(epic.tasks.map((t) => t.id));
  if (ids.has(data.from) || !ids.has(data.to)) return [];
  const line = referenceLine(epic, data.from, data.to, d.range.line);
  if (line === undefined) return [];
  const out: FixDraft[] = [];
  const removal = editClause(file, epic, line, data.to, data.from);
  // Not safe, as in AutoPM's own layouts: the reference may be a typo for a task, and the note would be lost.
  if (removal) out.push({ title: `Remove the dependency on ${data.from}`, change: lineChange(file, removal.line, removal.edits), safe: false, preferred: true });
  const options: FixOption[] = [];
  for (const task of candidates(epic, data.to, data.from)) {
    const change = editClause(file, epic, line, data.to, data.from, task.id);
    if (change) options.push({ label: task.id, ...(task.title ? { detail: task.title } : {}), change: lineChange(file, change.line, change.edits) });
    if (options.length === MAX_OPTIONS) break;
  }
  out.push({
    title: 'Depend on another task…',
    change: fileChange(d.path, []),
    safe: false,
    choice: { placeholder: `The task ${data.to} depends on instead of ${data.from}`, options },
  });
  return out;
}

/** The tasks `to` could depend on instead (see otherDependencies): the nearest number first (`T013` → `T012`), then file order. */
function candidates(epic: Epic, to: string, written: string): Task[] {
  const number = (id: string) => Number(/\d+/.exec(id)?.[0] ?? NaN);
  const distance = (id: string) => {
    const gap = Math.abs(number(written) - number(id));
    return Number.isNaN(gap) ? Infinity : gap;
  };
  return otherDependencies(epic, to).sort((a, b) => distance(a.id) - distance(b.id) || a.order - b.order);
}

function specKitCycle(data: Data<'dependency-cycle'>, file: MarkdownFile, epic: Epic): FixDraft[] {
  const edges = cycleEdges(epic, analyzeEpic(epic), data);
  const out: FixDraft[] = [];
  for (const [from, to] of edges) {
    // Only a written reference can go, and only from the task that is scheduled (the first with its id).
    const line = epic.tasks.find((t) => t.id === to)?.range.line;
    const change = line === undefined ? undefined : editClause(file, epic, line, to, from);
    if (!change) continue;
    // A reference that repeats what the order says leaves the edge where it was.
    const { epic: after } = parseSpecKitTasks(file.path, editedText(file, change.line, change.edits));
    if (after.dependencies.some((dep) => dep.from === from && dep.to === to)) continue;
    out.push({ title: `Remove the dependency of ${to} on ${from}`, change: lineChange(file, change.line, change.edits), safe: false });
  }
  return out;
}

// ---------------------------------------------------------------------------------
// Duplicate ids: the later line renumbered

// The checkbox (Kiro's optional-task `*` after it) and the id, from the checkbox's column.
const SPEC_KIT_ID = /^\[[ xX~-]\]\*?[ \t]*T(\d+)/;
const KIRO_NUMBER = /^\[[ xX~-]\]\*?[ \t]*(\d+(?:\.\d+)*)/;

/**
 * The later task with an id an earlier one has, on the diagnostic's line: its number
 * rewritten. References to the id stay: they meant the first task, the one scheduled.
 * Never safe: which of the two keeps the number is the user's call.
 */
function renumberLine(
  d: Diagnostic,
  taskId: string,
  file: MarkdownFile,
  parse: (text: string) => ParsedEpic,
  pattern: RegExp,
  newId: (epic: Epic, digits: string) => { id: string; digits: string } | undefined,
): FixDraft[] {
  const { epic } = parse(file.text);
  const at = epic.tasks.findIndex((t) => t.range.line === d.range.line && t.id === taskId);
  if (at === -1 || !epic.tasks.slice(0, at).some((t) => t.id === taskId)) return [];
  const task = epic.tasks[at];
  const match = pattern.exec(file.lineText(task.range.line).slice(task.range.column));
  if (!match) return [];
  const next = newId(epic, match[1]);
  if (!next) return [];
  const end = task.range.column + match[0].length;
  const edits = [{ start: end - match[1].length, end, newText: next.digits }];
  const { epic: after } = parse(editedText(file, task.range.line, edits));
  if (after.tasks.find((t) => t.range.line === task.range.line)?.id !== next.id || after.tasks.filter((t) => t.id === next.id).length !== 1) return [];
  return [{ title: `Renumber this task to ${next.id}`, change: lineChange(file, task.range.line, edits), safe: false, preview: true }];
}

/** `T004` after the file's highest number, padded as the id was. */
function specKitRenumber(d: Diagnostic, data: Data<'task-duplicate-id'>, file: MarkdownFile, epic: Epic): FixDraft[] {
  const number = Math.max(0, ...epic.tasks.map((t) => Number(t.id.slice(1)))) + 1;
  return renumberLine(d, data.taskId, file, (text) => parseSpecKitTasks(file.path, text), SPEC_KIT_ID, (_, digits) => {
    const padded = String(number).padStart(digits.length, '0');
    return { id: `T${padded}`, digits: padded };
  });
}

/**
 * The next number among the task's siblings (`2.1` written twice: the later becomes `2.3`
 * after `2.2`). Only a task without sub-tasks: a `2.1.1` would not say which `2.1` it is under.
 */
function kiroRenumber(d: Diagnostic, data: Data<'task-duplicate-id'>, context: FixContext): FixDraft[] {
  const file = markdownFile(d.path, context.read(d.path));
  return renumberLine(d, data.taskId, file, (text) => parseKiroTasks(file.path, text), KIRO_NUMBER, (epic) => {
    if (epic.tasks.some((t) => t.id.startsWith(`${data.taskId}.`))) return undefined;
    const dot = data.taskId.lastIndexOf('.');
    const parent = dot === -1 ? '' : data.taskId.slice(0, dot + 1);
    const siblings = epic.tasks.map((t) => t.id).filter((id) => id.startsWith(parent) && /^\d+$/.test(id.slice(parent.length)));
    const id = `${parent}${Math.max(0, ...siblings.map((s) => Number(s.slice(parent.length)))) + 1}`;
    return { id, digits: id };
  });
}
