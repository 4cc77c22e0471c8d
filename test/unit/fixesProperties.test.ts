/**
 * The safe fixes of whole workspaces: the real-world-like fixtures (a synced epic with
 * pre-sync numbers, a quoted title, a repeated key; epics on purpose broken) and generated
 * epics whose task files mix misspelt statuses, repeated keys, values YAML misreads,
 * self-references and unlisted tasks. Every safe fix, applied alone, must make its
 * diagnostic go away, edit only its own file and only the lines it is about, and leave what
 * the plan means as it was (apart from what it fixes); all of them together must apply at
 * once, and a few passes must leave nothing safe to fix.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import fc from 'fast-check';
import type { FileEdit } from '../../src/core/edits';
import { findFrontmatter } from '../../src/core/frontmatter';
import type { Fix } from '../../src/core/fixes/fixes';
import { fixesFor, safeFixes } from '../../src/core/fixes/fixes';
import type { Diagnostic } from '../../src/core/model';
import { normaliseKeys } from '../../src/core/parse/common';
import { lineStartOffsets } from '../../src/core/text';
import type { Workspace } from './fixesHelpers';
import { applied, sameDiagnostic, workspaceOf } from './fixesHelpers';
import { filesOf, fixturesDir, toCrlf } from './helpers';

/** The lines of `text` an edit replaces characters of (a whole line removed is that line alone). */
function touchedLines(text: string, fileEdit: FileEdit): Set<number> {
  const starts = lineStartOffsets(text);
  const lineAt = (offset: number) => {
    let line = 0;
    while (line + 1 < starts.length && starts[line + 1] <= offset) line++;
    return line;
  };
  const out = new Set<number>();
  for (const edit of fileEdit.edits) {
    if (edit.length === 0) continue;
    for (let line = lineAt(edit.offset); line <= lineAt(edit.offset + edit.length - 1); line++) out.add(line);
  }
  return out;
}

/** What the plan means, for comparing before and after a fix: tasks, their states, titles and dependencies. */
function meaning(ws: Workspace, withoutSelf = false): string[] {
  return ws.index.allEpics.flatMap((epic) =>
    epic.tasks.map((t) => `${epic.id}/${t.id} ${t.state} ${JSON.stringify(t.title)} [${t.dependsOn.filter((id) => !withoutSelf || id !== t.id).join(',')}]`),
  );
}

/** A file's frontmatter values as AutoPM reads them, in key order (deleting a key's first line moves it). */
function frontmatterValues(ws: Workspace, path: string): string {
  const fm = findFrontmatter(ws.files.get(path)!);
  const values = fm ? normaliseKeys(fm.data, fm.keys) : {};
  return JSON.stringify(Object.keys(values).sort().map((key) => [key, values[key]]));
}

