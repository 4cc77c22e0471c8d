/**
 * "Close Issue" and "Reopen Issue" on one task: the task's issue is commented on and
 * closed as completed (or reopened), the task is marked done (or open) in its file, and
 * the sync state records what GitHub now holds, so that the next push and pull find
 * nothing to do.
 *
 * The order, and why a failure at any step leaves a state a rerun finishes:
 * 1. Everything is read first: the plan, the state file, the repository, the issue.
 * 2. The comment, while the issue is still open (closed, for a reopen). Comments are
 *    never edited or deleted, so it goes first: a run that fails after it leaves the
 *    issue in its old state with the comment there, and the rerun finds the comment by
 *    its marker (`<!-- autopm:close <key> -->`) instead of commenting again. A comment
 *    that fails without an answer may have been made anyway: the comments are listed
 *    again before it is sent again.
 * 3. The state change on GitHub (an idempotent PATCH). A rerun after it finds the issue
 *    closed already and neither comments nor closes again.
 * 4. The task's file: the core's setTaskStateChange, a checkbox or `status:` and
 *    `updated:` (and the epic's checklist and progress). GitHub and the plan then agree;
 *    a file that changed on disk meanwhile is left alone and the rerun edits it.
 * 5. The sync state: the issue's new state, `updated_at` and ETag (and the new ETags of
 *    its dependencies and dependents, whose answers count its state); and the epic issue's
 *    task list, whose checkbox for the task changed with it, written when the epic issue
 *    is as the sync last left it (an epic edited on GitHub is left for a sync to ask
 *    about). A failure here leaves the plan and GitHub agreeing, which a sync confirms.
 *
 * Telling this close's comment from one of an earlier close: a reopen from AutoPM leaves
 * a comment of its own (`<!-- autopm:reopen <key> -->`), so the last of these markers
 * says what AutoPM last did. An issue reopened on GitHub after an AutoPM close, then
 * closed again from AutoPM, is told apart by its state reason (`reopened`) when AutoPM
 * never reopened it; after an AutoPM reopen, a reopen on GitHub cannot be seen, and that
 * close is not commented on again: a comment missing rather than one made twice.
 */
import type { ReadText } from '../../core/edits';
import { isoNow, PlanEditError, setTaskStateChange } from '../../core/edits';
import type { Epic, Task } from '../../core/model';
import type { SyncLabels } from '../../core/sync/desired';
import { contentHash, DEFAULT_SYNC_LABELS } from '../../core/sync/desired';
import { markerText, stableKey } from '../../core/sync/marker';
import type { RemoteView } from '../../core/sync/syncPlan';
import { decideContent, epicIssueNumber, missingLabels, planSync, repositoryOfUrl } from '../../core/sync/syncPlan';
import type { SyncedIssue, SyncState } from '../../core/sync/syncState';
import { parseSyncState, serializeSyncState, SyncStateError } from '../../core/sync/syncState';
import { taskLabel } from '../../core/taskText';
import type { Tracker, TrackerComment, TrackerIssue } from '../tracker';
import { TrackerError } from '../tracker';
import type { PlanAccess, SyncStateStore } from './syncEngine';
import { remoteViewOf } from './syncEngine';

export interface TaskIssueOptions {
  readonly tracker: Tracker;
  readonly plan: PlanAccess;
  readonly state: SyncStateStore;
  /** The task's id in the plan: `T3`, `1234`. */
  readonly taskId: string;
  readonly signal?: AbortSignal;
  /** The sync's label names, for the labels an issue is checked to have before its ETag is recorded. */
  readonly labels?: SyncLabels;
  /** One line per step; the caller adds its component prefix. */
  readonly log?: (line: string) => void;
  /** The time a task file's `updated` field gets (default: now). */
  readonly now?: () => string;
}

export interface CloseTaskOptions extends TaskIssueOptions {
  /** The branch the work was done on, named in the comment. */
  readonly branch?: string;
  /** The commit that finished it, named in the comment. */
  readonly commit?: string;
  /** A sentence or two on what was done, for the comment. */
  readonly summary?: string;
}

export interface ReopenTaskOptions extends TaskIssueOptions {
  /** Why it is reopened, for the comment. */
  readonly reason?: string;
}

