/**
 * Sprints: time boxes with a goal and a set of tasks.
 *
 * Where they come from, in this order:
 * 1. Sprint files: every `.md` file in a `sprints/` folder directly under a plan root
 *    (`.claude/epics/sprints/sprint-4.md`, `epics/sprints/sprint-4.md`), or directly in a
 *    plan root that is itself named `sprints` (add `.claude/sprints` or `sprints` to the
 *    roots to keep them beside `epics/`). Frontmatter `name`, `start`, `end`, `goal`; the
 *    body lists task references (`- checkout-flow:103`, `- [ ] epic-001-api:T3 Title`).
 *    Top-level `sprints/` folders are not read unless they are roots: the index, the
 *    editor's file watchers and the CLI's `--roots` all read one list of folders, and a
 *    folder read outside it would go unwatched.
 * 2. A `sprint:` field on a task (task file frontmatter, or a `**Sprint:**` bullet under
 *    a task of a single-file epic). The task joins the sprint of that id or name; a name
 *    no sprint file defines is a sprint of its own, with no dates.
 * 3. Only when neither defines any sprint: every epic with a start and a target date is
 *    its own time box (source `epic`), as the command-line tools' sprint status treats it.
 *
 * Everything here is pure: today's date is always passed in, never read from a clock.
 */
import type { Epic, Range, Severity, Task } from './model';
import { lineRange } from './model';
import { findFrontmatter, maskFrontmatter } from './frontmatter';
import type { OutlineItem } from './markdown/outline';
import { parseOutline } from './markdown/parseOutline';
import { findKey, normaliseKeys, numericId, stringField } from './parse/common';
import { frontmatterDiagnostics } from './parse/fileDiagnostics';
import { resolveTaskRef } from './parse/directoryParser';
import { comparePaths, fileStem, linesOf, stripBom } from './text';

// ---------------------------------------------------------------------------------
// Types

/** Where a sprint was defined: a sprint file, only `sprint:` fields on tasks, or an epic's own dates. */
export type SprintSource = 'file' | 'field' | 'epic';

/**
 * Something in a sprint that could not be read as meant. Shaped like a `Diagnostic` (path,
 * range, severity, message) so the editor can show it in place, but kept out of the
 * index's diagnostics: those carry a `DiagnosticCode`, and a sprint problem has a kind of
 * its own.
 */
export interface SprintProblem {
  readonly path: string;
  readonly range: Range;
  readonly severity: Severity;
  readonly kind: SprintProblemKind;
  readonly message: string;
}

export type SprintProblemKind =
  | 'frontmatter'
  | 'no-frontmatter'
  | 'empty-file'
  | 'date-unreadable'
  | 'date-missing'
  | 'end-before-start'
  | 'duplicate-reference'
  | 'unresolved-reference'
  | 'duplicate-sprint'
  | 'no-sprint-file';

/** One task reference line of a sprint file, as written. */
export interface SprintFileRef {
  /** The reference itself: `checkout-flow:103`, `epic-001-api:T3`, `#103`. */
  readonly written: string;
  /** The epic part as written, or undefined for a bare issue reference (`#103`). */
  readonly epic: string | undefined;
  /** The task part as written: `103`, `T3`, `#103`. */
  readonly task: string;
  /** Whatever follows the reference on its line (`Some title`), or ''. */
  readonly title: string;
  /** 0-based line of the list item. */
  readonly line: number;
  /** The list item: marker to end of the line's text. */
  readonly range: Range;
}

/**
 * What one sprint file says, before its references are matched to tasks. Plain data (no
 * methods, no Maps), as every parsed file is: the CLI's parse cache stores it with V8's
 * structured serialisation.
 */
export interface ParsedSprintFile {
  readonly path: string;
  /** The file stem: `sprint-4`. */
  readonly id: string;
  /** `name` from the frontmatter, else the `# Title`, else the id. */
  readonly name: string;
  readonly goal: string | undefined;
  /** `YYYY-MM-DD`, or undefined when missing or unreadable (see problems). */
  readonly start: string | undefined;
  readonly end: string | undefined;
  /** The dates as written, for messages and for the UI to show what was not understood. */
  readonly startWritten: string | undefined;
  readonly endWritten: string | undefined;
  /** Every frontmatter field, keys normalised as for other plan files. */
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly refs: readonly SprintFileRef[];
  /**
   * Where the task list is: the `## Tasks` (or Scope, Backlog, Committed) heading's line,
   * or -1 when there is none (then every list item of the body is read).
   */
  readonly taskHeadingLine: number;
  readonly titleLine: number;
  readonly problems: readonly SprintProblem[];
}

