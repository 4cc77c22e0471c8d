// What every UI test file needs around its tests: a copy of the example workspace, VS
// Code's server with the packaged extension installed (without the smoke-test driver, so
// notification toasts are shown), headless chromium on its workbench, screenshots, and
// logs kept when something failed.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  extensionHostCrashes, installExtension, launchBrowser, newAutomationPage, startServer, waitForWorkbench,
} from './vscodeHarness.mjs';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// Opening the workbench and activating the extension take seconds on a small machine.
export const TIMEOUT = 30_000;

/** Monaco and the webviews render some spaces as no-break spaces. */
export const plain = (text) => text.replaceAll('\u00a0', ' ');

/** Calls `read` (sync or async) until `done` accepts its value, which it returns; fails on timeout. */
export async function until(read, done, what, timeoutMs = TIMEOUT) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}; last seen: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * One workbench for one test file, named for its screenshot folder
 * (test-results/e2e/<name>/). `prepare(workspace)` may change the copy of the examples
 * before the workbench opens it. `extensions` are folders (relative to the repository) of
 * other extensions to install beside AutoPM; `env` reaches the server and its extension host;
 * `userSettings` go into the user's settings.json.
 *
 *   AUTOPM_E2E_VSIX=<file>   the package to install (default: dist/autopm.vsix)
 *   AUTOPM_HARNESS_KEEP=1    keep the run's folder (server and workbench logs), not only a failed run's
 */
export function uiSession(name, { prepare, viewport, theme = 'light', extensions = [], env = {}, userSettings = {} } = {}) {
  const vsix = path.resolve(repo, process.env.AUTOPM_E2E_VSIX ?? 'dist/autopm.vsix');
  const shots = path.join(repo, 'test-results', 'e2e', name);
  let workspace;
  let server;
  let browser;
  let page;
  let failed = false;

  const session = {
    shots,
    get page() {
      return page;
    },
    get workspace() {
      return workspace;
    },
    shoot: (file) => page.screenshot({ path: path.join(shots, file) }),

    /** Writes the workspace's .vscode/settings.json; VS Code watches it and applies it. */
    writeSettings(settings) {
      fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
      fs.writeFileSync(path.join(workspace, '.vscode', 'settings.json'), `${JSON.stringify(settings, null, 2)}\n`);
    },

    /** Switches the colour theme and waits until the workbench has it. */
    async useTheme(kind) {
      session.writeSettings({ 'workbench.colorTheme': kind === 'dark' ? 'Default Dark Modern' : 'Default Light Modern' });
      await page.locator(kind === 'dark' ? '.monaco-workbench.vs-dark' : '.monaco-workbench.vs').waitFor({ timeout: TIMEOUT });
    },

    /** Picks the first quick-pick row that contains `text`. */
    async pick(text) {
      const row = page.locator('.quick-input-list .monaco-list-row', { hasText: text }).first();
      await row.waitFor({ timeout: TIMEOUT });
      await row.click();
    },

    /**
     * Wraps a hook or test so that its failure keeps the run's logs; the first failure is
     * also captured in failure.png, before later tests change the screen.
     */
    watched: (body) => async () => {
      try {
        await body();
      } catch (error) {
        if (!failed && page) await session.shoot('failure.png').catch(() => {});
        failed = true;
        throw error;
      }
    },

    /**
     * For `before`: the workspace, the server and the workbench, with the extension active.
     * `more.env` and `more.userSettings` add to the session's, for values known only then.
     */
    async start(more = {}) {
      // Screenshots of an earlier run would pass for this one's.
      fs.rmSync(shots, { recursive: true, force: true });
      fs.mkdirSync(shots, { recursive: true });
      assert.ok(fs.existsSync(vsix), `${vsix} does not exist; run: npm run package`);
      // The tests change plan files, so they work on a copy of the example workspace.
      workspace = fs.mkdtempSync(path.join(os.tmpdir(), `autopm-e2e-${name}-`));
      fs.cpSync(path.join(repo, 'examples'), workspace, { recursive: true });
      if (theme) session.writeSettings({ 'workbench.colorTheme': theme === 'dark' ? 'Default Dark Modern' : 'Default Light Modern' });
      await prepare?.(workspace);
      const started = Date.now();
      server = await startServer({ smokeTestDriver: false, env: { ...env, ...more.env }, settings: { ...userSettings, ...more.userSettings } });
      // Folders go in as they are, under the name VS Code gives an installed extension.
      for (const folder of extensions) {
        const manifest = JSON.parse(fs.readFileSync(path.join(repo, folder, 'package.json'), 'utf8'));
        fs.cpSync(path.join(repo, folder), path.join(server.extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`), { recursive: true });
      }
      await installExtension(vsix, server);
      browser = await launchBrowser();
      ({ page } = await newAutomationPage(browser, { logFile: path.join(server.runDir, 'automation.log'), ...(viewport ? { viewport } : {}) }));
      await page.goto(server.workbenchUrl({ folder: workspace }));
      await waitForWorkbench(page, { smokeTestDriver: false });
      // The command palette lists what was registered when it opened: wait for the extension.
      await page.locator('.statusbar-item[id$="autopm.epicProgress"]').waitFor({ timeout: TIMEOUT });
      console.log(`workbench ready in ${Date.now() - started} ms`);
      return session;
    },

    /** For `after`: closes everything; keeps the logs when a test failed or an extension host crashed. */
    async stop() {
      await browser?.close().catch(() => {});
      await server?.stop();
      const crashes = server ? extensionHostCrashes(server.logFile) : [];
      if (server) {
        if (failed || crashes.length > 0 || process.env.AUTOPM_HARNESS_KEEP === '1') console.log(`logs kept in ${server.runDir}`);
        else fs.rmSync(server.runDir, { recursive: true, force: true });
      }
      if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
      assert.deepEqual(crashes, [], 'an extension host ended abnormally');
    },
  };
  return session;
}
