// Other tools' formats through the index, the edits and the command line: what the parsers'
// own tests cannot show (roles under the default roots, several epics in one file, updates,
// the state edits end to end, "No plans found").
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectOtherFormat } from '../../src/core/detectFormat';
import { taskBody } from '../../src/core/devloop/handoff';
import { applyEdits, PlanEditError, appendTaskChange, attachIssueChange, setTaskStateChange } from '../../src/core/edits';
import type { PlanChange } from '../../src/core/edits';
import { epicRef } from '../../src/core/model';
import { DEFAULT_PLAN_ROOTS, PlanIndex } from '../../src/core/planIndex';
import { filesOf, MemoryFileSystem } from './helpers';

const FIXTURE = join(__dirname, '..', 'fixtures', 'tools');

function fixture(): MemoryFileSystem {
  return new MemoryFileSystem(filesOf(FIXTURE));
}

function applied(fs: MemoryFileSystem, change: PlanChange): Map<string, string> {
  const out = new Map<string, string>();
  for (const edit of change.edits) out.set(edit.path, applyEdits(fs.files.get(edit.path)!, edit.edits));
  return out;
}

/** `text` with `from` replaced by `to`, where `from` occurs exactly once. */
function replaced(text: string, from: string, to: string): string {
  assert.equal(text.split(from).length, 2, `"${from}" is not in the text exactly once`);
  return text.replace(from, to);
}

describe("other tools' formats in the index", () => {
  test('the default roots read a Kiro spec, a Spec Kit feature and each Task Master tag, with their PRDs', async () => {
    const index = new PlanIndex(fixture(), DEFAULT_PLAN_ROOTS);
    await index.build();
    assert.deepEqual(
      index.allEpics.map((e) => [e.layout, e.id, epicRef(e)]),
      [
        ['kiro', 'user-auth', '.kiro/specs/user-auth/tasks.md'],
        ['taskmaster', 'master', '.taskmaster/tasks/tasks.json#master'],
        ['taskmaster', 'mobile-app', '.taskmaster/tasks/tasks.json#mobile-app'],
        ['spec-kit', '001-photo-albums', 'specs/001-photo-albums/tasks.md'],
      ],
    );
    assert.deepEqual(
      index.prds.map((p) => [p.id, p.path]),
      [
        ['user-auth', '.kiro/specs/user-auth/requirements.md'],
        ['001-photo-albums', 'specs/001-photo-albums/spec.md'],
      ],
    );
    // Each spec's PRD is its requirements (Kiro) or its spec (Spec Kit).
    for (const prd of index.prds) assert.deepEqual(index.epicsOfPrd(prd).map((e) => e.id), [prd.id]);
    assert.deepEqual(index.diagnostics(), []);
  });

  test("Task Master's deferred task stays open but is never ready, as Task Master's next task skips it", async () => {
    const index = new PlanIndex(fixture(), DEFAULT_PLAN_ROOTS);
    await index.build();
    const master = index.analysis(index.epic('master')!);
    const deferred = [...master.tasks.values()].filter((t) => t.task.rawStatus === 'deferred');
    assert.equal(deferred.length, 1);
    assert.equal(deferred[0].task.state, 'open');
    assert.equal(deferred[0].display, 'blocked');
    assert.deepEqual(deferred[0].blockers.map((b) => b.reason).filter((r) => r === 'marked-blocked'), ['marked-blocked']);
  });

  test("a sprint lists Kiro's and Task Master's sub-tasks by their dotted ids", async () => {
    const fs = fixture();
    fs.files.set('epics/sprints/sprint-1.md', '---\nname: Sprint 1\nstart: 2026-12-01\nend: 2026-12-14\n---\n\n## Tasks\n\n- master:2.2\n- user-auth:3.3.1\n- 001-photo-albums:T004\n- master:3\n');
    const index = new PlanIndex(fs, DEFAULT_PLAN_ROOTS);
    await index.build();
    const sprint = index.sprints.find((s) => s.name === 'Sprint 1')!;
    assert.deepEqual([...sprint.taskKeys].sort(), ['001-photo-albums:T004', 'master:2.2', 'master:3', 'user-auth:3.3.1']);
    assert.deepEqual(sprint.unresolved, []);
  });

  test("a `specs` root still reads AutoPM's own PRDs and epics written in it, beside Spec Kit's features", async () => {
    const fs = new MemoryFileSystem({
      'specs/prd-001-search.md': '# PRD-001: Search\n\n**Status:** Draft\n',
      'specs/epic-001-search.md': '# Epic 001: Search\n\n**Based on:** PRD-001\n\n## Tasks\n- [ ] **Task 1:** Index\n',
      'specs/001-photo-albums/tasks.md': '# Tasks: Photo Albums\n\n## Phase 1: Setup\n\n- [ ] T001 Create the project\n',
    });
    const index = new PlanIndex(fs, ['specs']);
    await index.build();
    assert.deepEqual(index.allEpics.map((e) => [e.layout, e.id]), [['spec-kit', '001-photo-albums'], ['single-file', 'epic-001-search']]);
    assert.deepEqual(index.prds.map((p) => p.id), ['PRD-001']);
  });

  test('a specs folder without Spec Kit task lines, and files beside the plan files, are not plans', async () => {
    const fs = new MemoryFileSystem({
      'specs/api/tasks.md': '# Tasks\n\n- [ ] Write the OpenAPI file\n',
      'specs/api/spec.md': '# API\n',
      'specs/notes.md': '# Notes\n',
      '.kiro/specs/x/design.md': '# Design\n',
      '.kiro/steering/product.md': '# Product\n',
      '.taskmaster/config.json': '{}\n',
      '.taskmaster/tasks/task_001.txt': '# Task ID: 1\n',
      '.taskmaster/docs/prd.txt': 'A PRD\n',
    });
    const index = new PlanIndex(fs, DEFAULT_PLAN_ROOTS);
    await index.build();
    assert.deepEqual([index.allEpics.length, index.prds.length, index.files], [0, 0, ['specs/api/tasks.md']]);
  });

  test('an edit of tasks.json re-reads both tags; removing the file removes them, and an unreadable file is one diagnostic', async () => {
    const fs = fixture();
    const index = new PlanIndex(fs, DEFAULT_PLAN_ROOTS);
    await index.build();
    const path = '.taskmaster/tasks/tasks.json';
    const text = fs.files.get(path)!;
    fs.files.set(path, text.slice(0, Math.floor(text.length / 2)));
    const change = await index.update([path]);
    assert.deepEqual(change.epics, ['master', 'mobile-app']);
    assert.deepEqual(index.allEpics.map((e) => e.layout), ['kiro', 'spec-kit']);
    const problems = index.diagnostics().filter((d) => d.path === path);
    assert.equal(problems.length, 1);
    assert.equal(problems[0].severity, 'error');
    fs.files.set(path, text);
    await index.update([path]);
    assert.deepEqual(index.allEpics.map((e) => e.id), ['user-auth', 'master', 'mobile-app', '001-photo-albums']);
    assert.deepEqual(index.diagnostics(), []);
    fs.files.delete(path);
    await index.update(['.taskmaster/tasks']);
    assert.deepEqual(index.allEpics.map((e) => e.id), ['user-auth', '001-photo-albums']);
  });
});

