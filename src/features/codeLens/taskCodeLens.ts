import * as vscode from 'vscode';
import { Commands } from '../../common/commands';
import { Disposable } from '../../common/lifecycle';
import type { EpicEntry, PlanWorkspace, TaskEntry } from '../../services/planWorkspace';
import { allPlanRoots, taskEntry, taskRef } from '../../services/planWorkspace';
import { blockersText, countsSummary } from '../presentation';
import { issueUrl } from '../../core/issues';
import { epicRef, isToolFormat } from '../../core/model';

/** Plan files under the plan roots: CodeLens is never asked about anything else. */
export function planDocumentSelector(roots: readonly string[] = allPlanRoots()): vscode.DocumentFilter[] {
  const under = `**/{${roots.join(',')}}/**`;
  // Task Master's tasks.json, whichever JSON language the editor gives it.
  return [{ language: 'markdown', pattern: `${under}/*.md` }, { pattern: `${under}/tasks.json` }];
}

export function isCodeLensEnabled(): boolean {
  return vscode.workspace.getConfiguration('autopm').get<boolean>('codeLens.enabled', true);
}

/**
 * On every task line (a single-file epic's task, a directory epic's checklist entry, a
 * task file's title): Start / Complete / Reopen as the state allows, the linked issue,
 * and what blocks it. On the epic's title: its counts.
 */
export class TaskCodeLensProvider extends Disposable implements vscode.CodeLensProvider {
  private readonly _onDidChangeCodeLenses = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this._onDidChangeCodeLenses.event;

  constructor(private readonly workspace: PlanWorkspace) {
    super();
    this._register(workspace.onDidChange(() => this._onDidChangeCodeLenses.fire()));
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('autopm.codeLens')) this._onDidChangeCodeLenses.fire();
      }),
    );
  }

  async provideCodeLenses(document: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    if (!isCodeLensEnabled()) return [];
    const found = await this.workspace.syncDocument(document);
    if (!found || token.isCancellationRequested) return [];
    const lenses: vscode.CodeLens[] = [];
    for (const entry of this.workspace.epicsForDocument(document.uri)) lenses.push(...epicLenses(entry, found.path));
    return lenses;
  }
}

function epicLenses(entry: EpicEntry, path: string): vscode.CodeLens[] {
  const { epic } = entry;
  const lenses: vscode.CodeLens[] = [];
  if (path === epic.path) {
    lenses.push(
      new vscode.CodeLens(lineRange(epic.range.line), {
        title: countsSummary(entry.analysis.counts),
        tooltip: 'Open the epic status report',
        command: Commands.openEpicStatus,
        arguments: [{ folder: entry.folder.key, epicPath: epicRef(epic) }],
      }),
      new vscode.CodeLens(lineRange(epic.range.line), {
        title: '$(type-hierarchy) Graph',
        tooltip: 'Show the dependency graph of this epic',
        command: Commands.showGraph,
        arguments: [{ folder: entry.folder.key, epicPath: epicRef(epic) }],
      }),
    );
  }
  // Other tools' files are read and their task states set; syncing, reviews and pull requests stay with AutoPM's own layouts.
  if (path === epic.path && !isToolFormat(epic.layout)) {
    lenses.push(
      new vscode.CodeLens(lineRange(epic.range.line), {
        title: '$(github) Sync',
        tooltip: 'Sync this epic and its tasks to GitHub issues (a preview comes first)',
        command: Commands.syncEpic,
        arguments: [{ folder: entry.folder.key, epicPath: epicRef(epic) }],
      }),
      new vscode.CodeLens(lineRange(epic.range.line), {
        title: '$(checklist) Review',
        tooltip: 'Claude reviews this epic against its PRD: requirements without a task, tasks without acceptance criteria, odd dependencies and estimates',
        command: Commands.reviewEpic,
        arguments: [{ folder: entry.folder.key, epicPath: epicRef(epic) }],
      }),
    );
    // Once every task is done, the epic's work is ready for review.
    const { counts } = entry.analysis;
    if (counts.total > 0 && counts.done === counts.total) {
      lenses.push(
        new vscode.CodeLens(lineRange(epic.range.line), {
          title: '$(git-pull-request-create) Pull Request',
          tooltip: 'Open a pull request for this epic, closing its tasks\' issues (a preview comes first)',
          command: Commands.createPullRequest,
          arguments: [{ folder: entry.folder.key, epicPath: epicRef(epic) }],
        }),
      );
    }
  }
  const lined = new Set<number>();
  for (const task of epic.tasks) {
    if (task.path !== path) continue;
    const taskAt = taskEntry(entry, task.id);
    if (taskAt && !lined.has(task.range.line)) {
      lined.add(task.range.line);
      lenses.push(...taskLenses(entry, taskAt, task.range.line));
    }
  }
  if (path === epic.path && epic.layout === 'directory') {
    for (const item of epic.checklist) {
      const taskAt = taskEntry(entry, item.taskId);
      if (taskAt && !lined.has(item.range.line)) {
        lined.add(item.range.line);
        lenses.push(...taskLenses(entry, taskAt, item.range.line));
      }
    }
  }
  return lenses;
}

function lineRange(line: number): vscode.Range {
  return new vscode.Range(line, 0, line, 0);
}

function taskLenses(epic: EpicEntry, entry: TaskEntry, line: number): vscode.CodeLens[] {
  const range = lineRange(line);
  const ref = taskRef(entry);
  const lens = (title: string, command: string, tooltip: string, args: unknown[] = [ref]) =>
    new vscode.CodeLens(range, { title, command, tooltip, arguments: args });
  const { task, state } = entry;
  const lenses: vscode.CodeLens[] = [];
  if (task.state === 'open') lenses.push(lens('Start', Commands.startTask, `Mark ${task.id} in progress`));
  if (task.state !== 'done') lenses.push(lens('Complete', Commands.completeTask, `Mark ${task.id} done`));
  if (task.state !== 'open') lenses.push(lens('Reopen', Commands.reopenTask, `Mark ${task.id} open again`));
  if (task.state !== 'done' && !isToolFormat(epic.epic.layout)) lenses.push(lens('$(sparkle) Refine', Commands.refineTask, `Have Claude split ${task.id} into subtasks, or make it smaller or larger`));
  if (task.issue !== undefined) {
    const url = issueUrl(epic.epic, task);
    lenses.push(lens(`#${task.issue}`, Commands.openIssue, url ? `Open ${url}` : `Issue #${task.issue}`, [url]));
  }
  if (state.display === 'blocked') {
    // Only other tasks can be gone to: a task's own status or its unreadable file blocks it from within.
    const ids = state.blockers.filter((b) => b.reason === 'not-done' || b.reason === 'cycle').map((b) => b.taskId);
    lenses.push(lens(`blocked by ${blockersText(state, epic.analysis.tasks)}`, Commands.revealTasks, 'Go to what blocks this task', [ref, ids]));
  }
  return lenses;
}
