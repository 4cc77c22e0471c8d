import * as vscode from 'vscode';
import { GITHUB_LIMITS } from '../../core/sync/limits';
import type { SyncLimits } from '../../core/sync/limits';
import { parseSyncState } from '../../core/sync/syncState';
import { createGitHubTracker } from '../../services/github/githubTracker';
import type { Tracker } from '../../services/tracker';
import type { GitHubAuth, GitHubEndpoint } from './githubAuth';
import { githubEndpoint } from './githubAuth';
import { repositoryOf } from './syncRepository';
import { WorkspaceSyncStateStore } from './workspaceSyncAccess';

/** A workspace folder's GitHub repository, reachable with the signed-in account. */
export interface GitHubConnection {
  readonly endpoint: GitHubEndpoint;
  readonly owner: string;
  readonly name: string;
  /** `owner/name`. */
  readonly fullName: string;
  /** The git remote that names the repository, to push to. */
  readonly remote: string;
  readonly tracker: Tracker;
  /** GitHub's limits, with the spacing between writes the environment asks for. */
  readonly limits: SyncLimits;
  /** A rate limit makes a request wait this long first: for the progress shown to the user. */
  readonly onDidWait: vscode.Event<{ readonly seconds: number; readonly message: string }>;
}

export type ConnectionResult =
  | { readonly connected: true; readonly connection: GitHubConnection }
  /** `signedOut`: no account (and, when interactive, the user declined to sign in). */
  | { readonly connected: false; readonly reason: string; readonly signedOut?: boolean };

/**
 * `AUTOPM_GITHUB_WRITE_INTERVAL_MS`: the least time between writes, for servers other than
 * GitHub's (a test server). GitHub asks for a second, three for writes that notify people.
 */
function writeSpacing(): number | undefined {
  const text = process.env.AUTOPM_GITHUB_WRITE_INTERVAL_MS?.trim();
  const ms = text ? Number(text) : NaN;
  return Number.isInteger(ms) && ms >= 0 ? ms : undefined;
}

/** The repository `.autopm/sync.json` names, if it can be read. */
async function recordedRepository(folder: vscode.WorkspaceFolder): Promise<string | undefined> {
  try {
    return parseSyncState(await new WorkspaceSyncStateStore(folder.uri).load()).repository;
  } catch {
    // A broken state file is reported by the engine, with its own words.
    return undefined;
  }
}

/**
 * Connects a folder to its repository: the git remote (the one naming the repository the
 * folder already syncs with, if any), then the account (asked for
 * interactively only when `interactive`: inside a command the user ran), then a tracker.
 */
export async function connectToGitHub(
  folder: vscode.WorkspaceFolder,
  auth: GitHubAuth,
  options: { readonly interactive: boolean; readonly version: string; readonly log: vscode.LogOutputChannel },
): Promise<ConnectionResult> {
  const endpoint = githubEndpoint();
  const lookup = await repositoryOf(folder, endpoint.host, await recordedRepository(folder));
  if (!lookup.found) return { connected: false, reason: lookup.reason };
  const { owner, name } = lookup.repository;
  let session: vscode.AuthenticationSession | undefined;
  try {
    session = options.interactive ? await auth.session(endpoint) : await auth.silentSession(endpoint);
  } catch (error) {
    return { connected: false, reason: error instanceof Error ? error.message : String(error), signedOut: true };
  }
  if (!session) return { connected: false, reason: `Sign in to ${endpoint.providerId === 'github' ? 'GitHub' : 'GitHub Enterprise'} first.`, signedOut: true };
  const spacing = writeSpacing();
  const { log } = options;
  const waits = new vscode.EventEmitter<{ seconds: number; message: string }>();
  const tracker = createGitHubTracker({
    owner,
    repo: name,
    log: (line) => log.info(`[GitHub] ${line}`),
    client: {
      token: session.accessToken,
      version: options.version,
      baseUrl: endpoint.apiUrl,
      ...(spacing === undefined ? {} : { minWriteIntervalMs: spacing }),
      onWait: (seconds, why) => {
        const message = `Waiting ${Math.ceil(seconds)} s for GitHub's ${why === 'secondary-rate-limit' ? 'secondary rate limit' : 'rate limit'}`;
        log.warn(`[GitHub] ${message}`);
        waits.fire({ seconds, message });
      },
    },
  });
  return {
    connected: true,
    connection: {
      endpoint,
      owner,
      name,
      fullName: `${owner}/${name}`,
      remote: lookup.repository.remote,
      tracker,
      limits: spacing === undefined ? GITHUB_LIMITS : { ...GITHUB_LIMITS, writeIntervalMs: spacing },
      onDidWait: waits.event,
    },
  };
}
