// The sync engine against the local GitHub server through the real GitHub tracker
// (Octokit with its retry and throttling plugins), on temp-dir copies of the examples
// in both layouts, with faults injected on the server at every write.
import { describe, test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PlanIndex } from '../../src/core/planIndex';
import { GITHUB_LIMITS } from '../../src/core/sync/limits';
import { findMarker } from '../../src/core/sync/marker';
import { parseSyncState, SYNC_STATE_PATH } from '../../src/core/sync/syncState';
import { NodePlanFileSystem } from '../../src/services/nodePlanFileSystem';
import { NodePlanAccess, NodeSyncStateStore } from '../../src/services/sync/nodeSyncAccess';
import type { OverwriteQuestion, SyncOptions, SyncResult, SyncStateStore } from '../../src/services/sync/syncEngine';
import { previewSync, runSync } from '../../src/services/sync/syncEngine';
import type { SyncClock } from '../../src/services/sync/writePacer';
import type { Tracker, TrackerIssue } from '../../src/services/tracker';
import { startGitHubServer } from '../servers/github/server';
import type { Fault, GitHubServer } from '../servers/github/server';
import { examplesDir, fixturesDir } from './helpers';
import { filesOf, trackerOf } from './syncHelpers';

// ---- workspaces -----------------------------------------------------------------------

interface Layout {
  readonly name: string;
  readonly epicId: string;
  /** Makes the workspace in an empty folder. */
  readonly make: (root: string) => void;
  /** Task ids in plan order, and each one's dependencies, as the plan has them. */
  readonly tasks: ReadonlyArray<{ readonly id: string; readonly done: boolean; readonly dependsOn: readonly string[] }>;
}

