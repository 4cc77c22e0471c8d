/**
 * The "add the task" fix of a mermaid node that names no task: the task line (single
 * file) or task file and checklist line (directory) it writes, byte for byte and with
 * CRLF kept; the node's label as the title; no fix for a node that cannot be a task id;
 * and, on generated epics, nothing reported afterwards but what was reported before,
 * less that node.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Fix } from '../../src/core/fixes/fixes';
import { fixesFor } from '../../src/core/fixes/fixes';
import { nodeLabel } from '../../src/core/fixes/mermaidFixes';
import type { Diagnostic } from '../../src/core/model';
import type { Workspace } from './fixesHelpers';
import { applied, checkFix, workspaceOf } from './fixesHelpers';
import { toCrlf } from './helpers';

const SINGLE = '.claude/epics/epic-001-search.md';
const DIR = '.claude/epics/shop';
const NOW = '2025-03-04T05:06:07Z';

function unknownNodes(ws: Workspace): Diagnostic[] {
  return ws.diagnostics.filter((d) => d.code === 'mermaid-unknown-node');
}

function addFixes(ws: Workspace, d: Diagnostic): Fix[] {
  return fixesFor(d, { ...ws.plan, now: NOW }).filter((f) => f.title.startsWith('Add the task'));
}

/** The one add fix of the first mermaid-unknown-node diagnostic of `files`, which names the same node as the others. */
async function onlyAddFix(files: Readonly<Record<string, string>>): Promise<{ ws: Workspace; d: Diagnostic; fix: Fix }> {
  const ws = await workspaceOf(files);
  const found = unknownNodes(ws);
  assert.equal(new Set(found.map((d) => d.message)).size, 1, `one node with no task: ${ws.diagnostics.map((d) => `${d.code} ${d.message}`).join('; ')}`);
  const fixes = addFixes(ws, found[0]);
  assert.equal(fixes.length, 1, JSON.stringify(fixes.map((f) => f.title)));
  return { ws, d: found[0], fix: fixes[0] };
}

/** What the workspace reports, as code and words: places move when a line is added. */
function reported(ws: Workspace): string[] {
  return ws.diagnostics.map((d) => `${d.path} ${d.code} ${d.message}`).sort();
}

