import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PlanIndex } from '../../src/core/planIndex';
import { NodePlanFileSystem } from '../../src/services/nodePlanFileSystem';
import { DiskParseCache } from '../../src/services/parseCache';
import { buildSprintPlan, currentSprint, localIsoDate, parseSprintFile, readIsoDate } from '../../src/core/sprint';
import { FOCUSED_HOURS_PER_DAY, scopeChange, sprintBurndown, sprintLabel, sprintStatus, sprintTooltip, workingDaysBetween } from '../../src/core/sprintStatus';
import { fixturesDir, indexOf, MemoryFileSystem } from './helpers';

const WORKSPACE = join(fixturesDir, 'sprints', 'workspace');
const TODAY = '2026-03-17';

const sprintFile = (body: string) => `---\nname: Sprint 9\nstart: 2026-03-09\nend: 2026-03-20\n---\n\n# Sprint 9\n\n## Tasks\n\n${body}`;

describe('sprint files', () => {
  test('references in every form people write them', () => {
    const file = parseSprintFile(
      'epics/sprints/sprint-9.md',
      sprintFile(
        [
          '- checkout-flow:103',
          '- [ ] checkout-flow:#104 Order email',
          '- [x] epic-001-api:T3 — Login',
          '- [-] epic-001-api:Task 4: Endpoints',
          '- `epic-001-api:T5` rate limits',
          '- **epic-001-api:T6**',
          '- [epic-001-api:T7](../epic-001-api.md) docs',
          '- #12 by its issue',
          '- Note: not a reference',
          '- T3 alone names no epic',
          '  - nested-epic:9',
          '',
        ].join('\n'),
      ),
    );
    assert.deepEqual(
      file.refs.map((r) => [r.epic, r.task, r.title]),
      [
        ['checkout-flow', '103', ''],
        ['checkout-flow', '#104', 'Order email'],
        ['epic-001-api', 'T3', 'Login'],
        ['epic-001-api', 'T4', 'Endpoints'],
        ['epic-001-api', 'T5', 'rate limits'],
        ['epic-001-api', 'T6', ''],
        ['epic-001-api', 'T7', 'docs'],
        [undefined, '#12', 'by its issue'],
        ['nested-epic', '9', ''],
      ],
    );
    assert.deepEqual(file.problems, []);
    assert.deepEqual([file.name, file.start, file.end], ['Sprint 9', '2026-03-09', '2026-03-20']);
  });

  test('only the task section is read when the file has one', () => {
    const file = parseSprintFile('sprints/s.md', '---\nname: S\n---\n\n## Notes\n\n- other-epic:1 mentioned in passing\n\n## Scope\n\n- my-epic:T1\n\n## Retro\n\n- my-epic:T2 went well\n');
    assert.deepEqual(file.refs.map((r) => r.written), ['my-epic:T1']);
  });

  test('dates: ISO dates and timestamps are read, anything else is said plainly', () => {
    assert.equal(readIsoDate('2026-03-09'), '2026-03-09');
    assert.equal(readIsoDate('2026-03-09T10:00:00Z'), '2026-03-09');
    assert.equal(readIsoDate('2026-03-09T23:30:00-05:00'), '2026-03-09');
    assert.equal(readIsoDate('March 9, 2026'), undefined);
    assert.equal(readIsoDate('2026-02-30'), undefined);
    assert.equal(readIsoDate(20260309), undefined);
    const file = parseSprintFile('sprints/s.md', '---\nname: S\nstart: March 9, 2026\nend: 2026-03-20T17:00:00Z\n---\n');
    assert.deepEqual([file.start, file.end, file.startWritten], [undefined, undefined, 'March 9, 2026']);
    assert.deepEqual(file.problems.map((p) => [p.kind, p.range.line]), [['date-unreadable', 2]]);
    assert.match(file.problems[0].message, /"March 9, 2026".*could not be read; write it as YYYY-MM-DD/);
  });

  test('end before start, no frontmatter, an empty file', () => {
    const backwards = parseSprintFile('sprints/b.md', '---\nname: B\nstart: 2026-03-20\nend: 2026-03-09\n---\n');
    assert.deepEqual([backwards.start, backwards.end, backwards.problems.map((p) => p.kind)], [undefined, undefined, ['end-before-start']]);
    const bare = parseSprintFile('sprints/bare.md', '# Sprint Bare\n\n- my-epic:T1\n');
    assert.deepEqual([bare.name, bare.start, bare.refs.length, bare.problems.map((p) => p.kind)], ['Sprint Bare', undefined, 1, ['no-frontmatter']]);
    const empty = parseSprintFile('sprints/empty.md', '');
    assert.deepEqual([empty.name, empty.refs, empty.problems.map((p) => p.kind)], ['empty', [], ['empty-file']]);
    const half = parseSprintFile('sprints/half.md', '---\nname: Half\nstart: 2026-03-09\n---\n');
    assert.deepEqual([half.start, half.end, half.problems.map((p) => p.kind)], [undefined, undefined, ['date-missing']]);
  });
});

