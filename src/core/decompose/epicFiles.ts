/**
 * A checked plan (see checkPlan.ts) written as a new epic in the workspace's layout, with
 * the edit that links its PRD to it. Pure: the command asks Claude, reads the workspace
 * and writes the files; this decides the text.
 *
 * The epic goes where import puts one (newEpic.ts): the layout and folder most of the
 * workspace's epics use, with the PRD's own layout deciding in a workspace without
 * epics, the next free number and a name of its own. The model's keys (T1, T2...) become
 * the layout's task ids in plan order: `T1`... in a single file, `001`... as task files.
 *
 * What it keeps to: the files read back through the plan's own parsers into exactly the
 * plan (titles, groups, estimates, agents, dependencies, milestones, each task's text)
 * and validate without errors or warnings, or nothing is written. Text the parser would
 * read as more than it says (a description holding a task line or a heading, a title that
 * ends like an issue link, a milestone naming tasks in its title) is written so that it
 * reads back as written: nested deeper, as a code block, or with a word joiner where a
 * reference would be read.
 *
 * Single-file layout: dependencies are the mermaid graph, not a `**Depends on:**` bullet,
 * which would become part of the task's text and so of its issue's body next to the one
 * a sync writes. Directory layout: it has no task groups nor milestones; the milestones
 * are listed in `epic.md` for people to read, and a note says what the layout does not hold.
 */
import { analyzeEpic } from '../analysis';
import type { FileCreate, PlanChange, ReadText, TextEdit } from '../edits';
import { applyEdits, formatYamlValue, setFrontmatterFieldEdits } from '../edits';
import { readEstimate } from '../estimate';
import { findFrontmatter } from '../frontmatter';
import type { Epic, WrittenLayout, Prd } from '../model';
import type { BodyForm, OverviewForm } from '../newEpic';
import { headingTitle, indented, isClaudePath, newEpicFolder, newEpicLocation, readerOf, readNewEpic, SINGLE_FILE_FORMS, singleFileBody, overviewBody } from '../newEpic';
import { slugOf } from '../newPrd';
import { findKey, normaliseKeys, parseTaskReferences } from '../parse/common';
import { parsePrd } from '../parse/prdParser';
import { epicBelongsToPrd } from '../progress';
import { headerLines } from '../sync/epicLink';
import { epicOverview, taskText } from '../sync/planText';
import { baseName, detectEol, dirName, fileStem, joinPath, lineStartOffsets, splitLines } from '../text';
import { validateEpic } from '../validate';
import { checkProposedPlan } from './checkPlan';
import type { ProposedPlan } from './planSchema';
import { isToolPrdPath } from '../toolRoots';

export interface DecompositionInput {
  /** The plan, as checkProposedPlan passed it. It is checked again: nothing unchecked is written. */
  readonly plan: ProposedPlan;
  readonly prd: Prd;
  /** The PRD file's current text, which the link to the epic is added to. */
  readonly prdText: string;
  /** The workspace's epics, as the index reads them. */
  readonly epics: readonly Epic[];
  /** The plan roots, as the index reads them, and those of them that exist. */
  readonly roots: readonly string[];
  readonly existingRoots: ReadonlySet<string>;
  /** The paths of the files and folders in the plan roots, relative to the workspace folder: the names the new epic must not take. */
  readonly paths: Iterable<string>;
  /** Epic ids taken besides the epics' own (the sync state's keys, say). */
  readonly takenIds?: ReadonlySet<string>;
  /** The layout to write, when it is not to follow the workspace. */
  readonly layout?: WrittenLayout;
  /** ISO time, for the `created` and `updated` fields. */
  readonly now: string;
}

export interface DecomposedEpic {
  readonly ok: true;
  readonly epicId: string;
  readonly layout: WrittenLayout;
  /** The single epic file, or `epic.md`. */
  readonly epicPath: string;
  /** The new files, and the edit of the PRD that links it to the epic (none when it already does, or cannot be made). */
  readonly change: PlanChange;
  /** Each of the plan's task keys and the task id it was written as. */
  readonly taskIds: ReadonlyMap<string, string>;
  /** Things worth telling the person who asked, in words. */
  readonly notes: readonly string[];
}

