/**
 * The second fix of a mermaid node that names no task: add the task it names (the first,
 * removing the node's line, is with the other dependency fixes). Whether the node is a
 * typo or a task not written yet is the user's call, so neither fix is safe.
 *
 * Single-file layout: a task line for the node's number, written like the lines of the
 * epic's other tasks and placed after the task numbered just below it. Directory layout:
 * a task file named like the others, and its line in the `epic.md` checklist when there
 * is one. The title is the node's label in the graph, else its id.
 *
 * The new task lists no dependencies of its own: the graph already declares the edges
 * that touch it, and both parsers read them as dependencies. Writing them again (a
 * `**Depends on:**` bullet, `depends_on`) would be a second declaration of each edge that
 * every later edit of it has to keep in step, and one that can come to contradict the graph.
 */
import type { Diagnostic, DiagnosticData, Epic, Task } from '../model';
import type { PlanChange, TextEdit } from '../edits';
import { applyEdits, isoNow, newTaskFileText, PlanEditError, progressEdits } from '../edits';
import { findFrontmatter, maskFrontmatter } from '../frontmatter';
import { parseOutline } from '../markdown/parseOutline';
import { numericId } from '../parse/common';
import type { ParsedEpicFile } from '../parse/directoryParser';
import { parseEpicFile, parseTaskFile, taskResolver } from '../parse/directoryParser';
import { mermaidNodeToTask, parseSingleFileEpic, taskIdOf } from '../parse/singleFileEpicParser';
import { detectEol, joinPath } from '../text';
import { checklistLineLike } from './checklistFixes';
import type { FixContext, FixDraft } from './fixes';
import { fileChange, insertLine, joinChanges, textLines } from './fixText';
import type { TextLines } from './fixText';

type Data = Extract<DiagnosticData, { code: 'mermaid-unknown-node' }>;
type Entry = ParsedEpicFile['checklist'][number];

export function mermaidAddTaskFixes(d: Diagnostic, data: Data, context: FixContext): FixDraft[] {
  const epic = context.epic;
  if (!epic || d.path !== epic.path) return [];
  const out: FixDraft[] = [];
  for (const node of new Set(data.nodes)) {
    const draft = epic.layout === 'single-file' ? addTaskLine(epic, node, context) : epic.layout === 'directory' ? addTaskFile(epic, node, context) : undefined;
    // `7` and `T7` on one line name one task file: one fix adds it.
    if (draft && !out.some((other) => other.title === draft.title)) out.push(draft);
  }
  return out;
}

// ---------------------------------------------------------------------------------
// Single-file layout

/** The number of a single-file task id the parser writes (`T7`); a node it leaves as written (`Start`, `7`) names no task. */
function singleFileNumber(id: string): number | undefined {
  const match = /^T([1-9]\d*)$/.exec(id);
  if (!match) return undefined;
  const n = Number(match[1]);
  return Number.isSafeInteger(n) && taskIdOf(n) === id ? n : undefined;
}

function addTaskLine(epic: Epic, id: string, context: FixContext): FixDraft | undefined {
  const n = singleFileNumber(id);
  if (n === undefined) return undefined;
  const text = context.read(epic.path);
  const { epic: current } = parseSingleFileEpic(epic.path, text);
  // Found again in the text as it is now: the task may have been added, or the node removed, since.
  if (current.tasks.some((t) => t.id === id)) return undefined;
  if (!current.dependencies.some((dep) => dep.source === 'mermaid' && (dep.from === id || dep.to === id))) return undefined;
  const label = nodeLabel(text, (token) => mermaidNodeToTask(token) === id, n);
  // A label the task line cannot hold as it is (one ending like an issue link, say) gives way to the id.
  for (const title of new Set([label ?? id, id])) {
    const edit = taskLineEdit(current, textLines(text), n, title);
    if (edit && readsBack(current, applyEdits(text, [edit]), id, title)) {
      return { title: `Add the task ${id}${title === id ? '' : ` "${title}"`}`, change: fileChange(epic.path, [edit]), safe: false };
    }
  }
  return undefined;
}

