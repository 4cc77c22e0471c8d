/**
 * A task id used twice: the later task (the one not scheduled) gets a number of its own.
 * In a single-file epic that is its task line's number; in a directory epic its file is
 * renamed, and the references that name that file exactly (`depends_on`, the checklist,
 * its `# Task NNN:` heading) follow it. References to the shared number in another
 * spelling meant the first task, and stay. Never safe: which of the two keeps the number
 * is the user's call, and the preview shows every file it touches.
 */
import type { Diagnostic, DiagnosticData, Epic, Task } from '../model';
import type { PlanChange, TextEdit } from '../edits';
import { nextTaskFileId } from '../edits';
import { numericId } from '../parse/common';
import { parseEpicFile, parseTaskFile } from '../parse/directoryParser';
import { parseSingleFileEpic, taskIdOf } from '../parse/singleFileEpicParser';
import { joinPath } from '../text';
import type { FixContext, FixDraft } from './fixes';
import { dependsOnEdits } from './dependencyLists';
import { fileChange, joinChanges, replaceOnLine, textLines } from './fixText';

type DuplicateData = Extract<DiagnosticData, { code: 'task-duplicate-id' }>;

export function duplicateIdFixes(d: Diagnostic, data: DuplicateData, context: FixContext): FixDraft[] {
  const epic = context.epic;
  if (!epic) return [];
  const change = epic.layout === 'single-file' ? renumberTaskLine(d, data, context) : renumberTaskFile(epic, d, context);
  return change ? [{ title: change.title, change: change.change, safe: false, preview: true }] : [];
}

const TASK_NUMBER = /^(\s*(?:[-*+]|\d+[.)])\s+\[[ xX-]\]\s+(?:\*\*|__)?(?:task\s*|t))(\d+)/i;

function renumberTaskLine(d: Diagnostic, data: DuplicateData, context: FixContext): { title: string; change: PlanChange } | undefined {
  const text = context.read(d.path);
  const { epic } = parseSingleFileEpic(d.path, text);
  const at = epic.tasks.findIndex((t) => t.range.line === d.range.line && t.id === data.taskId);
  if (at === -1 || !epic.tasks.slice(0, at).some((t) => t.id === data.taskId)) return undefined;
  const t = textLines(text);
  const match = TASK_NUMBER.exec(t.lines[d.range.line]);
  if (!match) return undefined;
  const number = Math.max(...epic.tasks.map((task) => numericId(task.id) ?? 0)) + 1;
  const digits = String(number).padStart(match[2].length, '0');
  const edit = replaceOnLine(t, d.range.line, match[1].length, match[1].length + match[2].length, digits);
  return { title: `Renumber this task to ${taskIdOf(number)}`, change: fileChange(d.path, [edit]) };
}

function renumberTaskFile(epic: Epic, d: Diagnostic, context: FixContext): { title: string; change: PlanChange } | undefined {
  const task = epic.tasks.find((t) => t.path === d.path);
  const n = task ? numericId(task.id) : undefined;
  if (!task || n === undefined || !epic.tasks.some((t) => t.order < task.order && numericId(t.id) === n)) return undefined;
  const id = nextTaskFileId(epic);
  const to = joinPath(epic.dir!, `${id}.md`);
  const changes: PlanChange[] = [];

  for (const other of epic.tasks) {
    const edits = dependsOnEdits(other.path, context.read(other.path), { rewrite: (item) => (item === task.id ? id : undefined) });
    if (edits) changes.push(fileChange(other.path, edits));
  }
  const own = headingEdit(task, n, id, context.read(task.path));
  if (own) changes.push(fileChange(task.path, [own]));
  try {
    const text = context.read(epic.path);
    const t = textLines(text);
    const edits: TextEdit[] = [];
    for (const entry of parseEpicFile(epic.path, text).checklist) {
      if (entry.ref !== task.id || entry.form === 'issue') continue;
      const column = t.lines[entry.line].indexOf(entry.ref, entry.column);
      if (column !== -1) edits.push(replaceOnLine(t, entry.line, column, column + entry.ref.length, id));
    }
    changes.push(fileChange(epic.path, edits));
  } catch {
    // No epic.md: no checklist to keep in step.
  }
  const change = joinChanges(...changes, { edits: [], creates: [], renames: [{ from: task.path, to }] });
  return { title: `Renumber ${task.id}.md to ${id}.md`, change };
}

/** The number in a `# Task 002: Title` heading, which would otherwise read as the file's number from before a sync. */
function headingEdit(task: Task, n: number, id: string, text: string): TextEdit | undefined {
  if (parseTaskFile(task.path, text).headingNumber === undefined) return undefined;
  const t = textLines(text);
  const line = t.lines.findIndex((l) => /^#\s+task\s*#?\d+/i.test(l));
  const match = line === -1 ? null : /^(#\s+task\s*#?)(\d+)/i.exec(t.lines[line]);
  return match && Number(match[2]) === n ? replaceOnLine(t, line, match[1].length, match[1].length + match[2].length, id) : undefined;
}
