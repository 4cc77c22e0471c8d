/**
 * A local, in-memory stand-in for Anthropic's Messages API, close enough to the real wire
 * (the message object, server-sent events with pings and the `error` event, error
 * documents with `request-id`, `retry-after` and `x-should-retry`, cursor-paginated
 * models, usage that counts the prompt cache's reads and writes) that the real
 * `@anthropic-ai/sdk`, given `url` as its `baseURL`, runs against it unmodified. Tests
 * start one per case, script its answers, and inspect what the SDK sent and whether it
 * hung up.
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_MODELS, listModels, retrieveModel } from './models';
import type { SeedModel } from './models';
import { PromptCache } from './promptCache';
import { DEFAULT_CHUNK_SIZE, ERROR_TYPES, checkScriptedReply, defaultErrorMessage, statusOfErrorType } from './replies';
import type { ScriptedReply, ScriptedReplyKind } from './replies';
import {
  AnthropicHttpError,
  checkCountTokensBody,
  checkCredentials,
  checkMessagesBody,
  checkVersion,
  inputTokensOf,
  parseJsonBody,
} from './requestChecks';
import type { MessagesRequestBody } from './requestChecks';
import { anthropicId, chunksOf, errorDocument, messageJson, sseFrame, streamEvents } from './wire';
import type { Completion, SseEvent } from './wire';

export type { RefusalCategory, ScriptedErrorStatus, ScriptedPacing, ScriptedReply, ScriptedReplyKind, ScriptedStopReason } from './replies';
export type { MessagesRequestBody } from './requestChecks';
export type { SeedModel } from './models';
export { promptText } from './requestChecks';
export { DEFAULT_MODELS } from './models';

export interface AnthropicServerOptions {
  /** The API key requests must carry, in `x-api-key` or as `Authorization: Bearer`; `sk-ant-test` unless told. */
  readonly apiKey?: string;
  /** A bearer token accepted besides the key (the SDK's `authToken`). */
  readonly authToken?: string;
  /** What `GET /v1/models` lists, newest first; three current models unless told. */
  readonly models?: ReadonlyArray<SeedModel>;
}

export interface RecordedAnthropicRequest {
  readonly method: string;
  /** The path and query as sent. */
  readonly path: string;
  /** The request's headers, names lower-case, repeated headers joined with `, `. */
  readonly headers: Readonly<Record<string, string>>;
  /** The parsed JSON body; the raw text when it was not JSON; undefined when there was none. */
  readonly body: unknown;
  /** When the request arrived (ms since the epoch). */
  readonly time: number;
  /** The status answered; undefined while no headers have been sent (a `hang`, or still waiting). */
  readonly status: number | undefined;
  /** The scripted reply that answered a `POST /v1/messages`, once one was taken. */
  readonly reply: ScriptedReplyKind | undefined;
  /** How many `text_delta` events were written. */
  readonly deltas: number;
  /** The whole answer was written. */
  readonly completed: boolean;
  /** The client closed the connection before the answer was complete (an abort or a timeout). */
  readonly aborted: boolean;
}

/** Answers a `POST /v1/messages` when no scripted reply is queued. */
export type MessagesResponder = (body: MessagesRequestBody, request: RecordedAnthropicRequest) => ScriptedReply;

export interface AnthropicServer {
  /** The `baseURL` to give the SDK, e.g. `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly apiKey: string;
  /** Every request, in the order they arrived; each is recorded as soon as it arrives. */
  readonly requests: readonly RecordedAnthropicRequest[];
  /**
   * Replies for `POST /v1/messages`, taken in order. A request the API would refuse
   * (credentials, version header, body) is refused without taking one.
   */
  enqueue(...replies: ScriptedReply[]): void;
  /** The answer when the queue is empty; undefined to remove it. */
  respondWith(fn: MessagesResponder | undefined): void;
  /** How many queued replies have not been used. */
  remaining(): number;
  /**
   * Resolves once no request is in flight: each has been answered, or its connection has
   * closed. An abort reaches the server a little after the SDK reports it; wait for this
   * before asserting `aborted`.
   */
  idle(): Promise<void>;
  /** Stops listening and drops every open connection, hanging ones included. */
  close(): Promise<void>;
}

