import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePrd } from '../../src/core/parse/prdParser';
import { parseSingleFileEpic } from '../../src/core/parse/singleFileEpicParser';
import { parseEpicFile, parseTaskFile } from '../../src/core/parse/directoryParser';
import { examplesDir, hasSharedExample, indexOf, read, sharedExampleDir, toCrlf } from './helpers';

const EPIC = 'epics/epic-001-link-shortener.md';

describe('single-file layout', () => {
  test('a PRD with bold key lines', () => {
    const { prd, diagnostics } = parsePrd('prds/prd-001-link-shortener.md', read(examplesDir, 'prds/prd-001-link-shortener.md'));
    assert.deepEqual(diagnostics, []);
    assert.equal(prd.id, 'PRD-001');
    assert.equal(prd.title, 'Link Shortener Service');
    assert.equal(prd.status, 'Approved');
    assert.equal(prd.state, 'not-started');
    assert.equal(prd.created, '2026-03-02');
    assert.equal(prd.owner, 'Platform Team');
    assert.deepEqual(
      prd.sections.filter((s) => s.depth === 2).map((s) => [s.heading, s.kind]),
      [
        ['Problem Statement', 'problem'],
        ['Target Users', 'users'],
        ['User Stories', 'stories'],
        ['Success Criteria', 'success'],
        ['Technical Requirements', 'requirements'],
        ['Out of Scope', 'outOfScope'],
      ],
    );
    const stories = prd.sections.find((s) => s.kind === 'stories')!;
    // The section runs from its heading to the line before `## Success Criteria`, sub-sections included.
    assert.equal(stories.range.line, 18);
    assert.equal(stories.range.endLine, 30);
    assert.equal(prd.range.line, 0);
  });

  test('an epic: tasks, states, issues, groups, milestones and dependencies', () => {
    const { epic, diagnostics } = parseSingleFileEpic(EPIC, read(examplesDir, EPIC));
    assert.deepEqual(diagnostics, []);
    assert.equal(epic.id, 'epic-001-link-shortener');
    assert.equal(epic.title, 'Link Shortener Service');
    assert.equal(epic.prd, 'PRD-001');
    assert.equal(epic.status, 'In Progress');
    assert.equal(epic.state, 'in-progress');
    assert.equal(epic.start, '2026-03-09');
    assert.equal(epic.target, '2026-03-20');
    assert.deepEqual(epic.tasks.map((t) => t.id), ['T1', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7', 'T8', 'T9', 'T10']);
    assert.deepEqual(epic.tasks.map((t) => t.state), ['done', 'done', 'in-progress', 'open', 'open', 'open', 'open', 'open', 'open', 'open']);
    const t1 = epic.tasks[0];
    assert.equal(t1.title, 'Scaffold the Fastify service');
    assert.equal(t1.issue, 101);
    assert.equal(t1.estimate, '2 hours');
    assert.equal(t1.agent, 'node-backend-engineer');
    assert.equal(t1.group, 'Foundation');
    assert.deepEqual(t1.range, { line: 15, column: 0, endLine: 15, endColumn: 53 });
    assert.equal(epic.tasks[3].priority, 'high');
    assert.deepEqual(
      epic.groups.map((g) => [g.name, g.taskIds.join(',')]),
      [
        ['Foundation', 'T1,T2'],
        ['Redirects', 'T3,T4'],
        ['Management API', 'T5,T6'],
        ['Analytics', 'T7,T8'],
        ['Release', 'T9,T10'],
      ],
    );
    assert.deepEqual(
      epic.milestones.map((m) => [m.id, m.when, m.taskIds.join(',')]),
      [
        ['M1', 'Day 2', 'T1,T2'],
        ['M2', 'Day 5', 'T3,T4'],
        ['M3', 'Day 8', 'T5,T6,T7,T8'],
        ['M4', 'Day 10', 'T9,T10'],
      ],
    );
    assert.equal(epic.dependencies.filter((d) => d.source === 'mermaid').length, 10);
    assert.equal(epic.dependencies.filter((d) => d.source === 'bullet').length, 1);
    // T5 waits for T3 (bullet) and T6 (mermaid); T10 for T8 and T9.
    assert.deepEqual(epic.tasks[4].dependsOn, ['T3', 'T6']);
    assert.deepEqual(epic.tasks[9].dependsOn, ['T8', 'T9']);
    const edge = epic.dependencies.find((d) => d.source === 'mermaid' && d.from === 'T1' && d.to === 'T2')!;
    assert.equal(read(examplesDir, EPIC).split('\n')[edge.range.line].trim(), 'T1[Task 1: Scaffold] --> T2[Task 2: Storage]');
  });

  test('a CRLF file parses to the same model as its LF twin', () => {
    const lf = parseSingleFileEpic(EPIC, read(examplesDir, EPIC));
    const crlf = parseSingleFileEpic(EPIC, toCrlf(read(examplesDir, EPIC)));
    assert.deepEqual(crlf, lf);
    const prdText = read(examplesDir, 'prds/prd-001-link-shortener.md');
    assert.deepEqual(parsePrd('p.md', toCrlf(prdText)), parsePrd('p.md', prdText));
  });

  test('the reference task-api example: PRD-001, 12 tasks in 6 groups, 4 milestones, 11 edges', { skip: !hasSharedExample && 'the reference example is not checked out beside the repository' }, async () => {
    const index = await indexOf(sharedExampleDir);
    assert.deepEqual(index.prds.map((p) => [p.id, p.title, p.status]), [['PRD-001', 'Task Management API', 'Draft']]);
    assert.equal(index.allEpics.length, 1);
    const epic = index.allEpics[0];
    assert.equal(epic.prd, 'PRD-001');
    assert.equal(epic.tasks.length, 12);
    assert.equal(epic.groups.length, 6);
    assert.equal(epic.milestones.length, 4);
    assert.equal(epic.dependencies.length, 11);
    assert.deepEqual(index.diagnostics(), []);
  });
});

describe('directory layout', () => {
  test('epic.md: frontmatter, title and the Tasks Created checklist', () => {
    const path = '.claude/epics/team-calendar/epic.md';
    const file = parseEpicFile(path, read(examplesDir, path));
    assert.equal(file.id, 'team-calendar');
    assert.equal(file.title, 'team-calendar');
    assert.equal(file.metadata.progress, '33%');
    assert.deepEqual(
      file.checklist.map((c) => [c.ref, c.checked, c.title]),
      [
        ['41', true, 'Events schema and migrations'],
        ['42', true, 'Time-off API'],
        ['43', false, 'On-call rota import'],
        ['44', false, 'Week view'],
        ['45', false, 'Shift swaps'],
        ['46', false, 'Calendar export (ICS)'],
      ],
    );
  });

  test('an unknown epic status is reported on its value', () => {
    const file = parseEpicFile('.claude/epics/x/epic.md', '---\nname: x\nstatus: sideways\n---\n\n# Epic: x\n');
    assert.deepEqual(
      file.diagnostics.map((d) => [d.code, d.severity, d.range]),
      [['status-unknown', 'warning', { line: 2, column: 8, endLine: 2, endColumn: 16 }]],
    );
  });

  test('task files: status synonyms, depends_on in flow and block form, github links', () => {
    const file = parseTaskFile('x/44.md', read(examplesDir, '.claude/epics/team-calendar/44.md'));
    assert.equal(file.id, '44');
    assert.equal(file.title, 'Week view');
    assert.equal(file.state, 'open');
    assert.equal(file.issue, 44);
    assert.deepEqual(file.dependsOn, ['42', '43']);
    assert.deepEqual(file.conflictsWith, ['45']);
    assert.equal(file.estimate, '1 day');
    assert.equal(file.titleLine, 1);
    const block = parseTaskFile('x/45.md', read(examplesDir, '.claude/epics/team-calendar/45.md'));
    assert.deepEqual(block.dependsOn, ['43']);
    for (const [status, state] of [
      ['completed', 'done'], ['done', 'done'], ['complete', 'done'], ['finished', 'done'], ['closed', 'done'],
      ['active', 'in-progress'], ['started', 'in-progress'], ['in progress', 'in-progress'],
      ['draft', 'open'], ['planning', 'open'], ['backlog', 'open'], ['open', 'open'],
    ]) {
      const parsed = parseTaskFile('x/1.md', `---\nname: t\nstatus: ${status}\n---\n`);
      assert.equal(parsed.state, state, status);
      assert.deepEqual(parsed.diagnostics, [], status);
    }
    const synonyms = parseTaskFile('x/2.md', '---\nname: t\ndependencies: [1]\n---\n');
    assert.deepEqual(synonyms.dependsOn, ['1']);
    const blockedBy = parseTaskFile('x/3.md', '---\nname: t\nblocked_by: 1, 2\n---\n');
    assert.deepEqual(blockedBy.dependsOn, ['1', '2']);
  });

  test('the example workspace: both layouts, and the files that are not tasks are skipped', async () => {
    const index = await indexOf(examplesDir);
    assert.deepEqual(index.prds.map((p) => p.id), ['team-calendar', 'PRD-001']);
    assert.deepEqual(index.allEpics.map((e) => [e.id, e.layout, e.tasks.length]), [
      ['team-calendar', 'directory', 6],
      ['epic-001-link-shortener', 'single-file', 10],
    ]);
    assert.deepEqual(
      index.files.filter((f) => f.includes('team-calendar/')),
      ['.claude/epics/team-calendar/41.md', '.claude/epics/team-calendar/42.md', '.claude/epics/team-calendar/43.md',
        '.claude/epics/team-calendar/44.md', '.claude/epics/team-calendar/45.md', '.claude/epics/team-calendar/46.md',
        '.claude/epics/team-calendar/epic.md', '.claude/epics/team-calendar/github-mapping.md',
        '.claude/epics/team-calendar/updates/42/progress.md'],
    );
    const calendar = index.epic('team-calendar')!;
    assert.equal(calendar.prd, '.claude/prds/team-calendar.md');
    assert.equal(calendar.github, 'https://github.com/acme/calendar/issues/40');
    assert.deepEqual(calendar.tasks.map((t) => `${t.id}:${t.state}`), ['41:done', '42:done', '43:in-progress', '44:open', '45:open', '46:open']);
    assert.deepEqual(index.diagnostics(), []);
  });

  test('a PRD whose title comes before its frontmatter', () => {
    const text = '# PRD: Offline mode\n\n---\nname: offline-mode\nstatus: in-progress\ncreated: 2026-05-01\n---\n\n## Problem Statement\n\nNo network on trains.\n';
    const { prd, diagnostics } = parsePrd('.claude/prds/offline-mode.md', text);
    assert.deepEqual(diagnostics, []);
    assert.equal(prd.id, 'offline-mode');
    assert.equal(prd.title, 'Offline mode');
    assert.equal(prd.status, 'in-progress');
    assert.equal(prd.state, 'in-progress');
    assert.equal(prd.created, '2026-05-01');
    assert.deepEqual(prd.sections.map((s) => [s.heading, s.kind, s.range.line]), [['Problem Statement', 'problem', 8]]);
  });
});

describe('mermaid dependency blocks', () => {
  test('chains, shapes, labels, groups, several statements per line; directives skipped', async () => {
    const { parseMermaidEdges } = await import('../../src/core/parse/mermaidEdges');
    const source = [
      'graph TD',
      '  A[Task 1: x] --> B(y) --> C{z}',
      '  %% a comment --> not an edge',
      '  D --> E; E -.-> F',
      '  G -- waits for --> H',
      '  I ==>|label| J & K',
      '  L --- M',
      'classDef done fill:#fff',
      '  N["a;b"] --> O',
      '  subgraph S',
      '  end',
    ].join('\n');
    const edges = parseMermaidEdges(source, 10);
    // `---` links without an arrowhead say nothing about order.
    assert.deepEqual(edges.map((e) => `${e.from}>${e.to}@${e.line}`), ['A>B@11', 'B>C@11', 'D>E@13', 'E>F@13', 'G>H@14', 'I>J@15', 'I>K@15', 'N>O@18']);
    assert.deepEqual([edges[0].column, edges[0].endColumn], [2, 32]);
  });

  test('links written without spaces, classes, quoted labels holding brackets, hexagons and mermaid 11 shapes', async () => {
    const { parseMermaidEdges } = await import('../../src/core/parse/mermaidEdges');
    const lines = [
      'T1-->T7',
      'T1-.->T7',
      'T1==>T7',
      'T7:::done --> T2',
      'T7[Docs]:::done --> T2',
      'T7("Write (the) docs") --> T2',
      'T7["[draft] docs"] --> T2',
      'T7{{Hex}} --> T2',
      'T7((Circle)) --> T2',
      'T7([Stadium]) --> T2',
      'T7@{ shape: rect, label: "Docs" } --> T2',
      'api-gateway --> T2',
      'T1---T7',
    ];
    assert.deepEqual(
      lines.map((line) => parseMermaidEdges(line, 0).map((e) => `${e.from}>${e.to}`).join(' ')),
      ['T1>T7', 'T1>T7', 'T1>T7', 'T7>T2', 'T7>T2', 'T7>T2', 'T7>T2', 'T7>T2', 'T7>T2', 'T7>T2', 'T7>T2', 'api-gateway>T2', ''],
    );
  });
});
