/**
 * Burndown: how many tasks there were and how many were done, day by day, from the
 * events the history replay (history.ts) or the file dates give. Also the calendar
 * helpers the reports share: days are ISO `YYYY-MM-DD` strings, computed in UTC, so a
 * result never depends on the machine's time zone. Nothing here reads the clock: every
 * "today" is an argument.
 */
import type { TaskEvent } from './history';

/** A calendar day, `YYYY-MM-DD`. */
export type IsoDay = string;

/** How `Day N` milestones and spans are counted: every day, or Monday to Friday only. */
export type DayCounting = 'calendar' | 'working';

const DAY_MS = 86_400_000;

/** The longest series built; a date typed wrong (`2206` for `2026`) must not allocate centuries of points. */
export const MAX_SERIES_DAYS = 3660;

const MONTHS: Readonly<Record<string, number>> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
};

function validDay(year: number, month: number, day: number): IsoDay | undefined {
  if (!(year >= 1900 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 && day <= 31)) return undefined;
  const date = new Date(Date.UTC(year, month - 1, day));
  // 2026-02-30 rolls over to March: not a date the author meant.
  if (date.getUTCMonth() !== month - 1) return undefined;
  return date.toISOString().slice(0, 10);
}

/**
 * The calendar day a date as plans write it names, or undefined when it is not readable.
 * Accepts `2026-03-09`, `2026/03/09`, ISO timestamps (`2026-02-12T10:00:00Z`, whose day
 * is taken as written, in the offset it was written in), `9 March 2026`,
 * `March 9, 2026` and `Mar 9 2026`. `TBD`, `next week`, `03/09/2026` (month or day
 * first?) are not read.
 */
export function parseDay(text: unknown): IsoDay | undefined {
  if (text instanceof Date) return Number.isNaN(text.getTime()) ? undefined : text.toISOString().slice(0, 10);
  if (typeof text !== 'string') return undefined;
  const t = text.trim();
  let m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?=$|[T\s])/.exec(t);
  if (m) return validDay(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]{3,9})\.?,?\s+(\d{4})$/i.exec(t);
  if (m && MONTHS[m[2].slice(0, m[2].toLowerCase().startsWith('sept') ? 4 : 3).toLowerCase()]) {
    return validDay(Number(m[3]), MONTHS[m[2].slice(0, 3).toLowerCase()], Number(m[1]));
  }
  m = /^([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$/i.exec(t);
  if (m && MONTHS[m[1].slice(0, 3).toLowerCase()]) return validDay(Number(m[3]), MONTHS[m[1].slice(0, 3).toLowerCase()], Number(m[2]));
  return undefined;
}

/**
 * The day of an ISO timestamp as written (`2026-03-10T23:30:00+02:00` is the 10th, the
 * committer's own day), or of any date parseDay reads.
 */
export function dayOf(date: string): IsoDay | undefined {
  return parseDay(date);
}

function toMs(day: IsoDay): number {
  return Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)));
}

function fromMs(ms: number): IsoDay {
  return new Date(ms).toISOString().slice(0, 10);
}

export function addDays(day: IsoDay, days: number): IsoDay {
  return fromMs(toMs(day) + days * DAY_MS);
}

/** Calendar days from `a` to `b` (negative when `b` is earlier). */
export function daysBetween(a: IsoDay, b: IsoDay): number {
  return Math.round((toMs(b) - toMs(a)) / DAY_MS);
}

