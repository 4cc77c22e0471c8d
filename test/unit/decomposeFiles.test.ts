// A checked plan written as a new epic: where it goes, the text of each layout, the PRD's
// link to it, and that the workspace's index reads the result back as the plan.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { checkProposedPlan } from '../../src/core/decompose/checkPlan';
import type { DecomposedEpic, DecompositionInput } from '../../src/core/decompose/epicFiles';
import { decompositionFiles } from '../../src/core/decompose/epicFiles';
import type { ProposedPlan } from '../../src/core/decompose/planSchema';
import { applyChange } from '../../src/core/edits';
import type { WrittenLayout, Prd } from '../../src/core/model';
import { parsePrd } from '../../src/core/parse/prdParser';
import { DEFAULT_PLAN_ROOTS, PlanIndex } from '../../src/core/planIndex';
import { examplesDir, filesOf, fixturesDir, MemoryFileSystem } from './helpers';

const NOW = '2026-05-04T09:30:00Z';

/** The example's single-file half: it also holds a directory-layout epic, and a tie between layouts goes to the first the index lists. */
function singleFileExample(): Map<string, string> {
  return new Map([...filesOf(examplesDir)].filter(([path]) => !path.startsWith('.claude/')));
}

function checked(raw: unknown): ProposedPlan {
  const result = checkProposedPlan(raw, { maxTasks: 100 });
  assert.ok(result.ok, result.ok ? '' : result.problems.join('\n'));
  return result.plan;
}

type Raw = Record<string, unknown>;

function task(key: string, extra: Raw = {}): Raw {
  return { key, title: `Task ${key}`, group: '', description: '', acceptanceCriteria: [], estimateHours: 2, agent: '', dependsOn: [], parallel: true, ...extra };
}

const SMALL = {
  title: 'Link shortener',
  overview: 'Short links we own, retarget and measure.',
  tasks: [
    task('T1', { title: 'Scaffold the service', group: 'Foundation', description: 'Project layout, lint, test runner.', acceptanceCriteria: ['`npm test` runs', 'CI is green'], estimateHours: 2, agent: 'node-backend-engineer' }),
    task('T2', { title: 'Link table and slugs', group: 'Redirects', description: 'Base-62 slugs, collision retry.', estimateHours: 3.5, dependsOn: ['T1'], parallel: false }),
    task('T3', { title: 'Redirect endpoint', group: 'Redirects', acceptanceCriteria: ['301 for known slugs'], estimateHours: 1, agent: 'node-backend-engineer', dependsOn: ['T2', 'T1'] }),
  ],
  milestones: [
    { id: 'M1', title: 'Redirects work', when: 'Day 3', tasks: ['T2', 'T3'] },
    { id: 'M2', title: 'Launch', when: '', tasks: [] },
  ],
};

interface Workspace {
  readonly files: Map<string, string>;
  readonly prd: Prd;
  readonly input: DecompositionInput;
}

async function workspace(files: Map<string, string>, prdPath: string, plan: ProposedPlan, extra: Partial<DecompositionInput> = {}): Promise<Workspace> {
  const index = new PlanIndex(new MemoryFileSystem(new Map(files)));
  await index.build();
  const prd = index.prds.find((p) => p.path === prdPath);
  assert.ok(prd, `no PRD ${prdPath}`);
  const roots = DEFAULT_PLAN_ROOTS;
  const existingRoots = new Set(roots.filter((r) => [...files.keys()].some((f) => f.startsWith(`${r}/`))));
  return {
    files,
    prd,
    input: { plan, prd, prdText: files.get(prdPath)!, epics: index.allEpics, roots, existingRoots, paths: [...files.keys()], now: NOW, ...extra },
  };
}

function written(ws: Workspace, extra: Partial<DecompositionInput> = {}): DecomposedEpic {
  const result = decompositionFiles({ ...ws.input, ...extra });
  assert.ok(result.ok, result.ok ? '' : result.problems.join('\n'));
  return result;
}

/** The workspace after the change, indexed: the new epic, the PRD as edited, and the diagnostics of both. */
async function after(ws: Workspace, result: DecomposedEpic) {
  const files = new Map(ws.files);
  applyChange(files, result.change);
  const index = new PlanIndex(new MemoryFileSystem(files));
  await index.build();
  const epic = index.epic(result.epicId);
  assert.ok(epic, `the index has no epic ${result.epicId}`);
  const prd = index.prds.find((p) => p.path === ws.prd.path)!;
  const own = new Set([...result.change.creates.map((c) => c.path), ws.prd.path]);
  const diagnostics = index.diagnostics().filter((d) => own.has(d.path) && d.severity !== 'info');
  return { files, index, epic, prd, diagnostics };
}

