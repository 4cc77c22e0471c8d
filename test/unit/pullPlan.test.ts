// The pull's decisions and edits, on plan texts held in memory: which state a pull
// brings in, and that each edit changes only the lines it means to, in both layouts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { PlanChange } from '../../src/core/edits';
import { applyChange } from '../../src/core/edits';
import type { Epic, TaskState } from '../../src/core/model';
import { PlanIndex } from '../../src/core/planIndex';
import type { DesiredState } from '../../src/core/sync/desired';
import type { ClosedReason, IssueStateView, PlanStateView } from '../../src/core/sync/pullPlan';
import {
  decidePull,
  describeIssueState,
  describePlanState,
  epicPlanState,
  isSyncLabel,
  issueStateView,
  parseClosedReason,
  pullEpicChange,
  pullFieldsChange,
  pullTaskChange,
  removeFrontmatterFieldEdits,
  statesAgree,
  taskPlanState,
} from '../../src/core/sync/pullPlan';
import { MemoryFileSystem, toCrlf } from './helpers';

const NOW = '2026-05-02T09:30:00Z';

const SINGLE = [
  '# Epic 001: Link Shortener',
  '',
  '**Based on:** PRD-001',
  '**Status:** In Progress',
  '**GitHub:** https://github.com/octo-org/planning/issues/20',
  '',
  '## Overview',
  '',
  'Short links.',
  '',
  '## Tasks',
  '',
  '- [x] **Task 1:** Scaffold the service (#11)',
  '  - **Estimate:** 2 hours',
  '',
  '- [-] **Task 2:** Storage (#12)',
  '',
  '- [ ] **Task 3:** Slugs (#13)',
  '  - **Depends on:** Task 2',
  '',
].join('\n');

const EPIC_MD = [
  '---',
  'name: search',
  'status: backlog',
  'progress: 0%',
  'github: https://github.com/octo-org/planning/issues/30',
  '# kept by hand',
  'owner: data-team',
  '---',
  '',
  '# Epic: search',
  '',
  '## Tasks Created',
  '- [ ] 31.md - Index documents',
  '- [ ] 32.md - Query API',
  '',
].join('\n');

function taskFile(name: string, number: number, status = 'open', extra: string[] = []): string {
  return [
    '---',
    `name: ${name}`,
    `status: ${status}`,
    'created: 2026-04-01T08:00:00Z',
    'updated: 2026-04-01T08:00:00Z',
    `github: https://github.com/octo-org/planning/issues/${number}`,
    'depends_on: []',
    'conflicts_with: []   # none',
    ...extra,
    '---',
    '',
    `# Task: ${name}`,
    '',
    'Body text.',
    '',
  ].join('\n');
}

function directoryFiles(eol: '\n' | '\r\n' = '\n'): Map<string, string> {
  const fix = (t: string) => (eol === '\n' ? t : toCrlf(t));
  return new Map([
    ['.claude/epics/search/epic.md', fix(EPIC_MD)],
    ['.claude/epics/search/31.md', fix(taskFile('Index documents', 31))],
    ['.claude/epics/search/32.md', fix(taskFile('Query API', 32))],
  ]);
}

async function epicOf(files: Map<string, string>, id: string): Promise<Epic> {
  const index = new PlanIndex(new MemoryFileSystem(new Map(files)));
  await index.build();
  const epic = index.epic(id);
  assert.ok(epic, `epic ${id} in ${[...files.keys()].join(', ')}`);
  return epic;
}

function reader(files: Map<string, string>) {
  return (path: string) => {
    const text = files.get(path);
    if (text === undefined) throw new Error(`no file ${path}`);
    return text;
  };
}

/** Applies a change computed by `make` to the files, and returns them. */
async function applied(files: Map<string, string>, id: string, make: (epic: Epic, read: (p: string) => string) => PlanChange): Promise<Map<string, string>> {
  const epic = await epicOf(files, id);
  const out = new Map(files);
  applyChange(out, make(epic, reader(files)));
  return out;
}

/** The lines of `after` that differ from `before`, as `-old` / `+new` in file order (a longest-common-subsequence line diff). */
function changedLines(before: string, after: string): string[] {
  const a = before.split('\n');
  const b = after.split('\n');
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) for (let j = b.length - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      i++;
      j++;
    } else if (i < a.length && (j === b.length || lcs[i + 1][j] >= lcs[i][j + 1])) out.push(`-${a[i++]}`);
    else out.push(`+${b[j++]}`);
  }
  return out;
}

