/**
 * Expand Task and Re-scope Task: what Claude is asked about one task of an epic, how its
 * answer is read, and the edits that write the answer into the plan. Pure: the command
 * asks Claude, reads the files and applies the change; this decides the text.
 *
 * Re-scope replaces a task's title, description, acceptance criteria, estimate and agent,
 * and keeps the rest: its id, its state, its issue link, its dependencies, its group, its
 * place in the file, its other fields (priority, sprint, conflicts...) and every other
 * byte of the files.
 *
 * Expand adds the subtasks as new tasks, numbered as appendTaskChange numbers a new task.
 * The subtasks that wait for none of the others inherit the task's own dependencies, and
 * the task now depends on the subtasks nothing else among them waits for: it becomes their
 * umbrella, done when they are. It keeps its id, text, state, issue link and its own
 * dependencies, so a sync keeps its issue. In a single file the subtasks are listed right
 * before it, in its group (at the end of the group when they would not read back there).
 *
 * Single-file layout: new dependencies go into the epic's mermaid graph (one is added
 * when the epic has none), never into a `**Depends on:**` bullet, which would change the
 * text, and so the issue, of the expanded task. Directory layout: they go into the
 * `depends_on` of the task files.
 *
 * Nothing is returned that does not read back: each change is parsed again with the
 * plan's own parsers, and thrown away with a PlanEditError unless every task reads back
 * as intended (the others exactly as they were) with no new error or warning. Text the
 * parser would read as more than it says (a description holding a task line, a field or
 * a heading) is written nested deeper or as a code block, as epicFiles.ts writes it.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import { newAjv } from '../ajvLoader';
import { analyzeEpic } from '../analysis';
import { dependencyCycles, jsonBreak, MAX_TASK_HOURS } from '../decompose/checkPlan';
import type { JsonSchema } from '../decompose/planSchema';
import type { FileCreate, FileEdit, PlanChange, ReadText, TextEdit } from '../edits';
import { applyEdits, formatYamlValue, PlanEditError, setFrontmatterFieldEdits } from '../edits';
import { readEstimate } from '../estimate';
import { findFrontmatter, maskFrontmatter } from '../frontmatter';
import type { OutlineItem } from '../markdown/outline';
import { parseOutline } from '../markdown/parseOutline';
import type { Diagnostic, Epic, Task } from '../model';
import type { BodyForm } from '../newEpic';
import { headingTitle, indented, SINGLE_FILE_FORMS } from '../newEpic';
import { findKey, normaliseKeys, numericId, parseBoldKeyLine } from '../parse/common';
import { assembleDirectoryEpic, DEPENDS_KEYS, parseEpicFile, parseMappingFile, parseTaskFile, taskResolver, updateFileOf } from '../parse/directoryParser';
import { parseMermaidEdges } from '../parse/mermaidEdges';
import { ISSUE_SUFFIX, mermaidNodeToTask, parseSingleFileEpic } from '../parse/singleFileEpicParser';
import { percentOf } from '../progress';
import { taskText } from '../sync/planText';
import { comparePaths, detectEol, joinPath, lineStartOffsets, splitLines, stripBom } from '../text';
import { validateEpic } from '../validate';
import { capitalised, CONTROL, describeValue, foundAt, hex, hundredths, LINE_BREAK, markdownText, pointerSegments, position, TYPE_WORDS, unfenced, wellFormed } from './answerText';

// ---------------------------------------------------------------------------------
// The answers' shapes

/** A task as re-scoped: what replaces its title, text, estimate and agent. */
export interface RescopedTask {
  readonly title: string;
  /** Markdown. */
  readonly description: string;
  readonly acceptanceCriteria: readonly string[];
  readonly estimateHours: number;
  /** The kind of specialist suited to it; empty for any. */
  readonly agent: string;
}

/** One of the subtasks a task is expanded into. */
export interface ProposedSubtask extends RescopedTask {
  /** `S1`, `S2`...: how the other subtasks name this one. */
  readonly key: string;
  /** Keys of the subtasks that must be finished first. */
  readonly dependsOn: readonly string[];
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

const textProperty = (description: string) => ({ type: 'string', description });
const listProperty = (description: string) => ({ type: 'array', items: { type: 'string' }, description });

/** The properties a re-scoped task and a subtask share; a new object each call, so that neither schema shares one with the other. */
function taskProperties() {
  return {
    title: textProperty('What the task does, on one line.'),
    description: textProperty('What to do, in markdown.'),
    acceptanceCriteria: listProperty('How to tell the task is done: one check per item, each on one line.'),
    estimateHours: { type: 'number', description: 'Hours of work the task takes, more than 0.' },
    agent: textProperty('The kind of specialist best suited to the task, such as "python-backend-engineer"; empty when anyone will do.'),
  };
}

// Frozen: the API request and the validator share these objects, and neither may change them for the other.
// Structured outputs take only a subset of JSON Schema (every object closed, every property
// required, no length, range or pattern keywords): what it cannot say is checked by hand.
export const RESCOPE_SCHEMA: JsonSchema = deepFreeze({
  type: 'object',
  additionalProperties: false,
  required: ['title', 'description', 'acceptanceCriteria', 'estimateHours', 'agent'],
  properties: taskProperties(),
});

export const EXPAND_SCHEMA: JsonSchema = deepFreeze({
  type: 'object',
  additionalProperties: false,
  required: ['subtasks'],
  properties: {
    subtasks: {
      type: 'array',
      description: 'The subtasks, in the order they are best done.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['key', 'title', 'description', 'acceptanceCriteria', 'estimateHours', 'agent', 'dependsOn'],
        properties: {
          key: textProperty('The subtask\'s key: "S1" for the first subtask, "S2" for the second, and so on.'),
          ...taskProperties(),
          dependsOn: listProperty('Keys of the subtasks (S1, S2...) that must be finished before this one can start; never its own key, never a task of the epic.'),
        },
      },
    },
  },
});

/** The most subtasks a task is expanded into unless a setting says otherwise. */
export const DEFAULT_MAX_SUBTASKS = 8;

// ---------------------------------------------------------------------------------
// What is asked

export type RescopeDirection = 'smaller' | 'larger';

export interface RescopeRequestInput {
  readonly epic: Epic;
  readonly taskId: string;
  /** The epic's text, as refineEpicText gives it. */
  readonly epicText: string;
  /** The text of the PRD the epic is based on, when there is one. */
  readonly prdText?: string;
  readonly direction: RescopeDirection;
  /** What the person asking adds, in their words. */
  readonly note?: string;
  /** What was wrong with the last answer; empty or absent on the first call. */
  readonly problems?: readonly string[];
}

export interface ExpandRequestInput {
  readonly epic: Epic;
  readonly taskId: string;
  readonly epicText: string;
  readonly prdText?: string;
  readonly maxSubtasks: number;
  readonly problems?: readonly string[];
}

export interface RefineRequest {
  readonly system: string;
  /** The PRD and the epic: the same text on every call over them, for the prompt cache. */
  readonly context: string;
  readonly prompt: string;
  readonly schema: JsonSchema;
}

const RESCOPE_SYSTEM = [
  'You are a senior engineering lead re-scoping one task of an epic, a plan of tasks a small team works through.',
  'The epic, and the product requirements document (PRD) it is based on when there is one, come first; the task to re-scope and how are named after them.',
  'The task keeps its place in the plan: the tasks it depends on and the tasks that depend on it stay as they are, so it must still deliver what those tasks wait for, and it takes over no work of the other tasks.',
  'The title says what the task does, on one line; the description says what to do, in markdown; the acceptance criteria are checks a reviewer can make, one per item; estimateHours is the hours of work the re-scoped task takes; agent is the kind of specialist suited to it, empty when anyone will do.',
  'Answer with the JSON task only.',
].join(' ');

const EXPAND_SYSTEM = [
  'You are a senior engineering lead breaking one task of an epic, a plan of tasks a small team works through, down into subtasks.',
  'The epic, and the product requirements document (PRD) it is based on when there is one, come first; the task to break down is named after them.',
  'Together the subtasks do all of the task and nothing more: none takes over work of the other tasks of the epic. Each is small enough for one person to finish in a few hours to two days.',
  'Keys are "S1", "S2"… in the order the subtasks are best done. dependsOn names only the subtasks, by their keys, that must truly be finished first; there are no cycles, and it never names the other tasks of the epic:',
  "the subtasks that wait for none of the others start once the task's own dependencies are done, and the task itself stays as their umbrella, done when they are.",
  'Each subtask has a title on one line, a description in markdown, acceptance criteria a reviewer can check (one per item), estimateHours (more than 0) and agent, the kind of specialist suited to it (empty when anyone will do).',
  'Answer with the JSON list of subtasks only.',
].join(' ');

function normalised(text: string): string {
  return text.replace(/\r\n?/g, '\n').trimEnd();
}

function attribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
}

function contextOf(epic: Epic, epicText: string, prdText: string | undefined): string {
  const blocks: string[] = [];
  if (prdText !== undefined && prdText.trim() !== '') {
    blocks.push(`<prd${epic.prd === undefined ? '' : ` name="${attribute(epic.prd)}"`}>\n${normalised(prdText)}\n</prd>`);
  }
  blocks.push(`<epic id="${attribute(epic.id)}" path="${attribute(epic.path)}" layout="${epic.layout}">\n${normalised(epicText)}\n</epic>`);
  return blocks.join('\n\n');
}

/**
 * The epic's text for the context: the single file, or `epic.md` followed by every task
 * file, each in a `<task-file>` block, so that the model reads each task's own text.
 */
export function refineEpicText(epic: Epic, read: ReadText): string {
  if (epic.layout === 'single-file') return read(epic.path);
  const parts: string[] = [];
  try {
    parts.push(normalised(read(epic.path)));
  } catch {
    // A folder of task files without epic.md: the task files say it all.
  }
  for (const task of epic.tasks) parts.push(`<task-file path="${attribute(task.path)}">\n${normalised(read(task.path))}\n</task-file>`);
  return parts.join('\n\n');
}

function quoted(title: string): string {
  return JSON.stringify(title);
}

function named(epic: Epic, id: string): string {
  const task = epic.tasks.find((t) => t.id === id);
  return task && task.title !== '' ? `${id} ${quoted(task.title)}` : id;
}