describe('two epics with one id', () => {
  test('the later one says so on its title, naming the other and the file that names it; the first, and epics with ids of their own, say nothing', async () => {
    const json = filesOf(join(FIXTURE, '.taskmaster')).get('tasks/tasks.json')!;
    const single = '# Epic: Checkout\n\n## Tasks\n\n- [ ] **Task 1:** Cart\n';
    const dir = '---\nname: checkout\nstatus: open\n---\n\n# Epic: Checkout\n\n## Tasks\n- [ ] 001.md - Cart\n';
    const fs = new MemoryFileSystem({
      '.taskmaster/tasks/tasks.json': json,
      'app/.taskmaster/tasks/tasks.json': json,
      'epics/checkout.md': single,
      '.claude/epics/checkout/epic.md': dir,
      '.claude/epics/checkout/001.md': '---\nname: Cart\nstatus: open\n---\n\n# Task: Cart\n',
    });
    const index = new PlanIndex(fs, ['.taskmaster', 'app/.taskmaster', 'epics', '.claude/epics']);
    await index.build();
    const found = index.diagnostics().filter((d) => d.code === 'epic-duplicate-id');
    const laterOf = (id: string) => index.allEpics.filter((e) => e.id === id).slice(1);
    assert.deepEqual(
      found.map((d) => [d.path, d.range.line, d.severity]).sort(),
      [...laterOf('master'), ...laterOf('mobile-app'), ...laterOf('checkout')].map((e) => [e.path, e.range.line, 'warning']).sort(),
    );
    assert.equal(found.length, 3);
    const master = found.find((d) => d.message.includes('"master"'))!;
    const [first, second] = index.allEpics.filter((e) => e.id === 'master');
    assert.equal(master.message, `Epic id "master" is also the id of ${epicRef(first)}. Sprint lists (master:T1) mean the first of the two; on the command line, name this one by its file (${epicRef(second)}).`);
    // One file alone has no such problem.
    const alone = new PlanIndex(new MemoryFileSystem({ '.taskmaster/tasks/tasks.json': json }), ['.taskmaster']);
    await alone.build();
    assert.deepEqual(alone.diagnostics().filter((d) => d.code === 'epic-duplicate-id'), []);
  });
});

