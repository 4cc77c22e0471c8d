/**
 * The repository the local GitHub server holds: issues and pull requests (one number
 * sequence, as on GitHub), branches, labels, milestones (a number sequence of their
 * own), comments, sub-issue links and blocked-by links.
 * Nothing here knows about HTTP; `routes.ts` turns requests into calls on it and
 * `render.ts` turns what it holds into GitHub's JSON.
 */

import { createHash } from 'node:crypto';

export type IssueState = 'open' | 'closed';
export type StateReason = 'completed' | 'not_planned' | 'reopened' | 'duplicate';
export type MilestoneState = 'open' | 'closed';

export interface StoredLabel {
  readonly id: number;
  readonly nodeId: string;
  /** As first written: GitHub keeps the case it was created with. */
  name: string;
  color: string;
  description: string | null;
}

export interface StoredMilestone {
  /** GitHub's database id: large, and unrelated to the number. */
  readonly id: number;
  readonly nodeId: string;
  /** What the API addresses it by (`/milestones/{number}`, `milestone` on an issue). */
  readonly number: number;
  title: string;
  description: string | null;
  state: MilestoneState;
  dueOn: string | null;
  readonly creator: string;
  readonly createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

export interface SeedMilestone {
  readonly state?: MilestoneState;
  readonly description?: string | null;
  /** ISO time, e.g. `2026-06-30T00:00:00Z`. */
  readonly dueOn?: string | null;
  readonly creator?: string;
  readonly createdAt?: string;
}

/** The branch every repository starts with, and what `default_branch` reports. */
export const DEFAULT_BRANCH = 'main';

export interface StoredBranch {
  readonly name: string;
  /** The commit at its tip: 40 hex digits. */
  readonly sha: string;
  /** How many commits it has that the default branch lacks; 0 for the default branch itself. */
  readonly commitsAhead: number;
}

/** What a pull request has beyond the issue it also is. */
export interface StoredPullRequestDetails {
  /** The pull request's own database id: neither its number nor the id of its issue, as on GitHub. */
  readonly pullId: number;
  /** The branch the changes come from (a ref name in this repository). */
  readonly head: string;
  readonly headSha: string;
  /** The branch the changes are to be merged into. */
  readonly base: string;
  readonly baseSha: string;
  /** How many commits the head has over the base when the pull request was opened. */
  readonly commits: number;
  draft: boolean;
  readonly maintainerCanModify: boolean;
  mergedAt: string | null;
}

export interface StoredComment {
  readonly id: number;
  readonly nodeId: string;
  readonly issueNumber: number;
  readonly body: string;
  readonly user: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface StoredIssue {
  /** GitHub's database id: large, and unrelated to the number. */
  readonly id: number;
  readonly nodeId: string;
  readonly number: number;
  readonly isPullRequest: boolean;
  title: string;
  body: string | null;
  state: IssueState;
  stateReason: StateReason | null;
  /** Label names, in the case the label was created with. */
  labels: string[];
  assignees: string[];
  /** The number of the milestone the issue is in, or null. */
  milestone: number | null;
  readonly user: string;
  readonly createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  closedBy: string | null;
  comments: number;
  /** The parent's `id`, when this issue is a sub-issue. */
  parentId: number | null;
  /** Children's `id`s, in their priority order. */
  subIssueIds: number[];
  /** The `id`s of the issues that block this one. */
  blockedByIds: number[];
  /** Present on pull requests only. */
  readonly pull?: StoredPullRequestDetails;
}

export interface SeedIssue {
  readonly title?: string;
  readonly body?: string | null;
  readonly state?: IssueState;
  readonly stateReason?: StateReason | null;
  readonly labels?: readonly string[];
  readonly assignees?: readonly string[];
  /** The number of a milestone the repository has (see `seedMilestone`). */
  readonly milestone?: number;
  readonly user?: string;
  readonly createdAt?: string;
  readonly updatedAt?: string;
}

export interface SeedPullRequest extends SeedIssue {
  /** The head branch's name; `patch-{number}` unless told. It need not have been seeded. */
  readonly head?: string;
  /** The base branch's name; the default branch unless told. */
  readonly base?: string;
  readonly draft?: boolean;
  readonly maintainerCanModify?: boolean;
  /** Closed by merging; only with `state: 'closed'`. */
  readonly merged?: boolean;
}

/** GitHub's documented cap: "You can add up to 100 sub-issues per parent issue". */
export const MAX_SUB_ISSUES = 100;
/** GitHub's cap on issue dependencies: 50 per relationship type (blocked by, blocking). */
export const MAX_DEPENDENCIES = 50;
/** "create up to eight levels of nested sub-issues". */
export const MAX_SUB_ISSUE_DEPTH = 8;

/** What a refused change answers: the status and GitHub's error document. */
export class GitHubHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body.message));
  }
}

