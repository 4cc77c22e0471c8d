// End-to-end tests of the packaged extension in the real VS Code web UI: VS Code's server with
// dist/autopm.vsix installed, driven in headless chromium. `npm run test:e2e` packages first.
//
// The tests run in order on one workbench and share its state: the first ones read the
// example as it is (Next Up, the status bar before any task is worked on, Next Task),
// then the CodeLens test completes Task 6, which the status bar test reads; the last one
// fixes a checklist line from the lightbulb. Screenshots go to test-results/e2e/ui/.
//
//   AUTOPM_E2E_VSIX=<file>   the package to install (default: dist/autopm.vsix)
//   AUTOPM_HARNESS_KEEP=1    keep the run's folder (server and workbench logs), not only a failed run's
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { openViewContainer, runCommand, waitForNotification } from '../harness/vscodeHarness.mjs';
import { plain, repo, TIMEOUT, uiSession, until } from '../harness/uiSession.mjs';
import * as dom from '../harness/workbenchDom.mjs';

const EPIC_FILE = 'epics/epic-001-link-shortener.md';
const TASK_6 = '**Task 6:** Single sign-on for the management API';
const TASK_4 = '**Task 4:** Redirect endpoint with Redis cache';
const NEXT_TASK = 'T6 Single sign-on for the management API';

/** What the core recommends for the example (`autopm next --json`), read before any test changes it. */
let next;
// No theme is set: the tests write the workspace's settings themselves.
const ui = uiSession('ui', {
  theme: null,
  prepare: (workspace) => {
    // The views must show what the core decides; the reason's wording is the core's own.
    next = JSON.parse(execFileSync(process.execPath, [path.join(repo, 'dist/cli.js'), 'next', workspace, '--json', '--no-cache'], { encoding: 'utf8' }));
    assert.deepEqual(next.task, { epic: 'epic-001-link-shortener', id: 'T6', title: 'Single sign-on for the management API', path: EPIC_FILE, line: 43 });
  },
});
const { shoot, watched } = ui;
let page;
let workspace;
const viewPane = (name) => dom.viewPane(page, name);
const rowsOf = (view) => dom.rowsOf(page, view);
const waitForLens = (lineText, lensText) => dom.waitForLens(page, lineText, lensText);
const goToLine = (line) => dom.goToLine(page, line);
const { lineNumberOf } = dom;

const statusItem = () => page.locator('.statusbar-item[id$="autopm.epicProgress"]');

async function statusText() {
  return plain(await statusItem().innerText()).trim();
}

/** Waits until the status bar item reads `text`. */
async function waitForStatusText(text) {
  await until(async () => (await statusItem().count()) === 1 && await statusText(), (shown) => shown === text,
    `the status bar to read "${text}"`);
}


before(watched(async () => {
  ({ page, workspace } = await ui.start());
}));

after(() => ui.stop());

test('the Next Up view recommends the task the core makes next, first, with its reason', watched(async () => {
  await openViewContainer(page, 'AutoPM');
  const rows = viewPane('Next Up').locator('.monaco-list-row');
  await rows.filter({ hasText: NEXT_TASK }).waitFor({ timeout: TIMEOUT });
  assert.deepEqual(await rowsOf('Next Up'), [[NEXT_TASK, 'Epic 001 · unblocks 1'], ['#46 Calendar export (ICS)', 'team-calendar']]);
  // The reason is the row's tooltip.
  await rows.first().locator('.label-name').hover();
  const hover = page.locator('.monaco-hover, .workbench-hover', { hasText: 'Ready:' }).first();
  await hover.waitFor({ timeout: TIMEOUT });
  assert.equal(plain(await hover.innerText()).trim(), next.reason);
  await page.mouse.move(0, 0);
  await shoot('next-up.png');
}));

