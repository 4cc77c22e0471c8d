/**
 * Fixes of the `## Tasks Created` checklist of a directory epic's `epic.md`: a line that
 * disagrees with its task file (set the file's status, or tick the line), a line with no
 * task file (remove it), and a task missing from the list (add its line, written like the
 * lines already there).
 */
import type { Diagnostic, DiagnosticData, Epic, Task, TaskState } from '../model';
import type { ParsedEpicFile } from '../parse/directoryParser';
import { applyEdits, progressEdits, setCheckboxEdits, setFrontmatterFieldEdits } from '../edits';
import { findFrontmatter } from '../frontmatter';
import { parseEpicFile, parseTaskFile, taskResolver } from '../parse/directoryParser';
import { directoryStatusFor } from '../status';
import type { FixContext, FixDraft } from './fixes';
import { deleteLines, fileChange, insertLine, joinChanges, textLines } from './fixText';

type MismatchData = Extract<DiagnosticData, { code: 'checklist-mismatch' }>;
type MissingData = Extract<DiagnosticData, { code: 'checklist-missing-task' }>;
type Entry = ParsedEpicFile['checklist'][number];

/** The checklist line the diagnostic is on: the one on its line that names the task, else the only one that does. */
function entryFor(epic: Epic, file: ParsedEpicFile, taskId: string, line: number): Entry | undefined {
  const resolve = taskResolver(epic.tasks, epic.renumbered);
  const naming = file.checklist.filter((e) => (resolve(e.ref) ?? e.ref) === taskId);
  return naming.find((e) => e.line === line) ?? (naming.length === 1 ? naming[0] : undefined);
}

export function checklistMismatchFixes(d: Diagnostic, data: MismatchData, context: FixContext): FixDraft[] {
  const epic = context.epic;
  if (!epic || epic.layout !== 'directory' || d.path !== epic.path) return [];
  const epicText = context.read(epic.path);
  const entry = entryFor(epic, parseEpicFile(epic.path, epicText), data.taskId, d.range.line);
  if (!entry) return [];
  const task = epic.tasks.find((t) => t.id === data.taskId);
  if (!task) {
    // The line names a task the epic has no file for.
    if (data.hasFile) return [];
    return [{ title: `Remove the checklist line of ${entry.ref}, which has no task file`, change: fileChange(epic.path, [deleteLines(textLines(epicText), entry.line, entry.line)]), safe: false }];
  }
  const taskText = context.read(task.path);
  const file = parseTaskFile(task.path, taskText);
  const done = file.state === 'done';
  if (entry.checked === done) return [];

  const out: FixDraft[] = [];
  const wanted: TaskState = entry.checked ? 'done' : 'open';
  const status = directoryStatusFor(wanted);
  // A task file with no frontmatter (or one never closed) has no status to set.
  const fm = findFrontmatter(taskText);
  const statusEdits = fm && fm.endLine !== -1 ? setFrontmatterFieldEdits(taskText, 'status', status) : [];
  if (statusEdits.length > 0) {
    // A `progress:` the epic keeps changes with the number of tasks done, as when the task is completed from the editor.
    const doneAfter = epic.tasks.filter((t) => (t.id === task.id ? wanted === 'done' : t.state === 'done')).length;
    out.push({
      title: `Set the status of task ${task.id} to ${status}, as the checklist says`,
      change: joinChanges(fileChange(task.path, statusEdits), fileChange(epic.path, progressEdits(epicText, doneAfter, epic.tasks.length))),
      safe: false,
      preferred: true,
    });
  }
  out.push({
    title: `${done ? 'Tick' : 'Untick'} task ${task.id} in the checklist, as its file says ${file.rawStatus ?? file.state}`,
    change: fileChange(epic.path, setCheckboxEdits(epicText, entry.line, done ? 'x' : ' ')),
    safe: false,
  });
  return out;
}

export function checklistMissingTaskFixes(d: Diagnostic, data: MissingData, context: FixContext): FixDraft[] {
  const epic = context.epic;
  if (!epic || epic.layout !== 'directory' || d.path !== epic.path) return [];
  const task = epic.tasks.find((t) => t.id === data.taskId);
  if (!task) return [];
  const text = context.read(epic.path);
  const file = parseEpicFile(epic.path, text);
  const resolve = taskResolver(epic.tasks, epic.renumbered);
  if (file.checklist.length === 0 || file.checklist.some((e) => resolve(e.ref) === task.id)) return [];

  // After the line of the nearest task before it that is listed; before the first line when none is.
  const order = new Map(epic.tasks.map((t) => [t.id, t.order]));
  const before = file.checklist
    .map((entry) => ({ entry, order: order.get(resolve(entry.ref) ?? '') }))
    .filter((e): e is { entry: Entry; order: number } => e.order !== undefined && e.order < task.order)
    .sort((a, b) => a.order - b.order || a.entry.line - b.entry.line)
    .at(-1)?.entry;
  const template = before ?? file.checklist[0];
  const t = textLines(text);
  const line = checklistLineLike(t.lines[template.line], template, task);
  if (line === undefined) return [];
  const edit = insertLine(t, before ? before.line + 1 : template.line, line);
  // The new line must read as the task's, ticked as its file says.
  const added = parseEpicFile(epic.path, applyEdits(text, [edit])).checklist.find((e) => resolve(e.ref) === task.id);
  if (!added || added.checked !== (task.state === 'done')) return [];
  return [{ title: `Add task ${task.id} to the checklist`, change: fileChange(epic.path, [edit]), safe: true, preferred: true }];
}

const CHECKBOX = /^(\s*(?:[-*+]|\d+[.)])\s+\[)[ xX]\](\s+)/;
const REF = /^(?:\[#?\d+\]\([^)]*\)|#?\d+(?:\.md)?|task\s+#?\d+)/i;
const SEPARATOR = /^\s*(?:[-–—:]\s*)?/;
const PARALLEL = /\s*\(parallel[^)]*\)\s*$/i;

/**
 * A checklist line for `task` written like `line` (the line of `entry`): the same marker,
 * the same way of naming the task (`#1235`, `[#1235](url)`, `001.md`, `Task 001`), the same
 * separator, and a `(parallel: …)` note when that line has one. A task with no issue is
 * named by its file where the others are named by their issues: a `#7` would name an
 * issue that may not exist.
 */
export function checklistLineLike(line: string, entry: Entry, task: Pick<Task, 'id' | 'issue' | 'title' | 'state' | 'parallel'>): string | undefined {
  const box = CHECKBOX.exec(line);
  if (!box) return undefined;
  const rest = line.slice(box[0].length);
  const ref = REF.exec(rest)?.[0];
  if (ref === undefined) return undefined;
  const separator = SEPARATOR.exec(rest.slice(ref.length))![0];
  const number = /\d+/.exec(ref)![0];
  let name: string;
  if (entry.form === 'issue') {
    name = task.issue !== undefined ? ref.replace(new RegExp(`(?<!\\d)${number}(?!\\d)`, 'g'), String(task.issue)) : `${task.id}.md`;
  } else if (entry.form === 'task') {
    name = ref.replace(/\d+/, task.id);
  } else {
    name = ref.endsWith('.md') ? `${task.id}.md` : task.id;
  }
  const parallel = PARALLEL.test(rest) && task.parallel !== undefined ? ` (parallel: ${task.parallel})` : '';
  const body = task.title === '' ? name : `${name}${separator === '' ? ' ' : separator}${task.title}${parallel}`;
  return `${box[1]}${task.state === 'done' ? 'x' : ' '}]${box[2]}${body}`;
}
