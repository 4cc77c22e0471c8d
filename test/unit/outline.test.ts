import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { leanOutline } from '../../src/core/markdown/leanOutline';
import { outlineEngineFor, parseOutline } from '../../src/core/markdown/parseOutline';
import { remarkOutline } from '../../src/core/markdown/remarkOutline';
import type { Outline, OutlineItem } from '../../src/core/markdown/outline';

const fixtureDir = join(__dirname, '..', 'fixtures', 'outline');
const fixture = (name: string): string => readFileSync(join(fixtureDir, name), 'utf8');
const crlf = (text: string): string => text.replace(/\n/g, '\r\n');

const FIXTURES = ['epic-single-file.md', 'epic-directory.md', 'prd.md', 'task.md'];

/** Every item of an outline, depth first. */
function allItems(items: readonly OutlineItem[]): OutlineItem[] {
  return items.flatMap((item) => [item, ...allItems(item.children)]);
}

/** The lean answer, which must exist and equal remark's. */
function assertLeanEqualsRemark(text: string): Outline {
  const lean = leanOutline(text);
  assert.ok(lean, 'the lean scanner declined the document');
  const remark = remarkOutline(text);
  assert.deepStrictEqual(lean, remark);
  return lean;
}

for (const name of FIXTURES) {
  test(`outline: lean equals remark on ${name}`, () => {
    const text = fixture(name);
    assertLeanEqualsRemark(text);
    assert.equal(outlineEngineFor(text), 'lean');
  });

  test(`outline: the CRLF twin of ${name} outlines like the LF original`, () => {
    const text = fixture(name);
    const expected = remarkOutline(text);
    assert.deepStrictEqual(assertLeanEqualsRemark(crlf(text)), expected);
    assert.deepStrictEqual(remarkOutline(crlf(text)), expected);
  });
}

test('outline: single-file epic, exact facts', () => {
  const outline = assertLeanEqualsRemark(fixture('epic-single-file.md'));
  assert.deepStrictEqual(outline.headings.slice(0, 4), [
    { depth: 1, text: 'Epic 001: Task Management API', line: 0, column: 0 },
    { depth: 2, text: 'Overview', line: 7, column: 0 },
    { depth: 2, text: 'Tasks', line: 11, column: 0 },
    { depth: 3, text: 'Infrastructure & Setup', line: 13, column: 0 },
  ]);

  const tasks = outline.items.filter((item) => /\*\*Task \d+:\*\*/.test(item.text));
  assert.equal(tasks.length, 12);
  assert.deepStrictEqual(
    tasks.map((t) => [t.line, t.checked]),
    [[14, false], [19, true], [24, null], [28, false], [32, true], [36, false],
      [42, false], [46, false], [47, false], [48, true], [49, false], [50, false]],
  );
  const [task1, task2, task3] = tasks;
  assert.deepStrictEqual(
    { ...task1, children: task1.children.map((c) => c.text) },
    {
      line: 14, column: 0, ordered: false, checked: false,
      text: '**Task 1:** Setup FastAPI project structure', textColumn: 6,
      children: ['Create project skeleton', '**Estimate:** 2 hours', '**Agent:** python-backend-engineer'],
    },
  );
  assert.equal(task2.text, '**Task 2:** Configure PostgreSQL and database connection (#12)');
  // `[-]` is no GFM checkbox: it stays in the text.
  assert.equal(task3.text, '[-] **Task 3:** Implement user model and database schema');
  assert.equal(task3.textColumn, 2);
  assert.deepStrictEqual(task1.children[0], {
    line: 15, column: 2, ordered: false, checked: null, text: 'Create project skeleton', textColumn: 4, children: [],
  });
  const task6 = tasks[5];
  assert.deepStrictEqual(task6.children.map((c) => c.checked), [false, true, false, null]);

  assert.deepStrictEqual(outline.code, [{
    lang: 'mermaid',
    value: 'graph TD\n    T1[Task 1: Project Setup] --> T2[Task 2: Database]\n    T2 --> T3[Task 3: User Model]',
    line: 59,
    endLine: 63,
  }]);
  const risks = outline.items.filter((item) => item.ordered);
  assert.deepStrictEqual(risks.map((r) => [r.line, r.column, r.text, r.textColumn]), [
    [67, 0, '**Risk:** Database migrations break', 3],
    [69, 0, '**Risk:** Scope creep', 3],
  ]);
  assert.deepStrictEqual(outline.paragraphs.slice(0, 2), [{ line: 2, endLine: 5 }, { line: 9, endLine: 9 }]);
  assert.deepStrictEqual(outline.paragraphs.at(-1), { line: 74, endLine: 74 });
});

