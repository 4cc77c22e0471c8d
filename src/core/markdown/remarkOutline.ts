/**
 * The reference outline engine: a full CommonMark + GFM parse with remark. It is slow
 * (milliseconds per epic), so it serves as the fallback for documents the lean scanner
 * declines, and as the oracle the scanner is tested against.
 */
import type { Code, Heading, List, ListItem, Paragraph, Root, RootContent } from 'mdast';
import type * as RemarkGfm from 'remark-gfm';
import type * as RemarkParse from 'remark-parse';
import type * as Unified from 'unified';
import type { Outline, OutlineCode, OutlineHeading, OutlineItem, OutlineParagraph } from './outline';

// Building a processor resolves and freezes its plugins; doing that once keeps
// per-document cost down to the parse itself. It is built, and remark loaded, on first
// use: the lean scanner answers for almost every plan file, and evaluating remark
// would otherwise cost every run of the command line even when no file needs it.
let processor: ReturnType<typeof createProcessor> | undefined;

function createProcessor() {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { unified } = require('unified') as typeof Unified;
  const remarkParse = (require('remark-parse') as typeof RemarkParse).default;
  const remarkGfm = (require('remark-gfm') as typeof RemarkGfm).default;
  /* eslint-enable @typescript-eslint/no-require-imports */
  return unified().use(remarkParse).use(remarkGfm).freeze();
}

export function remarkOutline(source: string): Outline {
  // remark's offsets skip a byte-order mark; without it, slices and columns agree.
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  const root = (processor ??= createProcessor()).parse(text) as Root;
  const lines = loneCrs(text);
  const headings: OutlineHeading[] = [];
  const items: OutlineItem[] = [];
  const code: OutlineCode[] = [];
  const paragraphs: OutlineParagraph[] = [];
  for (const node of root.children) {
    switch (node.type) {
      case 'heading':
        headings.push(toHeading(text, lines, node));
        break;
      case 'list':
        for (const item of node.children) items.push(toItem(text, lines, item, isOrdered(node)));
        break;
      case 'code':
        // An indented code block has no fence and is not something plan files use.
        if (isFenced(text, node)) code.push(toCode(lines, node));
        break;
      case 'paragraph':
        paragraphs.push({ line: startLine(lines, node), endLine: endLine(lines, node) });
        break;
      default:
        break;
    }
  }
  return { headings, items, code, paragraphs };
}

function toHeading(text: string, lines: LoneCrs, node: Heading): OutlineHeading {
  const first = node.children[0];
  const last = node.children[node.children.length - 1];
  const from = first?.position?.start.offset;
  const to = last?.position?.end.offset;
  return {
    depth: node.depth,
    text: from === undefined || to === undefined ? '' : text.slice(from, to),
    line: startLine(lines, node),
    column: columnOf(text, startOffset(node)),
  };
}

function toItem(text: string, lines: LoneCrs, node: ListItem, ordered: boolean): OutlineItem {
  const markerOffset = startOffset(node);
  const checked = typeof node.checked === 'boolean' ? node.checked : null;
  const children: OutlineItem[] = [];
  for (const child of node.children) {
    if (child.type === 'list') {
      for (const grandchild of child.children) children.push(toItem(text, lines, grandchild, isOrdered(child)));
    }
  }
  const first = node.children[0];
  let itemText = '';
  let textColumn = columnOf(text, markerEnd(text, markerOffset));
  if (first?.type === 'paragraph') {
    const from = paragraphTextStart(text, first, checked !== null);
    // Text that starts on a later line than the marker is not the item's line text: a
    // range built from it would point at the wrong line.
    if (from !== undefined && lineOf(text, from) === startLine(lines, node)) {
      const paragraphEnd = first.position?.end.offset ?? text.length;
      let to = from;
      while (to < paragraphEnd && text[to] !== '\n' && text[to] !== '\r') to++;
      itemText = trimEndSpaces(text.slice(from, to));
      textColumn = columnOf(text, from);
    }
  }
  return {
    line: startLine(lines, node),
    column: columnOf(text, markerOffset),
    ordered,
    checked,
    text: itemText,
    textColumn,
    children,
  };
}

