/**
 * The operation plan of a sync (its dry run): from the epic, the sync state and what
 * the tracker holds, the list of writes that bring the tracker in step with the plan,
 * checked against GitHub's limits. The engine runs the same list; what it shows in the
 * preview is what it does.
 *
 * Operations name issues by stable key, since an issue created by an earlier operation
 * of the same run has no number yet when the plan is made. The engine works out each
 * operation's details again just before running it (a body that names a dependency
 * gets that dependency's number, an update that turns out to be needless is left out),
 * so a plan stays right while the run changes the world under it.
 */
import type { ReadText } from '../edits';
import type { Epic, Task } from '../model';
import { numericId } from '../parse/common';
import { taskLabel } from '../taskText';
import type { DesiredEpic, DesiredIssue, DesiredState, SyncLabels, SyncLabelSpec } from './desired';
import { DEFAULT_SYNC_LABELS, desiredEpic, unsyncableReason } from './desired';
import type { SyncLimits } from './limits';
import { durationText, GITHUB_LIMITS, pacedDuration } from './limits';
import { keyBelongsTo, keyKind, stableKey } from './marker';
import type { SyncedIssue, SyncState } from './syncState';
import { issueOfKey } from './syncState';

/** An issue as the plan needs to know it from the tracker. */
export interface RemoteView {
  readonly id: number;
  readonly number: number;
  readonly url: string;
  /** contentHash of its title and body. */
  readonly hash: string;
  readonly state: DesiredState;
  readonly updatedAt: string;
  /** Undefined when the issue was not read again (unchanged since it was last seen in step with the plan). */
  readonly title?: string;
  readonly body?: string;
  /** Undefined likewise: its labels were the ones wanted when it was last seen. */
  readonly labels?: readonly string[];
  /** The stable key of the marker in its body, when its body was read and has one. */
  readonly marker?: string;
}

export interface RemoteSnapshot {
  /** `owner/name` of the repository synced with. */
  readonly repository: string;
  /** The issues the sync looked at, by number. */
  readonly issues: ReadonlyMap<number, RemoteView>;
  /**
   * Whether `issues` holds every issue of the repository (it was listed): then an issue
   * not in it does not exist, and every marker there is to find was read.
   */
  readonly listed: boolean;
  /** Numbers the plan or the state names that the tracker does not have. */
  readonly missing: ReadonlySet<number>;
  /** The repository's label names. */
  readonly labels: readonly string[];
  /** The epic issue's sub-issues in their order (ids); undefined when the epic has no issue yet. */
  readonly subIssues?: readonly number[];
  /** The ids of the issues blocking each issue, by number, for the task issues that exist. */
  readonly blockedBy: ReadonlyMap<number, readonly number[]>;
  /**
   * What was read of the issues those sub-issue and blocked-by lists name, by id: the
   * lists name issues by id only, and may name issues of other repositories.
   */
  readonly linked?: ReadonlyMap<number, LinkedIssueView>;
}

/** An issue met in a sub-issue or blocked-by list. */
export interface LinkedIssueView {
  readonly id: number;
  readonly number: number;
  /** Its web address, which names its repository. */
  readonly url: string;
  /** The stable key of the marker in its body, when it has one. */
  readonly marker?: string;
}

export interface SyncPlanInput {
  readonly epic: Epic;
  readonly read: ReadText;
  readonly state: SyncState;
  readonly remote: RemoteSnapshot;
  readonly labels?: SyncLabels;
  readonly limits?: SyncLimits;
  /** Rename the directory layout's task files to their issue numbers (default true). */
  readonly renameTaskFiles?: boolean;
  /**
   * Whether the tracker can remove a blocked-by link (default true). When it cannot, each
   * link the plan would remove is listed as skipped instead.
   */
  readonly canRemoveBlockedBy?: boolean;
}

export type IssueField = 'title' | 'body';

interface Op {
  /** What the operation is about, in words: `T3 Implement user model`, `the epic`. */
  readonly label: string;
}

export type SyncOperation =
  | (Op & { readonly kind: 'ensure-label'; readonly spec: SyncLabelSpec })
  | (Op & { readonly kind: 'create'; readonly key: string })
  | (Op & { readonly kind: 'adopt'; readonly key: string; readonly number: number })
  | (Op & { readonly kind: 'record'; readonly key: string; readonly number: number })
  | (Op & { readonly kind: 'update'; readonly key: string; readonly number?: number; readonly fields: readonly IssueField[]; readonly confirm?: string; readonly reason: string })
  | (Op & { readonly kind: 'close'; readonly key: string; readonly number?: number })
  | (Op & { readonly kind: 'reopen'; readonly key: string; readonly number: number })
  | (Op & { readonly kind: 'add-labels'; readonly key: string; readonly number: number; readonly labels: readonly string[] })
  | (Op & { readonly kind: 'add-sub-issue'; readonly key: string })
  | (Op & { readonly kind: 'reorder-sub-issues'; readonly moves: number })
  | (Op & { readonly kind: 'add-blocked-by'; readonly key: string; readonly blocking: string })
  /**
   * A link between two of the epic's own task issues that the plan no longer has. The
   * blocking issue is named by id, as the link is, since it may stand for no task now;
   * `blockingLabel` is its task when it stands for one.
   */
  | (Op & { readonly kind: 'remove-blocked-by'; readonly key: string; readonly number: number; readonly blockingId: number; readonly blockingNumber: number; readonly blockingLabel?: string })
  | (Op & { readonly kind: 'rename-task-files'; readonly taskIds: readonly string[] });

