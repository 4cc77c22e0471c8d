/**
 * When tasks were added, started, finished and reopened: read from the versions of the
 * plan files over time (git, in the CLI), or, without them, from dates the files carry.
 *
 * A task is named across versions by its key, `<epicId>:<taskId>` (`team-calendar:46`,
 * `epic-001-link-shortener:T6`), the ids it has in the current plan. A task file renamed
 * by a sync (`001.md` → `1234.md`) keeps its key: its versions from before the rename are
 * matched to the current task through the issue number, or the epic's record of the
 * numbers from before the sync (Epic.renumbered). A task that no longer exists keeps
 * the ids of its last version.
 *
 * Nothing here reads the clock or the disk: versions and dates are arguments.
 */
import type { Epic, Task, TaskState } from './model';
import { findFrontmatter } from './frontmatter';
import { resolveTaskRef } from './parse/directoryParser';
import type { PlanFileSystem } from './planIndex';
import { DEFAULT_PLAN_ROOTS, PlanIndex } from './planIndex';
import { parseDay } from './burndown';

/** One version of a file. */
export interface FileVersion {
  /** When the version was made: an ISO 8601 timestamp (a commit's committer date). */
  readonly date: string;
  /** The file's text, or null when this version deletes the file. */
  readonly text: string | null;
  /** The commit that made it, when known: versions of one commit are applied together. */
  readonly commit?: string;
}

/** The versions of one file, oldest first. */
export interface FileHistory {
  /** Relative to the workspace folder, with `/`. */
  readonly path: string;
  readonly versions: readonly FileVersion[];
}

/** The versions of the plan files over time. */
export interface PlanHistory {
  readonly files: readonly FileHistory[];
  /**
   * Commit ids, oldest first: the order in which versions with these commits are
   * applied. Without it (or for versions without a commit) versions are applied by
   * date, ties in the order met.
   */
  readonly commits?: readonly string[];
}

/**
 * What happened to a task: it appeared, disappeared (its file deleted, its line removed),
 * was started (open → in progress), finished (→ done) or reopened (done → not done).
 */
export type TaskEventKind = 'added' | 'removed' | 'started' | 'done' | 'reopened';

/** Where an event's date comes from: a version of the file, a date written in it, or the file's modification time. */
export type TaskEventSource = 'history' | 'frontmatter' | 'modified';

export interface TaskEvent {
  /** `<epicId>:<taskId>`, see taskKey. */
  readonly key: string;
  readonly epicId: string;
  readonly taskId: string;
  readonly kind: TaskEventKind;
  /** ISO 8601: a timestamp, or a bare `YYYY-MM-DD` when only the day is known. */
  readonly date: string;
  readonly source: TaskEventSource;
}

/** A task of the current plan, as the history names it. */
export interface HistoryTask {
  readonly key: string;
  readonly epicId: string;
  readonly taskId: string;
  readonly state: TaskState;
}

/** The events of a plan's tasks, oldest first. JSON-serialisable. */
export interface TaskHistory {
  /** `history` when file versions were replayed (later file dates may fill gaps), else `file-dates`. */
  readonly source: 'history' | 'file-dates';
  readonly events: readonly TaskEvent[];
  /** Every task of the current plan. */
  readonly tasks: readonly HistoryTask[];
  /** Keys of done tasks whose completion date is not known at all. */
  readonly undated: readonly string[];
}

/** The key that names a task across epics and versions: `<epicId>:<taskId>`. */
export function taskKey(epicId: string, taskId: string): string {
  return `${epicId}:${taskId}`;
}

/** Dates the files themselves carry, for when there is no history (or it stops before the working tree). */
export interface FileDates {
  /** The current text of a plan file, for its frontmatter dates. */
  readText?(path: string): string | undefined;
  /** The file's modification time, ISO 8601. */
  modified?(path: string): string | undefined;
}

class MemoryFiles implements PlanFileSystem {
  readonly files = new Map<string, string>();

  async readDirectory(path: string): Promise<Array<{ name: string; isDirectory: boolean }>> {
    const names = new Map<string, boolean>();
    const prefix = path === '' ? '' : path + '/';
    for (const file of this.files.keys()) {
      if (!file.startsWith(prefix)) continue;
      const rest = file.slice(prefix.length).split('/');
      names.set(rest[0], rest.length > 1);
    }
    return [...names].map(([name, isDirectory]) => ({ name, isDirectory }));
  }

