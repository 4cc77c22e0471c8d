// The plan Claude answers with when it breaks a PRD down: the schema the API is sent, and
// every problem an answer can have, in the exact words the user reads.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { canonicalKey, checkProposedPlan, dependencyCycles, jsonBreak, readProposedPlan } from '../../src/core/decompose/checkPlan';
import type { PlanCheck } from '../../src/core/decompose/checkPlan';
import { DECOMPOSITION_SCHEMA } from '../../src/core/decompose/planSchema';

const OPTIONS = { maxTasks: 50 };

type Raw = Record<string, unknown>;

function task(key: string, extra: Raw = {}): Raw {
  return {
    key,
    title: `Task ${key}`,
    group: 'Core',
    description: 'Do it.',
    acceptanceCriteria: ['It works'],
    estimateHours: 2,
    agent: 'node-backend-engineer',
    dependsOn: [],
    parallel: true,
    ...extra,
  };
}

function plan(tasks: Raw[], extra: Raw = {}): Raw {
  return { title: 'Link shortener', overview: 'Short links we own.', tasks, milestones: [], ...extra };
}

function problemsOf(result: PlanCheck): readonly string[] {
  assert.equal(result.ok, false, 'the plan should have been refused');
  return result.ok ? [] : result.problems;
}

function problems(value: unknown, options = OPTIONS): readonly string[] {
  return problemsOf(checkProposedPlan(value, options));
}

function passes(value: unknown) {
  const result = checkProposedPlan(value, OPTIONS);
  assert.ok(result.ok, result.ok ? '' : result.problems.join('\n'));
  return result.plan;
}

describe('the decomposition schema', () => {
  const FORBIDDEN = ['minLength', 'maxLength', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'pattern', 'format', 'maxItems', 'multipleOf', 'uniqueItems', 'patternProperties', 'oneOf', 'allOf', 'not', 'if'];
  const TYPES = new Set(['object', 'array', 'string', 'number', 'integer', 'boolean']);

  function walk(schema: Record<string, unknown>, path: string, visit: (schema: Record<string, unknown>, path: string) => void): void {
    visit(schema, path);
    const properties = schema.properties as Record<string, Record<string, unknown>> | undefined;
    for (const [name, child] of Object.entries(properties ?? {})) walk(child, `${path}.${name}`, visit);
    if (schema.items) walk(schema.items as Record<string, unknown>, `${path}[]`, visit);
  }

  test('keeps to what structured outputs accept: closed objects with every property required, plain types, no constraints', () => {
    let objects = 0;
    walk(DECOMPOSITION_SCHEMA as Record<string, unknown>, '$', (schema, path) => {
      assert.ok(TYPES.has(schema.type as string), `${path} has the type ${String(schema.type)}`);
      for (const keyword of FORBIDDEN) assert.ok(!(keyword in schema), `${path} uses ${keyword}`);
      if ('minItems' in schema) assert.ok((schema.minItems as number) <= 1, `${path} has minItems above 1`);
      if (schema.type === 'object') {
        objects++;
        assert.equal(schema.additionalProperties, false, `${path} is open`);
        assert.deepEqual([...(schema.required as string[])].sort(), Object.keys(schema.properties as object).sort(), `${path} leaves properties optional`);
      }
      if (schema.type === 'array') assert.ok(schema.items, `${path} has no items`);
    });
    assert.equal(objects, 3);
  });

  test('has exactly the names the README documents', () => {
    const s = DECOMPOSITION_SCHEMA as { properties: Record<string, { items?: { properties: object } }> };
    assert.deepEqual(Object.keys(s.properties), ['title', 'overview', 'tasks', 'milestones']);
    assert.deepEqual(Object.keys(s.properties.tasks.items!.properties), ['key', 'title', 'group', 'description', 'acceptanceCriteria', 'estimateHours', 'agent', 'dependsOn', 'parallel']);
    assert.deepEqual(Object.keys(s.properties.milestones.items!.properties), ['id', 'title', 'when', 'tasks']);
  });

  test('is plain JSON, frozen, and sent as it is checked', () => {
    assert.deepEqual(JSON.parse(JSON.stringify(DECOMPOSITION_SCHEMA)), DECOMPOSITION_SCHEMA);
    assert.ok(Object.isFrozen(DECOMPOSITION_SCHEMA));
    assert.ok(Object.isFrozen((DECOMPOSITION_SCHEMA as { properties: { tasks: { items: object } } }).properties.tasks.items));
    assert.throws(() => {
      (DECOMPOSITION_SCHEMA as Record<string, unknown>).type = 'array';
    });
  });
});

