import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FileHistory, PlanHistory, TaskEvent } from '../../src/core/history';
import { buildTaskHistory, completionDates, replayHistory, taskKey } from '../../src/core/history';
import { PlanIndex } from '../../src/core/planIndex';
import { burndownSeries } from '../../src/core/burndown';
import { examplesDir, indexOf, MemoryFileSystem, read } from './helpers';

const DIR = '.claude/epics/search';

function taskFile(name: string, status: string, extra = ''): string {
  return `---\nname: ${name}\nstatus: ${status}\ncreated: 2026-03-01T09:00:00Z\n${extra}---\n\n# Task: ${name}\n`;
}

const EPIC = '---\nname: search\nstatus: in-progress\ncreated: 2026-03-01T09:00:00Z\n---\n\n# Epic: search\n';

function file(path: string, ...versions: Array<[date: string, text: string | null, commit?: string]>): FileHistory {
  return { path, versions: versions.map(([date, text, commit]) => ({ date, text, ...(commit ? { commit } : {}) })) };
}

function brief(events: readonly TaskEvent[]): string[] {
  return events.map((e) => `${e.date.slice(0, 10)} ${e.key} ${e.kind}`);
}

async function currentEpics(files: Record<string, string>) {
  const index = new PlanIndex(new MemoryFileSystem(files));
  await index.build();
  return index.allEpics;
}

describe('replayHistory', () => {
  test('when each task appeared, started, finished and was reopened', async () => {
    const history: PlanHistory = {
      files: [
        file(`${DIR}/epic.md`, ['2026-03-01T09:00:00Z', EPIC]),
        file(
          `${DIR}/001.md`,
          ['2026-03-01T09:00:00Z', taskFile('Index', 'open')],
          ['2026-03-02T09:00:00Z', taskFile('Index', 'in-progress')],
          ['2026-03-03T09:00:00Z', taskFile('Index', 'closed')],
          ['2026-03-05T09:00:00Z', taskFile('Index', 'open')],
          ['2026-03-06T09:00:00Z', taskFile('Index', 'completed')],
        ),
        file(`${DIR}/002.md`, ['2026-03-02T09:00:00Z', taskFile('Query', 'done')]),
      ],
    };
    const events = await replayHistory(history);
    assert.deepEqual(brief(events), [
      '2026-03-01 search:001 added',
      '2026-03-02 search:001 started',
      '2026-03-02 search:002 added',
      '2026-03-02 search:002 done',
      '2026-03-03 search:001 done',
      '2026-03-05 search:001 reopened',
      '2026-03-06 search:001 done',
    ]);
    assert.deepEqual(Object.fromEntries(completionDates(events)), { 'search:001': '2026-03-06T09:00:00Z', 'search:002': '2026-03-02T09:00:00Z' });
  });

  test('a task file renamed by a sync (001.md → 1234.md) keeps its key, the current id', async () => {
    const synced = taskFile('Index', 'closed', 'github: https://github.com/acme/search/issues/1234\n').replace('# Task: Index', '# Task 001: Index');
    const history: PlanHistory = {
      files: [
        file(`${DIR}/epic.md`, ['2026-03-01T09:00:00Z', EPIC, 'c1']),
        file(`${DIR}/001.md`, ['2026-03-01T09:00:00Z', taskFile('Index', 'open'), 'c1'], ['2026-03-02T09:00:00Z', taskFile('Index', 'closed'), 'c2'], ['2026-03-04T09:00:00Z', null, 'c3']),
        file(`${DIR}/1234.md`, ['2026-03-04T09:00:00Z', synced, 'c3']),
      ],
      commits: ['c1', 'c2', 'c3'],
    };
    const current = await currentEpics({ [`${DIR}/epic.md`]: EPIC, [`${DIR}/1234.md`]: synced });
    assert.deepEqual(current[0].renumbered, { '1': '1234' });
    const events = await replayHistory(history, { current });
    assert.deepEqual(brief(events), ['2026-03-01 search:1234 added', '2026-03-02 search:1234 done']);
    assert.equal(completionDates(events).get(taskKey('search', '1234')), '2026-03-02T09:00:00Z');
  });

  test('a file deleted and recreated: removed, then added again; its first completion stays', async () => {
    const history: PlanHistory = {
      files: [
        file(
          'epics/epic-001-x.md',
          ['2026-03-01T09:00:00Z', '# Epic 001: X\n\n## Tasks\n\n- [x] **Task 1:** One\n- [ ] **Task 2:** Two\n'],
          ['2026-03-02T09:00:00Z', null],
          ['2026-03-04T09:00:00Z', '# Epic 001: X\n\n## Tasks\n\n- [x] **Task 1:** One\n- [x] **Task 2:** Two\n'],
        ),
      ],
    };
    const events = await replayHistory(history);
    assert.deepEqual(brief(events), [
      '2026-03-01 epic-001-x:T1 added',
      '2026-03-01 epic-001-x:T1 done',
      '2026-03-01 epic-001-x:T2 added',
      '2026-03-02 epic-001-x:T1 removed',
      '2026-03-02 epic-001-x:T2 removed',
      '2026-03-04 epic-001-x:T1 added',
      '2026-03-04 epic-001-x:T1 done',
      '2026-03-04 epic-001-x:T2 added',
      '2026-03-04 epic-001-x:T2 done',
    ]);
    assert.deepEqual(Object.fromEntries(completionDates(events)), { 'epic-001-x:T1': '2026-03-01T09:00:00Z', 'epic-001-x:T2': '2026-03-04T09:00:00Z' });
    const series = burndownSeries(events, { from: '2026-03-01', to: '2026-03-04' });
    assert.deepEqual(series.points.map((p) => [p.total, p.done]), [[2, 1], [0, 0], [0, 0], [2, 2]]);
  });

  test('versions with broken frontmatter are read as the index reads them, never thrown on', async () => {
    const broken = ['---\nname: Index\nstatus: [closed\n', '---\nname: "Index\nstatus: closed\n---\n', '', '---\n---\n', '\u0000\u0001garbage'];
    const history: PlanHistory = {
      files: [
        file(`${DIR}/epic.md`, ['2026-03-01T09:00:00Z', '---\nname: [\n---\n# Epic']),
        file(`${DIR}/001.md`, ...broken.map((text, i): [string, string] => [`2026-03-0${i + 1}T09:00:00Z`, text]), ['2026-03-09T09:00:00Z', taskFile('Index', 'closed')]),
        file(`${DIR}/002.md`, ['not a date', taskFile('Lost', 'closed')]),
      ],
    };
    const events = await replayHistory(history);
    assert.equal(events.at(-1)!.kind, 'done');
    assert.equal(events.at(-1)!.date, '2026-03-09T09:00:00Z');
    // The version with no readable date is not placed at all.
    assert.ok(!events.some((e) => e.key === 'search:002'));
  });

  test('versions of one commit apply together, in the order of `commits`', async () => {
    const history: PlanHistory = {
      files: [
        file(`${DIR}/001.md`, ['2026-03-01T09:00:00Z', taskFile('A', 'open'), 'b'], ['2026-03-01T09:00:00Z', taskFile('A', 'closed'), 'a']),
      ],
      commits: ['b', 'a'],
    };
    assert.deepEqual(brief(await replayHistory(history)), ['2026-03-01 search:001 added', '2026-03-01 search:001 done']);
  });
});

