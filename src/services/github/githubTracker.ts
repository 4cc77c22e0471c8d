/**
 * The `Tracker` over GitHub's REST API. The rules that keep a sync safe live here:
 * - A request that creates something (an issue, a comment, a label, a sub-issue link,
 *   a dependency, a pull request) is sent once and never retried by the client: if GitHub carried it
 *   out and then failed to answer, a retry would make a duplicate. Such a failure is a
 *   `TrackerError` with `maybeCommitted` set, and the caller looks before trying again.
 * - Reads and idempotent updates may be retried by the retry plugin.
 * - Lists are paged here rather than with `octokit.paginate`, which drops the request
 *   options (and with them the abort signal) of every page (plugin-paginate-rest's
 *   iterator sends only method, url and headers).
 * - Every failure is one `TrackerError` kind with a plain English message; none of
 *   them carries the token.
 */
import type {
  Conditional,
  IssuePatch,
  LabelSpec,
  NewIssue,
  NewPullRequest,
  StateReason,
  Tracker,
  TrackerComment,
  TrackerIssue,
  TrackerPullRequest,
  TrackerRepository,
} from '../tracker';
import { TrackerError } from '../tracker';
import { GitHubTimeoutError, createOctokit, describeNetworkError } from './octokit';
import type { GitHubClientOptions, GitHubOctokit } from './octokit';

export type GitHubTrackerOptions = {
  readonly owner: string;
  readonly repo: string;
  /** Receives one line per request (method, path, status, time) and every rate-limit wait. */
  readonly log?: (line: string) => void;
} & (
  | { readonly octokit: GitHubOctokit }
  /** Options for `createOctokit`; the tracker's `log` is given to it. */
  | { readonly client: Omit<GitHubClientOptions, 'log'> }
);

/** The most GitHub gives in one page. */
const PAGE_SIZE = 100;

/**
 * What a tracker operation is, which decides whether the retry plugin may send it again
 * and whether a failure may hide a change GitHub made anyway.
 */
type Mode =
  /** Changes nothing: retried freely. */
  | 'read'
  /** Changes something, but sending it twice changes nothing more: retried. */
  | 'idempotent'
  /** Creates or removes something: sent once, since a repeat could duplicate or misreport it. */
  | 'once';

interface RequestOptions {
  readonly signal?: AbortSignal;
  readonly retries?: number;
}

export function createGitHubTracker(options: GitHubTrackerOptions): Tracker {
  const octokit = 'octokit' in options ? options.octokit : createOctokit({ ...options.client, log: options.log });
  return new GitHubTracker(octokit, options.owner, options.repo);
}

class GitHubTracker implements Tracker {
  private readonly fullName: string;

  constructor(
    private readonly octokit: GitHubOctokit,
    private readonly owner: string,
    private readonly repo: string,
  ) {
    this.fullName = `${owner}/${repo}`;
  }

  repository(signal?: AbortSignal): Promise<TrackerRepository> {
    return this.call('read the repository', 'read', signal, async (request) => {
      const { data } = await this.octokit.rest.repos.get({ owner: this.owner, repo: this.repo, request });
      const p = data.permissions;
      return {
        fullName: data.full_name,
        url: data.html_url,
        hasIssues: data.has_issues,
        canWrite: Boolean(p && (p.push || p.triage || p.maintain || p.admin)),
        defaultBranch: data.default_branch,
      };
    });
  }

  currentUser(signal?: AbortSignal): Promise<string> {
    return this.call('read the signed-in user', 'read', signal, async (request) => {
      const { data } = await this.octokit.rest.users.getAuthenticated({ request });
      return data.login;
    });
  }