export type SyncOperationKind = SyncOperation['kind'];

/** The operations that write to the tracker, and so count against its limits. */
export function isTrackerWrite(op: SyncOperation): boolean {
  return op.kind !== 'adopt' && op.kind !== 'record' && op.kind !== 'rename-task-files';
}

/** How many writes to the tracker an operation makes. */
export function writesOf(op: SyncOperation): number {
  if (op.kind === 'reorder-sub-issues') return op.moves;
  return isTrackerWrite(op) ? 1 : 0;
}

export interface PlanSkip {
  readonly key?: string;
  readonly taskId?: string;
  readonly label: string;
  readonly reason: string;
  /**
   * The preview's whole line, for something the sync leaves alone rather than an
   * operation it leaves out, where `Skip label: reason` would not read right.
   */
  readonly sentence?: string;
}

export interface SyncPlanCounts {
  readonly labels: number;
  readonly creates: number;
  readonly adopts: number;
  readonly records: number;
  readonly updates: number;
  readonly closes: number;
  readonly reopens: number;
  readonly labelAdds: number;
  readonly subIssues: number;
  readonly reorders: number;
  readonly blockedBy: number;
  /** Blocked-by links removed, since the plan no longer has them. */
  readonly blockedByRemovals: number;
  readonly renames: number;
  /** Writes to the tracker, all kinds together. */
  readonly writes: number;
}

export interface SyncPacing {
  readonly writes: number;
  /** Whether the writes exceed what the limits allow at once, so the run waits between them. */
  readonly paced: boolean;
  /** The least time the writes take at the limits' pace. */
  readonly durationMs: number;
}

export interface SyncPlan {
  readonly epicId: string;
  readonly repository: string;
  readonly operations: readonly SyncOperation[];
  /** Issue numbers known before the run, by stable key. */
  readonly bindings: ReadonlyMap<string, number>;
  /** The stable key of each task the plan syncs, by task id. */
  readonly keys: ReadonlyMap<string, string>;
  readonly desired: DesiredEpic;
  readonly skipped: readonly PlanSkip[];
  readonly counts: SyncPlanCounts;
  readonly pacing: SyncPacing;
  /** Why the plan cannot run, each naming the limit or the problem; empty when it can. */
  readonly refusals: readonly string[];
}

// ---------------------------------------------------------------------------------
// Decisions shared with the engine, which makes them again just before each write.

export type ContentDecision =
  /** The tracker already has the wanted title and body. */
  | { readonly action: 'in-sync' }
  /** The plan has not changed since the last push: nothing to write, whatever GitHub holds. */
  | { readonly action: 'none' }
  | { readonly action: 'update'; readonly fields: readonly IssueField[] }
  /** The issue was changed on the tracker since the sync last wrote it: ask before overwriting. */
  | { readonly action: 'confirm'; readonly fields: readonly IssueField[]; readonly why: string };

function time(iso: string): number {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? 0 : t;
}

/**
 * Whether an existing issue's title and body need writing. `record` is the sync
 * state's entry for it; `pending` the hash of a create of this key that was never
 * recorded. An issue whose text is neither what the sync last pushed nor what a lost
 * create sent was edited by someone: it is not overwritten without asking.
 */
export function decideContent(desired: Pick<DesiredIssue, 'hash' | 'title'>, record: SyncedIssue | undefined, pending: string | undefined, remote: RemoteView): ContentDecision {
  if (remote.hash === desired.hash) return { action: 'in-sync' };
  if (record && record.hash === desired.hash) return { action: 'none' };
  const fields = fieldsToWrite(desired, remote);
  const pushed = record?.hash ?? pending;
  if (pushed !== undefined && remote.hash === pushed) return { action: 'update', fields };
  // Text that differs only in a way the hash cannot see through, on an issue nobody has
  // touched since it was last seen in step (its `updated_at` is the one recorded).
  if (record && time(remote.updatedAt) <= time(record.updatedAt)) return { action: 'update', fields };
  return {
    action: 'confirm',
    fields,
    why: record
      ? `it was edited on GitHub since the last sync (updated ${remote.updatedAt}, last synced ${record.updatedAt})`
      : 'the sync has no record of writing its current text',
  };
}

