/**
 * Existing issues turned into a new epic: the files to write in the workspace's layout
 * and what the sync state records of each issue. Pure: the engine (importEngine.ts)
 * reads the tracker and the workspace, this decides the text.
 *
 * What it keeps to:
 * - The result reads back through the plan's own parsers into exactly the tasks (ids,
 *   titles, states, issue numbers) and dependency edges imported, and the new files
 *   are checked that way before they are handed out: a body that would read back as
 *   extra tasks, milestones or dependencies is written where the parser cannot see
 *   into it, and a plan that still does not read back is refused.
 * - Each issue's body goes into the plan so that the text a sync pushes (the task's
 *   text, its dependencies, the marker: see desired.ts) is the issue's own text with
 *   only AutoPM's additions. When the plan holds the body exactly, the issue is recorded
 *   with the hash of its current text, which lets the next sync add the marker without
 *   asking; when the layout cannot hold it exactly, it is recorded as already in step
 *   with the plan, so that no sync rewrites it until the task is edited in the plan.
 * - Single-file layout: `- [x] **Task 3:** Title (#12)` lines, the body indented under
 *   each, the dependencies as a mermaid graph (a `**Depends on:**` bullet would become
 *   part of the task's text, and so of its issue's body). Directory layout: one
 *   `<number>.md` per issue, `depends_on` listing issue numbers, the epic's checklist.
 */
import type { FileCreate } from '../edits';
import { formatYamlValue, PlanEditError } from '../edits';
import type { Epic, WrittenLayout } from '../model';
import type { BodyForm, OverviewForm } from '../newEpic';
import { headingTitle, newEpicLocation, overviewBody, parseNewEpic, readerOf, SINGLE_FILE_FORMS, singleFileBody } from '../newEpic';
import { percentOf } from '../progress';
import { joinPath } from '../text';
import { contentHash, desiredEpic } from './desired';
import { stableKey } from './marker';
import { epicOverview, taskText } from './planText';
import type { SyncedIssue } from './syncState';

// The import engine names these from here: where an imported epic goes is where any new epic goes.
export { newEpicFolder as importFolder, newEpicLocation } from '../newEpic';
export type { NewEpicFolderInput as ImportFolderInput } from '../newEpic';

/** An issue as the import reads it from the tracker. */
export interface ImportIssue {
  readonly id: number;
  readonly number: number;
  readonly title: string;
  readonly body: string;
  readonly state: 'open' | 'closed';
  readonly stateReason?: string | null;
  readonly updatedAt: string;
  readonly url: string;
}

export interface ImportPlanInput {
  readonly layout: WrittenLayout;
  /** The folder the epic goes in: `epics` for a single file, `.claude/epics` for a folder. */
  readonly folder: string;
  /** The names already in that folder, files and folders. */
  readonly names: ReadonlySet<string>;
  /** Epic ids the workspace uses already: its epics', and those the sync state has keys for. */
  readonly takenIds: ReadonlySet<string>;
  /** The epic's title; the epic issue's title when there is one. */
  readonly title: string;
  /** The issue that stands for the epic (its sub-issues are the tasks), when there is one. */
  readonly epicIssue?: ImportIssue;
  /**
   * The tasks' issues, in the order wanted (an epic issue's sub-issue order). The
   * directory layout orders tasks by their file's number, so there they go by issue number.
   */
  readonly issues: readonly ImportIssue[];
  /** The issues blocking each issue, by number: the dependencies. */
  readonly blockedBy: ReadonlyMap<number, readonly number[]>;
  /** ISO time for the `created` and `updated` fields of the directory layout. */
  readonly now: string;
}

export interface ImportedTask {
  readonly taskId: string;
  readonly number: number;
  /** The stable key its issue is recorded under, as a sync of the epic would name it. */
  readonly key: string;
  readonly title: string;
  readonly state: 'open' | 'done';
  /** The ids of the tasks it depends on, in plan order. */
  readonly dependsOn: readonly string[];
  /** Where the task is written. */
  readonly path: string;
  /** Whether the plan holds the issue's title and body exactly (see the file comment). */
  readonly exact: boolean;
}