/**
 * Where the visible text of an item's first paragraph starts. With a GFM checkbox, remark
 * sometimes moves the paragraph start past the checkbox and one space, and sometimes
 * (when the text after the checkbox starts with markup) leaves it on the `[`; the first
 * inline child is always past the checkbox, so start there and skip the remaining blanks.
 */
function paragraphTextStart(text: string, paragraph: Paragraph, hasCheckbox: boolean): number | undefined {
  if (!hasCheckbox) return paragraph.position?.start.offset;
  let from = paragraph.children[0]?.position?.start.offset;
  if (from === undefined) return undefined;
  while (text[from] === ' ' || text[from] === '\t') from++;
  return from;
}

function isOrdered(list: List): boolean {
  return list.ordered === true;
}

function toCode(lines: LoneCrs, node: Code): OutlineCode {
  // micromark keeps CRLF inside code values; a CRLF twin of a file must outline the same.
  const value = node.value.includes('\r') ? node.value.replace(/\r\n?/g, '\n') : node.value;
  return { lang: node.lang ?? null, value, line: startLine(lines, node), endLine: endLine(lines, node) };
}

function isFenced(text: string, node: Code): boolean {
  const c = text[startOffset(node)];
  return c === '`' || c === '~';
}

/** The offset just past a list marker (`-`, `*`, `+`, or digits and `.`/`)`). */
function markerEnd(text: string, offset: number): number {
  let i = offset;
  while (i < text.length && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
  return i + 1;
}

function trimEndSpaces(s: string): string {
  let end = s.length;
  while (end > 0 && (s[end - 1] === ' ' || s[end - 1] === '\t')) end--;
  return s.slice(0, end);
}

function startOffset(node: RootContent | ListItem): number {
  return node.position?.start.offset ?? 0;
}

/**
 * The offsets of the lone CRs (a CR not followed by LF) of the text being outlined, when
 * it has any. remark counts a lone CR as a line ending, as CommonMark does, but the
 * parsers and the edits count lines by LF alone (a CRLF ends one line); each lone CR
 * before a position is taken off remark's line, so that a stray CR does not shift every
 * line after it.
 */
type LoneCrs = readonly number[] | undefined;

function loneCrs(text: string): LoneCrs {
  const out: number[] = [];
  for (let i = text.indexOf('\r'); i !== -1; i = text.indexOf('\r', i + 1)) if (text[i + 1] !== '\n') out.push(i);
  return out.length > 0 ? out : undefined;
}

/** How many lone CRs lie before `offset`. */
function crsBefore(crs: readonly number[], offset: number): number {
  let low = 0;
  let high = crs.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (crs[mid] < offset) low = mid + 1;
    else high = mid;
  }
  return low;
}

function startLine(crs: LoneCrs, node: RootContent | ListItem): number {
  const line = (node.position?.start.line ?? 1) - 1;
  return crs ? line - crsBefore(crs, node.position?.start.offset ?? 0) : line;
}

function endLine(crs: LoneCrs, node: RootContent): number {
  const line = (node.position?.end.line ?? 1) - 1;
  return crs ? line - crsBefore(crs, node.position?.end.offset ?? 0) : line;
}

/** Columns are derived from offsets so that they count UTF-16 units whatever remark does with tabs. */
function columnOf(text: string, offset: number): number {
  // Lines are counted by LF (see LoneCrs), so a column is too: a lone CR is inside its line.
  let i = offset;
  while (i > 0 && text[i - 1] !== '\n') i--;
  return offset - i;
}

/** The 0-based line of an offset. */
function lineOf(text: string, offset: number): number {
  let line = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
