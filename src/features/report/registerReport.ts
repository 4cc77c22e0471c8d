import * as vscode from 'vscode';
import { Commands } from '../../common/commands';
import { Disposable } from '../../common/lifecycle';
import type { ReportScope } from '../../shared/reportProtocol';
import type { PanelServices } from '../webviews/panelHost';
import { REPORT_VIEW_TYPE, ReportPanel, reportScopeKey, restoredReportScope } from './reportPanel';

/** The open report panels, one per epic and one per folder's project report. */
export class ReportPanels extends Disposable {
  private readonly open = new Map<string, ReportPanel>();
  readonly serializer: vscode.WebviewPanelSerializer;
  private readonly _onDidOpen = this._register(new vscode.EventEmitter<ReportPanel>());
  readonly onDidOpen = this._onDidOpen.event;

  constructor(private readonly services: PanelServices) {
    super();
    this._register({ dispose: () => [...this.open.values()].forEach((p) => p.dispose()) });
    this.serializer = {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel, state: unknown) => {
        await services.workspace.ready();
        const scope = restoredReportScope(state);
        if (!scope) {
          panel.dispose();
          return;
        }
        this.adopt(panel, scope);
      },
    };
  }

  get panels(): readonly ReportPanel[] {
    return [...this.open.values()];
  }

  show(scope: ReportScope): ReportPanel {
    const existing = this.open.get(reportScopeKey(scope));
    if (existing) {
      existing.panel.reveal(undefined, false);
      return existing;
    }
    const title = scope.kind === 'epic' ? 'Status' : 'Project Status';
    return this.adopt(vscode.window.createWebviewPanel(REPORT_VIEW_TYPE, title, vscode.ViewColumn.Active, { enableScripts: true }), scope);
  }

  adopt(panel: vscode.WebviewPanel, scope: ReportScope): ReportPanel {
    const host = new ReportPanel(panel, this.services, scope);
    const key = reportScopeKey(scope);
    this.open.set(key, host);
    host.onDidDispose(() => {
      if (this.open.get(key) === host) this.open.delete(key);
    });
    this._onDidOpen.fire(host);
    return host;
  }
}

export function registerReports(context: vscode.ExtensionContext, services: PanelServices): ReportPanels {
  const reports = new ReportPanels(services);
  context.subscriptions.push(
    reports,
    vscode.window.registerWebviewPanelSerializer(REPORT_VIEW_TYPE, reports.serializer),
    vscode.commands.registerCommand(Commands.openProjectStatus, async (arg?: unknown) => {
      await services.workspace.ready();
      const folders = services.workspace.allFolders.filter((f) => f.index.allEpics.length > 0 || f.index.prds.length > 0);
      let folder = typeof arg === 'string' ? services.workspace.folderByKey(arg) : undefined;
      if (!folder && folders.length === 1) folder = folders[0];
      if (!folder && folders.length > 1) {
        const picked = await vscode.window.showQuickPick(
          folders.map((f) => ({ label: `$(root-folder) ${f.folder.name}`, description: `${f.index.allEpics.length} epics`, folder: f })),
          { title: 'Project Status', placeHolder: 'Choose a workspace folder' },
        );
        folder = picked?.folder;
      }
      if (!folder) {
        if (folders.length === 0) void vscode.window.showInformationMessage('This workspace has no plans yet.');
        return undefined;
      }
      return reports.show({ kind: 'project', folder: folder.key });
    }),
  );
  return reports;
}
