import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { FileStat, PlanFileSystem } from '../core/planIndex';

/**
 * The index's file access on Node, relative to one workspace folder.
 *
 * Reads are synchronous behind the async interface: for thousands of small files,
 * `fs.promises.readFile` queues each through libuv's four-thread pool with several
 * system calls, and measured eight times slower (about 1 s against 0.12 s for 11,100
 * task files). The CLI has nothing else to do meanwhile; the extension uses it for
 * folders on its own disk, where the one-off cost of blocking is far below that of
 * `vscode.workspace.fs`.
 */
export class NodePlanFileSystem implements PlanFileSystem {
  constructor(private readonly root: string) {}

  async readDirectory(path: string): Promise<Array<{ name: string; isDirectory: boolean }>> {
    try {
      return localEntries(join(this.root, path));
    } catch {
      return [];
    }
  }

  async readFile(path: string): Promise<string | undefined> {
    try {
      return readFileSync(join(this.root, path), 'utf8');
    } catch {
      return undefined;
    }
  }

  async stat(path: string): Promise<FileStat | undefined> {
    try {
      // throwIfNoEntry spares building an error for a file deleted since the walk.
      const stats = statSync(join(this.root, path), { throwIfNoEntry: false });
      return stats?.isFile() ? { size: stats.size, mtimeMs: stats.mtimeMs } : undefined;
    } catch {
      return undefined;
    }
  }
}

/**
 * A folder's entries. A symbolic link counts as what it points to, so an epic folder
 * linked in from elsewhere is read like any other; a broken link is left out.
 */
function localEntries(folder: string): Array<{ name: string; isDirectory: boolean }> {
  const entries: Array<{ name: string; isDirectory: boolean }> = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    if (!entry.isSymbolicLink()) {
      entries.push({ name: entry.name, isDirectory: entry.isDirectory() });
      continue;
    }
    try {
      entries.push({ name: entry.name, isDirectory: statSync(join(folder, entry.name)).isDirectory() });
    } catch {
      // A link to nothing.
    }
  }
  return entries;
}