export type TaskIssueOutcome =
  | 'done'
  /** The task has no issue yet: nothing was changed. */
  | 'no-issue'
  | 'refused'
  | 'failed'
  | 'cancelled';

export interface TaskIssueResult {
  readonly outcome: TaskIssueOutcome;
  /** What happened, or why not, for the person who asked. */
  readonly message: string;
  readonly number?: number;
  readonly url?: string;
  /** This run commented on the issue. */
  readonly commented: boolean;
  /** The comment was there already, made by a run that did not finish. */
  readonly commentFound: boolean;
  /** This run closed (or reopened) the issue; false when it was so already. */
  readonly changedOnTracker: boolean;
  /** This run changed the task's file. */
  readonly planChanged: boolean;
  /** This run brought the epic issue's task list up to date. */
  readonly epicUpdated: boolean;
  /** Writes sent to the tracker. */
  readonly writes: number;
}

type Action = 'close' | 'reopen';

/** How many times a comment that failed without an answer is tried, looking first whether it was made. */
const ATTEMPTS = 3;

/** Comments a task's issue a summary, closes it as completed, marks the task done, and records it. */
export function closeTaskIssue(options: CloseTaskOptions): Promise<TaskIssueResult> {
  return new TaskIssueRun(options, 'close').run();
}

/** Comments, reopens the task's issue, marks the task open again, and records it. */
export function reopenTaskIssue(options: ReopenTaskOptions): Promise<TaskIssueResult> {
  return new TaskIssueRun(options, 'reopen').run();
}

const ACTION_MARKER = /<!--[ \t\r\n]*autopm:(close|reopen)[ \t\r\n][^>]*-->/gi;

/** The marker a close or reopen comment carries: the task's stable key, encoded as issue markers are. */
export function actionMarker(action: Action, key: string): string {
  return markerText(key).replace(/^<!-- autopm:\w+ /, `<!-- autopm:${action} `);
}

/** The AutoPM actions recorded in an issue's comments, oldest first. */
export function actionsInComments(comments: readonly TrackerComment[]): Action[] {
  const out: Action[] = [];
  for (const comment of comments) for (const match of comment.body.matchAll(ACTION_MARKER)) out.push(match[1].toLowerCase() as Action);
  return out;
}

/**
 * Whether the comment this action would make is there already (see the file comment):
 * the last action recorded is this one, and, for a close on an issue reopened since some
 * close, an AutoPM reopen came before it.
 */
export function commentAlreadyMade(action: Action, actions: readonly Action[], issue: Pick<TrackerIssue, 'stateReason'>): boolean {
  if (actions.at(-1) !== action) return false;
  if (action === 'reopen' || issue.stateReason !== 'reopened') return true;
  return actions.at(-2) === 'reopen';
}

function oneLine(text: string): string {
  return text.replace(/[`\r\n]+/g, ' ').trim();
}

function commentBody(action: Action, task: Task, key: string, options: CloseTaskOptions & ReopenTaskOptions): string {
  const blocks: string[] = [];
  if (action === 'close') {
    blocks.push(`Closed from AutoPM: **${oneLine(taskLabel(task))}** is done.`);
    if (options.summary?.trim()) blocks.push(options.summary.trim());
    const where: string[] = [];
    if (options.branch?.trim()) where.push(`Branch: \`${oneLine(options.branch)}\``);
    // A bare SHA, which GitHub links to the commit.
    if (options.commit?.trim()) where.push(`Commit: ${oneLine(options.commit)}`);
    if (where.length > 0) blocks.push(where.join('\n'));
  } else {
    blocks.push(`Reopened from AutoPM: **${oneLine(taskLabel(task))}** is open again.`);
    if (options.reason?.trim()) blocks.push(options.reason.trim());
  }
  blocks.push(actionMarker(action, key));
  return blocks.join('\n\n') + '\n';
}

class Cancelled extends Error {}

interface MutableResult {
  outcome: TaskIssueOutcome;
  message: string;
  number?: number;
  url?: string;
  commented: boolean;
  commentFound: boolean;
  changedOnTracker: boolean;
  planChanged: boolean;
  epicUpdated: boolean;
  writes: number;
}


