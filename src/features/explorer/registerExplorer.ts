import * as vscode from 'vscode';
import type { TaskDisplayState } from '../../core/model';
import { Commands, ContextKeys, ViewIds } from '../../common/commands';
import type { PlanWorkspace, TaskEntry } from '../../services/planWorkspace';
import { stateCodicon, stateLabel, TASK_STATES } from '../presentation';
import { readyEntries } from '../tasks/taskCommands';
import type { PlanNode } from './nodes';
import { EpicsTree, NextUpTree, PrdsTree } from './planTrees';

export interface Explorer {
  readonly prds: PrdsTree;
  readonly epics: EpicsTree;
  readonly nextUp: NextUpTree;
  readonly epicsView: vscode.TreeView<PlanNode>;
  readonly nextUpView: vscode.TreeView<PlanNode>;
  /** Selects a task's row in the Epics view, if the view is showing. */
  revealTask(entry: TaskEntry): Promise<void>;
  /** What an empty Next Up says, as last set for its welcome content. */
  readonly nextUpState: () => NextUpState | undefined;
}

export type NextUpState = 'noEpics' | 'allDone' | 'allStarted' | 'blocked' | 'ready';

export function registerExplorer(context: vscode.ExtensionContext, workspace: PlanWorkspace): Explorer {
  const prds = new PrdsTree(workspace);
  const epics = new EpicsTree(workspace, context.workspaceState);
  const nextUp = new NextUpTree(workspace);
  const prdsView = vscode.window.createTreeView(ViewIds.prds, { treeDataProvider: prds, showCollapseAll: true });
  const epicsView = vscode.window.createTreeView(ViewIds.epics, { treeDataProvider: epics, showCollapseAll: true });
  const nextUpView = vscode.window.createTreeView(ViewIds.nextUp, { treeDataProvider: nextUp });
  context.subscriptions.push(prds, epics, nextUp, prdsView, epicsView, nextUpView);

  const updateFilterState = () => {
    epicsView.message = epics.filterMessage;
    void vscode.commands.executeCommand('setContext', ContextKeys.hideDone, epics.hideDone);
    void vscode.commands.executeCommand('setContext', ContextKeys.filtered, epics.filter.size < TASK_STATES.length);
  };
  updateFilterState();

  let lastNextUpState: NextUpState | undefined;
  // The count of ready tasks on the Next Up view, once the index exists.
  const updateBadge = () => {
    if (!workspace.isBuilt) return;
    const ready = readyEntries(workspace).length;
    lastNextUpState = nextUpState(workspace, ready);
    void vscode.commands.executeCommand('setContext', ContextKeys.nextUp, lastNextUpState);
    nextUpView.badge = ready > 0 ? { value: ready, tooltip: `${ready} ${ready === 1 ? 'task is' : 'tasks are'} ready` } : undefined;
  };
  context.subscriptions.push(workspace.onDidChange(updateBadge), workspace.onDidChangeState(updateBadge));

  context.subscriptions.push(
    vscode.commands.registerCommand(Commands.hideDoneTasks, async () => {
      await epics.setHideDone(true);
      updateFilterState();
    }),
    vscode.commands.registerCommand(Commands.showDoneTasks, async () => {
      await epics.setHideDone(false);
      updateFilterState();
    }),
    vscode.commands.registerCommand(Commands.filterTasks, async (states?: unknown) => {
      let chosen: TaskDisplayState[] | undefined;
      if (Array.isArray(states)) {
        chosen = states.filter((s): s is TaskDisplayState => (TASK_STATES as readonly string[]).includes(s));
      } else {
        const picked = await vscode.window.showQuickPick(
          TASK_STATES.map((state) => ({ label: `${stateCodicon(state)} ${stateLabel(state)}`, state, picked: epics.filter.has(state) })),
          { canPickMany: true, title: 'Show Tasks That Are…', placeHolder: 'Choose the task states the Epics view shows' },
        );
        chosen = picked?.map((p) => p.state);
      }
      if (!chosen) return;
      await epics.setFilter(chosen);
      updateFilterState();
    }),
  );
  const revealTask = async (entry: TaskEntry) => {
    if (!epicsView.visible) return;
    const node = await epics.taskNodeFor(entry);
    if (node) await epicsView.reveal(node, { select: true, focus: false, expand: true });
  };
  return { prds, epics, nextUp, epicsView, nextUpView, revealTask, nextUpState: () => lastNextUpState };
}

/** What an empty Next Up should say. */
export function nextUpState(workspace: PlanWorkspace, ready: number): NextUpState {
  if (ready > 0) return 'ready';
  const counts = workspace.epics().map((e) => e.analysis.counts);
  if (counts.every((c) => c.total === 0)) return 'noEpics';
  if (counts.some((c) => c.blocked > 0)) return 'blocked';
  return counts.some((c) => c.inProgress > 0) ? 'allStarted' : 'allDone';
}
