/**
 * Frontmatter as real task files contain it: values with `: ` or a trailing colon, a key
 * written twice, `#12` in a title, titles that open with `[` or `@`, lists indented with
 * tabs or never closed. Generated files mix such lines with clean ones; each property
 * says the block is read as its author meant it, that exactly the ugly lines carry a
 * warning, and that an edit still changes only its own bytes.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { applyEdits, setFrontmatterFieldEdits } from '../../src/core/edits';
import { findFrontmatter } from '../../src/core/frontmatter';
import { parseTaskFile } from '../../src/core/parse/directoryParser';

/** One field as written: its lines, what its author meant, and whether a warning belongs on a line of it. */
interface Field {
  readonly key: string;
  readonly lines: readonly string[];
  readonly meant: unknown;
  /** Index into `lines` of the line that must carry a warning, or undefined when the field is clean. */
  readonly ugly?: number;
}

const words = fc.array(fc.constantFrom('data', 'layer', 'login', 'API', 'cache', 'v2', 'sync', 'tests'), { minLength: 1, maxLength: 3 }).map((w) => w.join(' '));

const nameField: fc.Arbitrary<Field> = fc.oneof(
  words.map((w): Field => ({ key: 'name', lines: [`name: ${w}`], meant: w })),
  fc.tuple(words, words).map(([a, b]): Field => ({ key: 'name', lines: [`name: ${a}: ${b}`], meant: `${a}: ${b}`, ugly: 0 })),
  words.map((w): Field => ({ key: 'name', lines: [`name: ${w}:`], meant: `${w}:`, ugly: 0 })),
  fc.tuple(words, fc.integer({ min: 1, max: 999 }), words).map(([a, n, b]): Field => ({ key: 'name', lines: [`name: ${a} #${n} ${b}`], meant: `${a} #${n} ${b}`, ugly: 0 })),
  fc.tuple(fc.integer({ min: 1, max: 999 }), words).map(([n, w]): Field => ({ key: 'name', lines: [`name: [#${n}] ${w}`], meant: `[#${n}] ${w}`, ugly: 0 })),
  words.map((w): Field => ({ key: 'name', lines: [`name: @team ${w}`], meant: `@team ${w}`, ugly: 0 })),
  fc.tuple(words, words).map(([a, b]): Field => ({ key: 'name', lines: [`name: "${a}: ${b}"`], meant: `${a}: ${b}` })),
);

const STATUSES = ['open', 'in-progress', 'closed', 'completed', 'backlog'];
const statusWord = fc.constantFrom(...STATUSES);

/** The status, plain, indented with a tab after a key that has its value (as an editor's Tab key makes it), or written twice. */
const statusFields: fc.Arbitrary<Field[]> = fc.oneof(
  statusWord.map((s): Field[] => [{ key: 'status', lines: [`status: ${s}`], meant: s }]),
  fc.tuple(fc.constantFrom('\t', '\t\t', ' \t'), statusWord).map(([tab, s]): Field[] => [{ key: 'status', lines: [`${tab}status: ${s}`], meant: s, ugly: 0 }]),
  fc.tuple(statusWord, statusWord).map(([a, b]): Field[] => [
    { key: 'status', lines: [`status: ${a}`], meant: b },
    { key: 'status', lines: [`status: ${b}`], meant: b, ugly: 0 },
  ]),
);

const iso = fc.integer({ min: 1, max: 28 }).map((d) => `2026-03-${String(d).padStart(2, '0')}T10:00:00Z`);
const numbers = fc.uniqueArray(fc.integer({ min: 1, max: 30 }), { minLength: 1, maxLength: 3 });
const pad = (n: number) => String(n).padStart(3, '0');

