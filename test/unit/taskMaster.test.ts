/**
 * Task Master's tasks.json: the parser and the status edit, ugly cases first, then the
 * fixtures. Positions are 0-based; the messages' line numbers are 1-based.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeEpic } from '../../src/core/analysis';
import { applyEdits, PlanEditError } from '../../src/core/edits';
import type { Epic, Task } from '../../src/core/model';
import { isTaskMasterFile, parseTaskMasterFile, taskMasterTaskState } from '../../src/core/parse/taskMasterParser';
import { setTaskMasterStatusEdits, taskMasterStatusFor } from '../../src/core/taskMasterEdits';
import { validateEpic } from '../../src/core/validate';
import { fixturesDir, read, toCrlf } from './helpers';

const PATH = '.taskmaster/tasks/tasks.json';

function parse(text: string) {
  return parseTaskMasterFile(PATH, text);
}

/** The only epic of a text, which must parse without diagnostics unless `allow` says so. */
function only(text: string, allow = false): Epic {
  const { epics, diagnostics } = parse(text);
  if (!allow) assert.deepEqual(diagnostics, []);
  assert.equal(epics.length, 1);
  return epics[0];
}

function task(epic: Epic, id: string): Task {
  const found = epic.tasks.find((t) => t.id === id);
  assert.ok(found, `task ${id}`);
  return found;
}

/** `{"tasks": [...]}` for task objects written as JSON, one per line. */
function untagged(...tasks: string[]): string {
  return `{\n  "tasks": [\n${tasks.map((t) => `    ${t}`).join(',\n')}\n  ]\n}\n`;
}

function set(text: string, taskId: string, status: string, tag = 'master'): string {
  return applyEdits(text, setTaskMasterStatusEdits(text, tag, taskId, status));
}

