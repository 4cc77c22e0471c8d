import * as vscode from 'vscode';
import { Disposable } from '../../common/lifecycle';
import type { OpenFileMessage, OpenUrlMessage, ReadyMessage, WebviewApp } from '../../shared/webview';
import type { ExternalOpener } from '../../services/externalOpener';
import type { PlanHistoryService } from '../../services/planHistory';
import type { PlanWorkspace } from '../../services/planWorkspace';
import { openAtLine } from '../presentation';
import { webviewHtml, webviewOptions } from './webviewHtml';

export interface TracedMessage {
  readonly direction: 'toWebview' | 'fromWebview';
  readonly message: { readonly type: string };
  /** `performance.now()` when it was posted or received. */
  readonly at: number;
  /** Sent inside the page's HTML rather than posted: the page draws it before saying ready. */
  readonly embedded?: boolean;
}

/** A panel's own messages: the ones every panel shares are handled by the base. */
export type OwnMessage<FromWebview> = Exclude<FromWebview, ReadyMessage | OpenFileMessage | OpenUrlMessage>;

/** What every panel host needs from the extension. */
export interface PanelServices {
  readonly extensionUri: vscode.Uri;
  readonly workspace: PlanWorkspace;
  readonly links: ExternalOpener;
  readonly log: vscode.LogOutputChannel;
  /** When tasks were done, for burndowns. */
  readonly history: PlanHistoryService;
  /** Fires when the local day changes, for views that count days up to today. */
  readonly onDidChangeDay: vscode.Event<void>;
}

/** The last messages kept per panel: enough to see a conversation, bounded for long sessions. */
const TRACE_LIMIT = 200;

/**
 * The host side of one webview panel: its HTML, the `ready` handshake (nothing is posted
 * before the app listens: it would be lost, and `onReady` sends the whole state anyway),
 * and a trace of the messages both ways, which the integration tests read.
 */
export abstract class PanelHost<ToWebview extends { readonly type: string }, FromWebview extends { readonly type: string }> extends Disposable {
  private ready = false;
  /** While the page is being written: what the panel posts goes into its HTML. */
  private capture: ToWebview[] | undefined;
  /** The page carries the panel's state, and nothing has been posted since it was written. */
  private embeddedCurrent = false;
  readonly trace: TracedMessage[] = [];

