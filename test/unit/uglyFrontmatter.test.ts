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