describe('Task Master parser: files that are not what they should be', () => {
  test('an empty file is empty, not broken', () => {
    for (const text of ['', '   \n\n', '\ufeff']) {
      const { epics, diagnostics } = parse(text);
      assert.deepEqual(epics, []);
      assert.deepEqual(
        diagnostics.map((d) => [d.code, d.severity, d.range.line, d.message]),
        [['epic-empty', 'info', 0, 'tasks.json is empty: Task Master writes its tasks here (task-master parse-prd).']],
      );
    }
  });

  test('a file of comments alone is empty too', () => {
    const { epics, diagnostics } = parse('// tasks go here\n');
    assert.deepEqual(epics, []);
    assert.deepEqual(diagnostics.map((d) => d.code), ['epic-empty']);
  });

  test('{} has no tasks (info); [] and an object without tasks are warned about', () => {
    const message = 'tasks.json has no tasks: neither a "tasks" list nor a tag holding one (`{"master": {"tasks": [...]}}`).';
    const cases: Array<[string, string]> = [
      ['{}', 'info'],
      ['[]', 'warning'],
      ['{"master": {"metadata": {}}}', 'warning'],
      ['"tasks"', 'warning'],
    ];
    for (const [text, severity] of cases) {
      const { epics, diagnostics } = parse(text);
      assert.deepEqual(epics, [], text);
      assert.deepEqual(diagnostics.map((d) => [d.code, d.severity, d.range.line, d.message]), [['epic-empty', severity, 0, message]], text);
    }
  });

  test('a missing comma is an error at its place, and nothing is read', () => {
    const text = ['{', '  "master": {', '    "tasks": [', '      {"id": 1, "title": "One"}', '      {"id": 2, "title": "Two"}', '    ]', '  }', '}'].join('\n');
    const { epics, diagnostics } = parse(text);
    assert.deepEqual(epics, []);
    assert.equal(diagnostics.length, 1);
    const [d] = diagnostics;
    assert.equal(d.code, 'json-malformed');
    assert.equal(d.severity, 'error');
    assert.deepEqual(d.range, { line: 4, column: 6, endLine: 4, endColumn: 7 });
    assert.equal(d.message, 'tasks.json is not valid JSON: a comma is missing at line 5 (CommaExpected) — AutoPM shows nothing from it until it is fixed.');
    assert.equal(d.data, undefined);
  });

  test('a truncated file is an error at its end', () => {
    const text = '{\n  "tasks": [\n    {"id": 1, "title": "One", "status": "pe';
    const { epics, diagnostics } = parse(text);
    assert.deepEqual(epics, []);
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.range.line, d.message]),
      [['json-malformed', 2, 'tasks.json is not valid JSON: a string that is never closed at line 3 (UnexpectedEndOfString) — AutoPM shows nothing from it until it is fixed.']],
    );
  });

  test('a missing value is named as Task Master users see it', () => {
    const { diagnostics } = parse('{\n  "tasks": [\n    {"id": 1, "title": }\n  ]\n}');
    assert.equal(diagnostics[0].message, 'tasks.json is not valid JSON: a value is missing at line 3 (ValueExpected) — AutoPM shows nothing from it until it is fixed.');
    assert.deepEqual(diagnostics[0].range, { line: 2, column: 23, endLine: 2, endColumn: 24 });
  });

  test('comments and trailing commas are accepted without a word', () => {
    const text = [
      '// Task Master rewrites this file; a hand edit may leave comments behind.',
      '{',
      '  "master": {',
      '    /* the backlog */',
      '    "tasks": [',
      '      {"id": 1, "title": "One", "status": "done", "dependencies": [],},',
      '      {"id": 2, "title": "Two", "dependencies": [1,],}, // next',
      '    ],',
      '  },',
      '}',
    ].join('\n');
    const epic = only(text);
    assert.deepEqual(epic.tasks.map((t) => [t.id, t.state, t.dependsOn]), [['1', 'done', []], ['2', 'open', ['1']]]);
    assert.equal(epic.range.line, 2);
  });

  test('entries that are no task, or have no id, are skipped and reported', () => {
    const { epics, diagnostics } = parse(untagged('null', '{"title": "No id"}', '{"id": 3, "title": "Three"}'));
    assert.deepEqual(epics[0].tasks.map((t) => t.id), ['3']);
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.severity, d.range.line, d.message]),
      [
        ['json-malformed', 'warning', 2, 'Entry 1 of the tag "master" is not a task object ({"id": ..., "title": ...}); AutoPM skips it.'],
        ['json-malformed', 'warning', 3, 'Entry 2 of the tag "master" has no "id" (a number), so AutoPM cannot name it and skips it.'],
      ],
    );
  });

  test('"tasks" that is not a list is reported on its value', () => {
    const { epics, diagnostics } = parse('{\n  "master": {\n    "tasks": {}\n  }\n}');
    assert.deepEqual(epics.map((e) => [e.id, e.tasks.length]), [['master', 0]]);
    assert.deepEqual(diagnostics.map((d) => [d.code, d.range.line, d.range.column]), [['json-malformed', 2, 13]]);
  });

  test('a tag with no tasks yet is an empty epic', () => {
    const { epics, diagnostics } = parse('{"master": {"tasks": [{"id": 1, "title": "One"}]}, "spike": {"tasks": []}}');
    assert.deepEqual(epics.map((e) => [e.id, e.tasks.length, e.state]), [['master', 1, 'not-started'], ['spike', 0, 'not-started']]);
    assert.deepEqual(diagnostics.map((d) => [d.code, d.severity, d.message]), [['epic-empty', 'info', 'The tag "spike" has no tasks yet.']]);
  });

  test('a task without a title is reported on its brace', () => {
    const { epics, diagnostics } = parse(untagged('{"id": 1, "status": "pending"}', '{"id": 2, "title": "  "}'));
    assert.deepEqual(epics[0].tasks.map((t) => [t.id, t.title]), [['1', ''], ['2', '']]);
    assert.deepEqual(epics[0].tasks[0].range, { line: 2, column: 4, endLine: 2, endColumn: 5 });
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.severity, d.range.line, d.message]),
      [
        ['task-missing-title', 'warning', 2, 'Task 1 has no title.'],
        ['task-missing-title', 'warning', 3, 'Task 2 has no title.'],
      ],
    );
  });
});

