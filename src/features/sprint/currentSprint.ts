import * as vscode from 'vscode';
import { Disposable } from '../../common/lifecycle';
import type { Sprint } from '../../core/sprint';
import { currentSprint, localIsoDate } from '../../core/sprint';
import type { SprintStatus } from '../../core/sprintStatus';
import { sprintStatus } from '../../core/sprintStatus';
import type { FolderPlans, PlanWorkspace } from '../../services/planWorkspace';

export const SPRINT_SETTING = 'sprint.current';

export interface SprintEntry {
  readonly folder: FolderPlans;
  readonly sprint: Sprint;
  readonly status: SprintStatus;
}

/** The pinned sprint of a folder (`autopm.sprint.current`), or undefined to choose by date. */
export function pinnedSprint(folder: FolderPlans): string | undefined {
  const value = vscode.workspace.getConfiguration('autopm', folder.folder.uri).get<string>(SPRINT_SETTING, '').trim();
  return value === '' ? undefined : value;
}

/** Milliseconds from `now` to just after the next local midnight. */
export function msToMidnight(now: Date): number {
  const next = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, 0, 0, 1);
  return Math.max(1000, next.getTime() - now.getTime());
}

/**
 * Which sprint is current, and today's date as the user's clock has it. Follows the
 * index and the setting; the day is read again at local midnight (one timer, not a
 * poll), so "3 days left" turns into "2 days left" with nothing else changing.
 */
export class CurrentSprint extends Disposable {
  private day = localIsoDate(new Date());
  private midnight: ReturnType<typeof setTimeout> | undefined;

  private readonly _onDidChange = this._register(new vscode.EventEmitter<void>());
  /** The day changed or the pinned sprint setting did; the index's own changes come from the workspace. */
  readonly onDidChange = this._onDidChange.event;

  private readonly _onDidChangeDay = this._register(new vscode.EventEmitter<void>());
  /** The local day changed: a report's burndown runs to today. */
  readonly onDidChangeDay = this._onDidChangeDay.event;

  constructor(private readonly workspace: PlanWorkspace) {
    super();
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`autopm.${SPRINT_SETTING}`)) this._onDidChange.fire();
      }),
    );
    this._register({ dispose: () => this.midnight && clearTimeout(this.midnight) });
    this.scheduleMidnight();
  }

  private scheduleMidnight(): void {
    if (this.midnight) clearTimeout(this.midnight);
    this.midnight = setTimeout(() => {
      if (this.isDisposed) return;
      this.scheduleMidnight();
      this.readDay();
    }, msToMidnight(new Date()));
  }

  /** Reads today's date again and tells the views, as the midnight timer does. */
  readDay(): void {
    this.day = localIsoDate(new Date());
    this._onDidChange.fire();
    this._onDidChangeDay.fire();
  }

  get today(): string {
    return this.day;
  }

  /** A sprint's status today. */
  statusOf(folder: FolderPlans, sprint: Sprint): SprintStatus {
    return sprintStatus(sprint, folder.index, this.day);
  }

  /**
   * The sprint to show in the status bar: pinned, or dated around today, in the first
   * folder that has one. An epic's own dates are not a sprint here: without sprint files
   * the status bar shows the active epic as it always has.
   */
  current(): SprintEntry | undefined {
    if (!this.workspace.isBuilt) return undefined;
    for (const folder of this.workspace.allFolders) {
      const sprint = currentSprint(folder.index.sprints, this.day, pinnedSprint(folder));
      if (sprint && sprint.source !== 'epic') return { folder, sprint, status: this.statusOf(folder, sprint) };
    }
    return undefined;
  }

  /** Every sprint of every folder, for the pickers. */
  all(): Array<{ folder: FolderPlans; sprint: Sprint }> {
    return this.workspace.allFolders.flatMap((folder) => folder.index.sprints.map((sprint) => ({ folder, sprint })));
  }

  find(folderKey: string, sprintId: string): { folder: FolderPlans; sprint: Sprint } | undefined {
    const folder = this.workspace.folderByKey(folderKey);
    const sprint = folder?.index.sprints.find((s) => s.id === sprintId);
    return folder && sprint ? { folder, sprint } : undefined;
  }
}
