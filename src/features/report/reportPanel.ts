import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TaskHistory } from '../../core/history';
import type { EpicReport, ProjectReport } from '../../core/report';
import { buildEpicReport, buildProjectReport } from '../../core/report';
import { localIsoDate } from '../../core/sprint';
import { epicReportMarkdown, projectReportMarkdown } from '../../core/reportMarkdown';
import type { ReportFromWebview, ReportScope, ReportToWebview, ReportUpdateMessage, ReportWebviewState } from '../../shared/reportProtocol';
import { assertNever } from '../../shared/webview';
import type { FolderPlans } from '../../services/planWorkspace';
import type { OwnMessage, PanelServices } from '../webviews/panelHost';
import { PanelHost } from '../webviews/panelHost';
import { epicRef } from '../../core/model';

export const REPORT_VIEW_TYPE = 'autopm.report';

export function reportScopeKey(scope: ReportScope): string {
  return scope.kind === 'epic' ? `epic:${scope.folder}#${scope.epicPath}` : `project:${scope.folder}`;
}

/** Text and size of the folder's files, for the deliverables matrix (local folders only). */
function fileReaders(folder: FolderPlans) {
  if (folder.folder.uri.scheme !== 'file') return {};
  const readText = (file: string): string | undefined => folder.localText(file);
  const fileInfo = (file: string) => {
    const text = readText(file);
    return text === undefined ? undefined : { bytes: Buffer.byteLength(text, 'utf8'), lines: text.length === 0 ? 0 : text.split('\n').length };
  };
  return { readText, fileInfo };
}

/** Today in the user's time zone, as the burndown's last day. */
const today = (): string => localIsoDate(new Date());

/** Builds what a scope shows now, or undefined when its plan is gone. */
export function buildReport(folder: FolderPlans, scope: ReportScope, history: TaskHistory | undefined): EpicReport | ProjectReport | undefined {
  const { index } = folder;
  if (scope.kind === 'epic') {
    const epic = index.allEpics.find((e) => epicRef(e) === scope.epicPath);
    return epic && buildEpicReport(epic, { prds: index.prds, analysis: index.analysis(epic), today: today(), ...(history ? { history } : {}) });
  }
  return buildProjectReport(
    { prds: index.prds, epics: index.allEpics },
    { analysis: (e) => index.analysis(e), today: today(), ...fileReaders(folder), ...(history ? { history } : {}) },
  );
}

/** One status report panel (an epic's or the project's); it follows the index. */
export class ReportPanel extends PanelHost<ReportToWebview, ReportFromWebview> {
  private revision = 0;
  /** The latest revision the page says it drew. */
  private drawnRevision = 0;
  private report: EpicReport | ProjectReport | undefined;
  private lastJson: string | undefined;
  private queue: Promise<void> = Promise.resolve();

  private readonly _onDidRender = this._register(new vscode.EventEmitter<number>());
  /** The webview drew a revision. */
  readonly onDidRender = this._onDidRender.event;

  constructor(
    panel: vscode.WebviewPanel,
    services: PanelServices,
    readonly scope: ReportScope,
  ) {
    super(panel, services, 'report');
    this.followPlans(scope.folder, () => this.update(false));
    // A commit changes the burndown without changing a plan file.
    this._register(services.history.onDidChange(() => void this.update(false)));
    // Past midnight the burndown and the standup count one day more.
    this._register(services.onDidChangeDay(() => void this.update(false)));
    this.load();
  }

  /**
   * An epic's report, with the history already known, goes into the page; the page asks for
   * the rest when it is ready. The project's is built while the page loads instead: on a
   * large plan building it takes longer than the round trip it would save.
   */
  protected override embed(): void {
    const folder = this.services.workspace.folderByKey(this.scope.folder);
    if (!folder || this.scope.kind === 'project') return;
    const known = this.services.history.peek(folder);
    this.postReport(folder, known, known?.source ?? 'pending', true);
  }

  get current(): EpicReport | ProjectReport | undefined {
    return this.report;
  }

  protected onReady(pageIsCurrent: boolean): void {
    void this.update(!pageIsCurrent);
  }