/** The link-shortener example without the issue numbers it was written with: ten tasks, two done, eleven dependencies. */
const SINGLE_FILE: Layout = {
  name: 'single-file',
  epicId: 'epic-001-link-shortener',
  make: (root) => {
    cpSync(join(examplesDir, 'epics', 'epic-001-link-shortener.md'), join(root, 'epics', 'epic-001-link-shortener.md'), { recursive: true });
    const path = join(root, 'epics', 'epic-001-link-shortener.md');
    writeFileSync(path, readFileSync(path, 'utf8').replace(/ \(#\d+\)$/gm, ''));
  },
  tasks: [
    { id: 'T1', done: true, dependsOn: [] },
    { id: 'T2', done: true, dependsOn: ['T1'] },
    { id: 'T3', done: false, dependsOn: ['T2'] },
    { id: 'T4', done: false, dependsOn: ['T3'] },
    { id: 'T5', done: false, dependsOn: ['T3', 'T6'] },
    { id: 'T6', done: false, dependsOn: ['T1'] },
    { id: 'T7', done: false, dependsOn: ['T4'] },
    { id: 'T8', done: false, dependsOn: ['T7'] },
    { id: 'T9', done: false, dependsOn: ['T4'] },
    { id: 'T10', done: false, dependsOn: ['T8', 'T9'] },
  ],
};

/** An unsynced directory epic: four task files, references in flow and block lists, a comment to keep. */
const DIRECTORY: Layout = {
  name: 'directory',
  epicId: 'search',
  make: (root) => cpSync(join(fixturesDir, 'unsynced', '.claude'), join(root, '.claude'), { recursive: true }),
  tasks: [
    { id: '001', done: false, dependsOn: [] },
    { id: '002', done: false, dependsOn: ['001'] },
    { id: '003', done: false, dependsOn: ['001'] },
    { id: '010', done: false, dependsOn: ['002', '003'] },
  ],
};

function tempWorkspace(t: TestContext, layout: Layout): string {
  const root = mkdtempSync(join(tmpdir(), `autopm-sync-${layout.name}-`));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  layout.make(root);
  return root;
}

// ---- the server and the tracker -----------------------------------------------------------

async function server(t: TestContext): Promise<GitHubServer> {
  const s = await startGitHubServer();
  t.after(() => s.close());
  // Issues and a pull request already there, so that issue numbers are not the task numbers.
  for (let i = 1; i <= 10; i++) s.seedIssue({ title: `Older issue ${i}`, body: i === 3 ? 'Mentions autopm:task search/001 in prose' : null });
  s.seedPullRequest({ title: 'A pull request' });
  s.seedLabel('Task');
  return s;
}

/** GitHub's limits without the second between writes, which would only make the tests slow. */
const UNSPACED = { ...GITHUB_LIMITS, writeIntervalMs: 0 };

const WRITES = new Set(['createIssue', 'updateIssue', 'ensureLabel', 'addLabels', 'removeLabel', 'addSubIssue', 'reorderSubIssue', 'addBlockedBy', 'removeBlockedBy', 'createComment']);

type Interruption = Fault | Fault['kind'] | 'crash';

/**
 * The tracker, interrupted at its `at`-th write: a fault on the server for that request
 * (502 after the write was carried out, the connection dropped after it), or a crash
 * right after the write succeeded, which also stops the state file from being saved,
 * as a process that died would.
 */
function interrupted(inner: Tracker, s: GitHubServer, at: number, how: Interruption): { tracker: Tracker; crashed: () => boolean; writes: () => number; kinds: () => string[] } {
  let calls = 0;
  const kinds: string[] = [];
  let crashed = false;
  const tracker = new Proxy(inner, {
    get(target, property) {
      const value = Reflect.get(target, property) as unknown;
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => Promise<unknown>;
      if (!WRITES.has(String(property))) return method.bind(target);
      return async (...args: unknown[]) => {
        const index = calls++;
        kinds.push(String(property));
        if (index !== at) return method.apply(target, args);
        if (how === 'crash') {
          await method.apply(target, args);
          crashed = true;
          throw new Error('The process died.');
        }
        s.faults.add({ path: '**', fault: typeof how === 'string' ? ({ kind: how } as Fault) : how });
        return method.apply(target, args);
      };
    },
  });
  return { tracker, crashed: () => crashed, writes: () => calls, kinds: () => kinds };
}

/**
 * Which writes of a sync to interrupt. A crash, which also loses the state file, is tried
 * at every write. A request that fails after the server carried it out takes the same
 * recovery whichever write of a run of like writes it hits, so by default it is tried at
 * the first write of each run, the second of it and the last write overall;
 * `SYNC_FAULTS=every` tries every write.
 */
function writesToInterrupt(kinds: readonly string[], how: Interruption): number[] {
  const all = kinds.map((_, i) => i);
  if (how === 'crash' || process.env.SYNC_FAULTS === 'every') return all;
  return all.filter((i) => i === 0 || i === kinds.length - 1 || kinds[i] !== kinds[i - 1] || (i >= 2 && kinds[i - 1] !== kinds[i - 2]));
}

interface Harness {
  readonly root: string;
  readonly server: GitHubServer;
  sync(extra?: Partial<SyncOptions>): Promise<SyncResult>;
  preview(extra?: Partial<SyncOptions>): Promise<SyncResult>;
}

async function harness(t: TestContext, layout: Layout, s?: GitHubServer): Promise<Harness> {
  const root = tempWorkspace(t, layout);
  const gh = s ?? (await server(t));
  const options = async (extra: Partial<SyncOptions>): Promise<SyncOptions> => {
    const index = new PlanIndex(new NodePlanFileSystem(root));
    await index.build();
    return { tracker: trackerOf(gh), plan: new NodePlanAccess(root, index, layout.epicId), state: new NodeSyncStateStore(root), limits: UNSPACED, ...extra };
  };
  return {
    root,
    server: gh,
    sync: async (extra = {}) => runSync(await options(extra)),
    preview: async (extra = {}) => previewSync(await options(extra)),
  };
}

// ---- what a finished sync must have made ----------------------------------------------------

/** The issues carrying a marker of the epic, by key. */
function markedIssues(s: GitHubServer, epicId: string): Map<string, ReturnType<GitHubServer['issues']>[number]> {
  const out = new Map<string, ReturnType<GitHubServer['issues']>[number]>();
  for (const issue of s.issues()) {
    const marker = findMarker(issue.body);
    if (!marker || (marker.key !== epicId && !marker.key.startsWith(`${epicId}/`))) continue;
    assert.ok(!out.has(marker.key), `two issues carry the marker ${marker.key}: #${out.get(marker.key)?.number} and #${issue.number}`);
    out.set(marker.key, issue);
  }
  return out;
}

/** The plan files a sync must leave: the originals with the issue numbers written in, and the directory layout's renames. */
function expectedFiles(layout: Layout, before: Map<string, string>, numbers: Map<string, number>, epicUrl: string, issueUrl: (n: number) => string): Map<string, string> {
  const out = new Map(before);
  if (layout === SINGLE_FILE) {
    const path = 'epics/epic-001-link-shortener.md';
    const text = before
      .get(path)!
      .replace(/^(- \[[ x-]\] \*\*Task (\d+):\*\* .*)$/gm, (line, _all, n: string) => `${line} (#${numbers.get(`T${n}`)})`)
      .replace('**Target:** 2026-03-20\n', `**Target:** 2026-03-20\n**GitHub:** ${epicUrl}\n`);
    out.set(path, text);
    return out;
  }
  const dir = '.claude/epics/search';
  const byOld = new Map([...numbers].map(([id, n]) => [Number(id), n]));
  const mapRefs = (text: string) => text.replace(/\d+/g, (d) => String(byOld.get(Number(d)) ?? d));
  for (const id of ['001', '002', '003', '010']) {
    const path = `${dir}/${id}.md`;
    let key = '';
    const lines = before.get(path)!.split('\n').map((raw) => {
      // 010.md has CRLF line endings: the CR stays where it was.
      const cr = raw.endsWith('\r') ? '\r' : '';
      const line = raw.slice(0, raw.length - cr.length);
      return rewrite(line) + cr;
    });
    function rewrite(line: string): string {
      const own = /^([a-z_]+):/.exec(line);
      if (own) key = own[1];
      if (line === '---') key = '';
      if (line === 'github:') return `github: ${issueUrl(numbers.get(id)!)}`;
      if (key !== 'depends_on' && key !== 'conflicts_with') return line;
      const comment = line.indexOf('#');
      return comment === -1 ? mapRefs(line) : mapRefs(line.slice(0, comment)) + line.slice(comment);
    }
    out.delete(path);
    out.set(`${dir}/${numbers.get(id)}.md`, lines.join('\n'));
  }
  const epicPath = `${dir}/epic.md`;
  out.set(
    epicPath,
    before
      .get(epicPath)!
      .replace('\ngithub:\n', `\ngithub: ${epicUrl}\n`)
      .replace(/^- \[ \] (\d+)\.md/gm, (_line, n: string) => `- [ ] ${numbers.get(n)}.md`),
  );
  return out;
}

/**
 * Everything a finished sync of the layout must show: N+1 issues, one per marker; the
 * plan files byte for byte; sub-issues in plan order; the plan's dependencies as
 * blocked-by links; done tasks closed as completed; labels; a readable state file.
 */
function assertSynced(layout: Layout, h: Harness, before: Map<string, string>): Map<string, number> {
  const s = h.server;
  const marked = markedIssues(s, layout.epicId);
  const ours = s.issues().filter((i) => /autopm:/.test(i.body ?? '') && !/in prose/.test(i.body ?? ''));
  assert.equal(ours.length, layout.tasks.length + 1, `exactly N+1 issues: ${ours.map((i) => `#${i.number} ${i.title}`).join(', ')}`);
  assert.equal(marked.size, layout.tasks.length + 1);
  const numbers = new Map(layout.tasks.map((t) => [t.id, marked.get(`${layout.epicId}/${t.id}`)!.number]));
  const epic = marked.get(layout.epicId)!;
  const url = (n: number) => `https://github.com/${s.owner}/${s.repo}/issues/${n}`;

  const after = filesOf(h.root);
  after.delete(SYNC_STATE_PATH);
  assert.deepEqual(after, expectedFiles(layout, before, numbers, url(epic.number), url));

  const idOf = (n: number) => s.issue(n)!.id;
  assert.deepEqual(epic.subIssueIds, layout.tasks.map((t) => idOf(numbers.get(t.id)!)), 'sub-issues in plan order');
  for (const task of layout.tasks) {
    const issue = s.issue(numbers.get(task.id)!)!;
    assert.deepEqual([...issue.blockedByIds].sort(), task.dependsOn.map((d) => idOf(numbers.get(d)!)).sort(), `blocked-by of ${task.id}`);
    assert.equal(issue.state, task.done ? 'closed' : 'open', task.id);
    if (task.done) assert.equal(issue.stateReason, 'completed');
    assert.deepEqual([...issue.labels].sort(), ['Task', `epic:${layout.epicId}`].sort(), `labels of ${task.id} (the label "Task" was there, in its case)`);
    // Dependencies are named by number in the body.
    for (const dep of task.dependsOn) assert.match(issue.body ?? '', new RegExp(`\\*\\*Depends on:\\*\\* .*#${numbers.get(dep)}\\b`));
  }
  assert.deepEqual([...epic.labels].sort(), ['epic', `epic:${layout.epicId}`]);
  for (const task of layout.tasks) assert.match(epic.body ?? '', new RegExp(`^- \\[${task.done ? 'x' : ' '}\\] #${numbers.get(task.id)} `, 'm'));

  const state = parseSyncState(readFileSync(join(h.root, SYNC_STATE_PATH), 'utf8'));
  assert.equal(state.repository, `${s.owner}/${s.repo}`);
  assert.equal(state.pending.size, 0);
  assert.deepEqual(new Set([...state.issues.values()].map((r) => r.key)), new Set(marked.keys()));
  for (const [n, record] of state.issues) {
    // Each record says what the issue holds, so the next sync neither writes nor asks.
    const issue = s.issue(n)!;
    assert.equal(record.state, issue.state, `recorded state of #${n}`);
    assert.equal(record.updatedAt, issue.updatedAt, `recorded updated_at of #${n}`);
    assert.ok(record.etag, `an ETag recorded for #${n}`);
  }
  return numbers;
}

function mutating(s: GitHubServer): number {
  return s.requests.filter((r) => r.method !== 'GET').length;
}

// ---- tests -----------------------------------------------------------------------------------

// Every test has its own server and folder, so they run side by side: most of a request's
// time is spent in the Octokit plugins' queues, waiting on timers.
for (const layout of [SINGLE_FILE, DIRECTORY]) {
  describe(`sync, ${layout.name} layout`, { concurrency: true }, () => {
    test('creates N+1 issues, links them, records every number in the plan; a second sync makes no writes', async (t) => {
      const h = await harness(t, layout);
      const before = filesOf(h.root);
      const progress: string[] = [];
      const first = await h.sync({ onProgress: (p) => progress.push(`${p.step}/${p.total} ${p.message}`) });
      assert.equal(first.outcome, 'done', first.message);
      assert.equal(first.created.length, layout.tasks.length + 1);
      assert.equal(first.closed.length, layout.tasks.filter((t) => t.done).length);
      assert.equal(first.linked.length, layout.tasks.length + layout.tasks.reduce((n, t) => n + t.dependsOn.length, 0));
      assert.equal(first.renamed.length, layout === DIRECTORY ? 4 : 0);
      assert.ok(progress.length > 10 && /^1\/\d+ /.test(progress[0]));
      assertSynced(layout, h, before);

      const writes = mutating(h.server);
      const committed = h.server.writes();
      const filesAfterFirst = filesOf(h.root);
      const second = await h.sync();
      assert.equal(second.outcome, 'done', second.message);
      assert.equal(mutating(h.server), writes, 'the second sync sent no writes');
      assert.equal(h.server.writes(), committed);
      assert.equal(second.writes, 0);
      assert.deepEqual(second.plan!.operations, []);
      assert.deepEqual(filesOf(h.root), filesAfterFirst, 'nor changed any file, the state file included');
      // Unchanged issues answer 304 to the ETags recorded.
      const secondGets = h.server.requests.slice(h.server.requests.findIndex((r, i) => i >= writes && r.method === 'GET'));
      assert.ok(secondGets.some((r) => r.status === 304));
    });

    for (const how of ['error-after-commit', 'drop-after-commit', 'crash'] as const) {
      test(`every write interrupted once (${how}): a rerun ends with exactly N+1 issues and the same files`, { concurrency: 16 }, async (t) => {
        // The writes of an uninterrupted sync, to interrupt each in turn.
        const clean = await harness(t, layout);
        const cleanRun = interrupted(trackerOf(clean.server), clean.server, -1, 'crash');
        assert.equal((await clean.sync({ tracker: cleanRun.tracker })).outcome, 'done');
        const total = cleanRun.writes();
        assert.ok(total > layout.tasks.length * 2);
        const cases: Promise<void>[] = [];
        for (const at of writesToInterrupt(cleanRun.kinds(), how)) {
          const write = at;
          cases.push(t.test(`write ${at + 1} of ${total}`, async (st) => {
            const h = await harness(st, layout);
            const before = filesOf(h.root);
            const run = interrupted(trackerOf(h.server), h.server, write, how);
            const store = new NodeSyncStateStore(h.root);
            const frozen: SyncStateStore = {
              load: () => store.load(),
              save: async (text) => {
                if (!run.crashed()) await store.save(text);
              },
            };
            const first = await h.sync({ tracker: run.tracker, state: frozen });
            if (how === 'crash') assert.equal(first.outcome, 'failed');
            if (first.outcome !== 'done') {
              const again = await h.sync();
              assert.equal(again.outcome, 'done', again.message);
            }
            assertSynced(layout, h, before);
            const writes = mutating(h.server);
            const last = await h.sync();
            assert.equal(last.outcome, 'done');
            assert.equal(mutating(h.server), writes, 'and a further sync makes no writes');
          }));
        }
        await Promise.all(cases);
      });
    }

    test('a task changed in the plan updates its issue; one edited on GitHub is not overwritten when refused', async (t) => {
      const h = await harness(t, layout);
      assert.equal((await h.sync()).outcome, 'done');
      const marked = markedIssues(h.server, layout.epicId);
      const [first, second] = layout.tasks.filter((x) => !x.done);
      const edited = marked.get(`${layout.epicId}/${second.id}`)!;
      const tracker = trackerOf(h.server);
      const onGitHub = `${edited.body}\nA note someone added on GitHub.`;
      await tracker.updateIssue(edited.number, { body: onGitHub });

      // Change both tasks' text in the plan.
      const files = filesOf(h.root);
      const change = (id: string, number: number) => {
        if (layout === SINGLE_FILE) {
          const path = 'epics/epic-001-link-shortener.md';
          const text = readFileSync(join(h.root, path), 'utf8');
          const at = text.indexOf(`**Task ${id.slice(1)}:**`);
          const lineEnd = text.indexOf('\n', at);
          writeFileSync(join(h.root, path), `${text.slice(0, lineEnd + 1)}  - Added in the plan\n${text.slice(lineEnd + 1)}`);
        } else {
          const path = [...files.keys()].find((p) => p.endsWith(`/${number}.md`))!;
          writeFileSync(join(h.root, path), `${readFileSync(join(h.root, path), 'utf8')}\nAdded in the plan.\n`);
        }
      };
      const firstIssue = marked.get(`${layout.epicId}/${first.id}`)!;
      change(first.id, firstIssue.number);
      change(second.id, edited.number);

      const asked: Array<[TrackerIssue, OverwriteQuestion]> = [];
      const writesBefore = h.server.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith(`/issues/${edited.number}`)).length;
      const refused = await h.sync({ confirmOverwrite: async (issue, question) => (asked.push([issue, question]), false) });
      assert.equal(refused.outcome, 'done', refused.message);
      assert.equal(asked.length, 1);
      assert.equal(asked[0][0].number, edited.number);
      assert.match(asked[0][1].why, /edited on GitHub since the last sync/);
      assert.deepEqual(asked[0][1].changes.map((c) => c.field), ['body']);
      assert.equal(h.server.issue(edited.number)!.body, onGitHub, 'not overwritten');
      assert.equal(h.server.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith(`/issues/${edited.number}`)).length, writesBefore);
      assert.ok(refused.skipped.some((s) => s.number === edited.number && /not confirmed/.test(s.detail ?? '')));
      assert.deepEqual(refused.updated.map((u) => u.number), [firstIssue.number], 'the other changed task is updated without asking');
      assert.match(h.server.issue(firstIssue.number)!.body ?? '', /Added in the plan/);

      // Asked again next time, and overwritten when confirmed.
      const confirmed = await h.sync({ confirmOverwrite: async () => true });
      assert.deepEqual(confirmed.updated.map((u) => u.number), [edited.number]);
      assert.match(h.server.issue(edited.number)!.body ?? '', /Added in the plan/);
      assert.doesNotMatch(h.server.issue(edited.number)!.body ?? '', /someone added on GitHub/);
      const writes = mutating(h.server);
      assert.equal((await h.sync()).writes, 0);
      assert.equal(mutating(h.server), writes);
    });
  });
}

describe('sync, the rest', { concurrency: true }, () => {
  test('the preview reads only, and lists what the sync then does', async (t) => {
    const h = await harness(t, SINGLE_FILE);
    const before = filesOf(h.root);
    const preview = await h.preview();
    assert.equal(preview.outcome, 'done', preview.message);
    assert.equal(mutating(h.server), 0);
    assert.deepEqual(filesOf(h.root), before);
    assert.ok(preview.preview.includes('Create an issue for T1 Scaffold the Fastify service'));
    assert.match(preview.preview.at(-1)!, /^11 issues to create, 1 update, 10 sub-issue links, 11 dependencies, 2 labels: \d+ writes to octo-org\/planning\.$/);
    const run = await h.sync({ confirmedPreview: preview.preview });
    assert.equal(run.outcome, 'done', run.message);
    assert.deepEqual(run.preview, preview.preview);
  });

  test('a run given the preview someone confirmed writes nothing when the plan changed since', async (t) => {
    const h = await harness(t, SINGLE_FILE);
    const preview = await h.preview();
    const path = join(h.root, 'epics/epic-001-link-shortener.md');
    writeFileSync(path, readFileSync(path, 'utf8').replace('Runbook and dashboards', 'Runbook, dashboards and alerts'));
    const before = filesOf(h.root);
    const run = await h.sync({ confirmedPreview: preview.preview });
    assert.equal(run.outcome, 'refused');
    assert.match(run.message ?? '', /changed since the preview was confirmed; nothing was written/);
    assert.equal(mutating(h.server), 0);
    assert.deepEqual(filesOf(h.root), before);
  });

  test('a title changed in the plan updates the task and the task list of the epic, without asking', async (t) => {
    const h = await harness(t, SINGLE_FILE);
    assert.equal((await h.sync()).outcome, 'done');
    const path = join(h.root, 'epics/epic-001-link-shortener.md');
    writeFileSync(path, readFileSync(path, 'utf8').replace('Runbook and dashboards', 'Runbook, dashboards and alerts'));
    let asked = 0;
    const result = await h.sync({ confirmOverwrite: async () => (asked++, true) });
    assert.equal(asked, 0);
    assert.equal(result.updated.length, 2);
    const marked = markedIssues(h.server, SINGLE_FILE.epicId);
    assert.equal(marked.get('epic-001-link-shortener/T10')!.title, 'Runbook, dashboards and alerts');
    assert.match(marked.get('epic-001-link-shortener')!.body ?? '', /#\d+ Runbook, dashboards and alerts\n/);
  });

  test('tasks moved in the plan reorder the sub-issues', async (t) => {
    const h = await harness(t, SINGLE_FILE);
    assert.equal((await h.sync()).outcome, 'done');
    const path = join(h.root, 'epics/epic-001-link-shortener.md');
    const text = readFileSync(path, 'utf8');
    // Task 10's block moves before Task 9's.
    const t9 = text.slice(text.indexOf('- [ ] **Task 9:**'), text.indexOf('- [ ] **Task 10:**'));
    const t10 = text.slice(text.indexOf('- [ ] **Task 10:**'), text.indexOf('\n## Milestones'));
    writeFileSync(path, text.replace(t9 + t10, `${t10.trimEnd()}\n\n${t9.trimEnd()}\n`));
    const result = await h.sync();
    assert.equal(result.outcome, 'done', result.message);
    const marked = markedIssues(h.server, SINGLE_FILE.epicId);
    const order = marked.get(SINGLE_FILE.epicId)!.subIssueIds.map((id) => h.server.issues().find((i) => i.id === id)!.number);
    const number = (id: string) => marked.get(`epic-001-link-shortener/${id}`)!.number;
    assert.deepEqual(order.slice(-2), [number('T10'), number('T9')]);
    assert.ok(result.linked.some((l) => /plan order \(1 moved\)/.test(l.detail ?? '')));
  });

  test('cancelled midway, then run again: N+1 issues', async (t) => {
    const h = await harness(t, DIRECTORY);
    const before = filesOf(h.root);
    const controller = new AbortController();
    const first = await h.sync({
      signal: controller.signal,
      onProgress: (p) => {
        if (p.step === 6) controller.abort();
      },
    });
    assert.equal(first.outcome, 'cancelled');
    assert.match(first.message ?? '', /cancelled/);
    assert.equal((await h.sync()).outcome, 'done');
    assertSynced(DIRECTORY, h, before);
  });

  test('a broken state file stops the sync before any write, and is left as it was', async (t) => {
    const h = await harness(t, DIRECTORY);
    const path = join(h.root, SYNC_STATE_PATH);
    cpSync(join(fixturesDir, 'unsynced', '.claude', 'epics', 'search', 'epic.md'), path, { recursive: true });
    writeFileSync(path, '{ "version": 1, "issues": { "12": ');
    const result = await h.sync();
    assert.equal(result.outcome, 'failed');
    assert.match(result.message ?? '', /\.autopm\/sync\.json: it is not valid JSON \(line 1, column \d+\)/);
    assert.equal(mutating(h.server), 0);
    assert.equal(readFileSync(path, 'utf8'), '{ "version": 1, "issues": { "12": ');
  });

  test('a state file of another repository refuses the sync', async (t) => {
    const h = await harness(t, DIRECTORY);
    const path = join(h.root, SYNC_STATE_PATH);
    cpSync(join(fixturesDir, 'unsynced', '.claude', 'epics', 'search', 'epic.md'), path, { recursive: true });
    writeFileSync(path, '{\n  "issues": {},\n  "repository": "acme/elsewhere",\n  "version": 1\n}\n');
    const result = await h.sync();
    assert.equal(result.outcome, 'refused');
    assert.match(result.message ?? '', /belongs to acme\/elsewhere, not octo-org\/planning/);
    assert.equal(mutating(h.server), 0);
  });

  test('the first sync of a workspace asks to confirm the repository', async (t) => {
    const h = await harness(t, DIRECTORY);
    const asked: string[] = [];
    const no = await h.sync({ confirmRepository: async (r) => (asked.push(r.fullName), false) });
    assert.equal(no.outcome, 'cancelled');
    assert.deepEqual(asked, ['octo-org/planning']);
    assert.equal(mutating(h.server), 0);
    assert.equal((await h.sync({ confirmRepository: async () => true })).outcome, 'done');
    const again: string[] = [];
    await h.sync({ confirmRepository: async (r) => (again.push(r.fullName), true) });
    assert.deepEqual(again, [], 'not asked once the state file names the repository');
  });

  test('a repository without write permission is refused before any write', async (t) => {
    const s = await startGitHubServer({ permissions: { push: false, triage: false } });
    t.after(() => s.close());
    const h = await harness(t, DIRECTORY, s);
    const result = await h.sync();
    assert.equal(result.outcome, 'refused');
    assert.match(result.message ?? '', /needs push or triage permission/);
    assert.equal(mutating(s), 0);
  });

  test('writes beyond the pacing limits wait for the window, and the preview says how long', async (t) => {
    const h = await harness(t, DIRECTORY);
    let now = 1_000_000;
    const slept: number[] = [];
    const clock: SyncClock = { now: () => now, sleep: async (ms) => void (slept.push(ms), (now += ms)) };
    const limits = { ...GITHUB_LIMITS, writesPerMinute: 5, writeIntervalMs: 0 };
    const preview = await h.preview({ limits });
    assert.ok(preview.preview.some((l) => /5 content-creating requests a minute.*at least 2 minutes/.test(l)), preview.preview.join('\n'));
    const lines: string[] = [];
    const result = await h.sync({ limits, clock, log: (l) => lines.push(l) });
    assert.equal(result.outcome, 'done', result.message);
    assert.equal(result.writes, 15);
    assert.deepEqual(slept, [60_000, 60_000]);
    assert.ok(lines.some((l) => /^Waiting 60 seconds: GitHub allows 5 content-creating requests a minute/.test(l)));
  });
});

// ---- dependencies dropped from the plan --------------------------------------------------------

const EPIC_FILE = 'epics/epic-001-link-shortener.md';

/** Edits the single-file example in the workspace. */
function editEpic(h: Harness, edit: (text: string) => string): void {
  const path = join(h.root, EPIC_FILE);
  const before = readFileSync(path, 'utf8');
  const after = edit(before);
  assert.notEqual(after, before, 'the edit changed the plan');
  writeFileSync(path, after);
}

/** The numbers of the tasks' issues, by task id, and a reader of who blocks an issue (as numbers). */
function dependencies(h: Harness, layout: Layout) {
  const marked = markedIssues(h.server, layout.epicId);
  const number = (id: string) => marked.get(`${layout.epicId}/${id}`)!.number;
  const blockers = (n: number) => {
    const byId = new Map(h.server.issues().map((i) => [i.id, i.number]));
    return h.server.issue(n)!.blockedByIds.map((id) => byId.get(id)!).sort((a, b) => a - b);
  };
  return { number, blockers, epic: marked.get(layout.epicId)!.number };
}

const DELETES = (s: GitHubServer) => s.requests.filter((r) => r.method === 'DELETE' && /\/dependencies\/blocked_by\/\d+$/.test(r.path));

describe('sync, dependencies dropped from the plan', { concurrency: true }, () => {
  test('a dropped and a replaced dependency lose their links on GitHub; the next sync makes no writes', async (t) => {
    const h = await harness(t, SINGLE_FILE);
    assert.equal((await h.sync()).outcome, 'done');
    const { number, blockers } = dependencies(h, SINGLE_FILE);
    assert.deepEqual(blockers(number('T4')), [number('T3')]);
    assert.deepEqual(blockers(number('T5')), [number('T3'), number('T6')]);

    // T4 no longer waits on T3 (a mermaid edge); T5 waits on T2 instead of T3 (a bullet).
    editEpic(h, (text) => text.replace('    T3 --> T4[Task 4: Redirects]\n', '').replace('  - **Depends on:** Task 3\n', '  - **Depends on:** Task 2\n'));
    const preview = await h.preview();
    assert.equal(preview.outcome, 'done', preview.message);
    assert.ok(preview.preview.includes(`Remove the link that has #${number('T4')} (T4 Redirect endpoint with Redis cache) blocked by #${number('T3')} (T3 Link table and slug generator): the plan no longer lists that dependency`), preview.preview.join('\n'));
    assert.match(preview.preview.at(-1)!, /, 1 dependency, 2 dependencies to remove, /);
    const kinds = preview.plan!.operations.map((o) => o.kind);
    assert.ok(kinds.lastIndexOf('remove-blocked-by') < kinds.indexOf('add-blocked-by'));

    const second = await h.sync({ confirmedPreview: preview.preview });
    assert.equal(second.outcome, 'done', second.message);
    assert.deepEqual(blockers(number('T4')), []);
    assert.deepEqual(blockers(number('T5')), [number('T2'), number('T6')]);
    const deletes = DELETES(h.server);
    assert.deepEqual(
      deletes.map((r) => [r.path.replace(/\?.*$/, ''), r.status]),
      [
        [`/repos/octo-org/planning/issues/${number('T4')}/dependencies/blocked_by/${h.server.issue(number('T3'))!.id}`, 200],
        [`/repos/octo-org/planning/issues/${number('T5')}/dependencies/blocked_by/${h.server.issue(number('T3'))!.id}`, 200],
      ],
    );
    assert.ok(second.linked.some((l) => l.number === number('T4') && l.detail === `no longer blocked by #${number('T3')}`));
    // The bodies no longer name the dropped dependency.
    assert.doesNotMatch(h.server.issue(number('T4'))!.body ?? '', /Depends on/);

    const writes = mutating(h.server);
    const third = await h.sync();
    assert.equal(third.outcome, 'done', third.message);
    assert.deepEqual(third.plan!.operations, []);
    assert.equal(mutating(h.server), writes, 'the third sync sent no writes');
  });

  test('a dependency dropped from a task file (directory layout) loses its link', async (t) => {
    const h = await harness(t, DIRECTORY);
    assert.equal((await h.sync()).outcome, 'done');
    const { number, blockers } = dependencies(h, DIRECTORY);
    const page = number('010');
    assert.deepEqual(blockers(page), [number('002'), number('003')]);
    const path = join(h.root, '.claude/epics/search', `${page}.md`);
    writeFileSync(path, readFileSync(path, 'utf8').replace(`depends_on: [${number('002')}, ${number('003')}]`, `depends_on: [${number('002')}]`));
    const second = await h.sync();
    assert.equal(second.outcome, 'done', second.message);
    assert.deepEqual(blockers(page), [number('002')]);
    const writes = mutating(h.server);
    assert.equal((await h.sync()).writes, 0);
    assert.equal(mutating(h.server), writes);
  });

  test('links someone made on GitHub to other issues stay; links between two of the plan\'s tasks that it lacks go', async (t) => {
    const h = await harness(t, SINGLE_FILE);
    assert.equal((await h.sync()).outcome, 'done');
    const { number, blockers, epic } = dependencies(h, SINGLE_FILE);
    const outsider = h.server.seedIssue({ title: 'Found in review', body: 'Not from the plan' });
    const otherEpic = h.server.seedIssue({ title: 'Another epic’s task', body: '<!-- autopm:task epic-002-other/T1 -->' });
    const tracker = trackerOf(h.server);
    for (const blocker of [outsider.number, otherEpic.number, epic, number('T8')]) await tracker.addBlockedBy(number('T9'), h.server.issue(blocker)!.id);
    const preview = await h.preview();
    assert.deepEqual(preview.plan!.operations.map((o) => o.kind), ['remove-blocked-by'], preview.preview.join('\n'));
    assert.ok(preview.preview.every((l) => !l.includes(`#${outsider.number}`) && !l.includes(`#${otherEpic.number}`)));
    assert.equal((await h.sync()).outcome, 'done');
    assert.deepEqual(blockers(number('T9')), [number('T4'), epic, outsider.number, otherEpic.number].sort((a, b) => a - b));
    const writes = mutating(h.server);
    assert.equal((await h.sync()).writes, 0);
    assert.equal(mutating(h.server), writes);
  });

  for (const how of ['error-after-commit', 'drop-after-commit', 'crash'] as const) {
    test(`a removal interrupted (${how}) is finished by the run or the next one, never repeated after it is done`, async (t) => {
      const h = await harness(t, SINGLE_FILE);
      assert.equal((await h.sync()).outcome, 'done');
      const { number, blockers } = dependencies(h, SINGLE_FILE);
      editEpic(h, (text) => text.replace('    T3 --> T4[Task 4: Redirects]\n', ''));
      // The update of T4's body comes first, then the removal: the second write.
      const run = interrupted(trackerOf(h.server), h.server, 1, how);
      const first = await h.sync({ tracker: run.tracker });
      if (how === 'crash') assert.equal(first.outcome, 'failed');
      else {
        assert.equal(first.outcome, 'done', first.message);
        assert.equal(DELETES(h.server)[0].fault, how);
      }
      assert.deepEqual(blockers(number('T4')), []);
      // Not sent again: after a failure without an answer, the run looked first.
      assert.equal(DELETES(h.server).length, 1);
      const again = await h.sync();
      assert.equal(again.outcome, 'done', again.message);
      assert.ok(again.plan!.operations.every((o) => o.kind !== 'remove-blocked-by'));
      assert.equal(DELETES(h.server).length, 1);
      const writes = mutating(h.server);
      assert.equal((await h.sync()).writes, 0);
      assert.equal(mutating(h.server), writes);
    });
  }

  test('a removal GitHub keeps failing fails the sync; the next sync removes the link', async (t) => {
    const h = await harness(t, SINGLE_FILE);
    assert.equal((await h.sync()).outcome, 'done');
    const { number, blockers } = dependencies(h, SINGLE_FILE);
    editEpic(h, (text) => text.replace('    T3 --> T4[Task 4: Redirects]\n', ''));
    h.server.faults.add({ method: 'DELETE', path: '/repos/*/*/issues/*/dependencies/blocked_by/*', times: 3, fault: { kind: 'status', status: 502 } });
    const failed = await h.sync();
    assert.equal(failed.outcome, 'failed');
    assert.match(failed.message ?? '', /Run the sync again to resume/);
    assert.deepEqual(blockers(number('T4')), [number('T3')]);
    assert.equal(DELETES(h.server).length, 3, 'tried three times, looking in between whether it happened');
    const resumed = await h.sync();
    assert.equal(resumed.outcome, 'done', resumed.message);
    assert.deepEqual(blockers(number('T4')), []);
    const writes = mutating(h.server);
    assert.equal((await h.sync()).writes, 0);
    assert.equal(mutating(h.server), writes);
  });

  test('a link already gone when the removal arrives (404) counts as removed', async (t) => {
    const h = await harness(t, SINGLE_FILE);
    assert.equal((await h.sync()).outcome, 'done');
    const { number, blockers } = dependencies(h, SINGLE_FILE);
    editEpic(h, (text) => text.replace('    T3 --> T4[Task 4: Redirects]\n', ''));
    const preview = await h.preview();
    // Someone removes it on GitHub between the preview and the run's request.
    const tracker = trackerOf(h.server);
    const racing = new Proxy(tracker, {
      get(target, property) {
        const value = Reflect.get(target, property) as unknown;
        if (property !== 'removeBlockedBy' || typeof value !== 'function') return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        return async (issue: number, blockingId: number, signal?: AbortSignal) => {
          await target.removeBlockedBy!(issue, blockingId, signal);
          return target.removeBlockedBy!(issue, blockingId, signal);
        };
      },
    });
    const run = await h.sync({ tracker: racing, confirmedPreview: preview.preview });
    assert.equal(run.outcome, 'done', run.message);
    assert.deepEqual(DELETES(h.server).map((r) => r.status), [200, 404]);
    assert.deepEqual(blockers(number('T4')), []);
    assert.equal((await h.sync()).writes, 0);
  });

  test('a tracker that cannot remove links leaves them, and the preview says so', async (t) => {
    const h = await harness(t, SINGLE_FILE);
    assert.equal((await h.sync()).outcome, 'done');
    const { number, blockers } = dependencies(h, SINGLE_FILE);
    editEpic(h, (text) => text.replace('    T3 --> T4[Task 4: Redirects]\n', ''));
    const inner = trackerOf(h.server);
    const limited: Tracker = new Proxy(inner, {
      get: (target, property) => (property === 'removeBlockedBy' ? undefined : typeof Reflect.get(target, property) === 'function' ? (Reflect.get(target, property) as (...a: unknown[]) => unknown).bind(target) : Reflect.get(target, property)),
    });
    const result = await h.sync({ tracker: limited });
    assert.equal(result.outcome, 'done', result.message);
    assert.ok(
      result.preview.includes(`Skip T4 Redirect endpoint with Redis cache: #${number('T4')} stays blocked by #${number('T3')} on octo-org/planning, though the plan no longer lists that dependency: this tracker cannot remove dependencies`),
      result.preview.join('\n'),
    );
    assert.deepEqual(blockers(number('T4')), [number('T3')]);
    assert.equal(DELETES(h.server).length, 0);
  });

  test("a task removed from the plan keeps its issue and its place under the epic's, and the preview says so", async (t) => {
    const h = await harness(t, SINGLE_FILE);
    assert.equal((await h.sync()).outcome, 'done');
    const { number, epic } = dependencies(h, SINGLE_FILE);
    const runbook = number('T10');
    const before = h.server.issue(runbook)!;
    editEpic(h, (text) =>
      text
        .replace(/\n- \[ \] \*\*Task 10:\*\* Runbook and dashboards.*\n {2}- \*\*Estimate:\*\* 2 hours\n/, '\n')
        .replace('    T8 --> T10[Task 10: Runbook]\n    T9 --> T10\n', ''),
    );
    const result = await h.sync();
    assert.equal(result.outcome, 'done', result.message);
    assert.ok(result.preview.includes(`#${runbook} is a sub-issue of the epic but no longer a task of the plan: left as it is`), result.preview.join('\n'));
    const after = h.server.issue(runbook)!;
    assert.equal(after.state, 'open');
    assert.equal(after.body, before.body);
    assert.deepEqual(after.blockedByIds, before.blockedByIds, 'its own links are left too');
    assert.ok(h.server.issue(epic)!.subIssueIds.includes(after.id));
    assert.doesNotMatch(h.server.issue(epic)!.body ?? '', new RegExp(`#${runbook} `), "the epic's task list no longer names it");
    const writes = mutating(h.server);
    const again = await h.sync();
    assert.equal(again.writes, 0);
    assert.equal(mutating(h.server), writes);
    assert.ok(again.preview.includes(`#${runbook} is a sub-issue of the epic but no longer a task of the plan: left as it is`));
  });
});
