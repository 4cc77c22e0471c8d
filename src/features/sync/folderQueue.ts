/**
 * One GitHub operation at a time per workspace folder. Every sync, pull, close, reopen and
 * import reads `.autopm/sync.json` once and writes it back whole: two at once on the same
 * folder would each drop what the other recorded.
 */
export class FolderQueue {
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly active = new Map<string, number>();

  /** Whether something runs or waits for the folder. */
  busy(folder: string): boolean {
    return (this.active.get(folder) ?? 0) > 0;
  }

  /** Runs `task` once everything queued before it for the folder has finished. */
  run<T>(folder: string, task: () => Promise<T>): Promise<T> {
    this.active.set(folder, (this.active.get(folder) ?? 0) + 1);
    const previous = this.tails.get(folder) ?? Promise.resolve();
    const result = previous.catch(() => undefined).then(task);
    const tail = result.finally(() => {
      const left = (this.active.get(folder) ?? 1) - 1;
      if (left === 0) {
        this.active.delete(folder);
        if (this.tails.get(folder) === tail) this.tails.delete(folder);
      } else this.active.set(folder, left);
    });
    // The tail never rejects: a failed task must not fail the ones queued after it.
    this.tails.set(folder, tail.catch(() => undefined));
    return result;
  }
}
