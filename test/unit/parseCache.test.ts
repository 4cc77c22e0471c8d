import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PlanIndex } from '../../src/core/planIndex';
import { NodePlanFileSystem } from '../../src/services/nodePlanFileSystem';
import { cacheDisabledByEnvironment, defaultCacheDirectory, DiskParseCache, RACY_MS, STALE_MS } from '../../src/services/parseCache';
import { examplesDir } from './helpers';

const TASK = '.claude/epics/team-calendar/46.md';

/** Node's file access, counting the reads, so a test can see which files a run parsed. */
class CountingFileSystem extends NodePlanFileSystem {
  readonly read: string[] = [];

  override async readFile(path: string): Promise<string | undefined> {
    this.read.push(path);
    return super.readFile(path);
  }
}

interface Setup {
  workspace: string;
  cacheDir: string;
  /** The files' modification time: an hour ago, so that the racy rule does not apply. */
  mtime: Date;
}

function setup(): Setup {
  const root = mkdtempSync(join(tmpdir(), 'autopm-cache-'));
  const workspace = join(root, 'workspace');
  cpSync(examplesDir, workspace, { recursive: true });
  const mtime = new Date(Date.now() - 3600_000);
  const age = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) age(path);
      else utimesSync(path, mtime, mtime);
    }
  };
  age(workspace);
  return { workspace, cacheDir: join(root, 'cache'), mtime };
}

async function run(s: Setup, options: { build?: string; now?: number } = {}) {
  const fs = new CountingFileSystem(s.workspace);
  const cache = new DiskParseCache({ workspace: s.workspace, roots: ['prds', 'epics', '.claude/prds', '.claude/epics'], build: options.build ?? 'build-1', directory: s.cacheDir, now: options.now === undefined ? undefined : () => options.now! });
  const index = new PlanIndex(fs, undefined, { parseCache: cache });
  await index.build();
  const wrote = cache.save();
  return { index, read: fs.read, wrote, cache };
}

async function uncached(workspace: string) {
  const index = new PlanIndex(new NodePlanFileSystem(workspace));
  await index.build();
  return index;
}

/** Rewrites a file keeping its modification time, as a copy that preserves times would. */
function rewriteKeepingTime(path: string, text: string): void {
  const { mtime } = statSync(path);
  writeFileSync(path, text);
  utimesSync(path, mtime, mtime);
}

