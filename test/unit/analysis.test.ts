import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeEpic, nextTask, priorityRank, readyTasks } from '../../src/core/analysis';
import { estimateHours } from '../../src/core/estimate';
import { epicGraphJson, epicGraphMermaid } from '../../src/core/mermaid';
import { parseSingleFileEpic } from '../../src/core/parse/singleFileEpicParser';
import { epicProgress, prdProgress } from '../../src/core/progress';
import { examplesDir, indexOf, read } from './helpers';

function epicOf(body: string) {
  return parseSingleFileEpic('epics/epic-009-test.md', `# Epic 009: Test\n\n## Tasks\n\n${body}`).epic;
}

describe('ready set and blocked tasks', () => {
  test('a task whose dependencies are all done is ready (the command-line tools never schedule it)', () => {
    const epic = epicOf(
      ['- [x] **Task 1:** Done first', '- [ ] **Task 2:** Waits for 1', '  - **Depends on:** Task 1', '- [ ] **Task 3:** Waits for 2', '  - **Depends on:** Task 2', ''].join('\n'),
    );
    const analysis = analyzeEpic(epic);
    assert.deepEqual(analysis.ready.map((t) => t.task.id), ['T2']);
    assert.equal(analysis.tasks.get('T2')!.display, 'ready');
    assert.equal(analysis.tasks.get('T3')!.display, 'blocked');
    assert.deepEqual(analysis.tasks.get('T3')!.blockers, [{ taskId: 'T2', reason: 'not-done' }]);
    assert.deepEqual(analysis.counts, { total: 3, done: 1, inProgress: 0, ready: 1, blocked: 1 });
  });

  test('an unknown or cyclic dependency blocks', () => {
    const epic = epicOf(
      [
        '- [ ] **Task 1:** Cycle A', '  - **Depends on:** Task 2',
        '- [ ] **Task 2:** Cycle B', '  - **Depends on:** Task 1',
        '- [ ] **Task 3:** Dangling', '  - **Depends on:** Task 42',
        '- [ ] **Task 4:** Free', '',
      ].join('\n'),
    );
    const analysis = analyzeEpic(epic);
    assert.deepEqual(analysis.cycles, [['T1', 'T2']]);
    assert.deepEqual(analysis.tasks.get('T1')!.blockers, [{ taskId: 'T2', reason: 'cycle' }]);
    assert.deepEqual(analysis.tasks.get('T3')!.blockers, [{ taskId: 'T42', reason: 'unknown' }]);
    assert.deepEqual(analysis.ready.map((t) => t.task.id), ['T4']);
    assert.deepEqual(analysis.dangling.map((d) => `${d.from}->${d.to}`), ['T42->T3']);
  });

  test('in-progress and done tasks are neither ready nor blocked', () => {
    const epic = epicOf(['- [-] **Task 1:** Going', '- [x] **Task 2:** Gone', ''].join('\n'));
    const analysis = analyzeEpic(epic);
    assert.deepEqual([...analysis.tasks.values()].map((t) => t.display), ['in-progress', 'done']);
    assert.equal(analysis.ready.length + analysis.blocked.length, 0);
  });
});

describe('next task', () => {
  test('priority first, then the critical path, then what it unblocks, then document order', () => {
    // T1 → T2 → T3 is the long chain; T4 unblocks T5 only; T6 is high priority.
    const chain = [
      '- [ ] **Task 1:** Start of the long chain', '  - **Estimate:** 2 hours',
      '- [ ] **Task 2:** Middle', '  - **Depends on:** Task 1', '  - **Estimate:** 1 day',
      '- [ ] **Task 3:** End', '  - **Depends on:** Task 2',
      '- [ ] **Task 4:** Short chain', '  - **Estimate:** 3 hours',
      '- [ ] **Task 5:** After 4', '  - **Depends on:** Task 4',
    ];
    const withoutPriority = analyzeEpic(epicOf(chain.join('\n') + '\n'));
    assert.deepEqual(withoutPriority.ready.map((t) => t.task.id), ['T1', 'T4']);
    assert.deepEqual(withoutPriority.criticalPath, ['T1', 'T2', 'T3']);
    assert.equal(withoutPriority.tasks.get('T1')!.remainingHours, 11);
    const next = nextTask([withoutPriority])!;
    assert.equal(next.task.task.id, 'T1');
    assert.equal(next.reason, 'Ready: it has no dependencies; estimate 2 hours; starts the critical path (3 tasks, 11h of work); unblocks 2 tasks.');

    const urgent = analyzeEpic(epicOf([...chain, '- [ ] **Task 6:** Hotfix', '  - **Priority:** high', ''].join('\n')));
    assert.equal(nextTask([urgent])!.task.task.id, 'T6');
    assert.match(nextTask([urgent])!.reason, /priority high/);

    const tie = analyzeEpic(epicOf(['- [ ] **Task 1:** A', '- [ ] **Task 2:** B', ''].join('\n')));
    assert.deepEqual(tie.ready.map((t) => t.task.id), ['T1', 'T2']);
  });

  test('across the example workspace', async () => {
    const index = await indexOf(examplesDir);
    const analyses = index.allAnalyses();
    const next = nextTask(analyses)!;
    // 43 (high priority) is already in progress; 46 is ready but unblocks nothing (1h);
    // T6 is ready (T1 is done) and heads a 7h chain (T6 → T5).
    assert.deepEqual(readyTasks(analyses).map((r) => `${r.epic.id}:${r.task.task.id}`), ['epic-001-link-shortener:T6', 'team-calendar:46']);
    assert.equal(`${next.epic.id}:${next.task.task.id}`, 'epic-001-link-shortener:T6');
    assert.equal(next.reason, 'Ready: its dependency (T1) is done; estimate 3 hours; 7h of work on its longest chain; unblocks 1 task.');
    assert.equal(nextTask([]), undefined);
  });

  test('estimates and priorities as written', () => {
    assert.equal(estimateHours('2 hours'), 2);
    assert.equal(estimateHours('3h'), 3);
    assert.equal(estimateHours('1.5 days'), 12);
    assert.equal(estimateHours('30m'), 0.5);
    assert.equal(estimateHours(undefined), 1);
    assert.equal(estimateHours('soon'), 1);
    assert.deepEqual(['P0', 'critical', 'high', 'P1', undefined, 'medium', 'low', 'P3', 'weird'].map(priorityRank), [0, 0, 1, 1, 2, 2, 3, 3, 2]);
  });
});

