import * as vscode from 'vscode';
import { completionDates } from '../../core/history';
import type { TaskHistory } from '../../core/history';
import type { Sprint } from '../../core/sprint';
import type { SprintReport } from '../../core/sprintReport';
import { buildSprintReport, scopeAtStartFromAdded } from '../../core/sprintReport';
import type { SprintFromWebview, SprintRenderedMessage, SprintScope, SprintToWebview, SprintWebviewState } from '../../shared/sprintProtocol';
import type { FolderPlans } from '../../services/planWorkspace';
import type { OwnMessage, PanelServices } from '../webviews/panelHost';
import { PanelHost } from '../webviews/panelHost';
import type { CurrentSprint } from './currentSprint';

export const SPRINT_VIEW_TYPE = 'autopm.sprint';

export interface SprintPanelServices extends PanelServices {
  readonly sprints: CurrentSprint;
}

export function sprintScopeKey(scope: SprintScope): string {
  return `${scope.folder}#${scope.sprintId}`;
}

/** One sprint report panel. It follows the index and the day: every change redraws it. */
export class SprintPanel extends PanelHost<SprintToWebview, SprintFromWebview> {
  private revision = 0;
  private fingerprint: string | undefined;
  private report: SprintReport | undefined;
  /** Bumped on every update, so a slow history read never posts over a newer one. */
  private generation = 0;

  private readonly _onDidRender = this._register(new vscode.EventEmitter<SprintRenderedMessage>());
  readonly onDidRender = this._onDidRender.event;

  constructor(
    panel: vscode.WebviewPanel,
    private readonly sprintServices: SprintPanelServices,
    readonly scope: SprintScope,
  ) {
    super(panel, sprintServices, 'sprint');
    this.followPlans(scope.folder, () => this.update(false));
    this._register(sprintServices.sprints.onDidChange(() => void this.update(false)));
    // A commit changes the burndown without changing a plan file.
    this._register(sprintServices.history.onDidChange(() => void this.update(false)));
    // The report needs the history read first, so the page asks for it when it is ready.
    this.load();
  }

  /** The report as last posted. */
  get current(): SprintReport | undefined {
    return this.report;
  }

  protected onReady(): void {
    void this.update(true);
  }

  private resolve(): { folder: FolderPlans; sprint: Sprint } | undefined {
    return this.sprintServices.sprints.find(this.scope.folder, this.scope.sprintId);
  }

  /** Git history when the folder is a repository, else the files' dates (the history service decides). */
  private async history(folder: FolderPlans, sprint: Sprint): Promise<{ history: TaskHistory | undefined; source: SprintReport['history'] }> {
    try {
      const history = await this.services.history.taskHistory(folder);
      return { history, source: history.source };
    } catch (error) {
      // Without dates the burndown still draws, with every done task on the last day.
      this.services.log.warn(`[Sprint] no task history for ${sprint.id}: ${(error as Error).message}`);
      return { history: undefined, source: 'none' };
    }
  }

  /** Builds the report again; posts it when it differs from what the webview has (or `always`). */
  async update(always: boolean): Promise<void> {
    const generation = ++this.generation;
    const found = this.resolve();
    if (!found) {
      this.report = undefined;
      this.fingerprint = undefined;
      this.post({ type: 'gone', message: `Sprint ${this.scope.sprintId} is no longer in the workspace: its file was moved, renamed or deleted.` });
      return;
    }
    const { folder, sprint } = found;
    const status = this.sprintServices.sprints.statusOf(folder, sprint);
    const { history, source } = await this.history(folder, sprint);
    if (generation !== this.generation || this.isDisposed) return;
    const added = new Map<string, string>();
    for (const event of history?.events ?? []) if (event.kind === 'added' && !added.has(event.key)) added.set(event.key, event.date);
    const scopeAtStart = scopeAtStartFromAdded(status, added);
    const report = buildSprintReport(status, folder.index, {
      completedOn: history ? completionDates(history) : new Map(),
      ...(scopeAtStart ? { scopeAtStart } : {}),
      history: source,
    });
    this.panel.title = `Sprint: ${sprint.name}`;
    const fingerprint = JSON.stringify(report);
    if (!always && fingerprint === this.fingerprint) return;
    this.fingerprint = fingerprint;
    this.report = report;
    this.post({ type: 'sprint', scope: this.scope, report, revision: ++this.revision });
  }

  /** `rendered` is the one message of its own; a second would make this fail to compile. */
  protected onMessage(message: OwnMessage<SprintFromWebview>): void {
    this.services.log.debug(`[Sprint] drew revision ${message.revision} (${message.points} burndown points)`);
    this._onDidRender.fire(message);
  }
}

/** Reads a restored panel's state defensively: it comes from an older version, or from nowhere. */
export function restoredSprintState(state: unknown): SprintScope | undefined {
  if (!state || typeof state !== 'object') return undefined;
  const { scope } = state as Partial<SprintWebviewState>;
  if (!scope || typeof scope !== 'object' || typeof scope.folder !== 'string' || typeof scope.sprintId !== 'string') return undefined;
  return { folder: scope.folder, sprintId: scope.sprintId };
}
