// "Sync Epic to GitHub" in the real VS Code: the workspace is a git repository whose origin
// is github.com/octo-org/planning (the harness makes it); the API is the local GitHub
// server, started here in the extension host and reached through the real Octokit; the
// account is a GitHub authentication provider the test registers, as VS Code's own
// GitHub sign-in would answer.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as vscode from 'vscode';
import { Commands } from '../../src/common/commands';
import { GitHubPull } from '../../src/features/sync/pullFromGitHub';
import type { PullEvent } from '../../src/features/sync/pullFromGitHub';
import type { SyncResult } from '../../src/services/sync/syncEngine';
import { startGitHubServer } from '../servers/github/server';
import type { GitHubServer } from '../servers/github/server';
import { api, children, closeAllEditors, codeLensTitles, eventually, fileUri, folderUri, observe, readText, writeText } from './helpers';

const EPIC_001 = 'epics/epic-001-link-shortener.md';
const SEARCH = '.claude/epics/search/epic.md';

/** A `github` account provider: signed in with the server's token unless told otherwise. */
class TestGitHubAccounts implements vscode.AuthenticationProvider {
  private readonly changed = new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>();
  readonly onDidChangeSessions = this.changed.event;
  signedIn = true;
  /** Whether a sign-in would succeed when asked for. */
  acceptsSignIn = true;
  readonly asked: Array<{ scopes: readonly string[]; created: boolean }> = [];

  constructor(private readonly token: string) {}

  private session(scopes: readonly string[]): vscode.AuthenticationSession {
    return { id: 'test-session', accessToken: this.token, account: { id: '1', label: 'octocat' }, scopes };
  }

  async getSessions(scopes?: readonly string[]): Promise<vscode.AuthenticationSession[]> {
    this.asked.push({ scopes: scopes ?? [], created: false });
    return this.signedIn ? [this.session(scopes ?? [])] : [];
  }

  async createSession(scopes: readonly string[]): Promise<vscode.AuthenticationSession> {
    this.asked.push({ scopes, created: true });
    if (!this.acceptsSignIn) throw new Error('User did not consent to login.');
    this.signedIn = true;
    return this.session(scopes);
  }

  async removeSession(): Promise<void> {
    this.signedIn = false;
  }
}

