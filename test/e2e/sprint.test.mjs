// End-to-end tests of sprints in the real VS Code web UI (the packaged extension, headless
// chromium): the status bar shows the sprint whose dates include today, its click opens the
// sprint report, which draws the burndown on a canvas and lists what needs attention.
// Screenshots of the report, in a light and a dark theme, go to test-results/e2e/sprint/.
//
// The tests run in order on one workbench, on a copy of the example workspace with a sprint
// file added, dated around the real today, before the workbench opens.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { activeWebview, runCommand } from '../harness/vscodeHarness.mjs';
import { plain, TIMEOUT, uiSession, until } from '../harness/uiSession.mjs';

/** The local date `offset` days from today, as the extension's clock reads it. */
function day(offset) {
  const d = new Date();
  d.setDate(d.getDate() + offset);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

const SPRINT = [
  '---',
  'name: Sprint 4',
  `start: ${day(-4)}`,
  `end: ${day(3)}`,
  'goal: Time off and on-call in one calendar',
  '---',
  '',
  '# Sprint 4',
  '',
  '## Tasks',
  '',
  '- team-calendar:41',
  '- team-calendar:42',
  '- team-calendar:43',
  '- team-calendar:44',
  '- team-calendar:45',
  '- team-calendar:46',
  '- epic-001-link-shortener:T6',
  '',
].join('\n');

const ui = uiSession('sprint', {
  viewport: { width: 1280, height: 1000 },
  prepare: (workspace) => {
    fs.mkdirSync(path.join(workspace, '.claude', 'epics', 'sprints'), { recursive: true });
    fs.writeFileSync(path.join(workspace, '.claude', 'epics', 'sprints', 'sprint-4.md'), SPRINT);
  },
});
const { shoot, useTheme, watched } = ui;
let page;

const statusItem = () => page.locator('.statusbar-item[id$="autopm.epicProgress"]');

before(watched(async () => {
  ({ page } = await ui.start());
}));

after(() => ui.stop());

/** The rows of one of the report's tables, each row's cells as text. */
const tableRows = (frame, className) => frame.locator(`table.${className} tbody tr`).evaluateAll((rows) =>
  rows.map((row) => [...row.querySelectorAll('td')].map((td) => td.textContent.replace(/\s+/g, ' ').trim())));

test('the status bar shows the sprint whose dates include today, with a rocket', watched(async () => {
  const text = await until(async () => plain(await statusItem().innerText()).trim(), (t) => t.startsWith('Sprint 4'), 'the sprint in the status bar');
  // Two of seven done: 41 and 42 are closed, and the rest is open or in progress.
  assert.equal(text, 'Sprint 4 · 2/7 · 3 days left');
  assert.equal(await statusItem().locator('.codicon-rocket').count(), 1);
  await page.locator('.part.statusbar').screenshot({ path: path.join(ui.shots, 'status-bar.png') });
}));

test('clicking it opens the sprint report: header, counts, the burndown on a canvas, and the tables', watched(async () => {
  await statusItem().click();
  const frame = activeWebview(page);
  await frame.locator('h1', { hasText: 'Sprint 4' }).waitFor({ timeout: TIMEOUT });
  assert.equal(plain(await frame.locator('.sprint-meta .time-left').innerText()), '3 days left');
  assert.equal(await frame.locator('.goal').innerText(), 'Time off and on-call in one calendar');
  const tiles = await frame.locator('.count-tile').evaluateAll((t) => t.map((e) => `${e.querySelector('.name').textContent} ${e.querySelector('.value').textContent}`));
  assert.deepEqual(tiles.slice(0, 3), ['Scope 7', 'Done 2', 'Remaining 5']);
  // chart.js drew on the canvas: it has a size and pixels that are not all blank.
  const canvas = frame.locator('.burndown-chart canvas');
  await canvas.waitFor({ timeout: TIMEOUT });
  const painted = await until(() => canvas.evaluate((c) => {
    const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
    let opaque = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) opaque++;
    return { width: c.width, height: c.height, opaque };
  }), (p) => p.width > 100 && p.height > 100 && p.opaque > 500, 'a painted burndown');
  assert.ok(painted.opaque > 500);
  const remaining = await tableRows(frame, 'remaining-tasks');
  assert.deepEqual(remaining.map((r) => r[0].split(' ')[0]), ['team-calendar:43', 'team-calendar:44', 'team-calendar:45', 'team-calendar:46', 'epic-001-link-shortener:T6']);
  const blocked = await tableRows(frame, 'blocked-tasks');
  assert.deepEqual(blocked.map((r) => r[0].split(' ')[0]), ['team-calendar:44', 'team-calendar:45']);
  assert.match(blocked[0][1], /43 On-call rota import is in progress/);
  await shoot('sprint-report-light.png');
}));

test('a task link opens its file beside the report', watched(async () => {
  const frame = activeWebview(page);
  await frame.locator('table.remaining-tasks a.task-link[data-task="team-calendar:46"]').click();
  await until(async () => plain(await page.locator('.editor-group-container .tab.active').last().innerText()).replace(/\s+/g, ''), (t) => t.startsWith('46.md'), 'the task file to open');
  assert.equal(await page.locator('.editor-group-container').count(), 2);
}));

test('the dark theme redraws the report and its chart', watched(async () => {
  // The task file's group closed, so the report is as wide as in the light screenshot.
  await runCommand(page, 'View: Close All Editors in Group');
  await until(() => page.locator('.editor-group-container').count(), (n) => n === 1, 'one editor group');
  await useTheme('dark');
  const frame = activeWebview(page);
  await until(() => frame.locator('body').getAttribute('class'), (c) => c?.includes('vscode-dark'), 'the webview in the dark theme');
  await frame.locator('.burndown-chart canvas').waitFor({ timeout: TIMEOUT });
  // Give chart.js its redraw with the dark palette.
  await new Promise((resolve) => setTimeout(resolve, 500));
  await shoot('sprint-report-dark.png');
  await useTheme('light');
}));
