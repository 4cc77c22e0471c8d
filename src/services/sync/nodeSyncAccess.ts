/**
 * The sync engine's access to the plan and to its state file on Node, for the command
 * line and the tests: files relative to one workspace folder, read through the same
 * index the rest of the CLI uses.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { PlanChange, ReadText } from '../../core/edits';
import { applyEdits, PlanEditError } from '../../core/edits';
import type { PlanIndex } from '../../core/planIndex';
import { SYNC_STATE_PATH } from '../../core/sync/syncState';
import type { PlanAccess, PlanSnapshot, SyncStateStore } from './syncEngine';

export class PlanWriteConflictError extends Error {
  override readonly name = 'PlanWriteConflictError';
}

/** One epic of a workspace folder on disk, by its id. */
export class NodePlanAccess implements PlanAccess {
  constructor(
    private readonly root: string,
    private readonly index: PlanIndex,
    private readonly epicId: string,
  ) {}

  private readonly reader: ReadText = (path) => {
    try {
      return readFileSync(join(this.root, path), 'utf8');
    } catch {
      throw new PlanEditError(`${path} does not exist.`);
    }
  };

  async read(): Promise<PlanSnapshot> {
    const epic = this.index.epic(this.epicId);
    if (!epic) throw new PlanEditError(`There is no epic ${this.epicId} in ${this.root}.`);
    return { epic, read: this.reader };
  }

  async apply(paths: readonly string[], compute: (read: ReadText) => PlanChange): Promise<void> {
    const texts = new Map<string, string>();
    for (const path of new Set(paths)) {
      try {
        texts.set(path, readFileSync(join(this.root, path), 'utf8'));
      } catch {
        // Missing: the change reports it if it needs the file.
      }
    }
    const change = compute((path) => texts.get(path) ?? this.reader(path));
    // Every file is checked before any is written, so a conflict leaves them all as they were.
    for (const edit of change.edits) {
      const before = texts.get(edit.path);
      if (before === undefined) throw new PlanEditError(`${edit.path} was not read before it was edited.`);
      if (readFileSync(join(this.root, edit.path), 'utf8') !== before) {
        throw new PlanWriteConflictError(`${edit.path} changed on disk while it was being edited; nothing was written.`);
      }
    }
    for (const create of change.creates) if (existsSync(join(this.root, create.path))) throw new PlanEditError(`${create.path} already exists.`);
    for (const rename of change.renames) if (existsSync(join(this.root, rename.to))) throw new PlanEditError(`Cannot rename ${rename.from}: ${rename.to} already exists.`);

    for (const edit of change.edits) writeFileSync(join(this.root, edit.path), applyEdits(texts.get(edit.path)!, edit.edits));
    for (const create of change.creates) writeFileSync(join(this.root, create.path), create.text, { flag: 'wx' });
    for (const rename of change.renames) renameSync(join(this.root, rename.from), join(this.root, rename.to));
    const changed = [...change.edits.map((e) => e.path), ...change.creates.map((c) => c.path), ...change.renames.flatMap((r) => [r.from, r.to])];
    if (changed.length > 0) await this.index.update(changed);
  }
}

/** `.autopm/sync.json` of a workspace folder, written whole through a temporary file so a crash never leaves half of it. */
export class NodeSyncStateStore implements SyncStateStore {
  readonly path: string;

  constructor(root: string, relativePath = SYNC_STATE_PATH) {
    this.path = join(root, relativePath);
  }

  async load(): Promise<string | undefined> {
    try {
      return readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async save(text: string): Promise<void> {
    mkdirSync(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temporary, text);
    renameSync(temporary, this.path);
  }
}
