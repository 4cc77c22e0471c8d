// What the tests of the GitHub sync engines share: a workspace's files as text, and the
// real GitHub tracker pointed at the local server.
import { createGitHubTracker } from '../../src/services/github/githubTracker';
import type { Tracker } from '../../src/services/tracker';
import type { GitHubServer } from '../servers/github/server';

export { filesOf } from './helpers';

/** The real tracker against the local server: short timeouts and retries, writes unspaced. */
export function trackerOf(s: GitHubServer): Tracker {
  return createGitHubTracker({
    owner: s.owner,
    repo: s.repo,
    client: { token: s.token, version: '0.0.0-test', baseUrl: s.url, timeoutMs: 2_000, retryDelayUnitMs: 1, minWriteIntervalMs: 0 },
  });
}
