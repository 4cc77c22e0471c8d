// `npm run test:desktop`: the integration tests (suite "single") in desktop VS Code, through
// @vscode/test-electron. It downloads VS Code into .cache/vscode-test on first use, so it needs
// the internet; offline, `npm run test:integration` runs the same tests in the browser build.
//
//   AUTOPM_VSCODE_EXECUTABLE  use this VS Code executable instead of downloading one
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests, TestRunFailedError } from '@vscode/test-electron';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// The same workspace as the "single" suite of test/harness/runIntegration.mjs; a copy, as
// the tests edit files.
const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'autopm-desktop-'));
const workspace = path.join(runDir, 'workspace');
fs.cpSync(path.join(repo, 'examples'), workspace, { recursive: true });
const resultFile = path.join(runDir, 'result.json');

let code = 1;
let ran = true;
try {
  await runTests({
    extensionDevelopmentPath: repo,
    extensionTestsPath: path.join(repo, 'out/test/integration/index.js'),
    launchArgs: [workspace, '--disable-extensions'],
    extensionTestsEnv: { AUTOPM_TEST_SUITE: 'single', AUTOPM_TEST_RESULT_FILE: resultFile },
    cachePath: path.join(repo, '.cache/vscode-test'),
    vscodeExecutablePath: process.env.AUTOPM_VSCODE_EXECUTABLE || undefined,
  });
  // Exit code 0 is not proof on its own: the runner must have reported, with no failures.
  const result = fs.existsSync(resultFile) ? JSON.parse(fs.readFileSync(resultFile, 'utf8')) : undefined;
  if (!result) console.error(`The test runner wrote no result file (${resultFile}).`);
  else if (result.failures !== 0 || !(result.tests > 0)) console.error(`Result: ${JSON.stringify(result)}`);
  else code = 0;
} catch (error) {
  if (!(error instanceof TestRunFailedError)) {
    ran = false;
    console.error(`Could not download or start desktop VS Code: ${error.message ?? error}\n`
      + 'Without internet access, run `npm run test:integration` (VS Code in the browser, offline),\n'
      + 'or point AUTOPM_VSCODE_EXECUTABLE at an installed VS Code executable.');
  }
}
if (code === 0 || !ran) fs.rmSync(runDir, { recursive: true, force: true });
else console.error(`Desktop integration tests failed; workspace and result in ${runDir}`);
process.exit(code);
