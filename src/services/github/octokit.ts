/**
 * The one place an Octokit is built: `@octokit/rest` with the retry and throttling
 * plugins, AutoPM's user agent, a per-attempt timeout, rate-limit waits up to a cap
 * (each one reported), and one log line per HTTP exchange. Nothing else in the
 * extension constructs an Octokit.
 */
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import type { ThrottlingOptions } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';

/** Octokit with the plugins applied. Throttling is applied last, so it sees every answer after retry has. */
export const GitHubOctokit = Octokit.plugin(retry, throttling);
export type GitHubOctokit = InstanceType<typeof GitHubOctokit>;

/** Why a request is being held back before it is sent again. */
export type WaitReason = 'rate-limit' | 'secondary-rate-limit';

export interface GitHubClientOptions {
  /** The session's access token; it is sent as `Authorization: token …` and never logged. */
  readonly token: string;
  /** The extension's version, for the user agent `autopm-vscode/<version>`. */
  readonly version: string;
  /** `https://api.github.com` unless told (GitHub Enterprise, or a local test server). */
  readonly baseUrl?: string;
  /** How long one attempt may take before it is abandoned; 30 s unless told. */
  readonly timeoutMs?: number;
  /** The longest rate-limit wait accepted; beyond it the request fails. 60 s unless told. */
  readonly maxWaitSeconds?: number;
  /** Told about every wait before it starts, with its length in seconds and its reason. */
  readonly onWait?: (seconds: number, why: WaitReason) => void;
  /** Receives one line per HTTP exchange (method, path, status, time) and every wait. */
  readonly log?: (line: string) => void;
  /** How many times a failed idempotent request is tried again (5xx, timeout, dropped connection); 3 unless told. */
  readonly retries?: number;
  /**
   * The unit of the retry plugin's back-off (it waits n² units before the n-th retry);
   * 1,000 ms unless told. Tests make it small.
   */
  readonly retryDelayUnitMs?: number;
  /**
   * The least time between the starts of two writes. Unless told, the throttling
   * plugin's own spacing applies: a second between writes, and three between writes
   * that notify people (creating issues and comments, among others), following GitHub's
   * advice to space out content creation ("Best practices for using the REST API").
   * Tests make it 0.
   */
  readonly minWriteIntervalMs?: number;
}

/** A retry plugin's `doNotRetry` that leaves 429 to the throttling plugin (see `createOctokit`). */
const DO_NOT_RETRY = [400, 401, 403, 404, 410, 422, 429, 451];
/** How many rate-limit waits one request may go through before it gives up. */
const MAX_RATE_LIMIT_WAITS = 3;

/** An attempt abandoned because GitHub did not answer within the timeout. */
export class GitHubTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`GitHub did not answer within ${formatSeconds(timeoutMs)}`);
    this.name = 'GitHubTimeoutError';
  }
}

export function createOctokit(options: GitHubClientOptions): GitHubOctokit {
  const log = options.log ?? (() => undefined);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxWaitSeconds = options.maxWaitSeconds ?? 60;
  const baseUrl = (options.baseUrl ?? 'https://api.github.com').replace(/\/+$/, '');

  const wait = (why: WaitReason) => (seconds: number, request: { method: string; url: string; request?: { signal?: AbortSignal | null } }, _octokit: unknown, retryCount: number): boolean => {
    const what = `${request.method} ${request.url}`;
    const label = why === 'rate-limit' ? 'rate limit' : 'secondary rate limit';
    if (request.request?.signal?.aborted) return false;
    if (seconds > maxWaitSeconds) {
      log(`${what}: GitHub's ${label} asks for a wait of ${seconds} s, longer than the ${maxWaitSeconds} s allowed; giving up`);
      return false;
    }
    if (retryCount >= MAX_RATE_LIMIT_WAITS) {
      log(`${what}: still refused by GitHub's ${label} after ${retryCount} waits; giving up`);
      return false;
    }
    log(`${what}: GitHub's ${label}; waiting ${seconds} s before trying again`);
    options.onWait?.(seconds, why);
    return true;
  };

  return new GitHubOctokit({
    auth: options.token,
    baseUrl,
    userAgent: `autopm-vscode/${options.version}`,
    request: { fetch: timedFetch(baseUrl, timeoutMs, log) },
    // Octokit's request-log plugin would print every answer; the fetch wrapper logs instead.
    log: { debug: () => undefined, info: () => undefined, warn: (message: string) => log(message), error: () => undefined },
    retry: {
      retries: options.retries ?? 3,
      retryAfterBaseValue: options.retryDelayUnitMs ?? 1000,
      // 429 is a rate limit: the throttling plugin waits for it as GitHub asks. Left to the
      // retry plugin, which runs first, it would also be retried blindly three times.
      doNotRetry: DO_NOT_RETRY,
    },
    throttle: {
      id: 'autopm',
      onRateLimit: wait('rate-limit'),
      onSecondaryRateLimit: wait('secondary-rate-limit'),
      ...(options.minWriteIntervalMs === undefined
        ? {}
        : { write: spacedGroup(options.minWriteIntervalMs), notifications: spacedGroup(options.minWriteIntervalMs) }),
    },
  });
}

