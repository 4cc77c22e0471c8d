import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Commands } from '../../src/common/commands';
import type { EpicReport, ProjectReport } from '../../src/core/report';
import type { ReportPanel } from '../../src/features/report/reportPanel';
import { REPORT_VIEW_TYPE } from '../../src/features/report/reportPanel';
import type { ReportUpdateMessage } from '../../src/shared/reportProtocol';
import { api, closeAllEditors, eventually, fileUri, folderUri, markdownFiles, readText, ref, restoreMarkdownFiles } from './helpers';

const EPIC_001 = 'epics/epic-001-link-shortener.md';

function updates(panel: ReportPanel): ReportUpdateMessage[] {
  return panel.trace.filter((t) => t.direction === 'toWebview' && t.message.type === 'report').map((t) => t.message as ReportUpdateMessage);
}

/**
 * Waits until the webview says it drew a revision at least `revision` whose history was
 * read (a report is posted first without it, then again with its burndown).
 */
async function drawn(panel: ReportPanel, revision: number): Promise<ReportUpdateMessage> {
  return eventually(() => {
    const rendered = panel.trace.filter((t) => t.direction === 'fromWebview' && t.message.type === 'rendered').map((t) => (t.message as unknown as { revision: number }).revision);
    const last = updates(panel).at(-1);
    assert.ok(last && last.historySource !== 'pending' && rendered.includes(last.revision) && last.revision >= revision,
      `the webview has not drawn revision ${revision} with its history: ${JSON.stringify(panel.trace.map((t) => `${t.direction}:${t.message.type}`))}`);
    return last;
  }, 15000);
}

suite('Status report panels', () => {
  let before: Map<string, string>;
  suiteSetup(() => api());
  setup(() => {
    before = markdownFiles();
  });
  teardown(async () => {
    const { reports } = await api();
    reports.panels.forEach((p) => p.dispose());
    await closeAllEditors();
    await restoreMarkdownFiles(before);
  });

  test('Project Status opens the project report: PRDs with their epics, deliverables and a roadmap, after the ready handshake', async () => {
    const panel = await vscode.commands.executeCommand<ReportPanel>(Commands.openProjectStatus);
    assert.ok(panel);
    assert.equal(panel.panel.viewType, REPORT_VIEW_TYPE);
    const update = await drawn(panel, 1);
    // Posted when the page is ready (building it takes longer than the round trip), before
    // its history is read; then again with the burndown, once the page has drawn the first.
    assert.deepEqual(panel.trace.slice(0, 3).map((t) => `${t.embedded ? 'page' : t.direction}:${t.message.type}`), ['fromWebview:ready', 'toWebview:report', 'fromWebview:rendered']);
    assert.deepEqual(updates(panel).map((u) => u.historySource), ['pending', 'file-dates']);
    assert.equal(updates(panel)[0].report.burndown, null);
    const report = update.report as ProjectReport;
    assert.equal(report.kind, 'project');
    assert.deepEqual(report.prds.map((p) => `${p.id} ${p.progress.done}/${p.progress.total}`), ['team-calendar 2/6', 'PRD-001 2/10']);
    assert.equal(report.next?.id, 'T6');
    assert.ok(report.deliverables.some((d) => d.category === 'Epic' && d.path === EPIC_001));
    assert.deepEqual(report.roadmap.epics.find((e) => e.epicId === 'epic-001-link-shortener'), {
      ...report.roadmap.epics.find((e) => e.epicId === 'epic-001-link-shortener')!,
      start: '2026-03-09',
      end: '2026-03-20',
    });
    // The workspace is a temporary copy, not a git repository: the files' dates are used.
    assert.equal(update.historySource, 'file-dates');
    assert.equal(panel.panel.title, 'Project Status');
  });

  test('an epic report follows the plan: completing a task posts a new revision with the counts moved', async () => {
    const { reports } = await api();
    const panel = reports.show({ kind: 'epic', folder: folderUri().toString(), epicPath: EPIC_001 });
    const first = (await drawn(panel, 1)).report as EpicReport;
    // An epic's report is written into its page: drawn before any message after ready.
    assert.deepEqual(panel.trace.slice(0, 3).map((t) => `${t.embedded ? 'page' : t.direction}:${t.message.type}`), ['page:report', 'fromWebview:ready', 'fromWebview:rendered']);
    assert.equal(panel.panel.title, 'Status: Link Shortener Service');
    assert.deepEqual([first.counts.done, first.counts.ready, first.next?.id], [2, 1, 'T6']);
    await vscode.commands.executeCommand(Commands.completeTask, ref(EPIC_001, 'T6'));
    const second = await eventually(async () => {
      const latest = await drawn(panel, 2);
      assert.equal((latest.report as EpicReport).counts.done, 3);
      return latest.report as EpicReport;
    });
    assert.equal(second.tasks.find((t) => t.id === 'T6')?.state, 'done');
  });

  test('a new day is read again: every open report builds itself for the new date, and the sprint follows', async () => {
    const { reports, currentSprint } = await api();
    const epic = reports.show({ kind: 'epic', folder: folderUri().toString(), epicPath: EPIC_001 });
    await drawn(epic, 1);
    // Opened over the epic's, which stays open behind it.
    const project = reports.show({ kind: 'project', folder: folderUri().toString() });
    await drawn(project, 1);
    // The date is the machine's, so it is the same day here: what is checked is that each
    // open report is built again when the day is read, as the midnight timer reads it.
    const built: string[] = [];
    for (const [name, panel] of [['epic', epic], ['project', project]] as const) {
      const update = panel.update.bind(panel);
      panel.update = (always: boolean) => (built.push(name), update(always));
    }
    let changed = 0;
    const listener = currentSprint.onDidChange(() => changed++);
    try {
      currentSprint.readDay();
      await eventually(() => assert.deepEqual(built.sort(), ['epic', 'project']));
      assert.equal(changed, 1);
    } finally {
      listener.dispose();
    }
  });

  test('Export as Markdown writes the same report with links relative to where it is saved', async () => {
    const { reports } = await api();
    const panel = reports.show({ kind: 'epic', folder: folderUri().toString(), epicPath: EPIC_001 });
    await drawn(panel, 1);
    const target = fileUri('docs/status/epic-001.md');
    await panel.exportMarkdown(target);
    const written = await readText('docs/status/epic-001.md');
    assert.match(written, /^# Link Shortener Service/m);
    assert.match(written, /\]\(\.\.\/\.\.\/epics\/epic-001-link-shortener\.md#L43\)/);
    assert.equal(written, panel.markdownFor(target));
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(folderUri(), 'docs'), { recursive: true });
  });

  test('the serializer restores a report from the state its webview saved', async () => {
    const { reports } = await api();
    const restored = vscode.window.createWebviewPanel(REPORT_VIEW_TYPE, 'Status', vscode.ViewColumn.Active, { enableScripts: true });
    await reports.serializer.deserializeWebviewPanel(restored, { scope: { kind: 'epic', folder: folderUri().toString(), epicPath: EPIC_001 } });
    const host = reports.panels.find((p) => p.panel === restored);
    assert.ok(host);
    const update = await drawn(host, 1);
    assert.equal((update.report as EpicReport).id, 'epic-001-link-shortener');
  });
});
