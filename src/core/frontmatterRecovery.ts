/**
 * Reading a frontmatter block that YAML rejects, the way its author meant it.
 *
 * Real task files carry YAML that a strict parser refuses: `name: Data layer: models`,
 * a key written twice after a hand edit, a title that opens with `[` or `@`, a key or a
 * list indented with a tab. YAML rejects the whole block for one such line, which would
 * turn a task whose `status: closed` sits two lines further down into an open, ready task.
 * So a rejected block is read entry by entry: each top-level key with the lines that
 * belong to it is parsed on its own, and an entry YAML still refuses is read from its
 * lines as written. Every repair is reported as one warning on its line that says what to
 * change, in plain words rather than the YAML library's.
 *
 * Also here: the one misreading YAML makes without complaint, a `#` that starts an issue
 * reference in a title (`name: Fix #12 crash`), which YAML takes for a comment.
 */

import { yamlModule } from './yamlModule';
import type { FrontmatterKey, YamlProblem } from './frontmatter';
import { baseIndent, commentStart, isBlankOrComment, isTitleKey, keyOnLine, unescapeDouble } from './yamlLines';

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
  /** Where the key starts on its line: the block's indentation, or after a stray indentation. */
  readonly keyColumn: number;
  readonly valueColumn: number;
}

type Warn = (index: number, column: number, message: string) => void;

/** A block sequence item: `- x`, or a lone `-`. */
const ITEM = /^[ \t]*-(?:[ \t]|$)/;
/** A block scalar's indicator (`|`, `>-`, `|+2`): the indented lines below are its text. */
const BLOCK_SCALAR = /^[|>][-+0-9]*$/;
/** `status:closed`: a key whose author left out the space after the colon (not `http://`). */
const LOOSE_KEY = /^([A-Za-z_][\w.-]*):(?!\/\/)(?=\S)/;

/**
 * Reads a block that YAML rejected. `lines` are the block's lines (no line breaks),
 * `firstLine` the document line of the first one. Never throws.
 */
export function recoverBlock(lines: readonly string[], firstLine: number): RecoveredBlock {
  const problems: YamlProblem[] = [];
  // A block indented as a whole is read as if it started at column 0; columns stay the file's.
  const base = baseIndent(lines);
  const pad = ' '.repeat(base);
  const shift = lines.map((l) => (base === 0 ? 0 : l.startsWith(pad) ? base : l.length - l.trimStart().length));
  const own = base === 0 ? lines : lines.map((l, i) => l.slice(shift[i]));
  const warn: Warn = (index, column, message) => problems.push({ message, line: firstLine + index, column: column + shift[index], severity: 'warning' });
  const entries = splitEntries(own, warn);

  const data: Record<string, unknown> = {};
  const firstSeen = new Map<string, number>();
  for (const entry of entries) {
    const value = readEntry(own, entry, warn);
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
    valueColumn: e.valueColumn + shift[e.start],
  }));
  // Entries YAML read on their own may still hide an issue reference as a comment.
  const counted = keys.filter((k, i) => !keys.slice(i + 1).some((later) => later.key === k.key));
  problems.push(...repairIssueHashes(lines, counted, firstLine, data));
  if (problems.length === 0) {
    // YAML refused the block as a whole, yet each entry reads on its own: say so, once.
    warn(0, 0, 'This frontmatter is not valid YAML as a whole, although each of its keys reads on its own; check its indentation and quoting.');
  }
  return { data, keys, problems: oneWarningPerLine(problems) };
}

/** One warning per line: a line both repaired and repeated says both, in one message. */
function oneWarningPerLine(problems: readonly YamlProblem[]): YamlProblem[] {
  const byLine = new Map<number, YamlProblem>();
  for (const p of problems) {
    const seen = byLine.get(p.line);
    if (!seen) byLine.set(p.line, p);
    else if (!seen.message.includes(p.message)) byLine.set(p.line, { ...seen, column: Math.min(seen.column, p.column), message: `${seen.message} ${p.message}` });
  }
  return [...byLine.values()].sort((a, b) => a.line - b.line || a.column - b.column);
}

