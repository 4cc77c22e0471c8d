import type { Diagnostic, DiagnosticCode, DiagnosticData, Range, Severity } from '../model';
import type { Outline } from '../markdown/outline';
import type { Frontmatter, FrontmatterKey } from '../frontmatter';
import type { Lines } from '../text';

const KEY_CACHE = new Map<string, string>();

/** Metadata keys are compared case-blind, with spaces, `-` and `_` alike: `Start Date` is `start_date`. */
export function metadataKey(raw: string): string {
  // A plan repeats a handful of keys thousands of times (`Estimate`, `Agent`, `status`).
  let key = KEY_CACHE.get(raw);
  if (key === undefined) {
    key = raw.trim().toLowerCase().replace(/[\s_-]+/g, '_');
    if (KEY_CACHE.size < 4096) KEY_CACHE.set(raw, key);
  }
  return key;
}

const STAR = 42;
const UNDERSCORE = 95;
const COLON = 58;

function isBlank(code: number): boolean {
  return code === 32 || code === 9;
}

/**
 * `**Status:** Draft` or `**Status**: Draft` (or with `__`) → ['status', 'Draft'].
 * Scanned by hand: it runs on every nested bullet of every task, and a regex with
 * alternatives cost more than the rest of the line's handling on a cold start.
 */
export function parseBoldKeyLine(line: string): [key: string, value: string] | undefined {
  let start = 0;
  while (start < line.length && isBlank(line.charCodeAt(start))) start++;
  const open = line.charCodeAt(start);
  if ((open !== STAR && open !== UNDERSCORE) || line.charCodeAt(start + 1) !== open) return undefined;
  const keyStart = start + 2;
  const first = line.charCodeAt(keyStart);
  if (Number.isNaN(first) || first === STAR || first === UNDERSCORE || first === COLON) return undefined;
  // The key runs to the first `*` or `:`, or to a `__` that closes it: `**Key:**`,
  // `**Key**:` and `__Key__:` are the spellings. A `__` not followed by `:` is part of the key.
  let i = keyStart;
  let rest = -1;
  while (i < line.length && rest === -1) {
    const c = line.charCodeAt(i);
    if (c === COLON) {
      let j = i + 1;
      while (j < line.length && isBlank(line.charCodeAt(j))) j++;
      const close = line.charCodeAt(j);
      if ((close !== STAR && close !== UNDERSCORE) || line.charCodeAt(j + 1) !== close) return undefined;
      rest = j + 2;
    } else if ((c === STAR || c === UNDERSCORE) && line.charCodeAt(i + 1) === c) {
      let j = i + 2;
      while (j < line.length && isBlank(line.charCodeAt(j))) j++;
      if (line.charCodeAt(j) === COLON) rest = j + 1;
      else if (c === STAR) return undefined;
      else i++;
    } else if (c === STAR) {
      return undefined;
    } else {
      i++;
    }
  }
  if (rest === -1) return undefined;
  let keyEnd = i;
  while (keyEnd > keyStart && isBlank(line.charCodeAt(keyEnd - 1))) keyEnd--;
  return [metadataKey(line.slice(keyStart, keyEnd)), line.slice(rest).trim()];
}

/** A task reference in prose: `Task 3`, `T3`, `#12`, `003`. */
export interface TaskReference {
  readonly kind: 'number' | 'issue';
  readonly value: number;
  readonly written: string;
}

const REFERENCE = /#(\d+)|\b(?:tasks?\s*|t)(\d+)(?:\s*(?:-|–|to)\s*(?:task\s*|t)?(\d+))?\b|\b(\d+)\b/gi;

/** A number a plan may use as a task or issue number; absurd ones are not references. */
function idNumber(digits: string): number | undefined {
  const n = Number(digits);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** A value that is only numbers (`001`, `1, 2 and #3`): there, bare numbers are task ids. */
const ONLY_NUMBERS = /^\s*#?\d+(?:\s*(?:,|;|&|\band\b|\s)\s*#?\d+)*\s*$/i;

/**
 * Task references in a depends-on value or a milestone: `Task 3`, `T3`, `#12`, ranges
 * (`Tasks 1-4`). Bare numbers count only when `allowBareNumbers` and the value holds
 * nothing else, so "Task 1 (needs 2 hours)" depends on Task 1 alone.
 */
export function parseTaskReferences(text: string, allowBareNumbers: boolean): TaskReference[] {
  const refs: TaskReference[] = [];
  const bare = allowBareNumbers && ONLY_NUMBERS.test(text);
  // exec with lastIndex, not matchAll: matchAll copies the expression on every call.
  REFERENCE.lastIndex = 0;
  for (let match = REFERENCE.exec(text); match !== null; match = REFERENCE.exec(text)) {
    if (match[1] !== undefined) {
      const value = idNumber(match[1]);
      if (value !== undefined) refs.push({ kind: 'issue', value, written: match[0] });
    } else if (match[2] !== undefined) {
      const first = idNumber(match[2]);
      if (first === undefined) continue;
      const last = match[3] !== undefined ? idNumber(match[3]) ?? first : first;
      // A range written backwards or absurdly long is a typo, not 10,000 references.
      const end = last >= first && last - first <= 200 ? last : first;
      for (let n = first; n <= end; n++) refs.push({ kind: 'number', value: n, written: match[0] });
    } else if (bare && match[4] !== undefined) {
      const value = idNumber(match[4]);
      if (value !== undefined) refs.push({ kind: 'number', value, written: match[0] });
    }
  }
  return refs;
}

/** The numeric value of an id like `003`, `T3`, `#3`, `3.md`; undefined for other ids. */
export function numericId(id: string): number | undefined {
  const match = /^(?:t|task\s*|#)?0*(\d+)(?:\.md)?$/i.exec(id.trim());
  return match ? idNumber(match[1]) : undefined;
}

/** A GitHub issue number from `#12`, `12` or an issue/pull URL. */
export function issueNumberFrom(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value;
  if (typeof value !== 'string') return undefined;
  const match = /(?:\/(?:issues|pull)\/|^#?)(\d+)\s*$/.exec(value.trim());
  return match ? idNumber(match[1]) : undefined;
}

export function stringField(data: Readonly<Record<string, unknown>>, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const value = data[key];
    if (value === undefined || value === null) continue;
    if (typeof value === 'string') {
      if (value.trim() !== '') return value.trim();
    } else if (typeof value === 'number' || typeof value === 'boolean') {
      return String(value);
    }
  }
  return undefined;
}

/** A list-valued field: a YAML sequence, or a comma-separated string. */
export function listField(data: Readonly<Record<string, unknown>>, ...keys: string[]): string[] {
  for (const key of keys) {
    const value = data[key];
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) return value.filter((v) => v !== null && v !== undefined).map((v) => String(v).trim()).filter((v) => v !== '');
    if (typeof value === 'number') return [String(value)];
    // `"[001, 003]"`: a list someone quoted whole is still the list.
    if (typeof value === 'string') return value.trim().replace(/^\[([^\]]*)\]$/, '$1').split(/[,\s]+/).map((v) => v.trim()).filter((v) => v !== '');
  }
  return [];
}

