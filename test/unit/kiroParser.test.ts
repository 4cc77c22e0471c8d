/**
 * Kiro specs: tasks.md as an epic (numbers carry the structure, a parent waits for its
 * sub-tasks), requirements.md as a PRD. The ugly inputs come first: they are what Kiro
 * and the people editing its files actually write.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { analyzeEpic, nextTask } from '../../src/core/analysis';
import { PlanEditError, setCheckboxEdits } from '../../src/core/edits';
import type { Epic, TaskState } from '../../src/core/model';
import { kiroRequirementIds, kiroRequirementRefs, parseKiroRequirements, parseKiroTasks } from '../../src/core/parse/kiroParser';
import { validateEpic } from '../../src/core/validate';
import { toCrlf } from './helpers';

const PATH = '.kiro/specs/user-auth/tasks.md';
// Not ./helpers: it loads the whole index, and these parsers need none of it.
const tools = join(__dirname, '..', 'fixtures', 'tools');
const read = (dir: string, path: string) => readFileSync(join(dir, path), 'utf8');
const parse = (text: string) => parseKiroTasks(PATH, text);
const ids = (epic: Epic) => epic.tasks.map((t) => t.id);
const edges = (epic: Epic) => epic.dependencies.map((d) => `${d.from}>${d.to}`);

describe('Kiro tasks.md: ugly input', () => {
  test('a stray lone CR shifts no line after it, and a state edit on its line is refused rather than guessed', () => {
    const text = '# Implementation Plan\n\n- [ ] 1. Set up\r- [ ] 2. Models\n- [x] 3. Routes\n  - [ ] 3.1 Login\n';
    const epic = parse(text).epic;
    // The editor shows the CR as a line break; the plan's lines are counted by LF, as every edit counts them.
    assert.deepEqual(epic.tasks.map((t) => [t.id, t.state, t.range.line]), [['1', 'open', 2], ['2', 'open', 2], ['3', 'done', 3], ['3.1', 'open', 4]]);
    // Columns count from the line's start too, not from the CR.
    const line = text.split('\n')[2];
    assert.deepEqual(epic.tasks.slice(0, 2).map((t) => [t.range.column, t.range.endColumn]), [[line.indexOf('[ ] 1.'), line.length], [line.indexOf('[ ] 2.'), line.length]]);
    assert.throws(() => setCheckboxEdits(text, 2, 'x'), (e: Error) => e instanceof PlanEditError && /lone CR/.test(e.message));
    assert.deepEqual(setCheckboxEdits(text, 4, 'x'), [{ offset: text.indexOf('- [ ] 3.1') + 3, length: 1, newText: 'x' }]);
  });

  test('CRLF and a byte-order mark change nothing but the line breaks', () => {
    const text = '# Implementation Plan\n\n- [ ] 1. Set up\n  - detail\n- [x] 1.1 Create folders\n';
    const plain = parse(text);
    const ugly = parse('\uFEFF' + toCrlf(text));
    assert.deepEqual(ugly, plain);
    // Positions are counted without the mark, as the editor shows them.
    assert.deepEqual(ugly.epic.tasks[0].range, { line: 2, column: 2, endLine: 2, endColumn: 15 });
    assert.deepEqual(ugly.epic.range, { line: 0, column: 0, endLine: 0, endColumn: 21 });
  });

  test('every checkbox spelling: [ ], [x], [X], [-], [~] and the optional-task star', () => {
    const { epic, diagnostics } = parse(
      ['- [ ] 1. Open', '- [x] 2. Done', '- [X] 3. Done too', '- [-] 4. Running', '- [~] 5. Queued', '- [ ]* 5.1 Write unit tests', '- [x]* 5.2 Optional and done'].join('\n'),
    );
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(
      epic.tasks.map((t) => [t.id, t.state, t.title]),
      [
        ['1', 'open', 'Open'],
        ['2', 'done', 'Done'],
        ['3', 'done', 'Done too'],
        ['4', 'in-progress', 'Running'],
        ['5', 'in-progress', 'Queued'],
        ['5.1', 'open', 'Write unit tests'],
        ['5.2', 'done', 'Optional and done'],
      ],
    );
    // The range starts at the checkbox, so an edit finds the mark on range.line.
    assert.deepEqual(epic.tasks[5].range, { line: 5, column: 2, endLine: 5, endColumn: 27 });
    assert.ok(epic.tasks.every((t) => t.rawStatus === undefined));
  });

  test('star bullets, tabs and four-space indentation', () => {
    const text = '* [ ] 1. Top\n\t* [x] 1.1 Tabbed\n    * [ ] 1.2 Four spaces\n\t\t* [-] 1.2.1 Two tabs\n';
    const { epic } = parse(text);
    assert.deepEqual(ids(epic), ['1', '1.1', '1.2', '1.2.1']);
    assert.deepEqual(epic.tasks.map((t) => t.state), ['open', 'done', 'open', 'in-progress']);
    assert.deepEqual(epic.tasks.map((t) => [t.range.line, t.range.column]), [[0, 2], [1, 3], [2, 6], [3, 4]]);
    assert.deepEqual(edges(epic), ['1.1>1', '1.2>1', '1.2.1>1.2']);
  });

  test('trailing spaces stay out of the title but inside the range', () => {
    const { epic } = parse('- [ ] 1. Set up the repo   \n');
    assert.equal(epic.tasks[0].title, 'Set up the repo');
    assert.deepEqual(epic.tasks[0].range, { line: 0, column: 2, endLine: 0, endColumn: 27 });
  });

  test('sub-tasks belong to the number, indented or not', () => {
    const flush = parse('- [ ] 2. Models\n- [x] 2.1 Types\n- [-] 2.2 User model\n');
    const nested = parse('- [ ] 2. Models\n  - [x] 2.1 Types\n  - [-] 2.2 User model\n');
    for (const { epic } of [flush, nested]) {
      assert.deepEqual(ids(epic), ['2', '2.1', '2.2']);
      assert.deepEqual(epic.tasks[0].dependsOn, ['2.1', '2.2']);
      assert.deepEqual(
        epic.dependencies.map((d) => [d.from, d.to, d.source, d.range.line]),
        [['2.1', '2', 'order', 1], ['2.2', '2', 'order', 2]],
      );
      assert.deepEqual(epic.groups.map((g) => [g.name, g.taskIds, g.range.line]), [['Models', ['2.1', '2.2'], 0]]);
      assert.deepEqual(epic.tasks.map((t) => t.group), [undefined, 'Models', 'Models']);
    }
  });

  test('numbering gaps: a sub-task without its parent stands alone', () => {
    const { epic, diagnostics } = parse('- [ ] 1. One\n- [ ] 3. Three\n- [ ] 3.2 Three two\n- [ ] 4.1 Orphan\n- [ ] 4.1.1 Orphan child\n');
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(ids(epic), ['1', '3', '3.2', '4.1', '4.1.1']);
    assert.deepEqual(edges(epic), ['3.2>3', '4.1.1>4.1']);
    // `4.1` has no `4`: no group; `4.1.1` still waits for `4.1`.
    assert.deepEqual(epic.groups.map((g) => [g.name, g.taskIds]), [['Three', ['3.2']]]);
    assert.deepEqual(epic.tasks.find((t) => t.id === '4.1')!.dependsOn, ['4.1.1']);
  });

  test('duplicate numbers are reported once, by validation, on the second line', () => {
    const { epic, diagnostics } = parse('- [ ] 1. First\n- [ ] 2. Second\n- [ ] 2. Second again\n- [ ] 2.1 Child\n');
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(ids(epic), ['1', '2', '2', '2.1']);
    // The first `2` is the parent.
    assert.deepEqual(epic.tasks[1].dependsOn, ['2.1']);
    assert.deepEqual(epic.tasks[2].dependsOn, []);
    const checks = validateEpic(analyzeEpic(epic), undefined);
    assert.deepEqual(
      checks.map((d) => [d.code, d.range.line, d.message, d.data]),
      [['task-duplicate-id', 2, 'Duplicate task id 2: line 2 already uses it. Only the first is scheduled.', { code: 'task-duplicate-id', taskId: '2' }]],
    );
  });

  test('a number without a title', () => {
    const { epic, diagnostics } = parse('- [ ] 1. Fine\n- [ ] 2.\n- [x] 3\n');
    assert.deepEqual(epic.tasks.map((t) => [t.id, t.title]), [['1', 'Fine'], ['2', ''], ['3', '']]);
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.severity, d.range.line, d.range.column, d.message]),
      [
        ['task-missing-title', 'warning', 1, 2, 'Task 2 has a number but no title.'],
        ['task-missing-title', 'warning', 2, 2, 'Task 3 has a number but no title.'],
      ],
    );
  });

  test('checkboxes without a number: tasks at the top level, details under a task', () => {
    const text = ['- [ ] Write the docs', '- [ ]', '- [x] ', '- [ ] 1. Build it', '  - [ ] check the logs', '  - [x] 1.1 Part', '    - [ ] a detail checkbox', '- [x] Tell the team'].join('\n');
    const { epic } = parse(text);
    assert.deepEqual(epic.tasks.map((t) => [t.id, t.title, t.state]), [
      ['U1', 'Write the docs', 'open'],
      ['1', 'Build it', 'open'],
      ['1.1', 'Part', 'done'],
      ['U2', 'Tell the team', 'done'],
    ]);
    assert.deepEqual(edges(epic), ['1.1>1']);
  });

  test('10x is a word, not a number', () => {
    const { epic } = parse('- [ ] 10x faster builds\n- [ ] 2.5. Trailing dot\n');
    assert.deepEqual(epic.tasks.map((t) => [t.id, t.title]), [['U1', '10x faster builds'], ['2.5', 'Trailing dot']]);
  });

  test('an empty file, and a file of headings only', () => {
    for (const text of ['', '\uFEFF', '\n\n', '# Implementation Plan\n\n## Later\n']) {
      const { epic, diagnostics } = parse(text);
      assert.deepEqual(epic.tasks, []);
      assert.equal(epic.state, 'not-started');
      assert.deepEqual(
        diagnostics.map((d) => [d.code, d.severity, d.range.line, d.message]),
        [['epic-empty', 'info', 0, 'This spec has no task lines (`- [ ] 1. Title`).']],
      );
    }
  });

  test('task lines in fenced code do not count', () => {
    const text = '# Implementation Plan\n\n```markdown\n- [ ] 1. Example only\n```\n\n- [ ] 1. Real task\n\n~~~\n- [x] 2. Also an example\n~~~\n';
    const { epic } = parse(text);
    assert.deepEqual(epic.tasks.map((t) => [t.id, t.range.line]), [['1', 6]]);
  });

  test('a very long file parses in linear time', () => {
    const parts: string[] = ['# Implementation Plan', ''];
    for (let n = 1; n <= 3000; n++) {
      parts.push(`- [${n % 3 === 0 ? 'x' : ' '}] ${n}. Task ${n}`, `  - [ ] ${n}.1 Part one`, `  - [-] ${n}.2 Part two`, `    - _Requirements: ${n}.1_`, '');
    }
    const started = performance.now();
    const { epic } = parse(parts.join('\r\n'));
    const took = performance.now() - started;
    assert.equal(epic.tasks.length, 9000);
    assert.equal(epic.dependencies.length, 6000);
    assert.equal(epic.groups.length, 3000);
    assert.deepEqual(epic.tasks[8999].range.line, 2 + 2999 * 5 + 2);
    assert.ok(took < 3000, `took ${took} ms`);
  });
});

describe('Kiro tasks.md: titles and paths', () => {
  test('the epic is named after its folder unless the heading names it', () => {
    const cases: Array<[string, string]> = [
      ['# Implementation Plan\n', 'User auth'],
      ['# Tasks\n', 'User auth'],
      ['', 'User auth'],
      ['# Implementation Plan: Sign-in Flow\n', 'Sign-in Flow'],
      ['# Checkout Revamp\n', 'Checkout Revamp'],
    ];
    for (const [heading, title] of cases) assert.equal(parse(`${heading}\n- [ ] 1. Task\n`).epic.title, title, heading);
    const { epic } = parse('- [ ] 1. Task\n');
    assert.deepEqual([epic.id, epic.dir, epic.path, epic.prd, epic.layout], ['user-auth', '.kiro/specs/user-auth', PATH, 'user-auth', 'kiro']);
    assert.equal(parseKiroTasks('work/.kiro/specs/payment_retries/tasks.md', '').epic.title, 'Payment retries');
  });

  test('the state comes from the tasks', () => {
    assert.equal(parse('- [ ] 1. A\n- [ ] 2. B\n').epic.state, 'not-started');
    assert.equal(parse('- [x] 1. A\n- [ ] 2. B\n').epic.state, 'in-progress');
    assert.equal(parse('- [ ] 1. A\n- [~] 2. B\n').epic.state, 'in-progress');
    assert.equal(parse('- [x] 1. A\n- [X] 2. B\n').epic.state, 'done');
  });
});

describe('Kiro spec fixture', () => {
  const { epic, diagnostics } = parseKiroTasks(PATH, read(tools, PATH));

  test('tasks, states, ranges', () => {
    assert.deepEqual(diagnostics, []);
    assert.equal(epic.title, 'User auth');
    assert.equal(epic.state, 'in-progress');
    assert.deepEqual(epic.tasks.map((t) => [t.id, t.state]), [
      ['1', 'done'],
      ['2', 'open'],
      ['2.1', 'done'],
      ['2.2', 'in-progress'],
      ['2.3', 'open'],
      ['3', 'open'],
      ['3.1', 'open'],
      ['3.2', 'open'],
      ['3.3', 'open'],
      ['3.3.1', 'open'],
      ['3.3.2', 'open'],
      ['4', 'open'],
      ['4.1', 'open'],
      ['4.2', 'open'],
      ['5', 'open'],
    ]);
    assert.equal(epic.tasks[3].title, 'Implement `UserRepository` with unique email lookup');
    assert.deepEqual(epic.tasks[3].range, { line: 11, column: 2, endLine: 11, endColumn: 61 });
    assert.deepEqual(epic.tasks[9].range, { line: 25, column: 6, endLine: 25, endColumn: 49 });
    assert.deepEqual(epic.tasks.map((t) => t.order), [...epic.tasks.keys()]);
  });

  test('parents wait for their sub-tasks; groups are the top-level tasks with sub-tasks', () => {
    assert.deepEqual(edges(epic), ['2.1>2', '2.2>2', '2.3>2', '3.1>3', '3.2>3', '3.3>3', '3.3.1>3.3', '3.3.2>3.3', '4.1>4', '4.2>4']);
    assert.ok(epic.dependencies.every((d) => d.source === 'order' && d.path === PATH));
    assert.deepEqual(epic.tasks.find((t) => t.id === '3')!.dependsOn, ['3.1', '3.2', '3.3']);
    assert.deepEqual(epic.groups.map((g) => [g.name, g.taskIds.join(' ')]), [
      ['Implement password hashing and the user repository', '2.1 2.2 2.3'],
      ['Build registration and sign-in', '3.1 3.2 3.3 3.3.1 3.3.2'],
      ['Add password reset by email', '4.1 4.2'],
    ]);
  });

  test('the analysis: leaves are ready, parents wait, the deepest chain goes first', () => {
    const analysis = analyzeEpic(epic);
    assert.deepEqual(analysis.ready.map((t) => t.task.id).sort(), ['2.3', '3.1', '3.2', '3.3.1', '3.3.2', '4.1', '4.2', '5']);
    assert.deepEqual(analysis.blocked.map((t) => t.task.id), ['2', '3', '3.3', '4']);
    assert.deepEqual(analysis.tasks.get('2')!.blockers, [{ taskId: '2.2', reason: 'not-done' }, { taskId: '2.3', reason: 'not-done' }]);
    // 3.3.1 → 3.3 → 3 is the longest unfinished chain.
    assert.equal(nextTask([analysis])!.task.task.id, '3.3.1');
    assert.deepEqual(validateEpic(analysis, undefined), []);
  });

  test('requirements.md as the PRD the epic names', () => {
    const path = '.kiro/specs/user-auth/requirements.md';
    const { prd, diagnostics: prdDiagnostics } = parseKiroRequirements(path, read(tools, path));
    assert.deepEqual(prdDiagnostics, []);
    assert.equal(prd.id, epic.prd);
    assert.equal(prd.title, 'User auth');
    assert.equal(prd.state, 'not-started');
    assert.equal(prd.status, undefined);
    assert.deepEqual(prd.range, { line: 0, column: 0, endLine: 0, endColumn: 23 });
    assert.deepEqual(
      prd.sections.filter((s) => s.depth === 2).map((s) => [s.heading, s.kind]),
      [['Introduction', 'overview'], ['Requirements', 'requirements']],
    );
    assert.deepEqual([...kiroRequirementIds(read(tools, path))], ['1', '1.1', '1.2', '1.3', '2', '2.1', '2.2', '2.3', '3', '3.1', '3.2']);
  });

  test('every requirement a task names exists', () => {
    const defined = kiroRequirementIds(read(tools, '.kiro/specs/user-auth/requirements.md'));
    const refs = kiroRequirementRefs(read(tools, PATH));
    assert.equal(refs.length, 20);
    assert.deepEqual(refs.filter((r) => !defined.has(r.ref)), []);
    assert.deepEqual(refs[0], { taskId: '1', ref: '1.1', range: { line: 5, column: 19, endLine: 5, endColumn: 22 } });
    assert.deepEqual(refs.filter((r) => r.taskId === '3.3.1').map((r) => r.ref), ['2.3']);
  });
});

describe('Kiro requirements.md', () => {
  const parseReq = (text: string) => parseKiroRequirements('.kiro/specs/team-calendar/requirements.md', text);

  test('titles: a specific heading, else the folder', () => {
    assert.equal(parseReq('# Requirements Document\n\n## Introduction\n').prd.title, 'Team calendar');
    assert.equal(parseReq('# Requirements\n').prd.title, 'Team calendar');
    assert.equal(parseReq('# Requirements Document: Shared Calendars\n').prd.title, 'Shared Calendars');
    assert.equal(parseReq('# Shared Calendars\n').prd.title, 'Shared Calendars');
    // No title line and no frontmatter is nothing to report: the folder names the feature.
    const bare = parseReq('## Introduction\n\nText.\n');
    assert.equal(bare.prd.title, 'Team calendar');
    assert.deepEqual(bare.diagnostics, []);
    assert.equal(parseReq('---\ntitle: From Frontmatter\n---\n\n## Introduction\n').prd.title, 'From Frontmatter');
  });

  test('a status, when the document has one', () => {
    const { prd } = parseReq('\uFEFF# Requirements Document\r\n\r\n**Status:** Approved\r\n\r\n## Introduction\r\n');
    assert.equal(prd.id, 'team-calendar');
    assert.equal(prd.status, 'Approved');
    assert.equal(prd.state, 'not-started');
    assert.equal(parseReq('**Status:** Implemented\n').prd.state, 'done');
  });

  test('requirement refs ignore everything but task detail lines', () => {
    const tasks = '- [ ] 1. A\n  - _Requirements: 1.1, 9.9_\n- _Requirements: 2.1_\n\n_Requirements: 3.1_\n- [ ] 2. B\n  - Requirements: 2.2;2.3\n';
    assert.deepEqual(kiroRequirementRefs(tasks).map((r) => [r.taskId, r.ref, r.range.line, r.range.column]), [
      ['1', '1.1', 1, 19],
      ['1', '9.9', 1, 24],
      ['2', '2.2', 6, 18],
      ['2', '2.3', 6, 22],
    ]);
  });
});

// ---------------------------------------------------------------------------------------
// Property: generated task lists, written the ways Kiro and people write them, read back.

interface GenTask {
  readonly state: TaskState;
  readonly mark: string;
  readonly optional: boolean;
  readonly title: string;
  readonly details: readonly string[];
  readonly children: readonly GenTask[];
}

const MARKS: Record<TaskState, readonly string[]> = { open: [' '], done: ['x', 'X'], 'in-progress': ['-', '~'] };
const word = fc.stringMatching(/^[A-Za-z][A-Za-z0-9`'&/:._()-]{0,9}$/);
const title = fc.array(word, { minLength: 1, maxLength: 6 }).map((w) => w.join(' '));
const detail = fc.oneof(title, fc.constant('_Requirements: 1.1, 2.3_'), title.map((t) => `[ ] ${t}`));

const genTask = (depth: number): fc.Arbitrary<GenTask> =>
  fc
    .record({
      state: fc.constantFrom<TaskState>('open', 'done', 'in-progress'),
      pick: fc.nat(1),
      optional: fc.boolean(),
      title,
      details: fc.array(detail, { maxLength: 2 }),
      children: depth >= 2 ? fc.constant([]) : fc.array(genTask(depth + 1), { maxLength: 3 }),
    })
    .map(({ state, pick, ...rest }) => ({ ...rest, state, mark: MARKS[state][pick % MARKS[state].length] }));

interface Style {
  readonly eol: '\n' | '\r\n';
  readonly indent: '' | '  ' | '    ' | '\t';
  readonly bullet: '-' | '*';
  readonly blankBetween: boolean;
  readonly trailing: '' | '  ';
  readonly bom: boolean;
}

const style: fc.Arbitrary<Style> = fc.record({
  eol: fc.constantFrom<Style['eol']>('\n', '\r\n'),
  indent: fc.constantFrom<Style['indent']>('', '  ', '    ', '\t'),
  bullet: fc.constantFrom<Style['bullet']>('-', '*'),
  blankBetween: fc.boolean(),
  trailing: fc.constantFrom<Style['trailing']>('', '  '),
  bom: fc.boolean(),
});

interface Expected {
  readonly id: string;
  readonly state: TaskState;
  readonly title: string;
  readonly parent: string | undefined;
}

function render(tasks: readonly GenTask[], s: Style): { text: string; expected: Expected[] } {
  const lines: string[] = ['# Implementation Plan', ''];
  const expected: Expected[] = [];
  const write = (list: readonly GenTask[], prefix: string, level: number) => {
    list.forEach((t, i) => {
      const id = prefix === '' ? `${i + 1}` : `${prefix}.${i + 1}`;
      const pad = s.indent.repeat(level);
      const number = level === 0 ? `${id}.` : id;
      lines.push(`${pad}${s.bullet} [${t.mark}]${t.optional ? '*' : ''} ${number} ${t.title}${s.trailing}`);
      // Detail lines sit under their task, one level deeper than a flush sub-task would.
      const detailPad = s.indent === '' ? '  ' : s.indent.repeat(level + 1);
      for (const d of t.details) lines.push(`${detailPad}- ${d}`);
      expected.push({ id, state: t.state, title: t.title, parent: prefix === '' ? undefined : prefix });
      write(t.children, id, level + 1);
      if (level === 0 && s.blankBetween) lines.push('');
    });
  };
  write(tasks, '', 0);
  return { text: (s.bom ? '\uFEFF' : '') + lines.join(s.eol) + s.eol, expected };
}

describe('Kiro tasks.md: properties', () => {
  test('generated task lists read back to the same ids, states, titles and parents', () => {
    fc.assert(
      fc.property(fc.array(genTask(0), { minLength: 1, maxLength: 6 }), style, (tasks, s) => {
        const { text, expected } = render(tasks, s);
        const { epic, diagnostics } = parseKiroTasks(PATH, text);
        assert.deepEqual(diagnostics, []);
        assert.deepEqual(
          epic.tasks.map((t) => [t.id, t.state, t.title]),
          expected.map((e) => [e.id, e.state, e.title]),
        );
        assert.deepEqual(
          edges(epic),
          expected.filter((e) => e.parent !== undefined).map((e) => `${e.id}>${e.parent}`),
        );
        // Every range starts at the checkbox.
        const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
        for (const t of epic.tasks) assert.equal(lines[t.range.line].charAt(t.range.column), '[');
      }),
      { numRuns: 300 },
    );
  });
});
