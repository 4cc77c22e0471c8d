/**
 * Claude through the Anthropic API, with the official SDK: every request streamed (so
 * a long answer neither times out nor hides its progress), cancellable through an
 * AbortSignal, retried by the SDK on 429, 529 and 5xx as `retry-after` says, and a
 * structured answer asked for with `output_config.format` (the newest models refuse a
 * forced tool call). The key is handed to the SDK and to nothing else: no message this
 * module makes contains it.
 */
import Anthropic from '@anthropic-ai/sdk';
import type { CompleteOptions, ModelAnswer, ModelRequest, PlanModel } from './planModel';
import { ModelError } from './planModel';

export interface AnthropicModelOptions {
  readonly apiKey: string;
  readonly model: string;
  /** A proxy, or a test server; the SDK's default when undefined. */
  readonly baseURL?: string;
  /** Per attempt; the SDK's retries each get their own. */
  readonly timeoutMs?: number;
  readonly maxRetries?: number;
  /** Who is calling, for the `user-agent`-like header the API logs. */
  readonly version?: string;
}

export function anthropicModel(options: AnthropicModelOptions): PlanModel {
  const client = new Anthropic({
    apiKey: options.apiKey,
    ...(options.baseURL ? { baseURL: options.baseURL } : {}),
    timeout: options.timeoutMs ?? 120_000,
    maxRetries: options.maxRetries ?? 2,
    defaultHeaders: { 'x-app': `autopm/${options.version ?? '0'}` },
  });
  const where = options.baseURL ? ` at ${options.baseURL}` : '';
  return {
    description: `${options.model} (Anthropic API${where})`,
    async complete(request: ModelRequest, call?: CompleteOptions): Promise<ModelAnswer> {
      if (call?.signal?.aborted) throw new ModelError('cancelled', 'Cancelled.', false);
      try {
        const stream = client.messages.stream(
          {
            model: options.model,
            max_tokens: request.maxTokens,
            system: request.system,
            messages: [{ role: 'user', content: request.prompt }],
            ...(request.schema ? { output_config: { format: { type: 'json_schema', schema: request.schema as Record<string, unknown> } } } : {}),
          },
          call?.signal ? { signal: call.signal } : undefined,
        );
        if (call?.onText) stream.on('text', call.onText);
        const message = await stream.finalMessage();
        const text = message.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('');
        return { text, stopReason: message.stop_reason ?? undefined, model: message.model };
      } catch (error) {
        throw modelErrorOf(error, call?.signal);
      }
    },
  };
}

/** The API's own explanation, from its error document, without the JSON around it. */
function apiMessage(error: InstanceType<typeof Anthropic.APIError>): string {
  const body = error.error as { error?: { message?: unknown } } | undefined;
  const message = body?.error?.message;
  return typeof message === 'string' && message.trim() ? message.trim() : error.message;
}

function modelErrorOf(error: unknown, signal: AbortSignal | undefined): ModelError {
  if (error instanceof ModelError) return error;
  if (signal?.aborted || error instanceof Anthropic.APIUserAbortError) return new ModelError('cancelled', 'Cancelled.', false);
  if (error instanceof Anthropic.APIConnectionTimeoutError) return new ModelError('timeout', 'The Anthropic API did not answer in time. Try again.', true);
  if (error instanceof Anthropic.APIConnectionError) return new ModelError('network', `Could not reach the Anthropic API: ${error.cause instanceof Error ? error.cause.message : error.message}`, true);
  if (error instanceof Anthropic.APIError) {
    const said = apiMessage(error);
    switch (error.status) {
      case 401:
        return new ModelError('auth', `The Anthropic API did not accept the key (${said}). Set a new one with "AutoPM: Set Anthropic API Key".`, false);
      case 403:
        return new ModelError('permission', `The Anthropic API refused the request: ${said}`, false);
      case 404:
        return new ModelError('not-found', `The Anthropic API does not know this model or address: ${said}. Check the autopm.claude.model setting.`, false);
      case 413:
        return new ModelError('too-large', `The request is too large for the Anthropic API: ${said}`, false);
      case 429:
        return new ModelError('rate-limit', `The Anthropic API's rate limit was reached, and retrying did not help: ${said}. Try again in a minute.`, true);
      case 529:
        return new ModelError('overloaded', `The Anthropic API is overloaded: ${said}. Try again shortly.`, true);
      case undefined:
        // An `error` event inside a stream has no HTTP status of its own.
        return /overloaded/i.test(error.message)
          ? new ModelError('overloaded', `The Anthropic API is overloaded: ${said}. Try again shortly.`, true)
          : new ModelError('interrupted', `The answer broke off: ${said}`, true);
      default:
        if (error.status >= 500) return new ModelError('server', `The Anthropic API failed (${error.status}): ${said}. Try again.`, true);
        return new ModelError('invalid-request', `The Anthropic API refused the request (${error.status}): ${said}`, false);
    }
  }
  // The SDK's own stream checks (a stream that ended before `message_stop`).
  const message = error instanceof Error ? error.message : String(error);
  return new ModelError('interrupted', `The answer broke off before it was complete: ${message}`, true);
}
