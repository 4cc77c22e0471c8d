// The local GitHub server, driven by the real @octokit/rest (without the retry and
// throttling plugins, so that every answer is seen as the wire gives it).
import { describe, test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { Octokit } from '@octokit/rest';
import { MAX_DEPENDENCIES, MAX_SUB_ISSUES, startGitHubServer } from '../servers/github/server';
import type { GitHubServer, GitHubServerOptions } from '../servers/github/server';

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

async function serve(t: TestContext, options: GitHubServerOptions = {}): Promise<{ server: GitHubServer; octokit: Octokit; repo: { owner: string; repo: string } }> {
  const server = await startGitHubServer(options);
  t.after(() => server.close());
  const octokit = new Octokit({ baseUrl: server.url, auth: server.token, log: quiet });
  return { server, octokit, repo: { owner: server.owner, repo: server.repo } };
}

/** The error an Octokit call fails with; fails the test if it succeeds. */
async function refusal(promise: Promise<unknown>): Promise<{ status: number; message: string; data: Record<string, unknown>; headers: Record<string, string> }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { status: number; response?: { data: Record<string, unknown>; headers: Record<string, string> } };
    return { status: e.status, message: String(e.response?.data?.message), data: e.response?.data ?? {}, headers: e.response?.headers ?? {} };
  }
  assert.fail('expected the request to be refused');
}

describe('repository, user and credentials', () => {
  test('the repository reports has_issues and the permissions it was started with; /user the login', async (t) => {
    const { octokit, repo } = await serve(t, { login: 'mona', permissions: { push: false, triage: true } });
    const { data } = await octokit.rest.repos.get(repo);
    assert.equal(data.full_name, 'octo-org/planning');
    assert.equal(data.has_issues, true);
    assert.deepEqual(data.permissions, { admin: false, maintain: false, push: false, triage: true, pull: true });
    assert.equal((await octokit.rest.users.getAuthenticated()).data.login, 'mona');
    const other = await serve(t, { hasIssues: false });
    assert.equal((await other.octokit.rest.repos.get(other.repo)).data.has_issues, false);
  });

  test('every answer carries the rate-limit headers, and each counted request uses one', async (t) => {
    const { octokit, repo } = await serve(t, { rateLimit: 3 });
    const first = await octokit.rest.repos.get(repo);
    assert.equal(first.headers['x-ratelimit-limit'], '3');
    assert.equal(first.headers['x-ratelimit-remaining'], '2');
    assert.equal(first.headers['x-ratelimit-used'], '1');
    assert.equal(first.headers['x-ratelimit-resource'], 'core');
    assert.ok(Number(first.headers['x-ratelimit-reset']) > Date.now() / 1000);
    await octokit.rest.repos.get(repo);
    const missing = await refusal(octokit.rest.issues.get({ ...repo, issue_number: 41 }));
    assert.equal(missing.status, 404);
    assert.equal(missing.headers['x-ratelimit-remaining'], '0');
    const exhausted = await refusal(octokit.rest.repos.get(repo));
    assert.equal(exhausted.status, 403);
    assert.match(exhausted.message, /^API rate limit exceeded for user ID \d+\.$/);
    assert.equal(exhausted.headers['x-ratelimit-remaining'], '0');
  });

  test('a missing token and a wrong one are 401s with GitHub\'s messages; "token" and "Bearer" both work', async (t) => {
    const { server, repo } = await serve(t);
    const anonymous = new Octokit({ baseUrl: server.url, log: quiet });
    assert.deepEqual(await refusal(anonymous.rest.repos.get(repo)).then((r) => [r.status, r.message]), [401, 'Requires authentication']);
    const wrong = new Octokit({ baseUrl: server.url, auth: 'ghp_notTheRightOne', log: quiet });
    assert.deepEqual(await refusal(wrong.rest.repos.get(repo)).then((r) => [r.status, r.message]), [401, 'Bad credentials']);
    for (const scheme of ['token', 'Bearer']) {
      const response = await fetch(`${server.url}/user`, { headers: { authorization: `${scheme} ${server.token}` } });
      assert.equal(response.status, 200, scheme);
    }
  });

  test('an unknown path or repository is 404 Not Found; a body that is not JSON is 400', async (t) => {
    const { server, octokit } = await serve(t);
    assert.equal((await refusal(octokit.request('GET /repos/{owner}/{repo}', { owner: 'octo-org', repo: 'other' }))).status, 404);
    assert.equal((await refusal(octokit.request('GET /repos/octo-org/planning/nowhere'))).message, 'Not Found');
    const response = await fetch(`${server.url}/repos/octo-org/planning/issues`, {
      method: 'POST',
      headers: { authorization: `token ${server.token}`, 'content-type': 'application/json' },
      body: '{"title": ',
    });
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as { message: string }).message, 'Problems parsing JSON');
    assert.equal(server.issues().length, 0);
  });

  test('issue endpoints of a repository without issues answer 410; a read-only token may not create labels', async (t) => {
    const off = await serve(t, { hasIssues: false });
    const gone = await refusal(off.octokit.rest.issues.listForRepo(off.repo));
    assert.deepEqual([gone.status, gone.message], [410, 'Issues are disabled for this repo']);
    const readOnly = await serve(t, { permissions: { push: false, triage: false } });
    const refused = await refusal(readOnly.octokit.rest.issues.createLabel({ ...readOnly.repo, name: 'epic' }));
    assert.equal(refused.status, 403);
    assert.equal(readOnly.server.labels().length, 0);
  });
});

