import * as vscode from 'vscode';
import type { PlanState, Prd, Section, TaskGroup } from '../../core/model';
import { percentOf, progressOf } from '../../core/progress';
import type { EpicEntry, FolderPlans, TaskEntry, TaskRef } from '../../services/planWorkspace';
import { taskRef } from '../../services/planWorkspace';
import { planStateLabel } from '../../core/status';
import { blockersText, countsSummary, progressText, stateIcon, stateLabel, statusMismatch, taskLabel, taskLabelId } from '../presentation';
import { issueUrl } from '../../core/issues';
import { isToolFormat } from '../../core/model';

/** A node of one of the AutoPM trees. Nodes are cached by id so a refresh can name the node that changed. */
export abstract class PlanNode {
  constructor(
    readonly id: string,
    readonly parent: PlanNode | undefined,
  ) {}
  abstract treeItem(): vscode.TreeItem;
}

function openCommand(uri: vscode.Uri, line: number): vscode.Command {
  const position = new vscode.Position(line, 0);
  return { command: 'vscode.open', title: 'Open', arguments: [uri, { selection: new vscode.Range(position, position) } satisfies vscode.TextDocumentShowOptions] };
}

export class FolderNode extends PlanNode {
  constructor(
    id: string,
    public plans: FolderPlans,
  ) {
    super(id, undefined);
  }
  treeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.plans.folder.name, vscode.TreeItemCollapsibleState.Expanded);
    item.id = this.id;
    item.iconPath = vscode.ThemeIcon.Folder;
    item.resourceUri = this.plans.folder.uri;
    item.contextValue = 'folder';
    return item;
  }
}

