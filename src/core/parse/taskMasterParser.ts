/**
 * Task Master's `.taskmaster/tasks/tasks.json`: one epic per tag.
 *
 * Two shapes are read. The current one is tagged, `{"master": {"tasks": [...],
 * "metadata": {...}}, "feature-x": {...}}`, each tag an epic in the file's key order. The
 * older one is untagged, `{"tasks": [...], "metadata": {...}}`, and is read as the single
 * tag `master`, as Task Master itself reads it.
 *
 * Ids: a top-level task's id as written (`3`, `"3"` → `3`); a subtask's is its parent's
 * and its own joined by a dot (`3.1`). Dependencies follow Task Master's own rule (its
 * next-task and dependency checks): in a subtask, a reference without a dot, number or
 * string, means a sibling subtask (`2` under task 3 is `3.2`); `"1.2"` means that subtask
 * wherever it is. In a top-level task every reference is taken as written (`2`, `"1.2"`).
 * A parent does not wait for its subtasks: Task Master keeps a parent's status itself. A
 * subtask without a priority has its parent's.
 *
 * Duplicate ids and references to tasks the tag does not have are reported where every
 * epic's are, when the epic is validated whole (src/core/validate.ts).
 */
import type { Node, ParseError } from 'jsonc-parser';
import { parseTree, printParseErrorCode, stripComments } from 'jsonc-parser';
import type { Dependency, Diagnostic, Epic, Range, Task, TaskGroup, TaskState } from '../model';
import { lineRange } from '../model';
import { progressOf, stateOfTasks } from '../progress';
import { taskStateFromStatus } from '../status';
import { baseName, dirName, lineStartOffsets, stripBom } from '../text';
import { compactIds, diagnostic, NO_IDS } from './common';

export interface ParsedTaskMasterFile {
  readonly epics: Epic[];
  readonly diagnostics: Diagnostic[];
}

// ---------------------------------------------------------------------------------
// The JSON tree, shared with the edits (src/core/taskMasterEdits.ts)

/** A tasks.json read into a tree with offsets; `errors` are the syntax errors, if any. */
export interface TaskMasterJson {
  readonly root: Node | undefined;
  readonly errors: readonly ParseError[];
}

/**
 * Parses the text (without a byte-order mark). Comments and trailing commas are accepted:
 * people edit this file by hand, and JSONC editors let both through.
 */
export function readTaskMasterJson(text: string): TaskMasterJson {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true });
  return { root, errors };
}

/** One tag of the file: its epic's tasks and metadata. */
export interface TaskMasterTag {
  readonly name: string;
  /** The tag's key, or the `"tasks"` key of an untagged file. */
  readonly key: Node;
  /** The value of `tasks` (an array when the file is well formed). */
  readonly tasks: Node | undefined;
  readonly metadata: Node | undefined;
}

/** The property nodes of an object by key. A key written twice is read from its last one, as JSON.parse does. */
export function propertiesOf(node: Node | undefined): Map<string, Node> {
  const out = new Map<string, Node>();
  if (node?.type !== 'object') return out;
  for (const property of node.children ?? []) {
    const key = property.children?.[0];
    if (key?.type === 'string') out.set(key.value as string, property);
  }
  return out;
}

/** The value node of a property node. */
export function valueOf(property: Node | undefined): Node | undefined {
  return property?.children?.[1];
}

/** Keys Task Master keeps beside its tags, which are no tags. */
const NOT_TAGS = new Set(['tag', '_rawTaggedData']);

/**
 * The tags of a file, in key order. A root with `tasks` and no `master` is the untagged
 * shape (Task Master's own test for it); otherwise every object value with `tasks` is a tag.
 */