describe('decomposition into the single-file layout', () => {
  test('the next epic beside the example, in the example\'s form', async () => {
    const ws = await workspace(singleFileExample(), 'prds/prd-001-link-shortener.md', checked(SMALL));
    const result = written(ws);
    assert.equal(result.layout, 'single-file');
    assert.equal(result.epicId, 'epic-002-link-shortener');
    assert.equal(result.epicPath, 'epics/epic-002-link-shortener.md');
    assert.deepEqual([...result.taskIds], [['T1', 'T1'], ['T2', 'T2'], ['T3', 'T3']]);
    assert.deepEqual(result.notes, ['The single-file layout does not record which tasks cannot run in parallel; the dependencies in the graph still order them.']);
    assert.deepEqual(result.change.creates.map((c) => c.path), ['epics/epic-002-link-shortener.md']);
    assert.equal(
      result.change.creates[0].text,
      [
        '# Epic 002: Link shortener',
        '',
        '**Based on:** PRD-001',
        '**Status:** Planning',
        '**Created:** 2026-05-04',
        '',
        '## Overview',
        '',
        'Short links we own, retarget and measure.',
        '',
        '## Tasks',
        '',
        '### Foundation',
        '- [ ] **Task 1:** Scaffold the service',
        '',
        '  Project layout, lint, test runner.',
        '',
        '  - **Acceptance criteria:**',
        '    - `npm test` runs',
        '    - CI is green',
        '  - **Estimate:** 2 hours',
        '  - **Agent:** node-backend-engineer',
        '',
        '### Redirects',
        '- [ ] **Task 2:** Link table and slugs',
        '',
        '  Base-62 slugs, collision retry.',
        '',
        '  - **Estimate:** 3.5 hours',
        '',
        '- [ ] **Task 3:** Redirect endpoint',
        '  - **Acceptance criteria:**',
        '    - 301 for known slugs',
        '  - **Estimate:** 1 hour',
        '  - **Agent:** node-backend-engineer',
        '',
        '## Milestones',
        '',
        '- **M1 (Day 3):** Redirects work (T2, T3)',
        '- **M2:** Launch',
        '',
        '## Dependencies',
        '',
        '```mermaid',
        'graph TD',
        '    T1["Task 1: Scaffold the service"]',
        '    T2["Task 2: Link table and slugs"]',
        '    T3["Task 3: Redirect endpoint"]',
        '    T1 --> T2',
        '    T2 --> T3',
        '    T1 --> T3',
        '```',
        '',
      ].join('\n'),
    );
    // The PRD's link: one more bold key line after its last one, and nothing else changed.
    assert.deepEqual(result.change.edits, [{ path: 'prds/prd-001-link-shortener.md', edits: [{ offset: ws.input.prdText.indexOf('\n', ws.input.prdText.indexOf('**Owner:**')), length: 0, newText: '\n**Epic:** [epic-002-link-shortener](../epics/epic-002-link-shortener.md)' }] }]);

    const { epic, prd, index, diagnostics } = await after(ws, result);
    assert.deepEqual(diagnostics, []);
    assert.equal(prd.metadata.epic, '[epic-002-link-shortener](../epics/epic-002-link-shortener.md)');
    assert.deepEqual(index.epicsOfPrd(prd).map((e) => e.id), ['epic-001-link-shortener', 'epic-002-link-shortener']);
    assert.deepEqual(epic.groups.map((g) => [g.name, g.taskIds]), [['Foundation', ['T1']], ['Redirects', ['T2', 'T3']]]);
    assert.deepEqual(epic.milestones.map((m) => [m.id, m.when, m.taskIds]), [['M1', 'Day 3', ['T2', 'T3']], ['M2', undefined, []]]);
    assert.deepEqual(epic.tasks.map((t) => [t.id, t.estimate, t.agent, t.dependsOn]), [
      ['T1', '2 hours', 'node-backend-engineer', []],
      ['T2', '3.5 hours', undefined, ['T1']],
      ['T3', '1 hour', 'node-backend-engineer', ['T2', 'T1']],
    ]);
  });

  test('a second epic of the same PRD is added to its Epic line', async () => {
    const ws = await workspace(singleFileExample(), 'prds/prd-001-link-shortener.md', checked(SMALL));
    const first = written(ws);
    const files = new Map(ws.files);
    applyChange(files, first.change);
    const ws2 = await workspace(files, 'prds/prd-001-link-shortener.md', checked(SMALL));
    const second = written(ws2);
    assert.equal(second.epicId, 'epic-003-link-shortener');
    const { prd } = await after(ws2, second);
    assert.equal(prd.metadata.epic, '[epic-002-link-shortener](../epics/epic-002-link-shortener.md), [epic-003-link-shortener](../epics/epic-003-link-shortener.md)');
    // Already linked: nothing to edit.
    const again = decompositionFiles({ ...ws2.input, prdText: applied(ws2, second) });
    assert.ok(again.ok);
    assert.deepEqual(again.ok && again.change.edits, []);
  });

  test('a PRD without key lines gets its link under its title', async () => {
    const files = new Map([['prds/prd-004-search.md', '# PRD-004: Search\r\n\r\nFind things.\r\n']]);
    const ws = await workspace(files, 'prds/prd-004-search.md', checked(SMALL));
    const result = written(ws);
    // No epics and no epics folder: the PRD's own layout decides.
    assert.equal(result.epicPath, 'epics/epic-001-search.md');
    assert.equal(applied(ws, result), '# PRD-004: Search\r\n\r\n**Epic:** [epic-001-search](../epics/epic-001-search.md)\r\n\r\nFind things.\r\n');
  });

  test('text that would read as more than it says reads back as written', async () => {
    const raw = {
      title: 'Payments #',
      overview: 'Card payments.\n\n## Tasks\n\n- [ ] **Task 7:** not a task\n\n```mermaid\ngraph TD\n  T1 --> T2\n```',
      tasks: [
        task('T1', { title: 'Fix the refund bug (#12)', group: 'API #', description: '# Rules\n\nFull and partial.\n\n```sh\n# replay\nnpm run refund\n```' }),
        task('T2', { title: '**Bold** move with `code` and [ ] box', description: '- [ ] **Task 9:** not ours\n- **Depends on:** Task 1\n- **Estimate:** 9 days\n- **Sprint:** Sprint 4', acceptanceCriteria: ['- [ ] **Task 5:** still prose', '[-] T2: halfway'], dependsOn: ['T1'] }),
        task('T3', { title: 'Task 4: misleading', group: '### deep', description: '**M1 (Day 1):** not a milestone\n\nT1 --> T3', dependsOn: ['T2'] }),
      ],
      milestones: [{ id: 'M1', title: 'Refunds (#12) and Tasks 1-3 done, see T9', when: 'Week (2)', tasks: ['T1'] }],
    };
    for (const layout of ['single-file', 'directory'] as const) {
      const ws = await workspace(singleFileExample(), 'prds/prd-001-link-shortener.md', checked(raw), { layout });
      const result = written(ws);
      const { epic, diagnostics } = await after(ws, result);
      assert.deepEqual(diagnostics, [], layout);
      assert.equal(epic.title, 'Payments #');
      const byId = [...epic.tasks].sort((a, b) => a.id.localeCompare(b.id));
      assert.deepEqual(byId.map((t) => t.title), ['Fix the refund bug (#12)', '**Bold** move with `code` and [ ] box', 'Task 4: misleading']);
      assert.deepEqual(byId.map((t) => [t.issue, t.sprint, t.estimate]), [[undefined, undefined, '2 hours'], [undefined, undefined, '2 hours'], [undefined, undefined, '2 hours']]);
      assert.equal(epic.dependencies.length, 2, layout);
      if (layout === 'single-file') {
        assert.deepEqual(epic.groups.map((g) => [g.name, g.taskIds]), [['API #', ['T1']], ['### deep', ['T3']]]);
        assert.deepEqual(epic.milestones.map((m) => [m.when, m.taskIds]), [['Week [2]', ['T1']]]);
        assert.equal(epic.milestones[0].title.replace(/\u2060/g, ''), 'Refunds (#12) and Tasks 1-3 done, see T9 (T1)');
        assert.ok(result.notes.some((n) => n.startsWith('The description of T2 is written as a code block')));
      } else {
        assert.deepEqual(result.notes, [
          "The epic's overview is written as a code block: as markdown, part of it would read as tasks or sections of the epic.",
          "The directory layout has no task groups, so the plan's groups are not written.",
          'The directory layout has no milestones: they are listed in epic.md for reading, and AutoPM does not track them.',
        ]);
      }
    }
  });
});