describe('adding the task of a mermaid node, single-file layout', () => {
  const epic = (tasks: string[], mermaid: string[]) => ['# Epic 001: Search', '', '**Status:** In Progress', '', '## Tasks', '', ...tasks, '', '## Dependencies', '', '```mermaid', 'graph TD', ...mermaid, '```', ''].join('\n');
  const tight = ['- [ ] **Task 1:** Index', '  - **Estimate:** 2 hours', '- [x] **Task 2:** Query', '- [ ] **Task 3:** Rank', '  - Score by recency'];
  const mermaid = ['    T1 --> T2', '    T2 --> T4[Write the docs]', '    T4 --> T3'];

  test('a task line after the block of the task numbered below it, titled by the label; not safe, and the remove fix stays as it was', async () => {
    const fixes = await checkFix({
      files: { [SINGLE]: epic(tight, mermaid) },
      code: 'mermaid-unknown-node',
      which: (d) => d.range.line === 17,
      title: 'Add the task T4 "Write the docs"',
      safe: false,
      after: { [SINGLE]: epic([...tight, '- [ ] **Task 4:** Write the docs'], mermaid) },
    });
    assert.deepEqual(
      fixes.map((f) => [f.title, f.safe, f.preferred, f.preview]),
      [
        ['Remove the mermaid line with T4 (line 18)', false, false, false],
        ['Add the task T4 "Write the docs"', false, false, false],
      ],
    );
  });

  test('the new task goes between the tasks numbered around it, in their group, blank lines kept', async () => {
    const before = [
      '### Setup',
      '- [ ] **Task 1:** Project',
      '  - **Estimate:** 2 hours',
      '',
      '- [ ] **Task 2:** Database',
      '  - **Agent:** db-expert',
      '',
      '### Testing',
      '- [ ] **Task 4:** Tests',
      '  - **Estimate:** 3 hours',
    ];
    const graph = ['    T1 --> T2', '    T2 --> T3["Task 3: Auth endpoints"]', '    T3 --> T4'];
    await checkFix({
      files: { [SINGLE]: epic(before, graph) },
      code: 'mermaid-unknown-node',
      which: (d) => d.range.line === 23,
      title: 'Add the task T3 "Auth endpoints"',
      safe: false,
      after: { [SINGLE]: epic([...before.slice(0, 6), '', '- [ ] **Task 3:** Auth endpoints', ...before.slice(6)], graph) },
    });
  });

  test('a number below every task goes before the first; the tasks\' own way of writing the id is kept', async () => {
    const before = ['* [ ] **T2:** Query', '* [-] **T3:** Rank'];
    const graph = ['    T1[Index] --> T2'];
    await checkFix({
      files: { [SINGLE]: epic(before, graph) },
      code: 'mermaid-unknown-node',
      title: 'Add the task T1 "Index"',
      safe: false,
      after: { [SINGLE]: epic(['* [ ] **T1:** Index', ...before], graph) },
    });
    for (const [line, added] of [
      ['  - [x] Task 1. One', '  - [ ] Task 2. Two'],
      ['- [ ] **Task 1: One**', '- [ ] **Task 2: Two**'],
      ['1. [ ] **Task 1**: One', '1. [ ] **Task 2**: Two'],
    ]) {
      const files = { [SINGLE]: epic([line], ['    T1 --> T2[Two]']) };
      const { ws, fix } = await onlyAddFix(files);
      assert.equal(applied(ws.files, fix.change).get(SINGLE), epic([line, added], ['    T1 --> T2[Two]']), line);
    }
  });

  test('an epic with no tasks yet gets one under its tasks heading; a line with two new nodes offers each', async () => {
    const empty = epic([], ['    T1[Index] --> T2[Query]']).replace('## Tasks\n\n\n', '## Tasks\n\n');
    const ws = await workspaceOf({ [SINGLE]: empty });
    const [d] = unknownNodes(ws);
    const fixes = addFixes(ws, d);
    assert.deepEqual(fixes.map((f) => f.title), ['Add the task T1 "Index"', 'Add the task T2 "Query"']);
    const after = applied(ws.files, fixes[0].change);
    assert.equal(after.get(SINGLE), empty.replace('## Tasks\n', '## Tasks\n\n- [ ] **Task 1:** Index\n'));
    const again = await workspaceOf(after);
    assert.deepEqual(unknownNodes(again).map((x) => x.message), ['Mermaid node T2 matches no task in this epic.']);
    assert.deepEqual(addFixes(again, unknownNodes(again)[0]).map((f) => f.title), ['Add the task T2 "Query"']);
  });

  test('no `**Depends on:**` is written: the graph already declares the new task\'s edges, once', async () => {
    const { ws, fix } = await onlyAddFix({ [SINGLE]: epic(tight, mermaid) });
    const again = await workspaceOf(applied(ws.files, fix.change));
    const epicAfter = again.index.allEpics[0];
    assert.deepEqual(epicAfter.tasks.find((t) => t.id === 'T4')?.dependsOn, ['T2']);
    assert.deepEqual(epicAfter.tasks.find((t) => t.id === 'T3')?.dependsOn, ['T4']);
    assert.deepEqual(
      epicAfter.dependencies.filter((dep) => dep.from === 'T4' || dep.to === 'T4').map((dep) => `${dep.source} ${dep.from}>${dep.to}`),
      ['mermaid T2>T4', 'mermaid T4>T3'],
    );
  });

  test('applied once, the node is a task: no diagnostic, and no add fix from the old one', async () => {
    for (const eol of [(t: string) => t, toCrlf]) {
      const { ws, d, fix } = await onlyAddFix({ [SINGLE]: eol(epic(tight, mermaid)) });
      const after = applied(ws.files, fix.change);
      assert.ok(after.get(SINGLE)!.includes(eol('  - Score by recency\n- [ ] **Task 4:** Write the docs\n')));
      const again = await workspaceOf(after);
      assert.deepEqual(unknownNodes(again), []);
      assert.deepEqual(reported(again), reported(ws).filter((r) => !r.includes('mermaid-unknown-node')));
      assert.deepEqual(fixesFor(d, again.plan), []);
    }
  });

  test('a node id the layout does not number as a task gets no add fix', async () => {
    for (const graph of [['    Start --> T1'], ['    T1 --> 7'], ['    T1 --> T0'], ['    T1 --> Deploy[Deploy it]']]) {
      const ws = await workspaceOf({ [SINGLE]: epic(['- [ ] **Task 1:** Index'], graph) });
      const found = unknownNodes(ws);
      assert.equal(found.length, 1, graph[0]);
      const fixes = fixesFor(found[0], ws.plan);
      assert.deepEqual(fixes.filter((f) => f.title.startsWith('Add')), [], graph[0]);
      assert.equal(fixes.length, 1, `the remove fix is still offered for ${graph[0]}`);
    }
  });

  test('`task7` and `t_07` name T7; a label the task line would misread gives way to the id', async () => {
    const one = ['- [ ] **Task 1:** Index'];
    const { ws, fix } = await onlyAddFix({ [SINGLE]: epic(one, ['    T1 --> task_07[Docs]']) });
    assert.equal(fix.title, 'Add the task T7 "Docs"');
    assert.equal(applied(ws.files, fix.change).get(SINGLE), epic([...one, '- [ ] **Task 7:** Docs'], ['    T1 --> task_07[Docs]']));
    const issueLike = await onlyAddFix({ [SINGLE]: epic(one, ['    T1 --> T2["Docs (#12)"]']) });
    assert.equal(issueLike.fix.title, 'Add the task T2');
    assert.equal(applied(issueLike.ws.files, issueLike.fix.change).get(SINGLE), epic([...one, '- [ ] **Task 2:** T2'], ['    T1 --> T2["Docs (#12)"]']));
  });

  test('a node declared with its label on a line of its own, with a class, is titled by that label', async () => {
    const graph = ['    T2("Write (the) docs"):::todo', '    T1 --> T2:::todo'];
    const { ws, fix } = await onlyAddFix({ [SINGLE]: epic(['- [ ] **Task 1:** Index'], graph) });
    assert.equal(fix.title, 'Add the task T2 "Write (the) docs"');
    assert.equal(applied(ws.files, fix.change).get(SINGLE), epic(['- [ ] **Task 1:** Index', '- [ ] **Task 2:** Write (the) docs'], graph));
  });
});

