/**
 * Line-level readings of YAML frontmatter: which lines hold a top-level `key:`, and where
 * its value starts. These are readings of single lines, not a YAML parse; both the strict
 * path (to point at keys in the editor) and the forgiving reader of broken blocks use them.
 */

const SPACE = 32;
const TAB = 9;
const HASH = 35;
const DASH = 45;
const DOT = 46;

/** A blank line, or one holding only a comment. */
export function isBlankOrComment(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === SPACE || c === TAB) continue;
    return c === HASH;
  }
  return true;
}

/**
 * Recognises a top-level `key:` line at column 0, plain or quoted. This is a line
 * reading, not a YAML parse: for the rare block the lean parser declines it is a
 * best effort, good enough to point at a key in the editor.
 */
export function keyOnLine(line: string): { key: string; valueColumn: number } | undefined {
  const c = line.charCodeAt(0);
  if (Number.isNaN(c) || c === SPACE || c === TAB || c === HASH) return undefined;
  const c1 = line.charCodeAt(1);
  // Sequence items, explicit keys and document markers are not `key:` lines.
  if ((c === DASH || c === 63 /* ? */ || c === 58 /* : */) && separated(line, 1)) return undefined;
  if ((c === DASH || c === DOT) && c1 === c && line.charCodeAt(2) === c && separated(line, 3)) return undefined;

  let key: string;
  let colon: number;
  if (c === 39 /* ' */ || c === 34 /* " */) {
    const quote = line[0];
    let close = -1;
    for (let i = 1; i < line.length; i++) {
      if (line[i] === quote) {
        if (quote === "'" && line[i + 1] === "'") {
          i++;
          continue;
        }
        close = i;
        break;
      }
      if (quote === '"' && line[i] === '\\') i++;
    }
    if (close < 0) return undefined;
    colon = close + 1;
    while (line.charCodeAt(colon) === SPACE || line.charCodeAt(colon) === TAB) colon++;
    if (line[colon] !== ':' || !separated(line, colon + 1)) return undefined;
    const inner = line.slice(1, close);
    key = quote === "'" ? inner.replace(/''/g, "'") : unescapeDouble(inner);
  } else {
    colon = -1;
    for (let i = 0; i < line.length; i++) {
      const d = line.charCodeAt(i);
      if (d === 58 && separated(line, i + 1)) {
        colon = i;
        break;
      }
      if (d === HASH && i > 0 && separated(line, i - 1)) return undefined;
    }
    if (colon < 0) return undefined;
    key = line.slice(0, colon).trimEnd();
  }
  let valueColumn = colon + 1;
  while (line.charCodeAt(valueColumn) === SPACE || line.charCodeAt(valueColumn) === TAB) valueColumn++;
  return { key, valueColumn };
}

/** Whitespace or the end of the line, which is what ends a `:` indicator or starts a comment. */
function separated(line: string, i: number): boolean {
  const d = line.charCodeAt(i);
  return Number.isNaN(d) || d === SPACE || d === TAB;
}

export function unescapeDouble(inner: string): string {
  if (!inner.includes('\\')) return inner;
  try {
    return JSON.parse(`"${inner}"`) as string;
  } catch {
    return inner;
  }
}


/**
 * The indentation (in spaces) of a block's first line with content. YAML allows a whole
 * block indented alike; its top-level keys are then the lines at that indentation.
 */
export function baseIndent(lines: readonly string[]): number {
  for (const line of lines) {
    if (isBlankOrComment(line)) continue;
    let i = 0;
    while (line.charCodeAt(i) === SPACE) i++;
    return i;
  }
  return 0;
}

/** Keys whose value is a title or prose, where `#12` is an issue reference and not a comment. */
const TITLE_KEYS = /^(?:name|title|description|summary)$/i;

export function isTitleKey(key: string): boolean {
  return TITLE_KEYS.test(key);
}

/**
 * Where a comment starts in the value of `key` as written (a `#` at the start or after
 * white space), or -1. In a title a `#` before a digit starts an issue reference
 * (`Fix #12`), not a comment: that is how people write titles, quoted or not.
 */
export function commentStart(value: string, key: string | undefined): number {
  return key !== undefined && TITLE_KEYS.test(key) ? value.search(/(?:^|\s)#(?!\d)/) : value.search(/(?:^|\s)#/);
}

/**
 * Where a key's written value sits on its line: the scalar with its quotes, without a
 * trailing comment. The edits write values there, and diagnostics about a value point at it.
 */
export function valueSpan(line: string, key: { readonly key: string; readonly valueColumn: number }): [start: number, end: number] {
  const start = key.valueColumn;
  const rest = line.slice(start);
  if (rest.startsWith('"') || rest.startsWith("'")) {
    const quote = rest[0];
    for (let i = 1; i < rest.length; i++) {
      if (quote === '"' && rest[i] === '\\') {
        i++;
        continue;
      }
      if (rest[i] === quote) {
        if (quote === "'" && rest[i + 1] === "'") {
          i++;
          continue;
        }
        return [start, start + i + 1];
      }
    }
    return [start, line.length];
  }
  // The comment rule the parser reads by: in a title, `#12` is part of the value.
  const comment = commentStart(rest, key.key);
  const value = comment === -1 ? rest : rest.slice(0, comment);
  return [start, start + value.trimEnd().length];
}
