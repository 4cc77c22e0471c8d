import * as vscode from 'vscode';
import { Commands } from '../../common/commands';
import { ActiveTask } from '../../services/activeTask';
import { ActiveTaskStatusBar } from './activeTaskStatusBar';
import { DevLoop } from './devLoop';
import { handToClaudeCode } from './handoffCommand';
import type { PullRequestServices } from './pullRequestCommand';
import { createPullRequestForEpic } from './pullRequestCommand';

export interface DevLoopRegistration {
  readonly devLoop: DevLoop;
  readonly activeTask: ActiveTask;
  readonly activeTaskStatusBar: ActiveTaskStatusBar;
}

/** What the loop's commands need: the pull request's services are all of it. */
export type DevLoopRegistrationServices = PullRequestServices;

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
