import type { EpicAnalysis } from './analysis';
import { buildGraph } from './graph';

/**
 * The dependency graph as mermaid source for markdown and the CLI: groups as subgraphs,
 * one class per display state, colours included, the critical path drawn heavier.
 * Dependencies on tasks the epic does not have are left out (they are diagnostics).
 */
export function epicGraphMermaid(analysis: EpicAnalysis): string {
  return buildGraph([analysis], { colors: true }).source;
}

export interface GraphJson {
  readonly nodes: ReadonlyArray<{ id: string; title: string; state: string }>;
  readonly edges: ReadonlyArray<{ from: string; to: string }>;
}

export function epicGraphJson(analysis: EpicAnalysis): GraphJson {
  const nodes = [...analysis.tasks.values()].map((t) => ({ id: t.task.id, title: t.task.title, state: t.display }));
  const edges: Array<{ from: string; to: string }> = [];
  const seen = new Set<string>();
  for (const [id, t] of analysis.tasks) {
    for (const dep of t.task.dependsOn) {
      const key = `${dep}->${id}`;
      if (!analysis.tasks.has(dep) || seen.has(key)) continue;
      seen.add(key);
      edges.push({ from: dep, to: id });
    }
  }
  return { nodes, edges };
}
