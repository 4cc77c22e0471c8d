/* global require, module, process */
// A stand-in for VS Code's GitHub authentication (the `github` accounts provider), for the UI
// tests, whose server runs without the built-in one: signed out until a sign-in, which VS
// Code asks the user to allow, as it does for the real provider. The session carries the
// local GitHub server's token (AUTOPM_TEST_GITHUB_TOKEN, from the server's environment).
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain CommonJS extension, loaded as it is
const vscode = require('vscode');

function activate(context) {
  const changed = new vscode.EventEmitter();
  /** @type {import('vscode').AuthenticationSession | undefined} */
  let session;
  const provider = {
    onDidChangeSessions: changed.event,
    async getSessions() {
      return session ? [session] : [];
    },
    async createSession(scopes) {
      session = { id: 'octocat-session', accessToken: process.env.AUTOPM_TEST_GITHUB_TOKEN ?? '', account: { id: '1', label: 'octocat' }, scopes };
      changed.fire({ added: [session], removed: [], changed: [] });
      return session;
    },
    async removeSession() {
      const removed = session;
      session = undefined;
      if (removed) changed.fire({ added: [], removed: [removed], changed: [] });
    },
  };
  context.subscriptions.push(changed, vscode.authentication.registerAuthenticationProvider('github', 'GitHub', provider, { supportsMultipleAccounts: false }));
}

module.exports = { activate };
