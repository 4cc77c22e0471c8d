import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ProjectReport } from '../../src/core/report';
import type { ReportUpdateMessage } from '../../src/shared/reportProtocol';
import { api, eventually, folderUri } from './helpers';

/** Runs git in the workspace folder with fixed dates, so the history is the same every run. */
function git(args: string[], date = '2026-03-10T10:00:00Z'): void {
  execFileSync('git', args, {
    cwd: folderUri().fsPath,
    env: { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date, GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 'test@example.com', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 'test@example.com' },
    stdio: 'ignore',
  });
}

suite('Report burndown from git history', () => {
  const root = () => folderUri().fsPath;
  // The workspace is this suite's own (a window of its own): the repository stays with it.

  test('in a git repository the burndown is replayed from the commits of the plan files, through VS Code\'s git extension', async () => {
    // The harness turns git off; a user's VS Code has it on.
    await vscode.workspace.getConfiguration('git').update('enabled', true, vscode.ConfigurationTarget.Workspace);
    const epic = path.join(root(), 'epics', 'epic-001-link-shortener.md');
    const now = fs.readFileSync(epic, 'utf8');
    git(['init', '-q', '-b', 'main']);
    // The epic first with Task 2 still open, then as it is (Task 2 done) a day later.
    fs.writeFileSync(epic, now.replace('- [x] **Task 2:**', '- [ ] **Task 2:**'));
    git(['add', '-A']);
    git(['commit', '-q', '-m', 'plans'], '2026-03-09T10:00:00Z');
    fs.writeFileSync(epic, now);
    git(['commit', '-q', '-am', 'task 2 done'], '2026-03-10T10:00:00Z');
    await vscode.commands.executeCommand('git.openRepository', root());

    const { reports } = await api();
    const panel = reports.show({ kind: 'project', folder: folderUri().toString() });
    try {
      const update = await eventually(() => {
        const last = panel.trace.filter((t) => t.direction === 'toWebview' && t.message.type === 'report').at(-1)?.message as ReportUpdateMessage | undefined;
        assert.equal(last?.historySource, 'history');
        return last!;
      }, 20000);
      const burndown = (update.report as ProjectReport).burndown!;
      const day = (date: string) => burndown.points.find((p) => p.date === date);
      // The first commit holds T1 and the calendar's #41 and #42 done; the second adds T2.
      assert.deepEqual([day('2026-03-09')?.done, day('2026-03-10')?.done, burndown.points.at(-1)?.done], [3, 4, 4]);
      assert.equal(day('2026-03-09')?.total, 16);
    } finally {
      panel.dispose();
    }
  });
});
