/**
 * What Claude is asked when it breaks a PRD down into an epic: the instructions, the PRD
 * as context (the same text on every call over it, so that the API's prompt cache serves
 * a retry), and on a retry the problems found in the last answer, so that it is not
 * repeated. The answer's shape is DECOMPOSITION_SCHEMA; checkPlan.ts decides whether it
 * is usable.
 */
import { DECOMPOSITION_SCHEMA } from '../decompose/planSchema';
import type { JsonSchema } from '../decompose/planSchema';

export interface DecomposeRequestInput {
  /** The PRD file's path in the workspace, so the answer can be told apart from others. */
  readonly prdPath: string;
  readonly prdTitle: string;
  readonly prdText: string;
  readonly maxTasks: number;
  /** What was wrong with the last answer; empty or absent on the first call. */
  readonly problems?: readonly string[];
}

export interface DecomposeRequest {
  readonly system: string;
  readonly context: string;
  readonly prompt: string;
  readonly schema: JsonSchema;
}

const SYSTEM = [
  'You are a senior engineering lead breaking a product requirements document (PRD) down into an epic: one plan of tasks a small team works through.',
  'Every requirement, user story and success criterion of the PRD is served by at least one task; nothing the PRD puts out of scope gets a task.',
  'Tasks are small enough for one person to finish in one to three days (estimateHours between 1 and 24), each with acceptance criteria a reviewer can check.',
  'Group the tasks by phase or area (such as "Setup", "Data model", "API", "UI", "Testing", "Docs"); list them in the order they are best done, each group together.',
  'dependsOn names only the tasks that must truly be finished first, by their keys; there are no cycles. parallel is true when the task can be worked on beside the other ready ones.',
  'Keys are "T1", "T2"… in the order the tasks are listed; milestones are "M1", "M2"… and name the tasks that reach them.',
  'The overview says what the epic delivers and the main technical approach, in a few short paragraphs of markdown.',
  'Answer with the JSON plan only.',
].join(' ');

export function decomposeRequest(input: DecomposeRequestInput): DecomposeRequest {
  const problems = (input.problems ?? []).filter((p) => p.trim() !== '');
  const prompt = [
    `Break the PRD above (${input.prdPath}: "${input.prdTitle}") down into an epic of at most ${input.maxTasks} tasks.`,
    ...(problems.length > 0
      ? ['', 'Your last answer could not be used, because:', ...problems.map((p) => `- ${p.replace(/\s+/g, ' ').trim()}`), '', 'Answer again with a plan that has none of these problems.']
      : []),
  ].join('\n');
  return {
    system: SYSTEM,
    context: `<prd path="${input.prdPath}">\n${input.prdText.replace(/\r\n?/g, '\n').trimEnd()}\n</prd>`,
    prompt,
    schema: DECOMPOSITION_SCHEMA,
  };
}

/** The most tasks a plan may have unless a setting says otherwise (`autopm.decompose.maxTasks`, `--max-tasks`). */
export const DEFAULT_MAX_TASKS = 60;
