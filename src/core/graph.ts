import type { EpicAnalysis, TaskAnalysis } from './analysis';
import { issueUrl } from './issues';
import type { Epic, TaskDisplayState } from './model';
import { epicRef } from './model';

/**
 * The dependency graph of one or more epics as mermaid flowchart source, with what a view
 * needs to make it interactive: which mermaid node is which task, and which links are on
 * the critical path. The CLI prints the source; the graph webview renders it and reads
 * the node table, so the webview never reasons about plans.
 */

export type GraphDirection = 'TD' | 'LR';

export interface GraphOptions {
  readonly direction?: GraphDirection;
  /** Leave done tasks out (and the links from them: they hold nothing up any more). */
  readonly hideDone?: boolean;
  /** The task the plan recommends next, marked in the graph. */
  readonly next?: { readonly epicPath: string; readonly taskId: string };
  /**
   * Whether the source carries its own colours (`classDef ... fill:`), for markdown and the
   * CLI. The webview styles the same classes from the editor's theme instead.
   */
  readonly colors?: boolean;
}

/** The mermaid class of each display state. */
export const STATE_CLASS: Readonly<Record<TaskDisplayState, string>> = {
  done: 'done',
  'in-progress': 'inProgress',
  ready: 'ready',
  blocked: 'blocked',
};

export interface GraphNode {
  /** The mermaid node id. */
  readonly key: string;
  readonly kind: 'task' | 'milestone';
  readonly epicId: string;
  readonly epicPath: string;
  /** The task id (`T3`, `1234`) or the milestone id (`M1`). */
  readonly id: string;
  readonly title: string;
  /** Tasks only. */
  readonly state?: TaskDisplayState;
  readonly estimate?: string;
  readonly issue?: number;
  readonly issueUrl?: string;
  readonly group?: string;
  /** Where to open it: the task's line or the milestone's. */
  readonly path: string;
  readonly line: number;
  /** Tasks it still waits for, with why when it is not simply unfinished (`T2`, `T9 (missing)`). */
  readonly waitsFor: readonly string[];
  /** Unfinished tasks that list it as a dependency. */
  readonly unblocks: readonly string[];
  readonly critical: boolean;
  readonly next: boolean;
  /** Milestones: `Day 2`, as written. */
  readonly when?: string;
}

export interface GraphModel {
  readonly source: string;
  readonly direction: GraphDirection;
  readonly nodes: readonly GraphNode[];
  /** Indices (in `linkStyle` numbering) of the links on the critical path. */
  readonly criticalLinks: readonly number[];
  readonly linkCount: number;
  /** Done tasks left out by `hideDone`. */
  readonly hiddenDone: number;
  readonly epics: ReadonlyArray<{ readonly id: string; readonly title: string; readonly path: string }>;
}

/** A mermaid node id for a task id: `T3` stays, `001` becomes `t001`. */
export function mermaidNodeId(taskId: string): string {
  const safe = taskId.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[A-Za-z]/.test(safe) ? safe : `t${safe}`;
}

