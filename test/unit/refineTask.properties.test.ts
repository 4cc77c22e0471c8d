/**
 * Property tests of Expand Task and Re-scope Task. Random subtasks (random dependency
 * graphs without circles, titles and texts full of markdown and plan syntax, unicode) and
 * random re-scoped tasks are written into the examples of both layouts, in LF and CRLF,
 * and the workspace's own index reads them back: only the intended tasks change, every
 * other task keeps its bytes, and the dependencies read back exactly as worked out here
 * from the subtasks, not from the code that wrote them.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import fc from 'fast-check';
import type { ProposedSubtask, RescopedTask } from '../../src/core/claude/refineTask';
import { checkExpansion, checkRescopedTask, expandChange, rescopeChange } from '../../src/core/claude/refineTask';
import type { PlanChange } from '../../src/core/edits';
import { applyChange } from '../../src/core/edits';
import { readEstimate } from '../../src/core/estimate';
import { findFrontmatter } from '../../src/core/frontmatter';
import type { Epic, Task } from '../../src/core/model';
import { numericId } from '../../src/core/parse/common';
import { PlanIndex } from '../../src/core/planIndex';
import { taskText } from '../../src/core/sync/planText';
import { examplesDir, filesOf, fixturesDir, MemoryFileSystem, toCrlf } from './helpers';

const RUNS = Number(process.env.REFINE_PROPERTY_RUNS ?? 40);
const NOW = '2026-06-01T09:00:00Z';

// Fragments that look like the plan's own syntax, or markdown that changes what follows.
const RISKY = ['**', '__', '*', '_', '`', '#', '#12', '(#12)', '[ ]', '[x]', '[-]', 'T3', 'Task 4:', 'Tasks 1-3', '**Task 2:**', '**M1:**', '|', '\\', '<!--', '-->', '---', '- [ ]', '[link](x.md)', ':', '"', "'", '(', ')', '[', ']', '{', '}', '~~~'];
const WORDS = ['cache', 'login', 'API', 'schema', 'deploy', 'retry', 'Redis', 'tests', 'Zürich', '東京', 'مرحبا', 'emoji 🚀', 'e\u0301', 'ß', '👩‍💻'];
const word = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...WORDS) }, { weight: 2, arbitrary: fc.constantFrom(...RISKY) });
const oneLine = fc
  .array(word, { minLength: 1, maxLength: 6 })
  .map((parts) => parts.join(' ').trim())
  .filter((t) => t !== '');

// Lines a description may hold that the parsers would read as plan structure.
const RISKY_LINES = [
  '- [ ] **Task 9:** not a task of ours',
  '- [x] Task 2: done already',
  '  - [-] T4: half way',
  '- [ ] T9 ...',
  '# Heading',
  '## Tasks',
  '## Acceptance Criteria',
  '### A group?',
  '**M1 (Day 1):** not a milestone',
  '- **Estimate:** 9 days',
  '- **Agent:** someone else',
  '- **Priority:** high',
  '- **Sprint:** Sprint 9',
  '- **Depends on:** Task 1',
  '- depends on T1, T2',
  '```mermaid\ngraph TD\n  T1 --> T2\n```',
  '```sh\n# a comment\nnpm test\n```',
  '    indented code',
  '> quoted - [ ] **Task 3:** x',
  '---',
  '1. first\n2. second',
  'Setext heading\n===',
  '',
];
const markdown = fc.array(fc.oneof(fc.constantFrom(...RISKY_LINES), oneLine), { maxLength: 5 }).map((lines) => lines.join('\n'));

/**
 * Titles no single-file task line can hold, refused by name (see decomposeProperties):
 * bold at the start reads as part of `**Task 3:**` unless the title is bold-wrapped,
 * where an issue link at the end would be read as the task's issue.
 */
