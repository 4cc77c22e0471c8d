/**
 * An epic's `progress:` value held to its tasks: when it is reported (and when, for values
 * that are no percentage, it is not), the fix that sets it, written the way it was, in
 * both layouts, and `autopm validate --fix` applying it.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { validateFixCommand } from '../../src/cliFix';
import { applyChange, setTaskStateChange } from '../../src/core/edits';
import { fixesFor, safeFixes } from '../../src/core/fixes/fixes';
import type { Diagnostic } from '../../src/core/model';
import { DEFAULT_PLAN_ROOTS } from '../../src/core/planIndex';
import { writtenPercent } from '../../src/core/progress';
import { splitLines } from '../../src/core/text';
import { applied, checkFix, workspaceOf } from './fixesHelpers';
import { toCrlf } from './helpers';

const DIR = '.claude/epics/shop';
const EPIC = `${DIR}/epic.md`;
const SINGLE = 'epics/epic-001-search.md';

function taskFile(status: string): string {
  return `---\nname: Step\nstatus: ${status}\ndepends_on: []\n---\n\n# Task: Step\n`;
}

/** A directory epic whose `epic.md` has the line `progress` (as given) in its frontmatter. */
function epicMd(progress: string | undefined): string {
  return ['---', 'name: shop', 'status: in-progress', ...(progress === undefined ? [] : [progress]), 'created: 2026-03-01T10:00:00Z', '---', '', '# Epic: shop', ''].join('\n');
}

/** `epic.md` and one task file per status. */
function directory(progress: string | undefined, statuses: readonly string[]): Record<string, string> {
  const files: Record<string, string> = { [EPIC]: epicMd(progress) };
  statuses.forEach((s, i) => (files[`${DIR}/${String(i + 1).padStart(3, '0')}.md`] = taskFile(s)));
  return files;
}

const THREE_OF_FIVE = ['closed', 'closed', 'closed', 'open', 'in-progress'];

/** A single-file epic: frontmatter lines, then one task line per checkbox mark. */
function singleFile(frontmatter: readonly string[], marks: string): string {
  const head = frontmatter.length > 0 ? ['---', ...frontmatter, '---', ''] : [];
  const tasks = [...marks].map((m, i) => `- [${m}] **Task ${i + 1}:** Step ${i + 1}`);
  return [...head, '# Epic 001: Search', '', '**Status:** In Progress', '', '## Tasks', '', ...tasks, ''].join('\n');
}

const stale = (diagnostics: readonly Diagnostic[]) => diagnostics.filter((d) => d.code === 'progress-stale');

async function staleOf(files: Record<string, string>): Promise<Diagnostic[]> {
  return stale((await workspaceOf(files)).diagnostics);
}

