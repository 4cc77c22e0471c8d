// Runs every unit test file (test/unit/**/*.test.ts, and the webview components'
// test/unit/**/*.test.tsx, which register jsdom themselves) with Node's test runner and tsx.
// Node 20's `--test` does not expand globs, so the files are listed here.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

function findTests(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return findTests(path);
    return /\.test\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

// The files that take longest start first, so the two workers finish close together instead
// of one running a long file alone at the end. The rest follow in name order.
const LONGEST = ['syncEngine', 'refineTask.properties', 'editsProperties', 'decomposeProperties', 'outline', 'cliSync', 'issueActions', 'cli', 'pullEngine'];
const rank = (file) => {
  const at = LONGEST.indexOf(file.split('/').pop().replace(/\.test\.tsx?$/, ''));
  return at === -1 ? LONGEST.length : at;
};

const only = process.argv.slice(2);
const files = only.length > 0 ? only : findTests('test/unit').sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
if (files.length === 0) {
  console.error('No unit test files found under test/unit.');
  process.exit(1);
}
// The component tests run with the webviews' TypeScript settings (JSX, the DOM): tsx applies
// a tsconfig only to the files it includes, and the root one leaves them out.
const runs = [
  { files: files.filter((f) => !f.endsWith('.tsx')), env: {} },
  { files: files.filter((f) => f.endsWith('.tsx')), env: { TSX_TSCONFIG_PATH: 'webview-ui/tsconfig.json' } },
].filter((run) => run.files.length > 0);
let status = 0;
for (const run of runs) {
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...run.files],
    { stdio: 'inherit', env: { ...process.env, ...run.env } },
  );
  if (result.status !== 0) status = result.status ?? 1;
}
process.exit(status);
