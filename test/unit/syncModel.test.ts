import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { applyChange, attachIssueChange } from '../../src/core/edits';
import type { Epic } from '../../src/core/model';
import { parseSingleFileEpic } from '../../src/core/parse/singleFileEpicParser';
import { PlanIndex } from '../../src/core/planIndex';
import { contentHash, desiredEpic, unsyncableReason } from '../../src/core/sync/desired';
import { attachEpicIssueChange } from '../../src/core/sync/epicLink';
import { durationText, GITHUB_LIMITS, pacedDuration } from '../../src/core/sync/limits';
import { findMarker, findMarkers, markerText, stableKey } from '../../src/core/sync/marker';
import { epicOverview, taskText } from '../../src/core/sync/planText';
import { sha256Hex } from '../../src/core/sync/sha256';
import type { RemoteSnapshot, RemoteView, SyncOperation } from '../../src/core/sync/syncPlan';
import { decideContent, decideState, describeOperation, describeSyncPlan, epicIssueNumber, planSync, repositoryOfUrl, subIssueMoves } from '../../src/core/sync/syncPlan';
import type { SyncedIssue, SyncState } from '../../src/core/sync/syncState';
import { emptySyncState, parseSyncState, serializeSyncState, SyncStateError } from '../../src/core/sync/syncState';
import { examplesDir, fixturesDir, indexOf, MemoryFileSystem, read, toCrlf } from './helpers';

const REPO = 'octo-org/planning';
const T0 = '2026-05-01T10:00:00Z';

async function workspace(dir: string, transform: (text: string) => string = (t) => t, epicId?: string) {
  const index = await indexOf(dir);
  const files = new Map(index.files.map((f) => [f, transform(read(dir, f))]));
  const reader = (path: string) => {
    const text = files.get(path);
    if (text === undefined) throw new Error(`no file ${path}`);
    return text;
  };
  // The examples hold a directory epic and a single-file one: the single-file one unless told.
  const epic = index.allEpics.find((e) => (epicId === undefined ? e.layout === 'single-file' : e.id === epicId)) ?? index.allEpics[0];
  return { index, files, reader, epic };
}

function emptyRemote(overrides: Partial<RemoteSnapshot> = {}): RemoteSnapshot {
  return { repository: REPO, issues: new Map(), listed: true, missing: new Set(), labels: [], blockedBy: new Map(), ...overrides };
}

function view(number: number, title: string, body: string, extra: Partial<RemoteView> = {}): RemoteView {
  return {
    id: 900_000 + number * 13,
    number,
    url: `https://github.com/${REPO}/issues/${number}`,
    hash: contentHash(title, body),
    state: 'open',
    updatedAt: T0,
    title,
    body,
    labels: [],
    marker: findMarker(body)?.key,
    ...extra,
  };
}

const kinds = (ops: readonly SyncOperation[]) => ops.map((o) => o.kind);

/** The epic again, as its files in `files` say now. */
async function reparse(files: Map<string, string>, epicId: string): Promise<Epic> {
  const index = new PlanIndex(new MemoryFileSystem(files));
  await index.build();
  return index.epic(epicId)!;
}

/**
 * The plan, the tracker and the sync state as a finished sync leaves them: one issue per
 * task (numbered from 1000 in plan order, the epic last) holding exactly what the plan
 * wants, and every number written into the plan.
 */
async function finishedSync(ws: Awaited<ReturnType<typeof workspace>>, repository = REPO) {
  let epic = ws.epic;
  const numbers = new Map<string, number>();
  let next = 1000;
  for (const task of epic.tasks) numbers.set(stableKey(epic.id, task.id), task.issue ?? next++);
  const epicNumber = epicIssueNumber(epic) ?? next;
  numbers.set(stableKey(epic.id), epicNumber);
  const url = (n: number) => `https://github.com/${repository}/issues/${n}`;
  for (const task of ws.epic.tasks) {
    if (task.issue !== undefined || unsyncableReason(task)) continue;
    const n = numbers.get(stableKey(epic.id, task.id))!;
    applyChange(ws.files, attachIssueChange(epic, task.id, n, url(n), ws.reader));
    epic = await reparse(ws.files, epic.id);
  }
  if (epicIssueNumber(epic) === undefined) {
    applyChange(ws.files, attachEpicIssueChange(epic, url(epicNumber), ws.reader));
    epic = await reparse(ws.files, epic.id);
  }
  const desired = desiredEpic({ epic, read: ws.reader, numberOf: (k) => numbers.get(k) });
  const issues = new Map<number, RemoteView>();
  const records = new Map<number, SyncedIssue>();
  for (const d of [...desired.tasks, desired.epic]) {
    const n = numbers.get(d.key)!;
    const v = view(n, d.title, d.body, { state: d.state, labels: d.labels });
    issues.set(n, v);
    records.set(n, { key: d.key, kind: d.kind, id: v.id, hash: d.hash, state: d.state, updatedAt: T0 });
  }
  const blockedBy = new Map<number, number[]>();
  for (const d of desired.tasks) blockedBy.set(numbers.get(d.key)!, d.blockedBy.map((k) => issues.get(numbers.get(k)!)!.id));
  const remote = emptyRemote({
    repository,
    issues,
    listed: false,
    labels: desired.labels.map((l) => l.name),
    subIssues: desired.tasks.map((d) => issues.get(numbers.get(d.key)!)!.id),
    blockedBy,
  });
  const state: SyncState = { ...emptySyncState(repository), issues: records };
  return { epic, state, remote, desired };
}

describe('sha256Hex', () => {
  test('matches Node for ASCII, multi-byte text and block boundaries', () => {
    for (const text of ['', 'abc', 'a'.repeat(55), 'a'.repeat(56), 'a'.repeat(64), 'naïve ✓ 😀\r\n'.repeat(30)]) {
      assert.equal(sha256Hex(text), createHash('sha256').update(text, 'utf8').digest('hex'));
    }
  });
});

