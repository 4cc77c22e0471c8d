/**
 * Reading a frontmatter block that YAML rejects, the way its author meant it.
 *
 * Real task files carry YAML that a strict parser refuses: `name: Data layer: models`,
 * a key written twice after a hand edit, a title that opens with `[` or `@`, a list
 * indented with a tab. YAML rejects the whole block for one such line, which would turn
 * a task whose `status: closed` sits two lines further down into an open, ready task.
 * So a rejected block is read entry by entry: each top-level key with the lines that
 * belong to it is parsed on its own, and an entry YAML still refuses is read from its
 * line as written. Every repair is reported as a warning on its line that says what to
 * change, in plain words rather than the YAML library's.
 *
 * Also here: the one misreading YAML makes without complaint, a `#` that starts an issue
 * reference in a title (`name: Fix #12 crash`), which YAML takes for a comment.
 */

import { yamlModule } from './yamlModule';
import type { FrontmatterKey, YamlProblem } from './frontmatter';
import { commentStart, isBlankOrComment, isTitleKey, keyOnLine, unescapeDouble } from './yamlLines';

export interface RecoveredBlock {
  readonly data: Record<string, unknown>;
  readonly keys: FrontmatterKey[];
  readonly problems: YamlProblem[];
}

interface Entry {
  readonly key: string;
  /** Block-relative index of the key line. */
  readonly start: number;
  /** Block-relative index of the entry's last line with content. */
  end: number;
  /** Where the key starts on its line: 0, or after the tabs of a tab-indented key. */
  readonly keyColumn: number;
  readonly valueColumn: number;
}

/**
 * Reads a block that YAML rejected. `lines` are the block's lines (no line breaks),
 * `firstLine` the document line of the first one. Never throws.
 */
export function recoverBlock(lines: readonly string[], firstLine: number): RecoveredBlock {
  const problems: YamlProblem[] = [];
  const warn = (index: number, column: number, message: string) =>
    problems.push({ message, line: firstLine + index, column, severity: 'warning' });
  const entries = splitEntries(lines, warn);

  const data: Record<string, unknown> = {};
  const firstSeen = new Map<string, number>();
  for (const entry of entries) {
    const value = readEntry(lines, entry, warn);
    if (value === IGNORED) continue;
    const earlier = firstSeen.get(entry.key);
    if (earlier !== undefined) {
      warn(
        entry.start,
        entry.keyColumn,
        `\`${entry.key}\` is set again here (line ${firstLine + earlier + 1} sets it first); this value is the one read. Delete one of the two lines.`,
      );
    } else {
      firstSeen.set(entry.key, entry.start);
    }
    setOwn(data, entry.key, value);
  }
  const keys = entries.map((e) => ({
    key: e.key,
    line: firstLine + e.start,
    endLine: firstLine + e.end,
    valueColumn: e.valueColumn,
  }));
  // Entries YAML read on their own may still hide a title's `#12` as a comment.
  const counted = keys.filter((k, i) => !keys.slice(i + 1).some((later) => later.key === k.key));
  problems.push(...repairIssueHashes(lines, counted, firstLine, data));
  if (problems.length === 0) {
    // YAML refused the block as a whole, yet each entry reads on its own: say so, once.
    warn(0, 0, 'This frontmatter is not valid YAML as a whole, although each of its keys reads on its own; check its indentation and quoting.');
  }
  problems.sort((a, b) => a.line - b.line || a.column - b.column);
  return { data, keys, problems };
}

/** Groups the block's lines into top-level entries; lines that belong to no key are reported. */
function splitEntries(lines: readonly string[], warn: (index: number, column: number, message: string) => void): Entry[] {
  const entries: Entry[] = [];
  let current: Entry | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (isBlankOrComment(line)) continue;
    const c = line.charCodeAt(0);
    if (c !== 32 && c !== 9) {
      const key = keyOnLine(line);
      if (key) {
        current = { key: key.key, start: i, end: i, keyColumn: 0, valueColumn: key.valueColumn };
        entries.push(current);
      } else if (current && /^-(?:\s|$)/.test(line) && valueOnKeyLine(lines, current) === '') {
        // `key:` then `- item` at column 0: a block sequence YAML allows without indentation.
        current.end = i;
      } else {
        warn(i, 0, 'This frontmatter line is not a `key: value` line, so it is not read; remove it, or write it as `key: value`.');
      }
      continue;
    }
    const indent = /^[ \t]*/.exec(line)![0];
    const nested = keyOnLine(line.slice(indent.length));
    // A tab-indented `key: value` under a key that already has its value on its own line
    // cannot be a nested mapping: it is a top-level key whose author pressed Tab.
    if (nested && indent.includes('\t') && (!current || valueOnKeyLine(lines, current) !== '')) {
      current = {
        key: nested.key,
        start: i,
        end: i,
        keyColumn: indent.length,
        valueColumn: indent.length + nested.valueColumn,
      };
      entries.push(current);
      warn(i, 0, `\`${nested.key}\` is indented with a tab, which YAML does not allow; start the line with \`${nested.key}:\` instead.`);
      continue;
    }
    if (current) current.end = i;
    else warn(i, 0, 'This frontmatter line is indented but follows no key, so it is not read; remove the indentation, or remove the line.');
  }
  return entries;
}

