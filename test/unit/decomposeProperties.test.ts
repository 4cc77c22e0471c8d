/**
 * Property tests of a PRD's breakdown written as an epic. Random plans that pass the
 * check (random dependency graphs without circles, titles and texts full of markdown and
 * plan syntax, unicode, tasks with and without groups, many tasks) are written in both
 * layouts, and the workspace's own index reads them back: the same tasks, titles,
 * groups, estimates, agents, dependencies and milestones, the PRD linked to its epic,
 * and no error or warning from validation. What is expected is worked out from the plan,
 * not from the code that wrote the files.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkProposedPlan } from '../../src/core/decompose/checkPlan';
import { decompositionFiles } from '../../src/core/decompose/epicFiles';
import type { ProposedPlan } from '../../src/core/decompose/planSchema';
import { applyChange } from '../../src/core/edits';
import { readEstimate } from '../../src/core/estimate';
import type { WrittenLayout } from '../../src/core/model';
import { DEFAULT_PLAN_ROOTS, PlanIndex } from '../../src/core/planIndex';
import { MemoryFileSystem } from './helpers';

const RUNS = Number(process.env.DECOMPOSE_PROPERTY_RUNS ?? 60);
const NOW = '2026-05-04T09:30:00Z';

// Fragments that look like the plan's own syntax, or markdown that changes what follows.
const RISKY = ['**', '__', '*', '_', '`', '#', '#12', '(#12)', '[ ]', '[x]', '[-]', 'T3', 'Task 4:', 'Tasks 1-3', '**Task 2:**', '**M1:**', '|', '\\', '<!--', '-->', '<br>', '---', '- [ ]', '[link](x.md)', '&amp;', ':', '->', '-->', '"', "'", '(', ')', '[', ']', '{', '}', ';', '~~~'];
const WORDS = ['cache', 'login', 'API', 'schema', 'deploy', 'retry', 'Redis', 'page', 'tests', 'v2', 'rate limit', 'Zürich', 'naïve', '東京', 'مرحبا', 'emoji 🚀', 'e\u0301', '\u00a0nbsp', 'ß', 'Ωmega', '👩‍💻'];

// eslint-disable-next-line no-control-regex
const LINE_BREAK = /[\n\r\u000b\u000c\u0085\u2028\u2029]/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000e-\u001f\u007f-\u009f]/;

const word = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...WORDS) }, { weight: 2, arbitrary: fc.constantFrom(...RISKY) }, { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 4 }) });
/** A one-line text of words and risky fragments, the way a check passes it. */
const oneLine = fc
  .array(word, { minLength: 1, maxLength: 7 })
  .map((parts) => parts.join(' ').trim())
  .filter((t) => t !== '' && !LINE_BREAK.test(t) && !CONTROL.test(t));

// Lines a description or overview may hold that the parsers would read as plan structure.
const RISKY_LINES = [
  '- [ ] **Task 9:** not a task of ours',
  '- [x] Task 2: done already',
  '  - [-] T4: half way',
  '# Heading',
  '## Tasks',
  '### A group?',
  '**M1 (Day 1):** not a milestone',
  '- **M2:** nor this',
  '- **Estimate:** 9 days',
  '- **Agent:** someone else',
  '- **Priority:** high',
  '- **Sprint:** Sprint 9',
  '- **Depends on:** Task 1',
  '- depends on T1, T2',
  '**Depends on:** #12',
  '```mermaid\ngraph TD\n  T1 --> T2\n```',
  '```sh\n# a comment\nnpm test\n```',
  '~~~\n## inside a fence\n~~~',
  '    indented code',
  '> quoted - [ ] **Task 3:** x',
  '| a | b |\n|---|---|\n| 1 | 2 |',
  '---',
  '1. first\n2. second',
  '<!-- a comment -->',
  'Setext heading\n===',
  '',
];
const markdownLine = fc.oneof(fc.constantFrom(...RISKY_LINES), oneLine);
const markdown = fc.array(markdownLine, { maxLength: 6 }).map((lines) => lines.join('\n'));

const keySpelling = fc.constantFrom((n: number) => `T${n}`, (n: number) => `t${n}`, (n: number) => `Task ${n}`, (n: number) => `task-0${n}`);

/**
 * Titles no task line can hold, which the single-file layout refuses (see the unit
 * tests): bold at the start is read as part of the task line's `**Task 3:**`, unless
 * the line is written plainly, where an issue link at the end is read as the task's issue.
 */
