/**
 * Property tests for the edit functions over generated plan files.
 *
 * The rule under test: an edit changes only the bytes it means to change (a checkbox,
 * a frontmatter value, an appended `(#12)`); every other byte of the file stays as it
 * was, including LF or CRLF line endings, unknown frontmatter keys, key order, comments
 * and trailing spaces. Each generator renders a document from a small model, so the
 * expected text after an edit is computed from the model, not from the code under test.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import YAML from 'yaml';
import type { Epic, Task, TaskState } from '../../src/core/model';
import {
  appendTaskChange,
  applyChange,
  attachIssueChange,
  applyEdits,
  formatYamlValue,
  renameAfterSyncChange,
  setFrontmatterFieldEdits,
  setTaskStateChange,
} from '../../src/core/edits';
import { findFrontmatter } from '../../src/core/frontmatter';
import { assembleDirectoryEpic, parseEpicFile, parseTaskFile } from '../../src/core/parse/directoryParser';
import { parseSingleFileEpic } from '../../src/core/parse/singleFileEpicParser';

const NOW = '2026-11-22T10:00:00Z';
const RUNS = Number(process.env.EDIT_PROPERTY_RUNS ?? 250);

type Eol = '\n' | '\r\n';
const eolArb = fc.constantFrom<Eol>('\n', '\r\n');
const STATES: readonly TaskState[] = ['open', 'in-progress', 'done'];
const MARK_FOR: Record<TaskState, string> = { open: ' ', 'in-progress': '-', done: 'x' };

/** A reader over in-memory files that fails, like the file system, for a missing file. */
function readerOf(files: ReadonlyMap<string, string>): (path: string) => string {
  return (path) => {
    const text = files.get(path);
    if (text === undefined) throw new Error(`no file ${path}`);
    return text;
  };
}

/** Offset of the first character of a 0-based line. */
function lineOffset(text: string, line: number): number {
  let at = 0;
  for (let l = 0; l < line; l++) at = text.indexOf('\n', at) + 1;
  return at;
}

/** Lines with their own line breaks, so that comparing them compares the breaks too. */
function linesWithBreaks(text: string): string[] {
  return text === '' ? [] : text.split(/(?<=\n)/);
}

function join(lines: readonly string[], eol: Eol, finalNewline: boolean): string {
  return lines.join(eol) + (finalNewline ? eol : '');
}

/** Every line break in `text` is `eol`: no bare LF in a CRLF file, no CR in an LF file. */
function assertBreaks(text: string, eol: Eol, what: string): void {
  const bad = eol === '\n' ? /\r/ : /\r(?!\n)|(?<!\r)\n/;
  assert.ok(!bad.test(text), `${what} uses a line break other than ${JSON.stringify(eol)}: ${JSON.stringify(text)}`);
}

// ---------------------------------------------------------------------------------
// Single-file epics

const SF_PATH = 'epics/epic-007-generated.md';

const WORDS = ['cache', 'login', 'API', 'schema', 'deploy', 'retry', 'Redis', 'index', 'page', 'tests', 'docs', 'v2', 'rate', 'limit'];
const CAPITALS = ['Build', 'The', 'Users', 'Then', 'Redis', 'Each', 'We'];
// Fragments that look like plan syntax but sit where they must stay prose.
const RISKY_PROSE = ['[ ]', '[x]', '[-]', 'Task 3', 'T2', '(#5)', '**bold**', '`Task 9`', '001', '- [ ]', '#12', 'Task 1:', '**Task 4:**', '*', '_x_'];
const RISKY_TITLE = ['[ ]', 'Task 3', '**bold**', '(#5)', '#7', 'T2', '-', ':', '`x`'];
const GROUP_WORDS = ['Setup', 'Core work', 'Redirects', 'Polish', 'API: v2'];

const proseLine = fc
  .tuple(fc.constantFrom(...CAPITALS), fc.array(fc.constantFrom(...WORDS, ...RISKY_PROSE), { maxLength: 8 }))
  .map(([first, rest]) => [first, ...rest].join(' '));
const paragraph = fc.array(proseLine, { minLength: 1, maxLength: 3 });

/** A task title; one ending in `(#5)` would read as a linked issue, so such a title gets a last word. */
const taskTitle = fc
  .array(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...WORDS) }, { weight: 1, arbitrary: fc.constantFrom(...RISKY_TITLE) }), {
    minLength: 1,
    maxLength: 6,
  })
  .map((words) => {
    const title = words.join(' ');
    return title.endsWith(')') ? `${title} now` : title;
  });

const subBullet = fc.oneof(
  fc.integer({ min: 1, max: 8 }).map((h) => `**Estimate:** ${h} hours`),
  fc
    .array(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 3 })
    .map((ks) => `**Depends on:** ${ks.map((k) => `Task ${k}`).join(', ')}`),
  proseLine,
  proseLine.map((p) => `[ ] ${p}`),
  proseLine.map((p) => `[x] ${p}`),
);

type Mark = ' ' | 'x' | 'X' | '-';

interface SfTask {
  readonly n: number;
  readonly mark: Mark;
  /** `**Task 3:**` or `**Task 3**:` */
  readonly colonInside: boolean;
  readonly title: string;
  readonly issue: number | undefined;
  readonly subs: readonly string[];
  readonly blankBefore: boolean;
  /** Opens a `###` group (with an optional intro paragraph) before this task. */
  readonly newGroup: boolean;
  readonly intro: readonly string[] | undefined;
}

interface SfDoc {
  readonly title: string;
  readonly boldKeys: readonly string[];
  readonly overview: readonly (readonly string[])[];
  readonly tasks: readonly SfTask[];
  readonly mermaid: readonly (readonly [number, number])[] | undefined;
  readonly outro: readonly string[] | undefined;
  /** Trailing white space, used line by line in turn. */
  readonly trail: readonly string[];
  readonly eol: Eol;
  readonly finalNewline: boolean;
}

