// Runs the integration tests (out/test/integration/index.js) inside a real VS Code, once per
// suite below. It does not build: `npm run build` produces the bundle it runs.
//
//   node test/harness/runIntegration.mjs [--suite <name>]
//
// The tests edit files, so every suite gets a fresh temporary copy of its workspace. The
// test runner in the extension host reads AUTOPM_TEST_SUITE to pick which test files to load.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runExtensionTests } from './vscodeHarness.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * `copies`: [from (relative to the repository), to (relative to the workspace)].
 * `folders`: when set, the workspace is a multi-root .code-workspace file listing these
 * subfolders; otherwise the workspace root is opened as a single folder.
 */
const SUITES = {
  single: {
    copies: [['examples', '.']],
  },
  multiRoot: {
    // beta holds only the directory-layout product (.claude/), alpha both layouts.
    copies: [['examples', 'alpha'], ['examples/.claude', 'beta/.claude']],
    folders: ['alpha', 'beta'],
  },
  // No plans at all: the welcome views, and the first PRD.
  empty: {
    copies: [],
  },
  // Other tools' plans (Kiro, Spec Kit, Task Master) and nothing of AutoPM's own.
  formats: {
    copies: [['test/fixtures/tools', '.']],
  },
  // The examples in a git repository, with VS Code's git extension on: a window of their
  // own, since the git extension's processes outlive a test and would disturb the next.
  git: {
    copies: [['examples', '.']],
  },
  // GitHub sync against the local GitHub server: an unsynced epic of each layout in a git
  // repository whose origin is on github.com, writes unspaced (the server has no limits).
  github: {
    copies: [['examples/prds', 'prds'], ['examples/epics', 'epics'], ['test/fixtures/unsynced/.claude', '.claude']],
    prepare: (root) => {
      const epic = path.join(root, 'epics', 'epic-001-link-shortener.md');
      fs.writeFileSync(epic, fs.readFileSync(epic, 'utf8').replace(/ \(#\d+\)$/gm, ''));
      for (const args of [['init', '-q', '-b', 'main'], ['remote', 'add', 'origin', 'https://github.com/octo-org/planning.git']]) {
        execFileSync('git', args, { cwd: root, stdio: 'ignore' });
      }
    },
    // The test registers the `github` accounts provider in place of VS Code's own, which
    // the server then does not load.
    env: { AUTOPM_GITHUB_WRITE_INTERVAL_MS: '0', VSCODE_SKIP_BUILTIN_EXTENSIONS: 'vscode.github-authentication' },
    // AutoPM allowed to use that account, as a user allows it the first time it asks.
    applicationStorage: {
      'github-octocat': JSON.stringify([{ id: 'autopm.autopm', name: 'AutoPM', allowed: true }]),
      'github-enterprise-octocat': JSON.stringify([{ id: 'autopm.autopm', name: 'AutoPM', allowed: true }]),
    },
  },
  // Sync in a workspace of two folders, each a git repository with an origin of its own:
  // alpha's is the repository the local server serves, beta's one it does not (beta's
  // upstream is alpha's).
  githubMultiRoot: {
    copies: [['examples/prds', 'alpha/prds'], ['examples/epics', 'alpha/epics'], ['test/fixtures/unsynced/.claude', 'beta/.claude']],
    folders: ['alpha', 'beta'],
    prepare: (root) => {
      const epic = path.join(root, 'alpha', 'epics', 'epic-001-link-shortener.md');
      fs.writeFileSync(epic, fs.readFileSync(epic, 'utf8').replace(/ \(#\d+\)$/gm, ''));
      // beta's second remote, upstream, is alpha's repository.
      const remotes = {
        alpha: [['origin', 'https://github.com/octo-org/planning.git']],
        beta: [['origin', 'git@github.com:octo-org/elsewhere.git'], ['upstream', 'https://github.com/octo-org/planning']],
      };
      for (const [folder, list] of Object.entries(remotes)) {
        execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: path.join(root, folder), stdio: 'ignore' });
        for (const [name, url] of list) execFileSync('git', ['remote', 'add', name, url], { cwd: path.join(root, folder), stdio: 'ignore' });
      }
    },
    env: { AUTOPM_GITHUB_WRITE_INTERVAL_MS: '0', VSCODE_SKIP_BUILTIN_EXTENSIONS: 'vscode.github-authentication' },
    applicationStorage: {
      'github-octocat': JSON.stringify([{ id: 'autopm.autopm', name: 'AutoPM', allowed: true }]),
    },
  },
  // The development loop (Start, Complete, Reopen, the epic's pull request) in a git
  // repository with a first commit, whose origin is on github.com for the local GitHub
  // server and pushes to a bare repository beside the workspace.
  devLoop: {
    copies: [['examples/prds', 'prds'], ['examples/epics', 'epics']],
    prepare: (root) => {
      const epic = path.join(root, 'epics', 'epic-001-link-shortener.md');
      fs.writeFileSync(epic, fs.readFileSync(epic, 'utf8').replace(/ \(#\d+\)$/gm, ''));
      const remote = `${root}-remote.git`;
      execFileSync('git', ['init', '-q', '--bare', '-b', 'main', remote], { stdio: 'ignore' });
      const steps = [
        ['init', '-q', '-b', 'main'],
        ['config', 'user.name', 'Octo Cat'],
        ['config', 'user.email', 'octocat@example.com'],
        ['config', 'commit.gpgsign', 'false'],
        ['remote', 'add', 'origin', 'https://github.com/octo-org/planning.git'],
        ['config', 'remote.origin.pushurl', remote],
        ['add', '-A'],
        ['commit', '-q', '-m', 'The plan'],
        ['push', '-q', 'origin', 'main'],
      ];
      for (const args of steps) execFileSync('git', args, { cwd: root, stdio: 'ignore' });
      // The tests change workspace settings: kept out of git, as many users keep theirs, so
      // that writing them is not an uncommitted change that Start would ask about.
      fs.appendFileSync(path.join(root, '.git', 'info', 'exclude'), '.vscode/\n');
    },
    cleanup: (root) => fs.rmSync(`${root}-remote.git`, { recursive: true, force: true }),
    // Claude Code and GitHub Pull Requests as far as AutoPM sees them: extensions with their ids that take their addresses.
    extensions: ['test/extensions/claude-code', 'test/extensions/pull-requests'],
    // And Claude Code's command line: test/bin/claude, on the PATH of the server, its
    // extension host and the terminals it starts.
    env: {
      AUTOPM_GITHUB_WRITE_INTERVAL_MS: '0',
      VSCODE_SKIP_BUILTIN_EXTENSIONS: 'vscode.github-authentication',
      PATH: `${path.join(repo, 'test', 'bin')}${path.delimiter}${process.env.PATH}`,
    },
    applicationStorage: {
      'github-octocat': JSON.stringify([{ id: 'autopm.autopm', name: 'AutoPM', allowed: true }]),
    },
  },
  // New PRD and Decompose against the local Anthropic server, on a copy of the examples
  // (both layouts), in a window of its own so that its key and settings touch no other suite.
  claude: {
    copies: [['examples', '.']],
    // A language model provider of its own, for the `vscode-lm` provider's tests.
    extensions: ['test/extensions/language-models'],
  },
};

const extensionTestsPath = path.join(repo, 'out/test/integration/index.js');

const { values } = parseArgs({ options: { suite: { type: 'string' } } });
if (values.suite && !(values.suite in SUITES)) {
  console.error(`Unknown suite "${values.suite}"; known: ${Object.keys(SUITES).join(', ')}`);
  process.exit(2);
}
if (!fs.existsSync(extensionTestsPath)) {
  console.error(`${path.relative(repo, extensionTestsPath)} does not exist; run: npm run build`);
  process.exit(1);
}

/** Builds the suite's workspace in a new temporary folder; returns what to open. */
function prepareWorkspace(name, { copies, folders, prepare }) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `autopm-it-${name}-`));
  for (const [from, to] of copies) {
    fs.cpSync(path.join(repo, from), path.join(root, to), { recursive: true });
  }
  prepare?.(root);
  if (!folders) return { root, folder: root };
  const workspaceFile = path.join(root, 'workspace.code-workspace');
  const workspace = { folders: folders.map((folder) => ({ path: folder })), settings: {} };
  fs.writeFileSync(workspaceFile, `${JSON.stringify(workspace, null, 2)}\n`);
  return { root, workspaceFile };
}

const summary = [];
let failed = false;
for (const name of values.suite ? [values.suite] : Object.keys(SUITES)) {
  const started = Date.now();
  const { root, folder, workspaceFile } = prepareWorkspace(name, SUITES[name]);
  console.log(`\n== integration suite "${name}" in ${root}`);
  let code;
  try {
    code = await runExtensionTests({
      extensionDevelopmentPath: [repo, ...(SUITES[name].extensions ?? []).map((p) => path.join(repo, p))],
      extensionTestsPath,
      folder,
      workspaceFile,
      env: { AUTOPM_TEST_SUITE: name, ...SUITES[name].env },
      applicationStorage: SUITES[name].applicationStorage,
    });
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (code === 0) {
    fs.rmSync(root, { recursive: true, force: true });
    SUITES[name].cleanup?.(root);
  }
  if (code !== 0) failed = true;
  summary.push(`${name}: ${code === 0 ? 'passed' : `FAILED (exit code ${code}; workspace kept in ${root})`} in ${seconds} s`);
}

console.log(`\n${summary.join('\n')}`);
process.exit(failed ? 1 : 0);