interface RequestEntry {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
  time: number;
  status: number | undefined;
  reply: ScriptedReplyKind | undefined;
  deltas: number;
  completed: boolean;
  aborted: boolean;
}

/** Asks the SDK not to retry: a fault in the test's script is not a transient one. */
const NO_RETRY = { 'x-should-retry': 'false' };

function flatHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

function refusalDetails(category: string | undefined): Completion['stopDetails'] {
  return { type: 'refusal', category: category ?? null, explanation: null };
}

/** What a reply that produces a message says. */
function completionOf(reply: Exclude<ScriptedReply, { kind: 'error' } | { kind: 'hang' }>, body: MessagesRequestBody): Completion {
  switch (reply.kind) {
    case 'text':
    case 'json': {
      const stopReason = reply.stopReason ?? 'end_turn';
      const text = reply.kind === 'text' ? reply.text : (reply.raw ?? JSON.stringify(reply.value));
      const stopSequence =
        stopReason === 'stop_sequence' ? ((reply.kind === 'text' ? reply.stopSequence : undefined) ?? body.stop_sequences?.[0] ?? null) : null;
      return { text, stopReason, stopSequence, stopDetails: stopReason === 'refusal' ? refusalDetails(undefined) : null };
    }
    case 'refusal':
      return {
        text: reply.text === undefined || reply.text === '' ? null : reply.text,
        stopReason: 'refusal',
        stopSequence: null,
        stopDetails: refusalDetails(reply.category),
      };
    case 'stream-error':
    case 'cut':
    case 'drip':
      return { text: reply.text, stopReason: 'end_turn', stopSequence: null, stopDetails: null };
  }
}

