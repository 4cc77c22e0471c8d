/**
 * The pull side of the GitHub sync, as pure decisions and edits: what an issue's state,
 * assignees and labels mean for the plan files, and the smallest edits that write them.
 *
 * States are compared in GitHub's terms. An issue is open, or closed with a reason
 * (completed, not planned, duplicate); a task is open, in progress or done, and a done
 * task may keep the reason its issue was closed with. "In progress" is the plan's own
 * refinement of open, which GitHub has no word for: an in-progress task whose issue is
 * open agrees with it, and stays in progress.
 *
 * The sync state records the issue's state at the last sync (open or closed). A pull
 * brings the issue's state into the plan when the issue moved since then and the plan
 * did not; when both moved and ended up disagreeing (the plan marked done while the
 * issue was closed as not planned), it is a conflict for the person to decide. A plan
 * that moved alone is the push's business.
 *
 * Where a done task keeps its reason (only not planned and duplicate are written;
 * completed is what done means):
 * - directory layout: a `closed_reason: not planned` field in the task file's
 *   frontmatter, beside `status: closed`;
 * - single-file layout: one metadata line in the epic's header listing the tasks,
 *   `**Not planned:** T3, T7` (or a `not_planned: [T3, T7]` frontmatter key when the epic
 *   file has frontmatter), so the task line changes by its checkbox only. A line under
 *   the task would be part of the task's text, which is its issue's body: every pull
 *   would then give the push a body to rewrite.
 * - an epic keeps it in its status: `cancelled`, which the core reads as done and
 *   abandoned (so its open tasks are no contradiction).
 *
 * Nothing here writes the sync's bookkeeping into the plan; that stays in the state file.
 */
import type { FileEdit, PlanChange, ReadText, TextEdit } from '../edits';
import { formatYamlValue, PlanEditError, setFrontmatterFieldEdits, setTaskStateChange } from '../edits';
import { findFrontmatter } from '../frontmatter';
import type { Epic, PlanState, TaskState } from '../model';
import { findKey, listField, metadataKey, normaliseKeys, numericId, stringField } from '../parse/common';
import { parseTaskFile } from '../parse/directoryParser';
import { parseSingleFileEpic } from '../parse/singleFileEpicParser';
import { isAbandonedStatus, planStateFromStatus } from '../status';
import { detectEol, lineStartOffsets, splitLines } from '../text';
import type { DesiredState, SyncLabels } from './desired';
import { DEFAULT_SYNC_LABELS } from './desired';
import type { HeaderLine } from './epicLink';
import { headerLines } from './epicLink';

/** Why a done task was closed other than by being completed, as the plan writes it. */
export type ClosedReason = 'not planned' | 'duplicate';

/** GitHub's reasons for a closed issue (its `state_reason`); `reopened` is an open issue's. */
export type IssueCloseReason = 'completed' | 'not_planned' | 'duplicate' | 'reopened';

/** A task's (or an epic's) state as the pull compares it. */
export interface PlanStateView {
  readonly state: TaskState;
  /** Only for a done task closed other than as completed. */
  readonly reason?: ClosedReason;
}

/** An issue's state as the pull compares it. */
export interface IssueStateView {
  readonly state: DesiredState;
  /** Only for a closed issue closed other than as completed. */
  readonly reason?: ClosedReason;
}

const NO_CHANGE: PlanChange = { edits: [], creates: [], renames: [] };

// ---------------------------------------------------------------------------------
// Words

/** The reason a closed issue keeps in the plan: none for completed (or no reason at all). */
export function closedReasonOfIssue(state: DesiredState, reason: IssueCloseReason | null | undefined): ClosedReason | undefined {
  if (state !== 'closed') return undefined;
  if (reason === 'not_planned') return 'not planned';
  if (reason === 'duplicate') return 'duplicate';
  return undefined;
}

export function issueStateView(state: DesiredState, reason: IssueCloseReason | null | undefined): IssueStateView {
  const why = closedReasonOfIssue(state, reason);
  return why === undefined ? { state } : { state, reason: why };
}

