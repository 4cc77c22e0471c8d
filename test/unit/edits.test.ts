import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { PlanChange } from '../../src/core/edits';
import {
  appendTaskChange,
  applyChange,
  applyEdits,
  attachIssueChange,
  formatYamlValue,
  orderRenames,
  PlanEditError,
  renameAfterSyncChange,
  setFrontmatterFieldEdits,
  setTaskStateChange,
} from '../../src/core/edits';
import { parseSingleFileEpic } from '../../src/core/parse/singleFileEpicParser';
import { PlanIndex } from '../../src/core/planIndex';
import { examplesDir, fixturesDir, indexOf, MemoryFileSystem, read, toCrlf } from './helpers';

const NOW = '2026-11-22T10:00:00Z';

/** The files of a workspace as a map, and a reader over it. */
async function workspace(dir: string, transform: (text: string) => string = (t) => t) {
  const index = await indexOf(dir);
  const files = new Map(index.files.map((f) => [f, transform(read(dir, f))]));
  const reader = (path: string) => {
    const text = files.get(path);
    if (text === undefined) throw new Error(`no file ${path}`);
    return text;
  };
  return { index, files, reader };
}

/** Lines that differ between two texts of the same line count. */
function changedLines(before: string, after: string): string[] {
  const a = before.split('\n');
  const b = after.split('\n');
  return b.filter((line, i) => line !== a[i]);
}

const SHORTENER = 'epics/epic-001-link-shortener.md';

describe('single-file layout', () => {
  test('setting a task state changes the checkbox character and nothing else', async () => {
    for (const transform of [(t: string) => t, toCrlf]) {
      const { index, files, reader } = await workspace(examplesDir, transform);
      const epic = index.epic('epic-001-link-shortener')!;
      const before = files.get(SHORTENER)!;
      for (const [state, mark] of [['done', 'x'], ['in-progress', '-'], ['open', ' ']] as const) {
        const change = setTaskStateChange(epic, 'T4', state, reader, NOW);
        const text = reader(SHORTENER);
        if (state === 'open') {
          applyChange(files, change);
          assert.equal(files.get(SHORTENER), before, 'back to open restores the original bytes');
          continue;
        }
        assert.equal(change.edits.length, 1);
        assert.deepEqual(change.edits[0].edits.map((e) => [e.length, e.newText]), [[1, mark]]);
        applyChange(files, change);
        assert.deepEqual(changedLines(text, files.get(SHORTENER)!), [`- [${mark}] **Task 4:** Redirect endpoint with Redis cache${transform === toCrlf ? '\r' : ''}`]);
      }
    }
  });

  test('setting the state a task already has changes nothing', async () => {
    const { index, reader } = await workspace(examplesDir);
    const change = setTaskStateChange(index.epic('epic-001-link-shortener')!, 'T1', 'done', reader, NOW);
    assert.deepEqual(change, { edits: [], creates: [], renames: [] });
  });

  test('edits find the task again in text that moved since it was indexed', async () => {
    const { index, files, reader } = await workspace(examplesDir);
    const epic = index.epic('epic-001-link-shortener')!;
    files.set(SHORTENER, files.get(SHORTENER)!.replace('## Overview', '## Overview\n\nA paragraph added in the editor.\n'));
    const moved = files.get(SHORTENER)!;
    applyChange(files, setTaskStateChange(epic, 'T4', 'done', reader, NOW));
    assert.deepEqual(changedLines(moved, files.get(SHORTENER)!), ['- [x] **Task 4:** Redirect endpoint with Redis cache']);
  });

  test('attaching an issue appends (#N) to the task line, or corrects it', async () => {
    const { index, files, reader } = await workspace(examplesDir);
    const epic = index.epic('epic-001-link-shortener')!;
    const before = files.get(SHORTENER)!;
    applyChange(files, attachIssueChange(epic, 'T4', 104, 'https://github.com/acme/links/issues/104', reader));
    assert.deepEqual(changedLines(before, files.get(SHORTENER)!), ['- [ ] **Task 4:** Redirect endpoint with Redis cache (#104)']);
    const again = files.get(SHORTENER)!;
    assert.deepEqual(attachIssueChange(epic, 'T4', 104, '', reader).edits, []);
    applyChange(files, attachIssueChange(epic, 'T1', 111, '', reader));
    assert.deepEqual(changedLines(again, files.get(SHORTENER)!), ['- [x] **Task 1:** Scaffold the Fastify service (#111)']);
    assert.equal(parseSingleFileEpic(SHORTENER, files.get(SHORTENER)!).epic.tasks[3].issue, 104);
  });

  test('appending a task adds it after the last task of its group, in the file\'s style', async () => {
    const { index, files, reader } = await workspace(examplesDir);
    const epic = index.epic('epic-001-link-shortener')!;
    const change = appendTaskChange(epic, { title: 'Cache warm-up on deploy', estimate: '2 hours', dependsOn: ['T4'], group: 'Redirects' }, reader, NOW);
    assert.equal(change.taskId, 'T11');
    const before = files.get(SHORTENER)!;
    applyChange(files, change);
    const after = files.get(SHORTENER)!;
    const inserted = '\n- [ ] **Task 11:** Cache warm-up on deploy\n  - **Estimate:** 2 hours\n  - **Depends on:** Task 4\n';
    const at = before.indexOf('\n### Management API');
    assert.equal(after, before.slice(0, at) + inserted + before.slice(at));
    const reparsed = parseSingleFileEpic(SHORTENER, after).epic;
    const t11 = reparsed.tasks.find((t) => t.id === 'T11')!;
    assert.deepEqual([t11.group, t11.estimate, t11.dependsOn], ['Redirects', '2 hours', ['T4']]);
    assert.throws(() => appendTaskChange(epic, { title: '  ' }, reader, NOW), PlanEditError);
  });
});