export function taskMasterTags(root: Node): TaskMasterTag[] {
  const props = propertiesOf(root);
  const tasks = props.get('tasks');
  if (tasks && !props.has('master')) {
    const metadata = valueOf(props.get('metadata'));
    return [{ name: 'master', key: tasks.children![0], tasks: valueOf(tasks), metadata: metadata?.type === 'object' ? metadata : undefined }];
  }
  const tags: TaskMasterTag[] = [];
  for (const [name, property] of props) {
    const value = valueOf(property);
    if (NOT_TAGS.has(name) || value?.type !== 'object') continue;
    const own = propertiesOf(value);
    if (!own.has('tasks')) continue;
    const metadata = valueOf(own.get('metadata'));
    tags.push({ name, key: property.children![0], tasks: valueOf(own.get('tasks')), metadata: metadata?.type === 'object' ? metadata : undefined });
  }
  // A key written twice is one tag (the last); the map kept its first place in key order.
  return tags;
}

/** A task or subtask object of the tree, with its id as the model writes it. */
export interface TaskMasterTaskNode {
  /** `3`, `3.1`; undefined when the entry has no usable id (or is no object). */
  readonly id: string | undefined;
  readonly node: Node;
  readonly props: ReadonlyMap<string, Node>;
  readonly parent: TaskMasterTaskNode | undefined;
  /** Its place in its array, from 0. */
  readonly index: number;
}

/** `"03"` → `3`, `" 1.02 "` → `1.2`: numbers compared as numbers, anything else as written. */
function normalRef(raw: string): string {
  return raw
    .trim()
    .split('.')
    .map((part) => (/^\d+$/.test(part) ? part.replace(/^0+(?=\d)/, '') : part))
    .join('.');
}

/** An id or a reference as written, as text: a number or a non-empty string. */
function idText(node: Node | undefined): string | undefined {
  if (node?.type === 'number') return String(node.value);
  if (node?.type === 'string') {
    const text = (node.value as string).trim();
    return text === '' ? undefined : text;
  }
  return undefined;
}

function taskId(idNode: Node | undefined, parent: string | undefined): string | undefined {
  const raw = idText(idNode);
  if (raw === undefined) return undefined;
  const own = normalRef(raw);
  if (parent === undefined) return own;
  // A subtask written with its full id (`"3.1"` under task 3) is not renumbered.
  return own.startsWith(`${parent}.`) ? own : `${parent}.${own}`;
}

/** Every task of a tag's `tasks` array and every subtask, in document order (a parent, then its subtasks). */
export function taskMasterTaskNodes(tasks: Node | undefined): TaskMasterTaskNode[] {
  const out: TaskMasterTaskNode[] = [];
  if (tasks?.type !== 'array') return out;
  (tasks.children ?? []).forEach((node, index) => {
    const props = propertiesOf(node);
    const task: TaskMasterTaskNode = { id: taskId(valueOf(props.get('id')), undefined), node, props, parent: undefined, index };
    out.push(task);
    const subtasks = valueOf(props.get('subtasks'));
    if (task.id === undefined || subtasks?.type !== 'array') return;
    (subtasks.children ?? []).forEach((subNode, subIndex) => {
      const subProps = propertiesOf(subNode);
      out.push({ id: taskId(valueOf(subProps.get('id')), task.id), node: subNode, props: subProps, parent: task, index: subIndex });
    });
  });
  return out;
}

/** The id a dependency value means, for the task (or subtask, with its parent's id) that lists it. */
export function dependencyRef(value: Node, parentId: string | undefined): string | undefined {
  const raw = idText(value);
  if (raw === undefined) return undefined;
  const ref = normalRef(raw);
  return parentId !== undefined && !ref.includes('.') ? `${parentId}.${ref}` : ref;
}

// ---------------------------------------------------------------------------------
// Statuses

/** Task Master's own status words: what a misspelt status is compared with. */
export const TASK_MASTER_STATUSES = ['pending', 'in-progress', 'review', 'done', 'deferred', 'cancelled', 'blocked'] as const;

const TASK_MASTER_STATES: Readonly<Record<string, TaskState>> = {
  pending: 'open',
  'in-progress': 'in-progress',
  review: 'in-progress',
  done: 'done',
  // Deferred work is set aside, not started; cancelled work is closed, like done, and
  // Task Master does not wait for it either.
  deferred: 'open',
  cancelled: 'done',
  blocked: 'open',
};

/**
 * The state a Task Master status means: its own words first (status.ts knows neither
 * `deferred` nor, for tasks, `cancelled`), then the spellings every other format accepts.
 */
