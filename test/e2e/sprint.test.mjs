// End-to-end tests of sprints in the real VS Code web UI (the packaged extension, headless
// chromium): the status bar shows the sprint whose dates include today, its click opens the
// sprint report, which draws the burndown on a canvas and lists what needs attention.
// Screenshots of the report, in a light and a dark theme, go to test-results/e2e/sprint/.
//
// The tests run in order on one workbench, on a copy of the example workspace with a sprint
// file added, dated around the real today, before the workbench opens.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  activeWebview, extensionHostCrashes, installExtension, launchBrowser, newAutomationPage,
  runCommand, startServer, waitForWorkbench,
} from '../harness/vscodeHarness.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const vsix = path.resolve(repo, process.env.AUTOPM_E2E_VSIX ?? 'dist/autopm.vsix');
const shots = path.join(repo, 'test-results', 'e2e', 'sprint');
const TIMEOUT = 30_000;

let workspace;
let server;
let browser;
let page;
let failed = false;

const plain = (text) => text.replaceAll('\u00a0', ' ');
const shoot = (name) => page.screenshot({ path: path.join(shots, name) });

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

/** Calls `read` until `done` accepts its value, which it returns; fails on timeout. */
async function until(read, done, what) {
  const deadline = Date.now() + TIMEOUT;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}; last seen: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function writeWorkspaceSettings(settings) {
  fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
  fs.writeFileSync(path.join(workspace, '.vscode', 'settings.json'), `${JSON.stringify(settings, null, 2)}\n`);
}

/** Switches the colour theme and waits until the workbench has it. */
async function useTheme(kind) {
  writeWorkspaceSettings({ 'workbench.colorTheme': kind === 'dark' ? 'Default Dark Modern' : 'Default Light Modern' });
  await page.locator(kind === 'dark' ? '.monaco-workbench.vs-dark' : '.monaco-workbench.vs').waitFor({ timeout: TIMEOUT });
}

const statusItem = () => page.locator('.statusbar-item[id$="autopm.epicProgress"]');

const watched = (body) => async () => {
  try {
    await body();
  } catch (error) {
    if (!failed && page) await shoot('failure.png').catch(() => {});
    failed = true;
    throw error;
  }
};

before(watched(async () => {
  fs.rmSync(shots, { recursive: true, force: true });
  fs.mkdirSync(shots, { recursive: true });
  assert.ok(fs.existsSync(vsix), `${vsix} does not exist; run: npm run package`);
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'autopm-e2e-sprint-'));
  fs.cpSync(path.join(repo, 'examples'), workspace, { recursive: true });
  fs.mkdirSync(path.join(workspace, '.claude', 'epics', 'sprints'), { recursive: true });
  fs.writeFileSync(path.join(workspace, '.claude', 'epics', 'sprints', 'sprint-4.md'), SPRINT);
  writeWorkspaceSettings({ 'workbench.colorTheme': 'Default Light Modern' });
  server = await startServer({ smokeTestDriver: false });
  await installExtension(vsix, server);
  browser = await launchBrowser();
  ({ page } = await newAutomationPage(browser, { logFile: path.join(server.runDir, 'automation.log') }));
  await page.setViewportSize({ width: 1280, height: 1000 });
  await page.goto(server.workbenchUrl({ folder: workspace }));
  await waitForWorkbench(page, { smokeTestDriver: false });
  await statusItem().waitFor({ timeout: TIMEOUT });
}));

after(async () => {
  await browser?.close().catch(() => {});
  await server?.stop();
  const crashes = server ? extensionHostCrashes(server.logFile) : [];
  if (server) {
    if (failed || crashes.length > 0 || process.env.AUTOPM_HARNESS_KEEP === '1') console.log(`logs kept in ${server.runDir}`);
    else fs.rmSync(server.runDir, { recursive: true, force: true });
  }
  if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
  assert.deepEqual(crashes, [], 'an extension host ended abnormally');
});

/** The rows of one of the report's tables, each row's cells as text. */
const tableRows = (frame, className) => frame.locator(`table.${className} tbody tr`).evaluateAll((rows) =>
  rows.map((row) => [...row.querySelectorAll('td')].map((td) => td.textContent.replace(/\s+/g, ' ').trim())));

test('the status bar shows the sprint whose dates include today, with a rocket', watched(async () => {
  const text = await until(async () => plain(await statusItem().innerText()).trim(), (t) => t.startsWith('Sprint 4'), 'the sprint in the status bar');
  // Two of seven done: 41 and 42 are closed, and the rest is open or in progress.
  assert.equal(text, 'Sprint 4 · 2/7 · 3 days left');
  assert.equal(await statusItem().locator('.codicon-rocket').count(), 1);
  await page.locator('.part.statusbar').screenshot({ path: path.join(shots, 'status-bar.png') });
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
