import * as vscode from 'vscode';
import type { TaskDisplayState } from '../../core/model';
import { explainChoice } from '../../core/analysis';
import { prdProgress, stateOfTasks } from '../../core/progress';
import { Disposable } from '../../common/lifecycle';
import type { EpicEntry, FolderPlans, PlanChangeEvent, PlanWorkspace, TaskEntry } from '../../services/planWorkspace';
import { taskEntry } from '../../services/planWorkspace';
import { planStateLabel } from '../../core/status';
import { epicShortName, statusMismatch, TASK_STATES } from '../presentation';
import { readyEntries } from '../tasks/taskCommands';
import type { PlanNode } from './nodes';
import { EpicNode, FolderNode, GroupNode, PrdNode, SectionNode, TaskNode } from './nodes';
import { epicRef } from '../../core/model';

/**
 * What the three AutoPM trees share: nodes cached by id (VS Code matches elements by
 * identity, so a cached node is what lets a refresh name the epic that changed), the
 * index built on first expansion, and folders as the top level in a multi-root workspace.
 */
abstract class PlanTree extends Disposable implements vscode.TreeDataProvider<PlanNode> {
  protected readonly _onDidChangeTreeData = this._register(new vscode.EventEmitter<PlanNode | PlanNode[] | undefined>());
  readonly onDidChangeTreeData = this._onDidChangeTreeData.event;
  private nodes = new Map<string, PlanNode>();
  private seen = new Map<string, PlanNode>();

  constructor(
    protected readonly workspace: PlanWorkspace,
    private readonly name: string,
  ) {
    super();
    this._register(workspace.onDidChange((event) => this.onPlansChanged(event)));
  }

  /** Refreshes only what the change touched; the base refreshes everything. */
  protected onPlansChanged(event: PlanChangeEvent | undefined): void {
    // A rebuild replaces every folder's index: nothing cached may be shown again.
    if (!event) this.forgetNodes();
    this.refresh();
  }

  protected forgetNodes(): void {
    this.nodes = new Map();
    this.seen = new Map();
  }

  refresh(nodes?: PlanNode[]): void {
    this._onDidChangeTreeData.fire(nodes && nodes.length > 0 ? nodes : undefined);
  }

  getTreeItem(node: PlanNode): vscode.TreeItem {
    return node.treeItem();
  }

  getParent(node: PlanNode): PlanNode | undefined {
    return node.parent;
  }

  async getChildren(node?: PlanNode): Promise<PlanNode[]> {
    await this.workspace.ready();
    if (node) return this.childrenOf(node);
    const folders = this.workspace.allFolders.filter((f) => this.hasContent(f));
    // A full rebuild starts from the root: forget nodes that are no longer shown.
    this.nodes = this.seen;
    this.seen = new Map();
    if (this.workspace.allFolders.length > 1) {
      return folders.map((plans) => this.node(`${this.name}/${plans.key}`, () => new FolderNode(`${this.name}/${plans.key}`, plans), (n) => (n.plans = plans)));
    }
    return folders.flatMap((plans) => this.folderChildren(plans, undefined));
  }

  protected childrenOf(node: PlanNode): PlanNode[] {
    if (node instanceof FolderNode) return this.folderChildren(node.plans, node);
    return this.nodeChildren(node);
  }

  protected abstract hasContent(plans: FolderPlans): boolean;
  protected abstract folderChildren(plans: FolderPlans, parent: PlanNode | undefined): PlanNode[];
  protected abstract nodeChildren(node: PlanNode): PlanNode[];

  /** The cached node for an id, updated in place, or a new one. */
  protected node<T extends PlanNode>(id: string, create: () => T, update: (node: T) => void): T {
    const existing = (this.seen.get(id) ?? this.nodes.get(id)) as T | undefined;
    const node = existing ?? create();
    if (existing) update(existing);
    this.seen.set(id, node);
    return node;
  }

  protected cached(id: string): PlanNode | undefined {
    return this.seen.get(id) ?? this.nodes.get(id);
  }
}

// ---------------------------------------------------------------------------------

export class EpicsTree extends PlanTree {
  private stateFilter: ReadonlySet<TaskDisplayState>;
  private hideDoneTasks: boolean;

  constructor(
    workspace: PlanWorkspace,
    private readonly memento: vscode.Memento,
  ) {
    super(workspace, 'epics');
    this.stateFilter = new Set(memento.get<TaskDisplayState[]>('autopm.epics.filter') ?? TASK_STATES);
    this.hideDoneTasks = memento.get<boolean>('autopm.epics.hideDone') ?? false;
  }

  get hideDone(): boolean {
    return this.hideDoneTasks;
  }

  get filter(): ReadonlySet<TaskDisplayState> {
    return this.stateFilter;
  }

  async setHideDone(hide: boolean): Promise<void> {
    this.hideDoneTasks = hide;
    await this.memento.update('autopm.epics.hideDone', hide);
    this.refresh();
  }

