/**
 * Quick fixes in other tools' files: Task Master's tasks.json, Spec Kit's and Kiro's
 * tasks.md. Each case gives the file before and after byte for byte; checkFix runs it on
 * LF and CRLF copies, reads the files again to see the diagnostic gone, and asks for the
 * fixes again to see none offered twice. A property test then removes every kind of
 * dangling reference from generated tasks.json files.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { analyzeEpic } from '../../src/core/analysis';
import { applyEdits } from '../../src/core/edits';
import type { FixPlan } from '../../src/core/fixes/fixes';
import { fixesFor, safeFixes } from '../../src/core/fixes/fixes';
import { dependencyListEdits } from '../../src/core/fixes/taskMasterFixes';
import type { Diagnostic } from '../../src/core/model';
import { parseTaskMasterFile, readTaskMasterJson } from '../../src/core/parse/taskMasterParser';
import { validateEpic } from '../../src/core/validate';
import { validateFixCommand, unifiedDiff } from '../../src/cliFix';
import { DEFAULT_PLAN_ROOTS } from '../../src/core/planIndex';
import { applied, checkFix, workspaceOf } from './fixesHelpers';

const TM = '.taskmaster/tasks/tasks.json';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** A tasks.json as Task Master writes it (two spaces), or in another indentation; minified has no final line break. */
function tasksJson(value: Json, indent: number | string = 2): string {
  const text = JSON.stringify(value, null, indent);
  return indent === 0 ? text : text + '\n';
}

function tagged(tasks: JsonObject[]): JsonObject {
  return { master: { tasks, metadata: { created: '2026-03-01T09:00:00.000Z', description: 'Tasks for master context' } } };
}

const INDENTS: ReadonlyArray<number | string> = [2, 4, '\t', 0];
const onLine = (line: number) => (d: Diagnostic) => d.range.line === line - 1;