describe('checking a plan', () => {
  test('a good plan passes, tidied the way the files need it', () => {
    const result = passes(
      plan(
        [
          task('T1', { title: '  Scaffold the service ', description: '\r\n\r\n    Lay out the project.\r\n    Add lint.  \r\n\r\n', estimateHours: 1.333333 }),
          task('t2', { dependsOn: ['T1', 'task 1', 'T1'], acceptanceCriteria: ['- [ ] Redirects answer 301', '  ', '* [x] Slugs are\n  unique', '2. Logged'] }),
          task('Task 3', { dependsOn: ['T2'], group: '  ', agent: ' ' }),
        ],
        { milestones: [{ id: 'milestone 1', title: ' Redirects live ', when: ' Day 2 ', tasks: ['t2', 'T2', 'Task 3'] }] },
      ),
    );
    assert.deepEqual(result.tasks.map((t) => t.key), ['T1', 'T2', 'T3']);
    assert.equal(result.tasks[0].title, 'Scaffold the service');
    assert.equal(result.tasks[0].description, 'Lay out the project.\nAdd lint.');
    assert.equal(result.tasks[0].estimateHours, 1.33);
    assert.deepEqual(result.tasks[1].dependsOn, ['T1']);
    assert.deepEqual(result.tasks[1].acceptanceCriteria, ['Redirects answer 301', 'Slugs are unique', 'Logged']);
    assert.equal(result.tasks[2].group, '');
    assert.equal(result.tasks[2].agent, '');
    assert.deepEqual(result.milestones, [{ id: 'M1', title: 'Redirects live', when: 'Day 2', tasks: ['T2', 'T3'] }]);
  });

  test('keys are read the way models write them', () => {
    assert.deepEqual(['T1', 't1', 'Task 1', 'task-01', 'T 1', ' T1 ', 'TASK_1', 'task #1'].map(canonicalKey), Array(8).fill('T1'));
    assert.equal(canonicalKey('setup'), 'setup');
  });

  test('schema violations name the thing that is wrong', () => {
    const { title: _title, ...untitled } = task('T3');
    assert.deepEqual(problems(plan([task('T1'), task('T2'), untitled])), ['Task 3 (T3) has no title.']);
    assert.deepEqual(problems(plan([task('T1', { priority: 'high' })])), ['Task 1 (T1) has a property that is not part of the plan: "priority".']);
    assert.deepEqual(problems(plan([task('T1', { estimateHours: '3' })])), ['The estimate (estimateHours) of task 1 (T1) should be a number, not the text "3".']);
    assert.deepEqual(problems(plan([task('T1', { parallel: 'yes' })])), ['The parallel flag (parallel) of task 1 (T1) should be true or false, not the text "yes".']);
    assert.deepEqual(problems(plan([task('T1', { dependsOn: 'T2' })])), ['The list of dependencies (dependsOn) of task 1 (T1) should be a list, not the text "T2".']);
    assert.deepEqual(problems(plan([task('T1', { dependsOn: [2] })])), ['Dependency 1 of task 1 (T1) should be text, not the number 2.']);
    assert.deepEqual(problems(plan([task('T1', { acceptanceCriteria: [null] })])), ['Acceptance criterion 1 of task 1 (T1) should be text, not null.']);
    assert.deepEqual(problems(plan([task('T1', { estimateHours: Number.POSITIVE_INFINITY })])), ['The estimate (estimateHours) of task 1 (T1) is not a number of hours (Infinity).']);
    assert.deepEqual(problems(plan([task('T1', { title: 7 })])), ['The title of task 1 (T1) should be text, not the number 7.']);
    assert.deepEqual(problems(plan([task('T1')], { milestones: [{ id: 'M1', title: 'x', when: '', tasks: [1] }] })), ['Task 1 of milestone 1 (M1) should be text, not the number 1.']);
    assert.deepEqual(problems(plan([task('T1')], { milestones: [{ id: 'M1', title: 'x', tasks: [] }] })), ['Milestone 1 (M1) has no when.']);
    assert.deepEqual(problems(plan([task('T1'), 'T2' as unknown as Raw])), ['Task 2 should be an object, not the text "T2".']);
    assert.deepEqual(problems({ ...plan([task('T1')]), tasks: { T1: task('T1') } }), ['The list of tasks (tasks) of the plan should be a list, not an object.']);
    assert.deepEqual(problems({ ...plan([task('T1')]), notes: 'x' }), ['The plan has a property that is not part of the plan: "notes".']);
    assert.deepEqual(problems([task('T1')]), ['The answer is not a plan: it should be a JSON object with a title, an overview, tasks and milestones, not a list.']);
    assert.deepEqual(problems('a plan'), ['The answer is not a plan: it should be a JSON object with a title, an overview, tasks and milestones, not the text "a plan".']);
  });

  test('an empty answer lists everything it lacks', () => {
    assert.deepEqual(problems({}), ['The plan has no title.', 'The plan has no overview.', 'The plan has no list of tasks (tasks).', 'The plan has no list of milestones (milestones).']);
    assert.deepEqual(problems(plan([])), ['The plan has no tasks.']);
  });

  test('too many tasks', () => {
    assert.deepEqual(problems(plan([task('T1'), task('T2'), task('T3')]), { maxTasks: 2 }), ['The plan has 3 tasks, more than the 2 allowed.']);
  });

  test('blank and broken one-line fields', () => {
    assert.deepEqual(problems(plan([task('T1', { title: '   ' })])), ['Task 1 (T1) has a blank title.']);
    assert.deepEqual(problems(plan([task('T1')], { title: '' })), ['The plan has a blank title.']);
    assert.deepEqual(problems(plan([task(' ')])), ['Task 1 has a blank key.']);
    assert.deepEqual(problems(plan([task('T1', { title: 'Build\nthe API' })])), ['The title of task 1 (T1) has a line break; it must be one line.']);
    assert.deepEqual(problems(plan([task('T1', { title: 'Build\u2028the API' })])), ['The title of task 1 (T1) has a line break; it must be one line.']);
    assert.deepEqual(problems(plan([task('T1')], { title: 'Link\r\nshortener' })), ['The title of the plan has a line break; it must be one line.']);
    assert.deepEqual(problems(plan([task('T1', { group: 'Set\nup' })])), ['The group of task 1 (T1) has a line break; it must be one line.']);
    assert.deepEqual(problems(plan([task('T1', { agent: 'a\nb' })])), ['The agent of task 1 (T1) has a line break; it must be one line.']);
    assert.deepEqual(problems(plan([task('T1', { title: 'Ring \u0007 the bell' })])), ['The title of task 1 (T1) has a control character (U+0007).']);
    assert.deepEqual(problems(plan([task('T1', { description: 'a\u0000b' })])), ['The description of task 1 (T1) has a control character (U+0000).']);
    assert.deepEqual(problems(plan([task('T1')], { milestones: [{ id: 'M1', title: ' ', when: 'Day\n2', tasks: [] }] })), [
      'Milestone 1 (M1) has a blank title.',
      'The when of milestone 1 (M1) has a line break; it must be one line.',
    ]);
    assert.deepEqual(problems(plan([task('T1')], { milestones: [{ id: '', title: 'x', when: '', tasks: [] }] })), ['Milestone 1 has a blank id.']);
  });

  test('estimates are hours', () => {
    assert.deepEqual(problems(plan([task('T1', { estimateHours: -2 })])), ['Task 1 (T1) has a negative estimate (-2 hours).']);
    assert.deepEqual(problems(plan([task('T1', { estimateHours: 0 })])), ['Task 1 (T1) has an estimate of 0 hours; every task takes some time.']);
    assert.deepEqual(problems(plan([task('T1', { estimateHours: 0.001 })])), ['Task 1 (T1) has an estimate of 0 hours; every task takes some time.']);
    assert.deepEqual(problems(plan([task('T1', { estimateHours: 20000 })])), ['Task 1 (T1) is estimated at 20000 hours, more than 10000; split it into smaller tasks.']);
    assert.equal(passes(plan([task('T1', { estimateHours: 0.25 })])).tasks[0].estimateHours, 0.25);
  });

  test('keys used twice', () => {
    assert.deepEqual(problems(plan([task('T1'), task('T4'), task('T4')])), ['T4 is used by two tasks.']);
    assert.deepEqual(problems(plan([task('t4'), task('Task 4'), task('T4')])), ['T4 is used by 3 tasks.']);
    assert.deepEqual(problems(plan([task('T1')], { milestones: [{ id: 'M1', title: 'a', when: '', tasks: [] }, { id: 'm1', title: 'b', when: '', tasks: [] }] })), ['M1 is used by two milestones.']);
  });

  test('dependencies that name no task, or the task itself', () => {
    assert.deepEqual(problems(plan([task('T1'), task('T2'), task('T3'), task('T4'), task('T5', { dependsOn: ['T9'] })])), ['T5 depends on T9, which is not a task of the plan.']);
    assert.deepEqual(problems(plan([task('T1', { dependsOn: ['set up db'] })])), ['T1 depends on "set up db", which is not a task of the plan.']);
    assert.deepEqual(problems(plan([task('T1'), task('T2'), task('T3', { dependsOn: ['T1', 't3'] })])), ['T3 depends on itself.']);
    assert.deepEqual(problems(plan([task('T1')], { milestones: [{ id: 'M2', title: 'Done', when: '', tasks: ['T1', 'T7'] }] })), ['M2 names T7, which is not a task of the plan.']);
  });

  test('every circle of dependencies is named', () => {
    assert.deepEqual(problems(plan([task('T1'), task('T2', { dependsOn: ['T4'] }), task('T3'), task('T4', { dependsOn: ['T2'] })])), ['The dependencies go round in a circle: T2 → T4 → T2.']);
    // Two circles through T1, and one apart from them; T5 waits on a circle without being in one.
    const tangled = plan([
      task('T1', { dependsOn: ['T3'] }),
      task('T2', { dependsOn: ['T1'] }),
      task('T3', { dependsOn: ['T2', 'T1'] }),
      task('T4', { dependsOn: ['T6'] }),
      task('T5', { dependsOn: ['T4', 'T1'] }),
      task('T6', { dependsOn: ['T4'] }),
    ]);
    assert.deepEqual(problems(tangled), [
      'The dependencies go round in a circle: T1 → T2 → T3 → T1.',
      'The dependencies go round in a circle: T1 → T3 → T1.',
      'The dependencies go round in a circle: T4 → T6 → T4.',
    ]);
  });

  test('a tangle of circles is reported with a limit', () => {
    const keys = Array.from({ length: 12 }, (_, i) => `T${i + 1}`);
    const all = new Map(keys.map((k) => [k, keys.filter((o) => o !== k)] as const));
    const { cycles, more } = dependencyCycles(keys, all);
    assert.equal(cycles.length, 20);
    assert.equal(more, true);
    const list = problems(plan(keys.map((k) => task(k, { dependsOn: all.get(k) }))));
    assert.equal(list.length, 21);
    assert.equal(list.at(-1), 'The dependencies go round in more circles than are listed here.');
  });

  test('ugly answers a real model gives', () => {
    // Keys spelled three ways, referring to each other: one plan.
    const spelled = passes(plan([task('t1'), task('Task 2', { dependsOn: ['t1'] }), task('T3', { dependsOn: ['task 2'] })]));
    assert.deepEqual(spelled.tasks.map((t) => [t.key, t.dependsOn]), [['T1', []], ['T2', ['T1']], ['T3', ['T2']]]);
    // A milestone with no tasks is a date to aim for, as the example epic's are.
    assert.deepEqual(passes(plan([task('T1')], { milestones: [{ id: 'M1', title: 'Demo', when: 'Friday', tasks: [] }] })).milestones[0].tasks, []);
    // Two tasks may have the same title: their keys tell them apart.
    assert.deepEqual(passes(plan([task('T1', { title: 'Write tests', group: 'API' }), task('T2', { title: 'Write tests', group: 'UI' })])).tasks.map((t) => t.title), ['Write tests', 'Write tests']);
    // Extra properties and numbers as strings are not guessed at.
    assert.deepEqual(problems(plan([task('T1', { estimateHours: '2 hours', notes: '' })])), [
      'Task 1 (T1) has a property that is not part of the plan: "notes".',
      'The estimate (estimateHours) of task 1 (T1) should be a number, not the text "2 hours".',
    ]);
    // A task listed among its own dependencies is refused, not quietly dropped.
    assert.deepEqual(problems(plan([task('T1', { dependsOn: ['T1'] })])), ['T1 depends on itself.']);
    // A lone surrogate is written to disk as U+FFFD: the plan says so before it is written.
    assert.equal(passes(plan([task('T1', { title: 'Emoji \ud83d here' })])).tasks[0].title, 'Emoji \ufffd here');
  });

  test('nothing half-valid passes: one problem and there is no plan', () => {
    const result = checkProposedPlan(plan([task('T1'), task('T2', { dependsOn: ['T3'] })]), OPTIONS);
    assert.deepEqual(result, { ok: false, problems: ['T2 depends on T3, which is not a task of the plan.'] });
    assert.ok(!('plan' in result));
  });
});

