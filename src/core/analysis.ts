import type { Dependency, Epic, PlanState, Task, TaskDisplayState } from './model';
import { numericId } from './parse/common';
import { DEFAULT_ESTIMATE_HOURS, estimateHours, readEstimate } from './estimate';
import { progressOf, stateOfTasks } from './progress';
import { isBlockedStatus } from './status';

/**
 * Why a task cannot start: a dependency not done, one that does not exist, a cycle, its
 * own `blocked` status, or a task file too incomplete to schedule (empty, no frontmatter).
 */
export type BlockReason = 'not-done' | 'unknown' | 'cycle' | 'marked-blocked' | 'incomplete';

export interface Blocker {
  readonly taskId: string;
  readonly reason: BlockReason;
}

export interface TaskAnalysis {
  readonly task: Task;
  readonly display: TaskDisplayState;
  /** Why an open task cannot start; empty for ready, in-progress and done tasks. */
  readonly blockers: readonly Blocker[];
  /** Tasks that list this one as a dependency. */
  readonly dependents: readonly string[];
  /** How many unfinished tasks wait on this one, directly or through others. */
  readonly unblocks: number;
  /** Hours of unfinished work on the longest chain that starts with this task (itself included). */
  readonly remainingHours: number;
  readonly onCriticalPath: boolean;
}

export interface Counts {
  readonly total: number;
  readonly done: number;
  readonly inProgress: number;
  readonly ready: number;
  readonly blocked: number;
}

export interface EpicAnalysis {
  readonly epic: Epic;
  /** By task id; when ids are duplicated, the first task wins. */
  readonly tasks: ReadonlyMap<string, TaskAnalysis>;
  /** Ready tasks in recommended order. */
  readonly ready: readonly TaskAnalysis[];
  readonly blocked: readonly TaskAnalysis[];
  /** Each cycle as task ids in dependency order. */
  readonly cycles: readonly (readonly string[])[];
  /** Dependencies that name a task the epic does not have. */
  readonly dangling: readonly Dependency[];
  /** The longest chain of unfinished work, in order. */
  readonly criticalPath: readonly string[];
  readonly counts: Counts;
  /** What the tasks say of the epic, whatever its status says: all done, some started, or none. */
  readonly tasksState: PlanState;
}

/** `critical`/`P0` → 0 ... `low`/`P3` → 3; a task without a priority ranks as medium (2). */
export function priorityRank(priority: string | undefined): number {
  if (priority === undefined) return 2;
  const p = priority.trim().toLowerCase();
  const numbered = /^p?(\d)$/.exec(p);
  if (numbered) return Number(numbered[1]);
  if (/^(critical|urgent|highest|blocker)$/.test(p)) return 0;
  if (/^high/.test(p)) return 1;
  if (/^(medium|normal|moderate|med)$/.test(p)) return 2;
  if (/^low$/.test(p)) return 3;
  if (/^(lowest|trivial|minor)$/.test(p)) return 4;
  return 2;
}

/** Strongly connected components with more than one task, or a task depending on itself (Tarjan). */
function findCycles(ids: readonly string[], deps: ReadonlyMap<string, readonly string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const position = new Map(ids.map((id, i) => [id, i]));
  // Iterative, so a 10,000-task chain cannot overflow the call stack.
  for (const root of ids) {
    if (index.has(root)) continue;
    const work: Array<{ id: string; next: number }> = [{ id: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const edges = deps.get(frame.id) ?? [];
      if (frame.next < edges.length) {
        const to = edges[frame.next++];
        if (!deps.has(to)) continue;
        if (!index.has(to)) {
          index.set(to, counter);
          low.set(to, counter++);
          stack.push(to);
          onStack.add(to);
          work.push({ id: to, next: 0 });
        } else if (onStack.has(to)) {
          low.set(frame.id, Math.min(low.get(frame.id)!, index.get(to)!));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].id;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.id)!));
      }
      if (low.get(frame.id) === index.get(frame.id)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.id);
        if (component.length > 1 || (deps.get(frame.id) ?? []).includes(frame.id)) {
          cycles.push(component.sort((a, b) => position.get(a)! - position.get(b)!));
        }
      }
    }
  }
  return cycles;
}

const NO_CYCLE: ReadonlySet<string> = new Set();

