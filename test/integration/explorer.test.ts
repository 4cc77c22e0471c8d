import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Commands } from '../../src/common/commands';
import { api, children, eventually, fileUri, readText, writeText } from './helpers';

const EPIC_001 = 'epics/epic-001-link-shortener.md';

suite('Explorer', () => {
  suiteSetup(() => api());

  test('Epics: epics with their progress, then groups, then tasks with state icons', async () => {
    const { explorer } = await api();
    const epics = await children(explorer.epics);
    assert.deepEqual(
      epics.map((e) => [e.label, e.description, e.contextValue]),
      [
        ['team-calendar', '2/6 · 33%', 'epic'],
        ['Link Shortener Service', '2/10 · 20%', 'epic'],
      ],
    );
    const groups = await children(explorer.epics, epics[1].node);
    assert.deepEqual(
      groups.map((g) => [g.label, g.description]),
      [
        ['Foundation', '2/2'],
        ['Redirects', '0/2'],
        ['Management API', '0/2'],
        ['Analytics', '0/2'],
        ['Release', '0/2'],
      ],
    );
    const redirects = await children(explorer.epics, groups[1].node);
    assert.deepEqual(
      redirects.map((t) => [t.label, t.description, t.icon, t.contextValue]),
      [
        ['T3 Link table and slug generator', '#103 · in progress', 'sync', 'task.in-progress'],
        ['T4 Redirect endpoint with Redis cache', 'blocked', 'circle-slash', 'task.open.blocked'],
      ],
    );
    const calendar = await children(explorer.epics, epics[0].node);
    assert.deepEqual(
      calendar.map((t) => [t.label, t.description, t.icon]),
      [
        ['#41 Events schema and migrations', 'done', 'pass-filled'],
        ['#42 Time-off API', 'done', 'pass-filled'],
        ['#43 On-call rota import', 'in progress', 'sync'],
        ['#44 Week view', 'blocked', 'circle-slash'],
        ['#45 Shift swaps', 'blocked', 'circle-slash'],
        ['#46 Calendar export (ICS)', 'ready', 'circle-large-outline'],
      ],
    );
    const item = await explorer.epics.getTreeItem(calendar[3].node);
    const tooltip = (item.tooltip as vscode.MarkdownString).value;
    assert.match(tooltip, /Depends on: 42, 43/);
    assert.match(tooltip, /Blocked by: #43/);
    assert.equal(item.command?.command, 'vscode.open');
    assert.equal((item.command?.arguments?.[0] as vscode.Uri).path, fileUri('.claude/epics/team-calendar/44.md').path);
  });

  test('Epics: hide done and filter by state', async () => {
    const { explorer } = await api();
    try {
      await vscode.commands.executeCommand(Commands.hideDoneTasks);
      let epics = await children(explorer.epics);
      assert.deepEqual((await children(explorer.epics, epics[0].node)).map((t) => t.label), ['#43 On-call rota import', '#44 Week view', '#45 Shift swaps', '#46 Calendar export (ICS)']);
      assert.equal(explorer.epicsView.message, 'Showing in progress, ready, blocked tasks');
      await vscode.commands.executeCommand(Commands.filterTasks, ['ready']);
      epics = await children(explorer.epics);
      assert.deepEqual((await children(explorer.epics, epics[0].node)).map((t) => t.label), ['#46 Calendar export (ICS)']);
      // Groups with nothing to show disappear.
      assert.deepEqual((await children(explorer.epics, epics[1].node)).map((g) => g.label), ['Management API']);
    } finally {
      await vscode.commands.executeCommand(Commands.filterTasks, ['done', 'in-progress', 'ready', 'blocked']);
      await vscode.commands.executeCommand(Commands.showDoneTasks);
    }
    assert.equal(explorer.epicsView.message, undefined);
  });

  test('PRDs: each PRD with its status, expanding to its epics and sections', async () => {
    const { explorer } = await api();
    const prds = await children(explorer.prds);
    assert.deepEqual(
      prds.map((p) => [p.label, p.description]),
      [
        // The state the epics' tasks give first, then the status as written.
        ['Team Calendar', 'in progress · backlog · 2/6'],
        ['Link Shortener Service', 'in progress · Approved · 2/10'],
      ],
    );
    const inside = await children(explorer.prds, prds[1].node);
    assert.deepEqual(
      inside.map((n) => n.label),
      ['Link Shortener Service', 'Problem Statement', 'Target Users', 'User Stories', 'Success Criteria', 'Technical Requirements', 'Out of Scope'],
    );
    assert.equal(inside[0].contextValue, 'epic');
  });

  test('Next Up: the ready tasks in recommended order, each with its reason', async () => {
    const { explorer } = await api();
    const next = await children(explorer.nextUp);
    assert.deepEqual(
      next.map((n) => [n.label, n.description]),
      [
        ['T6 Single sign-on for the management API', 'Epic 001 · unblocks 1'],
        ['#46 Calendar export (ICS)', 'team-calendar'],
      ],
    );
    const tooltip = (await explorer.nextUp.getTreeItem(next[0].node)).tooltip as vscode.MarkdownString;
    assert.match(tooltip.value, /^Ready: its dependency \(T1\) is done/);
    assert.equal(explorer.nextUpView.badge?.value, 2);
    assert.equal(explorer.nextUpState(), 'ready');
  });

  test('completing a task from its tree item refreshes its epic\'s row in place', async () => {
    const { explorer } = await api();
    const epics = await children(explorer.epics);
    const before = await readText(EPIC_001);
    // The inline action passes the tree item's node to the command.
    const groups = await children(explorer.epics, epics[1].node);
    const management = await children(explorer.epics, groups.find((g) => g.label === 'Management API')!.node);
    const task6 = management.find((t) => t.label.startsWith('T6 '))!;
    assert.equal(task6.contextValue, 'task.open');
    // Only the epic node is refreshed: its item must describe the new model by itself.
    await vscode.commands.executeCommand(Commands.completeTask, task6.node);
    try {
      await eventually(async () => assert.equal((await explorer.epics.getTreeItem(epics[1].node)).description, '3/10 · 30%'));
    } finally {
      await writeText(EPIC_001, before);
    }
    await eventually(async () => assert.equal((await explorer.epics.getTreeItem(epics[1].node)).description, '2/10 · 20%'));
  });

  test('a plan folder deleted or renamed as a whole leaves the views', async () => {
    const { explorer } = await api();
    await vscode.workspace.fs.rename(fileUri('.claude'), fileUri('.claude-away'));
    try {
      await eventually(async () => assert.deepEqual((await children(explorer.epics)).map((e) => e.label), ['Link Shortener Service']));
      assert.deepEqual((await children(explorer.prds)).map((e) => e.label), ['Link Shortener Service']);
    } finally {
      await vscode.workspace.fs.rename(fileUri('.claude-away'), fileUri('.claude'));
    }
    await eventually(async () => assert.deepEqual((await children(explorer.epics)).map((e) => e.label), ['team-calendar', 'Link Shortener Service']));
  });

  test('an epic folder linked in from elsewhere is read like any other', async () => {
    const { explorer } = await api();
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'autopm-linked-'));
    fs.writeFileSync(path.join(outside, 'epic.md'), '---\nname: linked\nstatus: open\n---\n\n# Epic: Linked work\n');
    fs.writeFileSync(path.join(outside, '001.md'), '---\nname: Linked task\nstatus: open\n---\n\n# Task: Linked task\n');
    const link = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, '.claude', 'epics', 'linked');
    fs.symlinkSync(outside, link);
    try {
      await vscode.commands.executeCommand(Commands.refresh);
      const epics = await children(explorer.epics);
      const linked = epics.find((e) => e.label === 'Linked work');
      assert.ok(linked, epics.map((e) => e.label).join(', '));
      assert.deepEqual((await children(explorer.epics, linked.node)).map((t) => t.label), ['001 Linked task']);
    } finally {
      fs.unlinkSync(link);
      fs.rmSync(outside, { recursive: true, force: true });
    }
    await vscode.commands.executeCommand(Commands.refresh);
    assert.deepEqual((await children(explorer.epics)).map((e) => e.label), ['team-calendar', 'Link Shortener Service']);
  });

  test('a file changed on disk updates the tree', async () => {
    const { explorer } = await api();
    const original = await readText(EPIC_001);
    try {
      await writeText(EPIC_001, original.replace('- [ ] **Task 6:** Single sign-on', '- [x] **Task 6:** Single sign-on'));
      await eventually(async () => {
        const epics = await children(explorer.epics);
        assert.equal(epics[1].description, '3/10 · 30%');
      });
      await writeText(EPIC_001, original.replace('### Release', '### Launch'));
      await eventually(async () => {
        const epics = await children(explorer.epics);
        assert.deepEqual((await children(explorer.epics, epics[1].node)).map((g) => g.label).at(-1), 'Launch');
      });
    } finally {
      await writeText(EPIC_001, original);
    }
    await eventually(async () => assert.equal((await children(explorer.epics))[1].description, '2/10 · 20%'));
  });
});