const SINGLE_PATH = 'epics/epic-001-link-shortener.md';
const SINGLE_ID = 'epic-001-link-shortener';

describe('pull decisions', () => {
  const open: PlanStateView = { state: 'open' };
  const started: PlanStateView = { state: 'in-progress' };
  const done: PlanStateView = { state: 'done' };
  const dropped: PlanStateView = { state: 'done', reason: 'not planned' };
  const issueOpen: IssueStateView = { state: 'open' };
  const completed: IssueStateView = { state: 'closed' };
  const notPlanned: IssueStateView = { state: 'closed', reason: 'not planned' };

  const cases: Array<[string, PlanStateView, DesiredState, IssueStateView, string]> = [
    ['nothing moved', open, 'open', issueOpen, 'none'],
    ['only the plan moved (the push sends it)', done, 'open', issueOpen, 'none'],
    ['only the plan reopened it', open, 'closed', completed, 'none'],
    ['closed as completed', open, 'open', completed, 'take done'],
    ['closed as completed while in progress', started, 'open', completed, 'take done'],
    ['closed as not planned', open, 'open', notPlanned, 'take done (not planned)'],
    ['reopened', done, 'closed', issueOpen, 'take open'],
    ['reopened after not planned', dropped, 'closed', issueOpen, 'take open'],
    ['both reopened, the plan in progress', started, 'closed', issueOpen, 'agree'],
    ['both closed as completed', done, 'open', completed, 'agree'],
    ['both closed as not planned', dropped, 'open', notPlanned, 'agree'],
    ['done in the plan, not planned on GitHub', done, 'open', notPlanned, 'conflict'],
    ['not planned in the plan, completed on GitHub', dropped, 'open', completed, 'conflict'],
  ];
  for (const [name, plan, recorded, issue, expected] of cases) {
    test(name, () => {
      const decision = decidePull(plan, recorded, issue);
      const got = decision.action === 'take' ? `take ${describePlanState(decision.to)}` : decision.action;
      assert.equal(got, expected);
    });
  }

  test('the conflict says what each side did', () => {
    const decision = decidePull(done, 'open', notPlanned);
    assert.equal(decision.action, 'conflict');
    assert.equal(decision.action === 'conflict' && decision.why, 'marked done in the plan and closed as not planned on GitHub, both since the last sync');
  });

  test('for every combination: the plan is taken over only when it did not move, and then agrees with the issue', () => {
    const plans = fc.constantFrom<PlanStateView>(open, started, done, dropped, { state: 'done', reason: 'duplicate' });
    const issues = fc.constantFrom<IssueStateView>(issueOpen, completed, notPlanned, { state: 'closed', reason: 'duplicate' });
    fc.assert(
      fc.property(plans, fc.constantFrom<DesiredState>('open', 'closed'), issues, (plan, recorded, issue) => {
        const planMoved = (plan.state === 'done' ? 'closed' : 'open') !== recorded;
        const issueMoved = issue.state !== recorded;
        const decision = decidePull(plan, recorded, issue);
        if (!issueMoved) return decision.action === 'none';
        if (!planMoved) return decision.action === 'take' && statesAgree(decision.to, issue) && (plan.state !== 'in-progress' || issue.state === 'closed' || decision.to.state === 'in-progress');
        return decision.action === (statesAgree(plan, issue) ? 'agree' : 'conflict');
      }),
    );
  });

  test('reasons as GitHub and the plan spell them', () => {
    assert.deepEqual(issueStateView('closed', 'not_planned'), { state: 'closed', reason: 'not planned' });
    assert.deepEqual(issueStateView('closed', 'duplicate'), { state: 'closed', reason: 'duplicate' });
    assert.deepEqual(issueStateView('closed', 'completed'), { state: 'closed' });
    assert.deepEqual(issueStateView('closed', null), { state: 'closed' });
    assert.deepEqual(issueStateView('open', 'reopened'), { state: 'open' });
    assert.equal(describeIssueState(notPlanned), 'closed as not planned');
    assert.equal(describeIssueState(completed), 'closed as completed');
    const spellings: Array<[string, ClosedReason | undefined]> = [
      ['not planned', 'not planned'],
      ['not_planned', 'not planned'],
      ['Not-Planned', 'not planned'],
      ["won't do", 'not planned'],
      ['duplicate', 'duplicate'],
      ['completed', undefined],
      ['', undefined],
    ];
    for (const [raw, reason] of spellings) assert.equal(parseClosedReason(raw), reason, raw);
    assert.ok(isSyncLabel('Task') && isSyncLabel('epic') && isSyncLabel('EPIC:search') && !isSyncLabel('bug'));
  });
});

