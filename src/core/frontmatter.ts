/**
 * Frontmatter: the YAML block at the top of plan files.
 *
 * Indexing thousands of files cold must stay well under a second, and the `yaml`
 * package costs tens of microseconds per block. Almost every block is flat
 * `key: value` YAML, so a lean parser handles that subset and the `yaml` package
 * handles everything else. The lean parser must give exactly what `YAML.parse`
 * gives, or decline (return undefined) so that the caller falls back; differential
 * tests hold it to that.
 *
 * This module is pure TypeScript so the extension, the CLI and the webviews can
 * share it: nothing from Node, nothing from vscode.
 */

import { yamlModule } from './yamlModule';
import type { YAMLError } from 'yaml';
import { recoverBlock, repairIssueHashes } from './frontmatterRecovery';
import { splitLines } from './text';
import { baseIndent, isBlankOrComment, keyOnLine } from './yamlLines';

export interface FrontmatterKey {
  readonly key: string;
  /** 0-based document line of the `key:` line. */
  readonly line: number;
  /** Last document line of this key's value (block sequences / continuation lines), trailing blank and comment lines excluded. */
  readonly endLine: number;
  /** 0-based column where the value text starts on `line` (after `key:` and spaces); equals the line's length (without CR) when the value is empty on that line. */
  readonly valueColumn: number;
}

export interface YamlProblem {
  readonly message: string;
  /** 0-based document line (not relative to the block). */
  readonly line: number;
  readonly column: number;
  /**
   * `warning` when the block was still read as its author meant it (a value quoted
   * wrongly, a key written twice); `error` when it could not be read (never closed, or
   * not a mapping at all).
   */
  readonly severity: 'error' | 'warning';
}

export interface Frontmatter {
  /** 0-based line of the opening `---`. */
  readonly startLine: number;
  /** 0-based line of the closing `---` (or `...`), or -1 when the block is never closed. */
  readonly endLine: number;
  /**
   * The YAML between the fences, with its original line endings ('' when empty).
   * The line break that ends the last YAML line belongs to the closing fence, so it
   * is not included. An unclosed block has an empty source: without a closing fence
   * the lines after `---` are read as markdown, not as YAML.
   */
  readonly source: string;
  /** First document line of `source` (startLine + 1). */
  readonly sourceLine: number;
  /** The parsed mapping; {} when malformed, empty, or not a mapping. */
  readonly data: Readonly<Record<string, unknown>>;
  /** Top-level keys in order, with their lines. */
  readonly keys: readonly FrontmatterKey[];
  /** Empty when the block parsed cleanly. Not a mapping, duplicate keys, syntax errors, unclosed block: each a problem. */
  readonly problems: readonly YamlProblem[];
  /** Which engine produced `data`: the lean parser, the yaml package, or the forgiving reader of a block YAML rejects. */
  readonly engine: 'lean' | 'yaml' | 'recovered';
}

const BOM = 0xfeff;
const LF = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;
const HASH = 35;
const DASH = 45;
const DOT = 46;

/**
 * Finds the frontmatter block: `---` on the first line (a UTF-8 BOM before it is
 * allowed), or, as some PRDs are written, `---` on the first non-blank line after a
 * leading `# Title` line (blank lines between are allowed). Returns undefined when
 * there is none.
 *
 * After a title, an unclosed `---` is taken for what markdown makes of it, a
 * thematic break, rather than for a broken frontmatter block.
 */
export function findFrontmatter(text: string): Frontmatter | undefined {
  try {
    return locateAndParse(text);
  } catch {
    // Every path above is written not to throw; this only keeps a bug in it from
    // taking down an index of thousands of files.
    return undefined;
  }
}