describe('Task Master: a dependency on no task', () => {
  // Entry 9 (or "9") is the one that names no task, at each place of the list.
  const places: ReadonlyArray<[string, Json[], Json[]]> = [
    ['first', [9, 1, 2], [1, 2]],
    ['middle', [1, 9, 2], [1, 2]],
    ['last', [1, 2, 9], [1, 2]],
    ['only', [9], []],
    ['a string among numbers', [1, '9', 2], [1, 2]],
    ['a string beside a subtask reference', ['1', '9', '2.1'], ['1', '2.1']],
  ];
  for (const [place, deps, kept] of places) {
    test(`${place}: the entry goes with one comma, in every indentation, and nothing else changes`, async () => {
      for (const indent of INDENTS) {
        const value = (dependencies: Json[]) =>
          tagged([
            { id: 1, title: 'Set up the repository', status: 'done', dependencies: [] },
            { id: 2, title: 'Data model', status: 'pending', dependencies: [1], subtasks: [{ id: 1, title: 'Schema', status: 'pending', dependencies: [] }] },
            { id: 3, title: 'API', description: 'REST endpoints', status: 'pending', dependencies, priority: 'high' },
          ]);
        const fixes = await checkFix({
          files: { [TM]: tasksJson(value(deps), indent) },
          code: 'dependency-dangling',
          title: 'Remove the dependency on 9',
          safe: true,
          // JSON.stringify lays out the shorter list as the file had it: the bytes, and so the value, are the old ones less the entry.
          after: { [TM]: tasksJson(value(kept), indent) },
        });
        assert.deepEqual(
          fixes.map((f) => [f.title, f.safe, f.preferred]),
          [
            ['Remove the dependency on 9', true, true],
            ['Depend on another task…', false, false],
          ],
          String(indent),
        );
      }
    });
  }

  test('a list written on one line, as people write it: the entry and one comma and space', async () => {
    const text = (deps: string) =>
      [
        '{',
        '  "tasks": [',
        '    {"id": 1, "title": "Set up", "status": "done", "dependencies": []},',
        '    {"id": 2, "title": "Model", "status": "pending", "dependencies": [1]},',
        `    {"id": 3, "title": "API", "status": "pending", "dependencies": ${deps}}`,
        '  ]',
        '}',
        '',
      ].join('\n');
    const cases: Array<[string, string]> = [
      ['[12, 1, 2]', '[1, 2]'],
      ['[1, 12, 2]', '[1, 2]'],
      ['[1, 2, 12]', '[1, 2]'],
      ['[ 12 ]', '[]'],
      ['["12"]', '[]'],
      ['[1,12,2]', '[1,2]'],
      // A trailing comma, which hand-edited files have and the parser accepts, stays.
      ['[1, 2, 12,]', '[1, 2,]'],
      ['12', '[]'],
    ];
    for (const [before, after] of cases) {
      await checkFix({ files: { [TM]: text(before) }, code: 'dependency-dangling', title: 'Remove the dependency on 12', safe: true, after: { [TM]: text(after) } });
    }
  });

  test('two spellings of one reference both go: `2` in subtask 3.1 is 3.2, and so is "3.2"', async () => {
    const value = (deps: Json[]) => ({ tasks: [{ id: 3, title: 'API', status: 'pending', dependencies: [], subtasks: [{ id: 1, title: 'Routes', dependencies: deps }] }] });
    const ws = await workspaceOf({ [TM]: tasksJson(value([2, '3.2'])) });
    const dangling = ws.diagnostics.filter((d) => d.code === 'dependency-dangling');
    // One diagnostic per entry, in the same words: the fix of either removes both.
    assert.equal(dangling.length, 2);
    assert.equal(dangling[0].message, dangling[1].message);
    const [first, second] = dangling.map((d) => fixesFor(d, ws.plan)[0]);
    assert.equal(first.title, 'Remove the dependency on 3.2');
    assert.deepEqual(first.change, second.change);
    assert.equal(applied(ws.files, first.change).get(TM), tasksJson(value([])));
  });

  test('"Depend on another task…": the tag\'s other tasks, nearest id first, written as the entry was', async () => {
    const value = (deps: Json[]) =>
      tagged([
        { id: 1, title: 'Set up', status: 'done', dependencies: [] },
        { id: 2, title: 'Model', status: 'pending', dependencies: [1], subtasks: [{ id: 1, title: 'Schema', dependencies: [] }] },
        { id: 10, title: 'Deploy', status: 'pending', dependencies: [] },
        { id: 11, title: 'Monitoring', status: 'pending', dependencies: [deps.length > 0 ? 2 : 1] },
        { id: 5, title: 'API', status: 'pending', dependencies: deps },
      ]);
    const ws = await workspaceOf({ [TM]: tasksJson(value([2, '12'])) });
    const d = ws.diagnostics.find((x) => x.code === 'dependency-dangling')!;
    const choice = fixesFor(d, ws.plan).find((f) => f.title === 'Depend on another task…')!;
    assert.equal(choice.safe, false);
    assert.equal(choice.choice!.placeholder, 'The task that task 5 depends on instead of 12');
    // Not 5 itself, not 2 (5 waits for it already); 11 and 10 nearest 12, then 1, then 2's subtask.
    assert.deepEqual(
      choice.choice!.options.map((o) => [o.label, o.detail]),
      [
        ['11', 'Monitoring'],
        ['10', 'Deploy'],
        ['2.1', 'Schema'],
        ['1', 'Set up'],
      ],
    );
    const pick = (label: string) => applied(ws.files, choice.choice!.options.find((o) => o.label === label)!.change).get(TM);
    // A string entry is replaced by a string; a subtask is always written dotted.
    assert.equal(pick('10'), tasksJson(value([2, '10'])));
    assert.equal(pick('2.1'), tasksJson(value([2, '2.1'])));
  });

  test('a task that others wait for is never offered: depending on it would make a cycle', async () => {
    const files = {
      [TM]: tasksJson({
        tasks: [
          { id: 1, title: 'Model', dependencies: [7] },
          { id: 2, title: 'API', dependencies: [1] },
          { id: 3, title: 'Docs', dependencies: [] },
        ],
      }),
    };
    const ws = await workspaceOf(files);
    const d = ws.diagnostics.find((x) => x.code === 'dependency-dangling')!;
    assert.deepEqual(fixesFor(d, ws.plan).find((f) => f.choice)!.choice!.options.map((o) => o.label), ['3']);
  });

  test('in a subtask, siblings are written by their own number and other tasks by their dotted id; top-level tasks cannot be named', async () => {
    const value = (deps: Json[]) => ({
      tasks: [
        { id: 1, title: 'Model', dependencies: [], subtasks: [{ id: 1, title: 'Schema', dependencies: [] }] },
        { id: 2, title: 'API', dependencies: [], subtasks: [{ id: 1, title: 'Routes', dependencies: deps }, { id: 2, title: 'Handlers', dependencies: [] }] },
      ],
    });
    const ws = await workspaceOf({ [TM]: tasksJson(value([5])) });
    const d = ws.diagnostics.find((x) => x.code === 'dependency-dangling')!;
    assert.equal(d.message, 'Task 2.1 depends on 2.5, which is not a task of epic master. It stays blocked until the reference is fixed.');
    const choice = fixesFor(d, ws.plan).find((f) => f.choice)!.choice!;
    assert.deepEqual(choice.options.map((o) => o.label), ['2.2', '1.1']);
    assert.equal(applied(ws.files, choice.options[0].change).get(TM), tasksJson(value([2])));
    assert.equal(applied(ws.files, choice.options[1].change).get(TM), tasksJson(value(['1.1'])));
  });

  test('each tag is fixed in its own list: the epic is told by where the diagnostic is', async () => {
    const value = (mobile: Json[]) => ({
      master: { tasks: [{ id: 1, title: 'Set up', dependencies: [] }] },
      'mobile-app': { tasks: [{ id: 1, title: 'Screens', dependencies: [] }, { id: 2, title: 'Push', dependencies: mobile }] },
    });
    await checkFix({ files: { [TM]: tasksJson(value([1, 4])) }, code: 'dependency-dangling', title: 'Remove the dependency on 4', safe: true, after: { [TM]: tasksJson(value([1])) } });
  });

  test('a byte-order mark stays, and the edit moves by one', async () => {
    const value = (deps: Json[]) => ({ tasks: [{ id: 1, title: 'Set up', dependencies: deps }] });
    await checkFix({ files: { [TM]: '\ufeff' + tasksJson(value([8])) }, code: 'dependency-dangling', title: 'Remove the dependency on 8', safe: true, after: { [TM]: '\ufeff' + tasksJson(value([])) } });
  });

  test('a comment between the entries: no removal, since which entry it is about cannot be told', () => {
    const text = '{"deps": [1, // the model\n 9]}';
    const list = readTaskMasterJson(text).root!.children![0].children![1];
    assert.equal(dependencyListEdits(text, list, new Set([1])), undefined);
    assert.deepEqual(dependencyListEdits(text, list, new Set([0, 1])), undefined);
    const plain = '{"deps": [1, 9]}';
    const plainList = readTaskMasterJson(plain).root!.children![0].children![1];
    assert.equal(applyEdits(plain, dependencyListEdits(plain, plainList, new Set([1]))!), '{"deps": [1]}');
  });
});

