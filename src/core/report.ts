/**
 * The report models: every figure the report views and the markdown export show, worked
 * out here so that a view only draws. Each model is plain data (objects, arrays, strings,
 * numbers, booleans and null: no Map, no class, no undefined values), so it can be
 * posted to a webview or printed as JSON as it is. Absent values are null, never left
 * out, so every report has the same keys. Lines are 0-based, as everywhere in the core.
 */
import type { BlockReason, EpicAnalysis, TaskAnalysis } from './analysis';
import { analyzeEpic, explainChoice, nextTask, readyTasks } from './analysis';
import type { BurndownSeries, DayCounting, IsoDay } from './burndown';
import { burndownSeries, dayOf, parseDay, planDay } from './burndown';
import { DEFAULT_ESTIMATE_HOURS, estimateHours, readEstimate } from './estimate';
import type { TaskHistory } from './history';
import { taskKey } from './history';
import { issueUrl } from './issues';
import type { Epic, Layout, PlanState, Prd, Task, TaskDisplayState, TaskState } from './model';
import { issueNumberFrom } from './parse/common';
import { epicsOfPrd, percentOf, prdOfEpic, progressOf, stateOfTasks } from './progress';
import type { StatusConflict } from './validate';
import { statusConflict } from './validate';
import type { Standup } from './standup';
import { buildStandup } from './standup';
import { dirName } from './text';

/** Done, in progress and total tasks, and the percentage done (0..100, rounded; 0 when there are none). */
export interface ReportProgress {
  readonly done: number;
  readonly inProgress: number;
  readonly total: number;
  readonly percent: number;
}

/** Tasks by the state the views show (EpicAnalysis.counts). */
export interface ReportCounts {
  readonly total: number;
  readonly done: number;
  readonly inProgress: number;
  readonly ready: number;
  readonly blocked: number;
}

/**
 * Hours of work, each task counted by estimateHours: what its estimate says (the upper
 * end of `2-3 days`, a T-shirt size as hours), else DEFAULT_ESTIMATE_HOURS.
 */
export interface ReportHours {
  /** Hours of done tasks. */
  readonly done: number;
  /** Hours of tasks not done (in progress ones included). */
  readonly remaining: number;
  /** Of `remaining`, hours of tasks in progress. */
  readonly inProgress: number;
  readonly total: number;
  /** Tasks with no estimate at all, counted as `countedAs` hours each. */
  readonly unestimated: number;
  /** Tasks whose estimate was written but not understood (`TBD`), counted as `countedAs` hours each. */
  readonly unreadable: number;
  /** The hours a missing or unreadable estimate counts for. */
  readonly countedAs: number;
}

/** A date as written and the day it names (null when it names none: `TBD`, `next week`). */
export interface ReportDate {
  readonly written: string;
  readonly day: IsoDay | null;
}

/** A linked GitHub issue; `url` is null when neither the task nor its epic names a repository. */
export interface ReportIssue {
  readonly number: number;
  readonly url: string | null;
}

/** The status as written, and whether the tasks contradict it. */
export interface ReportStatus {
  /** As written (`In Progress`, `backlog`), or null. */
  readonly written: string | null;
  /** What the written status means. */
  readonly state: PlanState;
  /** What the tasks say (done when all are, in progress once one is started); null when there are no tasks. */
  readonly tasksState: PlanState | null;
  /** How the tasks contradict the status (validate.ts statusConflict), or null. */
  readonly conflict: StatusConflict | null;
  /** The contradiction in plain words, or null. */
  readonly conflictText: string | null;
}

/** The PRD an epic names, and whether it was found. */
export interface ReportPrdLink {
  /** As the epic writes it (`PRD-001`, `.claude/prds/team-calendar.md`). */
  readonly written: string;
  /** The PRD found for it, or null when no PRD by that name exists. */
  readonly id: string | null;
  readonly title: string | null;
  readonly path: string | null;
  /** Whether a PRD was found; null when no PRDs were given to look in. */
  readonly found: boolean | null;
}

export interface ReportTask {
  /** `<epicId>:<taskId>`, the key the history and the sprint model use. */
  readonly key: string;
  readonly id: string;
  /** The id as people say it: `T3`, `#43` for a file named after its issue, `001` before a sync. */
  readonly label: string;
  readonly title: string;
  readonly state: TaskDisplayState;
  /** The state the file gives, before dependencies are considered. */
  readonly taskState: TaskState;
  /** The status as written, when it came from a field; null for a checkbox. */
  readonly status: string | null;
  /** The estimate as written (`2-3 days`, `M`), or null. */
  readonly estimate: string | null;
  /** The hours the estimate says, or null when there is none or it is not understood. */
  readonly estimateHours: number | null;
  /** The hours the task counts for in totals and scheduling. */
  readonly countedHours: number;
  readonly group: string | null;
  readonly agent: string | null;
  readonly priority: string | null;
  readonly dependsOn: readonly string[];
  /** Tasks that wait for this one. */
  readonly dependents: readonly string[];
  readonly issue: ReportIssue | null;
  readonly onCriticalPath: boolean;
  /**
   * False for a task whose id an earlier task of the epic already uses: it is listed but
   * not scheduled, and not among the ready or blocked counts.
   */
  readonly scheduled: boolean;
  /** Why the file cannot be scheduled (`empty`, `no-frontmatter`, `unclosed-frontmatter`), or null. */
  readonly incomplete: 'empty' | 'no-frontmatter' | 'unclosed-frontmatter' | null;
  /** The file, relative to the workspace folder, and the 0-based line to open it at. */
  readonly path: string;
  readonly line: number;
}