function listed(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** What the plan says of the task, for the prompt: enough to find it in the epic and to see its place in the plan. */
function taskFacts(epic: Epic, task: Task): string[] {
  const facts: string[] = [];
  const state = task.state === 'done' ? 'It is done.' : task.state === 'in-progress' ? 'It is in progress.' : 'It is not started.';
  facts.push(`${state} ${task.estimate === undefined ? 'It has no estimate.' : `Its estimate is ${task.estimate}.`}`);
  if (task.agent !== undefined) facts.push(`Its agent is ${task.agent}.`);
  if (task.group !== undefined) facts.push(`It is in the group ${quoted(task.group)}.`);
  if (task.dependsOn.length > 0) facts.push(`It depends on ${listed(task.dependsOn.map((d) => named(epic, d)))}.`);
  const waiting = epic.tasks.filter((t) => t.dependsOn.includes(task.id)).map((t) => named(epic, t.id));
  if (waiting.length > 0) facts.push(`${listed(waiting)} ${waiting.length === 1 ? 'depends' : 'depend'} on it.`);
  return facts;
}

function retryLines(problems: readonly string[] | undefined, what: string): string[] {
  const said = (problems ?? []).filter((p) => p.trim() !== '');
  if (said.length === 0) return [];
  return ['', 'Your last answer could not be used, because:', ...said.map((p) => `- ${p.replace(/\s+/g, ' ').trim()}`), '', `Answer again with ${what} that has none of these problems.`];
}

function requestTask(epic: Epic, taskId: string): Task {
  const task = epic.tasks.find((t) => t.id === taskId);
  if (!task) throw new PlanEditError(`Epic ${epic.id} has no task ${taskId}.`);
  return task;
}

export function rescopeRequest(input: RescopeRequestInput): RefineRequest {
  const task = requestTask(input.epic, input.taskId);
  const now = task.estimate === undefined ? 'now' : `than its ${task.estimate} now`;
  const how =
    input.direction === 'smaller'
      ? `Make it smaller: narrow it to the core it must deliver, so that it takes clearly less time ${now}. Leave out what can wait, and say at the end of the description what was left out, so that it can become a task of its own.`
      : `Make it larger: widen it to take in what it needs to deliver its purpose in full (the work it leaves undone, the cases, checks and tests it skips), so that it takes more time ${now}, while it stays one task that one person can finish.`;
  const note = input.note?.replace(/\s+/g, ' ').trim();
  const prompt = [
    `Re-scope task ${task.id} of the epic above: ${quoted(task.title)} (${task.path}).`,
    ...taskFacts(input.epic, task),
    how,
    ...(note ? [`The person asking adds: ${quoted(note)}`] : []),
    ...retryLines(input.problems, 'a task'),
  ].join('\n');
  return { system: RESCOPE_SYSTEM, context: contextOf(input.epic, input.epicText, input.prdText), prompt, schema: RESCOPE_SCHEMA };
}

export function expandRequest(input: ExpandRequestInput): RefineRequest {
  const task = requestTask(input.epic, input.taskId);
  const most = Math.max(2, Math.floor(input.maxSubtasks));
  const prompt = [
    `Break task ${task.id} of the epic above, ${quoted(task.title)} (${task.path}), down into between 2 and ${most} subtasks.`,
    ...taskFacts(input.epic, task),
    ...retryLines(input.problems, 'a list of subtasks'),
  ].join('\n');
  return { system: EXPAND_SYSTEM, context: contextOf(input.epic, input.epicText, input.prdText), prompt, schema: EXPAND_SCHEMA };
}

// ---------------------------------------------------------------------------------
// Reading the answer

export type RescopeCheck = { readonly ok: true; readonly task: RescopedTask } | { readonly ok: false; readonly problems: readonly string[] };
export type ExpansionCheck = { readonly ok: true; readonly subtasks: readonly ProposedSubtask[] } | { readonly ok: false; readonly problems: readonly string[] };

export interface ExpansionOptions {
  /** The most subtasks an answer may have. */
  readonly maxSubtasks: number;
}

// Compiled on first use, not on load: nothing runs at activation.
let rescopeValidator: ValidateFunction | undefined;
let expandValidator: ValidateFunction | undefined;

function validatorOf(which: 'rescope' | 'expand'): ValidateFunction {
  if (which === 'rescope') return (rescopeValidator ??= newAjv().compile(RESCOPE_SCHEMA));
  return (expandValidator ??= newAjv().compile(EXPAND_SCHEMA));
}

function shown(key: string): string {
  return /^[\p{L}\p{N}_.-]+$/u.test(key) ? key : JSON.stringify(key);
}

/** `S3` for `s3`, `Subtask 3`, `sub-task 03`, `S 3`; any other key as written, trimmed. */
export function canonicalSubtaskKey(key: string): string {
  const trimmed = key.trim();
  const match = /^(?:s|sub-?task)[\s_-]*#?0*(\d+)$/i.exec(trimmed);
  return match ? `S${match[1]}` : trimmed;
}

function subtaskName(index: number, key: unknown): string {
  const k = typeof key === 'string' ? canonicalSubtaskKey(key) : '';
  return k === '' ? `subtask ${index + 1}` : `subtask ${index + 1} (${shown(k)})`;
}

const LABELS: Readonly<Record<string, string>> = {
  subtasks: 'list of subtasks (subtasks)',
  key: 'key',
  title: 'title',
  description: 'description',
  acceptanceCriteria: 'acceptance criteria (acceptanceCriteria)',
  estimateHours: 'estimate (estimateHours)',
  agent: 'agent',
  dependsOn: 'list of dependencies (dependsOn)',
};

function label(property: string): string {
  return LABELS[property] ?? JSON.stringify(property);
}

function at(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** What a JSON pointer into a task's properties names, given the name of its owner. */
function taskSubject(owner: string, rest: readonly string[]): string {
  if (rest.length === 0) return owner;
  const [property, item] = rest;
  if (rest.length === 1) return `the ${label(property)} of ${owner}`;
  if (property === 'acceptanceCriteria') return `acceptance criterion ${Number(item) + 1} of ${owner}`;
  if (property === 'dependsOn') return `dependency ${Number(item) + 1} of ${owner}`;
  return `the value at ${rest.join('/')} of ${owner}`;
}

function subjectOf(which: 'rescope' | 'expand', value: unknown, path: readonly string[]): string {
  if (which === 'rescope') return taskSubject('the task', path);
  if (path.length === 0) return 'the answer';
  if (path[0] !== 'subtasks') return `the ${label(path[0])} of the answer`;
  if (path.length === 1) return `the ${label('subtasks')} of the answer`;
  return taskSubject(subtaskName(Number(path[1]), at(value, ['subtasks', path[1], 'key'])), path.slice(2));
}

function schemaProblem(which: 'rescope' | 'expand', value: unknown, error: ErrorObject): string {
  const path = pointerSegments(error.instancePath);
  const subject = subjectOf(which, value, path);
  const found = at(value, path);
  switch (error.keyword) {
    case 'required': {
      const missing = String((error.params as { missingProperty: string }).missingProperty);
      return capitalised(`${subject} has no ${label(missing)}.`);
    }
    case 'additionalProperties': {
      const extra = String((error.params as { additionalProperty: string }).additionalProperty);
      return capitalised(`${subject} has a property that is not part of the answer asked for: ${JSON.stringify(extra)}.`);
    }
    case 'type': {
      if (path.length === 0) {
        return which === 'rescope'
          ? `The answer is not a task: it should be a JSON object with a title, a description, acceptance criteria, an estimate and an agent, not ${describeValue(found)}.`
          : `The answer is not a list of subtasks: it should be a JSON object with the subtasks, not ${describeValue(found)}.`;
      }
      // Ajv counts Infinity and NaN as not numbers; they are numbers that are not hours.
      if (typeof found === 'number' && !Number.isFinite(found)) return capitalised(`${subject} is not a number of hours (${String(found)}).`);
      const type = String((error.params as { type: string }).type);
      return capitalised(`${subject} should be ${TYPE_WORDS[type] ?? type}, not ${describeValue(found)}.`);
    }
    default:
      return capitalised(`${subject} does not fit the form asked for (${error.message ?? error.keyword}).`);
  }
}

// Tidying, as checkPlan.ts tidies a plan: what is written is exactly what was checked.

/**
 * One check on one line: list markers and checkboxes in front are dropped (the file writes
 * its own), a line break is a space. Dropped until none is left, so that a criterion
 * tidied twice is the criterion tidied once: the edits tidy what they are given again.
 */
function criterionText(value: string): string {
  let text = wellFormed(value).replace(/\s*[\r\n]+\s*/g, ' ').trim();
  for (let previous = ''; previous !== text; ) {
    previous = text;
    text = text.replace(/^(?:[-*+]\s+|\d{1,9}[.)]\s+)?(?:\[[ xX-]\]\s*)?/, '').trim();
  }
  return text;
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

function tidyTask(raw: RescopedTask): RescopedTask {
  return {
    title: wellFormed(raw.title).trim(),
    description: markdownText(raw.description),
    acceptanceCriteria: raw.acceptanceCriteria.map(criterionText).filter((c) => c !== ''),
    estimateHours: hundredths(raw.estimateHours),
    agent: wellFormed(raw.agent).trim(),
  };
}

function tidySubtask(raw: ProposedSubtask): ProposedSubtask {
  return {
    key: canonicalSubtaskKey(wellFormed(raw.key)),
    ...tidyTask(raw),
    dependsOn: unique(raw.dependsOn.map((d) => canonicalSubtaskKey(wellFormed(d)))),
  };
}

function lineProblems(value: string, what: string, owner: string, blank: boolean): string[] {
  if (value === '') return blank ? [capitalised(`${owner} has a blank ${what}.`)] : [];
  if (LINE_BREAK.test(value)) return [capitalised(`the ${what} of ${owner} has a line break; it must be one line.`)];
  const control = CONTROL.exec(value);
  if (control) return [capitalised(`the ${what} of ${owner} has a control character (${hex(control[0])}).`)];
  return [];
}

function textProblems(value: string, what: string, owner: string): string[] {
  const control = CONTROL.exec(value.replace(/[\n\t]/g, ' '));
  return control ? [capitalised(`the ${what} of ${owner} has a control character (${hex(control[0])}).`)] : [];
}

function estimateProblems(hours: number, owner: string): string[] {
  if (hours < 0) return [capitalised(`${owner} has a negative estimate (${hours} hours).`)];
  if (hours === 0) return [capitalised(`${owner} has an estimate of 0 hours; every task takes some time.`)];
  if (hours > MAX_TASK_HOURS) return [capitalised(`${owner} is estimated at ${hours} hours, more than ${MAX_TASK_HOURS}; that is no estimate of one task.`)];
  return [];
}

function taskProblems(task: RescopedTask, owner: string): string[] {
  return [
    ...lineProblems(task.title, 'title', owner, true),
    ...lineProblems(task.agent, 'agent', owner, false),
    ...textProblems(task.description, 'description', owner),
    ...task.acceptanceCriteria.flatMap((c, j) => textProblems(c, `acceptance criterion ${j + 1}`, owner)),
    ...estimateProblems(task.estimateHours, owner),
  ];
}

/** Whether a re-scoped task, already parsed from JSON, can be written; the task tidied, or every problem found. */
export function checkRescopedTask(value: unknown): RescopeCheck {
  const validate = validatorOf('rescope');
  if (!validate(value)) return { ok: false, problems: unique((validate.errors ?? []).map((e) => schemaProblem('rescope', value, e))) };
  const task = tidyTask(value as RescopedTask);
  const problems = unique(taskProblems(task, 'the task'));
  return problems.length > 0 ? { ok: false, problems } : { ok: true, task };
}

function times(count: number): string {
  return count === 2 ? 'two' : String(count);
}

function expansionProblems(subtasks: readonly ProposedSubtask[], most: number, fewest: number): string[] {
  const problems: string[] = [];
  if (subtasks.length === 0) problems.push('The answer has no subtasks.');
  else if (subtasks.length < fewest) problems.push(`The answer has only one subtask; a task is broken down into ${fewest} or more.`);
  if (subtasks.length > most) problems.push(`The answer has ${subtasks.length} subtasks, more than the ${most} allowed.`);
  const count = new Map<string, number>();
  subtasks.forEach((s, i) => {
    const owner = subtaskName(i, s.key);
    problems.push(...lineProblems(s.key, 'key', owner, true), ...taskProblems(s, owner));
    if (s.key !== '') count.set(s.key, (count.get(s.key) ?? 0) + 1);
  });
  for (const [key, n] of count) if (n > 1) problems.push(`${shown(key)} is used by ${times(n)} subtasks.`);
  const dependsOn = new Map<string, string[]>();
  subtasks.forEach((s, i) => {
    const who = s.key === '' ? capitalised(subtaskName(i, '')) : shown(s.key);
    for (const dep of s.dependsOn) {
      if (dep === s.key) problems.push(`${who} depends on itself.`);
      else if (!count.has(dep)) problems.push(`${who} depends on ${shown(dep)}, which is not one of the subtasks.`);
    }
    if (s.key !== '' && !dependsOn.has(s.key)) dependsOn.set(s.key, s.dependsOn.filter((d) => d !== s.key && count.has(d)));
  });
  const { cycles, more } = dependencyCycles([...count.keys()], dependsOn);
  for (const cycle of cycles) problems.push(`The subtasks' dependencies go round in a circle: ${cycle.map(shown).join(' → ')}.`);
  if (more) problems.push("The subtasks' dependencies go round in more circles than are listed here.");
  return unique(problems);
}

function checkSubtasks(value: unknown, most: number, fewest: number): ExpansionCheck {
  const validate = validatorOf('expand');
  if (!validate(value)) return { ok: false, problems: unique((validate.errors ?? []).map((e) => schemaProblem('expand', value, e))) };
  const subtasks = (value as { subtasks: ProposedSubtask[] }).subtasks.map(tidySubtask);
  const problems = expansionProblems(subtasks, most, fewest);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, subtasks };
}

/** Whether an expansion, already parsed from JSON, can be written: two subtasks or more, at most `maxSubtasks`, their dependencies among themselves without circles. */
export function checkExpansion(value: unknown, options: ExpansionOptions): ExpansionCheck {
  return checkSubtasks(value, options.maxSubtasks, 2);
}

interface AnswerWords {
  readonly declined: string;
  readonly empty: string;
  readonly fewer: string;
}

function parseAnswer(answer: string, stopReason: string | undefined, words: AnswerWords): { ok: true; value: unknown } | { ok: false; problems: string[] } {
  if (stopReason === 'refusal') {
    const said = answer.trim();
    const quote = said === '' ? '' : ` It said: ${JSON.stringify(said.length > 300 ? said.slice(0, 300) + '…' : said)}`;
    return { ok: false, problems: [`${words.declined}${quote}`] };
  }
  const { json, start } = unfenced(answer);
  try {
    return { ok: true, value: JSON.parse(json) };
  } catch (error) {
    if (stopReason === 'max_tokens') {
      return { ok: false, problems: [`The answer was cut off before it was complete: it reached the most tokens an answer may have. Allow more max tokens${words.fewer}.`] };
    }
    if (stopReason === 'model_context_window_exceeded') {
      return { ok: false, problems: ["The answer was cut off before it was complete: the epic, the PRD and the answer did not fit in the model's context window. Leave the PRD out, or shorten the epic."] };
    }
    if (json.trim() === '') return { ok: false, problems: [words.empty] };
    const broken = jsonBreak(json);
    if (!broken) return { ok: false, problems: [`The answer is not valid JSON (${error instanceof Error ? error.message : String(error)}).`] };
    const { line, column } = position(answer, start + broken.offset);
    return { ok: false, problems: [`The answer is not valid JSON: at line ${line}, column ${column}, ${broken.expected} was expected but ${foundAt(json, broken.offset)}.`] };
  }
}

/** Claude's re-scoped task as the API returned it: its text and why it stopped. */
export function readRescope(answer: string, stopReason: string | undefined): RescopeCheck {
  const parsed = parseAnswer(answer, stopReason, { declined: 'Claude declined to re-scope this task.', empty: 'The answer is empty: Claude wrote no task.', fewer: '' });
  return parsed.ok ? checkRescopedTask(parsed.value) : parsed;
}

/** Claude's subtasks as the API returned them: its text and why it stopped. */
export function readExpansion(answer: string, stopReason: string | undefined, options: ExpansionOptions): ExpansionCheck {
  const parsed = parseAnswer(answer, stopReason, {
    declined: 'Claude declined to break this task down into subtasks.',
    empty: 'The answer is empty: Claude wrote no subtasks.',
    fewer: ', or ask for fewer subtasks',
  });
  return parsed.ok ? checkExpansion(parsed.value, options) : parsed;
}

// ---------------------------------------------------------------------------------
// Text helpers

function hoursText(hours: number): string {
  return `${hours} ${hours === 1 ? 'hour' : 'hours'}`;
}

function linesOfText(value: string): string[] {
  return value === '' ? [] : value.split('\n');
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+|$)/;

/** The last line of a single-file task's block, as planText.ts reads it: the lines indented under its task line. */
function blockEnd(lines: readonly string[], line: number): number {
  const indent = indentOf(lines[line] ?? '');
  let end = line;
  for (let l = line + 1; l < lines.length; l++) {
    const current = lines[l];
    if (current.trim() === '') continue;
    if (indentOf(current) <= indent || HEADING.test(current)) break;
    end = l;
  }
  return end;
}

/** The common indentation of the non-blank lines removed, and blank lines at both ends: how planText.ts reads a task's text. */
function dedent(lines: readonly string[]): string {
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start].trim() === '') start++;
  while (end > start && lines[end - 1].trim() === '') end--;
  const kept = lines.slice(start, end);
  const indents = kept.filter((l) => l.trim() !== '').map(indentOf);
  const common = indents.length === 0 ? 0 : Math.min(...indents);
  return kept.map((l) => (l.trim() === '' ? '' : l.slice(common))).join('\n');
}