export function analyzeEpic(epic: Epic): EpicAnalysis {
  // Duplicate ids are reported by validation; only the first task with an id is scheduled.
  // In the directory layout, 1.md and 001.md are the same id.
  const byId = new Map<string, Task>();
  const numbers = new Set<number>();
  for (const task of epic.tasks) {
    const n = epic.layout === 'directory' ? numericId(task.id) : undefined;
    if (byId.has(task.id) || (n !== undefined && numbers.has(n))) continue;
    byId.set(task.id, task);
    if (n !== undefined) numbers.add(n);
  }
  const ids = [...byId.keys()];
  const deps = new Map<string, readonly string[]>();
  for (const [id, task] of byId) deps.set(id, task.dependsOn);

  const dependents = new Map<string, string[]>(ids.map((id) => [id, []]));
  let selfLoop = false;
  for (const [id, list] of deps) {
    for (const d of list) {
      if (d === id) selfLoop = true;
      else if (byId.has(d)) dependents.get(d)!.push(id);
    }
  }
  // Most epics have no cycle, which a topological order covering every task proves; only
  // then is the search for cycles (strongly connected components) skipped.
  let inCycle: ReadonlySet<string> = NO_CYCLE;
  let cycles: string[][] = [];
  let order = topologicalOrder(ids, dependents, inCycle);
  if (selfLoop || order.length < ids.length) {
    cycles = findCycles(ids, deps);
    inCycle = new Set(cycles.flat());
    order = topologicalOrder(ids, dependents, inCycle);
  }

  // Longest unfinished chain from each task, over the acyclic part of the graph.
  const remaining = new Map<string, number>();
  const nextOnPath = new Map<string, string | undefined>();
  for (let i = order.length - 1; i >= 0; i--) {
    const id = order[i];
    const task = byId.get(id)!;
    let best = 0;
    let bestNext: string | undefined;
    for (const d of dependents.get(id)!) {
      if (inCycle.has(d)) continue;
      const value = remaining.get(d) ?? 0;
      if (value > best) {
        best = value;
        bestNext = d;
      }
    }
    remaining.set(id, (task.state === 'done' ? 0 : estimateHours(task.estimate)) + best);
    nextOnPath.set(id, bestNext);
  }

  const criticalPath: string[] = [];
  let start: string | undefined;
  let longest = 0;
  for (const id of ids) {
    const task = byId.get(id)!;
    if (task.state === 'done' || inCycle.has(id)) continue;
    const value = remaining.get(id) ?? 0;
    // The chain that carries the most unfinished work starts at the task with the largest total.
    if (value > longest) {
      longest = value;
      start = id;
    }
  }
  for (let id = start; id !== undefined; id = nextOnPath.get(id)) {
    if (byId.get(id)!.state !== 'done') criticalPath.push(id);
  }
  const critical = new Set(criticalPath);

  // One visit mark per task, shared by every walk: a walk per task, but no set per walk.
  const visited = new Map<string, number>();
  const queue: string[] = [];
  let walk = 0;
  const unblocksCount = (id: string): number => {
    const first = dependents.get(id)!;
    if (first.length === 0) return 0;
    walk++;
    let count = 0;
    queue.length = 0;
    for (const d of first) queue.push(d);
    while (queue.length > 0) {
      const next = queue.pop()!;
      if (visited.get(next) === walk) continue;
      visited.set(next, walk);
      if (byId.get(next)!.state !== 'done') count++;
      for (const d of dependents.get(next)!) queue.push(d);
    }
    return count;
  };

  const dangling: Dependency[] = epic.dependencies.filter((d) => !byId.has(d.from) || !byId.has(d.to));
  const tasks = new Map<string, TaskAnalysis>();
  for (const [id, task] of byId) {
    const blockers: Blocker[] = [];
    if (task.state === 'open') {
      for (const d of task.dependsOn) {
        if (!byId.has(d)) blockers.push({ taskId: d, reason: 'unknown' });
        else if (inCycle.has(d) && inCycle.has(id)) blockers.push({ taskId: d, reason: 'cycle' });
        else if (byId.get(d)!.state !== 'done') blockers.push({ taskId: d, reason: 'not-done' });
      }
      if (inCycle.has(id) && blockers.length === 0) blockers.push({ taskId: id, reason: 'cycle' });
      if (isBlockedStatus(task.rawStatus)) blockers.push({ taskId: id, reason: 'marked-blocked' });
      if (task.incomplete) blockers.push({ taskId: id, reason: 'incomplete' });
    }
    const display: TaskDisplayState =
      task.state === 'done' ? 'done' : task.state === 'in-progress' ? 'in-progress' : blockers.length > 0 ? 'blocked' : 'ready';
    tasks.set(id, {
      task,
      display,
      blockers,
      dependents: dependents.get(id)!,
      unblocks: unblocksCount(id),
      remainingHours: inCycle.has(id) ? 0 : remaining.get(id) ?? 0,
      onCriticalPath: critical.has(id),
    });
  }

  const ready: TaskAnalysis[] = [];
  const blocked: TaskAnalysis[] = [];
  for (const t of tasks.values()) {
    if (t.display === 'ready') ready.push(t);
    else if (t.display === 'blocked') blocked.push(t);
  }
  if (ready.length > 1) ready.sort(compareCandidates);
  const { done, inProgress } = progressOf(epic.tasks);
  const counts: Counts = { total: epic.tasks.length, done, inProgress, ready: ready.length, blocked: blocked.length };
  return { epic, tasks, ready, blocked, cycles, dangling, criticalPath, counts, tasksState: stateOfTasks(counts) };
}

/**
 * Whether an epic's own status closes it (`completed`, `closed`, `cancelled`...): its
 * open tasks are then not recommended while other epics have ready work.
 */
export function isClosedEpic(epic: Epic): boolean {
  return epic.state === 'done';
}

