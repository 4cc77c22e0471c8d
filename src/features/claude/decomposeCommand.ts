import * as vscode from 'vscode';
import { Commands } from '../../common/commands';
import { Disposable } from '../../common/lifecycle';
import { DEFAULT_MAX_TASKS } from '../../core/claude/decomposePrompt';
import type { DecomposedEpic } from '../../core/decompose/epicFiles';
import type { WrittenLayout } from '../../core/model';
import type { DecomposeResult, DecomposeWorkspace, PreviewFile } from '../../services/claude/decomposeEngine';
import { decomposePrd } from '../../services/claude/decomposeEngine';
import type { Notifier } from '../../services/notifier';
import type { PlanEditor } from '../../services/planEditor';
import { PlanConflictError } from '../../services/planEditor';
import type { FolderPlans, PlanWorkspace } from '../../services/planWorkspace';
import { openAtLine, signalOf } from '../presentation';
import { WorkspaceSyncStateStore } from '../sync/workspaceSyncAccess';
import type { ClaudeModels } from './claudeModels';

export interface DecomposeServices {
  readonly workspace: PlanWorkspace;
  readonly editor: PlanEditor;
  readonly models: ClaudeModels;
  readonly notifier: Notifier;
  readonly log: vscode.LogOutputChannel;
  readonly previews: PreviewDocuments;
  /** The problems of the last answer per PRD, sent back with the next try. */
  readonly lastProblems: Map<string, readonly string[]>;
}

/**
 * The command's argument: `{ folder, prdPath }` (the CodeLens), a tree node holding a
 * PRD, or nothing (the PRD in the active editor, else a pick). `yes` writes after the
 * preview without asking, for scripts and tests; `layout` overrides the workspace's.
 */
export interface DecomposeArgs {
  readonly folder?: unknown;
  readonly prdPath?: unknown;
  readonly prd?: { readonly path?: unknown };
  readonly plans?: { readonly key?: unknown };
  readonly yes?: unknown;
  readonly layout?: unknown;
}

const PREVIEW_SCHEME = 'autopm-preview';

/**
 * The files a decomposition would write, served read-only to VS Code's multi-file diff
 * while the user decides; forgotten once the answer is given.
 */
export class PreviewDocuments extends Disposable implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private generation = 0;

  constructor() {
    super();
    this._register(vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, this));
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  /** Opens the diff of every file, and returns a function that closes it again. */
  async show(title: string, files: readonly PreviewFile[]): Promise<() => Promise<void>> {
    const run = ++this.generation;
    // The file's own path, so the diff is labelled with it; the query keeps the sides and runs apart.
    const uriOf = (side: 'before' | 'after', path: string) => vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: `/${path}`, query: `${side}=${run}` });
    const resources: Array<[vscode.Uri, vscode.Uri, vscode.Uri]> = [];
    const own: string[] = [];
    for (const file of files) {
      const before = uriOf('before', file.path);
      const after = uriOf('after', file.path);
      this.texts.set(before.toString(), file.before ?? '');
      this.texts.set(after.toString(), file.after);
      own.push(before.toString(), after.toString());
      // The preview's own URI names each entry: a real file's URI would give VS Code a model
      // of a file that does not exist yet, which the write then cannot create.
      resources.push([after, before, after]);
    }
    try {
      await vscode.commands.executeCommand('vscode.changes', title, resources);
    } catch {
      // Older editors have no multi-file diff: one diff per file instead.
      for (const [, before, after] of resources) await vscode.commands.executeCommand('vscode.diff', before, after, title, { preview: false });
    }
    return async () => {
      for (const key of own) this.texts.delete(key);
      const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((tab) => tab.label.startsWith(title) || isPreviewTab(tab));
      if (tabs.length > 0) await vscode.window.tabGroups.close(tabs);
    };
  }
}