const otherFields: fc.Arbitrary<Field[]> = fc.tuple(
  fc.oneof(
    iso.map((u): Field[] => [{ key: 'updated', lines: [`updated: ${u}`], meant: u }]),
    // A hand edit that added a second `updated:` instead of changing the first: the last one counts.
    fc.tuple(iso, iso).map(([a, b]): Field[] => [
      { key: 'updated', lines: [`updated: ${a}`], meant: b },
      { key: 'updated', lines: [`updated: ${b}`], meant: b, ugly: 0 },
    ]),
  ),
  fc.oneof(
    numbers.map((ns): Field[] => [{ key: 'depends_on', lines: [`depends_on: [${ns.map(pad).join(', ')}]`], meant: ns }]),
    numbers.map((ns): Field[] => [{ key: 'depends_on', lines: [`depends_on: [${ns.map(pad).join(', ')}`], meant: ns, ugly: 0 }]),
    fc.tuple(numbers, fc.constantFrom('\t', '  \t')).map(([ns, tab]): Field[] => [
      { key: 'depends_on', lines: ['depends_on:', ...ns.map((n) => `${tab}- ${pad(n)}`)], meant: ns, ugly: 1 },
    ]),
    numbers.map((ns): Field[] => [{ key: 'depends_on', lines: ['depends_on:', ...ns.map((n) => `  - ${pad(n)}`)], meant: ns }]),
  ),
  fc.constantFrom<Field[]>([], [{ key: 'parallel', lines: ['parallel: true'], meant: true }], [{ key: 'github', lines: ['github:'], meant: null }]),
).map(([a, b, c]) => [...a, ...b, ...c]);

interface Generated {
  readonly text: string;
  readonly fields: readonly Field[];
  /** Document line of each field's first line. */
  readonly lineOf: readonly number[];
  readonly eol: string;
}

const generated: fc.Arbitrary<Generated> = fc
  .tuple(nameField, statusFields, otherFields, fc.constantFrom('\n', '\r\n'))
  .chain(([name, status, others, eol]) =>
    // The second `updated:` must come after the first: shuffle, then put them back in order.
    fc.shuffledSubarray(others, { minLength: others.length, maxLength: others.length }).map((shuffled) => {
      const updated = others.filter((f) => f.key === 'updated');
      let next = 0;
      const ordered = shuffled.map((f) => (f.key === 'updated' ? updated[next++] : f));
      return { name, status, ordered, eol };
    }),
  )
  .map(({ name, status, ordered, eol }) => {
    const fields = [name, ...status, ...ordered];
    const lines = ['---'];
    const lineOf: number[] = [];
    for (const field of fields) {
      lineOf.push(lines.length);
      lines.push(...field.lines);
    }
    lines.push('---', '', '# Task: generated', '', 'Body.', '');
    return { text: lines.join(eol), fields, lineOf, eol };
  });

/** What a value means, as the task model compares it: lists as numbers, the rest as is. */
function meaning(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => Number(v));
  return value;
}