class TaskIssueRun {
  private readonly tracker: Tracker;
  private readonly signal: AbortSignal | undefined;
  private readonly log: (line: string) => void;
  private readonly result: MutableResult = {
    outcome: 'done',
    message: '',
    commented: false,
    commentFound: false,
    changedOnTracker: false,
    planChanged: false,
    epicUpdated: false,
    writes: 0,
  };

  constructor(
    private readonly options: CloseTaskOptions & ReopenTaskOptions,
    private readonly action: Action,
  ) {
    this.tracker = options.tracker;
    this.signal = options.signal;
    this.log = options.log ?? (() => undefined);
  }

  private check(): void {
    if (this.signal?.aborted) throw new Cancelled();
  }

  private finish(outcome: TaskIssueOutcome, message: string): TaskIssueResult {
    this.result.outcome = outcome;
    this.result.message = message;
    if (outcome !== 'done') this.log(message);
    return { ...this.result };
  }

  async run(): Promise<TaskIssueResult> {
    const closing = this.action === 'close';
    try {
      // ---- 1. Read everything.
      const snapshot = await this.options.plan.read();
      const task = snapshot.epic.tasks.find((t) => t.id === this.options.taskId);
      if (!task) return this.finish('failed', `Epic ${snapshot.epic.id} has no task ${this.options.taskId}.`);
      const label = taskLabel(task);
      if (task.issue === undefined) {
        return this.finish('no-issue', `${label} has no GitHub issue yet, so there is none to ${this.action}: sync the epic to GitHub first. Nothing was changed.`);
      }
      const number = task.issue;
      this.result.number = number;
      const repository = await this.tracker.repository(this.signal);
      if (!repository.hasIssues) return this.finish('refused', `Issues are turned off for ${repository.fullName}.`);
      if (!repository.canWrite) return this.finish('refused', `The signed-in account cannot ${this.action} issues in ${repository.fullName}: it needs push or triage permission.`);
      const elsewhere = repositoryOfUrl(task.githubUrl);
      if (elsewhere !== undefined && elsewhere.toLowerCase() !== repository.fullName.toLowerCase()) {
        return this.finish('refused', `${label} is linked to ${task.githubUrl}, on ${elsewhere}, not on ${repository.fullName}.`);
      }
      const stateText = await this.options.state.load();
      const state = parseSyncState(stateText);
      if (state.repository !== undefined && state.repository.toLowerCase() !== repository.fullName.toLowerCase()) {
        return this.finish('refused', `The sync state (.autopm/sync.json) belongs to ${state.repository}, not ${repository.fullName}; nothing was changed.`);
      }
      let issue = await this.getIssue(number, repository.fullName);
      this.result.url = issue.url;
      const key = state.issues.get(number)?.key ?? stableKey(snapshot.epic.id, task.id);

      // ---- 2 and 3. The comment, then the state on GitHub.
      const wanted = closing ? 'closed' : 'open';
      if (issue.state !== wanted) {
        await this.comment(issue, task, key);
        this.check();
        this.log(`${closing ? 'Closing' : 'Reopening'} #${number}`);
        issue = await this.write(() =>
          this.tracker.updateIssue(number, closing ? { state: 'closed', stateReason: 'completed' } : { state: 'open', stateReason: 'reopened' }, this.signal),
        );
        this.result.changedOnTracker = true;
      } else {
        this.log(`#${number} is ${wanted} on GitHub already`);
      }

      // ---- 4. The plan.
      this.check();
      const target = closing ? 'done' : 'open';
      const needsEdit = closing ? task.state !== 'done' : task.state === 'done';
      if (needsEdit) {
        const now = (this.options.now ?? (() => isoNow()))();
        const epic = snapshot.epic;
        await this.options.plan.apply([task.path, epic.path], (read) => {
          const change = setTaskStateChange(epic, task.id, target, read, now);
          this.result.planChanged = change.edits.length > 0;
          return change;
        });
      }

      // ---- 5. The sync state, and the epic issue's task list.
      const after = await this.options.plan.read();
      const next = new Map(state.issues);
      await this.recordTask(next, number, after.epic);
      await this.refreshNeighbours(next, after.epic, task.id);
      await this.updateEpic(next, { ...state, issues: next }, after.epic, after.read, repository.fullName, number, issue);
      const updated: SyncState = { ...state, repository: state.repository ?? repository.fullName, issues: next };
      const text = serializeSyncState(updated);
      if (text !== stateText) await this.options.state.save(text);

      const did = this.result.changedOnTracker ? `${closing ? 'Closed' : 'Reopened'} #${number}` : `#${number} was ${wanted} already`;
      const file = this.result.planChanged ? `; ${label} is ${closing ? 'done' : 'open'} in the plan` : `; ${label} was ${closing ? 'done' : 'open'} in the plan already`;
      const comment = this.result.commented ? ', with a comment' : this.result.commentFound ? ' (its comment was made by an earlier run)' : '';
      return this.finish('done', `${did}${comment}${file}.`);
    } catch (error) {
      if (error instanceof Cancelled || (error instanceof TrackerError && error.kind === 'cancelled') || this.signal?.aborted) {
        return this.finish('cancelled', `Cancelled; run it again to finish ${closing ? 'closing' : 'reopening'} the issue.`);
      }
      if (error instanceof TrackerError) return this.finish('failed', `${error.message} Run it again to finish: nothing is done twice.`);
      if (error instanceof SyncStateError || error instanceof PlanEditError) return this.finish('failed', error.message);
      return this.finish('failed', error instanceof Error ? error.message : String(error));
    }
  }