/** The new task line after the block of the task numbered just below it, or before the first task when none is. */
function taskLineEdit(current: Epic, t: TextLines, n: number, title: string): TextEdit | undefined {
  const tasks = current.tasks;
  if (tasks.length === 0) {
    // As a task is added to an epic with none: under `## Tasks`, else at the end.
    const heading = t.lines.findIndex((l) => /^##\s+tasks\b/i.test(l));
    const line = `- [ ] **Task ${n}:** ${title}`;
    if (heading === -1) return insertLine(t, t.starts.length, line);
    if (heading + 1 < t.starts.length) return { offset: t.starts[heading + 1], length: 0, newText: t.eol + line + t.eol };
    return { offset: t.text.length, length: 0, newText: t.eol + t.eol + line };
  }
  const below = tasks
    .map((task) => ({ task, number: numericId(task.id) ?? 0 }))
    .filter((x) => x.number < n)
    .sort((a, b) => a.number - b.number || a.task.order - b.task.order)
    .at(-1)?.task;
  const anchor = below ?? tasks[0];
  const line = taskLineLike(t.lines[anchor.range.line].replace(/^\uFEFF/, ''), n, title);
  if (line === undefined) return undefined;
  const loose = isLoose(tasks, t.lines, tasks.indexOf(anchor));
  if (!below) return { offset: t.starts[anchor.range.line], length: 0, newText: line + t.eol + (loose ? t.eol : '') };
  const end = blockEnd(t.lines, anchor.range.line, anchor.range.column);
  if (end + 1 < t.starts.length) return { offset: t.starts[end + 1], length: 0, newText: (loose ? t.eol : '') + line + t.eol };
  // The anchor's block runs to the end of a text with no line break after it.
  return { offset: t.text.length, length: 0, newText: t.eol + (loose ? t.eol : '') + line };
}

const HEADING = /^\s*#{1,6}(\s|$)/;
const CHECKBOX = /^(\s*(?:[-*+]|\d+[.)])\s+\[)(?:[ xX]|-)(\]\s+)/;
// The task line's id as the parser reads it (see TASK_LINE in singleFileEpicParser.ts).
const TASK_HEAD = /^((?:\*\*|__)?(?:task\s*|t))(\d+)(\s*(?::\s*(?:\*\*|__)|(?:\*\*|__)\s*:?|[:.)-])\s*)/i;

/** A line for task `n` written like `template`: its marker and indent, and its way of writing the id (`**Task 3:**`, `**T3:**`, `Task 3.`, `**Task 3: Title**`). */
function taskLineLike(template: string, n: number, title: string): string | undefined {
  const box = CHECKBOX.exec(template);
  if (!box) return undefined;
  const head = TASK_HEAD.exec(template.slice(box[0].length));
  if (!head) return undefined;
  // `**Task 3: Title**`: the bold opened before `Task` closes after the title.
  const bold = head[1].startsWith('**') ? '**' : head[1].startsWith('__') ? '__' : '';
  const closesAfterTitle = bold !== '' && !head[3].includes(bold);
  return `${box[1]} ${box[2]}${head[1]}${n}${head[3]}${title}${closesAfterTitle ? bold : ''}`;
}

/** The last line of a task's block: its nested lines, up to the next heading or the next line at its indent or less. */
function blockEnd(lines: readonly string[], start: number, column: number): number {
  let end = start;
  for (let l = start + 1; l < lines.length; l++) {
    const line = lines[l];
    if (line.trim() === '') continue;
    if (HEADING.test(line) || line.length - line.trimStart().length <= column) break;
    end = l;
  }
  return end;
}

