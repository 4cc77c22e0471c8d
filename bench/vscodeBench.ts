/**
 * The part of `npm run bench` measured in a real VS Code: the test harness's VS Code server
 * and web workbench (installed by `npm run harness:setup`), with this repository as the
 * development extension. Every sample is a fresh server and browser window on 1,000 epics,
 * in which bench/vscode/benchInHost.ts times activation and the Epics tree's first answer.
 *
 * VS Code activates the extension by itself before it runs the in-host module when the
 * workspace matches an activation event (workspaceContains:epics/*.md, ...). So the plans
 * sit one folder down, in plans/, and autopm.planRoots points there: the module's own
 * activate() call is then the one that loads and activates the extension.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { DEFAULT_PLAN_ROOTS } from '../src/core/planIndex';
import type { InHostResult } from './vscode/benchInHost';
import { EPICS, workspace, writeEpic } from './workspaces';
import { median, round } from './stats';

const repo = resolve(__dirname, '..');
const PLANS = 'plans';
/** Epics from here on use the directory layout (.claude/epics/<name>/); the others are single files. */
const FIRST_DIRECTORY_EPIC = 901;

/** 900 single-file epics under plans/epics and 100 epic folders under plans/.claude/epics. */
function generateMixed(): string {
  return workspace('vscode-mixed', (dir) => {
    for (let e = 1; e <= EPICS; e++) writeEpic(join(dir, PLANS), e, e >= FIRST_DIRECTORY_EPIC ? 'directory' : 'single-file');
  });
}

/** The window loads the extension from dist/ (as the integration tests do): it must be built from today's source. */
function assertBuilt(): void {
  const bundle = join(repo, 'dist', 'extension.js');
  const built = existsSync(bundle) ? statSync(bundle).mtimeMs : 0;
  const sources = readdirSync(join(repo, 'src'), { recursive: true, encoding: 'utf8' }).map((file) => join(repo, 'src', file));
  const newer = sources.filter((file) => statSync(file).mtimeMs > built);
  if (newer.length > 0) {
    throw new Error(`dist/extension.js is missing or older than ${relative(repo, newer[0])}${newer.length > 1 ? ` and ${newer.length - 1} more` : ''}; run: npm run build`);
  }
}

/**
 * One sample: a fresh VS Code server and browser window, in a process of its own so that the
 * harness's output shows only when it fails. Undefined when the harness is not installed.
 */
function runWindow(folder: string, inHost: string, resultFile: string): InHostResult | undefined {
  const options = {
    extensionDevelopmentPath: repo,
    extensionTestsPath: inHost,
    folder,
    env: { AUTOPM_BENCH_RESULT_FILE: resultFile },
    settings: { 'autopm.planRoots': DEFAULT_PLAN_ROOTS.map((root) => `${PLANS}/${root}`) },
    timeoutMs: 60_000,
  };
  const child = spawnSync(process.execPath, [join(__dirname, 'vscode', 'window.mjs'), JSON.stringify(options)], { encoding: 'utf8', timeout: 120_000 });
  if (child.status === 2) {
    console.log(`real VS Code: skipped. ${child.stderr.trim()}`);
    return undefined;
  }
  if (child.status !== 0) throw new Error(`A VS Code window failed (exit code ${child.status ?? child.signal}):\n${child.stdout}${child.stderr}`);
  const sample = JSON.parse(readFileSync(resultFile, 'utf8')) as InHostResult;
  if (sample.epics !== EPICS) throw new Error(`The Epics tree showed ${sample.epics} epics, not ${EPICS}.`);
  if (sample.alreadyActive || sample.indexStartedBeforeTree) {
    throw new Error('Something activated the extension or started its index before the benchmark did; the figures would not mean what they say.');
  }
  return sample;
}

