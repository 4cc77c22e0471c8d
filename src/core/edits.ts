/**
 * Deterministic edits of plan files. Every function takes the file's current text and
 * returns the smallest edits that make the change; every other byte (line endings,
 * unknown keys, key order, comments, trailing spaces) stays as it was. Positions are
 * found again in the text given, so a file that changed since it was indexed is never
 * edited at stale offsets.
 */
import { yamlModule } from './yamlModule';
import type { Epic, Task, TaskState } from './model';
import { isToolFormat } from './model';
import { setToolTaskStateChange, toolFormatError } from './toolFormatEdits';
import type { Frontmatter } from './frontmatter';
import { findFrontmatter } from './frontmatter';
import { findKey, normaliseKeys, numericId } from './parse/common';
import { valueSpan } from './yamlLines';
import type { ParsedEpicFile } from './parse/directoryParser';
import { CONFLICTS_KEYS, DEPENDS_KEYS, parseEpicFile, parseTaskFile, taskResolver } from './parse/directoryParser';
import { ISSUE_SUFFIX, parseSingleFileEpic } from './parse/singleFileEpicParser';
import type { WrittenPercent } from './progress';
import { percentInStep, percentOf, writtenPercent } from './progress';
import { checkboxMarkFor, directoryStatusFor } from './status';
import { detectEol, joinPath, lineStartOffsets, splitLines } from './text';

export interface TextEdit {
  /** Offset into the text the edit was computed for. */
  readonly offset: number;
  /** How many characters it replaces. */
  readonly length: number;
  readonly newText: string;
}

export interface FileEdit {
  readonly path: string;
  readonly edits: readonly TextEdit[];
}

export interface FileCreate {
  readonly path: string;
  readonly text: string;
}

export interface FileRename {
  readonly from: string;
  readonly to: string;
}

/** A change to the plan: edits to existing files, new files and renames (renames last). */
export interface PlanChange {
  readonly edits: readonly FileEdit[];
  readonly creates: readonly FileCreate[];
  readonly renames: readonly FileRename[];
}

/** Why an edit cannot be made, in words for the person who asked for it. */
export class PlanEditError extends Error {
  override readonly name = 'PlanEditError';
}

/** Reads a plan file's current text (the open document's, when it is open); throws when there is no such file. */
export type ReadText = (path: string) => string;

const NO_CHANGE: PlanChange = { edits: [], creates: [], renames: [] };

/** Applies non-overlapping edits computed for `text`. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.offset - b.offset);
  let out = '';
  let at = 0;
  for (const edit of sorted) {
    if (edit.offset < at) throw new PlanEditError('Overlapping edits.');
    out += text.slice(at, edit.offset) + edit.newText;
    at = edit.offset + edit.length;
  }
  return out + text.slice(at);
}

function replaceRange(starts: readonly number[], line: number, start: number, end: number, newText: string): TextEdit {
  return { offset: starts[line] + start, length: end - start, newText };
}

// ---------------------------------------------------------------------------------
// Frontmatter fields

/** A YAML scalar (or flow sequence) as it should be written: quoted only when it has to be. */
export function formatYamlValue(value: string | number | boolean | null | readonly (string | number)[]): string {
  if (Array.isArray(value)) return `[${value.map((v) => formatYamlValue(v)).join(', ')}]`;
  if (value === null) return '';
  return yamlModule().stringify(value, { lineWidth: 0 }).trimEnd();
}

/**
 * Sets one top-level frontmatter field. The value is written in place (a comment after it
 * stays); a missing key is added as the block's last line. Returns [] when the field
 * already has that value. Throws when the file has no frontmatter block to edit.
 */