/** Groups the block's lines into top-level entries; lines that belong to no key are reported. */
function splitEntries(lines: readonly string[], warn: Warn): Entry[] {
  const entries: Entry[] = [];
  let current: Entry | undefined;
  let previous = '';
  const start = (key: string, i: number, keyColumn: number, valueColumn: number) => {
    current = { key, start: i, end: i, keyColumn, valueColumn };
    entries.push(current);
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (isBlankOrComment(line)) continue;
    const indent = /^[ \t]*/.exec(line)![0];
    if (indent === '') {
      const key = keyOnLine(line);
      const loose = key ? null : LOOSE_KEY.exec(line);
      if (key) {
        start(key.key, i, 0, key.valueColumn);
      } else if (loose) {
        start(loose[1], i, 0, loose[0].length);
        warn(i, 0, `\`${loose[1]}\` needs a space after its colon; write \`${loose[1]}: ${line.slice(loose[0].length)}\`.`);
      } else if (current && ITEM.test(line) && valueOnKeyLine(lines, current) === '') {
        // `key:` then `- item` at column 0: a block sequence YAML allows without indentation.
        current.end = i;
      } else {
        warn(i, 0, 'This frontmatter line is not a `key: value` line, so it is not read; remove it, or write it as `key: value`.');
      }
      previous = line;
      continue;
    }
    const nested = keyOnLine(line.slice(indent.length));
    const onKeyLine = current ? valueOnKeyLine(lines, current) : '';
    const inText = BLOCK_SCALAR.test(onKeyLine);
    // An indented `key: value` is a top-level key its author indented by mistake when it
    // cannot belong to the entry above: there is none, that entry has its value on its own
    // line, or (a tab, which YAML never allows) it follows the items of a list.
    const stray =
      nested !== undefined && !inText && (!current || onKeyLine !== '' || (indent.includes('\t') && ITEM.test(previous)));
    if (stray) {
      const how = indent.includes('\t')
        ? 'indented with a tab, which YAML does not allow'
        : current
          ? `indented under \`${current.key}\`, which has its value on its own line`
          : 'indented';
      start(nested.key, i, indent.length, indent.length + nested.valueColumn);
      warn(i, 0, `\`${nested.key}\` is ${how}; start the line with \`${nested.key}:\`.`);
    } else if (current) {
      current.end = i;
    } else {
      warn(i, 0, 'This frontmatter line is indented but follows no key, so it is not read; remove the indentation, or remove the line.');
    }
    previous = line;
  }
  return entries;
}

/** The entry's value as written on its key line, without a trailing comment. */
function valueOnKeyLine(lines: readonly string[], entry: Entry): string {
  return stripComment(lines[entry.start].slice(entry.valueColumn), isTitleKey(entry.key)).trim();
}

const IGNORED: unique symbol = Symbol('ignored');

function readEntry(lines: readonly string[], entry: Entry, warn: Warn): unknown {
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

  const key = entry.key;
  const rest = lines[entry.start].slice(entry.valueColumn).trim();
  const more = own.slice(1).filter((l) => !isBlankOrComment(l));
  if (rest === '' || rest.startsWith('#')) {
    // The value is on the following lines: a list can still be read item by item.
    if (more.length > 0 && more.every((l) => ITEM.test(l))) {
      warn(entry.start, entry.keyColumn, `The list under \`${key}\` is not valid YAML; give its items the same indentation, and quote the ones that contain \`: \`, \`#\` or brackets.`);
      return more.map((l) => plainText(l.replace(/^[ \t]*-[ \t]*/, ''), true));
    }
    warn(entry.start, entry.keyColumn, `The value of \`${key}\` on the lines below is not valid YAML, so it is not read; check their indentation and quoting.`);
    return IGNORED;
  }

  // A value may go on over indented lines: a flow list's items, or a plain text that YAML
  // would join with spaces.
  const first = rest[0];
  const whole = more.length > 0 && first !== '"' && first !== "'" ? [first === '[' ? rest : stripComment(rest, isTitleKey(key)).trim(), ...more.map((l) => l.trim())].join(' ') : rest;
  const repaired = repairValue(key, whole);
  warn(entry.start, entry.valueColumn, repaired.message);
  return repaired.value;
}