/** Runs the real-VS-Code benchmark and prints its figures, or says why it was skipped. */
export async function benchVscode({ runs, json }: { runs: number; json: boolean }): Promise<void> {
  const started = performance.now();
  const harness = pathToFileURL(join(repo, 'test', 'harness', 'vscodeHarness.mjs')).href;
  const { HARNESS_DIR } = (await import(harness)) as { HARNESS_DIR: string };
  if (!existsSync(HARNESS_DIR)) {
    console.log(`real VS Code: skipped, the test harness is not installed in ${HARNESS_DIR} (npm run harness:setup installs it).`);
    return;
  }
  assertBuilt();
  const folder = generateMixed();
  const inHost = join(repo, 'out', 'bench', 'benchInHost.js');
  const { build } = await import('esbuild');
  await build({
    entryPoints: [join(__dirname, 'vscode', 'benchInHost.ts')],
    outfile: inHost,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    logLevel: 'warning',
  });

  const samples: InHostResult[] = [];
  const resultsDir = mkdtempSync(join(tmpdir(), 'autopm-bench-'));
  try {
    for (let i = 0; i < runs; i++) {
      const sample = runWindow(folder, inHost, join(resultsDir, `sample-${i}.json`));
      if (!sample) return;
      samples.push(sample);
    }
  } finally {
    rmSync(resultsDir, { recursive: true, force: true });
  }

  const figures = {
    activationMs: samples.map((s) => s.activationMs),
    activateCallMs: samples.map((s) => s.activateCallMs!),
    readOnlyMs: samples.map((s) => s.readOnlyMs),
    firstTreeMs: samples.map((s) => s.firstChildrenMs + s.firstTreeItemsMs),
    // Each window reads and indexes the same files, so the median of its ratios is the figure to trust.
    firstTreeToReadRatio: samples.map((s) => (s.firstChildrenMs + s.firstTreeItemsMs) / s.readOnlyMs),
    firstChildrenMs: samples.map((s) => s.firstChildrenMs),
    firstTreeItemsMs: samples.map((s) => s.firstTreeItemsMs),
    expandEpicMs: samples.map((s) => s.expandEpicMs),
    // Each window's median save, then the median over windows.
    saveToTreeMs: samples.map((s) => median(s.saveToTreeMs)),
    emptyPanelMs: samples.map((s) => s.panels.emptyPanelMs),
    firstPanelMs: samples.map((s) => s.panels.firstPanelMs),
    graphMs: samples.map((s) => s.panels.graphMs),
    graphReadyMs: samples.map((s) => s.panels.graphReadyMs),
    graphDrawMs: samples.map((s) => s.panels.graphDrawMs),
    graphRedrawMs: samples.map((s) => s.panels.graphRedrawMs),
    graphTypingMs: samples.map((s) => s.panels.graphTypingMs),
    epicReportReadyMs: samples.map((s) => s.panels.epicReportReadyMs),
    epicReportInPageMs: samples.map((s) => s.panels.epicReportInPageMs),
    largeGraphMs: samples.map((s) => s.panels.largeGraphMs),
    epicReportMs: samples.map((s) => s.panels.epicReportMs),
    projectReportMs: samples.map((s) => s.panels.projectReportMs),
  };
  const seconds = (performance.now() - started) / 1000;
  const { vscodeVersion, tasks } = samples[0];
  if (json) {
    const medians = Object.fromEntries(Object.entries(figures).map(([name, values]) => [name, round(median(values))]));
    process.stdout.write(JSON.stringify({ layout: 'vscode', vscodeVersion, epics: EPICS, tasks, windows: runs, ...medians, seconds: round(seconds) }) + '\n');
    return;
  }
  const row = (label: string, values: number[], note = '') => {
    const spread = `${Math.min(...values).toFixed(1)}-${Math.max(...values).toFixed(1)}`;
    console.log(`  ${label.padEnd(36)} ${median(values).toFixed(1).padStart(8)} ms   (${spread})${note}`);
  };
  console.log(`real VS Code ${vscodeVersion}, ${EPICS.toLocaleString('en')} epics (${tasks.toLocaleString('en')} tasks), medians of ${runs} fresh windows (min-max):`);
  row('activation (reported by activate)', figures.activationMs);
  row('activate() seen by a caller', figures.activateCallMs, '   loading the bundle included');
  row(`read only (${samples[0].files.toLocaleString('en')} files, workspace.fs)`, figures.readOnlyMs);
  row(
    `first tree (index + ${EPICS.toLocaleString('en')} items)`,
    figures.firstTreeMs,
    `   ${median(figures.firstTreeToReadRatio).toFixed(1)}x reading; getTreeItem: ${median(figures.firstTreeItemsMs).toFixed(1)} ms`,
  );
  row('one epic expanded', figures.expandEpicMs);
  row('one file written, tree refreshed', figures.saveToTreeMs, '   file watcher and debounce included');
  row('an empty webview panel loaded', figures.emptyPanelMs, '   the floor: what VS Code itself takes to show a panel');
  row('the window\'s first panel said ready', figures.firstPanelMs, '   the board, opened first: VS Code starts serving the extension\'s files');
  row('graph of a 10-task epic drawn', figures.graphMs, '   from the command to the webview\'s drawn message');
  row('  of which until the page said ready', figures.graphReadyMs);
  row('  of which mermaid in the page', figures.graphDrawMs);
  row('graph redrawn after Complete Task', figures.graphRedrawMs);
  row('graph redrawn after typing in the epic', figures.graphTypingMs, '   the 150 ms typing pause included');
  row(`graph of a 200-task epic drawn`, figures.largeGraphMs, `   ${samples[0].panels.largeGraphNodes} nodes`);
  row('epic report drawn', figures.epicReportMs);
  row('  of which until the page said ready', figures.epicReportReadyMs);
  row('  of which the page, from the report to drawn', figures.epicReportInPageMs);
  row(`project report drawn (${EPICS.toLocaleString('en')} epics)`, figures.projectReportMs);
  console.log(`  (${runs} windows in ${seconds.toFixed(0)} s)`);
}
