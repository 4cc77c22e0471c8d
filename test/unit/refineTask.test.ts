// Expand Task and Re-scope Task: what Claude is asked, every problem an answer can have in
// the words the user reads, and the edits in both layouts, read back through the
// workspace's own index.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { ProposedSubtask, RescopedTask } from '../../src/core/claude/refineTask';
import {
  canonicalSubtaskKey,
  checkExpansion,
  checkRescopedTask,
  EXPAND_SCHEMA,
  expandChange,
  expandRequest,
  readExpansion,
  readRescope,
  refineEpicText,
  RESCOPE_SCHEMA,
  rescopeChange,
  rescopeRequest,
} from '../../src/core/claude/refineTask';
import type { PlanChange } from '../../src/core/edits';
import { applyChange, PlanEditError } from '../../src/core/edits';
import type { Epic } from '../../src/core/model';
import { PlanIndex } from '../../src/core/planIndex';
import { taskText } from '../../src/core/sync/planText';
import { examplesDir, filesOf, fixturesDir, MemoryFileSystem, toCrlf } from './helpers';

const NOW = '2026-06-01T09:00:00Z';
const SINGLE = 'epics/epic-001-link-shortener.md';
const CALENDAR = '.claude/epics/team-calendar';

function readerOf(files: ReadonlyMap<string, string>) {
  return (path: string) => {
    const text = files.get(path);
    if (text === undefined) throw new Error(`no file ${path}`);
    return text;
  };
}

async function indexOf(files: ReadonlyMap<string, string>): Promise<PlanIndex> {
  const index = new PlanIndex(new MemoryFileSystem(new Map(files)));
  await index.build();
  return index;
}

async function workspace(files: Map<string, string> = filesOf(examplesDir)) {
  const index = await indexOf(files);
  return { files, index, read: readerOf(files) };
}

/** The workspace after a change, indexed, with the errors and warnings of the files it touched that were not there before. */
async function after(files: ReadonlyMap<string, string>, change: PlanChange) {
  const next = new Map(files);
  applyChange(next, change);
  const index = await indexOf(next);
  const touched = new Set([...change.edits.map((e) => e.path), ...change.creates.map((c) => c.path)]);
  const said = (i: PlanIndex) => i.diagnostics().filter((d) => touched.has(d.path) && d.severity !== 'info');
  const had = new Set(said(await indexOf(files)).map((d) => `${d.path} ${d.code} ${d.message}`));
  const problems = said(index).filter((d) => !had.has(`${d.path} ${d.code} ${d.message}`));
  return { files: next, index, problems };
}

/** Whether a text holds the lines of a block one after the other, each indented alike (as a code block holds them). */
function holdsBlock(text: string, block: string): boolean {
  const lines = text.split('\n');
  const want = block.split('\n');
  return lines.some((_, start) => {
    const first = lines[start];
    const indent = first.slice(0, first.length - want[0].length);
    if (!first.endsWith(want[0]) || !/^ *$/.test(indent)) return false;
    return want.every((w, i) => lines[start + i] === (w === '' ? '' : indent + w));
  });
}

function rescoped(extra: Partial<RescopedTask> = {}): RescopedTask {
  return { title: 'Redirect endpoint, cache later', description: 'Serve 301 and 302 redirects from PostgreSQL.', acceptanceCriteria: ['301 for permanent links', '302 for retargetable ones'], estimateHours: 2.5, agent: 'node-backend-engineer', ...extra };
}

function subtask(key: string, extra: Partial<ProposedSubtask> = {}): ProposedSubtask {
  return { key, title: `Part ${key}`, description: '', acceptanceCriteria: [], estimateHours: 2, agent: '', dependsOn: [], ...extra };
}

function byId(epic: Epic | undefined, id: string) {
  const task = epic?.tasks.find((t) => t.id === id);
  assert.ok(task, `no task ${id}`);
  return task;
}

/** Every task of the epic but those named: title, state, issue, fields, dependencies and text. */
function others(epic: Epic, files: ReadonlyMap<string, string>, except: readonly string[]) {
  const read = readerOf(files);
  return epic.tasks
    .filter((t) => !except.includes(t.id))
    .map((t) => ({ id: t.id, title: t.title, state: t.state, issue: t.issue, group: t.group, estimate: t.estimate, agent: t.agent, priority: t.priority, deps: [...t.dependsOn].sort(), text: taskText(epic, t, read) }));
}

// ---------------------------------------------------------------------------------

describe('the schemas', () => {
  /** Every object closed with all its properties required, and none of the keywords structured outputs refuse. */
  function assertStructuredSubset(schema: unknown, where = 'schema'): void {
    if (Array.isArray(schema)) return schema.forEach((s, i) => assertStructuredSubset(s, `${where}[${i}]`));
    if (schema === null || typeof schema !== 'object') return;
    const s = schema as Record<string, unknown>;
    for (const banned of ['minLength', 'maxLength', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'pattern', 'format', 'minItems', 'maxItems', 'multipleOf']) {
      assert.ok(!(banned in s), `${where} uses ${banned}`);
    }
    if (s.type === 'object') {
      assert.equal(s.additionalProperties, false, `${where} is not closed`);
      assert.deepEqual([...(s.required as string[])].sort(), Object.keys(s.properties as object).sort(), `${where} leaves a property optional`);
    }
    for (const [key, value] of Object.entries(s)) assertStructuredSubset(value, `${where}.${key}`);
  }

  test('both are the structured-output subset, and frozen', () => {
    assertStructuredSubset(RESCOPE_SCHEMA);
    assertStructuredSubset(EXPAND_SCHEMA);
    assert.deepEqual(Object.keys((RESCOPE_SCHEMA.properties as object)), ['title', 'description', 'acceptanceCriteria', 'estimateHours', 'agent']);
    const item = ((EXPAND_SCHEMA.properties as Record<string, { items: { properties: object } }>).subtasks.items.properties);
    assert.deepEqual(Object.keys(item), ['key', 'title', 'description', 'acceptanceCriteria', 'estimateHours', 'agent', 'dependsOn']);
    assert.ok(Object.isFrozen(RESCOPE_SCHEMA) && Object.isFrozen(item));
    assert.throws(() => {
      (RESCOPE_SCHEMA as Record<string, unknown>).type = 'array';
    }, TypeError);
  });
});

