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
}

export interface CompleteOptions {
  /** Each piece of text as it arrives. */
  readonly onText?: (delta: string) => void;
  readonly signal?: AbortSignal;
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