  listIssues(options: { readonly since?: string; readonly labels?: readonly string[] }, signal?: AbortSignal): Promise<TrackerIssue[]> {
    return this.call('list the issues', 'read', signal, async (request) => {
      // Oldest first: an issue created while the pages are read lands on the last page,
      // instead of pushing every later page down by one and repeating an issue.
      const raw = await this.pages(
        'GET /repos/{owner}/{repo}/issues',
        {
          state: 'all',
          sort: 'created',
          direction: 'asc',
          ...(options.since === undefined ? {} : { since: options.since }),
          ...(options.labels && options.labels.length > 0 ? { labels: options.labels.join(',') } : {}),
        },
        request,
      );
      // Pull requests are issues to GitHub and come mixed in; an issue that moved
      // between pages while they were read is kept once.
      const byId = new Map<number, TrackerIssue>();
      for (const item of raw) {
        if (item.pull_request !== undefined && item.pull_request !== null) continue;
        const issue = toTrackerIssue(item);
        if (!byId.has(issue.id)) byId.set(issue.id, issue);
      }
      return [...byId.values()];
    });
  }

  getIssue(number: number, etag: string | undefined, signal?: AbortSignal): Promise<Conditional<TrackerIssue>> {
    return this.call(`read issue #${number}`, 'read', signal, async (request) => {
      try {
        const response = await this.octokit.rest.issues.get({
          owner: this.owner,
          repo: this.repo,
          issue_number: number,
          ...(etag === undefined ? {} : { headers: { 'if-none-match': etag } }),
          request,
        });
        return { changed: true, etag: response.headers.etag, value: toTrackerIssue(response.data as unknown as RawIssue) } as const;
      } catch (error) {
        // Octokit turns a 304 into an error; it is the "unchanged" answer.
        if (etag !== undefined && statusOf(error) === 304) {
          return { changed: false, etag: headerOf(error, 'etag') ?? etag } as const;
        }
        throw error;
      }
    });
  }

  createIssue(issue: NewIssue, signal?: AbortSignal): Promise<TrackerIssue> {
    return this.call(`create the issue “${issue.title}”`, 'once', signal, async (request) => {
      const { data } = await this.octokit.rest.issues.create({
        owner: this.owner,
        repo: this.repo,
        title: issue.title,
        body: issue.body,
        labels: [...issue.labels],
        request,
      });
      return toTrackerIssue(data as unknown as RawIssue);
    });
  }

  updateIssue(number: number, patch: IssuePatch, signal?: AbortSignal): Promise<TrackerIssue> {
    // Setting fields to the values they are given is idempotent: a retry after a lost
    // answer changes nothing more.
    return this.call(`update issue #${number}`, 'idempotent', signal, async (request) => {
      const { data } = await this.octokit.rest.issues.update({
        owner: this.owner,
        repo: this.repo,
        issue_number: number,
        ...(patch.title === undefined ? {} : { title: patch.title }),
        ...(patch.body === undefined ? {} : { body: patch.body }),
        ...(patch.state === undefined ? {} : { state: patch.state }),
        ...(patch.stateReason === undefined ? {} : { state_reason: patch.stateReason }),
        ...(patch.labels === undefined ? {} : { labels: [...patch.labels] }),
        ...(patch.assignees === undefined ? {} : { assignees: [...patch.assignees] }),
        request,
      });
      return toTrackerIssue(data as unknown as RawIssue);
    });
  }

  listLabels(signal?: AbortSignal): Promise<string[]> {
    return this.call('list the labels', 'read', signal, async (request) => {
      const raw = await this.pages('GET /repos/{owner}/{repo}/labels', {}, request);
      return raw.map((label) => String(label.name));
    });
  }

  ensureLabel(label: LabelSpec, signal?: AbortSignal): Promise<void> {
    return this.call(`create the label “${label.name}”`, 'once', signal, async (request) => {
      try {
        await this.octokit.rest.issues.createLabel({
          owner: this.owner,
          repo: this.repo,
          name: label.name,
          color: label.color,
          ...(label.description === undefined ? {} : { description: label.description }),
          request,
        });
      } catch (error) {
        // Label names are unique regardless of case: "already exists" means it is there.
        if (statusOf(error) === 422 && validationErrors(error).some((e) => e.code === 'already_exists')) return;
        throw error;
      }
    });
  }

  addLabels(number: number, labels: readonly string[], signal?: AbortSignal): Promise<void> {
    // Adding labels an issue already has changes nothing, so a retry is harmless.
    return this.call(`label issue #${number}`, 'idempotent', signal, async (request) => {
      await this.octokit.rest.issues.addLabels({ owner: this.owner, repo: this.repo, issue_number: number, labels: [...labels], request });
    });
  }

