/**
 * What the sync engine needs from an issue tracker: issues, sub-issues, dependencies,
 * labels and comments, and (optionally) assignees and pull requests for the
 * development loop. GitHub is the one implementation today; the engine never sees
 * Octokit, so another tracker (Azure DevOps Boards) can be added without touching it.
 *
 * Every method takes an `AbortSignal`: cancelling a sync aborts the request in flight.
 */

export type IssueState = 'open' | 'closed';

/** Why a closed issue was closed, as GitHub spells it. */
export type StateReason = 'completed' | 'not_planned' | 'reopened' | 'duplicate';

export interface TrackerIssue {
  /** The tracker's numeric id: what sub-issue and dependency links name. Not the number. */
  readonly id: number;
  /** The number users see (`#12`). */
  readonly number: number;
  readonly title: string;
  readonly body: string;
  readonly state: IssueState;
  readonly stateReason: StateReason | null;
  readonly labels: readonly string[];
  readonly assignees: readonly string[];
  /** ISO time of the last change on the tracker. */
  readonly updatedAt: string;
  /** The issue's web address. */
  readonly url: string;
  /** The milestone the issue is in, when the tracker has milestones and it is in one. */
  readonly milestone?: TrackerMilestone;
  /** How many sub-issues the issue has, when the tracker says and there are any. */
  readonly subIssues?: number;
}

export interface TrackerMilestone {
  readonly number: number;
  readonly title: string;
}

export interface TrackerComment {
  readonly id: number;
  readonly body: string;
  /** The author's login. */
  readonly author: string;
  /** ISO time the comment was made. */
  readonly createdAt: string;
}

export interface TrackerRepository {
  /** `owner/name`. */
  readonly fullName: string;
  readonly url: string;
  readonly hasIssues: boolean;
  /** Push, triage, maintain or admin permission: enough to create, label and close issues. */
  readonly canWrite: boolean;
  /** The branch pull requests go into unless told otherwise, when the tracker has branches. */
  readonly defaultBranch?: string;
}

export interface NewIssue {
  readonly title: string;
  readonly body: string;
  readonly labels: readonly string[];
}

export interface IssuePatch {
  readonly title?: string;
  readonly body?: string;
  readonly state?: IssueState;
  readonly stateReason?: StateReason;
  readonly labels?: readonly string[];
  readonly assignees?: readonly string[];
}

export interface NewPullRequest {
  readonly title: string;
  readonly body: string;
  /** The branch the changes are on (a ref name, such as `feature/login`). */
  readonly head: string;
  /** The branch they are to be merged into. */
  readonly base: string;
  readonly draft?: boolean;
}

export interface TrackerPullRequest {
  readonly number: number;
  /** The tracker's numeric id of the pull request: neither its number nor its issue's id. */
  readonly id: number;
  /** The pull request's web address. */
  readonly url: string;
  readonly title: string;
  readonly body: string;
  readonly state: 'open' | 'closed';
  readonly merged: boolean;
  readonly draft: boolean;
  /** The head branch's ref name. */
  readonly head: string;
  /** The base branch's ref name. */
  readonly base: string;
}

export interface LabelSpec {
  readonly name: string;
  /** Six hex digits, without `#`. */
  readonly color: string;
  readonly description?: string;
}

/** The answer to a conditional read: unchanged since the tag, or the new value and tag. */
export type Conditional<T> =
  | { readonly changed: false; readonly etag: string }
  | { readonly changed: true; readonly etag: string | undefined; readonly value: T };

export interface Tracker {
  repository(signal?: AbortSignal): Promise<TrackerRepository>;
  /** The signed-in user's login. */
  currentUser(signal?: AbortSignal): Promise<string>;

  /**
   * Every issue of the repository, open and closed, pull requests left out, page by page.
   * `since` keeps issues updated at or after that time. This is how lost creates are
   * found again after a failure: listing is consistent at once, search lags.
   */
  listIssues(options: { readonly since?: string; readonly labels?: readonly string[] }, signal?: AbortSignal): Promise<TrackerIssue[]>;
  getIssue(number: number, etag: string | undefined, signal?: AbortSignal): Promise<Conditional<TrackerIssue>>;
  /**
   * Creates an issue. Never retried by the client: a create the server committed before
   * failing would become a duplicate. A failure here is `TrackerError` with
   * `maybeCommitted` set when the request may have reached the server.
   */
  createIssue(issue: NewIssue, signal?: AbortSignal): Promise<TrackerIssue>;
  updateIssue(number: number, patch: IssuePatch, signal?: AbortSignal): Promise<TrackerIssue>;

