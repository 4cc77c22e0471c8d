// `autopm decompose`, the built CLI as a process, against the local Anthropic server: the
// epic written and its path printed, `--json`, an invalid answer and a failed call that
// write nothing, and the exit codes.
import { describe, test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAnthropicServer } from '../servers/anthropic/server';
import type { AnthropicServer } from '../servers/anthropic/server';
import { examplesDir, filesOf, repoRoot } from './helpers';

const cli = join(repoRoot, 'dist', 'cli.js');
const KEY = 'sk-ant-cli-5b1e77aa90';
const PRD = 'prds/prd-001-link-shortener.md';

type Raw = Record<string, unknown>;
const task = (key: string, extra: Raw = {}): Raw => ({ key, title: `Task ${key}`, group: '', description: '', acceptanceCriteria: [], estimateHours: 2, agent: '', dependsOn: [], parallel: true, ...extra });
const PLAN = {
  title: 'Link shortener',
  overview: 'Short links we own.',
  tasks: [task('T1', { title: 'Scaffold' }), task('T2', { title: 'Slugs', dependsOn: ['T1'] }), task('T3', { title: 'Redirects', dependsOn: ['T1', 'T2'] })],
  milestones: [],
};

function run(env: Record<string, string | undefined>, cwd: string, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  assert.ok(existsSync(cli), 'dist/cli.js is built (npm run build)');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd, env: { ...process.env, AUTOPM_CACHE: 'off', ANTHROPIC_API_KEY: undefined, ANTHROPIC_BASE_URL: undefined, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function setup(t: TestContext): Promise<{ dir: string; server: AnthropicServer; env: Record<string, string> }> {
  const dir = mkdtempSync(join(tmpdir(), 'autopm-cli-decompose-'));
  // The single-file half of the example: the PRD's own layout decides where the epic goes.
  cpSync(join(examplesDir, 'epics'), join(dir, 'epics'), { recursive: true });
  cpSync(join(examplesDir, 'prds'), join(dir, 'prds'), { recursive: true });
  const server = await startAnthropicServer({ apiKey: KEY });
  t.after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { dir, server, env: { ANTHROPIC_API_KEY: KEY } };
}

describe('autopm decompose', () => {
  test('writes the epic, links the PRD and prints the epic\'s path; the PRD may be named from inside the folder', async (t) => {
    const { dir, server, env } = await setup(t);
    server.enqueue({ kind: 'json', value: PLAN });
    const result = await run(env, dir, 'decompose', PRD, '.', '--api-url', server.url);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'epics/epic-002-link-shortener.md\n');
    assert.match(result.stderr, /epic-002-link-shortener written from prds\/prd-001-link-shortener\.md: 3 tasks, 3 dependencies/);
    assert.ok(existsSync(join(dir, 'epics/epic-002-link-shortener.md')));
    assert.match(readFileSync(join(dir, PRD), 'utf8'), /epic-002-link-shortener/);
    const body = server.requests[0].body as { model?: string };
    assert.equal(body.model, 'claude-sonnet-5-5');
    assert.equal(server.requests[0].headers['x-api-key'] ?? server.requests[0].headers.authorization?.replace(/^Bearer /, ''), KEY);
  });

  test('--json, --model and --layout directory: the epic\'s id and path, and the task count', async (t) => {
    const { dir, server, env } = await setup(t);
    server.enqueue({ kind: 'json', value: PLAN });
    const result = await run(env, tmpdir(), 'decompose', PRD, dir, '--api-url', server.url, '--model', 'claude-opus-5', '--layout', 'directory', '--json');
    assert.equal(result.code, 0, result.stderr);
    const printed = JSON.parse(result.stdout) as { epic: { id: string; path: string }; tasks: number; outcome: string; layout: string };
    assert.deepEqual(printed.epic, { id: 'link-shortener', path: '.claude/epics/link-shortener/epic.md' });
    assert.equal(printed.tasks, 3);
    assert.equal(printed.layout, 'directory');
    for (const file of ['epic.md', '001.md', '002.md', '003.md']) assert.ok(existsSync(join(dir, '.claude/epics/link-shortener', file)), file);
    assert.equal((server.requests[0].body as { model?: string }).model, 'claude-opus-5');
  });

  test('an invalid answer exits 1, names the problem and writes nothing', async (t) => {
    const { dir, server, env } = await setup(t);
    const before = filesOf(dir);
    server.enqueue({ kind: 'json', value: { ...PLAN, tasks: [task('T1', { dependsOn: ['T9'] })] } });
    const result = await run(env, dir, 'decompose', PRD, '--api-url', server.url);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /depends on T9, which is not a task of the plan\./);
    assert.deepEqual(filesOf(dir), before);

    server.enqueue({ kind: 'json', raw: '{"title": "Link', stopReason: 'max_tokens' });
    const json = await run(env, dir, 'decompose', PRD, '--api-url', server.url, '--json');
    assert.equal(json.code, 1);
    const printed = JSON.parse(json.stdout) as { epic: null; tasks: number; outcome: string; problems: string[] };
    assert.equal(printed.epic, null);
    assert.equal(printed.tasks, 0);
    assert.equal(printed.outcome, 'invalid');
    assert.match(printed.problems[0], /cut off/);
    assert.deepEqual(filesOf(dir), before);
  });

  test('a refused key exits 1 without printing it; writes nothing', async (t) => {
    const { dir, server, env } = await setup(t);
    const before = filesOf(dir);
    const result = await run({ ...env, ANTHROPIC_API_KEY: 'sk-ant-wrong-key-000' }, dir, 'decompose', PRD, '--api-url', server.url);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /did not accept the key/);
    assert.ok(!result.stderr.includes('sk-ant-wrong-key-000') && !result.stdout.includes('sk-ant-wrong-key-000'));
    assert.deepEqual(filesOf(dir), before);
  });

  test('usage: no PRD, an unknown PRD, no key, a bad layout or task limit exit 2 and ask nothing', async (t) => {
    const { dir, server, env } = await setup(t);
    const cases: Array<[Record<string, string | undefined>, string[], RegExp]> = [
      [env, ['decompose'], /decompose needs the path of a PRD/],
      [env, ['decompose', 'prds/nothing.md'], /prds\/nothing\.md is not a PRD/],
      [{}, ['decompose', PRD], /ANTHROPIC_API_KEY/],
      [env, ['decompose', PRD, '--layout', 'flat'], /--layout takes single-file or directory/],
      [env, ['decompose', PRD, '--max-tasks', '0'], /--max-tasks takes a whole number/],
    ];
    for (const [environment, args, message] of cases) {
      const result = await run(environment, dir, ...args, '--api-url', server.url);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
    }
    assert.equal(server.requests.length, 0);
  });
});
