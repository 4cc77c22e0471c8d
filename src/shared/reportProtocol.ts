import type { EpicReport, ProjectReport } from '../core/report';
import type { OpenFileMessage, OpenUrlMessage, ReadyMessage } from './webview';

/** What a report panel shows: one epic's status, or the project's (one workspace folder). */
export type ReportScope =
  | { readonly kind: 'epic'; readonly folder: string; readonly epicPath: string }
  | { readonly kind: 'project'; readonly folder: string };

export interface ReportUpdateMessage {
  readonly type: 'report';
  readonly scope: ReportScope;
  readonly report: EpicReport | ProjectReport;
  /**
   * Where the burndown's dates come from: the git history, or the files' own dates; or
   * `pending` while they are being read (the report is drawn first, the burndown follows).
   */
  readonly historySource: 'history' | 'file-dates' | 'pending';
  readonly revision: number;
}

export interface ReportGoneMessage {
  readonly type: 'gone';
  readonly message: string;
}

/** The report could not be built; the panel says so rather than stay blank. */
export interface ReportErrorMessage {
  readonly type: 'error';
  readonly message: string;
}

export type ReportToWebview = ReportUpdateMessage | ReportGoneMessage | ReportErrorMessage;

export interface ReportExportMessage {
  readonly type: 'exportMarkdown';
}

/** The report is on screen: for tests and the benchmark. */
export interface ReportRenderedMessage {
  readonly type: 'rendered';
  readonly revision: number;
  readonly ms: number;
}

export type ReportFromWebview = ReadyMessage | OpenFileMessage | OpenUrlMessage | ReportExportMessage | ReportRenderedMessage;

export interface ReportWebviewState {
  readonly scope: ReportScope;
}
