/**
 * The fast outline engine: one pass over the lines, a handful of character checks per
 * line, no regular expressions and no syntax tree. It covers the subset of CommonMark +
 * GFM that plan files are written in and follows micromark's (remark's) container rules
 * for that subset, so that its answer equals `remarkOutline` exactly. Whenever a line
 * could mean something outside that subset it gives up and returns `undefined`, and the
 * caller parses the document with remark instead. Declining is always safe; guessing is
 * not, so every doubtful case declines.
 *
 * The CLI indexes thousands of files in a fresh process, so most of this code runs in
 * V8's interpreter and baseline tiers before the optimizing compiler gets to it, and the
 * code is shaped for those tiers: scan state lives in local variables, not in closures
 * over shared state (closure variables live in a heap context, and each closure call is
 * a real call there); the common lines take short paths that read each character once;
 * and nothing is allocated per line beyond the objects and strings returned.
 */
import type { Outline, OutlineCode, OutlineHeading, OutlineParagraph } from './outline';

interface Item {
  line: number;
  column: number;
  ordered: boolean;
  checked: boolean | null;
  text: string;
  textColumn: number;
  children: Item[];
}

const SPACE = 32;
const TAB = 9;
const CR = 13;
const HASH = 35;
const BACKTICK = 96;
const TILDE = 126;
const DASH = 45;
const STAR = 42;
const PLUS = 43;
const UNDERSCORE = 95;
const DOT = 46;
const RPAREN = 41;
const LBRACKET = 91;
const RBRACKET = 93;
const BACKSLASH = 92;
const COLON = 58;
const PIPE = 124;
const EQUALS = 61;
const LT = 60;
const GT = 62;
const AMP = 38;
const DIGIT_0 = 48;
const DIGIT_1 = 49;
const DIGIT_9 = 57;
const LOWER_X = 120;
const UPPER_X = 88;

/** Thrown (and caught in `leanOutline`) when the document leaves the supported subset. */
class Unsupported {}
const UNSUPPORTED = new Unsupported();

export function leanOutline(text: string): Outline | undefined {
  // A lone CR is a line ending to CommonMark; NUL and a BOM are rewritten by micromark.
  // None of them occur in plan files, so they are simply declined.
  const cr = text.indexOf('\r');
  if (text.indexOf('\0') >= 0 || text.charCodeAt(0) === 0xfeff || (cr >= 0 && hasLoneCr(text, cr))) return undefined;
  try {
    return scan(text, cr >= 0);
  } catch (error) {
    if (error === UNSUPPORTED) return undefined;
    throw error;
  }
}

function hasLoneCr(text: string, from: number): boolean {
  let i = from;
  while (i >= 0) {
    if (text.charCodeAt(i + 1) !== 10) return true;
    i = text.indexOf('\r', i + 2);
  }
  return false;
}

/** An open fenced code block. */
interface Fence {
  readonly char: number;
  readonly len: number;
  /** Its indentation inside its container, which its content lines lose. */
  readonly indent: number;
  /** The number of items it sits in; only a top-level fence's content is kept. */
  readonly depth: number;
  readonly line: number;
  readonly lang: string | null;
  /** Where its first content line starts. */
  readonly from: number;
  /** Where its last content line so far ends, or -1 while it has none. */
  to: number;
}

// The open list items, outermost first: the column a line must reach to continue each
// one, and the item itself. Only the first `open` entries of a scan are live; the rest
// are stale and get overwritten. Shared between scans (which never nest) to save two
// allocations per document; all they keep alive is a few items of the last document.
const cols: number[] = [];
const frames: Item[] = [];

/**
 * The outline of `text`, or a thrown `UNSUPPORTED`.
 *
 * A fresh process runs this in V8's baseline tier until the optimizing compiler has
 * compiled it on a background thread, and that compile takes time in proportion to the
 * code compiled, helpers it inlines included. So the loop over the lines is kept small:
 * it handles blank lines, fenced code and plain bullet items, the bulk of a plan file,
 * and hands every other line to `blockLine` and the making of items to `openItem`. Those
 * two are big enough for V8 to compile them on their own rather than inline them, which
 * gets the loop optimized sooner.
 */