describe('Task Master: self dependencies, cycles, statuses, duplicate ids', () => {
  test('a task that depends on itself: removed, safely', async () => {
    const value = (deps: Json[]) => tagged([{ id: 1, title: 'Set up', dependencies: [] }, { id: 2, title: 'API', dependencies: deps }]);
    for (const indent of INDENTS) {
      await checkFix({ files: { [TM]: tasksJson(value([1, '2']), indent) }, code: 'dependency-self', title: 'Remove the dependency of task 2 on itself', safe: true, after: { [TM]: tasksJson(value([1]), indent) } });
    }
  });

  test('a cycle: one fix per edge, this diagnostic\'s first, none safe', async () => {
    const value = (two: Json[], three: Json[]) =>
      tagged([
        { id: 1, title: 'Set up', dependencies: [] },
        { id: 2, title: 'Model', dependencies: two },
        { id: 3, title: 'API', dependencies: three },
      ]);
    const files = { [TM]: tasksJson(value([1, 3], [2])) };
    // The edge 3 → 2 is written in task 2's list.
    const fixes = await checkFix({ files, code: 'dependency-cycle', which: (d) => d.data?.code === 'dependency-cycle' && d.data.to === '2', title: 'Remove the dependency of task 2 on task 3', safe: false, after: { [TM]: tasksJson(value([1], [2])) } });
    assert.deepEqual(fixes.map((f) => [f.title, f.safe]), [
      ['Remove the dependency of task 2 on task 3', false],
      ['Remove the dependency of task 3 on task 2', false],
    ]);
    await checkFix({ files, code: 'dependency-cycle', which: (d) => d.data?.code === 'dependency-cycle' && d.data.to === '2', title: 'Remove the dependency of task 3 on task 2', safe: false, after: { [TM]: tasksJson(value([1, 3], [])) } });
  });

  test('a misspelt status: its one nearest Task Master word, safely, inside the quotes', async () => {
    const value = (status: Json) => tagged([{ id: 1, title: 'Set up', status: 'done', dependencies: [] }, { id: 2, title: 'API', status, dependencies: [1] }]);
    for (const indent of INDENTS) {
      const fixes = await checkFix({ files: { [TM]: tasksJson(value('pendng'), indent) }, code: 'status-unknown', title: 'Change the status to "pending"', safe: true, after: { [TM]: tasksJson(value('pending'), indent) } });
      assert.deepEqual(fixes.map((f) => [f.title, f.safe]), [
        ['Change the status to "pending"', true],
        ['Set the status to…', false],
      ]);
      assert.deepEqual(fixes[1].choice!.options.map((o) => o.label), ['pending', 'review', 'done', 'deferred', 'blocked', 'cancelled', 'in-progress']);
    }
    for (const [written, word] of [['canceled', 'cancelled'], ['in-progres', 'in-progress'], ['reveiw', 'review'], ['blokced', 'blocked']]) {
      await checkFix({ files: { [TM]: tasksJson(value(written)) }, code: 'status-unknown', title: `Change the status to "${word}"`, safe: true, after: { [TM]: tasksJson(value(word)) } });
    }
  });

  test('a status with no one clear nearest word only gets the choice', async () => {
    const value = (status: Json) => ({ tasks: [{ id: 1, title: 'API', status }] });
    // `pend` is as near `done` as `pending`; `waiting` is near nothing.
    for (const written of ['pend', 'waiting']) {
      const fixes = await checkFix({ files: { [TM]: tasksJson(value(written)) }, code: 'status-unknown', title: 'Set the status to…', option: 'pending', safe: false, after: { [TM]: tasksJson(value('pending')) } });
      assert.deepEqual(fixes.map((f) => f.title), ['Set the status to…'], written);
    }
    // A status that is no string becomes one.
    await checkFix({ files: { [TM]: tasksJson(value(3)) }, code: 'status-unknown', title: 'Set the status to…', option: 'done', safe: false, after: { [TM]: tasksJson(value('done')) } });
  });

  test('a duplicate id: the later task gets the next number of its tag, written as its id was', async () => {
    const value = (later: Json) =>
      tagged([
        { id: 1, title: 'Set up', dependencies: [] },
        { id: 7, title: 'Model', dependencies: [1] },
        { id: later, title: 'API', dependencies: [7] },
        { id: 2, title: 'Docs', dependencies: [] },
      ]);
    for (const indent of INDENTS) {
      const fixes = await checkFix({ files: { [TM]: tasksJson(value(7), indent) }, code: 'task-duplicate-id', title: 'Renumber this task to 8', safe: false, after: { [TM]: tasksJson(value(8), indent) } });
      assert.deepEqual(fixes.map((f) => [f.title, f.safe, f.preview]), [['Renumber this task to 8', false, true]]);
    }
    await checkFix({ files: { [TM]: tasksJson(value('7')) }, code: 'task-duplicate-id', title: 'Renumber this task to 8', safe: false, after: { [TM]: tasksJson(value('8')) } });
  });

  test('a duplicate subtask id: the next number among its siblings, a full dotted id kept dotted', async () => {
    const value = (later: Json): JsonObject => ({
      tasks: [
        { id: 4, title: 'Set up', dependencies: [] },
        { id: 3, title: 'API', dependencies: [], subtasks: [{ id: 1, title: 'Routes' }, { id: 2, title: 'Handlers' }, { id: later, title: 'Tests' }] },
      ],
    });
    await checkFix({ files: { [TM]: tasksJson(value(2)) }, code: 'task-duplicate-id', title: 'Renumber this subtask to 3.3', safe: false, after: { [TM]: tasksJson(value(3)) } });
    await checkFix({ files: { [TM]: tasksJson(value('3.2')) }, code: 'task-duplicate-id', title: 'Renumber this subtask to 3.3', safe: false, after: { [TM]: tasksJson(value('3.3')) } });
  });

  test('a file that no longer parses gets no fix, and codes without a Task Master fix get none', async () => {
    const ws = await workspaceOf({ [TM]: tasksJson({ tasks: [{ id: 1, title: '', dependencies: [9] }] }) });
    const missing = ws.diagnostics.find((d) => d.code === 'task-missing-title')!;
    assert.deepEqual(fixesFor(missing, ws.plan), []);
    const dangling = ws.diagnostics.find((d) => d.code === 'dependency-dangling')!;
    assert.equal(fixesFor(dangling, ws.plan)[0].title, 'Remove the dependency on 9');
    // Edited since it was read: a comma is missing now.
    const broken = tasksJson({ tasks: [{ id: 1, title: '', dependencies: [9] }] }).replace('"title": "",', '"title": ""');
    assert.deepEqual(fixesFor(dangling, { ...ws.plan, read: () => broken }), []);
  });
});

