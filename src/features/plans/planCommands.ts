import * as vscode from 'vscode';
import { Commands } from '../../common/commands';
import type { PlanWorkspace } from '../../services/planWorkspace';
import type { PlanDiagnostics } from '../diagnostics/planDiagnostics';

export function registerPlanCommands(
  context: vscode.ExtensionContext,
  services: { workspace: PlanWorkspace; diagnostics: PlanDiagnostics; log: vscode.LogOutputChannel },
): void {
  const { workspace, diagnostics, log } = services;
  context.subscriptions.push(
    vscode.commands.registerCommand(Commands.refresh, async () => {
      await workspace.refresh();
      log.info('[Commands] refreshed');
    }),
    vscode.commands.registerCommand(Commands.validatePlans, async () => {
      await workspace.refresh();
      diagnostics.publishAll();
      const count = diagnostics.count();
      if (count > 0) {
        await vscode.commands.executeCommand('workbench.actions.view.problems');
        void vscode.window.showWarningMessage(`AutoPM found ${count} ${count === 1 ? 'problem' : 'problems'} in the plans.`);
      } else {
        void vscode.window.showInformationMessage('AutoPM found no problems in the plans.');
      }
      return count;
    }),
    vscode.commands.registerCommand(Commands.openDocs, () =>
      vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.joinPath(context.extensionUri, 'README.md')),
    ),
  );
}
