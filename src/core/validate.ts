import type { Counts, EpicAnalysis } from './analysis';
import type { Diagnostic, Epic, PlanState, Prd, Range, Task } from './model';
import { diagnostic, numericId } from './parse/common';
import { belongsToSomePrd, percentInStep, progressOf, stateOfTasks, writtenPercent } from './progress';
import { isAbandonedStatus, planStateLabel } from './status';
import { comparePaths } from './text';

/**
 * The problems that only show when an epic is seen whole: duplicate ids, cycles,
 * dangling references, mermaid nodes with no task, and an `epic.md` checklist that
 * disagrees with the task files. Per-file problems come from the parsers.
 */
export function validateEpic(analysis: EpicAnalysis, prds: readonly Prd[] | undefined): Diagnostic[] {
  const { epic } = analysis;
  const out: Diagnostic[] = [];
  // Single-file ids read as themselves (`T3`); directory ids are bare numbers, so name them.
  const taskWord = (id: string) => (epic.layout === 'single-file' || epic.layout === 'spec-kit' ? id : `Task ${id}`);

  const firstById = new Map<string, Task>();
  const firstByNumber = new Map<number, Task>();
  for (const task of epic.tasks) {
    const n = epic.layout === 'directory' ? numericId(task.id) : undefined;
    const earlier = firstById.get(task.id) ?? (n !== undefined ? firstByNumber.get(n) : undefined);
    if (earlier !== undefined) {
      const where = earlier.path === task.path ? `line ${earlier.range.line + 1}` : earlier.path;
      out.push(
        diagnostic(task.path, task.range, 'error', 'task-duplicate-id', `Duplicate task id ${task.id}: ${where} already uses it. Only the first is scheduled.`, { code: 'task-duplicate-id', taskId: task.id }),
      );
      continue;
    }
    firstById.set(task.id, task);
    if (n !== undefined) firstByNumber.set(n, task);
  }

  for (const cycle of analysis.cycles) {
    // A task that depends on itself is reported once, as dependency-self, below.
    if (cycle.length === 1) continue;
    const members = new Set(cycle);
    const shown = [...cycle, cycle[0]].join(' → ');
    for (const dep of epic.dependencies) {
      if (members.has(dep.from) && members.has(dep.to)) {
        out.push(
          diagnostic(dep.path, dep.range, 'error', 'dependency-cycle', `Dependency cycle: ${shown}. None of these tasks can start until the cycle is broken.`, { code: 'dependency-cycle', from: dep.from, to: dep.to, cycle }),
        );
      }
    }
  }

  for (const dep of analysis.dangling) {
    if (dep.source === 'mermaid') {
      const missing = [dep.from, dep.to].filter((id) => !analysis.tasks.has(id));
      out.push(
        diagnostic(dep.path, dep.range, 'warning', 'mermaid-unknown-node', `Mermaid node ${missing.join(' and ')} matches no task in this epic.`, { code: 'mermaid-unknown-node', nodes: missing }),
      );
    } else {
      out.push(
        diagnostic(dep.path, dep.range, 'error', 'dependency-dangling', `${taskWord(dep.to)} depends on ${dep.from}, which is not a task of epic ${epic.id}. It stays blocked until the reference is fixed.`, {
          code: 'dependency-dangling',
          from: dep.from,
          to: dep.to,
          ...(dep.written !== undefined ? { written: dep.written } : {}),
        }),
      );
    }
  }
  for (const dep of epic.dependencies) {
    if (dep.from === dep.to && analysis.tasks.has(dep.from)) {
      out.push(diagnostic(dep.path, dep.range, 'error', 'dependency-self', `${taskWord(dep.to)} depends on itself.`, { code: 'dependency-self', taskId: dep.to, ...(dep.written !== undefined ? { written: dep.written } : {}) }));
    }
  }

  if (epic.layout === 'directory') {
    const listed = new Set<string>();
    for (const entry of epic.checklist) {
      listed.add(entry.taskId);
      const task = analysis.tasks.get(entry.taskId)?.task;
      if (!task) {
        out.push(diagnostic(epic.path, entry.range, 'warning', 'checklist-mismatch', `The checklist lists ${entry.taskId}, but the epic has no such task file.`, { code: 'checklist-mismatch', taskId: entry.taskId, checked: entry.checked, hasFile: false }));
      } else if (entry.checked !== (task.state === 'done')) {
        out.push(
          diagnostic(epic.path, entry.range, 'warning', 'checklist-mismatch', `The checklist marks task ${task.id} as ${entry.checked ? 'done' : 'not done'}, but its file says ${task.rawStatus ?? task.state}.`, { code: 'checklist-mismatch', taskId: task.id, checked: entry.checked, hasFile: true }),
        );
      }
    }
    if (epic.checklist.length > 0) {
      for (const task of epic.tasks) {
        if (!listed.has(task.id)) {
          out.push(diagnostic(epic.path, epic.range, 'info', 'checklist-missing-task', `Task ${task.id}${task.title ? ` (${task.title})` : ''} is not in the epic's task checklist.`, { code: 'checklist-missing-task', taskId: task.id }));
        }
      }
    }
  }

  const contradiction = statusContradiction(epic, analysis.counts, 'tasks');
  if (contradiction) out.push(contradiction);
  const stale = staleProgress(epic);
  if (stale) out.push(stale);

  if (prds !== undefined && epic.prd !== undefined && !belongsToSomePrd(epic, prds)) {
    out.push(diagnostic(epic.path, epic.range, 'warning', 'prd-unknown', `This epic is based on "${epic.prd}", but no PRD by that name was found.`));
  }
  return out;
}

