// Quick fixes in the real VS Code: code actions asked for on AutoPM's diagnostics through
// VS Code's own command (as the lightbulb asks), applied as VS Code applies them, and undone.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { Commands } from '../../src/common/commands';
import { api, closeAllEditors, eventually, fileUri } from './helpers';

const DIR = '.claude/epics/fix-shop';

function task(name: string, status: string, depends = '[]'): string {
  return `---\nname: ${name}\nstatus: ${status}\ndepends_on: ${depends}\n---\n\n# Task: ${name}\n`;
}

const EPIC = [
  '---',
  'name: fix-shop',
  'status: in-progress',
  '---',
  '',
  '# Epic: fix-shop',
  '',
  '## Tasks Created',
  '- [x] 001.md - Setup',
  '- [ ] 002.md - API',
  '- [ ] 004.md - Docs',
  '',
].join('\n');

const FILES: Record<string, string> = {
  'epic.md': EPIC,
  '001.md': task('Setup', 'open'),
  '002.md': task('API', 'open', '[001, 007]'),
  '003.md': task('Tests', 'open', '[002]'),
  '004.md': task('Docs', 'open'),
};

const EPIC_URI = () => fileUri(`${DIR}/epic.md`);

/** AutoPM's diagnostics of a file, once one with `code` is on `line`. */
async function diagnosticOn(uri: vscode.Uri, code: string, line: number): Promise<vscode.Diagnostic> {
  return eventually(() => {
    const found = vscode.languages.getDiagnostics(uri).find((d) => d.source === 'AutoPM' && d.code === code && d.range.start.line === line);
    assert.ok(found, `no ${code} on line ${line + 1}: ${JSON.stringify(vscode.languages.getDiagnostics(uri).map((d) => [d.code, d.range.start.line]))}`);
    return found;
  }, 15000);
}

/** The code actions VS Code gathers for the range, as the lightbulb asks; asked again while there are none (a request made as the diagnostics are published again comes back empty). */
async function codeActions(uri: vscode.Uri, range: vscode.Range, kind: string): Promise<vscode.CodeAction[]> {
  return eventually(async () => {
    const actions = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, range, kind)) ?? [];
    assert.ok(actions.length > 0, `no ${kind} actions`);
    return actions;
  }, 10000);
}

