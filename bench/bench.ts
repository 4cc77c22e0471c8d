/**
 * `npm run bench`: indexes synthetic workspaces of 1,000 epics / 10,000 tasks in each
 * layout and prints medians. Every sample runs in a fresh Node process, because the
 * CLI always starts cold and a warmed-up JIT would flatter the numbers; the samples run
 * this file bundled by esbuild, as the CLI is, not through a TypeScript loader.
 *
 * Then the command line itself, end to end (bench/cliBench.ts): `node dist/cli.js status,
 * next and validate` on 300 and 1,000 directory-layout epics, with a cold and a warm parse
 * cache, against `cat` of the same files.
 *
 * Then the same workspace size in a real VS Code (bench/vscodeBench.ts): activation and the
 * Epics tree's first answer, one fresh window per sample. It is skipped, with a message,
 * where the test harness is not installed (`npm run harness:setup`).
 *
 *   npm run bench                   a table
 *   npm run bench -- --json         one JSON line per layout, per CLI workspace size, and one for the CLI's scaling
 *   npm run bench -- --runs 7       samples per layout (default 5)
 *   npm run bench -- --cli-only     only the command line end to end (builds dist/ first)
 *   npm run bench -- --skip-cli     not the command line end to end
 *   npm run bench -- --vscode-only  only the real VS Code (or AUTOPM_BENCH_VSCODE=only)
 *   npm run bench -- --skip-vscode  no real VS Code (or AUTOPM_BENCH_VSCODE=skip)
 */
import { spawnSync } from 'node:child_process';
import { promises as fs, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { findFrontmatter, maskFrontmatter } from '../src/core/frontmatter';
import { outlineEngineFor } from '../src/core/markdown/parseOutline';
import { PlanIndex } from '../src/core/planIndex';
import { NodePlanFileSystem } from '../src/services/nodePlanFileSystem';
import type { Layout } from './workspaces';
import { benchCli } from './cliBench';
import { benchVscode } from './vscodeBench';
import { generate, workspacesDir } from './workspaces';
import { median, round } from './stats';

interface Sample {
  rawReadMs: number;
  coldIndexMs: number;
  firstUpdateMs: number;
  oneFileUpdateMs: number;
  files: number;
  bytes: number;
  tasks: number;
  remarkFallbacks: number;
}

// ------------------------------------------------------------------ one sample (a fresh process)

/** Walks and reads every markdown file the fastest plain way (synchronously): the floor. */
function readAll(root: string, dir: string, out: { files: number; bytes: number }): void {
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) readAll(root, path, out);
    else if (entry.name.endsWith('.md')) {
      out.bytes += readFileSync(join(root, path), 'utf8').length;
      out.files++;
    }
  }
}

async function sample(layout: Layout, dir: string): Promise<Sample> {
  // Reading only: the floor any index is measured against.
  const read = { files: 0, bytes: 0 };
  let start = performance.now();
  readAll(dir, '.', read);
  const rawReadMs = performance.now() - start;

  const index = new PlanIndex(new NodePlanFileSystem(dir));
  start = performance.now();
  await index.build();
  const tasks = index.allEpics.reduce((n, e) => n + e.tasks.length, 0);
  const coldIndexMs = performance.now() - start;

  // One file saved: re-read, re-parse, re-assemble its epic and answer what the surfaces
  // ask (the epic and its analysis). The first save after the cold build also pays for
  // compiling that code path; the later saves are what an editor session sees.
  const target = layout === 'single-file' ? 'epics/epic-0500-product-500.md' : '.claude/epics/product-500/005.md';
  const original = await fs.readFile(join(dir, target), 'utf8');
  const edited = layout === 'single-file' ? original.replace('- [ ] **Task 9:**', '- [x] **Task 9:**') : original.replace('status: open', 'status: closed');
  if (edited === original) throw new Error(`The benchmark's edit did not apply to ${target}.`);
  const updates: number[] = [];
  try {
    for (let i = 0; i < 7; i++) {
      await fs.writeFile(join(dir, target), i % 2 === 0 ? edited : original);
      start = performance.now();
      const change = await index.update([target]);
      if (change.epics.length !== 1) throw new Error(`Saving ${target} changed ${change.epics.length} epics.`);
      index.analysis(index.epic(change.epics[0])!);
      updates.push(performance.now() - start);
    }
  } finally {
    await fs.writeFile(join(dir, target), original);
  }
  const remarkFallbacks = await countFallbacks(dir, index.files);
  return {
    rawReadMs,
    coldIndexMs,
    firstUpdateMs: updates[0],
    oneFileUpdateMs: median(updates.slice(1)),
    files: read.files,
    bytes: read.bytes,
    tasks,
    remarkFallbacks,
  };
}