test('the Epics view lists the epics and an epic\'s task groups', watched(async () => {
  const rows = viewPane('Epics').locator('.monaco-list-row');
  const epicRow = rows.filter({ hasText: 'Link Shortener Service' });
  await epicRow.waitFor({ timeout: TIMEOUT });
  assert.deepEqual(await rowsOf('Epics'), [['team-calendar', '2/6 · 33%'], ['Link Shortener Service', '2/10 · 20%']]);

  // The tree renders only the rows in view; with the other sections collapsed, the Epics
  // section is tall enough for the expanded epic.
  for (const name of ['Next Up', 'PRDs']) {
    await page.locator(`.sidebar .pane-header.expanded[aria-label="${name} Section"]`).click();
    await page.locator(`.sidebar .pane-header:not(.expanded)[aria-label="${name} Section"]`).waitFor();
  }
  await epicRow.locator('.monaco-tl-twistie').click();
  await rows.filter({ hasText: 'Release' }).waitFor({ timeout: TIMEOUT });
  const groups = await rows.evaluateAll((nodes) => nodes
    .filter((node) => node.getAttribute('aria-level') === '2')
    .map((node) => node.querySelector('.label-name').textContent.trim()));
  assert.deepEqual(groups, ['Foundation', 'Redirects', 'Management API', 'Analytics', 'Release']);
  await shoot('explorer.png');
}));

// Before any task is changed: the item falls back to the setting, then to the first epic not done.
test('with no epic in the editor and none worked on, the status bar follows the activeEpic setting, and the statusBar setting hides it', watched(async () => {
  await runCommand(page, 'View: Close All Editors');
  await waitForStatusText('team-calendar · 2/6');
  assert.equal(await statusItem().getAttribute('aria-label'), 'team-calendar: 2 of 6 tasks done');
  ui.writeSettings({ 'autopm.activeEpic': 'epic-001-link-shortener' });
  await waitForStatusText('Epic 001 · 2/10');
  ui.writeSettings({});
  await waitForStatusText('team-calendar · 2/6');
  ui.writeSettings({ 'autopm.statusBar.enabled': false });
  await statusItem().waitFor({ state: 'detached', timeout: TIMEOUT });
  ui.writeSettings({});
  await waitForStatusText('team-calendar · 2/6');
}));

test('Next Task lists the task the core makes next first, with the reason; choosing it opens it at its line and names it', watched(async () => {
  await runCommand(page, 'AutoPM: Next Task');
  const first = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: NEXT_TASK }).first();
  await first.waitFor({ timeout: TIMEOUT });
  assert.ok(plain(await first.innerText()).includes(next.reason), plain(await first.innerText()));
  await page.locator('.quick-input-widget', { hasText: 'Recommended' }).waitFor({ timeout: TIMEOUT });
  await shoot('next-task-pick.png');
  await page.keyboard.press('Enter');
  await waitForNotification(page, 'Next:', { timeoutMs: TIMEOUT });
  const toast = page.locator('.notifications-toasts .notification-list-item', { hasText: 'Next:' }).first();
  assert.equal(plain(await toast.locator('.notification-list-item-message').innerText()), `Next: ${NEXT_TASK} (Epic 001). ${next.reason}`);
  assert.deepEqual(await toast.locator('.monaco-button').allInnerTexts(), ['Start Task']);
  // The task's file is the active editor, with the cursor at the start of the task's line.
  await page.locator('.tabs-container .tab.active', { hasText: path.basename(EPIC_FILE) }).waitFor({ timeout: TIMEOUT });
  await page.locator('.statusbar-item[id="status.editor.selection"]', { hasText: `Ln ${next.task.line}, Col 1` }).waitFor({ timeout: TIMEOUT });
  await shoot('next-task.png');
  // Dismissed without starting it, as the user may.
  await runCommand(page, 'Notifications: Clear All Notifications');
  await toast.waitFor({ state: 'detached', timeout: TIMEOUT });
  assert.ok(fs.readFileSync(path.join(workspace, EPIC_FILE), 'utf8').includes(`- [ ] ${TASK_6}`));
  await runCommand(page, 'View: Close All Editors');
  await page.locator('.editor-instance').waitFor({ state: 'detached', timeout: TIMEOUT });
}));