export function taskMasterTaskState(status: string): TaskState | undefined {
  return TASK_MASTER_STATES[status.trim().toLowerCase()] ?? taskStateFromStatus(status);
}

// ---------------------------------------------------------------------------------
// Positions

/** Offsets to 0-based lines and columns, by binary search over the line starts. */
class Positions {
  private readonly starts: number[];

  constructor(text: string) {
    this.starts = lineStartOffsets(text);
  }

  lineOf(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  range(start: number, end: number): Range {
    const line = this.lineOf(start);
    const endLine = end === start ? line : this.lineOf(end);
    return { line, column: start - this.starts[line], endLine, endColumn: end - this.starts[endLine] };
  }

  of(node: Node): Range {
    return this.range(node.offset, node.offset + node.length);
  }
}

// ---------------------------------------------------------------------------------
// The file

/** Whether a text looks like a tasks.json (an object naming `tasks`): a cheap test for detection. */
export function isTaskMasterFile(text: string): boolean {
  return /^\s*\{/.test(stripBom(text)) && text.includes('"tasks"');
}

/** Plain words for the syntax errors a hand-edited file has. */
const ERROR_WORDS: Readonly<Record<string, string>> = {
  InvalidSymbol: 'an unexpected character',
  InvalidNumberFormat: 'a malformed number',
  PropertyNameExpected: 'a property name is missing',
  ValueExpected: 'a value is missing',
  ColonExpected: 'a colon is missing',
  CommaExpected: 'a comma is missing',
  CloseBraceExpected: 'a closing } is missing',
  CloseBracketExpected: 'a closing ] is missing',
  EndOfFileExpected: 'text after the end of the JSON',
  InvalidCommentToken: 'a malformed comment',
  UnexpectedEndOfComment: 'a comment that is never closed',
  UnexpectedEndOfString: 'a string that is never closed',
  UnexpectedEndOfNumber: 'a number cut short',
  InvalidUnicode: 'a malformed \\u escape',
  InvalidEscapeCharacter: 'a malformed escape',
  InvalidCharacter: 'a character that must be escaped in a string',
};

/** The first syntax error of a file, in words: the later ones usually follow from it. */
export function describeJsonError(error: ParseError, positions: { lineOf(offset: number): number }): string {
  const code = printParseErrorCode(error.error);
  return `${ERROR_WORDS[code] ?? 'a syntax error'} at line ${positions.lineOf(error.offset) + 1} (${code})`;
}

function malformed(path: string, text: string, error: ParseError, positions: Positions): Diagnostic {
  const end = Math.min(error.offset + Math.max(error.length, 1), text.length);
  const range = positions.range(error.offset, Math.max(error.offset, end));
  return diagnostic(
    path,
    range.endLine === range.line ? range : lineRange(range.line, range.column, range.column),
    'error',
    'json-malformed',
    `${baseName(path)} is not valid JSON: ${describeJsonError(error, positions)} — AutoPM shows nothing from it until it is fixed.`,
  );
}

function emptyFile(path: string, name: string): Diagnostic {
  return diagnostic(path, lineRange(0), 'info', 'epic-empty', `${name} is empty: Task Master writes its tasks here (task-master parse-prd).`);
}

export function parseTaskMasterFile(path: string, source: string): ParsedTaskMasterFile {
  const text = stripBom(source);
  const name = baseName(path);
  if (text.trim() === '') return { epics: [], diagnostics: [emptyFile(path, name)] };
  const positions = new Positions(text);
  const { root, errors } = readTaskMasterJson(text);
  if (errors.length > 0 || root === undefined) {
    // A text of comments alone holds no JSON, which is no mistake: it is empty.
    const empty = root === undefined && stripComments(text).trim() === '';
    return { epics: [], diagnostics: [empty ? emptyFile(path, name) : malformed(path, text, errors[0], positions)] };
  }
  const tags = root.type === 'object' ? taskMasterTags(root) : [];
  if (tags.length === 0) {
    const empty = root.type === 'object' && (root.children ?? []).length === 0;
    const message = `${name} has no tasks: neither a "tasks" list nor a tag holding one (\`{"master": {"tasks": [...]}}\`).`;
    return { epics: [], diagnostics: [diagnostic(path, positions.range(root.offset, root.offset + 1), empty ? 'info' : 'warning', 'epic-empty', message)] };
  }
  const epics: Epic[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const tag of tags) {
    const read = readTag(path, tag, positions);
    epics.push(read.epic);
    diagnostics.push(...read.diagnostics);
  }
  return { epics, diagnostics };
}

// ---------------------------------------------------------------------------------
// One tag

interface TagContext {
  readonly path: string;
  readonly tag: string;
  readonly positions: Positions;
  readonly diagnostics: Diagnostic[];
  readonly dependencies: Dependency[];
}

/** Metadata as the model keeps it: the string values, keys as written. */
function stringValues(node: Node | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, property] of propertiesOf(node)) {
    const value = valueOf(property);
    if (value?.type === 'string') out[key] = value.value;
  }
  return out;
}