function scan(text: string, hasCr: boolean): Outline {
  const headings: OutlineHeading[] = [];
  const items: Item[] = [];
  const code: OutlineCode[] = [];
  const paragraphs: OutlineParagraph[] = [];
  let open = 0;
  // The open paragraph, if any: first and last line so far, and whether it is a child of
  // the root.
  let inParagraph = false;
  let paraLine = 0;
  let paraEnd = 0;
  let paraRoot = false;
  // The open fence, if any (then there is no open paragraph).
  let fence: Fence | null = null;

  const n = text.length;
  // Tabs change column arithmetic (they expand to the next multiple of four), so a line
  // holding one is declined unless it sits verbatim inside a top-level fence.
  let nextTab = text.indexOf('\t');
  let lineStart = 0;
  let ln = 0;
  let eol: number;

  // Every `continue` moves on to the next line.
  for (; lineStart <= n; lineStart = eol + 1, ln++) {
    eol = text.indexOf('\n', lineStart);
    if (eol < 0) eol = n;
    // The empty remainder after a final line ending is not a line of content, but it is
    // where remark ends a fence left open.
    if (lineStart === n && n > 0 && eol === n) {
      if (fence !== null && fence.depth === 0) code.push(codeBlock(text, fence, fence.to, ln));
      fence = null;
      break;
    }
    const end = hasCr && eol > lineStart && text.charCodeAt(eol - 1) === CR ? eol - 1 : eol;
    // `first` is the first character that is not a space, and `c` that character.
    let first = lineStart;
    let c = 0;
    for (; first < end; first++) {
      c = text.charCodeAt(first);
      if (c !== SPACE) break;
    }
    const indent = first - lineStart;
    const blank = first === end;
    if (nextTab >= 0 && nextTab < lineStart) nextTab = text.indexOf('\t', lineStart);
    const hasTab = nextTab >= 0 && nextTab < end;

    if (fence !== null) {
      const base = fence.depth > 0 ? cols[fence.depth - 1] : 0;
      // The lines of an unindented top-level fence are taken verbatim, tabs and all.
      if (hasTab && (fence.depth !== 0 || fence.indent !== 0)) throw UNSUPPORTED;
      if (blank || indent >= base) {
        if (!blank && indent - base <= 3 && c === fence.char && isClosingFence(text, first, end, c, fence.len)) {
          if (fence.depth === 0) code.push(codeBlock(text, fence, fence.to, ln));
          fence = null;
        } else {
          fence.to = end;
        }
        continue;
      }
      // Fenced code is not continued lazily: a line outside its item closes it. Only a
      // fence inside an item can get here, and its content is not kept.
      fence = null;
    } else if (hasTab) {
      throw UNSUPPORTED;
    }

    if (blank) {
      if (inParagraph) {
        if (paraRoot) paragraphs.push({ line: paraLine, endLine: paraEnd });
        inParagraph = false;
      }
      continue;
    }

    let depth = 0;
    while (depth < open && indent >= cols[depth]) depth++;
    const rel = depth > 0 ? indent - cols[depth - 1] : indent;

    // A bullet (`-`, `*`, `+`), a space and the item's text, when its first character
    // `d` rules out the thematic break (a run of the bullet and spaces), setext underline
    // and table delimiter row (`-`, `|`, `:` and spaces) the line could otherwise be. A
    // bullet item may interrupt any paragraph.
    let result: Fence | number = -1;
    if (rel <= 3 && (c === DASH || c === STAR || c === PLUS) && first + 2 < end && text.charCodeAt(first + 1) === SPACE) {
      const d = text.charCodeAt(first + 2);
      if (d !== SPACE && d !== c && (c !== DASH || (d !== PIPE && d !== COLON))) {
        result = openItem(text, lineStart, first, end, first + 1, first + 2, d, false, depth, ln, items) ?? ITEM_OPENED;
      }
    }
    if (result === -1) result = blockLine(text, lineStart, first, end, c, depth, open, rel, inParagraph, ln, eol, headings, items);

    if (result === CONTINUES) {
      paraEnd = ln;
      continue;
    }
    if (inParagraph && paraRoot) paragraphs.push({ line: paraLine, endLine: paraEnd });
    inParagraph = false;
    if (result === ITEM_OPENED) {
      open = depth + 1;
      inParagraph = true;
      paraLine = ln;
      paraEnd = ln;
      paraRoot = false;
    } else if (result === PARAGRAPH_OPENED) {
      open = depth;
      inParagraph = true;
      paraLine = ln;
      paraEnd = ln;
      paraRoot = depth === 0;
    } else if (typeof result === 'object') {
      fence = result;
      // A fence that opens an item sits in that item too.
      open = fence.depth;
    } else {
      open = depth;
    }
  }

  if (inParagraph) {
    if (paraRoot) paragraphs.push({ line: paraLine, endLine: paraEnd });
  } else if (fence !== null && fence.depth === 0) {
    code.push(closeAtEnd(text, fence, ln));
  }

  return { headings, items, code, paragraphs };
}

