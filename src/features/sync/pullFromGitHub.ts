import * as vscode from 'vscode';
import { Disposable } from '../../common/lifecycle';
import type { FolderPlans } from '../../services/planWorkspace';
import type { ConflictAnswer, PullConflictQuestion, PullResult } from '../../services/sync/pullEngine';
import { pullWorkspace } from '../../services/sync/pullEngine';
import { signalOf } from '../presentation';
import { connectToGitHub } from './githubConnection';
import type { SyncServices } from './registerSync';
import { labelsSetting } from './registerSync';
import { WorkspacePlanAccess, WorkspaceSyncStateStore } from './workspaceSyncAccess';
import { epicRef, isToolFormat } from '../../core/model';

/** A pull of one workspace folder, for the integration tests and whoever shows it. */
export interface PullEvent {
  readonly folder: string;
  readonly result: PullResult;
  /** On the timer or when the window gained focus, rather than from the command. */
  readonly background: boolean;
}

/**
 * What starts a background pull. The extension uses the window's focus and the wall
 * clock; the integration tests pass an event of their own and shorter minutes, so that
 * the real scheduling runs without waiting for real minutes or a real window.
 */
export interface PullTriggers {
  readonly windowState: vscode.Event<vscode.WindowState>;
  /** How long one minute of `autopm.github.pullIntervalMinutes` lasts. */
  readonly minuteMs: number;
  /** A window that gains focus often pulls at most this often. */
  readonly focusIntervalMs: number;
}

const WALL_CLOCK: Omit<PullTriggers, 'windowState'> = { minuteMs: 60_000, focusIntervalMs: 2 * 60_000 };

/**
 * "Pull from GitHub": issue states (and, in task files, assignees and labels) flow back
 * into the plan, for every folder that has synced. From the command it may ask: to sign
 * in, and which side wins where the plan and the issue both changed. On the timer and on
 * focus it never asks: it takes what is not in conflict and says what is.
 */
export class GitHubPull extends Disposable {
  private readonly _onDidPull = this._register(new vscode.EventEmitter<PullEvent>());
  readonly onDidPull = this._onDidPull.event;
  private timer: ReturnType<typeof setInterval> | undefined;
  private running = 0;
  private lastFocusPull = 0;
  /** What a background pull last told the user, per folder: the same news is not told again. */
  private readonly lastNews = new Map<string, string>();

