/**
 * The command line end to end: `node dist/cli.js status|next|validate <dir> --json` in a
 * fresh process for every sample, Node's start included, on directory-layout workspaces
 * of 300 and 1,000 epics. Each command is timed with an empty parse cache (the first run
 * after an install, an upgrade or with a new cache folder: everything is parsed and the
 * cache written) and with a warm one (the usual run: nothing changed since the last),
 * and `status` also with `--no-cache`. The yardstick is `cat` of every plan file, found
 * by `find`, as the floor for merely reading them.
 *
 * Rounds interleave every measurement, so a slow spell of the machine spreads over all of
 * them; the ratios to `cat` are the medians of each round's own ratio.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { median, round } from './stats';
import { generate } from './workspaces';

const cli = resolve(__dirname, '..', 'dist', 'cli.js');
const COMMANDS = ['status', 'next', 'validate'] as const;
const CLI_EPICS = [300, 1000] as const;

type Command = (typeof COMMANDS)[number];

interface SizeResult {
  epics: number;
  files: number;
  bytes: number;
  catMs: number;
  cold: Record<Command, number>;
  warm: Record<Command, number>;
  statusNoCacheMs: number;
  statusWarmToCat: number;
  statusColdToCat: number;
}

/** Wall milliseconds of one fresh process; its output goes nowhere, as a user's pipe would cost alike for all. */
function timed(command: string, args: string[], env: NodeJS.ProcessEnv): number {
  const start = performance.now();
  const child = spawnSync(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = performance.now() - start;
  // validate exits 1 when it finds errors; the generated workspaces have none.
  if (child.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${child.status}:\n${child.stderr}`);
  return ms;
}

function planFiles(dir: string, out: { files: number; bytes: number }): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) planFiles(path, out);
    else if (entry.name.endsWith('.md')) {
      out.files++;
      out.bytes += statSync(path).size;
    }
  }
}

export async function benchCli(options: { runs: number; json: boolean }): Promise<void> {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first.`);
  const { runs, json } = options;
  const sizes = CLI_EPICS.map((epics) => ({ epics, dir: generate('directory', epics) }));
  const warmCache = mkdtempSync(join(tmpdir(), 'autopm-bench-cache-'));
  const coldRoot = mkdtempSync(join(tmpdir(), 'autopm-bench-cold-'));
  const base = { ...process.env };
  delete base.AUTOPM_CACHE;
  const warmEnv = { ...base, XDG_CACHE_HOME: warmCache };
  type Samples = { cat: number[]; cold: Record<Command, number[]>; warm: Record<Command, number[]>; noCache: number[] };
  const samples = new Map<number, Samples>();
  try {
    for (const { epics, dir } of sizes) {
      samples.set(epics, { cat: [], cold: { status: [], next: [], validate: [] }, warm: { status: [], next: [], validate: [] }, noCache: [] });
      // One run fills the warm cache; the measured warm runs then find every file in it.
      timed(process.execPath, [cli, 'status', dir, '--json'], warmEnv);
    }
    for (let round = 0; round < runs; round++) {
      for (const { epics, dir } of sizes) {
        const s = samples.get(epics)!;
        s.cat.push(timed('sh', ['-c', 'find "$1" -type f -name "*.md" -exec cat {} + > /dev/null', 'sh', dir], base));
        for (const command of COMMANDS) {
          const cold = join(coldRoot, `${epics}-${command}-${round}`);
          s.cold[command].push(timed(process.execPath, [cli, command, dir, '--json'], { ...base, XDG_CACHE_HOME: cold }));
          rmSync(cold, { recursive: true, force: true });
          s.warm[command].push(timed(process.execPath, [cli, command, dir, '--json'], warmEnv));
        }
        s.noCache.push(timed(process.execPath, [cli, 'status', dir, '--json', '--no-cache'], base));
      }
    }
  } finally {
    rmSync(warmCache, { recursive: true, force: true });
    rmSync(coldRoot, { recursive: true, force: true });
  }

  const results: SizeResult[] = sizes.map(({ epics, dir }) => {
    const s = samples.get(epics)!;
    const count = { files: 0, bytes: 0 };
    planFiles(dir, count);
    const medians = (by: Record<Command, number[]>) =>
      Object.fromEntries(COMMANDS.map((c) => [c, round(median(by[c]))])) as Record<Command, number>;
    return {
      epics,
      ...count,
      catMs: round(median(s.cat)),
      cold: medians(s.cold),
      warm: medians(s.warm),
      statusNoCacheMs: round(median(s.noCache)),
      statusWarmToCat: round(median(s.warm.status.map((ms, i) => ms / s.cat[i]))),
      statusColdToCat: round(median(s.cold.status.map((ms, i) => ms / s.cat[i]))),
    };
  });
  const [small, large] = results;
  const scaling = (pick: (r: SizeResult) => number) => round(pick(large) / pick(small));

  if (json) {
    for (const r of results) {
      process.stdout.write(
        JSON.stringify({
          layout: 'directory',
          bench: 'cli',
          epics: r.epics,
          files: r.files,
          catMs: r.catMs,
          ...Object.fromEntries(COMMANDS.flatMap((c) => [[`${c}ColdMs`, r.cold[c]], [`${c}WarmMs`, r.warm[c]]])),
          statusNoCacheMs: r.statusNoCacheMs,
          statusWarmToCatRatio: r.statusWarmToCat,
          statusColdToCatRatio: r.statusColdToCat,
        }) + '\n',
      );
    }
    process.stdout.write(
      JSON.stringify({
        layout: 'directory',
        bench: 'cli-scaling',
        from: small.epics,
        to: large.epics,
        ...Object.fromEntries(COMMANDS.flatMap((c) => [[`${c}ColdRatio`, scaling((r) => r.cold[c])], [`${c}WarmRatio`, scaling((r) => r.warm[c])]])),
        catRatio: scaling((r) => r.catMs),
      }) + '\n',
    );
    return;
  }
  console.log(`command line, directory layout: node dist/cli.js <command> <dir> --json, fresh processes, medians of ${runs} rounds (ms)`);
  const header = ['', ...results.flatMap((r) => [`${r.epics} cold`, `${r.epics} warm`]), `${large.epics}/${small.epics} cold`, `${large.epics}/${small.epics} warm`];
  const rows: string[][] = COMMANDS.map((c) => [
    c,
    ...results.flatMap((r) => [r.cold[c].toFixed(0), r.warm[c].toFixed(0)]),
    `${scaling((r) => r.cold[c]).toFixed(2)}x`,
    `${scaling((r) => r.warm[c]).toFixed(2)}x`,
  ]);
  rows.push(['status --no-cache', ...results.flatMap((r) => [r.statusNoCacheMs.toFixed(0), '']), `${scaling((r) => r.statusNoCacheMs).toFixed(2)}x`, '']);
  rows.push(['cat every file', ...results.flatMap((r) => [r.catMs.toFixed(0), '']), `${scaling((r) => r.catMs).toFixed(2)}x`, '']);
  const widths = header.map((_, i) => Math.max(header[i].length, ...rows.map((row) => row[i].length)));
  for (const row of [header, ...rows]) console.log('  ' + row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  '));
  for (const r of results) {
    console.log(
      `  ${r.epics} epics (${r.files.toLocaleString('en')} files, ${(r.bytes / 1e6).toFixed(1)} MB): status ÷ cat ${r.statusWarmToCat.toFixed(2)}x warm, ${r.statusColdToCat.toFixed(2)}x cold (medians of each round's ratio)`,
    );
  }
}
