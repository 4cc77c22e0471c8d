import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { parseSingleFileEpic } from '../../src/core/parse/singleFileEpicParser';
import type { ProjectReport } from '../../src/core/report';
import { buildEpicReport, buildProjectReport, linkedFiles, milestoneDate } from '../../src/core/report';
import { buildTaskHistory } from '../../src/core/history';
import { reportCommand } from '../../src/cliReport';
import { examplesDir, fixturesDir, indexOf, read } from './helpers';

const ugly = join(fixturesDir, 'report', 'ugly');

function epicOf(body: string, head = '') {
  return parseSingleFileEpic('epics/epic-009-test.md', `# Epic 009: Test\n${head}\n## Tasks\n\n${body}`).epic;
}

/** A report survives JSON as it is: nothing is lost, nothing is a Map or undefined. */
function assertPlainData(value: unknown, path = 'report'): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    assert.ok(Number.isFinite(value), `${path} is a finite number`);
    return;
  }
  assert.notEqual(value, undefined, `${path} is not undefined`);
  if (Array.isArray(value)) {
    value.forEach((v, i) => assertPlainData(v, `${path}[${i}]`));
    return;
  }
  assert.equal(typeof value, 'object', `${path} is data`);
  assert.equal(Object.getPrototypeOf(value), Object.prototype, `${path} is a plain object`);
  for (const [k, v] of Object.entries(value as object)) assertPlainData(v, `${path}.${k}`);
}

async function projectOf(dir: string): Promise<ProjectReport> {
  const index = await indexOf(dir);
  return buildProjectReport(
    { prds: index.prds, epics: index.allEpics },
    {
      analysis: (e) => index.analysis(e),
      readText: (p) => (existsSync(join(dir, p)) ? read(dir, p) : undefined),
      fileInfo: (p) => {
        if (!existsSync(join(dir, p))) return undefined;
        const text = readFileSync(join(dir, p), 'utf8');
        return { bytes: Buffer.byteLength(text), lines: text.split('\n').length - (text.endsWith('\n') ? 1 : 0) };
      },
    },
  );
}

