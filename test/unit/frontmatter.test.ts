import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import YAML from 'yaml';
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkFrontmatter from 'remark-frontmatter';
import { findFrontmatter, maskFrontmatter, parseYamlFull, parseYamlLean } from '../../src/core/frontmatter';

/**
 * The reference. logLevel only stops YAML.parse printing warnings for the tricky
 * inputs; errors still throw and the data is unchanged.
 */
function yamlParse(source: string): unknown {
  return YAML.parse(source, { logLevel: 'error' });
}

type Reference = { ok: true; value: unknown } | { ok: false };

function reference(source: string): Reference {
  try {
    return { ok: true, value: yamlParse(source) };
  } catch {
    return { ok: false };
  }
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Whenever the lean parser answers, its answer must be YAML's. */
function assertLeanSound(source: string): void {
  const lean = parseYamlLean(source);
  if (lean === undefined) return;
  const ref = reference(source);
  assert.ok(ref.ok, `lean parsed a source that YAML rejects: ${JSON.stringify(source)}`);
  assert.deepStrictEqual(lean, ref.value, `lean differs from YAML for ${JSON.stringify(source)}`);
}

const TYPICAL_TASK = [
  'name: Add login endpoint',
  'status: in-progress',
  'created: 2025-01-10T12:00:00Z',
  'updated: 2025-01-12T08:30:00Z',
  'github: https://github.com/o/r/issues/12',
  'depends_on: [001, 002]',
  'parallel: true',
  'conflicts_with: []',
].join('\n');

describe('parseYamlLean: supported forms', () => {
  const cases: [string, Record<string, unknown>][] = [
    [TYPICAL_TASK, {
      name: 'Add login endpoint',
      status: 'in-progress',
      created: '2025-01-10T12:00:00Z',
      updated: '2025-01-12T08:30:00Z',
      github: 'https://github.com/o/r/issues/12',
      depends_on: [1, 2],
      parallel: true,
      conflicts_with: [],
    }],
    ['a:', { a: null }],
    ['a:   ', { a: null }],
    ['a: # nothing here', { a: null }],
    ['a: ~\nb: null\nc: Null\nd: NULL', { a: null, b: null, c: null, d: null }],
    ['a: true\nb: True\nc: TRUE\nd: false\ne: False\nf: FALSE', { a: true, b: true, c: true, d: false, e: false, f: false }],
    ['a: yes\nb: no\nc: on\nd: tRUE', { a: 'yes', b: 'no', c: 'on', d: 'tRUE' }],
    ['a: 1\nb: -3\nc: 001\nd: 0o14\ne: 0x1F\nf: +7', { a: 1, b: -3, c: 1, d: 12, e: 31, f: 7 }],
    ['a: -0', { a: -0 }],
    ['a: 1.5\nb: .5\nc: 1e3\nd: 1.\ne: -2.5E-3', { a: 1.5, b: 0.5, c: 1000, d: 1, e: -0.0025 }],
    ['a: .inf\nb: -.Inf\nc: .nan\nd: .NaN', { a: Infinity, b: -Infinity, c: NaN, d: NaN }],
    ['a: 123456789012345678901234567890', { a: Number('123456789012345678901234567890') }],
    ['a: 1_000\nb: 0b101\nc: 1e\nd: 1.2.3\ne: 0x\nf: 0o8', { a: '1_000', b: '0b101', c: '1e', d: '1.2.3', e: '0x', f: '0o8' }],
    ['a: 2025-01-10\nb: 2025-01-10T12:00:00Z\nc: 25%\nd: In Progress', {
      a: '2025-01-10', b: '2025-01-10T12:00:00Z', c: '25%', d: 'In Progress',
    }],
    ['a: value # comment\nb: C#\nc: issue#12', { a: 'value', b: 'C#', c: 'issue#12' }],
    ['a: x:y\nb: 12:30\nc: b, c\nd: b]\ne: it\'s', { a: 'x:y', b: '12:30', c: 'b, c', d: 'b]', e: "it's" }],
    ["a: 'single'\nb: 'it''s'\nc: ''\nd: 'a: b # c'", { a: 'single', b: "it's", c: '', d: 'a: b # c' }],
    ['a: "double"\nb: ""\nc: "x: y # z" # real comment', { a: 'double', b: '', c: 'x: y # z' }],
    ['a: [001, 002]\nb: []\nc: [a, "b c", \'d\']\nd: [ x , y ]', { a: [1, 2], b: [], c: ['a', 'b c', 'd'], d: ['x', 'y'] }],
    ['a:\n  - 001\n  - 002', { a: [1, 2] }],
    ['a:\n- x\n- y\nb: 1', { a: ['x', 'y'], b: 1 }],
    ['a:\n  -\n  - # c\n  - "q"\n  - [1]', { a: [null, null, 'q', [1]] }],
    ['# leading comment\n\na: 1\n  # indented comment\n\nb: 2\n', { a: 1, b: 2 }],
    ['a:\n# between\n  - x\n\n  - y\n# after\nb: z', { a: ['x', 'y'], b: 'z' }],
    ['a: été 🚀\nb: 日本語', { a: 'été 🚀', b: '日本語' }],
    ['a.b: 1\nx-y: 2\n_z: 3\n2025-01-10: 4', { 'a.b': 1, 'x-y': 2, _z: 3, '2025-01-10': 4 }],
  ];
  for (const [source, expected] of cases) {
    test(JSON.stringify(source), () => {
      const lean = parseYamlLean(source);
      assert.notEqual(lean, undefined, 'the lean parser should handle this');
      assert.deepStrictEqual(lean, expected);
      assert.deepStrictEqual(lean, yamlParse(source));
      assert.deepStrictEqual(parseYamlLean(source.replace(/\n/g, '\r\n')), expected);
    });
  }

  test('keys named like Object.prototype members are own properties, as in YAML', () => {
    const source = '__proto__: 1\ntoString: 2\nconstructor: 3';
    const lean = parseYamlLean(source);
    assert.deepStrictEqual(lean, yamlParse(source));
    assert.deepStrictEqual(Object.keys(lean ?? {}), ['__proto__', 'toString', 'constructor']);
    assert.equal(Object.getPrototypeOf(lean), Object.prototype);
  });
});

describe('parseYamlLean: declines what it does not handle', () => {
  const declined = [
    '', '# only a comment', '   \n', // YAML's null document
    '- a\n- b', 'just a scalar', '[a, b]',
    'a: 1\na: 2', // duplicate keys are an error
    '1: x', 'true: x', 'null: x', '~: x', '0x1F: x', '"quoted": x', "'q': x", 'a b: x', '-a: x', '<<: x',
    'a:\tb', 'a: b\tc', 'a: x\ry', '\ufeffa: 1', 'a: x\u0085y', 'a: \u0001',
    'a: &anchor x', 'a: *alias', 'a: !tag x', 'a: |\n  block', 'a: >\n  folded', 'a: %x', 'a: @x', 'a: `x`',
    'a: {b: 1}', 'a: b: c', 'a: b:', 'a: - x', 'a: -', 'a: ? x',
    'a: "esc\\n"', "a: 'open", 'a: "open', "a: 'x'y", 'a: "x"#c', 'a: [a,]', 'a: [a, [b]]', 'a: [a: b]', 'a: [a #c]', 'a: [a',
    'a: x\n  continued', 'a:\n  b: nested', 'a:\n  - x\n    - y', 'a:\n  - x\n - y', 'a: x\n- y', 'a:\n  - - x',
    '---\na: 1', 'a: 1\n...', '%YAML 1.2\n---\na: 1',
    `${'k'.repeat(1100)}: x`,
  ];
  for (const source of declined) {
    test(JSON.stringify(source.length > 60 ? `${source.slice(0, 57)}...` : source), () => {
      assert.equal(parseYamlLean(source), undefined);
    });
  }
});

describe('parseYamlFull', () => {
  test('maps syntax errors to document lines', () => {
    const { data, problems } = parseYamlFull('a: 1\nb: x: y\n', 10);
    assert.deepStrictEqual(data, {});
    assert.ok(problems.length > 0);
    assert.equal(problems[0].line, 11);
    assert.match(problems[0].message, /^Frontmatter is not valid YAML: /);
    assert.doesNotMatch(problems[0].message, /at line/);
  });

  test('reports a document that is not a mapping', () => {
    const { data, problems } = parseYamlFull('\n- a\n- b', 4);
    assert.deepStrictEqual(data, {});
    assert.equal(problems.length, 1);
    assert.equal(problems[0].line, 5);
    assert.match(problems[0].message, /mapping/);
  });

  test('reports duplicate keys by name', () => {
    const { problems } = parseYamlFull('a: 1\nb: 2\na: 3', 1);
    assert.equal(problems.length, 1);
    assert.equal(problems[0].line, 3);
    assert.match(problems[0].message, /'a'/);
  });

  test('an empty or comment-only source is an empty mapping without problems', () => {
    assert.deepStrictEqual(parseYamlFull('', 1), { data: {}, problems: [] });
    assert.deepStrictEqual(parseYamlFull('# c\n\n', 1), { data: {}, problems: [] });
  });

  test('reads what the lean parser declines', () => {
    const source = 'a: &x [1, 2]\nb: *x\nc: |\n  text\n';
    assert.equal(parseYamlLean(source), undefined);
    assert.deepStrictEqual(parseYamlFull(source, 1), { data: yamlParse(source), problems: [] });
  });

  test('does not throw on an alias bomb', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 8; i++) {
      const prev = String.fromCharCode(97 + i);
      const next = String.fromCharCode(98 + i);
      lines.push(`${next}: &${next} [${Array(10).fill(`*${prev}`).join(', ')}]`);
    }
    const result = parseYamlFull(lines.join('\n'), 1);
    assert.deepStrictEqual(result.data, {});
    assert.ok(result.problems.length > 0);
  });
});