  constructor(
    readonly services: SyncServices,
    private readonly triggers: PullTriggers = { ...WALL_CLOCK, windowState: vscode.window.onDidChangeWindowState },
  ) {
    super();
    this.schedule();
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('autopm.github.pullIntervalMinutes')) this.schedule();
      }),
    );
    this._register(
      this.triggers.windowState((state) => {
        if (!state.focused || !vscode.workspace.getConfiguration('autopm.github').get<boolean>('pullOnFocus')) return;
        if (Date.now() - this.lastFocusPull < this.triggers.focusIntervalMs) return;
        this.lastFocusPull = Date.now();
        void this.pullAll(false);
      }),
    );
    this._register({ dispose: () => this.timer && clearInterval(this.timer) });
  }

  private schedule(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const minutes = vscode.workspace.getConfiguration('autopm.github').get<number>('pullIntervalMinutes') ?? 0;
    if (!(minutes > 0)) return;
    this.timer = setInterval(() => void this.pullAll(false), Math.max(1, minutes) * this.triggers.minuteMs);
  }

  /** Whether the timer runs (the interval setting is on), and how many pulls are under way. */
  get activity(): { readonly scheduled: boolean; readonly running: number } {
    return { scheduled: this.timer !== undefined, running: this.running };
  }

  /** Pulls every folder that has synced; the folders' results, in order. */
  async pullAll(interactive: boolean): Promise<PullResult[]> {
    this.running++;
    try {
      await this.services.workspace.ready();
      const results: PullResult[] = [];
      for (const folder of this.services.workspace.allFolders) {
        const result = await this.pull(folder, interactive);
        if (result) results.push(result);
        // Cancel means the whole pull, not one folder of it.
        if (result?.outcome === 'cancelled') break;
      }
      return results;
    } finally {
      this.running--;
    }
  }

  /** One folder; undefined when it has never synced or could not connect. */
  pull(folder: FolderPlans, interactive: boolean): Promise<PullResult | undefined> {
    const queue = this.services.queue;
    if (!queue) return this.run(folder, interactive);
    // A background pull waits for nobody: the folder is busy with a sync, a pull or a close.
    if (!interactive && queue.busy(folder.key)) {
      this.services.log.info(`[Pull] ${folder.folder.name}: busy, not pulled in the background`);
      return Promise.resolve(undefined);
    }
    return queue.run(folder.key, () => this.run(folder, interactive));
  }

  private async run(folder: FolderPlans, interactive: boolean): Promise<PullResult | undefined> {
    const { log, notifier } = this.services;
    const state = new WorkspaceSyncStateStore(folder.folder.uri);
    // A folder that never synced has nothing to pull, and no reason to ask anyone to sign in.
    if ((await state.load()) === undefined) {
      if (interactive) void notifier.info(`Nothing to pull in ${folder.folder.name}: it has not synced with GitHub yet.`);
      return undefined;
    }
    const connected = await connectToGitHub(folder.folder, this.services.auth, { interactive, version: this.services.version, log });
    if (!connected.connected) {
      if (interactive) void (connected.signedOut ? notifier.info(`Not pulled: ${connected.reason}`) : notifier.error(`Cannot pull ${folder.folder.name}: ${connected.reason}`));
      else log.info(`[Pull] ${folder.folder.name}: ${connected.reason}`);
      return undefined;
    }
    const { tracker, fullName } = connected.connection;
    const epics = this.services.workspace.epics().filter((e) => e.folder.key === folder.key);
    // In the background, an epic with unsaved changes is left alone: an edit made in its
    // buffer would be recorded as pulled, and lost if the buffer is then discarded.
    const dirty = new Set(vscode.workspace.textDocuments.filter((d) => d.isDirty).map((d) => d.uri.toString()));
    // Other tools' files are never synced, so there is nothing to pull into them.
    const synced = epics.filter((e) => !isToolFormat(e.epic.layout));
    const pullable = interactive ? synced : synced.filter((e) => ![e.epic.path, ...e.epic.tasks.map((t) => t.path)].some((p) => dirty.has(folder.uriOf(p).toString())));
    for (const e of synced) if (!pullable.includes(e)) log.info(`[Pull] ${e.epic.id}: unsaved changes, not pulled in the background`);
    const plans = pullable.map((e) => new WorkspacePlanAccess(this.services.workspace, this.services.editor, folder.key, epicRef(e.epic)));
    const pullWith = (signal?: AbortSignal) =>
      pullWorkspace({
        tracker,
        plans,
        state,
        repository: fullName,
        labels: labelsSetting(folder.folder.uri),
        log: (line) => log.info(`[Pull] ${line}`),
        ...(signal ? { signal } : {}),
        ...(interactive ? { confirmConflict: (question: PullConflictQuestion) => this.askConflict(question) } : {}),
      });
    log.info(`[Pull] ${folder.folder.name} ← ${fullName}${interactive ? '' : ' (in the background)'}`);
    const result = interactive
      ? await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Pulling from ${fullName}…`, cancellable: true }, (_p, token) => pullWith(signalOf(token)))
      : await pullWith();
    this._onDidPull.fire({ folder: folder.key, result, background: !interactive });
    this.report(folder.key, result, interactive);
    return result;
  }

  private async askConflict(question: PullConflictQuestion): Promise<ConflictAnswer> {
    const keep = `Keep the plan's (${question.plan})`;
    const take = `Take GitHub's (${question.tracker})`;
    const answer = await this.services.notifier.askWithDetail(
      `#${question.number} ${question.label} changed in the plan and on GitHub since the last sync.`,
      `${question.why}\n\nThe plan says: ${question.plan}\nGitHub says: ${question.tracker}\nAt the last sync: ${question.lastSynced}`,
      keep,
      take,
    );
    return answer === keep ? 'plan' : answer === take ? 'tracker' : 'skip';
  }

  private report(folderKey: string, result: PullResult, interactive: boolean): void {
    const { notifier, log } = this.services;
    const unresolved = result.outcome === 'done' ? result.conflicts.filter((c) => c.resolution === 'unresolved') : [];
    // A timer or focus pull that would only repeat its last news logs it instead.
    const news = `${result.outcome}|${result.outcome === 'done' ? unresolved.map((c) => c.number).join(',') : result.message}`;
    const repeated = !interactive && this.lastNews.get(folderKey) === news;
    if (!interactive) this.lastNews.set(folderKey, news);
    if (result.outcome === 'cancelled') {
      if (interactive) void notifier.info(result.message);
      return;
    }
    if (result.outcome !== 'done') {
      log.warn(`[Pull] ${result.message}`);
      if (interactive || (result.outcome === 'refused' && !repeated)) void notifier.error(result.message);
      return;
    }
    if (unresolved.length > 0 && repeated) log.info(`[Pull] still changed on both sides: ${unresolved.map((c) => `#${c.number}`).join(', ')}`);
    else if (unresolved.length > 0) {
      const names = unresolved.map((c) => `#${c.number} ${c.label}`).join(', ');
      void notifier.warn(`Changed both in the plan and on GitHub since the last sync, and left as they are: ${names}.`, 'Pull from GitHub').then((choice) => {
        if (choice) void vscode.commands.executeCommand('autopm.pullFromGitHub');
      });
    }
    if (result.changed.length > 0) {
      const lines = result.changed.map((c) => `${c.label}: ${c.from} → ${c.to}`);
      const message = `Pulled from ${result.repository}: ${lines.slice(0, 3).join('; ')}${lines.length > 3 ? `; and ${lines.length - 3} more` : ''}.`;
      if (interactive) void notifier.info(message);
      else void vscode.window.setStatusBarMessage(`$(cloud-download) ${message}`, 6000);
    } else if (interactive && unresolved.length === 0) {
      void vscode.window.setStatusBarMessage(`$(check) Up to date with ${result.repository}`, 4000);
    }
  }
}
