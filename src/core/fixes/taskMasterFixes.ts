/**
 * Quick fixes in Task Master's tasks.json: a dependency on no task or on the task itself
 * (removed, as Task Master's own `fix-dependencies` removes them), a cycle (remove one of
 * its edges), a status Task Master does not know (its nearest word), and an id written
 * twice (the later task renumbered).
 *
 * Task Master rewrites the whole file when it saves; these fixes do not. Like the status
 * edit (src/core/taskMasterEdits.ts), each is computed from the tree of the file's current
 * text and changes only the bytes it must: an entry of a `dependencies` list and its comma,
 * a status word, an id. Indentation, key order, escapes and line breaks stay as written.
 * Every edit is checked by reading the edited text again; when it would not read as meant,
 * there is no fix.
 */
import type { Node } from 'jsonc-parser';
import { analyzeEpic } from '../analysis';
import { cycleEdges, MAX_OPTIONS, otherDependencies } from './dependencyFixes';
import type { TextEdit } from '../edits';
import { applyEdits } from '../edits';
import type { Diagnostic, DiagnosticData, Epic } from '../model';
import type { TaskMasterTag, TaskMasterTaskNode } from '../parse/taskMasterParser';
import {
  dependencyRef,
  parseTaskMasterFile,
  readTaskMasterJson,
  TASK_MASTER_STATUSES,
  taskMasterTags,
  taskMasterTaskNodes,
  taskMasterTaskState,
  valueOf,
} from '../parse/taskMasterParser';
import { lineStartOffsets } from '../text';
import { editDistance } from './editDistance';
import type { FixContext, FixDraft, FixOption } from './fixes';
import { fileChange } from './fixText';

type Data<C extends DiagnosticData['code']> = Extract<DiagnosticData, { code: C }>;


export function taskMasterDrafts(d: Diagnostic, data: DiagnosticData, context: FixContext): FixDraft[] {
  const file = readFile(context.read(d.path));
  if (!file) return [];
  const tag = tagAt(file, d);
  if (!tag) return [];
  switch (data.code) {
    case 'dependency-dangling':
      return danglingFixes(d, data, file, tag);
    case 'dependency-self':
      return selfFixes(d, data, file, tag);
    case 'dependency-cycle':
      return cycleFixes(d, data, file, tag);
    case 'status-unknown':
      return statusFixes(d, data, file, tag);
    case 'task-duplicate-id':
      return duplicateIdFixes(d, data, file, tag);
    default:
      return [];
  }
}

// ---------------------------------------------------------------------------------
// The file

interface TaskMasterText {
  /** The text as read, a byte-order mark included: the edits' offsets count it. */
  readonly source: string;
  /** 1 when the text starts with a byte-order mark; the tree and the diagnostics are without it. */
  readonly bom: number;
  readonly root: Node;
  readonly starts: readonly number[];
}

function readFile(source: string): TaskMasterText | undefined {
  const bom = source.charCodeAt(0) === 0xfeff ? 1 : 0;
  const text = source.slice(bom);
  const { root, errors } = readTaskMasterJson(text);
  // A file that does not parse is reported as such, and nothing in it is fixed until it does.
  if (errors.length > 0 || root?.type !== 'object') return undefined;
  return { source, bom, root, starts: lineStartOffsets(text) };
}

/** Where a diagnostic starts, as an offset into the text without its byte-order mark. */
function offsetOf(file: TaskMasterText, d: Diagnostic): number | undefined {
  const start = file.starts[d.range.line];
  return start === undefined ? undefined : start + d.range.column;
}

/**
 * The tag a diagnostic is in. Every tag's epic has the same file, so the epic the fix is
 * for is told by where the diagnostic is; what it names is then found again in that tag.
 */
function tagAt(file: TaskMasterText, d: Diagnostic): TaskMasterTag | undefined {
  const tags = taskMasterTags(file.root);
  // The untagged shape is one tag, the file itself.
  if (tags.length === 1 && tags[0].name === 'master' && tags[0].key.value === 'tasks') return tags[0];
  const at = offsetOf(file, d);
  if (at === undefined) return undefined;
  return tags.find((tag) => {
    const property = tag.key.parent;
    return property !== undefined && contains(property, at);
  });
}

