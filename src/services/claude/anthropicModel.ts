/**
 * Claude through the Anthropic API, with the official SDK: every request streamed (so
 * a long answer neither times out nor hides its progress), cancellable through an
 * AbortSignal, retried by the SDK on 429, 529 and 5xx as `retry-after` says, up to a
 * cap past which the call fails at once and names the wait, a long context marked for
 * the API's prompt cache, and a structured answer asked for with `output_config.format`
 * (the newest models refuse a forced tool call). The key is handed to the SDK and to
 * nothing else: no message or log line this module makes contains it, nor the prompt
 * or the answer.
 */
import Anthropic from '@anthropic-ai/sdk';
import type { CompleteOptions, ModelAnswer, ModelRequest, ModelUsage, PlanModel } from './planModel';
import { ModelError, estimateInputTokens } from './planModel';

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
  /**
   * The longest wait a `retry-after` may ask for before the SDK retries; 30 s unless
   * told. The SDK would otherwise sleep as long as it is told, leaving a progress
   * notification spinning for minutes; past the cap the call fails at once, and its
   * message says how long the API asked to wait.
   */
  readonly maxRetryWaitMs?: number;
  /**
   * One line as each request starts, as it waits to retry, and as it ends: the model,
   * sizes, stop reason, token usage and time. Never the key, the prompt or the answer.
   */
  readonly log?: (line: string) => void;
}

const DEFAULT_MAX_RETRY_WAIT_MS = 30_000;

export function anthropicModel(options: AnthropicModelOptions): PlanModel {
  const maxRetries = options.maxRetries ?? 2;
  const maxRetryWaitMs = options.maxRetryWaitMs ?? DEFAULT_MAX_RETRY_WAIT_MS;
  const log = options.log ?? (() => undefined);
  const where = options.baseURL ? ` at ${options.baseURL}` : '';
  return {
    description: `${options.model} (Anthropic API${where})`,
    async complete(request: ModelRequest, call?: CompleteOptions): Promise<ModelAnswer> {
      if (call?.signal?.aborted) throw new ModelError('cancelled', 'Cancelled.', false);
      // A client per call, because its fetch tells this call's onWait and no other:
      // calls running side by side each hear only of their own retries. A client is
      // cheap, and the connections belong to the global fetch, which they all share.
      const client = new Anthropic({
        apiKey: options.apiKey,
        ...(options.baseURL ? { baseURL: options.baseURL } : {}),
        timeout: options.timeoutMs ?? 120_000,
        maxRetries,
        defaultHeaders: { 'x-app': `autopm/${options.version ?? '0'}` },
        fetch: fetchWithRetryCap({
          maxRetries,
          maxWaitMs: maxRetryWaitMs,
          signal: call?.signal,
          onWait: (waitMs, reason) => {
            log(`[Claude] ${reason}: retrying in ${Math.round(waitMs)} ms`);
            if (call?.onWait) tell(call.onWait, waitMs, reason);
          },
          onTooLong: (waitMs, reason) =>
            log(`[Claude] ${reason}: the API asks to wait ${formatWait(waitMs)}, longer than the ${formatWait(maxRetryWaitMs)} allowed, so no retry`),
        }),
      });
      const started = Date.now();
      log(
        `[Claude] request to ${options.model}${where}: at most ${request.maxTokens} output tokens, about ${estimateInputTokens(request)} input tokens` +
          (request.context ? ', the context marked for the prompt cache' : '') +
          (request.schema ? ', structured output' : ''),
      );
      try {
        const stream = client.messages.stream(
          {
            model: options.model,
            max_tokens: request.maxTokens,
            system: systemOf(request),
            messages: [{ role: 'user', content: contentOf(request) }],
            ...(request.schema ? { output_config: { format: { type: 'json_schema', schema: request.schema as Record<string, unknown> } } } : {}),
          },
          call?.signal ? { signal: call.signal } : undefined,
        );
        if (call?.onText) stream.on('text', call.onText);
        const message = await stream.finalMessage();
        const text = message.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('');
        const usage = usageOf(message.usage);
        log(
          `[Claude] answered by ${message.model} in ${Date.now() - started} ms: stop reason ${message.stop_reason ?? 'none'}; ` +
            `tokens: ${usage.inputTokens} input, ${usage.cacheReadTokens} read from the cache, ${usage.cacheWriteTokens} written to it, ${usage.outputTokens} output`,
        );
        return { text, stopReason: message.stop_reason ?? undefined, model: message.model, usage };
      } catch (error) {
        const failure = modelErrorOf(error, call?.signal);
        // The kind, the status and the request id are what support asks for; the
        // message may quote the request, so it stays out of the log.
        const status = error instanceof Anthropic.APIError && error.status !== undefined ? ` (${error.status})` : '';
        const requestId = error instanceof Anthropic.APIError && error.requestID ? `, request-id ${error.requestID}` : '';
        log(`[Claude] failed after ${Date.now() - started} ms: ${failure.kind}${status}${requestId}`);
        throw failure;
      }
    },
  };
}

const CACHED = { type: 'ephemeral' } as const;

/**
 * The system prompt leads every request over the same document, so with a context it
 * is marked for the cache too. Without one there is nothing long to reuse, and a cache
 * write costs a quarter more than plain input, so the request stays as plain as ever.
 */
function systemOf(request: ModelRequest): string | Anthropic.TextBlockParam[] {
  return request.context && request.system ? [{ type: 'text', text: request.system, cache_control: CACHED }] : request.system;
}

