import * as vscode from 'vscode';
import { Commands } from '../../common/commands';
import { Disposable } from '../../common/lifecycle';
import { epicOrPick, progressText, signalOf } from '../presentation';
import type { SyncLabels } from '../../core/sync/desired';
import { DEFAULT_SYNC_LABELS } from '../../core/sync/desired';
import { parseSyncState, SyncStateError } from '../../core/sync/syncState';
import type { Notifier } from '../../services/notifier';
import type { PlanEditor } from '../../services/planEditor';
import type { EpicEntry, PlanWorkspace } from '../../services/planWorkspace';
import type { OverwriteQuestion, SyncItem, SyncOptions, SyncResult } from '../../services/sync/syncEngine';
import { previewSync, runSync } from '../../services/sync/syncEngine';
import type { TrackerIssue } from '../../services/tracker';
import type { GitHubAuth } from './githubAuth';
import { connectToGitHub } from './githubConnection';
import { IssueHovers } from './issueHovers';
import { registerGitHubSignIn } from './githubSignIn';
import { registerIssueCommands } from './issueCommands';
import { FolderQueue } from './folderQueue';
import { GitHubPull } from './pullFromGitHub';
import { WorkspacePlanAccess, WorkspaceSyncStateStore } from './workspaceSyncAccess';
import { epicRef } from '../../core/model';

export interface SyncServices {
  /** One GitHub operation at a time per folder: made by registerSync when not given. */
  readonly queue?: FolderQueue;
  readonly workspace: PlanWorkspace;
  readonly editor: PlanEditor;
  readonly log: vscode.LogOutputChannel;
  readonly notifier: Notifier;
  readonly auth: GitHubAuth;
  /** The extension's version, for the user agent. */
  readonly version: string;
}

/**
 * What the command takes: `{ folder, epicPath }` (CodeLens), a tree node holding an epic,
 * or nothing (a quick pick). `yes: true` skips the preview's question, for keybindings and
 * other extensions that have shown their own; on a workspace's first sync only together
 * with `repository: 'owner/name'` naming the repository it goes to. A conflict with GitHub
 * is still asked about.
 */
interface SyncArgument {
  readonly yes?: unknown;
  readonly repository?: unknown;
}

/** A finished sync, for the integration tests and whoever shows its result. */
export interface SyncEvent {
  readonly folder: string;
  readonly epicPath: string;
  readonly result: SyncResult;
}

export function labelsSetting(scope: vscode.ConfigurationScope): SyncLabels {
  const config = vscode.workspace.getConfiguration('autopm.github.labels', scope);
  const name = (key: keyof SyncLabels) => {
    const value = config.get<string>(key)?.trim();
    return value ? value : DEFAULT_SYNC_LABELS[key];
  };
  return { epic: name('epic'), task: name('task'), epicPrefix: name('epicPrefix') };
}

/** "Sync Epic to GitHub": the preview, a question, the run with progress and a cancel button. */
export class EpicSync extends Disposable {
  private readonly _onDidSync = this._register(new vscode.EventEmitter<SyncEvent>());
  readonly onDidSync = this._onDidSync.event;
  /** Epics being synced, by folder and path: a second click joins the first run. */
  private readonly running = new Map<string, Promise<SyncResult | undefined>>();

  constructor(private readonly services: SyncServices) {
    super();
  }

  sync(entry: EpicEntry, yes = false, repository?: string): Promise<SyncResult | undefined> {
    const key = `${entry.folder.key}#${epicRef(entry.epic)}`;
    let run = this.running.get(key);
    if (!run) {
      // The question and the run hold the folder: nothing else changes its sync state meanwhile.
      const queued = this.services.queue ? this.services.queue.run(entry.folder.key, () => this.run(entry, yes, repository)) : this.run(entry, yes, repository);
      run = queued.finally(() => this.running.delete(key));
      this.running.set(key, run);
    }
    return run;
  }

