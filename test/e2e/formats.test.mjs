// End-to-end tests of other tools' plans in the real VS Code web UI (the packaged extension,
// headless chromium): a workspace holding a Kiro spec, a Spec Kit feature and a tagged Task
// Master file beside the example's own plans. The explorer lists them; a CodeLens click in
// tasks.json and in a Kiro tasks.md changes the file on disk in its own format.
// Screenshots go to test-results/e2e/formats/.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { openViewContainer } from '../harness/vscodeHarness.mjs';
import { repo, TIMEOUT, uiSession, until } from '../harness/uiSession.mjs';
import { goToLine, lineNumberOf, quickOpen, rowsOf, viewPane, waitForLens } from '../harness/workbenchDom.mjs';

const TASK_MASTER = '.taskmaster/tasks/tasks.json';
const KIRO = '.kiro/specs/user-auth/tasks.md';

const ui = uiSession('formats', {
  prepare: (workspace) => fs.cpSync(path.join(repo, 'test', 'fixtures', 'tools'), workspace, { recursive: true }),
});
const { shoot, watched } = ui;
let page;
let workspace;
const readPlan = (relative) => fs.readFileSync(path.join(workspace, relative), 'utf8');

before(watched(async () => {
  ({ page, workspace } = await ui.start());
}));

after(() => ui.stop());

test("the Epics view lists each tool's plans beside AutoPM's own, with their progress", watched(async () => {
  await openViewContainer(page, 'AutoPM');
  await viewPane(page, 'Epics').locator('.monaco-list-row', { hasText: 'Photo Albums' }).waitFor({ timeout: TIMEOUT });
  // With Next Up closed, the Epics section has room for every epic.
  await page.locator('.sidebar .pane-header.expanded[aria-label="Next Up Section"]').click();
  const rows = await until(() => rowsOf(page, 'Epics'), (r) => r.length === 6, 'six epics');
  assert.deepEqual(rows, [
    ['team-calendar', '2/6 · 33%'],
    ['User auth', '2/15 · 13%'],
    ['master', '2/14 · 14%'],
    ['React Native client for iOS and Android', '1/3 · 33%'],
    ['Link Shortener Service', '2/10 · 20%'],
    ['Photo Albums', '1/15 · 7%'],
  ]);
  await shoot('explorer.png');
}));

test("Complete in tasks.json's CodeLens writes only that subtask's status, and the lens follows", watched(async () => {
  const before = readPlan(TASK_MASTER);
  await quickOpen(page, 'tasks.json');
  const title = '"title": "Write the initial migration"';
  await goToLine(page, lineNumberOf(before, title));
  const index = await waitForLens(page, title, 'Start | Complete | blocked by 2.2');
  await page.locator('.editor-instance .codelens-decoration').nth(index).locator('a', { hasText: 'Complete' }).click();
  await waitForLens(page, title, 'Reopen');
  // The tag's row counts the subtask done.
  await viewPane(page, 'Epics').locator('.monaco-list-row', { hasText: 'master' }).filter({ hasText: '3/14' }).waitFor({ timeout: TIMEOUT });
  const after = await until(() => readPlan(TASK_MASTER), (text) => text !== before && text !== '', 'tasks.json to be saved');
  const at = before.indexOf(title);
  const status = before.indexOf('"status": "pending"', at);
  assert.equal(after, `${before.slice(0, status)}"status": "done"${before.slice(status + '"status": "pending"'.length)}`);
  await shoot('taskmaster-codelens.png');
}));

test('Start on a Kiro sub-task marks it `[-]` on disk, and its lens follows', watched(async () => {
  const before = readPlan(KIRO);
  await quickOpen(page, 'tasks.md', '.kiro');
  const line = '- [ ] 3.1 ';
  await goToLine(page, lineNumberOf(before, line));
  const index = await waitForLens(page, line.trim(), 'Start | Complete');
  await page.locator('.editor-instance .codelens-decoration').nth(index).locator('a', { hasText: 'Start' }).click();
  const after = await until(() => readPlan(KIRO), (text) => text !== before && text !== '', 'tasks.md to be saved');
  assert.equal(after, before.replace(line, '- [-] 3.1 '));
  await waitForLens(page, '- [-] 3.1 ', 'Complete | Reopen');
  await shoot('kiro-codelens.png');
}));