describe('epic report: the example epics', () => {
  test('the link shortener: progress, counts, hours, groups, milestones placed in working days', async () => {
    const index = await indexOf(examplesDir);
    const epic = index.epic('epic-001-link-shortener')!;
    const report = buildEpicReport(epic, { prds: index.prds, analysis: index.analysis(epic) });
    assertPlainData(report);
    assert.deepEqual(JSON.parse(JSON.stringify(report)), report);
    assert.deepEqual(report.progress, { done: 2, inProgress: 1, total: 10, percent: 20 });
    assert.deepEqual(report.counts, { total: 10, done: 2, inProgress: 1, ready: 1, blocked: 6 });
    assert.deepEqual(report.hours, { done: 5, remaining: 26, inProgress: 3, total: 31, unestimated: 0, unreadable: 0, countedAs: 1 });
    assert.deepEqual(report.status, { written: 'In Progress', state: 'in-progress', tasksState: 'in-progress', conflict: null, conflictText: null });
    assert.deepEqual(report.prd, { written: 'PRD-001', id: 'PRD-001', title: 'Link Shortener Service', path: 'prds/prd-001-link-shortener.md', found: true });
    assert.deepEqual(report.start, { written: '2026-03-09', day: '2026-03-09' });
    assert.deepEqual(report.groups.map((g) => [g.name, g.done, g.total, g.percent]), [
      ['Foundation', 2, 2, 100], ['Redirects', 0, 2, 0], ['Management API', 0, 2, 0], ['Analytics', 0, 2, 0], ['Release', 0, 2, 0],
    ]);
    // Day 10 of a two-week epic starting on a Monday is its second Friday: the target.
    assert.deepEqual(report.milestones.map((m) => [m.id, m.when, m.date, m.percent]), [
      ['M1', 'Day 2', '2026-03-10', 100], ['M2', 'Day 5', '2026-03-13', 0], ['M3', 'Day 8', '2026-03-18', 0], ['M4', 'Day 10', '2026-03-20', 0],
    ]);
    const calendar = buildEpicReport(epic, { dayCounting: 'calendar' });
    assert.deepEqual(calendar.milestones.map((m) => m.date), ['2026-03-10', '2026-03-13', '2026-03-16', '2026-03-18']);
  });

  test('the next task and the ready set explain themselves as `autopm next` does', async () => {
    const index = await indexOf(examplesDir);
    const report = buildEpicReport(index.epic('epic-001-link-shortener')!);
    assert.deepEqual(report.next, {
      epicId: 'epic-001-link-shortener',
      id: 'T6',
      label: 'T6',
      title: 'Single sign-on for the management API',
      path: 'epics/epic-001-link-shortener.md',
      line: 42,
      reason: 'Ready: its dependency (T1) is done; estimate 3 hours; 7h of work on its longest chain; unblocks 1 task.',
    });
    assert.equal(report.ready[0].reason, report.next!.reason);
    assert.equal(report.nothingReady, null);
    const t5 = report.blocked.find((b) => b.id === 'T5')!;
    assert.deepEqual(t5.blockers.map((b) => [b.taskId, b.reason, b.text]), [
      ['T3', 'not-done', 'T3 Link table and slug generator is in progress'],
      ['T6', 'not-done', 'T6 Single sign-on for the management API is not started'],
    ]);
    assert.equal(t5.text, 'Blocked: T3 Link table and slug generator is in progress and T6 Single sign-on for the management API is not started.');
    assert.deepEqual(report.criticalPath, ['T3', 'T4', 'T7', 'T8', 'T10']);
  });

  test('issues: numbers, and URLs from the task file or the epic repository', async () => {
    const index = await indexOf(examplesDir);
    const shortener = buildEpicReport(index.epic('epic-001-link-shortener')!);
    // The single-file epic names no repository: the numbers alone.
    assert.deepEqual(shortener.issues.map((i) => [i.taskId, i.number, i.url]), [['T1', 101, null], ['T2', 102, null], ['T3', 103, null]]);
    const calendar = buildEpicReport(index.epic('team-calendar')!);
    assert.deepEqual(calendar.issue, { number: 40, url: 'https://github.com/acme/calendar/issues/40' });
    assert.deepEqual(calendar.issues[0], { taskId: '41', title: 'Events schema and migrations', number: 41, url: 'https://github.com/acme/calendar/issues/41' });
    const task = calendar.tasks.find((t) => t.id === '46')!;
    assert.deepEqual(
      { key: task.key, label: task.label, state: task.state, status: task.status, path: task.path, line: task.line },
      { key: 'team-calendar:46', label: '#46', state: 'ready', status: 'open', path: '.claude/epics/team-calendar/46.md', line: 1 },
    );
    const epic = epicOf('- [ ] **Task 1:** Pay (#12)\n', '**GitHub:** https://github.com/acme/shop/issues/3\n');
    assert.equal(buildEpicReport(epic).issues[0].url, 'https://github.com/acme/shop/issues/12');
  });
});

