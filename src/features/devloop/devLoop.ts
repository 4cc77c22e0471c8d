import * as vscode from 'vscode';
import { Commands } from '../../common/commands';
import { branchNameFor, DEFAULT_BRANCH_TEMPLATE } from '../../core/devloop/branchName';
import { commitMessageFor, withCommitMessage } from '../../core/devloop/commitMessage';
import type { TaskState } from '../../core/model';
import { taskLabel } from '../../core/taskText';
import type { ActiveTask } from '../../services/activeTask';
import type { GitRepository } from '../../services/gitExtension';
import type { Notifier } from '../../services/notifier';
import type { PlanWorkspace, TaskEntry } from '../../services/planWorkspace';
import type { TaskIssueResult } from '../../services/sync/issueActions';
import type { Tracker } from '../../services/tracker';
import { TrackerError } from '../../services/tracker';
import type { GitHubAuth } from '../sync/githubAuth';
import { connectToGitHub } from '../sync/githubConnection';
import type { TaskLifecycle } from '../tasks/taskCommands';
import { recommendedNext } from '../tasks/taskCommands';
import { branchExists, gitErrorMessage, hasUncommittedChanges, repositoryOf } from './gitRepository';
import { epicRef } from '../../core/model';

export interface DevLoopServices {
  readonly workspace: PlanWorkspace;
  readonly notifier: Notifier;
  readonly log: vscode.LogOutputChannel;
  readonly auth: GitHubAuth;
  readonly version: string;
  readonly activeTask: ActiveTask;
}

/** What Start Task prepared before the file was edited, for what comes after. */
interface Prepared {
  readonly branch?: string;
  readonly startCommit?: string;
}

/** A follow-up finished, for the tests and whoever waits on it. */
export interface FollowUpEvent {
  readonly taskId: string;
  readonly step: 'assigned' | 'commit-message' | 'closed' | 'reopened' | 'next-offered' | 'skipped';
  readonly detail?: string;
}

export const IN_PROGRESS_LABEL = 'in-progress';

/**
 * The development loop around Start, Complete and Reopen from the commands:
 * - Start: a branch for the task (created or checked out through VS Code's git extension,
 *   asking first when the working tree has changes), then, once the file says in
 *   progress, the task becomes the active one and its issue is assigned to the signed-in
 *   user and labelled `in-progress`.
 * - Complete: the Source Control message box gets the task's title and `Closes #N`; the
 *   user is offered to close the issue with a summary of the branch's commits, then the
 *   next task.
 * - Reopen: the user is offered to reopen the issue.
 * Nothing on GitHub happens before the file says so, and a failure on GitHub leaves the
 * file as the command left it, with a message saying what did not happen.
 */
export class DevLoop implements TaskLifecycle {
  private readonly prepared = new Map<string, Prepared>();
  private readonly _onDidFollowUp = new vscode.EventEmitter<FollowUpEvent>();
  readonly onDidFollowUp = this._onDidFollowUp.event;

  constructor(private readonly services: DevLoopServices) {}

  dispose(): void {
    this._onDidFollowUp.dispose();
  }

  async beforeChange(entry: TaskEntry, target: TaskState): Promise<boolean> {
    if (target !== 'in-progress') return true;
    const prepared = await this.prepareBranch(entry);
    if (!prepared) return false;
    this.prepared.set(keyOf(entry), prepared);
    return true;
  }

  async afterChange(entry: TaskEntry, target: TaskState): Promise<void> {
    switch (target) {
      case 'in-progress': {
        const prepared = this.prepared.get(keyOf(entry)) ?? {};
        this.prepared.delete(keyOf(entry));
        await this.services.activeTask.set(entry, prepared);
        // GitHub is told after the command has returned: the file is what the user asked for.
        void this.assignIssue(entry);
        return;
      }
      case 'done': {
        const repository = await repositoryOf(entry.folder.folder.uri, 0);
        if (repository) {
          repository.inputBox.value = withCommitMessage(repository.inputBox.value, commitMessageFor(entry.task, entry.epic));
          this.fire(entry, 'commit-message', repository.inputBox.value);
        }
        void this.afterComplete(entry, repository);
        return;
      }
      case 'open':
        if (entry.task.issue !== undefined && entry.task.state === 'done') void this.offerReopen(entry);
        return;
    }
  }

