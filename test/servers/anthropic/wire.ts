/**
 * The Messages API's wire shapes: the message object, its usage, the server-sent events
 * of a streamed message, and the error document. Field for field what the SDK's types
 * declare, so that an SDK comparing or spreading them sees nothing missing.
 */
import { randomBytes } from 'node:crypto';

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** An id in the API's form, `msg_01…` or `req_01…`. */
export function anthropicId(prefix: 'msg' | 'req'): string {
  const bytes = randomBytes(22);
  let id = `${prefix}_01`;
  for (const byte of bytes) id += BASE58[byte % BASE58.length];
  return id;
}

export interface RefusalStopDetails {
  readonly type: 'refusal';
  readonly category: string | null;
  readonly explanation: string | null;
}

/** What one answer says, whether it is sent whole or streamed. */
export interface Completion {
  /** The text of the one content block; null for an answer with no content block. */
  readonly text: string | null;
  readonly stopReason: string;
  readonly stopSequence: string | null;
  readonly stopDetails: RefusalStopDetails | null;
}

/** A rough token count (four characters a token), never zero, as the API never reports zero output. */
export function tokensIn(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function usage(shape: MessageShape, outputTokens: number): Record<string, unknown> {
  return {
    input_tokens: shape.inputTokens,
    output_tokens: outputTokens,
    cache_creation_input_tokens: shape.cacheWriteTokens ?? 0,
    cache_read_input_tokens: shape.cacheReadTokens ?? 0,
    cache_creation: { ephemeral_5m_input_tokens: shape.cacheWriteTokens ?? 0, ephemeral_1h_input_tokens: 0 },
    inference_geo: 'not_available',
    output_tokens_details: null,
    server_tool_use: null,
    service_tier: 'standard',
    speed: 'standard',
  };
}

function textBlock(text: string): Record<string, unknown> {
  return { type: 'text', text, citations: null };
}

interface MessageShape {
  readonly id: string;
  readonly model: string;
  /** As the API counts them: the input neither read from the prompt cache nor written to it. */
  readonly inputTokens: number;
  readonly cacheReadTokens?: number;
  readonly cacheWriteTokens?: number;
}

/** The message object of an answer that is not streamed. */
export function messageJson(shape: MessageShape, completion: Completion): Record<string, unknown> {
  return {
    id: shape.id,
    type: 'message',
    role: 'assistant',
    model: shape.model,
    content: completion.text === null ? [] : [textBlock(completion.text)],
    stop_reason: completion.stopReason,
    stop_sequence: completion.stopSequence,
    stop_details: completion.stopDetails,
    container: null,
    diagnostics: null,
    usage: usage(shape, tokensIn(completion.text ?? '')),
  };
}

export interface SseEvent {
  readonly event: string;
  readonly data: unknown;
  /**
   * `delta` for a text delta; `closing` for the events from the block's end on, which
   * a cut or failing stream never reaches.
   */
  readonly part: 'opening' | 'delta' | 'ping' | 'closing';
}

/** Splits text into chunks of `size` characters, never between the halves of a surrogate pair. */
export function chunksOf(text: string, size: number): string[] {
  const characters = Array.from(text);
  const chunks: string[] = [];
  for (let i = 0; i < characters.length; i += size) chunks.push(characters.slice(i, i + size).join(''));
  return chunks;
}

/** How often a `ping` is interleaved with the text deltas. */
const PING_EVERY = 4;

/**
 * The events of a streamed answer, in the API's order: `message_start` (the message with
 * no content and no stop reason yet), `content_block_start`, a `ping`, the text deltas
 * with a `ping` now and then, `content_block_stop`, `message_delta`, `message_stop`.
 */
export function streamEvents(shape: MessageShape, completion: Completion, chunkSize: number): SseEvent[] {
  const ping: SseEvent = { event: 'ping', data: { type: 'ping' }, part: 'ping' };
  const events: SseEvent[] = [
    {
      event: 'message_start',
      part: 'opening',
      data: {
        type: 'message_start',
        message: {
          ...messageJson(shape, { ...completion, text: null }),
          stop_reason: null,
          stop_sequence: null,
          stop_details: null,
          usage: usage(shape, 1),
        },
      },
    },
  ];
  if (completion.text !== null) {
    events.push({
      event: 'content_block_start',
      part: 'opening',
      data: { type: 'content_block_start', index: 0, content_block: textBlock('') },
    });
    events.push(ping);
    chunksOf(completion.text, chunkSize).forEach((chunk, i) => {
      if (i > 0 && i % PING_EVERY === 0) events.push(ping);
      events.push({
        event: 'content_block_delta',
        part: 'delta',
        data: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: chunk } },
      });
    });
    events.push({ event: 'content_block_stop', part: 'closing', data: { type: 'content_block_stop', index: 0 } });
  } else {
    events.push(ping);
  }
  const outputTokens = tokensIn(completion.text ?? '');
  events.push({
    event: 'message_delta',
    part: 'closing',
    data: {
      type: 'message_delta',
      delta: {
        stop_reason: completion.stopReason,
        stop_sequence: completion.stopSequence,
        stop_details: completion.stopDetails,
        container: null,
      },
      usage: {
        input_tokens: shape.inputTokens,
        output_tokens: outputTokens,
        cache_creation_input_tokens: shape.cacheWriteTokens ?? 0,
        cache_read_input_tokens: shape.cacheReadTokens ?? 0,
        output_tokens_details: null,
        server_tool_use: null,
      },
    },
  });
  events.push({ event: 'message_stop', part: 'closing', data: { type: 'message_stop' } });
  return events;
}

/** One server-sent event as it goes on the wire. */
export function sseFrame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** Anthropic's error document, the body of every refusal and the data of a stream's `error` event. */
export function errorDocument(type: string, message: string, requestId: string): Record<string, unknown> {
  return { type: 'error', error: { type, message }, request_id: requestId };
}
