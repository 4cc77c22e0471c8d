import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Commands } from '../../src/common/commands';
import { dayNumber, isoOfDay, localIsoDate } from '../../src/core/sprint';
import type { SprintPanel } from '../../src/features/sprint/sprintPanel';
import { SPRINT_VIEW_TYPE } from '../../src/features/sprint/sprintPanel';
import type { SprintUpdateMessage } from '../../src/shared/sprintProtocol';
import { api, children, closeAllEditors, eventually, fileUri, folderUri, markdownFiles, readText, ref, restoreMarkdownFiles, writeText, rendered } from './helpers';

const EPIC_001 = 'epics/epic-001-link-shortener.md';
const CALENDAR = '.claude/epics/team-calendar/epic.md';
const SPRINTS = '.claude/epics/sprints';
const SPRINT_FILE = `${SPRINTS}/sprint-now.md`;

/** The day `offset` days from today, by the same clock the extension reads. */
const day = (offset: number) => isoOfDay(dayNumber(localIsoDate(new Date())) + offset);

const sprintText = () =>
  [
    '---',
    'name: Sprint Now',
    `start: ${day(-3)}`,
    `end: ${day(3)}`,
    'goal: Ship the calendar export',
    '---',
    '',
    '# Sprint Now',
    '',
    '## Tasks',
    '',
    '- team-calendar:41',
    '- team-calendar:46',
    '- team-calendar:45',
    '- epic-001-link-shortener:T6',
    '',
  ].join('\n');

function lastUpdate(panel: SprintPanel): SprintUpdateMessage {
  const updates = panel.trace.filter((t) => t.direction === 'toWebview' && t.message.type === 'sprint').map((t) => t.message as SprintUpdateMessage);
  assert.ok(updates.length > 0, 'no sprint was posted');
  return updates[updates.length - 1];
}