const sfTask: fc.Arbitrary<SfTask> = fc.record({
  n: fc.integer({ min: 1, max: 40 }),
  mark: fc.constantFrom<Mark>(' ', ' ', 'x', 'x', 'X', '-'),
  colonInside: fc.boolean(),
  title: taskTitle,
  issue: fc.option(fc.integer({ min: 1, max: 999 }), { freq: 3, nil: undefined }),
  subs: fc.array(subBullet, { maxLength: 4 }),
  blankBefore: fc.boolean(),
  newGroup: fc.constantFrom(false, false, true),
  intro: fc.option(paragraph, { freq: 3, nil: undefined }),
});

const sfDocArb: fc.Arbitrary<SfDoc> = fc
  .uniqueArray(sfTask, { minLength: 1, maxLength: 15, selector: (t) => t.n })
  .chain((tasks) =>
    fc.record({
      title: taskTitle,
      boldKeys: fc.subarray(['**Status:** In progress', '**Owner:** sam', '**Target:** 2026-05-01', '**Depends on:** Task 2']),
      overview: fc.array(paragraph, { maxLength: 2 }),
      tasks: fc.constant(tasks),
      mermaid: fc.option(
        fc.array(fc.tuple(fc.constantFrom(...tasks.map((t) => t.n)), fc.constantFrom(...tasks.map((t) => t.n))), { minLength: 1, maxLength: 4 }),
        { freq: 1, nil: undefined },
      ),
      outro: fc.option(paragraph, { freq: 1, nil: undefined }),
      trail: fc.array(fc.constantFrom('', '', '', '', ' ', '  ', '   ', '\t'), { minLength: 1, maxLength: 7 }),
      eol: eolArb,
      finalNewline: fc.boolean(),
    }),
  );

interface SfRendered {
  readonly text: string;
  /** Lines without their breaks and without the trailing white space added to them. */
  readonly content: readonly string[];
  readonly taskLine: ReadonlyMap<number, number>;
  readonly groupOf: ReadonlyMap<number, string | undefined>;
  readonly groups: readonly string[];
}

