import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, children, eventually } from './helpers';

/** Waits for the workspace folders to change, after asking for a change. */
async function changeFolders(change: () => boolean): Promise<void> {
  const changed = new Promise<void>((resolve) => {
    const listener = vscode.workspace.onDidChangeWorkspaceFolders(() => {
      listener.dispose();
      resolve();
    });
  });
  assert.ok(change(), 'VS Code refused the folder change');
  await changed;
}

suite('Two workspace folders', () => {
  suiteSetup(() => api());

  test('every folder is indexed and the views group by folder', async () => {
    const { explorer, statusBar } = await api();
    const folders = await children(explorer.epics);
    assert.deepEqual(folders.map((f) => [f.label, f.contextValue]), [['alpha', 'folder'], ['beta', 'folder']]);
    assert.deepEqual((await children(explorer.epics, folders[0].node)).map((e) => e.label), ['team-calendar', 'Link Shortener Service']);
    assert.deepEqual((await children(explorer.epics, folders[1].node)).map((e) => e.label), ['team-calendar']);
    const prdFolders = await children(explorer.prds);
    assert.deepEqual((await children(explorer.prds, prdFolders[1].node)).map((p) => p.label), ['Team Calendar']);
    const next = await children(explorer.nextUp);
    assert.deepEqual((await children(explorer.nextUp, next[1].node)).map((t) => t.label), ['#46 Calendar export (ICS)']);
    await eventually(() => assert.match((statusBar.item.tooltip as vscode.MarkdownString).value, /\| team-calendar \(beta\) \| 2\/6 \| 33% \|/));
  });

  test('a folder removed and added again is dropped and picked up', async () => {
    const { explorer, workspace } = await api();
    const beta = vscode.workspace.workspaceFolders![1];
    await changeFolders(() => vscode.workspace.updateWorkspaceFolders(1, 1));
    await eventually(async () => {
      const roots = await children(explorer.epics);
      // One folder left: its epics are the top level again.
      assert.deepEqual(roots.map((r) => r.label), ['team-calendar', 'Link Shortener Service']);
    });
    assert.equal(workspace.allFolders.length, 1);
    await changeFolders(() => vscode.workspace.updateWorkspaceFolders(1, 0, { uri: beta.uri, name: 'beta' }));
    await eventually(async () => assert.deepEqual((await children(explorer.epics)).map((r) => r.label), ['alpha', 'beta']));
  });
});