describe('what is asked', () => {
  test('the context is the PRD and the epic, the same whatever is asked about which task', async () => {
    const { index, read } = await workspace();
    const epic = index.epic('epic-001-link-shortener')!;
    const epicText = refineEpicText(epic, read);
    const prdText = read('prds/prd-001-link-shortener.md');
    const a = rescopeRequest({ epic, taskId: 'T4', epicText, prdText, direction: 'smaller' });
    const b = rescopeRequest({ epic, taskId: 'T7', epicText, prdText, direction: 'larger', note: 'include retries' });
    const c = expandRequest({ epic, taskId: 'T3', epicText, prdText, maxSubtasks: 6 });
    assert.equal(a.context, b.context);
    assert.equal(a.context, c.context);
    assert.equal(a.system, b.system, 'the direction is in the prompt, so the system prompt is cached too');
    assert.ok(a.context.startsWith('<prd name="PRD-001">\n# PRD-001'));
    assert.match(a.context, /<\/prd>\n\n<epic id="epic-001-link-shortener" path="epics\/epic-001-link-shortener.md" layout="single-file">\n# Epic 001: Link Shortener Service\n/);
    assert.ok(a.context.endsWith('</epic>'));
    assert.equal(a.schema, RESCOPE_SCHEMA);
    assert.equal(c.schema, EXPAND_SCHEMA);
  });

  test('the prompt names the task, its place in the plan and what is wanted', async () => {
    const { index, read } = await workspace();
    const epic = index.epic('epic-001-link-shortener')!;
    const epicText = refineEpicText(epic, read);
    const smaller = rescopeRequest({ epic, taskId: 'T4', epicText, direction: 'smaller' });
    assert.equal(
      smaller.prompt,
      [
        'Re-scope task T4 of the epic above: "Redirect endpoint with Redis cache" (epics/epic-001-link-shortener.md).',
        'It is not started. Its estimate is 4 hours.',
        'It is in the group "Redirects".',
        'It depends on T3 "Link table and slug generator".',
        'T7 "Click events pipeline" and T9 "Load test the redirect path" depend on it.',
        'Make it smaller: narrow it to the core it must deliver, so that it takes clearly less time than its 4 hours now. Leave out what can wait, and say at the end of the description what was left out, so that it can become a task of its own.',
      ].join('\n'),
    );
    assert.ok(!smaller.context.includes('<prd'), 'no PRD block without a PRD');
    const larger = rescopeRequest({ epic, taskId: 'T3', epicText, direction: 'larger', note: '  also\nthe admin view ', problems: ['The task has a blank title.'] });
    assert.match(larger.prompt, /^Re-scope task T3 .*\nIt is in progress\. Its estimate is 3 hours\.\nIts agent is node-backend-engineer\./);
    assert.match(larger.prompt, /\nMake it larger: .* more time than its 3 hours now, while it stays one task that one person can finish\.\nThe person asking adds: "also the admin view"\n\nYour last answer could not be used, because:\n- The task has a blank title\.\n\nAnswer again with a task that has none of these problems\.$/);
    const expand = expandRequest({ epic, taskId: 'T7', epicText, maxSubtasks: 5 });
    assert.match(expand.prompt, /^Break task T7 of the epic above, "Click events pipeline" \(epics\/epic-001-link-shortener.md\), down into between 2 and 5 subtasks\.\n/);
    assert.throws(() => expandRequest({ epic, taskId: 'T99', epicText, maxSubtasks: 5 }), /has no task T99/);
  });

  test('a directory epic is given with its task files', async () => {
    const { index, read } = await workspace();
    const epic = index.epic('team-calendar')!;
    const epicText = refineEpicText(epic, read);
    assert.ok(epicText.startsWith('---\nname: team-calendar\n'));
    assert.match(epicText, /\n\n<task-file path="\.claude\/epics\/team-calendar\/43\.md">\n---\nname: On-call rota import\n[\s\S]*Deleted shifts are removed\n<\/task-file>/);
    const request = expandRequest({ epic, taskId: '44', epicText, prdText: '# PRD: Team calendar\r\n', maxSubtasks: 4 });
    assert.ok(request.context.startsWith('<prd name=".claude/prds/team-calendar.md">\n# PRD: Team calendar\n</prd>'));
    assert.match(request.prompt, /^Break task 44 of the epic above, "Week view" \(\.claude\/epics\/team-calendar\/44\.md\)/);
    assert.match(request.prompt, /It depends on 42 "Time-off API" and 43 "On-call rota import"\./);
  });
});

// ---------------------------------------------------------------------------------

function problemsOf(result: { ok: boolean; problems?: readonly string[] }): readonly string[] {
  assert.equal(result.ok, false, 'the answer should have been refused');
  return result.problems ?? [];
}

const RAW_TASK = { title: 'Redirects', description: 'Serve them.', acceptanceCriteria: ['It works'], estimateHours: 3, agent: '' };

function expansion(...subtasks: Array<Record<string, unknown>>) {
  return { subtasks };
}

function rawSubtask(key: string, extra: Record<string, unknown> = {}) {
  return { key, title: `Part ${key}`, description: '', acceptanceCriteria: [], estimateHours: 2, agent: '', dependsOn: [], ...extra };
}

describe('reading a re-scoped task', () => {
  test('a good answer is tidied the way the files need it', () => {
    const result = readRescope(
      '```json\n' + JSON.stringify({ title: '  Redirects only ', description: '\r\n  Serve them.\r\n\r\n  - from the table  \n\n', acceptanceCriteria: ['- [ ] 301s\nwork', '', '  2. [x] 302s'], estimateHours: 1.23456, agent: ' node ' }) + '\n```',
      'end_turn',
    );
    assert.ok(result.ok);
    assert.deepEqual(result.task, { title: 'Redirects only', description: 'Serve them.\n\n- from the table', acceptanceCriteria: ['301s work', '302s'], estimateHours: 1.23, agent: 'node' });
  });

  test('a refusal, an answer cut off, one that is empty and one that is not JSON are each said as such', () => {
    assert.deepEqual(problemsOf(readRescope('I cannot help with that.', 'refusal')), ['Claude declined to re-scope this task. It said: "I cannot help with that."']);
    assert.deepEqual(problemsOf(readRescope('', 'refusal')), ['Claude declined to re-scope this task.']);
    assert.deepEqual(problemsOf(readRescope('{"title": "Red', 'max_tokens')), ['The answer was cut off before it was complete: it reached the most tokens an answer may have. Allow more max tokens.']);
    assert.deepEqual(problemsOf(readRescope('{"title"', 'model_context_window_exceeded')), ["The answer was cut off before it was complete: the epic, the PRD and the answer did not fit in the model's context window. Leave the PRD out, or shorten the epic."]);
    assert.deepEqual(problemsOf(readRescope('  ', 'end_turn')), ['The answer is empty: Claude wrote no task.']);
    assert.deepEqual(problemsOf(readRescope('{\n  "title": "x",\n  oops\n}', 'end_turn')), ['The answer is not valid JSON: at line 3, column 3, a property name in double quotes was expected but "o" was found.']);
    // A complete answer that happened to end at the limit is still an answer.
    assert.ok(readRescope(JSON.stringify(RAW_TASK), 'max_tokens').ok);
  });

  test('every problem of the form is named', () => {
    assert.deepEqual(problemsOf(checkRescopedTask([])), ['The answer is not a task: it should be a JSON object with a title, a description, acceptance criteria, an estimate and an agent, not a list.']);
    assert.deepEqual(problemsOf(checkRescopedTask({ ...RAW_TASK, agent: undefined, extra: 1, estimateHours: '3', acceptanceCriteria: ['ok', 4] })), [
      'The task has no agent.',
      'The task has a property that is not part of the answer asked for: "extra".',
      'Acceptance criterion 2 of the task should be text, not the number 4.',
      'The estimate (estimateHours) of the task should be a number, not the text "3".',
    ]);
  });

  test('what the schema cannot say is checked after it', () => {
    assert.deepEqual(problemsOf(checkRescopedTask({ ...RAW_TASK, title: '  ' })), ['The task has a blank title.']);
    assert.deepEqual(problemsOf(checkRescopedTask({ ...RAW_TASK, title: 'Two\nlines', agent: 'a\u2028b' })), ['The title of the task has a line break; it must be one line.', 'The agent of the task has a line break; it must be one line.']);
    assert.deepEqual(problemsOf(checkRescopedTask({ ...RAW_TASK, description: 'bell \u0007' })), ['The description of the task has a control character (U+0007).']);
    assert.deepEqual(problemsOf(checkRescopedTask({ ...RAW_TASK, estimateHours: 0 })), ['The task has an estimate of 0 hours; every task takes some time.']);
    assert.deepEqual(problemsOf(checkRescopedTask({ ...RAW_TASK, estimateHours: 0.001 })), ['The task has an estimate of 0 hours; every task takes some time.']);
    assert.deepEqual(problemsOf(checkRescopedTask({ ...RAW_TASK, estimateHours: -2 })), ['The task has a negative estimate (-2 hours).']);
    assert.deepEqual(problemsOf(checkRescopedTask({ ...RAW_TASK, estimateHours: 20_000 })), ['The task is estimated at 20000 hours, more than 10000; that is no estimate of one task.']);
  });
});

describe('reading an expansion', () => {
  const OPTIONS = { maxSubtasks: 4 };

  test('a good answer, keys and references spelled any way, is tidied', () => {
    const result = readExpansion(JSON.stringify(expansion(rawSubtask('s1'), rawSubtask('Subtask 2', { dependsOn: ['S1', 's1'] }))), 'end_turn', OPTIONS);
    assert.ok(result.ok);
    assert.deepEqual(result.subtasks.map((s) => [s.key, s.dependsOn]), [['S1', []], ['S2', ['S1']]]);
    assert.equal(canonicalSubtaskKey(' sub-task 03 '), 'S3');
    assert.equal(canonicalSubtaskKey('T1'), 'T1');
  });

  test('the answer as text', () => {
    assert.deepEqual(problemsOf(readExpansion('No.', 'refusal', OPTIONS)), ['Claude declined to break this task down into subtasks. It said: "No."']);
    assert.deepEqual(problemsOf(readExpansion('{"subtasks": [', 'max_tokens', OPTIONS)), ['The answer was cut off before it was complete: it reached the most tokens an answer may have. Allow more max tokens, or ask for fewer subtasks.']);
    assert.deepEqual(problemsOf(readExpansion('', undefined, OPTIONS)), ['The answer is empty: Claude wrote no subtasks.']);
    assert.deepEqual(problemsOf(readExpansion('Here you go: {}', 'end_turn', OPTIONS)), ['The answer is not valid JSON: at line 1, column 1, a value was expected but "H" was found.']);
  });

  test('every problem of the form is named, subtask by subtask', () => {
    assert.deepEqual(problemsOf(checkExpansion('subtasks', OPTIONS)), ['The answer is not a list of subtasks: it should be a JSON object with the subtasks, not the text "subtasks".']);
    assert.deepEqual(problemsOf(checkExpansion({ tasks: [] }, OPTIONS)), ['The answer has no list of subtasks (subtasks).', 'The answer has a property that is not part of the answer asked for: "tasks".']);
    assert.deepEqual(problemsOf(checkExpansion(expansion(rawSubtask('S1'), { ...rawSubtask('S2', { dependsOn: [2] }), title: undefined }), OPTIONS)), [
      'Subtask 2 (S2) has no title.',
      'Dependency 1 of subtask 2 (S2) should be text, not the number 2.',
    ]);
  });

  test('what the schema cannot say', () => {
    assert.deepEqual(problemsOf(checkExpansion(expansion(), OPTIONS)), ['The answer has no subtasks.']);
    assert.deepEqual(problemsOf(checkExpansion(expansion(rawSubtask('S1')), OPTIONS)), ['The answer has only one subtask; a task is broken down into 2 or more.']);
    assert.deepEqual(problemsOf(checkExpansion(expansion(...['S1', 'S2', 'S3', 'S4', 'S5'].map((k) => rawSubtask(k))), OPTIONS)), ['The answer has 5 subtasks, more than the 4 allowed.']);
    assert.deepEqual(problemsOf(checkExpansion(expansion(rawSubtask('S1', { title: '' }), rawSubtask('S1', { estimateHours: 0 }), rawSubtask(' ')), OPTIONS)), [
      'Subtask 1 (S1) has a blank title.',
      'Subtask 2 (S1) has an estimate of 0 hours; every task takes some time.',
      'Subtask 3 has a blank key.',
      'S1 is used by two subtasks.',
    ]);
    assert.deepEqual(problemsOf(checkExpansion(expansion(rawSubtask('S1', { dependsOn: ['S1', 'T4'] }), rawSubtask('S2', { title: 'a\nb' })), OPTIONS)), [
      'The title of subtask 2 (S2) has a line break; it must be one line.',
      'S1 depends on itself.',
      'S1 depends on T4, which is not one of the subtasks.',
    ]);
    assert.deepEqual(problemsOf(checkExpansion(expansion(rawSubtask('S1', { dependsOn: ['S3'] }), rawSubtask('S2', { dependsOn: ['S1'] }), rawSubtask('S3', { dependsOn: ['S2'] })), OPTIONS)), [
      "The subtasks' dependencies go round in a circle: S1 → S2 → S3 → S1.",
    ]);
  });
});

// ---------------------------------------------------------------------------------

describe('re-scoping a task in a single file', () => {
  test('T4: its title, text, estimate and agent change; its priority, group and place stay, and every other byte', async () => {
    const { files, index, read } = await workspace();
    const epic = index.epic('epic-001-link-shortener')!;
    const change = rescopeChange(epic, 'T4', rescoped(), read, NOW);
    assert.deepEqual(change.edits.map((e) => e.path), [SINGLE]);
    const result = await after(files, change);
    const before = files.get(SINGLE)!;
    const text = result.files.get(SINGLE)!;
    const old = ['- [ ] **Task 4:** Redirect endpoint with Redis cache', '  - 301 for permanent links, 302 for retargetable ones', '  - **Estimate:** 4 hours', '  - **Priority:** high'].join('\n');
    const next = [
      '- [ ] **Task 4:** Redirect endpoint, cache later',
      '',
      '  Serve 301 and 302 redirects from PostgreSQL.',
      '',
      '  - **Acceptance criteria:**',
      '    - 301 for permanent links',
      '    - 302 for retargetable ones',
      '  - **Estimate:** 2.5 hours',
      '  - **Agent:** node-backend-engineer',
      '  - **Priority:** high',
    ].join('\n');
    assert.ok(before.includes(old));
    assert.equal(text, before.replace(old, next));
    const epicAfter = result.index.epic('epic-001-link-shortener')!;
    const t4 = byId(epicAfter, 'T4');
    assert.deepEqual([t4.title, t4.state, t4.group, t4.estimate, t4.agent, t4.priority, t4.dependsOn], ['Redirect endpoint, cache later', 'open', 'Redirects', '2.5 hours', 'node-backend-engineer', 'high', ['T3']]);
    assert.deepEqual(others(epicAfter, result.files, ['T4']), others(epic, files, ['T4']));
    assert.deepEqual(result.problems, []);
  });

  test('an in-progress task keeps its checkbox, its issue link and its dependency bullet; CRLF stays CRLF', async () => {
    for (const transform of [(t: string) => t, toCrlf]) {
      const files = new Map([...filesOf(examplesDir)].map(([p, t]) => [p, p === SINGLE ? transform(t) : t] as const));
      files.set(SINGLE, files.get(SINGLE)!.replace(/(\*\*Task 5:\*\* Create, update and disable links)/, '$1 (#105)').replace('- [ ] **Task 5:**', '- [-] **Task 5:**'));
      const { index, read } = await workspace(files);
      const epic = index.epic('epic-001-link-shortener')!;
      const change = rescopeChange(epic, 'T5', rescoped({ title: 'Create and disable links', agent: '' }), read, NOW);
      const result = await after(files, change);
      const text = result.files.get(SINGLE)!;
      const eol = transform === toCrlf ? '\r\n' : '\n';
      assert.ok(text.includes(['- [-] **Task 5:** Create and disable links (#105)', '', '  Serve 301 and 302 redirects from PostgreSQL.', '', '  - **Acceptance criteria:**', '    - 301 for permanent links', '    - 302 for retargetable ones', '  - **Estimate:** 2.5 hours', '  - **Depends on:** Task 3', ''].join(eol)));
      assert.equal(text.replace(/\r\n/g, '').includes('\n'), transform !== toCrlf, 'one kind of line break');
      const t5 = byId(result.index.epic('epic-001-link-shortener'), 'T5');
      assert.deepEqual([t5.state, t5.issue, t5.agent, [...t5.dependsOn].sort()], ['in-progress', 105, undefined, ['T3', 'T6']]);
      assert.deepEqual(result.problems, []);
    }
  });

  test('a description that would read as tasks, fields or headings is written so that it reads back as written', async () => {
    const { files, index, read } = await workspace();
    const epic = index.epic('epic-001-link-shortener')!;
    const description = ['Do the redirects.', '- [ ] **Task 9:** not a task of ours', '- **Priority:** low', '## Not a section', '```mermaid', 'graph TD', '  T1 --> T9', '```'].join('\n');
    const change = rescopeChange(epic, 'T7', rescoped({ title: 'Events', description, acceptanceCriteria: ['- [ ] T9 ...', '# heading?'] }), read, NOW);
    const result = await after(files, change);
    const epicAfter = result.index.epic('epic-001-link-shortener')!;
    const t7 = byId(epicAfter, 'T7');
    assert.deepEqual([t7.title, t7.priority, t7.dependsOn, t7.group], ['Events', undefined, ['T4'], 'Analytics']);
    assert.equal(epicAfter.tasks.length, 10);
    assert.ok(holdsBlock(taskText(epicAfter, t7, readerOf(result.files)), description), 'the description reads back as written, inside the task');
    assert.deepEqual(others(epicAfter, result.files, ['T7']), others(epic, files, ['T7']));
    assert.deepEqual(epicAfter.groups.map((g) => g.name), epic.groups.map((g) => g.name));
    assert.deepEqual(result.problems, []);
  });

  test('a task in a group with fields of its own and a subtask nested in it keeps them', async () => {
    const text = [
      '# Epic 002: Billing',
      '',
      '**Status:** In Progress',
      '',
      '## Tasks',
      '',
      '### Invoices',
      '',
      '* [ ] **T1:** Invoice model',
      '    * Tables for invoices and lines',
      '    * **Sprint:** Sprint 4',
      '    * **Owner:** Dana',
      '    * **Estimate:** 1 day',
      '    * [ ] **T2:** Line items',
      '        * **Estimate:** 2 hours',
      '    * **Effort:** M',
      '',
      '* [ ] **T3:** PDF rendering',
      '    * **Depends on:** T1',
      '',
    ].join('\n');
    const files = new Map([['epics/epic-002-billing.md', text]]);
    const { index, read } = await workspace(files);
    const epic = index.epic('epic-002-billing')!;
    const change = rescopeChange(epic, 'T1', rescoped({ title: 'Invoice tables', description: 'Only the tables.', acceptanceCriteria: [] }), read, NOW);
    const result = await after(files, change);
    assert.equal(
      result.files.get('epics/epic-002-billing.md'),
      text.replace(
        ['* [ ] **T1:** Invoice model', '    * Tables for invoices and lines', '    * **Sprint:** Sprint 4', '    * **Owner:** Dana', '    * **Estimate:** 1 day', '    * [ ] **T2:** Line items', '        * **Estimate:** 2 hours', '    * **Effort:** M'].join('\n'),
        ['* [ ] **T1:** Invoice tables', '', '    Only the tables.', '', '    * **Estimate:** 2.5 hours', '    * **Agent:** node-backend-engineer', '    * **Sprint:** Sprint 4', '    * **Owner:** Dana', '    * [ ] **T2:** Line items', '        * **Estimate:** 2 hours'].join('\n'),
      ),
    );
    const epicAfter = result.index.epic('epic-002-billing')!;
    const t1 = byId(epicAfter, 'T1');
    assert.deepEqual([t1.title, t1.sprint, t1.estimate, t1.group], ['Invoice tables', 'Sprint 4', '2.5 hours', 'Invoices']);
    assert.deepEqual(others(epicAfter, result.files, ['T1']), others(epic, files, ['T1']));
    assert.deepEqual(result.problems, []);
  });

  test('a title that reads like an issue link is written so that it is not one; an unknown task is refused', async () => {
    const { files, index, read } = await workspace();
    const epic = index.epic('epic-001-link-shortener')!;
    const result = await after(files, rescopeChange(epic, 'T6', rescoped({ title: 'SSO, as in (#12)' }), read, NOW));
    const t6 = byId(result.index.epic('epic-001-link-shortener'), 'T6');
    assert.deepEqual([t6.title, t6.issue], ['SSO, as in (#12)', undefined]);
    assert.match(result.files.get(SINGLE)!, /- \[ \] \*\*Task 6: SSO, as in \(#12\)\*\*\n/);
    // With an issue of its own, the link at the end is its issue and the title keeps its own.
    const t3 = byId((await after(files, rescopeChange(epic, 'T3', rescoped({ title: 'Slugs (#12)' }), read, NOW))).index.epic('epic-001-link-shortener'), 'T3');
    assert.deepEqual([t3.title, t3.issue, t3.state], ['Slugs (#12)', 103, 'in-progress']);
    assert.throws(() => rescopeChange(epic, 'T42', rescoped(), read, NOW), (e: unknown) => e instanceof PlanEditError && /has no task T42/.test(e.message));
    assert.throws(() => rescopeChange(epic, 'T4', rescoped({ title: ' ' }), read, NOW), (e: unknown) => e instanceof PlanEditError && /The task has a blank title/.test(e.message));
  });
});

describe('re-scoping a task file', () => {
  const TASK = `${CALENDAR}/43.md`;

  test('43: name, estimate, agent, updated, heading and its sections; the criteria met stay checked; its checklist line', async () => {
    const { files, index, read } = await workspace();
    const epic = index.epic('team-calendar')!;
    const change = rescopeChange(epic, '43', rescoped({ title: 'Rota import', description: 'Import the rota from the paging tool.', acceptanceCriteria: ['Import job runs hourly', 'Shifts keep their owner'], estimateHours: 6, agent: 'python-backend-engineer' }), read, NOW);
    assert.deepEqual(change.edits.map((e) => e.path), [TASK, `${CALENDAR}/epic.md`]);
    const result = await after(files, change);
    assert.equal(
      result.files.get(TASK),
      [
        '---',
        'name: Rota import',
        'status: in-progress',
        'created: 2026-02-12T10:00:00Z',
        `updated: ${NOW}`,
        'github: https://github.com/acme/calendar/issues/43',
        'depends_on: [41]',
        'parallel: true',
        'conflicts_with: []',
        'priority: high',
        'estimate: 6 hours',
        'agent: python-backend-engineer',
        '---',
        '',
        '# Task: Rota import',
        '',
        '## Description',
        '',
        'Import the rota from the paging tool.',
        '',
        '## Acceptance Criteria',
        '- [x] Import job runs hourly',
        '- [ ] Shifts keep their owner',
        '',
      ].join('\n'),
    );
    assert.equal(result.files.get(`${CALENDAR}/epic.md`), files.get(`${CALENDAR}/epic.md`)!.replace('- [ ] #43 - On-call rota import (parallel: true)', '- [ ] #43 - Rota import (parallel: true)'));
    const epicAfter = result.index.epic('team-calendar')!;
    const t43 = byId(epicAfter, '43');
    assert.deepEqual([t43.title, t43.state, t43.issue, t43.priority, t43.estimate, t43.agent, t43.dependsOn, t43.parallel], ['Rota import', 'in-progress', 43, 'high', '6 hours', 'python-backend-engineer', ['41'], true]);
    assert.deepEqual(others(epicAfter, result.files, ['43']), others(epic, files, ['43']));
    assert.deepEqual(result.problems, []);
  });

  test('a file without a Description section: its prose is the description; a block list of dependencies and CRLF stay', async () => {
    const dir = join(fixturesDir, 'unsynced');
    const files = filesOf(dir);
    files.set('.claude/epics/search/003.md', toCrlf(files.get('.claude/epics/search/003.md')!));
    const { index, read } = await workspace(files);
    const epic = index.epic('search')!;
    const change = rescopeChange(epic, '003', rescoped({ title: 'Ranking: BM25', description: 'BM25 only.\n\n## A heading inside', acceptanceCriteria: ['Top 10 is stable'], agent: '' }), read, NOW);
    const result = await after(files, change);
    assert.equal(
      result.files.get('.claude/epics/search/003.md'),
      toCrlf(
        [
          '---',
          'name: "Ranking: BM25"',
          'status: open',
          'created: 2026-04-01T08:00:00Z',
          `updated: ${NOW}`,
          'github:',
          'depends_on:',
          '  - 001',
          'parallel: true',
          'conflicts_with:',
          '  - 002',
          'estimate: 2.5 hours',
          '---',
          '',
          '# Task: Ranking: BM25',
          '',
          '## Description',
          '',
          '    BM25 only.',
          '',
          '    ## A heading inside',
          '',
          '## Acceptance Criteria',
          '- [ ] Top 10 is stable',
          '',
        ].join('\n'),
      ),
    );
    const t3 = byId(result.index.epic('search'), '003');
    assert.deepEqual([t3.title, t3.dependsOn, t3.conflictsWith, t3.estimate], ['Ranking: BM25', ['001'], ['002'], '2.5 hours']);
    assert.deepEqual(others(result.index.epic('search')!, result.files, ['003']), others(epic, files, ['003']));
    assert.deepEqual(result.problems, []);

    // Re-scoped again, it finds its own sections.
    const again = await workspace(result.files);
    const second = await after(result.files, rescopeChange(again.index.epic('search')!, '003', rescoped({ title: 'Ranking', description: 'Plain now.', acceptanceCriteria: [] }), again.read, NOW));
    assert.match(second.files.get('.claude/epics/search/003.md')!, /\r\n# Task: Ranking\r\n\r\n## Description\r\n\r\nPlain now\.\r\n$/);
  });

  test('another estimate key is kept in step, and an empty agent is written empty', async () => {
    const { files, read } = await workspace();
    files.set(`${CALENDAR}/46.md`, files.get(`${CALENDAR}/46.md`)!.replace('conflicts_with: []\n', 'conflicts_with: []\nhours: 8\nagent: frontend\n'));
    const { index } = await workspace(files);
    const result = await after(files, rescopeChange(index.epic('team-calendar')!, '46', rescoped({ agent: '' }), read, NOW));
    assert.match(result.files.get(`${CALENDAR}/46.md`)!, /\nconflicts_with: \[\]\nhours: 2\.5\nagent:\nestimate: 2\.5 hours\n---\n/);
    const t46 = byId(result.index.epic('team-calendar'), '46');
    assert.deepEqual([t46.estimate, t46.agent], ['2.5 hours', undefined]);
  });
});

// ---------------------------------------------------------------------------------

describe('expanding a task in a single file', () => {
  const TWO = [subtask('S1', { title: 'Cache client', description: 'A Redis client with timeouts.', acceptanceCriteria: ['Timeouts fall back to the table'], agent: 'node-backend-engineer' }), subtask('S2', { title: 'Cached redirects', dependsOn: ['S1'], estimateHours: 1 })];

  test('T4: the subtasks go right before it in its group, and the graph says the rest', async () => {
    const { files, index, read } = await workspace();
    const epic = index.epic('epic-001-link-shortener')!;
    const change = expandChange(epic, 'T4', TWO, read, NOW);
    assert.deepEqual(change.taskIds, ['T11', 'T12']);
    assert.ok(change.edits[0].edits.every((e) => e.length === 0), 'nothing is replaced: every byte of the file stays');
    const result = await after(files, change);
    const before = files.get(SINGLE)!;
    const inserted = [
      '- [ ] **Task 11:** Cache client',
      '',
      '  A Redis client with timeouts.',
      '',
      '  - **Acceptance criteria:**',
      '    - Timeouts fall back to the table',
      '  - **Estimate:** 2 hours',
      '  - **Agent:** node-backend-engineer',
      '',
      '- [ ] **Task 12:** Cached redirects',
      '  - **Estimate:** 1 hour',
      '',
      '',
    ].join('\n');
    const graph = ['    T11["Task 11: Cache client"]', '    T12["Task 12: Cached redirects"]', '    T3 --> T11', '    T11 --> T12', '    T12 --> T4', ''].join('\n');
    assert.equal(result.files.get(SINGLE), before.replace('- [ ] **Task 4:**', inserted + '- [ ] **Task 4:**').replace('    T9 --> T10\n', '    T9 --> T10\n' + graph));
    const epicAfter = result.index.epic('epic-001-link-shortener')!;
    assert.deepEqual(epicAfter.tasks.map((t) => t.id), ['T1', 'T2', 'T3', 'T11', 'T12', 'T4', 'T5', 'T6', 'T7', 'T8', 'T9', 'T10']);
    assert.deepEqual(epicAfter.groups.find((g) => g.name === 'Redirects')!.taskIds, ['T3', 'T11', 'T12', 'T4']);
    const [t11, t12, t4] = ['T11', 'T12', 'T4'].map((id) => byId(epicAfter, id));
    assert.deepEqual([t11.dependsOn, t12.dependsOn, [...t4.dependsOn].sort()], [['T3'], ['T11'], ['T12', 'T3']]);
    assert.deepEqual([t11.title, t11.estimate, t11.agent, t11.state, t11.group], ['Cache client', '2 hours', 'node-backend-engineer', 'open', 'Redirects']);
    // The umbrella keeps its text: its issue body would not change.
    assert.equal(taskText(epicAfter, t4, readerOf(result.files)), taskText(epic, byId(epic, 'T4'), readerOf(files)));
    assert.deepEqual(others(epicAfter, result.files, ['T11', 'T12', 'T4']), others(epic, files, ['T4']));
    assert.deepEqual(result.problems, []);
  });

  test('an in-progress task with an issue link, in CRLF, with subtasks that wait for none of each other', async () => {
    const files = new Map([...filesOf(examplesDir)].map(([p, t]) => [p, p === SINGLE ? toCrlf(t) : t] as const));
    const { index, read } = await workspace(files);
    const epic = index.epic('epic-001-link-shortener')!;
    const change = expandChange(epic, 'T3', [subtask('S1'), subtask('S2'), subtask('S3', { dependsOn: ['S1', 'S2'] }), subtask('S4')], read, NOW);
    const result = await after(files, change);
    const text = result.files.get(SINGLE)!;
    assert.ok(!/[^\r]\n/.test(text), 'CRLF throughout');
    const epicAfter = result.index.epic('epic-001-link-shortener')!;
    const deps = (id: string) => [...byId(epicAfter, id).dependsOn].sort();
    assert.deepEqual([deps('T11'), deps('T12'), deps('T13'), deps('T14'), deps('T3')], [['T2'], ['T2'], ['T11', 'T12'], ['T2'], ['T13', 'T14', 'T2']]);
    const t3 = byId(epicAfter, 'T3');
    assert.deepEqual([t3.state, t3.issue, t3.title], ['in-progress', 103, 'Link table and slug generator']);
    assert.deepEqual(others(epicAfter, result.files, ['T11', 'T12', 'T13', 'T14', 'T3']), others(epic, files, ['T3']));
    assert.deepEqual(result.problems, []);
  });

  test('an epic without a graph gets one; a tight list stays tight; a nested task and a bullet dependency', async () => {
    const text = [
      '# Epic 003: Search',
      '',
      '**Status:** Planning',
      '',
      '## Tasks',
      '',
      '- [ ] **Task 1:** Index',
      '  - **Estimate:** 1 day',
      '- [ ] **Task 2:** Query',
      '  - **Depends on:** Task 1',
      '  - [ ] **Task 3:** Parser',
      '- [ ] **Task 4:** Page',
      '',
      '## Risks',
      '',
      'None known.',
    ].join('\n');
    const path = 'epics/epic-003-search.md';
    const files = new Map([[path, text]]);
    const { index, read } = await workspace(files);
    const epic = index.epic('epic-003-search')!;
    const change = expandChange(epic, 'T2', [subtask('S1', { title: 'Grammar' }), subtask('S2', { title: 'Executor', dependsOn: ['S1'] })], read, NOW);
    const result = await after(files, change);
    assert.equal(
      result.files.get(path),
      text.replace('- [ ] **Task 2:** Query', '- [ ] **Task 5:** Grammar\n  - **Estimate:** 2 hours\n- [ ] **Task 6:** Executor\n  - **Estimate:** 2 hours\n- [ ] **Task 2:** Query') +
        ['', '', '## Dependencies', '', '```mermaid', 'graph TD', '    T5["Task 5: Grammar"]', '    T6["Task 6: Executor"]', '    T1 --> T5', '    T5 --> T6', '    T6 --> T2', '```', ''].join('\n'),
    );
    const epicAfter = result.index.epic('epic-003-search')!;
    assert.deepEqual(epicAfter.tasks.map((t) => t.id), ['T1', 'T5', 'T6', 'T2', 'T3', 'T4']);
    assert.deepEqual([...byId(epicAfter, 'T2').dependsOn].sort(), ['T1', 'T6']);
    assert.deepEqual(result.problems, []);
  });

  test('descriptions that would read as tasks or headings read back as written', async () => {
    const { files, index, read } = await workspace();
    const epic = index.epic('epic-001-link-shortener')!;
    const risky = ['- [ ] T9 ...', '- [ ] **Task 9:** not ours', '## Heading', '- **Depends on:** Task 1'].join('\n');
    const change = expandChange(epic, 'T9', [subtask('S1', { description: risky, acceptanceCriteria: ['- [ ] **Task 2:** no'] }), subtask('S2', { title: '**Bold** start', description: '# Top heading' })], read, NOW);
    const result = await after(files, change);
    const epicAfter = result.index.epic('epic-001-link-shortener')!;
    assert.equal(epicAfter.tasks.length, 12);
    const t11 = byId(epicAfter, 'T11');
    assert.ok(holdsBlock(taskText(epicAfter, t11, readerOf(result.files)), risky));
    assert.deepEqual([t11.dependsOn, t11.group], [['T4'], 'Release']);
    assert.equal(byId(epicAfter, 'T12').title, '**Bold** start');
    assert.deepEqual(result.problems, []);
  });

  test('a done task is refused, and so are subtasks that cannot be written', async () => {
    const { index, read } = await workspace();
    const epic = index.epic('epic-001-link-shortener')!;
    assert.throws(() => expandChange(epic, 'T1', TWO, read, NOW), (e: unknown) => e instanceof PlanEditError && e.message === 'T1 is done: a finished task is not broken down. Reopen it first, or add the work as new tasks.');
    assert.throws(() => expandChange(epic, 'T4', [subtask('S1', { dependsOn: ['S2'] }), subtask('S2', { dependsOn: ['S1'] })], read, NOW), /go round in a circle/);
    assert.throws(() => expandChange(epic, 'T4', [], read, NOW), /The answer has no subtasks/);
  });
});

describe('expanding a task file', () => {
  test('44: new numbered files after the highest local number, the checklist and progress, the umbrella waits for them', async () => {
    const { files, index, read } = await workspace();
    const epic = index.epic('team-calendar')!;
    const change = expandChange(epic, '44', [subtask('S1', { title: 'Week grid', description: 'Rows per person.', acceptanceCriteria: ['50 people in a second'] }), subtask('S2', { title: 'Keyboard', dependsOn: ['S1'] }), subtask('S3', { title: 'Bars' })], read, NOW);
    assert.deepEqual(change.taskIds, ['047', '048', '049']);
    assert.deepEqual(change.creates.map((c) => c.path), ['047', '048', '049'].map((id) => `${CALENDAR}/${id}.md`));
    assert.equal(
      change.creates[0].text,
      [
        '---',
        'name: Week grid',
        'status: open',
        `created: ${NOW}`,
        `updated: ${NOW}`,
        'github:',
        'depends_on: [42, 43]',
        'parallel: false',
        'conflicts_with: []',
        'estimate: 2 hours',
        '---',
        '',
        '# Task: Week grid',
        '',
        '## Description',
        '',
        'Rows per person.',
        '',
        '## Acceptance Criteria',
        '- [ ] 50 people in a second',
        '',
      ].join('\n'),
    );
    const result = await after(files, change);
    assert.equal(result.files.get(`${CALENDAR}/44.md`), files.get(`${CALENDAR}/44.md`)!.replace('depends_on: [42, 43]', 'depends_on: [42, 43, 048, 049]').replace('updated: 2026-02-12T10:00:00Z', `updated: ${NOW}`));
    assert.equal(
      result.files.get(`${CALENDAR}/epic.md`),
      files
        .get(`${CALENDAR}/epic.md`)!
        .replace('progress: 33%', 'progress: 22%')
        .replace('(ICS) (parallel: true)\n', '(ICS) (parallel: true)\n- [ ] 047.md - Week grid\n- [ ] 048.md - Keyboard\n- [ ] 049.md - Bars\n'),
    );
    const epicAfter = result.index.epic('team-calendar')!;
    const deps = (id: string) => [...byId(epicAfter, id).dependsOn].sort();
    assert.deepEqual([deps('047'), deps('048'), deps('049'), deps('44')], [['42', '43'], ['047'], ['42', '43'], ['048', '049', '42', '43']]);
    const t44 = byId(epicAfter, '44');
    assert.deepEqual([t44.title, t44.state, t44.issue, t44.estimate], ['Week view', 'open', 44, '1 day']);
    assert.deepEqual(others(epicAfter, result.files, ['047', '048', '049', '44']), others(epic, files, ['44']));
    assert.deepEqual(result.problems, []);
  });

  test('a block list of dependencies, CRLF files and an in-progress task', async () => {
    const files = filesOf(join(fixturesDir, 'unsynced'));
    for (const path of ['.claude/epics/search/003.md', '.claude/epics/search/epic.md']) files.set(path, toCrlf(files.get(path)!).replace('status: open', 'status: in-progress'));
    const { index, read } = await workspace(files);
    const epic = index.epic('search')!;
    const change = expandChange(epic, '003', [subtask('S1', { description: '## Heading\n- [ ] T9 ...' }), subtask('S2', { dependsOn: ['S1'] })], read, NOW);
    assert.deepEqual(change.taskIds, ['011', '012']);
    const result = await after(files, change);
    const t3 = result.files.get('.claude/epics/search/003.md')!;
    assert.match(t3, /\r\nstatus: in-progress\r\n[\s\S]*\r\ndepends_on: \[001, 012\]\r\nparallel: true\r\n/);
    assert.ok(result.files.get('.claude/epics/search/011.md')!.includes('\r\n## Description\r\n\r\n## Heading\r\n- [ ] T9 ...\r\n'));
    assert.match(result.files.get('.claude/epics/search/epic.md')!, /010\.md - Search page \(parallel: false\)\r\n- \[ \] 011\.md - Part S1\r\n- \[ \] 012\.md - Part S2\r\n/);
    const epicAfter = result.index.epic('search')!;
    assert.deepEqual([byId(epicAfter, '011').dependsOn, byId(epicAfter, '012').dependsOn, [...byId(epicAfter, '003').dependsOn].sort()], [['001'], ['011'], ['001', '012']]);
    assert.deepEqual(result.problems, []);
  });

  test('a done task is refused', async () => {
    const { index, read } = await workspace();
    assert.throws(() => expandChange(index.epic('team-calendar')!, '41', [subtask('S1'), subtask('S2')], read, NOW), /41 is done/);
  });
});
