import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { WebviewApp } from '../../shared/webview';

/** Where the webview bundles are built; panels may load nothing else but `media/`. */
export function webviewRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')];
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: webviewRoots(extensionUri) };
}

export interface HtmlOptions {
  readonly app: WebviewApp;
  readonly title: string;
  /**
   * Mermaid writes a `<style>` element into every SVG it draws and cannot be given a
   * nonce: only the graph panel allows inline styles, and only for that.
   */
  readonly inlineStyles?: boolean;
  /** Messages the page handles before it says ready, as if they had been posted. */
  readonly initial?: readonly unknown[];
}

/**
 * The one HTML page every panel uses: a strict content security policy, the app's script
 * with a fresh nonce, and its stylesheet, both through `asWebviewUri`.
 */
export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, options: HtmlOptions): string {
  const nonce = randomBytes(16).toString('base64');
  const base = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(base, `${options.app}.js`));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(base, `${options.app}.css`));
  const csp = [
    "default-src 'none'",
    // The entry script carries the nonce. The bundles are split into chunks that it
    // imports (mermaid loads each diagram type on demand), and an import carries no
    // nonce: those come from the extension's own webview folder, the only root allowed.
    `script-src 'nonce-${nonce}' ${webview.cspSource}`,
    `style-src ${webview.cspSource}${options.inlineStyles ? " 'unsafe-inline'" : ''}`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style.toString()}">
<title>${escapeHtml(options.title)}</title>
</head>
<body>
<div id="root"></div>${options.initial && options.initial.length > 0 ? `\n<script type="application/json" id="autopm-initial">${jsonForHtml(options.initial)}</script>` : ''}
<script type="module" nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}

/**
 * JSON inside a `<script>` element: `<` escaped, so no plan text can close the element.
 * A JSON data block is never run, so the content security policy needs no change for it.
 */
function jsonForHtml(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