/** A `closed_reason` (or list key) as written: anything but completed counts as not planned, unless it says duplicate. */
export function parseClosedReason(raw: string | undefined): ClosedReason | undefined {
  if (raw === undefined) return undefined;
  const text = raw.trim().toLowerCase().replace(/[\s_-]+/g, ' ');
  if (text === '' || text === 'completed' || text === 'complete' || text === 'done') return undefined;
  return text === 'duplicate' || text === 'duplicated' ? 'duplicate' : 'not planned';
}

/** `open`, `in progress`, `done`, `done (not planned)`. */
export function describePlanState(view: PlanStateView): string {
  const base = view.state === 'in-progress' ? 'in progress' : view.state;
  return view.reason === undefined ? base : `${base} (${view.reason})`;
}

/** `open`, `closed as completed`, `closed as not planned`. */
export function describeIssueState(view: IssueStateView): string {
  return view.state === 'open' ? 'open' : `closed as ${view.reason ?? 'completed'}`;
}

/** The plan state a pull gives a task whose issue is in this state. */
export function planStateOfIssue(issue: IssueStateView, current: PlanStateView): PlanStateView {
  if (issue.state === 'closed') return issue.reason === undefined ? { state: 'done' } : { state: 'done', reason: issue.reason };
  // Open on GitHub: a task in progress stays in progress.
  return current.state === 'done' ? { state: 'open' } : { state: current.state };
}

function binary(view: PlanStateView): DesiredState {
  return view.state === 'done' ? 'closed' : 'open';
}

/** Whether the plan and the issue say the same thing, in GitHub's terms. */
export function statesAgree(plan: PlanStateView, issue: IssueStateView): boolean {
  if (binary(plan) !== issue.state) return false;
  return issue.state === 'open' || plan.reason === issue.reason;
}

// ---------------------------------------------------------------------------------
// The decision

export type PullDecision =
  /** The issue's state did not move since the last sync: nothing comes into the plan. */
  | { readonly action: 'none' }
  /** The issue moved and the plan did not: the plan takes the issue's state. */
  | { readonly action: 'take'; readonly to: PlanStateView; readonly why: string }
  /** Both moved, to the same state: only the record moves. */
  | { readonly action: 'agree' }
  /** Both moved, and they disagree: the person decides. `why` reads after "T4 was". */
  | { readonly action: 'conflict'; readonly why: string };

/**
 * What a pull does with one issue's state. `recorded` is the issue's state at the last
 * sync; the plan moved when its state in GitHub's terms is no longer that one.
 */
export function decidePull(plan: PlanStateView, recorded: DesiredState, issue: IssueStateView): PullDecision {
  if (issue.state === recorded) return { action: 'none' };
  const how = issue.state === 'open' ? 'reopened' : `closed as ${issue.reason ?? 'completed'}`;
  if (binary(plan) === recorded) return { action: 'take', to: planStateOfIssue(issue, plan), why: `${how} on GitHub` };
  if (statesAgree(plan, issue)) return { action: 'agree' };
  return {
    action: 'conflict',
    why: `marked ${describePlanState(plan)} in the plan and ${how} on GitHub, both since the last sync`,
  };
}

// ---------------------------------------------------------------------------------
// Reading the plan

/** A directory task's `closed_reason`, from its file's current text. */
function directoryReason(text: string): ClosedReason | undefined {
  const fm = findFrontmatter(text);
  if (!fm) return undefined;
  return parseClosedReason(stringField(normaliseKeys(fm.data, fm.keys), 'closed_reason'));
}

const REASON_KEYS: Readonly<Record<ClosedReason, string>> = { 'not planned': 'not_planned', duplicate: 'duplicate' };
const REASON_TITLES: Readonly<Record<ClosedReason, string>> = { 'not planned': 'Not planned', duplicate: 'Duplicate' };
const REASONS: readonly ClosedReason[] = ['not planned', 'duplicate'];

function sameTaskId(written: string, taskId: string): boolean {
  const a = numericId(written);
  return a !== undefined ? a === numericId(taskId) : written.trim().toLowerCase() === taskId.toLowerCase();
}

