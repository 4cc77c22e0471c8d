import * as vscode from 'vscode';
import { nextTask } from '../../core/analysis';
import type { EpicAnalysis } from '../../core/analysis';
import type { GraphModel } from '../../core/graph';
import { buildGraph } from '../../core/graph';
import { epicsOfPrd } from '../../core/progress';
import type { GraphFromWebview, GraphRenderedMessage, GraphScope, GraphToWebview, GraphViewOptions, GraphWebviewState } from '../../shared/graphProtocol';
import { assertNever } from '../../shared/webview';
import type { FolderPlans } from '../../services/planWorkspace';
import type { OwnMessage, PanelServices } from '../webviews/panelHost';
import { PanelHost } from '../webviews/panelHost';
import { epicRef } from '../../core/model';

export const GRAPH_VIEW_TYPE = 'autopm.graph';

const DEFAULT_OPTIONS: GraphViewOptions = { direction: 'TD', hideDone: false };

interface ScopeContent {
  readonly folder: FolderPlans;
  readonly title: string;
  readonly analyses: readonly EpicAnalysis[];
}

/** The epics a scope names, as they are now; undefined when its file is gone. */
export function resolveScope(services: PanelServices, scope: GraphScope): ScopeContent | undefined {
  const folder = services.workspace.folderByKey(scope.folder);
  if (!folder) return undefined;
  if (scope.kind === 'epic') {
    const epic = folder.index.allEpics.find((e) => epicRef(e) === scope.epicPath);
    return epic && { folder, title: epic.title || epic.id, analyses: [folder.index.analysis(epic)] };
  }
  const prd = folder.index.prds.find((p) => p.path === scope.prdPath);
  if (!prd) return undefined;
  return { folder, title: prd.title || prd.id, analyses: epicsOfPrd(prd, folder.index.allEpics).map((e) => folder.index.analysis(e)) };
}

export function scopeKey(scope: GraphScope): string {
  return `${scope.kind}:${scope.folder}#${scope.kind === 'epic' ? scope.epicPath : scope.prdPath}`;
}

/** One dependency graph panel. It follows the index: every change to its epics redraws it. */
export class GraphPanel extends PanelHost<GraphToWebview, GraphFromWebview> {
  private options: GraphViewOptions;
  private revision = 0;
  private lastSource: string | undefined;
  private model: GraphModel | undefined;
  private exportSource: string | undefined;

  private readonly _onDidRender = this._register(new vscode.EventEmitter<GraphRenderedMessage>());
  /** The webview drew a revision (or mermaid failed to). */
  readonly onDidRender = this._onDidRender.event;

  constructor(
    panel: vscode.WebviewPanel,
    services: PanelServices,
    readonly scope: GraphScope,
    options?: GraphViewOptions,
  ) {
    super(panel, services, 'graph', true);
    this.options = options ?? DEFAULT_OPTIONS;
    this.followPlans(scope.folder, () => this.update(false));
    this.load();
  }

  protected override embed(): void {
    this.update(true);
  }

  /** The graph as last sent. */
  get current(): GraphModel | undefined {
    return this.model;
  }

  get viewOptions(): GraphViewOptions {
    return this.options;
  }

  protected onReady(pageIsCurrent: boolean): void {
    this.update(!pageIsCurrent);
  }

  /** Builds the graph again; posts it when it differs from what the webview has (or `always`). */
  update(always: boolean): void {
    const content = resolveScope(this.services, this.scope);
    if (!content) {
      this.model = undefined;
      this.lastSource = undefined;
      this.post({ type: 'gone', message: 'This plan is no longer in the workspace: its file was moved or deleted.' });
      return;
    }
    const next = nextTask(content.analyses);
    const graphOptions = {
      direction: this.options.direction,
      hideDone: this.options.hideDone,
      ...(next ? { next: { epicPath: epicRef(next.epic), taskId: next.task.task.id } } : {}),
    };
    // The panel colours nodes from the editor's theme; what leaves it (a copied block, an
    // exported SVG) carries its own colours.
    const model = buildGraph(content.analyses, { ...graphOptions, colors: false });
    this.exportSource = buildGraph(content.analyses, { ...graphOptions, colors: true }).source;
    this.panel.title = `Graph: ${content.title}`;
    // Typing that changes nothing the graph shows (a description, a note) draws nothing.
    const fingerprint = JSON.stringify(model);
    if (!always && fingerprint === this.lastSource) return;
    this.lastSource = fingerprint;
    this.model = model;
    this.post({
      type: 'graph',
      title: content.title,
      scope: this.scope,
      folder: content.folder.key,
      options: this.options,
      model,
      exportSource: this.exportSource,
      revision: ++this.revision,
    });
  }

  protected async onMessage(message: OwnMessage<GraphFromWebview>): Promise<void> {
    switch (message.type) {
      case 'setOptions':
        this.options = { direction: message.options?.direction === 'LR' ? 'LR' : 'TD', hideDone: message.options?.hideDone === true };
        return this.update(true);
      case 'rendered':
        if (message.error) this.services.log.warn(`[Graph] mermaid could not draw revision ${message.revision}: ${message.error}`);
        else this.services.log.debug(`[Graph] drew ${message.nodes} nodes in ${message.ms.toFixed(0)} ms`);
        this._onDidRender.fire(message);
        return;
      case 'exportSvg':
        return this.exportSvg(message.svg);
      case 'copyMermaid':
        if (this.exportSource) {
          await vscode.env.clipboard.writeText('```mermaid\n' + this.exportSource + '```\n');
          void vscode.window.setStatusBarMessage('$(check) Mermaid block copied', 3000);
        }
        return;
      default:
        assertNever(message);
    }
  }

  /** What Copy Mermaid Block puts on the clipboard, and Export as SVG draws: with its own colours. */
  get markdownSource(): string | undefined {
    return this.exportSource;
  }

  private async exportSvg(svg: unknown): Promise<void> {
    if (typeof svg !== 'string' || !svg.startsWith('<svg')) return;
    const folder = this.services.workspace.folderByKey(this.scope.folder);
    const name = (this.panel.title.replace(/^Graph: /, '') || 'graph').replace(/[^\w.-]+/g, '-');
    const target = await vscode.window.showSaveDialog({
      title: 'Export Dependency Graph',
      filters: { 'SVG image': ['svg'] },
      ...(folder ? { defaultUri: vscode.Uri.joinPath(folder.folder.uri, `${name}-graph.svg`) } : {}),
    });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(`<?xml version="1.0" encoding="UTF-8"?>\n${svg}\n`));
    void vscode.window.setStatusBarMessage(`$(check) Graph saved to ${vscode.workspace.asRelativePath(target)}`, 3000);
  }
}

/** Reads a restored panel's state defensively: it comes from an older version, or from nowhere. */
export function restoredGraphState(state: unknown): { scope: GraphScope; options: GraphViewOptions } | undefined {
  if (!state || typeof state !== 'object') return undefined;
  const { scope, options } = state as Partial<GraphWebviewState>;
  if (!scope || typeof scope !== 'object' || typeof scope.folder !== 'string') return undefined;
  const valid =
    (scope.kind === 'epic' && typeof scope.epicPath === 'string') || (scope.kind === 'prd' && typeof scope.prdPath === 'string');
  if (!valid) return undefined;
  return {
    scope,
    options: { direction: options?.direction === 'LR' ? 'LR' : 'TD', hideDone: options?.hideDone === true },
  };
}
