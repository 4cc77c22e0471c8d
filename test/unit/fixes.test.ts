/**
 * Quick fixes, one family at a time: each case gives the files before and the files after
 * byte for byte, and checkFix runs it on LF and CRLF copies, reads the files again to see
 * the diagnostic gone, and asks for the fixes again to see none offered twice.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits } from '../../src/core/edits';
import { dependsOnEdits } from '../../src/core/fixes/dependencyLists';
import { fixesFor, safeFixes } from '../../src/core/fixes/fixes';
import { editDistance } from '../../src/core/fixes/editDistance';
import { styled } from '../../src/core/fixes/statusFixes';
import { applied, checkFix, workspaceOf } from './fixesHelpers';

const DIR = '.claude/epics/shop';

function task(name: string, status: string, depends = '[]', extra = ''): string {
  return `---\nname: ${name}\nstatus: ${status}\ndepends_on: ${depends}\n${extra}---\n\n# Task: ${name}\n`;
}

const SHOP_EPIC = [
  '---',
  'name: shop',
  'status: in-progress',
  'progress: 0%',
  '---',
  '',
  '# Epic: shop',
  '',
  '## Tasks Created',
  '- [x] 001.md - Setup',
  '- [ ] 002.md - API',
  '- [ ] 009.md - Gone',
  '- [ ] 004.md - Docs',
  '',
  'Total tasks: 4',
  '',
].join('\n');

const SHOP = {
  [`${DIR}/epic.md`]: SHOP_EPIC,
  [`${DIR}/001.md`]: task('Setup', 'open'),
  [`${DIR}/002.md`]: task('API', 'closed', '[001]'),
  [`${DIR}/003.md`]: task('Tests', 'open', '[002]'),
  [`${DIR}/004.md`]: task('Docs', 'open'),
};

const onLine = (line: number) => (d: { range: { line: number } }) => d.range.line === line - 1;

describe('checklist fixes', () => {
  test('a ticked line whose task is open: set the task file from the checklist (offered first), or untick the line', async () => {
    const fixes = await checkFix({
      files: SHOP,
      code: 'checklist-mismatch',
      which: onLine(10),
      title: 'Set the status of task 001 to closed, as the checklist says',
      safe: false,
      after: {
        [`${DIR}/001.md`]: task('Setup', 'closed'),
        // Two of four tasks done now: the epic's progress keeps in step, as when a task is completed from the editor.
        [`${DIR}/epic.md`]: SHOP_EPIC.replace('progress: 0%', 'progress: 50%'),
      },
    });
    assert.deepEqual(
      fixes.map((f) => [f.title, f.safe, f.preferred, f.preview]),
      [
        ['Set the status of task 001 to closed, as the checklist says', false, true, true],
        ['Untick task 001 in the checklist, as its file says open', false, false, false],
      ],
    );
    await checkFix({
      files: SHOP,
      code: 'checklist-mismatch',
      which: onLine(10),
      title: /^Untick task 001/,
      safe: false,
      after: { [`${DIR}/epic.md`]: SHOP_EPIC.replace('- [x] 001.md', '- [ ] 001.md') },
    });
  });

  test('an unticked line whose task is closed: reopen the task, or tick the line', async () => {
    await checkFix({
      files: SHOP,
      code: 'checklist-mismatch',
      which: onLine(11),
      title: 'Set the status of task 002 to open, as the checklist says',
      safe: false,
      // No task is done then, as before: the progress stays as written.
      after: { [`${DIR}/002.md`]: task('API', 'open', '[001]') },
    });
    await checkFix({
      files: SHOP,
      code: 'checklist-mismatch',
      which: onLine(11),
      title: 'Tick task 002 in the checklist, as its file says closed',
      safe: false,
      after: { [`${DIR}/epic.md`]: SHOP_EPIC.replace('- [ ] 002.md', '- [x] 002.md') },
    });
  });

  test('a task file with no frontmatter has no status to set: only the line can change', async () => {
    const ws = await workspaceOf({ ...SHOP, [`${DIR}/001.md`]: 'Setup, to be written.\n' });
    const d = ws.diagnostics.find((x) => x.code === 'checklist-mismatch' && x.range.line === 9)!;
    assert.deepEqual(fixesFor(d, ws.plan).map((f) => f.title), ['Untick task 001 in the checklist, as its file says open']);
  });

  test('a line that names no task file is removed, not safely', async () => {
    await checkFix({
      files: SHOP,
      code: 'checklist-mismatch',
      which: onLine(12),
      title: 'Remove the checklist line of 009, which has no task file',
      safe: false,
      after: { [`${DIR}/epic.md`]: SHOP_EPIC.replace('- [ ] 009.md - Gone\n', '') },
    });
  });

  test('a task missing from the checklist gets its line after the task before it, safely', async () => {
    await checkFix({
      files: SHOP,
      code: 'checklist-missing-task',
      title: 'Add task 003 to the checklist',
      safe: true,
      after: { [`${DIR}/epic.md`]: SHOP_EPIC.replace('- [ ] 009.md', '- [ ] 003.md - Tests\n- [ ] 009.md') },
    });
  });

  test('the added line is written like the others: issue links, parallel notes, `Task NNN:` lines, a done task ticked', async () => {
    const epic = (lines: string[]) => ['---', 'name: shop', 'status: in-progress', '---', '', '# Epic: shop', '', '## Tasks Created', ...lines, ''].join('\n');
    const synced = (n: number, status: string, parallel: boolean) => task(`Task ${n}`, status, '[]', `github: https://github.com/o/r/issues/${n}\nparallel: ${parallel}\n`);
    const links = ['- [x] [#12](https://github.com/o/r/issues/12) - Task 12 (parallel: true)', '- [ ] [#13](https://github.com/o/r/issues/13) - Task 13 (parallel: false)'];
    await checkFix({
      files: { [`${DIR}/epic.md`]: epic(links), [`${DIR}/12.md`]: synced(12, 'closed', true), [`${DIR}/13.md`]: synced(13, 'open', false), [`${DIR}/14.md`]: synced(14, 'closed', true) },
      code: 'checklist-missing-task',
      title: 'Add task 14 to the checklist',
      safe: true,
      after: { [`${DIR}/epic.md`]: epic([...links, '- [x] [#14](https://github.com/o/r/issues/14) - Task 14 (parallel: true)']) },
    });
    // A task with no issue yet is named by its file: `#15` would name an issue that may not exist.
    const plain = ['- [ ] #12 - Task 12', '- [ ] #13 - Task 13'];
    await checkFix({
      files: { [`${DIR}/epic.md`]: epic(plain), [`${DIR}/12.md`]: synced(12, 'open', true), [`${DIR}/13.md`]: synced(13, 'open', false), [`${DIR}/15.md`]: task('Local', 'open') },
      code: 'checklist-missing-task',
      title: 'Add task 15 to the checklist',
      safe: true,
      after: { [`${DIR}/epic.md`]: epic([...plain, '- [ ] 15.md - Local']) },
    });
    // The first task goes before the first line; `Task NNN:` lines keep their form.
    const named = ['  * [ ] Task 002: API', '  * [ ] Task 003: Tests'];
    await checkFix({
      files: { [`${DIR}/epic.md`]: epic(named), [`${DIR}/001.md`]: task('Setup', 'open'), [`${DIR}/002.md`]: task('API', 'open'), [`${DIR}/003.md`]: task('Tests', 'open') },
      code: 'checklist-missing-task',
      title: 'Add task 001 to the checklist',
      safe: true,
      after: { [`${DIR}/epic.md`]: epic(['  * [ ] Task 001: Setup', ...named]) },
    });
  });

  test('a checklist at the very end of a file with no last line break gets its new line after a break', async () => {
    const epic = '---\nname: shop\nstatus: in-progress\n---\n\n# Epic: shop\n\n## Tasks Created\n- [ ] 001.md - Setup';
    await checkFix({
      files: { [`${DIR}/epic.md`]: epic, [`${DIR}/001.md`]: task('Setup', 'open'), [`${DIR}/002.md`]: task('API', 'open') },
      code: 'checklist-missing-task',
      title: 'Add task 002 to the checklist',
      safe: true,
      after: { [`${DIR}/epic.md`]: `${epic}\n- [ ] 002.md - API` },
    });
  });
});

describe('frontmatter fixes', () => {
  const path = `${DIR}/001.md`;
  const epic = { [`${DIR}/epic.md`]: '---\nname: shop\nstatus: in-progress\n---\n\n# Epic: shop\n' };

  test('a value with `: ` or ` #12` is quoted, safely, and reads as before', async () => {
    await checkFix({
      files: { ...epic, [path]: '---\nname: Data layer: models\nstatus: open  # for now\n---\n\n# Task: Data layer\n' },
      code: 'frontmatter-malformed',
      title: 'Quote the value of `name`: "Data layer: models"',
      safe: true,
      after: { [path]: '---\nname: "Data layer: models"\nstatus: open  # for now\n---\n\n# Task: Data layer\n' },
    });
    await checkFix({
      files: { ...epic, [path]: '---\nname: Fix #12 crash\nstatus: open\n---\n' },
      code: 'frontmatter-malformed',
      title: 'Quote the value of `name`: "Fix #12 crash"',
      safe: true,
      after: { [path]: '---\nname: "Fix #12 crash"\nstatus: open\n---\n' },
    });
  });

  test('a key written three times keeps its last line; both its diagnostics give the one fix', async () => {
    const before = '---\nname: Setup\nupdated: 2026-03-01T10:00:00Z\nstatus: open\nupdated: 2026-03-02T10:00:00Z\nupdated: 2026-03-03T10:00:00Z\n---\n';
    const after = '---\nname: Setup\nstatus: open\nupdated: 2026-03-03T10:00:00Z\n---\n';
    const ws = await workspaceOf({ ...epic, [path]: before });
    const found = ws.diagnostics.filter((d) => d.code === 'frontmatter-malformed');
    assert.equal(found.length, 2);
    const [a, b] = found.map((d) => fixesFor(d, ws.plan));
    assert.deepEqual(a, b);
    assert.equal(a[0].title, 'Keep `updated` on line 6 (the one read) and delete lines 3, 5');
    assert.equal(safeFixes(ws.plan, ws.diagnostics).fixes.length, 1, 'safeFixes applies it once');
    await checkFix({ files: { ...epic, [path]: before }, code: 'frontmatter-malformed', which: onLine(5), title: /^Keep `updated`/, safe: true, after: { [path]: after } });
  });

  test('a key written in two spellings keeps the one read, the last', async () => {
    await checkFix({
      files: { ...epic, [path]: '---\nname: Setup\nStatus: open\ndepends_on: []\nstatus: closed\n---\n' },
      code: 'frontmatter-malformed',
      title: 'Keep `status` on line 5 (the one read) and delete line 3',
      safe: true,
      after: { [path]: '---\nname: Setup\ndepends_on: []\nstatus: closed\n---\n' },
    });
  });

  test('a line YAML rejects for another reason has no fix', async () => {
    const ws = await workspaceOf({ ...epic, [path]: '---\nname: Setup\nstatus: [open\n---\n' });
    const d = ws.diagnostics.find((x) => x.code === 'frontmatter-malformed')!;
    assert.deepEqual(fixesFor(d, ws.plan), []);
  });
});

describe('status fixes', () => {
  const path = `${DIR}/001.md`;
  const epic = { [`${DIR}/epic.md`]: '---\nname: shop\nstatus: in-progress\n---\n\n# Epic: shop\n' };

  test('a misspelt status becomes the known word nearest to it, safely when one is clearly nearest', async () => {
    const fixes = await checkFix({
      files: { ...epic, [path]: task('Setup', 'complted') },
      code: 'status-unknown',
      title: 'Change the status to "completed"',
      safe: true,
      after: { [path]: task('Setup', 'completed') },
    });
    assert.deepEqual(fixes.map((f) => [f.title, f.safe, f.preferred]), [['Change the status to "completed"', true, true], ['Set the status to…', false, false]]);
    assert.deepEqual(fixes[1].choice?.options.map((o) => o.label), ['completed', 'complete', 'open', 'in-progress', 'closed']);
    // Quoted, or with a comment after it: only the word changes.
    await checkFix({
      files: { ...epic, [path]: task('Setup', '"Clsoed"  # by hand') },
      code: 'status-unknown',
      title: 'Change the status to "Closed"',
      safe: true,
      after: { [path]: task('Setup', '"Closed"  # by hand') },
    });
  });

  test('a status near no word, or as near to two states, is only offered as a choice', async () => {
    const fixes = await checkFix({
      files: { ...epic, [path]: task('Setup', 'percolating') },
      code: 'status-unknown',
      title: 'Set the status to…',
      option: 'open',
      safe: false,
      after: { [path]: task('Setup', 'open') },
    });
    assert.equal(fixes.length, 1);
    const ws = await workspaceOf({ ...epic, [path]: task('Setup', 'todone') });
    const choice = fixesFor(ws.diagnostics.find((d) => d.code === 'status-unknown')!, ws.plan);
    assert.deepEqual(choice.map((f) => f.safe), [false]);
    assert.deepEqual(choice[0].choice?.options.slice(0, 2).map((o) => o.label), ['todo', 'done']);
  });

  test('an epic or PRD status on a `**Status:**` line keeps its style', async () => {
    const epicText = (status: string) => `# Epic 001: Search\n\n**Status:** ${status}\n\n## Tasks\n\n- [ ] **Task 1:** One\n`;
    await checkFix({
      files: { 'epics/epic-001-search.md': epicText('In Progres') },
      code: 'status-unknown',
      title: 'Change the status to "In Progress"',
      safe: true,
      after: { 'epics/epic-001-search.md': epicText('In Progress') },
    });
    const prd = (status: string) => `# PRD-001: Search\n\n**Status:** ${status}\n`;
    await checkFix({
      files: { 'prds/prd-001-search.md': prd('Aproved') },
      code: 'status-unknown',
      title: 'Change the status to "Approved"',
      safe: true,
      after: { 'prds/prd-001-search.md': prd('Approved') },
    });
  });

  test('a status its tasks contradict is set to what the tasks say, safely', async () => {
    const single = (status: string, boxes: string) => `# Epic 001: Search\n\n**Status:** ${status}\n\n## Tasks\n\n${[...boxes].map((b, i) => `- [${b}] **Task ${i + 1}:** Step ${i + 1}\n`).join('')}`;
    await checkFix({
      files: { 'epics/epic-001-search.md': single('Backlog', 'xx  ') },
      code: 'status-contradicts-tasks',
      title: 'Set the status to "In Progress", as the tasks say',
      safe: true,
      after: { 'epics/epic-001-search.md': single('In Progress', 'xx  ') },
    });
    await checkFix({
      files: { 'epics/epic-001-search.md': single('in_progress', 'xx') },
      code: 'status-contradicts-tasks',
      title: 'Set the status to "completed", as the tasks say',
      safe: true,
      after: { 'epics/epic-001-search.md': single('completed', 'xx') },
    });
    const epicMd = (status: string) => `---\nname: shop\nstatus: ${status}\nprd: .claude/prds/shop.md\n---\n\n# Epic: shop\n`;
    const prd = (status: string) => `---\nname: shop\nstatus: ${status}\n---\n\n# PRD: shop\n`;
    const files = { [`${DIR}/epic.md`]: epicMd('completed'), '.claude/prds/shop.md': prd('complete'), [`${DIR}/001.md`]: task('Setup', 'closed'), [`${DIR}/002.md`]: task('API', 'open') };
    await checkFix({ files, code: 'status-contradicts-tasks', which: (d) => d.path.endsWith('epic.md'), title: 'Set the status to "in-progress", as the tasks say', safe: true, after: { [`${DIR}/epic.md`]: epicMd('in-progress') } });
    await checkFix({ files, code: 'status-contradicts-tasks', which: (d) => d.path.endsWith('shop.md'), title: 'Set the status to "in-progress", as the tasks say', safe: true, after: { '.claude/prds/shop.md': prd('in-progress') } });
  });

  test('statuses are compared by edits, a swap counting as one, and written in the style found', () => {
    assert.equal(editDistance('compelted', 'completed'), 1);
    assert.equal(editDistance('complted', 'completed'), 1);
    assert.equal(editDistance('', 'open'), 4);
    assert.deepEqual(['in-progress', 'in progress', 'In Progress', 'IN_PROGRESS', 'Backlog', 'in_progress'].map((like) => styled('in-progress', like)), ['in-progress', 'in progress', 'In Progress', 'IN_PROGRESS', 'In Progress', 'in_progress']);
  });
});

describe('dependency fixes', () => {
  const files = {
    [`${DIR}/epic.md`]: '---\nname: shop\nstatus: in-progress\n---\n\n# Epic: shop\n',
    [`${DIR}/001.md`]: task('Setup', 'open'),
    [`${DIR}/002.md`]: task('API', 'open', '[001, 077]'),
    [`${DIR}/003.md`]: task('Tests', 'open', '\n  - 002\n  - 099  # old'),
    [`${DIR}/004.md`]: task('Docs', 'open', '088'),
    [`${DIR}/005.md`]: task('Deploy', 'open', '\n  - 088'),
  };
  const at = (file: string) => (d: { path: string }) => d.path === `${DIR}/${file}`;

  test('a reference to no task is removed from a flow list, a block list or a single value, not safely', async () => {
    const fixes = await checkFix({ files, code: 'dependency-dangling', which: at('002.md'), title: 'Remove the dependency on 077', safe: false, after: { [`${DIR}/002.md`]: task('API', 'open', '[001]') } });
    assert.deepEqual(fixes.map((f) => [f.title, f.safe, f.preferred]), [['Remove the dependency on 077', false, true], ['Replace 077 with another task…', false, false]]);
    await checkFix({ files, code: 'dependency-dangling', which: at('003.md'), title: 'Remove the dependency on 099', safe: false, after: { [`${DIR}/003.md`]: task('Tests', 'open', '\n  - 002') } });
    await checkFix({ files, code: 'dependency-dangling', which: at('004.md'), title: 'Remove the dependency on 088', safe: false, after: { [`${DIR}/004.md`]: task('Docs', 'open', '[]') } });
    await checkFix({ files, code: 'dependency-dangling', which: at('005.md'), title: 'Remove the dependency on 088', safe: false, after: { [`${DIR}/005.md`]: task('Deploy', 'open', '[]') } });
  });

  test('or replaced with a task the user picks, the nearest first', async () => {
    const fixes = await checkFix({ files, code: 'dependency-dangling', which: at('002.md'), title: 'Replace 077 with another task…', option: '004', safe: false, after: { [`${DIR}/002.md`]: task('API', 'open', '[001, 004]') } });
    // Not the task itself, nor one it already depends on.
    assert.deepEqual(fixes[1].choice?.options.map((o) => [o.label, o.detail]), [['003', 'Tests'], ['004', 'Docs'], ['005', 'Deploy']]);
  });

  test('a task that depends on itself loses that dependency, safely', async () => {
    await checkFix({
      files: { ...files, [`${DIR}/004.md`]: task('Docs', 'open', '[004, 001]') },
      code: 'dependency-self',
      title: 'Remove the dependency of task 004 on itself',
      safe: true,
      after: { [`${DIR}/004.md`]: task('Docs', 'open', '[001]') },
    });
  });

  test('a number from before the sync is written as the task it means now, safely', async () => {
    const synced = (n: number, old: string, depends: string) => `---\nname: T${n}\nstatus: open\ndepends_on: ${depends}\n---\n\n# Task ${old}: T${n}\n`;
    const sync = {
      [`${DIR}/epic.md`]: '---\nname: shop\nstatus: in-progress\n---\n\n# Epic: shop\n',
      [`${DIR}/10.md`]: synced(10, '001', '[]'),
      [`${DIR}/11.md`]: synced(11, '002', '[]'),
      [`${DIR}/12.md`]: synced(12, '003', '[001, "002"]'),
    };
    await checkFix({ files: sync, code: 'dependency-renamed', which: (d) => d.message.startsWith('001'), title: 'Write 10 for 001, its number since the sync', safe: true, after: { [`${DIR}/12.md`]: synced(12, '003', '[10, "002"]') } });
    await checkFix({ files: sync, code: 'dependency-renamed', which: (d) => d.message.startsWith('002'), title: 'Write 11 for 002, its number since the sync', safe: true, after: { [`${DIR}/12.md`]: synced(12, '003', '[001, "11"]') } });
  });

  test('a cycle offers to remove each of its edges, not safely', async () => {
    const cycle = { [`${DIR}/epic.md`]: files[`${DIR}/epic.md`], [`${DIR}/001.md`]: task('Setup', 'open', '[002]'), [`${DIR}/002.md`]: task('API', 'open', '[001, 003]'), [`${DIR}/003.md`]: task('Tests', 'open') };
    const fixes = await checkFix({ files: cycle, code: 'dependency-cycle', which: at('001.md'), title: 'Remove the dependency of task 001 on task 002', safe: false, after: { [`${DIR}/001.md`]: task('Setup', 'open', '[]') } });
    assert.deepEqual(fixes.map((f) => f.title), ['Remove the dependency of task 001 on task 002', 'Remove the dependency of task 002 on task 001']);
    await checkFix({ files: cycle, code: 'dependency-cycle', which: at('001.md'), title: 'Remove the dependency of task 002 on task 001', safe: false, after: { [`${DIR}/002.md`]: task('API', 'open', '[003]') } });
  });

  const SINGLE = 'epics/epic-001-search.md';
  const single = (t1: string, t2: string, mermaid: string[]) =>
    ['# Epic 001: Search', '', '## Tasks', '', '- [ ] **Task 1:** Index', ...t1.split('\n').filter(Boolean), '- [ ] **Task 2:** Query', ...t2.split('\n').filter(Boolean), '- [ ] **Task 3:** Rank', '', '```mermaid', 'graph TD', ...mermaid, '```', ''].join('\n');

  test('on a `**Depends on:**` bullet, a reference goes with its separator, and a bullet left empty goes', async () => {
    await checkFix({
      files: { [SINGLE]: single('', '  - **Depends on:** Task 1, Task 9', []) },
      code: 'dependency-dangling',
      title: 'Remove the dependency on T9',
      safe: false,
      after: { [SINGLE]: single('', '  - **Depends on:** Task 1', []) },
    });
    await checkFix({
      files: { [SINGLE]: single('', '  - **Depends on:** T9 and T1', []) },
      code: 'dependency-dangling',
      title: 'Remove the dependency on T9',
      safe: false,
      after: { [SINGLE]: single('', '  - **Depends on:** T1', []) },
    });
    await checkFix({
      files: { [SINGLE]: single('', '  - **Estimate:** 2h\n  - **Depends on:** Task 9', []) },
      code: 'dependency-dangling',
      title: 'Remove the dependency on T9',
      safe: false,
      after: { [SINGLE]: single('', '  - **Estimate:** 2h', []) },
    });
    await checkFix({
      files: { [SINGLE]: single('', '  - **Depends on:** Task 9', []) },
      code: 'dependency-dangling',
      title: 'Replace T9 with another task…',
      option: 'T3',
      safe: false,
      after: { [SINGLE]: single('', '  - **Depends on:** Task 3', []) },
    });
  });

  test('a cycle declared on a bullet and in mermaid loses both declarations of the edge', async () => {
    const files = { [SINGLE]: single('  - **Depends on:** Task 2', '', ['    T1 --> T2', '    T2 --> T1']) };
    await checkFix({
      files,
      code: 'dependency-cycle',
      which: onLine(6),
      title: 'Remove the dependency of T1 on T2',
      safe: false,
      after: { [SINGLE]: single('', '', ['    T1 --> T2']) },
    });
  });

  test('a mermaid line whose edges all touch a node that is no task is removed; a line with real edges too is not', async () => {
    await checkFix({
      files: { [SINGLE]: single('', '', ['    T1 --> T2', '    T7[Ghost] --> T2', '    T2 --> T3']) },
      code: 'mermaid-unknown-node',
      title: 'Remove the mermaid line with T7 (line 12)',
      safe: false,
      after: { [SINGLE]: single('', '', ['    T1 --> T2', '    T2 --> T3']) },
    });
    const ws = await workspaceOf({ [SINGLE]: single('', '', ['    T1 --> T2 --> T7']) });
    const d = ws.diagnostics.find((x) => x.code === 'mermaid-unknown-node')!;
    // Only adding the task is offered (see mermaidAddTask.test.ts).
    assert.deepEqual(fixesFor(d, ws.plan).map((f) => f.title), ['Add the task T7']);
  });
});

describe('duplicate task ids', () => {
  test('in a single-file epic, the later task gets the next free number, shown before it is applied', async () => {
    const epic = (n: string) => `# Epic 001: Search\n\n## Tasks\n\n- [ ] **Task 1:** One\n- [ ] **Task 2:** Two\n- [ ] **Task 4:** Four\n- [x] **Task ${n}:** Two again\n`;
    const fixes = await checkFix({ files: { 'epics/epic-001-search.md': epic('2') }, code: 'task-duplicate-id', title: 'Renumber this task to T5', safe: false, after: { 'epics/epic-001-search.md': epic('5') } });
    assert.deepEqual(fixes.map((f) => [f.safe, f.preview]), [[false, true]]);
  });

  test('in a directory epic, the later file is renamed, and what names it exactly follows it', async () => {
    const epic = (ref: string) => `---\nname: shop\nstatus: in-progress\n---\n\n# Epic: shop\n\n## Tasks Created\n- [ ] 001.md - Setup\n- [ ] 002.md - API\n- [ ] ${ref}.md - Dup\n- [ ] 003.md - Tests\n`;
    const files = {
      [`${DIR}/epic.md`]: epic('2'),
      [`${DIR}/001.md`]: task('Setup', 'open'),
      [`${DIR}/002.md`]: task('API', 'open', '[001]'),
      [`${DIR}/2.md`]: '---\nname: Dup\nstatus: open\ndepends_on: [001]\n---\n\n# Task 2: Dup\n',
      // `002` names 002.md, `2` names 2.md.
      [`${DIR}/003.md`]: task('Tests', 'open', '[002, 2]'),
    };
    const fixes = await checkFix({
      files,
      code: 'task-duplicate-id',
      title: 'Renumber 2.md to 004.md',
      safe: false,
      renames: { [`${DIR}/2.md`]: `${DIR}/004.md` },
      after: {
        [`${DIR}/epic.md`]: epic('004'),
        [`${DIR}/2.md`]: '---\nname: Dup\nstatus: open\ndepends_on: [001]\n---\n\n# Task 004: Dup\n',
        [`${DIR}/003.md`]: task('Tests', 'open', '[002, 004]'),
      },
    });
    assert.equal(fixes[0].preview, true);
    const again = await workspaceOf(applied(new Map(Object.entries(files)), fixes[0].change));
    assert.deepEqual(again.diagnostics.filter((d) => d.code.startsWith('task-') || d.code.startsWith('dependency-') || d.code.startsWith('checklist-')), []);
  });
});

describe('fixesFor', () => {
  test('a diagnostic with nothing to fix, or whose file is gone, has no fixes', async () => {
    const ws = await workspaceOf({ ...SHOP, [`${DIR}/epic.md`]: SHOP_EPIC.replace('status: in-progress', 'status: in-progress\nprd: nowhere') });
    const unknown = ws.diagnostics.find((d) => d.code === 'prd-unknown')!;
    assert.deepEqual(fixesFor(unknown, ws.plan), []);
    const missing = ws.diagnostics.find((d) => d.code === 'checklist-missing-task')!;
    assert.deepEqual(fixesFor(missing, { ...ws.plan, read: () => { throw new Error('gone'); } }), []);
  });
});

describe('safeFixes', () => {
  test('fixes that would edit the same text are left for the next pass', async () => {
    // Two references to the task itself, side by side: each removal takes the comma between them.
    let ws = await workspaceOf({ [`${DIR}/epic.md`]: '---\nname: shop\nstatus: in-progress\n---\n\n# Epic: shop\n', [`${DIR}/005.md`]: task('Deploy', 'open', '[005, 5]') });
    const passes: number[] = [];
    for (let pass = 0; pass < 4; pass++) {
      const { fixes, change } = safeFixes(ws.plan, ws.diagnostics);
      passes.push(fixes.length);
      if (fixes.length === 0) break;
      ws = await workspaceOf(applied(ws.files, change));
    }
    assert.deepEqual(passes, [1, 1, 0]);
    assert.equal(ws.files.get(`${DIR}/005.md`), task('Deploy', 'open', '[]'));
  });

  test('insertions at one place go in the order of their diagnostics, before an edit that starts there', async () => {
    const epic = '---\nname: shop\nstatus: in-progress\n---\n\n# Epic: shop\n\n## Tasks Created\n- [ ] 001.md - Setup\n';
    const ws = await workspaceOf({ [`${DIR}/epic.md`]: epic, [`${DIR}/001.md`]: task('Setup', 'open'), [`${DIR}/002.md`]: task('API', 'open'), [`${DIR}/003.md`]: task('Tests', 'open') });
    const { fixes, change } = safeFixes(ws.plan, ws.diagnostics);
    assert.deepEqual(fixes.map((f) => f.title), ['Add task 002 to the checklist', 'Add task 003 to the checklist']);
    assert.equal(applied(ws.files, change).get(`${DIR}/epic.md`), `${epic}- [ ] 002.md - API\n- [ ] 003.md - Tests\n`);
  });
});

describe('dependency lists as written', () => {
  const path = `${DIR}/002.md`;
  const file = (depends: string) => `---\nname: API\nstatus: open\ndepends_on:${depends}\n---\n`;
  const remove = (depends: string, ref: string) => {
    const text = file(depends);
    const edits = dependsOnEdits(path, text, { remove: (item) => item === ref });
    return edits && applyEdits(text, edits);
  };

  test('a reference goes with one separator, whatever the list looks like', () => {
    assert.equal(remove(' [001, 077, 003]', '077'), file(' [001, 003]'));
    assert.equal(remove(' [077, 003]', '077'), file(' [003]'));
    assert.equal(remove(' [001,077]  # was 3', '077'), file(' [001]  # was 3'));
    assert.equal(remove(' "[001, 077]"', '077'), file(' "[001]"'));
    assert.equal(remove(' 001, 077', '077'), file(' 001'));
    assert.equal(remove(' 001 077', '001'), file(' 077'));
    assert.equal(remove(' ["077", \'003\']', '077'), file(" ['003']"));
    assert.equal(remove(' [001,\n    077]', '001'), file(' [077]'));
    assert.equal(remove('\n  - "001"\n  - 077', '001'), file('\n  - 077'));
  });

  test('the last one leaves an empty list, a comment after it kept', () => {
    assert.equal(remove(' [077]', '077'), file(' []'));
    assert.equal(remove(' 077  # later', '077'), file(' []  # later'));
    assert.equal(remove('   # one\n  - 077', '077'), file('   [] # one'));
    assert.equal(remove(' [077', '077'), file(' []'));
  });

  test('a reference written as no item of the list, or a list the parser reads otherwise, is left alone', () => {
    assert.equal(remove(' [001]', '077'), undefined);
    const edits = dependsOnEdits(path, '---\nname: API\n---\n', { remove: () => true });
    assert.equal(edits, undefined);
  });
});
