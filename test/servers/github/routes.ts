/**
 * The REST endpoints the local GitHub server answers, each turning a request into a
 * change or a read of the model. A refusal is thrown as `GitHubHttpError` before
 * anything changes, so a refused request leaves the repository as it was.
 *
 * Error documents follow GitHub's: `{ message, documentation_url, status }`, with
 * `errors` for "Validation Failed", and "Invalid request.\n\n..." for bodies that do
 * not fit the endpoint's schema.
 */
import { GitHubHttpError, MAX_DEPENDENCIES, MAX_SUB_ISSUE_DEPTH, MAX_SUB_ISSUES, isoSeconds } from './model';
import type { MilestoneState, StateReason, StoredIssue, StoredMilestone } from './model';
import { renderComment, renderIssue, renderLabel, renderMilestone, renderPullRequest, renderRepository, renderUser } from './render';
import type { RenderContext, RepositoryFlags } from './render';

export interface RouteRequest {
  readonly method: string;
  /** Path segments after `/repos/{owner}/{repo}`, or the whole path's for other routes. */
  readonly params: readonly string[];
  readonly query: URLSearchParams;
  readonly body: unknown;
  /** The path without the query, for building `link` headers. */
  readonly pathname: string;
}

export interface RouteAnswer {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface RouteEnvironment extends RenderContext {
  readonly flags: RepositoryFlags;
  readonly login: string;
  /** Who besides the signed-in user can be assigned issues. */
  readonly collaborators: readonly string[];
  readonly perPageMax: number;
}

type Handler = (env: RouteEnvironment, req: RouteRequest) => RouteAnswer;

interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  /** The part of docs.github.com this endpoint is documented at, for `documentation_url`. */
  readonly docs: string;
  /** Needs issues to be turned on for the repository. */
  readonly issues: boolean;
  /** Needs triage (or more) on the repository. */
  readonly triage?: boolean;
  /** Needs push (or more): triage is not enough. */
  readonly push?: boolean;
  readonly handle: Handler;
}

const DOCS = 'https://docs.github.com/rest';

/** Routes below `/repos/{owner}/{repo}`; the pattern matches what follows it. */
const repoRoutes: Route[] = [
  { method: 'GET', pattern: /^$/, docs: 'repos/repos#get-a-repository', issues: false, handle: getRepository },
  { method: 'GET', pattern: /^\/issues$/, docs: 'issues/issues#list-repository-issues', issues: true, handle: listIssues },
  { method: 'POST', pattern: /^\/issues$/, docs: 'issues/issues#create-an-issue', issues: true, handle: createIssue },
  { method: 'GET', pattern: /^\/issues\/(\d+)$/, docs: 'issues/issues#get-an-issue', issues: true, handle: getIssue },
  { method: 'PATCH', pattern: /^\/issues\/(\d+)$/, docs: 'issues/issues#update-an-issue', issues: true, handle: updateIssue },
  { method: 'POST', pattern: /^\/issues\/(\d+)\/assignees$/, docs: 'issues/assignees#add-assignees-to-an-issue', issues: true, triage: true, handle: addAssignees },
  {
    method: 'DELETE',
    pattern: /^\/issues\/(\d+)\/assignees$/,
    docs: 'issues/assignees#remove-assignees-from-an-issue',
    issues: true,
    triage: true,
    handle: removeAssignees,
  },
  // Pull requests answer with issues turned off.
  { method: 'GET', pattern: /^\/pulls$/, docs: 'pulls/pulls#list-pull-requests', issues: false, handle: listPullRequests },
  { method: 'POST', pattern: /^\/pulls$/, docs: 'pulls/pulls#create-a-pull-request', issues: false, push: true, handle: createPullRequest },
  { method: 'GET', pattern: /^\/pulls\/(\d+)$/, docs: 'pulls/pulls#get-a-pull-request', issues: false, handle: getPullRequest },
  { method: 'GET', pattern: /^\/labels$/, docs: 'issues/labels#list-labels-for-a-repository', issues: false, handle: listLabels },
  { method: 'POST', pattern: /^\/labels$/, docs: 'issues/labels#create-a-label', issues: false, triage: true, handle: createLabel },
  { method: 'GET', pattern: /^\/labels\/([^/]+)$/, docs: 'issues/labels#get-a-label', issues: false, handle: getLabel },
  // Milestones hold pull requests too, so they answer with issues turned off.
  { method: 'GET', pattern: /^\/milestones$/, docs: 'issues/milestones#list-milestones', issues: false, handle: listMilestones },
  { method: 'POST', pattern: /^\/milestones$/, docs: 'issues/milestones#create-a-milestone', issues: false, triage: true, handle: createMilestone },
  { method: 'GET', pattern: /^\/milestones\/(\d+)$/, docs: 'issues/milestones#get-a-milestone', issues: false, handle: getMilestone },
  { method: 'PATCH', pattern: /^\/milestones\/(\d+)$/, docs: 'issues/milestones#update-a-milestone', issues: false, triage: true, handle: updateMilestone },
  { method: 'GET', pattern: /^\/issues\/(\d+)\/labels$/, docs: 'issues/labels#list-labels-for-an-issue', issues: true, handle: listIssueLabels },
  { method: 'POST', pattern: /^\/issues\/(\d+)\/labels$/, docs: 'issues/labels#add-labels-to-an-issue', issues: true, triage: true, handle: addIssueLabels },
  { method: 'PUT', pattern: /^\/issues\/(\d+)\/labels$/, docs: 'issues/labels#set-labels-for-an-issue', issues: true, triage: true, handle: setIssueLabels },
  {
    method: 'DELETE',
    pattern: /^\/issues\/(\d+)\/labels\/([^/]+)$/,
    docs: 'issues/labels#remove-a-label-from-an-issue',
    issues: true,
    triage: true,
    handle: removeIssueLabel,
  },
  { method: 'GET', pattern: /^\/issues\/(\d+)\/comments$/, docs: 'issues/comments#list-issue-comments', issues: true, handle: listComments },
  { method: 'POST', pattern: /^\/issues\/(\d+)\/comments$/, docs: 'issues/comments#create-an-issue-comment', issues: true, handle: createComment },
  { method: 'GET', pattern: /^\/issues\/(\d+)\/sub_issues$/, docs: 'issues/sub-issues#list-sub-issues', issues: true, handle: listSubIssues },
  { method: 'POST', pattern: /^\/issues\/(\d+)\/sub_issues$/, docs: 'issues/sub-issues#add-sub-issue', issues: true, triage: true, handle: addSubIssue },
  { method: 'DELETE', pattern: /^\/issues\/(\d+)\/sub_issue$/, docs: 'issues/sub-issues#remove-sub-issue', issues: true, triage: true, handle: removeSubIssue },
  {
    method: 'PATCH',
    pattern: /^\/issues\/(\d+)\/sub_issues\/priority$/,
    docs: 'issues/sub-issues#reprioritize-sub-issue',
    issues: true,
    triage: true,
    handle: reprioritizeSubIssue,
  },
  { method: 'GET', pattern: /^\/issues\/(\d+)\/parent$/, docs: 'issues/sub-issues#get-parent-issue', issues: true, handle: getParent },
  {
    method: 'GET',
    pattern: /^\/issues\/(\d+)\/dependencies\/blocked_by$/,
    docs: 'issues/issue-dependencies#list-dependencies-an-issue-is-blocked-by',
    issues: true,
    handle: listBlockedBy,
  },
  {
    method: 'POST',
    pattern: /^\/issues\/(\d+)\/dependencies\/blocked_by$/,
    docs: 'issues/issue-dependencies#add-a-dependency-an-issue-is-blocked-by',
    issues: true,
    triage: true,
    handle: addBlockedBy,
  },
  {
    method: 'DELETE',
    pattern: /^\/issues\/(\d+)\/dependencies\/blocked_by\/([^/]+)$/,
    docs: 'issues/issue-dependencies#remove-dependency-an-issue-is-blocked-by',
    issues: true,
    triage: true,
    handle: removeBlockedBy,
  },
  {
    method: 'GET',
    pattern: /^\/issues\/(\d+)\/dependencies\/blocking$/,
    docs: 'issues/issue-dependencies#list-dependencies-an-issue-is-blocking',
    issues: true,
    handle: listBlocking,
  },
];