/** Lines `from`..`to` (inclusive) replaced by `replacement`; `to` = `from` - 1 inserts before line `from`. */
function linesEdit(source: string, from: number, to: number, replacement: readonly string[]): TextEdit {
  const lines = splitLines(source);
  const starts = lineStartOffsets(source);
  const eol = detectEol(source);
  if (to < from) {
    if (from < lines.length) return { offset: starts[from], length: 0, newText: replacement.map((l) => l + eol).join('') };
    const lead = source.length > 0 && !source.endsWith('\n') ? eol : '';
    return { offset: source.length, length: 0, newText: lead + replacement.join(eol) + eol };
  }
  const offset = starts[from];
  const end = starts[to] + lines[to].length;
  if (replacement.length > 0) return { offset, length: end - offset, newText: replacement.join(eol) };
  // No lines at all: the line breaks go too.
  if (to + 1 < lines.length) return { offset, length: starts[to + 1] - offset, newText: '' };
  const before = from > 0 ? starts[from - 1] + lines[from - 1].length : 0;
  return { offset: before, length: end - before, newText: '' };
}

function fileEditOf(path: string, edits: readonly TextEdit[]): FileEdit[] {
  return edits.length > 0 ? [{ path, edits }] : [];
}

/** A reader that sees a change applied over the files `read` gives. */
function overlay(read: ReadText, change: PlanChange): ReadText {
  const files = new Map<string, string>();
  for (const edit of change.edits) files.set(edit.path, applyEdits(read(edit.path), edit.edits));
  for (const create of change.creates) files.set(create.path, create.text);
  return (path) => files.get(path) ?? read(path);
}

function problemText(problems: readonly string[]): string {
  return unique(problems).join('; ');
}

// ---------------------------------------------------------------------------------
// Reading back

interface Snapshot {
  readonly epic: Epic;
  /** What the parsers and validation say, less the notes. */
  readonly diagnostics: readonly Diagnostic[];
  readonly read: ReadText;
}

function singleFileSnapshot(path: string, source: string, read: ReadText): Snapshot {
  const parsed = parseSingleFileEpic(path, source);
  const diagnostics = [...parsed.diagnostics, ...validateEpic(analyzeEpic(parsed.epic), undefined)].filter((d) => d.severity !== 'info');
  return { epic: parsed.epic, diagnostics, read: (p) => (p === path ? source : read(p)) };
}

/** A directory epic as the index assembles it from its files: `epic.md`, the task files, the mapping and the progress notes. */
function directorySnapshot(epic: Epic, taskPaths: readonly string[], read: ReadText): Snapshot {
  const dir = epic.dir!;
  let epicFile: ReturnType<typeof parseEpicFile> | undefined;
  try {
    epicFile = parseEpicFile(epic.path, read(epic.path));
  } catch {
    epicFile = undefined;
  }
  let mapping: ReturnType<typeof parseMappingFile> | undefined;
  const mappingPath = joinPath(dir, 'github-mapping.md');
  try {
    mapping = parseMappingFile(mappingPath, read(mappingPath));
  } catch {
    mapping = undefined;
  }
  const updates = epic.tasks
    .flatMap((t) => (t.startedIn === undefined ? [] : [updateFileOf(t.startedIn)]))
    .sort((a, b) => comparePaths(a.path, b.path));
  const taskFiles = taskPaths.map((p) => parseTaskFile(p, read(p)));
  const assembled = assembleDirectoryEpic(dir, epicFile, taskFiles, { mapping, updates });
  const diagnostics = [
    ...(epicFile?.diagnostics ?? []),
    ...taskFiles.flatMap((f) => f.diagnostics),
    ...assembled.diagnostics,
    ...validateEpic(analyzeEpic(assembled.epic), undefined),
  ].filter((d) => d.severity !== 'info');
  return { epic: assembled.epic, diagnostics, read };
}

