import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import fc from 'fast-check';
import { nextTask } from '../../src/core/analysis';
import type { Diagnostic } from '../../src/core/model';
import { parseEpicFile, parseTaskFile } from '../../src/core/parse/directoryParser';
import { parsePrd } from '../../src/core/parse/prdParser';
import { parseSingleFileEpic } from '../../src/core/parse/singleFileEpicParser';
import { PlanIndex } from '../../src/core/planIndex';
import { fixturesDir, indexOf, MemoryFileSystem } from './helpers';

test('broken files become diagnostics on the right lines, and the index keeps working', async () => {
  const index = await indexOf(join(fixturesDir, 'broken'));
  const found = index.diagnostics().map((d) => `${d.path}:${d.range.line + 1} ${d.severity} ${d.code}`);
  assert.deepEqual(found, [
    '.claude/epics/bad/001.md:3 warning frontmatter-malformed',
    '.claude/epics/bad/001.md:4 error dependency-cycle',
    '.claude/epics/bad/001.md:4 warning frontmatter-malformed',
    '.claude/epics/bad/002.md:3 warning status-unknown',
    '.claude/epics/bad/002.md:4 error dependency-cycle',
    '.claude/epics/bad/002.md:4 error dependency-dangling',
    '.claude/epics/bad/003.md:1 warning frontmatter-missing',
    '.claude/epics/bad/003.md:1 warning task-missing-title',
    // `progress: 10%` with none of its three tasks done.
    '.claude/epics/bad/epic.md:4 info progress-stale',
    '.claude/epics/bad/epic.md:7 info checklist-missing-task',
    '.claude/epics/bad/epic.md:10 warning checklist-mismatch',
    '.claude/epics/bad/epic.md:12 warning checklist-mismatch',
    'epics/epic-002-broken.md:1 warning prd-unknown',
    'epics/epic-002-broken.md:4 warning status-unknown',
    'epics/epic-002-broken.md:10 error dependency-cycle',
    'epics/epic-002-broken.md:12 error dependency-dangling',
    'epics/epic-002-broken.md:14 error task-duplicate-id',
    'epics/epic-002-broken.md:16 error dependency-self',
    'epics/epic-002-broken.md:22 error dependency-cycle',
    'epics/epic-002-broken.md:23 error dependency-cycle',
    'epics/epic-002-broken.md:24 warning mermaid-unknown-node',
    'prds/prd-009-untitled.md:1 warning frontmatter-missing',
  ]);
  const byCode = (code: string) => index.diagnostics().filter((d) => d.code === code);
  assert.equal(byCode('dependency-cycle').find((d) => d.path.startsWith('epics/'))!.message, 'Dependency cycle: T1 → T3 → T1. None of these tasks can start until the cycle is broken.');
  assert.equal(byCode('task-duplicate-id')[0].message, 'Duplicate task id T2: line 11 already uses it. Only the first is scheduled.');
  // A list never closed is read as its author meant it (001 depends on 002), and said so.
  assert.equal(byCode('frontmatter-malformed')[1].message, 'The list in `depends_on` is never closed with `]`; close it after its last item.');
  assert.equal(byCode('checklist-mismatch')[0].message, 'The checklist marks task 001 as done, but its file says open.');
  // The rest of the plan still reads: the broken epic has its tasks, the broken files their ids.
  assert.deepEqual(index.epic('epic-002-broken')!.tasks.map((t) => t.id), ['T1', 'T2', 'T3', 'T2', 'T4']);
  assert.deepEqual(index.epic('bad')!.tasks.map((t) => t.id), ['001', '002', '003']);
  assert.deepEqual(index.analysis(index.epic('epic-002-broken')!).ready.map((t) => t.task.id), []);
});

const SEVERITIES = new Set(['error', 'warning', 'info']);

function assertDiagnostics(diagnostics: readonly Diagnostic[], path: string, lineCount: number): void {
  assert.ok(Array.isArray(diagnostics));
  for (const d of diagnostics) {
    assert.equal(d.path, path);
    assert.ok(SEVERITIES.has(d.severity), d.severity);
    assert.equal(typeof d.code, 'string');
    assert.ok(d.message.trim().length > 0, 'a diagnostic says something');
    assert.ok(Number.isInteger(d.range.line) && d.range.line >= 0 && d.range.line < lineCount, `line ${d.range.line} of ${lineCount}`);
    assert.ok(d.range.endLine >= d.range.line && d.range.column >= 0);
  }
}

/** Fragments of plan syntax, so that generated files reach deep into the parsers. */
const fragment = fc.constantFrom(
  '---', 'name: x', 'status: closed', 'status: [open', 'depends_on: [001, 002]', 'depends_on:\n\t- 3', 'name: a: b', 'updated: 1\nupdated: 2',
  '# Epic: E', '# Task 004: T', '## Tasks Created', '- [ ] 001.md - A', '- [x] #12 - B', '### Group', '- [ ] **Task 1:** A (#5)',
  '- [-] **Task 2:** B', '  - **Depends on:** Task 1, T9', '  - **Estimate:** 2-3 days', '**Status:** Done', '**M1 (Day 2):** Tasks 1-4',
  '```mermaid', 'graph TD', 'T1[a] --> T2[b]', 'T2 --> T1', '```', '', '\r', '\uFEFF', '\u0000', '  ',
);
const fileText = fc.oneof(
  { weight: 2, arbitrary: fc.array(fc.oneof(fragment, fc.string({ maxLength: 12 })), { maxLength: 24 }).map((parts) => parts.join('\n')) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes) => new TextDecoder().decode(bytes)) },
);

test('every parser answers arbitrary text with diagnostics on lines of that text, and never throws', () => {
  fc.assert(
    fc.property(fileText, (text) => {
      const lineCount = text.split('\n').length;
      assertDiagnostics(parsePrd('p.md', text).diagnostics, 'p.md', lineCount);
      assertDiagnostics(parseSingleFileEpic('e.md', text).diagnostics, 'e.md', lineCount);
      assertDiagnostics(parseTaskFile('e/1.md', text).diagnostics, 'e/1.md', lineCount);
      assertDiagnostics(parseEpicFile('e/epic.md', text).diagnostics, 'e/epic.md', lineCount);
    }),
    { numRuns: 1500 },
  );
});

test('an index of arbitrary files validates, analyses and picks a next task without throwing', async () => {
  const names = fc.constantFrom('prds/prd-001-a.md', 'epics/epic-001-a.md', '.claude/prds/a.md', '.claude/epics/a/epic.md', '.claude/epics/a/001.md', '.claude/epics/a/4.md', '.claude/epics/a/github-mapping.md', '.claude/epics/a/updates/4/stream-A.md');
  await fc.assert(
    fc.asyncProperty(fc.dictionary(names, fileText, { maxKeys: 6 }), async (files) => {
      const index = new PlanIndex(new MemoryFileSystem(files));
      await index.build();
      const diagnostics = index.diagnostics();
      for (const d of diagnostics) assert.ok(d.path in files, `a diagnostic names a file of the workspace: ${d.path}`);
      for (const analysis of index.allAnalyses()) {
        assert.equal(analysis.counts.total, analysis.epic.tasks.length);
        assert.ok(analysis.ready.every((t) => t.display === 'ready'));
      }
      nextTask(index.allAnalyses());
    }),
    { numRuns: 300 },
  );
});
