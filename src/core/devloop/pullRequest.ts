/**
 * The pull request Create Pull Request for Epic offers once an epic's tasks are done: the
 * epic's title, and a description a reviewer can read without opening the plan (what the
 * epic is for, what changed, group by group, which tasks it finishes, the test figures a
 * test task recorded) that closes the issue of every task done when it is merged. Pure: the caller
 * reads the files and opens the pull request.
 */
import type { EpicAnalysis } from '../analysis';
import { analyzeEpic } from '../analysis';
import type { ReadText } from '../edits';
import type { Epic, Task, TaskDisplayState } from '../model';
import { issueNumberFrom } from '../parse/common';
import { escapeMarkdown } from '../reportMarkdown';
import { GITHUB_LIMITS } from '../sync/limits';
import { epicOverview, taskText } from '../sync/planText';
import { taskLabelId } from '../taskText';

export interface PullRequestInput {
  readonly epic: Epic;
  /** The epic's analysis, when the caller has it already. */
  readonly analysis?: EpicAnalysis;
  /** A plan file's text, or undefined when it cannot be read. */
  readonly read: (path: string) => string | undefined;
  /** The PRD the epic is based on, when it was found; `url` links it (a blob URL on the branch). */
  readonly prd?: { readonly title: string; readonly url?: string };
  /** GitHub's limit unless told otherwise (a GitHub Enterprise server may differ). */
  readonly maxLength?: number;
}

export interface PendingTask {
  readonly task: Task;
  readonly display: Exclude<TaskDisplayState, 'done'>;
}

export interface PullRequestDraft {
  /** Plain text: GitHub shows a title as written. */
  readonly title: string;
  /** GitHub-flavoured markdown, LF line breaks, at most `maxLength` characters. */
  readonly body: string;
  /** The issues the body closes, in plan order. */
  readonly closes: readonly number[];
  /** The epic's tasks that are not done, in plan order. */
  readonly pending: readonly PendingTask[];
}

export interface PullRequestReadiness {
  /** Whether the epic has tasks and all of them are done. */
  readonly ready: boolean;
  readonly pending: readonly PendingTask[];
  /** Why it is not ready, in a sentence, naming the tasks that are not done. */
  readonly warning?: string;
}

/** `1 task`, `1,500 tasks`. */
const count = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** The most unfinished tasks a warning names; the rest are counted. */
const NAMED_PENDING = 5;

const DISPLAY_WORDS: Readonly<Record<PendingTask['display'], string>> = { 'in-progress': 'in progress', ready: 'ready', blocked: 'blocked' };

function pendingTasks(epic: Epic, analysis: EpicAnalysis): PendingTask[] {
  return epic.tasks
    .filter((task) => task.state !== 'done')
    .map((task) => {
      const state = analysis.tasks.get(task.id);
      // A task whose id another task took first is not scheduled (validation reports the
      // duplicate), so it cannot be called ready.
      const display = state?.task === task ? state.display : task.state === 'in-progress' ? 'in-progress' : 'blocked';
      // Only a done task shows as done, and those are not pending: this narrows the type.
      return { task, display: display === 'done' ? 'ready' : display };
    });
}

export function pullRequestReadiness(epic: Epic, analysis: EpicAnalysis = analyzeEpic(epic)): PullRequestReadiness {
  const name = `"${epic.title.trim() || epic.id}"`;
  if (epic.tasks.length === 0) return { ready: false, pending: [], warning: `The epic ${name} has no tasks.` };
  const pending = pendingTasks(epic, analysis);
  if (pending.length === 0) return { ready: true, pending };
  const named = pending.slice(0, NAMED_PENDING).map((p) => `${taskLabelId(p.task)} (${DISPLAY_WORDS[p.display]})`);
  const more = pending.length - named.length;
  const list = more > 0 ? `${named.join(', ')} and ${more} more` : named.join(', ');
  const verb = pending.length === 1 ? 'is' : 'are';
  return { ready: false, pending, warning: `${pending.length} of ${count(epic.tasks.length, 'task')} of ${name} ${verb} not done: ${list}.` };
}