  async readFile(path: string): Promise<string | undefined> {
    return this.files.get(path);
  }
}

/** Maps the tasks of an old version of an epic to the keys of the current plan. */
class CurrentKeys {
  private readonly epics = new Map<string, { epic: Epic; issues: Map<number, string> }>();

  constructor(current: readonly Epic[]) {
    for (const epic of current) {
      if (this.epics.has(epic.id)) continue;
      const issues = new Map<number, string>();
      for (const t of epic.tasks) if (t.issue !== undefined && !issues.has(t.issue)) issues.set(t.issue, t.id);
      this.epics.set(epic.id, { epic, issues });
    }
  }

  /** The current id of a task as an old version names it. */
  idOf(epicId: string, task: Task, layout: Epic['layout']): string {
    const current = this.epics.get(epicId);
    if (!current || layout === 'single-file' || current.epic.layout === 'single-file') return task.id;
    // The issue is the surest link: the same issue is the same task, whatever its file is called.
    if (task.issue !== undefined) {
      const byIssue = current.issues.get(task.issue);
      if (byIssue !== undefined) return byIssue;
    }
    return resolveTaskRef(task.id, current.epic.tasks, current.epic.renumbered) ?? task.id;
  }
}

interface Step {
  readonly date: string;
  readonly changes: Array<{ path: string; text: string | null }>;
}

function stepsOf(history: PlanHistory): Step[] {
  const rank = new Map((history.commits ?? []).map((c, i) => [c, i]));
  const groups = new Map<string, Step & { order: number; ms: number; rank: number }>();
  let order = 0;
  for (const file of history.files) {
    for (const version of file.versions) {
      const ms = Date.parse(version.date);
      // A version whose date cannot be read cannot be placed in time.
      if (Number.isNaN(ms)) continue;
      const id = version.commit !== undefined ? `c:${version.commit}` : `d:${version.date}`;
      let group = groups.get(id);
      if (!group) groups.set(id, (group = { date: version.date, changes: [], order: order++, ms, rank: version.commit !== undefined ? rank.get(version.commit) ?? -1 : -1 }));
      group.changes.push({ path: file.path, text: version.text });
    }
  }
  return [...groups.values()].sort((a, b) => (a.rank >= 0 && b.rank >= 0 ? a.rank - b.rank : a.ms - b.ms || a.order - b.order));
}

/** The state of every task at one point, by key. */
type Snapshot = Map<string, { epicId: string; taskId: string; state: TaskState }>;

function snapshotOf(epics: readonly Epic[], keys: CurrentKeys): Snapshot {
  const out: Snapshot = new Map();
  for (const epic of epics) {
    for (const task of epic.tasks) {
      const id = keys.idOf(epic.id, task, epic.layout);
      const key = taskKey(epic.id, id);
      // Two versions' files of one task side by side (001.md and 1234.md mid-rename): the one already named so wins.
      if (out.has(key) && task.id !== id) continue;
      out.set(key, { epicId: epic.id, taskId: id, state: task.state });
    }
  }
  return out;
}

function transitions(before: Snapshot, after: Snapshot, date: string, source: TaskEventSource, out: TaskEvent[]): void {
  for (const [key, now] of after) {
    const was = before.get(key);
    const event = (kind: TaskEventKind) => out.push({ key, epicId: now.epicId, taskId: now.taskId, kind, date, source });
    if (!was) {
      event('added');
      if (now.state === 'done') event('done');
      else if (now.state === 'in-progress') event('started');
      continue;
    }
    if (was.state === now.state) continue;
    if (now.state === 'done') event('done');
    else if (was.state === 'done') event('reopened');
    else if (now.state === 'in-progress') event('started');
  }
  for (const [key, was] of before) {
    if (!after.has(key)) out.push({ key, epicId: was.epicId, taskId: was.taskId, kind: 'removed', date, source });
  }
}

export interface ReplayOptions {
  /** The plan folders, as the index is given them. */
  readonly roots?: readonly string[];
  /** The current plan, whose ids name tasks across renames; the last version's when absent. */
  readonly current?: readonly Epic[];
}