function isPreviewTab(tab: vscode.Tab): boolean {
  const input = tab.input;
  return input instanceof vscode.TabInputTextDiff && input.modified.scheme === PREVIEW_SCHEME;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The PRD an argument names, or the active editor's, or one picked. */
async function targetOf(services: DecomposeServices, arg: DecomposeArgs | undefined): Promise<{ plans: FolderPlans; prdPath: string } | undefined> {
  const { workspace } = services;
  await workspace.ready();
  const entry = arg && typeof arg === 'object' && 'entry' in arg ? ((arg as { entry: DecomposeArgs }).entry ?? arg) : arg;
  const folderKey = typeof entry?.folder === 'string' ? entry.folder : ((entry?.folder as { key?: unknown } | undefined)?.key ?? entry?.plans?.key);
  const prdPath = typeof entry?.prdPath === 'string' ? entry.prdPath : entry?.prd?.path;
  if (typeof folderKey === 'string' && typeof prdPath === 'string') {
    const plans = workspace.folderByKey(folderKey);
    return plans ? { plans, prdPath } : undefined;
  }
  const active = vscode.window.activeTextEditor?.document.uri;
  const here = active && workspace.prdForDocument(active);
  if (here) return { plans: here.folder, prdPath: here.prd.path };
  const prds = workspace.prds();
  if (prds.length === 0) {
    void services.notifier.info('There is no PRD to break down: create one with "AutoPM: New PRD".');
    return undefined;
  }
  const multiRoot = workspace.allFolders.length > 1;
  const picked = await vscode.window.showQuickPick(
    prds.map((p) => ({
      label: `$(file-text) ${p.prd.title || p.prd.id}`,
      description: `${p.prd.path}${multiRoot ? ` · ${p.folder.folder.name}` : ''}`,
      target: { plans: p.folder, prdPath: p.prd.path },
    })),
    { placeHolder: 'Which PRD should Claude break down into an epic?', matchOnDescription: true },
  );
  return picked?.target;
}

/** The workspace folder as the decomposition sees it: buffers for open files, and writes through the plan editor. */
function editorWorkspace(services: DecomposeServices, plans: FolderPlans): DecomposeWorkspace {
  return {
    roots: plans.index.planRoots,
    epics: () => plans.index.allEpics,
    prds: () => plans.index.prds,
    readText: async (path) => {
      const text = await plans.fs.readFile(path);
      if (text === undefined) throw new Error(`${path} does not exist.`);
      return text;
    },
    readDirectory: (path) => plans.fs.readDirectory(path),
    write: async (change, unchanged) => {
      await services.editor.apply(plans, [unchanged.path], (read) => {
        if (read(unchanged.path) !== unchanged.text) throw new PlanConflictError(`${unchanged.path} changed while Claude was answering; nothing was written. Run the decomposition again.`);
        return change;
      });
    },
    epic: (id) => plans.index.epic(id),
    syncState: () => new WorkspaceSyncStateStore(plans.folder.uri).load(),
  };
}

export async function decomposeCommand(services: DecomposeServices, arg?: DecomposeArgs): Promise<DecomposeResult | undefined> {
  const target = await targetOf(services, arg);
  if (!target) return undefined;
  const { plans, prdPath } = target;
  const { notifier, log } = services;
  const choice = await services.models.choose();
  if ('offline' in choice) {
    // Not awaited: the command ends now, and the button works for as long as the notification shows.
    void notifier.info(`Breaking a PRD down into an epic needs Claude or another language model. ${choice.offline}`, 'Set Anthropic API Key').then((action) => action === 'Set Anthropic API Key' && vscode.commands.executeCommand(Commands.setAnthropicKey));
    return undefined;
  }
  const layout: WrittenLayout | undefined = arg?.layout === 'single-file' || arg?.layout === 'directory' ? arg.layout : undefined;
  const maxTasks = Math.max(1, Math.floor(vscode.workspace.getConfiguration('autopm.decompose').get<number>('maxTasks') ?? DEFAULT_MAX_TASKS));
  const problemsKey = `${plans.key}|${prdPath}`;
  const problems = services.lastProblems.get(problemsKey);
  const prd = plans.index.prds.find((p) => p.path === prdPath);
  const name = prd?.title || prdPath;

  const preview = async (epic: DecomposedEpic, files: readonly PreviewFile[]): Promise<boolean> => {
    const title = `Decompose: ${epic.epicId} (${plural(epic.taskIds.size, 'task')})`;
    const close = await services.previews.show(title, files);
    try {
      if (arg?.yes === true) return true;
      const detail = [
        ...files.map((f) => `${f.before === undefined ? 'New' : 'Edited'}: ${f.path}`),
        ...(epic.notes.length > 0 ? ['', ...epic.notes] : []),
      ].join('\n');
      return (await notifier.askWithDetail(`Write ${epic.epicId} with ${plural(epic.taskIds.size, 'task')} from Claude's plan? The files are shown in the diff.`, detail, 'Write Epic')) === 'Write Epic';
    } finally {
      await close();
    }
  };

  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `${choice.model.description} is breaking down ${name}`, cancellable: true },
    (progress, token) => {
      let text = '';
      let tasks = 0;
      return decomposePrd({
        model: choice.model,
        workspace: editorWorkspace(services, plans),
        prdPath,
        maxTokens: choice.maxTokens,
        maxTasks,
        ...(layout ? { layout } : {}),
        ...(problems ? { problems } : {}),
        preview,
        confirmLarge: async (tokens) =>
          arg?.yes === true ||
          (await notifier.ask(`${name} makes a large request: about ${tokens.toLocaleString('en-US')} input tokens to ${choice.model.description}. Send it?`, 'Send')) === 'Send',
        signal: signalOf(token),
        onText: (delta) => {
          text += delta;
          // The plan streams as JSON: each task's key starts a task.
          const seen = (text.match(/"key"\s*:/g) ?? []).length;
          if (seen !== tasks) {
            tasks = seen;
            progress.report({ message: `${plural(tasks, 'task')} so far` });
          }
        },
        onWait: (waitMs, reason) => progress.report({ message: `${reason}: retrying in ${Math.ceil(waitMs / 1000)} s` }),
        log: (line) => log.info(`[Decompose] ${line}`),
      });
    },
  );

  if (result.outcome === 'invalid') services.lastProblems.set(problemsKey, result.problems);
  else if (result.outcome === 'done') services.lastProblems.delete(problemsKey);
  for (const problem of result.problems) log.warn(`[Decompose] ${problem}`);

  switch (result.outcome) {
    case 'done': {
      if (result.path) await openAtLine(plans.uriOf(result.path), 0, false);
      const notes = result.notes.length > 0 ? ` ${result.notes.join(' ')}` : '';
      void notifier.info(`${result.message}${notes}`, 'Show Graph').then((action) => {
        if (action === 'Show Graph') void vscode.commands.executeCommand(Commands.showGraph, { folder: plans.key, epicPath: result.path });
      });
      break;
    }
    case 'invalid': {
      const shown = result.problems.slice(0, 3).join(' ');
      const more = result.problems.length > 3 ? ` And ${plural(result.problems.length - 3, 'more problem')} (see the AutoPM log).` : '';
      void notifier.error(`Claude's plan for ${prdPath} was not written: ${shown}${more}`, 'Retry').then((action) => {
        if (action === 'Retry') void vscode.commands.executeCommand(Commands.decomposePrd, { folder: plans.key, prdPath });
      });
      break;
    }
    case 'failed':
      void notifier.error(result.message, ...(result.retryable ? ['Retry'] : [])).then((action) => {
        if (action === 'Retry') void vscode.commands.executeCommand(Commands.decomposePrd, { folder: plans.key, prdPath });
      });
      break;
    case 'refused':
      void notifier.error(result.message);
      break;
    case 'cancelled':
    case 'declined':
      void notifier.info(result.message);
      break;
  }
  return result;
}