test('outline: directory-layout epic, the Tasks Created checklist', () => {
  const outline = assertLeanEqualsRemark(fixture('epic-directory.md'));
  const start = outline.headings.find((h) => h.text === 'Tasks Created');
  assert.ok(start);
  const created = outline.items.filter((item) => item.line > start.line && item.text.startsWith('#'));
  assert.deepStrictEqual(created.map((t) => [t.checked, t.text]), [
    [false, '#1234 - Project skeleton and CI (parallel: true)'],
    [false, '#1235 - Database schema and migrations (parallel: true)'],
    [true, '#1236 - User model and password hashing (parallel: false)'],
    [false, '#1237 - JWT endpoints (parallel: false)'],
    [false, '#1238 - Task CRUD endpoints (parallel: true)'],
    [false, '#1239 - OpenAPI docs and examples (parallel: true)'],
  ]);
  assert.ok(created.every((t) => t.textColumn === 6 && t.column === 0));
  assert.deepStrictEqual(outline.code.map((c) => [c.lang, c.line, c.endLine]), [['python', 17, 21]]);
});

test('outline: task file with a frontmatter-masked prefix', () => {
  const outline = assertLeanEqualsRemark(fixture('task.md'));
  assert.deepStrictEqual(outline.headings[0], { depth: 1, text: 'Task: JWT authentication endpoints', line: 5, column: 0 });
  assert.deepStrictEqual(
    allItems(outline.items).filter((i) => i.checked !== null).map((i) => [i.line, i.checked, i.text]),
    [
      [12, false, 'Login returns an access and a refresh token'],
      [13, true, 'Refresh rotates the refresh token'],
      [14, false, 'Expired tokens answer `401`'],
      [21, false, 'Code reviewed'],
      [22, false, 'Tests pass in CI'],
      [23, false, 'Docs updated'],
    ],
  );
});

test('outline: PRD, nested ordered lists and mixed bullets', () => {
  const outline = assertLeanEqualsRemark(fixture('prd.md'));
  const filters = outline.items.find((i) => i.text === 'Results are paginated (default 50)');
  assert.ok(filters);
  assert.equal(filters.ordered, true);
  assert.deepStrictEqual(filters.children.map((c) => [c.column, c.text]), [
    [3, 'Page size is capped at 200'],
    [3, 'The cursor is opaque'],
  ]);
  assert.deepStrictEqual(outline.code.map((c) => [c.lang, c.value.split('\n').length]), [['http', 4]]);
});

const UNSUPPORTED: Record<string, string> = {
  table: '# T\n\n| a | b |\n|---|---|\n| 1 | 2 |\n',
  'table in an item': '- a | b\n  --|--\n',
  blockquote: '# T\n\n> quoted\n> text\n\n- item\n',
  'lazy blockquote': '- item\n> quoted\n',
  'setext heading': 'Title\n=====\n\ntext\n',
  'setext heading (dash)': 'Title\n---\n',
  'html block': '<details>\n<summary>x</summary>\n\n- item\n</details>\n',
  'html comment': '- [ ] a\n<!-- note -->\n',
  'indented code': 'para\n\n    code\n',
  'tab indentation': '- a\n\t- b\n',
  'link reference definition': '[spec]: https://example.com\n\nSee [spec].\n',
  'footnote definition': 'Text[^1]\n\n[^1]: The note.\n',
  'empty list item': '-\n  text\n',
};

for (const [name, text] of Object.entries(UNSUPPORTED)) {
  test(`outline: ${name} falls back to remark`, () => {
    assert.equal(leanOutline(text), undefined);
    assert.equal(outlineEngineFor(text), 'remark');
    assert.deepStrictEqual(parseOutline(text), remarkOutline(text));
  });
}