function locateAndParse(text: string): Frontmatter | undefined {
  const first = text.charCodeAt(0) === BOM ? 1 : 0;
  let pos = first;
  let line = 0;
  let startLine = -1;
  let afterTitle = false;
  while (pos <= text.length) {
    const nl = lineBreakAt(text, pos);
    const contentEnd = withoutCr(text, pos, nl);
    if (isFence(text, pos, contentEnd, false)) {
      startLine = line;
      pos = nl + 1;
      break;
    }
    if (line === 0) {
      if (!isTitle(text, pos, contentEnd)) return undefined;
      afterTitle = true;
    } else if (!isBlank(text, pos, contentEnd)) {
      return undefined;
    }
    if (nl === text.length) return undefined;
    pos = nl + 1;
    line++;
  }
  if (startLine < 0) return undefined;

  const sourceStart = pos;
  let sourceEnd = pos;
  let endLine = -1;
  line = startLine + 1;
  while (pos <= text.length) {
    const nl = lineBreakAt(text, pos);
    const contentEnd = withoutCr(text, pos, nl);
    if (isFence(text, pos, contentEnd, true)) {
      endLine = line;
      break;
    }
    sourceEnd = contentEnd;
    if (nl === text.length) break;
    pos = nl + 1;
    line++;
  }

  const sourceLine = startLine + 1;
  if (endLine < 0) {
    if (afterTitle) return undefined;
    return {
      startLine,
      endLine: -1,
      source: '',
      sourceLine,
      data: {},
      keys: [],
      problems: [{
        message: `The frontmatter block opened on line ${startLine + 1} is never closed, so none of it is read; add a line with --- after its last key.`,
        line: startLine,
        column: 0,
        severity: 'error',
      }],
      engine: 'lean',
    };
  }

  const source = endLine === sourceLine ? '' : text.slice(sourceStart, sourceEnd);
  const lines = splitLines(source);
  // After a `# Title`, a `---` pair may just as well be two thematic breaks around
  // markdown (`**Status:** Draft`, `## Tasks`): it is frontmatter only when it opens
  // like YAML, with a `key:` line, so that broken YAML there is still reported.
  if (afterTitle && !opensLikeYaml(lines)) return undefined;
  const keys = scanKeys(lines, sourceLine);
  const lean = parseLeanLines(source, lines);
  if (lean !== undefined) {
    const data = lean ?? {};
    const problems = source.includes('#') ? repairIssueHashes(lines, keys, sourceLine, data) : NO_PROBLEMS;
    return { startLine, endLine, source, sourceLine, data, keys, problems, engine: 'lean' };
  }
  const full = parseYamlFullWithKeys(source, sourceLine, keys);
  if (full.rejected) {
    const recovered = recoverBlock(lines, sourceLine);
    return { startLine, endLine, source, sourceLine, data: recovered.data, keys: recovered.keys, problems: recovered.problems, engine: 'recovered' };
  }
  const problems = full.problems.length === 0 && source.includes('#') ? repairIssueHashes(lines, keys, sourceLine, full.data) : full.problems;
  return { startLine, endLine, source, sourceLine, data: full.data, keys, problems, engine: 'yaml' };
}

const NO_PROBLEMS: readonly YamlProblem[] = Object.freeze([]);

function opensLikeYaml(lines: readonly string[]): boolean {
  const first = lines.find((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
  return first !== undefined && /^[A-Za-z_][\w.-]*\s*:(?:\s|$)/.test(first);
}

/** Index of the LF ending the line that starts at `pos`, or text.length for the last line. */
function lineBreakAt(text: string, pos: number): number {
  const nl = text.indexOf('\n', pos);
  return nl === -1 ? text.length : nl;
}

function withoutCr(text: string, pos: number, nl: number): number {
  return nl > pos && text.charCodeAt(nl - 1) === CR ? nl - 1 : nl;
}

/** `---` (or, for a closing fence, `...`) followed only by spaces or tabs, as remark-frontmatter accepts. */
function isFence(text: string, start: number, end: number, closing: boolean): boolean {
  if (end - start < 3) return false;
  const c = text.charCodeAt(start);
  if (c !== DASH && !(closing && c === DOT)) return false;
  if (text.charCodeAt(start + 1) !== c || text.charCodeAt(start + 2) !== c) return false;
  for (let i = start + 3; i < end; i++) {
    const d = text.charCodeAt(i);
    if (d !== SPACE && d !== TAB) return false;
  }
  return true;
}

/** A level-one ATX heading: `#`, at least one space or tab, then some text. */
function isTitle(text: string, start: number, end: number): boolean {
  if (text.charCodeAt(start) !== HASH) return false;
  const c = text.charCodeAt(start + 1);
  if (c !== SPACE && c !== TAB) return false;
  return !isBlank(text, start + 1, end);
}

function isBlank(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c !== SPACE && c !== TAB) return false;
  }
  return true;
}

/** Splits on LF and drops the CR of CRLF, so CRLF and LF files read the same. */
/**
 * Returns text with every line from startLine to endLine (or only startLine when
 * unclosed) replaced by an empty line, keeping each line's own line break (LF or
 * CRLF), so line numbers are unchanged and markdown parsers no longer see the block.
 * A BOM before the opening fence is kept, since it is not part of the line.
 */
