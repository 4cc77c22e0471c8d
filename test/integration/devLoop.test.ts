// The development loop in the real VS Code, in a git repository the harness made (one
// commit on main; origin on github.com for the local GitHub server, pushing to a bare
// repository beside the workspace): Start Task makes the task's branch, edits the file
// and assigns and labels its issue; Complete Task fills the commit message and closes the
// issue with a comment on the work; Reopen reopens it.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Commands } from '../../src/common/commands';
import type { FollowUpEvent } from '../../src/features/devloop/devLoop';
import type { HandoffResult } from '../../src/features/devloop/handoffCommand';
import type { GitRepository } from '../../src/services/gitExtension';
import type { SyncResult } from '../../src/services/sync/syncEngine';
import { startGitHubServer } from '../servers/github/server';
import type { GitHubServer } from '../servers/github/server';
import { api, closeAllEditors, eventually, folderUri, observe, readText, ref, writeText } from './helpers';

const EPIC = 'epics/epic-001-link-shortener.md';

/** Runs `body` with the extension host's PATH lacking the folder of the suite's stand-in `claude`. */
async function withoutClaudeOnPath<T>(body: () => Promise<T>): Promise<T> {
  const saved = process.env.PATH;
  process.env.PATH = (saved ?? '').split(path.delimiter).filter((dir) => !fs.existsSync(path.join(dir, 'claude'))).join(path.delimiter);
  try {
    return await body();
  } finally {
    process.env.PATH = saved;
  }
}

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

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: folderUri().fsPath, encoding: 'utf8' }).trim();
}

function repository(): GitRepository {
  const found = vscode.extensions.getExtension<{ getAPI(v: 1): { getRepository(uri: vscode.Uri): GitRepository | null } }>('vscode.git')!.exports.getAPI(1).getRepository(folderUri());
  assert.ok(found, 'the git extension has the workspace repository open');
  return found;
}

/**
 * The follow-ups the dev loop reports until one of `step` arrives for the task. `accept`:
 * the notification whose message it matches gets its first button pressed, as a user
 * would, once VS Code has had a moment to show it.
 */