// ---------------------------------------------------------------------------------
// Spec Kit

const SK = 'specs/001-photo-albums/tasks.md';

const SPEC_KIT = [
  '# Tasks: Photo albums',
  '',
  '## Phase 1: Setup',
  '',
  '- [ ] T001 Create the project',
  '- [ ] T002 [P] Configure linting (depends on T013)',
  '',
  '## Phase 2: Core',
  '',
  '- [ ] T003 Album model depends on T001, T013 and T002',
  '- [ ] T004 [P] Upload service — depends on T013',
  '- [ ] T005 Album API (depends on T005)',
  '- [x] T006 [P] Thumbnails (blocked by T013, T003)',
  '',
].join('\n');

describe('Spec Kit: written references', () => {
  test('a `(depends on T013)` naming no task: the note goes (not unasked), and the title stays', async () => {
    const fixes = await checkFix({
      files: { [SK]: SPEC_KIT },
      code: 'dependency-dangling',
      which: onLine(6),
      title: 'Remove the dependency on T013',
      safe: false,
      after: { [SK]: SPEC_KIT.replace('Configure linting (depends on T013)', 'Configure linting') },
    });
    assert.deepEqual(fixes.map((f) => [f.title, f.safe, f.preferred]), [
      ['Remove the dependency on T013', false, true],
      ['Depend on another task…', false, false],
    ]);
    // T002 waits for nothing; every task of phase 2 waits for it, so only T001 is offered.
    assert.deepEqual(fixes[1].choice!.options.map((o) => [o.label, o.detail]), [['T001', 'Create the project']]);
    await checkFix({
      files: { [SK]: SPEC_KIT },
      code: 'dependency-dangling',
      which: onLine(6),
      title: 'Depend on another task…',
      option: 'T001',
      safe: false,
      after: { [SK]: SPEC_KIT.replace('(depends on T013)', '(depends on T001)') },
    });
  });

  test('a reference among others goes with its separator, first, middle or last', async () => {
    const cases: Array<[line: number, before: string, after: string]> = [
      [10, 'depends on T001, T013 and T002', 'depends on T001 and T002'],
      [13, '(blocked by T013, T003)', '(blocked by T003)'],
    ];
    for (const [line, before, after] of cases) {
      await checkFix({ files: { [SK]: SPEC_KIT }, code: 'dependency-dangling', which: onLine(line), title: 'Remove the dependency on T013', safe: false, after: { [SK]: SPEC_KIT.replace(before, after) } });
    }
    const last = SPEC_KIT.replace('T001, T013 and T002', 'T001, T002 and T013');
    await checkFix({ files: { [SK]: last }, code: 'dependency-dangling', which: onLine(10), title: 'Remove the dependency on T013', safe: false, after: { [SK]: last.replace('T001, T002 and T013', 'T001, T002') } });
  });

  test('a clause that ends the line goes with the dash before it', async () => {
    await checkFix({
      files: { [SK]: SPEC_KIT },
      code: 'dependency-dangling',
      which: onLine(11),
      title: 'Remove the dependency on T013',
      safe: false,
      after: { [SK]: SPEC_KIT.replace('Upload service — depends on T013', 'Upload service') },
    });
  });

  test('a lone reference in the middle of the title\'s words is not removed, only replaced', async () => {
    const text = SPEC_KIT.replace('Upload service — depends on T013', 'Upload service depends on T013 for retries');
    const ws = await workspaceOf({ [SK]: text });
    const d = ws.diagnostics.find((x) => x.code === 'dependency-dangling' && x.range.line === 10)!;
    const fixes = fixesFor(d, ws.plan);
    assert.deepEqual(fixes.map((f) => f.title), ['Depend on another task…']);
    assert.equal(applied(ws.files, fixes[0].choice!.options.find((o) => o.label === 'T003')!.change).get(SK), text.replace('service depends on T013', 'service depends on T003'));
  });

  test('a task that depends on itself: removed, safely', async () => {
    await checkFix({ files: { [SK]: SPEC_KIT }, code: 'dependency-self', title: 'Remove the dependency of T005 on itself', safe: true, after: { [SK]: SPEC_KIT.replace('Album API (depends on T005)', 'Album API') } });
  });

  test('a cycle through a written reference: only that reference can go; the order the file implies stays', async () => {
    const text = ['# Tasks', '', '## Phase 1: Setup', '', '- [ ] T001 Create the project (depends on T003)', '', '## Phase 2: Core', '', '- [ ] T003 Album model', ''].join('\n');
    const ws = await workspaceOf({ [SK]: text });
    const cycles = ws.diagnostics.filter((d) => d.code === 'dependency-cycle');
    assert.equal(cycles.length, 2);
    // The diagnostic on the implied edge (phase 2 waits for phase 1) offers the written one's removal too.
    for (const d of cycles) assert.deepEqual(fixesFor(d, ws.plan).map((f) => [f.title, f.safe]), [['Remove the dependency of T001 on T003', false]]);
    await checkFix({ files: { [SK]: text }, code: 'dependency-cycle', which: onLine(5), title: 'Remove the dependency of T001 on T003', safe: false, after: { [SK]: text.replace(' (depends on T003)', '') } });
  });

  test('a written reference that repeats the order is not offered for a cycle: removing it would leave the edge', async () => {
    // T002 waits for T001 by the order and in writing; T001 waits for T002 in writing.
    const text = ['# Tasks', '', '## Phase 1', '', '- [ ] T001 One (depends on T002)', '- [ ] T002 Two (depends on T001)', ''].join('\n');
    const ws = await workspaceOf({ [SK]: text });
    const d = ws.diagnostics.find((x) => x.code === 'dependency-cycle')!;
    assert.deepEqual(fixesFor(d, ws.plan).map((f) => f.title), ['Remove the dependency of T001 on T002']);
  });

  test('a duplicate id: the later line gets the next number, padded as the file pads', async () => {
    const text = SPEC_KIT.replace('- [ ] T005 Album API', '- [ ] T003 Album API').replace('(depends on T005)', '');
    await checkFix({ files: { [SK]: text }, code: 'task-duplicate-id', title: 'Renumber this task to T007', safe: false, after: { [SK]: text.replace('- [ ] T003 Album API', '- [ ] T007 Album API') } });
  });
});

