/**
 * The push side of the GitHub sync: runs an epic's operation plan (src/core/sync) against
 * a `Tracker`. The rules it keeps:
 * - Every issue number goes into the plan the moment the issue exists, and the sync
 *   state is saved right after, so that a failure at any point leaves the files and the
 *   tracker consistent and a rerun resumes.
 * - A create is never repeated blind. Before anything is created, when some task has no
 *   recorded issue, the repository's issues are listed once and those carrying a
 *   task's marker are adopted; after a create fails in a way that may have reached the
 *   server, the issues are listed again before the create is tried again.
 * - An issue changed on the tracker since the sync last wrote it is not overwritten
 *   without asking (`confirmOverwrite`).
 * - A sync of a plan already in step makes no writes: it reads (conditionally, with the
 *   ETags it recorded) and compares.
 *
 * The engine sees neither VS Code nor the file system: the plan comes through
 * `PlanAccess`, the state file through `SyncStateStore`.
 */
import type { PlanChange, ReadText } from '../../core/edits';
import { attachIssueChange, PlanEditError, renameAfterSyncChange } from '../../core/edits';
import { isToolFormat } from '../../core/model';
import { toolFormatError } from '../../core/toolFormatEdits';
import type { Epic, Task } from '../../core/model';
import { numericId } from '../../core/parse/common';
import type { DesiredEpic, DesiredIssue, DesiredState, SyncLabels } from '../../core/sync/desired';
import { contentHash, DEFAULT_SYNC_LABELS, desiredEpic, unsyncableReason } from '../../core/sync/desired';
import { attachEpicIssueChange } from '../../core/sync/epicLink';
import type { SyncLimits } from '../../core/sync/limits';
import { GITHUB_LIMITS } from '../../core/sync/limits';
import { findMarker, keyBelongsTo, stableKey } from '../../core/sync/marker';
import type { IssueField, LinkedIssueView, RemoteSnapshot, RemoteView, SyncOperation, SyncPlan } from '../../core/sync/syncPlan';
import { decideContent, decideState, describeOperation, describeSyncPlan, epicIssueNumber, missingLabels, planSync, subIssueMoves } from '../../core/sync/syncPlan';
import type { SyncedIssue, SyncState } from '../../core/sync/syncState';
import { parseSyncState, serializeSyncState, SyncStateError } from '../../core/sync/syncState';
import type { Tracker, TrackerIssue, TrackerRepository } from '../tracker';
import { TrackerError } from '../tracker';
import type { SyncClock } from './writePacer';
import { systemClock, WritePacer } from './writePacer';

/** The epic as its files say now, and a reader of those files' current text. */
export interface PlanSnapshot {
  readonly epic: Epic;
  readonly read: ReadText;
}

/**
 * How the engine reads and edits the plan. The CLI implements it with Node's file
 * system and a PlanIndex (see nodeSyncAccess.ts), the extension with its PlanEditor.
 */
export interface PlanAccess {
  /** The epic being synced, as its files say now (read again after every `apply`). */
  read(): Promise<PlanSnapshot>;
  /**
   * Reads `paths` (the files the change may touch), computes the change from their
   * current text and writes it; throws when a file changed meanwhile.
   */
  apply(paths: readonly string[], compute: (read: ReadText) => PlanChange): Promise<void>;
}

/** Where the sync state file lives. */
export interface SyncStateStore {
  /** The file's text, or undefined when there is none yet. */
  load(): Promise<string | undefined>;
  save(text: string): Promise<void>;
}

export interface FieldChange {
  readonly field: IssueField;
  /** What the tracker holds. */
  readonly tracker: string;
  /** What the plan would write. */
  readonly plan: string;
}

/** What `confirmOverwrite` is told about an issue changed on the tracker since the last sync. */
export interface OverwriteQuestion {
  /** The task (`T3 Implement user model`) or `the epic`. */
  readonly label: string;
  readonly key: string;
  /** Why it is asked: `it was edited on GitHub since the last sync (...)`. */
  readonly why: string;
  readonly changes: readonly FieldChange[];
}

export interface SyncProgress {
  /** 1-based. */
  readonly step: number;
  readonly total: number;
  readonly message: string;
}

export interface SyncOptions {
  readonly tracker: Tracker;
  readonly plan: PlanAccess;
  readonly state: SyncStateStore;
  readonly signal?: AbortSignal;
  readonly labels?: SyncLabels;
  readonly limits?: SyncLimits;
  /** Rename the directory layout's task files to their issue numbers once all have one (default true). */
  readonly renameTaskFiles?: boolean;
  readonly onProgress?: (progress: SyncProgress) => void;
  /** One line per step, read and write; the caller adds its component prefix. */
  readonly log?: (line: string) => void;
  /**
   * Asked before overwriting an issue that was changed on the tracker since the sync last
   * wrote it; without it, such an issue is never overwritten.
   */
  readonly confirmOverwrite?: (issue: TrackerIssue, question: OverwriteQuestion) => Promise<boolean>;
  /** Asked before the first write of a workspace that has never synced; without it, the repository given is taken. */
  readonly confirmRepository?: (repository: TrackerRepository) => Promise<boolean>;
  /** The clock and the waits of the pacer (tests replace it). */
  readonly clock?: SyncClock;
  /**
   * The preview someone confirmed (`SyncResult.preview` of `previewSync`): when the plan
   * worked out for the run says anything else, nothing is written and the run is refused,
   * so that what runs is what was confirmed.
   */
  readonly confirmedPreview?: readonly string[];
}

