import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Commands } from '../../src/common/commands';
import { api, EXTENSION_ID } from './helpers';

suite('Commands', () => {
  suiteSetup(() => api());

  test('every contributed command is registered, and every registered command is contributed', async () => {
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { commands: Array<{ command: string; category: string }> } };
    const contributed = manifest.contributes.commands.map((c) => c.command).sort();
    // VS Code adds focus, open and other commands for each contributed view.
    const views = /^autopm\.(prds|epics|nextUp)\./;
    const registered = (await vscode.commands.getCommands(true)).filter((c) => c.startsWith('autopm.') && !views.test(c)).sort();
    assert.deepEqual(registered, contributed);
    assert.deepEqual([...Object.values(Commands)].sort(), contributed);
    for (const command of manifest.contributes.commands) assert.equal(command.category, 'AutoPM', command.command);
  });

  test('activation parses nothing: the index is built when a surface first asks for it', async () => {
    const exports = await api();
    assert.equal(exports.indexStartedDuringActivation, false);
    assert.equal(exports.workspace.state, 'ready');
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { activationEvents: string[] };
    assert.ok(!manifest.activationEvents.includes('*'));
  });
});