/** The reason a single-file epic's header lists for a task. */
function singleFileReason(metadata: Readonly<Record<string, unknown>>, taskId: string): ClosedReason | undefined {
  for (const reason of REASONS) {
    if (listField(metadata, REASON_KEYS[reason]).some((id) => sameTaskId(id, taskId))) return reason;
  }
  return undefined;
}

/** What a task's files say now: its state, and the reason it keeps when done. */
export function taskPlanState(epic: Epic, taskId: string, read: ReadText): PlanStateView {
  if (epic.layout === 'single-file') {
    const parsed = parseSingleFileEpic(epic.path, read(epic.path)).epic;
    const task = parsed.tasks.find((t) => t.id === taskId);
    if (!task) throw new PlanEditError(`${epic.path} has no task ${taskId}.`);
    const reason = task.state === 'done' ? singleFileReason(parsed.metadata, taskId) : undefined;
    return reason === undefined ? { state: task.state } : { state: task.state, reason };
  }
  const task = epic.tasks.find((t) => t.id === taskId);
  if (!task) throw new PlanEditError(`Epic ${epic.id} has no task ${taskId}.`);
  const text = read(task.path);
  const state = parseTaskFile(task.path, text).state;
  const reason = state === 'done' ? directoryReason(text) : undefined;
  return reason === undefined ? { state } : { state, reason };
}

function taskStateOfPlan(state: PlanState): TaskState {
  return state === 'not-started' ? 'open' : state;
}

/** What an epic's file says now: done with `cancelled` (or another abandoning status) keeps the reason not planned. */
export function epicPlanState(epic: Epic, read: ReadText): PlanStateView {
  let status: string | undefined;
  try {
    const text = read(epic.path);
    if (epic.layout === 'single-file') status = parseSingleFileEpic(epic.path, text).epic.status;
    else {
      const fm = findFrontmatter(text);
      status = fm ? stringField(normaliseKeys(fm.data, fm.keys), 'status') : undefined;
    }
  } catch (error) {
    if (!(error instanceof PlanEditError)) throw error;
    // A directory epic with task files but no epic.md has no status of its own.
    return { state: taskStateOfPlan(epic.state) };
  }
  // Read as the parsers read it: an unknown status is not started.
  const state = taskStateOfPlan((status === undefined ? undefined : planStateFromStatus(status)) ?? 'not-started');
  return state === 'done' && isAbandonedStatus(status) ? { state: 'done', reason: 'not planned' } : { state };
}

// ---------------------------------------------------------------------------------
// Edits

/** Edits of several changes computed from the same texts, one entry per file. */
export function mergeChanges(...changes: readonly PlanChange[]): PlanChange {
  const byPath = new Map<string, TextEdit[]>();
  for (const change of changes) {
    if (change.creates.length > 0 || change.renames.length > 0) throw new PlanEditError('A pull only edits files.');
    for (const file of change.edits) {
      const list = byPath.get(file.path) ?? [];
      list.push(...file.edits);
      byPath.set(file.path, list);
    }
  }
  const edits: FileEdit[] = [...byPath].filter(([, e]) => e.length > 0).map(([path, e]) => ({ path, edits: e }));
  return edits.length === 0 ? NO_CHANGE : { edits, creates: [], renames: [] };
}

function fileChange(path: string, edits: readonly TextEdit[]): PlanChange {
  return edits.length === 0 ? NO_CHANGE : { edits: [{ path, edits }], creates: [], renames: [] };
}

/** Removes a top-level frontmatter key, its value's lines included; [] when there is no such key. */
export function removeFrontmatterFieldEdits(text: string, key: string): TextEdit[] {
  const fm = findFrontmatter(text);
  if (!fm || fm.endLine === -1) return [];
  const entry = findKey(fm, key);
  if (!entry) return [];
  const starts = lineStartOffsets(text);
  // Inside a closed block, a line always follows the key's last line: at least the closing fence.
  return [{ offset: starts[entry.line], length: starts[entry.endLine + 1] - starts[entry.line], newText: '' }];
}

