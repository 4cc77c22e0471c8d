import * as vscode from 'vscode';
import { Commands } from '../../common/commands';
import { Disposable } from '../../common/lifecycle';
import type { ActiveTask } from '../../services/activeTask';
import { epicShortName, taskLabel } from '../presentation';
import { isStatusBarEnabled } from '../status/epicStatusBar';
import { epicRef } from '../../core/model';

/**
 * The task being worked on, beside the sprint (or epic) item: its label, and in the
 * tooltip its epic, branch and start. A click opens the task.
 */
export class ActiveTaskStatusBar extends Disposable {
  readonly item: vscode.StatusBarItem;

  constructor(private readonly activeTask: ActiveTask) {
    super();
    // Just right of the sprint item (50): a lower priority sits further right on the left side.
    this.item = this._register(vscode.window.createStatusBarItem('autopm.activeTask', vscode.StatusBarAlignment.Left, 49));
    this.item.name = 'AutoPM Active Task';
    this._register(activeTask.onDidChange(() => this.update()));
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('autopm.statusBar')) this.update();
      }),
    );
    this.update();
  }

  update(): void {
    const current = isStatusBarEnabled() ? this.activeTask.current() : undefined;
    if (!current) {
      this.item.hide();
      return;
    }
    const { entry, record } = current;
    const label = taskLabel(entry.task);
    this.item.text = `$(play-circle) ${label.length > 40 ? `${label.slice(0, 39)}…` : label}`;
    this.item.accessibilityInformation = { label: `Working on ${label}` };
    const tooltip = new vscode.MarkdownString();
    tooltip.appendText(`Working on ${label}`);
    tooltip.appendMarkdown(`\n\nEpic: `);
    tooltip.appendText(epicShortName(entry.epic));
    if (record.branch) {
      tooltip.appendMarkdown('\n\nBranch: ');
      tooltip.appendText(record.branch);
    }
    tooltip.appendMarkdown(`\n\nStarted ${new Date(record.startedAt).toLocaleString()}. Click to open the task.`);
    this.item.tooltip = tooltip;
    this.item.command = {
      command: Commands.showNextTask,
      title: 'Open Task',
      arguments: [{ folder: entry.folder.key, epicPath: epicRef(entry.epic), taskId: entry.task.id }],
    };
    this.item.show();
  }
}
