import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { analyzeEpic } from '../../src/core/analysis';
import { buildGraph, mermaidNodeId } from '../../src/core/graph';
import { parseSingleFileEpic } from '../../src/core/parse/singleFileEpicParser';
import { parseSpecKitTasks } from '../../src/core/parse/specKitParser';
import { examplesDir, indexOf, read } from './helpers';

const EPIC_001 = 'epics/epic-001-link-shortener.md';

function example() {
  return analyzeEpic(parseSingleFileEpic(EPIC_001, read(examplesDir, EPIC_001)).epic);
}

function epicOf(body: string, path = 'epics/epic-009-test.md') {
  return analyzeEpic(parseSingleFileEpic(path, `# Epic 009: Test\n\n## Tasks\n\n${body}`).epic);
}

describe('dependency graph model', () => {
  test('every task and milestone is a node that says where it is written and what it waits for', () => {
    const graph = buildGraph([example()]);
    assert.equal(graph.nodes.filter((n) => n.kind === 'task').length, 10);
    assert.deepEqual(graph.nodes.filter((n) => n.kind === 'milestone').map((n) => `${n.id} ${n.when}`), ['M1 Day 2', 'M2 Day 5', 'M3 Day 8', 'M4 Day 10']);
    const t5 = graph.nodes.find((n) => n.id === 'T5')!;
    assert.equal(t5.state, 'blocked');
    assert.deepEqual(t5.waitsFor, ['T3', 'T6']);
    assert.equal(t5.path, EPIC_001);
    assert.match(read(examplesDir, EPIC_001).split('\n')[t5.line], /\*\*Task 5:\*\*/);
    assert.deepEqual(graph.nodes.find((n) => n.id === 'T1')!.unblocks, ['T6']);
    assert.equal(graph.nodes.find((n) => n.id === 'T1')!.issue, 101);
    // A milestone waits for its tasks that are not done.
    assert.deepEqual(graph.nodes.find((n) => n.id === 'M2')!.waitsFor, ['T3', 'T4']);
  });

  test('the next task is marked in its label and its class; the webview variant carries no colours', () => {
    const analysis = example();
    const graph = buildGraph([analysis], { next: { epicPath: EPIC_001, taskId: 'T6' }, colors: false });
    assert.match(graph.source, /T6\["▶ T6: Single sign-on for the management API"\]/);
    assert.match(graph.source, /\n {4}class T6 next\n/);
    assert.doesNotMatch(graph.source, /classDef/);
    assert.deepEqual(graph.nodes.filter((n) => n.next).map((n) => n.id), ['T6']);
  });

  test('hiding done tasks drops them and their links, counts them, and keeps the milestones', () => {
    const graph = buildGraph([example()], { hideDone: true, direction: 'LR' });
    assert.match(graph.source, /^graph LR\n/);
    assert.equal(graph.hiddenDone, 2);
    assert.doesNotMatch(graph.source, /\bT1\b|\bT2\b/);
    assert.equal(graph.nodes.filter((n) => n.kind === 'milestone').length, 4);
    // The Foundation group had only done tasks: no empty subgraph is left.
    assert.doesNotMatch(graph.source, /Foundation/);
  });

  test('several epics draw one subgraph each, with node ids that cannot collide', async () => {
    const a = epicOf('- [ ] **Task 1:** One\n- [ ] **Task 2:** Two\n  - **Depends on:** Task 1\n', 'epics/a.md');
    const b = epicOf('- [ ] **Task 1:** Other one\n', 'epics/b.md');
    const graph = buildGraph([a, b]);
    assert.match(graph.source, /\n {4}subgraph e0_epic \["Test"\]\n {8}e0_T1\["T1: One"\]/);
    assert.match(graph.source, /\n {4}subgraph e1_epic \["Test"\]\n {8}e1_T1\["T1: Other one"\]/);
    assert.match(graph.source, /\n {4}e0_T1 --> e0_T2\n/);
    assert.equal(new Set(graph.nodes.map((n) => n.key)).size, graph.nodes.length);
    assert.deepEqual(graph.epics.map((e) => e.path), ['epics/a.md', 'epics/b.md']);
    // The calendar PRD's epic, from the directory layout, draws through the same model.
    const index = await indexOf(examplesDir);
    const calendar = index.allEpics.find((e) => e.id === 'team-calendar')!;
    assert.equal(buildGraph([index.analysis(calendar)]).nodes.filter((n) => n.kind === 'task').length, calendar.tasks.length);
  });

  test('a phase of parallel tasks waiting for the whole phase before it is one link between the two subgraphs; the critical path keeps its own link', () => {
    const lines = ['# Tasks: Big', '', '## Phase 1: Setup', ''];
    for (let i = 1; i <= 8; i++) lines.push(`- [ ] T${String(i).padStart(3, '0')} [P] Setup ${i}`);
    lines.push('', '## Phase 2: Build', '');
    for (let i = 9; i <= 14; i++) lines.push(`- [ ] T${String(i).padStart(3, '0')} [P] Build ${i}`);
    lines.push('', '## Phase 3: Polish', '', '- [ ] T015 Polish', '');
    const epic = parseSpecKitTasks('specs/001-big/tasks.md', lines.join('\n')).epic;
    assert.equal(epic.dependencies.length, 8 * 6 + 6);
    const analysis = analyzeEpic(epic);
    const graph = buildGraph([analysis]);
    const drawn = graph.source.split('\n').filter((l) => l.includes('-->')).map((l) => l.trim());
    const [first, second] = analysis.criticalPath;
    // 48 lines between the first two phases become one; the six into the last phase stay (fewer than the threshold).
    assert.deepEqual(drawn.filter((l) => /^g\d/.test(l)), ['g0 --> g1']);
    assert.deepEqual(drawn.filter((l) => !/^g\d/.test(l)).sort(), [`${first} --> ${second}`, ...['T009', 'T010', 'T011', 'T012', 'T013', 'T014'].map((t) => `${t} --> T015`)].sort());
    assert.equal(graph.linkCount, 8);
    // The heavier critical link is still the one from the first phase into the second.
    assert.deepEqual(graph.criticalLinks.map((i) => drawn[i]), drawn.filter((l) => l === `${first} --> ${second}` || (l.endsWith('--> T015') && analysis.criticalPath.includes(l.slice(0, 4)))));
    // The hover still says what each task waits for: the model keeps every edge.
    assert.equal(graph.nodes.find((n) => n.id === 'T009')!.waitsFor.length, 8);
  });

  test('no box-to-box link where a last task of the one group leads nowhere: the other does not wait for it', () => {
    const deps = '  - **Depends on:** Task 1, Task 2\n';
    const analysis = epicOf(
      `### A\n- [ ] **Task 1:** One\n- [ ] **Task 2:** Two\n- [ ] **Task 3:** Three\n  - **Depends on:** Task 1\n\n### B\n` +
        `- [ ] **Task 4:** Four\n${deps}- [ ] **Task 5:** Five\n${deps}- [ ] **Task 6:** Six\n${deps}`,
    );
    const drawn = buildGraph([analysis]).source.split('\n').filter((l) => l.includes('-->')).map((l) => l.trim());
    assert.deepEqual(drawn.filter((l) => /^g\d/.test(l)), []);
    assert.equal(drawn.length, 7);
  });

  test('dependencies on tasks the epic does not have draw no link and are named as missing', () => {
    const graph = buildGraph([epicOf('- [ ] **Task 1:** One\n  - **Depends on:** Task 9\n')]);
    assert.doesNotMatch(graph.source, /-->/);
    assert.deepEqual(graph.nodes[0].waitsFor, ['T9 (missing)']);
  });

  test('any title stays inside its label, and any id makes a valid node id', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (title) => {
        const graph = buildGraph([epicOf(`- [ ] **Task 1:** ${title.replace(/[\r\n]/g, ' ')}\n`)]);
        const line = graph.source.split('\n').find((l) => l.trim().startsWith('T1['));
        if (!line) return; // A title the parser does not read as a task draws nothing.
        assert.match(line.trim(), /^T1\["[^"[\]{}()<>]*"\]$/);
      }),
    );
    fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 20 }), (id) => assert.match(mermaidNodeId(id), /^[A-Za-z][A-Za-z0-9_]*$/)));
  });
});