  async setFilter(states: readonly TaskDisplayState[]): Promise<void> {
    this.stateFilter = new Set(states);
    await this.memento.update('autopm.epics.filter', [...states]);
    this.refresh();
  }

  /** The tree's message: which tasks are hidden. */
  get filterMessage(): string | undefined {
    const shown = TASK_STATES.filter((s) => this.stateFilter.has(s) && !(s === 'done' && this.hideDoneTasks));
    if (shown.length === TASK_STATES.length) return undefined;
    return shown.length === 0 ? 'Every task is filtered out.' : `Showing ${shown.map((s) => s.replace('-', ' ')).join(', ')} tasks`;
  }

  private shows(entry: TaskEntry): boolean {
    return this.stateFilter.has(entry.state.display) && !(this.hideDoneTasks && entry.state.display === 'done');
  }

  protected override onPlansChanged(event: PlanChangeEvent | undefined): void {
    // Refresh the epics that changed when the folder still has the same epics; else from the root.
    if (!event || event.change.added.length + event.change.removed.length > 0) return super.onPlansChanged(event);
    const changed = event.folder.index.allEpics.filter((e) => event.change.epics.includes(e.id));
    const nodes: EpicNode[] = [];
    for (const epic of changed) {
      const node = this.cached(this.epicId(event.folder, epicRef(epic)));
      if (!(node instanceof EpicNode)) return this.refresh();
      // VS Code asks for the fired node's item before its children: it must hold the new model.
      node.entry = this.workspace.epicEntry(event.folder, epic);
      nodes.push(node);
    }
    if (nodes.length === 0) return this.refresh();
    this.refresh(nodes);
  }

  protected hasContent(plans: FolderPlans): boolean {
    return plans.index.allEpics.length > 0;
  }

  private epicId(plans: FolderPlans, epicPath: string): string {
    return `epics/${plans.key}#${epicPath}`;
  }

  protected folderChildren(plans: FolderPlans, parent: PlanNode | undefined): PlanNode[] {
    return plans.index.allEpics.map((epic) => {
      const entry = this.workspace.epicEntry(plans, epic);
      const id = this.epicId(plans, epicRef(epic));
      return this.node(id, () => new EpicNode(id, parent, entry), (n) => (n.entry = entry));
    });
  }

  protected nodeChildren(node: PlanNode): PlanNode[] {
    if (node instanceof EpicNode) {
      const entry = this.workspace.findEpic(node.entry.folder.key, node.entry.epic.path);
      if (!entry) return [];
      node.entry = entry;
      const grouped = new Set(entry.epic.groups.flatMap((g) => g.taskIds));
      const groupIds = uniqueIds(entry.epic.groups.map((g) => g.name));
      const groups = entry.epic.groups
        .map((group, i) => ({ group, id: `${node.id}/group/${groupIds[i]}` }))
        .filter(({ group }) => group.taskIds.some((id) => this.visible(entry, id)))
        .map(({ group, id }) =>
          this.node(id, () => new GroupNode(id, node, group, entry), (n) => {
            n.group = group;
            n.entry = entry;
          }),
        );
      return [...groups, ...this.taskNodes(node, entry, entry.epic.tasks.filter((t) => !grouped.has(t.id)).map((t) => t.id))];
    }
    if (node instanceof GroupNode) return this.taskNodes(node, node.entry, node.group.taskIds);
    return [];
  }

  /** Task nodes under a parent; a duplicated task id (a diagnostic of its own) still gets a row of its own. */
  private taskNodes(parent: PlanNode, epic: EpicEntry, taskIds: readonly string[]): TaskNode[] {
    const ids = uniqueIds(taskIds);
    return taskIds.map((taskId, i) => this.taskNode(parent, epic, taskId, `${parent.id}/task/${ids[i]}`)).filter((n): n is TaskNode => n !== undefined);
  }

  private visible(entry: EpicEntry, taskId: string): boolean {
    const task = taskEntry(entry, taskId);
    return task !== undefined && this.shows(task);
  }

  private taskNode(parent: PlanNode, epic: EpicEntry, taskId: string, id: string): TaskNode | undefined {
    const entry = taskEntry(epic, taskId);
    if (!entry || !this.shows(entry)) return undefined;
    return this.node(id, () => new TaskNode(id, parent, entry), (n) => (n.entry = entry));
  }