describe('sprints of a workspace', () => {
  test('the fixture: files in both layouts, sprint fields, a field-only sprint', async () => {
    const index = await indexOf(WORKSPACE);
    assert.deepEqual(index.allEpics.map((e) => e.id), ['checkout-flow', 'epic-001-task-api'], 'the sprints folder is not an epic');
    assert.deepEqual(index.sprintFiles.map((f) => f.path), ['.claude/epics/sprints/sprint-4.md', 'epics/sprints/sprint-3.md']);
    assert.deepEqual(
      index.sprints.map((s) => [s.id, s.source, s.start ?? null, s.end ?? null]),
      [
        ['sprint-3', 'file', '2026-02-23', '2026-03-06'],
        ['sprint-4', 'file', '2026-03-09', '2026-03-20'],
        ['sprint-5', 'field', null, null],
      ],
    );
    const four = index.sprints[1];
    assert.deepEqual(four.taskKeys, [
      'checkout-flow:101',
      'checkout-flow:102',
      'checkout-flow:103',
      'epic-001-task-api:T1',
      'epic-001-task-api:T2',
      'epic-001-task-api:T4',
      'checkout-flow:104',
      'epic-001-task-api:T3',
    ]);
    assert.deepEqual(four.members.find((m) => m.key === 'checkout-flow:104')!.via, ['field']);
    assert.deepEqual(four.unresolved.map((u) => [u.written, u.reason, u.line]), [['checkout-flow:109', 'unknown-task', 17]]);
    const five = index.sprints[2];
    assert.deepEqual([five.name, five.taskKeys, five.problems.map((p) => p.kind)], ['Sprint 5', ['epic-001-task-api:T5'], ['no-sprint-file']]);
    assert.match(five.problems[0].message, /No sprint file defines "Sprint 5", so it has no dates/);
  });

  test('status on a day: done, remaining, blocked with blockers, at risk, days left', async () => {
    const index = await indexOf(WORKSPACE);
    const sprint = currentSprint(index.sprints, TODAY)!;
    assert.equal(sprint.id, 'sprint-4');
    const status = sprintStatus(sprint, index, TODAY);
    assert.equal(sprintLabel(status), 'Sprint 4 · 3/8 · 3 days left');
    assert.deepEqual(status.counts, { scope: 8, done: 3, remaining: 5, inProgress: 1, blocked: 2, atRisk: 1, unresolved: 1 });
    assert.deepEqual(status.blocked.map((t) => [t.key, t.blockers.map((b) => `${b.taskId}:${b.reason}`)]), [
      ['checkout-flow:103', ['102:not-done']],
      ['epic-001-task-api:T4', ['T3:not-done']],
    ]);
    // Tuesday to Friday, today included, at six focused hours a day.
    assert.deepEqual([status.daysLeft, status.workingDaysLeft, status.hoursLeft], [3, 4, 4 * FOCUSED_HOURS_PER_DAY]);
    assert.deepEqual(status.atRisk.map((t) => [t.key, t.hours]), [['checkout-flow:104', 40]]);
    const tooltip = sprintTooltip(status);
    assert.match(tooltip, /^\*\*Sprint 4\*\* \(2026-03-09 → 2026-03-20\) · 3 days left\n\nGoal: Customers can pay for what is in their cart\n\nDone 3 of 8 · 5 remaining \(1 in progress\)/);
    assert.match(tooltip, /Blocked \(2\):\n- `checkout-flow:103` Address validation \(waits on 102\)\n- `epic-001-task-api:T4` Task endpoints \(waits on T3\)/);
    assert.match(tooltip, /At risk \(1\):\n- `checkout-flow:104` Order confirmation email \(40h, 24h left\)/);
    assert.match(tooltip, /1 reference to no task$/);
  });

  test('the label on other days', async () => {
    const index = await indexOf(WORKSPACE);
    const four = index.sprints.find((s) => s.id === 'sprint-4')!;
    assert.equal(sprintLabel(sprintStatus(four, index, '2026-03-20')), 'Sprint 4 · 3/8 · last day');
    assert.equal(sprintLabel(sprintStatus(four, index, '2026-03-19')), 'Sprint 4 · 3/8 · 1 day left');
    assert.equal(sprintLabel(sprintStatus(four, index, '2026-03-08')), 'Sprint 4 · 3/8 · starts tomorrow');
    assert.equal(sprintLabel(sprintStatus(four, index, '2026-03-05')), 'Sprint 4 · 3/8 · starts in 4 days');
    const ended = sprintStatus(four, index, '2026-03-21');
    assert.equal(sprintLabel(ended), 'Sprint 4 · 3/8 · ended');
    // Nothing fits in no time: every task not started is at risk.
    assert.deepEqual(ended.atRisk.map((t) => t.key), ['checkout-flow:103', 'epic-001-task-api:T4', 'checkout-flow:104', 'epic-001-task-api:T3']);
    const five = index.sprints.find((s) => s.id === 'sprint-5')!;
    assert.equal(sprintLabel(sprintStatus(five, index, TODAY)), 'Sprint 5 · 0/1 · no dates');
  });

  test('current sprint: pinned wins, no sprint covers a gap, overlaps are settled the same way every time', async () => {
    const index = await indexOf(WORKSPACE);
    assert.equal(currentSprint(index.sprints, '2026-03-07'), undefined);
    assert.equal(currentSprint(index.sprints, '2026-03-02')!.id, 'sprint-3');
    assert.equal(currentSprint(index.sprints, TODAY, 'Sprint 3')!.id, 'sprint-3');
    assert.equal(currentSprint(index.sprints, TODAY, 'sprint-5')!.id, 'sprint-5');
    assert.equal(currentSprint(index.sprints, TODAY, 'no such sprint')!.id, 'sprint-4', 'a pinned name that matches nothing falls back to the dates');
    const file = (name: string, start: string, end: string) => parseSprintFile(`sprints/${name}.md`, `---\nname: ${name}\nstart: ${start}\nend: ${end}\n---\n`);
    const overlapping = [file('old', '2026-03-01', '2026-03-31'), file('new', '2026-03-15', '2026-03-28'), file('same-start', '2026-03-15', '2026-03-22')];
    for (const files of [overlapping, [...overlapping].reverse()]) {
      const { sprints } = buildSprintPlan(files, []);
      // The one that started last, then the one that ends first.
      assert.equal(currentSprint(sprints, '2026-03-16')!.id, 'same-start');
      assert.equal(currentSprint(sprints, '2026-03-25')!.id, 'new');
      assert.equal(currentSprint(sprints, '2026-03-30')!.id, 'old');
    }
  });

  test('without any sprint, an epic with start and target dates is its own time box', async () => {
    const index = new PlanIndex(
      new MemoryFileSystem({
        'epics/epic-001-a.md': '# Epic 001: Alpha\n\n**Start Date:** 2026-03-09\n**Target:** 2026-03-20\n\n## Tasks\n- [x] **Task 1:** One\n- [ ] **Task 2:** Two\n',
        'epics/epic-002-b.md': '# Epic 002: Beta\n\n## Tasks\n- [ ] **Task 1:** Undated\n',
      }),
    );
    await index.build();
    assert.deepEqual(index.sprints.map((s) => [s.id, s.source, s.name, s.path, s.taskKeys]), [
      ['epic-001-a', 'epic', 'Alpha', 'epics/epic-001-a.md', ['epic-001-a:T1', 'epic-001-a:T2']],
    ]);
    assert.equal(sprintLabel(sprintStatus(currentSprint(index.sprints, TODAY)!, index, TODAY)), 'Alpha · 1/2 · 3 days left');
  });

  test('ugly references: duplicates, unknown epics and tasks, ambiguous issues, nothing dropped', () => {
    const { sprints } = buildSprintPlan(
      [parseSprintFile('sprints/u.md', sprintFile('- a:T1\n- a:1 again\n- nope:T1\n- a:T9\n- #7\n- #8\n- a:T2\n'))],
      [
        { ...epicStub('a'), tasks: [taskStub('a', 'T1', 7), taskStub('a', 'T2')] },
        { ...epicStub('b'), tasks: [taskStub('b', 'T1', 7)] },
      ],
    );
    const [u] = sprints;
    assert.deepEqual(u.taskKeys, ['a:T1', 'a:T2']);
    assert.deepEqual(u.members[0].fileLines, [10, 11]);
    assert.deepEqual(u.unresolved.map((r) => [r.written, r.reason]), [
      ['nope:T1', 'unknown-epic'],
      ['a:T9', 'unknown-task'],
      ['#7', 'ambiguous'],
      ['#8', 'unknown-task'],
    ]);
    assert.deepEqual(u.problems.map((p) => [p.kind, p.range.line]), [
      ['duplicate-reference', 11],
      ['unresolved-reference', 12],
      ['unresolved-reference', 13],
      ['unresolved-reference', 14],
      ['unresolved-reference', 15],
    ]);
  });

  test('two sprint files with one name: both are kept, the first by path takes the field members', () => {
    const a = parseSprintFile('.claude/epics/sprints/sprint-4.md', '---\nname: Sprint 4\nstart: 2026-03-09\nend: 2026-03-20\n---\n');
    const b = parseSprintFile('epics/sprints/sprint-4.md', '---\nname: Sprint 4\nstart: 2026-03-09\nend: 2026-03-20\n---\n');
    const plan = buildSprintPlan([b, a], [{ ...epicStub('x'), tasks: [{ ...taskStub('x', 'T1'), sprint: 'sprint 4' }] }]);
    assert.deepEqual(plan.sprints.map((s) => [s.id, s.path, s.taskKeys]), [
      ['sprint-4', '.claude/epics/sprints/sprint-4.md', ['x:T1']],
      ['sprint-4~2', 'epics/sprints/sprint-4.md', []],
    ]);
    assert.deepEqual(plan.problems.map((p) => [p.kind, p.path]), [['duplicate-sprint', 'epics/sprints/sprint-4.md']]);
  });

  test('a sprint field may give the number alone', () => {
    const plan = buildSprintPlan(
      [parseSprintFile('sprints/sprint-4.md', '---\nname: Sprint 4\nstart: 2026-03-09\nend: 2026-03-20\n---\n')],
      [{ ...epicStub('x'), tasks: [{ ...taskStub('x', 'T1'), sprint: '4' }] }],
    );
    assert.deepEqual(plan.sprints.map((s) => s.taskKeys), [['x:T1']]);
  });
});