export interface SyncItem {
  /** The task (`T3 Implement user model`), `the epic`, or a label or file. */
  readonly label: string;
  readonly number?: number;
  readonly url?: string;
  readonly detail?: string;
}

export type SyncOutcome = 'done' | 'refused' | 'failed' | 'cancelled';

export interface SyncResult {
  readonly outcome: SyncOutcome;
  /** Why it was refused, failed or cancelled, for the person who asked. */
  readonly message?: string;
  /** `owner/name`. */
  readonly repository?: string;
  readonly plan?: SyncPlan;
  /** The dry run's lines (describeSyncPlan), also for a sync that ran. */
  readonly preview: readonly string[];
  readonly created: readonly SyncItem[];
  /** Issues found by their marker (after a failure, or a run that died) and linked instead of created. */
  readonly adopted: readonly SyncItem[];
  /** Numbers written back into the plan from the sync state. */
  readonly recorded: readonly SyncItem[];
  readonly updated: readonly SyncItem[];
  readonly closed: readonly SyncItem[];
  readonly reopened: readonly SyncItem[];
  readonly labelled: readonly SyncItem[];
  /** Labels created in the repository. */
  readonly labels: readonly SyncItem[];
  /** Sub-issue and blocked-by links made, blocked-by links removed, and reorders. */
  readonly linked: readonly SyncItem[];
  readonly renamed: readonly SyncItem[];
  readonly skipped: readonly SyncItem[];
  /** Writes sent to the tracker. */
  readonly writes: number;
}

interface MutableResult {
  outcome: SyncOutcome;
  message?: string;
  repository?: string;
  plan?: SyncPlan;
  preview: string[];
  created: SyncItem[];
  adopted: SyncItem[];
  recorded: SyncItem[];
  updated: SyncItem[];
  closed: SyncItem[];
  reopened: SyncItem[];
  labelled: SyncItem[];
  labels: SyncItem[];
  linked: SyncItem[];
  renamed: SyncItem[];
  skipped: SyncItem[];
  writes: number;
}

function emptyResult(): MutableResult {
  return {
    outcome: 'done',
    preview: [],
    created: [],
    adopted: [],
    recorded: [],
    updated: [],
    closed: [],
    reopened: [],
    labelled: [],
    labels: [],
    linked: [],
    renamed: [],
    skipped: [],
    writes: 0,
  };
}

/** How many times a write that failed without an answer is tried, looking first whether it happened. */
const ATTEMPTS = 3;

/** What the planner needs of an issue as the tracker holds it. */
export function remoteViewOf(issue: TrackerIssue): RemoteView {
  return {
    id: issue.id,
    number: issue.number,
    url: issue.url,
    hash: contentHash(issue.title, issue.body),
    state: issue.state,
    updatedAt: issue.updatedAt,
    title: issue.title,
    body: issue.body,
    labels: issue.labels,
    marker: findMarker(issue.body)?.key,
  };
}

/** What the planner needs of an issue named in a sub-issue or blocked-by list. */
function linkedViewOf(issue: TrackerIssue): LinkedIssueView {
  return { id: issue.id, number: issue.number, url: issue.url, marker: findMarker(issue.body)?.key };
}

/** An issue the tracker answered 304 for: unchanged since it was recorded in step with the plan. */
function viewFromRecord(number: number, record: SyncedIssue, repositoryUrl: string): RemoteView {
  return { id: record.id, number, url: `${repositoryUrl.replace(/\/+$/, '')}/issues/${number}`, hash: record.hash, state: record.state, updatedAt: record.updatedAt, marker: record.key };
}

interface MutableState {
  repository?: string;
  readonly issues: Map<number, SyncedIssue>;
  readonly pending: Map<string, string>;
}

function toSyncState(state: MutableState): SyncState {
  return { version: 1, repository: state.repository, issues: state.issues, pending: state.pending };
}

interface Prepared {
  readonly repository: TrackerRepository;
  readonly stateText: string | undefined;
  readonly state: SyncState;
  readonly snapshot: PlanSnapshot;
  readonly remote: RemoteSnapshot;
  readonly full: Map<number, TrackerIssue>;
  readonly plan: SyncPlan;
}

class Cancelled extends Error {}

function checkSignal(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new Cancelled('The sync was cancelled.');
}