/** Sets (or, with undefined, removes) a directory task's `closed_reason`. */
function directoryReasonEdits(text: string, reason: ClosedReason | undefined): TextEdit[] {
  if (reason === undefined) return removeFrontmatterFieldEdits(text, 'closed_reason');
  // A reason already written another way (`not_planned`) is left as written.
  if (directoryReason(text) === reason) return [];
  return setFrontmatterFieldEdits(text, 'closed_reason', formatYamlValue(reason));
}


/** The ids of a header list value: `T3, T7`. */
function listItems(value: string): string[] {
  return value.split(',').map((v) => v.trim()).filter((v) => v !== '');
}

/**
 * Puts a single-file task in the header list of its reason (`**Not planned:** T3`) and
 * takes it out of the other list, adding or removing whole lines only when a list starts
 * or ends. With frontmatter, the lists are `not_planned` and `duplicate` keys.
 */
function singleFileReasonEdits(text: string, taskId: string, reason: ClosedReason | undefined): TextEdit[] {
  const fm = findFrontmatter(text);
  if (fm && fm.endLine !== -1) {
    const data = normaliseKeys(fm.data, fm.keys);
    const edits: TextEdit[] = [];
    for (const r of REASONS) {
      const key = REASON_KEYS[r];
      const list = listField(data, key);
      const has = list.some((id) => sameTaskId(id, taskId));
      if (r === reason && !has) edits.push(...setFrontmatterFieldEdits(text, key, formatYamlValue([...list, taskId])));
      if (r !== reason && has) {
        const rest = list.filter((id) => !sameTaskId(id, taskId));
        edits.push(...(rest.length === 0 ? removeFrontmatterFieldEdits(text, key) : setFrontmatterFieldEdits(text, key, formatYamlValue(rest))));
      }
    }
    return edits;
  }

  const lines = splitLines(text);
  const starts = lineStartOffsets(text);
  const eol = detectEol(text);
  const { keys, title } = headerLines(lines);
  const edits: TextEdit[] = [];
  let wantedFound = false;
  /** Lists the task was the last of: their lines go, or one becomes the new list's. */
  const emptied: HeaderLine[] = [];
  for (const entry of keys) {
    const r = REASONS.find((candidate) => metadataKey(entry.key) === REASON_KEYS[candidate]);
    if (r === undefined) continue;
    const items = listItems(entry.value);
    const has = items.some((id) => sameTaskId(id, taskId));
    if (r === reason) {
      wantedFound = true;
      if (has) continue;
      const end = starts[entry.line] + lines[entry.line].trimEnd().length;
      edits.push({ offset: end, length: 0, newText: items.length === 0 ? ` ${taskId}` : `, ${taskId}` });
    } else if (has) {
      const rest = items.filter((id) => !sameTaskId(id, taskId));
      if (rest.length > 0) edits.push({ offset: starts[entry.line] + entry.valueAt, length: entry.value.length, newText: rest.join(', ') });
      else emptied.push(entry);
    }
  }
  const newLine = reason !== undefined && !wantedFound ? `**${REASON_TITLES[reason]}:** ${taskId}` : undefined;
  if (newLine !== undefined && emptied.length > 0) {
    // Moved from one list to the other: the line it leaves becomes the new list's.
    const entry = emptied.shift()!;
    edits.push({ offset: starts[entry.line] + entry.prefix.length, length: lines[entry.line].length - entry.prefix.length, newText: newLine });
  } else if (newLine !== undefined) {
    const last = keys.at(-1);
    if (last) {
      const end = starts[last.line] + lines[last.line].length;
      edits.push({ offset: end, length: 0, newText: `${eol}${last.prefix}${newLine}` });
    } else if (title !== undefined) {
      edits.push({ offset: starts[title] + lines[title].length, length: 0, newText: `${eol}${eol}${newLine}` });
    } else {
      edits.push({ offset: 0, length: 0, newText: `${newLine}${eol}${eol}` });
    }
  }
  for (const entry of emptied) {
    if (entry.line + 1 < starts.length) {
      // The list is empty now: its line goes, with its line break.
      edits.push({ offset: starts[entry.line], length: starts[entry.line + 1] - starts[entry.line], newText: '' });
    } else {
      // The last line of the file: the line break before it goes instead.
      const from = entry.line === 0 ? 0 : starts[entry.line] - (text[starts[entry.line] - 2] === '\r' ? 2 : 1);
      edits.push({ offset: from, length: text.length - from, newText: '' });
    }
  }
  return edits;
}