describe('pull edits, single-file layout', () => {
  const files = () => new Map([[SINGLE_PATH, SINGLE]]);

  test('closed as not planned: the checkbox, and one header line naming the task', async () => {
    const after = await applied(files(), SINGLE_ID, (epic, read) => pullTaskChange(epic, 'T3', { state: 'done', reason: 'not planned' }, read, NOW));
    assert.deepEqual(changedLines(SINGLE, after.get(SINGLE_PATH)!), ['+**Not planned:** T3', '-- [ ] **Task 3:** Slugs (#13)', '+- [x] **Task 3:** Slugs (#13)']);
    const text = after.get(SINGLE_PATH)!;
    assert.equal(text, SINGLE.replace('issues/20\n', 'issues/20\n**Not planned:** T3\n').replace('- [ ] **Task 3:**', '- [x] **Task 3:**'));
    const epic = await epicOf(after, SINGLE_ID);
    assert.deepEqual(taskPlanState(epic, 'T3', reader(after)), { state: 'done', reason: 'not planned' });
    assert.deepEqual(taskPlanState(epic, 'T1', reader(after)), { state: 'done' });
    // The task's own text, which is its issue's body, is untouched: only the checkbox moved.
    assert.equal(epic.tasks.find((t) => t.id === 'T3')!.title, 'Slugs');
  });

  test('lists grow and shrink one id at a time; an emptied list takes its line with it', async () => {
    let state = files();
    const step = async (taskId: string, target: PlanStateView) => {
      state = await applied(state, SINGLE_ID, (epic, read) => pullTaskChange(epic, taskId, target, read, NOW));
      return state.get(SINGLE_PATH)!;
    };
    await step('T3', { state: 'done', reason: 'not planned' });
    let text = await step('T2', { state: 'done', reason: 'duplicate' });
    assert.match(text, /issues\/20\n\*\*Not planned:\*\* T3\n\*\*Duplicate:\*\* T2\n\n## Overview/);
    text = await step('T1', { state: 'done', reason: 'not planned' });
    assert.match(text, /\*\*Not planned:\*\* T3, T1\n/);
    // Closed again as duplicate: it moves from one list to the other.
    text = await step('T1', { state: 'done', reason: 'duplicate' });
    assert.match(text, /\*\*Not planned:\*\* T3\n\*\*Duplicate:\*\* T2, T1\n/);
    // The last of its list moving to a list not written yet: the line changes its key.
    text = await step('T3', { state: 'done', reason: 'duplicate' });
    assert.match(text, /issues\/20\n\*\*Duplicate:\*\* T2, T1, T3\n\n## Overview/);
    text = await step('T3', { state: 'done', reason: 'not planned' });
    assert.match(text, /issues\/20\n\*\*Duplicate:\*\* T2, T1\n\*\*Not planned:\*\* T3\n\n## Overview/);
    text = await step('T3', { state: 'open' });
    assert.match(text, /issues\/20\n\*\*Duplicate:\*\* T2, T1\n\n## Overview/);
    assert.match(text, /- \[ \] \*\*Task 3:\*\*/);
    await step('T2', { state: 'in-progress' });
    text = await step('T1', { state: 'done' });
    // Back to the original, but for T2 now being in progress (it was already) and T1 done (it was).
    assert.equal(text, SINGLE);
  });

  test('CRLF files get CRLF lines, and the same edits otherwise', async () => {
    const crlf = new Map([[SINGLE_PATH, toCrlf(SINGLE)]]);
    const lf = await applied(files(), SINGLE_ID, (epic, read) => pullTaskChange(epic, 'T3', { state: 'done', reason: 'not planned' }, read, NOW));
    const cr = await applied(crlf, SINGLE_ID, (epic, read) => pullTaskChange(epic, 'T3', { state: 'done', reason: 'not planned' }, read, NOW));
    assert.equal(cr.get(SINGLE_PATH), toCrlf(lf.get(SINGLE_PATH)!));
    const back = await applied(cr, SINGLE_ID, (epic, read) => pullTaskChange(epic, 'T3', { state: 'open' }, read, NOW));
    assert.equal(back.get(SINGLE_PATH), toCrlf(SINGLE));
  });

  test('an epic file with frontmatter keeps the list there; one without metadata lines gets one under its title', async () => {
    const withFm = ['---', 'status: in-progress', 'github: https://github.com/octo-org/planning/issues/20', '---', '', SINGLE.split('\n').slice(6).join('\n')].join('\n').replace('## Overview', '# Epic 001: Link Shortener\n\n## Overview');
    let after = await applied(new Map([[SINGLE_PATH, withFm]]), SINGLE_ID, (epic, read) => pullTaskChange(epic, 'T3', { state: 'done', reason: 'not planned' }, read, NOW));
    assert.deepEqual(changedLines(withFm, after.get(SINGLE_PATH)!).filter((l) => !/Task 3/.test(l)), ['+not_planned: [T3]']);
    after = await applied(after, SINGLE_ID, (epic, read) => pullTaskChange(epic, 'T3', { state: 'open' }, read, NOW));
    assert.equal(after.get(SINGLE_PATH), withFm);

    const bare = SINGLE.replace(/\*\*Based on:\*\*.*\n\*\*Status:\*\*.*\n\*\*GitHub:\*\*.*\n\n/, '');
    after = await applied(new Map([[SINGLE_PATH, bare]]), SINGLE_ID, (epic, read) => pullTaskChange(epic, 'T3', { state: 'done', reason: 'not planned' }, read, NOW));
    assert.ok(after.get(SINGLE_PATH)!.startsWith('# Epic 001: Link Shortener\n\n**Not planned:** T3\n\n## Overview'));
  });

  test('the epic: its status line, in the case it is written in', async () => {
    const completed = await applied(files(), SINGLE_ID, (epic, read) => pullEpicChange(epic, { state: 'done' }, read));
    assert.deepEqual(changedLines(SINGLE, completed.get(SINGLE_PATH)!), ['-**Status:** In Progress', '+**Status:** Completed']);
    const cancelled = await applied(files(), SINGLE_ID, (epic, read) => pullEpicChange(epic, { state: 'done', reason: 'not planned' }, read));
    assert.deepEqual(changedLines(SINGLE, cancelled.get(SINGLE_PATH)!), ['-**Status:** In Progress', '+**Status:** Cancelled']);
    const epic = await epicOf(cancelled, SINGLE_ID);
    assert.deepEqual(epicPlanState(epic, reader(cancelled)), { state: 'done', reason: 'not planned' });
    const reopened = await applied(cancelled, SINGLE_ID, (e, read) => pullEpicChange(e, { state: 'in-progress' }, read));
    assert.equal(reopened.get(SINGLE_PATH), SINGLE);
    const lower = new Map([[SINGLE_PATH, SINGLE.replace('In Progress', 'planning')]]);
    const done = await applied(lower, SINGLE_ID, (e, read) => pullEpicChange(e, { state: 'done' }, read));
    assert.match(done.get(SINGLE_PATH)!, /\*\*Status:\*\* completed\n/);
  });

  test('assignees and labels have no place in a single-file epic: no change', async () => {
    const epic = await epicOf(files(), SINGLE_ID);
    const { change, fields } = pullFieldsChange(epic, 'T3', { assignees: ['alice'], labels: ['bug'] }, reader(files()));
    assert.deepEqual(change.edits, []);
    assert.deepEqual(fields, []);
  });
});

describe('pull edits, directory layout', () => {
  const TASK = '.claude/epics/search/31.md';
  const EPIC = '.claude/epics/search/epic.md';

  test('closed as not planned: status, updated and closed_reason in the task file; the checklist and progress in epic.md', async () => {
    const before = directoryFiles();
    const after = await applied(before, 'search', (epic, read) => pullTaskChange(epic, '31', { state: 'done', reason: 'not planned' }, read, NOW));
    assert.deepEqual(changedLines(before.get(TASK)!, after.get(TASK)!), ['-status: open', '+status: closed', '-updated: 2026-04-01T08:00:00Z', `+updated: ${NOW}`, '+closed_reason: not planned']);
    assert.equal(after.get(TASK), before.get(TASK)!.replace('status: open', 'status: closed').replace('updated: 2026-04-01T08:00:00Z', `updated: ${NOW}`).replace('# none\n---', '# none\nclosed_reason: not planned\n---'));
    assert.equal(after.get(EPIC), EPIC_MD.replace('progress: 0%', 'progress: 50%').replace('- [ ] 31.md', '- [x] 31.md'));
    assert.equal(after.get('.claude/epics/search/32.md'), before.get('.claude/epics/search/32.md'));
    const epic = await epicOf(after, 'search');
    assert.deepEqual(taskPlanState(epic, '31', reader(after)), { state: 'done', reason: 'not planned' });

    const reopened = await applied(after, 'search', (e, read) => pullTaskChange(e, '31', { state: 'open' }, read, '2026-05-03T00:00:00Z'));
    assert.equal(reopened.get(TASK), before.get(TASK)!.replace('updated: 2026-04-01T08:00:00Z', 'updated: 2026-05-03T00:00:00Z'));
    assert.equal(reopened.get(EPIC), EPIC_MD);
  });

  test('closed as completed drops a reason kept from before; a reason written another way is left as written', async () => {
    const before = directoryFiles();
    before.set(TASK, taskFile('Index documents', 31, 'closed', ['closed_reason: not_planned']));
    const epic = await epicOf(before, 'search');
    assert.deepEqual(taskPlanState(epic, '31', reader(before)), { state: 'done', reason: 'not planned' });
    const same = pullTaskChange(epic, '31', { state: 'done', reason: 'not planned' }, reader(before), NOW);
    assert.deepEqual(same.edits, []);
    const completed = await applied(before, 'search', (e, read) => pullTaskChange(e, '31', { state: 'done' }, read, NOW));
    assert.equal(completed.get(TASK), taskFile('Index documents', 31, 'closed'));
  });

  test('CRLF task files get CRLF lines', async () => {
    const before = directoryFiles('\r\n');
    const after = await applied(before, 'search', (epic, read) => pullTaskChange(epic, '31', { state: 'done', reason: 'duplicate' }, read, NOW));
    const lf = await applied(directoryFiles(), 'search', (epic, read) => pullTaskChange(epic, '31', { state: 'done', reason: 'duplicate' }, read, NOW));
    assert.equal(after.get(TASK), toCrlf(lf.get(TASK)!));
    assert.match(after.get(TASK)!, /closed_reason: duplicate\r\n---\r\n/);
  });

  test('assignee and labels: added when there is something to write, updated in place, emptied but kept', async () => {
    let files = directoryFiles();
    const mirror = async (assignees: string[], labels: string[]) => {
      const epic = await epicOf(files, 'search');
      const result = pullFieldsChange(epic, '31', { assignees, labels }, reader(files));
      const next = new Map(files);
      applyChange(next, result.change);
      const before = files.get(TASK)!;
      files = next;
      return { lines: changedLines(before, next.get(TASK)!), fields: result.fields };
    };
    // Only the sync's own labels, nobody assigned: nothing to write.
    assert.deepEqual((await mirror([], ['task', 'epic:search'])).lines, []);
    let step = await mirror(['alice'], ['task', 'epic:search', 'bug', 'good first issue']);
    assert.deepEqual(step.lines, ['+assignee: alice', '+labels: [bug, good first issue]']);
    assert.deepEqual(step.fields, [
      { field: 'assignee', from: 'nobody', to: 'alice' },
      { field: 'labels', from: 'none', to: 'bug, good first issue' },
    ]);
    // The same again, in another order: nothing.
    assert.deepEqual((await mirror(['alice'], ['good first issue', 'bug', 'Task'])).lines, []);
    step = await mirror(['alice', 'bob'], ['bug', 'priority: high']);
    assert.deepEqual(step.lines, ['-assignee: alice', '-labels: [bug, good first issue]', '+assignee: [alice, bob]', '+labels: [bug, "priority: high"]']);
    step = await mirror([], []);
    assert.deepEqual(step.lines, ['-assignee: [alice, bob]', '-labels: [bug, "priority: high"]', '+assignee:', '+labels: []']);
    assert.deepEqual(step.fields, [
      { field: 'assignee', from: 'alice, bob', to: 'nobody' },
      { field: 'labels', from: 'bug, priority: high', to: 'none' },
    ]);
    const epic = await epicOf(files, 'search');
    assert.equal(epic.tasks.find((t) => t.id === '31')!.title, 'Index documents');
  });

  test('the epic: status completed, cancelled, or in-progress when reopened', async () => {
    const before = directoryFiles();
    const done = await applied(before, 'search', (epic, read) => pullEpicChange(epic, { state: 'done' }, read));
    assert.deepEqual(changedLines(EPIC_MD, done.get(EPIC)!), ['-status: backlog', '+status: completed']);
    const cancelled = await applied(before, 'search', (epic, read) => pullEpicChange(epic, { state: 'done', reason: 'not planned' }, read));
    assert.deepEqual(changedLines(EPIC_MD, cancelled.get(EPIC)!), ['-status: backlog', '+status: cancelled']);
    const epic = await epicOf(cancelled, 'search');
    assert.deepEqual(epicPlanState(epic, reader(cancelled)), { state: 'done', reason: 'not planned' });
    const reopened = await applied(cancelled, 'search', (e, read) => pullEpicChange(e, { state: 'in-progress' }, read));
    assert.deepEqual(changedLines(EPIC_MD, reopened.get(EPIC)!), ['-status: backlog', '+status: in-progress']);
  });

  test('a key is removed with its value lines; a missing key or block is no edit', () => {
    const text = '---\na: 1\nlist:\n  - x\n  - y\nb: 2\n---\nbody\n';
    assert.deepEqual(removeFrontmatterFieldEdits(text, 'list'), [{ offset: 9, length: 18, newText: '' }]);
    assert.deepEqual(removeFrontmatterFieldEdits(text, 'missing'), []);
    assert.deepEqual(removeFrontmatterFieldEdits('no frontmatter\n', 'a'), []);
  });
});

describe('pull edits, properties', () => {
  const states = fc.constantFrom<TaskState>('open', 'in-progress', 'done');
  const reasons = fc.constantFrom<ClosedReason | undefined>(undefined, 'not planned', 'duplicate');
  const target = fc.tuple(states, reasons).map(([state, reason]): PlanStateView => (state === 'done' && reason ? { state, reason } : { state }));

  test('any sequence of pulled states reads back as the last one, and coming back to the start restores every byte (single-file)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.constantFrom('T1', 'T2', 'T3'), target), { maxLength: 8 }), fc.boolean(), async (steps, crlf) => {
        const start = crlf ? toCrlf(SINGLE) : SINGLE;
        let files = new Map([[SINGLE_PATH, start]]);
        const original = new Map<string, PlanStateView>([
          ['T1', { state: 'done' }],
          ['T2', { state: 'in-progress' }],
          ['T3', { state: 'open' }],
        ]);
        for (const [taskId, to] of steps) {
          files = await applied(files, SINGLE_ID, (epic, read) => pullTaskChange(epic, taskId, to, read, NOW));
          const epic = await epicOf(files, SINGLE_ID);
          assert.deepEqual(taskPlanState(epic, taskId, reader(files)), to);
          assert.equal(epic.tasks.length, 3);
        }
        for (const [taskId, to] of original) files = await applied(files, SINGLE_ID, (epic, read) => pullTaskChange(epic, taskId, to, read, NOW));
        assert.equal(files.get(SINGLE_PATH), start);
      }),
      { numRuns: 60 },
    );
  });

  test('the same for a task file, but for its updated time', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(target, { maxLength: 6 }), async (steps) => {
        let files = directoryFiles();
        for (const to of steps) {
          files = await applied(files, 'search', (epic, read) => pullTaskChange(epic, '31', to, read, NOW));
          assert.deepEqual(taskPlanState(await epicOf(files, 'search'), '31', reader(files)), to);
        }
        files = await applied(files, 'search', (epic, read) => pullTaskChange(epic, '31', { state: 'open' }, read, NOW));
        const expected = directoryFiles();
        if (steps.some((s) => s.state !== 'open')) {
          expected.set('.claude/epics/search/31.md', expected.get('.claude/epics/search/31.md')!.replace('updated: 2026-04-01T08:00:00Z', `updated: ${NOW}`));
        }
        assert.deepEqual(files, expected);
      }),
      { numRuns: 40 },
    );
  });
});
