import * as vscode from 'vscode';
import { Commands } from '../../common/commands';
import type { Notifier } from '../../services/notifier';
import type { PlanEditor } from '../../services/planEditor';
import type { PlanWorkspace } from '../../services/planWorkspace';
import { ClaudeModels, setAnthropicKey } from './claudeModels';
import type { NewPrdOptions } from './newPrdCommand';
import { newPrd } from './newPrdCommand';
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
}

/** New PRD (with Claude, or from the template), Decompose, and the Anthropic key. */
export function registerClaude(context: vscode.ExtensionContext, services: ClaudeServices): Claude {
  const { workspace, notifier, log } = services;
  const models = new ClaudeModels(context.secrets, log, services.version);
  const writings = new Writings(log);
  context.subscriptions.push(
    models,
    writings,
    vscode.commands.registerCommand(Commands.newPrd, (options?: NewPrdOptions) =>
      newPrd({ workspace, models, writings, notifier, log, state: context.workspaceState }, options ?? {}),
    ),
    vscode.commands.registerCommand(Commands.setAnthropicKey, (options?: { key?: unknown }) => setAnthropicKey(models, options)),
    vscode.commands.registerCommand(Commands.clearAnthropicKey, async () => {
      await models.clearKey();
      void vscode.window.setStatusBarMessage('$(key) Anthropic API key removed', 4000);
    }),
  );
  return { models, writings };
}
