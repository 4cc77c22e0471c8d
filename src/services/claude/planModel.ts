/**
 * What the planning commands need from a language model: one request, the text
 * streamed back as it comes, cancellable, with failures told in words a user can act
 * on. Two implementations: Claude through the Anthropic API (anthropicModel.ts) and a
 * model VS Code offers (`vscode.lm`, in the extension). Whatever a model answers is
 * checked by the core before anything reaches the files; this layer only carries text.
 */

export const DEFAULT_MODEL = 'claude-sonnet-5-5';
export const DEFAULT_MAX_TOKENS = 16_000;

export interface ModelRequest {
  readonly system: string;
  /**
   * Long text repeated across calls over the same document (a PRD), sent before the
   * prompt and marked for the API's prompt cache, so that the calls after the first
   * read it from the cache rather than pay for it again.
   */
  readonly context?: string;
  /** The user's turn: one message. */
  readonly prompt: string;
  readonly maxTokens: number;
  /**
   * A JSON schema the answer must follow. The Anthropic API enforces it (structured
   * output); a model that cannot is told it in the prompt, and the core checks either way.
   */
  readonly schema?: Readonly<Record<string, unknown>>;
}

export interface ModelAnswer {
  readonly text: string;
  /** `end_turn`, `max_tokens`, `refusal`…; undefined when the model does not say. */
  readonly stopReason: string | undefined;
  /** Which model answered, as the service names it. */
  readonly model: string;
  /** What the call cost, as the service counts it; undefined when it does not say. */
  readonly usage?: ModelUsage;
}

export interface ModelUsage {
  /** Input neither read from the prompt cache nor written to it (the API's `input_tokens`). */
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Input read from the prompt cache, billed at a tenth of the price. */
  readonly cacheReadTokens: number;
  /** Input written to the prompt cache for the calls after, billed at a quarter above the price. */
  readonly cacheWriteTokens: number;
}

export interface CompleteOptions {
  /** Each piece of text as it arrives. */
  readonly onText?: (delta: string) => void;
  /**
   * The call is about to wait this long before it asks again (a rate limit, an
   * overloaded or failing service); `reason` says why in a few words (`rate limited`,
   * `overloaded`, `server error 500`), for a progress message such as "Rate limited:
   * retrying in 3 s".
   */
  readonly onWait?: (waitMs: number, reason: string) => void;
  readonly signal?: AbortSignal;
}

/**
 * Roughly how many input tokens a request takes, four characters a token, so that a
 * command can warn before it sends a large one. The schema is left out: it is small
 * beside a PRD.
 */
export function estimateInputTokens(request: ModelRequest): number {
  return Math.ceil((request.system.length + (request.context?.length ?? 0) + request.prompt.length) / 4);
}

export interface PlanModel {
  /** For progress and logs: `claude-sonnet-5-5 (Anthropic API)`. */
  readonly description: string;
  complete(request: ModelRequest, options?: CompleteOptions): Promise<ModelAnswer>;
}

export type ModelErrorKind =
  | 'auth'
  | 'permission'
  | 'not-found'
  | 'rate-limit'
  | 'overloaded'
  | 'invalid-request'
  | 'too-large'
  | 'server'
  | 'timeout'
  | 'network'
  | 'interrupted'
  | 'cancelled';

/** A call that failed, with a message fit to show as it is. */
export class ModelError extends Error {
  constructor(
    readonly kind: ModelErrorKind,
    message: string,
    /** Whether asking again, unchanged, may work. */
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'ModelError';
  }
}

export function isCancelled(error: unknown): boolean {
  return error instanceof ModelError && error.kind === 'cancelled';
}