describe('directory layout', () => {
  const dir = join(fixturesDir, 'unsynced');
  const EPIC = '.claude/epics/search/epic.md';

  test('setting a task state edits status and updated, the checklist line and progress', async () => {
    const { index, files, reader } = await workspace(dir);
    const epic = index.epic('search')!;
    const taskBefore = files.get('.claude/epics/search/002.md')!;
    const epicBefore = files.get(EPIC)!;
    const change = setTaskStateChange(epic, '002', 'done', reader, NOW);
    assert.deepEqual(change.edits.map((e) => e.path), ['.claude/epics/search/002.md', EPIC]);
    applyChange(files, change);
    assert.deepEqual(changedLines(taskBefore, files.get('.claude/epics/search/002.md')!), ['status: closed', `updated: ${NOW}`]);
    assert.deepEqual(changedLines(epicBefore, files.get(EPIC)!), ['progress: 25%', '- [x] 002.md - Query API (parallel: true)']);
    // The comment and the hand-kept key survive; so does the comment after conflicts_with.
    assert.match(files.get(EPIC)!, /# kept by hand: the tools never write this key\nowner: data-team\n/);
    assert.match(files.get('.claude/epics/search/002.md')!, /conflicts_with: \[003\] {3}# both touch the ranking module\n/);
  });

  test('in progress leaves the checklist alone; a CRLF task file keeps CRLF', async () => {
    const { index, files, reader } = await workspace(dir);
    const epic = index.epic('search')!;
    const before = files.get('.claude/epics/search/010.md')!;
    assert.ok(before.includes('\r\n'));
    const change = setTaskStateChange(epic, '010', 'in-progress', reader, NOW);
    assert.deepEqual(change.edits.map((e) => e.path), ['.claude/epics/search/010.md']);
    applyChange(files, change);
    assert.equal(
      files.get('.claude/epics/search/010.md'),
      before.replace('status: open\r\n', 'status: in-progress\r\n').replace('updated: 2026-04-01T08:00:00Z\r\n', `updated: ${NOW}\r\n`),
    );
  });

  test('a status synonym that already means the state is left as written', async () => {
    const { index, files, reader } = await workspace(examplesDir);
    const epic = index.epic('team-calendar')!;
    files.set('.claude/epics/team-calendar/41.md', files.get('.claude/epics/team-calendar/41.md')!.replace('status: closed', 'status: completed'));
    const change = setTaskStateChange(epic, '41', 'done', reader, NOW);
    assert.deepEqual(change.edits, []);
  });

  test('attaching an issue sets the github field', async () => {
    const { index, files, reader } = await workspace(dir);
    const before = files.get('.claude/epics/search/001.md')!;
    applyChange(files, attachIssueChange(index.epic('search')!, '001', 501, 'https://github.com/acme/search/issues/501', reader));
    assert.deepEqual(changedLines(before, files.get('.claude/epics/search/001.md')!), ['github: https://github.com/acme/search/issues/501']);
  });

  test('appending a task creates the next numbered file and its checklist line', async () => {
    const { index, files, reader } = await workspace(dir);
    const epicBefore = files.get(EPIC)!;
    const change = appendTaskChange(index.epic('search')!, { title: 'Spelling suggestions: "did you mean"', dependsOn: ['003'] }, reader, NOW);
    assert.equal(change.taskId, '011');
    assert.deepEqual(change.creates.map((c) => c.path), ['.claude/epics/search/011.md']);
    applyChange(files, change);
    const created = files.get('.claude/epics/search/011.md')!;
    assert.match(created, /^---\nname: 'Spelling suggestions: "did you mean"'\nstatus: open\ncreated: 2026-11-22T10:00:00Z\nupdated: 2026-11-22T10:00:00Z\ngithub:\ndepends_on: \["003"\]\nparallel: true\nconflicts_with: \[\]\n---\n\n# Task: Spelling suggestions: "did you mean"\n/);
    const after = files.get(EPIC)!;
    assert.equal(after.split('\n').length, epicBefore.split('\n').length + 1);
    assert.match(after, /- \[ \] 010.md - Search page \(parallel: false\)\n- \[ \] 011.md - Spelling suggestions: "did you mean"\n/);
    // Nothing is done, so progress stays 0% with a fifth task: only the new checklist line is added.
    assert.equal(after.replace('- [ ] 011.md - Spelling suggestions: "did you mean"\n', ''), epicBefore);
  });

  test('rename after sync rewrites depends_on and conflicts_with, never the prose', async () => {
    const { index, files, reader } = await workspace(dir);
    const epic = index.epic('search')!;
    const mapping = new Map([['001', 501], ['002', 502], ['003', 503], ['010', 504]]);
    const change: PlanChange = renameAfterSyncChange(epic, mapping, reader);
    assert.deepEqual(change.renames, [
      { from: '.claude/epics/search/001.md', to: '.claude/epics/search/501.md' },
      { from: '.claude/epics/search/002.md', to: '.claude/epics/search/502.md' },
      { from: '.claude/epics/search/003.md', to: '.claude/epics/search/503.md' },
      { from: '.claude/epics/search/010.md', to: '.claude/epics/search/504.md' },
    ]);
    const before = new Map(files);
    applyChange(files, change);
    assert.equal(files.get('.claude/epics/search/501.md'), before.get('.claude/epics/search/001.md'), 'prose mentioning 001 is untouched');
    assert.deepEqual(changedLines(before.get('.claude/epics/search/002.md')!, files.get('.claude/epics/search/502.md')!), [
      'depends_on: [501]',
      'conflicts_with: [503]   # both touch the ranking module',
    ]);
    assert.deepEqual(changedLines(before.get('.claude/epics/search/003.md')!, files.get('.claude/epics/search/503.md')!), ['  - 501', '  - 502']);
    assert.equal(
      files.get('.claude/epics/search/504.md'),
      before.get('.claude/epics/search/010.md')!.replace('depends_on: [002, 003]', 'depends_on: [502, 503]'),
    );
    assert.match(files.get(EPIC)!, /- \[ \] 501.md - Index documents/);
    // The renamed epic still resolves every reference.
    const memory = new PlanIndex(new MemoryFileSystem(files));
    await memory.build();
    const renamed = memory.epic('search')!;
    assert.deepEqual(renamed.tasks.map((t) => `${t.id}<-${t.dependsOn.join(',')}`), ['501<-', '502<-501', '503<-501', '504<-502,503']);
    assert.deepEqual(memory.diagnostics().filter((d) => d.code !== 'prd-unknown'), []);
  });
});

describe('frontmatter fields', () => {
  test('a field is replaced in place, added when missing, and quoted only when it must be', () => {
    const text = '---\nname: x   # the name\nstatus: open\nlist:\n  - a\n  - b\nother: 1\n---\nbody\n';
    assert.equal(applyEdits(text, setFrontmatterFieldEdits(text, 'name', 'y')), text.replace('name: x', 'name: y'));
    assert.equal(applyEdits(text, setFrontmatterFieldEdits(text, 'list', '[c]')), text.replace('list:\n  - a\n  - b\n', 'list: [c]\n'));
    assert.equal(applyEdits(text, setFrontmatterFieldEdits(text, 'added', 'z')), text.replace('other: 1\n', 'other: 1\nadded: z\n'));
    assert.deepEqual(setFrontmatterFieldEdits(text, 'status', 'open'), []);
    assert.throws(() => setFrontmatterFieldEdits('no frontmatter', 'a', 'b'), PlanEditError);
    assert.equal(formatYamlValue('001'), '"001"');
    assert.equal(formatYamlValue('true'), '"true"');
    assert.equal(formatYamlValue('a: b'), '"a: b"');
    assert.equal(formatYamlValue('plain words'), 'plain words');
    assert.equal(formatYamlValue(['001', 2]), '["001", 2]');
  });
});

describe('orderRenames', () => {
  test('frees each new name before it is taken, keeps independent renames in order, and refuses a circle', () => {
    const r = (from: string, to: string) => ({ from, to });
    assert.deepEqual(orderRenames([r('1.md', '2.md'), r('2.md', '3.md'), r('3.md', '4.md')]), [r('3.md', '4.md'), r('2.md', '3.md'), r('1.md', '2.md')]);
    assert.deepEqual(orderRenames([r('001.md', '12.md'), r('002.md', '13.md')]), [r('001.md', '12.md'), r('002.md', '13.md')]);
    assert.deepEqual(orderRenames([]), []);
    assert.throws(() => orderRenames([r('1.md', '2.md'), r('2.md', '1.md')]), /go round in a circle/);
  });
});
