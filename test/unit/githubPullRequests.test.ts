// The GitHub tracker's pull requests and assignees against the local GitHub server,
// through the real Octokit with its retry and throttling plugins.
import { describe, test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { TrackerError } from '../../src/services/tracker';
import type { NewPullRequest, Tracker } from '../../src/services/tracker';
import { createGitHubTracker } from '../../src/services/github/githubTracker';
import { startGitHubServer } from '../servers/github/server';
import type { GitHubServer, GitHubServerOptions } from '../servers/github/server';

interface Setup {
  readonly server: GitHubServer;
  /** With the optional pull request and assignee methods, which the GitHub tracker has. */
  readonly tracker: Required<Tracker>;
}

async function setup(t: TestContext, options: GitHubServerOptions = {}): Promise<Setup> {
  const server = await startGitHubServer(options);
  t.after(() => server.close());
  const tracker = createGitHubTracker({
    owner: server.owner,
    repo: server.repo,
    client: { token: server.token, version: '1.2.3', baseUrl: server.url, timeoutMs: 2_000, retryDelayUnitMs: 5, minWriteIntervalMs: 0 },
  }) as Required<Tracker>;
  return { server, tracker };
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

const creates = (server: GitHubServer): number => server.requests.filter((r) => r.method === 'POST' && /\/pulls$/.test(r.path)).length;

const feature = (overrides: Partial<NewPullRequest> = {}): NewPullRequest => ({ title: 'Add login', body: 'Closes #1', head: 'feature/login', base: 'main', ...overrides });

describe('the repository', () => {
  test('reports its default branch', async (t) => {
    const { tracker } = await setup(t);
    assert.equal((await tracker.repository()).defaultBranch, 'main');
  });
});

describe('opening pull requests', () => {
  test('createPullRequest opens one, which findPullRequests finds by its head and the server holds as asked', async (t) => {
    const { server, tracker } = await setup(t);
    server.seedIssue({ title: 'Login' });
    server.seedBranch('feature/login', { commitsAhead: 2 });
    server.seedBranch('feature/other');
    const made = await tracker.createPullRequest(feature());
    assert.deepEqual(
      { ...made, id: 0 },
      { number: 2, id: 0, url: 'https://github.com/octo-org/planning/pull/2', title: 'Add login', body: 'Closes #1', state: 'open', merged: false, draft: false, head: 'feature/login', base: 'main' },
    );
    assert.equal(made.id, server.pullRequests()[0].pull?.pullId);
    assert.notEqual(made.id, made.number);
    await tracker.createPullRequest(feature({ title: 'Other', head: 'feature/other' }));

    assert.deepEqual(await tracker.findPullRequests('feature/login'), [made]);
    assert.deepEqual((await tracker.findPullRequests('feature/other')).map((p) => p.title), ['Other']);
    assert.deepEqual(await tracker.findPullRequests('feature/login', { base: 'release' }), []);
    assert.deepEqual(await tracker.findPullRequests('feature/none'), []);
    // The owner goes with the head: GitHub would ignore a bare branch name and list them all.
    assert.ok(server.requests.filter((r) => r.method === 'GET').every((r) => /head=octo-org%3Afeature%2F/.test(r.path)));
    const [stored] = server.pullRequests();
    assert.deepEqual([stored.title, stored.body, stored.pull?.head, stored.pull?.base, stored.pull?.draft], ['Add login', 'Closes #1', 'feature/login', 'main', false]);
    // Pull requests are left out of the issues, though they share the numbers.
    assert.deepEqual((await tracker.listIssues({})).map((i) => i.number), [1]);
  });

  test('a draft is opened as a draft', async (t) => {
    const { server, tracker } = await setup(t);
    server.seedBranch('feature/login');
    const made = await tracker.createPullRequest(feature({ draft: true }));
    assert.equal(made.draft, true);
    assert.equal(server.pullRequests()[0].pull?.draft, true);
    assert.equal((await tracker.findPullRequests('feature/login'))[0].draft, true);
  });

  test('GitHub\'s refusals are invalid, with GitHub\'s own reason, sent once and never maybe committed', async (t) => {
    const { server, tracker } = await setup(t);
    server.seedBranch('feature/login');
    server.seedBranch('feature/empty', { commitsAhead: 0 });
    const refusal = async (pr: NewPullRequest, reason: RegExp): Promise<void> => {
      const before = creates(server);
      const error = await failure(tracker.createPullRequest(pr));
      assert.deepEqual([error.kind, error.status, error.maybeCommitted], ['invalid', 422, false]);
      assert.match(error.message, reason);
      assert.equal(creates(server), before + 1);
    };
    await refusal(feature({ head: 'feature/none' }), /Validation Failed; PullRequest head invalid\.$/);
    await refusal(feature({ base: 'develop' }), /Validation Failed; PullRequest base invalid\.$/);
    await refusal(feature({ title: '' }), /PullRequest title missing field/);
    await refusal(feature({ head: 'main' }), /: GitHub refused it: Validation Failed; No commits between main and main\.$/);
    await refusal(feature({ head: 'feature/empty' }), /No commits between main and feature\/empty\.$/);
    assert.equal(server.pullRequests().length, 0);
    await tracker.createPullRequest(feature());
    await refusal(feature({ title: 'Again' }), /^Could not open the pull request “Again” from feature\/login into main in octo-org\/planning: GitHub refused it: Validation Failed; A pull request already exists for octo-org:feature\/login\.$/);
    assert.equal(server.pullRequests().length, 1);
  });

  test('a token without push cannot open one: auth', async (t) => {
    const { server, tracker } = await setup(t, { permissions: { push: false, triage: true } });
    server.seedBranch('feature/login');
    const error = await failure(tracker.createPullRequest(feature()));
    assert.deepEqual([error.kind, error.status], ['auth', 403]);
  });

  test('a create that GitHub carried out before answering 502 is not retried: maybeCommitted, and findPullRequests finds it once', async (t) => {
    const { server, tracker } = await setup(t);
    server.seedBranch('feature/login');
    server.faults.add({ method: 'POST', path: '/repos/*/*/pulls', fault: { kind: 'error-after-commit', status: 502 } });
    const error = await failure(tracker.createPullRequest(feature()));
    assert.deepEqual([error.kind, error.status, error.maybeCommitted], ['unavailable', 502, true]);
    assert.match(error.message, /open the pull request “Add login”.*502.*may have carried it out/);
    assert.equal(creates(server), 1);
    const found = await tracker.findPullRequests('feature/login');
    assert.deepEqual(found.map((p) => [p.number, p.title]), [[1, 'Add login']]);
    assert.equal(server.pullRequests().length, 1);
  });

  test('a create whose connection drops after the commit is maybe committed and sent once', async (t) => {
    const { server, tracker } = await setup(t);
    server.seedBranch('feature/login');
    server.faults.add({ method: 'POST', path: '/repos/*/*/pulls', fault: { kind: 'drop-after-commit' } });
    const error = await failure(tracker.createPullRequest(feature()));
    assert.deepEqual([error.kind, error.maybeCommitted], ['unavailable', true]);
    assert.equal(creates(server), 1);
    assert.equal((await tracker.findPullRequests('feature/login')).length, 1);
  });

  test('a cancelled create is cancelled and sends nothing', async (t) => {
    const { server, tracker } = await setup(t);
    server.seedBranch('feature/login');
    assert.equal((await failure(tracker.createPullRequest(feature(), AbortSignal.abort()))).kind, 'cancelled');
    assert.equal(server.requests.length, 0);
  });
});

describe('finding pull requests', () => {
  test('open ones unless told, newest first, every page, merged ones marked as merged', async (t) => {
    const { server, tracker } = await setup(t, { perPageMax: 3 });
    for (let i = 1; i <= 7; i++) {
      server.seedPullRequest({
        title: `Try ${i}`,
        head: 'feature/login',
        state: i === 7 ? 'open' : 'closed',
        merged: i === 6,
        createdAt: `2024-01-0${i}T00:00:00Z`,
      });
    }
    server.seedPullRequest({ title: 'Elsewhere', head: 'feature/other', createdAt: '2024-02-01T00:00:00Z' });
    const open = await tracker.findPullRequests('feature/login');
    assert.deepEqual(open.map((p) => [p.title, p.state]), [['Try 7', 'open']]);
    const before = server.requests.length;
    const all = await tracker.findPullRequests('feature/login', { state: 'all' });
    assert.deepEqual(all.map((p) => p.title), ['Try 7', 'Try 6', 'Try 5', 'Try 4', 'Try 3', 'Try 2', 'Try 1']);
    assert.equal(server.requests.length - before, 3);
    assert.deepEqual(all.filter((p) => p.merged).map((p) => p.title), ['Try 6']);
    const closed = await tracker.findPullRequests('feature/login', { state: 'closed' });
    assert.equal(closed.length, 6);
    assert.ok(closed.every((p) => p.state === 'closed'));
  });

  test('a head that names its owner already is sent as it is', async (t) => {
    const { server, tracker } = await setup(t);
    server.seedPullRequest({ head: 'feature/login' });
    assert.equal((await tracker.findPullRequests('octo-org:feature/login')).length, 1);
    assert.equal((await tracker.findPullRequests('someone-else:feature/login')).length, 0);
  });
});

describe('assignees', () => {
  test('addAssignees keeps who is assigned and ignores logins that cannot be assigned; removeAssignees takes them off', async (t) => {
    const { server, tracker } = await setup(t, { login: 'mona', collaborators: ['hubot'] });
    server.seedIssue({ title: 'Work', assignees: ['hubot'] });
    const assigned = await tracker.addAssignees(1, ['mona', 'stranger']);
    assert.deepEqual(assigned.assignees, ['hubot', 'mona']);
    assert.equal(assigned.number, 1);
    assert.deepEqual(server.issue(1)!.assignees, ['hubot', 'mona']);
    const again = await tracker.addAssignees(1, ['mona']);
    assert.deepEqual(again.assignees, ['hubot', 'mona']);
    const removed = await tracker.removeAssignees(1, ['hubot', 'stranger']);
    assert.deepEqual(removed.assignees, ['mona']);
    assert.deepEqual(server.issue(1)!.assignees, ['mona']);
  });

  test('an assignment GitHub made before a 502 is retried and ends as asked; a missing issue is not-found; read-only is auth', async (t) => {
    const { server, tracker } = await setup(t);
    server.seedIssue();
    server.faults.add({ method: 'POST', path: '/repos/*/*/issues/1/assignees', fault: { kind: 'error-after-commit' } });
    assert.deepEqual((await tracker.addAssignees(1, ['octocat'])).assignees, ['octocat']);
    assert.deepEqual(server.requests.map((r) => `${r.method} ${r.status}`), ['POST 502', 'POST 201']);
    assert.equal((await failure(tracker.addAssignees(9, ['octocat']))).kind, 'not-found');
    const readOnly = await setup(t, { permissions: { push: false, triage: false } });
    readOnly.server.seedIssue();
    const refused = await failure(readOnly.tracker.removeAssignees(1, ['octocat']));
    assert.deepEqual([refused.kind, refused.status], ['auth', 403]);
  });
});
