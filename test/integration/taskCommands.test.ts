import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { Commands } from '../../src/common/commands';
import { api, changedFiles, closeAllEditors, eventually, fileUri, lineOf, markdownFiles, observe, readText, ref, restoreMarkdownFiles } from './helpers';

const EPIC_001 = 'epics/epic-001-link-shortener.md';
const CALENDAR = '.claude/epics/team-calendar';

/** Opens a file in an editor with the cursor inside the line that contains `needle`. */
async function openWithCursorOn(relative: string, needle: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(fileUri(relative));
  const line = lineOf(document.getText(), needle);
  const position = new vscode.Position(line, Math.min(8, document.lineAt(line).text.length));
  return vscode.window.showTextDocument(document, { selection: new vscode.Range(position, position) });
}

/** The `updated:` a command just wrote, checked to be a timestamp of the form the examples use. */
function updatedIn(text: string | undefined): string {
  const updated = text && /^updated: (\S+)$/m.exec(text)?.[1];
  assert.ok(updated && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(updated), `updated is ${updated}`);
  return updated;
}

function withStatus(taskText: string, status: string, updated: string): string {
  const next = taskText.replace(/^status: .*$/m, `status: ${status}`).replace(/^updated: .*$/m, `updated: ${updated}`);
  assert.notEqual(next, taskText);
  return next;
}

function replaced(text: string, from: string, to: string): string {
  assert.equal(text.split(from).length, 2, `"${from}" is not in the text exactly once`);
  return text.replace(from, to);
}

