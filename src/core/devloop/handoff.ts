/**
 * The prompt Hand to Claude Code gives Claude Code for a task: what the task asks, the
 * epic it belongs to, the PRD sections it serves, what it builds on, and which file to
 * mark when it is done. Pure: the caller reads the files.
 */
import type { EpicAnalysis } from '../analysis';
import type { Epic, Prd, Task } from '../model';
import { taskLabel, taskLabelId } from '../taskText';
import { readTaskMasterJson, taskMasterTags, taskMasterTaskNodes, valueOf } from '../parse/taskMasterParser';
import { stripBom } from '../text';

export interface HandoffInput {
  readonly epic: Epic;
  readonly task: Task;
  /** The epic file's text (`epic.md` in the directory layout). */
  readonly epicText: string;
  /** The task file's text, in the directory layout. */
  readonly taskText?: string;
  readonly prd?: { readonly prd: Prd; readonly text: string };
  readonly analysis: EpicAnalysis;
}

/** Each part of the prompt is cut at this many characters: a prompt is read whole, and a PRD can be long. */
export const MAX_PART = 4_000;

/**
 * Above this many characters the prompt goes to a terminal or the clipboard rather than
 * a `vscode://` link: operating systems and browsers cap the length of an address they
 * hand to an application (Windows at about 32,000 characters, with each non-ASCII
 * character taking up to nine once encoded).
 */
export const MAX_URI_PROMPT = 8_000;

/** PRD sections a task is built against, by the kinds the PRD parser gives them. */
const PRD_KINDS = ['requirements', 'success', 'stories'];

/** Epic sections that say how to build it. */
const EPIC_SECTIONS = /^(overview|summary|technical|architecture|approach|implementation|design)/i;

function cut(text: string, max = MAX_PART): string {
  const trimmed = text.trim();
  if (trimmed.length <= max) return trimmed;
  const head = trimmed.slice(0, max);
  const end = head.lastIndexOf('\n') > max * 0.6 ? head.lastIndexOf('\n') : max;
  return `${head.slice(0, end).trimEnd()}\n[… cut: ${trimmed.length - end} more characters in the file]`;
}

function lines(text: string): string[] {
  return text.replace(/^\uFEFF/, '').split(/\r?\n/);
}

/** Text without a leading YAML frontmatter block. */
function withoutFrontmatter(text: string): string {
  const all = lines(text);
  if (all[0]?.trim() !== '---') return all.join('\n');
  const close = all.findIndex((line, i) => i > 0 && /^(---|\.\.\.)\s*$/.test(line));
  return close < 0 ? '' : all.slice(close + 1).join('\n');
}

/** `## Heading` sections of a markdown text whose heading matches, with their bodies. */
function sectionsMatching(text: string, pattern: RegExp): Array<{ heading: string; body: string }> {
  const all = lines(withoutFrontmatter(text));
  const found: Array<{ heading: string; body: string }> = [];
  let fence = false;
  for (let i = 0; i < all.length; i++) {
    if (/^\s*(```|~~~)/.test(all[i])) fence = !fence;
    const m = fence ? null : /^##\s+(.+?)\s*#*\s*$/.exec(all[i]);
    if (!m || !pattern.test(m[1])) continue;
    let end = i + 1;
    let inner = false;
    while (end < all.length) {
      if (/^\s*(```|~~~)/.test(all[end])) inner = !inner;
      if (!inner && /^#{1,2}\s/.test(all[end])) break;
      end++;
    }
    const body = all.slice(i + 1, end).join('\n').trim();
    if (body !== '') found.push({ heading: m[1], body });
  }
  return found;
}

