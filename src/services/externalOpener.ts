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

  /**
   * Opens an address VS Code handles itself (`<scheme>://<extension id>/…`, which goes to
   * that extension's URI handler). Through the opener rather than `openExternal`: in a
   * browser, `openExternal` would hand the address to the browser and leave the workbench.
   */
  async openInWorkbench(uri: vscode.Uri): Promise<boolean> {
    this.log.info(`[Links] opening ${uri.scheme}://${uri.authority}${uri.path} in VS Code`);
    this._onDidOpen.fire(uri);
    try {
      await vscode.commands.executeCommand('vscode.open', uri);
      return true;
    } catch (error) {
      this.log.warn(`[Links] could not open ${uri.scheme}://${uri.authority}${uri.path}: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
  }
}