describe('burndown', () => {
  test('remaining per day against the ideal line, from the dates passed in', async () => {
    const index = await indexOf(WORKSPACE);
    const status = sprintStatus(index.sprints.find((s) => s.id === 'sprint-4')!, index, '2026-03-12');
    const burndown = sprintBurndown(status, {
      completedOn: new Map([
        ['checkout-flow:101', '2026-03-11T15:00:00Z'],
        ['epic-001-task-api:T1', '2026-03-09'],
        // Not done now: its old date does not count.
        ['checkout-flow:102', '2026-03-10'],
      ]),
      scopeAtStart: ['checkout-flow:101', 'checkout-flow:102', 'epic-001-task-api:T1', 'epic-001-task-api:T9'],
    });
    assert.deepEqual(burndown.points.map((p) => [p.date, p.remaining, p.ideal]), [
      ['2026-03-09', 7, 4],
      ['2026-03-10', 7, 3.64],
      ['2026-03-11', 6, 3.27],
      // The last point shown is today, where the undated done task (T2) counts as done.
      ['2026-03-12', 5, 2.91],
    ]);
    assert.deepEqual(burndown.undated, ['epic-001-task-api:T2']);
    assert.deepEqual(burndown.added, ['checkout-flow:103', 'epic-001-task-api:T2', 'epic-001-task-api:T4', 'checkout-flow:104', 'epic-001-task-api:T3']);
    assert.deepEqual(burndown.removed, ['epic-001-task-api:T9']);
    assert.equal(burndown.scopeAtStart, 4);
  });

  test('the ideal line reaches 0 on the last day; nothing before the start or without dates', async () => {
    const index = await indexOf(WORKSPACE);
    const four = index.sprints.find((s) => s.id === 'sprint-4')!;
    const after = sprintBurndown(sprintStatus(four, index, '2026-04-01'), { completedOn: new Map() });
    assert.equal(after.points.length, 12);
    assert.deepEqual([after.points[0].ideal, after.points.at(-1)!.ideal, after.points.at(-1)!.date], [8, 0, '2026-03-20']);
    assert.deepEqual(sprintBurndown(sprintStatus(four, index, '2026-03-01'), { completedOn: new Map() }).points, []);
    const five = index.sprints.find((s) => s.id === 'sprint-5')!;
    assert.deepEqual(sprintBurndown(sprintStatus(five, index, TODAY), { completedOn: new Map() }).points, []);
  });

  test('scope change and working days', () => {
    assert.deepEqual(scopeChange(['a', 'b', 'c'], ['c', 'd']), { added: ['a', 'b'], removed: ['d'] });
    assert.equal(workingDaysBetween('2026-03-09', '2026-03-20'), 10);
    assert.equal(workingDaysBetween('2026-03-14', '2026-03-15'), 0);
    assert.equal(workingDaysBetween('2026-03-15', '2026-03-19', [0, 1, 2, 3, 4]), 5);
    assert.equal(localIsoDate(new Date(2026, 2, 9, 23, 59)), '2026-03-09');
  });
});