function renderSf(doc: SfDoc): SfRendered {
  const out: string[] = [`# Epic 007: ${doc.title}`, ''];
  if (doc.boldKeys.length > 0) out.push(...doc.boldKeys, '');
  out.push('## Overview', '');
  for (const p of doc.overview) out.push(...p, '');
  out.push('## Tasks', '');
  const taskLine = new Map<number, number>();
  const groupOf = new Map<number, string | undefined>();
  const groups: string[] = [];
  let group: string | undefined;
  doc.tasks.forEach((t, i) => {
    if (t.newGroup) {
      group = `Phase ${groups.length + 1}: ${GROUP_WORDS[groups.length % GROUP_WORDS.length]}`;
      groups.push(group);
      if (i > 0) out.push('');
      out.push(`### ${group}`, '');
      if (t.intro) out.push(...t.intro, '');
    } else if (i > 0 && t.blankBefore) {
      out.push('');
    }
    taskLine.set(t.n, out.length);
    groupOf.set(t.n, group);
    const label = t.colonInside ? `**Task ${t.n}:**` : `**Task ${t.n}**:`;
    out.push(`- [${t.mark}] ${label} ${t.title}${t.issue !== undefined ? ` (#${t.issue})` : ''}`);
    for (const sub of t.subs) out.push(`  - ${sub}`);
  });
  if (doc.mermaid) {
    out.push('', '## Dependencies', '', '```mermaid', 'graph TD');
    for (const [a, b] of doc.mermaid) out.push(`    T${a} --> T${b}`);
    out.push('```');
  }
  if (doc.outro) out.push('', ...doc.outro);
  const lines = out.map((line, i) => line + doc.trail[i % doc.trail.length]);
  return { text: join(lines, doc.eol, doc.finalNewline), content: out, taskLine, groupOf, groups };
}

function stateOfMark(mark: Mark): TaskState {
  return mark === ' ' ? 'open' : mark === '-' ? 'in-progress' : 'done';
}

/** Parses a generated epic and checks that the parser read what the generator wrote. */
function parseSf(doc: SfDoc, rendered: SfRendered): Epic {
  const epic = parseSingleFileEpic(SF_PATH, rendered.text).epic;
  assert.deepEqual(
    epic.tasks.map((t) => [t.id, t.state, t.title, t.issue, t.range.line, t.group]),
    doc.tasks.map((t) => [`T${t.n}`, stateOfMark(t.mark), t.title, t.issue, rendered.taskLine.get(t.n), rendered.groupOf.get(t.n)]),
    'the generated epic parses to the tasks it was generated with',
  );
  return epic;
}

describe('single-file epics: generated documents', () => {
  test(`a state change flips one checkbox character and nothing else (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(sfDocArb, fc.nat(), fc.constantFrom(...STATES), (doc, pick, state) => {
        const rendered = renderSf(doc);
        const epic = parseSf(doc, rendered);
        const target = doc.tasks[pick % doc.tasks.length];
        const files = new Map([[SF_PATH, rendered.text]]);
        const change = setTaskStateChange(epic, `T${target.n}`, state, readerOf(files), NOW);
        applyChange(files, change);
        const after = files.get(SF_PATH)!;
        assert.equal(after.length, rendered.text.length);
        const differing: number[] = [];
        for (let i = 0; i < after.length; i++) if (after[i] !== rendered.text[i]) differing.push(i);
        if (stateOfMark(target.mark) === state) {
          assert.deepEqual(change.edits, []);
          assert.deepEqual(differing, []);
        } else {
          // `- [` puts the mark at column 3 of the task's own line.
          const markAt = lineOffset(rendered.text, rendered.taskLine.get(target.n)!) + 3;
          assert.deepEqual(differing, [markAt]);
          assert.equal(after[markAt], MARK_FOR[state]);
        }
        const reparsed = parseSingleFileEpic(SF_PATH, after).epic;
        assert.deepEqual(reparsed.tasks, epic.tasks.map((t) => (t.id === `T${target.n}` ? { ...t, state } : t)));
      }),
      { numRuns: RUNS },
    );
  });

  test(`cycling a task through the other two states and back restores the bytes (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(sfDocArb, fc.nat(), fc.boolean(), (doc, pick, swap) => {
        const rendered = renderSf(doc);
        const epic = parseSf(doc, rendered);
        const target = doc.tasks[pick % doc.tasks.length];
        const start = stateOfMark(target.mark);
        const others = STATES.filter((s) => s !== start);
        const cycle = swap ? [others[1], others[0], start] : [others[0], others[1], start];
        const files = new Map([[SF_PATH, rendered.text]]);
        for (const state of cycle) applyChange(files, setTaskStateChange(epic, `T${target.n}`, state, readerOf(files), NOW));
        // `[X]` is read as done, and done is written `[x]`: the only byte a cycle may change.
        const markAt = lineOffset(rendered.text, rendered.taskLine.get(target.n)!) + 3;
        const expected =
          target.mark === 'X' ? rendered.text.slice(0, markAt) + 'x' + rendered.text.slice(markAt + 1) : rendered.text;
        assert.equal(files.get(SF_PATH), expected);
      }),
      { numRuns: RUNS },
    );
  });

  test(`attaching an issue writes " (#N)" after the line's content and nothing else (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(sfDocArb, fc.nat(), fc.integer({ min: 1, max: 99999 }), (doc, pick, issue) => {
        const rendered = renderSf(doc);
        const epic = parseSf(doc, rendered);
        const target = doc.tasks[pick % doc.tasks.length];
        const line = rendered.taskLine.get(target.n)!;
        const content = rendered.content[line];
        const at = lineOffset(rendered.text, line);
        const files = new Map([[SF_PATH, rendered.text]]);
        const change = attachIssueChange(epic, `T${target.n}`, issue, `https://github.com/acme/app/issues/${issue}`, readerOf(files));
        applyChange(files, change);
        const before = rendered.text;
        let expected: string;
        if (target.issue === issue) {
          assert.deepEqual(change.edits, []);
          expected = before;
        } else if (target.issue !== undefined) {
          // Only the number inside the existing `(#N)` is rewritten.
          const digitsAt = at + content.length - 1 - String(target.issue).length;
          expected = before.slice(0, digitsAt) + String(issue) + before.slice(digitsAt + String(target.issue).length);
        } else {
          // Inserted right after the content: trailing white space stays after it.
          expected = before.slice(0, at + content.length) + ` (#${issue})` + before.slice(at + content.length);
        }
        const after = files.get(SF_PATH)!;
        assert.equal(after, expected);
        const reparsed = parseSingleFileEpic(SF_PATH, after).epic;
        const id = `T${target.n}`;
        const t = reparsed.tasks.find((x) => x.id === id)!;
        const old = epic.tasks.find((x) => x.id === id)!.range;
        assert.deepEqual([t.issue, t.title, t.state, t.range.line, t.range.column], [issue, target.title, stateOfMark(target.mark), old.line, old.column]);
        assert.deepEqual(reparsed.tasks.filter((x) => x.id !== id), epic.tasks.filter((x) => x.id !== id));
      }),
      { numRuns: RUNS },
    );
  });

  const newTaskArb = fc.record({
    words: fc.array(fc.constantFrom(...WORDS, '[ ]', 'Task 3', '**bold**'), { minLength: 1, maxLength: 5 }),
    gaps: fc.array(fc.constantFrom(' ', '  ', '\t'), { minLength: 1, maxLength: 3 }),
    pad: fc.constantFrom('', ' ', '  '),
    estimate: fc.option(fc.integer({ min: 1, max: 9 }).map((h) => `${h} hours`), { nil: undefined }),
    deps: fc.array(fc.nat(), { maxLength: 3 }),
    group: fc.option(fc.nat({ max: 4 }), { nil: undefined }),
  });

  test(`appending a task inserts one block at a line boundary in the file's line endings (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(sfDocArb, newTaskArb, (doc, spec) => {
        const rendered = renderSf(doc);
        const epic = parseSf(doc, rendered);
        const title = spec.words.join(' ');
        const written = spec.pad + spec.words.map((w, i) => (i === 0 ? w : spec.gaps[i % spec.gaps.length] + w)).join('') + spec.pad;
        const dependsOn = [...new Set(spec.deps.map((d) => `T${doc.tasks[d % doc.tasks.length].n}`))];
        // An index past the last group stands for a group name the epic does not have.
        const group = spec.group === undefined ? undefined : spec.group < rendered.groups.length ? rendered.groups[spec.group] : 'No such group';
        const files = new Map([[SF_PATH, rendered.text]]);
        const change = appendTaskChange(
          epic,
          { title: written, ...(spec.estimate ? { estimate: spec.estimate } : {}), dependsOn, ...(group !== undefined ? { group } : {}) },
          readerOf(files),
          NOW,
        );
        const number = Math.max(...doc.tasks.map((t) => t.n)) + 1;
        assert.equal(change.taskId, `T${number}`);
        assert.equal(change.edits.length, 1);
        assert.equal(change.edits[0].edits.length, 1);
        const { offset, length } = change.edits[0].edits[0];
        assert.equal(length, 0);
        applyChange(files, change);

        const before = rendered.text;
        const after = files.get(SF_PATH)!;
        const block = after.slice(offset, offset + after.length - before.length);
        assert.equal(after, before.slice(0, offset) + block + before.slice(offset), 'the old text is intact around one inserted block');
        const atBoundary = offset === 0 || before[offset - 1] === '\n' || (offset === before.length && block.startsWith(doc.eol));
        assert.ok(atBoundary, `inserted at offset ${offset}, inside a line`);
        assert.ok(block.endsWith(doc.eol));
        assertBreaks(block, doc.eol, 'the inserted block');
        const expectedLines = [`- [ ] **Task ${number}:** ${title}`];
        if (spec.estimate) expectedLines.push(`  - **Estimate:** ${spec.estimate}`);
        if (dependsOn.length > 0) expectedLines.push(`  - **Depends on:** ${dependsOn.map((id) => `Task ${id.slice(1)}`).join(', ')}`);
        assert.deepEqual(block.split(doc.eol).filter((l) => l !== ''), expectedLines);

        // The new task follows the last task of its group (the last task of all without one).
        const ids = epic.tasks.map((t) => t.id);
        const inGroup = group === undefined ? [] : epic.tasks.filter((t) => t.group === group);
        const anchor = (inGroup.length > 0 ? inGroup : epic.tasks).at(-1)!;
        const reparsed = parseSingleFileEpic(SF_PATH, after).epic;
        const expectedIds = [...ids];
        expectedIds.splice(ids.indexOf(anchor.id) + 1, 0, `T${number}`);
        assert.deepEqual(reparsed.tasks.map((t) => t.id), expectedIds);
        const added = reparsed.tasks.find((t) => t.id === `T${number}`)!;
        assert.deepEqual(
          [added.title, added.state, added.issue, added.group, added.estimate, added.dependsOn],
          [title, 'open', undefined, anchor.group, spec.estimate, dependsOn],
        );

        // Every old task reads as before, moved down by the inserted lines when it sits below them.
        const shift = block.split('\n').length - 1;
        const moved = (t: Task): Task => {
          if (lineOffset(before, t.range.line) < offset) return t;
          const range = { ...t.range, line: t.range.line + shift, endLine: t.range.endLine + shift };
          return { ...t, range };
        };
        const withoutOrder = (t: Task) => ({ ...t, order: 0 });
        assert.deepEqual(
          reparsed.tasks.filter((t) => t.id !== added.id).map(withoutOrder),
          epic.tasks.map(moved).map(withoutOrder),
        );
      }),
      { numRuns: RUNS },
    );
  });
});

// ---------------------------------------------------------------------------------
// Directory layout

const DIR = '.claude/epics/generated';
const EPIC_PATH = `${DIR}/epic.md`;

function pad(n: number): string {
  return String(n).padStart(3, '0');
}

function taskPath(id: string): string {
  return `${DIR}/${id}.md`;
}

type RefStyle = 'pad' | 'plain' | 'dq';
interface Ref {
  readonly n: number;
  readonly style: RefStyle;
}

/** A frontmatter entry: a one-line field, a reference list (depends_on...), or lines kept as they are. */
type FmItem =
  | { readonly kind: 'field'; readonly key: string; readonly value: string; readonly gap: string; readonly tail: string }
  | {
      readonly kind: 'refs';
      readonly key: string;
      readonly block: boolean;
      readonly refs: readonly Ref[];
      readonly gap: string;
      readonly tail: string;
      readonly indent: string;
      readonly itemTails: readonly string[];
    }
  | { readonly kind: 'raw'; readonly lines: readonly string[] };

/** A checklist line of `epic.md`: `- [ ] 001.md - Title` or `- [x] Task 001: Title`. */
interface Check {
  readonly n: number;
  readonly mark: ' ' | 'x' | 'X';
  readonly taskForm: boolean;
  readonly title: string;
  readonly tail: string;
}

interface FileModel {
  readonly items: readonly FmItem[];
  readonly fenceTails: readonly [string, string];
  readonly body: readonly (string | Check)[];
  readonly eol: Eol;
  readonly finalNewline: boolean;
}

/** The new number of a renamed task, or undefined to keep the number as written. */
type Renumber = (n: number) => number | undefined;
const KEEP: Renumber = () => undefined;

interface OneLineField {
  readonly line: number;
  /** Up to where the value starts (the key, the colon and the gap). */
  readonly prefix: string;
  readonly value: string;
  /** Trailing spaces and comment after the value. */
  readonly suffix: string;
}

interface RenderedFile {
  readonly text: string;
  readonly lines: readonly string[];
  readonly single: ReadonlyMap<string, OneLineField>;
  readonly blocks: ReadonlyMap<string, { readonly line: number; readonly endLine: number }>;
  /** Lines that hold `depends_on` / `conflicts_with` values. */
  readonly refLines: ReadonlySet<number>;
  readonly closeLine: number;
  readonly checks: ReadonlyMap<number, number>;
}

function renderRef(ref: Ref, renumber: Renumber): string {
  const to = renumber(ref.n);
  const digits = to !== undefined ? String(to) : ref.style === 'plain' ? String(ref.n) : pad(ref.n);
  return ref.style === 'dq' ? `"${digits}"` : digits;
}

function renderFile(model: FileModel, renumber: Renumber = KEEP): RenderedFile {
  const lines: string[] = [`---${model.fenceTails[0]}`];
  const single = new Map<string, OneLineField>();
  const blocks = new Map<string, { line: number; endLine: number }>();
  const refLines = new Set<number>();
  const checks = new Map<number, number>();
  for (const item of model.items) {
    if (item.kind === 'raw') {
      lines.push(...item.lines);
    } else if (item.kind === 'field') {
      const prefix = item.value === '' ? `${item.key}:` : `${item.key}:${item.gap}`;
      single.set(item.key, { line: lines.length, prefix, value: item.value, suffix: item.tail });
      lines.push(prefix + item.value + item.tail);
    } else if (!item.block) {
      const value = `[${item.refs.map((r) => renderRef(r, renumber)).join(', ')}]`;
      single.set(item.key, { line: lines.length, prefix: `${item.key}:${item.gap}`, value, suffix: item.tail });
      refLines.add(lines.length);
      lines.push(`${item.key}:${item.gap}${value}${item.tail}`);
    } else {
      const line = lines.length;
      lines.push(`${item.key}:${item.tail}`);
      item.refs.forEach((r, i) => {
        refLines.add(lines.length);
        lines.push(`${item.indent}- ${renderRef(r, renumber)}${item.itemTails[i % item.itemTails.length]}`);
      });
      refLines.add(line);
      blocks.set(item.key, { line, endLine: lines.length - 1 });
    }
  }
  const closeLine = lines.length;
  lines.push(`---${model.fenceTails[1]}`);
  for (const entry of model.body) {
    if (typeof entry === 'string') {
      lines.push(entry);
      continue;
    }
    const to = renumber(entry.n);
    const digits = to !== undefined ? String(to) : pad(entry.n);
    checks.set(entry.n, lines.length);
    lines.push(entry.taskForm ? `- [${entry.mark}] Task ${digits}: ${entry.title}${entry.tail}` : `- [${entry.mark}] ${digits}.md - ${entry.title}${entry.tail}`);
  }
  return { text: join(lines, model.eol, model.finalNewline), lines, single, blocks, refLines, closeLine, checks };
}

const spacesArb = fc.constantFrom('', '', '', ' ', '  ');
// Comments may look like references (`#001`, `# [003]`): renaming must leave them alone.
const commentArb = fc.oneof(
  fc
    .array(fc.constantFrom('kept', 'by', 'hand', '001', 'Task 002', 'see #12', '[003]', 'both touch ranking'), { minLength: 1, maxLength: 3 })
    .map((words) => `# ${words.join(' ')}`),
  fc.constantFrom('#001', '#002, #12', '#003]', '#1'),
);
/** What may follow a value: trailing spaces, then maybe a comment. */
const tailArb = fc
  .tuple(spacesArb, fc.option(fc.tuple(fc.constantFrom(' ', '  ', '   '), commentArb), { freq: 3, nil: undefined }))
  .map(([spaces, comment]) => (comment ? spaces + comment[0] + comment[1] : spaces));

/**
 * After a title (`name`) a `#` before a digit is part of the title (`Fix #12`), as the
 * parser reads it, so a title's comments are the ones that start `# `.
 */
const titleTailArb = tailArb.filter((tail) => !/#\d/.test(tail));

function fieldArb(key: string, value: fc.Arbitrary<string>): fc.Arbitrary<FmItem> {
  return fc.record({ value, gap: fc.constantFrom(' ', ' ', ' ', '  '), tail: key === 'name' ? titleTailArb : tailArb }).map(
    ({ value: v, gap, tail }): FmItem => ({ kind: 'field', key, value: v, gap, tail }),
  );
}

const isoArb = fc
  .tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }), fc.integer({ min: 0, max: 23 }))
  .map(([m, d, h]) => `2026-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}T${String(h).padStart(2, '0')}:00:00Z`);
