import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AutoPmApi } from '../../src/extension';
import type { PlanNode } from '../../src/features/explorer/nodes';
import type { Notice } from '../../src/services/notifier';

export const EXTENSION_ID = 'autopm.autopm';

export async function api(): Promise<AutoPmApi> {
  const extension = vscode.extensions.getExtension<AutoPmApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not installed`);
  const exports = await extension.activate();
  await exports.workspace.ready();
  return exports;
}

export function folderUri(index = 0): vscode.Uri {
  const folders = vscode.workspace.workspaceFolders;
  assert.ok(folders && folders.length > index, 'the test workspace has too few folders');
  return folders[index].uri;
}

export function fileUri(relative: string, folder = 0): vscode.Uri {
  return vscode.Uri.joinPath(folderUri(folder), ...relative.split('/'));
}

export async function readText(relative: string, folder = 0): Promise<string> {
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(fileUri(relative, folder)));
}

export async function writeText(relative: string, text: string, folder = 0): Promise<void> {
  await vscode.workspace.fs.writeFile(fileUri(relative, folder), new TextEncoder().encode(text));
}

/** Polls until `check` stops throwing (file watchers and debounces are asynchronous). */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 10000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

export interface RenderedNode {
  readonly label: string;
  readonly description?: string;
  readonly icon?: string;
  readonly contextValue?: string;
  readonly node: PlanNode;
}

/** The tree items a provider gives for a node, as the view would show them. */
export async function children(provider: vscode.TreeDataProvider<PlanNode>, node?: PlanNode): Promise<RenderedNode[]> {
  const nodes = (await provider.getChildren(node)) ?? [];
  return Promise.all(
    nodes.map(async (child) => {
      const item = await provider.getTreeItem(child);
      const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
      return {
        label,
        description: typeof item.description === 'string' ? item.description : undefined,
        icon: item.iconPath instanceof vscode.ThemeIcon ? item.iconPath.id : undefined,
        contextValue: item.contextValue,
        node: child,
      };
    }),
  );
}

export async function codeLensTitles(uri: vscode.Uri): Promise<Array<{ line: number; title: string }>> {
  // The provider command needs the document loaded, as it is when an editor shows it.
  await vscode.workspace.openTextDocument(uri);
  const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
  return lenses
    .filter((l) => l.command?.command.startsWith('autopm.'))
    .map((l) => ({ line: l.range.start.line, title: l.command!.title }))
    .sort((a, b) => a.line - b.line);
}

export async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** Puts a document back to the given text and saves it, whatever editor is active. */
export async function restoreDocument(document: vscode.TextDocument, text: string): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  edit.replace(document.uri, new vscode.Range(0, 0, document.lineCount, 0), text);
  assert.ok(await vscode.workspace.applyEdit(edit), 'could not restore the document');
  assert.ok(await document.save(), 'could not save the document');
}

/** What the extension told the user and which web addresses it opened while `run` ran. */
export async function observe(run: () => Thenable<unknown>): Promise<{ notices: Notice[]; opened: string[] }> {
  const { notifier, links } = await api();
  const notices: Notice[] = [];
  const opened: string[] = [];
  const listeners = [notifier.onDidNotify((n) => notices.push(n)), links.onDidOpen((uri) => opened.push(uri.toString(true)))];
  try {
    await run();
  } finally {
    listeners.forEach((l) => l.dispose());
  }
  return { notices, opened };
}

/** Every markdown file of the first workspace folder, by relative path: what "nothing else changed" is checked against. */
export function markdownFiles(): Map<string, string> {
  const root = folderUri().fsPath;
  const files = new Map<string, string>();
  for (const entry of fs.readdirSync(root, { recursive: true, encoding: 'utf8' }).sort()) {
    if (entry.endsWith('.md')) files.set(entry.split(path.sep).join('/'), fs.readFileSync(path.join(root, entry), 'utf8'));
  }
  return files;
}

/** The files of `after` that differ from `before` (added, removed or changed), with their new text. */
export function changedFiles(before: Map<string, string>, after: Map<string, string>): Record<string, string | undefined> {
  const changed: Record<string, string | undefined> = {};
  for (const file of new Set([...before.keys(), ...after.keys()])) if (before.get(file) !== after.get(file)) changed[file] = after.get(file);
  return changed;
}

/**
 * Puts the first folder's markdown files back as `before` holds them (files added since are
 * deleted) and has the index read them again, so the next test starts from the examples.
 * Close the editors first: a file open in a tab is read from its buffer.
 */
export async function restoreMarkdownFiles(before: Map<string, string>): Promise<void> {
  const root = folderUri().fsPath;
  for (const file of Object.keys(changedFiles(before, markdownFiles()))) {
    const original = before.get(file);
    if (original === undefined) fs.rmSync(path.join(root, file), { force: true });
    else fs.writeFileSync(path.join(root, file), original);
  }
  await vscode.commands.executeCommand('autopm.refresh');
  assert.deepEqual(changedFiles(before, markdownFiles()), {});
}

/** The 0-based line of `text` that contains `needle`; fails the test when there is none. */
export function lineOf(text: string, needle: string): number {
  const line = text.split('\n').findIndex((l) => l.includes(needle));
  assert.ok(line >= 0, `no line with ${needle}`);
  return line;
}

/** A task as the commands take it from a tree item or a CodeLens. */
export function ref(epicPath: string, taskId: string): { folder: string; epicPath: string; taskId: string } {
  return { folder: folderUri().toString(), epicPath, taskId };
}

/** A panel whose webview reports each revision it drew. */
interface DrawingPanel<M extends { readonly type: string; readonly revision: number }> {
  readonly trace: ReadonlyArray<{ readonly message: { readonly type: string } }>;
  readonly onDidRender: vscode.Event<M>;
}

/** Waits for the webview to report that it drew a revision at least `revision` (it may have already). */
export function rendered<M extends { readonly type: string; readonly revision: number }>(panel: DrawingPanel<M>, revision: number, timeoutMs = 15000): Promise<M> {
  const done = panel.trace.map((t) => t.message as unknown as M).find((m) => m.type === 'rendered' && m.revision >= revision);
  if (done) return Promise.resolve(done);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      listener.dispose();
      reject(new Error(`the webview did not draw revision ${revision}; trace: ${JSON.stringify(panel.trace.map((t) => t.message.type))}`));
    }, timeoutMs);
    const listener = panel.onDidRender((message) => {
      if (message.revision < revision) return;
      clearTimeout(timer);
      listener.dispose();
      resolve(message);
    });
  });
}