suite('Task commands: refusals, the cursor, the quick pick and files changed on disk', () => {
  let before: Map<string, string>;
  suiteSetup(() => api());
  setup(() => {
    before = markdownFiles();
  });
  teardown(async () => {
    await closeAllEditors();
    await restoreMarkdownFiles(before);
  });

  test('Start Task on a blocked task asks first and, unless the user confirms, leaves every file byte for byte unchanged', async () => {
    // VS Code refuses dialogs to extension tests, which the command takes as the user
    // saying no; confirming with "Start Anyway" is covered by the UI test.
    const { notices, opened } = await observe(() => vscode.commands.executeCommand(Commands.startTask, ref(EPIC_001, 'T4')));
    assert.deepEqual(notices, [{ severity: 'warning', message: 'T4 Redirect endpoint with Redis cache is blocked by T3.', items: ['Start Anyway'], modal: true }]);
    assert.deepEqual(opened, []);
    assert.deepEqual(changedFiles(before, markdownFiles()), {});
  });

  test('Reopen Task on a done task: the exact bytes in both layouts', async () => {
    await vscode.commands.executeCommand(Commands.reopenTask, ref(EPIC_001, 'T1'));
    assert.deepEqual(changedFiles(before, markdownFiles()), {
      [EPIC_001]: replaced(before.get(EPIC_001)!, '- [x] **Task 1:** Scaffold', '- [ ] **Task 1:** Scaffold'),
    });

    const afterT1 = markdownFiles();
    await vscode.commands.executeCommand(Commands.reopenTask, ref(`${CALENDAR}/epic.md`, '41'));
    const now = markdownFiles();
    const task = `${CALENDAR}/41.md`;
    assert.deepEqual(changedFiles(afterT1, now), {
      [task]: withStatus(afterT1.get(task)!, 'open', updatedIn(now.get(task))),
      [`${CALENDAR}/epic.md`]: replaced(replaced(afterT1.get(`${CALENDAR}/epic.md`)!, '- [x] #41 - Events', '- [ ] #41 - Events'), 'progress: 33%', 'progress: 17%'),
    });
  });

  test('Reopen Task with no task under the cursor asks which task, and reopens the one picked', async () => {
    // The cursor is in an epic, but on a heading, not on a task.
    await openWithCursorOn(EPIC_001, '## Overview');
    const command = vscode.commands.executeCommand(Commands.reopenTask);
    // The pick lists tasks in progress first, so #43 is the one selected when it opens;
    // accepting before it is shown does nothing, so this accepts until a file changes.
    const task = `${CALENDAR}/43.md`;
    await eventuallyChanged(() => vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem'));
    await command;
    const now = markdownFiles();
    assert.deepEqual(changedFiles(before, now), { [task]: withStatus(before.get(task)!, 'open', updatedIn(now.get(task))) });
  });

  test('Start and Complete with no arguments change the task under the cursor in a single-file epic, and nothing else', async () => {
    const editor = await openWithCursorOn(EPIC_001, '**Task 6:**');
    await vscode.commands.executeCommand(Commands.startTask);
    const started = replaced(before.get(EPIC_001)!, '- [ ] **Task 6:** Single sign-on', '- [-] **Task 6:** Single sign-on');
    assert.deepEqual(changedFiles(before, markdownFiles()), { [EPIC_001]: started });

    // Task 8 is blocked, which does not stop completing it.
    const line = lineOf(editor.document.getText(), '**Task 8:**');
    editor.selection = new vscode.Selection(line, 3, line, 3);
    await vscode.commands.executeCommand(Commands.completeTask);
    assert.deepEqual(changedFiles(before, markdownFiles()), {
      [EPIC_001]: replaced(started, '- [ ] **Task 8:** Daily click counts', '- [x] **Task 8:** Daily click counts'),
    });
    assert.equal(editor.document.isDirty, false);
  });

  test('Start and Complete with no arguments change the task under the cursor in a directory epic: an epic.md checklist line, then a task file', async () => {
    const epic = `${CALENDAR}/epic.md`;
    await openWithCursorOn(epic, '- [ ] #46 - Calendar export');
    await vscode.commands.executeCommand(Commands.startTask);
    let now = markdownFiles();
    const task46 = `${CALENDAR}/46.md`;
    // Starting a task leaves the checklist and the progress as they are.
    assert.deepEqual(changedFiles(before, now), { [task46]: withStatus(before.get(task46)!, 'in-progress', updatedIn(now.get(task46))) });

    const afterStart = now;
    const task45 = `${CALENDAR}/45.md`;
    await openWithCursorOn(task45, '## Description');
    await vscode.commands.executeCommand(Commands.completeTask);
    now = markdownFiles();
    assert.deepEqual(changedFiles(afterStart, now), {
      [task45]: withStatus(afterStart.get(task45)!, 'closed', updatedIn(now.get(task45))),
      [epic]: replaced(replaced(afterStart.get(epic)!, '- [ ] #45 - Shift swaps', '- [x] #45 - Shift swaps'), 'progress: 33%', 'progress: 50%'),
    });
  });

  test('a closed file changed on disk since the index read it is edited as it is now: the change on disk is kept, with no warning: only the offer to close the issue', async () => {
    const task = `${CALENDAR}/46.md`;
    const onDisk = replaced(before.get(task)!, '## Acceptance Criteria\n', '## Acceptance Criteria\n- [ ] Written on disk by someone else\n');
    // Written straight to disk, and the command runs before the index hears of it.
    fs.writeFileSync(fileUri(task).fsPath, onDisk);
    const { notices } = await observe(() => vscode.commands.executeCommand(Commands.completeTask, ref(`${CALENDAR}/epic.md`, '46')));
    const now = markdownFiles();
    assert.deepEqual(changedFiles(before, now), {
      [task]: withStatus(onDisk, 'closed', updatedIn(now.get(task))),
      [`${CALENDAR}/epic.md`]: replaced(replaced(before.get(`${CALENDAR}/epic.md`)!, '- [ ] #46 - Calendar', '- [x] #46 - Calendar'), 'progress: 33%', 'progress: 50%'),
    });
    assert.deepEqual(notices, [
      { severity: 'information', message: '#46 Calendar export (ICS) is done. Close #46 on GitHub, with a comment on the work?', items: ['Close Issue'], modal: false },
    ]);
  });

  test('a closed file changed on disk while a command edits it is not overwritten, the open file is put back, and the user is told in plain words', async () => {
    const epic = `${CALENDAR}/epic.md`;
    const task = `${CALENDAR}/46.md`;
    // epic.md is open, so it is edited through VS Code first; 46.md is closed and written after.
    const document = await vscode.workspace.openTextDocument(fileUri(epic));
    await vscode.window.showTextDocument(document);
    // A document kept from an earlier test may still be reloading the restored file: its
    // reload must not be taken for the command's edit.
    await eventually(() => {
      assert.equal(document.getText(), before.get(epic));
      assert.equal(document.isDirty, false);
    });
    const theirs = withStatus(before.get(task)!, 'in-progress', '2026-03-01T08:00:00Z');
    let wrote = false;
    // Another program writes 46.md the moment VS Code applies the edit to epic.md: after the
    // command has read 46.md and before it writes it. Synchronously, so it lands in between.
    const listener = vscode.workspace.onDidChangeTextDocument((e) => {
      if (wrote || e.document !== document || !document.getText().includes('- [x] #46 - Calendar')) return;
      wrote = true;
      fs.writeFileSync(fileUri(task).fsPath, theirs);
    });
    let notices;
    try {
      ({ notices } = await observe(() => vscode.commands.executeCommand(Commands.completeTask, ref(epic, '46'))));
    } finally {
      listener.dispose();
    }
    assert.equal(wrote, true, 'the edit never reached epic.md');
    assert.deepEqual(notices, [
      {
        severity: 'error',
        message: 'Could not complete #46 Calendar export (ICS): .claude/epics/team-calendar/46.md changed on disk while it was being edited; nothing was written.',
        items: [],
        modal: false,
      },
    ]);
    assert.deepEqual(changedFiles(before, markdownFiles()), { [task]: theirs });
    assert.equal(document.getText(), before.get(epic));
    assert.equal(document.isDirty, false);
    assert.equal(await readText(task), theirs);
  });
});

/** Runs `step` until a markdown file differs from what it was. */
async function eventuallyChanged(step: () => Thenable<unknown>, timeoutMs = 10000): Promise<void> {
  const start = markdownFiles();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await step();
    await new Promise((resolve) => setTimeout(resolve, 50));
    if (Object.keys(changedFiles(start, markdownFiles())).length > 0) return;
    assert.ok(Date.now() < deadline, 'no file changed');
  }
}
