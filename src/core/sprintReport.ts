/**
 * The sprint report as plain data: what the sprint panel draws, built from the core's
 * sprint status and burndown. JSON-serialisable, so the host posts it as it is; pure, so
 * the unit tests check it without an editor.
 */
import type { BlockReason } from './analysis';
import { issueUrl } from './issues';
import type { TaskDisplayState, TaskState } from './model';
import type { SprintPhase, SprintStatus, SprintTaskStatus, SprintTasksSource } from './sprintStatus';
import { sprintBurndown, sprintLabel, sprintTimeText } from './sprintStatus';
import type { SprintSource } from './sprint';
import { splitTaskKey } from './sprint';

export interface SprintReportBlocker {
  readonly taskId: string;
  readonly reason: BlockReason;
  /** In plain words: `102 Payment form is not done`. */
  readonly text: string;
}

export interface SprintReportTask {
  readonly key: string;
  readonly epicId: string;
  readonly taskId: string;
  readonly title: string;
  readonly state: TaskState;
  readonly display: TaskDisplayState;
  /** Relative to the workspace folder, and the 0-based line to open it at. */
  readonly path: string;
  readonly line: number;
  readonly estimate: string | null;
  readonly hours: number;
  readonly atRisk: boolean;
  readonly blockers: readonly SprintReportBlocker[];
  readonly issue: number | null;
  readonly issueUrl: string | null;
}

/** A task that left the scope since the start: only its key is sure, the rest when the plan still has it. */
export interface SprintReportRemoved {
  readonly key: string;
  readonly title: string | null;
  readonly path: string | null;
  readonly line: number | null;
}

export interface SprintReportUnresolved {
  readonly written: string;
  readonly path: string;
  readonly line: number;
  readonly message: string;
}

export interface SprintReport {
  readonly id: string;
  readonly name: string;
  readonly source: SprintSource;
  readonly path: string | null;
  readonly goal: string | null;
  readonly start: string | null;
  readonly end: string | null;
  readonly today: string;
  readonly phase: SprintPhase;
  /** `3 days left`, `last day`, `starts in 2 days`, `ended`, `no dates`. */
  readonly timeText: string;
  /** The status bar's text: `Sprint 4 · 18/30 · 3 days left`. */
  readonly label: string;
  readonly daysLeft: number | null;
  readonly hoursLeft: number | null;
  readonly remainingHours: number;
  readonly counts: SprintStatus['counts'];
  /** Every task in scope, in the sprint's order. */
  readonly tasks: readonly SprintReportTask[];
  /** Keys of `tasks`, per list. */
  readonly remaining: readonly string[];
  readonly blocked: readonly string[];
  readonly atRisk: readonly string[];
  readonly added: readonly string[];
  readonly removed: readonly SprintReportRemoved[];
  readonly unresolved: readonly SprintReportUnresolved[];
  /** The burndown's series, one entry per day from the start to today or the end. */
  readonly burndown: { readonly dates: readonly string[]; readonly remaining: readonly number[]; readonly ideal: readonly number[] };
  /** Done tasks with no known completion date (counted done on the last day drawn). */
  readonly undated: readonly string[];
  /** Where completion dates came from. */
  readonly history: 'history' | 'file-dates' | 'none';
}

export interface SprintReportInput {
  readonly completedOn: ReadonlyMap<string, string>;
  readonly scopeAtStart?: readonly string[];
  readonly history: SprintReport['history'];
}

function blockerText(status: SprintTaskStatus, blocker: { taskId: string; reason: BlockReason }, source: SprintTasksSource): string {
  const epic = source.epic(status.epicId);
  const other = epic?.tasks.find((t) => t.id === blocker.taskId);
  const name = other ? `${other.id}${other.title ? ` ${other.title}` : ''}` : blocker.taskId;
  switch (blocker.reason) {
    case 'not-done':
      return `${name} is ${other?.state === 'in-progress' ? 'in progress' : 'not done'}`;
    case 'unknown':
      return `${blocker.taskId} is not a task of ${status.epicId}`;
    case 'cycle':
      return `${name} is in a dependency cycle with it`;
    case 'marked-blocked':
      return 'its status says blocked';
    case 'incomplete':
      return 'its file cannot be read as a task';
  }
}

/** The report of a sprint's status, with its burndown from the completion dates given. */
export function buildSprintReport(status: SprintStatus, source: SprintTasksSource, input: SprintReportInput): SprintReport {
  const { sprint } = status;
  const burndown = sprintBurndown(status, { completedOn: input.completedOn, ...(input.scopeAtStart ? { scopeAtStart: input.scopeAtStart } : {}) });
  const tasks = status.tasks.map((t): SprintReportTask => {
    const epic = source.epic(t.epicId);
    const task = epic?.tasks.find((x) => x.id === t.taskId);
    return {
      key: t.key,
      epicId: t.epicId,
      taskId: t.taskId,
      title: t.title,
      state: t.state,
      display: t.display,
      path: t.path,
      line: t.line,
      estimate: t.estimate ?? null,
      hours: t.hours,
      atRisk: t.atRisk,
      blockers: t.blockers.map((b) => ({ taskId: b.taskId, reason: b.reason, text: blockerText(t, b, source) })),
      issue: task?.issue ?? null,
      issueUrl: (epic && task && issueUrl(epic, task)) ?? null,
    };
  });
  const removed = burndown.removed.map((key): SprintReportRemoved => {
    const { epicId, taskId } = splitTaskKey(key);
    const task = source.epic(epicId)?.tasks.find((t) => t.id === taskId);
    return { key, title: task?.title ?? null, path: task?.path ?? null, line: task ? task.range.line : null };
  });
  return {
    id: sprint.id,
    name: sprint.name,
    source: sprint.source,
    path: sprint.path ?? null,
    goal: sprint.goal ?? null,
    start: sprint.start ?? null,
    end: sprint.end ?? null,
    today: status.today,
    phase: status.phase,
    timeText: sprintTimeText(status),
    label: sprintLabel(status),
    daysLeft: status.daysLeft ?? null,
    hoursLeft: status.hoursLeft ?? null,
    remainingHours: status.remainingHours,
    counts: status.counts,
    tasks,
    remaining: status.remaining.map((t) => t.key),
    blocked: status.blocked.map((t) => t.key),
    atRisk: status.atRisk.map((t) => t.key),
    added: burndown.added,
    removed,
    unresolved: sprint.unresolved.map((u) => ({ written: u.written, path: u.path, line: u.line, message: u.message })),
    burndown: {
      dates: burndown.points.map((p) => p.date),
      remaining: burndown.points.map((p) => p.remaining),
      ideal: burndown.points.map((p) => p.ideal),
    },
    undated: burndown.undated,
    history: input.history,
  };
}

/**
 * The scope at the start, as far as a task history tells it: the tasks in scope now
 * minus those first added to the plan after the sprint's first day. A sprint file's own
 * versions would tell tasks moved in from elsewhere as well; the history knows tasks.
 */
export function scopeAtStartFromAdded(status: SprintStatus, addedOn: ReadonlyMap<string, string>): readonly string[] | undefined {
  const start = status.sprint.start;
  if (start === undefined) return undefined;
  return status.tasks.filter((t) => {
    const added = addedOn.get(t.key);
    return added === undefined || added.slice(0, 10) <= start;
  }).map((t) => t.key);
}
