// The local Anthropic server, driven by the real @anthropic-ai/sdk: what the SDK makes of
// each scripted answer, and what the server saw of each request.
import { describe, test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AnthropicError,
  AuthenticationError,
  BadRequestError,
  ContentTooLargeError,
  InternalServerError,
  NotFoundError,
  OverloadedError,
  PermissionDeniedError,
  RateLimitError,
} from '@anthropic-ai/sdk';
import { promptText, startAnthropicServer } from '../servers/anthropic/server';
import type { AnthropicServer, AnthropicServerOptions, RecordedAnthropicRequest, ScriptedErrorStatus } from '../servers/anthropic/server';

const MODEL = 'claude-sonnet-4-6';

interface ClientSettings {
  readonly maxRetries?: number;
  readonly timeout?: number;
}

async function serve(t: TestContext, options: AnthropicServerOptions = {}, settings: ClientSettings = {}): Promise<{ server: AnthropicServer; client: Anthropic }> {
  const server = await startAnthropicServer(options);
  t.after(() => server.close());
  const client = new Anthropic({
    apiKey: server.apiKey,
    baseURL: server.url,
    maxRetries: settings.maxRetries ?? 0,
    timeout: settings.timeout ?? 5000,
  });
  return { server, client };
}

function ask(content: string) {
  return { model: MODEL, max_tokens: 256, messages: [{ role: 'user' as const, content }] };
}

/** The error a promise rejects with; fails the test if it resolves. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected the call to fail');
}

function only(server: AnthropicServer): RecordedAnthropicRequest {
  assert.equal(server.requests.length, 1);
  return server.requests[0];
}

/** Polls until `condition` holds, for what the server does without the client knowing. */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 1000;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail('the condition never held');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The event names of a raw SSE body. */
function eventNames(body: string): string[] {
  return [...body.matchAll(/^event: (.+)$/gm)].map((m) => m[1]);
}

