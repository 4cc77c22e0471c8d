import * as vscode from 'vscode';
import type { Epic, TaskState } from '../../core/model';
import type { EpicAnalysis } from '../../core/analysis';
import { nextTask, readyTasks } from '../../core/analysis';
import { isoNow, PlanEditError, setTaskStateChange } from '../../core/edits';
import { Commands } from '../../common/commands';
import type { ActiveEpic } from '../../services/activeEpic';
import type { ExternalOpener } from '../../services/externalOpener';
import type { Notifier } from '../../services/notifier';
import type { PlanEditor } from '../../services/planEditor';
import { PlanConflictError } from '../../services/planEditor';
import type { EpicEntry, FolderPlans, PlanWorkspace, TaskEntry, TaskRef } from '../../services/planWorkspace';
import { taskEntry } from '../../services/planWorkspace';
import { blockersText, epicShortName, openAtLine, stateCodicon, stateLabel, taskLabel, taskLabelId } from '../presentation';
import { epicRef } from '../../core/model';

export interface TaskServices {
  readonly workspace: PlanWorkspace;
  readonly editor: PlanEditor;
  readonly activeEpic: ActiveEpic;
  readonly log: vscode.LogOutputChannel;
  readonly notifier: Notifier;
  readonly links: ExternalOpener;
  /** Selects a task in the Epics view when that view is open. */
  readonly revealInTree: (entry: TaskEntry) => Promise<void>;
  /** What happens around a state change besides the file edit: branches, issues, the next task. */
  readonly lifecycle?: TaskLifecycle;
}

/**
 * Steps around a task's state change. `beforeChange` runs once the user has agreed to the
 * change and before the file is edited; answering false stops the change with nothing
 * written. `afterChange` runs once the file says so, with the entry as it was before.
 */
export interface TaskLifecycle {
  beforeChange(entry: TaskEntry, target: TaskState): Promise<boolean>;
  afterChange(entry: TaskEntry, target: TaskState): Promise<void>;
}

type Transition = 'start' | 'complete' | 'reopen';

const TRANSITIONS: Record<Transition, { target: TaskState; verb: string; allowed: (entry: TaskEntry) => boolean }> = {
  start: { target: 'in-progress', verb: 'Start', allowed: (e) => e.task.state === 'open' },
  complete: { target: 'done', verb: 'Complete', allowed: (e) => e.task.state !== 'done' },
  reopen: { target: 'open', verb: 'Reopen', allowed: (e) => e.task.state !== 'open' },
};

/** Arguments come from CodeLens (a TaskRef), tree items (which carry one) or nowhere (the palette). */
export function toTaskRef(arg: unknown): TaskRef | undefined {
  const candidate = (arg && typeof arg === 'object' && 'ref' in arg ? (arg as { ref: unknown }).ref : arg) as Partial<TaskRef> | undefined;
  return candidate && typeof candidate.folder === 'string' && typeof candidate.epicPath === 'string' && typeof candidate.taskId === 'string'
    ? (candidate as TaskRef)
    : undefined;
}

export function registerTaskCommands(context: vscode.ExtensionContext, services: TaskServices): void {
  const { workspace, notifier } = services;
  const transition = (kind: Transition) => async (arg?: unknown) => {
    await workspace.ready();
    const ref = toTaskRef(arg);
    const entry = ref ? workspace.findTask(ref) : (taskAtCursor(workspace, kind) ?? (await pickTask(workspace, notifier, kind)));
    if (!entry) {
      if (ref) void notifier.warn(`Task ${ref.taskId} is no longer in ${ref.epicPath}.`);
      return;
    }
    await setTaskState(services, entry, kind);
  };
  context.subscriptions.push(
    vscode.commands.registerCommand(Commands.startTask, transition('start')),
    vscode.commands.registerCommand(Commands.completeTask, transition('complete')),
    vscode.commands.registerCommand(Commands.reopenTask, transition('reopen')),
    vscode.commands.registerCommand(Commands.showNextTask, (arg?: unknown) => showNextTask(services, arg)),
    vscode.commands.registerCommand(Commands.revealTasks, (ref?: unknown, ids?: unknown) => revealTasks(services, toTaskRef(ref), ids)),
    vscode.commands.registerCommand(Commands.openIssue, (url?: unknown) => openIssue(services, url)),
  );
}

