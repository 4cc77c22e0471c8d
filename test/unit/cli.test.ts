import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { examplesDir, fixturesDir, repoRoot } from './helpers';

const cli = join(repoRoot, 'dist', 'cli.js');
// The CLI keeps a parse cache; the tests keep theirs here, never in the user's own.
const cacheHome = mkdtempSync(join(tmpdir(), 'autopm-cli-cache-'));
process.on('exit', () => rmSync(cacheHome, { recursive: true, force: true }));

function run(...args: string[]) {
  return runWith({}, ...args);
}

function runWith(env: Record<string, string>, ...args: string[]) {
  assert.ok(existsSync(cli), 'dist/cli.js is built (npm run build)');
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: cacheHome, ...env } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Sets every file's modification time an hour back, so the parse cache trusts them. */
function age(dir: string): void {
  const past = new Date(Date.now() - 3600_000);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) age(path);
    else utimesSync(path, past, past);
  }
}

function copyOf(dir: string): string {
  const target = mkdtempSync(join(tmpdir(), 'autopm-cli-'));
  cpSync(dir, target, { recursive: true });
  return target;
}

describe('autopm (the built CLI)', () => {
  test('status --json', () => {
    const { code, stdout } = run('status', examplesDir, '--json');
    assert.equal(code, 0);
    const status = JSON.parse(stdout);
    assert.deepEqual(status.prds.map((p: { id: string; title: string; status: string; path: string }) => [p.id, p.title, p.status, p.path]), [
      ['team-calendar', 'Team Calendar', 'backlog', '.claude/prds/team-calendar.md'],
      ['PRD-001', 'Link Shortener Service', 'Approved', 'prds/prd-001-link-shortener.md'],
    ]);
    const shortener = status.epics.find((e: { id: string }) => e.id === 'epic-001-link-shortener');
    assert.equal(shortener.path, 'epics/epic-001-link-shortener.md');
    assert.equal(shortener.status, 'In Progress');
    assert.equal(shortener.progress, 20);
    assert.deepEqual(shortener.counts, { total: 10, done: 2, inProgress: 1, ready: 1, blocked: 6 });
    assert.deepEqual(shortener.milestones[0], { id: 'M1', title: 'Service skeleton running (Tasks 1-2)', when: 'Day 2', tasks: ['T1', 'T2'], done: 2, total: 2, progress: 100 });
  });

  test('status for people: aligned columns', () => {
    const { code, stdout } = run('status', examplesDir);
    assert.equal(code, 0);
    assert.match(stdout, /^PRDs\n {2}team-calendar {2}Team Calendar {11}backlog {3}2\/6 {3}33%\n/);
    assert.match(stdout, /\n {2}epic-001-link-shortener {2}Link Shortener Service {2}In Progress {2}2\/10 {2}20% {2}ready 1 {2}in progress 1 {2}blocked 6\n/);
  });

  test('next --json: the task, the reason and the ready set', () => {
    const { code, stdout } = run('next', examplesDir, '--json');
    assert.equal(code, 0);
    assert.deepEqual(JSON.parse(stdout), {
      task: { epic: 'epic-001-link-shortener', id: 'T6', title: 'Single sign-on for the management API', path: 'epics/epic-001-link-shortener.md', line: 43 },
      reason: 'Ready: its dependency (T1) is done; estimate 3 hours; 7h of work on its longest chain; unblocks 1 task.',
      ready: [{ epic: 'epic-001-link-shortener', id: 'T6' }, { epic: 'team-calendar', id: '46' }],
    });
    assert.equal(readFileSync(join(examplesDir, 'epics/epic-001-link-shortener.md'), 'utf8').split('\n')[42], '- [ ] **Task 6:** Single sign-on for the management API');
  });

  test('validate: clean workspace exits 0, errors exit 1 with JSON diagnostics', () => {
    const clean = run('validate', examplesDir);
    assert.equal(clean.code, 0);
    assert.match(clean.stdout, /^No problems in 12 plan files\.\n$/);
    const broken = run('validate', join(fixturesDir, 'broken'), '--json');
    assert.equal(broken.code, 1);
    const { diagnostics } = JSON.parse(broken.stdout);
    // bad/epic.md's `progress: 10%` with none of its tasks done is one of them.
    assert.equal(diagnostics.length, 22);
    assert.deepEqual(diagnostics.find((d: { code: string }) => d.code === 'dependency-self'), {
      path: 'epics/epic-002-broken.md', line: 16, column: 5, severity: 'error', code: 'dependency-self', message: 'T4 depends on itself.',
    });
  });

  test('graph in mermaid and json', () => {
    const mermaid = run('graph', 'team-calendar', examplesDir);
    assert.equal(mermaid.code, 0);
    assert.match(mermaid.stdout, /^graph TD\n/);
    assert.match(mermaid.stdout, /\n {4}t42 --> t44\n/);
    const json = run('graph', 'team-calendar', examplesDir, '--format', 'json');
    const graph = JSON.parse(json.stdout);
    assert.deepEqual(graph.nodes.map((n: { id: string; state: string }) => `${n.id}:${n.state}`), ['41:done', '42:done', '43:in-progress', '44:blocked', '45:blocked', '46:ready']);
    assert.deepEqual(graph.edges, [
      { from: '41', to: '42' }, { from: '41', to: '43' }, { from: '42', to: '44' }, { from: '43', to: '44' }, { from: '43', to: '45' }, { from: '42', to: '46' },
    ]);
  });

  test('set-status edits the files, and only the bytes it means to', () => {
    const dir = copyOf(examplesDir);
    try {
      const epicPath = join(dir, 'epics/epic-001-link-shortener.md');
      const before = readFileSync(epicPath, 'utf8');
      const result = run('set-status', 'epic-001-link-shortener:T6', 'done', dir);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, 'epic-001-link-shortener:T6 open → done  (epics/epic-001-link-shortener.md)\n');
      assert.equal(readFileSync(epicPath, 'utf8'), before.replace('- [ ] **Task 6:**', '- [x] **Task 6:**'));
      // T5 waits for T3 and T6: with T6 done it still waits for T3, which is in progress.
      const graph = JSON.parse(run('graph', 'epic-001-link-shortener', dir, '--format', 'json').stdout);
      assert.equal(graph.nodes.find((n: { id: string }) => n.id === 'T5').state, 'blocked');
      assert.equal(JSON.parse(run('next', dir, '--json').stdout).task.id, '46');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('set-status in the directory layout', () => {
    const dir = copyOf(examplesDir);
    try {
      const result = run('set-status', 'team-calendar:46', 'done', dir);
      assert.equal(result.code, 0, result.stderr);
      const task = readFileSync(join(dir, '.claude/epics/team-calendar/46.md'), 'utf8');
      assert.match(task, /\nstatus: closed\ncreated: 2026-02-12T10:00:00Z\nupdated: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n/);
      assert.doesNotMatch(task, /updated: 2026-02-12T10:00:00Z/);
      const epic = readFileSync(join(dir, '.claude/epics/team-calendar/epic.md'), 'utf8');
      assert.match(epic, /\nprogress: 50%\n/);
      assert.match(epic, /\n- \[x\] #46 - Calendar export \(ICS\) \(parallel: true\)\n/);
      assert.equal(run('validate', dir).code, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a directory task may be named by its number without padding', () => {
    const dir = copyOf(join(fixturesDir, 'unsynced'));
    try {
      const result = run('set-status', 'search:2', 'in-progress', dir);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^search:002 open → in-progress /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('no plans: the message names the folders searched', () => {
    const empty = mkdtempSync(join(tmpdir(), 'autopm-cli-'));
    try {
      assert.equal(run('status', empty, '--roots', 'plans,docs/epics').stdout, 'No plans found. AutoPM looks in: plans, docs/epics.\n');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  test('an epic prefix that matches several epics is refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'autopm-cli-'));
    try {
      cpSync(join(examplesDir, 'epics'), join(dir, 'epics'), { recursive: true });
      cpSync(join(dir, 'epics', 'epic-001-link-shortener.md'), join(dir, 'epics', 'epic-001-other.md'));
      const result = run('graph', 'epic-001', dir);
      assert.equal(result.code, 2);
      assert.match(result.stderr, /"epic-001" matches several epics: epic-001-link-shortener, epic-001-other\./);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('with the parse cache on, a file changed since the last run is seen', () => {
    const dir = copyOf(examplesDir);
    const ownCache = mkdtempSync(join(tmpdir(), 'autopm-cli-cache-'));
    try {
      age(dir);
      const env = { XDG_CACHE_HOME: ownCache };
      const teamCalendarCounts = () => {
        const { code, stdout } = runWith(env, 'status', dir, '--json');
        assert.equal(code, 0);
        return JSON.parse(stdout).epics.find((e: { id: string }) => e.id === 'team-calendar').counts;
      };
      const before = teamCalendarCounts();
      assert.equal(readdirSync(join(ownCache, 'autopm')).length, 1);
      assert.deepEqual(teamCalendarCounts(), before);
      const task = join(dir, '.claude/epics/team-calendar/46.md');
      writeFileSync(task, readFileSync(task, 'utf8').replace(/^status: .*$/m, 'status: closed'));
      const after = teamCalendarCounts();
      assert.equal(after.done, before.done + 1);
      // And the next run, from the cache written by that one, agrees.
      assert.deepEqual(teamCalendarCounts(), after);
      assert.deepEqual(runWith(env, 'status', dir, '--json', '--no-cache').stdout, runWith(env, 'status', dir, '--json').stdout);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(ownCache, { recursive: true, force: true });
    }
  });

  test('--no-cache and AUTOPM_CACHE=off leave no cache behind', () => {
    const ownCache = mkdtempSync(join(tmpdir(), 'autopm-cli-cache-'));
    try {
      assert.equal(runWith({ XDG_CACHE_HOME: ownCache }, 'status', examplesDir, '--no-cache').code, 0);
      assert.equal(runWith({ XDG_CACHE_HOME: ownCache, AUTOPM_CACHE: 'off' }, 'validate', examplesDir).code, 0);
      assert.equal(existsSync(join(ownCache, 'autopm')), false);
      assert.equal(runWith({ XDG_CACHE_HOME: ownCache }, 'validate', examplesDir).code, 0);
      assert.equal(readdirSync(join(ownCache, 'autopm')).length, 1);
    } finally {
      rmSync(ownCache, { recursive: true, force: true });
    }
  });

  test('sprint --json: the current sprint on the day given', () => {
    const dir = join(fixturesDir, 'sprints', 'workspace');
    const { code, stdout, stderr } = run('sprint', dir, '--json', '--today', '2026-03-17', '--no-cache');
    assert.equal(code, 0, stderr);
    const { today, sprint, sprints } = JSON.parse(stdout);
    assert.equal(today, '2026-03-17');
    assert.deepEqual(
      [sprint.id, sprint.name, sprint.source, sprint.path, sprint.start, sprint.end, sprint.phase, sprint.label],
      ['sprint-4', 'Sprint 4', 'file', '.claude/epics/sprints/sprint-4.md', '2026-03-09', '2026-03-20', 'active', 'Sprint 4 · 3/8 · 3 days left'],
    );
    assert.deepEqual(sprint.counts, { scope: 8, done: 3, remaining: 5, inProgress: 1, blocked: 2, atRisk: 1, unresolved: 1 });
    assert.deepEqual([sprint.daysLeft, sprint.workingDaysLeft, sprint.hoursLeft, sprint.hoursPerDay], [3, 4, 24, 6]);
    assert.deepEqual(sprint.blocked, ['checkout-flow:103', 'epic-001-task-api:T4']);
    assert.deepEqual(sprint.atRisk, ['checkout-flow:104']);
    assert.deepEqual(sprint.tasks.find((t: { key: string }) => t.key === 'checkout-flow:103'), {
      key: 'checkout-flow:103', epic: 'checkout-flow', id: '103', title: 'Address validation', state: 'open', display: 'blocked',
      path: '.claude/epics/checkout-flow/103.md', line: 2, estimate: '3 hours', hours: 3,
      blockers: [{ taskId: '102', reason: 'not-done' }], atRisk: false, via: ['file'],
    });
    assert.deepEqual(sprint.unresolved, [
      { written: 'checkout-flow:109', path: '.claude/epics/sprints/sprint-4.md', line: 18, reason: 'unknown-task', message: 'checkout-flow:109 names no task of epic checkout-flow.' },
    ]);
    // Completion dates come from the task files: 101 was closed on the 11th; single-file tasks have none.
    assert.deepEqual(sprint.burndown.points.map((p: { date: string; remaining: number }) => `${p.date}:${p.remaining}`), [
      '2026-03-09:8', '2026-03-10:8', '2026-03-11:7', '2026-03-12:7', '2026-03-13:7', '2026-03-14:7', '2026-03-15:7', '2026-03-16:7', '2026-03-17:5',
    ]);
    assert.deepEqual(sprint.burndown.undated, ['epic-001-task-api:T1', 'epic-001-task-api:T2']);
    assert.deepEqual(sprints.map((s: { id: string; current: boolean }) => `${s.id}:${s.current}`), ['sprint-3:false', 'sprint-4:true', 'sprint-5:false']);
  });

  test('sprint for people, a named sprint, and a day no sprint covers', () => {
    const dir = join(fixturesDir, 'sprints', 'workspace');
    const text = run('sprint', dir, '--today', '2026-03-17');
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^Sprint 4 {2}\(sprint-4, 2026-03-09 → 2026-03-20, 3 days left\)\nGoal: Customers can pay for what is in their cart\nSprint 4 · 3\/8 · 3 days left\n/);
    assert.match(text.stdout, /\nBlocked \(2\)\n {2}checkout-flow:103 {2}Address validation {2}\(waits on 102\)\n/);
    assert.match(text.stdout, /\nAt risk \(1\)\n {2}checkout-flow:104 {2}Order confirmation email {2}\(40h estimated, 24h left at 6h a day\)\n/);
    assert.match(text.stdout, /\nNot found \(1\)\n {2}\.claude\/epics\/sprints\/sprint-4\.md:18 {2}checkout-flow:109 names no task of epic checkout-flow\.\n$/);
    const named = JSON.parse(run('sprint', dir, '--json', '--sprint', 'Sprint 3', '--today', '2026-03-17').stdout);
    assert.deepEqual([named.sprint.id, named.sprint.phase, named.sprint.label], ['sprint-3', 'ended', 'Sprint 3 · 1/1 · ended']);
    const gap = run('sprint', dir, '--today', '2026-03-07');
    assert.equal(gap.code, 0);
    assert.match(gap.stdout, /^No sprint covers 2026-03-07\. Sprints:\n {2}sprint-3 {2}Sprint 3 {2}2026-02-23 → 2026-03-06\n/);
    assert.equal(JSON.parse(run('sprint', dir, '--json', '--today', '2026-03-07').stdout).sprint, null);
    const unknown = run('sprint', dir, '--sprint', 'nope');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^autopm: No sprint "nope"\. Sprints: sprint-3, sprint-4, sprint-5\./);
    const badDay = run('sprint', dir, '--today', 'March 17');
    assert.equal(badDay.code, 2);
    assert.match(badDay.stderr, /--today "March 17" is not a date/);
  });

  test('sprint in the examples: no sprint files, so the epic with dates is its own time box', () => {
    const { code, stdout } = run('sprint', examplesDir, '--json', '--today', '2026-03-12');
    assert.equal(code, 0);
    const { sprint, sprints } = JSON.parse(stdout);
    assert.deepEqual(sprints.map((s: { id: string; source: string }) => `${s.id}:${s.source}`), ['epic-001-link-shortener:epic']);
    assert.equal(sprint.label, 'Link Shortener Service · 2/10 · 8 days left');
  });

  test('sprint with the parse cache on answers as without it, cold and warm', () => {
    const dir = copyOf(join(fixturesDir, 'sprints', 'workspace'));
    const ownCache = mkdtempSync(join(tmpdir(), 'autopm-cli-cache-'));
    try {
      age(dir);
      const env = { XDG_CACHE_HOME: ownCache };
      const uncached = runWith(env, 'sprint', dir, '--json', '--today', '2026-03-17', '--no-cache').stdout;
      assert.equal(runWith(env, 'sprint', dir, '--json', '--today', '2026-03-17').stdout, uncached);
      assert.equal(readdirSync(join(ownCache, 'autopm')).length, 1);
      assert.equal(runWith(env, 'sprint', dir, '--json', '--today', '2026-03-17').stdout, uncached);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(ownCache, { recursive: true, force: true });
    }
  });

  test('usage errors exit 2 with a message', () => {
    const bare = run();
    assert.equal(bare.code, 2);
    assert.equal(bare.stdout, '');
    assert.match(bare.stderr, /^Usage: autopm <command>/);
    const unknown = run('frobnicate');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^autopm: Unknown command "frobnicate"\./);
    const noEpic = run('graph', 'nope', examplesDir);
    assert.equal(noEpic.code, 2);
    assert.match(noEpic.stderr, /No epic "nope"\. Epics: team-calendar, epic-001-link-shortener\./);
    const badState = run('set-status', 'team-calendar:46', 'finished', examplesDir);
    assert.equal(badState.code, 2);
    assert.match(badState.stderr, /Unknown state "finished"/);
    const help = run('--help');
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: autopm <command>/);
  });
});
