/**
 * Fixes of dependencies: a reference to no task (remove it, or replace it with a task the
 * user picks), a task number from before a sync (write the task's number now), a task
 * that depends on itself (remove that), a cycle (remove one of its edges: one fix per
 * edge), and a mermaid edge to a node that is no task (remove its line).
 *
 * A dependency may be declared in a task file's `depends_on`, on a `**Depends on:**`
 * bullet, or as a mermaid edge, and the same one in more than one of them: removing it
 * removes every declaration, or the fix is not offered.
 */
import type { Dependency, Diagnostic, DiagnosticData, Epic, Task } from '../model';
import type { PlanChange } from '../edits';
import type { EpicAnalysis } from '../analysis';
import { analyzeEpic } from '../analysis';
import { parseMermaidEdges } from '../parse/mermaidEdges';
import { mermaidNodeToTask } from '../parse/singleFileEpicParser';
import { taskResolver } from '../parse/directoryParser';
import type { FixContext, FixDraft, FixOption } from './fixes';
import { bulletDependsEdits, dependsOnEdits } from './dependencyLists';
import { deleteLines, fileChange, joinChanges, textLines } from './fixText';
import { editDistance } from './editDistance';

type Data<C extends DiagnosticData['code']> = Extract<DiagnosticData, { code: C }>;

/** The most tasks a "replace with" choice lists, nearest first. */
export const MAX_OPTIONS = 50;

/**
 * The tasks `to` could depend on instead of a reference that names no task, each id once,
 * in file order: not itself, not one it waits for already, and not one that waits for it,
 * directly or through others (that would make a cycle). Each format ranks them its way.
 */
export function otherDependencies(epic: Epic, to: string): Task[] {
  const target = epic.tasks.find((t) => t.id === to);
  if (!target) return [];
  const waiting = new Set<string>();
  const queue = [to];
  while (queue.length > 0) {
    const next = queue.pop()!;
    for (const task of epic.tasks) {
      if (!waiting.has(task.id) && task.dependsOn.includes(next)) {
        waiting.add(task.id);
        queue.push(task.id);
      }
    }
  }
  const seen = new Set<string>();
  return epic.tasks.filter((t) => {
    if (seen.has(t.id)) return false;
    seen.add(t.id);
    return t.id !== to && !target.dependsOn.includes(t.id) && !waiting.has(t.id);
  });
}

function taskWord(epic: Epic, id: string): string {
  return epic.layout === 'single-file' ? id : `task ${id}`;
}

/** The declarations of `from → to` now, the one on the diagnostic's file and line first. */
function declarations(epic: Epic, from: string, to: string, d: Diagnostic): Dependency[] {
  const all = epic.dependencies.filter((dep) => dep.from === from && dep.to === to);
  return all.sort((a, b) => Number(b.path === d.path && b.range.line === d.range.line) - Number(a.path === d.path && a.range.line === d.range.line));
}

export function danglingFixes(d: Diagnostic, data: Data<'dependency-dangling'>, context: FixContext): FixDraft[] {
  const epic = context.epic;
  if (!epic) return [];
  const ids = new Set(epic.tasks.map((t) => t.id));
  if (ids.has(data.from) || !ids.has(data.to)) return [];
  const deps = declarations(epic, data.from, data.to, d).filter((dep) => dep.source !== 'mermaid');
  const dep = deps.find((x) => x.path === d.path);
  if (!dep) return [];
  const out: FixDraft[] = [];
  const removal = removeDeclarations(epic, [dep], context);
  if (removal) out.push({ title: `Remove the dependency on ${data.written ?? data.from}`, change: removal, safe: false, preferred: true });

  const target = epic.tasks.find((t) => t.id === data.to)!;
  const written = data.written ?? data.from;
  const candidates = epic.tasks
    .filter((t) => t.id !== data.to && !target.dependsOn.includes(t.id))
    .map((t) => ({ task: t, distance: editDistance(written.toLowerCase(), t.id.toLowerCase()) }))
    .sort((a, b) => a.distance - b.distance || a.task.order - b.task.order)
    .slice(0, MAX_OPTIONS);
  const options: FixOption[] = [];
  for (const { task } of candidates) {
    const change = replaceReference(epic, dep, task.id, context);
    if (change) options.push({ label: task.id, ...(task.title ? { detail: task.title } : {}), change });
  }
  out.push({
    title: `Replace ${written} with another task…`,
    change: fileChange(d.path, []),
    safe: false,
    choice: { placeholder: `The task ${taskWord(epic, data.to)} depends on instead of ${written}`, options },
  });
  return out;
}