suite('Sprints in the editor', () => {
  let before: Map<string, string>;
  suiteSetup(() => api());
  setup(async () => {
    before = markdownFiles();
    await writeText(SPRINT_FILE, sprintText());
    const { statusBar } = await api();
    await eventually(() => assert.match(statusBar.item.text, /^\$\(rocket\) Sprint Now/));
  });
  teardown(async () => {
    const { sprints } = await api();
    sprints.panels.forEach((p) => p.dispose());
    await vscode.workspace.getConfiguration('autopm').update('sprint.current', undefined, vscode.ConfigurationTarget.Workspace);
    await closeAllEditors();
    await restoreMarkdownFiles(before);
  });

  test('the status bar shows the sprint whose dates include today, before and after a task is completed, and the epic again without it', async () => {
    const { statusBar } = await api();
    assert.equal(statusBar.item.text, '$(rocket) Sprint Now · 1/4 · 3 days left');
    assert.equal(statusBar.visible, true);
    const tooltip = (statusBar.item.tooltip as vscode.MarkdownString).value;
    assert.match(tooltip, new RegExp(`^\\*\\*Sprint Now\\*\\* \\(${day(-3)} → ${day(3)}\\) · 3 days left\\n\\nGoal: Ship the calendar export\\n\\nDone 1 of 4 · 3 remaining \\(0 in progress\\)`));
    assert.match(tooltip, /Blocked \(1\):\n- `team-calendar:45` Shift swaps \(waits on 43\)/);
    const command = statusBar.item.command as vscode.Command;
    assert.deepEqual([command.command, command.arguments], [Commands.openSprintStatus, [{ folder: folderUri().toString(), sprintId: 'sprint-now' }]]);

    await vscode.commands.executeCommand(Commands.completeTask, ref(EPIC_001, 'T6'));
    await eventually(() => assert.equal(statusBar.item.text, '$(rocket) Sprint Now · 2/4 · 3 days left'));

    // Without a sprint around today, the epic as before (and its click).
    await writeText(SPRINT_FILE, sprintText().replace(`start: ${day(-3)}`, `start: ${day(10)}`).replace(`end: ${day(3)}`, `end: ${day(20)}`));
    await eventually(() => assert.match(statusBar.item.text, /^\$\(checklist\) /));
    assert.equal(statusBar.item.command, Commands.openEpicStatus);
  });

  test('the sprint.current setting pins a sprint that today is not in', async () => {
    const { statusBar } = await api();
    await writeText(`${SPRINTS}/later.md`, `---\nname: Later\nstart: ${day(10)}\nend: ${day(23)}\n---\n\n## Tasks\n\n- team-calendar:44\n`);
    await eventually(() => assert.equal(statusBar.item.text, '$(rocket) Sprint Now · 1/4 · 3 days left'));
    await vscode.workspace.getConfiguration('autopm').update('sprint.current', 'Later', vscode.ConfigurationTarget.Workspace);
    await eventually(() => assert.equal(statusBar.item.text, '$(rocket) Later · 0/1 · starts in 10 days'));
    await vscode.workspace.getConfiguration('autopm').update('sprint.current', undefined, vscode.ConfigurationTarget.Workspace);
    await eventually(() => assert.equal(statusBar.item.text, '$(rocket) Sprint Now · 1/4 · 3 days left'));
  });

  test('New Sprint writes the core’s file beside the other sprint files and opens it', async () => {
    const uri = await vscode.commands.executeCommand<vscode.Uri>(Commands.newSprint, { name: 'Sprint 9', start: '2026-12-07', end: '2026-12-18', goal: 'Export: ICS feeds' });
    assert.ok(uri, 'the command created nothing');
    assert.equal(uri.toString(), fileUri(`${SPRINTS}/sprint-9.md`).toString());
    assert.equal(
      await readText(`${SPRINTS}/sprint-9.md`),
      '---\nname: Sprint 9\nstart: 2026-12-07\nend: 2026-12-18\ngoal: "Export: ICS feeds"\n---\n\n# Sprint 9\n\n## Tasks\n',
    );
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), uri.toString());
    const { workspace } = await api();
    await eventually(() => assert.ok(workspace.allFolders[0].index.sprints.some((s) => s.id === 'sprint-9')));
    // A second one of that name never replaces the first.
    const second = await vscode.commands.executeCommand<vscode.Uri>(Commands.newSprint, { name: 'Sprint 9', start: '', end: '', goal: '' });
    assert.equal(second?.toString(), fileUri(`${SPRINTS}/sprint-9-2.md`).toString());
    // Dates that are not dates are refused, and nothing is written.
    const refused = await vscode.commands.executeCommand<vscode.Uri | undefined>(Commands.newSprint, { name: 'Bad', start: 'next monday', end: '', goal: '' });
    assert.equal(refused, undefined);
    assert.equal(markdownFiles().has(`${SPRINTS}/bad.md`), false);
  });

  test('Add and Remove Task edit the sprint file by one line, and the task row says it is in a sprint', async () => {
    const { explorer } = await api();
    const sprint = { folder: folderUri().toString(), sprintId: 'sprint-now' };
    const changed = await vscode.commands.executeCommand<string[]>(Commands.addTaskToSprint, ref(CALENDAR, '44'), sprint);
    assert.deepEqual(changed, [SPRINT_FILE]);
    assert.equal(await readText(SPRINT_FILE), sprintText().replace('- epic-001-link-shortener:T6\n', '- epic-001-link-shortener:T6\n- team-calendar:44\n'));
    // Adding it again changes nothing.
    assert.deepEqual(await vscode.commands.executeCommand<string[]>(Commands.addTaskToSprint, ref(CALENDAR, '44'), sprint), []);

    const epics = await children(explorer.epics);
    const calendar = epics.find((e) => e.label === 'team-calendar')!;
    const rows = await eventually(async () => {
      const found = await children(explorer.epics, calendar.node);
      assert.ok(found.find((r) => r.label.includes('Week view'))?.contextValue?.endsWith('.sprint'), JSON.stringify(found.map((r) => r.contextValue)));
      return found;
    });
    assert.equal(rows.find((r) => r.label.includes('Time-off API'))?.contextValue, 'task.done.linked', 'a task in no sprint keeps its value');

    const removed = await vscode.commands.executeCommand<string[]>(Commands.removeTaskFromSprint, ref(CALENDAR, '44'), sprint);
    assert.deepEqual(removed, [SPRINT_FILE]);
    assert.equal(await readText(SPRINT_FILE), sprintText());
  });

  test('an edit to an open sprint file keeps what was typed and unsaved, and undo takes it back', async () => {
    const document = await vscode.workspace.openTextDocument(fileUri(SPRINT_FILE));
    const editor = await vscode.window.showTextDocument(document);
    await editor.edit((b) => b.insert(new vscode.Position(document.lineCount - 1, 0), '\nNotes typed, not saved.\n'));
    assert.equal(document.isDirty, true);
    const sprint = { folder: folderUri().toString(), sprintId: 'sprint-now' };
    await vscode.commands.executeCommand(Commands.addTaskToSprint, ref(CALENDAR, '44'), sprint);
    assert.equal(document.getText(), sprintText().replace('- epic-001-link-shortener:T6\n', '- epic-001-link-shortener:T6\n- team-calendar:44\n') + '\nNotes typed, not saved.\n');
    assert.equal(document.isDirty, true, 'a document with unsaved text is not saved for the user');
    // The file on disk is untouched until the user saves.
    assert.equal(await readText(SPRINT_FILE), sprintText());
    await vscode.commands.executeCommand('undo');
    assert.equal(document.getText(), sprintText() + '\nNotes typed, not saved.\n');
    // Closing a dirty editor would ask to save it: the notes go, as the user would drop them.
    await vscode.commands.executeCommand('workbench.action.files.revert');
    assert.equal(document.isDirty, false);
  });

  test('Sprint Status opens the report panel: ready first, then the report, redrawn when a task is completed', async () => {
    const panel = await vscode.commands.executeCommand<SprintPanel>(Commands.openSprintStatus, { folder: folderUri().toString(), sprintId: 'sprint-now' });
    assert.ok(panel, 'the command returned no panel');
    assert.equal(panel.panel.viewType, SPRINT_VIEW_TYPE);
    const drawn = await rendered(panel, 1);
    assert.equal(drawn.points, 4, 'one burndown point a day from the start to today');
    assert.equal(panel.panel.title, 'Sprint: Sprint Now');
    assert.deepEqual(panel.trace.map((t) => `${t.direction}:${t.message.type}`).slice(0, 3), ['fromWebview:ready', 'toWebview:sprint', 'fromWebview:rendered']);
    const { report, scope } = lastUpdate(panel);
    assert.deepEqual(scope, { folder: folderUri().toString(), sprintId: 'sprint-now' });
    assert.equal(report.label, 'Sprint Now · 1/4 · 3 days left');
    assert.deepEqual(report.blocked, ['team-calendar:45']);
    assert.deepEqual(report.remaining, ['team-calendar:46', 'team-calendar:45', 'epic-001-link-shortener:T6']);
    assert.deepEqual(report.burndown.dates, [day(-3), day(-2), day(-1), day(0)]);
    assert.equal(report.burndown.ideal[0], 4);
    assert.equal(report.tasks.find((t) => t.key === 'team-calendar:46')?.issueUrl, 'https://github.com/acme/calendar/issues/46');

    // The status bar's click opens the same panel.
    const { statusBar } = await api();
    const click = statusBar.item.command as vscode.Command;
    assert.equal(await vscode.commands.executeCommand(click.command, ...(click.arguments ?? [])), panel);

    const revision = lastUpdate(panel).revision;
    await vscode.commands.executeCommand(Commands.completeTask, ref(EPIC_001, 'T6'));
    await rendered(panel, revision + 1);
    assert.equal(lastUpdate(panel).report.counts.done, 2);
    assert.equal(lastUpdate(panel).report.burndown.remaining.at(-1), 2);
  });

  test('the serializer restores a panel from its saved scope, and refuses state that names nothing', async () => {
    const { sprints } = await api();
    const restoredPanel = vscode.window.createWebviewPanel(SPRINT_VIEW_TYPE, 'Sprint', vscode.ViewColumn.Active, { enableScripts: true });
    await sprints.serializer.deserializeWebviewPanel(restoredPanel, { scope: { folder: folderUri().toString(), sprintId: 'sprint-now' } });
    const host = sprints.panels.find((p) => p.panel === restoredPanel);
    assert.ok(host, 'the restored panel has no host');
    await rendered(host, 1);
    assert.equal(lastUpdate(host).report.name, 'Sprint Now');

    const stray = vscode.window.createWebviewPanel(SPRINT_VIEW_TYPE, 'Sprint', vscode.ViewColumn.Active, { enableScripts: true });
    let disposed = false;
    stray.onDidDispose(() => (disposed = true));
    await sprints.serializer.deserializeWebviewPanel(stray, { scope: { folder: 42 } });
    await eventually(() => assert.ok(disposed, 'a panel restored from unusable state stays open'));
  });

  test("a sprint file's problems are in the Problems panel on their lines, and go when they are fixed", async () => {
    const broken = sprintText().replace('- team-calendar:45', '- team-calendar:999').replace(`end: ${day(3)}`, 'end: next friday');
    await writeText(SPRINT_FILE, broken);
    const uri = fileUri(SPRINT_FILE);
    const lines = broken.split('\n');
    await eventually(() =>
      assert.deepEqual(
        vscode.languages
          .getDiagnostics(uri)
          .filter((d) => d.source === 'AutoPM')
          .map((d) => [d.code, d.range.start.line])
          .sort((a, b) => Number(a[1]) - Number(b[1])),
        [
          ['sprint-date-unreadable', lines.indexOf('end: next friday')],
          ['sprint-unresolved-reference', lines.indexOf('- team-calendar:999')],
        ],
      ),
    );
    await writeText(SPRINT_FILE, sprintText());
    await eventually(() => assert.deepEqual(vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'AutoPM'), []));
  });
});