describe('issue marker', () => {
  test('round trips epic and task keys, odd characters included', () => {
    for (const [epicId, taskId] of [
      ['epic-001-task-api', 'T3'],
      ['search', '001'],
      ['my--epic---x', '12'],
      ['epic with spaces & <html>', 'T1'],
      ['épopée', 'T2'],
      ['a-', '-b'],
    ] as const) {
      for (const key of [stableKey(epicId), stableKey(epicId, taskId)]) {
        const marker = markerText(key);
        assert.ok(!marker.slice(4, -3).includes('--'), `no -- inside the comment: ${marker}`);
        assert.equal(findMarker(`Some text\n\n${marker}\n`)?.key, key);
      }
    }
    assert.equal(markerText('epic-001-task-api/T3'), '<!-- autopm:task epic-001-task-api/T3 -->');
    assert.equal(markerText('epic-001-task-api'), '<!-- autopm:epic epic-001-task-api -->');
  });

  test('is found after GitHub and people have handled the body', () => {
    const key = 'epic-001-task-api/T3';
    const marker = markerText(key);
    const bodies = [
      `Text\r\n\r\n${marker}\r\n`,
      `${marker}`,
      `Edited on top\n\n- [x] done\n${marker}\nand a note after it`,
      marker.replace('<!-- ', '<!--').replace(' -->', '-->'),
      marker.replace(' epic-001', '\n  epic-001').replace('autopm', 'AutoPM'),
      `${marker}\n\nquoted again:\n${marker}`,
    ];
    for (const body of bodies) assert.equal(findMarker(body)?.key, key, body);
    const parsed = findMarker(`x ${marker}`)!;
    assert.deepEqual([parsed.kind, parsed.epicId, parsed.taskId], ['task', 'epic-001-task-api', 'T3']);
  });

  test('two different markers, a broken one or none name nothing', () => {
    assert.equal(findMarker(`${markerText('a/T1')}\n${markerText('a/T2')}`), undefined);
    assert.equal(findMarkers(`${markerText('a/T1')}\n${markerText('a/T2')}`).length, 2);
    assert.equal(findMarker('<!-- autopm:task a/b/c -->'), undefined);
    assert.equal(findMarker('<!-- autopm:epic a/b -->'), undefined);
    assert.equal(findMarker('<!-- autopm:task a/%E0%A4%A -->'), undefined);
    assert.equal(findMarker('autopm:task a/T1'), undefined);
    assert.equal(findMarker(''), undefined);
    assert.equal(findMarker(null), undefined);
  });
});

describe('plan text', () => {
  test('a single-file task is its indented lines, without nested tasks or the title', () => {
    const text = [
      '# Epic: x',
      '',
      '## Tasks',
      '- [ ] **Task 1:** Parent (#4)',
      '  - First detail',
      '',
      '    continued paragraph',
      '  - [ ] **Task 2:** Child',
      '    - Child detail',
      '  - Parent again',
      '- [ ] **Task 3:** Next',
      '## Notes',
    ].join('\n');
    const { epic } = parseSingleFileEpic('epics/epic-001-x.md', text);
    const read = () => text;
    const [t1, t2, t3] = epic.tasks;
    assert.equal(taskText(epic, t1, read), '- First detail\n\n  continued paragraph\n- Parent again');
    assert.equal(taskText(epic, t2, read), '- Child detail');
    assert.equal(taskText(epic, t3, read), '');
  });

  test('a task file is its text after the frontmatter, without its title heading', async () => {
    const { epic, reader } = await workspace(join(fixturesDir, 'unsynced'));
    const task = epic.tasks.find((t) => t.id === '002')!;
    assert.equal(taskText(epic, task, reader), 'Depends on 001 (see the index format).');
  });

  test("an epic's overview is its Overview section, or the prose under its title without metadata", () => {
    const withSection = '# Epic: x\n\n**Status:** Draft\n\n## Overview\n\nThe gist.\n\n```\n## not a heading\n```\n\n## Tasks\n';
    const { epic } = parseSingleFileEpic('epics/x.md', withSection);
    assert.equal(epicOverview(epic, () => withSection), 'The gist.\n\n```\n## not a heading\n```');
    const without = '# Epic: x\n\n**Status:** Draft\n**GitHub:** https://github.com/o/r/issues/3\nWhy we do it.\n\n## Tasks\n';
    assert.equal(epicOverview(parseSingleFileEpic('epics/x.md', without).epic, () => without), 'Why we do it.');
  });
});