  private fire(entry: TaskEntry, step: FollowUpEvent['step'], detail?: string): void {
    this._onDidFollowUp.fire({ taskId: entry.task.id, step, ...(detail !== undefined ? { detail } : {}) });
  }

  /** The task's branch, on and checked out; undefined when the user said no or git failed. */
  private async prepareBranch(entry: TaskEntry): Promise<Prepared | undefined> {
    const { notifier, log } = this.services;
    const config = vscode.workspace.getConfiguration('autopm.git', entry.folder.folder.uri);
    if (!config.get<boolean>('createBranch', true)) return {};
    const repository = await repositoryOf(entry.folder.uriOf(entry.task.path));
    if (!repository) {
      log.info(`[DevLoop] ${entry.folder.folder.name} is not in a git repository that VS Code has open: no branch for ${entry.task.id}`);
      return {};
    }
    const label = taskLabel(entry.task);
    const template = config.get<string>('branchName')?.trim() || DEFAULT_BRANCH_TEMPLATE;
    const named = branchNameFor(template, entry.epic, entry.task);
    if ('error' in named) {
      void notifier.error(`Could not start ${label}: the branch name setting (autopm.git.branchName) ${named.error}`);
      return undefined;
    }
    const name = named.name;
    const head = repository.state.HEAD;
    const startCommit = head?.commit;
    if (head?.name === name) return { branch: name, ...(startCommit ? { startCommit } : {}) };
    const exists = await branchExists(repository, name);
    if (hasUncommittedChanges(repository)) {
      const take = 'Take Them Along';
      const without = 'Start Without a Branch';
      const choice = await notifier.ask(`The working tree has uncommitted changes. Take them to ${exists ? 'the branch' : 'a new branch'} ${name} and start ${label}?`, take, without);
      if (choice === without) return {};
      if (choice !== take) return undefined;
    }
    try {
      if (exists) await repository.checkout(name);
      else await repository.createBranch(name, true);
    } catch (error) {
      void notifier.error(`Could not start ${label}: git could not ${exists ? 'check out' : 'create'} the branch ${name} (${gitErrorMessage(error)}); nothing was changed.`);
      return undefined;
    }
    log.info(`[DevLoop] ${exists ? 'checked out' : 'created'} ${name} for ${entry.epic.id}:${entry.task.id}`);
    return { branch: name, ...(startCommit ? { startCommit } : {}) };
  }

  /** Connects without asking to sign in: a follow-up is never worth a sign-in prompt. */
  private async tracker(entry: TaskEntry): Promise<Tracker | string> {
    const connected = await connectToGitHub(entry.folder.folder, this.services.auth, { interactive: false, version: this.services.version, log: this.services.log });
    return connected.connected ? connected.connection.tracker : connected.reason;
  }

  private async assignIssue(entry: TaskEntry): Promise<void> {
    const { notifier, log } = this.services;
    const number = entry.task.issue;
    if (number === undefined || !vscode.workspace.getConfiguration('autopm.github', entry.folder.folder.uri).get<boolean>('assignOnStart', true)) return;
    const tracker = await this.tracker(entry);
    if (typeof tracker === 'string') {
      log.info(`[DevLoop] #${number} not assigned: ${tracker}`);
      this.fire(entry, 'skipped', tracker);
      return;
    }
    const label = inProgressLabel(entry);
    try {
      const login = await tracker.currentUser();
      if (tracker.addAssignees) await tracker.addAssignees(number, [login]);
      else {
        const current = await tracker.getIssue(number, undefined);
        const assignees = current.changed ? current.value.assignees : [];
        if (!assignees.includes(login)) await tracker.updateIssue(number, { assignees: [...assignees, login] });
      }
      await tracker.ensureLabel({ name: label, color: 'fbca04', description: 'Being worked on' });
      await tracker.addLabels(number, [label]);
      log.info(`[DevLoop] #${number} assigned to ${login} and labelled ${label}`);
      this.fire(entry, 'assigned', login);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      log.warn(`[DevLoop] #${number} not assigned: ${why}`);
      void notifier.warn(`${taskLabel(entry.task)} was started, but GitHub did not assign #${number}: ${why}`);
      this.fire(entry, 'skipped', why);
    }
  }