/**
 * Replays the versions of the plan files, oldest first, through the same index and
 * parsers the extension uses, and reports every change of a task's state with the date
 * of the version that made it. Versions that do not parse cleanly (broken frontmatter)
 * are read as the index reads them, never thrown on.
 */
export async function replayHistory(history: PlanHistory, options: ReplayOptions = {}): Promise<TaskEvent[]> {
  return (await replay(history, options)).events;
}

async function replay(history: PlanHistory, options: ReplayOptions): Promise<{ events: TaskEvent[]; last: Snapshot }> {
  const files = new MemoryFiles();
  const index = new PlanIndex(files, options.roots ?? DEFAULT_PLAN_ROOTS);
  const steps = stepsOf(history);
  let keys = options.current ? new CurrentKeys(options.current) : undefined;
  if (!keys) {
    // Without the current plan, the last version of every file stands for it.
    const last = new MemoryFiles();
    for (const file of history.files) {
      const text = file.versions[file.versions.length - 1]?.text;
      if (text !== null && text !== undefined) last.files.set(file.path, text);
    }
    const lastIndex = new PlanIndex(last, options.roots ?? DEFAULT_PLAN_ROOTS);
    await lastIndex.update([...last.files.keys()]);
    keys = new CurrentKeys(lastIndex.allEpics);
  }
  const events: TaskEvent[] = [];
  let before: Snapshot = new Map();
  for (const step of steps) {
    for (const change of step.changes) {
      if (change.text === null) files.files.delete(change.path);
      else files.files.set(change.path, change.text);
    }
    try {
      await index.update(step.changes.map((c) => c.path));
    } catch {
      // The index is written not to throw on any text; should it, this version is skipped.
      continue;
    }
    const after = snapshotOf(index.allEpics, keys);
    transitions(before, after, step.date, 'history', events);
    before = after;
  }
  return { events, last: before };
}

/** The frontmatter keys a task file's completion date is read from, first match wins. */
export const COMPLETED_KEYS = ['completed', 'completed_at', 'completed_on', 'closed', 'closed_at', 'done_at', 'finished', 'updated', 'updated_at'];
const CREATED_KEYS = ['created', 'created_at'];

/** A date as an event carries it: the timestamp as written when it is one, else its day. */
function eventDate(value: unknown): string | undefined {
  const day = parseDay(value);
  if (day === undefined) return undefined;
  if (typeof value === 'string' && /^\d{4}-\d\d-\d\d[T\s]\d/.test(value.trim()) && !Number.isNaN(Date.parse(value.trim()))) return value.trim();
  return day;
}

/** The first of `keys` in a file's frontmatter that holds a date, as an event carries it. */
export function frontmatterDate(text: string | undefined, keys: readonly string[]): string | undefined {
  if (text === undefined) return undefined;
  const data = findFrontmatter(text)?.data;
  if (!data) return undefined;
  for (const key of keys) {
    const date = eventDate(data[key]);
    if (date !== undefined) return date;
  }
  return undefined;
}

/**
 * When a task was finished, from its file: `completed:` (or `closed:`, `updated:`...) in
 * a task file's frontmatter, else the file's modification time. Single-file epics write
 * no date per task, so their tasks take the epic file's modification time.
 */
function doneDateOf(epic: Epic, task: Task, dates: FileDates): { date: string; source: TaskEventSource } | undefined {
  if (epic.layout === 'directory') {
    const written = frontmatterDate(dates.readText?.(task.path), COMPLETED_KEYS);
    if (written !== undefined) return { date: written, source: 'frontmatter' };
  }
  const modified = dates.modified?.(task.path);
  return modified !== undefined && !Number.isNaN(Date.parse(modified)) ? { date: modified, source: 'modified' } : undefined;
}

function createdDateOf(epic: Epic, task: Task, dates: FileDates): string | undefined {
  return epic.layout === 'directory' ? frontmatterDate(dates.readText?.(task.path), CREATED_KEYS) : undefined;
}

export interface TaskHistoryOptions {
  /** The current plan. */
  readonly epics: readonly Epic[];
  /** Versions of the plan files, when there are any (git). */
  readonly history?: PlanHistory;
  /** Dates from the files, for tasks the history does not explain (uncommitted changes, or no history). */
  readonly fileDates?: FileDates;
  readonly roots?: readonly string[];
}