  /** The node of a task, for `reveal`, building the path to it if it has not been shown yet. */
  async taskNodeFor(entry: TaskEntry): Promise<TaskNode | undefined> {
    const roots = await this.getChildren();
    const folderNode = roots.find((n) => n instanceof FolderNode && n.plans === entry.folder);
    const epics = folderNode ? this.childrenOf(folderNode) : roots;
    const epicNode = epics.find((n) => n instanceof EpicNode && epicRef(n.entry.epic) === epicRef(entry.epic));
    if (!epicNode) return undefined;
    for (const child of this.nodeChildren(epicNode)) {
      if (child instanceof TaskNode && child.entry.task.id === entry.task.id) return child;
      if (child instanceof GroupNode) {
        const found = this.nodeChildren(child).find((n) => n instanceof TaskNode && n.entry.task.id === entry.task.id);
        if (found) return found as TaskNode;
      }
    }
    return undefined;
  }
}

// ---------------------------------------------------------------------------------

export class PrdsTree extends PlanTree {
  constructor(workspace: PlanWorkspace) {
    super(workspace, 'prds');
  }

  protected hasContent(plans: FolderPlans): boolean {
    return plans.index.prds.length > 0;
  }

  protected folderChildren(plans: FolderPlans, parent: PlanNode | undefined): PlanNode[] {
    return plans.index.prds.map((prd) => {
      const id = `prds/${plans.key}#${prd.path}`;
      const counts = prdProgress(prd, plans.index.allEpics);
      const tasksState = counts.total > 0 ? stateOfTasks(counts) : undefined;
      // With tasks, the row leads with the state they give; the status follows, named as such when they contradict it.
      const mismatch = statusMismatch(prd, counts);
      const description = [
        tasksState !== undefined ? planStateLabel(tasksState) : prd.status ?? planStateLabel(prd.state),
        tasksState !== undefined ? mismatch ?? prd.status : undefined,
        counts.total > 0 ? `${counts.done}/${counts.total}` : undefined,
      ]
        .filter(Boolean)
        .join(' · ');
      return this.node(id, () => new PrdNode(id, parent, plans, prd, description, tasksState), (n) => {
        n.prd = prd;
        n.description = description;
        n.tasksState = tasksState;
      });
    });
  }

  protected nodeChildren(node: PlanNode): PlanNode[] {
    if (!(node instanceof PrdNode)) return [];
    const plans = node.plans;
    const epics = plans.index
      .epicsOfPrd(node.prd)
      .map((epic) => {
        const entry = this.workspace.epicEntry(plans, epic);
        const id = `${node.id}/epic/${epicRef(epic)}`;
        return this.node(id, () => new EpicNode(id, node, entry), (n) => (n.entry = entry));
      });
    const topLevel = node.prd.sections.filter((s) => s.depth === 2);
    const sections = (topLevel.length > 0 ? topLevel : node.prd.sections).map((section) => {
      const id = `${node.id}/section/${section.range.line}`;
      return this.node(id, () => new SectionNode(id, node, plans, node.prd.path, section), (n) => (n.section = section));
    });
    return [...epics, ...sections];
  }

  override getTreeItem(node: PlanNode): vscode.TreeItem {
    const item = node.treeItem();
    // An epic under a PRD is a link to it, not a second tree of its tasks.
    if (node instanceof EpicNode && node.parent instanceof PrdNode) item.collapsibleState = vscode.TreeItemCollapsibleState.None;
    return item;
  }
}

// ---------------------------------------------------------------------------------

export class NextUpTree extends PlanTree {
  constructor(workspace: PlanWorkspace) {
    super(workspace, 'next');
  }

  protected hasContent(plans: FolderPlans): boolean {
    return plans.index.allEpics.length > 0;
  }

  protected folderChildren(plans: FolderPlans, parent: PlanNode | undefined): PlanNode[] {
    return readyEntries(this.workspace, plans).map((entry) => {
      const id = `next/${plans.key}#${epicRef(entry.epic)}/${entry.task.id}`;
      const note = shortReason(entry);
      return this.node(id, () => new TaskNode(id, parent, entry, note), (n) => {
        n.entry = entry;
        n.note = note;
      });
    });
  }

  protected nodeChildren(): PlanNode[] {
    return [];
  }

  override getTreeItem(node: PlanNode): vscode.TreeItem {
    const item = node.treeItem();
    if (node instanceof TaskNode) item.tooltip = new vscode.MarkdownString(explainChoice(node.entry.state, node.entry.analysis));
    return item;
  }
}

/** `Epic 001 · priority high · unblocks 2 · 7h chain`: the reason in a few words. */
function shortReason(entry: TaskEntry): string {
  const { state } = entry;
  const parts = [epicShortName(entry.epic)];
  if (entry.task.priority) parts.push(`priority ${entry.task.priority}`);
  if (state.onCriticalPath) parts.push('critical path');
  if (state.unblocks > 0) parts.push(`unblocks ${state.unblocks}`);
  return parts.join(' · ');
}

/** `a, b, a` → `a, b, a~2`: ids stay stable for the first of each name. */
function uniqueIds(names: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((name) => {
    const count = (seen.get(name) ?? 0) + 1;
    seen.set(name, count);
    return count === 1 ? name : `${name}~${count}`;
  });
}