export interface ExternalBlocker {
  readonly number: number;
  /** An issue outside the imported ones that blocks it: not a task of the epic, so no dependency in the plan. */
  readonly blockedBy: number;
}

export interface ImportPlan {
  readonly epicId: string;
  readonly layout: WrittenLayout;
  /** The epic's file: the single epic file, or `epic.md`. */
  readonly epicPath: string;
  readonly files: readonly FileCreate[];
  readonly tasks: readonly ImportedTask[];
  /** Whether the plan holds the epic issue's title and overview exactly; undefined without an epic issue. */
  readonly epicExact?: boolean;
  /** What the sync state records of each imported issue, by number. */
  readonly records: ReadonlyMap<number, SyncedIssue>;
  readonly external: readonly ExternalBlocker[];
  /** Things worth telling the person who imported, in words. */
  readonly notes: readonly string[];
}

// ---------------------------------------------------------------------------------
// Bodies as the plan holds them

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const ANY_MARKER = /<!--[ \t\r\n]*autopm:(?:epic|task)[ \t\r\n]+[^\s<>]+?[ \t\r\n]*-->/gi;

/** A body's lines as the plan compares them: LF, no trailing white space at the end, blank lines empty. */
function bodyLines(body: string): string[] {
  const text = body.replace(/\r\n?/g, '\n').trimEnd();
  return text === '' ? [] : text.split('\n').map((l) => (l.trim() === '' ? '' : l));
}

function trimBlankEnds(lines: readonly string[]): string[] {
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start] === '') start++;
  while (end > start && lines[end - 1] === '') end--;
  return lines.slice(start, end);
}

/** Whether each line is inside a fenced code block (or is one of its fences). */
function fenced(lines: readonly string[]): boolean[] {
  const out: boolean[] = [];
  let fence: string | undefined;
  for (const line of lines) {
    const match = FENCE.exec(line);
    if (fence !== undefined) {
      out.push(true);
      if (match && match[1][0] === fence[0] && match[1].length >= fence.length && line.trim() === match[1]) fence = undefined;
      continue;
    }
    out.push(match !== null);
    if (match) fence = match[1];
  }
  return out;
}

/** Removes lines, and a blank line left doubled where one was removed between two blank lines. */
function withoutLines(lines: readonly string[], drop: ReadonlySet<number>): string[] {
  const out: string[] = [];
  lines.forEach((line, i) => {
    if (drop.has(i)) return;
    if (line === '' && out.at(-1) === '') return;
    out.push(line);
  });
  return trimBlankEnds(out);
}

/**
 * What AutoPM itself put in a body, which a sync writes again: its markers (another
 * epic's, when the issue was synced from elsewhere), and a task's `**Depends on:** #12,
 * #14` line when every issue it names is a dependency the plan keeps (the sync writes
 * that line from the plan). Anything else stays, a dependency line of other issues too.
 */
