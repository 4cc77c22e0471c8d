import * as vscode from 'vscode';
import { pullRequestFor, pullRequestReadiness } from '../../core/devloop/pullRequest';
import { prdOfEpic } from '../../core/progress';
import type { ExternalOpener } from '../../services/externalOpener';
import type { GitRepository } from '../../services/gitExtension';
import type { Notifier } from '../../services/notifier';
import type { EpicEntry, PlanWorkspace } from '../../services/planWorkspace';
import type { TrackerPullRequest } from '../../services/tracker';
import { TrackerError } from '../../services/tracker';
import { epicOrPick } from '../presentation';
import type { GitHubAuth } from '../sync/githubAuth';
import { connectToGitHub } from '../sync/githubConnection';
import { branchExists, gitErrorMessage, repositoryOf } from './gitRepository';

/** The GitHub Pull Requests extension, which shows a pull request in the editor. */
export const PULL_REQUESTS_EXTENSION_ID = 'github.vscode-pull-request-github';

export interface PullRequestServices {
  readonly workspace: PlanWorkspace;
  readonly notifier: Notifier;
  readonly links: ExternalOpener;
  readonly log: vscode.LogOutputChannel;
  readonly auth: GitHubAuth;
  readonly version: string;
}

export type PullRequestOutcome =
  | { readonly outcome: 'created' | 'exists'; readonly number: number; readonly url: string; readonly head: string; readonly base: string }
  | { readonly outcome: 'cancelled' | 'failed'; readonly message: string };

/** The preview's first line holds the title, so the user edits both in one place. */
const TITLE_PREFIX = '# ';

/** The title and body the user left in the preview: the first line, then the rest. */
export function readPreview(text: string): { title: string; body: string } {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const first = lines[0] ?? '';
  const title = (first.startsWith(TITLE_PREFIX) ? first.slice(TITLE_PREFIX.length) : first).trim();
  const rest = lines.slice(1);
  while (rest.length > 0 && rest[0]!.trim() === '') rest.shift();
  return { title, body: rest.join('\n').trimEnd() + '\n' };
}

/**
 * Create Pull Request for Epic: from the epic's branch (`epic/<id>` when it exists, else
 * the current one) into the repository's default branch, with a description built from the
 * plan. The title and body open as an editable preview first; nothing is pushed or created
 * until the user says so. An open pull request from the same branch is offered instead of
 * a second one.
 */
export async function createPullRequestForEpic(services: PullRequestServices, arg?: unknown): Promise<PullRequestOutcome | undefined> {
  const { notifier, log } = services;
  const entry = await epicOrPick(services.workspace, arg, { title: 'Create Pull Request for Epic', empty: (m) => void notifier.info(m) });
  if (!entry) return undefined;
  const name = entry.epic.title || entry.epic.id;
  const fail = (message: string): PullRequestOutcome => {
    log.warn(`[PullRequest] ${entry.epic.id}: ${message}`);
    void notifier.error(message);
    return { outcome: 'failed', message };
  };

  const readiness = pullRequestReadiness(entry.epic, entry.analysis);
  if (entry.epic.tasks.length === 0) return fail(`${name} has no tasks: there is nothing for a pull request to close.`);
  if (!readiness.ready) {
    const go = 'Create Anyway';
    if ((await notifier.ask(`${readiness.warning ?? `${name} has tasks that are not done.`} Create the pull request anyway?`, go)) !== go) {
      return { outcome: 'cancelled', message: 'Not all tasks are done.' };
    }
  }

  const repository = await repositoryOf(entry.folder.folder.uri);
  if (!repository) return fail(`No pull request: ${entry.folder.folder.name} is not in a git repository that VS Code has open.`);
  const connected = await connectToGitHub(entry.folder.folder, services.auth, { interactive: true, version: services.version, log });
  if (!connected.connected) return fail(`No pull request: ${connected.reason}`);
  const { tracker, remote, fullName } = connected.connection;
  if (!tracker.createPullRequest || !tracker.findPullRequests) return fail('No pull request: this tracker cannot open pull requests.');

  let repo;
  try {
    repo = await tracker.repository();
  } catch (error) {
    return fail(`No pull request: GitHub did not describe ${fullName} (${messageOf(error)}).`);
  }
  const base = repo.defaultBranch ?? 'main';
  const head = await headBranch(repository, entry);
  if (!head) return fail('No pull request: git is not on a branch (a detached HEAD). Check out the epic\'s branch first.');
  if (head === base) return fail(`No pull request: the changes are on ${base}, the branch they would go into. Start the epic's tasks on a branch of their own.`);

  const open = await tracker.findPullRequests(head, { state: 'open' }).catch(() => []);
  if (open[0]) return offerExisting(services, entry, open[0], fullName);

  const prd = prdOfEpic(entry.epic, entry.folder.index.prds, entry.folder.index.allEpics);
  const draft = pullRequestFor({
    epic: entry.epic,
    analysis: entry.analysis,
    read: (path) => entry.folder.currentText(path),
    ...(prd ? { prd: { title: prd.title || prd.id, url: `${repo.url}/blob/${head.split('/').map(encodeURIComponent).join('/')}/${prd.path.split('/').map(encodeURIComponent).join('/')}` } } : {}),
  });

  const preview = await vscode.workspace.openTextDocument({ language: 'markdown', content: `${TITLE_PREFIX}${draft.title}\n\n${draft.body}` });
  await vscode.window.showTextDocument(preview, { preview: false });
  const create = 'Create Pull Request';
  const choice = await notifier.info(
    `Create a pull request on ${fullName} from ${head} into ${base}${draft.closes.length > 0 ? `, closing ${draft.closes.length} ${draft.closes.length === 1 ? 'issue' : 'issues'}` : ''}? Edit the title (the first line) and the description first if you like.`,
    create,
  );
  if (choice !== create) return { outcome: 'cancelled', message: 'The pull request was not created.' };
  const { title, body } = readPreview(preview.getText());
  if (!title) return fail('No pull request: the title (the preview\'s first line) is empty.');

  const pushed = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Pushing ${head} to ${remote}` }, () => push(repository, remote, head));
  if (pushed !== undefined) return fail(`No pull request: git could not push ${head} to ${remote} (${pushed}).`);

  let pr: TrackerPullRequest;
  try {
    pr = await tracker.createPullRequest({ title, body, head, base });
  } catch (error) {
    // A create that may have reached GitHub is looked for before anything is said.
    const found = error instanceof TrackerError && error.maybeCommitted ? (await tracker.findPullRequests(head, { state: 'open' }).catch(() => []))[0] : undefined;
    if (!found) return fail(`GitHub did not open the pull request: ${messageOf(error)}`);
    pr = found;
  }
  log.info(`[PullRequest] #${pr.number} from ${head} into ${base} for ${entry.epic.id}`);
  await closePreview(preview);
  // The offer to open it stays up for the user; the command is done.
  void show(services, pr, fullName, `Pull request #${pr.number} is open: ${pr.title}.`);
  return { outcome: 'created', number: pr.number, url: pr.url, head, base };
}

