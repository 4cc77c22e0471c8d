/* global require, module */
// A stand-in for the GitHub Pull Requests extension (same id, github.vscode-pull-request-github),
// for the integration tests of Create Pull Request for Epic: VS Code routes
// `<scheme>://github.vscode-pull-request-github/open-pull-request-webview?{"owner":…}` to the
// extension's URI handler, which records the path and the query it was given. The test
// reads them with the `autopmTest.pullRequests.received` command.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain CommonJS extension, loaded as it is
const vscode = require('vscode');

/** @type {Array<{ path: string; query: string }>} */
const received = [];

function activate(context) {
  context.subscriptions.push(
    vscode.window.registerUriHandler({
      handleUri(uri) {
        received.push({ path: uri.path, query: uri.query });
      },
    }),
    vscode.commands.registerCommand('autopmTest.pullRequests.received', () => received.slice()),
  );
}

module.exports = { activate };