// ---------------------------------------------------------------------------------
// Kiro

const KIRO = '.kiro/specs/user-auth/tasks.md';

describe('Kiro', () => {
  const text = [
    '# Implementation Plan',
    '',
    '- [ ] 1. Set up the auth module',
    '  - [ ] 1.1 Create the user model',
    '  - [ ] 1.1 Add password hashing',
    '    - _Requirements: 1.2_',
    '- [ ] 2. Login endpoint',
    '- [-] 2. Logout endpoint',
    '',
  ].join('\n');

  test('a number written twice: the later task gets the next number among its siblings', async () => {
    const fixes = await checkFix({ files: { [KIRO]: text }, code: 'task-duplicate-id', which: onLine(5), title: 'Renumber this task to 1.2', safe: false, after: { [KIRO]: text.replace('1.1 Add password', '1.2 Add password') } });
    assert.deepEqual(fixes.map((f) => [f.safe, f.preview]), [[false, true]]);
    await checkFix({ files: { [KIRO]: text }, code: 'task-duplicate-id', which: onLine(8), title: 'Renumber this task to 3', safe: false, after: { [KIRO]: text.replace('2. Logout', '3. Logout') } });
  });

  test('no renumber for a number with sub-tasks: their numbers would not say whose they are', async () => {
    const nested = text.replace('- [ ] 2. Login endpoint', '- [ ] 2. Login endpoint\n  - [ ] 2.1 Form');
    const ws = await workspaceOf({ [KIRO]: nested });
    const d = ws.diagnostics.find((x) => x.code === 'task-duplicate-id' && x.data?.code === 'task-duplicate-id' && x.data.taskId === '2')!;
    assert.deepEqual(fixesFor(d, ws.plan), []);
  });

  test("a requirement reference's own fixes apply to Kiro files; other families' do not", async () => {
    const requirements = ['# Requirements Document', '', '### Requirement 1', '', '1. WHEN a user signs up THEN the system SHALL store a hash', ''].join('\n');
    const ws = await workspaceOf({ [KIRO]: text, '.kiro/specs/user-auth/requirements.md': requirements });
    const unknown = ws.diagnostics.find((d) => d.code === 'requirement-unknown');
    assert.ok(unknown, ws.diagnostics.map((d) => d.code).join(', '));
    const fixes = fixesFor(unknown, ws.plan);
    assert.ok(fixes.length > 0, 'the requirement fixes are let through');
    assert.ok(fixes.every((f) => f.code === 'requirement-unknown'));
    // A checklist fix knows epic.md only: on a Kiro file it has nothing to do.
    const checklist: Diagnostic = { path: KIRO, range: { line: 2, column: 0, endLine: 2, endColumn: 0 }, severity: 'info', code: 'checklist-missing-task', message: '', data: { code: 'checklist-missing-task', taskId: '1' } };
    assert.deepEqual(fixesFor(checklist, ws.plan), []);
  });
});

