import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import type { PlanFileSystem } from '../core/planIndex';
import { NodePlanFileSystem } from './nodePlanFileSystem';

/** `ignoreBOM` keeps a byte-order mark in the text, so an edit written back keeps it too. */
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

export function decodeText(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/**
 * The index's file access inside VS Code, relative to one workspace folder. A document
 * the user has open is read from its buffer, so every surface (trees, CodeLens,
 * diagnostics) describes the text the user sees, saved or not.
 *
 * Files on the extension host's own disk (`file:` URIs) are read as the CLI reads them,
 * with Node's synchronous calls: `vscode.workspace.fs` costs about 0.4 ms per file, which made the first tree of a
 * 1,000-epic workspace wait about a second, against a tenth of that read directly. Other
 * schemes (virtual and remote file systems) go through `vscode.workspace.fs`.
 */
export class VscodePlanFileSystem implements PlanFileSystem {
  /** Set for `file:` folders. */
  private readonly local: NodePlanFileSystem | undefined;

  constructor(private readonly root: vscode.Uri) {
    this.local = root.scheme === 'file' ? new NodePlanFileSystem(root.fsPath) : undefined;
  }

  uriOf(path: string): vscode.Uri {
    return path === '' ? this.root : vscode.Uri.joinPath(this.root, ...path.split('/'));
  }

  async readDirectory(path: string): Promise<Array<{ name: string; isDirectory: boolean }>> {
    if (this.local) return this.local.readDirectory(path);
    try {
      const entries = await vscode.workspace.fs.readDirectory(this.uriOf(path));
      return entries.map(([name, type]) => ({ name, isDirectory: (type & vscode.FileType.Directory) !== 0 }));
    } catch {
      return [];
    }
  }

  async readFile(path: string): Promise<string | undefined> {
    const uri = this.uriOf(path);
    const open = openDocument(uri);
    if (open) return open.getText();
    // Node keeps a byte-order mark in the text, as decodeText does.
    if (this.local) return this.local.readFile(path);
    try {
      return decodeText(await vscode.workspace.fs.readFile(uri));
    } catch {
      return undefined;
    }
  }

  async exists(path: string): Promise<boolean> {
    const uri = this.uriOf(path);
    if (this.local) return existsSync(uri.fsPath);
    try {
      await vscode.workspace.fs.stat(uri);
      return true;
    } catch {
      return false;
    }
  }
}

/**
 * The document of a file the user has open: shown in a tab, or holding unsaved changes.
 * VS Code keeps other documents loaded for a while after their tab closes, and those can
 * lag behind the disk, so for them the file on disk is the truth.
 */
export function openDocument(uri: vscode.Uri): vscode.TextDocument | undefined {
  const key = uri.toString();
  const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key && !d.isClosed);
  if (!document) return undefined;
  if (document.isDirty) return document;
  const inTab = vscode.window.tabGroups.all.some((group) =>
    group.tabs.some((tab) => tab.input instanceof vscode.TabInputText && tab.input.uri.toString() === key),
  );
  return inTab ? document : undefined;
}