  /** Offers to close the issue (with the commits since the task started), then the next task. */
  private async afterComplete(entry: TaskEntry, repository: GitRepository | undefined): Promise<void> {
    const { notifier } = this.services;
    const number = entry.task.issue;
    if (number !== undefined) {
      const close = 'Close Issue';
      const choice = await notifier.info(`${taskLabel(entry.task)} is done. Close #${number} on GitHub, with a comment on the work?`, close);
      if (choice === close) {
        const summary = await this.workSummary(entry, repository);
        const result = await vscode.commands.executeCommand<TaskIssueResult | undefined>(Commands.closeIssue, {
          ref: { folder: entry.folder.key, epicPath: epicRef(entry.epic), taskId: entry.task.id },
          ...(summary ? { summary } : {}),
        });
        if (result?.outcome === 'done') {
          await this.removeInProgressLabel(entry, number);
          this.fire(entry, 'closed', String(number));
        }
      }
    }
    await this.offerNext(entry);
  }

  private async removeInProgressLabel(entry: TaskEntry, number: number): Promise<void> {
    const tracker = await this.tracker(entry);
    if (typeof tracker === 'string') return;
    try {
      await tracker.removeLabel(number, inProgressLabel(entry));
    } catch (error) {
      // A label that was never there is what the close wanted anyway.
      if (!(error instanceof TrackerError && error.kind === 'not-found')) this.services.log.warn(`[DevLoop] #${number} keeps its ${inProgressLabel(entry)} label: ${String(error)}`);
    }
  }

  /** The branch and the commits made on it since the task started, as markdown for the comment. */
  private async workSummary(entry: TaskEntry, repository: GitRepository | undefined): Promise<string | undefined> {
    const record = this.services.activeTask.recordOf(entry);
    if (!repository || !record?.startCommit) return undefined;
    try {
      const commits = await repository.log({ range: `${record.startCommit}..HEAD`, maxEntries: 50 });
      const branch = record.branch ?? repository.state.HEAD?.name;
      const lines = commits.map((c) => `- ${c.hash.slice(0, 7)} ${c.message.split('\n')[0]}`);
      const count = commits.length === 1 ? '1 commit' : `${commits.length} commits`;
      return [`${count} since the task started${branch ? ` on \`${branch}\`` : ''}${lines.length > 0 ? ':' : '.'}`, ...lines].join('\n');
    } catch (error) {
      this.services.log.warn(`[DevLoop] could not read the commits of ${entry.task.id}: ${gitErrorMessage(error)}`);
      return undefined;
    }
  }

  private async offerNext(done: TaskEntry): Promise<void> {
    const next = recommendedNext(this.services.workspace, done.folder);
    if (!next) {
      this.fire(done, 'next-offered', '');
      return;
    }
    const start = 'Start Task';
    const open = 'Open Task';
    const promise = this.services.notifier.info(`Next: ${taskLabel(next.entry.task)}. ${next.reason}`, start, open);
    this.fire(done, 'next-offered', next.entry.task.id);
    const choice = await promise;
    const ref = { folder: next.entry.folder.key, epicPath: epicRef(next.entry.epic), taskId: next.entry.task.id };
    if (choice === start) await vscode.commands.executeCommand(Commands.startTask, ref);
    else if (choice === open) await vscode.commands.executeCommand(Commands.showNextTask, ref);
  }

  private async offerReopen(entry: TaskEntry): Promise<void> {
    const number = entry.task.issue!;
    const reopen = 'Reopen Issue';
    const choice = await this.services.notifier.info(`${taskLabel(entry.task)} is open again. Reopen #${number} on GitHub too?`, reopen);
    if (choice !== reopen) return;
    const result = await vscode.commands.executeCommand<TaskIssueResult | undefined>(Commands.reopenIssue, { ref: { folder: entry.folder.key, epicPath: epicRef(entry.epic), taskId: entry.task.id } });
    if (result?.outcome === 'done') this.fire(entry, 'reopened', String(number));
  }
}

function keyOf(entry: TaskEntry): string {
  return `${entry.folder.key}#${epicRef(entry.epic)}#${entry.task.id}`;
}

function inProgressLabel(entry: TaskEntry): string {
  return vscode.workspace.getConfiguration('autopm.github.labels', entry.folder.folder.uri).get<string>('inProgress')?.trim() || IN_PROGRESS_LABEL;
}