async function followUp(taskId: string, step: FollowUpEvent['step'], run: () => Thenable<unknown>, accept?: RegExp, timeoutMs = 15000): Promise<FollowUpEvent[]> {
  const { devLoop, notifier } = await api();
  const seen: FollowUpEvent[] = [];
  let listener: vscode.Disposable | undefined;
  const pressing = notifier.onDidNotify((notice) => {
    if (accept?.test(notice.message)) setTimeout(() => void vscode.commands.executeCommand('notification.acceptPrimaryAction'), 700);
  });
  const arrived = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${step}" follow-up for ${taskId}; saw ${JSON.stringify(seen)}`)), timeoutMs);
    listener = devLoop.onDidFollowUp((event) => {
      seen.push(event);
      if (event.taskId === taskId && event.step === step) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  try {
    await run();
    await arrived;
  } finally {
    listener?.dispose();
    pressing.dispose();
  }
  return seen;
}

/** Files git sees as changed or untracked. */
function changes(): number {
  const { state } = repository();
  return state.workingTreeChanges.length + state.indexChanges.length + (state.untrackedChanges?.length ?? 0);
}

function taskLine(text: string, task: number): string {
  return text.split('\n').find((l) => l.includes(`**Task ${task}:**`))!;
}

suite('The development loop', () => {
  let server: GitHubServer;
  const disposables: vscode.Disposable[] = [];
  let sso: number;

  suiteSetup(async function () {
    this.timeout(60000);
    server = await startGitHubServer({ owner: 'octo-org', repo: 'planning' });
    disposables.push(vscode.authentication.registerAuthenticationProvider('github', 'GitHub (test)', new SignedIn(server.token), { supportsMultipleAccounts: false }));
    await vscode.workspace.getConfiguration('autopm.github').update('apiUrl', server.url, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('git').update('enabled', true, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('git.openRepository', folderUri().fsPath);
    await eventually(() => repository(), 15000);
    const synced = await vscode.commands.executeCommand<SyncResult | undefined>(Commands.syncEpic, { folder: folderUri().toString(), epicPath: EPIC, yes: true, repository: 'octo-org/planning' });
    assert.ok(synced && synced.outcome === 'done', synced?.message);
    sso = Number(/\(#(\d+)\)$/.exec(taskLine(await readText(EPIC), 6))![1]);
    git('add', '-A');
    git('commit', '-q', '-m', 'Sync the plan with GitHub');
    await repository().status();
    await eventually(() => assert.equal(changes(), 0), 15000);
  });

  suiteTeardown(async () => {
    disposables.forEach((d) => d.dispose());
    await vscode.workspace.getConfiguration('git').update('enabled', false, vscode.ConfigurationTarget.Workspace);
    await vscode.workspace.getConfiguration('autopm.github').update('apiUrl', undefined, vscode.ConfigurationTarget.Global);
    await server.close();
  });

  teardown(async () => {
    await vscode.commands.executeCommand('notifications.clearAll');
    await closeAllEditors();
  });

  test('Start Task, with uncommitted changes and the question unanswered, changes nothing: no branch, no edit', async () => {
    const before = await readText(EPIC);
    await writeText('notes.txt', 'work in progress\n');
    await repository().status();
    try {
      await eventually(() => assert.equal(changes(), 1), 15000);
      const { notices } = await observe(() => vscode.commands.executeCommand(Commands.startTask, ref(EPIC, 'T6')));
      assert.deepEqual(
        notices.map((n) => [n.message, n.items, n.modal]),
        [['The working tree has uncommitted changes. Take them to a new branch feature/task-t6-single-sign-on-for-the-management-api and start T6 Single sign-on for the management API?', ['Take Them Along', 'Start Without a Branch'], true]],
      );
      assert.equal(await readText(EPIC), before);
      assert.equal(git('branch', '--show-current'), 'main');
      assert.equal(git('branch', '--list', 'feature/*'), '');
    } finally {
      await vscode.workspace.fs.delete(vscode.Uri.joinPath(folderUri(), 'notes.txt'));
      await repository().status();
      await eventually(() => assert.equal(changes(), 0), 15000);
    }
  });

  test('Start Task creates and checks out the branch, marks the task in progress, makes it active, and assigns and labels its issue', async () => {
    const { activeTask } = await api();
    const before = await readText(EPIC);
    const events = await followUp('T6', 'assigned', () => vscode.commands.executeCommand(Commands.startTask, ref(EPIC, 'T6')));
    assert.deepEqual(events.map((e) => [e.taskId, e.step, e.detail]), [['T6', 'assigned', 'octocat']]);
    assert.equal(git('branch', '--show-current'), 'feature/task-t6-single-sign-on-for-the-management-api');
    const after = await readText(EPIC);
    assert.equal(after, before.replace(taskLine(before, 6), taskLine(before, 6).replace('- [ ]', '- [-]')));
    const issue = server.issue(sso)!;
    assert.deepEqual(issue.assignees, ['octocat']);
    assert.ok(issue.labels.includes('in-progress'), issue.labels.join(', '));
    const current = activeTask.current();
    assert.equal(current?.entry.task.id, 'T6');
    assert.equal(current?.record.branch, 'feature/task-t6-single-sign-on-for-the-management-api');
    assert.equal(current?.record.startCommit, git('rev-parse', 'main'));
  });

  test('Complete Task fills the commit message, closes the issue with the commits since the start, and offers the next task', async () => {
    const before = await readText(EPIC);
    await writeText('src/sso.ts', 'export const sso = true;\n');
    git('add', 'src/sso.ts');
    git('commit', '-q', '-m', 'Add single sign-on');
    const commit = git('rev-parse', '--short=7', 'HEAD');
    const seen = await followUp('T6', 'next-offered', () => vscode.commands.executeCommand(Commands.completeTask, ref(EPIC, 'T6')), /^T6 .* is done\. Close #\d+ on GitHub/);
    assert.deepEqual(seen.map((e) => [e.step, e.detail]), [['commit-message', `Single sign-on for the management API\n\nCloses #${sso}`], ['closed', String(sso)], ['next-offered', '']]);
    // Nothing is ready after it: T5 still waits for T3, which is in progress.
    assert.equal(repository().inputBox.value, `Single sign-on for the management API\n\nCloses #${sso}`);
    const text = await readText(EPIC);
    assert.match(taskLine(text, 6), /^- \[x\] /);
    assert.equal(text.replace(taskLine(text, 6), ''), before.replace(taskLine(before, 6), ''));
    const issue = server.issue(sso)!;
    assert.equal(issue.state, 'closed');
    assert.equal(issue.stateReason, 'completed');
    assert.ok(!issue.labels.includes('in-progress'), issue.labels.join(', '));
    const comment = server.comments(sso).at(-1)!.body;
    assert.match(comment, /T6 Single sign-on for the management API\*\* is done/);
    assert.ok(comment.includes(`1 commit since the task started on \`feature/task-t6-single-sign-on-for-the-management-api\`:\n- ${commit} Add single sign-on`), comment);
    const { activeTask } = await api();
    assert.equal(activeTask.current(), undefined, 'a done task is no longer the active one');
  });

  test('Reopen Task offers to reopen the issue too, and does', async () => {
    await followUp('T6', 'reopened', () => vscode.commands.executeCommand(Commands.reopenTask, ref(EPIC, 'T6')), /is open again\. Reopen #\d+ on GitHub too\?$/);
    assert.match(taskLine(await readText(EPIC), 6), /^- \[ \] /);
    const issue = server.issue(sso)!;
    assert.equal(issue.state, 'open');
    assert.match(server.comments(sso).at(-1)!.body, /is open again/);
  });

  test('the branch name follows the setting; a setting git cannot take stops Start with nothing written', async () => {
    // What Complete and Reopen wrote is committed, as a user would before starting again.
    git('add', '-A');
    git('commit', '-q', '-m', 'Single sign-on, reopened');
    await repository().status();
    await eventually(() => assert.equal(changes(), 0), 15000);
    const config = vscode.workspace.getConfiguration('autopm.git');
    try {
      await config.update('branchName', 'wip/${issue} ${slug}', vscode.ConfigurationTarget.Workspace);
      const before = await readText(EPIC);
      const { notices } = await observe(() => vscode.commands.executeCommand(Commands.startTask, ref(EPIC, 'T6')));
      assert.equal(notices.at(-1)?.severity, 'error');
      assert.match(notices.at(-1)!.message, /^Could not start T6 .*: the branch name setting \(autopm\.git\.branchName\) gives "wip\/\d+ .*", which git does not accept as a branch name: it holds a space/);
      assert.equal(await readText(EPIC), before);
      await config.update('branchName', 'wip/${epic}/${issue}', vscode.ConfigurationTarget.Workspace);
      await followUp('T6', 'assigned', () => vscode.commands.executeCommand(Commands.startTask, ref(EPIC, 'T6')));
      assert.equal(git('branch', '--show-current'), `wip/epic-001-link-shortener/${sso}`);
    } finally {
      await config.update('branchName', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  test('Hand to Claude Code opens Claude Code with the prompt for the active task, through its address', async () => {
    const { activeTask } = await api();
    assert.equal(activeTask.current()?.entry.task.id, 'T6', 'T6 is the active task');
    let result: HandoffResult | undefined;
    const { opened } = await observe(async () => {
      result = await vscode.commands.executeCommand<HandoffResult | undefined>(Commands.handToClaudeCode);
    });
    assert.equal(result?.mode, 'extension');
    const prefix = `${vscode.env.uriScheme}://anthropic.claude-code/open?prompt=`;
    assert.equal(result.uri, `${prefix}${encodeURIComponent(result.prompt)}`);
    assert.deepEqual(opened, [vscode.Uri.parse(result.uri, true).toString(true)]);
    // VS Code hands the address to the extension that owns it.
    const received = await eventually(async () => {
      const got = await vscode.commands.executeCommand<Array<{ path: string; prompt: string | null }>>('autopmTest.claudeCode.received');
      assert.equal(got.length, 1);
      return got;
    });
    assert.deepEqual(received, [{ path: '/open', prompt: result.prompt }]);
    const lines = result.prompt.split('\n');
    assert.equal(lines[0], `Implement task T6 of the epic "Link Shortener Service": Single sign-on for the management API (GitHub issue #${sso}, estimate 3 hours).`);
    assert.ok(result.prompt.includes('## From the epic: Overview\n'), result.prompt);
    assert.ok(result.prompt.includes('## From the PRD (Link Shortener Service): Technical Requirements\n'), result.prompt);
    assert.ok(result.prompt.endsWith(`- Mark the task done in ${EPIC}, on the task's line, and mention #${sso} in the commit message.\n`), result.prompt);
  });

  test('Hand to Claude Code copies the prompt when the setting says so, or when what it names is not there', async () => {
    const config = vscode.workspace.getConfiguration('autopm.claudeCode');
    try {
      await config.update('handoff', 'clipboard', vscode.ConfigurationTarget.Workspace);
      await vscode.env.clipboard.writeText('');
      const { notices } = await observe(async () => {
        const copied = await vscode.commands.executeCommand<HandoffResult | undefined>(Commands.handToClaudeCode, ref(EPIC, 'T6'));
        assert.equal(copied?.mode, 'clipboard');
        assert.equal(await vscode.env.clipboard.readText(), copied.prompt);
      });
      assert.deepEqual(notices.map((n) => n.message), ['The prompt for T6 Single sign-on for the management API is on the clipboard: paste it into Claude Code.']);
      // Without `claude` on the extension host's PATH (the suite puts test/bin there).
      await config.update('handoff', 'terminal', vscode.ConfigurationTarget.Workspace);
      const terminals = vscode.window.terminals.length;
      const { notices: fallback } = await withoutClaudeOnPath(() => observe(() => vscode.commands.executeCommand(Commands.handToClaudeCode, ref(EPIC, 'T6'))));
      assert.deepEqual(fallback.map((n) => n.message), ['The prompt for T6 Single sign-on for the management API is on the clipboard (`claude` is not on the PATH): paste it into Claude Code.']);
      assert.equal(vscode.window.terminals.length, terminals);
    } finally {
      await config.update('handoff', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  test('Hand to Claude Code runs `claude` in a terminal in the task\'s folder, the prompt as its one argument', async () => {
    const config = vscode.workspace.getConfiguration('autopm.claudeCode');
    const written = path.join(folderUri().fsPath, 'claude-handoff.txt');
    try {
      await config.update('handoff', 'terminal', vscode.ConfigurationTarget.Workspace);
      const opening = new Promise<vscode.Terminal>((resolve) => {
        const listening = vscode.window.onDidOpenTerminal((terminal) => {
          listening.dispose();
          resolve(terminal);
        });
      });
      const result = await vscode.commands.executeCommand<HandoffResult | undefined>(Commands.handToClaudeCode, ref(EPIC, 'T6'));
      assert.equal(result?.mode, 'terminal');
      const terminal = await opening;
      assert.equal(terminal.name, 'Claude Code: T6');
      // test/bin/claude writes what it was given where it ran: the prompt, whole, as one
      // argument, its quotes and new lines through the shell's quoting.
      const got = await eventually(async () => fs.readFileSync(written, 'utf8'), 20000);
      assert.equal(got, `1\n${result.prompt}`);
      assert.ok(result.prompt.includes('\n') && result.prompt.includes("'"), 'the prompt has what a shell would take apart');
      terminal.dispose();
    } finally {
      fs.rmSync(written, { force: true });
      await config.update('handoff', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  test("Create Pull Request for Epic: from the epic's branch, pushed, with the description previewed and edited first; opened in GitHub Pull Requests; a second time finds it", async () => {
    const { notifier } = await api();
    const head = 'epic/epic-001-link-shortener';
    git('branch', '-f', head, 'HEAD');
    // The server keeps no commits: it is told the branch is ahead of main.
    server.seedBranch(head, { commitsAhead: 2 });
    const pullsBefore = server.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/pulls')).length;
    type Outcome = { outcome: string; number?: number; url?: string; head?: string; base?: string; message?: string };

    // Tasks not done: the question (modal, unanswered here) stops it before anything is pushed or made.
    const early = await vscode.commands.executeCommand<Outcome | undefined>(Commands.createPullRequest, { folder: folderUri().toString(), epicPath: EPIC });
    assert.equal(early?.outcome, 'cancelled');
    assert.throws(() => execFileSync('git', ['--git-dir', `${folderUri().fsPath}-remote.git`, 'rev-parse', '--verify', '-q', head], { stdio: 'ignore' }));

    const original = await readText(EPIC);
    try {
      await writeText(EPIC, original.replace(/^- \[[ -]\] /gm, '- [x] '));
      await eventually(async () => {
        const { workspace } = await api();
        const entry = workspace.epics().find((e) => e.epic.path === EPIC)!;
        assert.equal(entry.analysis.counts.done, entry.analysis.counts.total);
      });
      const issues = (await readText(EPIC)).split('\n').flatMap((line) => /^- \[x\] \*\*Task \d+:\*\*.*\(#(\d+)\)$/.exec(line)?.[1] ?? []).map(Number);
      assert.equal(issues.length, 10, 'every task has its issue from the sync');

      // The user retitles the pull request in the preview, then presses Create.
      let preview = '';
      const pressing = notifier.onDidNotify((notice) => {
        if (!/^Create a pull request on octo-org\/planning from epic\/epic-001-link-shortener into main, closing 10 issues\?/.test(notice.message)) return;
        setTimeout(async () => {
          const editor = vscode.window.activeTextEditor!;
          preview = editor.document.getText();
          await editor.edit((edit) => edit.replace(editor.document.lineAt(0).range, '# Link shortener: the whole epic'));
          await vscode.commands.executeCommand('notification.acceptPrimaryAction');
        }, 700);
      });
      const opening = notifier.onDidNotify((notice) => {
        if (/^Pull request #\d+ is open: Link shortener: the whole epic\.$/.test(notice.message)) setTimeout(() => void vscode.commands.executeCommand('notification.acceptPrimaryAction'), 700);
      });
      let created: Outcome | undefined;
      try {
        created = await vscode.commands.executeCommand<Outcome | undefined>(Commands.createPullRequest, { folder: folderUri().toString(), epicPath: EPIC });
      } finally {
        pressing.dispose();
        opening.dispose();
      }
      assert.equal(created?.outcome, 'created', created?.message);
      assert.deepEqual([created.head, created.base], [head, 'main']);

      // The branch went to the remote; the pull request is on GitHub with the previewed body.
      assert.equal(execFileSync('git', ['--git-dir', `${folderUri().fsPath}-remote.git`, 'rev-parse', head], { encoding: 'utf8' }).trim(), git('rev-parse', head));
      const pull = server.issue(created.number!)!;
      assert.equal(pull.title, 'Link shortener: the whole epic');
      assert.ok(preview.startsWith('# Link Shortener Service\n\n## Summary\n\n'), preview);
      assert.equal(`${pull.body}`, preview.slice(preview.indexOf('## Summary')).trimEnd() + '\n');
      assert.match(pull.body ?? '', /\nPRD: \[Link Shortener Service\]\(\S+\/blob\/epic\/epic-001-link-shortener\/prds\/prd-001-link-shortener\.md\)/);
      assert.match(pull.body ?? '', /\n## Changes\n\n### Foundation\n\n- Scaffold the Fastify service \(#\d+\)\n/);
      assert.ok((pull.body ?? '').includes('\n- [x] T10 Runbook and dashboards'), pull.body ?? '');
      assert.ok((pull.body ?? '').endsWith(`\n${issues.map((n, i) => `${i === 0 ? 'Closes' : 'closes'} #${n}`).join(', ')}\n`), pull.body ?? '');
      // The preview went with it, without asking to be saved.
      assert.equal(vscode.workspace.textDocuments.some((d) => d.isUntitled && d.getText().includes('## Summary')), false);
      // GitHub Pull Requests was asked to show it.
      const received = await eventually(async () => {
        const got = await vscode.commands.executeCommand<Array<{ path: string; query: string }>>('autopmTest.pullRequests.received');
        assert.equal(got.length, 1);
        return got;
      });
      assert.deepEqual(received.map((r) => [r.path, JSON.parse(r.query)]), [['/open-pull-request-webview', { owner: 'octo-org', repo: 'planning', pullRequestNumber: created.number }]]);

      // Again: the open pull request is found, and no second one is made.
      const again = await vscode.commands.executeCommand<Outcome | undefined>(Commands.createPullRequest, { folder: folderUri().toString(), epicPath: EPIC });
      assert.deepEqual([again?.outcome, again?.number], ['exists', created.number]);
      assert.equal(server.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/pulls')).length, pullsBefore + 1);
    } finally {
      await writeText(EPIC, original);
    }
  });
});