/**
 * A top-level frontmatter key as the parser reads it: spelled any way that means the same
 * (`status`, `Status`, `depends-on` for `depends_on`). A key written twice, in one
 * spelling or two, is read from its last line, as its value is (see normaliseKeys), so an
 * edit changes the line that counts.
 */
export function findKey(fm: Frontmatter | undefined, key: string): FrontmatterKey | undefined {
  if (!fm) return undefined;
  const wanted = metadataKey(key);
  for (let i = fm.keys.length - 1; i >= 0; i--) if (metadataKey(fm.keys[i].key) === wanted) return fm.keys[i];
  return undefined;
}

/** The empty list every task without ids shares. */
export const NO_IDS: readonly string[] = Object.freeze([]);

/**
 * A list as the model keeps it: the shared empty list, or an exact-size copy. Lists built
 * with push reserve room to grow (17 slots for one id); the index keeps ten thousand.
 */
export function compactIds(ids: readonly string[]): readonly string[] {
  return ids.length === 0 ? NO_IDS : ids.slice();
}

/**
 * Frontmatter data with keys normalised like bold-key metadata. Two spellings of one key
 * (`Status:` and `status:`) are one key written twice: the one written last counts, as
 * for a key repeated exactly.
 */
export function normaliseKeys(data: Readonly<Record<string, unknown>>, keys?: readonly FrontmatterKey[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let collided = false;
  for (const key in data) {
    const k = metadataKey(key);
    if (k in out) collided = true;
    out[k] = data[key];
  }
  if (!collided || !keys) return out;
  // Two spellings of one key, rare: settle which was written last by the lines, since an
  // object lists its keys in the order they first appeared.
  for (const { key } of keys) if (Object.prototype.hasOwnProperty.call(data, key)) out[metadataKey(key)] = data[key];
  return out;
}

export function diagnostic<C extends DiagnosticCode>(
  path: string,
  range: Range,
  severity: Severity,
  code: C,
  message: string,
  data?: Extract<DiagnosticData, { readonly code: C }>,
): Diagnostic {
  // No `data: undefined` property on the diagnostics that carry none.
  return data === undefined ? { path, range, severity, code, message } : { path, range, severity, code, message, data };
}

/** The last line of the section a heading opens: the line before the next heading of the same or a higher level. */
export function sectionEndLine(outline: Outline, index: number, lastLine: number): number {
  const heading = outline.headings[index];
  for (let i = index + 1; i < outline.headings.length; i++) {
    if (outline.headings[i].depth <= heading.depth) return outline.headings[i].line - 1;
  }
  return lastLine;
}

/**
 * Metadata from bold key lines (`**Status:** Draft`): each line of the top-level
 * paragraphs and each top-level list item before the first `##` heading, and in a
 * `## Metadata` section. The first value of a key wins.
 */
export function boldKeyMetadata(
  outline: Outline,
  lines: Lines,
): { data: Record<string, unknown>; lineOf: Map<string, number> } {
  const data: Record<string, unknown> = {};
  const lineOf = new Map<string, number>();
  const ranges: Array<[number, number]> = [];
  const firstH2 = outline.headings.find((h) => h.depth === 2);
  ranges.push([0, firstH2 ? firstH2.line - 1 : lines.count - 1]);
  outline.headings.forEach((h, i) => {
    if (h.depth === 2 && /^(metadata|details|info|document info)$/i.test(h.text.trim())) {
      ranges.push([h.line + 1, sectionEndLine(outline, i, lines.count - 1)]);
    }
  });
  const inRanges = (line: number) => ranges.some(([a, b]) => line >= a && line <= b);
  const add = (text: string, line: number) => {
    const kv = parseBoldKeyLine(text);
    if (kv && !(kv[0] in data)) {
      data[kv[0]] = kv[1];
      lineOf.set(kv[0], line);
    }
  };
  for (const p of outline.paragraphs) {
    if (!inRanges(p.line)) continue;
    for (let line = p.line; line <= p.endLine; line++) add(lines.at(line), line);
  }
  for (const item of outline.items) {
    if (inRanges(item.line)) add(item.text, item.line);
  }
  return { data, lineOf };
}