/** What the task services a state change needs; the board's host has them too. */
export type TaskStateServices = Pick<TaskServices, 'editor' | 'activeEpic' | 'log' | 'notifier' | 'lifecycle'>;

/** How a state change ended; `unchanged` and `failed` carry what to tell the user. */
export type TaskStateResult =
  | { readonly kind: 'changed' }
  | { readonly kind: 'declined' }
  | { readonly kind: 'unchanged'; readonly message: string }
  | { readonly kind: 'failed'; readonly message: string };

const VERB_OF: Record<TaskState, string> = { 'in-progress': 'Start', done: 'Complete', open: 'Reopen' };

/**
 * Sets a task to a state: what Start, Complete and Reopen do, and what moving a card on the
 * board does. Starting a blocked task asks first. The change goes through the plan editor
 * (a WorkspaceEdit for open documents, so undo works and unsaved text is kept). The caller
 * decides how to show `unchanged` and `failed`: the commands notify, the board shows them inline.
 */
export async function changeTaskState(services: TaskStateServices, entry: TaskEntry, target: TaskState): Promise<TaskStateResult> {
  const verb = VERB_OF[target];
  const label = taskLabel(entry.task);
  if (entry.task.state === target) return { kind: 'unchanged', message: `${label} is already ${stateLabel(entry.state.display)}.` };
  if (target === 'in-progress' && entry.state.display === 'blocked') {
    const blockers = blockersText(entry.state, entry.analysis.tasks);
    const choice = await services.notifier.ask(`${label} is blocked by ${blockers}.`, 'Start Anyway');
    if (choice !== 'Start Anyway') return { kind: 'declined' };
  }
  if (services.lifecycle && !(await services.lifecycle.beforeChange(entry, target))) return { kind: 'declined' };
  const { epic, task, folder } = entry;
  const paths = [epic.path, task.path];
  try {
    const changed = await services.editor.apply(folder, paths, (read) => setTaskStateChange(epic, task.id, target, read, isoNow()));
    services.log.info(`[Tasks] ${verb} ${epic.id}:${task.id} (${changed.join(', ') || 'no change'})`);
    await services.activeEpic.workedOn(entry);
    await services.lifecycle?.afterChange(entry, target);
    return { kind: 'changed' };
  } catch (error) {
    if (error instanceof PlanEditError || error instanceof PlanConflictError) {
      return { kind: 'failed', message: `Could not ${verb.toLowerCase()} ${label}: ${error.message}` };
    }
    throw error;
  }
}

async function setTaskState(services: TaskServices, entry: TaskEntry, kind: Transition): Promise<boolean> {
  const result = await changeTaskState(services, entry, TRANSITIONS[kind].target);
  switch (result.kind) {
    case 'changed':
      return true;
    case 'declined':
      return false;
    case 'unchanged':
      void services.notifier.info(result.message);
      return false;
    case 'failed':
      void services.notifier.error(result.message);
      return false;
  }
}

/** The task under the cursor: its line in a single-file epic or a checklist, or its own task file. */
function taskAtCursor(workspace: PlanWorkspace, kind: Transition): TaskEntry | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return undefined;
  const line = editor.selection.active.line;
  const entry = workspace.epicForDocument(editor.document.uri, line);
  if (!entry) return undefined;
  const path = workspace.folderOf(editor.document.uri)?.path;
  const onLine =
    entry.epic.tasks.find((t) => t.path === path && (entry.epic.layout === 'directory' || t.range.line === line)) ??
    entry.epic.tasks.find((t) => entry.epic.checklist.some((c) => c.taskId === t.id && c.range.line === line) && path === entry.epic.path);
  const found = onLine && taskEntry(entry, onLine.id);
  return found && TRANSITIONS[kind].allowed(found) ? found : undefined;
}

interface TaskPick extends vscode.QuickPickItem {
  readonly entry: TaskEntry;
}

