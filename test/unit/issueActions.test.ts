// Close and reopen a task's issue against the local GitHub server through the real GitHub
// tracker, on epics synced first in both layouts: the comment, the state on GitHub, the
// minimal edit of the task's file, the sync state; and every write interrupted once, then
// run again, with the comment still made exactly once.
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
import type { CloseTaskOptions, ReopenTaskOptions, TaskIssueResult } from '../../src/services/sync/issueActions';
import { actionsInComments, closeTaskIssue, commentAlreadyMade, reopenTaskIssue } from '../../src/services/sync/issueActions';
import { NodePlanAccess, NodeSyncStateStore, PlanWriteConflictError } from '../../src/services/sync/nodeSyncAccess';
import type { PlanAccess } from '../../src/services/sync/syncEngine';
import { runSync } from '../../src/services/sync/syncEngine';
import type { Tracker } from '../../src/services/tracker';
import { startGitHubServer } from '../servers/github/server';
import type { Fault, GitHubServer } from '../servers/github/server';
import { examplesDir, fixturesDir } from './helpers';
import { filesOf, trackerOf } from './syncHelpers';

// ---- workspaces, the server, the tracker -----------------------------------------------

interface Layout {
  readonly name: 'single-file' | 'directory';
  readonly epicId: string;
  readonly make: (root: string) => void;
  /** The stable key of the open task that is closed and reopened. */
  readonly key: string;
}