/**
 * Answers a request below `/repos/{owner}/{repo}`; `rest` is what follows that prefix.
 * Unknown paths are 404 "Not Found", as on GitHub.
 */
export function routeRepositoryRequest(env: RouteEnvironment, method: string, rest: string, req: Omit<RouteRequest, 'params'>): RouteAnswer {
  const candidates = repoRoutes.map((route) => ({ route, match: route.pattern.exec(rest) })).filter((c) => c.match);
  const hit = candidates.find((c) => c.route.method === method);
  if (!hit) {
    // A known path with another method is a 404 on GitHub as well.
    throw notFound(`${DOCS}`);
  }
  const { route, match } = hit;
  const docs = `${DOCS}/${route.docs}`;
  try {
    if (route.issues && !env.flags.hasIssues) {
      throw new GitHubHttpError(410, { message: 'Issues are disabled for this repo', documentation_url: docs, status: '410' });
    }
    const p = env.flags.permissions;
    if ((route.triage && !(p.triage || p.push || p.maintain || p.admin)) || (route.push && !(p.push || p.maintain || p.admin))) {
      throw new GitHubHttpError(403, { message: 'Resource not accessible by personal access token', documentation_url: docs, status: '403' });
    }
    return route.handle(env, { ...req, method, params: match!.slice(1).map((s) => decodeURIComponent(s)) });
  } catch (error) {
    if (error instanceof GitHubHttpError && error.body.documentation_url === PLACEHOLDER_DOCS) {
      throw new GitHubHttpError(error.status, { ...error.body, documentation_url: docs });
    }
    throw error;
  }
}

export function getAuthenticatedUser(env: RouteEnvironment): RouteAnswer {
  const user = renderUser(env, env.login);
  return {
    status: 200,
    body: { ...user, name: null, company: null, blog: '', location: null, email: null, hireable: null, bio: null, public_repos: 1, followers: 0, following: 0 },
  };
}

// Handlers throw errors whose documentation_url is filled in by the router.
const PLACEHOLDER_DOCS = '\u0000docs';

function notFound(docs = PLACEHOLDER_DOCS): GitHubHttpError {
  return new GitHubHttpError(404, { message: 'Not Found', documentation_url: docs, status: '404' });
}

function invalid(message: string): GitHubHttpError {
  return new GitHubHttpError(422, { message: `Invalid request.\n\n${message}`, documentation_url: PLACEHOLDER_DOCS, status: '422' });
}

function validationFailed(errors: readonly Record<string, unknown>[]): GitHubHttpError {
  return new GitHubHttpError(422, { message: 'Validation Failed', errors, documentation_url: PLACEHOLDER_DOCS, status: '422' });
}

/** A refusal with GitHub's plain message (the `validation_failed_simple` shape). */
function unprocessable(message: string): GitHubHttpError {
  return new GitHubHttpError(422, { message, documentation_url: PLACEHOLDER_DOCS, status: '422' });
}

// ---- body validation, in GitHub's words ------------------------------------------

function bodyObject(body: unknown): Record<string, unknown> {
  if (body === undefined) return {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalid(`Invalid request body: \`${JSON.stringify(body)}\` is not of type \`object\`.`);
  }
  return body as Record<string, unknown>;
}

function requireInteger(body: Record<string, unknown>, field: string): number {
  if (!(field in body)) throw invalid(`"${field}" wasn't supplied.`);
  const value = body[field];
  // The schema says integer: a string of digits is refused, not converted.
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw invalid(`Invalid property /${field}: \`${JSON.stringify(value)}\` is not of type \`integer\`.`);
  }
  return value;
}

function optionalInteger(body: Record<string, unknown>, field: string): number | undefined {
  return field in body && body[field] !== undefined ? requireInteger(body, field) : undefined;
}