const phraseArb = fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 4 }).map((w) => w.join(' '));
const nameValueArb = fc.oneof(
  { weight: 3, arbitrary: phraseArb },
  { weight: 1, arbitrary: phraseArb.map((p) => `"${p}: details"`) },
  { weight: 1, arbitrary: phraseArb.map((p) => `'${p} isn''t plain'`) },
);

const STATUS_STATE: Readonly<Record<string, TaskState>> = {
  open: 'open',
  backlog: 'open',
  todo: 'open',
  blocked: 'open',
  // Unknown to the parser: it reads as open (with a warning).
  someday: 'open',
  'in-progress': 'in-progress',
  active: 'in-progress',
  wip: 'in-progress',
  closed: 'done',
  completed: 'done',
  done: 'done',
};
const statusValueArb = fc
  .tuple(fc.constantFrom(...Object.keys(STATUS_STATE)), fc.constantFrom('', '', '"', "'"))
  .map(([s, q]) => `${q}${s}${q}`);

function statusState(written: string): TaskState {
  return STATUS_STATE[written.replace(/^["']|["']$/g, '')];
}

const refsArb = (key: string, numbers: readonly number[]): fc.Arbitrary<FmItem> =>
  fc.oneof(
    fc
      .record({
        block: fc.boolean(),
        refs: fc.array(fc.record({ n: fc.constantFrom(...numbers), style: fc.constantFrom<RefStyle>('pad', 'pad', 'plain', 'dq') }), {
          minLength: 1,
          maxLength: 4,
        }),
        gap: fc.constantFrom(' ', '  '),
        tail: tailArb,
        indent: fc.constantFrom('  ', '  ', '', '    '),
        itemTails: fc.array(tailArb, { minLength: 1, maxLength: 3 }),
      })
      // A block list's key line may carry a comment (`depends_on:  # upstream first`): edits keep it.
      .map((r): FmItem => ({ kind: 'refs', key, ...r })),
    fc.constantFrom<FmItem>(
      { kind: 'field', key, value: '[]', gap: ' ', tail: '' },
      { kind: 'field', key, value: '', gap: ' ', tail: '' },
      { kind: 'field', key, value: '[]', gap: ' ', tail: '   # none yet' },
    ),
  );

/** Keys the tools never write, and comment and blank lines, which must all survive. */
const UNKNOWN_FIELDS: ReadonlyArray<readonly [string, string]> = [
  ['owner', 'data-team'],
  ['priority', 'high'],
  ['estimate', '3'],
  ['labels', '[api, backend]'],
  ['related', '[001, 002]'],
  ['x_note', '"see 001"'],
];
const RAW_BLOCKS: ReadonlyArray<readonly string[]> = [
  ['# kept by hand: 001 and Task 002'],
  ['# depends_on: [001]'],
  [''],
  ['notes: |', '  Mentions 001 and', '  depends_on: [002].'],
  ['meta:', '  reviewer: sam', '  ticket: 001'],
];

function extrasArb(): fc.Arbitrary<FmItem[]> {
  return fc
    .tuple(
      fc.subarray([...UNKNOWN_FIELDS]).chain((fields) => fc.tuple(...fields.map(([k, v]) => fieldArb(k, fc.constant(v))))),
      // Nested and multi-line values send the block to the yaml package; kept rarer so both engines get runs.
      fc.tuple(...RAW_BLOCKS.map((lines) => fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constant(lines) }))),
    )
    .map(([fields, raws]) => [
      ...fields,
      ...raws.filter((lines) => lines !== undefined).map((lines): FmItem => ({ kind: 'raw', lines })),
    ]);
}

const BODY_LINES = [
  'This follows 001 and blocks 002.',
  'See #001, Task 003 and [001].',
  'depends_on: [001, 002]',
  'conflicts_with: [003]',
  '  - 001',
  '```yaml',
  '```',
  '- [ ] Works once 001 is done',
  '- [x] Task 002 reviewed',
  '## Acceptance Criteria',
  '---',
  '',
];

function bodyArb(title: fc.Arbitrary<string>): fc.Arbitrary<string[]> {
  return fc
    .tuple(title, fc.array(fc.constantFrom(...BODY_LINES), { maxLength: 8 }), fc.array(spacesArb, { minLength: 1, maxLength: 4 }))
    .map(([t, lines, trails]) => ['', `# Task: ${t}`, '', '## Description', '', ...lines].map((l, i) => l + trails[i % trails.length]));
}

function shuffled<T>(items: readonly T[]): fc.Arbitrary<T[]> {
  return fc.shuffledSubarray([...items], { minLength: items.length, maxLength: items.length });
}

/** A task file whose references point at `numbers` (task numbers, and some that match no task). */
function taskFileArb(numbers: readonly number[]): fc.Arbitrary<FileModel> {
  const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { freq: 4, nil: undefined });
  return fc
    .record({
      name: fieldArb('name', nameValueArb),
      status: fieldArb('status', statusValueArb),
      created: opt(fieldArb('created', isoArb)),
      updated: opt(fieldArb('updated', isoArb)),
      github: opt(
        fieldArb('github', fc.option(fc.integer({ min: 100, max: 999 }).map((n) => `https://github.com/acme/app/issues/${n}`), { nil: '' })),
      ),
      depends: opt(refsArb('depends_on', numbers)),
      parallel: opt(fieldArb('parallel', fc.constantFrom('true', 'false'))),
      conflicts: opt(refsArb('conflicts_with', numbers)),
      extras: extrasArb(),
    })
    .chain((r) => {
      const items = [r.name, r.status, r.created, r.updated, r.github, r.depends, r.parallel, r.conflicts, ...r.extras].filter(
        (i): i is FmItem => i !== undefined,
      );
      return fc.record({
        items: shuffled(items),
        fenceTails: fc.tuple(spacesArb, spacesArb),
        body: bodyArb(phraseArb),
        eol: eolArb,
        finalNewline: fc.boolean(),
      });
    });
}

