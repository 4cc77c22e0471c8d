// `autopm sync`, the built CLI as a process, against the local GitHub server: the exit
// codes, the dry run, a sync and its rerun, and a sync interrupted by a 502 and resumed.
import { describe, test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSyncState } from '../../src/core/sync/syncState';
import { startGitHubServer } from '../servers/github/server';
import type { GitHubServer } from '../servers/github/server';
import { examplesDir, repoRoot } from './helpers';

const cli = join(repoRoot, 'dist', 'cli.js');
const EPIC = join('epics', 'epic-001-link-shortener.md');

/** Runs the CLI without blocking: the server answering it lives in this process. */
function run(env: Record<string, string | undefined>, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  assert.ok(existsSync(cli), 'dist/cli.js is built (npm run build)');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, AUTOPM_CACHE: 'off', GITHUB_TOKEN: undefined, GITHUB_API_URL: undefined, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The link-shortener example with its issue numbers taken out: ten tasks to sync. */
function workspace(t: TestContext): string {
  const root = mkdtempSync(join(tmpdir(), 'autopm-cli-sync-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  cpSync(join(examplesDir, 'epics'), join(root, 'epics'), { recursive: true });
  cpSync(join(examplesDir, 'prds'), join(root, 'prds'), { recursive: true });
  const path = join(root, EPIC);
  writeFileSync(path, readFileSync(path, 'utf8').replace(/ \(#\d+\)$/gm, ''));
  return root;
}

async function server(t: TestContext): Promise<GitHubServer> {
  const s = await startGitHubServer();
  t.after(() => s.close());
  for (let i = 1; i <= 4; i++) s.seedIssue({ title: `Older issue ${i}` });
  return s;
}

function envFor(s: GitHubServer): Record<string, string> {
  return { GITHUB_TOKEN: s.token, AUTOPM_GITHUB_WRITE_INTERVAL_MS: '0' };
}

function syncArgs(s: GitHubServer, root: string, ...extra: string[]): string[] {
  return ['sync', 'epic-001', root, '--repo', `${s.owner}/${s.repo}`, '--api-url', s.url, ...extra];
}

describe('autopm sync', () => {
  test('without a token, with a bad --repo, or without an epic it is a usage error (exit 2) that names what is missing', async (t) => {
    const root = workspace(t);
    const noToken = await run({}, 'sync', 'epic-001', root, '--repo', 'acme/widgets');
    assert.equal(noToken.code, 2);
    assert.match(noToken.stderr, /GITHUB_TOKEN/);
    const badRepo = await run({ GITHUB_TOKEN: 'x' }, 'sync', 'epic-001', root, '--repo', 'https://github.com/acme/widgets');
    assert.equal(badRepo.code, 2);
    assert.match(badRepo.stderr, /--repo takes owner\/name/);
    const noEpic = await run({ GITHUB_TOKEN: 'x' }, 'sync');
    assert.equal(noEpic.code, 2);
    const noRemote = await run({ GITHUB_TOKEN: 'x' }, 'sync', 'epic-001', root);
    assert.equal(noRemote.code, 2);
    assert.match(noRemote.stderr, /No repository/);
  });

  test('--dry-run prints what would be made and writes nothing, on GitHub or in the files', async (t) => {
    const root = workspace(t);
    const s = await server(t);
    const before = readFileSync(join(root, EPIC), 'utf8');
    const result = await run(envFor(s), ...syncArgs(s, root, '--dry-run'));
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^Create an issue for the epic$/m);
    assert.match(result.stdout, /^Create an issue for T10 Runbook and dashboards$/m);
    assert.match(result.stdout, /^11 issues to create, .* writes to octo-org\/planning/m);
    assert.equal(s.writes(), 0);
    assert.equal(readFileSync(join(root, EPIC), 'utf8'), before);
    assert.equal(existsSync(join(root, '.autopm', 'sync.json')), false);
  });

  test('a sync makes the epic issue and one per task, writes only the numbers into the plan, and a rerun writes nothing', async (t) => {
    const root = workspace(t);
    const s = await server(t);
    const before = readFileSync(join(root, EPIC), 'utf8');
    const first = await run(envFor(s), ...syncArgs(s, root, '--json'));
    assert.equal(first.code, 0, first.stderr);
    const json = JSON.parse(first.stdout) as { outcome: string; repository: string; created: Array<{ number: number }>; writes: number };
    assert.equal(json.outcome, 'done');
    assert.equal(json.repository, `${s.owner}/${s.repo}`);
    assert.equal(json.created.length, 11);
    assert.equal(s.issues().length, 4 + 11);

    // The plan differs only by a ` (#N)` at the end of each task line, and the epic's issue.
    const after = readFileSync(join(root, EPIC), 'utf8');
    const epicIssue = s.issues().find((i) => i.labels.includes('epic'))!;
    assert.equal(after.replace(/ \(#\d+\)$/gm, '').replace(`**GitHub:** https://github.com/${s.owner}/${s.repo}/issues/${epicIssue.number}\n`, ''), before);
    assert.equal((after.match(/ \(#\d+\)$/gm) ?? []).length, 10);
    const state = parseSyncState(readFileSync(join(root, '.autopm', 'sync.json'), 'utf8'));
    assert.equal(state.repository, `${s.owner}/${s.repo}`);

    const writes = s.writes();
    const second = await run(envFor(s), ...syncArgs(s, root, '--verbose'));
    assert.equal(second.code, 0, second.stderr);
    // --verbose logs every request, and never the token.
    assert.match(second.stderr, /GET \/repos\/octo-org\/planning\/issues\/\d+ 304/);
    assert.ok(!second.stdout.includes(s.token) && !second.stderr.includes(s.token));
    assert.match(second.stdout, /Up to date with .*: nothing to write\./);
    assert.equal(s.writes(), writes);
    assert.equal(readFileSync(join(root, EPIC), 'utf8'), after);
  });

  test('a 502 after GitHub made an issue fails with exit 1 and a way forward; running it again finishes with no duplicate', async (t) => {
    const root = workspace(t);
    const s = await server(t);
    // The first create is carried out and answered with a 502 (the run finds it by its marker
    // and goes on); then the connection drops before every create, until the run gives up.
    s.faults.add({ method: 'POST', path: '/repos/*/*/issues', times: 1, fault: { kind: 'error-after-commit' } });
    s.faults.add({ method: 'POST', path: '/repos/*/*/issues', times: 10, fault: { kind: 'drop-before' } });
    const failed = await run(envFor(s), ...syncArgs(s, root));
    assert.equal(failed.code, 1, failed.stdout);
    assert.match(failed.stderr, /again/);
    assert.equal(s.issues().filter((i) => i.body?.includes('autopm:')).length, 1);
    s.faults.clear();
    const resumed = await run(envFor(s), ...syncArgs(s, root));
    assert.equal(resumed.code, 0, resumed.stderr);
    const made = s.issues().filter((i) => i.body?.includes('autopm:'));
    assert.equal(made.length, 11, made.map((i) => i.title).join('\n'));
    assert.equal(new Set(made.map((i) => i.title)).size, 11);
  });

  test('autopm pull brings a closed issue into the plan, then finds nothing; a conflict is listed, left alone, and exits 1', async (t) => {
    const root = workspace(t);
    const s = await server(t);
    assert.equal((await run(envFor(s), ...syncArgs(s, root))).code, 0);
    const synced = readFileSync(join(root, EPIC), 'utf8');
    const number = (title: string) => s.issues().find((i) => i.title === title)!.number;
    const patch = (n: number, body: unknown) =>
      fetch(`${s.url}/repos/${s.owner}/${s.repo}/issues/${n}`, { method: 'PATCH', headers: { authorization: `token ${s.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await patch(number('Single sign-on for the management API'), { state: 'closed', state_reason: 'completed' });
    const pulled = await run(envFor(s), 'pull', root, '--repo', `${s.owner}/${s.repo}`, '--api-url', s.url, '--json');
    assert.equal(pulled.code, 0, pulled.stderr);
    const json = JSON.parse(pulled.stdout) as { outcome: string; changed: Array<{ label: string; to: string }> };
    assert.deepEqual(json.changed.map((c) => [c.label, c.to]), [['T6 Single sign-on for the management API', 'done']]);
    const after = readFileSync(join(root, EPIC), 'utf8');
    assert.equal(after, synced.replace('- [ ] **Task 6:**', '- [x] **Task 6:**'));

    const again = await run(envFor(s), 'pull', root, '--repo', `${s.owner}/${s.repo}`, '--api-url', s.url);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(readFileSync(join(root, EPIC), 'utf8'), after);

    // Task 4 done in the plan and closed as not planned on GitHub: both changed, nobody to ask.
    writeFileSync(join(root, EPIC), after.replace('- [ ] **Task 4:**', '- [x] **Task 4:**'));
    await patch(number('Redirect endpoint with Redis cache'), { state: 'closed', state_reason: 'not_planned' });
    const conflicted = await run(envFor(s), 'pull', root, '--repo', `${s.owner}/${s.repo}`, '--api-url', s.url);
    assert.equal(conflicted.code, 1, conflicted.stdout);
    assert.match(conflicted.stderr, /Conflict: epic-001-link-shortener #\d+ T4 /);
    assert.equal(readFileSync(join(root, EPIC), 'utf8'), after.replace('- [ ] **Task 4:**', '- [x] **Task 4:**'));
  });

  test('autopm import writes an epic issue and its sub-issues as a new epic; a sync then makes no issue; a bad source is a usage error', async (t) => {
    const root = workspace(t);
    const s = await server(t);
    const parent = s.seedIssue({ title: 'Notifications', body: 'Tell people when things change.' });
    const email = s.seedIssue({ title: 'Email digest', body: 'A daily email.', state: 'closed', stateReason: 'completed' });
    const push = s.seedIssue({ title: 'Push notifications', body: 'To phones.' });
    s.seedSubIssue(parent.number, email.number);
    s.seedSubIssue(parent.number, push.number);
    s.seedBlockedBy(push.number, email.number);
    const imported = await run(envFor(s), 'import', String(parent.number), root, '--repo', `${s.owner}/${s.repo}`, '--api-url', s.url, '--json');
    assert.equal(imported.code, 0, imported.stderr);
    const json = JSON.parse(imported.stdout) as { outcome: string; epic: string; path: string; files: string[] };
    assert.equal(json.outcome, 'done');
    const status = await run({}, 'status', root, '--json');
    const epic = (JSON.parse(status.stdout) as { epics: Array<{ id: string; tasks: { total: number; done: number } }> }).epics.find((e) => e.id === json.epic);
    assert.ok(epic, status.stdout);
    const graph = JSON.parse((await run({}, 'graph', json.epic, root, '--format', 'json')).stdout) as { edges: Array<{ from: string; to: string }>; nodes: Array<{ id: string; title: string }> };
    const id = (title: string) => graph.nodes.find((n) => n.title === title)?.id;
    assert.deepEqual(graph.edges.map((e) => [e.from, e.to]), [[id('Email digest'), id('Push notifications')]]);

    const before = s.issues().length;
    const synced = await run(envFor(s), 'sync', json.epic, root, '--repo', `${s.owner}/${s.repo}`, '--api-url', s.url, '--json');
    assert.equal(synced.code, 0, synced.stderr);
    assert.equal((JSON.parse(synced.stdout) as { created: unknown[] }).created.length, 0);
    assert.equal(s.issues().length, before);

    const both = await run(envFor(s), 'import', '12', root, '--label', 'x', '--repo', `${s.owner}/${s.repo}`);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /exactly one of/);
  });
});