/** Reads everything the plan needs from the plan files, the state file and the tracker: GETs only. */
async function prepare(options: SyncOptions, log: (line: string) => void): Promise<Prepared | { refused: string; repository?: TrackerRepository }> {
  const { tracker, signal } = options;
  const repository = await tracker.repository(signal);
  if (!repository.hasIssues) return { refused: `Issues are turned off for ${repository.fullName}; turn them on in its settings to sync.`, repository };
  if (!repository.canWrite) {
    return { refused: `The signed-in account cannot create or label issues in ${repository.fullName}: it needs push or triage permission.`, repository };
  }
  const stateText = await options.state.load();
  const state = parseSyncState(stateText);
  const snapshot = await options.plan.read();
  const { epic, read } = snapshot;
  // Another tool's file has nowhere to keep issue numbers in its own format.
  if (isToolFormat(epic.layout)) return { refused: toolFormatError(epic, 'sync it to GitHub issues').message, repository };
  const ours = (key: string) => keyBelongsTo(key, epic.id);

  const named = new Set<number>();
  for (const task of epic.tasks) if (task.issue !== undefined && !unsyncableReason(task)) named.add(task.issue);
  const epicNumber = epicIssueNumber(epic);
  if (epicNumber !== undefined) named.add(epicNumber);
  for (const [number, record] of state.issues) if (ours(record.key)) named.add(number);
  // A task or the epic without an issue in the plan may have one already that a failed
  // run never recorded: the whole list is read once, to find it by its marker.
  const needList =
    epicNumber === undefined || epic.tasks.some((t) => t.issue === undefined && !unsyncableReason(t)) || [...state.pending.keys()].some(ours);

  const issues = new Map<number, RemoteView>();
  const full = new Map<number, TrackerIssue>();
  const missing = new Set<number>();
  if (needList) {
    log(`Listing the issues of ${repository.fullName} to find issues created before`);
    for (const issue of await tracker.listIssues({}, signal)) {
      issues.set(issue.number, remoteViewOf(issue));
      full.set(issue.number, issue);
    }
    for (const n of named) if (!issues.has(n)) missing.add(n);
  } else {
    for (const n of [...named].sort((a, b) => a - b)) {
      checkSignal(signal);
      const record = state.issues.get(n);
      const mine = record && ours(record.key) ? record : undefined;
      try {
        const answer = await tracker.getIssue(n, mine?.etag, signal);
        if (!answer.changed) issues.set(n, viewFromRecord(n, mine!, repository.url));
        else {
          issues.set(n, remoteViewOf(answer.value));
          full.set(n, answer.value);
        }
      } catch (error) {
        if (error instanceof TrackerError && error.kind === 'not-found') missing.add(n);
        else throw error;
      }
    }
  }
  const labels = await tracker.listLabels(signal);
  const base: RemoteSnapshot = { repository: repository.fullName, issues, listed: needList, missing, labels, blockedBy: new Map() };
  const input = {
    epic,
    read,
    state,
    labels: options.labels,
    limits: options.limits,
    renameTaskFiles: options.renameTaskFiles,
    canRemoveBlockedBy: typeof tracker.removeBlockedBy === 'function',
  };
  // A first plan tells which issue is the epic's and which tasks' issues exist, so that
  // only their links are read.
  const first = planSync({ ...input, remote: base });
  const epicIssue = first.bindings.get(stableKey(epic.id));
  const linked = new Map<number, LinkedIssueView>();
  let subIssues: number[] | undefined;
  if (epicIssue !== undefined && issues.has(epicIssue)) {
    const children = await tracker.listSubIssues(epicIssue, signal);
    for (const child of children) linked.set(child.id, linkedViewOf(child));
    subIssues = children.map((i) => i.id);
  }
  // The blockers of every task's issue are read, of a task without dependencies too: a
  // dependency dropped from the plan shows only there.
  const blockedBy = new Map<number, readonly number[]>();
  for (const d of first.desired.tasks) {
    const n = first.bindings.get(d.key);
    if (n === undefined || !issues.has(n)) continue;
    checkSignal(signal);
    const blockers = await tracker.listBlockedBy(n, signal);
    for (const blocker of blockers) linked.set(blocker.id, linkedViewOf(blocker));
    blockedBy.set(n, blockers.map((i) => i.id));
  }
  const remote: RemoteSnapshot = { ...base, subIssues, blockedBy, linked };
  return { repository, stateText, state, snapshot, remote, full, plan: planSync({ ...input, remote }) };
}