/**
 * A frontmatter `progress` the tasks no longer bear out, as when files are edited by hand.
 * Only information: AutoPM shows the progress the tasks give, never the written one. An
 * epic with no tasks yet gives no figure to hold the value to.
 */
function staleProgress(epic: Epic): Diagnostic | undefined {
  if (epic.progressRange === undefined || epic.tasks.length === 0) return undefined;
  const value = epic.metadata['progress'];
  const written = writtenPercent(value);
  // The same count edits.ts writes when a task is completed from the editor.
  const { done, total, percent } = progressOf(epic.tasks);
  if (written === undefined || percentInStep(written, percent)) return undefined;
  const shown = String(value).trim();
  return diagnostic(epic.path, epic.progressRange, 'info', 'progress-stale', `The progress says ${shown}, but ${done} of ${total} tasks are done (${percent}%).`, {
    code: 'progress-stale',
    written: shown,
    percent,
  });
}

interface StatusedPlan {
  readonly kind: 'epic' | 'prd';
  readonly path: string;
  readonly status?: string;
  readonly state: PlanState;
  readonly statusRange?: Range;
}

/** How a written status and the tasks disagree. */
export type StatusConflict =
  /** The status says done while tasks are open. */
  | 'done-but-open'
  /** The status says not started while at least half the tasks are done. */
  | 'not-started-but-done'
  /** An epic whose every task is done, still in progress by its status. */
  | 'all-done-but-open';

/**
 * Whether the tasks contradict a written status. The views show the state the tasks give
 * and this beside it; validation says why. Statuses that close a plan unfinished
 * (`cancelled`, `archived`) contradict nothing, and neither does a PRD `Approved`, which
 * is a state of readiness, not of progress.
 */
export function statusConflict(plan: StatusedPlan, counts: Pick<Counts, 'total' | 'done' | 'inProgress'>): StatusConflict | undefined {
  if (plan.status === undefined || counts.total === 0 || isAbandonedStatus(plan.status)) return undefined;
  const tasksState = stateOfTasks(counts);
  if (plan.state === 'done' && tasksState !== 'done') return 'done-but-open';
  if (plan.state === 'not-started' && counts.done * 2 >= counts.total && !(plan.kind === 'prd' && /^approved$/i.test(plan.status.trim()))) return 'not-started-but-done';
  if (plan.kind === 'epic' && plan.state === 'in-progress' && tasksState === 'done') return 'all-done-but-open';
  return undefined;
}

function statusContradiction(plan: StatusedPlan, counts: Pick<Counts, 'total' | 'done' | 'inProgress'>, whose: string): Diagnostic | undefined {
  const conflict = statusConflict(plan, counts);
  if (conflict === undefined || plan.statusRange === undefined) return undefined;
  const tasksState = stateOfTasks(counts);
  const shown = planStateLabel(tasksState);
  const what = plan.kind === 'epic' ? 'epic' : 'PRD';
  const data = { code: 'status-contradicts-tasks', tasksState } as const;
  switch (conflict) {
    case 'done-but-open':
      return diagnostic(plan.path, plan.statusRange, 'warning', 'status-contradicts-tasks',
        `The status says "${plan.status}", but ${counts.total - counts.done} of ${counts.total} ${whose} are not done, so AutoPM shows this ${what} as ${shown}. Set the status to in-progress, or finish those tasks.`, data);
    case 'not-started-but-done':
      return diagnostic(plan.path, plan.statusRange, 'warning', 'status-contradicts-tasks',
        `The status says "${plan.status}", but ${counts.done} of ${counts.total} ${whose} are done, so AutoPM shows this ${what} as ${shown}. Set the status to ${shown === 'done' ? 'completed' : 'in-progress'}.`, data);
    case 'all-done-but-open':
      return diagnostic(plan.path, plan.statusRange, 'info', 'status-contradicts-tasks',
        `Every task is done (${counts.done} of ${counts.total}), but the status says "${plan.status}"; set it to completed to close the epic.`, data);
  }
}

/** A PRD's own checks: a status its epics' tasks contradict. */
export function validatePrd(prd: Prd, epics: readonly Epic[]): Diagnostic[] {
  const found = statusContradiction(prd, progressOf(epics.flatMap((e) => e.tasks)), `tasks of its epics (${epics.map((e) => e.id).join(', ')})`);
  return found ? [found] : [];
}

/** Diagnostics in a stable order: by path, then line, then column, then code. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      comparePaths(a.path, b.path) ||
      a.range.line - b.range.line ||
      a.range.column - b.range.column ||
      comparePaths(a.code, b.code),
  );
}
