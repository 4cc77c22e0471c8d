import * as vscode from 'vscode';
import { Disposable } from '../../common/lifecycle';
import { createGitHubTracker } from '../../services/github/githubTracker';
import type { PlanWorkspace } from '../../services/planWorkspace';
import type { Tracker, TrackerIssue } from '../../services/tracker';
import type { GitHubAuth } from './githubAuth';
import { githubEndpoint } from './githubAuth';
import { repositoryOf } from './syncRepository';

/** `#12`, and an issue address (`…/owner/name/issues/12`), which names its repository. */
const ISSUE_REFERENCE = /#(\d+)\b|\/([\w.-]+)\/([\w.-]+)\/issues\/(\d+)\b/g;
/** How long a folder's repository, as its git remote names it, is trusted. */
const REPOSITORY_TTL_MS = 60_000;

interface Cached {
  readonly etag: string | undefined;
  readonly issue: TrackerIssue;
}

/**
 * Hovers on `#12` in plan files show the issue as GitHub has it now: its state (and why it
 * was closed), labels, assignees and when it last changed. Only with an account VS Code
 * already has: a hover never asks anyone to sign in. Every hover asks again, conditionally,
 * so an unchanged issue costs GitHub a 304 and no rate limit.
 */
export class IssueHovers extends Disposable implements vscode.HoverProvider {
  private readonly issues = new Map<string, Cached>();
  private readonly repositories = new Map<string, { at: number; owner: string; name: string } | undefined>();
  private readonly trackers = new Map<string, Tracker>();

  constructor(
    private readonly workspace: PlanWorkspace,
    private readonly auth: GitHubAuth,
    private readonly version: string,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    // Another account may see other repositories: nothing known under the old one is kept.
    this._register(
      auth.onDidChange(() => {
        this.issues.clear();
        this.trackers.clear();
      }),
    );
  }

  async provideHover(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    if (!this.workspace.epicForDocument(document.uri)) return undefined;
    const line = document.lineAt(position.line).text;
    let number: number | undefined;
    let range: vscode.Range | undefined;
    let linked: { owner: string; name: string } | undefined;
    ISSUE_REFERENCE.lastIndex = 0;
    for (let match = ISSUE_REFERENCE.exec(line); match; match = ISSUE_REFERENCE.exec(line)) {
      if (position.character < match.index || position.character > match.index + match[0].length) continue;
      number = Number(match[1] ?? match[4]);
      linked = match[4] ? { owner: match[2], name: match[3] } : undefined;
      range = new vscode.Range(position.line, match.index, position.line, match.index + match[0].length);
    }
    if (number === undefined || !range) return undefined;
    const folder = vscode.workspace.getWorkspaceFolder(document.uri);
    if (!folder) return undefined;
    const endpoint = githubEndpoint();
    // An address names its own repository; `#12` means the folder's.
    const repository = linked ?? (await this.repository(folder, endpoint.host));
    if (!repository || token.isCancellationRequested) return undefined;
    const session = await this.auth.silentSession(endpoint);
    if (!session || token.isCancellationRequested) return undefined;

    const key = `${endpoint.apiUrl}#${repository.owner}/${repository.name}#${number}`;
    const trackerKey = `${endpoint.apiUrl}#${repository.owner}/${repository.name}#${session.id}`;
    let tracker = this.trackers.get(trackerKey);
    if (!tracker) {
      tracker = createGitHubTracker({
        owner: repository.owner,
        repo: repository.name,
        log: (l) => this.log.debug(`[GitHub] ${l}`),
        client: { token: session.accessToken, version: this.version, baseUrl: endpoint.apiUrl, timeoutMs: 5_000, maxWaitSeconds: 0 },
      });
      this.trackers.set(trackerKey, tracker);
    }
    const controller = new AbortController();
    const cancelled = token.onCancellationRequested(() => controller.abort());
    try {
      const cached = this.issues.get(key);
      const answer = await tracker.getIssue(number, cached?.etag, controller.signal);
      const issue = answer.changed ? answer.value : cached?.issue;
      if (!issue) return undefined;
      if (answer.changed) this.issues.set(key, { etag: answer.etag, issue });
      return new vscode.Hover(issueMarkdown(issue, `${repository.owner}/${repository.name}`), range);
    } catch (error) {
      // A hover that cannot reach GitHub says nothing rather than something stale or alarming.
      this.log.debug(`[GitHub] hover on #${number}: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    } finally {
      cancelled.dispose();
    }
  }

  private async repository(folder: vscode.WorkspaceFolder, host: string) {
    const key = `${folder.uri.toString()}#${host}`;
    const known = this.repositories.get(key);
    if (known && Date.now() - known.at < REPOSITORY_TTL_MS) return known;
    const lookup = await repositoryOf(folder, host);
    const found = lookup.found ? { at: Date.now(), owner: lookup.repository.owner, name: lookup.repository.name } : undefined;
    if (found) this.repositories.set(key, found);
    return found;
  }
}

export function issueMarkdown(issue: TrackerIssue, repository: string): vscode.MarkdownString {
  const state =
    issue.state === 'open'
      ? '$(issue-opened) Open'
      : issue.stateReason === 'not_planned'
        ? '$(circle-slash) Closed as not planned'
        : issue.stateReason === 'duplicate'
          ? '$(issue-closed) Closed as a duplicate'
          : '$(issue-closed) Closed as completed';
  const markdown = new vscode.MarkdownString(undefined, true);
  markdown.appendMarkdown(`**[#${issue.number}](${issue.url})** `);
  markdown.appendText(issue.title);
  markdown.appendMarkdown(`\n\n${state} on GitHub · `);
  markdown.appendText(repository);
  const lines = [
    issue.labels.length > 0 ? `Labels: ${issue.labels.join(', ')}` : undefined,
    issue.assignees.length > 0 ? `Assigned to ${issue.assignees.join(', ')}` : undefined,
    `Updated ${issue.updatedAt.replace('T', ' ').replace(/(:\d\d)?Z$/, ' UTC')}`,
  ];
  for (const line of lines) {
    if (!line) continue;
    markdown.appendMarkdown('\n\n');
    markdown.appendText(line);
  }
  return markdown;
}
