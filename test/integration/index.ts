// The entry point VS Code calls (extensionTestsPath): runs the mocha suites inside the real
// extension host. AUTOPM_TEST_SUITE picks the files: `multiRoot` needs a two-folder
// workspace, `empty` an empty folder, `formats` other tools' plans, `git` a repository, `github` a repository with a
// GitHub origin, `githubMultiRoot` two of them and `claude` the examples with the Anthropic API's address set; every other file runs on a copy of the examples. The JSON result file is
// what the harness trusts, since a crashed extension host can look like a pass.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

/** Suites that need a workspace of their own; every other test file runs in `single`. */
const SUITE_FILES: Record<string, string> = { multiRoot: 'multiRoot.test.js', empty: 'emptyWorkspace.test.js', formats: 'formats.test.js', git: 'reportHistory.test.js', github: 'githubSync.test.js', githubMultiRoot: 'githubMultiRoot.test.js', devLoop: 'devLoop.test.js', claude: 'claude.test.js' };

export function run(): Promise<void> {
  const suite = process.env.AUTOPM_TEST_SUITE ?? 'single';
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 20000, reporter: 'spec' });
  // AUTOPM_TEST_GREP runs only the tests whose titles match, while working on them.
  if (process.env.AUTOPM_TEST_GREP) mocha.grep(process.env.AUTOPM_TEST_GREP);
  const files = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js') && (SUITE_FILES[suite] ? f === SUITE_FILES[suite] : !Object.values(SUITE_FILES).includes(f)))
    .sort();
  for (const file of files) mocha.addFile(path.join(__dirname, file));
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const summary = { suite, passes: runner.stats?.passes ?? 0, failures, tests: runner.stats?.tests ?? 0 };
      console.log(`${summary.passes} passed, ${failures} failed`);
      const resultFile = process.env.AUTOPM_TEST_RESULT_FILE;
      if (resultFile) fs.writeFileSync(resultFile, JSON.stringify(summary) + '\n');
      if (failures > 0 || summary.tests === 0) reject(new Error(summary.tests === 0 ? 'No tests ran.' : `${failures} test(s) failed.`));
      else resolve();
    });
  });
}
