import * as vscode from 'vscode';
import { Commands } from '../../common/commands';
import { ActiveTask } from '../../services/activeTask';
import type { ExternalOpener } from '../../services/externalOpener';
import type { Notifier } from '../../services/notifier';
import type { PlanWorkspace } from '../../services/planWorkspace';
import type { GitHubAuth } from '../sync/githubAuth';
import { ActiveTaskStatusBar } from './activeTaskStatusBar';
import { DevLoop } from './devLoop';
import { handToClaudeCode } from './handoffCommand';
import { createPullRequestForEpic } from './pullRequestCommand';

export interface DevLoopRegistration {
  readonly devLoop: DevLoop;
  readonly activeTask: ActiveTask;
  readonly activeTaskStatusBar: ActiveTaskStatusBar;
}

export interface DevLoopRegistrationServices {
  readonly workspace: PlanWorkspace;
  readonly notifier: Notifier;
  readonly links: ExternalOpener;
  readonly log: vscode.LogOutputChannel;
  readonly auth: GitHubAuth;
  readonly version: string;
}

/** The development loop: what Start, Complete and Reopen do around the file, the active task, the hand-off to Claude Code and the epic's pull request. */
export function registerDevLoop(context: vscode.ExtensionContext, services: DevLoopRegistrationServices): DevLoopRegistration {
  const activeTask = new ActiveTask(services.workspace, context.workspaceState);
  const devLoop = new DevLoop({ ...services, activeTask });
  const activeTaskStatusBar = new ActiveTaskStatusBar(activeTask);
  context.subscriptions.push(
    activeTask,
    devLoop,
    activeTaskStatusBar,
    vscode.commands.registerCommand(Commands.handToClaudeCode, (arg?: unknown) => handToClaudeCode({ ...services, activeTask }, arg)),
    vscode.commands.registerCommand(Commands.createPullRequest, (arg?: unknown) => createPullRequestForEpic(services, arg)),
  );
  return { devLoop, activeTask, activeTaskStatusBar };
}
