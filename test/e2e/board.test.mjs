// End-to-end tests of the kanban board in the real VS Code web UI (the packaged extension,
// headless chromium): the columns and cards it draws, read from its DOM; a card dragged with
// the mouse or moved with the keyboard, and the file that changes on disk; the question a
// blocked card asks; the filters. Screenshots in a light and a dark theme go to
// test-results/e2e/board/.
//
// The tests run in order on one workbench, on a copy of the example workspace.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { activeWebview, runCommand } from '../harness/vscodeHarness.mjs';
import { TIMEOUT, uiSession, until } from '../harness/uiSession.mjs';

const EPIC_001 = 'epics/epic-001-link-shortener.md';
const CALENDAR_46 = '.claude/epics/team-calendar/46.md';

const ui = uiSession('board');
const { shoot, useTheme, pick, watched } = ui;
let page;
let workspace;
const readPlan = (relative) => fs.readFileSync(path.join(workspace, relative), 'utf8');

before(watched(async () => {
  ({ page, workspace } = await ui.start());
}));

after(() => ui.stop());

/** Each column's heading and its cards' keys, as the webview draws them. */
const columns = (frame) => frame.locator('section.column').evaluateAll((sections) => Object.fromEntries(sections.map((section) => [
  section.getAttribute('data-column'),
  { heading: section.querySelector('h2').textContent.trim(), cards: [...section.querySelectorAll('[data-key]')].map((c) => c.getAttribute('data-key')) },
])));

const cardsIn = async (frame, column) => (await columns(frame))[column]?.cards ?? [];

test('the board of every epic draws three columns with their counts and a card per task', watched(async () => {
  await runCommand(page, 'AutoPM: Open Board');
  await pick('All epics');
  const frame = activeWebview(page);
  const drawn = await until(() => columns(frame), (c) => c.open?.cards.length === 10, 'ten open cards');
  assert.deepEqual(Object.values(drawn).map((c) => c.heading), ['Open 10', 'In Progress 2', 'Done 4']);
  assert.deepEqual(drawn['in-progress'].cards, ['team-calendar:43', 'epic-001-link-shortener:T3']);
  const t5 = frame.locator('[data-key="epic-001-link-shortener:T5"]');
  assert.equal((await t5.locator('.card-blockers').innerText()).trim(), 'Blocked by T3, T6');
  assert.equal((await t5.locator('.card-estimate').innerText()).trim(), '4 hours');
  assert.equal((await frame.locator('[data-key="team-calendar:43"] .card-issue').innerText()).trim(), '#43');
  assert.equal(await page.locator('.tab.active').first().getAttribute('aria-label').then((l) => l?.startsWith('Board: All epics')), true);
  await shoot('board-light.png');
}));

test('dragging a card to in progress starts its task: the checkbox changes on disk and the card moves', watched(async () => {
  const frame = activeWebview(page);
  const before = readPlan(EPIC_001);
  assert.match(before, /- \[ \] \*\*Task 6:\*\*/);
  await frame.locator('[data-key="epic-001-link-shortener:T6"]').dragTo(frame.locator('section[data-column="in-progress"]'));
  await until(() => readPlan(EPIC_001), (text) => /- \[-\] \*\*Task 6:\*\*/.test(text), 'Task 6 to be started on disk');
  // Only that character changed.
  assert.equal(readPlan(EPIC_001), before.replace('- [ ] **Task 6:**', '- [-] **Task 6:**'));
  await until(() => cardsIn(frame, 'in-progress'), (keys) => keys.includes('epic-001-link-shortener:T6'), 'the card in In Progress');
}));