test('the Complete CodeLens marks a task done in the editor and on disk', watched(async () => {
  const file = path.join(workspace, EPIC_FILE);
  const before = fs.readFileSync(file, 'utf8');
  assert.ok(before.includes(`- [ ] ${TASK_6}`));

  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget input').fill(path.basename(EPIC_FILE));
  await page.locator('.quick-input-list .monaco-list-row', { hasText: path.basename(EPIC_FILE) }).first().waitFor();
  await page.keyboard.press('Enter');

  const editor = page.locator('.editor-instance');
  const lenses = editor.locator('.codelens-decoration');
  // Reopened where Next Task left it; the title is at the top.
  await editor.locator('.view-line').first().waitFor({ timeout: TIMEOUT });
  await goToLine(1);
  await waitForLens('# Epic 001: Link Shortener Service', '10 tasks · 2 done · 1 in progress · 1 ready · 6 blocked | Graph | Sync | Review');
  await statusItem().filter({ hasText: 'Epic 001' }).waitFor({ timeout: TIMEOUT });
  assert.equal(await statusText(), 'Epic 001 · 2/10');

  // Bring Task 6 into view: Go to Line centres a line outside the viewport.
  await goToLine(lineNumberOf(before, TASK_6));
  await editor.locator('.view-line', { hasText: TASK_6 }).waitFor();

  const index = await waitForLens(`- [ ] ${TASK_6}`, 'Start | Complete | Refine');
  await lenses.nth(index).locator('a', { hasText: 'Complete' }).click();

  await editor.locator('.view-line', { hasText: `- [x] ${TASK_6}` }).waitFor({ timeout: TIMEOUT });
  // The lenses follow the new state: a done task can only be reopened.
  await waitForLens(`- [x] ${TASK_6}`, 'Reopen');
  // The file was saved before the edit, so the extension saves it after.
  const after = await until(() => fs.readFileSync(file, 'utf8'), (text) => text !== before && text !== '', 'the file to be saved');
  assert.equal(after, before.replace(`- [ ] ${TASK_6}`, `- [x] ${TASK_6}`));
  // The Epics view follows: the epic's row shows the new progress.
  await viewPane('Epics').locator('.monaco-list-row', { hasText: 'Link Shortener Service' }).filter({ hasText: '3/10' })
    .waitFor({ timeout: TIMEOUT });
  await shoot('codelens.png');
}));

test('the status bar shows the active epic\'s new progress', watched(async () => {
  await statusItem().filter({ hasText: '3/10' }).waitFor({ timeout: TIMEOUT });
  assert.equal(await statusText(), 'Epic 001 · 3/10');
  assert.equal(await statusItem().locator('.codicon-checklist').count(), 1);
  assert.equal(await statusItem().getAttribute('aria-label'), 'Link Shortener Service: 3 of 10 tasks done');
  await page.locator('.part.statusbar').screenshot({ path: path.join(ui.shots, 'status-bar.png') });
}));

test('Start Task on a blocked task under the cursor asks first: Cancel changes nothing, Start Anyway starts it', watched(async () => {
  const file = path.join(workspace, EPIC_FILE);
  const before = fs.readFileSync(file, 'utf8');
  // The epic is still open from the CodeLens test.
  await goToLine(lineNumberOf(before, TASK_4));
  const dialog = page.locator('.monaco-dialog-box');
  const ask = async () => {
    await runCommand(page, 'AutoPM: Start Task');
    await dialog.waitFor({ timeout: TIMEOUT });
    assert.equal(plain(await dialog.locator('.dialog-message-container').innerText()).trim(), 'T4 Redirect endpoint with Redis cache is blocked by T3.');
  };
  await ask();
  // The buttons' order follows the platform's convention.
  assert.deepEqual((await dialog.locator('.dialog-buttons .monaco-button').allInnerTexts()).sort(), ['Cancel', 'Start Anyway']);
  await shoot('start-blocked.png');
  await dialog.locator('.dialog-buttons .monaco-button', { hasText: 'Cancel' }).click();
  await dialog.waitFor({ state: 'detached', timeout: TIMEOUT });
  // Starting it was the only thing the command would write.
  assert.equal(fs.readFileSync(file, 'utf8'), before);

  await ask();
  await dialog.locator('.dialog-buttons .monaco-button', { hasText: 'Start Anyway' }).click();
  // VS Code saves by truncating, then writing: a read in between finds the file empty.
  const after = await until(() => fs.readFileSync(file, 'utf8'), (text) => text !== before && text !== '', 'the file to be saved');
  assert.equal(after, before.replace(`- [ ] ${TASK_4}`, `- [-] ${TASK_4}`));
  // In progress now, it is no longer shown as blocked.
  await waitForLens(`- [-] ${TASK_4}`, 'Complete | Reopen | Refine');
}));

