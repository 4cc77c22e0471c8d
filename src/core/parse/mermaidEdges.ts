/** Edges of a mermaid `graph`/`flowchart` block, as node ids with their source position. */
export interface MermaidEdge {
  readonly from: string;
  readonly to: string;
  /** Document line and columns of the edge's text. */
  readonly line: number;
  readonly column: number;
  readonly endColumn: number;
}

// A node: an id, optionally followed by a shape with a label (T1[...], T1(...), T1{...},
// T1((...)), T1{{...}}, T1>...], T1@{ ... }, each also with a quoted label that may hold
// the shape's own brackets) and a `:::class`. A hyphen belongs to the id only when no
// link starts with it, so `T1-->T2` is two nodes, as mermaid reads it.
const SHAPES = [
  String.raw`\[\["[^"]*"\]\]`, String.raw`\[\[[^\]]*\]\]`,
  String.raw`\[\("[^"]*"\)\]`, String.raw`\[\([^)]*\)\]`,
  String.raw`\(\(\("[^"]*"\)\)\)`, String.raw`\(\(\([^)]*\)\)\)`,
  String.raw`\(\("[^"]*"\)\)`, String.raw`\(\([^)]*\)\)`,
  String.raw`\(\["[^"]*"\]\)`, String.raw`\(\[[^\]]*\]\)`,
  String.raw`\{\{"[^"]*"\}\}`, String.raw`\{\{[^}]*\}\}`,
  String.raw`\["[^"]*"\]`, String.raw`\[[^\]]*\]`,
  String.raw`\("[^"]*"\)`, String.raw`\([^)]*\)`,
  String.raw`\{"[^"]*"\}`, String.raw`\{[^}]*\}`,
  String.raw`>"[^"]*"\]`, String.raw`>[^\]]*\]`,
  String.raw`@\{[^}]*\}`,
];
const NODE = String.raw`([A-Za-z0-9_](?:\w|-(?![-.>]))*)\s*(?:${SHAPES.join('|')})?(?::::[\w-]+)?`;
// A link between node groups. Group 1 is set for an arrow (`-->`, `-.->`, `==>`, an
// inline `-- label -->`); links without an arrowhead (`---`, `===`, `-.-`, `~~~`) say
// nothing about order. Either may carry a `|label|`.
const LINK = String.raw`\s*(?:(--\s[^-]*?\s-->|<?(?:-{2,}>|-\.+->|={2,}>))|(?:-{3,}|={3,}|-\.+-|~~~))(?:\|[^|]*\|)?\s*`;
// Sticky expressions read the line in place, without cutting it into pieces.
const NODE_AT = new RegExp(NODE, 'y');
const AND_AT = /\s*&\s*/y;
const LINK_AT = new RegExp(LINK, 'y');
const NOT_EDGES = /^(?:graph|flowchart|subgraph|end|classDef|class|style|linkStyle|click|direction)\b|^%%/;

/**
 * Reads one node group (`A` or `A & B[x]`) at `at` into `ids`; returns the position after
 * it, or -1 when no node starts there. A plain function over its arguments: the parser
 * runs on every mermaid line of every epic, where a closure per line was measurably slower.
 */
function readGroup(line: string, at: number, ids: string[]): number {
  NODE_AT.lastIndex = at;
  let node = NODE_AT.exec(line);
  if (!node) return -1;
  ids.push(node[1]);
  let end = NODE_AT.lastIndex;
  for (AND_AT.lastIndex = end; AND_AT.exec(line); AND_AT.lastIndex = end) {
    NODE_AT.lastIndex = AND_AT.lastIndex;
    node = NODE_AT.exec(line);
    if (!node) break;
    ids.push(node[1]);
    end = NODE_AT.lastIndex;
  }
  return end;
}

/**
 * Reads chains like `A[x] --> B[y] --> C`, node groups (`A & B --> C`) and several
 * statements on a line separated by `;`. `firstLine` is the document line of the block's
 * first content line. Directives, styles, comments and subgraph lines are skipped.
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
      let previous: string[] = [];
      at = readGroup(line, at, previous);
      if (at === -1) break;
      for (LINK_AT.lastIndex = at; ; LINK_AT.lastIndex = at) {
        const link = LINK_AT.exec(line);
        if (!link) break;
        const next: string[] = [];
        const end = readGroup(line, LINK_AT.lastIndex, next);
        if (end === -1) break;
        at = end;
        if (link[1] !== undefined) {
          for (const from of previous) for (const to of next) edges.push({ from, to, line: firstLine + index, column: indent, endColumn: line.length });
        }
        previous = next;
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
