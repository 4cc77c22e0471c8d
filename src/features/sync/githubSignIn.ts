import * as vscode from 'vscode';
import { Commands, ContextKeys } from '../../common/commands';
import type { Notifier } from '../../services/notifier';
import type { GitHubAuth } from './githubAuth';
import { githubEndpoint } from './githubAuth';

export interface GitHubSignInServices {
  readonly auth: GitHubAuth;
  readonly notifier: Notifier;
  readonly log: vscode.LogOutputChannel;
}

/**
 * Sign in to GitHub, and the context key that says whether AutoPM has an account to use.
 * The key is read silently, so it never prompts, and it follows every way of signing in or
 * out (this command, a sync, VS Code's Accounts menu) and a change of the Enterprise
 * address, so the walkthrough's step completes however the user signed in.
 *
 * It is not read at start: VS Code completes a walkthrough step on a context key only when
 * the key changes after the walkthrough is registered, and one already true by then never
 * completes its step. Left unset, it turns true on the first sign-in, or when this command
 * finds the account the user already had.
 */
export function registerGitHubSignIn(context: vscode.ExtensionContext, services: GitHubSignInServices): void {
  const { auth, notifier, log } = services;
  let latest = 0;
  const update = async (): Promise<void> => {
    const check = ++latest;
    const session = await auth.silentSession(githubEndpoint());
    // Checks can overlap (accounts that change during a sign-in): only the newest may set the key.
    if (check === latest) await vscode.commands.executeCommand('setContext', ContextKeys.githubSignedIn, session !== undefined);
  };
  context.subscriptions.push(
    auth.onDidChange(() => void update()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('autopm.github.enterpriseUrl')) void update();
    }),
    vscode.commands.registerCommand(Commands.signInToGitHub, async (): Promise<string | undefined> => {
      try {
        const session = await auth.session(githubEndpoint());
        if (!session) return undefined;
        // VS Code announces a new session on its own time; the key must not wait for it.
        await update();
        void vscode.window.setStatusBarMessage(`$(github) Signed in to GitHub as ${session.account.label}`, 4000);
        return session.account.label;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        log.warn(`[GitHub] sign-in failed: ${message}`);
        void notifier.error(message);
        return undefined;
      }
    }),
  );
}
