/**
 * Whether Claude's answer is a plan AutoPM can write, and if not, why, in sentences a
 * user can act on. The schema is checked first (Ajv, against the very object the API is
 * sent); what a structured-output schema cannot say is checked after it: titles that are
 * not blank and fit on a line, estimates that are hours, keys each used once, references
 * that name tasks, and dependencies without circles. Nothing half-valid passes: one
 * problem anywhere and there is no plan.
 *
 * The plan that passes is tidied the way the files need it (trimmed one-line fields,
 * LF line breaks, `t1`/`Task 1` keys read as `T1`, repeated references once), so that
 * what is written is exactly what was checked.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import { newAjv } from '../ajvLoader';
import { capitalised, CONTROL, describeValue, foundAt, hex, hundredths, LINE_BREAK, markdownText, pointerSegments, position, TYPE_WORDS, unfenced, wellFormed } from '../claude/answerText';
import type { ProposedMilestone, ProposedPlan, ProposedTask } from './planSchema';
import { DECOMPOSITION_SCHEMA } from './planSchema';

export interface CheckOptions {
  /** The most tasks a plan may have. */
  readonly maxTasks: number;
}

export type PlanCheck = { readonly ok: true; readonly plan: ProposedPlan } | { readonly ok: false; readonly problems: readonly string[] };

/** Beyond this a number of hours is a slip (minutes, a year), not an estimate of one task. */
export const MAX_TASK_HOURS = 10_000;

// Compiled on first use, not on load: nothing runs at activation.
let validator: ValidateFunction | undefined;

function schemaValidator(): ValidateFunction {
  return (validator ??= newAjv().compile(DECOMPOSITION_SCHEMA));
}

// ---------------------------------------------------------------------------------
// Naming things

/** `T3` for `t3`, `Task 3`, `task-03`, `T 3`; any other key as written, trimmed. */
export function canonicalKey(key: string): string {
  const trimmed = key.trim();
  const match = /^(?:t|task)[\s_-]*#?0*(\d+)$/i.exec(trimmed);
  return match ? `T${match[1]}` : trimmed;
}

/** `M2` for `m2`, `Milestone 2`; any other id as written, trimmed. */
function canonicalMilestoneId(id: string): string {
  const trimmed = id.trim();
  const match = /^(?:m|milestone)[\s_-]*#?0*(\d+)$/i.exec(trimmed);
  return match ? `M${match[1]}` : trimmed;
}

/** A key as a message shows it: bare when it is a plain word, quoted otherwise. */
function shown(key: string): string {
  return /^[\p{L}\p{N}_.-]+$/u.test(key) ? key : JSON.stringify(key);
}

function taskName(index: number, key: unknown): string {
  const k = typeof key === 'string' ? canonicalKey(key) : '';
  return k === '' ? `task ${index + 1}` : `task ${index + 1} (${shown(k)})`;
}

function milestoneName(index: number, id: unknown): string {
  const m = typeof id === 'string' ? canonicalMilestoneId(id) : '';
  return m === '' ? `milestone ${index + 1}` : `milestone ${index + 1} (${shown(m)})`;
}

const PLAN_LABELS: Readonly<Record<string, string>> = {
  title: 'title',
  overview: 'overview',
  tasks: 'list of tasks (tasks)',
  milestones: 'list of milestones (milestones)',
};
const TASK_LABELS: Readonly<Record<string, string>> = {
  key: 'key',
  title: 'title',
  group: 'group',
  description: 'description',
  acceptanceCriteria: 'acceptance criteria (acceptanceCriteria)',
  estimateHours: 'estimate (estimateHours)',
  agent: 'agent',
  dependsOn: 'list of dependencies (dependsOn)',
  parallel: 'parallel flag (parallel)',
};
const MILESTONE_LABELS: Readonly<Record<string, string>> = {
  id: 'id',
  title: 'title',
  when: 'when',
  tasks: 'list of tasks (tasks)',
};

