// Import against the local GitHub server through the real GitHub tracker: an epic issue
// with its sub-issues and blocked-by links, and issues by label or milestone, into both
// layouts; what is written reads back through the index as exactly what was imported,
// and a sync of the imported epic afterwards makes no duplicate issues.
import { describe, test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Epic } from '../../src/core/model';
import { PlanIndex } from '../../src/core/planIndex';
import { GITHUB_LIMITS } from '../../src/core/sync/limits';
import { contentHash, normaliseBody } from '../../src/core/sync/desired';
import { importFolder, newEpicLocation, planImport } from '../../src/core/sync/importPlan';
import type { ImportIssue } from '../../src/core/sync/importPlan';
import { findMarker, stableKey } from '../../src/core/sync/marker';
import { parseSyncState, SYNC_STATE_PATH } from '../../src/core/sync/syncState';
import { NodePlanFileSystem } from '../../src/services/nodePlanFileSystem';
import type { ImportOptions, ImportResult } from '../../src/services/sync/importEngine';
import { importIssues, nodeImportWorkspace } from '../../src/services/sync/importEngine';
import { NodePlanAccess, NodeSyncStateStore } from '../../src/services/sync/nodeSyncAccess';
import type { SyncResult } from '../../src/services/sync/syncEngine';
import { runSync } from '../../src/services/sync/syncEngine';
import { startGitHubServer } from '../servers/github/server';
import type { GitHubServer } from '../servers/github/server';
import { examplesDir, fixturesDir } from './helpers';
import { filesOf, trackerOf } from './syncHelpers';

// ---- workspaces and the server --------------------------------------------------------

type LayoutName = 'single-file' | 'directory';

function workspace(t: TestContext, layout: LayoutName): string {
  const root = mkdtempSync(join(tmpdir(), `autopm-import-${layout}-`));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  if (layout === 'single-file') cpSync(join(examplesDir, 'epics'), join(root, 'epics'), { recursive: true });
  else cpSync(join(fixturesDir, 'unsynced', '.claude'), join(root, '.claude'), { recursive: true });
  return root;
}

async function server(t: TestContext): Promise<GitHubServer> {
  const s = await startGitHubServer();
  t.after(() => s.close());
  return s;
}

interface Seeded {
  readonly epic: number;
  /** The tasks' numbers in sub-issue order. */
  readonly tasks: readonly number[];
  /** Blocked-by links among them, `blocker>blocked`. */
  readonly edges: readonly string[];
  /** An issue outside the epic that blocks one of its tasks. */
  readonly outside: number;
}

/**
 * An epic issue with five sub-issues in an order that is not their numbers', two of them
 * closed (one as not planned), bodies that the single-file layout cannot simply nest
 * (a heading, a shell comment in a fence, task and dependency lines of their own), and
 * blocked-by links among them and to an issue outside.
 */
function seedEpic(s: GitHubServer, asSubIssues = true): Seeded {
  for (let i = 1; i <= 3; i++) s.seedIssue({ title: `Older issue ${i}` });
  s.seedPullRequest({ title: 'A pull request' });
  const outside = s.seedIssue({ title: 'Vendor contract signed' }).number;
  const card = s.seedIssue({ title: 'Card form', body: '- Card number, expiry, CVC\r\n- Client-side validation\r\n', labels: ['payments'] }).number;
  const refunds = s.seedIssue({
    title: 'Refunds',
    body: '## Rules\n\nFull and partial refunds.\n\n```sh\n# replay a refund\nnpm run refund -- --id 42\n```\n',
    labels: ['payments'],
  }).number;
  // Its dependencies said the way a sync writes them: the sync writes that line again.
  const charge = s.seedIssue({ title: 'Charge API', state: 'closed', labels: ['payments'], body: `Charges through the provider.\n\n**Depends on:** #${card}, #${refunds}\n` }).number;
  const receipts = s.seedIssue({ title: 'Receipts by email', state: 'closed', stateReason: 'not_planned', body: 'Dropped for now.' }).number;
  const hooks = s.seedIssue({ title: 'Webhooks', body: '- [ ] **Task 9:** not a task of ours\n- **Depends on:** Task 1\n', labels: ['payments'] }).number;
  const epic = s.seedIssue({ title: 'Payments v2', body: `Take card payments.\r\n\r\n## Tasks\r\n\r\n- [ ] #${card} Card form\r\n- [x] #${charge} Charge API\r\n`, labels: ['epic'] }).number;
  const order = [card, refunds, charge, hooks, receipts];
  if (asSubIssues) for (const n of order) s.seedSubIssue(epic, n);
  const edges: Array<[number, number]> = [
    [card, refunds],
    [card, charge],
    [refunds, charge],
    [charge, hooks],
  ];
  for (const [blocker, blocked] of edges) s.seedBlockedBy(blocked, blocker);
  s.seedBlockedBy(receipts, outside);
  return { epic, tasks: order, edges: edges.map(([a, b]) => `${a}>${b}`), outside };
}

