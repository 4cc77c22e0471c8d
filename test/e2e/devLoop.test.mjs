// End-to-end test of getting started and the development loop in the real VS Code web UI
// (the packaged extension, headless chromium), on a copy of the example workspace made a git
// repository whose origin is on github.com, with the local GitHub server behind it and a
// stand-in for VS Code's GitHub accounts (signed out at first):
// - the getting-started walkthrough: its seven steps as the Welcome page draws them, a step's
//   markdown media from the package, and steps that check themselves only once their action
//   has happened: the plan shown in the AutoPM view, New PRD run from its step (and the PRD
//   it writes), the model provider chosen in the settings editor its step opens, and the
//   GitHub sign-in VS Code asks the user to allow. The others stay unchecked;
// - the standup document, with a task ticked in a commit of the last working day;
// - Create Pull Request for Epic: its question, the editable preview, and the pull request
//   on GitHub with the previewed title and body, the branch pushed first;
// - Start Task with uncommitted changes: its question, the branch, the active task in the
//   status bar, and the walkthrough's last step checked.
// Screenshots go to test-results/e2e/devloop/.
//
// The tests run in order on one workbench.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { lastWorkingDay, weekdayDate } from '../../src/core/standup.ts';
import { localIsoDate } from '../../src/core/sprint.ts';
import { startGitHubServer } from '../servers/github/server.ts';
import { activeWebview, openViewContainer, runCommand } from '../harness/vscodeHarness.mjs';
import { plain, repo, TIMEOUT, uiSession, until } from '../harness/uiSession.mjs';

const manifest = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8'));
const walkthrough = manifest.contributes.walkthroughs[0];
// The id VS Code gives the walkthrough: the extension's id, then the walkthrough's own.
const WALKTHROUGH_ID = `${manifest.publisher}.${manifest.name}#${walkthrough.id}`;
const STEP_IDS = ['openPlan', 'chooseModel', 'signInToGitHub', 'createPrd', 'decomposePrd', 'syncEpic', 'startTask'];
const IDEA = 'Shared notes for the daily standup';
const EPIC = path.join('epics', 'epic-001-link-shortener.md');
const EPIC_BRANCH = 'epic/epic-001-link-shortener';
// The plan's first commit is older than any standup's window.
const FIRST_COMMIT_DATE = '2026-03-01T12:00:00Z';

const git = (cwd, args, date) => execFileSync('git', args, {
  cwd, encoding: 'utf8', env: { ...process.env, ...(date ? { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } : {}) },
});

const ui = uiSession('devloop', {
  extensions: ['test/extensions/github-accounts'],
  // The stand-in takes the place of VS Code's own GitHub accounts.
  env: { VSCODE_SKIP_BUILTIN_EXTENSIONS: 'vscode.github-authentication', AUTOPM_GITHUB_WRITE_INTERVAL_MS: '0' },
  userSettings: { 'git.enabled': true },
  prepare: (root) => {
    const remote = `${root}-remote.git`;
    execFileSync('git', ['init', '-q', '--bare', '-b', 'main', remote]);
    for (const args of [
      ['init', '-q', '-b', 'main'], ['config', 'user.name', 'Octo Cat'], ['config', 'user.email', 'octocat@example.com'],
      ['config', 'commit.gpgsign', 'false'], ['remote', 'add', 'origin', 'https://github.com/octo-org/planning.git'],
      ['config', 'remote.origin.pushurl', remote], ['add', '-A'], ['commit', '-q', '-m', 'The plan'],
      ['push', '-q', 'origin', 'main'], ['branch', EPIC_BRANCH],
    ]) git(root, args, FIRST_COMMIT_DATE);
  },
});
const { shoot, pick, watched } = ui;
let page;
let workspace;
let server;

before(watched(async () => {
  server = await startGitHubServer({ owner: 'octo-org', repo: 'planning' });
  ({ page, workspace } = await ui.start({ env: { AUTOPM_TEST_GITHUB_TOKEN: server.token }, userSettings: { 'autopm.github.apiUrl': server.url } }));
}));

after(async () => {
  await ui.stop();
  await server?.close();
  if (workspace) fs.rmSync(`${workspace}-remote.git`, { recursive: true, force: true });
});

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

