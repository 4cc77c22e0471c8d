import * as vscode from 'vscode';
import type { PlanChange, ReadText } from '../../core/edits';
import { PlanEditError } from '../../core/edits';
import type { Fix } from '../../core/fixes/fixes';
import { fixesFor, fixPlanOf, safeFixes } from '../../core/fixes/fixes';
import type { Diagnostic } from '../../core/model';
import { lineStartOffsets } from '../../core/text';
import { Commands } from '../../common/commands';
import type { Notifier } from '../../services/notifier';
import { PlanConflictError } from '../../services/planEditor';
import type { PlanEditor } from '../../services/planEditor';
import type { FolderPlans, PlanWorkspace } from '../../services/planWorkspace';
import { toVscodeRange } from '../presentation';
import { toVscodeDiagnostic } from './planDiagnostics';

/** `source.fixAll.autopm`: every fix with a single answer, for a file (also on save, when the user asks for it). */
export const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('autopm');

/** What the choice command needs to find its diagnostic and its fix again. */
export interface FixChoiceArgs {
  readonly folder: string;
  readonly path: string;
  readonly code: string;
  readonly line: number;
  readonly title: string;
}

export interface PlanCodeActionServices {
  readonly workspace: PlanWorkspace;
  readonly editor: PlanEditor;
  readonly notifier: Notifier;
  readonly log: vscode.LogOutputChannel;
}

/** A plan file's text as the fixes read it: the open document's, else the disk's. */
function readerOf(folder: FolderPlans): ReadText {
  return (path) => {
    const text = folder.currentText(path);
    if (text === undefined) throw new PlanEditError(`${path} does not exist.`);
    return text;
  };
}

/** Line and character of an offset, from the offsets its text's lines start at (CRLF counts as two characters, as VS Code counts it). */
function positionIn(starts: readonly number[], offset: number): vscode.Position {
  let line = 0;
  while (line + 1 < starts.length && starts[line + 1] <= offset) line++;
  return new vscode.Position(line, offset - starts[line]);
}

/** The change as a WorkspaceEdit, its offsets turned into positions in the texts it was computed from. */
function workspaceEditOf(folder: FolderPlans, change: PlanChange, read: ReadText, label: string, preview: boolean): vscode.WorkspaceEdit {
  const edit = new vscode.WorkspaceEdit();
  // Fixes that touch several files, or rename one, wait in the refactor preview for the user.
  const metadata: vscode.WorkspaceEditEntryMetadata = { label, needsConfirmation: preview };
  for (const fileEdit of change.edits) {
    const starts = lineStartOffsets(read(fileEdit.path));
    const uri = folder.uriOf(fileEdit.path);
    for (const e of fileEdit.edits) {
      edit.replace(uri, new vscode.Range(positionIn(starts, e.offset), positionIn(starts, e.offset + e.length)), e.newText, metadata);
    }
  }
  for (const create of change.creates) {
    edit.createFile(folder.uriOf(create.path), { contents: new TextEncoder().encode(create.text), overwrite: false }, metadata);
  }
  for (const rename of change.renames) edit.renameFile(folder.uriOf(rename.from), folder.uriOf(rename.to), { overwrite: false }, metadata);
  return edit;
}

function sameRange(a: vscode.Range, d: Diagnostic): boolean {
  return a.isEqual(toVscodeRange(d.range));
}

/**
 * The lightbulb on AutoPM's diagnostics: each fix the core computes for one, as a quick fix
 * whose edit VS Code applies (undo works; unsaved text is the text it was computed from),
 * and "Fix all" for a file. A fix that needs a choice (a task to depend on instead, a status
 * word) asks for it in a quick pick, then applies the answer through the plan editor.
 */