export function selfFixes(d: Diagnostic, data: Data<'dependency-self'>, context: FixContext): FixDraft[] {
  const epic = context.epic;
  if (!epic) return [];
  const deps = declarations(epic, data.taskId, data.taskId, d).filter((dep) => (dep.written ?? dep.from) === (data.written ?? data.taskId));
  const dep = deps.find((x) => x.path === d.path);
  if (!dep) return [];
  const change = removeDeclarations(epic, [dep], context);
  return change ? [{ title: `Remove the dependency of ${taskWord(epic, data.taskId)} on itself`, change, safe: true, preferred: true }] : [];
}

export function renamedFixes(d: Diagnostic, data: Data<'dependency-renamed'>, context: FixContext): FixDraft[] {
  const epic = context.epic;
  // A mermaid node is named after the task (`T3`), not by its file: there is nothing as plain to write there.
  if (!epic || data.source !== 'frontmatter') return [];
  const edits = dependsOnEdits(d.path, context.read(d.path), { rewrite: (item) => (item === data.written ? data.taskId : undefined) });
  return edits ? [{ title: `Write ${data.taskId} for ${data.written}, its number since the sync`, change: fileChange(d.path, edits), safe: true, preferred: true }] : [];
}

/**
 * The edges of the cycle a `dependency-cycle` diagnostic is on, each once: the
 * diagnostic's own first, then in the order the plan declares them. [] when the cycle is
 * gone.
 */
export function cycleEdges(epic: Epic, analysis: EpicAnalysis, data: Data<'dependency-cycle'>): Array<[from: string, to: string]> {
  const cycle = analysis.cycles.find((c) => c.includes(data.from) && c.includes(data.to));
  if (!cycle) return [];
  const members = new Set(cycle);
  const edges: Array<[from: string, to: string]> = [[data.from, data.to]];
  for (const dep of epic.dependencies) {
    if (dep.from === dep.to || !members.has(dep.from) || !members.has(dep.to)) continue;
    if (!edges.some(([f, t]) => f === dep.from && t === dep.to)) edges.push([dep.from, dep.to]);
  }
  return edges;
}

export function cycleFixes(d: Diagnostic, data: Data<'dependency-cycle'>, context: FixContext): FixDraft[] {
  const epic = context.epic;
  if (!epic) return [];
  const edges = cycleEdges(epic, context.plan.analysis?.(epic) ?? analyzeEpic(epic), data);
  const out: FixDraft[] = [];
  for (const [from, to] of edges) {
    const change = removeDeclarations(epic, declarations(epic, from, to, d), context);
    if (change) out.push({ title: `Remove the dependency of ${taskWord(epic, to)} on ${taskWord(epic, from)}`, change, safe: false });
  }
  return out;
}

export function mermaidUnknownNodeFixes(d: Diagnostic, data: Data<'mermaid-unknown-node'>, context: FixContext): FixDraft[] {
  const epic = context.epic;
  if (!epic) return [];
  const known = new Set(epic.tasks.map((t) => t.id));
  const onLine = epic.dependencies.filter((dep) => dep.source === 'mermaid' && dep.path === d.path && dep.range.line === d.range.line);
  if (!onLine.some((dep) => !known.has(dep.from) || !known.has(dep.to))) return [];
  // Only a line whose every edge has a node that is no task: the line's other edges are real dependencies.
  if (!onLine.every((dep) => !known.has(dep.from) || !known.has(dep.to))) return [];
  const change = removeMermaidLines(epic, onLine, context);
  return change ? [{ title: `Remove the mermaid line with ${data.nodes.join(' and ')} (line ${d.range.line + 1})`, change, safe: false }] : [];
}

