/**
 * The local Anthropic server's model catalogue: `GET /v1/models`, with the API's cursor
 * pagination (`after_id`, `before_id`, `limit`; `has_more`, `first_id`, `last_id`), and
 * `GET /v1/models/{id}`.
 */
import { AnthropicHttpError } from './requestChecks';

export interface SeedModel {
  readonly id: string;
  readonly display_name: string;
  /** RFC 3339; made up, newest first in the order given, when left out. */
  readonly created_at?: string;
}

export const DEFAULT_MODELS: readonly SeedModel[] = [
  { id: 'claude-opus-4-6', display_name: 'Claude Opus 4.6' },
  { id: 'claude-sonnet-4-6', display_name: 'Claude Sonnet 4.6' },
  { id: 'claude-haiku-4-5', display_name: 'Claude Haiku 4.5' },
];

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 1000;
const LINES = ['haiku', 'sonnet', 'opus', 'fable', 'mythos'];

/** A model as the API lists it; the catalogue keeps the order given, which the API says is newest first. */
export function modelInfo(seed: SeedModel, position: number): Record<string, unknown> {
  const createdAt = seed.created_at ?? new Date(Date.UTC(2026, 0, 1) - position * 86_400_000).toISOString().replace('.000Z', 'Z');
  return {
    type: 'model',
    id: seed.id,
    display_name: seed.display_name,
    created_at: createdAt,
    capabilities: null,
    deprecated_at: null,
    lifecycle: 'active',
    line: LINES.find((line) => seed.id.includes(line)) ?? null,
    max_input_tokens: null,
    max_tokens: null,
    retires_at: null,
  };
}

function invalid(message: string): AnthropicHttpError {
  return new AnthropicHttpError(400, 'invalid_request_error', message);
}

function limitOf(query: URLSearchParams): number {
  const text = query.get('limit');
  if (text === null) return DEFAULT_LIMIT;
  const limit = Number(text);
  if (!/^\d+$/.test(text) || limit < 1 || limit > MAX_LIMIT) {
    throw invalid(`limit: Input should be an integer between 1 and ${MAX_LIMIT}`);
  }
  return limit;
}

function indexOf(models: readonly SeedModel[], id: string, field: string): number {
  const index = models.findIndex((m) => m.id === id);
  if (index < 0) throw invalid(`${field}: no model with id "${id}"`);
  return index;
}

/** One page of `GET /v1/models`. */
export function listModels(models: readonly SeedModel[], query: URLSearchParams): Record<string, unknown> {
  const limit = limitOf(query);
  const afterId = query.get('after_id');
  const beforeId = query.get('before_id');
  if (afterId !== null && beforeId !== null) throw invalid('Only one of after_id and before_id may be given.');
  let start: number;
  let end: number;
  let hasMore: boolean;
  if (beforeId !== null) {
    // Going backwards, has_more says whether there are newer models still before the page.
    end = indexOf(models, beforeId, 'before_id');
    start = Math.max(0, end - limit);
    hasMore = start > 0;
  } else {
    start = afterId === null ? 0 : indexOf(models, afterId, 'after_id') + 1;
    end = Math.min(models.length, start + limit);
    hasMore = end < models.length;
  }
  const data = models.slice(start, end).map((m, i) => modelInfo(m, start + i));
  return {
    data,
    has_more: hasMore,
    first_id: data.length > 0 ? models[start].id : null,
    last_id: data.length > 0 ? models[end - 1].id : null,
  };
}

/** `GET /v1/models/{id}`; an unknown id is the API's 404. */
export function retrieveModel(models: readonly SeedModel[], id: string): Record<string, unknown> {
  const index = models.findIndex((m) => m.id === id);
  if (index < 0) throw new AnthropicHttpError(404, 'not_found_error', `model: ${id}`);
  return modelInfo(models[index], index);
}
