/**
 * GitHub's JSON for what the model holds, following the `issue`, `pull-request`,
 * `pull-request-simple`, `label`, `milestone`, `issue-comment`, `full-repository` and
 * `simple-user` schemas of GitHub's OpenAPI description (as `@octokit/openapi-types`
 * carries it). Fields a client could not tell apart from their defaults (reactions,
 * apps, reviews) are given empty values.
 */
import { DEFAULT_BRANCH } from './model';
import type { RepositoryModel, StoredComment, StoredIssue, StoredLabel, StoredMilestone } from './model';

export interface RenderContext {
  /** The API's base, e.g. `http://127.0.0.1:1234` (GitHub: `https://api.github.com`). */
  readonly apiUrl: string;
  /** The web base for `html_url` (GitHub: `https://github.com`). */
  readonly htmlUrl: string;
  readonly owner: string;
  readonly repo: string;
  readonly repoId: number;
  readonly model: RepositoryModel;
  readonly userId: (login: string) => number;
}

export function renderUser(ctx: RenderContext, login: string): Record<string, unknown> {
  const id = ctx.userId(login);
  const url = `${ctx.apiUrl}/users/${login}`;
  return {
    login,
    id,
    node_id: `U_kgDO${Buffer.from(String(id)).toString('base64url')}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: '',
    url,
    html_url: `${ctx.htmlUrl}/${login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: 'User',
    user_view_type: 'public',
    site_admin: false,
  };
}

export function renderLabel(ctx: RenderContext, label: StoredLabel): Record<string, unknown> {
  return {
    id: label.id,
    node_id: label.nodeId,
    url: `${repoApi(ctx)}/labels/${encodeURIComponent(label.name)}`,
    name: label.name,
    color: label.color,
    default: false,
    description: label.description,
  };
}

/**
 * A milestone as GitHub renders it, alone and as an issue's `milestone`. Its web address
 * is `/{owner}/{repo}/milestone/{number}`, as GitHub's webhook examples show it (the
 * OpenAPI example's `/milestones/v1.0` is not what github.com answers). The counts
 * include pull requests, as GitHub's do.
 */
export function renderMilestone(ctx: RenderContext, milestone: StoredMilestone): Record<string, unknown> {
  const url = `${repoApi(ctx)}/milestones/${milestone.number}`;
  const items = ctx.model.milestoneItems(milestone);
  return {
    url,
    html_url: `${ctx.htmlUrl}/${ctx.owner}/${ctx.repo}/milestone/${milestone.number}`,
    labels_url: `${url}/labels`,
    id: milestone.id,
    node_id: milestone.nodeId,
    number: milestone.number,
    title: milestone.title,
    description: milestone.description,
    creator: renderUser(ctx, milestone.creator),
    open_issues: items.filter((i) => i.state === 'open').length,
    closed_issues: items.filter((i) => i.state === 'closed').length,
    state: milestone.state,
    created_at: milestone.createdAt,
    updated_at: milestone.updatedAt,
    due_on: milestone.dueOn,
    closed_at: milestone.closedAt,
  };
}

export function renderIssue(ctx: RenderContext, issue: StoredIssue): Record<string, unknown> {
  const { model } = ctx;
  const url = `${repoApi(ctx)}/issues/${issue.number}`;
  const children = model.subIssues(issue);
  const completed = children.filter((c) => c.state === 'closed').length;
  const blockers = model.blockedBy(issue);
  const blocked = model.blocking(issue);
  const parent = model.parentOf(issue);
  const milestone = issue.milestone === null ? undefined : model.milestone(issue.milestone);
  const web = `${ctx.htmlUrl}/${ctx.owner}/${ctx.repo}/${issue.isPullRequest ? 'pull' : 'issues'}/${issue.number}`;
  const json: Record<string, unknown> = {
    url,
    repository_url: repoApi(ctx),
    labels_url: `${url}/labels{/name}`,
    comments_url: `${url}/comments`,
    events_url: `${url}/events`,
    html_url: web,
    id: issue.id,
    node_id: issue.nodeId,
    number: issue.number,
    title: issue.title,
    user: renderUser(ctx, issue.user),
    labels: issue.labels.map((name) => renderLabel(ctx, model.label(name)!)),
    state: issue.state,
    locked: false,
    assignee: issue.assignees.length > 0 ? renderUser(ctx, issue.assignees[0]) : null,
    assignees: issue.assignees.map((login) => renderUser(ctx, login)),
    milestone: milestone ? renderMilestone(ctx, milestone) : null,
    comments: issue.comments,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_at: issue.closedAt,
    author_association: issue.user === ctx.owner ? 'OWNER' : 'COLLABORATOR',
    type: null,
    active_lock_reason: null,
    body: issue.body,
    closed_by: issue.closedBy === null ? null : renderUser(ctx, issue.closedBy),
    reactions: {
      url: `${url}/reactions`,
      total_count: 0,
      '+1': 0,
      '-1': 0,
      laugh: 0,
      hooray: 0,
      confused: 0,
      heart: 0,
      rocket: 0,
      eyes: 0,
    },
    timeline_url: `${url}/timeline`,
    performed_via_github_app: null,
    state_reason: issue.stateReason,
    sub_issues_summary: {
      total: children.length,
      completed,
      percent_completed: children.length === 0 ? 0 : Math.floor((completed * 100) / children.length),
    },
    issue_dependencies_summary: {
      // The plain counts are the open ones: what still blocks, what is still held up.
      blocked_by: blockers.filter((b) => b.state === 'open').length,
      blocking: blocked.filter((b) => b.state === 'open').length,
      total_blocked_by: blockers.length,
      total_blocking: blocked.length,
    },
    parent_issue_url: parent ? `${repoApi(ctx)}/issues/${parent.number}` : null,
  };
  if (issue.isPullRequest) {
    json.draft = issue.pull?.draft ?? false;
    json.pull_request = {
      url: `${repoApi(ctx)}/pulls/${issue.number}`,
      html_url: web,
      diff_url: `${web}.diff`,
      patch_url: `${web}.patch`,
      merged_at: issue.pull?.mergedAt ?? null,
    };
  }
  return json;
}

export interface PullRequestShape {
  /**
   * The `pull-request` schema of a single pull request (merge state, counts) rather
   * than the `pull-request-simple` one that lists carry.
   */
  readonly full: boolean;
  /**
   * Just opened: GitHub works out mergeability in the background, so the answer to the
   * create says `mergeable: null` and `mergeable_state: 'unknown'`; reads after it know.
   */
  readonly fresh?: boolean;
}

/** A pull request as `/pulls` renders it; `issue.pull` must be set. */
export function renderPullRequest(ctx: RenderContext, flags: RepositoryFlags, issue: StoredIssue, shape: PullRequestShape): Record<string, unknown> {
  const pull = issue.pull!;
  const { model } = ctx;
  const api = repoApi(ctx);
  const url = `${api}/pulls/${issue.number}`;
  const web = `${ctx.htmlUrl}/${ctx.owner}/${ctx.repo}/pull/${issue.number}`;
  const milestone = issue.milestone === null ? undefined : model.milestone(issue.milestone);
  const repository = renderRepository(ctx, flags);
  const end = (ref: string, sha: string): Record<string, unknown> => ({
    label: `${ctx.owner}:${ref}`,
    ref,
    sha,
    user: renderUser(ctx, ctx.owner),
    repo: repository,
  });
  const json: Record<string, unknown> = {
    url,
    id: pull.pullId,
    node_id: issue.nodeId,
    html_url: web,
    diff_url: `${web}.diff`,
    patch_url: `${web}.patch`,
    issue_url: `${api}/issues/${issue.number}`,
    commits_url: `${url}/commits`,
    review_comments_url: `${url}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${issue.number}/comments`,
    statuses_url: `${api}/statuses/${pull.headSha}`,
    number: issue.number,
    state: issue.state,
    locked: false,
    title: issue.title,
    user: renderUser(ctx, issue.user),
    body: issue.body,
    labels: issue.labels.map((name) => renderLabel(ctx, model.label(name)!)),
    milestone: milestone ? renderMilestone(ctx, milestone) : null,
    active_lock_reason: null,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_at: issue.closedAt,
    merged_at: pull.mergedAt,
    merge_commit_sha: null,
    assignee: issue.assignees.length > 0 ? renderUser(ctx, issue.assignees[0]) : null,
    assignees: issue.assignees.map((login) => renderUser(ctx, login)),
    requested_reviewers: [],
    requested_teams: [],
    head: end(pull.head, pull.headSha),
    base: end(pull.base, pull.baseSha),
    _links: {
      self: { href: url },
      html: { href: web },
      issue: { href: `${api}/issues/${issue.number}` },
      comments: { href: `${api}/issues/${issue.number}/comments` },
      review_comments: { href: `${url}/comments` },
      review_comment: { href: `${api}/pulls/comments{/number}` },
      commits: { href: `${url}/commits` },
      statuses: { href: `${api}/statuses/${pull.headSha}` },
    },
    author_association: issue.user === ctx.owner ? 'OWNER' : 'COLLABORATOR',
    auto_merge: null,
    draft: pull.draft,
  };
  if (!shape.full) return json;
  const open = issue.state === 'open';
  return {
    ...json,
    merged: pull.mergedAt !== null,
    mergeable: shape.fresh || !open ? null : true,
    rebaseable: shape.fresh || !open ? null : true,
    mergeable_state: shape.fresh || !open ? 'unknown' : pull.draft ? 'draft' : 'clean',
    merged_by: pull.mergedAt === null ? null : renderUser(ctx, issue.closedBy ?? issue.user),
    comments: issue.comments,
    review_comments: 0,
    maintainer_can_modify: pull.maintainerCanModify,
    commits: pull.commits,
    // The diff's size is made up from the commit count: the server holds no file contents.
    additions: pull.commits * 12,
    deletions: pull.commits * 3,
    changed_files: pull.commits,
  };
}

export function renderComment(ctx: RenderContext, comment: StoredComment): Record<string, unknown> {
  return {
    url: `${repoApi(ctx)}/issues/comments/${comment.id}`,
    html_url: `${ctx.htmlUrl}/${ctx.owner}/${ctx.repo}/issues/${comment.issueNumber}#issuecomment-${comment.id}`,
    issue_url: `${repoApi(ctx)}/issues/${comment.issueNumber}`,
    id: comment.id,
    node_id: comment.nodeId,
    user: renderUser(ctx, comment.user),
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    author_association: comment.user === ctx.owner ? 'OWNER' : 'COLLABORATOR',
    body: comment.body,
    reactions: { url: `${repoApi(ctx)}/issues/comments/${comment.id}/reactions`, total_count: 0 },
    performed_via_github_app: null,
  };
}

export interface RepositoryFlags {
  readonly hasIssues: boolean;
  readonly permissions: { admin: boolean; maintain: boolean; push: boolean; triage: boolean; pull: boolean };
  readonly createdAt: string;
}

export function renderRepository(ctx: RenderContext, flags: RepositoryFlags): Record<string, unknown> {
  const url = repoApi(ctx);
  const open = ctx.model.allIssues().filter((i) => i.state === 'open').length;
  return {
    id: ctx.repoId,
    node_id: `R_kgDO${Buffer.from(String(ctx.repoId)).toString('base64url')}`,
    name: ctx.repo,
    full_name: `${ctx.owner}/${ctx.repo}`,
    private: true,
    owner: renderUser(ctx, ctx.owner),
    html_url: `${ctx.htmlUrl}/${ctx.owner}/${ctx.repo}`,
    description: null,
    fork: false,
    url,
    issues_url: `${url}/issues{/number}`,
    labels_url: `${url}/labels{/name}`,
    issue_comment_url: `${url}/issues/comments{/number}`,
    issue_events_url: `${url}/issues/events{/number}`,
    pulls_url: `${url}/pulls{/number}`,
    milestones_url: `${url}/milestones{/number}`,
    git_url: `git://${new URL(ctx.htmlUrl).host}/${ctx.owner}/${ctx.repo}.git`,
    ssh_url: `git@${new URL(ctx.htmlUrl).host}:${ctx.owner}/${ctx.repo}.git`,
    clone_url: `${ctx.htmlUrl}/${ctx.owner}/${ctx.repo}.git`,
    homepage: null,
    language: 'TypeScript',
    forks_count: 0,
    stargazers_count: 0,
    watchers_count: 0,
    size: 0,
    default_branch: DEFAULT_BRANCH,
    open_issues_count: open,
    is_template: false,
    topics: [],
    has_issues: flags.hasIssues,
    has_projects: true,
    has_wiki: false,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: false,
    disabled: false,
    visibility: 'private',
    pushed_at: flags.createdAt,
    created_at: flags.createdAt,
    updated_at: flags.createdAt,
    permissions: { ...flags.permissions },
    allow_forking: true,
    web_commit_signoff_required: false,
    subscribers_count: 1,
    network_count: 0,
    license: null,
    forks: 0,
    open_issues: open,
    watchers: 0,
  };
}

function repoApi(ctx: RenderContext): string {
  return `${ctx.apiUrl}/repos/${ctx.owner}/${ctx.repo}`;
}
