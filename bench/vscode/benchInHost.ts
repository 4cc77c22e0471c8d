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
import type { GraphPanel } from '../../src/features/graph/graphPanel';
import type { ReportPanel } from '../../src/features/report/reportPanel';
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
  /** Panels, from the command until the webview reports it drew (the webview's own message). */
  panels: PanelTimes;
}

export interface PanelTimes {
  /** Dependency graph of a 10-task epic. */
  graphMs: number;
  /** Of which: until the webview said ready (the page and its script loaded). */
  graphReadyMs: number;
  /** The floor: a panel whose page is one inline script that posts a message. */
  emptyPanelMs: number;
  /** The first panel of the window with scripts of its own (the board), until its page said ready. */
  firstPanelMs: number;
  /** Of which: the webview's own time from the graph's arrival to the drawn SVG (mermaid loading and layout). */
  graphDrawMs: number;
  /** Completing a task from the task command until the open graph redrew. */
  graphRedrawMs: number;
  /** Typing in the open epic (not saved) until the graph redrew: the typing pause included. */
  graphTypingMs: number;
  /** Of the epic report's time: until its page said ready, and its own time from the report's arrival to the drawn page. */
  epicReportReadyMs: number;
  epicReportInPageMs: number;
  /** Dependency graph of a 200-task epic. */
  largeGraphMs: number;
  largeGraphNodes: number;
  epicReportMs: number;
  projectReportMs: number;
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

  const panels = await measurePanels(api, epic.entry.folder, epic.entry.epic.path);

  return {
    panels,
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

/** Resolves with the time from `start` when `event` first fires with a value `accept` takes. */
function timeUntil<T>(event: vscode.Event<T>, accept: (value: T) => boolean, start: number, what: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`${what} did not happen within 20 s`));
    }, 20_000);
    const subscription = event((value) => {
      if (!accept(value)) return;
      clearTimeout(timer);
      subscription.dispose();
      resolve(performance.now() - start);
    });
  });
}

/** A single-file epic of `tasks` tasks in groups of ten, each depending on the one before and some on one further back. */
function largeEpic(tasks: number): string {
  const lines = ['# Epic 999: Large epic', '', '**Status:** In Progress', '', '## Tasks', ''];
  for (let t = 1; t <= tasks; t++) {
    if (t % 10 === 1) lines.push(`### Stage ${Math.ceil(t / 10)}`, '');
    lines.push(`- [${t <= tasks / 4 ? 'x' : ' '}] **Task ${t}:** Part ${t} of the large epic`, `  - **Estimate:** ${1 + (t % 5)} hours`);
    const deps = [t - 1, t % 3 === 0 ? t - 7 : 0].filter((d) => d >= 1);
    if (deps.length > 0) lines.push(`  - **Depends on:** ${deps.map((d) => `Task ${d}`).join(', ')}`);
    lines.push('');
  }
  return lines.join('\n');
}

/** How long VS Code takes to show any webview here: a page that only says it loaded. */
async function emptyPanel(): Promise<number> {
  const start = performance.now();
  const panel = vscode.window.createWebviewPanel('autopm.benchEmpty', 'Empty', vscode.ViewColumn.Active, { enableScripts: true });
  const said = new Promise<void>((resolve) => panel.webview.onDidReceiveMessage(() => resolve()));
  panel.webview.html = `<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-x'"></head>
<body><script nonce="x">acquireVsCodeApi().postMessage({ type: 'ready' });</script></body></html>`;
  await said;
  const ms = performance.now() - start;
  panel.dispose();
  return ms;
}

