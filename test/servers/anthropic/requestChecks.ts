/**
 * The checks the Messages API makes before it looks at a prompt, with its status codes
 * and wording: credentials, the `anthropic-version` header, and the shape of the body.
 */
import type { IncomingHttpHeaders } from 'node:http';

/** A refusal in the API's terms; the server turns it into the error document. */
export class AnthropicHttpError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

function invalid(message: string): AnthropicHttpError {
  return new AnthropicHttpError(400, 'invalid_request_error', message);
}

/** The parts of a Messages request the server reads; everything else is kept as sent. */
export interface MessagesRequestBody {
  readonly model: string;
  readonly max_tokens: number;
  readonly messages: ReadonlyArray<{ readonly role: string; readonly content: unknown }>;
  readonly system?: unknown;
  readonly stream?: boolean;
  readonly stop_sequences?: readonly string[];
  readonly output_config?: {
    readonly format?: { readonly type: 'json_schema'; readonly schema: Readonly<Record<string, unknown>> } | null;
    readonly effort?: string | null;
  } | null;
  readonly [field: string]: unknown;
}

export interface Credentials {
  readonly apiKey: string;
  readonly authToken: string | undefined;
}

/**
 * An API key in `x-api-key`, or a bearer credential in `authorization`. This SDK sends
 * its `apiKey` as `Authorization: Bearer`, so a bearer credential may be the key or the
 * server's auth token.
 */
export function checkCredentials(headers: IncomingHttpHeaders, credentials: Credentials): void {
  const key = headers['x-api-key'];
  const authorization = headers.authorization;
  if (typeof key === 'string' && key !== '') {
    if (key !== credentials.apiKey) throw new AnthropicHttpError(401, 'authentication_error', 'invalid x-api-key');
    return;
  }
  if (typeof authorization === 'string' && authorization !== '') {
    const bearer = /^Bearer\s+(\S+)$/i.exec(authorization);
    const accepted = bearer !== null && (bearer[1] === credentials.apiKey || bearer[1] === credentials.authToken);
    if (!accepted) throw new AnthropicHttpError(401, 'authentication_error', 'Invalid bearer token');
    return;
  }
  throw new AnthropicHttpError(401, 'authentication_error', 'x-api-key header is required');
}

export function checkVersion(headers: IncomingHttpHeaders): void {
  const version = headers['anthropic-version'];
  if (typeof version !== 'string' || version.trim() === '') throw invalid('anthropic-version: header is required');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(version.trim())) throw invalid(`anthropic-version: invalid version "${version}"`);
}

/** The body as JSON; `text` is what arrived. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') throw invalid('The request body is empty; it must be a JSON object.');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw invalid(`The request body is not valid JSON: ${(error as Error).message}`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireObject(body: unknown): Record<string, unknown> {
  if (!isObject(body)) throw invalid('Input should be a valid dictionary or object to extract fields from');
  return body;
}

function requireModel(body: Record<string, unknown>): void {
  if (!('model' in body)) throw invalid('model: Field required');
  if (typeof body.model !== 'string' || body.model === '') throw invalid('model: Input should be a valid string');
}

const ROLES = ['user', 'assistant', 'system'];

function requireMessages(body: Record<string, unknown>): void {
  if (!('messages' in body)) throw invalid('messages: Field required');
  const messages = body.messages;
  if (!Array.isArray(messages)) throw invalid('messages: Input should be a valid list');
  if (messages.length === 0) throw invalid('messages: at least one message is required');
  messages.forEach((message: unknown, i) => {
    if (!isObject(message)) throw invalid(`messages.${i}: Input should be a valid dictionary`);
    if (!('role' in message)) throw invalid(`messages.${i}.role: Field required`);
    if (typeof message.role !== 'string' || !ROLES.includes(message.role)) {
      throw invalid(`messages.${i}.role: Input should be 'user', 'assistant' or 'system'`);
    }
    if (!('content' in message)) throw invalid(`messages.${i}.content: Field required`);
    if (typeof message.content !== 'string' && !Array.isArray(message.content)) {
      throw invalid(`messages.${i}.content: Input should be a valid string or a list of content blocks`);
    }
  });
}

function checkOutputConfig(body: Record<string, unknown>): void {
  if (!('output_config' in body) || body.output_config === null) return;
  const config = body.output_config;
  if (!isObject(config)) throw invalid('output_config: Input should be a valid dictionary');
  if (!('format' in config) || config.format === null) return;
  const format = config.format;
  if (!isObject(format)) throw invalid('output_config.format: Input should be a valid dictionary');
  if (format.type !== 'json_schema') throw invalid("output_config.format.type: Input should be 'json_schema'");
  if (!('schema' in format)) throw invalid('output_config.format.schema: Field required');
  if (!isObject(format.schema)) throw invalid('output_config.format.schema: Input should be a valid dictionary');
}

/** A `POST /v1/messages` body, refused the way the API refuses it, field by field. */
export function checkMessagesBody(body: unknown): MessagesRequestBody {
  const object = requireObject(body);
  requireModel(object);
  if (!('max_tokens' in object)) throw invalid('max_tokens: Field required');
  if (typeof object.max_tokens !== 'number' || !Number.isInteger(object.max_tokens)) {
    throw invalid('max_tokens: Input should be a valid integer');
  }
  if (object.max_tokens < 1) throw invalid('max_tokens: Input should be greater than or equal to 1');
  requireMessages(object);
  if ('stream' in object && typeof object.stream !== 'boolean') throw invalid('stream: Input should be a valid boolean');
  if ('stop_sequences' in object && !(Array.isArray(object.stop_sequences) && object.stop_sequences.every((s) => typeof s === 'string'))) {
    throw invalid('stop_sequences: Input should be a valid list of strings');
  }
  checkOutputConfig(object);
  return object as MessagesRequestBody;
}

/** A `POST /v1/messages/count_tokens` body: a model and messages, no `max_tokens`. */
export function checkCountTokensBody(body: unknown): MessagesRequestBody {
  const object = requireObject(body);
  requireModel(object);
  requireMessages(object);
  checkOutputConfig(object);
  return object as MessagesRequestBody;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter((block): block is { type: 'text'; text: string } => isObject(block) && block.type === 'text' && typeof block.text === 'string')
    .map((block) => block.text)
    .join('\n');
}

/** The text of the last user message, for a `respondWith` that answers by what was asked. */
export function promptText(body: MessagesRequestBody): string {
  const last = [...body.messages].reverse().find((m) => m.role === 'user');
  return last ? textOf(last.content) : '';
}

/** The input the API would bill for, roughly: system prompt, messages and schema, four characters a token. */
export function inputTokensOf(body: MessagesRequestBody): number {
  const parts = [textOf(body.system), ...body.messages.map((m) => textOf(m.content))];
  const schema = body.output_config?.format?.schema;
  const characters = parts.join('').length + (schema ? JSON.stringify(schema).length : 0);
  return Math.max(1, Math.ceil(characters / 4));
}
