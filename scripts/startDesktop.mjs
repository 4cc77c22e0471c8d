// `npm run start:desktop`: AutoPM in desktop VS Code, when it is installed, loaded straight
// from this checkout as a development extension, with examples/ open.
//
//   node scripts/startDesktop.mjs [folder] [--no-build]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'no-build': { type: 'boolean', default: false } },
});
// npm runs scripts from the repository root; INIT_CWD is where the user typed the command.
const folder = path.resolve(process.env.INIT_CWD ?? process.cwd(), positionals[0] ?? path.join(repo, 'examples'));

/** The first executable `code` on PATH, or undefined. */
function findCode() {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, 'code');
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch { /* not here */ }
  }
  return undefined;
}

const code = findCode();
if (!code) {
  console.error('Desktop VS Code is not installed here (no `code` on PATH).\n'
    + 'Run `npm start` instead: it serves AutoPM in VS Code in the browser, without an install.');
  process.exit(1);
}

if (!values['no-build']) {
  const build = spawnSync(process.execPath, ['esbuild.config.mjs'], { cwd: repo, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const result = spawnSync(code, [`--extensionDevelopmentPath=${repo}`, folder], { stdio: 'inherit' });
process.exit(result.status ?? 1);