describe('findFrontmatter', () => {
  test('finds a block on the first line', () => {
    const fm = findFrontmatter('---\nname: x\nstatus: open\n---\n# Body\n');
    assert.ok(fm);
    assert.equal(fm.startLine, 0);
    assert.equal(fm.endLine, 3);
    assert.equal(fm.source, 'name: x\nstatus: open');
    assert.equal(fm.sourceLine, 1);
    assert.deepStrictEqual(fm.data, { name: 'x', status: 'open' });
    assert.deepStrictEqual(fm.problems, []);
    assert.equal(fm.engine, 'lean');
  });

  test('CRLF gives the same result as LF, and the source keeps its CRLFs', () => {
    const lf = '---\nname: x\ndeps:\n  - 1\n  - 2\nbad: [\n---\nbody\n';
    const crlf = lf.replace(/\n/g, '\r\n');
    for (const text of [lf.replace('bad: [\n', ''), lf]) {
      const a = findFrontmatter(text);
      const b = findFrontmatter(text.replace(/\n/g, '\r\n'));
      assert.ok(a && b);
      assert.deepStrictEqual(b.data, a.data);
      assert.deepStrictEqual(b.keys, a.keys);
      assert.deepStrictEqual(b.problems.map((p) => [p.line, p.column]), a.problems.map((p) => [p.line, p.column]));
      assert.equal(b.engine, a.engine);
      assert.equal(b.endLine, a.endLine);
    }
    assert.equal(findFrontmatter(crlf)?.source, 'name: x\r\ndeps:\r\n  - 1\r\n  - 2\r\nbad: [');
  });

  test('allows a BOM before the opening fence', () => {
    const fm = findFrontmatter('\ufeff---\na: 1\n---\n');
    assert.ok(fm);
    assert.equal(fm.startLine, 0);
    assert.deepStrictEqual(fm.data, { a: 1 });
  });

  test('finds a block after a leading title', () => {
    const text = '# My PRD\n\n---\nname: x\n---\nbody';
    const fm = findFrontmatter(text);
    assert.ok(fm);
    assert.equal(fm.startLine, 2);
    assert.equal(fm.endLine, 4);
    assert.equal(fm.sourceLine, 3);
    assert.deepStrictEqual(fm.data, { name: 'x' });
    assert.deepStrictEqual(fm.keys, [{ key: 'name', line: 3, endLine: 3, valueColumn: 6 }]);
    assert.equal(maskFrontmatter(text, fm), '# My PRD\n\n\n\n\nbody');
    assert.equal(findFrontmatter('# My PRD\n---\na: 1\n---\n')?.startLine, 1);
  });

  test('an unclosed rule after a title is markdown, not frontmatter', () => {
    assert.equal(findFrontmatter('# My PRD\n\n---\n\nText.\n'), undefined);
  });

  test('returns undefined when there is no frontmatter', () => {
    for (const text of [
      '', '# Title\n\nText', 'Text\n---\na: 1\n---', '\n---\na: 1\n---', ' ---\na: 1\n---', '----\na: 1\n----',
      '--- a\nb: 1\n---', '# Title\n\nText\n\n---\na: 1\n---', '## Title\n---\na: 1\n---', '#Title\n---\na: 1\n---',
    ]) {
      assert.equal(findFrontmatter(text), undefined, JSON.stringify(text));
    }
  });

  test('fences may have trailing spaces; `...` closes', () => {
    assert.equal(findFrontmatter('---  \na: 1\n--- \n')?.endLine, 2);
    const fm = findFrontmatter('---\na: 1\n...\nbody');
    assert.equal(fm?.endLine, 2);
    assert.deepStrictEqual(fm?.data, { a: 1 });
  });

  test('an empty block', () => {
    for (const text of ['---\n---\n', '---\r\n---', '---\n\n# just a comment\n---\n']) {
      const fm = findFrontmatter(text);
      assert.ok(fm);
      assert.deepStrictEqual(fm.data, {});
      assert.deepStrictEqual(fm.problems, []);
      assert.deepStrictEqual(fm.keys, []);
    }
    assert.equal(findFrontmatter('---\n---\n')?.source, '');
  });

  test('an unclosed block is a problem', () => {
    for (const text of ['---\na: 1\nb: 2\n', '---', '---\n']) {
      const fm = findFrontmatter(text);
      assert.ok(fm);
      assert.equal(fm.startLine, 0);
      assert.equal(fm.endLine, -1);
      assert.deepStrictEqual(fm.data, {});
      assert.deepStrictEqual(fm.problems, [{
        message: "The frontmatter block opened on line 1 is never closed, so none of it is read; add a line with --- after its last key.",
        line: 0,
        column: 0,
        severity: 'error',
      }]);
    }
  });

  test('malformed YAML is read line by line, with a warning on the line at fault', () => {
    const text = '# Title\n\n---\nname: x\nstatus: [open\nowner: me\n---\n';
    const fm = findFrontmatter(text);
    assert.ok(fm);
    assert.equal(fm.engine, 'recovered');
    assert.deepStrictEqual(fm.data, { name: 'x', status: ['open'], owner: 'me' });
    assert.deepStrictEqual(fm.problems, [{
      message: 'The list in `status` is never closed with `]`; close it after its last item.',
      line: 4,
      column: 8,
      severity: 'warning',
    }]);

    const nested = findFrontmatter('---\na: 1\nb: c: d\n---\n');
    assert.deepStrictEqual(nested?.data, { a: 1, b: 'c: d' });
    assert.deepStrictEqual(nested?.problems, [{
      message: 'The value of `b` contains `: `, which YAML reads as a nested key; quote it: b: "c: d".',
      line: 2,
      column: 3,
      severity: 'warning',
    }]);
  });

  test('not a mapping is an error; a key written twice is read from its last line, with a warning there', () => {
    const list = findFrontmatter('---\n- a\n---\n');
    assert.equal(list?.problems.length, 1);
    assert.equal(list?.problems[0].line, 1);
    assert.equal(list?.problems[0].severity, 'error');
    const dup = findFrontmatter('---\nname: a\nstatus: x\nname: b\n---\n');
    assert.deepStrictEqual(dup?.data, { name: 'b', status: 'x' });
    assert.deepStrictEqual(dup?.problems, [{
      message: '`name` is set again here (line 2 sets it first); this value is the one read. Delete one of the two lines.',
      line: 3,
      column: 0,
      severity: 'warning',
    }]);
    assert.deepStrictEqual(dup?.keys.map((k) => k.key), ['name', 'status', 'name']);
  });

  test('keys, lines, value columns and end lines', () => {
    const text = [
      '---', //           0
      'name: Login', //   1
      'depends_on:', //   2
      '  - 001', //       3
      '', //              4
      '  - 002 # c', //   5
      '', //              6
      '# trailing', //    7
      'empty:   ', //     8
      'list:', //         9
      '- a', //          10
      'x: "q"', //       11
      '---', //          12
    ].join('\n');
    const fm = findFrontmatter(text);
    assert.ok(fm);
    assert.equal(fm.engine, 'lean');
    assert.deepStrictEqual(fm.keys, [
      { key: 'name', line: 1, endLine: 1, valueColumn: 6 },
      { key: 'depends_on', line: 2, endLine: 5, valueColumn: 11 },
      { key: 'empty', line: 8, endLine: 8, valueColumn: 9 },
      { key: 'list', line: 9, endLine: 10, valueColumn: 5 },
      { key: 'x', line: 11, endLine: 11, valueColumn: 3 },
    ]);
    assert.deepStrictEqual(fm.data, { name: 'Login', depends_on: [1, 2], empty: null, list: ['a'], x: 'q' });
  });

  test('keys are read from the lines when the yaml package parses the block', () => {
    const fm = findFrontmatter('---\nname: &n Login\n"quoted key": 1\ntext: |\n  line\n\n  more\nz: *n\n---\n');
    assert.ok(fm);
    assert.equal(fm.engine, 'yaml');
    assert.deepStrictEqual(fm.data, { name: 'Login', 'quoted key': 1, text: 'line\n\nmore\n', z: 'Login' });
    assert.deepStrictEqual(fm.keys, [
      { key: 'name', line: 1, endLine: 1, valueColumn: 6 },
      { key: 'quoted key', line: 2, endLine: 2, valueColumn: 14 },
      { key: 'text', line: 3, endLine: 6, valueColumn: 6 },
      { key: 'z', line: 7, endLine: 7, valueColumn: 3 },
    ]);
  });
});