suite('Quick fixes', () => {
  suiteSetup(() => {
    fs.mkdirSync(fileUri(DIR).fsPath, { recursive: true });
    for (const [name, text] of Object.entries(FILES)) fs.writeFileSync(fileUri(`${DIR}/${name}`).fsPath, text);
  });

  suiteTeardown(async () => {
    await closeAllEditors();
    fs.rmSync(fileUri(DIR).fsPath, { recursive: true, force: true });
    // The other tests see the examples' plan alone again.
    await eventually(() => assert.equal(vscode.languages.getDiagnostics(EPIC_URI()).length, 0), 15000);
  });

  test('a checklist line that disagrees with its task: the lightbulb offers the task file first, then the line; the line fix applies in the editor, unsaved, and undo restores it', async () => {
    const document = await vscode.workspace.openTextDocument(EPIC_URI());
    const editor = await vscode.window.showTextDocument(document);
    const mismatch = await diagnosticOn(document.uri, 'checklist-mismatch', 8);
    const actions = (await codeActions(document.uri, mismatch.range, vscode.CodeActionKind.QuickFix.value));
    assert.deepEqual(actions.map((a) => [a.title, a.isPreferred ?? false]), [
      ['Set the status of task 001 to closed, as the checklist says', true],
      ['Untick task 001 in the checklist, as its file says open', false],
    ]);
    // The task-file fix edits that file (the epic keeps no progress to update).
    assert.deepEqual(actions[0].edit!.entries().map(([uri]) => vscode.workspace.asRelativePath(uri, false)), [`${DIR}/001.md`]);

    assert.ok(await vscode.workspace.applyEdit(actions[1].edit!));
    assert.equal(document.getText(), EPIC.replace('- [x] 001.md', '- [ ] 001.md'));
    assert.equal(document.isDirty, true, 'the edit waits in the editor, as typing would');
    assert.equal(fs.readFileSync(document.uri.fsPath, 'utf8'), EPIC, 'and the file is unchanged until saved');
    await eventually(() => assert.ok(!vscode.languages.getDiagnostics(document.uri).some((d) => d.code === 'checklist-mismatch' && d.range.start.line === 8)), 15000);

    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), EPIC);
    await diagnosticOn(document.uri, 'checklist-mismatch', 8);
  });

  test('Fix All fixes what has one answer (the missing checklist line), and leaves what needs a choice', async () => {
    const document = await vscode.workspace.openTextDocument(EPIC_URI());
    await vscode.window.showTextDocument(document);
    await diagnosticOn(document.uri, 'checklist-missing-task', 5);
    const whole = new vscode.Range(0, 0, document.lineCount, 0);
    const actions = await codeActions(document.uri, whole, 'source.fixAll.autopm');
    assert.deepEqual(actions.map((a) => a.title), ['Fix the AutoPM problem that needs no choice']);
    assert.ok(await vscode.workspace.applyEdit(actions[0].edit!));
    assert.equal(document.getText(), EPIC.replace('- [ ] 002.md - API\n', '- [ ] 002.md - API\n- [ ] 003.md - Tests\n'));
    await eventually(() => assert.ok(!vscode.languages.getDiagnostics(document.uri).some((d) => d.code === 'checklist-missing-task')), 15000);
    // The mismatch needs a choice: it is still there.
    await diagnosticOn(document.uri, 'checklist-mismatch', 8);
    await vscode.commands.executeCommand('workbench.action.files.revert');
    assert.equal(document.getText(), EPIC);
  });

  test('a dependency on a task that does not exist: remove it, or replace it with one picked from a list', async () => {
    const uri = fileUri(`${DIR}/002.md`);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    const dangling = await diagnosticOn(uri, 'dependency-dangling', 3);
    const actions = (await codeActions(uri, dangling.range, vscode.CodeActionKind.QuickFix.value));
    assert.deepEqual(actions.map((a) => a.title), ['Remove the dependency on 007', 'Replace 007 with another task…']);
    // The replacement is asked for, then written through the plan editor: to the file on disk
    // (the document had no unsaved changes, so it is saved again).
    const choice = actions[1].command!;
    assert.equal(choice.command, Commands.applyFixChoice);
    // The quick pick's first answer, the nearest task, taken as a user presses Enter.
    setTimeout(() => void vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem'), 700);
    const label = await vscode.commands.executeCommand<string | undefined>(choice.command, ...(choice.arguments ?? []));
    assert.ok(label, 'a task was picked');
    const id = /^(\d+)/.exec(label)?.[1];
    assert.ok(id, label);
    await eventually(() => assert.equal(fs.readFileSync(uri.fsPath, 'utf8'), FILES['002.md'].replace('[001, 007]', `[001, ${id}]`)), 15000);
  });

  test('a fix that renames a file and edits others waits in the refactor preview, and changes nothing until it is applied there', async () => {
    // Its own epic: `02.md` reads as task 2, which `002.md` already is.
    const dup = '.claude/epics/fix-dup';
    const files: Record<string, string> = {
      'epic.md': ['---', 'name: fix-dup', 'status: in-progress', '---', '', '# Epic: fix-dup', '', '## Tasks Created', '- [ ] 001.md - Setup', '- [ ] 002.md - API', '- [ ] 02.md - Docs', '- [ ] 003.md - Tests', ''].join('\n'),
      '001.md': task('Setup', 'open'),
      '002.md': task('API', 'open', '[001]'),
      '02.md': task('Docs', 'open'),
      '003.md': task('Tests', 'open', '[02]'),
    };
    fs.mkdirSync(fileUri(dup).fsPath, { recursive: true });
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(fileUri(`${dup}/${name}`).fsPath, text);
    const onDisk = () => Object.fromEntries(fs.readdirSync(fileUri(dup).fsPath).sort().map((name) => [name, fs.readFileSync(fileUri(`${dup}/${name}`).fsPath, 'utf8')]));
    try {
      const uri = fileUri(`${dup}/02.md`);
      await vscode.window.showTextDocument(uri);
      const duplicate = await diagnosticOn(uri, 'task-duplicate-id', 1);
      const actions = await codeActions(uri, duplicate.range, vscode.CodeActionKind.QuickFix.value);
      assert.deepEqual(actions.map((a) => a.title), ['Renumber 02.md to 004.md']);
      // VS Code's command hands back the edits without their metadata, so the action whose
      // edit is applied is the provider's own, as the lightbulb applies it.
      const { codeActions: provider } = await api();
      const own = provider.provideCodeActions(await vscode.workspace.openTextDocument(uri), duplicate.range, { diagnostics: [duplicate], only: vscode.CodeActionKind.QuickFix, triggerKind: vscode.CodeActionTriggerKind.Invoke });
      assert.deepEqual(own.map((a) => a.title), ['Renumber 02.md to 004.md']);
      const edit = own[0].edit!;
      // Two files edited (entries() leaves out the rename).
      assert.deepEqual(edit.entries().map(([u]) => vscode.workspace.asRelativePath(u, false)).sort(), [`${dup}/003.md`, `${dup}/epic.md`]);

      let settled: boolean | undefined;
      const applying = Promise.resolve(vscode.workspace.applyEdit(edit)).then((ok) => (settled = ok));
      // The preview is open: nothing has been written or renamed yet.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      assert.equal(settled, undefined, 'the edit was applied without the preview');
      assert.deepEqual(onDisk(), files);
      // The preview lists each file unticked, for the user to tick (the edits need confirmation), then apply.
      await vscode.commands.executeCommand('refactorPreview.focus');
      await vscode.commands.executeCommand('list.collapseAll');
      await vscode.commands.executeCommand('list.focusFirst');
      for (let row = 0; row < 3; row++) {
        if (row > 0) await vscode.commands.executeCommand('list.focusDown');
        await vscode.commands.executeCommand('refactorPreview.toggleCheckedState');
      }
      await vscode.commands.executeCommand('refactorPreview.apply');
      await eventually(() => assert.equal(settled, true), 15000);
      await applying;
      const text = async (name: string) => (await vscode.workspace.openTextDocument(fileUri(`${dup}/${name}`))).getText();
      assert.equal(fs.existsSync(uri.fsPath), false, '02.md was renamed');
      assert.equal(await text('004.md'), files['02.md']);
      assert.equal(await text('003.md'), files['003.md'].replace('[02]', '[004]'));
      assert.equal(await text('epic.md'), files['epic.md'].replace('- [ ] 02.md - Docs', '- [ ] 004.md - Docs'));
      await eventually(() => assert.ok(!vscode.languages.getDiagnostics(fileUri(`${dup}/004.md`)).some((d) => d.code === 'task-duplicate-id')), 15000);
    } finally {
      // A refactoring saves the files it edited, a moment after it is applied: wait for that
      // before removing them, or a late save writes them back.
      await vscode.commands.executeCommand('workbench.action.files.saveAll');
      await eventually(() => assert.deepEqual(vscode.workspace.textDocuments.filter((d) => d.isDirty).map((d) => d.uri.path), []), 10000);
      await closeAllEditors();
      fs.rmSync(fileUri(dup).fsPath, { recursive: true, force: true });
      const { workspace } = await api();
      await eventually(() => assert.ok(!workspace.epics().some((e) => e.epic.path.startsWith(dup)) && !fs.existsSync(fileUri(dup).fsPath)), 10000);
    }
  });

  test('a stale progress: value is set to what the tasks say, and a mermaid node with no task can be added as a task', async () => {
    const dir = '.claude/epics/fix-progress';
    const epicText = ['---', 'name: fix-progress', 'status: in-progress', 'progress: 50%', '---', '', '# Epic: fix-progress', '', '## Tasks Created', '- [x] 001.md - Setup', '- [ ] 002.md - API', '- [ ] 003.md - Docs', ''].join('\n');
    const single = 'epics/epic-090-mermaid.md';
    const singleText = ['# Epic 090: Mermaid ghost', '', '**Status:** In progress', '', '## Tasks', '', '- [ ] **Task 1:** First', '- [ ] **Task 2:** Second', '', '## Dependencies', '', '```mermaid', 'graph TD', '    T1 --> T2', '    T7[Task 7: Write the docs] --> T2', '```', ''].join('\n');
    fs.mkdirSync(fileUri(dir).fsPath, { recursive: true });
    fs.writeFileSync(fileUri(`${dir}/epic.md`).fsPath, epicText);
    fs.writeFileSync(fileUri(`${dir}/001.md`).fsPath, task('Setup', 'closed'));
    fs.writeFileSync(fileUri(`${dir}/002.md`).fsPath, task('API', 'open'));
    fs.writeFileSync(fileUri(`${dir}/003.md`).fsPath, task('Docs', 'open'));
    fs.writeFileSync(fileUri(single).fsPath, singleText);
    try {
      const epicUri = fileUri(`${dir}/epic.md`);
      const document = await vscode.workspace.openTextDocument(epicUri);
      await vscode.window.showTextDocument(document);
      const stale = await diagnosticOn(epicUri, 'progress-stale', 3);
      assert.equal(stale.severity, vscode.DiagnosticSeverity.Information);
      const actions = await codeActions(epicUri, stale.range, vscode.CodeActionKind.QuickFix.value);
      assert.deepEqual(actions.map((a) => [a.title, a.isPreferred ?? false]), [['Set progress to 33%', true]]);
      assert.ok(await vscode.workspace.applyEdit(actions[0].edit!));
      assert.equal(document.getText(), epicText.replace('progress: 50%', 'progress: 33%'));
      await eventually(() => assert.ok(!vscode.languages.getDiagnostics(epicUri).some((d) => d.code === 'progress-stale')), 15000);
      await vscode.commands.executeCommand('undo');
      assert.equal(document.getText(), epicText);
      await diagnosticOn(epicUri, 'progress-stale', 3);

      const singleUri = fileUri(single);
      const singleDocument = await vscode.workspace.openTextDocument(singleUri);
      await vscode.window.showTextDocument(singleDocument);
      const ghost = await diagnosticOn(singleUri, 'mermaid-unknown-node', 14);
      const ghostActions = await codeActions(singleUri, ghost.range, vscode.CodeActionKind.QuickFix.value);
      const add = ghostActions.find((a) => /^Add the task T7/.test(a.title));
      assert.ok(add, JSON.stringify(ghostActions.map((a) => a.title)));
      assert.ok(await vscode.workspace.applyEdit(add.edit!));
      assert.equal(singleDocument.getText(), singleText.replace('- [ ] **Task 2:** Second\n', '- [ ] **Task 2:** Second\n- [ ] **Task 7:** Write the docs\n'));
      await eventually(() => assert.ok(!vscode.languages.getDiagnostics(singleUri).some((d) => d.code === 'mermaid-unknown-node')), 15000);
      const { workspace } = await api();
      await eventually(() => assert.deepEqual(workspace.epics().find((e) => e.epic.path === single)?.epic.tasks.map((t) => [t.id, t.title]), [['T1', 'First'], ['T2', 'Second'], ['T7', 'Write the docs']]));
    } finally {
      await vscode.commands.executeCommand('workbench.action.files.revert');
      await closeAllEditors();
      fs.rmSync(fileUri(dir).fsPath, { recursive: true, force: true });
      fs.rmSync(fileUri(single).fsPath, { force: true });
    }
  });
});
