/**
 * The Messages API's prompt cache, as far as a test needs it to see the SDK's requests
 * counted the way the API counts them. A request is read as its blocks in the API's
 * order (the system prompt, then each message's content); a block marked
 * `cache_control` is a breakpoint, and the request up to and including it is a prefix
 * the cache keeps. A later request to the same model that begins with a kept prefix
 * reads it (`cache_read_input_tokens`), what lies between that and its last breakpoint
 * is written (`cache_creation_input_tokens`), and only the rest is `input_tokens`.
 *
 * Simpler than the API, on purpose: no minimum length, no expiry, every write counted
 * as a five-minute one, and the schema and tools take no part in the prefix.
 */
import type { MessagesRequestBody } from './requestChecks';
import { inputTokensOf } from './requestChecks';

export interface CacheUsage {
  readonly inputTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWriteTokens: number;
}

interface Block {
  /** Where the block is, so that the same text as system prompt and as message differ. */
  readonly place: string;
  readonly text: string;
  readonly breakpoint: boolean;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function blocksOf(content: unknown, place: string): Block[] {
  if (typeof content === 'string') return content === '' ? [] : [{ place, text: content, breakpoint: false }];
  if (!Array.isArray(content)) return [];
  return content.filter(isObject).map((block) => ({
    place,
    // A block that is not text still takes part in the prefix; its JSON stands for it.
    text: block.type === 'text' && typeof block.text === 'string' ? block.text : JSON.stringify({ ...block, cache_control: undefined }),
    breakpoint: isObject(block.cache_control),
  }));
}

/** Four characters a token, as `inputTokensOf` counts. */
function tokens(characters: number): number {
  return Math.ceil(characters / 4);
}

export class PromptCache {
  private readonly prefixes = new Set<string>();

  /** What a request reads from and writes to the cache; it is counted as sent, and what it writes is kept. */
  use(body: MessagesRequestBody): CacheUsage {
    const blocks = [...blocksOf(body.system, 'system'), ...body.messages.flatMap((m, i) => blocksOf(m.content, `${i}:${m.role}`))];
    const breakpoints = blocks.flatMap((block, i) => (block.breakpoint ? [i] : []));
    if (breakpoints.length === 0) return { inputTokens: inputTokensOf(body), cacheReadTokens: 0, cacheWriteTokens: 0 };

    const keyTo = (index: number): string => JSON.stringify([body.model, blocks.slice(0, index + 1).map((b) => [b.place, b.text])]);
    const charactersTo = (index: number): number => blocks.slice(0, index + 1).reduce((sum, b) => sum + b.text.length, 0);
    const read = [...breakpoints].reverse().find((index) => this.prefixes.has(keyTo(index)));
    const last = breakpoints[breakpoints.length - 1];
    const readCharacters = read === undefined ? 0 : charactersTo(read);
    const writeCharacters = charactersTo(last) - readCharacters;
    const schema = body.output_config?.format?.schema;
    const allCharacters = charactersTo(blocks.length - 1) + (schema ? JSON.stringify(schema).length : 0);
    for (const index of breakpoints) this.prefixes.add(keyTo(index));
    return {
      inputTokens: Math.max(1, tokens(allCharacters - readCharacters - writeCharacters)),
      cacheReadTokens: tokens(readCharacters),
      cacheWriteTokens: tokens(writeCharacters),
    };
  }
}