/**
 * Whether the epic's task list is loose (its tasks separated by blank lines): as the
 * anchor is from the task before it, else as the next task is from the anchor, else as
 * any task is from the one before it. A task right under a heading starts a list, and says nothing.
 */
function isLoose(tasks: readonly Task[], lines: readonly string[], anchor: number): boolean {
  for (const i of [anchor, anchor + 1, ...tasks.keys()]) {
    const task = tasks[i];
    if (i < 1 || !task || tasks[i - 1].range.column !== task.range.column) continue;
    let above = task.range.line - 1;
    while (above > 0 && lines[above].trim() === '') above--;
    if (HEADING.test(lines[above])) continue;
    return above < task.range.line - 1;
  }
  return false;
}

/** The edited text reads as before with one more task: this id and title, open. */
function readsBack(before: Epic, after: string, id: string, title: string): boolean {
  const { epic } = parseSingleFileEpic(before.path, after);
  const added = epic.tasks.filter((t) => t.id === id);
  if (added.length !== 1 || added[0].title !== title || added[0].state !== 'open') return false;
  // Nothing around the line became part of the task: every dependency it has is the graph's.
  if (epic.dependencies.some((dep) => dep.to === id && dep.source !== 'mermaid')) return false;
  const others = epic.tasks.filter((t) => t !== added[0]);
  return (
    others.length === before.tasks.length &&
    others.every((t, i) => t.id === before.tasks[i].id && t.title === before.tasks[i].title && t.state === before.tasks[i].state && t.group === before.tasks[i].group)
  );
}

// ---------------------------------------------------------------------------------
// Directory layout

function addTaskFile(epic: Epic, node: string, context: FixContext): FixDraft | undefined {
  // A directory epic's tasks are numbered files; the graph may name one `007`, `7` or `T7`.
  const n = numericId(mermaidNodeToTask(node));
  if (n === undefined || n < 1 || !/^(?:\d+|T\d+)$/.test(mermaidNodeToTask(node)) || epic.dir === undefined) return undefined;
  if (epic.tasks.some((t) => numericId(t.id) === n)) return undefined;
  const epicText = context.read(epic.path);
  const file = parseEpicFile(epic.path, epicText);
  if (!file.mermaid.some((edge) => edge.from === node || edge.to === node)) return undefined;
  const id = fileNumber(epic, n);
  const path = joinPath(epic.dir, `${id}.md`);
  if (exists(context, path)) return undefined;

  const label = nodeLabel(epicText, (token) => numericId(mermaidNodeToTask(token)) === n, n);
  const eol = detectEol(epicText);
  const now = context.plan.now ?? isoNow();
  // A label the file would not read back as written gives way to the node's id.
  const title = [label ?? node, node].find((candidate) => {
    const parsed = parseTaskFile(path, newTaskFileText(candidate, {}, now, eol));
    return parsed.title === candidate && parsed.state === 'open' && parsed.diagnostics.length === 0;
  });
  if (title === undefined) return undefined;
  const text = newTaskFileText(title, {}, now, eol);

  const edits: TextEdit[] = [];
  if (file.checklist.length > 0) {
    const edit = checklistEdit(epic, file, textLines(epicText), { id, issue: undefined, title, state: 'open', parallel: true }, n);
    if (!edit) return undefined;
    edits.push(edit);
  }
  edits.push(...progressEdits(epicText, epic.tasks.filter((t) => t.state === 'done').length, epic.tasks.length + 1));
  const change: PlanChange = joinChanges(fileChange(epic.path, edits), { edits: [], creates: [{ path, text }], renames: [] });
  return { title: `Add the task file ${id}.md${title === node ? '' : ` "${title}"`}`, change, safe: false };
}

/** The file name number `n` gets: zero-padded to three digits as new task files are, unless the epic's files are not padded. */
function fileNumber(epic: Epic, n: number): string {
  const local = epic.tasks.map((t) => t.id).filter((id) => /^\d{1,3}$/.test(id));
  const unpadded = local.length > 0 && local.every((id) => !id.startsWith('0')) && local.some((id) => id.length < 3);
  return unpadded ? String(n) : String(n).padStart(3, '0');
}