export type DecompositionResult = DecomposedEpic | { readonly ok: false; readonly problems: readonly string[] };

// ---------------------------------------------------------------------------------
// The plan as the files hold it

interface Draft {
  readonly key: string;
  readonly id: string;
  /** 1 for the first task. */
  readonly number: number;
  readonly title: string;
  readonly group: string;
  readonly description: readonly string[];
  readonly criteria: readonly string[];
  readonly estimate: string;
  readonly hours: number;
  readonly agent: string;
  /** Task ids, in the order the plan lists them. */
  readonly dependsOn: readonly string[];
  readonly parallel: boolean;
}

interface MilestoneDraft {
  readonly id: string;
  readonly title: string;
  readonly when: string;
  readonly taskIds: readonly string[];
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function hoursText(hours: number): string {
  return `${hours} ${hours === 1 ? 'hour' : 'hours'}`;
}

function linesOfText(text: string): string[] {
  return text === '' ? [] : text.split('\n');
}

function directoryId(number: number): string {
  return String(number).padStart(3, '0');
}

/** The common indentation of the non-blank lines removed, and blank lines at both ends: how planText reads a task's text. */
function dedent(lines: readonly string[]): string {
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start].trim() === '') start++;
  while (end > start && lines[end - 1].trim() === '') end--;
  const kept = lines.slice(start, end);
  const indents = kept.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length);
  const common = indents.length === 0 ? 0 : Math.min(...indents);
  return kept.map((l) => (l.trim() === '' ? '' : l.slice(common))).join('\n');
}

// ---------------------------------------------------------------------------------
// Single-file layout

/** `plain` is `**Task 3:** Title`; `bold` is `**Task 3: Title**`, for a title that would otherwise read as ending in an issue link. */
type TitleForm = 'plain' | 'bold';
/** Acceptance criteria as bullets, or as an indented code block under their bullet. */
type CriteriaForm = 'nested' | 'code';

interface TaskForms {
  readonly title: TitleForm;
  readonly criteria: CriteriaForm;
  readonly description: BodyForm;
}

const PLAIN_FORMS: TaskForms = { title: 'plain', criteria: 'nested', description: 'nested' };
const ALL_FORMS: readonly TaskForms[] = (['plain', 'bold'] as const).flatMap((title) =>
  (['nested', 'code'] as const).flatMap((criteria) => SINGLE_FILE_FORMS.map((description) => ({ title, criteria, description }))),
);

function taskLine(draft: Draft, form: TitleForm): string {
  return form === 'plain' ? `- [ ] **Task ${draft.number}:** ${draft.title}` : `- [ ] **Task ${draft.number}: ${draft.title}**`;
}

/** The lines under a task line: its description, then its acceptance criteria, estimate and agent as bullets. */
function taskBody(draft: Draft, forms: TaskForms): string[] {
  const out = singleFileBody(draft.description, forms.description);
  const fields: string[] = [];
  if (draft.criteria.length > 0) {
    fields.push('- **Acceptance criteria:**');
    const bullets = draft.criteria.map((c) => `- ${c}`);
    fields.push(...(forms.criteria === 'nested' ? indented(bullets, 2) : ['', ...indented(bullets, 6)]));
  }
  fields.push(`- **Estimate:** ${draft.estimate}`);
  if (draft.agent !== '') fields.push(`- **Agent:** ${draft.agent}`);
  if (out.length > 0) out.push('');
  out.push(...indented(fields, 2));
  return out;
}

const WORD_JOINER = '\u2060';

/**
 * A milestone's title with the task references the parser would read in it and that are
 * not its tasks (`#5`, `T9`, `Tasks 1-3`) broken by an invisible word joiner: a
 * milestone's tasks are read from its line, so its title must name no others.
 */