function taskLineCanHold(title: string): boolean {
  return !(/^(?:\*\*|__)/.test(title) && /\((?:#\d+|\[#\d+\]\([^)\s]*\))\)$/.test(title));
}

const taskFields = fc.record({
  title: oneLine.filter(taskLineCanHold),
  description: markdown,
  acceptanceCriteria: fc.array(fc.oneof(oneLine, fc.constantFrom(...RISKY_LINES.filter((l) => !l.includes('\n') && l !== ''))), { maxLength: 3 }),
  estimateHours: fc.oneof(fc.integer({ min: 1, max: 40 }), fc.double({ min: 0.01, max: 10_000, noNaN: true })),
  agent: fc.oneof(fc.constant(''), fc.constantFrom('python-backend-engineer', 'postgresql-expert, docker-expert'), oneLine),
});

function tidyTask(raw: unknown): RescopedTask {
  const result = checkRescopedTask(raw);
  assert.ok(result.ok, result.ok ? '' : result.problems.join('\n'));
  return result.task;
}

/** Subtasks whose dependencies follow a random order of them, so that they never go round. */
const subtasksArb = fc.integer({ min: 2, max: 6 }).chain((n) =>
  fc
    .record({
      order: fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }),
      fields: fc.array(taskFields, { minLength: n, maxLength: n }),
      deps: fc.array(fc.array(fc.nat(), { maxLength: 3 }), { minLength: n, maxLength: n }),
    })
    .map(({ order, fields, deps }) => {
      const rank = new Map(order.map((task, i) => [task, i] as const));
      const raw = fields.map((f, i) => {
        const earlier = order.slice(0, rank.get(i));
        const on = earlier.length === 0 ? [] : [...new Set(deps[i].map((d) => earlier[d % earlier.length]))];
        return { key: `S${i + 1}`, ...f, dependsOn: on.map((d) => `S${d + 1}`) };
      });
      const result = checkExpansion({ subtasks: raw }, { maxSubtasks: 10 });
      assert.ok(result.ok, result.ok ? '' : result.problems.join('\n'));
      return result.subtasks;
    }),
);

interface Workspace {
  readonly name: string;
  readonly files: ReadonlyMap<string, string>;
  readonly epicId: string;
}

function exampleFiles(crlf: boolean): Map<string, string> {
  return new Map([...filesOf(examplesDir)].map(([p, t]) => [p, crlf && !p.startsWith('prds/') && !p.startsWith('.claude/prds/') ? toCrlf(t) : t] as const));
}

/** A single file in shapes the example does not have: a tight list, `*` markers, tasks nested in tasks and in bullets, bullet dependencies, no graph. */
const BILLING = [
  '# Epic 002: Billing',
  '',
  '**Status:** In Progress',
  '',
  '## Tasks',
  '',
  '- [ ] **Task 1:** Loose task before any group',
  '  - **Estimate:** 1 day',
  '',
  '### Invoices',
  '* [-] **T2:** Invoice model ([#12](https://github.com/acme/billing/issues/12))',
  '    * Tables for invoices and lines',
  '    * **Sprint:** Sprint 4',
  '    * **Owner:** Dana',
  '    * [ ] **T3:** Line items',
  '        * **Estimate:** 2 hours',
  '* [ ] **T4:** PDF rendering',
  '    * **Depends on:** T2, #12',
  '* [x] **T5:** Templates',
  '',
  '### Payments',
  '- Phase one',
  '  - [ ] **Task 6:** Card payments',
  '    - depends on T4',
  '  - [ ] **Task 7:** Refunds',
  '',
  '## Notes',
  '',
  'Nothing else.',
].join('\n');

const WORKSPACES: readonly Workspace[] = [
  { name: 'hand-written single file', files: new Map([['epics/epic-002-billing.md', BILLING]]), epicId: 'epic-002-billing' },
  { name: 'hand-written single file, CRLF', files: new Map([['epics/epic-002-billing.md', toCrlf(BILLING)]]), epicId: 'epic-002-billing' },
  { name: 'single file', files: exampleFiles(false), epicId: 'epic-001-link-shortener' },
  { name: 'single file, CRLF', files: exampleFiles(true), epicId: 'epic-001-link-shortener' },
  { name: 'task files', files: exampleFiles(false), epicId: 'team-calendar' },
  { name: 'task files, CRLF', files: exampleFiles(true), epicId: 'team-calendar' },
  { name: 'unsynced task files', files: filesOf(join(fixturesDir, 'unsynced')), epicId: 'search' },
];

async function indexOf(files: ReadonlyMap<string, string>): Promise<PlanIndex> {
  const index = new PlanIndex(new MemoryFileSystem(new Map(files)));
  await index.build();
  return index;
}

function readerOf(files: ReadonlyMap<string, string>) {
  return (path: string) => {
    const text = files.get(path);
    if (text === undefined) throw new Error(`no file ${path}`);
    return text;
  };
}

/** The index's errors and warnings, by file, kind and message. */
function problems(index: PlanIndex): Set<string> {
  return new Set(index.diagnostics().filter((d) => d.severity !== 'info').map((d) => `${d.path} ${d.code} ${d.message.replace(/\d+ of \d+/g, 'n of m')}`));
}

/** What is compared of a task that a change must leave alone. */
function fingerprint(epic: Epic, task: Task, read: (path: string) => string) {
  const line = epic.layout === 'single-file' ? read(task.path).split('\n')[task.range.line] : read(task.path);
  return { title: task.title, state: task.state, issue: task.issue, group: task.group, estimate: task.estimate, agent: task.agent, priority: task.priority, sprint: task.sprint, deps: [...task.dependsOn].sort(), conflicts: task.conflictsWith, text: taskText(epic, task, read), line };
}

function edgesOf(epic: Epic): string[] {
  return epic.dependencies.map((d) => `${d.from}>${d.to}`).sort();
}

/** Whether a text holds the lines of a block one after the other, each indented alike (as a code block holds them). */
function holdsBlock(text: string, block: string): boolean {
  if (block === '') return true;
  const lines = text.split('\n');
  const want = block.split('\n');
  return lines.some((_, start) => {
    const first = lines[start];
    const indent = first.slice(0, first.length - want[0].length);
    if (!first.endsWith(want[0]) || !/^ *$/.test(indent)) return false;
    return want.every((w, i) => lines[start + i] === (w === '' ? '' : indent + w));
  });
}

async function applied(files: ReadonlyMap<string, string>, change: PlanChange) {
  const next = new Map(files);
  applyChange(next, change);
  return { files: next, index: await indexOf(next) };
}

function context(files: ReadonlyMap<string, string>, paths: Iterable<string>, extra: unknown): string {
  return `${JSON.stringify(extra)}\n${[...paths].map((p) => `== ${p}\n${files.get(p)}`).join('\n')}`;
}

describe('expanding a task, random subtasks', () => {
  for (const ws of WORKSPACES) {
    test(`${ws.name}: only the expanded task and the new ones change, and the dependencies read back exactly`, async () => {
      const before = await indexOf(ws.files);
      const epic = before.epic(ws.epicId)!;
      const open = epic.tasks.filter((t) => t.state !== 'done');
      const had = problems(before);
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...open.map((t) => t.id)), subtasksArb, async (taskId, subtasks: readonly ProposedSubtask[]) => {
          const read = readerOf(ws.files);
          const change = expandChange(epic, taskId, subtasks, read, NOW);
          const { files, index } = await applied(ws.files, change);
          const touched = [...change.edits.map((e) => e.path), ...change.creates.map((c) => c.path)];
          const why = () => context(files, touched, { taskId, subtasks });
          const got = index.epic(ws.epicId)!;
          const readAfter = readerOf(files);

          // The ids, as appendTaskChange would choose them one after the other.
          const single = epic.layout === 'single-file';
          const top = Math.max(0, ...epic.tasks.map((t) => numericId(t.id) ?? 0));
          const local = Math.max(0, ...epic.tasks.map((t) => t.id).filter((id) => /^\d{1,3}$/.test(id)).map(Number));
          const ids = subtasks.map((_, i) => (single ? `T${top + i + 1}` : String(local + i + 1).padStart(3, '0')));
          assert.deepEqual(change.taskIds, ids);

          // Worked out from the subtasks: the first ones inherit, the last ones are waited for.
          const x = epic.tasks.find((t) => t.id === taskId)!;
          const idOf = new Map(subtasks.map((s, i) => [s.key, ids[i]] as const));
          const wantDeps = new Map(subtasks.map((s) => [idOf.get(s.key)!, s.dependsOn.length === 0 ? [...x.dependsOn] : s.dependsOn.map((k) => idOf.get(k)!)] as const));
          const sinks = subtasks.filter((s) => !subtasks.some((o) => o.dependsOn.includes(s.key))).map((s) => idOf.get(s.key)!);
          wantDeps.set(taskId, [...x.dependsOn, ...sinks]);
          const newEdges = [...subtasks.flatMap((s) => (wantDeps.get(idOf.get(s.key)!) ?? []).map((d) => `${d}>${idOf.get(s.key)}`)), ...sinks.map((s) => `${s}>${taskId}`)];
          assert.deepEqual(edgesOf(got), [...edgesOf(epic), ...newEdges].sort(), why());

          assert.equal(got.tasks.length, epic.tasks.length + subtasks.length, why());
          subtasks.forEach((s, i) => {
            const t = got.tasks.find((task) => task.id === ids[i]);
            assert.ok(t, `${ids[i]} is missing\n${why()}`);
            assert.equal(t.title, s.title, why());
            assert.equal(readEstimate(t.estimate), s.estimateHours, why());
            assert.equal(t.agent ?? '', s.agent, why());
            assert.equal(t.state, 'open');
            assert.equal(t.group, x.group, why());
            assert.deepEqual([...t.dependsOn].sort(), [...new Set(wantDeps.get(ids[i]))].sort(), why());
            assert.ok(holdsBlock(taskText(got, t, readAfter), s.description), why());
          });
          for (const old of epic.tasks) {
            const now = got.tasks.find((t) => t.id === old.id)!;
            const want = fingerprint(epic, old, read);
            const have = fingerprint(got, now, readAfter);
            if (old.id === taskId) {
              assert.deepEqual(have.deps, [...new Set(wantDeps.get(taskId))].sort(), why());
              assert.deepEqual({ ...have, deps: [], line: '' }, { ...want, deps: [], line: '' }, why());
              if (single) assert.equal(have.line, want.line);
              else {
                // Its file changes in its dependencies and its `updated` time, nowhere else.
                const [was, is] = [read(old.path), readAfter(now.path)].map((text) => {
                  const fm = findFrontmatter(text)!;
                  const { depends_on: _deps, updated: _updated, ...rest } = fm.data;
                  return { rest, body: text.split(/\r?\n/).slice(fm.endLine + 1) };
                });
                assert.deepEqual(is, was, why());
              }
            } else assert.deepEqual(have, want, why());
          }
          if (single) {
            assert.ok(change.edits.every((f) => f.edits.every((e) => e.length === 0)), 'a single file is only added to');
            const order = got.tasks.map((t) => t.id);
            assert.deepEqual(order.slice(order.indexOf(taskId) - ids.length, order.indexOf(taskId)), ids, 'right before the expanded task');
          } else {
            // Every file but the expanded task's and epic.md is as it was.
            for (const [path, text] of ws.files) if (path !== x.path && path !== epic.path) assert.equal(files.get(path), text, path);
          }
          const now = problems(index);
          for (const p of now) assert.ok(had.has(p), `${p}\n${why()}`);
        }),
        { numRuns: RUNS },
      );
    });
  }
});