/** Monday to Friday; holidays are not known to the plan. */
export function isWorkingDay(day: IsoDay): boolean {
  const weekday = new Date(toMs(day)).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/**
 * The date of `Day n` of a plan that starts on `start`: Day 1 is the start day itself.
 * Counting working days, Day 1 is the first working day on or after the start, and each
 * later day skips Saturdays and Sundays. `n` below 1 is read as 1.
 */
export function planDay(start: IsoDay, n: number, counting: DayCounting): IsoDay {
  const steps = Math.max(1, Math.floor(n)) - 1;
  if (counting === 'calendar') return addDays(start, steps);
  let day = start;
  while (!isWorkingDay(day)) day = addDays(day, 1);
  // Whole weeks at once, so `Day 2000` is not two thousand steps.
  day = addDays(day, Math.floor(steps / 5) * 7);
  for (let left = steps % 5; left > 0; ) {
    day = addDays(day, 1);
    if (isWorkingDay(day)) left--;
  }
  return day;
}

/** One day of a burndown. */
export interface BurndownPoint {
  readonly date: IsoDay;
  /** Tasks that existed at the end of the day. */
  readonly total: number;
  /** Of those, tasks done at the end of the day. */
  readonly done: number;
  /** total - done. */
  readonly remaining: number;
  /** The ideal remaining count on this day, or null outside the ideal line's dates. */
  readonly ideal: number | null;
}

/** A burndown over a range of days. JSON-serialisable, so it can be posted to a webview. */
export interface BurndownSeries {
  /** First and last day of `points`, inclusive. */
  readonly from: IsoDay;
  readonly to: IsoDay;
  /** One point per calendar day from `from` to `to`, in order. */
  readonly points: readonly BurndownPoint[];
  /**
   * The straight line from the remaining count on `from` down to 0 on `to`, counted in
   * calendar days; null when no ideal dates were given or they were unusable.
   */
  readonly ideal: { readonly from: IsoDay; readonly to: IsoDay; readonly start: number } | null;
  /** How many times, within the range, a done task was reopened. */
  readonly reopened: number;
  /** True when the range asked for was longer than MAX_SERIES_DAYS and was cut at its end. */
  readonly truncated: boolean;
}

export interface BurndownOptions {
  readonly from: IsoDay;
  readonly to: IsoDay;
  /** The ideal line's first and last days; both or neither. */
  readonly idealFrom?: IsoDay;
  readonly idealTo?: IsoDay;
  /** Only the tasks whose key (`<epicId>:<taskId>`) passes; every task when absent. */
  readonly include?: (key: string) => boolean;
  /**
   * Keys of tasks that exist but have no event at all (a file never committed, a history
   * that does not reach them): counted as open for the whole range.
   */
  readonly knownTasks?: readonly string[];
}

interface TaskState {
  present: boolean;
  done: boolean;
}

/**
 * Total, done and remaining per day from task events. A task whose first event is not
 * `added` existed before the events begin (its file is older than the history read, or
 * the dates came from files): it counts from the first day. Events are applied by the
 * day they happened, so a task added and finished on one day counts as done that day.
 * An empty or inverted range gives one point, on `from`.
 */
export function burndownSeries(events: readonly TaskEvent[], options: BurndownOptions): BurndownSeries {
  const include = options.include ?? (() => true);
  const dated = events
    .filter((e) => include(e.key))
    .map((e, i) => ({ e, day: dayOf(e.date), i }))
    .filter((x): x is { e: TaskEvent; day: IsoDay; i: number } => x.day !== undefined)
    .sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : Date.parse(a.e.date) - Date.parse(b.e.date) || a.i - b.i));

  // A task's first event says what it was before: `added` means it did not exist yet;
  // `reopened` means it existed and was done; anything else, that it existed and was not.
  const states = new Map<string, TaskState>();
  for (const { e } of dated) {
    if (!states.has(e.key)) states.set(e.key, { present: e.kind !== 'added', done: e.kind === 'reopened' });
  }
  for (const key of options.knownTasks ?? []) if (include(key) && !states.has(key)) states.set(key, { present: true, done: false });

  const from = options.from;
  let to = options.to < from ? from : options.to;
  let truncated = false;
  if (daysBetween(from, to) >= MAX_SERIES_DAYS) {
    to = addDays(from, MAX_SERIES_DAYS - 1);
    truncated = true;
  }
  let total = 0;
  let done = 0;
  for (const s of states.values()) {
    if (s.present) total++;
    if (s.present && s.done) done++;
  }
  let reopened = 0;
  const apply = (e: TaskEvent, counted: boolean) => {
    const s = states.get(e.key)!;
    const wasPresent = s.present;
    const wasDone = s.present && s.done;
    switch (e.kind) {
      case 'added':
        s.present = true;
        break;
      case 'removed':
        // A file that comes back says again whether it is done (the replay gives its
        // `done` with its `added`), as completionDates reads it.
        s.present = false;
        s.done = false;
        break;
      case 'done':
        s.present = true;
        s.done = true;
        break;
      case 'reopened':
        s.present = true;
        s.done = false;
        if (counted && wasDone) reopened++;
        break;
      case 'started':
        s.present = true;
        s.done = false;
        break;
    }
    total += Number(s.present) - Number(wasPresent);
    done += Number(s.present && s.done) - Number(wasDone);
  };
  let next = 0;
  while (next < dated.length && dated[next].day < from) apply(dated[next++].e, false);

  const points: BurndownPoint[] = [];
  const days = daysBetween(from, to);
  for (let i = 0; i <= days; i++) {
    const date = addDays(from, i);
    while (next < dated.length && dated[next].day <= date) apply(dated[next++].e, true);
    points.push({ date, total, done, remaining: total - done, ideal: null });
  }

  let ideal: BurndownSeries['ideal'] = null;
  const idealFrom = options.idealFrom;
  const idealTo = options.idealTo;
  if (idealFrom !== undefined && idealTo !== undefined && parseDay(idealFrom) && parseDay(idealTo) && idealTo > idealFrom) {
    const start = remainingOn(points, idealFrom) ?? remainingBefore(dated, idealFrom, options);
    const span = daysBetween(idealFrom, idealTo);
    ideal = { from: idealFrom, to: idealTo, start };
    for (let i = 0; i < points.length; i++) {
      const at = daysBetween(idealFrom, points[i].date);
      if (at < 0 || at > span) continue;
      points[i] = { ...points[i], ideal: Math.round(start * (1 - at / span) * 100) / 100 };
    }
  }
  return { from, to, points, ideal, reopened, truncated };
}

function remainingOn(points: readonly BurndownPoint[], day: IsoDay): number | undefined {
  return points.find((p) => p.date === day)?.remaining;
}

/** The remaining count at the end of a day outside the plotted range. */
function remainingBefore(dated: ReadonlyArray<{ e: TaskEvent; day: IsoDay }>, day: IsoDay, options: BurndownOptions): number {
  const series = burndownSeries(
    dated.map((x) => x.e),
    { from: day, to: day, knownTasks: options.knownTasks, include: options.include },
  );
  return series.points[0].remaining;
}
