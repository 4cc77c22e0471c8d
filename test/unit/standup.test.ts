import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TaskEvent, TaskEventKind } from '../../src/core/history';
import { taskKey } from '../../src/core/history';
import { parseSingleFileEpic } from '../../src/core/parse/singleFileEpicParser';
import { PlanIndex } from '../../src/core/planIndex';
import { buildProjectReport } from '../../src/core/report';
import { projectReportMarkdown } from '../../src/core/reportMarkdown';
import { buildStandup, lastWorkingDay, standupMarkdown, weekdayDate } from '../../src/core/standup';
import { standupCommand } from '../../src/cliStandup';
import { main } from '../../src/cli';
import { GIT, Repo, tempDir, writeIn } from './gitRepo';
import { indexOf, MemoryFileSystem } from './helpers';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) } };
}

const EPIC = '---\nname: search\nstatus: in-progress\ncreated: 2026-03-01T09:00:00Z\n---\n\n# Epic: search\n';

function taskFile(name: string, status: string, extra = ''): string {
  return `---\nname: ${name}\nstatus: ${status}\ncreated: 2026-03-01T09:00:00Z\n${extra}---\n\n# Task: ${name}\n`;
}

function singleFile(id: string, title: string, lines: readonly string[], status = 'In Progress') {
  return parseSingleFileEpic(`epics/${id}.md`, `# ${title}\n\n**Status:** ${status}\n\n## Tasks\n\n${lines.join('\n')}\n`).epic;
}

function event(epicId: string, taskId: string, kind: TaskEventKind, date: string): TaskEvent {
  return { key: taskKey(epicId, taskId), epicId, taskId, kind, date, source: 'history' };
}

describe('the last working day', () => {
  test('Friday for a Monday, a Saturday and a Sunday; the day before otherwise, across a year', () => {
    assert.equal(lastWorkingDay('2026-03-09'), '2026-03-06');
    assert.equal(lastWorkingDay('2026-03-07'), '2026-03-06');
    assert.equal(lastWorkingDay('2026-03-08'), '2026-03-06');
    assert.equal(lastWorkingDay('2026-03-10'), '2026-03-09');
    assert.equal(lastWorkingDay('2026-01-01'), '2025-12-31');
    assert.equal(weekdayDate('2026-03-06'), 'Friday, 2026-03-06');
  });
});