export class PlanCodeActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix, FIX_ALL_KIND];

  constructor(private readonly services: PlanCodeActionServices) {}

  provideCodeActions(document: vscode.TextDocument, range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const result = this.actionsFor(document, range, context);
    this.services.log.trace(`[Fix] ${vscode.workspace.asRelativePath(document.uri)} ${range.start.line + 1}:${range.start.character + 1}: ${result.length} actions (${context.diagnostics.length} diagnostics given, only ${context.only?.value ?? 'any'})`);
    return result;
  }

  private actionsFor(document: vscode.TextDocument, range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const found = this.services.workspace.folderOf(document.uri);
    if (!found) return [];
    const { plans: folder, path } = found;
    const own = folder.index.diagnostics().filter((d) => d.path === path);
    if (own.length === 0) return [];
    const read = readerOf(folder);
    const plan = fixPlanOf(folder.index, read);
    const actions: vscode.CodeAction[] = [];

    const wantsFixAll = context.only !== undefined && (FIX_ALL_KIND.contains(context.only) || context.only.contains(FIX_ALL_KIND));
    if (wantsFixAll) {
      const { fixes, change } = safeFixes(plan, own);
      if (fixes.length > 0) {
        const action = new vscode.CodeAction(fixes.length === 1 ? 'Fix the AutoPM problem that needs no choice' : `Fix the ${fixes.length} AutoPM problems that need no choice`, FIX_ALL_KIND);
        action.edit = workspaceEditOf(folder, change, read, 'AutoPM: fix all', change.renames.length > 0);
        actions.push(action);
      }
      return actions;
    }

    // The diagnostics VS Code passes are those its markers hold for the range; when it passes
    // none (a command asking for the range's actions), the core's own for the range serve.
    const shownOf = (d: Diagnostic) => context.diagnostics.find((shown) => shown.source === 'AutoPM' && shown.code === d.code && sameRange(shown.range, d));
    for (const diagnostic of own) {
      const shown = shownOf(diagnostic);
      if (!shown && (context.diagnostics.length > 0 || !toVscodeRange(diagnostic.range).intersection(range))) continue;
      try {
        for (const fix of fixesFor(diagnostic, plan)) actions.push(this.actionOf(folder, path, diagnostic, shown ?? toVscodeDiagnostic(diagnostic), fix, read));
      } catch (error) {
        // One diagnostic's fixes failing must not take the others' away.
        this.services.log.warn(`[Fix] no fixes for ${path}:${diagnostic.range.line + 1} ${diagnostic.code}: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
      }
    }
    return actions;
  }

  private actionOf(folder: FolderPlans, path: string, diagnostic: Diagnostic, shown: vscode.Diagnostic, fix: Fix, read: ReadText): vscode.CodeAction {
    const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
    action.diagnostics = [shown];
    action.isPreferred = fix.preferred;
    if (fix.choice) {
      const args: FixChoiceArgs = { folder: folder.key, path, code: diagnostic.code, line: diagnostic.range.line, title: fix.title };
      action.command = { command: Commands.applyFixChoice, title: fix.title, arguments: [args] };
    } else {
      action.edit = workspaceEditOf(folder, fix.change, read, fix.title, fix.preview);
    }
    return action;
  }

  /** The choice a fix needs, in a quick pick; the answer applied through the plan editor. Returns the label chosen. */
  async applyChoice(args: FixChoiceArgs): Promise<string | undefined> {
    const { workspace, editor, notifier, log } = this.services;
    const folder = workspace.folderByKey(args.folder);
    if (!folder) return undefined;
    const fixOf = (read: ReadText): Fix | undefined => {
      const diagnostic = folder.index.diagnostics().find((d) => d.path === args.path && d.code === args.code && d.range.line === args.line);
      return diagnostic && fixesFor(diagnostic, fixPlanOf(folder.index, read)).find((f) => f.title === args.title);
    };
    const fix = fixOf(readerOf(folder));
    if (!fix?.choice) {
      void notifier.info('That problem has changed since the fix was offered; look at the lightbulb again.');
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      fix.choice.options.map((option) => ({ label: option.label, ...(option.detail ? { detail: option.detail } : {}) })),
      { title: fix.title, placeHolder: fix.choice.placeholder },
    );
    if (!picked) return undefined;
    const chosen = fix.choice.options.find((o) => o.label === picked.label)!;
    const paths = [...chosen.change.edits.map((e) => e.path), ...chosen.change.renames.map((r) => r.from)];
    try {
      await editor.apply(folder, paths, (read) => {
        // Worked out again from the texts as they are now: an edit made while the pick was open is never overwritten.
        const again = fixOf(read)?.choice?.options.find((o) => o.label === picked.label);
        if (!again) throw new PlanEditError('That problem has changed since the fix was offered; nothing was written.');
        return again.change;
      });
      log.info(`[Fix] ${args.path}: ${args.title}: ${picked.label}`);
      return picked.label;
    } catch (error) {
      if (error instanceof PlanEditError || error instanceof PlanConflictError) {
        void notifier.error(error.message);
        return undefined;
      }
      throw error;
    }
  }
}

export function registerPlanCodeActions(context: vscode.ExtensionContext, services: PlanCodeActionServices): PlanCodeActions {
  const provider = new PlanCodeActions(services);
  context.subscriptions.push(
    // Task Master's tasks.json under whichever JSON language the editor gives it; a file that is no plan gets no actions.
    vscode.languages.registerCodeActionsProvider([{ language: 'markdown' }, { language: 'yaml' }, { pattern: '**/tasks.json' }], provider, { providedCodeActionKinds: PlanCodeActions.kinds }),
    vscode.commands.registerCommand(Commands.applyFixChoice, (args: FixChoiceArgs) => provider.applyChoice(args)),
  );
  return provider;
}
