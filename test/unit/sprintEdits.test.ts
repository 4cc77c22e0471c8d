/**
 * Sprint edits: example tests for the ugly cases, and properties over generated sprint
 * files. The rule is the task edits' rule: an edit changes only the bytes it means to
 * (one reference line added or removed), every other byte stays, line endings included;
 * adding a task and removing it again gives back the file; the parse after an edit sees it.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { applyChange, PlanEditError } from '../../src/core/edits';
import type { Epic } from '../../src/core/model';
import { PlanIndex } from '../../src/core/planIndex';
import { parseSingleFileEpic } from '../../src/core/parse/singleFileEpicParser';
import type { Sprint } from '../../src/core/sprint';
import { buildSprintPlan, parseSprintFile } from '../../src/core/sprint';
import { addTaskToSprintChange, defaultSprintFolder, newSprintChange, removeTaskFromSprintChange, sprintFileStem } from '../../src/core/sprintEdits';
import { MemoryFileSystem, toCrlf } from './helpers';

const RUNS = Number(process.env.EDIT_PROPERTY_RUNS ?? 250);
const SPRINT_PATH = 'epics/sprints/sprint-7.md';
const EPIC_PATH = 'epics/epic-001-api.md';
const TASKS = 12;

const EPIC_TEXT = ['# Epic 001: API', '', '## Tasks', ...Array.from({ length: TASKS }, (_, i) => `- [ ] **Task ${i + 1}:** Work ${i + 1}`), ''].join('\n');
const EPIC: Epic = parseSingleFileEpic(EPIC_PATH, EPIC_TEXT).epic;

function readerOf(files: ReadonlyMap<string, string>): (path: string) => string {
  return (path) => {
    const text = files.get(path);
    if (text === undefined) throw new Error(`no file ${path}`);
    return text;
  };
}

function sprintOf(path: string, text: string, epics: readonly Epic[] = [EPIC]): Sprint {
  return buildSprintPlan([parseSprintFile(path, text)], epics).sprints.find((s) => s.path === path)!;
}

type Eol = '\n' | '\r\n';

interface RefItem {
  readonly n: number;
  readonly marker: '-' | '*' | '+';
  readonly box: '' | '[ ] ' | '[x] ';
  readonly title: string;
}

interface SprintDoc {
  readonly frontmatter: boolean;
  readonly extraKeys: readonly string[];
  readonly title: boolean;
  readonly intro: readonly string[];
  readonly heading: boolean;
  readonly blankAfterHeading: boolean;
  readonly refs: readonly RefItem[];
  readonly outro: readonly string[];
  readonly trail: readonly string[];
  readonly eol: Eol;
  readonly finalNewline: boolean;
}

const PROSE = ['Carry over what slipped.', 'Review on Friday.', 'Note: T3 alone is prose', '**Owner:** sam', 'See #12 and epic-001-api.'];

const refArb: fc.Arbitrary<RefItem> = fc.record({
  n: fc.integer({ min: 1, max: TASKS }),
  marker: fc.constantFrom<RefItem['marker']>('-', '-', '*', '+'),
  box: fc.constantFrom<RefItem['box']>('', '', '[ ] ', '[x] '),
  title: fc.constantFrom('', '', 'Login endpoint', '— carried over', '(#12)'),
});

const docArb: fc.Arbitrary<SprintDoc> = fc.record({
  frontmatter: fc.boolean(),
  extraKeys: fc.subarray(['owner: sam', 'capacity: 40', '# a comment', 'labels: [a, b]']),
  title: fc.boolean(),
  intro: fc.array(fc.constantFrom(...PROSE), { maxLength: 2 }),
  heading: fc.boolean(),
  blankAfterHeading: fc.boolean(),
  refs: fc.uniqueArray(refArb, { maxLength: 6, selector: (r) => r.n }),
  outro: fc.oneof(fc.constant([]), fc.constant(['', '## Retro', '', 'Went well.'])),
  trail: fc.array(fc.constantFrom('', '', '', ' ', '\t'), { minLength: 1, maxLength: 4 }),
  eol: fc.constantFrom<Eol>('\n', '\r\n'),
  finalNewline: fc.boolean(),
});

function renderDoc(doc: SprintDoc): { text: string; refLines: Map<number, number> } {
  const out: string[] = [];
  if (doc.frontmatter) out.push('---', 'name: Sprint 7', 'start: 2026-03-09', 'end: 2026-03-20', ...doc.extraKeys, '---', '');
  if (doc.title) out.push('# Sprint 7', '');
  if (doc.intro.length > 0) out.push(...doc.intro, '');
  if (doc.heading) out.push('## Tasks', ...(doc.blankAfterHeading ? [''] : []));
  const refLines = new Map<number, number>();
  for (const r of doc.refs) {
    refLines.set(r.n, out.length);
    out.push(`${r.marker} ${r.box}epic-001-api:T${r.n}${r.title ? ' ' + r.title : ''}`);
  }
  out.push(...doc.outro);
  // Trailing white space on prose lines only, counted among them, so that removing a
  // reference line does not move it: a reference line's text is what it is.
  const refAt = new Set(refLines.values());
  let prose = 0;
  const lines = out.map((line, i) => (refAt.has(i) ? line : line + doc.trail[prose++ % doc.trail.length]));
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  const text = lines.join(doc.eol) + (doc.finalNewline && lines.length > 0 ? doc.eol : '');
  return { text, refLines };
}

/** The text with exactly one zero-length insertion: what was inserted, and where. */
function insertionOf(before: string, after: string): { at: number; inserted: string } {
  let at = 0;
  while (at < before.length && before[at] === after[at]) at++;
  const inserted = after.slice(at, at + after.length - before.length);
  assert.equal(after.slice(0, at) + inserted + after.slice(at + inserted.length), after);
  assert.equal(after.slice(0, at) + after.slice(at + inserted.length), before, 'every other byte is kept');
  return { at, inserted };
}

