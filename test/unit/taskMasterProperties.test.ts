/**
 * Property tests for Task Master's status edit over generated tasks.json files.
 *
 * A file is a value (tags, tasks, subtasks, with keys in random order) serialised as
 * Task Master or a person might: JSON.stringify with two or four spaces, tabs, or
 * minified, with LF or CRLF line endings. The expected value after an edit is computed
 * from the value, never from the code under test: setting one task's status changes
 * exactly that status (or adds it), and not one byte outside the edit.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { applyEdits } from '../../src/core/edits';
import type { TaskState } from '../../src/core/model';
import { parseTaskMasterFile, TASK_MASTER_STATUSES, taskMasterTaskState } from '../../src/core/parse/taskMasterParser';
import { setTaskMasterStatusEdits } from '../../src/core/taskMasterEdits';

const RUNS = Number(process.env.EDIT_PROPERTY_RUNS ?? 250);
const PATH = '.taskmaster/tasks/tasks.json';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** A JSON object with its keys in a random order (JSON.stringify writes them in insertion order). */
function shuffled(entries: ReadonlyArray<[string, Json]>): fc.Arbitrary<JsonObject> {
  return fc.shuffledSubarray([...entries.keys()], { minLength: entries.length, maxLength: entries.length }).map((order) => Object.fromEntries(order.map((i) => entries[i])));
}

const textArb = fc.string({ unit: 'binary', maxLength: 16 });
const statusArb = fc.oneof(fc.constantFrom<string>(...TASK_MASTER_STATUSES), textArb);
/** A task's own status: usually present, sometimes absent or null. */
const ownStatusArb: fc.Arbitrary<Json | undefined> = fc.option(fc.oneof({ weight: 5, arbitrary: statusArb }, { weight: 1, arbitrary: fc.constant(null) }), { nil: undefined, freq: 5 });

/** Task fields beside id, title and status: the ones Task Master writes and some it does not. */
function taskObject(id: Json, sibling: number, extra: ReadonlyArray<[string, Json]>): fc.Arbitrary<JsonObject> {
  return fc
    .record({
      title: textArb,
      status: ownStatusArb,
      description: textArb,
      priority: fc.constantFrom('high', 'medium', 'low'),
      dependencies: fc.array(fc.oneof(fc.integer({ min: 1, max: sibling + 2 }), fc.integer({ min: 1, max: 9 }).map(String), fc.constant('1.1')), { maxLength: 3 }),
    })
    .chain(({ title, status, ...rest }) => {
      const entries: Array<[string, Json]> = [['id', id], ['title', title], ...(Object.entries(rest) as Array<[string, Json]>), ...extra];
      if (status !== undefined) entries.push(['status', status]);
      return shuffled(entries);
    });
}

const subtasksArb: fc.Arbitrary<JsonObject[]> = fc
  .integer({ min: 0, max: 3 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => fc.constantFrom<Json>(i + 1, String(i + 1)).chain((id) => taskObject(id, n, [])))));

const tasksArb: fc.Arbitrary<JsonObject[]> = fc.integer({ min: 1, max: 5 }).chain((n) =>
  fc.tuple(...Array.from({ length: n }, (_, i) => subtasksArb.chain((subtasks) => taskObject(i + 1, n, subtasks.length > 0 ? [['subtasks', subtasks]] : [])))),
);

interface Plan {
  /** The file's value. */
  readonly value: JsonObject;
  /** Tag name → its tasks array, inside `value`. */
  readonly tags: ReadonlyArray<[string, JsonObject[]]>;
}

const planArb: fc.Arbitrary<Plan> = fc.oneof(
  // Untagged: the older shape, read as the tag master.
  tasksArb.map((tasks) => ({ value: { tasks, metadata: { projectName: 'Generated' } }, tags: [['master', tasks]] as Array<[string, JsonObject[]]> })),
  fc
    .uniqueArray(fc.constantFrom('master', 'feature-x', 'mobile-app', 'spike'), { minLength: 1, maxLength: 3 })
    .chain((names) => fc.tuple(...names.map((name) => tasksArb.map((tasks) => [name, tasks] as [string, JsonObject[]]))))
    .map((tags) => ({ value: Object.fromEntries(tags.map(([name, tasks]) => [name, { tasks, metadata: { description: `Tasks for ${name} context` } }])), tags })),
);

const layoutArb = fc.record({ indent: fc.constantFrom<number | string>(0, 2, 4, '\t'), eol: fc.constantFrom('\n', '\r\n') });

function serialise(value: Json, layout: { indent: number | string; eol: string }): string {
  // JSON escapes every line break inside strings, so each \n here is between tokens.
  return JSON.stringify(value, null, layout.indent).replace(/\n/g, layout.eol);
}

