import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Commands } from '../../src/common/commands';
import { api, children, closeAllEditors, eventually, EXTENSION_ID, fileUri, folderUri, readText, writeText } from './helpers';

/** A synced epic (test/fixtures/synced), as the command-line tools leave one. */
const SYNCED_FILES = [
  '.claude/prds/payments.md',
  '.claude/epics/payments/epic.md',
  '.claude/epics/payments/github-mapping.md',
  '.claude/epics/payments/2.md',
  '.claude/epics/payments/3.md',
  '.claude/epics/payments/4.md',
  '.claude/epics/payments/5.md',
  '.claude/epics/payments/6.md',
  '.claude/epics/payments/7.md',
  '.claude/epics/payments/updates/6/stream-A.md',
];

function problemsOf(prefix: string): string[] {
  const root = folderUri().path + '/';
  return vscode.languages
    .getDiagnostics()
    .flatMap(([uri, list]) => {
      const path = uri.path.slice(root.length);
      if (!path.startsWith(prefix)) return [];
      return list.filter((d) => d.source === 'AutoPM').map((d) => `${path.slice(prefix.length)}:${d.range.start.line + 1} ${vscode.DiagnosticSeverity[d.severity]} ${d.code}`);
    })
    .sort();
}

suite('Plans as real repositories hold them', () => {
  suiteSetup(() => api());
  teardown(() => closeAllEditors());

  test('a synced epic whose references kept the old numbers: the tree, Problems and Next Up read them as meant', async () => {
    const fixture = vscode.Uri.joinPath(vscode.extensions.getExtension(EXTENSION_ID)!.extensionUri, 'test', 'fixtures', 'synced');
    for (const file of SYNCED_FILES) await vscode.workspace.fs.copy(vscode.Uri.joinPath(fixture, file), fileUri(file), { overwrite: true });
    try {
      const { explorer } = await api();
      const epic = await eventually(async () => {
        const found = (await children(explorer.epics)).find((e) => e.label === 'payments');
        assert.ok(found, 'the payments epic is in the tree');
        assert.equal(found.description, '2/6 · 33%');
        return found;
      });
      // Copied files arrive one watcher event at a time, the stream under updates/ among the last.
      const tasks = await eventually(async () => {
        const rows = await children(explorer.epics, epic.node);
        assert.equal(rows.find((t) => t.label === '#6 Refunds')?.description, 'in progress');
        return rows;
      });
      assert.deepEqual(
        tasks.map((t) => [t.label, t.description]),
        [
          ['#2 Payments project setup', 'done'],
          // Its [001, 003] are 2.md and 4.md, both done; read naively, 003 would be itself.
          ['#3 Checkout API', 'ready'],
          ['#4 Data layer: models, storage', 'done'],
          // [002] is 3.md, not the done 2.md.
          ['#5 Webhook delivery with retries', 'blocked'],
          // Open by its status, started by its stream under updates/6/.
          ['#6 Refunds', 'in progress'],
          ['7', 'blocked'],
        ],
      );
      const refunds = await explorer.epics.getTreeItem(tasks[4].node);
      assert.match((refunds.tooltip as vscode.MarkdownString).value, /Started: work is recorded in `\.claude\/epics\/payments\/updates\/6\/stream-A\.md`, though its status says open/);
      const empty = await explorer.epics.getTreeItem(tasks[5].node);
      assert.match((empty.tooltip as vscode.MarkdownString).value, /Blocked by: its file is empty/);

      await eventually(() =>
        assert.deepEqual(problemsOf('.claude/epics/payments/'), [
          '3.md:7 Information dependency-renamed',
          '3.md:7 Information dependency-renamed',
          '4.md:10 Warning frontmatter-malformed',
          '4.md:2 Warning frontmatter-malformed',
          '4.md:7 Information dependency-renamed',
          '5.md:8 Information dependency-renamed',
          '6.md:7 Information dependency-renamed',
          '7.md:1 Warning frontmatter-missing',
          'epic.md:11 Information checklist-missing-task',
          // `progress: 40%` counts the five listed tasks; 7.md, added by hand, makes 2 of 6.
          'epic.md:6 Information progress-stale',
        ]),
      );
      const colon = vscode.languages.getDiagnostics(fileUri('.claude/epics/payments/4.md')).find((d) => d.range.start.line === 1)!;
      assert.equal(colon.message, 'The value of `name` contains `: `, which YAML reads as a nested key; quote it: name: "Data layer: models, storage".');

      const nextUp = await children(explorer.nextUp);
      assert.ok(nextUp.some((n) => n.label === '#3 Checkout API'), JSON.stringify(nextUp.map((n) => n.label)));
      assert.ok(!nextUp.some((n) => n.label === '#5 Webhook delivery with retries' || n.label === '7'));

      // Completing #3 edits its file and its checklist line, and #5, which waits on it, becomes ready.
      await vscode.commands.executeCommand(Commands.completeTask, tasks[1].node);
      await eventually(async () => {
        const text = await readText('.claude/epics/payments/3.md');
        assert.match(text, /^status: closed$/m);
        assert.match(await readText('.claude/epics/payments/epic.md'), /^- \[x\] #3 - Checkout API/m);
        const now = await children(explorer.epics, epic.node);
        assert.equal(now.find((t) => t.label === '#5 Webhook delivery with retries')?.description, 'ready');
      });
    } finally {
      await vscode.workspace.fs.delete(fileUri('.claude/epics/payments'), { recursive: true });
      await vscode.workspace.fs.delete(fileUri('.claude/prds/payments.md'));
    }
    await eventually(async () => assert.ok(!(await children((await api()).explorer.epics)).some((e) => e.label === 'payments')));
  });

  test('an epic marked completed while its tasks are open: the row shows what the tasks say, with the status beside it', async () => {
    const path = '.claude/epics/team-calendar/epic.md';
    const original = await readText(path);
    const { explorer } = await api();
    await writeText(path, original.replace('status: in-progress', 'status: completed'));
    try {
      await eventually(async () => {
        const row = (await children(explorer.epics)).find((e) => e.label === 'team-calendar');
        assert.equal(row?.description, '2/6 · 33% · marked completed');
        const item = await explorer.epics.getTreeItem(row!.node);
        assert.match((item.tooltip as vscode.MarkdownString).value, /Its tasks say in progress; its status says completed\./);
      });
      await eventually(() => assert.deepEqual(problemsOf('.claude/epics/team-calendar/'), ['epic.md:3 Warning status-contradicts-tasks']));
      const warning = vscode.languages.getDiagnostics(fileUri(path))[0];
      assert.equal(
        warning.message,
        'The status says "completed", but 4 of 6 tasks are not done, so AutoPM shows this epic as in progress. Set the status to in-progress, or finish those tasks.',
      );
      // The status value itself is underlined.
      assert.deepEqual([warning.range.start.character, warning.range.end.character], [8, 17]);
      // Its ready task now comes after every open epic's.
      const nextUp = await children(explorer.nextUp);
      assert.equal(nextUp[nextUp.length - 1].label, '#46 Calendar export (ICS)');
    } finally {
      await writeText(path, original);
    }
    await eventually(() => assert.deepEqual(problemsOf('.claude/epics/team-calendar/'), []));
  });
});