describe('re-scoping a task, random answers', () => {
  for (const ws of WORKSPACES) {
    test(`${ws.name}: only the re-scoped task changes, and it keeps its state, issue, dependencies and group`, async () => {
      const before = await indexOf(ws.files);
      const epic = before.epic(ws.epicId)!;
      const had = problems(before);
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...epic.tasks.map((t) => t.id)), taskFields, async (taskId, raw) => {
          const next = tidyTask(raw);
          const read = readerOf(ws.files);
          const change = rescopeChange(epic, taskId, next, read, NOW);
          const { files, index } = await applied(ws.files, change);
          const touched = change.edits.map((e) => e.path);
          const why = () => context(files, touched, { taskId, next });
          const got = index.epic(ws.epicId)!;
          const readAfter = readerOf(files);
          const old = epic.tasks.find((t) => t.id === taskId)!;
          const t = got.tasks.find((task) => task.id === taskId)!;
          assert.deepEqual(got.tasks.map((task) => task.id), epic.tasks.map((task) => task.id), why());
          assert.equal(t.title, next.title, why());
          assert.equal(readEstimate(t.estimate), next.estimateHours, why());
          assert.equal(t.agent ?? '', next.agent, why());
          assert.deepEqual([t.state, t.issue, t.group, t.priority, t.sprint, [...t.dependsOn].sort(), t.conflictsWith], [old.state, old.issue, old.group, old.priority, old.sprint, [...old.dependsOn].sort(), old.conflictsWith], why());
          assert.ok(holdsBlock(taskText(got, t, readAfter), next.description), why());
          for (const c of next.acceptanceCriteria) assert.ok(taskText(got, t, readAfter).includes(c), why());
          for (const other of epic.tasks) {
            if (other.id === taskId) continue;
            assert.deepEqual(fingerprint(got, got.tasks.find((task) => task.id === other.id)!, readAfter), fingerprint(epic, other, read), why());
          }
          assert.deepEqual(edgesOf(got), edgesOf(epic), why());
          if (epic.layout === 'single-file') {
            // Before the task line and after the lines indented under it, the file is as it was.
            const lines = ws.files.get(epic.path)!.split('\n');
            const indent = (l: string) => l.length - l.trimStart().length;
            let end = old.range.line;
            for (let l = end + 1; l < lines.length && (lines[l].trim() === '' || indent(lines[l]) > indent(lines[old.range.line])); l++) if (lines[l].trim() !== '') end = l;
            const text = files.get(epic.path)!;
            // The label may be written anew (`**Task 3: Title**` for a title that ends like an issue link), the marker and checkbox not.
            const head = /^\s*(?:[-*+]|\d+[.)])\s+\[.\]\s+/.exec(lines[old.range.line])![0];
            assert.ok(text.startsWith(lines.slice(0, old.range.line).join('\n') + (old.range.line > 0 ? '\n' : '') + head), why());
            assert.ok(text.endsWith(lines.slice(end + 1).join('\n')), why());
          } else {
            for (const [path, text] of ws.files) if (path !== old.path && path !== epic.path) assert.equal(files.get(path), text, path);
          }
          for (const p of problems(index)) assert.ok(had.has(p), `${p}\n${why()}`);
        }),
        { numRuns: RUNS },
      );
    });
  }
});