/** The YAML meaning of a value written after `key: `. */
function yamlMeaning(value: string): unknown {
  return (YAML.parse(`k: ${value}`) as { k: unknown }).k;
}

const newValueArb = fc
  .oneof(
    fc.constantFrom('open', 'closed', 'in-progress', '', 'true', '42', '25%', NOW, '[]', '[001, 002]'),
    fc.string({ unit: 'grapheme-ascii', maxLength: 20 }).map((s) => formatYamlValue(s)),
    fc.string({ unit: 'grapheme', maxLength: 8 }).map((s) => formatYamlValue(s)),
    fc.array(fc.oneof(fc.integer({ min: 1, max: 999 }), fc.constantFrom('001', 'api', 'a b', '#1')), { maxLength: 4 }).map((a) => formatYamlValue(a)),
    fc.integer().map((n) => formatYamlValue(n)),
    fc.boolean().map((b) => formatYamlValue(b)),
  )
  // The edits write one-line values; a value the formatter breaks over lines is another matter.
  .filter((v) => !v.includes('\n'));


const taskNumbersArb = fc.uniqueArray(fc.integer({ min: 1, max: 60 }), { minLength: 1, maxLength: 6 });
/** Numbers that no generated task has. */
const DANGLING = [61, 77, 99];

describe('directory layout: generated task files', () => {
  const standalone = taskNumbersArb.chain((numbers) => taskFileArb([...numbers, ...DANGLING]));

  test(`setting an existing one-line field rewrites only its value (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(standalone, fc.nat(), newValueArb, (model, pick, value) => {
        const file = renderFile(model);
        const before = findFrontmatter(file.text)!;
        assert.deepEqual(before.problems, [], 'the generated frontmatter is valid YAML');
        const keys = [...file.single.keys()];
        const key = keys[pick % keys.length];
        const field = file.single.get(key)!;
        const after = applyEdits(file.text, setFrontmatterFieldEdits(file.text, key, value));

        // An empty value gains the one space that separates it from the colon, unless one is there.
        const gap = field.value === '' && value !== '' && !field.suffix.endsWith(' ') ? ' ' : '';
        // After an empty value, a comment stays, with the new value written before it.
        const hash = field.value === '' ? field.suffix.indexOf('#') : -1;
        const expectedLine =
          field.value !== '' ? field.prefix + value + field.suffix
          : hash !== -1 ? field.prefix + field.suffix.slice(0, hash) + (value === '' ? '' : value + ' ') + field.suffix.slice(hash)
          : field.prefix + field.suffix + gap + value;
        const was = linesWithBreaks(file.text);
        const now = linesWithBreaks(after);
        assert.equal(now.length, was.length);
        now.forEach((line, i) => {
          if (i !== field.line) assert.equal(line, was[i], `line ${i} changed`);
        });
        assert.equal(now[field.line], expectedLine + model.eol);

        const fm = findFrontmatter(after)!;
        assert.deepEqual(fm.problems, []);
        assert.deepStrictEqual(fm.data[key], yamlMeaning(value));
        assert.deepStrictEqual({ ...fm.data, [key]: null }, { ...before.data, [key]: null }, 'other keys keep their values');
      }),
      { numRuns: RUNS },
    );
  });

  test(`setting a missing field adds one line just before the closing fence (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(standalone, fc.stringMatching(/^x_[a-z]{1,8}$/), newValueArb, (model, key, value) => {
        const file = renderFile(model);
        fc.pre(findFrontmatter(file.text)!.keys.every((k) => k.key !== key));
        const after = applyEdits(file.text, setFrontmatterFieldEdits(file.text, key, value));
        const was = linesWithBreaks(file.text);
        const added = `${key}:${value === '' ? '' : ` ${value}`}${model.eol}`;
        assert.equal(after, [...was.slice(0, file.closeLine), added, ...was.slice(file.closeLine)].join(''));
        const fm = findFrontmatter(after)!;
        assert.deepEqual(fm.problems, []);
        assert.deepStrictEqual(fm.data[key], yamlMeaning(value));
      }),
      { numRuns: RUNS },
    );
  });

  test(`setting a block list inline replaces only its lines (${RUNS} runs)`, () => {
    const withBlock = standalone.filter((m) => m.items.some((i) => i.kind === 'refs' && i.block));
    fc.assert(
      fc.property(withBlock, newValueArb, (model, value) => {
        const file = renderFile(model);
        const [key, { line, endLine }] = [...file.blocks][0];
        const after = applyEdits(file.text, setFrontmatterFieldEdits(file.text, key, value));
        const keyLine = file.lines[line];
        const gap = value !== '' && !keyLine.endsWith(' ') ? ' ' : '';
        // A comment on the key line stays, with the value written before it.
        const hash = keyLine.search(/\s#/) + 1;
        const newKeyLine =
          hash > 0 ? keyLine.slice(0, hash) + (value === '' ? '' : value + ' ') + keyLine.slice(hash) : keyLine + gap + value;
        const was = linesWithBreaks(file.text);
        const expected = [...was.slice(0, line), newKeyLine + model.eol, ...was.slice(endLine + 1)].join('');
        assert.equal(after, expected);
        assert.deepStrictEqual(findFrontmatter(after)!.data[key], yamlMeaning(value));
      }),
      { numRuns: RUNS },
    );
  });
});

