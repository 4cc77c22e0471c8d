import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseSingleFileEpic } from '../../src/core/parse/singleFileEpicParser';
import { buildEpicReport, buildProjectReport } from '../../src/core/report';
import { epicReportMarkdown, escapeMarkdown, projectReportMarkdown } from '../../src/core/reportMarkdown';
import { examplesDir, fixturesDir, indexOf, read } from './helpers';

/** The cells of a GFM table row, split on unescaped pipes. */
function cells(row: string): string[] {
  return row.slice(1, -1).split(/(?<!\\)\|/);
}

describe('epic report as markdown', () => {
  test('the example epic: summary, next, ready, blocked, tables with file links', async () => {
    const index = await indexOf(examplesDir);
    const md = epicReportMarkdown(buildEpicReport(index.epic('epic-001-link-shortener')!, { prds: index.prds }));
    assert.match(md, /^# Link Shortener Service\n\n\*\*2\/10 \(20%\) done\*\* · 1 in progress · 1 ready · 6 blocked · 10 tasks\n/);
    assert.match(md, /PRD: \[PRD-001\]\(prds\/prd-001-link-shortener\.md\)/);
    assert.match(md, /\n## Next\n\n\[T6 Single sign-on for the management API\]\(epics\/epic-001-link-shortener\.md#L43\): Ready: its dependency \(T1\) is done;/);
    assert.match(md, /\n- \[T4 Redirect endpoint with Redis cache\]\(epics\/epic-001-link-shortener\.md#L33\): T3 Link table and slug generator is in progress\n/);
    assert.match(md, /\n\| M1 Service skeleton running \(Tasks 1-2\) \| Day 2 \| 2026-03-10 \| 2\/2 \| 100% \|\n/);
    assert.match(md, /\n## Critical path\n\nT3 → T4 → T7 → T8 → T10\n/);
  });

  test('issues link to their URLs', async () => {
    const index = await indexOf(examplesDir);
    const md = epicReportMarkdown(buildEpicReport(index.epic('team-calendar')!));
    assert.match(md, /Issue: \[#40\]\(https:\/\/github\.com\/acme\/calendar\/issues\/40\)/);
    assert.match(md, /\| \[\\#46 Calendar export \(ICS\)\]\(\.claude\/epics\/team-calendar\/46\.md#L2\) \| ready \| {2}\| {2}\| \[#46\]\(https:\/\/github\.com\/acme\/calendar\/issues\/46\) \| 42 \|/);
  });

  test('pipes, brackets, HTML and line breaks in titles do not break the tables or the links', () => {
    const epic = parseSingleFileEpic(
      'epics/my epic (v2).md',
      '# Epic 1: A | B\n\n## Tasks\n\n### Group | one\n- [ ] **Task 1:** Parse `a|b` and [x](y) <script>\n  - **Estimate:** 1 | 2 days\n',
    ).epic;
    const md = epicReportMarkdown(buildEpicReport(epic), { linkBase: '../' });
    const row = md.split('\n').find((l) => l.startsWith('| [T1'))!;
    assert.equal(cells(row).length, 6, row);
    assert.ok(row.includes('(../epics/my%20epic%20%28v2%29.md#L6)'), row);
    assert.ok(!/<script>/.test(md));
    assert.match(md, /^# A \\\| B\n/);
  });

  test('an epic with no tasks says so', () => {
    const md = epicReportMarkdown(buildEpicReport(parseSingleFileEpic('epics/e.md', '# Epic 1: Empty\n').epic));
    assert.match(md, /\n## Next\n\nThe epic has no tasks\.\n/);
    assert.match(md, /\nThis epic has no tasks yet\.\n/);
  });

  test('escaped text keeps every column of a table, whatever it holds', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        const row = `| ${escapeMarkdown(a)} | ${escapeMarkdown(b)} |`;
        assert.ok(!row.includes('\n'));
        assert.equal(cells(row).length, 2);
      }),
    );
  });
});

describe('project report as markdown', () => {
  test('the examples: PRDs with their epics, deliverables, roadmap', async () => {
    const index = await indexOf(examplesDir);
    const md = projectReportMarkdown(buildProjectReport({ prds: index.prds, epics: index.allEpics }));
    assert.match(md, /^# Project report\n\n\*\*4\/16 \(25%\) done\*\*/);
    assert.match(md, /\n### \[PRD-001: Link Shortener Service\]\(prds\/prd-001-link-shortener\.md\)\n\nStatus: Approved · Owner: Platform Team · 2\/10 \(20%\) done\n/);
    assert.match(md, /\n\| Task \| \[44 Week view\]\(\.claude\/epics\/team-calendar\/44\.md#L2\) \| open \| {2}\| 1 day \(8h\) \|\n/);
    assert.match(md, /\n\| 2026-03-09 \| 2026-03-20 \| Epic \[Link Shortener Service\]\(epics\/epic-001-link-shortener\.md\) \| 20% \|\n/);
  });

  test('ugly: orphan epics, unknown PRDs, specs, what is not scheduled', async () => {
    const dir = join(fixturesDir, 'report', 'ugly');
    const index = await indexOf(dir);
    const md = projectReportMarkdown(buildProjectReport({ prds: index.prds, epics: index.allEpics }, { readText: (p) => { try { return read(dir, p); } catch { return undefined; } } }));
    assert.match(md, /\nNo epics yet\.\n/);
    assert.match(md, /\n- epic-002-empty names PRD "PRD-404", which was not found\.\n/);
    assert.match(md, /\n\| Spec \| \[ranking notes\.md\]\(docs\/ranking%20notes\.md\) \|/);
    assert.match(md, /\n- Milestone M2 Whenever \(Task 2\) \(epic-001-search\): No date is given\.\n/);
  });
});