/** What a line did, as `blockLine` reports it (or the fence it opened). */
const CONTINUES = 0; // continued the open paragraph
const ITEM_OPENED = 1; // opened a list item and the paragraph in it
const PARAGRAPH_OPENED = 2;
const NOTHING_OPENED = 3; // a heading or a thematic break

/**
 * Handles a line of a scan that is neither blank, nor in a fence, nor a plain bullet item:
 * the line starts with `c` at `first`, inside `depth` of the `open` items, with `rel`
 * columns of indentation inside the innermost of them. Files the item or heading it
 * opens, and returns what it did (or the fence it opened).
 */
function blockLine(
  text: string, lineStart: number, first: number, end: number, c: number, depth: number, open: number, rel: number,
  inParagraph: boolean, ln: number, eol: number, headings: OutlineHeading[], items: Item[],
): Fence | number {
  if (rel <= 3) {
    if (c === GT || c === LT) throw UNSUPPORTED; // block quote, HTML block
    if (inParagraph && (c === DASH || c === EQUALS || c === PIPE || c === COLON)) {
      // Under a paragraph line this may be a setext underline or a table delimiter row.
      // A lazy line is neither, so a lazy `---` is a plain thematic break.
      const lazyBreak = depth < open && c === DASH && isThematicBreak(text, first, end);
      if (!lazyBreak && isUnderlineOrDelimiterRow(text, first, end)) throw UNSUPPORTED;
    }
    const ordered = c >= DIGIT_0 && c <= DIGIT_9;
    const markerEnd = ordered || c === DASH || c === STAR || c === PLUS ? listMarkerEnd(text, first, end) : -1;
    // A list may interrupt a paragraph in the same container only when it is a bullet
    // list or an ordered list starting at exactly 1 (micromark's `interrupt` rule).
    if (markerEnd >= 0 && (!inParagraph || depth !== open || !ordered || (c === DIGIT_1 && markerEnd === first + 2))) {
      return openItem(text, lineStart, first, end, markerEnd, -1, 0, ordered, depth, ln, items) ?? ITEM_OPENED;
    }
  }

  // A continuation line, possibly lazy: the containers stay open.
  if (inParagraph && (rel >= 4 || !interruptsParagraph(text, first, end))) return CONTINUES;

  // A block starts at `first`; nothing is open at the tip.
  if (rel >= 4) throw UNSUPPORTED; // indented code
  if (c === HASH) {
    const level = atxDepth(text, first, end);
    if (level > 0) {
      if (depth === 0) headings.push({ depth: level, text: atxText(text, first + level, end), line: ln, column: first - lineStart });
      return NOTHING_OPENED;
    }
  } else if (c === BACKTICK || c === TILDE) {
    const fence = openFence(text, first, end, depth, rel, ln, eol + 1);
    if (fence !== null) return fence;
  } else if (c === DASH || c === STAR || c === UNDERSCORE) {
    if (isThematicBreak(text, first, end)) return NOTHING_OPENED;
  } else if (c === LBRACKET) {
    if (mayBeDefinition(text, first, end)) throw UNSUPPORTED;
  } else if (c === LT || c === GT) {
    throw UNSUPPORTED; // HTML block or block quote
  }
  return PARAGRAPH_OPENED;
}