describe('desired state', () => {
  test('the single-file example: epic and task issues, labels, states and dependencies', async () => {
    const { epic, reader } = await workspace(examplesDir);
    const desired = desiredEpic({ epic, read: reader });
    assert.equal(desired.epic.title, 'Link Shortener Service');
    assert.deepEqual(desired.epic.labels, ['epic', 'epic:epic-001-link-shortener']);
    assert.match(desired.epic.body, /^Build the redirect service/);
    assert.match(desired.epic.body, /\n## Tasks\n\n- \[x\] #101 Scaffold the Fastify service\n- \[x\] #102 /);
    assert.match(desired.epic.body, /\n- \[ \] T4 Redirect endpoint with Redis cache\n/);
    assert.ok(desired.epic.body.endsWith('<!-- autopm:epic epic-001-link-shortener -->\n'));
    assert.deepEqual(desired.epic.unresolved.length, 7);

    const [t1, , t3, t4, t5] = desired.tasks;
    assert.equal(t1.state, 'closed');
    assert.equal(t4.state, 'open');
    assert.deepEqual(t1.labels, ['task', 'epic:epic-001-link-shortener']);
    assert.equal(t1.body, '- Project layout, lint, test runner\n- **Estimate:** 2 hours\n- **Agent:** node-backend-engineer\n\n<!-- autopm:task epic-001-link-shortener/T1 -->\n');
    assert.match(t4.body, /\*\*Depends on:\*\* #103\n/);
    // T5 depends on Task 3 (a bullet) and T6 (the mermaid graph), which has no issue yet.
    assert.deepEqual(t5.blockedBy, [t3.key, 'epic-001-link-shortener/T6']);
    assert.match(t5.body, /\*\*Depends on:\*\* #103, T6 Single sign-on for the management API\n/);
    assert.deepEqual(t5.unresolved, ['epic-001-link-shortener/T6']);
  });

  test('the same plan gives byte-identical bodies; line endings and recorded numbers do not change them', async () => {
    const { epic, reader, files } = await workspace(examplesDir);
    const numbers = new Map(epic.tasks.map((t, i) => [stableKey(epic.id, t.id), 200 + i]));
    const first = desiredEpic({ epic, read: reader, numberOf: (k) => numbers.get(k) });
    assert.deepEqual(desiredEpic({ epic, read: reader, numberOf: (k) => numbers.get(k) }), first);

    const crlf = await workspace(examplesDir, toCrlf);
    const fromCrlf = desiredEpic({ epic: crlf.epic, read: crlf.reader, numberOf: (k) => numbers.get(k) });
    assert.deepEqual(fromCrlf.tasks.map((t) => t.body), first.tasks.map((t) => t.body));
    assert.equal(fromCrlf.epic.body, first.epic.body);

    // Write every number and the epic's issue into the file: the issues' texts stay the same.
    let current = epic;
    for (const task of epic.tasks) {
      applyChange(files, attachIssueChange(current, task.id, numbers.get(stableKey(epic.id, task.id))!, '', reader));
      current = parseSingleFileEpic(epic.path, reader(epic.path)).epic;
    }
    applyChange(files, attachEpicIssueChange(current, 'https://github.com/octo-org/planning/issues/300', reader));
    const after = parseSingleFileEpic(epic.path, reader(epic.path)).epic;
    const again = desiredEpic({ epic: after, read: reader, numberOf: (k) => numbers.get(k) });
    assert.deepEqual(again.tasks.map((t) => [t.title, t.body]), first.tasks.map((t) => [t.title, t.body]));
    assert.equal(again.epic.body, first.epic.body);
  });

  test('the directory layout: task text after the frontmatter, references by file number', async () => {
    const { epic, reader } = await workspace(join(fixturesDir, 'unsynced'));
    const desired = desiredEpic({ epic, read: reader });
    assert.deepEqual(desired.tasks.map((t) => t.key), ['search/001', 'search/002', 'search/003', 'search/010']);
    assert.equal(desired.tasks[3].body, 'A page over 002 and 003.  \n\n**Depends on:** 002 Query API, 003 Ranking\n\n<!-- autopm:task search/010 -->\n');
    assert.equal(desired.epic.body, '## Tasks\n\n- [ ] 001 Index documents\n- [ ] 002 Query API\n- [ ] 003 Ranking\n- [ ] 010 Search page\n\n<!-- autopm:epic search -->\n');
  });

  test('a synced directory epic: dependencies become #N, done tasks closed, an empty task file skipped', async () => {
    const { epic, reader } = await workspace(join(fixturesDir, 'synced'));
    const desired = desiredEpic({ epic, read: reader });
    assert.deepEqual(desired.skipped, [{ taskId: '7', reason: 'its file is empty' }]);
    const checkout = desired.tasks.find((t) => t.taskId === '3')!;
    assert.match(checkout.body, /\*\*Depends on:\*\* #2, #4\n/);
    assert.deepEqual(desired.tasks.map((t) => t.state), ['closed', 'open', 'closed', 'open', 'open']);
    assert.equal(desired.tasks.find((t) => t.taskId === '5')!.title, 'Webhook delivery with retries');
  });

  test('label names are configurable', async () => {
    const { epic, reader } = await workspace(join(fixturesDir, 'unsynced'));
    const desired = desiredEpic({ epic, read: reader, labels: { epic: 'type: epic', task: 'type: task', epicPrefix: 'area/' } });
    assert.deepEqual(desired.epic.labels, ['type: epic', 'area/search']);
    assert.deepEqual(desired.tasks[0].labels, ['type: task', 'area/search']);
  });
});

describe("the epic's issue in the plan", () => {
  test('a bold-key epic gets a **GitHub:** line after its last metadata line, once', async () => {
    const { epic, reader, files } = await workspace(examplesDir);
    const before = reader(epic.path);
    const url = 'https://github.com/octo-org/planning/issues/11';
    applyChange(files, attachEpicIssueChange(epic, url, reader));
    const after = reader(epic.path);
    assert.equal(after, before.replace('**Target:** 2026-03-20\n', `**Target:** 2026-03-20\n**GitHub:** ${url}\n`));
    const reparsed = parseSingleFileEpic(epic.path, after).epic;
    assert.equal(reparsed.github, url);
    assert.deepEqual(attachEpicIssueChange(reparsed, url, reader).edits, []);
    // A new number replaces the old one in place.
    applyChange(files, attachEpicIssueChange(reparsed, url.replace('/11', '/12'), reader));
    assert.equal(reader(epic.path), after.replace('/issues/11', '/issues/12'));
  });

  test('CRLF files keep CRLF; frontmatter epics get their github field', async () => {
    const crlf = await workspace(examplesDir, toCrlf);
    applyChange(crlf.files, attachEpicIssueChange(crlf.epic, 'https://x/o/r/issues/1', crlf.reader));
    assert.match(crlf.reader(crlf.epic.path), /\*\*Target:\*\* 2026-03-20\r\n\*\*GitHub:\*\* https:\/\/x\/o\/r\/issues\/1\r\n/);

    const dir = await workspace(join(fixturesDir, 'unsynced'));
    const before = dir.reader(dir.epic.path);
    applyChange(dir.files, attachEpicIssueChange(dir.epic, 'https://github.com/o/r/issues/5', dir.reader));
    assert.equal(dir.reader(dir.epic.path), before.replace('\ngithub:\n', '\ngithub: https://github.com/o/r/issues/5\n'));
  });
});

describe('sync state file', () => {
  const record: SyncedIssue = { key: 'search/001', kind: 'task', id: 2147487099, hash: 'a'.repeat(64), state: 'open', updatedAt: T0, etag: 'W/"abc"' };

  test('round trips, sorted and indented for commits, with a trailing newline', () => {
    const state: SyncState = {
      ...emptySyncState(REPO),
      issues: new Map<number, SyncedIssue>([
        [12, record],
        [3, { key: 'search', kind: 'epic', id: 5, hash: 'b'.repeat(64), state: 'closed', updatedAt: T0 }],
      ]),
      pending: new Map([['search/002', 'c'.repeat(64)]]),
    };
    const text = serializeSyncState(state);
    assert.ok(text.endsWith('}\n'));
    assert.match(text, /^\{\n {2}"issues": \{\n {4}"3": \{\n {6}"hash"/);
    assert.ok(text.indexOf('"issues"') < text.indexOf('"pending"') && text.indexOf('"pending"') < text.indexOf('"repository"') && text.indexOf('"repository"') < text.indexOf('"version"'));
    const parsed = parseSyncState(text);
    assert.deepEqual(parsed, state);
    assert.equal(serializeSyncState(parsed), text);
    assert.deepEqual(parseSyncState(undefined), emptySyncState());
    assert.deepEqual(parseSyncState('  \n'), emptySyncState());
    assert.equal(serializeSyncState(emptySyncState()), '{\n  "issues": {},\n  "version": 1\n}\n');
  });

  test('a broken or hand-edited file is a clear error, never a crash or an empty state', () => {
    const good = JSON.parse(serializeSyncState({ ...emptySyncState(REPO), issues: new Map([[12, record]]) }));
    const cases: Array<[string, RegExp]> = [
      ['{ "version": 1, "issues": { "12": { } ', /not valid JSON \(line 1, column \d+\)/],
      ['{\n  "version": 1,\n  "issues": {\n', /not valid JSON \(line 4, column 1\)/],
      ['{\n  "version": 1,\n  "issues": {},\n}\n', /not valid JSON \(line 4, column 1\)/],
      ['<<<<<<< HEAD\n{"version":1}\n=======\n{"version":1}\n>>>>>>> main\n', /merge conflict markers/],
      ['[1, 2]', /must hold a JSON object/],
      ['{"issues": {}}', /no "version" field/],
      ['{"version": 2}', /newer AutoPM \(version 2/],
      ['{"version": 0}', /version 0 is not one AutoPM has written/],
      ['{"version": 1, "repository": "not a repo"}', /"repository" must be "owner\/name"/],
      [JSON.stringify({ ...good, issues: { abc: good.issues['12'] } }), /issues\["abc"\]: an issue number must be a positive whole number/],
      [JSON.stringify({ ...good, issues: { 12: { ...good.issues['12'], id: '5' } } }), /issues\["12"\]\.id must be the issue's numeric id/],
      [JSON.stringify({ ...good, issues: { 12: { ...good.issues['12'], hash: 'xyz' } } }), /issues\["12"\]\.hash must be 64 hex digits/],
      [JSON.stringify({ ...good, issues: { 12: { ...good.issues['12'], kind: 'epic' } } }), /kind is "epic" but its key "search\/001" names a task/],
      [JSON.stringify({ ...good, issues: { 12: { ...good.issues['12'], updatedAt: 'yesterday' } } }), /updatedAt must be an ISO date/],
      [JSON.stringify({ ...good, issues: { 12: good.issues['12'], 13: good.issues['12'] } }), /issues #12 and #13 are both recorded as "search\/001"/],
      [JSON.stringify({ ...good, extra: true }), /unknown field "extra"/],
      [JSON.stringify({ ...good, pending: { 'search/002': 7 } }), /pending\["search\/002"\] must be 64 hex digits/],
    ];
    for (const [text, message] of cases) {
      assert.throws(() => parseSyncState(text), (error: unknown) => error instanceof SyncStateError && message.test(error.message) && /\.autopm\/sync\.json: /.test(error.message), text);
    }
  });

  test('random garbage parses or is refused with SyncStateError', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pieces = ['{', '}', '[', ']', '"version"', ':', '1', ',', '"issues"', '"12"', '"key"', '"a/b"', 'null', '"x"', '\n', '-3', 'true'];
    for (let i = 0; i < 2000; i++) {
      const text = Array.from({ length: 1 + Math.floor(random() * 20) }, () => pieces[Math.floor(random() * pieces.length)]).join('');
      try {
        parseSyncState(text);
      } catch (error) {
        assert.ok(error instanceof SyncStateError, `${text}: ${String(error)}`);
      }
    }
  });
});

describe('limits and pacing', () => {
  test("GitHub's figures", () => {
    assert.equal(GITHUB_LIMITS.subIssuesPerParent, 100);
    assert.equal(GITHUB_LIMITS.dependenciesPerKind, 50);
    assert.equal(GITHUB_LIMITS.writesPerMinute, 80);
    assert.equal(GITHUB_LIMITS.writesPerHour, 500);
  });

  test('writes beyond 80 a minute and 500 an hour wait for the window', () => {
    const windows = { ...GITHUB_LIMITS, writeIntervalMs: 0 };
    assert.equal(pacedDuration(0, windows), 0);
    assert.equal(pacedDuration(80, windows), 0);
    assert.equal(pacedDuration(81, windows), 60_000);
    assert.equal(pacedDuration(160, windows), 60_000);
    assert.equal(pacedDuration(500, windows), 6 * 60_000);
    assert.equal(pacedDuration(501, windows), 3_600_000);
  });

  test('and a second apart, as GitHub asks of clients that write a lot', () => {
    assert.equal(GITHUB_LIMITS.writeIntervalMs, 1000);
    assert.equal(pacedDuration(1), 0);
    assert.equal(pacedDuration(10), 9_000);
    assert.equal(pacedDuration(81), 80_000);
    assert.equal(pacedDuration(500), 499_000);
    assert.equal(pacedDuration(501), 3_600_000);
    assert.equal(durationText(45_000), '45 seconds');
    assert.equal(durationText(6 * 60_000), '6 minutes');
    assert.equal(durationText(3_600_000 + 12 * 60_000), '1 hour 12 minutes');
  });
});

describe('decisions', () => {
  const desired = { title: 'New title', hash: contentHash('New title', 'new body') };
  const pushed: SyncedIssue = { key: 'e/T1', kind: 'task', id: 1, hash: contentHash('Old', 'old body'), state: 'open', updatedAt: T0 };
  const later = '2026-05-02T10:00:00Z';

  test('content: in step, unchanged plan, plan changed, edited on GitHub, unknown origin', () => {
    assert.equal(decideContent(desired, pushed, undefined, view(1, 'New title', 'new body\r\n')).action, 'in-sync');
    assert.equal(decideContent({ ...desired, hash: pushed.hash }, pushed, undefined, view(1, 'Edited', 'on GitHub', { updatedAt: later })).action, 'none');
    assert.deepEqual(decideContent(desired, pushed, undefined, view(1, 'Old', 'old body', { updatedAt: later })), { action: 'update', fields: ['title', 'body'] });
    const edited = decideContent(desired, pushed, undefined, view(1, 'Old', 'edited on GitHub', { updatedAt: later }));
    assert.equal(edited.action, 'confirm');
    assert.match((edited as { why: string }).why, /edited on GitHub since the last sync/);
    // No record, but the hash of a create that was never recorded: the body is the sync's own.
    assert.equal(decideContent(desired, undefined, contentHash('Old', 'old body'), view(1, 'Old', 'old body')).action, 'update');
    assert.equal(decideContent(desired, undefined, undefined, view(1, 'Old', 'old body')).action, 'confirm');
  });

  test('state: close a done task, leave a state changed on GitHub for a pull', () => {
    assert.equal(decideState('closed', pushed, { state: 'open' }).action, 'close');
    assert.equal(decideState('closed', undefined, { state: 'open' }).action, 'close');
    assert.equal(decideState('open', { ...pushed, state: 'closed' }, { state: 'closed' }).action, 'reopen');
    assert.equal(decideState('open', pushed, { state: 'closed' }).action, 'skip');
    assert.equal(decideState('open', undefined, { state: 'closed' }).action, 'skip');
    assert.equal(decideState('closed', { ...pushed, state: 'closed' }, { state: 'open' }).action, 'skip');
    assert.equal(decideState('open', pushed, { state: 'open' }).action, 'none');
  });

  test('sub-issue moves put the plan order in place with the fewest moves, after-only', () => {
    const apply = (list: string[], moves: Array<{ item: string; after: string }>) => {
      for (const { item, after } of moves) {
        list.splice(list.indexOf(item), 1);
        list.splice(list.indexOf(after) + 1, 0, item);
      }
      return list;
    };
    const cases: Array<[string[], string[], number]> = [
      [['a', 'b', 'c'], ['a', 'b', 'c'], 0],
      [['a', 'c', 'b'], ['a', 'b', 'c'], 1],
      [['c', 'b', 'a'], ['a', 'b', 'c'], 2],
      [['x', 'b', 'y', 'a', 'c'], ['a', 'b', 'c'], 1],
      [['b', 'c', 'd', 'a'], ['a', 'b', 'c', 'd'], 3],
    ];
    for (const [current, desired, count] of cases) {
      const moves = subIssueMoves(current, desired);
      assert.equal(moves.length, count, current.join());
      const result = apply([...current], moves).filter((i) => desired.includes(i));
      assert.deepEqual(result, desired);
    }
  });

  test('repository of an issue URL', () => {
    assert.equal(repositoryOfUrl('https://github.com/acme/shop/issues/2'), 'acme/shop');
    assert.equal(repositoryOfUrl('https://ghe.example.com/team/app/issues/20'), 'team/app');
    assert.equal(repositoryOfUrl('https://github.com/acme/shop'), 'acme/shop');
    assert.equal(repositoryOfUrl('#12'), undefined);
  });
});

describe('operation plan', () => {
  test('an unsynced single-file epic: labels, a create per task then the epic, links, no renames', async () => {
    // The link-shortener example without the issue numbers it was written with.
    const { files, reader } = await workspace(examplesDir, (text) => text.replace(/ \(#\d+\)$/gm, ''));
    const epic = await reparse(files, 'epic-001-link-shortener');
    assert.ok(epic.tasks.length > 0 && epic.tasks.every((t) => t.issue === undefined));
    const plan = planSync({ epic, read: reader, state: emptySyncState(), remote: emptyRemote() });
    assert.deepEqual(plan.refusals, []);
    const n = epic.tasks.length;
    const done = epic.tasks.filter((t) => t.state === 'done').length;
    assert.equal(plan.counts.creates, n + 1);
    assert.equal(plan.counts.closes, done + (epic.state === 'done' ? 1 : 0));
    assert.equal(plan.counts.labels, 3);
    assert.equal(plan.counts.subIssues, n);
    assert.equal(plan.counts.reorders, 0);
    const deps = new Set(epic.tasks.flatMap((t) => t.dependsOn.filter((d) => epic.tasks.some((o) => o.id === d)).map((d) => `${d}>${t.id}`)));
    assert.equal(plan.counts.blockedBy, deps.size);
    assert.equal(plan.counts.renames, 0);
    const order = kinds(plan.operations);
    assert.deepEqual(order.slice(0, 3), ['ensure-label', 'ensure-label', 'ensure-label']);
    assert.ok(order.lastIndexOf('create') < order.indexOf('add-sub-issue'));
    const creates = plan.operations.filter((o) => o.kind === 'create');
    assert.equal(creates.at(-1)!.label, 'the epic');
    assert.equal(plan.pacing.paced, false);
    assert.equal(plan.pacing.durationMs, (plan.counts.writes - 1) * 1000);
    const preview = describeSyncPlan(plan);
    assert.ok(preview.includes(`GitHub asks for a pause between writes, so the sync takes at least ${durationText(plan.pacing.durationMs)}.`));
    assert.ok(preview.some((l) => /^Create an issue for T1 /.test(l)));
    assert.match(preview.at(-2)!, new RegExp(`^${n + 1} issues to create, .*: ${plan.counts.writes} writes to ${REPO}\\.$`));
  });

  test('an unsynced directory epic: the same, and the task files renamed last', async () => {
    const { epic, reader } = await workspace(join(fixturesDir, 'unsynced'));
    const plan = planSync({ epic, read: reader, state: emptySyncState(), remote: emptyRemote() });
    assert.deepEqual(plan.refusals, []);
    assert.equal(plan.counts.creates, 5);
    assert.equal(plan.counts.blockedBy, 4);
    const last = plan.operations.at(-1)!;
    assert.equal(last.kind, 'rename-task-files');
    assert.deepEqual((last as { taskIds: readonly string[] }).taskIds, ['001', '002', '003', '010']);
    // 010 depends on 002 and 003, created before it: only a body naming a later task needs a second write.
    assert.equal(plan.counts.updates, 0);
    assert.equal(planSync({ epic, read: reader, state: emptySyncState(), remote: emptyRemote(), renameTaskFiles: false }).counts.renames, 0);
  });

  test('a finished sync plans nothing, in both layouts', async () => {
    for (const [dir, epicId, repository] of [
      [examplesDir, undefined, REPO],
      [examplesDir, 'team-calendar', 'acme/calendar'],
      [join(fixturesDir, 'unsynced'), undefined, REPO],
      [join(fixturesDir, 'synced'), undefined, 'acme/shop'],
    ] as const) {
      const ws = await workspace(dir, undefined, epicId);
      const { epic, state, remote } = await finishedSync(ws, repository);
      const plan = planSync({ epic, read: ws.reader, state, remote, renameTaskFiles: false });
      assert.deepEqual(plan.operations, [], dir);
      assert.deepEqual(plan.refusals, []);
      assert.equal(plan.counts.writes, 0);
      assert.match(describeSyncPlan(plan)[0], /^Nothing to do/);
    }
  });

  test('a changed task updates its issue; one edited on GitHub asks first', async () => {
    const ws = await workspace(examplesDir);
    const { reader, files } = ws;
    const { epic, state, remote } = await finishedSync(ws);
    files.set(epic.path, reader(epic.path).replace('Runbook and dashboards', 'Runbook, dashboards and alerts'));
    const changed = parseSingleFileEpic(epic.path, reader(epic.path)).epic;
    const t10 = [...state.issues].find(([, r]) => r.key.endsWith('/T10'))![0];
    const plan = planSync({ epic: changed, read: reader, state, remote });
    const updates = plan.operations.filter((o) => o.kind === 'update');
    // The task and the epic, whose task list names it.
    assert.deepEqual(updates.map((o) => (o as { number: number }).number).sort((a, b) => a - b), [t10, Math.max(...state.issues.keys())]);
    assert.ok(updates.every((o) => o.kind === 'update' && o.confirm === undefined));

    const issues = new Map(remote.issues);
    const old = issues.get(t10)!;
    issues.set(t10, view(t10, old.title!, `${old.body}\nA note added on GitHub.`, { updatedAt: '2026-05-03T00:00:00Z', labels: old.labels }));
    const asked = planSync({ epic: changed, read: reader, state, remote: { ...remote, issues } });
    const update = asked.operations.find((o) => o.kind === 'update' && o.number === t10);
    assert.ok(update && update.kind === 'update' && update.confirm !== undefined);
    assert.ok(describeSyncPlan(asked).some((l) => l.includes('asks first')));
  });

  test('issues found by their marker are adopted, not created again; a duplicate is reported', async () => {
    const { epic, reader } = await workspace(join(fixturesDir, 'unsynced'));
    const desired = desiredEpic({ epic, read: reader });
    const t1 = desired.tasks[0];
    const issues = new Map<number, RemoteView>([
      [7, view(7, t1.title, t1.body)],
      [9, view(9, t1.title, t1.body)],
      [8, view(8, 'Unrelated', 'no marker')],
    ]);
    const plan = planSync({ epic, read: reader, state: emptySyncState(), remote: emptyRemote({ issues }) });
    assert.deepEqual(
      plan.operations.filter((o) => o.kind === 'adopt').map((o) => (o as { number: number }).number),
      [7],
    );
    assert.equal(plan.counts.creates, 4);
    assert.match(plan.skipped.map((s) => s.reason).join(), /#9|same marker as #7/);
  });

  test('refusals: another repository, a task linked elsewhere, duplicate task ids', async () => {
    const { epic, reader } = await workspace(join(fixturesDir, 'synced'));
    const other = planSync({ epic, read: reader, state: emptySyncState('acme/elsewhere'), remote: emptyRemote() });
    assert.ok(other.refusals.some((r) => /belongs to acme\/elsewhere, not octo-org\/planning/.test(r)));
    assert.ok(other.refusals.some((r) => /linked to https:\/\/github\.com\/acme\/shop\/issues\/2, on acme\/shop/.test(r)));
    const text = '# Epic\n\n## Tasks\n- [ ] **Task 1:** A\n- [ ] **Task 1:** B\n';
    const { epic: twins } = parseSingleFileEpic('epics/e.md', text);
    const dup = planSync({ epic: twins, read: () => text, state: emptySyncState(), remote: emptyRemote() });
    assert.ok(dup.refusals.some((r) => /Two tasks have the id T1/.test(r)));
  });

  test('hard limits refuse the plan, naming the limit', async () => {
    const lines = ['# Epic: big', '', '## Tasks'];
    for (let i = 1; i <= 60; i++) lines.push(`- [ ] **Task ${i}:** Task number ${i}`);
    lines.push(`- [ ] **Task 61:** Needs everything`, `  - **Depends on:** Tasks 1-55`);
    const text = lines.join('\n') + '\n';
    const { epic } = parseSingleFileEpic('epics/big.md', text);
    const children = Array.from({ length: 45 }, (_, i) => 5_000 + i);
    const epicIssue = view(500, 'big', markerText('big'));
    const plan = planSync({
      epic,
      read: () => text,
      state: emptySyncState(),
      remote: emptyRemote({ issues: new Map([[500, epicIssue]]), subIssues: children }),
    });
    assert.ok(plan.refusals.some((r) => /106 sub-issues \(45 already there, closed ones included, and 61 to add\); GitHub allows at most 100 sub-issues per parent/.test(r)), plan.refusals.join('\n'));
    assert.ok(plan.refusals.some((r) => /T61 Needs everything would be blocked by 55 issues; GitHub allows at most 50 dependencies of a kind/.test(r)));

    const long = `# Epic: long\n\n## Tasks\n- [ ] **Task 1:** Long\n${'  - detail line\n'.repeat(5000)}`;
    const longEpic = parseSingleFileEpic('epics/long.md', long).epic;
    const refused = planSync({ epic: longEpic, read: () => long, state: emptySyncState(), remote: emptyRemote() });
    assert.ok(refused.refusals.some((r) => /at most 65,536 in an issue body/.test(r)));

    const labels = planSync({ epic: longEpic, read: () => long, state: emptySyncState(), remote: emptyRemote(), labels: { epic: 'epic', task: 'task', epicPrefix: 'x'.repeat(48) } });
    assert.ok(labels.refusals.some((r) => /at most 50 in a label name/.test(r)));
  });

  test('a plan beyond the pacing limits is paced, and the preview says how long it takes', async () => {
    const lines = ['# Epic: wide', '', '## Tasks'];
    for (let i = 1; i <= 95; i++) lines.push(`- [ ] **Task ${i}:** Task ${i}`, ...(i > 1 ? [`  - **Depends on:** Task ${i - 1}`] : []));
    const text = lines.join('\n') + '\n';
    const { epic } = parseSingleFileEpic('epics/wide.md', text);
    const plan = planSync({ epic, read: () => text, state: emptySyncState(), remote: emptyRemote() });
    assert.deepEqual(plan.refusals, []);
    // 3 labels, 96 creates, 95 sub-issues, 94 dependencies.
    assert.equal(plan.counts.writes, 288);
    assert.equal(plan.pacing.paced, true);
    assert.equal(plan.pacing.durationMs, 287_000);
    assert.ok(describeSyncPlan(plan).some((l) => /80 content-creating requests a minute and 500 an hour, so the sync spaces its 288 writes out: it takes at least 5 minutes\./.test(l)));
    const windows = planSync({ epic, read: () => text, state: emptySyncState(), remote: emptyRemote(), limits: { ...GITHUB_LIMITS, writeIntervalMs: 0 } });
    assert.equal(windows.pacing.durationMs, 3 * 60_000);
  });

  test('a recorded issue missing from the plan is written back; a linked issue that is gone is skipped', async () => {
    const { epic, reader } = await workspace(join(fixturesDir, 'unsynced'));
    const desired = desiredEpic({ epic, read: reader });
    const t1 = desired.tasks[0];
    const v = view(40, t1.title, t1.body, { labels: t1.labels });
    const state: SyncState = { ...emptySyncState(REPO), issues: new Map([[40, { key: t1.key, kind: 'task', id: v.id, hash: t1.hash, state: 'open', updatedAt: T0 } as SyncedIssue]]) };
    const plan = planSync({ epic, read: reader, state, remote: emptyRemote({ issues: new Map([[40, v]]) }) });
    assert.deepEqual(plan.operations.filter((o) => o.kind === 'record').map((o) => (o as { number: number }).number), [40]);
    assert.equal(plan.counts.creates, 4);

    const synced = await workspace(join(fixturesDir, 'synced'));
    const gone = planSync({ epic: synced.epic, read: synced.reader, state: emptySyncState(), remote: { ...emptyRemote({ repository: 'acme/shop', missing: new Set([5]), listed: false }) } });
    assert.ok(gone.skipped.some((s) => /#5 is not an issue of acme\/shop/.test(s.reason)));
  });
});

describe('dependencies dropped from the plan', () => {
  const path = 'epics/epic-007-deps.md';
  const epicId = 'epic-007-deps';
  /** A synced single-file epic of four tasks (#11 to #14) and its issue #20; T4's dependencies as given. */
  const planText = (dependsOn: string) =>
    [
      '# Epic: Deps',
      '',
      `**GitHub:** https://github.com/${REPO}/issues/20`,
      '',
      '## Tasks',
      '- [ ] **Task 1:** First (#11)',
      '- [ ] **Task 2:** Second (#12)',
      '- [ ] **Task 3:** Third (#13)',
      '- [ ] **Task 4:** Fourth (#14)',
      ...(dependsOn === '' ? [] : [`  - **Depends on:** ${dependsOn}`]),
      '',
    ].join('\n');
  const idOf = (n: number) => view(n, '', '').id;

  /** The tracker and the sync state as a finished sync of the text leaves them. */
  function synced(text: string) {
    const { epic } = parseSingleFileEpic(path, text);
    const desired = desiredEpic({ epic, read: () => text });
    const issues = new Map<number, RemoteView>();
    const records = new Map<number, SyncedIssue>();
    const numbers = new Map<string, number>([[desired.epic.key, 20], ...desired.tasks.map((d, i) => [d.key, 11 + i] as [string, number])]);
    for (const d of [...desired.tasks, desired.epic]) {
      const n = numbers.get(d.key)!;
      issues.set(n, view(n, d.title, d.body, { state: d.state, labels: d.labels }));
      records.set(n, { key: d.key, kind: d.kind, id: idOf(n), hash: d.hash, state: d.state, updatedAt: T0 });
    }
    const blockedBy = new Map(desired.tasks.map((d) => [numbers.get(d.key)!, d.blockedBy.map((k) => idOf(numbers.get(k)!))]));
    const remote = emptyRemote({ issues, listed: false, labels: desired.labels.map((l) => l.name), subIssues: desired.tasks.map((d) => idOf(numbers.get(d.key)!)), blockedBy });
    return { state: { ...emptySyncState(REPO), issues: records } as SyncState, remote };
  }

  function planAfter(text: string, state: SyncState, remote: RemoteSnapshot, extra: { canRemoveBlockedBy?: boolean; limits?: typeof GITHUB_LIMITS } = {}) {
    return planSync({ epic: parseSingleFileEpic(path, text).epic, read: () => text, state, remote, ...extra });
  }

  test('a dependency dropped from the plan removes its link, once', () => {
    const { state, remote } = synced(planText('Task 2'));
    assert.deepEqual(remote.blockedBy.get(14), [idOf(12)]);
    const plan = planAfter(planText(''), state, remote);
    const removals = plan.operations.filter((o) => o.kind === 'remove-blocked-by');
    assert.deepEqual(removals, [{ kind: 'remove-blocked-by', key: `${epicId}/T4`, number: 14, blockingId: idOf(12), blockingNumber: 12, blockingLabel: 'T2 Second', label: 'T4 Fourth' }]);
    // Its body loses the "Depends on" line too.
    assert.deepEqual(kinds(plan.operations), ['update', 'remove-blocked-by']);
    assert.equal(plan.counts.blockedByRemovals, 1);
    assert.equal(plan.counts.blockedBy, 0);
    assert.equal(plan.counts.writes, 2);
    const preview = describeSyncPlan(plan);
    assert.ok(preview.includes('Remove the link that has #14 (T4 Fourth) blocked by #12 (T2 Second): the plan no longer lists that dependency'), preview.join('\n'));
    assert.match(preview.at(-1)!, /^0 issues to create, 1 update, 0 sub-issue links, 0 dependencies, 1 dependency to remove, 0 labels: 2 writes to octo-org\/planning\.$/);

    // Once GitHub holds what the plan says, there is nothing left to remove.
    const after = synced(planText(''));
    assert.deepEqual(planAfter(planText(''), after.state, { ...after.remote, blockedBy: new Map([...after.remote.blockedBy, [14, []]]) }).operations, []);
    // And a plan that still has the dependency removes nothing.
    assert.deepEqual(planAfter(planText('Task 2'), state, remote).operations, []);
  });

  test('a dependency replaced by another: the old link is removed before the new one is added, and the cap counts what remains', () => {
    const { state, remote } = synced(planText('Task 2'));
    const plan = planAfter(planText('Task 3'), state, remote);
    const order = kinds(plan.operations);
    assert.deepEqual(order.filter((k) => k.endsWith('blocked-by')), ['remove-blocked-by', 'add-blocked-by']);
    assert.ok(order.indexOf('remove-blocked-by') < order.indexOf('add-blocked-by'));
    assert.deepEqual(
      plan.operations.filter((o) => o.kind === 'remove-blocked-by' || o.kind === 'add-blocked-by').map((o) => describeOperation(o, plan)),
      ['Remove the link that has #14 (T4 Fourth) blocked by #12 (T2 Second): the plan no longer lists that dependency', 'Mark T4 Fourth as blocked by T3 Third'],
    );
    assert.match(describeSyncPlan(plan).at(-1)!, /, 1 dependency, 1 dependency to remove, /);

    // 49 issues of people's block T4 as well: 50 links now, and 50 after the swap.
    const crowded = new Map(remote.blockedBy);
    crowded.set(14, [...Array.from({ length: 49 }, (_, i) => 7_000_000 + i), idOf(12)]);
    const full = { ...remote, blockedBy: crowded };
    const swapped = planAfter(planText('Task 3'), state, full);
    assert.deepEqual(swapped.refusals, []);
    assert.equal(swapped.counts.blockedByRemovals, 1);
    // Adding T3 as well as keeping T2 would make 51.
    const both = planAfter(planText('Task 2, Task 3'), state, full);
    assert.ok(both.refusals.some((r) => /T4 Fourth would be blocked by 51 issues; GitHub allows at most 50/.test(r)), both.refusals.join('\n'));
    // A tracker that cannot remove links keeps T2's: 51 again.
    const kept = planAfter(planText('Task 3'), state, full, { canRemoveBlockedBy: false });
    assert.ok(kept.refusals.some((r) => /would be blocked by 51 issues/.test(r)));
  });

  test("links to issues the plan does not manage are left alone, and the preview says nothing of them", () => {
    const { state, remote } = synced(planText(''));
    const issues = new Map(remote.issues);
    // Someone's own issue, an issue of another epic, and the epic's own issue.
    issues.set(30, view(30, 'A person’s issue', 'Found while testing'));
    issues.set(31, view(31, 'Another epic’s task', markerText('epic-008-other/T1')));
    const linked = new Map([
      // An issue of another repository that carries this epic's marker (copied there by hand).
      [5_550_001, { id: 5_550_001, number: 12, url: 'https://github.com/acme/elsewhere/issues/12', marker: `${epicId}/T2` }],
    ]);
    const blockedBy = new Map(remote.blockedBy);
    blockedBy.set(14, [idOf(30), idOf(31), idOf(20), 5_550_001]);
    const plan = planAfter(planText(''), state, { ...remote, issues, blockedBy, linked });
    assert.deepEqual(plan.operations, []);
    assert.deepEqual(plan.skipped, []);
    const preview = describeSyncPlan(plan);
    assert.match(preview[0], /^Nothing to do/);
    assert.ok(preview.every((l) => !/#30|#31|#20|#12|remove/i.test(l)), preview.join('\n'));
  });

  test('a link to the issue of a task gone from the plan is removed; one the plan names by number, or through a task it skips, stays', () => {
    const { state, remote } = synced(planText(''));
    // #15 stood for Task 5, since removed from the plan; its record and marker remain.
    const records = new Map(state.issues);
    records.set(15, { key: `${epicId}/T5`, kind: 'task', id: idOf(15), hash: 'f'.repeat(64), state: 'open', updatedAt: T0 });
    const issues = new Map(remote.issues);
    issues.set(15, view(15, 'Fifth', markerText(`${epicId}/T5`)));
    const blockedBy = new Map(remote.blockedBy);
    blockedBy.set(14, [idOf(15)]);
    const gone = planAfter(planText(''), { ...state, issues: records }, { ...remote, issues, blockedBy });
    assert.deepEqual(gone.operations.map((o) => describeOperation(o, gone)), ['Remove the link that has #14 (T4 Fourth) blocked by #15 (no task of the plan now): the plan no longer lists that dependency']);
    assert.deepEqual(planAfter(planText('#15'), { ...state, issues: records }, { ...remote, issues, blockedBy }).operations.filter((o) => o.kind === 'remove-blocked-by'), []);

    // Task 2 loses its title, so it is skipped: its link to T4 is not the plan's to drop.
    const before = synced(planText('Task 2'));
    const untitled = planText('Task 2').replace('**Task 2:** Second (#12)', '**Task 2:** (#12)');
    const skipped = planAfter(untitled, before.state, before.remote);
    assert.deepEqual(skipped.operations.filter((o) => o.kind === 'remove-blocked-by'), []);
    assert.ok(skipped.skipped.some((s) => s.taskId === 'T2' && /no title/.test(s.reason)));
    // Nor is its issue one of a task gone from the plan.
    assert.ok(describeSyncPlan(skipped).every((l) => !/#12 is a sub-issue/.test(l)));
  });

  test('a tracker that cannot remove links: the plan says the link stays, instead of dropping it unsaid', () => {
    const { state, remote } = synced(planText('Task 2'));
    const plan = planAfter(planText(''), state, remote, { canRemoveBlockedBy: false });
    assert.deepEqual(kinds(plan.operations), ['update']);
    assert.equal(plan.counts.blockedByRemovals, 0);
    assert.ok(
      describeSyncPlan(plan).includes('Skip T4 Fourth: #14 stays blocked by #12 on octo-org/planning, though the plan no longer lists that dependency: this tracker cannot remove dependencies'),
      describeSyncPlan(plan).join('\n'),
    );
  });

  test("a task removed from the plan whose issue is still a sub-issue of the epic's: left as it is, and said so", () => {
    const { state, remote } = synced(planText(''));
    const records = new Map(state.issues);
    records.set(15, { key: `${epicId}/T5`, kind: 'task', id: idOf(15), hash: 'f'.repeat(64), state: 'open', updatedAt: T0 });
    const issues = new Map(remote.issues);
    issues.set(15, view(15, 'Fifth', markerText(`${epicId}/T5`)));
    // A sub-issue someone added by hand, with no marker, is not the plan's business at all.
    issues.set(16, view(16, 'Added on GitHub', 'by hand'));
    const subIssues = [...remote.subIssues!.slice(0, 2), idOf(15), ...remote.subIssues!.slice(2), idOf(16)];
    const plan = planAfter(planText(''), { ...state, issues: records }, { ...remote, issues, subIssues });
    assert.deepEqual(plan.operations, []);
    const preview = describeSyncPlan(plan);
    assert.ok(preview.includes('#15 is a sub-issue of the epic but no longer a task of the plan: left as it is'), preview.join('\n'));
    assert.ok(preview.every((l) => !l.includes('#16')));
    assert.deepEqual(plan.skipped.map((s) => s.label), ['#15']);

    // Found by its marker alone (no record), through the sub-issue list: the same.
    const linked = new Map([[idOf(15), { id: idOf(15), number: 15, url: `https://github.com/${REPO}/issues/15`, marker: `${epicId}/T5` }]]);
    const byMarker = planAfter(planText(''), state, { ...remote, subIssues, linked });
    assert.ok(describeSyncPlan(byMarker).includes('#15 is a sub-issue of the epic but no longer a task of the plan: left as it is'));
  });
});
