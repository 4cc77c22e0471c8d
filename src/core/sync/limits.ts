/**
 * GitHub's limits that a sync plan is checked against before anything is written.
 *
 * Hard limits refuse a plan: GitHub would reject the write halfway through a sync.
 * - 100 sub-issues per parent issue, closed ones included.
 * - 50 dependencies of each kind (blocked by, blocking) per issue.
 * - 65,536 characters in an issue body; 50 in a label name.
 *
 * Pacing limits slow a plan down instead. GitHub's secondary rate limits allow, in
 * general, no more than 80 content-generating requests a minute and 500 an hour
 * ("Rate limits for the REST API", docs.github.com), and its best practices ask clients
 * that make many writes to wait at least a second between them; a plan is spread out
 * so that it never trips them, and the preview says how long it will take.
 */

export interface SyncLimits {
  readonly subIssuesPerParent: number;
  readonly dependenciesPerKind: number;
  readonly bodyLength: number;
  readonly labelNameLength: number;
  /** Content-generating requests in any 60 seconds. */
  readonly writesPerMinute: number;
  /** Content-generating requests in any hour. */
  readonly writesPerHour: number;
  /** The least time between the starts of two writes. */
  readonly writeIntervalMs: number;
}

export const GITHUB_LIMITS: SyncLimits = {
  subIssuesPerParent: 100,
  dependenciesPerKind: 50,
  bodyLength: 65_536,
  labelNameLength: 50,
  writesPerMinute: 80,
  writesPerHour: 500,
  writeIntervalMs: 1000,
};

export type PacingLimits = Pick<SyncLimits, 'writesPerMinute' | 'writesPerHour' | 'writeIntervalMs'>;

const MINUTE = 60_000;
const HOUR = 3_600_000;

/**
 * When a write may start, given the start times of the writes before it: never more than
 * the minute's or the hour's allowance inside any window of that length. The engine's
 * pacer and the preview's estimate both use it, so the estimate is what the run does.
 */
export function nextWriteTime(previous: readonly number[], now: number, limits: PacingLimits): number {
  let at = now;
  const n = previous.length;
  if (n > 0) at = Math.max(at, previous[n - 1] + limits.writeIntervalMs);
  if (n >= limits.writesPerMinute) at = Math.max(at, previous[n - limits.writesPerMinute] + MINUTE);
  if (n >= limits.writesPerHour) at = Math.max(at, previous[n - limits.writesPerHour] + HOUR);
  return at;
}

/** How long `writes` writes take at the fastest pace the limits allow, writes themselves taking no time. */
export function pacedDuration(writes: number, limits: PacingLimits = GITHUB_LIMITS): number {
  const times: number[] = [];
  for (let i = 0; i < writes; i++) times.push(nextWriteTime(times, times.at(-1) ?? 0, limits));
  return times.at(-1) ?? 0;
}

/** A duration in words: `45 seconds`, `6 minutes`, `1 hour 12 minutes`. */
export function durationText(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 90) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return `${hours} hour${hours === 1 ? '' : 's'}${rest > 0 ? ` ${rest} minute${rest === 1 ? '' : 's'}` : ''}`;
}