export interface ReportBlocker {
  /** The task waited for (the blocked task itself for `marked-blocked`, `incomplete`). */
  readonly taskId: string;
  /** Its title, or null when it is no task of the epic. */
  readonly title: string | null;
  readonly reason: BlockReason;
  /** The reason in plain words: `T3 Link table is in progress`. */
  readonly text: string;
}

export interface ReportBlockedTask {
  readonly id: string;
  readonly label: string;
  readonly title: string;
  readonly path: string;
  readonly line: number;
  readonly blockers: readonly ReportBlocker[];
  /** Every blocker in one sentence: `Waits for T3 Link table (in progress) and T6 SSO (not started).` */
  readonly text: string;
}

export interface ReportReadyTask {
  readonly epicId: string;
  readonly id: string;
  readonly label: string;
  readonly title: string;
  readonly path: string;
  readonly line: number;
  /** Why it is where it is in the order, as analysis.ts explainChoice says. */
  readonly reason: string;
  readonly onCriticalPath: boolean;
  /** Hours of unfinished work on the longest chain it starts. */
  readonly remainingHours: number;
  /** Unfinished tasks waiting on it, directly or not. */
  readonly unblocks: number;
  readonly priority: string | null;
}

/** The task to do next and why (analysis.ts nextTask). */
export interface ReportNextTask {
  readonly epicId: string;
  readonly id: string;
  readonly label: string;
  readonly title: string;
  readonly path: string;
  readonly line: number;
  readonly reason: string;
}

export interface ReportGroup extends ReportProgress {
  readonly name: string;
  readonly taskIds: readonly string[];
  readonly line: number;
}

export interface ReportMilestone extends ReportProgress {
  readonly id: string;
  readonly title: string;
  /** As written (`Day 2`), or null. */
  readonly when: string | null;
  /** The day it falls on (see milestoneDate), or null. */
  readonly date: IsoDay | null;
  /** Why `date` is null, in plain words; null when there is a date. */
  readonly dateNote: string | null;
  /** The tasks it names that the epic has. */
  readonly taskIds: readonly string[];
  /** The tasks it names that the epic does not have: counted in no figure. */
  readonly unknownTaskIds: readonly string[];
  readonly path: string;
  readonly line: number;
}

export interface ReportTaskIssue extends ReportIssue {
  readonly taskId: string;
  readonly title: string;
}

/** The status report of one epic. */
export interface EpicReport extends ReportEpicSummary {
  readonly kind: 'epic';
  readonly groups: readonly ReportGroup[];
  readonly milestones: readonly ReportMilestone[];
  /** Blocked tasks in document order. */
  readonly blocked: readonly ReportBlockedTask[];
  /** Ready tasks in recommended order. */
  readonly ready: readonly ReportReadyTask[];
  /** The first of `ready`, with the reason nextTask gives; null when nothing is ready. */
  readonly next: ReportNextTask | null;
  /** Why nothing is ready, when nothing is; null otherwise. */
  readonly nothingReady: string | null;
  /** The longest chain of unfinished work, task ids in order. */
  readonly criticalPath: readonly string[];
  /** Dependency cycles, task ids in order. */
  readonly cycles: readonly (readonly string[])[];
  /** Tasks linked to an issue, in document order. */
  readonly issues: readonly ReportTaskIssue[];
  /** Every task, in document order. */
  readonly tasks: readonly ReportTask[];
  /** The epic's burndown, when a history was given (see epicBurndown); else null. */
  readonly burndown: BurndownSeries | null;
}

export interface ReportOptions {
  /** How `Day N` milestones are counted from an epic's start: working days (the default) or calendar days. */
  readonly dayCounting?: DayCounting;
  /** Task events (history.ts buildTaskHistory), for the burndown. */
  readonly history?: TaskHistory;
  /** The last day of a burndown; without it, the last day with an event (or the target). */
  readonly today?: IsoDay;
  /** The PRDs, to find the one an epic names. */
  readonly prds?: readonly Prd[];
  /** The epic's analysis, when the caller has it cached (PlanIndex.analysis). */
  readonly analysis?: EpicAnalysis;
}

const PLAN_STATE_WORDS: Readonly<Record<TaskState, string>> = { open: 'not started', 'in-progress': 'in progress', done: 'done' };

function labelOf(task: Task): string {
  return /^\d+$/.test(task.id) && task.issue === Number(task.id) ? `#${task.id}` : task.id;
}

function named(task: Task): string {
  return task.title === '' ? labelOf(task) : `${labelOf(task)} ${task.title}`;
}

