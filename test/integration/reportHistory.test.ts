import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ProjectReport } from '../../src/core/report';
import { localIsoDate } from '../../src/core/sprint';
import { lastWorkingDay, weekdayDate } from '../../src/core/standup';
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

  test('Standup: a task ticked in a commit of the last working day is done since then, beside what is blocked and next, as a markdown document and in the project report', async () => {
    // The standup's "today" is the real one, as the user's: the commit is dated from it.
    const today = localIsoDate(new Date());
    const since = lastWorkingDay(today);
    const epic = path.join(root(), 'epics', 'epic-001-link-shortener.md');
    fs.writeFileSync(epic, fs.readFileSync(epic, 'utf8').replace('- [-] **Task 3:**', '- [x] **Task 3:**'));
    git(['commit', '-q', '-am', 'task 3 done'], `${since}T12:00:00Z`);
    await vscode.commands.executeCommand('git.refresh');

    const text = await eventually(async () => {
      const written = await vscode.commands.executeCommand<string | undefined>('autopm.standup');
      assert.match(written ?? '', /^- epic-001-link-shortener: T3 Link table and slug generator .*, done \d{4}/m);
      return written!;
    }, 20000);
    assert.equal(
      text,
      [
        `# Standup — ${today}`,
        '',
        `## Done since ${weekdayDate(since)}`,
        '',
        `- epic-001-link-shortener: T3 Link table and slug generator (#103), done ${since}`,
        '',
        // Task 2 was done in March, long before: it is not news. The calendar's #43 was started then.
        '## In progress',
        '',
        '- team-calendar: #43 On-call rota import, since 2026-03-09',
        '',
        '## Blocked',
        '',
        '- epic-001-link-shortener: T5 Create, update and disable links, blocked by T6',
        '- epic-001-link-shortener: T7 Click events pipeline, blocked by T4',
        '- epic-001-link-shortener: T8 Daily click counts endpoint, blocked by T7',
        '- epic-001-link-shortener: T9 Load test the redirect path, blocked by T4',
        '- epic-001-link-shortener: T10 Runbook and dashboards, blocked by T8, T9',
        '- team-calendar: #44 Week view, blocked by #43',
        '- team-calendar: #45 Shift swaps, blocked by #43',
        '',
        '## Next',
        '',
        '- epic-001-link-shortener: T4 Redirect endpoint with Redis cache',
        '',
        '  Ready: its dependency (T3) is done; priority high; estimate 4 hours; starts the critical path (4 tasks, 13h of work); unblocks 4 tasks.',
        '',
      ].join('\n'),
    );
    // The command opened it as an untitled markdown document to paste from.
    const editor = vscode.window.activeTextEditor;
    assert.equal(editor?.document.isUntitled, true);
    assert.equal(editor?.document.languageId, 'markdown');
    assert.equal(editor?.document.getText(), text);

    // The project report carries the same standup.
    const { reports } = await api();
    const panel = reports.show({ kind: 'project', folder: folderUri().toString() });
    try {
      const standup = await eventually(() => {
        const last = panel.trace.filter((t) => t.direction === 'toWebview' && t.message.type === 'report').at(-1)?.message as ReportUpdateMessage | undefined;
        assert.equal(last?.historySource, 'history');
        const model = (last!.report as ProjectReport).standup!;
        assert.deepEqual(model.done.map((t) => [t.taskId, t.when.slice(0, 10)]), [['T3', since]]);
        return model;
      }, 20000);
      assert.equal(standup.since, since);
      assert.ok(standup.blocked.length > 0 && standup.next !== undefined);
    } finally {
      panel.dispose();
    }
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
