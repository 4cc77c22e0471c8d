/* global require, module, URLSearchParams */
// A stand-in for the Claude Code extension (same id, anthropic.claude-code), for the
// integration tests of Hand to Claude Code: VS Code routes `<scheme>://anthropic.claude-code/open?prompt=…`
// to the extension's URI handler, which records the path and prompt it was given. The
// test reads them with the `autopmTest.claudeCode.received` command.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain CommonJS extension, loaded as it is
const vscode = require('vscode');

/** @type {Array<{ path: string; prompt: string | null }>} */
const received = [];

function activate(context) {
  context.subscriptions.push(
    vscode.window.registerUriHandler({
      handleUri(uri) {
        received.push({ path: uri.path, prompt: new URLSearchParams(uri.query).get('prompt') });
      },
    }),
    vscode.commands.registerCommand('autopmTest.claudeCode.received', () => received.slice()),
  );
}

module.exports = { activate };
