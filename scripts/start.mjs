// `npm start`: AutoPM running in a real VS Code, in the browser, on this machine.
//
//   node scripts/start.mjs [folder] [--port 8080] [--host 127.0.0.1] [--no-build]
//
// Installs the offline VS Code if needed (test/harness/setup.sh), builds the extension, and
// serves VS Code with AutoPM installed and `folder` (default: examples/) open, until Ctrl-C.
// The profile (settings, layout) lives in the harness folder and survives restarts; the
// extensions folder is new on every start, so only this checkout's AutoPM is loaded.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    port: { type: 'string', default: process.env.PORT || '8080' },
    host: { type: 'string', default: '127.0.0.1' },
    'no-build': { type: 'boolean', default: false },
  },
});
// npm runs scripts from the repository root; INIT_CWD is where the user typed the command.
const folder = path.resolve(process.env.INIT_CWD ?? process.cwd(), positionals[0] ?? path.join(repo, 'examples'));
if (!fs.statSync(folder, { throwIfNoEntry: false })?.isDirectory()) {
  console.error(`Not a folder: ${folder}`);
  process.exit(1);
}

function run(command, args) {
  const { status } = spawnSync(command, args, { cwd: repo, stdio: 'inherit' });
  if (status !== 0) process.exit(status ?? 1);
}
run('bash', [path.join(repo, 'test/harness/setup.sh')]);
if (!values['no-build']) run(process.execPath, ['esbuild.config.mjs']);

// Imported only now: the harness module needs playwright-core, and setup must have run first.
const { HARNESS_DIR, startServer } = await import('../test/harness/vscodeHarness.mjs');

// A development extension (as the tests load it) would need the smoke-test driver, which
// hides notification toasts. Instead the checkout is linked into the extensions folder under
// the installed-extension name, and the server picks it up when it scans that folder.
const { publisher, name, version } = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8'));
const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'autopm-start-'));
const extensionsDir = path.join(runDir, 'extensions');
fs.mkdirSync(extensionsDir);
fs.symlinkSync(repo, path.join(extensionsDir, `${publisher}.${name}-${version}`));

let server;
try {
  server = await startServer({
    smokeTestDriver: false,
    host: values.host,
    port: Number(values.port),
    runDir,
    extensionsDir,
    userDataDir: path.join(HARNESS_DIR, 'start-profile'),
  });
} catch (error) {
  console.error(error.message);
  if (/EADDRINUSE/.test(error.message)) console.error('Choose another port with --port.');
  fs.rmSync(runDir, { recursive: true, force: true });
  process.exit(1);
}

console.log(`\nAutoPM is running in VS Code: open ${server.workbenchUrl({ folder })}`);
if (values.host === '0.0.0.0') console.log(`(listening on every interface, port ${server.port})`);
console.log(`Server log: ${server.logFile}. Press Ctrl-C to stop.\n`);

let stopping = false;
async function stop(exitCode) {
  stopping = true;
  await server.stop();
  fs.rmSync(runDir, { recursive: true, force: true });
  process.exit(exitCode);
}
process.once('SIGINT', () => stop(0));
process.once('SIGTERM', () => stop(0));
server.exited.then(({ code, signal }) => {
  if (stopping) return;
  console.error(`The VS Code server stopped by itself (${signal ?? `exit code ${code}`}); log: ${server.logFile}`);
  process.exit(1);
});