  private async run(entry: EpicEntry, yes: boolean, repository: string | undefined): Promise<SyncResult | undefined> {
    const { notifier, log, auth } = this.services;
    const folder = entry.folder;
    const title = entry.epic.title || entry.epic.id;
    const connected = await connectToGitHub(folder.folder, auth, { interactive: true, version: this.services.version, log });
    if (!connected.connected) {
      if (connected.signedOut) void notifier.info(`Not synced: ${connected.reason}`);
      else void notifier.error(`Cannot sync ${title}: ${connected.reason}`);
      return undefined;
    }
    const { tracker, owner, name, endpoint, limits, onDidWait } = connected.connection;
    const state = new WorkspaceSyncStateStore(folder.folder.uri);
    const base: SyncOptions = {
      tracker,
      plan: new WorkspacePlanAccess(this.services.workspace, this.services.editor, folder.key, epicRef(entry.epic)),
      state,
      labels: labelsSetting(folder.folder.uri),
      log: (line) => log.info(`[Sync] ${line}`),
      limits,
    };
    log.info(`[Sync] ${title} → ${owner}/${name} (${endpoint.apiUrl})`);

    const preview = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Checking ${title} against ${owner}/${name}…`, cancellable: true },
      (_progress, token) => previewSync({ ...base, signal: signalOf(token) }),
    );
    if (preview.outcome !== 'done') return this.finish(entry, preview);
    const plan = preview.plan!;
    if (plan.counts.writes === 0 && plan.counts.records === 0 && plan.counts.renames === 0) {
      void vscode.window.setStatusBarMessage(`$(check) ${title} is up to date with ${owner}/${name}`, 4000);
      return this.finish(entry, preview, true);
    }

    const firstSync = await isFirstSync(state);
    // `yes` answers the preview, but a first sync's repository only when the caller named it.
    if (!yes || (firstSync && repository?.toLowerCase() !== `${owner}/${name}`.toLowerCase())) {
      const action = firstSync ? `Sync to ${owner}/${name}` : 'Sync';
      const question = firstSync
        ? `Sync ${title} to ${owner}/${name}? This workspace has not synced before: its issues will be created in ${owner}/${name}.`
        : `Sync ${title} to ${owner}/${name}?`;
      const answer = await notifier.askWithDetail(question, preview.preview.join('\n'), action);
      if (answer !== action) {
        log.info(`[Sync] ${title}: not confirmed, nothing written`);
        return undefined;
      }
    }

    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Syncing ${title} to ${owner}/${name}`, cancellable: true },
      async (progress, token) => {
        let done = 0;
        // Rate-limit waits are capped by the client; the user sees each one as it happens.
        const waiting = onDidWait((wait) => progress.report({ message: `${wait.message}…` }));
        try {
          return await runSync({
            ...base,
            signal: signalOf(token),
            // The preview named the repository and was confirmed: the engine need not ask
            // again, but it runs only what was shown.
            confirmRepository: async () => true,
            ...(yes ? {} : { confirmedPreview: preview.preview }),
            confirmOverwrite: (issue, question) => this.confirmOverwrite(issue, question),
            onProgress: (step) => {
              const increment = (100 * step.step) / Math.max(step.total, 1) - done;
              done += increment;
              progress.report({ message: `${step.message} (${step.step}/${step.total})`, increment });
            },
          });
        } finally {
          waiting.dispose();
        }
      },
    );
    return this.finish(entry, result);
  }

  private async confirmOverwrite(issue: TrackerIssue, question: OverwriteQuestion): Promise<boolean> {
    const fields = question.changes.map((c) => c.field).join(' and ');
    const detail = question.changes.map((c) => `${c.field} on GitHub:\n${clip(c.tracker)}\n\n${c.field} in the plan:\n${clip(c.plan)}`).join('\n\n');
    const overwrite = 'Overwrite on GitHub';
    const answer = await this.services.notifier.askWithDetail(`#${issue.number} ${question.label}: ${question.why}. Replace its ${fields} with the plan's?`, detail, overwrite);
    return answer === overwrite;
  }

  private finish(entry: EpicEntry, result: SyncResult, quiet = false): SyncResult {
    const { notifier, log } = this.services;
    const title = entry.epic.title || entry.epic.id;
    this._onDidSync.fire({ folder: entry.folder.key, epicPath: epicRef(entry.epic), result });
    if (quiet) return result;
    switch (result.outcome) {
      case 'done': {
        const made = result.created.length + result.adopted.length;
        const parts = [
          made > 0 ? `${made} issue${made === 1 ? '' : 's'} made` : undefined,
          result.updated.length > 0 ? `${result.updated.length} updated` : undefined,
          result.closed.length > 0 ? `${result.closed.length} closed` : undefined,
          ...linkParts(result.linked),
          result.renamed.length > 0 ? `${result.renamed.length} files renamed` : undefined,
          result.skipped.length > 0 ? `${result.skipped.length} skipped` : undefined,
        ].filter(Boolean);
        const refreshed = this.services.workspace.findEpic(entry.folder.key, epicRef(entry.epic));
        const progress = refreshed ? ` · ${progressText(refreshed.analysis.counts)}` : '';
        void notifier.info(`Synced ${title} to ${result.repository}: ${parts.length > 0 ? parts.join(', ') : 'nothing to write'}${progress}.`);
        break;
      }
      case 'cancelled':
        void notifier.info(result.message ?? `The sync of ${title} was cancelled.`);
        break;
      case 'refused':
        log.warn(`[Sync] ${title}: ${result.message ?? 'refused'}`);
        void notifier.error(`Cannot sync ${title}: ${result.message ?? 'GitHub refused it.'}`);
        break;
      case 'failed':
        log.error(`[Sync] ${title}: ${result.message ?? 'failed'}`);
        void notifier.error(`The sync of ${title} failed: ${result.message ?? 'see the AutoPM log.'}`);
        break;
    }
    return result;
  }
}