/** What a value YAML refused most likely means, and what to change so that YAML reads it so. */
function repairValue(key: string, rest: string): { value: unknown; message: string } {
  const title = isTitleKey(key);
  const first = rest[0];
  if (first === '"' || first === "'") {
    const close = rest.lastIndexOf(first);
    if (close <= 0) {
      return { value: rest.slice(1), message: `The value of \`${key}\` opens a ${first === '"' ? 'double' : 'single'} quote that is never closed; close it with ${first}.` };
    }
    const inner = rest.slice(1, close);
    if (close === rest.length - 1) {
      if (first === '"' && inner.includes('\\')) {
        // `"C:\Users\me"`: in double quotes a backslash starts an escape; the author meant the characters.
        return { value: inner, message: `The value of \`${key}\` has a backslash, which starts an escape inside double quotes; use single quotes: ${key}: '${inner}'.` };
      }
      return {
        value: first === '"' ? unescapeDouble(inner) : inner.replace(/''/g, "'"),
        message: `The value of \`${key}\` has a ${first} inside its quotes; ${first === '"' ? 'write it as \\"' : "write it as ''"} or use the other kind of quote.`,
      };
    }
    return { value: plainText(rest, title), message: `The value of \`${key}\` has text after its closing quote; put the whole value inside the quotes.` };
  }
  if (first === '[') {
    const close = rest.lastIndexOf(']');
    if (close !== -1 && stripComment(rest.slice(close + 1), title).trim() !== '') {
      // `[#12] Fix login`: a title that happens to start with a bracket.
      return { value: plainText(rest, title), message: `The value of \`${key}\` starts with \`[\`, which YAML reads as the start of a list; quote it: ${key}: "${plainText(rest, title)}".` };
    }
    const body = close === -1 ? rest.slice(1) : rest.slice(1, close);
    // Inside a list `#12` is an issue reference (`[#12, #13]`), not a comment.
    const items = body.split(',').map((item) => plainText(item.trim(), true)).filter((item) => item !== '');
    return {
      value: items,
      message: close === -1
        ? `The list in \`${key}\` is never closed with \`]\`; close it after its last item.`
        : `The list in \`${key}\` is not valid YAML; quote the items that contain \`: \`, \`#\` or brackets.`,
    };
  }
  const text = plainText(rest, title);
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
function plainText(raw: string, keepIssueRefs: boolean): string {
  const text = stripComment(raw, keepIssueRefs).trim();
  if (text.length >= 2 && (text[0] === '"' || text[0] === "'") && text[text.length - 1] === text[0]) return text.slice(1, -1);
  return text;
}

/** A value as written up to its comment, if it has one. */
function stripComment(text: string, keepIssueRefs: boolean): string {
  const at = commentStart(text, keepIssueRefs ? 'name' : undefined);
  return at === -1 ? text : text.slice(0, at);
}

/** One entry parsed alone by the yaml package: its single key's value, or not ok. */
function parseOne(source: string): { ok: true; value: unknown } | { ok: false } {
  try {
    const doc = yamlModule().parseDocument(source, { prettyErrors: false, logLevel: 'silent', uniqueKeys: false });
    if (doc.errors.length > 0 || !yamlModule().isMap(doc.contents) || doc.contents.items.length !== 1) return { ok: false };
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
 * is read whole instead, with a warning. Elsewhere valid YAML keeps YAML's reading: a
 * `depends_on: [001]  #003 before the sync` comment is a comment.
 * Mutates `data`; returns the warnings.
 */
export function repairIssueHashes(lines: readonly string[], keys: readonly FrontmatterKey[], firstLine: number, data: Record<string, unknown>): YamlProblem[] {
  const problems: YamlProblem[] = [];
  const warn = (line: number, column: number, message: string) => problems.push({ message, line, column, severity: 'warning' });
  for (const key of keys) {
    if (key.endLine !== key.line || !isTitleKey(key.key)) continue;
    const line = lines[key.line - firstLine];
    if (line === undefined) continue;
    const rest = line.slice(key.valueColumn);
    const read = data[key.key];
    const first = rest[0];
    if (first === undefined || first === '"' || first === "'" || first === '[' || first === '{') continue;
    const hash = rest.search(/(?:^|\s)#\d/);
    if (hash === -1) continue;
    // Only where YAML stopped at that `#`: what it read is the text before it, or nothing.
    const before = rest.slice(0, hash).trim();
    if (!(read === null && before === '') && read !== before) continue;
    const whole = stripComment(rest, true).trim();
    setOwn(data, key.key, whole);
    warn(
      key.line,
      key.valueColumn + (before === '' ? 0 : hash + 1),
      before === ''
        ? `The value of \`${key.key}\` starts with \`#\`, which YAML reads as a comment, leaving it empty; quote it: ${key.key}: "${whole}".`
        : `The value of \`${key.key}\` contains \` #\`, which YAML reads as the start of a comment, ending the value at "${before}"; quote it: ${key.key}: "${whole}".`,
    );
  }
  return problems;
}