export function setFrontmatterFieldEdits(text: string, key: string, value: string): TextEdit[] {
  const fm = findFrontmatter(text);
  if (!fm || fm.endLine === -1) throw new PlanEditError('The file has no closed frontmatter block to edit.');
  const lines = splitLines(text);
  const starts = lineStartOffsets(text);
  const entry = findKey(fm, key);
  if (!entry) {
    const eol = detectEol(text);
    // A block indented as a whole takes the new key at its indentation.
    const indent = fm.keys.length > 0 ? /^[ ]*/.exec(lines[fm.keys[0].line])![0] : '';
    return [{ offset: starts[fm.endLine], length: 0, newText: `${indent}${key}:${value === '' ? '' : ' ' + value}${eol}` }];
  }
  const line = lines[entry.line];
  const start = entry.valueColumn;
  // An empty value may be followed by a comment (`github:   # filled in by sync`): the
  // value goes before the comment, which stays.
  const commentAfterEmpty = line.startsWith('#', start) && start > 0 && /\s/.test(line[start - 1]);
  const written = (lead: string) => (commentAfterEmpty ? (value === '' ? '' : value + ' ') : lead + value);
  const lead = start === line.length && value !== '' && !line.endsWith(' ') ? ' ' : '';
  if (entry.endLine > entry.line) {
    // A value that goes on over the following lines (a block list, a block of text, a plain
    // text YAML joins) becomes the new inline value: it is written on the key line, and
    // the lines that held the rest of the old one are removed.
    const keyLineEnd = starts[entry.line] + line.length;
    const blockEnd = starts[entry.endLine] + lines[entry.endLine].length;
    const edits: TextEdit[] = [{ offset: keyLineEnd, length: blockEnd - keyLineEnd, newText: '' }];
    const onKeyLine = line.slice(start);
    if (commentAfterEmpty || onKeyLine.trim() === '') {
      const text = written(lead);
      if (text !== '') edits.unshift({ offset: starts[entry.line] + start, length: 0, newText: text });
    } else {
      const [valueStart, valueEnd] = valueSpan(line, entry);
      edits.unshift(replaceRange(starts, entry.line, valueStart, valueEnd, value));
    }
    return edits;
  }
  if (commentAfterEmpty) return value === '' ? [] : [replaceRange(starts, entry.line, start, start, written(''))];
  const [valueStart, valueEnd] = valueSpan(line, entry);
  if (line.slice(valueStart, valueEnd) === value) return [];
  return [replaceRange(starts, entry.line, valueStart, valueEnd, lead + value)];
}

// ---------------------------------------------------------------------------------
// Checkboxes

/** The edit that sets the checkbox on a list item line (`- [ ]`, `1. [x]`, `* [-]`). */
export function setCheckboxEdits(text: string, line: number, mark: ' ' | 'x' | 'X' | '-'): TextEdit[] {
  const lines = splitLines(text);
  const starts = lineStartOffsets(text);
  // `[~]` is Kiro's mark for a queued task.
  const match = /^(\s*(?:[-*+]|\d+[.)])\s+\[)([ xX~-])\]/.exec(lines[line] ?? '');
  if (!match) throw new PlanEditError(`Line ${line + 1} is not a checkbox line.`);
  // An editor breaks the line at a lone CR, so it holds more than one task: which checkbox is meant cannot be told.
  if (/\r(?!$)/.test(lines[line])) throw new PlanEditError(`Line ${line + 1} holds a line break written as a lone CR. Save the file with LF or CRLF line endings, then try again.`);
  const current = match[2];
  if (current === mark || (mark === 'x' && current === 'X') || (mark === 'X' && current === 'x')) return [];
  return [replaceRange(starts, line, match[1].length, match[1].length + 1, mark)];
}

// ---------------------------------------------------------------------------------
// Task state

function findTask(epic: Epic, taskId: string): Task {
  const task = epic.tasks.find((t) => t.id === taskId);
  if (!task) throw new PlanEditError(`Epic ${epic.id} has no task ${taskId}.`);
  return task;
}

function singleFileTaskLine(path: string, text: string, taskId: string): Task {
  const { epic } = parseSingleFileEpic(path, text);
  const task = epic.tasks.find((t) => t.id === taskId);
  if (!task) throw new PlanEditError(`${path} has no task ${taskId}.`);
  return task;
}

