/**
 * GitHub Spec Kit: tasks.md as an epic (phases in order, `[P]` tasks side by side,
 * written `depends on` lines), spec.md as a PRD. The ugly inputs come first.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { analyzeEpic, nextTask } from '../../src/core/analysis';
import type { Epic, TaskState } from '../../src/core/model';
import { isSpecKitTasks, parseSpecKitSpec, parseSpecKitTasks, phaseDependencyLine } from '../../src/core/parse/specKitParser';
import { validateEpic } from '../../src/core/validate';
import { toCrlf } from './helpers';

const PATH = 'specs/001-photo-albums/tasks.md';
// Not ./helpers: it loads the whole index, and these parsers need none of it.
const tools = join(__dirname, '..', 'fixtures', 'tools');
const read = (path: string) => readFileSync(join(tools, path), 'utf8');
const parse = (text: string) => parseSpecKitTasks(PATH, text);
const ids = (epic: Epic) => epic.tasks.map((t) => t.id);
const deps = (epic: Epic) => Object.fromEntries(epic.tasks.map((t) => [t.id, t.dependsOn.join(',')]));

describe('Spec Kit tasks.md: ugly input', () => {
  test('CRLF and a byte-order mark change nothing but the line breaks', () => {
    const text = '# Tasks: Albums\n\n## Phase 1: Setup\n\n- [ ] T001 Create the project\n- [X] T002 [P] Add linting\n';
    const plain = parse(text);
    const ugly = parse('\uFEFF' + toCrlf(text));
    assert.deepEqual(ugly, plain);
    assert.deepEqual(ugly.epic.tasks[1].range, { line: 5, column: 2, endLine: 5, endColumn: 26 });
    assert.equal(isSpecKitTasks('\uFEFF' + toCrlf(text)), true);
  });

  test('checkbox spellings, star bullets, tabs and trailing spaces', () => {
    const text = '## Phase 1: Setup\n\n* [x] T001 Done   \n- [X] T002 [P] Done too\n- [-] T003 Running\n\t- [~] T004 Queued\n-   [ ]   T005:   Extra   spaces  \n';
    const { epic, diagnostics } = parse(text);
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(epic.tasks.map((t) => [t.id, t.state, t.title]), [
      ['T001', 'done', 'Done'],
      ['T002', 'done', 'Done too'],
      ['T003', 'in-progress', 'Running'],
      ['T004', 'in-progress', 'Queued'],
      ['T005', 'open', 'Extra spaces'],
    ]);
    assert.deepEqual(epic.tasks.map((t) => [t.range.line, t.range.column, t.range.endColumn]), [[2, 2, 18], [3, 2, 23], [4, 2, 18], [5, 3, 18], [6, 4, 34]]);
  });

  test('[P] and [USn] leave the title; [P] makes the task parallel', () => {
    const { epic } = parse('## Phase 3: Story\n\n- [ ] T010 [P] [US1] Create the Album model\n- [ ] T011 [US1] [P] Create the Photo model\n- [ ] T012 [US2] Wire the page [P] later\n');
    assert.deepEqual(epic.tasks.map((t) => [t.title, t.parallel]), [
      ['Create the Album model', true],
      ['Create the Photo model', true],
      ['Wire the page [P] later', undefined],
    ]);
  });

  test('in a phase, a task without [P] waits for everything since the last task without [P]', () => {
    const { epic } = parse(
      ['## Phase 1: Setup', '- [ ] T001 A', '- [ ] T002 [P] B', '- [ ] T003 [P] C', '- [ ] T004 D', '- [ ] T005 E', '- [ ] T006 [P] F'].join('\n'),
    );
    assert.deepEqual(deps(epic), { T001: '', T002: '', T003: '', T004: 'T001,T002,T003', T005: 'T004', T006: '' });
    assert.ok(epic.dependencies.every((d) => d.source === 'order'));
    // An implied edge sits on the line of the task that waits.
    assert.deepEqual(epic.dependencies.map((d) => `${d.from}>${d.to}@${d.range.line}`), ['T001>T004@4', 'T002>T004@4', 'T003>T004@4', 'T004>T005@5']);
  });

  test('a phase waits for the sinks of the phase with tasks before it', () => {
    const text = [
      '## Phase 1: Setup',
      '- [ ] T001 A',
      '- [ ] T002 B',
      '- [ ] T003 [P] C',
      '## Phase 2: Nothing yet',
      '## Phase 3: Core',
      '- [ ] T004 [P] D',
      '- [ ] T005 E',
    ].join('\n');
    const { epic } = parse(text);
    // Phase 1's sinks are T002 (no task of phase 1 waits for it) and T003.
    assert.deepEqual(deps(epic), { T001: '', T002: 'T001', T003: '', T004: 'T002,T003', T005: 'T002,T003,T004' });
    assert.deepEqual(epic.groups.map((g) => [g.name, g.taskIds.join(' '), g.range.line]), [
      ['Phase 1: Setup', 'T001 T002 T003', 0],
      ['Phase 3: Core', 'T004 T005', 5],
    ]);
    assert.deepEqual(epic.tasks.map((t) => t.group), ['Phase 1: Setup', 'Phase 1: Setup', 'Phase 1: Setup', 'Phase 3: Core', 'Phase 3: Core']);
  });

  test('unless the phase says otherwise: Depends on, Dependencies: none', () => {
    const text = [
      '## Phase 1: Setup',
      '- [ ] T001 A',
      '## Phase 2: Foundation',
      '- [ ] T002 B',
      '## Phase 3: Story one',
      '**Depends on**: Phase 1',
      '- [ ] T003 C',
      '## Phase 4: Story two',
      '- [ ] T004 D',
      'Depends on: Phase 2, Phase 3',
      '## Phase 5: Docs',
      '**Dependencies:** none',
      '- [ ] T005 E',
      '## Phase 6: Later',
      '- Depends on: nothing',
      '- [ ] T006 F',
      '## Phase 7: Typo',
      'Depends on: Phase 9',
      '- [ ] T007 G',
      '## Phase 8: Prose',
      'Depends on the schema being final.',
      '- [ ] T008 H',
    ].join('\n');
    const { epic } = parse(text);
    assert.deepEqual(deps(epic), {
      T001: '',
      T002: 'T001',
      T003: 'T001',
      T004: 'T002,T003',
      T005: '',
      T006: '',
      // A phase that does not exist, or no phase named at all: the usual order stands.
      T007: 'T006',
      T008: 'T007',
    });
    // An edge a `Depends on` line makes sits on that line.
    assert.deepEqual(
      epic.dependencies.filter((d) => d.to === 'T004').map((d) => [d.from, d.source, d.range.line, d.range.column, d.range.endColumn]),
      [['T002', 'order', 9, 0, 28], ['T003', 'order', 9, 0, 28]],
    );
  });

  test('phase dependency lines', () => {
    assert.deepEqual(phaseDependencyLine('**Depends on**: Phase 2'), ['2']);
    assert.deepEqual(phaseDependencyLine('**Depends on:** Phases 1 and 2'), ['1', '2']);
    assert.deepEqual(phaseDependencyLine('- Depends on Phase 3.1, Phase 3.2'), ['3.1', '3.2']);
    assert.deepEqual(phaseDependencyLine('__Dependencies__: None'), []);
    assert.deepEqual(phaseDependencyLine('Dependencies: n/a'), []);
    assert.equal(phaseDependencyLine('Depends on the database'), undefined);
    assert.equal(phaseDependencyLine('**Goal**: Phase 2 ships albums'), undefined);
    assert.equal(phaseDependencyLine('- **Setup (Phase 1)**: No dependencies'), undefined);
  });

  test('a written depends on adds a dependency, and leaves the title', () => {
    const text = [
      '## Phase 1: Core',
      '- [ ] T001 [P] Model',
      '- [ ] T002 [P] Other model',
      '- [ ] T003 [P] Service (depends on T001, T002)',
      '- [ ] T004 [P] Page, depends on T3',
      '- [ ] T005 [P] Export that depends on T001 and T004 before release',
    ].join('\n');
    const { epic } = parse(text);
    assert.deepEqual(epic.tasks.map((t) => t.title), ['Model', 'Other model', 'Service', 'Page', 'Export that depends on T001 and T004 before release']);
    assert.deepEqual(deps(epic), { T001: '', T002: '', T003: 'T001,T002', T004: 'T003', T005: 'T001,T004' });
    assert.deepEqual(
      epic.dependencies.map((d) => [d.from, d.to, d.source, d.written, d.range.line, d.range.column, d.range.endColumn]),
      [
        ['T001', 'T003', 'bullet', undefined, 3, 23, 46],
        ['T002', 'T003', 'bullet', undefined, 3, 23, 46],
        // `T3` is how one writes `T003`.
        ['T003', 'T004', 'bullet', 'T3', 4, 21, 34],
        ['T001', 'T005', 'bullet', undefined, 5, 27, 51],
        ['T004', 'T005', 'bullet', undefined, 5, 27, 51],
      ],
    );
  });

  test('a written dependency replaces the implied one it repeats', () => {
    const { epic } = parse('## Phase 1\n- [ ] T001 A\n- [ ] T002 B (depends on T001)\n');
    assert.deepEqual(epic.dependencies.map((d) => [d.from, d.to, d.source]), [['T001', 'T002', 'bullet']]);
  });

  test('a dependency on no task is reported by validation, and blocks', () => {
    const { epic, diagnostics } = parse('## Phase 1\n- [ ] T001 A\n- [ ] T002 [P] B (depends on T099)\n');
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(epic.tasks[1].dependsOn, ['T099']);
    const analysis = analyzeEpic(epic);
    assert.deepEqual(analysis.tasks.get('T002')!.blockers, [{ taskId: 'T099', reason: 'unknown' }]);
    assert.deepEqual(
      validateEpic(analysis, undefined).map((d) => [d.code, d.range.line, d.message, d.data]),
      [
        [
          'dependency-dangling',
          2,
          'T002 depends on T099, which is not a task of epic 001-photo-albums. It stays blocked until the reference is fixed.',
          { code: 'dependency-dangling', from: 'T099', to: 'T002' },
        ],
      ],
    );
  });

  test('duplicate ids are reported once, by validation', () => {
    const { epic, diagnostics } = parse('## Phase 1\n- [ ] T001 A\n- [ ] T002 B\n- [ ] T002 B again\n');
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(ids(epic), ['T001', 'T002', 'T002']);
    assert.deepEqual(
      validateEpic(analyzeEpic(epic), undefined).map((d) => [d.code, d.range.line, d.message, d.data]),
      [['task-duplicate-id', 3, 'Duplicate task id T002: line 3 already uses it. Only the first is scheduled.', { code: 'task-duplicate-id', taskId: 'T002' }]],
    );
  });

  test('an id without a title', () => {
    const { epic, diagnostics } = parse('## Phase 1\n- [ ] T001\n- [ ] T002 [P]\n');
    assert.deepEqual(epic.tasks.map((t) => [t.id, t.title, t.parallel]), [['T001', '', undefined], ['T002', '', true]]);
    assert.deepEqual(diagnostics.map((d) => [d.code, d.range.line, d.message]), [
      ['task-missing-title', 1, 'Task T001 has an id but no title.'],
      ['task-missing-title', 2, 'Task T002 has an id but no title.'],
    ]);
  });

  test('an empty file, a file of headings only, and other checklists', () => {
    for (const text of ['', '\uFEFF', '# Tasks: Albums\n\n## Phase 1: Setup\n', '- [ ] Write the docs\n- [ ] TODO check T001\n']) {
      const { epic, diagnostics } = parse(text);
      assert.deepEqual(epic.tasks, []);
      assert.deepEqual(diagnostics.map((d) => [d.code, d.severity, d.range.line, d.message]), [
        ['epic-empty', 'info', 0, 'This feature has no task lines (`- [ ] T001 Title`).'],
      ]);
      assert.equal(isSpecKitTasks(text), false);
    }
  });

  test('task lines in fenced code do not count', () => {
    const text = '## Phase 1: Setup\n\n```bash\n- [ ] T001 [P] Example\n```\n\n- [ ] T002 Real\n\n````md\n```\n- [ ] T003 Still an example\n````\n';
    assert.deepEqual(ids(parse(text).epic), ['T002']);
    assert.equal(isSpecKitTasks(text), true);
    assert.equal(isSpecKitTasks('# Notes\n\n```\n- [ ] T001 Only an example\n```\n'), false);
    assert.equal(isSpecKitTasks('# Notes\n\n~~~\n- [ ] T001 Only an example\n~~~~\n- [x] T002 Real\n'), true);
  });

  test('tasks before the first phase, and files without Phase headings', () => {
    const { epic } = parse('# Tasks: Albums\n\n- [ ] T001 Loose\n\n## Setup\n- [ ] T002 A\n### Tests\n- [ ] T003 B\n## Core\n- [ ] T004 [P] C\n');
    // Every task of a phase waits for the phase before: T003 for T001 too.
    assert.deepEqual(deps(epic), { T001: '', T002: 'T001', T003: 'T001,T002', T004: 'T003' });
    assert.deepEqual(epic.groups.map((g) => [g.name, g.taskIds.join(' ')]), [['Setup', 'T002 T003'], ['Core', 'T004']]);
    assert.equal(epic.tasks[0].group, undefined);
  });

  test('sub-headings stay in their phase; older Phase 3.1 numbering', () => {
    const text = [
      '## Phase 3.1: Setup',
      '- [ ] T001 A',
      '## Phase 3.2: Tests First',
      '### Contract tests',
      '- [ ] T002 [P] B',
      '### Integration tests',
      '- [ ] T003 [P] C',
      '## Phase 3.3: Core',
      '**Depends on**: Phase 3.1',
      '- [ ] T004 D',
    ].join('\n');
    const { epic } = parse(text);
    assert.deepEqual(deps(epic), { T001: '', T002: 'T001', T003: 'T001', T004: 'T001' });
    assert.deepEqual(epic.groups.map((g) => g.name), ['Phase 3.1: Setup', 'Phase 3.2: Tests First', 'Phase 3.3: Core']);
  });

  test('a very long file parses in linear time', () => {
    const parts = ['# Tasks: Big'];
    let n = 0;
    for (let phase = 1; phase <= 200; phase++) {
      parts.push('', `## Phase ${phase}: Part ${phase}`, '');
      for (let i = 0; i < 25; i++) parts.push(`- [${n % 7 === 0 ? 'X' : ' '}] T${String(++n).padStart(4, '0')} ${i % 3 === 0 ? '' : '[P] '}Task ${n}`);
    }
    const text = parts.join('\r\n');
    const started = performance.now();
    const { epic } = parse(text);
    const took = performance.now() - started;
    assert.equal(epic.tasks.length, 5000);
    assert.equal(epic.groups.length, 200);
    assert.equal(isSpecKitTasks(text), true);
    assert.ok(took < 3000, `took ${took} ms`);
  });
});

describe('Spec Kit fixture', () => {
  const { epic, diagnostics } = parseSpecKitTasks(PATH, read(PATH));

  test('the epic and its tasks', () => {
    assert.deepEqual(diagnostics, []);
    assert.deepEqual([epic.id, epic.title, epic.layout, epic.dir, epic.prd, epic.state], ['001-photo-albums', 'Photo Albums', 'spec-kit', 'specs/001-photo-albums', '001-photo-albums', 'in-progress']);
    assert.deepEqual(ids(epic), Array.from({ length: 15 }, (_, i) => `T${String(i + 1).padStart(3, '0')}`));
    assert.deepEqual(epic.tasks.filter((t) => t.state === 'done').map((t) => t.id), ['T001']);
    assert.deepEqual(epic.tasks.filter((t) => t.parallel).map((t) => t.id), ['T002', 'T003', 'T005', 'T007', 'T008', 'T013']);
    assert.equal(epic.tasks[6].title, 'Create the Album model in src/models/album.ts');
    assert.equal(epic.tasks[13].title, 'Implement ShareService in src/services/share.ts');
    assert.deepEqual(epic.tasks[6].range, { line: 30, column: 2, endLine: 30, endColumn: 66 });
  });

  test('phases, groups and dependencies', () => {
    assert.deepEqual(epic.groups.map((g) => [g.name, g.taskIds.join(' ')]), [
      ['Phase 1: Setup', 'T001 T002 T003'],
      ['Phase 2: Foundational (Blocking Prerequisites)', 'T004 T005 T006'],
      ['Phase 3: User Story 1 - Create albums (Priority: P1) 🎯 MVP', 'T007 T008 T009 T010'],
      ['Phase 4: User Story 2 - Reorder albums (Priority: P2)', 'T011 T012'],
      ['Phase 5: User Story 3 - Share an album (Priority: P3)', 'T013 T014 T015'],
    ]);
    assert.deepEqual(deps(epic), {
      T001: '',
      T002: '',
      T003: '',
      T004: 'T001,T002,T003',
      T005: 'T001,T002,T003',
      T006: 'T001,T002,T003,T004,T005',
      T007: 'T006',
      T008: 'T006',
      T009: 'T006,T007,T008',
      T010: 'T006,T009',
      // Phases 4 and 5 both wait for Phase 3 only, as their Depends on lines say.
      T011: 'T010',
      T012: 'T010,T011',
      T013: 'T010',
      T014: 'T010,T013',
      T015: 'T010,T014',
    });
    assert.deepEqual(epic.dependencies.filter((d) => d.source === 'bullet').map((d) => `${d.from}>${d.to}`), ['T013>T014']);
  });

  test('the analysis: what is ready, and what comes next', () => {
    const analysis = analyzeEpic(epic);
    assert.deepEqual(analysis.ready.map((t) => t.task.id), ['T002', 'T003']);
    assert.deepEqual(analysis.tasks.get('T004')!.blockers, [{ taskId: 'T002', reason: 'not-done' }, { taskId: 'T003', reason: 'not-done' }]);
    assert.equal(nextTask([analysis])!.task.task.id, 'T002');
    assert.deepEqual(validateEpic(analysis, undefined), []);
    // Once Phase 2 is done, Phase 3's models are ready side by side.
    const later: Epic = { ...epic, tasks: epic.tasks.map((t) => (Number(t.id.slice(1)) <= 6 ? { ...t, state: 'done' as const } : t)) };
    assert.deepEqual(analyzeEpic(later).ready.map((t) => t.task.id).sort(), ['T007', 'T008']);
  });

  test('isSpecKitTasks', () => {
    assert.equal(isSpecKitTasks(read(PATH)), true);
    assert.equal(isSpecKitTasks(read('specs/001-photo-albums/spec.md')), false);
  });

  test('spec.md as the PRD the epic names', () => {
    const path = 'specs/001-photo-albums/spec.md';
    const { prd, diagnostics: prdDiagnostics } = parseSpecKitSpec(path, read(path));
    assert.deepEqual(prdDiagnostics, []);
    assert.deepEqual([prd.id, prd.title, prd.status, prd.state, prd.created], [epic.prd, 'Photo Albums', 'Draft', 'not-started', '2026-05-04']);
    assert.equal(prd.metadata.feature_branch, '`001-photo-albums`');
    assert.deepEqual(prd.statusRange, { line: 4, column: 12, endLine: 4, endColumn: 17 });
    assert.deepEqual(
      prd.sections.filter((s) => s.depth === 2).map((s) => [s.heading, s.kind]),
      [['User Scenarios & Testing *(mandatory)*', undefined], ['Requirements *(mandatory)*', 'requirements'], ['Success Criteria *(mandatory)*', 'success']],
    );
  });

  test('spec.md titles', () => {
    const spec = (text: string) => parseSpecKitSpec('specs/014-team-calendar/spec.md', text).prd;
    assert.equal(spec('# Feature Specification: Team Calendar\n').title, 'Team Calendar');
    assert.equal(spec('# Feature Specification\n').title, 'Team calendar');
    assert.equal(spec('**Status**: Implemented\n').title, 'Team calendar');
    assert.equal(spec('**Status**: Implemented\n').state, 'done');
    assert.equal(spec('\uFEFF# Feature Specification: CRLF\r\n\r\n**Status**: In Progress\r\n').state, 'in-progress');
  });
});

// ---------------------------------------------------------------------------------------
// Property: generated phases of tasks, written the ways Spec Kit and people write them,
// read back; the dependencies are worked out here from the rules, independently.

interface GenTask {
  readonly state: TaskState;
  readonly mark: string;
  readonly parallel: boolean;
  readonly story: number | undefined;
  readonly title: string;
}

const MARKS: Record<TaskState, readonly string[]> = { open: [' '], done: ['x', 'X'], 'in-progress': ['-', '~'] };
const word = fc.stringMatching(/^[A-Za-z][A-Za-z0-9`'&/:._()-]{0,9}$/);
const title = fc.array(word, { minLength: 1, maxLength: 6 }).map((w) => w.join(' '));
const genTask: fc.Arbitrary<GenTask> = fc
  .record({ state: fc.constantFrom<TaskState>('open', 'done', 'in-progress'), pick: fc.nat(1), parallel: fc.boolean(), story: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }), title })
  .map(({ state, pick, ...rest }) => ({ ...rest, state, mark: MARKS[state][pick % MARKS[state].length] }));

interface Style {
  readonly eol: '\n' | '\r\n';
  readonly bullet: '-' | '*';
  readonly blankBetween: boolean;
  readonly trailing: '' | '  ';
  readonly bom: boolean;
}

const style: fc.Arbitrary<Style> = fc.record({
  eol: fc.constantFrom<Style['eol']>('\n', '\r\n'),
  bullet: fc.constantFrom<Style['bullet']>('-', '*'),
  blankBetween: fc.boolean(),
  trailing: fc.constantFrom<Style['trailing']>('', '  '),
  bom: fc.boolean(),
});

function render(phases: readonly (readonly GenTask[])[], s: Style): { text: string; ids: string[][] } {
  const lines = ['# Tasks: Generated', '', '**Input**: Design documents'];
  const ids: string[][] = [];
  let n = 0;
  phases.forEach((tasks, p) => {
    lines.push('', `## Phase ${p + 1}: Part ${p + 1}`, '');
    ids.push(
      tasks.map((t) => {
        const id = `T${String(++n).padStart(3, '0')}`;
        const markers = `${t.parallel ? '[P] ' : ''}${t.story !== undefined ? `[US${t.story}] ` : ''}`;
        lines.push(`${s.bullet} [${t.mark}] ${id} ${markers}${t.title}${s.trailing}`);
        if (s.blankBetween) lines.push('');
        return id;
      }),
    );
  });
  return { text: (s.bom ? '\uFEFF' : '') + lines.join(s.eol) + s.eol, ids };
}

/** The dependency rules, written out plainly. */
function expectedDependencies(phases: readonly (readonly GenTask[])[], ids: readonly string[][]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let previousSinks: string[] = [];
  phases.forEach((tasks, p) => {
    if (tasks.length === 0) return;
    const waitedFor = new Set<string>();
    tasks.forEach((t, i) => {
      const mine = [...previousSinks];
      if (!t.parallel) {
        let last = 0;
        for (let j = 0; j < i; j++) if (!tasks[j].parallel) last = j;
        for (let j = last; j < i; j++) {
          mine.push(ids[p][j]);
          waitedFor.add(ids[p][j]);
        }
      }
      out.set(ids[p][i], mine);
    });
    previousSinks = ids[p].filter((id) => !waitedFor.has(id));
  });
  return out;
}