describe('sprint edits: generated sprint files', () => {
  test(`adding a task inserts one reference line, and removing it gives the file back (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(docArb, fc.integer({ min: 1, max: TASKS }), (doc, n) => {
        fc.pre(!doc.refs.some((r) => r.n === n));
        const { text } = renderDoc(doc);
        const files = new Map([[SPRINT_PATH, text], [EPIC_PATH, EPIC_TEXT]]);
        const change = addTaskToSprintChange(sprintOf(SPRINT_PATH, text), EPIC, `T${n}`, readerOf(files), [EPIC]);
        applyChange(files, change);
        const after = files.get(SPRINT_PATH)!;
        assert.deepEqual(change.edits.map((e) => e.path), [SPRINT_PATH]);

        const { inserted } = insertionOf(text, after);
        const line = inserted.replace(/\r?\n/g, '');
        assert.match(line, new RegExp(`^[-*+] (\\[ \\] )?epic-001-api:T${n}$`));
        // In the file's own line endings (LF in a file with no line break yet), and a
        // missing final newline stays missing.
        assert.equal(inserted.replace(line, ''), text.includes('\n') ? doc.eol : '\n');
        assert.equal(after.endsWith('\n'), text === '' || text.endsWith('\n'));

        // The parse after the edit sees the task, after the ones that were there.
        const parsed = parseSprintFile(SPRINT_PATH, after);
        assert.deepEqual(parsed.refs.map((r) => r.written), [...doc.refs.map((r) => `epic-001-api:T${r.n}`), `epic-001-api:T${n}`]);
        const sprint = sprintOf(SPRINT_PATH, after);
        assert.ok(sprint.taskKeys.includes(`epic-001-api:T${n}`));

        // Added twice is added once.
        assert.deepEqual(addTaskToSprintChange(sprint, EPIC, `T${n}`, readerOf(files), [EPIC]).edits, []);

        applyChange(files, removeTaskFromSprintChange(sprint, EPIC, `T${n}`, readerOf(files), [EPIC]));
        assert.equal(files.get(SPRINT_PATH), text);
      }),
      { numRuns: RUNS },
    );
  });

  test(`removing a listed task removes exactly its line (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(docArb.filter((d) => d.refs.length > 0), fc.nat(), (doc, pick) => {
        const target = doc.refs[pick % doc.refs.length];
        const { text } = renderDoc(doc);
        const expected = renderDoc({ ...doc, refs: doc.refs.filter((r) => r !== target) }).text;
        const files = new Map([[SPRINT_PATH, text], [EPIC_PATH, EPIC_TEXT]]);
        const sprint = sprintOf(SPRINT_PATH, text);
        applyChange(files, removeTaskFromSprintChange(sprint, EPIC, `T${target.n}`, readerOf(files), [EPIC]));
        const after = files.get(SPRINT_PATH)!;
        // The model renders without the item; what trimming of trailing blank lines did to it aside, the bytes match.
        if (!(doc.outro.length === 0 && doc.refs.at(-1) === target)) assert.equal(after, expected);
        else assert.equal(after.trimEnd(), expected.trimEnd());
        assert.deepEqual(
          parseSprintFile(SPRINT_PATH, after).refs.map((r) => r.written),
          doc.refs.filter((r) => r !== target).map((r) => `epic-001-api:T${r.n}`),
        );
        assert.ok(!/\r(?!\n)/.test(after) && (doc.eol === '\n' ? !after.includes('\r') : !/(?<!\r)\n/.test(after)));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('sprint edits: examples', () => {
  test('New Sprint: a file named from the name, never over another, read back as written', () => {
    const taken = new Set(['epics/sprints/sprint-4.md', 'epics/sprints/sprint-4-2.md']);
    const change = newSprintChange('epics/sprints', { name: '  Sprint   4 ', start: '2026-03-09', end: '2026-03-20T17:00:00Z', goal: 'Pay: for the cart' }, (p) => taken.has(p));
    assert.equal(change.path, 'epics/sprints/sprint-4-3.md');
    assert.deepEqual(change.edits, []);
    const [create] = change.creates;
    assert.equal(create.text, '---\nname: Sprint 4\nstart: 2026-03-09\nend: 2026-03-20\ngoal: "Pay: for the cart"\n---\n\n# Sprint 4\n\n## Tasks\n');
    const parsed = parseSprintFile(create.path, create.text);
    assert.deepEqual([parsed.name, parsed.start, parsed.end, parsed.goal, parsed.refs, parsed.problems], ['Sprint 4', '2026-03-09', '2026-03-20', 'Pay: for the cart', [], []]);

    // Then a task goes right under the heading.
    const files = new Map([[create.path, create.text], [EPIC_PATH, EPIC_TEXT]]);
    applyChange(files, addTaskToSprintChange(sprintOf(create.path, create.text), EPIC, 'T3', readerOf(files), [EPIC]));
    assert.equal(files.get(create.path), create.text + '- epic-001-api:T3\n');

    assert.equal(newSprintChange('sprints', { name: 'Q3 / Week 2: Ünïcode!' }, () => false).path, 'sprints/q3-week-2-unicode.md');
    assert.equal(sprintFileStem('***'), 'sprint');
    assert.throws(() => newSprintChange('s', { name: ' ' }, () => false), PlanEditError);
    assert.throws(() => newSprintChange('s', { name: 'S', start: 'March 9' }, () => false), /not a date/);
    assert.throws(() => newSprintChange('s', { name: 'S', start: '2026-03-20', end: '2026-03-09' }, () => false), /before it starts/);
    const undated = newSprintChange('s', { name: 'Later' }, () => false).creates[0].text;
    assert.match(undated, /^---\nname: Later\nstart:\nend:\ngoal:\n---\n/);
  });

  test('the default folder: where sprints already are, else beside the directory epics', () => {
    const roots = ['prds', 'epics', '.claude/prds', '.claude/epics'];
    const dirEpic = { ...EPIC, layout: 'directory' as const, path: '.claude/epics/x/epic.md' };
    assert.equal(defaultSprintFolder(roots, ['epics/sprints/s.md'], [dirEpic]), 'epics/sprints');
    assert.equal(defaultSprintFolder(roots, [], [EPIC, dirEpic]), '.claude/epics/sprints');
    assert.equal(defaultSprintFolder(roots, [], [EPIC]), 'epics/sprints');
    assert.equal(defaultSprintFolder(roots, [], []), 'epics/sprints');
    assert.equal(defaultSprintFolder(['plans', '.claude/sprints'], [], []), '.claude/sprints');
  });

  test('CRLF, no final newline, an empty file, a file with no frontmatter', () => {
    for (const text of [
      toCrlf('---\nname: S\n---\n\n## Tasks\n- epic-001-api:T1\n'),
      '---\r\nname: S\r\n---\r\n\r\n## Tasks\r\n- epic-001-api:T1',
      '',
      'Just a note\n',
      '- epic-001-api:T1',
    ]) {
      const files = new Map([[SPRINT_PATH, text], [EPIC_PATH, EPIC_TEXT]]);
      const change = addTaskToSprintChange(sprintOf(SPRINT_PATH, text), EPIC, 'T2', readerOf(files), [EPIC]);
      applyChange(files, change);
      const after = files.get(SPRINT_PATH)!;
      assert.ok(parseSprintFile(SPRINT_PATH, after).refs.some((r) => r.written === 'epic-001-api:T2'), JSON.stringify(after));
      if (text.includes('\r\n')) assert.ok(!/(?<!\r)\n/.test(after), JSON.stringify(after));
      applyChange(files, removeTaskFromSprintChange(sprintOf(SPRINT_PATH, after), EPIC, 'T2', readerOf(files), [EPIC]));
      assert.equal(files.get(SPRINT_PATH), text);
    }
  });

  test('a task listed twice leaves with both lines; the other lines stay', () => {
    const text = '## Tasks\n- epic-001-api:T1\n- epic-001-api:T2\n- [x] epic-001-api:#T1 again\n- epic-001-api:1\n';
    const files = new Map([[SPRINT_PATH, text]]);
    applyChange(files, removeTaskFromSprintChange(sprintOf(SPRINT_PATH, text), EPIC, 'T1', readerOf(files), [EPIC]));
    assert.equal(files.get(SPRINT_PATH), '## Tasks\n- epic-001-api:T2\n- [x] epic-001-api:#T1 again\n');
  });

  test('a reference to a task that no longer exists can still be removed by its key', () => {
    const text = '- epic-001-api:T1\n- epic-001-api:T40\n';
    const files = new Map([[SPRINT_PATH, text]]);
    const sprint = sprintOf(SPRINT_PATH, text);
    assert.deepEqual(sprint.unresolved.map((u) => u.written), ['epic-001-api:T40']);
    applyChange(files, removeTaskFromSprintChange(sprint, EPIC, 'T40', readerOf(files), [EPIC]));
    assert.equal(files.get(SPRINT_PATH), '- epic-001-api:T1\n');
  });

  test('membership by field: removing clears the field line, in both layouts', async () => {
    const taskText = toCrlf('---\nname: Pay\nstatus: open\nsprint: Sprint 4   # from planning\ndepends_on: []\n---\n\n# Task: Pay\n');
    const epicText = '# Epic 002: Shop\n\n## Tasks\n- [ ] **Task 1:** Cart\n  - **Estimate:** 2 hours\n  - **Sprint:** sprint-4\n  - Notes stay\n- [ ] **Task 2:** Other\n  - **Sprint:** Sprint 5\n';
    const fs = new MemoryFileSystem({
      '.claude/epics/shop/epic.md': '---\nname: shop\nstatus: open\n---\n# Epic: shop\n',
      '.claude/epics/shop/7.md': taskText,
      'epics/epic-002-shop.md': epicText,
      'epics/sprints/sprint-4.md': '---\nname: Sprint 4\nstart: 2026-03-09\nend: 2026-03-20\n---\n\n## Tasks\n- epic-002-shop:T1\n',
    });
    const index = new PlanIndex(fs);
    await index.build();
    const sprint = index.sprints.find((s) => s.id === 'sprint-4')!;
    assert.deepEqual(sprint.members.map((m) => [m.key, m.via]), [
      ['epic-002-shop:T1', ['file', 'field']],
      ['shop:7', ['field']],
    ]);
    const read = readerOf(fs.files);
    const dirChange = removeTaskFromSprintChange(sprint, index.epic('shop')!, '7', read, index.allEpics);
    applyChange(fs.files, dirChange);
    assert.equal(fs.files.get('.claude/epics/shop/7.md'), toCrlf('---\nname: Pay\nstatus: open\ndepends_on: []\n---\n\n# Task: Pay\n'));

    const sfChange = removeTaskFromSprintChange(sprint, index.epic('epic-002-shop')!, 'T1', read, index.allEpics);
    assert.deepEqual(sfChange.edits.map((e) => e.path), ['epics/sprints/sprint-4.md', 'epics/epic-002-shop.md']);
    applyChange(fs.files, sfChange);
    assert.equal(fs.files.get('epics/epic-002-shop.md'), epicText.replace('  - **Sprint:** sprint-4\n', ''));
    assert.equal(fs.files.get('epics/sprints/sprint-4.md'), '---\nname: Sprint 4\nstart: 2026-03-09\nend: 2026-03-20\n---\n\n## Tasks\n');

    await index.update([...fs.files.keys()]);
    assert.deepEqual(index.sprints.map((s) => [s.id, s.taskKeys]), [
      ['sprint-4', []],
      ['sprint-5', ['epic-002-shop:T2']],
    ]);
    // Not in the sprint any more: nothing to do.
    assert.deepEqual(removeTaskFromSprintChange(index.sprints[0], index.epic('shop')!, '7', read, index.allEpics).edits, []);
  });

  test('sprints without a file of their own refuse to be edited, with a reason', () => {
    const fieldOnly = buildSprintPlan([], [{ ...EPIC, tasks: [{ ...EPIC.tasks[0], sprint: 'Sprint 9' }] }]).sprints[0];
    assert.throws(() => addTaskToSprintChange(fieldOnly, EPIC, 'T2', () => '', [EPIC]), /No sprint file defines "Sprint 9".*New Sprint/);
    const dated = { ...EPIC, start: '2026-03-09', target: '2026-03-20' };
    const epicBox = buildSprintPlan([], [dated]).sprints[0];
    assert.equal(epicBox.source, 'epic');
    assert.throws(() => addTaskToSprintChange(epicBox, dated, 'T2', () => '', [dated]), /epic's own time box/);
    assert.throws(() => removeTaskFromSprintChange(epicBox, dated, 'T2', () => '', [dated]), /epic's own time box/);
    assert.throws(() => addTaskToSprintChange(sprintOf(SPRINT_PATH, ''), EPIC, 'T99', () => '', [EPIC]), /has no task T99/);
  });
});
