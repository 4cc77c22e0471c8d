// The pull engine against the local GitHub server through the real GitHub tracker
// (Octokit with its retry and throttling plugins), on temp-dir copies of the examples in
// both layouts: each test syncs first to get issues, changes them on the server, pulls,
// and compares the plan files byte for byte.
import { describe, test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PlanIndex } from '../../src/core/planIndex';
import { GITHUB_LIMITS } from '../../src/core/sync/limits';
import { parseSyncState, SYNC_STATE_PATH } from '../../src/core/sync/syncState';
import { NodePlanFileSystem } from '../../src/services/nodePlanFileSystem';
import { NodePlanAccess, NodeSyncStateStore } from '../../src/services/sync/nodeSyncAccess';
import type { ConflictAnswer, PullConflictQuestion, PullOptions, PullResult } from '../../src/services/sync/pullEngine';
import { pullEpic, pullWorkspace } from '../../src/services/sync/pullEngine';
import type { PlanAccess, SyncOptions, SyncResult } from '../../src/services/sync/syncEngine';
import { previewSync, runSync } from '../../src/services/sync/syncEngine';
import type { Tracker } from '../../src/services/tracker';
import { startGitHubServer } from '../servers/github/server';
import type { GitHubServer, RecordedRequest } from '../servers/github/server';
import { examplesDir, fixturesDir } from './helpers';
import { filesOf, trackerOf } from './syncHelpers';

const NOW = '2026-05-04T12:00:00Z';
const SINGLE_PATH = 'epics/epic-001-link-shortener.md';
const DIR = '.claude/epics/search';

interface Layout {
  readonly name: 'single-file' | 'directory';
  readonly epicId: string;
  readonly make: (root: string) => void;
}