describe('Spec Kit tasks.md: properties', () => {
  test('generated phases read back to the same ids, states, titles, markers and dependencies', () => {
    fc.assert(
      fc.property(fc.array(fc.array(genTask, { maxLength: 6 }), { minLength: 1, maxLength: 5 }), style, (phases, s) => {
        const { text, ids: written } = render(phases, s);
        const { epic, diagnostics } = parseSpecKitTasks(PATH, text);
        const all = phases.flat();
        assert.equal(isSpecKitTasks(text), all.length > 0);
        assert.deepEqual(diagnostics.map((d) => d.code), all.length === 0 ? ['epic-empty'] : []);
        assert.deepEqual(
          epic.tasks.map((t) => [t.id, t.state, t.title, t.parallel === true]),
          all.map((t, i) => [written.flat()[i], t.state, t.title, t.parallel]),
        );
        const expected = expectedDependencies(phases, written);
        assert.deepEqual(Object.fromEntries(epic.tasks.map((t) => [t.id, [...t.dependsOn]])), Object.fromEntries(expected));
        assert.deepEqual(epic.groups.map((g) => g.taskIds), written.filter((list) => list.length > 0));
        const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
        for (const t of epic.tasks) assert.equal(lines[t.range.line].charAt(t.range.column), '[');
      }),
      { numRuns: 300 },
    );
  });
});