/** The entry's value as written on its key line, without a trailing comment. */
function valueOnKeyLine(lines: readonly string[], entry: Entry): string {
  return stripComment(lines[entry.start].slice(entry.valueColumn), entry.key).trim();
}

const IGNORED: unique symbol = Symbol('ignored');

function readEntry(
  lines: readonly string[],
  entry: Entry,
  warn: (index: number, column: number, message: string) => void,
): unknown {
  const own = lines.slice(entry.start, entry.end + 1);
  own[0] = own[0].slice(entry.keyColumn);
  const parsed = parseOne(own.join('\n'));
  if (parsed.ok) return parsed.value;

  // Tabs where YAML wants spaces: read the entry again with each indenting tab as two spaces.
  const tabbed = own.findIndex((l, i) => i > 0 && /^[ ]*\t/.test(l));
  if (tabbed > 0) {
    const spaced = parseOne(own.map((l, i) => (i === 0 ? l : l.replace(/^[ \t]+/, (ws) => ws.replace(/\t/g, '  ')))).join('\n'));
    if (spaced.ok) {
      warn(entry.start + tabbed, 0, `This line of \`${entry.key}\` is indented with a tab, which YAML does not allow; indent it with spaces.`);
      return spaced.value;
    }
  }

  const keyLine = lines[entry.start];
  const rest = keyLine.slice(entry.valueColumn);
  const key = entry.key;
  if (rest.trim() === '' || rest.trimStart().startsWith('#')) {
    // The value is on the following lines: a list can still be read item by item.
    const body = own.slice(1).filter((l) => !isBlankOrComment(l));
    if (body.length > 0 && body.every((l) => /^[ \t]*-(?:\s|$)/.test(l))) {
      warn(entry.start, entry.keyColumn, `The list under \`${key}\` is not valid YAML; quote the items that contain \`: \`, \`#\` or brackets.`);
      return body.map((l) => plainText(l.replace(/^[ \t]*-[ \t]*/, '')));
    }
    warn(entry.start, entry.keyColumn, `The value of \`${key}\` on the lines below is not valid YAML, so it is not read; check their indentation and quoting.`);
    return IGNORED;
  }

  // A plain value may go on over indented lines; YAML joins them with spaces.
  const more = own.slice(1).filter((l) => !isBlankOrComment(l)).map((l) => l.trim());
  const plain = !'"\'[{'.includes(rest.trim()[0]);
  const repaired = repairValue(key, plain && more.length > 0 ? [stripComment(rest, key).trim(), ...more].join(' ') : rest.trim());
  warn(entry.start, entry.valueColumn, repaired.message);
  return repaired.value;
}

/** What a value YAML refused most likely means, and what to change so that YAML reads it so. */
function repairValue(key: string, rest: string): { value: unknown; message: string } {
  const first = rest[0];
  if (first === '"' || first === "'") {
    const close = rest.lastIndexOf(first);
    if (close <= 0) {
      return { value: rest.slice(1), message: `The value of \`${key}\` opens a ${first === '"' ? 'double' : 'single'} quote that is never closed; close it with ${first}.` };
    }
    const inner = rest.slice(1, close);
    if (close === rest.length - 1) {
      return {
        value: first === '"' ? unescapeDouble(inner) : inner.replace(/''/g, "'"),
        message: `The value of \`${key}\` has a ${first} inside its quotes; ${first === '"' ? 'write it as \\"' : "write it as ''"} or use the other kind of quote.`,
      };
    }
    return { value: plainText(rest, key), message: `The value of \`${key}\` has text after its closing quote; put the whole value inside the quotes.` };
  }
  if (first === '[') {
    const close = rest.lastIndexOf(']');
    if (close !== -1 && stripComment(rest.slice(close + 1), key).trim() !== '') {
      // `[#12] Fix login`: a title that happens to start with a bracket.
      return { value: plainText(rest, key), message: `The value of \`${key}\` starts with \`[\`, which YAML reads as the start of a list; quote it: ${key}: "${plainText(rest, key)}".` };
    }
    const body = close === -1 ? rest.slice(1) : rest.slice(1, close);
    const items = body.split(',').map((item) => plainText(item.trim())).filter((item) => item !== '');
    return {
      value: items,
      message: close === -1
        ? `The list in \`${key}\` is never closed with \`]\`; add it at the end of the line.`
        : `The list in \`${key}\` is not valid YAML; quote the items that contain \`: \`, \`#\` or brackets.`,
    };
  }
  const text = plainText(rest, key);
  if (first === '{') return { value: text, message: `The value of \`${key}\` starts with \`{\`, which YAML reads as the start of a mapping; quote it: ${key}: "${text}".` };
  if (first !== undefined && '@`%&*!|>'.includes(first)) {
    const meaning: Record<string, string> = { '@': 'reserves', '`': 'reserves', '%': 'reads as a directive', '&': 'reads as an anchor', '*': 'reads as an alias', '!': 'reads as a tag', '|': 'reads as a block of text', '>': 'reads as a block of text' };
    return { value: text, message: `The value of \`${key}\` starts with \`${first}\`, which YAML ${meaning[first]}; quote it: ${key}: "${text}".` };
  }
  if (/:(?:\s|$)/.test(text)) {
    const message = text.endsWith(':') && !/:\s/.test(text)
      ? `The value of \`${key}\` ends with \`:\`, which YAML reads as a key; quote it: ${key}: "${text}".`
      : `The value of \`${key}\` contains \`: \`, which YAML reads as a nested key; quote it: ${key}: "${text}".`;
    return { value: text, message };
  }
  return { value: text, message: `The value of \`${key}\` is not valid YAML; quote it: ${key}: "${text}".` };
}