test('Sign in to GitHub from the walkthrough: VS Code asks to let AutoPM use GitHub, and once allowed the step is checked', watched(async () => {
  await selectStep('signInToGitHub');
  await step('signInToGitHub').locator('.monaco-button', { hasText: 'Sign in to GitHub' }).click();
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ timeout: TIMEOUT });
  assert.match(plain(await dialog.locator('.dialog-message-container').innerText()), /AutoPM.*sign in using GitHub/);
  await shoot('walkthrough-github-allow.png');
  await dialog.getByRole('button', { name: 'Allow' }).click();
  await page.locator('.statusbar-item', { hasText: 'Signed in to GitHub as octocat' }).waitFor({ timeout: TIMEOUT });
  const states = await waitForSteps({ signInToGitHub: true }, 'the GitHub step to be checked');
  assert.deepEqual(states, { openPlan: true, chooseModel: true, signInToGitHub: true, createPrd: true, decomposePrd: false, syncEpic: false, startTask: false });
  await shoot('walkthrough-github.png');
  // Closed with the mouse: the page redraws its steps as they change, and keys sent while
  // it does are lost.
  await page.locator('.tabs-container .tab', { hasText: 'Welcome' }).locator('.tab-actions .action-label').click();
  await page.locator('.tabs-container .tab', { hasText: 'Welcome' }).waitFor({ state: 'detached', timeout: TIMEOUT });
}));

/** The lines the active editor draws, top to bottom (Monaco positions them; the DOM order says nothing). */
const editorLines = () => page.locator('.editor-group-container.active .monaco-editor .view-lines').first().evaluate((lines) =>
  [...lines.querySelectorAll('.view-line')]
    .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
    .map((line) => line.textContent.replaceAll('\u00a0', ' ')));

test('Standup: a task ticked in a commit of the last working day is done since then, beside what is in progress, blocked and next', watched(async () => {
  const today = localIsoDate(new Date());
  const since = lastWorkingDay(today);
  const epic = path.join(workspace, EPIC);
  fs.writeFileSync(epic, fs.readFileSync(epic, 'utf8').replace('- [-] **Task 3:**', '- [x] **Task 3:**'));
  git(workspace, ['commit', '-q', '-m', 'Task 3 done', '--', EPIC], `${since}T12:00:00Z`);
  await runCommand(page, 'Git: Refresh');
  const done = `- epic-001-link-shortener: T3 Link table and slug generator (#103), done ${since}`;
  // The git extension may read the new commit a moment later: a standup without it is closed and asked again.
  const lines = await until(async () => {
    await runCommand(page, 'AutoPM: Standup');
    await page.locator('.tabs-container .tab.active', { hasText: 'Untitled' }).waitFor({ timeout: TIMEOUT });
    const shown = await until(editorLines, (l) => l[0]?.startsWith('# Standup'), 'the standup document');
    if (!shown.includes(done)) await runCommand(page, 'View: Revert and Close Editor');
    return shown;
  }, (shown) => shown.includes(done), 'the standup with the commit of the last working day');
  assert.deepEqual(lines.slice(0, 5), [`# Standup — ${today}`, '', `## Done since ${weekdayDate(since)}`, '', done]);
  for (const heading of ['## In progress', '## Blocked', '## Next']) assert.ok(lines.includes(heading), `${heading} in ${JSON.stringify(lines)}`);
  assert.ok(lines.includes('- epic-001-link-shortener: T4 Redirect endpoint with Redis cache'), 'T4 is next');
  await shoot('standup.png');
}));