/** How a task is in a sprint. */
export type SprintMembership = 'file' | 'field' | 'epic';

export interface SprintMember {
  /** `epicId:taskId`, the key every sprint list and map uses. */
  readonly key: string;
  readonly epicId: string;
  readonly taskId: string;
  /** Every way the task is in the sprint, first the one that counted first. */
  readonly via: readonly SprintMembership[];
  /** Lines of the sprint file that name it (more than one when listed twice). */
  readonly fileLines: readonly number[];
}

/** A reference that names no task. Kept and reported, never silently dropped. */
export interface UnresolvedSprintRef {
  readonly written: string;
  readonly path: string;
  readonly line: number;
  readonly reason: 'unknown-epic' | 'unknown-task' | 'ambiguous';
  readonly message: string;
}

export interface Sprint {
  /** The sprint file's stem (`sprint-4`), the normalised `sprint:` value (`sprint-5`), or the epic's id. */
  readonly id: string;
  /** As people name it: `Sprint 4`. */
  readonly name: string;
  readonly source: SprintSource;
  /** The sprint file; for an epic's time box, the epic's file; undefined for a field-only sprint. */
  readonly path: string | undefined;
  readonly goal: string | undefined;
  /** `YYYY-MM-DD`; both undefined when the sprint has no usable dates (see problems). */
  readonly start: string | undefined;
  readonly end: string | undefined;
  readonly members: readonly SprintMember[];
  /** `members` as keys, in order: the sprint file's order, then tasks that joined by their field. */
  readonly taskKeys: readonly string[];
  readonly unresolved: readonly UnresolvedSprintRef[];
  readonly problems: readonly SprintProblem[];
}

export interface SprintPlan {
  /** By start date (undated last), then id. */
  readonly sprints: readonly Sprint[];
  /** Problems that concern more than one sprint (two files with one name). Each sprint's own are on it. */
  readonly problems: readonly SprintProblem[];
}

/** The key of a task in every sprint list: `epicId:taskId`. */
export function taskKey(epicId: string, taskId: string): string {
  return `${epicId}:${taskId}`;
}

/** Splits a task key at its last colon (epic ids never hold one; task ids never do either). */
export function splitTaskKey(key: string): { epicId: string; taskId: string } {
  const colon = key.lastIndexOf(':');
  return { epicId: key.slice(0, colon), taskId: key.slice(colon + 1) };
}

// ---------------------------------------------------------------------------------
// Dates

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ][0-9:.]+(?:[Zz]|[+-]\d{2}:?\d{2})?)?$/;

/**
 * `2026-03-09` from `2026-03-09` or `2026-03-09T10:00:00Z`: the calendar date as written,
 * with no time zone conversion (a sprint's dates are days, and the person who wrote
 * `T23:00:00-05:00` meant that day). Undefined for anything else, `March 9, 2026` and
 * impossible dates (`2026-02-30`) included.
 */
export function readIsoDate(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = ISO_DATE.exec(value.trim());
  if (!match) return undefined;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return undefined;
  return `${match[1]}-${match[2]}-${match[3]}`;
}