function cleanTaskBody(body: string, blockers: ReadonlySet<number>): string[] {
  const lines = bodyLines(body.replace(ANY_MARKER, ''));
  const inFence = fenced(lines);
  const drop = new Set<number>();
  lines.forEach((line, i) => {
    if (inFence[i]) return;
    const match = /^\*\*Depends on:\*\*\s+(#\d+(?:\s*,\s*#\d+)*)\s*$/.exec(line);
    if (match && match[1].split(',').every((ref) => blockers.has(Number(ref.trim().slice(1))))) drop.add(i);
  });
  return withoutLines(lines, drop);
}

/** An epic issue's body without AutoPM's markers, nor the `## Tasks` list of `- [ ] #12 Title` lines a sync writes anew. */
function cleanEpicBody(body: string): string[] {
  const lines = bodyLines(body.replace(ANY_MARKER, ''));
  const inFence = fenced(lines);
  const drop = new Set<number>();
  for (let i = 0; i < lines.length; i++) {
    if (inFence[i] || !/^ {0,3}##[ \t]+Tasks[ \t]*$/i.test(lines[i])) continue;
    let end = i + 1;
    while (end < lines.length && !(!inFence[end] && /^ {0,3}#{1,2}[ \t]/.test(lines[end]))) end++;
    const section = lines.slice(i + 1, end).filter((l) => l !== '');
    if (section.length > 0 && section.every((l) => /^[-*+] \[[ xX]\] #\d+\b/.test(l))) for (let l = i; l < end; l++) drop.add(l);
  }
  return withoutLines(lines, drop);
}

// ---------------------------------------------------------------------------------
// Writing

interface Draft {
  readonly number: number;
  readonly taskId: string;
  readonly title: string;
  readonly done: boolean;
  readonly url: string;
  readonly body: readonly string[];
  readonly dependsOn: readonly string[];
}

function epicStatus(layout: WrittenLayout, epicClosed: boolean | undefined, tasks: readonly Draft[]): string {
  const done = tasks.filter((t) => t.done).length;
  // With an epic issue its state decides, so that the next sync neither closes nor reopens it.
  const finished = epicClosed ?? (tasks.length > 0 && done === tasks.length);
  const state = finished ? 'done' : done > 0 ? 'in-progress' : 'not-started';
  if (layout === 'single-file') return state === 'done' ? 'Completed' : state === 'in-progress' ? 'In Progress' : 'Planning';
  return state === 'done' ? 'completed' : state === 'in-progress' ? 'in-progress' : 'backlog';
}

function taskLine(task: Draft): string {
  return `- [${task.done ? 'x' : ' '}] **Task ${task.taskId.slice(1)}:** ${task.title} (#${task.number})`;
}

interface SingleFileDoc {
  readonly number: string;
  readonly title: string;
  readonly status: string;
  readonly epicUrl?: string;
  readonly overview: readonly string[];
  readonly tasks: ReadonlyArray<{ readonly draft: Draft; readonly form: BodyForm }>;
  readonly edges: ReadonlyArray<readonly [string, string]>;
}

function singleFileText(doc: SingleFileDoc): string {
  const out = [`# Epic ${doc.number}: ${headingTitle(doc.title)}`, '', `**Status:** ${doc.status}`];
  if (doc.epicUrl !== undefined) out.push(`**GitHub:** ${doc.epicUrl}`);
  if (doc.overview.length > 0) out.push('', '## Overview', '', ...doc.overview);
  out.push('', '## Tasks', '');
  doc.tasks.forEach(({ draft, form }, i) => {
    if (i > 0) out.push('');
    out.push(taskLine(draft), ...singleFileBody(draft.body, form));
  });
  if (doc.edges.length > 0) {
    out.push('', '## Dependencies', '', '```mermaid', 'graph TD', ...doc.edges.map(([from, to]) => `    ${from} --> ${to}`), '```');
  }
  return out.join('\n') + '\n';
}

function taskFileText(draft: Draft, now: string): string {
  const out = [
    '---',
    `name: ${formatYamlValue(draft.title)}`,
    `status: ${draft.done ? 'closed' : 'open'}`,
    `created: ${now}`,
    `updated: ${now}`,
    `github: ${formatYamlValue(draft.url)}`,
    `depends_on: ${formatYamlValue(draft.dependsOn.map(Number))}`,
    'parallel: true',
    'conflicts_with: []',
    '---',
    '',
    `# Task: ${headingTitle(draft.title)}`,
  ];
  if (draft.body.length > 0) out.push('', ...draft.body);
  return out.join('\n') + '\n';
}

interface EpicMdDoc {
  readonly epicId: string;
  readonly title: string;
  readonly status: string;
  readonly progress: number;
  readonly epicUrl?: string;
  readonly overview: readonly string[];
  readonly tasks: readonly Draft[];
  readonly now: string;
}

function epicMdText(doc: EpicMdDoc): string {
  const out = [
    '---',
    `name: ${formatYamlValue(doc.epicId)}`,
    `status: ${doc.status}`,
    `created: ${doc.now}`,
    `progress: ${doc.progress}%`,
    'prd:',
    doc.epicUrl === undefined ? 'github:' : `github: ${formatYamlValue(doc.epicUrl)}`,
    '---',
    '',
    `# Epic: ${headingTitle(doc.title)}`,
  ];
  if (doc.overview.length > 0) out.push('', '## Overview', '', ...doc.overview);
  out.push('', '## Tasks Created');
  for (const t of doc.tasks) out.push(`- [${t.done ? 'x' : ' '}] ${t.number}.md - ${t.title}`);
  return out.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------
// Reading back

interface Expected {
  readonly status: string;
  readonly github?: string;
  readonly tasks: readonly Draft[];
}

/**
 * What in the parsed epic differs from what was meant, in words; empty when it reads
 * back as meant. Titles are not among them: a title the layout cannot hold exactly only
 * makes its issue's text inexact (see `exact`).
 */
function structureProblems(epic: Epic, expected: Expected): string[] {
  const problems: string[] = [];
  if (epic.status !== expected.status) problems.push(`the epic's status reads back as ${String(epic.status)}`);
  if (epic.github !== expected.github) problems.push(`the epic's issue reads back as ${String(epic.github)}`);
  if (epic.milestones.length > 0) problems.push('the text reads back with milestones');
  if (epic.groups.length > 0) problems.push('the text reads back with task groups');
  if (epic.tasks.length !== expected.tasks.length) problems.push(`${epic.tasks.length} tasks read back instead of ${expected.tasks.length}`);
  expected.tasks.forEach((want, i) => {
    const got = epic.tasks[i];
    if (!got) return;
    const name = `task ${want.taskId} (#${want.number})`;
    if (got.id !== want.taskId) problems.push(`${name} reads back as ${got.id}`);
    if ((got.state === 'done') !== want.done) problems.push(`${name} reads back as ${got.state}`);
    if (got.issue !== want.number) problems.push(`${name} reads back linked to ${String(got.issue)}`);
    if (got.dependsOn.join(',') !== want.dependsOn.join(',')) problems.push(`${name} reads back depending on [${got.dependsOn.join(', ')}]`);
  });
  const edges = expected.tasks.reduce((n, t) => n + t.dependsOn.length, 0);
  if (epic.dependencies.length !== edges) problems.push(`${epic.dependencies.length} dependencies read back instead of ${edges}`);
  return problems;
}

// ---------------------------------------------------------------------------------

/** The new epic's files and records. Throws PlanEditError when the issues cannot be written so that they read back. */
export function planImport(input: ImportPlanInput): ImportPlan {
  const { layout } = input;
  const location = newEpicLocation(layout, input.folder, input.title, input.names, input.takenIds);
  const { epicId } = location;
  const notes: string[] = [];
  // The directory layout orders its tasks by file number, which is the issue number.
  const issues = layout === 'directory' ? [...input.issues].sort((a, b) => a.number - b.number) : input.issues;
  if (input.epicIssue && issues.some((issue, i) => issue !== input.issues[i])) {
    notes.push(`The directory layout orders tasks by issue number: a sync puts the sub-issues of #${input.epicIssue.number} in that order.`);
  }

  const seen = new Set<number>();
  for (const issue of issues) {
    if (seen.has(issue.number)) throw new PlanEditError(`#${issue.number} is listed twice among the issues to import.`);
    seen.add(issue.number);
  }
  if (input.epicIssue && seen.has(input.epicIssue.number)) throw new PlanEditError(`#${input.epicIssue.number} cannot be both the epic and one of its tasks.`);

  const taskIdOf = (i: number, issue: ImportIssue) => (layout === 'single-file' ? `T${i + 1}` : String(issue.number));
  const idByNumber = new Map(issues.map((issue, i) => [issue.number, taskIdOf(i, issue)] as const));
  const external: ExternalBlocker[] = [];
  const drafts: Draft[] = issues.map((issue, i) => {
    const blockers = input.blockedBy.get(issue.number) ?? [];
    const inEpic = new Set<number>();
    for (const b of blockers) {
      if (idByNumber.has(b) && b !== issue.number) inEpic.add(b);
      else if (b !== issue.number) external.push({ number: issue.number, blockedBy: b });
    }
    // In plan order, which is the order the sync's `**Depends on:**` line lists them in.
    const dependsOn = issues.filter((other) => inEpic.has(other.number)).map((other) => idByNumber.get(other.number)!);
    if (issue.state === 'closed' && issue.stateReason && issue.stateReason !== 'completed') {
      notes.push(`#${issue.number} was closed as ${issue.stateReason.replace(/_/g, ' ')}; it is a done task in the plan.`);
    }
    return {
      number: issue.number,
      taskId: taskIdOf(i, issue),
      title: issue.title.replace(/[\r\n]+/g, ' ').trim(),
      done: issue.state === 'closed',
      url: issue.url,
      body: cleanTaskBody(issue.body, inEpic),
      dependsOn,
    };
  });
  for (const e of external) notes.push(`#${e.number} is also blocked by #${e.blockedBy}, which is not part of this epic: the link stays on GitHub, and the plan does not name it.`);

  const epicTitle = input.title.replace(/[\r\n]+/g, ' ').trim() || epicId;
  const epicUrl = input.epicIssue?.url;
  const status = epicStatus(layout, input.epicIssue ? input.epicIssue.state === 'closed' : undefined, drafts);
  const overview = input.epicIssue ? cleanEpicBody(input.epicIssue.body) : [];
  const expected: Expected = { status, github: epicUrl, tasks: drafts };

  const files = new Map<string, string>();
  const build = (overviewForm: OverviewForm, forms: ReadonlyMap<string, BodyForm>): void => {
    files.clear();
    if (layout === 'single-file') {
      const number = /^epic-(\d{3})-/.exec(epicId)![1];
      const edges = drafts.flatMap((t) => t.dependsOn.map((from) => [from, t.taskId] as const));
      const tasks = drafts.map((draft) => ({ draft, form: forms.get(draft.taskId) ?? 'nested' }));
      files.set(location.path, singleFileText({ number, title: epicTitle, status, epicUrl, overview: overviewBody(overview, overviewForm), tasks, edges }));
      return;
    }
    const done = drafts.filter((t) => t.done).length;
    files.set(location.path, epicMdText({ epicId, title: epicTitle, status, progress: percentOf(done, drafts.length), epicUrl, overview: overviewBody(overview, overviewForm), tasks: drafts, now: input.now }));
    for (const draft of drafts) files.set(joinPath(location.dir!, `${draft.number}.md`), taskFileText(draft, input.now));
  };
  const textOf = (epic: Epic, taskId: string): string | undefined => {
    const task = epic.tasks.find((t) => t.id === taskId);
    return task ? taskText(epic, task, readerOf(files)) : undefined;
  };

  // Each single-file task's form, tried on its own: the first under which it reads back
  // exactly, else the first under which it at least reads back as itself (its text then
  // inexact). A task file holds any body as it is.
  const forms = new Map<string, BodyForm>();
  const exact = new Map<string, boolean>(drafts.map((d) => [d.taskId, true] as const));
  if (layout === 'single-file') {
    const number = /^epic-(\d{3})-/.exec(epicId)![1];
    for (const draft of drafts) {
      const alone: Expected = { ...expected, tasks: [{ ...draft, dependsOn: [] }] };
      let fallback: BodyForm | undefined;
      let found = false;
      for (const form of SINGLE_FILE_FORMS) {
        files.clear();
        files.set(location.path, singleFileText({ number, title: epicTitle, status, epicUrl, overview: [], tasks: [{ draft: alone.tasks[0], form }], edges: [] }));
        const epic = parseNewEpic(layout, location.path, files);
        if (structureProblems(epic, alone).length > 0) continue;
        fallback ??= form;
        if (textOf(epic, draft.taskId) === draft.body.join('\n')) {
          forms.set(draft.taskId, form);
          found = true;
          break;
        }
      }
      if (!found) {
        forms.set(draft.taskId, fallback ?? 'code');
        exact.set(draft.taskId, false);
      }
    }
  }

  // The overview, then the whole: it must read back exactly as meant, apart from the
  // texts already known to be inexact. The overview as plain markdown when it reads back
  // exactly, else as an indented code block, which the parser does not look into.
  const attempt = (form: OverviewForm) => {
    build(form, forms);
    const epic = parseNewEpic(layout, location.path, files);
    const problems = structureProblems(epic, expected);
    if (layout === 'directory' && epic.checklist.length !== drafts.length) problems.push(`the epic's checklist reads back with ${epic.checklist.length} lines`);
    return { form, epic, problems, overviewExact: epicOverview(epic, readerOf(files)) === overview.join('\n') };
  };
  const plain = attempt('plain');
  const chosen = plain.problems.length === 0 && plain.overviewExact ? plain : [attempt('code'), plain].find((a) => a.problems.length === 0);
  if (!chosen) throw new PlanEditError(`The issues cannot be written as an epic that reads back as imported: ${plain.problems.join('; ')}.`);
  // The files of the form chosen, whichever was built last.
  build(chosen.form, forms);
  const titleExact = input.epicIssue === undefined || (chosen.epic.title === input.epicIssue.title.trim() && epicTitle === input.epicIssue.title.trim());
  const epicExact = input.epicIssue ? chosen.overviewExact && titleExact : undefined;
  for (const draft of drafts) {
    const task = chosen.epic.tasks.find((t) => t.id === draft.taskId);
    if (task?.title !== draft.title || textOf(chosen.epic, draft.taskId) !== draft.body.join('\n')) exact.set(draft.taskId, false);
  }

  // ---- The records: as a sync of this epic would have left them.
  const epic = parseNewEpic(layout, location.path, files);
  const keys = new Map(drafts.map((d) => [d.taskId, stableKey(epicId, d.taskId)] as const));
  const numbers = new Map(drafts.map((d) => [keys.get(d.taskId)!, d.number] as const));
  if (input.epicIssue) numbers.set(stableKey(epicId), input.epicIssue.number);
  const desired = desiredEpic({ epic, read: readerOf(files), keyOf: (task) => keys.get(task.id), numberOf: (key) => numbers.get(key) });
  const records = new Map<number, SyncedIssue>();
  const record = (issue: ImportIssue, key: string, kind: 'epic' | 'task', isExact: boolean, desiredHash: string) => {
    // Exact: the hash of the text GitHub holds, as if the sync had pushed it, so the next
    // sync adds the marker without asking. Inexact: the hash of what the sync would
    // push, so that the issue's own text is never replaced by the plan's shorter one.
    const hash = isExact ? contentHash(issue.title, issue.body) : desiredHash;
    records.set(issue.number, { key, kind, id: issue.id, hash, state: issue.state, updatedAt: issue.updatedAt });
  };
  const tasks: ImportedTask[] = drafts.map((d, i) => {
    const key = keys.get(d.taskId)!;
    const isExact = exact.get(d.taskId) === true && d.title === issues[i].title.trim();
    const want = desired.tasks.find((t) => t.key === key)!;
    record(issues[i], key, 'task', isExact, want.hash);
    if (!isExact) notes.push(`The text of #${d.number} does not fit the plan exactly; a sync leaves its issue as it is until ${d.taskId} is edited in the plan.`);
    return {
      taskId: d.taskId,
      number: d.number,
      key,
      title: d.title,
      state: d.done ? 'done' : 'open',
      dependsOn: d.dependsOn,
      path: layout === 'single-file' ? location.path : joinPath(location.dir!, `${d.number}.md`),
      exact: isExact,
    };
  });
  if (input.epicIssue) {
    record(input.epicIssue, stableKey(epicId), 'epic', epicExact === true, desired.epic.hash);
    if (epicExact !== true) notes.push(`The text of the epic issue #${input.epicIssue.number} does not fit the plan exactly; a sync leaves it as it is until the epic is edited in the plan.`);
  }

  return {
    epicId,
    layout,
    epicPath: location.path,
    files: [...files].map(([path, text]) => ({ path, text })),
    tasks,
    ...(epicExact !== undefined ? { epicExact } : {}),
    records,
    external,
    notes,
  };
}
