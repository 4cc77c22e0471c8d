/**
 * Kiro specs: `.kiro/specs/<feature>/requirements.md` (the PRD) and `tasks.md` (the epic).
 *
 * tasks.md is a checkbox list whose numbers carry the structure: `2.1` is a sub-task of
 * `2`, wherever it is indented. A parent is finished when its sub-tasks are, so it
 * depends on each of them; nothing else about order is implied.
 *
 * Ids are the numbers as written, without the trailing dot (`1`, `2.1`, `2.1.3`). A
 * checkbox line without a number is a task only at the top level of a list (ids `U1`,
 * `U2`... in document order): nested under a task it is one of that task's detail lines,
 * like the `_Requirements: 1.1_` bullets, and is not scheduled.
 */
import type { Dependency, Diagnostic, Epic, Range, Task, TaskGroup, TaskState } from '../model';
import { lineRange } from '../model';
import type { Outline, OutlineHeading, OutlineItem } from '../markdown/outline';
import { parseOutline } from '../markdown/parseOutline';
import { progressOf, stateOfTasks } from '../progress';
import { baseName, dirName, fileStem, linesOf, stripBom } from '../text';
import type { Lines } from '../text';
import { compactIds, diagnostic, NO_IDS } from './common';
import { parsePrd } from './prdParser';
import type { ParsedPrd } from './prdParser';
import type { ParsedEpic } from './singleFileEpicParser';

/** A checkbox as other tools write it, read from a list item. */
export interface ToolCheckbox {
  readonly state: TaskState;
  /** The item's text after the checkbox (and after Kiro's optional-task `*`). */
  readonly text: string;
  readonly textColumn: number;
  /** Column of the checkbox's `[`: edits find the mark there. */
  readonly column: number;
}

// `[-]` and `[~]` are not GFM checkboxes, and neither is `[ ]*` (Kiro's optional task):
// the outline leaves those in the item's text.
const LOOSE_CHECKBOX = /^\[([ xX~-])\](\*?)(?=\s|$)\s*/;

/** The checkbox of a list item, any spelling Kiro or Spec Kit writes; undefined for a plain bullet. */
export function readToolCheckbox(item: OutlineItem, lineText: string): ToolCheckbox | undefined {
  const column = Math.max(item.column, lineText.indexOf('[', item.column));
  if (item.checked !== null) return { state: item.checked ? 'done' : 'open', text: item.text, textColumn: item.textColumn, column };
  if (item.text.charCodeAt(0) !== 91 /* [ */) return undefined;
  const match = LOOSE_CHECKBOX.exec(item.text);
  if (!match) return undefined;
  const mark = match[1];
  const state: TaskState = mark === ' ' ? 'open' : mark === 'x' || mark === 'X' ? 'done' : 'in-progress';
  return { state, text: item.text.slice(match[0].length), textColumn: item.textColumn + match[0].length, column: item.textColumn };
}

/** `user-auth` → `User auth`: a folder name as a title, when the files give none. */
export function readableName(folder: string): string {
  const words = folder.replace(/[-_]+/g, ' ').replace(/\s+/g, ' ').trim();
  return words === '' ? folder : words.charAt(0).toUpperCase() + words.slice(1);
}

/** The feature folder of a tool's file: `.kiro/specs/user-auth/tasks.md` → `user-auth`. */
export function featureFolderOf(path: string): { dir: string; id: string } {
  const dir = dirName(path);
  const id = baseName(dir);
  return { dir, id: id === '' ? fileStem(path) : id };
}

/** The whole of a line, for ranges that must reach its end. */
function wholeLine(lines: Lines, line: number, column = 0): Range {
  return lineRange(line, column, Math.max(column, lines.at(line).length));
}

/** The state the tasks give the epic: tool formats have no status field of their own. */
export function stateFromTasks(tasks: readonly Task[]): Epic['state'] {
  return stateOfTasks(progressOf(tasks));
}

/** The first `# ` heading's text with a generic name (`Implementation Plan`) or its prefix (`Tasks:`) taken off. */
export function specificTitle(heading: string | undefined, generic: RegExp, prefix: RegExp): string | undefined {
  if (heading === undefined) return undefined;
  const text = heading.trim();
  const rest = prefix.exec(text);
  if (rest) return rest[1].trim() || undefined;
  return text === '' || generic.test(text) ? undefined : text;
}

