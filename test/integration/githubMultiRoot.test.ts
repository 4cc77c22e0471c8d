// GitHub sync in a workspace of two folders, each a git repository of its own: `alpha`
// (origin github.com/octo-org/planning, which the local GitHub server serves) and `beta`
// (origin git@github.com:octo-org/elsewhere.git, which it does not; its upstream is
// alpha's repository). Each folder syncs to the repository of its own remote and keeps its
// own sync state; a failure in one folder leaves the other alone; a folder whose sync
// state names one of its remotes syncs with that one.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Commands } from '../../src/common/commands';
import type { SyncResult } from '../../src/services/sync/syncEngine';
import { startGitHubServer } from '../servers/github/server';
import type { GitHubServer } from '../servers/github/server';
import { api, closeAllEditors, fileUri, folderUri, observe, readText } from './helpers';

const ALPHA = 0;
const BETA = 1;
const ALPHA_EPIC = 'epics/epic-001-link-shortener.md';
const BETA_EPIC = '.claude/epics/search/epic.md';

class SignedIn implements vscode.AuthenticationProvider {
  private readonly changed = new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>();
  readonly onDidChangeSessions = this.changed.event;
  constructor(private readonly token: string) {}
  async getSessions(scopes?: readonly string[]): Promise<vscode.AuthenticationSession[]> {
    return [{ id: 'test-session', accessToken: this.token, account: { id: '1', label: 'octocat' }, scopes: scopes ?? [] }];
  }
  async createSession(scopes: readonly string[]): Promise<vscode.AuthenticationSession> {
    return (await this.getSessions(scopes))[0];
  }
  async removeSession(): Promise<void> {}
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

suite('GitHub sync in a workspace of two repositories', () => {
  let server: GitHubServer;
  const disposables: vscode.Disposable[] = [];

  suiteSetup(async () => {
    server = await startGitHubServer({ owner: 'octo-org', repo: 'planning' });
    disposables.push(vscode.authentication.registerAuthenticationProvider('github', 'GitHub (test)', new SignedIn(server.token), { supportsMultipleAccounts: false }));
    await vscode.workspace.getConfiguration('autopm.github').update('apiUrl', server.url, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('git').update('enabled', true, vscode.ConfigurationTarget.Workspace);
    for (const folder of [ALPHA, BETA]) await vscode.commands.executeCommand('git.openRepository', folderUri(folder).fsPath);
    await api();
  });

  suiteTeardown(async () => {
    disposables.forEach((d) => d.dispose());
    await vscode.workspace.getConfiguration('git').update('enabled', false, vscode.ConfigurationTarget.Workspace);
    await vscode.workspace.getConfiguration('autopm.github').update('apiUrl', undefined, vscode.ConfigurationTarget.Global);
    await server.close();
  });

  teardown(() => closeAllEditors());

  test("each folder's first sync reads the repository of its own remote: beta's, which GitHub does not show, fails by its name before any question; alpha's is asked about by its name", async () => {
    const betaBefore = await readText(BETA_EPIC, BETA);
    let failed: SyncResult | undefined;
    const { notices } = await observe(async () => {
      failed = await vscode.commands.executeCommand<SyncResult | undefined>(Commands.syncEpic, { folder: folderUri(BETA).toString(), epicPath: BETA_EPIC });
      // Dialogs cannot be answered in a test: an unanswered question is a no.
      assert.equal(await vscode.commands.executeCommand(Commands.syncEpic, { folder: folderUri(ALPHA).toString(), epicPath: ALPHA_EPIC }), undefined);
    });
    assert.equal(failed?.outcome, 'failed');
    const failure = 'Could not read the repository in octo-org/elsewhere: GitHub found no such repository, issue or link (or the account cannot see it). Nothing was written.';
    assert.equal(failed.message, failure);
    assert.deepEqual(
      notices.map((n) => [n.severity, n.message]),
      [
        ['error', `The sync of search failed: ${failure}`],
        ['warning', 'Sync Link Shortener Service to octo-org/planning? This workspace has not synced before: its issues will be created in octo-org/planning.'],
      ],
    );
    assert.equal(server.writes(), 0);
    assert.equal(await readText(BETA_EPIC, BETA), betaBefore);
    assert.equal(await exists(fileUri('.autopm/sync.json', BETA)), false, 'beta has no sync state');
  });

  test('alpha syncs into its own repository, with its own state, and beta is left as it was', async () => {
    const betaBefore = await readText(BETA_EPIC, BETA);
    const synced = await vscode.commands.executeCommand<SyncResult | undefined>(Commands.syncEpic, {
      folder: folderUri(ALPHA).toString(),
      epicPath: ALPHA_EPIC,
      yes: true,
      repository: 'octo-org/planning',
    });
    assert.ok(synced && synced.outcome === 'done', synced?.message);
    assert.equal(synced.repository, 'octo-org/planning');
    assert.equal(synced.created.length, 11);
    const state = JSON.parse(await readText('.autopm/sync.json', ALPHA)) as { repository: string; issues: Record<string, unknown> };
    assert.equal(state.repository, 'octo-org/planning');
    assert.equal(Object.keys(state.issues).length, 11);
    assert.equal(await exists(fileUri('.autopm/sync.json', BETA)), false, 'beta still has no sync state');
    assert.equal(await readText(BETA_EPIC, BETA), betaBefore);
    const { workspace } = await api();
    const epic = workspace.findEpic(folderUri(ALPHA).toString(), ALPHA_EPIC)!.epic;
    assert.ok(epic.tasks.every((t) => t.issue !== undefined), 'every task of alpha links its issue');
  });

  test('Pull from GitHub pulls each synced folder from its own repository, and leaves a folder that never synced alone', async () => {
    const before = await readText(ALPHA_EPIC, ALPHA);
    const line = before.split('\n').find((l) => l.includes('**Task 6:**'))!;
    const number = Number(/\(#(\d+)\)/.exec(line)![1]);
    const closed = await fetch(`${server.url}/repos/octo-org/planning/issues/${number}`, {
      method: 'PATCH',
      headers: { authorization: `token ${server.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ state: 'closed', state_reason: 'completed' }),
    });
    assert.equal(closed.status, 200);
    const betaBefore = await readText(BETA_EPIC, BETA);
    const results = await vscode.commands.executeCommand<Array<{ outcome: string; changed: Array<{ label: string; to: string }>; message: string }>>(Commands.pullFromGitHub);
    assert.deepEqual(
      results.map((r) => [r.outcome, r.changed.map((c) => [c.label, c.to])]),
      [['done', [['T6 Single sign-on for the management API', 'done']]]],
      JSON.stringify(results.map((r) => r.message)),
    );
    assert.equal(await readText(ALPHA_EPIC, ALPHA), before.replace(line, line.replace('- [ ]', '- [x]')));
    assert.equal(await readText(BETA_EPIC, BETA), betaBefore);
  });

  test("a folder whose sync state names one of its remotes' repositories syncs there, not to its origin", async () => {
    // As a team that committed .autopm/sync.json for the upstream repository has it.
    await vscode.workspace.fs.writeFile(fileUri('.autopm/sync.json', BETA), new TextEncoder().encode('{\n  "version": 1,\n  "repository": "octo-org/planning",\n  "issues": {}\n}\n'));
    const issues = server.issues().length;
    const synced = await vscode.commands.executeCommand<SyncResult | undefined>(Commands.syncEpic, { folder: folderUri(BETA).toString(), epicPath: BETA_EPIC, yes: true });
    assert.ok(synced && synced.outcome === 'done', synced?.message);
    assert.equal(synced.repository, 'octo-org/planning');
    const { workspace } = await api();
    const epic = workspace.findEpic(folderUri(BETA).toString(), BETA_EPIC)!.epic;
    assert.equal(server.issues().length, issues + epic.tasks.length + 1, "beta's epic and tasks, besides alpha's");
    const state = JSON.parse(await readText('.autopm/sync.json', BETA)) as { repository: string; issues: Record<string, { key: string }> };
    assert.deepEqual(Object.values(state.issues).map((r) => r.key.split('/')[0]).filter((k, i, all) => all.indexOf(k) === i), ['search'], "beta's state holds beta's issues only");
    const alpha = JSON.parse(await readText('.autopm/sync.json', ALPHA)) as { issues: Record<string, { key: string }> };
    assert.equal(Object.keys(alpha.issues).length, 11, "alpha's state is as alpha's sync left it");
  });
});
