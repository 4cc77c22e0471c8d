import type * as vscode from 'vscode';
import type { BoardColumnId, BoardFilter, BoardModel } from '../../core/board';
import { buildBoard, findCard } from '../../core/board';
import type { BoardFromWebview, BoardMoveResultMessage, BoardPanelScope, BoardToWebview, BoardWebviewState } from '../../shared/boardProtocol';
import { isBoardColumn } from '../../shared/boardProtocol';
import { assertNever } from '../../shared/webview';
import type { TaskStateServices } from '../tasks/taskCommands';
import { changeTaskState } from '../tasks/taskCommands';
import type { OwnMessage, PanelServices } from '../webviews/panelHost';
import { PanelHost } from '../webviews/panelHost';

export const BOARD_VIEW_TYPE = 'autopm.board';

/** The panel services, and what changing a task's state needs (the same as the task commands). */
export type BoardServices = PanelServices & TaskStateServices;

export function boardScopeKey(scope: BoardPanelScope): string {
  const what = scope.kind === 'epic' ? scope.epicPath : scope.kind === 'sprint' ? scope.sprintId : '';
  return `${scope.kind}:${scope.folder}#${what}`;
}

/**
 * One kanban board. It follows the index: every change to its folder's plans redraws it,
 * the moves made on the board included (they edit the files, and the index hears of it).
 */
export class BoardPanel extends PanelHost<BoardToWebview, BoardFromWebview> {
  private revision = 0;
  private fingerprint: string | undefined;
  private model: BoardModel | undefined;

  constructor(
    panel: vscode.WebviewPanel,
    private readonly boardServices: BoardServices,
    readonly scope: BoardPanelScope,
    private filter: BoardFilter = {},
  ) {
    super(panel, boardServices, 'board');
    this.followPlans(scope.folder, () => this.update(false));
    this.load();
  }

  protected override embed(): void {
    this.update(true);
  }

  /** The board as last sent. */
  get current(): BoardModel | undefined {
    return this.model;
  }

  protected onReady(pageIsCurrent: boolean): void {
    this.update(!pageIsCurrent);
  }

  /** Builds the board again; posts it when it differs from what the webview has (or `always`). */
  update(always: boolean): void {
    const folder = this.services.workspace.folderByKey(this.scope.folder);
    const model = folder && buildBoard({ analyses: folder.index.allAnalyses(), sprints: folder.index.sprints, scope: this.scope, filter: this.filter });
    if (!folder || !model || !model.found) {
      this.model = undefined;
      this.fingerprint = undefined;
      this.post({ type: 'gone', message: `This ${this.scope.kind === 'sprint' ? 'sprint' : 'plan'} is no longer in the workspace: its file was moved or deleted.` });
      return;
    }
    this.panel.title = `Board: ${model.title}`;
    // Typing that changes nothing a card shows (a description, a note) redraws nothing.
    const fingerprint = JSON.stringify(model);
    if (!always && fingerprint === this.fingerprint) return;
    this.fingerprint = fingerprint;
    this.model = model;
    this.post({ type: 'board', scope: this.scope, folder: folder.key, model, revision: ++this.revision });
  }

  /**
   * Handles a message as if the webview had posted it, and resolves once it is handled: the
   * integration tests move cards this way and then read the files.
   */
  handle(message: OwnMessage<BoardFromWebview>): Promise<void> {
    return Promise.resolve(this.onMessage(message));
  }

  protected async onMessage(message: OwnMessage<BoardFromWebview>): Promise<void> {
    switch (message.type) {
      case 'moveCard':
        if (typeof message.key !== 'string' || !isBoardColumn(message.to)) return;
        return this.moveCard(message.key, message.to);
      case 'setFilter':
        this.filter = {
          ...(typeof message.filter?.epic === 'string' ? { epic: message.filter.epic } : {}),
          ...(typeof message.filter?.sprint === 'string' ? { sprint: message.filter.sprint } : {}),
        };
        return this.update(true);
      default:
        assertNever(message);
    }
  }

  /**
   * Start, Complete or Reopen, by the same code as the commands: a blocked card moved to
   * in progress asks the same question Start Task asks, and stays put unless the user says
   * Start Anyway. A done card moved to in progress is started again (its box unticked, its
   * status in progress), which no command offers but the edit supports.
   */
  private async moveCard(key: string, to: BoardColumnId): Promise<void> {
    const result = (outcome: BoardMoveResultMessage['outcome'], text?: string) =>
      this.post({ type: 'moveResult', key, to, outcome, ...(text !== undefined ? { message: text } : {}) });
    const card = this.model && findCard(this.model, key);
    const entry = card && this.services.workspace.findTask({ folder: this.scope.folder, epicPath: card.epicPath, taskId: card.taskId });
    if (!card || !entry) {
      result('failed', `The task ${card ? card.label : key} is no longer in the plan.`);
      return;
    }
    let outcome;
    try {
      outcome = await changeTaskState(this.boardServices, entry, to);
    } catch (error) {
      // A file that cannot be written (read-only, gone) must not leave the card "moving".
      const text = error instanceof Error ? error.message : String(error);
      this.services.log.error(`[Board] could not move ${key} to ${to}: ${text}`);
      return result('failed', text);
    }
    switch (outcome.kind) {
      case 'changed':
        this.services.log.info(`[Board] moved ${key} to ${to}`);
        return result('moved');
      case 'declined':
        return result('declined');
      case 'unchanged':
      case 'failed':
        return result(outcome.kind, outcome.message);
      default:
        assertNever(outcome);
    }
  }
}

/** Reads a restored panel's state defensively: it comes from an older version, or from nowhere. */
export function restoredBoardState(state: unknown): { scope: BoardPanelScope; filter: BoardFilter } | undefined {
  if (!state || typeof state !== 'object') return undefined;
  const { scope, filter } = state as Partial<BoardWebviewState>;
  if (!scope || typeof scope !== 'object' || typeof scope.folder !== 'string') return undefined;
  const valid =
    scope.kind === 'all' || (scope.kind === 'epic' && typeof scope.epicPath === 'string') || (scope.kind === 'sprint' && typeof scope.sprintId === 'string');
  if (!valid) return undefined;
  return {
    scope,
    filter: {
      ...(typeof filter?.epic === 'string' ? { epic: filter.epic } : {}),
      ...(typeof filter?.sprint === 'string' ? { sprint: filter.sprint } : {}),
    },
  };
}
