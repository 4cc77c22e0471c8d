/**
 * Plan files as people really write them: byte-order marks, thematic breaks, huge
 * numbers, prose in dependency bullets, nested task lines, mermaid decoration, odd key
 * spellings. Each case once misled the parser, the scheduler or an edit.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeEpic, nextTask } from '../../src/core/analysis';
import { applyChange, PlanEditError, renameAfterSyncChange, setTaskStateChange } from '../../src/core/edits';
import { assembleDirectoryEpic, parseEpicFile, parseTaskFile } from '../../src/core/parse/directoryParser';
import { parsePrd } from '../../src/core/parse/prdParser';
import { parseSingleFileEpic } from '../../src/core/parse/singleFileEpicParser';
import { PlanIndex } from '../../src/core/planIndex';
import { MemoryFileSystem } from './helpers';

const epic = (body: string) => parseSingleFileEpic('epics/epic-001-x.md', body);

function directoryEpic(files: Record<string, string>) {
  const tasks = Object.entries(files)
    .filter(([name]) => name !== 'epic.md')
    .map(([name, text]) => parseTaskFile(`.claude/epics/e/${name}`, text));
  const epicFile = files['epic.md'] ? parseEpicFile('.claude/epics/e/epic.md', files['epic.md']) : undefined;
  return assembleDirectoryEpic('.claude/epics/e', epicFile, tasks).epic;
}

/** Reads like the real readers: a missing file throws. */
const readerOf = (files: Map<string, string>) => (path: string) => {
  const text = files.get(path);
  if (text === undefined) throw new Error(`No such file: ${path}`);
  return text;
};

const task = (name: string, extra = '') => `---\nname: ${name}\nstatus: open\n${extra}---\n\n# Task: ${name}\n`;

describe('parsing', () => {
  test('a byte-order mark changes nothing', () => {
    const text = '# Epic: BOM\n\n### Group\n- [ ] **Task 1:** alpha (#5)\n  - **Estimate:** 3h\n- [x] **Task 2:** beta\n';
    const withBom = epic('\uFEFF' + text).epic;
    assert.deepEqual(withBom, epic(text).epic);
    assert.deepEqual(withBom.tasks.map((t) => [t.title, t.issue, t.estimate, t.group]), [['alpha', 5, '3h', 'Group'], ['beta', undefined, undefined, 'Group']]);
    assert.equal(parsePrd('prds/p.md', '\uFEFF# PRD-001: X\n').prd.title, 'X');
  });

  test('thematic breaks after the title are markdown, not frontmatter', () => {
    const { epic: e, diagnostics } = epic('# Epic 001: X\n\n---\n\n**Status:** In Progress\n**Based on:** PRD-001\n\n---\n\n## Tasks\n- [ ] **Task 1:** a\n');
    assert.deepEqual(diagnostics, []);
    assert.deepEqual([e.status, e.prd, e.tasks.length], ['In Progress', 'PRD-001', 1]);
  });

  test('a huge task number is no reference, and does not hang', () => {
    const { epic: e } = epic('# E\n\n- [ ] **Task 1:** a\n  - **Depends on:** Task 9007199254740993\n- **M1:** all (T9007199254740993)\n');
    assert.deepEqual(e.tasks[0].dependsOn, []);
    assert.deepEqual(e.milestones[0].taskIds, []);
  });

  test('numbers in dependency prose are not task ids; a list of numbers is', () => {
    const { epic: e } = epic('# E\n\n- [ ] **Task 1:** a\n- [ ] **Task 2:** b\n  - **Depends on:** Task 1 (needs 2 hours of review)\n- [ ] **Task 3:** c\n  - **Depends on:** 1, 2\n');
    assert.deepEqual(e.tasks.map((t) => t.dependsOn), [[], ['T1'], ['T1', 'T2']]);
  });

  test('task lines nested under a bullet or a task are tasks; bold around the whole line is not title', () => {
    const { epic: e } = epic('# E\n\n### G\n- Phase 1\n  - [ ] **Task 1:** a\n  - [x] **Task 2:** b\n    - **Estimate:** 2h\n- [ ] **Task 5: Bold all** (#9)\n  - [ ] **Task 6:** sub\n');
    assert.deepEqual(e.tasks.map((t) => [t.id, t.title, t.state, t.group, t.estimate, t.issue]), [
      ['T1', 'a', 'open', 'G', undefined, undefined],
      ['T2', 'b', 'done', 'G', '2h', undefined],
      ['T5', 'Bold all', 'open', 'G', undefined, 9],
      ['T6', 'sub', 'open', 'G', undefined, undefined],
    ]);
  });
});

