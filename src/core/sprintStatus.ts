/**
 * Where a sprint stands on a given day: what is done, what remains, what is blocked and
 * what is at risk of not fitting in the days left; the status bar's label and tooltip;
 * and the burndown. Pure: today, completion dates and the scope at the start are inputs.
 */
import type { Blocker, EpicAnalysis } from './analysis';
import { estimateHours } from './estimate';
import type { Epic, TaskDisplayState, TaskState } from './model';
import type { Sprint } from './sprint';
import { dayNumber, isoOfDay, readIsoDate } from './sprint';

/**
 * Focused hours one person gets out of a working day. Estimates count a day as 8 hours
 * (src/core/estimate.ts), but meetings, reviews and interruptions take their share, and
 * 5 to 6 hours of focused work is what teams measure; 6 is the generous end, so a task is
 * called at risk only when it clearly cannot fit.
 */
export const FOCUSED_HOURS_PER_DAY = 6;

/** Monday to Friday (`Date.getUTCDay()` numbers): the days work is planned on. */
export const WORKING_WEEKDAYS: readonly number[] = [1, 2, 3, 4, 5];

export interface SprintStatusOptions {
  /** Defaults to FOCUSED_HOURS_PER_DAY. */
  readonly hoursPerDay?: number;
  /** Defaults to WORKING_WEEKDAYS; a team working Sunday to Thursday passes [0, 1, 2, 3, 4]. */
  readonly workingWeekdays?: readonly number[];
}

/** What the index offers that a status needs; a `PlanIndex` is one. */
export interface SprintTasksSource {
  epic(id: string): Epic | undefined;
  analysis(epic: Epic): EpicAnalysis;
}

export interface SprintTaskStatus {
  readonly key: string;
  readonly epicId: string;
  readonly taskId: string;
  readonly title: string;
  readonly state: TaskState;
  /** done, in-progress, ready or blocked, from the epic's analysis. */
  readonly display: TaskDisplayState;
  readonly path: string;
  /** 0-based line of the task (its line in a single-file epic, its title line in a task file). */
  readonly line: number;
  /** The estimate as written, and the hours it counts for (one hour when missing or unreadable). */
  readonly estimate: string | undefined;
  readonly hours: number;
  /** Why it cannot start, from the epic's analysis; empty unless blocked. */
  readonly blockers: readonly Blocker[];
  /** Not started, and estimated at more hours than the working days left hold. */
  readonly atRisk: boolean;
}

/** Where today falls: before, within or after the sprint's dates, or the sprint has none. */
export type SprintPhase = 'no-dates' | 'upcoming' | 'active' | 'ended';

export interface SprintCounts {
  readonly scope: number;
  readonly done: number;
  readonly remaining: number;
  readonly inProgress: number;
  readonly blocked: number;
  readonly atRisk: number;
  /** References that name no task: not in the scope, but counted so they are seen. */
  readonly unresolved: number;
}

export interface SprintStatus {
  readonly sprint: Sprint;
  readonly today: string;
  readonly phase: SprintPhase;
  /** Every task in scope, in the sprint's order. */
  readonly tasks: readonly SprintTaskStatus[];
  readonly done: readonly SprintTaskStatus[];
  /** Everything not done: in progress, ready and blocked. */
  readonly remaining: readonly SprintTaskStatus[];
  readonly inProgress: readonly SprintTaskStatus[];
  readonly blocked: readonly SprintTaskStatus[];
  readonly atRisk: readonly SprintTaskStatus[];
  readonly counts: SprintCounts;
  /**
   * Calendar days from today to the end (0 on the last day), as issue trackers count them;
   * for an upcoming sprint, its length in days; undefined without dates.
   */
  readonly daysLeft: number | undefined;
  /** Calendar days until an upcoming sprint starts; undefined otherwise. */
  readonly startsIn: number | undefined;
  /** Working days from today to the end, today included (the day is not over); the whole sprint when upcoming. */
  readonly workingDaysLeft: number | undefined;
  /** workingDaysLeft × hoursPerDay: what one person can still do. */
  readonly hoursLeft: number | undefined;
  /** Estimated hours of the tasks not done. */
  readonly remainingHours: number;
  readonly hoursPerDay: number;
}

/** Working days in [from, to], both included. */
export function workingDaysBetween(from: string, to: string, weekdays: readonly number[] = WORKING_WEEKDAYS): number {
  const a = dayNumber(from);
  const b = dayNumber(to);
  let count = 0;
  // 1970-01-01 was a Thursday (day 4).
  for (let d = a; d <= b; d++) if (weekdays.includes((d + 4) % 7)) count++;
  return count;
}

/**
 * The status of a sprint on `today` (`YYYY-MM-DD`). A task in scope that is not started
 * (ready or blocked) is at risk when its estimate is more than the hours left
 * (working days left × hours per day): even started now by one person, it would not be
 * done in time. Blocked and at-risk can both be true of a task.
 */
