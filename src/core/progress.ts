import type { Epic, Prd, Task } from './model';
import { fileStem } from './text';

export interface Progress {
  readonly done: number;
  readonly total: number;
  /** 0..100, rounded; 0 when there is nothing to do. */
  readonly percent: number;
}

/** 0..100, rounded; 0 when there is nothing to do. */
export function percentOf(done: number, total: number): number {
  return total === 0 ? 0 : Math.round((done / total) * 100);
}

export function progressOf(tasks: readonly Task[]): Progress {
  const done = tasks.filter((t) => t.state === 'done').length;
  return { done, total: tasks.length, percent: percentOf(done, tasks.length) };
}

export interface GroupProgress extends Progress {
  readonly name: string;
}

export interface MilestoneProgress extends Progress {
  readonly id: string;
  readonly title: string;
  readonly when?: string;
  readonly taskIds: readonly string[];
}

export interface EpicProgress extends Progress {
  readonly groups: readonly GroupProgress[];
  readonly milestones: readonly MilestoneProgress[];
}

function tasksById(epic: Epic, ids: readonly string[]): Task[] {
  return ids.map((id) => epic.tasks.find((t) => t.id === id)).filter((t): t is Task => t !== undefined);
}

export function epicProgress(epic: Epic): EpicProgress {
  return {
    ...progressOf(epic.tasks),
    groups: epic.groups.map((g) => ({ name: g.name, ...progressOf(tasksById(epic, g.taskIds)) })),
    milestones: epic.milestones.map((m) => ({
      id: m.id,
      title: m.title,
      ...(m.when !== undefined ? { when: m.when } : {}),
      taskIds: m.taskIds,
      ...progressOf(tasksById(epic, m.taskIds)),
    })),
  };
}

/** Whether an epic's `prd`/`Based on` value names this PRD (by id, file name or path). */
export function epicBelongsToPrd(epic: Epic, prd: Prd): boolean {
  if (epic.prd === undefined) return false;
  const ref = epic.prd.trim().replace(/^\.?\//, '');
  const lower = ref.toLowerCase();
  return (
    lower === prd.id.toLowerCase() ||
    fileStem(ref).toLowerCase() === fileStem(prd.path).toLowerCase() ||
    prd.path.toLowerCase().endsWith(lower) ||
    (/^prd[-\s]?\d+$/i.test(ref) && lower.replace(/\s/, '-') === prd.id.toLowerCase())
  );
}

export function prdProgress(prd: Prd, epics: readonly Epic[]): Progress & { readonly epicIds: readonly string[] } {
  const own = epics.filter((e) => epicBelongsToPrd(e, prd));
  return { ...progressOf(own.flatMap((e) => e.tasks)), epicIds: own.map((e) => e.id) };
}