describe('scheduling', () => {
  test('a mermaid node that is no task is reported but blocks nothing', () => {
    const e = epic('# E\n\n- [ ] **Task 1:** a\n- [ ] **Task 2:** b\n\n```mermaid\ngraph TD\n  Start([Kickoff]) --> T1\n  T1 --> T2\n```\n').epic;
    const analysis = analyzeEpic(e);
    assert.deepEqual(analysis.ready.map((t) => t.task.id), ['T1']);
    assert.equal(analysis.dangling.length, 1);
  });

  test('a task marked blocked is never ready', () => {
    const e = directoryEpic({ '001.md': task('waiting on vendor').replace('status: open', 'status: blocked'), '002.md': task('free') });
    const analysis = analyzeEpic(e);
    assert.deepEqual(analysis.ready.map((t) => t.task.id), ['002']);
    assert.deepEqual(analysis.tasks.get('001')!.blockers, [{ taskId: '001', reason: 'marked-blocked' }]);
    assert.equal(nextTask([analysis])!.task.task.id, '002');
  });

  test('1.md and 001.md are one id: only the first is scheduled', () => {
    const analysis = analyzeEpic(directoryEpic({ '1.md': task('one'), '001.md': task('again') }));
    assert.deepEqual(analysis.ready.map((t) => t.task.id), ['001']);
  });
});

describe('editing', () => {
  test('keys spelled differently are edited, not added again', () => {
    const text = '---\nname: t\nStatus: open\nUpdated: 2026-01-01T00:00:00Z\n---\n';
    const e = directoryEpic({ '001.md': text });
    const files = new Map([['.claude/epics/e/001.md', text]]);
    applyChange(files, setTaskStateChange(e, '001', 'done', readerOf(files), '2026-11-22T10:00:00Z'));
    assert.equal(files.get('.claude/epics/e/001.md'), '---\nname: t\nStatus: closed\nUpdated: 2026-11-22T10:00:00Z\n---\n');
  });

  test('rename after sync rewrites every dependency key the parser reads, and refuses number collisions', () => {
    const files = new Map([
      ['.claude/epics/e/001.md', task('a')],
      ['.claude/epics/e/002.md', task('b', 'depends: 001\nconflicts: [001]\n')],
    ]);
    const e = directoryEpic(Object.fromEntries([...files].map(([p, t]) => [p.slice(p.lastIndexOf('/') + 1), t])));
    const read = readerOf(files);
    assert.throws(() => renameAfterSyncChange(e, new Map([['001', 2]]), read), (error: unknown) => error instanceof PlanEditError && /002\.md already has number 2/.test(error.message));
    assert.throws(() => renameAfterSyncChange(e, new Map([['001', 7], ['002', 7]]), read), PlanEditError);
    applyChange(files, renameAfterSyncChange(e, new Map([['001', 101], ['002', 102]]), read));
    assert.match(files.get('.claude/epics/e/102.md')!, /\ndepends: 101\nconflicts: \[101\]\n/);
  });
});

describe('the index', () => {
  test('an update of a folder drops the files it no longer holds', async () => {
    const fs = new MemoryFileSystem(new Map([
      ['.claude/epics/e/001.md', task('a')],
      ['.claude/epics/e/002.md', task('b')],
      ['.claude/epics/f/001.md', task('c')],
    ]));
    const index = new PlanIndex(fs);
    await index.build();
    fs.files.delete('.claude/epics/e/002.md');
    let change = await index.update(['.claude/epics/e']);
    assert.deepEqual([change.removed, change.epics], [['.claude/epics/e/002.md'], ['e']]);
    fs.files.delete('.claude/epics/f/001.md');
    change = await index.update(['.claude/epics']);
    assert.deepEqual([change.removed, change.epics], [['.claude/epics/f/001.md'], ['f']]);
    assert.deepEqual(index.allEpics.map((x) => x.id), ['e']);
  });

  test('a PRD whose id changes is reported under both ids', async () => {
    const fs = new MemoryFileSystem(new Map([['prds/prd-009.md', '# PRD-009: Nine\n']]));
    const index = new PlanIndex(fs);
    await index.build();
    fs.files.set('prds/prd-009.md', '# PRD-010: Ten\n');
    assert.deepEqual((await index.update(['prds/prd-009.md'])).prds, ['PRD-009', 'PRD-010']);
  });
});