export class EpicNode extends PlanNode {
  constructor(
    id: string,
    parent: PlanNode | undefined,
    public entry: EpicEntry,
  ) {
    super(id, parent);
  }
  treeItem(): vscode.TreeItem {
    const { epic, analysis, folder } = this.entry;
    const counts = analysis.counts;
    const item = new vscode.TreeItem(epic.title || epic.id, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    // The state the tasks give is what the row shows; a status they contradict is named beside it.
    const mismatch = statusMismatch(epic, counts);
    item.description = [`${progressText(counts)} · ${percentOf(counts.done, counts.total)}%`, mismatch].filter(Boolean).join(' · ');
    item.iconPath = new vscode.ThemeIcon(analysis.tasksState === 'done' ? 'pass-filled' : 'project');
    // `epic.tool` for another tool's file: the menus leave out what only AutoPM's layouts take (sync, pull requests, reviews).
    item.contextValue = isToolFormat(epic.layout) ? 'epic.tool' : 'epic';
    const tooltip = new vscode.MarkdownString(`**${epic.title || epic.id}**  \n${countsSummary(counts)}`);
    if (epic.status) {
      tooltip.appendMarkdown(
        mismatch ? `  \nIts tasks say ${planStateLabel(analysis.tasksState)}; its status says ${epic.status}.` : `  \nStatus: ${epic.status}`,
      );
    }
    tooltip.appendMarkdown(`  \n\`${epic.path}\``);
    item.tooltip = tooltip;
    item.command = openCommand(folder.uriOf(epic.path), epic.range.line);
    return item;
  }
}

export class GroupNode extends PlanNode {
  constructor(
    id: string,
    parent: EpicNode,
    public group: TaskGroup,
    public entry: EpicEntry,
  ) {
    super(id, parent);
  }
  treeItem(): vscode.TreeItem {
    const tasks = this.group.taskIds.map((id) => this.entry.analysis.tasks.get(id)?.task).filter((t) => t !== undefined);
    const progress = progressOf(tasks);
    const item = new vscode.TreeItem(this.group.name, vscode.TreeItemCollapsibleState.Expanded);
    item.id = this.id;
    item.description = `${progress.done}/${progress.total}`;
    item.iconPath = new vscode.ThemeIcon('list-tree');
    item.contextValue = 'group';
    item.command = openCommand(this.entry.folder.uriOf(this.entry.epic.path), this.group.range.line);
    return item;
  }
}

export class TaskNode extends PlanNode {
  constructor(
    id: string,
    parent: PlanNode | undefined,
    public entry: TaskEntry,
    /** Extra text after the state, e.g. why Next Up recommends it. */
    public note?: string,
  ) {
    super(id, parent);
  }
  get ref(): TaskRef {
    return taskRef(this.entry);
  }
  treeItem(): vscode.TreeItem {
    const { task, state, epic, analysis, folder } = this.entry;
    const item = new vscode.TreeItem(taskLabel(task), vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = stateIcon(state.display);
    const linked = task.issue !== undefined && taskLabelId(task) !== `#${task.issue}` ? `#${task.issue}` : undefined;
    item.description = [linked, this.note ?? stateLabel(state.display)].filter(Boolean).join(' · ');
    // `.sprint` last, so the `when` clauses that match the start of the value still hold. An
    // epic's own time box is not a sprint a task can be taken out of.
    const key = `${epic.id}:${task.id}`;
    const inSprint = folder.index.sprints.some((s) => s.source !== 'epic' && s.taskKeys.includes(key));
    item.contextValue = `task.${task.state}${state.display === 'blocked' ? '.blocked' : ''}${issueUrl(epic, task) ? '.linked' : ''}${isToolFormat(epic.layout) ? '.tool' : ''}${inSprint ? '.sprint' : ''}`;
    const tooltip = new vscode.MarkdownString(`**${taskLabel(task)}**  \n${stateLabel(state.display)}`);
    if (task.issue !== undefined) tooltip.appendMarkdown(` · issue #${task.issue}`);
    if (task.estimate) tooltip.appendMarkdown(`  \nEstimate: ${task.estimate}${task.estimateFrom ? ` (${task.estimateFrom})` : ''}`);
    if (task.startedIn) tooltip.appendMarkdown(`  \nStarted: work is recorded in \`${task.startedIn}\`, though its status says ${task.rawStatus ?? 'open'}`);
    if (task.priority) tooltip.appendMarkdown(`  \nPriority: ${task.priority}`);
    if (task.dependsOn.length > 0) tooltip.appendMarkdown(`  \nDepends on: ${task.dependsOn.join(', ')}`);
    if (state.display === 'blocked') tooltip.appendMarkdown(`  \nBlocked by: ${blockersText(state, analysis.tasks)}`);
    if (this.note) tooltip.appendMarkdown(`  \n\n${this.note}`);
    tooltip.appendMarkdown(`  \n\n${epic.title || epic.id}`);
    item.tooltip = tooltip;
    item.command = openCommand(folder.uriOf(task.path), task.range.line);
    return item;
  }
}

export class PrdNode extends PlanNode {
  constructor(
    id: string,
    parent: PlanNode | undefined,
    public plans: FolderPlans,
    public prd: Prd,
    public description: string,
    /** What the tasks of its epics say, when it has any. */
    public tasksState: PlanState | undefined,
  ) {
    super(id, parent);
  }
  treeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.prd.title || this.prd.id, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.description = this.description;
    item.iconPath = new vscode.ThemeIcon((this.tasksState ?? this.prd.state) === 'done' ? 'pass-filled' : 'book');
    item.contextValue = 'prd';
    const tasks = this.tasksState === undefined ? '' : `  \nIts epics' tasks say ${planStateLabel(this.tasksState)}.`;
    item.tooltip = new vscode.MarkdownString(`**${this.prd.title || this.prd.id}** (${this.prd.id})  \nStatus: ${this.prd.status ?? 'none'}${tasks}  \n\`${this.prd.path}\``);
    item.command = openCommand(this.plans.uriOf(this.prd.path), this.prd.range.line);
    return item;
  }
}

export class SectionNode extends PlanNode {
  constructor(
    id: string,
    parent: PlanNode,
    public plans: FolderPlans,
    public path: string,
    public section: Section,
  ) {
    super(id, parent);
  }
  treeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.section.heading, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('symbol-string');
    item.contextValue = 'section';
    item.command = openCommand(this.plans.uriOf(this.path), this.section.range.line);
    return item;
  }
}
