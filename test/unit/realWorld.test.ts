/**
 * What the command-line tools leave behind in real repositories, and statuses that
 * contradict their tasks: a synced epic whose dependencies still use the numbers from
 * before the sync (test/fixtures/synced), empty task files, work recorded only under
 * `updates/`, estimates in every form, and epics and PRDs marked done while their tasks
 * are open (test/fixtures/contradictions).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeEpic, nextTask, readyTasks } from '../../src/core/analysis';
import { applyChange, setTaskStateChange } from '../../src/core/edits';
import { readEstimate } from '../../src/core/estimate';
import { assembleDirectoryEpic, parseEpicFile, parseMappingFile, parseTaskFile } from '../../src/core/parse/directoryParser';
import { parseSingleFileEpic } from '../../src/core/parse/singleFileEpicParser';
import { PlanIndex } from '../../src/core/planIndex';
import { fixturesDir, indexOf, MemoryFileSystem } from './helpers';

const synced = join(fixturesDir, 'synced');
const contradictions = join(fixturesDir, 'contradictions');

describe('a synced epic whose references kept the old numbers', () => {
  test('each pre-sync number resolves to the task it meant, never to the file that now has that number', async () => {
    const index = await indexOf(synced);
    const epic = index.epic('payments')!;
    assert.deepEqual(epic.tasks.map((t) => [t.id, t.dependsOn.join(',')]), [
      ['2', ''],
      // [001, 003]: 003 is 4.md now; read naively, 003 would be 3.md itself.
      ['3', '2,4'],
      // ["001"], quoted.
      ['4', '2'],
      // [002] is 3.md; the file named 2.md is done, which would make this task ready.
      ['5', '3'],
      // [004] is 5.md, known only from github-mapping.md's order; 4.md is done.
      ['6', '5'],
      ['7', ''],
    ]);
    assert.deepEqual(epic.renumbered, { 1: '2', 2: '3', 3: '4', 4: '5', 5: '6' });
    assert.deepEqual(epic.tasks.find((t) => t.id === '3')!.conflictsWith, ['5']);
    const codes = index.diagnostics().map((d) => `${d.path.split('/').pop()}:${d.range.line + 1} ${d.severity} ${d.code}`);
    assert.deepEqual(codes, [
      '3.md:7 info dependency-renamed',
      '3.md:7 info dependency-renamed',
      '4.md:2 warning frontmatter-malformed',
      '4.md:7 info dependency-renamed',
      '4.md:10 warning frontmatter-malformed',
      '5.md:8 info dependency-renamed',
      '6.md:7 info dependency-renamed',
      '7.md:1 warning frontmatter-missing',
      // `progress: 40%` counts the five listed tasks; 7.md, added by hand, makes 2 of 6 (33%).
      'epic.md:6 info progress-stale',
      'epic.md:11 info checklist-missing-task',
    ]);
    assert.ok(!codes.some((c) => /dependency-(self|dangling|cycle)/.test(c)));
    const renamed = index.diagnostics().filter((d) => d.code === 'dependency-renamed').map((d) => d.message);
    assert.equal(renamed[1], '003 is a task number from before the sync renamed the task files; it is task 4 now (from the "Task 003" heading of 4.md). Writing 4 says so directly.');
    assert.equal(renamed[4], '004 is a task number from before the sync renamed the task files; it is task 5 now (from github-mapping.md). Writing 5 says so directly.');
  });

  test('the schedule follows: the ready task is the one whose dependencies are really done', async () => {
    const index = await indexOf(synced);
    const analysis = index.analysis(index.epic('payments')!);
    assert.deepEqual([...analysis.tasks.values()].map((t) => `${t.task.id}:${t.display}`), ['2:done', '3:ready', '4:done', '5:blocked', '6:in-progress', '7:blocked']);
    const next = nextTask(index.allAnalyses())!;
    assert.equal(next.task.task.id, '3');
    assert.deepEqual(analysis.tasks.get('7')!.blockers, [{ taskId: '7', reason: 'incomplete' }]);
  });

  test('a checklist still in the old numbers, and no mapping or headings, also resolve by the checklist order once synced', () => {
    const task = (name: string, deps: string) => `---\nname: ${name}\nstatus: open\ndepends_on: [${deps}]\n---\n`;
    const epicFile = parseEpicFile('.claude/epics/e/epic.md', '---\nname: e\n---\n# Epic: e\n\n## Tasks Created\n- [ ] #10 - A\n- [ ] #11 - B\n- [ ] #12 - C\n');
    const files = [parseTaskFile('.claude/epics/e/10.md', task('A', '')), parseTaskFile('.claude/epics/e/11.md', task('B', '001')), parseTaskFile('.claude/epics/e/12.md', task('C', '002, 11'))];
    const { epic, diagnostics } = assembleDirectoryEpic('.claude/epics/e', epicFile, files);
    assert.deepEqual(epic.tasks.map((t) => t.dependsOn), [[], ['10'], ['11']]);
    assert.deepEqual(diagnostics.map((d) => d.code), ['dependency-renamed', 'dependency-renamed']);
    assert.match(diagnostics[0].message, /from the order of the epic's task checklist/);
  });

  test('an epic never synced reads its numbers as they are, with no renumbering', () => {
    const files = [parseTaskFile('.claude/epics/e/001.md', '---\nname: A\nstatus: open\n---\n'), parseTaskFile('.claude/epics/e/002.md', '---\nname: B\nstatus: open\ndepends_on: [1]\n---\n')];
    const epicFile = parseEpicFile('.claude/epics/e/epic.md', '---\nname: e\n---\n# Epic: e\n\n## Tasks Created\n- [ ] 001.md - A\n- [ ] 002.md - B\n');
    const { epic, diagnostics } = assembleDirectoryEpic('.claude/epics/e', epicFile, files);
    assert.equal(epic.renumbered, undefined);
    assert.deepEqual(epic.tasks[1].dependsOn, ['001']);
    assert.deepEqual(diagnostics, []);
  });

  test('reopening a task whose file repeats `updated:` edits the status and the `updated:` that counts, nothing else', async () => {
    const index = await indexOf(synced);
    const epic = index.epic('payments')!;
    const files = new Map<string, string>();
    const read = (path: string) => {
      if (!files.has(path)) files.set(path, readFileSync(join(synced, path), 'utf8'));
      return files.get(path)!;
    };
    const before = read('.claude/epics/payments/4.md').split('\n');
    const beforeEpic = read('.claude/epics/payments/epic.md').split('\n');
    applyChange(files, setTaskStateChange(epic, '4', 'open', read, '2026-04-01T00:00:00Z'));
    const after = files.get('.claude/epics/payments/4.md')!.split('\n');
    const changed = after.map((line, i) => (line === before[i] ? undefined : `${i + 1}: ${line}`)).filter(Boolean);
    assert.deepEqual(changed, ['3: status: open', '10: updated: 2026-04-01T00:00:00Z']);
    // The checklist line `#4` is unticked, and the epic's progress follows.
    const epicAfter = files.get('.claude/epics/payments/epic.md')!.split('\n');
    const epicChanged = epicAfter.map((line, i) => (line === beforeEpic[i] ? undefined : `${i + 1}: ${line}`)).filter(Boolean);
    assert.deepEqual(epicChanged, ['6: progress: 17%', '20: - [ ] #4 - Data layer: models, storage (parallel: true)']);
  });

  test('github-mapping.md lines, with and without the old number', () => {
    const mapping = parseMappingFile('m.md', '# GitHub Issue Mapping\n\nEpic: #1 - https://x/1\n\nTasks:\n- #2: A - https://x/2\n- 002.md → #3\n- [x] #4: C\n* 004 -> 5\n');
    assert.deepEqual(mapping.entries, [{ issue: 2 }, { issue: 3, old: 2 }, { issue: 4 }, { issue: 5, old: 4 }]);
  });

  test('a dependency message quotes the reference as written', async () => {
    const index = new PlanIndex(new MemoryFileSystem({
      '.claude/epics/e/001.md': '---\nname: A\nstatus: open\ndepends_on: [009, "077", "#12"]\n---\n',
    }));
    await index.build();
    const messages = index.diagnostics().filter((d) => d.code === 'dependency-dangling').map((d) => d.message);
    assert.deepEqual(messages, [
      'Task 001 depends on 009, which is not a task of epic e. It stays blocked until the reference is fixed.',
      'Task 001 depends on 077, which is not a task of epic e. It stays blocked until the reference is fixed.',
      'Task 001 depends on #12, which is not a task of epic e. It stays blocked until the reference is fixed.',
    ]);
  });

  test('issue numbers, #-numbers and issue URLs in depends_on resolve like file numbers', () => {
    const files = [
      parseTaskFile('.claude/epics/e/1235.md', '---\nname: A\nstatus: closed\n---\n'),
      parseTaskFile('.claude/epics/e/002.md', '---\nname: B\nstatus: closed\ngithub: https://github.com/o/r/issues/1236\n---\n'),
      parseTaskFile('.claude/epics/e/1237.md', '---\nname: C\nstatus: open\ndepends_on: ["#1235", https://github.com/o/r/issues/1236]\n---\n'),
    ];
    const { epic } = assembleDirectoryEpic('.claude/epics/e', undefined, files);
    assert.deepEqual(epic.tasks.find((t) => t.id === '1237')!.dependsOn, ['1235', '002']);
  });
});

describe('task files the tools leave half-written', () => {
  test('an empty file and a file without frontmatter are reported on the file and never ready', () => {
    for (const [name, text, reason] of [['7.md', '', /is empty/], ['8.md', '# Task 8: notes\n\nSome notes.\n', /no frontmatter/]] as const) {
      const file = parseTaskFile(`.claude/epics/e/${name}`, text);
      assert.equal(file.incomplete, text === '' ? 'empty' : 'no-frontmatter');
      assert.equal(file.diagnostics.length, 1);
      assert.match(file.diagnostics[0].message, reason);
      const analysis = analyzeEpic(assembleDirectoryEpic('.claude/epics/e', undefined, [file]).epic);
      assert.deepEqual(analysis.ready, []);
      assert.equal(analysis.tasks.get(file.id)!.display, 'blocked');
    }
  });

  test('work recorded only under updates/<N>/ counts as in progress, unless the task file says done or blocked', async () => {
    const stream = '---\nissue: 5\nstream: API\nstatus: in_progress\n---\n';
    const fs = new MemoryFileSystem({
      '.claude/epics/e/epic.md': '---\nname: e\nstatus: in-progress\n---\n# Epic: e\n',
      '.claude/epics/e/5.md': '---\nname: A\nstatus: open\n---\n',
      '.claude/epics/e/6.md': '---\nname: B\nstatus: closed\n---\n',
      '.claude/epics/e/7.md': '---\nname: C\nstatus: blocked\n---\n',
      '.claude/epics/e/8.md': '---\nname: D\nstatus: open\n---\n',
      '.claude/epics/e/updates/5/stream-A.md': stream,
      '.claude/epics/e/updates/6/progress.md': stream,
      '.claude/epics/e/updates/7/progress.md': stream,
    });
    const index = new PlanIndex(fs);
    await index.build();
    assert.deepEqual(index.epic('e')!.tasks.map((t) => `${t.id}:${t.state}:${t.startedIn ?? '-'}`), [
      '5:in-progress:.claude/epics/e/updates/5/stream-A.md',
      '6:done:-',
      '7:open:-',
      '8:open:-',
    ]);
    // A stream started later is picked up by an update of that file alone.
    fs.files.set('.claude/epics/e/updates/8/stream-B.md', stream);
    const change = await index.update(['.claude/epics/e/updates/8/stream-B.md']);
    assert.deepEqual(change.epics, ['e']);
    assert.equal(index.epic('e')!.tasks[3].state, 'in-progress');
  });

  test('title: is the task title when present, name: otherwise', () => {
    assert.equal(parseTaskFile('e/1.md', '---\nname: short-name\ntitle: The real title\n---\n').title, 'The real title');
    assert.equal(parseTaskFile('e/1.md', '---\nname: The name\n---\n').title, 'The name');
    assert.equal(parseTaskFile('e/1.md', '---\nstatus: open\n---\n# Task 004: From the heading\n').title, 'From the heading');
    assert.equal(parseTaskFile('e/1.md', '---\nstatus: open\n---\n# Task 004: From the heading\n').headingNumber, '004');
  });
});

describe('estimates as they are written', () => {
  test('hours, days, weeks, ranges by their upper bound, bare numbers and sizes', () => {
    const cases: Array<[string, number | undefined]> = [
      ['2 hours', 2], ['3h', 3], ['1.5 days', 12], ['30m', 0.5], ['1 week', 40], ['6', 6],
      ['2-3', 3], ['2-3 days', 24], ['2 – 4 hours', 4], ['1 to 2 weeks', 80],
      ['XS', 2], ['S', 4], ['M', 8], ['L', 24], ['XL', 40], ['medium', 8], ['L (3-5 days)', 40], ['M (4h)', 4],
      ['TBD', undefined], ['soon', undefined],
    ];
    for (const [text, hours] of cases) assert.equal(readEstimate(text), hours, text);
  });

  test('each place a task file keeps its estimate, and which one was read', () => {
    const file = (fm: string, body = '') => parseTaskFile('e/1.md', `---\nname: t\nstatus: open\n${fm}---\n\n# Task: t\n${body}`);
    const cases: Array<[ReturnType<typeof file>, string | undefined, string | undefined]> = [
      [file('estimate: 3 hours\n'), '3 hours', undefined],
      [file('estimated_hours: 6\n'), '6', 'estimated_hours'],
      [file('hours: 2-3\n'), '2-3', 'hours'],
      [file('effort: L (3-5 days)\n'), 'L (3-5 days)', 'effort'],
      [file('size: M\n'), 'M', 'size'],
      [file('', '\n## Effort Estimate\n- Size: M\n- Hours: 2-3\n'), '2-3', 'Hours'],
      [file('', '\n- **Estimate:** 2-3 days\n'), '2-3 days', 'Estimate'],
      [file('', '\n## Effort Estimate\n- Size: XL\n'), 'XL', 'Size'],
      // A template's placeholders are not estimates.
      [file('', '\n## Effort Estimate\n- Size: XS/S/M/L/XL\n- Hours: estimated hours\n'), undefined, undefined],
    ];
    for (const [parsed, estimate, from] of cases) assert.deepEqual([parsed.estimate, parsed.estimateFrom], [estimate, from]);
  });

  test('the reason says which estimate was read and what it counts for', async () => {
    const index = await indexOf(synced);
    const analysis = index.analysis(index.epic('payments')!);
    const { explainChoice } = await import('../../src/core/analysis');
    assert.match(explainChoice(analysis.tasks.get('3')!, analysis), /; no estimate, counted as 1h;/);
    const single = parseSingleFileEpic('epics/epic-001-x.md', '# Epic: x\n\n- [ ] **Task 1:** A\n  - **Estimate:** 2-3 days\n').epic;
    const a = analyzeEpic(single);
    assert.match(explainChoice(a.ready[0], a), /; estimate 2-3 days, counted as 24h;/);
    const sized = analyzeEpic(assembleDirectoryEpic('e', undefined, [parseTaskFile('e/1.md', '---\nname: t\nstatus: open\neffort: L (3-5 days)\n---\n')]).epic);
    assert.match(explainChoice(sized.ready[0], sized), /; estimate L \(3-5 days\) \(effort\), counted as 40h;/);
  });
});

describe('statuses that contradict their tasks', () => {
  test('done while tasks are open, or not started while half are done: a warning on the status line', async () => {
    const index = await indexOf(contradictions);
    const found = index.diagnostics().filter((d) => d.code === 'status-contradicts-tasks').map((d) => `${d.path}:${d.range.line + 1}:${d.range.column + 1} ${d.severity}`);
    assert.deepEqual(found, [
      '.claude/epics/shipped/epic.md:3:9 warning',
      '.claude/prds/shipped.md:3:9 warning',
      'epics/epic-001-search.md:4:13 warning',
      'epics/epic-002-done.md:3:13 info',
      'prds/prd-001-search.md:3:13 warning',
    ]);
    // A cancelled epic with open work contradicts nothing.
    assert.ok(!index.diagnostics().some((d) => d.path.includes('dropped')));
    const shipped = index.analysis(index.epic('shipped')!);
    assert.deepEqual([shipped.epic.state, shipped.tasksState], ['done', 'in-progress']);
  });

  test('next recommends no task from an epic marked done while other epics have ready work', async () => {
    const index = await indexOf(contradictions);
    const ready = readyTasks(index.allAnalyses()).map((r) => `${r.epic.id}/${r.task.task.id}`);
    // Critical priority would put shipped/002 and dropped/001 first; their epics are closed.
    assert.deepEqual(ready, ['epic-001-search/T3', 'epic-001-search/T4', 'live/001', 'shipped/002', 'dropped/001']);
    assert.equal(nextTask(index.allAnalyses())!.task.task.id, 'T3');
  });

  test('when only a closed epic has ready work, its task is offered and the reason says why', async () => {
    const index = await indexOf(contradictions, ['.claude/epics']);
    const only = index.allAnalyses().filter((a) => a.epic.id === 'shipped');
    const next = nextTask(only)!;
    assert.equal(next.task.task.id, '002');
    assert.match(next.reason, /Its epic is marked completed though this task is open, so it comes after the ready tasks of open epics\. No open epic has a ready task\.$/);
  });
});

describe('synced epics that once misled the renumbering', () => {
  const task = (name: string, deps = '', extra = '') => `---\nname: ${name}\nstatus: open\ndepends_on: [${deps}]\n${extra}---\n`;
  const epicOf = (files: Record<string, string>, extras: { mapping?: string; checklist?: string[]; github?: string } = {}) => {
    const parsed = Object.entries(files).map(([name, text]) => parseTaskFile(`.claude/epics/e/${name}`, text));
    const epicFile = parseEpicFile(
      '.claude/epics/e/epic.md',
      `---\nname: e\n${extras.github ? `github: ${extras.github}\n` : ''}---\n# Epic: e\n\n## Tasks Created\n${(extras.checklist ?? []).map((c) => `- [ ] ${c}`).join('\n')}\n`,
    );
    return assembleDirectoryEpic('.claude/epics/e', epicFile, parsed, { mapping: extras.mapping === undefined ? undefined : parseMappingFile('.claude/epics/e/github-mapping.md', extras.mapping) });
  };

  test('a mapping missing a line is not read by position; the whole checklist is, and nothing depends on itself', () => {
    const { epic } = epicOf(
      { '4.md': task('A'), '5.md': task('B', '001'), '6.md': task('C', '002') },
      { mapping: '- #4: A - u\n- #6: C - u\n', checklist: ['#4 - A', '#5 - B', '#6 - C'] },
    );
    assert.deepEqual(epic.tasks.map((t) => t.dependsOn), [[], ['4'], ['5']]);
  });

  test('an epic never synced, whose checklist says `Task N` in another order, is not renumbered', () => {
    const { epic, diagnostics } = epicOf({ '1.md': task('A'), '2.md': task('B', '01'), '3.md': task('C', '002') }, { checklist: ['Task 2: B', 'Task 1: A', 'Task 3: C'] });
    assert.equal(epic.renumbered, undefined);
    assert.deepEqual(epic.tasks.map((t) => t.dependsOn), [[], ['1'], ['2']]);
    assert.deepEqual(diagnostics, []);
  });

  test("the epic's own issue in github-mapping.md is not a task's", () => {
    const { epic } = epicOf({ '4.md': task('A'), '5.md': task('B', '001'), '6.md': task('C', '002') }, { mapping: '- #1: Epic: e - u\n- #4: A - u\n- #5: B - u\n- #6: C - u\n', github: 'https://github.com/o/r/issues/1' });
    assert.deepEqual(epic.renumbered, { 1: '4', 2: '5', 3: '6' });
    assert.deepEqual(epic.tasks.map((t) => t.dependsOn), [[], ['4'], ['5']]);
  });

  test('a checklist whose issue numbers are not in rising order is not read by position', () => {
    const { epic } = epicOf({ '4.md': task('A'), '5.md': task('B', '001'), '6.md': task('C') }, { checklist: ['#6 - C', '#4 - A', '#5 - B'] });
    assert.equal(epic.renumbered, undefined);
    // `001` names no task then, and says so, rather than a confident wrong edge.
    assert.deepEqual(epic.tasks[1].dependsOn, ['001']);
  });

  test('a task file whose frontmatter is never closed is reported and never scheduled', () => {
    const file = parseTaskFile('.claude/epics/e/001.md', '---\nname: A\nstatus: closed\n\n# Task 001: A\n');
    assert.equal(file.incomplete, 'unclosed-frontmatter');
    const analysis = analyzeEpic(assembleDirectoryEpic('.claude/epics/e', undefined, [file]).epic);
    assert.deepEqual(analysis.ready, []);
    assert.deepEqual(analysis.tasks.get('001')!.blockers, [{ taskId: '001', reason: 'incomplete' }]);
  });

  test('updates/<N>/ belongs to the file numbered N before a task linked to issue N', async () => {
    const index = new PlanIndex(new MemoryFileSystem({
      '.claude/epics/e/001.md': '---\nname: A\nstatus: open\ngithub: https://github.com/o/r/issues/3\n---\n',
      '.claude/epics/e/003.md': '---\nname: C\nstatus: open\n---\n',
      '.claude/epics/e/updates/3/progress.md': '---\nissue: 3\nstatus: in_progress\n---\n',
    }));
    await index.build();
    assert.deepEqual(index.epic('e')!.tasks.map((t) => `${t.id}:${t.state}`), ['001:open', '003:in-progress']);
  });
});

describe('estimates that once misled the reader', () => {
  test('decimal commas, thousands, parts in several units, and parentheses beside a duration', () => {
    const cases: Array<[string, number | undefined]> = [
      ['1,5 days', 12], ['1,000 hours', 1000], ['4h (was 2h)', 4], ['2d 4h', 20], ['1 day 4 hours', 12], ['2h30m', 2.5], ['XS/S/M/L/XL', 2],
    ];
    for (const [text, hours] of cases) assert.equal(readEstimate(text), hours, text);
  });

  test("a template's list of sizes in the frontmatter does not hide the body's hours; a paragraph's estimate line is read", () => {
    const placeholder = parseTaskFile('e/1.md', '---\nname: t\nsize: XS/S/M/L/XL\n---\n\n## Effort Estimate\n- Hours: 6\n');
    assert.deepEqual([placeholder.estimate, placeholder.estimateFrom], ['6', 'Hours']);
    const paragraph = parseTaskFile('e/1.md', '---\nname: t\n---\n\n**Estimate:** 2-3 days\n**Agent:** backend\n');
    assert.deepEqual([paragraph.estimate, paragraph.estimateFrom], ['2-3 days', 'Estimate']);
  });
});
