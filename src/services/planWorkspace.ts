import { readFileSync, statSync } from 'node:fs';
import * as vscode from 'vscode';
import type { EpicAnalysis, TaskAnalysis } from '../core/analysis';
import type { Diagnostic, Epic, Prd, Task } from '../core/model';
import type { IndexChange } from '../core/planIndex';
import { DEFAULT_PLAN_ROOTS, isToolRoot, PlanIndex } from '../core/planIndex';
import type { OtherFormat } from '../core/detectFormat';
import { detectOtherFormat } from '../core/detectFormat';
import { Disposable } from '../common/lifecycle';
import { VscodePlanFileSystem } from './vscodePlanFileSystem';
import { epicRef } from '../core/model';

/** One workspace folder's plans. */
export class FolderPlans {
  readonly fs: VscodePlanFileSystem;
  readonly index: PlanIndex;
  /** Index operations run one at a time, so an update never interleaves with a build. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly folder: vscode.WorkspaceFolder,
    readonly roots: readonly string[],
  ) {
    this.fs = new VscodePlanFileSystem(folder.uri);
    this.index = new PlanIndex(this.fs, roots);
  }

  get key(): string {
    return this.folder.uri.toString();
  }

  uriOf(path: string): vscode.Uri {
    return this.fs.uriOf(path);
  }

  /** A file's text on disk, when this folder is on this machine; undefined when there is none. */
  localText(path: string): string | undefined {
    const uri = this.uriOf(path);
    if (uri.scheme !== 'file') return undefined;
    try {
      return readFileSync(uri.fsPath, 'utf8');
    } catch {
      return undefined;
    }
  }

  /** When a file on disk last changed (ISO), when this folder is on this machine and it is a file. */
  localModified(path: string): string | undefined {
    const uri = this.uriOf(path);
    if (uri.scheme !== 'file') return undefined;
    try {
      const stats = statSync(uri.fsPath, { throwIfNoEntry: false });
      return stats?.isFile() ? stats.mtime.toISOString() : undefined;
    } catch {
      return undefined;
    }
  }

  /** A file's text as the user sees it: an open editor's, unsaved edits included, else the disk's. */
  currentText(path: string): string | undefined {
    const uri = this.uriOf(path).toString();
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
    return open ? open.getText() : this.localText(path);
  }

  /** The path of a URI relative to this folder, or undefined when it lies outside. */
  relativePath(uri: vscode.Uri): string | undefined {
    const root = this.folder.uri;
    if (uri.scheme !== root.scheme || uri.authority !== root.authority) return undefined;
    const base = root.path.endsWith('/') ? root.path : root.path + '/';
    if (uri.path === root.path) return '';
    return uri.path.startsWith(base) ? uri.path.slice(base.length) : undefined;
  }

  run<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.queue.then(operation, operation);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

/** A task with everything a surface needs to show or change it. */
export interface TaskEntry {
  readonly folder: FolderPlans;
  readonly epic: Epic;
  readonly analysis: EpicAnalysis;
  readonly task: Task;
  readonly state: TaskAnalysis;
}

export interface EpicEntry {
  readonly folder: FolderPlans;
  readonly epic: Epic;
  readonly analysis: EpicAnalysis;
}

/** What arguments from CodeLens, trees and other commands carry to name a task. */
export interface TaskRef {
  readonly folder: string;
  readonly epicPath: string;
  readonly taskId: string;
}

export interface PlanChangeEvent {
  readonly folder: FolderPlans;
  readonly change: IndexChange;
}

export type PlanState = 'loading' | 'noPlans' | 'emptyPlanFolder' | 'ready';

export function epicKey(folder: FolderPlans, epic: Epic): string {
  return `${folder.key}#${epic.path}`;
}

/**
 * The plans of every workspace folder: the one model every surface reads. Nothing is
 * parsed until a surface first asks (`ready`); afterwards file events, edits in open
 * documents and folder changes keep it current and fire `onDidChange`.
 */
export class PlanWorkspace extends Disposable {
  private folders = new Map<string, FolderPlans>();
  private built: Promise<void> | undefined;
  private currentState: PlanState = 'loading';
  /** With no plans: the other tool's plans the workspace holds instead, if any. */
  private otherFormat: OtherFormat | undefined;
  private readonly watchers = new Map<string, vscode.Disposable>();
  private readonly pendingPaths = new Map<string, Set<string>>();
  private flushTimer: ReturnType<typeof setTimeout> | undefined;