test('outline: small cases the scanner must get right', () => {
  const cases = [
    '',
    '\n\n\n',
    '# A #\n## B ##   \n###### C\n####### not a heading\n#hashtag\n#',
    '  # indented\n   ## more',
    'p\n# h\np2\n```\ncode\n```\np3\n***\np4',
    '- a\n2. b\n\np\n2. not an item',
    '1. a\n1) b\n- c\n* d\n+ e',
    '- a\n  - b\n    - c\n   - d\n - e\n- f',
    '1. a\n   1. b\n      - c\n2. d',
    '- a\nlazy\n  - b\nlazy too\n\n  loose paragraph\n- c',
    '- a\n\n- b\n\n\n- c',
    '- ```js\n  x\n  ```\n- b\n  ~~~\n  y\n~~~',
    '```\nunclosed\n\n',
    '````md\n```\nnested\n```\n````',
    '  ```\n    two\n  one\n zero\n  ```',
    '- [ ] a\n- [x] b\n- [X] c\n- [-] d\n- [ ]  two spaces\n- [x]no space\n1. [ ] ordered',
    '- **bold** and `code` and *em*\n- 😀 emoji ☃',
    '- a\n---\n\n***\n___\n- - -\n* * *',
    '* a\n***\n',
    '- a\n  # h\n  text',
  ];
  for (const text of cases) {
    assert.deepStrictEqual(assertLeanEqualsRemark(text), remarkOutline(text), JSON.stringify(text));
    assertLeanEqualsRemark(crlf(text));
  }
});

// Differential property tests. Documents are assembled from fragments chosen to sit on
// the boundaries of the scanner's rules; whatever it answers must be remark's answer.

const word = fc.constantFrom(
  'task', 'API', 'Setup', '2025-01-10', '(#12)', '#1234', '**Task 1:**', '**bold**', '`code`', '*em*',
  '_u_', '[link](https://x.y)', '1.5', 'a:b', '->', 'émoji😀', 'x', 'parallel: true',
);
const riskyWord = fc.constantFrom(
  '#', '*', '-', '+', '1.', '2)', '[x]', '[-]', '[ ]', '\\', '\\#', '<b>', '|', '=', '`', '```', '~~~', '>', '  ',
  '#hash', '[a]:', '&amp;', ':',
);
const inline = fc
  .array(fc.oneof({ weight: 4, arbitrary: word }, { weight: 1, arbitrary: riskyWord }), { minLength: 1, maxLength: 5 })
  .map((words) => words.join(' '));
// Mostly unindented, so that indented code (always declined) does not swamp the runs.
const spaces = (max: number): fc.Arbitrary<string> =>
  fc.oneof({ weight: 2, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.integer({ min: 1, max }).map((k) => ' '.repeat(k)) });
const trailing = fc.constantFrom('', '', '', ' ', '  ', ' #', ' ##');

const LINE_PREFIXES = [
  '', '', '', '# ', '## ', '###### ', '####### ', '#', '- ', '* ', '+ ', '1. ', '2. ', '1) ', '10. ', '-  ', '-    ',
  '-     ', '- [ ] ', '- [x] ', '- [X] ', '- [-] ', '* [ ] ', '1. [x] ', '- [ ]  ', '- [ ]', '- - ', '- # ',
  '- ```', '```', '```js ', '~~~', '````', '~~~~ ', '---', '***', '___', '- - -', '* * *', '===', '--', '-', '1.',
  '> ', '<div>', '| a | b |', '|---|---|', '[foo]: /url', '    ', '\t', '- [x]: ',
];
const soupLine = fc.oneof(
  { weight: 1, arbitrary: fc.constant('') },
  {
    weight: 6,
    arbitrary: fc
      .tuple(spaces(6), fc.constantFrom(...LINE_PREFIXES), fc.option(inline, { freq: 4 }), trailing)
      .map(([indent, prefix, body, tail]) => indent + prefix + (body ?? '') + tail),
  },
);
const lineEnding = fc.constantFrom('\n', '\n', '\r\n');
const soupDocument = fc
  .tuple(fc.array(soupLine, { minLength: 1, maxLength: 14 }), lineEnding, fc.boolean())
  .map(([lines, eol, final]) => lines.join(eol) + (final ? eol : ''));

