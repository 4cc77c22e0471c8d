import * as vscode from 'vscode';
import { Commands } from '../../common/commands';
import { PlanEditError } from '../../core/edits';
import type { Sprint } from '../../core/sprint';
import { dayNumber, isoOfDay, readIsoDate, taskKey } from '../../core/sprint';
import { sprintTimeText } from '../../core/sprintStatus';
import { addTaskToSprintChange, defaultSprintFolder, newSprintChange, removeTaskFromSprintChange } from '../../core/sprintEdits';
import type { SprintScope } from '../../shared/sprintProtocol';
import type { Notifier } from '../../services/notifier';
import type { PlanEditor } from '../../services/planEditor';
import { PlanConflictError } from '../../services/planEditor';
import type { FolderPlans, TaskEntry } from '../../services/planWorkspace';
import { taskEntry } from '../../services/planWorkspace';
import { epicShortName, stateCodicon, stateLabel, taskLabel } from '../presentation';
import { toTaskRef } from '../tasks/taskCommands';
import { PanelRegistry } from '../webviews/panelRegistry';
import type { SprintPanelServices } from './sprintPanel';
import { restoredSprintState, SPRINT_VIEW_TYPE, SprintPanel, sprintScopeKey } from './sprintPanel';

export interface SprintServices extends SprintPanelServices {
  readonly editor: PlanEditor;
  readonly notifier: Notifier;
}

/** The open sprint report panels, one per sprint: showing one again brings it forward. */
export class SprintPanels extends PanelRegistry<SprintScope, undefined, SprintPanel> {
  constructor(services: SprintPanelServices) {
    super({
      viewType: SPRINT_VIEW_TYPE,
      title: () => 'Sprint',
      key: sprintScopeKey,
      create: (panel, scope) => new SprintPanel(panel, services, scope),
      restore: (state) => {
        const scope = restoredSprintState(state);
        return scope && { scope };
      },
      ready: () => services.workspace.ready(),
    });
  }
}

export interface NewSprintOptions {
  readonly name?: unknown;
  readonly start?: unknown;
  readonly end?: unknown;
  readonly goal?: unknown;
  readonly folder?: unknown;
}

export function registerSprint(context: vscode.ExtensionContext, services: SprintServices): SprintPanels {
  const panels = new SprintPanels(services);
  context.subscriptions.push(panels);
  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(SPRINT_VIEW_TYPE, panels.serializer),
    vscode.commands.registerCommand(Commands.openSprintStatus, async (arg?: unknown) => {
      await services.workspace.ready();
      const scope = sprintScopeOf(arg) ?? (await pickSprint(services, 'Sprint Status', () => true));
      return scope ? panels.show(scope) : undefined;
    }),
    vscode.commands.registerCommand(Commands.newSprint, (options?: NewSprintOptions) => newSprint(services, options)),
    vscode.commands.registerCommand(Commands.addTaskToSprint, (arg?: unknown, sprint?: unknown) => changeMembership(services, 'add', arg, sprint)),
    vscode.commands.registerCommand(Commands.removeTaskFromSprint, (arg?: unknown, sprint?: unknown) => changeMembership(services, 'remove', arg, sprint)),
  );
  return panels;
}

/** `{ folder, sprintId }` from the status bar, a test or another command. */
function sprintScopeOf(arg: unknown): SprintScope | undefined {
  if (!arg || typeof arg !== 'object') return undefined;
  const { folder, sprintId } = arg as { folder?: unknown; sprintId?: unknown };
  return typeof folder === 'string' && typeof sprintId === 'string' ? { folder, sprintId } : undefined;
}

interface SprintPick extends vscode.QuickPickItem {
  readonly scope: SprintScope;
}

/** A sprint to act on: the only one there is, else the user's choice, the current one first. */
async function pickSprint(services: SprintServices, title: string, allowed: (s: { folder: FolderPlans; sprint: Sprint }) => boolean, empty?: string): Promise<SprintScope | undefined> {
  const { sprints, workspace } = services;
  const current = sprints.current();
  const isCurrent = (s: { folder: FolderPlans; sprint: Sprint }) => Number(current?.folder === s.folder && current.sprint.id === s.sprint.id);
  const candidates = sprints.all().filter(allowed).sort((a, b) => isCurrent(b) - isCurrent(a));
  if (candidates.length === 0) {
    void services.notifier.info(empty ?? 'This workspace has no sprints yet: create one with AutoPM: New Sprint.');
    return undefined;
  }
  if (candidates.length === 1) return { folder: candidates[0].folder.key, sprintId: candidates[0].sprint.id };
  const multiRoot = workspace.allFolders.length > 1;
  const picked = await vscode.window.showQuickPick<SprintPick>(
    candidates.map((c) => {
      const status = sprints.statusOf(c.folder, c.sprint);
      const dates = c.sprint.start !== undefined ? `${c.sprint.start} → ${c.sprint.end}` : 'no dates';
      return {
        label: `$(rocket) ${c.sprint.name}`,
        description: `${dates} · ${sprintTimeText(status)}${isCurrent(c) ? ' · current' : ''}${multiRoot ? ` · ${c.folder.folder.name}` : ''}`,
        detail: `${status.counts.done} of ${status.counts.scope} done${c.sprint.goal ? ` · ${c.sprint.goal}` : ''}`,
        scope: { folder: c.folder.key, sprintId: c.sprint.id },
      };
    }),
    { title, placeHolder: 'Choose a sprint', matchOnDescription: true, matchOnDetail: true },
  );
  return picked?.scope;
}