export async function startAnthropicServer(options: AnthropicServerOptions = {}): Promise<AnthropicServer> {
  const apiKey = options.apiKey ?? 'sk-ant-test';
  const credentials = { apiKey, authToken: options.authToken };
  const models: readonly SeedModel[] = [...(options.models ?? DEFAULT_MODELS)];
  const queue: ScriptedReply[] = [];
  const requests: RequestEntry[] = [];
  const promptCache = new PromptCache();
  let responder: MessagesResponder | undefined;
  let inFlight = 0;
  let idleWaiters: Array<() => void> = [];
  let closing = false;
  let closed: Promise<void> | undefined;

  function settle(): void {
    inFlight -= 1;
    if (inFlight > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const wake of waiters) wake();
  }

  function nextReply(body: MessagesRequestBody, entry: RequestEntry): ScriptedReply {
    const queued = queue.shift();
    if (queued) return queued;
    const number = requests.indexOf(entry) + 1;
    if (!responder) {
      throw new AnthropicHttpError(
        500,
        'api_error',
        `No reply was scripted for POST /v1/messages (request ${number}): enqueue one or set respondWith.`,
        NO_RETRY,
      );
    }
    try {
      const reply = responder(body, entry);
      checkScriptedReply(reply);
      return reply;
    } catch (error) {
      throw new AnthropicHttpError(500, 'api_error', `respondWith failed for request ${number}: ${String(error)}`, NO_RETRY);
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = anthropicId('req');
    const entry: RequestEntry = {
      method: (req.method ?? 'GET').toUpperCase(),
      path: req.url ?? '/',
      headers: flatHeaders(req.headers),
      body: undefined,
      time: Date.now(),
      status: undefined,
      reply: undefined,
      deltas: 0,
      completed: false,
      aborted: false,
    };
    requests.push(entry);
    inFlight += 1;

    let gone = false;
    let cutByServer = false;
    const wakers = new Set<() => void>();
    const connectionClosed = new Promise<void>((resolve) => {
      res.once('close', () => {
        gone = true;
        if (!res.writableFinished && !cutByServer && !closing) entry.aborted = true;
        for (const wake of wakers) wake();
        wakers.clear();
        settle();
        resolve();
      });
    });
    res.once('finish', () => {
      entry.completed = true;
    });
    // A write racing the client's hang-up must not crash the test process.
    res.on('error', () => undefined);
    res.setHeader('request-id', requestId);

    /** Waits `ms`; false when the client went away meanwhile. */
    const wait = (ms: number): Promise<boolean> =>
      gone
        ? Promise.resolve(false)
        : new Promise((resolve) => {
            const wake = (): void => {
              clearTimeout(timer);
              wakers.delete(wake);
              resolve(!gone);
            };
            const timer = setTimeout(wake, ms);
            wakers.add(wake);
          });

    const sendJson = (status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void => {
      if (gone) return;
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
      entry.status = status;
      res.end(text);
    };
    const sendError = (error: AnthropicHttpError): void =>
      sendJson(error.status, errorDocument(error.type, error.message, requestId), error.headers);

    /** Destroys the connection once what was written has been handed to the socket. */
    const cut = async (flushed: Promise<void>): Promise<void> => {
      await Promise.race([flushed, connectionClosed]);
      cutByServer = true;
      res.destroy();
    };

    /**
     * Writes a stream's events. `stop` ends it early: after `afterChunks` deltas, or before
     * the block's end if the text has no more, with an `error` event or a cut connection.
     */
    const stream = async (
      events: readonly SseEvent[],
      pauseBefore: (event: SseEvent, index: number) => number,
      stop?: { readonly afterChunks: number; readonly then: 'cut' } | { readonly afterChunks: number; readonly then: 'error'; readonly type: string; readonly message: string },
    ): Promise<void> => {
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
      entry.status = 200;
      res.flushHeaders();
      let flushed = Promise.resolve();
      const write = (frame: string): void => {
        flushed = new Promise((resolve) => res.write(frame, () => resolve()));
      };
      for (const [index, event] of events.entries()) {
        if (stop && (event.part === 'closing' || (event.part === 'delta' && entry.deltas >= stop.afterChunks))) break;
        const pause = pauseBefore(event, index);
        if (pause > 0 && !(await wait(pause))) return;
        if (gone) return;
        if (!stop && event.part === 'closing' && event.event === 'message_stop') {
          res.end(sseFrame(event.event, event.data));
          return;
        }
        write(sseFrame(event.event, event.data));
        if (event.part === 'delta') entry.deltas += 1;
      }
      if (!stop) {
        res.end();
        return;
      }
      if (stop.then === 'cut') {
        await cut(flushed);
        return;
      }
      const pause = pauseBefore({ event: 'error', data: null, part: 'closing' }, events.length);
      if (pause > 0 && !(await wait(pause))) return;
      res.end(sseFrame('error', errorDocument(stop.type, stop.message, requestId)));
    };

    const answerMessages = async (body: MessagesRequestBody): Promise<void> => {
      const reply = nextReply(body, entry);
      entry.reply = reply.kind;
      if (reply.kind === 'error') {
        const headers: Record<string, string> = {};
        if (reply.retryAfter !== undefined) headers['retry-after'] = String(reply.retryAfter);
        if (reply.shouldRetry !== undefined) headers['x-should-retry'] = String(reply.shouldRetry);
        const type = reply.errorType ?? ERROR_TYPES[reply.status];
        sendError(new AnthropicHttpError(reply.status, type, reply.message ?? defaultErrorMessage(type), headers));
        return;
      }
      if (reply.kind === 'hang') {
        await connectionClosed;
        return;
      }

      const cache = promptCache.use(body);
      const shape = { id: anthropicId('msg'), model: body.model, inputTokens: cache.inputTokens, cacheReadTokens: cache.cacheReadTokens, cacheWriteTokens: cache.cacheWriteTokens };
      const completion = completionOf(reply, body);
      const delayMs = reply.kind === 'drip' ? 0 : (reply.delayMs ?? 0);
      const chunkSize = reply.chunkSize ?? (reply.kind === 'drip' ? 4 : DEFAULT_CHUNK_SIZE);

      if (body.stream === true) {
        const events = streamEvents(shape, completion, chunkSize);
        const pauseBefore =
          reply.kind === 'drip'
            ? (event: SseEvent): number => (event.part === 'delta' ? reply.intervalMs : 0)
            : (_event: SseEvent, index: number): number => (index === 0 ? 0 : delayMs);
        if (reply.kind === 'cut') {
          await stream(events, pauseBefore, { afterChunks: reply.afterChunks, then: 'cut' });
        } else if (reply.kind === 'stream-error') {
          const type = reply.errorType ?? 'overloaded_error';
          await stream(events, pauseBefore, { afterChunks: reply.afterChunks, then: 'error', type, message: reply.message ?? defaultErrorMessage(type) });
        } else {
          await stream(events, pauseBefore);
        }
        return;
      }

      // Not streamed: the API says nothing until the whole message is ready.
      const pause = reply.kind === 'drip' ? chunksOf(completion.text ?? '', chunkSize).length * reply.intervalMs : delayMs;
      if (pause > 0 && !(await wait(pause))) return;
      if (reply.kind === 'stream-error') {
        const type = reply.errorType ?? 'overloaded_error';
        sendError(new AnthropicHttpError(statusOfErrorType(type), type, reply.message ?? defaultErrorMessage(type)));
        return;
      }
      const message = messageJson(shape, completion);
      if (reply.kind === 'cut') {
        const text = JSON.stringify(message);
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
        entry.status = 200;
        const half = Buffer.from(text).subarray(0, Math.floor(Buffer.byteLength(text) / 2));
        await cut(new Promise((resolve) => res.write(half, () => resolve())));
        return;
      }
      sendJson(200, message);
    };

    const route = async (text: string): Promise<void> => {
      const url = new URL(entry.path, 'http://localhost');
      checkCredentials(req.headers, credentials);
      checkVersion(req.headers);
      const method = entry.method;
      if (url.pathname === '/v1/messages' && method === 'POST') {
        await answerMessages(checkMessagesBody(parseJsonBody(text)));
        return;
      }
      if (url.pathname === '/v1/messages/count_tokens' && method === 'POST') {
        sendJson(200, { input_tokens: inputTokensOf(checkCountTokensBody(parseJsonBody(text))) });
        return;
      }
      if (url.pathname === '/v1/models' && method === 'GET') {
        sendJson(200, listModels(models, url.searchParams));
        return;
      }
      const model = /^\/v1\/models\/([^/]+)$/.exec(url.pathname);
      if (model && method === 'GET') {
        sendJson(200, retrieveModel(models, decodeURIComponent(model[1])));
        return;
      }
      throw new AnthropicHttpError(404, 'not_found_error', 'Not Found');
    };

    let text: string;
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      text = Buffer.concat(chunks).toString('utf8');
    } catch {
      // The client went away while sending; the close handler has recorded it.
      return;
    }
    if (text.trim() !== '') {
      try {
        entry.body = JSON.parse(text);
      } catch {
        entry.body = text;
      }
    }

    try {
      await route(text);
    } catch (error) {
      if (!(error instanceof AnthropicHttpError)) throw error;
      sendError(error);
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // A bug in the stand-in must show in the test, not hang it.
      if (!res.headersSent) {
        const text = JSON.stringify(errorDocument('api_error', `Test server failure: ${String(error)}`, 'req_local'));
        res.writeHead(500, { 'content-type': 'application/json', ...NO_RETRY });
        res.end(text);
      } else {
        res.destroy();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    apiKey,
    requests,
    enqueue: (...replies) => {
      for (const reply of replies) checkScriptedReply(reply);
      queue.push(...replies);
    },
    respondWith: (fn) => {
      responder = fn;
    },
    remaining: () => queue.length,
    idle: () => (inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve))),
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        closing = true;
        queue.length = 0;
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
