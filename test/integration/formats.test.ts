import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Commands } from '../../src/common/commands';
import type { BoardModel } from '../../src/core/board';
import type { BoardPanel } from '../../src/features/board/boardPanel';
import type { GraphPanel } from '../../src/features/graph/graphPanel';
import type { ReportPanel } from '../../src/features/report/reportPanel';
import type { BoardMoveResultMessage, BoardUpdateMessage } from '../../src/shared/boardProtocol';
import type { GraphUpdateMessage } from '../../src/shared/graphProtocol';
import type { ReportUpdateMessage } from '../../src/shared/reportProtocol';
import { api, children, closeAllEditors, eventually, fileUri, folderUri, lineOf, rendered } from './helpers';

const KIRO = '.kiro/specs/user-auth/tasks.md';
const SPEC_KIT = 'specs/001-photo-albums/tasks.md';
const TASK_MASTER = '.taskmaster/tasks/tasks.json';
const PRDS = ['User auth', 'Photo Albums'];
// The tree's epics (by path, so the Task Master tags sit together) with their progress.
const EPICS = [
  ['User auth', '2/15 · 13%'],
  ['master', '2/14 · 14%'],
  ['React Native client for iOS and Android', '1/3 · 33%'],
  ['Photo Albums', '1/15 · 7%'],
];
const FILES = [KIRO, SPEC_KIT, TASK_MASTER, '.kiro/specs/user-auth/requirements.md', 'specs/001-photo-albums/spec.md'];

function read(relative: string): string {
  return fs.readFileSync(path.join(folderUri().fsPath, relative), 'utf8');
}

/** The file with `from` replaced by `to`, where `from` occurs exactly once. */
function replaced(text: string, from: string, to: string): string {
  assert.equal(text.split(from).length, 2, `"${from}" is not in the text exactly once`);
  return text.replace(from, to);
}

