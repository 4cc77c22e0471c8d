import type { SprintReport } from '../core/sprintReport';
import type { OpenFileMessage, OpenUrlMessage, ReadyMessage } from './webview';

/** What a sprint panel shows: one sprint of one workspace folder, by its id. */
export interface SprintScope {
  readonly folder: string;
  readonly sprintId: string;
}

/** The report to draw; sent after `ready` and again whenever the plan or the day changes. */
export interface SprintUpdateMessage {
  readonly type: 'sprint';
  readonly scope: SprintScope;
  readonly report: SprintReport;
  /** Increases with every update, so the webview can tell a redraw from a repeat. */
  readonly revision: number;
}

/** The sprint the panel showed is gone (file deleted or renamed). */
export interface SprintGoneMessage {
  readonly type: 'gone';
  readonly message: string;
}

export type SprintToWebview = SprintUpdateMessage | SprintGoneMessage;

/** The webview drew a revision: for the host's log and the tests. */
export interface SprintRenderedMessage {
  readonly type: 'rendered';
  readonly revision: number;
  /** Points the burndown chart drew (0 when there is no chart). */
  readonly points: number;
}

export type SprintFromWebview = ReadyMessage | OpenFileMessage | OpenUrlMessage | SprintRenderedMessage;

/** What the webview keeps with `setState`; the serializer reads `scope` to restore the panel. */
export interface SprintWebviewState {
  readonly scope: SprintScope;
}
