import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Commands } from '../../src/common/commands';
import { api, children, closeAllEditors, eventually, EXTENSION_ID, fileUri, folderUri, restoreDocument } from './helpers';

/** The broken fixture's files, copied into the workspace for these tests and removed after. */
const BROKEN_FILES = [
  '.claude/epics/bad/001.md',
  '.claude/epics/bad/002.md',
  '.claude/epics/bad/003.md',
  '.claude/epics/bad/epic.md',
  'epics/epic-002-broken.md',
  'prds/prd-009-untitled.md',
];

function autopmDiagnostics(): string[] {
  const root = folderUri().path + '/';
  return vscode.languages
    .getDiagnostics()
    .flatMap(([uri, list]) =>
      list.filter((d) => d.source === 'AutoPM').map((d) => `${uri.path.slice(root.length)}:${d.range.start.line + 1} ${vscode.DiagnosticSeverity[d.severity]} ${d.code}`),
    )
    .sort();
}

suite('Diagnostics, hovers and completion', () => {
  suiteSetup(() => api());
  teardown(() => closeAllEditors());

  test('the example plans have no problems', async () => {
    await api();
    assert.deepEqual(autopmDiagnostics(), []);
  });

  test('a broken plan copied in becomes problems on the right lines, and they go when it goes', async () => {
    const fixture = vscode.Uri.joinPath(vscode.extensions.getExtension(EXTENSION_ID)!.extensionUri, 'test', 'fixtures', 'broken');
    for (const file of BROKEN_FILES) await vscode.workspace.fs.copy(vscode.Uri.joinPath(fixture, file), fileUri(file));
    try {
      await eventually(() =>
        assert.deepEqual(autopmDiagnostics(), [
          // Lists never closed with `]`, read as meant: 001 and 002 then wait on each other.
          '.claude/epics/bad/001.md:3 Warning frontmatter-malformed',
          '.claude/epics/bad/001.md:4 Error dependency-cycle',
          '.claude/epics/bad/001.md:4 Warning frontmatter-malformed',
          '.claude/epics/bad/002.md:3 Warning status-unknown',
          '.claude/epics/bad/002.md:4 Error dependency-cycle',
          '.claude/epics/bad/002.md:4 Error dependency-dangling',
          '.claude/epics/bad/003.md:1 Warning frontmatter-missing',
          '.claude/epics/bad/003.md:1 Warning task-missing-title',
          '.claude/epics/bad/epic.md:10 Warning checklist-mismatch',
          '.claude/epics/bad/epic.md:12 Warning checklist-mismatch',
          // `progress: 10%` with none of its three tasks done.
          '.claude/epics/bad/epic.md:4 Information progress-stale',
          '.claude/epics/bad/epic.md:7 Information checklist-missing-task',
          'epics/epic-002-broken.md:1 Warning prd-unknown',
          'epics/epic-002-broken.md:10 Error dependency-cycle',
          'epics/epic-002-broken.md:12 Error dependency-dangling',
          'epics/epic-002-broken.md:14 Error task-duplicate-id',
          'epics/epic-002-broken.md:16 Error dependency-self',
          'epics/epic-002-broken.md:22 Error dependency-cycle',
          'epics/epic-002-broken.md:23 Error dependency-cycle',
          'epics/epic-002-broken.md:24 Warning mermaid-unknown-node',
          'epics/epic-002-broken.md:4 Warning status-unknown',
          'prds/prd-009-untitled.md:1 Warning frontmatter-missing',
        ]),
      );
      assert.equal(await vscode.commands.executeCommand(Commands.validatePlans), 22);

      // A duplicated task id is a problem, and still a row of its own with an id of its own.
      const { explorer } = await api();
      const epics = await children(explorer.epics);
      const broken = epics.find((e) => e.label === 'Broken on purpose')!;
      const groups = await children(explorer.epics, broken.node);
      const rows = (await Promise.all(groups.map((g) => children(explorer.epics, g.node)))).flat();
      assert.deepEqual(rows.map((r) => r.label.split(' ')[0]), ['T1', 'T2', 'T3', 'T2', 'T4']);
      const ids = await Promise.all(rows.map(async (r) => (await explorer.epics.getTreeItem(r.node)).id));
      assert.equal(new Set(ids).size, 5);
    } finally {
      for (const file of BROKEN_FILES) await vscode.workspace.fs.delete(fileUri(file));
      await vscode.workspace.fs.delete(fileUri('.claude/epics/bad'), { recursive: true });
    }
    await eventually(() => assert.deepEqual(autopmDiagnostics(), []));
  });

  test('problems follow typing, before the file is saved', async () => {
    const document = await vscode.workspace.openTextDocument(fileUri('epics/epic-001-link-shortener.md'));
    const editor = await vscode.window.showTextDocument(document);
    const line = document.getText().split('\n').findIndex((l) => l.includes('**Depends on:** Task 3'));
    const range = document.lineAt(line).range;
    const original = document.getText();
    await editor.edit((b) => b.replace(range, '  - **Depends on:** Task 42'));
    try {
      await eventually(() => assert.deepEqual(autopmDiagnostics(), [`epics/epic-001-link-shortener.md:${line + 1} Error dependency-dangling`]));
      assert.equal(document.isDirty, true);
    } finally {
      await restoreDocument(document, original);
    }
    await eventually(() => assert.deepEqual(autopmDiagnostics(), []));
  });

  test('hovers on task references show the task, its state and its epic', async () => {
    const uri = fileUri('epics/epic-001-link-shortener.md');
    const document = await vscode.workspace.openTextDocument(uri);
    const line = document.getText().split('\n').findIndex((l) => l.includes('**Depends on:** Task 3'));
    const column = document.lineAt(line).text.indexOf('Task 3') + 2;
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(line, column));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /\*\*T3 Link table and slug generator\*\*/);
    assert.match(text, /in progress · issue #103/);
    assert.match(text, /Epic: Link Shortener Service/);

    const issueLine = document.getText().split('\n').findIndex((l) => l.includes('(#103)'));
    const issueColumn = document.lineAt(issueLine).text.indexOf('#103') + 1;
    const issueHovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(issueLine, issueColumn));
    assert.match(issueHovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n'), /\*\*T3 Link table and slug generator\*\*/);

    const taskFile = fileUri('.claude/epics/team-calendar/44.md');
    const taskDocument = await vscode.workspace.openTextDocument(taskFile);
    const depends = taskDocument.getText().split('\n').findIndex((l) => l.startsWith('depends_on:'));
    const at = taskDocument.lineAt(depends).text.indexOf('43');
    const dependsHover = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', taskFile, new vscode.Position(depends, at + 1));
    const hoverText = dependsHover.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(hoverText, /#43 On-call rota import/);
  });

  test('completion offers the epic’s other tasks inside depends_on', async () => {
    const uri = fileUri('.claude/epics/team-calendar/45.md');
    const document = await vscode.workspace.openTextDocument(uri);
    const line = document.getText().split('\n').findIndex((l) => l.startsWith('depends_on:'));
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, new vscode.Position(line, document.lineAt(line).text.length - 1));
    const labels = list.items
      .filter((i) => i.kind === vscode.CompletionItemKind.Reference)
      .map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    assert.deepEqual(labels, ['41', '42', '43', '44', '46']);

    // In a single-file epic, a Depends on bullet is completed with `Task N`, the task itself left out.
    const epic = fileUri('epics/epic-001-link-shortener.md');
    const epicDocument = await vscode.workspace.openTextDocument(epic);
    const bullet = epicDocument.getText().split('\n').findIndex((l) => l.includes('**Depends on:** Task 3'));
    const epicList = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', epic, new vscode.Position(bullet, epicDocument.lineAt(bullet).text.length));
    const epicLabels = epicList.items.filter((i) => i.kind === vscode.CompletionItemKind.Reference).map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    assert.deepEqual(epicLabels, ['Task 1', 'Task 2', 'Task 3', 'Task 4', 'Task 6', 'Task 7', 'Task 8', 'Task 9', 'Task 10']);
  });
});
