// What the tests of the GitHub sync engines share: a workspace's files as text, and the
// real GitHub tracker pointed at the local server.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createGitHubTracker } from '../../src/services/github/githubTracker';
import type { Tracker } from '../../src/services/tracker';
import type { GitHubServer } from '../servers/github/server';

/** Every file under `root`, by its path relative to it (with `/`), as text. */
export function filesOf(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else out.set(relative(root, path).split('\\').join('/'), readFileSync(path, 'utf8'));
    }
  };
  walk(root);
  return out;
}

/** The real tracker against the local server: short timeouts and retries, writes unspaced. */
export function trackerOf(s: GitHubServer): Tracker {
  return createGitHubTracker({
    owner: s.owner,
    repo: s.repo,
    client: { token: s.token, version: '0.0.0-test', baseUrl: s.url, timeoutMs: 2_000, retryDelayUnitMs: 1, minWriteIntervalMs: 0 },
  });
}