/**
 * Opens a list item whose marker starts at `first` and ends before `markerEnd`, nested
 * in `depth` items, and files it under its parent (or in `items`). `p` is where its text
 * starts and `d` that character when the caller already knows, or -1. Returns the fence
 * the item opens with, or null when it opens with a paragraph.
 */
function openItem(
  text: string, lineStart: number, first: number, end: number, markerEnd: number, p: number, d: number,
  ordered: boolean, depth: number, ln: number, items: Item[],
): Fence | null {
  if (p < 0) {
    for (p = markerEnd; p < end; p++) {
      d = text.charCodeAt(p);
      if (d !== SPACE) break;
    }
    // An item that starts with a blank line has rules of its own (and may not interrupt).
    if (p === end) throw UNSUPPORTED;
    // Five or more spaces after the marker start indented code inside the item.
    if (p - markerEnd >= 5) throw UNSUPPORTED;
  }
  cols[depth] = p - lineStart;

  let checked: boolean | null = null;
  let fence: Fence | null = null;
  if (d === LBRACKET) {
    const box = p + 1 < end ? text.charCodeAt(p + 1) : 0;
    if ((box === SPACE || box === LOWER_X || box === UPPER_X) && p + 2 < end && text.charCodeAt(p + 2) === RBRACKET) {
      // A checkbox, unless it is the label of a definition (`[x]: /url`).
      const after = p + 3;
      if (after === end) throw UNSUPPORTED; // a checkbox ending the line: GFM's rules get subtle
      const a = text.charCodeAt(after);
      if (a === COLON) throw UNSUPPORTED;
      if (a === SPACE) {
        let q = after + 1;
        while (q < end && text.charCodeAt(q) === SPACE) q++;
        if (q === end) throw UNSUPPORTED;
        checked = box !== SPACE;
        p = q;
      }
    } else if (mayBeDefinition(text, p, end)) {
      throw UNSUPPORTED;
    }
  } else if (d === BACKTICK || d === TILDE) {
    fence = openFence(text, p, end, depth + 1, 0, ln, -1);
  } else if (d === HASH) {
    if (atxDepth(text, p, end) > 0) throw UNSUPPORTED;
  } else if (d === LT || d === GT) {
    throw UNSUPPORTED;
  } else if (d === UNDERSCORE || d === DASH || d === STAR || d === PLUS || (d >= DIGIT_0 && d <= DIGIT_9)) {
    // A list nested on the marker's line, or a thematic break inside the item. After
    // one or two of a bullet or `_`, a character other than it or a space rules both out
    // without scanning (items often start with `**bold**`).
    let k = p + 1;
    if (k < end && text.charCodeAt(k) === d) k++;
    const next = k < end ? text.charCodeAt(k) : SPACE;
    const settled = next !== SPACE && next !== d && (d < DIGIT_0 || d > DIGIT_9);
    if (!settled && (listMarkerEnd(text, p, end) >= 0 || isThematicBreak(text, p, end))) throw UNSUPPORTED;
  }

  let e = end;
  while (e > p && text.charCodeAt(e - 1) === SPACE) e--;
  // The array is made apart from the object: an object literal holding a nested literal
  // is copied by the runtime, far slower than a flat one.
  const children: Item[] = [];
  // An item that opens with a fence has no paragraph text.
  const item: Item = {
    line: ln,
    column: first - lineStart,
    ordered,
    checked,
    text: fence === null ? text.slice(p, e) : '',
    textColumn: fence === null ? p - lineStart : markerEnd - lineStart,
    children,
  };
  if (depth === 0) items.push(item);
  else frames[depth - 1].children.push(item);
  frames[depth] = item;
  return fence;
}

/**
 * Opens a fence when the line is one: its run starts at `at`, it sits in `depth` items
 * with `indent` columns of indentation inside the innermost, and its content starts at
 * `from`. Returns null when the line is no fence.
 */