describe('issues and pull requests', () => {
  test('an issue has a large id unrelated to its number, a node id and web address; pull requests share the numbers', async (t) => {
    const { server, octokit, repo } = await serve(t);
    const created = (await octokit.rest.issues.create({ ...repo, title: 'First', body: 'Text', labels: ['epic'] })).data;
    server.seedPullRequest({ title: 'A fix' });
    const second = (await octokit.rest.issues.create({ ...repo, title: 'Second' })).data;
    assert.equal(created.number, 1);
    assert.equal(second.number, 3);
    assert.ok(Number(created.id) > 1_000_000_000);
    assert.notEqual(created.id, second.id);
    assert.match(created.node_id, /^I_/);
    assert.equal(created.html_url, 'https://github.com/octo-org/planning/issues/1');
    assert.equal(created.url, `${server.url}/repos/octo-org/planning/issues/1`);
    assert.deepEqual(created.labels.map((l) => (typeof l === 'string' ? l : l.name)), ['epic']);
    assert.equal(created.state_reason, null);
    assert.equal('pull_request' in created, false);
    const pr = (await octokit.rest.issues.get({ ...repo, issue_number: 2 })).data;
    assert.equal(pr.html_url, 'https://github.com/octo-org/planning/pull/2');
    assert.ok(pr.pull_request);
    assert.deepEqual(server.issues().map((i) => i.number), [1, 3]);
  });

  test('closing sets state_reason completed unless told, closed_at, and reopening says reopened', async (t) => {
    const { octokit, repo } = await serve(t);
    await octokit.rest.issues.create({ ...repo, title: 'One' });
    const closed = (await octokit.rest.issues.update({ ...repo, issue_number: 1, state: 'closed' })).data;
    assert.deepEqual([closed.state, closed.state_reason], ['closed', 'completed']);
    assert.ok(closed.closed_at);
    const notPlanned = (await octokit.rest.issues.update({ ...repo, issue_number: 1, state_reason: 'not_planned' })).data;
    assert.deepEqual([notPlanned.state, notPlanned.state_reason], ['closed', 'not_planned']);
    const reopened = (await octokit.rest.issues.update({ ...repo, issue_number: 1, state: 'open' })).data;
    assert.deepEqual([reopened.state, reopened.state_reason, reopened.closed_at], ['open', 'reopened', null]);
    const bad = await refusal(octokit.rest.issues.update({ ...repo, issue_number: 1, state: 'done' as 'open' }));
    assert.equal(bad.status, 422);
  });

  test('updated_at moves forward on every change, even several within one second', async (t) => {
    const { octokit, repo } = await serve(t);
    const times = [(await octokit.rest.issues.create({ ...repo, title: 'One' })).data.updated_at];
    times.push((await octokit.rest.issues.update({ ...repo, issue_number: 1, title: 'Two' })).data.updated_at);
    await octokit.rest.issues.addLabels({ ...repo, issue_number: 1, labels: ['x'] });
    times.push((await octokit.rest.issues.get({ ...repo, issue_number: 1 })).data.updated_at);
    await octokit.rest.issues.createComment({ ...repo, issue_number: 1, body: 'hello' });
    times.push((await octokit.rest.issues.get({ ...repo, issue_number: 1 })).data.updated_at);
    for (const time of times) assert.match(time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    for (let i = 1; i < times.length; i++) assert.ok(Date.parse(times[i]) > Date.parse(times[i - 1]), `${times[i]} after ${times[i - 1]}`);
  });

  test('creating without a title is refused as GitHub refuses it, and creates nothing', async (t) => {
    const { server, octokit, repo } = await serve(t);
    // Octokit's types insist on a title; the wire does not.
    const untitled = { ...repo, body: 'no title' } as unknown as { owner: string; repo: string; title: string };
    const refused = await refusal(octokit.request('POST /repos/{owner}/{repo}/issues', untitled));
    assert.equal(refused.status, 422);
    assert.equal(refused.message, 'Invalid request.\n\n"title" wasn\'t supplied.');
    assert.equal(server.issues().length, 0);
    assert.equal(server.writes(), 0);
  });
});

describe('listing issues', () => {
  test('pages of at most 100 with link headers naming the repository by id; paginate walks them all, pull requests included', async (t) => {
    const { server, octokit, repo } = await serve(t, { perPageMax: 3 });
    for (let i = 1; i <= 8; i++) {
      if (i % 3 === 0) server.seedPullRequest({ title: `PR ${i}` });
      else server.seedIssue({ title: `Issue ${i}` });
    }
    const first = await octokit.rest.issues.listForRepo({ ...repo, per_page: 250, state: 'all' });
    assert.equal(first.data.length, 3);
    const link = first.headers.link ?? '';
    assert.match(link, new RegExp(`<${server.url}/repositories/\\d+/issues\\?per_page=250&state=all&page=2>; rel="next"`));
    assert.match(link, /page=3>; rel="last"/);
    assert.doesNotMatch(link, /rel="prev"/);
    const all = await octokit.paginate(octokit.rest.issues.listForRepo, { ...repo, state: 'all', per_page: 100 });
    assert.deepEqual(all.map((i) => i.number), [8, 7, 6, 5, 4, 3, 2, 1]);
    assert.deepEqual(all.filter((i) => i.pull_request).map((i) => i.number), [6, 3]);
    const middle = await octokit.request(`GET ${server.url}/repositories/812093577/issues?state=all&page=2`);
    assert.match(middle.headers.link ?? '', /rel="prev".*rel="next".*rel="last".*rel="first"/);
    assert.equal(server.requests.filter((r) => r.path.startsWith('/repositories/')).length, 3);
  });

  test('state defaults to open; labels must all be present, in any case; since keeps issues updated at or after it', async (t) => {
    const { server, octokit, repo } = await serve(t);
    server.seedIssue({ title: 'old', labels: ['Epic'], updatedAt: '2024-01-01T00:00:00Z', createdAt: '2024-01-01T00:00:00Z' });
    server.seedIssue({ title: 'both', labels: ['epic', 'Task'], updatedAt: '2024-03-01T00:00:00Z', createdAt: '2024-02-01T00:00:00Z' });
    server.seedIssue({ title: 'closed', labels: ['task'], state: 'closed', updatedAt: '2024-04-01T00:00:00Z', createdAt: '2024-03-01T00:00:00Z' });
    const titles = async (params: Record<string, unknown>): Promise<string[]> =>
      (await octokit.rest.issues.listForRepo({ ...repo, ...params })).data.map((i) => i.title);
    assert.deepEqual(await titles({}), ['both', 'old']);
    assert.deepEqual(await titles({ state: 'all', labels: 'EPIC,task' }), ['both']);
    assert.deepEqual(await titles({ state: 'all', since: '2024-03-01T00:00:00Z' }), ['closed', 'both']);
    assert.deepEqual(await titles({ state: 'closed' }), ['closed']);
    assert.deepEqual(await titles({ state: 'all', sort: 'updated', direction: 'asc' }), ['old', 'both', 'closed']);
    assert.deepEqual(await titles({ state: 'all', sort: 'created', direction: 'desc' }), ['closed', 'both', 'old']);
  });
});

describe('conditional requests', () => {
  test('a GET answers an ETag; If-None-Match with it is a 304 without a body that costs no rate limit; a change makes a new tag', async (t) => {
    const { server, octokit, repo } = await serve(t);
    server.seedIssue({ title: 'Watched' });
    const first = await octokit.rest.issues.get({ ...repo, issue_number: 1 });
    const etag = first.headers.etag!;
    assert.match(etag, /^W\/"[0-9a-f]{64}"$/);
    const remaining = first.headers['x-ratelimit-remaining'];
    const unchanged = await refusal(octokit.rest.issues.get({ ...repo, issue_number: 1, headers: { 'if-none-match': etag } }));
    assert.equal(unchanged.status, 304);
    assert.equal(unchanged.headers.etag, etag);
    assert.equal(unchanged.headers['x-ratelimit-remaining'], remaining);
    const raw = await fetch(`${server.url}/repos/octo-org/planning/issues/1`, { headers: { authorization: `token ${server.token}`, 'if-none-match': etag } });
    assert.equal(raw.status, 304);
    assert.equal(await raw.text(), '');
    await octokit.rest.issues.update({ ...repo, issue_number: 1, body: 'changed' });
    const after = await octokit.rest.issues.get({ ...repo, issue_number: 1, headers: { 'if-none-match': etag } });
    assert.equal(after.status, 200);
    assert.notEqual(after.headers.etag, etag);
    assert.equal(after.data.body, 'changed');
  });
});

describe('labels', () => {
  test('names are unique whatever their case: a second create is 422 already_exists; adding unknown labels to an issue creates them', async (t) => {
    const { server, octokit, repo } = await serve(t);
    const made = await octokit.rest.issues.createLabel({ ...repo, name: 'Epic', color: '#5319E7', description: 'A big one' });
    assert.equal(made.status, 201);
    assert.deepEqual([made.data.name, made.data.color], ['Epic', '5319e7']);
    const again = await refusal(octokit.rest.issues.createLabel({ ...repo, name: 'epic', color: 'ffffff' }));
    assert.equal(again.status, 422);
    assert.equal(again.message, 'Validation Failed');
    assert.deepEqual(again.data.errors, [{ resource: 'Label', code: 'already_exists', field: 'name' }]);
    server.seedIssue({ title: 'Tagged' });
    const added = await octokit.rest.issues.addLabels({ ...repo, issue_number: 1, labels: ['EPIC', 'task'] });
    assert.deepEqual(added.data.map((l) => l.name), ['Epic', 'task']);
    assert.deepEqual(server.labels().map((l) => l.name), ['Epic', 'task']);
    const names = (await octokit.paginate(octokit.rest.issues.listLabelsForRepo, repo)).map((l) => l.name);
    assert.deepEqual(names, ['Epic', 'task']);
  });

  test('removing a label answers the rest; one the issue does not have is 404 "Label does not exist"', async (t) => {
    const { server, octokit, repo } = await serve(t);
    server.seedIssue({ labels: ['a', 'b'] });
    const left = await octokit.rest.issues.removeLabel({ ...repo, issue_number: 1, name: 'A' });
    assert.deepEqual(left.data.map((l) => l.name), ['b']);
    const absent = await refusal(octokit.rest.issues.removeLabel({ ...repo, issue_number: 1, name: 'a' }));
    assert.deepEqual([absent.status, absent.message], [404, 'Label does not exist']);
    assert.deepEqual(server.issue(1)!.labels, ['b']);
  });
});

describe('milestones', () => {
  test('a milestone has its own numbers, a large id, GitHub\'s addresses and the creator; a second of the same title is 422 already_exists', async (t) => {
    const { server, octokit, repo } = await serve(t, { login: 'mona' });
    server.seedIssue({ title: 'An issue first, so numbers of the two kinds differ' });
    const made = await octokit.rest.issues.createMilestone({ ...repo, title: 'v1.0', description: 'First release', due_on: '2026-06-30T00:00:00Z' });
    assert.equal(made.status, 201);
    assert.equal(made.headers.location, `${server.url}/repos/octo-org/planning/milestones/1`);
    const m = made.data;
    assert.equal(m.number, 1);
    assert.ok(m.id > 1_000_000 && m.id !== m.number);
    assert.match(m.node_id, /^MI_/);
    assert.equal(m.url, `${server.url}/repos/octo-org/planning/milestones/1`);
    assert.equal(m.html_url, 'https://github.com/octo-org/planning/milestone/1');
    assert.equal(m.labels_url, `${server.url}/repos/octo-org/planning/milestones/1/labels`);
    assert.equal(m.creator?.login, 'mona');
    assert.deepEqual([m.title, m.description, m.state, m.due_on, m.closed_at, m.open_issues, m.closed_issues], ['v1.0', 'First release', 'open', '2026-06-30T00:00:00Z', null, 0, 0]);
    assert.match(m.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    // Every field the OpenAPI schema requires, in GitHub's order.
    assert.deepEqual(Object.keys(m), ['url', 'html_url', 'labels_url', 'id', 'node_id', 'number', 'title', 'description', 'creator', 'open_issues', 'closed_issues', 'state', 'created_at', 'updated_at', 'due_on', 'closed_at']);
    assert.deepEqual((await octokit.rest.issues.getMilestone({ ...repo, milestone_number: 1 })).data, m);

    const again = await refusal(octokit.rest.issues.createMilestone({ ...repo, title: 'v1.0' }));
    assert.deepEqual([again.status, again.message, again.data.errors], [422, 'Validation Failed', [{ resource: 'Milestone', code: 'already_exists', field: 'title' }]]);
    const untitled = await refusal(octokit.request('POST /repos/{owner}/{repo}/milestones', { ...repo, description: 'x' } as unknown as { owner: string; repo: string; title: string }));
    assert.deepEqual([untitled.status, untitled.message], [422, 'Invalid request.\n\n"title" wasn\'t supplied.']);
    assert.equal((await refusal(octokit.rest.issues.getMilestone({ ...repo, milestone_number: 2 }))).status, 404);
    assert.equal((await refusal(octokit.rest.issues.getMilestone({ ...repo, milestone_number: m.id }))).status, 404, 'the id is not the number');
    assert.deepEqual(server.milestones().map((x) => x.title), ['v1.0']);
    const readOnly = await serve(t, { permissions: { push: false, triage: false } });
    assert.equal((await refusal(readOnly.octokit.rest.issues.createMilestone({ ...readOnly.repo, title: 'x' }))).status, 403);
  });

  test('the list is the open ones unless told, by due date with undated ones last, paged with link headers', async (t) => {
    const { server, octokit, repo } = await serve(t, { perPageMax: 2 });
    server.seedMilestone('Someday');
    server.seedMilestone('June', { dueOn: '2026-06-30T00:00:00Z' });
    server.seedMilestone('Done', { state: 'closed', dueOn: '2026-01-31T00:00:00Z' });
    server.seedMilestone('May', { dueOn: '2026-05-31T00:00:00Z' });
    const first = await octokit.rest.issues.listMilestones({ ...repo });
    assert.deepEqual(first.data.map((m) => m.title), ['May', 'June']);
    assert.match(first.headers.link ?? '', new RegExp(`<${server.url}/repositories/\\d+/milestones\\?page=2>; rel="next"`));
    const titles = async (params: Record<string, unknown>): Promise<string[]> =>
      (await octokit.paginate(octokit.rest.issues.listMilestones, { ...repo, ...params })).map((m) => m.title);
    assert.deepEqual(await titles({}), ['May', 'June', 'Someday']);
    assert.deepEqual(await titles({ state: 'closed' }), ['Done']);
    assert.deepEqual(await titles({ state: 'all' }), ['Done', 'May', 'June', 'Someday']);
    assert.deepEqual(await titles({ state: 'all', direction: 'desc' }), ['Someday', 'June', 'May', 'Done']);
    const closed = server.milestones().find((m) => m.title === 'Done')!;
    assert.ok(closed.closedAt);
  });

  test('PATCH edits a milestone: closing sets closed_at, reopening clears it, updated_at moves; an unknown number is 404', async (t) => {
    const { octokit, repo } = await serve(t);
    const made = (await octokit.rest.issues.createMilestone({ ...repo, title: 'Beta' })).data;
    const closed = (await octokit.rest.issues.updateMilestone({ ...repo, milestone_number: 1, state: 'closed', title: 'Beta 1' })).data;
    assert.deepEqual([closed.title, closed.state], ['Beta 1', 'closed']);
    assert.equal(closed.closed_at, closed.updated_at);
    assert.ok(Date.parse(closed.updated_at) > Date.parse(made.updated_at));
    const reopened = (await octokit.rest.issues.updateMilestone({ ...repo, milestone_number: 1, state: 'open', description: 'again' })).data;
    assert.deepEqual([reopened.state, reopened.closed_at, reopened.description], ['open', null, 'again']);
    await octokit.rest.issues.createMilestone({ ...repo, title: 'GA' });
    const clash = await refusal(octokit.rest.issues.updateMilestone({ ...repo, milestone_number: 1, title: 'GA' }));
    assert.deepEqual([clash.status, clash.data.errors], [422, [{ resource: 'Milestone', code: 'already_exists', field: 'title' }]]);
    assert.equal((await refusal(octokit.rest.issues.updateMilestone({ ...repo, milestone_number: 7, title: 'x' }))).status, 404);
  });

  test('an issue carries its milestone as GitHub renders it, or null; create and update take the number, null clears, an unknown one is 422', async (t) => {
    const { server, octokit, repo } = await serve(t);
    const v1 = (await octokit.rest.issues.createMilestone({ ...repo, title: 'v1.0' })).data;
    const plain = (await octokit.rest.issues.create({ ...repo, title: 'Outside' })).data;
    assert.equal(plain.milestone, null);
    const inside = (await octokit.rest.issues.create({ ...repo, title: 'Inside', milestone: v1.number })).data;
    assert.deepEqual({ ...inside.milestone, updated_at: undefined, open_issues: undefined }, { ...v1, updated_at: undefined, open_issues: undefined });
    assert.equal(inside.milestone?.open_issues, 1);
    server.seedPullRequest({ title: 'A fix', milestone: v1.number, state: 'closed' });
    const moved = (await octokit.rest.issues.update({ ...repo, issue_number: plain.number, milestone: v1.number })).data;
    assert.equal(moved.milestone?.number, v1.number);
    assert.ok(Date.parse(moved.updated_at) > Date.parse(plain.updated_at));
    // Pull requests count, as on GitHub.
    assert.deepEqual([moved.milestone?.open_issues, moved.milestone?.closed_issues], [2, 1]);
    const cleared = (await octokit.rest.issues.update({ ...repo, issue_number: plain.number, milestone: null })).data;
    assert.equal(cleared.milestone, null);
    assert.equal(server.issue(plain.number)!.milestone, null);

    const unknown = await refusal(octokit.rest.issues.create({ ...repo, title: 'Nowhere', milestone: 9 }));
    assert.deepEqual([unknown.status, unknown.message, unknown.data.errors], [422, 'Validation Failed', [{ value: 9, resource: 'Issue', field: 'milestone', code: 'invalid' }]]);
    const byId = await refusal(octokit.rest.issues.update({ ...repo, issue_number: inside.number, milestone: v1.id }));
    assert.equal(byId.status, 422, 'the id in place of the number');
    assert.equal(server.issue(inside.number)!.milestone, v1.number, 'a refused update changes nothing');
    assert.equal(server.issues().length, 2);
  });

  test('without push access a milestone on create or update is dropped silently, as GitHub documents', async (t) => {
    const { server, octokit, repo } = await serve(t, { permissions: { push: false, triage: true } });
    server.seedMilestone('v1.0');
    const made = (await octokit.rest.issues.create({ ...repo, title: 'Triaged', milestone: 1 })).data;
    assert.equal(made.milestone, null);
    assert.equal((await octokit.rest.issues.update({ ...repo, issue_number: made.number, milestone: 1 })).data.milestone, null);
  });

  test('the issue list filters by milestone number, * for any and none for none; anything else, the id too, is 422 on the field', async (t) => {
    const { server, octokit, repo } = await serve(t);
    const backlog = server.seedMilestone('Backlog');
    const v1 = server.seedMilestone('v1.0');
    server.seedIssue({ title: 'a', milestone: v1.number });
    server.seedIssue({ title: 'b', milestone: backlog.number });
    server.seedIssue({ title: 'c', milestone: v1.number, state: 'closed' });
    server.seedIssue({ title: 'd' });
    const titles = async (params: Record<string, unknown>): Promise<string[]> =>
      (await octokit.rest.issues.listForRepo({ ...repo, state: 'all', direction: 'asc', ...params })).data.map((i) => i.title);
    assert.deepEqual(await titles({ milestone: String(v1.number) }), ['a', 'c']);
    assert.deepEqual(await titles({ milestone: String(v1.number), state: 'open' }), ['a']);
    assert.deepEqual(await titles({ milestone: '*' }), ['a', 'b', 'c']);
    assert.deepEqual(await titles({ milestone: 'none' }), ['d']);
    const listed = (await octokit.rest.issues.listForRepo({ ...repo, milestone: String(backlog.number) })).data;
    assert.equal(listed[0].milestone?.title, 'Backlog');
    for (const value of [String(v1.id), '7', 'v1.0']) {
      const refused = await refusal(octokit.rest.issues.listForRepo({ ...repo, milestone: value }));
      assert.deepEqual([refused.status, refused.message, refused.data.errors], [422, 'Validation Failed', [{ value, resource: 'Issue', field: 'milestone', code: 'invalid' }]], value);
    }
    assert.throws(() => server.seedIssue({ milestone: 9 }), /no milestone 9/);
  });
});

describe('comments', () => {
  test('a comment is created and listed, and counted on its issue', async (t) => {
    const { server, octokit, repo } = await serve(t);
    server.seedIssue();
    const comment = await octokit.rest.issues.createComment({ ...repo, issue_number: 1, body: 'Progress: 50%' });
    assert.equal(comment.status, 201);
    assert.ok(comment.headers.location?.endsWith(`/issues/comments/${comment.data.id}`));
    const listed = await octokit.rest.issues.listComments({ ...repo, issue_number: 1 });
    assert.deepEqual(listed.data.map((c) => c.body), ['Progress: 50%']);
    assert.equal((await octokit.rest.issues.get({ ...repo, issue_number: 1 })).data.comments, 1);
    assert.equal((await refusal(octokit.rest.issues.createComment({ ...repo, issue_number: 9, body: 'x' }))).status, 404);
  });
});

describe('sub-issues', () => {
  test('sub_issue_id must be the integer id: the number gives 404, a string 422, and neither links anything', async (t) => {
    const { server, octokit, repo } = await serve(t);
    server.seedIssue({ title: 'Parent' });
    const child = server.seedIssue({ title: 'Child' });
    const byNumber = await refusal(octokit.rest.issues.addSubIssue({ ...repo, issue_number: 1, sub_issue_id: child.number }));
    assert.deepEqual([byNumber.status, byNumber.message], [404, 'Not Found']);
    const asString = await refusal(octokit.rest.issues.addSubIssue({ ...repo, issue_number: 1, sub_issue_id: String(child.id) as unknown as number }));
    assert.equal(asString.status, 422);
    assert.equal(asString.message, `Invalid request.\n\nInvalid property /sub_issue_id: \`"${child.id}"\` is not of type \`integer\`.`);
    assert.deepEqual(server.issue(1)!.subIssueIds, []);
    const linked = await octokit.rest.issues.addSubIssue({ ...repo, issue_number: 1, sub_issue_id: child.id });
    assert.equal(linked.status, 201);
    assert.deepEqual(linked.data.sub_issues_summary, { total: 1, completed: 0, percent_completed: 0 });
    assert.equal((await octokit.rest.issues.get({ ...repo, issue_number: 2 })).data.parent_issue_url, `${server.url}/repos/octo-org/planning/issues/1`);
    assert.equal((await octokit.rest.issues.getParent({ ...repo, issue_number: 2 })).data.number, 1);
    assert.equal((await refusal(octokit.rest.issues.getParent({ ...repo, issue_number: 1 }))).status, 404);
  });

  test('an issue has one parent: another parent is 422 unless replace_parent, which moves it', async (t) => {
    const { server, octokit, repo } = await serve(t);
    server.seedIssue({ title: 'A' });
    server.seedIssue({ title: 'B' });
    const child = server.seedIssue({ title: 'C' });
    await octokit.rest.issues.addSubIssue({ ...repo, issue_number: 1, sub_issue_id: child.id });
    const twice = await refusal(octokit.rest.issues.addSubIssue({ ...repo, issue_number: 1, sub_issue_id: child.id }));
    assert.deepEqual([twice.status, twice.message], [422, 'An error occurred while adding the sub-issue to the parent issue. Issue may not contain duplicate sub-issues']);
    const second = await refusal(octokit.rest.issues.addSubIssue({ ...repo, issue_number: 2, sub_issue_id: child.id }));
    assert.deepEqual([second.status, second.message], [422, 'An error occurred while adding the sub-issue to the parent issue. Sub issue may only have one parent']);
    assert.deepEqual([server.issue(1)!.subIssueIds, server.issue(2)!.subIssueIds], [[child.id], []]);
    await octokit.rest.issues.addSubIssue({ ...repo, issue_number: 2, sub_issue_id: child.id, replace_parent: true });
    assert.deepEqual([server.issue(1)!.subIssueIds, server.issue(2)!.subIssueIds], [[], [child.id]]);
    assert.equal(server.issue(3)!.parentId, server.issue(2)!.id);
  });

  test('a parent holds at most 100 sub-issues, closed ones counted', async (t) => {
    const { server, octokit, repo } = await serve(t);
    server.seedIssue({ title: 'Epic' });
    for (let i = 0; i < MAX_SUB_ISSUES; i++) {
      const child = server.seedIssue({ title: `Task ${i}`, state: i % 2 === 0 ? 'closed' : 'open' });
      server.seedSubIssue(1, child.number);
    }
    const extra = server.seedIssue({ title: 'One too many' });
    const refused = await refusal(octokit.rest.issues.addSubIssue({ ...repo, issue_number: 1, sub_issue_id: extra.id }));
    assert.deepEqual([refused.status, refused.message], [422, 'An error occurred while adding the sub-issue to the parent issue. Parent cannot have more than 100 sub-issues']);
    assert.equal(server.issue(1)!.subIssueIds.length, 100);
    const summary = (await octokit.rest.issues.get({ ...repo, issue_number: 1 })).data.sub_issues_summary;
    assert.deepEqual(summary, { total: 100, completed: 50, percent_completed: 50 });
    const listed = await octokit.paginate(octokit.rest.issues.listSubIssues, { ...repo, issue_number: 1, per_page: 30 });
    assert.equal(listed.length, 100);
    assert.equal(listed[0].title, 'Task 0');
  });

  test('reprioritize moves a sub-issue after or before another; remove unlinks it', async (t) => {
    const { server, octokit, repo } = await serve(t);
    server.seedIssue({ title: 'Epic' });
    const [a, b, c] = ['a', 'b', 'c'].map((title) => server.seedIssue({ title }));
    for (const child of [a, b, c]) await octokit.rest.issues.addSubIssue({ ...repo, issue_number: 1, sub_issue_id: child.id });
    const order = async (): Promise<string[]> => (await octokit.rest.issues.listSubIssues({ ...repo, issue_number: 1 })).data.map((i) => i.title);
    await octokit.rest.issues.reprioritizeSubIssue({ ...repo, issue_number: 1, sub_issue_id: a.id, after_id: c.id });
    assert.deepEqual(await order(), ['b', 'c', 'a']);
    await octokit.rest.issues.reprioritizeSubIssue({ ...repo, issue_number: 1, sub_issue_id: a.id, before_id: b.id });
    assert.deepEqual(await order(), ['a', 'b', 'c']);
    const both = await refusal(octokit.rest.issues.reprioritizeSubIssue({ ...repo, issue_number: 1, sub_issue_id: a.id, after_id: b.id, before_id: c.id }));
    assert.equal(both.status, 422);
    const stranger = server.seedIssue({ title: 'not a child' });
    assert.equal((await refusal(octokit.rest.issues.reprioritizeSubIssue({ ...repo, issue_number: 1, sub_issue_id: a.id, after_id: stranger.id }))).status, 422);
    await octokit.rest.issues.removeSubIssue({ ...repo, issue_number: 1, sub_issue_id: b.id });
    assert.deepEqual(await order(), ['a', 'c']);
    assert.equal(server.issue(b.number)!.parentId, null);
    assert.equal((await refusal(octokit.rest.issues.removeSubIssue({ ...repo, issue_number: 1, sub_issue_id: b.id }))).status, 404);
  });

  test('an issue cannot be its own sub-issue or its descendant\'s; a pull request cannot be linked', async (t) => {
    const { server, octokit, repo } = await serve(t);
    const top = server.seedIssue();
    const middle = server.seedIssue();
    const pr = server.seedPullRequest();
    await octokit.rest.issues.addSubIssue({ ...repo, issue_number: top.number, sub_issue_id: middle.id });
    assert.equal((await refusal(octokit.rest.issues.addSubIssue({ ...repo, issue_number: top.number, sub_issue_id: top.id }))).status, 422);
    assert.equal((await refusal(octokit.rest.issues.addSubIssue({ ...repo, issue_number: middle.number, sub_issue_id: top.id, replace_parent: true }))).status, 422);
    assert.equal((await refusal(octokit.rest.issues.addSubIssue({ ...repo, issue_number: top.number, sub_issue_id: pr.id }))).status, 422);
    assert.deepEqual(server.issue(top.number)!.subIssueIds, [middle.id]);
  });
});

describe('dependencies', () => {
  test('blocked_by takes the blocking issue\'s id; the number is 404; both directions list; removal by id', async (t) => {
    const { server, octokit, repo } = await serve(t);
    const blocked = server.seedIssue({ title: 'Blocked' });
    const blocker = server.seedIssue({ title: 'Blocker', state: 'closed' });
    const wrong = await refusal(octokit.rest.issues.addBlockedByDependency({ ...repo, issue_number: blocked.number, issue_id: blocker.number }));
    assert.equal(wrong.status, 404);
    const asString = await refusal(octokit.rest.issues.addBlockedByDependency({ ...repo, issue_number: blocked.number, issue_id: String(blocker.id) as unknown as number }));
    assert.equal(asString.status, 422);
    const added = await octokit.rest.issues.addBlockedByDependency({ ...repo, issue_number: blocked.number, issue_id: blocker.id });
    assert.equal(added.status, 201);
    const blockedBy = await octokit.rest.issues.listDependenciesBlockedBy({ ...repo, issue_number: blocked.number });
    assert.deepEqual(blockedBy.data.map((i) => i.number), [blocker.number]);
    const blocking = await octokit.rest.issues.listDependenciesBlocking({ ...repo, issue_number: blocker.number });
    assert.deepEqual(blocking.data.map((i) => i.number), [blocked.number]);
    const summary = (await octokit.rest.issues.get({ ...repo, issue_number: blocked.number })).data.issue_dependencies_summary;
    assert.deepEqual(summary, { blocked_by: 0, blocking: 0, total_blocked_by: 1, total_blocking: 0 });
    assert.equal((await refusal(octokit.rest.issues.addBlockedByDependency({ ...repo, issue_number: blocked.number, issue_id: blocker.id }))).status, 422);
    assert.equal((await refusal(octokit.rest.issues.addBlockedByDependency({ ...repo, issue_number: blocked.number, issue_id: blocked.id }))).status, 422);
    const removed = await octokit.rest.issues.removeDependencyBlockedBy({ ...repo, issue_number: blocked.number, issue_id: blocker.id });
    assert.equal(removed.status, 200);
    assert.deepEqual(server.issue(blocked.number)!.blockedByIds, []);
    assert.equal((await refusal(octokit.rest.issues.removeDependencyBlockedBy({ ...repo, issue_number: blocked.number, issue_id: blocker.id }))).status, 404);
  });

  test('removing a blocked-by link: 200 with the blocking issue, both issues touched, the request recorded; GitHub\'s refusals', async (t) => {
    const { server, octokit, repo } = await serve(t);
    const blocked = server.seedIssue({ title: 'Blocked', updatedAt: '2026-01-01T00:00:00Z' });
    const blocker = server.seedIssue({ title: 'Blocker', updatedAt: '2026-01-01T00:00:00Z' });
    const other = server.seedIssue({ title: 'Not blocking' });
    server.seedBlockedBy(blocked.number, blocker.number);
    const path = `/repos/${repo.owner}/${repo.repo}/issues/${blocked.number}/dependencies/blocked_by/${blocker.id}`;

    // Through octokit.request as well as the typed method: the same route.
    const removed = await octokit.request('DELETE /repos/{owner}/{repo}/issues/{issue_number}/dependencies/blocked_by/{issue_id}', { ...repo, issue_number: blocked.number, issue_id: blocker.id });
    assert.equal(removed.status, 200);
    assert.equal((removed.data as { id: number }).id, blocker.id);
    assert.deepEqual(server.issue(blocked.number)!.blockedByIds, []);
    assert.ok(server.issue(blocked.number)!.updatedAt > blocked.updatedAt);
    assert.ok(server.issue(blocker.number)!.updatedAt > blocker.updatedAt);
    const recorded = server.requests.at(-1)!;
    assert.deepEqual([recorded.method, recorded.path, recorded.status], ['DELETE', path, 200]);
    assert.equal(server.writes(), 1);

    // Gone already, never there, an unknown id, an unknown issue: 404, and nothing changes.
    for (const [issue_number, issue_id] of [
      [blocked.number, blocker.id],
      [blocked.number, other.id],
      [blocked.number, 999],
      [404, blocker.id],
    ]) {
      const missing = await refusal(octokit.rest.issues.removeDependencyBlockedBy({ ...repo, issue_number, issue_id }));
      assert.deepEqual([missing.status, missing.message], [404, 'Not Found']);
      assert.equal(missing.data.documentation_url, 'https://docs.github.com/rest/issues/issue-dependencies#remove-dependency-an-issue-is-blocked-by');
    }
    // An id that is no integer: 400, as the endpoint documents.
    const garbled = await refusal(octokit.request('DELETE /repos/{owner}/{repo}/issues/{issue_number}/dependencies/blocked_by/{issue_id}', { ...repo, issue_number: blocked.number, issue_id: 'abc' as unknown as number }));
    assert.equal(garbled.status, 400);
    assert.match(garbled.message, /issue_id/);
    assert.equal(server.writes(), 1);

    // Without triage, 403; with issues turned off, 410.
    const reader = await serve(t, { permissions: { push: false, triage: false } });
    const a = reader.server.seedIssue();
    const b = reader.server.seedIssue();
    reader.server.seedBlockedBy(a.number, b.number);
    assert.equal((await refusal(reader.octokit.rest.issues.removeDependencyBlockedBy({ ...reader.repo, issue_number: a.number, issue_id: b.id }))).status, 403);
    assert.deepEqual(reader.server.issue(a.number)!.blockedByIds, [b.id]);
    const off = await serve(t, { hasIssues: false });
    assert.equal((await refusal(off.octokit.rest.issues.removeDependencyBlockedBy({ ...off.repo, issue_number: 1, issue_id: 1 }))).status, 410);
  });

  test('a removal carried out before a 502 or a dropped connection is done; the list of blockers pages', async (t) => {
    const { server, octokit, repo } = await serve(t, { perPageMax: 2 });
    const blocked = server.seedIssue({ title: 'Blocked' });
    const blockers = Array.from({ length: 5 }, (_, i) => server.seedIssue({ title: `Blocker ${i}` }));
    for (const b of blockers) server.seedBlockedBy(blocked.number, b.number);
    const listed = await octokit.paginate(octokit.rest.issues.listDependenciesBlockedBy, { ...repo, issue_number: blocked.number, per_page: 2 });
    assert.deepEqual(listed.map((i) => i.title), blockers.map((b) => b.title));

    const path = '/repos/*/*/issues/*/dependencies/blocked_by/*';
    server.faults.add({ method: 'DELETE', path, fault: { kind: 'error-after-commit' } });
    assert.equal((await refusal(octokit.rest.issues.removeDependencyBlockedBy({ ...repo, issue_number: blocked.number, issue_id: blockers[0].id }))).status, 502);
    server.faults.add({ method: 'DELETE', path, fault: { kind: 'drop-after-commit' } });
    await assert.rejects(octokit.rest.issues.removeDependencyBlockedBy({ ...repo, issue_number: blocked.number, issue_id: blockers[1].id }));
    assert.deepEqual(server.issue(blocked.number)!.blockedByIds, blockers.slice(2).map((b) => b.id));
    assert.deepEqual(server.requests.filter((r) => r.method === 'DELETE').map((r) => [r.status, r.fault]), [[502, 'error-after-commit'], [null, 'drop-after-commit']]);
    // A 502 injected before the request is looked at changes nothing.
    server.faults.add({ method: 'DELETE', path, fault: { kind: 'status', status: 502 } });
    assert.equal((await refusal(octokit.rest.issues.removeDependencyBlockedBy({ ...repo, issue_number: blocked.number, issue_id: blockers[2].id }))).status, 502);
    assert.equal(server.issue(blocked.number)!.blockedByIds.length, 3);
  });

  test('at most 50 of each kind: an issue blocked by 50 takes no more, and one blocking 50 blocks no more', async (t) => {
    const { server, octokit, repo } = await serve(t);
    const crowded = server.seedIssue({ title: 'Waits on many' });
    const hub = server.seedIssue({ title: 'Blocks many' });
    for (let i = 0; i < MAX_DEPENDENCIES; i++) {
      server.seedBlockedBy(crowded.number, server.seedIssue({ title: `Blocker ${i}` }).number);
      server.seedBlockedBy(server.seedIssue({ title: `Waiter ${i}` }).number, hub.number);
    }
    const spare = server.seedIssue({ title: 'Spare' });
    const tooManyBlockers = await refusal(octokit.rest.issues.addBlockedByDependency({ ...repo, issue_number: crowded.number, issue_id: spare.id }));
    assert.equal(tooManyBlockers.status, 422);
    assert.match(tooManyBlockers.message, /50/);
    const tooManyBlocked = await refusal(octokit.rest.issues.addBlockedByDependency({ ...repo, issue_number: spare.number, issue_id: hub.id }));
    assert.equal(tooManyBlocked.status, 422);
    assert.equal(server.issue(crowded.number)!.blockedByIds.length, 50);
    assert.deepEqual(server.issue(spare.number)!.blockedByIds, []);
    const listed = await octokit.paginate(octokit.rest.issues.listDependenciesBlocking, { ...repo, issue_number: hub.number, per_page: 20 });
    assert.equal(listed.length, 50);
  });
});

describe('branches and pull requests', () => {
  test('the default branch is main; seeded branches are listed with a commit id each', async (t) => {
    const { server, octokit, repo } = await serve(t);
    assert.equal((await octokit.rest.repos.get(repo)).data.default_branch, 'main');
    server.seedBranch('feature/x');
    server.seedBranch('empty', { commitsAhead: 0 });
    assert.deepEqual(server.branches().map((b) => [b.name, b.commitsAhead]), [['main', 0], ['feature/x', 1], ['empty', 0]]);
    for (const branch of server.branches()) assert.match(branch.sha, /^[0-9a-f]{40}$/);
    assert.throws(() => server.seedBranch('feature/x'), /already has a branch/);
  });

  test('opening one: 201 in GitHub\'s shape, the next issue number, an id of its own, listed among the issues too', async (t) => {
    const { server, octokit, repo } = await serve(t, { login: 'mona' });
    server.seedIssue({ title: 'Before it' });
    const branch = server.seedBranch('feature/x', { commitsAhead: 3 });
    const response = await octokit.rest.pulls.create({ ...repo, title: 'Add x', head: 'feature/x', base: 'main', body: 'Closes #1' });
    const pr = response.data;
    assert.equal(response.status, 201);
    assert.equal(response.headers.location, `${server.url}/repos/octo-org/planning/pulls/2`);
    assert.deepEqual([pr.number, pr.state, pr.draft, pr.merged, pr.title, pr.body, pr.user.login], [2, 'open', false, false, 'Add x', 'Closes #1', 'mona']);
    assert.equal(pr.html_url, 'https://github.com/octo-org/planning/pull/2');
    assert.equal(pr.url, `${server.url}/repos/octo-org/planning/pulls/2`);
    assert.ok(Number(pr.id) > 1_000_000_000);
    assert.deepEqual([pr.head.ref, pr.head.label, pr.head.sha, pr.head.repo.full_name], ['feature/x', 'octo-org:feature/x', branch.sha, 'octo-org/planning']);
    assert.deepEqual([pr.base.ref, pr.base.label, pr.base.sha], ['main', 'octo-org:main', server.branches()[0].sha]);
    // GitHub works mergeability out after answering the create.
    assert.deepEqual([pr.mergeable, pr.mergeable_state, pr.commits, pr.maintainer_can_modify], [null, 'unknown', 3, true]);
    assert.match(pr.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(server.writes(), 1);

    const read = (await octokit.rest.pulls.get({ ...repo, pull_number: 2 })).data;
    assert.deepEqual([read.id, read.mergeable, read.mergeable_state], [pr.id, true, 'clean']);
    const asIssue = (await octokit.rest.issues.get({ ...repo, issue_number: 2 })).data;
    assert.ok(asIssue.pull_request);
    assert.notEqual(asIssue.id, pr.id);
    assert.equal(asIssue.html_url, pr.html_url);
    const listed = (await octokit.rest.issues.listForRepo(repo)).data;
    assert.deepEqual(listed.map((i) => [i.number, Boolean(i.pull_request)]), [[2, true], [1, false]]);
    const [stored] = server.pullRequests();
    assert.deepEqual([stored.number, stored.body, stored.pull?.head, stored.pull?.base, stored.pull?.draft], [2, 'Closes #1', 'feature/x', 'main', false]);
    assert.deepEqual(server.issues().map((i) => i.number), [1]);
  });

  test('head may name the owner; a draft stays a draft in both shapes; an issue number is not a pull request', async (t) => {
    const { server, octokit, repo } = await serve(t);
    server.seedIssue();
    server.seedBranch('wip');
    const pr = (await octokit.rest.pulls.create({ ...repo, title: 'WIP', head: 'octo-org:wip', base: 'main', draft: true })).data;
    assert.deepEqual([pr.draft, pr.head.ref, pr.body], [true, 'wip', null]);
    assert.equal((await octokit.rest.issues.get({ ...repo, issue_number: pr.number })).data.draft, true);
    assert.equal((await octokit.rest.pulls.get({ ...repo, pull_number: pr.number })).data.mergeable_state, 'draft');
    assert.equal(server.pullRequests()[0].pull?.draft, true);
    assert.equal((await refusal(octokit.rest.pulls.get({ ...repo, pull_number: 1 }))).status, 404);
    assert.equal((await refusal(octokit.rest.pulls.get({ ...repo, pull_number: 99 }))).status, 404);
  });

  test('GitHub\'s refusals: missing fields, unknown branches, no commits, one open already; none creates anything', async (t) => {
    const { server, octokit, repo } = await serve(t);
    server.seedBranch('feature/x');
    server.seedBranch('same', { commitsAhead: 0 });
    const errorsOf = async (body: Record<string, unknown>): Promise<unknown> => {
      const refused = await refusal(octokit.request('POST /repos/{owner}/{repo}/pulls', { ...repo, ...body } as unknown as { owner: string; repo: string; head: string; base: string }));
      assert.deepEqual([refused.status, refused.message], [422, 'Validation Failed']);
      assert.equal(refused.data.documentation_url, 'https://docs.github.com/rest/pulls/pulls#create-a-pull-request');
      return refused.data.errors;
    };
    assert.deepEqual(await errorsOf({ body: 'nothing else' }), [
      { resource: 'PullRequest', code: 'missing_field', field: 'title' },
      { resource: 'PullRequest', code: 'missing_field', field: 'head' },
      { resource: 'PullRequest', code: 'missing_field', field: 'base' },
    ]);
    assert.deepEqual(await errorsOf({ title: ' ', head: 'feature/x', base: 'main' }), [{ resource: 'PullRequest', code: 'missing_field', field: 'title' }]);
    assert.deepEqual(await errorsOf({ title: 'T', head: 'nowhere', base: 'main' }), [{ resource: 'PullRequest', field: 'head', code: 'invalid' }]);
    assert.deepEqual(await errorsOf({ title: 'T', head: 'someone-else:feature/x', base: 'main' }), [{ resource: 'PullRequest', field: 'head', code: 'invalid' }]);
    assert.deepEqual(await errorsOf({ title: 'T', head: 'feature/x', base: 'develop' }), [{ resource: 'PullRequest', field: 'base', code: 'invalid' }]);
    assert.deepEqual(await errorsOf({ title: 'T', head: 'main', base: 'main' }), [{ resource: 'PullRequest', code: 'custom', message: 'No commits between main and main' }]);
    assert.deepEqual(await errorsOf({ title: 'T', head: 'same', base: 'main' }), [{ resource: 'PullRequest', code: 'custom', message: 'No commits between main and same' }]);
    const bad = await refusal(octokit.request('POST /repos/{owner}/{repo}/pulls', { ...repo, title: 'T', head: 'feature/x', base: 'main', draft: 'yes' as unknown as boolean }));
    assert.deepEqual([bad.status, bad.message], [422, 'Invalid request.\n\nInvalid property /draft: `"yes"` is not of type `boolean`.']);
    assert.equal(server.writes(), 0);
    assert.equal(server.pullRequests().length, 0);

    await octokit.rest.pulls.create({ ...repo, title: 'First', head: 'feature/x', base: 'main' });
    assert.deepEqual(await errorsOf({ title: 'Again', head: 'octo-org:feature/x', base: 'main' }), [
      { resource: 'PullRequest', code: 'custom', message: 'A pull request already exists for octo-org:feature/x.' },
    ]);
    // Once the first is closed, the branch may be proposed again.
    await octokit.rest.issues.update({ ...repo, issue_number: 1, state: 'closed' });
    assert.equal((await octokit.rest.pulls.create({ ...repo, title: 'Again', head: 'feature/x', base: 'main' })).data.number, 2);
  });

  test('opening one needs push: triage alone is refused with 403, and pull requests answer with issues turned off', async (t) => {
    const triage = await serve(t, { permissions: { push: false, triage: true } });
    triage.server.seedBranch('feature/x');
    const refused = await refusal(triage.octokit.rest.pulls.create({ ...triage.repo, title: 'T', head: 'feature/x', base: 'main' }));
    assert.deepEqual([refused.status, refused.message], [403, 'Resource not accessible by personal access token']);
    assert.equal(triage.server.pullRequests().length, 0);
    const off = await serve(t, { hasIssues: false });
    off.server.seedBranch('feature/x');
    await off.octokit.rest.pulls.create({ ...off.repo, title: 'T', head: 'feature/x', base: 'main' });
    assert.equal((await off.octokit.rest.pulls.list(off.repo)).data.length, 1);
  });

  test('the list: open unless told, newest first, by owner:ref head and base, paged with link headers; a bare head is ignored as GitHub ignores it', async (t) => {
    const { server, octokit, repo } = await serve(t, { perPageMax: 2 });
    server.seedBranch('feature/x');
    server.seedBranch('release');
    server.seedIssue({ title: 'Just an issue' });
    for (let i = 1; i <= 4; i++) {
      server.seedPullRequest({ title: `x ${i}`, head: 'feature/x', state: i < 4 ? 'closed' : 'open', merged: i === 1, createdAt: `2024-0${i}-01T00:00:00Z` });
    }
    server.seedPullRequest({ title: 'other', head: 'feature/y', createdAt: '2024-05-01T00:00:00Z' });
    server.seedPullRequest({ title: 'into release', head: 'feature/z', base: 'release', createdAt: '2024-06-01T00:00:00Z' });
    const titles = async (params: Record<string, unknown>): Promise<string[]> =>
      (await octokit.paginate(octokit.rest.pulls.list, { ...repo, per_page: 100, ...params })).map((p) => p.title);
    assert.deepEqual(await titles({}), ['into release', 'other', 'x 4']);
    assert.deepEqual(await titles({ state: 'all', head: 'octo-org:feature/x' }), ['x 4', 'x 3', 'x 2', 'x 1']);
    assert.deepEqual(await titles({ state: 'closed', head: 'OCTO-ORG:feature/x', direction: 'asc' }), ['x 1', 'x 2', 'x 3']);
    assert.deepEqual(await titles({ head: 'feature/x' }), ['into release', 'other', 'x 4']);
    assert.deepEqual(await titles({ head: 'someone-else:feature/x' }), []);
    assert.deepEqual(await titles({ base: 'release' }), ['into release']);

    const first = await octokit.rest.pulls.list({ ...repo, state: 'all' });
    assert.equal(first.data.length, 2);
    assert.match(first.headers.link ?? '', new RegExp(`<${server.url}/repositories/\\d+/pulls\\?state=all&page=2>; rel="next"`));
    assert.match(first.headers.link ?? '', /page=3>; rel="last"/);
    // The list carries the simple shape: merged_at, not merged.
    const merged = (await octokit.rest.pulls.list({ ...repo, state: 'closed', head: 'octo-org:feature/x', direction: 'asc', per_page: 1 })).data[0];
    assert.equal('merged' in merged, false);
    assert.ok(merged.merged_at);
    assert.equal((await refusal(octokit.rest.pulls.list({ ...repo, state: 'merged' as 'all' }))).status, 422);
  });
});

describe('assignees', () => {
  test('adding keeps who is assigned, in the account\'s spelling, and drops logins that cannot be assigned without a word', async (t) => {
    const { server, octokit, repo } = await serve(t, { login: 'mona', collaborators: ['Hubot', 'octocat'] });
    server.seedIssue({ title: 'Work', assignees: ['octocat'] });
    const before = server.issue(1)!.updatedAt;
    const response = await octokit.rest.issues.addAssignees({ ...repo, issue_number: 1, assignees: ['mona', 'hubot', 'stranger', 'octocat'] });
    assert.equal(response.status, 201);
    assert.deepEqual(response.data.assignees?.map((a) => a.login), ['octocat', 'mona', 'Hubot']);
    assert.equal(response.data.assignee?.login, 'octocat');
    assert.ok(Date.parse(server.issue(1)!.updatedAt) > Date.parse(before));
    assert.equal(server.writes(), 1);
    const unchanged = await octokit.rest.issues.addAssignees({ ...repo, issue_number: 1, assignees: ['stranger'] });
    assert.deepEqual(unchanged.data.assignees?.map((a) => a.login), ['octocat', 'mona', 'Hubot']);
    assert.equal((await refusal(octokit.rest.issues.addAssignees({ ...repo, issue_number: 9, assignees: ['mona'] }))).status, 404);
  });

  test('removing answers 200 with the issue; logins not assigned are ignored; the list is required', async (t) => {
    const { server, octokit, repo } = await serve(t, { collaborators: ['hubot'] });
    server.seedIssue({ assignees: ['octocat', 'hubot'] });
    const response = await octokit.rest.issues.removeAssignees({ ...repo, issue_number: 1, assignees: ['OCTOCAT', 'nobody'] });
    assert.equal(response.status, 200);
    assert.deepEqual(response.data.assignees?.map((a) => a.login), ['hubot']);
    assert.deepEqual(server.issue(1)!.assignees, ['hubot']);
    const refused = await refusal(octokit.request('DELETE /repos/{owner}/{repo}/issues/{issue_number}/assignees', { ...repo, issue_number: 1 } as unknown as { owner: string; repo: string; issue_number: number; assignees: string[] }));
    assert.deepEqual([refused.status, refused.message], [422, 'Invalid request.\n\n"assignees" wasn\'t supplied.']);
  });

  test('assigning needs triage; pull requests take assignees through the issue endpoints', async (t) => {
    const readOnly = await serve(t, { permissions: { push: false, triage: false } });
    readOnly.server.seedIssue();
    assert.equal((await refusal(readOnly.octokit.rest.issues.addAssignees({ ...readOnly.repo, issue_number: 1, assignees: ['octocat'] }))).status, 403);
    const triage = await serve(t, { permissions: { push: false, triage: true } });
    triage.server.seedPullRequest();
    await triage.octokit.rest.issues.addAssignees({ ...triage.repo, issue_number: 1, assignees: ['octocat'] });
    const pr = (await triage.octokit.rest.pulls.get({ ...triage.repo, pull_number: 1 })).data;
    assert.deepEqual(pr.assignees?.map((a) => a.login), ['octocat']);
  });
});

describe('faults', () => {
  test('a secondary rate limit is a 403 (or 429) with retry-after and GitHub\'s message; nothing is done', async (t) => {
    const { server, octokit, repo } = await serve(t);
    server.faults.add({ method: 'POST', path: '/repos/*/*/issues', fault: { kind: 'secondary-rate-limit', retryAfterSeconds: 7 } });
    server.faults.add({ method: 'GET', path: '/repos/**', fault: { kind: 'secondary-rate-limit', status: 429 } });
    const refused = await refusal(octokit.rest.issues.create({ ...repo, title: 'x' }));
    assert.equal(refused.status, 403);
    assert.match(refused.message, /^You have exceeded a secondary rate limit/);
    assert.equal(refused.headers['retry-after'], '7');
    assert.equal((await refusal(octokit.rest.repos.get(repo))).status, 429);
    assert.equal(server.issues().length, 0);
    await octokit.rest.issues.create({ ...repo, title: 'x' });
    assert.equal(server.issues().length, 1);
  });

  test('the primary limit is a 403 with x-ratelimit-remaining 0 and the reset time', async (t) => {
    const { server, octokit, repo } = await serve(t);
    server.faults.add({ path: '/repos/*/*', fault: { kind: 'primary-rate-limit', resetInSeconds: 120 } });
    const refused = await refusal(octokit.rest.repos.get(repo));
    assert.equal(refused.status, 403);
    assert.equal(refused.headers['x-ratelimit-remaining'], '0');
    const reset = Number(refused.headers['x-ratelimit-reset']);
    assert.ok(Math.abs(reset - (Date.now() / 1000 + 120)) < 3, `reset ${reset}`);
    assert.match(refused.message, /API rate limit exceeded/);
  });

  test('a 502 after the commit: the issue exists although the answer is an error', async (t) => {
    const { server, octokit, repo } = await serve(t);
    const rule = server.faults.add({ method: 'POST', path: '/repos/*/*/issues', fault: { kind: 'error-after-commit' } });
    const refused = await refusal(octokit.rest.issues.create({ ...repo, title: 'Made anyway' }));
    assert.equal(refused.status, 502);
    assert.deepEqual(server.issues().map((i) => i.title), ['Made anyway']);
    assert.equal(server.writes(), 1);
    assert.deepEqual([rule.fired, rule.remaining], [1, 0]);
  });

  test('a 502 after the commit of a pull request: it exists once, and listing finds it', async (t) => {
    const { server, octokit, repo } = await serve(t);
    server.seedBranch('feature/x');
    server.faults.add({ method: 'POST', path: '/repos/*/*/pulls', fault: { kind: 'error-after-commit' } });
    assert.equal((await refusal(octokit.rest.pulls.create({ ...repo, title: 'Lost answer', head: 'feature/x', base: 'main' }))).status, 502);
    assert.equal(server.writes(), 1);
    assert.deepEqual((await octokit.rest.pulls.list({ ...repo, head: 'octo-org:feature/x' })).data.map((p) => p.title), ['Lost answer']);
  });

  test('a connection dropped after the commit gets no answer, and the issue exists; dropped before, nothing does', async (t) => {
    const { server, octokit, repo } = await serve(t);
    server.faults.add({ method: 'POST', path: '/repos/*/*/issues', fault: { kind: 'drop-after-commit' } });
    await assert.rejects(octokit.rest.issues.create({ ...repo, title: 'After' }), (e: { status?: number; response?: unknown }) => e.status === 500 && e.response === undefined);
    server.faults.add({ method: 'POST', path: '/repos/*/*/issues', fault: { kind: 'drop-before' } });
    await assert.rejects(octokit.rest.issues.create({ ...repo, title: 'Before' }));
    assert.deepEqual(server.issues().map((i) => i.title), ['After']);
    assert.deepEqual(server.requests.map((r) => [r.status, r.fault]), [[null, 'drop-after-commit'], [null, 'drop-before']]);
  });

  test('a slow answer comes after its delay; an arbitrary status is answered instead of the request', async (t) => {
    const { server, octokit, repo } = await serve(t);
    server.faults.add({ path: '/repos/*/*', fault: { kind: 'delay', ms: 250 } });
    const started = Date.now();
    await octokit.rest.repos.get(repo);
    assert.ok(Date.now() - started >= 240);
    server.faults.add({ method: 'POST', path: /\/labels$/, times: 2, fault: { kind: 'status', status: 503, body: { message: 'Service Unavailable' } } });
    for (let i = 0; i < 2; i++) assert.deepEqual(await refusal(octokit.rest.issues.createLabel({ ...repo, name: 'x' })).then((r) => [r.status, r.message]), [503, 'Service Unavailable']);
    await octokit.rest.issues.createLabel({ ...repo, name: 'x' });
    assert.deepEqual(server.labels().map((l) => l.name), ['x']);
  });

  test('a rule matches its method and path only, and fires the number of times it was given', async (t) => {
    const { server, octokit, repo } = await serve(t);
    server.seedIssue();
    const rule = server.faults.add({ method: 'PATCH', path: '/repos/octo-org/planning/issues/*', times: 2, fault: { kind: 'status', status: 500 } });
    await octokit.rest.issues.get({ ...repo, issue_number: 1 });
    assert.equal(rule.fired, 0);
    for (let i = 0; i < 2; i++) assert.equal((await refusal(octokit.rest.issues.update({ ...repo, issue_number: 1, title: 'new' }))).status, 500);
    await octokit.rest.issues.update({ ...repo, issue_number: 1, title: 'new' });
    assert.deepEqual([rule.fired, rule.remaining], [2, 0]);
    assert.equal(server.issue(1)!.title, 'new');
  });
});
