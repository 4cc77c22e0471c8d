// End-to-end test of the getting-started walkthrough in the real VS Code web UI (the packaged
// extension, headless chromium): its seven steps as the Welcome page draws them, a step's
// markdown media from the package, and steps that check themselves only once their action
// has happened: the plan shown in the AutoPM view, New PRD run from its step (and the PRD it
// writes), the model provider chosen in the settings editor its step opens. The others stay
// unchecked. Screenshots go to test-results/e2e/walkthrough/.
//
// The tests run in order on one workbench, on a copy of the example workspace.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { activeWebview, openViewContainer, runCommand } from '../harness/vscodeHarness.mjs';
import { plain, repo, TIMEOUT, uiSession, until } from '../harness/uiSession.mjs';

const manifest = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8'));
const walkthrough = manifest.contributes.walkthroughs[0];
// The id VS Code gives the walkthrough: the extension's id, then the walkthrough's own.
const WALKTHROUGH_ID = `${manifest.publisher}.${manifest.name}#${walkthrough.id}`;
const STEP_IDS = ['openPlan', 'chooseModel', 'signInToGitHub', 'createPrd', 'decomposePrd', 'syncEpic', 'startTask'];
const IDEA = 'Shared notes for the daily standup';

const ui = uiSession('walkthrough');
const { shoot, pick, watched } = ui;
let page;
let workspace;

before(watched(async () => {
  ({ page, workspace } = await ui.start());
}));

after(() => ui.stop());

const step = (id) => page.locator(`.getting-started-step[data-step-id="${WALKTHROUGH_ID}#${id}"]`);

/** Each step's id and whether the page shows it as done (its checkbox's `complete` class and ARIA state). */
const stepStates = () => page.locator(`.getting-started-step[data-step-id^="${WALKTHROUGH_ID}#"]`).evaluateAll((nodes) => nodes.map((node) => {
  const box = node.querySelector('[data-done-step-id]');
  const checked = box.classList.contains('complete') && box.classList.contains('codicon-getting-started-step-checked');
  // The class and the ARIA state must agree, or the page shows one thing and says another.
  return [node.getAttribute('data-step-id').split('#').pop(), box.getAttribute('aria-checked') === String(checked) ? checked : 'inconsistent'];
}));

/** Waits until every step named in `expected` shows that state; returns all the states. */
async function waitForSteps(expected, what) {
  const states = await until(stepStates, (shown) => Object.entries(expected).every(([id, done]) => shown.some(([s, d]) => s === id && d === done)), what);
  return Object.fromEntries(states);
}

/** Opens the walkthrough through the palette, as a user finds it, or brings its page back. */
async function openWalkthrough() {
  await runCommand(page, 'Welcome: Open Walkthrough...');
  await pick(walkthrough.title);
  await step(STEP_IDS[0]).waitFor({ timeout: TIMEOUT });
}

/** Selects a step by its title (not its checkbox, which would tick it by hand). */
async function selectStep(id) {
  await step(id).locator('.step-title').click();
  await page.locator(`.getting-started-step.expanded[data-step-id="${WALKTHROUGH_ID}#${id}"]`).waitFor({ timeout: TIMEOUT });
}

test('the walkthrough shows its seven steps with their buttons and media; the plan step is checked once the AutoPM view shows the plan', watched(async () => {
  await openWalkthrough();
  assert.deepEqual(await page.locator(`.getting-started-step[data-step-id^="${WALKTHROUGH_ID}#"] .step-title`).allInnerTexts(),
    walkthrough.steps.map((s) => s.title));
  assert.deepEqual(walkthrough.steps.map((s) => s.id), STEP_IDS);
  // Nothing has been done yet but open the workspace. Whether the plan step is already
  // checked depends on whether the workbench registered the walkthrough before or after the
  // extension found the plans (VS Code counts a context key only when it changes later).
  const initial = await waitForSteps({ chooseModel: false }, 'the steps to be drawn');
  assert.deepEqual(Object.keys(initial), STEP_IDS);
  for (const id of STEP_IDS.slice(1)) assert.equal(initial[id], false, `${id} is not done yet`);
  assert.deepEqual(await step('openPlan').locator('.monaco-button').allInnerTexts(), ['Open Folder', 'Show the Plan', 'Create a PRD']);
  // The selected step's media is the packaged markdown, rendered in a webview beside the steps.
  const media = activeWebview(page);
  await media.locator('h1', { hasText: 'Where the plan lives' }).waitFor({ timeout: TIMEOUT });
  assert.match(plain(await media.locator('body').innerText()), /autopm\.planRoots/);
  await shoot('walkthrough-start.png');

  await openViewContainer(page, 'AutoPM');
  await page.locator('.sidebar .pane-header[aria-label="Epics Section"]').waitFor({ timeout: TIMEOUT });
  const states = await waitForSteps({ openPlan: true }, 'the plan step to be checked');
  assert.deepEqual(states, { ...initial, openPlan: true });
}));