function fieldsToWrite(desired: Pick<DesiredIssue, 'title'>, remote: RemoteView): IssueField[] {
  if (remote.title === undefined) return ['title', 'body'];
  const fields: IssueField[] = [];
  if (remote.title.trim() !== desired.title) fields.push('title');
  // The body is what differs whenever the title does not account for the difference.
  fields.push('body');
  return fields;
}

export type StateDecision = { readonly action: 'none' | 'close' | 'reopen' } | { readonly action: 'skip'; readonly reason: string };

/**
 * Whether an existing issue needs closing or reopening. A state changed on GitHub while
 * the plan kept the one last pushed is left for a pull to bring into the plan.
 */
export function decideState(desired: DesiredState, record: SyncedIssue | undefined, remote: Pick<RemoteView, 'state'>): StateDecision {
  if (remote.state === desired) return { action: 'none' };
  if (record && record.state === desired) {
    return { action: 'skip', reason: `it was ${remote.state === 'closed' ? 'closed' : 'reopened'} on GitHub; a pull brings that into the plan` };
  }
  if (desired === 'closed') return { action: 'close' };
  if (record) return { action: 'reopen' };
  return { action: 'skip', reason: 'it is closed on GitHub, and the sync never recorded closing it; a pull brings that into the plan' };
}

/** Wanted labels an issue lacks, compared as GitHub does, whatever the case. */
export function missingLabels(wanted: readonly string[], has: readonly string[] | undefined): string[] {
  if (has === undefined) return [];
  const present = new Set(has.map((l) => l.toLowerCase()));
  return wanted.filter((l) => !present.has(l.toLowerCase()));
}

/**
 * The moves that put `desired` in order within `current` (which may hold other items,
 * left where they are): each move places an item right after another. The first
 * desired item stays put, since a move can only place an item after another one; the
 * longest run already in order after it stays too, and the rest move.
 */
export function subIssueMoves<T>(current: readonly T[], desired: readonly T[]): Array<{ readonly item: T; readonly after: T }> {
  if (desired.length < 2) return [];
  const position = new Map(current.map((item, i) => [item, i] as const));
  const first = position.get(desired[0]);
  if (first === undefined) return desired.slice(1).map((item, i) => ({ item, after: desired[i] }));
  // Longest increasing run (by current position) among the items after the first.
  const candidates = desired.slice(1).map((item, i) => ({ item, index: i + 1, at: position.get(item) ?? -1 })).filter((c) => c.at > first);
  const tails: number[] = [];
  const tailIndex: number[] = [];
  const previous: number[] = new Array(candidates.length).fill(-1);
  candidates.forEach((c, i) => {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (tails[mid] < c.at) lo = mid + 1;
      else hi = mid;
    }
    tails[lo] = c.at;
    tailIndex[lo] = i;
    previous[i] = lo > 0 ? tailIndex[lo - 1] : -1;
  });
  const kept = new Set<T>([desired[0]]);
  for (let i = tails.length > 0 ? tailIndex[tails.length - 1] : -1; i !== -1; i = previous[i]) kept.add(candidates[i].item);
  const moves: Array<{ item: T; after: T }> = [];
  for (let i = 1; i < desired.length; i++) if (!kept.has(desired[i])) moves.push({ item: desired[i], after: desired[i - 1] });
  return moves;
}

