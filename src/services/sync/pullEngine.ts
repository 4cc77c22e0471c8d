/**
 * The pull side of the GitHub sync: brings the state, assignees and labels of the
 * issues a sync recorded back into the plan files (the decisions and edits are in
 * src/core/sync/pullPlan.ts). The rules it keeps:
 * - Reads are conditional: each issue is asked for with the ETag recorded for it, and a
 *   304 (which costs no rate limit) means there is nothing to bring in. A pull never
 *   writes to the tracker.
 * - Nothing is overwritten silently. When the plan and the issue both moved since the
 *   last sync and disagree, `confirmConflict` is asked; without it the plan is left as
 *   it is and the conflict is reported. Every edit made is reported, from → to, with why.
 * - Each issue's edits are written first and its record in the state file right after,
 *   so a failure at any point leaves every issue either pulled and recorded or not
 *   touched, and a rerun finishes.
 * - The records are moved on so that the next push sees no change of the plan for what
 *   was pulled, and the next pull gets 304s. `updated_at` and the ETag move on only while
 *   the issue's text is the one the sync pushed, as the push expects: otherwise an edit
 *   made on GitHub would no longer be noticed before being overwritten.
 *
 * Issues are read a few at a time (the reads are independent) and applied one by one, in
 * plan order, the epic last.
 */
import type { PlanChange, ReadText } from '../../core/edits';
import { isoNow, PlanEditError } from '../../core/edits';
import type { Epic, Task } from '../../core/model';
import type { SyncLabels } from '../../core/sync/desired';
import { contentHash, DEFAULT_SYNC_LABELS, epicLabel, unsyncableReason } from '../../core/sync/desired';
import { keyBelongsTo } from '../../core/sync/marker';
import type { FieldChange, IssueStateView, PlanStateView, PulledField } from '../../core/sync/pullPlan';
import {
  decidePull,
  describeIssueState,
  describePlanState,
  epicPlanState,
  issueStateView,
  mergeChanges,
  planStateOfIssue,
  pullEpicChange,
  pullFieldsChange,
  pullTaskChange,
  taskPlanState,
} from '../../core/sync/pullPlan';
import { epicIssueNumber, missingLabels, repositoryOfUrl } from '../../core/sync/syncPlan';
import type { SyncedIssue, SyncState } from '../../core/sync/syncState';
import { parseSyncState, serializeSyncState, SyncStateError } from '../../core/sync/syncState';
import { taskLabel } from '../../core/taskText';
import type { Conditional, Tracker, TrackerIssue } from '../tracker';
import { TrackerError } from '../tracker';
import type { PlanAccess, PlanSnapshot, SyncProgress, SyncStateStore } from './syncEngine';

/** How a conflict is settled: the plan's state kept (the next push sends it), the issue's taken, or neither, to ask again next time. */
export type ConflictAnswer = 'plan' | 'tracker' | 'skip';

/** What `confirmConflict` is told about a task (or the epic) changed on both sides since the last sync. */
export interface PullConflictQuestion {
  readonly epicId: string;
  /** The task (`T4 Redirect endpoint with Redis cache`) or `the epic`. */
  readonly label: string;
  readonly number: number;
  readonly url: string;
  /** What the plan says now: `done`, `done (not planned)`, `in progress`, `open`. */
  readonly plan: string;
  /** What the issue says now: `open`, `closed as completed`, `closed as not planned`. */
  readonly tracker: string;
  /** What the plan would say if the issue's state were taken. */
  readonly trackerInPlan: string;
  /** The issue's state at the last sync. */
  readonly lastSynced: 'open' | 'closed';
  /** The whole situation in a sentence. */
  readonly why: string;
}