test('Start Task from the palette asks which task, then starts it', watched(async () => {
  const file = path.join(workspace, '.claude/epics/team-calendar/46.md');
  assert.match(fs.readFileSync(file, 'utf8'), /^status: open$/m);
  // With the cursor in a task's file the command acts on that task; with no editor it asks.
  await runCommand(page, 'View: Close All Editors');
  await page.locator('.editor-instance').waitFor({ state: 'detached', timeout: TIMEOUT });
  await runCommand(page, 'AutoPM: Start Task');
  const input = page.locator('.quick-input-widget input');
  await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Start Task' }).waitFor({ timeout: TIMEOUT });
  await input.fill('Calendar export');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Calendar export (ICS)' }).first().waitFor({ timeout: TIMEOUT });
  await shoot('start-task-pick.png');
  await page.keyboard.press('Enter');
  await until(() => fs.readFileSync(file, 'utf8'), (text) => /^status: in-progress$/m.test(text), 'status: in-progress in 46.md');
  // No editor shows an epic, so the status bar follows the epic just worked on.
  await until(async () => plain(await statusItem().innerText()), (text) => text.includes('team-calendar · 2/6'), 'the status bar on team-calendar');
}));

test('the lightbulb on a checklist line that disagrees with its task file offers both fixes, the task file first; ticking the line fixes it in the editor', watched(async () => {
  const epicFile = path.join(workspace, '.claude/epics/team-calendar/epic.md');
  const taskFile = path.join(workspace, '.claude/epics/team-calendar/44.md');
  // The week view was finished outside the checklist: its file says closed, its line is unticked.
  fs.writeFileSync(taskFile, fs.readFileSync(taskFile, 'utf8').replace(/^status: open$/m, 'status: closed'));
  await runCommand(page, 'View: Close All Editors');
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget input').fill('.claude/epics/team-calendar/epic.md');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'epic.md' }).first().waitFor({ timeout: TIMEOUT });
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab.active', { hasText: 'epic.md' }).waitFor({ timeout: TIMEOUT });
  const line = page.locator('.editor-instance .view-line', { hasText: '#44 - Week view' });
  await line.waitFor({ timeout: TIMEOUT });
  // The squiggle is drawn once the diagnostic is published; then the cursor goes to the line.
  await page.locator('.editor-instance .squiggly-info, .editor-instance .squiggly-warning').first().waitFor({ timeout: TIMEOUT });
  await goToLine(lineNumberOf(fs.readFileSync(epicFile, 'utf8'), '#44 - Week view'));
  const menu = page.locator('.action-widget:not(.action-list-submenu-panel)').first();
  // The lightbulb in the gutter beside the line (the one for a fix of a problem), clicked as a user would.
  const bulb = page.locator('.editor-instance [class*="codicon-gutter-lightbulb"]').first();
  await bulb.waitFor({ timeout: TIMEOUT });
  await until(async () => {
    if (!(await menu.isVisible())) await bulb.click();
    return plain(await menu.innerText().catch(() => ''));
  }, (text) => text.includes('Tick task 44'), 'the quick fixes of the checklist line');
  const items = await menu.getByRole('option').allInnerTexts();
  assert.deepEqual(items.map((item) => plain(item).trim()), ['Set the status of task 44 to open, as the checklist says', 'Tick task 44 in the checklist, as its file says closed']);
  await shoot('quick-fix-checklist.png');
  await menu.getByRole('option', { name: /Tick task 44/ }).click();
  await page.locator('.editor-instance .view-line', { hasText: '- [x] #44 - Week view' }).waitFor({ timeout: TIMEOUT });
  // The edit waits in the editor, as typing would; saved, the file has it and the problem is gone.
  await page.keyboard.press('Control+S');
  await until(() => fs.readFileSync(epicFile, 'utf8'), (text) => text.includes('- [x] #44 - Week view (parallel: false)'), 'the ticked line on disk');
}));
