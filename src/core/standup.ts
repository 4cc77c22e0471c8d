/**
 * The standup: what was done since the last working day, what is in progress, what is
 * blocked and by what, and what to do next, as a model (for JSON) and as a short
 * markdown document to paste into a chat.
 *
 * Completion dates come from the task events (history.ts, replayed from git) when there
 * are any; without them, from the dates a directory-layout task file carries in its
 * frontmatter. Single-file epics write no date per task, so without history their done
 * tasks are undated and never reported as done since yesterday: a wrong "done" would be
 * worse than a missing one.
 *
 * Nothing here reads the clock: `today` is an argument.
 */
import type { EpicAnalysis } from './analysis';
import { analyzeEpic, isClosedEpic, nextTask } from './analysis';
import type { IsoDay } from './burndown';
import { addDays, dayOf, isWorkingDay } from './burndown';
import type { TaskEvent } from './history';
import { COMPLETED_KEYS, completionDates, frontmatterDate, taskKey } from './history';
import type { Epic, Task } from './model';
import { blockerTexts, taskLabel } from './taskText';

export interface StandupInput {
  /** The current plan (PlanIndex.allEpics). */
  readonly epics: readonly Epic[];
  /** Cached analyses (PlanIndex.analysis); each epic is analysed afresh without it. */
  readonly analysis?: (epic: Epic) => EpicAnalysis;
  /** The task events (buildTaskHistory) when there is a history; undefined when there is none. */
  readonly events?: readonly TaskEvent[];
  /** The text of a plan file, for frontmatter dates when there are no events. */
  readonly readText?: (path: string) => string | undefined;
  /** `YYYY-MM-DD`, the day of the standup. */
  readonly today: IsoDay;
}

export interface StandupTask {
  readonly epicId: string;
  readonly taskId: string;
  readonly title: string;
  /** As people say it: `T3 Title`, `#1234 Title` (taskLabel). */
  readonly label: string;
  readonly issue?: number;
  readonly path: string;
  /** The task's line in its file, zero-based. */
  readonly line: number;
}

export interface StandupDoneTask extends StandupTask {
  /** When it was done: a timestamp, or a bare day when only the day is known. */
  readonly when: string;
}

export interface StandupInProgressTask extends StandupTask {
  /** When work on it started (or it was reopened), when known. */
  readonly since?: string;
}

export interface StandupBlockedTask extends StandupTask {
  /** What keeps it from starting, in words (blockerTexts): `T2`, `T9 (missing)`, `its own status`. */
  readonly blockers: readonly string[];
}

export interface StandupNextTask extends StandupTask {
  readonly reason: string;
}

export interface Standup {
  /** The start of the last working day before today: Friday for a Monday, a Saturday or a Sunday. */
  readonly since: IsoDay;
  readonly today: IsoDay;
  /** `history` when completion dates come from task events, `file-dates` when from the files. */
  readonly source: 'history' | 'file-dates';
  /** Done tasks completed from `since` to `today`, both included. */
  readonly done: readonly StandupDoneTask[];
  readonly inProgress: readonly StandupInProgressTask[];
  readonly blocked: readonly StandupBlockedTask[];
  readonly next?: StandupNextTask;
  /** Keys (`<epicId>:<taskId>`) of done tasks whose completion date is not known. */
  readonly undated: readonly string[];
}

/** The working day (Monday to Friday) before `today`: Friday for a Monday, a Saturday or a Sunday. */
export function lastWorkingDay(today: IsoDay): IsoDay {
  let day = addDays(today, -1);
  while (!isWorkingDay(day)) day = addDays(day, -1);
  return day;
}

const STARTED_KEYS = ['started', 'started_at', 'updated', 'updated_at'];

function taskFileDate(epic: Epic, task: Task, readText: StandupInput['readText'], keys: readonly string[]): string | undefined {
  // A single-file epic's frontmatter dates the epic, not any one of its tasks.
  if (epic.layout !== 'directory' || !readText) return undefined;
  return frontmatterDate(readText(task.path), keys);
}

/** When each task's current stretch of work began: its last `started` or `reopened` event not followed by `done` or `removed`. */
function startDates(events: readonly TaskEvent[]): Map<string, string> {
  const sorted = events.map((e, i) => ({ e, i })).sort((a, b) => Date.parse(a.e.date) - Date.parse(b.e.date) || a.i - b.i);
  const since = new Map<string, string>();
  for (const { e } of sorted) {
    if (e.kind === 'started' || e.kind === 'reopened') since.set(e.key, e.date);
    else if (e.kind === 'done' || e.kind === 'removed') since.delete(e.key);
  }
  return since;
}

function byEpicThenOrder(a: { epic: Epic; task: Task }, b: { epic: Epic; task: Task }): number {
  return a.epic.id < b.epic.id ? -1 : a.epic.id > b.epic.id ? 1 : a.task.order - b.task.order;
}