/** Removes these declarations (of one or more edges); undefined when one of them cannot be removed. */
function removeDeclarations(epic: Epic, deps: readonly Dependency[], context: FixContext): PlanChange | undefined {
  if (deps.length === 0) return undefined;
  const changes: PlanChange[] = [];
  const frontmatter = new Map<string, Dependency[]>();
  const bullets = new Map<string, Dependency[]>();
  const mermaid: Dependency[] = [];
  for (const dep of deps) {
    if (dep.source === 'mermaid') mermaid.push(dep);
    else {
      const groups = dep.source === 'frontmatter' ? frontmatter : bullets;
      const key = dep.source === 'frontmatter' ? dep.path : `${dep.path}\n${dep.range.line}`;
      groups.set(key, [...(groups.get(key) ?? []), dep]);
    }
  }
  for (const [path, list] of frontmatter) {
    const written = new Set(list.map((dep) => dep.written ?? dep.from));
    const edits = dependsOnEdits(path, context.read(path), { remove: (item) => written.has(item) });
    if (!edits) return undefined;
    changes.push(fileChange(path, edits));
  }
  for (const list of bullets.values()) {
    const { path, range, to } = list[0];
    const ids = new Set(list.map((dep) => dep.from));
    const edits = bulletDependsEdits(path, context.read(path), range.line, to, { remove: (id) => ids.has(id) });
    if (!edits) return undefined;
    changes.push(fileChange(path, edits));
  }
  if (mermaid.length > 0) {
    const change = removeMermaidLines(epic, mermaid, context);
    if (!change) return undefined;
    changes.push(change);
  }
  return joinChanges(...changes);
}

/** Replaces the reference of a depends-on declaration with another task. */
function replaceReference(epic: Epic, dep: Dependency, id: string, context: FixContext): PlanChange | undefined {
  const text = context.read(dep.path);
  const written = dep.written ?? dep.from;
  const edits =
    dep.source === 'frontmatter'
      ? dependsOnEdits(dep.path, text, { rewrite: (item) => (item === written ? id : undefined) })
      : dep.source === 'bullet'
        ? bulletDependsEdits(dep.path, text, dep.range.line, dep.to, { rewrite: (from) => (from === dep.from ? id : undefined) })
        : undefined;
  return edits ? fileChange(dep.path, edits) : undefined;
}

/**
 * Removes the mermaid lines that declare these edges, when each of those lines declares
 * nothing else; the line must still read as the model has it.
 */
function removeMermaidLines(epic: Epic, deps: readonly Dependency[], context: FixContext): PlanChange | undefined {
  const byLine = new Map<string, Dependency[]>();
  for (const dep of deps) byLine.set(`${dep.path}\n${dep.range.line}`, [...(byLine.get(`${dep.path}\n${dep.range.line}`) ?? []), dep]);
  const resolve = epic.layout === 'directory' ? taskResolver(epic.tasks, epic.renumbered) : undefined;
  const node = (raw: string) => {
    const id = mermaidNodeToTask(raw);
    return resolve?.(id) ?? id;
  };
  const changes: PlanChange[] = [];
  for (const list of byLine.values()) {
    const { path, range } = list[0];
    const declared = epic.dependencies.filter((dep) => dep.source === 'mermaid' && dep.path === path && dep.range.line === range.line);
    if (declared.some((dep) => !list.some((x) => x.from === dep.from && x.to === dep.to))) return undefined;
    const t = textLines(context.read(path));
    const lineText = t.lines[range.line];
    if (lineText === undefined) return undefined;
    const now = parseMermaidEdges(lineText, range.line).map((e) => `${node(e.from)}>${node(e.to)}`).sort();
    const expected = declared.map((dep) => `${dep.from}>${dep.to}`).sort();
    if (now.length !== expected.length || now.some((edge, i) => edge !== expected[i])) return undefined;
    changes.push(fileChange(path, [deleteLines(t, range.line, range.line)]));
  }
  return joinChanges(...changes);
}
