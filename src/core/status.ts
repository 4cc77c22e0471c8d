import type { PlanState, TaskState } from './model';

/** Normalises a status as written: lower case, runs of spaces, `_` and `-` become one `-`. */
function canonical(raw: string): string {
  return raw.trim().toLowerCase().replace(/[\s_-]+/g, '-');
}

const TASK_STATES: Readonly<Record<string, TaskState>> = {
  open: 'open',
  todo: 'open',
  'to-do': 'open',
  pending: 'open',
  new: 'open',
  ready: 'open',
  draft: 'open',
  planning: 'open',
  planned: 'open',
  backlog: 'open',
  'not-started': 'open',
  blocked: 'open',
  deferred: 'open',
  'on-hold': 'open',
  'in-progress': 'in-progress',
  inprogress: 'in-progress',
  active: 'in-progress',
  started: 'in-progress',
  doing: 'in-progress',
  wip: 'in-progress',
  'in-review': 'in-progress',
  review: 'in-progress',
  closed: 'done',
  done: 'done',
  completed: 'done',
  complete: 'done',
  finished: 'done',
  resolved: 'done',
};

/**
 * Whether a status says the task is held: blocked, or put off (Task Master's `deferred`,
 * `on hold`). It stays open, but is never ready, as Task Master's own next task skips it.
 */
export function isBlockedStatus(raw: string | undefined): boolean {
  if (raw === undefined) return false;
  const word = canonical(raw);
  return word === 'blocked' || word === 'deferred' || word === 'on-hold';
}

/** The task state a status spelling means, or undefined when it is not one we know. */
export function taskStateFromStatus(raw: string): TaskState | undefined {
  return TASK_STATES[canonical(raw)];
}

const PLAN_STATES: Readonly<Record<string, PlanState>> = {
  ...Object.fromEntries(
    Object.entries(TASK_STATES).map(([k, v]) => [k, v === 'open' ? 'not-started' : v] as const),
  ),
  approved: 'not-started',
  proposed: 'not-started',
  idea: 'not-started',
  implemented: 'done',
  shipped: 'done',
  released: 'done',
  archived: 'done',
  cancelled: 'done',
  canceled: 'done',
};

/** Statuses that close a plan without finishing it: its open tasks are no contradiction. */
const ABANDONED = new Set(['cancelled', 'canceled', 'archived', 'abandoned', 'dropped', 'wontfix', "won't-do", 'superseded']);

export function isAbandonedStatus(raw: string | undefined): boolean {
  return raw !== undefined && ABANDONED.has(canonical(raw));
}

/** The state a PRD or epic status means, or undefined when it is not one we know. */
export function planStateFromStatus(raw: string): PlanState | undefined {
  return PLAN_STATES[canonical(raw)];
}

/** A status in the form the lookups above compare: lower case, words joined by `-` (`in-progress`). */
export function normalStatus(raw: string): string {
  return canonical(raw);
}

/** Every status a task (or a PRD or an epic) may have, in normal form: what a misspelt one is compared with. */
export function knownStatuses(of: 'task' | 'plan'): readonly string[] {
  return Object.keys(of === 'task' ? TASK_STATES : PLAN_STATES);
}

const PLAN_STATE_LABELS: Readonly<Record<PlanState, string>> = { 'not-started': 'not started', 'in-progress': 'in progress', done: 'done' };

/** A plan state in words: `not started`, `in progress`, `done`. */
export function planStateLabel(state: PlanState): string {
  return PLAN_STATE_LABELS[state];
}

/** What the directory layout writes for each task state. */
export function directoryStatusFor(state: TaskState): string {
  switch (state) {
    case 'open':
      return 'open';
    case 'in-progress':
      return 'in-progress';
    case 'done':
      return 'closed';
  }
}

/** The checkbox mark the single-file layout uses for each task state. */
export function checkboxMarkFor(state: TaskState): ' ' | 'x' | '-' {
  switch (state) {
    case 'open':
      return ' ';
    case 'in-progress':
      return '-';
    case 'done':
      return 'x';
  }
}
