// Claude through the Anthropic API as the planning commands call it: the real SDK
// against the local server, and what each failure becomes for the user.
import { describe, test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { anthropicModel } from '../../src/services/claude/anthropicModel';
import type { AnthropicModelOptions } from '../../src/services/claude/anthropicModel';
import { ModelError } from '../../src/services/claude/planModel';
import type { ModelErrorKind } from '../../src/services/claude/planModel';
import { startAnthropicServer } from '../servers/anthropic/server';
import type { AnthropicServer, ScriptedReply } from '../servers/anthropic/server';

const KEY = 'sk-ant-secret-0123456789';

async function modelOn(t: TestContext, options: Partial<AnthropicModelOptions> = {}): Promise<{ server: AnthropicServer; model: ReturnType<typeof anthropicModel> }> {
  const server = await startAnthropicServer({ apiKey: KEY });
  t.after(() => server.close());
  return { server, model: anthropicModel({ apiKey: KEY, model: 'claude-sonnet-5-5', baseURL: server.url, maxRetries: 0, timeoutMs: 5000, version: '9.9.9', ...options }) };
}

async function failure(promise: Promise<unknown>): Promise<ModelError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ModelError, `a ModelError, not ${String(error)}`);
    assert.ok(!error.message.includes(KEY), 'the key is never in a message');
    return error;
  }
  assert.fail('expected the call to fail');
}

const request = { system: 'You write PRDs.', prompt: 'The idea: a calendar', maxTokens: 4000 };