describe('epic report: ugly cases', () => {
  test('an epic with no tasks', () => {
    const report = buildEpicReport(parseSingleFileEpic('epics/epic-1.md', '# Epic 1: Nothing\n').epic);
    assertPlainData(report);
    assert.deepEqual(report.progress, { done: 0, inProgress: 0, total: 0, percent: 0 });
    assert.equal(report.hours.total, 0);
    assert.equal(report.next, null);
    assert.equal(report.nothingReady, 'The epic has no tasks.');
    assert.deepEqual(report.tasks, []);
    assert.equal(report.status.tasksState, null);
  });

  test('estimates that are ranges, sizes, unreadable or missing', () => {
    const report = buildEpicReport(
      epicOf(['- [x] **Task 1:** A', '  - **Estimate:** 2-3 days', '- [ ] **Task 2:** B', '  - **Estimate:** M', '- [ ] **Task 3:** C', '  - **Estimate:** TBD', '- [-] **Task 4:** D', ''].join('\n')),
    );
    assert.deepEqual(report.tasks.map((t) => [t.estimate, t.estimateHours, t.countedHours]), [['2-3 days', 24, 24], ['M', 8, 8], ['TBD', null, 1], [null, null, 1]]);
    assert.deepEqual(report.hours, { done: 24, remaining: 10, inProgress: 1, total: 34, unestimated: 1, unreadable: 1, countedAs: 1 });
  });

  test('milestones naming unknown tasks, with no date, or counted from no start', () => {
    const epic = epicOf('- [x] **Task 1:** A\n', '\n## Milestones\n\n- **M1 (Day 3):** First (T1, T7)\n- **M2:** Later (T1)\n- **M3 (Sprint 2):** Odd (T1)\n- **M4 (2026-05-01):** Fixed (T1)\n\n');
    const report = buildEpicReport(epic);
    assert.deepEqual(report.milestones.map((m) => [m.id, m.taskIds, m.unknownTaskIds, m.done, m.total, m.date, m.dateNote]), [
      ['M1', ['T1'], ['T7'], 1, 1, null, 'The epic has no start date to count Day 3 from.'],
      ['M2', ['T1'], [], 1, 1, null, 'No date is given.'],
      ['M3', ['T1'], [], 1, 1, null, '"Sprint 2" is neither a day number nor a date.'],
      ['M4', ['T1'], [], 1, 1, '2026-05-01', null],
    ]);
  });

  test('milestone dates: Day ranges, weeks, and an unreadable start', () => {
    assert.deepEqual(milestoneDate('Days 3-4', '2026-03-09', 'working'), { date: '2026-03-12' });
    assert.deepEqual(milestoneDate('Week 2', '2026-03-09', 'working'), { date: '2026-03-20' });
    assert.deepEqual(milestoneDate('Week 2', '2026-03-09', 'calendar'), { date: '2026-03-22' });
    assert.deepEqual(milestoneDate('Day 2', 'soon', 'working'), { note: 'The epic\'s start date "soon" is not a date, so Day 2 cannot be placed.' });
  });

  test('unreadable dates are kept as written, with no day', () => {
    const report = buildEpicReport(epicOf('- [ ] **Task 1:** A\n', '**Start Date:** next week\n**Target:** 2026-02-30\n'));
    assert.deepEqual([report.start, report.target], [{ written: 'next week', day: null }, { written: '2026-02-30', day: null }]);
  });

  test('a status the tasks contradict, in words', () => {
    const report = buildEpicReport(epicOf('- [x] **Task 1:** A\n- [ ] **Task 2:** B\n', '**Status:** Completed\n'));
    assert.equal(report.status.conflict, 'done-but-open');
    assert.equal(report.status.conflictText, 'The status says "Completed", but 1 of 2 tasks are not done.');
    assert.equal(report.status.tasksState, 'in-progress');
  });

  test('blockers in plain words: unknown tasks, cycles, a blocked status, an incomplete file', async () => {
    const epic = epicOf(['- [ ] **Task 1:** A', '  - **Depends on:** Task 2, Task 9', '- [ ] **Task 2:** B', '  - **Depends on:** Task 1', ''].join('\n'));
    const report = buildEpicReport(epic);
    assert.deepEqual(report.blocked.map((b) => b.blockers.map((x) => x.text)), [
      ['T2 B is in a dependency cycle with it', 'T9 is not a task of this epic'],
      ['T1 A is in a dependency cycle with it'],
    ]);
    assert.deepEqual(report.cycles, [['T1', 'T2']]);
    assert.equal(report.nothingReady, 'Nothing is ready: 2 blocked, 0 in progress.');
    const broken = await indexOf(join(fixturesDir, 'broken'));
    const bad = buildEpicReport(broken.epic('bad')!);
    assertPlainData(bad);
    assert.ok(bad.blocked.some((b) => b.blockers.some((x) => x.reason === 'incomplete' && /frontmatter|empty/.test(x.text))));
  });

  test('a duplicate task id is listed, but not scheduled', () => {
    const report = buildEpicReport(epicOf('- [ ] **Task 1:** A\n- [ ] **Task 1:** Again\n'));
    assert.deepEqual(report.tasks.map((t) => [t.title, t.scheduled, t.state]), [['A', true, 'ready'], ['Again', false, 'blocked']]);
  });

  test('a burndown when a history is given', async () => {
    const index = await indexOf(examplesDir);
    const history = await buildTaskHistory({ epics: index.allEpics, fileDates: { readText: (p) => read(examplesDir, p) } });
    const report = buildEpicReport(index.epic('team-calendar')!, { history, today: '2026-02-20' });
    const series = report.burndown!;
    assert.equal(series.from, '2026-02-12');
    assert.equal(series.to, '2026-02-20');
    assert.deepEqual(series.points.at(0), { date: '2026-02-12', total: 6, done: 0, remaining: 6, ideal: null });
    assert.deepEqual(series.points.at(-1), { date: '2026-02-20', total: 6, done: 2, remaining: 4, ideal: null });
    assert.equal(series.points.find((p) => p.date === '2026-02-14')!.done, 1);
  });
});

