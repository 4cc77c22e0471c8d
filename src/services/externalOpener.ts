import * as vscode from 'vscode';
import { Disposable } from '../common/lifecycle';

/**
 * Opens web addresses in the browser. VS Code does not tell an extension what it opened,
 * so every address is announced on `onDidOpen` first: that is how the integration tests
 * see where a click leads.
 */
export class ExternalOpener extends Disposable {
  private readonly _onDidOpen = this._register(new vscode.EventEmitter<vscode.Uri>());
  readonly onDidOpen = this._onDidOpen.event;

  constructor(private readonly log: vscode.LogOutputChannel) {
    super();
  }

  /** Whether the address was opened; a refusal (the user declined, or no browser) is logged, not thrown. */
  async open(uri: vscode.Uri): Promise<boolean> {
    this.log.info(`[Links] opening ${uri.toString(true)}`);
    this._onDidOpen.fire(uri);
    try {
      return await vscode.env.openExternal(uri);
    } catch (error) {
      this.log.warn(`[Links] could not open ${uri.toString(true)}: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
  }
}