/** Seconds-precision ISO time, as GitHub writes it (`2011-04-22T13:33:48Z`). */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export class RepositoryModel {
  private readonly byNumber = new Map<number, StoredIssue>();
  private readonly byId = new Map<number, StoredIssue>();
  /** Keyed by the lower-cased name: label names are unique regardless of case. */
  private readonly labelsByKey = new Map<string, StoredLabel>();
  private readonly commentList: StoredComment[] = [];
  private readonly milestonesByNumber = new Map<number, StoredMilestone>();
  private readonly branchesByName = new Map<string, StoredBranch>();
  private lastNumber = 0;
  private lastMilestoneNumber = 0;
  // Ids start far from any issue number and grow by uneven steps, so that code which
  // mixes up `id` and `number` fails here the way it fails on GitHub.
  private nextIssueId = 2_147_483_000 + 4_093;
  private nextLabelId = 6_012_345_000;
  private nextCommentId = 2_598_000_000;
  private nextMilestoneId = 13_004_000;
  private nextPullId = 1_912_000_000 + 577;
  private commitsMade = 0;

  constructor(
    private readonly now: () => number,
    private readonly defaultUser: string,
  ) {
    this.createBranch(DEFAULT_BRANCH, 0);
  }

  // ---- issues -------------------------------------------------------------------

  allIssues(): StoredIssue[] {
    return [...this.byNumber.values()];
  }

  issue(number: number): StoredIssue | undefined {
    return this.byNumber.get(number);
  }

  issueById(id: number): StoredIssue | undefined {
    return this.byId.get(id);
  }

  createIssue(seed: SeedIssue): StoredIssue {
    return this.add(seed, () => undefined);
  }

  /** A pull request: the next number of the issue sequence, and an id of its own besides. */
  createPullRequest(seed: SeedPullRequest): StoredIssue {
    return this.add(seed, (number) => {
      const head = seed.head ?? `patch-${number}`;
      const base = seed.base ?? DEFAULT_BRANCH;
      const pullId = this.nextPullId;
      this.nextPullId += 1_013 + ((number * 4_271) % 89);
      const state = seed.state ?? 'open';
      return {
        pullId,
        head,
        headSha: this.branch(head)?.sha ?? this.commitSha(head),
        base,
        baseSha: this.branch(base)?.sha ?? this.commitSha(base),
        commits: Math.max(1, this.branch(head)?.commitsAhead ?? 1),
        draft: seed.draft ?? false,
        maintainerCanModify: seed.maintainerCanModify ?? true,
        mergedAt: state === 'closed' && seed.merged ? (seed.updatedAt ?? seed.createdAt ?? isoSeconds(this.now())) : null,
      };
    });
  }

  /** Open pull requests from `head` into `base`. */
  openPullRequests(head: string, base: string): StoredIssue[] {
    return this.allIssues().filter((i) => i.pull && i.state === 'open' && i.pull.head === head && i.pull.base === base);
  }

  private add(seed: SeedIssue, pull: (number: number) => StoredPullRequestDetails | undefined): StoredIssue {
    const number = ++this.lastNumber;
    const details = pull(number);
    const isPullRequest = details !== undefined;
    const id = this.nextIssueId;
    this.nextIssueId += 1_009 + ((number * 7_919) % 97);
    const created = seed.createdAt ?? isoSeconds(this.now());
    const state = seed.state ?? 'open';
    const issue: StoredIssue = {
      id,
      nodeId: `${isPullRequest ? 'PR' : 'I'}_kwDOAbCd${Buffer.from(String(id)).toString('base64url')}`,
      number,
      isPullRequest,
      title: seed.title ?? `Issue ${number}`,
      body: seed.body === undefined ? null : seed.body,
      state,
      stateReason: state === 'closed' ? (seed.stateReason ?? 'completed') : (seed.stateReason ?? null),
      labels: (seed.labels ?? []).map((name) => this.ensureLabelNamed(name).name),
      assignees: [...(seed.assignees ?? [])],
      milestone: seed.milestone ?? null,
      user: seed.user ?? this.defaultUser,
      createdAt: created,
      updatedAt: seed.updatedAt ?? created,
      closedAt: state === 'closed' ? (seed.updatedAt ?? created) : null,
      closedBy: state === 'closed' ? (seed.user ?? this.defaultUser) : null,
      comments: 0,
      parentId: null,
      subIssueIds: [],
      blockedByIds: [],
      ...(details ? { pull: details } : {}),
    };
    this.byNumber.set(number, issue);
    this.byId.set(id, issue);
    return issue;
  }

  /**
   * Marks a change: `updated_at` moves forward on every change, by at least a second,
   * so that two changes within one second still give two different times (GitHub's
   * times have seconds precision, and a client compares them to notice changes).
   */
  touch(issue: StoredIssue): void {
    issue.updatedAt = this.after(issue.updatedAt);
  }

  /** Now, or a second after `previous` when now is not later than that. */
  private after(previous: string): string {
    return isoSeconds(Math.max(this.now(), Date.parse(previous) + 1000));
  }

  // ---- branches -----------------------------------------------------------------

  branches(): StoredBranch[] {
    return [...this.branchesByName.values()];
  }

  /** Git ref names are case-sensitive, and so is this. */
  branch(name: string): StoredBranch | undefined {
    return this.branchesByName.get(name);
  }

  createBranch(name: string, commitsAhead: number): StoredBranch {
    const branch: StoredBranch = { name, sha: this.commitSha(name), commitsAhead };
    this.branchesByName.set(name, branch);
    return branch;
  }

  /** A commit id of the right shape, different every time. */
  private commitSha(seed: string): string {
    this.commitsMade += 1;
    return createHash('sha1').update(`${seed}\n${this.commitsMade}`).digest('hex');
  }

  // ---- labels -------------------------------------------------------------------

  labels(): StoredLabel[] {
    return [...this.labelsByKey.values()];
  }

  label(name: string): StoredLabel | undefined {
    return this.labelsByKey.get(name.toLowerCase());
  }

  createLabel(name: string, color: string, description: string | null): StoredLabel {
    const label: StoredLabel = {
      id: this.nextLabelId,
      nodeId: `LA_kwDOAbCd${Buffer.from(String(this.nextLabelId)).toString('base64url')}`,
      name,
      color,
      description,
    };
    this.nextLabelId += 317;
    this.labelsByKey.set(name.toLowerCase(), label);
    return label;
  }

  /**
   * The label of that name, created when missing: adding an unknown label to an issue
   * creates it on GitHub (with the colour GitHub gives labels made this way).
   */
  ensureLabelNamed(name: string): StoredLabel {
    return this.label(name) ?? this.createLabel(name, 'ededed', null);
  }

  // ---- milestones ---------------------------------------------------------------

  milestones(): StoredMilestone[] {
    return [...this.milestonesByNumber.values()];
  }

  milestone(number: number): StoredMilestone | undefined {
    return this.milestonesByNumber.get(number);
  }

  milestoneTitled(title: string): StoredMilestone | undefined {
    return this.milestones().find((m) => m.title === title);
  }

  createMilestone(title: string, seed: SeedMilestone = {}): StoredMilestone {
    const number = ++this.lastMilestoneNumber;
    const id = this.nextMilestoneId;
    this.nextMilestoneId += 2_311 + ((number * 613) % 89);
    const created = seed.createdAt ?? isoSeconds(this.now());
    const state = seed.state ?? 'open';
    const milestone: StoredMilestone = {
      id,
      nodeId: `MI_kwDOAbCd${Buffer.from(String(id)).toString('base64url')}`,
      number,
      title,
      description: seed.description ?? null,
      state,
      dueOn: seed.dueOn ?? null,
      creator: seed.creator ?? this.defaultUser,
      createdAt: created,
      updatedAt: created,
      closedAt: state === 'closed' ? created : null,
    };
    this.milestonesByNumber.set(number, milestone);
    return milestone;
  }

  /** The issues and pull requests in the milestone: GitHub counts both in its totals. */
  milestoneItems(milestone: StoredMilestone): StoredIssue[] {
    return this.allIssues().filter((i) => i.milestone === milestone.number);
  }

  /** Marks a change of the milestone itself, as `touch` does for an issue. */
  touchMilestone(milestone: StoredMilestone): void {
    milestone.updatedAt = this.after(milestone.updatedAt);
  }

  // ---- comments -----------------------------------------------------------------

  comments(issueNumber: number): StoredComment[] {
    return this.commentList.filter((c) => c.issueNumber === issueNumber);
  }

  addComment(issue: StoredIssue, body: string, user: string): StoredComment {
    const at = isoSeconds(this.now());
    const comment: StoredComment = {
      id: this.nextCommentId,
      nodeId: `IC_kwDOAbCd${Buffer.from(String(this.nextCommentId)).toString('base64url')}`,
      issueNumber: issue.number,
      body,
      user,
      createdAt: at,
      updatedAt: at,
    };
    this.nextCommentId += 53;
    this.commentList.push(comment);
    issue.comments += 1;
    this.touch(issue);
    return comment;
  }

  // ---- relationships --------------------------------------------------------------

  subIssues(parent: StoredIssue): StoredIssue[] {
    return parent.subIssueIds.map((id) => this.byId.get(id)!);
  }

  parentOf(issue: StoredIssue): StoredIssue | undefined {
    return issue.parentId === null ? undefined : this.byId.get(issue.parentId);
  }

  /** How many levels sit above the issue: 0 for an issue without a parent. */
  depth(issue: StoredIssue): number {
    let depth = 0;
    for (let at = this.parentOf(issue); at; at = this.parentOf(at)) depth += 1;
    return depth;
  }

  /** How many levels of sub-issues hang below the issue: 0 for a leaf. */
  height(issue: StoredIssue): number {
    let height = 0;
    for (const child of this.subIssues(issue)) height = Math.max(height, 1 + this.height(child));
    return height;
  }

  isAncestor(candidate: StoredIssue, of: StoredIssue): boolean {
    for (let at = this.parentOf(of); at; at = this.parentOf(at)) if (at.id === candidate.id) return true;
    return false;
  }

  blockedBy(issue: StoredIssue): StoredIssue[] {
    return issue.blockedByIds.map((id) => this.byId.get(id)!);
  }

  blocking(issue: StoredIssue): StoredIssue[] {
    return this.allIssues().filter((other) => other.blockedByIds.includes(issue.id));
  }
}