describe('messages', () => {
  test('an answer that is not streamed is one message echoing the model, and the request is recorded as sent', async (t) => {
    const { server, client } = await serve(t);
    server.enqueue({ kind: 'text', text: 'Three epics and a sprint.' });
    const params = { ...ask('Plan the release.'), system: 'You are a planner.', temperature: 0.2 };
    const message = await client.messages.create(params);
    assert.match(message.id, /^msg_01/);
    assert.equal(message.type, 'message');
    assert.equal(message.role, 'assistant');
    assert.equal(message.model, MODEL);
    assert.deepEqual(message.content, [{ type: 'text', text: 'Three epics and a sprint.', citations: null }]);
    assert.equal(message.stop_reason, 'end_turn');
    assert.equal(message.stop_sequence, null);
    assert.ok(message.usage.input_tokens > 0);
    assert.equal(message.usage.output_tokens, 7);
    assert.match(message._request_id ?? '', /^req_01/);

    const request = only(server);
    assert.equal(request.method, 'POST');
    assert.equal(request.path, '/v1/messages');
    assert.deepEqual(request.body, params);
    assert.equal(request.headers.authorization, `Bearer ${server.apiKey}`);
    assert.match(request.headers['anthropic-version'], /^\d{4}-\d{2}-\d{2}$/);
    assert.equal(request.headers['content-type'], 'application/json');
    assert.match(request.headers['user-agent'], /^Anthropic\/JS /);
    assert.equal(request.headers['x-stainless-retry-count'], '0');
    assert.equal(request.headers['x-stainless-timeout'], '5');
    assert.deepEqual([request.status, request.reply, request.completed, request.aborted], [200, 'text', true, false]);
    assert.equal(server.remaining(), 0);
  });

  test('a streamed answer arrives as text events in chunks of chunkSize, and finalMessage holds the whole', async (t) => {
    const { server, client } = await serve(t);
    const text = 'Epic one, then epic two, then the launch.';
    server.enqueue({ kind: 'text', text, chunkSize: 5, delayMs: 1 });
    const stream = client.messages.stream(ask('Order the epics.'));
    const chunks: string[] = [];
    stream.on('text', (delta) => chunks.push(delta));
    const message = await stream.finalMessage();
    assert.deepEqual(chunks, text.match(/.{1,5}/g));
    assert.deepEqual(message.content, [{ type: 'text', text, citations: null }]);
    assert.equal(message.stop_reason, 'end_turn');
    assert.equal(message.model, MODEL);
    assert.equal(message.usage.output_tokens, Math.ceil(text.length / 4));
    assert.match(stream.request_id ?? '', /^req_01/);

    const request = only(server);
    assert.equal((request.body as { stream: boolean }).stream, true);
    assert.equal(request.headers['x-stainless-helper-method'], 'stream');
    assert.deepEqual([request.status, request.deltas, request.completed], [200, 9, true]);
  });

  test('the stream carries the API\'s events in order, with pings, as server-sent events', async (t) => {
    const { server } = await serve(t);
    server.enqueue({ kind: 'text', text: 'a'.repeat(100), chunkSize: 10 });
    const response = await fetch(`${server.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': server.apiKey, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify({ ...ask('Hi'), stream: true }),
    });
    assert.equal(response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    assert.match(response.headers.get('request-id') ?? '', /^req_01/);
    const names = eventNames(await response.text());
    const deltas = names.filter((n) => n === 'content_block_delta').length;
    assert.equal(deltas, 10);
    assert.deepEqual(
      names.filter((n) => n !== 'content_block_delta' && n !== 'ping'),
      ['message_start', 'content_block_start', 'content_block_stop', 'message_delta', 'message_stop'],
    );
    assert.equal(names[2], 'ping');
    assert.ok(names.filter((n) => n === 'ping').length >= 3);
  });

  test('respondWith answers by the request once the queue is empty; queued replies come first', async (t) => {
    const { server, client } = await serve(t);
    server.enqueue({ kind: 'text', text: 'queued' });
    server.respondWith((body) => ({ kind: 'text', text: `echo: ${promptText(body)}` }));
    const first = await client.messages.create(ask('one'));
    const second = await client.messages.create({
      ...ask('ignored'),
      messages: [
        { role: 'user', content: 'ignored' },
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: [{ type: 'text', text: 'two' }] },
      ],
    });
    assert.deepEqual([first.content[0], second.content[0]].map((b) => (b.type === 'text' ? b.text : b.type)), ['queued', 'echo: two']);
  });

  test('with nothing scripted the answer is a 500 that names the gap, and the SDK is told not to retry it', async (t) => {
    const { server, client } = await serve(t, {}, { maxRetries: 2 });
    const error = await rejection(client.messages.create(ask('Anyone?')));
    assert.ok(error instanceof InternalServerError);
    assert.equal(error.status, 500);
    assert.match(error.message, /No reply was scripted for POST \/v1\/messages \(request 1\)/);
    assert.equal(error.headers.get('x-should-retry'), 'false');
    assert.equal(server.requests.length, 1);
  });

  test('a stop_sequence answer names the request\'s stop sequence', async (t) => {
    const { server, client } = await serve(t);
    server.enqueue({ kind: 'text', text: 'Task 1', stopReason: 'stop_sequence' });
    const message = await client.messages.create({ ...ask('List'), stop_sequences: ['\n\n'] });
    assert.deepEqual([message.stop_reason, message.stop_sequence], ['stop_sequence', '\n\n']);
  });

  test('a refusal stops with reason refusal and its stop_details, whole or streamed', async (t) => {
    const { server, client } = await serve(t);
    server.enqueue({ kind: 'refusal' }, { kind: 'refusal', text: 'I can', category: 'cyber' });
    const whole = await client.messages.create(ask('Something harmful'));
    assert.equal(whole.stop_reason, 'refusal');
    assert.deepEqual(whole.content, []);
    assert.deepEqual(whole.stop_details, { type: 'refusal', category: null, explanation: null });
    const streamed = await client.messages.stream(ask('Something harmful')).finalMessage();
    assert.equal(streamed.stop_reason, 'refusal');
    assert.deepEqual(streamed.stop_details, { type: 'refusal', category: 'cyber', explanation: null });
    assert.deepEqual(streamed.content, [{ type: 'text', text: 'I can', citations: null }]);
  });

  test('count_tokens answers an estimate of the input', async (t) => {
    const { client } = await serve(t);
    const { input_tokens } = await client.messages.countTokens({ model: MODEL, messages: [{ role: 'user', content: 'x'.repeat(40) }] });
    assert.equal(input_tokens, 10);
  });
});

describe('structured output', () => {
  const schema = { type: 'object', properties: { epics: { type: 'array', items: { type: 'string' } } }, required: ['epics'], additionalProperties: false };
  const structured = { ...ask('Name the epics.'), output_config: { format: { type: 'json_schema' as const, schema } } };

  test('a json reply is the value as JSON text, which parse() reads back; the format is recorded', async (t) => {
    const { server, client } = await serve(t);
    const value = { epics: ['Sync', 'Reports'] };
    server.enqueue({ kind: 'json', value }, { kind: 'json', value, chunkSize: 3 });
    const parsed = await client.messages.parse(structured);
    assert.deepEqual(parsed.parsed_output, value);
    assert.deepEqual((server.requests[0].body as typeof structured).output_config, structured.output_config);
    // A format with its own parse(), as the SDK's schema helpers make, is parsed from the stream too; the function stays home.
    const parseable = { type: 'json_schema' as const, schema, parse: (text: string) => JSON.parse(text) as typeof value };
    const streamed = await client.messages.stream({ ...structured, output_config: { format: parseable } }).finalMessage();
    assert.deepEqual(streamed.parsed_output, value);
    assert.deepEqual((server.requests[1].body as typeof structured).output_config, structured.output_config);
  });

  test('max_tokens with truncated JSON comes back as sent, and parse() refuses it', async (t) => {
    const { server, client } = await serve(t);
    const raw = '{"epics": ["Sync", "Rep';
    server.enqueue({ kind: 'json', raw, stopReason: 'max_tokens' }, { kind: 'json', raw, stopReason: 'max_tokens' });
    const message = await client.messages.create(structured);
    assert.equal(message.stop_reason, 'max_tokens');
    assert.deepEqual(message.content, [{ type: 'text', text: raw, citations: null }]);
    const error = await rejection(client.messages.parse(structured));
    assert.ok(error instanceof AnthropicError);
    assert.match(error.message, /Failed to parse structured output/);
  });

  test('a format that is not a json_schema with an object schema is a 400 naming the field', async (t) => {
    const { server, client } = await serve(t);
    server.enqueue({ kind: 'json', value: {} });
    const wrongType = await rejection(client.messages.create({ ...ask('x'), output_config: { format: { type: 'json', schema } } } as never));
    assert.ok(wrongType instanceof BadRequestError);
    assert.match(wrongType.message, /output_config\.format\.type/);
    const noSchema = await rejection(client.messages.create({ ...ask('x'), output_config: { format: { type: 'json_schema' } } } as never));
    assert.ok(noSchema instanceof BadRequestError);
    assert.equal(noSchema.apiMessage, 'output_config.format.schema: Field required');
    assert.equal(server.remaining(), 1);
  });
});

describe('request checks', () => {
  test('a wrong key is a 401 authentication_error; x-api-key and an auth token are accepted too', async (t) => {
    const { server } = await serve(t, { apiKey: 'sk-ant-right', authToken: 'oauth-token' });
    server.respondWith(() => ({ kind: 'text', text: 'ok' }));
    const wrong = new Anthropic({ apiKey: 'sk-ant-wrong', baseURL: server.url, maxRetries: 0 });
    const error = await rejection(wrong.messages.create(ask('Hi')));
    assert.ok(error instanceof AuthenticationError);
    assert.equal(error.type, 'authentication_error');
    assert.match(error.requestID ?? '', /^req_01/);

    const byToken = new Anthropic({ authToken: 'oauth-token', baseURL: server.url, maxRetries: 0 });
    assert.equal((await byToken.messages.create(ask('Hi'))).stop_reason, 'end_turn');
    const byHeader = new Anthropic({
      apiKey: null,
      authToken: null,
      baseURL: server.url,
      maxRetries: 0,
      defaultHeaders: { 'x-api-key': 'sk-ant-right', authorization: null },
    });
    assert.equal((await byHeader.models.list()).data.length, 3);
    assert.equal(server.requests.at(-1)?.headers['x-api-key'], 'sk-ant-right');

    const anonymous = await fetch(`${server.url}/v1/models`, { headers: { 'anthropic-version': '2023-06-01' } });
    assert.equal(anonymous.status, 401);
    assert.deepEqual(((await anonymous.json()) as { error: unknown }).error, { type: 'authentication_error', message: 'x-api-key header is required' });
  });

  test('without anthropic-version the answer is a 400, with a request-id like every answer', async (t) => {
    const { server } = await serve(t);
    const response = await fetch(`${server.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': server.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify(ask('Hi')),
    });
    assert.equal(response.status, 400);
    const requestId = response.headers.get('request-id');
    assert.match(requestId ?? '', /^req_01/);
    assert.deepEqual(await response.json(), {
      type: 'error',
      error: { type: 'invalid_request_error', message: 'anthropic-version: header is required' },
      request_id: requestId,
    });
  });

  test('a body without model, a positive whole max_tokens or messages is a 400 naming the field; none takes a reply', async (t) => {
    const { server, client } = await serve(t);
    server.enqueue({ kind: 'text', text: 'kept' });
    const cases: Array<[unknown, string]> = [
      [{ max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }, 'model: Field required'],
      [{ model: MODEL, messages: [{ role: 'user', content: 'x' }] }, 'max_tokens: Field required'],
      [{ model: MODEL, max_tokens: 0, messages: [{ role: 'user', content: 'x' }] }, 'max_tokens: Input should be greater than or equal to 1'],
      [{ model: MODEL, max_tokens: 1.5, messages: [{ role: 'user', content: 'x' }] }, 'max_tokens: Input should be a valid integer'],
      [{ model: MODEL, max_tokens: 10 }, 'messages: Field required'],
      [{ model: MODEL, max_tokens: 10, messages: [] }, 'messages: at least one message is required'],
      [{ model: MODEL, max_tokens: 10, messages: [{ role: 'robot', content: 'x' }] }, "messages.0.role: Input should be 'user', 'assistant' or 'system'"],
    ];
    for (const [body, message] of cases) {
      const error = await rejection(client.messages.create(body as never));
      assert.ok(error instanceof BadRequestError, message);
      assert.equal(error.apiMessage, message);
    }
    const notJson = await fetch(`${server.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': server.apiKey, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: '{"model": ',
    });
    assert.equal(notJson.status, 400);
    assert.equal(server.requests.at(-1)?.body, '{"model": ');
    assert.equal(server.remaining(), 1);
    assert.equal((await client.messages.create(ask('x'))).content[0].type, 'text');
  });

  test('an unknown path is a 404 not_found_error', async (t) => {
    const { client } = await serve(t);
    const error = await rejection(client.get('/v1/nowhere'));
    assert.ok(error instanceof NotFoundError);
    assert.equal(error.type, 'not_found_error');
  });

  test('a reply that could not be answered is refused when it is scripted', async (t) => {
    const { server } = await serve(t);
    assert.throws(() => server.enqueue({ kind: 'cut', text: 'x', afterChunks: -1 }), /afterChunks must be an integer/);
    assert.throws(() => server.enqueue({ kind: 'error', status: 418 as never }), /status must be one of/);
    assert.throws(() => server.enqueue({ kind: 'json' }), /give value or raw/);
    assert.equal(server.remaining(), 0);
  });
});

describe('errors and retries', () => {
  const statuses: Array<[ScriptedErrorStatus, string, new (...args: never[]) => APIError]> = [
    [400, 'invalid_request_error', BadRequestError],
    [401, 'authentication_error', AuthenticationError],
    [403, 'permission_error', PermissionDeniedError],
    [404, 'not_found_error', NotFoundError],
    [413, 'request_too_large', ContentTooLargeError],
    [429, 'rate_limit_error', RateLimitError],
    [500, 'api_error', InternalServerError],
    [529, 'overloaded_error', OverloadedError],
  ];

  test('each error status is the API\'s error document, which the SDK maps to its own class', async (t) => {
    const { server, client } = await serve(t);
    for (const [status, type, errorClass] of statuses) {
      server.enqueue({ kind: 'error', status, message: `scripted ${status}` });
      const error = await rejection(client.messages.create(ask('Hi')));
      assert.ok(error instanceof errorClass, `${status} is a ${errorClass.name}`);
      assert.equal(error.status, status);
      assert.equal(error.type, type);
      assert.equal(error.apiMessage, `scripted ${status}`);
      assert.match(error.requestID ?? '', /^req_01/);
      assert.deepEqual(error.error, { type: 'error', error: { type, message: `scripted ${status}` }, request_id: error.requestID });
    }
    assert.equal(server.requests.length, statuses.length);
  });

  test('a 429 with retry-after is retried by the SDK after that wait, and each attempt is recorded', async (t) => {
    const { server, client } = await serve(t, {}, { maxRetries: 2 });
    server.enqueue({ kind: 'error', status: 429, retryAfter: 0.02 }, { kind: 'text', text: 'Done.' });
    const message = await client.messages.create(ask('Hi'));
    assert.deepEqual(message.content, [{ type: 'text', text: 'Done.', citations: null }]);
    assert.deepEqual(server.requests.map((r) => r.status), [429, 200]);
    assert.deepEqual(server.requests.map((r) => r.headers['x-stainless-retry-count']), ['0', '1']);
    assert.ok(server.requests[1].time - server.requests[0].time >= 15);
  });

  test('529 overloaded is retried until the SDK runs out of retries, then thrown as OverloadedError', async (t) => {
    const { server, client } = await serve(t, {}, { maxRetries: 1 });
    server.enqueue({ kind: 'error', status: 529, retryAfter: 0.01 }, { kind: 'error', status: 529, retryAfter: 0.01 }, { kind: 'text', text: 'late' });
    const error = await rejection(client.messages.create(ask('Hi')));
    assert.ok(error instanceof OverloadedError);
    assert.equal(error.apiMessage, 'Overloaded');
    assert.equal(server.requests.length, 2);
    assert.equal(server.remaining(), 1);
  });

  test('x-should-retry overrides the status: false stops a 500 being retried, true retries a 400', async (t) => {
    const { server, client } = await serve(t, {}, { maxRetries: 2 });
    server.enqueue({ kind: 'error', status: 500, shouldRetry: false });
    assert.ok((await rejection(client.messages.create(ask('Hi')))) instanceof InternalServerError);
    assert.equal(server.requests.length, 1);
    server.enqueue({ kind: 'error', status: 400, shouldRetry: true, retryAfter: 0.01 }, { kind: 'text', text: 'ok' });
    assert.equal((await client.messages.create(ask('Hi'))).stop_reason, 'end_turn');
    assert.equal(server.requests.length, 3);
  });

  test('a streamed request that meets a 529 first is retried and then streams', async (t) => {
    const { server, client } = await serve(t, {}, { maxRetries: 1 });
    server.enqueue({ kind: 'error', status: 529, retryAfter: 0.01 }, { kind: 'text', text: 'Streamed after all.' });
    assert.equal(await client.messages.stream(ask('Hi')).finalText(), 'Streamed after all.');
    assert.deepEqual(server.requests.map((r) => r.status), [529, 200]);
  });
});

describe('broken and slow answers', () => {
  test('an error event mid-stream makes the SDK throw, after the text that came before it', async (t) => {
    const { server, client } = await serve(t);
    server.enqueue({ kind: 'stream-error', text: 'abcdefghijkl', afterChunks: 2, chunkSize: 3 });
    const stream = client.messages.stream(ask('Hi'));
    const chunks: string[] = [];
    stream.on('text', (delta) => chunks.push(delta));
    const error = await rejection(stream.finalMessage());
    assert.ok(error instanceof APIError);
    assert.equal(error.status, undefined);
    assert.equal(error.type, 'overloaded_error');
    assert.equal(error.apiMessage, 'Overloaded');
    assert.deepEqual(chunks, ['abc', 'def']);
    const request = only(server);
    assert.deepEqual([request.deltas, request.completed, request.aborted], [2, true, false]);
  });

  test('a stream error of another type carries it; without streaming it is the status of that type', async (t) => {
    const { server, client } = await serve(t);
    server.enqueue(
      { kind: 'stream-error', text: 'abc', afterChunks: 0, errorType: 'api_error', message: 'Internal server error' },
      { kind: 'stream-error', text: 'abc', afterChunks: 0 },
    );
    const streamed = await rejection(client.messages.stream(ask('Hi')).done());
    assert.ok(streamed instanceof APIError);
    assert.deepEqual([streamed.type, streamed.apiMessage], ['api_error', 'Internal server error']);
    assert.ok((await rejection(client.messages.create(ask('Hi')))) instanceof OverloadedError);
  });

  test('a cut stream ends before message_stop, and the SDK rejects', async (t) => {
    const { server, client } = await serve(t);
    server.enqueue({ kind: 'cut', text: 'abcdefghijkl', afterChunks: 2, chunkSize: 3 });
    const stream = client.messages.stream(ask('Hi'));
    const chunks: string[] = [];
    stream.on('text', (delta) => chunks.push(delta));
    const error = await rejection(stream.finalMessage());
    assert.ok(error instanceof AnthropicError);
    assert.ok(!(error instanceof APIError));
    assert.equal(error.message, 'terminated');
    assert.deepEqual(chunks, ['abc', 'def']);
    await server.idle();
    const request = only(server);
    assert.deepEqual([request.status, request.deltas, request.completed, request.aborted], [200, 2, false, false]);
  });

  test('a cut answer that is not streamed is a rejected call too, with undici\'s own error', async (t) => {
    const { server, client } = await serve(t);
    server.enqueue({ kind: 'cut', text: 'Half of this goes missing.', afterChunks: 0 });
    const error = await rejection(client.messages.create(ask('Hi')));
    // The SDK passes on a failure to read the body of a response it has begun, unwrapped.
    assert.ok(error instanceof TypeError);
    assert.equal(error.message, 'terminated');
    assert.deepEqual([only(server).status, only(server).completed], [200, false]);
  });

  test('a hang runs into the SDK\'s timeout, and the server records that the client gave up', async (t) => {
    const { server, client } = await serve(t, {}, { timeout: 100 });
    server.enqueue({ kind: 'hang' });
    const started = Date.now();
    const error = await rejection(client.messages.create(ask('Hi')));
    assert.ok(error instanceof APIConnectionTimeoutError);
    assert.ok(Date.now() - started < 900);
    await server.idle();
    const request = only(server);
    assert.deepEqual([request.status, request.reply, request.completed, request.aborted], [undefined, 'hang', false, true]);
  });

  test('close() drops a hanging request promptly, without calling it an abort', async (t) => {
    const { server, client } = await serve(t);
    server.enqueue({ kind: 'hang' });
    const call = rejection(client.messages.create(ask('Hi')));
    await until(() => server.requests[0]?.reply === 'hang');
    const started = Date.now();
    await server.close();
    assert.ok(Date.now() - started < 200);
    assert.ok((await call) instanceof APIConnectionError);
    assert.equal(server.requests[0].aborted, false);
  });

  test('a drip cancelled with an AbortController stops the stream midway, and the server stops writing', async (t) => {
    const { server, client } = await serve(t);
    const text = 'x'.repeat(200);
    server.enqueue({ kind: 'drip', text, intervalMs: 15, chunkSize: 4 });
    const controller = new AbortController();
    const stream = client.messages.stream(ask('Write slowly.'), { signal: controller.signal });
    const chunks: string[] = [];
    stream.on('text', (delta) => {
      chunks.push(delta);
      if (chunks.length === 2) controller.abort();
    });
    const error = await rejection(stream.done());
    assert.ok(error instanceof APIUserAbortError);
    assert.equal(stream.aborted, true);
    await server.idle();
    const request = only(server);
    assert.deepEqual([request.status, request.completed, request.aborted], [200, false, true]);
    const written = request.deltas;
    assert.ok(written >= 2 && written < 10, `wrote ${written} deltas`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(request.deltas, written);
  });

  test('a drip left alone streams the whole text, one small chunk at a time', async (t) => {
    const { server, client } = await serve(t);
    server.enqueue({ kind: 'drip', text: 'slow and steady', intervalMs: 2 }, { kind: 'drip', text: 'slow and steady', intervalMs: 2 });
    const chunks: string[] = [];
    const message = await client.messages.stream(ask('Hi')).on('text', (delta) => chunks.push(delta)).finalMessage();
    assert.deepEqual(chunks, ['slow', ' and', ' ste', 'ady']);
    assert.equal(message.content[0].type === 'text' && message.content[0].text, 'slow and steady');
    const whole = await client.messages.create(ask('Hi'));
    assert.equal(whole.content[0].type === 'text' && whole.content[0].text, 'slow and steady');
  });
});

describe('models', () => {
  const models = ['a', 'b', 'c', 'd', 'e'].map((letter) => ({ id: `claude-test-${letter}`, display_name: `Claude Test ${letter.toUpperCase()}` }));

  test('models.list pages with has_more, first_id and last_id, and the SDK follows after_id to the end', async (t) => {
    const { server, client } = await serve(t, { models });
    const page = await client.models.list({ limit: 2 });
    assert.deepEqual(page.data.map((m) => m.id), ['claude-test-a', 'claude-test-b']);
    assert.deepEqual([page.has_more, page.first_id, page.last_id], [true, 'claude-test-a', 'claude-test-b']);
    assert.equal(page.data[0].type, 'model');
    assert.equal(page.data[0].display_name, 'Claude Test A');
    assert.match(page.data[0].created_at, /^\d{4}-\d{2}-\d{2}T/);

    const ids: string[] = [];
    for await (const model of client.models.list({ limit: 2 })) ids.push(model.id);
    assert.deepEqual(ids, models.map((m) => m.id));
    assert.deepEqual(server.requests.slice(1).map((r) => r.path), [
      '/v1/models?limit=2',
      '/v1/models?limit=2&after_id=claude-test-b',
      '/v1/models?limit=2&after_id=claude-test-d',
    ]);
    const last = await fetch(`${server.url}/v1/models?limit=2&after_id=claude-test-d`, {
      headers: { 'x-api-key': server.apiKey, 'anthropic-version': '2023-06-01' },
    });
    const body = (await last.json()) as { data: Array<{ id: string }>; has_more: boolean; first_id: string; last_id: string };
    assert.deepEqual([body.data.map((m) => m.id), body.has_more, body.first_id, body.last_id], [['claude-test-e'], false, 'claude-test-e', 'claude-test-e']);
  });

  test('before_id pages backwards; a bad limit or cursor is a 400; retrieve finds one model or 404s', async (t) => {
    const { client } = await serve(t, { models });
    const page = await client.models.list({ before_id: 'claude-test-e', limit: 2 });
    assert.deepEqual([page.data.map((m) => m.id), page.has_more], [['claude-test-c', 'claude-test-d'], true]);
    const earlier = await page.getNextPage();
    assert.deepEqual([earlier.data.map((m) => m.id), earlier.has_more], [['claude-test-a', 'claude-test-b'], false]);
    assert.ok((await rejection(client.models.list({ limit: 0 }))) instanceof BadRequestError);
    assert.ok((await rejection(client.models.list({ after_id: 'claude-none' }))) instanceof BadRequestError);
    assert.equal((await client.models.retrieve('claude-test-c')).display_name, 'Claude Test C');
    assert.ok((await rejection(client.models.retrieve('claude-none'))) instanceof NotFoundError);
  });

  test('without models given, three current models are listed', async (t) => {
    const { client } = await serve(t);
    const page = await client.models.list();
    assert.deepEqual(page.data.map((m) => m.id), ['claude-opus-4-6', 'claude-sonnet-4-6', 'claude-haiku-4-5']);
    assert.deepEqual(page.data.map((m) => m.line), ['opus', 'sonnet', 'haiku']);
    assert.equal(page.has_more, false);
  });
});
