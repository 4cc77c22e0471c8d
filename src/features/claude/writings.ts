import * as vscode from 'vscode';
import { Disposable } from '../../common/lifecycle';
import { Commands } from '../../common/commands';
import { WRITING_MARKER, incompleteMarker } from '../../core/claude/prdWriting';
import { ModelError, isCancelled } from '../../services/claude/planModel';

export type WritingOutcome = { readonly ok: true } | { readonly ok: false; readonly error: Error };

/** What the work says when it ends well: how many characters of the end to drop (a closing fence). */
export interface WritingEnd {
  readonly dropEnd: number;
}

/**
 * Text a model writes straight into a document, as it streams: appended in small
 * batches (one edit per batch, so undo and other edits keep working), with a progress
 * notification that can cancel it and a "Stop writing" CodeLens on the draft's marker
 * line. When it ends, the marker goes; when it is cancelled or fails, the marker becomes
 * the incomplete-draft notice, so that a partial document never looks finished.
 */
export class Writings extends Disposable implements vscode.CodeLensProvider {
  private readonly active = new Map<string, AbortController>();
  private readonly _onDidChangeCodeLenses = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this._onDidChangeCodeLenses.event;

  constructor(private readonly log: vscode.LogOutputChannel) {
    super();
    this._register(vscode.languages.registerCodeLensProvider({ language: 'markdown' }, this));
    this._register(vscode.commands.registerCommand(Commands.stopWriting, (uri?: unknown) => this.stop(uri)));
  }

  /** Whether a model is writing into this document now. */
  isWriting(uri: vscode.Uri): boolean {
    return this.active.has(uri.toString());
  }

  /** Stops the writing into `uri` (a Uri or its string), or every writing; true when one was stopped. */
  stop(uri?: unknown): boolean {
    const key = uri instanceof vscode.Uri ? uri.toString() : typeof uri === 'string' ? uri : undefined;
    const targets = key ? [this.active.get(key)].filter((c): c is AbortController => c !== undefined) : [...this.active.values()];
    for (const controller of targets) controller.abort();
    return targets.length > 0;
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!this.active.has(document.uri.toString())) return [];
    for (let line = 0; line < Math.min(document.lineCount, 40); line++) {
      if (document.lineAt(line).text === WRITING_MARKER) {
        return [new vscode.CodeLens(new vscode.Range(line, 0, line, 0), { title: '$(debug-stop) Stop writing', command: Commands.stopWriting, arguments: [document.uri.toString()] })];
      }
    }
    return [];
  }

  async run(document: vscode.TextDocument, title: string, work: (append: (text: string) => void, signal: AbortSignal) => Promise<WritingEnd>): Promise<WritingOutcome> {
    const key = document.uri.toString();
    const controller = new AbortController();
    this.active.set(key, controller);
    this._onDidChangeCodeLenses.fire();
    let pending = '';
    let written = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let chain: Promise<unknown> = Promise.resolve();
    let report: ((words: number) => void) | undefined;
    const flush = () => {
      timer = undefined;
      const text = pending;
      pending = '';
      if (!text) return;
      chain = chain.then(async () => {
        const end = document.lineAt(document.lineCount - 1).range.end;
        const edit = new vscode.WorkspaceEdit();
        edit.insert(document.uri, end, text);
        if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`Could not write into ${vscode.workspace.asRelativePath(document.uri)}.`);
        written += text.split(/\s+/).filter(Boolean).length;
        report?.(written);
      });
    };
    const append = (text: string) => {
      if (!text || controller.signal.aborted) return;
      pending += text;
      timer ??= setTimeout(flush, 60);
    };
    let outcome: WritingOutcome;
    let end: WritingEnd = { dropEnd: 0 };
    try {
      end = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
        const cancelling = token.onCancellationRequested(() => controller.abort());
        report = (words) => progress.report({ message: `${words} words` });
        try {
          const result = await work(append, controller.signal);
          if (controller.signal.aborted) throw new ModelError('cancelled', 'Cancelled.', false);
          return result;
        } finally {
          cancelling.dispose();
        }
      });
      outcome = { ok: true };
    } catch (error) {
      outcome = { ok: false, error: controller.signal.aborted ? new ModelError('cancelled', 'Cancelled.', false) : error instanceof Error ? error : new Error(String(error)) };
    }
    if (timer) clearTimeout(timer);
    // What arrived before the end is kept, cancelled or not: it is the draft.
    flush();
    try {
      await chain;
      await this.finish(document, outcome, end);
    } catch (error) {
      this.log.error(`[Claude] could not finish ${document.uri.toString()}: ${error instanceof Error ? error.message : String(error)}`);
      if (outcome.ok) outcome = { ok: false, error: error instanceof Error ? error : new Error(String(error)) };
    } finally {
      this.active.delete(key);
      this._onDidChangeCodeLenses.fire();
    }
    return outcome;
  }

  private async finish(document: vscode.TextDocument, outcome: WritingOutcome, end: WritingEnd): Promise<void> {
    const edit = new vscode.WorkspaceEdit();
    let marker = -1;
    for (let line = 0; line < document.lineCount; line++) {
      if (document.lineAt(line).text === WRITING_MARKER) {
        marker = line;
        break;
      }
    }
    if (outcome.ok) {
      if (marker >= 0) {
        // The marker and the blank line after it.
        const next = marker + 1 < document.lineCount && document.lineAt(marker + 1).isEmptyOrWhitespace ? marker + 2 : marker + 1;
        edit.delete(document.uri, new vscode.Range(marker, 0, Math.min(next, document.lineCount - 1), next < document.lineCount ? 0 : document.lineAt(document.lineCount - 1).text.length));
      }
      if (end.dropEnd > 0) {
        const last = document.positionAt(document.getText().length);
        edit.delete(document.uri, new vscode.Range(document.positionAt(document.getText().length - end.dropEnd), last));
      }
      const text = document.getText();
      if (!text.endsWith('\n')) edit.insert(document.uri, document.positionAt(text.length), '\n');
    } else {
      const why = isCancelled(outcome.error) ? 'the writing was cancelled.' : `the writing failed (${outcome.error.message.replace(/\.$/, '')}).`;
      const notice = incompleteMarker(`Claude stopped before the end: ${why}`);
      if (marker >= 0) edit.replace(document.uri, document.lineAt(marker).range, notice);
      else {
        // Under the title, not above it: above would break the frontmatter.
        let title = 0;
        while (title < document.lineCount - 1 && !/^#\s/.test(document.lineAt(title).text)) title++;
        edit.insert(document.uri, new vscode.Position(title + 1, 0), `\n${notice}\n`);
      }
    }
    if (edit.size > 0 && !(await vscode.workspace.applyEdit(edit))) throw new Error('The draft could not be finished.');
    await document.save();
  }
}