/**
 * A title as plain text: links by their text, emphasis and code spans by what they hold.
 * An underscore inside a word (`snake_case`) is no emphasis and stays.
 */
function plainTitle(title: string): string {
  return title
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`+([^`]+?)`+/g, '$1')
    .replace(/(\*\*|\*|~~)(?=\S)(.+?)(?<=\S)\1/g, '$2')
    .replace(/(?<!\w)(__|_)(?=\S)(.+?)(?<=\S)\1(?!\w)/g, '$2')
    .replace(/\\([!-/:-@[-`{-~])/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The epic's own issue, from its `github` field (a URL or a number); a pull request there is no issue. */
function epicIssueOf(epic: Epic): number | undefined {
  return /\/pull\/\d+\s*$/.test(epic.github ?? '') ? undefined : issueNumberFrom(epic.github);
}

/** A task's title for a line of the body; an empty task file has none, which is said rather than left blank. */
function titleText(task: Task): string {
  return task.title.trim() === '' ? '(no title)' : escapeMarkdown(task.title.trim());
}

const issueSuffix = (task: Task) => (task.issue !== undefined ? ` (#${task.issue})` : '');

/** `- Title (#12)`, for the changes; a task without a title is named by its id. */
function changeLine(task: Task): string {
  return `- ${task.title.trim() === '' ? `Task ${taskLabelId(task)} ` : ''}${titleText(task)}${issueSuffix(task)}`;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const ATX = /^( {0,3})(#{1,6})(?=[ \t]|$)/;
const SETEXT = /^ {0,3}(=+|-+)[ \t]*$/;

/**
 * For each line, whether it is code (a fence, or inside one) and the fence still open after
 * it: a `#` in a mermaid or shell block is no heading, and a cut inside a block must close it.
 */
function fencesOf(lines: readonly string[]): { code: boolean[]; openAfter: Array<string | undefined> } {
  const code: boolean[] = [];
  const openAfter: Array<string | undefined> = [];
  let open: string | undefined;
  for (const line of lines) {
    const match = FENCE.exec(line);
    if (open !== undefined) {
      code.push(true);
      if (match && match[1][0] === open[0] && match[1].length >= open.length && line.trim() === match[1]) open = undefined;
    } else {
      code.push(match !== null);
      if (match) open = match[1];
    }
    openAfter.push(open);
  }
  return { code, openAfter };
}

const BREAK = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;

/** Whether a line can be part of a paragraph that an `===` or `---` line underlines. */
function paragraphLine(line: string): boolean {
  return line.trim() !== '' && !ATX.test(line) && !SETEXT.test(line) && !BREAK.test(line) && !/^\s*([-*+>|]|\d+[.)])(\s|$)/.test(line) && !/^ {4}/.test(line);
}

/**
 * The overview's headings moved down so that the shallowest is a `###`: under the body's
 * own `## Summary`, none of them reads as a section of the pull request. A setext heading
 * (a paragraph underlined with `===` or `---`) becomes a `#` heading of its new depth.
 */
function demoteHeadings(text: string): string {
  const lines = text.split('\n');
  const { code } = fencesOf(lines);
  const headings: Array<{ from: number; to: number; depth: number }> = [];
  for (let i = 0; i < lines.length; i++) {
    if (code[i]) continue;
    const atx = ATX.exec(lines[i]);
    if (atx) {
      headings.push({ from: i, to: i, depth: atx[2].length });
      continue;
    }
    const setext = SETEXT.exec(lines[i]);
    if (!setext || i === 0 || code[i - 1] || !paragraphLine(lines[i - 1])) continue;
    let from = i - 1;
    while (from > 0 && !code[from - 1] && paragraphLine(lines[from - 1])) from--;
    // A paragraph that goes on from a list item or a quote is theirs, and the line under it a rule.
    const before = lines[from - 1];
    if (before !== undefined && before.trim() !== '' && !code[from - 1] && !ATX.test(before) && !SETEXT.test(before) && !BREAK.test(before)) continue;
    headings.push({ from, to: i, depth: setext[1][0] === '=' ? 1 : 2 });
  }
  const shift = Math.max(0, 3 - Math.min(3, ...headings.map((h) => h.depth)));
  if (shift === 0) return text;
  const starting = new Map(headings.map((h) => [h.from, h]));
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const heading = starting.get(i);
    if (!heading) {
      out.push(lines[i]);
      continue;
    }
    const marks = '#'.repeat(Math.min(6, heading.depth + shift));
    if (heading.from === heading.to) out.push(lines[i].replace(ATX, (_, indent: string) => `${indent}${marks}`));
    else out.push(`${marks} ${lines.slice(heading.from, heading.to).map((l) => l.trim()).join(' ')}`);
    i = heading.to;
  }
  return out.join('\n');
}

