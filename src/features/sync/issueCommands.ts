import * as vscode from 'vscode';
import { Commands } from '../../common/commands';
import type { FileCreate } from '../../core/edits';
import { issueUrl } from '../../core/issues';
import { taskLabel } from '../../core/taskText';
import { loadGitExtension } from '../../services/gitExtension';
import type { FolderPlans, TaskEntry } from '../../services/planWorkspace';
import { taskEntry } from '../../services/planWorkspace';
import type { ImportResult, ImportSource } from '../../services/sync/importEngine';
import { importIssues, indexImportWorkspace } from '../../services/sync/importEngine';
import type { TaskIssueResult } from '../../services/sync/issueActions';
import { closeTaskIssue, reopenTaskIssue } from '../../services/sync/issueActions';
import { openAtLine, signalOf } from '../presentation';
import { toTaskRef } from '../tasks/taskCommands';
import { connectToGitHub } from './githubConnection';
import type { SyncServices } from './registerSync';
import { labelsSetting } from './registerSync';
import { WorkspacePlanAccess, WorkspaceSyncStateStore } from './workspaceSyncAccess';
import { epicRef } from '../../core/model';

type IssueAction = 'close' | 'reopen';

/** The task a command names: its argument (CodeLens, tree), else the task at the cursor, else a pick of linked tasks. */
async function chooseTask(services: SyncServices, arg: unknown, action: IssueAction): Promise<TaskEntry | undefined> {
  const { workspace } = services;
  await workspace.ready();
  const ref = toTaskRef(arg);
  if (ref) return workspace.findTask(ref);
  const editor = vscode.window.activeTextEditor;
  const atCursor = editor && workspace.epicForDocument(editor.document.uri, editor.selection.active.line);
  if (editor && atCursor) {
    const path = workspace.folderOf(editor.document.uri)?.path;
    const line = editor.selection.active.line;
    const task = atCursor.epic.tasks.find((t) => t.path === path && (atCursor.epic.layout === 'directory' || t.range.line === line));
    const found = task && taskEntry(atCursor, task.id);
    if (found && issueUrl(found.epic, found.task)) return found;
  }
  const linked = workspace
    .epics()
    .flatMap((e) => e.epic.tasks.map((t) => taskEntry(e, t.id)))
    .filter((t): t is TaskEntry => !!t && !!issueUrl(t.epic, t.task) && (action === 'close' ? t.task.state !== 'done' : t.task.state === 'done'));
  if (linked.length === 0) {
    void services.notifier.info(action === 'close' ? 'No open task has an issue to close.' : 'No done task has an issue to reopen.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    linked.map((entry) => ({ label: taskLabel(entry.task), description: `#${entry.task.issue ?? ''} · ${entry.epic.title || entry.epic.id}`, entry })),
    { title: action === 'close' ? "Close Task's Issue" : "Reopen Task's Issue", placeHolder: 'Choose a task' },
  );
  return picked?.entry;
}

/** The branch and commit of the folder's repository, for the closing comment. */
async function gitHead(folder: FolderPlans): Promise<{ branch?: string; commit?: string }> {
  try {
    const git = await loadGitExtension();
    const head = git?.enabled ? git.getAPI(1).getRepository(folder.folder.uri)?.state.HEAD : undefined;
    return { ...(head?.name ? { branch: head.name } : {}), ...(head?.commit ? { commit: head.commit } : {}) };
  } catch {
    return {};
  }
}

async function runIssueAction(services: SyncServices, arg: unknown, action: IssueAction): Promise<TaskIssueResult | undefined> {
  const entry = await chooseTask(services, arg, action);
  if (!entry) return undefined;
  // Complete Task passes `{ ref, summary }`: the commits made for the task, for the comment.
  const given = arg && typeof arg === 'object' ? (arg as { summary?: unknown }).summary : undefined;
  const summary = typeof given === 'string' ? given : undefined;
  const run = () => issueAction(services, entry, action, summary);
  return services.queue ? services.queue.run(entry.folder.key, run) : run();
}

async function issueAction(services: SyncServices, entry: TaskEntry, action: IssueAction, summary: string | undefined): Promise<TaskIssueResult | undefined> {
  const { notifier, log, auth } = services;
  const label = taskLabel(entry.task);
  const connected = await connectToGitHub(entry.folder.folder, auth, { interactive: true, version: services.version, log });
  if (!connected.connected) {
    void (connected.signedOut ? notifier.info(`Not done: ${connected.reason}`) : notifier.error(`Cannot ${action} the issue of ${label}: ${connected.reason}`));
    return undefined;
  }
  const options = {
    tracker: connected.connection.tracker,
    plan: new WorkspacePlanAccess(services.workspace, services.editor, entry.folder.key, epicRef(entry.epic)),
    state: new WorkspaceSyncStateStore(entry.folder.folder.uri),
    taskId: entry.task.id,
    labels: labelsSetting(entry.folder.folder.uri),
    log: (line: string) => log.info(`[Issues] ${line}`),
  };
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `${action === 'close' ? 'Closing' : 'Reopening'} the issue of ${label}…`, cancellable: true },
    (_progress, token) => {
      const signal = signalOf(token);
      return action === 'close' ? gitHead(entry.folder).then((head) => closeTaskIssue({ ...options, ...head, ...(summary ? { summary } : {}), signal })) : reopenTaskIssue({ ...options, signal });
    },
  );
  if (result.outcome === 'done') void notifier.info(result.message);
  else if (result.outcome === 'no-issue' || result.outcome === 'cancelled') void notifier.info(result.message);
  else void notifier.error(result.message);
  return result;
}