describe('Task Master parser: ids, statuses, dependencies', () => {
  test('string ids are ids, written any way a number is', () => {
    const epic = only(untagged('{"id": "1", "title": "One"}', '{"id": " 02 ", "title": "Two", "dependencies": ["1"], "subtasks": [{"id": "1", "title": "Sub"}]}'));
    assert.deepEqual(epic.tasks.map((t) => t.id), ['1', '2', '2.1']);
    assert.deepEqual(task(epic, '2').dependsOn, ['1']);
  });

  test('a subtask written with its full id keeps it', () => {
    const epic = only(untagged('{"id": 4, "title": "Four", "subtasks": [{"id": "4.1", "title": "A"}, {"id": 2, "title": "B"}]}'));
    assert.deepEqual(epic.tasks.map((t) => t.id), ['4', '4.1', '4.2']);
  });

  test('a missing status is pending; every Task Master status has its state', () => {
    const statuses = ['pending', 'in-progress', 'review', 'done', 'deferred', 'cancelled', 'blocked'];
    const epic = only(untagged('{"id": 1, "title": "None"}', ...statuses.map((s, i) => `{"id": ${i + 2}, "title": "${s}", "status": "${s}"}`)));
    assert.deepEqual(
      epic.tasks.map((t) => [t.id, t.rawStatus, t.state]),
      [
        ['1', undefined, 'open'],
        ['2', 'pending', 'open'],
        ['3', 'in-progress', 'in-progress'],
        ['4', 'review', 'in-progress'],
        ['5', 'done', 'done'],
        ['6', 'deferred', 'open'],
        ['7', 'cancelled', 'done'],
        ['8', 'blocked', 'open'],
      ],
    );
    assert.equal(epic.state, 'in-progress');
  });

  test('statuses read case-blind, and the spellings other formats use are understood', () => {
    assert.equal(taskMasterTaskState('Done'), 'done');
    assert.equal(taskMasterTaskState('IN-PROGRESS'), 'in-progress');
    assert.equal(taskMasterTaskState('completed'), 'done');
    assert.equal(taskMasterTaskState('Deferred '), 'open');
    assert.equal(taskMasterTaskState('someday'), undefined);
  });

  test('an unknown status is reported on the word, and the task is open', () => {
    const text = untagged('{"id": 1, "title": "One", "status": "parked"}');
    const { epics, diagnostics } = parse(text);
    assert.deepEqual([task(epics[0], '1').state, task(epics[0], '1').rawStatus], ['open', 'parked']);
    assert.equal(diagnostics.length, 1);
    const [d] = diagnostics;
    assert.equal(d.code, 'status-unknown');
    assert.equal(d.severity, 'warning');
    assert.deepEqual(d.range, { line: 2, column: 41, endLine: 2, endColumn: 47 });
    assert.equal(text.split('\n')[2].slice(41, 47), 'parked');
    assert.equal(d.message, "Unknown status \"parked\" for task 1. Task Master's statuses are pending, in-progress, review, done, deferred, cancelled, blocked; AutoPM shows this task as open.");
    assert.deepEqual(d.data, { code: 'status-unknown', status: 'parked', of: 'task' });
  });

  test('a status that is not a string is unknown; null and "" are missing', () => {
    const { epics, diagnostics } = parse(untagged('{"id": 1, "title": "A", "status": 3}', '{"id": 2, "title": "B", "status": null}', '{"id": 3, "title": "C", "status": ""}'));
    assert.deepEqual(epics[0].tasks.map((t) => [t.state, t.rawStatus]), [['open', '3'], ['open', undefined], ['open', undefined]]);
    assert.deepEqual(diagnostics.map((d) => [d.code, d.range.line, d.range.column, d.range.endColumn]), [['status-unknown', 2, 38, 39]]);
  });

  test('a status with an escape is read decoded', () => {
    const epic = only(untagged('{"id": 1, "title": "One", "status": "d\\u006fne"}'));
    assert.deepEqual([task(epic, '1').state, task(epic, '1').rawStatus], ['done', 'done']);
  });

  test('dependencies as numbers, strings and dotted subtask ids', () => {
    const text = untagged(
      '{"id": 1, "title": "One", "subtasks": [{"id": 1, "title": "A"}, {"id": 2, "title": "B"}]}',
      '{"id": 2, "title": "Two", "dependencies": [1, "1.2", "01"]}',
      '{"id": 3, "title": "Three", "dependencies": 2}',
    );
    const epic = only(text);
    assert.deepEqual(task(epic, '2').dependsOn, ['1', '1.2']);
    assert.deepEqual(task(epic, '3').dependsOn, ['2']);
    assert.deepEqual(
      epic.dependencies.map((d) => [d.from, d.to, d.source, d.written, d.range.line, d.range.column, d.range.endColumn]),
      [
        ['1', '2', 'field', undefined, 3, 47, 48],
        ['1.2', '2', 'field', undefined, 3, 50, 55],
        ['1', '2', 'field', '01', 3, 57, 61],
        ['2', '3', 'field', undefined, 4, 48, 49],
      ],
    );
    const lines = text.split('\n');
    // Each range is the value as written, quotes included.
    assert.deepEqual(epic.dependencies.map((d) => lines[d.range.line].slice(d.range.column, d.range.endColumn)), ['1', '"1.2"', '"01"', '2']);
  });

  test('in subtasks, a reference without a dot is a sibling (Task Master\'s rule)', () => {
    const text = [
      '{"tasks": [',
      '  {"id": 1, "title": "One", "subtasks": [{"id": 1, "title": "A"}, {"id": 2, "title": "B"}]},',
      '  {"id": 3, "title": "Three", "subtasks": [',
      '    {"id": 1, "title": "C"},',
      '    {"id": 2, "title": "D", "dependencies": [1, "1.2"]},',
      '    {"id": 3, "title": "E", "dependencies": ["2"]}',
      '  ]}',
      ']}',
    ].join('\n');
    const epic = only(text);
    assert.deepEqual(task(epic, '3.2').dependsOn, ['3.1', '1.2']);
    assert.deepEqual(task(epic, '3.3').dependsOn, ['3.2']);
    assert.deepEqual(
      epic.dependencies.filter((d) => d.to.startsWith('3.')).map((d) => [d.from, d.to, d.written, d.range.line]),
      [
        ['3.1', '3.2', '1', 4],
        ['1.2', '3.2', undefined, 4],
        ['3.2', '3.3', '2', 5],
      ],
    );
    // No implicit edges: a parent does not wait for its subtasks.
    assert.deepEqual(task(epic, '3').dependsOn, []);
    assert.equal(epic.dependencies.some((d) => d.to === '3' || d.to === '1'), false);
  });

  test('duplicate ids are kept and reported once, where every epic is validated', () => {
    const text = untagged('{"id": 1, "title": "One"}', '{"id": 2, "title": "Two"}', '{"id": "1", "title": "One again"}');
    const epic = only(text);
    assert.deepEqual(epic.tasks.map((t) => t.id), ['1', '2', '1']);
    const found = validateEpic(analyzeEpic(epic), undefined).filter((d) => d.code === 'task-duplicate-id');
    assert.deepEqual(found.map((d) => [d.range.line, d.message, d.data]), [[4, 'Duplicate task id 1: line 3 already uses it. Only the first is scheduled.', { code: 'task-duplicate-id', taskId: '1' }]]);
  });

  test('a reference to a task the tag does not have is reported on its line', () => {
    const text = untagged('{"id": 1, "title": "One"}', '{"id": 2, "title": "Two", "subtasks": [{"id": 1, "title": "A", "dependencies": [\n      7]}]}');
    const epic = only(text);
    assert.deepEqual(task(epic, '2.1').dependsOn, ['2.7']);
    const found = validateEpic(analyzeEpic(epic), undefined).filter((d) => d.code === 'dependency-dangling');
    assert.deepEqual(found.map((d) => [d.range.line, d.range.column, d.data]), [[4, 6, { code: 'dependency-dangling', from: '2.7', to: '2.1', written: '7' }]]);
  });

  test('a file of a thousand tasks reads quickly, in order', () => {
    const tasks = Array.from({ length: 1000 }, (_, i) => ({
      id: i + 1,
      title: `Task number ${i + 1}`,
      description: 'x'.repeat(200),
      status: i % 3 === 0 ? 'done' : 'pending',
      dependencies: i === 0 ? [] : [i],
      subtasks: i % 10 === 0 ? [{ id: 1, title: 'Sub', status: 'pending', dependencies: [] }] : [],
    }));
    const text = JSON.stringify({ master: { tasks, metadata: {} } }, null, 2);
    const started = performance.now();
    const epic = only(text);
    const elapsed = performance.now() - started;
    assert.equal(epic.tasks.length, 1100);
    assert.deepEqual(epic.tasks.slice(0, 3).map((t) => t.id), ['1', '1.1', '2']);
    assert.equal(epic.tasks[1099].id, '1000');
    assert.equal(epic.tasks[1099].order, 1099);
    assert.equal(epic.dependencies.length, 999);
    assert.ok(elapsed < 1000, `took ${elapsed} ms`);
  });
});