describe('project report', () => {
  test('the examples: PRDs with their epics, totals, the next task', async () => {
    const report = await projectOf(examplesDir);
    assertPlainData(report);
    assert.deepEqual(report.prds.map((p) => [p.id, p.epicIds, p.progress.percent]), [['team-calendar', ['team-calendar'], 33], ['PRD-001', ['epic-001-link-shortener'], 20]]);
    assert.deepEqual(report.counts, { total: 16, done: 4, inProgress: 2, ready: 2, blocked: 8 });
    assert.equal(report.next!.id, 'T6');
    assert.deepEqual(report.ready.map((r) => `${r.epicId}:${r.id}`), ['epic-001-link-shortener:T6', 'team-calendar:46']);
    assert.deepEqual(report.epicsWithoutPrd, []);
    assert.deepEqual(report.roadmap.epics.map((e) => [e.epicId, e.start, e.end]), [['team-calendar', '2026-02-12', null], ['epic-001-link-shortener', '2026-03-09', '2026-03-20']]);
    assert.deepEqual([report.roadmap.from, report.roadmap.to], ['2026-02-12', '2026-03-20']);
    assert.equal(report.burndown, null);
  });

  test('deliverables: every PRD, epic and task, in plan order, with sizes', async () => {
    const report = await projectOf(examplesDir);
    assert.deepEqual(report.deliverables.filter((r) => r.category !== 'Task').map((r) => [r.category, r.id, r.size?.text]), [
      ['PRD', 'team-calendar', '6 tasks in 1 epic'],
      ['Epic', 'team-calendar', '6 tasks'],
      ['PRD', 'PRD-001', '10 tasks in 1 epic'],
      ['Epic', 'epic-001-link-shortener', '10 tasks'],
    ]);
    const t44 = report.deliverables.find((r) => r.category === 'Task' && r.id === '44')!;
    assert.deepEqual(t44.size, { value: 8, unit: 'hours', text: '1 day (8h)' });
    assert.deepEqual(t44.parent, { category: 'Epic', id: 'team-calendar' });
    assert.equal(t44.file!.lines, 21);
    const t1 = report.deliverables.find((r) => r.category === 'Task' && r.id === 'T1')!;
    assert.deepEqual([t1.status, t1.owner, t1.size!.text, t1.file], ['done', 'node-backend-engineer', '2 hours', null]);
    assert.equal(report.deliverables.length, 4 + 16);
  });

  test('ugly: a PRD with no epics, an epic naming an unknown PRD, epics with no tasks or dates, specs', async () => {
    const report = await projectOf(ugly);
    assertPlainData(report);
    assert.deepEqual(report.prds.find((p) => p.id === 'PRD-002')!.epicIds, []);
    assert.deepEqual(report.epicsWithUnknownPrd, ['epic-002-empty']);
    assert.deepEqual(report.epicsWithoutPrd, ['bare', 'epic-003-nodates']);
    assert.deepEqual(report.epics.find((e) => e.id === 'epic-002-empty')!.prd, { written: 'PRD-404', id: null, title: null, path: null, found: false });
    const specs = report.deliverables.filter((r) => r.category === 'Spec');
    assert.deepEqual(specs.map((s) => [s.path, s.status, s.size?.text ?? null, s.parent, s.linkedFrom]), [
      ['docs/search-api.md', null, '3 lines', { category: 'PRD', id: 'PRD-001' }, ['prds/prd-001-search.md', 'epics/epic-001-search.md']],
      ['docs/ranking notes.md', null, '1 line', { category: 'PRD', id: 'PRD-001' }, ['prds/prd-001-search.md']],
      ['docs/glossary.md', null, '3 lines', { category: 'PRD', id: 'PRD-001' }, ['prds/prd-001-search.md']],
      ['docs/missing.md', 'missing', null, { category: 'Epic', id: 'epic-001-search' }, ['epics/epic-001-search.md']],
    ]);
    assert.deepEqual(report.deliverables.find((r) => r.id === 'epic-001-search')!.owner, 'Dana');
  });

  test('ugly: the roadmap lists what it cannot place, and why', async () => {
    const { roadmap } = await projectOf(ugly);
    assert.deepEqual(roadmap.epics.map((e) => [e.epicId, e.start, e.end, e.note]), [
      ['epic-002-empty', '2026-03-02', '2026-02-20', 'The target (2026-02-20) is before the start (2026-03-02).'],
      ['epic-001-search', null, '2026-04-30', 'The start date "next week" is not a date.'],
    ]);
    assert.deepEqual(roadmap.milestones.map((m) => [m.epicId, m.id, m.date]), [['epic-002-empty', 'M1', '2026-03-03']]);
    assert.deepEqual(roadmap.unscheduled.map((u) => [u.kind, u.epicId, u.id, u.reason]), [
      ['epic', 'bare', 'bare', 'The start date "not a date" is not a date.'],
      ['milestone', 'epic-001-search', 'M1', 'The epic\'s start date "next week" is not a date, so Day 3 cannot be placed.'],
      ['milestone', 'epic-001-search', 'M2', 'No date is given.'],
      ['milestone', 'epic-001-search', 'M3', '"Sprint 2" is neither a day number nor a date.'],
      ['epic', 'epic-003-nodates', 'epic-003-nodates', 'No start or target date is given.'],
    ]);
  });

  test('an empty plan', () => {
    const report = buildProjectReport({ prds: [], epics: [] });
    assertPlainData(report);
    assert.deepEqual(report.progress, { done: 0, inProgress: 0, total: 0, percent: 0 });
    assert.deepEqual(report.roadmap, { dayCounting: 'working', from: null, to: null, epics: [], milestones: [], unscheduled: [] });
  });
});

