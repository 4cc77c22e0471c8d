// New PRD and Decompose in the real VS Code, against the local Anthropic server with the
// real SDK: the key in SecretStorage, streamed writing into the editor, cancel, failures.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Commands } from '../../src/common/commands';
import { WRITING_MARKER } from '../../src/core/claude/prdWriting';
import { startAnthropicServer, promptText } from '../servers/anthropic/server';
import type { AnthropicServer } from '../servers/anthropic/server';
import type { DecomposeResult } from '../../src/services/claude/decomposeEngine';
import type { RefineResult } from '../../src/features/claude/refineCommand';
import type { ReviewResult } from '../../src/features/claude/reviewCommand';
import { api, closeAllEditors, eventually, fileUri, folderUri, markdownFiles, observe, readText, writeText } from './helpers';

const KEY = 'sk-ant-integration-7f3a9c';
const QUESTIONS = ['Who plans with it?', 'Which calendars must it read?', 'What must ship first?', 'By when?'];
const ANSWERS = ['Team leads and their teams', 'Google and Outlook', 'Out-of-office view', 'End of Q1'];
const BODY = '## Problem Statement\n\nNobody knows who is out.\n\n## Target Users\n\n- Team leads\n\n## Success Criteria\n\n- 90% of absences visible\n';

const PRD = 'prds/prd-001-link-shortener.md';
const EPIC = 'epics/epic-002-link-shortener.md';
const task = (key: string, extra: Record<string, unknown> = {}) => ({ key, title: `Task ${key}`, group: '', description: '', acceptanceCriteria: [], estimateHours: 2, agent: '', dependsOn: [], parallel: true, ...extra });
const PLAN = {
  title: 'Link shortener',
  overview: 'Short links we own, retarget and measure.',
  tasks: [
    task('T1', { title: 'Scaffold the service', group: 'Foundation', acceptanceCriteria: ['`npm test` runs'], agent: 'node-backend-engineer' }),
    task('T2', { title: 'Link table and slugs', group: 'Redirects', estimateHours: 3.5, dependsOn: ['T1'], parallel: false }),
    task('T3', { title: 'Redirect endpoint', group: 'Redirects', estimateHours: 1, dependsOn: ['T2'] }),
  ],
  milestones: [{ id: 'M1', title: 'Redirects work', when: 'Day 3', tasks: ['T3'] }],
};

/** Takes back unsaved changes in any document of the workspace, so that the files are the truth again. */
async function revertDirty(): Promise<void> {
  for (const document of vscode.workspace.textDocuments.filter((d) => d.isDirty && d.uri.scheme === folderUri().scheme)) {
    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  }
}

/** Puts the markdown files back as they were: new ones deleted, changed ones rewritten. */
async function restoreFiles(before: Map<string, string>): Promise<void> {
  await revertDirty();
  await closeAllEditors();
  for (const [file, text] of markdownFiles()) {
    if (!before.has(file)) await vscode.workspace.fs.delete(fileUri(file));
    else if (before.get(file) !== text) await writeText(file, before.get(file)!);
  }
  const { workspace } = await api();
  await eventually(() => assert.ok(!workspace.epics().some((e) => e.epic.path === EPIC)));
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => path.join(dir, f)).filter((f) => fs.statSync(f).isFile());
}