function exists(context: FixContext, path: string): boolean {
  try {
    context.read(path);
    return true;
  } catch (error) {
    if (error instanceof PlanEditError) return false;
    throw error;
  }
}

type NewTaskLine = Pick<Task, 'id' | 'issue' | 'title' | 'state' | 'parallel'>;

/** The task's checklist line, after the line of the task numbered just below it (before the first line when none is), read back as the task's. */
function checklistEdit(epic: Epic, file: ParsedEpicFile, t: TextLines, task: NewTaskLine, n: number): TextEdit | undefined {
  const resolve = taskResolver(epic.tasks, epic.renumbered);
  const before = file.checklist
    .map((entry) => ({ entry, number: numericId(resolve(entry.ref) ?? '') }))
    .filter((e): e is { entry: Entry; number: number } => e.number !== undefined && e.number < n)
    .sort((a, b) => a.number - b.number || a.entry.line - b.entry.line)
    .at(-1)?.entry;
  const template = before ?? file.checklist[0];
  const line = checklistLineLike(t.lines[template.line], template, task);
  if (line === undefined) return undefined;
  const edit = insertLine(t, before ? before.line + 1 : template.line, line);
  const resolveAfter = taskResolver([...epic.tasks, { id: task.id }], epic.renumbered);
  const after = parseEpicFile(file.path, applyEdits(t.text, [edit])).checklist;
  const added = after.filter((e) => resolveAfter(e.ref) === task.id);
  return after.length === file.checklist.length + 1 && added.length === 1 && !added[0].checked ? edit : undefined;
}

// ---------------------------------------------------------------------------------
// Labels

// An id stops before a link that follows it unspaced (`T1-->T2`).
const ID_AT = /[A-Za-z0-9_](?:\w|-(?![-.=>]))*/y;
const CLASS_AT = /:::[\w-]+/y;
const NOT_NODES = /^\s*(?:graph|flowchart|subgraph|end|classDef|class|style|linkStyle|click|direction)\b|^\s*%%/;
/** Node shapes, the longer openers first: `T7[..]`, `T7(..)`, `T7{..}`, `T7((..))`, `T7{{..}}`, `T7[/../]`, `T7>..]`... */
const SHAPES: ReadonlyArray<readonly [open: string, close: readonly string[]]> = [
  ['(((', [')))']],
  ['((', ['))']],
  ['([', ['])']],
  ['[[', [']]']],
  ['[(', [')]']],
  ['{{', ['}}']],
  ['[/', ['/]', '\\]']],
  ['[\\', ['\\]', '/]']],
  ['[', [']']],
  ['(', [')']],
  ['{', ['}']],
];

/**
 * The label the mermaid graphs of `text` give a node that `matches`, cleaned for a title;
 * undefined when none gives it one. A node may be labelled where it is declared alone
 * (`T7["Write the docs"]:::todo`) or on an edge; a later label replaces an earlier one,
 * as mermaid draws it.
 */
export function nodeLabel(text: string, matches: (token: string) => boolean, n: number): string | undefined {
  const fm = findFrontmatter(text);
  const outline = parseOutline(fm ? maskFrontmatter(text, fm) : text);
  let label: string | undefined;
  for (const code of outline.code) {
    if (code.lang?.toLowerCase() !== 'mermaid') continue;
    for (const line of code.value.split('\n')) {
      if (NOT_NODES.test(line)) continue;
      for (const node of nodesOf(line)) {
        if (!matches(node.id) || node.label === undefined) continue;
        const cleaned = cleanLabel(node.label, n);
        if (cleaned !== '') label = cleaned;
      }
    }
  }
  return label;
}