describe('adding the task of a mermaid node, directory layout', () => {
  const task = (name: string, status: string) => `---\nname: ${name}\nstatus: ${status}\ndepends_on: []\n---\n\n# Task: ${name}\n`;
  const epicMd = (progress: string, checklist: string[], mermaid: string[]) =>
    ['---', 'name: shop', 'status: in-progress', `progress: ${progress}`, '---', '', '# Epic: shop', '', '## Tasks Created', ...checklist, '', '## Graph', '', '```mermaid', 'graph TD', ...mermaid, '```', ''].join('\n');
  const checklist = ['- [x] 001.md - Setup', '- [ ] 002.md - API', '- [ ] 004.md - Docs'];
  const graph = ['    001 --> 002', '    002 --> 003[Write tests]', '    003 --> 004'];
  const files = {
    [`${DIR}/epic.md`]: epicMd('33%', checklist, graph),
    [`${DIR}/001.md`]: task('Setup', 'closed'),
    [`${DIR}/002.md`]: task('API', 'open'),
    [`${DIR}/004.md`]: task('Docs', 'open'),
  };
  const created = (name: string) =>
    ['---', `name: ${name}`, 'status: open', `created: ${NOW}`, `updated: ${NOW}`, 'github:', 'depends_on: []', 'parallel: true', 'conflicts_with: []', '---', '', `# Task: ${name}`, '', '## Description', '', '## Acceptance Criteria', '', '- [ ] ', ''].join('\n');

  test('a task file named like the others, its checklist line after the task below it, and the progress; shown before it is applied', async () => {
    const fixes = await checkFix({
      files,
      code: 'mermaid-unknown-node',
      which: (d) => d.range.line === 19,
      title: 'Add the task file 003.md "Write tests"',
      safe: false,
      after: { [`${DIR}/epic.md`]: epicMd('25%', ['- [x] 001.md - Setup', '- [ ] 002.md - API', '- [ ] 003.md - Write tests', '- [ ] 004.md - Docs'], graph) },
    });
    assert.deepEqual(
      fixes.map((f) => [f.title, f.safe, f.preview]),
      [
        ['Remove the mermaid line with 003 (line 20)', false, false],
        ['Add the task file 003.md "Write tests"', false, true],
      ],
    );
    for (const eol of [(t: string) => t, toCrlf]) {
      const { ws, fix } = await onlyAddFix(Object.fromEntries(Object.entries(files).map(([p, t]) => [p, eol(t)])));
      assert.deepEqual(fix.change.creates, [{ path: `${DIR}/003.md`, text: eol(created('Write tests')) }]);
      const again = await workspaceOf(applied(ws.files, fix.change));
      assert.deepEqual(reported(again), reported(ws).filter((r) => !r.includes('mermaid-unknown-node')));
      assert.deepEqual(addFixes(again, unknownNodes(ws)[0]), []);
    }
  });

  test('unpadded task files give an unpadded name; `T3` and `3` name task 3; an epic.md with no checklist gets none', async () => {
    const plain = {
      [`${DIR}/epic.md`]: '---\nname: shop\nstatus: in-progress\n---\n\n# Epic: shop\n\n```mermaid\ngraph TD\n  1 --> 2\n  2 --> T3\n```\n',
      [`${DIR}/1.md`]: task('Setup', 'open'),
      [`${DIR}/2.md`]: task('API', 'open'),
    };
    const { ws, fix } = await onlyAddFix(plain);
    assert.equal(fix.title, 'Add the task file 3.md');
    assert.deepEqual(fix.change.edits, []);
    assert.deepEqual(fix.change.creates, [{ path: `${DIR}/3.md`, text: created('T3') }]);
    const again = await workspaceOf(applied(ws.files, fix.change));
    assert.deepEqual(unknownNodes(again), []);
    assert.deepEqual(again.index.allEpics[0].tasks.find((t) => t.id === '3')?.dependsOn, ['2']);
  });

  test('a node that is no number, or whose file is there by now, gets no add fix', async () => {
    for (const node of ['Deploy', 'T3a', 'x7']) {
      const ws = await workspaceOf({ ...files, [`${DIR}/epic.md`]: epicMd('33%', checklist, ['    001 --> 002', `    002 --> ${node}`]) });
      const found = unknownNodes(ws);
      assert.equal(found.length, 1, node);
      assert.deepEqual(addFixes(ws, found[0]), [], node);
    }
    const ws = await workspaceOf(files);
    const d = unknownNodes(ws)[0];
    const withFile = new Map(ws.files).set(`${DIR}/003.md`, task('Tests', 'open'));
    const stale = { ...ws.plan, now: NOW, read: (path: string) => withFile.get(path) ?? assert.fail(`no ${path}`) };
    assert.deepEqual(fixesFor(d, stale).filter((f) => f.title.startsWith('Add')), []);
  });
});