describe('buildStandup from task events', () => {
  const ID = 'epic-009-test';
  const epic = singleFile(ID, 'Epic 009: Test', [
    '- [x] **Task 1:** Done on Friday (#12)',
    '- [x] **Task 2:** Done on Thursday',
    '- [-] **Task 3:** Done then reopened',
    '- [x] **Task 4:** Done, reopened, done again',
    '- [ ] **Task 5:** Waits for a task that does not exist',
    '  - **Depends on:** Task 42',
    '- [x] **Task 6:** Done on Saturday',
    '- [ ] **Task 7:** Free',
    '- [x] **Task 8:** Done, no date known',
  ]);
  const events = [
    event(ID, 'T1', 'done', '2026-03-06T10:00:00+02:00'),
    event(ID, 'T2', 'done', '2026-03-05T17:00:00Z'),
    event(ID, 'T3', 'done', '2026-03-06T09:00:00Z'),
    event(ID, 'T3', 'reopened', '2026-03-09T08:00:00Z'),
    event(ID, 'T4', 'done', '2026-03-04T09:00:00Z'),
    event(ID, 'T4', 'reopened', '2026-03-05T09:00:00Z'),
    event(ID, 'T4', 'done', '2026-03-09T07:00:00Z'),
    event(ID, 'T6', 'done', '2026-03-07T12:00:00Z'),
  ];
  const empty = singleFile('epic-010-empty', 'Epic 010: Empty', []);
  const closed = singleFile('epic-000-old', 'Epic 000: Old', ['- [x] **Task 1:** Shipped', '- [-] **Task 2:** Left half done', '- [ ] **Task 3:** Never started', '- [ ] **Task 4:** Never unblocked', '  - **Depends on:** Task 3'], 'Cancelled');
  const oldEvents = [event('epic-000-old', 'T1', 'done', '2026-03-06T16:00:00Z')];

  test('on a Monday: done since Friday (a reopened task is not), in progress, a dangling dependency, next', () => {
    const model = buildStandup({ epics: [epic, empty, closed], events: [...events, ...oldEvents], today: '2026-03-09' });
    assert.equal(model.since, '2026-03-06');
    assert.equal(model.source, 'history');
    assert.deepEqual(
      model.done.map((t) => [t.epicId, t.taskId, t.when]),
      [
        ['epic-000-old', 'T1', '2026-03-06T16:00:00Z'],
        [ID, 'T1', '2026-03-06T10:00:00+02:00'],
        [ID, 'T4', '2026-03-09T07:00:00Z'],
        [ID, 'T6', '2026-03-07T12:00:00Z'],
      ],
    );
    assert.equal(model.done[1].issue, 12);
    assert.equal(model.done[1].label, 'T1 Done on Friday');
    // The closed epic's in-progress and blocked tasks are left out; the reopened one counts from its reopening.
    assert.deepEqual(model.inProgress.map((t) => [t.epicId, t.taskId, t.since]), [[ID, 'T3', '2026-03-09T08:00:00Z']]);
    assert.deepEqual(model.blocked.map((t) => [t.epicId, t.taskId, t.blockers]), [[ID, 'T5', ['T42 (missing)']]]);
    assert.deepEqual(model.next && [model.next.epicId, model.next.taskId], [ID, 'T7']);
    assert.match(model.next!.reason, /^Ready: it has no dependencies/);
    assert.deepEqual(model.undated, [`${ID}:T8`]);
  });

  test('on a Tuesday only Monday and today count', () => {
    const model = buildStandup({ epics: [epic], events, today: '2026-03-10' });
    assert.equal(model.since, '2026-03-09');
    assert.deepEqual(model.done.map((t) => t.taskId), ['T4']);
  });

  test('a task done today counts; one done after the given day does not', () => {
    const later = [...events, event(ID, 'T8', 'done', '2026-03-11T09:00:00Z')];
    assert.deepEqual(buildStandup({ epics: [epic], events: later, today: '2026-03-10' }).done.map((t) => t.taskId), ['T4']);
    assert.deepEqual(buildStandup({ epics: [epic], events: later, today: '2026-03-11' }).done.map((t) => t.taskId), ['T8']);
  });

  test('the markdown to paste', () => {
    const model = buildStandup({ epics: [epic, empty, closed], events: [...events, ...oldEvents], today: '2026-03-09' });
    assert.equal(
      standupMarkdown(model),
      [
        '# Standup — 2026-03-09',
        '',
        '## Done since Friday, 2026-03-06',
        '',
        '- epic-000-old: T1 Shipped, done 2026-03-06',
        `- ${ID}: T1 Done on Friday (#12), done 2026-03-06`,
        `- ${ID}: T4 Done, reopened, done again, done 2026-03-09`,
        `- ${ID}: T6 Done on Saturday, done 2026-03-07`,
        '',
        '## In progress',
        '',
        `- ${ID}: T3 Done then reopened, since 2026-03-09`,
        '',
        '## Blocked',
        '',
        `- ${ID}: T5 Waits for a task that does not exist, blocked by T42 (missing)`,
        '',
        '## Next',
        '',
        `- ${ID}: T7 Free`,
        '',
        `  ${model.next!.reason}`,
        '',
      ].join('\n'),
    );
  });

  test('an epic with no tasks, and a plan with no epics: every section says Nothing.', () => {
    for (const epics of [[empty], []]) {
      const model = buildStandup({ epics, events: [], today: '2026-03-08' });
      assert.deepEqual([model.done, model.inProgress, model.blocked, model.next, model.undated], [[], [], [], undefined, []]);
      assert.equal(
        standupMarkdown(model),
        '# Standup — 2026-03-08\n\n## Done since Friday, 2026-03-06\n\nNothing.\n\n## In progress\n\nNothing.\n\n## Blocked\n\nNothing.\n\n## Next\n\nNothing.\n',
      );
    }
  });

  test('only a closed epic has a ready task: no next', () => {
    const model = buildStandup({ epics: [closed], events: oldEvents, today: '2026-03-09' });
    assert.equal(model.next, undefined);
    assert.deepEqual([model.inProgress, model.blocked], [[], []]);
  });
});

