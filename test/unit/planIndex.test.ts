import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PlanIndex } from '../../src/core/planIndex';
import { MemoryFileSystem } from './helpers';

const task = (name: string, status: string, deps = '[]') => `---\nname: ${name}\nstatus: ${status}\ndepends_on: ${deps}\n---\n\n# Task: ${name}\n`;

function workspace() {
  return new MemoryFileSystem({
    'prds/prd-001-a.md': '# PRD-001: Alpha\n\n**Status:** Draft\n',
    'epics/epic-001-a.md': '# Epic 001: Alpha\n\n**Based on:** PRD-001\n\n## Tasks\n- [ ] **Task 1:** One\n- [ ] **Task 2:** Two\n  - **Depends on:** Task 1\n',
    '.claude/prds/beta.md': '---\nname: beta\nstatus: backlog\n---\n\n# PRD: Beta\n',
    '.claude/epics/beta/epic.md': '---\nname: beta\nstatus: backlog\nprd: .claude/prds/beta.md\n---\n\n# Epic: beta\n',
    '.claude/epics/beta/001.md': task('First', 'open'),
    '.claude/epics/beta/002.md': task('Second', 'open', '[001]'),
    '.claude/epics/beta/updates/001/progress.md': '---\nstatus: done\n---\n',
    '.claude/epics/beta/001-analysis.md': '# Analysis\n',
    '.claude/epics/archived/old/epic.md': '---\nname: old\n---\n',
    'docs/readme.md': '# Not a plan\n',
  });
}