describe('the labels of mermaid nodes', () => {
  const label = (lines: string[], id = 'T7') => nodeLabel(['```mermaid', 'graph TD', ...lines, '```', ''].join('\n'), (token) => token === id, 7);

  test('every shape, quoted or not, with a class or not', () => {
    const cases: Array<[string, string | undefined]> = [
      ['T7[Write the docs] --> T1', 'Write the docs'],
      ['T7("Write the docs")', 'Write the docs'],
      ['T7("Write (the) docs")', 'Write (the) docs'],
      ['T7{Decide}', 'Decide'],
      ['T7((Circle))', 'Circle'],
      ['T7(((Double)))', 'Double'],
      ['T7([Stadium])', 'Stadium'],
      ['T7[[Subroutine]]', 'Subroutine'],
      ['T7[(Database)]', 'Database'],
      ['T7{{Hexagon}}', 'Hexagon'],
      ['T7[/Slanted/]', 'Slanted'],
      ['T7[\\Trapezoid/]', 'Trapezoid'],
      ['T7>Flag]', 'Flag'],
      ['T7 [Spaced]', 'Spaced'],
      ['T7["Say #quot;hi#quot; #38; go"]', 'Say "hi" & go'],
      ['T7["`A **markdown** string`"]', 'A **markdown** string'],
      ['T7["Two<br/>lines"]', 'Two lines'],
      ['T7[Docs]:::todo --> T1', 'Docs'],
      ['T7:::todo --> T1', undefined],
      ['T1 --> T7', undefined],
      ['T7@{ shape: rect, label: "New syntax" }', 'New syntax'],
      ['T7["Task 7: Filtering"]', 'Filtering'],
      ['T7["Task 007 - Filtering"]', 'Filtering'],
      ['T7[T7]', undefined],
      ['T7[T7 docs]', 'T7 docs'],
    ];
    for (const [line, expected] of cases) assert.equal(label([`    ${line}`]), expected, line);
  });

  test('a node named inside another label, an edge text, a comment or a directive is not read', () => {
    assert.equal(label(['    T1[Needs T7(first)] --> T2']), undefined);
    assert.equal(label(['    T1 -->|T7(x)| T2']), undefined);
    assert.equal(label(['    %% T7[Commented]']), undefined);
    assert.equal(label(['    click T7 "https://example.com" "T7(tip)"', '    style T7 fill:#f9f', '    class T7 todo']), undefined);
    assert.equal(label(['    T1[One] --> T7[Seven]; T7 --> T2(Two)']), 'Seven');
  });

  test('a later label replaces an earlier one, as mermaid draws the node', () => {
    assert.equal(label(['    T7[First] --> T1', '    T2 --> T7[Second]']), 'Second');
    assert.equal(label(['    T7[Only] --> T1', '    T2 --> T7']), 'Only');
  });
});

