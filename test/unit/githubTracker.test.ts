// The GitHub tracker and its Octokit (retry and throttling plugins included) against
// the local GitHub server: what each answer and each fault turns into.
import { describe, test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { TrackerError } from '../../src/services/tracker';
import type { Tracker } from '../../src/services/tracker';
import { createGitHubTracker } from '../../src/services/github/githubTracker';
import type { GitHubClientOptions, WaitReason } from '../../src/services/github/octokit';
import { MAX_DEPENDENCIES, MAX_SUB_ISSUES, startGitHubServer } from '../servers/github/server';
import type { GitHubServer, GitHubServerOptions } from '../servers/github/server';

interface Setup {
  readonly server: GitHubServer;
  readonly tracker: Tracker;
  readonly lines: string[];
  readonly waits: [number, WaitReason][];
}

async function setup(t: TestContext, serverOptions: GitHubServerOptions = {}, client: Partial<GitHubClientOptions> = {}): Promise<Setup> {
  const server = await startGitHubServer(serverOptions);
  t.after(() => server.close());
  const lines: string[] = [];
  const waits: [number, WaitReason][] = [];
  const tracker = createGitHubTracker({
    owner: server.owner,
    repo: server.repo,
    log: (line) => lines.push(line),
    client: {
      token: server.token,
      version: '1.2.3',
      baseUrl: server.url,
      timeoutMs: 2_000,
      retryDelayUnitMs: 5,
      minWriteIntervalMs: 0,
      onWait: (seconds, why) => waits.push([seconds, why]),
      ...client,
    },
  });
  return { server, tracker, lines, waits };
}

/** The TrackerError a call fails with; fails the test if it succeeds or fails otherwise. */
async function failure(promise: Promise<unknown>): Promise<TrackerError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof TrackerError, `expected a TrackerError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the call to fail');
}

const posts = (server: GitHubServer, path: RegExp): number => server.requests.filter((r) => r.method === 'POST' && path.test(r.path)).length;

describe('reading the repository', () => {
  test('the repository, its write permission and the signed-in user', async (t) => {
    const { tracker, server } = await setup(t, { login: 'mona' });
    assert.deepEqual(await tracker.repository(), {
      fullName: 'octo-org/planning',
      url: 'https://github.com/octo-org/planning',
      hasIssues: true,
      canWrite: true,
      defaultBranch: 'main',
    });
    assert.equal(await tracker.currentUser(), 'mona');
    assert.equal(server.requests[0].headers['user-agent']?.toString().split(' ')[0], 'autopm-vscode/1.2.3');
    const readOnly = await setup(t, { permissions: { push: false, triage: false }, hasIssues: false });
    const repository = await readOnly.tracker.repository();
    assert.deepEqual([repository.canWrite, repository.hasIssues], [false, false]);
    assert.equal((await failure(readOnly.tracker.listIssues({}))).kind, 'not-found');
  });

  test('listIssues pages through every issue, open and closed, and leaves pull requests out', async (t) => {
    const { tracker, server } = await setup(t, { perPageMax: 3 });
    for (let i = 1; i <= 10; i++) {
      if (i % 4 === 0) server.seedPullRequest({ title: `PR ${i}` });
      else server.seedIssue({ title: `Task ${i}`, state: i % 3 === 0 ? 'closed' : 'open', labels: i % 2 === 0 ? ['epic'] : [] });
    }
    const issues = await tracker.listIssues({});
    assert.deepEqual(issues.map((i) => i.number), [1, 2, 3, 5, 6, 7, 9, 10]);
    assert.equal(server.requests.filter((r) => r.method === 'GET').length, 4);
    const third = issues.find((i) => i.number === 3)!;
    assert.equal(third.state, 'closed');
    assert.equal(third.stateReason, 'completed');
    assert.equal(third.id, server.issue(3)!.id);
    assert.notEqual(third.id, third.number);
    assert.equal(third.url, 'https://github.com/octo-org/planning/issues/3');
    assert.equal(third.body, '');
    assert.deepEqual((await tracker.listIssues({ labels: ['EPIC'] })).map((i) => i.number), [2, 6, 10]);
  });

  test('an issue in a milestone carries its number and title; one outside has no milestone at all', async (t) => {
    const { tracker, server } = await setup(t);
    server.seedMilestone('Backlog');
    const v1 = server.seedMilestone('v1.0');
    server.seedIssue({ title: 'In it', milestone: v1.number });
    server.seedIssue({ title: 'Outside' });
    const [inside, outside] = await tracker.listIssues({});
    assert.deepEqual(inside.milestone, { number: 2, title: 'v1.0' });
    assert.equal('milestone' in outside, false);
    const read = await tracker.getIssue(1, undefined);
    assert.deepEqual(read.changed && read.value.milestone, { number: 2, title: 'v1.0' });
  });

  test('listIssues with since keeps what changed at or after that time', async (t) => {
    const { tracker, server } = await setup(t);
    server.seedIssue({ title: 'old', createdAt: '2024-01-01T00:00:00Z', updatedAt: '2024-01-02T00:00:00Z' });
    server.seedIssue({ title: 'new', createdAt: '2024-01-01T00:00:00Z', updatedAt: '2024-06-01T00:00:00Z' });
    assert.deepEqual((await tracker.listIssues({ since: '2024-06-01T00:00:00Z' })).map((i) => i.title), ['new']);
  });

  test('getIssue with its ETag answers unchanged (a 304 that costs no rate limit) until the issue changes', async (t) => {
    const { tracker, server } = await setup(t);
    server.seedIssue({ title: 'Watched', labels: ['task'], assignees: ['mona'] });
    const first = await tracker.getIssue(1, undefined);
    assert.equal(first.changed, true);
    assert.ok(first.changed && first.etag);
    assert.deepEqual(first.changed && [first.value.title, first.value.labels, first.value.assignees], ['Watched', ['task'], ['mona']]);
    const again = await tracker.getIssue(1, first.etag);
    assert.deepEqual(again, { changed: false, etag: first.etag });
    const [withTag, unchanged] = server.requests.slice(-2);
    assert.deepEqual([withTag.status, unchanged.status], [200, 304]);
    assert.equal(unchanged.headers['if-none-match'], first.etag);
    await tracker.updateIssue(1, { body: 'More' });
    const after = await tracker.getIssue(1, first.etag);
    assert.equal(after.changed, true);
    assert.ok(after.changed && after.value.body === 'More' && after.etag !== first.etag);
    assert.ok(after.changed && Date.parse(after.value.updatedAt) > Date.parse(first.value.updatedAt));
  });
});

describe('writing issues', () => {
  test('createIssue and updateIssue: labels, closing as not planned, reopening', async (t) => {
    const { tracker, server } = await setup(t);
    const made = await tracker.createIssue({ title: 'Set up CI', body: 'Pipelines', labels: ['task', 'epic:ci'] });
    assert.deepEqual([made.number, made.title, made.body, made.state, made.labels], [1, 'Set up CI', 'Pipelines', 'open', ['task', 'epic:ci']]);
    assert.equal(made.id, server.issue(1)!.id);
    const closed = await tracker.updateIssue(1, { state: 'closed', stateReason: 'not_planned', labels: ['task'] });
    assert.deepEqual([closed.state, closed.stateReason, closed.labels], ['closed', 'not_planned', ['task']]);
    const reopened = await tracker.updateIssue(1, { state: 'open' });
    assert.deepEqual([reopened.state, reopened.stateReason], ['open', 'reopened']);
  });

  test('a create that GitHub carried out before answering 502 is not retried: maybeCommitted, and the issue exists once', async (t) => {
    const { tracker, server } = await setup(t);
    server.faults.add({ method: 'POST', path: '/repos/*/*/issues', fault: { kind: 'error-after-commit', status: 502 } });
    const error = await failure(tracker.createIssue({ title: 'Once only', body: '', labels: [] }));
    assert.deepEqual([error.kind, error.status, error.maybeCommitted], ['unavailable', 502, true]);
    assert.match(error.message, /create the issue “Once only”.*502.*may have carried it out/);
    assert.equal(posts(server, /\/issues$/), 1);
    assert.deepEqual(server.issues().map((i) => i.title), ['Once only']);
    // Listing finds the lost create again.
    assert.deepEqual((await tracker.listIssues({})).map((i) => i.title), ['Once only']);
  });

  test('a create whose connection drops after the commit is not retried either', async (t) => {
    const { tracker, server } = await setup(t);
    server.faults.add({ method: 'POST', path: '/repos/*/*/issues', fault: { kind: 'drop-after-commit' } });
    const error = await failure(tracker.createIssue({ title: 'Dropped', body: '', labels: [] }));
    assert.deepEqual([error.kind, error.status, error.maybeCommitted], ['unavailable', undefined, true]);
    assert.equal(posts(server, /\/issues$/), 1);
    assert.equal(server.issues().length, 1);
  });

  test('a create whose connection drops before it reaches GitHub may have been committed as far as the client knows', async (t) => {
    const { tracker, server } = await setup(t);
    server.faults.add({ method: 'POST', path: '/repos/*/*/issues', fault: { kind: 'drop-before' } });
    const error = await failure(tracker.createIssue({ title: 'Lost', body: '', labels: [] }));
    assert.deepEqual([error.kind, error.maybeCommitted], ['unavailable', true]);
    assert.equal(posts(server, /\/issues$/), 1);
    assert.equal(server.issues().length, 0);
  });

  test('a read that fails with a 5xx is retried and succeeds', async (t) => {
    const { tracker, server } = await setup(t);
    server.seedIssue({ title: 'Flaky' });
    server.faults.add({ method: 'GET', path: '/repos/*/*/issues/1', times: 2, fault: { kind: 'status', status: 502 } });
    const read = await tracker.getIssue(1, undefined);
    assert.ok(read.changed && read.value.title === 'Flaky');
    assert.deepEqual(server.requests.map((r) => r.status), [502, 502, 200]);
  });

  test('an idempotent update is retried after a 502 that followed its commit, and ends as asked', async (t) => {
    const { tracker, server } = await setup(t);
    server.seedIssue({ title: 'Before' });
    server.faults.add({ method: 'PATCH', path: '/repos/*/*/issues/1', fault: { kind: 'error-after-commit' } });
    const updated = await tracker.updateIssue(1, { title: 'After' });
    assert.equal(updated.title, 'After');
    assert.deepEqual(server.requests.map((r) => `${r.method} ${r.status}`), ['PATCH 502', 'PATCH 200']);
  });

  test('GitHub\'s refusals become invalid, not-found and auth, in plain words without the token', async (t) => {
    const { tracker, server } = await setup(t);
    const invalid = await failure(tracker.createIssue({ title: '  ', body: '', labels: [] }));
    assert.deepEqual([invalid.kind, invalid.status, invalid.maybeCommitted], ['invalid', 422, false]);
    assert.match(invalid.message, /Validation Failed; Issue title missing field/);
    const missing = await failure(tracker.getIssue(404, undefined));
    assert.deepEqual([missing.kind, missing.status], ['not-found', 404]);
    const stranger = createGitHubTracker({
      owner: server.owner,
      repo: server.repo,
      client: { token: 'ghp_wrongWrongWrongWrongWrong', version: '1.2.3', baseUrl: server.url, retryDelayUnitMs: 5 },
    });
    const auth = await failure(stranger.repository());
    assert.deepEqual([auth.kind, auth.status], ['auth', 401]);
    assert.match(auth.message, /Bad credentials/);
    assert.doesNotMatch(auth.message, /ghp_/);
  });

  test('a token without triage cannot label: auth', async (t) => {
    const { tracker } = await setup(t, { permissions: { push: false, triage: false } });
    const refused = await failure(tracker.ensureLabel({ name: 'epic', color: '5319e7' }));
    assert.deepEqual([refused.kind, refused.status], ['auth', 403]);
  });
});

// A wait that is not cut short must fail the test, not hang the run.
describe('rate limits, timeouts and cancellation', { timeout: 20_000 }, () => {
  test('a secondary rate limit with retry-after 1 is waited out, the wait reported, and the create made once', async (t) => {
    const { tracker, server, waits, lines } = await setup(t);
    server.faults.add({ method: 'POST', path: '/repos/*/*/issues', fault: { kind: 'secondary-rate-limit', retryAfterSeconds: 1 } });
    const started = Date.now();
    const made = await tracker.createIssue({ title: 'Patient', body: '', labels: [] });
    assert.ok(Date.now() - started >= 950, `waited ${Date.now() - started} ms`);
    assert.equal(made.title, 'Patient');
    assert.deepEqual(waits, [[1, 'secondary-rate-limit']]);
    assert.deepEqual(server.requests.map((r) => r.status), [403, 201]);
    assert.equal(server.issues().length, 1);
    assert.ok(lines.some((l) => /secondary rate limit; waiting 1 s/.test(l)));
  });

  test('a 429 secondary limit is waited out by the throttling plugin alone, not retried blindly as well', async (t) => {
    const { tracker, server, waits } = await setup(t);
    server.seedIssue();
    server.faults.add({ method: 'GET', path: '/repos/*/*/issues/1', fault: { kind: 'secondary-rate-limit', status: 429, retryAfterSeconds: 1 } });
    await tracker.getIssue(1, undefined);
    assert.deepEqual(waits, [[1, 'secondary-rate-limit']]);
    assert.deepEqual(server.requests.map((r) => r.status), [429, 200]);
  });

  test('a primary limit that resets beyond the cap gives rate-limited at once, without waiting', async (t) => {
    const { tracker, server, waits } = await setup(t, {}, { maxWaitSeconds: 60 });
    server.faults.add({ path: '/repos/*/*', fault: { kind: 'primary-rate-limit', resetInSeconds: 3600 } });
    server.faults.add({ method: 'POST', path: '/repos/*/*/issues', fault: { kind: 'primary-rate-limit', status: 429, resetInSeconds: 600 } });
    const started = Date.now();
    const read = await failure(tracker.repository());
    assert.deepEqual([read.kind, read.status, read.maybeCommitted], ['rate-limited', 403, false]);
    assert.match(read.message, /rate limit is used up; it resets in about 60 minutes/);
    const write = await failure(tracker.createIssue({ title: 'Later', body: '', labels: [] }));
    assert.deepEqual([write.kind, write.status, write.maybeCommitted], ['rate-limited', 429, false]);
    assert.ok(Date.now() - started < 900);
    assert.deepEqual(waits, []);
    assert.equal(server.issues().length, 0);
  });

  test('a secondary limit asking for more than the cap is not waited for', async (t) => {
    const { tracker, server, waits } = await setup(t, {}, { maxWaitSeconds: 5 });
    server.faults.add({ path: '/repos/*/*', fault: { kind: 'secondary-rate-limit', retryAfterSeconds: 30 } });
    const error = await failure(tracker.repository());
    assert.equal(error.kind, 'rate-limited');
    assert.match(error.message, /asks to wait 30 s/);
    assert.deepEqual(waits, []);
  });

  test('a create slower than the timeout is unavailable and maybe committed; GitHub goes on to make it', async (t) => {
    const { tracker, server } = await setup(t, {}, { timeoutMs: 150 });
    server.faults.add({ method: 'POST', path: '/repos/*/*/issues', fault: { kind: 'delay', ms: 400 } });
    const error = await failure(tracker.createIssue({ title: 'Slow', body: '', labels: [] }));
    assert.deepEqual([error.kind, error.maybeCommitted], ['unavailable', true]);
    assert.match(error.message, /did not answer within 0\.1 s|did not answer within 0\.2 s|did not answer within 0\.15/);
    assert.equal(server.issues().length, 0);
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.equal(server.issues().length, 1);
    assert.equal(posts(server, /\/issues$/), 1);
  });

  test('a read slower than the timeout every time is unavailable after its retries; slow once, the retry answers', async (t) => {
    const { tracker, server } = await setup(t, {}, { timeoutMs: 100, retries: 2 });
    server.faults.add({ method: 'GET', path: '/repos/*/*', times: 3, fault: { kind: 'delay', ms: 300 } });
    const error = await failure(tracker.repository());
    assert.deepEqual([error.kind, error.maybeCommitted], ['unavailable', false]);
    assert.equal(server.requests.length, 3);
    server.faults.add({ method: 'GET', path: '/repos/*/*', fault: { kind: 'delay', ms: 300 } });
    assert.equal((await tracker.repository()).fullName, 'octo-org/planning');
  });

  test('aborting a request in flight gives cancelled at once, and Octokit does not try it again', async (t) => {
    const { tracker, server, lines } = await setup(t);
    server.faults.add({ method: 'GET', path: '/repos/*/*/issues', fault: { kind: 'delay', ms: 1_500 } });
    const controller = new AbortController();
    // A reason of the caller's own: fetch rejects with it rather than with an AbortError.
    setTimeout(() => controller.abort(new Error('The user stopped the sync')), 50);
    const started = Date.now();
    const error = await failure(tracker.listIssues({}, controller.signal));
    assert.deepEqual([error.kind, error.maybeCommitted], ['cancelled', false]);
    assert.ok(Date.now() - started < 1_000);
    assert.equal((await failure(tracker.repository(AbortSignal.abort()))).kind, 'cancelled');
    await new Promise((resolve) => setTimeout(resolve, 150));
    // The aborted request arrived but was never answered; the pre-aborted one was never sent.
    assert.deepEqual(server.requests.map((r) => [r.path, r.status]), [['/repos/octo-org/planning/issues?state=all&sort=created&direction=asc&per_page=100', undefined]]);
    assert.deepEqual(lines.map((l) => l.replace(/\d+ms$/, 'Nms')), ['GET /repos/octo-org/planning/issues?state=all&sort=created&direction=asc&per_page=100 cancelled Nms']);
  });

  test('an aborted listing asks for no further page', async (t) => {
    const { tracker, server } = await setup(t, { perPageMax: 1 });
    server.seedIssue();
    server.seedIssue();
    server.faults.add({ method: 'GET', path: '/repos/*/*/issues', fault: { kind: 'delay', ms: 300 } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    assert.equal((await failure(tracker.listIssues({}, controller.signal))).kind, 'cancelled');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(server.requests.length, 1);
    assert.equal((await tracker.listIssues({})).length, 2);
  });

  test('aborting a write during a rate-limit wait gives cancelled without waiting it out, and sends nothing more', async (t) => {
    const { tracker, server, waits } = await setup(t);
    server.faults.add({ method: 'POST', path: '/repos/*/*/issues/1/comments', fault: { kind: 'secondary-rate-limit', retryAfterSeconds: 1 } });
    server.seedIssue();
    const controller = new AbortController();
    const pending = tracker.createComment(1, 'hello', controller.signal);
    setTimeout(() => controller.abort(), 200);
    const started = Date.now();
    const error = await failure(pending);
    assert.deepEqual([error.kind, error.maybeCommitted], ['cancelled', true]);
    assert.ok(Date.now() - started < 700, `took ${Date.now() - started} ms`);
    assert.deepEqual(waits, [[1, 'secondary-rate-limit']]);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    assert.equal(server.comments(1).length, 0);
    assert.equal(posts(server, /comments$/), 1);
  });
});

describe('labels', () => {
  test('ensureLabel creates a missing label and accepts one that exists in another case', async (t) => {
    const { tracker, server } = await setup(t);
    server.seedLabel('Epic');
    await tracker.ensureLabel({ name: 'epic', color: '5319e7' });
    await tracker.ensureLabel({ name: 'task', color: '0e8a16', description: 'A task' });
    assert.deepEqual(server.labels().map((l) => [l.name, l.color, l.description]), [['Epic', 'ededed', null], ['task', '0e8a16', 'A task']]);
    assert.deepEqual(await tracker.listLabels(), ['Epic', 'task']);
    assert.deepEqual(server.requests.filter((r) => r.method === 'POST').map((r) => r.status), [422, 201]);
  });

  test('addLabels and removeLabel; removing a label the issue lacks is done already; on a missing issue, not-found', async (t) => {
    const { tracker, server } = await setup(t);
    server.seedIssue({ labels: ['task'] });
    await tracker.addLabels(1, ['epic', 'task']);
    assert.deepEqual(server.issue(1)!.labels, ['task', 'epic']);
    await tracker.removeLabel(1, 'TASK');
    await tracker.removeLabel(1, 'task');
    assert.deepEqual(server.issue(1)!.labels, ['epic']);
    assert.equal((await failure(tracker.removeLabel(7, 'epic'))).kind, 'not-found');
  });

  test('a label list longer than a page is read whole', async (t) => {
    const { tracker, server } = await setup(t, { perPageMax: 2 });
    for (const name of ['a', 'b', 'c', 'd', 'e']) server.seedLabel(name);
    assert.deepEqual(await tracker.listLabels(), ['a', 'b', 'c', 'd', 'e']);
  });
});

describe('sub-issues and dependencies', () => {
  test('sub-issues are linked by id, listed in order and reordered; the number in place of the id is not-found', async (t) => {
    const { tracker, server } = await setup(t);
    const epic = server.seedIssue({ title: 'Epic' });
    const [a, b, c] = ['a', 'b', 'c'].map((title) => server.seedIssue({ title }));
    const wrong = await failure(tracker.addSubIssue(epic.number, b.number));
    assert.deepEqual([wrong.kind, wrong.status, wrong.maybeCommitted], ['not-found', 404, false]);
    for (const child of [a, b, c]) await tracker.addSubIssue(epic.number, child.id);
    await tracker.reorderSubIssue(epic.number, a.id, c.id);
    assert.deepEqual((await tracker.listSubIssues(epic.number)).map((i) => i.title), ['b', 'c', 'a']);
  });

  test('a second parent and the 101st sub-issue are invalid, with GitHub\'s reason', async (t) => {
    const { tracker, server } = await setup(t);
    const epic = server.seedIssue({ title: 'Epic' });
    const other = server.seedIssue({ title: 'Other epic' });
    for (let i = 0; i < MAX_SUB_ISSUES; i++) server.seedSubIssue(epic.number, server.seedIssue({ title: `T${i}`, state: 'closed' }).number);
    const extra = server.seedIssue({ title: 'Extra' });
    const full = await failure(tracker.addSubIssue(epic.number, extra.id));
    assert.deepEqual([full.kind, full.status, full.maybeCommitted], ['invalid', 422, false]);
    assert.match(full.message, /Parent cannot have more than 100 sub-issues/);
    const taken = await failure(tracker.addSubIssue(other.number, server.issue(3)!.id));
    assert.equal(taken.kind, 'invalid');
    assert.match(taken.message, /Sub issue may only have one parent/);
    assert.equal((await tracker.listSubIssues(epic.number)).length, 100);
  });

  test('a sub-issue link that GitHub made before failing is reported maybe committed and sent once', async (t) => {
    const { tracker, server } = await setup(t);
    const epic = server.seedIssue();
    const task = server.seedIssue();
    server.faults.add({ method: 'POST', path: '/repos/*/*/issues/*/sub_issues', fault: { kind: 'error-after-commit', status: 500 } });
    const error = await failure(tracker.addSubIssue(epic.number, task.id));
    assert.deepEqual([error.kind, error.status, error.maybeCommitted], ['unavailable', 500, true]);
    assert.equal(posts(server, /sub_issues$/), 1);
    assert.deepEqual(server.issue(epic.number)!.subIssueIds, [task.id]);
  });

  test('blocked-by links are added, listed and removed by id; the 51st is invalid', async (t) => {
    const { tracker, server } = await setup(t);
    const blocked = server.seedIssue({ title: 'Blocked' });
    const blocker = server.seedIssue({ title: 'Blocker' });
    await tracker.addBlockedBy(blocked.number, blocker.id);
    assert.deepEqual((await tracker.listBlockedBy(blocked.number)).map((i) => i.title), ['Blocker']);
    await tracker.removeBlockedBy!(blocked.number, blocker.id);
    assert.deepEqual(await tracker.listBlockedBy(blocked.number), []);
    assert.equal((await failure(tracker.removeBlockedBy!(blocked.number, blocker.id))).kind, 'not-found');
    for (let i = 0; i < MAX_DEPENDENCIES; i++) server.seedBlockedBy(blocked.number, server.seedIssue().number);
    const full = await failure(tracker.addBlockedBy(blocked.number, blocker.id));
    assert.deepEqual([full.kind, full.status], ['invalid', 422]);
    assert.equal((await tracker.listBlockedBy(blocked.number)).length, 50);
  });

  test('removing a blocked-by link: one DELETE by id; a link not there is not-found (404), a failure after GitHub removed it maybe committed and not retried', async (t) => {
    const { tracker, server } = await setup(t);
    const remove = tracker.removeBlockedBy!.bind(tracker);
    const blocked = server.seedIssue({ title: 'Blocked' });
    const [first, second, third] = [1, 2, 3].map((i) => server.seedIssue({ title: `Blocker ${i}` }));
    for (const b of [first, second, third]) server.seedBlockedBy(blocked.number, b.number);
    const deletes = () => server.requests.filter((r) => r.method === 'DELETE');

    await remove(blocked.number, first.id);
    assert.deepEqual(deletes().map((r) => [r.path, r.status]), [[`/repos/octo-org/planning/issues/${blocked.number}/dependencies/blocked_by/${first.id}`, 200]]);
    assert.deepEqual((await tracker.listBlockedBy(blocked.number)).map((i) => i.title), ['Blocker 2', 'Blocker 3']);

    const gone = await failure(remove(blocked.number, first.id));
    assert.deepEqual([gone.kind, gone.status, gone.maybeCommitted], ['not-found', 404, false]);
    // The number instead of the id names no link either.
    assert.equal((await failure(remove(blocked.number, second.number))).status, 404);

    server.faults.add({ method: 'DELETE', path: '/repos/*/*/issues/*/dependencies/blocked_by/*', fault: { kind: 'error-after-commit', status: 502 } });
    const lost = await failure(remove(blocked.number, second.id));
    assert.deepEqual([lost.kind, lost.status, lost.maybeCommitted], ['unavailable', 502, true]);
    assert.match(lost.message, /GitHub may have carried it out anyway/);
    server.faults.add({ method: 'DELETE', path: '/repos/*/*/issues/*/dependencies/blocked_by/*', fault: { kind: 'drop-after-commit' } });
    const dropped = await failure(remove(blocked.number, third.id));
    assert.deepEqual([dropped.kind, dropped.maybeCommitted], ['unavailable', true]);
    assert.equal(deletes().length, 5, 'each sent once, never retried by the client');
    assert.deepEqual(await tracker.listBlockedBy(blocked.number), []);

    const readOnly = await setup(t, { permissions: { push: false, triage: false } });
    const a = readOnly.server.seedIssue();
    const b = readOnly.server.seedIssue();
    readOnly.server.seedBlockedBy(a.number, b.number);
    assert.equal((await failure(readOnly.tracker.removeBlockedBy!(a.number, b.id))).kind, 'auth');
  });

  test('a comment GitHub made before the connection dropped is maybe committed, and exists once', async (t) => {
    const { tracker, server } = await setup(t);
    server.seedIssue();
    server.faults.add({ method: 'POST', path: '/repos/*/*/issues/1/comments', fault: { kind: 'drop-after-commit' } });
    const error = await failure(tracker.createComment(1, 'Progress'));
    assert.deepEqual([error.kind, error.maybeCommitted], ['unavailable', true]);
    assert.deepEqual(server.comments(1).map((c) => c.body), ['Progress']);
    await tracker.createComment(1, 'More');
    assert.equal(server.comments(1).length, 2);
  });
});

describe('the log', () => {
  test('one line per request with method, path, status and time, and never the token', async (t) => {
    const { tracker, server, lines } = await setup(t);
    server.seedIssue();
    server.faults.add({ method: 'GET', path: '/repos/*/*/issues/1', fault: { kind: 'status', status: 500 } });
    await tracker.getIssue(1, undefined);
    await failure(tracker.getIssue(2, undefined));
    assert.deepEqual(
      lines.map((l) => l.replace(/\d+ms$/, 'Nms')),
      ['GET /repos/octo-org/planning/issues/1 500 Nms', 'GET /repos/octo-org/planning/issues/1 200 Nms', 'GET /repos/octo-org/planning/issues/2 404 Nms'],
    );
    assert.ok(lines.every((l) => !l.includes(server.token)));
  });
});