/**
 * Brings a task to the state a pull gives it: the core's state edit (checkbox, or
 * `status`, `updated`, the `epic.md` checklist and `progress`), and its reason kept or
 * dropped.
 */
export function pullTaskChange(epic: Epic, taskId: string, target: PlanStateView, read: ReadText, now: string): PlanChange {
  const current = taskPlanState(epic, taskId, read);
  const state = current.state === target.state ? NO_CHANGE : setTaskStateChange(epic, taskId, target.state, read, now);
  const reason = target.state === 'done' ? target.reason : undefined;
  const path = epic.layout === 'single-file' ? epic.path : epic.tasks.find((t) => t.id === taskId)!.path;
  const text = read(path);
  const reasonEdits = epic.layout === 'single-file' ? singleFileReasonEdits(text, taskId, reason) : directoryReasonEdits(text, reason);
  return mergeChanges(state, fileChange(path, reasonEdits));
}

/** The status an epic is given, in the case its current status is written in. */
function epicStatusWord(epic: Epic, target: PlanStateView, current: string | undefined): string {
  const word = target.state === 'done' ? (target.reason === undefined ? 'completed' : 'cancelled') : 'in-progress';
  if (epic.layout === 'directory') return word;
  // Single-file epics write statuses as words people read (`**Status:** In Progress`).
  const titled = current === undefined || /^[A-Z]/.test(current.trim());
  if (!titled) return word;
  return word === 'in-progress' ? 'In Progress' : word[0].toUpperCase() + word.slice(1);
}

/**
 * Brings an epic to the state a pull gives it, through its status: `completed`,
 * `cancelled` (closed as not planned or duplicate), or `in-progress` when reopened.
 */
export function pullEpicChange(epic: Epic, target: PlanStateView, read: ReadText): PlanChange {
  const text = read(epic.path);
  const fm = findFrontmatter(text);
  const hasFrontmatter = fm !== undefined && fm.endLine !== -1;
  if (epic.layout === 'directory') {
    if (!hasFrontmatter) throw new PlanEditError(`${epic.path} has no frontmatter to write the epic's status in.`);
    const current = stringField(normaliseKeys(fm.data, fm.keys), 'status');
    return fileChange(epic.path, setFrontmatterFieldEdits(text, 'status', formatYamlValue(epicStatusWord(epic, target, current))));
  }
  const parsed = parseSingleFileEpic(epic.path, text).epic;
  if (hasFrontmatter && (findKey(fm, 'status') || parsed.statusRange === undefined)) {
    return fileChange(epic.path, setFrontmatterFieldEdits(text, 'status', formatYamlValue(epicStatusWord(epic, target, parsed.status))));
  }
  const range = parsed.statusRange;
  if (range === undefined || parsed.status === undefined) throw new PlanEditError(`${epic.path} has no **Status:** line to write the epic's state in.`);
  const word = epicStatusWord(epic, target, parsed.status);
  if (word === parsed.status) return NO_CHANGE;
  const starts = lineStartOffsets(text);
  return fileChange(epic.path, [{ offset: starts[range.line] + range.column, length: range.endColumn - range.column, newText: word }]);
}

// ---------------------------------------------------------------------------------
// Assignees and labels

/** The labels a sync manages itself, which the plan does not mirror: `task`, `epic`, `epic:<id>`. */
export function isSyncLabel(label: string, labels: SyncLabels = DEFAULT_SYNC_LABELS): boolean {
  const lower = label.toLowerCase();
  return lower === labels.task.toLowerCase() || lower === labels.epic.toLowerCase() || (labels.epicPrefix !== '' && lower.startsWith(labels.epicPrefix.toLowerCase()));
}