describe('the index and sprint files', () => {
  test('a sprints folder is a sprint folder under any epics root, and a root named sprints holds them directly', async () => {
    const fs = new MemoryFileSystem({
      '.claude/epics/sprints/sprint-1.md': '---\nname: One\n---\n',
      '.claude/epics/sprints/notes/deep.md': '# not a sprint\n',
      '.claude/epics/sprints/epic.md': '# not an epic either\n',
      '.claude/epics/sprints/001.md': '---\nname: not a task\n---\n',
      '.claude/sprints/sprint-2.md': '---\nname: Two\n---\n',
      'planning/sprints/sprint-3.md': '---\nname: Three\n---\n',
      'prds/sprints/sprint-x.md': '# PRD root: a PRD, as before\n',
    });
    const index = new PlanIndex(fs, ['prds', '.claude/epics', '.claude/sprints', 'planning']);
    const change = await index.build();
    assert.deepEqual(index.allEpics, []);
    assert.deepEqual(index.sprintFiles.map((f) => f.path), [
      '.claude/epics/sprints/001.md',
      '.claude/epics/sprints/epic.md',
      '.claude/epics/sprints/sprint-1.md',
      '.claude/sprints/sprint-2.md',
      'planning/sprints/sprint-3.md',
    ]);
    assert.ok(change.added.includes('.claude/sprints/sprint-2.md'));
    assert.equal(index.roleOf('.claude/epics/sprints/notes/deep.md'), undefined);
  });

  test('changed, added and removed sprint files are reported by path and the sprints follow', async () => {
    const fs = new MemoryFileSystem({
      'epics/epic-001-a.md': '# Epic 001: A\n\n## Tasks\n- [ ] **Task 1:** One\n- [ ] **Task 2:** Two\n',
      'epics/sprints/sprint-1.md': sprintFile('- epic-001-a:T1\n'),
    });
    const index = new PlanIndex(fs);
    await index.build();
    const before = index.sprints;
    assert.deepEqual(before[0].taskKeys, ['epic-001-a:T1']);
    assert.equal(index.sprints, before, 'the plan is kept while nothing changes');

    fs.files.set('epics/sprints/sprint-1.md', sprintFile('- epic-001-a:T1\n- epic-001-a:T2\n'));
    let change = await index.update(['epics/sprints/sprint-1.md']);
    assert.deepEqual([change.changed, change.epics], [['epics/sprints/sprint-1.md'], []]);
    assert.deepEqual(index.sprints[0].taskKeys, ['epic-001-a:T1', 'epic-001-a:T2']);

    fs.files.set('epics/sprints/sprint-2.md', '---\nname: Two\n---\n');
    change = await index.update(['epics/sprints']);
    assert.deepEqual(change.added, ['epics/sprints/sprint-2.md']);
    assert.deepEqual(index.sprints.map((s) => s.id), ['sprint-1', 'sprint-2']);

    fs.files.delete('epics/sprints/sprint-1.md');
    change = await index.update(['epics/sprints/sprint-1.md']);
    assert.deepEqual(change.removed, ['epics/sprints/sprint-1.md']);
    assert.deepEqual(index.sprints.map((s) => s.id), ['sprint-2']);

    // An epic's change reaches the sprints too: the task named by the field joins.
    fs.files.set('epics/epic-001-a.md', '# Epic 001: A\n\n## Tasks\n- [ ] **Task 1:** One\n  - **Sprint:** Two\n');
    await index.update(['epics/epic-001-a.md']);
    assert.deepEqual(index.sprints.map((s) => [s.id, s.taskKeys]), [['sprint-2', ['epic-001-a:T1']]]);
  });
});

