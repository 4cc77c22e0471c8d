import type { PacingLimits } from '../../core/sync/limits';
import { durationText, GITHUB_LIMITS, nextWriteTime } from '../../core/sync/limits';

export interface SyncClock {
  now(): number;
  /** Waits `ms`, or rejects as soon as the signal aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: SyncClock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/**
 * Spaces a sync's writes so that they stay inside GitHub's limits on content creation
 * (80 a minute, 500 an hour, a second apart): a write goes out as soon as the window
 * has room for it. The preview's estimate comes from the same
 * rule (see nextWriteTime), so it says how long the run takes.
 */
export class WritePacer {
  private readonly starts: number[] = [];

  constructor(
    private readonly clock: SyncClock = systemClock,
    private readonly limits: PacingLimits = GITHUB_LIMITS,
    private readonly onWait?: (ms: number, message: string) => void,
  ) {}

  /** How many writes have gone out. */
  get count(): number {
    return this.starts.length;
  }

  async beforeWrite(signal?: AbortSignal): Promise<void> {
    const now = this.clock.now();
    const at = nextWriteTime(this.starts, now, this.limits);
    if (at > now) {
      // The pause between two writes is routine; a wait for the minute's or the hour's window is told.
      if (at - now > this.limits.writeIntervalMs) {
        this.onWait?.(at - now, `Waiting ${durationText(at - now)}: GitHub allows ${this.limits.writesPerMinute} content-creating requests a minute and ${this.limits.writesPerHour} an hour.`);
      }
      await this.clock.sleep(at - now, signal);
    }
    this.starts.push(Math.max(at, this.clock.now()));
  }
}
