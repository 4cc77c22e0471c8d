import type { GraphDirection, GraphModel } from '../core/graph';
import type { OpenFileMessage, OpenUrlMessage, ReadyMessage } from './webview';

/** What a graph panel shows: one epic, or every epic of a PRD together. */
export type GraphScope =
  | { readonly kind: 'epic'; readonly folder: string; readonly epicPath: string }
  | { readonly kind: 'prd'; readonly folder: string; readonly prdPath: string };

export interface GraphViewOptions {
  readonly direction: GraphDirection;
  readonly hideDone: boolean;
}

/** The graph to draw; sent after `ready` and again whenever the plan changes. */
export interface GraphUpdateMessage {
  readonly type: 'graph';
  readonly title: string;
  readonly scope: GraphScope;
  readonly folder: string;
  readonly options: GraphViewOptions;
  readonly model: GraphModel;
  /** The same graph with its own colours, for an SVG that leaves the editor's theme behind. */
  readonly exportSource: string;
  /** Increases with every update, so the webview can tell a redraw from a repeat. */
  readonly revision: number;
}

/** The plan the panel showed is gone (file deleted, epic renamed). */
export interface GraphGoneMessage {
  readonly type: 'gone';
  readonly message: string;
}

export type GraphToWebview = GraphUpdateMessage | GraphGoneMessage;

export interface GraphOptionsMessage {
  readonly type: 'setOptions';
  readonly options: GraphViewOptions;
}

/** Mermaid drew the graph (or failed to): for the host's log, tests and the benchmark. */
export interface GraphRenderedMessage {
  readonly type: 'rendered';
  readonly revision: number;
  readonly nodes: number;
  readonly ms: number;
  readonly error?: string;
}

export interface GraphExportMessage {
  readonly type: 'exportSvg';
  readonly svg: string;
}

export interface GraphCopyMessage {
  readonly type: 'copyMermaid';
}

export type GraphFromWebview =
  | ReadyMessage
  | OpenFileMessage
  | OpenUrlMessage
  | GraphOptionsMessage
  | GraphRenderedMessage
  | GraphExportMessage
  | GraphCopyMessage;

/** What the webview keeps with `setState`; the serializer reads `scope` to restore the panel. */
export interface GraphWebviewState {
  readonly scope: GraphScope;
  readonly options: GraphViewOptions;
  readonly zoom: number;
  readonly scrollLeft: number;
  readonly scrollTop: number;
}