interface Harness {
  readonly root: string;
  readonly server: GitHubServer;
  import(extra: Partial<ImportOptions> & Pick<ImportOptions, 'source'>): Promise<ImportResult>;
  sync(epicId: string): Promise<SyncResult>;
  index(): Promise<PlanIndex>;
}

async function harness(t: TestContext, layout: LayoutName, s?: GitHubServer): Promise<Harness> {
  const root = workspace(t, layout);
  const gh = s ?? (await server(t));
  const index = async () => {
    const i = new PlanIndex(new NodePlanFileSystem(root));
    await i.build();
    return i;
  };
  return {
    root,
    server: gh,
    index,
    import: async (extra) => {
      const i = await index();
      const ws = nodeImportWorkspace(root, i);
      return importIssues({ tracker: trackerOf(gh), workspace: ws, state: new NodeSyncStateStore(root), now: () => '2026-05-01T09:00:00Z', ...extra });
    },
    sync: async (epicId) => {
      const i = await index();
      return runSync({ tracker: trackerOf(gh), plan: new NodePlanAccess(root, i, epicId), state: new NodeSyncStateStore(root), limits: { ...GITHUB_LIMITS, writeIntervalMs: 0 } });
    },
  };
}

function mutating(s: GitHubServer): number {
  return s.requests.filter((r) => r.method !== 'GET').length;
}

/** The epic's tasks and dependency edges, by issue number: what an import must give back. */
function readBack(epic: Epic): { tasks: string[]; edges: string[] } {
  const byId = new Map(epic.tasks.map((t) => [t.id, t.issue] as const));
  return {
    tasks: epic.tasks.map((t) => `${t.issue} ${t.state === 'done' ? 'done' : 'open'} ${t.title}`),
    edges: epic.tasks.flatMap((t) => t.dependsOn.map((d) => `${byId.get(d)}>${t.issue}`)).sort(),
  };
}

// ---- tests ----------------------------------------------------------------------------------

