import * as vscode from 'vscode';
import { percentOf } from '../../core/progress';
import { Commands } from '../../common/commands';
import { Disposable } from '../../common/lifecycle';
import type { ActiveEpic } from '../../services/activeEpic';
import type { EpicEntry, PlanWorkspace } from '../../services/planWorkspace';
import { countsSummary, epicShortName, progressText } from '../presentation';
import { EpicReportProvider, REPORT_SCHEME, reportUri } from './epicReport';

export function isStatusBarEnabled(): boolean {
  return vscode.workspace.getConfiguration('autopm').get<boolean>('statusBar.enabled', true);
}

/** One item: the active epic and its progress; the tooltip lists every epic. */
export class EpicStatusBar extends Disposable {
  readonly item: vscode.StatusBarItem;
  private shown = false;

  constructor(
    private readonly workspace: PlanWorkspace,
    private readonly activeEpic: ActiveEpic,
  ) {
    super();
    this.item = this._register(vscode.window.createStatusBarItem('autopm.epicProgress', vscode.StatusBarAlignment.Left, 50));
    this.item.name = 'AutoPM Epic Progress';
    this.item.command = Commands.openEpicStatus;
    this._register(activeEpic.onDidChange(() => this.update()));
    this._register(workspace.onDidChange(() => this.update()));
    this._register(workspace.onDidChangeState(() => this.update()));
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('autopm.statusBar') || e.affectsConfiguration('autopm.activeEpic')) this.update();
      }),
    );
    this.update();
  }

  update(): void {
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
      markdown.appendMarkdown(`| ${entry.folder === active.folder && entry.epic.path === active.epic.path ? `**${name}**` : name} | ${progressText(counts)} | ${percentOf(counts.done, counts.total)}% |\n`);
    }
    markdown.appendMarkdown('\nClick for an epic\'s status report.');
    return markdown;
  }
}

interface EpicPick extends vscode.QuickPickItem {
  readonly entry: EpicEntry;
}

export function registerEpicStatus(context: vscode.ExtensionContext, workspace: PlanWorkspace, activeEpic: ActiveEpic): EpicStatusBar {
  const statusBar = new EpicStatusBar(workspace, activeEpic);
  const reports = new EpicReportProvider(workspace);
  context.subscriptions.push(statusBar, reports, vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, reports));
  // The index is built right after activation (never during it), so the item appears without a click.
  setTimeout(() => void workspace.ready().then(() => statusBar.update()), 0);

  context.subscriptions.push(
    vscode.commands.registerCommand(Commands.openEpicStatus, async (arg?: unknown) => {
      await workspace.ready();
      let entry = epicFromArgument(workspace, arg);
      if (!entry) {
        const active = activeEpic.current();
        // Folders can hold epics at the same path: the active one is matched in its folder.
        const isActive = (e: EpicEntry) => Number(e.folder.key === active?.folder.key && e.epic.path === active.epic.path);
        const epics = workspace.epics().sort((a, b) => isActive(b) - isActive(a));
        if (epics.length === 0) {
          void vscode.window.showInformationMessage('This workspace has no epics yet.');
          return;
        }
        const multiRoot = workspace.allFolders.length > 1;
        const picked = await vscode.window.showQuickPick<EpicPick>(
          epics.map((e) => ({
            label: `$(project) ${e.epic.title || e.epic.id}`,
            description: `${progressText(e.analysis.counts)}${multiRoot ? ` · ${e.folder.folder.name}` : ''}`,
            detail: countsSummary(e.analysis.counts),
            entry: e,
          })),
          { title: 'Open Epic Status', placeHolder: 'Choose an epic', matchOnDetail: true },
        );
        entry = picked?.entry;
      }
      if (!entry) return;
      const uri = reportUri(entry);
      try {
        await vscode.commands.executeCommand('markdown.showPreview', uri);
      } catch {
        // Without the built-in markdown extension the report is still readable as text.
        await vscode.window.showTextDocument(uri);
      }
      return uri;
    }),
  );
  return statusBar;
}

/** An epic named by CodeLens (`{ folder, epicPath }`) or by a tree item (which holds an entry). */
function epicFromArgument(workspace: PlanWorkspace, arg: unknown): EpicEntry | undefined {
  if (!arg || typeof arg !== 'object') return undefined;
  const candidate = ('entry' in arg ? (arg as { entry: EpicEntry }).entry : arg) as { folder?: unknown; epicPath?: unknown; epic?: { path?: unknown } };
  const folder = typeof candidate.folder === 'string' ? candidate.folder : (candidate.folder as { key?: unknown } | undefined)?.key;
  const path = typeof candidate.epicPath === 'string' ? candidate.epicPath : candidate.epic?.path;
  return typeof folder === 'string' && typeof path === 'string' ? workspace.findEpic(folder, path) : undefined;
}