describe('frontmatter as real task files write it', () => {
  test('every key reads as its author meant it, and exactly the ugly lines carry a warning', () => {
    fc.assert(
      fc.property(generated, ({ text, fields, lineOf }) => {
        const fm = findFrontmatter(text);
        assert.ok(fm);
        const last = new Map<string, Field>();
        for (const field of fields) last.set(field.key, field);
        for (const [key, field] of last) assert.deepStrictEqual(meaning(fm.data[key]), field.meant, `${key} in ${JSON.stringify(text)}`);
        assert.deepStrictEqual(Object.keys(fm.data).sort(), [...last.keys()].sort());

        const expected = fields.flatMap((field, i) => (field.ugly === undefined ? [] : [lineOf[i] + field.ugly])).sort((a, b) => a - b);
        const warned = [...new Set(fm.problems.map((p) => p.line))].sort((a, b) => a - b);
        assert.deepStrictEqual(warned, expected, JSON.stringify(fm.problems));
        for (const p of fm.problems) {
          assert.equal(p.severity, 'warning');
          // Plain words that name the key and say what to change, not the YAML library's message.
          assert.match(p.message, /`[a-z_]+`/);
          assert.match(p.message, /quote|close|delete|indent|start the line|add it/i);
        }
      }),
      { numRuns: 800 },
    );
  });

  test('the task is read with the status written last, so a closed task is never offered as open', () => {
    fc.assert(
      fc.property(generated, ({ text, fields }) => {
        const task = parseTaskFile('.claude/epics/e/001.md', text);
        const status = [...fields].reverse().find((f) => f.key === 'status')!.meant as string;
        assert.equal(task.rawStatus, status);
        assert.equal(task.state, { open: 'open', backlog: 'open', 'in-progress': 'in-progress', closed: 'done', completed: 'done' }[status]);
        const depends = [...fields].reverse().find((f) => f.key === 'depends_on')!.meant as number[];
        assert.deepStrictEqual(task.dependsOn.map(Number), depends);
      }),
      { numRuns: 500 },
    );
  });

  test('setting the status changes only the value on the line that counts', () => {
    fc.assert(
      fc.property(generated, fc.constantFrom('in-progress', 'closed', 'open'), ({ text, fields, lineOf, eol }, value) => {
        const fm = findFrontmatter(text)!;
        const after = applyEdits(text, setFrontmatterFieldEdits(text, 'status', value));
        const i = fields.map((f) => f.key).lastIndexOf('status');
        const line = lineOf[i];
        const was = text.split(eol);
        const now = after.split(eol);
        assert.equal(now.length, was.length);
        now.forEach((l, n) => {
          if (n !== line) assert.equal(l, was[n], `line ${n} changed`);
        });
        const written = fields[i].lines[0];
        const at = written.lastIndexOf(String(fields[i].meant));
        assert.equal(now[line], written.slice(0, at) + value + written.slice(at + String(fields[i].meant).length));
        assert.equal(findFrontmatter(after)!.data.status, value);
        // Everything else reads as before.
        assert.deepStrictEqual({ ...findFrontmatter(after)!.data, status: null }, { ...fm.data, status: null });
      }),
      { numRuns: 500 },
    );
  });
});