/** A task the change writes: a subtask, or the re-scoped task (`like`, the task as it was, says what else it keeps). */
interface Written {
  readonly title: string;
  readonly hours: number;
  readonly agent: string;
  readonly dependsOn: readonly string[];
  readonly group: string | undefined;
  /** Its text as the issue would show it, when the change knows it whole. */
  readonly text?: string;
  readonly parallel?: boolean;
  readonly like?: Task;
}

interface Expectation {
  /** The epic's task ids after the change, in order. */
  readonly order: readonly string[];
  readonly written: ReadonlyMap<string, Written>;
  /** Dependencies a task that is otherwise kept gains. */
  readonly gains: ReadonlyMap<string, readonly string[]>;
  /** How many dependency edges the epic reads after the change. */
  readonly edges: number;
  /** Directory layout: the checklist of `epic.md` after the change, as `id:checked`. */
  readonly checklist?: readonly string[];
}

const show = (value: unknown) => (value === undefined ? 'nothing' : JSON.stringify(value));

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const set = new Set(a);
  return set.size === new Set(b).size && b.every((x) => set.has(x));
}

/** The fields of a task a change keeps, whatever else it writes. */
const KEPT_FIELDS = ['state', 'rawStatus', 'issue', 'githubUrl', 'priority', 'sprint', 'incomplete', 'startedIn'] as const;

/** Why the epic after a change is not the epic before it with the change made, in words; empty when it is. */
function readBackProblems(before: Snapshot, after: Snapshot, want: Expectation): string[] {
  const problems: string[] = [];
  const single = before.epic.layout === 'single-file';
  const was = new Map(before.epic.tasks.map((t) => [t.id, t] as const));
  const ids = after.epic.tasks.map((t) => t.id);
  if (ids.join(', ') !== want.order.join(', ')) problems.push(`the tasks read back as [${ids.join(', ')}] instead of [${want.order.join(', ')}]`);
  for (const task of after.epic.tasks) {
    const old = was.get(task.id);
    const written = want.written.get(task.id);
    const name = task.id;
    if (!written) {
      if (!old) continue;
      for (const field of ['title', 'group', 'estimate', 'estimateFrom', 'agent', 'parallel', ...KEPT_FIELDS] as const) {
        if (task[field] !== old[field]) problems.push(`${name} reads back with ${field} ${show(task[field])} instead of ${show(old[field])}`);
      }
      if (task.conflictsWith.join(',') !== old.conflictsWith.join(',')) problems.push(`${name} reads back with other conflicts`);
      const deps = [...old.dependsOn, ...(want.gains.get(task.id) ?? [])];
      if (!sameSet(task.dependsOn, deps)) problems.push(`${name} reads back depending on [${task.dependsOn.join(', ')}] instead of [${unique(deps).join(', ')}]`);
      if (single && splitLines(after.read(task.path))[task.range.line] !== splitLines(before.read(old.path))[old.range.line]) problems.push(`the task line of ${name} changes`);
      if (taskText(after.epic, task, after.read) !== taskText(before.epic, old, before.read)) problems.push(`the text of ${name} changes`);
      continue;
    }
    if (task.title !== written.title) problems.push(`${name} reads back with the title ${show(task.title)}`);
    if (readEstimate(task.estimate) !== written.hours || task.estimate !== hoursText(written.hours)) problems.push(`${name} reads back with the estimate ${show(task.estimate)}`);
    if ((task.agent ?? '') !== written.agent) problems.push(`${name} reads back with the agent ${show(task.agent)}`);
    if (task.group !== written.group) problems.push(`${name} reads back in the group ${show(task.group)}`);
    if (!sameSet(task.dependsOn, written.dependsOn)) problems.push(`${name} reads back depending on [${task.dependsOn.join(', ')}] instead of [${written.dependsOn.join(', ')}]`);
    if (written.text !== undefined && taskText(after.epic, task, after.read) !== written.text) problems.push(`the text of ${name} does not read back as written`);
    const like = written.like;
    if (like) {
      for (const field of KEPT_FIELDS) if (task[field] !== like[field]) problems.push(`${name} reads back with ${field} ${show(task[field])} instead of ${show(like[field])}`);
      if (task.conflictsWith.join(',') !== like.conflictsWith.join(',')) problems.push(`${name} reads back with other conflicts`);
      if (!single && task.parallel !== like.parallel) problems.push(`${name} reads back with parallel ${show(task.parallel)}`);
    } else {
      // A description's `**Priority:**` or `**Sprint:**` bullet would be read as the task's own.
      if (task.state !== 'open' || task.issue !== undefined) problems.push(`${name} reads back ${task.state}${task.issue === undefined ? '' : ` and linked to #${task.issue}`}`);
      if (task.priority !== undefined || task.sprint !== undefined || task.conflictsWith.length > 0) problems.push(`${name} reads back with a priority, sprint or conflicts it was not given`);
      if (written.parallel !== undefined && task.parallel !== written.parallel) problems.push(`${name} reads back with parallel ${show(task.parallel)}`);
    }
  }

  const epicFacts = (e: Epic) => show({ title: e.title, status: e.status, prd: e.prd, milestones: e.milestones.map((m) => [m.id, m.when, m.title, m.taskIds]) });
  if (epicFacts(after.epic) !== epicFacts(before.epic)) problems.push("the epic's title, status, PRD or milestones read back otherwise");
  if (single) {
    const groupOf = (id: string) => (want.written.has(id) ? want.written.get(id)!.group : was.get(id)?.group);
    const meant = before.epic.groups.map((g) => `${g.name}: ${want.order.filter((id) => groupOf(id) === g.name && (g.taskIds.includes(id) || !was.has(id))).join(', ')}`);
    const got = after.epic.groups.map((g) => `${g.name}: ${g.taskIds.join(', ')}`);
    if (got.join('\n') !== meant.join('\n')) problems.push(`the task groups read back as ${show(got)}`);
  }
  if (want.checklist) {
    const got = after.epic.checklist.map((c) => `${c.taskId}:${c.checked}`);
    if (got.join(', ') !== want.checklist.join(', ')) problems.push(`the epic's checklist reads back as [${got.join(', ')}]`);
  }
  if (after.epic.dependencies.length !== want.edges) problems.push(`${after.epic.dependencies.length} dependencies read back instead of ${want.edges}`);

  // No new error or warning: counted by kind, since line numbers and counts in the messages move.
  const counts = (list: readonly Diagnostic[]) => {
    const out = new Map<string, number>();
    for (const d of list) out.set(d.code, (out.get(d.code) ?? 0) + 1);
    return out;
  };
  const had = counts(before.diagnostics);
  for (const [code, n] of counts(after.diagnostics)) {
    if (n > (had.get(code) ?? 0)) problems.push(...after.diagnostics.filter((d) => d.code === code).slice(0, 1).map((d) => d.message));
  }
  return unique(problems);
}

// ---------------------------------------------------------------------------------
// The single-file layout

/** `plain` is `**Task 3:** Title`; `bold` is `**Task 3: Title**`; `same` keeps the label as written. */
type TitleForm = 'same' | 'plain' | 'bold';
/** Acceptance criteria as bullets, or as an indented code block under their bullet. */
type CriteriaForm = 'nested' | 'code';

interface SingleForms {
  readonly title: TitleForm;
  readonly criteria: CriteriaForm;
  readonly description: BodyForm;
}

function formsOf(titles: readonly TitleForm[]): SingleForms[] {
  return titles.flatMap((title) => (['nested', 'code'] as const).flatMap((criteria) => SINGLE_FILE_FORMS.map((description) => ({ title, criteria, description }))));
}

const NEW_TASK_FORMS = formsOf(['plain', 'bold']);
const RESCOPE_FORMS = formsOf(['same', 'plain', 'bold']);

/** The list marker and checkbox of a task line, and where its title is. */
interface TaskLine {
  /** `- `, `  * `, `3. `: the marker with its indentation and the space after it. */
  readonly marker: string;
  /** Where the label (`**Task 3:**`) starts. */
  readonly labelStart: number;
  readonly titleStart: number;
  /** The title's end, before a bold that closes it and the issue link. */
  readonly titleEnd: number;
  /** After the bold that closes a `**Task 5: Title**` title. */
  readonly closeEnd: number;
}

const LINE_HEAD = /^(\s*(?:[-*+]|\d{1,9}[.)])[ \t]+)\[[ xX-]\][ \t]+/;
const LABEL = /^(?:\*\*|__)?(?:task\s*|t)\d+\s*(?::\s*(?:\*\*|__)|(?:\*\*|__)\s*:?|[:.)-])\s*/i;

function taskLineOf(line: string): TaskLine | undefined {
  const head = LINE_HEAD.exec(line);
  if (!head) return undefined;
  const rest = line.slice(head[0].length);
  const labelMatch = LABEL.exec(rest);
  if (!labelMatch) return undefined;
  const titleStart = head[0].length + labelMatch[0].length;
  let titleEnd = Math.max(titleStart, line.trimEnd().length);
  const issue = ISSUE_SUFFIX.exec(line.slice(titleStart, titleEnd));
  if (issue && line.slice(titleStart, titleEnd).trimEnd().endsWith(')')) titleEnd = titleStart + issue.index;
  let closeEnd = titleEnd;
  const bold = rest.startsWith('**') ? '**' : rest.startsWith('__') ? '__' : undefined;
  const title = line.slice(titleStart, titleEnd).trimEnd();
  // `**Task 5: Title**`: the bold that opened before `Task` closes after the title.
  if (bold && title.endsWith(bold) && rest.indexOf(bold, 2) >= labelMatch[0].length) {
    closeEnd = titleStart + title.length;
    titleEnd = closeEnd - 2;
  }
  return { marker: head[1], labelStart: head[0].length, titleStart, titleEnd, closeEnd };
}

function labelled(number: number, title: string, form: 'plain' | 'bold'): string {
  return form === 'plain' ? `**Task ${number}:** ${title}` : `**Task ${number}: ${title}**`;
}

