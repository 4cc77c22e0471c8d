/**
 * Writes the epic's issue address into the plan. The directory layout (and a single
 * epic file with frontmatter) has a `github:` field for it; a single epic file that
 * keeps its metadata in bold key lines (`**Status:** Planning`) gets one more such line,
 * `**GitHub:** <url>`, after the last of them, which the parser reads as the same field.
 */
import type { PlanChange, ReadText, TextEdit } from '../edits';
import { formatYamlValue, PlanEditError, setFrontmatterFieldEdits } from '../edits';
import { findFrontmatter } from '../frontmatter';
import type { Epic } from '../model';
import { parseBoldKeyLine } from '../parse/common';
import { detectEol, lineStartOffsets, splitLines } from '../text';

const NO_CHANGE: PlanChange = { edits: [], creates: [], renames: [] };

function change(path: string, edits: TextEdit[]): PlanChange {
  return edits.length === 0 ? NO_CHANGE : { edits: [{ path, edits }], creates: [], renames: [] };
}

export function attachEpicIssueChange(epic: Epic, issueUrl: string, read: ReadText): PlanChange {
  const text = read(epic.path);
  const fm = findFrontmatter(text);
  if (epic.layout === 'directory' || (fm && fm.endLine !== -1)) {
    if (!fm || fm.endLine === -1) throw new PlanEditError(`${epic.path} has no frontmatter to record the epic's issue in.`);
    return change(epic.path, setFrontmatterFieldEdits(text, 'github', formatYamlValue(issueUrl)));
  }

  const lines = splitLines(text);
  const starts = lineStartOffsets(text);
  const { keys, title } = headerLines(lines);
  const github = keys.find((k) => k.key === 'github');
  if (github) {
    // The line already there: its value is replaced, the rest of the line kept.
    if (github.value === issueUrl) return NO_CHANGE;
    const offset = starts[github.line] + github.valueAt;
    return change(epic.path, [github.value === '' ? { offset, length: 0, newText: ` ${issueUrl}` } : { offset, length: github.value.length, newText: issueUrl }]);
  }
  const lastKey = keys.at(-1)?.line;
  const eol = detectEol(text);
  if (lastKey !== undefined) {
    const prefix = keys.at(-1)!.prefix;
    const end = starts[lastKey] + lines[lastKey].length;
    return change(epic.path, [{ offset: end, length: 0, newText: `${eol}${prefix}**GitHub:** ${issueUrl}` }]);
  }
  // No metadata lines: a paragraph of its own under the title (or at the top).
  if (title !== undefined) {
    const end = starts[title] + lines[title].length;
    return change(epic.path, [{ offset: end, length: 0, newText: `${eol}${eol}**GitHub:** ${issueUrl}` }]);
  }
  return change(epic.path, [{ offset: 0, length: 0, newText: `**GitHub:** ${issueUrl}${eol}${eol}` }]);
}

export interface HeaderLine {
  readonly line: number;
  /** The list item marker and indentation before the bold key. */
  readonly prefix: string;
  readonly key: string;
  readonly value: string;
  /** Where the value starts on the line. */
  readonly valueAt: number;
}

/** The metadata lines of a single-file epic's header: bold key lines before the first `##` heading, outside code. */
export function headerLines(lines: readonly string[]): { keys: HeaderLine[]; title?: number } {
  const keys: HeaderLine[] = [];
  let fence = false;
  let title: number | undefined;
  for (let line = 0; line < lines.length; line++) {
    const current = lines[line];
    if (/^ {0,3}(`{3,}|~{3,})/.test(current)) fence = !fence;
    if (fence) continue;
    if (/^ {0,3}##/.test(current)) break;
    if (title === undefined && /^ {0,3}#[ \t]/.test(current)) title = line;
    const item = /^(\s*(?:[-*+]\s+)?)(.*)$/.exec(current)!;
    const kv = parseBoldKeyLine(item[2]);
    if (!kv) continue;
    const valueAt = kv[1] === '' ? current.trimEnd().length : current.lastIndexOf(kv[1]);
    keys.push({ line, prefix: item[1], key: kv[0], value: kv[1], valueAt });
  }
  return { keys, title };
}