async function pickTask(workspace: PlanWorkspace, notifier: Notifier, kind: Transition): Promise<TaskEntry | undefined> {
  const order = { 'in-progress': 0, ready: 1, blocked: 2, done: 3 } as const;
  const entries = workspace
    .epics()
    .flatMap((epicEntry) => epicEntry.epic.tasks.map((t) => taskEntry(epicEntry, t.id)).filter((t): t is TaskEntry => t !== undefined))
    .filter((t) => TRANSITIONS[kind].allowed(t))
    .sort((a, b) => order[a.state.display] - order[b.state.display]);
  const multiRoot = workspace.allFolders.length > 1;
  const items: TaskPick[] = entries.map((entry) => ({
    label: `${stateCodicon(entry.state.display)} ${taskLabel(entry.task)}`,
    description: `${epicShortName(entry.epic)}${multiRoot ? ` · ${entry.folder.folder.name}` : ''}`,
    detail: entry.state.display === 'blocked' ? `Blocked by ${blockersText(entry.state, entry.analysis.tasks)}` : stateLabel(entry.state.display),
    entry,
  }));
  if (items.length === 0) {
    void notifier.info(`There is no task to ${TRANSITIONS[kind].verb.toLowerCase()}.`);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(items, {
    title: `${TRANSITIONS[kind].verb} Task`,
    placeHolder: 'Choose a task',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  return picked?.entry;
}

/** The epics' analyses (of one folder, or all), and the entry each epic came from. */
function analysesWithEntries(workspace: PlanWorkspace, folder?: FolderPlans): { analyses: EpicAnalysis[]; entryOf: Map<Epic, EpicEntry> } {
  const entries = workspace.epics().filter((e) => !folder || e.folder === folder);
  return { analyses: entries.map((e) => e.analysis), entryOf: new Map(entries.map((e) => [e.epic, e])) };
}

/** The task the core recommends next, of one folder or of the whole workspace, and why. */
export function recommendedNext(workspace: PlanWorkspace, folder?: FolderPlans): { readonly entry: TaskEntry; readonly reason: string } | undefined {
  const { analyses, entryOf } = analysesWithEntries(workspace, folder);
  const next = nextTask(analyses);
  const entry = next && taskEntry(entryOf.get(next.epic)!, next.task.task.id);
  return entry && next ? { entry, reason: next.reason } : undefined;
}

interface NextPick extends vscode.QuickPickItem {
  readonly entry?: TaskEntry;
}

const START_BUTTON: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('play'), tooltip: 'Start Task' };

/**
 * Next Task: the recommended task with its reason, then the other ready tasks in the
 * order the core ranks them ("Available tasks (by priority)"), and the tasks in progress.
 * Choosing one opens it at its line and offers to start it; its play button starts it.
 * Called with a task, it opens that one.
 */
async function showNextTask(services: TaskServices, arg: unknown): Promise<void> {
  const { workspace } = services;
  await workspace.ready();
  const ref = toTaskRef(arg);
  const given = ref && workspace.findTask(ref);
  if (given) {
    await openAndOffer(services, given, undefined);
    return;
  }
  const next = recommendedNext(workspace);
  if (!next) {
    const { analyses } = analysesWithEntries(workspace);
    const blocked = analyses.reduce((n, a) => n + a.counts.blocked, 0);
    void services.notifier.info(blocked > 0 ? `No task is ready: ${blocked} are blocked.` : 'No task is ready.');
    return;
  }
  const multiRoot = workspace.allFolders.length > 1;
  const describe = (entry: TaskEntry): string =>
    [epicShortName(entry.epic), entry.task.priority && `priority ${entry.task.priority}`, entry.task.estimate, multiRoot && entry.folder.folder.name].filter(Boolean).join(' · ');
  const item = (entry: TaskEntry, detail?: string): NextPick => ({
    label: `${stateCodicon(entry.state.display)} ${taskLabel(entry.task)}`,
    description: describe(entry),
    ...(detail ? { detail } : {}),
    buttons: entry.state.display === 'ready' ? [START_BUTTON] : [],
    entry,
  });
  const key = (e: TaskEntry) => `${e.folder.key}#${epicRef(e.epic)}#${e.task.id}`;
  const others = readyEntries(workspace).filter((e) => key(e) !== key(next.entry));
  const started = workspace
    .epics()
    .flatMap((epicEntry) => epicEntry.epic.tasks.filter((t) => t.state === 'in-progress').map((t) => taskEntry(epicEntry, t.id)))
    .filter((t): t is TaskEntry => t !== undefined);
  const items: NextPick[] = [
    { label: 'Recommended', kind: vscode.QuickPickItemKind.Separator },
    item(next.entry, next.reason),
    ...(others.length > 0 ? [{ label: 'Available tasks (by priority)', kind: vscode.QuickPickItemKind.Separator }, ...others.map((e) => item(e))] : []),
    ...(started.length > 0 ? [{ label: 'In progress', kind: vscode.QuickPickItemKind.Separator }, ...started.map((e) => item(e))] : []),
  ];
  const chosen = await new Promise<{ entry: TaskEntry; start: boolean } | undefined>((resolve) => {
    const pick = vscode.window.createQuickPick<NextPick>();
    pick.title = 'Next Task';
    pick.placeholder = 'Open a task, or start it with its play button';
    pick.matchOnDescription = true;
    pick.matchOnDetail = true;
    pick.items = items;
    pick.activeItems = [items[1]];
    let result: { entry: TaskEntry; start: boolean } | undefined;
    pick.onDidAccept(() => {
      const entry = pick.selectedItems[0]?.entry;
      if (entry) result = { entry, start: false };
      pick.hide();
    });
    pick.onDidTriggerItemButton((event) => {
      if (event.item.entry) result = { entry: event.item.entry, start: true };
      pick.hide();
    });
    pick.onDidHide(() => {
      pick.dispose();
      resolve(result);
    });
    pick.show();
  });
  if (!chosen) return;
  if (chosen.start) await setTaskState(services, chosen.entry, 'start');
  else await openAndOffer(services, chosen.entry, key(chosen.entry) === key(next.entry) ? next.reason : undefined);
}

/** Opens a task at its line and, when it can be started, offers to. */
async function openAndOffer(services: TaskServices, entry: TaskEntry, reason: string | undefined): Promise<void> {
  await openAtLine(entry.folder.uriOf(entry.task.path), entry.task.range.line);
  if (entry.task.state !== 'open') return;
  const prefix = reason !== undefined ? 'Next: ' : '';
  const text = `${prefix}${taskLabel(entry.task)} (${epicShortName(entry.epic)}).${reason !== undefined ? ` ${reason}` : ''}`;
  const choice = await services.notifier.info(text, 'Start Task');
  if (choice === 'Start Task') await setTaskState(services, entry, 'start');
}

/** The ready tasks in recommended order, of one folder or of the whole workspace. */
export function readyEntries(workspace: PlanWorkspace, folder?: FolderPlans): TaskEntry[] {
  const { analyses, entryOf } = analysesWithEntries(workspace, folder);
  return readyTasks(analyses).map(({ epic, task }) => taskEntry(entryOf.get(epic)!, task.task.id)!);
}

async function revealTasks(services: TaskServices, ref: TaskRef | undefined, ids: unknown): Promise<void> {
  const { workspace } = services;
  await workspace.ready();
  if (!ref) return;
  const entry = workspace.findEpic(ref.folder, ref.epicPath);
  if (!entry) return;
  const wanted = Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [ref.taskId];
  const targets = wanted.map((id) => taskEntry(entry, id)).filter((t): t is TaskEntry => t !== undefined);
  let target: TaskEntry | undefined = targets[0];
  const blocked = entry.epic.tasks.find((t) => t.id === ref.taskId);
  const blockedLabel = blocked ? taskLabelId(blocked) : ref.taskId;
  if (targets.length > 1) {
    const picked = await vscode.window.showQuickPick(
      targets.map((t) => ({ label: `${stateCodicon(t.state.display)} ${taskLabel(t.task)}`, description: stateLabel(t.state.display), entry: t })),
      { title: `What blocks ${blockedLabel}`, placeHolder: 'Go to a blocking task' },
    );
    target = picked?.entry;
  }
  if (!target) return;
  await openAtLine(target.folder.uriOf(target.task.path), target.task.range.line);
  await services.revealInTree(target);
}

async function openIssue(services: TaskServices, url: unknown): Promise<void> {
  if (typeof url === 'string' && /^https?:\/\//.test(url)) {
    await services.links.open(vscode.Uri.parse(url));
    return;
  }
  void services.notifier.info('The issue has no web address: add `github:` with the epic issue URL to the epic so AutoPM knows its repository.');
}
