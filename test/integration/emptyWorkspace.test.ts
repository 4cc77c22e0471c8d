import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Commands } from '../../src/common/commands';
import { api, children, eventually, fileUri, readText } from './helpers';

suite('A workspace without plans', () => {
  suiteSetup(() => api());

  test('the views are empty, so their welcome content shows, until a plan folder and a PRD appear', async () => {
    const { workspace, explorer, statusBar } = await api();
    assert.equal(workspace.state, 'noPlans');
    assert.deepEqual(await children(explorer.epics), []);
    assert.deepEqual(await children(explorer.prds), []);
    assert.deepEqual(await children(explorer.nextUp), []);
    assert.equal(statusBar.item.text, '');

    await vscode.workspace.fs.createDirectory(fileUri('.claude/prds'));
    await eventually(() => assert.equal(workspace.state, 'emptyPlanFolder'));

    const created = await vscode.commands.executeCommand<vscode.Uri>(Commands.newPrd, { title: 'Team Calendar' });
    assert.equal(created.path, fileUri('.claude/prds/team-calendar.md').path);
    const text = await readText('.claude/prds/team-calendar.md');
    assert.match(text, /^---\nname: team-calendar\ndescription: "Team Calendar"\nstatus: backlog\ncreated: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n---\n\n# PRD: Team Calendar\n\n## Executive Summary\n/);
    await eventually(async () => assert.deepEqual((await children(explorer.prds)).map((p) => [p.label, p.description]), [['Team Calendar', 'backlog']]));
    assert.equal(workspace.state, 'ready');
    // A PRD but no epic yet: Next Up explains why it is empty, rather than "every task is done".
    await eventually(() => assert.equal(explorer.nextUpState(), 'noEpics'));
    // A second PRD of the same name never overwrites the first.
    assert.equal(await vscode.commands.executeCommand(Commands.newPrd, { title: 'Team calendar' }), undefined);
    assert.equal(await readText('.claude/prds/team-calendar.md'), text);
  });
});