describe('linkedFiles', () => {
  test('inline and reference links to files, relative to the document; not images, code, URLs or anchors', () => {
    const text = read(ugly, 'prds/prd-001-search.md');
    assert.deepEqual(linkedFiles('prds/prd-001-search.md', text), ['docs/search-api.md', 'docs/ranking notes.md', 'epics/epic-001-search.md', 'docs/glossary.md']);
    assert.deepEqual(linkedFiles('a/b.md', '[x](/docs/root.md) [y](c%20d.md?raw=1) [z](./e.md "Title") [w](~~~)'), ['docs/root.md', 'a/c d.md', 'a/e.md', 'a/~~~']);
    assert.deepEqual(linkedFiles('a.md', '~~~\n[no](x.md)\n~~~\n[yes](y.md)'), ['y.md']);
  });
});

describe('autopm report (reportCommand)', () => {
  async function run(dir: string, options: Parameters<typeof reportCommand>[2]) {
    const index = await indexOf(dir);
    const out: string[] = [];
    const err: string[] = [];
    const code = await reportCommand(index, dir, { git: false, today: '2026-03-12', ...options }, { out: (t) => out.push(t), err: (t) => err.push(t) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  test('the project report as JSON is the model', async () => {
    const { code, out } = await run(examplesDir, { format: 'json' });
    assert.equal(code, 0);
    const report = JSON.parse(out);
    assert.equal(report.kind, 'project');
    assert.equal(report.next.id, 'T6');
    assert.equal(report.burndown.to, '2026-03-12');
  });

  test('an epic report as markdown, found by a prefix of its id', async () => {
    const { code, out } = await run(examplesDir, { epic: 'epic-001' });
    assert.equal(code, 0);
    assert.match(out, /^# Link Shortener Service\n\n\*\*2\/10 \(20%\) done\*\*/);
    assert.match(out, /\n\| \[T6 Single sign-on for the management API\]\(epics\/epic-001-link-shortener\.md#L43\) \| ready \| 3 hours \| Management API \| {2}\| T1 \|\n/);
  });

  test('unknown epics and formats exit 2 with a message', async () => {
    const noEpic = await run(examplesDir, { epic: 'nope' });
    assert.equal(noEpic.code, 2);
    assert.equal(noEpic.err, 'autopm: No epic "nope". Epics: team-calendar, epic-001-link-shortener.');
    const badFormat = await run(examplesDir, { format: 'html' });
    assert.equal(badFormat.code, 2);
    assert.match(badFormat.err, /Unknown format "html": use markdown or json\./);
  });
});