describe('maskFrontmatter', () => {
  test('blanks the block, keeping line count, line endings and the rest', () => {
    const text = '---\r\nname: x\ndeps:\r\n  - 1\n---\r\n# Body\r\nText\n';
    const fm = findFrontmatter(text);
    assert.ok(fm);
    const masked = maskFrontmatter(text, fm);
    assert.equal(masked, '\r\n\n\r\n\n\r\n# Body\r\nText\n');
    assert.equal(masked.split('\n').length, text.split('\n').length);
  });

  test('an unclosed block masks only its opening line', () => {
    const text = '---\r\na: 1\n';
    const fm = findFrontmatter(text);
    assert.ok(fm);
    assert.equal(maskFrontmatter(text, fm), '\r\na: 1\n');
    assert.equal(maskFrontmatter('---', findFrontmatter('---')!), '');
  });

  test('keeps a BOM and handles a closing fence on the last line', () => {
    const text = '\ufeff---\na: 1\n---';
    const fm = findFrontmatter(text);
    assert.ok(fm);
    assert.equal(maskFrontmatter(text, fm), '\ufeff\n\n');
  });
});

// ---------------------------------------------------------------------------
// Differential property tests.

const eol = fc.constantFrom('\n', '\r\n');

const plainKeys = fc.oneof(
  fc.constantFrom(
    'name', 'status', 'created', 'updated', 'github', 'depends_on', 'parallel', 'conflicts_with', 'epic', 'prd',
    'priority', 'a', 'b.c', 'x-y', '_z', 'k1', '2025-01-10', 'toString', '__proto__', 'constructor', 'valueOf',
  ),
  fc.stringMatching(/^k[a-z0-9_.-]{0,10}$/),
);

