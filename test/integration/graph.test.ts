import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Commands } from '../../src/common/commands';
import type { GraphPanel } from '../../src/features/graph/graphPanel';
import { GRAPH_VIEW_TYPE, scopeKey } from '../../src/features/graph/graphPanel';
import type { GraphScope, GraphUpdateMessage, GraphWebviewState } from '../../src/shared/graphProtocol';
import { api, closeAllEditors, codeLensTitles, eventually, fileUri, folderUri, markdownFiles, ref, restoreMarkdownFiles, rendered } from './helpers';

const EPIC_001 = 'epics/epic-001-link-shortener.md';

function lastUpdate(panel: GraphPanel): GraphUpdateMessage {
  const updates = panel.trace.filter((t) => t.direction === 'toWebview' && t.message.type === 'graph').map((t) => t.message as GraphUpdateMessage);
  assert.ok(updates.length > 0, 'no graph was posted');
  return updates[updates.length - 1];
}

suite('Dependency graph panel', () => {
  let before: Map<string, string>;
  suiteSetup(() => api());
  setup(() => {
    before = markdownFiles();
  });
  teardown(async () => {
    const { graphs } = await api();
    graphs.panels.forEach((p) => p.dispose());
    await closeAllEditors();
    await restoreMarkdownFiles(before);
  });

  test('the epic title offers the graph, and the command opens a webview whose page carries the graph, and it draws every node without a message after ready', async () => {
    const lenses = await codeLensTitles(fileUri(EPIC_001));
    assert.ok(lenses.some((l) => l.line === 0 && l.title === '$(type-hierarchy) Graph'), JSON.stringify(lenses.filter((l) => l.line === 0)));

    const panel = await vscode.commands.executeCommand<GraphPanel>(Commands.showGraph, { folder: folderUri().toString(), epicPath: EPIC_001 });
    assert.ok(panel, 'the command returned no panel');
    assert.equal(panel.panel.viewType, GRAPH_VIEW_TYPE);
    const drawn = await rendered(panel, 1);
    assert.equal(drawn.error, undefined);
    // 10 tasks and 4 milestones, as the core's model has them.
    assert.equal(drawn.nodes, 14);
    assert.equal(panel.panel.title, 'Graph: Link Shortener Service');

    const conversation = panel.trace.map((t) => `${t.embedded ? 'page' : t.direction}:${t.message.type}`);
    assert.deepEqual(conversation.slice(0, 3), ['page:graph', 'fromWebview:ready', 'fromWebview:rendered']);
    const update = lastUpdate(panel);
    assert.deepEqual(update.scope, { kind: 'epic', folder: folderUri().toString(), epicPath: EPIC_001 });
    const states = Object.fromEntries(update.model.nodes.filter((n) => n.kind === 'task').map((n) => [n.id, n.state]));
    assert.deepEqual(states, { T1: 'done', T2: 'done', T3: 'in-progress', T4: 'blocked', T5: 'blocked', T6: 'ready', T7: 'blocked', T8: 'blocked', T9: 'blocked', T10: 'blocked' });
    assert.deepEqual(update.model.nodes.filter((n) => n.next).map((n) => n.id), ['T6']);
    assert.deepEqual(update.model.nodes.filter((n) => n.critical).map((n) => n.id), ['T3', 'T4', 'T7', 'T8', 'T10']);

    // Showing the same epic again brings the same panel forward.
    const again = await vscode.commands.executeCommand<GraphPanel>(Commands.showGraph, { folder: folderUri().toString(), epicPath: EPIC_001 });
    assert.equal(again, panel);
  });

  test('completing a task redraws the graph with the task done and the next task moved on', async () => {
    const panel = await vscode.commands.executeCommand<GraphPanel>(Commands.showGraph, { folder: folderUri().toString(), epicPath: EPIC_001 });
    await rendered(panel, 1);
    const revision = lastUpdate(panel).revision;
    await vscode.commands.executeCommand(Commands.completeTask, ref(EPIC_001, 'T6'));
    const drawn = await rendered(panel, revision + 1);
    assert.equal(drawn.error, undefined);
    const update = lastUpdate(panel);
    assert.equal(update.model.nodes.find((n) => n.id === 'T6')?.state, 'done');
    assert.notDeepEqual(update.model.nodes.filter((n) => n.next).map((n) => n.id), ['T6']);
  });

  test('a PRD draws its epics together, one subgraph each', async () => {
    const { workspace } = await api();
    const prd = workspace.prds().find((p) => p.prd.id === 'team-calendar');
    assert.ok(prd);
    const panel = await vscode.commands.executeCommand<GraphPanel>(Commands.showGraph, { folder: folderUri().toString(), prdPath: prd.prd.path });
    const drawn = await rendered(panel, 1);
    assert.equal(drawn.error, undefined);
    const update = lastUpdate(panel);
    assert.deepEqual(update.model.epics.map((e) => e.id), ['team-calendar']);
    assert.equal(drawn.nodes, update.model.nodes.length);
  });

  test('the serializer restores a panel from the state its webview saved, and refuses one that names nothing', async () => {
    const { graphs } = await api();
    const state: GraphWebviewState = {
      scope: { kind: 'epic', folder: folderUri().toString(), epicPath: EPIC_001 },
      options: { direction: 'LR', hideDone: true },
      zoom: 1.5,
      scrollLeft: 0,
      scrollTop: 0,
    };
    const restoredPanel = vscode.window.createWebviewPanel(GRAPH_VIEW_TYPE, 'Graph', vscode.ViewColumn.Active, { enableScripts: true });
    await graphs.serializer.deserializeWebviewPanel(restoredPanel, state);
    const host = graphs.panels.find((p) => p.panel === restoredPanel);
    assert.ok(host, 'the restored panel has no host');
    await rendered(host, 1);
    const update = lastUpdate(host);
    assert.deepEqual(update.options, { direction: 'LR', hideDone: true });
    assert.match(update.model.source, /^graph LR\n/);
    assert.equal(update.model.nodes.some((n) => n.state === 'done'), false);
    assert.equal(update.model.hiddenDone, 2);

    const stray = vscode.window.createWebviewPanel(GRAPH_VIEW_TYPE, 'Graph', vscode.ViewColumn.Active, { enableScripts: true });
    let disposed = false;
    stray.onDidDispose(() => (disposed = true));
    await graphs.serializer.deserializeWebviewPanel(stray, { zoom: 2 });
    await eventually(() => assert.ok(disposed, 'a panel restored from unusable state stays open'));
  });

  test('a panel restored while its epic is open in front of it is closed, and the open one stays the only one and keeps following the plan', async () => {
    const { graphs } = await api();
    const scope: GraphScope = { kind: 'epic', folder: folderUri().toString(), epicPath: EPIC_001 };
    const state: GraphWebviewState = { scope, options: { direction: 'LR', hideDone: false }, zoom: 1, scrollLeft: 0, scrollTop: 0 };
    // A tab VS Code brings back after a reload, behind the graph the command then opens.
    const restoredPanel = vscode.window.createWebviewPanel(GRAPH_VIEW_TYPE, 'Graph', vscode.ViewColumn.Active, { enableScripts: true });
    let restoredClosed = false;
    restoredPanel.onDidDispose(() => (restoredClosed = true));
    const live = await vscode.commands.executeCommand<GraphPanel>(Commands.showGraph, scope);
    await rendered(live, 1);
    await eventually(() => assert.equal(restoredPanel.visible, false, 'the restored tab is still in front'));

    await graphs.serializer.deserializeWebviewPanel(restoredPanel, state);
    await eventually(() => assert.ok(restoredClosed, 'the restored panel of an open epic stays open'));
    assert.deepEqual(graphs.panels.filter((p) => scopeKey(p.scope) === scopeKey(scope)), [live]);
    assert.equal(lastUpdate(live).options.direction, 'TD');

    const revision = lastUpdate(live).revision;
    await vscode.commands.executeCommand(Commands.completeTask, ref(EPIC_001, 'T6'));
    await rendered(live, revision + 1);
    assert.equal(lastUpdate(live).model.nodes.find((n) => n.id === 'T6')?.state, 'done');
    assert.equal(await vscode.commands.executeCommand<GraphPanel>(Commands.showGraph, scope), live);
  });

  test('a panel restored in front of the open graph of its epic stays, with its saved options, and the hidden one closes', async () => {
    const { graphs } = await api();
    const scope: GraphScope = { kind: 'epic', folder: folderUri().toString(), epicPath: EPIC_001 };
    const hidden = await vscode.commands.executeCommand<GraphPanel>(Commands.showGraph, scope);
    await rendered(hidden, 1);
    let hiddenClosed = false;
    hidden.onDidDispose(() => (hiddenClosed = true));
    // The user clicks a tab VS Code kept from before the reload: it is restored only now, in front.
    const restoredPanel = vscode.window.createWebviewPanel(GRAPH_VIEW_TYPE, 'Graph', vscode.ViewColumn.Active, { enableScripts: true });
    await eventually(() => assert.equal(hidden.panel.visible, false, 'the open graph is still in front'));

    const state: GraphWebviewState = { scope, options: { direction: 'LR', hideDone: false }, zoom: 1, scrollLeft: 0, scrollTop: 0 };
    await graphs.serializer.deserializeWebviewPanel(restoredPanel, state);
    const forScope = graphs.panels.filter((p) => scopeKey(p.scope) === scopeKey(scope));
    assert.equal(forScope.length, 1);
    const [restored] = forScope;
    assert.equal(restored.panel, restoredPanel);
    assert.ok(hiddenClosed, 'the hidden graph of the same epic stays open');
    await rendered(restored, 1);
    assert.match(lastUpdate(restored).model.source, /^graph LR\n/);

    const revision = lastUpdate(restored).revision;
    await vscode.commands.executeCommand(Commands.completeTask, ref(EPIC_001, 'T6'));
    await rendered(restored, revision + 1);
    assert.equal(lastUpdate(restored).model.nodes.find((n) => n.id === 'T6')?.state, 'done');
    assert.equal(await vscode.commands.executeCommand<GraphPanel>(Commands.showGraph, scope), restored);
  });
});
