import * as vscode from 'vscode';
import { Disposable } from '../common/lifecycle';

export type NoticeSeverity = 'information' | 'warning' | 'error';

/** A message shown to the user, as it was shown. */
export interface Notice {
  readonly severity: NoticeSeverity;
  readonly message: string;
  readonly items: readonly string[];
  readonly modal: boolean;
}

/**
 * Shows messages to the user. VS Code gives an extension no way to read back the
 * notifications on screen, so every message is also announced on `onDidNotify`: that is
 * how the integration tests see what the user was told.
 */
export class Notifier extends Disposable {
  private readonly _onDidNotify = this._register(new vscode.EventEmitter<Notice>());
  readonly onDidNotify = this._onDidNotify.event;

  constructor(private readonly log: vscode.LogOutputChannel) {
    super();
  }

  info(message: string, ...items: string[]): Thenable<string | undefined> {
    this._onDidNotify.fire({ severity: 'information', message, items, modal: false });
    return vscode.window.showInformationMessage(message, ...items);
  }

  warn(message: string, ...items: string[]): Thenable<string | undefined> {
    this._onDidNotify.fire({ severity: 'warning', message, items, modal: false });
    return vscode.window.showWarningMessage(message, ...items);
  }

  error(message: string, ...items: string[]): Thenable<string | undefined> {
    this._onDidNotify.fire({ severity: 'error', message, items, modal: false });
    return vscode.window.showErrorMessage(message, ...items);
  }

  /**
   * Asks in a modal dialog; resolves to the item chosen, or undefined when the dialog is
   * dismissed or cannot be shown (VS Code refuses dialogs to extension tests): a question
   * nobody answered is a no.
   */
  async ask(message: string, ...items: string[]): Promise<string | undefined> {
    return this.askWithDetail(message, undefined, ...items);
  }

  /** As `ask`, with more text under the question (a preview, what differs). */
  async askWithDetail(message: string, detail: string | undefined, ...items: string[]): Promise<string | undefined> {
    this._onDidNotify.fire({ severity: 'warning', message, items, modal: true });
    try {
      return await vscode.window.showWarningMessage(message, { modal: true, ...(detail ? { detail } : {}) }, ...items);
    } catch (error) {
      this.log.warn(`[Notifier] could not ask "${message}": ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }
}