function contains(node: Node, offset: number): boolean {
  return node.offset <= offset && offset <= node.offset + node.length;
}

/** The tag's epic as its current text reads. */
function epicOf(path: string, file: TaskMasterText, tag: TaskMasterTag): Epic | undefined {
  return parseTaskMasterFile(path, file.source).epics.find((e) => e.id === tag.name);
}

/** The edits made into a change of the diagnostic's file, in the offsets of the text as read. */
function changeOf(d: Diagnostic, file: TaskMasterText, edits: readonly TextEdit[]) {
  return fileChange(d.path, edits.map((e) => ({ ...e, offset: e.offset + file.bom })));
}

/** The one of `nodes` the diagnostic is in, else the first of them. */
function nodeAt(file: TaskMasterText, d: Diagnostic, nodes: readonly TaskMasterTaskNode[]): TaskMasterTaskNode | undefined {
  const at = offsetOf(file, d);
  return (at !== undefined ? nodes.find((n) => contains(n.node, at)) : undefined) ?? nodes[0];
}

// ---------------------------------------------------------------------------------
// Dependencies

/** A task's `dependencies` value and its entries (a value written without its list is one entry). */
function dependencyEntries(task: TaskMasterTaskNode): { value: Node | undefined; entries: readonly Node[] } {
  const value = valueOf(task.props.get('dependencies'));
  if (value === undefined) return { value, entries: [] };
  return { value, entries: value.type === 'array' ? value.children ?? [] : [value] };
}

/** The places of a task's entries that mean `id` (`2` and `"3.2"` in subtask 3.1 both mean 3.2). */
function entriesMeaning(task: TaskMasterTaskNode, id: string): number[] {
  return dependencyEntries(task)
    .entries.map((entry, index) => (dependencyRef(entry, task.parent?.id) === id ? index : -1))
    .filter((index) => index !== -1);
}

/** The tasks of a tag with that id that list `from` among their dependencies. */
function declaring(tag: TaskMasterTag, to: string, from: string): TaskMasterTaskNode[] {
  return taskMasterTaskNodes(tag.tasks).filter((t) => t.id === to && t.node.type === 'object' && entriesMeaning(t, from).length > 0);
}

const SEPARATOR = /^\s*,\s*$/;

/**
 * The edits that take entries out of a dependency list (and write `replace` in place of
 * one that stays). An entry goes with the comma before it, or for the list's first with
 * the comma and spacing after it, so `[1, 2, 3]` loses `, 2` and a list written one entry
 * a line loses that line. A list left empty is written `[]`, as Task Master writes it.
 * Undefined when a comment sits between the entries: which entry it is about cannot be told.
 */
export function dependencyListEdits(text: string, value: Node, remove: ReadonlySet<number>, replace?: { readonly index: number; readonly newText: string }): TextEdit[] | undefined {
  const edits: TextEdit[] = [];
  if (value.type !== 'array') {
    if (remove.has(0)) return [{ offset: value.offset, length: value.length, newText: '[]' }];
    return replace ? [{ offset: value.offset, length: value.length, newText: replace.newText }] : [];
  }
  const entries = value.children ?? [];
  const end = (node: Node) => node.offset + node.length;
  if (entries.length > 0 && entries.every((_, i) => remove.has(i))) {
    const inside = { offset: value.offset + 1, length: value.length - 2 };
    let rest = text.slice(inside.offset, inside.offset + inside.length);
    for (const entry of [...entries].reverse()) rest = rest.slice(0, entry.offset - inside.offset) + rest.slice(end(entry) - inside.offset);
    if (!/^[\s,]*$/.test(rest)) return undefined;
    return [{ ...inside, newText: '' }];
  }
  for (let a = 0; a < entries.length; a++) {
    if (!remove.has(a)) continue;
    let b = a;
    while (remove.has(b + 1)) b++;
    // A run of entries at the start goes with the comma after it (and its line, when the
    // run starts a line of its own); any other run, from the entry before it.
    let from = end(entries[a - 1] ?? entries[0]);
    let to = end(entries[b]);
    if (a === 0) {
      const open = value.offset + 1;
      const lineBreak = text.slice(open, entries[0].offset).lastIndexOf('\n');
      const comma = text.indexOf(',', end(entries[b]));
      from = lineBreak === -1 ? entries[0].offset : open + lineBreak - (text[open + lineBreak - 1] === '\r' ? 1 : 0);
      to = comma + 1;
      if (lineBreak === -1) while (text[to] === ' ' || text[to] === '\t') to++;
    }
    for (let i = a === 0 ? a : a - 1; i < (a === 0 ? b + 1 : b); i++) {
      if (!SEPARATOR.test(text.slice(end(entries[i]), entries[i + 1].offset))) return undefined;
    }
    edits.push({ offset: from, length: to - from, newText: '' });
    a = b;
  }
  if (replace) {
    const entry = entries[replace.index];
    if (entry === undefined || remove.has(replace.index)) return undefined;
    edits.push({ offset: entry.offset, length: entry.length, newText: replace.newText });
  }
  return edits.sort((x, y) => x.offset - y.offset);
}