  private async write<T>(what: () => Promise<T>): Promise<T> {
    this.check();
    this.result.writes++;
    return what();
  }

  private async getIssue(number: number, repository: string): Promise<TrackerIssue> {
    try {
      const answer = await this.tracker.getIssue(number, undefined, this.signal);
      if (!answer.changed) throw new TrackerError(`GitHub answered "not modified" for #${number} without an ETag.`, 'invalid');
      return answer.value;
    } catch (error) {
      if (error instanceof TrackerError && error.kind === 'not-found') {
        throw new PlanEditError(`#${number} is not an issue of ${repository} (deleted, transferred, or a pull request); nothing was changed.`);
      }
      throw error;
    }
  }

  /** Comments once: not when an earlier run's comment is there, and, after a failure without an answer, only when the comment did not go through. */
  private async comment(issue: TrackerIssue, task: Task, key: string): Promise<void> {
    const list = this.tracker.listComments?.bind(this.tracker);
    const made = async () => (list ? commentAlreadyMade(this.action, actionsInComments(await list(issue.number, this.signal)), issue) : false);
    if (await made()) {
      this.result.commentFound = true;
      this.log(`#${issue.number} has the comment of an earlier run already`);
      return;
    }
    const body = commentBody(this.action, task, key, this.options);
    for (let attempt = 1; ; attempt++) {
      try {
        this.log(`Commenting on #${issue.number}`);
        await this.write(() => this.tracker.createComment(issue.number, body, this.signal));
        this.result.commented = true;
        return;
      } catch (error) {
        // Without a way to list comments, a retry could make the comment twice.
        if (!(error instanceof TrackerError) || error.kind !== 'unavailable' || !list || attempt >= ATTEMPTS) throw error;
        this.log(`${error.message} Looking whether the comment was made before commenting again.`);
        if (await made()) {
          this.result.commented = true;
          return;
        }
      }
    }
  }

  /**
   * The task's record: its new state, and the `updated_at` and ETag of the issue as it is
   * now when its text and labels are what the sync last pushed (otherwise an edit made on
   * GitHub would no longer be noticed, nor a missing label added).
   */
  private async recordTask(records: Map<number, SyncedIssue>, number: number, epic: Epic): Promise<void> {
    const record = records.get(number);
    if (!record) {
      this.log(`#${number} has no record in the sync state; the next sync records it`);
      return;
    }
    this.check();
    const answer = await this.tracker.getIssue(number, undefined, this.signal);
    if (!answer.changed) return;
    const issue = answer.value;
    const labels = this.options.labels ?? DEFAULT_SYNC_LABELS;
    const wantedLabels = [labels.task, `${labels.epicPrefix}${epic.id}`];
    const inStep = contentHash(issue.title, issue.body) === record.hash && missingLabels(wantedLabels, issue.labels).length === 0;
    const next: SyncedIssue = { key: record.key, kind: record.kind, id: record.id, hash: record.hash, state: issue.state, updatedAt: inStep ? issue.updatedAt : record.updatedAt };
    records.set(number, inStep && answer.etag !== undefined ? { ...next, etag: answer.etag } : next);
  }

