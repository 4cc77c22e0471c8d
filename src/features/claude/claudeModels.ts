import * as vscode from 'vscode';
import { Disposable } from '../../common/lifecycle';
import { loadAnthropicModel } from '../../services/claude/loadAnthropic';
import type { PlanModel } from '../../services/claude/planModel';
import { DEFAULT_MAX_TOKENS, DEFAULT_MODEL } from '../../services/claude/planModel';
import { languageModel } from './languageModel';

/** Where the key lives: SecretStorage, under this name, and nowhere else. */
const KEY_SECRET = 'autopm.anthropic.apiKey';

export type ModelChoice = { readonly model: PlanModel; readonly maxTokens: number } | { readonly offline: string };

/**
 * Which model the planning commands use: Claude through the Anthropic API with the key
 * in SecretStorage, or a model VS Code offers (`autopm.claude.provider`). Without
 * either, the commands still work, from templates: `offline` says why.
 */
export class ClaudeModels extends Disposable {
  private readonly _onDidChange = this._register(new vscode.EventEmitter<void>());
  /** The key was set or removed. */
  readonly onDidChange = this._onDidChange.event;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly log: vscode.LogOutputChannel,
    private readonly version: string,
  ) {
    super();
    this._register(secrets.onDidChange((e) => e.key === KEY_SECRET && this._onDidChange.fire()));
  }

  async hasKey(): Promise<boolean> {
    return Boolean(await this.secrets.get(KEY_SECRET));
  }

  async setKey(key: string): Promise<void> {
    await this.secrets.store(KEY_SECRET, key.trim());
  }

  async clearKey(): Promise<void> {
    await this.secrets.delete(KEY_SECRET);
  }

  async choose(): Promise<ModelChoice> {
    const config = vscode.workspace.getConfiguration('autopm.claude');
    const maxTokens = positive(config.get<number>('maxTokens')) ?? DEFAULT_MAX_TOKENS;
    if (config.get<string>('provider') === 'vscode-lm') {
      const selector = config.get<string>('languageModel')?.trim() ?? '';
      const model = await languageModel(selector, this.log);
      return 'offline' in model ? model : { model: model.model, maxTokens };
    }
    const apiKey = await this.secrets.get(KEY_SECRET);
    if (!apiKey) return { offline: 'No Anthropic API key is set ("AutoPM: Set Anthropic API Key").' };
    const model = config.get<string>('model')?.trim() || DEFAULT_MODEL;
    // The key is sent to this address, so a workspace's settings cannot choose it.
    const baseURL = (config.inspect<string>('baseUrl')?.globalValue ?? '').trim() || undefined;
    return { model: loadAnthropicModel()({ apiKey, model, ...(baseURL ? { baseURL } : {}), version: this.version, log: (line) => this.log.info(line) }), maxTokens };
  }
}

function positive(value: number | undefined): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : undefined;
}

/** "Set Anthropic API Key": a password box; `key` skips it (for tests and scripts). */
export async function setAnthropicKey(models: ClaudeModels, options?: { key?: unknown }): Promise<boolean> {
  const given = typeof options?.key === 'string' ? options.key : undefined;
  const key =
    given ??
    (await vscode.window.showInputBox({
      title: 'Anthropic API Key',
      prompt: 'Kept in VS Code\'s secret storage, and sent only to the Anthropic API. Create one at console.anthropic.com.',
      password: true,
      ignoreFocusOut: true,
      placeHolder: 'sk-ant-…',
      validateInput: (value) => (value.trim().length < 8 || /\s/.test(value.trim()) ? 'That does not look like an API key.' : undefined),
    }));
  if (!key?.trim()) return false;
  await models.setKey(key);
  void vscode.window.setStatusBarMessage('$(key) Anthropic API key saved', 4000);
  return true;
}
