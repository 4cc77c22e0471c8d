import type { Diagnostic, Range, Severity } from '../model';
import type { Frontmatter } from '../frontmatter';
import { diagnostic } from './common';

/** One diagnostic per frontmatter problem, on the line YAML reported. */
export function frontmatterDiagnostics(path: string, fm: Frontmatter): Diagnostic[] {
  // YAML may report one mistake more than once on the same line; once is enough.
  const seen = new Set<string>();
  const problems = fm.problems.filter((p) => {
    const key = `${p.line}:${p.message}`;
    return !seen.has(key) && (seen.add(key), true);
  });
  return problems.map((p) =>
    diagnostic(
      path,
      { line: p.line, column: p.column, endLine: p.line, endColumn: p.column + 1 },
      p.severity,
      'frontmatter-malformed',
      p.message,
    ),
  );
}

/** The span of a status value on its line (the whole line when the value is not found as written). */
export function statusRange(line: number, lineText: string | undefined, status: string): Range {
  const text = lineText ?? '';
  const at = text.indexOf(status);
  return { line, column: at === -1 ? 0 : at, endLine: line, endColumn: at === -1 ? text.length : at + status.length };
}

export function statusDiagnostic(
  path: string,
  line: number,
  lineText: string | undefined,
  status: string,
  severity: Severity,
): Diagnostic {
  return diagnostic(
    path,
    statusRange(line, lineText, status),
    severity,
    'status-unknown',
    `Unknown status "${status}". Use open, in-progress or closed (synonyms such as done, completed, active and backlog are accepted).`,
  );
}