  /**
   * The ETags of the task's dependencies and dependents: GitHub's answer for an issue
   * counts its open blockers and blocked issues, so closing one changes their ETags
   * though nothing a sync compares changed. They are read again, and a new ETag recorded
   * only where the text, state and `updated_at` are still those recorded, so that the
   * next sync and pull get 304s instead of reading them whole.
   */
  private async refreshNeighbours(records: Map<number, SyncedIssue>, epic: Epic, taskId: string): Promise<void> {
    const task = epic.tasks.find((t) => t.id === taskId);
    const ids = new Set([...(task?.dependsOn ?? []), ...epic.tasks.filter((t) => t.dependsOn.includes(taskId)).map((t) => t.id)]);
    const numbers = epic.tasks.filter((t) => ids.has(t.id) && t.issue !== undefined).map((t) => t.issue!);
    for (const n of numbers) {
      const record = records.get(n);
      if (!record?.etag) continue;
      this.check();
      let answer;
      try {
        answer = await this.tracker.getIssue(n, record.etag, this.signal);
      } catch (error) {
        if (error instanceof TrackerError && error.kind === 'not-found') continue;
        throw error;
      }
      if (!answer.changed || answer.etag === undefined) continue;
      const issue = answer.value;
      if (contentHash(issue.title, issue.body) === record.hash && issue.state === record.state && issue.updatedAt === record.updatedAt) {
        records.set(n, { ...record, etag: answer.etag });
      }
    }
  }

  /**
   * The epic issue's body lists every task with a checkbox, which this change ticked or
   * cleared in the plan: it is written now, the way a sync would write it, unless the
   * epic issue was edited on GitHub since the sync last wrote it.
   */
  private async updateEpic(
    records: Map<number, SyncedIssue>,
    state: SyncState,
    epic: Epic,
    read: ReadText,
    repository: string,
    taskNumber: number,
    taskIssue: TrackerIssue,
  ): Promise<void> {
    const epicKey = stableKey(epic.id);
    const number = epicIssueNumber(epic) ?? [...records].find(([, r]) => r.key === epicKey)?.[0];
    const record = number === undefined ? undefined : records.get(number);
    if (number === undefined || !record || record.key !== epicKey) return;
    this.check();
    let issue: TrackerIssue;
    try {
      const answer = await this.tracker.getIssue(number, undefined, this.signal);
      if (!answer.changed) return;
      issue = answer.value;
    } catch (error) {
      if (error instanceof TrackerError && error.kind === 'not-found') return;
      throw error;
    }
    const views = new Map<number, RemoteView>([
      [number, remoteViewOf(issue)],
      [taskNumber, remoteViewOf(taskIssue)],
    ]);
    const plan = planSync({
      epic,
      read,
      state,
      remote: { repository, issues: views, listed: false, missing: new Set(), labels: [], blockedBy: new Map() },
      labels: this.options.labels,
    });
    const desired = plan.desired.epic;
    const decision = decideContent(desired, record, undefined, views.get(number)!);
    if (decision.action === 'none') return;
    if (decision.action === 'confirm') {
      this.log(`The epic issue #${number} was edited on GitHub since the last sync; its task list is left for the next sync`);
      return;
    }
    let current = issue;
    if (decision.action === 'update') {
      this.log(`Updating the task list of the epic issue #${number}`);
      current = await this.write(() => this.tracker.updateIssue(number, { title: desired.title, body: desired.body }, this.signal));
      this.result.epicUpdated = true;
    }
    const answer = await this.tracker.getIssue(number, undefined, this.signal);
    if (answer.changed) current = answer.value;
    const labels = this.options.labels ?? DEFAULT_SYNC_LABELS;
    const inStep = contentHash(current.title, current.body) === desired.hash && missingLabels([labels.epic, `${labels.epicPrefix}${epic.id}`], current.labels).length === 0;
    const next: SyncedIssue = { ...record, hash: desired.hash, updatedAt: inStep ? current.updatedAt : record.updatedAt, etag: undefined };
    records.set(number, inStep && answer.changed && answer.etag !== undefined ? { ...next, etag: answer.etag } : next);
  }
}
