import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeEpic } from '../../src/core/analysis';
import { pullRequestFor, pullRequestReadiness } from '../../src/core/devloop/pullRequest';
import type { Epic } from '../../src/core/model';
import { PlanIndex } from '../../src/core/planIndex';
import { prdOfEpic } from '../../src/core/progress';
import { examplesDir, filesOf, hasSharedExample, MemoryFileSystem, sharedExampleDir, toCrlf } from './helpers';

/** The epic at `path` in a workspace of these files, and a reader of them. */
async function planOf(files: Map<string, string> | Record<string, string>, path?: string) {
  const fs = new MemoryFileSystem(files);
  const index = new PlanIndex(fs);
  await index.build();
  const epic = path === undefined ? index.allEpics[0] : index.allEpics.find((e) => e.path === path);
  assert.ok(epic, `an epic at ${path}`);
  const prd = prdOfEpic(epic, index.prds, index.allEpics);
  return { epic, prd, read: (p: string) => fs.files.get(p) };
}

const single = (body: string, header = '# Epic 009: Odd\n\n**Status:** In Progress\n') => ({ 'epics/epic-009-odd.md': `${header}\n${body}` });

/** The same epic with every task done, written as the plan would after Complete Task. */
function allDone(epic: Epic): Epic {
  return { ...epic, tasks: epic.tasks.map((t) => ({ ...t, state: 'done' as const })) };
}