// `1.`, `2.1`, `2.1.3 Title`; `10x faster` is not a number.
const TASK_NUMBER = /^(\d+(?:\.\d+)*)\.?(?=\s|$)\s*(.*)$/;
const GENERIC_PLAN = /^(implementation\s+plan|tasks?|task\s+list)$/i;
const PLAN_PREFIX = /^(?:implementation\s+plan|tasks?)\s*[:—–-]\s*(.*)$/i;

interface KiroLine {
  readonly id: string;
  readonly numbered: boolean;
  readonly title: string;
  readonly state: TaskState;
  readonly range: Range;
}

function collectKiroLines(items: readonly OutlineItem[], topLevel: boolean, lines: Lines, out: KiroLine[]): void {
  for (const item of items) {
    const lineText = lines.at(item.line);
    const box = readToolCheckbox(item, lineText);
    if (box) {
      const range = wholeLine(lines, item.line, box.column);
      const number = TASK_NUMBER.exec(box.text);
      if (number) out.push({ id: number[1], numbered: true, title: number[2].trim(), state: box.state, range });
      // An empty checkbox line names nothing to do.
      else if (topLevel && box.text.trim() !== '') out.push({ id: '', numbered: false, title: box.text.trim(), state: box.state, range });
    }
    collectKiroLines(item.children, false, lines, out);
  }
}

/** `2.1.3` → `2.1`; a top-level number has no parent. */
function parentNumber(id: string): string | undefined {
  const dot = id.lastIndexOf('.');
  return dot === -1 ? undefined : id.slice(0, dot);
}

type MutableTask = Task & { dependsOn: string[]; group?: string };

export function parseKiroTasks(path: string, source: string): ParsedEpic {
  const text = stripBom(source);
  const outline = parseOutline(text);
  const lines = linesOf(text);
  const { dir, id } = featureFolderOf(path);
  const diagnostics: Diagnostic[] = [];

  const found: KiroLine[] = [];
  collectKiroLines(outline.items, true, lines, found);
  let unnumbered = 0;
  const tasks: MutableTask[] = found.map((line, order) => ({
    id: line.numbered ? line.id : `U${++unnumbered}`,
    epicId: id,
    title: line.title,
    state: line.state,
    rawStatus: undefined,
    dependsOn: [],
    conflictsWith: NO_IDS,
    path,
    range: line.range,
    order,
  }));
  for (const task of tasks) {
    if (task.title === '') {
      diagnostics.push(diagnostic(path, task.range, 'warning', 'task-missing-title', `Task ${task.id} has a number but no title.`));
    }
  }
  // Duplicate numbers are reported by validation (validateEpic); the first one is the parent.
  const byId = new Map<string, MutableTask>();
  for (const task of tasks) if (!byId.has(task.id)) byId.set(task.id, task);

  const dependencies: Dependency[] = [];
  for (const task of tasks) {
    const parent = byId.get(parentNumber(task.id) ?? '');
    if (!parent || parent === task) continue;
    dependencies.push({ from: task.id, to: parent.id, source: 'order', path, range: task.range });
    if (!parent.dependsOn.includes(task.id)) parent.dependsOn.push(task.id);
  }
  const groups = subTaskGroups(tasks, byId);
  for (const task of tasks) (task as { dependsOn: readonly string[] }).dependsOn = compactIds(task.dependsOn);

  const h1 = outline.headings.find((h) => h.depth === 1);
  if (tasks.length === 0) {
    diagnostics.push(diagnostic(path, lineRange(h1?.line ?? 0), 'info', 'epic-empty', 'This spec has no task lines (`- [ ] 1. Title`).'));
  }
  const titleLine = h1?.line ?? 0;
  const epic: Epic = {
    kind: 'epic',
    id,
    title: specificTitle(h1?.text, GENERIC_PLAN, PLAN_PREFIX) ?? readableName(id),
    layout: 'kiro',
    path,
    dir,
    state: stateFromTasks(tasks),
    prd: id,
    metadata: {},
    groups,
    tasks,
    milestones: [],
    dependencies,
    checklist: [],
    range: wholeLine(lines, titleLine),
  };
  return { epic, diagnostics };
}

