import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { buildSprintReport, scopeAtStartFromAdded } from '../../src/core/sprintReport';
import { sprintStatus } from '../../src/core/sprintStatus';
import { fixturesDir, indexOf } from './helpers';

const WORKSPACE = join(fixturesDir, 'sprints', 'workspace');
const TODAY = '2026-03-17';

describe('sprint report', () => {
  test('counts, lists, blockers in words, issues and the burndown series of the fixture sprint', async () => {
    const index = await indexOf(WORKSPACE);
    const sprint = index.sprints.find((s) => s.id === 'sprint-4')!;
    const status = sprintStatus(sprint, index, TODAY);
    const report = buildSprintReport(status, index, { completedOn: new Map([['checkout-flow:101', '2026-03-11T15:00:00Z']]), history: 'file-dates' });
    assert.equal(report.label, 'Sprint 4 · 3/8 · 3 days left');
    assert.deepEqual([report.name, report.start, report.end, report.goal, report.timeText], ['Sprint 4', '2026-03-09', '2026-03-20', 'Customers can pay for what is in their cart', '3 days left']);
    assert.deepEqual(report.counts, status.counts);
    assert.deepEqual(report.blocked, ['checkout-flow:103', 'epic-001-task-api:T4']);
    assert.deepEqual(report.atRisk, ['checkout-flow:104']);
    const blocked = report.tasks.find((t) => t.key === 'checkout-flow:103')!;
    assert.deepEqual(blocked.blockers.map((b) => b.text), ['102 Payment form is in progress']);
    assert.deepEqual([blocked.issue, blocked.issueUrl], [103, 'https://github.com/acme/shop/issues/103']);
    // One point a day from the start to today, the ideal line from the scope at the start to 0 on the last day.
    assert.deepEqual(report.burndown.dates, ['2026-03-09', '2026-03-10', '2026-03-11', '2026-03-12', '2026-03-13', '2026-03-14', '2026-03-15', '2026-03-16', '2026-03-17']);
    assert.equal(report.burndown.ideal[0], 8);
    assert.equal(report.burndown.remaining[0], 8);
    // 101 done on the 11th; the two done without a date count from the last day.
    assert.equal(report.burndown.remaining[2], 7);
    assert.equal(report.burndown.remaining.at(-1), 5);
    assert.equal(report.undated.length, 2);
    assert.deepEqual(report.unresolved.map((u) => u.written), ['checkout-flow:109']);
    // Plain data: what the host posts is what the webview gets.
    assert.deepEqual(JSON.parse(JSON.stringify(report)), report);
  });

  test('tasks added to the plan after the first day are scope added since the start; those that left are removed', async () => {
    const index = await indexOf(WORKSPACE);
    const sprint = index.sprints.find((s) => s.id === 'sprint-4')!;
    const status = sprintStatus(sprint, index, TODAY);
    const atStart = scopeAtStartFromAdded(status, new Map([['checkout-flow:103', '2026-03-12T10:00:00Z'], ['checkout-flow:101', '2026-03-02T09:00:00Z']]))!;
    assert.equal(atStart.includes('checkout-flow:103'), false);
    assert.equal(atStart.includes('checkout-flow:101'), true);
    const report = buildSprintReport(status, index, { completedOn: new Map(), scopeAtStart: [...atStart, 'checkout-flow:999'], history: 'history' });
    assert.deepEqual(report.added, ['checkout-flow:103']);
    assert.deepEqual(report.removed, [{ key: 'checkout-flow:999', title: null, path: null, line: null }]);
    assert.equal(report.burndown.ideal[0], 8, 'seven at the start and one that left');
  });

  test('a sprint without dates has no burndown and no scope at the start', async () => {
    const index = await indexOf(WORKSPACE);
    const five = index.sprints.find((s) => s.id === 'sprint-5')!;
    const status = sprintStatus(five, index, TODAY);
    assert.equal(scopeAtStartFromAdded(status, new Map()), undefined);
    const report = buildSprintReport(status, index, { completedOn: new Map(), history: 'none' });
    assert.deepEqual([report.phase, report.timeText, report.start, report.burndown.dates], ['no-dates', 'no dates', null, []]);
  });
});
