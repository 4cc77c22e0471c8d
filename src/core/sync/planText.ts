/**
 * The text of a task or an epic as its issue shows it, read from the plan files.
 *
 * What is read is chosen so that a sync's own edits never change it: the issue number
 * appended to a task line, the `github:` field, and the renames of task files all fall
 * outside these texts. Otherwise writing an issue's number into the plan would change
 * the body, and every sync would find something to update.
 */
import type { ReadText } from '../edits';
import { findFrontmatter } from '../frontmatter';
import type { Epic, Task } from '../model';
import { parseBoldKeyLine } from '../parse/common';
import { splitLines, stripBom } from '../text';

const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+|$)(.*)$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/** Removes the common indentation of the non-blank lines, and blank lines at both ends. */
function dedent(lines: readonly string[]): string[] {
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start].trim() === '') start++;
  while (end > start && lines[end - 1].trim() === '') end--;
  const kept = lines.slice(start, end);
  const indents = kept.filter((l) => l.trim() !== '').map(indentOf);
  const common = indents.length === 0 ? 0 : Math.min(...indents);
  return kept.map((l) => (l.trim() === '' ? '' : l.slice(common)));
}

/**
 * Lines of a document, each with whether it is inside a fenced code block (a `#` there
 * is no heading).
 */
function linesWithFences(text: string): Array<{ text: string; inFence: boolean }> {
  const out: Array<{ text: string; inFence: boolean }> = [];
  let fence: string | undefined;
  for (const line of splitLines(stripBom(text))) {
    const match = FENCE.exec(line);
    if (fence !== undefined) {
      out.push({ text: line, inFence: true });
      if (match && match[1][0] === fence[0] && match[1].length >= fence.length && line.trim() === match[1]) fence = undefined;
      continue;
    }
    out.push({ text: line, inFence: false });
    if (match) fence = match[1];
  }
  return out;
}

/** The last line of a single-file task's block: the lines indented under its task line. */
function taskBlockEnd(lines: readonly string[], line: number): number {
  const indent = indentOf(lines[line] ?? '');
  let end = line;
  for (let l = line + 1; l < lines.length; l++) {
    const text = lines[l];
    if (text.trim() === '') continue;
    if (indentOf(text) <= indent || HEADING.test(text)) break;
    end = l;
  }
  return end;
}

/**
 * A task's own text, without its title. Single-file layout: the lines indented under the
 * task line (its bullets: details, acceptance criteria, estimate...), dedented, leaving
 * out the lines of tasks nested in it. Directory layout: the task file after its
 * frontmatter, without the `# Task: Title` heading that starts it.
 */
export function taskText(epic: Epic, task: Task, read: ReadText): string {
  if (epic.layout === 'single-file') {
    const lines = splitLines(stripBom(read(task.path)));
    const end = taskBlockEnd(lines, task.range.line);
    const nested = epic.tasks
      .filter((t) => t !== task && t.path === task.path && t.range.line > task.range.line && t.range.line <= end)
      .map((t) => [t.range.line, taskBlockEnd(lines, t.range.line)] as const);
    const own: string[] = [];
    for (let l = task.range.line + 1; l <= end; l++) {
      if (!nested.some(([from, to]) => l >= from && l <= to)) own.push(lines[l]);
    }
    return dedent(own).join('\n');
  }
  const text = stripBom(read(task.path));
  const fm = findFrontmatter(text);
  const lines = splitLines(text);
  // An unclosed block is read as markdown by the parser, so it is text here too.
  let body = fm && fm.endLine !== -1 ? lines.slice(fm.endLine + 1) : lines;
  const first = body.findIndex((l) => l.trim() !== '');
  if (first !== -1 && /^ {0,3}#[ \t]/.test(body[first])) body = body.slice(first + 1);
  return dedent(body).join('\n');
}

/**
 * An epic's overview: the section under its `## Overview` (or Summary, Description)
 * heading; without one, the prose between the title and the first `##` heading, less
 * its metadata lines (`**Status:** ...`), where a sync writes the epic's issue.
 */
export function epicOverview(epic: Epic, read: ReadText): string {
  let text: string;
  try {
    text = stripBom(read(epic.path));
  } catch {
    // A directory epic whose folder has task files but no epic.md.
    return '';
  }
  const fm = findFrontmatter(text);
  const all = linesWithFences(text);
  const lines = fm && fm.endLine !== -1 ? all.slice(fm.endLine + 1) : all;
  const headings = lines.map((l, i) => ({ i, match: l.inFence ? null : HEADING.exec(l.text) })).filter((h) => h.match !== null);
  const overview = headings.find((h) => h.match![1].length === 2 && /^(overview|summary|description)\b/i.test(h.match![2].trim()));
  if (overview) {
    const next = headings.find((h) => h.i > overview.i && h.match![1].length <= 2);
    return dedent(lines.slice(overview.i + 1, next?.i ?? lines.length).map((l) => l.text)).join('\n');
  }
  const h1 = headings.find((h) => h.match![1].length === 1);
  const from = h1 ? h1.i + 1 : 0;
  const next = headings.find((h) => h.i >= from && h.match![1].length >= 2);
  const prose = lines
    .slice(from, next?.i ?? lines.length)
    .filter((l) => l.inFence || parseBoldKeyLine(l.text.replace(/^\s*[-*+]\s+/, '')) === undefined)
    .map((l) => l.text);
  return dedent(prose).join('\n');
}