export interface PullOptions {
  readonly tracker: Tracker;
  readonly plan: PlanAccess;
  readonly state: SyncStateStore;
  /**
   * `owner/name` the tracker talks to. When the state file names another repository,
   * nothing is pulled. (Given by the caller, which knows it: asking the tracker would
   * cost a request that a 304 cannot answer.)
   */
  readonly repository?: string;
  readonly signal?: AbortSignal;
  /** The labels the sync manages, which the plan does not mirror. */
  readonly labels?: SyncLabels;
  readonly onProgress?: (progress: SyncProgress) => void;
  /** One line per step; the caller adds its component prefix. */
  readonly log?: (line: string) => void;
  /** Asked when the plan and the issue both changed since the last sync and disagree; without it, nothing is overwritten. */
  readonly confirmConflict?: (question: PullConflictQuestion) => Promise<ConflictAnswer>;
  /** The time a directory task's `updated` field is given; now unless told. */
  readonly now?: () => string;
  /** How many issues are read at once; 4 unless told. */
  readonly concurrency?: number;
}

export interface PullWorkspaceOptions extends Omit<PullOptions, 'plan'> {
  /** The workspace's epics; those without recorded issues are passed over. */
  readonly plans: readonly PlanAccess[];
}

export interface PullChange {
  readonly epicId: string;
  /** The task (`T3 Link table and slug generator`) or `the epic`. */
  readonly label: string;
  readonly number: number;
  readonly url: string;
  readonly field: 'state' | PulledField;
  /** As people read it: `open`, `done (not planned)`, `alice, bob`, `nobody`, `none`. */
  readonly from: string;
  readonly to: string;
  /** `closed as completed on GitHub`, `assigned on GitHub`, `taken from GitHub, as chosen`. */
  readonly why: string;
}

export interface PullConflict extends PullConflictQuestion {
  /** `plan` and `tracker` as answered; `skipped` when the answer was to skip; `unresolved` when there was no one to ask. */
  readonly resolution: 'plan' | 'tracker' | 'skipped' | 'unresolved';
}

export interface PullSkip {
  readonly epicId: string;
  readonly label: string;
  readonly number?: number;
  readonly reason: string;
}

export type PullOutcome = 'done' | 'refused' | 'failed' | 'cancelled';

export interface PullResult {
  readonly outcome: PullOutcome;
  /** What happened, in plain English, for the person who asked. */
  readonly message: string;
  /** `owner/name`. */
  readonly repository?: string;
  /** The epics that had recorded issues to pull. */
  readonly epics: readonly string[];
  readonly changed: readonly PullChange[];
  readonly conflicts: readonly PullConflict[];
  readonly skipped: readonly PullSkip[];
  /** Issues read from the tracker. */
  readonly reads: number;
  /** Of those, how many answered "not modified" (304). */
  readonly notModified: number;
}

interface MutableResult {
  outcome: PullOutcome;
  message: string;
  repository?: string;
  epics: string[];
  changed: PullChange[];
  conflicts: PullConflict[];
  skipped: PullSkip[];
  reads: number;
  notModified: number;
}

/** Pulls one epic: every task (and the epic) whose issue the sync recorded. */
export function pullEpic(options: PullOptions): Promise<PullResult> {
  const { plan, ...rest } = options;
  return runPull(rest, [plan], true);
}

/**
 * Pulls every epic of a workspace that has recorded issues, reading each issue
 * conditionally: an unchanged issue costs a request but no rate limit, and the records
 * let the pull read only the issues it knows instead of listing the whole repository
 * (whose pages are never "not modified" and each cost against the limit).
 */
export function pullWorkspace(options: PullWorkspaceOptions): Promise<PullResult> {
  const { plans, ...rest } = options;
  return runPull(rest, plans, false);
}

type CommonOptions = Omit<PullOptions, 'plan'>;

class Cancelled extends Error {}