interface Rendered {
  readonly lines: string[];
}

/** A list, rendered at column `at`; items nest at their content column or nearby. */
const listArb: fc.Memo<Rendered> = fc.memo((depth) =>
  fc
    .array(
      fc.record({
        marker: fc.constantFrom('-', '-', '*', '+', '1.', '2.', '1)', '10.'),
        gap: fc.constantFrom(' ', ' ', ' ', '  ', '   '),
        box: fc.constantFrom('', '', '[ ] ', '[x] ', '[X] ', '[-] '),
        text: inline,
        more: fc.array(fc.tuple(fc.constantFrom(-2, 0, 0, 1, 2, 4), inline), { maxLength: 2 }),
        child: depth > 1 ? fc.option(listArb(depth - 1), { freq: 2 }) : fc.constant(null),
        childShift: fc.constantFrom(0, 0, 0, -1, 1, 2),
        fence: fc.option(fc.tuple(fc.constantFrom('```', '~~~', '````'), fc.array(inline, { maxLength: 2 }), fc.boolean()), { freq: 5 }),
        blankAfter: fc.boolean(),
      }),
      { minLength: 1, maxLength: 4 },
    )
    .map((items) => {
      const lines: string[] = [];
      for (const item of items) {
        const head = item.marker + item.gap;
        const col = head.length;
        lines.push(head + item.box + item.text);
        for (const [shift, text] of item.more) lines.push(' '.repeat(Math.max(0, col + shift)) + text);
        if (item.fence) {
          const [fence, body, closed] = item.fence;
          const pad = ' '.repeat(col);
          lines.push(pad + fence + 'sh', ...body.map((l) => pad + l));
          if (closed) lines.push(pad + fence);
        }
        if (item.child) {
          const pad = ' '.repeat(Math.max(0, col + item.childShift));
          lines.push(...item.child.lines.map((l) => (l === '' ? '' : pad + l)));
        }
        if (item.blankAfter) lines.push('');
      }
      return { lines };
    }),
);

const blockArb: fc.Arbitrary<string[]> = fc.oneof(
  fc.tuple(spaces(4), fc.integer({ min: 1, max: 7 }), inline, trailing).map(([i, d, t, tail]) => [`${i}${'#'.repeat(d)} ${t}${tail}`]),
  fc.array(fc.tuple(spaces(6), inline), { minLength: 1, maxLength: 3 }).map((ls) => ls.map(([i, t]) => i + t)),
  fc.tuple(spaces(6), listArb(3)).map(([i, list]) => list.lines.map((l) => (l === '' ? '' : i + l))),
  fc
    .tuple(spaces(4), fc.constantFrom('```', '~~~', '````'), fc.constantFrom('', 'js', 'mermaid', 'js title="x"'),
      fc.array(fc.tuple(fc.oneof(spaces(6), fc.constantFrom('\t', ' \t')), inline), { maxLength: 4 }),
      fc.constantFrom(0, 1, 1, 1, 2, 3), spaces(4), fc.constantFrom('', ' ', '\t'))
    .map(([i, fence, info, body, close, ci, tail]) => [
      i + fence + info,
      ...body.map(([bi, t]) => bi + t),
      ...(close === 0 ? [] : [ci + (close === 2 ? fence.slice(1) : close === 3 ? fence + fence[0] : fence) + tail]),
    ]),
  fc.tuple(spaces(4), fc.constantFrom('---', '***', '___', '- - -', '* * *', '_ _ _')).map(([i, t]) => [i + t]),
  fc.constant<string[]>(['']),
);

const structuredDocument = fc
  .tuple(fc.array(blockArb, { minLength: 1, maxLength: 8 }), fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }), lineEnding)
  .map(([blocks, blanks, eol]) => blocks.map((b, k) => b.join(eol) + (blanks[k] ? eol : '')).join(eol));