function optionalString(body: Record<string, unknown>, field: string, nullable = false): string | null | undefined {
  if (!(field in body)) return undefined;
  const value = body[field];
  if (value === null && nullable) return null;
  if (typeof value !== 'string') {
    throw invalid(`Invalid property /${field}: \`${JSON.stringify(value)}\` is not of type \`string\`.`);
  }
  return value;
}

function optionalStringList(body: Record<string, unknown>, field: string): string[] | undefined {
  if (!(field in body) || body[field] === null) return undefined;
  const value = body[field];
  if (!Array.isArray(value)) throw invalid(`Invalid property /${field}: \`${JSON.stringify(value)}\` is not of type \`array\`.`);
  return value.map((item, index) => {
    // Labels may also be given as `{ name }` objects.
    if (typeof item === 'object' && item !== null && typeof (item as { name?: unknown }).name === 'string') return (item as { name: string }).name;
    if (typeof item !== 'string') throw invalid(`Invalid property /${field}/${index}: \`${JSON.stringify(item)}\` is not of type \`string\`.`);
    return item;
  });
}

// ---- shared pieces ----------------------------------------------------------------

function issueOr404(env: RouteEnvironment, numberText: string): StoredIssue {
  const issue = env.model.issue(Number(numberText));
  if (!issue) throw notFound();
  return issue;
}

function perPage(env: RouteEnvironment, query: URLSearchParams): number {
  const asked = Number(query.get('per_page') ?? '30');
  if (!Number.isInteger(asked) || asked < 1) return 30;
  return Math.min(asked, env.perPageMax);
}

/**
 * One page of a list and its `link` header. GitHub's links name the repository by its
 * id (`/repositories/1300192/issues?page=2`) and keep every other query parameter.
 */
function paged<T>(env: RouteEnvironment, req: RouteRequest, items: readonly T[], render: (item: T) => unknown): RouteAnswer {
  const size = perPage(env, req.query);
  const pageText = req.query.get('page') ?? '1';
  const page = Number.isInteger(Number(pageText)) && Number(pageText) >= 1 ? Number(pageText) : 1;
  const last = Math.max(1, Math.ceil(items.length / size));
  const body = items.slice((page - 1) * size, page * size).map(render);
  const rest = req.pathname.replace(/^\/repos\/[^/]+\/[^/]+/, '');
  const link = (n: number): string => {
    const q = new URLSearchParams(req.query);
    q.set('page', String(n));
    return `<${env.apiUrl}/repositories/${env.repoId}${rest}?${q.toString()}>`;
  };
  const rels: string[] = [];
  if (page > 1) rels.push(`${link(Math.min(page - 1, last))}; rel="prev"`);
  if (page < last) rels.push(`${link(page + 1)}; rel="next"`, `${link(last)}; rel="last"`);
  if (page > 1) rels.push(`${link(1)}; rel="first"`);
  return { status: 200, body, headers: rels.length > 0 ? { link: rels.join(', ') } : {} };
}

function issueJson(env: RouteEnvironment): (issue: StoredIssue) => unknown {
  return (issue) => renderIssue(env, issue);
}

function created(env: RouteEnvironment, location: string, body: unknown): RouteAnswer {
  return { status: 201, body, headers: { location: `${env.apiUrl}/repos/${env.owner}/${env.repo}${location}` } };
}

// ---- repository and issues ---------------------------------------------------------

function getRepository(env: RouteEnvironment): RouteAnswer {
  return { status: 200, body: renderRepository(env, env.flags) };
}

function listIssues(env: RouteEnvironment, req: RouteRequest): RouteAnswer {
  const q = req.query;
  const state = q.get('state') ?? 'open';
  if (!['open', 'closed', 'all'].includes(state)) throw validationFailed([{ resource: 'Issue', field: 'state', code: 'invalid' }]);
  const wanted = (q.get('labels') ?? '')
    .split(',')
    .map((l) => l.trim().toLowerCase())
    .filter((l) => l !== '');
  const inMilestone = milestoneFilter(env, q.get('milestone'));
  const sinceText = q.get('since');
  const since = sinceText === null ? undefined : Date.parse(sinceText);
  if (since !== undefined && Number.isNaN(since)) throw validationFailed([{ resource: 'Issue', field: 'since', code: 'invalid' }]);
  const sort = q.get('sort') ?? 'created';
  const direction = q.get('direction') ?? 'desc';
  const key = (i: StoredIssue): number => (sort === 'updated' ? Date.parse(i.updatedAt) : sort === 'comments' ? i.comments : Date.parse(i.createdAt));
  const items = env.model
    .allIssues()
    .filter((i) => state === 'all' || i.state === state)
    .filter((i) => wanted.every((w) => i.labels.some((l) => l.toLowerCase() === w)))
    .filter(inMilestone)
    .filter((i) => since === undefined || Date.parse(i.updatedAt) >= since)
    // Ties (same second) fall back to the number, so pages never overlap or skip.
    .sort((a, b) => (direction === 'asc' ? key(a) - key(b) || a.number - b.number : key(b) - key(a) || b.number - a.number));
  return paged(env, req, items, issueJson(env));
}

/**
 * The `milestone` filter of the issue list: a milestone's number, `*` for issues in any
 * milestone, `none` for those in none. Anything else, a milestone's id included, is
 * GitHub's "Validation Failed" on the field, with the value as it was sent.
 */
function milestoneFilter(env: RouteEnvironment, text: string | null): (issue: StoredIssue) => boolean {
  if (text === null) return () => true;
  if (text === '*') return (i) => i.milestone !== null;
  if (text === 'none') return (i) => i.milestone === null;
  if (!/^\d+$/.test(text) || !env.model.milestone(Number(text))) {
    throw validationFailed([{ value: text, resource: 'Issue', field: 'milestone', code: 'invalid' }]);
  }
  return (i) => i.milestone === Number(text);
}

/**
 * The `milestone` of an issue create or update: a milestone's number (the schema also
 * takes it as a string), or null for none; undefined when the body has none. A number
 * no milestone has is "Validation Failed" on the field.
 */