function applied(ws: Workspace, result: DecomposedEpic): string {
  const files = new Map(ws.files);
  applyChange(files, result.change);
  return files.get(ws.prd.path)!;
}

describe('decomposition into the directory layout', () => {
  const synced = filesOf(join(fixturesDir, 'synced'));

  test('an epic folder beside the workspace\'s, named after its PRD, in the command-line tools\' form', async () => {
    const ws = await workspace(synced, '.claude/prds/payments.md', checked(SMALL));
    const result = written(ws);
    assert.equal(result.layout, 'directory');
    // `payments` is taken by the epic already there.
    assert.equal(result.epicId, 'payments-2');
    assert.deepEqual([...result.taskIds], [['T1', '001'], ['T2', '002'], ['T3', '003']]);
    const text = new Map(result.change.creates.map((c) => [c.path, c.text]));
    assert.deepEqual([...text.keys()], ['.claude/epics/payments-2/epic.md', '.claude/epics/payments-2/001.md', '.claude/epics/payments-2/002.md', '.claude/epics/payments-2/003.md']);
    assert.equal(
      text.get('.claude/epics/payments-2/epic.md'),
      [
        '---',
        'name: payments-2',
        'status: backlog',
        `created: ${NOW}`,
        'progress: 0%',
        'prd: .claude/prds/payments.md',
        'github:',
        '---',
        '',
        '# Epic: Link shortener',
        '',
        '## Overview',
        '',
        'Short links we own, retarget and measure.',
        '',
        '## Milestones',
        '',
        '- **M1 (Day 3):** Redirects work (002, 003)',
        '- **M2:** Launch',
        '',
        '## Tasks Created',
        '- [ ] 001.md - Scaffold the service (parallel: true)',
        '- [ ] 002.md - Link table and slugs (parallel: false)',
        '- [ ] 003.md - Redirect endpoint (parallel: true)',
        '',
        'Total tasks: 3',
        'Parallel tasks: 2',
        'Sequential tasks: 1',
        'Estimated total effort: 6.5 hours',
        '',
      ].join('\n'),
    );
    assert.equal(
      text.get('.claude/epics/payments-2/001.md'),
      [
        '---',
        'name: Scaffold the service',
        'status: open',
        `created: ${NOW}`,
        `updated: ${NOW}`,
        'github:',
        'depends_on: []',
        'parallel: true',
        'conflicts_with: []',
        'estimate: 2 hours',
        'agent: node-backend-engineer',
        '---',
        '',
        '# Task: Scaffold the service',
        '',
        '## Description',
        '',
        'Project layout, lint, test runner.',
        '',
        '## Acceptance Criteria',
        '- [ ] `npm test` runs',
        '- [ ] CI is green',
        '',
      ].join('\n'),
    );
    assert.match(text.get('.claude/epics/payments-2/003.md')!, /\ndepends_on: \[002, 001\]\nparallel: true\n/);
    assert.match(text.get('.claude/epics/payments-2/002.md')!, /\nparallel: false\n/);
    // The PRD's frontmatter gets an `epic:` field, as its last line.
    assert.equal(applied(ws, result), ws.input.prdText.replace('created: 2026-03-02T09:00:00Z\n', 'created: 2026-03-02T09:00:00Z\nepic: payments-2\n'));

    const { epic, prd, index, diagnostics } = await after(ws, result);
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(index.epicsOfPrd(prd).map((e) => e.id).sort(), ['payments', 'payments-2']);
    assert.deepEqual(epic.tasks.map((t) => [t.id, t.title, t.estimate, t.agent, t.parallel, t.dependsOn]), [
      ['001', 'Scaffold the service', '2 hours', 'node-backend-engineer', true, []],
      ['002', 'Link table and slugs', '3.5 hours', undefined, false, ['001']],
      ['003', 'Redirect endpoint', '1 hour', 'node-backend-engineer', true, ['002', '001']],
    ]);
    assert.deepEqual(epic.checklist.map((c) => [c.taskId, c.checked]), [['001', false], ['002', false], ['003', false]]);
  });

  test('a PRD that names an epic already names a list of them after', async () => {
    const files = new Map(synced);
    files.set('.claude/prds/payments.md', files.get('.claude/prds/payments.md')!.replace('status: in-progress\n', 'status: in-progress\nepic: payments   # the first one\n'));
    const ws = await workspace(files, '.claude/prds/payments.md', checked(SMALL));
    const result = written(ws);
    assert.ok(applied(ws, result).includes('\nepic: [payments, payments-2]   # the first one\n'));
  });

  test('no epics yet: a PRD under .claude is broken down into the directory layout', async () => {
    const files = new Map([['.claude/prds/team-calendar.md', '---\nname: team-calendar\nstatus: backlog\n---\n\n# PRD: Team calendar\n']]);
    const ws = await workspace(files, '.claude/prds/team-calendar.md', checked(SMALL));
    const result = written(ws);
    assert.equal(result.epicPath, '.claude/epics/team-calendar/epic.md');
    assert.equal(written(ws, { layout: 'single-file' }).epicPath, 'epics/epic-001-team-calendar.md');
  });
});