function itemOf(epic: Epic, task: Task): StandupTask {
  return {
    epicId: epic.id,
    taskId: task.id,
    title: task.title,
    label: taskLabel(task),
    ...(task.issue !== undefined ? { issue: task.issue } : {}),
    path: task.path,
    line: task.range.line,
  };
}

export function buildStandup(input: StandupInput): Standup {
  const { today } = input;
  const since = lastWorkingDay(today);
  const analyses = [...input.epics]
    .map((epic) => input.analysis?.(epic) ?? analyzeEpic(epic))
    .sort((a, b) => (a.epic.id < b.epic.id ? -1 : a.epic.id > b.epic.id ? 1 : 0));
  const completed = input.events ? completionDates(input.events) : undefined;
  const started = input.events ? startDates(input.events) : undefined;

  const done: Array<{ epic: Epic; task: Task; when: string }> = [];
  const inProgress: Array<{ epic: Epic; task: Task; since?: string }> = [];
  const blocked: Array<{ epic: Epic; task: Task; blockers: string[] }> = [];
  const undated: string[] = [];
  for (const analysis of analyses) {
    const { epic } = analysis;
    const closed = isClosedEpic(epic);
    for (const state of analysis.tasks.values()) {
      const { task } = state;
      const key = taskKey(epic.id, task.id);
      if (state.display === 'done') {
        const when = completed ? completed.get(key) : taskFileDate(epic, task, input.readText, COMPLETED_KEYS);
        const day = when === undefined ? undefined : dayOf(when);
        if (when === undefined || day === undefined) undated.push(key);
        else if (day >= since && day <= today) done.push({ epic, task, when });
        continue;
      }
      // A closed or abandoned epic's leftovers are not today's work.
      if (closed) continue;
      if (state.display === 'in-progress') {
        const start = started?.get(key) ?? taskFileDate(epic, task, input.readText, STARTED_KEYS);
        inProgress.push({ epic, task, ...(start !== undefined ? { since: start } : {}) });
      } else if (state.display === 'blocked') {
        blocked.push({ epic, task, blockers: blockerTexts(state, analysis.tasks) });
      }
    }
  }
  done.sort(byEpicThenOrder);
  inProgress.sort(byEpicThenOrder);
  blocked.sort(byEpicThenOrder);

  const next = nextTask(analyses.filter((a) => !isClosedEpic(a.epic)));
  return {
    since,
    today,
    source: input.events ? 'history' : 'file-dates',
    done: done.map(({ epic, task, when }) => ({ ...itemOf(epic, task), when })),
    inProgress: inProgress.map(({ epic, task, since: start }) => ({ ...itemOf(epic, task), ...(start !== undefined ? { since: start } : {}) })),
    blocked: blocked.map(({ epic, task, blockers }) => ({ ...itemOf(epic, task), blockers })),
    ...(next ? { next: { ...itemOf(next.epic, next.task.task), reason: next.reason } } : {}),
    undated,
  };
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** `Friday, 2026-03-06`. */
export function weekdayDate(day: IsoDay): string {
  const weekday = new Date(Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)))).getUTCDay();
  return `${WEEKDAYS[weekday]}, ${day}`;
}

/** `search: T3 Index (#12)`; the issue is left out when the label already is it (`#1234 Index`). */
function lineOf(item: StandupTask): string {
  const own = `#${item.issue}`;
  const issue = item.issue !== undefined && item.label !== own && !item.label.startsWith(own + ' ') ? ` (${own})` : '';
  return `${item.epicId}: ${item.label}${issue}`;
}

function section(heading: string, lines: readonly string[]): string[] {
  return [heading, '', ...(lines.length === 0 ? ['Nothing.'] : lines), ''];
}

/** The four sections, under headings of the given depth (`##` in the document, `###` inside a report). */
export function standupSections(model: Standup, depth = 2): string[] {
  const h = '#'.repeat(depth);
  const done = model.done.map((t) => `- ${lineOf(t)}, done ${dayOf(t.when) ?? t.when}`);
  const inProgress = model.inProgress.map((t) => `- ${lineOf(t)}${t.since !== undefined ? `, since ${dayOf(t.since) ?? t.since}` : ''}`);
  const blocked = model.blocked.map((t) => `- ${lineOf(t)}, blocked by ${t.blockers.join(', ')}`);
  const next = model.next ? [`- ${lineOf(model.next)}`, '', `  ${model.next.reason}`] : [];
  return [
    ...section(`${h} Done since ${weekdayDate(model.since)}`, done),
    ...section(`${h} In progress`, inProgress),
    ...section(`${h} Blocked`, blocked),
    ...section(`${h} Next`, next),
  ];
}

export function standupMarkdown(model: Standup): string {
  return [`# Standup — ${model.today}`, '', ...standupSections(model)].join('\n');
}
