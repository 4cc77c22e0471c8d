/**
 * The small pieces every reader of a model's JSON answer shares: where a JSON answer
 * breaks, what a value is in words, and the text a file can hold. Used by checkPlan.ts
 * (a decomposed plan), refineTask.ts (a re-scoped or expanded task) and reviewEpic.ts (a
 * review), so that the three say the same thing the same way.
 */

export function capitalised(sentence: string): string {
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}

// ---------------------------------------------------------------------------------
// Schema problems in words

export const TYPE_WORDS: Readonly<Record<string, string>> = {
  string: 'text',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  null: 'null',
};

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return `the text ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
    case 'number':
      return `the number ${String(value)}`;
    case 'boolean':
      return String(value);
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

export function pointerSegments(pointer: string): string[] {
  return pointer === '' ? [] : pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

// ---------------------------------------------------------------------------------
// Tidying

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// Vertical tab, form feed and the Unicode separators break a line too, in some editor or other.
// eslint-disable-next-line no-control-regex
export const LINE_BREAK = /[\n\r\u000b\u000c\u0085\u2028\u2029]/;
// eslint-disable-next-line no-control-regex
export const CONTROL = /[\u0000-\u0008\u000e-\u001f\u007f-\u0084\u0086-\u009f]/;

/** The text a file can hold: a lone surrogate is written to disk as U+FFFD, so it is one already. */
export function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD');
}

/**
 * Markdown with LF line breaks, no blank lines at either end, no white space at line ends
 * and no indentation common to every line: the plan's readers take that off (see
 * planText.ts), so it is taken off before anything is written.
 */
export function markdownText(text: string): string {
  const lines = wellFormed(text).replace(/\r\n?/g, '\n').split('\n').map((l) => l.trimEnd());
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start] === '') start++;
  while (end > start && lines[end - 1] === '') end--;
  const kept = lines.slice(start, end);
  const common = Math.min(...kept.filter((l) => l !== '').map((l) => l.length - l.trimStart().length));
  return kept.map((l) => l.slice(Number.isFinite(common) ? common : 0)).join('\n');
}

/** Hundredths of an hour: the file writes the number, and `1.3333333333 hours` helps nobody. */
export function hundredths(hours: number): number {
  const rounded = Math.round(hours * 100) / 100;
  return Number.isFinite(rounded) ? rounded : hours;
}

// ---------------------------------------------------------------------------------
// Where an answer breaks

export function hex(char: string): string {
  return 'U+' + char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
}

export function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - (before.lastIndexOf('\n') + 1) + 1 };
}

export function foundAt(text: string, offset: number): string {
  if (offset >= text.length) return 'the answer ends';
  const char = String.fromCodePoint(text.codePointAt(offset)!);
  const quoted = char === '"' ? `'"'` : `"${char}"`;
  return `${char < ' ' || char === '\u007f' ? hex(char) : quoted} was found`;
}

/** An answer wrapped in a ```json fence, as models write when no format is enforced: the JSON inside it and where it starts. */
export function unfenced(text: string): { json: string; start: number } {
  const match = /^(\s*```[ \t]*(?:json)?[ \t]*\r?\n)([\s\S]*?)\r?\n[ \t]*```\s*$/i.exec(text);
  return match ? { json: match[2], start: match[1].length } : { json: text, start: 0 };
}