describe('buildTaskHistory', () => {
  test('without history: created and completed dates from the frontmatter, else the modification time', async () => {
    const index = await indexOf(examplesDir);
    const modified = (path: string) => (path.startsWith('epics/') ? '2026-03-11T08:00:00.000Z' : undefined);
    const history = await buildTaskHistory({ epics: index.allEpics, fileDates: { readText: (p) => read(examplesDir, p), modified } });
    assert.equal(history.source, 'file-dates');
    assert.deepEqual(history.undated, []);
    const done = completionDates(history);
    assert.deepEqual(Object.fromEntries(done), {
      // `updated:` of a closed task file.
      'team-calendar:41': '2026-02-14T12:00:00Z',
      'team-calendar:42': '2026-02-18T09:15:00Z',
      // A single-file epic writes no date per task: its file's modification time.
      'epic-001-link-shortener:T1': '2026-03-11T08:00:00.000Z',
      'epic-001-link-shortener:T2': '2026-03-11T08:00:00.000Z',
    });
    assert.equal(history.events.find((e) => e.key === 'team-calendar:41' && e.kind === 'added')!.date, '2026-02-12T10:00:00Z');
    assert.equal(history.tasks.length, 16);
  });

  test('a done task with no date at all is listed as undated', async () => {
    const index = await indexOf(examplesDir);
    const history = await buildTaskHistory({ epics: index.allEpics });
    assert.deepEqual(history.undated, ['team-calendar:41', 'team-calendar:42', 'epic-001-link-shortener:T1', 'epic-001-link-shortener:T2']);
    assert.deepEqual(history.events, []);
  });

  test('`completed:` wins over `updated:`', async () => {
    const files = { [`${DIR}/epic.md`]: EPIC, [`${DIR}/001.md`]: taskFile('A', 'closed', 'completed: 2026-03-04\nupdated: 2026-03-09T10:00:00Z\n') };
    const epics = await currentEpics(files);
    const history = await buildTaskHistory({ epics, fileDates: { readText: (p) => files[p as keyof typeof files] } });
    assert.equal(completionDates(history).get('search:001'), '2026-03-04');
  });

  test('with history: what the working tree changed since the last version comes from file dates', async () => {
    const files = { [`${DIR}/epic.md`]: EPIC, [`${DIR}/001.md`]: taskFile('A', 'closed', 'updated: 2026-03-07T10:00:00Z\n'), [`${DIR}/002.md`]: taskFile('B', 'open') };
    const epics = await currentEpics(files);
    const history = await buildTaskHistory({
      epics,
      history: { files: [file(`${DIR}/epic.md`, ['2026-03-01T09:00:00Z', EPIC]), file(`${DIR}/001.md`, ['2026-03-01T09:00:00Z', taskFile('A', 'open')])] },
      fileDates: { readText: (p) => files[p as keyof typeof files], modified: () => '2026-03-08T00:00:00.000Z' },
    });
    assert.equal(history.source, 'history');
    assert.deepEqual(brief(history.events), ['2026-03-01 search:001 added', '2026-03-07 search:001 done', '2026-03-08 search:002 added']);
    assert.deepEqual(history.events.map((e) => e.source), ['history', 'frontmatter', 'modified']);
  });
});