/** The nodes of one line with their labels as written; labels, edge texts and strings are stepped over, so a node named inside them is not read. */
function nodesOf(line: string): Array<{ id: string; label: string | undefined }> {
  const out: Array<{ id: string; label: string | undefined }> = [];
  let at = 0;
  while (at < line.length) {
    const c = line[at];
    if (c === '|' || c === '"') {
      const close = line.indexOf(c, at + 1);
      at = close === -1 ? line.length : close + 1;
      continue;
    }
    if (c === '%' && line[at + 1] === '%') break;
    ID_AT.lastIndex = at;
    const id = at === 0 || !/[\w-]/.test(line[at - 1]) ? ID_AT.exec(line) : null;
    if (!id) {
      at++;
      continue;
    }
    at = ID_AT.lastIndex;
    const shape = shapeAt(line, at);
    out.push({ id: id[0], label: shape?.label });
    if (shape) at = shape.end;
    CLASS_AT.lastIndex = at;
    if (CLASS_AT.exec(line)) at = CLASS_AT.lastIndex;
  }
  return out;
}

/** The shape right after a node id, with its label: bracketed (quoted or not), `>..]`, or mermaid 11's `@{ label: ".." }`. */
function shapeAt(line: string, at: number): { label: string; end: number } | undefined {
  if (line.startsWith('@{', at)) {
    const close = line.indexOf('}', at);
    if (close === -1) return undefined;
    const body = line.slice(at + 2, close);
    const label = /\blabel\s*:\s*(?:"([^"]*)"|'([^']*)'|([^,]*))/.exec(body);
    return { label: label ? label[1] ?? label[2] ?? label[3] : '', end: close + 1 };
  }
  if (line[at] === '>') return contentAt(line, at + 1, [']']);
  let start = at;
  while (line[start] === ' ' || line[start] === '\t') start++;
  const shape = SHAPES.find(([open]) => line.startsWith(open, start));
  return shape ? contentAt(line, start + shape[0].length, shape[1]) : undefined;
}

function contentAt(line: string, from: number, closers: readonly string[]): { label: string; end: number } | undefined {
  let start = from;
  while (line[start] === ' ') start++;
  // A quoted label may hold what would close the shape: `T7("Write (the) docs")`.
  const quoted = line[start] === '"' ? line.indexOf('"', start + 1) : -1;
  const search = quoted === -1 ? from : quoted + 1;
  const ends = closers.map((close) => ({ close, at: line.indexOf(close, search) })).filter((x) => x.at !== -1);
  if (ends.length === 0) return undefined;
  const end = ends.reduce((a, b) => (b.at < a.at ? b : a));
  const label = quoted === -1 ? line.slice(from, end.at) : line.slice(start + 1, quoted);
  return { label, end: end.at + end.close.length };
}

const ENTITIES: Readonly<Record<string, string>> = { quot: '"', amp: '&', lt: '<', gt: '>', nbsp: ' ', apos: "'" };

/** A label as a title: markdown-string backticks, line breaks, tags and entity codes gone, and a leading `Task 7:` that only repeats the id. */
function cleanLabel(raw: string, n: number): string {
  let label = raw.trim();
  if (label.length >= 2 && label.startsWith('`') && label.endsWith('`')) label = label.slice(1, -1);
  label = label
    .replace(/<br\s*\/?>/gi, ' ')
    .replace(/<\/?[A-Za-z][^>]*>/g, '')
    .replace(/#([a-z]+);/gi, (whole, name: string) => ENTITIES[name.toLowerCase()] ?? whole)
    .replace(/#(\d+);/g, (whole, digits: string) => {
      const code = Number(digits);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    })
    .replace(/\s+/g, ' ')
    .trim();
  // Decompose labels a node `Task 3: Title`: the number is the task's id, not part of its title.
  return label.replace(new RegExp(`^(?:task\\s*#?|t)0*${n}(?!\\d)\\s*(?:[:.)\\-–—]\\s*|$)`, 'i'), '').trim();
}