describe('the pull request for an epic', () => {
  test('a single-file epic: its overview, its groups, a checklist, and the issues it closes', async () => {
    const { epic, prd, read } = await planOf(filesOf(examplesDir), 'epics/epic-001-link-shortener.md');
    assert.ok(prd, 'the example names its PRD');
    const pr = pullRequestFor({ epic, read, prd: { title: prd.title } });
    assert.equal(pr.title, 'Link Shortener Service');
    assert.equal(
      pr.body,
      [
        '## Summary',
        '',
        'Build the redirect service, the management API and click analytics, and ship',
        "them behind the company's single sign-on.",
        '',
        'PRD: Link Shortener Service (PRD-001)',
        '',
        '## Changes',
        '',
        '### Foundation',
        '',
        '- Scaffold the Fastify service (#101)',
        '- Provision PostgreSQL and Redis (#102)',
        '',
        '### Redirects',
        '',
        '- Link table and slug generator (#103)',
        '- Redirect endpoint with Redis cache',
        '',
        '### Management API',
        '',
        '- Create, update and disable links',
        '- Single sign-on for the management API',
        '',
        '### Analytics',
        '',
        '- Click events pipeline',
        '- Daily click counts endpoint',
        '',
        '### Release',
        '',
        '- Load test the redirect path',
        '- Runbook and dashboards',
        '',
        '## Tasks',
        '',
        '- [x] T1 Scaffold the Fastify service (#101)',
        '- [x] T2 Provision PostgreSQL and Redis (#102)',
        '- [ ] T3 Link table and slug generator (#103)',
        '- [ ] T4 Redirect endpoint with Redis cache',
        '- [ ] T5 Create, update and disable links',
        '- [ ] T6 Single sign-on for the management API',
        '- [ ] T7 Click events pipeline',
        '- [ ] T8 Daily click counts endpoint',
        '- [ ] T9 Load test the redirect path',
        '- [ ] T10 Runbook and dashboards',
        '',
        // GitHub closes only the issue straight after a keyword: each one has its own.
        // T3 (#103) is in progress: its issue stays open when this is merged.
        'Closes #101, closes #102',
        '',
      ].join('\n'),
    );
    assert.deepEqual(pr.closes, [101, 102]);
    assert.deepEqual(
      pr.pending.map((p) => `${p.task.id} ${p.display}`),
      ['T3 in-progress', 'T4 blocked', 'T5 blocked', 'T6 ready', 'T7 blocked', 'T8 blocked', 'T9 blocked', 'T10 blocked'],
    );
    // Load test the redirect path is a test task, but records no figures.
    assert.ok(!pr.body.includes('## Tests'));
  });

  test('a directory epic: no groups, tasks named after their issues, and the epic\'s issue left open', async () => {
    const { epic, prd, read } = await planOf(filesOf(examplesDir), '.claude/epics/team-calendar/epic.md');
    const pr = pullRequestFor({ epic: allDone(epic), read, prd: { title: prd!.title, url: 'https://github.com/acme/calendar/blob/team-calendar/.claude/prds/team-calendar.md' } });
    assert.equal(pr.title, 'team-calendar');
    assert.equal(
      pr.body,
      [
        '## Summary',
        '',
        'A web view of time off and on-call shifts per team, fed by the paging tool.',
        '',
        'PRD: [Team Calendar](https://github.com/acme/calendar/blob/team-calendar/.claude/prds/team-calendar.md) (.claude/prds/team-calendar.md)',
        '',
        '## Changes',
        '',
        '- Events schema and migrations (#41)',
        '- Time-off API (#42)',
        '- On-call rota import (#43)',
        '- Week view (#44)',
        '- Shift swaps (#45)',
        '- Calendar export (ICS) (#46)',
        '',
        '## Tasks',
        '',
        '- [x] #41 Events schema and migrations',
        '- [x] #42 Time-off API',
        '- [x] #43 On-call rota import',
        '- [x] #44 Week view',
        '- [x] #45 Shift swaps',
        '- [x] #46 Calendar export (ICS)',
        '',
        'Part of #40',
        '',
        'Closes #41, closes #42, closes #43, closes #44, closes #45, closes #46',
        '',
      ].join('\n'),
    );
    assert.deepEqual(pr.closes, [41, 42, 43, 44, 45, 46]);
    assert.deepEqual(pr.pending, []);
  });

  test('CRLF files, with a byte order mark, give the same bytes as LF ones', async () => {
    for (const path of ['epics/epic-001-link-shortener.md', '.claude/epics/team-calendar/epic.md']) {
      const files = filesOf(examplesDir);
      const crlf = new Map([...files].map(([p, text]) => [p, `\uFEFF${toCrlf(text)}`]));
      const lf = await planOf(files, path);
      const other = await planOf(crlf, path);
      const a = pullRequestFor({ epic: lf.epic, read: lf.read });
      const b = pullRequestFor({ epic: other.epic, read: other.read });
      assert.equal(b.body, a.body);
      assert.equal(b.title, a.title);
      assert.ok(!b.body.includes('\r'));
      assert.ok(!b.body.includes('\uFEFF'));
    }
  });

  test('the same input gives the same bytes, whether the analysis is given or worked out', async () => {
    const { epic, read } = await planOf(filesOf(examplesDir), 'epics/epic-001-link-shortener.md');
    const given = pullRequestFor({ epic, read, analysis: analyzeEpic(epic) });
    const computed = pullRequestFor({ epic, read });
    assert.deepEqual(computed, given);
    assert.equal(pullRequestFor({ epic, read }).body, given.body);
  });

  test('an epic with no tasks: its summary, its issue, and nothing to close', async () => {
    const { epic, read } = await planOf(single('## Overview\n\nNothing planned yet.\n', '# Epic 009: Odd\n\n**Status:** Planning\n**GitHub:** https://github.com/acme/shop/issues/7\n'));
    const pr = pullRequestFor({ epic, read });
    assert.equal(pr.body, '## Summary\n\nNothing planned yet.\n\nPart of #7\n');
    assert.deepEqual(pr.closes, []);
    assert.deepEqual(pr.pending, []);
    assert.deepEqual(pullRequestReadiness(epic), { ready: false, pending: [], warning: 'The epic "Odd" has no tasks.' });
  });

  test('an epic with no overview, no tasks and no issue has an empty description', async () => {
    const { epic, read } = await planOf({ '.claude/epics/bare/epic.md': '---\nname: bare\nstatus: backlog\n---\n' });
    assert.deepEqual(pullRequestFor({ epic, read }), { title: 'bare', body: '', closes: [], pending: [] });
  });

  test('an epic file that cannot be read leaves the overview out, not the PRD', async () => {
    const { epic } = await planOf(filesOf(examplesDir), 'epics/epic-001-link-shortener.md');
    const pr = pullRequestFor({ epic, read: () => undefined });
    assert.ok(pr.body.startsWith('## Summary\n\nPRD: PRD-001\n\n## Changes\n\n### Foundation\n'), pr.body.slice(0, 80));
  });

  test('tasks without issues, duplicate issues, and a task that names the epic\'s own issue', async () => {
    const { epic, read } = await planOf(
      single(
        '## Tasks\n\n- [x] **Task 1:** First (#12)\n- [x] **Task 2:** Second\n- [x] **Task 3:** Third (#12)\n- [x] **Task 4:** Fourth (#7)\n- [x] **Task 5:** Fifth (#13)\n',
        '# Epic 009: Odd\n\n**Status:** In Progress\n**GitHub:** #7\n',
      ),
    );
    const pr = pullRequestFor({ epic, read });
    assert.deepEqual(pr.closes, [12, 13]);
    assert.equal(
      pr.body,
      [
        '## Changes',
        '',
        '- First (#12)',
        '- Second',
        '- Third (#12)',
        '- Fourth (#7)',
        '- Fifth (#13)',
        '',
        '## Tasks',
        '',
        '- [x] T1 First (#12)',
        '- [x] T2 Second',
        '- [x] T3 Third (#12)',
        '- [x] T4 Fourth (#7)',
        '- [x] T5 Fifth (#13)',
        '',
        'Part of #7',
        '',
        'Closes #12, closes #13',
        '',
      ].join('\n'),
    );
    const none = await planOf(single('## Tasks\n\n- [x] **Task 1:** First\n'));
    const bare = pullRequestFor({ epic: none.epic, read: none.read });
    assert.deepEqual(bare.closes, []);
    assert.ok(!bare.body.includes('Closes'));
    assert.ok(bare.body.endsWith('- [x] T1 First\n'));
  });

  test('the epic\'s issue as a bare number in frontmatter, and a pull request address, which is no issue', async () => {
    const numbered = await planOf({ '.claude/epics/cal/epic.md': '---\nname: cal\nstatus: in-progress\ngithub: 40\n---\n', '.claude/epics/cal/41.md': '---\nname: Schema\nstatus: closed\ngithub: https://github.com/acme/cal/issues/41\n---\n' });
    assert.equal(pullRequestFor(numbered).body, '## Changes\n\n- Schema (#41)\n\n## Tasks\n\n- [x] #41 Schema\n\nPart of #40\n\nCloses #41\n');
    const pull = await planOf({ '.claude/epics/cal/epic.md': '---\nname: cal\nstatus: in-progress\ngithub: https://github.com/acme/cal/pull/40\n---\n', '.claude/epics/cal/41.md': '---\nname: Schema\nstatus: closed\ngithub: 41\n---\n' });
    assert.ok(!pullRequestFor(pull).body.includes('Part of'));
  });

  test('groups in plan order, tasks under none under Other, and empty groups left out', async () => {
    const { epic, read } = await planOf(
      single('## Tasks\n\n- [x] **Task 1:** Loose first\n\n### Backend\n- [x] **Task 2:** API (#2)\n\n### Empty\n\n### Frontend\n- [x] **Task 3:** Page (#3)\n'),
    );
    const body = pullRequestFor({ epic, read }).body;
    assert.ok(body.includes('## Changes\n\n### Backend\n\n- API (#2)\n\n### Frontend\n\n- Page (#3)\n\n### Other\n\n- Loose first\n\n## Tasks\n\n- [x] T1 Loose first\n'), body);
  });

  test('tasks under no group join a group the plan calls Other', async () => {
    const { epic, read } = await planOf(single('## Tasks\n\n- [x] **Task 1:** Loose\n\n### Other\n- [x] **Task 2:** Misc\n\n### Backend\n- [x] **Task 3:** API\n'));
    const body = pullRequestFor({ epic, read }).body;
    assert.ok(body.startsWith('## Changes\n\n### Other\n\n- Loose\n- Misc\n\n### Backend\n\n- API\n\n## Tasks\n'), body);
    assert.equal(body.match(/### Other/g)?.length, 1);
  });

  test('titles with markdown characters: plain in the title, escaped in the body', async () => {
    const { epic, read } = await planOf(
      single(
        '## Tasks\n\n- [x] **Task 1:** # Not a heading\n- [x] **Task 2:** Render <script> tags | safely\n- [x] **Task 3:** Keep snake_case and `--force`\n',
        '# Epic 009: **Fast** `cache` for [links](https://example.com) | v2\n\n**Status:** In Progress\n',
      ),
    );
    const pr = pullRequestFor({ epic, read });
    assert.equal(pr.title, 'Fast cache for links | v2');
    assert.ok(
      pr.body.includes('- [x] T1 \\# Not a heading\n- [x] T2 Render \\<script\\> tags \\| safely\n- [x] T3 Keep snake\\_case and \\`--force\\`\n'),
      pr.body,
    );
    assert.ok(pr.body.includes('## Changes\n\n- \\# Not a heading\n'), pr.body);
  });

  test('an empty title gives the epic\'s id; an empty task file is said to have no title', async () => {
    const { epic, read } = await planOf({
      '.claude/epics/pay/epic.md': '---\nname: "  "\nstatus: in-progress\n---\n',
      '.claude/epics/pay/2.md': '---\nname: Setup\nstatus: closed\ngithub: 2\n---\n',
      '.claude/epics/pay/7.md': '',
    });
    const pr = pullRequestFor({ epic, read });
    assert.equal(pr.title, 'pay');
    assert.ok(pr.body.includes('- Task 7 (no title)\n'), pr.body);
    assert.ok(pr.body.includes('- [ ] 7 (no title)\n'), pr.body);
  });

  test("the overview's headings go below the body's own, but not a # in a code or mermaid block", async () => {
    const overview = [
      'Intro paragraph.',
      '',
      '# Goals',
      '',
      'Fast redirects.',
      '',
      'Design notes',
      '============',
      '',
      '```mermaid',
      'graph TD',
      '# not a heading',
      '    A --> B',
      '```',
      '',
      '~~~sh',
      '## also not one',
      '~~~',
      '',
      '- a list item',
      '---',
    ].join('\n');
    const { epic, read } = await planOf({ 'epics/epic-009-odd.md': `# Epic 009: Odd\n\n**Status:** In Progress\n\n${overview}\n\n## Tasks\n\n- [x] **Task 1:** One\n` });
    const pr = pullRequestFor({ epic, read });
    const summary = pr.body.slice(0, pr.body.indexOf('\n\n## Changes'));
    assert.equal(
      summary,
      [
        '## Summary',
        '',
        'Intro paragraph.',
        '',
        '### Goals',
        '',
        'Fast redirects.',
        '',
        '### Design notes',
        '',
        '```mermaid',
        'graph TD',
        '# not a heading',
        '    A --> B',
        '```',
        '',
        '~~~sh',
        '## also not one',
        '~~~',
        '',
        '- a list item',
        '---',
      ].join('\n'),
    );
  });

  test('an Overview section with a setext heading: all its headings move down together, none below ######', async () => {
    const { epic, read } = await planOf(single('## Overview\n\nBig picture\nin two lines\n===\n\n#### Detail\n\n##### Deep\n\n## Tasks\n\n- [x] **Task 1:** One\n'));
    const body = pullRequestFor({ epic, read }).body;
    assert.ok(body.startsWith('## Summary\n\n### Big picture in two lines\n\n###### Detail\n\n###### Deep\n\n## Changes\n'), body);
  });

  test('an Overview section whose headings are already below ## is kept as written', async () => {
    const { epic, read } = await planOf(single('## Overview\n\nWhy.\n\n### Scope\n\n- In\n\n## Tasks\n\n- [x] **Task 1:** One\n'));
    assert.ok(pullRequestFor({ epic, read }).body.startsWith('## Summary\n\nWhy.\n\n### Scope\n\n- In\n\n## Changes\n'));
  });
});

describe('the test figures a test task recorded', () => {
  test('single-file layout: the figures under a task of a Testing group, quoted as written', async () => {
    const { epic, read } = await planOf(
      single(
        [
          '## Tasks',
          '',
          '### Build',
          '- [x] **Task 1:** Endpoint (#1)',
          '  - Tests: 3 passed (not a test task, so not quoted)',
          '',
          '### Testing',
          '- [x] **Task 2:** Write the endpoint tests (#2)',
          '  - Test the login flow',
          '  - Coverage > 80% is the target',
          '  - Tests: 212 passed, 0 failed',
          '  - **Coverage:** 87.5%',
          '  - [x] coverage 91 %',
          '  - 212 tests passing',
          '  - [ ] Tests pass in CI',
          '',
          '### Release',
          '- [x] **Task 3:** QA sign-off',
          '  - Unit tests: 40/40 passing',
          '- [x] **Task 4:** Load test',
          '  - p95 under 50 ms',
        ].join('\n'),
      ),
    );
    const body = pullRequestFor({ epic, read }).body;
    const tests = body.slice(body.indexOf('## Tests'), body.indexOf('\n\nCloses'));
    assert.equal(
      tests,
      [
        '## Tests',
        '',
        'From T2 Write the endpoint tests (#2):',
        '',
        '- Tests: 212 passed, 0 failed',
        '- **Coverage:** 87.5%',
        '- coverage 91 %',
        '- 212 tests passing',
        '',
        'From T3 QA sign-off:',
        '',
        '- Unit tests: 40/40 passing',
      ].join('\n'),
    );
    assert.ok(body.indexOf('## Tasks') < body.indexOf('## Tests'));
    assert.ok(body.endsWith('\n\nCloses #1, closes #2\n'));
  });

  test('directory layout: the figures in a test task\'s file, outside its frontmatter', async () => {
    const files = filesOf(examplesDir);
    files.set(
      '.claude/epics/team-calendar/47.md',
      '---\nname: End-to-end tests\nstatus: closed\ngithub: https://github.com/acme/calendar/issues/47\ndepends_on: [44]\n---\n\n# Task: End-to-end tests\n\n## Results\n\n```\n58 passing (4s)\n```\n\nLine coverage: 82,4 %\n',
    );
    const { epic, read } = await planOf(files, '.claude/epics/team-calendar/epic.md');
    const body = pullRequestFor({ epic, read }).body;
    assert.ok(body.includes('\n\n## Tests\n\nFrom #47 End-to-end tests:\n\n- 58 passing (4s)\n- Line coverage: 82,4 %\n\nPart of #40\n'), body);
  });

  test('the reference example: test tasks that list what to test record no figures', { skip: !hasSharedExample && 'the shared example is not checked out' }, async () => {
    const { epic, read } = await planOf(filesOf(sharedExampleDir));
    const body = pullRequestFor({ epic, read }).body;
    assert.ok(body.includes('### Testing\n\n- Write authentication tests\n- Write task endpoint tests\n'), body);
    assert.ok(!body.includes('## Tests'));
    assert.ok(body.includes('### Infrastructure \\& Setup\n'));
  });
});

describe('a description longer than GitHub allows', () => {
  /** A single-file epic of `n` tasks in groups of 50, each with an issue and a long title. */
  function hugeEpic(n: number, overviewLines = 10): Record<string, string> {
    const overview = Array.from({ length: overviewLines }, (_, i) => `Overview line ${i + 1} says why the epic matters, at some length.`).join('\n');
    const tasks: string[] = [];
    for (let i = 1; i <= n; i++) {
      if (i % 50 === 1) tasks.push('', `### Group ${Math.ceil(i / 50)}`);
      tasks.push(`- [x] **Task ${i}:** Task number ${i} with a title long enough to fill a line of the list (#${1000 + i})`);
    }
    return { 'epics/epic-009-odd.md': `# Epic 009: Huge\n\n**Status:** In Progress\n**GitHub:** #999\n\n## Overview\n\n${overview}\n\n## Tasks\n${tasks.join('\n')}\n` };
  }

  test('a huge epic: the changes go first, then the summary, then tasks; the closing line stays whole', async () => {
    const { epic, read } = await planOf(hugeEpic(1500, 400));
    const pr = pullRequestFor({ epic, read });
    assert.ok(pr.body.length <= 65_536, String(pr.body.length));
    assert.ok(pr.body.length > 60_000, 'it fills the room it has');
    assert.equal(pr.closes.length, 1500);
    const closing = `Closes ${pr.closes.map((n) => `#${n}`).join(', closes ')}`;
    const lines = pr.body.trimEnd().split('\n');
    assert.equal(lines.at(-3), closing);
    assert.equal(lines.at(-1), "_Shortened to fit GitHub's limit of 65,536 characters: the changes are left out, the summary is left out and the task list leaves out 989 tasks; the epic's plan files have it all._");
    assert.ok(!pr.body.includes('## Changes'));
    assert.ok(!pr.body.includes('## Summary'));
    assert.ok(pr.body.startsWith('## Tasks\n\n- [x] T1 Task number 1 '));
    const last = '- [x] T511 Task number 511 with a title long enough to fill a line of the list (#1511)';
    assert.ok(pr.body.includes(`\n${last}\n\n_… and 989 more tasks._\n\nPart of #999\n\n`), pr.body.slice(0, 200));
    // One task more would not have fitted.
    assert.ok(pr.body.length + last.length + 1 > 65_536);
  });

  test('only as much is cut as it takes: the changes lose their last tasks, with no heading left empty', async () => {
    const { epic, read } = await planOf(hugeEpic(60));
    const full = pullRequestFor({ epic, read }).body;
    assert.equal(full.length, 11_201);
    const pr = pullRequestFor({ epic, read, maxLength: 10_201 });
    assert.ok(pr.body.length <= 10_201, String(pr.body.length));
    assert.ok(pr.body.startsWith(full.slice(0, full.indexOf('## Changes'))), 'the summary is whole');
    assert.ok(pr.body.endsWith(`${full.slice(full.indexOf('## Tasks')).trimEnd()}\n\n_Shortened to fit GitHub's limit of 10,201 characters: the changes leave out 15 tasks; the epic's plan files have it all._\n`), pr.body.slice(-400));
    const changes = pr.body.slice(pr.body.indexOf('## Changes'), pr.body.indexOf('\n\n## Tasks'));
    assert.ok(changes.endsWith('\n- Task number 45 with a title long enough to fill a line of the list (#1045)\n\n_… and 15 more tasks._'), changes.slice(-200));
    // Where the second group starts, its heading goes with its first task: room for the
    // task but not for both leaves the heading out too.
    const before = pullRequestFor({ epic, read, maxLength: 10_653 }).body;
    assert.ok(before.includes('(#1050)\n\n_… and 10 more tasks._\n\n## Tasks'), before.slice(before.indexOf('(#1049)'), before.indexOf('## Tasks') + 10));
    assert.ok(!before.includes('### Group 2'));
    const after = pullRequestFor({ epic, read, maxLength: 10_654 }).body;
    assert.ok(after.includes('(#1050)\n\n### Group 2\n\n- Task number 51 with a title long enough to fill a line of the list (#1051)\n\n_… and 9 more tasks._\n\n## Tasks'));
  });

  test('a summary cut inside a code block closes the block', async () => {
    const overview = ['Why it matters.', '', '```mermaid', 'graph TD', ...Array.from({ length: 200 }, (_, i) => `    N${i} --> N${i + 1}`), '```'].join('\n');
    const { epic, read } = await planOf(single(`## Overview\n\n${overview}\n\n## Tasks\n\n- [x] **Task 1:** One (#5)\n`));
    const pr = pullRequestFor({ epic, read, maxLength: 1000 });
    assert.ok(pr.body.length <= 1000, String(pr.body.length));
    assert.match(pr.body, /^## Summary\n\nWhy it matters\.\n\n```mermaid\ngraph TD\n( {4}N\d+ --> N\d+\n)+```\n\n…\n\n## Tasks\n\n- \[x\] T1 One \(#5\)\n\nCloses #5\n\n_Shortened to fit GitHub's limit of 1,000 characters: the changes are left out and the summary is cut; the epic's plan files have it all\._\n$/);
  });
  test('a tight limit: the task list is cut after the changes and the summary, then the test figures go, and only then the closing line', async () => {
    const tasks = Array.from({ length: 30 }, (_, i) => `- [x] **Task ${i + 1}:** ${i === 29 ? 'Run the tests' : `Step ${i + 1}`} (#${101 + i})${i === 29 ? '\n  - Tests: 12 passed' : ''}`);
    const { epic, read } = await planOf(single(`## Overview\n\nWhy.\n\n## Tasks\n\n${tasks.join('\n')}\n`, '# Epic 009: Odd\n\n**Status:** In Progress\n**GitHub:** #100\n'));
    const closing = `Closes ${Array.from({ length: 30 }, (_, i) => `#${101 + i}`).join(', closes ')}`;
    const roomy = pullRequestFor({ epic, read, maxLength: 1000 });
    assert.equal(
      roomy.body,
      [
        '## Tasks',
        '',
        ...Array.from({ length: 13 }, (_, i) => `- [x] T${i + 1} Step ${i + 1} (#${101 + i})`),
        '',
        '_… and 17 more tasks._',
        '',
        '## Tests',
        '',
        'From T30 Run the tests (#130):',
        '',
        '- Tests: 12 passed',
        '',
        'Part of #100',
        '',
        closing,
        '',
        "_Shortened to fit GitHub's limit of 1,000 characters: the changes are left out, the summary is left out and the task list leaves out 17 tasks; the epic's plan files have it all._",
        '',
      ].join('\n'),
    );
    assert.equal(roomy.closes.length, 30);
    const tight = pullRequestFor({ epic, read, maxLength: 400 });
    assert.equal(
      tight.body,
      [
        'Part of #100',
        '',
        'Closes #101, closes #102, closes #103, closes #104, closes #105, closes #106, closes #107, closes #108, closes #109, closes #110, closes #111',
        '',
        "_Shortened to fit GitHub's limit of 400 characters: the changes are left out, the summary is left out, the task list is left out, the test figures are left out and the closing line leaves out 19 issues; the epic's plan files have it all._",
        '',
      ].join('\n'),
    );
    // What merging closes is what the body says, not what the plan has.
    assert.deepEqual(tight.closes, Array.from({ length: 11 }, (_, i) => 101 + i));
  });
});

describe('whether an epic is ready for its pull request', () => {
  test('all tasks done', async () => {
    const { epic } = await planOf(filesOf(examplesDir), '.claude/epics/team-calendar/epic.md');
    assert.deepEqual(pullRequestReadiness(allDone(epic)), { ready: true, pending: [] });
  });

  test('the tasks not done are named with their state, five at most', async () => {
    const { epic } = await planOf(filesOf(examplesDir), 'epics/epic-001-link-shortener.md');
    const readiness = pullRequestReadiness(epic, analyzeEpic(epic));
    assert.equal(readiness.ready, false);
    assert.equal(readiness.pending.length, 8);
    assert.equal(readiness.warning, '8 of 10 tasks of "Link Shortener Service" are not done: T3 (in progress), T4 (blocked), T5 (blocked), T6 (ready), T7 (blocked) and 3 more.');
    const calendar = await planOf(filesOf(examplesDir), '.claude/epics/team-calendar/epic.md');
    assert.equal(pullRequestReadiness(calendar.epic).warning, '4 of 6 tasks of "team-calendar" are not done: #43 (in progress), #44 (blocked), #45 (blocked), #46 (ready).');
  });

  test('one task left, and a task whose id another task took first', async () => {
    const { epic } = await planOf(single('## Tasks\n\n- [x] **Task 1:** One\n- [ ] **Task 2:** Two\n'));
    assert.equal(pullRequestReadiness(epic).warning, '1 of 2 tasks of "Odd" is not done: T2 (ready).');
    const dup = await planOf(single('## Tasks\n\n- [x] **Task 1:** One\n- [ ] **Task 1:** Again\n'));
    assert.deepEqual(pullRequestReadiness(dup.epic).pending.map((p) => [p.task.title, p.display]), [['Again', 'blocked']]);
  });
});