/** Mermaid labels are quoted; quotes and brackets inside would end them early. */
export function mermaidLabel(text: string): string {
  return text.replace(/"/g, '#quot;').replace(/[[\]{}()<>]/g, ' ').replace(/\s+/g, ' ').trim();
}

const COLORS = [
  'classDef done fill:#2e7d32,stroke:#1b5e20,color:#ffffff',
  'classDef inProgress fill:#1565c0,stroke:#0d47a1,color:#ffffff',
  'classDef ready fill:#f9a825,stroke:#f57f17,color:#000000',
  'classDef blocked fill:#c62828,stroke:#8e0000,color:#ffffff',
  'classDef milestone fill:#6a1b9a,stroke:#4a148c,color:#ffffff',
  'classDef critical stroke-width:4px',
  'classDef next stroke-width:4px,stroke-dasharray:6 3',
];

/** Links are styled by index; a line of indices can get long, so they go in batches. */
function linkStyleLines(indices: readonly number[], style: string): string[] {
  const lines: string[] = [];
  for (let i = 0; i < indices.length; i += 50) lines.push(`    linkStyle ${indices.slice(i, i + 50).join(',')} ${style}`);
  return lines;
}

function waitsFor(state: TaskAnalysis, tasks: ReadonlyMap<string, TaskAnalysis>): string[] {
  return state.blockers
    .filter((b) => b.reason !== 'marked-blocked' && b.reason !== 'incomplete')
    .map((b) => (b.reason === 'unknown' ? `${b.taskId} (missing)` : b.reason === 'cycle' && tasks.has(b.taskId) ? `${b.taskId} (cycle)` : b.taskId));
}

/** The subgraph (group index) each shown task is drawn in, as buildGraph draws them: a task in two groups is in the first. */
function groupOfShown(groups: Epic['groups'], shown: ReadonlyMap<string, unknown>): Map<string, number> {
  const out = new Map<string, number>();
  groups.forEach((group, index) => {
    for (const id of group.taskIds) if (shown.has(id) && !out.has(id)) out.set(id, index);
  });
  return out;
}

/** Fewer edges than this between two groups are drawn one by one. */
const BARRIER_MIN_EDGES = 6;

/**
 * Where every last task of one group leads to every first task of another (a Spec Kit
 * phase of parallel tasks waiting for the whole phase before it), n × m lines would hide
 * the plan: one link between the two subgraphs says the same. That holds only when the
 * lines between the two are every pair of their ends, and the ends include every last
 * task of the one and every first task of the other. Edges on the critical path are
 * still drawn one by one, so that it can be drawn heavier.
 */
function groupBarriers(edges: ReadonlyArray<[string, string]>, groupOf: ReadonlyMap<string, number>, critical: (from: string, to: string) => boolean): { links: Array<[number, number]>; covered: Set<string> } {
  const between = new Map<string, Array<[string, string]>>();
  // A group's last tasks lead to no task of their own group; its first tasks wait for none.
  const leadsInside = new Set<string>();
  const waitsInside = new Set<string>();
  for (const [from, to] of edges) {
    if (groupOf.get(from) !== undefined && groupOf.get(from) === groupOf.get(to)) {
      leadsInside.add(from);
      waitsInside.add(to);
    }
  }
  const members = (group: number) => [...groupOf].filter(([, g]) => g === group).map(([id]) => id);
  const holdsAll = (set: ReadonlySet<string>, ids: readonly string[]) => ids.every((id) => set.has(id));
  for (const [from, to] of edges) {
    const a = groupOf.get(from);
    const b = groupOf.get(to);
    if (a === undefined || b === undefined || a === b) continue;
    const key = `${a}>${b}`;
    let list = between.get(key);
    if (!list) between.set(key, (list = []));
    list.push([from, to]);
  }
  const links: Array<[number, number]> = [];
  const covered = new Set<string>();
  for (const [key, list] of between) {
    const froms = new Set(list.map(([f]) => f));
    const tos = new Set(list.map(([, t]) => t));
    if (list.length < BARRIER_MIN_EDGES || froms.size < 2 || tos.size < 2 || list.length !== froms.size * tos.size) continue;
    const [a, b] = key.split('>').map(Number);
    // Each task of B then waits, directly or through B's first tasks, for each last task of
    // A and so for all of A: "the one box waits for the other" says no more than the lines.
    if (!holdsAll(froms, members(a).filter((id) => !leadsInside.has(id))) || !holdsAll(tos, members(b).filter((id) => !waitsInside.has(id)))) continue;
    links.push([a, b]);
    for (const [from, to] of list) if (!critical(from, to)) covered.add(`${from}->${to}`);
  }
  return { links, covered };
}

/**
 * The graph of the given epics: one epic draws its groups as subgraphs; several epics
 * draw one subgraph each (a PRD's epics together), their groups nested inside.
 */
export function buildGraph(analyses: readonly EpicAnalysis[], options: GraphOptions = {}): GraphModel {
  const direction = options.direction ?? 'TD';
  const several = analyses.length > 1;
  const lines = [`graph ${direction}`];
  const nodes: GraphNode[] = [];
  const links: string[] = [];
  const criticalLinks: number[] = [];
  const classes = new Map<string, string[]>();
  const addClass = (name: string, key: string) => {
    let members = classes.get(name);
    if (!members) classes.set(name, (members = []));
    members.push(key);
  };
  let hiddenDone = 0;

  analyses.forEach((analysis, epicIndex) => {
    const { epic } = analysis;
    const prefix = several ? `e${epicIndex}_` : '';
    const keyOf = (taskId: string) => `${prefix}${mermaidNodeId(taskId)}`;
    const shown = new Map<string, TaskAnalysis>();
    for (const [id, t] of analysis.tasks) {
      if (options.hideDone && t.display === 'done') hiddenDone++;
      else shown.set(id, t);
    }
    const indent = several ? '        ' : '    ';
    if (several) lines.push(`    subgraph ${prefix}epic ["${mermaidLabel(epic.title || epic.id)}"]`);

    const nodeLine = (id: string, t: TaskAnalysis): string => {
      const isNext = options.next?.epicPath === epicRef(epic) && options.next.taskId === id;
      const text = `${isNext ? '▶ ' : ''}${id}: ${t.task.title}`;
      return `["${mermaidLabel(text)}"]`;
    };
    // Tasks in a group are drawn inside it; the rest, and tasks whose group is unknown, outside.
    const grouped = new Set<string>();
    epic.groups.forEach((group, groupIndex) => {
      const members = group.taskIds.filter((id) => shown.has(id) && !grouped.has(id));
      if (members.length === 0) return;
      lines.push(`${indent}subgraph ${prefix}g${groupIndex} ["${mermaidLabel(group.name)}"]`);
      for (const id of members) {
        grouped.add(id);
        lines.push(`${indent}    ${keyOf(id)}${nodeLine(id, shown.get(id)!)}`);
      }
      lines.push(`${indent}end`);
    });
    for (const [id, t] of shown) if (!grouped.has(id)) lines.push(`${indent}${keyOf(id)}${nodeLine(id, t)}`);

    epic.milestones.forEach((milestone) => {
      const key = `${prefix}ms_${mermaidNodeId(milestone.id)}`;
      const text = `${milestone.id}${milestone.when ? ` · ${milestone.when}` : ''}: ${milestone.title}`;
      lines.push(`${indent}${key}{{"${mermaidLabel(text)}"}}`);
      addClass('milestone', key);
      nodes.push({
        key,
        kind: 'milestone',
        epicId: epic.id,
        epicPath: epicRef(epic),
        id: milestone.id,
        title: milestone.title,
        path: epic.path,
        line: milestone.range.line,
        waitsFor: milestone.taskIds.filter((id) => analysis.tasks.get(id)?.display !== 'done'),
        unblocks: [],
        critical: false,
        next: false,
        ...(milestone.when !== undefined ? { when: milestone.when } : {}),
      });
    });
    if (several) lines.push('    end');

    const onPath = new Map(analysis.criticalPath.map((id, i) => [id, i]));
    const critical = (from: string, to: string) => {
      const at = onPath.get(from);
      return at !== undefined && onPath.get(to) === at + 1;
    };
    const seen = new Set<string>();
    const edges: Array<[from: string, to: string]> = [];
    for (const [id, t] of shown) {
      for (const dep of t.task.dependsOn) {
        const link = `${dep}->${id}`;
        if (!shown.has(dep) || seen.has(link)) continue;
        seen.add(link);
        edges.push([dep, id]);
      }
    }
    const barriers = groupBarriers(edges, groupOfShown(epic.groups, shown), critical);
    for (const [from, to] of edges) {
      if (barriers.covered.has(`${from}->${to}`)) continue;
      if (critical(from, to)) criticalLinks.push(links.length);
      links.push(`    ${keyOf(from)} --> ${keyOf(to)}`);
    }
    for (const [from, to] of barriers.links) links.push(`    ${prefix}g${from} --> ${prefix}g${to}`);
    epic.milestones.forEach((milestone) => {
      const key = `${prefix}ms_${mermaidNodeId(milestone.id)}`;
      for (const id of new Set(milestone.taskIds)) if (shown.has(id)) links.push(`    ${keyOf(id)} -.-> ${key}`);
    });

    for (const [id, t] of shown) {
      const key = keyOf(id);
      const isNext = options.next?.epicPath === epicRef(epic) && options.next.taskId === id;
      addClass(STATE_CLASS[t.display], key);
      if (t.onCriticalPath) addClass('critical', key);
      if (isNext) addClass('next', key);
      const url = issueUrl(epic, t.task);
      nodes.push({
        key,
        kind: 'task',
        epicId: epic.id,
        epicPath: epicRef(epic),
        id,
        title: t.task.title,
        state: t.display,
        ...(t.task.estimate !== undefined ? { estimate: t.task.estimate } : {}),
        ...(t.task.issue !== undefined ? { issue: t.task.issue } : {}),
        ...(url !== undefined ? { issueUrl: url } : {}),
        ...(t.task.group !== undefined ? { group: t.task.group } : {}),
        path: t.task.path,
        line: t.task.range.line,
        waitsFor: waitsFor(t, analysis.tasks),
        unblocks: t.dependents.filter((d) => analysis.tasks.get(d)?.display !== 'done'),
        critical: t.onCriticalPath,
        next: isNext,
      });
    }
  });

  lines.push(...links);
  if (options.colors !== false) lines.push(...COLORS.map((c) => `    ${c}`));
  // Applied in this order so that `critical` and `next` outlines win over the state's.
  for (const name of ['done', 'inProgress', 'ready', 'blocked', 'milestone', 'critical', 'next']) {
    const members = classes.get(name);
    if (members && members.length > 0) lines.push(`    class ${members.join(',')} ${name}`);
  }
  if (criticalLinks.length > 0) lines.push(...linkStyleLines(criticalLinks, 'stroke-width:4px'));

  return {
    source: lines.join('\n') + '\n',
    direction,
    nodes,
    criticalLinks,
    linkCount: links.length,
    hiddenDone,
    epics: analyses.map((a) => ({ id: a.epic.id, title: a.epic.title, path: a.epic.path })),
  };
}
