/**
 * The text operations the quick fixes are made of: whole lines removed or added, a span
 * of one line replaced, and the smallest edit between two texts. Every one keeps the
 * file's line breaks (a line added to a CRLF file ends with CRLF).
 */
import type { FileEdit, PlanChange, TextEdit } from '../edits';
import { detectEol, lineStartOffsets, splitLines } from '../text';

export const NO_CHANGE: PlanChange = { edits: [], creates: [], renames: [] };

/** A text's lines and where each starts, read once per fix. */
export interface TextLines {
  readonly text: string;
  readonly lines: readonly string[];
  readonly starts: readonly number[];
  readonly eol: '\n' | '\r\n';
}

export function textLines(text: string): TextLines {
  return { text, lines: splitLines(text), starts: lineStartOffsets(text), eol: detectEol(text) };
}

/** Replaces columns `start` to `end` of one line. */
export function replaceOnLine(t: TextLines, line: number, start: number, end: number, newText: string): TextEdit {
  return { offset: t.starts[line] + start, length: end - start, newText };
}

/**
 * Removes lines `first` to `last` with their line breaks. The last line of a file that
 * has no line break after it takes the break before it instead, so no empty line is left.
 */
export function deleteLines(t: TextLines, first: number, last: number): TextEdit {
  const start = t.starts[first];
  if (last + 1 < t.starts.length) return { offset: start, length: t.starts[last + 1] - start, newText: '' };
  const from = first > 0 ? t.starts[first] - (t.text.slice(0, start).endsWith('\r\n') ? 2 : 1) : 0;
  return { offset: from, length: t.text.length - from, newText: '' };
}

/**
 * Adds a line before line `before`. A text that ends with a line break has an empty last
 * "line" after it, so adding before that one appends; past it (a last line with no break
 * after it), the break goes first.
 */
export function insertLine(t: TextLines, before: number, content: string): TextEdit {
  if (before < t.starts.length) {
    return { offset: t.starts[before], length: 0, newText: content + t.eol };
  }
  return { offset: t.text.length, length: 0, newText: (t.text === '' ? '' : t.eol) + content };
}

/** The one edit that turns `before` into `after`: what lies between their common start and end. */
export function differenceEdit(before: string, after: string): TextEdit | undefined {
  if (before === after) return undefined;
  let start = 0;
  const shorter = Math.min(before.length, after.length);
  while (start < shorter && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let end = 0;
  while (end < shorter - start && before.charCodeAt(before.length - 1 - end) === after.charCodeAt(after.length - 1 - end)) end++;
  return { offset: start, length: before.length - end - start, newText: after.slice(start, after.length - end) };
}

export function fileChange(path: string, edits: readonly TextEdit[]): PlanChange {
  return edits.length === 0 ? NO_CHANGE : { edits: [{ path, edits }], creates: [], renames: [] };
}

/** Changes joined: one entry per file, edits in the order given. */
export function joinChanges(...changes: readonly PlanChange[]): PlanChange {
  const byPath = new Map<string, TextEdit[]>();
  for (const change of changes) {
    for (const fileEdit of change.edits) {
      const list = byPath.get(fileEdit.path);
      if (list) list.push(...fileEdit.edits);
      else byPath.set(fileEdit.path, [...fileEdit.edits]);
    }
  }
  const edits: FileEdit[] = [...byPath].filter(([, list]) => list.length > 0).map(([path, list]) => ({ path, edits: list }));
  return { edits, creates: changes.flatMap((c) => c.creates), renames: changes.flatMap((c) => c.renames) };
}

export function isEmptyChange(change: PlanChange): boolean {
  return change.creates.length === 0 && change.renames.length === 0 && change.edits.every((e) => e.edits.length === 0);
}