/** A test task, by its title or its group: the one whose body may hold the test run's figures. */
const TEST_TASK = /\b(tests?|testing|qa)\b/i;

/**
 * Lines that report a test run, once list markers, check boxes and emphasis are set aside:
 * `Tests: 212 passed, 0 failed`, `Coverage: 87.5%`, `coverage 91 %`, `212 tests passing`.
 * A figure comes straight after its word, so that a target (`Coverage > 80%`) or a step
 * (`Test the login flow`) is not taken for a result.
 */
const FIGURES = [
  /^(?:(?:unit|integration|e2e|end-to-end|api|ui)\s+)?tests?(?:\s+results?|\s+run)?\s*[:=]?\s*\d[\d,]*(?:\s*(?:\/|of)\s*\d[\d,]*)?\s+(?:tests?\s+)?(?:passed|passing|pass|failed|failing|fail)\b/i,
  /^(?:(?:line|branch|statement|function|code|test)\s+)?coverage\s*[:=]?\s*\d+(?:[.,]\d+)?\s*%/i,
  /^\d[\d,]*\s+(?:(?:unit|integration|e2e)\s+)?(?:tests?\s+|specs?\s+)?(?:passed|passing)\b/i,
];

/** The figure lines of a task's text, each as written less its list marker and check box. */
function figuresIn(text: string): string[] {
  const found: string[] = [];
  for (const line of text.split('\n')) {
    const quoted = line.replace(/^\s*(?:>\s*)*(?:(?:[-*+]|\d+[.)])\s+)?(?:\[[ xX]\]\s+)?/, '').trim();
    const bare = quoted.replace(/[*_`]/g, '');
    if (FIGURES.some((pattern) => pattern.test(bare))) found.push(quoted);
  }
  return found;
}

/** One section of the body, and how to make it shorter when the body is too long. */
interface Part {
  text: string;
  /** A text of at most `budget` characters ('' to leave the section out), and what that leaves out, in words. */
  readonly shorten: (budget: number) => { readonly text: string; readonly said: string };
}

/**
 * The most of `items` (one at least) that fits in `budget` characters, joined by
 * `separator` between `head` and the tail said of those left out; undefined when not one does.
 */
function longestFit(head: string, items: readonly string[], separator: string, budget: number, tail: (left: number, kept: number) => string): { text: string; kept: number } | undefined {
  let length = head.length;
  let best: number | undefined;
  for (let kept = 1; kept <= items.length; kept++) {
    length += items[kept - 1].length + (kept > 1 ? separator.length : 0);
    if (length > budget) break;
    if (length + tail(items.length - kept, kept).length <= budget) best = kept;
  }
  if (best === undefined) return undefined;
  return { text: head + items.slice(0, best).join(separator) + tail(items.length - best, best), kept: best };
}

function join(blocks: readonly string[]): string {
  const kept = blocks.filter((b) => b !== '');
  return kept.length === 0 ? '' : `${kept.join('\n\n')}\n`;
}

function summaryPart(epic: Epic, read: ReadText, prd: PullRequestInput['prd']): Part {
  const lines = demoteHeadings(epicOverview(epic, read).trimEnd()).split('\n');
  const overview = lines.join('\n').trim() === '' ? [] : lines;
  const written = epic.prd?.trim();
  const prdLine =
    prd && prd.title.trim() !== ''
      ? `PRD: ${prd.url ? `[${escapeMarkdown(prd.title.trim())}](${prd.url.replace(/[()\s]/g, encodeURIComponent)})` : escapeMarkdown(prd.title.trim())}${written && written !== prd.title.trim() ? ` (${escapeMarkdown(written)})` : ''}`
      : written
        ? `PRD: ${escapeMarkdown(written)}`
        : undefined;
  const head = '## Summary\n\n';
  const prdTail = prdLine !== undefined ? `\n\n${prdLine}` : '';
  const blocks = [overview.join('\n'), prdLine ?? ''].filter((b) => b !== '');
  const text = blocks.length === 0 ? '' : head + blocks.join('\n\n');
  const { openAfter } = fencesOf(overview);
  return {
    text,
    shorten: (budget) => {
      const cut = longestFit(head, overview, '\n', budget, (_, kept) => `${openAfter[kept - 1] !== undefined ? `\n${openAfter[kept - 1]}` : ''}\n\n…${prdTail}`);
      if (cut) return { text: cut.text, said: 'the summary is cut' };
      const bare = prdLine !== undefined ? `${head}${prdLine}` : '';
      return bare !== '' && bare.length <= budget ? { text: bare, said: "the epic's overview is left out" } : { text: '', said: 'the summary is left out' };
    },
  };
}

function changesPart(epic: Epic): Part {
  const named = new Map<string, Task[]>();
  for (const group of epic.groups) if (!named.has(group.name)) named.set(group.name, []);
  // Tasks under no group go with a group the plan itself calls Other, rather than under a second heading of that name.
  const other = [...named.keys()].find((name) => /^other$/i.test(name.trim()));
  const ungrouped: Task[] = other !== undefined ? named.get(other)! : [];
  for (const task of epic.tasks) (task.group !== undefined && named.has(task.group) ? named.get(task.group)! : ungrouped).push(task);
  const blocks = [...named].filter(([, tasks]) => tasks.length > 0).map(([name, tasks]) => ({ heading: escapeMarkdown(name), tasks }));
  if (other === undefined && ungrouped.length > 0) blocks.push({ heading: blocks.length > 0 ? 'Other' : '', tasks: ungrouped });
  // One item per task, its group's heading before the first, so that a cut never leaves a heading with nothing under it.
  const items = blocks.flatMap(({ heading, tasks }, b) =>
    tasks.map((task, i) => `${i === 0 && heading !== '' ? `${b > 0 ? '\n' : ''}### ${heading}\n\n` : ''}${changeLine(task)}`),
  );
  const head = '## Changes\n\n';
  return {
    text: items.length === 0 ? '' : head + items.join('\n'),
    shorten: (budget) => {
      const cut = longestFit(head, items, '\n', budget, (left) => `\n\n_… and ${count(left, 'more task')}._`);
      return cut ? { text: cut.text, said: `the changes leave out ${count(items.length - cut.kept, 'task')}` } : { text: '', said: 'the changes are left out' };
    },
  };
}

function tasksPart(epic: Epic): Part {
  const items = epic.tasks.map((task) => {
    const id = taskLabelId(task);
    // A task named after its issue (`#43`) says its number already.
    const issue = id === `#${task.issue}` ? '' : issueSuffix(task);
    return `- [${task.state === 'done' ? 'x' : ' '}] ${id} ${titleText(task)}${issue}`;
  });
  const head = '## Tasks\n\n';
  return {
    text: items.length === 0 ? '' : head + items.join('\n'),
    shorten: (budget) => {
      const cut = longestFit(head, items, '\n', budget, (left) => `\n\n_… and ${count(left, 'more task')}._`);
      return cut ? { text: cut.text, said: `the task list leaves out ${count(items.length - cut.kept, 'task')}` } : { text: '', said: 'the task list is left out' };
    },
  };
}

