import type { EpicAnalysis } from './analysis';

const CLASS_FOR = { done: 'done', 'in-progress': 'inProgress', ready: 'ready', blocked: 'blocked' } as const;

/** A mermaid node id for a task id: `T3` stays, `001` becomes `t001`. */
function nodeId(taskId: string): string {
  const safe = taskId.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[A-Za-z]/.test(safe) ? safe : `t${safe}`;
}

/** Mermaid labels are quoted; quotes and brackets inside would end them early. */
function label(text: string): string {
  return text.replace(/"/g, '#quot;').replace(/[[\]{}()<>]/g, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * The dependency graph as mermaid `graph TD` source, one class per display state.
 * Dependencies on tasks the epic does not have are left out (they are diagnostics).
 */
export function epicGraphMermaid(analysis: EpicAnalysis): string {
  const lines = ['graph TD'];
  for (const [id, t] of analysis.tasks) {
    lines.push(`    ${nodeId(id)}["${label(`${id}: ${t.task.title}`)}"]`);
  }
  for (const edge of epicGraphJson(analysis).edges) {
    lines.push(`    ${nodeId(edge.from)} --> ${nodeId(edge.to)}`);
  }
  lines.push(
    '    classDef done fill:#2e7d32,stroke:#1b5e20,color:#ffffff',
    '    classDef inProgress fill:#1565c0,stroke:#0d47a1,color:#ffffff',
    '    classDef ready fill:#f9a825,stroke:#f57f17,color:#000000',
    '    classDef blocked fill:#c62828,stroke:#8e0000,color:#ffffff',
  );
  for (const state of ['done', 'in-progress', 'ready', 'blocked'] as const) {
    const members = [...analysis.tasks.values()].filter((t) => t.display === state).map((t) => nodeId(t.task.id));
    if (members.length > 0) lines.push(`    class ${members.join(',')} ${CLASS_FOR[state]}`);
  }
  return lines.join('\n') + '\n';
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