describe('generated epics', () => {
  const forms = [(n: number, title: string) => `- [ ] **Task ${n}:** ${title}`, (n: number, title: string) => `* [ ] **T${n}:** ${title}`, (n: number, title: string) => `- [ ] Task ${n}: ${title}`];
  const labels = ['Write the docs', '"Ship it (v2)"', 'Task NN: Review', '`Deploy`'];

  test('after the fix, the epic reports what it did before, less the node; the task reads back with its title', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          numbers: fc.uniqueArray(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 6 }),
          node: fc.integer({ min: 1, max: 10 }),
          form: fc.integer({ min: 0, max: forms.length - 1 }),
          loose: fc.boolean(),
          grouped: fc.boolean(),
          details: fc.boolean(),
          label: fc.option(fc.integer({ min: 0, max: labels.length - 1 }), { nil: undefined }),
          into: fc.boolean(),
          crlf: fc.boolean(),
        }),
        async ({ numbers, node, form, loose, grouped, details, label, into, crlf }) => {
          fc.pre(!numbers.includes(node));
          const sorted = [...numbers].sort((a, b) => a - b);
          const lines = ['# Epic 001: Search', '', '**Status:** In Progress', '', '## Tasks', ''];
          sorted.forEach((n, i) => {
            if (grouped && i % 2 === 0) lines.push(...(i > 0 ? [''] : []), `### Group ${i / 2 + 1}`);
            else if (loose && i > 0) lines.push('');
            lines.push(forms[form](n, `Task number ${n}`));
            if (details) lines.push('  - **Estimate:** 2 hours', '  - Some notes');
          });
          const written = label === undefined ? '' : `[${labels[label].replace('NN', String(node))}]`;
          const chain = sorted.slice(1).map((n, i) => `    T${sorted[i]} --> T${n}`);
          const edge = into ? `    T${sorted[0]} --> T${node}${written}` : `    T${node}${written} --> T${sorted.at(-1)}`;
          lines.push('', '```mermaid', 'graph TD', ...chain, edge, '```', '');
          const text = crlf ? toCrlf(lines.join('\n')) : lines.join('\n');
          const { ws, fix } = await onlyAddFix({ [SINGLE]: text });
          const after = applied(ws.files, fix.change);
          const again = await workspaceOf(after);
          assert.deepEqual(reported(again), reported(ws).filter((r) => !r.includes('mermaid-unknown-node')));
          const added = again.index.allEpics[0].tasks.find((t) => t.id === `T${node}`);
          const expected = label === undefined ? `T${node}` : ['Write the docs', 'Ship it (v2)', 'Review', 'Deploy'][label];
          assert.equal(added?.title, expected);
          assert.equal(added?.state, 'open');
          assert.deepEqual(again.index.allEpics[0].tasks.map((t) => t.id).filter((id) => id !== `T${node}`), sorted.map((n) => `T${n}`));
          if (crlf) assert.ok(!/[^\r]\n/.test(after.get(SINGLE)!), 'CRLF kept');
          assert.deepEqual(addFixes(again, unknownNodes(ws)[0]), []);
        },
      ),
      { numRuns: 150 },
    );
  });

  test('directory epics: the new file and its checklist line read back, and nothing else is reported', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          numbers: fc.uniqueArray(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 5 }),
          node: fc.integer({ min: 1, max: 10 }),
          padded: fc.boolean(),
          listed: fc.boolean(),
          progress: fc.boolean(),
          crlf: fc.boolean(),
        }),
        async ({ numbers, node, padded, listed, progress, crlf }) => {
          fc.pre(!numbers.includes(node));
          const sorted = [...numbers].sort((a, b) => a - b);
          const name = (n: number) => (padded ? String(n).padStart(3, '0') : String(n));
          const eol = (t: string) => (crlf ? toCrlf(t) : t);
          const files: Record<string, string> = {};
          for (const n of sorted) files[`${DIR}/${name(n)}.md`] = eol(`---\nname: Task ${n}\nstatus: open\ndepends_on: []\n---\n\n# Task: Task ${n}\n`);
          const md = ['---', 'name: shop', 'status: in-progress', ...(progress ? ['progress: 0%'] : []), '---', '', '# Epic: shop', ''];
          if (listed) md.push('## Tasks Created', ...sorted.map((n) => `- [ ] ${name(n)}.md - Task ${n}`), '');
          md.push('```mermaid', 'graph TD', `    ${name(sorted[0])} --> ${name(node)}[New one]`, '```', '');
          files[`${DIR}/epic.md`] = eol(md.join('\n'));
          const { ws, fix } = await onlyAddFix(files);
          const expectedName = padded ? String(node).padStart(3, '0') : String(node);
          assert.deepEqual(fix.change.creates.map((c) => c.path), [`${DIR}/${expectedName}.md`]);
          const again = await workspaceOf(applied(ws.files, fix.change));
          assert.deepEqual(reported(again), reported(ws).filter((r) => !r.includes('mermaid-unknown-node')));
          assert.equal(again.index.allEpics[0].tasks.find((t) => t.id === expectedName)?.title, 'New one');
          if (listed) assert.deepEqual(again.index.allEpics[0].checklist.map((c) => c.taskId), [...sorted.map(name), expectedName].sort((a, b) => Number(a) - Number(b)));
          if (crlf) assert.ok(!/[^\r]\n/.test(fix.change.creates[0].text), 'CRLF kept');
        },
      ),
      { numRuns: 100 },
    );
  });
});