/**
 * The edits of one task's dependencies, when the edited text still reads as meant: valid
 * JSON, and this task's references those it had, less the ones removed, with the new one
 * in place. (The edits stay inside this one list, so no other task can change.)
 */
function editDependencies(file: TaskMasterText, tag: TaskMasterTag, task: TaskMasterTaskNode, remove: ReadonlySet<number>, replace?: { index: number; newText: string; id: string }): TextEdit[] | undefined {
  const { value, entries } = dependencyEntries(task);
  if (value === undefined) return undefined;
  const text = file.source.slice(file.bom);
  const edits = dependencyListEdits(text, value, remove, replace);
  if (!edits || edits.length === 0) return undefined;
  const expected = entries.flatMap((entry, i) => (remove.has(i) ? [] : [replace?.index === i ? replace.id : dependencyRef(entry, task.parent?.id)]));
  const after = readTaskMasterJson(applyEdits(text, edits));
  if (after.errors.length > 0 || after.root === undefined) return undefined;
  const sameTag = taskMasterTags(after.root).find((t) => t.name === tag.name);
  const now = sameTag ? taskMasterTaskNodes(sameTag.tasks).find((t) => t.index === task.index && t.parent?.index === task.parent?.index) : undefined;
  if (!now || now.id !== task.id) return undefined;
  const refs = dependencyEntries(now).entries.map((entry) => dependencyRef(entry, now.parent?.id));
  return refs.length === expected.length && refs.every((ref, i) => ref === expected[i]) ? edits : undefined;
}

function removal(file: TaskMasterText, tag: TaskMasterTag, task: TaskMasterTaskNode, id: string): TextEdit[] | undefined {
  return editDependencies(file, tag, task, new Set(entriesMeaning(task, id)));
}

function danglingFixes(d: Diagnostic, data: Data<'dependency-dangling'>, file: TaskMasterText, tag: TaskMasterTag): FixDraft[] {
  const epic = epicOf(d.path, file, tag);
  if (!epic) return [];
  const ids = new Set(epic.tasks.map((t) => t.id));
  if (ids.has(data.from) || !ids.has(data.to)) return [];
  const task = nodeAt(file, d, declaring(tag, data.to, data.from));
  if (!task) return [];
  const out: FixDraft[] = [];
  const edits = removal(file, tag, task, data.from);
  // Safe: Task Master's own `task-master fix-dependencies` removes references to tasks that do not exist.
  if (edits) out.push({ title: `Remove the dependency on ${data.from}`, change: changeOf(d, file, edits), safe: true, preferred: true });

  const meaning = entriesMeaning(task, data.from);
  const style = dependencyEntries(task).entries[meaning[0]];
  const options: FixOption[] = [];
  for (const candidate of candidates(epic, data.to, data.from)) {
    const newText = writtenRef(task, candidate.id, style);
    if (newText === undefined) continue;
    const others = new Set(meaning.slice(1));
    const change = editDependencies(file, tag, task, others, { index: meaning[0], newText, id: candidate.id });
    if (change) options.push({ label: candidate.id, ...(candidate.title ? { detail: candidate.title } : {}), change: changeOf(d, file, change) });
    if (options.length === MAX_OPTIONS) break;
  }
  out.push({
    title: 'Depend on another task…',
    change: fileChange(d.path, []),
    safe: false,
    choice: { placeholder: `The task that task ${data.to} depends on instead of ${data.from}`, options },
  });
  return out;
}