function clip(text: string): string {
  return text.length > 400 ? `${text.slice(0, 400)}…` : text;
}

async function isFirstSync(state: WorkspaceSyncStateStore): Promise<boolean> {
  try {
    return parseSyncState(await state.load()).repository === undefined;
  } catch (error) {
    // A broken state file: the engine refuses with its own message before any write.
    if (error instanceof SyncStateError) return false;
    throw error;
  }
}


export interface GitHubFeatures {
  readonly sync: EpicSync;
  readonly pull: GitHubPull;
}

export function registerSync(context: vscode.ExtensionContext, given: SyncServices): GitHubFeatures {
  const services: SyncServices = { ...given, queue: given.queue ?? new FolderQueue() };
  const sync = new EpicSync(services);
  const pull = new GitHubPull(services);
  const hovers = new IssueHovers(services.workspace, services.auth, services.version, services.log);
  context.subscriptions.push(
    sync,
    pull,
    hovers,
    vscode.commands.registerCommand(Commands.pullFromGitHub, () => pull.pullAll(true)),
    // Only plan files answer: the provider asks the index first.
    vscode.languages.registerHoverProvider({ language: 'markdown' }, hovers),
    vscode.commands.registerCommand(Commands.syncEpic, async (arg?: unknown) => {
      const entry = await epicOrPick(services.workspace, arg, { title: 'Sync Epic to GitHub', empty: (m) => void services.notifier.info(m) });
      if (!entry) return undefined;
      const given = arg && typeof arg === 'object' ? (arg as SyncArgument) : {};
      return sync.sync(entry, given.yes === true, typeof given.repository === 'string' ? given.repository : undefined);
    }),
  );
  registerIssueCommands(context, services);
  registerGitHubSignIn(context, services);
  return { sync, pull };
}

/** Links made and links removed, counted apart: "3 links made, 1 link removed". */
function linkParts(linked: readonly SyncItem[]): string[] {
  const removed = linked.filter((item) => item.detail?.startsWith('no longer ')).length;
  const made = linked.length - removed;
  const n = (count: number, what: string) => `${count} link${count === 1 ? '' : 's'} ${what}`;
  return [...(made > 0 ? [n(made, 'made')] : []), ...(removed > 0 ? [n(removed, 'removed')] : [])];
}