interface DirCase {
  readonly numbers: readonly number[];
  readonly tasks: readonly FileModel[];
  readonly epic: FileModel | undefined;
}

function epicFileArb(numbers: readonly number[]): fc.Arbitrary<FileModel> {
  const check = (n: number): fc.Arbitrary<Check> =>
    fc.record({
      n: fc.constant(n),
      mark: fc.constantFrom<Check['mark']>(' ', ' ', 'x', 'X'),
      taskForm: fc.boolean(),
      title: phraseArb,
      tail: fc.constantFrom('', '', ' (parallel: true)', ' (conflicts with 001)', '  '),
    });
  return fc
    .record({
      name: fieldArb('name', phraseArb),
      status: fieldArb('status', fc.constantFrom('backlog', 'in-progress', 'open')),
      created: fieldArb('created', isoArb),
      progress: fc.option(fieldArb('progress', fc.integer({ min: 0, max: 100 }).map((p) => `${p}%`)), { freq: 3, nil: undefined }),
      prd: fieldArb('prd', fc.constant('.claude/prds/generated.md')),
      github: fc.option(fieldArb('github', fc.constantFrom('', 'https://github.com/acme/app/issues/7')), { nil: undefined }),
      extras: extrasArb(),
      checks: fc.tuple(...numbers.map((n) => fc.option(check(n), { freq: 6, nil: undefined }))),
      ghost: fc.option(check(DANGLING[0]), { nil: undefined }),
      overview: fc.array(fc.constantFrom(...BODY_LINES.slice(0, 2)), { maxLength: 3 }),
    })
    .chain((r) => {
      const items = [r.name, r.status, r.created, r.progress, r.prd, r.github, ...r.extras].filter((i): i is FmItem => i !== undefined);
      const checks = [...r.checks, r.ghost].filter((c): c is Check => c !== undefined);
      const body: (string | Check)[] = ['', '# Epic: Generated', '', '## Overview', '', ...r.overview, '', '## Tasks Created', ...checks, '', `Total tasks: ${numbers.length}`];
      return fc.record({
        items: shuffled(items),
        fenceTails: fc.tuple(spacesArb, spacesArb),
        body: fc.constant(body),
        eol: eolArb,
        finalNewline: fc.boolean(),
      });
    });
}