/** The lines under a task line, relative to its content column: description, then acceptance criteria, estimate and agent as bullets (`-`, or the list's own). */
function singleFileBody(task: RescopedTask, forms: SingleForms, bullet = '-'): string[] {
  const description = linesOfText(task.description);
  const out: string[] = [];
  if (description.length > 0) {
    if (forms.description === 'code') out.push('', ...indented(description, 4));
    else {
      // A body that starts with prose is set apart from the task line, or it would run on from the title.
      if (!/^ {0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)/.test(description[0])) out.push('');
      out.push(...indented(description, forms.description === 'nested' ? 0 : 2));
    }
    out.push('');
  }
  if (task.acceptanceCriteria.length > 0) {
    out.push(`${bullet} **Acceptance criteria:**`);
    const bullets = task.acceptanceCriteria.map((c) => `${bullet} ${c}`);
    out.push(...(forms.criteria === 'nested' ? indented(bullets, 2) : ['', ...indented(bullets, 6)]));
  }
  out.push(`${bullet} **Estimate:** ${hoursText(task.estimateHours)}`);
  if (task.agent !== '') out.push(`${bullet} **Agent:** ${task.agent}`);
  return out;
}

/** The bullet a line's list uses: `*` and `+` where the file uses them, else `-` (an ordered list's items get `-` bullets). */
function bulletOf(line: string): string {
  return /^\s*([*+])\s/.exec(line)?.[1] ?? '-';
}

function findItem(items: readonly OutlineItem[], line: number): OutlineItem | undefined {
  for (const item of items) {
    if (item.line === line) return item;
    if (item.line > line) return undefined;
    const found = findItem(item.children, line);
    if (found) return found;
  }
  return undefined;
}

function outlineOf(source: string) {
  const body = stripBom(source);
  const fm = findFrontmatter(body);
  return parseOutline(fm ? maskFrontmatter(body, fm) : body);
}

// Fields a re-scope replaces: what the answer gives anew. Any other field (priority, sprint,
// dependencies, conflicts, an owner...) is kept as written.
const REPLACED_KEYS = new Set(['estimate', 'effort', 'estimated_hours', 'hours', 'size', 'agent', 'agents', 'acceptance_criteria', 'acceptance', 'criteria', 'description', 'details']);

function keptField(item: OutlineItem): boolean {
  if (item.checked !== null || item.text.startsWith('[-]')) return false;
  const c = item.text.charCodeAt(0);
  const kv =
    c === 42 || c === 95
      ? parseBoldKeyLine(item.text)
      : /^(depends\s+on|blocked\s+by|requires)\s*:?\s+\S/i.test(item.text.trim())
        ? (['depends_on', ''] as [string, string])
        : undefined;
  return kv !== undefined && !REPLACED_KEYS.has(kv[0]);
}

/** The last line of a child item: the lines indented deeper than its marker, up to `limit`. */
function childEnd(lines: readonly string[], line: number, limit: number): number {
  const indent = indentOf(lines[line]);
  let end = line;
  for (let l = line + 1; l <= limit; l++) {
    if (lines[l].trim() === '') continue;
    if (indentOf(lines[l]) <= indent) break;
    end = l;
  }
  return end;
}

interface ParsedSingle {
  readonly source: string;
  readonly lines: readonly string[];
  readonly snapshot: Snapshot;
}

function readSingle(epic: Epic, read: ReadText): ParsedSingle {
  const source = read(epic.path);
  return { source, lines: splitLines(source), snapshot: singleFileSnapshot(epic.path, source, read) };
}

function onlyTask(epic: Epic, taskId: string): Task {
  const found = epic.tasks.filter((t) => t.id === taskId);
  if (found.length === 0) throw new PlanEditError(`${epic.path} has no task ${taskId}.`);
  if (found.length > 1) throw new PlanEditError(`${found.length} task lines of ${epic.path} are ${taskId}; give each its own number first.`);
  return found[0];
}

/** The re-scoped task's lines: its task line's title and the block under it. */
function rescopeSingleFile(plan: ParsedSingle, task: Task, next: RescopedTask, forms: SingleForms): { edits: TextEdit[]; text: string } | undefined {
  const { source, lines } = plan;
  const line = task.range.line;
  const shape = taskLineOf(lines[line]);
  if (!shape) return undefined;
  const number = numericId(task.id)!;
  const starts = lineStartOffsets(source);
  const lineText = lines[line];
  const edits: TextEdit[] = [];
  if (forms.title === 'same') {
    const space = /\s$/.test(lineText.slice(0, shape.titleStart)) ? '' : ' ';
    edits.push({ offset: starts[line] + shape.titleStart, length: shape.titleEnd - shape.titleStart, newText: space + next.title });
  } else {
    edits.push({ offset: starts[line] + shape.labelStart, length: shape.closeEnd - shape.labelStart, newText: labelled(number, next.title, forms.title) });
  }

  const end = blockEnd(lines, line);
  const item = findItem(outlineOf(source).items, line);
  const column = item?.children[0]?.column ?? shape.marker.length;
  const bullet = bulletOf(item?.children[0] === undefined ? shape.marker : lines[item.children[0].line]);
  const others = plan.snapshot.epic.tasks.filter((t) => t !== task && t.range.line > line && t.range.line <= end);
  const kept: number[] = [];
  const own: string[] = [];
  for (const child of item?.children ?? []) {
    if (child.line > end) break;
    const to = childEnd(lines, child.line, end);
    const holdsTask = others.some((t) => t.range.line >= child.line && t.range.line <= to);
    if (!holdsTask && !keptField(child)) continue;
    for (let l = child.line; l <= to; l++) kept.push(l);
  }
  const nested = new Set<number>();
  for (const t of others) for (let l = t.range.line; l <= blockEnd(lines, t.range.line); l++) nested.add(l);
  const body = indented(singleFileBody(next, forms, bullet), column);
  own.push(...body, ...kept.filter((l) => !nested.has(l)).map((l) => lines[l]));
  const replacement = [...body, ...kept.map((l) => lines[l])];
  edits.push(end > line ? linesEdit(source, line + 1, end, replacement) : { offset: starts[line] + lineText.length, length: 0, newText: replacement.map((l) => detectEol(source) + l).join('') });
  return { edits, text: dedent(own) };
}

function rescopeSingleFileChange(epic: Epic, taskId: string, next: RescopedTask, read: ReadText): PlanChange {
  const plan = readSingle(epic, read);
  const task = onlyTask(plan.snapshot.epic, taskId);
  if (!taskLineOf(plan.lines[task.range.line])) throw new PlanEditError(`The task line of ${taskId} is not one AutoPM can rewrite (\`- [ ] **Task 3:** Title\`).`);
  let first: string[] | undefined;
  for (const forms of RESCOPE_FORMS) {
    const made = rescopeSingleFile(plan, task, next, forms);
    if (!made) continue;
    const change: PlanChange = { edits: [{ path: epic.path, edits: made.edits }], creates: [], renames: [] };
    const after = singleFileSnapshot(epic.path, applyEdits(plan.source, made.edits), read);
    const problems = readBackProblems(plan.snapshot, after, {
      order: plan.snapshot.epic.tasks.map((t) => t.id),
      written: new Map([[taskId, { title: next.title, hours: next.estimateHours, agent: next.agent, dependsOn: task.dependsOn, group: task.group, text: made.text, like: task }]]),
      gains: new Map(),
      edges: plan.snapshot.epic.dependencies.length,
    });
    if (problems.length === 0) return change;
    first ??= problems;
  }
  throw new PlanEditError(`${taskId} cannot be re-scoped so that it reads back as written: ${problemText(first ?? ['its task line cannot be read'])}.`);
}

