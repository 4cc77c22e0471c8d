import type { Dependency, Diagnostic, Epic, Milestone, Task, TaskGroup, TaskState } from '../model';
import { lineRange } from '../model';
import { findFrontmatter, maskFrontmatter } from '../frontmatter';
import type { OutlineHeading, OutlineItem } from '../markdown/outline';
import { parseOutline } from '../markdown/parseOutline';
import { planStateFromStatus } from '../status';
import { fileStem, linesOf, stripBom } from '../text';
import {
  boldKeyMetadata,
  findKey,
  diagnostic,
  metadataKey,
  normaliseKeys,
  parseBoldKeyLine,
  parseTaskReferences,
  stringField,
  compactIds,
  NO_IDS,
} from './common';
import type { TaskReference } from './common';
import { frontmatterDiagnostics, frontmatterValueRange, statusDiagnostic, statusRange } from './fileDiagnostics';
import { parseMermaidEdges } from './mermaidEdges';

export interface ParsedEpic {
  readonly epic: Epic;
  readonly diagnostics: readonly Diagnostic[];
}

// `**Task 3:** Title`, `**Task 3**: Title`, `Task 3: Title`, `**T3:** Title`.
const TASK_LINE = /^(?:\*\*|__)?(?:task\s*|t)(\d+)\s*(?::\s*(?:\*\*|__)|(?:\*\*|__)\s*:?|[:.)-])\s*(.*)$/i;
/** A trailing issue link on a task line: ` (#12)` or ` ([#12](url))`. */
export const ISSUE_SUFFIX = /\s*\((?:#(\d+)|\[#(\d+)\]\([^)\s]*\))\)\s*$/;
const MILESTONE = /^(?:\*\*|__)([Mm]\d+)(?:\s*\(([^)]*)\))?\s*(?::\s*(?:\*\*|__)|(?:\*\*|__)\s*:?)\s*(.*)$/;
const DEPENDS_KEYS = new Set(['depends_on', 'depends', 'dependencies', 'dependency', 'blocked_by', 'requires', 'after']);
const CONFLICT_KEYS = new Set(['conflicts_with', 'conflicts']);

/** Reads a task line's checkbox: `[-]` (not a GFM checkbox) means in progress. */
function checkboxState(item: OutlineItem): { state: TaskState; text: string; textColumn: number } | undefined {
  if (item.checked === true) return { state: 'done', text: item.text, textColumn: item.textColumn };
  if (item.checked === false) return { state: 'open', text: item.text, textColumn: item.textColumn };
  // Most items are prose bullets: look at the first character before running a regex.
  if (item.text.charCodeAt(0) !== 91 /* [ */) return undefined;
  const match = /^\[-\]\s+/.exec(item.text);
  if (match) {
    return { state: 'in-progress', text: item.text.slice(match[0].length), textColumn: item.textColumn + match[0].length };
  }
  return undefined;
}

interface RawTask {
  readonly number: number;
  readonly title: string;
  readonly state: TaskState;
  readonly issue: number | undefined;
  readonly line: number;
  readonly column: number;
  readonly endColumn: number;
  readonly group: OutlineHeading | undefined;
  readonly fields: Record<string, string>;
  readonly dependsOn: Array<{ refs: TaskReference[]; line: number; column: number; endColumn: number }>;
  readonly conflicts: TaskReference[];
}

const TASK_IDS: string[] = [];

/** `T3` for 3. Every epic numbers its tasks from 1, so the index shares one string per number. */
export function taskIdOf(n: number): string {
  if (n >= 1024) return `T${n}`;
  return (TASK_IDS[n] ??= `T${n}`);
}

const STAR = 42;
const UNDERSCORE = 95;

function startsBold(text: string): boolean {
  const c = text.charCodeAt(0);
  return c === STAR || c === UNDERSCORE;
}

function readTask(item: OutlineItem, group: OutlineHeading | undefined): RawTask | undefined {
  const box = checkboxState(item);
  if (!box) return undefined;
  const match = TASK_LINE.exec(box.text);
  if (!match) return undefined;
  let title = match[2].trim();
  let issue: number | undefined;
  if (title.endsWith(')')) {
    const issueMatch = ISSUE_SUFFIX.exec(title);
    if (issueMatch) {
      issue = Number(issueMatch[1] ?? issueMatch[2]);
      title = title.slice(0, issueMatch.index).trim();
    }
  }
  // `**Task 5: Title**`: the bold that opened before `Task` closes after the title.
  const bold = box.text.startsWith('**') ? '**' : box.text.startsWith('__') ? '__' : undefined;
  if (bold && title.endsWith(bold) && box.text.indexOf(bold, 2) >= box.text.length - match[2].length) {
    title = title.slice(0, -2).trimEnd();
  }
  const fields: Record<string, string> = {};
  const dependsOn: RawTask['dependsOn'] = [];
  let conflicts: TaskReference[] = [];
  for (const child of item.children) {
    // A nested checkbox line is a task of its own (see collectTasks), not a field.
    if (child.checked !== null || child.text.startsWith('[-]')) continue;
    // Most nested bullets are prose; only bold keys and "depends on" lines are fields.
    const kv = startsBold(child.text) ? parseBoldKeyLine(child.text) : plainDependsOn(child.text);
    if (!kv) continue;
    const [key, value] = kv;
    if (DEPENDS_KEYS.has(key)) {
      const refs = parseTaskReferences(value, true);
      dependsOn.push({ refs, line: child.line, column: child.textColumn, endColumn: child.textColumn + child.text.length });
    } else if (CONFLICT_KEYS.has(key)) {
      conflicts = conflicts.concat(parseTaskReferences(value, true));
    } else if (!(key in fields)) {
      fields[key] = value;
    }
  }
  return {
    number: Number(match[1]),
    title,
    state: box.state,
    issue,
    line: item.line,
    column: item.column,
    endColumn: item.textColumn + item.text.length,
    group,
    fields,
    dependsOn,
    conflicts,
  };
}

/**
 * Task lines nested in other items: under a plain bullet (`- Phase 1` then
 * `  - [ ] **Task 1:** ...`) or under another task (a subtask). They keep the group of
 * the top-level item, and come in document order after their parent.
 */
function collectTasks(item: OutlineItem, task: RawTask | undefined, group: OutlineHeading | undefined, out: RawTask[]): void {
  if (task) out.push(task);
  for (const child of item.children) collectTasks(child, readTask(child, group), group, out);
}

/** `Depends on: Task 1` or `depends on T1, T2` written without bold. */
function plainDependsOn(text: string): [string, string] | undefined {
  const c = text.charCodeAt(0) | 0x20;
  if (c !== 0x64 /* d */ && c !== 0x62 /* b */ && c !== 0x72 /* r */) return undefined;
  const match = /^(depends\s+on|blocked\s+by|requires)\s*:?\s+(.+)$/i.exec(text.trim());
  return match ? [metadataKey(match[1]), match[2]] : undefined;
}

function readMilestone(text: string, line: number, column: number): { milestone: Milestone; refs: TaskReference[] } | undefined {
  // `**M1 (Day 2):** ...`: cheap checks first, as most lines are prose.
  if (!startsBold(text) || (text.charCodeAt(2) | 0x20) !== 0x6d /* m */) return undefined;
  const match = MILESTONE.exec(text.trim());
  if (!match) return undefined;
  return {
    milestone: {
      id: match[1].toUpperCase(),
      when: match[2]?.trim(),
      title: match[3].trim(),
      taskIds: [],
      range: lineRange(line, column, column + text.length),
    },
    refs: parseTaskReferences(match[3], false),
  };
}

export function parseSingleFileEpic(path: string, source: string): ParsedEpic {
  const text = stripBom(source);
  const diagnostics: Diagnostic[] = [];
  const fm = findFrontmatter(text);
  if (fm) diagnostics.push(...frontmatterDiagnostics(path, fm));
  const outline = parseOutline(fm ? maskFrontmatter(text, fm) : text);
  const lines = linesOf(text);
  const bold = boldKeyMetadata(outline, lines);
  const metadata: Record<string, unknown> = fm ? { ...bold.data, ...normaliseKeys(fm.data, fm.keys) } : bold.data;
  const id = fileStem(path);

  const h1 = outline.headings.find((h) => h.depth === 1);
  const title = h1
    ? h1.text.replace(/^epic\s*[-\s]?\d*\s*[:—–-]\s*/i, '').trim() || h1.text
    : stringField(metadata, 'title', 'name') ?? id;

  // Items and headings both come in line order: one cursor finds each item's group, the
  // `###` heading it sits under, unless a `##` heading came after that.
  const rawTasks: RawTask[] = [];
  const found: Array<{ milestone: Milestone; refs: TaskReference[] }> = [];
  let cursor = 0;
  let group: OutlineHeading | undefined;
  for (const item of outline.items) {
    while (cursor < outline.headings.length && outline.headings[cursor].line < item.line) {
      const h = outline.headings[cursor++];
      if (h.depth <= 2) group = undefined;
      else if (h.depth === 3) group = h;
    }
    const task = readTask(item, group);
    if (!task) {
      const milestone = readMilestone(item.text, item.line, item.textColumn);
      if (milestone) found.push(milestone);
    }
    collectTasks(item, task, group, rawTasks);
  }
  for (const p of outline.paragraphs) {
    for (let line = p.line; line <= p.endLine; line++) {
      const milestone = readMilestone(lines.at(line), line, 0);
      if (milestone) found.push(milestone);
    }
  }
  found.sort((a, b) => a.milestone.range.line - b.milestone.range.line);

  const byIssue = new Map<number, string>();
  for (const t of rawTasks) if (t.issue !== undefined) byIssue.set(t.issue, taskIdOf(t.number));
  const resolve = (ref: TaskReference): string =>
    ref.kind === 'issue' ? byIssue.get(ref.value) ?? `#${ref.value}` : taskIdOf(ref.value);

  const dependencies: Dependency[] = [];
  const tasks: Task[] = [];
  const taskById = new Map<string, Task & { dependsOn: string[] }>();
  rawTasks.forEach((raw, order) => {
    const taskId = taskIdOf(raw.number);
    const deps: string[] = [];
    for (const bullet of raw.dependsOn) {
      for (const ref of bullet.refs) {
        const from = resolve(ref);
        if (!deps.includes(from)) deps.push(from);
        dependencies.push({ from, to: taskId, source: 'bullet', path, range: lineRange(bullet.line, bullet.column, bullet.endColumn) });
      }
    }
    const task = {
      id: taskId,
      epicId: id,
      title: raw.title,
      state: raw.state,
      rawStatus: undefined,
      issue: raw.issue,
      githubUrl: undefined,
      group: raw.group?.text,
      estimate: raw.fields.estimate ?? raw.fields.effort,
      agent: raw.fields.agent,
      priority: raw.fields.priority,
      dependsOn: deps,
      conflictsWith: raw.conflicts.length === 0 ? NO_IDS : raw.conflicts.map(resolve),
      parallel: undefined,
      path,
      range: lineRange(raw.line, raw.column, raw.endColumn),
      order,
      fields: undefined,
      sprint: raw.fields.sprint,
    };
    tasks.push(task);
    if (!taskById.has(taskId)) taskById.set(taskId, task);
  });

  for (const code of outline.code) {
    if (code.lang?.toLowerCase() !== 'mermaid') continue;
    for (const edge of parseMermaidEdges(code.value, code.line + 1)) {
      const from = mermaidNodeToTask(edge.from);
      const to = mermaidNodeToTask(edge.to);
      dependencies.push({ from, to, source: 'mermaid', path, range: lineRange(edge.line, edge.column, edge.endColumn) });
      const target = taskById.get(to);
      // A node that is no task (a `Start` box, a typo) is reported, but blocks nothing.
      if (target && taskById.has(from) && !target.dependsOn.includes(from)) target.dependsOn.push(from);
    }
  }

  for (const task of tasks) (task as { dependsOn: readonly string[] }).dependsOn = compactIds(task.dependsOn);

  const groups: TaskGroup[] = [];
  for (const h of outline.headings) {
    if (h.depth !== 3) continue;
    const own: string[] = [];
    rawTasks.forEach((raw, i) => {
      if (raw.group === h) own.push(tasks[i].id);
    });
    if (own.length > 0) groups.push({ name: h.text, range: lineRange(h.line, h.column, lines.at(h.line).length ?? 0), taskIds: own });
  }
  const milestones: Milestone[] = found.map(({ milestone, refs }) => ({ ...milestone, taskIds: [...new Set(refs.map(resolve))] }));

  const status = stringField(metadata, 'status');
  const state = status ? planStateFromStatus(status) : undefined;
  const statusLine = findKey(fm, 'status')?.line ?? bold.lineOf.get('status');
  if (status && !state && statusLine !== undefined) {
    diagnostics.push(statusDiagnostic(path, statusLine, lines.at(statusLine), status, 'warning', 'plan'));
  }
  if (tasks.length === 0) {
    diagnostics.push(
      diagnostic(path, lineRange(h1?.line ?? 0), 'info', 'epic-empty', 'This epic has no task lines (`- [ ] **Task 1:** Title`).'),
    );
  }
  const titleLine = h1?.line ?? 0;
  // Only a frontmatter `progress` is checked against the tasks: that is the one the edits keep in step.
  const progressRange = frontmatterValueRange(fm, lines, 'progress');
  const epic: Epic = {
    kind: 'epic',
    id,
    title,
    layout: 'single-file',
    path,
    dir: undefined,
    status,
    state: state ?? 'not-started',
    ...(status !== undefined && statusLine !== undefined ? { statusRange: statusRange(statusLine, lines.at(statusLine), status) } : {}),
    ...(progressRange ? { progressRange } : {}),
    prd: stringField(metadata, 'based_on', 'prd'),
    start: stringField(metadata, 'start_date', 'start', 'created'),
    target: stringField(metadata, 'target', 'target_date', 'due', 'deadline'),
    github: stringField(metadata, 'github'),
    metadata,
    groups,
    tasks,
    milestones,
    dependencies,
    checklist: [],
    range: lineRange(titleLine, 0, lines.at(titleLine).length ?? 0),
  };
  return { epic, diagnostics };
}

/** `T3`, `Task3`, `t_3` → `T3`; any other node keeps its own id (and is reported as unknown). */
export function mermaidNodeToTask(node: string): string {
  const match = /^(?:task[_-]?|t[_-]?)0*(\d+)$/i.exec(node);
  return match ? taskIdOf(Number(match[1])) : node;
}