function epicIssue(epic: Epic): ReportIssue | null {
  const number = issueNumberFrom(epic.github);
  if (number === undefined) return null;
  return { number, url: epic.github !== undefined && /^https?:\/\//.test(epic.github) ? epic.github : null };
}

function dateOf(written: string | undefined): ReportDate | null {
  if (written === undefined || written.trim() === '') return null;
  return { written, day: parseDay(written) ?? null };
}

function metadataString(metadata: Readonly<Record<string, unknown>>, ...keys: string[]): string | null {
  for (const key of keys) {
    const value = metadata[key];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  return null;
}

/** The contradiction between a written status and the tasks, in words. */
export function statusConflictText(conflict: StatusConflict, status: string, counts: { readonly total: number; readonly done: number }): string {
  switch (conflict) {
    case 'done-but-open':
      return `The status says "${status}", but ${counts.total - counts.done} of ${counts.total} tasks are not done.`;
    case 'not-started-but-done':
      return `The status says "${status}", but ${counts.done} of ${counts.total} tasks are done.`;
    case 'all-done-but-open':
      return `Every task is done (${counts.done} of ${counts.total}), but the status says "${status}".`;
  }
}

function statusOf(plan: Epic | Prd, counts: { readonly total: number; readonly done: number; readonly inProgress: number }): ReportStatus {
  const conflict = statusConflict(plan, counts) ?? null;
  return {
    written: plan.status ?? null,
    state: plan.state,
    tasksState: counts.total > 0 ? stateOfTasks(counts) : null,
    conflict,
    conflictText: conflict !== null && plan.status !== undefined ? statusConflictText(conflict, plan.status, counts) : null,
  };
}

function prdLinkOf(epic: Epic, prds: readonly Prd[] | undefined, epics: readonly Epic[]): ReportPrdLink | null {
  if (epic.prd === undefined) return null;
  const prd = prds && prdOfEpic(epic, prds, epics);
  return { written: epic.prd, id: prd?.id ?? null, title: prd?.title ?? null, path: prd?.path ?? null, found: prds === undefined ? null : prd !== undefined };
}

/** The hours of a set of tasks (see ReportHours). */
export function hoursOf(tasks: readonly Task[]): ReportHours {
  let done = 0;
  let remaining = 0;
  let inProgress = 0;
  let unestimated = 0;
  let unreadable = 0;
  for (const task of tasks) {
    const hours = estimateHours(task.estimate);
    if (task.estimate === undefined) unestimated++;
    else if (readEstimate(task.estimate) === undefined) unreadable++;
    if (task.state === 'done') done += hours;
    else remaining += hours;
    if (task.state === 'in-progress') inProgress += hours;
  }
  const round = (n: number) => Math.round(n * 100) / 100;
  return { done: round(done), remaining: round(remaining), inProgress: round(inProgress), total: round(done + remaining), unestimated, unreadable, countedAs: DEFAULT_ESTIMATE_HOURS };
}

function blockerText(blocker: ReportBlocker['reason'], blocked: Task, other: Task | undefined, id: string): string {
  switch (blocker) {
    case 'not-done':
      return `${other ? named(other) : id} is ${other ? PLAN_STATE_WORDS[other.state] : 'not done'}`;
    case 'unknown':
      return `${id} is not a task of this epic`;
    case 'cycle':
      return `${other ? named(other) : id} is in a dependency cycle with it`;
    case 'marked-blocked':
      return `its status says ${blocked.rawStatus ?? 'blocked'}`;
    case 'incomplete':
      return blocked.incomplete === 'empty'
        ? 'its file is empty'
        : blocked.incomplete === 'unclosed-frontmatter'
          ? 'its frontmatter is never closed, so its status cannot be read'
          : 'its file has no frontmatter, so its status cannot be read';
  }
}

function blockedOf(t: TaskAnalysis, analysis: EpicAnalysis): ReportBlockedTask {
  const blockers = t.blockers.map((b): ReportBlocker => {
    const other = analysis.tasks.get(b.taskId)?.task;
    return { taskId: b.taskId, title: other ? other.title : null, reason: b.reason, text: blockerText(b.reason, t.task, other, b.taskId) };
  });
  const texts = blockers.map((b) => b.text);
  const joined = texts.length <= 2 ? texts.join(' and ') : `${texts.slice(0, -1).join('; ')}; and ${texts[texts.length - 1]}`;
  return {
    id: t.task.id,
    label: labelOf(t.task),
    title: t.task.title,
    path: t.task.path,
    line: t.task.range.line,
    blockers,
    text: `Blocked: ${joined}.`,
  };
}

function readyOf(epic: Epic, t: TaskAnalysis, analysis: EpicAnalysis): ReportReadyTask {
  return {
    epicId: epic.id,
    id: t.task.id,
    label: labelOf(t.task),
    title: t.task.title,
    path: t.task.path,
    line: t.task.range.line,
    reason: explainChoice(t, analysis),
    onCriticalPath: t.onCriticalPath,
    remainingHours: t.remainingHours,
    unblocks: t.unblocks,
    priority: t.task.priority ?? null,
  };
}

function nothingReadyText(counts: ReportCounts): string | null {
  if (counts.ready > 0) return null;
  if (counts.total === 0) return 'The epic has no tasks.';
  if (counts.done === counts.total) return 'Every task is done.';
  return `Nothing is ready: ${counts.blocked} blocked, ${counts.inProgress} in progress.`;
}

/** `Day 3`, `Days 3-4` (the last), `D3`: the day number, or undefined. */
function dayNumber(when: string): number | undefined {
  const match = /^(?:days?|d)\s*(\d+)(?:\s*(?:-|–|to)\s*(\d+))?$/i.exec(when.trim());
  return match ? Number(match[2] ?? match[1]) : undefined;
}

/** `Week 2`: the week number, or undefined. */
function weekNumber(when: string): number | undefined {
  const match = /^(?:weeks?|w)\s*(\d+)(?:\s*(?:-|–|to)\s*(\d+))?$/i.exec(when.trim());
  return match ? Number(match[2] ?? match[1]) : undefined;
}

/**
 * The day a milestone falls on. `Day N` counts from the epic's start date, Day 1 being
 * the start itself; by default in working days (Monday to Friday: a two-week epic's
 * `Day 10` is its second Friday), or in calendar days. `Week N` is the last day of the
 * Nth week (Day 5N in working days, 7N in calendar days). A date written as the `when`
 * (`**M1 (2026-03-12):**`) is taken as it is. Undefined, with the reason, otherwise.
 */
export function milestoneDate(when: string | undefined, start: string | undefined, counting: DayCounting): { date: IsoDay } | { note: string } {
  if (when === undefined || when.trim() === '') return { note: 'No date is given.' };
  const direct = parseDay(when);
  if (direct !== undefined) return { date: direct };
  const week = weekNumber(when);
  const n = dayNumber(when) ?? (week !== undefined ? week * (counting === 'working' ? 5 : 7) : undefined);
  if (n === undefined) return { note: `"${when}" is neither a day number nor a date.` };
  if (start === undefined) return { note: `The epic has no start date to count ${when} from.` };
  const startDay = parseDay(start);
  if (startDay === undefined) return { note: `The epic's start date "${start}" is not a date, so ${when} cannot be placed.` };
  return { date: planDay(startDay, n, counting) };
}

function milestonesOf(epic: Epic, counting: DayCounting): ReportMilestone[] {
  const byId = new Map<string, Task>();
  for (const task of epic.tasks) if (!byId.has(task.id)) byId.set(task.id, task);
  return epic.milestones.map((m) => {
    const known = m.taskIds.filter((id) => byId.has(id));
    const placed = milestoneDate(m.when, epic.start, counting);
    return {
      id: m.id,
      title: m.title,
      when: m.when ?? null,
      date: 'date' in placed ? placed.date : null,
      dateNote: 'note' in placed ? placed.note : null,
      taskIds: known,
      unknownTaskIds: m.taskIds.filter((id) => !byId.has(id)),
      path: epic.path,
      line: m.range.line,
      ...progressOf(known.map((id) => byId.get(id)!)),
    };
  });
}

function taskOf(epic: Epic, task: Task, analysis: EpicAnalysis): ReportTask {
  const own = analysis.tasks.get(task.id);
  const scheduled = own?.task === task;
  const display: TaskDisplayState = scheduled ? own!.display : task.state === 'done' ? 'done' : task.state === 'in-progress' ? 'in-progress' : 'blocked';
  const url = issueUrl(epic, task);
  return {
    key: taskKey(epic.id, task.id),
    id: task.id,
    label: labelOf(task),
    title: task.title,
    state: display,
    taskState: task.state,
    status: task.rawStatus ?? null,
    estimate: task.estimate ?? null,
    estimateHours: readEstimate(task.estimate) ?? null,
    countedHours: estimateHours(task.estimate),
    group: task.group ?? null,
    agent: task.agent ?? null,
    priority: task.priority ?? null,
    dependsOn: [...task.dependsOn],
    dependents: scheduled ? [...own!.dependents] : [],
    issue: task.issue !== undefined ? { number: task.issue, url: url ?? null } : null,
    onCriticalPath: scheduled && own!.onCriticalPath,
    scheduled,
    incomplete: task.incomplete ?? null,
    path: task.path,
    line: task.range.line,
  };
}

/**
 * The burndown of an epic: from its start (or its first event) to `today` (or its last
 * event, or its target), with the ideal line from start to target when both are dates.
 */
export function epicBurndown(epic: Epic, history: TaskHistory, today?: IsoDay): BurndownSeries | null {
  const prefix = `${epic.id}:`;
  const include = (key: string) => key.startsWith(prefix) && key.indexOf(':', prefix.length) === -1;
  return burndownFor(history, include, parseDay(epic.start), parseDay(epic.target), today);
}

function burndownFor(history: TaskHistory, include: (key: string) => boolean, start: IsoDay | undefined, target: IsoDay | undefined, today: IsoDay | undefined): BurndownSeries | null {
  const days = history.events.filter((e) => include(e.key)).map((e) => dayOf(e.date)).filter((d): d is IsoDay => d !== undefined).sort();
  const from = start ?? days[0];
  if (from === undefined) return null;
  const last = [today, days[days.length - 1], target].filter((d): d is IsoDay => d !== undefined)[0] ?? from;
  return burndownSeries(history.events, {
    from,
    to: last,
    include,
    knownTasks: history.tasks.map((t) => t.key),
    ...(start !== undefined && target !== undefined ? { idealFrom: start, idealTo: target } : {}),
  });
}

/** The status report of one epic (see EpicReport). */
export function buildEpicReport(epic: Epic, options: ReportOptions = {}): EpicReport {
  const analysis = options.analysis && options.analysis.epic === epic ? options.analysis : analyzeEpic(epic);
  const counting = options.dayCounting ?? 'working';
  const counts = analysis.counts;
  const next = nextTask([analysis]);
  const tasks = epic.tasks.map((t) => taskOf(epic, t, analysis));
  return {
    kind: 'epic',
    ...summaryOf(epic, analysis, options.prds, [epic]),
    groups: epic.groups.map((g) => {
      const own = g.taskIds.map((id) => epic.tasks.find((t) => t.id === id)).filter((t): t is Task => t !== undefined);
      return { name: g.name, taskIds: [...g.taskIds], line: g.range.line, ...progressOf(own) };
    }),
    milestones: milestonesOf(epic, counting),
    blocked: analysis.blocked.map((t) => blockedOf(t, analysis)),
    ready: analysis.ready.map((t) => readyOf(epic, t, analysis)),
    next: next
      ? { epicId: epic.id, id: next.task.task.id, label: labelOf(next.task.task), title: next.task.task.title, path: next.task.task.path, line: next.task.task.range.line, reason: next.reason }
      : null,
    nothingReady: nothingReadyText(counts),
    criticalPath: [...analysis.criticalPath],
    cycles: analysis.cycles.map((c) => [...c]),
    issues: tasks.filter((t) => t.issue !== null).map((t) => ({ taskId: t.id, title: t.title, number: t.issue!.number, url: t.issue!.url })),
    tasks,
    burndown: options.history ? epicBurndown(epic, options.history, options.today) : null,
  };
}

// ---------------------------------------------------------------------------------
// The project report

/** One PRD with its epics. */
export interface ReportPrd {
  readonly id: string;
  readonly title: string;
  readonly path: string;
  readonly line: number;
  readonly status: ReportStatus;
  readonly owner: string | null;
  readonly created: ReportDate | null;
  /** Over the tasks of all its epics. */
  readonly progress: ReportProgress;
  readonly hours: ReportHours;
  /** Its epics (progress.ts epicsOfPrd), in epic order; empty for a PRD not broken down yet. */
  readonly epicIds: readonly string[];
}

/** One epic, in brief. */
export interface ReportEpicSummary {
  readonly id: string;
  readonly title: string;
  readonly layout: Layout;
  readonly path: string;
  readonly line: number;
  readonly status: ReportStatus;
  /** The PRD it names; `id` is null when no PRD has that name. Null when it names none. */
  readonly prd: ReportPrdLink | null;
  readonly start: ReportDate | null;
  readonly target: ReportDate | null;
  readonly owner: string | null;
  readonly issue: ReportIssue | null;
  readonly progress: ReportProgress;
  readonly counts: ReportCounts;
  readonly hours: ReportHours;
}

export type DeliverableCategory = 'PRD' | 'Epic' | 'Task' | 'Spec';

/**
 * The measure of a deliverable: tasks for a PRD (those of its epics) and for an epic,
 * the estimate in hours for a task (null when it has none or it is not understood),
 * lines for a spec file whose size is known.
 */
export interface DeliverableSize {
  readonly value: number;
  readonly unit: 'tasks' | 'hours' | 'lines';
  /** For people: `6 tasks`, `2-3 days (24h)`, `120 lines`. */
  readonly text: string;
}

/** A row of the deliverables matrix. */
export interface DeliverableRow {
  readonly category: DeliverableCategory;
  /** The PRD's, epic's or task's id; the path for a spec. */
  readonly id: string;
  readonly title: string;
  /** The status as written; for a single-file task, `done`/`in progress`/`not started`; for a spec, `missing` when the file does not exist, else null. */
  readonly status: string | null;
  /** The state shown: a plan state for PRDs and epics, the display state for tasks; null for specs. */
  readonly state: PlanState | TaskDisplayState | null;
  /** The PRD's owner, the epic's owner (`owner`, `lead`, `assignee`), the task's agent; null when none. */
  readonly owner: string | null;
  readonly size: DeliverableSize | null;
  /** The file's size, when the caller could tell (ProjectReportOptions.fileInfo). */
  readonly file: { readonly bytes: number; readonly lines: number } | null;
  readonly path: string;
  /** 0-based line of the title or task line; null for a spec. */
  readonly line: number | null;
  /** The row this one belongs to: the epic of a task, the PRD of an epic, the first document linking a spec. */
  readonly parent: { readonly category: DeliverableCategory; readonly id: string } | null;
  /** For a spec: every PRD or epic file that links to it. Empty for other rows. */
  readonly linkedFrom: readonly string[];
}

export interface RoadmapEpic {
  readonly epicId: string;
  readonly title: string;
  /** The start and target days; one of them may be null (an epic with only a target is a point in time). */
  readonly start: IsoDay | null;
  readonly end: IsoDay | null;
  readonly state: PlanState;
  readonly percent: number;
  readonly path: string;
  readonly line: number;
  /** Something wrong with the dates, in words (a target before the start, one date unreadable); else null. */
  readonly note: string | null;
}

export interface RoadmapMilestone {
  readonly epicId: string;
  readonly id: string;
  readonly title: string;
  readonly when: string | null;
  readonly date: IsoDay;
  readonly done: number;
  readonly total: number;
  readonly percent: number;
  readonly path: string;
  readonly line: number;
}

/** An epic or milestone with no place on the time line, and why. */
export interface RoadmapUnscheduled {
  readonly kind: 'epic' | 'milestone';
  readonly epicId: string;
  /** The epic's id, or the milestone's (`M2`). */
  readonly id: string;
  readonly title: string;
  readonly reason: string;
  readonly path: string;
  readonly line: number;
}

/** Epics and milestones on a time line. */
export interface Roadmap {
  /** How `Day N` milestones were counted from their epic's start. */
  readonly dayCounting: DayCounting;
  /** The first and last day of anything scheduled; null when nothing is. */
  readonly from: IsoDay | null;
  readonly to: IsoDay | null;
  /** By start (or end) day, then epic order. */
  readonly epics: readonly RoadmapEpic[];
  /** By date, then epic order. */
  readonly milestones: readonly RoadmapMilestone[];
  /** Nothing is dropped: what has no date is listed here. */
  readonly unscheduled: readonly RoadmapUnscheduled[];
}

/** The report of a whole workspace folder's plans. */
export interface ProjectReport {
  readonly kind: 'project';
  /** Over every task of every epic. */
  readonly progress: ReportProgress;
  readonly counts: ReportCounts;
  readonly hours: ReportHours;
  readonly prds: readonly ReportPrd[];
  readonly epics: readonly ReportEpicSummary[];
  /** Epics that name no PRD. */
  readonly epicsWithoutPrd: readonly string[];
  /** Epics that name a PRD no file is. */
  readonly epicsWithUnknownPrd: readonly string[];
  /** The task to do next across epics, or null. */
  readonly next: ReportNextTask | null;
  /** Every ready task across epics, in recommended order. */
  readonly ready: readonly ReportReadyTask[];
  readonly deliverables: readonly DeliverableRow[];
  readonly roadmap: Roadmap;
  /** The burndown of every task, when a history was given; else null. */
  readonly burndown: BurndownSeries | null;
  /** Done since the last working day, in progress, blocked and next, when `today` was given; else null. */
  readonly standup: Standup | null;
}

export interface ProjectReportOptions extends Omit<ReportOptions, 'prds' | 'analysis'> {
  /** Cached analyses (PlanIndex.analysis); each epic is analysed afresh without it. */
  readonly analysis?: (epic: Epic) => EpicAnalysis;
  /** The text of a PRD or epic file, to find the spec files it links to; no spec rows without it. */
  readonly readText?: (path: string) => string | undefined;
  /**
   * Bytes and lines of a file (a plan file or a spec), or undefined when it does not
   * exist. When given, specs that do not exist are marked `missing`.
   */
  readonly fileInfo?: (path: string) => { readonly bytes: number; readonly lines: number } | undefined;
}

function summaryOf(epic: Epic, analysis: EpicAnalysis, prds: readonly Prd[] | undefined, epics: readonly Epic[]): ReportEpicSummary {
  return {
    id: epic.id,
    title: epic.title,
    layout: epic.layout,
    path: epic.path,
    line: epic.range.line,
    status: statusOf(epic, analysis.counts),
    prd: prdLinkOf(epic, prds, epics),
    start: dateOf(epic.start),
    target: dateOf(epic.target),
    owner: metadataString(epic.metadata, 'owner', 'lead', 'assignee'),
    issue: epicIssue(epic),
    progress: { ...progressOf(epic.tasks) },
    counts: { ...analysis.counts },
    hours: hoursOf(epic.tasks),
  };
}

/** `/docs/../a.md` → `a.md`; undefined for a path that climbs above the workspace folder. */
function normalisePath(path: string): string | undefined {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) return undefined;
      out.pop();
    } else out.push(part);
  }
  return out.length > 0 ? out.join('/') : undefined;
}