const dirCaseArb: fc.Arbitrary<DirCase> = taskNumbersArb.chain((numbers) =>
  fc.record({
    numbers: fc.constant(numbers),
    tasks: fc.tuple(...numbers.map(() => taskFileArb([...numbers, ...DANGLING]))),
    epic: fc.option(epicFileArb(numbers), { freq: 8, nil: undefined }),
  }),
);

function filesOf(c: DirCase, renumber: Renumber = KEEP): Map<string, string> {
  const files = new Map<string, string>();
  if (c.epic) files.set(EPIC_PATH, renderFile(c.epic, renumber).text);
  c.numbers.forEach((n, i) => {
    const to = renumber(n);
    files.set(taskPath(to !== undefined ? String(to) : pad(n)), renderFile(c.tasks[i], renumber).text);
  });
  return files;
}

function loadEpic(files: ReadonlyMap<string, string>): Epic {
  const tasks = [...files].filter(([path]) => path !== EPIC_PATH).map(([path, text]) => parseTaskFile(path, text));
  const epicText = files.get(EPIC_PATH);
  return assembleDirectoryEpic(DIR, epicText === undefined ? undefined : parseEpicFile(EPIC_PATH, epicText), tasks).epic;
}

function withLine(file: RenderedFile, line: number, text: string, eol: Eol, finalNewline: boolean): RenderedFile {
  const lines = [...file.lines];
  lines[line] = text;
  return { ...file, lines, text: join(lines, eol, finalNewline) };
}

