/**
 * A local, in-memory stand-in for GitHub's REST API, close enough to the real wire
 * (JSON shapes, status codes, `link` pagination, ETags and 304s, rate-limit headers,
 * error documents) that the real `@octokit/rest`, with its throttling and retry
 * plugins, runs against it unmodified. Tests start one per case, seed it, point an
 * Octokit at `url`, inject faults, and inspect what the repository holds afterwards.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultRules } from './faults';
import type { Fault, FaultInjector, FaultKind } from './faults';
import { GitHubHttpError, RepositoryModel, isoSeconds } from './model';
import type { SeedIssue, SeedMilestone, SeedPullRequest, StoredBranch, StoredComment, StoredIssue, StoredLabel, StoredMilestone } from './model';
import { getAuthenticatedUser, routeRepositoryRequest } from './routes';
import type { RouteAnswer, RouteEnvironment } from './routes';

export type { Fault, FaultHandle, FaultInjector, FaultKind, FaultRule } from './faults';
export type {
  IssueState,
  MilestoneState,
  SeedIssue,
  SeedMilestone,
  SeedPullRequest,
  StateReason,
  StoredBranch,
  StoredComment,
  StoredIssue,
  StoredLabel,
  StoredMilestone,
  StoredPullRequestDetails,
} from './model';
export { DEFAULT_BRANCH, MAX_DEPENDENCIES, MAX_SUB_ISSUES } from './model';

export interface RepositoryPermissions {
  readonly admin: boolean;
  readonly maintain: boolean;
  readonly push: boolean;
  readonly triage: boolean;
  readonly pull: boolean;
}

export interface GitHubServerOptions {
  readonly owner?: string;
  readonly repo?: string;
  /** The token requests must carry (`Authorization: token …` or `Bearer …`). */
  readonly token?: string;
  /** The signed-in user `GET /user` answers. */
  readonly login?: string;
  /** Who besides `login` can be assigned issues; other logins are dropped silently, as GitHub drops them. */
  readonly collaborators?: readonly string[];
  /**
   * What `GET /repos/{owner}/{repo}` reports; write endpoints that need triage refuse
   * without it, and opening a pull request needs push.
   */
  readonly permissions?: Partial<RepositoryPermissions>;
  /** When false, issue endpoints answer 410 "Issues are disabled for this repo". */
  readonly hasIssues?: boolean;
  /** GitHub's cap on `per_page` is 100; lower it to make pagination cheap to exercise. */
  readonly perPageMax?: number;
  /** Requests per hour before the primary limit refuses (GitHub: 5,000 for a user). */
  readonly rateLimit?: number;
  /** The web address `html_url`s start with. */
  readonly htmlUrl?: string;
}

export interface RecordedRequest {
  readonly method: string;
  /** The path and query as sent, in the form the client used. */
  readonly path: string;
  /**
   * The status answered; null when the connection was dropped instead, and undefined
   * while the answer is still pending (a `delay` fault). A request is recorded as soon
   * as it has arrived, so that a test can count what was sent before it is answered.
   */
  readonly status: number | null | undefined;
  /** The parsed JSON body, if any. */
  readonly body: unknown;
  /** When the request arrived (ms since the epoch). */
  readonly time: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The fault that shaped the answer, if one fired. */
  readonly fault?: FaultKind;
}