// ---------------------------------------------------------------------------------
// The property

const RUNS = Number(process.env.EDIT_PROPERTY_RUNS ?? 150);

/** A reference as Task Master or a person writes it: a number, or the same as a string. */
function spelt(id: number | string, asString: boolean): Json {
  return typeof id === 'number' && !asString ? id : String(id);
}

/** References with distinct meanings, some to tasks that exist and some to none. */
function referencesArb(known: readonly (number | string)[], unknown: readonly (number | string)[]): fc.Arbitrary<Json[]> {
  return fc
    .uniqueArray(fc.constantFrom(...known, ...unknown), { maxLength: 4 })
    .chain((ids) => fc.tuple(...ids.map((id) => fc.boolean().map((asString) => spelt(id, asString)))));
}

const tagArb: fc.Arbitrary<JsonObject[]> = fc.integer({ min: 1, max: 4 }).chain((n) =>
  fc.tuple(
    ...Array.from({ length: n }, (_, i) => {
      const id = i + 1;
      const others = Array.from({ length: n }, (_, j) => j + 1).filter((j) => j !== id);
      return fc.integer({ min: 0, max: 2 }).chain((m) =>
        fc.record({
          dependencies: referencesArb(others, [n + 1, n + 7, `${n + 2}.1`, '1.9']),
          subtasks: fc.tuple(
            ...Array.from({ length: m }, (_, k) => {
              const siblings = Array.from({ length: m }, (_, j) => j + 1).filter((j) => j !== k + 1);
              // Other tasks' subtasks are written dotted; a bare number is a sibling.
              return referencesArb(siblings, [m + 1, `${id === 1 ? 2 : 1}.5`]).map((deps) => ({ id: k + 1, title: `Sub ${k + 1}`, status: 'pending', dependencies: deps }) as JsonObject);
            }),
          ),
        }).map(({ dependencies, subtasks }) => ({ id, title: `Task ${id}`, status: 'pending', dependencies, ...(subtasks.length > 0 ? { subtasks } : {}) }) as JsonObject),
      );
    }),
  ),
);