describe('progress-stale', () => {
  test('a progress the tasks no longer bear out is information on the value, with the numbers', async () => {
    const found = await staleOf(directory('progress: 40%', THREE_OF_FIVE));
    assert.deepEqual(found, [
      {
        path: EPIC,
        range: { line: 3, column: 10, endLine: 3, endColumn: 13 },
        severity: 'info',
        code: 'progress-stale',
        message: 'The progress says 40%, but 3 of 5 tasks are done (60%).',
        data: { code: 'progress-stale', written: '40%', percent: 60 },
      },
    ]);
  });

  test('values that read as a percentage are compared; a wrong one is reported whatever its form', async () => {
    const cases: Array<[line: string, range: [number, number], written: string]> = [
      ['progress: 40', [10, 12], '40'],
      ['progress: "40%"', [10, 15], '40%'],
      ["progress: '40%'", [10, 15], '40%'],
      ['progress: "40"', [10, 14], '40'],
      ['progress: 40 %', [10, 14], '40 %'],
      ['progress: 42.5%', [10, 15], '42.5%'],
      ['progress: 40%  # by hand', [10, 13], '40%'],
      ['Progress: 40%', [10, 13], '40%'],
      // A percentage, only not a possible one: still not what the tasks say.
      ['progress: 150%', [10, 14], '150%'],
      // Written over two lines: the key is marked, since no value is on its line.
      ['progress:\n  40%', [0, 9], '40%'],
    ];
    for (const [line, [column, endColumn], written] of cases) {
      const found = await staleOf(directory(line, THREE_OF_FIVE));
      assert.deepEqual(found.map((d) => [d.range, d.data]), [[{ line: 3, column, endLine: 3, endColumn }, { code: 'progress-stale', written, percent: 60 }]], line);
    }
  });

  test('nothing is said of a value in step, one that is no percentage, or an epic with nothing to count', async () => {
    const quiet: Array<[progress: string | undefined, statuses: readonly string[]]> = [
      ['progress: 60%', THREE_OF_FIVE],
      ['progress: 60', THREE_OF_FIVE],
      ['progress: "60%"', THREE_OF_FIVE],
      // To the whole percent the edits write: 1 of 3 is 33%.
      ['progress: 33.3%', ['closed', 'open', 'open']],
      ['progress: 59.6%', THREE_OF_FIVE],
      // No percentage: there is no telling what was meant, so nothing is claimed.
      ['progress: n/a', THREE_OF_FIVE],
      ['progress: TBD', THREE_OF_FIVE],
      ['progress:', THREE_OF_FIVE],
      ['progress: ""', THREE_OF_FIVE],
      ['progress:   # filled in by sync', THREE_OF_FIVE],
      // A bare fraction may mean 0.4% or 40%.
      ['progress: 0.4', THREE_OF_FIVE],
      ['progress: -5%', THREE_OF_FIVE],
      ['progress: [40]', THREE_OF_FIVE],
      ['progress: true', THREE_OF_FIVE],
      [undefined, THREE_OF_FIVE],
      // A new epic's `progress: 0%` before any task, and a value with no tasks to hold it to.
      ['progress: 0%', []],
      ['progress: 50%', []],
      ['progress: 0%', ['open', 'in-progress']],
    ];
    for (const [progress, statuses] of quiet) assert.deepEqual(await staleOf(directory(progress, statuses)), [], `${progress} with ${statuses.join(',')}`);
  });

  test('the reading of a written value', () => {
    assert.deepEqual(['40%', ' 40 % ', 40, '40', '42.5%', 0, '0%'].map(writtenPercent), [
      { value: 40, sign: true },
      { value: 40, sign: true },
      { value: 40, sign: false },
      { value: 40, sign: false },
      { value: 42.5, sign: true },
      { value: 0, sign: false },
      { value: 0, sign: true },
    ]);
    assert.deepEqual(['n/a', '', null, undefined, 0.4, '0.4', '-5%', '4O%', true, ['40%'], {}, Number.NaN, Infinity].map(writtenPercent), Array(13).fill(undefined));
  });

  test('the single-file layout: a frontmatter progress is checked; a **Progress:** line is not', async () => {
    const found = await staleOf({ [SINGLE]: singleFile(['progress: 25%'], 'xx  ') });
    assert.deepEqual(found.map((d) => [d.path, d.range, d.message]), [[SINGLE, { line: 1, column: 10, endLine: 1, endColumn: 13 }, 'The progress says 25%, but 2 of 4 tasks are done (50%).']]);
    const bold = singleFile([], 'xx  ').replace('**Status:** In Progress', '**Status:** In Progress\n**Progress:** 25%');
    assert.deepEqual(await staleOf({ [SINGLE]: bold }), []);
    assert.deepEqual(await staleOf({ [SINGLE]: singleFile(['progress: 50%'], 'xx  ') }), []);
  });
});