suite('GitHub sync in VS Code', () => {
  let server: GitHubServer;
  let accounts: TestGitHubAccounts;
  const disposables: vscode.Disposable[] = [];

  suiteSetup(async () => {
    server = await startGitHubServer({ owner: 'octo-org', repo: 'planning' });
    for (let i = 1; i <= 3; i++) server.seedIssue({ title: `Older issue ${i}` });
    accounts = new TestGitHubAccounts(server.token);
    disposables.push(vscode.authentication.registerAuthenticationProvider('github', 'GitHub (test)', accounts, { supportsMultipleAccounts: false }));
    await vscode.workspace.getConfiguration('autopm.github').update('apiUrl', server.url, vscode.ConfigurationTarget.Global);
    // The harness turns git off; a user's VS Code has it on, and the repository comes from it.
    await vscode.workspace.getConfiguration('git').update('enabled', true, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('git.openRepository', folderUri().fsPath);
  });

  suiteTeardown(async () => {
    disposables.forEach((d) => d.dispose());
    await vscode.workspace.getConfiguration('git').update('enabled', false, vscode.ConfigurationTarget.Workspace);
    await vscode.workspace.getConfiguration('autopm.github').update('apiUrl', undefined, vscode.ConfigurationTarget.Global);
    await server.close();
  });

  teardown(async () => {
    server.faults.clear();
    accounts.signedIn = true;
    accounts.acceptsSignIn = true;
    await closeAllEditors();
  });

  test('the epic title offers Sync; without an answer to the preview nothing is written, and the question names the repository', async () => {
    const lenses = await codeLensTitles(fileUri(EPIC_001));
    assert.ok(lenses.some((l) => l.line === 0 && l.title === '$(github) Sync'), JSON.stringify(lenses.filter((l) => l.line === 0)));
    const { notifier } = await api();
    const notices: string[] = [];
    const listening = notifier.onDidNotify((n) => notices.push(n.message));
    try {
      // Dialogs cannot be answered in a test: an unanswered question is a no.
      const result = await vscode.commands.executeCommand<SyncResult | undefined>(Commands.syncEpic, { folder: folderUri().toString(), epicPath: EPIC_001 });
      assert.equal(result, undefined);
      // `yes` without naming the repository does not answer a first sync's question.
      const unnamed = await vscode.commands.executeCommand<SyncResult | undefined>(Commands.syncEpic, { folder: folderUri().toString(), epicPath: EPIC_001, yes: true });
      assert.equal(unnamed, undefined);
      const wrong = await vscode.commands.executeCommand<SyncResult | undefined>(Commands.syncEpic, { folder: folderUri().toString(), epicPath: EPIC_001, yes: true, repository: 'someone/else' });
      assert.equal(wrong, undefined);
    } finally {
      listening.dispose();
    }
    const question = 'Sync Link Shortener Service to octo-org/planning? This workspace has not synced before: its issues will be created in octo-org/planning.';
    assert.equal(notices.filter((m) => m === question).length, 3, JSON.stringify(notices));
    assert.equal(server.writes(), 0);
    assert.ok(!(await readText(EPIC_001)).includes('(#'));
  });

  test('Sync makes the epic issue and one per task, with sub-issues and dependencies, and writes the numbers into the open epic', async function () {
    // Some forty writes, each number written into the open editor: on a loaded two-core
    // machine that outlasts mocha's 20 s default.
    this.timeout(90000);
    const document = await vscode.workspace.openTextDocument(fileUri(EPIC_001));
    await vscode.window.showTextDocument(document);
    const before = document.getText();
    const { notifier } = await api();
    const notices: string[] = [];
    const listening = notifier.onDidNotify((n) => notices.push(n.message));
    let result: SyncResult | undefined;
    try {
      result = await vscode.commands.executeCommand<SyncResult | undefined>(Commands.syncEpic, { folder: folderUri().toString(), epicPath: EPIC_001, yes: true, repository: 'octo-org/planning' });
    } finally {
      listening.dispose();
    }
    assert.equal(result?.outcome, 'done', result?.message);
    assert.equal(result.repository, 'octo-org/planning');
    const made = server.issues().filter((i) => i.body?.includes('autopm:'));
    assert.equal(made.length, 11);
    const epicIssue = made.find((i) => i.labels.includes('epic'))!;
    assert.deepEqual(epicIssue.labels.sort(), ['epic', 'epic:epic-001-link-shortener']);
    assert.equal(epicIssue.subIssueIds.length, 10);
    // Task 5 waits for Tasks 3 and 6: two blocked-by links on its issue.
    const task5 = made.find((i) => i.title === 'Create, update and disable links')!;
    assert.equal(task5.blockedByIds.length, 2);
    // Tasks 1 and 2 are done in the plan: their issues are closed as completed.
    assert.deepEqual(made.filter((i) => i.state === 'closed').map((i) => [i.title, i.stateReason]).sort(), [
      ['Provision PostgreSQL and Redis', 'completed'],
      ['Scaffold the Fastify service', 'completed'],
    ]);

    // The open document got the numbers through a workspace edit, and was saved as it was before.
    const after = document.getText();
    assert.equal(document.isDirty, false);
    assert.equal(after.replace(/ \(#\d+\)$/gm, '').replace(`**GitHub:** https://github.com/octo-org/planning/issues/${epicIssue.number}\n`, ''), before);
    assert.equal(await readText(EPIC_001), after);
    assert.ok(notices.some((m) => /^Synced Link Shortener Service to octo-org\/planning: 11 issues made, .*\b\d+ links made\b/.test(m) && !m.includes('removed')), JSON.stringify(notices));
    const state = JSON.parse(await readText('.autopm/sync.json')) as { repository: string; issues: Record<string, unknown> };
    assert.equal(state.repository, 'octo-org/planning');
    assert.equal(Object.keys(state.issues).length, 11);
    // The index follows: the tasks now link their issues.
    const { workspace } = await api();
    const entry = workspace.findEpic(folderUri().toString(), EPIC_001)!;
    assert.deepEqual(
      entry.epic.tasks.map((t) => t.issue),
      entry.epic.tasks.map((t) => made.find((i) => i.title === t.title)!.number),
    );
  });

  test('a hover on an issue number shows the issue as GitHub has it now', async () => {
    const text = await readText(EPIC_001);
    const line = text.split('\n').findIndex((l) => l.includes('**Task 1:**'));
    const column = text.split('\n')[line].lastIndexOf('(#') + 2;
    const number = Number(/\(#(\d+)\)/.exec(text.split('\n')[line])![1]);
    const hoverText = async () => {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', fileUri(EPIC_001), new vscode.Position(line, column));
      // Plain text in a hover is escaped: spaces become &nbsp;.
      return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n---\n').replace(/&nbsp;/g, ' ');
    };
    const first = await hoverText();
    // The same hover again: a conditional read, answered 304.
    await hoverText();
    const repeat = server.requests.filter((r) => r.method === 'GET' && r.path.endsWith(`/issues/${number}`)).at(-1);
    assert.equal(repeat?.status, 304);
    assert.ok(repeat?.headers['if-none-match'], 'the repeat read carried the ETag');
    assert.match(first, new RegExp(`\\*\\*\\[#${number}\\]\\(https://github\\.com/octo-org/planning/issues/${number}\\)\\*\\* Scaffold the Fastify service`));
    assert.match(first, /\$\(issue-closed\) Closed as completed on GitHub/);
    // Reopened on GitHub: the next hover says so (a conditional read that is no longer a 304).
    const patch = (body: unknown) =>
      fetch(`${server.url}/repos/octo-org/planning/issues/${number}`, {
        method: 'PATCH',
        headers: { authorization: `token ${server.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    assert.equal((await patch({ state: 'open' })).status, 200);
    assert.match(await hoverText(), /\$\(issue-opened\) Open on GitHub/);
    const reads = server.requests.filter((r) => r.method === 'GET' && r.path.endsWith(`/issues/${number}`));
    assert.ok(reads.length >= 2, JSON.stringify(reads.map((r) => r.status)));
    // Put back as the plan has it, for the tests that follow.
    assert.equal((await patch({ state: 'closed', state_reason: 'completed' })).status, 200);
  });

  test('a second sync finds nothing to write and asks nothing; an API address in the workspace settings is ignored', async () => {
    // A repository's own settings must not be able to send the account's token elsewhere:
    // VS Code refuses to write the setting there, so the file is written as a repository would.
    const settings = fileUri('.vscode/settings.json');
    const changed = new Promise<void>((resolve) => {
      const listener = vscode.workspace.onDidChangeConfiguration(() => {
        listener.dispose();
        resolve();
      });
      setTimeout(resolve, 2000);
    });
    // The settings the suite wrote there (git turned on) stay.
    const previous = await vscode.workspace.fs.readFile(settings);
    const merged = { ...(JSON.parse(new TextDecoder().decode(previous)) as object), 'autopm.github.apiUrl': 'http://127.0.0.1:9', 'autopm.github.enterpriseUrl': 'http://127.0.0.1:9', 'editor.tabSize': 3 };
    await vscode.workspace.fs.writeFile(settings, new TextEncoder().encode(JSON.stringify(merged)));
    try {
      await changed;
      assert.equal(vscode.workspace.getConfiguration('editor').get('tabSize'), 3, 'VS Code read the workspace settings');
      const writes = server.writes();
      const reads = server.requests.length;
      const result = await vscode.commands.executeCommand<SyncResult | undefined>(Commands.syncEpic, { folder: folderUri().toString(), epicPath: EPIC_001 });
      assert.equal(result?.outcome, 'done', result?.message);
      assert.equal(result.writes, 0);
      assert.equal(server.writes(), writes);
      assert.ok(server.requests.length > reads, 'the sync read from the address in the user settings');
    } finally {
      await vscode.workspace.fs.writeFile(settings, previous);
    }
  });

  test('a directory epic: a 502 after GitHub made an issue is recovered by its marker, task files are renamed to their numbers, references follow', async () => {
    // The first create of this run is carried out, then answered with a 502.
    server.faults.add({ method: 'POST', path: '/repos/*/*/issues', times: 1, fault: { kind: 'error-after-commit' } });
    const result = await vscode.commands.executeCommand<SyncResult | undefined>(Commands.syncEpic, { folder: folderUri().toString(), epicPath: SEARCH, yes: true });
    assert.equal(result?.outcome, 'done', result?.message);
    const made = server.issues().filter((i) => i.body?.includes('autopm:task search/') || i.body?.includes('autopm:epic search'));
    assert.equal(made.length, 5, made.map((i) => i.title).join(', '));
    assert.equal(result.adopted.length, 1);
    const pageIssue = made.find((i) => i.title === 'Search page')!;
    const files = await vscode.workspace.fs.readDirectory(vscode.Uri.joinPath(folderUri(), '.claude', 'epics', 'search'));
    assert.ok(files.some(([name]) => name === `${pageIssue.number}.md`), JSON.stringify({ files, renamed: result.renamed, skipped: result.skipped }));
    assert.ok(!files.some(([name]) => name === '010.md'));
    const pageTask = await readText(`.claude/epics/search/${pageIssue.number}.md`);
    assert.match(pageTask, new RegExp(`^github: https://github\\.com/octo-org/planning/issues/${pageIssue.number}$`, 'm'));
    const { workspace } = await api();
    await eventually(() => {
      const entry = workspace.findEpic(folderUri().toString(), SEARCH)!;
      assert.equal(entry.epic.tasks.find((t) => t.title === 'Search page')?.id, String(pageIssue.number));
      // Its dependencies still name the two tasks, by their numbers now.
      const numberOf = (title: string) => String(made.find((i) => i.title === title)!.number);
      assert.deepEqual([...entry.epic.tasks.find((t) => t.title === 'Search page')!.dependsOn].sort(), [numberOf('Query API'), numberOf('Ranking')].sort());
    });
  });

  test('Pull from GitHub brings issue states into the plan with minimal edits; a second pull reads only 304s and changes nothing', async () => {
    const before = await readText(EPIC_001);
    const lines = before.split('\n');
    const line = lines.findIndex((l) => l.includes('**Task 6:**'));
    const number = Number(/\(#(\d+)\)/.exec(lines[line])![1]);
    const closed = await fetch(`${server.url}/repos/octo-org/planning/issues/${number}`, {
      method: 'PATCH',
      headers: { authorization: `token ${server.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ state: 'closed', state_reason: 'completed' }),
    });
    assert.equal(closed.status, 200);
    const { pull } = await api();
    const results = await vscode.commands.executeCommand<Array<{ outcome: string; changed: Array<{ label: string; to: string }>; message: string }>>(Commands.pullFromGitHub);
    assert.equal(results.length, 1);
    assert.equal(results[0].outcome, 'done', results[0].message);
    assert.deepEqual(results[0].changed.map((c) => [c.label, c.to]), [['T6 Single sign-on for the management API', 'done']]);
    // Only the checkbox of Task 6 changed.
    const after = await readText(EPIC_001);
    const changed = after.split('\n').map((l, i) => [l, lines[i]]).filter(([a, b]) => a !== b);
    assert.deepEqual(changed, [[lines[line].replace('- [ ]', '- [x]'), lines[line]]]);

    // In the background, an epic with unsaved changes is not pulled.
    const reopen = await fetch(`${server.url}/repos/octo-org/planning/issues/${number}`, {
      method: 'PATCH',
      headers: { authorization: `token ${server.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ state: 'open' }),
    });
    assert.equal(reopen.status, 200);
    const document = await vscode.workspace.openTextDocument(fileUri(EPIC_001));
    const editor = await vscode.window.showTextDocument(document);
    const doneLine = lines[line].replace('- [ ]', '- [x]');
    await eventually(() => assert.ok(document.getText().includes(doneLine), 'the document holds what the pull wrote'));
    // The web workbench saves edits after a second: a slow pull would find the edit saved.
    const files = vscode.workspace.getConfiguration('files');
    await files.update('autoSave', 'off', vscode.ConfigurationTarget.Workspace);
    try {
      await editor.edit((b) => b.insert(new vscode.Position(document.lineCount - 1, 0), 'unsaved\n'));
      const skipped = await pull.pullAll(false);
      assert.deepEqual(skipped[0]?.changed ?? [], []);
      assert.ok(document.getText().includes(doneLine), 'the buffer keeps Task 6 done');
      await vscode.commands.executeCommand('workbench.action.files.revert');
      assert.equal(document.isDirty, false);
    } finally {
      await files.update('autoSave', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await closeAllEditors();
    // Put back as the plan has it.
    const reclose = await fetch(`${server.url}/repos/octo-org/planning/issues/${number}`, {
      method: 'PATCH',
      headers: { authorization: `token ${server.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ state: 'closed', state_reason: 'completed' }),
    });
    assert.equal(reclose.status, 200);
    // The pull that follows reads the changed issue once, finds it as the plan has it, and records it.
    await pull.pullAll(false);

    const requestsBefore = server.requests.length;
    const again = await pull.pullAll(false);
    assert.equal(again[0].outcome, 'done');
    assert.equal(again[0].changed.length, 0);
    assert.equal(await readText(EPIC_001), after);
    const reads = server.requests.slice(requestsBefore).filter((r) => r.method === 'GET' && /\/issues\/\d+$/.test(r.path));
    assert.ok(reads.length > 0 && reads.every((r) => r.status === 304), JSON.stringify(reads.map((r) => `${r.path} ${r.status}`)));
  });

  test('on the timer and when the window gains focus, issue states are pulled in the background; with both settings off, never', async () => {
    const { pull } = await api();
    const config = vscode.workspace.getConfiguration('autopm.github');
    const windowState = new vscode.EventEmitter<vscode.WindowState>();
    // The extension's own scheduling, with minutes of 100 ms and an event standing in for the window's focus.
    const background = new GitHubPull(pull.services, { windowState: windowState.event, minuteMs: 100, focusIntervalMs: 60_000 });
    const pulls: PullEvent[] = [];
    background.onDidPull((e) => pulls.push(e));
    const setIssue = async (number: number, body: object): Promise<void> => {
      const answer = await fetch(`${server.url}/repos/octo-org/planning/issues/${number}`, {
        method: 'PATCH',
        headers: { authorization: `token ${server.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      assert.equal(answer.status, 200);
    };
    const taskLine = async (): Promise<string> => (await readText(EPIC_001)).split('\n').find((l) => l.includes('**Task 6:**'))!;
    const number = Number(/\(#(\d+)\)/.exec(await taskLine())![1]);
    assert.match(await taskLine(), /^- \[x\]/);
    try {
      // Off by default: neither focus nor time pulls anything.
      windowState.fire({ focused: false, active: false });
      windowState.fire({ focused: true, active: true });
      await new Promise((resolve) => setTimeout(resolve, 400));
      assert.equal(pulls.length, 0);

      await setIssue(number, { state: 'open' });
      await config.update('pullIntervalMinutes', 2, vscode.ConfigurationTarget.Workspace);
      await eventually(async () => assert.match(await taskLine(), /^- \[ \]/));
      // The file is written before the pull reports.
      await eventually(() => assert.equal(pulls.filter((p) => p.result.outcome === 'done' && p.result.changed.length > 0).length, 1, JSON.stringify(pulls.map((p) => p.result.outcome))));
      assert.ok(pulls.length >= 1 && pulls.every((p) => p.background));
      await config.update('pullIntervalMinutes', undefined, vscode.ConfigurationTarget.Workspace);
      // The timer stops with the setting: once a pull in flight has reported, no other starts.
      await eventually(() => assert.deepEqual(background.activity, { scheduled: false, running: 0 }), 15000);
      const afterTimer = pulls.length;
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.equal(pulls.length, afterTimer);

      await setIssue(number, { state: 'closed', state_reason: 'completed' });
      await config.update('pullOnFocus', true, vscode.ConfigurationTarget.Workspace);
      windowState.fire({ focused: false, active: false });
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(pulls.length, afterTimer, 'losing focus pulls nothing');
      windowState.fire({ focused: true, active: true });
      await eventually(async () => assert.match(await taskLine(), /^- \[x\]/));
      await eventually(() => assert.equal(pulls.length, afterTimer + 1));
      // Focus that comes back soon after does not pull again.
      windowState.fire({ focused: true, active: true });
      await new Promise((resolve) => setTimeout(resolve, 400));
      assert.equal(pulls.length, afterTimer + 1);
    } finally {
      background.dispose();
      windowState.dispose();
      await config.update('pullIntervalMinutes', undefined, vscode.ConfigurationTarget.Workspace);
      await config.update('pullOnFocus', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  test("Close Task's Issue comments once and closes the issue as completed, marking the task done; Reopen reverses both", async () => {
    const before = await readText(EPIC_001);
    const lines = before.split('\n');
    const line = lines.findIndex((l) => l.includes('**Task 3:**'));
    const number = Number(/\(#(\d+)\)/.exec(lines[line])![1]);
    const taskRef = { folder: folderUri().toString(), epicPath: EPIC_001, taskId: 'T3' };
    const closed = await vscode.commands.executeCommand<{ outcome: string; message: string; commented: boolean }>(Commands.closeIssue, taskRef);
    assert.equal(closed?.outcome, 'done', closed?.message);
    assert.equal(closed.commented, true);
    const issue = server.issue(number)!;
    assert.deepEqual([issue.state, issue.stateReason], ['closed', 'completed']);
    const comments = server.comments(number);
    assert.equal(comments.length, 1);
    assert.match(comments[0].body, /Link table and slug generator/);
    // The task's checkbox, and nothing else.
    const after = await readText(EPIC_001);
    assert.deepEqual(
      after.split('\n').map((l, i) => [l, lines[i]]).filter(([a, b]) => a !== b),
      [[lines[line].replace('- [-]', '- [x]'), lines[line]]],
    );

    const reopened = await vscode.commands.executeCommand<{ outcome: string; message: string }>(Commands.reopenIssue, taskRef);
    assert.equal(reopened?.outcome, 'done', reopened?.message);
    assert.deepEqual([server.issue(number)!.state, server.issue(number)!.stateReason], ['open', 'reopened']);
    assert.match(await readText(EPIC_001), /- \[ \] \*\*Task 3:\*\*/);
  });

  test('Import Issues turns an epic issue with sub-issues and a blocked-by link into an epic that parses back, and a sync of it makes nothing', async () => {
    const parent = server.seedIssue({ title: 'Notifications', body: 'Tell people when things change.' });
    const email = server.seedIssue({ title: 'Email digest', body: 'A daily email.' });
    const push = server.seedIssue({ title: 'Push notifications', body: 'To phones.' });
    server.seedSubIssue(parent.number, email.number);
    server.seedSubIssue(parent.number, push.number);
    server.seedBlockedBy(push.number, email.number);
    // A sub-issue of a task is not a task: the import names it and leaves it on GitHub.
    const template = server.seedIssue({ title: 'Digest template' });
    server.seedSubIssue(email.number, template.number);
    let result: { outcome: string; message: string; path?: string; epicId?: string } | undefined;
    const { notices } = await observe(async () => {
      result = await vscode.commands.executeCommand(Commands.importIssues, { folder: folderUri().toString(), source: { kind: 'epic', number: parent.number } });
    });
    assert.ok(result);
    assert.equal(result.outcome, 'done', result.message);
    assert.deepEqual(
      notices.map((n) => [n.severity, n.message]),
      [['information', `${result.message} #${email.number} has sub-issues of its own (#${template.number}), which were not imported: a task has no subtasks. Import #${email.number} to make them an epic of their own.`]],
    );
    const { workspace } = await api();
    const entry = workspace.findEpic(folderUri().toString(), result.path!)!;
    assert.ok(entry, `the index has ${result.path}`);
    assert.deepEqual(entry.epic.tasks.map((t) => [t.title, t.issue]), [['Email digest', email.number], ['Push notifications', push.number]]);
    const [first, second] = entry.epic.tasks;
    assert.deepEqual(second.dependsOn, [first.id]);
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), fileUri(result.path!).toString());

    const created = server.issues().length;
    const synced = await vscode.commands.executeCommand<SyncResult | undefined>(Commands.syncEpic, { folder: folderUri().toString(), epicPath: result.path, yes: true });
    assert.ok(synced && synced.outcome === 'done', synced?.message);
    assert.equal(synced.created.length, 0);
    assert.equal(server.issues().length, created);
    // What a sync of an imported epic writes: its markers into the bodies, and labels; then nothing.
    const again = await vscode.commands.executeCommand<SyncResult | undefined>(Commands.syncEpic, { folder: folderUri().toString(), epicPath: result.path, yes: true });
    assert.equal(again?.writes, 0, JSON.stringify(again?.preview));
  });

  test('from the tree: an epic node syncs its epic, a task node closes and reopens its issue, and the menus offer them where they apply', async () => {
    const { explorer } = await api();
    const epics = await children(explorer.epics);
    const search = epics.find((e) => e.label.includes('search') || e.label.includes('Search'));
    assert.ok(search && search.contextValue === 'epic', JSON.stringify(epics.map((e) => [e.label, e.contextValue])));
    const result = await vscode.commands.executeCommand<SyncResult | undefined>(Commands.syncEpic, search.node);
    assert.equal(result?.outcome, 'done', result?.message);
    assert.equal(result.writes, 0);
    const flatten = async (nodes: Awaited<ReturnType<typeof children>>): Promise<Awaited<ReturnType<typeof children>>> =>
      (await Promise.all(nodes.map(async (n) => [n, ...(await flatten(await children(explorer.epics, n.node)))]))).flat();
    const rows = await flatten(await children(explorer.epics, search.node));
    const ranking = rows.find((r) => r.label.includes('Ranking'));
    assert.ok(ranking, JSON.stringify(rows.map((r) => r.label)));
    // The menus' `when` clauses read these: an open task with an issue offers Close.
    assert.match(ranking.contextValue ?? '', /^task\.open.*\.linked/);
    const number = server.issues().find((i) => i.title === 'Ranking')!.number;
    const closed = await vscode.commands.executeCommand<{ outcome: string; message: string }>(Commands.closeIssue, ranking.node);
    assert.equal(closed?.outcome, 'done', closed?.message);
    assert.equal(server.issue(number)!.state, 'closed');
    const reopened = await vscode.commands.executeCommand<{ outcome: string; message: string }>(Commands.reopenIssue, ranking.node);
    assert.equal(reopened?.outcome, 'done', reopened?.message);
    assert.equal(server.issue(number)!.state, 'open');
  });

  test('GitHub Enterprise: with its address in the user settings, the github-enterprise account and a remote on that host are used', async () => {
    const host = new URL(server.url).host;
    const enterprise = new TestGitHubAccounts(server.token);
    const registration = vscode.authentication.registerAuthenticationProvider('github-enterprise', 'GitHub Enterprise (test)', enterprise, { supportsMultipleAccounts: false });
    const git = (...args: string[]) => execFileSync('git', args, { cwd: folderUri().fsPath, stdio: 'ignore' });
    const config = vscode.workspace.getConfiguration('autopm.github');
    try {
      await config.update('enterpriseUrl', server.url, vscode.ConfigurationTarget.Global);
      git('remote', 'set-url', 'origin', `http://${host}/octo-org/planning.git`);
      const reads = server.requests.length;
      const result = await eventually(async () => {
        const synced = await vscode.commands.executeCommand<SyncResult | undefined>(Commands.syncEpic, { folder: folderUri().toString(), epicPath: EPIC_001 });
        assert.equal(synced?.outcome, 'done', synced?.message);
        return synced!;
      }, 15000);
      assert.equal(result.repository, 'octo-org/planning');
      assert.ok(enterprise.asked.length > 0 && !enterprise.asked.some((a) => a.created), JSON.stringify(enterprise.asked));
      assert.ok(server.requests.length > reads);
    } finally {
      git('remote', 'set-url', 'origin', 'https://github.com/octo-org/planning.git');
      await config.update('enterpriseUrl', undefined, vscode.ConfigurationTarget.Global);
      registration.dispose();
      // The tests after this one need the git extension to see the remote back on github.com.
      const repository = vscode.extensions.getExtension<{ getAPI(v: 1): { getRepository(uri: vscode.Uri): { state: { remotes: Array<{ fetchUrl?: string }> } } | null } }>('vscode.git')!.exports.getAPI(1).getRepository(folderUri());
      await eventually(() => assert.match(repository?.state.remotes[0]?.fetchUrl ?? '', /github\.com/), 15000);
    }
  });

  test('Cancel on the sync\'s progress notification stops it between writes; the next sync finishes it with no duplicate issue', async () => {
    const epicPath = 'epics/epic-009-cancel-me.md';
    await writeText(epicPath, '# Epic 009: Cancel me\n\n**Status:** Planning\n\n## Tasks\n\n- [ ] **Task 1:** First step\n- [ ] **Task 2:** Second step\n- [ ] **Task 3:** Third step\n');
    const { workspace } = await api();
    await eventually(() => assert.ok(workspace.findEpic(folderUri().toString(), epicPath)));
    const mine = () => server.issues().filter((i) => i.body?.includes('autopm:epic epic-009-cancel-me') || i.body?.includes('autopm:task epic-009-cancel-me/'));
    // The second create answers late, which leaves time to press Cancel.
    server.faults.add({ method: 'POST', path: '/repos/*/*/issues', times: 3, fault: { kind: 'delay', ms: 1500 } });
    const running = vscode.commands.executeCommand<SyncResult | undefined>(Commands.syncEpic, { folder: folderUri().toString(), epicPath, yes: true });
    await eventually(() => assert.ok(mine().length >= 1), 15000);
    await vscode.commands.executeCommand('notification.acceptPrimaryAction');
    const cancelled = await running;
    assert.equal(cancelled?.outcome, 'cancelled', cancelled?.message);
    const partial = mine().length;
    assert.ok(partial >= 1 && partial < 4, `${partial} issues before the cancel took effect`);
    server.faults.clear();
    const finished = await vscode.commands.executeCommand<SyncResult | undefined>(Commands.syncEpic, { folder: folderUri().toString(), epicPath, yes: true });
    assert.equal(finished?.outcome, 'done', finished?.message);
    assert.equal(mine().length, 4, 'the epic and its three tasks, each once');
    const text = await readText(epicPath);
    assert.equal((text.match(/\(#\d+\)$/gm) ?? []).length, 3, text);
  });

  test('signed out, Sync asks silently first, then for a sign-in; without one it writes nothing and says why', async () => {
    accounts.signedIn = false;
    accounts.acceptsSignIn = false;
    accounts.asked.length = 0;
    const { notifier } = await api();
    const notices: string[] = [];
    const listening = notifier.onDidNotify((n) => notices.push(n.message));
    const writes = server.writes();
    try {
      const result = await vscode.commands.executeCommand<SyncResult | undefined>(Commands.syncEpic, { folder: folderUri().toString(), epicPath: EPIC_001, yes: true });
      assert.equal(result, undefined);
    } finally {
      listening.dispose();
    }
    // Silent first; then VS Code's sign-in dialog, which a test cannot answer: a refusal.
    assert.equal(accounts.asked[0]?.created, false);
    assert.ok(accounts.asked.length >= 1 && accounts.asked.every((a) => a.scopes.includes('repo')), JSON.stringify(accounts.asked));
    assert.equal(server.writes(), writes);
    assert.ok(notices.some((m) => /^Not synced: Could not sign in to GitHub: .*wants to sign in/.test(m)), JSON.stringify(notices));
  });

  test('Sign in to GitHub (the walkthrough\'s step) names the account it found; refused, it says why', async () => {
    accounts.asked.length = 0;
    assert.equal(await vscode.commands.executeCommand<string | undefined>(Commands.signInToGitHub), 'octocat');
    assert.ok(accounts.asked.length >= 1 && accounts.asked.every((a) => a.scopes.includes('repo')), JSON.stringify(accounts.asked));

    accounts.signedIn = false;
    accounts.acceptsSignIn = false;
    const { notifier } = await api();
    const notices: string[] = [];
    const listening = notifier.onDidNotify((n) => notices.push(n.message));
    try {
      assert.equal(await vscode.commands.executeCommand<string | undefined>(Commands.signInToGitHub), undefined);
    } finally {
      listening.dispose();
    }
    assert.ok(notices.some((m) => /sign in/i.test(m)), JSON.stringify(notices));
  });
});
