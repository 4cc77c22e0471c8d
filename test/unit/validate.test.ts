import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fixturesDir, indexOf } from './helpers';

test('broken files become diagnostics on the right lines, and the index keeps working', async () => {
  const index = await indexOf(join(fixturesDir, 'broken'));
  const found = index.diagnostics().map((d) => `${d.path}:${d.range.line + 1} ${d.severity} ${d.code}`);
  assert.deepEqual(found, [
    '.claude/epics/bad/001.md:4 error frontmatter-malformed',
    '.claude/epics/bad/002.md:3 warning status-unknown',
    '.claude/epics/bad/002.md:4 error dependency-dangling',
    '.claude/epics/bad/003.md:1 warning frontmatter-missing',
    '.claude/epics/bad/003.md:1 warning task-missing-title',
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
  assert.equal(byCode('dependency-cycle')[0].message, 'Dependency cycle: T1 → T3 → T1. None of these tasks can start until the cycle is broken.');
  assert.equal(byCode('task-duplicate-id')[0].message, 'Duplicate task id T2: line 11 already uses it. Only the first is scheduled.');
  assert.match(byCode('frontmatter-malformed')[0].message, /^Frontmatter is not valid YAML/);
  assert.equal(byCode('checklist-mismatch')[0].message, 'The checklist marks task 001 as done, but its file says open.');
  // The rest of the plan still reads: the broken epic has its tasks, the broken files their ids.
  assert.deepEqual(index.epic('epic-002-broken')!.tasks.map((t) => t.id), ['T1', 'T2', 'T3', 'T2', 'T4']);
  assert.deepEqual(index.epic('bad')!.tasks.map((t) => t.id), ['001', '002', '003']);
  assert.deepEqual(index.analysis(index.epic('epic-002-broken')!).ready.map((t) => t.task.id), []);
});

test('nothing throws on arbitrary bytes', async () => {
  const { parsePrd } = await import('../../src/core/parse/prdParser');
  const { parseSingleFileEpic } = await import('../../src/core/parse/singleFileEpicParser');
  const { parseTaskFile, parseEpicFile } = await import('../../src/core/parse/directoryParser');
  const samples = ['', '---', '---\n', '---\n---', '# \n---\n: :\n---', '\u0000\uFFFF', '- [ ] **Task 1:**', '```mermaid\nT1 -->', '---\na: [\n---\n- [x] **Task 0:** x'];
  for (const text of samples) {
    parsePrd('p.md', text);
    parseSingleFileEpic('e.md', text);
    parseTaskFile('e/1.md', text);
    parseEpicFile('e/epic.md', text);
  }
  assert.ok(true, 'every sample parsed without throwing');
});