/** The link-shortener example without its issue numbers: T1 and T2 done, T3 in progress. */
const SINGLE_FILE: Layout = {
  name: 'single-file',
  epicId: 'epic-001-link-shortener',
  make: (root) => {
    const path = join(root, SINGLE_PATH);
    cpSync(join(examplesDir, SINGLE_PATH), path, { recursive: true });
    writeFileSync(path, readFileSync(path, 'utf8').replace(/ \(#\d+\)$/gm, ''));
  },
};

/** An unsynced directory epic: 001, 002, 003 and 010 (CRLF), all open. */
const DIRECTORY: Layout = {
  name: 'directory',
  epicId: 'search',
  make: (root) => cpSync(join(fixturesDir, 'unsynced', '.claude'), join(root, '.claude'), { recursive: true }),
};

interface Harness {
  readonly root: string;
  readonly server: GitHubServer;
  /** GitHub as someone else changes it. */
  readonly github: Tracker;
  /** Issue numbers by task id as the plan had them before the sync (`T3`, `001`), and `epic`. */
  readonly numbers: ReadonlyMap<string, number>;
  pull(extra?: Partial<PullOptions>): Promise<PullResult>;
  sync(extra?: Partial<SyncOptions>): Promise<SyncResult>;
  preview(): Promise<SyncResult>;
  read(path: string): string;
  write(path: string, text: string): void;
  /** The file holding a task: the epic file, or `<number>.md`. */
  taskPath(id: string): string;
  /** Requests the server received from `from` on. */
  since(from: number): RecordedRequest[];
}

/** A workspace of the layouts given, synced to a fresh server. */
async function synced(t: TestContext, layouts: readonly Layout[]): Promise<Harness> {
  const root = mkdtempSync(join(tmpdir(), 'autopm-pull-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  for (const layout of layouts) layout.make(root);
  const server = await startGitHubServer();
  t.after(() => server.close());
  // Issues already there, so that issue numbers are not the task numbers.
  for (let i = 1; i <= 5; i++) server.seedIssue({ title: `Older issue ${i}` });
  const index = async () => {
    const built = new PlanIndex(new NodePlanFileSystem(root));
    await built.build();
    return built;
  };
  const base = (built: PlanIndex, epicId: string) => ({ tracker: trackerOf(server), plan: new NodePlanAccess(root, built, epicId), state: new NodeSyncStateStore(root) });
  const limits = { ...GITHUB_LIMITS, writeIntervalMs: 0 };
  for (const layout of layouts) {
    const result = await runSync({ ...base(await index(), layout.epicId), limits });
    assert.equal(result.outcome, 'done', result.message);
  }
  const state = parseSyncState(readFileSync(join(root, SYNC_STATE_PATH), 'utf8'));
  const numbers = new Map<string, number>();
  for (const [n, record] of state.issues) numbers.set(record.kind === 'epic' ? 'epic' : record.key.slice(record.key.indexOf('/') + 1), n);
  const main = layouts[0];
  return {
    root,
    server,
    github: trackerOf(server),
    numbers,
    pull: async (extra = {}) => pullEpic({ ...base(await index(), main.epicId), repository: `${server.owner}/${server.repo}`, now: () => NOW, ...extra }),
    sync: async (extra = {}) => runSync({ ...base(await index(), main.epicId), limits, ...extra }),
    preview: async () => previewSync({ ...base(await index(), main.epicId), limits }),
    read: (path) => readFileSync(join(root, path), 'utf8'),
    write: (path, text) => writeFileSync(join(root, path), text),
    taskPath: (id) => (/^T\d+$/.test(id) ? SINGLE_PATH : `${DIR}/${numbers.get(id)}.md`),
    since: (from) => server.requests.slice(from),
  };
}

/** The pull's reads: every request a GET of one issue, each answered with `status` when given. */
function assertOnlyIssueReads(requests: readonly RecordedRequest[], count: number, status?: number): void {
  assert.equal(requests.length, count, requests.map((r) => `${r.method} ${r.path} ${r.status}`).join('\n'));
  for (const r of requests) {
    assert.equal(r.method, 'GET');
    assert.match(r.path, /^\/repos\/octo-org\/planning\/issues\/\d+$/);
    assert.ok(r.headers['if-none-match'], `${r.path} sent with an ETag`);
    if (status !== undefined) assert.equal(r.status, status, r.path);
  }
}

const changes = (result: PullResult) => result.changed.map((c) => `${c.label === 'the epic' ? 'epic' : c.label.split(' ')[0]} ${c.field}: ${c.from} → ${c.to} (${c.why})`).sort();

function stateFile(h: Harness) {
  return parseSyncState(h.read(SYNC_STATE_PATH));
}

/** Each task's file agrees with its issue exactly when its record says the issue's state: nothing half done. */
function assertConsistent(h: Harness, ids: readonly string[], done: (id: string) => boolean): void {
  const state = stateFile(h);
  for (const id of ids) {
    const number = h.numbers.get(id)!;
    const issue = h.server.issue(number)!;
    const record = state.issues.get(number)!;
    assert.equal(done(id) === (issue.state === 'closed'), record.state === issue.state, `${id}: the file and its record move together`);
  }
}

function singleFileDone(h: Harness, id: string): boolean {
  return new RegExp(`^- \\[x\\] \\*\\*Task ${id.slice(1)}:\\*\\*`, 'm').test(h.read(SINGLE_PATH));
}

function directoryDone(h: Harness, id: string): boolean {
  return /^status: closed\r?$/m.test(h.read(h.taskPath(id)));
}

describe('pull, single-file layout', { concurrency: true }, () => {
  test('closed as completed, closed as not planned and reopened land with minimal diffs; a second pull reads only 304s; the next push writes only the epic task list', async (t) => {
    const h = await synced(t, [SINGLE_FILE]);
    const n = (id: string) => h.numbers.get(id)!;
    const synced0 = h.read(SINGLE_PATH);
    await h.github.updateIssue(n('T1'), { state: 'open' });
    await h.github.updateIssue(n('T4'), { state: 'closed', stateReason: 'completed' });
    await h.github.updateIssue(n('T6'), { state: 'closed', stateReason: 'not_planned' });
    // In progress in the plan, still open on GitHub, newly assigned: it stays in progress.
    await h.github.updateIssue(n('T3'), { assignees: ['alice'] });

    const from = h.server.requests.length;
    const first = await h.pull();
    assert.equal(first.outcome, 'done', first.message);
    const epicUrl = `https://github.com/octo-org/planning/issues/${n('epic')}`;
    const expected = synced0
      .replace('- [x] **Task 1:**', '- [ ] **Task 1:**')
      .replace('- [ ] **Task 4:**', '- [x] **Task 4:**')
      .replace('- [ ] **Task 6:**', '- [x] **Task 6:**')
      .replace(`**GitHub:** ${epicUrl}\n`, `**GitHub:** ${epicUrl}\n**Not planned:** T6\n`);
    assert.equal(h.read(SINGLE_PATH), expected);
    assert.deepEqual(changes(first), [
      'T1 state: done → open (reopened on GitHub)',
      'T4 state: open → done (closed as completed on GitHub)',
      'T6 state: open → done (not planned) (closed as not planned on GitHub)',
    ]);
    assert.deepEqual(first.conflicts, []);
    assert.equal(first.reads, 11);
    assert.equal(
      first.message,
      'Pulled 3 changes from octo-org/planning into epic-001-link-shortener: T1 Scaffold the Fastify service done → open; T4 Redirect endpoint with Redis cache open → done; T6 Single sign-on for the management API open → done (not planned).',
    );
    // Eleven reads, one per issue, and nothing else: no listing, no repository read.
    assertOnlyIssueReads(h.since(from), 11);
    const state = stateFile(h);
    for (const id of ['T1', 'T4', 'T6']) assert.equal(state.issues.get(n(id))!.state, h.server.issue(n(id))!.state, id);

    // Nothing changed on GitHub since: no edits, and every read a 304.
    const files = filesOf(h.root);
    const mark = h.server.requests.length;
    const second = await h.pull();
    assert.equal(second.outcome, 'done', second.message);
    assert.deepEqual(filesOf(h.root), files, 'no file edited, the state file included');
    assertOnlyIssueReads(h.since(mark), 11, 304);
    assert.equal(second.notModified, 11);
    assert.equal(second.message, 'Nothing to pull: the 11 issues of epic-001-link-shortener are unchanged on octo-org/planning since the last sync.');

    // The push sees the pulled states as in step; only the epic's task list follows the plan.
    const preview = await h.preview();
    assert.deepEqual(preview.plan!.operations.map((o) => `${o.kind} ${o.label}`), ['update the epic']);
    const pushed = await h.sync();
    assert.equal(pushed.writes, 1);
    assert.match(h.server.issue(n('epic'))!.body ?? '', new RegExp(`^- \\[ \\] #${n('T1')} `, 'm'));
    const afterPush = h.server.requests.length;
    assert.equal((await h.pull()).notModified, 11);
    assertOnlyIssueReads(h.since(afterPush), 11, 304);

    // Reopened after not planned, closed again: back to where the sync left it, but for T4.
    await h.github.updateIssue(n('T6'), { state: 'open' });
    await h.github.updateIssue(n('T1'), { state: 'closed', stateReason: 'completed' });
    const third = await h.pull();
    assert.deepEqual(changes(third), ['T1 state: open → done (closed as completed on GitHub)', 'T6 state: done (not planned) → open (reopened on GitHub)']);
    assert.equal(h.read(SINGLE_PATH), synced0.replace('- [ ] **Task 4:**', '- [x] **Task 4:**'));
  });

  test('a conflict is reported and left as it is without anyone to ask, asked again until settled, and settled either way', async (t) => {
    const h = await synced(t, [SINGLE_FILE]);
    const n = (id: string) => h.numbers.get(id)!;
    const epicUrl = `https://github.com/octo-org/planning/issues/${n('epic')}`;
    // Both sides since the sync: T4 done in the plan, not planned on GitHub; T5 not planned in the plan, completed on GitHub.
    const local = h
      .read(SINGLE_PATH)
      .replace('- [ ] **Task 4:**', '- [x] **Task 4:**')
      .replace('- [ ] **Task 5:**', '- [x] **Task 5:**')
      .replace(`**GitHub:** ${epicUrl}\n`, `**GitHub:** ${epicUrl}\n**Not planned:** T5\n`);
    h.write(SINGLE_PATH, local);
    await h.github.updateIssue(n('T4'), { state: 'closed', stateReason: 'not_planned' });
    await h.github.updateIssue(n('T5'), { state: 'closed', stateReason: 'completed' });
    // Their records, which stay as they are while the conflict is open. (The issues they
    // block changed too, in their dependency counts, and are recorded anew.)
    const records = () => ['T4', 'T5'].map((id) => stateFile(h).issues.get(n(id)));
    const recordsBefore = records();

    const unasked = await h.pull();
    assert.equal(unasked.outcome, 'done', unasked.message);
    assert.deepEqual(unasked.conflicts.map((c) => `${c.label.split(' ')[0]} ${c.resolution}`), ['T4 unresolved', 'T5 unresolved']);
    assert.deepEqual(unasked.changed, []);
    assert.equal(h.read(SINGLE_PATH), local, 'nothing overwritten');
    assert.deepEqual(records(), recordsBefore, 'nor recorded, so the next pull asks again');
    assert.match(unasked.message, /Left as it is: T4 Redirect endpoint with Redis cache \(#\d+\) was marked done in the plan and closed as not planned on GitHub, both since the last sync; pull again to choose\./);

    const questions: PullConflictQuestion[] = [];
    const skipped = await h.pull({ confirmConflict: async (q) => (questions.push(q), 'skip') });
    assert.deepEqual(skipped.conflicts.map((c) => c.resolution), ['skipped', 'skipped']);
    assert.equal(h.read(SINGLE_PATH), local);
    assert.deepEqual(records(), recordsBefore);
    assert.deepEqual(
      { ...questions[0], label: questions[0].label.split(' ')[0] },
      {
        epicId: 'epic-001-link-shortener',
        label: 'T4',
        number: n('T4'),
        url: `https://github.com/octo-org/planning/issues/${n('T4')}`,
        plan: 'done',
        tracker: 'closed as not planned',
        trackerInPlan: 'done (not planned)',
        lastSynced: 'open',
        why: `T4 Redirect endpoint with Redis cache (#${n('T4')}) was marked done in the plan and closed as not planned on GitHub, both since the last sync`,
      },
    );
    assert.equal(questions[1].plan, 'done (not planned)');
    assert.equal(questions[1].trackerInPlan, 'done');

    const answers: Record<string, ConflictAnswer> = { [n('T4')]: 'plan', [n('T5')]: 'tracker' };
    const settled = await h.pull({ confirmConflict: async (q) => answers[q.number] });
    assert.deepEqual(settled.conflicts.map((c) => c.resolution), ['plan', 'tracker']);
    assert.deepEqual(changes(settled), ['T5 state: done (not planned) → done (closed as completed on GitHub, taken as chosen)']);
    // T4 keeps the plan's word; T5 takes GitHub's, which drops the header line.
    assert.equal(h.read(SINGLE_PATH), local.replace('**Not planned:** T5\n', ''));
    const state = stateFile(h);
    assert.equal(state.issues.get(n('T4'))!.state, 'closed');
    assert.equal(state.issues.get(n('T5'))!.state, 'closed');

    let asked = 0;
    const mark = h.server.requests.length;
    const after = await h.pull({ confirmConflict: async () => (asked++, 'skip') });
    assert.equal(asked, 0, 'settled conflicts are not asked again');
    assert.equal(after.notModified, after.reads);
    assertOnlyIssueReads(h.since(mark), 11, 304);
  });

  test('a 5xx in the middle of a pull leaves the files and the state in step; a rerun finishes', async (t) => {
    const h = await synced(t, [SINGLE_FILE]);
    const n = (id: string) => h.numbers.get(id)!;
    const synced0 = h.read(SINGLE_PATH);
    for (const id of ['T4', 'T6', 'T8']) await h.github.updateIssue(n(id), { state: 'closed', stateReason: 'completed' });
    // T6's issue fails every time it is read, retries included.
    h.server.faults.add({ method: 'GET', path: `/repos/octo-org/planning/issues/${n('T6')}`, times: 20, fault: { kind: 'status', status: 502 } });
    const failed = await h.pull();
    assert.equal(failed.outcome, 'failed');
    assert.match(failed.message, new RegExp(`^Could not read issue #${n('T6')} in octo-org/planning: GitHub failed with 502\\. The 1 change pulled before it is saved\\. Pull again to finish\\.$`));
    assert.equal(h.read(SINGLE_PATH), synced0.replace('- [ ] **Task 4:**', '- [x] **Task 4:**'));
    assertConsistent(h, ['T4', 'T6', 'T8'], (id) => singleFileDone(h, id));

    h.server.faults.clear();
    const rerun = await h.pull();
    assert.equal(rerun.outcome, 'done', rerun.message);
    assert.deepEqual(changes(rerun), ['T6 state: open → done (closed as completed on GitHub)', 'T8 state: open → done (closed as completed on GitHub)']);
    const expected = synced0.replace(/- \[ \] (\*\*Task [468]:\*\*)/g, '- [x] $1');
    assert.equal(h.read(SINGLE_PATH), expected);
    assertConsistent(h, ['T4', 'T6', 'T8'], (id) => singleFileDone(h, id));
    assert.equal((await h.pull()).notModified, 11);
  });
});

describe('pull, directory layout', { concurrency: true }, () => {
  test('closed as completed, closed as not planned and reopened land with minimal diffs; a second pull reads only 304s; the next push writes only the epic task list', async (t) => {
    const h = await synced(t, [DIRECTORY]);
    const n = (id: string) => h.numbers.get(id)!;
    const synced0 = filesOf(h.root);
    await h.github.updateIssue(n('001'), { state: 'closed', stateReason: 'completed' });
    await h.github.updateIssue(n('002'), { state: 'closed', stateReason: 'not_planned' });

    const from = h.server.requests.length;
    const first = await h.pull();
    assert.equal(first.outcome, 'done', first.message);
    assert.deepEqual(changes(first), [
      `#${n('001')} state: open → done (closed as completed on GitHub)`,
      `#${n('002')} state: open → done (not planned) (closed as not planned on GitHub)`,
    ]);
    const expected = new Map(synced0);
    const stamp = (text: string) => text.replace('status: open', 'status: closed').replace('updated: 2026-04-01T08:00:00Z', `updated: ${NOW}`);
    expected.set(h.taskPath('001'), stamp(synced0.get(h.taskPath('001'))!));
    expected.set(h.taskPath('002'), stamp(synced0.get(h.taskPath('002'))!).replace('# both touch the ranking module\n---', '# both touch the ranking module\nclosed_reason: not planned\n---'));
    expected.set(
      `${DIR}/epic.md`,
      synced0
        .get(`${DIR}/epic.md`)!
        .replace('progress: 0%', 'progress: 50%')
        .replace(`- [ ] ${n('001')}.md`, `- [x] ${n('001')}.md`)
        .replace(`- [ ] ${n('002')}.md`, `- [x] ${n('002')}.md`),
    );
    const after = filesOf(h.root);
    expected.set(SYNC_STATE_PATH, after.get(SYNC_STATE_PATH)!);
    assert.deepEqual(after, expected);
    assertOnlyIssueReads(h.since(from), 5);

    const mark = h.server.requests.length;
    const second = await h.pull();
    assert.deepEqual(filesOf(h.root), after, 'no file edited, the state file included');
    assertOnlyIssueReads(h.since(mark), 5, 304);
    assert.equal(second.notModified, 5);

    const preview = await h.preview();
    assert.deepEqual(preview.plan!.operations.map((o) => `${o.kind} ${o.label}`), ['update the epic']);
    assert.equal((await h.sync()).writes, 1);
    assert.equal((await h.pull()).notModified, 5);

    // Reopened, both: back to the files the sync left, but for their updated times.
    await h.github.updateIssue(n('001'), { state: 'open' });
    await h.github.updateIssue(n('002'), { state: 'open' });
    const reopened = await h.pull({ now: () => '2026-05-05T08:00:00Z' });
    assert.deepEqual(changes(reopened), [`#${n('001')} state: done → open (reopened on GitHub)`, `#${n('002')} state: done (not planned) → open (reopened on GitHub)`]);
    const back = new Map(synced0);
    for (const id of ['001', '002']) back.set(h.taskPath(id), synced0.get(h.taskPath(id))!.replace('updated: 2026-04-01T08:00:00Z', 'updated: 2026-05-05T08:00:00Z'));
    const now = filesOf(h.root);
    back.set(SYNC_STATE_PATH, now.get(SYNC_STATE_PATH)!);
    assert.deepEqual(now, back);
  });

  test('assignee and labels land in the task frontmatter, in place when they change, with the sync labels left out', async (t) => {
    const h = await synced(t, [DIRECTORY]);
    const n = (id: string) => h.numbers.get(id)!;
    const synced0 = filesOf(h.root);
    await h.github.updateIssue(n('003'), { assignees: ['alice'] });
    await h.github.addLabels(n('003'), ['bug', 'ui']);
    // 010.md has CRLF line endings: its new lines do too.
    await h.github.updateIssue(n('010'), { assignees: ['bob', 'carol'] });

    const first = await h.pull();
    assert.deepEqual(changes(first), [
      `#${n('003')} assignee: nobody → alice (assigned on GitHub)`,
      `#${n('003')} labels: none → bug, ui (labelled on GitHub)`,
      `#${n('010')} assignee: nobody → bob, carol (assigned on GitHub)`,
    ]);
    const add = (id: string, lines: string, eol = '\n') => synced0.get(h.taskPath(id))!.replace(`---${eol}${eol}# Task`, `${lines}---${eol}${eol}# Task`);
    assert.equal(h.read(h.taskPath('003')), add('003', 'assignee: alice\nlabels: [bug, ui]\n'));
    assert.equal(h.read(h.taskPath('010')), add('010', 'assignee: [bob, carol]\r\n', '\r\n'));
    for (const id of ['001', '002']) assert.equal(h.read(h.taskPath(id)), synced0.get(h.taskPath(id)));
    assert.equal(h.read(`${DIR}/epic.md`), synced0.get(`${DIR}/epic.md`));

    await h.github.updateIssue(n('003'), { assignees: ['alice', 'bob'] });
    await h.github.removeLabel(n('003'), 'ui');
    await h.github.updateIssue(n('010'), { assignees: [] });
    const second = await h.pull();
    assert.equal(second.changed.length, 3);
    assert.equal(h.read(h.taskPath('003')), add('003', 'assignee: [alice, bob]\nlabels: [bug]\n'));
    assert.equal(h.read(h.taskPath('010')), add('010', 'assignee:\r\n', '\r\n'));
    // The push does not care: labels it wants are there, and the text is its own.
    assert.deepEqual((await h.preview()).plan!.operations, []);
    assert.equal((await h.pull()).notModified, 5);
  });

  test('a conflict is reported and left as it is without anyone to ask, asked again until settled, and settled either way', async (t) => {
    const h = await synced(t, [DIRECTORY]);
    const n = (id: string) => h.numbers.get(id)!;
    const a = h.taskPath('001');
    const b = h.taskPath('002');
    const localA = h.read(a).replace('status: open', 'status: closed');
    const localB = h.read(b).replace('status: open', 'status: closed').replace('module\n---', 'module\nclosed_reason: not planned\n---');
    h.write(a, localA);
    h.write(b, localB);
    await h.github.updateIssue(n('001'), { state: 'closed', stateReason: 'not_planned' });
    await h.github.updateIssue(n('002'), { state: 'closed', stateReason: 'completed' });
    const plans = () => {
      const files = filesOf(h.root);
      files.delete(SYNC_STATE_PATH);
      return files;
    };
    const before = plans();
    const records = () => ['001', '002'].map((id) => stateFile(h).issues.get(n(id)));
    const recordsBefore = records();

    const unasked = await h.pull();
    assert.deepEqual(unasked.conflicts.map((c) => c.resolution), ['unresolved', 'unresolved']);
    assert.deepEqual(plans(), before, 'nothing overwritten');
    assert.deepEqual(records(), recordsBefore, 'nor recorded');
    const skipped = await h.pull({ confirmConflict: async () => 'skip' });
    assert.deepEqual(skipped.conflicts.map((c) => `${c.number} ${c.plan} / ${c.tracker}`), [`${n('001')} done / closed as not planned`, `${n('002')} done (not planned) / closed as completed`]);
    assert.deepEqual(plans(), before);
    assert.deepEqual(records(), recordsBefore);

    const answers: Record<string, ConflictAnswer> = { [n('001')]: 'tracker', [n('002')]: 'plan' };
    const settled = await h.pull({ confirmConflict: async (q) => answers[q.number] });
    assert.deepEqual(changes(settled), [`#${n('001')} state: done → done (not planned) (closed as not planned on GitHub, taken as chosen)`]);
    assert.equal(h.read(a), localA.replace('conflicts_with: []\n---', 'conflicts_with: []\nclosed_reason: not planned\n---'));
    assert.equal(h.read(b), localB);
    assert.equal(h.read(`${DIR}/epic.md`), before.get(`${DIR}/epic.md`), 'the state did not change, so neither did the checklist');
    let asked = 0;
    assert.equal((await h.pull({ confirmConflict: async () => (asked++, 'skip') })).notModified, 5);
    assert.equal(asked, 0);
  });

  test("the epic's issue: closed as completed, as not planned, and reopened, through the epic's status", async (t) => {
    const h = await synced(t, [DIRECTORY]);
    const epicPath = `${DIR}/epic.md`;
    const synced0 = h.read(epicPath);
    const epic = h.numbers.get('epic')!;
    await h.github.updateIssue(epic, { state: 'closed', stateReason: 'not_planned' });
    assert.deepEqual(changes(await h.pull()), ['epic state: open → done (not planned) (closed as not planned on GitHub)']);
    assert.equal(h.read(epicPath), synced0.replace('status: backlog', 'status: cancelled'));
    await h.github.updateIssue(epic, { state: 'open' });
    assert.deepEqual(changes(await h.pull()), ['epic state: done (not planned) → in progress (reopened on GitHub)']);
    assert.equal(h.read(epicPath), synced0.replace('status: backlog', 'status: in-progress'));
    await h.github.updateIssue(epic, { state: 'closed' });
    await h.pull();
    assert.equal(h.read(epicPath), synced0.replace('status: backlog', 'status: completed'));
    assert.deepEqual((await h.preview()).plan!.operations, []);
  });

  test('a 5xx in the middle of a pull leaves the files and the state in step; a rerun finishes', async (t) => {
    const h = await synced(t, [DIRECTORY]);
    const n = (id: string) => h.numbers.get(id)!;
    const ids = ['001', '002', '003'];
    for (const id of ids) await h.github.updateIssue(n(id), { state: 'closed', stateReason: 'completed' });
    h.server.faults.add({ method: 'GET', path: `/repos/octo-org/planning/issues/${n('002')}`, times: 20, fault: { kind: 'status', status: 503 } });
    const failed = await h.pull();
    assert.equal(failed.outcome, 'failed');
    assert.match(failed.message, /GitHub failed with 503\. The 1 change pulled before it is saved\. Pull again to finish\.$/);
    assert.deepEqual(ids.map((id) => directoryDone(h, id)), [true, false, false]);
    assert.match(h.read(`${DIR}/epic.md`), /progress: 25%/);
    assertConsistent(h, ids, (id) => directoryDone(h, id));

    h.server.faults.clear();
    assert.equal((await h.pull()).outcome, 'done');
    assert.deepEqual(ids.map((id) => directoryDone(h, id)), [true, true, true]);
    assert.match(h.read(`${DIR}/epic.md`), /progress: 75%/);
    assertConsistent(h, ids, (id) => directoryDone(h, id));
    assert.equal((await h.pull()).notModified, 5);
  });
});

describe('pull, the rest', { concurrency: true }, () => {
  test('a workspace of both layouts: one conditional read per recorded issue, and only 304s when nothing changed', async (t) => {
    const h = await synced(t, [SINGLE_FILE, DIRECTORY]);
    const n = (id: string) => h.numbers.get(id)!;
    await h.github.updateIssue(n('T4'), { state: 'closed' });
    await h.github.updateIssue(n('003'), { state: 'closed', stateReason: 'not_planned' });
    // An epic with no synced issue is passed over.
    cpSync(join(fixturesDir, 'unsynced', '.claude', 'epics', 'search'), join(h.root, '.claude', 'epics', 'unsynced'), { recursive: true });
    const plans = async () => {
      const index = new PlanIndex(new NodePlanFileSystem(h.root));
      await index.build();
      return ['epic-001-link-shortener', 'search', 'unsynced'].map((id) => new NodePlanAccess(h.root, index, id));
    };
    const options = async () => ({ tracker: trackerOf(h.server), plans: await plans(), state: new NodeSyncStateStore(h.root), now: () => NOW });
    const from = h.server.requests.length;
    const first = await pullWorkspace(await options());
    assert.equal(first.outcome, 'done', first.message);
    assert.deepEqual(first.epics, ['epic-001-link-shortener', 'search']);
    assert.deepEqual(changes(first), [`#${n('003')} state: open → done (not planned) (closed as not planned on GitHub)`, 'T4 state: open → done (closed as completed on GitHub)']);
    assert.match(first.message, /^Pulled 2 changes from octo-org\/planning into 2 epics: T4 Redirect endpoint with Redis cache \(epic-001-link-shortener\) open → done; #\d+ Ranking \(search\) open → done \(not planned\)\.$/);
    // 11 issues of the single-file epic and 5 of the directory one: 16 reads, the unchanged ones free.
    const reads = h.since(from);
    assertOnlyIssueReads(reads, 16);
    // The two tasks changed, and with them their epics (sub-issue counts) and the tasks they
    // block (dependency counts); the rest answer 304.
    const changed = reads.filter((r) => r.status === 200).map((r) => Number(r.path.split('/').pop()));
    for (const id of ['T4', '003', 'epic']) assert.ok(changed.includes(n(id)), `${id} read anew`);
    assert.ok(reads.every((r) => r.status === 200 || r.status === 304));
    assert.ok(reads.filter((r) => r.status === 304).length >= 5);
    const mark = h.server.requests.length;
    const second = await pullWorkspace(await options());
    assertOnlyIssueReads(h.since(mark), 16, 304);
    assert.equal(second.notModified, 16);
    assert.match(second.message, /^Nothing to pull: the 16 issues of 2 epics are unchanged/);
  });

  test("a single-file epic's issue closed and reopened: its status line", async (t) => {
    const h = await synced(t, [SINGLE_FILE]);
    const synced0 = h.read(SINGLE_PATH);
    await h.github.updateIssue(h.numbers.get('epic')!, { state: 'closed' });
    assert.deepEqual(changes(await h.pull()), ['epic state: in progress → done (closed as completed on GitHub)']);
    assert.equal(h.read(SINGLE_PATH), synced0.replace('**Status:** In Progress', '**Status:** Completed'));
    await h.github.updateIssue(h.numbers.get('epic')!, { state: 'open' });
    assert.deepEqual(changes(await h.pull()), ['epic state: done → in progress (reopened on GitHub)']);
    assert.equal(h.read(SINGLE_PATH), synced0);
  });

  test('a task edited in the plan while the pull writes it is left as edited, for the next pull to decide on', async (t) => {
    const h = await synced(t, [SINGLE_FILE]);
    const n = (id: string) => h.numbers.get(id)!;
    await h.github.updateIssue(n('T4'), { state: 'closed', stateReason: 'not_planned' });
    const index = new PlanIndex(new NodePlanFileSystem(h.root));
    await index.build();
    const inner = new NodePlanAccess(h.root, index, SINGLE_FILE.epicId);
    const edited = h.read(SINGLE_PATH).replace('- [ ] **Task 4:**', '- [x] **Task 4:**');
    const racing: PlanAccess = {
      read: () => inner.read(),
      apply: async (paths, compute) => {
        // Someone marks the task done between the pull's read and its write.
        h.write(SINGLE_PATH, edited);
        return inner.apply(paths, compute);
      },
    };
    const raced = await h.pull({ plan: racing });
    assert.deepEqual(raced.changed, []);
    assert.deepEqual(raced.skipped.map((s) => s.reason), [`not written: ${SINGLE_PATH} changed while it was being pulled; it is left for the next pull.`]);
    assert.equal(h.read(SINGLE_PATH), edited);
    assert.equal(stateFile(h).issues.get(n('T4'))!.state, 'open', 'not recorded');
    const next = await h.pull();
    assert.deepEqual(next.conflicts.map((c) => `${c.label.split(' ')[0]} ${c.plan} / ${c.tracker}`), ['T4 done / closed as not planned']);
  });

  test('cancelled midway: what was pulled is saved and recorded; a rerun finishes', async (t) => {
    const h = await synced(t, [SINGLE_FILE]);
    const n = (id: string) => h.numbers.get(id)!;
    for (const id of ['T4', 'T6']) await h.github.updateIssue(n(id), { state: 'closed' });
    const controller = new AbortController();
    const cancelled = await h.pull({
      signal: controller.signal,
      onProgress: (p) => {
        if (p.message.includes(`#${n('T5')}`)) controller.abort();
      },
    });
    assert.equal(cancelled.outcome, 'cancelled');
    assert.equal(cancelled.message, 'The pull was cancelled. The 1 change pulled before it is saved. Pull again to finish.');
    assertConsistent(h, ['T4', 'T6'], (id) => singleFileDone(h, id));
    assert.ok(singleFileDone(h, 'T4') && !singleFileDone(h, 'T6'));
    const rerun = await h.pull();
    assert.deepEqual(changes(rerun), ['T6 state: open → done (closed as completed on GitHub)']);
  });

  test('nothing is read when the state file belongs to another repository, or records nothing for the epic', async (t) => {
    const h = await synced(t, [SINGLE_FILE]);
    const from = h.server.requests.length;
    const refused = await h.pull({ repository: 'acme/elsewhere' });
    assert.equal(refused.outcome, 'refused');
    assert.match(refused.message, /belongs to octo-org\/planning, not acme\/elsewhere: nothing was pulled/);
    const empty = await h.pull({ state: { load: async () => undefined, save: async () => assert.fail('nothing to save') } });
    assert.equal(empty.outcome, 'done');
    assert.equal(empty.message, 'Nothing to pull: no issue of epic-001-link-shortener has been synced from this workspace yet.');
    assert.equal(empty.skipped.length, 11, 'each linked task and the epic, for want of a record');
    assert.deepEqual(h.since(from), []);
  });
});