describe('what is not written', () => {
  test('a plan that does not pass the check', async () => {
    const ws = await workspace(singleFileExample(), 'prds/prd-001-link-shortener.md', checked(SMALL));
    const bad = { ...ws.input.plan, tasks: [...ws.input.plan.tasks, { ...ws.input.plan.tasks[0], key: 'T4', dependsOn: ['T4'] }] };
    assert.deepEqual(decompositionFiles({ ...ws.input, plan: bad }), { ok: false, problems: ['T4 depends on itself.'] });
  });

  test('a title that no task line can hold', async () => {
    const raw = { ...SMALL, tasks: [task('T1', { title: '**New** checkout (#12)' }), ...SMALL.tasks.slice(1).map((t) => ({ ...t, dependsOn: [] }))] };
    const ws = await workspace(singleFileExample(), 'prds/prd-001-link-shortener.md', checked(raw));
    assert.deepEqual(decompositionFiles(ws.input), {
      ok: false,
      problems: ['T1 cannot be written so that it reads back as planned (T1 reads back with the title "**New** checkout"; T1 reads back open and linked to #12). Change its title and try again.'],
    });
    // The directory layout holds it in its frontmatter.
    assert.equal(written(ws, { layout: 'directory' }).layout, 'directory');
  });

  test('a workspace with nowhere to put epics', async () => {
    const ws = await workspace(singleFileExample(), 'prds/prd-001-link-shortener.md', checked(SMALL));
    assert.deepEqual(decompositionFiles({ ...ws.input, roots: ['prds'], epics: [] }), {
      ok: false,
      problems: ['No plan folder can hold epics: add a folder named `epics` (or `.claude/epics`) to the `autopm.planRoots` setting.'],
    });
  });

  test('names already taken are not taken again', async () => {
    const files = singleFileExample();
    files.set('epics/epic-007-draft.md', '# Epic 007: Draft\n');
    const ws = await workspace(files, 'prds/prd-001-link-shortener.md', checked(SMALL));
    assert.equal(written(ws).epicId, 'epic-008-link-shortener');
    assert.equal(written(ws, { layout: 'directory', takenIds: new Set(['link-shortener']) }).epicId, 'link-shortener-2');
  });

  test('each layout as asked for, whatever the workspace holds', async () => {
    const ws = await workspace(singleFileExample(), 'prds/prd-001-link-shortener.md', checked(SMALL));
    const layouts: WrittenLayout[] = ['single-file', 'directory'];
    assert.deepEqual(layouts.map((layout) => written(ws, { layout }).epicPath), ['epics/epic-002-link-shortener.md', '.claude/epics/link-shortener/epic.md']);
  });

  test('a PRD that cannot be read back linked keeps its text, and the epic is still written', async () => {
    const ws = await workspace(singleFileExample(), 'prds/prd-001-link-shortener.md', checked(SMALL));
    // The text the PRD was read from has changed under it: its title is not where the index saw it.
    const result = written(ws, { prdText: '# Another title\n' });
    assert.deepEqual(result.change.edits, []);
    assert.deepEqual(result.notes.filter((n) => n.startsWith('PRD-001')), ['PRD-001 is not linked to the epic: its id, title or status would read differently.']);
    assert.equal(parsePrd(ws.prd.path, ws.input.prdText).prd.title, ws.prd.title);
  });
});