for (const layout of ['single-file', 'directory'] as const) {
  describe(`import, ${layout} layout`, { concurrency: true }, () => {
    test('an epic issue with its sub-issues and blocked-by links reads back as exactly that; a following sync makes no new issues', async (t) => {
      const h = await harness(t, layout);
      const seeded = seedEpic(h.server);
      const before = filesOf(h.root);
      const issuesBefore = h.server.issues().length;

      const result = await h.import({ source: { kind: 'epic', number: seeded.epic } });
      assert.equal(result.outcome, 'done', result.message);
      assert.equal(mutating(h.server), 0, 'an import writes nothing to GitHub');
      const epicId = layout === 'single-file' ? 'epic-002-payments-v2' : 'payments-v2';
      assert.equal(result.epicId, epicId);
      assert.equal(result.layout, layout);
      assert.match(result.message, /^Imported #\d+ and its sub-issues as .*: 5 tasks \(2 done\), 4 dependencies/);
      assert.deepEqual(result.external, [{ number: seeded.tasks[4], blockedBy: seeded.outside }]);
      assert.ok(result.notes.some((n) => /closed as not planned/.test(n)));

      // Only new files; every file there before is byte-identical.
      const after = filesOf(h.root);
      for (const [path, text] of before) assert.equal(after.get(path), text, path);
      const added = [...after.keys()].filter((p) => !before.has(p)).sort();
      const expectedFiles =
        layout === 'single-file'
          ? [SYNC_STATE_PATH, 'epics/epic-002-payments-v2.md']
          : [SYNC_STATE_PATH, '.claude/epics/payments-v2/epic.md', ...seeded.tasks.map((n) => `.claude/epics/payments-v2/${n}.md`)].sort();
      assert.deepEqual(added, expectedFiles.sort());

      // Parse-back: the index reads exactly the issues, their states and their links.
      const index = await h.index();
      const epic = index.epic(epicId)!;
      assert.ok(epic, 'the index has the new epic');
      assert.equal(epic.title, 'Payments v2');
      assert.equal(epic.layout, layout);
      assert.match(epic.github ?? '', new RegExp(`/issues/${seeded.epic}$`));
      const issue = (n: number) => h.server.issue(n)!;
      // The directory layout orders tasks by file number, which is the issue number.
      const planOrder = layout === 'directory' ? [...seeded.tasks].sort((a, b) => a - b) : seeded.tasks;
      assert.deepEqual(readBack(epic), {
        tasks: planOrder.map((n) => `${n} ${issue(n).state === 'closed' ? 'done' : 'open'} ${issue(n).title}`),
        edges: [...seeded.edges].sort(),
      });
      assert.equal(epic.milestones.length, 0);
      assert.deepEqual(
        index.diagnostics().filter((d) => d.path.includes('payments-v2') && d.severity !== 'info'),
        [],
        'and nothing in it to warn about',
      );
      if (layout === 'directory') assert.deepEqual(epic.tasks.map((t) => t.id), planOrder.map(String));
      else assert.deepEqual(epic.tasks.map((t) => t.id), ['T1', 'T2', 'T3', 'T4', 'T5']);

      // Every issue is recorded under the key a sync of this epic uses for it.
      const state = parseSyncState(readFileSync(join(h.root, SYNC_STATE_PATH), 'utf8'));
      assert.equal(state.repository, 'octo-org/planning');
      assert.deepEqual(
        [...state.issues].map(([n, r]) => `${n} ${r.key} ${r.state}`).sort(),
        [`${seeded.epic} ${stableKey(epicId)} open`, ...epic.tasks.map((t) => `${t.issue} ${stableKey(epicId, t.id)} ${t.state === 'done' ? 'closed' : 'open'}`)].sort(),
      );
      for (const [n, record] of state.issues) assert.equal(record.id, issue(n).id, `the id of #${n}`);

      // The plan holds the bodies whose text fits it; the webhooks body does so only in the
      // single-file layout's code form, which still reads back exactly.
      assert.ok(result.tasks.every((task) => task.exact), JSON.stringify(result.tasks.filter((x) => !x.exact)));
      const text = readFileSync(join(h.root, result.path!), 'utf8');
      if (layout === 'single-file') {
        assert.match(text, /^- \[x\] \*\*Task 3:\*\* Charge API \(#\d+\)$/m);
        assert.match(text, /\n\n {6}- \[ \] \*\*Task 9:\*\* not a task of ours\n/, 'a body with task lines of its own is kept out of the parser’s reach');
        assert.match(text, /```mermaid\ngraph TD\n {4}T1 --> T2\n/);
      }

      // A sync of the imported epic: no issue created, every issue kept; the bodies gain
      // the marker (and the dependency line), the labels are added.
      const sync = await h.sync(epicId);
      assert.equal(sync.outcome, 'done', sync.message);
      assert.deepEqual(sync.created, []);
      assert.equal(h.server.issues().length, issuesBefore, 'no issue created');
      // The sub-issue and blocked-by links were there; the directory layout's order is the numbers'.
      assert.deepEqual(sync.linked.map((l) => l.detail), layout === 'directory' ? ['sub-issues put in plan order (1 moved)'] : []);
      assert.deepEqual(sync.closed.concat(sync.reopened), []);
      assert.equal(sync.updated.length, 6, 'the marker added to each body');
      assert.equal(sync.labelled.length, 6);
      const writes = mutating(h.server);
      t.diagnostic(`the sync after the import: ${writes} writes (${sync.labels.length} labels created, ${sync.updated.length} bodies, ${sync.labelled.length} label additions)`);
      for (const n of [seeded.epic, ...seeded.tasks]) {
        const now = issue(n);
        const marker = findMarker(now.body);
        assert.ok(marker && (marker.key === epicId || marker.key.startsWith(`${epicId}/`)), `#${n} carries the marker`);
      }
      // A task body: its own text first, unchanged; then what the sync adds.
      const refunds = issue(seeded.tasks[1]);
      assert.ok(normaliseBody(refunds.body).startsWith('## Rules\n\nFull and partial refunds.\n\n```sh\n# replay a refund\nnpm run refund -- --id 42\n```\n\n'), refunds.body ?? '');
      assert.match(refunds.body ?? '', new RegExp(`\\*\\*Depends on:\\*\\* #${seeded.tasks[0]}\\n\\n<!-- autopm:task `));
      assert.equal(normaliseBody(issue(seeded.tasks[2]).body), `Charges through the provider.\n\n**Depends on:** #${seeded.tasks[0]}, #${seeded.tasks[1]}\n\n<!-- autopm:task ${epicId}/${epic.tasks[2].id} -->`);
      assert.deepEqual(filesOf(h.root).get(result.path!), text, 'the sync had nothing to write into the plan');

      const again = await h.sync(epicId);
      assert.equal(again.outcome, 'done', again.message);
      assert.equal(mutating(h.server), writes, 'and a second sync makes no writes');
    });

    test('issues by label; the follow-up sync creates only the epic issue', async (t) => {
      const h = await harness(t, layout);
      // Not sub-issues of another issue: GitHub gives an issue one parent only.
      const seeded = seedEpic(h.server, false);
      const labelled = [seeded.tasks[0], seeded.tasks[2], seeded.tasks[1], seeded.tasks[3]].sort((a, b) => a - b);
      const result = await h.import({ source: { kind: 'label', label: 'Payments' }, title: 'Payments work' });
      assert.equal(result.outcome, 'done', result.message);
      const epicId = layout === 'single-file' ? 'epic-002-payments-work' : 'payments-work';
      assert.equal(result.epicId, epicId);
      const epic = (await h.index()).epic(epicId)!;
      assert.equal(epic.github, undefined);
      const issue = (n: number) => h.server.issue(n)!;
      assert.deepEqual(readBack(epic), {
        tasks: labelled.map((n) => `${n} ${issue(n).state === 'closed' ? 'done' : 'open'} ${issue(n).title}`),
        edges: [...seeded.edges].sort(),
      });
      const count = h.server.issues().length;
      const sync = await h.sync(epicId);
      assert.equal(sync.outcome, 'done', sync.message);
      assert.equal(sync.created.length, 1);
      assert.equal(sync.created[0].label, 'the epic');
      assert.equal(h.server.issues().length, count + 1);
      assert.equal(sync.linked.length, labelled.length, 'each task made a sub-issue of the new epic issue, no dependency added');
      const writes = mutating(h.server);
      assert.equal((await h.sync(epicId)).writes, 0);
      assert.equal(mutating(h.server), writes);
    });
  });
}

describe('import, the rest', { concurrency: true }, () => {
  test('sub-issues of a task are named and left on GitHub, not imported', async (t) => {
    const h = await harness(t, 'single-file');
    const seeded = seedEpic(h.server);
    const card = seeded.tasks[0];
    const nested = [h.server.seedIssue({ title: 'Card form: expiry rules' }).number, h.server.seedIssue({ title: 'Card form: CVC hint' }).number];
    for (const n of nested) h.server.seedSubIssue(card, n);

    const result = await h.import({ source: { kind: 'epic', number: seeded.epic } });
    assert.equal(result.outcome, 'done', result.message);
    assert.match(result.message, /: 5 tasks \(2 done\)/);
    assert.deepEqual(
      result.notes.filter((n) => n.includes('sub-issues of its own')),
      [`#${card} has sub-issues of its own (#${nested[0]}, #${nested[1]}), which were not imported: a task has no subtasks. Import #${card} to make them an epic of their own.`],
    );
    const epic = (await h.index()).epic(result.epicId!)!;
    assert.deepEqual(epic.tasks.map((task) => task.issue), seeded.tasks);
    assert.deepEqual((await trackerOf(h.server).listSubIssues(card)).map((i) => i.number), nested, 'GitHub keeps them where they were');

    assert.ok(!epic.tasks.some((task) => nested.includes(task.issue!)));
  });

  test('issues imported already are refused, and a new epic never takes an existing name', async (t) => {
    const h = await harness(t, 'single-file');
    const seeded = seedEpic(h.server);
    // A file of the name the import would choose is there, though not an epic of the index.
    const first = await h.import({ source: { kind: 'epic', number: seeded.epic } });
    assert.equal(first.epicId, 'epic-002-payments-v2');
    const before = filesOf(h.root);
    const again = await h.import({ source: { kind: 'epic', number: seeded.epic } });
    assert.equal(again.outcome, 'refused');
    assert.match(again.message, new RegExp(`#${seeded.epic} \\(the epic epic-002-payments-v2\\), #${seeded.tasks[0]} \\(task T1 of epic-002-payments-v2\\)`));
    assert.deepEqual(filesOf(h.root), before, 'nothing written');

    // Another epic of the same title goes to the next number.
    const other = h.server.seedIssue({ title: 'Payments v2' }).number;
    const child = h.server.seedIssue({ title: 'Apple Pay' }).number;
    h.server.seedSubIssue(other, child);
    writeFileSync(join(h.root, 'epics', 'epic-003-payments-v2.md'), 'not an epic the index reads: it has no tasks\n');
    const third = await h.import({ source: { kind: 'epic', number: other } });
    assert.equal(third.outcome, 'done', third.message);
    assert.equal(third.epicId, 'epic-004-payments-v2');
    assert.equal(readFileSync(join(h.root, 'epics', 'epic-003-payments-v2.md'), 'utf8'), 'not an epic the index reads: it has no tasks\n');
  });

  test('an epic issue without sub-issues, an unknown label, a state file of another repository: refused, nothing written', async (t) => {
    const h = await harness(t, 'directory');
    const lonely = h.server.seedIssue({ title: 'Alone' }).number;
    const before = filesOf(h.root);
    const none = await h.import({ source: { kind: 'epic', number: lonely } });
    assert.equal(none.outcome, 'refused');
    assert.match(none.message, /has no sub-issues/);
    assert.equal((await h.import({ source: { kind: 'label', label: 'nope' } })).outcome, 'refused');
    assert.equal((await h.import({ source: { kind: 'epic', number: 999 } })).outcome, 'refused');
    assert.deepEqual(filesOf(h.root), before);
    const store = new NodeSyncStateStore(h.root);
    await store.save('{\n  "issues": {},\n  "repository": "acme/elsewhere",\n  "version": 1\n}\n');
    const child = h.server.seedIssue({ title: 'Child' }).number;
    h.server.seedSubIssue(lonely, child);
    const elsewhere = await h.import({ source: { kind: 'epic', number: lonely } });
    assert.equal(elsewhere.outcome, 'refused');
    assert.match(elsewhere.message, /belongs to acme\/elsewhere/);
  });

  test('issues of a milestone, by its title in any case or by its number: the epic has exactly the milestone\'s issues', async (t) => {
    /** Two milestones, so that numbers are not all 1; in v1.0 two issues and a pull request, others outside. */
    const seedMilestones = (s: GitHubServer) => {
      const backlog = s.seedMilestone('Backlog');
      const v1 = s.seedMilestone('v1.0', { dueOn: '2026-06-30T00:00:00Z' });
      s.seedIssue({ title: 'Not in it' });
      const api = s.seedIssue({ title: 'Ship the API', milestone: v1.number }).number;
      s.seedIssue({ title: 'In the backlog', milestone: backlog.number });
      s.seedPullRequest({ title: 'A pull request in it', milestone: v1.number });
      const docs = s.seedIssue({ title: 'Ship the docs', state: 'closed', milestone: v1.number }).number;
      s.seedBlockedBy(api, docs);
      return { v1, api, docs };
    };
    for (const [layout, asked] of [
      ['directory', 'V1.0'],
      ['single-file', 'by number'],
    ] as const) {
      const h = await harness(t, layout);
      const { v1, api, docs } = seedMilestones(h.server);
      const source = { kind: 'milestone', milestone: asked === 'by number' ? v1.number : asked } as const;
      const result = await h.import({ source });
      assert.equal(result.outcome, 'done', result.message);
      assert.equal(mutating(h.server), 0, 'an import writes nothing to GitHub');
      assert.match(result.message, /^Imported the milestone “v1\.0” as /);
      const epicId = layout === 'directory' ? 'v1-0' : 'epic-002-v1-0';
      assert.equal(result.epicId, epicId);
      const epic = (await h.index()).epic(epicId)!;
      assert.equal(epic.title, 'v1.0');
      assert.deepEqual(readBack(epic), { tasks: [`${api} open Ship the API`, `${docs} done Ship the docs`], edges: [`${docs}>${api}`] });
      const again = await h.import({ source: { kind: 'milestone', milestone: asked === 'by number' ? 'v1.0' : v1.number } });
      assert.equal(again.outcome, 'refused', 'the same issues are not imported twice');
    }
    const h = await harness(t, 'directory');
    seedMilestones(h.server);
    h.server.seedMilestone('Empty');
    for (const milestone of ['Empty', 'Nowhere', 99]) {
      const refused = await h.import({ source: { kind: 'milestone', milestone } });
      assert.equal(refused.outcome, 'refused', String(milestone));
      assert.match(refused.message, /is in a milestone/);
    }
  });
});

// ---- the plan alone -----------------------------------------------------------------------

function issueOf(number: number, title: string, body: string, state: 'open' | 'closed' = 'open'): ImportIssue {
  return { id: 5_000 + number, number, title, body, state, updatedAt: '2026-04-01T08:00:00Z', url: `https://github.com/o/r/issues/${number}` };
}

/** Bodies built from the pieces most likely to be read as something else. */
const PIECES = [
  'Plain prose.',
  '## A heading',
  '# Top heading',
  '- a bullet\n  - nested',
  '- [ ] a checkbox',
  '- [ ] **Task 4:** looks like a task',
  '- **Depends on:** Task 2',
  '**Estimate:** 3 hours',
  '**M1 (Day 2):** looks like a milestone',
  '```mermaid\ngraph TD\n  T1 --> T2\n```',
  '```\n# a comment in code\n```',
  '    indented code',
  '> a quote',
  '| a | table |\n|---|---|\n| 1 | 2 |',
  '**Status:** Done',
  '**GitHub:** https://example.com/x',
  '<!-- autopm:task other-epic/T1 -->',
  '1. ordered\n2. list',
  '---',
  '~~~\nunclosed fence',
];

function randomBody(seed: number): string {
  let x = seed;
  const next = () => ((x = (x * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
  const count = Math.floor(next() * 5);
  return Array.from({ length: count }, () => PIECES[Math.floor(next() * PIECES.length)]).join(next() < 0.5 ? '\n\n' : '\n');
}

describe('import plan', () => {
  test('whatever the bodies hold, the epic reads back as the issues and their links', () => {
    for (const layout of ['single-file', 'directory'] as const) {
      for (let seed = 1; seed <= 60; seed++) {
        const issues = [1, 2, 3, 4].map((i) => issueOf(10 + i, `Task ${i} title`, randomBody(seed * 7 + i), i === 2 ? 'closed' : 'open'));
        const epic = issueOf(5, 'An epic', randomBody(seed * 13));
        const blockedBy = new Map([
          [12, [11]],
          [14, [12, 13, 99]],
        ]);
        const plan = planImport({ layout, folder: layout === 'single-file' ? 'epics' : '.claude/epics', names: new Set(), takenIds: new Set(), title: epic.title, epicIssue: epic, issues, blockedBy, now: '2026-04-02T00:00:00Z' });
        // planImport checks the read-back itself and throws otherwise; the records say which texts are exact.
        assert.equal(plan.tasks.length, 4);
        assert.deepEqual(plan.tasks.map((x) => x.dependsOn.length), [0, 1, 0, 2]);
        for (const task of plan.tasks) {
          const record = plan.records.get(task.number)!;
          const own = issues.find((i) => i.number === task.number)!;
          if (task.exact) assert.equal(record.hash, contentHash(own.title, own.body));
        }
      }
    }
  });

  test('most bodies fit the plan exactly', () => {
    let exact = 0;
    let total = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const issues = [1, 2, 3].map((i) => issueOf(20 + i, `Title ${i}`, randomBody(seed * 11 + i)));
      const plan = planImport({ layout: 'single-file', folder: 'epics', names: new Set(), takenIds: new Set(), title: 'E', issues, blockedBy: new Map(), now: '2026-04-02T00:00:00Z' });
      exact += plan.tasks.filter((x) => x.exact).length;
      total += plan.tasks.length;
    }
    assert.ok(exact / total > 0.9, `${exact} of ${total}`);
  });

  test('titles that look like markup keep their text in both layouts', () => {
    const titles = ['Fix (#5)', 'Make it **bold**', '**Urgent** thing', 'Support C#', 'Trailing hash #', '[ ] odd', 'Task 3: nested?', 'a `code` title', 'x  double  spaces', '- dash first'];
    for (const layout of ['single-file', 'directory'] as const) {
      const issues = titles.map((title, i) => issueOf(30 + i, title, ''));
      const epic = issueOf(5, 'Epic: with a colon #', '');
      const plan = planImport({ layout, folder: layout === 'single-file' ? 'epics' : '.claude/epics', names: new Set(), takenIds: new Set(), title: epic.title, epicIssue: epic, issues, blockedBy: new Map(), now: '2026-04-02T00:00:00Z' });
      assert.deepEqual(plan.tasks.map((x) => [x.title, x.exact]), titles.map((title) => [title, true]), layout);
      assert.equal(plan.epicExact, true, layout);
    }
  });

  test('where a new epic goes', () => {
    const roots = ['prds', 'epics', '.claude/prds', '.claude/epics'];
    assert.deepEqual(importFolder({ roots, epics: [], existingRoots: new Set() }), { layout: 'directory', folder: '.claude/epics' });
    assert.deepEqual(importFolder({ roots, epics: [], existingRoots: new Set(['epics']) }), { layout: 'single-file', folder: 'epics' });
    assert.deepEqual(importFolder({ roots, layout: 'single-file', epics: [], existingRoots: new Set() }), { layout: 'single-file', folder: 'epics' });
    assert.equal(importFolder({ roots: ['prds'], epics: [], existingRoots: new Set() }), undefined);
    assert.deepEqual(newEpicLocation('single-file', 'epics', 'Team Calendar!', new Set(['epic-001-a.md', 'epic-007-b.md', 'epic-2024-review.md']), new Set()), {
      epicId: 'epic-008-team-calendar',
      path: 'epics/epic-008-team-calendar.md',
    });
    assert.deepEqual(newEpicLocation('directory', '.claude/epics', 'Search', new Set(['search', 'Search-2']), new Set(['search-3'])), {
      epicId: 'search-4',
      path: '.claude/epics/search-4/epic.md',
      dir: '.claude/epics/search-4',
    });
    assert.equal(newEpicLocation('directory', '.claude/epics', '!!!', new Set(), new Set()).epicId, 'imported');
  });
});
