/**
 * The webview's side of the channel to the extension host, typed by the panel's protocol.
 * `acquireVsCodeApi` may be called once per page, so the app asks for it here, once.
 */
interface VsCodeApi<State> {
  postMessage(message: unknown): void;
  getState(): State | undefined;
  setState(state: State): void;
}

declare function acquireVsCodeApi<State>(): VsCodeApi<State>;

export interface HostChannel<FromWebview, State> {
  post(message: FromWebview): void;
  state(): State | undefined;
  saveState(state: State): void;
}

let api: VsCodeApi<unknown> | undefined;

export function hostChannel<FromWebview, State>(): HostChannel<FromWebview, State> {
  api ??= typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi<unknown>() : memoryApi();
  const channel = api;
  return {
    post: (message) => channel.postMessage(message),
    state: () => channel.getState() as State | undefined,
    saveState: (state) => channel.setState(state),
  };
}

/** Outside VS Code (component tests) messages go nowhere and state lives in memory. */
function memoryApi(): VsCodeApi<unknown> {
  let state: unknown;
  return { postMessage: () => undefined, getState: () => state, setState: (s) => (state = s) };
}

function isMessage(value: unknown): value is { readonly type: string } {
  return !!value && typeof value === 'object' && typeof (value as { type?: unknown }).type === 'string';
}

/** The messages the host wrote into the page, once: the first listener gets them. */
function takeInitialMessages(): unknown[] {
  const element = document.getElementById('autopm-initial');
  if (!element) return [];
  element.remove();
  try {
    const messages = JSON.parse(element.textContent ?? '') as unknown;
    return Array.isArray(messages) ? messages.filter(isMessage) : [];
  } catch {
    // Then the page waits for the host's answer to `ready`, as it would without them.
    return [];
  }
}

/**
 * Listens to what the host posts; returns the function that stops listening. The state the
 * host wrote into the page arrives first, before the page says ready.
 */
export function onHostMessage<ToWebview>(listener: (message: ToWebview) => void): () => void {
  const handler = (event: MessageEvent) => {
    if (isMessage(event.data)) listener(event.data as ToWebview);
  };
  window.addEventListener('message', handler);
  for (const message of takeInitialMessages()) listener(message as ToWebview);
  return () => window.removeEventListener('message', handler);
}

export type EditorTheme = 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';

/** The editor's theme kind, from the class VS Code puts on the body. */
export function editorTheme(body: HTMLElement = document.body): EditorTheme {
  const classes = body.classList;
  if (classes.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (classes.contains('vscode-high-contrast')) return 'high-contrast';
  return classes.contains('vscode-dark') ? 'dark' : 'light';
}

/** Calls back when the user switches themes (VS Code changes the body's classes). */
export function onThemeChange(listener: (theme: EditorTheme) => void): () => void {
  const observer = new MutationObserver(() => listener(editorTheme()));
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  return () => observer.disconnect();
}