describe('Claude through the Anthropic API', () => {
  test('the answer streams: every piece reaches onText, in order, and they make the whole text', async (t) => {
    const { server, model } = await modelOn(t);
    server.enqueue({ kind: 'text', text: '## Problem Statement\n\nTeams lose track of who is out.\n', chunkSize: 5 });
    const pieces: string[] = [];
    const answer = await model.complete(request, { onText: (d) => pieces.push(d) });
    assert.equal(answer.text, '## Problem Statement\n\nTeams lose track of who is out.\n');
    assert.equal(pieces.join(''), answer.text);
    assert.ok(pieces.length > 3);
    assert.equal(answer.stopReason, 'end_turn');
    assert.equal(answer.model, 'claude-sonnet-5-5');
    const [sent] = server.requests;
    const body = sent.body as Record<string, unknown>;
    assert.equal(body.stream, true);
    assert.equal(body.model, 'claude-sonnet-5-5');
    assert.equal(body.max_tokens, 4000);
    assert.equal(body.system, 'You write PRDs.');
    assert.deepEqual(body.messages, [{ role: 'user', content: 'The idea: a calendar' }]);
    assert.equal(body.output_config, undefined);
    assert.equal(sent.headers['x-app'], 'autopm/9.9.9');
    assert.ok(sent.headers['anthropic-version']);
  });

  test('a schema is asked for as structured output, never as a forced tool call', async (t) => {
    const { server, model } = await modelOn(t);
    const schema = { type: 'object', additionalProperties: false, required: ['a'], properties: { a: { type: 'string' } } };
    server.enqueue({ kind: 'json', value: { a: 'b' } });
    const answer = await model.complete({ ...request, schema });
    assert.deepEqual(JSON.parse(answer.text), { a: 'b' });
    const body = server.requests[0].body as Record<string, unknown>;
    assert.deepEqual(body.output_config, { format: { type: 'json_schema', schema } });
    assert.equal(body.tools, undefined);
    assert.equal(body.tool_choice, undefined);
  });

  test('the stop reason comes back as the API gave it: a cut-off JSON answer says max_tokens', async (t) => {
    const { server, model } = await modelOn(t);
    server.enqueue({ kind: 'json', raw: '{"title": "Cal', stopReason: 'max_tokens' }, { kind: 'refusal', text: 'I cannot help with that.' });
    assert.deepEqual(await model.complete(request).then((a) => [a.text, a.stopReason]), ['{"title": "Cal', 'max_tokens']);
    assert.equal((await model.complete(request)).stopReason, 'refusal');
  });

  test('each failure becomes a message a user can act on, of the right kind, and says whether a retry may help', async (t) => {
    const { server, model } = await modelOn(t);
    const cases: Array<[ScriptedReply, ModelErrorKind, RegExp, boolean]> = [
      [{ kind: 'error', status: 401 }, 'auth', /did not accept the key .*Set Anthropic API Key/, false],
      [{ kind: 'error', status: 403 }, 'permission', /refused the request/, false],
      [{ kind: 'error', status: 404, message: 'model: claude-nope' }, 'not-found', /claude-nope.*autopm\.claude\.model/, false],
      [{ kind: 'error', status: 400, message: 'max_tokens: too large' }, 'invalid-request', /\(400\): max_tokens: too large/, false],
      [{ kind: 'error', status: 413 }, 'too-large', /too large/, false],
      [{ kind: 'error', status: 429 }, 'rate-limit', /rate limit/, true],
      [{ kind: 'error', status: 529 }, 'overloaded', /overloaded/, true],
      [{ kind: 'error', status: 500 }, 'server', /failed \(500\)/, true],
      [{ kind: 'stream-error', text: 'abc', afterChunks: 1 }, 'overloaded', /overloaded/, true],
      [{ kind: 'stream-error', text: 'abc', afterChunks: 1, errorType: 'api_error', message: 'Internal error' }, 'interrupted', /broke off: Internal error/, true],
      [{ kind: 'cut', text: 'abcdefghij', afterChunks: 2 }, 'interrupted', /broke off before it was complete/, true],
    ];
    for (const [reply, kind, message, retryable] of cases) {
      server.enqueue(reply);
      const error = await failure(model.complete(request));
      assert.equal(error.kind, kind, `${reply.kind} ${'status' in reply ? reply.status : ''}: ${error.message}`);
      assert.match(error.message, message);
      assert.equal(error.retryable, retryable);
    }
  });

  test('a 429 with retry-after is retried by the SDK and then succeeds', async (t) => {
    const { server, model } = await modelOn(t, { maxRetries: 2 });
    server.enqueue({ kind: 'error', status: 429, retryAfter: 0.01 }, { kind: 'error', status: 529, retryAfter: 0.01 }, { kind: 'text', text: 'done' });
    assert.equal((await model.complete(request)).text, 'done');
    assert.deepEqual(server.requests.map((r) => r.status), [429, 529, 200]);
  });

  test('cancelling midway stops the stream: the SDK hangs up, and the call ends as cancelled', async (t) => {
    const { server, model } = await modelOn(t);
    server.enqueue({ kind: 'drip', text: 'x'.repeat(400), intervalMs: 10 });
    const controller = new AbortController();
    const pieces: string[] = [];
    const call = model.complete(request, { signal: controller.signal, onText: (d) => {
      pieces.push(d);
      if (pieces.length === 3) controller.abort();
    } });
    const error = await failure(call);
    assert.equal(error.kind, 'cancelled');
    await server.idle();
    assert.equal(server.requests[0].aborted, true);
    assert.ok(pieces.join('').length < 400);
    // Already cancelled: nothing is sent.
    await failure(model.complete(request, { signal: controller.signal }));
    assert.equal(server.requests.length, 1);
  });

  test('a server that never answers ends in a timeout, not a hang', async (t) => {
    const { server, model } = await modelOn(t, { timeoutMs: 150 });
    server.enqueue({ kind: 'hang' });
    const error = await failure(model.complete(request));
    assert.equal(error.kind, 'timeout');
  });

  test('a server that is not there is a network failure that names the problem', async (t) => {
    const { server } = await modelOn(t);
    const url = server.url;
    await server.close();
    const model = anthropicModel({ apiKey: KEY, model: 'm', baseURL: url, maxRetries: 0, timeoutMs: 2000 });
    const error = await failure(model.complete(request));
    assert.equal(error.kind, 'network');
    assert.match(error.message, /^Could not reach the Anthropic API/);
  });
});