/**
 * The files a plan document links to, relative to the workspace folder, in order of
 * first appearance. Read from the text: inline links `[text](target "title")`, angle
 * bracket targets `[text](<a b.md>)`, and reference definitions `[id]: target`. Left out:
 * images (`![...](...)`), links inside fenced code blocks and inline code, web and mail
 * addresses (any `scheme:`), links within the document (`#section`), and paths that
 * climb out of the workspace folder. A target is read relative to the document's folder
 * (`/docs/x.md` from the workspace folder); `#fragment` and `?query` are dropped and
 * `%20` decoded.
 */
export function linkedFiles(documentPath: string, text: string): string[] {
  const found: string[] = [];
  const add = (raw: string) => {
    let target = raw.trim();
    if (target.startsWith('<') && target.includes('>')) target = target.slice(1, target.indexOf('>'));
    else target = target.split(/\s+/)[0];
    if (target === '' || target.startsWith('#') || /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) return;
    target = target.replace(/[#?].*$/, '');
    try {
      target = decodeURIComponent(target);
    } catch {
      // A stray `%` is a character of the name.
    }
    const base = target.startsWith('/') ? '' : dirName(documentPath);
    const path = normalisePath(base === '' ? target : `${base}/${target}`);
    if (path !== undefined && !found.includes(path)) found.push(path);
  };
  let fence: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    const opening = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (fence !== undefined) {
      if (opening && opening[1][0] === fence[0] && opening[1].length >= fence.length && line.trim() === opening[1]) fence = undefined;
      continue;
    }
    if (opening) {
      fence = opening[1];
      continue;
    }
    const definition = /^\s{0,3}\[[^\]]+\]:\s*(\S.*)$/.exec(line);
    if (definition) {
      add(definition[1]);
      continue;
    }
    const prose = line.replace(/`[^`]*`/g, '');
    const link = /(!?)\[(?:[^\]\\]|\\.)*\]\(\s*(<[^>]*>|[^)\s]+(?:\s+"[^"]*")?)\s*\)/g;
    for (let m = link.exec(prose); m !== null; m = link.exec(prose)) if (m[1] !== '!') add(m[2]);
  }
  return found;
}

function sizeText(value: number, unit: string): string {
  return `${value} ${value === 1 ? unit.replace(/s$/, '') : unit}`;
}

function formatHours(hours: number): string {
  return `${Number.isInteger(hours) ? hours : hours.toFixed(1)}h`;
}

/** Whether an estimate is already written in hours (`3 hours`, `2h`), so it needs no translation. */
function saysHours(estimate: string, hours: number): boolean {
  return new RegExp(`^${String(hours).replace('.', '\\.')}\\s*(?:h|hrs?|hours?)$`, 'i').test(estimate.trim());
}

function taskState(task: Task): string {
  return PLAN_STATE_WORDS[task.state];
}

function deliverablesOf(
  prds: readonly Prd[],
  epics: readonly Epic[],
  analyses: ReadonlyMap<Epic, EpicAnalysis>,
  options: ProjectReportOptions,
): DeliverableRow[] {
  const rows: DeliverableRow[] = [];
  const file = (path: string) => options.fileInfo?.(path) ?? null;
  const shown = new Set<string>();
  const specs = new Map<string, { from: string[]; parent: DeliverableRow['parent'] }>();
  const readLinks = (path: string, parent: NonNullable<DeliverableRow['parent']>) => {
    const text = options.readText?.(path);
    if (text === undefined) return;
    for (const target of linkedFiles(path, text)) {
      const spec = specs.get(target);
      if (spec) {
        if (!spec.from.includes(path)) spec.from.push(path);
      } else specs.set(target, { from: [path], parent });
    }
  };
  const epicRows = (epic: Epic, parent: DeliverableRow['parent']) => {
    if (shown.has(epic.path)) return;
    const analysis = analyses.get(epic)!;
    shown.add(epic.path);
    rows.push({
      category: 'Epic',
      id: epic.id,
      title: epic.title,
      status: epic.status ?? null,
      state: analysis.counts.total > 0 ? stateOfTasks(analysis.counts) : epic.state,
      owner: metadataString(epic.metadata, 'owner', 'lead', 'assignee'),
      size: { value: epic.tasks.length, unit: 'tasks', text: sizeText(epic.tasks.length, 'tasks') },
      file: file(epic.path),
      path: epic.path,
      line: epic.range.line,
      parent,
      linkedFrom: [],
    });
    readLinks(epic.path, { category: 'Epic', id: epic.id });
    for (const task of epic.tasks) {
      const own = analysis.tasks.get(task.id);
      const hours = readEstimate(task.estimate);
      if (task.path !== epic.path) shown.add(task.path);
      rows.push({
        category: 'Task',
        id: task.id,
        title: task.title,
        status: task.rawStatus ?? taskState(task),
        state: own?.task === task ? own.display : task.state === 'open' ? 'blocked' : task.state,
        owner: task.agent ?? null,
        size:
          hours !== undefined
            ? { value: hours, unit: 'hours', text: saysHours(task.estimate!, hours) ? task.estimate!.trim() : `${task.estimate!.trim()} (${formatHours(hours)})` }
            : null,
        file: task.path !== epic.path ? file(task.path) : null,
        path: task.path,
        line: task.range.line,
        parent: { category: 'Epic', id: epic.id },
        linkedFrom: [],
      });
    }
  };
  for (const prd of prds) {
    const own = epicsOfPrd(prd, epics);
    const tasks = own.reduce((n, e) => n + e.tasks.length, 0);
    shown.add(prd.path);
    rows.push({
      category: 'PRD',
      id: prd.id,
      title: prd.title,
      status: prd.status ?? null,
      state: prd.state,
      owner: prd.owner ?? metadataString(prd.metadata, 'author', 'lead'),
      size: { value: tasks, unit: 'tasks', text: `${sizeText(tasks, 'tasks')} in ${sizeText(own.length, 'epics')}` },
      file: file(prd.path),
      path: prd.path,
      line: prd.range.line,
      parent: null,
      linkedFrom: [],
    });
    readLinks(prd.path, { category: 'PRD', id: prd.id });
    for (const epic of own) epicRows(epic, { category: 'PRD', id: prd.id });
  }
  for (const epic of epics) epicRows(epic, null);
  for (const [path, spec] of specs) {
    // A link to another plan document is already a row of its own.
    if (shown.has(path)) continue;
    const info = options.fileInfo ? options.fileInfo(path) : undefined;
    rows.push({
      category: 'Spec',
      id: path,
      title: path.slice(path.lastIndexOf('/') + 1),
      status: options.fileInfo && info === undefined ? 'missing' : null,
      state: null,
      owner: null,
      size: info ? { value: info.lines, unit: 'lines', text: sizeText(info.lines, 'lines') } : null,
      file: info ?? null,
      path,
      line: null,
      parent: spec.parent,
      linkedFrom: spec.from,
    });
  }
  return rows;
}

function roadmapOf(epics: readonly Epic[], counting: DayCounting): Roadmap {
  const scheduled: RoadmapEpic[] = [];
  const milestones: RoadmapMilestone[] = [];
  const unscheduled: RoadmapUnscheduled[] = [];
  for (const epic of epics) {
    const start = parseDay(epic.start);
    const end = parseDay(epic.target);
    const notes: string[] = [];
    if (epic.start !== undefined && start === undefined) notes.push(`The start date "${epic.start}" is not a date.`);
    if (epic.target !== undefined && end === undefined) notes.push(`The target date "${epic.target}" is not a date.`);
    if (start !== undefined && end !== undefined && end < start) notes.push(`The target (${end}) is before the start (${start}).`);
    const progress = progressOf(epic.tasks);
    if (start === undefined && end === undefined) {
      unscheduled.push({
        kind: 'epic',
        epicId: epic.id,
        id: epic.id,
        title: epic.title,
        reason: notes.length > 0 ? notes.join(' ') : 'No start or target date is given.',
        path: epic.path,
        line: epic.range.line,
      });
    } else {
      scheduled.push({
        epicId: epic.id,
        title: epic.title,
        start: start ?? null,
        end: end ?? null,
        state: progress.total > 0 ? stateOfTasks(progress) : epic.state,
        percent: progress.percent,
        path: epic.path,
        line: epic.range.line,
        note: notes.length > 0 ? notes.join(' ') : null,
      });
    }
    for (const m of milestonesOf(epic, counting)) {
      if (m.date === null) {
        unscheduled.push({ kind: 'milestone', epicId: epic.id, id: m.id, title: m.title, reason: m.dateNote ?? 'No date is given.', path: m.path, line: m.line });
      } else {
        milestones.push({ epicId: epic.id, id: m.id, title: m.title, when: m.when, date: m.date, done: m.done, total: m.total, percent: m.percent, path: m.path, line: m.line });
      }
    }
  }
  // Sorts are stable: epic order breaks ties.
  scheduled.sort((a, b) => ((a.start ?? a.end)! < (b.start ?? b.end)! ? -1 : (a.start ?? a.end)! > (b.start ?? b.end)! ? 1 : 0));
  milestones.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const days = [...scheduled.flatMap((e) => [e.start, e.end]), ...milestones.map((m) => m.date)].filter((d): d is IsoDay => d !== null).sort();
  return { dayCounting: counting, from: days[0] ?? null, to: days[days.length - 1] ?? null, epics: scheduled, milestones, unscheduled };
}

/** The report of every PRD and epic (see ProjectReport). */
export function buildProjectReport(plan: { readonly prds: readonly Prd[]; readonly epics: readonly Epic[] }, options: ProjectReportOptions = {}): ProjectReport {
  const { prds, epics } = plan;
  const analysisOf = options.analysis ?? analyzeEpic;
  const analyses = new Map<Epic, EpicAnalysis>();
  for (const epic of epics) analyses.set(epic, analysisOf(epic));
  const list = epics.map((e) => analyses.get(e)!);
  const allTasks = epics.flatMap((e) => e.tasks);
  const counts = list.reduce<ReportCounts>(
    (sum, a) => ({ total: sum.total + a.counts.total, done: sum.done + a.counts.done, inProgress: sum.inProgress + a.counts.inProgress, ready: sum.ready + a.counts.ready, blocked: sum.blocked + a.counts.blocked }),
    { total: 0, done: 0, inProgress: 0, ready: 0, blocked: 0 },
  );
  const summaries = epics.map((e) => summaryOf(e, analyses.get(e)!, prds, epics));
  const next = nextTask(list);
  const counting = options.dayCounting ?? 'working';
  return {
    kind: 'project',
    progress: { done: counts.done, inProgress: counts.inProgress, total: counts.total, percent: percentOf(counts.done, counts.total) },
    counts,
    hours: hoursOf(allTasks),
    prds: prds.map((prd) => {
      const own = epicsOfPrd(prd, epics);
      const tasks = own.flatMap((e) => e.tasks);
      const progress = progressOf(tasks);
      return {
        id: prd.id,
        title: prd.title,
        path: prd.path,
        line: prd.range.line,
        status: statusOf(prd, progress),
        owner: prd.owner ?? null,
        created: dateOf(prd.created),
        progress: { ...progress },
        hours: hoursOf(tasks),
        epicIds: own.map((e) => e.id),
      };
    }),
    epics: summaries,
    epicsWithoutPrd: summaries.filter((s) => s.prd === null).map((s) => s.id),
    epicsWithUnknownPrd: summaries.filter((s) => s.prd !== null && s.prd.id === null).map((s) => s.id),
    next: next
      ? { epicId: next.epic.id, id: next.task.task.id, label: labelOf(next.task.task), title: next.task.task.title, path: next.task.task.path, line: next.task.task.range.line, reason: next.reason }
      : null,
    ready: readyTasks(list).map(({ epic, task }) => readyOf(epic, task, analyses.get(epic)!)),
    deliverables: deliverablesOf(prds, epics, analyses, options),
    roadmap: roadmapOf(epics, counting),
    burndown: options.history ? projectBurndown(epics, options.history, options.today) : null,
    standup: options.today
      ? buildStandup({
          epics,
          analysis: (e) => analyses.get(e) ?? analysisOf(e),
          // Dates from file versions only: file dates alone would date every task of a
          // single-file epic by the epic's last edit. Without them the task files' own dates serve.
          ...(options.history?.source === 'history' ? { events: options.history.events } : {}),
          ...(options.readText ? { readText: options.readText } : {}),
          today: options.today,
        })
      : null,
  };
}

/** The burndown of every task: from the earliest epic start (or first event) to `today`, the ideal line from there to the latest target. */
function projectBurndown(epics: readonly Epic[], history: TaskHistory, today: IsoDay | undefined): BurndownSeries | null {
  const starts = epics.map((e) => parseDay(e.start)).filter((d): d is IsoDay => d !== undefined).sort();
  const targets = epics.map((e) => parseDay(e.target)).filter((d): d is IsoDay => d !== undefined).sort();
  return burndownFor(history, () => true, starts[0], targets[targets.length - 1], today);
}