export function maskFrontmatter(text: string, fm: Frontmatter): string {
  const last = fm.endLine < 0 ? fm.startLine : fm.endLine;
  let pos = 0;
  for (let line = 0; line < fm.startLine; line++) {
    const nl = text.indexOf('\n', pos);
    if (nl === -1) return text;
    pos = nl + 1;
  }
  if (fm.startLine === 0 && text.charCodeAt(0) === BOM) pos = 1;
  const maskStart = pos;
  let breaks = '';
  let rest = text.length;
  for (let line = fm.startLine; line <= last; line++) {
    const nl = text.indexOf('\n', pos);
    if (nl === -1) {
      rest = text.length;
      break;
    }
    breaks += nl > pos && text.charCodeAt(nl - 1) === CR ? '\r\n' : '\n';
    pos = nl + 1;
    rest = pos;
  }
  return text.slice(0, maskStart) + breaks + text.slice(rest);
}

// ---------------------------------------------------------------------------
// Keys and their lines, read from the source lines whichever engine parsed them.

function scanKeys(lines: readonly string[], firstLine: number): FrontmatterKey[] {
  const found: { key: string; index: number; valueColumn: number }[] = [];
  // Almost always 0; a block indented as a whole has its keys at its own indentation.
  const base = baseIndent(lines);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (base > 0 && (line.length <= base || line.charCodeAt(base - 1) !== SPACE || line.slice(0, base).trim() !== '')) continue;
    const k = keyOnLine(base > 0 ? line.slice(base) : line);
    if (k) found.push({ key: k.key, index: i, valueColumn: k.valueColumn + base });
  }
  const keys: FrontmatterKey[] = [];
  for (let n = 0; n < found.length; n++) {
    const { key, index, valueColumn } = found[n];
    const next = n + 1 < found.length ? found[n + 1].index : lines.length;
    let end = index;
    for (let i = next - 1; i > index; i--) {
      if (!isBlankOrComment(lines[i])) {
        end = i;
        break;
      }
    }
    keys.push({ key, line: firstLine + index, endLine: firstLine + end, valueColumn });
  }
  return keys;
}

// ---------------------------------------------------------------------------
// The lean parser.

/** Returned by the value readers when the text is outside the lean subset. */
const DECLINE: unique symbol = Symbol('decline');
type Read = unknown | typeof DECLINE;

/** Longer implicit keys are a YAML error; staying well below the limit avoids mirroring its exact rule. */
const MAX_KEY_LENGTH = 1000;

/**
 * The lean parser: returns exactly what `YAML.parse(source)` (yaml package, default
 * options) returns, or undefined when the source is outside the subset it handles
 * (then the caller uses parseYamlFull). Must never return a value that differs from
 * YAML.parse.
 */