  /** Updates run one after another, so an older one never posts after a newer one. */
  update(always: boolean): Promise<void> {
    this.queue = this.queue.then(() => this.doUpdate(always)).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      this.services.log.error(`[Report] could not build the report: ${message}`);
      this.post({ type: 'error', message });
    });
    return this.queue;
  }

  /**
   * Posts the report at once with the history already known, if any; reading the history
   * (git, or every file's dates) can take seconds on a large plan, and only the burndown
   * needs it, so the report is posted again when it is read.
   */
  private async doUpdate(always: boolean): Promise<void> {
    const folder = this.services.workspace.folderByKey(this.scope.folder);
    if (!folder) return this.gone();
    const known = this.services.history.peek(folder);
    if (!this.postReport(folder, known, known?.source ?? 'pending', always)) return;
    if (known) return;
    // Reading the history keeps the extension host busy (tenths of a second on a large
    // plan) and would hold back the page's messages: it waits until the page has drawn.
    await this.drawn(this.revision, 1000);
    if (this.isDisposed) return;
    const history = await this.services.history.taskHistory(folder);
    this.postReport(folder, history, history.source, false);
  }

  /** Builds and posts the report; false when its plan is gone. */
  private postReport(folder: FolderPlans, history: TaskHistory | undefined, source: ReportUpdateMessage['historySource'], always: boolean): boolean {
    const report = buildReport(folder, this.scope, history);
    if (!report) {
      this.gone();
      return false;
    }
    this.panel.title = report.kind === 'epic' ? `Status: ${report.title || report.id}` : `Project Status${this.services.workspace.allFolders.length > 1 ? `: ${folder.folder.name}` : ''}`;
    const json = JSON.stringify(report) + source;
    if (!always && json === this.lastJson) return true;
    this.lastJson = json;
    this.report = report;
    this.post({ type: 'report', scope: this.scope, report, historySource: source, revision: ++this.revision });
    return true;
  }

  /** Resolves once the page has drawn `revision` or a later one, or after `ms`. */
  private drawn(revision: number, ms: number): Promise<void> {
    if (this.drawnRevision >= revision) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        listener.dispose();
        resolve();
      };
      const listener = this.onDidRender((drawn) => drawn >= revision && done());
      const timer = setTimeout(done, ms);
    });
  }

  private gone(): void {
    this.report = undefined;
    this.lastJson = undefined;
    this.post({
      type: 'gone',
      message:
        this.scope.kind === 'epic'
          ? 'This epic is no longer in the workspace: its file was moved or deleted.'
          : 'This workspace folder is no longer open.',
    });
  }

  protected async onMessage(message: OwnMessage<ReportFromWebview>): Promise<void> {
    switch (message.type) {
      case 'exportMarkdown':
        await this.exportMarkdown();
        return;
      case 'rendered':
        if (typeof message.revision === 'number') this.drawnRevision = Math.max(this.drawnRevision, message.revision);
        this._onDidRender.fire(message.revision);
        return;
      default:
        assertNever(message);
    }
  }

  /** The report as markdown, with file links relative to where it is saved. */
  markdownFor(target: vscode.Uri): string | undefined {
    const folder = this.services.workspace.folderByKey(this.scope.folder);
    if (!this.report || !folder) return undefined;
    const from = path.posix.dirname(target.path);
    const relative = path.posix.relative(from, folder.folder.uri.path);
    const linkBase = relative === '' ? '' : `${relative}/`;
    return this.report.kind === 'epic' ? epicReportMarkdown(this.report, { linkBase }) : projectReportMarkdown(this.report, { linkBase });
  }

  async exportMarkdown(target?: vscode.Uri): Promise<vscode.Uri | undefined> {
    const folder = this.services.workspace.folderByKey(this.scope.folder);
    if (!this.report || !folder) return undefined;
    const name = this.report.kind === 'epic' ? `${this.report.id}-status.md` : 'project-status.md';
    target ??= await vscode.window.showSaveDialog({
      title: 'Export Report as Markdown',
      filters: { Markdown: ['md'] },
      defaultUri: vscode.Uri.joinPath(folder.folder.uri, name),
    });
    if (!target) return undefined;
    const markdown = this.markdownFor(target)!;
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(markdown));
    void vscode.window.setStatusBarMessage(`$(check) Report saved to ${vscode.workspace.asRelativePath(target)}`, 3000);
    return target;
  }
}

export function restoredReportScope(state: unknown): ReportScope | undefined {
  if (!state || typeof state !== 'object') return undefined;
  const { scope } = state as Partial<ReportWebviewState>;
  if (!scope || typeof scope !== 'object' || typeof scope.folder !== 'string') return undefined;
  if (scope.kind === 'epic' && typeof scope.epicPath === 'string') return { kind: 'epic', folder: scope.folder, epicPath: scope.epicPath };
  if (scope.kind === 'project') return { kind: 'project', folder: scope.folder };
  return undefined;
}
