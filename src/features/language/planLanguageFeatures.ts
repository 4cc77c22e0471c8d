import * as vscode from 'vscode';
import { Disposable } from '../../common/lifecycle';
import type { PlanWorkspace } from '../../services/planWorkspace';
import { planDocumentSelector, TaskCodeLensProvider } from '../codeLens/taskCodeLens';
import { TaskReferenceProvider } from './taskReferences';

/**
 * CodeLens, hovers and completion, registered for markdown under the plan roots only, and
 * registered again when the roots setting changes.
 */
export class PlanLanguageFeatures extends Disposable {
  readonly codeLens: TaskCodeLensProvider;
  readonly references: TaskReferenceProvider;
  private registrations: vscode.Disposable | undefined;

  constructor(workspace: PlanWorkspace) {
    super();
    this.codeLens = this._register(new TaskCodeLensProvider(workspace));
    this.references = this._register(new TaskReferenceProvider(workspace));
    this.registerProviders();
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('autopm.planRoots')) this.registerProviders();
      }),
    );
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.registerProviders()));
    this._register({ dispose: () => this.registrations?.dispose() });
  }

  private registerProviders(): void {
    this.registrations?.dispose();
    const selector = planDocumentSelector();
    this.registrations = vscode.Disposable.from(
      vscode.languages.registerCodeLensProvider(selector, this.codeLens),
      vscode.languages.registerHoverProvider(selector, this.references),
      vscode.languages.registerCompletionItemProvider(selector, this.references, ' ', ',', '[', '#'),
    );
  }
}
