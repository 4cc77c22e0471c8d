// Claude through the Anthropic API as the planning commands call it: the real SDK
// against the local server, and what each failure becomes for the user.
import { describe, test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { anthropicModel } from '../../src/services/claude/anthropicModel';
import type { AnthropicModelOptions } from '../../src/services/claude/anthropicModel';
import { ModelError, estimateInputTokens } from '../../src/services/claude/planModel';
import type { ModelErrorKind } from '../../src/services/claude/planModel';
import { promptText, startAnthropicServer } from '../servers/anthropic/server';
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
    assert.ok(answer.usage && answer.usage.inputTokens > 0 && answer.usage.outputTokens > 0);
    assert.equal(answer.usage.cacheReadTokens, 0);
    assert.equal(answer.usage.cacheWriteTokens, 0);
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
    const waits: Array<[number, string]> = [];
    assert.equal((await model.complete(request, { onWait: (ms, reason) => waits.push([ms, reason]) })).text, 'done');
    assert.deepEqual(server.requests.map((r) => r.status), [429, 529, 200]);
    assert.deepEqual(waits, [[10, 'rate limited'], [10, 'overloaded']]);
  });

  test('a 429 asking to wait 1 s is retried after it, and onWait hears of the wait first', async (t) => {
    const { server, model } = await modelOn(t, { maxRetries: 2 });
    server.enqueue({ kind: 'error', status: 429, retryAfter: 1 }, { kind: 'text', text: 'done' });
    const waits: Array<[number, string, number]> = [];
    const started = Date.now();
    const answer = await model.complete(request, { onWait: (ms, reason) => waits.push([ms, reason, Date.now() - started]) });
    assert.equal(answer.text, 'done');
    assert.deepEqual(server.requests.map((r) => r.status), [429, 200]);
    assert.equal(waits.length, 1);
    const [[ms, reason, toldAfter]] = waits;
    assert.ok(Math.abs(ms - 1000) < 50, `about 1000 ms, not ${ms}`);
    assert.equal(reason, 'rate limited');
    assert.ok(server.requests[1].time - server.requests[0].time >= 900, 'the SDK waited as asked');
    assert.ok(toldAfter < server.requests[1].time - started, 'the wait is told before it is waited');
  });

  test('a 429 or 529 asking to wait longer than the cap fails at once, with the wait in its message', async (t) => {
    const { server, model } = await modelOn(t, { maxRetries: 2 });
    const cases: Array<[ScriptedReply, ModelErrorKind, RegExp]> = [
      [{ kind: 'error', status: 429, retryAfter: 3600 }, 'rate-limit', /^The Anthropic API's rate limit was reached: it asks to wait 60 min\. Try again then\.$/],
      [{ kind: 'error', status: 529, retryAfter: 120 }, 'overloaded', /^The Anthropic API is overloaded: it asks to wait 120 s\. Try again then\.$/],
    ];
    for (const [reply, kind, message] of cases) {
      server.enqueue(reply);
      const before = server.requests.length;
      const waits: number[] = [];
      const started = Date.now();
      const error = await failure(model.complete(request, { onWait: (ms) => waits.push(ms) }));
      assert.ok(Date.now() - started < 1000, `failed at once, not after ${Date.now() - started} ms`);
      assert.equal(server.requests.length - before, 1, 'one attempt, no retry');
      assert.equal(error.kind, kind);
      assert.match(error.message, message);
      assert.equal(error.retryable, true);
      assert.deepEqual(waits, []);
    }
  });

  test('the cap is an option: under it the SDK waits, over it the call fails at once', async (t) => {
    const { server, model } = await modelOn(t, { maxRetries: 2, maxRetryWaitMs: 200 });
    server.enqueue({ kind: 'error', status: 429, retryAfter: 0.1 }, { kind: 'text', text: 'done' }, { kind: 'error', status: 429, retryAfter: 1 });
    assert.equal((await model.complete(request)).text, 'done');
    const error = await failure(model.complete(request));
    assert.match(error.message, /asks to wait 1 s/);
    assert.deepEqual(server.requests.map((r) => r.status), [429, 200, 429]);
  });

  test('calls side by side each hear only of their own retries', async (t) => {
    const { server, model } = await modelOn(t, { maxRetries: 2 });
    const seen = new Map<string, number>();
    server.respondWith((body) => {
      const prompt = promptText(body);
      const count = (seen.get(prompt) ?? 0) + 1;
      seen.set(prompt, count);
      if (prompt === 'slow' && count === 1) return { kind: 'error', status: 429, retryAfter: 0.2 };
      return { kind: 'drip', text: `answer to ${prompt}`, intervalMs: 5 };
    });
    const waits = { slow: [] as string[], quick: [] as string[] };
    const [slow, quick] = await Promise.all([
      model.complete({ ...request, prompt: 'slow' }, { onWait: (_ms, reason) => waits.slow.push(reason) }),
      model.complete({ ...request, prompt: 'quick' }, { onWait: (_ms, reason) => waits.quick.push(reason) }),
    ]);
    assert.equal(slow.text, 'answer to slow');
    assert.equal(quick.text, 'answer to quick');
    assert.deepEqual(waits, { slow: ['rate limited'], quick: [] });
  });

  test('a context goes before the prompt, marked for the prompt cache with the system prompt, and the next call over it reads the cache', async (t) => {
    const { server, model } = await modelOn(t);
    const prd = '# PRD: Calendar\n\n' + 'Teams lose track of who is out. '.repeat(200);
    server.enqueue({ kind: 'text', text: 'epics' }, { kind: 'text', text: 'tasks' });
    const first = await model.complete({ ...request, context: prd, prompt: 'Split it into epics.' });
    const second = await model.complete({ ...request, context: prd, prompt: 'Now the tasks.' });
    const body = server.requests[0].body as Record<string, unknown>;
    assert.deepEqual(body.system, [{ type: 'text', text: 'You write PRDs.', cache_control: { type: 'ephemeral' } }]);
    assert.deepEqual(body.messages, [
      {
        role: 'user',
        content: [
          { type: 'text', text: prd, cache_control: { type: 'ephemeral' } },
          { type: 'text', text: 'Split it into epics.' },
        ],
      },
    ]);
    const prdTokens = Math.ceil(('You write PRDs.'.length + prd.length) / 4);
    assert.equal(first.text, 'epics');
    assert.deepEqual(first.usage && [first.usage.cacheReadTokens, first.usage.cacheWriteTokens], [0, prdTokens]);
    assert.deepEqual(second.usage && [second.usage.cacheReadTokens, second.usage.cacheWriteTokens], [prdTokens, 0]);
    assert.ok(second.usage && second.usage.inputTokens > 0 && second.usage.inputTokens < 10, 'only the new prompt is plain input');
  });

  test('the log names the model, the sizes, the stop reason, the usage and each wait, and never the key, the prompt or the answer', async (t) => {
    const lines: string[] = [];
    const { server, model } = await modelOn(t, { maxRetries: 2, log: (line) => lines.push(line) });
    const context = 'CONTEXT-TEXT '.repeat(40);
    server.enqueue(
      { kind: 'error', status: 429, retryAfter: 0.01 },
      { kind: 'text', text: 'ANSWER-TEXT' },
      { kind: 'error', status: 529, retryAfter: 3600 },
      { kind: 'error', status: 401 },
    );
    const call = { ...request, context, prompt: 'PROMPT-TEXT', system: 'SYSTEM-TEXT' };
    await model.complete(call);
    await failure(model.complete(call));
    await failure(model.complete(call));
    const all = lines.join('\n');
    for (const secret of [KEY, 'CONTEXT-TEXT', 'PROMPT-TEXT', 'SYSTEM-TEXT', 'ANSWER-TEXT']) assert.ok(!all.includes(secret), `the log holds no ${secret}`);
    assert.match(lines[0], /^\[Claude\] request to claude-sonnet-5-5 at http:\/\/127\.0\.0\.1:\d+: at most 4000 output tokens, about 136 input tokens, the context marked for the prompt cache$/);
    assert.equal(estimateInputTokens(call), Math.ceil(('SYSTEM-TEXT'.length + context.length + 'PROMPT-TEXT'.length) / 4));
    assert.equal(estimateInputTokens(call), 136);
    assert.match(all, /rate limited: retrying in 10 ms/);
    assert.match(all, /answered by claude-sonnet-5-5 in \d+ ms: stop reason end_turn; tokens: \d+ input, 0 read from the cache, \d+ written to it, \d+ output/);
    assert.match(all, /overloaded: the API asks to wait 60 min, longer than the 30 s allowed, so no retry/);
    assert.match(all, /failed after \d+ ms: overloaded \(529\), request-id req_01/);
    assert.match(all, /failed after \d+ ms: auth \(401\)/);
  });

  test('estimateInputTokens counts four characters a token over the system prompt, the context and the prompt', () => {
    assert.equal(estimateInputTokens({ system: 'abcd', prompt: 'e', maxTokens: 1 }), 2);
    assert.equal(estimateInputTokens({ system: 'abcd', context: 'efgh', prompt: 'ijkl', maxTokens: 1 }), 3);
    assert.equal(estimateInputTokens({ system: '', prompt: '', maxTokens: 1 }), 0);
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
