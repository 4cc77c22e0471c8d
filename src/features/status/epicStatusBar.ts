import * as vscode from 'vscode';
import { percentOf } from '../../core/progress';
import { Commands } from '../../common/commands';
import { Disposable } from '../../common/lifecycle';
import type { ActiveEpic } from '../../services/activeEpic';
import type { EpicEntry, PlanWorkspace } from '../../services/planWorkspace';
import { countsSummary, epicShortName, progressText } from '../presentation';
import type { CurrentSprint, SprintEntry } from '../sprint/currentSprint';
import { sprintLabel, sprintTooltip } from '../../core/sprintStatus';
import { epicRef } from '../../core/model';

export function isStatusBarEnabled(): boolean {
  return vscode.workspace.getConfiguration('autopm').get<boolean>('statusBar.enabled', true);
}

/**
 * One item: the current sprint when there is one, else the active epic and its progress
 * (the tooltip then lists every epic). One item id either way, so the user's placement
 * of it and the tests' lookups hold.
 */
export class EpicStatusBar extends Disposable {
  readonly item: vscode.StatusBarItem;
  private shown = false;

  constructor(
    private readonly workspace: PlanWorkspace,
    private readonly activeEpic: ActiveEpic,
    private readonly sprints?: CurrentSprint,
  ) {
    super();
    this.item = this._register(vscode.window.createStatusBarItem('autopm.epicProgress', vscode.StatusBarAlignment.Left, 50));
    this.item.name = 'AutoPM Epic Progress';
    this.item.command = Commands.openEpicStatus;
    this._register(activeEpic.onDidChange(() => this.update()));
    this._register(workspace.onDidChange(() => this.update()));
    this._register(workspace.onDidChangeState(() => this.update()));
    if (sprints) this._register(sprints.onDidChange(() => this.update()));
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('autopm.statusBar') || e.affectsConfiguration('autopm.activeEpic')) this.update();
      }),
    );
    this.update();
  }

  update(): void {
    const sprint = isStatusBarEnabled() ? this.sprints?.current() : undefined;
    if (sprint) {
      this.showSprint(sprint);
      return;
    }
    this.item.command = Commands.openEpicStatus;
    const entry = this.activeEpic.current();
    if (!isStatusBarEnabled() || !entry) {
      this.item.hide();
      this.shown = false;
      return;
    }
    const { counts } = entry.analysis;
    this.item.text = `$(checklist) ${epicShortName(entry.epic)} · ${progressText(counts)}`;
    this.item.accessibilityInformation = { label: `${entry.epic.title || entry.epic.id}: ${counts.done} of ${counts.total} tasks done` };
    this.item.tooltip = this.tooltip(entry);
    this.item.show();
    this.shown = true;
  }

  private showSprint({ folder, sprint, status }: SprintEntry): void {
    this.item.text = `$(rocket) ${sprintLabel(status)}`;
    this.item.accessibilityInformation = { label: `${sprint.name}: ${status.counts.done} of ${status.counts.scope} tasks done` };
    const tooltip = new vscode.MarkdownString(sprintTooltip(status));
    tooltip.appendMarkdown('\n\nClick for the sprint report.');
    this.item.tooltip = tooltip;
    this.item.command = { command: Commands.openSprintStatus, title: 'Sprint Status', arguments: [{ folder: folder.key, sprintId: sprint.id }] };
    this.item.show();
    this.shown = true;
  }

  /** Whether the item is shown (VS Code's item does not say). */
  get visible(): boolean {
    return this.shown;
  }

  private tooltip(active: EpicEntry): vscode.MarkdownString {
    const multiRoot = this.workspace.allFolders.length > 1;
    const markdown = new vscode.MarkdownString(`**${active.epic.title || active.epic.id}**: ${countsSummary(active.analysis.counts)}\n\n`);
    markdown.appendMarkdown('| Epic | Done | |\n|---|---|---|\n');
    for (const entry of this.workspace.epics()) {
      const { counts } = entry.analysis;
      const name = `${entry.epic.title || entry.epic.id}${multiRoot ? ` (${entry.folder.folder.name})` : ''}`.replace(/\|/g, '\\|');
      markdown.appendMarkdown(`| ${entry.folder === active.folder && epicRef(entry.epic) === epicRef(active.epic) ? `**${name}**` : name} | ${progressText(counts)} | ${percentOf(counts.done, counts.total)}% |\n`);
    }
    markdown.appendMarkdown('\nClick for an epic\'s status report.');
    return markdown;
  }
}

export function registerEpicStatus(context: vscode.ExtensionContext, workspace: PlanWorkspace, activeEpic: ActiveEpic, sprints?: CurrentSprint): EpicStatusBar {
  const statusBar = new EpicStatusBar(workspace, activeEpic, sprints);
  context.subscriptions.push(statusBar);
  // The index is built right after activation (never during it), so the item appears without a click.
  setTimeout(() => void workspace.ready().then(() => statusBar.update()), 0);

  return statusBar;
}
