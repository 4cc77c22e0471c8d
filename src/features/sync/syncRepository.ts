import type * as vscode from 'vscode';
import type { RemoteRepository } from '../../core/gitRemote';
import { parseRemoteUrl, pickRemote } from '../../core/gitRemote';
import type { GitApi, GitRepository } from '../../services/gitExtension';
import { loadGitExtension } from '../../services/gitExtension';

export type RepositoryLookup =
  | { readonly found: true; readonly repository: RemoteRepository & { readonly remote: string } }
  | { readonly found: false; readonly reason: string };

/**
 * The GitHub repository of a workspace folder, from its git remotes as VS Code's git
 * extension knows them. Never a guess: several remotes with neither `origin` nor
 * `upstream`, or none on the host, is a reason to stop, in words the user can act on.
 */
export async function repositoryOf(folder: vscode.WorkspaceFolder, host: string, preferred?: string): Promise<RepositoryLookup> {
  let git;
  try {
    git = await loadGitExtension();
  } catch (error) {
    return { found: false, reason: `VS Code's git extension could not start: ${(error as Error).message}` };
  }
  if (!git) return { found: false, reason: "VS Code's git extension is not installed." };
  if (!git.enabled) return { found: false, reason: 'Git is turned off in VS Code (the "git.enabled" setting).' };
  const api = git.getAPI(1);
  const repository = api.getRepository(folder.uri) ?? (await waitForRepository(api, folder.uri));
  if (!repository) return { found: false, reason: `${folder.name} is not in a git repository.` };
  const remotes = repository.state.remotes;
  if (remotes.length === 0) return { found: false, reason: `The git repository of ${folder.name} has no remote.` };
  // The repository the folder already syncs with, when one of its remotes names it.
  const named = preferred === undefined ? undefined : remotes.find((r) => {
    const parsed = parseRemoteUrl(r.fetchUrl ?? r.pushUrl ?? '');
    return parsed !== undefined && parsed.host === host.toLowerCase() && `${parsed.owner}/${parsed.name}`.toLowerCase() === preferred.toLowerCase();
  });
  const picked = named ? { ...parseRemoteUrl(named.fetchUrl ?? named.pushUrl ?? '')!, remote: named.name } : pickRemote(remotes, host);
  if (!picked) {
    const names = remotes.map((r) => `${r.name} (${r.fetchUrl ?? r.pushUrl ?? 'no URL'})`).join(', ');
    return { found: false, reason: `No remote of ${folder.name} names one repository on ${host}: ${names}.` };
  }
  return { found: true, repository: picked };
}

/** The git extension opens repositories after it activates: give it a moment. */
function waitForRepository(api: GitApi, uri: vscode.Uri): Promise<GitRepository | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      listener.dispose();
      resolve(api.getRepository(uri));
    }, 3000);
    const listener = api.onDidOpenRepository(() => {
      const found = api.getRepository(uri);
      if (found) {
        clearTimeout(timer);
        listener.dispose();
        resolve(found);
      }
    });
  });
}
