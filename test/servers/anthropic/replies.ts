/**
 * The answers a test scripts for the local Anthropic server's `POST /v1/messages`, and
 * the checks that refuse a malformed script when it is given rather than when a request
 * happens to reach it.
 */

/** The stop reasons a scripted text answer may end with. */
export type ScriptedStopReason = 'end_turn' | 'max_tokens' | 'refusal' | 'stop_sequence';

/** The error statuses the Messages API answers with, each with its own error type. */
export type ScriptedErrorStatus = 400 | 401 | 403 | 404 | 413 | 429 | 500 | 529;

/** The policy categories of a refusal's `stop_details`. */
export type RefusalCategory = 'cyber' | 'bio' | 'frontier_llm' | 'reasoning_extraction' | 'general_harms';

export interface ScriptedPacing {
  /** Characters per `text_delta` event; 20 unless told. */
  readonly chunkSize?: number;
  /** Milliseconds between stream events; for an answer that is not streamed, before it is sent. */
  readonly delayMs?: number;
}

export type ScriptedReply =
  /** One text content block. */
  | (ScriptedPacing & {
      readonly kind: 'text';
      readonly text: string;
      readonly stopReason?: ScriptedStopReason;
      /** The sequence a `stop_sequence` answer stopped at; the request's first `stop_sequences` entry unless told. */
      readonly stopSequence?: string;
    })
  /**
   * Structured output: `JSON.stringify(value)` as one text block, or exactly `raw` when
   * given (truncated JSON, say, with `stopReason: 'max_tokens'`).
   */
  | (ScriptedPacing & {
      readonly kind: 'json';
      readonly value?: unknown;
      readonly raw?: string;
      readonly stopReason?: ScriptedStopReason;
    })
  /** Anthropic's error document with this status, before any stream starts. */
  | {
      readonly kind: 'error';
      readonly status: ScriptedErrorStatus;
      readonly message?: string;
      /** Seconds, sent as `retry-after`; the SDK reads fractions, which keeps retry tests fast. */
      readonly retryAfter?: number;
      /** Sent as `x-should-retry`, which the SDK obeys over its own reading of the status. */
      readonly shouldRetry?: boolean;
      /** The `error.type`; the status's own type unless told. */
      readonly errorType?: string;
    }
  /**
   * A stream that sends `afterChunks` text deltas, then an SSE `error` event. Answered to
   * a request that does not stream with the status of that error type.
   */
  | (ScriptedPacing & {
      readonly kind: 'stream-error';
      readonly text: string;
      readonly afterChunks: number;
      /** `overloaded_error` unless told. */
      readonly errorType?: string;
      readonly message?: string;
    })
  /**
   * A stream whose connection is destroyed after `afterChunks` text deltas, before
   * `message_stop`. To a request that does not stream, half the JSON body, then the same.
   */
  | (ScriptedPacing & { readonly kind: 'cut'; readonly text: string; readonly afterChunks: number })
  /** No headers, ever: the request stays open until the client gives up or aborts. */
  | { readonly kind: 'hang' }
  /**
   * A slow stream, one chunk every `intervalMs`, that stops once the client goes away. To
   * a request that does not stream, the whole message after as long as the stream would take.
   */
  | { readonly kind: 'drip'; readonly text: string; readonly intervalMs: number; readonly chunkSize?: number }
  /** Stop reason `refusal`, with `stop_details`; no content block unless `text` is given. */
  | (ScriptedPacing & { readonly kind: 'refusal'; readonly text?: string; readonly category?: RefusalCategory });

export type ScriptedReplyKind = ScriptedReply['kind'];

export const DEFAULT_CHUNK_SIZE = 20;

/** `error.type` for each status, as the API documents them. */
export const ERROR_TYPES: Readonly<Record<ScriptedErrorStatus, string>> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

/** The API's wording for each error type, used when a script gives none. */
const DEFAULT_MESSAGES: Readonly<Record<string, string>> = {
  invalid_request_error: 'There was an issue with the format or content of your request.',
  authentication_error: 'invalid x-api-key',
  permission_error: 'Your API key does not have permission to use the specified resource.',
  not_found_error: 'The requested resource could not be found.',
  request_too_large: 'Request exceeds the maximum allowed number of bytes.',
  rate_limit_error:
    "This request would exceed your organization's rate limit. Please reduce the prompt length or the maximum tokens requested, or try again later.",
  api_error: 'Internal server error',
  overloaded_error: 'Overloaded',
};

export function defaultErrorMessage(type: string): string {
  return DEFAULT_MESSAGES[type] ?? 'An unexpected error occurred.';
}

/** The HTTP status that an error type travels with, for a stream error answered without a stream. */
export function statusOfErrorType(type: string): number {
  const found = (Object.entries(ERROR_TYPES) as Array<[string, string]>).find(([, t]) => t === type);
  return found ? Number(found[0]) : 500;
}

const STOP_REASONS: readonly string[] = ['end_turn', 'max_tokens', 'refusal', 'stop_sequence'];

/** Throws, naming the fault, when a scripted reply could not be answered as meant. */
export function checkScriptedReply(reply: ScriptedReply): void {
  const fail = (why: string): never => {
    throw new Error(`Scripted reply ${JSON.stringify(reply)}: ${why}.`);
  };
  const whole = (value: number | undefined, name: string, min: number): void => {
    if (value !== undefined && !(Number.isInteger(value) && value >= min)) fail(`${name} must be an integer of at least ${min}`);
  };
  const pacing = (r: ScriptedPacing): void => {
    whole(r.chunkSize, 'chunkSize', 1);
    if (r.delayMs !== undefined && !(r.delayMs >= 0)) fail('delayMs must not be negative');
  };
  switch (reply.kind) {
    case 'text':
      if (typeof reply.text !== 'string') fail('text must be a string');
      if (reply.stopReason !== undefined && !STOP_REASONS.includes(reply.stopReason)) fail('unknown stopReason');
      pacing(reply);
      return;
    case 'json':
      if (!('value' in reply) && reply.raw === undefined) fail('give value or raw');
      if (reply.raw === undefined && JSON.stringify(reply.value) === undefined) fail('value has no JSON form');
      if (reply.stopReason !== undefined && !STOP_REASONS.includes(reply.stopReason)) fail('unknown stopReason');
      pacing(reply);
      return;
    case 'error':
      if (!(reply.status in ERROR_TYPES)) fail(`status must be one of ${Object.keys(ERROR_TYPES).join(', ')}`);
      if (reply.retryAfter !== undefined && !(reply.retryAfter >= 0)) fail('retryAfter must not be negative');
      return;
    case 'stream-error':
    case 'cut':
      if (typeof reply.text !== 'string') fail('text must be a string');
      whole(reply.afterChunks, 'afterChunks', 0);
      if (reply.afterChunks === undefined) fail('afterChunks is required');
      pacing(reply);
      return;
    case 'hang':
      return;
    case 'drip':
      if (typeof reply.text !== 'string') fail('text must be a string');
      if (!(reply.intervalMs >= 0)) fail('intervalMs must not be negative');
      whole(reply.chunkSize, 'chunkSize', 1);
      return;
    case 'refusal':
      pacing(reply);
      return;
    default:
      fail('unknown kind');
  }
}