/** A mermaid label: the parser reads a node's label up to its first `]`, and mermaid chokes on quotes and brackets. */
function mermaidLabel(number: number, title: string): string {
  const plain = title.replace(/[^\p{L}\p{N} .,:'!?/+&@%*_-]/gu, ' ').replace(/\s+/g, ' ').trim();
  const chars = [...plain];
  const short = chars.length > 40 ? chars.slice(0, 39).join('').trimEnd() + '…' : plain;
  return `Task ${number}${short === '' ? '' : `: ${short}`}`;
}

/**
 * The edges added to the epic's mermaid graph: before the closing fence of its last
 * `graph` block, with the graph's own spelling of each task's node; or a new
 * `## Dependencies` graph, at the end of that section when the epic has one, else at the
 * end of the file.
 */
function mermaidEdits(source: string, nodes: ReadonlyArray<{ id: string; label: string }>, edges: ReadonlyArray<readonly [string, string]>): TextEdit {
  const lines = splitLines(source);
  const outline = outlineOf(source);
  const graphs = outline.code.filter((c) => c.lang?.toLowerCase() === 'mermaid' && /^\s*(?:graph|flowchart)\b/i.test(c.value.split('\n').find((l) => l.trim() !== '') ?? ''));
  const spelling = new Map<string, string>();
  for (const code of graphs) {
    for (const edge of parseMermaidEdges(code.value, code.line + 1)) {
      for (const raw of [edge.from, edge.to]) if (!spelling.has(mermaidNodeToTask(raw))) spelling.set(mermaidNodeToTask(raw), raw);
    }
  }
  const nodeOf = (id: string) => spelling.get(id) ?? id;
  const graph = graphs.at(-1);
  const closed = graph !== undefined && graph.endLine > graph.line && /^\s*(`{3,}|~{3,})\s*$/.test(lines[graph.endLine] ?? '');
  if (graph) {
    const content = lines.slice(graph.line + 1, closed ? graph.endLine : lines.length).filter((l) => l.trim() !== '');
    const indent = content.length > 1 ? /^\s*/.exec(content.at(-1)!)![0] || '    ' : '    ';
    const added = [...nodes.map((n) => `${indent}${n.id}["${n.label}"]`), ...edges.map(([from, to]) => `${indent}${nodeOf(from)} --> ${nodeOf(to)}`)];
    return closed ? linesEdit(source, graph.endLine, graph.endLine - 1, added) : linesEdit(source, lines.length, lines.length - 1, added);
  }
  const block = ['```mermaid', 'graph TD', ...nodes.map((n) => `    ${n.id}["${n.label}"]`), ...edges.map(([from, to]) => `    ${from} --> ${to}`), '```'];
  const headings = outline.headings;
  const section = headings.findIndex((h) => h.depth === 2 && /^dependencies$/i.test(h.text.trim()));
  if (section !== -1) {
    const next = headings.slice(section + 1).find((h) => h.depth <= 2);
    let last = (next ? next.line : lines.length) - 1;
    while (last > headings[section].line && lines[last].trim() === '') last--;
    return linesEdit(source, last + 1, last, ['', ...block, ...(last + 1 < lines.length && lines[last + 1].trim() !== '' ? [''] : [])]);
  }
  const trailing = lines.length > 0 && lines.at(-1) === '' ? lines.length - 1 : lines.length;
  const lead = trailing > 0 && lines[trailing - 1].trim() !== '' ? [''] : [];
  return linesEdit(source, trailing, trailing - 1, [...lead, '## Dependencies', '', ...block]);
}

/** Whether the tasks of a list are set apart by blank lines: as the tasks beside `near` are, else as the epic's are (yes when nothing says). */
function looseList(lines: readonly string[], tasks: readonly Task[], near: Task): boolean {
  const sameList = tasks.filter((t) => t.group === near.group && t.range.column === near.range.column);
  for (const pool of [sameList, tasks]) {
    let loose = 0;
    let tight = 0;
    for (const t of pool.slice(1)) {
      const previous = lines[t.range.line - 1] ?? '';
      if (previous.trim() === '') loose++;
      else if (!HEADING.test(previous)) tight++;
    }
    if (loose + tight > 0) return loose >= tight;
  }
  return true;
}

interface Draft {
  readonly subtask: ProposedSubtask;
  readonly id: string;
  readonly number: number;
  readonly dependsOn: readonly string[];
}

/** What the subtasks' dependencies come to: the subtasks' own, the expanded task's for those that wait for none of them, and the subtasks the expanded task now waits for. */
function dependencyPlan(subtasks: readonly ProposedSubtask[], ids: readonly string[], inherited: readonly string[]): { drafts: Array<Omit<Draft, 'number'>>; sinks: string[] } {
  const idOf = new Map(subtasks.map((s, i) => [s.key, ids[i]] as const));
  const waitedFor = new Set(subtasks.flatMap((s) => s.dependsOn));
  const drafts = subtasks.map((s, i) => ({
    subtask: s,
    id: ids[i],
    dependsOn: s.dependsOn.length === 0 ? [...inherited] : s.dependsOn.map((k) => idOf.get(k)!),
  }));
  const sinks = subtasks.filter((s) => !waitedFor.has(s.key)).map((s) => idOf.get(s.key)!);
  return { drafts, sinks };
}

type Placement = 'before' | 'group-end';

function newTaskLines(draft: Draft, forms: SingleForms, marker: string): string[] {
  const head = `${marker}[ ] ${labelled(draft.number, draft.subtask.title, forms.title === 'bold' ? 'bold' : 'plain')}`;
  return [head, ...indented(singleFileBody(draft.subtask, forms, bulletOf(marker)), marker.length)];
}

function expandSingleFileChange(epic: Epic, taskId: string, subtasks: readonly ProposedSubtask[], read: ReadText): PlanChange & { taskIds: string[] } {
  const plan = readSingle(epic, read);
  const current = plan.snapshot.epic;
  const task = onlyTask(current, taskId);
  refuseDone(task);
  const { lines, source } = plan;
  const shape = taskLineOf(lines[task.range.line]);
  const marker = shape?.marker ?? `${' '.repeat(task.range.column)}- `;
  const first = Math.max(0, ...current.tasks.map((t) => numericId(t.id) ?? 0)) + 1;
  const ids = subtasks.map((_, i) => `T${first + i}`);
  const known = new Set(current.tasks.map((t) => t.id));
  const { drafts: plain, sinks } = dependencyPlan(subtasks, ids, task.dependsOn.filter((d) => known.has(d) && d !== taskId));
  const drafts: Draft[] = plain.map((d, i) => ({ ...d, number: first + i }));
  const loose = looseList(lines, current.tasks, task);

  const insertionOf = (placement: Placement): { line: number; lead: boolean } => {
    if (placement === 'before') {
      const at = task.range.line;
      const previous = at > 0 ? lines[at - 1] : '';
      return { line: at, lead: loose && previous.trim() !== '' && !HEADING.test(previous) };
    }
    const inGroup = current.tasks.filter((t) => t.group === task.group);
    const anchor = inGroup.at(-1)!;
    return { line: blockEnd(lines, anchor.range.line) + 1, lead: loose };
  };
  const insert = (placement: Placement, chosen: ReadonlyArray<{ draft: Draft; forms: SingleForms }>): TextEdit => {
    const { line, lead } = insertionOf(placement);
    const blocks = chosen.map(({ draft, forms }) => newTaskLines(draft, forms, marker));
    const gap = loose ? [''] : [];
    if (placement === 'before') return linesEdit(source, line, line - 1, [...(lead ? [''] : []), ...blocks.flatMap((b) => [...b, ...gap])]);
    return linesEdit(source, line, line - 1, [...(lead ? [''] : []), ...blocks.flatMap((b, i) => (i === 0 ? b : [...gap, ...b]))]);
  };
  const orderAfter = (placement: Placement, added: readonly string[]) => {
    const { line } = insertionOf(placement);
    const old = current.tasks.map((t) => t.id);
    const at = current.tasks.findIndex((t) => t.range.line >= line);
    const cut = at === -1 ? old.length : at;
    return [...old.slice(0, cut), ...added, ...old.slice(cut)];
  };
  const writtenOf = (draft: Draft, forms: SingleForms, dependsOn: readonly string[]): Written => ({
    title: draft.subtask.title,
    hours: draft.subtask.estimateHours,
    agent: draft.subtask.agent,
    dependsOn,
    group: task.group,
    text: dedent(singleFileBody(draft.subtask, forms, bulletOf(marker))),
  });

  let firstProblems: string[] | undefined;
  for (const placement of ['before', 'group-end'] as const) {
    // Each subtask's forms, tried with it alone: the plainest under which it reads back as written.
    const chosen: Array<{ draft: Draft; forms: SingleForms }> = [];
    let unwritable: string | undefined;
    for (const draft of drafts) {
      let found: SingleForms | undefined;
      let problems: string[] = [];
      for (const forms of NEW_TASK_FORMS) {
        const edits = [insert(placement, [{ draft, forms }])];
        const after = singleFileSnapshot(epic.path, applyEdits(source, edits), read);
        problems = readBackProblems(plan.snapshot, after, {
          order: orderAfter(placement, [draft.id]),
          written: new Map([[draft.id, writtenOf(draft, forms, [])]]),
          gains: new Map(),
          edges: current.dependencies.length,
        });
        if (problems.length === 0) {
          found = forms;
          break;
        }
      }
      if (!found) {
        unwritable = `${draft.subtask.key} cannot be written so that it reads back as proposed (${problemText(problems)})`;
        break;
      }
      chosen.push({ draft, forms: found });
    }
    if (unwritable) {
      firstProblems ??= [unwritable];
      continue;
    }
    const labels = drafts.map((d) => ({ id: d.id, label: mermaidLabel(d.number, d.subtask.title) }));
    const edges = [...drafts.flatMap((d) => d.dependsOn.map((from) => [from, d.id] as const)), ...sinks.map((s) => [s, taskId] as const)];
    const edits = [insert(placement, chosen), mermaidEdits(source, labels, edges)];
    const after = singleFileSnapshot(epic.path, applyEdits(source, edits), read);
    const problems = readBackProblems(plan.snapshot, after, {
      order: orderAfter(placement, ids),
      written: new Map(chosen.map(({ draft, forms }) => [draft.id, writtenOf(draft, forms, draft.dependsOn)] as const)),
      gains: new Map([[taskId, sinks]]),
      edges: current.dependencies.length + edges.length,
    });
    if (problems.length === 0) return { edits: [{ path: epic.path, edits }], creates: [], renames: [], taskIds: ids };
    firstProblems ??= problems;
  }
  throw new PlanEditError(`${taskId} cannot be expanded so that the epic reads back as proposed: ${problemText(firstProblems ?? [])}.`);
}

// ---------------------------------------------------------------------------------
// The directory layout

/** `plain` writes markdown as it is; `code` as an indented code block, which no parser looks into. */
type FileForm = 'plain' | 'code';

interface FileForms {
  readonly description: FileForm;
  readonly criteria: FileForm;
}

const FILE_FORMS: readonly FileForms[] = (['plain', 'code'] as const).flatMap((criteria) => (['plain', 'code'] as const).map((description) => ({ description, criteria })));

function descriptionLines(task: RescopedTask, form: FileForm): string[] {
  const lines = linesOfText(task.description);
  return form === 'plain' ? lines : indented(lines, 4);
}

function criteriaLines(criteria: readonly string[], checked: ReadonlySet<string>, form: FileForm): string[] {
  const lines = criteria.map((c) => `- [${checked.has(c) ? 'x' : ' '}] ${c}`);
  return form === 'plain' ? lines : ['', ...indented(lines, 4)];
}

/**
 * A task file's body after its title heading, cut where its `#` and `##` headings are:
 * the text before the first of them, then one part per heading.
 */
interface FileBody {
  readonly lines: readonly string[];
  /** The title heading (`# Task: Title`), when the body starts with one. */
  readonly title?: number;
  /** The first line of the parts, and the line after the last (a line break that ends the file starts no line). */
  readonly from: number;
  readonly to: number;
  readonly parts: ReadonlyArray<{ readonly from: number; readonly to: number; readonly kind?: 'preamble' | 'description' | 'criteria' }>;
}

function fileBodyOf(source: string): FileBody {
  const lines = splitLines(source);
  const fm = findFrontmatter(stripBom(source));
  const bodyStart = fm && fm.endLine !== -1 ? fm.endLine + 1 : 0;
  const to = source.endsWith('\n') ? lines.length - 1 : lines.length;
  const headings = outlineOf(source).headings.filter((h) => h.line >= bodyStart && h.line < to);
  const firstNonBlank = lines.findIndex((l, i) => i >= bodyStart && l.trim() !== '');
  const title = headings.find((h) => h.depth === 1 && h.line === firstNonBlank)?.line;
  const from = title === undefined ? bodyStart : title + 1;
  const cuts = headings.filter((h) => h.depth <= 2 && h.line >= from);
  const parts: Array<FileBody['parts'][number]> = [];
  if (cuts.length === 0 || cuts[0].line > from) parts.push({ from, to: cuts[0]?.line ?? to, kind: 'preamble' });
  cuts.forEach((h, i) => {
    const kind = h.depth !== 2 ? undefined : /^(?:task\s+)?description$/i.test(h.text.trim()) ? 'description' : /^acceptance\s+criteria$/i.test(h.text.trim()) ? 'criteria' : undefined;
    parts.push({ from: h.line, to: cuts[i + 1]?.line ?? to, kind });
  });
  // Only the first section of each kind is the task's own.
  const seen = new Set<string>();
  const own = parts.map((p) => {
    if (p.kind === undefined || p.kind === 'preamble' || !seen.has(p.kind)) {
      if (p.kind !== undefined) seen.add(p.kind);
      return p;
    }
    return { from: p.from, to: p.to };
  });
  return { lines, title, from, to, parts: own };
}

/** The content of a part after its heading, dedented: what a section says. */
function partText(body: FileBody, kind: 'description' | 'criteria'): string | undefined {
  const part = body.parts.find((p) => p.kind === kind);
  return part === undefined ? undefined : dedent(body.lines.slice(part.from + 1, part.to));
}

/** One edit for the changed middle of a text: what is the same at either end is left alone, never split inside a line break or a surrogate pair. */
function narrowedEdit(offset: number, old: string, next: string): TextEdit[] {
  let a = 0;
  while (a < old.length && a < next.length && old[a] === next[a]) a++;
  while (a > 0 && (old[a - 1] === '\r' || /[\uD800-\uDBFF]/.test(old[a - 1]))) a--;
  let b = 0;
  while (b < old.length - a && b < next.length - a && old[old.length - 1 - b] === next[next.length - 1 - b]) b++;
  while (b > 0 && ((old[old.length - b] === '\n' && old[old.length - b - 1] === '\r') || /[\uDC00-\uDFFF]/.test(old[old.length - b]))) b--;
  if (a === old.length && a === next.length) return [];
  return [{ offset: offset + a, length: old.length - a - b, newText: next.slice(a, next.length - b) }];
}

/**
 * The task file's body with its Description and Acceptance Criteria sections written
 * anew (each heading as it was written, when it was): every other part as it was. Text
 * before the first section stands for the description in a file without one; a missing
 * section is added, the description first, the criteria after it.
 */
function rescopedBody(source: string, description: readonly string[], criteria: readonly string[]): TextEdit[] {
  const body = fileBodyOf(source);
  const { lines } = body;
  const eol = detectEol(source);
  const old = (p: FileBody['parts'][number]) => lines.slice(p.from, p.to);
  const section = (kind: 'description' | 'criteria', content: readonly string[]): string[] | undefined => {
    const part = body.parts.find((p) => p.kind === kind);
    const heading = part ? lines[part.from] : kind === 'description' ? '## Description' : '## Acceptance Criteria';
    const was = part ? old(part).slice(1) : [];
    // A blank line after the heading, or none, as the section had it.
    const lead = was.some((l) => l.trim() !== '') ? was[0].trim() === '' : kind === 'description';
    if (content.length === 0) return kind === 'description' && part ? [heading] : undefined;
    return [heading, ...(lead ? [''] : []), ...content];
  };
  const hasDescription = body.parts.some((p) => p.kind === 'description');
  const hasCriteria = body.parts.some((p) => p.kind === 'criteria');
  const out: Array<{ lines: string[]; mine: boolean }> = [];
  const push = (partLines: string[] | undefined, mine: boolean) => {
    if (partLines) out.push({ lines: partLines, mine });
  };
  let placedDescription = hasDescription;
  let placedCriteria = hasCriteria;
  const placeNew = () => {
    if (!placedDescription) push(section('description', description), true);
    placedDescription = true;
    if (!placedCriteria) push(section('criteria', criteria), true);
    placedCriteria = true;
  };
  for (const part of body.parts) {
    const text = old(part);
    const prose = part.kind === 'preamble';
    if (prose && !hasDescription && text.some((l) => l.trim() !== '')) {
      // The text before the first section was the description: the new one takes its place.
      placeNew();
      continue;
    }
    if (part.kind === 'description') {
      push(section('description', description), true);
      if (!placedCriteria) placeNew();
      continue;
    }
    if (part.kind === 'criteria') {
      push(section('criteria', criteria), true);
      continue;
    }
    if (!prose) placeNew();
    push(text, false);
  }
  placeNew();

  // Blank lines between the parts: one after a part of the task's own, one before it.
  const joined: string[] = [];
  out.forEach((part, i) => {
    const next = out[i + 1];
    let partLines = part.lines;
    if (part.mine) while (partLines.length > 0 && partLines.at(-1)!.trim() === '') partLines = partLines.slice(0, -1);
    joined.push(...partLines);
    if (next && (part.mine || next.mine) && (partLines.length === 0 || partLines.at(-1)!.trim() !== '')) joined.push('');
  });
  if (body.title !== undefined && out[0]?.mine) joined.unshift('');

  const starts = lineStartOffsets(source);
  const start = body.from < lines.length ? starts[body.from] : source.length;
  const end = body.to < lines.length ? starts[body.to] : source.length;
  let next = joined.map((l) => l + eol).join('');
  // A file that ends without a line break still does; a title on its last line gets one.
  if (body.to === lines.length && next !== '') next = next.slice(0, -eol.length);
  if (body.from >= lines.length && next !== '') next = eol + next;
  return narrowedEdit(start, source.slice(start, end), next);
}

/** Edits that empty a value at the end of its line take the space before it too: `agent:`, not `agent: `. */
function withoutTrailingSpace(source: string, edits: readonly TextEdit[]): TextEdit[] {
  return edits.map((e) => {
    const end = e.offset + e.length;
    if (e.newText !== '' || !/^(?:\r?\n|$)/.test(source.slice(end, end + 2))) return e;
    let start = e.offset;
    while (start > 0 && (source[start - 1] === ' ' || source[start - 1] === '\t')) start--;
    return { offset: start, length: end - start, newText: '' };
  });
}

function yamlList(refs: readonly string[]): string {
  return `[${refs.map((r) => (/^\d+$/.test(r) ? r : formatYamlValue(r))).join(', ')}]`;
}

/** The frontmatter keys an estimate may be read from besides `estimate`, and whether each takes a bare number. */
const OTHER_ESTIMATE_KEYS: ReadonlyArray<readonly [string, boolean]> = [
  ['estimated_hours', true],
  ['hours', true],
  ['effort', false],
  ['size', false],
];

function requireFrontmatter(source: string, task: Task, what: string): void {
  const fm = findFrontmatter(stripBom(source));
  if (!fm || fm.endLine === -1) throw new PlanEditError(`${task.path} has no closed frontmatter block, so ${what}; fix its frontmatter first.`);
}

function rescopeTaskFileEdits(source: string, next: RescopedTask, forms: FileForms, now: string): { edits: TextEdit[]; criteria: string } {
  const fm = findFrontmatter(stripBom(source))!;
  const data = normaliseKeys(fm.data, fm.keys);
  // `title:` names the task where a file has it, and is read first.
  const titleKey = data.title !== undefined ? 'title' : 'name';
  const estimate = formatYamlValue(hoursText(next.estimateHours));
  const edits: TextEdit[] = [...setFrontmatterFieldEdits(source, titleKey, formatYamlValue(next.title)), ...setFrontmatterFieldEdits(source, 'estimate', estimate)];
  // An estimate also written under another key would say otherwise where it is read alone.
  for (const [key, bare] of OTHER_ESTIMATE_KEYS) {
    if (findKey(fm, key) && readEstimate(String(data[key] ?? '')) !== undefined) edits.push(...setFrontmatterFieldEdits(source, key, bare ? String(next.estimateHours) : estimate));
  }
  if (next.agent !== '' || findKey(fm, 'agent')) edits.push(...withoutTrailingSpace(source, setFrontmatterFieldEdits(source, 'agent', next.agent === '' ? '' : formatYamlValue(next.agent))));
  if (findKey(fm, 'updated')) edits.push(...setFrontmatterFieldEdits(source, 'updated', now));

  const body = fileBodyOf(source);
  if (body.title !== undefined) {
    // `# Task: Title`, `# Task 004: Title`, `# Title`: the title after the label, the label as written.
    const heading = body.lines[body.title];
    const label = /^\s*#[ \t]+(?:task\s*#?\d*\s*[:.-][ \t]*)?/i.exec(heading)![0];
    edits.push({ offset: lineStartOffsets(source)[body.title] + label.length, length: heading.length - label.length, newText: headingTitle(next.title) });
  }
  // Criteria met before and still asked for stay checked.
  const met = new Set(
    (partText(body, 'criteria') ?? '')
      .split('\n')
      .map((l) => /^\s*[-*+]\s+\[[xX]\]\s+(.*)$/.exec(l)?.[1]?.trim())
      .filter((c): c is string => c !== undefined),
  );
  const criteria = criteriaLines(next.acceptanceCriteria, met, forms.criteria);
  edits.push(...rescopedBody(source, descriptionLines(next, forms.description), criteria));
  return { edits, criteria: dedent(criteria) };
}

/** The checklist line titles of `epic.md` for a task, set to its new title. */
function checklistTitleEdits(epic: Epic, epicText: string, taskId: string, title: string): TextEdit[] {
  const file = parseEpicFile(epic.path, epicText);
  const resolve = taskResolver(epic.tasks, epic.renumbered);
  const lines = splitLines(epicText);
  const starts = lineStartOffsets(epicText);
  const edits: TextEdit[] = [];
  for (const entry of file.checklist) {
    if (resolve(entry.ref) !== taskId || entry.title === '') continue;
    const line = lines[entry.line];
    const at = line.indexOf(entry.title, line.indexOf(entry.ref, entry.column) + entry.ref.length);
    if (at !== -1) edits.push({ offset: starts[entry.line] + at, length: entry.title.length, newText: title });
  }
  return edits;
}

function readEpicText(epic: Epic, read: ReadText): string | undefined {
  try {
    return read(epic.path);
  } catch {
    // A folder of task files without epic.md.
    return undefined;
  }
}

function checklistOf(snapshot: Snapshot): string[] {
  return snapshot.epic.checklist.map((c) => `${c.taskId}:${c.checked}`);
}

function rescopeDirectoryChange(epic: Epic, taskId: string, next: RescopedTask, read: ReadText, now: string): PlanChange {
  const paths = epic.tasks.map((t) => t.path);
  const before = directorySnapshot(epic, paths, read);
  const task = onlyTask(before.epic, taskId);
  const source = read(task.path);
  requireFrontmatter(source, task, 'it cannot be re-scoped');
  const epicText = readEpicText(epic, read);
  const epicEdits = epicText === undefined ? [] : checklistTitleEdits(before.epic, epicText, taskId, next.title.replace(/\s+/g, ' '));
  let first: string[] | undefined;
  for (const forms of FILE_FORMS) {
    const made = rescopeTaskFileEdits(source, next, forms, now);
    const change: PlanChange = { edits: [...fileEditOf(task.path, made.edits), ...fileEditOf(epic.path, epicEdits)], creates: [], renames: [] };
    const afterRead = overlay(read, change);
    const after = directorySnapshot(epic, paths, afterRead);
    const problems = readBackProblems(before, after, {
      order: before.epic.tasks.map((t) => t.id),
      written: new Map([[taskId, { title: next.title, hours: next.estimateHours, agent: next.agent, dependsOn: task.dependsOn, group: undefined, like: task }]]),
      gains: new Map(),
      edges: before.epic.dependencies.length,
      checklist: checklistOf(before),
    });
    // The sections read back as written, so that the next re-scope finds them again.
    const body = fileBodyOf(afterRead(task.path));
    if ((partText(body, 'description') ?? '') !== next.description) problems.push('the description does not read back as its section');
    if ((partText(body, 'criteria') ?? '') !== made.criteria) problems.push('the acceptance criteria do not read back as their section');
    if (problems.length === 0) return change;
    first ??= problems;
  }
  throw new PlanEditError(`${taskId} cannot be re-scoped so that it reads back as written: ${problemText(first ?? [])}.`);
}

function newTaskFileBody(subtask: ProposedSubtask, forms: FileForms): string[] {
  const out: string[] = [];
  const description = descriptionLines(subtask, forms.description);
  if (description.length > 0) out.push('', '## Description', '', ...description);
  if (subtask.acceptanceCriteria.length > 0) out.push('', '## Acceptance Criteria', ...criteriaLines(subtask.acceptanceCriteria, new Set(), forms.criteria));
  return out;
}

function newTaskFileText(subtask: ProposedSubtask, dependsOn: readonly string[], forms: FileForms, parallel: boolean, now: string, eol: string): string {
  const out = [
    '---',
    `name: ${formatYamlValue(subtask.title)}`,
    'status: open',
    `created: ${now}`,
    `updated: ${now}`,
    'github:',
    // As the command-line tools write them: `[001, 002]`, which the parser reads by their spelling.
    `depends_on: [${dependsOn.join(', ')}]`,
    `parallel: ${parallel}`,
    'conflicts_with: []',
    `estimate: ${formatYamlValue(hoursText(subtask.estimateHours))}`,
    ...(subtask.agent === '' ? [] : [`agent: ${formatYamlValue(subtask.agent)}`]),
    '---',
    '',
    `# Task: ${headingTitle(subtask.title)}`,
    ...newTaskFileBody(subtask, forms),
  ];
  return out.join(eol) + eol;
}

function expandDirectoryChange(epic: Epic, taskId: string, subtasks: readonly ProposedSubtask[], read: ReadText, now: string): PlanChange & { taskIds: string[] } {
  const paths = epic.tasks.map((t) => t.path);
  const before = directorySnapshot(epic, paths, read);
  const current = before.epic;
  const task = onlyTask(current, taskId);
  refuseDone(task);
  const source = read(task.path);
  requireFrontmatter(source, task, 'its dependencies on the subtasks cannot be written');
  const dir = epic.dir!;

  // Numbered as appendTaskChange numbers new task files one after the other: local
  // numbers stay below the issue numbers that synced files are renamed to.
  const local = current.tasks.map((t) => t.id).filter((id) => /^\d{1,3}$/.test(id)).map(Number);
  let number = Math.max(0, ...local) + 1;
  const taken = new Set(current.tasks.map((t) => numericId(t.id)));
  const ids: string[] = [];
  for (let i = 0; i < subtasks.length; i++) {
    while (taken.has(number)) number++;
    taken.add(number);
    ids.push(String(number).padStart(3, '0'));
  }
  const known = new Set(current.tasks.map((t) => t.id));
  const { drafts, sinks } = dependencyPlan(subtasks, ids, task.dependsOn.filter((d) => known.has(d) && d !== taskId));
  const eol = detectEol(source);
  const parallel = task.parallel ?? true;
  const pathOf = (id: string) => joinPath(dir, `${id}.md`);
  const orderWith = (added: readonly string[]) =>
    [...current.tasks.map((t) => t.id), ...added].sort((a, b) => (numericId(a) ?? 0) - (numericId(b) ?? 0) || comparePaths(a, b));
  const writtenOf = (draft: (typeof drafts)[number], forms: FileForms, dependsOn: readonly string[]): Written => ({
    title: draft.subtask.title,
    hours: draft.subtask.estimateHours,
    agent: draft.subtask.agent,
    dependsOn,
    group: undefined,
    text: dedent(newTaskFileBody(draft.subtask, forms)),
    parallel,
  });

  // Each subtask's forms, tried with its file alone: the plainest under which it reads back as written.
  const formsOf = new Map<string, FileForms>();
  for (const draft of drafts) {
    let problems: string[] = [];
    for (const forms of FILE_FORMS) {
      const alone: PlanChange = { edits: [], creates: [{ path: pathOf(draft.id), text: newTaskFileText(draft.subtask, [], forms, parallel, now, eol) }], renames: [] };
      const after = directorySnapshot(epic, [...paths, pathOf(draft.id)], overlay(read, alone));
      problems = readBackProblems(before, after, {
        order: orderWith([draft.id]),
        written: new Map([[draft.id, writtenOf(draft, forms, [])]]),
        gains: new Map(),
        edges: current.dependencies.length,
        checklist: checklistOf(before),
      });
      if (problems.length === 0) {
        formsOf.set(draft.id, forms);
        break;
      }
    }
    if (!formsOf.has(draft.id)) throw new PlanEditError(`${draft.subtask.key} cannot be written so that it reads back as proposed: ${problemText(problems)}.`);
  }

  // The expanded task now waits for its subtasks: its dependencies as written, and theirs.
  const fm = findFrontmatter(stripBom(source))!;
  const data = normaliseKeys(fm.data, fm.keys);
  const dependsKey = DEPENDS_KEYS.find((k) => data[k] !== undefined) ?? 'depends_on';
  const written = parseTaskFile(task.path, source).dependsOn;
  const taskEdits = setFrontmatterFieldEdits(source, dependsKey, yamlList([...written, ...sinks]));
  if (findKey(fm, 'updated')) taskEdits.push(...setFrontmatterFieldEdits(source, 'updated', now));

  // The new tasks' lines after the last of the `epic.md` checklist, and its progress, as appendTaskChange writes them.
  const epicText = readEpicText(epic, read);
  const epicEdits: TextEdit[] = [];
  let listsThem = false;
  if (epicText !== undefined) {
    const last = parseEpicFile(epic.path, epicText).checklist.at(-1);
    if (last) {
      listsThem = true;
      const entries = drafts.map((d) => `${' '.repeat(last.column)}- [ ] ${d.id}.md - ${d.subtask.title.replace(/\s+/g, ' ')}`);
      epicEdits.push(linesEdit(epicText, last.line + 1, last.line, entries));
    }
    if (findKey(findFrontmatter(stripBom(epicText)), 'progress')) {
      const done = current.tasks.filter((t) => t.state === 'done').length;
      epicEdits.push(...setFrontmatterFieldEdits(epicText, 'progress', `${percentOf(done, current.tasks.length + drafts.length)}%`));
    }
  }

  const creates: FileCreate[] = drafts.map((d) => ({ path: pathOf(d.id), text: newTaskFileText(d.subtask, d.dependsOn, formsOf.get(d.id)!, parallel, now, eol) }));
  const change: PlanChange = { edits: [...fileEditOf(task.path, taskEdits), ...fileEditOf(epic.path, epicEdits)], creates, renames: [] };
  const after = directorySnapshot(epic, [...paths, ...creates.map((c) => c.path)], overlay(read, change));
  const problems = readBackProblems(before, after, {
    order: orderWith(ids),
    written: new Map(drafts.map((d) => [d.id, writtenOf(d, formsOf.get(d.id)!, d.dependsOn)] as const)),
    gains: new Map([[taskId, sinks]]),
    edges: current.dependencies.length + drafts.reduce((n, d) => n + d.dependsOn.length, 0) + sinks.length,
    checklist: [...checklistOf(before), ...(listsThem ? ids.map((id) => `${id}:false`) : [])],
  });
  if (problems.length > 0) throw new PlanEditError(`${taskId} cannot be expanded so that the epic reads back as proposed: ${problemText(problems)}.`);
  return { ...change, taskIds: ids };
}

// ---------------------------------------------------------------------------------
// The edits

function refuseDone(task: Task): void {
  if (task.state === 'done') throw new PlanEditError(`${task.id} is done: a finished task is not broken down. Reopen it first, or add the work as new tasks.`);
}

/**
 * Replaces a task's title, description, acceptance criteria, estimate and agent with the
 * re-scoped ones. It keeps its id, state, issue link, dependencies, group, place and
 * other fields, and every other byte of the files. Directory layout: the task file's
 * `name` (or `title`), `estimate`, `agent`, `updated`, title heading, Description and
 * Acceptance Criteria sections (criteria met before and still asked for stay checked),
 * and its line of the `epic.md` checklist. Throws PlanEditError when the task cannot be
 * written so that it reads back as re-scoped.
 */
export function rescopeChange(epic: Epic, taskId: string, task: RescopedTask, read: ReadText, now: string): PlanChange {
  const checked = checkRescopedTask(task);
  if (!checked.ok) throw new PlanEditError(`The re-scoped task cannot be written: ${problemText(checked.problems)}`);
  const change = epic.layout === 'single-file' ? rescopeSingleFileChange(epic, taskId, checked.task, read) : rescopeDirectoryChange(epic, taskId, checked.task, read, now);
  // Only the bytes that change are edited: an open editor keeps its cursor and its undo steps small.
  const edits = change.edits.flatMap((file) => {
    const source = read(file.path);
    return fileEditOf(file.path, file.edits.flatMap((e) => narrowedEdit(e.offset, source.slice(e.offset, e.offset + e.length), e.newText)));
  });
  return { ...change, edits };
}

/**
 * Adds the subtasks as new tasks and makes the task their umbrella; `taskIds` are the new
 * tasks' ids, in the subtasks' order. Throws PlanEditError for a done task, and when the
 * epic cannot be written so that it reads back as expanded.
 */
export function expandChange(epic: Epic, taskId: string, subtasks: readonly ProposedSubtask[], read: ReadText, now: string): PlanChange & { readonly taskIds: readonly string[] } {
  const checked = checkSubtasks({ subtasks }, Number.POSITIVE_INFINITY, 1);
  if (!checked.ok) throw new PlanEditError(`The subtasks cannot be written: ${problemText(checked.problems)}`);
  return epic.layout === 'single-file' ? expandSingleFileChange(epic, taskId, checked.subtasks, read) : expandDirectoryChange(epic, taskId, checked.subtasks, read, now);
}