describe('the progress fix', () => {
  test('a directory epic: the number is set to what the tasks give, safely, and nothing else changes', async () => {
    const fixes = await checkFix({
      files: directory('progress: 40%', THREE_OF_FIVE),
      code: 'progress-stale',
      title: 'Set progress to 60%',
      safe: true,
      after: { [EPIC]: epicMd('progress: 60%') },
    });
    assert.deepEqual(fixes.map((f) => [f.title, f.safe, f.preferred, f.preview]), [['Set progress to 60%', true, true, false]]);
  });

  test('the value keeps the form it was written in: quotes, a bare number, spacing, decimals, a comment', async () => {
    const forms: Array<[before: string, after: string]> = [
      ['progress: 40', 'progress: 60'],
      ['progress: "40%"', 'progress: "60%"'],
      ["progress: '40%'", "progress: '60%'"],
      ['progress: "40"', 'progress: "60"'],
      ['progress: 40 %', 'progress: 60 %'],
      ['progress: 42.5%', 'progress: 60%'],
      ['progress: 40%  # by hand', 'progress: 60%  # by hand'],
      ['progress:    40%', 'progress:    60%'],
      ['Progress: 40%', 'Progress: 60%'],
      ['progress: 150%', 'progress: 60%'],
      // Written over two lines, it is written again on the key's line.
      ['progress:\n  40%', 'progress: 60%'],
      // Read by YAML as 40, but not written as a number the fix can change alone.
      ['progress: 4e1', 'progress: 60'],
    ];
    for (const [before, after] of forms) {
      await checkFix({ files: directory(before, THREE_OF_FIVE), code: 'progress-stale', title: 'Set progress to 60%', safe: true, after: { [EPIC]: epicMd(after) } });
    }
  });

  test('zero tasks done is 0%, and all of them 100%', async () => {
    await checkFix({ files: directory('progress: 10%', ['open', 'open', 'in-progress']), code: 'progress-stale', title: 'Set progress to 0%', safe: true, after: { [EPIC]: epicMd('progress: 0%') } });
    await checkFix({ files: directory('progress: 80', ['closed', 'done']), code: 'progress-stale', title: 'Set progress to 100%', safe: true, after: { [EPIC]: epicMd('progress: 100') } });
  });

  test('a single-file epic: its own task lines give the number', async () => {
    await checkFix({
      files: { [SINGLE]: singleFile(['status: in-progress', 'progress: "25%"  # weekly'], 'xx- ') },
      code: 'progress-stale',
      title: 'Set progress to 50%',
      safe: true,
      after: { [SINGLE]: singleFile(['status: in-progress', 'progress: "50%"  # weekly'], 'xx- ') },
    });
  });

  test('a byte-order mark and CRLF line ends are kept', async () => {
    const files = directory('progress: 40%', THREE_OF_FIVE);
    const bom = { ...files, [EPIC]: '\uFEFF' + toCrlf(files[EPIC]) };
    const ws = await workspaceOf(bom);
    const [d] = stale(ws.diagnostics);
    assert.deepEqual(d.range, { line: 3, column: 10, endLine: 3, endColumn: 13 });
    const [fix] = fixesFor(d, ws.plan);
    assert.equal(applied(ws.files, fix.change).get(EPIC), '\uFEFF' + toCrlf(epicMd('progress: 60%')));
  });

  test('the fix is worked out from the text as it is now, and applying it twice changes nothing more', async () => {
    const files = { [SINGLE]: singleFile(['progress: 25%'], 'xx  ') };
    const ws = await workspaceOf(files);
    const [d] = stale(ws.diagnostics);
    // A third box ticked since the file was read: the fix counts it.
    const now = new Map(ws.files).set(SINGLE, singleFile(['progress: 25%'], 'xxx '));
    const plan = { ...ws.plan, read: (p: string) => now.get(p)! };
    const [fix] = fixesFor(d, plan);
    assert.equal(fix.title, 'Set progress to 75%');
    const once = applied(now, fix.change);
    assert.equal(once.get(SINGLE), singleFile(['progress: 75%'], 'xxx '));
    // The same diagnostic asked again of the fixed text has no fix: applying it again is a no-op.
    assert.deepEqual(fixesFor(d, { ...ws.plan, read: (p: string) => once.get(p)! }), []);
    const again = await workspaceOf(once);
    assert.deepEqual(stale(again.diagnostics), []);
    assert.deepEqual(safeFixes(again.plan, again.diagnostics).fixes, []);
    // Put right by hand before the fix is asked for: nothing to do.
    assert.deepEqual(fixesFor(d, { ...ws.plan, read: () => singleFile(['progress: 50%'], 'xx  ') }), []);
  });

  test('with other safe fixes, in one pass: a checklist line added and the progress set', async () => {
    const files = directory('progress: 0%', ['closed', 'open']);
    files[EPIC] = files[EPIC] + '\n## Tasks Created\n- [x] 001.md - Step\n';
    const ws = await workspaceOf(files);
    const { fixes, change } = safeFixes(ws.plan, ws.diagnostics);
    assert.deepEqual(fixes.map((f) => f.code), ['progress-stale', 'checklist-missing-task']);
    const after = applied(ws.files, change);
    assert.equal(after.get(EPIC), epicMd('progress: 50%') + '\n## Tasks Created\n- [x] 001.md - Step\n- [ ] 002.md - Step\n');
    assert.deepEqual((await workspaceOf(after)).diagnostics.filter((d) => d.path === EPIC), []);
  });
});

describe('completing a task from the editor keeps a single-file progress in step', () => {
  test('the checkbox and the frontmatter progress change together, so nothing goes stale', async () => {
    const text = singleFile(['status: in-progress', 'progress: 25%'], 'x   ');
    const ws = await workspaceOf({ [SINGLE]: text });
    const epic = ws.index.allEpics[0];
    const files = new Map([[SINGLE, toCrlf(text)]]);
    applyChange(files, setTaskStateChange(epic, 'T2', 'done', (p) => files.get(p)!, '2026-03-10T10:00:00Z'));
    assert.equal(files.get(SINGLE), toCrlf(singleFile(['status: in-progress', 'progress: 50%'], 'xx  ')));
    assert.deepEqual(stale((await workspaceOf(files)).diagnostics), []);
    // Without a progress key, only the checkbox changes.
    const plain = new Map([[SINGLE, singleFile([], 'x   ')]]);
    applyChange(plain, setTaskStateChange((await workspaceOf(plain)).index.allEpics[0], 'T2', 'done', (p) => plain.get(p)!, '2026-03-10T10:00:00Z'));
    assert.equal(plain.get(SINGLE), singleFile([], 'xx  '));
  });

  test('the progress keeps the form it is written in, and words are left as they are', async () => {
    const complete = async (progress: string) => {
      const files = new Map([[SINGLE, singleFile(['status: in-progress', progress], 'x   ')]]);
      const epic = (await workspaceOf(files)).index.allEpics[0];
      applyChange(files, setTaskStateChange(epic, 'T2', 'done', (p) => files.get(p)!, '2026-03-10T10:00:00Z'));
      return files.get(SINGLE);
    };
    assert.equal(await complete('progress: "25%"'), singleFile(['status: in-progress', 'progress: "50%"'], 'xx  '));
    assert.equal(await complete('progress: 25'), singleFile(['status: in-progress', 'progress: 50'], 'xx  '));
    assert.equal(await complete('progress: n/a'), singleFile(['status: in-progress', 'progress: n/a'], 'xx  '));
  });
});

