import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { analyzeEpic } from '../../src/core/analysis';
import type { BoardModel } from '../../src/core/board';
import { BOARD_COLUMNS, buildBoard, findCard, moveVerb, neighbourColumn } from '../../src/core/board';
import { parseSingleFileEpic } from '../../src/core/parse/singleFileEpicParser';
import { examplesDir, fixturesDir, indexOf, read } from './helpers';

const EPIC_001 = 'epics/epic-001-link-shortener.md';
const CALENDAR = '.claude/epics/team-calendar/epic.md';
const SPRINTS = join(fixturesDir, 'sprints', 'workspace');

/** Each column as its cards' keys, in order. */
function keysByColumn(board: BoardModel): Record<string, string[]> {
  return Object.fromEntries(board.columns.map((c) => [c.id, c.cards.map((card) => card.key)]));
}

async function examples(scope: Parameters<typeof buildBoard>[0]['scope'], filter?: Parameters<typeof buildBoard>[0]['filter']) {
  const index = await indexOf(examplesDir);
  return buildBoard({ analyses: index.allAnalyses(), sprints: index.sprints, scope, filter });
}

describe('board model', () => {
  test('everything: three columns, epics in index order and each epic\'s tasks in document order', async () => {
    const board = await examples({ kind: 'all' });
    assert.equal(board.title, 'All epics');
    assert.deepEqual(board.columns.map((c) => `${c.id} ${c.title}`), ['open Open', 'in-progress In Progress', 'done Done']);
    const calendar = (ids: number[]) => ids.map((id) => `team-calendar:${id}`);
    const links = (ids: number[]) => ids.map((id) => `epic-001-link-shortener:T${id}`);
    assert.deepEqual(keysByColumn(board), {
      open: [...calendar([44, 45, 46]), ...links([4, 5, 6, 7, 8, 9, 10])],
      'in-progress': [...calendar([43]), ...links([3])],
      done: [...calendar([41, 42]), ...links([1, 2])],
    });
    assert.equal(board.total, 16);
    assert.equal(board.hidden, 0);
    assert.equal(board.found, true);
    assert.deepEqual(board.epics, [
      { value: CALENDAR, label: 'team-calendar' },
      { value: EPIC_001, label: 'Link Shortener Service' },
    ]);
    // The single-file epic has dates: it is its own time box, so a sprint.
    assert.deepEqual(board.sprints, [{ value: 'epic-001-link-shortener', label: 'Link Shortener Service' }]);
  });

  test('a card: id as people say it, title, issue and its address, estimate, epic, where it is written; open cards say ready or blocked and by what', async () => {
    const board = await examples({ kind: 'all' });
    const t4 = findCard(board, 'epic-001-link-shortener:T4')!;
    assert.deepEqual(t4, {
      key: 'epic-001-link-shortener:T4',
      epicId: 'epic-001-link-shortener',
      epicTitle: 'Link Shortener Service',
      epicPath: EPIC_001,
      taskId: 'T4',
      label: 'T4',
      title: 'Redirect endpoint with Redis cache',
      column: 'open',
      display: 'blocked',
      blockedBy: ['T3'],
      estimate: '4 hours',
      sprints: ['epic-001-link-shortener'],
      path: EPIC_001,
      line: 32,
    });
    assert.match(read(examplesDir, EPIC_001).split('\n')[t4.line], /\*\*Task 4:\*\* Redirect endpoint/);
    assert.deepEqual(findCard(board, 'epic-001-link-shortener:T5')!.blockedBy, ['T3', 'T6']);
    assert.equal(findCard(board, 'epic-001-link-shortener:T6')!.display, 'ready');
    assert.deepEqual(findCard(board, 'epic-001-link-shortener:T6')!.blockedBy, []);
    // An issue number with no repository to put it on: the number alone.
    const t1 = findCard(board, 'epic-001-link-shortener:T1')!;
    assert.equal(t1.issue, 101);
    assert.equal(t1.issueUrl, undefined);

    // A task file named after its issue is `#43`; the epic's github URL gives the issue's address.
    const t43 = findCard(board, 'team-calendar:43')!;
    assert.equal(t43.label, '#43');
    assert.equal(t43.title, 'On-call rota import');
    assert.equal(t43.display, 'in-progress');
    assert.equal(t43.issueUrl, 'https://github.com/acme/calendar/issues/43');
    assert.equal(t43.path, '.claude/epics/team-calendar/43.md');
    assert.equal(t43.estimate, undefined);
    assert.deepEqual(findCard(board, 'team-calendar:44')!.blockedBy, ['#43']);
    assert.equal(findCard(board, 'team-calendar:44')!.estimate, '1 day');
  });

  test('one epic: its cards only, under its title; a path that names no epic is not found', async () => {
    const board = await examples({ kind: 'epic', epicPath: CALENDAR });
    assert.equal(board.title, 'team-calendar');
    assert.deepEqual(keysByColumn(board), {
      open: ['team-calendar:44', 'team-calendar:45', 'team-calendar:46'],
      'in-progress': ['team-calendar:43'],
      done: ['team-calendar:41', 'team-calendar:42'],
    });
    assert.deepEqual(board.sprints, []);
    const missing = await examples({ kind: 'epic', epicPath: 'epics/gone.md' });
    assert.equal(missing.found, false);
    assert.equal(missing.total, 0);
  });

  test('one sprint: the tasks its file lists and the ones that name it, from both layouts', async () => {
    const index = await indexOf(SPRINTS);
    const board = buildBoard({ analyses: index.allAnalyses(), sprints: index.sprints, scope: { kind: 'sprint', sprintId: 'sprint-4' } });
    assert.equal(board.title, 'Sprint 4');
    assert.deepEqual(keysByColumn(board), {
      open: ['checkout-flow:103', 'checkout-flow:104', 'epic-001-task-api:T3', 'epic-001-task-api:T4'],
      'in-progress': ['checkout-flow:102'],
      done: ['checkout-flow:101', 'epic-001-task-api:T1', 'epic-001-task-api:T2'],
    });
    assert.deepEqual(findCard(board, 'epic-001-task-api:T1')!.sprints, ['sprint-3', 'sprint-4']);
    assert.deepEqual(findCard(board, 'checkout-flow:103')!.blockedBy, ['#102']);
    // The sprint menu lists the sprints of the board's own cards.
    assert.deepEqual(board.sprints.map((s) => s.value), ['sprint-3', 'sprint-4']);
    const missing = buildBoard({ analyses: index.allAnalyses(), sprints: index.sprints, scope: { kind: 'sprint', sprintId: 'sprint-9' } });
    assert.equal(missing.found, false);
    assert.equal(missing.title, 'sprint-9');
  });

  test('filters by epic and by sprint narrow the cards and count what they hide; the menus still offer everything', async () => {
    const index = await indexOf(SPRINTS);
    const build = (filter: { epic?: string; sprint?: string }) => buildBoard({ analyses: index.allAnalyses(), sprints: index.sprints, scope: { kind: 'all' }, filter });
    const all = build({});
    assert.equal(all.total, 9);
    assert.deepEqual(all.sprints.map((s) => s.value), ['sprint-3', 'sprint-4', 'sprint-5']);

    const sprint3 = build({ sprint: 'sprint-3' });
    assert.deepEqual(keysByColumn(sprint3), { open: [], 'in-progress': [], done: ['epic-001-task-api:T1'] });
    assert.equal(sprint3.hidden, 8);
    assert.deepEqual(sprint3.filter, { sprint: 'sprint-3' });
    assert.deepEqual(sprint3.epics, all.epics);
    assert.deepEqual(sprint3.sprints, all.sprints);

    const checkout = build({ epic: '.claude/epics/checkout-flow/epic.md' });
    assert.deepEqual(keysByColumn(checkout), {
      open: ['checkout-flow:103', 'checkout-flow:104'],
      'in-progress': ['checkout-flow:102'],
      done: ['checkout-flow:101'],
    });

    const both = build({ epic: 'epics/epic-001-task-api.md', sprint: 'sprint-4' });
    assert.deepEqual(keysByColumn(both), { open: ['epic-001-task-api:T3', 'epic-001-task-api:T4'], 'in-progress': [], done: ['epic-001-task-api:T1', 'epic-001-task-api:T2'] });

    // A filter naming what is not on the board (a deleted sprint) is dropped, not an empty board.
    const stale = build({ epic: 'epics/gone.md', sprint: 'sprint-9' });
    assert.deepEqual(stale.filter, {});
    assert.equal(stale.hidden, 0);
  });

  test('the board is plain data: it survives JSON, as it must to be posted to the webview', async () => {
    const board = await examples({ kind: 'all' }, { sprint: 'epic-001-link-shortener' });
    assert.deepEqual(JSON.parse(JSON.stringify(board)), board);
  });

  test('a duplicated task id is one card, the first task with it, as the analysis schedules it', () => {
    const epic = parseSingleFileEpic('epics/epic-009-test.md', '# Epic 009: Test\n\n## Tasks\n\n- [ ] **Task 1:** First\n- [x] **Task 1:** Again\n- [ ] **Task 2:** Second\n').epic;
    const board = buildBoard({ analyses: [analyzeEpic(epic)], sprints: [], scope: { kind: 'all' } });
    assert.deepEqual(keysByColumn(board), { open: ['epic-009-test:T1', 'epic-009-test:T2'], 'in-progress': [], done: [] });
    assert.equal(findCard(board, 'epic-009-test:T1')!.title, 'First');
  });

  test('every task is one card, in the column of its state, in document order (property)', () => {
    const marks = { open: ' ', 'in-progress': '-', done: 'x' } as const;
    fc.assert(
      fc.property(fc.array(fc.constantFrom('open', 'in-progress', 'done') as fc.Arbitrary<keyof typeof marks>, { minLength: 0, maxLength: 12 }), (states) => {
        const lines = states.map((state, i) => `- [${marks[state]}] **Task ${i + 1}:** Task number ${i + 1}`);
        const epic = parseSingleFileEpic('epics/epic-009-test.md', `# Epic 009: Test\n\n## Tasks\n\n${lines.join('\n')}\n`).epic;
        const board = buildBoard({ analyses: [analyzeEpic(epic)], sprints: [], scope: { kind: 'all' } });
        assert.equal(board.total, states.length);
        for (const column of board.columns) {
          const expected = states.map((s, i) => [s, `T${i + 1}`] as const).filter(([s]) => s === column.id).map(([, id]) => id);
          assert.deepEqual(column.cards.map((c) => c.taskId), expected);
        }
      }),
    );
  });

  test('moves: the neighbouring columns, and the command each move is', () => {
    assert.deepEqual(BOARD_COLUMNS, ['open', 'in-progress', 'done']);
    assert.equal(neighbourColumn('open', 1), 'in-progress');
    assert.equal(neighbourColumn('done', -1), 'in-progress');
    assert.equal(neighbourColumn('open', -1), undefined);
    assert.equal(neighbourColumn('done', 1), undefined);
    assert.equal(moveVerb('open', 'in-progress'), 'Start');
    assert.equal(moveVerb('done', 'in-progress'), 'Start');
    assert.equal(moveVerb('in-progress', 'done'), 'Complete');
    assert.equal(moveVerb('done', 'open'), 'Reopen');
    assert.equal(moveVerb('open', 'open'), undefined);
  });
});