describe("state edits in other tools' files", () => {
  const now = '2026-12-03T12:00:00Z';

  async function indexed() {
    const fs = fixture();
    const index = new PlanIndex(fs, DEFAULT_PLAN_ROOTS);
    await index.build();
    const read = (p: string) => {
      const text = fs.files.get(p);
      if (text === undefined) throw new Error(`no ${p}`);
      return text;
    };
    return { fs, index, read };
  }

  test('Kiro: the checkbox character and nothing else; in progress is `[-]`; a state already written is no change', async () => {
    const { fs, index, read } = await indexed();
    const epic = index.epic('user-auth')!;
    const path = epic.path;
    const done = applied(fs, setTaskStateChange(epic, '2.2', 'done', read, now));
    assert.deepEqual([...done], [[path, replaced(fs.files.get(path)!, '- [-] 2.2 ', '- [x] 2.2 ')]]);
    const started = applied(fs, setTaskStateChange(epic, '3.1', 'in-progress', read, now));
    assert.deepEqual([...started], [[path, replaced(fs.files.get(path)!, '  - [ ] 3.1 ', '  - [-] 3.1 ')]]);
    assert.deepEqual(setTaskStateChange(epic, '1', 'done', read, now).edits, []);
  });

  test('Spec Kit: done is written `[X]` as the file writes it, and reopening clears it', async () => {
    const { fs, index, read } = await indexed();
    const epic = index.epic('001-photo-albums')!;
    const text = fs.files.get(epic.path)!;
    assert.deepEqual([...applied(fs, setTaskStateChange(epic, 'T004', 'done', read, now))], [[epic.path, replaced(text, '- [ ] T004 ', '- [X] T004 ')]]);
    assert.deepEqual([...applied(fs, setTaskStateChange(epic, 'T001', 'open', read, now))], [[epic.path, replaced(text, '- [X] T001 ', '- [ ] T001 ')]]);
  });

  test('Task Master: the status value of the task in its own tag, every other byte kept', async () => {
    const { fs, index, read } = await indexed();
    const tags = index.allEpics.filter((e) => e.layout === 'taskmaster');
    assert.deepEqual(tags.map((e) => e.id), ['master', 'mobile-app']);
    for (const epic of tags) {
      const text = fs.files.get(epic.path)!;
      for (const task of epic.tasks) {
        for (const state of ['open', 'in-progress', 'done'] as const) {
          const change = setTaskStateChange(epic, task.id, state, read, now);
          if (task.state === state) {
            assert.deepEqual(change.edits, [], `${epic.id}:${task.id} is already ${state}`);
            continue;
          }
          const after = applied(fs, change).get(epic.path)!;
          const reread = new PlanIndex(new MemoryFileSystem({ [epic.path]: after }), DEFAULT_PLAN_ROOTS);
          await reread.build();
          const again = reread.epic(epic.id)!;
          assert.equal(again.tasks.find((t) => t.id === task.id)!.state, state);
          // Closing a parent closes its open subtasks with it, as Task Master's set-status does.
          const closed = state === 'done' ? epic.tasks.filter((t) => t.id.startsWith(`${task.id}.`) && t.state !== 'done').map((t) => t.id) : [];
          const moved = new Set([task.id, ...closed]);
          for (const id of closed) assert.equal(again.tasks.find((t) => t.id === id)!.rawStatus, 'done');
          // Only those statuses changed: every other task of every tag reads as before.
          for (const other of reread.allEpics) {
            const was = index.epic(other.id)!;
            assert.deepEqual(
              other.tasks.filter((t) => other.id !== epic.id || !moved.has(t.id)).map((t) => [t.id, t.rawStatus]),
              was.tasks.filter((t) => other.id !== epic.id || !moved.has(t.id)).map((t) => [t.id, t.rawStatus]),
            );
          }
          // And only the bytes of those values: the text between the edits is the same.
          const edits = change.edits[0].edits;
          assert.equal(edits.length, moved.size);
          let at = 0;
          let shift = 0;
          for (const edit of [...edits].sort((a, b) => a.offset - b.offset)) {
            assert.equal(after.slice(at + shift, edit.offset + shift), text.slice(at, edit.offset));
            assert.match(edit.newText, /^(pending|in-progress|done)$/);
            shift += edit.newText.length - edit.length;
            at = edit.offset + edit.length;
          }
          assert.equal(after.slice(at + shift), text.slice(at));
        }
      }
    }
  });

  test('closing a parent whose two subtasks share an id sets that id once, as every edit finds it', async () => {
    const json = '{"master":{"tasks":[{"id":1,"title":"One","status":"pending","subtasks":[{"id":1,"title":"A","status":"pending"},{"id":1,"title":"B","status":"pending"}]}]}}';
    const fs = new MemoryFileSystem({ '.taskmaster/tasks/tasks.json': json });
    const index = new PlanIndex(fs, DEFAULT_PLAN_ROOTS);
    await index.build();
    const change = setTaskStateChange(index.epic('master')!, '1', 'done', (p) => fs.files.get(p)!, now);
    assert.equal(applied(fs, change).get('.taskmaster/tasks/tasks.json'), json.replace('"status":"pending"', '"status":"done"').replace('"status":"pending"', '"status":"done"'));
  });

  test("the hand-off to Claude Code takes a Task Master task's own words, and no other task's", async () => {
    const { fs, index } = await indexed();
    const epic = index.epic('master')!;
    const text = fs.files.get(epic.path)!;
    const last = epic.tasks.filter((t) => !t.id.includes('.')).at(-1)!;
    const body = taskBody({ epic, task: last, epicText: text });
    const json = JSON.parse(text) as { master: { tasks: Array<{ id: number; description: string; details: string; testStrategy: string }> } };
    const raw = json.master.tasks.find((t) => String(t.id) === last.id)!;
    assert.equal(body, `${raw.description}\n\n### Details\n\n${raw.details}\n\n### Test strategy\n\n${raw.testStrategy}`);
    assert.doesNotMatch(body, /React Native/);
  });

  test('changes AutoPM makes only in its own layouts are refused in plain words', async () => {
    const { index, read } = await indexed();
    for (const id of ['user-auth', '001-photo-albums', 'master']) {
      const epic = index.epic(id)!;
      assert.throws(() => attachIssueChange(epic, epic.tasks[0].id, 12, 'https://github.com/o/r/issues/12', read), PlanEditError);
      assert.throws(() => appendTaskChange(epic, { title: 'More' }, read, now), /cannot add tasks in that format/);
    }
  });
});

