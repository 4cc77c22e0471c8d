import type { Diagnostic, Range, Severity } from '../model';
import type { Frontmatter } from '../frontmatter';
import { lineRange } from '../model';
import type { Lines } from '../text';
import { valueSpan } from '../yamlLines';
import { diagnostic, findKey, metadataKey } from './common';

/** One diagnostic per frontmatter problem, on the line YAML reported. */
export function frontmatterDiagnostics(path: string, fm: Frontmatter): Diagnostic[] {
  // YAML may report one mistake more than once on the same line; once is enough.
  const seen = new Set<string>();
  const problems = fm.problems.filter((p) => {
    const key = `${p.line}:${p.message}`;
    return !seen.has(key) && (seen.add(key), true);
  });
  const names = fm.keys.map((k) => metadataKey(k.key));
  const out = problems.map((p) => {
    const at = fm.keys.findIndex((k) => k.line === p.line);
    const key = at === -1 ? undefined : fm.keys[at];
    // The key of the line, and whether it is written again: a quick fix quotes it, or keeps its last line.
    return diagnostic(
      path,
      { line: p.line, column: p.column, endLine: p.line, endColumn: p.column + 1 },
      p.severity,
      'frontmatter-malformed',
      p.message,
      { code: 'frontmatter-malformed', ...(key ? { key: key.key } : {}), repeated: at !== -1 && names.some((n, i) => i !== at && n === names[at]) },
    );
  });
  // `Status:` and `status:` are one key to AutoPM (the last is read), though two to YAML.
  // A block has a handful of keys: comparing each with those before it beats a map per file.
  for (let i = 1; i < names.length; i++) {
    let at = -1;
    for (let j = i - 1; j >= 0 && at === -1; j--) if (names[j] === names[i]) at = j;
    const key = fm.keys[i];
    const earlier = at === -1 ? undefined : fm.keys[at];
    if (earlier && earlier.key !== key.key) {
      out.push(
        diagnostic(
          path,
          lineRange(key.line, 0, key.valueColumn),
          'warning',
          'frontmatter-malformed',
          `\`${key.key}\` is also written as \`${earlier.key}\` on line ${earlier.line + 1}; AutoPM reads them as one key, and this value is the one read. Delete one of the two lines.`,
          { code: 'frontmatter-malformed', key: key.key, repeated: true },
        ),
      );
    }
  }
  return out;
}

/** The span of a status value on its line (the whole line when the value is not found as written). */
export function statusRange(line: number, lineText: string | undefined, status: string): Range {
  const text = lineText ?? '';
  const at = text.indexOf(status);
  return { line, column: at === -1 ? 0 : at, endLine: line, endColumn: at === -1 ? text.length : at + status.length };
}

/**
 * Where a frontmatter key's value is written on its line, quotes included, or the key
 * itself when the value is not on that line (an empty range would be hard to see);
 * undefined when the block has no such key.
 */
export function frontmatterValueRange(fm: Frontmatter | undefined, lines: Lines, key: string): Range | undefined {
  const entry = findKey(fm, key);
  if (!entry) return undefined;
  const [start, end] = valueSpan(lines.at(entry.line), entry);
  return start < end ? lineRange(entry.line, start, end) : lineRange(entry.line, 0, entry.valueColumn);
}

export function statusDiagnostic(
  path: string,
  line: number,
  lineText: string | undefined,
  status: string,
  severity: Severity,
  of: 'task' | 'plan',
): Diagnostic {
  return diagnostic(
    path,
    statusRange(line, lineText, status),
    severity,
    'status-unknown',
    `Unknown status "${status}". Use open, in-progress or closed (synonyms such as done, completed, active and backlog are accepted).`,
    { code: 'status-unknown', status, of },
  );
}