describe('the standup in the project report', () => {
  const ID = 'epic-011-report';
  const epic = singleFile(ID, 'Epic 011: Report', ['- [x] **Task 1:** Shipped on Friday (#7)', '- [-] **Task 2:** Under way', '- [ ] **Task 3:** After Task 2', '  - **Depends on:** Task 2']);
  const done = event(ID, 'T1', 'done', '2026-03-06T10:00:00Z');
  const history = (source: 'history' | 'file-dates') => ({ source, events: [done], tasks: [], undated: [] });

  test('built from the events of file versions, and in the markdown report under its own heading', () => {
    const report = buildProjectReport({ prds: [], epics: [epic] }, { today: '2026-03-09', history: history('history') });
    assert.deepEqual(report.standup, buildStandup({ epics: [epic], events: [done], today: '2026-03-09' }));
    assert.deepEqual(report.standup!.done.map((t) => [t.taskId, t.line]), [['T1', epic.tasks[0]!.range.line]]);
    const markdown = projectReportMarkdown(report);
    const at = markdown.indexOf('## Standup\n');
    assert.ok(at > 0, markdown);
    assert.equal(
      markdown.slice(at, markdown.indexOf('\n## ', at + 1)),
      [
        '## Standup',
        '',
        '### Done since Friday, 2026-03-06',
        '',
        `- ${ID}: T1 Shipped on Friday (#7), done 2026-03-06`,
        '',
        '### In progress',
        '',
        `- ${ID}: T2 Under way`,
        '',
        '### Blocked',
        '',
        `- ${ID}: T3 After Task 2, blocked by T2`,
        '',
        '### Next',
        '',
        'Nothing.',
        '',
      ].join('\n'),
    );
  });

  test('file dates alone date no task, and without a day there is no standup', () => {
    const report = buildProjectReport({ prds: [], epics: [epic] }, { today: '2026-03-09', history: history('file-dates') });
    assert.deepEqual([report.standup!.done, report.standup!.undated], [[], [`${ID}:T1`]]);
    assert.equal(buildProjectReport({ prds: [], epics: [epic] }).standup, null);
    assert.doesNotMatch(projectReportMarkdown(buildProjectReport({ prds: [], epics: [epic] })), /Standup/);
  });
});

describe('buildStandup without history: frontmatter dates', () => {
  test('completed:, updated: and started: of task files; a single-file epic stays undated', async () => {
    const files = new MemoryFileSystem({
      '.claude/epics/search/epic.md': EPIC,
      '.claude/epics/search/001.md': taskFile('Index', 'closed', 'completed: 2026-03-06T15:00:00Z\nupdated: 2026-03-02T09:00:00Z\n'),
      '.claude/epics/search/002.md': taskFile('Query', 'closed', 'updated: 2026-03-02\n'),
      '.claude/epics/search/003.md': taskFile('Rank', 'in-progress', 'started: 2026-03-04\n'),
      '.claude/epics/search/004.md': taskFile('Facets', 'closed', 'completed: March 9, 2026\n'),
      '.claude/epics/search/005.md': taskFile('Spell', 'open', 'depends_on: [003]\n'),
      // The epic's own date is not its tasks' completion date.
      'epics/epic-001-x.md': '---\nupdated: 2026-03-09T08:00:00Z\n---\n\n# Epic 001: X\n\n## Tasks\n\n- [x] **Task 1:** One\n',
    });
    const index = new PlanIndex(files);
    await index.build();
    const model = buildStandup({ epics: index.allEpics, analysis: (e) => index.analysis(e), readText: (p) => files.files.get(p), today: '2026-03-09' });
    assert.equal(model.source, 'file-dates');
    assert.deepEqual(model.done.map((t) => [t.epicId, t.taskId, t.when]), [['search', '001', '2026-03-06T15:00:00Z'], ['search', '004', '2026-03-09']]);
    assert.deepEqual(model.inProgress.map((t) => [t.taskId, t.since]), [['003', '2026-03-04']]);
    assert.deepEqual(model.blocked.map((t) => [t.taskId, t.blockers]), [['005', ['003']]]);
    assert.deepEqual(model.undated, ['epic-001-x:T1']);
  });
});

