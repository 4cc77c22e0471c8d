/**
 * Task state edits in other tools' files, each in that file's own format: the checkbox of
 * a Kiro or Spec Kit task line, the `status` value of a Task Master task. Like every edit
 * in src/core/edits.ts, the task is found again in the current text and only its own
 * bytes change.
 */
import type { FileEdit, PlanChange, ReadText, TextEdit } from './edits';
import { PlanEditError, setCheckboxEdits } from './edits';
import type { Epic, TaskState, ToolFormat } from './model';
import { parseKiroTasks } from './parse/kiroParser';
import { parseSpecKitTasks } from './parse/specKitParser';
import { parseTaskMasterFile, taskMasterTaskState } from './parse/taskMasterParser';
import { setTaskMasterStatusEdits, taskMasterStatusFor } from './taskMasterEdits';

/** A done mark in the case the file already writes (Spec Kit's agents write `[X]`). */
function doneMark(text: string): 'x' | 'X' {
  const upper = /^\s*(?:[-*+]|\d+[.)])\s+\[X\]/m.test(text);
  const lower = /^\s*(?:[-*+]|\d+[.)])\s+\[x\]/m.test(text);
  return upper && !lower ? 'X' : 'x';
}

function checkboxLineEdits(format: 'kiro' | 'spec-kit', epic: Epic, taskId: string, state: TaskState, text: string): TextEdit[] {
  const { epic: current } = format === 'kiro' ? parseKiroTasks(epic.path, text) : parseSpecKitTasks(epic.path, text);
  const task = current.tasks.find((t) => t.id === taskId);
  if (!task) throw new PlanEditError(`${epic.path} has no task ${taskId}.`);
  if (task.state === state) return [];
  const mark = state === 'done' ? doneMark(text) : state === 'in-progress' ? '-' : ' ';
  return setCheckboxEdits(text, task.range.line, mark);
}

function taskMasterEdits(epic: Epic, taskId: string, state: TaskState, text: string): TextEdit[] {
  const { epics } = parseTaskMasterFile(epic.path, text);
  const task = epics.find((e) => e.id === epic.id)?.tasks.find((t) => t.id === taskId);
  if (!task) throw new PlanEditError(`${epic.path} has no task ${taskId} in the tag "${epic.id}".`);
  // A status that already means the state (`review` is in progress, `deferred` open, `cancelled` done) stays as written.
  const own = task.state === state && task.rawStatus !== undefined && taskMasterTaskState(task.rawStatus) === state ? [] : setTaskMasterStatusEdits(text, epic.id, taskId, taskMasterStatusFor(state));
  if (state !== 'done' || own.length === 0) return own;
  // Task Master's own set-status closes a parent's subtasks with it; the file should read as if it had.
  const subtasks = epics.find((e) => e.id === epic.id)!.tasks.filter((t) => t.id.startsWith(`${taskId}.`) && !t.id.slice(taskId.length + 1).includes('.'));
  // An id written twice names its first task only, as every edit finds it: each is set once.
  const open = new Set(subtasks.filter((t) => t.state !== 'done').map((t) => t.id));
  return [...own, ...[...open].flatMap((id) => setTaskMasterStatusEdits(text, epic.id, id, 'done'))];
}

/** Sets a task's state in a Kiro, Spec Kit or Task Master file. */
export function setToolTaskStateChange(format: ToolFormat, epic: Epic, taskId: string, state: TaskState, read: ReadText): PlanChange {
  const text = read(epic.path);
  const edits = format === 'taskmaster' ? taskMasterEdits(epic, taskId, state, text) : checkboxLineEdits(format, epic, taskId, state, text);
  const fileEdits: FileEdit[] = edits.length > 0 ? [{ path: epic.path, edits }] : [];
  return { edits: fileEdits, creates: [], renames: [] };
}

/** Why a change AutoPM writes in its own layouts cannot be made in another tool's file. */
export function toolFormatError(epic: Epic, what: string): PlanEditError {
  return new PlanEditError(`${epic.id} is ${formatName(epic.layout as ToolFormat)} plan: AutoPM reads it and sets its tasks' states, but cannot ${what} in that format.`);
}

export function formatName(format: ToolFormat): string {
  return format === 'kiro' ? 'a Kiro' : format === 'spec-kit' ? 'a Spec Kit' : 'a Task Master';
}