function openFence(text: string, at: number, end: number, depth: number, indent: number, line: number, from: number): Fence | null {
  const c = text.charCodeAt(at);
  let i = at;
  while (i < end && text.charCodeAt(i) === c) i++;
  const len = i - at;
  if (len < 3) return null;
  for (let j = i; j < end; j++) {
    const d = text.charCodeAt(j);
    // A backtick in the info string means inline code, not a fence.
    if (c === BACKTICK && d === BACKTICK) return null;
    // remark decodes escapes and entities in the info string.
    if (d === BACKSLASH || d === AMP) throw UNSUPPORTED;
  }
  // The info string's first word, which only a top-level fence needs.
  let lang: string | null = null;
  if (depth === 0) {
    while (i < end && text.charCodeAt(i) === SPACE) i++;
    let wordEnd = i;
    while (wordEnd < end && text.charCodeAt(wordEnd) !== SPACE) wordEnd++;
    if (wordEnd > i) lang = text.slice(i, wordEnd);
  }
  return { char: c, len, indent, depth, line, lang, from, to: -1 };
}

/** A top-level fence as closed on line `endLine`, with its content ending at `to`. */
function codeBlock(text: string, fence: Fence, to: number, endLine: number): OutlineCode {
  return { lang: fence.lang, value: fenceValue(text, fence.from, to, fence.indent), line: fence.line, endLine };
}

/**
 * A top-level fence left open at the end of a document of `ln` lines that has no final
 * line ending. remark leaves out a last line that is empty once the fence's indentation
 * is removed.
 */
function closeAtEnd(text: string, fence: Fence, ln: number): OutlineCode {
  let to = fence.to;
  if (ln - 1 > fence.line) {
    const n = text.length;
    const last = text.lastIndexOf('\n') + 1;
    let i = last;
    while (i < n && i - last < fence.indent && text.charCodeAt(i) === SPACE) i++;
    if (i === n) {
      // The content ends with the line before, if that is a content line.
      to = ln - 2 > fence.line ? last - 1 : -1;
      if (to > 0 && text.charCodeAt(to - 1) === CR) to--;
    }
  }
  return codeBlock(text, fence, to, ln - 1);
}

/**
 * The value of a fenced code block whose content lines run from the start of a line at
 * `from` to `to`, the end of the last one (without its line ending), or -1 when it has no
 * content lines: the lines without up to `indent` leading spaces, joined by LF.
 */
function fenceValue(text: string, from: number, to: number, indent: number): string {
  if (to < 0) return '';
  if (indent === 0) {
    const value = text.slice(from, to);
    // A CR can only sit in a CRLF line ending here, since a lone CR is declined.
    return value.indexOf('\r') < 0 ? value : value.split('\r\n').join('\n');
  }
  let value = '';
  let start = from;
  for (;;) {
    let eol = text.indexOf('\n', start);
    const last = eol < 0 || eol >= to;
    if (last) eol = to;
    const lineEnd = !last && eol > start && text.charCodeAt(eol - 1) === CR ? eol - 1 : eol;
    let i = start;
    while (i < lineEnd && i - start < indent && text.charCodeAt(i) === SPACE) i++;
    value += text.slice(i, lineEnd);
    if (last) return value;
    value += '\n';
    start = eol + 1;
  }
}

/**
 * The end of a list marker at `at` (`-`, `+`, `*`, or 1-9 digits and `.`/`)`) followed
 * by a space or the end of the line, or -1. A thematic break is not a marker.
 */
function listMarkerEnd(text: string, at: number, end: number): number {
  const c = text.charCodeAt(at);
  if (c === DASH || c === STAR || c === PLUS) {
    const i = at + 1;
    if (i < end && text.charCodeAt(i) !== SPACE) return -1;
    if (c !== PLUS && isThematicBreak(text, at, end)) return -1;
    return i;
  }
  let i = at;
  while (i < end && i - at < 10) {
    const d = text.charCodeAt(i);
    if (d < DIGIT_0 || d > DIGIT_9) break;
    i++;
  }
  if (i === at || i - at > 9) return -1;
  const d = text.charCodeAt(i);
  if (d !== DOT && d !== RPAREN) return -1;
  i++;
  if (i < end && text.charCodeAt(i) !== SPACE) return -1;
  return i;
}