/** The descriptions Task Master gives a tag by itself: they say nothing a title should. */
const GENERIC_DESCRIPTION = /^(?:tasks for .* context|tasks live here by default|tag created on .*)$/i;

function tagTitle(tag: string, metadata: Readonly<Record<string, unknown>>): string {
  const description = typeof metadata.description === 'string' ? metadata.description.trim() : '';
  return description === '' || GENERIC_DESCRIPTION.test(description) ? tag : description;
}

function readTag(path: string, tag: TaskMasterTag, positions: Positions): { epic: Epic; diagnostics: Diagnostic[] } {
  const context: TagContext = { path, tag: tag.name, positions, diagnostics: [], dependencies: [] };
  const range = positions.of(tag.key);
  if (tag.tasks?.type !== 'array') {
    const at = tag.tasks ? positions.of(tag.tasks) : range;
    context.diagnostics.push(diagnostic(path, at, 'warning', 'json-malformed', `The "tasks" of the tag "${tag.name}" should be a list ([...]); AutoPM reads no tasks from it.`));
  }
  const tasks: Task[] = [];
  const groups: Array<TaskGroup & { readonly taskIds: string[] }> = [];
  const groupOf = new Map<TaskMasterTaskNode, TaskGroup & { readonly taskIds: string[] }>();
  for (const node of taskMasterTaskNodes(tag.tasks)) {
    const task = readTask(node, tasks.length, context);
    if (!task) continue;
    tasks.push(task);
    if (node.parent === undefined) continue;
    // A parent's subtasks are its group, shown at the parent's title.
    let group = groupOf.get(node.parent);
    if (!group) {
      group = { name: task.group ?? '', range: taskRange(node.parent, positions), taskIds: [] };
      groupOf.set(node.parent, group);
      groups.push(group);
    }
    group.taskIds.push(task.id);
  }
  if (tasks.length === 0 && tag.tasks?.type === 'array') {
    context.diagnostics.push(diagnostic(path, range, 'info', 'epic-empty', `The tag "${tag.name}" has no tasks yet.`));
  }
  const metadata = stringValues(tag.metadata);
  const epic: Epic = {
    kind: 'epic',
    id: tag.name,
    title: tagTitle(tag.name, metadata),
    layout: 'taskmaster',
    path,
    dir: dirName(path),
    status: undefined,
    state: stateOfTasks(progressOf(tasks)),
    prd: undefined,
    start: undefined,
    target: undefined,
    github: undefined,
    metadata,
    groups,
    tasks,
    milestones: [],
    dependencies: context.dependencies,
    checklist: [],
    range,
  };
  return { epic, diagnostics: context.diagnostics };
}

/** The range a task is shown at: its `"title": "..."` property, else its opening brace. */
function taskRange(node: TaskMasterTaskNode, positions: Positions): Range {
  const title = node.props.get('title');
  if (title) return positions.of(title);
  return positions.range(node.node.offset, node.node.offset + 1);
}

function titleOf(node: TaskMasterTaskNode): string {
  const value = valueOf(node.props.get('title'));
  return value?.type === 'string' ? (value.value as string).trim() : '';
}

