import * as vscode from 'vscode';
import { Disposable } from '../common/lifecycle';
import type { EpicEntry, PlanWorkspace } from './planWorkspace';
import { epicRef } from '../core/model';

const LAST_EPIC_KEY = 'autopm.lastEpic';

interface StoredEpic {
  readonly folder: string;
  readonly epicPath: string;
}

/**
 * Which epic the user is working on: the one in the active editor, else the last one a
 * task was changed in (kept per workspace), else the `autopm.activeEpic` setting, else
 * the first epic that is not done.
 */
export class ActiveEpic extends Disposable {
  private readonly _onDidChange = this._register(new vscode.EventEmitter<void>());
  readonly onDidChange = this._onDidChange.event;
  private lastKey: string | undefined;

  constructor(
    private readonly workspace: PlanWorkspace,
    private readonly state: vscode.Memento,
  ) {
    super();
    this._register(vscode.window.onDidChangeActiveTextEditor(() => this.changed()));
    this._register(workspace.onDidChange(() => this.changed()));
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('autopm.activeEpic')) this.changed();
      }),
    );
  }

  private changed(): void {
    const current = this.current();
    const key = current ? `${current.folder.key}#${epicRef(current.epic)}#${current.analysis.counts.done}/${current.analysis.counts.total}` : undefined;
    if (key !== this.lastKey) {
      this.lastKey = key;
      this._onDidChange.fire();
    }
  }

  current(): EpicEntry | undefined {
    if (!this.workspace.isBuilt) return undefined;
    const editor = vscode.window.activeTextEditor;
    const fromEditor = editor && this.workspace.epicForDocument(editor.document.uri);
    if (fromEditor) return fromEditor;
    const stored = this.state.get<StoredEpic>(LAST_EPIC_KEY);
    const fromHistory = stored && this.workspace.findEpic(stored.folder, stored.epicPath);
    if (fromHistory) return fromHistory;
    const epics = this.workspace.epics();
    const configured = vscode.workspace.getConfiguration('autopm').get<string>('activeEpic')?.trim();
    const fromSetting = configured ? epics.find((e) => e.epic.id === configured || e.epic.path === configured || e.epic.dir === configured) : undefined;
    return fromSetting ?? epics.find((e) => e.epic.state !== 'done' && e.analysis.counts.done < e.analysis.counts.total) ?? epics[0];
  }

  /** Remembers the epic a task was just changed in. */
  async workedOn(entry: EpicEntry): Promise<void> {
    await this.state.update(LAST_EPIC_KEY, { folder: entry.folder.key, epicPath: epicRef(entry.epic) } satisfies StoredEpic);
    this.changed();
  }
}
