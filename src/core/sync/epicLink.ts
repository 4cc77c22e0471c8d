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
  let fence = false;
  let lastKey: number | undefined;
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
    if (kv[0] === 'github') {
      // The line already there: its value is replaced, the rest of the line kept.
      const at = current.lastIndexOf(kv[1]);
      if (kv[1] === issueUrl) return NO_CHANGE;
      if (kv[1] === '') return change(epic.path, [{ offset: starts[line] + current.trimEnd().length, length: 0, newText: ` ${issueUrl}` }]);
      return change(epic.path, [{ offset: starts[line] + at, length: kv[1].length, newText: issueUrl }]);
    }
    lastKey = line;
  }
  const eol = detectEol(text);
  if (lastKey !== undefined) {
    const prefix = /^(\s*(?:[-*+]\s+)?)/.exec(lines[lastKey])![1];
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
