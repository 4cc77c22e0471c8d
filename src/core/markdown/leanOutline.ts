/**
 * The fast outline engine: one pass over the lines, a handful of character checks per
 * line, no regular expressions and no syntax tree. It covers the subset of CommonMark +
 * GFM that plan files are written in and follows micromark's (remark's) container rules
 * for that subset, so that its answer equals `remarkOutline` exactly. Whenever a line
 * could mean something outside that subset it gives up and returns `undefined`, and the
 * caller parses the document with remark instead. Declining is always safe; guessing is
 * not, so every doubtful case declines.
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

/** An open list item: the container a line continues when indented to `contentCol`. */
interface Frame {
  readonly contentCol: number;
  readonly item: Item;
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

/** What is open at the tip of the container stack. */
const NONE = 0;
const PARAGRAPH = 1;
const FENCE = 2;

/** Thrown (and caught in `leanOutline`) when the document leaves the supported subset. */
class Unsupported {}
const UNSUPPORTED = new Unsupported();

export function leanOutline(text: string): Outline | undefined {
  // A lone CR is a line ending to CommonMark; NUL and a BOM are rewritten by micromark.
  // None of them occur in plan files, so they are simply declined.
  if (text.indexOf('\0') >= 0 || text.charCodeAt(0) === 0xfeff || hasLoneCr(text)) return undefined;
  try {
    return scan(text);
  } catch (error) {
    if (error === UNSUPPORTED) return undefined;
    throw error;
  }
}

function hasLoneCr(text: string): boolean {
  let i = text.indexOf('\r');
  while (i >= 0) {
    if (text.charCodeAt(i + 1) !== 10) return true;
    i = text.indexOf('\r', i + 2);
  }
  return false;
}

function unsupported(): never {
  throw UNSUPPORTED;
}

function scan(text: string): Outline {
  const headings: OutlineHeading[] = [];
  const items: Item[] = [];
  const code: OutlineCode[] = [];
  const paragraphs: OutlineParagraph[] = [];

  const stack: Frame[] = [];
  let leaf = NONE;
  // The open paragraph: first and last line so far, and whether it is a child of the root.
  let paraLine = 0;
  let paraEnd = 0;
  let paraRoot = false;
  // The open fenced code block.
  let fenceChar = 0;
  let fenceLen = 0;
  let fenceIndent = 0;
  let fenceDepth = 0;
  let fenceLine = 0;
  let fenceLang: string | null = null;
  let fenceLines: string[] | null = null;
  let fenceLastContent = -1;

  const n = text.length;
  // Tabs change column arithmetic (they expand to the next multiple of four), so a line
  // holding one is declined unless it sits verbatim inside a top-level fence.
  let nextTab = text.indexOf('\t');
  let lineStart = 0;
  let ln = 0;

  const closeParagraph = (): void => {
    if (paraRoot) paragraphs.push({ line: paraLine, endLine: paraEnd });
    leaf = NONE;
  };

  const closeFence = (endLine: number): void => {
    if (fenceLines !== null) {
      code.push({ lang: fenceLang, value: fenceLines.join('\n'), line: fenceLine, endLine });
    }
    fenceLines = null;
    leaf = NONE;
  };

  // A fence left open at the end of the document (which has no final line ending).
  const closeFenceAtEnd = (): void => {
    // remark leaves out a last line that is empty once the fence's indentation is removed.
    if (fenceLines !== null && fenceLastContent === ln - 1 && fenceLines[fenceLines.length - 1] === '') fenceLines.pop();
    closeFence(ln - 1);
  };

  const openParagraph = (depth: number): void => {
    leaf = PARAGRAPH;
    paraLine = ln;
    paraEnd = ln;
    paraRoot = depth === 0;
  };

  /**
   * Opens a fence whose run starts at `at` when the line is one; `depth` is the number of
   * enclosing items and `indent` the fence's indentation inside its container.
   */
  const tryOpenFence = (at: number, end: number, depth: number, indent: number): boolean => {
    const c = text.charCodeAt(at);
    let i = at;
    while (i < end && text.charCodeAt(i) === c) i++;
    const len = i - at;
    if (len < 3) return false;
    let infoStart = i;
    while (infoStart < end && text.charCodeAt(infoStart) === SPACE) infoStart++;
    let infoEnd = end;
    while (infoEnd > infoStart && text.charCodeAt(infoEnd - 1) === SPACE) infoEnd--;
    let langEnd = infoStart;
    for (let j = infoStart; j < infoEnd; j++) {
      const d = text.charCodeAt(j);
      // A backtick in the info string means inline code, not a fence.
      if (c === BACKTICK && d === BACKTICK) return false;
      // remark decodes escapes and entities in the info string.
      if (d === BACKSLASH || d === AMP) unsupported();
      if (langEnd === j && d !== SPACE) langEnd = j + 1;
    }
    leaf = FENCE;
    fenceChar = c;
    fenceLen = len;
    fenceIndent = indent;
    fenceDepth = depth;
    fenceLine = ln;
    fenceLang = langEnd > infoStart ? text.slice(infoStart, langEnd) : null;
    fenceLines = depth === 0 ? [] : null;
    return true;
  };

  /**
   * Starts the block a line opens at `first`, inside `depth` items, with `rel` columns of
   * indentation inside the innermost of them. Nothing is open at the tip.
   */
  const startBlock = (first: number, end: number, depth: number, rel: number): void => {
    if (rel >= 4) unsupported(); // indented code
    const c = text.charCodeAt(first);
    if (c === HASH) {
      const heading = atxHeading(text, first, end);
      if (heading !== undefined) {
        if (depth === 0) {
          headings.push({ depth: heading.depth, text: heading.text, line: ln, column: first - lineStart });
        }
        return;
      }
    } else if (c === BACKTICK || c === TILDE) {
      if (tryOpenFence(first, end, depth, rel)) return;
    } else if (c === DASH || c === STAR || c === UNDERSCORE) {
      if (isThematicBreak(text, first, end)) return;
    } else if (c === LBRACKET) {
      if (mayBeDefinition(text, first, end)) unsupported();
    } else if (c === LT || c === GT) {
      unsupported(); // HTML block or block quote
    }
    openParagraph(depth);
  };

  /** Opens a list item whose marker starts at `first` and ends before `markerEnd`. */
  const openItem = (first: number, end: number, markerEnd: number, ordered: boolean, depth: number): void => {
    let p = markerEnd;
    while (p < end && text.charCodeAt(p) === SPACE) p++;
    // An item that starts with a blank line has rules of its own (and may not interrupt).
    if (p === end) unsupported();
    // Five or more spaces after the marker start indented code inside the item.
    if (p - markerEnd >= 5) unsupported();
    const item: Item = {
      line: ln,
      column: first - lineStart,
      ordered,
      checked: null,
      text: '',
      textColumn: markerEnd - lineStart,
      children: [],
    };
    if (depth === 0) items.push(item);
    else stack[depth - 1].item.children.push(item);
    stack.length = depth;
    stack.push({ contentCol: p - lineStart, item });

    const c = text.charCodeAt(p);
    if (c === BACKTICK || c === TILDE) {
      if (tryOpenFence(p, end, depth + 1, 0)) return;
    } else if (c === HASH) {
      if (atxHeading(text, p, end) !== undefined) unsupported();
    } else if (c === LT || c === GT) {
      unsupported();
    } else if (c === UNDERSCORE || c === DASH || c === STAR || c === PLUS || (c >= DIGIT_0 && c <= DIGIT_9)) {
      // A list nested on the marker's line, or a thematic break inside the item.
      if (listMarkerEnd(text, p, end) >= 0 || isThematicBreak(text, p, end)) unsupported();
    } else if (c === LBRACKET) {
      if (mayBeDefinition(text, p, end)) unsupported();
      const box = text.charCodeAt(p + 1);
      if ((box === SPACE || box === LOWER_X || box === UPPER_X) && text.charCodeAt(p + 2) === RBRACKET) {
        const after = p + 3;
        if (after === end) unsupported(); // a checkbox ending the line: GFM's rules get subtle
        if (text.charCodeAt(after) === SPACE) {
          let q = after;
          while (q < end && text.charCodeAt(q) === SPACE) q++;
          if (q === end) unsupported();
          item.checked = box !== SPACE;
          p = q;
        }
      }
    }
    item.text = text.slice(p, trimEnd(text, p, end));
    item.textColumn = p - lineStart;
    openParagraph(depth + 1);
  };

  while (lineStart <= n) {
    let eol = text.indexOf('\n', lineStart);
    if (eol < 0) eol = n;
    // The empty remainder after a final line ending is not a line of content, but it is
    // where remark ends a fence left open.
    if (lineStart === n && n > 0 && eol === n) {
      if (leaf === FENCE) closeFence(ln);
      break;
    }
    const end = eol > lineStart && text.charCodeAt(eol - 1) === CR ? eol - 1 : eol;
    let first = lineStart;
    while (first < end && text.charCodeAt(first) === SPACE) first++;
    const indent = first - lineStart;
    const blank = first === end;
    if (nextTab >= 0 && nextTab < lineStart) nextTab = text.indexOf('\t', lineStart);
    const hasTab = nextTab >= 0 && nextTab < end;

    if (leaf === FENCE) {
      const base = fenceDepth > 0 ? stack[fenceDepth - 1].contentCol : 0;
      // The lines of an unindented top-level fence are taken verbatim, tabs and all.
      if (hasTab && (fenceDepth !== 0 || fenceIndent !== 0)) unsupported();
      if (blank || indent >= base) {
        const rel = indent - base;
        if (!blank && rel <= 3 && text.charCodeAt(first) === fenceChar && isClosingFence(text, first, end, fenceChar, fenceLen)) {
          closeFence(ln);
        } else if (fenceLines !== null) {
          fenceLines.push(text.slice(lineStart + Math.min(indent, fenceIndent), end));
          fenceLastContent = ln;
        }
        lineStart = eol + 1;
        ln++;
        continue;
      }
      // Fenced code is not continued lazily: a line outside its item closes it.
      closeFence(ln - 1);
    } else if (hasTab) {
      unsupported();
    }

    if (blank) {
      if (leaf === PARAGRAPH) closeParagraph();
      lineStart = eol + 1;
      ln++;
      continue;
    }

    let depth = 0;
    while (depth < stack.length && indent >= stack[depth].contentCol) depth++;
    const base = depth > 0 ? stack[depth - 1].contentCol : 0;
    const rel = indent - base;
    const c = text.charCodeAt(first);

    if (rel <= 3) {
      if (c === GT || c === LT) unsupported(); // block quote, HTML block
      if (leaf === PARAGRAPH && (c === DASH || c === EQUALS || c === PIPE || c === COLON)) {
        // Under a paragraph line this may be a setext underline or a table delimiter row.
        // A lazy line is neither, so a lazy `---` is a plain thematic break.
        const lazyBreak = depth < stack.length && c === DASH && isThematicBreak(text, first, end);
        if (!lazyBreak && isUnderlineOrDelimiterRow(text, first, end)) unsupported();
      }
      const markerEnd = listMarkerEnd(text, first, end);
      if (markerEnd >= 0) {
        const ordered = c >= DIGIT_0 && c <= DIGIT_9;
        // A list may interrupt a paragraph in the same container only when it is a bullet
        // list or an ordered list starting at exactly 1 (micromark's `interrupt` rule).
        const interrupts = depth === stack.length && leaf === PARAGRAPH;
        if (!interrupts || !ordered || (c === DIGIT_1 && markerEnd === first + 2)) {
          if (leaf === PARAGRAPH) closeParagraph();
          openItem(first, end, markerEnd, ordered, depth);
          lineStart = eol + 1;
          ln++;
          continue;
        }
      }
    }

    if (leaf === PARAGRAPH) {
      if (rel >= 4 || !interruptsParagraph(text, first, end)) {
        // A continuation line, possibly lazy: the containers stay open.
        paraEnd = ln;
        lineStart = eol + 1;
        ln++;
        continue;
      }
      closeParagraph();
    }
    stack.length = depth;
    startBlock(first, end, depth, rel);
    lineStart = eol + 1;
    ln++;
  }
  if (leaf === PARAGRAPH) closeParagraph();
  else if (leaf === FENCE) closeFenceAtEnd();

  return { headings, items, code, paragraphs };
}

/**
 * The end of a list marker at `at` (`-`, `+`, `*`, or 1-9 digits and `.`/`)`) followed
 * by a space or the end of the line, or -1. A thematic break is not a marker.
 */
function listMarkerEnd(text: string, at: number, end: number): number {
  const c = text.charCodeAt(at);
  let i = at;
  if (c === DASH || c === STAR || c === PLUS) {
    i = at + 1;
  } else {
    while (i < end && i - at < 10) {
      const d = text.charCodeAt(i);
      if (d < DIGIT_0 || d > DIGIT_9) break;
      i++;
    }
    if (i === at || i - at > 9) return -1;
    const d = text.charCodeAt(i);
    if (d !== DOT && d !== RPAREN) return -1;
    i++;
  }
  if (i < end && text.charCodeAt(i) !== SPACE) return -1;
  if ((c === DASH || c === STAR) && isThematicBreak(text, at, end)) return -1;
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
  if (c === HASH) return atxHeading(text, at, end) !== undefined;
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

/** An ATX heading at `at` (a run of 1-6 `#` then a space or the end of the line). */
function atxHeading(text: string, at: number, end: number): { depth: number; text: string } | undefined {
  let i = at;
  while (i < end && text.charCodeAt(i) === HASH) i++;
  const depth = i - at;
  if (depth > 6 || (i < end && text.charCodeAt(i) !== SPACE)) return undefined;
  while (i < end && text.charCodeAt(i) === SPACE) i++;
  let e = trimEnd(text, i, end);
  // An optional closing run of `#`, preceded by a space unless it is all there is.
  let k = e;
  while (k > i && text.charCodeAt(k - 1) === HASH) k--;
  if (k < e) {
    if (k === i) e = i;
    else if (text.charCodeAt(k - 1) === SPACE) e = trimEnd(text, i, k);
  }
  return { depth, text: text.slice(i, e) };
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

function trimEnd(text: string, from: number, end: number): number {
  let e = end;
  while (e > from && text.charCodeAt(e - 1) === SPACE) e--;
  return e;
}