/**
 * The events of the current plan's tasks. With a history, its replay; where the current
 * files say something the last version does not (a task closed but not committed yet),
 * file dates fill in. Without one, file dates alone: `created:` for when a task file
 * appeared, and the completion date for a done task (see doneDateOf). A done task with no
 * date at all is listed in `undated`.
 */
export async function buildTaskHistory(options: TaskHistoryOptions): Promise<TaskHistory> {
  const dates = options.fileDates ?? {};
  const useHistory = options.history !== undefined && options.history.files.length > 0;
  const replayed = useHistory ? await replay(options.history!, { roots: options.roots, current: options.epics }) : { events: [], last: new Map() as Snapshot };
  const events = [...replayed.events];
  const tasks: HistoryTask[] = [];
  const undated: string[] = [];
  const seen = new Set<string>();
  for (const epic of options.epics) {
    for (const task of epic.tasks) {
      const key = taskKey(epic.id, task.id);
      if (seen.has(key)) continue;
      seen.add(key);
      tasks.push({ key, epicId: epic.id, taskId: task.id, state: task.state });
      const last = replayed.last.get(key);
      const push = (kind: TaskEventKind, date: string, source: TaskEventSource) => events.push({ key, epicId: epic.id, taskId: task.id, kind, date, source });
      if (!last) {
        // Not in the history (or there is none): a new file, or one never committed.
        if (useHistory) {
          const modified = dates.modified?.(task.path);
          if (modified !== undefined && !Number.isNaN(Date.parse(modified))) push('added', modified, 'modified');
        } else {
          const created = createdDateOf(epic, task, dates);
          if (created !== undefined) push('added', created, 'frontmatter');
        }
        if (task.state === 'done') {
          const done = doneDateOf(epic, task, dates);
          if (done) push('done', done.date, done.source);
          else undated.push(key);
        }
        continue;
      }
      if (last.state === task.state) continue;
      if (task.state === 'done') {
        const done = doneDateOf(epic, task, dates);
        if (done) push('done', done.date, done.source);
        else undated.push(key);
      } else if (last.state === 'done') {
        const modified = dates.modified?.(task.path);
        if (modified !== undefined && !Number.isNaN(Date.parse(modified))) push('reopened', modified, 'modified');
      }
    }
  }
  events.sort((a, b) => Date.parse(a.date) - Date.parse(b.date));
  return { source: useHistory ? 'history' : 'file-dates', events, tasks, undated };
}

/**
 * When each task was completed, by key (`<epicId>:<taskId>`): the date of the `done`
 * event that made it done for good, for tasks done at the end of the events. A task
 * reopened and not finished again has no entry; one reopened and finished again has
 * the later date. A task whose file was deleted and recreated, still done, keeps its
 * first completion date.
 */
export function completionDates(events: readonly TaskEvent[] | TaskHistory): ReadonlyMap<string, string> {
  const list = Array.isArray(events) ? (events as readonly TaskEvent[]) : (events as TaskHistory).events;
  const sorted = list.map((e, i) => ({ e, i })).sort((a, b) => Date.parse(a.e.date) - Date.parse(b.e.date) || a.i - b.i);
  const done = new Map<string, string>();
  /** Completion dates of done tasks whose file was deleted, while they may come back. */
  const removed = new Map<string, string>();
  /** A deleted done task recreated: its first date, if it comes back done in the same version. */
  const readded = new Map<string, { date: string; at: string }>();
  for (const { e } of sorted) {
    const back = readded.get(e.key);
    readded.delete(e.key);
    switch (e.kind) {
      case 'added': {
        const date = removed.get(e.key);
        removed.delete(e.key);
        if (date !== undefined) readded.set(e.key, { date, at: e.date });
        break;
      }
      case 'done':
        done.set(e.key, back !== undefined && back.at === e.date ? back.date : e.date);
        break;
      case 'removed': {
        const date = done.get(e.key);
        if (date !== undefined) removed.set(e.key, date);
        done.delete(e.key);
        break;
      }
      case 'reopened':
      case 'started':
        done.delete(e.key);
        removed.delete(e.key);
        break;
    }
  }
  return done;
}
