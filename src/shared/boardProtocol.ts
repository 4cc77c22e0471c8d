import type { BoardColumnId, BoardFilter, BoardModel, BoardScope } from '../core/board';
import type { OpenFileMessage, OpenUrlMessage, ReadyMessage } from './webview';

/** What a board panel shows: one epic, one sprint or every epic, of one workspace folder. */
export type BoardPanelScope = BoardScope & { readonly folder: string };

/** The board to draw; sent after `ready` and again whenever the plan changes. */
export interface BoardUpdateMessage {
  readonly type: 'board';
  readonly scope: BoardPanelScope;
  /** The workspace folder, for `openFile`. */
  readonly folder: string;
  readonly model: BoardModel;
  /** Increases with every update, so the webview can tell a redraw from a repeat. */
  readonly revision: number;
}

/** The plan the panel showed is gone (epic deleted, sprint renamed, folder closed). */
export interface BoardGoneMessage {
  readonly type: 'gone';
  readonly message: string;
}

/**
 * How a `moveCard` ended. `moved`: the files changed (a `board` update follows);
 * `declined`: the user said no to starting a blocked task; `unchanged` and `failed` carry
 * the sentence the webview shows inline.
 */
export interface BoardMoveResultMessage {
  readonly type: 'moveResult';
  readonly key: string;
  readonly to: BoardColumnId;
  readonly outcome: 'moved' | 'declined' | 'unchanged' | 'failed';
  readonly message?: string;
}

export type BoardToWebview = BoardUpdateMessage | BoardGoneMessage | BoardMoveResultMessage;

/** Moves a card to a column: Start, Complete or Reopen on its task. */
export interface BoardMoveCardMessage {
  readonly type: 'moveCard';
  readonly key: string;
  readonly to: BoardColumnId;
}

export interface BoardSetFilterMessage {
  readonly type: 'setFilter';
  readonly filter: BoardFilter;
}

export type BoardFromWebview = ReadyMessage | OpenFileMessage | OpenUrlMessage | BoardMoveCardMessage | BoardSetFilterMessage;

/** What the webview keeps with `setState`; the serializer reads `scope` and `filter` to restore the panel. */
export interface BoardWebviewState {
  readonly scope: BoardPanelScope;
  readonly filter: BoardFilter;
  /** The card that had the focus, to give it back after a reload. */
  readonly focused?: string;
}

export function isBoardColumn(value: unknown): value is BoardColumnId {
  return value === 'open' || value === 'in-progress' || value === 'done';
}