describe('Task Master parser: text and positions', () => {
  const text = untagged('{"id": 1, "title": "First", "status": "done"}', '{"id": 2, "title": "Second", "dependencies": [1]}');

  test('the range is the title property, from its quote to the end of its value', () => {
    const epic = only(text);
    assert.deepEqual(task(epic, '1').range, { line: 2, column: 14, endLine: 2, endColumn: 30 });
    assert.equal(text.split('\n')[2].slice(14, 30), '"title": "First"');
    assert.deepEqual(epic.range, { line: 1, column: 2, endLine: 1, endColumn: 9 });
  });

  test('a byte-order mark moves nothing', () => {
    assert.deepEqual(only('\ufeff' + text), only(text));
  });

  test('CRLF gives the same lines and columns as LF', () => {
    assert.deepEqual(only(toCrlf(text)), only(text));
  });

  test('a tab counts as one column', () => {
    const epic = only('{\n\t"tasks": [\n\t\t{"id": 1, "title": "Tabbed"}\n\t]\n}');
    assert.deepEqual(task(epic, '1').range, { line: 2, column: 12, endLine: 2, endColumn: 29 });
  });

  test('unicode and escaped quotes in a title', () => {
    const line = '{"id": 1, "title": "Say \\"hi\\" — 日本語 🎉"}';
    const epic = only(untagged(line));
    assert.equal(task(epic, '1').title, 'Say "hi" — 日本語 🎉');
    const start = line.indexOf('"title"');
    // Columns count UTF-16 code units, as the editor does: the emoji is two.
    assert.deepEqual(task(epic, '1').range, { line: 2, column: 4 + start, endLine: 2, endColumn: 4 + line.length - 1 });
  });

  test('a property split over lines spans them', () => {
    const epic = only('{"tasks": [{"id": 1,\n  "title":\n    "Split"}]}');
    assert.deepEqual(task(epic, '1').range, { line: 1, column: 2, endLine: 2, endColumn: 11 });
  });

  test('isTaskMasterFile looks for an object naming tasks', () => {
    assert.equal(isTaskMasterFile('\ufeff  {"master": {"tasks": []}}'), true);
    assert.equal(isTaskMasterFile('{"name": "package"}'), false);
    assert.equal(isTaskMasterFile('["tasks"]'), false);
    assert.equal(isTaskMasterFile(''), false);
  });
});

