/**
 * `npm run bench`: indexes synthetic workspaces of 1,000 epics / 10,000 tasks in each
 * layout and prints medians. Every sample runs in a fresh Node process, because the
 * CLI always starts cold and a warmed-up JIT would flatter the numbers; the samples run
 * this file bundled by esbuild, as the CLI is, not through a TypeScript loader.
 *
 *   npm run bench              a table
 *   npm run bench -- --json    one JSON line per layout
 *   npm run bench -- --runs 7  samples per layout (default 5)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, promises as fs, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { findFrontmatter, maskFrontmatter } from '../src/core/frontmatter';
import { outlineEngineFor } from '../src/core/markdown/parseOutline';
import { PlanIndex } from '../src/core/planIndex';
import { NodePlanFileSystem } from '../src/services/nodePlanFileSystem';

type Layout = 'single-file' | 'directory';

const EPICS = 1000;
const TASKS_PER_EPIC = 10;
const GENERATOR_VERSION = 2;
const workspacesDir = resolve(__dirname, '.workspaces');

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

// ------------------------------------------------------------------ generation

function pad(n: number, width = 3): string {
  return String(n).padStart(width, '0');
}

/** A single-file epic of about 4 KB, shaped like the ones the command-line tools write. */
function singleFileEpic(e: number): string {
  const lines = [
    `# Epic ${pad(e)}: Synthetic product ${e}`,
    '',
    `**Based on:** PRD-${pad(e)}`,
    `**Status:** ${['Planning', 'In Progress', 'Done'][e % 3]}`,
    '**Start Date:** 2026-01-05',
    '**Target:** 2026-02-20',
    '',
    '## Overview',
    '',
    `Deliver synthetic product ${e}: a service, its API, tests and deployment. This`,
    'paragraph stands in for the overview a team writes before it breaks work down.',
    '',
    '## Tasks',
    '',
  ];
  for (let t = 1; t <= TASKS_PER_EPIC; t++) {
    if (t % 2 === 1) lines.push(`### Group ${Math.ceil(t / 2)}`);
    const mark = t <= (e % TASKS_PER_EPIC) ? 'x' : t === (e % TASKS_PER_EPIC) + 1 ? '-' : ' ';
    lines.push(
      `- [${mark}] **Task ${t}:** Build part ${t} of product ${e}${t % 3 === 0 ? ` (#${e * 100 + t})` : ''}`,
      '  - Write the module and its unit tests',
      '  - Review the interface with the team',
      `  - **Estimate:** ${1 + (t % 4)} hours`,
      `  - **Agent:** ${t % 2 === 0 ? 'python-backend-engineer' : 'frontend-engineer'}`,
      ...(t > 2 && t % 4 === 0 ? [`  - **Depends on:** Task ${t - 2}`] : []),
      '',
    );
  }
  lines.push(
    '## Milestones',
    '',
    '- **M1 (Day 2):** Foundations (Tasks 1-4)',
    '- **M2 (Day 5):** Feature complete (Tasks 5-8)',
    '- **M3 (Day 7):** Shipped (Tasks 9-10)',
    '',
    '## Dependencies',
    '',
    '```mermaid',
    'graph TD',
  );
  for (let t = 2; t <= TASKS_PER_EPIC; t++) lines.push(`    T${t - 1}[Task ${t - 1}: Part ${t - 1}] --> T${t}[Task ${t}: Part ${t}]`);
  lines.push('```', '', '## Risks', '', '1. **Risk:** Scope creep', '   **Mitigation:** Weekly review of the task list', '');
  return lines.join('\n');
}

function epicMd(e: number): string {
  const lines = [
    '---',
    `name: product-${e}`,
    `status: ${['backlog', 'in-progress', 'completed'][e % 3]}`,
    'created: 2026-01-05T09:00:00Z',
    'updated: 2026-01-20T17:00:00Z',
    `progress: ${(e % TASKS_PER_EPIC) * 10}%`,
    `prd: .claude/prds/product-${e}.md`,
    `github: https://github.com/acme/products/issues/${e * 100}`,
    '---',
    '',
    `# Epic: product-${e}`,
    '',
    '## Overview',
    '',
    `Synthetic product ${e}.`,
    '',
    '## Tasks Created',
  ];
  for (let t = 1; t <= TASKS_PER_EPIC; t++) {
    lines.push(`- [${t <= e % TASKS_PER_EPIC ? 'x' : ' '}] ${pad(t)}.md - Part ${t} of product ${e} (parallel: ${t % 2 === 0})`);
  }
  lines.push('', `Total tasks: ${TASKS_PER_EPIC}`, '');
  return lines.join('\n');
}

/** A task file of about 400 bytes. */
function taskFile(e: number, t: number): string {
  const done = t <= e % TASKS_PER_EPIC;
  return [
    '---',
    `name: Part ${t} of product ${e}`,
    `status: ${done ? 'closed' : t === (e % TASKS_PER_EPIC) + 1 ? 'in-progress' : 'open'}`,
    'created: 2026-01-05T09:00:00Z',
    'updated: 2026-01-20T17:00:00Z',
    'github:',
    `depends_on: [${t > 1 ? pad(t - 1) : ''}]`,
    `parallel: ${t % 2 === 0}`,
    'conflicts_with: []',
    '---',
    '',
    `# Task: Part ${t} of product ${e}`,
    '',
    '## Description',
    '',
    'Build this part, with tests.',
    '',
    '## Acceptance Criteria',
    '- [ ] Behaviour covered by tests',
    '- [ ] Reviewed',
    '',
  ].join('\n');
}

function generate(layout: Layout): string {
  const dir = join(workspacesDir, `${layout}-${EPICS}x${TASKS_PER_EPIC}-v${GENERATOR_VERSION}`);
  if (existsSync(join(dir, '.complete'))) return dir;
  rmSync(dir, { recursive: true, force: true });
  if (layout === 'single-file') {
    mkdirSync(join(dir, 'epics'), { recursive: true });
    mkdirSync(join(dir, 'prds'), { recursive: true });
    for (let e = 1; e <= EPICS; e++) {
      writeFileSync(join(dir, 'epics', `epic-${pad(e, 4)}-product-${e}.md`), singleFileEpic(e));
      if (e % 10 === 0) writeFileSync(join(dir, 'prds', `prd-${pad(e, 4)}-product-${e}.md`), `# PRD-${pad(e)}: Product ${e}\n\n**Status:** Draft\n\n## Problem Statement\n\nSynthetic.\n`);
    }
  } else {
    mkdirSync(join(dir, '.claude', 'prds'), { recursive: true });
    for (let e = 1; e <= EPICS; e++) {
      const epicDir = join(dir, '.claude', 'epics', `product-${e}`);
      mkdirSync(epicDir, { recursive: true });
      writeFileSync(join(epicDir, 'epic.md'), epicMd(e));
      for (let t = 1; t <= TASKS_PER_EPIC; t++) writeFileSync(join(epicDir, `${pad(t)}.md`), taskFile(e, t));
      if (e % 10 === 0) writeFileSync(join(dir, '.claude', 'prds', `product-${e}.md`), `---\nname: product-${e}\nstatus: backlog\n---\n\n# PRD: product ${e}\n`);
    }
  }
  writeFileSync(join(dir, '.complete'), '');
  return dir;
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

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

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
  const worker = join(workspacesDir, 'bench-worker.cjs');
  const { build } = await import('esbuild');
  await build({ entryPoints: [__filename], outfile: worker, bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['esbuild'], logLevel: 'warning' });
  const results: Array<Record<string, number | string>> = [];
  for (const layout of ['single-file', 'directory'] as const) {
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
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
