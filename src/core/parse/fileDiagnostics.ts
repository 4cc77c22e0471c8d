import type { Diagnostic, Severity } from '../model';
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

export function statusDiagnostic(
  path: string,
  line: number,
  lineText: string | undefined,
  status: string,
  severity: Severity,
): Diagnostic {
  const text = lineText ?? '';
  const at = text.indexOf(status);
  const start = at === -1 ? 0 : at;
  const end = at === -1 ? text.length : at + status.length;
  return diagnostic(
    path,
    { line, column: start, endLine: line, endColumn: end },
    severity,
    'status-unknown',
    `Unknown status "${status}". Use open, in-progress or closed (synonyms such as done, completed, active and backlog are accepted).`,
  );
}