const trickyKeys = fc.constantFrom(
  '1', '001', '-1', 'true', 'False', 'null', '~', '1e3', '0x1F', '.inf', 'a b', '"quoted"', "'q'", '"a\\"b"', '-a',
  '<<', 'a:b', '名前', '? x', '[a]', '{a}', '&a k', '*a', '!t k', 'a\tb', '', 'a ', ' a', '#a', '---', '...', '%a',
  'k'.repeat(1030),
);

const numberLike = fc.oneof(
  fc.integer({ min: -100000, max: 100000 }).map(String),
  fc.integer({ min: 0, max: 999 }).map((n) => String(n).padStart(3, '0')),
  fc.integer({ min: 0, max: 0xffff }).map((n) => `0x${n.toString(16)}`),
  fc.integer({ min: 0, max: 0xffff }).map((n) => `0X${n.toString(16).toUpperCase()}`),
  fc.integer({ min: 0, max: 4095 }).map((n) => `0o${n.toString(8)}`),
  fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
  fc.bigInt({ min: 0n, max: 16n ** 24n }).map((n) => `0x${n.toString(16)}`),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
  fc.tuple(fc.integer({ min: -99, max: 99 }), fc.integer({ min: 0, max: 999 })).map(([a, b]) => `${a}.${b}`),
  fc.tuple(fc.integer({ min: 0, max: 99 }), fc.integer({ min: -20, max: 20 })).map(([a, b]) => `${a}e${b}`),
  fc.constantFrom(
    '.5', '-.5', '+.5', '1.', '+1', '-0', '0', '00', '1e3', '1E+3', '.inf', '-.inf', '+.INF', '.Inf', '.nan', '.NaN',
    '.NAN', '1_000', '0b101', '1e', '1.2.3', '0x', '0o', '0o8', '0xG', 'v1', '1,000', '12:30', '1.0.0', '2025-01-10',
    '2025-01-10T12:00:00Z', '2025-01-10 12:00:00', 'nan', 'inf', '-', '+', '.', '..', '0x1F', '0o14', '1e-3',
  ),
);

