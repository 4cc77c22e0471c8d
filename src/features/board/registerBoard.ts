import * as vscode from 'vscode';
import { Commands } from '../../common/commands';
import type { BoardFilter } from '../../core/board';
import type { BoardPanelScope } from '../../shared/boardProtocol';
import { progressText } from '../presentation';
import { PanelRegistry } from '../webviews/panelRegistry';
import type { BoardServices } from './boardPanel';
import { BOARD_VIEW_TYPE, BoardPanel, boardScopeKey, restoredBoardState } from './boardPanel';
import { epicRef, epicRefOf } from '../../core/model';

interface ScopePick extends vscode.QuickPickItem {
  readonly scope: BoardPanelScope;
}

/** The open boards, one per scope: opening one again brings it forward. */
export class BoardPanels extends PanelRegistry<BoardPanelScope, BoardFilter, BoardPanel> {
  constructor(services: BoardServices) {
    super({
      viewType: BOARD_VIEW_TYPE,
      title: () => 'Board',
      key: boardScopeKey,
      create: (panel, scope, filter) => new BoardPanel(panel, services, scope, filter),
      restore: (state) => {
        const restored = restoredBoardState(state);
        return restored && { scope: restored.scope, extra: restored.filter };
      },
      ready: () => services.workspace.ready(),
    });
  }
}

export function registerBoard(context: vscode.ExtensionContext, services: BoardServices): BoardPanels {
  const boards = new BoardPanels(services);
  context.subscriptions.push(boards);
  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(BOARD_VIEW_TYPE, boards.serializer),
    vscode.commands.registerCommand(Commands.openBoard, async (arg?: unknown) => {
      await services.workspace.ready();
      const scope = boardScopeFromArgument(arg) ?? (await pickScope(services));
      return scope ? boards.show(scope) : undefined;
    }),
  );
  return boards;
}

/**
 * What a command argument names: `{ folder, epicPath }` (CodeLens and other commands),
 * `{ folder, sprintId }`, `{ folder }` alone for every epic, or a tree node holding an epic.
 */
export function boardScopeFromArgument(arg: unknown): BoardPanelScope | undefined {
  if (!arg || typeof arg !== 'object') return undefined;
  const candidate = ('entry' in arg ? (arg as { entry: unknown }).entry : arg) as {
    folder?: unknown;
    epicPath?: unknown;
    sprintId?: unknown;
    epic?: { path?: unknown };
  };
  const folder = typeof candidate.folder === 'string' ? candidate.folder : (candidate.folder as { key?: unknown } | undefined)?.key;
  if (typeof folder !== 'string') return undefined;
  const epicPath = typeof candidate.epicPath === 'string' ? candidate.epicPath : epicRefOf(candidate.epic);
  if (typeof epicPath === 'string') return { kind: 'epic', folder, epicPath };
  if (typeof candidate.sprintId === 'string') return { kind: 'sprint', folder, sprintId: candidate.sprintId };
  return { kind: 'all', folder };
}

async function pickScope(services: BoardServices): Promise<BoardPanelScope | undefined> {
  const { workspace } = services;
  const folders = workspace.allFolders.filter((f) => f.index.allEpics.length > 0);
  if (folders.length === 0) {
    void vscode.window.showInformationMessage('This workspace has no epics yet.');
    return undefined;
  }
  const multiRoot = workspace.allFolders.length > 1;
  const items: Array<ScopePick | vscode.QuickPickItem> = [];
  for (const folder of folders) {
    const where = multiRoot ? ` · ${folder.folder.name}` : '';
    items.push({
      label: '$(project) All epics',
      description: `${folder.index.allEpics.length} ${folder.index.allEpics.length === 1 ? 'epic' : 'epics'}${where}`,
      scope: { kind: 'all', folder: folder.key },
    });
  }
  const sprints = folders.flatMap((folder) => folder.index.sprints.map((sprint) => ({ folder, sprint })));
  if (sprints.length > 0) items.push({ label: 'Sprints', kind: vscode.QuickPickItemKind.Separator });
  for (const { folder, sprint } of sprints) {
    items.push({
      label: `$(calendar) ${sprint.name}`,
      description: `${sprint.start && sprint.end ? `${sprint.start} – ${sprint.end}` : `${sprint.taskKeys.length} tasks`}${multiRoot ? ` · ${folder.folder.name}` : ''}`,
      scope: { kind: 'sprint', folder: folder.key, sprintId: sprint.id },
    });
  }
  items.push({ label: 'Epics', kind: vscode.QuickPickItemKind.Separator });
  for (const e of workspace.epics()) {
    items.push({
      label: `$(checklist) ${e.epic.title || e.epic.id}`,
      description: `${progressText(e.analysis.counts)}${multiRoot ? ` · ${e.folder.folder.name}` : ''}`,
      scope: { kind: 'epic', folder: e.folder.key, epicPath: epicRef(e.epic) },
    });
  }
  const picked = await vscode.window.showQuickPick(items, { title: 'Open Board', placeHolder: 'Choose every epic, a sprint or an epic' });
  return picked && 'scope' in picked ? picked.scope : undefined;
}
