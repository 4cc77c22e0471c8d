import * as vscode from 'vscode';
import type { TaskHistory } from '../core/history';
import { buildTaskHistory } from '../core/history';
import { Disposable } from '../common/lifecycle';
import type { GitApi } from './gitExtension';
import { loadGitExtension } from './gitExtension';
import { readGitHistory } from './nodeGitHistory';
import type { FolderPlans, PlanWorkspace } from './planWorkspace';

/**
 * When tasks were done, for burndowns: replayed from the git history of the plan files when
 * the folder is a repository VS Code's git extension knows (its git binary and its notion of
 * the repository), else from the files' own dates. Kept per folder until the plans or the
 * repository change.
 */
export class PlanHistoryService extends Disposable {
  private readonly cache = new Map<string, Promise<TaskHistory>>();
  /** What the cache's promises resolved to, for callers that draw now and refine later. */
  private readonly resolved = new Map<string, TaskHistory>();
  private git: GitApi | undefined;
  private watchingEnablement = false;
  private readonly watched = new Set<string>();
  private readonly _onDidChange = this._register(new vscode.EventEmitter<void>());
  /** The history may differ from what was last given (a commit, a checkout, git turned on); the plans did not change. */
  readonly onDidChange = this._onDidChange.event;

  constructor(
    private readonly workspace: PlanWorkspace,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this._register(
      workspace.onDidChange((event) => {
        if (event) this.forget(event.folder.key);
        else this.forget();
      }),
    );
  }

  taskHistory(folder: FolderPlans): Promise<TaskHistory> {
    let history = this.cache.get(folder.key);
    if (!history) {
      const reading = this.read(folder);
      history = reading;
      this.cache.set(folder.key, reading);
      reading.then(
        (result) => this.cache.get(folder.key) === reading && this.resolved.set(folder.key, result),
        // A failed read is not kept: the next call tries again.
        () => this.cache.get(folder.key) === reading && this.cache.delete(folder.key),
      );
    }
    return history;
  }

  /** The folder's history if it is already known and current, without waiting for it. */
  peek(folder: FolderPlans): TaskHistory | undefined {
    return this.resolved.get(folder.key);
  }

  private forget(folderKey?: string): void {
    if (folderKey === undefined) {
      this.cache.clear();
      this.resolved.clear();
    } else {
      this.cache.delete(folderKey);
      this.resolved.delete(folderKey);
    }
  }

  private async read(folder: FolderPlans): Promise<TaskHistory> {
    const started = Date.now();
    const local = folder.folder.uri.scheme === 'file' ? folder.folder.uri.fsPath : undefined;
    const epics = folder.index.allEpics;
    const fileDates = local ? { readText: (file: string) => folder.localText(file), modified: (file: string) => folder.localModified(file) } : {};
    let history;
    const git = local ? await this.gitApi() : undefined;
    if (local && git?.getRepository(folder.folder.uri)) {
      this.watchRepository(git, folder);
      try {
        history = await readGitHistory(local, folder.roots, { git: git.git.path, include: (p) => folder.index.roleOf(p) !== undefined });
      } catch (error) {
        this.log.warn(`[History] could not read the git history of ${folder.folder.name}: ${(error as Error).message}`);
      }
    }
    const result = await buildTaskHistory({ epics, history, fileDates, roots: folder.roots });
    this.log.info(`[History] ${folder.folder.name}: ${result.events.length} task events from ${result.source} in ${Date.now() - started} ms`);
    return result;
  }

  /** A commit, checkout or pull changes the history without changing the files' index. */
  private watchRepository(git: GitApi, folder: FolderPlans): void {
    if (this.watched.has(folder.key)) return;
    const repository = git.getRepository(folder.folder.uri);
    if (!repository) return;
    this.watched.add(folder.key);
    this._register(repository.state.onDidChange(() => this.invalidate(folder.key)));
  }

  private invalidate(folderKey?: string): void {
    this.forget(folderKey);
    this._onDidChange.fire();
  }

  /** The git extension's API, or undefined while it is missing or turned off (`git.enabled`). */
  private async gitApi(): Promise<GitApi | undefined> {
    if (this.git) return this.git;
    try {
      const exports = await loadGitExtension();
      if (!exports) return undefined;
      if (!exports.enabled) {
        // Turned on later, it makes the file-date history stale.
        if (!this.watchingEnablement) {
          this.watchingEnablement = true;
          this._register(exports.onDidChangeEnablement(() => this.invalidate()));
        }
        return undefined;
      }
      this.git = exports.getAPI(1);
      // A repository opened later (a `git init`, a folder added) makes the file-date history stale.
      this._register(this.git.onDidOpenRepository(() => this.invalidate()));
      return this.git;
    } catch (error) {
      this.log.warn(`[History] the git extension is not available: ${(error as Error).message}`);
      return undefined;
    }
  }
}