interface SourcePick extends vscode.QuickPickItem {
  readonly source: ImportSource['kind'];
}

/** What to import, asked step by step; an argument `{ folder?, source }` skips the questions. */
async function chooseSource(arg: unknown): Promise<ImportSource | undefined> {
  const given = arg && typeof arg === 'object' ? (arg as { source?: ImportSource }).source : undefined;
  if (given && typeof given === 'object' && typeof given.kind === 'string') return given;
  const kind = await vscode.window.showQuickPick<SourcePick>(
    [
      { source: 'epic', label: '$(issues) An epic issue and its sub-issues', detail: 'The issue becomes the epic, its sub-issues its tasks, in their order.' },
      { source: 'label', label: '$(tag) Issues with a label', detail: 'Every issue with the label, open and closed, becomes a task.' },
      { source: 'milestone', label: '$(milestone) Issues in a milestone', detail: 'Every issue in the milestone becomes a task.' },
    ],
    { title: 'Import Issues from GitHub', placeHolder: 'What to import' },
  );
  if (!kind) return undefined;
  if (kind.source === 'epic') {
    const text = await vscode.window.showInputBox({
      title: 'Import Issues from GitHub',
      prompt: "The epic issue's number",
      placeHolder: '12',
      validateInput: (value) => (/^#?\d+$/.test(value.trim()) ? undefined : 'An issue number, such as 12 or #12.'),
    });
    return text === undefined ? undefined : { kind: 'epic', number: Number(text.trim().replace(/^#/, '')) };
  }
  const text = await vscode.window.showInputBox({
    title: 'Import Issues from GitHub',
    prompt: kind.source === 'label' ? 'The label' : "The milestone's title or number",
    validateInput: (value) => (value.trim() === '' ? 'Required.' : undefined),
  });
  if (text === undefined) return undefined;
  return kind.source === 'label' ? { kind: 'label', label: text.trim() } : { kind: 'milestone', milestone: /^\d+$/.test(text.trim()) ? Number(text.trim()) : text.trim() };
}

async function chooseFolder(services: SyncServices, arg: unknown): Promise<FolderPlans | undefined> {
  const key = arg && typeof arg === 'object' ? (arg as { folder?: unknown }).folder : undefined;
  const folders = services.workspace.allFolders;
  if (typeof key === 'string') return services.workspace.folderByKey(key);
  if (folders.length <= 1) return folders[0];
  const picked = await vscode.window.showQuickPick(
    folders.map((f) => ({ label: f.folder.name, folder: f })),
    { title: 'Import Issues from GitHub', placeHolder: 'The workspace folder to write the epic in' },
  );
  return picked?.folder;
}

async function runImport(services: SyncServices, arg: unknown): Promise<ImportResult | undefined> {
  await services.workspace.ready();
  const folder = await chooseFolder(services, arg);
  if (!folder) return undefined;
  const source = await chooseSource(arg);
  if (!source) return undefined;
  return services.queue ? services.queue.run(folder.key, () => importInto(services, folder, source)) : importInto(services, folder, source);
}

async function importInto(services: SyncServices, folder: FolderPlans, source: ImportSource): Promise<ImportResult | undefined> {
  const { notifier, log, auth } = services;
  const connected = await connectToGitHub(folder.folder, auth, { interactive: true, version: services.version, log });
  if (!connected.connected) {
    void (connected.signedOut ? notifier.info(`Not imported: ${connected.reason}`) : notifier.error(`Cannot import: ${connected.reason}`));
    return undefined;
  }
  const create = async (files: readonly FileCreate[]) => {
    const edit = new vscode.WorkspaceEdit();
    for (const file of files) edit.createFile(folder.uriOf(file.path), { contents: new TextEncoder().encode(file.text), overwrite: false });
    if (!(await vscode.workspace.applyEdit(edit))) throw new Error('VS Code could not create the files (one of them may exist already); nothing was written.');
    await services.workspace.update(folder, files.map((f) => f.path));
  };
  const fsOf = {
    readDirectory: async (path: string) => {
      try {
        return (await vscode.workspace.fs.readDirectory(folder.uriOf(path))).map(([name, type]) => ({ name, isDirectory: (type & vscode.FileType.Directory) !== 0 }));
      } catch {
        return [];
      }
    },
  };
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Importing from ${connected.connection.fullName}…`, cancellable: true },
    (_progress, token) =>
      importIssues({
        tracker: connected.connection.tracker,
        workspace: indexImportWorkspace(folder.index, fsOf, create),
        state: new WorkspaceSyncStateStore(folder.folder.uri),
        source,
        signal: signalOf(token),
        log: (line) => log.info(`[Import] ${line}`),
      }),
  );
  if (result.outcome === 'done') {
    for (const note of result.notes) log.info(`[Import] ${note}`);
    void notifier.info([result.message, ...result.notes].join(' '));
    if (result.path) await openAtLine(folder.uriOf(result.path), 0, false);
  } else if (result.outcome === 'cancelled') void notifier.info(result.message);
  else void notifier.error(result.message);
  return result;
}

export function registerIssueCommands(context: vscode.ExtensionContext, services: SyncServices): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(Commands.closeIssue, (arg?: unknown) => runIssueAction(services, arg, 'close')),
    vscode.commands.registerCommand(Commands.reopenIssue, (arg?: unknown) => runIssueAction(services, arg, 'reopen')),
    vscode.commands.registerCommand(Commands.importIssues, (arg?: unknown) => runImport(services, arg)),
  );
}
