/**
 * Status edits of Task Master's tasks.json. Like every edit in src/core/edits.ts, the task
 * is found again in the text given and only the bytes of its status value change: the
 * file's indentation, key order, escapes, comments and line endings stay as they were.
 * Task Master rewrites the whole file whenever it saves; AutoPM does not, so a change it
 * makes shows in a diff as the one word it is.
 */
import type { Node } from 'jsonc-parser';
import type { TextEdit } from './edits';
import { PlanEditError } from './edits';
import type { TaskState } from './model';
import type { TaskMasterTaskNode } from './parse/taskMasterParser';
import { describeJsonError, readTaskMasterJson, taskMasterTags, taskMasterTaskNodes, valueOf } from './parse/taskMasterParser';
import { detectEol } from './text';

/** What Task Master writes for each task state. */
export function taskMasterStatusFor(state: TaskState): string {
  switch (state) {
    case 'open':
      return 'pending';
    case 'in-progress':
      return 'in-progress';
    case 'done':
      return 'done';
  }
}

/**
 * Sets the `status` of a task (`3`) or subtask (`3.1`) of a tag; in an untagged file the
 * tag `master` is the file itself. Returns [] when the task already has that status. A
 * task without a status gets one after its title. Throws PlanEditError when the file is
 * not valid JSON or has no such task.
 *
 * Only that one status changes: not the parent's (Task Master only suggests closing a
 * parent whose subtasks are done), and not the tag's `metadata.updated`, so that the
 * change stays one word in a diff. Closing a parent's subtasks with it, as Task Master's
 * set-status does, is the caller's (see toolFormatEdits.ts).
 */
export function setTaskMasterStatusEdits(source: string, tag: string, taskId: string, status: string): TextEdit[] {
  // Offsets count the byte-order mark of the text given; the tree is built without it.
  const bom = source.charCodeAt(0) === 0xfeff ? 1 : 0;
  const text = bom === 1 ? source.slice(1) : source;
  const task = findTask(text, tag, taskId);
  const value = valueOf(task.props.get('status'));
  const edit = value ? replaceStatus(value, status) : insertStatus(text, task, status);
  return edit === undefined ? [] : [{ ...edit, offset: edit.offset + bom }];
}

function findTask(text: string, tag: string, taskId: string): TaskMasterTaskNode {
  const { root, errors } = readTaskMasterJson(text);
  if (errors.length > 0 || root === undefined) {
    const detail = errors.length > 0 ? `: ${describeJsonError(errors[0], lineFinder(text))}` : '';
    throw new PlanEditError(`tasks.json is not valid JSON${detail}. Fix it before changing a task's status.`);
  }
  const found = root.type === 'object' ? taskMasterTags(root).find((t) => t.name === tag) : undefined;
  if (!found) throw new PlanEditError(`tasks.json has no tag "${tag}".`);
  const task = taskMasterTaskNodes(found.tasks).find((t) => t.id === taskId && t.node.type === 'object');
  if (!task) throw new PlanEditError(`The tag "${tag}" of tasks.json has no task ${taskId}.`);
  return task;
}

/** Lines for the one error message a broken file gets: counted once, when asked. */
function lineFinder(text: string): { lineOf(offset: number): number } {
  return { lineOf: (offset) => text.slice(0, offset).split('\n').length - 1 };
}

/** The status value rewritten: inside its quotes when it is a string, so the quotes stay put. */
function replaceStatus(value: Node, status: string): TextEdit | undefined {
  if (value.type === 'string' && value.value === status) return undefined;
  const quoted = JSON.stringify(status);
  if (value.type === 'string') return { offset: value.offset + 1, length: value.length - 2, newText: quoted.slice(1, -1) };
  return { offset: value.offset, length: value.length, newText: quoted };
}

/**
 * A `"status"` property after the title (or the id, or the last property), laid out as
 * that property is: on a line of its own at its indentation, or on the same line after
 * the same spacing for a task written on one line; its colon spaced as the anchor's.
 */
function insertStatus(text: string, task: TaskMasterTaskNode, status: string): TextEdit {
  const properties = task.node.children ?? [];
  const anchor = task.props.get('title') ?? task.props.get('id') ?? properties[properties.length - 1];
  const property = (colon: string) => `"status"${colon}${JSON.stringify(status)}`;
  if (anchor === undefined) return { offset: task.node.offset + 1, length: 0, newText: property(': ') };
  const end = anchor.offset + anchor.length;
  const colon = colonOf(text, anchor);
  return { offset: end, length: 0, newText: `,${separatorBefore(text, anchor.offset, colon)}${property(colon)}` };
}

/**
 * What comes before a property: a line break and its indentation, or the spaces after the
 * comma before it. A property right after its object's `{` shows no spacing between
 * properties: a file spaced after its colons (`"id": 1`) is spaced after its commas too.
 */
function separatorBefore(text: string, offset: number, colon: string): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const before = text.slice(lineStart, offset);
  if (/^[ \t]*$/.test(before)) return detectEol(text) + before;
  const spaces = /[ \t]*$/.exec(before)![0];
  if (spaces === '' && before.endsWith('{')) return colon.endsWith(' ') ? ' ' : '';
  return spaces;
}

/** The colon between a property's key and value as written (`: `, `:`), when it is only that. */
function colonOf(text: string, property: Node): string {
  const key = property.children![0];
  const value = property.children![1];
  const between = text.slice(key.offset + key.length, value.offset);
  return /^[ \t]*:[ \t]*$/.test(between) ? between : ': ';
}
