import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Commands } from '../../src/common/commands';
import type { BoardModel } from '../../src/core/board';
import type { BoardPanel } from '../../src/features/board/boardPanel';
import { BOARD_VIEW_TYPE } from '../../src/features/board/boardPanel';
import type { BoardMoveResultMessage, BoardUpdateMessage, BoardWebviewState } from '../../src/shared/boardProtocol';
import { api, changedFiles, closeAllEditors, eventually, fileUri, folderUri, markdownFiles, observe, readText, restoreDocument, restoreMarkdownFiles } from './helpers';

const EPIC_001 = 'epics/epic-001-link-shortener.md';
const CALENDAR = '.claude/epics/team-calendar';

/** Waits until the webview itself has said `ready` (the host cannot post before it does). */
function webviewReady(panel: BoardPanel, timeoutMs = 15000): Promise<void> {
  if (panel.trace.some((t) => t.direction === 'fromWebview' && t.message.type === 'ready')) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      listener.dispose();
      reject(new Error(`the webview never said ready; trace: ${JSON.stringify(panel.trace.map((t) => `${t.direction}:${t.message.type}`))}`));
    }, timeoutMs);
    const listener = panel.onDidExchange((t) => {
      if (t.direction !== 'fromWebview' || t.message.type !== 'ready') return;
      clearTimeout(timer);
      listener.dispose();
      resolve();
    });
  });
}

function updates(panel: BoardPanel): BoardUpdateMessage[] {
  return panel.trace.filter((t) => t.direction === 'toWebview' && t.message.type === 'board').map((t) => t.message as BoardUpdateMessage);
}

function lastUpdate(panel: BoardPanel): BoardUpdateMessage {
  const all = updates(panel);
  assert.ok(all.length > 0, 'no board was posted');
  return all[all.length - 1];
}

function results(panel: BoardPanel): BoardMoveResultMessage[] {
  return panel.trace.filter((t) => t.direction === 'toWebview' && t.message.type === 'moveResult').map((t) => t.message as BoardMoveResultMessage);
}

function columnOf(model: BoardModel, key: string): string | undefined {
  return model.columns.find((c) => c.cards.some((card) => card.key === key))?.id;
}

const counts = (model: BoardModel) => Object.fromEntries(model.columns.map((c) => [c.id, c.cards.length]));

function replaced(text: string, from: string, to: string): string {
  assert.equal(text.split(from).length, 2, `"${from}" is not in the text exactly once`);
  return text.replace(from, to);
}

async function openBoard(arg: unknown): Promise<BoardPanel> {
  const panel = await vscode.commands.executeCommand<BoardPanel>(Commands.openBoard, arg);
  assert.ok(panel, 'the command returned no panel');
  await webviewReady(panel);
  return panel;
}

