/**
 * The real-VS-Code part of `npm run bench`, run inside VS Code's extension host as the
 * harness's extensionTestsPath, once per fresh window (bench/vscodeBench.ts bundles it to
 * out/bench/benchInHost.js). It times, as a caller of the extension's API sees them:
 * activation, the Epics tree's first answer over the whole workspace, expanding one epic,
 * and a file written on disk reaching the tree; and, as the floor of the first tree, reading
 * the same files through vscode.workspace.fs. The figures go to $AUTOPM_BENCH_RESULT_FILE
 * as JSON.
 */
import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import type { AutoPmApi } from '../../src/extension';
import type { EpicNode } from '../../src/features/explorer/nodes';
import type { EpicsTree } from '../../src/features/explorer/planTrees';
import type { FolderPlans } from '../../src/services/planWorkspace';

const EXTENSION_ID = 'autopm.autopm';
const SAVES = 2;
/**
 * VS Code runs this module as soon as its startup activations are done, while the workbench
 * is still restoring and the file watcher is still scanning; on a small machine that noise
 * would swamp the figures, so the window gets a moment to settle first.
 */
const SETTLE_MS = 1000;

export interface InHostResult {
  vscodeVersion: string;
  /** Whether VS Code had activated the extension before this module asked. */
  alreadyActive: boolean;
  /** What activate() measured of itself. */
  activationMs: number;
  /** `await extension.activate()`: loading the bundle and running activate(); null when already active. */
  activateCallMs: number | null;
  /** Whether anything started the index before the tree asked (the first tree would then look faster). */
  indexStartedBeforeTree: boolean;
  /** The first getChildren() of the Epics tree: the whole index is built through vscode.workspace.fs. */
  firstChildrenMs: number;
  /** getTreeItem() on every epic node of that answer. */
  firstTreeItemsMs: number;
  epics: number;
  tasks: number;
  /** Listing and reading the plan files through vscode.workspace.fs, parsing nothing: the floor of the first tree. */
  readOnlyMs: number;
  files: number;
  /** getChildren() and getTreeItem() of one epic's children. */
  expandEpicMs: number;
  /** From writing one epic file with vscode.workspace.fs until the tree reports the change, per save. */
  saveToTreeMs: number[];
}

export async function run(): Promise<void> {
  const result = await measure();
  fs.writeFileSync(process.env.AUTOPM_BENCH_RESULT_FILE!, JSON.stringify(result) + '\n');
  // The harness trusts a run only when the runner reports what passed.
  const harnessResult = process.env.AUTOPM_TEST_RESULT_FILE;
  if (harnessResult) fs.writeFileSync(harnessResult, JSON.stringify({ suite: 'bench', passes: 1, failures: 0, tests: 1 }) + '\n');
}

async function measure(): Promise<InHostResult> {
  await sleep(SETTLE_MS);
  const extension = vscode.extensions.getExtension<AutoPmApi>(EXTENSION_ID);
  if (!extension) throw new Error(`${EXTENSION_ID} is not loaded`);
  const alreadyActive = extension.isActive;
  let start = performance.now();
  const api = await extension.activate();
  const activateCallMs = alreadyActive ? null : performance.now() - start;

  const tree = api.explorer.epics;
  const indexStartedBeforeTree = api.workspace.hasStartedBuild;
  start = performance.now();
  const nodes = (await tree.getChildren()) as EpicNode[];
  const firstChildrenMs = performance.now() - start;
  start = performance.now();
  for (const node of nodes) await tree.getTreeItem(node);
  const firstTreeItemsMs = performance.now() - start;

  // A single-file epic from the middle of the list: its first open task box is what a save ticks.
  const singleFile = nodes.filter((n) => n.entry.epic.dir === undefined);
  const epic = singleFile[Math.floor(singleFile.length / 2)];
  start = performance.now();
  for (const child of await tree.getChildren(epic)) await tree.getTreeItem(child);
  const expandEpicMs = performance.now() - start;

  // After the tree, so that any warming up of the file system path flatters the floor, not the index.
  start = performance.now();
  const files = await readAll(epic.entry.folder);
  const readOnlyMs = performance.now() - start;

  const uri = epic.entry.folder.uriOf(epic.entry.epic.path);
  const original = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  const edited = original.replace('- [ ] ', '- [x] ');
  if (edited === original) throw new Error(`${epic.entry.epic.path} has no open task to tick`);
  const saveToTreeMs: number[] = [];
  try {
    // An even number of saves, so the file ends as it was.
    for (let i = 0; i < SAVES; i++) saveToTreeMs.push(await timeSave(tree, uri, i % 2 === 0 ? edited : original));
  } catch (error) {
    // The workspace is generated once and reused: leave it as it was.
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(original));
    throw error;
  }

  return {
    vscodeVersion: vscode.version,
    alreadyActive,
    activationMs: api.activationMs,
    activateCallMs,
    indexStartedBeforeTree,
    firstChildrenMs,
    firstTreeItemsMs,
    epics: nodes.length,
    tasks: api.workspace.epics().reduce((n, e) => n + e.epic.tasks.length, 0),
    readOnlyMs,
    files,
    expandEpicMs,
    saveToTreeMs,
  };
}

/**
 * Lists and reads every markdown file under the folder's plan roots as the index does
 * (folders one after another, then every file at once), and parses nothing. Returns the
 * number of files.
 */
async function readAll(folder: FolderPlans): Promise<number> {
  const files: vscode.Uri[] = [];
  const walk = async (dir: vscode.Uri): Promise<void> => {
    const entries = await vscode.workspace.fs.readDirectory(dir).then(undefined, () => []);
    for (const [name, type] of entries) {
      const uri = vscode.Uri.joinPath(dir, name);
      if (type & vscode.FileType.Directory) await walk(uri);
      else if (name.endsWith('.md')) files.push(uri);
    }
  };
  for (const root of folder.roots) await walk(folder.uriOf(root));
  const decoder = new TextDecoder();
  await Promise.all(files.map(async (uri) => decoder.decode(await vscode.workspace.fs.readFile(uri))));
  return files.length;
}

/** Writes `text` to `uri` and waits for the tree's change event: file watcher, debounce, re-index, refresh. */
async function timeSave(tree: EpicsTree, uri: vscode.Uri, text: string): Promise<number> {
  let subscription: vscode.Disposable | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const changed = new Promise<void>((resolve, reject) => {
    subscription = tree.onDidChangeTreeData(() => resolve());
    timer = setTimeout(() => reject(new Error(`The Epics tree did not change within 10 s of writing ${uri.path}`)), 10_000);
  });
  const start = performance.now();
  try {
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    await changed;
    return performance.now() - start;
  } finally {
    subscription?.dispose();
    clearTimeout(timer);
    // A watcher may report one write twice; let any echo pass before the next save.
    await sleep(100);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