/**
 * A fetch that gives each attempt its own timeout (the caller's signal covers the whole
 * call, retries and waits included, so it cannot be the timeout), tells a cancellation
 * from a timeout, and logs the exchange. A caller's abort is always thrown as an
 * `AbortError`: Octokit passes that name through untouched, where anything else would
 * become a 500 that the retry plugin tries again.
 */
function timedFetch(baseUrl: string, timeoutMs: number, log: (line: string) => void): typeof fetch {
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const what = `${(init?.method ?? 'GET').toUpperCase()} ${url.startsWith(baseUrl) ? url.slice(baseUrl.length) || '/' : new URL(url).pathname}`;
    const caller = init?.signal ?? undefined;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = caller ? AbortSignal.any([caller, timeout]) : timeout;
    const started = performance.now();
    const elapsed = (): string => `${Math.round(performance.now() - started)}ms`;
    try {
      const response = await fetch(input, { ...init, signal });
      log(`${what} ${response.status} ${elapsed()}`);
      return response;
    } catch (error) {
      if (caller?.aborted) {
        log(`${what} cancelled ${elapsed()}`);
        throw new DOMException('The request was cancelled.', 'AbortError');
      }
      if (timeout.aborted) {
        log(`${what} timed out ${elapsed()}`);
        throw new GitHubTimeoutError(timeoutMs);
      }
      log(`${what} failed ${elapsed()}: ${describeNetworkError(error)}`);
      throw error;
    }
  };
}

/** The underlying reason of a failed fetch (undici hides it in `cause`), for the log. */
export function describeNetworkError(error: unknown): string {
  let at: unknown = error;
  for (let depth = 0; depth < 3 && at instanceof Error && at.cause instanceof Error; depth++) at = at.cause;
  if (at instanceof Error) {
    const code = (at as { code?: unknown }).code;
    return typeof code === 'string' ? `${at.message} (${code})` : at.message;
  }
  return String(at);
}

type WriteGroup = NonNullable<ThrottlingOptions['write']>;

/**
 * A stand-in for the throttling plugin's write and notification groups that spaces the
 * starts of writes by `minMs`. The plugin only ever calls
 * `group.key(id).schedule(options, task)` on them (plugin-throttling's wrap-request.js),
 * so that is all this provides. Its own groups are shared by every Octokit in the
 * process; this one belongs to one client.
 */
function spacedGroup(minMs: number): WriteGroup {
  let nextStart = 0;
  const lane = {
    schedule: async (...args: unknown[]): Promise<unknown> => {
      const task = args.find((a): a is (...rest: unknown[]) => unknown => typeof a === 'function')!;
      const rest = args.slice(args.indexOf(task) + 1);
      const now = Date.now();
      const start = Math.max(now, nextStart);
      nextStart = start + minMs;
      if (start > now) await new Promise((resolve) => setTimeout(resolve, start - now));
      return task(...rest);
    },
  };
  return { key: () => lane } as unknown as WriteGroup;
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