function readTask(node: TaskMasterTaskNode, order: number, context: TagContext): Task | undefined {
  const { path, positions } = context;
  const where = node.parent ? `Subtask ${node.index + 1} of task ${node.parent.id}` : `Entry ${node.index + 1} of the tag "${context.tag}"`;
  if (node.node.type !== 'object') {
    context.diagnostics.push(diagnostic(path, positions.of(node.node), 'warning', 'json-malformed', `${where} is not a task object ({"id": ..., "title": ...}); AutoPM skips it.`));
    return undefined;
  }
  const range = taskRange(node, positions);
  if (node.id === undefined) {
    context.diagnostics.push(diagnostic(path, range, 'warning', 'json-malformed', `${where} has no "id" (a number), so AutoPM cannot name it and skips it.`));
    return undefined;
  }
  const title = titleOf(node);
  if (title === '') {
    context.diagnostics.push(diagnostic(path, range, 'warning', 'task-missing-title', `Task ${node.id} has no title.`));
  }
  const status = readStatus(node, context);
  return {
    id: node.id,
    epicId: context.tag,
    title,
    state: status.state,
    rawStatus: status.raw,
    issue: undefined,
    githubUrl: undefined,
    group: node.parent ? titleOf(node.parent) || `Task ${node.parent.id}` : undefined,
    estimate: undefined,
    agent: undefined,
    // A subtask without a priority has its parent's, as Task Master shows it.
    priority: scalarText(valueOf(node.props.get('priority'))) ?? (node.parent ? scalarText(valueOf(node.parent.props.get('priority'))) : undefined),
    dependsOn: readDependencies(node, context),
    conflictsWith: NO_IDS,
    parallel: undefined,
    path,
    range,
    order,
  };
}

function scalarText(node: Node | undefined): string | undefined {
  if (node?.type === 'string') return (node.value as string).trim() || undefined;
  if (node?.type === 'number' || node?.type === 'boolean') return String(node.value);
  return undefined;
}

/** A missing status is Task Master's default, pending; an unknown one is reported and read as open. */
function readStatus(node: TaskMasterTaskNode, context: TagContext): { state: TaskState; raw: string | undefined } {
  const value = valueOf(node.props.get('status'));
  if (value === undefined || value.type === 'null') return { state: 'open', raw: undefined };
  const raw = value.type === 'string' ? (value.value as string) : scalarText(value) ?? '';
  if (raw.trim() === '') return { state: 'open', raw: undefined };
  const state = taskMasterTaskState(raw);
  if (state !== undefined) return { state, raw };
  // The word inside the quotes, where a quick look finds it.
  const range = value.type === 'string' && value.length >= 2 ? context.positions.range(value.offset + 1, value.offset + value.length - 1) : context.positions.of(value);
  context.diagnostics.push(
    diagnostic(
      context.path,
      range,
      'warning',
      'status-unknown',
      `Unknown status "${raw}" for task ${node.id}. Task Master's statuses are ${TASK_MASTER_STATUSES.join(', ')}; AutoPM shows this task as open.`,
      { code: 'status-unknown', status: raw, of: 'task' },
    ),
  );
  return { state: 'open', raw };
}

/** A task's `dependencies`, as edges in the epic and as the ids it waits for. */
function readDependencies(node: TaskMasterTaskNode, context: TagContext): readonly string[] {
  const value = valueOf(node.props.get('dependencies'));
  if (value === undefined) return NO_IDS;
  // `"dependencies": 2` is one reference written without its list.
  const refs = value.type === 'array' ? value.children ?? [] : [value];
  const ids: string[] = [];
  for (const ref of refs) {
    const from = dependencyRef(ref, node.parent?.id);
    if (from === undefined) continue;
    if (!ids.includes(from)) ids.push(from);
    const written = idText(ref);
    context.dependencies.push({
      from,
      to: node.id!,
      source: 'field',
      ...(written !== undefined && written !== from ? { written } : {}),
      path: context.path,
      range: context.positions.of(ref),
    });
  }
  return compactIds(ids);
}