describe('progress', () => {
  test('per epic, per group, per milestone and per PRD', async () => {
    const index = await indexOf(examplesDir);
    const shortener = index.epic('epic-001-link-shortener')!;
    const progress = epicProgress(shortener);
    assert.deepEqual([progress.done, progress.total, progress.percent], [2, 10, 20]);
    assert.deepEqual(progress.groups.map((g) => `${g.name} ${g.done}/${g.total}`), [
      'Foundation 2/2', 'Redirects 0/2', 'Management API 0/2', 'Analytics 0/2', 'Release 0/2',
    ]);
    assert.deepEqual(progress.milestones.map((m) => `${m.id} ${m.done}/${m.total} ${m.percent}%`), ['M1 2/2 100%', 'M2 0/2 0%', 'M3 0/4 0%', 'M4 0/2 0%']);
    const calendarPrd = index.prds.find((p) => p.id === 'team-calendar')!;
    assert.deepEqual(prdProgress(calendarPrd, index.allEpics), { done: 2, inProgress: 1, total: 6, percent: 33, epicIds: ['team-calendar'] });
    const shortenerPrd = index.prds.find((p) => p.id === 'PRD-001')!;
    assert.deepEqual(prdProgress(shortenerPrd, index.allEpics).epicIds, ['epic-001-link-shortener']);
  });
});

describe('graph', () => {
  test('mermaid source with a class per state, and the JSON form', () => {
    const epic = parseSingleFileEpic('epics/epic-001-link-shortener.md', read(examplesDir, 'epics/epic-001-link-shortener.md')).epic;
    const analysis = analyzeEpic(epic);
    const source = epicGraphMermaid(analysis);
    assert.match(source, /^graph TD\n/);
    // Task groups are subgraphs holding their tasks.
    assert.match(source, /\n {4}subgraph g0 \["Foundation"\]\n {8}T1\["T1: Scaffold the Fastify service"\]\n {8}T2\[[^\n]*\n {4}end\n/);
    assert.match(source, /\n {4}T1 --> T2\n/);
    assert.match(source, /\n {4}ms_M1\{\{"M1 · Day 2: [^"]*"\}\}\n/);
    assert.match(source, /\n {4}T1 -\.-> ms_M1\n/);
    // The critical path T3 → T4 → T7 → T8 → T10: its tasks outlined, its links heavier.
    assert.match(source, /\n {4}class T3,T4,T7,T8,T10 critical\n/);
    const links = source.split('\n').filter((l) => / -(->|\.->) /.test(l)).map((l) => l.trim());
    const heavy = /\n {4}linkStyle ([\d,]+) stroke-width:4px\n/.exec(source)![1].split(',').map(Number);
    assert.deepEqual(heavy.map((i) => links[i]), ['T3 --> T4', 'T4 --> T7', 'T7 --> T8', 'T8 --> T10']);
    assert.match(source, /\n {4}class T1,T2 done\n/);
    assert.match(source, /\n {4}class T3 inProgress\n/);
    assert.match(source, /\n {4}class T6 ready\n/);
    assert.match(source, /\n {4}class T4,T5,T7,T8,T9,T10 blocked\n/);
    const json = epicGraphJson(analysis);
    assert.equal(json.nodes.length, 10);
    assert.equal(json.edges.length, 11);
    assert.deepEqual(json.nodes[2], { id: 'T3', title: 'Link table and slug generator', state: 'in-progress' });
  });

  test('labels cannot break out of their quotes', () => {
    const epic = epicOf('- [ ] **Task 1:** Say "hi" [loudly] (now)\n');
    assert.match(epicGraphMermaid(analyzeEpic(epic)), /T1\["T1: Say #quot;hi#quot; loudly now"\]/);
  });
});
