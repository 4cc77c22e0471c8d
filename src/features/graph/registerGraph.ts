import * as vscode from 'vscode';
import { Commands } from '../../common/commands';
import type { GraphScope, GraphViewOptions } from '../../shared/graphProtocol';
import type { PanelServices } from '../webviews/panelHost';
import { PanelRegistry } from '../webviews/panelRegistry';
import { progressText } from '../presentation';
import { GRAPH_VIEW_TYPE, GraphPanel, restoredGraphState, scopeKey } from './graphPanel';
import { epicRef, epicRefOf } from '../../core/model';

interface ScopePick extends vscode.QuickPickItem {
  readonly scope: GraphScope;
}

/** The open graph panels, one per epic or PRD: showing one again brings it forward. */
export class GraphPanels extends PanelRegistry<GraphScope, GraphViewOptions, GraphPanel> {
  constructor(services: PanelServices) {
    super({
      viewType: GRAPH_VIEW_TYPE,
      title: () => 'Graph',
      key: scopeKey,
      create: (panel, scope, options) => new GraphPanel(panel, services, scope, options),
      restore: (state) => {
        const restored = restoredGraphState(state);
        return restored && { scope: restored.scope, extra: restored.options };
      },
      ready: () => services.workspace.ready(),
    });
  }
}

export function registerGraph(context: vscode.ExtensionContext, services: PanelServices): GraphPanels {
  const graphs = new GraphPanels(services);
  context.subscriptions.push(graphs);
  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(GRAPH_VIEW_TYPE, graphs.serializer),
    vscode.commands.registerCommand(Commands.showGraph, async (arg?: unknown) => {
      await services.workspace.ready();
      const scope = scopeFromArgument(arg) ?? (await pickScope(services));
      return scope ? graphs.show(scope) : undefined;
    }),
  );
  return graphs;
}

/**
 * What a command argument names: `{ folder, epicPath }` (CodeLens), `{ folder, prdPath }`,
 * or a tree node holding an epic or PRD entry.
 */
function scopeFromArgument(arg: unknown): GraphScope | undefined {
  if (!arg || typeof arg !== 'object') return undefined;
  const candidate = ('entry' in arg ? (arg as { entry: unknown }).entry : arg) as {
    folder?: unknown;
    plans?: { key?: unknown };
    epicPath?: unknown;
    prdPath?: unknown;
    epic?: { path?: unknown };
    prd?: { path?: unknown };
  };
  const folder =
    typeof candidate.folder === 'string' ? candidate.folder : ((candidate.folder as { key?: unknown } | undefined)?.key ?? candidate.plans?.key);
  if (typeof folder !== 'string') return undefined;
  const epicPath = typeof candidate.epicPath === 'string' ? candidate.epicPath : epicRefOf(candidate.epic);
  if (typeof epicPath === 'string') return { kind: 'epic', folder, epicPath };
  const prdPath = typeof candidate.prdPath === 'string' ? candidate.prdPath : candidate.prd?.path;
  if (typeof prdPath === 'string') return { kind: 'prd', folder, prdPath };
  return undefined;
}

async function pickScope(services: PanelServices): Promise<GraphScope | undefined> {
  const { workspace } = services;
  const multiRoot = workspace.allFolders.length > 1;
  const items: Array<ScopePick | vscode.QuickPickItem> = [];
  const epics = workspace.epics();
  if (epics.length > 0) items.push({ label: 'Epics', kind: vscode.QuickPickItemKind.Separator });
  for (const e of epics) {
    items.push({
      label: `$(project) ${e.epic.title || e.epic.id}`,
      description: `${progressText(e.analysis.counts)}${multiRoot ? ` · ${e.folder.folder.name}` : ''}`,
      scope: { kind: 'epic', folder: e.folder.key, epicPath: epicRef(e.epic) },
    });
  }
  const prds = workspace.prds();
  if (prds.length > 0) items.push({ label: 'PRDs: every epic together', kind: vscode.QuickPickItemKind.Separator });
  for (const p of prds) {
    items.push({
      label: `$(file-text) ${p.prd.title || p.prd.id}`,
      description: multiRoot ? p.folder.folder.name : p.prd.id,
      scope: { kind: 'prd', folder: p.folder.key, prdPath: p.prd.path },
    });
  }
  if (epics.length === 0) {
    void vscode.window.showInformationMessage('This workspace has no epics yet.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(items, { title: 'Show Dependency Graph', placeHolder: 'Choose an epic or a PRD' });
  return picked && 'scope' in picked ? picked.scope : undefined;
}