/** How many files the lean scanner handed to remark (after their frontmatter is masked, as the parsers do). */
async function countFallbacks(dir: string, files: readonly string[]): Promise<number> {
  let count = 0;
  for (const file of files) {
    const text = readFileSync(join(dir, file), 'utf8');
    const fm = findFrontmatter(text);
    if (outlineEngineFor(fm ? maskFrontmatter(text, fm) : text) === 'remark') count++;
  }
  return count;
}

// ------------------------------------------------------------------ driver

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--worker') {
    const result = await sample(args[1] as Layout, args[2]);
    process.stdout.write(JSON.stringify(result) + '\n');
    return;
  }
  const json = args.includes('--json');
  const runsAt = args.indexOf('--runs');
  const runs = runsAt === -1 ? 5 : Math.max(1, Number(args[runsAt + 1]));
  const cliOnly = args.includes('--cli-only');
  const vscode = cliOnly ? 'skip' : args.includes('--vscode-only') ? 'only' : args.includes('--skip-vscode') ? 'skip' : (process.env.AUTOPM_BENCH_VSCODE ?? '');
  const cli = !args.includes('--skip-cli') && vscode !== 'only';
  const layouts: Layout[] = vscode === 'only' || cliOnly ? [] : ['single-file', 'directory'];
  const worker = join(workspacesDir, 'bench-worker.cjs');
  const { build } = await import('esbuild');
  await build({ entryPoints: [__filename], outfile: worker, bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['esbuild'], logLevel: 'warning' });
  const results: Array<Record<string, number | string>> = [];
  for (const layout of layouts) {
    const dir = generate(layout);
    const samples: Sample[] = [];
    for (let i = 0; i < runs; i++) {
      const child = spawnSync(process.execPath, [worker, '--worker', layout, dir], { encoding: 'utf8' });
      if (child.status !== 0) throw new Error(`Benchmark worker failed:\n${child.stderr}`);
      samples.push(JSON.parse(child.stdout.trim().split('\n').pop()!) as Sample);
    }
    const rawReadMs = round(median(samples.map((s) => s.rawReadMs)));
    const coldIndexMs = round(median(samples.map((s) => s.coldIndexMs)));
    // Each sample reads and indexes in the same process, so its ratio is not skewed by
    // another process's luck; the median of those ratios is the figure to trust.
    const ratio = median(samples.map((s) => s.coldIndexMs / s.rawReadMs));
    const result = {
      layout,
      tasks: samples[0].tasks,
      rawReadMs,
      coldIndexMs,
      oneFileUpdateMs: round(median(samples.map((s) => s.oneFileUpdateMs))),
      firstUpdateMs: round(median(samples.map((s) => s.firstUpdateMs))),
      coldIndexToReadRatio: round(ratio),
    };
    results.push(result);
    if (json) {
      process.stdout.write(JSON.stringify(result) + '\n');
    } else {
      const s = samples[0];
      console.log(
        `${layout.padEnd(12)} ${s.files} files, ${(s.bytes / 1e6).toFixed(1)} MB, ${s.tasks} tasks, ${s.remarkFallbacks} remark fallbacks (median of ${runs} cold runs)`,
      );
      console.log(`  read only      ${rawReadMs.toFixed(1).padStart(8)} ms`);
      console.log(`  cold index     ${coldIndexMs.toFixed(1).padStart(8)} ms   (${ratio.toFixed(1)}x reading, median of the samples' ratios)`);
      console.log(`  one file saved ${result.oneFileUpdateMs.toFixed(2).padStart(8)} ms   (the first save after the cold build: ${result.firstUpdateMs.toFixed(2)} ms)`);
    }
  }
  if (cli) {
    // The CLI is timed as it ships: the bundle `npm run build` writes.
    const built = spawnSync(process.execPath, ['esbuild.config.mjs'], { cwd: join(__dirname, '..'), encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`npm run build failed:\n${built.stderr}`);
    if (!json && layouts.length > 0) console.log('');
    await benchCli({ runs, json });
  }
  if (vscode !== 'skip') {
    if (!json && (layouts.length > 0 || cli)) console.log('');
    await benchVscode({ runs, json });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