describe('reading the answer', () => {
  const good = JSON.stringify(plan([task('T1')]));

  test('JSON that is a plan', () => {
    assert.equal(readProposedPlan(good, 'end_turn', OPTIONS).ok, true);
    assert.equal(readProposedPlan(good, undefined, OPTIONS).ok, true);
    assert.equal(readProposedPlan('```json\n' + good + '\n```\n', 'end_turn', OPTIONS).ok, true);
    // Cut off exactly at its end: the JSON is whole, so it is a plan.
    assert.equal(readProposedPlan(good, 'max_tokens', OPTIONS).ok, true);
  });

  test('text that is not JSON says where it broke', () => {
    assert.deepEqual(problemsOf(readProposedPlan('{"title": "x",\n  "tasks": [1,,2]}', 'end_turn', OPTIONS)), ['The answer is not valid JSON: at line 2, column 15, a value was expected but "," was found.']);
    assert.deepEqual(problemsOf(readProposedPlan('Here is the plan: {}', 'end_turn', OPTIONS)), ['The answer is not valid JSON: at line 1, column 1, a value was expected but "H" was found.']);
    assert.deepEqual(problemsOf(readProposedPlan('{"title": "x"} and more', 'end_turn', OPTIONS)), ['The answer is not valid JSON: at line 1, column 16, the end of the answer was expected but "a" was found.']);
    assert.deepEqual(problemsOf(readProposedPlan('{"title": "x", }', 'end_turn', OPTIONS)), ['The answer is not valid JSON: at line 1, column 16, a property name in double quotes was expected but "}" was found.']);
    assert.deepEqual(problemsOf(readProposedPlan('{"title" "x"}', 'end_turn', OPTIONS)), [`The answer is not valid JSON: at line 1, column 10, ':' was expected but '"' was found.`]);
    assert.deepEqual(problemsOf(readProposedPlan('{"title": "x"', 'end_turn', OPTIONS)), ["The answer is not valid JSON: at line 1, column 14, ',' or '}' was expected but the answer ends."]);
    assert.deepEqual(problemsOf(readProposedPlan('{"title": "a\nb"}', 'end_turn', OPTIONS)), ['The answer is not valid JSON: at line 1, column 13, a character allowed in a string (a line break must be written \\n) was expected but U+000A was found.']);
    assert.deepEqual(problemsOf(readProposedPlan("{'title': 'x'}", 'end_turn', OPTIONS)), ['The answer is not valid JSON: at line 1, column 2, a property name in double quotes was expected but "\'" was found.']);
    assert.deepEqual(problemsOf(readProposedPlan('```json\n{"title": x}\n```', 'end_turn', OPTIONS)), ['The answer is not valid JSON: at line 2, column 11, a value was expected but "x" was found.']);
    assert.deepEqual(problemsOf(readProposedPlan('  ', 'end_turn', OPTIONS)), ['The answer is empty: Claude wrote no plan.']);
  });

  test('an answer cut off by the token limit', () => {
    assert.deepEqual(problemsOf(readProposedPlan(good.slice(0, 60), 'max_tokens', OPTIONS)), [
      'The answer was cut off before the plan was complete: it reached the most tokens an answer may have. Allow more max tokens, or ask for fewer tasks.',
    ]);
    assert.deepEqual(problemsOf(readProposedPlan(good.slice(0, 60), 'model_context_window_exceeded', OPTIONS)), [
      "The answer was cut off before the plan was complete: the PRD and the answer did not fit in the model's context window. Ask for fewer tasks, or shorten the PRD.",
    ]);
  });

  test('a refusal', () => {
    assert.deepEqual(problemsOf(readProposedPlan('', 'refusal', OPTIONS)), ['Claude declined to break this PRD down into an epic.']);
    assert.deepEqual(problemsOf(readProposedPlan('I cannot help with that.', 'refusal', OPTIONS)), ['Claude declined to break this PRD down into an epic. It said: "I cannot help with that."']);
  });

  test('a plan that parses goes on to be checked', () => {
    assert.deepEqual(problemsOf(readProposedPlan(JSON.stringify(plan([])), 'end_turn', OPTIONS)), ['The plan has no tasks.']);
  });

  test('the place JSON breaks is found exactly where JSON.parse fails', () => {
    const valid = fc.json();
    const mangled = fc.tuple(valid, fc.nat(), fc.constantFrom('', ',', '}', ']', '"', ':', '\\', 'x', '\n', ' ', '0', '-', '.', 'e', 'tru', '\u0001')).map(([json, at, insert]) => {
      const i = at % (json.length + 1);
      return json.slice(0, i) + insert + json.slice(i + (at % 3 === 0 ? 1 : 0));
    });
    fc.assert(
      fc.property(fc.oneof(valid, mangled, fc.string()), (text) => {
        let parses = true;
        try {
          JSON.parse(text);
        } catch {
          parses = false;
        }
        const broken = jsonBreak(text);
        assert.equal(broken === undefined, parses, JSON.stringify(text));
        if (broken) assert.ok(broken.offset <= text.length);
      }),
      { numRuns: 2000 },
    );
  });
});