describe('Task Master parser: the fixtures', () => {
  const TAGGED = '.taskmaster/tasks/tasks.json';

  test('the tagged file: one epic per tag, in key order', () => {
    const { epics, diagnostics } = parseTaskMasterFile(TAGGED, read(fixturesDir, `tools/${TAGGED}`));
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(epics.map((e) => [e.id, e.title, e.layout, e.state, e.path, e.dir, e.range.line]), [
      ['master', 'master', 'taskmaster', 'in-progress', TAGGED, '.taskmaster/tasks', 1],
      ['mobile-app', 'React Native client for iOS and Android', 'taskmaster', 'in-progress', TAGGED, '.taskmaster/tasks', 183],
    ]);
    const [master, mobile] = epics;
    assert.deepEqual(master.metadata, { created: '2026-03-02T09:14:27.512Z', updated: '2026-03-09T16:40:03.118Z', description: 'Tasks for master context' });
    assert.deepEqual(
      master.tasks.map((t) => [t.id, t.state, t.rawStatus, t.order]),
      [
        ['1', 'done', 'done', 0],
        ['2', 'in-progress', 'in-progress', 1],
        ['2.1', 'done', 'done', 2],
        ['2.2', 'in-progress', 'in-progress', 3],
        ['2.3', 'open', 'pending', 4],
        ['3', 'open', 'pending', 5],
        ['3.1', 'open', 'pending', 6],
        ['3.2', 'open', 'pending', 7],
        ['3.3', 'open', 'pending', 8],
        ['4', 'open', 'pending', 9],
        ['5', 'open', 'pending', 10],
        ['6', 'open', 'deferred', 11],
        ['7', 'open', 'pending', 12],
        ['8', 'open', 'pending', 13],
      ],
    );
    const schema = task(master, '2');
    assert.equal(schema.title, 'Design the PostgreSQL schema for habits and check-ins');
    assert.equal(schema.priority, 'high');
    assert.equal(schema.group, undefined);
    assert.equal(schema.epicId, 'master');
    assert.equal(schema.estimate, undefined);
    assert.deepEqual(schema.range, { line: 15, column: 8, endLine: 15, endColumn: 72 });
    const migration = task(master, '2.3');
    assert.deepEqual([migration.group, migration.priority, migration.dependsOn], ['Design the PostgreSQL schema for habits and check-ins', 'high', ['2.1', '2.2']]);
    assert.deepEqual(task(master, '3.1').dependsOn, ['2.1']);
    assert.deepEqual(task(master, '8').dependsOn, ['3', '4', '5']);
    assert.deepEqual(
      master.groups.map((g) => [g.name, g.range.line, g.taskIds]),
      [
        ['Design the PostgreSQL schema for habits and check-ins', 15, ['2.1', '2.2', '2.3']],
        ['Implement email and password authentication', 64, ['3.1', '3.2', '3.3']],
      ],
    );
    assert.deepEqual([master.milestones, master.checklist], [[], []]);
    assert.deepEqual(
      master.dependencies.filter((d) => d.to === '2.3').map((d) => [d.from, d.written, d.range]),
      [
        ['2.1', '1', { line: 52, column: 14, endLine: 52, endColumn: 15 }],
        ['2.2', '2', { line: 53, column: 14, endLine: 53, endColumn: 15 }],
      ],
    );
    assert.deepEqual(mobile.tasks.map((t) => [t.id, t.state, t.dependsOn]), [['1', 'done', []], ['2', 'in-progress', ['1']], ['3', 'open', ['2']]]);
    assert.deepEqual(mobile.groups, []);
    // The whole plan validates clean: no dangling references, no duplicates.
    for (const epic of epics) assert.deepEqual(validateEpic(analyzeEpic(epic), undefined), []);
  });

  test('the untagged file (CRLF, four spaces) is the tag master', () => {
    const path = '.taskmaster/tasks/tasks.json';
    const text = read(fixturesDir, `taskmaster-untagged/${path}`);
    assert.ok(text.includes('\r\n    "tasks"'));
    const epic = only(text);
    assert.deepEqual([epic.id, epic.title, epic.state, epic.range], ['master', 'master', 'in-progress', { line: 1, column: 4, endLine: 1, endColumn: 11 }]);
    // Only the string values of the metadata: totalTasks is a number.
    assert.deepEqual(epic.metadata, { projectName: 'Bookshelf CLI', sourceFile: 'scripts/prd.txt', generatedAt: '2025-04-11' });
    assert.deepEqual(
      epic.tasks.map((t) => [t.id, t.state, t.dependsOn]),
      [
        ['1', 'done', []],
        ['2', 'in-progress', ['1']],
        ['2.1', 'done', []],
        ['2.2', 'open', ['2.1']],
        ['3', 'open', ['1']],
        ['4', 'open', ['1', '3']],
        ['5', 'open', ['2', '3']],
      ],
    );
    assert.deepEqual(task(epic, '2.1').range, { line: 26, column: 20, endLine: 26, endColumn: 46 });
  });

  test('a tag is titled by its description unless Task Master wrote it', () => {
    const titles = (description: string) => only(JSON.stringify({ beta: { tasks: [{ id: 1, title: 'x' }], metadata: { description } } })).title;
    assert.equal(titles('Tasks for beta context'), 'beta');
    assert.equal(titles('Tasks live here by default'), 'beta');
    assert.equal(titles('Tag created on 3/5/2026'), 'beta');
    assert.equal(titles('  '), 'beta');
    assert.equal(titles('Beta programme'), 'Beta programme');
  });

  test('keys beside the tags that are no tags are ignored', () => {
    const { epics } = parse('{"tag": "master", "master": {"tasks": [{"id": 1, "title": "x"}]}, "notes": "hand-written", "old": {"metadata": {}}}');
    assert.deepEqual(epics.map((e) => e.id), ['master']);
  });
});

