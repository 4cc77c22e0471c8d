import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, closeAllEditors, codeLensTitles, eventually, fileUri, markdownFiles, observe, restoreMarkdownFiles, writeText } from './helpers';

const EPIC_001 = 'epics/epic-001-link-shortener.md';
const CALENDAR = '.claude/epics/team-calendar';
const DEFAULT_ROOTS = ['prds', 'epics', '.claude/prds', '.claude/epics'];

/** A valid single-file epic: wherever it lies, only its folder decides whether it gets CodeLens. */
const ROADMAP_EPIC = `# Epic 004: Roadmap

**Status:** Planning

## Tasks

### Next
- [ ] **Task 1:** Draft the roadmap
- [ ] **Task 2:** Review it with the team
  - **Depends on:** Task 1
`;

/** What VS Code runs when a CodeLens is clicked. */
async function lensCommand(relative: string, title: string): Promise<vscode.Command> {
  await vscode.workspace.openTextDocument(fileUri(relative));
  const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', fileUri(relative))) ?? [];
  const lens = lenses.find((l) => l.command?.title === title);
  assert.ok(lens?.command, `no "${title}" CodeLens in ${relative}: ${lenses.map((l) => l.command?.title).join(', ')}`);
  return lens.command;
}

const click = (command: vscode.Command) => () => vscode.commands.executeCommand(command.command, ...(command.arguments ?? []));

suite('CodeLens scope and issue links', () => {
  let before: Map<string, string>;
  suiteSetup(() => api());
  setup(() => {
    before = markdownFiles();
  });
  teardown(async () => {
    await vscode.workspace.getConfiguration('autopm').update('planRoots', undefined, vscode.ConfigurationTarget.Workspace);
    await closeAllEditors();
    await restoreMarkdownFiles(before);
  });

  test('markdown outside the plan roots, and files in them that are not plans, get no AutoPM CodeLens', async () => {
    await writeText('README.md', ROADMAP_EPIC);
    await writeText('notes/epic-003-notes.md', ROADMAP_EPIC);
    for (const file of ['README.md', 'notes/epic-003-notes.md', `${CALENDAR}/41-analysis.md`, `${CALENDAR}/github-mapping.md`]) {
      await vscode.window.showTextDocument(fileUri(file));
      assert.deepEqual(await codeLensTitles(fileUri(file)), [], file);
    }
    // The provider does answer for a plan at the same moment.
    assert.equal((await codeLensTitles(fileUri(EPIC_001)))[0]?.title, '10 tasks · 2 done · 1 in progress · 1 ready · 6 blocked');
  });

  test('CodeLens follows autopm.planRoots: a folder added as a root gets them, and loses them when it is removed', async () => {
    const epic = 'roadmap/epic-004-roadmap.md';
    await writeText(epic, ROADMAP_EPIC);
    await vscode.window.showTextDocument(fileUri(epic));
    assert.deepEqual(await codeLensTitles(fileUri(epic)), []);

    const config = vscode.workspace.getConfiguration('autopm');
    await config.update('planRoots', [...DEFAULT_ROOTS, 'roadmap'], vscode.ConfigurationTarget.Workspace);
    await eventually(async () =>
      assert.deepEqual(await codeLensTitles(fileUri(epic)), [
        { line: 0, title: '2 tasks · 0 done · 1 ready · 1 blocked' },
        { line: 0, title: '$(type-hierarchy) Graph' },
        { line: 0, title: '$(github) Sync' },
        { line: 0, title: '$(checklist) Review' },
        { line: 7, title: 'Start' },
        { line: 7, title: 'Complete' },
        { line: 7, title: '$(sparkle) Refine' },
        { line: 8, title: 'Start' },
        { line: 8, title: 'Complete' },
        { line: 8, title: '$(sparkle) Refine' },
        { line: 8, title: 'blocked by T1' },
      ]),
    );
    // The default roots are still there.
    assert.equal((await codeLensTitles(fileUri(EPIC_001)))[0]?.title, '10 tasks · 2 done · 1 in progress · 1 ready · 6 blocked');

    await config.update('planRoots', undefined, vscode.ConfigurationTarget.Workspace);
    await eventually(async () => assert.deepEqual(await codeLensTitles(fileUri(epic)), []));
    assert.equal((await codeLensTitles(fileUri(EPIC_001)))[0]?.title, '10 tasks · 2 done · 1 in progress · 1 ready · 6 blocked');
  });

  test('the #N CodeLens of a task with a linked issue opens that issue', async () => {
    let seen = await observe(click(await lensCommand(`${CALENDAR}/epic.md`, '#42')));
    assert.deepEqual(seen, { notices: [], opened: ['https://github.com/acme/calendar/issues/42'] });
    seen = await observe(click(await lensCommand(`${CALENDAR}/43.md`, '#43')));
    assert.deepEqual(seen, { notices: [], opened: ['https://github.com/acme/calendar/issues/43'] });

    // A single-file epic's issues live in the repository its own issue link names.
    await writeText(EPIC_001, before.get(EPIC_001)!.replace('**Target:** 2026-03-20\n', '**Target:** 2026-03-20\n**GitHub:** https://github.com/acme/links/issues/100\n'));
    await vscode.commands.executeCommand('autopm.refresh');
    seen = await observe(click(await lensCommand(EPIC_001, '#101')));
    assert.deepEqual(seen, { notices: [], opened: ['https://github.com/acme/links/issues/101'] });
  });

  test('the #N CodeLens of a task whose epic names no repository says so and opens nothing', async () => {
    const command = await lensCommand(EPIC_001, '#101');
    assert.equal(command.tooltip, 'Issue #101');
    const seen = await observe(click(command));
    assert.deepEqual(seen, {
      notices: [
        {
          severity: 'information',
          message: 'The issue has no web address: add `github:` with the epic issue URL to the epic so AutoPM knows its repository.',
          items: [],
          modal: false,
        },
      ],
      opened: [],
    });
  });
});