  listLabels(signal?: AbortSignal): Promise<string[]>;
  /** Creates the label unless one of that name exists, whatever its case. */
  ensureLabel(label: LabelSpec, signal?: AbortSignal): Promise<void>;
  addLabels(number: number, labels: readonly string[], signal?: AbortSignal): Promise<void>;
  removeLabel(number: number, label: string, signal?: AbortSignal): Promise<void>;

  listSubIssues(parent: number, signal?: AbortSignal): Promise<TrackerIssue[]>;
  /** Links `childId` (an issue's `id`, not its number) under the parent's number. */
  addSubIssue(parent: number, childId: number, signal?: AbortSignal): Promise<void>;
  /** Moves a sub-issue right after another (`afterId`), to keep plan order. */
  reorderSubIssue(parent: number, childId: number, afterId: number, signal?: AbortSignal): Promise<void>;

  /** The issues that block this one. */
  listBlockedBy(number: number, signal?: AbortSignal): Promise<TrackerIssue[]>;
  /** Records that the issue `blockingId` (an `id`) blocks issue `number`. */
  addBlockedBy(number: number, blockingId: number, signal?: AbortSignal): Promise<void>;
  /**
   * Removes the record that `blockingId` (an `id`) blocks issue `number`. A link that is
   * not there fails as `not-found`, like a missing issue: the caller, which knows it
   * wanted the link gone, may count that as done. Optional: without it, a dependency
   * dropped from the plan stays on the tracker, and a sync says so.
   */
  removeBlockedBy?(number: number, blockingId: number, signal?: AbortSignal): Promise<void>;

  createComment(number: number, body: string, signal?: AbortSignal): Promise<void>;
  /**
   * The comments of an issue, oldest first. Optional: without it, a caller cannot tell
   * whether a comment it made before (in a run that failed) is there already.
   */
  listComments?(number: number, signal?: AbortSignal): Promise<TrackerComment[]>;

  /**
   * Adds assignees, keeping those the issue has. Logins that cannot be assigned are
   * ignored without an error, as GitHub ignores them: the answer's `assignees` say who
   * is assigned now.
   */
  addAssignees?(number: number, logins: readonly string[], signal?: AbortSignal): Promise<TrackerIssue>;
  /** Removes assignees; logins that are not assigned are ignored. */
  removeAssignees?(number: number, logins: readonly string[], signal?: AbortSignal): Promise<TrackerIssue>;

  /**
   * Never retried blind, like createIssue: a failure is TrackerError with maybeCommitted
   * when the request may have reached the server; the caller looks with
   * findPullRequests before trying again. A refusal (no commits between the branches,
   * one open already) is `invalid` with the tracker's own reason.
   */
  createPullRequest?(pr: NewPullRequest, signal?: AbortSignal): Promise<TrackerPullRequest>;
  /** Pull requests from the branch `head` (a ref name), open ones unless `state` says otherwise, newest first. */
  findPullRequests?(
    head: string,
    options?: { readonly state?: 'open' | 'closed' | 'all'; readonly base?: string },
    signal?: AbortSignal,
  ): Promise<TrackerPullRequest[]>;
}

export type TrackerErrorKind =
  /** The token is missing, expired or lacks a scope. */
  | 'auth'
  /** The repository, issue or feature does not exist or is not visible. */
  | 'not-found'
  /** The request was refused as invalid (422), including the tracker's limits. */
  | 'invalid'
  /** A rate limit whose wait is longer than the cap. */
  | 'rate-limited'
  /** A 5xx, a timeout or a dropped connection. */
  | 'unavailable'
  | 'cancelled';

export class TrackerError extends Error {
  constructor(
    message: string,
    readonly kind: TrackerErrorKind,
    /** The HTTP status, when there was an answer. */
    readonly status?: number,
    /** A write that may have been applied even though it failed (a 5xx, a timeout, a drop). */
    readonly maybeCommitted = false,
  ) {
    super(message);
    this.name = 'TrackerError';
  }
}
