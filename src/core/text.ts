/** Small text utilities shared by the parsers and the editors. */

/** The lines of a text without their line breaks (LF or CRLF). */
export function splitLines(text: string): string[] {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.endsWith('\r')) lines[i] = line.slice(0, -1);
  }
  return lines;
}

/** Offsets of the first character of every line. */
export function lineStartOffsets(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** The line break a file uses, judged by its first line break (LF when it has none). */
export function detectEol(text: string): '\n' | '\r\n' {
  const i = text.indexOf('\n');
  return i > 0 && text[i - 1] === '\r' ? '\r\n' : '\n';
}

/** A POSIX-style base name without its extension. */
export function fileStem(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function dirName(path: string): string {
  const i = path.lastIndexOf('/');
  return i === -1 ? '' : path.slice(0, i);
}

export function joinPath(...parts: string[]): string {
  // A folder and a name, the walk's call ten thousand times over: no arrays, no expression.
  if (parts.length === 2) {
    const [a, b] = parts;
    if (a === '') return b;
    if (b === '') return a;
    if (!a.endsWith('/') && !b.startsWith('/') && !a.includes('//') && !b.includes('//')) return `${a}/${b}`;
  }
  return parts.filter((p) => p !== '').join('/').replace(/\/{2,}/g, '/');
}

/** Plain code-unit order: deterministic everywhere, and much faster than localeCompare. */
export function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Lines of a text, cut out only when asked for: parsers read a few lines of many files. */
export interface Lines {
  readonly count: number;
  /** The line without its line break; '' past the end. */
  at(line: number): string;
}

export function linesOf(text: string): Lines {
  const starts = lineStartOffsets(text);
  return {
    count: starts.length,
    at(line: number): string {
      if (line < 0 || line >= starts.length) return '';
      const end = line + 1 < starts.length ? starts[line + 1] - 1 : text.length;
      return text.charCodeAt(end - 1) === 13 && end > starts[line] ? text.slice(starts[line], end - 1) : text.slice(starts[line], end);
    },
  };
}

/**
 * The text without a leading byte-order mark. Editors do not show one, so positions are
 * counted without it; remark's offsets skip it too, which would otherwise shift slices.
 */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
