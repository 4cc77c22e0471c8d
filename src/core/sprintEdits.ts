/**
 * Edits of sprints, made as the task edits are (src/core/edits.ts): the smallest text
 * change, positions found again in the text given, every other byte kept, line endings
 * (LF or CRLF) and a missing final newline included. Adding a reference and removing it
 * again gives back the file as it was.
 */
import type { FileEdit, PlanChange, ReadText, TextEdit } from './edits';
import { formatYamlValue, PlanEditError } from './edits';
import { findFrontmatter, maskFrontmatter } from './frontmatter';
import type { OutlineItem } from './markdown/outline';
import { parseOutline } from './markdown/parseOutline';
import type { Epic, Task } from './model';
import { findKey, parseBoldKeyLine } from './parse/common';
import type { Sprint } from './sprint';
import { parseSprintFile, readIsoDate, resolveSprintRef, splitTaskKey, sprintNameKey, taskKey } from './sprint';
import { detectEol, joinPath, lineStartOffsets, splitLines } from './text';
import { isToolRoot } from './toolRoots';

const NO_CHANGE: PlanChange = { edits: [], creates: [], renames: [] };

// ---------------------------------------------------------------------------------
// New sprint

export interface NewSprint {
  readonly name: string;
  /** `YYYY-MM-DD` (a timestamp's date is kept as written). */
  readonly start?: string;
  readonly end?: string;
  readonly goal?: string;
}

/** `Sprint 4` → `sprint-4`; what is left of a name with no letters or digits is `sprint`. */
export function sprintFileStem(name: string): string {
  const stem = sprintNameKey(name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '')).replace(/[^a-z0-9-]+/g, '-').replace(/-{2,}/g, '-').replace(/^-+|-+$/g, '');
  return stem === '' ? 'sprint' : stem.slice(0, 80).replace(/-+$/, '');
}

/**
 * Creates a sprint file in `folder` (a `sprints/` folder; see defaultSprintFolder):
 * frontmatter with the name, dates and goal, a title, and an empty `## Tasks` list. The
 * file is named from the name and never replaces one: `sprint-4-2.md` when `sprint-4.md`
 * exists (`exists` answers for the file system and for unsaved editors alike).
 */
export function newSprintChange(folder: string, spec: NewSprint, exists: (path: string) => boolean): PlanChange & { readonly path: string; readonly id: string } {
  const name = spec.name.replace(/\s+/g, ' ').trim();
  if (name === '') throw new PlanEditError('A sprint needs a name.');
  const start = spec.start === undefined || spec.start.trim() === '' ? undefined : readIsoDate(spec.start);
  const end = spec.end === undefined || spec.end.trim() === '' ? undefined : readIsoDate(spec.end);
  if (spec.start?.trim() && start === undefined) throw new PlanEditError(`The start date "${spec.start}" is not a date; write it as YYYY-MM-DD.`);
  if (spec.end?.trim() && end === undefined) throw new PlanEditError(`The end date "${spec.end}" is not a date; write it as YYYY-MM-DD.`);
  if (start !== undefined && end !== undefined && end < start) throw new PlanEditError(`The sprint would end (${end}) before it starts (${start}).`);
  const stem = sprintFileStem(name);
  let id = stem;
  for (let n = 2; exists(joinPath(folder, `${id}.md`)); n++) id = `${stem}-${n}`;
  const path = joinPath(folder, `${id}.md`);
  const goal = spec.goal?.replace(/\s+/g, ' ').trim();
  const lines = [
    '---',
    `name: ${formatYamlValue(name)}`,
    `start: ${start ?? ''}`.trimEnd(),
    `end: ${end ?? ''}`.trimEnd(),
    `goal: ${goal ? formatYamlValue(goal) : ''}`.trimEnd(),
    '---',
    '',
    `# ${name}`,
    '',
    '## Tasks',
    '',
  ];
  return { edits: [], creates: [{ path, text: lines.join('\n') }], renames: [], path, id };
}

/**
 * Where New Sprint puts a file: the folder the workspace's sprint files are already in,
 * else the `sprints` folder of the epics root that holds directory-layout epics (the
 * command-line tools' `.claude/epics`), else of the first epics root.
 */
