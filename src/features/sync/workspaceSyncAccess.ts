import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { PlanChange, ReadText } from '../../core/edits';
import { PlanEditError } from '../../core/edits';
import { SYNC_STATE_PATH } from '../../core/sync/syncState';
import type { PlanEditor } from '../../services/planEditor';
import type { PlanWorkspace } from '../../services/planWorkspace';
import type { PlanAccess, PlanSnapshot, SyncStateStore } from '../../services/sync/syncEngine';
import { decodeText, openDocument } from '../../services/vscodePlanFileSystem';

/**
 * The sync engine's view of one epic in the editor: read from the index and from open
 * buffers (what the user sees), written through the PlanEditor, so an open file changes
 * with undo and unsaved text is never overwritten.
 */
export class WorkspacePlanAccess implements PlanAccess {
  constructor(
    private readonly workspace: PlanWorkspace,
    private readonly editor: PlanEditor,
    private readonly folderKey: string,
    private readonly epicPath: string,
  ) {}

  async read(): Promise<PlanSnapshot> {
    const entry = this.workspace.findEpic(this.folderKey, this.epicPath);
    if (!entry) throw new PlanEditError(`${this.epicPath} is no longer an epic in the workspace.`);
    // The engine reads synchronously: the epic's files are read now, open ones from their buffers.
    const texts = new Map<string, string>();
    for (const path of new Set([entry.epic.path, ...entry.epic.tasks.map((t) => t.path)])) {
      const uri = entry.folder.uriOf(path);
      const document = openDocument(uri);
      try {
        texts.set(path, document ? document.getText() : decodeText(await vscode.workspace.fs.readFile(uri)));
      } catch {
        // Gone since the index read it: the engine reports it if it needs the file.
      }
    }
    const read: ReadText = (path) => {
      const text = texts.get(path);
      if (text === undefined) throw new PlanEditError(`${path} does not exist.`);
      return text;
    };
    return { epic: entry.epic, read };
  }

  async apply(paths: readonly string[], compute: (read: ReadText) => PlanChange): Promise<void> {
    const folder = this.workspace.folderByKey(this.folderKey);
    if (!folder) throw new PlanEditError('The workspace folder of this epic is no longer open.');
    await this.editor.apply(folder, paths, compute);
  }
}

/** `.autopm/sync.json` of a workspace folder, written whole through a temporary file. */
export class WorkspaceSyncStateStore implements SyncStateStore {
  readonly uri: vscode.Uri;

  constructor(folder: vscode.Uri) {
    this.uri = vscode.Uri.joinPath(folder, ...SYNC_STATE_PATH.split('/'));
  }

  async load(): Promise<string | undefined> {
    try {
      return decodeText(await vscode.workspace.fs.readFile(this.uri));
    } catch (error) {
      if (error instanceof vscode.FileSystemError && error.code === 'FileNotFound') return undefined;
      throw error;
    }
  }

  async save(text: string): Promise<void> {
    const directory = vscode.Uri.joinPath(this.uri, '..');
    await vscode.workspace.fs.createDirectory(directory);
    // A name of its own per save: two saves at once must not move each other's file.
    const temporary = vscode.Uri.joinPath(directory, `.sync.json.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    await vscode.workspace.fs.writeFile(temporary, new TextEncoder().encode(text));
    await vscode.workspace.fs.rename(temporary, this.uri, { overwrite: true });
  }
}