const SINGLE_FILE: Layout = {
  name: 'single-file',
  epicId: 'epic-001-link-shortener',
  make: (root) => {
    const path = join(root, 'epics', 'epic-001-link-shortener.md');
    cpSync(join(examplesDir, 'epics', 'epic-001-link-shortener.md'), path, { recursive: true });
    writeFileSync(path, readFileSync(path, 'utf8').replace(/ \(#\d+\)$/gm, ''));
  },
  key: 'epic-001-link-shortener/T4',
};

const DIRECTORY: Layout = {
  name: 'directory',
  epicId: 'search',
  make: (root) => cpSync(join(fixturesDir, 'unsynced', '.claude'), join(root, '.claude'), { recursive: true }),
  key: 'search/002',
};

/** The lines that differ between two versions of the plan, as `path: old → new`, the state file aside. */
function changedLines(before: Map<string, string>, after: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [path, text] of after) {
    if (path === SYNC_STATE_PATH) continue;
    const old = (before.get(path) ?? '').split('\n');
    const now = text.split('\n');
    assert.equal(now.length, old.length, `${path} keeps its lines`);
    now.forEach((line, i) => {
      if (line !== old[i]) out.push(`${path}: ${old[i]} → ${line}`);
    });
  }
  return out;
}

function mutating(s: GitHubServer): number {
  return s.requests.filter((r) => r.method !== 'GET').length;
}

interface Harness {
  readonly root: string;
  readonly server: GitHubServer;
  /** The task's issue number and its id in the plan now. */
  task(): { number: number; taskId: string };
  close(extra?: Partial<CloseTaskOptions>): Promise<TaskIssueResult>;
  reopen(extra?: Partial<ReopenTaskOptions>): Promise<TaskIssueResult>;
  /** A sync of the epic; its writes. */
  sync(): Promise<number>;
  closeComments(): string[];
}

async function harness(t: TestContext, layout: Layout, options: { synced?: boolean } = {}): Promise<Harness> {
  const root = mkdtempSync(join(tmpdir(), `autopm-close-${layout.name}-`));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  layout.make(root);
  const s = await startGitHubServer();
  t.after(() => s.close());
  for (let i = 1; i <= 4; i++) s.seedIssue({ title: `Older issue ${i}` });
  const access = async () => {
    const index = new PlanIndex(new NodePlanFileSystem(root));
    await index.build();
    return new NodePlanAccess(root, index, layout.epicId);
  };
  const sync = async () => {
    const before = mutating(s);
    const result = await runSync({ tracker: trackerOf(s), plan: await access(), state: new NodeSyncStateStore(root), limits: { ...GITHUB_LIMITS, writeIntervalMs: 0 } });
    assert.equal(result.outcome, 'done', result.message);
    return mutating(s) - before;
  };
  if (options.synced !== false) await sync();
  const task = () => {
    const state = parseSyncState(readFileSync(join(root, SYNC_STATE_PATH), 'utf8'));
    const number = [...state.issues].find(([, r]) => r.key === layout.key)![0];
    return { number, taskId: layout === DIRECTORY ? String(number) : layout.key.split('/')[1] };
  };
  const common = async () => ({ tracker: trackerOf(s), plan: await access(), state: new NodeSyncStateStore(root), now: () => '2026-06-01T10:00:00Z' });
  return {
    root,
    server: s,
    task,
    close: async (extra = {}) => closeTaskIssue({ ...(await common()), taskId: options.synced === false ? '001' : task().taskId, ...extra }),
    reopen: async (extra = {}) => reopenTaskIssue({ ...(await common()), taskId: task().taskId, ...extra }),
    sync,
    closeComments: () => s.comments(task().number).filter((c) => c.body.includes('<!-- autopm:close ')).map((c) => c.body),
  };
}

const WRITES = new Set(['createIssue', 'updateIssue', 'addLabels', 'addSubIssue', 'addBlockedBy', 'createComment']);

/** The tracker, interrupted at its `at`-th write: a fault on the server for that request, or a crash right after it succeeded. */
function interrupted(inner: Tracker, s: GitHubServer, at: number, how: Fault['kind'] | 'crash'): { tracker: Tracker; writes: () => number } {
  let calls = 0;
  const tracker = new Proxy(inner, {
    get(target, property) {
      const value = Reflect.get(target, property) as unknown;
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => Promise<unknown>;
      if (!WRITES.has(String(property))) return method.bind(target);
      return async (...args: unknown[]) => {
        const index = calls++;
        if (index !== at) return method.apply(target, args);
        if (how === 'crash') {
          await method.apply(target, args);
          throw new Error('The process died.');
        }
        s.faults.add({ path: '**', fault: { kind: how } as Fault });
        return method.apply(target, args);
      };
    },
  });
  return { tracker, writes: () => calls };
}

// ---- tests ------------------------------------------------------------------------------------

for (const layout of [SINGLE_FILE, DIRECTORY]) {
  describe(`close and reopen, ${layout.name} layout`, { concurrency: true }, () => {
    test('close comments, closes as completed and marks the task done with a minimal edit; reopen undoes it; a sync after either has nothing to do', async (t) => {
      const h = await harness(t, layout);
      const { number, taskId } = h.task();
      const before = filesOf(h.root);

      const closed = await h.close({ branch: 'feature/redirects', commit: 'abc1234', summary: 'Merged with the cache in front.' });
      assert.equal(closed.outcome, 'done', closed.message);
      assert.deepEqual(
        [closed.number, closed.commented, closed.commentFound, closed.changedOnTracker, closed.planChanged, closed.epicUpdated, closed.writes],
        [number, true, false, true, true, true, 3],
      );
      assert.match(closed.message, new RegExp(`^Closed #${number}, with a comment; .* is done in the plan\\.$`));
      const issue = h.server.issue(number)!;
      assert.deepEqual([issue.state, issue.stateReason], ['closed', 'completed']);
      const [comment, ...more] = h.server.comments(number);
      assert.equal(more.length, 0);
      assert.match(comment.body, /^Closed from AutoPM: \*\*.+\*\* is done\.\n\nMerged with the cache in front\.\n\nBranch: `feature\/redirects`\nCommit: abc1234\n\n<!-- autopm:close [^ ]+ -->\n$/);
      assert.ok(comment.body.includes(h.server.issue(number)!.title));

      // The edit: a checkbox; or `status` and `updated`, the checklist's box and `progress`.
      const afterClose = filesOf(h.root);
      if (layout === SINGLE_FILE) {
        assert.deepEqual(changedLines(before, afterClose), [
          `epics/epic-001-link-shortener.md: - [ ] **Task 4:** Redirect endpoint with Redis cache (#${number}) → - [x] **Task 4:** Redirect endpoint with Redis cache (#${number})`,
        ]);
      } else {
        assert.deepEqual(changedLines(before, afterClose).sort(), [
          `.claude/epics/search/${taskId}.md: status: open → status: closed`,
          `.claude/epics/search/${taskId}.md: updated: 2026-04-01T08:00:00Z → updated: 2026-06-01T10:00:00Z`,
          `.claude/epics/search/epic.md: - [ ] ${taskId}.md - Query API (parallel: true) → - [x] ${taskId}.md - Query API (parallel: true)`,
          '.claude/epics/search/epic.md: progress: 0% → progress: 25%',
        ]);
      }

      // The sync state says what GitHub holds now, and the epic's task list was ticked.
      const state = parseSyncState(readFileSync(join(h.root, SYNC_STATE_PATH), 'utf8'));
      const record = state.issues.get(number)!;
      assert.deepEqual([record.state, record.updatedAt], ['closed', issue.updatedAt]);
      assert.ok(record.etag);
      const epicNumber = [...state.issues].find(([, r]) => r.key === layout.epicId)![0];
      assert.match(h.server.issue(epicNumber)!.body ?? '', new RegExp(`^- \\[x\\] #${number} `, 'm'));
      assert.equal(await h.sync(), 0, 'a sync after the close makes no writes');
      assert.deepEqual(filesOf(h.root), afterClose, 'nor changes any file');

      const reopened = await h.reopen({ reason: 'The cache misses on cold starts.' });
      assert.equal(reopened.outcome, 'done', reopened.message);
      assert.deepEqual([reopened.commented, reopened.changedOnTracker, reopened.planChanged, reopened.epicUpdated], [true, true, true, true]);
      assert.deepEqual([h.server.issue(number)!.state, h.server.issue(number)!.stateReason], ['open', 'reopened']);
      assert.match(h.server.comments(number)[1].body, /^Reopened from AutoPM: .* is open again\.\n\nThe cache misses on cold starts\.\n\n<!-- autopm:reopen [^ ]+ -->\n$/);
      const afterReopen = filesOf(h.root);
      if (layout === SINGLE_FILE) assert.deepEqual(changedLines(before, afterReopen), [], 'the file is back as it was');
      else assert.deepEqual(changedLines(before, afterReopen), [`.claude/epics/search/${taskId}.md: updated: 2026-04-01T08:00:00Z → updated: 2026-06-01T10:00:00Z`]);
      assert.match(h.server.issue(epicNumber)!.body ?? '', new RegExp(`^- \\[ \\] #${number} `, 'm'));
      assert.equal(await h.sync(), 0, 'a sync after the reopen makes no writes');

      // Closed again: a close of its own, so a comment of its own.
      const again = await h.close();
      assert.equal(again.outcome, 'done', again.message);
      assert.equal(again.commented, true);
      assert.deepEqual(actionsInComments(h.server.comments(number).map((c) => ({ id: c.id, body: c.body, author: c.user, createdAt: c.createdAt }))), ['close', 'reopen', 'close']);
      // Run once more: nothing left to do, nothing written.
      const writes = mutating(h.server);
      const noop = await h.close();
      assert.deepEqual([noop.outcome, noop.commented, noop.changedOnTracker, noop.planChanged, noop.writes], ['done', false, false, false, 0]);
      assert.equal(mutating(h.server), writes);
      assert.match(noop.message, /was closed already; .* was done in the plan already\.$/);
    });
  });
}

describe('close, interrupted', { concurrency: true }, () => {
  for (const how of ['error-after-commit', 'drop-after-commit', 'crash'] as const) {
    test(`every write interrupted once (${how}), then run again: one comment, the issue closed, the task done, nothing left for a sync`, async (t) => {
      const clean = await harness(t, DIRECTORY);
      const cleanRun = interrupted(trackerOf(clean.server), clean.server, -1, how);
      assert.equal((await clean.close({ tracker: cleanRun.tracker })).outcome, 'done');
      const total = cleanRun.writes();
      assert.equal(total, 3, 'a comment, the close, the epic’s task list');
      await Promise.all(
        Array.from({ length: total }, (_, at) =>
          t.test(`write ${at + 1} of ${total}`, async (st) => {
            const h = await harness(st, DIRECTORY);
            const { number, taskId } = h.task();
            const run = interrupted(trackerOf(h.server), h.server, at, how);
            const first = await h.close({ tracker: run.tracker });
            if (how === 'crash') assert.equal(first.outcome, 'failed');
            if (first.outcome !== 'done') {
              const again = await h.close();
              assert.equal(again.outcome, 'done', again.message);
              assert.equal(again.commented, false, 'the rerun made no second comment');
            }
            assert.equal(h.closeComments().length, 1, 'exactly one comment');
            assert.deepEqual([h.server.issue(number)!.state, h.server.issue(number)!.stateReason], ['closed', 'completed']);
            assert.match(readFileSync(join(h.root, `.claude/epics/search/${taskId}.md`), 'utf8'), /^status: closed$/m);
            assert.equal(await h.sync(), 0, 'a sync afterwards makes no writes');
          }),
        ),
      );
    });
  }

  test('the close refused by GitHub after the comment: the rerun finds the comment and does not comment again', async (t) => {
    const h = await harness(t, DIRECTORY);
    const { number } = h.task();
    h.server.faults.add({ method: 'PATCH', path: `/repos/octo-org/planning/issues/${number}`, times: 20, fault: { kind: 'status', status: 503 } });
    const first = await h.close();
    assert.equal(first.outcome, 'failed');
    assert.match(first.message, /Run it again to finish/);
    assert.equal(h.server.issue(number)!.state, 'open');
    assert.equal(h.closeComments().length, 1);
    h.server.faults.clear();
    const again = await h.close();
    assert.equal(again.outcome, 'done', again.message);
    assert.deepEqual([again.commented, again.commentFound, again.changedOnTracker], [false, true, true]);
    assert.match(again.message, /its comment was made by an earlier run/);
    assert.equal(h.closeComments().length, 1);
    assert.equal(await h.sync(), 0);
  });

  test('a task file changed on disk meanwhile: GitHub is closed, the file left alone; the rerun marks it done', async (t) => {
    const h = await harness(t, SINGLE_FILE);
    const { number } = h.task();
    const index = new PlanIndex(new NodePlanFileSystem(h.root));
    await index.build();
    const real = new NodePlanAccess(h.root, index, SINGLE_FILE.epicId);
    const conflicted: PlanAccess = {
      read: () => real.read(),
      apply: async () => {
        throw new PlanWriteConflictError('epics/epic-001-link-shortener.md changed on disk while it was being edited; nothing was written.');
      },
    };
    const before = filesOf(h.root);
    const first = await h.close({ plan: conflicted });
    assert.equal(first.outcome, 'failed');
    assert.match(first.message, /changed on disk/);
    assert.equal(h.server.issue(number)!.state, 'closed');
    assert.deepEqual(filesOf(h.root), before);
    const again = await h.close();
    assert.equal(again.outcome, 'done', again.message);
    assert.deepEqual([again.commented, again.changedOnTracker, again.planChanged], [false, false, true]);
    assert.equal(h.closeComments().length, 1);
    assert.equal(await h.sync(), 0);
  });

  test('a task without an issue: said so, and nothing is changed', async (t) => {
    const h = await harness(t, DIRECTORY, { synced: false });
    const before = filesOf(h.root);
    const result = await h.close();
    assert.equal(result.outcome, 'no-issue');
    assert.match(result.message, /^001 Index documents has no GitHub issue yet, so there is none to close: sync the epic to GitHub first\. Nothing was changed\.$/);
    assert.equal(mutating(h.server), 0);
    assert.deepEqual(filesOf(h.root), before);
  });
});

describe('which comment is already made', () => {
  test('the last AutoPM action decides, and a reopen on GitHub after an AutoPM close is seen by the state reason', () => {
    const open = { stateReason: null };
    const reopened = { stateReason: 'reopened' as const };
    assert.equal(commentAlreadyMade('close', [], open), false);
    assert.equal(commentAlreadyMade('close', ['close'], open), true, 'an interrupted first close');
    assert.equal(commentAlreadyMade('close', ['close'], reopened), false, 'closed from AutoPM, reopened on GitHub');
    assert.equal(commentAlreadyMade('close', ['close', 'reopen'], reopened), false, 'reopened from AutoPM');
    assert.equal(commentAlreadyMade('close', ['close', 'reopen', 'close'], reopened), true, 'an interrupted second close');
    assert.equal(commentAlreadyMade('reopen', ['close', 'reopen'], { stateReason: 'completed' }), true, 'an interrupted reopen');
    assert.equal(commentAlreadyMade('reopen', ['close'], { stateReason: 'completed' }), false);
  });
});