// VS Code checks an onCommand step when the command runs; the PRD written is what the run did.
test('Create a PRD in the walkthrough runs New PRD, which checks its step and, answered, writes the PRD', watched(async () => {
  const prds = path.join(workspace, 'prds');
  const before = fs.readdirSync(prds);
  await selectStep('createPrd');
  await step('createPrd').locator('.monaco-button', { hasText: 'Create a PRD' }).click();
  const input = page.locator('.quick-input-widget input');
  await page.locator('.quick-input-widget', { hasText: 'The product or feature, in one line' }).waitFor({ timeout: TIMEOUT });
  await input.fill(IDEA);
  // Through the input, which it focuses first: each question is a new input box, and a key
  // pressed while one replaces the other is lost.
  await input.press('Enter');
  // No key and no model: the template's questions; empty answers skip them.
  for (let i = 1; i <= 5; i++) {
    await page.locator('.quick-input-widget .quick-input-title', { hasText: `(${i}/5)` }).waitFor({ timeout: TIMEOUT });
    await input.press('Enter');
  }
  const added = await until(() => fs.readdirSync(prds).filter((f) => !before.includes(f)), (files) => files.length === 1, 'the new PRD on disk');
  assert.match(added[0], /^prd-002-.+\.md$/);
  assert.ok(fs.readFileSync(path.join(prds, added[0]), 'utf8').includes(IDEA));
  await page.locator('.tabs-container .tab.active', { hasText: added[0] }).waitFor({ timeout: TIMEOUT });

  await openWalkthrough();
  const states = await waitForSteps({ createPrd: true }, 'the PRD step to be checked');
  assert.deepEqual(states, { openPlan: true, chooseModel: false, signInToGitHub: false, createPrd: true, decomposePrd: false, syncEpic: false, startTask: false });
}));

test('choosing a language model in the settings the model step opens checks that step, and only that one', watched(async () => {
  await selectStep('chooseModel');
  await step('chooseModel').locator('.monaco-button', { hasText: 'Choose a Language Model' }).click();
  const provider = page.locator('.settings-editor select[aria-label="autopm.claude.provider"]');
  await provider.waitFor({ timeout: TIMEOUT });
  // The step's link searches for the provider; its model setting comes with it.
  assert.deepEqual(await page.locator('.settings-editor .setting-item-contents[data-key]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-key'))),
    ['autopm.claude.provider', 'autopm.claude.languageModel']);
  assert.equal(await provider.inputValue(), 'anthropic');
  await provider.selectOption('vscode-lm');
  await page.locator('.settings-editor .setting-item-contents[data-key="autopm.claude.provider"] .setting-item-modified-indicator').waitFor({ state: 'visible', timeout: TIMEOUT });
  await shoot('walkthrough-settings.png');
  // The settings editor opens over the workbench; Escape closes it, once the list lets go of it.
  await until(async () => {
    if (await page.locator('.settings-editor').isVisible()) await page.keyboard.press('Escape');
    return page.locator('.settings-editor').isVisible();
  }, (visible) => !visible, 'the settings editor to close');

  await openWalkthrough();
  const states = await waitForSteps({ chooseModel: true }, 'the model step to be checked');
  assert.deepEqual(states, { openPlan: true, chooseModel: true, signInToGitHub: false, createPrd: true, decomposePrd: false, syncEpic: false, startTask: false });
  // The page selects the first step not done; its media is drawn a moment later.
  await activeWebview(page).locator('h1').waitFor({ timeout: TIMEOUT });
  await shoot('walkthrough-progress.png');
}));