describe('frontmatter that once misled the reader', () => {
  const fm = (block: string) => findFrontmatter(`---\n${block}\n---\n# Task: t\n`)!;
  const set = (block: string, key: string, value: string) => {
    const text = `---\n${block}\n---\n# Task: t\n`;
    return applyEdits(text, setFrontmatterFieldEdits(text, key, value)).split('\n').slice(1, -3).join('\n');
  };

  test('a key indented under a value on its own line is a key of its own, and editing its neighbour keeps it', () => {
    assert.deepStrictEqual(fm('status: open\n  priority: high').data, { status: 'open', priority: 'high' });
    assert.deepStrictEqual(fm('name: Checkout API\n  status: closed').data, { name: 'Checkout API', status: 'closed' });
    assert.equal(set('status: open\n  priority: high', 'status', 'closed'), 'status: closed\n  priority: high');
    assert.equal(fm('status: open\n  priority: high').problems.length, 1);
    assert.match(fm('status: open\n  priority: high').problems[0].message, /`priority` is indented under `status`, which has its value on its own line; start the line with `priority:`/);
  });

  test('a value that goes on over the next lines is replaced whole', () => {
    assert.equal(set('updated: |\n  2024-01-01\nstatus: open', 'updated', '2025-02-02'), 'updated: 2025-02-02\nstatus: open');
    assert.equal(set('description: first\n  second\nstatus: open', 'description', 'one'), 'description: one\nstatus: open');
  });

  test('a block indented as a whole: its keys, its written references, and edits at its indentation', () => {
    const block = '  name: Login page\n  status: open\n  depends_on: [001]';
    const parsed = fm(block);
    assert.deepStrictEqual(parsed.keys.map((k) => [k.key, k.line, k.valueColumn]), [['name', 1, 8], ['status', 2, 10], ['depends_on', 3, 14]]);
    assert.deepStrictEqual(parseTaskFile('e/002.md', `---\n${block}\n---\n`).dependsOn, ['001']);
    assert.equal(set(block, 'status', 'closed'), '  name: Login page\n  status: closed\n  depends_on: [001]');
    assert.equal(set(block, 'updated', '2026-01-01'), `${block}\n  updated: 2026-01-01`);
    const broken = fm('  name: a: b\n  status: closed');
    assert.deepStrictEqual(broken.data, { name: 'a: b', status: 'closed' });
    assert.deepStrictEqual(broken.problems.map((p) => [p.line, p.column]), [[1, 8]]);
  });

  test('issue numbers in a list YAML refused are kept, not taken for comments', () => {
    assert.deepStrictEqual(fm('depends_on: [#12, #13]\nstatus: open').data, { depends_on: ['#12', '#13'], status: 'open' });
  });

  test('a tab-indented key after a list, and tab-indented text under a block marker', () => {
    assert.deepStrictEqual(fm('depends_on:\n  - 001\n\tstatus: closed').data, { depends_on: [1], status: 'closed' });
    const text = fm('status: closed\ndescription: |\n\tNote: x\n\tstatus: reopened');
    assert.deepStrictEqual(text.data, { status: 'closed', description: 'Note: x\nstatus: reopened\n' });
    assert.deepStrictEqual(text.problems.map((p) => p.line), [3]);
  });

  test('two spellings of one key: the last is read and edited, with a warning', () => {
    const text = '---\nname: t\nStatus: open\nstatus: closed\n---\n';
    const task = parseTaskFile('e/1.md', text);
    assert.equal(task.state, 'done');
    assert.deepStrictEqual(task.diagnostics.map((d) => [d.range.line, d.severity, d.code]), [[3, 'warning', 'frontmatter-malformed']]);
    assert.match(task.diagnostics[0].message, /`status` is also written as `Status` on line 3; AutoPM reads them as one key, and this value is the one read/);
    assert.equal(applyEdits(text, setFrontmatterFieldEdits(text, 'status', 'open')), '---\nname: t\nStatus: open\nstatus: open\n---\n');
    const deps = parseTaskFile('e/1.md', '---\ndepends-on: [001]\ndepends_on: [002]\n---\n');
    assert.deepStrictEqual(deps.dependsOn, ['002']);
  });

  test('a list quoted whole is still the list', () => {
    assert.deepStrictEqual(parseTaskFile('e/1.md', '---\ndepends_on: "[001, 003]"\n---\n').dependsOn, ['001', '003']);
  });

  test('one warning per line, and the warning names the real mistake', () => {
    const repeatedAndBroken = fm('name: a\nname: b: c');
    assert.deepStrictEqual(repeatedAndBroken.data, { name: 'b: c' });
    assert.equal(repeatedAndBroken.problems.length, 1);
    assert.match(repeatedAndBroken.problems[0].message, /contains `: `.*is set again here/);
    const windows = fm('path: "C:\\Users\\me"\nstatus: open');
    assert.deepStrictEqual(windows.data, { path: 'C:\\Users\\me', status: 'open' });
    assert.match(windows.problems[0].message, /backslash.*use single quotes: path: 'C:\\Users\\me'/);
    assert.deepStrictEqual(fm('depends_on: [001, 002,\n  003\nstatus: open').data, { depends_on: ['001', '002', '003'], status: 'open' });
  });

  test('a first line indented by mistake, and a key without a space after its colon, are read', () => {
    assert.deepStrictEqual(fm(' name: x\nstatus: open\n  depends_on: [1]: x').data.name, 'x');
    const loose = fm('name: x\nstatus:closed\nowner: me: you');
    assert.deepStrictEqual(loose.data, { name: 'x', status: 'closed', owner: 'me: you' });
    assert.match(loose.problems[0].message, /`status` needs a space after its colon; write `status: closed`/);
    // Setting it writes the new value where the old one was, and nothing else.
    const text = '---\nname: x\nstatus:closed\nowner: me: you\n---\n';
    assert.match(applyEdits(text, setFrontmatterFieldEdits(text, 'status', 'open')), /\nstatus:open\n/);
  });
});