/** `owner/name` of an issue or repository URL (`https://host/owner/name/issues/3`), else undefined. */
export function repositoryOfUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const match = /^https?:\/\/[^/\s]+\/(?:api\/v3\/repos\/)?([^/\s]+)\/([^/\s]+?)(?:\.git)?(?:\/(?:issues|pull)\/\d+)?\/?(?:[#?].*)?$/.exec(url.trim());
  return match ? `${match[1]}/${match[2]}` : undefined;
}

function sameRepository(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

// ---------------------------------------------------------------------------------

/** Which issue stands for each task and for the epic, as far as it is known before the run. */
interface Binding {
  readonly key: string;
  readonly number?: number;
  /** How the number was found: written in the plan, recorded in the state, found by marker, or to be created. */
  readonly source: 'plan' | 'state' | 'marker' | 'create';
}

export function planSync(input: SyncPlanInput): SyncPlan {
  const { epic, read, state, remote } = input;
  const limits = input.limits ?? GITHUB_LIMITS;
  const labelNames = input.labels ?? DEFAULT_SYNC_LABELS;
  const refusals: string[] = [];
  const skipped: PlanSkip[] = [];
  const repo = remote.repository;

  if (state.repository !== undefined && !sameRepository(state.repository, repo)) {
    refusals.push(
      `The sync state (.autopm/sync.json) belongs to ${state.repository}, not ${repo}: this workspace syncs with ${state.repository}. Sync with that repository, or move the state file away to start over with ${repo}.`,
    );
  }

  const seen = new Map<string, Task>();
  for (const task of epic.tasks) {
    const twin = seen.get(task.id);
    if (twin) refusals.push(`Two tasks have the id ${task.id} (${twin.path}:${twin.range.line + 1} and ${task.path}:${task.range.line + 1}); give each its own before syncing.`);
    else seen.set(task.id, task);
  }
  const linkedElsewhere = (url: string | undefined) => {
    const other = repositoryOfUrl(url);
    return other !== undefined && !sameRepository(other, repo) ? other : undefined;
  };
  const epicElsewhere = /\/issues\/\d+/.test(epic.github ?? '') ? linkedElsewhere(epic.github) : undefined;
  if (epicElsewhere) refusals.push(`The epic's issue is ${epic.github}, on ${epicElsewhere}, not on ${repo}.`);
  for (const task of epic.tasks) {
    const other = linkedElsewhere(task.githubUrl);
    if (other) refusals.push(`Task ${taskLabel(task)} is linked to ${task.githubUrl}, on ${other}, not on ${repo}.`);
  }

  // ---- Bindings: plan-linked tasks first, so that the others know which numbers are taken.
  const syncable = epic.tasks.filter((t) => {
    const reason = unsyncableReason(t);
    if (reason) skipped.push({ taskId: t.id, label: taskLabel(t), reason });
    return reason === undefined;
  });
  const owner = new Map<number, string>();
  const keyTaken = new Set<string>();
  const bindings = new Map<string, Binding>();
  const unavailable = new Set<string>();
  const recordKey = (n: number) => state.issues.get(n)?.key;

  const bindLinked = (id: string | undefined, number: number, label: string): Binding | undefined => {
    const defaultKey = stableKey(epic.id, id);
    const recorded = recordKey(number);
    if (recorded !== undefined && !keyBelongsTo(recorded, epic.id)) {
      refusals.push(`${label} is linked to #${number}, which the sync state records as the issue of ${recorded}, another epic.`);
      return undefined;
    }
    // A marker of another epic's issue is replaced by this one's when the body is next written.
    const marker = remote.issues.get(number)?.marker;
    const key = recorded ?? (marker !== undefined && keyBelongsTo(marker, epic.id) ? marker : defaultKey);
    const twin = owner.get(number);
    if (twin !== undefined) {
      refusals.push(`${label} and ${twin === stableKey(epic.id) ? 'the epic' : twin} are both linked to #${number}.`);
      return undefined;
    }
    if (keyTaken.has(key)) {
      refusals.push(`${label} (#${number}) stands for ${key}, which another issue of this epic stands for too.`);
      return undefined;
    }
    owner.set(number, id === undefined ? stableKey(epic.id) : label);
    keyTaken.add(key);
    if (remote.missing.has(number) || (remote.listed && !remote.issues.has(number))) unavailable.add(key);
    return { key, number, source: 'plan' };
  };

  /** An unlinked task or epic: its recorded issue, an issue carrying its marker, or a new one. */
  const bindUnlinked = (id: string | undefined, label: string): Binding => {
    const base = stableKey(epic.id, id);
    for (let n = 1; ; n++) {
      // A key another issue already stands for (a task id used again after a rename) gets a suffix.
      const key = n === 1 ? base : `${base}.${n}`;
      if (keyTaken.has(key)) continue;
      const record = [...state.issues].find(([, issue]) => issue.key === key);
      if (record) {
        if (owner.has(record[0])) continue;
        keyTaken.add(key);
        owner.set(record[0], label);
        if (remote.missing.has(record[0]) || (remote.listed && !remote.issues.has(record[0]))) {
          // The recorded issue is gone (deleted or transferred): a new one stands for the task.
          return { key, source: 'create' };
        }
        return { key, number: record[0], source: 'state' };
      }
      const marked = [...remote.issues.values()].filter((i) => i.marker === key).sort((a, b) => a.number - b.number);
      const free = marked.filter((i) => !owner.has(i.number));
      if (marked.length > 0 && free.length === 0) continue;
      keyTaken.add(key);
      if (free.length > 0) {
        owner.set(free[0].number, label);
        for (const twin of free.slice(1)) {
          skipped.push({ key, label: `#${twin.number}`, reason: `it carries the same marker as #${free[0].number} (${key}), which stands for ${label}; close it as a duplicate` });
        }
        return { key, number: free[0].number, source: 'marker' };
      }
      return { key, source: 'create' };
    }
  };

  const taskBindings = new Map<string, Binding>();
  for (const task of syncable) {
    if (task.issue === undefined) continue;
    const binding = bindLinked(task.id, task.issue, taskLabel(task));
    if (binding) taskBindings.set(task.id, binding);
  }
  const epicIssue = epicElsewhere ? undefined : epicIssueNumber(epic);
  let epicBinding = epicIssue !== undefined ? bindLinked(undefined, epicIssue, 'The epic') : undefined;
  for (const task of syncable) if (!taskBindings.has(task.id)) taskBindings.set(task.id, bindUnlinked(task.id, taskLabel(task)));
  epicBinding ??= bindUnlinked(undefined, 'the epic');
  for (const [, b] of taskBindings) bindings.set(b.key, b);
  bindings.set(epicBinding.key, epicBinding);

  const keys = new Map<string, string>();
  for (const [taskId, b] of taskBindings) keys.set(taskId, b.key);
  const numbers = new Map<string, number>();
  for (const b of bindings.values()) if (b.number !== undefined) numbers.set(b.key, b.number);

  const desired = desiredEpic({
    epic,
    read,
    keyOf: (task) => keys.get(task.id),
    numberOf: (key) => numbers.get(key),
    labels: labelNames,
  });
  for (const s of desired.skipped) if (!skipped.some((k) => k.taskId === s.taskId)) skipped.push({ taskId: s.taskId, label: s.taskId, reason: s.reason });
  const byKey = new Map<string, DesiredIssue>([...desired.tasks, desired.epic].map((d) => [d.key, d]));
  const labelOf = (key: string) => {
    const d = byKey.get(key);
    if (!d || d.kind === 'epic') return 'the epic';
    const task = epic.tasks.find((t) => t.id === d.taskId);
    return task ? taskLabel(task) : key;
  };

  // ---- Hard limits that do not depend on the tracker.
  for (const d of [...desired.tasks, desired.epic]) {
    if (d.body.length > limits.bodyLength) {
      refusals.push(`The issue body of ${labelOf(d.key)} would be ${d.body.length.toLocaleString('en-US')} characters; GitHub allows at most ${limits.bodyLength.toLocaleString('en-US')} in an issue body.`);
    }
  }
  const specs = new Map<string, SyncLabelSpec>();
  for (const spec of desired.labels) if (!specs.has(spec.name.toLowerCase())) specs.set(spec.name.toLowerCase(), spec);
  for (const spec of specs.values()) {
    if (spec.name.length > limits.labelNameLength) {
      refusals.push(`The label "${spec.name}" is ${spec.name.length} characters long; GitHub allows at most ${limits.labelNameLength} in a label name (choose a shorter label prefix or epic id).`);
    }
  }

  // ---- Operations.
  const ops: SyncOperation[] = [];
  const repoLabels = new Set(remote.labels.map((l) => l.toLowerCase()));
  for (const spec of specs.values()) if (!repoLabels.has(spec.name.toLowerCase())) ops.push({ kind: 'ensure-label', spec, label: spec.name });

  const created = new Set<string>();
  const bindOps = (b: Binding, d: DesiredIssue) => {
    const label = labelOf(d.key);
    if (b.source === 'create') {
      created.add(d.key);
      ops.push({ kind: 'create', key: d.key, label });
      if (d.state === 'closed') ops.push({ kind: 'close', key: d.key, label });
    } else if (b.source === 'marker') {
      ops.push({ kind: 'adopt', key: d.key, number: b.number!, label });
    } else if (b.source === 'state') {
      ops.push({ kind: 'record', key: d.key, number: b.number!, label });
    }
  };
  for (const d of desired.tasks) bindOps(taskBindings.get(d.taskId!)!, d);
  bindOps(epicBinding, desired.epic);

  // Existing issues: content, state, labels.
  const createdAfter = (key: string, dep: string) => {
    const order = desired.tasks.map((t) => t.key);
    return created.has(dep) && order.indexOf(dep) > order.indexOf(key);
  };
  for (const d of [...desired.tasks, desired.epic]) {
    const label = labelOf(d.key);
    if (unavailable.has(d.key)) {
      const n = numbers.get(d.key);
      skipped.push({ key: d.key, label, reason: `#${n} is not an issue of ${repo} (deleted, transferred, or a pull request)` });
      continue;
    }
    if (created.has(d.key)) {
      // Its body names dependencies created after it: their numbers go in once they exist.
      // The epic is created after every task, so its task list is whole from the start.
      if (d.kind === 'task' && d.unresolved.some((dep) => createdAfter(d.key, dep))) ops.push({ kind: 'update', key: d.key, fields: ['body'], reason: 'its dependencies get issue numbers after it is created', label });
      continue;
    }
    const n = numbers.get(d.key)!;
    const view = remote.issues.get(n);
    if (!view) continue;
    const record = state.issues.get(n);
    const decision = decideContent(d, record?.key === d.key ? record : undefined, state.pending.get(d.key), view);
    if (d.unresolved.length > 0 || decision.action === 'update' || decision.action === 'confirm') {
      ops.push({
        kind: 'update',
        key: d.key,
        number: n,
        fields: decision.action === 'update' || decision.action === 'confirm' ? decision.fields : ['body'],
        reason: d.unresolved.length === 0 ? 'the plan changed' : d.kind === 'epic' ? 'its task list gets the new issues' : 'its dependencies get issue numbers',
        ...(decision.action === 'confirm' ? { confirm: decision.why } : {}),
        label,
      });
    }
    const stateDecision = decideState(d.state, record?.key === d.key ? record : undefined, view);
    if (stateDecision.action === 'close') ops.push({ kind: 'close', key: d.key, number: n, label });
    else if (stateDecision.action === 'reopen') ops.push({ kind: 'reopen', key: d.key, number: n, label });
    else if (stateDecision.action === 'skip') skipped.push({ key: d.key, label, reason: `not ${d.state === 'closed' ? 'closed' : 'reopened'}: ${stateDecision.reason}` });
    const lacking = missingLabels(d.labels, view.labels);
    if (lacking.length > 0) ops.push({ kind: 'add-labels', key: d.key, number: n, labels: lacking, label });
  }

  // Sub-issues, in plan order, under the epic's issue.
  const idOf = (key: string): number | undefined => {
    const n = numbers.get(key);
    return n === undefined ? undefined : remote.issues.get(n)?.id;
  };
  const linkable = desired.tasks.filter((d) => !unavailable.has(d.key));
  const own = ownTaskIssues(epic.id, repo, state, remote, desired.tasks.map((d) => ({ key: d.key, number: numbers.get(d.key), id: idOf(d.key) })));
  /** The issues a task the plan still has, but syncs no more (an emptied file), may have. */
  const issuesOfSkippedTask = (task: Task): Set<number> => {
    const out = new Set<number>();
    if (task.issue !== undefined) out.add(task.issue);
    const recorded = issueOfKey(state, stableKey(epic.id, task.id));
    if (recorded) out.add(recorded.number);
    // A directory task file is named by its issue's number once synced.
    const fileNumber = epic.layout === 'directory' ? numericId(task.id) : undefined;
    if (fileNumber !== undefined) out.add(fileNumber);
    return out;
  };
  const ofSkippedTasks = new Set(epic.tasks.filter((t) => unsyncableReason(t) !== undefined).flatMap((t) => [...issuesOfSkippedTask(t)]));
  if (!unavailable.has(desired.epic.key)) {
    const children = remote.subIssues ?? [];
    const childSet = new Set(children);
    // A task removed from the plan leaves its issue, and the issue's place under the
    // epic's, to the people who may still want it: the sync never closes or unlinks it.
    const planIds = new Set(linkable.map((d) => idOf(d.key)));
    for (const id of children) {
      const issue = own.get(id);
      if (planIds.has(id) || !issue || ofSkippedTasks.has(issue.number)) continue;
      skipped.push({
        label: `#${issue.number}`,
        reason: 'it is a sub-issue of the epic but no longer a task of the plan: left as it is',
        sentence: `#${issue.number} is a sub-issue of the epic but no longer a task of the plan: left as it is`,
      });
    }
    const adds = linkable.filter((d) => {
      const id = idOf(d.key);
      return id === undefined || !childSet.has(id);
    });
    for (const d of adds) ops.push({ kind: 'add-sub-issue', key: d.key, label: labelOf(d.key) });
    const total = children.length + adds.length;
    if (total > limits.subIssuesPerParent) {
      refusals.push(
        `The epic's issue would have ${total} sub-issues (${children.length} already there, closed ones included, and ${adds.length} to add); GitHub allows at most ${limits.subIssuesPerParent} sub-issues per parent issue. Split the epic.`,
      );
    }
    // GitHub appends a new sub-issue at the end: the order after the adds, by key.
    const keyOfId = new Map<number, string>();
    for (const d of linkable) {
      const id = idOf(d.key);
      if (id !== undefined) keyOfId.set(id, d.key);
    }
    const after = [...children.map((id) => keyOfId.get(id) ?? `#id:${id}`), ...adds.map((d) => d.key)];
    const moves = subIssueMoves(after, linkable.map((d) => d.key));
    if (moves.length > 0) ops.push({ kind: 'reorder-sub-issues', moves: moves.length, label: 'the epic' });
  }

  /**
   * The issue numbers a task's dependencies name other than through a task that syncs:
   * `#12`, or a task of the plan that gets no issue now (its link stays until it syncs again).
   */
  const namedIssues = (task: Task): Set<number> => {
    const out = new Set<number>();
    for (const dep of task.dependsOn) {
      const other = epic.tasks.find((t) => t.id === dep);
      if (other) {
        if (unsyncableReason(other) !== undefined) for (const number of issuesOfSkippedTask(other)) out.add(number);
        continue;
      }
      const number = /^#?(\d+)$/.exec(dep.trim());
      if (number) out.add(Number(number[1]));
    }
    return out;
  };

  // Blocked-by links: each dependency of the plan, between the two issues; and each link
  // between two of the epic's own task issues that the plan no longer has, removed, since
  // the plan is what they follow. Links to any other issue were made by someone else and
  // stay. Every removal comes before every addition, so that a dependency replaced by
  // another never meets GitHub's cap on the way.
  const removals: SyncOperation[] = [];
  const additions: SyncOperation[] = [];
  const canRemove = input.canRemoveBlockedBy !== false;
  const blocking = new Map<string, number>();
  for (const d of linkable) {
    const n = numbers.get(d.key);
    const existing = n === undefined ? [] : remote.blockedBy.get(n) ?? [];
    const existingSet = new Set(existing);
    const wanted = new Set<number>();
    let adds = 0;
    for (const dep of d.blockedBy) {
      if (unavailable.has(dep) || !byKey.has(dep)) continue;
      blocking.set(dep, (blocking.get(dep) ?? 0) + 1);
      const depId = idOf(dep);
      if (depId !== undefined) wanted.add(depId);
      if (depId !== undefined && existingSet.has(depId)) continue;
      adds++;
      additions.push({ kind: 'add-blocked-by', key: d.key, blocking: dep, label: labelOf(d.key) });
    }
    let removes = 0;
    if (n !== undefined) {
      const task = epic.tasks.find((t) => t.id === d.taskId)!;
      const named = namedIssues(task);
      for (const id of existing) {
        const blocker = own.get(id);
        if (wanted.has(id) || !blocker || named.has(blocker.number)) continue;
        const stands = blocker.key !== undefined && byKey.has(blocker.key) && numbers.get(blocker.key) === blocker.number;
        const op: SyncOperation = {
          kind: 'remove-blocked-by',
          key: d.key,
          number: n,
          blockingId: id,
          blockingNumber: blocker.number,
          ...(stands ? { blockingLabel: labelOf(blocker.key!) } : {}),
          label: labelOf(d.key),
        };
        if (canRemove) {
          removals.push(op);
          removes++;
        } else {
          skipped.push({ key: d.key, label: labelOf(d.key), reason: `#${n} stays blocked by #${blocker.number} on ${repo}, though the plan no longer lists that dependency: this tracker cannot remove dependencies` });
        }
      }
    }
    // What the issue holds once the removals are made, and the additions.
    const after = existing.length - removes + adds;
    if (after > limits.dependenciesPerKind) {
      refusals.push(`${labelOf(d.key)} would be blocked by ${after} issues; GitHub allows at most ${limits.dependenciesPerKind} dependencies of a kind (blocked by) per issue.`);
    }
  }
  ops.push(...removals, ...additions);
  for (const [dep, count] of blocking) {
    if (count > limits.dependenciesPerKind) {
      refusals.push(`${labelOf(dep)} would block ${count} issues; GitHub allows at most ${limits.dependenciesPerKind} dependencies of a kind (blocking) per issue.`);
    }
  }

  // Directory layout: task files take their issue's number once every task has one.
  if (epic.layout === 'directory' && input.renameTaskFiles !== false) {
    const renamed = desired.tasks.filter((d) => {
      if (unavailable.has(d.key)) return false;
      const n = numbers.get(d.key);
      return n === undefined || numericId(d.taskId!) !== n;
    });
    if (renamed.length > 0) ops.push({ kind: 'rename-task-files', taskIds: renamed.map((d) => d.taskId!), label: `${renamed.length} task file${renamed.length === 1 ? '' : 's'}` });
  }

  const count = (kind: SyncOperationKind) => ops.filter((o) => o.kind === kind).length;
  const writes = ops.reduce((sum, op) => sum + writesOf(op), 0);
  const counts: SyncPlanCounts = {
    labels: count('ensure-label'),
    creates: count('create'),
    adopts: count('adopt'),
    records: count('record'),
    updates: count('update'),
    closes: count('close'),
    reopens: count('reopen'),
    labelAdds: count('add-labels'),
    subIssues: count('add-sub-issue'),
    reorders: ops.reduce((sum, op) => sum + (op.kind === 'reorder-sub-issues' ? op.moves : 0), 0),
    blockedBy: count('add-blocked-by'),
    blockedByRemovals: count('remove-blocked-by'),
    renames: ops.reduce((sum, op) => sum + (op.kind === 'rename-task-files' ? op.taskIds.length : 0), 0),
    writes,
  };
  return {
    epicId: epic.id,
    repository: repo,
    operations: ops,
    bindings: numbers,
    keys,
    desired,
    skipped,
    counts,
    pacing: { writes, paced: writes > limits.writesPerMinute, durationMs: pacedDuration(writes, limits) },
    refusals,
  };
}

/** The epic's issue number, from its `github` field when that names an issue. */
export function epicIssueNumber(epic: Epic): number | undefined {
  const match = /(?:\/issues\/|^#)(\d+)\s*$/.exec(epic.github?.trim() ?? '');
  return match ? Number(match[1]) : undefined;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** One operation in words, for the preview and the progress of a run. */
export function describeOperation(op: SyncOperation, plan: Pick<SyncPlan, 'desired'>): string {
  switch (op.kind) {
    case 'ensure-label':
      return `Create the label "${op.spec.name}"`;
    case 'create':
      return `Create an issue for ${op.label}`;
    case 'adopt':
      return `Link ${op.label} to #${op.number}, found by its marker`;
    case 'record':
      return `Write #${op.number} into the plan for ${op.label}`;
    case 'update':
      return `Update the ${op.fields.join(' and ')} of ${op.number !== undefined ? `#${op.number} ` : ''}(${op.label}): ${op.reason}${op.confirm ? `; asks first, as ${op.confirm}` : ''}`;
    case 'close':
      return `Close ${op.number !== undefined ? `#${op.number} ` : 'the issue of '}(${op.label}) as completed`;
    case 'reopen':
      return `Reopen #${op.number} (${op.label})`;
    case 'add-labels':
      return `Label #${op.number} (${op.label}) ${op.labels.join(', ')}`;
    case 'add-sub-issue':
      return `Add ${op.label} as a sub-issue of the epic's issue`;
    case 'reorder-sub-issues':
      return `Reorder the epic's sub-issues to plan order (${plural(op.moves, 'move')})`;
    case 'add-blocked-by':
      return `Mark ${op.label} as blocked by ${labelFromKey(plan, op.blocking)}`;
    case 'remove-blocked-by':
      return `Remove the link that has #${op.number} (${op.label}) blocked by #${op.blockingNumber} (${op.blockingLabel ?? 'no task of the plan now'}): the plan no longer lists that dependency`;
    case 'rename-task-files':
      return `Rename ${op.label} to their issue numbers (${op.taskIds.map((id) => `${id}.md`).join(', ')})`;
  }
}

/** The preview: what the plan will do, in lines for the person who asked, limits and pacing last. */
export function describeSyncPlan(plan: SyncPlan, limits: SyncLimits = GITHUB_LIMITS): string[] {
  const lines = plan.operations.map((op) => describeOperation(op, plan));
  if (lines.length === 0) lines.push(`Nothing to do: ${plan.epicId} is in step with ${plan.repository}.`);
  for (const skip of plan.skipped) lines.push(skip.sentence ?? `Skip ${skip.label}: ${skip.reason}`);
  const c = plan.counts;
  // Removals are rare: named only when there are some.
  const removals = c.blockedByRemovals > 0 ? `, ${plural(c.blockedByRemovals, 'dependency', 'dependencies')} to remove` : '';
  lines.push(
    `${plural(c.creates, 'issue')} to create, ${plural(c.updates, 'update')}, ${plural(c.subIssues, 'sub-issue link')}, ${plural(c.blockedBy, 'dependency', 'dependencies')}${removals}, ${plural(c.labels, 'label')}: ${plural(c.writes, 'write')} to ${plan.repository}.`,
  );
  if (plan.pacing.paced) {
    lines.push(
      `GitHub allows about ${limits.writesPerMinute} content-creating requests a minute and ${limits.writesPerHour} an hour, so the sync spaces its ${c.writes} writes out: it takes at least ${durationText(plan.pacing.durationMs)}.`,
    );
  } else if (plan.pacing.durationMs >= 5000) {
    lines.push(`GitHub asks for a pause between writes, so the sync takes at least ${durationText(plan.pacing.durationMs)}.`);
  }
  for (const refusal of plan.refusals) lines.push(`Cannot sync: ${refusal}`);
  return lines;
}

/**
 * The epic's own task issues, by id, with their numbers and the keys they stand for: the
 * plan's task issues, and every issue the sync state or a marker names as a task of this
 * epic. An issue of another repository is never one of them, whatever its body says.
 */
function ownTaskIssues(
  epicId: string,
  repository: string,
  state: SyncState,
  remote: RemoteSnapshot,
  planned: ReadonlyArray<{ readonly key: string; readonly number?: number; readonly id?: number }>,
): Map<number, { readonly number: number; readonly key?: string }> {
  const own = new Map<number, { number: number; key?: string }>();
  const ours = (key: string | undefined): key is string => key !== undefined && keyKind(key) === 'task' && keyBelongsTo(key, epicId);
  for (const [number, record] of state.issues) if (ours(record.key)) own.set(record.id, { number, key: record.key });
  for (const view of remote.issues.values()) if (ours(view.marker)) own.set(view.id, { number: view.number, key: view.marker });
  const linked = [...(remote.linked?.values() ?? [])];
  const elsewhere = (view: LinkedIssueView) => {
    const other = repositoryOfUrl(view.url);
    return other !== undefined && !sameRepository(other, repository);
  };
  for (const view of linked) if (!elsewhere(view) && ours(view.marker) && !own.has(view.id)) own.set(view.id, { number: view.number, key: view.marker });
  for (const p of planned) if (p.id !== undefined && p.number !== undefined) own.set(p.id, { number: p.number, key: p.key });
  for (const view of linked) if (elsewhere(view)) own.delete(view.id);
  return own;
}

function labelFromKey(plan: Pick<SyncPlan, 'desired'>, key: string): string {
  const d = plan.desired.tasks.find((t) => t.key === key);
  return d ? `${d.taskId} ${d.title}` : key;
}