describe('Task Master status edits', () => {
  test('the status word is replaced, every other byte kept (LF, two spaces)', () => {
    const before = '{\n  "master": {\n    "tasks": [\n      {\n        "id": 1,\n        "title": "Say \\"hi\\"",\n        "status": "pending"\n      }\n    ]\n  }\n}\n';
    const edits = setTaskMasterStatusEdits(before, 'master', '1', 'done');
    assert.deepEqual(edits, [{ offset: before.indexOf('pending'), length: 7, newText: 'done' }]);
    assert.equal(applyEdits(before, edits), before.replace('"pending"', '"done"'));
  });

  test('CRLF and four spaces', () => {
    const before = toCrlf('{\n    "tasks": [\n        {\n            "id": 1,\n            "title": "One",\n            "status": "done"\n        }\n    ]\n}\n');
    assert.equal(set(before, '1', 'in-progress'), before.replace('"done"', '"in-progress"'));
  });

  test('tabs', () => {
    const before = '{\n\t"tasks": [\n\t\t{\n\t\t\t"id": 1,\n\t\t\t"title": "One",\n\t\t\t"status": "review"\n\t\t}\n\t]\n}';
    assert.equal(set(before, '1', 'pending'), before.replace('"review"', '"pending"'));
  });

  test('minified, one line', () => {
    const before = '{"master":{"tasks":[{"id":1,"title":"One","status":"pending","subtasks":[{"id":1,"title":"A","status":"pending"}]}]}}';
    assert.equal(set(before, '1.1', 'done'), '{"master":{"tasks":[{"id":1,"title":"One","status":"pending","subtasks":[{"id":1,"title":"A","status":"done"}]}]}}');
  });

  test('a missing status is added after the title, as the properties around it are laid out', () => {
    const cases: Array<[string, string]> = [
      ['{\n  "tasks": [\n    {\n      "id": 1,\n      "title": "One",\n      "priority": "high"\n    }\n  ]\n}', '{\n  "tasks": [\n    {\n      "id": 1,\n      "title": "One",\n      "status": "done",\n      "priority": "high"\n    }\n  ]\n}'],
      // The title last: the new property follows it, with the comma before it.
      ['{\n  "tasks": [\n    {\n      "id": 1,\n      "title": "One"\n    }\n  ]\n}', '{\n  "tasks": [\n    {\n      "id": 1,\n      "title": "One",\n      "status": "done"\n    }\n  ]\n}'],
      ['{\r\n    "tasks": [\r\n        {\r\n            "id": 1,\r\n            "title": "One"\r\n        }\r\n    ]\r\n}\r\n', '{\r\n    "tasks": [\r\n        {\r\n            "id": 1,\r\n            "title": "One",\r\n            "status": "done"\r\n        }\r\n    ]\r\n}\r\n'],
      ['{\n\t"tasks": [\n\t\t{\n\t\t\t"id": 1,\n\t\t\t"title": "One"\n\t\t}\n\t]\n}', '{\n\t"tasks": [\n\t\t{\n\t\t\t"id": 1,\n\t\t\t"title": "One",\n\t\t\t"status": "done"\n\t\t}\n\t]\n}'],
      ['{"tasks":[{"id":1,"title":"One","priority":"low"}]}', '{"tasks":[{"id":1,"title":"One","status":"done","priority":"low"}]}'],
      ['{"tasks": [{"id": 1, "title": "One"}]}', '{"tasks": [{"id": 1, "title": "One", "status": "done"}]}'],
      // No title: after the id.
      ['{"tasks": [{"id": 1}]}', '{"tasks": [{"id": 1, "status": "done"}]}'],
    ];
    for (const [before, after] of cases) {
      assert.equal(set(before, '1', 'done'), after, before);
      assert.equal(only(after, true).tasks[0].state, 'done');
    }
  });

  test('the same status again is no edit; applying twice is applying once', () => {
    const before = untagged('{"id": 1, "title": "One", "status": "pending"}');
    assert.deepEqual(setTaskMasterStatusEdits(before, 'master', '1', 'pending'), []);
    const once = set(before, '1', 'done');
    assert.deepEqual(setTaskMasterStatusEdits(once, 'master', '1', 'done'), []);
    const missing = untagged('{"id": 1, "title": "One"}');
    const added = set(missing, '1', 'done');
    assert.equal(set(added, '1', 'done'), added);
  });

  test('a status written with an escape is compared decoded, and replaced inside its quotes', () => {
    const before = untagged('{"id": 1, "title": "One", "status": "d\\u006fne"}');
    assert.deepEqual(setTaskMasterStatusEdits(before, 'master', '1', 'done'), []);
    assert.equal(set(before, '1', 'pending'), untagged('{"id": 1, "title": "One", "status": "pending"}'));
  });

  test('a status that is no string is replaced whole', () => {
    assert.equal(set(untagged('{"id": 1, "title": "One", "status": null}'), '1', 'done'), untagged('{"id": 1, "title": "One", "status": "done"}'));
  });

  test('a status written twice: the last, the one read, is set', () => {
    const before = '{"tasks": [{"id": 1, "status": "done", "title": "One", "status": "pending"}]}';
    assert.equal(set(before, '1', 'in-progress'), '{"tasks": [{"id": 1, "status": "done", "title": "One", "status": "in-progress"}]}');
  });

  test('a status with characters JSON escapes is written escaped', () => {
    assert.equal(set(untagged('{"id": 1, "title": "One", "status": "x"}'), '1', 'a "b"'), untagged('{"id": 1, "title": "One", "status": "a \\"b\\""}'));
  });

  test('a byte-order mark: offsets count it, and it stays', () => {
    const before = '\ufeff{"tasks": [{"id": 1, "title": "One", "status": "pending"}]}';
    const edits = setTaskMasterStatusEdits(before, 'master', '1', 'done');
    assert.equal(edits[0].offset, before.indexOf('pending'));
    assert.equal(applyEdits(before, edits), '\ufeff{"tasks": [{"id": 1, "title": "One", "status": "done"}]}');
  });

  test('comments and trailing commas stay as they were', () => {
    const before = '{\n  // backlog\n  "tasks": [\n    {"id": 1, "title": "One", /* soon */ "status": "pending",},\n  ],\n}';
    assert.equal(set(before, '1', 'done'), before.replace('"pending"', '"done"'));
  });

  test('the tag is found by name; other tags are untouched', () => {
    const text = read(fixturesDir, 'tools/.taskmaster/tasks/tasks.json');
    const after = set(text, '3', 'done', 'mobile-app');
    const { epics } = parseTaskMasterFile(PATH, after);
    assert.equal(task(epics[1], '3').state, 'done');
    assert.equal(task(epics[0], '3').state, 'open');
    assert.equal(after.length, text.length - 'pending'.length + 'done'.length);
  });

  test('a subtask of the CRLF fixture', () => {
    const text = read(fixturesDir, 'taskmaster-untagged/.taskmaster/tasks/tasks.json');
    const after = set(text, '2.2', 'in-progress');
    assert.equal(task(only(after), '2.2').state, 'in-progress');
    assert.equal(after.split('\r\n').length, text.split('\r\n').length);
    assert.equal(after.replace(/\r\n/g, '').includes('\n'), false);
  });

  test('no such tag, no such task, invalid JSON: a plain error', () => {
    const text = untagged('{"id": 1, "title": "One"}');
    assert.throws(() => setTaskMasterStatusEdits(text, 'beta', '1', 'done'), new PlanEditError('tasks.json has no tag "beta".'));
    assert.throws(() => setTaskMasterStatusEdits(text, 'master', '1.1', 'done'), new PlanEditError('The tag "master" of tasks.json has no task 1.1.'));
    assert.throws(
      () => setTaskMasterStatusEdits('{"tasks": [{"id": 1 "title": "One"}]}', 'master', '1', 'done'),
      new PlanEditError("tasks.json is not valid JSON: a comma is missing at line 1 (CommaExpected). Fix it before changing a task's status."),
    );
    assert.throws(() => setTaskMasterStatusEdits('', 'master', '1', 'done'), PlanEditError);
  });

  test('the status each state is written as', () => {
    assert.deepEqual(
      (['open', 'in-progress', 'done'] as const).map(taskMasterStatusFor),
      ['pending', 'in-progress', 'done'],
    );
  });
});