describe('what "No plans found" names', () => {
  function probe(paths: readonly string[], roots: readonly string[] = DEFAULT_PLAN_ROOTS) {
    const set = new Set(paths);
    return detectOtherFormat(async (p) => set.has(p), roots);
  }

  test('a format AutoPM reads, from a root the settings leave out', async () => {
    assert.equal((await probe(['.kiro/specs'], ['prds', 'epics']))?.key, 'kiro');
    assert.match((await probe(['.kiro/specs'], ['prds']))!.message, /Kiro specs \(\.kiro\/specs\)\. AutoPM reads them once `autopm\.planRoots` includes "\.kiro\/specs"\./);
    assert.equal((await probe(['.specify'], ['epics']))?.key, 'spec-kit');
    assert.equal((await probe(['.taskmaster/tasks/tasks.json'], ['epics']))?.key, 'taskmaster');
    // Read from a root in use, a format is no "other" format, even when its folder holds nothing.
    assert.equal(await probe(['.kiro/specs', '.specify', '.taskmaster/tasks/tasks.json']), undefined);
  });

  test('formats AutoPM does not read', async () => {
    assert.equal((await probe(['tasks/tasks.json']))?.key, 'taskmaster-legacy');
    assert.match((await probe(['.bmad-core']))!.message, /BMAD Method stories \(\.bmad-core\)\. AutoPM does not read that format\./);
    assert.equal((await probe(['docs/stories']))?.key, 'bmad');
    assert.equal((await probe(['.agent-os']))?.key, 'agent-os');
    assert.equal(await probe(['docs', 'src']), undefined);
  });

  test('autopm status says it on the command line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'autopm-formats-'));
    try {
      mkdirSync(join(dir, '.agent-os', 'specs'), { recursive: true });
      writeFileSync(join(dir, '.agent-os', 'specs', 'tasks.md'), '- [ ] 1. Something\n');
      const { main } = await import('../../src/cli');
      const out: string[] = [];
      const code = await main(['status', dir, '--no-cache'], { out: (l: string) => out.push(l), err: (l: string) => out.push(l) });
      assert.equal(code, 0);
      assert.equal(
        out.join('\n'),
        `No plans found. AutoPM looks in: ${DEFAULT_PLAN_ROOTS.join(', ')}.\nThis workspace has Agent OS specs (.agent-os). AutoPM does not read that format.`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the command line on other tools' plans", () => {
  async function cli(...args: string[]): Promise<{ code: number; out: string }> {
    const { main } = await import('../../src/cli');
    const out: string[] = [];
    const code = await main([...args, '--no-cache'], { out: (l: string) => out.push(l), err: (l: string) => out.push(l) });
    return { code, out: out.join('\n') };
  }

  test('status, next, validate and graph read every format', async () => {
    const status = await cli('status', FIXTURE);
    assert.equal(status.code, 0);
    assert.deepEqual(
      status.out.split('\n').filter((l) => /^ {2}\S/.test(l)).map((l) => l.trim().split(/\s{2,}/).slice(0, 2)),
      [
        ['user-auth', 'User auth'],
        ['001-photo-albums', 'Photo Albums'],
        ['user-auth', 'User auth'],
        ['master', 'master'],
        ['mobile-app', 'React Native client for iOS and Android'],
        ['001-photo-albums', 'Photo Albums'],
      ],
    );
    const next = await cli('next', FIXTURE);
    assert.match(next.out, /^Next: 3 Implement email and password authentication {2}\(master\)\n {2}\.taskmaster\/tasks\/tasks\.json:65\n/);
    // The deferred task is not among the ready ones, nor a Kiro parent whose sub-tasks are open.
    assert.doesNotMatch(next.out, /Send reminder notifications|Implement password hashing and the user repository/);
    assert.deepEqual(await cli('validate', FIXTURE), { code: 0, out: 'No problems in 5 plan files.' });
    const graph = await cli('graph', 'mobile-app', FIXTURE);
    assert.equal(graph.code, 0);
    assert.match(graph.out, /^graph TD\n {4}t1\["1: Scaffold the React Native app with Expo"\]\n[\s\S]* {4}t1 --> t2\n {4}t2 --> t3\n/);
  });

  test('an epic id two files share is refused and the epics named; a file names one of them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'autopm-formats-'));
    try {
      cpSync(join(__dirname, '..', 'fixtures', 'taskmaster-untagged', '.taskmaster'), join(dir, '.taskmaster'), { recursive: true });
      cpSync(join(__dirname, '..', 'fixtures', 'tools', '.taskmaster'), join(dir, 'app', '.taskmaster'), { recursive: true });
      const both = await cli('set-status', 'master:1', 'open', dir, '--roots', '.taskmaster,app/.taskmaster');
      assert.equal(both.code, 2);
      assert.equal(both.out.split('\n')[0], 'autopm: "master" names several epics: .taskmaster/tasks/tasks.json#master, app/.taskmaster/tasks/tasks.json#master. Name one by its file instead.');
      const one = await cli('set-status', 'app/.taskmaster/tasks/tasks.json#master:1', 'open', dir, '--roots', '.taskmaster,app/.taskmaster');
      assert.equal(one.code, 0, one.out);
      const after = readFileSync(join(dir, 'app', '.taskmaster', 'tasks', 'tasks.json'), 'utf8');
      const task1 = after.slice(after.indexOf('"title": "Initialize the monorepo and CI pipeline"'), after.indexOf('"id": 2,'));
      assert.match(task1, /"status": "pending"\n/);
      // The other file's master is left as it was.
      assert.equal(readFileSync(join(dir, '.taskmaster', 'tasks', 'tasks.json'), 'utf8'), readFileSync(join(__dirname, '..', 'fixtures', 'taskmaster-untagged', '.taskmaster', 'tasks', 'tasks.json'), 'utf8'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('set-status in an untagged CRLF tasks.json changes only the status value', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'autopm-formats-'));
    try {
      cpSync(join(__dirname, '..', 'fixtures', 'taskmaster-untagged'), dir, { recursive: true });
      const file = join(dir, '.taskmaster', 'tasks', 'tasks.json');
      const before = readFileSync(file, 'utf8');
      assert.ok(before.includes('\r\n'));
      const result = await cli('set-status', 'master:2.2', 'done', dir);
      assert.equal(result.code, 0, result.out);
      const at = before.indexOf('"title": "Implement `finish`"');
      const from = before.indexOf('"status": "pending"', at);
      assert.equal(readFileSync(file, 'utf8'), before.slice(0, from) + '"status": "done"' + before.slice(from + '"status": "pending"'.length));
      assert.match(result.out, /^master:2\.2 open → done/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