function testsPart(epic: Epic, read: ReadText): Part {
  const blocks: string[] = [];
  for (const task of epic.tasks) {
    if (!TEST_TASK.test(task.title) && !TEST_TASK.test(task.group ?? '')) continue;
    const figures = figuresIn(taskText(epic, task, read));
    if (figures.length === 0) continue;
    const id = taskLabelId(task);
    blocks.push(`From ${id} ${titleText(task)}${id === `#${task.issue}` ? '' : issueSuffix(task)}:\n\n${figures.map((f) => `- ${f}`).join('\n')}`);
  }
  return {
    text: blocks.length === 0 ? '' : `## Tests\n\n${blocks.join('\n\n')}`,
    // A few lines at most: kept whole or left out, never cut in the middle of a task's figures.
    shorten: () => ({ text: '', said: 'the test figures are left out' }),
  };
}

export function pullRequestFor(input: PullRequestInput): PullRequestDraft {
  const { epic } = input;
  const analysis = input.analysis ?? analyzeEpic(epic);
  const max = input.maxLength ?? GITHUB_LIMITS.bodyLength;
  const read: ReadText = (path) => input.read(path) ?? '';

  const epicIssue = epicIssueOf(epic);
  // The epic's issue stays open: it is closed when the epic is, not by one pull request.
  // A task not done keeps its issue open: a pull request made before the epic is finished
  // must not close work that is still to do when it is merged.
  const open = new Set(epic.tasks.filter((t) => t.state !== 'done').map((t) => t.issue));
  const issues = [...new Set(epic.tasks.map((t) => t.issue).filter((n): n is number => n !== undefined && n !== epicIssue && !open.has(n)))];
  // GitHub links only the issue straight after a closing keyword: `Closes #1, #2` would
  // close #1 alone, so each issue gets its own ("Linking a pull request to an issue", docs.github.com).
  const closing = issues.map((n, i) => `${i === 0 ? 'Closes' : 'closes'} #${n}`);
  const partOf = epicIssue !== undefined ? `Part of #${epicIssue}` : '';
  let closes: readonly number[] = issues;
  const closingPart: Part = {
    text: [partOf, closing.join(', ')].filter((b) => b !== '').join('\n\n'),
    // Only when the closing line alone is longer than the limit, an epic of thousands of tasks.
    shorten: (budget) => {
      const cut = longestFit(partOf !== '' ? `${partOf}\n\n` : '', closing, ', ', budget, () => '');
      closes = issues.slice(0, cut?.kept ?? 0);
      return { text: cut?.text ?? '', said: `the closing line leaves out ${count(issues.length - closes.length, 'issue')}` };
    },
  };

  const summary = summaryPart(epic, read, input.prd);
  const changes = changesPart(epic);
  const tasks = tasksPart(epic);
  const tests = testsPart(epic, read);
  const inOrder = [summary, changes, tasks, tests, closingPart];
  const full = inOrder.map((p) => p.text);
  let body = join(full);

  if (body.length > max) {
    // The changes repeat the task list, so they go first; the closing line, which is what
    // merging the pull request acts on, goes last. The note saying what was left out takes
    // room too: the first pass leaves none for it, the next as much as it turned out to need.
    let reserve = 0;
    for (;;) {
      for (const [i, part] of inOrder.entries()) part.text = full[i];
      closes = issues;
      const said: string[] = [];
      for (const part of [changes, summary, tasks, tests, closingPart]) {
        const over = join(inOrder.map((p) => p.text)).length + reserve - max;
        if (over <= 0) break;
        if (part.text === '') continue;
        const cut = part.shorten(Math.max(0, part.text.length - over));
        part.text = cut.text;
        said.push(cut.said);
      }
      const list = said.length > 1 ? `${said.slice(0, -1).join(', ')} and ${said.at(-1)}` : said[0];
      const note = `_Shortened to fit GitHub's limit of ${count(max, 'character')}: ${list}; the epic's plan files have it all._`;
      body = join([...inOrder.map((p) => p.text), note]);
      if (body.length <= max || reserve >= note.length + 2) break;
      reserve = note.length + 2;
    }
  }

  return { title: plainTitle(epic.title) || epic.id, body, closes, pending: pendingTasks(epic, analysis) };
}
