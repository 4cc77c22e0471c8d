import * as vscode from 'vscode';
import type { TaskDisplayState } from '../../core/model';
import { epicProgress } from '../../core/progress';
import { Disposable } from '../../common/lifecycle';
import type { EpicEntry, PlanWorkspace } from '../../services/planWorkspace';
import { blockersText, countsSummary, stateLabel, taskLabel } from '../presentation';

export const REPORT_SCHEME = 'autopm-report';

/** Markdown table cells must not break the table. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** The status report of one epic, as markdown. */
export function epicReportMarkdown(entry: EpicEntry): string {
  const { epic, analysis } = entry;
  const progress = epicProgress(epic);
  const lines: string[] = [`# ${epic.title || epic.id}`, ''];
  lines.push(`**${progress.done}/${progress.total} done (${progress.percent}%)** · ${countsSummary(analysis.counts)}`, '');
  const facts = [
    epic.status && `Status: ${epic.status}`,
    epic.prd && `PRD: ${epic.prd}`,
    epic.start && `Start: ${epic.start}`,
    epic.target && `Target: ${epic.target}`,
  ].filter(Boolean);
  if (facts.length > 0) lines.push(facts.join(' · '), '');

  if (analysis.ready.length > 0) {
    lines.push('## Ready', '');
    for (const ready of analysis.ready) lines.push(`- ${cell(taskLabel(ready.task))}${ready.onCriticalPath ? ' (critical path)' : ''}`);
    lines.push('');
  }
  if (analysis.blocked.length > 0) {
    lines.push('## Blocked', '');
    for (const blocked of analysis.blocked) lines.push(`- ${cell(taskLabel(blocked.task))}: blocked by ${blockersText(blocked, analysis.tasks)}`);
    lines.push('');
  }
  if (progress.groups.length > 0) {
    lines.push('## Groups', '', '| Group | Done | Progress |', '|---|---|---|');
    for (const group of progress.groups) lines.push(`| ${cell(group.name)} | ${group.done}/${group.total} | ${group.percent}% |`);
    lines.push('');
  }
  if (progress.milestones.length > 0) {
    lines.push('## Milestones', '', '| Milestone | When | Done | Progress |', '|---|---|---|---|');
    for (const m of progress.milestones) lines.push(`| ${cell(m.title)} | ${cell(m.when ?? '')} | ${m.done}/${m.total} | ${m.percent}% |`);
    lines.push('');
  }
  if (analysis.criticalPath.length > 0) lines.push('## Critical path', '', analysis.criticalPath.join(' → '), '');
  lines.push('## Tasks', '', '| Task | State | Estimate | Depends on |', '|---|---|---|---|');
  for (const task of epic.tasks) {
    const display: TaskDisplayState = analysis.tasks.get(task.id)?.display ?? 'ready';
    lines.push(`| ${cell(taskLabel(task))} | ${stateLabel(display)} | ${cell(task.estimate ?? '')} | ${cell(task.dependsOn.join(', '))} |`);
  }
  lines.push('');
  return lines.join('\n');
}

export function reportUri(entry: EpicEntry): vscode.Uri {
  const name = (entry.epic.title || entry.epic.id).replace(/[^\w.-]+/g, '-');
  return vscode.Uri.from({
    scheme: REPORT_SCHEME,
    path: `/${name} status.md`,
    query: new URLSearchParams({ folder: entry.folder.key, epic: entry.epic.path }).toString(),
  });
}

/** Serves the reports as read-only documents that follow the index. */
export class EpicReportProvider extends Disposable implements vscode.TextDocumentContentProvider {
  private readonly _onDidChange = this._register(new vscode.EventEmitter<vscode.Uri>());
  readonly onDidChange = this._onDidChange.event;

  constructor(private readonly workspace: PlanWorkspace) {
    super();
    this._register(
      workspace.onDidChange(() => {
        for (const document of vscode.workspace.textDocuments) if (document.uri.scheme === REPORT_SCHEME) this._onDidChange.fire(document.uri);
      }),
    );
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    await this.workspace.ready();
    const query = new URLSearchParams(uri.query);
    const entry = this.workspace.findEpic(query.get('folder') ?? '', query.get('epic') ?? '');
    return entry ? epicReportMarkdown(entry) : `# Epic not found\n\n${query.get('epic') ?? ''} is no longer in the workspace.\n`;
  }
}
