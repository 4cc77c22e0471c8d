// `npm run package`: the release build of the extension, packaged as a .vsix, offline.
//
//   node scripts/package.mjs [--out dist/autopm.vsix]
//
// Everything the extension needs is bundled by esbuild, so no node_modules go into the
// package. .vscodeignore is the allow-list of what does; the packaging stops if anything else
// would be included.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createVSIX, listFiles, PackageManager } from '@vscode/vsce';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const { values } = parseArgs({ options: { out: { type: 'string', default: 'dist/autopm.vsix' } } });
const out = path.resolve(repo, values.out);

/** What the package may hold, besides the manifest files vsce writes itself. */
const ALLOWED = [
  /^dist\/(extension|anthropic|ajv|cli)\.js$/,
  /^dist\/webview\/(chunks\/)?[\w.-]+\.(js|css|ttf)$/,
  /^media\/[^/]+$/,
  /^media\/walkthrough\/[\w.-]+\.md$/,
  /^docs\/images\/[\w.-]+\.png$/,
  /^(package\.json|README\.md|CHANGELOG\.md|LICENSE)$/,
];

// A release build writes no source maps, so the development build's would survive it and
// describe bundles that no longer exist.
for (const file of fs.readdirSync(path.join(repo, 'dist'), { withFileTypes: true })) {
  if (file.isFile() && file.name.endsWith('.map')) fs.rmSync(path.join(repo, 'dist', file.name));
}
fs.rmSync(path.join(repo, 'dist', 'webview'), { recursive: true, force: true });

const build = spawnSync(process.execPath, ['esbuild.config.mjs', '--production'], { cwd: repo, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const files = await listFiles({ cwd: repo, packageManager: PackageManager.None });
// A walkthrough step whose media file is not in the package opens blank.
const manifest = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8'));
const walkthroughMedia = (manifest.contributes?.walkthroughs ?? []).flatMap((walkthrough) => walkthrough.steps.flatMap((step) =>
  ['markdown', 'svg', 'image'].map((kind) => step.media?.[kind]).filter((file) => typeof file === 'string').map((file) => path.posix.normalize(file))));
const unexpected = files.filter((file) => !ALLOWED.some((pattern) => pattern.test(file)));
const missing = ['dist/extension.js', 'dist/anthropic.js', 'dist/ajv.js', 'dist/cli.js', 'dist/webview/graph.js', 'dist/webview/graph.css', 'dist/webview/board.js', 'dist/webview/board.css', 'dist/webview/sprint.js', 'dist/webview/sprint.css', 'package.json', ...walkthroughMedia].filter((file) => !files.includes(file));
if (unexpected.length > 0 || missing.length > 0) {
  if (unexpected.length > 0) console.error(`Not allowed in the package (see .vscodeignore):\n  ${unexpected.join('\n  ')}`);
  if (missing.length > 0) console.error(`Missing from the package:\n  ${missing.join('\n  ')}`);
  process.exit(1);
}

fs.mkdirSync(path.dirname(out), { recursive: true });
// The manifest names no repository; without allowMissingRepository vsce stops to ask.
await createVSIX({
  cwd: repo,
  packagePath: out,
  dependencies: false,
  allowMissingRepository: true,
  // The README's screenshots are in the package, beside it: relative links find them in
  // VS Code's extension page, and there is no repository address to rewrite them to.
  rewriteRelativeLinks: false,
});
