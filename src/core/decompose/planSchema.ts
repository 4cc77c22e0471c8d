/**
 * The shape of the plan Claude answers with when it breaks a PRD down into an epic.
 *
 * One schema object serves twice: it is sent to the API as the structured output format
 * (`output_config: { format: { type: 'json_schema', schema: DECOMPOSITION_SCHEMA } }`) and
 * it is what checkPlan.ts validates the answer against. Structured outputs accept only a
 * subset of JSON Schema: every object closed (`additionalProperties: false`) with all of
 * its properties required, and no length, range, pattern or format keywords. So the
 * schema says only the types; what it cannot say (non-blank titles, positive estimates,
 * keys that name tasks, no cycles) is checked by hand after it.
 */

export interface ProposedTask {
  /** `T1`, `T2`...: how the plan's tasks and milestones name this one. */
  readonly key: string;
  readonly title: string;
  /** The group (phase, area) it is listed under; empty for none. */
  readonly group: string;
  /** Markdown. */
  readonly description: string;
  readonly acceptanceCriteria: readonly string[];
  readonly estimateHours: number;
  /** The kind of specialist suited to it; empty for any. */
  readonly agent: string;
  /** Keys of the tasks that must be finished first. */
  readonly dependsOn: readonly string[];
  readonly parallel: boolean;
}

export interface ProposedMilestone {
  /** `M1`, `M2`... */
  readonly id: string;
  readonly title: string;
  /** When it is due, as the plan says it (`Day 2`, `Week 1`); empty when not said. */
  readonly when: string;
  /** Keys of the tasks it is reached with. */
  readonly tasks: readonly string[];
}

export interface ProposedPlan {
  readonly title: string;
  /** Markdown. */
  readonly overview: string;
  readonly tasks: readonly ProposedTask[];
  readonly milestones: readonly ProposedMilestone[];
}

/** A JSON Schema document, as plain data: what the API is sent and Ajv compiles. */
export type JsonSchema = { readonly [keyword: string]: JsonValue };
type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

const text = (description: string) => ({ type: 'string', description });
const keys = (description: string) => ({ type: 'array', items: { type: 'string' }, description });

// Frozen: the API request and the validator share this one object, and neither may change it for the other.
export const DECOMPOSITION_SCHEMA: JsonSchema = deepFreeze({
  type: 'object',
  additionalProperties: false,
  required: ['title', 'overview', 'tasks', 'milestones'],
  properties: {
    title: text("The epic's title: a short name for the work, on one line."),
    overview: text('What the epic delivers and how, in markdown: a few short paragraphs.'),
    tasks: {
      type: 'array',
      description: 'The tasks, in the order they are listed in the epic.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['key', 'title', 'group', 'description', 'acceptanceCriteria', 'estimateHours', 'agent', 'dependsOn', 'parallel'],
        properties: {
          key: text('The task\'s key: "T1" for the first task, "T2" for the second, and so on.'),
          title: text('What the task does, on one line.'),
          group: text('The group the task is listed under, such as a phase or an area ("Setup", "API", "Testing"); empty for none.'),
          description: text('What to do, in markdown.'),
          acceptanceCriteria: keys('How to tell the task is done: one check per item, each on one line.'),
          estimateHours: { type: 'number', description: 'Hours of work the task takes, more than 0.' },
          agent: text('The kind of specialist best suited to the task, such as "python-backend-engineer"; empty when anyone will do.'),
          dependsOn: keys('Keys of the tasks that must be finished before this one can start; never its own key.'),
          parallel: { type: 'boolean', description: 'Whether the task can be worked on at the same time as the other tasks that are ready.' },
        },
      },
    },
    milestones: {
      type: 'array',
      description: 'Points in the work where a set of tasks is done; may be empty.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'title', 'when', 'tasks'],
        properties: {
          id: text('"M1" for the first milestone, "M2" for the second, and so on.'),
          title: text('What is reached, on one line.'),
          when: text('When it is reached, such as "Day 2" or "Week 1"; empty when not known.'),
          tasks: keys('Keys of the tasks that are done when it is reached.'),
        },
      },
    },
  },
});