export interface GitHubServer {
  /** The `baseUrl` to give Octokit, e.g. `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly owner: string;
  readonly repo: string;
  readonly token: string;
  readonly faults: FaultInjector;
  readonly requests: readonly RecordedRequest[];
  /** The repository's issues (pull requests left out) as they are now, oldest first. */
  issues(): StoredIssue[];
  /** The repository's pull requests as they are now, with their `pull` details (head, base, draft). */
  pullRequests(): StoredIssue[];
  /** The branches: the default branch `main` and those seeded. */
  branches(): StoredBranch[];
  issue(number: number): StoredIssue | undefined;
  labels(): StoredLabel[];
  /** The repository's milestones as they are now, by number. */
  milestones(): StoredMilestone[];
  milestone(number: number): StoredMilestone | undefined;
  comments(number: number): StoredComment[];
  /** An issue; its `milestone`, when given, must be the number of a seeded milestone. */
  seedIssue(seed?: SeedIssue): StoredIssue;
  /** A pull request, without the API or its checks: its head branch need not exist. */
  seedPullRequest(seed?: SeedPullRequest): StoredIssue;
  /**
   * A branch with `commitsAhead` commits (1 unless told) that the default branch lacks;
   * a pull request can be opened from it when that is more than 0.
   */
  seedBranch(name: string, options?: { readonly commitsAhead?: number }): StoredBranch;
  seedLabel(name: string, options?: { readonly color?: string; readonly description?: string }): StoredLabel;
  /**
   * A milestone, open unless told, created by the signed-in user; milestones are
   * numbered 1, 2, … apart from issues. Put issues in it with `seedIssue({ milestone })`.
   */
  seedMilestone(title: string, options?: SeedMilestone): StoredMilestone;
  /** Links `child` under `parent` (both numbers) without going through the API or its checks. */
  seedSubIssue(parent: number, child: number): void;
  /** Records that `blocker` blocks `number` (both numbers), without the API or its checks. */
  seedBlockedBy(number: number, blocker: number): void;
  /** How many mutating requests were carried out (including those answered with a fault afterwards). */
  writes(): number;
  close(): Promise<void>;
}

const MUTATING = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);
const API_VERSION = '2022-11-28';