describe('the parse cache on disk', () => {
  test('a second run reads nothing and builds exactly the same model', async () => {
    const s = setup();
    try {
      const cold = await run(s);
      assert.ok(cold.read.length > 5);
      assert.equal(cold.wrote, true);
      const warm = await run(s);
      assert.deepEqual(warm.read, []);
      assert.equal(warm.cache.loaded, cold.read.length);
      // Strict deep equality: a property that is present but undefined must stay so.
      const expected = await uncached(s.workspace);
      assert.deepStrictEqual(warm.index.documents(), expected.documents());
      assert.deepStrictEqual(warm.index.allAnalyses().map((a) => a.counts), expected.allAnalyses().map((a) => a.counts));
      // Nothing changed, so nothing is written.
      const before = statSync(warm.cache.file).mtimeMs;
      assert.equal(warm.wrote, false);
      assert.equal(statSync(warm.cache.file).mtimeMs, before);
    } finally {
      rmSync(join(s.workspace, '..'), { recursive: true, force: true });
    }
  });

  test('a file whose size changed is read again, and only that file', async () => {
    const s = setup();
    try {
      await run(s);
      const path = join(s.workspace, TASK);
      rewriteKeepingTime(path, readFileSync(path, 'utf8').replace('status: open', 'status: closed'));
      const warm = await run(s);
      assert.deepEqual(warm.read, [TASK]);
      assert.equal(warm.wrote, true);
      assert.deepStrictEqual(warm.index.documents(), (await uncached(s.workspace)).documents());
      assert.deepEqual((await run(s)).read, []);
    } finally {
      rmSync(join(s.workspace, '..'), { recursive: true, force: true });
    }
  });

  test('a file whose modification time changed is read again, even at the same size', async () => {
    const s = setup();
    try {
      await run(s);
      const path = join(s.workspace, TASK);
      const text = readFileSync(path, 'utf8');
      const edited = text.replace('status: open', 'status: done');
      assert.equal(edited.length, text.length);
      writeFileSync(path, edited);
      const later = new Date(s.mtime.getTime() + 60_000);
      utimesSync(path, later, later);
      const warm = await run(s);
      assert.deepEqual(warm.read, [TASK]);
      assert.equal(warm.index.allEpics.find((e) => e.id === 'team-calendar')!.tasks.find((t) => t.id === '46')!.state, 'done');
    } finally {
      rmSync(join(s.workspace, '..'), { recursive: true, force: true });
    }
  });

  test('a file modified within the racy window of the cache is never trusted', async () => {
    const s = setup();
    try {
      const path = join(s.workspace, TASK);
      const text = readFileSync(path, 'utf8');
      // Written half an hour after every other file...
      const written = new Date(s.mtime.getTime() + 1800_000);
      utimesSync(path, written, written);
      const mtime = statSync(path).mtimeMs;
      // ...and the cache filled one second later.
      await run(s, { now: mtime + 1000 });
      // ...and the file changes again within its time stamp's granularity: same size, same mtime.
      rewriteKeepingTime(path, text.replace('status: open', 'status: done'));
      const next = await run(s, { now: mtime + 10_000 });
      assert.deepEqual(next.read, [TASK]);
      assert.equal(next.index.allEpics.find((e) => e.id === 'team-calendar')!.tasks.find((t) => t.id === '46')!.state, 'done');
      // Written again, well after the file's mtime: from now on it is trusted.
      assert.equal(next.wrote, true);
      assert.deepEqual((await run(s, { now: mtime + 20_000 })).read, []);
    } finally {
      rmSync(join(s.workspace, '..'), { recursive: true, force: true });
    }
  });

  test('the racy window is measured from when the run started, so a cache is trusted only past it', async () => {
    const s = setup();
    try {
      const written = new Date(s.mtime.getTime() + 1800_000);
      utimesSync(join(s.workspace, TASK), written, written);
      const mtime = statSync(join(s.workspace, TASK)).mtimeMs;
      await run(s, { now: mtime + RACY_MS - 1 });
      assert.deepEqual((await run(s, { now: mtime + RACY_MS + 5000 })).read, [TASK]);
      assert.deepEqual((await run(s, { now: mtime + RACY_MS + 6000 })).read, []);
    } finally {
      rmSync(join(s.workspace, '..'), { recursive: true, force: true });
    }
  });

  test('a corrupt or truncated cache file means a cold run, then a good cache', async () => {
    const s = setup();
    try {
      const cold = await run(s);
      const file = cold.cache.file;
      const bytes = readFileSync(file);
      for (const damaged of [Buffer.from('not a cache'), bytes.subarray(0, bytes.length >> 1), Buffer.alloc(0), Buffer.concat([bytes.subarray(0, 8), Buffer.alloc(64, 0xff)])]) {
        writeFileSync(file, damaged);
        const next = await run(s);
        assert.equal(next.read.length, cold.read.length);
        assert.deepStrictEqual(next.index.documents(), cold.index.documents());
        assert.equal(next.wrote, true);
        assert.deepEqual((await run(s)).read, []);
      }
    } finally {
      rmSync(join(s.workspace, '..'), { recursive: true, force: true });
    }
  });

  test('a cache written by another build is ignored', async () => {
    const s = setup();
    try {
      const cold = await run(s, { build: 'build-1' });
      const other = await run(s, { build: 'build-2' });
      assert.equal(other.read.length, cold.read.length);
      assert.equal(other.cache.loaded, 0);
      assert.deepEqual((await run(s, { build: 'build-2' })).read, []);
    } finally {
      rmSync(join(s.workspace, '..'), { recursive: true, force: true });
    }
  });

  test('deleted files are dropped from the cache', async () => {
    const s = setup();
    try {
      const cold = await run(s);
      rmSync(join(s.workspace, TASK));
      const next = await run(s);
      assert.deepEqual(next.read, []);
      assert.equal(next.wrote, true);
      assert.equal((await run(s)).cache.loaded, cold.read.length - 1);
    } finally {
      rmSync(join(s.workspace, '..'), { recursive: true, force: true });
    }
  });

  test('an unwritable cache folder is not fatal', async () => {
    const s = setup();
    try {
      // A file where the folder should be.
      writeFileSync(s.cacheDir, '');
      const first = await run(s);
      assert.equal(first.wrote, false);
      assert.deepStrictEqual(first.index.documents(), (await uncached(s.workspace)).documents());
      assert.equal((await run(s)).read.length, first.read.length);
    } finally {
      rmSync(join(s.workspace, '..'), { recursive: true, force: true });
    }
  });

  test('a write removes cache files left unwritten for a month, and dead runs\' temporary files', async () => {
    const s = setup();
    try {
      await run(s);
      const old = new Date(Date.now() - STALE_MS - 3600_000);
      const recent = new Date(Date.now() - 3600_000);
      for (const [name, time] of [['gone.bin', old], ['kept.bin', recent], ['x.bin.123.tmp', recent], ['notes.txt', old]] as const) {
        writeFileSync(join(s.cacheDir, name), '');
        utimesSync(join(s.cacheDir, name), time, time);
      }
      rmSync(join(s.workspace, TASK));
      assert.equal((await run(s)).wrote, true);
      assert.deepEqual(readdirSync(s.cacheDir).filter((n) => !/^[0-9a-f]{16}\.bin$/.test(n)).sort(), ['kept.bin', 'notes.txt']);
    } finally {
      rmSync(join(s.workspace, '..'), { recursive: true, force: true });
    }
  });

  test('where it lives and how it is turned off', () => {
    assert.equal(defaultCacheDirectory({ XDG_CACHE_HOME: '/var/cache/me' }), join('/var/cache/me', 'autopm'));
    assert.ok(defaultCacheDirectory({ XDG_CACHE_HOME: 'relative' }).endsWith(join('.cache', 'autopm')));
    for (const off of ['off', 'OFF', '0', 'false', 'no']) assert.equal(cacheDisabledByEnvironment({ AUTOPM_CACHE: off }), true, off);
    for (const on of [undefined, '', 'on', '1']) assert.equal(cacheDisabledByEnvironment({ AUTOPM_CACHE: on }), false, String(on));
  });
});
