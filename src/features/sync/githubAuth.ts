import * as vscode from 'vscode';
import { Disposable } from '../../common/lifecycle';

/** Issues in private repositories need `repo`; `read:user` names the signed-in user. */
export const GITHUB_SCOPES: readonly string[] = ['repo', 'read:user'];

/** Where the GitHub API is, and which of VS Code's accounts signs in to it. */
export interface GitHubEndpoint {
  /** `github` for github.com, `github-enterprise` for a GitHub Enterprise Server. */
  readonly providerId: 'github' | 'github-enterprise';
  /** The host repositories live on, as git remotes name it. */
  readonly host: string;
  /** The REST API's address. */
  readonly apiUrl: string;
}

/**
 * A setting as the user set it, in their own settings only. The account's token goes to
 * these addresses: a repository's `.vscode/settings.json` must not be able to send it
 * elsewhere, so workspace and folder values are ignored.
 */
function userSetting(key: 'enterpriseUrl' | 'apiUrl'): string {
  const inspected = vscode.workspace.getConfiguration('autopm.github').inspect<string>(key);
  return (inspected?.globalValue ?? '').trim().replace(/\/+$/, '');
}

/** Reads the endpoint from the user's settings. */
export function githubEndpoint(): GitHubEndpoint {
  const enterprise = userSetting('enterpriseUrl');
  const apiUrl = userSetting('apiUrl');
  if (enterprise) {
    const host = safeHost(enterprise) ?? 'github.com';
    return { providerId: 'github-enterprise', host, apiUrl: apiUrl || `${enterprise}/api/v3` };
  }
  return { providerId: 'github', host: 'github.com', apiUrl: apiUrl || 'https://api.github.com' };
}

function safeHost(url: string): string | undefined {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * The GitHub session, from VS Code's own accounts: read silently, asked for only inside
 * something the user started, read again when the accounts change. The token is never
 * stored by AutoPM; it is asked of VS Code each time it is needed.
 */
export class GitHubAuth extends Disposable {
  private readonly _onDidChange = this._register(new vscode.EventEmitter<void>());
  /** The signed-in account may have changed (signed in, out, or another account). */
  readonly onDidChange = this._onDidChange.event;

  constructor() {
    super();
    this._register(
      vscode.authentication.onDidChangeSessions((event) => {
        if (event.provider.id === 'github' || event.provider.id === 'github-enterprise') this._onDidChange.fire();
      }),
    );
  }

  /** A session without asking, or undefined when the user has not signed in. */
  async silentSession(endpoint: GitHubEndpoint): Promise<vscode.AuthenticationSession | undefined> {
    try {
      return await vscode.authentication.getSession(endpoint.providerId, [...GITHUB_SCOPES], { silent: true });
    } catch {
      // No such provider (GitHub Enterprise without its address set): not signed in.
      return undefined;
    }
  }

  /**
   * A session, asking the user to sign in when there is none. Only for commands the user
   * ran: a prompt out of nowhere is not acceptable. Undefined when the user declines.
   */
  async session(endpoint: GitHubEndpoint): Promise<vscode.AuthenticationSession | undefined> {
    const silent = await this.silentSession(endpoint);
    if (silent) return silent;
    try {
      return await vscode.authentication.getSession(endpoint.providerId, [...GITHUB_SCOPES], { createIfNone: true });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // VS Code rejects with a "cancelled" message when the user closes the sign-in.
      if (/cancel/i.test(message)) return undefined;
      throw new Error(
        endpoint.providerId === 'github-enterprise'
          ? `Could not sign in to GitHub Enterprise (${message}). Check the "github-enterprise.uri" setting.`
          : `Could not sign in to GitHub: ${message}`,
        { cause: error },
      );
    }
  }
}