function optionalMilestone(env: RouteEnvironment, body: Record<string, unknown>): number | null | undefined {
  if (!('milestone' in body) || body.milestone === undefined) return undefined;
  const value = body.milestone;
  if (value === null) return null;
  if (typeof value !== 'number' && typeof value !== 'string') {
    throw invalid(`Invalid property /milestone: \`${JSON.stringify(value)}\` is not of type \`string\`, \`integer\`, \`null\`.`);
  }
  const number = typeof value === 'number' ? value : /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(number) || !env.model.milestone(number)) {
    throw validationFailed([{ value, resource: 'Issue', field: 'milestone', code: 'invalid' }]);
  }
  return number;
}

/** "Only users with push access can set the milestone … The milestone is silently dropped otherwise." */
function canSetMilestone(env: RouteEnvironment): boolean {
  const p = env.flags.permissions;
  return p.push || p.maintain || p.admin;
}

function getIssue(env: RouteEnvironment, req: RouteRequest): RouteAnswer {
  return { status: 200, body: renderIssue(env, issueOr404(env, req.params[0])) };
}

function createIssue(env: RouteEnvironment, req: RouteRequest): RouteAnswer {
  const body = bodyObject(req.body);
  if (!('title' in body) || body.title === null) throw invalid('"title" wasn\'t supplied.');
  // The schema takes a string or an integer title.
  if (typeof body.title !== 'string' && typeof body.title !== 'number') {
    throw invalid(`Invalid property /title: \`${JSON.stringify(body.title)}\` is not of type \`string\`, \`integer\`.`);
  }
  const title = String(body.title);
  if (title.trim() === '') throw validationFailed([{ resource: 'Issue', code: 'missing_field', field: 'title' }]);
  const text = optionalString(body, 'body', true);
  const labels = optionalStringList(body, 'labels');
  const assignees = optionalStringList(body, 'assignees');
  const milestone = canSetMilestone(env) ? optionalMilestone(env, body) : undefined;
  const issue = env.model.createIssue({ title, body: text ?? null, labels, assignees, milestone: milestone ?? undefined, user: env.login });
  return created(env, `/issues/${issue.number}`, renderIssue(env, issue));
}

const STATE_REASONS: readonly StateReason[] = ['completed', 'not_planned', 'reopened', 'duplicate'];

function updateIssue(env: RouteEnvironment, req: RouteRequest): RouteAnswer {
  const issue = issueOr404(env, req.params[0]);
  const body = bodyObject(req.body);
  const title = optionalString(body, 'title', true);
  const text = optionalString(body, 'body', true);
  const state = optionalString(body, 'state');
  if (state !== undefined && state !== 'open' && state !== 'closed') {
    throw invalid(`Invalid property /state: \`${JSON.stringify(state)}\` is not one of \`["open", "closed"]\`.`);
  }
  const reason = optionalString(body, 'state_reason', true);
  if (reason !== undefined && reason !== null && !STATE_REASONS.includes(reason as StateReason)) {
    throw invalid(`Invalid property /state_reason: \`${JSON.stringify(reason)}\` is not one of \`${JSON.stringify(STATE_REASONS)}\`.`);
  }
  const labels = optionalStringList(body, 'labels');
  const assignees = optionalStringList(body, 'assignees');
  const milestone = canSetMilestone(env) ? optionalMilestone(env, body) : undefined;
  if (title === null || title === '') throw validationFailed([{ resource: 'Issue', code: 'missing_field', field: 'title' }]);

  const before = JSON.stringify(issue);
  const wasOpen = issue.state === 'open';
  if (title !== undefined) issue.title = title;
  if (text !== undefined) issue.body = text;
  if (labels !== undefined) issue.labels = dedupe(labels.map((name) => env.model.ensureLabelNamed(name).name));
  if (assignees !== undefined) issue.assignees = dedupe(assignees);
  if (milestone !== undefined) issue.milestone = milestone;
  const nextState = state ?? issue.state;
  if (nextState === 'closed') {
    // Closing without a reason closes as completed; a reason alone changes the reason.
    issue.stateReason = (reason ?? (wasOpen ? 'completed' : issue.stateReason)) as StateReason | null;
  } else if (!wasOpen) {
    issue.stateReason = 'reopened';
  } else if (reason !== undefined) {
    issue.stateReason = reason as StateReason | null;
  }
  issue.state = nextState;
  if (JSON.stringify(issue) !== before) env.model.touch(issue);
  if (wasOpen && nextState === 'closed') {
    issue.closedAt = issue.updatedAt;
    issue.closedBy = env.login;
  } else if (!wasOpen && nextState === 'open') {
    issue.closedAt = null;
    issue.closedBy = null;
  }
  return { status: 200, body: renderIssue(env, issue) };
}

