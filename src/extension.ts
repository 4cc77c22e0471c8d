import * as vscode from 'vscode';
import { ContextKeys } from './common/commands';
import type { PlanCodeActions } from './features/diagnostics/planCodeActions';
import { registerPlanCodeActions } from './features/diagnostics/planCodeActions';
import { PlanDiagnostics } from './features/diagnostics/planDiagnostics';
import type { Explorer } from './features/explorer/registerExplorer';
import { registerExplorer } from './features/explorer/registerExplorer';
import type { BoardPanels } from './features/board/registerBoard';
import { registerBoard } from './features/board/registerBoard';
import type { GraphPanels } from './features/graph/registerGraph';
import { registerGraph } from './features/graph/registerGraph';
import type { ReportPanels } from './features/report/registerReport';
import { registerReports } from './features/report/registerReport';
import { PlanLanguageFeatures } from './features/language/planLanguageFeatures';
import { registerPlanCommands } from './features/plans/planCommands';
import type { EpicStatusBar } from './features/status/epicStatusBar';
import { registerEpicStatus } from './features/status/epicStatusBar';
import { registerTaskCommands } from './features/tasks/taskCommands';
import { CurrentSprint } from './features/sprint/currentSprint';
import type { SprintPanels } from './features/sprint/registerSprint';
import { registerSprint } from './features/sprint/registerSprint';
import type { Claude } from './features/claude/registerClaude';
import { registerClaude } from './features/claude/registerClaude';
import { GitHubAuth } from './features/sync/githubAuth';
import type { EpicSync } from './features/sync/registerSync';
import type { GitHubPull } from './features/sync/pullFromGitHub';
import { registerSync } from './features/sync/registerSync';
import { ActiveEpic } from './services/activeEpic';
import type { ActiveTask } from './services/activeTask';
import type { DevLoop } from './features/devloop/devLoop';
import { registerDevLoop } from './features/devloop/registerDevLoop';
import { ExternalOpener } from './services/externalOpener';
import { Notifier } from './services/notifier';
import { PlanEditor } from './services/planEditor';
import { PlanHistoryService } from './services/planHistory';
import { PlanWorkspace } from './services/planWorkspace';

/** What `activate` returns: the live services, for the integration tests and the benchmark. */
export interface AutoPmApi {
  readonly workspace: PlanWorkspace;
  readonly explorer: Explorer;
  readonly statusBar: EpicStatusBar;
  readonly diagnostics: PlanDiagnostics;
  /** The lightbulb's provider, whose actions carry what VS Code's command leaves out (the preview flags). */
  readonly codeActions: PlanCodeActions;
  readonly graphs: GraphPanels;
  readonly sprints: SprintPanels;
  /** Today's date and the current sprint, read again at midnight. */
  readonly currentSprint: CurrentSprint;
  readonly boards: BoardPanels;
  readonly reports: ReportPanels;
  readonly sync: EpicSync;
  readonly pull: GitHubPull;
  readonly claude: Claude;
  readonly devLoop: DevLoop;
  readonly activeTask: ActiveTask;
  /** What the task commands told the user, and the web addresses they opened. */
  readonly notifier: Notifier;
  readonly links: ExternalOpener;
  /** Where this extension's logs are written, so the tests can check what never goes into them. */
  readonly logUri: vscode.Uri;
  readonly activationMs: number;
  /** Whether activation itself started indexing the workspace (it must not). */
  readonly indexStartedDuringActivation: boolean;
}

export function activate(context: vscode.ExtensionContext): AutoPmApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('AutoPM', { log: true });
  context.subscriptions.push(log);

  // Constructing these parses nothing: the index builds when a surface first asks for it.
  const workspace = new PlanWorkspace(log);
  const editor = new PlanEditor(workspace, log);
  const activeEpic = new ActiveEpic(workspace, context.workspaceState);
  const diagnostics = new PlanDiagnostics(workspace);
  const notifier = new Notifier(log);
  const links = new ExternalOpener(log);
  context.subscriptions.push(workspace, activeEpic, diagnostics, notifier, links);

  const setState = () => {
    void vscode.commands.executeCommand('setContext', ContextKeys.otherFormat, workspace.detectedFormat?.key);
    void vscode.commands.executeCommand('setContext', ContextKeys.state, workspace.state);
  };
  const setMultiRoot = () => void vscode.commands.executeCommand('setContext', ContextKeys.multiRoot, (vscode.workspace.workspaceFolders?.length ?? 0) > 1);
  setState();
  setMultiRoot();
  context.subscriptions.push(workspace.onDidChangeState(setState), vscode.workspace.onDidChangeWorkspaceFolders(setMultiRoot));

  const explorer = registerExplorer(context, workspace);
  const auth = new GitHubAuth();
  context.subscriptions.push(auth);
  const version = String((context.extension.packageJSON as { version?: unknown }).version ?? '0.0.0');
  // Start, Complete and Reopen around the file edit: the branch, the issue, the next task.
  const { devLoop, activeTask } = registerDevLoop(context, { workspace, notifier, links, log, auth, version });
  const lifecycle = devLoop;
  registerTaskCommands(context, { workspace, editor, activeEpic, log, notifier, links, revealInTree: (entry) => explorer.revealTask(entry), lifecycle });
  registerPlanCommands(context, { workspace, diagnostics, log });
  const currentSprint = new CurrentSprint(workspace);
  context.subscriptions.push(currentSprint);
  const statusBar = registerEpicStatus(context, workspace, activeEpic, currentSprint);
  const history = new PlanHistoryService(workspace, log);
  context.subscriptions.push(history);
  const panelServices = { extensionUri: context.extensionUri, workspace, links, log, history, onDidChangeDay: currentSprint.onDidChangeDay };
  const graphs = registerGraph(context, panelServices);
  const sprints = registerSprint(context, { ...panelServices, sprints: currentSprint, editor, notifier });
  // The board moves cards with the task commands' own code, so it needs what they need.
  const boards = registerBoard(context, { ...panelServices, editor, activeEpic, notifier, lifecycle });
  const reports = registerReports(context, panelServices, activeEpic);
  const { sync, pull } = registerSync(context, { workspace, editor, log, notifier, auth, version });
  const claude = registerClaude(context, { workspace, editor, notifier, log, version });

  context.subscriptions.push(new PlanLanguageFeatures(workspace));
  const codeActions = registerPlanCodeActions(context, { workspace, editor, notifier, log });

  const activationMs = performance.now() - started;
  log.info(`[Extension] activated in ${activationMs.toFixed(1)} ms`);
  return { workspace, explorer, statusBar, diagnostics, codeActions, graphs, sprints, currentSprint, boards, reports, sync, pull, claude, devLoop, activeTask, notifier, links, logUri: context.logUri, activationMs, indexStartedDuringActivation: workspace.hasStartedBuild };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