test('Create Pull Request for Epic: asked first while tasks are open; the title edited in the preview; the branch pushed and the pull request on GitHub as previewed', watched(async () => {
  // The server keeps no commits: it is told the branch is ahead of main.
  server.seedBranch(EPIC_BRANCH, { commitsAhead: 2 });
  await runCommand(page, 'AutoPM: Create Pull Request for Epic');
  await pick('Link Shortener');
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ timeout: TIMEOUT });
  assert.equal(plain(await dialog.locator('.dialog-message-container').innerText()).trim(),
    '7 of 10 tasks of "Link Shortener Service" are not done: T4 (ready), T5 (blocked), T6 (ready), T7 (blocked), T8 (blocked) and 2 more. Create the pull request anyway?');
  await dialog.getByRole('button', { name: 'Create Anyway' }).click();

  const offer = page.locator('.notifications-toasts .notification-list-item', { hasText: 'Create a pull request on octo-org/planning' });
  await offer.waitFor({ timeout: TIMEOUT });
  assert.match(plain(await offer.locator('.notification-list-item-message').innerText()),
    /^Create a pull request on octo-org\/planning from epic\/epic-001-link-shortener into main, closing 3 issues\? Edit the title \(the first line\) and the description first if you like\.$/);
  const preview = await until(editorLines, (l) => l[0]?.startsWith('# '), 'the preview');
  assert.deepEqual(preview.slice(0, 3), ['# Link Shortener Service', '', '## Summary']);
  // The user retitles it: the first line is the title.
  await page.locator('.editor-group-container.active .monaco-editor .view-line').first().click();
  await page.keyboard.press('Control+Home');
  await page.keyboard.press('Shift+End');
  await page.keyboard.type('# Link shortener: the first part');
  await until(editorLines, (l) => l[0] === '# Link shortener: the first part', 'the new title in the preview');
  await shoot('pull-request-preview.png');

  await offer.getByRole('button', { name: 'Create Pull Request' }).click();
  const opened = page.locator('.notifications-toasts .notification-list-item-message', { hasText: /^Pull request #\d+ is open: Link shortener: the first part\.$/ });
  await opened.waitFor({ timeout: TIMEOUT });
  const number = Number(/#(\d+)/.exec(await opened.innerText())[1]);
  await shoot('pull-request-created.png');

  // The branch went to the remote first; the pull request has the edited title and the previewed body.
  const local = git(workspace, ['rev-parse', EPIC_BRANCH]).trim();
  assert.equal(execFileSync('git', ['--git-dir', `${workspace}-remote.git`, 'rev-parse', EPIC_BRANCH], { encoding: 'utf8' }).trim(), local);
  const pull = server.issue(number);
  assert.equal(pull.title, 'Link shortener: the first part');
  const body = pull.body ?? '';
  assert.ok(body.startsWith('## Summary\n\n'), body);
  assert.match(body, /\n- \[x\] T3 Link table and slug generator/);
  assert.match(body, /\n- \[ \] T4 Redirect endpoint with Redis cache/);
  assert.match(body, /\nCloses #101, closes #102, closes #103\n$/);
  // The preview went with it, without asking to be saved.
  await until(() => page.locator('.tabs-container .tab', { hasText: 'Untitled' }).count(), (n) => n <= 1, 'the preview to close');
}));

test('Start Task with uncommitted changes asks first; taking them along, the task starts on its new branch, the status bar names it, and the walkthrough checks its last step', watched(async () => {
  await runCommand(page, 'AutoPM: Start Task');
  await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Start Task' }).waitFor({ timeout: TIMEOUT });
  await page.locator('.quick-input-widget input').fill('Redirect endpoint');
  await pick('T4 Redirect endpoint with Redis cache');
  // The PRD written earlier is not committed.
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ timeout: TIMEOUT });
  const branch = 'feature/task-t4-redirect-endpoint-with-redis-cache';
  assert.equal(plain(await dialog.locator('.dialog-message-container').innerText()).trim(),
    `The working tree has uncommitted changes. Take them to a new branch ${branch} and start T4 Redirect endpoint with Redis cache?`);
  await dialog.getByRole('button', { name: 'Take Them Along' }).click();

  await until(() => fs.readFileSync(path.join(workspace, EPIC), 'utf8'), (text) => /^- \[-\] \*\*Task 4:\*\*/m.test(text), 'Task 4 in progress in the epic');
  await until(() => git(workspace, ['branch', '--show-current']).trim(), (name) => name === branch, 'the task\'s branch checked out');
  await page.locator('.statusbar-item[id$="autopm.activeTask"]', { hasText: 'T4 Redirect endpoint with Redis cache' }).waitFor({ timeout: TIMEOUT });

  await openWalkthrough();
  const states = await waitForSteps({ startTask: true }, 'the start step to be checked');
  assert.deepEqual(states, { openPlan: true, chooseModel: true, signInToGitHub: true, createPrd: true, decomposePrd: false, syncEpic: false, startTask: true });
  await shoot('walkthrough-started.png');
}));