export function defaultSprintFolder(roots: readonly string[], sprintPaths: readonly string[], epics: readonly Epic[]): string {
  const existing = [...sprintPaths].sort()[0];
  if (existing !== undefined) return existing.slice(0, existing.lastIndexOf('/'));
  // Never another tool's folder, where a `sprints` folder would read as one of its specs.
  const tidy = roots.map((r) => r.replace(/^\.\//, '').replace(/\/+$/, '')).filter((r) => !isToolRoot(r));
  const own = tidy.find((r) => /(^|\/)sprints$/i.test(r));
  if (own !== undefined) return own;
  const holding = (layout: Epic['layout']) => tidy.find((r) => !/(^|\/)prds$/i.test(r) && epics.some((e) => e.layout === layout && e.path.startsWith(r + '/')));
  const root = holding('directory') ?? holding('single-file') ?? tidy.find((r) => /(^|\/)epics$/i.test(r)) ?? tidy.find((r) => !/(^|\/)prds$/i.test(r)) ?? 'epics';
  return joinPath(root, 'sprints');
}

// ---------------------------------------------------------------------------------
// Lines

/** Removes whole lines (0-based, any order): each with its line break, or the break before it when it is the last line and has none. */
function removeLinesEdits(text: string, remove: readonly number[]): TextEdit[] {
  const starts = lineStartOffsets(text);
  const count = starts.length;
  const sorted = [...new Set(remove)].sort((a, b) => a - b);
  const edits: TextEdit[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    const first = sorted[i];
    const last = sorted[j];
    if (last + 1 < count) {
      edits.push({ offset: starts[first], length: starts[last + 1] - starts[first], newText: '' });
    } else if (first === 0) {
      edits.push({ offset: 0, length: text.length, newText: '' });
    } else {
      // The last line has no line break of its own: the one before it goes with it.
      const from = starts[first] - (text[starts[first] - 2] === '\r' ? 2 : 1);
      edits.push({ offset: from, length: text.length - from, newText: '' });
    }
    i = j + 1;
  }
  return edits;
}

/** Inserts one line after line `after` (-1: before the first), in the file's line endings, keeping a missing final newline missing. */
function insertLineEdit(text: string, after: number, line: string): TextEdit {
  const eol = detectEol(text);
  const starts = lineStartOffsets(text);
  if (text === '') return { offset: 0, length: 0, newText: line + eol };
  if (after + 1 < starts.length) return { offset: starts[after + 1], length: 0, newText: line + eol };
  return { offset: text.length, length: 0, newText: text.endsWith('\n') ? line + eol : eol + line };
}

/** The last line of a list item's block: the item line and the more indented lines after it. */
function blockEnd(lines: readonly string[], line: number, column: number): number {
  let end = line;
  for (let l = line + 1; l < lines.length; l++) {
    const text = lines[l];
    if (text.trim() === '') continue;
    const indent = text.length - text.trimStart().length;
    if (indent <= column || /^#{1,6}(\s|$)/.test(text.trimStart())) break;
    end = l;
  }
  return end;
}

// ---------------------------------------------------------------------------------
// Add and remove

function requireFile(sprint: Sprint, verb: string): string {
  if (sprint.source === 'epic') throw new PlanEditError(`${sprint.name} is an epic's own time box: it holds every task of the epic, so there is nothing to ${verb}. Create a sprint with New Sprint to choose tasks.`);
  if (sprint.path === undefined) {
    throw new PlanEditError(`No sprint file defines "${sprint.name}" (its tasks name it in their sprint field): create it with New Sprint first.`);
  }
  return sprint.path;
}

/** The reference lines of a sprint file's current text that name a task. */
function linesNaming(path: string, text: string, key: string, epics: readonly Epic[]): number[] {
  const { epicId, taskId } = splitTaskKey(key);
  return parseSprintFile(path, text)
    .refs.filter((ref) => {
      const found = resolveSprintRef(ref, epics);
      if (!('reason' in found)) return found.epic.id === epicId && found.task.id === taskId;
      // A reference to a task the index no longer has still names it when written alike.
      return ref.epic !== undefined && `${ref.epic}:${ref.task}`.toLowerCase() === key.toLowerCase();
    })
    .map((ref) => ref.line);
}

/**
 * Adds `- <epic>:<task>` to a sprint file's task list: after its last reference (in that
 * item's indentation, marker and checkbox style), else right under its `## Tasks` heading,
 * else at the end of the file. No change when the sprint file already names the task.
 */
export function addTaskToSprintChange(sprint: Sprint, epic: Epic, taskId: string, read: ReadText, epics: readonly Epic[]): PlanChange {
  const path = requireFile(sprint, 'add');
  const task = epic.tasks.find((t) => t.id === taskId);
  if (!task) throw new PlanEditError(`Epic ${epic.id} has no task ${taskId}.`);
  const key = taskKey(epic.id, task.id);
  const text = read(path);
  if (linesNaming(path, text, key, epics).length > 0) return NO_CHANGE;
  const parsed = parseSprintFile(path, text);
  const lines = splitLines(text);
  const last = parsed.refs.at(-1);
  let after: number;
  let prefix = '- ';
  let indent = '';
  if (last) {
    const lineText = lines[last.line];
    const match = /^(\s*)([-*+]|\d+[.)])(\s+)(\[[ xX-]\]\s+)?/.exec(lineText)!;
    indent = match[1];
    const marker = /^\d/.test(match[2]) ? '-' : match[2];
    prefix = `${marker} ${match[4] !== undefined ? '[ ] ' : ''}`;
    after = blockEnd(lines, last.line, last.range.column);
  } else if (parsed.taskHeadingLine !== -1) {
    after = parsed.taskHeadingLine;
  } else {
    after = lines.length - 1;
    // A trailing empty "line" after the final newline is not a line to insert after.
    if (text.endsWith('\n')) after--;
  }
  const edit = insertLineEdit(text, after, `${indent}${prefix}${key}`);
  return { edits: [{ path, edits: [edit] }], creates: [], renames: [] };
}

/** The `**Sprint:**` bullet among a single-file task's nested bullets: its line and value. */
function sprintBullet(text: string, task: Task): { line: number; value: string } | undefined {
  const fm = findFrontmatter(text);
  const outline = parseOutline(fm ? maskFrontmatter(text, fm) : text);
  const find = (items: readonly OutlineItem[]): { line: number; value: string } | undefined => {
    for (const item of items) {
      if (item.line === task.range.line) {
        for (const child of item.children) {
          const kv = parseBoldKeyLine(child.text);
          if (kv?.[0] === 'sprint') return { line: child.line, value: kv[1] };
        }
        return undefined;
      }
      const inner = find(item.children);
      if (inner !== undefined) return inner;
    }
    return undefined;
  };
  return find(outline.items);
}

/**
 * Takes a task out of a sprint: removes every reference line of the sprint file that
 * names it (a task listed twice leaves with both), and clears the task's own `sprint:`
 * field (the frontmatter line, or the `**Sprint:**` bullet) when that is how it joined.
 * No change when the task is not in the sprint.
 */
export function removeTaskFromSprintChange(sprint: Sprint, epic: Epic, taskId: string, read: ReadText, epics: readonly Epic[]): PlanChange {
  if (sprint.source === 'epic') requireFile(sprint, 'remove');
  const task = epic.tasks.find((t) => t.id === taskId);
  const key = taskKey(epic.id, task?.id ?? taskId);
  const edits: FileEdit[] = [];
  if (sprint.path !== undefined) {
    const text = read(sprint.path);
    const lines = linesNaming(sprint.path, text, key, epics);
    if (lines.length > 0) edits.push({ path: sprint.path, edits: removeLinesEdits(text, lines) });
  }
  const member = sprint.members.find((m) => m.key === key);
  if (task && member?.via.includes('field')) {
    const text = read(task.path);
    const names = (value: string) => {
      const wanted = sprintNameKey(value);
      return [sprintNameKey(sprint.id), sprintNameKey(sprint.name)].some((k) => k === wanted || k === `sprint-${wanted}`);
    };
    if (epic.layout === 'directory') {
      const fm = findFrontmatter(text);
      const entry = findKey(fm, 'sprint');
      const value = fm?.data[entry?.key ?? ''];
      if (entry && value !== undefined && value !== null && names(String(value))) {
        const remove: number[] = [];
        for (let l = entry.line; l <= entry.endLine; l++) remove.push(l);
        edits.push({ path: task.path, edits: removeLinesEdits(text, remove) });
      }
    } else {
      const bullet = sprintBullet(text, task);
      if (bullet && names(bullet.value)) edits.push({ path: task.path, edits: removeLinesEdits(text, [bullet.line]) });
    }
  }
  return edits.length === 0 ? NO_CHANGE : { edits, creates: [], renames: [] };
}