const fileArb = fc.record({
  value: fc.oneof(
    tagArb.map((tasks) => ({ tasks }) as JsonObject),
    fc.tuple(tagArb, tagArb).map(([master, feature]) => ({ master: { tasks: master }, 'feature-x': { tasks: feature } }) as JsonObject),
  ),
  indent: fc.constantFrom<number | string>(0, 2, 4, '\t'),
  eol: fc.constantFrom('\n', '\r\n'),
  pick: fc.nat(),
});

function diagnosticsOf(text: string): { plan: FixPlan; diagnostics: Diagnostic[] } {
  const { epics } = parseTaskMasterFile(TM, text);
  const diagnostics = epics.flatMap((epic) => validateEpic(analyzeEpic(epic), undefined));
  return { plan: { prds: [], epics, read: () => text }, diagnostics };
}

/** The task a model id names, in the value: `3` or `3.1`, in the tag that has the diagnostic. */
function taskIn(tasks: JsonObject[], id: string): JsonObject {
  const [top, sub] = id.split('.');
  const task = tasks.find((t) => String(t.id) === top)!;
  return sub === undefined ? task : (task.subtasks as JsonObject[]).find((s) => String(s.id) === sub)!;
}

/** What an entry means, by Task Master's rule, computed here from the value. */
function meaning(entry: Json, parent: string | undefined): string {
  const text = String(entry);
  return parent !== undefined && !text.includes('.') ? `${parent}.${text}` : text;
}

describe('Task Master dependency removal: property', () => {
  test('removing any one dangling dependency changes only that entry and its separator', () => {
    fc.assert(
      fc.property(fileArb, ({ value, indent, eol, pick }) => {
        const text = JSON.stringify(value, null, indent).replace(/\n/g, eol);
        const { plan, diagnostics } = diagnosticsOf(text);
        const dangling = diagnostics.filter((d) => d.code === 'dependency-dangling');
        fc.pre(dangling.length > 0);
        const d = dangling[pick % dangling.length];
        const data = d.data as Extract<Diagnostic['data'], { code: 'dependency-dangling' }>;
        const fix = fixesFor(d, plan).find((f) => f.safe);
        assert.ok(fix, d.message);
        assert.equal(fix.title, `Remove the dependency on ${data.from}`);
        assert.equal(fix.change.edits.length, 1);
        const edits = fix.change.edits[0].edits;
        assert.equal(edits.length, 1);
        const [edit] = edits;
        const after = applyEdits(text, edits);

        // The value is the old one less that entry, in the tag the diagnostic is in.
        const tagName = plan.epics.find((e) => e.dependencies.some((dep) => dep.range.line === d.range.line && dep.range.column === d.range.column && dep.from === data.from))!.id;
        const expected = structuredClone(value);
        const tasks = (Array.isArray(expected.tasks) ? expected.tasks : (expected[tagName] as JsonObject).tasks) as JsonObject[];
        const task = taskIn(tasks, data.to);
        const parent = data.to.includes('.') ? data.to.split('.')[0] : undefined;
        const deps = task.dependencies as Json[];
        const index = deps.findIndex((entry) => meaning(entry, parent) === data.from);
        const entry = deps[index];
        task.dependencies = deps.filter((_, i) => i !== index);
        assert.deepEqual(JSON.parse(after), expected);

        // The bytes removed are the entry and one comma, with the spacing between; nothing is added.
        assert.equal(edit.newText, '');
        const removed = text.slice(edit.offset, edit.offset + edit.length).replace(/\s/g, '');
        const written = JSON.stringify(entry);
        assert.ok(deps.length === 1 ? removed === written : removed === `,${written}` || removed === `${written},`, `${removed} for ${written}`);
        if (deps.length === 1) assert.ok(/\[\s*$/.test(text.slice(0, edit.offset)) && /^\s*\]/.test(text.slice(edit.offset + edit.length)));

        // Read again, the diagnostic is gone and no fix is offered for it; the line breaks are still the file's.
        const again = diagnosticsOf(after);
        assert.ok(!again.diagnostics.some((x) => x.code === d.code && x.message === d.message));
        assert.deepEqual(fixesFor(d, again.plan), []);
        if (eol === '\r\n') assert.equal(after.replace(/\r\n/g, '').includes('\n'), false);
      }),
      { numRuns: RUNS },
    );
  });

  test('all the safe fixes of a file apply together and leave valid JSON with no dangling reference once passes settle', () => {
    fc.assert(
      fc.property(fileArb, ({ value, indent, eol }) => {
        let text = JSON.stringify(value, null, indent).replace(/\n/g, eol);
        for (let pass = 0; pass < 10; pass++) {
          const { plan, diagnostics } = diagnosticsOf(text);
          const { fixes, change } = safeFixes(plan, diagnostics);
          if (fixes.length === 0) break;
          text = applyEdits(text, change.edits[0].edits);
          assert.doesNotThrow(() => JSON.parse(text));
        }
        const left = diagnosticsOf(text).diagnostics.map((d) => d.code);
        assert.ok(!left.includes('dependency-dangling') && !left.includes('dependency-self'), left.join(', '));
      }),
      { numRuns: Math.ceil(RUNS / 3) },
    );
  });
});