  removeLabel(number: number, label: string, signal?: AbortSignal): Promise<void> {
    return this.call(`remove the label “${label}” from issue #${number}`, 'idempotent', signal, async (request) => {
      try {
        await this.octokit.rest.issues.removeLabel({ owner: this.owner, repo: this.repo, issue_number: number, name: label, request });
      } catch (error) {
        // The label is not on the issue (or a retried removal already took it off): done.
        if (statusOf(error) === 404 && messageOf(error) === 'Label does not exist') return;
        throw error;
      }
    });
  }

  listSubIssues(parent: number, signal?: AbortSignal): Promise<TrackerIssue[]> {
    return this.call(`list the sub-issues of #${parent}`, 'read', signal, async (request) => {
      const raw = await this.pages('GET /repos/{owner}/{repo}/issues/{issue_number}/sub_issues', { issue_number: parent }, request);
      return raw.map(toTrackerIssue);
    });
  }

  addSubIssue(parent: number, childId: number, signal?: AbortSignal): Promise<void> {
    return this.call(`add the issue with id ${childId} as a sub-issue of #${parent}`, 'once', signal, async (request) => {
      await this.octokit.rest.issues.addSubIssue({ owner: this.owner, repo: this.repo, issue_number: parent, sub_issue_id: childId, request });
    });
  }

  reorderSubIssue(parent: number, childId: number, afterId: number, signal?: AbortSignal): Promise<void> {
    // Placing an item after another is idempotent.
    return this.call(`reorder the sub-issues of #${parent}`, 'idempotent', signal, async (request) => {
      await this.octokit.rest.issues.reprioritizeSubIssue({
        owner: this.owner,
        repo: this.repo,
        issue_number: parent,
        sub_issue_id: childId,
        after_id: afterId,
        request,
      });
    });
  }

  listBlockedBy(number: number, signal?: AbortSignal): Promise<TrackerIssue[]> {
    return this.call(`list the issues blocking #${number}`, 'read', signal, async (request) => {
      const raw = await this.pages('GET /repos/{owner}/{repo}/issues/{issue_number}/dependencies/blocked_by', { issue_number: number }, request);
      return raw.map(toTrackerIssue);
    });
  }

  addBlockedBy(number: number, blockingId: number, signal?: AbortSignal): Promise<void> {
    return this.call(`record that the issue with id ${blockingId} blocks #${number}`, 'once', signal, async (request) => {
      await this.octokit.rest.issues.addBlockedByDependency({ owner: this.owner, repo: this.repo, issue_number: number, issue_id: blockingId, request });
    });
  }

  removeBlockedBy(number: number, blockingId: number, signal?: AbortSignal): Promise<void> {
    // Not retried: a retried removal that had gone through would come back 404 and
    // look like a failure. A 404 stays `not-found` here, since GitHub answers the same for
    // a missing issue; the sync engine, which wanted the link gone, counts it as done.
    return this.call(`remove the dependency of #${number} on the issue with id ${blockingId}`, 'once', signal, async (request) => {
      await this.octokit.rest.issues.removeDependencyBlockedBy({ owner: this.owner, repo: this.repo, issue_number: number, issue_id: blockingId, request });
    });
  }

  createComment(number: number, body: string, signal?: AbortSignal): Promise<void> {
    return this.call(`comment on issue #${number}`, 'once', signal, async (request) => {
      await this.octokit.rest.issues.createComment({ owner: this.owner, repo: this.repo, issue_number: number, body, request });
    });
  }

  listComments(number: number, signal?: AbortSignal): Promise<TrackerComment[]> {
    return this.call(`list the comments of #${number}`, 'read', signal, async (request) => {
      const raw = await this.pages('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', { issue_number: number }, request);
      return raw.map((c) => ({
        id: Number(c.id),
        body: typeof c.body === 'string' ? c.body : '',
        author: String((c.user as { login?: unknown } | null | undefined)?.login ?? ''),
        createdAt: String(c.created_at),
      }));
    });
  }

