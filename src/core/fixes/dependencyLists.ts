/**
 * Where each reference of a dependency list is written, so that one can be removed or
 * rewritten without touching the others: a task file's `depends_on` (flow list, block
 * list, one value, a comma-separated text) and a single-file epic's `**Depends on:**`
 * bullet. Every edit is checked by parsing the edited text again: when the list would
 * not read as wanted, there is no edit.
 */
import type { TextEdit } from '../edits';
import { applyEdits } from '../edits';
import { findFrontmatter } from '../frontmatter';
import { findKey, normaliseKeys, parseBoldKeyLine, parseTaskReferences } from '../parse/common';
import { DEPENDS_KEYS, parseTaskFile } from '../parse/directoryParser';
import { parseSingleFileEpic, taskIdOf } from '../parse/singleFileEpicParser';
import { commentStart } from '../yamlLines';
import type { TextLines } from './fixText';
import { deleteLines, textLines } from './fixText';

/** One reference as written: its text and where it is, quotes included (`outer`) and not. */
interface Item {
  /** The reference as the parser reads it. */
  readonly text: string;
  readonly line: number;
  readonly start: number;
  readonly end: number;
  readonly outerStart: number;
  readonly outerEnd: number;
  /** A block list item: the line holds this item alone. */
  readonly block: boolean;
}

/** What to do to a list: which items go, and what the others become (undefined: as they are). */
export interface ListChange {
  readonly remove?: (item: string) => boolean;
  readonly rewrite?: (item: string) => string | undefined;
}

// ---------------------------------------------------------------------------------
// A task file's depends_on

/**
 * The items of a task file's dependency key, where they are written, read the way the
 * parser reads the list's spelling (see writtenList in directoryParser.ts). Undefined when
 * the positions do not give the list the parser reads, or the file has no such key.
 */