const wordLike = fc.oneof(
  fc.constantFrom(
    'x', 'open', 'In Progress', 'in-progress', 'done', 'Add login endpoint', 'https://github.com/o/r/issues/12',
    '25%', 'null', 'Null', 'NULL', '~', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'tRUE', 'yes', 'No', 'on',
    'off', 'y', 'été 🚀', '日本語', 'b, c', 'b]', 'b}', 'a[0]', 'a{b}', "it's", 'say "hi"', 'C#', 'issue#12', 'x:y',
    'a:b:c', 'a!b', 'a&b', 'a*b', 'a|b', 'a>b', 'a@b', 'a`b', 'a%b', '?x', ':x', '-x', '--x', '---', '...', 'a  b',
    'a\\b', 'a/b', '(a)', 'a=b', 'x ~', 'TODO: later', 'a - b', '- -', 'a #b', 'a# b',
  ),
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9 ._/%,()+=-]{0,20}$/),
);

const plainScalar = fc.oneof(numberLike, wordLike);

const quoteChars = fc.constantFrom(...'ab yz019 #:,[]{}\'"\\-.!&*|>%@`?~é🚀'.split(/(?:)/u));
const singleQuoted = fc.string({ unit: quoteChars, maxLength: 12 }).map((s) => `'${s.replace(/'/g, "''")}'`);
const doubleQuotedSafe = fc.string({ unit: quoteChars, maxLength: 12 })
  .map((s) => `"${s.replace(/["\\]/g, '')}"`);
const doubleQuotedAny = fc.string({ unit: quoteChars, maxLength: 12 }).map((s) => `"${s.replace(/"/g, '\\"')}"`);

