/**
 * `autopm sprint`: the current sprint on the command line, for people and, with --json,
 * for scripts. The sprint model is the core's (src/core/sprint.ts); this file only
 * chooses the sprint, gathers completion dates from the task files and prints.
 *
 * The JSON output (stable: fields are only ever added):
 *
 * {
 *   "today": "2026-03-17",                 // the day the status is for (--today, else the local date)
 *   "sprint": null | {                     // null when no sprint covers today and none is pinned
 *     "id": "sprint-4", "name": "Sprint 4",
 *     "source": "file" | "field" | "epic", // a sprint file, only tasks' sprint: fields, or an epic's own dates
 *     "path": ".claude/epics/sprints/sprint-4.md" | null,
 *     "goal": "..." | null,
 *     "start": "2026-03-09" | null, "end": "2026-03-20" | null,
 *     "phase": "active" | "upcoming" | "ended" | "no-dates",
 *     "label": "Sprint 4 · 3/8 · 3 days left",
 *     "daysLeft": 3 | null,                // calendar days to the end, 0 on the last day
 *     "workingDaysLeft": 4 | null,         // Mon-Fri from today to the end, today included
 *     "hoursLeft": 24 | null,              // workingDaysLeft × hoursPerDay
 *     "hoursPerDay": 6,
 *     "remainingHours": 69,
 *     "counts": { "scope", "done", "remaining", "inProgress", "blocked", "atRisk", "unresolved" },
 *     "tasks": [                           // every task in scope, in the sprint's order
 *       { "key": "checkout-flow:103", "epic": "checkout-flow", "id": "103", "title": "...",
 *         "state": "open" | "in-progress" | "done", "display": "ready" | "blocked" | "in-progress" | "done",
 *         "path": "...", "line": 1,           // 1-based
 *         "estimate": "3 hours" | null, "hours": 3,
 *         "blockers": [{ "taskId": "102", "reason": "not-done" }],
 *         "atRisk": false, "via": ["file" | "field" | "epic"] }
 *     ],
 *     "done": ["<key>"...], "remaining": [...], "inProgress": [...], "blocked": [...], "atRisk": [...],
 *     "unresolved": [{ "written": "checkout-flow:109", "path": "...", "line": 18, "reason": "unknown-epic" | "unknown-task" | "ambiguous", "message": "..." }],
 *     "problems": [{ "path": "...", "line": 1, "severity": "error" | "warning" | "info", "kind": "...", "message": "..." }],
 *     "burndown": {
 *       "points": [{ "date": "2026-03-09", "remaining": 8, "remainingHours": 78, "ideal": 8, "idealHours": 78 }],
 *       "undated": ["<key>"...]            // done tasks with no completed:/updated: date
 *     }
 *   },
 *   "sprints": [{ "id", "name", "source", "start", "end", "path", "current": true | false }]
 * }
 */
import type { PlanIndex } from './core/planIndex';
import type { SprintMember } from './core/sprint';
import { currentSprint, findSprint, localIsoDate, readIsoDate } from './core/sprint';
import type { SprintStatus, SprintTaskStatus } from './core/sprintStatus';
import { sprintBurndown, sprintLabel, sprintStatus, sprintTimeText } from './core/sprintStatus';
import { findFrontmatter } from './core/frontmatter';
import { normaliseKeys } from './core/parse/common';

/** Where the command writes; the same shape as the CLI's. */
export interface SprintIo {
  out(text: string): void;
  err(text: string): void;
}

export interface SprintCommandOptions {
  readonly json: boolean;
  /** A sprint id or name, as `--sprint` or the pinned-sprint setting gives it. */
  readonly sprint?: string;
  /** `YYYY-MM-DD`; defaults to the local date of `now`. */
  readonly today?: string;
  /** The clock, read once here and never in the core. */
  readonly now?: () => Date;
  /** A plan file's text (relative path), for completion dates; undefined when unreadable. */
  readonly readText?: (path: string) => string | undefined;
}

/** Thrown for arguments the command cannot use; the CLI turns it into its usage message. */
export class SprintUsageError extends Error {}

/**
 * When each done task was completed, from what its file says: `completed:` (or
 * `completed_at`, `closed`), else `updated:` of a closed task, which the tools set when
 * they close it. Single-file tasks carry no dates, so they stay undated.
 */
export function completionDates(status: SprintStatus, readText: ((path: string) => string | undefined) | undefined): Map<string, string> {
  const dates = new Map<string, string>();
  if (!readText) return dates;
  for (const task of status.done) {
    if (!/\/\d+\.md$/.test(task.path)) continue;
    const text = readText(task.path);
    const fm = text === undefined ? undefined : findFrontmatter(text);
    if (!fm) continue;
    const data = normaliseKeys(fm.data, fm.keys);
    for (const key of ['completed', 'completed_at', 'closed', 'closed_at', 'updated']) {
      const iso = readIsoDate(data[key]);
      if (iso !== undefined) {
        dates.set(task.key, iso);
        break;
      }
    }
  }
  return dates;
}

function taskJson(t: SprintTaskStatus, member: SprintMember | undefined) {
  return {
    key: t.key,
    epic: t.epicId,
    id: t.taskId,
    title: t.title,
    state: t.state,
    display: t.display,
    path: t.path,
    line: t.line + 1,
    estimate: t.estimate ?? null,
    hours: t.hours,
    blockers: t.blockers.map((b) => ({ taskId: b.taskId, reason: b.reason })),
    atRisk: t.atRisk,
    via: member?.via ?? [],
  };
}