// ---------------------------------------------------------------------------------
// The command line

describe('autopm validate --fix on a tasks.json', () => {
  const value = (two: JsonObject, three: JsonObject) =>
    tagged([
      { id: 1, title: 'Set up', status: 'done', dependencies: [] },
      { id: 2, title: 'API', priority: 'high', ...two },
      { id: 3, title: 'Docs', ...three },
      { id: 4, title: 'Release', status: 'pending', dependencies: [5] },
      { id: 5, title: 'Changelog', status: 'pending', dependencies: [4] },
    ]);
  const before = value({ status: 'pendng', dependencies: [1, 12] }, { status: 'pending', dependencies: [3, 2] });
  const fixed = value({ status: 'pending', dependencies: [1] }, { status: 'pending', dependencies: [2] });

  test('applies the safe fixes, prints the diff, lists the cycle as needing a choice, and a second run changes nothing', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'autopm-tm-fix-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    mkdirSync(join(dir, '.taskmaster', 'tasks'), { recursive: true });
    const file = join(dir, TM);
    writeFileSync(file, tasksJson(before));
    const out: string[] = [];
    const io = { out: (text: string) => out.push(text), err: (text: string) => out.push(text) };
    const code = await validateFixCommand(dir, DEFAULT_PLAN_ROOTS, { dryRun: false, json: false }, io);
    // The cycle is an error that needs a choice.
    assert.equal(code, 1);
    assert.equal(readFileSync(file, 'utf8'), tasksJson(fixed));
    const text = out.join('\n');
    assert.ok(text.startsWith(unifiedDiff(TM, tasksJson(before), tasksJson(fixed)) + '\n'), text);
    assert.ok(text.includes([
      '-        "status": "pendng",',
      '+        "status": "pending",',
    ].join('\n')), text);
    const summary = text.slice(text.indexOf('Fixed'));
    assert.equal(summary.slice(0, summary.indexOf('\n\nNeed a choice')), [
      'Fixed 3 problems in 1 file:',
      `  ${TM}:14  Change the status to "pending"  [status-unknown]`,
      `  ${TM}:17  Remove the dependency on 12  [dependency-dangling]`,
      `  ${TM}:25  Remove the dependency of task 3 on itself  [dependency-self]`,
    ].join('\n'));
    assert.ok(summary.includes('      - Remove the dependency of task 4 on task 5\n      - Remove the dependency of task 5 on task 4'), summary);

    const again: string[] = [];
    assert.equal(await validateFixCommand(dir, DEFAULT_PLAN_ROOTS, { dryRun: false, json: false }, { out: (s) => again.push(s), err: (s) => again.push(s) }), 1);
    assert.ok(again.join('\n').startsWith('Nothing to fix without a choice.\n'), again.join('\n'));
    assert.equal(readFileSync(file, 'utf8'), tasksJson(fixed));
  });

  test('--dry-run writes nothing; a CRLF file stays CRLF', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'autopm-tm-fix-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    mkdirSync(join(dir, '.taskmaster', 'tasks'), { recursive: true });
    const file = join(dir, TM);
    const crlf = (s: string) => s.replace(/\n/g, '\r\n');
    writeFileSync(file, crlf(tasksJson(before)));
    const quiet = { out: () => undefined, err: () => undefined };
    await validateFixCommand(dir, DEFAULT_PLAN_ROOTS, { dryRun: true, json: false }, quiet);
    assert.equal(readFileSync(file, 'utf8'), crlf(tasksJson(before)));
    await validateFixCommand(dir, DEFAULT_PLAN_ROOTS, { dryRun: false, json: false }, quiet);
    assert.equal(readFileSync(file, 'utf8'), crlf(tasksJson(fixed)));
  });
});