/** `wrote`: whether the sync had begun writing, and so whether running it again resumes. */
function failureMessage(error: unknown, wrote: boolean): string {
  if (error instanceof TrackerError) {
    return wrote ? `${error.message} Run the sync again to resume: every issue made so far is recorded in the plan.` : `${error.message} Nothing was written.`;
  }
  if (error instanceof SyncStateError || error instanceof PlanEditError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

function isCancellation(error: unknown, signal: AbortSignal | undefined): boolean {
  return error instanceof Cancelled || (error instanceof TrackerError && error.kind === 'cancelled') || signal?.aborted === true;
}

/** The dry run: what a sync would do, checked against GitHub's limits. Reads only. */
export async function previewSync(options: SyncOptions): Promise<SyncResult> {
  const result = emptyResult();
  const log = options.log ?? (() => undefined);
  try {
    const prepared = await prepare(options, log);
    if ('refused' in prepared) return { ...result, outcome: 'refused', message: prepared.refused, repository: prepared.repository?.fullName, preview: [prepared.refused] };
    const { plan } = prepared;
    result.repository = prepared.repository.fullName;
    result.plan = plan;
    result.preview = describeSyncPlan(plan, options.limits);
    for (const skip of plan.skipped) result.skipped.push({ label: skip.label, detail: skip.reason });
    if (plan.refusals.length > 0) return { ...result, outcome: 'refused', message: plan.refusals.join(' ') };
    return result;
  } catch (error) {
    return { ...result, outcome: isCancellation(error, options.signal) ? 'cancelled' : 'failed', message: failureMessage(error, false) };
  }
}

/** Runs the sync: the preview's operations, each worked out again just before it is made. */
export async function runSync(options: SyncOptions): Promise<SyncResult> {
  const result = emptyResult();
  const log = options.log ?? (() => undefined);
  let run: SyncRun | undefined;
  try {
    const prepared = await prepare(options, log);
    if ('refused' in prepared) return { ...result, outcome: 'refused', message: prepared.refused, repository: prepared.repository?.fullName, preview: [prepared.refused] };
    const { plan, repository } = prepared;
    result.repository = repository.fullName;
    result.plan = plan;
    result.preview = describeSyncPlan(plan, options.limits);
    if (plan.refusals.length > 0) return { ...result, outcome: 'refused', message: plan.refusals.join(' ') };
    const confirmed = options.confirmedPreview;
    if (confirmed && (confirmed.length !== result.preview.length || confirmed.some((line, i) => line !== result.preview[i]))) {
      return { ...result, outcome: 'refused', message: 'The plan or GitHub changed since the preview was confirmed; nothing was written. Sync again to see what it would do now.' };
    }
    if (prepared.state.repository === undefined && options.confirmRepository && !(await options.confirmRepository(repository))) {
      return { ...result, outcome: 'cancelled', message: `Not synced: ${repository.fullName} was not confirmed as this workspace's repository.` };
    }
    run = new SyncRun(options, prepared, result, log);
    await run.execute();
    return result;
  } catch (error) {
    result.outcome = isCancellation(error, options.signal) ? 'cancelled' : 'failed';
    result.message = result.outcome === 'cancelled' ? 'The sync was cancelled; run it again to finish: every issue made so far is recorded in the plan.' : failureMessage(error, run !== undefined);
    log(result.message);
    return result;
  } finally {
    if (run) {
      try {
        await run.saveState();
      } catch (error) {
        // The first error is the one to report; this one is logged.
        log(`Could not save the sync state: ${error instanceof Error ? error.message : String(error)}`);
      }
      result.writes = run.writes;
    }
  }
}

class SyncRun {
  private readonly tracker: Tracker;
  private readonly signal: AbortSignal | undefined;
  private readonly labelNames: SyncLabels;
  private readonly pacer: WritePacer;
  private readonly plan: SyncPlan;
  private snapshot: PlanSnapshot;
  /** Issue numbers known so far, by stable key. */
  private readonly bound: Map<string, number>;
  private readonly views: Map<number, RemoteView>;
  private readonly full: Map<number, TrackerIssue>;
  private readonly state: MutableState;
  private savedText: string | undefined;
  private readonly repositoryUrl: string;
  /** The epic issue's sub-issues (ids), as they are known to be. */
  private readonly children: number[];

  constructor(
    private readonly options: SyncOptions,
    prepared: Prepared,
    private readonly result: MutableResult,
    private readonly log: (line: string) => void,
  ) {
    this.tracker = options.tracker;
    this.signal = options.signal;
    this.labelNames = options.labels ?? DEFAULT_SYNC_LABELS;
    this.plan = prepared.plan;
    this.snapshot = prepared.snapshot;
    this.bound = new Map(prepared.plan.bindings);
    this.views = new Map(prepared.remote.issues);
    this.full = new Map(prepared.full);
    this.state = {
      repository: prepared.state.repository ?? prepared.repository.fullName,
      issues: new Map(prepared.state.issues),
      pending: new Map(prepared.state.pending),
    };
    this.savedText = prepared.stateText;
    this.repositoryUrl = prepared.repository.url;
    this.children = [...(prepared.remote.subIssues ?? [])];
    this.pacer = new WritePacer(options.clock ?? systemClock, options.limits ?? GITHUB_LIMITS, (_ms, message) => {
      this.log(message);
      this.progress(message);
    });
  }

  get writes(): number {
    return this.pacer.count;
  }

  private step = 0;
  private total = 0;

  private progress(message: string): void {
    this.options.onProgress?.({ step: Math.max(1, this.step), total: this.total, message });
  }

  async execute(): Promise<void> {
    const ops = this.plan.operations;
    this.total = ops.length + 1;
    for (const op of ops) {
      checkSignal(this.signal);
      this.step++;
      const message = describeOperation(op, this.plan);
      this.progress(message);
      this.log(message);
      await this.run(op);
    }
    this.step = this.total;
    this.progress('Checking the issues against the plan');
    await this.verify();
    await this.saveState();
  }

  async saveState(): Promise<void> {
    const text = serializeSyncState(toSyncState(this.state));
    if (text === this.savedText) return;
    await this.options.state.save(text);
    this.savedText = text;
  }

  // ---- what is known ------------------------------------------------------------

  private get epic(): Epic {
    return this.snapshot.epic;
  }

  private keyOfNumber(number: number): string | undefined {
    for (const [key, n] of this.bound) if (n === number) return key;
    return undefined;
  }

  /** The stable key of a task: by its issue once it has one (task ids change when files are renamed). */
  private keyOfTask(task: Task): string | undefined {
    return (task.issue !== undefined ? this.keyOfNumber(task.issue) : undefined) ?? this.plan.keys.get(task.id);
  }

  private desired(): DesiredEpic {
    return desiredEpic({
      epic: this.epic,
      read: this.snapshot.read,
      keyOf: (task) => this.keyOfTask(task),
      numberOf: (key) => this.bound.get(key),
      labels: this.labelNames,
    });
  }

  private find(key: string): DesiredIssue | undefined {
    const desired = this.desired();
    return key === desired.epic.key ? desired.epic : desired.tasks.find((t) => t.key === key);
  }

  private record(number: number, key: string): SyncedIssue | undefined {
    const record = this.state.issues.get(number);
    return record?.key === key ? record : undefined;
  }

  private setRecord(number: number, record: SyncedIssue): void {
    // One issue per key: an issue recorded before for this key (deleted since) gives way.
    for (const [n, other] of this.state.issues) if (other.key === record.key && n !== number) this.state.issues.delete(n);
    this.state.issues.set(number, record);
  }

  private async write<T>(what: () => Promise<T>): Promise<T> {
    checkSignal(this.signal);
    await this.pacer.beforeWrite(this.signal);
    return what();
  }

  /**
   * A write that creates something (a label, a link), sent once: when it fails without
   * an answer it may have happened anyway, so `happened` is asked before it is sent again.
   */
  private async writeOnce(what: () => Promise<void>, happened: () => Promise<boolean>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.write(what);
        return;
      } catch (error) {
        if (!(error instanceof TrackerError) || error.kind !== 'unavailable' || attempt >= ATTEMPTS) throw error;
        this.log(`${error.message} Looking whether it happened before trying again.`);
        if (await happened()) return;
      }
    }
  }

  private skip(label: string, reason: string, number?: number): void {
    this.log(`Skipped ${label}: ${reason}`);
    this.result.skipped.push({ label, detail: reason, ...(number !== undefined ? { number } : {}) });
  }

  // ---- operations -----------------------------------------------------------------

  private async run(op: SyncOperation): Promise<void> {
    switch (op.kind) {
      case 'ensure-label':
        await this.writeOnce(
          () => this.tracker.ensureLabel(op.spec, this.signal),
          async () => (await this.tracker.listLabels(this.signal)).some((l) => l.toLowerCase() === op.spec.name.toLowerCase()),
        );
        this.result.labels.push({ label: op.spec.name });
        return;
      case 'create':
        return this.create(op.key, op.label);
      case 'adopt':
        return this.adopt(op.key, op.number, op.label);
      case 'record': {
        const view = this.views.get(op.number);
        await this.recordInPlan(op.key, op.number, view?.url ?? `${this.repositoryUrl}/issues/${op.number}`);
        this.result.recorded.push({ label: op.label, number: op.number });
        return;
      }
      case 'update':
        return this.update(op.key, op.label);
      case 'close':
      case 'reopen':
        return this.setState(op.key, op.label);
      case 'add-labels':
        return this.addLabels(op.key, op.label);
      case 'add-sub-issue':
        return this.addSubIssue(op.key, op.label);
      case 'reorder-sub-issues':
        return this.reorderSubIssues();
      case 'add-blocked-by':
        return this.addBlockedBy(op.key, op.blocking, op.label);
      case 'remove-blocked-by':
        return this.removeBlockedBy(op.number, op.blockingId, op.blockingNumber, op.label);
      case 'rename-task-files':
        return this.renameTaskFiles();
    }
  }

  private async create(key: string, label: string): Promise<void> {
    const d = this.find(key);
    if (!d) return this.skip(label, 'it is no longer in the plan');
    // Noted before the create: if the run dies before the issue is recorded, the next one
    // finds it by its marker and knows by this hash that its text is the sync's own.
    this.state.pending.set(key, d.hash);
    await this.saveState();
    let issue: TrackerIssue | undefined;
    let found = false;
    for (let attempt = 1; issue === undefined; attempt++) {
      try {
        issue = await this.write(() => this.tracker.createIssue({ title: d.title, body: d.body, labels: d.labels }, this.signal));
      } catch (error) {
        if (!(error instanceof TrackerError) || error.kind !== 'unavailable' || attempt >= ATTEMPTS) throw error;
        // The create may have been carried out: look for its marker before creating again.
        this.log(`${error.message} Listing the issues to find it before creating it again.`);
        issue = await this.findByMarker(key);
        found = issue !== undefined;
      }
    }
    await this.bindNew(key, d, issue);
    const item = { label, number: issue.number, url: issue.url };
    if (found) this.result.adopted.push({ ...item, detail: 'created by a request that failed, found by its marker' });
    else this.result.created.push(item);
  }

  /** The issue carrying a key's marker that no other key holds, listed fresh from the tracker. */
  private async findByMarker(key: string): Promise<TrackerIssue | undefined> {
    const issues = await this.tracker.listIssues({}, this.signal);
    for (const issue of issues) {
      this.views.set(issue.number, remoteViewOf(issue));
      this.full.set(issue.number, issue);
    }
    return issues
      .filter((i) => findMarker(i.body)?.key === key && (this.keyOfNumber(i.number) ?? key) === key)
      .sort((a, b) => a.number - b.number)[0];
  }

  /** Records a new issue: its number in the plan at once, then in the state. */
  private async bindNew(key: string, d: DesiredIssue, issue: TrackerIssue): Promise<void> {
    this.bound.set(key, issue.number);
    this.views.set(issue.number, remoteViewOf(issue));
    this.full.set(issue.number, issue);
    try {
      await this.recordInPlan(key, issue.number, issue.url);
    } finally {
      this.setRecord(issue.number, { key, kind: d.kind, id: issue.id, hash: d.hash, state: issue.state, updatedAt: issue.updatedAt });
      this.state.pending.delete(key);
      await this.saveState();
    }
  }

  /** Writes an issue number into the plan: the task's line or file, or the epic's `github`. */
  private async recordInPlan(key: string, number: number, url: string): Promise<void> {
    const epic = this.epic;
    if (key === stableKey(epic.id)) {
      await this.options.plan.apply([epic.path], (read) => attachEpicIssueChange(epic, url, read));
    } else {
      const task = epic.tasks.find((t) => this.keyOfTask(t) === key);
      if (!task) throw new PlanEditError(`No task of ${epic.id} stands for ${key} any more; #${number} was not written into the plan.`);
      await this.options.plan.apply([task.path], (read) => attachIssueChange(epic, task.id, number, url, read));
    }
    this.snapshot = await this.options.plan.read();
  }

  /** The state a first record of an existing issue gives it: a difference from the plan's is one the sync still has to make. */
  private firstRecordState(desired: DesiredState, remote: DesiredState): DesiredState {
    return remote === desired ? desired : 'open';
  }

  private async adopt(key: string, number: number, label: string): Promise<void> {
    const view = this.views.get(number)!;
    const d = this.find(key);
    await this.recordInPlan(key, number, view.url);
    const pending = this.state.pending.get(key);
    if (d && !this.record(number, key) && (view.hash === d.hash || view.hash === pending)) {
      // Its text is what the sync sent (now, or in a create that was never recorded).
      this.setRecord(number, { key, kind: d.kind, id: view.id, hash: view.hash === d.hash ? d.hash : pending!, state: this.firstRecordState(d.state, view.state), updatedAt: view.updatedAt });
    }
    this.state.pending.delete(key);
    await this.saveState();
    this.result.adopted.push({ label, number, url: view.url, detail: 'found by its marker' });
  }

  private async update(key: string, label: string): Promise<void> {
    const number = this.bound.get(key);
    const d = this.find(key);
    const view = number === undefined ? undefined : this.views.get(number);
    if (number === undefined || !d || !view) return;
    const record = this.record(number, key);
    const decision = decideContent(d, record, this.state.pending.get(key), view);
    if (decision.action === 'none') return;
    if (decision.action === 'in-sync') {
      if (!record || record.hash !== d.hash) {
        this.setRecord(number, { key, kind: d.kind, id: view.id, hash: d.hash, state: record?.state ?? this.firstRecordState(d.state, view.state), updatedAt: view.updatedAt });
        this.state.pending.delete(key);
        await this.saveState();
      }
      return;
    }
    if (decision.action === 'confirm') {
      const issue = this.full.get(number) ?? (await this.fetch(number));
      const question: OverwriteQuestion = {
        label,
        key,
        why: decision.why,
        changes: decision.fields
          .map((field) => ({ field, tracker: field === 'title' ? issue.title : issue.body, plan: field === 'title' ? d.title : d.body }))
          .filter((c) => c.tracker !== c.plan),
      };
      const yes = this.options.confirmOverwrite ? await this.options.confirmOverwrite(issue, question) : false;
      if (!yes) return this.skip(label, `#${number} not updated: ${decision.why}, and overwriting it was not confirmed`, number);
    }
    const updated = await this.write(() => this.tracker.updateIssue(number, { title: d.title, body: d.body }, this.signal));
    this.views.set(number, remoteViewOf(updated));
    this.full.set(number, updated);
    this.setRecord(number, { key, kind: d.kind, id: updated.id, hash: d.hash, state: record?.state ?? this.firstRecordState(d.state, updated.state), updatedAt: updated.updatedAt });
    this.state.pending.delete(key);
    await this.saveState();
    this.result.updated.push({ label, number, url: updated.url, detail: decision.fields.join(' and ') });
  }

  private async fetch(number: number): Promise<TrackerIssue> {
    const answer = await this.tracker.getIssue(number, undefined, this.signal);
    if (!answer.changed) throw new TrackerError(`GitHub answered "not modified" for #${number} without an ETag.`, 'invalid');
    this.views.set(number, remoteViewOf(answer.value));
    this.full.set(number, answer.value);
    return answer.value;
  }

  private async setState(key: string, label: string): Promise<void> {
    const number = this.bound.get(key);
    const d = this.find(key);
    const view = number === undefined ? undefined : this.views.get(number);
    if (number === undefined || !d || !view) return;
    const record = this.record(number, key);
    const decision = decideState(d.state, record, view);
    if (decision.action === 'none') return;
    if (decision.action === 'skip') return this.skip(label, `#${number} not ${d.state === 'closed' ? 'closed' : 'reopened'}: ${decision.reason}`, number);
    const patch = decision.action === 'close' ? ({ state: 'closed', stateReason: 'completed' } as const) : ({ state: 'open' } as const);
    const updated = await this.write(() => this.tracker.updateIssue(number, patch, this.signal));
    this.views.set(number, remoteViewOf(updated));
    this.full.set(number, updated);
    if (record) {
      // `updated_at` moves on only while the text is the sync's own, or an edit made on
      // GitHub would no longer be noticed.
      const inStep = view.hash === record.hash;
      this.setRecord(number, { ...record, state: updated.state, updatedAt: inStep ? updated.updatedAt : record.updatedAt, etag: undefined });
      await this.saveState();
    }
    (decision.action === 'close' ? this.result.closed : this.result.reopened).push({ label, number, url: updated.url });
  }

  private async addLabels(key: string, label: string): Promise<void> {
    const number = this.bound.get(key);
    const d = this.find(key);
    const view = number === undefined ? undefined : this.views.get(number);
    if (number === undefined || !d || !view) return;
    const lacking = missingLabels(d.labels, view.labels);
    if (lacking.length === 0) return;
    await this.write(() => this.tracker.addLabels(number, lacking, this.signal));
    this.views.set(number, { ...view, labels: [...(view.labels ?? []), ...lacking] });
    this.result.labelled.push({ label, number, detail: lacking.join(', ') });
  }

  private async addSubIssue(key: string, label: string): Promise<void> {
    const parent = this.bound.get(stableKey(this.epic.id));
    const number = this.bound.get(key);
    const child = number === undefined ? undefined : this.views.get(number);
    if (parent === undefined || number === undefined || !child) return this.skip(label, 'it or the epic has no issue');
    if (this.children.includes(child.id)) return;
    try {
      await this.writeOnce(
        () => this.tracker.addSubIssue(parent, child.id, this.signal),
        async () => (await this.tracker.listSubIssues(parent, this.signal)).some((i) => i.id === child.id),
      );
    } catch (error) {
      if (error instanceof TrackerError && error.kind === 'invalid') return this.skip(label, `#${number} not made a sub-issue of #${parent}: ${error.message}`, number);
      throw error;
    }
    this.children.push(child.id);
    this.result.linked.push({ label, number, detail: `sub-issue of #${parent}` });
  }

  private async reorderSubIssues(): Promise<void> {
    const parent = this.bound.get(stableKey(this.epic.id));
    if (parent === undefined) return;
    const current = (await this.tracker.listSubIssues(parent, this.signal)).map((i) => i.id);
    const wanted = this.desired()
      .tasks.map((d) => {
        const n = this.bound.get(d.key);
        return n === undefined ? undefined : this.views.get(n)?.id;
      })
      .filter((id): id is number => id !== undefined && current.includes(id));
    const moves = subIssueMoves(current, wanted);
    for (const move of moves) {
      try {
        await this.write(() => this.tracker.reorderSubIssue(parent, move.item, move.after, this.signal));
      } catch (error) {
        if (error instanceof TrackerError && error.kind === 'invalid') return this.skip('the epic', `its sub-issues were not put in plan order: ${error.message}`, parent);
        throw error;
      }
    }
    if (moves.length > 0) this.result.linked.push({ label: 'the epic', number: parent, detail: `sub-issues put in plan order (${moves.length} moved)` });
  }

  private async addBlockedBy(key: string, blockingKey: string, label: string): Promise<void> {
    const number = this.bound.get(key);
    const blocking = this.bound.get(blockingKey);
    const blocker = blocking === undefined ? undefined : this.views.get(blocking);
    if (number === undefined || blocking === undefined || !blocker) return this.skip(label, `its dependency ${blockingKey} has no issue`);
    try {
      await this.writeOnce(
        () => this.tracker.addBlockedBy(number, blocker.id, this.signal),
        async () => (await this.tracker.listBlockedBy(number, this.signal)).some((i) => i.id === blocker.id),
      );
    } catch (error) {
      if (error instanceof TrackerError && error.kind === 'invalid') return this.skip(label, `#${number} not marked as blocked by #${blocking}: ${error.message}`, number);
      throw error;
    }
    this.result.linked.push({ label, number, detail: `blocked by #${blocking}` });
  }

  private async removeBlockedBy(number: number, blockingId: number, blocking: number, label: string): Promise<void> {
    const remove = this.tracker.removeBlockedBy?.bind(this.tracker);
    // The plan lists the removal as skipped for a tracker without it; this is a safeguard.
    if (!remove) return this.skip(label, `#${number} stays blocked by #${blocking}: this tracker cannot remove dependencies`, number);
    try {
      await this.writeOnce(
        () => remove(number, blockingId, this.signal),
        async () => !(await this.tracker.listBlockedBy(number, this.signal)).some((i) => i.id === blockingId),
      );
    } catch (error) {
      // Gone already (removed on GitHub meanwhile, or by a request whose answer was lost): what was wanted.
      if (error instanceof TrackerError && error.kind === 'not-found' && error.status === 404) {
        this.log(`#${number} was no longer blocked by #${blocking}.`);
        return;
      }
      if (error instanceof TrackerError && error.kind === 'invalid') return this.skip(label, `#${number} still blocked by #${blocking}: ${error.message}`, number);
      throw error;
    }
    this.result.linked.push({ label, number, detail: `no longer blocked by #${blocking}` });
  }

  private async renameTaskFiles(): Promise<void> {
    const epic = this.epic;
    const tasks = epic.tasks.filter((t) => !unsyncableReason(t));
    const without = tasks.filter((t) => t.issue === undefined);
    if (without.length > 0) return this.skip('the task files', `not renamed: ${without.map((t) => `${t.id}.md`).join(', ')} ha${without.length === 1 ? 's' : 've'} no issue yet`);
    const mapping = new Map(tasks.filter((t) => numericId(t.id) !== t.issue).map((t) => [t.id, t.issue!] as const));
    if (mapping.size === 0) return;
    let change: PlanChange | undefined;
    try {
      await this.options.plan.apply([...epic.tasks.map((t) => t.path), epic.path], (read) => (change = renameAfterSyncChange(epic, mapping, read)));
    } catch (error) {
      if (error instanceof PlanEditError) return this.skip('the task files', `not renamed: ${error.message}`);
      throw error;
    }
    this.snapshot = await this.options.plan.read();
    for (const rename of change?.renames ?? []) this.result.renamed.push({ label: `${rename.from} → ${rename.to}` });
  }

  /**
   * Reads every issue once more after the writes, and records the `updated_at` and ETag
   * of those in step with the plan: the next sync then asks "changed since?" and, when
   * nothing changed, gets a 304 that costs no rate limit. A text or state the tracker
   * already has though its record says otherwise (a write whose record was lost with a
   * crashed run) is recorded too, or the next change of the plan would look like an edit
   * made on GitHub.
   */
  private async verify(): Promise<void> {
    const desired = this.desired();
    for (const d of [...desired.tasks, desired.epic]) {
      checkSignal(this.signal);
      const number = this.bound.get(d.key);
      const record = number === undefined ? undefined : this.record(number, d.key);
      if (number === undefined || !record) continue;
      let answer;
      try {
        answer = await this.tracker.getIssue(number, record.etag, this.signal);
      } catch (error) {
        if (error instanceof TrackerError && error.kind === 'not-found') continue;
        throw error;
      }
      if (!answer.changed) continue;
      const view = remoteViewOf(answer.value);
      this.views.set(number, view);
      const hash = view.hash === d.hash ? d.hash : record.hash;
      const state = view.state === d.state ? d.state : record.state;
      const inStep = view.hash === hash && view.state === state && missingLabels(d.labels, view.labels).length === 0;
      const next: SyncedIssue = { key: record.key, kind: record.kind, id: record.id, hash, state, updatedAt: inStep ? view.updatedAt : record.updatedAt };
      this.setRecord(number, inStep && answer.etag !== undefined ? { ...next, etag: answer.etag } : next);
    }
  }
}