suite('Board panel', () => {
  let before: Map<string, string>;
  suiteSetup(() => api());
  setup(() => {
    before = markdownFiles();
  });
  teardown(async () => {
    const { boards } = await api();
    boards.panels.forEach((p) => p.dispose());
    await closeAllEditors();
    await restoreMarkdownFiles(before);
  });

  test('the command opens a webview whose page carries the board of every epic, so the host posts nothing after ready; opening it again brings the same panel', async () => {
    const panel = await openBoard({ folder: folderUri().toString() });
    assert.equal(panel.panel.viewType, BOARD_VIEW_TYPE);
    assert.equal(panel.panel.title, 'Board: All epics');
    const conversation = panel.trace.map((t) => `${t.embedded ? 'page' : t.direction}:${t.message.type}`);
    assert.deepEqual(conversation.slice(0, 2), ['page:board', 'fromWebview:ready']);
    assert.ok(!conversation.includes('toWebview:board'), JSON.stringify(conversation));
    const update = lastUpdate(panel);
    assert.deepEqual(update.scope, { kind: 'all', folder: folderUri().toString() });
    assert.equal(update.folder, folderUri().toString());
    assert.deepEqual(counts(update.model), { open: 10, 'in-progress': 2, done: 4 });
    const t4 = update.model.columns[0].cards.find((c) => c.key === 'epic-001-link-shortener:T4');
    assert.deepEqual(t4 && [t4.display, t4.blockedBy, t4.estimate, t4.line], ['blocked', ['T3'], '4 hours', 32]);

    const again = await vscode.commands.executeCommand<BoardPanel>(Commands.openBoard, { folder: folderUri().toString() });
    assert.equal(again, panel);
  });

  test('an epic from the tree, or a sprint, is a board of its own', async () => {
    const { workspace } = await api();
    const entry = workspace.epics().find((e) => e.epic.path === EPIC_001)!;
    // What the Epics view's context menu passes: the tree node, which holds the entry.
    const epicBoard = await openBoard({ entry });
    assert.equal(epicBoard.panel.title, 'Board: Link Shortener Service');
    assert.deepEqual(lastUpdate(epicBoard).scope, { kind: 'epic', folder: folderUri().toString(), epicPath: EPIC_001 });
    assert.deepEqual(counts(lastUpdate(epicBoard).model), { open: 7, 'in-progress': 1, done: 2 });

    // The epic's own dates make it a sprint (a time box).
    const sprintBoard = await openBoard({ folder: folderUri().toString(), sprintId: 'epic-001-link-shortener' });
    assert.notEqual(sprintBoard, epicBoard);
    assert.deepEqual(lastUpdate(sprintBoard).scope, { kind: 'sprint', folder: folderUri().toString(), sprintId: 'epic-001-link-shortener' });
    assert.equal(lastUpdate(sprintBoard).model.total, 10);
  });

  test('moving a card to in progress is Start: the checkbox and nothing else changes, the host answers, and the board redraws', async () => {
    const panel = await openBoard({ folder: folderUri().toString() });
    const revision = lastUpdate(panel).revision;
    await panel.handle({ type: 'moveCard', key: 'epic-001-link-shortener:T6', to: 'in-progress' });

    assert.deepEqual(changedFiles(before, markdownFiles()), {
      [EPIC_001]: replaced(before.get(EPIC_001)!, '- [ ] **Task 6:** Single sign-on', '- [-] **Task 6:** Single sign-on'),
    });
    assert.deepEqual(results(panel), [{ type: 'moveResult', key: 'epic-001-link-shortener:T6', to: 'in-progress', outcome: 'moved' }]);
    await eventually(() => assert.ok(lastUpdate(panel).revision > revision, 'the board was not redrawn'));
    const model = lastUpdate(panel).model;
    assert.equal(columnOf(model, 'epic-001-link-shortener:T6'), 'in-progress');
    assert.deepEqual(counts(model), { open: 9, 'in-progress': 3, done: 4 });
    // The answer comes after the redraw, so the webview never shows the card back where it was.
    const order = panel.trace.filter((t) => t.direction === 'toWebview').map((t) => t.message.type);
    assert.deepEqual(order.slice(-2), ['board', 'moveResult']);
  });

  test('moving a directory task to done is Complete: its status and updated, the epic\'s checkbox and progress', async () => {
    const panel = await openBoard({ folder: folderUri().toString() });
    await panel.handle({ type: 'moveCard', key: 'team-calendar:46', to: 'done' });
    const now = markdownFiles();
    const task = `${CALENDAR}/46.md`;
    const updated = /^updated: (\S+)$/m.exec(now.get(task) ?? '')?.[1];
    assert.ok(updated && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(updated), `updated is ${updated}`);
    const taskBefore = before.get(task)!;
    assert.deepEqual(changedFiles(before, now), {
      [task]: taskBefore.replace(/^status: .*$/m, 'status: closed').replace(/^updated: .*$/m, `updated: ${updated}`),
      [`${CALENDAR}/epic.md`]: replaced(replaced(before.get(`${CALENDAR}/epic.md`)!, '- [ ] #46 - Calendar export', '- [x] #46 - Calendar export'), 'progress: 33%', 'progress: 50%'),
    });
    await eventually(() => assert.equal(columnOf(lastUpdate(panel).model, 'team-calendar:46'), 'done'));

    // And back: done to open is Reopen.
    await panel.handle({ type: 'moveCard', key: 'team-calendar:46', to: 'open' });
    const reopened = markdownFiles();
    assert.equal(reopened.get(`${CALENDAR}/epic.md`), before.get(`${CALENDAR}/epic.md`));
    assert.match(reopened.get(task)!, /^status: open$/m);
    await eventually(() => assert.equal(columnOf(lastUpdate(panel).model, 'team-calendar:46'), 'open'));
  });

  test('a move in an open document with unsaved text keeps that text, saves nothing, and undo takes the move back', async () => {
    // The web workbench saves after a delay by default, which would save the typed text while
    // the test looks; a user who keeps unsaved text has that turned off.
    const files = vscode.workspace.getConfiguration('files');
    await files.update('autoSave', 'off', vscode.ConfigurationTarget.Workspace);
    try {
      await unsavedTextKept();
    } finally {
      await files.update('autoSave', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  async function unsavedTextKept(): Promise<void> {
    const panel = await openBoard({ folder: folderUri().toString(), epicPath: EPIC_001 });
    const original = await readText(EPIC_001);
    const document = await vscode.workspace.openTextDocument(fileUri(EPIC_001));
    const editor = await vscode.window.showTextDocument(document, vscode.ViewColumn.Beside);
    await editor.edit((b) => b.insert(new vscode.Position(document.lineCount - 1, 0), 'A note not saved yet.\n'));
    const typed = document.getText();
    assert.equal(document.isDirty, true);

    await panel.handle({ type: 'moveCard', key: 'epic-001-link-shortener:T9', to: 'done' });
    assert.equal(document.getText(), replaced(typed, '- [ ] **Task 9:** Load test', '- [x] **Task 9:** Load test'));
    assert.equal(document.isDirty, true);
    assert.equal(await readText(EPIC_001), original);
    // The board follows the buffer, as every view does.
    await eventually(() => assert.equal(columnOf(lastUpdate(panel).model, 'epic-001-link-shortener:T9'), 'done'));

    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('undo');
    assert.equal(document.getText(), typed);
    await eventually(() => assert.equal(columnOf(lastUpdate(panel).model, 'epic-001-link-shortener:T9'), 'open'));
    await restoreDocument(document, original);
  }

  test('a blocked card moved to in progress asks as Start Task does; unless confirmed nothing changes and the webview hears it was declined', async () => {
    const panel = await openBoard({ folder: folderUri().toString() });
    // VS Code refuses dialogs to extension tests, which counts as the user saying no.
    const { notices } = await observe(() => panel.handle({ type: 'moveCard', key: 'epic-001-link-shortener:T4', to: 'in-progress' }));
    assert.deepEqual(notices, [{ severity: 'warning', message: 'T4 Redirect endpoint with Redis cache is blocked by T3.', items: ['Start Anyway'], modal: true }]);
    assert.deepEqual(changedFiles(before, markdownFiles()), {});
    assert.deepEqual(results(panel), [{ type: 'moveResult', key: 'epic-001-link-shortener:T4', to: 'in-progress', outcome: 'declined' }]);
    // Completing a blocked task asks nothing, as Complete Task does not.
    await panel.handle({ type: 'moveCard', key: 'epic-001-link-shortener:T4', to: 'done' });
    assert.equal(results(panel).at(-1)?.outcome, 'moved');
  });

  test('a card that is not on the board, or a column that does not exist, changes nothing', async () => {
    const panel = await openBoard({ folder: folderUri().toString() });
    await panel.handle({ type: 'moveCard', key: 'epic-001-link-shortener:T99', to: 'done' });
    assert.deepEqual(results(panel), [{ type: 'moveResult', key: 'epic-001-link-shortener:T99', to: 'done', outcome: 'failed', message: 'The task epic-001-link-shortener:T99 is no longer in the plan.' }]);
    await panel.handle({ type: 'moveCard', key: 'epic-001-link-shortener:T6', to: 'blocked' } as unknown as Parameters<BoardPanel['handle']>[0]);
    assert.equal(results(panel).length, 1);
    assert.deepEqual(changedFiles(before, markdownFiles()), {});
  });

  test('the filters: the host applies them and redraws', async () => {
    const panel = await openBoard({ folder: folderUri().toString() });
    await panel.handle({ type: 'setFilter', filter: { sprint: 'epic-001-link-shortener' } });
    let model = lastUpdate(panel).model;
    assert.deepEqual(model.filter, { sprint: 'epic-001-link-shortener' });
    assert.equal(model.hidden, 6);
    assert.ok(model.columns.every((c) => c.cards.every((card) => card.epicId === 'epic-001-link-shortener')));
    await panel.handle({ type: 'setFilter', filter: { epic: `${CALENDAR}/epic.md` } });
    model = lastUpdate(panel).model;
    assert.deepEqual(counts(model), { open: 3, 'in-progress': 1, done: 2 });
  });

  test('the serializer restores a board with its filter from the state its webview saved, and refuses one that names nothing', async () => {
    const { boards } = await api();
    const state: BoardWebviewState = {
      scope: { kind: 'all', folder: folderUri().toString() },
      filter: { epic: EPIC_001 },
      focused: 'epic-001-link-shortener:T6',
    };
    const restoredPanel = vscode.window.createWebviewPanel(BOARD_VIEW_TYPE, 'Board', vscode.ViewColumn.Active, { enableScripts: true });
    await boards.serializer.deserializeWebviewPanel(restoredPanel, state);
    const host = boards.panels.find((p) => p.panel === restoredPanel);
    assert.ok(host, 'the restored panel has no host');
    await webviewReady(host);
    const update = lastUpdate(host);
    assert.deepEqual(update.model.filter, { epic: EPIC_001 });
    assert.equal(update.model.hidden, 6);
    assert.equal(host.panel.title, 'Board: All epics');

    const stray = vscode.window.createWebviewPanel(BOARD_VIEW_TYPE, 'Board', vscode.ViewColumn.Active, { enableScripts: true });
    let disposed = false;
    stray.onDidDispose(() => (disposed = true));
    await boards.serializer.deserializeWebviewPanel(stray, { filter: {} });
    await eventually(() => assert.ok(disposed, 'a panel restored from unusable state stays open'));
  });

  test('a board whose epic is deleted says so', async () => {
    const { workspace } = await api();
    const panel = await openBoard({ folder: folderUri().toString(), epicPath: EPIC_001 });
    await vscode.workspace.fs.delete(fileUri(EPIC_001));
    await workspace.update(workspace.folderByKey(folderUri().toString())!, [EPIC_001]);
    await eventually(() => assert.equal(panel.trace.at(-1)?.message.type, 'gone'));
  });
});
