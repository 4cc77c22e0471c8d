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
// Sticky expressions read the line in place, without cutting it into pieces.
const HEAD = new RegExp(NODE, 'y');
const STEP = new RegExp(ARROW + NODE, 'y');
const NOT_EDGES = /^(?:graph|flowchart|subgraph|end|classDef|class|style|linkStyle|click|direction)\b|^%%/;

/**
 * Reads chains like `A[x] --> B[y] --> C` (several per line when separated by `;`);
 * `firstLine` is the document line of the block's first content line. Directives,
 * styles, comments and subgraph lines are skipped.
 */
export function parseMermaidEdges(source: string, firstLine: number): MermaidEdge[] {
  const edges: MermaidEdge[] = [];
  const lines = source.split('\n');
  for (let index = 0; index < lines.length; index++) {
    let line = lines[index];
    if (line.endsWith('\r')) line = line.slice(0, -1);
    let at = 0;
    while (at < line.length && (line.charCodeAt(at) === 32 || line.charCodeAt(at) === 9)) at++;
    if (at === line.length || NOT_EDGES.test(line.slice(at))) continue;
    const indent = at;
    while (at < line.length) {
      HEAD.lastIndex = at;
      const head = HEAD.exec(line);
      if (!head) break;
      let previous = head[1];
      at = HEAD.lastIndex;
      for (STEP.lastIndex = at; ; STEP.lastIndex = at) {
        const step = STEP.exec(line);
        if (!step) break;
        edges.push({ from: previous, to: step[1], line: firstLine + index, column: indent, endColumn: line.length });
        previous = step[1];
        at = STEP.lastIndex;
      }
      // Another statement may follow a `;`; anything else ends the line's edges.
      const next = line.indexOf(';', at);
      if (next === -1) break;
      at = next + 1;
      while (at < line.length && line.charCodeAt(at) === 32) at++;
    }
  }
  return edges;
}