describe('autopm standup', () => {
  test('no git repository: the dates in the task files, as JSON and as markdown', async () => {
    const dir = tempDir();
    writeIn(dir, '.claude/epics/search/epic.md', EPIC);
    writeIn(dir, '.claude/epics/search/001.md', taskFile('Index', 'closed', 'completed: 2026-03-06T15:00:00Z\n'));
    writeIn(dir, '.claude/epics/search/002.md', taskFile('Query', 'closed', 'completed: 2026-03-03T15:00:00Z\n'));
    writeIn(dir, 'epics/epic-001-x.md', '# Epic 001: X\n\n## Tasks\n\n- [x] **Task 1:** One\n- [ ] **Task 2:** Two\n');
    const index = await indexOf(dir);
    const json = capture();
    assert.equal(await standupCommand(index, dir, { json: true, today: '2026-03-09', gitPath: GIT }, json.io), 0);
    const model = JSON.parse(json.out.join('\n'));
    assert.equal(model.source, 'file-dates');
    assert.deepEqual(model.done.map((t: { taskId: string; when: string }) => [t.taskId, t.when]), [['001', '2026-03-06T15:00:00Z']]);
    assert.deepEqual(model.undated, ['epic-001-x:T1']);
    assert.equal(model.next.taskId, 'T2');
    const md = capture();
    assert.equal(await standupCommand(index, dir, { today: '2026-03-09', gitPath: GIT }, md.io), 0);
    assert.match(md.out.join('\n'), /^# Standup — 2026-03-09\n\n## Done since Friday, 2026-03-06\n\n- search: 001 Index, done 2026-03-06\n/);
    assert.deepEqual(md.err, []);
  });

  test('git history: a completion before a sync renamed the file, a task completed then reopened', async () => {
    const synced = taskFile('Index', 'closed', 'github: https://github.com/acme/search/issues/1234\n').replace('# Task: Index', '# Task 001: Index');
    const repo = new Repo()
      .write('.claude/epics/search/epic.md', EPIC)
      .write('.claude/epics/search/001.md', taskFile('Index', 'open'))
      .write('.claude/epics/search/002.md', taskFile('Query', 'open'))
      .commit('2026-03-05T09:00:00Z')
      .write('.claude/epics/search/001.md', taskFile('Index', 'closed'))
      .write('.claude/epics/search/002.md', taskFile('Query', 'closed'))
      .commit('2026-03-06T09:00:00Z')
      .remove('.claude/epics/search/001.md')
      .write('.claude/epics/search/1234.md', synced)
      .write('.claude/epics/search/002.md', taskFile('Query', 'in-progress'))
      .commit('2026-03-09T08:00:00Z');
    const index = await indexOf(repo.dir);
    const monday = capture();
    assert.equal(await standupCommand(index, repo.dir, { json: true, today: '2026-03-09', gitPath: GIT }, monday.io), 0);
    const model = JSON.parse(monday.out.join('\n'));
    assert.equal(model.source, 'history');
    assert.deepEqual(model.done.map((t: { taskId: string; label: string; when: string }) => [t.taskId, t.label, t.when]), [['1234', '#1234 Index', '2026-03-06T09:00:00+00:00']]);
    assert.deepEqual(model.inProgress.map((t: { taskId: string; since: string }) => [t.taskId, t.since]), [['002', '2026-03-09T08:00:00+00:00']]);

    // On Tuesday the rename on Monday is not a completion, and the reopened task is still not done.
    const tuesday = capture();
    assert.equal(await standupCommand(index, repo.dir, { today: '2026-03-10', gitPath: GIT }, tuesday.io), 0);
    const text = tuesday.out.join('\n');
    assert.match(text, /## Done since Monday, 2026-03-09\n\nNothing\.\n/);
    assert.match(text, /## In progress\n\n- search: 002 Query, since 2026-03-09\n/);
    assert.doesNotMatch(text, /\(#1234\)/);
  });

  test('through main: an empty plan folder, and a --today that is not a date', async () => {
    const dir = tempDir();
    const ok = capture();
    assert.equal(await main(['standup', dir, '--today', '2026-03-10'], ok.io), 0);
    assert.equal(ok.out.join('\n'), '# Standup — 2026-03-10\n\n## Done since Monday, 2026-03-09\n\nNothing.\n\n## In progress\n\nNothing.\n\n## Blocked\n\nNothing.\n\n## Next\n\nNothing.');
    const bad = capture();
    assert.equal(await main(['standup', dir, '--today', '2026-02-30'], bad.io), 2);
    assert.match(bad.err.join('\n'), /--today "2026-02-30" is not a date/);
    assert.deepEqual(bad.out, []);
  });
});