const flowPlain = fc.oneof(
  numberLike.filter((s) => !/[,:[\]{}#]/.test(s) && !/^[-+.]$/.test(s) && s !== '-'),
  fc.constantFrom('a', 'b c', 'x-y', "it's", 'true', '~', 'null', '.inf', 'é', '2025-01-10', 'a!b', 'a%b', '?x', '-x'),
);
const flowItemSafe = fc.oneof(flowPlain, singleQuoted, doubleQuotedSafe);
const flowSep = fc.constantFrom(', ', ',', ' , ', ',  ');
const flowSeqSafe = fc.tuple(fc.array(flowItemSafe, { maxLength: 4 }), flowSep, fc.constantFrom('', ' '))
  .map(([items, sep, pad]) => `[${pad}${items.join(sep)}${pad}]`);

const trickyValue = fc.constantFrom(
  '&anchor x', '*alias', '!tag x', '!!str 1', '!!int "1"', '|', '|-', '>', '%x', '@x', '`x`', '{a: 1}', '{}', 'x: y', 'x:',
  '- x', '-', '? x', ': x', 'a\tb', '\tb', '"esc\\n"', '"\\u00e9"', "'unterminated", '"unterminated', "'a'b", '"a"#c',
  "'a'#c", '[a, [b]]', '[a,]', '[,]', '[a: b]', '[a #c]', '[a', 'a]', ',x', '#x', 'x\ry', ']x', '}x', 'x\u0085y',
  'x\ufeffy', '\ud800', 'x\u2028y', 'x\u0001', '[a, b] c', '[a]#c', '["a\\"b"]', '[{a: 1}]', '[*a]', '[&a b]', '[!t b]',
  '[- x]', '[-]', '[? x]', '[a b: c]', '[\'x\' y]', '["x" y]',
);

const commentText = fc.string({ unit: quoteChars, maxLength: 10 });
const comment = fc.tuple(fc.constantFrom(' ', '  ', '   '), commentText).map(([sp, c]) => `${sp}#${c}`);

// `-`, `?` or `:` then a space starts a sequence, key or value, not a scalar.
const safePlainScalar = plainScalar.filter((s) => !/^[-?:](?: |$)/.test(s) && !s.includes(': '));

const safeInlineValue = fc.oneof(
  { weight: 4, arbitrary: safePlainScalar },
  { weight: 1, arbitrary: singleQuoted },
  { weight: 1, arbitrary: doubleQuotedSafe },
  { weight: 2, arbitrary: flowSeqSafe },
);

const anyInlineValue = fc.oneof(
  { weight: 16, arbitrary: fc.oneof(safeInlineValue, plainScalar) },
  { weight: 1, arbitrary: doubleQuotedAny },
  { weight: 2, arbitrary: trickyValue },
);

function keyLine(key: fc.Arbitrary<string>, value: fc.Arbitrary<string>): fc.Arbitrary<string[]> {
  return fc.tuple(key, fc.constantFrom(' ', '  '), value, fc.option(comment, { nil: '' }))
    .map(([k, sp, v, c]) => [`${k}:${sp}${v}${c}`]);
}

const blankOrComment = fc.oneof(
  fc.constantFrom('', ' ', '   '),
  fc.tuple(fc.constantFrom('', '  ', '    '), commentText).map(([sp, c]) => `${sp}#${c}`),
);

function blockSequence(key: fc.Arbitrary<string>, value: fc.Arbitrary<string>, uniformIndent: boolean): fc.Arbitrary<string[]> {
  const item = fc.tuple(fc.option(value, { nil: undefined }), fc.option(comment, { nil: '' }), fc.integer({ min: 0, max: 4 }));
  return fc.tuple(
    key,
    fc.constantFrom('', ' ', '  '),
    fc.option(comment, { nil: '' }),
    fc.integer({ min: 0, max: 4 }),
    fc.array(fc.tuple(item, fc.option(blankOrComment, { nil: undefined })), { maxLength: 4 }),
  ).map(([k, trail, c, indent, items]) => {
    const lines = [`${k}:${trail}${c}`];
    for (const [[v, ic, ownIndent], between] of items) {
      if (between !== undefined) lines.push(between);
      const sp = ' '.repeat(uniformIndent ? indent : ownIndent);
      lines.push(v === undefined ? `${sp}-${ic}` : `${sp}- ${v}${ic}`);
    }
    return lines;
  });
}

const trickyLines = fc.constantFrom(
  ['  continued'], ['  nested: map'], ['---'], ['...'], ['--- x'], ['%YAML 1.2'], ['- top'], ['\ta: 1'], ['a:\tb'],
  ['a : b'], ['a:b'], ['? complex'], [': value'], ['text: |', '  block', '  lines'], ['text: >-', '  folded'],
  ['multi: "a', '  b"'], ['multi: line', '  two'], ['anchor: &a x', 'alias: *a'], ['{a: 1}'], ['[a, b]'],
  ['x: [a,', '  b]'], ['x:', '  - a', '   - b'], ['x:', '  - a', '    b'], ['x:', '  y: 1'], ['x: 1', '  - y'],
  ['x: 1', '# c', '  - y'], ['x:', '\t- a'],
);

const safeEntry = fc.oneof(
  { weight: 5, arbitrary: keyLine(plainKeys, safeInlineValue) },
  { weight: 2, arbitrary: blockSequence(plainKeys, safeInlineValue, true) },
  { weight: 1, arbitrary: fc.tuple(plainKeys, fc.constantFrom('', ' ', '  '), fc.option(comment, { nil: '' })).map(([k, t, c]) => [`${k}:${t}${c}`]) },
  { weight: 1, arbitrary: blankOrComment.map((l) => [l]) },
);

const mixedEntry = fc.oneof(
  { weight: 10, arbitrary: keyLine(fc.oneof({ weight: 20, arbitrary: plainKeys }, { weight: 1, arbitrary: trickyKeys }), anyInlineValue) },
  { weight: 4, arbitrary: blockSequence(plainKeys, anyInlineValue, true) },
  { weight: 1, arbitrary: blockSequence(plainKeys, safeInlineValue, false) },
  { weight: 2, arbitrary: blankOrComment.map((l) => [l]) },
  { weight: 1, arbitrary: trickyLines },
);

function joinLines(lines: string[], breaks: string[], trailing: boolean): string {
  let out = '';
  lines.forEach((line, i) => {
    out += line;
    if (i < lines.length - 1 || trailing) out += breaks[i % breaks.length];
  });
  return out;
}

/** Sources where every key appears once, built only from the lean subset. */
const safeSource = fc.tuple(
  fc.uniqueArray(safeEntry, { maxLength: 10, selector: (lines) => lines[0].split(':')[0] }),
  eol,
  fc.boolean(),
).map(([entries, br, trailing]) => joinLines(entries.flat(), [br], trailing));

/** Sources mixing the subset with constructs it must decline or get right: duplicates, errors, other YAML. */
const mixedSource = fc.tuple(
  fc.array(mixedEntry, { maxLength: 10 }),
  fc.array(eol, { minLength: 1, maxLength: 3 }),
  fc.boolean(),
).map(([entries, breaks, trailing]) => joinLines(entries.flat(), breaks, trailing));

/** Arbitrary text over the characters YAML treats specially. */
const junkText = (maxLength: number) =>
  fc.string({ unit: fc.constantFrom(...' \t\r\n:#-[]{},\'"&*!|>%@`?ab1.0xe_~\\é\u0085\ufeff'.split('')), maxLength });
/** Junk without the characters that always send a block to the yaml package (tabs, CR, NEL, BOM, `{`, `&`...). */
const mildJunk = fc.string({ unit: fc.constantFrom(...' :#-[],\'"ab1.0xe_~é'.split('')), maxLength: 8 });
/**
 * Junk lines, and `key: <junk>` lines: the second kind is often inside the lean subset
 * (`a: ab1`, `a: [1, b]`, `a: "x"`), so the lean parser answers for a good share of
 * these sources and each answer is compared with YAML's.
 */
const junkSource = fc.array(
  fc.oneof(
    { weight: 1, arbitrary: junkText(16) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('a', 'name', 'b_1', 'x.y'), fc.constantFrom(': ', ':', ':  '), junkText(10)).map((parts) => parts.join('')) },
    { weight: 8, arbitrary: fc.tuple(fc.constantFrom('a', 'name', 'b_1', 'x.y'), fc.constantFrom(': ', ':  '), mildJunk).map((parts) => parts.join('')) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('  - ', '- ', '  -'), junkText(6)).map((parts) => parts.join('')) },
  ),
  { maxLength: 5 },
).map((lines) => lines.join('\n'));