/** Empties a field: `assignee:`, without the space an emptied value would leave at the end of its line. */
function clearFieldEdits(text: string, key: string): TextEdit[] {
  const fm = findFrontmatter(text);
  const entry = findKey(fm, key);
  if (!entry || entry.endLine !== entry.line) return setFrontmatterFieldEdits(text, key, '');
  const line = splitLines(text)[entry.line];
  const colon = line.lastIndexOf(':', entry.valueColumn - 1);
  // A comment after the value stays: the core's edit keeps it.
  if (colon === -1 || /\s#/.test(line.slice(colon))) return setFrontmatterFieldEdits(text, key, '');
  if (colon + 1 === line.length) return [];
  return [{ offset: lineStartOffsets(text)[entry.line] + colon + 1, length: line.length - colon - 1, newText: '' }];
}

export type PulledField = 'assignee' | 'labels';

export interface FieldChange {
  readonly field: PulledField;
  /** As people read it: `alice, bob`, `nobody`, `none`. */
  readonly from: string;
  readonly to: string;
}

function listOf(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.filter((v) => v !== null && v !== undefined).map((v) => String(v).trim()).filter((v) => v !== '');
  const text = String(value).trim().replace(/^\[([^\]]*)\]$/, '$1');
  return text.split(',').map((v) => v.trim().replace(/^@/, '')).filter((v) => v !== '');
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const key = (list: readonly string[]) => [...new Set(list.map((v) => v.toLowerCase()))].sort().join('\n');
  return key(a) === key(b);
}

/**
 * Mirrors an issue's assignees and labels (the sync's own labels left out) into a
 * directory task file's frontmatter: `assignee: alice` (a list for several) and
 * `labels: [bug, ui]`. A key the file does not have is added only when there is
 * something to write. The single-file layout has no place for them: no change.
 */
export function pullFieldsChange(
  epic: Epic,
  taskId: string,
  issue: { readonly assignees: readonly string[]; readonly labels: readonly string[] },
  read: ReadText,
  labels: SyncLabels = DEFAULT_SYNC_LABELS,
): { readonly change: PlanChange; readonly fields: readonly FieldChange[] } {
  if (epic.layout !== 'directory') return { change: NO_CHANGE, fields: [] };
  const task = epic.tasks.find((t) => t.id === taskId);
  if (!task) throw new PlanEditError(`Epic ${epic.id} has no task ${taskId}.`);
  const text = read(task.path);
  const fm = findFrontmatter(text);
  if (!fm || fm.endLine === -1) return { change: NO_CHANGE, fields: [] };
  const data = normaliseKeys(fm.data, fm.keys);
  const edits: TextEdit[] = [];
  const fields: FieldChange[] = [];

  const assigneeKey = findKey(fm, 'assignee') ? 'assignee' : findKey(fm, 'assignees') ? 'assignees' : undefined;
  const assignees = [...issue.assignees];
  const hadAssignees = listOf(assigneeKey === undefined ? undefined : data[assigneeKey]);
  if (!sameSet(hadAssignees, assignees) && (assigneeKey !== undefined || assignees.length > 0)) {
    if (assignees.length === 0) edits.push(...clearFieldEdits(text, assigneeKey!));
    else edits.push(...setFrontmatterFieldEdits(text, assigneeKey ?? 'assignee', formatYamlValue(assignees.length === 1 ? assignees[0] : assignees)));
    fields.push({ field: 'assignee', from: hadAssignees.join(', ') || 'nobody', to: assignees.join(', ') || 'nobody' });
  }

  const wanted = issue.labels.filter((l) => !isSyncLabel(l, labels));
  const hasLabelsKey = findKey(fm, 'labels') !== undefined;
  const hadLabels = listOf(data.labels);
  if (!sameSet(hadLabels, wanted) && (hasLabelsKey || wanted.length > 0)) {
    edits.push(...setFrontmatterFieldEdits(text, 'labels', formatYamlValue(wanted)));
    fields.push({ field: 'labels', from: hadLabels.join(', ') || 'none', to: wanted.join(', ') || 'none' });
  }
  return { change: fileChange(task.path, edits), fields };
}