/** An ISO timestamp without milliseconds, as the command-line tools write it. */
export function isoNow(date: Date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Sets a task's state. Single-file layout: the task line's checkbox (`[ ]`, `[-]`,
 * `[x]`), and a frontmatter `progress` field when the file has one. Directory layout: the
 * task file's `status` and `updated`, the task's line in the `epic.md` checklist, and the
 * epic's `progress` field when it has one.
 */
export function setTaskStateChange(epic: Epic, taskId: string, state: TaskState, read: ReadText, now: string): PlanChange {
  const task = findTask(epic, taskId);
  if (isToolFormat(epic.layout)) return setToolTaskStateChange(epic.layout, epic, taskId, state, read);
  if (epic.layout === 'single-file') {
    const text = read(epic.path);
    const current = singleFileTaskLine(epic.path, text, taskId);
    const edits = setCheckboxEdits(text, current.range.line, checkboxMarkFor(state));
    if (edits.length === 0) return NO_CHANGE;
    // The file's tasks as it says now, not as indexed: the count has to fit the text edited.
    const tasks = parseSingleFileEpic(epic.path, text).epic.tasks;
    const done = tasks.filter((t) => (t.id === taskId ? state === 'done' : t.state === 'done')).length;
    edits.push(...progressEdits(text, done, tasks.length));
    return { edits: [{ path: epic.path, edits }], creates: [], renames: [] };
  }

  const fileEdits: FileEdit[] = [];
  const taskText = read(task.path);
  const current = parseTaskFile(task.path, taskText);
  // A status that already means the wanted state (`completed` for done) is left as written.
  if (current.state !== state) {
    const edits = setFrontmatterFieldEdits(taskText, 'status', directoryStatusFor(state));
    const fm = findFrontmatter(taskText)!;
    if (findKey(fm, 'updated')) edits.push(...setFrontmatterFieldEdits(taskText, 'updated', now));
    fileEdits.push({ path: task.path, edits });
  }

  const epicEdits = epicFileEdits(epic, read, (file, text) => {
    const edits: TextEdit[] = [];
    const resolve = taskResolver(epic.tasks, epic.renumbered);
    for (const entry of file.checklist) {
      if (resolve(entry.ref) !== taskId) continue;
      const wanted = state === 'done';
      if (entry.checked !== wanted) edits.push(...setCheckboxEdits(text, entry.line, wanted ? 'x' : ' '));
    }
    const done = epic.tasks.filter((t) => (t.id === taskId ? state === 'done' : t.state === 'done')).length;
    edits.push(...progressEdits(text, done, epic.tasks.length));
    return edits;
  });
  if (epicEdits) fileEdits.push(epicEdits);
  return { edits: fileEdits.filter((f) => f.edits.length > 0), creates: [], renames: [] };
}

function epicFileEdits(epic: Epic, read: ReadText, make: (file: ParsedEpicFile, text: string) => TextEdit[]): FileEdit | undefined {
  let text: string;
  try {
    text = read(epic.path);
  } catch {
    // A directory epic may have task files but no epic.md: then there is nothing to keep in step.
    return undefined;
  }
  const edits = make(parseEpicFile(epic.path, text), text);
  return edits.length > 0 ? { path: epic.path, edits } : undefined;
}

/** `progress: 42%` kept in step, when the epic has that field. */
export function progressEdits(text: string, done: number, total: number): TextEdit[] {
  return progressValueEdits(text, percentOf(done, total)) ?? [];
}

/** A percentage with nothing but blanks and a `%` around its number, as most files write it. */
const PLAIN_PERCENT = /^(\s*)(\d+(?:\.\d+)?)(\s*%?\s*)$/;

/** The frontmatter's `progress` as AutoPM reads it, when it reads as a percentage. */
export function writtenProgress(text: string): WrittenPercent | undefined {
  const fm = findFrontmatter(text);
  if (!fm || fm.endLine === -1 || !findKey(fm, 'progress')) return undefined;
  return writtenPercent(normaliseKeys(fm.data, fm.keys)['progress']);
}

/**
 * The frontmatter's `progress` set to `percent` in the form it is written in (`60%`,
 * `"60%"`, `60 %`, a bare `60`): only the number changes when it can, else the value is
 * written afresh. [] when it already says `percent`; undefined when the field is missing
 * or is not a percentage (`n/a`, `TBD` are the team's words, not a number to keep).
 */
export function progressValueEdits(text: string, percent: number): TextEdit[] | undefined {
  const written = writtenProgress(text);
  if (written === undefined) return undefined;
  if (percentInStep(written, percent)) return [];
  const fits = (edits: TextEdit[] | undefined): edits is TextEdit[] => {
    const after = edits && writtenProgress(applyEdits(text, edits));
    return after !== undefined && after.sign === written.sign && percentInStep(after, percent);
  };
  let edits = progressNumberEdit(text, percent);
  if (!fits(edits)) edits = setFrontmatterFieldEdits(text, 'progress', `${percent}${written.sign ? '%' : ''}`);
  return fits(edits) ? edits : undefined;
}

/** The edit of the number alone, inside its quotes and beside its `%`; undefined when the value is written some other way (over several lines, `4e1`). */
function progressNumberEdit(text: string, percent: number): TextEdit[] | undefined {
  const entry = findKey(findFrontmatter(text), 'progress');
  if (!entry || entry.endLine > entry.line) return undefined;
  const line = splitLines(text)[entry.line];
  const [start, end] = valueSpan(line, entry);
  const quoted = end - start >= 2 && (line[start] === '"' || line[start] === "'") && line[end - 1] === line[start];
  const from = quoted ? start + 1 : start;
  const match = PLAIN_PERCENT.exec(line.slice(from, quoted ? end - 1 : end));
  if (!match) return undefined;
  const at = lineStartOffsets(text)[entry.line] + from + match[1].length;
  return [{ offset: at, length: match[2].length, newText: String(percent) }];
}

// ---------------------------------------------------------------------------------
// Issues

/**
 * Links a task to a GitHub issue. Single-file layout: appends ` (#12)` to the task line
 * (or corrects the number already there). Directory layout: sets `github` to the issue URL.
 */
export function attachIssueChange(epic: Epic, taskId: string, issue: number, issueUrl: string, read: ReadText): PlanChange {
  const task = findTask(epic, taskId);
  if (isToolFormat(epic.layout)) throw toolFormatError(epic, 'link its tasks to issues');
  if (epic.layout === 'single-file') {
    const text = read(epic.path);
    const current = singleFileTaskLine(epic.path, text, taskId);
    if (current.issue === issue) return NO_CHANGE;
    const lines = splitLines(text);
    const starts = lineStartOffsets(text);
    const line = current.range.line;
    const lineText = lines[line];
    const existing = ISSUE_SUFFIX.exec(lineText);
    const edit = existing
      ? replaceRange(starts, line, existing.index, existing.index + existing[0].trimEnd().length, ` (#${issue})`)
      : replaceRange(starts, line, lineText.trimEnd().length, lineText.trimEnd().length, ` (#${issue})`);
    return { edits: [{ path: epic.path, edits: [edit] }], creates: [], renames: [] };
  }
  const text = read(task.path);
  const edits = setFrontmatterFieldEdits(text, 'github', formatYamlValue(issueUrl));
  return edits.length === 0 ? NO_CHANGE : { edits: [{ path: task.path, edits }], creates: [], renames: [] };
}

// ---------------------------------------------------------------------------------
// New tasks

export interface NewTask {
  readonly title: string;
  readonly estimate?: string;
  /** Ids of tasks it depends on, in the epic's id form. */
  readonly dependsOn?: readonly string[];
  /** Single-file layout: the `###` group to add it to (the last group when absent or unknown). */
  readonly group?: string;
}

/** Adds a task: a checkbox line (single-file) or a new numbered task file plus its checklist line. */
export function appendTaskChange(epic: Epic, newTask: NewTask, read: ReadText, now: string): PlanChange & { readonly taskId: string } {
  const title = newTask.title.replace(/\s+/g, ' ').trim();
  if (title === '') throw new PlanEditError('A task needs a title.');
  if (isToolFormat(epic.layout)) throw toolFormatError(epic, 'add tasks');
  return epic.layout === 'single-file' ? appendSingleFileTask(epic, newTask, title, read) : appendTaskFile(epic, newTask, title, read, now);
}

function appendSingleFileTask(epic: Epic, newTask: NewTask, title: string, read: ReadText): PlanChange & { taskId: string } {
  const text = read(epic.path);
  const { epic: current } = parseSingleFileEpic(epic.path, text);
  const lines = splitLines(text);
  const starts = lineStartOffsets(text);
  const eol = detectEol(text);
  const number = Math.max(0, ...current.tasks.map((t) => numericId(t.id) ?? 0)) + 1;
  const taskId = `T${number}`;

  const inGroup = newTask.group !== undefined ? current.tasks.filter((t) => t.group === newTask.group) : [];
  const anchor = (inGroup.length > 0 ? inGroup : current.tasks).at(-1);
  const indent = anchor ? ' '.repeat(anchor.range.column) : '';
  const body = [`${indent}- [ ] **Task ${number}:** ${title}`];
  if (newTask.estimate) body.push(`${indent}  - **Estimate:** ${newTask.estimate}`);
  if (newTask.dependsOn && newTask.dependsOn.length > 0) {
    body.push(`${indent}  - **Depends on:** ${newTask.dependsOn.map((id) => `Task ${numericId(id) ?? id}`).join(', ')}`);
  }

  let insertLine: number;
  let loose: boolean;
  if (anchor) {
    // The anchor task's block ends before the next heading or the next item at its indent or less.
    const startLine = anchor.range.line;
    let end = startLine;
    for (let l = startLine + 1; l < lines.length; l++) {
      const textLine = lines[l];
      if (textLine.trim() === '') continue;
      const indentOf = textLine.length - textLine.trimStart().length;
      if (/^#{1,6}(\s|$)/.test(textLine.trimStart()) || indentOf <= anchor.range.column) break;
      end = l;
    }
    insertLine = end + 1;
    const previous = current.tasks[current.tasks.indexOf(anchor) - 1];
    loose = previous !== undefined && lines[startLine - 1]?.trim() === '';
  } else {
    const heading = lines.findIndex((l) => /^##\s+tasks\b/i.test(l));
    insertLine = heading === -1 ? lines.length : heading + 1;
    loose = true;
  }
  const atEnd = insertLine >= lines.length;
  const offset = atEnd ? text.length : starts[insertLine];
  const needsLeadingBreak = atEnd && text.length > 0 && !text.endsWith('\n');
  const block = (needsLeadingBreak ? eol : '') + (loose ? eol : '') + body.join(eol) + eol;
  return { edits: [{ path: epic.path, edits: [{ offset, length: 0, newText: block }] }], creates: [], renames: [], taskId };
}

/** The number a new task file of a directory epic gets (`004`): after the local numbers, and no number a file has. */
export function nextTaskFileId(epic: Epic): string {
  // Local task numbers stay below the issue numbers that synced files are renamed to.
  const local = epic.tasks.map((t) => t.id).filter((id) => /^\d{1,3}$/.test(id)).map(Number);
  let number = Math.max(0, ...local) + 1;
  const taken = new Set(epic.tasks.map((t) => numericId(t.id)));
  while (taken.has(number)) number++;
  return String(number).padStart(3, '0');
}

/** A new open task file, as the command-line tools write one: the frontmatter they read, then empty sections to fill in. */
export function newTaskFileText(title: string, newTask: Omit<NewTask, 'title' | 'group'>, now: string, eol: '\n' | '\r\n'): string {
  const frontmatter = [
    '---',
    `name: ${formatYamlValue(title)}`,
    'status: open',
    `created: ${now}`,
    `updated: ${now}`,
    'github:',
    `depends_on: ${formatYamlValue(newTask.dependsOn ?? [])}`,
    'parallel: true',
    'conflicts_with: []',
    ...(newTask.estimate ? [`estimate: ${formatYamlValue(newTask.estimate)}`] : []),
    '---',
  ];
  return [...frontmatter, '', `# Task: ${title}`, '', '## Description', '', '## Acceptance Criteria', '', '- [ ] ', ''].join(eol);
}

function appendTaskFile(epic: Epic, newTask: NewTask, title: string, read: ReadText, now: string): PlanChange & { taskId: string } {
  const dir = epic.dir!;
  const taskId = nextTaskFileId(epic);
  const path = joinPath(dir, `${taskId}.md`);
  let eol: '\n' | '\r\n' = '\n';
  let epicText: string | undefined;
  try {
    epicText = read(epic.path);
    eol = detectEol(epicText);
  } catch {
    epicText = undefined;
  }
  const content = newTaskFileText(title, newTask, now, eol);
  const edits: FileEdit[] = [];
  if (epicText !== undefined) {
    const file = parseEpicFile(epic.path, epicText);
    const last = file.checklist.at(-1);
    const textEdits: TextEdit[] = [];
    if (last) {
      const starts = lineStartOffsets(epicText);
      const indent = ' '.repeat(last.column);
      const offset = last.line + 1 < starts.length ? starts[last.line + 1] : epicText.length;
      const lead = offset === epicText.length && !epicText.endsWith('\n') ? eol : '';
      textEdits.push({ offset, length: 0, newText: `${lead}${indent}- [ ] ${taskId}.md - ${title}${eol}` });
    }
    const done = epic.tasks.filter((t) => t.state === 'done').length;
    textEdits.push(...progressEdits(epicText, done, epic.tasks.length + 1));
    if (textEdits.length > 0) edits.push({ path: epic.path, edits: textEdits });
  }
  return { edits, creates: [{ path, text: content }], renames: [], taskId };
}

// ---------------------------------------------------------------------------------
// Rename after sync

/**
 * After the tasks of a directory epic become GitHub issues, `001.md` is renamed to
 * `<issue>.md`. References to the old numbers are rewritten in every task file's
 * `depends_on` and `conflicts_with` (and in the `epic.md` checklist), never elsewhere:
 * a `001` in a task's prose stays as written.
 */
export function renameAfterSyncChange(epic: Epic, mapping: ReadonlyMap<string, number>, read: ReadText): PlanChange {
  if (epic.layout !== 'directory') throw new PlanEditError('Only directory-layout epics keep one file per task.');
  const byNumber = new Map<number, number>();
  const renames: FileRename[] = [];
  const movingAway = new Set<string>();
  for (const [taskId, issue] of mapping) {
    if (numericId(findTask(epic, taskId).id) !== issue) movingAway.add(taskId);
  }
  const targets = new Map<number, string>();
  for (const [taskId, issue] of mapping) {
    const task = findTask(epic, taskId);
    const n = numericId(task.id);
    if (n === undefined || n === issue) continue;
    const to = joinPath(epic.dir!, `${issue}.md`);
    // Numbers collide whatever their padding: 2.md and 002.md are the same task id.
    const holder = epic.tasks.find((t) => t !== task && numericId(t.id) === issue && !movingAway.has(t.id));
    const twin = targets.get(issue);
    if (holder || twin !== undefined) {
      throw new PlanEditError(`Cannot rename ${task.path} to ${to}: ${holder ? `${holder.path} already has number ${issue}` : `task ${twin} is being renamed to it too`}.`);
    }
    targets.set(issue, taskId);
    byNumber.set(n, issue);
    renames.push({ from: task.path, to });
  }
  if (renames.length === 0) return NO_CHANGE;

  const edits: FileEdit[] = [];
  for (const task of epic.tasks) {
    const text = read(task.path);
    const fm = findFrontmatter(text);
    if (!fm) continue;
    const textEdits = [...DEPENDS_KEYS, ...CONFLICTS_KEYS].flatMap((key) => referenceEdits(text, fm, key, byNumber));
    if (textEdits.length > 0) edits.push({ path: task.path, edits: textEdits });
  }
  const epicEdits = epicFileEdits(epic, read, (file, text) => {
    const lines = splitLines(text);
    const starts = lineStartOffsets(text);
    const out: TextEdit[] = [];
    for (const entry of file.checklist) {
      const n = numericId(entry.ref);
      const issue = n === undefined ? undefined : byNumber.get(n);
      if (issue === undefined) continue;
      const lineText = lines[entry.line];
      const at = lineText.indexOf(entry.ref, entry.column);
      if (at !== -1) out.push(replaceRange(starts, entry.line, at, at + entry.ref.length, String(issue)));
    }
    return out;
  });
  if (epicEdits) edits.push(epicEdits);
  return { edits, creates: [], renames };
}

/** Rewrites the numbers of one list-valued key, token by token, in flow or block form. */
function referenceEdits(text: string, fm: Frontmatter, key: string, byNumber: ReadonlyMap<number, number>): TextEdit[] {
  const entry = findKey(fm, key);
  if (!entry) return [];
  const lines = splitLines(text);
  const starts = lineStartOffsets(text);
  const edits: TextEdit[] = [];
  const token = /(^|[\s,[-])(["']?)(#?)(\d+)((?:\.md)?)\2(?=\s*(?:[,\]#]|$))/g;
  for (let line = entry.line; line <= entry.endLine; line++) {
    const from = line === entry.line ? entry.valueColumn : 0;
    const region = lines[line].slice(from);
    // YAML starts a comment at a `#` after white space (or at the value's start), whatever follows it.
    const comment = region.search(/(^|\s)#/);
    const scan = comment === -1 ? region : region.slice(0, comment);
    for (const match of scan.matchAll(token)) {
      const issue = byNumber.get(Number(match[4]));
      if (issue === undefined) continue;
      const start = from + match.index + match[1].length + match[2].length + match[3].length;
      edits.push(replaceRange(starts, line, start, start + match[4].length, String(issue)));
    }
  }
  return edits;
}

/** Applies a change to texts held in memory (for tests and for the CLI's dry runs). */
export function applyChange(files: Map<string, string>, change: PlanChange): void {
  for (const fileEdit of change.edits) {
    const text = files.get(fileEdit.path);
    if (text === undefined) throw new PlanEditError(`No such file: ${fileEdit.path}`);
    files.set(fileEdit.path, applyEdits(text, fileEdit.edits));
  }
  for (const create of change.creates) {
    if (files.has(create.path)) throw new PlanEditError(`${create.path} already exists.`);
    files.set(create.path, create.text);
  }
  for (const rename of change.renames) {
    const text = files.get(rename.from);
    if (text === undefined) throw new PlanEditError(`No such file: ${rename.from}`);
    files.delete(rename.from);
    files.set(rename.to, text);
  }
}

/**
 * Renames in an order that frees each new name before it is taken (`3.md → 4.md` before
 * `2.md → 3.md`). A cycle cannot be done one file at a time and is refused.
 */
export function orderRenames(renames: readonly FileRename[]): FileRename[] {
  const pending = [...renames];
  const ordered: FileRename[] = [];
  while (pending.length > 0) {
    const next = pending.findIndex((r) => !pending.some((o) => o !== r && o.from === r.to));
    if (next === -1) throw new PlanEditError(`Cannot rename ${pending.map((r) => `${r.from} → ${r.to}`).join(', ')}: the names go round in a circle; nothing was written.`);
    ordered.push(pending.splice(next, 1)[0]);
  }
  return ordered;
}