/** What the plan says of the task itself: its file's body, or its line and the lines under it. */
export function taskBody(input: Pick<HandoffInput, 'epic' | 'task' | 'epicText' | 'taskText'>): string {
  const { epic, task } = input;
  if (epic.layout === 'taskmaster') return taskMasterBody(input.epicText, epic.id, task.id);
  if (epic.layout === 'directory' || task.path !== epic.path) {
    const body = withoutFrontmatter(input.taskText ?? '');
    // The title is said apart; the heading repeating it is left out.
    return lines(body)
      .filter((line, i, all) => !(i === all.findIndex((l) => l.trim() !== '') && /^#\s/.test(line)))
      // Its headings go one level down, under the prompt's own "## The task".
      .map((line) => (/^#{1,5}\s/.test(line) ? `#${line}` : line))
      .join('\n')
      .trim();
  }
  const all = lines(input.epicText);
  const start = task.range.line;
  const next = epic.tasks.filter((t) => t.path === task.path && t.range.line > start).map((t) => t.range.line);
  let end = start + 1;
  const stop = Math.min(...next, all.length);
  // The task's own lines are those indented under it, up to a blank line followed by something that is not.
  while (end < stop && !/^#{1,6}\s/.test(all[end]) && (all[end].trim() === '' || /^\s+\S/.test(all[end]))) end++;
  return all
    .slice(start, end)
    .join('\n')
    .trim();
}

/** A Task Master task's own words: its description, details and test strategy, from the JSON. */
function taskMasterBody(text: string, tag: string, taskId: string): string {
  const { root } = readTaskMasterJson(stripBom(text));
  const tasks = root && taskMasterTags(root).find((t) => t.name === tag)?.tasks;
  const found = taskMasterTaskNodes(tasks).find((t) => t.id === taskId);
  if (!found) return '';
  const field = (key: string) => {
    const value = valueOf(found.props.get(key));
    return value?.type === 'string' ? String(value.value).trim() : '';
  };
  return [
    ['', field('description')],
    ['### Details\n\n', field('details')],
    ['### Test strategy\n\n', field('testStrategy')],
  ]
    .filter(([, value]) => value !== '')
    .map(([heading, value]) => heading + value)
    .join('\n\n');
}

export function handoffPrompt(input: HandoffInput): string {
  const { epic, task, analysis, prd } = input;
  const parts: string[] = [];
  const facts = [
    task.issue !== undefined ? `GitHub issue #${task.issue}` : undefined,
    task.estimate ? `estimate ${task.estimate}` : undefined,
    task.priority ? `priority ${task.priority}` : undefined,
  ].filter((f): f is string => f !== undefined);
  parts.push(`Implement task ${taskLabelId(task)} of the epic "${epic.title || epic.id}": ${task.title || taskLabelId(task)}${facts.length > 0 ? ` (${facts.join(', ')})` : ''}.`);

  const body = taskBody(input);
  if (body !== '') parts.push(`## The task\n\n${cut(body)}`);

  const done = task.dependsOn
    .map((id) => analysis.tasks.get(id)?.task)
    .filter((t): t is Task => t !== undefined && t.state === 'done')
    .map((t) => `- ${taskLabel(t)}`);
  if (done.length > 0) parts.push(`## Already done, which this builds on\n\n${done.join('\n')}`);

  for (const section of sectionsMatching(input.epicText, EPIC_SECTIONS)) parts.push(`## From the epic: ${section.heading}\n\n${cut(section.body)}`);

  if (prd) {
    const all = lines(prd.text);
    for (const section of prd.prd.sections.filter((s) => s.depth === 2 && s.kind !== undefined && PRD_KINDS.includes(s.kind))) {
      const text = all.slice(section.range.line + 1, section.range.endLine + 1).join('\n').trim();
      if (text !== '') parts.push(`## From the PRD (${prd.prd.title || prd.prd.id}): ${section.heading}\n\n${cut(text)}`);
    }
  }

  const where = epic.layout === 'directory' ? task.path : epic.layout === 'taskmaster' ? `${task.path}, its \`status\` in the tag "${epic.id}"` : `${task.path}, on the task's line`;
  parts.push(
    [
      '## When it is done',
      '',
      '- Keep to what the task asks; note anything else it needs rather than building it.',
      '- Add or update tests for the change and run them.',
      `- Mark the task done in ${where}${task.issue !== undefined ? `, and mention #${task.issue} in the commit message` : ''}.`,
    ].join('\n'),
  );
  return `${parts.join('\n\n')}\n`;
}

/** The address that opens Claude Code's panel with the prompt filled in. */
export function claudeCodeUri(scheme: string, prompt: string): string {
  return `${scheme}://anthropic.claude-code/open?prompt=${encodeURIComponent(prompt)}`;
}