export async function startGitHubServer(options: GitHubServerOptions = {}): Promise<GitHubServer> {
  const owner = options.owner ?? 'octo-org';
  const repo = options.repo ?? 'planning';
  const token = options.token ?? 'ghp_localTestToken0000000000000000000000';
  const login = options.login ?? 'octocat';
  const permissions: RepositoryPermissions = {
    admin: false,
    maintain: false,
    push: true,
    triage: true,
    pull: true,
    ...options.permissions,
  };
  const perPageMax = options.perPageMax ?? 100;
  const rateLimit = options.rateLimit ?? 5000;
  const repoId = 812_093_577;
  const startedAt = Date.now();

  const model = new RepositoryModel(() => Date.now(), login);
  const faults = new FaultRules();
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const userIds = new Map<string, number>();
  let committedWrites = 0;
  const window = { used: 0, reset: Math.floor(startedAt / 1000) + 3600 };
  let url = '';

  const env = (): RouteEnvironment => ({
    apiUrl: url,
    htmlUrl: options.htmlUrl ?? 'https://github.com',
    owner,
    repo,
    repoId,
    model,
    login,
    collaborators: options.collaborators ?? [],
    perPageMax,
    flags: { hasIssues: options.hasIssues ?? true, permissions, createdAt: isoSeconds(startedAt) },
    userId: (name) => {
      if (!userIds.has(name)) userIds.set(name, 1_024_000 + userIds.size * 811);
      return userIds.get(name)!;
    },
  });

  function rateHeaders(): Record<string, string> {
    const nowSeconds = Math.floor(Date.now() / 1000);
    if (nowSeconds >= window.reset) {
      window.used = 0;
      window.reset = nowSeconds + 3600;
    }
    return {
      'x-ratelimit-limit': String(rateLimit),
      'x-ratelimit-remaining': String(Math.max(0, rateLimit - window.used)),
      'x-ratelimit-used': String(window.used),
      'x-ratelimit-reset': String(window.reset),
      'x-ratelimit-resource': 'core',
    };
  }

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
    const requestId = randomBytes(8).toString('hex').toUpperCase().replace(/(.{4})(.{4})(.{4})(.{4})/, '$1:$2:$3:$4');
    const base: Record<string, string> = {
      'x-github-api-version-selected': API_VERSION,
      'x-github-media-type': 'github.v3; format=json',
      'x-github-request-id': requestId,
      'x-oauth-scopes': 'repo',
      'access-control-expose-headers':
        'ETag, Link, Location, Retry-After, X-GitHub-OTP, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Used, X-RateLimit-Resource, X-RateLimit-Reset',
    };
    if (status === 304 || status === 204) {
      res.writeHead(status, { ...base, ...headers });
      res.end();
      return;
    }
    const text = JSON.stringify(body);
    res.writeHead(status, {
      ...base,
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(text)),
      ...headers,
    });
    res.end(text);
  }

  function arrived(req: IncomingMessage, time: number, body: unknown, fault: Fault | undefined): { status: number | null | undefined } {
    const entry = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      status: undefined as number | null | undefined,
      body,
      time,
      headers: { ...req.headers },
      ...(fault ? { fault: fault.kind } : {}),
    };
    requests.push(entry);
    return entry;
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });
  }

  /** The request's path in the `/repos/{owner}/{repo}` form, or null for an unknown repository id. */
  function canonicalPath(pathname: string): string | null {
    const byId = /^\/repositories\/(\d+)(\/.*)?$/.exec(pathname);
    if (!byId) return pathname;
    return Number(byId[1]) === repoId ? `/repos/${owner}/${repo}${byId[2] ?? ''}` : null;
  }

  function authorized(req: IncomingMessage): 'ok' | 'missing' | 'bad' {
    const header = req.headers.authorization;
    if (!header) return 'missing';
    const match = /^(token|bearer)\s+(\S+)$/i.exec(header);
    return match && match[2] === token ? 'ok' : 'bad';
  }

  /** What the API answers for a request that got past faults, auth and the primary limit. */
  function answer(method: string, pathname: string, query: URLSearchParams, body: unknown): RouteAnswer {
    if (pathname === '/user' && method === 'GET') return getAuthenticatedUser(env());
    const repoPath = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(pathname);
    if (!repoPath || repoPath[1].toLowerCase() !== owner.toLowerCase() || repoPath[2].toLowerCase() !== repo.toLowerCase()) {
      throw new GitHubHttpError(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' });
    }
    return routeRepositoryRequest(env(), method, repoPath[3] ?? '', { method, query, body, pathname });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const time = Date.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const parsed = new URL(req.url ?? '/', 'http://localhost');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    let badJson = false;
    if (text.trim() !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        badJson = true;
        body = text;
      }
    }

    const pathname = canonicalPath(parsed.pathname);
    const fault = pathname === null ? undefined : faults.take(method, pathname);
    const entry = arrived(req, time, body, fault);
    const reply = (status: number, json: unknown, headers: Record<string, string> = {}, counts = true): void => {
      if (counts) window.used += 1;
      send(res, status, json, { ...rateHeaders(), ...headers });
      entry.status = status;
    };

    if (fault?.kind === 'drop-before') {
      req.socket.destroy();
      entry.status = null;
      return;
    }
    if (fault?.kind === 'delay') await sleep(fault.ms);
    if (fault?.kind === 'status') {
      reply(fault.status, fault.body ?? { message: 'Injected failure', status: String(fault.status) }, { ...fault.headers });
      return;
    }
    if (fault?.kind === 'secondary-rate-limit') {
      reply(
        fault.status ?? 403,
        {
          message:
            'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID ' +
            `${randomBytes(4).toString('hex').toUpperCase()}.`,
          documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
          status: String(fault.status ?? 403),
        },
        { 'retry-after': String(fault.retryAfterSeconds ?? 60) },
      );
      return;
    }
    if (fault?.kind === 'primary-rate-limit') {
      window.used += 1;
      const status = fault.status ?? 403;
      send(
        res,
        status,
        {
          message: `API rate limit exceeded for user ID ${env().userId(login)}.`,
          documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-rate-limits',
          status: String(status),
        },
        {
          ...rateHeaders(),
          'x-ratelimit-remaining': '0',
          'x-ratelimit-used': String(rateLimit),
          'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + fault.resetInSeconds),
        },
      );
      entry.status = status;
      return;
    }

    const auth = authorized(req);
    if (auth !== 'ok') {
      // Refused credentials are counted against another (unauthenticated) budget.
      reply(
        401,
        auth === 'missing'
          ? { message: 'Requires authentication', documentation_url: 'https://docs.github.com/rest', status: '401' }
          : { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' },
        {},
        false,
      );
      return;
    }
    if (window.used >= rateLimit) {
      reply(403, {
        message: `API rate limit exceeded for user ID ${env().userId(login)}.`,
        documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-rate-limits',
        status: '403',
      });
      return;
    }
    if (badJson) {
      reply(400, { message: 'Problems parsing JSON', documentation_url: 'https://docs.github.com/rest', status: '400' });
      return;
    }

    let result: RouteAnswer;
    try {
      result = pathname === null ? notFoundAnswer() : answer(method, pathname, parsed.searchParams, body);
    } catch (error) {
      if (!(error instanceof GitHubHttpError)) throw error;
      result = { status: error.status, body: error.body };
    }
    const committed = MUTATING.has(method) && result.status >= 200 && result.status < 300;
    if (committed) committedWrites += 1;

    if (fault?.kind === 'drop-after-commit') {
      req.socket.destroy();
      entry.status = null;
      return;
    }
    if (fault?.kind === 'error-after-commit') {
      const status = fault.status ?? 502;
      reply(status, { message: 'Server Error', status: String(status) });
      return;
    }

    const headers: Record<string, string> = { ...result.headers };
    if (method === 'GET' && result.status === 200) {
      const etag = `W/"${createHash('sha256').update(JSON.stringify(result.body)).digest('hex')}"`;
      headers.etag = etag;
      headers['cache-control'] = 'private, max-age=60, s-maxage=60';
      headers.vary = 'Accept, Authorization, Cookie, X-GitHub-OTP';
      if (matchesEtag(req.headers['if-none-match'], etag)) {
        // A 304 answered to an authorized request costs nothing against the primary limit.
        reply(304, undefined, headers, false);
        return;
      }
    }
    reply(result.status, result.body, headers);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // A bug in the stand-in must show in the test, not hang it.
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ message: `Test server failure: ${String(error)}` }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const copy = <T>(value: T): T => structuredClone(value);
  const seedWith = (seed: SeedPullRequest, isPullRequest: boolean): StoredIssue => {
    if (seed.milestone !== undefined && !model.milestone(seed.milestone)) throw new Error(`The test repository has no milestone ${seed.milestone}.`);
    if (seed.merged && seed.state !== 'closed') throw new Error('A merged pull request is closed: seed it with state "closed".');
    return copy(isPullRequest ? model.createPullRequest(seed) : model.createIssue(seed));
  };
  const mustIssue = (number: number): StoredIssue => {
    const issue = model.issue(number);
    if (!issue) throw new Error(`The test repository has no #${number}.`);
    return issue;
  };

  return {
    url,
    owner,
    repo,
    token,
    faults,
    requests,
    issues: () => model.allIssues().filter((i) => !i.isPullRequest).map(copy),
    pullRequests: () => model.allIssues().filter((i) => i.isPullRequest).map(copy),
    branches: () => model.branches().map(copy),
    issue: (number) => {
      const issue = model.issue(number);
      return issue ? copy(issue) : undefined;
    },
    labels: () => model.labels().map(copy),
    milestones: () => model.milestones().map(copy),
    milestone: (number) => {
      const milestone = model.milestone(number);
      return milestone ? copy(milestone) : undefined;
    },
    comments: (number) => model.comments(number).map(copy),
    seedIssue: (seed = {}) => seedWith(seed, false),
    seedPullRequest: (seed = {}) => seedWith({ title: 'A pull request', ...seed }, true),
    seedBranch: (name, branchOptions = {}) => {
      const commitsAhead = branchOptions.commitsAhead ?? 1;
      if (model.branch(name)) throw new Error(`The test repository already has a branch "${name}".`);
      if (!Number.isInteger(commitsAhead) || commitsAhead < 0) throw new Error(`A branch is 0 or more commits ahead, not ${commitsAhead}.`);
      return copy(model.createBranch(name, commitsAhead));
    },
    seedLabel: (name, labelOptions = {}) => {
      if (model.label(name)) throw new Error(`The test repository already has a label "${name}".`);
      return copy(model.createLabel(name, labelOptions.color ?? 'ededed', labelOptions.description ?? null));
    },
    seedMilestone: (title, milestoneOptions = {}) => {
      if (model.milestoneTitled(title)) throw new Error(`The test repository already has a milestone "${title}".`);
      return copy(model.createMilestone(title, milestoneOptions));
    },
    seedSubIssue: (parent, child) => {
      const p = mustIssue(parent);
      const c = mustIssue(child);
      p.subIssueIds.push(c.id);
      c.parentId = p.id;
    },
    seedBlockedBy: (number, blocker) => {
      mustIssue(number).blockedByIds.push(mustIssue(blocker).id);
    },
    writes: () => committedWrites,
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function notFoundAnswer(): RouteAnswer {
  return { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' } };
}

/** `If-None-Match` compared weakly, as RFC 9110 asks: `W/"x"` matches `"x"`, and `*` matches anything. */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = (tag: string): string => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim() === '*' || bare(tag) === bare(etag));
}
