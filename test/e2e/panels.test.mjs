// End-to-end tests of AutoPM's webview panels in the real VS Code web UI (the packaged
// extension, headless chromium): what the panels draw, read from their DOM, and what
// clicking them does to the editor and the files. Screenshots of every panel, in a light
// and a dark theme, go to test-results/e2e/panels/.
//
// The tests run in order on one workbench, on a copy of the example workspace.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { activeWebview, runCommand } from '../harness/vscodeHarness.mjs';
import { plain, TIMEOUT, uiSession, until } from '../harness/uiSession.mjs';

const ui = uiSession('panels');
const { shoot, useTheme, pick, watched } = ui;
let page;

/** The title of the active editor group's active tab. */
async function activeEditorTitle() {
  return plain(await page.locator('.editor-group-container.active .tab.active').first().innerText()).replace(/\s+/g, '');
}

/** How many editor groups the workbench shows. */
const editorGroups = () => page.locator('.editor-group-container').count();

before(watched(async () => {
  ({ page } = await ui.start());
}));

after(() => ui.stop());

/** The graph's drawn nodes: the task or milestone each stands for and its classes. */
const graphNodes = (frame) => frame.locator('.canvas svg g.node').evaluateAll((nodes) => nodes.map((node) => ({
  task: node.getAttribute('data-task'),
  classes: [...node.classList].filter((c) => !['node', 'default'].includes(c)).sort(),
  label: node.textContent.replace(/\s+/g, ' ').trim(),
})));

test('the dependency graph draws every task and milestone, coloured by state, with the critical path and the next task marked', watched(async () => {
  await runCommand(page, 'AutoPM: Show Dependency Graph');
  await pick('Link Shortener Service');
  const frame = activeWebview(page);
  const nodes = await until(() => graphNodes(frame), (found) => found.length === 14, '14 drawn nodes');
  const byTask = Object.fromEntries(nodes.map((n) => [n.task, n.classes]));
  assert.deepEqual(byTask['epic-001-link-shortener:T1'], ['done']);
  assert.deepEqual(byTask['epic-001-link-shortener:T3'], ['critical', 'inProgress']);
  assert.deepEqual(byTask['epic-001-link-shortener:T6'], ['next', 'ready']);
  assert.deepEqual(byTask['epic-001-link-shortener:T4'], ['blocked', 'critical']);
  assert.deepEqual(nodes.filter((n) => n.classes.includes('critical')).map((n) => n.task.split(':')[1]), ['T3', 'T4', 'T7', 'T8', 'T10']);
  assert.deepEqual(nodes.filter((n) => n.classes.includes('milestone')).map((n) => n.task.split(':')[1]), ['M1', 'M2', 'M3', 'M4']);
  assert.match(nodes.find((n) => n.task.endsWith(':T6')).label, /^▶ T6: Single sign-on/);
  // Task groups are drawn as boxes around their tasks.
  assert.deepEqual((await frame.locator('.canvas svg g.cluster').evaluateAll((c) => c.map((g) => g.textContent.trim()))).sort(),
    ['Analytics', 'Foundation', 'Management API', 'Redirects', 'Release']);
  // The critical path's links are drawn heavier than the others.
  const widths = await frame.locator('.canvas svg .flowchart-link').evaluateAll((links) => links.map((l) => getComputedStyle(l).strokeWidth));
  assert.equal(widths.filter((w) => w === '4px').length, 4);
  await shoot('graph-light.png');
}));

test('hovering a node tells its state, estimate, issue and what it waits for; Enter on a focused node opens its line', watched(async () => {
  const frame = activeWebview(page);
  await frame.locator('g.node[data-task$=":T5"]').hover();
  const tip = frame.locator('.node-tip');
  await tip.waitFor({ timeout: TIMEOUT });
  assert.equal(plain(await tip.innerText()).replace(/\s+/g, ' ').trim(),
    'T5: Create, update and disable links Blocked Estimate: 4 hours Waits for: T3, T6');

  // Keyboard: focus reaches a node, and Enter opens the epic at that task's line.
  await frame.locator('g.node[data-task$=":T5"]').press('Enter');
  await until(activeEditorTitle, (title) => title.startsWith('epic-001-link-shortener.md'), 'the epic to open');
  await page.locator('.statusbar-item[id="status.editor.selection"]', { hasText: 'Ln 39,' }).waitFor({ timeout: TIMEOUT });
}));