function dedupe(names: readonly string[]): string[] {
  const seen = new Set<string>();
  return names.filter((n) => {
    const key = n.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// ---- assignees ---------------------------------------------------------------------------

/** The login as the account spells it, when it can be assigned issues here; logins are case-insensitive. */
function assignable(env: RouteEnvironment, login: string): string | undefined {
  return [env.login, ...env.collaborators].find((candidate) => candidate.toLowerCase() === login.toLowerCase());
}

/** `assignees` of the add and remove bodies: logins, which adding also takes as `{ login }` objects. */
function assigneeLogins(body: Record<string, unknown>, required: boolean, objects: boolean): string[] {
  if (!('assignees' in body)) {
    if (required) throw invalid('"assignees" wasn\'t supplied.');
    return [];
  }
  const value = body.assignees;
  if (!Array.isArray(value)) throw invalid(`Invalid property /assignees: \`${JSON.stringify(value)}\` is not of type \`array\`.`);
  return value.map((item, index) => {
    if (objects && typeof item === 'object' && item !== null && typeof (item as { login?: unknown }).login === 'string') return (item as { login: string }).login;
    if (typeof item !== 'string') throw invalid(`Invalid property /assignees/${index}: \`${JSON.stringify(item)}\` is not of type \`string\`.`);
    return item;
  });
}

/** Logins that cannot be assigned are dropped without a word, as GitHub drops them. */
function addAssignees(env: RouteEnvironment, req: RouteRequest): RouteAnswer {
  const issue = issueOr404(env, req.params[0]);
  const logins = assigneeLogins(bodyObject(req.body), false, true)
    .map((login) => assignable(env, login))
    .filter((login): login is string => login !== undefined);
  const merged = dedupe([...issue.assignees, ...logins]);
  if (merged.length !== issue.assignees.length) {
    issue.assignees = merged;
    env.model.touch(issue);
  }
  return created(env, `/issues/${issue.number}`, renderIssue(env, issue));
}

function removeAssignees(env: RouteEnvironment, req: RouteRequest): RouteAnswer {
  const issue = issueOr404(env, req.params[0]);
  const gone = new Set(assigneeLogins(bodyObject(req.body), true, false).map((login) => login.toLowerCase()));
  const kept = issue.assignees.filter((login) => !gone.has(login.toLowerCase()));
  if (kept.length !== issue.assignees.length) {
    issue.assignees = kept;
    env.model.touch(issue);
  }
  return { status: 200, body: renderIssue(env, issue) };
}

// ---- pull requests -----------------------------------------------------------------------

function pullRequestOr404(env: RouteEnvironment, numberText: string): StoredIssue {
  const issue = env.model.issue(Number(numberText));
  // An issue's number is not a pull request's, though they share the sequence.
  if (!issue?.pull) throw notFound();
  return issue;
}

function optionalBoolean(body: Record<string, unknown>, field: string): boolean | undefined {
  if (!(field in body) || body[field] === undefined) return undefined;
  const value = body[field];
  if (typeof value !== 'boolean') throw invalid(`Invalid property /${field}: \`${JSON.stringify(value)}\` is not of type \`boolean\`.`);
  return value;
}

/**
 * The branch a `head` names, given as `ref` or `owner:ref`; undefined when the owner is
 * another (a fork, which this repository has none of) or the branch does not exist.
 */
function headBranch(env: RouteEnvironment, head: string): string | undefined {
  const colon = head.indexOf(':');
  if (colon >= 0 && head.slice(0, colon).toLowerCase() !== env.owner.toLowerCase()) return undefined;
  const ref = colon >= 0 ? head.slice(colon + 1) : head;
  return env.model.branch(ref) ? ref : undefined;
}

function createPullRequest(env: RouteEnvironment, req: RouteRequest): RouteAnswer {
  const body = bodyObject(req.body);
  const title = optionalString(body, 'title');
  const head = optionalString(body, 'head');
  const base = optionalString(body, 'base');
  const text = optionalString(body, 'body', true);
  const draft = optionalBoolean(body, 'draft');
  const maintainerCanModify = optionalBoolean(body, 'maintainer_can_modify');
  const given = { title, head, base };
  const missing = (['title', 'head', 'base'] as const).filter((field) => !given[field] || given[field]!.trim() === '');
  if (missing.length > 0) throw validationFailed(missing.map((field) => ({ resource: 'PullRequest', code: 'missing_field', field })));

  const ref = headBranch(env, head!);
  const baseBranch = env.model.branch(base!);
  const unknown = [...(ref === undefined ? ['head'] : []), ...(baseBranch === undefined ? ['base'] : [])];
  if (unknown.length > 0) throw validationFailed(unknown.map((field) => ({ resource: 'PullRequest', field, code: 'invalid' })));
  // Commits ahead are counted against the default branch, whatever the base: the
  // server keeps no history to compare two other branches by.
  if (ref === base || env.model.branch(ref!)!.commitsAhead === 0) {
    throw validationFailed([{ resource: 'PullRequest', code: 'custom', message: `No commits between ${base} and ${ref}` }]);
  }
  if (env.model.openPullRequests(ref!, base!).length > 0) {
    throw validationFailed([{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${env.owner}:${ref}.` }]);
  }
  const pull = env.model.createPullRequest({ title: title!, body: text ?? null, user: env.login, head: ref, base: base!, draft, maintainerCanModify });
  return created(env, `/pulls/${pull.number}`, renderPullRequest(env, env.flags, pull, { full: true, fresh: true }));
}

/**
 * The `head` filter of the list: `owner:ref`. A bare ref name is ignored without a word,
 * as GitHub ignores it (every pull request matches), which is a trap for clients that
 * forget the owner; another owner's matches nothing here, there being no forks.
 */
function headFilter(env: RouteEnvironment, text: string | null): (pull: StoredIssue) => boolean {
  const colon = text?.indexOf(':') ?? -1;
  if (text === null || colon < 0) return () => true;
  if (text.slice(0, colon).toLowerCase() !== env.owner.toLowerCase()) return () => false;
  const ref = text.slice(colon + 1);
  return (p) => p.pull!.head === ref;
}

const MONTH_MS = 30 * 24 * 3600 * 1000;

function listPullRequests(env: RouteEnvironment, req: RouteRequest): RouteAnswer {
  const q = req.query;
  const state = q.get('state') ?? 'open';
  if (!['open', 'closed', 'all'].includes(state)) throw validationFailed([{ resource: 'PullRequest', field: 'state', code: 'invalid' }]);
  const sort = q.get('sort') ?? 'created';
  if (!['created', 'updated', 'popularity', 'long-running'].includes(sort)) throw validationFailed([{ resource: 'PullRequest', field: 'sort', code: 'invalid' }]);
  const direction = q.get('direction') ?? (sort === 'created' ? 'desc' : 'asc');
  if (direction !== 'asc' && direction !== 'desc') throw validationFailed([{ resource: 'PullRequest', field: 'direction', code: 'invalid' }]);
  const fromHead = headFilter(env, q.get('head'));
  const base = q.get('base');
  const now = Date.now();
  const key = (p: StoredIssue): number => (sort === 'updated' ? Date.parse(p.updatedAt) : sort === 'popularity' ? p.comments : Date.parse(p.createdAt));
  const items = env.model
    .allIssues()
    .filter((i) => i.pull !== undefined)
    .filter((p) => state === 'all' || p.state === state)
    .filter(fromHead)
    .filter((p) => base === null || p.pull!.base === base)
    // "open for more than a month and had activity within the past month"
    .filter((p) => sort !== 'long-running' || (now - Date.parse(p.createdAt) > MONTH_MS && now - Date.parse(p.updatedAt) < MONTH_MS))
    // Ties (same second) fall back to the number, so pages never overlap or skip.
    .sort((a, b) => (direction === 'asc' ? key(a) - key(b) || a.number - b.number : key(b) - key(a) || b.number - a.number));
  return paged(env, req, items, (p) => renderPullRequest(env, env.flags, p, { full: false }));
}

function getPullRequest(env: RouteEnvironment, req: RouteRequest): RouteAnswer {
  return { status: 200, body: renderPullRequest(env, env.flags, pullRequestOr404(env, req.params[0]), { full: true }) };
}

// ---- labels --------------------------------------------------------------------------

function listLabels(env: RouteEnvironment, req: RouteRequest): RouteAnswer {
  return paged(env, req, env.model.labels(), (label) => renderLabel(env, label));
}

function getLabel(env: RouteEnvironment, req: RouteRequest): RouteAnswer {
  const label = env.model.label(req.params[0]);
  if (!label) throw notFound();
  return { status: 200, body: renderLabel(env, label) };
}

function createLabel(env: RouteEnvironment, req: RouteRequest): RouteAnswer {
  const body = bodyObject(req.body);
  if (!('name' in body)) throw invalid('"name" wasn\'t supplied.');
  const name = optionalString(body, 'name')!;
  const color = optionalString(body, 'color') ?? 'ededed';
  const description = optionalString(body, 'description', true) ?? null;
  const colorText = color.replace(/^#/, '');
  if (!/^[0-9a-fA-F]{6}$/.test(colorText)) throw validationFailed([{ resource: 'Label', code: 'invalid', field: 'color' }]);
  if (name.trim() === '') throw validationFailed([{ resource: 'Label', code: 'missing_field', field: 'name' }]);
  if (env.model.label(name)) throw validationFailed([{ resource: 'Label', code: 'already_exists', field: 'name' }]);
  const label = env.model.createLabel(name, colorText.toLowerCase(), description);
  return created(env, `/labels/${encodeURIComponent(name)}`, renderLabel(env, label));
}

function listIssueLabels(env: RouteEnvironment, req: RouteRequest): RouteAnswer {
  const issue = issueOr404(env, req.params[0]);
  return paged(env, req, issue.labels, (name) => renderLabel(env, env.model.label(name)!));
}

/** The labels of `POST` and `PUT`: `{ labels: [...] }`, or a bare array of names. */
function labelsOf(body: unknown): string[] {
  if (Array.isArray(body)) return optionalStringList({ labels: body }, 'labels')!;
  const object = bodyObject(body);
  if (!('labels' in object)) throw invalid('"labels" wasn\'t supplied.');
  return optionalStringList(object, 'labels') ?? [];
}

function addIssueLabels(env: RouteEnvironment, req: RouteRequest): RouteAnswer {
  const issue = issueOr404(env, req.params[0]);
  const names = labelsOf(req.body);
  const merged = dedupe([...issue.labels, ...names.map((n) => env.model.ensureLabelNamed(n).name)]);
  if (merged.length !== issue.labels.length) {
    issue.labels = merged;
    env.model.touch(issue);
  }
  return { status: 200, body: issue.labels.map((name) => renderLabel(env, env.model.label(name)!)) };
}

function setIssueLabels(env: RouteEnvironment, req: RouteRequest): RouteAnswer {
  const issue = issueOr404(env, req.params[0]);
  const names = dedupe(labelsOf(req.body).map((n) => env.model.ensureLabelNamed(n).name));
  if (JSON.stringify(names) !== JSON.stringify(issue.labels)) {
    issue.labels = names;
    env.model.touch(issue);
  }
  return { status: 200, body: issue.labels.map((name) => renderLabel(env, env.model.label(name)!)) };
}

function removeIssueLabel(env: RouteEnvironment, req: RouteRequest): RouteAnswer {
  const issue = issueOr404(env, req.params[0]);
  const name = req.params[1].toLowerCase();
  if (!issue.labels.some((l) => l.toLowerCase() === name)) {
    throw new GitHubHttpError(404, { message: 'Label does not exist', documentation_url: PLACEHOLDER_DOCS, status: '404' });
  }
  issue.labels = issue.labels.filter((l) => l.toLowerCase() !== name);
  env.model.touch(issue);
  return { status: 200, body: issue.labels.map((l) => renderLabel(env, env.model.label(l)!)) };
}

// ---- milestones ------------------------------------------------------------------------

function milestoneOr404(env: RouteEnvironment, numberText: string): StoredMilestone {
  const milestone = env.model.milestone(Number(numberText));
  if (!milestone) throw notFound();
  return milestone;
}

function oneOf<T extends string>(value: string, allowed: readonly T[], field: string): T {
  if (!(allowed as readonly string[]).includes(value)) throw validationFailed([{ resource: 'Milestone', field, code: 'invalid' }]);
  return value as T;
}

/** An optional `due_on`: an ISO 8601 time, or null for none. */
function optionalDueOn(body: Record<string, unknown>): string | null | undefined {
  const text = optionalString(body, 'due_on', true);
  if (text === undefined || text === null) return text;
  const at = Date.parse(text);
  if (Number.isNaN(at)) throw validationFailed([{ resource: 'Milestone', code: 'invalid', field: 'due_on' }]);
  return isoSeconds(at);
}

function listMilestones(env: RouteEnvironment, req: RouteRequest): RouteAnswer {
  const q = req.query;
  const state = oneOf(q.get('state') ?? 'open', ['open', 'closed', 'all'] as const, 'state');
  const sort = oneOf(q.get('sort') ?? 'due_on', ['due_on', 'completeness'] as const, 'sort');
  const direction = oneOf(q.get('direction') ?? 'asc', ['asc', 'desc'] as const, 'direction');
  const key = (m: StoredMilestone): number => {
    if (sort === 'due_on') return m.dueOn === null ? Number.POSITIVE_INFINITY : Date.parse(m.dueOn);
    const items = env.model.milestoneItems(m);
    return items.length === 0 ? 0 : items.filter((i) => i.state === 'closed').length / items.length;
  };
  const items = env.model
    .milestones()
    .filter((m) => state === 'all' || m.state === state)
    // Undated milestones come after dated ones; ties go by number, so pages never overlap.
    .sort((a, b) => {
      const [ka, kb] = [key(a), key(b)];
      const order = ka === kb ? 0 : ka < kb ? -1 : 1;
      return (direction === 'asc' ? order : -order) || a.number - b.number;
    });
  return paged(env, req, items, (m) => renderMilestone(env, m));
}

function getMilestone(env: RouteEnvironment, req: RouteRequest): RouteAnswer {
  return { status: 200, body: renderMilestone(env, milestoneOr404(env, req.params[0])) };
}

function milestoneState(body: Record<string, unknown>): MilestoneState | undefined {
  const state = optionalString(body, 'state');
  if (state !== undefined && state !== 'open' && state !== 'closed') {
    throw invalid(`Invalid property /state: \`${JSON.stringify(state)}\` is not one of \`["open", "closed"]\`.`);
  }
  return state;
}

function createMilestone(env: RouteEnvironment, req: RouteRequest): RouteAnswer {
  const body = bodyObject(req.body);
  if (!('title' in body) || body.title === null) throw invalid('"title" wasn\'t supplied.');
  const title = optionalString(body, 'title')!;
  const state = milestoneState(body);
  const description = optionalString(body, 'description', true);
  const dueOn = optionalDueOn(body);
  if (title.trim() === '') throw validationFailed([{ resource: 'Milestone', code: 'missing_field', field: 'title' }]);
  if (env.model.milestoneTitled(title)) throw validationFailed([{ resource: 'Milestone', code: 'already_exists', field: 'title' }]);
  const milestone = env.model.createMilestone(title, { state, description, dueOn, creator: env.login });
  return created(env, `/milestones/${milestone.number}`, renderMilestone(env, milestone));
}

function updateMilestone(env: RouteEnvironment, req: RouteRequest): RouteAnswer {
  const milestone = milestoneOr404(env, req.params[0]);
  const body = bodyObject(req.body);
  // Not nullable: a null title is refused as not a string.
  const title = optionalString(body, 'title') as string | undefined;
  const state = milestoneState(body);
  const description = optionalString(body, 'description', true);
  const dueOn = optionalDueOn(body);
  if (title !== undefined && title.trim() === '') throw validationFailed([{ resource: 'Milestone', code: 'missing_field', field: 'title' }]);
  const clash = title === undefined ? undefined : env.model.milestoneTitled(title);
  if (clash && clash.number !== milestone.number) throw validationFailed([{ resource: 'Milestone', code: 'already_exists', field: 'title' }]);

  const before = JSON.stringify(milestone);
  const wasOpen = milestone.state === 'open';
  if (title !== undefined) milestone.title = title;
  if (state !== undefined) milestone.state = state;
  if (description !== undefined) milestone.description = description;
  if (dueOn !== undefined) milestone.dueOn = dueOn;
  if (JSON.stringify(milestone) !== before) env.model.touchMilestone(milestone);
  if (wasOpen && milestone.state === 'closed') milestone.closedAt = milestone.updatedAt;
  else if (!wasOpen && milestone.state === 'open') milestone.closedAt = null;
  return { status: 200, body: renderMilestone(env, milestone) };
}

// ---- comments ------------------------------------------------------------------------

function listComments(env: RouteEnvironment, req: RouteRequest): RouteAnswer {
  const issue = issueOr404(env, req.params[0]);
  return paged(env, req, env.model.comments(issue.number), (c) => renderComment(env, c));
}

function createComment(env: RouteEnvironment, req: RouteRequest): RouteAnswer {
  const issue = issueOr404(env, req.params[0]);
  const body = bodyObject(req.body);
  if (!('body' in body)) throw invalid('"body" wasn\'t supplied.');
  const text = optionalString(body, 'body')!;
  if (text.trim() === '') throw validationFailed([{ resource: 'IssueComment', code: 'missing_field', field: 'body' }]);
  const comment = env.model.addComment(issue, text, env.login);
  return created(env, `/issues/comments/${comment.id}`, renderComment(env, comment));
}

// ---- sub-issues ------------------------------------------------------------------------

/** The sub-issue endpoints prefix their refusals with this sentence. */
const ADD_SUB_ISSUE = 'An error occurred while adding the sub-issue to the parent issue.';

function subIssueById(env: RouteEnvironment, id: number): StoredIssue {
  // An id that names no issue is a 404, which is also what a number passed as an id gives.
  const issue = env.model.issueById(id);
  if (!issue) throw notFound();
  return issue;
}

function listSubIssues(env: RouteEnvironment, req: RouteRequest): RouteAnswer {
  const parent = issueOr404(env, req.params[0]);
  return paged(env, req, env.model.subIssues(parent), issueJson(env));
}

function addSubIssue(env: RouteEnvironment, req: RouteRequest): RouteAnswer {
  const parent = issueOr404(env, req.params[0]);
  const body = bodyObject(req.body);
  const childId = requireInteger(body, 'sub_issue_id');
  if ('replace_parent' in body && typeof body.replace_parent !== 'boolean') {
    throw invalid(`Invalid property /replace_parent: \`${JSON.stringify(body.replace_parent)}\` is not of type \`boolean\`.`);
  }
  const replace = body.replace_parent === true;
  const child = subIssueById(env, childId);
  const { model } = env;
  if (child.isPullRequest || parent.isPullRequest) throw unprocessable(`${ADD_SUB_ISSUE} Pull requests cannot be sub-issues or parents`);
  if (child.id === parent.id) throw unprocessable(`${ADD_SUB_ISSUE} An issue cannot be a sub-issue of itself`);
  if (parent.subIssueIds.includes(child.id)) throw unprocessable(`${ADD_SUB_ISSUE} Issue may not contain duplicate sub-issues`);
  if (child.parentId !== null && !replace) throw unprocessable(`${ADD_SUB_ISSUE} Sub issue may only have one parent`);
  // Closed sub-issues count: the cap is on links, whatever their state.
  if (parent.subIssueIds.length >= MAX_SUB_ISSUES) throw unprocessable(`${ADD_SUB_ISSUE} Parent cannot have more than ${MAX_SUB_ISSUES} sub-issues`);
  if (model.isAncestor(child, parent)) throw unprocessable(`${ADD_SUB_ISSUE} An issue cannot be a sub-issue of its own sub-issue`);
  if (model.depth(parent) + 1 + model.height(child) > MAX_SUB_ISSUE_DEPTH - 1) {
    throw unprocessable(`${ADD_SUB_ISSUE} Sub-issues cannot be nested more than ${MAX_SUB_ISSUE_DEPTH} levels`);
  }
  const former = model.parentOf(child);
  if (former) {
    former.subIssueIds = former.subIssueIds.filter((id) => id !== child.id);
    model.touch(former);
  }
  parent.subIssueIds.push(child.id);
  child.parentId = parent.id;
  model.touch(parent);
  model.touch(child);
  return created(env, `/issues/${parent.number}/sub_issues`, renderIssue(env, parent));
}

function removeSubIssue(env: RouteEnvironment, req: RouteRequest): RouteAnswer {
  const parent = issueOr404(env, req.params[0]);
  const childId = requireInteger(bodyObject(req.body), 'sub_issue_id');
  const child = subIssueById(env, childId);
  if (child.parentId !== parent.id) throw notFound();
  parent.subIssueIds = parent.subIssueIds.filter((id) => id !== child.id);
  child.parentId = null;
  env.model.touch(parent);
  env.model.touch(child);
  return { status: 200, body: renderIssue(env, parent), headers: { location: `${env.apiUrl}/repos/${env.owner}/${env.repo}/issues/${parent.number}/sub_issue` } };
}

function reprioritizeSubIssue(env: RouteEnvironment, req: RouteRequest): RouteAnswer {
  const parent = issueOr404(env, req.params[0]);
  const body = bodyObject(req.body);
  const childId = requireInteger(body, 'sub_issue_id');
  const afterId = optionalInteger(body, 'after_id');
  const beforeId = optionalInteger(body, 'before_id');
  if ((afterId === undefined) === (beforeId === undefined)) {
    throw unprocessable('Either after_id or before_id must be specified, but not both');
  }
  if (!parent.subIssueIds.includes(childId)) throw unprocessable('The sub-issue is not a sub-issue of this issue');
  const anchor = (afterId ?? beforeId)!;
  if (anchor === childId || !parent.subIssueIds.includes(anchor)) throw unprocessable('The positional sub-issue is not a sub-issue of this issue');
  const order = parent.subIssueIds.filter((id) => id !== childId);
  const at = order.indexOf(anchor);
  order.splice(afterId !== undefined ? at + 1 : at, 0, childId);
  if (JSON.stringify(order) !== JSON.stringify(parent.subIssueIds)) {
    parent.subIssueIds = order;
    env.model.touch(parent);
  }
  return { status: 200, body: renderIssue(env, parent) };
}

function getParent(env: RouteEnvironment, req: RouteRequest): RouteAnswer {
  const issue = issueOr404(env, req.params[0]);
  const parent = env.model.parentOf(issue);
  if (!parent) throw notFound();
  return { status: 200, body: renderIssue(env, parent) };
}

// ---- dependencies -------------------------------------------------------------------------

function listBlockedBy(env: RouteEnvironment, req: RouteRequest): RouteAnswer {
  const issue = issueOr404(env, req.params[0]);
  return paged(env, req, env.model.blockedBy(issue), issueJson(env));
}

function listBlocking(env: RouteEnvironment, req: RouteRequest): RouteAnswer {
  const issue = issueOr404(env, req.params[0]);
  return paged(env, req, env.model.blocking(issue), issueJson(env));
}

function addBlockedBy(env: RouteEnvironment, req: RouteRequest): RouteAnswer {
  const issue = issueOr404(env, req.params[0]);
  const blockerId = requireInteger(bodyObject(req.body), 'issue_id');
  const blocker = env.model.issueById(blockerId);
  if (!blocker) throw notFound();
  if (blocker.isPullRequest || issue.isPullRequest) throw unprocessable('Pull requests cannot be used in issue dependencies');
  if (blocker.id === issue.id) throw unprocessable('An issue cannot be blocked by itself');
  if (issue.blockedByIds.includes(blocker.id)) throw unprocessable('The dependency already exists');
  if (issue.blockedByIds.length >= MAX_DEPENDENCIES) {
    throw unprocessable(`An issue cannot be blocked by more than ${MAX_DEPENDENCIES} issues`);
  }
  if (env.model.blocking(blocker).length >= MAX_DEPENDENCIES) {
    throw unprocessable(`An issue cannot be blocking more than ${MAX_DEPENDENCIES} issues`);
  }
  issue.blockedByIds.push(blocker.id);
  env.model.touch(issue);
  env.model.touch(blocker);
  return created(env, `/issues/${issue.number}/dependencies/blocked_by`, renderIssue(env, blocker));
}

function removeBlockedBy(env: RouteEnvironment, req: RouteRequest): RouteAnswer {
  const issue = issueOr404(env, req.params[0]);
  const idText = req.params[1];
  // The endpoint documents 400 rather than 422 for a request it cannot read.
  if (!/^\d+$/.test(idText)) {
    throw new GitHubHttpError(400, { message: `Invalid request.\n\nInvalid property /issue_id: \`${JSON.stringify(idText)}\` is not of type \`integer\`.`, documentation_url: PLACEHOLDER_DOCS, status: '400' });
  }
  const blocker = env.model.issueById(Number(idText));
  if (!blocker || !issue.blockedByIds.includes(blocker.id)) throw notFound();
  issue.blockedByIds = issue.blockedByIds.filter((id) => id !== blocker.id);
  env.model.touch(issue);
  env.model.touch(blocker);
  return { status: 200, body: renderIssue(env, blocker) };
}