  addAssignees(number: number, logins: readonly string[], signal?: AbortSignal): Promise<TrackerIssue> {
    // Assigning someone already assigned changes nothing, so a retry is harmless.
    return this.call(`assign ${logins.join(', ')} to issue #${number}`, 'idempotent', signal, async (request) => {
      const { data } = await this.octokit.rest.issues.addAssignees({ owner: this.owner, repo: this.repo, issue_number: number, assignees: [...logins], request });
      return toTrackerIssue(data as unknown as RawIssue);
    });
  }

  removeAssignees(number: number, logins: readonly string[], signal?: AbortSignal): Promise<TrackerIssue> {
    // GitHub answers 200 for logins that are not assigned, so a retried removal is harmless too.
    return this.call(`unassign ${logins.join(', ')} from issue #${number}`, 'idempotent', signal, async (request) => {
      const { data } = await this.octokit.rest.issues.removeAssignees({ owner: this.owner, repo: this.repo, issue_number: number, assignees: [...logins], request });
      return toTrackerIssue(data as unknown as RawIssue);
    });
  }

  createPullRequest(pr: NewPullRequest, signal?: AbortSignal): Promise<TrackerPullRequest> {
    return this.call(`open the pull request “${pr.title}” from ${pr.head} into ${pr.base}`, 'once', signal, async (request) => {
      const { data } = await this.octokit.rest.pulls.create({
        owner: this.owner,
        repo: this.repo,
        title: pr.title,
        body: pr.body,
        head: pr.head,
        base: pr.base,
        ...(pr.draft === undefined ? {} : { draft: pr.draft }),
        request,
      });
      return toTrackerPullRequest(data as unknown as RawPullRequest);
    });
  }

  findPullRequests(
    head: string,
    options: { readonly state?: 'open' | 'closed' | 'all'; readonly base?: string } = {},
    signal?: AbortSignal,
  ): Promise<TrackerPullRequest[]> {
    return this.call(`list the pull requests from ${head}`, 'read', signal, async (request) => {
      const raw = await this.pages(
        'GET /repos/{owner}/{repo}/pulls',
        {
          state: options.state ?? 'open',
          // GitHub ignores a head filter without the owner and lists every pull request;
          // a ref name cannot hold a colon, so one that does names its owner already.
          head: head.includes(':') ? head : `${this.owner}:${head}`,
          ...(options.base === undefined ? {} : { base: options.base }),
          sort: 'created',
          direction: 'desc',
        },
        request,
      );
      // A pull request opened while the pages are read pushes the others down a page; keep each once.
      const byId = new Map<number, TrackerPullRequest>();
      for (const item of raw) {
        const pull = toTrackerPullRequest(item);
        if (!byId.has(pull.id)) byId.set(pull.id, pull);
      }
      return [...byId.values()];
    });
  }

  // ---- plumbing -------------------------------------------------------------------

  /**
   * Runs one tracker operation: passes the signal (and, for a request sent once,
   * `retries: 0`) to Octokit, returns as soon as the caller cancels even while Octokit
   * is waiting out a rate limit, and turns every failure into a `TrackerError`.
   */
  private async call<T>(doing: string, mode: Mode, signal: AbortSignal | undefined, run: (request: RequestOptions) => Promise<T>): Promise<T> {
    const writes = mode !== 'read';
    if (signal?.aborted) throw new TrackerError(`Cancelled before it started: ${doing}.`, 'cancelled');
    const request: RequestOptions = { ...(signal ? { signal } : {}), ...(mode === 'once' ? { retries: 0 } : {}) };
    const work = run(request);
    try {
      if (!signal) return await work;
      return await new Promise<T>((resolve, reject) => {
        const onAbort = (): void => reject(new DOMException('The request was cancelled.', 'AbortError'));
        signal.addEventListener('abort', onAbort, { once: true });
        work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
      });
    } catch (error) {
      // The abandoned request still settles later; its failure has been reported already.
      work.catch(() => undefined);
      throw toTrackerError(error, doing, writes, this.fullName);
    }
  }

