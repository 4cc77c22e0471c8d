import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Commands } from '../../src/common/commands';
import type { EpicReport } from '../../src/core/report';
import type { ReportPanel } from '../../src/features/report/reportPanel';
import { api, closeAllEditors, codeLensTitles, eventually, fileUri, folderUri, lineOf, readText, ref, restoreDocument, writeText } from './helpers';

const EPIC_001 = 'epics/epic-001-link-shortener.md';
const CALENDAR = '.claude/epics/team-calendar';

suite('CodeLens, status bar and task commands', () => {
  suiteSetup(() => api());
  teardown(() => closeAllEditors());

  test('CodeLens on the epic title and every task line of a single-file epic', async () => {
    const text = await readText(EPIC_001);
    const lenses = await codeLensTitles(fileUri(EPIC_001));
    const at = (needle: string) => lenses.filter((l) => l.line === lineOf(text, needle)).map((l) => l.title);
    assert.deepEqual(at('# Epic 001'), ['10 tasks · 2 done · 1 in progress · 1 ready · 6 blocked', '$(type-hierarchy) Graph', '$(github) Sync', '$(checklist) Review']);
    assert.deepEqual(at('**Task 1:**'), ['Reopen', '#101']);
    assert.deepEqual(at('**Task 3:**'), ['Complete', 'Reopen', '$(sparkle) Refine', '#103']);
    assert.deepEqual(at('**Task 4:**'), ['Start', 'Complete', '$(sparkle) Refine', 'blocked by T3']);
    assert.deepEqual(at('**Task 6:**'), ['Start', 'Complete', '$(sparkle) Refine']);
    // Ten task lines, and nothing anywhere else but the title.
    assert.equal(new Set(lenses.map((l) => l.line)).size, 11);
  });

  test('CodeLens in the directory layout: the epic checklist and each task file', async () => {
    const epicText = await readText(`${CALENDAR}/epic.md`);
    const lenses = await codeLensTitles(fileUri(`${CALENDAR}/epic.md`));
    const at = (needle: string) => lenses.filter((l) => l.line === lineOf(epicText, needle)).map((l) => l.title);
    assert.deepEqual(at('# Epic: team-calendar'), ['6 tasks · 2 done · 1 in progress · 1 ready · 2 blocked', '$(type-hierarchy) Graph', '$(github) Sync', '$(checklist) Review']);
    assert.deepEqual(at('#42 - Time-off API'), ['Reopen', '#42']);
    assert.deepEqual(at('#44 - Week view'), ['Start', 'Complete', '$(sparkle) Refine', '#44', 'blocked by #43']);
    const taskLenses = await codeLensTitles(fileUri(`${CALENDAR}/43.md`));
    assert.deepEqual(taskLenses.map((l) => l.title), ['Complete', 'Reopen', '$(sparkle) Refine', '#43']);
    // The issue lens opens the task's own issue address; "blocked by" names the blockers.
    const raw = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', fileUri(`${CALENDAR}/epic.md`));
    const issue = raw.find((l) => l.command?.title === '#42')!.command!;
    assert.deepEqual([issue.command, issue.arguments], [Commands.openIssue, ['https://github.com/acme/calendar/issues/42']]);
    const blocked = raw.find((l) => l.command?.title === 'blocked by #43')!.command!;
    assert.deepEqual([blocked.command, blocked.arguments?.[1]], [Commands.revealTasks, ['43']]);
  });

  test('the CodeLens setting turns them off', async () => {
    const config = vscode.workspace.getConfiguration('autopm');
    await config.update('codeLens.enabled', false, vscode.ConfigurationTarget.Workspace);
    try {
      assert.deepEqual(await codeLensTitles(fileUri(EPIC_001)), []);
    } finally {
      await config.update('codeLens.enabled', undefined, vscode.ConfigurationTarget.Workspace);
    }
    assert.notDeepEqual(await codeLensTitles(fileUri(EPIC_001)), []);
  });

  test('Complete Task on an open epic: status bar before and after, exact bytes on disk, undo', async () => {
    const { statusBar } = await api();
    const before = await readText(EPIC_001);
    const document = await vscode.workspace.openTextDocument(fileUri(EPIC_001));
    await vscode.window.showTextDocument(document);
    await eventually(() => assert.equal(statusBar.item.text, '$(checklist) Epic 001 · 2/10'));
    assert.match((statusBar.item.tooltip as vscode.MarkdownString).value, /\| team-calendar \| 2\/6 \| 33% \|/);

    await vscode.commands.executeCommand(Commands.completeTask, ref(EPIC_001, 'T6'));
    const expected = before.replace('- [ ] **Task 6:** Single sign-on', '- [x] **Task 6:** Single sign-on');
    assert.notEqual(expected, before);
    // The document was saved before, so the edit is saved too; every other byte is kept.
    assert.equal(await readText(EPIC_001), expected);
    assert.equal(document.isDirty, false);
    await eventually(() => assert.equal(statusBar.item.text, '$(checklist) Epic 001 · 3/10'));

    // The edit went through the editor, so undo takes it back.
    await vscode.commands.executeCommand('undo');
    assert.equal(document.getText(), before);
    await document.save();
    assert.equal(await readText(EPIC_001), before);
    await eventually(() => assert.equal(statusBar.item.text, '$(checklist) Epic 001 · 2/10'));
  });

  test('unsaved text in an open epic is kept: the edit joins it and nothing is saved', async () => {
    const before = await readText(EPIC_001);
    const document = await vscode.workspace.openTextDocument(fileUri(EPIC_001));
    const editor = await vscode.window.showTextDocument(document);
    await editor.edit((b) => b.insert(new vscode.Position(document.lineCount - 1, 0), 'A note not saved yet.\n'));
    assert.equal(document.isDirty, true);
    await vscode.commands.executeCommand(Commands.startTask, ref(EPIC_001, 'T6'));
    assert.match(document.getText(), /- \[-\] \*\*Task 6:\*\*/);
    assert.match(document.getText(), /A note not saved yet\./);
    assert.equal(document.isDirty, true);
    assert.equal(await readText(EPIC_001), before);
    await restoreDocument(document, before);
    assert.equal(await readText(EPIC_001), before);
  });

  test('Complete Task on closed files of a directory epic writes them through the file system', async () => {
    const { statusBar } = await api();
    const taskBefore = await readText(`${CALENDAR}/46.md`);
    const epicBefore = await readText(`${CALENDAR}/epic.md`);
    await vscode.commands.executeCommand(Commands.completeTask, ref(`${CALENDAR}/epic.md`, '46'));
    const taskAfter = await readText(`${CALENDAR}/46.md`);
    const epicAfter = await readText(`${CALENDAR}/epic.md`);
    const updated = /^updated: (\S+)$/m.exec(taskAfter)?.[1];
    assert.ok(updated && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(updated), `updated is ${updated}`);
    assert.equal(taskAfter, taskBefore.replace(/^status: .*$/m, 'status: closed').replace(/^updated: .*$/m, `updated: ${updated}`));
    assert.equal(epicAfter, epicBefore.replace('- [ ] #46 - Calendar export', '- [x] #46 - Calendar export').replace('progress: 33%', 'progress: 50%'));
    // The last epic worked on is the active one when no editor shows an epic.
    await eventually(() => assert.equal(statusBar.item.text, '$(checklist) team-calendar · 3/6'));
    await writeText(`${CALENDAR}/46.md`, taskBefore);
    await writeText(`${CALENDAR}/epic.md`, epicBefore);
    await eventually(() => assert.equal(statusBar.item.text, '$(checklist) team-calendar · 2/6'));
  });

  test('a keystroke landing while a command edits the same file never corrupts it', async () => {
    const taskPath = `${CALENDAR}/46.md`;
    const taskBefore = await readText(taskPath);
    const epicBefore = await readText(`${CALENDAR}/epic.md`);
    const document = await vscode.workspace.openTextDocument(fileUri(taskPath));
    const editor = await vscode.window.showTextDocument(document);
    for (const delay of [0, 1, 2, 5, 10, 20]) {
      const command = vscode.commands.executeCommand(Commands.completeTask, ref(`${CALENDAR}/epic.md`, '46'));
      await new Promise((resolve) => setTimeout(resolve, delay));
      // A new line above `status:` moves every offset the command computed.
      // An extension's edit is refused when the document changed under it; a keystroke is not.
      const typed = await editor.edit((b) => b.insert(new vscode.Position(1, 0), 'owner: me\n'));
      await command;
      const text = document.getText();
      const head = new RegExp(`^---\\n${typed ? 'owner: me\\n' : ''}name: Calendar export \\(ICS\\)\\nstatus: (open|closed)\\ncreated: 2026-02-12T10:00:00Z\\n`);
      assert.match(text, head, `after ${delay} ms:\n${text}`);
      // The epic's checklist agrees with the task, whichever won.
      const closed = /^status: closed$/m.test(text);
      assert.equal((await readText(`${CALENDAR}/epic.md`)).includes('- [x] #46'), closed, `after ${delay} ms`);
      await restoreDocument(document, taskBefore);
      await writeText(`${CALENDAR}/epic.md`, epicBefore);
      const { workspace } = await api();
      await eventually(() => assert.equal(workspace.findEpic(folderUri().toString(), `${CALENDAR}/epic.md`)?.analysis.counts.done, 2));
    }
  });

  test('commands read the file afresh, and a task that is gone changes nothing', async () => {
    const before = await readText(EPIC_001);
    // Changed on disk; the command edits the line as it is now, not as it was indexed.
    await writeText(EPIC_001, before.replace('**Task 7:** Click events pipeline', '**Task 7:** Click events pipeline, renamed'));
    try {
      await vscode.commands.executeCommand(Commands.completeTask, ref(EPIC_001, 'T7'));
      assert.match(await readText(EPIC_001), /- \[x\] \*\*Task 7:\*\* Click events pipeline, renamed/);
      const now = await readText(EPIC_001);
      await vscode.commands.executeCommand(Commands.completeTask, ref(EPIC_001, 'T99'));
      assert.equal(await readText(EPIC_001), now);
    } finally {
      await writeText(EPIC_001, before);
    }
    const { workspace } = await api();
    await eventually(() => assert.equal(workspace.findEpic(folderUri().toString(), EPIC_001)?.analysis.counts.done, 2));
  });

  test('Open Epic Status opens the epic\'s report panel; the status bar item opens it', async () => {
    const { statusBar } = await api();
    assert.equal(statusBar.item.command, Commands.openEpicStatus);
    const panel = await vscode.commands.executeCommand<ReportPanel>(Commands.openEpicStatus, { folder: folderUri().toString(), epicPath: EPIC_001 });
    assert.deepEqual(panel.scope, { kind: 'epic', folder: folderUri().toString(), epicPath: EPIC_001 });
    const report = await eventually(() => {
      assert.equal(panel.current?.kind, 'epic');
      return panel.current as EpicReport;
    });
    assert.deepEqual(report.counts, { total: 10, done: 2, inProgress: 1, ready: 1, blocked: 6 });
    assert.deepEqual(report.ready.map((t) => t.id), ['T6']);
    assert.deepEqual(report.blocked.find((t) => t.id === 'T4')?.blockers.map((b) => b.taskId), ['T3']);
    const foundation = report.groups.find((g) => g.name === 'Foundation');
    assert.deepEqual([foundation?.done, foundation?.total], [2, 2]);
    panel.dispose();
  });

  test('"blocked by" goes to the blocking task, in the editor and in the Epics view', async () => {
    const { explorer } = await api();
    const text = await readText(EPIC_001);
    await vscode.commands.executeCommand('workbench.view.extension.autopm');
    await eventually(() => assert.equal(explorer.epicsView.visible, true));
    await vscode.commands.executeCommand(Commands.revealTasks, ref(EPIC_001, 'T4'), ['T3']);
    assert.equal(vscode.window.activeTextEditor?.selection.active.line, lineOf(text, '**Task 3:**'));
    await eventually(() => assert.equal(explorer.epicsView.selection[0]?.id.endsWith('/task/T3'), true));
  });

  test('Next Task lists the recommended task first; choosing it opens it at its line', async () => {
    const text = await readText(EPIC_001);
    void vscode.commands.executeCommand(Commands.showNextTask);
    // The quick pick opens with the recommended task active; Enter chooses it.
    await eventually(async () => {
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      const editor = vscode.window.activeTextEditor;
      assert.equal(editor?.document.uri.path, fileUri(EPIC_001).path);
      assert.equal(editor?.selection.active.line, lineOf(text, '**Task 6:**'));
    });
  });
});
