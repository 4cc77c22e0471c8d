import * as vscode from 'vscode';
import { Disposable } from '../common/lifecycle';
import type { PlanWorkspace, TaskEntry } from './planWorkspace';
import { taskEntry } from './planWorkspace';
import { epicRef } from '../core/model';

const ACTIVE_TASK_KEY = 'autopm.activeTask';

/** What is remembered of the task being worked on, per workspace. */
export interface ActiveTaskRecord {
  readonly folder: string;
  readonly epicPath: string;
  readonly taskId: string;
  /** The branch Start Task made or checked out for it. */
  readonly branch?: string;
  /** The commit HEAD was on when the task started: its work is what came after. */
  readonly startCommit?: string;
  /** When it started (ISO). */
  readonly startedAt: string;
}

/**
 * The task the user started last, while it is still in progress: the status bar shows
 * it, Hand to Claude Code and Complete Task default to it, and Complete Task's comment
 * counts the commits made since it started.
 */
export class ActiveTask extends Disposable {
  private readonly _onDidChange = this._register(new vscode.EventEmitter<void>());
  readonly onDidChange = this._onDidChange.event;
  private lastKey: string | undefined;

  constructor(
    private readonly workspace: PlanWorkspace,
    private readonly state: vscode.Memento,
  ) {
    super();
    this._register(workspace.onDidChange(() => this.changed()));
  }

  private changed(): void {
    const current = this.current();
    const key = current ? `${current.entry.folder.key}#${epicRef(current.entry.epic)}#${current.entry.task.id}#${current.entry.task.title}` : undefined;
    if (key !== this.lastKey) {
      this.lastKey = key;
      this._onDidChange.fire();
    }
  }

  /** The active task and its record; undefined when none was started or it is no longer in progress. */
  current(): { readonly entry: TaskEntry; readonly record: ActiveTaskRecord } | undefined {
    if (!this.workspace.isBuilt) return undefined;
    const record = this.state.get<ActiveTaskRecord>(ACTIVE_TASK_KEY);
    if (!record) return undefined;
    const epic = this.workspace.findEpic(record.folder, record.epicPath);
    const entry = epic && taskEntry(epic, record.taskId);
    return entry && entry.task.state === 'in-progress' ? { entry, record } : undefined;
  }

  /** The record kept for a task, whether or not it is still in progress. */
  recordOf(entry: TaskEntry): ActiveTaskRecord | undefined {
    const record = this.state.get<ActiveTaskRecord>(ACTIVE_TASK_KEY);
    return record && record.folder === entry.folder.key && record.epicPath === epicRef(entry.epic) && record.taskId === entry.task.id ? record : undefined;
  }

  async set(entry: TaskEntry, details: Pick<ActiveTaskRecord, 'branch' | 'startCommit'>): Promise<void> {
    const record: ActiveTaskRecord = {
      folder: entry.folder.key,
      epicPath: epicRef(entry.epic),
      taskId: entry.task.id,
      ...(details.branch ? { branch: details.branch } : {}),
      ...(details.startCommit ? { startCommit: details.startCommit } : {}),
      startedAt: new Date().toISOString(),
    };
    await this.state.update(ACTIVE_TASK_KEY, record);
    this.changed();
  }
}
