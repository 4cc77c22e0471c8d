/**
 * What every panel's protocol shares. Each panel declares its own messages in
 * `src/shared/<panel>Protocol.ts`, imported by the extension host and by the webview app,
 * so a message one side sends is a message the other side's exhaustive switch handles.
 */

/** The webview app is mounted and listening: the host posts nothing before it. */
export interface ReadyMessage {
  readonly type: 'ready';
}

/** Opens a plan file beside the panel, at a 0-based line. */
export interface OpenFileMessage {
  readonly type: 'openFile';
  readonly path: string;
  readonly line: number;
  /** The workspace folder, as the host named it. */
  readonly folder: string;
}

/** Opens an issue or pull request in the browser. */
export interface OpenUrlMessage {
  readonly type: 'openUrl';
  readonly url: string;
}

/** The names of the webview apps: each is `dist/webview/<name>.js` and `<name>.css`. */
export type WebviewApp = 'graph' | 'report' | 'board' | 'sprint';

/** Makes a switch over a union exhaustive: adding a message without handling it fails to compile. */
export function assertNever(value: never): never {
  throw new Error(`Unexpected message: ${JSON.stringify(value)}`);
}