describe('directory layout: generated epics', () => {
  test(`a state change edits status, updated, the checklist mark and progress only (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(dirCaseArb, fc.nat(), fc.constantFrom(...STATES), (c, pick, state) => {
        const files = filesOf(c);
        const epic = loadEpic(files);
        const i = pick % c.numbers.length;
        const id = pad(c.numbers[i]);
        const states = c.numbers.map((_, k) => statusState(renderFile(c.tasks[k]).single.get('status')!.value));
        assert.deepEqual(
          epic.tasks.map((t) => [t.id, t.state]),
          c.numbers.map((n, k) => [pad(n), states[k]] as const).sort((a, b) => Number(a[0]) - Number(b[0])),
          'the generated epic parses to the states it was generated with',
        );

        const change = setTaskStateChange(epic, id, state, readerOf(files), NOW);
        const after = new Map(files);
        applyChange(after, change);
        assert.deepEqual([...after.keys()], [...files.keys()]);

        // The task file: status and updated, only when the state is not already the one asked for.
        const model = c.tasks[i];
        let task = renderFile(model);
        if (states[i] !== state) {
          const written = { open: 'open', 'in-progress': 'in-progress', done: 'closed' }[state];
          const status = task.single.get('status')!;
          task = withLine(task, status.line, status.prefix + written + status.suffix, model.eol, model.finalNewline);
          const updated = task.single.get('updated');
          if (updated) task = withLine(task, updated.line, updated.prefix + NOW + updated.suffix, model.eol, model.finalNewline);
        }
        assert.equal(after.get(taskPath(id)), task.text);
        assert.equal(parseTaskFile(taskPath(id), after.get(taskPath(id))!).state, state);

        // epic.md: the task's checklist mark and the progress figure.
        if (c.epic) {
          let epicFile = renderFile(c.epic);
          const line = epicFile.checks.get(c.numbers[i]);
          if (line !== undefined) {
            const text = epicFile.lines[line];
            const checked = text[3] !== ' ';
            if (checked !== (state === 'done')) {
              epicFile = withLine(epicFile, line, text.slice(0, 3) + (state === 'done' ? 'x' : ' ') + text.slice(4), c.epic.eol, c.epic.finalNewline);
            }
          }
          const progress = epicFile.single.get('progress');
          if (progress) {
            const done = states.filter((s, k) => (k === i ? state : s) === 'done').length;
            const percent = `${Math.round((done / c.numbers.length) * 100)}%`;
            epicFile = withLine(epicFile, progress.line, progress.prefix + percent + progress.suffix, c.epic.eol, c.epic.finalNewline);
          }
          assert.equal(after.get(EPIC_PATH), epicFile.text);
        }

        // Every other task file is untouched.
        for (const [path, text] of files) {
          if (path !== EPIC_PATH && path !== taskPath(id)) assert.equal(after.get(path), text, `${path} changed`);
        }
      }),
      { numRuns: RUNS },
    );
  });

  const renameCaseArb = dirCaseArb.chain((c) =>
    fc
      .subarray([...c.numbers])
      .chain((renamed) =>
        fc
          .uniqueArray(fc.integer({ min: 100, max: 999 }), { minLength: renamed.length, maxLength: renamed.length })
          .map((issues) => ({ c, mapping: new Map(renamed.map((n, k) => [n, issues[k]])) })),
      ),
  );

  test(`renaming after sync rewrites only reference values, never prose or comments (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(renameCaseArb, ({ c, mapping }) => {
        const files = filesOf(c);
        const epic = loadEpic(files);
        const change = renameAfterSyncChange(epic, new Map([...mapping].map(([n, issue]) => [pad(n), issue])), readerOf(files));
        const after = new Map(files);
        applyChange(after, change);

        const renumber: Renumber = (n) => mapping.get(n);
        const expected = filesOf(c, renumber);
        assert.deepEqual([...after.keys()].sort(), [...expected.keys()].sort());
        assert.deepEqual(
          new Set(change.renames.map((r) => `${r.from} -> ${r.to}`)),
          new Set([...mapping].map(([n, issue]) => `${taskPath(pad(n))} -> ${taskPath(String(issue))}`)),
        );
        c.numbers.forEach((n, k) => {
          const to = mapping.get(n);
          const path = taskPath(to !== undefined ? String(to) : pad(n));
          const old = renderFile(c.tasks[k]);
          const now = after.get(path)!;
          // Line by line: only lines holding depends_on / conflicts_with values may differ.
          const was = linesWithBreaks(old.text);
          const is = linesWithBreaks(now);
          assert.equal(is.length, was.length);
          is.forEach((line, l) => {
            if (!old.refLines.has(l)) assert.equal(line, was[l], `${path}: line ${l} is not a reference line but changed`);
          });
          // Each reference line is the old line with the renamed numbers written anew.
          assert.equal(now, expected.get(path), `${path}`);
        });
        if (c.epic) assert.equal(after.get(EPIC_PATH), expected.get(EPIC_PATH));
      }),
      { numRuns: RUNS },
    );
  });
});