test('clicking a node opens its task\'s line beside the graph', watched(async () => {
  const frame = activeWebview(page);
  await frame.locator('g.node[data-task$=":T9"]').click();
  await page.locator('.statusbar-item[id="status.editor.selection"]', { hasText: 'Ln 54,' }).waitFor({ timeout: TIMEOUT });
  // The graph and, beside it, the one editor both clicks went to. The status bar can show
  // the line a moment before the epic's tab is the active one: wait for that too.
  assert.equal(await editorGroups(), 2);
  await until(activeEditorTitle, (title) => /^epic-001-link-shortener\.md/.test(title), 'the epic to be the active editor');
  // The graph alone, wide enough to read, for what follows.
  await runCommand(page, 'View: Close All Editor Groups');
  await page.locator('.editor-instance').waitFor({ state: 'detached', timeout: TIMEOUT });
  await runCommand(page, 'AutoPM: Show Dependency Graph');
  await pick('Link Shortener Service');
  await until(() => graphNodes(activeWebview(page)), (found) => found.length === 14, 'the graph drawn again');
  assert.equal(await editorGroups(), 1);
}));

test('hiding done tasks and turning the graph left to right redraw it; the dark theme recolours it', watched(async () => {
  const frame = activeWebview(page);
  await frame.getByRole('button', { name: 'Hide Done Tasks' }).click();
  await until(() => graphNodes(frame), (found) => found.length === 12, '12 nodes with the done tasks hidden');
  await frame.getByRole('button', { name: 'Left to Right' }).click();
  await until(async () => {
    const box = await frame.locator('.canvas svg').boundingBox();
    return box && box.width > box.height;
  }, Boolean, 'a graph wider than tall');
  await frame.getByRole('button', { name: 'Show Done Tasks' }).click();
  await until(() => graphNodes(frame), (found) => found.length === 14, 'every node again');
  await frame.getByRole('button', { name: 'Fit to Window' }).click();
  await useTheme('dark');
  await until(() => frame.locator('body').getAttribute('class'), (c) => c?.includes('vscode-dark'), 'the webview in the dark theme');
  await until(() => graphNodes(frame), (found) => found.length === 14, 'the graph redrawn in the dark theme');
  await shoot('graph-dark.png');
  await useTheme('light');
}));

test('Project Status draws the PRDs with their epics, the roadmap and the deliverables; a link opens the file', watched(async () => {
  await runCommand(page, 'View: Close All Editor Groups');
  await runCommand(page, 'AutoPM: Project Status');
  const frame = activeWebview(page);
  await frame.locator('section[aria-label="PRDs"] h3').first().waitFor({ timeout: TIMEOUT });
  assert.deepEqual((await frame.locator('section[aria-label="PRDs"] h3 a').allInnerTexts()).map((t) => t.trim()), ['Team Calendar', 'Link Shortener Service']);
  assert.equal(await frame.locator('[data-count="done"] .tile-value').innerText(), '4');
  // The roadmap and the burndown are drawn on canvases by the chart library.
  await frame.locator('section[aria-label="Roadmap"] canvas').waitFor({ timeout: TIMEOUT });
  assert.ok(await frame.locator('section[aria-label="Deliverables"] tbody tr').count() >= 3);
  await shoot('project-report-light.png');
  await useTheme('dark');
  await until(() => frame.locator('body').getAttribute('class'), (c) => c?.includes('vscode-dark'), 'the report in the dark theme');
  await shoot('project-report-dark.png');
  await useTheme('light');
  await frame.locator('section[aria-label="PRDs"] h3 a', { hasText: 'Link Shortener Service' }).click();
  await until(activeEditorTitle, (title) => title.startsWith('prd-001-link-shortener.md'), 'the PRD to open');
}));

test('an epic\'s status report lists its tasks by state, the next task and the blockers', watched(async () => {
  await runCommand(page, 'View: Close All Editor Groups');
  await runCommand(page, 'AutoPM: Open Epic Status');
  await pick('Link Shortener Service');
  const frame = activeWebview(page);
  await frame.locator('table.tasks tbody tr').first().waitFor({ timeout: TIMEOUT });
  assert.equal(await frame.locator('table.tasks tbody tr').count(), 10);
  assert.equal(plain(await frame.locator('tr[data-task="T3"] .state-badge').innerText()).trim(), 'In progress');
  assert.match(plain(await frame.locator('section[aria-label="Next"] .next').innerText()), /^T6 Single sign-on for the management API · Ready:/);
  assert.match(plain(await frame.locator('section[aria-label="Blocked"]').innerText()), /\nT4 Redirect endpoint with Redis cache · Blocked: T3 Link table and slug generator is in progress\.\n/);
  await shoot('epic-report-light.png');
  await useTheme('dark');
  await until(() => frame.locator('body').getAttribute('class'), (c) => c?.includes('vscode-dark'), 'the report in the dark theme');
  await shoot('epic-report-dark.png');
  await useTheme('light');
}));