function milestoneTitleText(title: string, taskIds: ReadonlySet<string>): string {
  const wrong = (text: string) => parseTaskReferences(text, false).filter((r) => r.kind === 'issue' || !taskIds.has(`T${r.value}`)).length;
  let text = title;
  let bad = wrong(text);
  // One joiner at a time, where it takes a wrong reference away: a range broken at its
  // start may leave its end to be read on its own, which a later pass breaks.
  while (bad > 0) {
    let better = false;
    for (const m of text.matchAll(/#(?=\d)|\b(?:tasks?|t)(?=\s*\d)/gi)) {
      const end = m.index + m[0].length;
      const candidate = text.slice(0, end) + WORD_JOINER + text.slice(end);
      const left = wrong(candidate);
      if (left < bad) {
        [text, bad, better] = [candidate, left, true];
        break;
      }
    }
    if (!better) break;
  }
  return text;
}

function milestoneLine(m: MilestoneDraft, refs: string, titleText: string): string {
  // The parser reads a `when` up to its first `)`.
  const when = m.when.replace(/\(/g, '[').replace(/\)/g, ']');
  const head = when === '' ? `**${m.id}:**` : `**${m.id} (${when}):**`;
  return `- ${head} ${titleText}${refs === '' ? '' : ` (${refs})`}`;
}

/** A mermaid label: the parser reads a node's label up to its first `]`, and mermaid chokes on quotes and brackets. */
function mermaidLabel(draft: Draft): string {
  const plain = draft.title.replace(/[^\p{L}\p{N} .,:'!?/+&@%*_-]/gu, ' ').replace(/\s+/g, ' ').trim();
  const chars = [...plain];
  const short = chars.length > 40 ? chars.slice(0, 39).join('').trimEnd() + '…' : plain;
  return `Task ${draft.number}${short === '' ? '' : `: ${short}`}`;
}

interface SingleFileDoc {
  readonly number: string;
  readonly title: string;
  readonly basedOn: string;
  readonly created: string;
  readonly overview: readonly string[];
  readonly tasks: ReadonlyArray<{ readonly draft: Draft; readonly forms: TaskForms }>;
  readonly milestones: ReadonlyArray<{ readonly milestone: MilestoneDraft; readonly titleText: string }>;
}

function singleFileText(doc: SingleFileDoc): string {
  const out = [`# Epic ${doc.number}: ${headingTitle(doc.title)}`, '', `**Based on:** ${doc.basedOn}`, '**Status:** Planning', `**Created:** ${doc.created}`];
  if (doc.overview.length > 0) out.push('', '## Overview', '', ...doc.overview);
  out.push('', '## Tasks');
  // Tasks without a group come first: after a `###` heading every task is in its group.
  const groups = [...new Set(doc.tasks.map((t) => t.draft.group))].sort((a, b) => (a === '' ? -1 : b === '' ? 1 : 0));
  for (const group of groups) {
    out.push('');
    if (group !== '') out.push(`### ${headingTitle(group)}`);
    doc.tasks
      .filter((t) => t.draft.group === group)
      .forEach(({ draft, forms }, i) => {
        if (i > 0) out.push('');
        out.push(taskLine(draft, forms.title), ...taskBody(draft, forms));
      });
  }
  if (doc.milestones.length > 0) {
    out.push('', '## Milestones', '');
    for (const { milestone, titleText } of doc.milestones) out.push(milestoneLine(milestone, milestone.taskIds.join(', '), titleText));
  }
  const edges = doc.tasks.flatMap(({ draft }) => draft.dependsOn.map((from) => [from, draft.id] as const));
  if (edges.length > 0) {
    const inGraph = new Set(edges.flat());
    const nodes = doc.tasks.filter(({ draft }) => inGraph.has(draft.id)).map(({ draft }) => `    ${draft.id}["${mermaidLabel(draft)}"]`);
    out.push('', '## Dependencies', '', '```mermaid', 'graph TD', ...nodes, ...edges.map(([from, to]) => `    ${from} --> ${to}`), '```');
  }
  return out.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------
// Directory layout

function taskFileBody(draft: Draft): string[] {
  const out: string[] = [];
  if (draft.description.length > 0) out.push('', '## Description', '', ...draft.description);
  if (draft.criteria.length > 0) out.push('', '## Acceptance Criteria', ...draft.criteria.map((c) => `- [ ] ${c}`));
  return out;
}

function taskFileText(draft: Draft, now: string): string {
  const out = [
    '---',
    `name: ${formatYamlValue(draft.title)}`,
    'status: open',
    `created: ${now}`,
    `updated: ${now}`,
    'github:',
    // As the command-line tools write them: `[001, 002]`, which the parser reads by their spelling.
    `depends_on: [${draft.dependsOn.join(', ')}]`,
    `parallel: ${draft.parallel}`,
    'conflicts_with: []',
    `estimate: ${formatYamlValue(draft.estimate)}`,
  ];
  if (draft.agent !== '') out.push(`agent: ${formatYamlValue(draft.agent)}`);
  out.push('---', '', `# Task: ${headingTitle(draft.title)}`, ...taskFileBody(draft));
  return out.join('\n') + '\n';
}

interface EpicMdDoc {
  readonly epicId: string;
  readonly title: string;
  readonly prd: string;
  readonly now: string;
  readonly overview: readonly string[];
  readonly tasks: readonly Draft[];
  readonly milestones: readonly MilestoneDraft[];
}

function epicMdText(doc: EpicMdDoc): string {
  const out = [
    '---',
    `name: ${formatYamlValue(doc.epicId)}`,
    'status: backlog',
    `created: ${doc.now}`,
    'progress: 0%',
    `prd: ${formatYamlValue(doc.prd)}`,
    'github:',
    '---',
    '',
    `# Epic: ${headingTitle(doc.title)}`,
  ];
  if (doc.overview.length > 0) out.push('', '## Overview', '', ...doc.overview);
  if (doc.milestones.length > 0) {
    out.push('', '## Milestones', '');
    for (const m of doc.milestones) out.push(milestoneLine(m, m.taskIds.join(', '), m.title));
  }
  out.push('', '## Tasks Created');
  for (const t of doc.tasks) out.push(`- [ ] ${t.id}.md - ${t.title} (parallel: ${t.parallel})`);
  const parallel = doc.tasks.filter((t) => t.parallel).length;
  const hours = Math.round(doc.tasks.reduce((sum, t) => sum + t.hours, 0) * 100) / 100;
  out.push('', `Total tasks: ${doc.tasks.length}`, `Parallel tasks: ${parallel}`, `Sequential tasks: ${doc.tasks.length - parallel}`, `Estimated total effort: ${hoursText(hours)}`);
  return out.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------
// Reading back

interface Expected {
  readonly layout: WrittenLayout;
  readonly title: string;
  readonly status: string;
  readonly prd: Prd;
  readonly tasks: readonly Draft[];
  /** Each task's text as planText reads it, by id. */
  readonly texts: ReadonlyMap<string, string>;
  readonly milestones: ReadonlyArray<{ readonly milestone: MilestoneDraft; readonly title: string }>;
  readonly overview: string;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const set = new Set(a);
  return set.size === new Set(b).size && b.every((x) => set.has(x));
}

const show = (value: unknown) => (value === undefined ? 'nothing' : JSON.stringify(value));

/** What in the epic read back differs from the plan, in words; empty when it is the plan. */
function readBackProblems(epic: Epic, diagnostics: readonly { severity: string; message: string }[], read: ReadText, want: Expected): string[] {
  const problems: string[] = [];
  if (epic.title !== want.title) problems.push(`the epic's title reads back as ${show(epic.title)}`);
  if (epic.status !== want.status) problems.push(`the epic's status reads back as ${show(epic.status)}`);
  if (!epicBelongsToPrd(epic, want.prd)) problems.push(`the epic reads back based on ${show(epic.prd)}, not on ${want.prd.id}`);
  if (epic.tasks.length !== want.tasks.length) problems.push(`${epic.tasks.length} tasks read back instead of ${want.tasks.length}`);
  const single = want.layout === 'single-file';
  for (const draft of want.tasks) {
    const found = epic.tasks.filter((t) => t.id === draft.id);
    const name = draft.key === draft.id ? draft.key : `${draft.key} (${single ? draft.id : `${draft.id}.md`})`;
    if (found.length !== 1) {
      problems.push(`${name} reads back ${found.length === 0 ? 'nowhere' : `${found.length} times`}`);
      continue;
    }
    const task = found[0];
    if (task.title !== draft.title) problems.push(`${name} reads back with the title ${show(task.title)}`);
    if (task.state !== 'open' || task.issue !== undefined) problems.push(`${name} reads back ${task.state}${task.issue === undefined ? '' : ` and linked to #${task.issue}`}`);
    if ((task.group ?? '') !== (single ? draft.group : '')) problems.push(`${name} reads back in the group ${show(task.group)}`);
    if (task.estimate !== draft.estimate || readEstimate(task.estimate) !== draft.hours) problems.push(`${name} reads back with the estimate ${show(task.estimate)}`);
    if ((task.agent ?? '') !== draft.agent) problems.push(`${name} reads back with the agent ${show(task.agent)}`);
    if (!single && task.parallel !== draft.parallel) problems.push(`${name} reads back with parallel ${show(task.parallel)}`);
    // A description's `**Priority:**` or `**Sprint:**` bullet would be read as the task's own.
    if (task.priority !== undefined || task.sprint !== undefined || task.conflictsWith.length > 0) problems.push(`${name} reads back with a priority, sprint or conflicts the plan does not give it`);
    if (!sameSet(task.dependsOn, draft.dependsOn)) problems.push(`${name} reads back depending on [${task.dependsOn.join(', ')}]`);
    if (taskText(epic, task, read) !== want.texts.get(draft.id)) problems.push(`the text of ${name} does not read back as written`);
  }
  const edges = want.tasks.reduce((n, t) => n + t.dependsOn.length, 0);
  if (epic.dependencies.length !== edges) problems.push(`${epic.dependencies.length} dependencies read back instead of ${edges}`);

  if (single) {
    const groups = [...new Set(want.tasks.map((t) => t.group))].filter((g) => g !== '');
    const got = epic.groups.map((g) => `${g.name}: ${g.taskIds.join(', ')}`);
    const meant = groups.map((g) => `${g}: ${want.tasks.filter((t) => t.group === g).map((t) => t.id).join(', ')}`);
    if (got.join('\n') !== meant.join('\n')) problems.push(`the task groups read back as ${show(got)}`);
  } else if (epic.groups.length > 0) problems.push('the epic reads back with task groups');
  const milestones = single ? want.milestones : [];
  if (epic.milestones.length !== milestones.length) problems.push(`${epic.milestones.length} milestones read back instead of ${milestones.length}`);
  milestones.forEach(({ milestone, title }, i) => {
    const got = epic.milestones[i];
    if (!got) return;
    if (got.id !== milestone.id || (got.when ?? '') !== milestone.when.replace(/\(/g, '[').replace(/\)/g, ']') || got.title !== title || !sameSet(got.taskIds, milestone.taskIds)) {
      problems.push(`milestone ${milestone.id} reads back as ${show({ id: got.id, when: got.when, title: got.title, tasks: got.taskIds })}`);
    }
  });
  if (!single) {
    const listed = epic.checklist.map((c) => c.taskId).join(', ');
    if (listed !== want.tasks.map((t) => t.id).join(', ')) problems.push(`the epic's checklist reads back as [${listed}]`);
  }
  if (epicOverview(epic, read) !== want.overview) problems.push("the epic's overview does not read back as written");
  const validated = validateEpic(analyzeEpic(epic), [want.prd]);
  for (const d of [...diagnostics, ...validated]) if (d.severity !== 'info') problems.push(d.message);
  return problems;
}

// ---------------------------------------------------------------------------------
// The PRD's link to its epic

/** The path from a folder to a file, both relative to the workspace folder. */
function relativePath(fromDir: string, to: string): string {
  const from = fromDir === '' ? [] : fromDir.split('/');
  const target = to.split('/');
  let common = 0;
  while (common < from.length && common < target.length - 1 && from[common] === target[common]) common++;
  return [...from.slice(common).map(() => '..'), ...target.slice(common)].join('/');
}

function mentions(value: unknown, epicId: string): boolean {
  const lower = epicId.toLowerCase();
  if (Array.isArray(value)) return value.some((v) => mentions(v, epicId));
  return typeof value === 'string' && value.toLowerCase().split(/[^a-z0-9._-]+/).includes(lower);
}

/**
 * The edit that names the epic in its PRD. A PRD with frontmatter gets an `epic:` field
 * (a list once it has two epics), as the directory layout's files keep their links; one
 * with bold key lines (`**Status:** Draft`) gets an `**Epic:**` line after the last of
 * them (or after its title), linking to the epic's file, and a second epic is added to
 * that line. Undefined when the PRD already names the epic.
 */
function prdLinkEdits(prd: Prd, text: string, epicId: string, epicPath: string): TextEdit[] | undefined {
  const fm = findFrontmatter(text);
  if (fm && fm.endLine !== -1) {
    const key = findKey(fm, 'epics') ? 'epics' : 'epic';
    const current = normaliseKeys(fm.data, fm.keys)[key];
    if (mentions(current, epicId)) return undefined;
    const others = Array.isArray(current) ? current.map(String) : current === undefined || current === null || current === '' ? [] : [String(current)];
    return setFrontmatterFieldEdits(text, key, formatYamlValue(others.length === 0 ? epicId : [...others, epicId]));
  }
  const target = relativePath(dirName(prd.path), epicPath);
  const link = `[${epicId}](${/[\s()<>]/.test(target) ? `<${target}>` : target})`;
  const lines = splitLines(text);
  const starts = lineStartOffsets(text);
  const eol = detectEol(text);
  const { keys, title } = headerLines(lines);
  const existing = keys.find((k) => k.key === 'epic' || k.key === 'epics');
  if (existing) {
    if (mentions(existing.value, epicId)) return undefined;
    const end = starts[existing.line] + existing.valueAt + existing.value.length;
    return [{ offset: end, length: 0, newText: existing.value === '' ? ` ${link}` : `, ${link}` }];
  }
  const last = keys.at(-1);
  if (last) return [{ offset: starts[last.line] + lines[last.line].length, length: 0, newText: `${eol}${last.prefix}**Epic:** ${link}` }];
  if (title !== undefined) return [{ offset: starts[title] + lines[title].length, length: 0, newText: `${eol}${eol}**Epic:** ${link}` }];
  const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  return [{ offset: bom, length: 0, newText: `**Epic:** ${link}${eol}${eol}` }];
}

/** Why the PRD, edited, would not read back as itself and linked to the epic; empty when it would. */
function prdEditProblems(prd: Prd, edited: string, epicId: string): string[] {
  const again = parsePrd(prd.path, edited).prd;
  const problems: string[] = [];
  if (again.id !== prd.id || again.title !== prd.title || again.status !== prd.status) problems.push('its id, title or status would read differently');
  if (!mentions(again.metadata.epic ?? again.metadata.epics, epicId)) problems.push('the link would not be read');
  return problems;
}

// ---------------------------------------------------------------------------------

/** The layout the PRD itself is written in, when its place says so. */
/** No epics, or as many in one layout as in the other: then the PRD's own layout decides. */
function layoutsTie(epics: readonly Epic[]): boolean {
  const single = epics.filter((e) => e.layout === 'single-file').length;
  return single * 2 === epics.length;
}

function layoutOfPrd(prd: Prd): WrittenLayout | undefined {
  if (isClaudePath(prd.path)) return 'directory';
  return /^prd-\d{3}-/i.test(baseName(prd.path)) ? 'single-file' : undefined;
}

/** The names taken in a folder: the first segment of every path under it. */
function namesIn(folder: string, paths: Iterable<string>): Set<string> {
  const names = new Set<string>();
  const prefix = folder === '' ? '' : `${folder}/`;
  for (const path of paths) if (path.startsWith(prefix) && path.length > prefix.length) names.add(path.slice(prefix.length).split('/')[0]);
  return names;
}

/** The files of the epic a checked plan makes, and the PRD's link to it; or why they cannot be written. */
export function decompositionFiles(input: DecompositionInput): DecompositionResult {
  const checked = checkProposedPlan(input.plan, { maxTasks: Number.POSITIVE_INFINITY });
  if (!checked.ok) return checked;
  const { plan } = checked;
  const { prd } = input;
  const target = newEpicFolder({
    layout: input.layout ?? (layoutsTie(input.epics) ? layoutOfPrd(prd) : undefined),
    roots: input.roots,
    epics: input.epics,
    existingRoots: input.existingRoots,
  });
  if (!target) return { ok: false, problems: ['No plan folder can hold epics: add a folder named `epics` (or `.claude/epics`) to the `autopm.planRoots` setting.'] };
  const { layout, folder } = target;
  const single = layout === 'single-file';

  // The epic is named after its PRD, as the command-line tools name it.
  // Another tool's PRD (Kiro's requirements.md, Spec Kit's spec.md) is named by its feature folder, its id.
  const prdName = isToolPrdPath(prd.path) ? prd.id : fileStem(prd.path).replace(/^prd-(?:\d+-)?/i, '');
  const name = slugOf(prdName) !== '' ? prdName : slugOf(plan.title) !== '' ? plan.title : 'epic';
  const names = namesIn(folder, [...input.paths, ...input.epics.map((e) => e.dir ?? e.path)]);
  const takenIds = new Set([...input.epics.map((e) => e.id), ...(input.takenIds ?? [])]);
  const location = newEpicLocation(layout, folder, name, names, takenIds);
  const { epicId } = location;

  const idOf = new Map(plan.tasks.map((t, i) => [t.key, single ? `T${i + 1}` : directoryId(i + 1)] as const));
  const drafts: Draft[] = plan.tasks.map((t, i) => ({
    key: t.key,
    id: idOf.get(t.key)!,
    number: i + 1,
    title: t.title,
    group: t.group,
    description: linesOfText(t.description),
    criteria: t.acceptanceCriteria,
    estimate: hoursText(t.estimateHours),
    hours: t.estimateHours,
    agent: t.agent,
    dependsOn: t.dependsOn.map((k) => idOf.get(k)!),
    parallel: t.parallel,
  }));
  // Numbered in plan order; the model's own ids need only have been unique.
  const milestones: MilestoneDraft[] = plan.milestones.map((m, i) => ({ id: `M${i + 1}`, title: m.title, when: m.when, taskIds: m.tasks.map((k) => idOf.get(k)!) }));
  const basedOn = /^PRD-\d+$/i.test(prd.id) ? prd.id : prd.path;
  const overview = linesOfText(plan.overview);
  const notes: string[] = [];

  const files = new Map<string, string>();
  const singleDoc = (drafted: ReadonlyArray<{ draft: Draft; forms: TaskForms }>, ms: SingleFileDoc['milestones'], overviewLines: readonly string[]): string =>
    singleFileText({ number: /^epic-(\d{3})-/.exec(epicId)![1], title: plan.title, basedOn, created: input.now.slice(0, 10), overview: overviewLines, tasks: drafted, milestones: ms });
  const textsOf = (drafted: ReadonlyArray<{ draft: Draft; forms: TaskForms }>) =>
    new Map(drafted.map(({ draft, forms }) => [draft.id, single ? dedent(taskBody(draft, forms)) : dedent(taskFileBody(draft))] as const));
  const check = (drafted: ReadonlyArray<{ draft: Draft; forms: TaskForms }>, ms: Expected['milestones'], overviewText: string): string[] => {
    const { epic, diagnostics } = readNewEpic(layout, location.path, files);
    return readBackProblems(epic, diagnostics, readerOf(files), {
      layout,
      title: plan.title,
      status: single ? 'Planning' : 'backlog',
      prd,
      tasks: drafted.map((d) => d.draft),
      texts: textsOf(drafted),
      milestones: ms,
      overview: overviewText,
    });
  };

  // Each single-file task's forms, tried with the task alone: the plainest under which it
  // reads back as written.
  const formsOf = new Map<string, TaskForms>();
  if (single) {
    const unwritable: string[] = [];
    for (const draft of drafts) {
      const alone = { ...draft, dependsOn: [] };
      const tryForms = (f: TaskForms) => {
        files.clear();
        files.set(location.path, singleDoc([{ draft: alone, forms: f }], [], []));
        return check([{ draft: alone, forms: f }], [], '');
      };
      const forms = ALL_FORMS.find((f) => tryForms(f).length === 0);
      if (!forms) {
        // A title that opens with bold and ends like an issue link (`**New** flow (#12)`):
        // one way the bold is read as part of the task line, the other the link as its issue.
        unwritable.push(`${draft.key} cannot be written so that it reads back as planned (${unique(tryForms(PLAIN_FORMS)).join('; ')})`);
        continue;
      }
      formsOf.set(draft.id, forms);
      if (forms.description === 'code') notes.push(`The description of ${draft.key} is written as a code block: as markdown, part of it would read as tasks, fields or headings of the epic.`);
      if (forms.criteria === 'code') notes.push(`The acceptance criteria of ${draft.key} are written as a code block: as a list, they would read as tasks of the epic.`);
    }
    if (unwritable.length > 0) return { ok: false, problems: unwritable.map((p) => `${p}. Change its title and try again.`) };
  }
  const drafted = drafts.map((draft) => ({ draft, forms: formsOf.get(draft.id) ?? PLAIN_FORMS }));
  const idSet = (m: MilestoneDraft) => new Set(m.taskIds);
  const milestoneTexts = milestones.map((m) => ({ milestone: m, titleText: milestoneTitleText(m.title, idSet(m)) }));
  const expectedMilestones = milestoneTexts.map(({ milestone, titleText }) => ({
    milestone,
    title: `${titleText}${milestone.taskIds.length === 0 ? '' : ` (${milestone.taskIds.join(', ')})`}`,
  }));

  const build = (form: OverviewForm): void => {
    files.clear();
    const overviewLines = overviewBody(overview, form);
    if (single) {
      files.set(location.path, singleDoc(drafted, milestoneTexts, overviewLines));
      return;
    }
    files.set(location.path, epicMdText({ epicId, title: plan.title, prd: prd.path, now: input.now, overview: overviewLines, tasks: drafts, milestones }));
    for (const draft of drafts) files.set(joinPath(location.dir!, `${draft.id}.md`), taskFileText(draft, input.now));
  };
  // The overview as plain markdown when it reads back so, else as an indented code block,
  // which the parser does not look into.
  const attempt = (form: OverviewForm) => {
    build(form);
    return { form, problems: check(drafted, expectedMilestones, plan.overview) };
  };
  const plain = attempt('plain');
  const chosen = plain.problems.length === 0 ? plain : attempt('code');
  if (chosen.problems.length > 0) {
    return { ok: false, problems: [`The plan cannot be written as an epic that reads back as planned: ${unique(plain.problems).join('; ')}.`] };
  }
  build(chosen.form);
  if (chosen.form === 'code') notes.push("The epic's overview is written as a code block: as markdown, part of it would read as tasks or sections of the epic.");
  if (single && milestoneTexts.some(({ milestone, titleText }) => titleText !== milestone.title)) {
    notes.push('A milestone title names tasks that are not its own; an invisible word joiner keeps them from being read as its tasks.');
  }
  if (single && plan.tasks.some((t) => !t.parallel)) notes.push('The single-file layout does not record which tasks cannot run in parallel; the dependencies in the graph still order them.');
  if (!single && plan.tasks.some((t) => t.group !== '')) notes.push("The directory layout has no task groups, so the plan's groups are not written.");
  if (!single && plan.milestones.length > 0) notes.push("The directory layout has no milestones: they are listed in epic.md for reading, and AutoPM does not track them.");

  let prdEdit: TextEdit[] | undefined;
  try {
    prdEdit = prdLinkEdits(prd, input.prdText, epicId, location.path);
    if (prdEdit) {
      const problems = prdEditProblems(prd, applyEdits(input.prdText, prdEdit), epicId);
      if (problems.length > 0) {
        notes.push(`${prd.id} is not linked to the epic: ${problems.join(', and ')}.`);
        prdEdit = undefined;
      }
    }
  } catch (error) {
    notes.push(`${prd.id} is not linked to the epic: ${error instanceof Error ? error.message : String(error)}`);
    prdEdit = undefined;
  }

  const creates: FileCreate[] = [...files].map(([path, text]) => ({ path, text }));
  return {
    ok: true,
    epicId,
    layout,
    epicPath: location.path,
    change: { edits: prdEdit && prdEdit.length > 0 ? [{ path: prd.path, edits: prdEdit }] : [], creates, renames: [] },
    taskIds: new Map(drafts.map((d) => [d.key, d.id] as const)),
    notes,
  };
}