/** `epic/<id>` when the repository has it (the command-line tools' branch for an epic), else the current branch. */
async function headBranch(repository: GitRepository, entry: EpicEntry): Promise<string | undefined> {
  const epicBranch = `epic/${entry.epic.id}`;
  if (repository.state.HEAD?.name !== epicBranch && (await branchExists(repository, epicBranch))) return epicBranch;
  return repository.state.HEAD?.name;
}

/** Pushes the branch when GitHub may not have all of it; undefined when done, else git's reason. */
async function push(repository: GitRepository, remote: string, branch: string): Promise<string | undefined> {
  try {
    const state = await repository.getBranch(branch);
    if (state.upstream && state.ahead === 0) return undefined;
    await repository.push(remote, branch, !state.upstream);
    return undefined;
  } catch (error) {
    return gitErrorMessage(error);
  }
}

function offerExisting(services: PullRequestServices, entry: EpicEntry, pr: TrackerPullRequest, fullName: string): PullRequestOutcome {
  services.log.info(`[PullRequest] #${pr.number} from ${pr.head} is open already for ${entry.epic.id}`);
  void show(services, pr, fullName, `A pull request from ${pr.head} is open already: #${pr.number} ${pr.title}.`);
  return { outcome: 'exists', number: pr.number, url: pr.url, head: pr.head, base: pr.base };
}

/** Offers to open the pull request: in the GitHub Pull Requests extension when it is installed, else on GitHub. */
async function show(services: PullRequestServices, pr: TrackerPullRequest, fullName: string, message: string): Promise<void> {
  const inEditor = vscode.extensions.getExtension(PULL_REQUESTS_EXTENSION_ID) !== undefined;
  const open = inEditor ? 'Open in Editor' : 'Open on GitHub';
  const choice = await services.notifier.info(message, open);
  if (choice !== open) return;
  if (!inEditor) {
    await services.links.open(vscode.Uri.parse(pr.url));
    return;
  }
  const [owner, repo] = fullName.split('/');
  // The extension's own address for a pull request's description page.
  const query = JSON.stringify({ owner, repo, pullRequestNumber: pr.number });
  await services.links.openInWorkbench(vscode.Uri.from({ scheme: vscode.env.uriScheme, authority: PULL_REQUESTS_EXTENSION_ID, path: '/open-pull-request-webview', query }));
}

/** The preview is an untitled document: closed without the save prompt once its text is on GitHub. */
async function closePreview(preview: vscode.TextDocument): Promise<void> {
  if (preview.isClosed) return;
  await vscode.window.showTextDocument(preview);
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