export function parseYamlLean(source: string): Record<string, unknown> | undefined {
  try {
    return parseLeanLines(source, splitLines(source)) ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * The lean parse proper. Returns null for a source of only blank and comment lines
 * (YAML's empty document, which `YAML.parse` gives as null) so that
 * findFrontmatter can treat it as an empty mapping without the fallback.
 *
 * The subset: blank lines; comment lines; top-level `key: value` lines at column 0
 * with plain keys that resolve to strings; values that are empty, plain one-line
 * scalars, one-line quoted strings (no backslashes in double quotes), one-line flow
 * sequences of such scalars, or, after an empty value, a block sequence of such
 * values at one indentation.
 */
function parseLeanLines(source: string, lines: readonly string[]): Record<string, unknown> | null | undefined {
  if (hasUnsafeChar(source)) return undefined;
  const result: Record<string, unknown> = {};
  let any = false;
  // A key whose value was empty on its own line: a block sequence may follow.
  let pendingKey: string | undefined;
  let items: unknown[] | undefined;
  let itemIndent = -1;

  for (const line of lines) {
    const c0 = line.charCodeAt(0);
    if (Number.isNaN(c0) || c0 === HASH) continue;
    if (c0 === SPACE || c0 === DASH) {
      let i = 0;
      while (line.charCodeAt(i) === SPACE) i++;
      if (i === line.length || line.charCodeAt(i) === HASH) continue;
      // Only a sequence item under a key with an empty value is in the subset;
      // indented text anywhere else would be a continuation or a nested mapping.
      if (pendingKey === undefined || line.charCodeAt(i) !== DASH) return undefined;
      if (i + 1 < line.length && line.charCodeAt(i + 1) !== SPACE) return undefined;
      if (itemIndent < 0) itemIndent = i;
      else if (i !== itemIndent) return undefined;
      let j = i + 1;
      while (line.charCodeAt(j) === SPACE) j++;
      let value: Read = null;
      if (j < line.length && line.charCodeAt(j) !== HASH) {
        value = readValue(line, j);
        if (value === DECLINE) return undefined;
      }
      (items ??= []).push(value);
      continue;
    }

    if (pendingKey !== undefined) {
      setKey(result, pendingKey, items ?? null);
      pendingKey = undefined;
      items = undefined;
      itemIndent = -1;
    }

    if (!isKeyStart(c0)) return undefined;
    let j = 1;
    while (j < line.length && isKeyChar(line.charCodeAt(j))) j++;
    if (line.charCodeAt(j) !== 58 /* : */ || j > MAX_KEY_LENGTH) return undefined;
    const key = line.slice(0, j);
    // Keys like `1`, `true` or `null` become non-string YAML keys with their own
    // stringification and duplicate rules; leave those to the yaml package.
    if (typeof resolvePlain(key) !== 'string') return undefined;
    if (Object.prototype.hasOwnProperty.call(result, key)) return undefined;
    let k = j + 1;
    if (k < line.length && line.charCodeAt(k) !== SPACE) return undefined;
    while (line.charCodeAt(k) === SPACE) k++;
    any = true;
    if (k === line.length || line.charCodeAt(k) === HASH) {
      pendingKey = key;
      continue;
    }
    const value = readValue(line, k);
    if (value === DECLINE) return undefined;
    setKey(result, key, value);
  }
  if (pendingKey !== undefined) setKey(result, pendingKey, items ?? null);
  return any ? result : null;
}

/** Mirrors how the yaml package fills a JS object, including keys such as `__proto__`. */
function setKey(map: Record<string, unknown>, key: string, value: unknown): void {
  if (key in map) {
    Object.defineProperty(map, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    map[key] = value;
  }
}

function isKeyStart(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function isKeyChar(c: number): boolean {
  return isKeyStart(c) || c === DASH || c === DOT;
}

/**
 * Tabs, lone CRs, control and non-characters, BOMs, line separators and broken
 * surrogate pairs each have their own treatment in YAML; none occurs in ordinary
 * frontmatter, so their presence sends the block to the yaml package.
 */
function hasUnsafeChar(source: string): boolean {
  for (let i = 0; i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (c < 0x20) {
      if (c === LF) continue;
      if (c === CR && source.charCodeAt(i + 1) === LF) continue;
      return true;
    }
    if (c < 0x7f) continue;
    if (c <= 0x9f) return true;
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = source.charCodeAt(i + 1);
      if (!(d >= 0xdc00 && d <= 0xdfff)) return true;
      i++;
      continue;
    }
    if (c >= 0xdc00 && c <= 0xdfff) return true;
    if (c === 0x2028 || c === 0x2029 || c === BOM || c === 0xfffe || c === 0xffff) return true;
  }
  return false;
}

/** Characters that cannot start a plain scalar, or that start something else (anchor, tag, alias, block scalar...). */
function isIndicator(c: number): boolean {
  switch (c) {
    case 33: // !
    case 34: // "
    case HASH:
    case 37: // %
    case 38: // &
    case 39: // '
    case 42: // *
    case 44: // ,
    case 62: // >
    case 64: // @
    case 91: // [
    case 93: // ]
    case 96: // `
    case 123: // {
    case 124: // |
    case 125: // }
      return true;
    default:
      return false;
  }
}

/** Reads the value that starts at `start` and runs to the end of the line. */
function readValue(line: string, start: number): Read {
  const c = line.charCodeAt(start);
  if (c === 39 /* ' */ || c === 34 /* " */) {
    const q = readQuoted(line, start);
    if (q === undefined || !onlyCommentAfter(line, q.end)) return DECLINE;
    return q.value;
  }
  if (c === 91 /* [ */) return readFlowSequence(line, start);
  if (isIndicator(c)) return DECLINE;
  if ((c === DASH || c === 63 /* ? */ || c === 58 /* : */) && !(line.charCodeAt(start + 1) > SPACE)) return DECLINE;
  let end = line.indexOf(' #', start);
  if (end < 0) end = line.length;
  while (end > start && line.charCodeAt(end - 1) === SPACE) end--;
  const text = line.slice(start, end);
  // `a: b: c` is a nested mapping (an error in YAML), and a trailing colon makes one too.
  if (text.charCodeAt(text.length - 1) === 58 || text.includes(': ')) return DECLINE;
  return resolvePlain(text);
}

/** Reads a one-line quoted scalar; `end` is the index after the closing quote. */
function readQuoted(line: string, start: number): { value: string; end: number } | undefined {
  if (line.charCodeAt(start) === 34) {
    const close = line.indexOf('"', start + 1);
    if (close < 0) return undefined;
    const value = line.slice(start + 1, close);
    // Escapes are left to the yaml package.
    if (value.includes('\\')) return undefined;
    return { value, end: close + 1 };
  }
  let i = start + 1;
  for (;;) {
    const close = line.indexOf("'", i);
    if (close < 0) return undefined;
    if (line.charCodeAt(close + 1) === 39) {
      i = close + 2;
      continue;
    }
    const inner = line.slice(start + 1, close);
    return { value: i === start + 1 ? inner : inner.replace(/''/g, "'"), end: close + 1 };
  }
}

/** After a complete value only spaces may follow, then optionally a comment that a space separates. */
function onlyCommentAfter(line: string, i: number): boolean {
  const from = i;
  while (line.charCodeAt(i) === SPACE) i++;
  return i === line.length || (i > from && line.charCodeAt(i) === HASH);
}

function isFlowBreak(c: number): boolean {
  return Number.isNaN(c) || c === SPACE || c === 44 || c === 91 || c === 93 || c === 123 || c === 125;
}

/** Reads a one-line flow sequence of scalars, such as `[001, "b c"]` or `[]`. */
function readFlowSequence(line: string, start: number): Read {
  const out: unknown[] = [];
  let i = start + 1;
  while (line.charCodeAt(i) === SPACE) i++;
  if (line.charCodeAt(i) === 93) return onlyCommentAfter(line, i + 1) ? out : DECLINE;
  for (;;) {
    const c = line.charCodeAt(i);
    if (c === 39 || c === 34) {
      const q = readQuoted(line, i);
      if (q === undefined) return DECLINE;
      out.push(q.value);
      i = q.end;
    } else {
      if (Number.isNaN(c) || isIndicator(c)) return DECLINE;
      if ((c === DASH || c === 63 || c === 58) && isFlowBreak(line.charCodeAt(i + 1))) return DECLINE;
      let j = i;
      for (; j < line.length; j++) {
        const d = line.charCodeAt(j);
        if (d === 44 || d === 93) break;
        // Keys, comments and nested collections inside flow sequences are left to the yaml package.
        if (d === 58 || d === HASH || d === 91 || d === 123 || d === 125) return DECLINE;
      }
      if (j === line.length) return DECLINE;
      let end = j;
      while (line.charCodeAt(end - 1) === SPACE) end--;
      out.push(resolvePlain(line.slice(i, end)));
      i = j;
    }
    while (line.charCodeAt(i) === SPACE) i++;
    const sep = line.charCodeAt(i);
    if (sep === 93) return onlyCommentAfter(line, i + 1) ? out : DECLINE;
    if (sep !== 44) return DECLINE;
    i++;
    while (line.charCodeAt(i) === SPACE) i++;
    // A trailing comma is valid YAML but rare; not worth mirroring.
    if (line.charCodeAt(i) === 93) return DECLINE;
  }
}

const NULL_RE = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL_RE = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const OCT_RE = /^0o[0-7]+$/;
const INT_RE = /^[-+]?[0-9]+$/;
const HEX_RE = /^0x[0-9a-fA-F]+$/;
const NAN_RE = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const EXP_RE = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT_RE = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

/**
 * Resolves a plain scalar the way the yaml package's YAML 1.2 core schema does:
 * the same tests in the same order, and the same conversions (parseInt with the
 * prefix cut, parseFloat), so large and negative-zero numbers come out identical.
 */
function resolvePlain(s: string): unknown {
  const c = s.charCodeAt(0);
  // Most values are words or dates; only these first characters can start a non-string.
  const maybe =
    Number.isNaN(c) || (c >= 48 && c <= 57) || c === 43 || c === DASH || c === DOT || c === 126 ||
    c === 110 || c === 78 || c === 116 || c === 84 || c === 102 || c === 70;
  if (!maybe) return s;
  if (NULL_RE.test(s)) return null;
  if (BOOL_RE.test(s)) return c === 116 || c === 84;
  if (OCT_RE.test(s)) return parseInt(s.substring(2), 8);
  if (INT_RE.test(s)) return parseInt(s, 10);
  if (HEX_RE.test(s)) return parseInt(s.substring(2), 16);
  if (NAN_RE.test(s)) {
    if (s.slice(-3).toLowerCase() === 'nan') return NaN;
    return c === DASH ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  if (EXP_RE.test(s) || FLOAT_RE.test(s)) return parseFloat(s);
  return s;
}

// ---------------------------------------------------------------------------
// The full parser.

/**
 * The full parser (yaml package, parseDocument with default options): data plus
 * problems mapped to document lines (firstLine = the document line where source
 * starts). Only error formatting and logging are changed from the defaults, which
 * leaves the data as `YAML.parse` gives it.
 */
export function parseYamlFull(source: string, firstLine: number): { data: Record<string, unknown>; problems: YamlProblem[] } {
  const { data, problems } = parseYamlFullWithKeys(source, firstLine, undefined);
  return { data, problems };
}

function parseYamlFullWithKeys(
  raw: string,
  firstLine: number,
  knownKeys: readonly FrontmatterKey[] | undefined,
): { data: Record<string, unknown>; problems: YamlProblem[]; rejected: boolean } {
  // The yaml package keeps a CR inside some scalars (a complex key ending in a comment),
  // so a CRLF file would read differently from its LF twin. Lines and columns are the
  // same without the CRs.
  const source = raw.includes('\r\n') ? raw.replace(/\r\n/g, '\n') : raw;
  const problems: YamlProblem[] = [];
  const at = (offset: number) => ({ ...documentPosition(source, firstLine, offset), severity: 'error' as const });
  try {
    // prettyErrors would append block-relative line numbers and a code excerpt to
    // each message; the problem carries the document line instead. logLevel keeps
    // toJS from printing warnings to the console.
    const { parseDocument, isMap, isSeq } = yamlModule();
    const doc = parseDocument(source, { prettyErrors: false, logLevel: 'error' });
    let keys = knownKeys;
    for (const error of doc.errors) {
      keys ??= scanKeys(splitLines(source), firstLine);
      problems.push(errorProblem(error, at, keys));
    }
    for (const warning of doc.warnings) {
      problems.push({
        message: 'This frontmatter line uses YAML that plans have no use for (a tag or a directive); remove it.',
        ...at(warning.pos[0]),
        severity: 'warning',
      });
    }
    if (doc.errors.length > 0) return { data: {}, problems, rejected: true };
    const contents = doc.contents;
    if (contents === null || contents === undefined) return { data: {}, problems, rejected: false };
    if (!isMap(contents)) {
      const kind = isSeq(contents) ? 'a list' : 'a single value';
      problems.push({
        message: `Frontmatter must be a mapping of 'key: value' lines, but it is ${kind}.`,
        ...at(contents.range?.[0] ?? 0),
      });
      return { data: {}, problems, rejected: false };
    }
    const data: unknown = doc.toJS();
    if (data === null || typeof data !== 'object' || Array.isArray(data)) return { data: {}, problems, rejected: false };
    return { data: data as Record<string, unknown>, problems, rejected: false };
  } catch (error) {
    // toJS throws on, for instance, an alias to no anchor or an alias bomb: the block is
    // then read entry by entry, like one with a syntax error.
    const message = error instanceof Error ? error.message : String(error);
    problems.push({ message: `Frontmatter could not be read: ${message}`, line: firstLine, column: 0, severity: 'error' });
    return { data: {}, problems, rejected: true };
  }
}

function errorProblem(
  error: YAMLError,
  at: (offset: number) => { line: number; column: number; severity: 'error' },
  keys: readonly FrontmatterKey[],
): YamlProblem {
  const position = at(error.pos[0]);
  if (error.code === 'DUPLICATE_KEY') {
    const key = keys.find((k) => k.line === position.line);
    if (key) return { message: `The frontmatter key '${key.key}' appears more than once.`, ...position };
    return { message: 'Frontmatter has a duplicate key.', ...position };
  }
  return { message: `Frontmatter is not valid YAML: ${error.message}`, ...position };
}

function documentPosition(source: string, firstLine: number, offset: number): { line: number; column: number } {
  const end = Math.max(0, Math.min(offset, source.length));
  let line = firstLine;
  let lineStart = 0;
  for (let i = source.indexOf('\n'); i >= 0 && i < end; i = source.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: end - lineStart };
}