/**
 * One group per top-level task with sub-tasks: the sub-tasks reached through existing
 * parents (`2.1.1` under `2.1` under `2`), in document order. They take the group's name.
 */
function subTaskGroups(tasks: readonly MutableTask[], byId: ReadonlyMap<string, MutableTask>): TaskGroup[] {
  const members = new Map<MutableTask, string[]>();
  for (const task of tasks) {
    let top: MutableTask | undefined;
    for (let up = parentNumber(task.id); up !== undefined; up = parentNumber(up)) {
      const ancestor = byId.get(up);
      if (!ancestor) break;
      top = ancestor;
    }
    // Only a chain that reaches a top-level number counts: `3.1` without `3` stands alone.
    if (!top || parentNumber(top.id) !== undefined) continue;
    let list = members.get(top);
    if (!list) members.set(top, (list = []));
    list.push(task.id);
    task.group = top.title;
  }
  return [...members].map(([top, taskIds]) => ({ name: top.title, range: top.range, taskIds }));
}

const GENERIC_REQUIREMENTS = /^(requirements?(\s+document)?|requirements?\s+specification)$/i;
const REQUIREMENTS_PREFIX = /^requirements?(?:\s+document)?\s*[:—–-]\s*(.*)$/i;

/** Kiro's requirements.md as a PRD: its id is the feature folder's name, which the spec's epic names as its PRD. */
export function parseKiroRequirements(path: string, source: string): ParsedPrd {
  return toolPrd(path, source, GENERIC_REQUIREMENTS, REQUIREMENTS_PREFIX, (folder) => readableName(folder));
}

/**
 * A tool's PRD file read as AutoPM's PRDs are (sections, bold key metadata, status), then
 * named after its feature folder. The folder names it, so a file without a `# ` title or
 * frontmatter is nothing to report.
 */
export function toolPrd(path: string, source: string, generic: RegExp, prefix: RegExp, fallbackTitle: (folder: string) => string): ParsedPrd {
  const parsed = parsePrd(path, source);
  const { id } = featureFolderOf(path);
  const lines = linesOf(stripBom(source));
  const titleLineText = lines.at(parsed.prd.range.line);
  // parsePrd falls back to the file stem (`requirements`, `spec`) when there is no `# ` title.
  const h1 = /^ {0,3}#\s/.test(titleLineText) ? parsed.prd.title.trim() : undefined;
  const fromHeading = specificTitle(h1, generic, prefix);
  const fromMetadata = h1 === undefined && parsed.prd.title !== fileStem(path) ? parsed.prd.title : undefined;
  return {
    prd: { ...parsed.prd, id, title: fromHeading ?? fromMetadata ?? fallbackTitle(id) },
    diagnostics: parsed.diagnostics.filter((d) => d.code !== 'frontmatter-missing'),
  };
}

/** A `_Requirements: 1.1, 2.3_` reference under a task. */
export interface KiroRequirementRef {
  readonly taskId: string;
  /** As written: `1.1`. */
  readonly ref: string;
  readonly range: Range;
}

const REQUIREMENTS_LINE = /^[_*]*requirements?[_*]*\s*:\s*[_*]*\s*(.*?)\s*[_*]*$/i;

/**
 * The requirement references of each task in a tasks.md, for checking them against
 * requirements.md (see kiroRequirementIds). The model keeps no field for them. `tasks`,
 * when the caller has just parsed the same text, spares parsing it again.
 */
export function kiroRequirementRefs(source: string, tasks?: readonly Pick<Task, 'id' | 'range'>[]): KiroRequirementRef[] {
  const text = stripBom(source);
  const lines = linesOf(text);
  const taskOnLine = new Map((tasks ?? parseKiroTasks('tasks.md', text).epic.tasks).map((t) => [t.range.line, t.id]));
  const out: KiroRequirementRef[] = [];
  const visit = (items: readonly OutlineItem[], taskId: string | undefined) => {
    for (const item of items) {
      const own = taskOnLine.get(item.line) ?? taskId;
      const match = own !== undefined && item.checked === null ? REQUIREMENTS_LINE.exec(item.text) : null;
      if (match && own !== undefined) out.push(...refsOf(match[1], own, item, lines.at(item.line)));
      visit(item.children, own);
    }
  };
  visit(parseOutline(text).items, undefined);
  return out;
}