function taskText(t: SprintTaskStatus): string {
  return `${t.key}  ${t.title}`;
}

/** Prints the current (or the named) sprint; returns the exit code. */
export function sprintCommand(index: PlanIndex, options: SprintCommandOptions, io: SprintIo): number {
  let today: string;
  if (options.today !== undefined) {
    const iso = readIsoDate(options.today);
    if (iso === undefined) throw new SprintUsageError(`--today "${options.today}" is not a date; write it as YYYY-MM-DD.`);
    today = iso;
  } else {
    today = localIsoDate((options.now ?? (() => new Date()))());
  }
  const { sprints } = index.sprintPlan;
  if (options.sprint !== undefined && !findSprint(sprints, options.sprint)) {
    const known = sprints.map((s) => s.id).join(', ') || 'none';
    throw new SprintUsageError(`No sprint "${options.sprint}". Sprints: ${known}.`);
  }
  const sprint = currentSprint(sprints, today, options.sprint);
  const list = sprints.map((s) => ({ id: s.id, name: s.name, source: s.source, start: s.start ?? null, end: s.end ?? null, path: s.path ?? null, current: s === sprint }));

  if (!sprint) {
    if (options.json) io.out(JSON.stringify({ today, sprint: null, sprints: list }, null, 2));
    else if (sprints.length === 0) io.out('No sprints: no sprint files, no sprint fields on tasks, and no epic with a start and a target date.');
    else {
      io.out([`No sprint covers ${today}. Sprints:`, ...sprints.map((s) => `  ${s.id}  ${s.name}  ${s.start ?? '-'} → ${s.end ?? '-'}`), '', 'Name one with --sprint <id>.'].join('\n'));
    }
    return 0;
  }

  const status = sprintStatus(sprint, index, today);
  const burndown = sprintBurndown(status, { completedOn: completionDates(status, options.readText) });
  const members = new Map(sprint.members.map((m) => [m.key, m]));
  if (options.json) {
    const keys = (items: readonly SprintTaskStatus[]) => items.map((t) => t.key);
    io.out(
      JSON.stringify(
        {
          today,
          sprint: {
            id: sprint.id,
            name: sprint.name,
            source: sprint.source,
            path: sprint.path ?? null,
            goal: sprint.goal ?? null,
            start: sprint.start ?? null,
            end: sprint.end ?? null,
            phase: status.phase,
            label: sprintLabel(status),
            daysLeft: status.daysLeft ?? null,
            workingDaysLeft: status.workingDaysLeft ?? null,
            hoursLeft: status.hoursLeft ?? null,
            hoursPerDay: status.hoursPerDay,
            remainingHours: status.remainingHours,
            counts: status.counts,
            tasks: status.tasks.map((t) => taskJson(t, members.get(t.key))),
            done: keys(status.done),
            remaining: keys(status.remaining),
            inProgress: keys(status.inProgress),
            blocked: keys(status.blocked),
            atRisk: keys(status.atRisk),
            unresolved: sprint.unresolved.map((u) => ({ written: u.written, path: u.path, line: u.line + 1, reason: u.reason, message: u.message })),
            problems: sprint.problems.map((p) => ({ path: p.path, line: p.range.line + 1, severity: p.severity, kind: p.kind, message: p.message })),
            burndown: { points: burndown.points, undated: burndown.undated },
          },
          sprints: list,
        },
        null,
        2,
      ),
    );
    return 0;
  }

  const lines: string[] = [];
  const dates = sprint.start !== undefined ? `${sprint.start} → ${sprint.end}` : 'no dates';
  lines.push(`${sprint.name}  (${sprint.id}, ${dates}, ${sprintTimeText(status)})`);
  if (sprint.goal) lines.push(`Goal: ${sprint.goal}`);
  lines.push(sprintLabel(status));
  const section = (title: string, items: readonly SprintTaskStatus[], detail: (t: SprintTaskStatus) => string = () => '') => {
    lines.push('', `${title} (${items.length})`);
    for (const t of items) lines.push(`  ${taskText(t)}${detail(t)}`);
  };
  section('Done', status.done);
  section('In progress', status.inProgress);
  section('Ready to start', status.remaining.filter((t) => t.display === 'ready'));
  section('Blocked', status.blocked, (t) => `  (waits on ${t.blockers.map((b) => b.taskId).join(', ')})`);
  section('At risk', status.atRisk, (t) => `  (${t.hours}h estimated, ${status.hoursLeft ?? 0}h left at ${status.hoursPerDay}h a day)`);
  if (sprint.unresolved.length > 0) {
    lines.push('', `Not found (${sprint.unresolved.length})`);
    for (const u of sprint.unresolved) lines.push(`  ${u.path}:${u.line + 1}  ${u.message}`);
  }
  const other = sprint.problems.filter((p) => p.kind !== 'unresolved-reference');
  if (other.length > 0) {
    lines.push('', 'Problems');
    for (const p of other) lines.push(`  ${p.path}:${p.range.line + 1}  ${p.message}`);
  }
  io.out(lines.join('\n'));
  return 0;
}