suite('Claude in VS Code', () => {
  let server: AnthropicServer;

  suiteSetup(async () => {
    server = await startAnthropicServer({ apiKey: KEY });
    await vscode.workspace.getConfiguration('autopm.claude').update('baseUrl', server.url, vscode.ConfigurationTarget.Global);
    await api();
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand(Commands.clearAnthropicKey);
    await vscode.workspace.getConfiguration('autopm.claude').update('baseUrl', undefined, vscode.ConfigurationTarget.Global);
    await server.close();
  });

  teardown(async () => {
    server.respondWith(undefined);
    await closeAllEditors();
  });

  test('without a key, New PRD asks the standard questions and fills the template with the answers; nothing is sent anywhere', async () => {
    const { claude } = await api();
    assert.equal(await claude.models.hasKey(), false);
    const uri = await vscode.commands.executeCommand<vscode.Uri>(Commands.newPrd, { idea: 'Shared team calendar', answers: ['Everyone on a team', 'Absences', 'Web only', 'Spring', 'HR system'] });
    assert.equal(vscode.workspace.asRelativePath(uri), 'prds/prd-002-shared-team-calendar.md');
    const text = await readText('prds/prd-002-shared-team-calendar.md');
    assert.match(text, /^# PRD-002: Shared team calendar\n\n\*\*Created:\*\* \d{4}-\d\d-\d\d\n\*\*Status:\*\* Draft\n\n## Problem Statement\n\nShared team calendar\n\n## Target Users\n\nEveryone on a team\n/);
    assert.match(text, /## Timeline\n\nSpring\n\n## Dependencies\n\nHR system\n/);
    assert.equal(server.requests.length, 0);
    const { workspace } = await api();
    await eventually(() => assert.ok(workspace.prds().some((p) => p.prd.title === 'Shared team calendar')));
    await vscode.workspace.fs.delete(uri);
  });

  test('with a key, Claude asks its questions, then writes the PRD into the editor as it streams; the key is in no file, setting or log', async () => {
    assert.equal(await vscode.commands.executeCommand(Commands.setAnthropicKey, { key: KEY }), true);
    server.enqueue({ kind: 'json', value: { title: 'Team Calendar', questions: QUESTIONS } }, { kind: 'text', text: `# PRD: Team Calendar\n\n${BODY}`, chunkSize: 8, delayMs: 5 });
    const before = server.requests.length;
    const uri = await vscode.commands.executeCommand<vscode.Uri>(Commands.newPrd, { idea: 'A calendar that shows who is out', answers: ANSWERS });
    assert.equal(vscode.workspace.asRelativePath(uri), 'prds/prd-002-team-calendar.md');
    const text = await readText('prds/prd-002-team-calendar.md');
    // The header AutoPM writes, then the body without the model's own title; the marker is gone.
    assert.match(text, /^# PRD-002: Team Calendar\n\n\*\*Created:\*\* \d{4}-\d\d-\d\d\n\*\*Status:\*\* Draft\n\n/);
    assert.ok(text.endsWith(`\n\n${BODY}`), JSON.stringify(text));
    assert.ok(!text.includes(WRITING_MARKER));
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    assert.equal(document?.isDirty, false, 'the finished PRD is saved');

    const [interview, writing] = server.requests.slice(before);
    assert.equal((interview.body as { output_config?: { format?: { type?: string } } }).output_config?.format?.type, 'json_schema');
    assert.match(promptText(interview.body as never), /A calendar that shows who is out/);
    const prompt = promptText(writing.body as never);
    for (const [i, q] of QUESTIONS.entries()) assert.ok(prompt.includes(`Q: ${q}\nA: ${ANSWERS[i]}`), prompt);
    assert.equal((writing.body as { stream?: boolean }).stream, true);
    assert.ok(writing.deltas > 3, 'the answer came in pieces');

    // The key went to the API and nowhere else.
    const { logUri } = await api();
    const config = JSON.stringify(vscode.workspace.getConfiguration('autopm'));
    assert.ok(!config.includes(KEY));
    const places = [...filesUnder(folderUri().fsPath), ...filesUnder(path.dirname(logUri.fsPath))];
    assert.ok(places.some((f) => f.endsWith('AutoPM.log')), 'the output channel is among the files read');
    for (const file of places) assert.ok(!fs.readFileSync(file, 'utf8').includes(KEY), `${file} holds the key`);
    await vscode.workspace.fs.delete(uri);
  });

  test('Stop writing midway leaves a draft that says it is incomplete, with what had arrived; the stream is closed', async () => {
    const { claude } = await api();
    server.enqueue({ kind: 'json', value: { title: 'Slow Calendar', questions: QUESTIONS } }, { kind: 'drip', text: BODY.repeat(20), intervalMs: 15 });
    const running = vscode.commands.executeCommand<vscode.Uri>(Commands.newPrd, { idea: 'A slow calendar', answers: ANSWERS });
    const uri = fileUri('prds/prd-002-slow-calendar.md');
    await eventually(() => {
      const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      assert.ok(document && claude.writings.isWriting(uri) && document.getText().includes('Nobody knows'));
    });
    // The draft shows a Stop lens on its marker while it is written.
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    const stop = lenses.find((l) => l.command?.command === Commands.stopWriting);
    assert.ok(stop, JSON.stringify(lenses.map((l) => l.command?.title)));
    assert.equal(await vscode.commands.executeCommand(stop.command!.command, ...(stop.command!.arguments ?? [])), true);
    assert.equal((await running).toString(), uri.toString());
    const text = await readText('prds/prd-002-slow-calendar.md');
    assert.match(text, /\n> \*\*Incomplete draft:\*\* Claude stopped before the end: the writing was cancelled\. The PRD stops where/);
    assert.ok(!text.includes(WRITING_MARKER));
    assert.ok(text.includes('Nobody knows') && text.length < BODY.repeat(20).length);
    await server.idle();
    assert.equal(server.requests.at(-1)?.aborted, true);
    assert.equal(claude.writings.isWriting(uri), false);
    await vscode.workspace.fs.delete(uri);
  });

  test('an error in the middle of the stream keeps the draft, marked incomplete with the reason, and says so', async () => {
    server.enqueue({ kind: 'json', value: { title: 'Broken Calendar', questions: QUESTIONS } }, { kind: 'stream-error', text: BODY, afterChunks: 2, errorType: 'api_error', message: 'Internal server error' });
    const { notices } = await observe(() => vscode.commands.executeCommand(Commands.newPrd, { idea: 'A broken calendar', answers: ANSWERS }));
    const text = await readText('prds/prd-002-broken-calendar.md');
    assert.match(text, /> \*\*Incomplete draft:\*\* Claude stopped before the end: the writing failed \(The answer broke off: Internal server error\)\./);
    assert.ok(notices.some((n) => n.severity === 'error' && /prd-002-broken-calendar\.md is an incomplete draft: The answer broke off/.test(n.message)), JSON.stringify(notices));
    await vscode.workspace.fs.delete(fileUri('prds/prd-002-broken-calendar.md'));
  });

  test('an interview left midway is kept across the command, and continued where it stopped', async () => {
    server.enqueue({ kind: 'json', value: { title: 'Kept Calendar', questions: QUESTIONS } });
    const before = markdownFiles();
    // The second question's input box is dismissed: the interview is kept, nothing is written.
    const first = observe(() => vscode.commands.executeCommand(Commands.newPrd, { idea: 'A calendar kept for later', answers: [ANSWERS[0]] }));
    await new Promise((resolve) => setTimeout(resolve, 500));
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    const { notices } = await first;
    assert.ok(notices.some((n) => n.message === 'The interview for "Kept Calendar" is kept: run "AutoPM: New PRD" to continue it.'), JSON.stringify(notices));
    assert.deepEqual([...markdownFiles().keys()], [...before.keys()]);
    server.enqueue({ kind: 'text', text: BODY });
    const requests = server.requests.length;
    const uri = await vscode.commands.executeCommand<vscode.Uri>(Commands.newPrd, { resume: true, answers: ANSWERS });
    assert.equal(vscode.workspace.asRelativePath(uri), 'prds/prd-002-kept-calendar.md');
    // Only the writing was asked for: the questions were not asked again.
    assert.equal(server.requests.length, requests + 1);
    assert.ok(promptText(server.requests.at(-1)!.body as never).includes(`A: ${ANSWERS[0]}`));
    await vscode.workspace.fs.delete(uri);
  });

  test('Decompose from the PRD title\'s CodeLens: the plan is checked, written as the next epic, the PRD linked, and the epic opened', async () => {
    await vscode.commands.executeCommand(Commands.setAnthropicKey, { key: KEY });
    const before = markdownFiles();
    const uri = fileUri(PRD);
    // The provider command needs the document loaded, as it is when an editor shows it.
    await vscode.workspace.openTextDocument(uri);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    const lens = lenses.find((l) => l.command?.command === Commands.decomposePrd);
    assert.ok(lens, JSON.stringify(lenses.map((l) => l.command?.title)));
    assert.equal(lens.range.start.line, 0, 'on the title line');
    assert.match(lens.command!.title, /Decompose into (Another )?Epic/);
    server.enqueue({ kind: 'json', value: PLAN, chunkSize: 30, delayMs: 2 });
    const requests = server.requests.length;
    const { notices } = await observe(async () => {
      const result = await vscode.commands.executeCommand<DecomposeResult>(Commands.decomposePrd, { ...(lens.command!.arguments![0] as object), yes: true });
      assert.equal(result.outcome, 'done', result.message);
    });
    assert.ok(notices.some((n) => n.severity === 'information' && n.message.startsWith(`epic-002-link-shortener written from ${PRD}: 3 tasks, 2 dependencies`)), JSON.stringify(notices));

    const { workspace } = await api();
    const entry = await eventually(() => {
      const found = workspace.epics().find((e) => e.epic.path === EPIC);
      assert.ok(found);
      return found;
    });
    assert.deepEqual(entry.epic.tasks.map((t) => [t.id, t.title, [...t.dependsOn]]), [
      ['T1', 'Scaffold the service', []],
      ['T2', 'Link table and slugs', ['T1']],
      ['T3', 'Redirect endpoint', ['T2']],
    ]);
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), fileUri(EPIC).toString(), 'the epic is opened');
    const prdText = await readText(PRD);
    assert.ok(prdText.includes('epic-002-link-shortener'), 'the PRD links to its epic');
    // Only the new epic and the PRD changed.
    const changed = [...markdownFiles()].filter(([f, t]) => before.get(f) !== t).map(([f]) => f);
    assert.deepEqual(changed.sort(), [EPIC, PRD].sort());

    const sent = server.requests[requests];
    assert.equal(server.requests.length, requests + 1);
    assert.equal((sent.body as { output_config?: { format?: { type?: string } } }).output_config?.format?.type, 'json_schema');
    assert.ok(promptText(sent.body as never).includes(before.get(PRD)!.split('\n')[0]), 'the PRD was sent');
    await restoreFiles(before);
  });

  test('Decompose without an answer to its question writes nothing: the preview is only a preview', async () => {
    const before = markdownFiles();
    server.enqueue({ kind: 'json', value: PLAN });
    const opened: string[] = [];
    const watching = vscode.window.tabGroups.onDidChangeTabs((e) => opened.push(...e.opened.map((t) => t.label)));
    const { notices } = await observe(async () => {
      const result = await vscode.commands.executeCommand<DecomposeResult>(Commands.decomposePrd, { folder: folderUri().toString(), prdPath: PRD });
      assert.equal(result.outcome, 'declined');
    });
    watching.dispose();
    assert.ok(opened.some((label) => label.startsWith('Decompose: epic-002-link-shortener (3 tasks)')), `the preview was opened: ${JSON.stringify(opened)}`);
    assert.ok(notices.some((n) => n.modal && n.message === "Write epic-002-link-shortener with 3 tasks from Claude's plan? The files are shown in the diff."), JSON.stringify(notices));
    assert.deepEqual(markdownFiles(), before);
    // The preview's tabs are closed again.
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs);
    assert.ok(!tabs.some((t) => t.label.startsWith('Decompose:')), JSON.stringify(tabs.map((t) => t.label)));
  });

  test('a rejected plan writes nothing and names the cycle; Retry sends the problem back to Claude, and the next plan is written', async () => {
    const before = markdownFiles();
    const cyclic = { ...PLAN, tasks: [task('T1', { dependsOn: ['T2'] }), task('T2', { dependsOn: ['T1'] })], milestones: [] };
    server.enqueue({ kind: 'json', value: cyclic });
    const first = await observe(async () => {
      const result = await vscode.commands.executeCommand<DecomposeResult>(Commands.decomposePrd, { folder: folderUri().toString(), prdPath: PRD, yes: true });
      assert.equal(result.outcome, 'invalid');
    });
    const error = first.notices.find((n) => n.severity === 'error');
    assert.ok(error, JSON.stringify(first.notices));
    assert.equal(error.message, `Claude's plan for ${PRD} was not written: The dependencies go round in a circle: T1 → T2 → T1.`);
    assert.deepEqual(error.items, ['Retry']);
    assert.deepEqual(markdownFiles(), before);

    server.enqueue({ kind: 'json', value: PLAN });
    const result = await vscode.commands.executeCommand<DecomposeResult>(Commands.decomposePrd, { folder: folderUri().toString(), prdPath: PRD, yes: true });
    assert.equal(result.outcome, 'done', result.message);
    assert.match(promptText(server.requests.at(-1)!.body as never), /could not be used, because:\n- The dependencies go round in a circle: T1 → T2 → T1\./);
    await restoreFiles(before);
  });

  test('cancelled from its progress notification while the plan streams: the request is closed and nothing is written', async () => {
    const before = markdownFiles();
    server.enqueue({ kind: 'drip', text: JSON.stringify(PLAN), intervalMs: 40, chunkSize: 3 });
    const requests = server.requests.length;
    const running = vscode.commands.executeCommand<DecomposeResult>(Commands.decomposePrd, { folder: folderUri().toString(), prdPath: PRD, yes: true });
    await eventually(() => assert.ok((server.requests[requests]?.deltas ?? 0) >= 3));
    // The notification's Cancel button is its primary action.
    await vscode.commands.executeCommand('notification.acceptPrimaryAction');
    const result = await running;
    assert.equal(result.outcome, 'cancelled');
    await server.idle();
    assert.equal(server.requests[requests].aborted, true);
    assert.deepEqual(markdownFiles(), before);
  });

  test('Expand Task from the tree: the subtasks are added before the task, which now waits for them; the file reads back so', async () => {
    await vscode.commands.executeCommand(Commands.setAnthropicKey, { key: KEY });
    const before = markdownFiles();
    const { workspace } = await api();
    const epic = workspace.epics().find((e) => e.epic.path === 'epics/epic-001-link-shortener.md')!;
    const subtask = (key: string, title: string, dependsOn: string[]) => ({ key, title, description: '', acceptanceCriteria: [`${title} works`], estimateHours: 2, agent: '', dependsOn });
    server.enqueue({ kind: 'json', value: { subtasks: [subtask('S1', 'Redis cache for slugs', []), subtask('S2', 'Redirect handler', ['S1'])] } });
    const result = await vscode.commands.executeCommand<RefineResult>(Commands.expandTask, { folder: epic.folder.key, epicPath: epic.epic.path, taskId: 'T4', yes: true });
    assert.equal(result.outcome, 'done', result.message);
    assert.deepEqual(result.taskIds, ['T11', 'T12']);
    const after = await eventually(() => {
      const found = workspace.epics().find((e) => e.epic.path === epic.epic.path)!;
      assert.ok(found.epic.tasks.some((t) => t.id === 'T12'));
      return found.epic;
    });
    const deps = (id: string) => [...after.tasks.find((t) => t.id === id)!.dependsOn].sort();
    assert.deepEqual(deps('T11'), [...epic.epic.tasks.find((t) => t.id === 'T4')!.dependsOn].sort(), 'the first subtask inherits what T4 waited for');
    assert.deepEqual(deps('T12'), ['T11']);
    assert.ok(deps('T4').includes('T12'), 'T4 waits for its last subtask');
    assert.equal(after.tasks.find((t) => t.id === 'T4')!.title, 'Redirect endpoint with Redis cache');
    const sent = promptText(server.requests.at(-1)!.body as never);
    assert.match(sent, /T4/);
    assert.equal((server.requests.at(-1)!.body as { output_config?: { format?: { type?: string } } }).output_config?.format?.type, 'json_schema');
    await restoreFiles(before);
  });

  test('Re-scope Task smaller: the task\'s text and estimate change, its state, issue and dependencies do not; an invalid answer writes nothing', async () => {
    const before = markdownFiles();
    await vscode.commands.executeCommand(Commands.setAnthropicKey, { key: KEY });
    const ref = { folder: folderUri().toString(), epicPath: 'epics/epic-001-link-shortener.md', taskId: 'T5', direction: 'smaller', yes: true };
    const original = (await api()).workspace.epics().find((e) => e.epic.path === ref.epicPath)!.epic.tasks.find((t) => t.id === 'T5')!;
    server.enqueue({ kind: 'json', value: { title: 'Create links', description: 'Only creation; updates come later.', acceptanceCriteria: [], estimateHours: 0, agent: '' } });
    let problems: readonly string[] = [];
    const invalid = await observe(async () => {
      const result = await vscode.commands.executeCommand<RefineResult>(Commands.rescopeTask, ref);
      assert.equal(result.outcome, 'invalid');
      problems = result.problems;
    });
    assert.equal(problems.length, 1);
    assert.match(problems[0], /estimate/i);
    assert.ok(invalid.notices.some((n) => n.severity === 'error' && n.message.includes(problems[0]) && n.items.includes('Retry')), JSON.stringify(invalid.notices));
    assert.deepEqual(markdownFiles(), before);

    server.enqueue({ kind: 'json', value: { title: 'Create links', description: 'Only creation; updates come later.', acceptanceCriteria: ['POST /links returns the slug'], estimateHours: 2, agent: '' } });
    const result = await vscode.commands.executeCommand<RefineResult>(Commands.rescopeTask, ref);
    assert.equal(result.outcome, 'done', result.message);
    assert.match(promptText(server.requests.at(-1)!.body as never), /smaller/);
    assert.ok(promptText(server.requests.at(-1)!.body as never).includes(problems[0]), 'the retry names the last problem');
    const { workspace } = await api();
    const task = await eventually(() => {
      const found = workspace.epics().find((e) => e.epic.path === ref.epicPath)!.epic.tasks.find((t) => t.id === 'T5')!;
      assert.equal(found.title, 'Create links');
      return found;
    });
    assert.equal(task.state, 'open');
    assert.deepEqual([...task.dependsOn], [...original.dependsOn]);
    assert.equal(task.issue, original.issue);
    assert.match(await readText(ref.epicPath), /- \[ \] \*\*Task 5:\*\* Create links\n/);
    await restoreFiles(before);
  });

  test('Review Epic from the epic title\'s CodeLens: the findings land as diagnostics on their lines and in a report; editing a file clears its own', async () => {
    await vscode.commands.executeCommand(Commands.setAnthropicKey, { key: KEY });
    const epicUri = fileUri('epics/epic-001-link-shortener.md');
    await vscode.workspace.openTextDocument(epicUri);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', epicUri);
    const lens = lenses.find((l) => l.command?.command === Commands.reviewEpic);
    assert.ok(lens, JSON.stringify(lenses.map((l) => l.command?.title)));
    assert.equal(lens.command!.title, '$(checklist) Review');
    server.enqueue({
      kind: 'json',
      value: {
        summary: 'Mostly complete; analytics latency is not covered.',
        findings: [
          { kind: 'missing-criteria', severity: 'warning', task: 't3', requirement: '', message: 'Task 3 has no acceptance criteria.' },
          { kind: 'uncovered-requirement', severity: 'warning', task: '', requirement: 'Click counts are  visible within a minute', message: 'No task makes click counts visible within a minute.' },
          { kind: 'estimate', severity: 'info', task: 'T99', requirement: '', message: 'An estimate looks low.' },
        ],
      },
    });
    const result = await vscode.commands.executeCommand<ReviewResult>(Commands.reviewEpic, { ...(lens.command!.arguments![0] as object), quiet: true });
    assert.equal(result.outcome, 'done', result.message);
    const onEpic = vscode.languages.getDiagnostics(epicUri).filter((d) => d.source === 'AutoPM review');
    const onPrd = vscode.languages.getDiagnostics(fileUri(PRD)).filter((d) => d.source === 'AutoPM review');
    const prdLine = (await readText(PRD)).split('\n').findIndex((l) => l.includes('Click counts are visible within a minute'));
    const taskLine = (await readText('epics/epic-001-link-shortener.md')).split('\n').findIndex((l) => l.includes('**Task 3:**'));
    assert.deepEqual(onPrd.map((d) => [d.range.start.line, d.message, d.severity]), [[prdLine, 'No task makes click counts visible within a minute.', vscode.DiagnosticSeverity.Warning]]);
    assert.deepEqual(
      onEpic.map((d) => [d.range.start.line, d.code]).sort(),
      [[0, 'estimate'], [taskLine, 'missing-criteria']].sort(),
    );
    assert.match(onEpic.find((d) => d.code === 'estimate')!.message, /names T99, which is not a task of this epic/);
    const report = vscode.workspace.textDocuments.find((d) => d.uri.toString() === result.report?.toString());
    assert.ok(report);
    assert.match(report.getText(), /^# Review of /);
    assert.match(report.getText(), /No task makes click counts visible within a minute/);
    const sent = server.requests.at(-1)!;
    assert.ok(promptText(sent.body as never).includes('Task 3'), 'the epic was sent');
    assert.ok(promptText(sent.body as never).includes('Click counts are visible within a minute'), 'the PRD was sent');

    // A review is of the text as it was: an edit of the PRD drops the PRD's findings, not the epic's.
    const prdBefore = await readText(PRD);
    const prdDocument = await vscode.workspace.openTextDocument(fileUri(PRD));
    const edit = new vscode.WorkspaceEdit();
    edit.insert(prdDocument.uri, new vscode.Position(prdDocument.lineCount, 0), '\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    await eventually(() => assert.equal(vscode.languages.getDiagnostics(fileUri(PRD)).filter((d) => d.source === 'AutoPM review').length, 0));
    assert.equal(vscode.languages.getDiagnostics(epicUri).filter((d) => d.source === 'AutoPM review').length, 2);
    // The web workbench saves edits after a second: the file is put back either way.
    await revertDirty();
    if ((await readText(PRD)) !== prdBefore) await writeText(PRD, prdBefore);
  });

  test('with a VS Code language model instead of a key: Decompose asks it through vscode.lm, with the schema in the prompt, and writes the checked plan', async () => {
    await vscode.commands.executeCommand(Commands.clearAnthropicKey);
    const config = vscode.workspace.getConfiguration('autopm.claude');
    await config.update('provider', 'vscode-lm', vscode.ConfigurationTarget.Global);
    await config.update('languageModel', 'autopm-test/test-planner', vscode.ConfigurationTarget.Global);
    const before = markdownFiles();
    const requests = server.requests.length;
    try {
      // The provider registers once its extension has started.
      await eventually(async () => assert.equal((await vscode.lm.selectChatModels({ vendor: 'autopm-test' })).length, 1));
      await vscode.commands.executeCommand('autopmTest.lm.enqueue', '```json\n' + JSON.stringify(PLAN, null, 2) + '\n```');
      const result = await vscode.commands.executeCommand<DecomposeResult>(Commands.decomposePrd, { folder: folderUri().toString(), prdPath: PRD, yes: true });
      assert.equal(result.outcome, 'done', result.message);
      assert.equal(result.model, 'autopm-test/test-planner');
      const { workspace } = await api();
      const epic = await eventually(() => {
        const found = workspace.epics().find((e) => e.epic.path === EPIC);
        assert.ok(found);
        return found.epic;
      });
      assert.deepEqual(epic.tasks.map((t) => [t.id, [...t.dependsOn]]), [['T1', []], ['T2', ['T1']], ['T3', ['T2']]]);
      const sent = await vscode.commands.executeCommand<Array<{ model: string; messages: string[] }>>('autopmTest.lm.requests');
      assert.equal(sent.length, 1);
      assert.equal(sent[0].model, 'test-planner');
      const text = sent[0].messages.join('\n');
      assert.match(text, /following this JSON schema/);
      assert.ok(text.includes(before.get(PRD)!.split('\n')[0]), 'the PRD was sent');
      assert.equal(server.requests.length, requests, 'nothing went to the Anthropic API');
    } finally {
      await config.update('provider', undefined, vscode.ConfigurationTarget.Global);
      await config.update('languageModel', undefined, vscode.ConfigurationTarget.Global);
      await restoreFiles(before);
    }
  });

  for (const where of ['on disk', 'in its editor'] as const) {
    test(`a PRD edited ${where} while Claude answers is left as edited, and no epic is written`, async () => {
      await vscode.commands.executeCommand(Commands.setAnthropicKey, { key: KEY });
      await revertDirty();
      assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.toString() === fileUri(PRD).toString() && d.isDirty), 'the PRD has no unsaved changes to begin with');
      const before = markdownFiles();
      // Slow enough (about 3 s) that the edit lands while the answer streams.
      server.enqueue({ kind: 'drip', text: JSON.stringify(PLAN), intervalMs: 30, chunkSize: 10 });
      const requests = server.requests.length;
      const running = vscode.commands.executeCommand<DecomposeResult>(Commands.decomposePrd, { folder: folderUri().toString(), prdPath: PRD, yes: true });
      await eventually(() => assert.ok((server.requests[requests]?.deltas ?? 0) >= 1));
      let document: vscode.TextDocument | undefined;
      try {
        if (where === 'in its editor') {
          document = await vscode.workspace.openTextDocument(fileUri(PRD));
          const editor = await vscode.window.showTextDocument(document);
          assert.ok(await editor.edit((b) => b.insert(new vscode.Position(document!.lineCount, 0), 'A line typed meanwhile.\n')));
        } else {
          fs.writeFileSync(fileUri(PRD).fsPath, `${before.get(PRD)}A line written meanwhile.\n`);
        }
        const result = await running;
        assert.equal(result.outcome, 'failed', `${result.message} (${result.model}; ${server.requests.length - requests} requests, ${server.requests[requests]?.deltas} pieces)`);
        // Caught by the decomposition's own check, or by the editor's when VS Code had not read the file again yet.
        assert.match(result.message, /changed (on disk )?while (Claude was answering|it was being edited); nothing was written/);
        assert.ok(!fs.existsSync(fileUri(EPIC).fsPath), 'no epic file is left');
        if (document) {
          // Kept in the editor (the web workbench may have saved it since, as it saves after a second).
          assert.ok(document.getText().endsWith('A line typed meanwhile.\n'), 'the typed line is kept');
        } else {
          assert.equal(await readText(PRD), `${before.get(PRD)}A line written meanwhile.\n`);
        }
      } finally {
        await restoreFiles(before);
      }
      assert.deepEqual(markdownFiles(), before);
    });
  }

  test('the Refine lens on a task line asks how, then runs that refinement; unanswered, its preview writes nothing', async () => {
    await vscode.commands.executeCommand(Commands.setAnthropicKey, { key: KEY });
    const before = markdownFiles();
    const uri = fileUri('epics/epic-001-link-shortener.md');
    const text = await readText('epics/epic-001-link-shortener.md');
    await vscode.workspace.openTextDocument(uri);
    const line = text.split('\n').findIndex((l) => l.includes('**Task 6:**'));
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    const lens = lenses.find((l) => l.range.start.line === line && l.command?.command === Commands.refineTask);
    assert.ok(lens, JSON.stringify(lenses.filter((l) => l.range.start.line === line).map((l) => l.command?.title)));
    const subtask = (key: string, dependsOn: string[]) => ({ key, title: `Part ${key}`, description: '', acceptanceCriteria: [], estimateHours: 1, agent: '', dependsOn });
    server.enqueue({ kind: 'json', value: { subtasks: [subtask('S1', []), subtask('S2', ['S1'])] } });
    const requests = server.requests.length;
    const running = vscode.commands.executeCommand<RefineResult>(lens.command!.command, ...(lens.command!.arguments ?? []));
    // The pick's first item is Expand into Subtasks.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    const result = await running;
    assert.equal(result.outcome, 'declined', result.message);
    assert.equal(server.requests.length, requests + 1);
    assert.match(promptText(server.requests.at(-1)!.body as never), /T6/);
    assert.deepEqual(markdownFiles(), before);
  });
});