function refsOf(list: string, taskId: string, item: OutlineItem, lineText: string): KiroRequirementRef[] {
  const out: KiroRequirementRef[] = [];
  let from = item.textColumn;
  for (const ref of list.split(/[,;]/).map((r) => r.trim()).filter((r) => r !== '')) {
    const at = lineText.indexOf(ref, from);
    const column = at === -1 ? item.textColumn : at;
    out.push({ taskId, ref, range: lineRange(item.line, column, column + ref.length) });
    if (at !== -1) from = at + ref.length;
  }
  return out;
}

/** A requirement or acceptance criterion requirements.md defines, with its words. */
export interface KiroRequirement {
  /** `3` for `### Requirement 3`, `3.1` for its first numbered acceptance criterion. */
  readonly id: string;
  /** The heading's title after its number, or the criterion's text; '' when there is none. */
  readonly text: string;
}

/**
 * The requirement numbers a requirements.md defines: `3` for `### Requirement 3`, and
 * `3.1`, `3.2`... for its numbered acceptance criteria.
 */
export function kiroRequirementIds(source: string): ReadonlySet<string> {
  return new Set(kiroRequirements(source).map((r) => r.id));
}

/** What kiroRequirementIds reads, in document order, with the words that go with each number. */
export function kiroRequirements(source: string): KiroRequirement[] {
  const text = stripBom(source);
  const lines = linesOf(text);
  const outline = parseOutline(text);
  const out: KiroRequirement[] = [];
  const seen = new Set<string>();
  const add = (id: string, words: string) => {
    if (!seen.has(id)) out.push({ id, text: words });
    seen.add(id);
  };
  const requirements = outline.headings
    .map((h, index) => ({ h, index, match: /^requirement\s+(\d+(?:\.\d+)*)\b\s*[:.—–-]?\s*(.*)$/i.exec(h.text.trim()) }))
    .filter((r): r is { h: OutlineHeading; index: number; match: RegExpExecArray } => r.match !== null);
  for (const { h, index, match } of requirements) {
    const number = match[1];
    add(number, match[2].trim());
    const end = nextHeadingLine(outline, index, h.depth, lines.count);
    for (const item of outline.items) {
      if (!item.ordered || item.line <= h.line || item.line >= end) continue;
      const criterion = /^\s*(\d+)[.)]/.exec(lines.at(item.line));
      if (criterion) add(`${number}.${Number(criterion[1])}`, item.text.trim());
    }
  }
  return out;
}

// A number such as `4.3`; a reference written some other way (`NFR-2`) is not checked.
const REQUIREMENT_NUMBER = /^\d+(?:\.\d+)*$/;

/**
 * A warning on each numbered reference in a tasks.md that requirements.md does not
 * define. A requirements.md that defines no number at all is written some way this does
 * not read, so then nothing is reported rather than every reference.
 */
export function unknownRequirementDiagnostics(path: string, refs: readonly KiroRequirementRef[], defined: ReadonlySet<string>): Diagnostic[] {
  if (defined.size === 0) return [];
  return refs
    .filter((r) => REQUIREMENT_NUMBER.test(r.ref) && !defined.has(r.ref))
    .map((r) =>
      diagnostic(path, r.range, 'warning', 'requirement-unknown', `Task ${r.taskId} refers to requirement ${r.ref}, which requirements.md does not define.`, {
        code: 'requirement-unknown',
        taskId: r.taskId,
        ref: r.ref,
      }),
    );
}

/** The line of the next heading of the same or a higher level, or the line count. */
function nextHeadingLine(outline: Outline, index: number, depth: number, count: number): number {
  for (let i = index + 1; i < outline.headings.length; i++) if (outline.headings[i].depth <= depth) return outline.headings[i].line;
  return count;
}
