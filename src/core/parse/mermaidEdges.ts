/** Edges of a mermaid `graph`/`flowchart` block, as node ids with their source position. */
export interface MermaidEdge {
  readonly from: string;
  readonly to: string;
  /** Document line and columns of the edge's text. */
  readonly line: number;
  readonly column: number;
  readonly endColumn: number;
}

// A node: an id, optionally followed by a shape with a label: T1[...], T1(...), T1{...}, T1((...)), T1>...].
const NODE = String.raw`([A-Za-z0-9_][\w-]*)\s*(?:\[\[[^\]]*\]\]|\[\([^)]*\)\]|\(\([^)]*\)\)|\[[^\]]*\]|\([^)]*\)|\{[^}]*\}|>[^\]]*\])?`;
// An arrow between nodes, with an optional |label| or inline -- label -->.
const ARROW = String.raw`\s*(?:--\s[^-]*?\s-->|(?:<)?(?:-{2,}>|-\.+->|={2,}>|-{3,}|={3,}|-\.+-|~~~)(?:\|[^|]*\|)?)\s*`;
const HEAD = new RegExp('^' + NODE);
const STEP = new RegExp('^' + ARROW + NODE);

/**
 * Reads chains like `A[x] --> B[y] --> C`; `firstLine` is the document line of the
 * block's first content line. Directives, styles, comments and subgraph lines are skipped.
 */
export function parseMermaidEdges(source: string, firstLine: number): MermaidEdge[] {
  const edges: MermaidEdge[] = [];
  const lines = source.split('\n');
  lines.forEach((raw, index) => {
    const line = raw.replace(/\r$/, '');
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('%%') || /^(graph|flowchart|subgraph|end|classDef|class|style|linkStyle|click|direction)\b/.test(trimmed)) {
      return;
    }
    const indent = line.length - line.trimStart().length;
    for (const statement of trimmed.split(';')) {
      let rest = statement.trim();
      const head = HEAD.exec(rest);
      if (!head) continue;
      let previous = head[1];
      rest = rest.slice(head[0].length);
      for (let step = STEP.exec(rest); step; step = STEP.exec(rest)) {
        edges.push({ from: previous, to: step[1], line: firstLine + index, column: indent, endColumn: line.length });
        previous = step[1];
        rest = rest.slice(step[0].length);
      }
    }
  });
  return edges;
}