const RUNS = {
  mixed: 6000,
  junk: 3000,
  safe: 2500,
  findFrontmatter: 1500,
  crlf: 1000,
  remark: 600,
  neverThrows: 1000,
};

describe('differential: parseYamlLean against YAML.parse', () => {
  test('mixed sources: whenever lean answers, it equals YAML.parse', () => {
    let leanAnswered = 0;
    fc.assert(fc.property(mixedSource, (source) => {
      if (parseYamlLean(source) !== undefined) leanAnswered++;
      assertLeanSound(source);
    }), { numRuns: RUNS.mixed });
    // The mixed grammar must still exercise the fast path, or the test proves little.
    assert.ok(leanAnswered > RUNS.mixed / 6, `lean answered only ${leanAnswered} times`);
  });

  test('junk sources: whenever lean answers, it equals YAML.parse', () => {
    let leanAnswered = 0;
    fc.assert(fc.property(junkSource, (source) => {
      if (parseYamlLean(source) !== undefined) leanAnswered++;
      assertLeanSound(source);
    }), { numRuns: RUNS.junk });
    // Were the lean parser to decline every junk source, this would compare nothing.
    assert.ok(leanAnswered > RUNS.junk / 10, `lean answered only ${leanAnswered} of ${RUNS.junk} junk sources`);
  });

  test('the plain well-formed subset always takes the fast path', () => {
    fc.assert(fc.property(safeSource, (source) => {
      const ref = reference(source);
      assert.ok(ref.ok, `YAML rejects a supposedly safe source: ${JSON.stringify(source)}`);
      const lean = parseYamlLean(source);
      if (!isMapping(ref.value)) {
        // Only blank and comment lines: YAML's empty document.
        assert.equal(ref.value, null);
        assert.equal(lean, undefined);
        return;
      }
      assert.notEqual(lean, undefined, `lean declined a safe source: ${JSON.stringify(source)}`);
      assert.deepStrictEqual(lean, ref.value);
    }), { numRuns: RUNS.safe });
  });
});

function wrap(source: string, br: string): string {
  return `---${br}${source}${source === '' ? '' : br}---${br}# Body${br}`;
}