function checkSignal(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new Cancelled('The pull was cancelled.');
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

async function runPull(options: CommonOptions, plans: readonly PlanAccess[], single: boolean): Promise<PullResult> {
  const result: MutableResult = { outcome: 'done', message: '', epics: [], changed: [], conflicts: [], skipped: [], reads: 0, notModified: 0 };
  const log = options.log ?? (() => undefined);
  let run: PullRun | undefined;
  try {
    checkSignal(options.signal);
    const stateText = await options.state.load();
    const state = parseSyncState(stateText);
    result.repository = state.repository ?? options.repository;
    if (options.repository !== undefined && state.repository !== undefined && state.repository.toLowerCase() !== options.repository.toLowerCase()) {
      result.outcome = 'refused';
      result.message = `The sync state (.autopm/sync.json) belongs to ${state.repository}, not ${options.repository}: nothing was pulled. Pull from ${state.repository}, or move the state file away to start over.`;
      return result;
    }
    run = new PullRun(options, state, stateText, result, log);
    await run.execute(plans, single);
    result.message = doneMessage(result, run.emptyEpics, single);
  } catch (error) {
    const cancelled = error instanceof Cancelled || (error instanceof TrackerError && error.kind === 'cancelled') || options.signal?.aborted === true;
    result.outcome = cancelled ? 'cancelled' : 'failed';
    const saved = result.changed.length === 0 ? '' : ` The ${plural(result.changed.length, 'change')} pulled before it ${result.changed.length === 1 ? 'is' : 'are'} saved.`;
    if (cancelled) result.message = `The pull was cancelled.${saved} Pull again to finish.`;
    else if (error instanceof TrackerError) result.message = `${error.message}${saved} Pull again to finish.`;
    else if (error instanceof SyncStateError || error instanceof PlanEditError) result.message = error.message;
    else result.message = error instanceof Error ? error.message : String(error);
    log(result.message);
  } finally {
    if (run) {
      try {
        await run.saveState();
      } catch (error) {
        // The first error is the one to report; this one is logged.
        log(`Could not save the sync state: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
  return result;
}

function doneMessage(result: MutableResult, emptyEpics: readonly string[], single: boolean): string {
  const repo = result.repository ?? 'GitHub';
  if (result.epics.length === 0) {
    if (single && emptyEpics.length > 0) return `Nothing to pull: no issue of ${emptyEpics[0]} has been synced from this workspace yet.`;
    return 'Nothing to pull: no epic of this workspace has issues synced from it yet.';
  }
  const where = result.epics.length === 1 ? result.epics[0] : plural(result.epics.length, 'epic');
  const parts: string[] = [];
  if (result.changed.length === 0) {
    parts.push(
      result.notModified === result.reads
        ? `Nothing to pull: the ${plural(result.reads, 'issue')} of ${where} are unchanged on ${repo} since the last sync.`
        : `Nothing changed in ${where}: ${plural(result.reads, 'issue')} read from ${repo}, ${result.notModified} unchanged since the last sync.`,
    );
  } else {
    const shown = result.changed.slice(0, 3).map((c) => `${c.label}${result.epics.length > 1 ? ` (${c.epicId})` : ''} ${c.field === 'state' ? '' : `${c.field} `}${c.from} → ${c.to}`);
    const more = result.changed.length - shown.length;
    parts.push(`Pulled ${plural(result.changed.length, 'change')} from ${repo} into ${where}: ${shown.join('; ')}${more > 0 ? `; and ${more} more` : ''}.`);
  }
  const open = result.conflicts.filter((c) => c.resolution === 'skipped' || c.resolution === 'unresolved');
  const settled = result.conflicts.length - open.length;
  if (settled > 0) parts.push(`${plural(settled, 'conflict')} settled as chosen.`);
  for (const c of open) parts.push(`Left as it is: ${c.why}; pull again to choose.`);
  if (result.skipped.length > 0) parts.push(`${plural(result.skipped.length, 'issue')} skipped.`);
  return parts.join(' ');
}

/** One issue to pull: a task's or the epic's, with its record at the start of the run. */
interface Item {
  readonly plan: number;
  readonly kind: 'task' | 'epic';
  readonly number: number;
  readonly label: string;
  readonly record: SyncedIssue;
}

type Answer = Conditional<TrackerIssue> | { readonly missing: true };

/** Runs `jobs` with at most `limit` at once; each promise settles with its job. */
function pooled<T>(jobs: ReadonlyArray<() => Promise<T>>, limit: number): Promise<T>[] {
  let active = 0;
  const waiting: Array<() => void> = [];
  const slot = (): Promise<void> => {
    if (active < limit) {
      active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => waiting.push(resolve));
  };
  const release = (): void => {
    const next = waiting.shift();
    if (next) next();
    else active--;
  };
  return jobs.map((job) => {
    const promise = slot().then(job).finally(release);
    // Read ahead: a failure is reported when its item's turn comes, or not at all after the run stopped.
    promise.catch(() => undefined);
    return promise;
  });
}

class PullRun {
  private readonly issues: Map<number, SyncedIssue>;
  private readonly labels: SyncLabels;
  private readonly now: () => string;
  private snapshots: PlanSnapshot[] = [];
  /** Epics read that had nothing recorded to pull. */
  readonly emptyEpics: string[] = [];
  private step = 0;
  private total = 0;

  constructor(
    private readonly options: CommonOptions,
    private readonly state: SyncState,
    private savedText: string | undefined,
    private readonly result: MutableResult,
    private readonly log: (line: string) => void,
  ) {
    this.issues = new Map(state.issues);
    this.labels = options.labels ?? DEFAULT_SYNC_LABELS;
    this.now = options.now ?? (() => isoNow());
  }

  async saveState(): Promise<void> {
    const text = serializeSyncState({ ...this.state, issues: this.issues });
    if (text === this.savedText) return;
    await this.options.state.save(text);
    this.savedText = text;
  }

  private skip(epicId: string, label: string, reason: string, number?: number): void {
    this.log(`Skipped ${label}${number !== undefined ? ` (#${number})` : ''}: ${reason}`);
    this.result.skipped.push({ epicId, label, reason, ...(number !== undefined ? { number } : {}) });
  }

  /** The issues of an epic the state file records, tasks in plan order and the epic last. */
  private itemsOf(plan: number, epic: Epic): Item[] {
    const items: Item[] = [];
    const seen = new Set<number>();
    const add = (kind: Item['kind'], number: number, label: string): void => {
      const record = this.issues.get(number);
      if (seen.has(number)) return this.skip(epic.id, label, `#${number} is linked to another task of ${epic.id} too`, number);
      seen.add(number);
      if (!record) return this.skip(epic.id, label, `#${number} has no record in .autopm/sync.json (it was not synced from this workspace); a sync records it`, number);
      if (!keyBelongsTo(record.key, epic.id)) return this.skip(epic.id, label, `#${number} is recorded as the issue of ${record.key}, not of ${epic.id}`, number);
      if (record.kind !== kind) return this.skip(epic.id, label, `#${number} is recorded as ${record.kind === 'epic' ? 'an epic' : 'a task'}'s issue`, number);
      items.push({ plan, kind, number, label, record });
    };
    const repository = this.state.repository;
    for (const task of epic.tasks) {
      if (task.issue === undefined) continue;
      const reason = unsyncableReason(task);
      const elsewhere = repositoryOfUrl(task.githubUrl);
      if (reason) this.skip(epic.id, taskLabel(task), reason, task.issue);
      else if (elsewhere !== undefined && repository !== undefined && elsewhere.toLowerCase() !== repository.toLowerCase()) {
        this.skip(epic.id, taskLabel(task), `it is linked to ${task.githubUrl}, on ${elsewhere}, not on ${repository}`, task.issue);
      } else add('task', task.issue, taskLabel(task));
    }
    const epicNumber = epicIssueNumber(epic);
    if (epicNumber !== undefined) add('epic', epicNumber, 'the epic');
    return items;
  }

  async execute(plans: readonly PlanAccess[], single: boolean): Promise<void> {
    const signal = this.options.signal;
    this.snapshots = [];
    const readable: PlanAccess[] = [];
    for (const plan of plans) {
      checkSignal(signal);
      try {
        this.snapshots.push(await plan.read());
        readable.push(plan);
      } catch (error) {
        // One epic gone from the workspace since it was listed does not stop the others.
        if (single || !(error instanceof PlanEditError)) throw error;
        this.skip('', 'an epic', error.message);
      }
    }
    const items: Item[] = [];
    this.snapshots.forEach((snapshot, i) => {
      const own = this.itemsOf(i, snapshot.epic);
      if (own.length === 0) this.emptyEpics.push(snapshot.epic.id);
      else this.result.epics.push(snapshot.epic.id);
      items.push(...own);
    });
    if (items.length === 0) return;
    this.total = items.length;
    this.log(`Reading ${plural(items.length, 'issue')} of ${single ? this.result.epics[0] : plural(this.result.epics.length, 'epic')}, each with the ETag recorded for it`);

    // Reads ahead stop with the run: a failure or a cancellation leaves none in flight.
    const stop = new AbortController();
    const onAbort = (): void => stop.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const answers = pooled(
        items.map((item) => () => this.read(item, stop.signal)),
        Math.max(1, this.options.concurrency ?? 4),
      );
      for (let i = 0; i < items.length; i++) {
        checkSignal(signal);
        const item = items[i];
        this.step = i + 1;
        const message = `Pulling #${item.number} (${item.label})`;
        this.options.onProgress?.({ step: this.step, total: this.total, message });
        const answer = await answers[i];
        // Read ahead, the answer may have come before a cancel that it must not outrun.
        checkSignal(signal);
        this.result.reads++;
        await this.pull(readable[item.plan], item, answer);
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
      stop.abort();
    }
  }

  private async read(item: Item, signal: AbortSignal): Promise<Answer> {
    try {
      return await this.options.tracker.getIssue(item.number, item.record.etag, signal);
    } catch (error) {
      if (error instanceof TrackerError && error.kind === 'not-found') return { missing: true };
      throw error;
    }
  }

  private wantedLabels(kind: Item['kind'], epicId: string): string[] {
    return [kind === 'epic' ? this.labels.epic : this.labels.task, epicLabel(epicId, this.labels)];
  }

  private async pull(plan: PlanAccess, item: Item, answer: Answer): Promise<void> {
    const snapshot = this.snapshots[item.plan];
    const epic = snapshot.epic;
    if ('missing' in answer) {
      return this.skip(epic.id, item.label, `#${item.number} is no longer an issue of ${this.result.repository ?? 'the repository'} (deleted or transferred)`, item.number);
    }
    if (!answer.changed) {
      this.result.notModified++;
      this.log(`#${item.number} (${item.label}) is unchanged since the last sync`);
      return;
    }
    const issue = answer.value;
    const record = this.issues.get(item.number) ?? item.record;
    // Found again by number: a pull before this one in the run may have re-read the epic.
    const task: Task | undefined = item.kind === 'task' ? epic.tasks.find((t) => t.issue === item.number) : undefined;
    if (item.kind === 'task' && !task) return this.skip(epic.id, item.label, `no task of ${epic.id} links to #${item.number} any more`, item.number);

    const planView: PlanStateView = task ? taskPlanState(epic, task.id, snapshot.read) : epicPlanState(epic, snapshot.read);
    const issueView: IssueStateView = issueStateView(issue.state, issue.stateReason);
    const decision = decidePull(planView, record.state, issueView);

    let target: PlanStateView | undefined;
    let why = '';
    // Whether the record moves on; it stays as it was for a conflict left open, so the next pull asks again.
    let settled = true;
    switch (decision.action) {
      case 'none':
      case 'agree':
        break;
      case 'take':
        // A reopened epic is one being worked on again: its status says in progress.
        target = !task && decision.to.state === 'open' ? { state: 'in-progress' } : decision.to;
        why = decision.why;
        break;
      case 'conflict': {
        const takes = planStateOfIssue(issueView, planView);
        const question: PullConflictQuestion = {
          epicId: epic.id,
          label: item.label,
          number: item.number,
          url: issue.url,
          plan: describePlanState(planView),
          tracker: describeIssueState(issueView),
          trackerInPlan: describePlanState(takes),
          lastSynced: record.state,
          why: `${item.label} (#${item.number}) was ${decision.why}`,
        };
        const asked = this.options.confirmConflict ? await this.options.confirmConflict(question) : undefined;
        const resolution = asked === 'plan' || asked === 'tracker' ? asked : asked === 'skip' ? 'skipped' : 'unresolved';
        this.result.conflicts.push({ ...question, resolution });
        this.log(`Conflict: ${question.why}; ${resolution === 'plan' ? 'the plan is kept' : resolution === 'tracker' ? "GitHub's state is taken" : 'left as it is'}`);
        if (resolution === 'tracker') {
          target = !task && takes.state === 'open' ? { state: 'in-progress' } : takes;
          why = `${describeIssueState(issueView)} on GitHub, taken as chosen`;
        }
        settled = resolution === 'plan' || resolution === 'tracker';
        break;
      }
    }

    let fields: readonly FieldChange[] = [];
    let stateEdited = false;
    const compute = (read: ReadText): PlanChange => {
      const parts: PlanChange[] = [];
      if (target) {
        // The decision was made on the text read before; a state changed since is not overwritten.
        const now = task ? taskPlanState(epic, task.id, read) : epicPlanState(epic, read);
        if (now.state !== planView.state || now.reason !== planView.reason) {
          throw new PlanEditError(`${task ? task.path : epic.path} changed while it was being pulled; it is left for the next pull.`);
        }
        const change = task ? pullTaskChange(epic, task.id, target, read, this.now()) : pullEpicChange(epic, target, read);
        stateEdited = change.edits.length > 0;
        parts.push(change);
      }
      if (task) {
        const mirrored = pullFieldsChange(epic, task.id, issue, read, this.labels);
        fields = mirrored.fields;
        parts.push(mirrored.change);
      }
      return mergeChanges(...parts);
    };
    try {
      if (compute(snapshot.read).edits.length > 0) {
        const paths = task ? [task.path, epic.path] : [epic.path];
        await plan.apply(paths, compute);
        this.snapshots[item.plan] = await plan.read();
      }
    } catch (error) {
      // A file that changed meanwhile (each PlanAccess has its own error for it), or that
      // cannot take the edit: nothing of this issue is recorded, so the next pull tries again.
      if (error instanceof Cancelled || error instanceof TrackerError || !(error instanceof Error)) throw error;
      return this.skip(epic.id, item.label, `not written: ${error.message}`, item.number);
    }

    const base = { epicId: epic.id, label: item.label, number: item.number, url: issue.url };
    if (target && stateEdited) {
      this.result.changed.push({ ...base, field: 'state', from: describePlanState(planView), to: describePlanState(target), why });
      this.log(`${item.label}: ${describePlanState(planView)} → ${describePlanState(target)} (${why})`);
    }
    for (const f of fields) {
      this.result.changed.push({ ...base, field: f.field, from: f.from, to: f.to, why: f.field === 'assignee' ? 'assigned on GitHub' : 'labelled on GitHub' });
      this.log(`${item.label}: ${f.field} ${f.from} → ${f.to}`);
    }
    if (settled) await this.record(item, record, issue, answer.etag, epic.id);
  }

  /**
   * Moves the record on to what the issue holds: its state (so the push sees the plan in
   * step, or, when the plan was kept in a conflict, sees the plan's state to send), and
   * while its text is the sync's own, its `updated_at` and the ETag of this answer.
   */
  private async record(item: Item, record: SyncedIssue, issue: TrackerIssue, etag: string | undefined, epicId: string): Promise<void> {
    const ownText = contentHash(issue.title, issue.body) === record.hash;
    // An ETag stands for "as recorded" in the push's eyes too, labels included.
    const vouched = ownText && etag !== undefined && missingLabels(this.wantedLabels(item.kind, epicId), issue.labels).length === 0;
    const next: SyncedIssue = {
      key: record.key,
      kind: record.kind,
      id: record.id,
      hash: record.hash,
      state: issue.state,
      updatedAt: ownText ? issue.updatedAt : record.updatedAt,
      ...(vouched ? { etag } : {}),
    };
    if (next.state === record.state && next.updatedAt === record.updatedAt && next.etag === record.etag) return;
    this.issues.set(item.number, next);
    await this.saveState();
  }
}