/**
 * The tasks `to` could depend on instead (see otherDependencies). Nearest id first: the
 * nearest task number, then the fewest characters apart (`12` → `10` before `10.1`), then
 * file order.
 */
function candidates(epic: Epic, to: string, written: string): Epic['tasks'] {
  const top = (id: string) => Number(id.split('.')[0]);
  const distance = (id: string) => {
    const a = top(written);
    const b = top(id);
    return Number.isFinite(a) && Number.isFinite(b) ? Math.abs(a - b) : 0;
  };
  return otherDependencies(epic, to)
    .map((task) => ({ task, near: distance(task.id), chars: editDistance(written, task.id) }))
    .sort((a, b) => a.near - b.near || a.chars - b.chars || a.task.order - b.task.order)
    .map((c) => c.task);
}

/**
 * A reference to `id` as the task should write it, in the spelling of the entry it
 * replaces (a number, or a string). In a subtask an undotted reference means a sibling,
 * so a sibling is written by its own number and a top-level task cannot be named at all;
 * another task's subtask is always `"3.1"`.
 */
function writtenRef(task: TaskMasterTaskNode, id: string, style: Node | undefined): string | undefined {
  const asNumber = style?.type === 'number';
  const plain = (own: string) => (asNumber && /^\d+$/.test(own) ? own : JSON.stringify(own));
  const parent = task.parent?.id;
  if (parent !== undefined) {
    if (id.startsWith(`${parent}.`) && !id.slice(parent.length + 1).includes('.')) return plain(id.slice(parent.length + 1));
    return id.includes('.') ? JSON.stringify(id) : undefined;
  }
  return id.includes('.') ? JSON.stringify(id) : plain(id);
}

function selfFixes(d: Diagnostic, data: Data<'dependency-self'>, file: TaskMasterText, tag: TaskMasterTag): FixDraft[] {
  const task = nodeAt(file, d, declaring(tag, data.taskId, data.taskId));
  const edits = task ? removal(file, tag, task, data.taskId) : undefined;
  return edits ? [{ title: `Remove the dependency of task ${data.taskId} on itself`, change: changeOf(d, file, edits), safe: true, preferred: true }] : [];
}

function cycleFixes(d: Diagnostic, data: Data<'dependency-cycle'>, file: TaskMasterText, tag: TaskMasterTag): FixDraft[] {
  const epic = epicOf(d.path, file, tag);
  if (!epic) return [];
  const edges = cycleEdges(epic, analyzeEpic(epic), data);
  const out: FixDraft[] = [];
  for (const [from, to] of edges) {
    // The first task with an id is the one scheduled: its list is the one that makes the cycle.
    const task = taskMasterTaskNodes(tag.tasks).find((t) => t.id === to);
    const edits = task && entriesMeaning(task, from).length > 0 ? removal(file, tag, task, from) : undefined;
    if (edits) out.push({ title: `Remove the dependency of task ${to} on task ${from}`, change: changeOf(d, file, edits), safe: false });
  }
  return out;
}

// ---------------------------------------------------------------------------------
// Statuses

/** A status as written, as the parser reads it: a string, or another scalar as its text. */
function statusText(value: Node | undefined): string | undefined {
  if (value?.type === 'string') return value.value as string;
  if (value?.type === 'number' || value?.type === 'boolean') return String(value.value);
  return undefined;
}