  private readonly _onDidChange = this._register(new vscode.EventEmitter<PlanChangeEvent | undefined>());
  /** A folder's plans changed; `undefined` when everything may have (a rebuild). */
  readonly onDidChange = this._onDidChange.event;
  private readonly _onDidChangeState = this._register(new vscode.EventEmitter<PlanState>());
  readonly onDidChangeState = this._onDidChangeState.event;

  constructor(
    private readonly log: vscode.LogOutputChannel,
    /**
     * How long typing pauses before an open document is parsed again: long enough that a
     * word typed is one parse, short enough that an open graph redraws within half a second.
     */
    private readonly typingDelayMs = 150,
  ) {
    super();
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.rebuild('workspace folders changed')));
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('autopm.planRoots')) void this.rebuild('plan roots changed');
      }),
    );
    this._register(vscode.workspace.onDidChangeTextDocument((e) => e.contentChanges.length > 0 && this.queuePath(e.document.uri, this.typingDelayMs)));
    this._register(vscode.workspace.onDidSaveTextDocument((d) => this.queuePath(d.uri, 0)));
    // Closing a document without saving takes the index back to what is on disk.
    this._register(vscode.workspace.onDidCloseTextDocument((d) => this.queuePath(d.uri, 0)));
    this._register({ dispose: () => this.flushTimer && clearTimeout(this.flushTimer) });
    this._register({ dispose: () => this.watchers.forEach((w) => w.dispose()) });
  }

  get state(): PlanState {
    return this.currentState;
  }

  /** What the workspace holds instead of plans AutoPM reads (only while the state is `noPlans`). */
  get detectedFormat(): OtherFormat | undefined {
    return this.otherFormat;
  }

  /** Builds the index on first use; later calls wait for the same build. */
  ready(): Promise<void> {
    this.built ??= this.buildAll();
    return this.built;
  }

  /** Whether anything has asked for the index yet. */
  get hasStartedBuild(): boolean {
    return this.built !== undefined;
  }

  get isBuilt(): boolean {
    return this.currentState !== 'loading';
  }

  get allFolders(): readonly FolderPlans[] {
    return [...this.folders.values()];
  }

  /** Throws away every index and builds again, e.g. after the roots setting changed. */
  async rebuild(reason: string): Promise<void> {
    if (!this.built) return; // Nothing built yet: the first `ready` will see the new state.
    this.log.info(`[PlanWorkspace] rebuilding: ${reason}`);
    this.built = this.buildAll();
    await this.built;
    this._onDidChange.fire(undefined);
  }

  private async buildAll(): Promise<void> {
    const started = Date.now();
    const next = new Map<string, FolderPlans>();
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const plans = new FolderPlans(folder, planRoots(folder.uri));
      next.set(plans.key, plans);
    }
    this.folders = next;
    this.watch();
    await Promise.all([...next.values()].map((plans) => plans.run(() => plans.index.build())));
    await this.updateState();
    const epics = this.allFolders.reduce((n, f) => n + f.index.allEpics.length, 0);
    const prds = this.allFolders.reduce((n, f) => n + f.index.prds.length, 0);
    this.log.info(`[PlanWorkspace] indexed ${prds} PRDs and ${epics} epics in ${next.size} folder(s) in ${Date.now() - started} ms`);
  }

  /** One watcher per folder over its plan roots (the folders themselves included). */
  private watch(): void {
    this.watchers.forEach((w) => w.dispose());
    this.watchers.clear();
    for (const plans of this.folders.values()) {
      // The roots' parent folders too: deleting or renaming `.claude` is one event for `.claude`.
      const parents = plans.roots.flatMap((r) => r.split('/').slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join('/')));
      const glob = `{${[...new Set([...parents, ...plans.roots.flatMap((r) => [r, `${r}/**`])])].join(',')}}`;
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(plans.folder, glob));
      const onEvent = (uri: vscode.Uri) => this.queuePath(uri, 50);
      watcher.onDidCreate(onEvent);
      watcher.onDidChange(onEvent);
      watcher.onDidDelete(onEvent);
      this.watchers.set(plans.key, watcher);
    }
  }

  /** Finds the folder a URI belongs to (the innermost, for nested folders). */
  folderOf(uri: vscode.Uri): { plans: FolderPlans; path: string } | undefined {
    let best: { plans: FolderPlans; path: string } | undefined;
    for (const plans of this.folders.values()) {
      const path = plans.relativePath(uri);
      if (path !== undefined && (!best || plans.folder.uri.path.length > best.plans.folder.uri.path.length)) best = { plans, path };
    }
    return best;
  }

  folderByKey(key: string): FolderPlans | undefined {
    return this.folders.get(key);
  }

  private queuePath(uri: vscode.Uri, delayMs: number): void {
    if (!this.built) return;
    const found = this.folderOf(uri);
    if (!found || found.path === '') return;
    // Only paths under a plan root (or a root itself) concern the index.
    if (!found.plans.roots.some((r) => found.path === r || found.path.startsWith(r + '/') || r.startsWith(found.path + '/'))) return;
    let paths = this.pendingPaths.get(found.plans.key);
    if (!paths) this.pendingPaths.set(found.plans.key, (paths = new Set()));
    paths.add(found.path);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = setTimeout(() => void this.flush(), delayMs);
  }

  private async flush(): Promise<void> {
    this.flushTimer = undefined;
    const batches = [...this.pendingPaths];
    this.pendingPaths.clear();
    await this.built;
    for (const [key, paths] of batches) {
      const plans = this.folders.get(key);
      if (plans) await this.update(plans, [...paths]);
    }
  }

  /** Re-reads paths of one folder now, and tells listeners what changed. */
  async update(plans: FolderPlans, paths: readonly string[]): Promise<IndexChange> {
    const change = await plans.run(() => plans.index.update(paths));
    const changed = change.added.length + change.changed.length + change.removed.length > 0;
    // A plan folder created or deleted changes the state without changing any plan.
    if (changed || this.currentState !== 'ready') await this.updateState();
    if (changed) {
      this.log.debug(`[PlanWorkspace] ${plans.folder.name}: +${change.added.length} ~${change.changed.length} -${change.removed.length}`);
      this._onDidChange.fire({ folder: plans, change });
    }
    return change;
  }

  /**
   * Brings the index up to date with an open document before a provider answers for it,
   * so CodeLens and hovers never point at lines from before the latest keystroke.
   */
  async syncDocument(document: vscode.TextDocument): Promise<{ plans: FolderPlans; path: string } | undefined> {
    await this.ready();
    const found = this.folderOf(document.uri);
    if (!found || !found.plans.index.roleOf(found.path)) return undefined;
    await this.update(found.plans, [found.path]);
    return found;
  }

  /** Everything may have changed on disk (e.g. a branch switch): scan again, keeping caches. */
  async refresh(): Promise<void> {
    if (!this.built) return this.ready();
    await this.built;
    for (const plans of this.folders.values()) {
      const change = await plans.run(() => plans.index.build());
      if (change.added.length + change.changed.length + change.removed.length > 0) this._onDidChange.fire({ folder: plans, change });
    }
    await this.updateState();
  }

  private async updateState(): Promise<void> {
    let state: PlanState;
    const hasPlans = this.allFolders.some((f) => f.index.allEpics.length > 0 || f.index.prds.length > 0);
    if (hasPlans) {
      state = 'ready';
    } else {
      // Another tool's folder without its files (a `specs/` of something else) is no plan folder.
      const folderExists = await Promise.all(this.allFolders.flatMap((f) => f.roots.filter((r) => !isToolRoot(r)).map((r) => f.fs.exists(r))));
      state = folderExists.some(Boolean) ? 'emptyPlanFolder' : 'noPlans';
    }
    const other =
      state === 'noPlans'
        ? (await Promise.all(this.allFolders.map((f) => detectOtherFormat((path) => f.fs.exists(path), f.roots)))).find((found) => found !== undefined)
        : undefined;
    if (other?.key !== this.otherFormat?.key) {
      this.otherFormat = other;
      if (state === this.currentState) this._onDidChangeState.fire(state);
    }
    if (state !== this.currentState) {
      this.currentState = state;
      this._onDidChangeState.fire(state);
    }
  }

  // ---------------------------------------------------------------------------------
  // Queries over the built index

  epics(): EpicEntry[] {
    return this.allFolders.flatMap((folder) => folder.index.allEpics.map((epic) => ({ folder, epic, analysis: folder.index.analysis(epic) })));
  }

  prds(): Array<{ folder: FolderPlans; prd: Prd }> {
    return this.allFolders.flatMap((folder) => folder.index.prds.map((prd) => ({ folder, prd })));
  }

  diagnostics(): Array<{ folder: FolderPlans; diagnostics: Diagnostic[] }> {
    return this.allFolders.map((folder) => ({ folder, diagnostics: folder.index.diagnostics() }));
  }

  epicEntry(folder: FolderPlans, epic: Epic): EpicEntry {
    return { folder, epic, analysis: folder.index.analysis(epic) };
  }

  findEpic(folderKey: string, epicPath: string): EpicEntry | undefined {
    const folder = this.folders.get(folderKey);
    const epic = folder?.index.allEpics.find((e) => epicRef(e) === epicPath);
    return folder && epic ? this.epicEntry(folder, epic) : undefined;
  }

  findTask(ref: TaskRef): TaskEntry | undefined {
    const entry = this.findEpic(ref.folder, ref.epicPath);
    return entry && taskEntry(entry, ref.taskId);
  }

  /**
   * The epic a document belongs to: its epic file, one of its task files, or a file in its
   * folder. A file that holds several epics (Task Master's tags) gives the one `line` is
   * in, else the first.
   */
  epicForDocument(uri: vscode.Uri, line?: number): EpicEntry | undefined {
    const all = this.epicsForDocument(uri);
    if (line === undefined || all.length < 2) return all[0];
    // The tag whose key is the last one above the line (keys may be written in any order).
    let best: EpicEntry | undefined;
    for (const e of all) if (e.epic.range.line <= line && (!best || e.epic.range.line > best.epic.range.line)) best = e;
    return best ?? all[0];
  }

  /** Every epic a document belongs to, in file order (several only for Task Master's tags). */
  epicsForDocument(uri: vscode.Uri): EpicEntry[] {
    const found = this.folderOf(uri);
    if (!found) return [];
    const { plans, path } = found;
    return plans.index.allEpics
      .filter((e) => e.path === path || (e.dir !== undefined && path.startsWith(e.dir + '/') && !path.slice(e.dir.length + 1).includes('/')))
      .map((epic) => this.epicEntry(plans, epic));
  }

  prdForDocument(uri: vscode.Uri): { folder: FolderPlans; prd: Prd } | undefined {
    const found = this.folderOf(uri);
    const prd = found?.plans.index.prds.find((p) => p.path === found.path);
    return found && prd ? { folder: found.plans, prd } : undefined;
  }
}