describe('PlanIndex', () => {
  test('build finds both layouts under the default roots and skips what is not a plan', async () => {
    const fs = workspace();
    const index = new PlanIndex(fs);
    const change = await index.build();
    assert.deepEqual([...change.added].sort(), [
      '.claude/epics/beta/001.md',
      '.claude/epics/beta/002.md',
      '.claude/epics/beta/epic.md',
      // Read for one thing: work on task 001 has started.
      '.claude/epics/beta/updates/001/progress.md',
      '.claude/prds/beta.md',
      'epics/epic-001-a.md',
      'prds/prd-001-a.md',
    ]);
    assert.deepEqual(change.epics, ['beta', 'epic-001-a']);
    assert.deepEqual(index.prds.map((p) => p.id), ['beta', 'PRD-001']);
    assert.deepEqual(index.allEpics.map((e) => e.id), ['beta', 'epic-001-a']);
    assert.deepEqual(index.diagnostics(), []);
    const first = index.epic('beta')!.tasks[0];
    assert.deepEqual([first.rawStatus, first.state, first.startedIn], ['open', 'in-progress', '.claude/epics/beta/updates/001/progress.md']);
  });

  test('a rebuild with nothing changed parses nothing and reports nothing', async () => {
    const fs = workspace();
    const index = new PlanIndex(fs);
    await index.build();
    const epicBefore = index.epic('beta');
    const change = await index.build();
    assert.deepEqual([change.added, change.changed, change.removed, change.epics, change.prds], [[], [], [], [], []]);
    assert.equal(index.epic('beta'), epicBefore, 'the same epic object: nothing was re-assembled');
  });

  test('update re-reads only the given file and reports the epic it belongs to', async () => {
    const fs = workspace();
    const index = new PlanIndex(fs);
    await index.build();
    const single = index.epic('epic-001-a');
    fs.files.set('.claude/epics/beta/001.md', task('First', 'closed'));
    fs.reads = 0;
    const change = await index.update(['.claude/epics/beta/001.md']);
    assert.equal(fs.reads, 1);
    assert.deepEqual(change.changed, ['.claude/epics/beta/001.md']);
    assert.deepEqual(change.epics, ['beta']);
    assert.equal(index.epic('epic-001-a'), single, 'other epics are untouched');
    assert.deepEqual(index.analysis(index.epic('beta')!).ready.map((t) => t.task.id), ['002']);
  });

  test('saving identical content reports no change', async () => {
    const fs = workspace();
    const index = new PlanIndex(fs);
    await index.build();
    const change = await index.update(['epics/epic-001-a.md']);
    assert.deepEqual([change.changed, change.epics], [[], []]);
  });

  test('deleted files, deleted folders and new folders', async () => {
    const fs = workspace();
    const index = new PlanIndex(fs);
    await index.build();
    fs.files.delete('.claude/epics/beta/002.md');
    let change = await index.update(['.claude/epics/beta/002.md']);
    assert.deepEqual([change.removed, change.epics], [['.claude/epics/beta/002.md'], ['beta']]);
    assert.deepEqual(index.epic('beta')!.tasks.map((t) => t.id), ['001']);

    fs.files.set('.claude/epics/gamma/epic.md', '---\nname: gamma\nstatus: open\n---\n# Epic: gamma\n');
    fs.files.set('.claude/epics/gamma/001.md', task('G', 'open'));
    change = await index.update(['.claude/epics/gamma']);
    assert.deepEqual(change.added, ['.claude/epics/gamma/epic.md', '.claude/epics/gamma/001.md']);
    assert.deepEqual(change.epics, ['gamma']);

    for (const path of [...fs.files.keys()]) if (path.startsWith('.claude/epics/beta/')) fs.files.delete(path);
    change = await index.update(['.claude/epics/beta']);
    assert.deepEqual([...change.removed].sort(), ['.claude/epics/beta/001.md', '.claude/epics/beta/epic.md', '.claude/epics/beta/updates/001/progress.md']);
    assert.deepEqual(change.epics, ['beta']);
    // Epics are listed by path, so `.claude/` folders come first.
    assert.deepEqual(index.allEpics.map((e) => e.id), ['gamma', 'epic-001-a']);
  });

  test('a folder above the roots, deleted or restored, is walked only where the roots are', async () => {
    const fs = workspace();
    for (let i = 0; i < 3; i++) fs.files.set(`.claude/worktrees/wt${i}/deep/notes.md`, '# Notes\n');
    // Below an epic's folder there are only notes: never walked.
    fs.files.set('.claude/epics/beta/research/deep/notes.md', '# Notes\n');
    const index = new PlanIndex(fs);
    await index.build();
    const walked: string[] = [];
    const readDirectory = fs.readDirectory.bind(fs);
    fs.readDirectory = async (path: string) => {
      walked.push(path);
      return readDirectory(path);
    };
    const saved = [...fs.files].filter(([path]) => path.startsWith('.claude/'));
    for (const [path] of saved) fs.files.delete(path);
    let change = await index.update(['.claude']);
    assert.deepEqual(change.epics, ['beta']);
    assert.deepEqual(index.allEpics.map((e) => e.id), ['epic-001-a']);
    for (const [path, text] of saved) fs.files.set(path, text);
    change = await index.update(['.claude']);
    assert.deepEqual(change.epics, ['beta']);
    assert.ok(walked.every((path) => !path.startsWith('.claude/worktrees') && !path.startsWith('.claude/epics/beta/research')), walked.join(', '));
    assert.ok(walked.includes('.claude/epics'));
  });

  test('PRD changes are reported and epic validation follows them', async () => {
    const fs = workspace();
    const index = new PlanIndex(fs);
    await index.build();
    fs.files.delete('prds/prd-001-a.md');
    const change = await index.update(['prds/prd-001-a.md']);
    assert.deepEqual(change.prds, ['PRD-001']);
    assert.deepEqual(index.diagnostics().map((d) => d.code), ['prd-unknown']);
  });

  test('configurable roots', async () => {
    const fs = new MemoryFileSystem({
      'planning/prd-7.md': '# PRD-007: Seven\n',
      'planning/epic-7.md': '# Epic 7: Seven\n\n- [ ] **Task 1:** Only\n',
      'planning/notes.md': '# Notes\n',
    });
    const index = new PlanIndex(fs, ['planning']);
    await index.build();
    assert.deepEqual(index.prds.map((p) => p.id), ['PRD-007']);
    assert.deepEqual(index.allEpics.map((e) => e.id), ['epic-7']);
    assert.equal(index.roleOf('planning/notes.md'), undefined);
  });
});