describe('sprint files in the parse cache', () => {
  test('a warm run reads nothing and gives exactly the sprints of a cold one', async () => {
    const root = mkdtempSync(join(tmpdir(), 'autopm-sprint-cache-'));
    try {
      const workspace = join(root, 'workspace');
      cpSync(WORKSPACE, workspace, { recursive: true });
      const past = new Date(Date.now() - 3600_000);
      const age = (dir: string) => {
        for (const entry of readdirSync(dir, { withFileTypes: true })) {
          if (entry.isDirectory()) age(join(dir, entry.name));
          else utimesSync(join(dir, entry.name), past, past);
        }
      };
      age(workspace);
      const runOnce = async () => {
        const reads: string[] = [];
        const fs = new (class extends NodePlanFileSystem {
          override async readFile(path: string) {
            reads.push(path);
            return super.readFile(path);
          }
        })(workspace);
        const cache = new DiskParseCache({ workspace, roots: ['prds', 'epics', '.claude/prds', '.claude/epics'], build: 'b', directory: join(root, 'cache') });
        const index = new PlanIndex(fs, undefined, { parseCache: cache });
        await index.build();
        cache.save();
        return { index, reads };
      };
      const cold = await runOnce();
      assert.ok(cold.reads.includes('.claude/epics/sprints/sprint-4.md'));
      const warm = await runOnce();
      assert.deepEqual(warm.reads, []);
      assert.deepStrictEqual(warm.index.sprintFiles, cold.index.sprintFiles);
      assert.deepStrictEqual(warm.index.sprintPlan, cold.index.sprintPlan);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

function epicStub(id: string) {
  return {
    kind: 'epic' as const,
    id,
    title: id,
    layout: 'single-file' as const,
    path: `epics/${id}.md`,
    state: 'in-progress' as const,
    metadata: {},
    groups: [],
    tasks: [],
    milestones: [],
    dependencies: [],
    checklist: [],
    range: { line: 0, column: 0, endLine: 0, endColumn: 0 },
  };
}

function taskStub(epicId: string, id: string, issue?: number) {
  return {
    id,
    epicId,
    title: id,
    state: 'open' as const,
    issue,
    dependsOn: [],
    conflictsWith: [],
    path: `epics/${epicId}.md`,
    range: { line: 0, column: 0, endLine: 0, endColumn: 0 },
    order: 0,
  } as { id: string; epicId: string; title: string; state: 'open'; issue?: number; dependsOn: string[]; conflictsWith: string[]; path: string; range: { line: number; column: number; endLine: number; endColumn: number }; order: number; sprint?: string };
}
