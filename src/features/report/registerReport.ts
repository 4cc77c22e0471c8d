import * as vscode from 'vscode';
import { Commands } from '../../common/commands';
import type { ReportScope } from '../../shared/reportProtocol';
import type { ActiveEpic } from '../../services/activeEpic';
import { standupMarkdown } from '../../core/standup';
import type { FolderPlans } from '../../services/planWorkspace';
import { epicOrPick } from '../presentation';
import type { PanelServices } from '../webviews/panelHost';
import { PanelRegistry } from '../webviews/panelRegistry';
import { buildReport, REPORT_VIEW_TYPE, ReportPanel, reportScopeKey, restoredReportScope } from './reportPanel';
import { epicRef } from '../../core/model';

/** The open report panels, one per epic and one per folder's project report. */
export class ReportPanels extends PanelRegistry<ReportScope, undefined, ReportPanel> {
  constructor(services: PanelServices) {
    super({
      viewType: REPORT_VIEW_TYPE,
      title: (scope) => (scope.kind === 'epic' ? 'Status' : 'Project Status'),
      key: reportScopeKey,
      create: (panel, scope) => new ReportPanel(panel, services, scope),
      restore: (state) => {
        const scope = restoredReportScope(state);
        return scope && { scope };
      },
      ready: () => services.workspace.ready(),
    });
  }
}

export function registerReports(context: vscode.ExtensionContext, services: PanelServices, activeEpic: ActiveEpic): ReportPanels {
  const reports = new ReportPanels(services);
  const { workspace } = services;
  context.subscriptions.push(
    reports,
    vscode.window.registerWebviewPanelSerializer(REPORT_VIEW_TYPE, reports.serializer),
    vscode.commands.registerCommand(Commands.openEpicStatus, async (arg?: unknown) => {
      const active = activeEpic.current();
      const entry = await epicOrPick(workspace, arg, {
        title: 'Open Epic Status',
        // Folders can hold epics at the same path: the active one is matched in its folder.
        first: (e) => active !== undefined && e.folder.key === active.folder.key && epicRef(e.epic) === epicRef(active.epic),
        empty: (m) => void vscode.window.showInformationMessage(m),
      });
      return entry ? reports.show({ kind: 'epic', folder: entry.folder.key, epicPath: epicRef(entry.epic) }) : undefined;
    }),
    vscode.commands.registerCommand(Commands.openProjectStatus, async (arg?: unknown) => {
      const folder = await planFolder(services, arg, 'Project Status');
      return folder ? reports.show({ kind: 'project', folder: folder.key }) : undefined;
    }),
    vscode.commands.registerCommand(Commands.standup, async (arg?: unknown) => {
      const folder = await planFolder(services, arg, 'Standup');
      if (!folder) return undefined;
      // The history dates what was done; the task files' own dates serve while it is read.
      const history = await services.history.taskHistory(folder).catch(() => undefined);
      const report = buildReport(folder, { kind: 'project', folder: folder.key }, history);
      if (report?.kind !== 'project' || !report.standup) return undefined;
      const text = `${standupMarkdown(report.standup).trimEnd()}\n`;
      const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: text });
      await vscode.window.showTextDocument(document, { preview: false });
      return text;
    }),
  );
  return reports;
}


/** The folder a project-wide command is about: the one given, the only one with plans, or the one the user picks. */
async function planFolder(services: PanelServices, arg: unknown, title: string): Promise<FolderPlans | undefined> {
  await services.workspace.ready();
  const folders = services.workspace.allFolders.filter((f) => f.index.allEpics.length > 0 || f.index.prds.length > 0);
  let folder = typeof arg === 'string' ? services.workspace.folderByKey(arg) : undefined;
  if (!folder && folders.length === 1) folder = folders[0];
  if (!folder && folders.length > 1) {
    const picked = await vscode.window.showQuickPick(
      folders.map((f) => ({ label: `$(root-folder) ${f.folder.name}`, description: `${f.index.allEpics.length} epics`, folder: f })),
      { title, placeHolder: 'Choose a workspace folder' },
    );
    folder = picked?.folder;
  }
  if (!folder && folders.length === 0) void vscode.window.showInformationMessage('This workspace has no plans yet.');
  return folder;
}