/** Applies one safe fix alone and checks it: gone, own file only, its own lines only, meaning kept. */
async function checkSafeFix(ws: Workspace, d: Diagnostic, fix: Fix): Promise<void> {
  assert.ok(fix.safe && !fix.choice);
  assert.deepEqual(fix.change.edits.map((e) => e.path), [d.path], `${fix.title} edits only ${d.path}`);
  assert.deepEqual([fix.change.creates, fix.change.renames], [[], []]);
  const text = ws.files.get(d.path)!;
  const fileEdit = fix.change.edits[0];
  const touched = touchedLines(text, fileEdit);
  // One line per edit at most, except that removing a repeated key takes the lines of its value.
  if (!/^Keep `/.test(fix.title)) assert.ok(touched.size <= fileEdit.edits.length, `${fix.title} touches lines ${[...touched]}`);

  const after = await workspaceOf(applied(ws.files, fix.change));
  const before = ws.diagnostics.filter((x) => sameDiagnostic(x, d)).length;
  assert.ok(after.diagnostics.filter((x) => sameDiagnostic(x, d)).length < before, `${fix.title}: "${d.message}" goes away`);
  assert.deepEqual(fixesFor(d, after.plan).filter((f) => f.title === fix.title && JSON.stringify(f.change) === JSON.stringify(fix.change)), [], 'not offered again');

  switch (d.code) {
    case 'frontmatter-malformed':
      // Quoting a value, or dropping the lines of a key that are not read, changes no value read.
      assert.equal(frontmatterValues(after, d.path), frontmatterValues(ws, d.path));
      assert.deepEqual(meaning(after), meaning(ws));
      break;
    case 'dependency-renamed':
    case 'checklist-missing-task':
    case 'status-contradicts-tasks':
    case 'progress-stale':
      assert.deepEqual(meaning(after), meaning(ws));
      break;
    case 'dependency-self':
      assert.deepEqual(meaning(after, true), meaning(ws, true));
      break;
    default:
      break;
  }
}

/** Every safe fix alone, then all of them at once, pass after pass until none is left. */
async function checkWorkspace(start: Workspace): Promise<{ passes: number[]; end: Workspace }> {
  let ws = start;
  const passes: number[] = [];
  for (let pass = 0; pass < 5; pass++) {
    const { fixes, change } = safeFixes(ws.plan, ws.diagnostics);
    passes.push(fixes.length);
    if (fixes.length === 0) return { passes, end: ws };
    for (const d of ws.diagnostics) {
      const fix = fixesFor(d, ws.plan).find((f) => f.safe);
      if (fix) await checkSafeFix(ws, d, fix);
    }
    ws = await workspaceOf(applied(ws.files, change));
  }
  assert.fail(`safe fixes still found after ${passes.length} passes: ${passes}`);
}

describe('the safe fixes of the fixtures', () => {
  test('the synced epic: pre-sync numbers, a title YAML misreads, a repeated key and an unlisted task, all fixed in one pass', async () => {
    for (const eol of [(t: string) => t, toCrlf]) {
      const files = new Map([...filesOf(join(fixturesDir, 'synced'))].map(([p, t]) => [p, eol(t)]));
      const ws = await workspaceOf(files);
      assert.deepEqual(safeFixes(ws.plan, ws.diagnostics).fixes.map((f) => `${f.code}: ${f.title}`), [
        'dependency-renamed: Write 2 for 001, its number since the sync',
        'dependency-renamed: Write 4 for 003, its number since the sync',
        'frontmatter-malformed: Quote the value of `name`: "Data layer: models, storage"',
        'dependency-renamed: Write 2 for 001, its number since the sync',
        'frontmatter-malformed: Keep `updated` on line 10 (the one read) and delete line 5',
        'dependency-renamed: Write 3 for 002, its number since the sync',
        'dependency-renamed: Write 5 for 004, its number since the sync',
        // `progress: 40%` was written for the five listed tasks; 7.md makes it 2 of 6.
        'progress-stale: Set progress to 33%',
        'checklist-missing-task: Add task 7 to the checklist',
      ]);
      const { passes, end } = await checkWorkspace(ws);
      assert.deepEqual(passes, [9, 0]);
      // What is left needs a person: an empty task file.
      assert.deepEqual(end.diagnostics.map((d) => `${d.path.split('/').pop()} ${d.code}`), ['7.md frontmatter-missing']);
      const task = (n: number) => end.files.get(`.claude/epics/payments/${n}.md`)!;
      assert.match(task(3), /^depends_on: \[2, 4\]\r?$/m);
      assert.match(task(4), /^name: "Data layer: models, storage"\r?$/m);
      assert.equal(task(4).split(eol('\n')).filter((l) => l.startsWith('updated:')).length, 1);
      assert.ok(end.files.get('.claude/epics/payments/epic.md')!.includes(eol('- [ ] #6 - Refunds (parallel: false)\n- [ ] 7.md\n')));
    }
  });

  test('the broken and the contradicting fixtures: what is safe gets fixed, the rest waits for a choice', async () => {
    const broken = await workspaceOf(filesOf(join(fixturesDir, 'broken')));
    const { passes, end } = await checkWorkspace(broken);
    assert.deepEqual(passes, [3, 0]);
    // bad/epic.md says `progress: 10%` with none of its tasks done.
    assert.deepEqual(safeFixes(broken.plan, broken.diagnostics).fixes.map((f) => f.title), ['Set progress to 0%', 'Add task 003 to the checklist', 'Remove the dependency of T4 on itself']);
    // Every diagnostic left either has fixes that need a choice, or none.
    for (const d of end.diagnostics) assert.ok(fixesFor(d, end.plan).every((f) => !f.safe), d.message);

    const contradictions = await workspaceOf(filesOf(join(fixturesDir, 'contradictions')));
    const checked = await checkWorkspace(contradictions);
    assert.deepEqual(checked.passes, [5, 0]);
    assert.deepEqual(checked.end.diagnostics.filter((d) => d.code === 'status-contradicts-tasks'), []);
  });
});

// ---------------------------------------------------------------------------------
// Generated epics

const words = fc.array(fc.constantFrom('data', 'layer', 'login', 'API', 'cache', 'sync'), { minLength: 1, maxLength: 3 }).map((w) => w.join(' '));
const name = fc.oneof(words, fc.tuple(words, words).map(([a, b]) => `${a}: ${b}`), fc.tuple(words, fc.integer({ min: 1, max: 99 })).map(([a, n]) => `Fix #${n} ${a}`));
const status = fc.constantFrom('open', 'closed', 'in-progress', 'complted', 'opne', 'clsoed', 'percolating', 'Closed', 'todone');
const stamp = fc.integer({ min: 1, max: 28 }).map((d) => `2026-03-${String(d).padStart(2, '0')}T10:00:00Z`);

interface GeneratedTask {
  readonly name: string;
  readonly status: string;
  readonly repeatStatus: string | undefined;
  readonly updated: readonly string[];
  /** Indexes of tasks it depends on (its own among them, or one past the last: a task that does not exist). */
  readonly depends: readonly number[];
  readonly block: boolean;
  readonly listed: boolean | undefined;
}

const generatedTask = fc.record({
  name,
  status,
  repeatStatus: fc.option(status, { nil: undefined }),
  updated: fc.array(stamp, { minLength: 1, maxLength: 3 }),
  depends: fc.uniqueArray(fc.integer({ min: 0, max: 5 }), { maxLength: 3 }),
  block: fc.boolean(),
  listed: fc.option(fc.boolean(), { nil: undefined }),
});

const pad = (n: number) => String(n + 1).padStart(3, '0');

function generatedFiles(tasks: readonly GeneratedTask[], epicStatus: string): Map<string, string> {
  const dir = '.claude/epics/gen';
  const files = new Map<string, string>();
  const listed = tasks.map((t, i) => (t.listed === undefined ? '' : `- [${t.listed ? 'x' : ' '}] ${pad(i)}.md - ${t.name}\n`)).join('');
  files.set(`${dir}/epic.md`, `---\nname: gen\nstatus: ${epicStatus}\n---\n\n# Epic: gen\n\n## Tasks Created\n${listed || `- [ ] ${pad(0)}.md - ${tasks[0].name}\n`}`);
  tasks.forEach((t, i) => {
    const refs = t.depends.map((n) => pad(Math.min(n, tasks.length)));
    const depends = t.block ? (refs.length === 0 ? ' []' : refs.map((r) => `\n  - ${r}`).join('')) : ` [${refs.join(', ')}]`;
    const lines = [
      '---',
      `name: ${t.name}`,
      `status: ${t.status}`,
      ...t.updated.map((u) => `updated: ${u}`),
      `depends_on:${depends}`,
      ...(t.repeatStatus !== undefined ? [`Status: ${t.repeatStatus}`] : []),
      '---',
      '',
      `# Task: ${t.name}`,
      '',
    ];
    files.set(`${dir}/${pad(i)}.md`, lines.join('\n'));
  });
  return files;
}

describe('the safe fixes of generated epics', () => {
  test('each one alone fixes its diagnostic and nothing else; together they apply at once, and end', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(generatedTask, { minLength: 1, maxLength: 4 }),
        fc.constantFrom('in-progress', 'completed', 'backlog', 'Complted'),
        fc.boolean(),
        async (tasks, epicStatus, crlf) => {
          const files = generatedFiles(tasks, epicStatus);
          const ws = await workspaceOf(crlf ? new Map([...files].map(([p, t]) => [p, toCrlf(t)])) : files);
          const { end } = await checkWorkspace(ws);
          for (const d of end.diagnostics) assert.ok(fixesFor(d, end.plan).every((f) => !f.safe), `left with a safe fix: ${d.message}`);
          if (crlf) for (const text of end.files.values()) assert.ok(!/[^\r]\n/.test(text), 'CRLF files stay CRLF');
        },
      ),
      { numRuns: 40 },
    );
  });
});
