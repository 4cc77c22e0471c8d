import type { Diagnostic, Prd, Section } from '../model';
import { lineRange } from '../model';
import { findFrontmatter, maskFrontmatter } from '../frontmatter';
import { parseOutline } from '../markdown/parseOutline';
import { planStateFromStatus } from '../status';
import { fileStem, linesOf, stripBom } from '../text';
import { boldKeyMetadata, diagnostic, findKey, normaliseKeys, sectionEndLine, stringField } from './common';
import { frontmatterDiagnostics, statusDiagnostic, statusRange } from './fileDiagnostics';

export interface ParsedPrd {
  readonly prd: Prd;
  readonly diagnostics: readonly Diagnostic[];
}

const SECTION_KINDS: ReadonlyArray<[RegExp, string]> = [
  [/user stor|stories/i, 'stories'],
  [/problem/i, 'problem'],
  [/out of scope|non-goals|not in scope/i, 'outOfScope'],
  [/success|metric|kpi|acceptance/i, 'success'],
  [/requirement/i, 'requirements'],
  [/users|persona|audience|customer/i, 'users'],
  [/overview|summary|introduction|background|context/i, 'overview'],
  [/goal|objective/i, 'goals'],
  [/risk/i, 'risks'],
  [/timeline|milestone|schedule/i, 'timeline'],
  [/dependenc/i, 'dependencies'],
  [/question/i, 'openQuestions'],
];

function sectionKind(heading: string): string | undefined {
  return SECTION_KINDS.find(([pattern]) => pattern.test(heading))?.[1];
}

/** `PRD-001: Task Management API` → ['PRD-001', 'Task Management API']. */
function splitPrdTitle(title: string): [id: string | undefined, title: string] {
  const match = /^(PRD[-\s]?\d+)\s*[:—–-]\s*(.+)$/i.exec(title.trim());
  // `PRD: Team Calendar` names no id; the title is what follows.
  if (!match) return [undefined, title.trim().replace(/^PRD\s*:\s*(?=\S)/i, '')];
  return [match[1].toUpperCase().replace(/\s/, '-'), match[2].trim()];
}

export function parsePrd(path: string, source: string): ParsedPrd {
  const text = stripBom(source);
  const diagnostics: Diagnostic[] = [];
  const fm = findFrontmatter(text);
  if (fm) diagnostics.push(...frontmatterDiagnostics(path, fm));
  const body = fm ? maskFrontmatter(text, fm) : text;
  const outline = parseOutline(body);
  const lines = linesOf(text);
  const bold = boldKeyMetadata(outline, lines);
  const fmData = fm ? normaliseKeys(fm.data, fm.keys) : {};
  const metadata: Record<string, unknown> = { ...bold.data, ...fmData };

  const h1 = outline.headings.find((h) => h.depth === 1);
  const [titleId, headingTitle] = h1 ? splitPrdTitle(h1.text) : [undefined, ''];
  const stem = fileStem(path);
  const stemId = /^prd-(\d+)/i.exec(stem);
  const id =
    stringField(fmData, 'id') ?? titleId ?? (stemId ? `PRD-${stemId[1]}` : stem);
  const title = headingTitle || stringField(metadata, 'title', 'name') || stem;

  const status = stringField(metadata, 'status');
  const statusLine = findKey(fm, 'status')?.line ?? bold.lineOf.get('status');
  const state = status ? planStateFromStatus(status) : undefined;
  if (status && !state && statusLine !== undefined) {
    diagnostics.push(statusDiagnostic(path, statusLine, lines.at(statusLine), status, 'info', 'plan'));
  }

  const sections: Section[] = [];
  outline.headings.forEach((heading, index) => {
    if (heading.depth < 2) return;
    const end = Math.max(heading.line, sectionEndLine(outline, index, lines.count - 1));
    const kind = heading.depth === 2 ? sectionKind(heading.text) : undefined;
    sections.push({
      heading: heading.text,
      depth: heading.depth,
      ...(kind ? { kind } : {}),
      range: { line: heading.line, column: 0, endLine: end, endColumn: lines.at(end).length },
    });
  });

  const titleLine = h1?.line ?? (findKey(fm, 'name') ?? findKey(fm, 'title'))?.line ?? 0;
  if (!h1 && !fm) {
    diagnostics.push(
      diagnostic(path, lineRange(0), 'warning', 'frontmatter-missing', 'This PRD has neither a `# Title` line nor frontmatter.'),
    );
  }
  const prd: Prd = {
    kind: 'prd',
    id,
    title,
    ...(status ? { status } : {}),
    state: state ?? 'not-started',
    ...(status !== undefined && statusLine !== undefined ? { statusRange: statusRange(statusLine, lines.at(statusLine), status) } : {}),
    ...optionalString('created', stringField(metadata, 'created', 'date', 'created_at')),
    ...optionalString('owner', stringField(metadata, 'owner', 'author')),
    path,
    metadata,
    sections,
    range: lineRange(titleLine, 0, lines.at(titleLine).length ?? 0),
  };
  return { prd, diagnostics };
}

export function optionalString<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}