function topologicalOrder(
  ids: readonly string[],
  dependents: ReadonlyMap<string, readonly string[]>,
  inCycle: ReadonlySet<string>,
): string[] {
  const indegree = new Map<string, number>(ids.map((id) => [id, 0]));
  for (const id of ids) {
    if (inCycle.has(id)) continue;
    for (const d of dependents.get(id)!) if (!inCycle.has(d)) indegree.set(d, indegree.get(d)! + 1);
  }
  const queue = ids.filter((id) => !inCycle.has(id) && indegree.get(id) === 0);
  const order: string[] = [];
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i];
    order.push(id);
    for (const d of dependents.get(id)!) {
      if (inCycle.has(d)) continue;
      const left = indegree.get(d)! - 1;
      indegree.set(d, left);
      if (left === 0) queue.push(d);
    }
  }
  return order;
}

/** Priority first, then the longest remaining chain (critical path), then what it unblocks, then document order. */
export function compareCandidates(a: TaskAnalysis, b: TaskAnalysis): number {
  return (
    priorityRank(a.task.priority) - priorityRank(b.task.priority) ||
    b.remainingHours - a.remainingHours ||
    b.unblocks - a.unblocks ||
    a.task.order - b.task.order
  );
}

export interface NextTask {
  readonly epic: Epic;
  readonly task: TaskAnalysis;
  readonly reason: string;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function formatHours(hours: number): string {
  return `${Number.isInteger(hours) ? hours : hours.toFixed(1)}h`;
}

/** Which estimate was read for a task, and the hours it counts for. */
function estimateClause(task: Task): string {
  const hours = readEstimate(task.estimate);
  if (task.estimate === undefined) return `no estimate, counted as ${formatHours(DEFAULT_ESTIMATE_HOURS)}`;
  const from = task.estimateFrom !== undefined ? ` (${task.estimateFrom})` : '';
  if (hours === undefined) return `estimate "${task.estimate}"${from} not understood, counted as ${formatHours(DEFAULT_ESTIMATE_HOURS)}`;
  // `3 hours` needs no translation; `2-3 days` or `M` is shown with the hours it counts for.
  const inHours = new RegExp(`^${String(hours).replace('.', '\\.')}\\s*(?:h|hrs?|hours?)$`, 'i').test(task.estimate.trim());
  return `estimate ${task.estimate}${from}${inHours ? '' : `, counted as ${formatHours(hours)}`}`;
}

/** Why a ready task is recommended, in one sentence a person can check. */
export function explainChoice(candidate: TaskAnalysis, analysis: EpicAnalysis): string {
  const parts: string[] = [];
  const deps = candidate.task.dependsOn;
  parts.push(
    deps.length === 0 ? 'Ready: it has no dependencies' : `Ready: ${deps.length === 1 ? 'its dependency' : `all ${deps.length} dependencies`} (${deps.join(', ')}) ${deps.length === 1 ? 'is' : 'are'} done`,
  );
  if (candidate.task.priority !== undefined) parts.push(`priority ${candidate.task.priority}`);
  parts.push(estimateClause(candidate.task));
  if (candidate.onCriticalPath && analysis.criticalPath.length > 0) {
    parts.push(`starts the critical path (${plural(analysis.criticalPath.length, 'task')}, ${formatHours(candidate.remainingHours)} of work)`);
  } else {
    parts.push(`${formatHours(candidate.remainingHours)} of work on its longest chain`);
  }
  parts.push(candidate.unblocks > 0 ? `unblocks ${plural(candidate.unblocks, 'task')}` : 'unblocks nothing else');
  const closed = isClosedEpic(analysis.epic) ? ` Its epic is marked ${analysis.epic.status ?? 'done'} though this task is open, so it comes after the ready tasks of open epics.` : '';
  return parts.join('; ') + '.' + closed;
}

/**
 * The task to do next across epics: the best ready task by priority, longest remaining
 * chain, what it unblocks, then epic and document order. An epic whose status closes it
 * offers its open tasks only when no other epic has ready work, and the reason says so.
 * Undefined when nothing is ready.
 */
export function nextTask(analyses: readonly EpicAnalysis[]): NextTask | undefined {
  const first = readyTasks(analyses)[0];
  if (!first) return undefined;
  const analysis = analyses.find((a) => a.epic === first.epic)!;
  const reason = explainChoice(first.task, analysis) + (isClosedEpic(first.epic) ? ' No open epic has a ready task.' : '');
  return { epic: first.epic, task: first.task, reason };
}

/** Every ready task across epics, in recommended order; those of epics marked closed come last. */
export function readyTasks(analyses: readonly EpicAnalysis[]): Array<{ epic: Epic; task: TaskAnalysis }> {
  return analyses
    .flatMap((analysis, rank) => analysis.ready.map((task) => ({ epic: analysis.epic, task, rank, closed: isClosedEpic(analysis.epic) })))
    .sort((a, b) => Number(a.closed) - Number(b.closed) || compareCandidates(a.task, b.task) || a.rank - b.rank)
    .map(({ epic, task }) => ({ epic, task }));
}
