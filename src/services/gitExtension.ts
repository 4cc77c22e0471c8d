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

export interface GitBranch {
  readonly name?: string;
  readonly commit?: string;
  readonly upstream?: { readonly remote: string; readonly name: string; readonly commit?: string };
  readonly ahead?: number;
  readonly behind?: number;
}

export interface GitChange {
  readonly uri: vscode.Uri;
}

export interface GitCommit {
  readonly hash: string;
  readonly message: string;
  readonly authorDate?: Date;
}

export interface GitRepositoryState {
  readonly remotes: readonly GitRemote[];
  readonly HEAD?: GitBranch;
  readonly workingTreeChanges: readonly GitChange[];
  readonly indexChanges: readonly GitChange[];
  readonly mergeChanges: readonly GitChange[];
  /** Newer versions list untracked files apart from the working tree's changes. */
  readonly untrackedChanges?: readonly GitChange[];
  readonly onDidChange: vscode.Event<void>;
}

export interface GitRepository {
  readonly rootUri: vscode.Uri;
  readonly state: GitRepositoryState;
  /** The Source Control view's commit message box. */
  readonly inputBox: { value: string };
  getBranch(name: string): Promise<GitBranch>;
  createBranch(name: string, checkout: boolean, ref?: string): Promise<void>;
  checkout(treeish: string): Promise<void>;
  log(options?: { readonly maxEntries?: number; readonly range?: string; readonly path?: string }): Promise<GitCommit[]>;
  push(remoteName?: string, branchName?: string, setUpstream?: boolean): Promise<void>;
  /** Reads the repository's state again (after changes made outside the extension). */
  status(): Promise<void>;
}

export interface GitApi {
  readonly git: { readonly path: string };
  readonly repositories: readonly GitRepository[];
  getRepository(uri: vscode.Uri): GitRepository | null;
  readonly onDidOpenRepository: vscode.Event<GitRepository>;
  /** `initialized` once the extension has looked for the workspace's repositories. */
  readonly state: 'uninitialized' | 'initialized';
  readonly onDidChangeState: vscode.Event<'uninitialized' | 'initialized'>;
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
