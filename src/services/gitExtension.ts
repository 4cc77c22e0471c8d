import * as vscode from 'vscode';

/**
 * The part of VS Code's built-in git extension API (`vscode.git`, API version 1) AutoPM
 * uses. The extension ships no types package; these follow its `git.d.ts`.
 */
export interface GitRemote {
  readonly name: string;
  readonly fetchUrl?: string;
  readonly pushUrl?: string;
}

export interface GitRepositoryState {
  readonly remotes: readonly GitRemote[];
  readonly HEAD?: { readonly name?: string; readonly commit?: string };
  readonly onDidChange: vscode.Event<void>;
}

export interface GitRepository {
  readonly rootUri: vscode.Uri;
  readonly state: GitRepositoryState;
}

export interface GitApi {
  readonly git: { readonly path: string };
  readonly repositories: readonly GitRepository[];
  getRepository(uri: vscode.Uri): GitRepository | null;
  readonly onDidOpenRepository: vscode.Event<GitRepository>;
}

export interface GitExtension {
  readonly enabled: boolean;
  readonly onDidChangeEnablement: vscode.Event<boolean>;
  getAPI(version: 1): GitApi;
}

/** The git extension, activated; undefined when it is not installed. */
export async function loadGitExtension(): Promise<GitExtension | undefined> {
  const extension = vscode.extensions.getExtension<GitExtension>('vscode.git');
  if (!extension) return undefined;
  return extension.isActive ? extension.exports : await extension.activate();
}
