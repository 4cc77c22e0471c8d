import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { FileStat, ParseCache } from '../core/planIndex';

/**
 * An entry whose file was modified this close to (or after) the moment the cache was
 * filled is not trusted: the file may have changed again within its file system's
 * timestamp granularity (a second on some, two on FAT) without its size or mtime
 * moving. The same rule as git's racy index entries; such a file is simply read again,
 * and once it is older than this it is trusted.
 */
export const RACY_MS = 2000;

/**
 * Cache files not written for this long are deleted when another is written: each
 * workspace folder ever opened (a temporary copy, a deleted clone) leaves one behind.
 * A workspace still in use only pays one cold run.
 */
export const STALE_MS = 30 * 24 * 3600_000;

/** Bumped whenever the file layout below changes. */
const FORMAT = 1;
const MAGIC = 'APMC';

export interface DiskParseCacheOptions {
  /** The workspace folder, absolute; with the roots it names the cache file. */
  readonly workspace: string;
  readonly roots: readonly string[];
  /** Identifies the build of autopm that parsed: a cache written by another is ignored. */
  readonly build: string;
  /** Where cache files live; see defaultCacheDirectory. */
  readonly directory: string;
  /** The clock, for tests; milliseconds since the epoch. */
  readonly now?: () => number;
}

interface Header {
  readonly format: number;
  readonly build: string;
  readonly workspace: string;
  readonly roots: readonly string[];
  /** When the run that wrote the file started reading; the racy rule counts from it. */
  readonly stamp: number;
}

interface Body {
  readonly paths: string[];
  readonly sizes: number[];
  readonly mtimes: number[];
  readonly values: unknown[];
}

/**
 * The command line's parse cache: the index's parsed files kept on disk between runs,
 * one file per workspace folder and set of roots, valid only for the build that wrote it.
 * Anything wrong with it (missing, corrupt, unreadable, unwritable, from another build)
 * only means the files are parsed again: no method throws.
 *
 * The file is a small header (checked before the rest is decoded) and then the entries,
 * both in V8's serialization format, which keeps what JSON would lose (undefined
 * properties, NaN, -0) so that a cached parse is exactly the parse.
 */
export class DiskParseCache implements ParseCache {
  readonly file: string;
  private readonly stamp: number;
  private body: Body | undefined;
  private positions = new Map<string, number>();
  private used: Uint8Array = new Uint8Array(0);
  private usedCount = 0;
  private readonly fresh = new Map<string, { size: number; mtimeMs: number; value: unknown }>();
  private loadedStamp = 0;

  constructor(private readonly options: DiskParseCacheOptions) {
    this.file = join(options.directory, cacheFileName(options.workspace, options.roots));
    // Taken before any file is looked at: a file changed during this run is then within
    // the racy window of the cache this run writes.
    this.stamp = (options.now ?? Date.now)();
    this.load();
  }

  /** How many entries came from disk. */
  get loaded(): number {
    return this.body?.paths.length ?? 0;
  }

  get(path: string, stat: FileStat): unknown {
    const i = this.positions.get(path);
    if (i === undefined) return undefined;
    const body = this.body!;
    const mtimeMs = body.mtimes[i];
    if (body.sizes[i] !== stat.size || mtimeMs !== stat.mtimeMs || mtimeMs > this.loadedStamp - RACY_MS) return undefined;
    if (this.used[i] === 0) {
      this.used[i] = 1;
      this.usedCount++;
    }
    return body.values[i];
  }

  set(path: string, stat: FileStat, parsed: unknown): void {
    this.fresh.set(path, { size: stat.size, mtimeMs: stat.mtimeMs, value: parsed });
  }

  /**
   * Writes the entries this run used or parsed, when that differs from what was read:
   * an unchanged workspace costs no write. Returns whether it wrote.
   */
  save(): boolean {
    if (this.fresh.size === 0 && this.usedCount === this.loaded) return false;
    const body: Body = { paths: [], sizes: [], mtimes: [], values: [] };
    const add = (path: string, size: number, mtimeMs: number, value: unknown) => {
      body.paths.push(path);
      body.sizes.push(size);
      body.mtimes.push(mtimeMs);
      body.values.push(value);
    };
    const old = this.body;
    if (old) {
      for (let i = 0; i < old.paths.length; i++) {
        if (this.used[i] === 1 && !this.fresh.has(old.paths[i])) add(old.paths[i], old.sizes[i], old.mtimes[i], old.values[i]);
      }
    }
    for (const [path, entry] of this.fresh) add(path, entry.size, entry.mtimeMs, entry.value);
    const header: Header = { format: FORMAT, build: this.options.build, workspace: this.options.workspace, roots: this.options.roots, stamp: this.stamp };
    const temporary = `${this.file}.${process.pid}.tmp`;
    try {
      const headerBytes = serialize(header);
      const bodyBytes = serialize(body);
      const prefix = Buffer.alloc(8);
      prefix.write(MAGIC, 0, 'latin1');
      prefix.writeUInt32LE(headerBytes.length, 4);
      mkdirSync(this.options.directory, { recursive: true });
      writeFileSync(temporary, Buffer.concat([prefix, headerBytes, bodyBytes]));
      // A rename replaces the file whole, so a concurrent run reads the old cache or the new one.
      renameSync(temporary, this.file);
    } catch {
      try {
        rmSync(temporary, { force: true });
      } catch {
        // The folder itself is unusable: there is no temporary file to remove.
      }
      return false;
    }
    this.pruneStale();
    return true;
  }

