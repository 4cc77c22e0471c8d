import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { PanelServices } from '../../src/features/webviews/panelHost';
import { PanelHost } from '../../src/features/webviews/panelHost';
import { PanelRegistry } from '../../src/features/webviews/panelRegistry';
import type { ReadyMessage } from '../../src/shared/webview';
import { api, closeAllEditors, eventually, EXTENSION_ID } from './helpers';

const VIEW_TYPE = 'autopm.test.registry';

/** A host that draws nothing: the registry's part is what these tests look at. */
class TestHost extends PanelHost<{ readonly type: 'none' }, ReadyMessage> {
  constructor(
    panel: vscode.WebviewPanel,
    services: PanelServices,
    readonly scope: string,
    readonly extra: number | undefined,
  ) {
    super(panel, services, 'graph');
  }

  protected onReady(): void {}
  protected onMessage(): void {}
}

/** A promise the test resolves: the workspace still being read while a panel is restored. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

function newPanel(column = vscode.ViewColumn.Active): vscode.WebviewPanel {
  return vscode.window.createWebviewPanel(VIEW_TYPE, 'Test', column, { enableScripts: true });
}

function closed(panel: vscode.WebviewPanel): () => boolean {
  let disposed = false;
  panel.onDidDispose(() => (disposed = true));
  return () => disposed;
}

suite('Panel registry', () => {
  let services: PanelServices;
  let registry: PanelRegistry<string, number, TestHost>;
  let workspaceRead: ReturnType<typeof gate>;
  let created: TestHost[];

  suiteSetup(async () => {
    const { workspace, links } = await api();
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    const log = vscode.window.createOutputChannel('AutoPM registry tests', { log: true });
    // The test host never writes a page, so it reads no history.
    services = { extensionUri: extension.extensionUri, workspace, links, log, history: undefined as never, onDidChangeDay: new vscode.EventEmitter<void>().event };
  });

  setup(() => {
    workspaceRead = gate();
    created = [];
    registry = new PanelRegistry({
      viewType: VIEW_TYPE,
      title: (scope) => `Test ${scope}`,
      key: (scope) => scope.toLowerCase(),
      create: (panel, scope, extra) => {
        const host = new TestHost(panel, services, scope, extra);
        created.push(host);
        return host;
      },
      restore: (state) => {
        const { scope, extra } = (state ?? {}) as { scope?: unknown; extra?: unknown };
        return typeof scope === 'string' ? { scope, extra: typeof extra === 'number' ? extra : undefined } : undefined;
      },
      ready: () => workspaceRead.promise,
    });
  });

  teardown(async () => {
    registry.dispose();
    await closeAllEditors();
  });

  test('show opens one panel per key and brings it forward again; closing it forgets it', async () => {
    const a = registry.show('a', 1);
    assert.equal(a.panel.viewType, VIEW_TYPE);
    assert.equal(a.panel.title, 'Test a');
    assert.equal(a.extra, 1);
    const b = registry.show('b');
    assert.equal(registry.show('A'), a, 'a scope with the same key opened a second panel');
    assert.deepEqual(registry.panels, [a, b]);

    a.panel.dispose();
    assert.deepEqual(registry.panels, [b]);
    const again = registry.show('a');
    assert.notEqual(again, a);
    assert.deepEqual(registry.panels, [b, again]);
  });

  test('onDidOpen hears of every host, shown or restored', async () => {
    const opened: TestHost[] = [];
    const listener = registry.onDidOpen((host) => opened.push(host));
    const shown = registry.show('a');
    const panel = newPanel();
    workspaceRead.open();
    await registry.serializer.deserializeWebviewPanel(panel, { scope: 'b', extra: 7 });
    listener.dispose();
    assert.equal(opened.length, 2);
    assert.equal(opened[0], shown);
    assert.equal(opened[1].panel, panel);
    assert.equal(opened[1].extra, 7);
  });

  test('a panel restored while the workspace is read, and meanwhile opened by a command, leaves one panel: the one in front', async () => {
    const restoredPanel = newPanel();
    const restoredClosed = closed(restoredPanel);
    const restoring = registry.serializer.deserializeWebviewPanel(restoredPanel, { scope: 'a', extra: 2 });
    // The command does not wait: it opens the scope in front of the tab being restored.
    const live = registry.show('a', 1);
    await eventually(() => assert.equal(restoredPanel.visible, false));
    workspaceRead.open();
    await restoring;

    await eventually(() => assert.ok(restoredClosed(), 'the restored panel of an open scope stays open'));
    assert.deepEqual(registry.panels, [live]);
    assert.equal(created.length, 1, 'a host was made for the panel that was closed');
    assert.equal(registry.show('a'), live);
  });

  test('a restored panel in front replaces a hidden one of its scope, and closing that one leaves the new one registered', async () => {
    const hidden = registry.show('a', 1);
    const hiddenClosed = closed(hidden.panel);
    const restoredPanel = newPanel();
    await eventually(() => assert.equal(hidden.panel.visible, false));
    workspaceRead.open();
    await registry.serializer.deserializeWebviewPanel(restoredPanel, { scope: 'A', extra: 2 });

    assert.equal(registry.panels.length, 1);
    const [restored] = registry.panels;
    assert.equal(restored.panel, restoredPanel);
    assert.equal(restored.extra, 2);
    await eventually(() => assert.ok(hiddenClosed(), 'the hidden panel of the same scope stays open'));
    assert.equal(registry.show('a'), restored);
  });

  test('of two panels in view, the active one stays', async () => {
    const live = registry.show('a');
    const beside = vscode.window.createWebviewPanel(VIEW_TYPE, 'Test', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, { enableScripts: true });
    const besideClosed = closed(beside);
    await eventually(() => {
      assert.equal(beside.visible, true);
      assert.equal(beside.active, false);
      assert.equal(live.panel.active, true);
    });
    workspaceRead.open();
    await registry.serializer.deserializeWebviewPanel(beside, { scope: 'a' });
    await eventually(() => assert.ok(besideClosed()));
    assert.deepEqual(registry.panels, [live]);
  });

  test('state that names nothing closes the panel at once, without waiting for the workspace', async () => {
    const stray = newPanel();
    const strayClosed = closed(stray);
    await registry.serializer.deserializeWebviewPanel(stray, { extra: 3 });
    await eventually(() => assert.ok(strayClosed()));
    assert.deepEqual(registry.panels, []);
  });

  test('a panel closed while the workspace is read, or restored after the registry is gone, gets no host', async () => {
    const closedEarly = newPanel();
    const restoring = registry.serializer.deserializeWebviewPanel(closedEarly, { scope: 'a' });
    closedEarly.dispose();
    const late = newPanel();
    const lateClosed = closed(late);
    const restoringLate = registry.serializer.deserializeWebviewPanel(late, { scope: 'b' });
    registry.dispose();
    workspaceRead.open();
    await restoring;
    await restoringLate;
    await eventually(() => assert.ok(lateClosed()));
    assert.deepEqual(created, []);
    assert.deepEqual(registry.panels, []);
  });

  test('disposing the registry closes every panel it holds', async () => {
    const a = registry.show('a');
    const b = registry.show('b');
    const aClosed = closed(a.panel);
    const bClosed = closed(b.panel);
    registry.dispose();
    assert.deepEqual(registry.panels, []);
    await eventually(() => assert.ok(aClosed() && bClosed()));
  });
});