/** The context before the prompt, marked as the end of what the cache keeps; the prompt, which changes, after it. */
function contentOf(request: ModelRequest): string | Anthropic.TextBlockParam[] {
  if (!request.context) return request.prompt;
  return [
    { type: 'text', text: request.context, cache_control: CACHED },
    { type: 'text', text: request.prompt },
  ];
}

function usageOf(usage: Anthropic.Usage): ModelUsage {
  return {
    inputTokens: usage.input_tokens ?? 0,
    outputTokens: usage.output_tokens ?? 0,
    cacheReadTokens: usage.cache_read_input_tokens ?? 0,
    cacheWriteTokens: usage.cache_creation_input_tokens ?? 0,
  };
}

interface RetryWatch {
  readonly maxRetries: number;
  readonly maxWaitMs: number;
  /** The caller's; once it has aborted, the SDK retries nothing. */
  readonly signal: AbortSignal | undefined;
  /** The SDK is about to sleep this long and ask again. */
  readonly onWait: (waitMs: number, reason: string) => void;
  /** The API asked for a longer wait than the cap allows: the call fails now. */
  readonly onTooLong: (waitMs: number, reason: string) => void;
}

/**
 * The global fetch, watching the answers the SDK retries (its `shouldRetry`: 408, 409,
 * 429 and 5xx, unless `x-should-retry` says otherwise). The SDK sleeps as long as
 * `retry-after` asks, however long that is; past the cap, the answer goes back to it
 * marked `x-should-retry: false`, which it obeys over its own reading of the status,
 * so the error surfaces at once. Within the cap, the wait is told before the SDK sleeps.
 */
function fetchWithRetryCap(watch: RetryWatch): (input: string | URL | Request, init?: RequestInit) => Promise<Response> {
  return async (input, init) => {
    // The SDK numbers its attempts in this header, from 0; after the last it retries nothing.
    const attempt = Number(new Headers(init?.headers).get('x-stainless-retry-count')) || 0;
    const willRetry = attempt < watch.maxRetries;
    let response: Response;
    try {
      response = await fetch(input, init);
    } catch (error) {
      // The SDK retries a connection that failed or timed out, unless the caller aborted it.
      if (willRetry && !watch.signal?.aborted) {
        watch.onWait(defaultBackoffMs(attempt), error instanceof Error && error.name === 'AbortError' ? 'no answer in time' : 'connection failed');
      }
      throw error;
    }
    if (response.ok) return response;
    const verdict = response.headers.get('x-should-retry');
    if (verdict === 'false' || (verdict !== 'true' && !isRetryableStatus(response.status))) return response;
    const reason = reasonOf(response.status);
    const asked = retryAfterMs(response.headers);
    if (asked !== undefined && asked > watch.maxWaitMs) {
      watch.onTooLong(asked, reason);
      const headers = new Headers(response.headers);
      headers.set('x-should-retry', 'false');
      return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
    }
    if (willRetry) watch.onWait(asked ?? defaultBackoffMs(attempt), reason);
    return response;
  };
}

/** A progress callback that throws must not fail the request it reports on. */
function tell(onWait: (waitMs: number, reason: string) => void, waitMs: number, reason: string): void {
  try {
    onWait(waitMs, reason);
  } catch {
    // Nothing to do: the retry goes ahead whatever the progress display made of it.
  }
}

function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

function reasonOf(status: number): string {
  if (status === 429) return 'rate limited';
  if (status === 529) return 'overloaded';
  if (status === 408) return 'request timed out';
  if (status === 409) return 'conflict';
  if (status >= 500) return `server error ${status}`;
  return `error ${status}`;
}

/**
 * The wait an answer asks for, read as the SDK's `retryRequest` reads it:
 * `retry-after-ms`, else `retry-after` in seconds or as an HTTP date. Undefined when
 * it asks for none, and the SDK falls back to its own backoff.
 */
function retryAfterMs(headers: Headers | undefined): number | undefined {
  if (!headers) return undefined;
  let wait: number | undefined;
  const millis = parseFloat(headers.get('retry-after-ms') ?? '');
  if (!Number.isNaN(millis)) wait = millis;
  const after = headers.get('retry-after');
  if (after && !wait) {
    const seconds = parseFloat(after);
    wait = Number.isNaN(seconds) ? Date.parse(after) - Date.now() : seconds * 1000;
  }
  return wait !== undefined && wait > 0 ? wait : undefined;
}

/** The SDK's own backoff when no wait is asked for, before its jitter takes up to a quarter off. */
function defaultBackoffMs(attempt: number): number {
  return Math.min(500 * 2 ** attempt, 8_000);
}

/** A wait as a person would say it: `45 s`, `20 min`, `3 h`. */
function formatWait(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  if (seconds <= 180) return `${seconds} s`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes <= 180) return `${minutes} min`;
  return `${Math.ceil(minutes / 60)} h`;
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
      case 429: {
        const wait = retryAfterMs(error.headers);
        return wait
          ? new ModelError('rate-limit', `The Anthropic API's rate limit was reached: it asks to wait ${formatWait(wait)}. Try again then.`, true)
          : new ModelError('rate-limit', `The Anthropic API's rate limit was reached, and retrying did not help: ${said}. Try again in a minute.`, true);
      }
      case 529: {
        const wait = retryAfterMs(error.headers);
        return wait
          ? new ModelError('overloaded', `The Anthropic API is overloaded: it asks to wait ${formatWait(wait)}. Try again then.`, true)
          : new ModelError('overloaded', `The Anthropic API is overloaded: ${said}. Try again shortly.`, true);
      }
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
