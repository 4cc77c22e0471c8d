// "Decompose PRD into Epic" on Node, as the command line runs it: the real SDK against the
// local Anthropic server, the example workspace copied to a temporary folder, and the
// files on disk after each way the run can end.
import { describe, test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DECOMPOSITION_SCHEMA } from '../../src/core/decompose/planSchema';
import { PlanIndex } from '../../src/core/planIndex';
import { emptySyncState, serializeSyncState } from '../../src/core/sync/syncState';
import { anthropicModel } from '../../src/services/claude/anthropicModel';
import type { DecomposeOptions } from '../../src/services/claude/decomposeEngine';
import { decomposePrd, nodeDecomposeWorkspace } from '../../src/services/claude/decomposeEngine';
import { NodePlanFileSystem } from '../../src/services/nodePlanFileSystem';
import { promptText, startAnthropicServer } from '../servers/anthropic/server';
import type { AnthropicServer } from '../servers/anthropic/server';
import { examplesDir, filesOf } from './helpers';

const KEY = 'sk-ant-decompose-0123456789';
const PRD = 'prds/prd-001-link-shortener.md';
const NOW = '2026-05-04T09:30:00Z';

type Raw = Record<string, unknown>;
const task = (key: string, extra: Raw = {}): Raw => ({ key, title: `Task ${key}`, group: '', description: '', acceptanceCriteria: [], estimateHours: 2, agent: '', dependsOn: [], parallel: true, ...extra });

export const PLAN = {
  title: 'Link shortener',
  overview: 'Short links we own, retarget and measure.',
  tasks: [
    task('T1', { title: 'Scaffold the service', group: 'Foundation', description: 'Project layout, lint, test runner.', acceptanceCriteria: ['`npm test` runs'], estimateHours: 2, agent: 'node-backend-engineer' }),
    task('T2', { title: 'Link table and slugs', group: 'Redirects', estimateHours: 3.5, dependsOn: ['T1'], parallel: false }),
    task('T3', { title: 'Redirect endpoint', group: 'Redirects', acceptanceCriteria: ['301 for known slugs'], estimateHours: 1, dependsOn: ['T2'] }),
  ],
  milestones: [{ id: 'M1', title: 'Redirects work', when: 'Day 3', tasks: ['T3'] }],
};

interface Setup {
  readonly dir: string;
  readonly server: AnthropicServer;
  readonly index: PlanIndex;
  run(extra?: Partial<DecomposeOptions>): ReturnType<typeof decomposePrd>;
}

async function setup(t: TestContext): Promise<Setup> {
  const dir = mkdtempSync(join(tmpdir(), 'autopm-decompose-'));
  // The example's single-file half: its directory-layout epic would make the layouts a tie.
  cpSync(examplesDir, dir, { recursive: true, filter: (source) => !source.includes('.claude') });
  const server = await startAnthropicServer({ apiKey: KEY });
  t.after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const index = new PlanIndex(new NodePlanFileSystem(dir));
  await index.build();
  const model = anthropicModel({ apiKey: KEY, model: 'claude-sonnet-5-5', baseURL: server.url, maxRetries: 0, timeoutMs: 5000 });
  return {
    dir,
    server,
    index,
    run: (extra = {}) =>
      decomposePrd({ model, workspace: nodeDecomposeWorkspace(dir, index), prdPath: PRD, maxTokens: 8000, maxTasks: 20, now: () => NOW, ...extra }),
  };
}

