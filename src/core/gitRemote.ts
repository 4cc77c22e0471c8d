/** A repository on a GitHub host, as a git remote names it. */
export interface RemoteRepository {
  /** `github.com`, or a GitHub Enterprise host. */
  readonly host: string;
  readonly owner: string;
  readonly name: string;
}

/**
 * Reads `owner/name` from a git remote URL in each form git accepts: `https://host/o/r.git`,
 * `ssh://git@host:22/o/r.git`, `git@host:o/r.git`, `git://host/o/r`. Undefined for anything
 * else (a local path, a URL with more or fewer path parts).
 */
export function parseRemoteUrl(url: string): RemoteRepository | undefined {
  const text = url.trim();
  let host: string;
  let path: string;
  const scp = /^(?:[\w.-]+@)?([\w.-]+):(?!\/\/)(.+)$/.exec(text);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    let parsed: URL;
    try {
      parsed = new URL(text);
    } catch {
      return undefined;
    }
    if (!['https:', 'http:', 'ssh:', 'git:', 'git+ssh:', 'ssh+git:'].includes(parsed.protocol)) return undefined;
    host = parsed.hostname;
    path = decodeURIComponent(parsed.pathname);
  } else if (scp && scp[1].length > 1) {
    // One letter before the colon is a Windows drive (`C:\repo`), not a host.
    host = scp[1];
    path = scp[2];
  } else {
    return undefined;
  }
  const parts = path.replace(/^\/+|\/+$/g, '').replace(/\.git$/, '').split('/');
  if (parts.length !== 2 || parts.some((p) => p === '' || !/^[\w.-]+$/.test(p))) return undefined;
  return { host: host.toLowerCase(), owner: parts[0], name: parts[1] };
}

/** `owner/name`, as `--repo` takes it. */
export function parseRepositoryName(text: string): { readonly owner: string; readonly name: string } | undefined {
  const match = /^([\w.-]+)\/([\w.-]+)$/.exec(text.trim());
  return match ? { owner: match[1], name: match[2].replace(/\.git$/, '') } : undefined;
}

export interface NamedRemote {
  readonly name: string;
  readonly fetchUrl?: string;
  readonly pushUrl?: string;
}

/**
 * The remote a sync should use: `upstream` is where a fork's issues live, but a team's own
 * plans are pushed to `origin`, so `origin` wins, then `upstream`, then the only one there is.
 * Remotes on other hosts than `host` are left out.
 */
export function pickRemote(remotes: readonly NamedRemote[], host = 'github.com'): (RemoteRepository & { readonly remote: string }) | undefined {
  const candidates = remotes
    .map((r) => ({ remote: r.name, parsed: parseRemoteUrl(r.fetchUrl ?? r.pushUrl ?? '') }))
    .filter((c): c is { remote: string; parsed: RemoteRepository } => c.parsed !== undefined && c.parsed.host === host.toLowerCase());
  const chosen = candidates.find((c) => c.remote === 'origin') ?? candidates.find((c) => c.remote === 'upstream') ?? (candidates.length === 1 ? candidates[0] : undefined);
  return chosen && { ...chosen.parsed, remote: chosen.remote };
}