/** The AutoPM CodeLenses on the line holding `needle`, as VS Code's CodeLens command gives them. */
async function lensesOn(relative: string, needle: string): Promise<vscode.CodeLens[]> {
  const uri = fileUri(relative);
  const document = await vscode.workspace.openTextDocument(uri);
  const line = lineOf(document.getText(), needle);
  return eventually(async () => {
    const lenses = ((await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? []).filter(
      (l) => l.range.start.line === line && l.command?.command.startsWith('autopm.'),
    );
    assert.ok(lenses.length > 0, `no CodeLens on line ${line + 1} of ${relative}`);
    return lenses;
  });
}

/** Runs the CodeLens titled `title` on the line holding `needle`, as a click does. */
async function clickLens(relative: string, needle: string, title: string): Promise<void> {
  const lenses = await lensesOn(relative, needle);
  const lens = lenses.find((l) => l.command!.title === title);
  assert.ok(lens, `no "${title}" among ${lenses.map((l) => l.command!.title).join(', ')}`);
  await vscode.commands.executeCommand(lens.command!.command, ...(lens.command!.arguments ?? []));
}

suite("Other tools' formats: Kiro, Spec Kit and Task Master in the real editor", () => {
  let before: Map<string, string>;
  suiteSetup(() => api());
  setup(() => {
    before = new Map(FILES.map((f) => [f, read(f)]));
  });
  teardown(async () => {
    const { graphs, reports, boards } = await api();
    graphs.panels.forEach((p) => p.dispose());
    boards.panels.forEach((p) => p.dispose());
    reports.panels.forEach((p) => p.dispose());
    await closeAllEditors();
    for (const [file, text] of before) fs.writeFileSync(path.join(folderUri().fsPath, file), text);
    await vscode.commands.executeCommand('autopm.refresh');
  });

  /** `text` with the first `from` after `anchor` replaced by `to`. */
  function replacedAfter(text: string, anchor: string, from: string, to: string): string {
    const at = text.indexOf(anchor);
    assert.ok(at >= 0, `no ${anchor}`);
    const found = text.indexOf(from, at);
    assert.ok(found >= 0, `no ${from} after ${anchor}`);
    return text.slice(0, found) + to + text.slice(found + from.length);
  }

  /** Every watched file that changed, with its text now. */
  function changed(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [file, text] of before) if (read(file) !== text) out[file] = read(file);
    return out;
  }

  test('the explorer lists each format: a Kiro spec, a Spec Kit feature and each Task Master tag, with their PRDs', async () => {
    const { explorer } = await api();
    const epics = await eventually(async () => {
      const nodes = await children(explorer.epics);
      assert.equal(nodes.length, 4);
      return nodes;
    });
    assert.deepEqual(
      epics.map((n) => [n.label, n.description]),
      EPICS,
    );
    // The menus tell other tools' epics and tasks apart (no sync, pull request, review or refine for them).
    assert.deepEqual(epics.map((n) => n.contextValue), ['epic.tool', 'epic.tool', 'epic.tool', 'epic.tool']);
    const kiroTasks = await children(explorer.epics, epics[0].node);
    assert.ok(kiroTasks.some((t) => /^task\./.test(t.contextValue ?? '')) && kiroTasks.every((t) => /^(group|task\..*\.tool)/.test(t.contextValue ?? '')), JSON.stringify(kiroTasks.map((t) => t.contextValue)));
    const prds = await children(explorer.prds);
    assert.deepEqual(
      prds.map((n) => n.label),
      PRDS,
    );
    // Each PRD holds its spec's epic, then its sections.
    assert.deepEqual(
      await Promise.all(prds.map(async (prd) => (await children(explorer.prds, prd.node)).map((n) => n.label))),
      [
        ['User auth', 'Introduction', 'Requirements'],
        ['Photo Albums', 'User Scenarios & Testing *(mandatory)*', 'Requirements *(mandatory)*', 'Success Criteria *(mandatory)*'],
      ],
    );
  });

  test('Complete on a Kiro task line ticks its checkbox and changes no other byte, and the status bar counts it', async () => {
    const { statusBar } = await api();
    await vscode.window.showTextDocument(fileUri(KIRO));
    await eventually(() => assert.match(statusBar.item.text, /^\$\(checklist\) User auth · 2\/15$/));
    await clickLens(KIRO, '2.2 Implement `UserRepository`', 'Complete');
    await eventually(() => assert.deepEqual(changed(), { [KIRO]: replaced(before.get(KIRO)!, '- [-] 2.2 Implement', '- [x] 2.2 Implement') }));
    await eventually(() => assert.match(statusBar.item.text, /^\$\(checklist\) User auth · 3\/15$/));
  });

  test("Start and Complete on Spec Kit task lines: `[-]`, then `[X]` as the file writes it", async () => {
    await clickLens(SPEC_KIT, 'T002 [P] Initialize the Vite project', 'Start');
    const started = replaced(before.get(SPEC_KIT)!, '- [ ] T002 [P]', '- [-] T002 [P]');
    await eventually(() => assert.deepEqual(changed(), { [SPEC_KIT]: started }));
    await clickLens(SPEC_KIT, 'T002 [P] Initialize the Vite project', 'Complete');
    await eventually(() => assert.deepEqual(changed(), { [SPEC_KIT]: replaced(started, '- [-] T002 [P]', '- [X] T002 [P]') }));
  });

  test('Task Master: CodeLens on the title lines of both tags writes only the status value, in the right tag', async () => {
    const json = before.get(TASK_MASTER)!;
    const titles = (await lensesOn(TASK_MASTER, '"title": "Model daily check-ins and streaks"')).map((l) => l.command!.title);
    assert.deepEqual(titles.slice(0, 2), ['Complete', 'Reopen']);
    await clickLens(TASK_MASTER, '"title": "Model daily check-ins and streaks"', 'Complete');
    const first = replacedAfter(json, '"title": "Model daily check-ins and streaks"', '"status": "in-progress"', '"status": "done"');
    await eventually(() => assert.deepEqual(changed(), { [TASK_MASTER]: first }));

    // The second tag's task 2, not the first tag's.
    await clickLens(TASK_MASTER, '"title": "Build the habit list and check-in screens"', 'Complete');
    const second = replacedAfter(first, '"title": "Build the habit list and check-in screens"', '"status": "in-progress"', '"status": "done"');
    await eventually(() => assert.deepEqual(changed(), { [TASK_MASTER]: second }));
    await clickLens(TASK_MASTER, '"title": "Scaffold the React Native app with Expo"', 'Reopen');
    const third = replacedAfter(second, '"title": "Scaffold the React Native app with Expo"', '"status": "done"', '"status": "pending"');
    await eventually(() => assert.deepEqual(changed(), { [TASK_MASTER]: third }));
    const { workspace } = await api();
    await eventually(() => {
      const tag = workspace.epics().find((e) => e.epic.id === 'mobile-app')!;
      assert.deepEqual(tag.epic.tasks.map((t) => [t.id, t.rawStatus]), [['1', 'pending'], ['2', 'done'], ['3', 'pending']]);
    });
  });

  test('a problem in tasks.json is a diagnostic on its line, and goes when it is fixed', async () => {
    const json = before.get(TASK_MASTER)!;
    const broken = replacedAfter(json, '"title": "Send reminder notifications"', '"dependencies": [', '"dependencies": [42, ');
    fs.writeFileSync(path.join(folderUri().fsPath, TASK_MASTER), broken);
    const uri = fileUri(TASK_MASTER);
    const line = lineOf(broken, '42, ');
    const problems = await eventually(() => {
      const found = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'AutoPM');
      assert.equal(found.length, 1, JSON.stringify(found));
      return found;
    });
    assert.equal(problems[0].range.start.line, line);
    assert.match(problems[0].message, /42/);
    fs.writeFileSync(path.join(folderUri().fsPath, TASK_MASTER), json);
    await eventually(() => assert.deepEqual(vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'AutoPM'), []));
  });

  test('the lightbulb in tasks.json removes a dangling dependency, changing only that entry, and undo brings it back', async () => {
    const json = before.get(TASK_MASTER)!;
    const broken = replacedAfter(json, '"title": "Send reminder notifications"', '"dependencies": [', '"dependencies": [42, ');
    fs.writeFileSync(path.join(folderUri().fsPath, TASK_MASTER), broken);
    const uri = fileUri(TASK_MASTER);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    const problem = await eventually(() => {
      const found = vscode.languages.getDiagnostics(uri).find((d) => d.source === 'AutoPM' && d.code === 'dependency-dangling');
      assert.ok(found);
      return found;
    });
    const actions = await eventually(async () => {
      const all = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, problem.range, vscode.CodeActionKind.QuickFix.value)) ?? [];
      const ours = all.filter((a) => a.diagnostics?.some((d) => d.source === 'AutoPM') ?? true).filter((a) => a.edit || a.command?.command.startsWith('autopm.'));
      assert.ok(ours.length > 0);
      return ours;
    });
    const remove = actions.find((a) => a.edit && /42/.test(a.title));
    assert.ok(remove, JSON.stringify(actions.map((a) => a.title)));
    assert.ok(await vscode.workspace.applyEdit(remove.edit!));
    assert.equal(document.getText(), json);
    await eventually(() => assert.deepEqual(vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'AutoPM'), []));
    await vscode.commands.executeCommand('undo');
    assert.equal(document.getText(), broken);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  test("a Kiro task's reference to a requirement requirements.md does not define is a warning on that number, and its fix removes it", async () => {
    const kiro = before.get(KIRO)!;
    const broken = replaced(kiro, '  - _Requirements: 1.2_', '  - _Requirements: 1.2, 9.4_');
    fs.writeFileSync(path.join(folderUri().fsPath, KIRO), broken);
    const uri = fileUri(KIRO);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    const line = lineOf(broken, '_Requirements: 1.2, 9.4_');
    const problem = await eventually(() => {
      const found = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'AutoPM');
      assert.deepEqual(found.map((d) => [d.code, d.range.start.line, d.severity]), [['requirement-unknown', line, vscode.DiagnosticSeverity.Warning]]);
      return found[0];
    });
    assert.equal(document.getText(problem.range), '9.4');
    const actions = await eventually(async () => {
      const all = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, problem.range, vscode.CodeActionKind.QuickFix.value)) ?? [];
      assert.ok(all.some((a) => a.edit));
      return all;
    });
    const remove = actions.find((a) => a.edit && /Remove/.test(a.title))!;
    assert.ok(remove, JSON.stringify(actions.map((a) => a.title)));
    assert.ok(await vscode.workspace.applyEdit(remove.edit!));
    assert.equal(document.getText(), kiro);
    await eventually(() => assert.deepEqual(vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'AutoPM'), []));
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  test('with these folders left out of the plan roots, "No plans found" names the format it saw', async () => {
    const { workspace } = await api();
    const config = vscode.workspace.getConfiguration('autopm');
    await config.update('planRoots', ['.claude/prds', '.claude/epics'], vscode.ConfigurationTarget.Workspace);
    try {
      await eventually(() => {
        assert.equal(workspace.state, 'noPlans');
        assert.equal(workspace.detectedFormat?.key, 'kiro');
      });
      assert.match(workspace.detectedFormat!.message, /Kiro specs \(\.kiro\/specs\)/);
    } finally {
      await config.update('planRoots', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await eventually(() => assert.equal(workspace.state, 'ready'));
    assert.equal(workspace.detectedFormat, undefined);
  });

  test("a Task Master tag's CodeLens opens its own graph and its own status report", async () => {
    const tagLine = '"mobile-app": {';
    const lenses = await lensesOn(TASK_MASTER, tagLine);
    const graphLens = lenses.find((l) => l.command!.title === '$(type-hierarchy) Graph')!;
    assert.deepEqual(graphLens.command!.arguments, [{ folder: folderUri().toString(), epicPath: `${TASK_MASTER}#mobile-app` }]);
    // Syncing, reviews and pull requests stay with AutoPM's own layouts.
    assert.deepEqual(lenses.map((l) => l.command!.title).filter((t) => /Sync|Review|Pull Request/.test(t)), []);

    const graph = (await vscode.commands.executeCommand<GraphPanel>(graphLens.command!.command, ...graphLens.command!.arguments!))!;
    const drawn = await rendered(graph, 1);
    assert.equal(drawn.error, undefined);
    assert.equal(drawn.nodes, 3);
    assert.equal(graph.panel.title, 'Graph: React Native client for iOS and Android');
    const update = graph.trace.filter((t) => t.message.type === 'graph').map((t) => t.message as GraphUpdateMessage).at(-1)!;
    assert.deepEqual(
      update.model.nodes.map((n) => [n.id, n.state]),
      [['1', 'done'], ['2', 'in-progress'], ['3', 'blocked']],
    );

    const countsLens = lenses.find((l) => l.command!.command === 'autopm.openEpicStatus')!;
    const report = (await vscode.commands.executeCommand<ReportPanel>(countsLens.command!.command, ...countsLens.command!.arguments!))!;
    const posted = await eventually(() => {
      const last = report.trace.filter((t) => t.message.type === 'report').map((t) => t.message as ReportUpdateMessage).at(-1);
      assert.ok(last);
      return last;
    });
    assert.equal(posted.report.kind, 'epic');
    assert.deepEqual([posted.report.kind === 'epic' && posted.report.id, posted.report.kind === 'epic' && posted.report.ready.map((t) => t.id)], ['mobile-app', []]);
  });

  test("a Spec Kit feature's graph draws every task, with one link where a whole phase waits for the one before", async () => {
    const graph = (await vscode.commands.executeCommand<GraphPanel>('autopm.showGraph', { folder: folderUri().toString(), epicPath: SPEC_KIT }))!;
    const drawn = await rendered(graph, 1);
    assert.equal(drawn.error, undefined);
    assert.equal(drawn.nodes, 15);
    const update = graph.trace.filter((t) => t.message.type === 'graph').map((t) => t.message as GraphUpdateMessage).at(-1)!;
    assert.match(update.model.source, /\n {4}g0 --> g1\n/);
  });

  test('hovering a dependency in tasks.json shows the task it names (a sibling, inside a subtask list); a title shows its own task', async () => {
    const uri = fileUri(TASK_MASTER);
    const json = before.get(TASK_MASTER)!;
    const hoverAt = async (line: number, column: number) => {
      const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(line, column))) ?? [];
      return hovers.map((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value)).join('\n')).join('\n---\n');
    };
    // Subtask 2.3 "Write the initial migration" depends on [1, 2]: its siblings 2.1 and 2.2.
    const lines = json.split('\n');
    const title = lineOf(json, '"title": "Write the initial migration"');
    const dependencyLine = lines.findIndex((l, i) => i > title && /^\s*2,?\s*$/.test(l));
    assert.ok(dependencyLine > title, 'no dependency 2 under the migration subtask');
    const column = lines[dependencyLine].indexOf('2');
    const onDependency = await eventually(async () => {
      const text = await hoverAt(dependencyLine, column);
      assert.match(text, /Model daily check-ins and streaks/);
      return text;
    });
    assert.match(onDependency, /2\.2/);
    assert.doesNotMatch(onDependency, /Build the habit list/);
    const onTitle = await hoverAt(title, lines[title].indexOf('Write'));
    assert.match(onTitle, /Write the initial migration/);
    assert.match(onTitle, /Depends on 2\.1, 2\.2/);
    // A line that is neither says nothing.
    assert.equal(await hoverAt(lineOf(json, '"master": {'), 4), '');
  });

  test('moving cards on the board edits Spec Kit and Task Master files in their own formats', async () => {
    const panel = (await vscode.commands.executeCommand<BoardPanel>(Commands.openBoard, { folder: folderUri().toString() }))!;
    // The host answers a move once the page has said it is ready.
    await eventually(() => assert.ok(panel.trace.some((t) => t.direction === 'fromWebview' && t.message.type === 'ready')), 15000);
    const model = await eventually(() => {
      const last = panel.trace.filter((t) => t.message.type === 'board').map((t) => t.message as BoardUpdateMessage).at(-1);
      assert.ok(last);
      return last.model;
    });
    const keyOf = (board: BoardModel, title: string) => {
      const card = board.columns.flatMap((c) => c.cards).find((c) => c.title === title);
      assert.ok(card, `no card "${title}"`);
      return card.key;
    };
    const results = () => panel.trace.filter((t) => t.message.type === 'moveResult').map((t) => (t.message as BoardMoveResultMessage).outcome);

    await panel.handle({ type: 'moveCard', key: keyOf(model, 'Configure ESLint and Prettier'), to: 'done' });
    const specKit = replaced(before.get(SPEC_KIT)!, '- [ ] T003 [P]', '- [X] T003 [P]');
    await eventually(() => assert.deepEqual(changed(), { [SPEC_KIT]: specKit }));

    await panel.handle({ type: 'moveCard', key: keyOf(model, 'Add offline check-ins that sync later'), to: 'done' });
    const taskMaster = replacedAfter(before.get(TASK_MASTER)!, '"title": "Add offline check-ins that sync later"', '"status": "pending"', '"status": "done"');
    await eventually(() => assert.deepEqual(changed(), { [SPEC_KIT]: specKit, [TASK_MASTER]: taskMaster }));
    await eventually(() => assert.deepEqual(results(), ['moved', 'moved']));
  });
});