function at(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** What a JSON pointer into the answer names, in words: `/tasks/2/title` is "the title of task 3 (T3)". */
function subjectOf(value: unknown, path: readonly string[]): string {
  const [top, index, property, item] = path;
  const i = Number(index);
  if (path.length === 0) return 'the plan';
  if (path.length === 1) return top === 'tasks' || top === 'milestones' ? `the ${PLAN_LABELS[top]} of the plan` : `the ${PLAN_LABELS[top] ?? JSON.stringify(top)} of the plan`;
  if (top === 'tasks') {
    const name = taskName(i, at(value, ['tasks', index, 'key']));
    if (path.length === 2) return name;
    if (path.length === 3) return `the ${TASK_LABELS[property] ?? JSON.stringify(property)} of ${name}`;
    if (property === 'dependsOn') return `dependency ${Number(item) + 1} of ${name}`;
    if (property === 'acceptanceCriteria') return `acceptance criterion ${Number(item) + 1} of ${name}`;
  }
  if (top === 'milestones') {
    const name = milestoneName(i, at(value, ['milestones', index, 'id']));
    if (path.length === 2) return name;
    if (path.length === 3) return `the ${MILESTONE_LABELS[property] ?? JSON.stringify(property)} of ${name}`;
    if (property === 'tasks') return `task ${Number(item) + 1} of ${name}`;
  }
  return `the value at ${path.join('/')}`;
}

function labelOf(path: readonly string[], property: string): string {
  const labels = path.length === 0 ? PLAN_LABELS : path[0] === 'tasks' ? TASK_LABELS : MILESTONE_LABELS;
  return labels[property] ?? JSON.stringify(property);
}

function schemaProblem(value: unknown, error: ErrorObject): string {
  const path = pointerSegments(error.instancePath);
  const subject = subjectOf(value, path);
  const found = at(value, path);
  switch (error.keyword) {
    case 'required': {
      const missing = String((error.params as { missingProperty: string }).missingProperty);
      return capitalised(`${subject} has no ${labelOf(path, missing)}.`);
    }
    case 'additionalProperties': {
      const extra = String((error.params as { additionalProperty: string }).additionalProperty);
      return capitalised(`${subject} has a property that is not part of the plan: ${JSON.stringify(extra)}.`);
    }
    case 'type': {
      if (path.length === 0) return 'The answer is not a plan: it should be a JSON object with a title, an overview, tasks and milestones, not ' + describeValue(found) + '.';
      // Ajv counts Infinity and NaN as not numbers; they are numbers that are not hours.
      if (typeof found === 'number' && !Number.isFinite(found)) return capitalised(`${subject} is not a number of hours (${String(found)}).`);
      const type = String((error.params as { type: string }).type);
      return capitalised(`${subject} should be ${TYPE_WORDS[type] ?? type}, not ${describeValue(found)}.`);
    }
    default:
      return capitalised(`${subject} does not fit the form of a plan (${error.message ?? error.keyword}).`);
  }
}

// ---------------------------------------------------------------------------------
// Tidying

/**
 * One check on one line. A list marker or checkbox the model put in front is dropped (the
 * file writes its own), and a line break inside is a space, as markdown renders it.
 */
function criterionText(text: string): string {
  return wellFormed(text)
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .trim()
    .replace(/^(?:[-*+]\s+|\d{1,9}[.)]\s+)?(?:\[[ xX-]\]\s*)?/, '')
    .trim();
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function tidy(raw: ProposedPlan): ProposedPlan {
  return {
    title: wellFormed(raw.title).trim(),
    overview: markdownText(raw.overview),
    tasks: raw.tasks.map(
      (t): ProposedTask => ({
        key: canonicalKey(wellFormed(t.key)),
        title: wellFormed(t.title).trim(),
        group: wellFormed(t.group).trim(),
        description: markdownText(t.description),
        acceptanceCriteria: t.acceptanceCriteria.map(criterionText).filter((c) => c !== ''),
        // Hundredths of an hour: the file writes the number, and `1.3333333333 hours` helps nobody.
        estimateHours: hundredths(t.estimateHours),
        agent: wellFormed(t.agent).trim(),
        dependsOn: unique(t.dependsOn.map((d) => canonicalKey(wellFormed(d)))),
        parallel: t.parallel,
      }),
    ),
    milestones: raw.milestones.map(
      (m): ProposedMilestone => ({
        id: canonicalMilestoneId(wellFormed(m.id)),
        title: wellFormed(m.title).trim(),
        when: wellFormed(m.when).trim(),
        tasks: unique(m.tasks.map((k) => canonicalKey(wellFormed(k)))),
      }),
    ),
  };
}

// ---------------------------------------------------------------------------------
// What the schema cannot say

/** Problems of a field that must be one line; `blank` says whether an empty one is a problem. */
function lineProblems(text: string, what: string, owner: string, blank: boolean): string[] {
  if (text === '') return blank ? [capitalised(`${owner} has a blank ${what}.`)] : [];
  if (LINE_BREAK.test(text)) return [capitalised(`the ${what} of ${owner} has a line break; it must be one line.`)];
  const control = CONTROL.exec(text);
  if (control) return [capitalised(`the ${what} of ${owner} has a control character (${hex(control[0])}).`)];
  return [];
}

function textProblems(text: string, what: string, owner: string): string[] {
  const control = CONTROL.exec(text.replace(/[\n\t]/g, ' '));
  return control ? [capitalised(`the ${what} of ${owner} has a control character (${hex(control[0])}).`)] : [];
}

function times(count: number): string {
  return count === 2 ? 'two' : String(count);
}

function estimateProblems(hours: number, owner: string): string[] {
  if (hours < 0) return [capitalised(`${owner} has a negative estimate (${hours} hours).`)];
  if (hours === 0) return [capitalised(`${owner} has an estimate of 0 hours; every task takes some time.`)];
  if (hours > MAX_TASK_HOURS) return [capitalised(`${owner} is estimated at ${hours} hours, more than ${MAX_TASK_HOURS}; split it into smaller tasks.`)];
  return [];
}

/** Each way the dependencies go round, from its first task in plan order, in the order the work would flow (`T2 → T4 → T2`: T4 waits for T2, T2 for T4). */
export function dependencyCycles(keys: readonly string[], dependsOn: ReadonlyMap<string, readonly string[]>, limit = 20): { cycles: string[][]; more: boolean } {
  const index = new Map(keys.map((k, i) => [k, i] as const));
  // Edges in the direction the work flows: from a prerequisite to the tasks waiting for it.
  const next = new Map<string, string[]>(keys.map((k) => [k, []]));
  for (const k of keys) for (const d of dependsOn.get(k) ?? []) if (d !== k && index.has(d)) next.get(d)!.push(k);
  for (const list of next.values()) list.sort((a, b) => index.get(a)! - index.get(b)!);

  // Strongly connected components (Tarjan): a circle never leaves its component.
  const component = new Map<string, number>();
  {
    let counter = 0;
    const order = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    let components = 0;
    const visit = (start: string) => {
      // Iterative, so that a long chain of tasks cannot overflow the call stack.
      const work: Array<{ node: string; child: number }> = [{ node: start, child: 0 }];
      order.set(start, counter);
      low.set(start, counter++);
      stack.push(start);
      onStack.add(start);
      while (work.length > 0) {
        const frame = work[work.length - 1];
        const children = next.get(frame.node)!;
        if (frame.child < children.length) {
          const child = children[frame.child++];
          if (!order.has(child)) {
            order.set(child, counter);
            low.set(child, counter++);
            stack.push(child);
            onStack.add(child);
            work.push({ node: child, child: 0 });
          } else if (onStack.has(child)) low.set(frame.node, Math.min(low.get(frame.node)!, order.get(child)!));
          continue;
        }
        work.pop();
        if (work.length > 0) {
          const parent = work[work.length - 1].node;
          low.set(parent, Math.min(low.get(parent)!, low.get(frame.node)!));
        }
        if (low.get(frame.node) === order.get(frame.node)) {
          let member: string;
          do {
            member = stack.pop()!;
            onStack.delete(member);
            component.set(member, components);
          } while (member !== frame.node);
          components++;
        }
      }
    };
    for (const k of keys) if (!order.has(k)) visit(k);
  }

  // The elementary circles through each task, found from the first task of each in plan
  // order, with a budget: a tangle of tasks can hold more circles than anyone would read.
  const cycles: string[][] = [];
  let steps = 0;
  let more = false;
  for (const start of keys) {
    const s = index.get(start)!;
    const path = [start];
    const onPath = new Set([start]);
    const search = (node: string): boolean => {
      for (const child of next.get(node)!) {
        if (++steps > 200_000) return false;
        if (child === start) {
          if (cycles.length >= limit) return false;
          cycles.push([...path, start]);
          continue;
        }
        if (index.get(child)! <= s || onPath.has(child) || component.get(child) !== component.get(start)) continue;
        path.push(child);
        onPath.add(child);
        const goOn = search(child);
        path.pop();
        onPath.delete(child);
        if (!goOn) return false;
      }
      return true;
    };
    if (!search(start)) {
      more = true;
      break;
    }
  }
  return { cycles, more };
}

function semanticProblems(plan: ProposedPlan, options: CheckOptions): string[] {
  const problems: string[] = [];
  problems.push(...lineProblems(plan.title, 'title', 'the plan', true));
  problems.push(...textProblems(plan.overview, 'overview', 'the plan'));
  if (plan.tasks.length === 0) problems.push('The plan has no tasks.');
  if (plan.tasks.length > options.maxTasks) problems.push(`The plan has ${plan.tasks.length} tasks, more than the ${options.maxTasks} allowed.`);

  const count = new Map<string, number>();
  plan.tasks.forEach((task, i) => {
    const owner = taskName(i, task.key);
    problems.push(...lineProblems(task.key, 'key', owner, true));
    problems.push(...lineProblems(task.title, 'title', owner, true));
    problems.push(...lineProblems(task.group, 'group', owner, false));
    problems.push(...lineProblems(task.agent, 'agent', owner, false));
    problems.push(...textProblems(task.description, 'description', owner));
    task.acceptanceCriteria.forEach((c, j) => problems.push(...textProblems(c, `acceptance criterion ${j + 1}`, owner)));
    problems.push(...estimateProblems(task.estimateHours, owner));
    if (task.key !== '') count.set(task.key, (count.get(task.key) ?? 0) + 1);
  });
  for (const [key, n] of count) if (n > 1) problems.push(`${shown(key)} is used by ${times(n)} tasks.`);

  const keys = [...count.keys()];
  const dependsOn = new Map<string, string[]>();
  plan.tasks.forEach((task, i) => {
    const who = task.key === '' ? capitalised(taskName(i, '')) : shown(task.key);
    for (const dep of task.dependsOn) {
      if (dep === task.key) problems.push(`${who} depends on itself.`);
      else if (!count.has(dep)) problems.push(`${who} depends on ${shown(dep)}, which is not a task of the plan.`);
    }
    // The first task of a key stands for it, as the files would have it.
    if (task.key !== '' && !dependsOn.has(task.key)) dependsOn.set(task.key, task.dependsOn.filter((d) => d !== task.key && count.has(d)));
  });
  const { cycles, more } = dependencyCycles(keys, dependsOn);
  for (const cycle of cycles) problems.push(`The dependencies go round in a circle: ${cycle.map(shown).join(' → ')}.`);
  if (more) problems.push('The dependencies go round in more circles than are listed here.');

  const ids = new Map<string, number>();
  plan.milestones.forEach((m, i) => {
    const owner = milestoneName(i, m.id);
    problems.push(...lineProblems(m.id, 'id', owner, true));
    problems.push(...lineProblems(m.title, 'title', owner, true));
    problems.push(...lineProblems(m.when, 'when', owner, false));
    if (m.id !== '') ids.set(m.id, (ids.get(m.id) ?? 0) + 1);
    const who = m.id === '' ? capitalised(owner) : shown(m.id);
    for (const key of m.tasks) if (!count.has(key)) problems.push(`${who} names ${shown(key)}, which is not a task of the plan.`);
  });
  for (const [id, n] of ids) if (n > 1) problems.push(`${shown(id)} is used by ${times(n)} milestones.`);
  return problems;
}

/** Whether an answer, already parsed from JSON, is a plan that can be written; the plan tidied, or every problem found. */
export function checkProposedPlan(value: unknown, options: CheckOptions): PlanCheck {
  const validate = schemaValidator();
  if (!validate(value)) {
    const problems = unique((validate.errors ?? []).map((e) => schemaProblem(value, e)));
    return { ok: false, problems };
  }
  const plan = tidy(value as ProposedPlan);
  const problems = unique(semanticProblems(plan, options));
  return problems.length > 0 ? { ok: false, problems } : { ok: true, plan };
}

// ---------------------------------------------------------------------------------
// The answer as text

/** Where a text stops being JSON, and what was expected there. */
interface JsonBreak {
  readonly offset: number;
  readonly expected: string;
}

/**
 * The first place `text` breaks the JSON grammar; undefined when it does not. JSON.parse
 * says the same in words that change from one Node version to the next, so the place is
 * found here, by the grammar.
 */
export function jsonBreak(text: string): JsonBreak | undefined {
  let i = 0;
  const fail = (expected: string): never => {
    throw { offset: i, expected } satisfies JsonBreak;
  };
  const space = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const literal = (word: string) => {
    for (const c of word) {
      if (text[i] !== c) fail(`"${word}"`);
      i++;
    }
  };
  const digits = () => {
    if (!/[0-9]/.test(text[i] ?? '')) fail('a digit');
    while (/[0-9]/.test(text[i] ?? '')) i++;
  };
  const number = () => {
    if (text[i] === '-') i++;
    if (text[i] === '0') i++;
    else digits();
    if (text[i] === '.') {
      i++;
      digits();
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      digits();
    }
  };
  const string = () => {
    i++;
    for (;;) {
      if (i >= text.length) fail('a closing \'"\'');
      const c = text[i];
      if (c === '"') {
        i++;
        return;
      }
      if (c < ' ') fail('a character allowed in a string (a line break must be written \\n)');
      if (c === '\\') {
        i++;
        const e = text[i];
        if (e === 'u') {
          i++;
          for (let k = 0; k < 4; k++, i++) if (!/[0-9a-fA-F]/.test(text[i] ?? '')) fail('four hex digits after \\u');
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) fail('an escape (\\n, \\", \\\\ ...)');
      }
      i++;
    }
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === '{') {
      i++;
      space();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        space();
        if (text[i] !== '"') fail('a property name in double quotes');
        string();
        space();
        if (text[i] !== ':') fail("':'");
        i++;
        value();
        space();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail("',' or '}'");
      }
    }
    if (c === '[') {
      i++;
      space();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        space();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail("',' or ']'");
      }
    }
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
    fail('a value');
  };
  try {
    value();
    space();
    if (i < text.length) fail('the end of the answer');
    return undefined;
  } catch (e) {
    if (e !== null && typeof e === 'object' && 'expected' in e) return e as JsonBreak;
    throw e;
  }
}

