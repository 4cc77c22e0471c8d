import * as vscode from 'vscode';
import { Commands } from '../../common/commands';
import { Disposable } from '../../common/lifecycle';
import { isIncompleteDraft } from '../../core/claude/prdWriting';
import { epicBelongsToPrd } from '../../core/progress';
import type { PlanWorkspace } from '../../services/planWorkspace';
import { isCodeLensEnabled } from '../codeLens/taskCodeLens';

/**
 * On a PRD's title: "Decompose into Epic". Not on a draft Claude is still writing, or
 * one left incomplete: there is nothing finished to break down yet.
 */
export class PrdCodeLensProvider extends Disposable implements vscode.CodeLensProvider {
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
    const entry = this.workspace.prdForDocument(document.uri);
    if (!entry || isIncompleteDraft(document.getText())) return [];
    const { prd, folder } = entry;
    const epics = folder.index.allEpics.filter((e) => epicBelongsToPrd(e, prd)).length;
    return [
      new vscode.CodeLens(new vscode.Range(prd.range.line, 0, prd.range.line, 0), {
        title: epics > 0 ? '$(sparkle) Decompose into Another Epic' : '$(sparkle) Decompose into Epic',
        tooltip: 'Claude breaks this PRD down into an epic of tasks; the files are previewed before anything is written',
        command: Commands.decomposePrd,
        arguments: [{ folder: folder.key, prdPath: prd.path }],
      }),
    ];
  }
}
