import type { EpicAnalysis } from './analysis';
import type { Diagnostic, Prd, Task } from './model';
import { diagnostic, numericId } from './parse/common';
import { epicBelongsToPrd } from './progress';
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
  const taskWord = (id: string) => (epic.layout === 'single-file' ? id : `Task ${id}`);

  const firstById = new Map<string, Task>();
  const firstByNumber = new Map<number, Task>();
  for (const task of epic.tasks) {
    const n = epic.layout === 'directory' ? numericId(task.id) : undefined;
    const earlier = firstById.get(task.id) ?? (n !== undefined ? firstByNumber.get(n) : undefined);
    if (earlier !== undefined) {
      const where = earlier.path === task.path ? `line ${earlier.range.line + 1}` : earlier.path;
      out.push(
        diagnostic(task.path, task.range, 'error', 'task-duplicate-id', `Duplicate task id ${task.id}: ${where} already uses it. Only the first is scheduled.`),
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
          diagnostic(dep.path, dep.range, 'error', 'dependency-cycle', `Dependency cycle: ${shown}. None of these tasks can start until the cycle is broken.`),
        );
      }
    }
  }

  for (const dep of analysis.dangling) {
    if (dep.source === 'mermaid') {
      const missing = [dep.from, dep.to].filter((id) => !analysis.tasks.has(id));
      out.push(
        diagnostic(dep.path, dep.range, 'warning', 'mermaid-unknown-node', `Mermaid node ${missing.join(' and ')} matches no task in this epic.`),
      );
    } else {
      out.push(
        diagnostic(dep.path, dep.range, 'error', 'dependency-dangling', `${taskWord(dep.to)} depends on ${dep.from}, which is not a task of epic ${epic.id}. It stays blocked until the reference is fixed.`),
      );
    }
  }
  for (const dep of epic.dependencies) {
    if (dep.from === dep.to && analysis.tasks.has(dep.from)) {
      out.push(diagnostic(dep.path, dep.range, 'error', 'dependency-self', `${taskWord(dep.to)} depends on itself.`));
    }
  }

  if (epic.layout === 'directory') {
    const listed = new Set<string>();
    for (const entry of epic.checklist) {
      listed.add(entry.taskId);
      const task = analysis.tasks.get(entry.taskId)?.task;
      if (!task) {
        out.push(diagnostic(epic.path, entry.range, 'warning', 'checklist-mismatch', `The checklist lists ${entry.taskId}, but the epic has no such task file.`));
      } else if (entry.checked !== (task.state === 'done')) {
        out.push(
          diagnostic(epic.path, entry.range, 'warning', 'checklist-mismatch', `The checklist marks task ${task.id} as ${entry.checked ? 'done' : 'not done'}, but its file says ${task.rawStatus ?? task.state}.`),
        );
      }
    }
    if (epic.checklist.length > 0) {
      for (const task of epic.tasks) {
        if (!listed.has(task.id)) {
          out.push(diagnostic(epic.path, epic.range, 'info', 'checklist-missing-task', `Task ${task.id}${task.title ? ` (${task.title})` : ''} is not in the epic's task checklist.`));
        }
      }
    }
  }

  if (prds !== undefined && epic.prd !== undefined && !prds.some((p) => epicBelongsToPrd(epic, p))) {
    out.push(diagnostic(epic.path, epic.range, 'warning', 'prd-unknown', `This epic is based on "${epic.prd}", but no PRD by that name was found.`));
  }
  return out;
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