/** A value as written, without a comment after it or the quotes around it. */
function plainText(raw: string, key?: string): string {
  const text = stripComment(raw, key).trim();
  if (text.length >= 2 && (text[0] === '"' || text[0] === "'") && text[text.length - 1] === text[0]) return text.slice(1, -1);
  return text;
}

/** A value as written up to its comment, if it has one. */
function stripComment(text: string, key?: string): string {
  const at = commentStart(text, key);
  return at === -1 ? text : text.slice(0, at);
}

/** One entry parsed alone by the yaml package: its single key's value, or not ok. */
function parseOne(source: string): { ok: true; value: unknown } | { ok: false } {
  try {
    const { parseDocument, isMap } = yamlModule();
    const doc = parseDocument(source, { prettyErrors: false, logLevel: 'silent', uniqueKeys: false });
    if (doc.errors.length > 0 || !isMap(doc.contents) || doc.contents.items.length !== 1) return { ok: false };
    const data = doc.toJS() as Record<string, unknown>;
    const keys = Object.keys(data);
    return keys.length === 1 ? { ok: true, value: data[keys[0]] } : { ok: false };
  } catch {
    return { ok: false };
  }
}

function setOwn(map: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(map, key, { value, writable: true, enumerable: true, configurable: true });
}

/**
 * Values YAML read without complaint but not as their author meant: `name: Fix #12 crash`
 * is `Fix` to YAML, which takes ` #12 crash` for a comment. Each single-line plain title
 * (`name`, `title`, `description`, `summary`) whose comment starts with `#` and a digit
 * is read whole instead, with a warning. Other keys keep YAML's reading: a
 * `depends_on: [001]  #003 before the sync` comment is a comment.
 * Mutates `data`; returns the warnings.
 */
export function repairIssueHashes(lines: readonly string[], keys: readonly FrontmatterKey[], firstLine: number, data: Record<string, unknown>): YamlProblem[] {
  const problems: YamlProblem[] = [];
  for (const key of keys) {
    if (key.endLine !== key.line || !isTitleKey(key.key)) continue;
    const line = lines[key.line - firstLine];
    if (line === undefined) continue;
    const rest = line.slice(key.valueColumn);
    const first = rest[0];
    if (first === undefined || first === '"' || first === "'" || first === '[' || first === '{') continue;
    const hash = rest.search(/(?:^|\s)#\d/);
    if (hash === -1) continue;
    // Only where YAML stopped at that `#`: what it read is the text before it, or nothing.
    const before = rest.slice(0, hash).trim();
    const read = data[key.key];
    if (!(read === null && before === '') && read !== before) continue;
    const whole = stripComment(rest, key.key).trim();
    setOwn(data, key.key, whole);
    problems.push({
      message: before === ''
        ? `The value of \`${key.key}\` starts with \`#\`, which YAML reads as a comment, leaving it empty; quote it: ${key.key}: "${whole}".`
        : `The value of \`${key.key}\` contains \` #\`, which YAML reads as the start of a comment, ending the value at "${before}"; quote it: ${key.key}: "${whole}".`,
      line: key.line,
      column: key.valueColumn + (before === '' ? 0 : hash + 1),
      severity: 'warning',
    });
  }
  return problems;
}