  private pruneStale(): void {
    const now = (this.options.now ?? Date.now)();
    try {
      for (const name of readdirSync(this.options.directory)) {
        if (!/\.(bin|tmp)$/.test(name)) continue;
        const path = join(this.options.directory, name);
        // A temporary file older than a minute belongs to a run that died while writing.
        const limit = name.endsWith('.tmp') ? 60_000 : STALE_MS;
        if (path !== this.file && now - statSync(path).mtimeMs > limit) rmSync(path, { force: true });
      }
    } catch {
      // Pruning is housekeeping: another run may be pruning the same files.
    }
  }

  private load(): void {
    let bytes: Buffer;
    try {
      bytes = readFileSync(this.file);
    } catch {
      return;
    }
    try {
      if (bytes.length < 8 || bytes.toString('latin1', 0, 4) !== MAGIC) return;
      const headerEnd = 8 + bytes.readUInt32LE(4);
      const header = deserialize(bytes.subarray(8, headerEnd)) as Header;
      if (!this.matches(header)) return;
      const body = deserialize(bytes.subarray(headerEnd)) as Body;
      const n = body.paths.length;
      if (body.sizes.length !== n || body.mtimes.length !== n || body.values.length !== n) return;
      const positions = new Map<string, number>();
      for (let i = 0; i < n; i++) positions.set(body.paths[i], i);
      this.body = body;
      this.positions = positions;
      this.used = new Uint8Array(n);
      this.loadedStamp = header.stamp;
    } catch {
      // Corrupt or truncated: a cold run, and the next save replaces it.
    }
  }

  private matches(header: Header): boolean {
    return (
      header !== null &&
      typeof header === 'object' &&
      header.format === FORMAT &&
      header.build === this.options.build &&
      header.workspace === this.options.workspace &&
      Array.isArray(header.roots) &&
      header.roots.length === this.options.roots.length &&
      header.roots.every((r, i) => r === this.options.roots[i]) &&
      typeof header.stamp === 'number'
    );
  }
}

/**
 * One file per workspace folder and roots, named by a hash of both. The header repeats
 * them, so a collision costs a cold run, never a wrong answer; that is why an FNV-1a
 * style hash does, sparing the command the few milliseconds of loading node:crypto.
 */
export function cacheFileName(workspace: string, roots: readonly string[]): string {
  const text = JSON.stringify([workspace, roots]);
  // Two 32-bit lanes with different seeds and multipliers stand in for one 64-bit hash.
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x5bd1e995) >>> 0;
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0') + '.bin';
}

/**
 * Where the cache lives: `$XDG_CACHE_HOME/autopm`, else `%LOCALAPPDATA%\autopm\cache` on
 * Windows, else `~/.cache/autopm`. Outside every repository, so it is never committed.
 */
export function defaultCacheDirectory(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, 'autopm');
  if (process.platform === 'win32' && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, 'autopm', 'cache');
  return join(homedir(), '.cache', 'autopm');
}

/** `AUTOPM_CACHE=off` (or `0`, `false`, `no`) turns the cache off. */
export function cacheDisabledByEnvironment(env: NodeJS.ProcessEnv = process.env): boolean {
  return /^(off|0|false|no)$/i.test((env.AUTOPM_CACHE ?? '').trim());
}

/**
 * A key for the running build of autopm: its own file's size and modification time, so
 * a rebuilt or upgraded CLI never reads what another build parsed. The Node version is
 * part of it because the serialization format is V8's.
 */
export function buildKeyOf(file: string): string | undefined {
  try {
    const stats = statSync(file);
    return `${stats.size}:${stats.mtimeMs}:${process.version}`;
  } catch {
    // Without a key any cache could be another build's: better none.
    return undefined;
  }
}
