/**
 * Times the lean outline scanner alone over the workspaces `npm run bench` generates
 * (run that once first): the 1,000 single-file epics and the 10,000 directory-layout
 * task files, the latter with their frontmatter masked as the indexer does.
 *
 *   node --import tsx bench/outlineBench.ts             medians of 9 samples
 *   node --import tsx bench/outlineBench.ts --runs 15
 *
 * Cold is one pass in a fresh Node process, as the CLI runs it; warm is the median pass
 * after five passes of warm-up. Every sample is its own process, so that one layout's
 * JIT state does not leak into the other's. The machine's noise is large next to cold
 * times, so compare medians of several samples, and interleave runs of two versions.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { findFrontmatter, maskFrontmatter } from '../src/core/frontmatter';
import { leanOutline } from '../src/core/markdown/leanOutline';

type Layout = 'single-file' | 'directory';
type Mode = 'cold' | 'warm';

const workspacesDir = resolve(__dirname, '.workspaces');

/** The newest generated workspace of a layout. */
function workspace(layout: Layout): string {
  const names = existsSync(workspacesDir) ? readdirSync(workspacesDir).filter((n) => n.startsWith(`${layout}-`)).sort() : [];
  if (names.length === 0) throw new Error(`No ${layout} workspace under ${workspacesDir}; run \`npm run bench\` first.`);
  return join(workspacesDir, names[names.length - 1]);
}

function masked(text: string): string {
  const fm = findFrontmatter(text);
  return fm === undefined ? text : maskFrontmatter(text, fm);
}

function loadTexts(layout: Layout): string[] {
  const root = workspace(layout);
  if (layout === 'single-file') {
    const dir = join(root, 'epics');
    return readdirSync(dir).filter((f) => f.endsWith('.md')).sort().map((f) => readFileSync(join(dir, f), 'utf8'));
  }
  const epics = join(root, '.claude', 'epics');
  const texts: string[] = [];
  for (const epic of readdirSync(epics).sort()) {
    for (const f of readdirSync(join(epics, epic)).sort()) {
      if (/^\d+\.md$/.test(f)) texts.push(masked(readFileSync(join(epics, epic, f), 'utf8')));
    }
  }
  return texts;
}

/** One sample, in this process: prints `{ ms, files, declined }` for one timed pass. */
function child(layout: Layout, mode: Mode): void {
  const texts = loadTexts(layout);
  let declined = 0;
  const pass = (): number => {
    declined = 0;
    const start = performance.now();
    for (const text of texts) if (leanOutline(text) === undefined) declined++;
    return performance.now() - start;
  };
  let ms: number;
  if (mode === 'cold') {
    ms = pass();
  } else {
    for (let i = 0; i < 5; i++) pass();
    const passes = Array.from({ length: 15 }, pass).sort((a, b) => a - b);
    ms = passes[7];
  }
  console.log(JSON.stringify({ ms, files: texts.length, declined }));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function main(): void {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    child(args[1] as Layout, args[2] as Mode);
    return;
  }
  const runsAt = args.indexOf('--runs');
  const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 9;
  for (const layout of ['single-file', 'directory'] as const) {
    for (const mode of ['cold', 'warm'] as const) {
      const samples: number[] = [];
      let files = 0;
      let declined = 0;
      for (let i = 0; i < runs; i++) {
        const result = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--child', layout, mode], { encoding: 'utf8' });
        if (result.status !== 0) throw new Error(result.stderr);
        const sample = JSON.parse(result.stdout) as { ms: number; files: number; declined: number };
        samples.push(sample.ms);
        files = sample.files;
        declined = sample.declined;
      }
      const ms = median(samples);
      console.log(
        `${layout.padEnd(11)} ${mode}: ${ms.toFixed(2)} ms per pass, ${((ms * 1000) / files).toFixed(2)} µs per file ` +
          `(${files} files, ${declined} declined, median of ${runs})`,
      );
    }
  }
}

main();