  /** Every page of a list, following GitHub's `link: <…>; rel="next"` with the same request options. */
  private async pages(route: string, params: Record<string, unknown>, request: RequestOptions): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let response = await this.octokit.request(route, { owner: this.owner, repo: this.repo, ...params, per_page: PAGE_SIZE, request });
    for (;;) {
      if (!Array.isArray(response.data)) throw new Error(`GitHub answered ${route} with something that is not a list.`);
      items.push(...(response.data as Record<string, unknown>[]));
      const next = nextLink(response.headers.link);
      if (!next) return items;
      response = await this.octokit.request({ method: 'GET', url: next, request });
    }
  }
}

// ---- GitHub's JSON ---------------------------------------------------------------------

interface RawIssue {
  readonly id: number | bigint;
  readonly number: number;
  readonly title: string;
  readonly body?: string | null;
  readonly state: string;
  readonly state_reason?: string | null;
  readonly labels: readonly (string | { readonly name?: string })[];
  readonly assignees?: readonly { readonly login: string }[] | null;
  readonly updated_at: string;
  readonly html_url: string;
  readonly milestone?: { readonly number: number; readonly title: string } | null;
  readonly sub_issues_summary?: { readonly total?: number } | null;
}

function toTrackerIssue(raw: Record<string, unknown> | RawIssue): TrackerIssue {
  const issue = raw as RawIssue;
  return {
    id: Number(issue.id),
    number: issue.number,
    title: issue.title,
    body: issue.body ?? '',
    state: issue.state === 'closed' ? 'closed' : 'open',
    stateReason: (issue.state_reason ?? null) as StateReason | null,
    labels: issue.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter((l) => l !== ''),
    assignees: (issue.assignees ?? []).map((a) => a.login),
    updatedAt: issue.updated_at,
    url: issue.html_url,
    // Only when there is one, so that an issue outside milestones has the shape it always had.
    ...(issue.milestone ? { milestone: { number: issue.milestone.number, title: issue.milestone.title } } : {}),
    ...(issue.sub_issues_summary?.total ? { subIssues: issue.sub_issues_summary.total } : {}),
  };
}

interface RawPullRequest {
  readonly id: number | bigint;
  readonly number: number;
  readonly title: string;
  readonly body?: string | null;
  readonly state: string;
  readonly html_url: string;
  readonly draft?: boolean;
  /** Only on a single pull request; lists carry `merged_at` alone. */
  readonly merged?: boolean;
  readonly merged_at?: string | null;
  readonly head: { readonly ref: string };
  readonly base: { readonly ref: string };
}

function toTrackerPullRequest(raw: Record<string, unknown> | RawPullRequest): TrackerPullRequest {
  const pull = raw as RawPullRequest;
  return {
    number: pull.number,
    id: Number(pull.id),
    url: pull.html_url,
    title: pull.title,
    body: pull.body ?? '',
    state: pull.state === 'closed' ? 'closed' : 'open',
    merged: pull.merged ?? (pull.merged_at !== undefined && pull.merged_at !== null),
    draft: pull.draft ?? false,
    head: pull.head.ref,
    base: pull.base.ref,
  };
}

function nextLink(link: string | undefined): string | undefined {
  return link?.split(',').map((part) => /<([^>]+)>\s*;\s*rel="next"/.exec(part)?.[1]).find((url) => url !== undefined);
}

// ---- errors ----------------------------------------------------------------------------

interface ResponseLike {
  readonly status?: number;
  readonly headers?: Record<string, string | undefined>;
  readonly data?: unknown;
}

function responseOf(error: unknown): ResponseLike | undefined {
  return typeof error === 'object' && error !== null && 'response' in error ? ((error as { response?: ResponseLike }).response ?? undefined) : undefined;
}

function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const status = (error as { status?: unknown }).status;
  return typeof status === 'number' ? status : undefined;
}

function headerOf(error: unknown, name: string): string | undefined {
  return responseOf(error)?.headers?.[name];
}

/** GitHub's own `message` for a refused request, without Octokit's decorations. */
function messageOf(error: unknown): string | undefined {
  const data = responseOf(error)?.data;
  if (typeof data === 'object' && data !== null && typeof (data as { message?: unknown }).message === 'string') {
    return (data as { message: string }).message;
  }
  return undefined;
}