test('the keyboard: Alt+Right on a focused card completes it; Enter opens the task\'s line', watched(async () => {
  const frame = activeWebview(page);
  const card = frame.locator('[data-key="team-calendar:46"]');
  await card.focus();
  await card.press('Alt+ArrowRight');
  await until(() => readPlan(CALENDAR_46), (text) => /^status: in-progress$/m.test(text), '#46 to be in progress on disk');
  await until(() => cardsIn(frame, 'in-progress'), (keys) => keys.includes('team-calendar:46'), '#46 in In Progress');
  // The focus followed the card into its new column, so the next press moves it on.
  await until(() => frame.locator(':focus').getAttribute('data-key'), (key) => key === 'team-calendar:46', 'the focus on #46');
  await page.keyboard.press('Alt+ArrowRight');
  await until(() => readPlan(CALENDAR_46), (text) => /^status: closed$/m.test(text), '#46 to be done on disk');
  await until(() => cardsIn(frame, 'done'), (keys) => keys.includes('team-calendar:46'), '#46 in Done');
  assert.match(readPlan('.claude/epics/team-calendar/epic.md'), /^- \[x\] #46 - Calendar export/m);

  await until(() => frame.locator(':focus').getAttribute('data-key'), (key) => key === 'team-calendar:46', 'the focus on #46 in Done');
  await page.keyboard.press('Enter');
  // The tab's label is split over elements: compared without its whitespace.
  await until(async () => (await page.locator('.editor-group-container.active .tab.active').first().innerText()).replace(/\s+/g, ''), (t) => t.startsWith('46.md'), '46.md to open');
  await page.locator('.statusbar-item[id="status.editor.selection"]', { hasText: 'Ln 2,' }).waitFor({ timeout: TIMEOUT });
  await runCommand(page, 'View: Close All Editor Groups');
  await runCommand(page, 'AutoPM: Open Board');
  await pick('All epics');
  await until(() => columns(activeWebview(page)), (c) => c.done?.cards.includes('team-calendar:46'), 'the board again');
}));

test('a blocked card dragged to in progress asks first, and moves once the user says Start Anyway', watched(async () => {
  const frame = activeWebview(page);
  const before = readPlan(EPIC_001);
  await frame.locator('[data-key="epic-001-link-shortener:T4"]').dragTo(frame.locator('section[data-column="in-progress"]'));
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ timeout: TIMEOUT });
  assert.match(await dialog.innerText(), /T4 Redirect endpoint with Redis cache is blocked by T3\./);
  await dialog.getByRole('button', { name: 'Start Anyway' }).click();
  await until(() => readPlan(EPIC_001), (text) => /- \[-\] \*\*Task 4:\*\*/.test(text), 'Task 4 to be started on disk');
  assert.equal(readPlan(EPIC_001), before.replace('- [ ] **Task 4:**', '- [-] **Task 4:**'));
  await until(() => cardsIn(frame, 'in-progress'), (keys) => keys.includes('epic-001-link-shortener:T4'), 'T4 in In Progress');
}));

test('the sprint and epic filters narrow the board; the dark theme recolours it', watched(async () => {
  const frame = activeWebview(page);
  await frame.getByRole('combobox', { name: 'Epic' }).selectOption({ label: 'team-calendar' });
  await until(() => columns(frame), (c) => Object.values(c).every((col) => col.cards.every((k) => k.startsWith('team-calendar:'))), 'only team-calendar cards');
  assert.match(await frame.locator('.hidden-note').innerText(), /^10 of 16 tasks are hidden by the filters\.$/);
  await frame.getByRole('combobox', { name: 'Epic' }).selectOption({ label: 'All epics' });
  await frame.getByRole('combobox', { name: 'Sprint' }).selectOption({ label: 'Link Shortener Service' });
  await until(() => columns(frame), (c) => Object.values(c).every((col) => col.cards.every((k) => k.startsWith('epic-001-link-shortener:'))), 'only the sprint\'s cards');
  await frame.getByRole('combobox', { name: 'Sprint' }).selectOption({ label: 'All sprints' });
  await until(() => columns(frame), (c) => c.open?.cards.length + c['in-progress']?.cards.length + c.done?.cards.length === 16, 'every card again');

  await useTheme('dark');
  await until(() => frame.locator('body').getAttribute('class'), (c) => c?.includes('vscode-dark'), 'the webview in the dark theme');
  const background = await frame.locator('.card').first().evaluate((card) => getComputedStyle(card).backgroundColor);
  assert.notEqual(background, 'rgb(255, 255, 255)');
  await shoot('board-dark.png');
  await useTheme('light');
}));