function taskLineCanHold(title: string): boolean {
  return !(/^(?:\*\*|__)/.test(title) && /\((?:#\d+|\[#\d+\]\([^)\s]*\))\)$/.test(title));
}

interface Generated {
  readonly raw: Record<string, unknown>;
  readonly n: number;
}

/**
 * A plan of n tasks whose dependencies follow a random order of the tasks (so they never
 * go round), with keys and references spelled in the ways models spell them.
 */
function planArb(minTasks: number, maxTasks: number): fc.Arbitrary<Generated> {
  return fc.integer({ min: minTasks, max: maxTasks }).chain((n) =>
    fc
      .record({
        title: oneLine,
        overview: markdown,
        order: fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }),
        tasks: fc.array(
          fc.record({
            title: oneLine.filter(taskLineCanHold),
            group: fc.oneof(fc.constant(''), fc.constantFrom('Setup', 'API #', 'Tests', '東京', '**Bold** group', '## hashes'), oneLine),
            description: markdown,
            acceptanceCriteria: fc.array(fc.oneof(oneLine, fc.constantFrom(...RISKY_LINES.filter((l) => !l.includes('\n')))), { maxLength: 4 }),
            estimateHours: fc.oneof(fc.integer({ min: 1, max: 40 }), fc.double({ min: 0.01, max: 10_000, noNaN: true })),
            agent: fc.oneof(fc.constant(''), fc.constantFrom('python-backend-engineer', 'postgresql-expert, docker-expert'), oneLine),
            parallel: fc.boolean(),
            deps: fc.array(fc.nat(), { maxLength: 4 }),
            key: keySpelling,
            ref: keySpelling,
          }),
          { minLength: n, maxLength: n },
        ),
        milestones: fc.array(fc.record({ title: oneLine, when: fc.oneof(fc.constant(''), fc.constantFrom('Day 2', 'Week (1)', 'T+3'), oneLine), tasks: fc.array(fc.nat(), { maxLength: 4 }) }), { maxLength: 3 }),
      })
      .map(({ title, overview, order, tasks, milestones }) => {
        const rank = new Map(order.map((task, i) => [task, i] as const));
        const raw = {
          title,
          overview,
          tasks: tasks.map((t, i) => {
            const earlier = order.slice(0, rank.get(i));
            const deps = earlier.length === 0 ? [] : [...new Set(t.deps.map((d) => earlier[d % earlier.length]))];
            return {
              key: t.key(i + 1),
              title: t.title,
              group: t.group,
              description: t.description,
              acceptanceCriteria: t.acceptanceCriteria,
              estimateHours: t.estimateHours,
              agent: t.agent,
              dependsOn: deps.map((d) => t.ref(d + 1)),
              parallel: t.parallel,
            };
          }),
          milestones: milestones.map((m, i) => ({ id: `M${i + 1}`, title: m.title, when: m.when, tasks: [...new Set(m.tasks.map((k) => `T${(k % n) + 1}`))] })),
        };
        return { raw, n };
      }),
  );
}

function checked(raw: unknown): ProposedPlan {
  const result = checkProposedPlan(raw, { maxTasks: 1000 });
  assert.ok(result.ok, result.ok ? '' : `${result.problems.join('\n')}\n${JSON.stringify(raw)}`);
  return result.plan;
}

const PRD_PATH: Record<WrittenLayout, string> = { 'single-file': 'prds/prd-001-payments.md', directory: '.claude/prds/payments.md' };
const PRD_TEXT: Record<WrittenLayout, string> = {
  'single-file': '# PRD-001: Payments\n\n**Created:** 2026-05-01\n**Status:** Draft\n\n## Problem Statement\n\nNo payments.\n',
  directory: '---\nname: payments\nstatus: backlog\ncreated: 2026-05-01T00:00:00Z\n---\n\n# PRD: Payments\n',
};

async function roundTrip(plan: ProposedPlan, layout: WrittenLayout): Promise<void> {
  const files = new Map([[PRD_PATH[layout], PRD_TEXT[layout]]]);
  const before = new PlanIndex(new MemoryFileSystem(new Map(files)));
  await before.build();
  const prd = before.prds[0];
  const result = decompositionFiles({
    plan,
    prd,
    prdText: PRD_TEXT[layout],
    epics: [],
    roots: DEFAULT_PLAN_ROOTS,
    existingRoots: new Set([PRD_PATH[layout].split('/').slice(0, -1).join('/')]),
    paths: [...files.keys()],
    now: NOW,
  });
  assert.ok(result.ok, result.ok ? '' : `${result.problems.join('\n')}\n${JSON.stringify(plan)}`);
  assert.equal(result.layout, layout);
  applyChange(files, result.change);
  const index = new PlanIndex(new MemoryFileSystem(files));
  await index.build();
  const epic = index.epic(result.epicId);
  assert.ok(epic, 'the index does not find the epic');
  const context = () => `${layout}\n${[...files].map(([p, t]) => `== ${p}\n${t}`).join('\n')}`;

  // The tasks, by the ids the plan's keys became: in plan order, T1... or 001...
  const ids = plan.tasks.map((_, i) => (layout === 'single-file' ? `T${i + 1}` : String(i + 1).padStart(3, '0')));
  const idOf = new Map(plan.tasks.map((t, i) => [t.key, ids[i]] as const));
  assert.deepEqual([...result.taskIds], plan.tasks.map((t) => [t.key, idOf.get(t.key)]));
  assert.equal(epic.tasks.length, plan.tasks.length, context());
  const byId = new Map(epic.tasks.map((t) => [t.id, t] as const));
  plan.tasks.forEach((want, i) => {
    const got = byId.get(ids[i]);
    assert.ok(got, `${ids[i]} is missing\n${context()}`);
    assert.equal(got.title, want.title, context());
    assert.equal(got.state, 'open');
    assert.equal(got.issue, undefined);
    assert.equal(readEstimate(got.estimate), want.estimateHours, context());
    assert.equal(got.agent ?? '', want.agent, context());
    assert.deepEqual([...got.dependsOn].sort(), want.dependsOn.map((k) => idOf.get(k)!).sort(), context());
    if (layout === 'single-file') assert.equal(got.group ?? '', want.group, context());
    else assert.equal(got.parallel, want.parallel);
  });
  const edges = plan.tasks.flatMap((t) => t.dependsOn.map((d) => `${idOf.get(d)}>${idOf.get(t.key)}`)).sort();
  assert.deepEqual(epic.dependencies.map((d) => `${d.from}>${d.to}`).sort(), edges, context());

  if (layout === 'single-file') {
    const groups = [...new Set(plan.tasks.map((t) => t.group).filter((g) => g !== ''))];
    assert.deepEqual(
      [...epic.groups].map((g) => [g.name, [...g.taskIds].sort()]).sort(),
      groups.map((g) => [g, plan.tasks.filter((t) => t.group === g).map((t) => idOf.get(t.key)!).sort()]).sort(),
      context(),
    );
    assert.equal(epic.milestones.length, plan.milestones.length, context());
    plan.milestones.forEach((want, i) => {
      const got = epic.milestones[i];
      assert.equal(got.id, `M${i + 1}`);
      assert.deepEqual([...got.taskIds].sort(), want.tasks.map((k) => idOf.get(k)!).sort(), context());
      // The title as written, with the tasks listed after it; a word joiner may break a reference.
      assert.ok(got.title.replace(/\u2060/g, '').startsWith(want.title), context());
      assert.equal(got.when ?? '', want.when.replace(/\(/g, '[').replace(/\)/g, ']'));
    });
  } else {
    assert.deepEqual(epic.checklist.map((c) => c.taskId), ids, context());
  }

  // Linked both ways, and nothing for validation to complain of.
  const linkedPrd = index.prds[0];
  assert.deepEqual(index.epicsOfPrd(linkedPrd).map((e) => e.id), [result.epicId]);
  assert.equal(linkedPrd.title, prd.title);
  const ownPaths = new Set(files.keys());
  const complaints = index.diagnostics().filter((d) => ownPaths.has(d.path) && d.severity !== 'info');
  assert.deepEqual(complaints, [], context());
}

describe('a decomposed plan reads back as the plan', () => {
  for (const layout of ['single-file', 'directory'] as const) {
    test(`${layout}: random plans`, async () => {
      await fc.assert(fc.asyncProperty(planArb(1, 12), async ({ raw }) => roundTrip(checked(raw), layout)), { numRuns: RUNS });
    });
    test(`${layout}: many tasks`, async () => {
      await fc.assert(fc.asyncProperty(planArb(120, 200), async ({ raw }) => roundTrip(checked(raw), layout)), { numRuns: 3 });
    });
  }
});