  private readonly _onDidExchange = this._register(new vscode.EventEmitter<TracedMessage>());
  /** A message was posted or received. */
  readonly onDidExchange = this._onDidExchange.event;
  private readonly _onDidDispose = this._register(new vscode.EventEmitter<void>());
  readonly onDidDispose = this._onDidDispose.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    protected readonly services: PanelServices,
    readonly app: WebviewApp,
    inlineStyles = false,
  ) {
    super();
    panel.webview.options = webviewOptions(services.extensionUri);
    panel.iconPath = vscode.Uri.joinPath(services.extensionUri, 'media', 'icon.svg');
    this._register(panel.webview.onDidReceiveMessage((message: FromWebview) => this.receive(message)));
    this._register(panel.onDidDispose(() => this.dispose()));
    this.inlineStyles = inlineStyles;
  }

  private readonly inlineStyles: boolean;

  /**
   * Writes the page, with the panel's state inside it: the page draws at once instead of
   * waiting for a round trip through `ready` (a tenth of a second, about a third of what
   * opening a panel costs). Subclasses call it at the end of their constructor.
   */
  protected load(): void {
    this.capture = [];
    try {
      this.embed();
    } finally {
      const initial = this.capture;
      this.capture = undefined;
      const at = performance.now();
      for (const message of initial) this.record({ direction: 'toWebview', message, at, embedded: true });
      this.embeddedCurrent = initial.length > 0;
      this.panel.webview.html = webviewHtml(this.panel.webview, this.services.extensionUri, {
        app: this.app,
        title: this.panel.title,
        inlineStyles: this.inlineStyles,
        initial,
      });
    }
  }

  /** Posts what the page should start with; it is written into the page. None by default. */
  protected embed(): void {}

  /** Whether the app has said it is ready since it was last loaded. */
  get isReady(): boolean {
    return this.ready;
  }

  protected post(message: ToWebview): void {
    if (this.capture) {
      this.capture.push(message);
      return;
    }
    if (!this.ready) {
      // Lost: the page will need everything when it says ready.
      this.embeddedCurrent = false;
      return;
    }
    this.record({ direction: 'toWebview', message, at: performance.now() });
    void this.panel.webview.postMessage(message);
  }

  private receive(message: FromWebview): void {
    if (!message || typeof message !== 'object' || typeof message.type !== 'string') return;
    this.record({ direction: 'fromWebview', message, at: performance.now() });
    if (message.type === 'ready') {
      // A webview that was hidden and shown again is a new page: it says ready again and
      // needs everything again. Panels send their whole state in `onReady`.
      this.ready = true;
      // The first page already holds the state, unless something changed while it loaded.
      // A page loaded again (hidden and shown) starts from that old state and needs it all.
      const current = this.embeddedCurrent;
      this.embeddedCurrent = false;
      this.onReady(current);
      return;
    }
    try {
      const handled =
        message.type === 'openFile'
          ? this.openFile(message as unknown as OpenFileMessage)
          : message.type === 'openUrl'
            ? this.openUrl((message as unknown as OpenUrlMessage).url)
            : this.onMessage(message as OwnMessage<FromWebview>);
      if (handled instanceof Promise) handled.catch((error: unknown) => this.failed(message, error));
    } catch (error) {
      this.failed(message, error);
    }
  }

  private failed(message: FromWebview, error: unknown): void {
    this.services.log.error(`[${this.app}] ${message.type} failed: ${(error as Error).message ?? String(error)}`);
    void vscode.window.showErrorMessage(`AutoPM: ${(error as Error).message ?? String(error)}`);
  }

  private record(entry: TracedMessage): void {
    this.trace.push(entry);
    if (this.trace.length > TRACE_LIMIT) this.trace.splice(0, this.trace.length - TRACE_LIMIT);
    this._onDidExchange.fire(entry);
  }

  /** Calls `update` whenever the plans of a workspace folder change, or everything may have (a rebuild). */
  protected followPlans(folderKey: string, update: () => unknown): void {
    this._register(
      this.services.workspace.onDidChange((event) => {
        if (!event || event.folder.key === folderKey) void update();
      }),
    );
  }

  /**
   * Posts the panel's whole state; called on every `ready`. `pageIsCurrent`: the page was
   * written with the state and nothing changed since, so only what is newer need be posted.
   */
  protected abstract onReady(pageIsCurrent: boolean): void;

  /** Messages other than `ready`, `openFile` and `openUrl`, which every panel answers alike. */
  protected abstract onMessage(message: OwnMessage<FromWebview>): void | Promise<void>;

  /**
   * Opens a plan file of a workspace folder beside the panel. A message is data: only a
   * file inside that folder, at a real line, is opened.
   */
  protected async openFile(message: OpenFileMessage): Promise<void> {
    const folder = this.services.workspace.folderByKey(message.folder);
    if (!folder || typeof message.path !== 'string' || !Number.isInteger(message.line) || message.line < 0) return;
    const uri = folder.uriOf(message.path);
    const inside = folder.relativePath(uri);
    if (inside === undefined || inside === '') return;
    // The group right of the panel, the same one every time: `Beside` is relative to the
    // active group, which after the first click is the editor just opened.
    const column = ((this.panel.viewColumn ?? vscode.ViewColumn.One) + 1) as vscode.ViewColumn;
    await openAtLine(uri, message.line, false, column);
  }

  protected openUrl(url: string): void {
    // Only web addresses: a message is data, and must not make the editor run anything.
    if (/^https?:\/\//i.test(url)) void this.services.links.open(vscode.Uri.parse(url));
  }

  override dispose(): void {
    if (this.isDisposed) return;
    // Before the emitters go: whoever keeps a list of panels hears of it either way.
    this._onDidDispose.fire();
    super.dispose();
    this.panel.dispose();
  }
}