async function measurePanels(api: AutoPmApi, folder: FolderPlans, epicPath: string): Promise<PanelTimes> {
  const scope = { folder: folder.key, epicPath };
  const emptyPanelMs = await emptyPanel();
  // The first panel with scripts of its own pays for VS Code starting to serve the
  // extension's files to webviews; a board opened and closed first takes that cost, so the
  // figures below are what opening a panel costs in a window that has shown one before.
  const warm = (await vscode.commands.executeCommand('autopm.openBoard', scope)) as { onDidExchange: vscode.Event<{ message: { type: string } }>; dispose(): void } | undefined;
  const warmMs = warm ? await timeUntil(warm.onDidExchange, (t) => t.message.type === 'ready', performance.now(), 'the board') : 0;
  warm?.dispose();
  let start = performance.now();
  const graph = (await vscode.commands.executeCommand('autopm.showGraph', scope)) as GraphPanel;
  let graphDrawMs = 0;
  const graphMs = await timeUntil(graph.onDidRender, (m) => ((graphDrawMs = m.ms), m.revision >= 1 && !m.error), start, 'the graph');
  const graphReadyMs = graph.trace.find((t) => t.message.type === 'ready')!.at - start;
  const epic = folder.index.allEpics.find((e) => e.path === epicPath)!;
  const open = epic.tasks.find((t) => t.state !== 'done')!;
  const uri = folder.uriOf(epicPath);
  const original = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  start = performance.now();
  const redrawn = timeUntil(graph.onDidRender, (m) => m.revision >= 2, start, 'the graph redraw');
  await vscode.commands.executeCommand('autopm.completeTask', { folder: folder.key, epicPath, taskId: open.id });
  const graphRedrawMs = await redrawn;

  // Typing in the epic: a title changed in the open document, not saved.
  const document = await vscode.workspace.openTextDocument(uri);
  const titleLine = open.range.line;
  const end = document.lineAt(titleLine).range.end;
  const typed = new vscode.WorkspaceEdit();
  typed.insert(uri, end, ' (typed)');
  const revision = (graph.trace.filter((t) => t.message.type === 'rendered').at(-1)?.message as unknown as { revision: number }).revision;
  start = performance.now();
  const retyped = timeUntil(graph.onDidRender, (m) => m.revision > revision, start, 'the graph redraw after typing');
  await vscode.workspace.applyEdit(typed);
  const graphTypingMs = await retyped;
  const undo = new vscode.WorkspaceEdit();
  undo.delete(uri, new vscode.Range(end, end.translate(0, ' (typed)'.length)));
  await vscode.workspace.applyEdit(undo);
  await document.save();
  graph.dispose();
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(original));

  // The file just written back is re-read by the index and the watchers: let that pass,
  // so that the report is timed on its own.
  await sleep(SETTLE_MS);
  start = performance.now();
  const report = (await vscode.commands.executeCommand('autopm.openEpicStatus', scope)) as ReportPanel;
  const epicReportMs = await timeUntil(report.onDidRender, (r) => r >= 1, start, 'the epic report');
  const epicReportReadyMs = report.trace.find((t) => t.message.type === 'ready')!.at - start;
  const epicReportInPageMs = (report.trace.find((t) => t.message.type === 'rendered')!.message as unknown as { ms: number }).ms;
  report.dispose();
  start = performance.now();
  const project = (await vscode.commands.executeCommand('autopm.openProjectStatus', folder.key)) as ReportPanel;
  const projectReportMs = await timeUntil(project.onDidRender, (r) => r >= 1, start, 'the project report');
  project.dispose();

  // Last, so that the epic it adds changes nothing measured before.
  const largePath = `${folder.roots.find((r) => r.endsWith('epics') && !r.includes('.claude'))}/epic-999-large.md`;
  const largeUri = folder.uriOf(largePath);
  await vscode.workspace.fs.writeFile(largeUri, new TextEncoder().encode(largeEpic(200)));
  try {
    await api.workspace.update(folder, [largePath]);
    start = performance.now();
    const large = (await vscode.commands.executeCommand('autopm.showGraph', { folder: folder.key, epicPath: largePath })) as GraphPanel;
    let largeGraphNodes = 0;
    const largeGraphMs = await timeUntil(large.onDidRender, (m) => ((largeGraphNodes = m.nodes), m.revision >= 1 && !m.error), start, 'the large graph');
    large.dispose();
    return { emptyPanelMs, firstPanelMs: warmMs, graphMs, graphReadyMs, graphDrawMs, graphRedrawMs, graphTypingMs, epicReportReadyMs, epicReportInPageMs, largeGraphMs, largeGraphNodes, epicReportMs, projectReportMs };
  } finally {
    await vscode.workspace.fs.delete(largeUri);
    await api.workspace.update(folder, [largePath]);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
