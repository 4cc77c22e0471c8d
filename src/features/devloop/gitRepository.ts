import type * as vscode from 'vscode';
import type { GitApi, GitRepository } from '../../services/gitExtension';
import { loadGitExtension } from '../../services/gitExtension';

/**
 * The git repository holding `uri`, as VS Code's git extension has it; undefined when git
 * is off, missing, or the folder is not in a repository. Until the extension has looked
 * for the workspace's repositories, this waits (at most `waitMs`) for it to find one.
 */
export async function repositoryOf(uri: vscode.Uri, waitMs = 3000): Promise<GitRepository | undefined> {
  let git;
  try {
    git = await loadGitExtension();
  } catch {
    return undefined;
  }
  if (!git?.enabled) return undefined;
  const api = git.getAPI(1);
  const found = api.getRepository(uri);
  if (found || api.state === 'initialized' || waitMs <= 0) return found ?? undefined;
  return (await waitForRepository(api, uri, waitMs)) ?? undefined;
}

function waitForRepository(api: GitApi, uri: vscode.Uri, waitMs: number): Promise<GitRepository | null> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      listeners.forEach((l) => l.dispose());
      resolve(api.getRepository(uri));
    };
    const timer = setTimeout(done, waitMs);
    const listeners = [
      api.onDidOpenRepository(() => {
        if (api.getRepository(uri)) done();
      }),
      api.onDidChangeState((state) => {
        if (state === 'initialized') done();
      }),
    ];
  });
}

/** Whether the repository has changes not committed: staged, unstaged, untracked or in a merge. */
export function hasUncommittedChanges(repository: GitRepository): boolean {
  const { state } = repository;
  return state.workingTreeChanges.length + state.indexChanges.length + state.mergeChanges.length + (state.untrackedChanges?.length ?? 0) > 0;
}

export async function branchExists(repository: GitRepository, name: string): Promise<boolean> {
  try {
    await repository.getBranch(name);
    return true;
  } catch {
    return false;
  }
}

/** The message of an error from the git extension: its stderr says more than its message. */
export function gitErrorMessage(error: unknown): string {
  const stderr = (error as { stderr?: unknown })?.stderr;
  const text = typeof stderr === 'string' && stderr.trim() ? stderr.trim() : error instanceof Error ? error.message : String(error);
  return text.replace(/^(fatal|error): /, '').split('\n')[0];
}
