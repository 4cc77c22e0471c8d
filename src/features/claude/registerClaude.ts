import * as vscode from 'vscode';
import { Commands } from '../../common/commands';
import type { Notifier } from '../../services/notifier';
import type { PlanEditor } from '../../services/planEditor';
import type { PlanWorkspace } from '../../services/planWorkspace';
import { planDocumentSelector } from '../codeLens/taskCodeLens';
import { ClaudeModels, setAnthropicKey } from './claudeModels';
import type { DecomposeArgs } from './decomposeCommand';
import { decomposeCommand, PreviewDocuments } from './decomposeCommand';
import type { NewPrdOptions } from './newPrdCommand';
import { newPrd } from './newPrdCommand';
import { PrdCodeLensProvider } from './prdCodeLens';
import type { RefineArgs } from './refineCommand';
import type { ReviewArgs } from './reviewCommand';
import { ReviewDiagnostics, reviewEpicCommand } from './reviewCommand';
import { refineTaskCommand, refineTaskPick } from './refineCommand';
import { Writings } from './writings';

export interface ClaudeServices {
  readonly workspace: PlanWorkspace;
  readonly editor: PlanEditor;
  readonly notifier: Notifier;
  readonly log: vscode.LogOutputChannel;
  readonly version: string;
}

export interface Claude {
  readonly models: ClaudeModels;
  readonly writings: Writings;
  /** The findings of the last reviews, as diagnostics. */
  readonly reviews: ReviewDiagnostics;
}

/** New PRD (with Claude, or from the template), Decompose PRD into Epic, Expand and Re-scope Task, Review Epic, and the Anthropic key. */
export function registerClaude(context: vscode.ExtensionContext, services: ClaudeServices): Claude {
  const { workspace, notifier, log, editor } = services;
  const models = new ClaudeModels(context.secrets, log, services.version);
  const writings = new Writings(log);
  const previews = new PreviewDocuments();
  const prdLenses = new PrdCodeLensProvider(workspace);
  const lastProblems = new Map<string, readonly string[]>();
  const refine = { workspace, editor, models, notifier, log, previews, lastProblems };
  const reviews = new ReviewDiagnostics(workspace);
  context.subscriptions.push(
    models,
    writings,
    previews,
    prdLenses,
    reviews,
    vscode.commands.registerCommand(Commands.reviewEpic, (arg?: ReviewArgs) => reviewEpicCommand({ workspace, models, notifier, log, diagnostics: reviews }, arg)),
    vscode.languages.registerCodeLensProvider(planDocumentSelector(), prdLenses),
    vscode.commands.registerCommand(Commands.decomposePrd, (arg?: DecomposeArgs) =>
      decomposeCommand({ workspace, editor, models, notifier, log, previews, lastProblems }, arg),
    ),
    vscode.commands.registerCommand(Commands.newPrd, (options?: NewPrdOptions) =>
      newPrd({ workspace, models, writings, notifier, log, state: context.workspaceState }, options ?? {}),
    ),
    vscode.commands.registerCommand(Commands.expandTask, (arg?: RefineArgs) => refineTaskCommand(refine, 'expand', arg)),
    vscode.commands.registerCommand(Commands.rescopeTask, (arg?: RefineArgs) => refineTaskCommand(refine, 'rescope', arg)),
    vscode.commands.registerCommand(Commands.refineTask, (arg?: RefineArgs) => refineTaskPick(refine, arg)),
    vscode.commands.registerCommand(Commands.setAnthropicKey, (options?: { key?: unknown }) => setAnthropicKey(models, options)),
    vscode.commands.registerCommand(Commands.clearAnthropicKey, async () => {
      await models.clearKey();
      void vscode.window.setStatusBarMessage('$(key) Anthropic API key removed', 4000);
    }),
  );
  return { models, writings, reviews };
}