export function sprintStatus(sprint: Sprint, source: SprintTasksSource, today: string, options: SprintStatusOptions = {}): SprintStatus {
  const hoursPerDay = options.hoursPerDay ?? FOCUSED_HOURS_PER_DAY;
  const weekdays = options.workingWeekdays ?? WORKING_WEEKDAYS;
  const { start, end } = sprint;
  let phase: SprintPhase = 'no-dates';
  let daysLeft: number | undefined;
  let startsIn: number | undefined;
  let workingDaysLeft: number | undefined;
  if (start !== undefined && end !== undefined) {
    if (today < start) {
      phase = 'upcoming';
      daysLeft = dayNumber(end) - dayNumber(start) + 1;
      startsIn = dayNumber(start) - dayNumber(today);
      workingDaysLeft = workingDaysBetween(start, end, weekdays);
    } else if (today <= end) {
      phase = 'active';
      daysLeft = dayNumber(end) - dayNumber(today);
      workingDaysLeft = workingDaysBetween(today, end, weekdays);
    } else {
      phase = 'ended';
      daysLeft = 0;
      workingDaysLeft = 0;
    }
  }
  const hoursLeft = workingDaysLeft === undefined ? undefined : workingDaysLeft * hoursPerDay;

  const analyses = new Map<string, EpicAnalysis | undefined>();
  const analysisOf = (epicId: string) => {
    if (!analyses.has(epicId)) {
      const epic = source.epic(epicId);
      analyses.set(epicId, epic ? source.analysis(epic) : undefined);
    }
    return analyses.get(epicId);
  };
  const tasks: SprintTaskStatus[] = [];
  let missing = 0;
  for (const member of sprint.members) {
    const found = analysisOf(member.epicId)?.tasks.get(member.taskId);
    if (!found) {
      // The index changed since the plan was built: the task is gone.
      missing++;
      continue;
    }
    const { task } = found;
    const hours = estimateHours(task.estimate);
    const notStarted = task.state === 'open';
    tasks.push({
      key: member.key,
      epicId: member.epicId,
      taskId: member.taskId,
      title: task.title,
      state: task.state,
      display: found.display,
      path: task.path,
      line: task.range.line,
      estimate: task.estimate,
      hours,
      blockers: found.blockers,
      atRisk: notStarted && hoursLeft !== undefined && hours > hoursLeft,
    });
  }
  const done = tasks.filter((t) => t.state === 'done');
  const remaining = tasks.filter((t) => t.state !== 'done');
  const inProgress = tasks.filter((t) => t.display === 'in-progress');
  const blocked = tasks.filter((t) => t.display === 'blocked');
  const atRisk = tasks.filter((t) => t.atRisk);
  return {
    sprint,
    today,
    phase,
    tasks,
    done,
    remaining,
    inProgress,
    blocked,
    atRisk,
    counts: {
      scope: tasks.length,
      done: done.length,
      remaining: remaining.length,
      inProgress: inProgress.length,
      blocked: blocked.length,
      atRisk: atRisk.length,
      unresolved: sprint.unresolved.length + missing,
    },
    daysLeft,
    startsIn,
    workingDaysLeft,
    hoursLeft,
    remainingHours: remaining.reduce((sum, t) => sum + t.hours, 0),
    hoursPerDay,
  };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** When the sprint ends, in a few words: `3 days left`, `last day`, `starts in 2 days`, `ended`, `no dates`. */
export function sprintTimeText(status: SprintStatus): string {
  switch (status.phase) {
    case 'no-dates':
      return 'no dates';
    case 'ended':
      return 'ended';
    case 'upcoming':
      return status.startsIn === 1 ? 'starts tomorrow' : `starts in ${plural(status.startsIn!, 'day')}`;
    case 'active':
      return status.daysLeft === 0 ? 'last day' : `${plural(status.daysLeft!, 'day')} left`;
  }
}

/** The status bar text: `Sprint 4 · 18/30 · 3 days left` (done of scope, then the time left). */
export function sprintLabel(status: SprintStatus): string {
  return `${status.sprint.name} · ${status.counts.done}/${status.counts.scope} · ${sprintTimeText(status)}`;
}

/** Backslash-escapes what markdown would read as syntax, so a title shows as written. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, '\\$&');
}

function taskLine(t: SprintTaskStatus): string {
  return `\`${t.key}\` ${escapeMarkdown(t.title)}`;
}

/**
 * A tooltip in markdown: the sprint's name and dates, its goal, then done, remaining,
 * blocked (with what each waits on), at risk and unresolved references. Every piece of
 * text from the files is escaped. At most `limit` tasks are named per list.
 */
export function sprintTooltip(status: SprintStatus, limit = 5): string {
  const { sprint, counts } = status;
  const lines: string[] = [];
  const dates = sprint.start !== undefined ? ` (${sprint.start} → ${sprint.end})` : ' (no dates)';
  lines.push(`**${escapeMarkdown(sprint.name)}**${dates} · ${sprintTimeText(status)}`);
  if (sprint.goal) lines.push(`Goal: ${escapeMarkdown(sprint.goal)}`);
  lines.push(`Done ${counts.done} of ${counts.scope} · ${counts.remaining} remaining (${counts.inProgress} in progress)`);
  const list = (title: string, items: readonly SprintTaskStatus[], detail: (t: SprintTaskStatus) => string = () => '') => {
    if (items.length === 0) return;
    lines.push(`${title} (${items.length}):`);
    for (const t of items.slice(0, limit)) lines.push(`- ${taskLine(t)}${detail(t)}`);
    if (items.length > limit) lines.push(`- and ${items.length - limit} more`);
  };
  list('Blocked', status.blocked, (t) => (t.blockers.length > 0 ? ` (waits on ${t.blockers.map((b) => escapeMarkdown(b.taskId)).join(', ')})` : ''));
  list('At risk', status.atRisk, (t) => ` (${t.hours}h, ${status.hoursLeft ?? 0}h left)`);
  if (counts.unresolved > 0) lines.push(`${plural(counts.unresolved, 'reference')} to no task`);
  return lines.join('\n\n').replace(/\n\n- /g, '\n- ');
}

// ---------------------------------------------------------------------------------
// Burndown

/** What the burndown needs beyond the status; plain data, so history or files can feed it. */
export interface SprintBurndownInput {
  /**
   * When each task was completed, by task key (`epic:task`), as an ISO date or timestamp.
   * Only tasks done now are read: a task reopened since is remaining, whatever it says.
   */
  readonly completedOn: ReadonlyMap<string, string>;
  /** The sprint's task keys as they were at its start (from the sprint file's version then); defaults to the scope now. */
  readonly scopeAtStart?: readonly string[];
}

export interface BurndownPoint {
  readonly date: string;
  /** Tasks in scope not done by the end of that day. */
  readonly remaining: number;
  readonly remainingHours: number;
  /** The straight line from the scope at the start to 0 on the last day. */
  readonly ideal: number;
  readonly idealHours: number;
}

export interface SprintBurndown {
  /** From the start to the end or today, whichever comes first; empty without dates or before the start. */
  readonly points: readonly BurndownPoint[];
  readonly scopeAtStart: number;
  readonly scopeAtStartHours: number;
  /** Task keys in scope now that were not at the start, and the other way round. */
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** Tasks done now with no completion date: counted done from the last point only, so the line ends where the files are. */
  readonly undated: readonly string[];
}

/** Keys added to and removed from a scope since it started, each in its own list's order. */
export function scopeChange(now: readonly string[], atStart: readonly string[]): { added: string[]; removed: string[] } {
  const before = new Set(atStart);
  const after = new Set(now);
  return { added: now.filter((k) => !before.has(k)), removed: atStart.filter((k) => !after.has(k)) };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

/**
 * Remaining tasks and hours per day, against the ideal line. The remaining line counts
 * the scope as it is now on every day (when each task joined is not known); `added` and
 * `removed` say how it moved. The ideal line starts from the scope at the start, in
 * tasks and in the hours those tasks count for now.
 */
export function sprintBurndown(status: SprintStatus, input: SprintBurndownInput): SprintBurndown {
  const keys = status.tasks.map((t) => t.key);
  const atStart = input.scopeAtStart ?? keys;
  const { added, removed } = scopeChange(keys, atStart);
  const hoursOf = new Map(status.tasks.map((t) => [t.key, t.hours]));
  const startCount = atStart.length;
  // A task that has left the scope or the plan counts for the hours of an unreadable estimate.
  const startHours = atStart.reduce((sum, k) => sum + (hoursOf.get(k) ?? estimateHours(undefined)), 0);
  const { start, end } = status.sprint;
  const undated: string[] = [];
  const doneDay = new Map<string, number>();
  for (const t of status.done) {
    const written = input.completedOn.get(t.key);
    const iso = readIsoDate(written);
    if (iso === undefined) undated.push(t.key);
    else doneDay.set(t.key, dayNumber(iso));
  }
  if (start === undefined || end === undefined || status.today < start) {
    return { points: [], scopeAtStart: startCount, scopeAtStartHours: startHours, added, removed, undated };
  }
  const first = dayNumber(start);
  const last = dayNumber(end);
  const shown = Math.min(last, dayNumber(status.today));
  const span = last - first;
  const points: BurndownPoint[] = [];
  for (let d = first; d <= shown; d++) {
    let remaining = 0;
    let remainingHours = 0;
    for (const t of status.tasks) {
      const doneOn = t.state === 'done' ? doneDay.get(t.key) ?? shown : undefined;
      if (doneOn !== undefined && doneOn <= d) continue;
      remaining++;
      remainingHours += t.hours;
    }
    const share = span === 0 ? 0 : (last - d) / span;
    points.push({ date: isoOfDay(d), remaining, remainingHours: round(remainingHours), ideal: round(startCount * share), idealHours: round(startHours * share) });
  }
  return { points, scopeAtStart: startCount, scopeAtStartHours: startHours, added, removed, undated };
}