/** The well-formed plan grammar: what real PRDs, epics and tasks look like. */
const planWord = fc.constantFrom(
  'Setup', 'the', 'API', 'database', '**Estimate:**', '2 hours', '`npm test`', '(#12)', '#1234', 'PostgreSQL', '→',
  '(parallel: true)', '*note*', '[docs](https://example.com)', 'émoji😀', '-', '1.', 'done.', 'a | b',
);
const planText = fc
  .tuple(fc.constantFrom('Build', 'Add', '**Task 1:**', 'Users', '`make`', 'Refactor'), fc.array(planWord, { maxLength: 6 }))
  .map(([head, rest]) => [head, ...rest].join(' '));
const planItems: fc.Memo<string[]> = fc.memo((depth) =>
  fc
    .tuple(
      fc.constantFrom('-', '*', '1.'),
      fc.array(
        fc.record({
          box: fc.constantFrom('', '[ ] ', '[x] ', '[X] ', '[-] '),
          text: planText,
          more: fc.option(planText, { freq: 4 }),
          child: depth > 1 ? fc.option(planItems(depth - 1), { freq: 3 }) : fc.constant(null),
          fence: fc.option(fc.array(planText, { maxLength: 3 }), { freq: 8 }),
          loose: fc.boolean(),
        }),
        { minLength: 1, maxLength: 4 },
      ),
    )
    .map(([marker, items]) => {
      const lines: string[] = [];
      items.forEach((item, k) => {
        const head = marker === '1.' ? `${k + 1}. ` : `${marker} `;
        const pad = ' '.repeat(head.length);
        lines.push(head + item.box + item.text);
        if (item.more) lines.push(pad + item.more);
        if (item.fence) lines.push(pad + '```bash', ...item.fence.map((l) => pad + l), pad + '```');
        if (item.child) lines.push(...item.child.map((l) => (l === '' ? '' : pad + l)));
        if (item.loose) lines.push('');
      });
      return lines;
    }),
);
const planBlock: fc.Arbitrary<string[]> = fc.oneof(
  fc.tuple(fc.integer({ min: 1, max: 4 }), planText).map(([d, t]) => [`${'#'.repeat(d)} ${t}`]),
  fc.array(planText, { minLength: 1, maxLength: 3 }),
  planItems(3),
  fc.tuple(fc.constantFrom('', 'mermaid', 'yaml', 'ts'), fc.array(planText, { maxLength: 4 })).map(([lang, body]) => ['```' + lang, ...body, '```']),
  fc.constant<string[]>(['---']),
);
const planDocument = fc
  .tuple(fc.integer({ min: 0, max: 5 }), fc.array(planBlock, { minLength: 1, maxLength: 6 }), fc.constantFrom('\n', '\r\n'))
  .map(([masked, blocks, eol]) => '\n'.repeat(masked).replace(/\n/g, eol) + blocks.map((b) => b.join(eol)).join(eol + eol) + eol);

function differential(name: string, arb: fc.Arbitrary<string>, numRuns: number): void {
  test(`outline: lean is undefined or equals remark (${name}, ${numRuns} runs)`, (t) => {
    let declined = 0;
    fc.assert(
      fc.property(arb, (text) => {
        const lean = leanOutline(text);
        if (lean === undefined) {
          declined++;
          return;
        }
        assert.deepStrictEqual(lean, remarkOutline(text));
      }),
      { numRuns },
    );
    t.diagnostic(`fallback rate: ${((100 * declined) / numRuns).toFixed(1)}% (${declined} of ${numRuns})`);
    // The grammars are meant to reach the scanner's rules, not only its exits.
    assert.ok(declined < numRuns * 0.9, `declined ${declined} of ${numRuns}`);
  });
}

const RUNS = Number(process.env.OUTLINE_FUZZ_RUNS ?? 0) || 3000;
differential('line soup', soupDocument, RUNS);
differential('structured blocks', structuredDocument, RUNS);

// Plan documents run to kilobytes, and remark takes milliseconds each.
const PLAN_RUNS = Math.ceil(RUNS / 3);
test(`outline: the lean scanner takes every well-formed plan document (${PLAN_RUNS} runs)`, () => {
  fc.assert(
    fc.property(planDocument, (text) => {
      assertLeanEqualsRemark(text);
    }),
    { numRuns: PLAN_RUNS },
  );
});