describe('autopm validate --fix', () => {
  test('sets a stale progress, keeping a bare number bare, and a second run finds nothing', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'autopm-progress-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    for (const [path, text] of Object.entries(directory('progress: 40', THREE_OF_FIVE))) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), toCrlf(text));
    }
    const out: string[] = [];
    const io = { out: (s: string) => out.push(s), err: (s: string) => out.push(s) };
    assert.equal(await validateFixCommand(dir, DEFAULT_PLAN_ROOTS, { dryRun: false, json: false }, io), 0);
    assert.match(out.join('\n'), /^Fixed 1 problem in 1 file:\n {2}\.claude\/epics\/shop\/epic\.md:4 {2}Set progress to 60% {2}\[progress-stale\]$/m);
    assert.equal(readFileSync(join(dir, EPIC), 'utf8'), toCrlf(epicMd('progress: 60')));
    out.length = 0;
    assert.equal(await validateFixCommand(dir, DEFAULT_PLAN_ROOTS, { dryRun: false, json: false }, io), 0);
    assert.ok(out.join('\n').startsWith('Nothing to fix without a choice.'), out.join('\n'));
  });
});

// ---------------------------------------------------------------------------------
// Generated epics

/** How a generated value is written: `%` or bare, quoted or not, spaced, with a comment. */
interface Form {
  readonly sign: boolean;
  readonly quote: '' | '"' | "'";
  readonly pad: string;
  readonly comment: boolean;
}

const form: fc.Arbitrary<Form> = fc.record({
  sign: fc.boolean(),
  quote: fc.constantFrom('' as const, '"' as const, "'" as const),
  pad: fc.constantFrom(' ', '   '),
  comment: fc.boolean(),
});

function progressLine(value: number, f: Form): string {
  return `progress:${f.pad}${f.quote}${value}${f.sign ? '%' : ''}${f.quote}${f.comment ? '  # by hand' : ''}`;
}

describe('the progress fix on generated epics', () => {
  test('in either layout, whatever is done and written: the fixed file says what the tasks do and differs only in the number', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.array(fc.constantFrom('done', 'open', 'started'), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 0, max: 100 }),
        form,
        fc.boolean(),
        async (directoryLayout, states, value, f, crlf) => {
          const line = progressLine(value, f);
          const eol = crlf ? toCrlf : (s: string) => s;
          const status = { done: 'closed', open: 'open', started: 'in-progress' } as const;
          const mark = { done: 'x', open: ' ', started: '-' } as const;
          const raw = directoryLayout ? directory(line, states.map((s) => status[s])) : { [SINGLE]: singleFile(['status: in-progress', line], states.map((s) => mark[s]).join('')) };
          const files = Object.fromEntries(Object.entries(raw).map(([p, t]) => [p, eol(t)]));
          const path = directoryLayout ? EPIC : SINGLE;
          const done = states.filter((s) => s === 'done').length;
          const percent = Math.round((done / states.length) * 100);

          const ws = await workspaceOf(files);
          const found = stale(ws.diagnostics);
          if (value === percent) {
            assert.deepEqual(found, []);
            return;
          }
          assert.equal(found.length, 1);
          assert.equal(found[0].message, `The progress says ${value}${f.sign ? '%' : ''}, but ${done} of ${states.length} tasks are done (${percent}%).`);
          const fixes = fixesFor(found[0], ws.plan);
          assert.deepEqual(fixes.map((x) => [x.title, x.safe]), [[`Set progress to ${percent}%`, true]]);
          const after = applied(ws.files, fixes[0].change);
          for (const [p, text] of ws.files) if (p !== path) assert.equal(after.get(p), text, `${p} is not changed`);
          // Only the number changes: every other byte, line ends included, stays.
          const before = ws.files.get(path)!;
          const fixed = after.get(path)!;
          assert.equal(fixed, before.replace(line, progressLine(percent, f)));
          assert.equal(splitLines(fixed).length, splitLines(before).length);
          const again = await workspaceOf(after);
          assert.deepEqual(stale(again.diagnostics), []);
          assert.deepEqual(fixesFor(found[0], again.plan), []);
        },
      ),
      { numRuns: 150 },
    );
  });
});