describe('differential: findFrontmatter against YAML.parse', () => {
  test('data equals YAML.parse for well-formed blocks, and the lean path agrees with its keys', () => {
    fc.assert(fc.property(fc.oneof(safeSource, mixedSource), eol, (source, br) => {
      // A line that is itself a fence would end the block early; that case is the remark test's.
      fc.pre(!source.split(/\r?\n/).some((l) => /^(?:---|\.\.\.)[ \t]*$/.test(l)));
      const fm = findFrontmatter(wrap(source, br));
      assert.ok(fm);
      assert.equal(fm.source, source);
      // A CRLF block reads as its LF twin (the yaml package would keep a CR inside some
      // complex keys): YAML's reading of the LF text is the reference.
      const ref = reference(source.replace(/\r\n/g, '\n'));
      if (ref.ok && (ref.value === null || isMapping(ref.value))) {
        // The one reading that differs from YAML's on valid YAML: a title whose `#12` YAML
        // takes for a comment is read whole, with a warning on its line.
        const expected = { ...(ref.value ?? {}) } as Record<string, unknown>;
        for (const key of Object.keys(expected)) {
          const read = fm.data[key];
          if (Object.is(read, expected[key]) || (typeof read === 'object' && read !== null)) continue;
          assert.match(key, /^(name|title|description|summary)$/, `only a title may be read otherwise than YAML reads it: ${key}`);
          assert.ok(typeof read === 'string' && read.startsWith(String(expected[key] ?? '')) && /#\d/.test(read), `${key} is read whole: ${JSON.stringify(read)}`);
          const line = fm.keys.find((k) => k.key === key)!.line;
          assert.ok(fm.problems.some((p) => p.line === line && p.severity === 'warning'), `a warning on the line of ${key}`);
          expected[key] = read;
        }
        assert.deepStrictEqual(fm.data, expected);
        if (fm.engine === 'lean') assert.ok(fm.problems.every((p) => p.severity === 'warning'));
      }
      if (!ref.ok) {
        assert.ok(fm.problems.length > 0, 'a YAML error must be a problem');
        assert.equal(fm.engine, 'recovered');
        for (const p of fm.problems) {
          assert.ok(p.line >= fm.sourceLine && p.line < fm.endLine, `a problem lies inside the block: ${JSON.stringify(p)}`);
          assert.doesNotMatch(p.message, /Nested mappings|Implicit keys|Map keys must be unique|at line \d+, column/, 'no message of the YAML library reaches the user');
        }
      }
      if (fm.engine === 'lean') {
        assert.deepStrictEqual(fm.keys.map((k) => k.key), Object.keys(fm.data));
        for (const k of fm.keys) {
          assert.ok(k.line >= fm.sourceLine && k.endLine >= k.line && k.endLine < fm.endLine);
        }
      }
    }), { numRuns: RUNS.findFrontmatter });
  });

  test('a complex key ending in a comment reads the same with CRLF as with LF', () => {
    const lf = '---\n? x: &anchor x #\n    #\n---\nbody\n';
    const a = findFrontmatter(lf);
    const b = findFrontmatter(lf.replace(/\n/g, '\r\n'));
    assert.deepStrictEqual(b?.data, a?.data);
    assert.ok(!Object.keys(b?.data ?? {}).some((k) => k.includes('\r')));
  });

  test('a CRLF document gives the same result as its LF twin', () => {
    fc.assert(fc.property(mixedSource, (mixed) => {
      const lf = wrap(mixed.replace(/\r\n/g, '\n'), '\n');
      const a = findFrontmatter(lf);
      const b = findFrontmatter(lf.replace(/\n/g, '\r\n'));
      assert.deepStrictEqual(b?.data, a?.data);
      assert.deepStrictEqual(b?.keys, a?.keys);
      assert.equal(b?.engine, a?.engine);
      assert.equal(b?.endLine, a?.endLine);
      assert.deepStrictEqual(b?.problems.map((p) => p.line), a?.problems.map((p) => p.line));
    }), { numRuns: RUNS.crlf });
  });
});

interface YamlNode {
  type: string;
  value: string;
  position: { start: { line: number }; end: { line: number } };
}

describe('differential: findFrontmatter against remark-frontmatter', () => {
  const processor = unified().use(remarkParse).use(remarkFrontmatter, ['yaml']);
  const fenceLine = fc.tuple(fc.constantFrom('---'), fc.constantFrom('', ' ', '  ', '\t')).map(([f, s]) => f + s);
  const document = fc.tuple(
    fc.tuple(fc.constantFrom('', '', '\ufeff'), fenceLine).map(([bom, fence]) => bom + fence),
    fc.oneof(safeSource, mixedSource),
    fc.option(fenceLine, { nil: undefined }),
    fc.constantFrom('', '# Body', 'Text\n\n---\n\nMore', '---'),
    eol,
  ).map(([open, source, close, body, br]) => {
    // remark closes only on `---`, and reads a lone CR as a line break; keep to what both agree on.
    const lines = source.split(/\r?\n/).filter((l) => !/^\.\.\.[ \t]*$/.test(l) && !l.includes('\r'));
    const parts = [open, ...lines];
    if (close !== undefined) parts.push(close);
    parts.push(...body.split('\n'));
    return parts.join(br);
  });

  test('the yaml node has the same lines and value', () => {
    fc.assert(fc.property(document, (text) => {
      const tree = processor.parse(text);
      const node = tree.children.find((n) => n.type === 'yaml') as YamlNode | undefined;
      const fm = findFrontmatter(text);
      assert.ok(fm, 'a document opening with --- has frontmatter');
      if (node === undefined) {
        assert.equal(fm.endLine, -1, `remark found no block: ${JSON.stringify(text)}`);
        return;
      }
      assert.equal(fm.startLine, node.position.start.line - 1);
      assert.equal(fm.endLine, node.position.end.line - 1);
      assert.equal(fm.source.replace(/\r\n/g, '\n'), node.value.replace(/\r\n/g, '\n'));
    }), { numRuns: RUNS.remark });
  });
});

describe('robustness', () => {
  const docChars = fc.constantFrom(...'-\n\r\n#  :ab1\t.\ufeff[]\'"&*'.split(''));
  const doc = fc.oneof(
    fc.string({ unit: docChars, maxLength: 40 }),
    fc.tuple(fc.constantFrom('---\n', '\ufeff---\r\n', '# T\n\n---\n'), mixedSource, fc.constantFrom('', '\n---\n', '\r\n...\r\nx'))
      .map(([a, b, c]) => a + b + c),
  );

  test('never throws, and masking keeps every line and line break outside the block', () => {
    fc.assert(fc.property(doc, (text) => {
      const fm = findFrontmatter(text);
      if (!fm) return;
      const masked = maskFrontmatter(text, fm);
      const before = text.split('\n');
      const after = masked.split('\n');
      assert.equal(after.length, before.length);
      const last = fm.endLine < 0 ? fm.startLine : fm.endLine;
      before.forEach((line, i) => {
        if (i < fm.startLine || i > last) {
          assert.equal(after[i], line);
        } else {
          const bom = i === 0 && line.startsWith('\ufeff') ? '\ufeff' : '';
          const cr = line.endsWith('\r') && i < before.length - 1 ? '\r' : '';
          assert.equal(after[i], bom + cr);
        }
      });
    }), { numRuns: RUNS.neverThrows });
  });
});
