import * as vscode from 'vscode';
import { isoNow } from '../../core/edits';
import { prdTarget, prdTemplate, slugOf } from '../../core/newPrd';
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
    vscode.commands.registerCommand(Commands.newPrd, (options?: { title?: unknown; folder?: unknown }) => newPrd(workspace, options)),
    vscode.commands.registerCommand(Commands.openDocs, () =>
      vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.joinPath(context.extensionUri, 'README.md')),
    ),
  );
}

/** Creates a PRD from the skeleton; `title` and `folder` (a URI string) skip the prompts. */
async function newPrd(workspace: PlanWorkspace, options?: { title?: unknown; folder?: unknown }): Promise<vscode.Uri | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) {
    void vscode.window.showWarningMessage('Open a folder first: PRDs live in the repository.');
    return undefined;
  }
  const named = typeof options?.folder === 'string' ? folders.find((f) => f.uri.toString() === options.folder) : undefined;
  const folder = named ?? (folders.length === 1 ? folders[0] : await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Which folder is the PRD for?' }));
  if (!folder) return undefined;
  const given = typeof options?.title === 'string' && slugOf(options.title) ? options.title : undefined;
  const title = given ?? await vscode.window.showInputBox({
    title: 'New PRD',
    prompt: 'The product or feature the PRD describes',
    placeHolder: 'Team Calendar',
    validateInput: (value) => (slugOf(value) ? undefined : 'Use at least one letter or digit.'),
  });
  if (!title) return undefined;
  await workspace.ready();
  const plans = workspace.folderByKey(folder.uri.toString());
  const target = plans && (await prdTarget(plans.roots, (p) => plans.fs.exists(p), (p) => plans.fs.readDirectory(p), title));
  if (!target) {
    void vscode.window.showWarningMessage('None of the folders in the autopm.planRoots setting can hold PRDs.');
    return undefined;
  }
  const { path, layout, number } = target;
  const uri = vscode.Uri.joinPath(folder.uri, ...path.split('/'));
  const edit = new vscode.WorkspaceEdit();
  edit.createFile(uri, { contents: new TextEncoder().encode(prdTemplate(layout, title.trim(), number, isoNow())), overwrite: false, ignoreIfExists: false });
  if (!(await vscode.workspace.applyEdit(edit))) {
    void vscode.window.showErrorMessage(`${path} already exists.`);
    return undefined;
  }
  await vscode.window.showTextDocument(uri);
  return uri;
}