function validDate(value: string): string | undefined {
  return readIsoDate(value.trim()) ? undefined : 'Write the date as YYYY-MM-DD, for example 2026-03-09.';
}

/** Creates a sprint file from input boxes (or from `options`, which tests and other commands pass) and opens it. */
async function newSprint(services: SprintServices, options: NewSprintOptions = {}): Promise<vscode.Uri | undefined> {
  const { workspace, sprints } = services;
  await workspace.ready();
  const folders = workspace.allFolders;
  if (folders.length === 0) {
    void services.notifier.warn('Open a folder first: sprints live in the repository beside the epics.');
    return undefined;
  }
  let folder = typeof options.folder === 'string' ? workspace.folderByKey(options.folder) : undefined;
  if (!folder) {
    if (folders.length === 1) folder = folders[0];
    else {
      const picked = await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Which folder is the sprint for?' });
      folder = picked && workspace.folderByKey(picked.uri.toString());
    }
  }
  if (!folder) return undefined;
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const name =
    text(options.name) ??
    (await vscode.window.showInputBox({
      title: 'New Sprint (1/4)',
      prompt: 'The sprint’s name',
      value: `Sprint ${folder.index.sprints.filter((s) => s.source === 'file').length + 1}`,
      validateInput: (value) => (value.trim() === '' ? 'A sprint needs a name.' : undefined),
    }));
  if (name === undefined) return undefined;
  const start =
    text(options.start) ??
    (await vscode.window.showInputBox({ title: 'New Sprint (2/4)', prompt: 'First day (YYYY-MM-DD)', value: sprints.today, validateInput: validDate }));
  if (start === undefined) return undefined;
  const startIso = readIsoDate(start.trim());
  const end =
    text(options.end) ??
    (await vscode.window.showInputBox({
      title: 'New Sprint (3/4)',
      prompt: 'Last day (YYYY-MM-DD)',
      // Two weeks, the most common sprint length, ending on the day before the next would start.
      value: startIso ? isoOfDay(dayNumber(startIso) + 13) : '',
      validateInput: (value) => validDate(value) ?? (startIso && readIsoDate(value.trim())! < startIso ? `The last day must not be before ${startIso}.` : undefined),
    }));
  if (end === undefined) return undefined;
  const goal = text(options.goal) ?? (await vscode.window.showInputBox({ title: 'New Sprint (4/4)', prompt: 'The sprint goal (optional)', placeHolder: 'Customers can pay for what is in their cart' }));
  if (goal === undefined) return undefined;

  const plans = folder;
  const target = defaultSprintFolder(plans.roots, plans.index.sprintFiles.map((f) => f.path), plans.index.allEpics);
  const taken = new Set((await plans.fs.readDirectory(target)).map((e) => `${target}/${e.name}`));
  for (const document of vscode.workspace.textDocuments) {
    const path = plans.relativePath(document.uri);
    if (path !== undefined) taken.add(path);
  }
  try {
    const change = newSprintChange(target, { name, start, end, goal }, (path) => taken.has(path));
    const uri = plans.uriOf(change.path);
    // A WorkspaceEdit of file creations alone has a size of 0, and PlanEditor applies only
    // edits with a size: the new file is created here, as New PRD creates its file.
    const edit = new vscode.WorkspaceEdit();
    for (const create of change.creates) edit.createFile(plans.uriOf(create.path), { contents: new TextEncoder().encode(create.text), overwrite: false, ignoreIfExists: false });
    if (!(await vscode.workspace.applyEdit(edit))) throw new PlanConflictError(`${change.path} already exists.`);
    await workspace.update(plans, [change.path]);
    await vscode.window.showTextDocument(uri);
    services.log.info(`[Sprint] created ${change.path}`);
    return uri;
  } catch (error) {
    if (error instanceof PlanEditError || error instanceof PlanConflictError) {
      void services.notifier.error(`Could not create the sprint: ${error.message}`);
      return undefined;
    }
    throw error;
  }
}

interface TaskPick extends vscode.QuickPickItem {
  readonly entry: TaskEntry;
}

