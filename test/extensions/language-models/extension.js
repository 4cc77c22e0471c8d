/* global require, module, setTimeout */
// A language model provider for the integration tests, registered through the real
// `vscode.lm` API so that AutoPM's `vscode-lm` provider is exercised end to end: the
// test queues answers with `autopmTest.lm.enqueue` and reads what was sent with
// `autopmTest.lm.requests`. Answers stream in small pieces, as real models do.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain CommonJS extension, loaded as it is
const vscode = require('vscode');

/** @type {string[]} */
const answers = [];
/** @type {Array<{ model: string; messages: string[]; cancelled: boolean }>} */
const requests = [];

function textOf(message) {
  return message.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
}

function activate(context) {
  const provider = {
    provideLanguageModelChatInformation() {
      return [{ id: 'test-planner', name: 'Test Planner', family: 'test-planner', version: '1', maxInputTokens: 200000, maxOutputTokens: 16000, capabilities: {} }];
    },
    async provideLanguageModelChatResponse(model, messages, _options, progress, token) {
      const request = { model: model.id, messages: messages.map(textOf), cancelled: false };
      requests.push(request);
      const answer = answers.shift();
      if (answer === undefined) throw new Error('No answer was queued for this request.');
      for (let i = 0; i < answer.length; i += 16) {
        if (token.isCancellationRequested) {
          request.cancelled = true;
          return;
        }
        progress.report(new vscode.LanguageModelTextPart(answer.slice(i, i + 16)));
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    },
    provideTokenCount(_model, text) {
      return Math.ceil((typeof text === 'string' ? text : textOf(text)).length / 4);
    },
  };
  context.subscriptions.push(
    vscode.lm.registerLanguageModelChatProvider('autopm-test', provider),
    vscode.commands.registerCommand('autopmTest.lm.enqueue', (...texts) => answers.push(...texts)),
    vscode.commands.registerCommand('autopmTest.lm.requests', () => requests.slice()),
  );
}

module.exports = { activate };