export function taskEntry(entry: EpicEntry, taskId: string): TaskEntry | undefined {
  const state = entry.analysis.tasks.get(taskId);
  return state && { ...entry, task: state.task, state };
}

export function taskRef(entry: { folder: FolderPlans; epic: Epic; task: Task }): TaskRef {
  return { folder: entry.folder.key, epicPath: epicRef(entry.epic), taskId: entry.task.id };
}

/** The plan roots of a workspace folder (the setting is per folder), tidied: `./plans/` is `plans`. */
export function planRoots(scope?: vscode.Uri): readonly string[] {
  const configured = vscode.workspace.getConfiguration('autopm', scope).get<unknown>('planRoots');
  const roots = (Array.isArray(configured) ? configured : [])
    .filter((r): r is string => typeof r === 'string')
    .map((r) => r.trim().replace(/\\/g, '/').replace(/^(\.\/)+/, '').replace(/\/+$/, ''))
    .filter((r) => r.length > 0 && r !== '.' && !r.startsWith('/') && !r.split('/').includes('..'));
  return roots.length > 0 ? [...new Set(roots)] : DEFAULT_PLAN_ROOTS;
}

/** Every folder's roots, for document selectors that cover the whole workspace. */
export function allPlanRoots(): readonly string[] {
  const folders = vscode.workspace.workspaceFolders ?? [];
  return [...new Set(folders.length > 0 ? folders.flatMap((f) => planRoots(f.uri)) : planRoots())];
}
