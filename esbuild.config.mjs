// Builds every bundle. The CLI and the extension are Node CommonJS bundles; webview apps
// are browser bundles of their own; each integration test file is a bundle that the test
// runner inside VS Code loads with mocha.
import * as esbuild from 'esbuild';
import { readdirSync, readFileSync, rmSync } from 'node:fs';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

const watch = process.argv.includes('--watch');

// jsonc-parser's main build is a UMD module that requires its parts at run time, which a
// bundle cannot follow; its ES module build bundles like any other.
const alias = { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' };

// Ajv is a bundle of its own (dist/ajv.js), loaded when a model's answer is checked; the
// other bundles leave it out (src/core/ajvLoader.ts).
const production = process.argv.includes('--production');

/** @type {import('esbuild').BuildOptions[]} */
const builds = [
  {
    entryPoints: ['src/cli.ts'],
    outfile: 'dist/cli.js',
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
    alias,
    external: ['ajv'],
    define: { AUTOPM_VERSION: JSON.stringify(version) },
    sourcemap: !production,
    minify: production,
    logLevel: 'warning',
  },
  {
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    bundle: true,
    platform: 'node',
    format: 'cjs',
    // The oldest VS Code the extension supports (1.90) runs Node 20 in its extension host.
    target: 'node20',
    external: ['vscode', 'ajv'],
    alias,
    sourcemap: !production,
    minify: production,
    logLevel: 'warning',
  },
  {
    entryPoints: ['src/services/ajvBundle.ts'],
    outfile: 'dist/ajv.js',
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: !production,
    minify: production,
    logLevel: 'warning',
  },
  {
    // The Anthropic SDK is about half the size of the rest of the extension: a bundle of its
    // own, loaded the first time a command asks Claude, so activation never parses it.
    entryPoints: ['src/services/claude/anthropicModel.ts'],
    outfile: 'dist/anthropic.js',
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: !production,
    minify: production,
    logLevel: 'warning',
  },
];

// mermaid's getConfig deep-copies its whole configuration (every diagram type's settings
// and the theme's variables) on each call, and drawing a graph calls it thousands of
// times: in a 200-task graph the copying was about a third of mermaid's time. The copy is
// made once per configuration instead; mermaid replaces its configuration object whenever
// it changes (initialize, directives, reset), so a new one is copied again. Drawn with
// and without this, the example epic, a PRD's two epics and a 200-task epic gave the same
// SVG byte for byte in the light and dark themes.
const MERMAID_GET_CONFIG = `var getConfig = /* @__PURE__ */ __name(() => {
  return assignWithDepth_default({}, currentConfig);
}, "getConfig");`;
const MERMAID_GET_CONFIG_ONCE = `var configCopy;
var configCopied;
var getConfig = /* @__PURE__ */ __name(() => {
  if (configCopied !== currentConfig) {
    configCopied = currentConfig;
    configCopy = assignWithDepth_default({}, currentConfig);
  }
  return configCopy;
}, "getConfig");`;
const mermaidConfigOnce = {
  name: 'mermaid-config-once',
  setup(build) {
    let patched = 0;
    build.onStart(() => {
      patched = 0;
    });
    build.onLoad({ filter: /mermaid[\\/]dist[\\/]chunks[\\/]mermaid\.core[\\/]chunk-[A-Z0-9]+\.mjs$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes(MERMAID_GET_CONFIG)) return undefined;
      patched++;
      return { contents: text.replace(MERMAID_GET_CONFIG, MERMAID_GET_CONFIG_ONCE), loader: 'js' };
    });
    // A mermaid release that writes getConfig differently must be looked at, not shipped unpatched.
    build.onEnd(() => {
      if (patched !== 1) throw new Error(`mermaid's getConfig was patched ${patched} times, not once: see MERMAID_GET_CONFIG in esbuild.config.mjs`);
    });
  },
};

