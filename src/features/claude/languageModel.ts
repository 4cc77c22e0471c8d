import * as vscode from 'vscode';
import type { CompleteOptions, ModelAnswer, ModelRequest, PlanModel } from '../../services/claude/planModel';
import { ModelError } from '../../services/claude/planModel';

/**
 * A model VS Code offers (`vscode.lm`: Claude through Copilot, or any extension's
 * model), chosen by `vendor/family` (`copilot/claude-sonnet-4`), by family alone, or the
 * first there is. Such a model has no structured output, so the schema goes into the
 * prompt, and the core checks the answer as it checks the API's.
 */
export async function languageModel(selector: string, log: vscode.LogOutputChannel): Promise<{ model: PlanModel } | { offline: string }> {
  const [vendor, family] = selector.includes('/') ? selector.split('/', 2) : [undefined, selector || undefined];
  const chosen = await vscode.lm.selectChatModels({ ...(vendor ? { vendor } : {}), ...(family ? { family } : {}) });
  const chat = chosen[0];
  if (!chat) return { offline: selector ? `VS Code has no language model "${selector}" (autopm.claude.languageModel).` : 'VS Code offers no language model.' };
  log.info(`[Claude] using VS Code's language model ${chat.vendor}/${chat.family} (${chat.name})`);
  return { model: new VsCodeLanguageModel(chat) };
}

class VsCodeLanguageModel implements PlanModel {
  readonly description: string;

  constructor(private readonly chat: vscode.LanguageModelChat) {
    this.description = `${chat.name} (VS Code language model)`;
  }

  async complete(request: ModelRequest, options?: CompleteOptions): Promise<ModelAnswer> {
    const source = new vscode.CancellationTokenSource();
    const abort = () => source.cancel();
    options?.signal?.addEventListener('abort', abort);
    try {
      if (options?.signal?.aborted) throw new ModelError('cancelled', 'Cancelled.', false);
      const prompt = request.schema
        ? `${request.prompt}\n\nAnswer with one JSON document and nothing else, no code fence, following this JSON schema:\n${JSON.stringify(request.schema)}`
        : request.prompt;
      // These models take no system prompt: it leads the user's message. Nor do they
      // offer a prompt cache, so the context is plain text before the prompt.
      const user = request.context ? `${request.context}\n\n${prompt}` : prompt;
      const messages = [vscode.LanguageModelChatMessage.User(`${request.system}\n\n${user}`)];
      const response = await this.chat.sendRequest(messages, { justification: 'AutoPM asks the model to write or plan from your PRD.' }, source.token);
      let text = '';
      for await (const piece of response.text) {
        text += piece;
        options?.onText?.(piece);
      }
      if (source.token.isCancellationRequested) throw new ModelError('cancelled', 'Cancelled.', false);
      return { text: request.schema ? withoutFence(text) : text, stopReason: undefined, model: `${this.chat.vendor}/${this.chat.family}` };
    } catch (error) {
      if (error instanceof ModelError) throw error;
      if (source.token.isCancellationRequested || error instanceof vscode.CancellationError) throw new ModelError('cancelled', 'Cancelled.', false);
      if (error instanceof vscode.LanguageModelError) {
        if (error.code === vscode.LanguageModelError.NoPermissions.name) throw new ModelError('permission', `AutoPM may not use ${this.chat.name}: ${error.message}`, false);
        if (error.code === vscode.LanguageModelError.Blocked.name) throw new ModelError('rate-limit', `${this.chat.name} is not answering now: ${error.message}`, true);
        if (error.code === vscode.LanguageModelError.NotFound.name) throw new ModelError('not-found', `${this.chat.name} is no longer there: ${error.message}`, false);
      }
      throw new ModelError('server', `${this.chat.name} failed: ${error instanceof Error ? error.message : String(error)}`, true);
    } finally {
      options?.signal?.removeEventListener('abort', abort);
      source.dispose();
    }
  }
}

/** A JSON answer some models wrap in a markdown fence anyway. */
function withoutFence(text: string): string {
  const match = /^\s*```(?:json)?\s*\n([\s\S]*?)\n?```\s*$/i.exec(text);
  return match ? match[1] : text;
}
