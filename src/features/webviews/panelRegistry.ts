import * as vscode from 'vscode';
import { Disposable } from '../../common/lifecycle';
import type { PanelHost } from './panelHost';

/** Any panel host: the registry only opens, reveals and disposes them. */
export type AnyPanelHost = PanelHost<{ readonly type: string }, { readonly type: string }>;

/** What a restored webview's saved state names: the scope, and whatever else the panel keeps. */
export interface RestoredPanel<Scope, Extra> {
  readonly scope: Scope;
  readonly extra?: Extra;
}

/** What a registry needs to know of its kind of panel. */
export interface PanelKind<Scope, Extra, Host extends AnyPanelHost> {
  readonly viewType: string;
  /** The tab's title until the host names it. */
  readonly title: (scope: Scope) => string;
  /** Scopes with the same key are the same panel. */
  readonly key: (scope: Scope) => string;
  readonly create: (panel: vscode.WebviewPanel, scope: Scope, extra: Extra | undefined) => Host;
  /** Reads the state a webview saved; undefined when it names nothing this panel can show. */
  readonly restore: (state: unknown) => RestoredPanel<Scope, Extra> | undefined;
  /** Restored panels wait for it: their scopes name plans, which are known once it resolves. */
  readonly ready: () => Promise<unknown>;
}

/**
 * The open panels of one kind, one per scope: showing a scope again brings its panel
 * forward, and panels VS Code restores after a reload are taken over through `serializer`.
 */
export class PanelRegistry<Scope, Extra, Host extends AnyPanelHost> extends Disposable {
  private readonly open = new Map<string, Host>();
  private readonly _onDidOpen = this._register(new vscode.EventEmitter<Host>());
  /** A panel got a host: opened by `show`, or restored. */
  readonly onDidOpen = this._onDidOpen.event;

  /** Register it with `registerWebviewPanelSerializer` for the kind's view type. */
  readonly serializer: vscode.WebviewPanelSerializer = {
    deserializeWebviewPanel: (panel, state) => this.restore(panel, state),
  };

  constructor(private readonly kind: PanelKind<Scope, Extra, Host>) {
    super();
    this._register({
      dispose: () => {
        const hosts = [...this.open.values()];
        this.open.clear();
        hosts.forEach((host) => host.dispose());
      },
    });
  }

  get panels(): readonly Host[] {
    return [...this.open.values()];
  }

  /** The scope's panel, brought forward; a new one when none is open. */
  show(scope: Scope, extra?: Extra): Host {
    const existing = this.open.get(this.kind.key(scope));
    if (existing) {
      existing.panel.reveal(undefined, false);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(this.kind.viewType, this.kind.title(scope), vscode.ViewColumn.Active, { enableScripts: true });
    return this.adopt(panel, scope, extra);
  }

  /**
   * Takes over a panel, such as one VS Code restored after a reload. When its scope is
   * already open, one of the two stays and the other is closed: two panels of one scope
   * would each follow the plans, but only one could be brought forward or found again.
   * Returns the host that shows the scope.
   */
  adopt(panel: vscode.WebviewPanel, scope: Scope, extra?: Extra): Host {
    const key = this.kind.key(scope);
    const existing = this.open.get(key);
    // The one the user is looking at stays: closing the tab they just clicked, or the one
    // in front of them, would look like the panel failed. When neither is more in view,
    // the live one stays: its page has drawn, and whoever opened it holds it.
    if (existing && prominence(panel) <= prominence(existing.panel)) {
      panel.dispose();
      return existing;
    }
    const host = this.kind.create(panel, scope, extra);
    this.open.set(key, host);
    host.onDidDispose(() => {
      if (this.open.get(key) === host) this.open.delete(key);
    });
    // After the new host holds the key, so that closing the old one leaves the key as it is.
    existing?.dispose();
    this._onDidOpen.fire(host);
    return host;
  }

  private async restore(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const restored = this.kind.restore(state);
    if (!restored) {
      // Nothing says what it showed: an empty panel would only confuse.
      panel.dispose();
      return;
    }
    // The user can close the tab, or the extension stop, while the plans are still read;
    // a disposed panel cannot be given a page.
    let closed = false;
    const listener = panel.onDidDispose(() => (closed = true));
    try {
      await this.kind.ready();
    } finally {
      listener.dispose();
    }
    if (closed) return;
    if (this.isDisposed) {
      panel.dispose();
      return;
    }
    this.adopt(panel, restored.scope, restored.extra);
  }
}

/** How much of a panel the user sees: the active editor, visible in a group, or a tab behind others. */
function prominence(panel: vscode.WebviewPanel): number {
  return panel.active ? 2 : panel.visible ? 1 : 0;
}
