import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readGitHistory } from '../../src/services/nodeGitHistory';
import { buildTaskHistory, completionDates, replayHistory } from '../../src/core/history';
import { reportCommand } from '../../src/cliReport';
import { DEFAULT_PLAN_ROOTS } from '../../src/core/planIndex';
import { GIT, Repo, tempDir } from './gitRepo';
import { indexOf } from './helpers';

const EPIC = '---\nname: search\nstatus: in-progress\ncreated: 2026-03-01T09:00:00Z\n---\n\n# Epic: search\n';

function task(name: string, status: string, extra = ''): string {
  return `---\nname: ${name}\nstatus: ${status}\ncreated: 2026-03-01T09:00:00Z\n${extra}---\n\n# Task: ${name}\n`;
}

describe('readGitHistory', () => {
  test('every version of every plan file, oldest first, dated by its commit', async () => {
    const repo = new Repo()
      .write('.claude/epics/search/epic.md', EPIC)
      .write('.claude/epics/search/001.md', task('Index', 'open'))
      .write('README.md', 'not a plan file')
      .commit('2026-03-01T09:00:00Z')
      .write('.claude/epics/search/001.md', task('Index', 'closed'))
      .write('.claude/epics/search/001-analysis.md', 'notes')
      .commit('2026-03-03T10:00:00+02:00');
    const history = (await readGitHistory(repo.dir, DEFAULT_PLAN_ROOTS, { git: GIT, include: (p) => p.endsWith('.md') && !p.includes('analysis') }))!;
    assert.deepEqual(
      history.files.map((f) => [f.path, f.versions.map((v) => [v.date, v.text === null ? null : /\nstatus: ([\w-]+)/.exec(v.text)?.[1]])]),
      [
        // Committer dates as git writes them, in the committer's own offset.
        ['.claude/epics/search/001.md', [['2026-03-01T09:00:00+00:00', 'open'], ['2026-03-03T10:00:00+02:00', 'closed']]],
        ['.claude/epics/search/epic.md', [['2026-03-01T09:00:00+00:00', 'in-progress']]],
      ],
    );
    assert.equal(history.commits!.length, 2);
  });

  test('a sync that renames 001.md to 1234.md, a file deleted and recreated, broken frontmatter: the completion dates', async () => {
    const synced = task('Index', 'closed', 'github: https://github.com/acme/search/issues/1234\n').replace('# Task: Index', '# Task 001: Index');
    const repo = new Repo()
      .write('.claude/epics/search/epic.md', EPIC)
      .write('.claude/epics/search/001.md', task('Index', 'open'))
      .write('.claude/epics/search/002.md', task('Query', 'open'))
      .write('epics/epic-001-x.md', '# Epic 001: X\n\n## Tasks\n\n- [ ] **Task 1:** One\n')
      .commit('2026-03-01T09:00:00Z')
      .write('.claude/epics/search/001.md', task('Index', 'closed'))
      .write('.claude/epics/search/002.md', '---\nname: Query\nstatus: [closed\n')
      .write('epics/epic-001-x.md', '# Epic 001: X\n\n## Tasks\n\n- [x] **Task 1:** One\n')
      .commit('2026-03-02T09:00:00Z')
      .remove('.claude/epics/search/001.md')
      .write('.claude/epics/search/1234.md', synced)
      .remove('epics/epic-001-x.md')
      .commit('2026-03-04T09:00:00Z')
      .write('epics/epic-001-x.md', '# Epic 001: X\n\n## Tasks\n\n- [x] **Task 1:** One\n')
      .write('.claude/epics/search/002.md', task('Query', 'closed'))
      .commit('2026-03-06T09:00:00Z');
    const history = (await readGitHistory(repo.dir, DEFAULT_PLAN_ROOTS, { git: GIT }))!;
    assert.deepEqual(history.files.map((f) => [f.path, f.versions.map((v) => (v.text === null ? 'deleted' : 'text'))]), [
      ['.claude/epics/search/001.md', ['text', 'text', 'deleted']],
      ['.claude/epics/search/002.md', ['text', 'text', 'text']],
      ['.claude/epics/search/1234.md', ['text']],
      ['.claude/epics/search/epic.md', ['text']],
      ['epics/epic-001-x.md', ['text', 'text', 'deleted', 'text']],
    ]);
    const index = await indexOf(repo.dir);
    const events = await replayHistory(history, { current: index.allEpics });
    assert.deepEqual(Object.fromEntries(completionDates(events)), {
      'search:1234': '2026-03-02T09:00:00+00:00',
      'search:002': '2026-03-06T09:00:00+00:00',
      'epic-001-x:T1': '2026-03-02T09:00:00+00:00',
    });
    assert.ok(!events.some((e) => e.key.startsWith('search:001')), 'the old file name never becomes a task of its own');
  });

  test('a working tree ahead of the last commit: file dates fill in', async () => {
    const repo = new Repo().write('.claude/epics/search/epic.md', EPIC).write('.claude/epics/search/001.md', task('A', 'open')).commit('2026-03-01T09:00:00Z');
    repo.write('.claude/epics/search/001.md', task('A', 'closed', 'completed: 2026-03-05T12:00:00Z\n'));
    const index = await indexOf(repo.dir);
    const history = await buildTaskHistory({
      epics: index.allEpics,
      history: await readGitHistory(repo.dir, DEFAULT_PLAN_ROOTS, { git: GIT }),
      fileDates: { readText: () => task('A', 'closed', 'completed: 2026-03-05T12:00:00Z\n') },
    });
    assert.equal(completionDates(history).get('search:001'), '2026-03-05T12:00:00Z');
  });

  test('a folder inside the repository: paths relative to it', async () => {
    const repo = new Repo().write('plans/epics/epic-001-x.md', '# Epic 001: X\n\n## Tasks\n\n- [x] **Task 1:** One\n').commit('2026-03-01T09:00:00Z');
    const history = (await readGitHistory(join(repo.dir, 'plans'), ['epics'], { git: GIT }))!;
    assert.deepEqual(history.files.map((f) => f.path), ['epics/epic-001-x.md']);
  });

  test('not a repository, no commits yet, or no git: undefined or empty, never a throw', async () => {
    const plain = tempDir();
    assert.equal(await readGitHistory(plain, DEFAULT_PLAN_ROOTS, { git: GIT }), undefined);
    const fresh = new Repo();
    assert.deepEqual(await readGitHistory(fresh.dir, DEFAULT_PLAN_ROOTS, { git: GIT }), { files: [], commits: [] });
    assert.equal(await readGitHistory(fresh.dir, DEFAULT_PLAN_ROOTS, { git: join(plain, 'no-such-git') }), undefined);
  });

  test('the report reads the history: a burndown from the commits', async () => {
    const repo = new Repo()
      .write('epics/epic-001-x.md', '# Epic 001: X\n\n**Start Date:** 2026-03-02\n**Target:** 2026-03-06\n\n## Tasks\n\n- [ ] **Task 1:** One\n- [ ] **Task 2:** Two\n')
      .commit('2026-03-02T09:00:00Z')
      .write('epics/epic-001-x.md', '# Epic 001: X\n\n**Start Date:** 2026-03-02\n**Target:** 2026-03-06\n\n## Tasks\n\n- [x] **Task 1:** One\n- [ ] **Task 2:** Two\n')
      .commit('2026-03-04T09:00:00Z');
    const index = await indexOf(repo.dir);
    const out: string[] = [];
    const code = await reportCommand(index, repo.dir, { epic: 'epic-001-x', format: 'json', today: '2026-03-05', gitPath: GIT }, { out: (t) => out.push(t), err: (t) => assert.fail(t) });
    assert.equal(code, 0);
    const report = JSON.parse(out.join('\n'));
    assert.deepEqual(
      report.burndown.points.map((p: { date: string; done: number; remaining: number; ideal: number }) => [p.date, p.done, p.remaining, p.ideal]),
      [['2026-03-02', 0, 2, 2], ['2026-03-03', 0, 2, 1.5], ['2026-03-04', 1, 1, 1], ['2026-03-05', 1, 1, 0.5]],
    );
  });
});
