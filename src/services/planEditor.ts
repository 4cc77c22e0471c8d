import * as vscode from 'vscode';
import type { PlanChange, ReadText, TextEdit } from '../core/edits';
import { applyEdits, orderRenames, PlanEditError } from '../core/edits';
import type { FolderPlans, PlanWorkspace } from './planWorkspace';
import { decodeText, openDocument } from './vscodePlanFileSystem';

export class PlanConflictError extends Error {}

interface Snapshot {
  readonly text: string;
  readonly document?: vscode.TextDocument;
  readonly version?: number;
}

/** An edit to an open document, with what it was computed from. */
interface OpenEdit {
  readonly path: string;
  readonly document: vscode.TextDocument;
  readonly version: number;
  readonly before: string;
  readonly edits: readonly TextEdit[];
}

const encoder = new TextEncoder();

/**
 * Applies the core's edits to the workspace. A file open in an editor is changed with a
 * `WorkspaceEdit`, so undo works and unsaved text is kept (the document is saved only if
 * it was saved before); a closed file is written through the file system, and only if
 * it still holds the text the edit was computed from.
 */
export class PlanEditor {
  constructor(
    private readonly workspace: PlanWorkspace,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /**
   * Reads `paths` (open documents from their buffers), computes the change from them and
   * applies it. Returns the paths that changed; throws PlanEditError or PlanConflictError
   * with a message for the user.
   */
  async apply(plans: FolderPlans, paths: readonly string[], compute: (read: ReadText) => PlanChange): Promise<string[]> {
    const snapshots = new Map<string, Snapshot>();
    for (const path of new Set(paths)) {
      const uri = plans.uriOf(path);
      if (openDocument(uri)) continue;
      try {
        snapshots.set(path, { text: decodeText(await vscode.workspace.fs.readFile(uri)) });
      } catch {
        // Missing: `read` reports it if the change needs the file.
      }
    }
    // Open documents are read last, with no await before the change is computed, so the
    // edit is computed against the buffer's current version.
    const read: ReadText = (path) => {
      const document = openDocument(plans.uriOf(path));
      if (document) {
        const snapshot = { text: document.getText(), document, version: document.version };
        snapshots.set(path, snapshot);
        return snapshot.text;
      }
      const snapshot = snapshots.get(path);
      if (!snapshot) throw new PlanEditError(`${path} does not exist.`);
      return snapshot.text;
    };
    const change = compute(read);

    const workspaceEdit = new vscode.WorkspaceEdit();
    const toSave: vscode.TextDocument[] = [];
    const diskWrites: Array<{ path: string; before: string; after: string }> = [];
    const openEdits: OpenEdit[] = [];
    for (const fileEdit of change.edits) {
      const snapshot = snapshots.get(fileEdit.path);
      if (!snapshot) throw new PlanEditError(`${fileEdit.path} was not read before it was edited.`);
      if (snapshot.document) {
        const document = snapshot.document;
        openEdits.push({ path: fileEdit.path, document, version: snapshot.version!, before: snapshot.text, edits: fileEdit.edits });
        for (const edit of fileEdit.edits) {
          const range = new vscode.Range(document.positionAt(edit.offset), document.positionAt(edit.offset + edit.length));
          workspaceEdit.replace(document.uri, range, edit.newText);
        }
        if (!document.isDirty) toSave.push(document);
      } else {
        diskWrites.push({ path: fileEdit.path, before: snapshot.text, after: applyEdits(snapshot.text, fileEdit.edits) });
      }
    }
    // New files go in an edit of their own, applied whenever there are any: a
    // WorkspaceEdit's `size` counts only the documents it edits, not the files it creates.
    const createEdit = new vscode.WorkspaceEdit();
    for (const create of change.creates) createEdit.createFile(plans.uriOf(create.path), { contents: encoder.encode(create.text), overwrite: false });

    // Every closed file must still hold the text the change was computed from, and every
    // rename must be possible, checked before anything is written, so that a conflict
    // leaves every file as it was.
    const renames = orderRenames(change.renames);
    await this.checkRenames(plans, renames);
    await this.checkUnchanged(plans, diskWrites);
    // An open document with no unsaved changes is saved after the edit: if its file was
    // written meanwhile and VS Code has not read it again yet, that save would fail and
    // leave the edit hanging in the buffer, so the file must still hold the buffer's text.
    for (const open of openEdits) {
      if (open.document.isDirty) continue;
      // A document's text leaves out the byte-order mark its file may start with.
      const onDisk = decodeText(await vscode.workspace.fs.readFile(open.document.uri)).replace(/^\uFEFF/, '');
      if (onDisk !== open.before.replace(/^\uFEFF/, '')) {
        throw new PlanConflictError(`${open.path} changed on disk while it was being edited; nothing was written.`);
      }
    }
    // The folders the new files need that do not exist yet: a failure removes them again,
    // so that a name the change would have taken is free for the next try.
    const newFolders = change.creates.length > 0 ? await missingFolders(plans, change.creates.map((c) => c.path)) : [];
    const undoCreates = async (): Promise<void> => {
      if (change.creates.length === 0) return;
      const undo = new vscode.WorkspaceEdit();
      for (const create of change.creates) undo.deleteFile(plans.uriOf(create.path), { ignoreIfNotExists: true });
      let undone: boolean;
      try {
        undone = await vscode.workspace.applyEdit(undo);
        for (const folder of newFolders) await vscode.workspace.fs.delete(plans.uriOf(folder), { recursive: false });
      } catch {
        undone = false;
      }
      if (!undone) this.log.warn(`[PlanEditor] could not remove ${change.creates.map((c) => c.path).join(', ')} after a failed change`);
    };
    if (change.creates.length > 0) {
      for (const create of change.creates) {
        if (await exists(plans.uriOf(create.path))) throw new PlanConflictError(`${create.path} already exists; nothing was written.`);
      }
      if (!(await vscode.workspace.applyEdit(createEdit))) {
        await undoCreates();
        throw new PlanConflictError('VS Code could not create the new files; nothing was written.');
      }
    }
    // The edit's ranges were computed from the buffers as they were; VS Code checks an edit
    // against the version the extension host knows when applyEdit is called. So the versions
    // are compared here, with nothing awaited between this check and that call.
    for (const open of openEdits) {
      if (open.document.version !== open.version) {
        await undoCreates();
        throw new PlanConflictError(`${open.path} changed while it was being edited; nothing was written.`);
      }
    }
    if (workspaceEdit.size > 0 && !(await vscode.workspace.applyEdit(workspaceEdit))) {
      await undoCreates();
      throw new PlanConflictError('VS Code could not apply the edit, usually because a document changed meanwhile; nothing was written.');
    }
    if (workspaceEdit.size > 0 || change.creates.length > 0) {
      // Waiting for VS Code to create the files or apply the edit gave other programs time
      // to write the closed files, and writing them now would overwrite that: so they are
      // checked again, and on a conflict the documents and new files are put back.
      try {
        await this.checkUnchanged(plans, diskWrites);
      } catch (error) {
        await this.revert(openEdits, toSave);
        await undoCreates();
        throw error;
      }
    }
    for (const write of diskWrites) await vscode.workspace.fs.writeFile(plans.uriOf(write.path), encoder.encode(write.after));
    for (const document of toSave) await document.save();
    // Renames come last, once the files hold their new text: a rename in the same edit as
    // writes to the file's old name would leave the writes behind under that name.
    if (renames.length > 0) await this.rename(plans, renames);

    const changed = [...change.edits.map((e) => e.path), ...change.creates.map((c) => c.path), ...change.renames.flatMap((r) => [r.from, r.to])];
    if (changed.length > 0) {
      this.log.info(`[PlanEditor] ${plans.folder.name}: edited ${changed.join(', ')}`);
      // Update at once rather than waiting for the file watcher, so the views follow the click.
      await this.workspace.update(plans, changed);
    }
    return changed;
  }

  /** Every rename's file exists, and its new name is free or being freed by another rename. */
  private async checkRenames(plans: FolderPlans, renames: PlanChange['renames']): Promise<void> {
    const leaving = new Set(renames.map((r) => r.from));
    for (const rename of renames) {
      if (!(await exists(plans.uriOf(rename.from)))) throw new PlanEditError(`Cannot rename ${rename.from}: it does not exist; nothing was written.`);
      if (!leaving.has(rename.to) && (await exists(plans.uriOf(rename.to)))) {
        throw new PlanEditError(`Cannot rename ${rename.from} to ${rename.to}: ${rename.to} already exists; nothing was written.`);
      }
    }
  }

  /**
   * Renames in the order given (each new name freed before it is taken), through a
   * workspace edit so open editors follow their files; each one checked on disk.
   */
  private async rename(plans: FolderPlans, renames: PlanChange['renames']): Promise<void> {
    const edit = new vscode.WorkspaceEdit();
    for (const rename of renames) edit.renameFile(plans.uriOf(rename.from), plans.uriOf(rename.to), { overwrite: false });
    const applied = await vscode.workspace.applyEdit(edit);
    for (const rename of renames) {
      const from = plans.uriOf(rename.from);
      const to = plans.uriOf(rename.to);
      const [fromThere, toThere] = [await exists(from), await exists(to)];
      if (!fromThere && toThere) continue;
      if (fromThere && !toThere) {
        // The edit was refused or left this file where it was: the file system does it.
        await vscode.workspace.fs.rename(from, to, { overwrite: false });
        continue;
      }
      throw new PlanConflictError(`Could not rename ${rename.from} to ${rename.to}${applied ? '' : ' (VS Code refused the edit)'}; its text was already written.`);
    }
  }

  private async checkUnchanged(plans: FolderPlans, writes: ReadonlyArray<{ path: string; before: string }>): Promise<void> {
    for (const write of writes) {
      const current = decodeText(await vscode.workspace.fs.readFile(plans.uriOf(write.path)));
      if (current !== write.before) throw new PlanConflictError(`${write.path} changed on disk while it was being edited; nothing was written.`);
    }
  }

  /**
   * Takes the edits back out of the open documents (those typed in since are left to the
   * user) and saves the ones that were saved before, so they match the disk again. Files
   * the change created are deleted by the caller; renames come after every check, so
   * there is none to put back.
   */
  private async revert(openEdits: readonly OpenEdit[], saved: readonly vscode.TextDocument[]): Promise<void> {
    const revert = new vscode.WorkspaceEdit();
    const reverted = openEdits.filter((open) => open.document.getText() === applyEdits(open.before, open.edits));
    for (const { document, before, edits } of reverted) {
      // Each edit's offset in the edited text: the edits before it shifted it.
      let shift = 0;
      for (const edit of [...edits].sort((a, b) => a.offset - b.offset)) {
        const start = edit.offset + shift;
        const range = new vscode.Range(document.positionAt(start), document.positionAt(start + edit.newText.length));
        revert.replace(document.uri, range, before.slice(edit.offset, edit.offset + edit.length));
        shift += edit.newText.length - edit.length;
      }
    }
    if (revert.size === 0 || !(await vscode.workspace.applyEdit(revert))) return;
    for (const { document } of reverted) if (saved.includes(document)) await document.save();
  }
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** The folders, deepest first, that the files' paths need and that do not exist. */
async function missingFolders(plans: FolderPlans, paths: readonly string[]): Promise<string[]> {
  const missing = new Set<string>();
  for (const path of paths) {
    const parts = path.split('/').slice(0, -1);
    for (let i = parts.length; i > 0; i--) {
      const folder = parts.slice(0, i).join('/');
      if (missing.has(folder)) continue;
      if (await exists(plans.uriOf(folder))) break;
      missing.add(folder);
    }
  }
  return [...missing].sort((a, b) => b.split('/').length - a.split('/').length);
}