describe('decomposing a PRD into an epic', () => {
  test('a valid plan is written as the next epic, the PRD links to it, and it reads back as planned', async (t) => {
    const { dir, server, index, run } = await setup(t);
    const prdBefore = readFileSync(join(dir, PRD), 'utf8');
    server.enqueue({ kind: 'json', value: PLAN, chunkSize: 40 });
    let streamed = '';
    const result = await run({ onText: (d) => (streamed += d) });
    assert.equal(result.outcome, 'done', result.message);
    assert.equal(result.epicId, 'epic-002-link-shortener');
    assert.equal(result.path, 'epics/epic-002-link-shortener.md');
    assert.equal(result.tasks, 3);
    assert.deepEqual(result.files, ['epics/epic-002-link-shortener.md', PRD]);
    assert.equal(result.message, `epic-002-link-shortener written from ${PRD}: 3 tasks, 2 dependencies, in epics/epic-002-link-shortener.md.`);
    assert.deepEqual(JSON.parse(streamed), PLAN);

    const epic = index.epic('epic-002-link-shortener');
    assert.ok(epic);
    assert.deepEqual(epic.tasks.map((t) => [t.id, t.title, [...t.dependsOn]]), [
      ['T1', 'Scaffold the service', []],
      ['T2', 'Link table and slugs', ['T1']],
      ['T3', 'Redirect endpoint', ['T2']],
    ]);
    const prdAfter = readFileSync(join(dir, PRD), 'utf8');
    assert.notEqual(prdAfter, prdBefore);
    assert.ok(prdAfter.includes('epic-002-link-shortener'), 'the PRD names its epic');

    // What the SDK sent: the schema as structured output, the PRD's text, the task limit.
    assert.equal(server.requests.length, 1);
    const body = server.requests[0].body as Record<string, unknown>;
    assert.deepEqual(body.output_config, { format: { type: 'json_schema', schema: DECOMPOSITION_SCHEMA } });
    assert.equal(body.tools, undefined);
    const prompt = promptText(server.requests[0].body as never);
    assert.ok(prompt.includes(prdBefore.trimEnd().split('\n')[0]), 'the PRD is in the request');
    assert.match(prompt, /at most 20 tasks/);
  });

  test('an answer with a cycle writes nothing; the retry sends the problem back and then writes', async (t) => {
    const { dir, server, run } = await setup(t);
    const before = filesOf(dir);
    const cyclic = { ...PLAN, tasks: [task('T1', { dependsOn: ['T2'] }), task('T2', { dependsOn: ['T1'] })], milestones: [] };
    server.enqueue({ kind: 'json', value: cyclic });
    const first = await run();
    assert.equal(first.outcome, 'invalid');
    assert.equal(first.retryable, true);
    assert.equal(first.problems.length, 1, first.problems.join('\n'));
    assert.match(first.problems[0], /T1.*T2.*T1|cycle|circle/i);
    assert.deepEqual(filesOf(dir), before, 'nothing was written');

    server.enqueue({ kind: 'json', value: PLAN });
    const second = await run({ problems: first.problems });
    assert.equal(second.outcome, 'done', second.message);
    const retried = promptText(server.requests[1].body as never);
    assert.ok(retried.includes(first.problems[0]), 'the retry names the problem');
    assert.ok(!promptText(server.requests[0].body as never).includes('could not be used'));
  });

  test('too many tasks, a refusal, and JSON cut off at max tokens are each told, and nothing is written', async (t) => {
    const { dir, server, run } = await setup(t);
    const before = filesOf(dir);
    server.enqueue({ kind: 'json', value: PLAN });
    const tooMany = await run({ maxTasks: 2 });
    assert.equal(tooMany.outcome, 'invalid');
    assert.match(tooMany.problems.join(' '), /3 tasks.*2|at most 2/);

    server.enqueue({ kind: 'refusal', text: 'I cannot help with that.' });
    const refused = await run();
    assert.equal(refused.outcome, 'invalid');
    assert.match(refused.problems[0], /declined/);

    server.enqueue({ kind: 'json', raw: JSON.stringify(PLAN).slice(0, 120), stopReason: 'max_tokens' });
    const cut = await run();
    assert.equal(cut.outcome, 'invalid');
    assert.match(cut.problems[0], /cut off/);
    assert.deepEqual(filesOf(dir), before);
  });

  test('a failed call says why and writes nothing', async (t) => {
    const { dir, server, run } = await setup(t);
    const before = filesOf(dir);
    server.enqueue({ kind: 'error', status: 401 });
    const result = await run();
    assert.equal(result.outcome, 'failed');
    assert.equal(result.retryable, false);
    assert.match(result.message, /did not accept the key/);
    assert.ok(!result.message.includes(KEY));
    assert.deepEqual(filesOf(dir), before);
  });

  test('cancelled while the answer streams: the client hangs up and nothing is written', async (t) => {
    const { dir, server, run } = await setup(t);
    const before = filesOf(dir);
    server.enqueue({ kind: 'drip', text: JSON.stringify(PLAN), intervalMs: 30, chunkSize: 4 });
    const abort = new AbortController();
    let pieces = 0;
    const result = await run({
      signal: abort.signal,
      onText: () => {
        if (++pieces === 3) abort.abort();
      },
    });
    assert.equal(result.outcome, 'cancelled');
    await server.idle();
    assert.deepEqual(filesOf(dir), before);
  });

  test('a preview turned down writes nothing, and sees every file as it would be written', async (t) => {
    const { dir, server, run } = await setup(t);
    const before = filesOf(dir);
    server.enqueue({ kind: 'json', value: PLAN });
    let seen: string[] = [];
    const result = await run({
      preview: async (_epic, files) => {
        seen = files.map((f) => `${f.path}:${f.before === undefined ? 'new' : 'edited'}`);
        for (const f of files) if (f.before !== undefined) assert.equal(f.before, before.get(f.path));
        return false;
      },
    });
    assert.equal(result.outcome, 'declined');
    assert.deepEqual(seen, ['epics/epic-002-link-shortener.md:new', `${PRD}:edited`]);
    assert.deepEqual(filesOf(dir), before);
  });

  test('a PRD edited while Claude answered is not overwritten, and no epic is written', async (t) => {
    const { dir, server, run } = await setup(t);
    server.enqueue({ kind: 'json', value: PLAN });
    const edited = readFileSync(join(dir, PRD), 'utf8') + '\nA line typed meanwhile.\n';
    const result = await run({
      preview: async () => {
        writeFileSync(join(dir, PRD), edited);
        return true;
      },
    });
    assert.equal(result.outcome, 'failed');
    assert.match(result.message, /changed while Claude was answering/);
    assert.equal(readFileSync(join(dir, PRD), 'utf8'), edited);
    assert.ok(![...filesOf(dir).keys()].some((p) => p.includes('epic-002')));
  });

  test('the directory layout, when asked for: epic.md and one file per task', async (t) => {
    const { server, index, run } = await setup(t);
    server.enqueue({ kind: 'json', value: PLAN });
    const result = await run({ layout: 'directory' });
    assert.equal(result.outcome, 'done', result.message);
    assert.equal(result.layout, 'directory');
    assert.match(result.path ?? '', /\/epic\.md$/);
    assert.equal(result.files.filter((f) => /\/\d{3}\.md$/.test(f)).length, 3);
    const epic = index.epic(result.epicId!);
    assert.deepEqual(epic?.tasks.map((t) => [t.id, [...t.dependsOn]]), [['001', []], ['002', ['001']], ['003', ['002']]]);
  });

  test('an unfinished draft or an unknown path is refused without asking Claude', async (t) => {
    const { dir, server, index, run } = await setup(t);
    const unknown = await run({ prdPath: 'prds/nothing.md' });
    assert.equal(unknown.outcome, 'refused');
    const text = readFileSync(join(dir, PRD), 'utf8');
    writeFileSync(join(dir, PRD), text.replace('\n\n', '\n\n> **Incomplete draft:** the writing was cancelled.\n\n'));
    await index.update([PRD]);
    const draft = await run();
    assert.equal(draft.outcome, 'refused');
    assert.match(draft.message, /incomplete draft/);
    assert.equal(server.requests.length, 0);
  });

  test('a large request is asked about first: turned down, nothing is sent', async (t) => {
    const { dir, server, index, run } = await setup(t);
    const text = readFileSync(join(dir, PRD), 'utf8');
    writeFileSync(join(dir, PRD), `${text}\n## Appendix\n\n${'A requirement written out at length. '.repeat(6000)}\n`);
    await index.update([PRD]);
    const asked: number[] = [];
    const declined = await run({ confirmLarge: async (tokens) => (asked.push(tokens), false) });
    assert.equal(declined.outcome, 'declined');
    assert.equal(server.requests.length, 0);
    assert.equal(asked.length, 1);
    assert.ok(asked[0] > 50_000 && asked[0] < 70_000, String(asked[0]));
    assert.match(declined.message, /about \d{2},\d{3} input tokens/);

    server.enqueue({ kind: 'json', value: PLAN });
    const sent = await run({ confirmLarge: async () => true });
    assert.equal(sent.outcome, 'done', sent.message);
    assert.equal(server.requests.length, 1);
  });

  test('an epic id the sync state still knows is not taken again: its issues on GitHub belong to the old epic', async (t) => {
    const { dir, server, run } = await setup(t);
    const state = emptySyncState('octo/plans');
    const issues = new Map([[7, { key: 'epic-002-link-shortener/T1', kind: 'task', id: 7007, hash: '0'.repeat(64), state: 'open', updatedAt: '2026-05-01T00:00:00Z' } as const]]);
    mkdirSync(join(dir, '.autopm'));
    writeFileSync(join(dir, '.autopm/sync.json'), serializeSyncState({ ...state, issues }));
    server.enqueue({ kind: 'json', value: PLAN });
    const result = await run();
    assert.equal(result.outcome, 'done', result.message);
    assert.notEqual(result.epicId, 'epic-002-link-shortener');
    assert.match(result.epicId ?? '', /^epic-003-/);
  });
});