async function pickTask(services: SprintServices, title: string, allowed: (t: TaskEntry) => boolean, empty: string): Promise<TaskEntry | undefined> {
  const { workspace } = services;
  const order = { 'in-progress': 0, ready: 1, blocked: 2, done: 3 } as const;
  const entries = workspace
    .epics()
    .flatMap((e) => e.epic.tasks.map((t) => taskEntry(e, t.id)).filter((t): t is TaskEntry => t !== undefined))
    .filter(allowed)
    .sort((a, b) => order[a.state.display] - order[b.state.display]);
  if (entries.length === 0) {
    void services.notifier.info(empty);
    return undefined;
  }
  const multiRoot = workspace.allFolders.length > 1;
  const picked = await vscode.window.showQuickPick<TaskPick>(
    entries.map((entry) => ({
      label: `${stateCodicon(entry.state.display)} ${taskLabel(entry.task)}`,
      description: `${epicShortName(entry.epic)}${multiRoot ? ` · ${entry.folder.folder.name}` : ''}`,
      detail: stateLabel(entry.state.display),
      entry,
    })),
    { title, placeHolder: 'Choose a task', matchOnDescription: true },
  );
  return picked?.entry;
}

const inSprint = (entry: TaskEntry, sprint: Sprint) => sprint.taskKeys.includes(taskKey(entry.epic.id, entry.task.id));

/** Add Task to Sprint and Remove Task from Sprint: the task and the sprint from the arguments, else picked. */
async function changeMembership(services: SprintServices, kind: 'add' | 'remove', arg: unknown, sprintArg: unknown): Promise<string[] | undefined> {
  const { workspace, sprints } = services;
  await workspace.ready();
  const verb = kind === 'add' ? 'Add Task to Sprint' : 'Remove Task from Sprint';
  const ref = toTaskRef(arg);
  const named = sprintScopeOf(arg) ?? sprintScopeOf(sprintArg) ?? (typeof sprintArg === 'string' && ref ? { folder: ref.folder, sprintId: sprintArg } : undefined);
  let entry = ref ? workspace.findTask(ref) : undefined;
  if (ref && !entry) {
    void services.notifier.warn(`Task ${ref.taskId} is no longer in ${ref.epicPath}.`);
    return undefined;
  }
  const editable = (s: Sprint) => s.source === 'file' && s.path !== undefined;
  const removable = (s: Sprint) => s.source !== 'epic';
  entry ??= await pickTask(
    services,
    verb,
    (t) =>
      kind === 'add'
        ? t.task.state !== 'done' && t.folder.index.sprints.some((s) => editable(s) && !inSprint(t, s))
        : t.folder.index.sprints.some((s) => removable(s) && inSprint(t, s)),
    kind === 'add' ? 'There is no sprint file to add a task to, or every open task is in every sprint: create one with AutoPM: New Sprint.' : 'No task is in a sprint.',
  );
  if (!entry) return undefined;
  const task = entry;
  const scope =
    named ??
    (await pickSprint(
      services,
      `${verb}: ${taskLabel(task.task)}`,
      (s) => s.folder === task.folder && (kind === 'add' ? editable(s.sprint) && !inSprint(task, s.sprint) : removable(s.sprint) && inSprint(task, s.sprint)),
      kind === 'add' ? `${taskLabel(task.task)} is in every sprint already, or there is no sprint file: create one with AutoPM: New Sprint.` : `${taskLabel(task.task)} is in no sprint.`,
    ));
  if (!scope) return undefined;
  const found = sprints.find(scope.folder, scope.sprintId);
  if (!found) {
    void services.notifier.warn(`Sprint ${scope.sprintId} is no longer in the workspace.`);
    return undefined;
  }
  const { folder, sprint } = found;
  const epics = folder.index.allEpics;
  const paths = [...(sprint.path ? [sprint.path] : []), task.task.path];
  try {
    const changed = await services.editor.apply(folder, paths, (read) =>
      kind === 'add' ? addTaskToSprintChange(sprint, task.epic, task.task.id, read, epics) : removeTaskFromSprintChange(sprint, task.epic, task.task.id, read, epics),
    );
    services.log.info(`[Sprint] ${verb} ${task.epic.id}:${task.task.id} ${kind === 'add' ? 'to' : 'from'} ${sprint.id} (${changed.join(', ') || 'no change'})`);
    if (changed.length === 0) void services.notifier.info(`${taskLabel(task.task)} is ${kind === 'add' ? 'already' : 'not'} in ${sprint.name}.`);
    return changed;
  } catch (error) {
    if (error instanceof PlanEditError || error instanceof PlanConflictError) {
      void services.notifier.error(`Could not ${kind} ${taskLabel(task.task)}: ${error.message}`);
      return undefined;
    }
    throw error;
  }
}