/** The local calendar date of a moment, `YYYY-MM-DD`: what "today" means to the person at the keyboard. */
export function localIsoDate(moment: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${moment.getFullYear()}-${pad(moment.getMonth() + 1)}-${pad(moment.getDate())}`;
}

/** Days since 1970-01-01 of an ISO date (one the readers accepted). */
export function dayNumber(iso: string): number {
  return Math.round(Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / 86_400_000);
}

/** The ISO date of a day number. */
export function isoOfDay(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

// ---------------------------------------------------------------------------------
// Sprint files

/** Headings under which a sprint file lists its tasks. */
const TASK_HEADING = /\b(tasks?|scope|backlog|committed|items|stories|issues)\b/i;

/**
 * A reference at the start of a list item: `epic:103`, `epic:#103`, `epic:T3`,
 * `epic:Task 3`, `epic:2.1` (Kiro's and Task Master's sub-tasks), or a bare issue `#103`; optionally in backticks, bold or a link's text.
 * A bare `T3` or `103` names no epic and is read as prose: sprints span epics.
 */
const REFERENCE = /^([A-Za-z0-9][\w.+-]*):(#?\d+(?:\.\d+)*|[TtUu]\d+|[Tt]ask\s?\d+)(?![\w])|^(#\d+)(?![\w])/;

function itemRef(item: OutlineItem): { epic: string | undefined; task: string; written: string; title: string } | undefined {
  let text = item.text;
  // `[-]` is the plans' in-progress mark, which GFM does not read as a checkbox.
  text = text.replace(/^\[[ xX-]\]\s+/, '');
  // Decorations around the reference: `**x:T3**`, `` `x:T3` ``, `[x:T3](../epics/x.md)`.
  const link = /^\[([^\]]+)\]\([^)]*\)/.exec(text);
  let rest: string;
  if (link) {
    rest = text.slice(link[0].length);
    text = link[1];
  } else {
    rest = '';
  }
  const wrapped = /^(\*\*|__|`)(.+?)\1/.exec(text);
  if (wrapped) {
    rest = text.slice(wrapped[0].length) + rest;
    text = wrapped[2];
  }
  const match = REFERENCE.exec(text);
  if (!match) return undefined;
  const written = match[0];
  rest = text.slice(written.length) + rest;
  const title = rest.replace(/^\s*(?:[-–—:|]\s*)?/, '').trim();
  if (match[3] !== undefined) return { epic: undefined, task: match[3], written, title };
  return { epic: match[1], task: match[2].replace(/^task\s?/i, 'T'), written, title };
}

function flatten(items: readonly OutlineItem[], out: OutlineItem[] = []): OutlineItem[] {
  for (const item of items) {
    out.push(item);
    flatten(item.children, out);
  }
  return out;
}

function problem(path: string, line: number, kind: SprintProblemKind, message: string, severity: Severity = 'warning'): SprintProblem {
  return { path, range: lineRange(line), severity, kind, message };
}

/** Reads one sprint file. Never throws: what cannot be read becomes a problem. */
export function parseSprintFile(path: string, source: string): ParsedSprintFile {
  const text = stripBom(source);
  const id = fileStem(path);
  const problems: SprintProblem[] = [];
  const fm = findFrontmatter(text);
  const lines = linesOf(text);
  if (text.trim() === '') {
    problems.push(problem(path, 0, 'empty-file', `Sprint file ${id}.md is empty: give it frontmatter (name, start, end, goal) and a list of tasks such as "- my-epic:T1".`));
  } else if (!fm) {
    problems.push(problem(path, 0, 'no-frontmatter', `Sprint ${id} has no frontmatter, so it has no dates; add name, start and end (YYYY-MM-DD) between --- lines at the top.`));
  } else {
    for (const d of frontmatterDiagnostics(path, fm)) problems.push({ path, range: d.range, severity: d.severity, kind: 'frontmatter', message: d.message });
  }
  const metadata = fm ? normaliseKeys(fm.data, fm.keys) : {};
  const outline = parseOutline(fm ? maskFrontmatter(text, fm) : text);
  const h1 = outline.headings.find((h) => h.depth === 1);
  const name = stringField(metadata, 'name', 'title') ?? (h1 ? h1.text.replace(/^sprint\s*:\s*/i, '').trim() || h1.text : id);
  const titleLine = (metadata.name !== undefined ? findKey(fm, 'name')?.line : undefined) ?? h1?.line ?? 0;

  const date = (keys: readonly string[], what: 'start' | 'end') => {
    const key = keys.find((k) => metadata[k] !== undefined && metadata[k] !== null);
    if (key === undefined) return { iso: undefined, written: undefined };
    const raw = metadata[key];
    const written = raw instanceof Date ? raw.toISOString() : String(raw);
    const iso = readIsoDate(raw);
    if (iso === undefined) {
      const line = findKey(fm, key)?.line ?? 0;
      problems.push(
        problem(path, line, 'date-unreadable', `The ${what} date "${written}" of sprint ${id} could not be read; write it as YYYY-MM-DD (2026-03-09). Until then the sprint has no dates.`),
      );
    }
    return { iso, written };
  };
  const start = date(['start', 'start_date', 'begin', 'from'], 'start');
  const end = date(['end', 'end_date', 'finish', 'due', 'to', 'until'], 'end');
  let startIso = start.iso;
  let endIso = end.iso;
  if (fm && (start.written === undefined || end.written === undefined)) {
    const missing = [start.written === undefined ? 'start' : '', end.written === undefined ? 'end' : ''].filter(Boolean).join(' and ');
    problems.push(problem(path, titleLine, 'date-missing', `Sprint ${id} has no ${missing} date, so it is never the current sprint; add ${missing}: YYYY-MM-DD to its frontmatter.`, 'info'));
  }
  if (startIso !== undefined && endIso !== undefined && endIso < startIso) {
    const line = findKey(fm, 'end')?.line ?? titleLine;
    problems.push(problem(path, line, 'end-before-start', `Sprint ${id} ends (${endIso}) before it starts (${startIso}), so its dates are not used; swap them or correct one.`));
    startIso = undefined;
    endIso = undefined;
  }
  if (startIso === undefined || endIso === undefined) {
    // Half a time box is no time box: a sprint is dated by both ends or by neither.
    startIso = undefined;
    endIso = undefined;
  }

  const headingIndex = outline.headings.findIndex((h) => h.depth >= 2 && TASK_HEADING.test(h.text));
  const heading = headingIndex === -1 ? undefined : outline.headings[headingIndex];
  let sectionEnd = Infinity;
  if (heading) {
    const next = outline.headings.slice(headingIndex + 1).find((h) => h.depth <= heading.depth);
    sectionEnd = next ? next.line : Infinity;
  }
  const refs: SprintFileRef[] = [];
  for (const item of flatten(outline.items)) {
    if (heading && (item.line < heading.line || item.line >= sectionEnd)) continue;
    const ref = itemRef(item);
    if (!ref) continue;
    refs.push({ ...ref, line: item.line, range: lineRange(item.line, item.column, lines.at(item.line).length) });
  }
  refs.sort((a, b) => a.line - b.line);

  return {
    path,
    id,
    name,
    goal: stringField(metadata, 'goal', 'objective'),
    start: startIso,
    end: endIso,
    startWritten: start.written,
    endWritten: end.written,
    metadata,
    refs,
    taskHeadingLine: heading?.line ?? -1,
    titleLine,
    problems,
  };
}

// ---------------------------------------------------------------------------------
// Names

/** Sprint names compared case-blind with spaces, `-` and `_` alike: `Sprint 4` is `sprint-4`. */
export function sprintNameKey(name: string): string {
  return name.trim().toLowerCase().replace(/[\s_-]+/g, '-').replace(/^-+|-+$/g, '');
}

/** The keys a `sprint:` value may name a sprint by: `4` also means `sprint-4`. */
function fieldKeys(value: string): string[] {
  const key = sprintNameKey(value);
  return /^\d+$/.test(key) ? [key, `sprint-${key}`] : [key];
}

/** The sprint a pinned id or name names: by id, then by name, case-blind. */
export function findSprint(sprints: readonly Sprint[], idOrName: string): Sprint | undefined {
  const wanted = fieldKeys(idOrName);
  return (
    sprints.find((s) => s.id === idOrName) ??
    sprints.find((s) => wanted.includes(sprintNameKey(s.id))) ??
    sprints.find((s) => wanted.includes(sprintNameKey(s.name)))
  );
}

// ---------------------------------------------------------------------------------
// Resolving references

function findEpicFor(epics: readonly Epic[], written: string): Epic[] {
  const exact = epics.filter((e) => e.id === written);
  if (exact.length > 0) return exact;
  const lower = written.toLowerCase();
  const blind = epics.filter((e) => e.id.toLowerCase() === lower);
  if (blind.length > 0) return blind;
  // `epic-001` for `epic-001-link-shortener`, as the CLI accepts.
  return epics.filter((e) => e.id.toLowerCase().startsWith(lower + '-'));
}

function findTaskIn(epic: Epic, written: string): Task | undefined {
  // Ids written as they are (`2.1`, `U1`, `T001`) before any reading of numbers.
  const exact = epic.tasks.find((t) => t.id === written);
  if (exact) return exact;
  if (written.startsWith('#')) {
    const issue = Number(written.slice(1));
    const byIssue = epic.tasks.find((t) => t.issue === issue);
    if (byIssue) return byIssue;
  }
  const id = resolveTaskRef(written, epic.tasks, epic.renumbered);
  if (id !== undefined) return epic.tasks.find((t) => t.id === id);
  const n = numericId(written);
  return n === undefined ? undefined : epic.tasks.find((t) => numericId(t.id) === n);
}

/** The task a sprint file's reference names, or why none. */
export function resolveSprintRef(
  ref: Pick<SprintFileRef, 'epic' | 'task' | 'written'>,
  epics: readonly Epic[],
): { epic: Epic; task: Task } | { reason: UnresolvedSprintRef['reason']; message: string } {
  if (ref.epic === undefined) {
    const issue = Number(ref.task.slice(1));
    const found = epics.flatMap((epic) => epic.tasks.filter((t) => t.issue === issue).map((task) => ({ epic, task })));
    if (found.length === 1) return found[0];
    if (found.length > 1) {
      return { reason: 'ambiguous', message: `${ref.written} is the issue of ${found.length} tasks (${found.map((f) => taskKey(f.epic.id, f.task.id)).join(', ')}); write it as <epic>:<task>.` };
    }
    return { reason: 'unknown-task', message: `No task is linked to issue ${ref.written}.` };
  }
  const candidates = findEpicFor(epics, ref.epic);
  if (candidates.length === 0) return { reason: 'unknown-epic', message: `${ref.written} names epic "${ref.epic}", which does not exist.` };
  if (candidates.length > 1) {
    return { reason: 'ambiguous', message: `"${ref.epic}" in ${ref.written} matches several epics: ${candidates.map((e) => e.id).join(', ')}.` };
  }
  const epic = candidates[0];
  const task = findTaskIn(epic, ref.task);
  if (!task) return { reason: 'unknown-task', message: `${ref.written} names no task of epic ${epic.id}.` };
  return { epic, task };
}

// ---------------------------------------------------------------------------------
// Assembling the plan

interface Building {
  readonly members: Map<string, { epicId: string; taskId: string; via: SprintMembership[]; fileLines: number[] }>;
  readonly unresolved: UnresolvedSprintRef[];
  readonly problems: SprintProblem[];
}

function addMember(b: Building, epicId: string, taskId: string, via: SprintMembership, line?: number): boolean {
  const key = taskKey(epicId, taskId);
  let member = b.members.get(key);
  const isNew = member === undefined;
  if (!member) b.members.set(key, (member = { epicId, taskId, via: [], fileLines: [] }));
  if (!member.via.includes(via)) member.via.push(via);
  if (line !== undefined) member.fileLines.push(line);
  return isNew;
}

function finish(
  base: Omit<Sprint, 'members' | 'taskKeys' | 'unresolved' | 'problems'>,
  b: Building,
): Sprint {
  const members: SprintMember[] = [...b.members].map(([key, m]) => ({ key, epicId: m.epicId, taskId: m.taskId, via: m.via, fileLines: m.fileLines }));
  return { ...base, members, taskKeys: members.map((m) => m.key), unresolved: b.unresolved, problems: b.problems };
}

/**
 * Every sprint of a workspace folder, from its sprint files and its tasks' `sprint:`
 * fields, or (when those define none) from its epics' own dates.
 */
export function buildSprintPlan(files: readonly ParsedSprintFile[], epics: readonly Epic[]): SprintPlan {
  const planProblems: SprintProblem[] = [];
  const sorted = [...files].sort((a, b) => comparePaths(a.path, b.path));
  const building = new Map<ParsedSprintFile, Building>();
  /** Sprint keys (normalised id and name) → the file that claims them first. */
  const byKey = new Map<string, ParsedSprintFile>();
  const usedIds = new Set<string>();
  const ids = new Map<ParsedSprintFile, string>();
  for (const file of sorted) {
    const b: Building = { members: new Map(), unresolved: [], problems: [...file.problems] };
    building.set(file, b);
    // Two files with one stem (one per root) keep apart: the second is told apart by a suffix.
    let id = file.id;
    for (let n = 2; usedIds.has(id); n++) id = `${file.id}~${n}`;
    usedIds.add(id);
    ids.set(file, id);
    for (const key of new Set([sprintNameKey(file.id), sprintNameKey(file.name)])) {
      const holder = byKey.get(key);
      if (holder) {
        const p = problem(file.path, file.titleLine, 'duplicate-sprint', `Sprint "${file.name}" (${file.path}) has the id or name of ${holder.path}; tasks whose sprint: field names it join ${holder.path}.`);
        b.problems.push(p);
        planProblems.push(p);
      } else {
        byKey.set(key, file);
      }
    }
    for (const ref of file.refs) {
      const found = resolveSprintRef(ref, epics);
      if ('reason' in found) {
        b.unresolved.push({ written: ref.written, path: file.path, line: ref.line, reason: found.reason, message: found.message });
        b.problems.push(problem(file.path, ref.line, 'unresolved-reference', found.message));
        continue;
      }
      const before = b.members.get(taskKey(found.epic.id, found.task.id));
      if (!addMember(b, found.epic.id, found.task.id, 'file', ref.line)) {
        b.problems.push(
          problem(file.path, ref.line, 'duplicate-reference', `${taskKey(found.epic.id, found.task.id)} is already listed on line ${before!.fileLines[0] + 1}; it counts once.`, 'info'),
        );
      }
    }
  }

  // Tasks that name their sprint themselves.
  const fieldOnly = new Map<string, { name: string; b: Building }>();
  for (const epic of epics) {
    for (const task of epic.tasks) {
      if (task.sprint === undefined) continue;
      const keys = fieldKeys(task.sprint);
      const file = keys.map((k) => byKey.get(k)).find((f) => f !== undefined);
      if (file) {
        addMember(building.get(file)!, epic.id, task.id, 'field');
        continue;
      }
      const key = keys[keys.length - 1];
      let entry = fieldOnly.get(key);
      if (!entry) fieldOnly.set(key, (entry = { name: task.sprint, b: { members: new Map(), unresolved: [], problems: [] } }));
      addMember(entry.b, epic.id, task.id, 'field');
    }
  }

  const sprints: Sprint[] = [];
  for (const file of sorted) {
    sprints.push(
      finish({ id: ids.get(file)!, name: file.name, source: 'file', path: file.path, goal: file.goal, start: file.start, end: file.end }, building.get(file)!),
    );
  }
  for (const [key, { name, b }] of fieldOnly) {
    const first = b.members.values().next().value!;
    const task = epics.find((e) => e.id === first.epicId)?.tasks.find((t) => t.id === first.taskId);
    b.problems.push({
      ...problem(task?.path ?? '', task?.range.line ?? 0, 'no-sprint-file', `No sprint file defines "${name}", so it has no dates; create sprints/${key}.md with start and end to give it some.`, 'info'),
    });
    const id = usedIds.has(key) ? `${key}~field` : key;
    usedIds.add(id);
    sprints.push(finish({ id, name, source: 'field', path: undefined, goal: undefined, start: undefined, end: undefined }, b));
  }

  if (sprints.length === 0) {
    for (const epic of epics) {
      const start = readIsoDate(epic.start);
      const end = readIsoDate(epic.target);
      if (start === undefined || end === undefined || end < start) continue;
      const b: Building = { members: new Map(), unresolved: [], problems: [] };
      for (const task of epic.tasks) addMember(b, epic.id, task.id, 'epic');
      sprints.push(finish({ id: epic.id, name: epic.title, source: 'epic', path: epic.path, goal: undefined, start, end }, b));
    }
  }

  sprints.sort((a, b) => {
    if (a.start !== b.start) return a.start === undefined ? 1 : b.start === undefined ? -1 : comparePaths(a.start, b.start);
    return comparePaths(a.id, b.id);
  });
  return { sprints, problems: planProblems };
}

// ---------------------------------------------------------------------------------
// The current sprint

/**
 * The sprint to show: the pinned one (a setting, by id or name) when it exists; else the
 * one whose dates include today. When two include today, the one that started last wins
 * (a sprint left open past a newer one's start is the older plan), then the one that
 * ends first, then the lower id, so the answer never depends on file order.
 */
export function currentSprint(sprints: readonly Sprint[], today: string, pinned?: string): Sprint | undefined {
  if (pinned !== undefined && pinned.trim() !== '') {
    const found = findSprint(sprints, pinned.trim());
    if (found) return found;
  }
  const covering = sprints.filter((s) => s.start !== undefined && s.end !== undefined && s.start <= today && today <= s.end);
  covering.sort((a, b) => comparePaths(b.start!, a.start!) || comparePaths(a.end!, b.end!) || comparePaths(a.id, b.id));
  return covering[0];
}