function dependsItems(path: string, t: TextLines): { items: Item[]; keyLine: number; valueColumn: number; valueEnd: number; endLine: number } | undefined {
  const fm = findFrontmatter(t.text);
  if (!fm || fm.endLine === -1) return undefined;
  const data = normaliseKeys(fm.data, fm.keys);
  const key = DEPENDS_KEYS.find((k) => data[k] !== undefined);
  const entry = key === undefined ? undefined : findKey(fm, key);
  if (!entry) return undefined;
  const items: Item[] = [];
  let valueEnd = entry.valueColumn;
  for (let line = entry.line; line <= entry.endLine; line++) {
    const text = t.lines[line];
    let from = entry.valueColumn;
    let block = false;
    if (line !== entry.line) {
      const dash = /^[ \t]*-(?=\s|$)/.exec(text);
      from = dash ? dash[0].length : 0;
      block = dash !== null;
    }
    let region = text.slice(from);
    const comment = commentStart(region, entry.key);
    if (comment !== -1) region = region.slice(0, comment);
    let start = from + (region.length - region.trimStart().length);
    let end = from + region.trimEnd().length;
    if (line === entry.line) valueEnd = Math.max(entry.valueColumn, end);
    const whole = text.slice(start, end);
    if (line === entry.line && entry.endLine === entry.line && /^(["'])(.*)\1$/.test(whole)) {
      start++;
      end--;
      while (start < end && /\s/.test(text[start])) start++;
      while (end > start && /\s/.test(text[end - 1])) end--;
    }
    if (text[start] === '[') start++;
    if (end > start && text[end - 1] === ']') end--;
    let partStart = start;
    for (let i = start; i <= end; i++) {
      if (i < end && text[i] !== ',') continue;
      readPart(text, partStart, i, line, block, items);
      partStart = i + 1;
    }
  }
  const written = parseTaskFile(path, t.text).dependsOn;
  if (written.length !== items.length || written.some((w, i) => w !== items[i].text)) return undefined;
  return { items, keyLine: entry.line, valueColumn: entry.valueColumn, valueEnd, endLine: entry.endLine };
}

/** One comma-separated part: a quoted item, or items separated by spaces. */
function readPart(text: string, from: number, to: number, line: number, block: boolean, out: Item[]): void {
  let start = from;
  let end = to;
  while (start < end && /\s/.test(text[start])) start++;
  while (end > start && /\s/.test(text[end - 1])) end--;
  if (start === end) return;
  const part = text.slice(start, end);
  if (/^(["'])(.*)\1$/.test(part)) {
    let innerStart = start + 1;
    let innerEnd = end - 1;
    while (innerStart < innerEnd && /\s/.test(text[innerStart])) innerStart++;
    while (innerEnd > innerStart && /\s/.test(text[innerEnd - 1])) innerEnd--;
    if (innerStart < innerEnd) out.push({ text: text.slice(innerStart, innerEnd), line, start: innerStart, end: innerEnd, outerStart: start, outerEnd: end, block });
    return;
  }
  for (const match of part.matchAll(/\S+/g)) {
    const s = start + match.index;
    out.push({ text: match[0], line, start: s, end: s + match[0].length, outerStart: s, outerEnd: s + match[0].length, block });
  }
}

/** Each run of consecutive removed items, as its first and last index. */
function removedRuns(removed: readonly boolean[]): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  for (let i = 0; i < removed.length; i++) {
    if (!removed[i]) continue;
    const first = i;
    while (i + 1 < removed.length && removed[i + 1]) i++;
    runs.push([first, i]);
  }
  return runs;
}

/**
 * The edits that make a task file's dependency list read as `change` says, or undefined
 * when that cannot be done by editing its items (or nothing changes).
 */
export function dependsOnEdits(path: string, text: string, change: ListChange): TextEdit[] | undefined {
  const t = textLines(text);
  const found = dependsItems(path, t);
  if (!found) return undefined;
  const { items } = found;
  const removed = items.map((item) => change.remove?.(item.text) === true);
  const rewritten = items.map((item, i) => (removed[i] ? undefined : change.rewrite?.(item.text)));
  const expected: string[] = [];
  items.forEach((item, i) => {
    if (!removed[i]) expected.push(rewritten[i] ?? item.text);
  });
  if (!removed.some(Boolean) && !rewritten.some((r, i) => r !== undefined && r !== items[i].text)) return undefined;

  const edits: TextEdit[] = [];
  for (let i = 0; i < items.length; i++) {
    const r = rewritten[i];
    if (r !== undefined && r !== items[i].text) edits.push({ offset: t.starts[items[i].line] + items[i].start, length: items[i].end - items[i].start, newText: r });
  }
  if (expected.length === 0) {
    // Nothing left: the value becomes `[]` (a comment after it stays), and the lines of a block list go.
    const keyText = t.lines[found.keyLine];
    const lead = found.valueColumn === keyText.length && !keyText.endsWith(' ') ? ' ' : '';
    const trail = keyText[found.valueEnd] === '#' ? ' ' : '';
    edits.push({ offset: t.starts[found.keyLine] + found.valueColumn, length: found.valueEnd - found.valueColumn, newText: `${lead}[]${trail}` });
    if (found.endLine > found.keyLine) {
      const end = found.endLine + 1 < t.starts.length ? t.starts[found.endLine + 1] : t.text.length;
      const from = t.starts[found.keyLine] + keyText.length;
      // Up to the end of the list's last line, keeping the key line's own line break.
      const lastBreak = end === t.text.length ? t.text.length : end - (t.text.slice(0, end).endsWith('\r\n') ? 2 : 1);
      edits.push({ offset: from, length: lastBreak - from, newText: '' });
    }
  } else {
    for (const [i, j] of removedRuns(removed)) {
      const run = items.slice(i, j + 1);
      if (run.every((item) => item.block)) {
        for (const item of run) edits.push(deleteLines(t, item.line, item.line));
      } else {
        const next = items[j + 1];
        const previous = items[i - 1];
        // Up to the next item that stays (the separators after the run go), or, at the end, from the one before.
        const from = next !== undefined ? at(t, items[i].line, items[i].outerStart) : at(t, previous.line, previous.outerEnd);
        const to = next !== undefined ? at(t, next.line, next.outerStart) : at(t, items[j].line, items[j].outerEnd);
        const span = t.text.slice(from, to);
        // A comment between the lines of a list would go with it.
        if (span.includes('#') && span.includes('\n')) return undefined;
        if (run.some((item) => item.block) || (next !== undefined ? next.block : previous.block)) return undefined;
        edits.push({ offset: from, length: to - from, newText: '' });
      }
    }
  }
  const after = parseTaskFile(path, applyEdits(text, edits)).dependsOn;
  if (after.length !== expected.length || after.some((a, i) => a !== expected[i])) return undefined;
  return edits;
}

function at(t: TextLines, line: number, column: number): number {
  return t.starts[line] + column;
}

// ---------------------------------------------------------------------------------
// A single-file epic's `**Depends on:**` bullet

/** One reference of a bullet: `Task 3`, `T3`, `#12`, or a range (`Tasks 1-4`) that names several tasks. */
interface BulletToken {
  readonly written: string;
  readonly ids: readonly string[];
  /** Columns on the bullet's line. */
  readonly start: number;
  readonly end: number;
}

const ITEM_MARKER = /^\s*(?:[-*+]|\d+[.)])\s+/;
const RANGE = /(\d+)\s*(?:-|–|to)\s*(?:task\s*|t)?(\d+)/i;

/** `Depends on: Task 1` or `depends on T1, T2` written without bold (as the parser reads it). */
function plainKeyValue(text: string): [string, string] | undefined {
  const match = /^(depends\s+on|blocked\s+by|requires)\s*:?\s+(.+)$/i.exec(text.trim());
  return match ? [match[1], match[2]] : undefined;
}

/** The references of a dependency bullet line and the tasks they name (issue numbers through `issues`). */
function bulletTokens(lineText: string, issues: ReadonlyMap<number, string>): BulletToken[] | undefined {
  const marker = ITEM_MARKER.exec(lineText);
  if (!marker) return undefined;
  const itemText = lineText.slice(marker[0].length).trimEnd();
  const kv = itemText.startsWith('**') || itemText.startsWith('__') ? parseBoldKeyLine(itemText) : plainKeyValue(itemText);
  if (!kv || kv[1] === '') return undefined;
  const value = kv[1];
  const valueStart = lineText.trimEnd().length - value.length;
  if (lineText.slice(valueStart, valueStart + value.length) !== value) return undefined;
  const refs = parseTaskReferences(value, true);
  const tokens: BulletToken[] = [];
  let cursor = 0;
  for (let i = 0; i < refs.length; ) {
    const ref = refs[i];
    const at = value.indexOf(ref.written, cursor);
    if (at === -1) return undefined;
    // A range gives one reference per task it spans, all with the range's text.
    let count = 1;
    const range = ref.kind === 'number' ? RANGE.exec(ref.written) : null;
    if (range) {
      const first = Number(range[1]);
      const last = Number(range[2]);
      count = last >= first && last - first <= 200 ? last - first + 1 : 1;
    }
    const ids = refs.slice(i, i + count).map((r) => (r.kind === 'issue' ? issues.get(r.value) ?? `#${r.value}` : taskIdOf(r.value)));
    tokens.push({ written: ref.written, ids, start: valueStart + at, end: valueStart + at + ref.written.length });
    cursor = at + ref.written.length;
    i += count;
  }
  return tokens;
}

/** The reference to a task written the way another was: `T5` for `T9`, `Task 5` for `Task 9`, `#12` when both have issues. */
export function referenceLike(written: string, id: string, issue: number | undefined): string {
  const n = /\d+$/.exec(id)?.[0] ?? id;
  if (written.startsWith('#')) return issue !== undefined ? `#${issue}` : `Task ${n}`;
  const word = /^(tasks?\s*|t)(?=\d)/i.exec(written);
  if (word) return `${word[1]}${n}`;
  return n;
}

/** Bullet dependencies of a single-file epic, as `from>to`, for comparing a text before and after an edit. */
function bulletEdges(path: string, text: string): string[] {
  return parseSingleFileEpic(path, text).epic.dependencies.filter((d) => d.source === 'bullet').map((d) => `${d.from}>${d.to}`).sort();
}

/**
 * The edits to the dependency bullet on `line` (of the task `taskId`) that remove or
 * rewrite the tasks it names; `rewrite` gives a task's new id. Undefined when the bullet
 * cannot be edited so (a range that names the task among others) or nothing changes.
 */
export function bulletDependsEdits(
  path: string,
  text: string,
  line: number,
  taskId: string,
  change: { readonly remove?: (id: string) => boolean; readonly rewrite?: (id: string) => string | undefined },
): TextEdit[] | undefined {
  const t = textLines(text);
  const epic = parseSingleFileEpic(path, text).epic;
  const issues = new Map<number, string>();
  for (const task of epic.tasks) if (task.issue !== undefined) issues.set(task.issue, task.id);
  const lineText = t.lines[line];
  if (lineText === undefined) return undefined;
  const tokens = bulletTokens(lineText, issues);
  if (!tokens) return undefined;
  const removed: boolean[] = [];
  const edits: TextEdit[] = [];
  const before = bulletEdges(path, text);
  const expected = [...before];
  const drop = (edge: string) => {
    const at = expected.indexOf(edge);
    if (at !== -1) expected.splice(at, 1);
  };
  for (const token of tokens) {
    const gone = token.ids.map((id) => change.remove?.(id) === true);
    if (gone.some(Boolean) && !gone.every(Boolean)) return undefined;
    removed.push(gone.every(Boolean));
    if (removed[removed.length - 1]) {
      for (const id of token.ids) drop(`${id}>${taskId}`);
      continue;
    }
    const to = token.ids.length === 1 ? change.rewrite?.(token.ids[0]) : undefined;
    if (to === undefined || to === token.ids[0]) continue;
    const issue = epic.tasks.find((task) => task.id === to)?.issue;
    edits.push({ offset: t.starts[line] + token.start, length: token.end - token.start, newText: referenceLike(token.written, to, issue) });
    drop(`${token.ids[0]}>${taskId}`);
    expected.push(`${to}>${taskId}`);
  }
  if (!removed.some(Boolean) && edits.length === 0) return undefined;
  if (removed.every(Boolean)) {
    // The bullet names nothing else: it goes, unless lines nested under it would move up to its parent.
    const indent = lineText.length - lineText.trimStart().length;
    const next = t.lines.slice(line + 1).find((l) => l.trim() !== '');
    const nested = next !== undefined && next.length - next.trimStart().length > indent;
    edits.push(nested ? { offset: t.starts[line] + tokens[0].start, length: tokens[tokens.length - 1].end - tokens[0].start, newText: '' } : deleteLines(t, line, line));
  } else {
    for (const [i, j] of removedRuns(removed)) {
      const next = tokens[j + 1];
      const from = next !== undefined ? tokens[i].start : tokens[i - 1].end;
      const to = next !== undefined ? next.start : tokens[j].end;
      edits.push({ offset: t.starts[line] + from, length: to - from, newText: '' });
    }
  }
  const after = bulletEdges(path, applyEdits(text, edits));
  expected.sort();
  if (after.length !== expected.length || after.some((edge, i) => edge !== expected[i])) return undefined;
  return edits;
}