function statusFixes(d: Diagnostic, data: Data<'status-unknown'>, file: TaskMasterText, tag: TaskMasterTag): FixDraft[] {
  if (taskMasterTaskState(data.status) !== undefined) return [];
  const holders = taskMasterTaskNodes(tag.tasks).filter((t) => t.node.type === 'object' && statusText(valueOf(t.props.get('status'))) === data.status);
  const task = nodeAt(file, d, holders);
  const value = task ? valueOf(task.props.get('status')) : undefined;
  if (!value) return [];
  // Inside the quotes of a string, so that they stay; another scalar becomes a string.
  const edit = (word: string): TextEdit =>
    value.type === 'string' ? { offset: value.offset + 1, length: value.length - 2, newText: word } : { offset: value.offset, length: value.length, newText: JSON.stringify(word) };
  const change = (word: string) => changeOf(d, file, [edit(word)]);

  const written = data.status.trim().toLowerCase();
  const ranked = TASK_MASTER_STATUSES.map((word) => ({ word, distance: editDistance(written, word) })).sort((a, b) => a.distance - b.distance);
  const [best, second] = ranked;
  // Clearly nearest: close enough to be a slip, and no other word as near.
  const clear = best.distance <= Math.max(1, Math.floor(written.length / 4)) && (second === undefined || second.distance > best.distance);
  const out: FixDraft[] = [];
  if (clear) out.push({ title: `Change the status to "${best.word}"`, change: change(best.word), safe: true, preferred: true });
  out.push({
    title: 'Set the status to…',
    change: fileChange(d.path, []),
    safe: false,
    choice: { placeholder: `A Task Master status for "${data.status}"`, options: ranked.map((r) => ({ label: r.word, change: change(r.word) })) },
  });
  return out;
}

// ---------------------------------------------------------------------------------
// Duplicate ids

/**
 * A later task with an id an earlier one has gets the next number of its tag (a subtask,
 * the next among its siblings), written as its id was: a number, a string, or a subtask's
 * full dotted id. References to the id stay: they meant the first task, the one scheduled.
 */
function duplicateIdFixes(d: Diagnostic, data: Data<'task-duplicate-id'>, file: TaskMasterText, tag: TaskMasterTag): FixDraft[] {
  const nodes = taskMasterTaskNodes(tag.tasks).filter((t) => t.node.type === 'object');
  const same = nodes.filter((t) => t.id === data.taskId);
  if (same.length < 2) return [];
  const task = nodeAt(file, d, same.slice(1));
  const idNode = task ? valueOf(task.props.get('id')) : undefined;
  if (!task || !idNode) return [];
  // Subtasks that write their parent's number into their own id (`"5.1"`) would name the old parent.
  if (nodes.some((t) => t.parent === task && valueOf(t.props.get('id'))?.type === 'string' && String(valueOf(t.props.get('id'))!.value).includes('.'))) return [];
  const parent = task.parent?.id;
  const siblings = nodes.filter((t) => t.parent === task.parent && t.id !== undefined);
  const own = (id: string) => (parent === undefined ? id : id.slice(parent.length + 1));
  const number = Math.max(0, ...siblings.map((t) => own(t.id!)).filter((n) => /^\d+$/.test(n)).map(Number)) + 1;
  const id = parent === undefined ? String(number) : `${parent}.${number}`;
  const writtenFull = idNode.type === 'string' && parent !== undefined && (idNode.value as string).includes('.');
  const newText = writtenFull ? JSON.stringify(id) : idNode.type === 'number' ? String(number) : JSON.stringify(String(number));
  const text = file.source.slice(file.bom);
  const edits: TextEdit[] = [{ offset: idNode.offset, length: idNode.length, newText }];
  const after = readTaskMasterJson(applyEdits(text, edits));
  const sameTag = after.root && after.errors.length === 0 ? taskMasterTags(after.root).find((t) => t.name === tag.name) : undefined;
  const now = sameTag ? taskMasterTaskNodes(sameTag.tasks) : [];
  const renumbered = now.find((t) => t.index === task.index && t.parent?.index === task.parent?.index);
  if (renumbered?.id !== id || now.filter((t) => t.id === id).length !== 1) return [];
  return [{ title: `Renumber this ${parent === undefined ? 'task' : 'subtask'} to ${id}`, change: changeOf(d, file, edits), safe: false, preview: true }];
}