/**
 * Claude's answer as the API returned it: its text and why it stopped. A refusal, an
 * answer cut off at the token limit and text that is not JSON each get their own
 * problem; JSON goes on to checkProposedPlan.
 */
export function readProposedPlan(text: string, stopReason: string | undefined, options: CheckOptions): PlanCheck {
  if (stopReason === 'refusal') {
    const said = text.trim();
    const quote = said === '' ? '' : ` It said: ${JSON.stringify(said.length > 300 ? said.slice(0, 300) + '…' : said)}`;
    return { ok: false, problems: [`Claude declined to break this PRD down into an epic.${quote}`] };
  }
  const { json, start } = unfenced(text);
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    if (stopReason === 'max_tokens') {
      return { ok: false, problems: ['The answer was cut off before the plan was complete: it reached the most tokens an answer may have. Allow more max tokens, or ask for fewer tasks.'] };
    }
    if (stopReason === 'model_context_window_exceeded') {
      return { ok: false, problems: ["The answer was cut off before the plan was complete: the PRD and the answer did not fit in the model's context window. Ask for fewer tasks, or shorten the PRD."] };
    }
    if (json.trim() === '') return { ok: false, problems: ['The answer is empty: Claude wrote no plan.'] };
    const broken = jsonBreak(json);
    if (!broken) return { ok: false, problems: [`The answer is not valid JSON (${error instanceof Error ? error.message : String(error)}).`] };
    const { line, column } = position(text, start + broken.offset);
    return { ok: false, problems: [`The answer is not valid JSON: at line ${line}, column ${column}, ${broken.expected} was expected but ${foundAt(json, broken.offset)}.`] };
  }
  return checkProposedPlan(value, options);
}