function validationErrors(error: unknown): { code?: string; field?: string; resource?: string; message?: string }[] {
  const data = responseOf(error)?.data;
  const errors = typeof data === 'object' && data !== null ? (data as { errors?: unknown }).errors : undefined;
  return Array.isArray(errors) ? errors.filter((e) => typeof e === 'object' && e !== null) : [];
}

/** GitHub's message and its list of field errors as one sentence. */
function githubReason(error: unknown): string {
  const message = (messageOf(error) ?? '').replace(/^Invalid request\.\s*/, '').trim();
  const details = validationErrors(error).map((e) => e.message ?? [e.resource, e.field, e.code?.replace(/_/g, ' ')].filter(Boolean).join(' '));
  return [message, ...details].filter((part) => part !== '').join('; ') || 'no reason given';
}

function isRateLimited(error: unknown, status: number): boolean {
  if (status !== 403 && status !== 429) return false;
  return headerOf(error, 'x-ratelimit-remaining') === '0' || /rate limit/i.test(messageOf(error) ?? '') || status === 429;
}

function rateLimitReason(error: unknown): string {
  const retryAfter = Number(headerOf(error, 'retry-after'));
  if (/secondary rate limit/i.test(messageOf(error) ?? '')) {
    return Number.isFinite(retryAfter) && retryAfter > 0
      ? `GitHub's secondary rate limit asks to wait ${retryAfter} s, longer than AutoPM waits`
      : "GitHub's secondary rate limit refused the request";
  }
  const reset = Number(headerOf(error, 'x-ratelimit-reset'));
  if (Number.isFinite(reset) && reset > 0) {
    const minutes = Math.max(1, Math.ceil((reset * 1000 - Date.now()) / 60_000));
    return `GitHub's API rate limit is used up; it resets in about ${minutes} minute${minutes === 1 ? '' : 's'}`;
  }
  return "GitHub's API rate limit is used up";
}

/** Anything shaped like a token is cut out of a message before it is shown or logged. */
function redact(text: string): string {
  return text.replace(/\b(gh[pousr]_[A-Za-z0-9]{8,}|github_pat_[A-Za-z0-9_]{8,})\b/g, '[token]');
}

function causeOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { cause?: unknown }).cause : undefined;
}

function toTrackerError(error: unknown, doing: string, write: boolean, repository: string): TrackerError {
  if (error instanceof TrackerError) return error;
  const fail = (reason: string, kind: TrackerError['kind'], status?: number, maybeCommitted = false): TrackerError => {
    const tail = maybeCommitted ? ' GitHub may have carried it out anyway.' : '';
    // GitHub's own reasons may end with a full stop already ("A pull request already exists for …").
    const stop = /[.!?]$/.test(reason) ? '' : '.';
    return new TrackerError(redact(`Could not ${doing} in ${repository}: ${reason}${stop}${tail}`), kind, status, maybeCommitted);
  };
  if (error instanceof Error && error.name === 'AbortError') return fail('the request was cancelled', 'cancelled', undefined, write);

  const status = statusOf(error);
  const answered = responseOf(error) !== undefined;
  if (!answered) {
    // No answer at all: a timeout, a refused or dropped connection. Octokit reports these as a 500.
    const cause = causeOf(error);
    const reason = cause instanceof GitHubTimeoutError ? cause.message : `GitHub could not be reached (${describeNetworkError(cause ?? error)})`;
    return fail(reason, 'unavailable', undefined, write);
  }
  switch (true) {
    case status === 401:
      return fail(`GitHub refused the credentials (${githubReason(error)}); sign in to GitHub again`, 'auth', status);
    case status === 403 || status === 429:
      return isRateLimited(error, status!)
        ? fail(rateLimitReason(error), 'rate-limited', status)
        : fail(`GitHub refused access (${githubReason(error)}); the account may lack permission on the repository`, 'auth', status);
    case status === 404:
      return fail('GitHub found no such repository, issue or link (or the account cannot see it)', 'not-found', status);
    case status === 410:
      return fail(`GitHub says it is gone (${githubReason(error)})`, 'not-found', status);
    case status !== undefined && status >= 500:
      return fail(`GitHub failed with ${status}`, 'unavailable', status, write);
    default:
      return fail(`GitHub refused it: ${githubReason(error)}`, 'invalid', status);
  }
}