/** Every task of a tag with its id as the model writes it (`3`, `3.1`), in document order. */
function flatten(tasks: readonly JsonObject[]): Array<{ id: string; task: JsonObject }> {
  return tasks.flatMap((task) => [
    { id: String(task.id), task },
    ...((task.subtasks as JsonObject[] | undefined) ?? []).map((sub) => ({ id: `${task.id}.${sub.id}`, task: sub })),
  ]);
}

/** What the parser should make of a status as written. */
function expectedState(status: Json | undefined): TaskState {
  if (typeof status !== 'string' || status.trim() === '') return 'open';
  return taskMasterTaskState(status) ?? 'open';
}

function statesOf(text: string): Map<string, TaskState[]> {
  const out = new Map<string, TaskState[]>();
  for (const epic of parseTaskMasterFile(PATH, text).epics) {
    for (const task of epic.tasks) {
      const key = `${epic.id}#${task.id}`;
      out.set(key, [...(out.get(key) ?? []), task.state]);
    }
  }
  return out;
}

const caseArb = fc
  .record({ plan: planArb, layout: layoutArb, status: statusArb, pick: fc.nat() })
  .map(({ plan, layout, status, pick }) => {
    const all = plan.tags.flatMap(([tag, tasks]) => flatten(tasks).map((t) => ({ tag, ...t })));
    return { plan, layout, status, target: all[pick % all.length] };
  });

describe('Task Master status edit: properties', () => {
  test('only the one status changes, in the value and in the bytes; the parse sees it', () => {
    fc.assert(
      fc.property(caseArb, ({ plan, layout, status, target }) => {
        const text = serialise(plan.value, layout);
        const edits = setTaskMasterStatusEdits(text, target.tag, target.id, status);
        const after = applyEdits(text, edits);

        // (1) The value is the old one with that status set (or added), nothing else.
        const expected = structuredClone(plan.value) as JsonObject;
        const tags = Array.isArray(expected.tasks) ? [['master', expected.tasks]] : Object.entries(expected).map(([name, tag]) => [name, (tag as JsonObject).tasks]);
        const tasks = (tags as Array<[string, JsonObject[]]>).find(([name]) => name === target.tag)![1];
        flatten(tasks).find((t) => t.id === target.id)!.task.status = status;
        assert.deepEqual(JSON.parse(after), expected);

        // (2) Every byte outside the edit is the same.
        assert.ok(edits.length <= 1);
        if (edits.length === 0) {
          assert.equal(target.task.status, status);
        } else {
          const [edit] = edits;
          const tail = text.length - edit.offset - edit.length;
          assert.equal(after.slice(0, edit.offset), text.slice(0, edit.offset));
          assert.equal(after.slice(after.length - tail), text.slice(edit.offset + edit.length));
          // An existing status string is rewritten inside its quotes, a missing one added.
          if (typeof target.task.status === 'string') {
            assert.equal(text[edit.offset - 1], '"');
            assert.equal(text[edit.offset + edit.length], '"');
          } else if (target.task.status === undefined) {
            assert.equal(edit.length, 0);
          }
        }
        // The file's line endings are all of one kind still.
        if (layout.eol === '\r\n') assert.equal(after.replace(/\r\n/g, '').includes('\n'), false);
        else assert.equal(after.includes('\r'), false);

        // (3) The parse gives the new state to that task, and the old one to every other.
        const before = statesOf(text);
        const now = statesOf(after);
        const key = `${target.tag}#${target.id}`;
        assert.deepEqual([...now.keys()], [...before.keys()]);
        for (const [id, states] of before) {
          if (id !== key) assert.deepEqual(now.get(id), states, id);
        }
        assert.deepEqual(now.get(key), [expectedState(status)]);

        // Setting it again changes nothing.
        assert.deepEqual(setTaskMasterStatusEdits(after, target.tag, target.id, status), []);
      }),
      { numRuns: RUNS },
    );
  });

  test('a BOM in front moves the edit by one and stays', () => {
    fc.assert(
      fc.property(caseArb, ({ plan, layout, status, target }) => {
        const text = serialise(plan.value, layout);
        const plain = setTaskMasterStatusEdits(text, target.tag, target.id, status);
        const marked = setTaskMasterStatusEdits('\ufeff' + text, target.tag, target.id, status);
        assert.deepEqual(marked, plain.map((e) => ({ ...e, offset: e.offset + 1 })));
        assert.equal(applyEdits('\ufeff' + text, marked), '\ufeff' + applyEdits(text, plain));
      }),
      { numRuns: Math.ceil(RUNS / 5) },
    );
  });
});