// The webview apps: browser ES modules, split into chunks so that what two apps share
// (React) is one file, and mermaid's diagram types load only when a graph asks for them.
const WEBVIEW_APPS = ['graph', 'report', 'sprint', 'board'];
builds.push({
  entryPoints: Object.fromEntries(WEBVIEW_APPS.map((app) => [app, `webview-ui/${app}/main.tsx`])),
  outdir: 'dist/webview',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome120'],
  jsx: 'automatic',
  loader: { '.ttf': 'file' },
  assetNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  // React and mermaid are large: the webviews are built for production (minified, React's
  // production build) every time, or a panel would open slower in the tests and the
  // benchmark than it does for users.
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  minify: true,
  sourcemap: !production,
  plugins: [mermaidConfigOnce],
  logLevel: 'warning',
});

// The integration tests are built unless packaging for release.
if (!production) {
  const testDir = 'test/integration';
  builds.push({
    entryPoints: readdirSync(testDir).filter((f) => f.endsWith('.ts')).map((f) => `${testDir}/${f}`),
    outdir: 'out/test/integration',
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // mocha is loaded from node_modules by the runner: one copy shared by every test file.
    external: ['vscode', 'mocha'],
    alias,
    sourcemap: 'inline',
    logLevel: 'warning',
  });
}

/** Packages that only webviews may contain: the extension host never loads them. */
const WEBVIEW_ONLY = /node_modules\/(react|react-dom|scheduler|mermaid|chart\.js|@vscode\/codicons)\//;

function kib(bytes) {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

/** Prints every bundle's size; fails when the extension bundle holds webview code, or its release build grows past 1 MB. */
function report(results) {
  const outputs = Object.assign({}, ...results.map((r) => r.metafile.outputs));
  const extension = outputs['dist/extension.js'];
  const leaked = Object.keys(extension.inputs).filter((input) => WEBVIEW_ONLY.test(input));
  if (leaked.length > 0) {
    console.error(`dist/extension.js must not contain webview libraries, but it includes:\n  ${leaked.slice(0, 10).join('\n  ')}`);
    process.exit(1);
  }
  // The limit is for what users install: the release build is minified, the development one is not.
  if (production && extension.bytes > 1024 * 1024) {
    console.error(`dist/extension.js is ${kib(extension.bytes)}; it must stay under 1 MB.`);
    process.exit(1);
  }
  const rows = [['dist/extension.js', extension.bytes], ['dist/anthropic.js (loaded when Claude is first asked)', outputs['dist/anthropic.js'].bytes], ['dist/ajv.js (loaded when an answer is first checked)', outputs['dist/ajv.js'].bytes], ['dist/cli.js', outputs['dist/cli.js'].bytes]];
  for (const app of WEBVIEW_APPS) {
    // What opening the panel loads before it draws: the entry and the chunks it imports statically.
    const seen = new Set();
    const visit = (file) => {
      if (seen.has(file) || !outputs[file]) return;
      seen.add(file);
      for (const imported of outputs[file].imports ?? []) if (imported.kind === 'import-statement') visit(imported.path);
    };
    visit(`dist/webview/${app}.js`);
    const initial = [...seen].reduce((n, f) => n + outputs[f].bytes, 0);
    const css = outputs[`dist/webview/${app}.css`]?.bytes ?? 0;
    rows.push([`dist/webview/${app}.js (loaded on open, with its chunks)`, initial], [`dist/webview/${app}.css`, css]);
  }
  const all = Object.entries(outputs).filter(([f]) => f.startsWith('dist/webview/') && !f.endsWith('.map')).reduce((n, [, o]) => n + o.bytes, 0);
  rows.push(['dist/webview/ (every chunk, loaded on demand)', all]);
  const width = Math.max(...rows.map(([name]) => name.length));
  console.log(rows.map(([name, bytes]) => `${name.padEnd(width)}  ${kib(bytes).padStart(10)}`).join('\n'));
}

if (watch) {
  for (const options of builds) {
    const context = await esbuild.context(options);
    await context.watch();
  }
} else {
  // Chunk names change with their content: old ones would pile up.
  rmSync('dist/webview', { recursive: true, force: true });
  const results = await Promise.all(builds.map((options) => esbuild.build({ ...options, metafile: true })));
  report(results);
}