/** Three or more `-`, `*` or `_` (all the same), with spaces between and nothing else. */
function isThematicBreak(text: string, at: number, end: number): boolean {
  const c = text.charCodeAt(at);
  let count = 0;
  for (let i = at; i < end; i++) {
    const d = text.charCodeAt(i);
    if (d === c) count++;
    else if (d !== SPACE) return false;
  }
  return count >= 3;
}

/** Whether the line may be a setext underline (`===`, `---`) or a GFM table delimiter row. */
function isUnderlineOrDelimiterRow(text: string, at: number, end: number): boolean {
  const c = text.charCodeAt(at);
  if (c === EQUALS) {
    let i = at;
    while (i < end && text.charCodeAt(i) === EQUALS) i++;
    while (i < end && text.charCodeAt(i) === SPACE) i++;
    return i === end;
  }
  let dashes = 0;
  for (let i = at; i < end; i++) {
    const d = text.charCodeAt(i);
    if (d === DASH) dashes++;
    else if (d !== PIPE && d !== COLON && d !== SPACE) return false;
  }
  return dashes > 0;
}

/** Whether a line that could continue a paragraph starts a block that interrupts it instead. */
function interruptsParagraph(text: string, at: number, end: number): boolean {
  const c = text.charCodeAt(at);
  if (c === HASH) return atxDepth(text, at, end) > 0;
  if (c === BACKTICK || c === TILDE) {
    let i = at;
    while (i < end && text.charCodeAt(i) === c) i++;
    if (i - at < 3) return false;
    if (c === BACKTICK && text.indexOf('`', i) >= 0 && text.indexOf('`', i) < end) return false;
    return true;
  }
  if (c === DASH || c === STAR || c === UNDERSCORE) return isThematicBreak(text, at, end);
  return false;
}

/** The level of an ATX heading at `at` (a run of 1-6 `#` then a space or the end of the line), or 0. */
function atxDepth(text: string, at: number, end: number): number {
  let i = at;
  while (i < end && text.charCodeAt(i) === HASH) i++;
  const depth = i - at;
  if (depth > 6 || (i < end && text.charCodeAt(i) !== SPACE)) return 0;
  return depth;
}

/** An ATX heading's text, after its `#` run ending at `from`. */
function atxText(text: string, from: number, end: number): string {
  let i = from;
  while (i < end && text.charCodeAt(i) === SPACE) i++;
  let e = end;
  while (e > i && text.charCodeAt(e - 1) === SPACE) e--;
  // An optional closing run of `#`, preceded by a space unless it is all there is.
  let k = e;
  while (k > i && text.charCodeAt(k - 1) === HASH) k--;
  if (k < e) {
    if (k === i) {
      e = i;
    } else if (text.charCodeAt(k - 1) === SPACE) {
      e = k;
      while (e > i && text.charCodeAt(e - 1) === SPACE) e--;
    }
  }
  return text.slice(i, e);
}

/**
 * Whether a paragraph starting at `at` may open with a link reference definition (or a
 * GFM footnote definition), which remark would take out of the paragraph.
 */
function mayBeDefinition(text: string, at: number, end: number): boolean {
  for (let i = at + 1; i < end; i++) {
    const d = text.charCodeAt(i);
    if (d === BACKSLASH || d === LBRACKET) return true;
    if (d === RBRACKET) return text.charCodeAt(i + 1) === COLON;
  }
  return true;
}

function isClosingFence(text: string, at: number, end: number, c: number, len: number): boolean {
  let i = at;
  while (i < end && text.charCodeAt(i) === c) i++;
  if (i - at < len) return false;
  while (i < end) {
    const d = text.charCodeAt(i);
    if (d !== SPACE && d !== TAB) return false;
    i++;
  }
  return true;
}
