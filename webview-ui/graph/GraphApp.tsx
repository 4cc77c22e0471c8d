import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { GraphNode } from '../../src/core/graph';
import type { GraphFromWebview, GraphToWebview, GraphUpdateMessage, GraphViewOptions, GraphWebviewState } from '../../src/shared/graphProtocol';
import { assertNever } from '../../src/shared/webview';
import { ErrorBanner, stateText, Toolbar, ToolbarButton } from '../shared/components';
import type { EditorTheme, HostChannel } from '../shared/vscodeApi';
import { editorTheme, hostChannel, onHostMessage, onThemeChange } from '../shared/vscodeApi';
import { nodeKeyOf, renderMermaid } from './mermaidRender';

const MIN_ZOOM = 0.1;
const MAX_ZOOM = 4;
const clampZoom = (z: number) => Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, z));

interface Tip {
  readonly node: GraphNode;
  readonly x: number;
  readonly y: number;
}

export interface GraphAppProps {
  /** Component tests pass their own; in the webview it is VS Code's. */
  readonly channel?: HostChannel<GraphFromWebview, GraphWebviewState>;
  /** Component tests draw without mermaid (it needs a real layout engine). */
  readonly render?: (source: string, theme: EditorTheme) => Promise<{ svg: string }>;
}

/** The natural size of a drawn graph, from its viewBox. */
function naturalSize(svg: SVGSVGElement): { width: number; height: number } {
  const box = svg.viewBox?.baseVal;
  if (box && box.width > 0 && box.height > 0) return { width: box.width, height: box.height };
  return { width: Number(svg.getAttribute('width')) || 800, height: Number(svg.getAttribute('height')) || 600 };
}

export function GraphApp({ channel: given, render = renderMermaid }: GraphAppProps = {}) {
  const channel = useMemo(() => given ?? hostChannel<GraphFromWebview, GraphWebviewState>(), [given]);
  const saved = useMemo(() => channel.state(), [channel]);
  const [update, setUpdate] = useState<GraphUpdateMessage>();
  const [gone, setGone] = useState<string>();
  const [svg, setSvg] = useState<string>();
  const [error, setError] = useState<string>();
  const [zoom, setZoom] = useState(saved?.zoom ?? 1);
  const [theme, setTheme] = useState<EditorTheme>(() => editorTheme());
  const [tip, setTip] = useState<Tip>();
  const viewport = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLDivElement>(null);
  const received = useRef(0);
  const restoredScroll = useRef(false);
  const drag = useRef<{ x: number; y: number; left: number; top: number } | undefined>(undefined);
  /** The draw that finished and is waiting to be on screen, to be reported once it is. */
  const drawn = useRef<{ revision: number; started: number } | undefined>(undefined);

  const nodes = useMemo(() => new Map((update?.model.nodes ?? []).map((n) => [n.key, n])), [update]);

  useEffect(
    () =>
      onHostMessage<GraphToWebview>((message) => {
        switch (message.type) {
          case 'graph':
            received.current = performance.now();
            setGone(undefined);
            setUpdate(message);
            return;
          case 'gone':
            // Nothing is left to click: the nodes would open a file that is gone.
            setGone(message.message);
            setSvg(undefined);
            setTip(undefined);
            return;
          default:
            assertNever(message);
        }
      }),
    [],
  );
  useEffect(() => onThemeChange(setTheme), []);
  // Listening first, then ready: the host answers at once.
  // A block, not an expression: what `post` returns must not become the effect's cleanup.
  useEffect(() => {
    channel.post({ type: 'ready' });
  }, [channel]);

  // Draw whenever the graph or the theme changes. A newer update makes an older draw moot.
  useEffect(() => {
    if (!update) return;
    let current = true;
    const started = received.current || performance.now();
    render(update.model.source, theme).then(
      (result) => {
        if (!current) return;
        setError(undefined);
        drawn.current = { revision: update.revision, started };
        setSvg(result.svg);
      },
      (failure: unknown) => {
        if (!current) return;
        const message = failure instanceof Error ? failure.message : String(failure);
        setError(message);
        channel.post({ type: 'rendered', revision: update.revision, nodes: 0, ms: performance.now() - started, error: message });
      },
    );
    return () => {
      current = false;
    };
  }, [update, theme, render, channel]);

  // After each draw: the zoom applied, nodes made reachable from the keyboard, the scroll
  // position a reload had (only once: later draws keep wherever the user is).
  useLayoutEffect(() => {
    const element = canvas.current?.querySelector('svg');
    if (!element) return;
    const { width, height } = naturalSize(element);
    element.removeAttribute('style');
    element.setAttribute('width', String(width * zoom));
    element.setAttribute('height', String(height * zoom));
    for (const g of element.querySelectorAll('g.node')) {
      const key = nodeKeyOf(g);
      const node = key === undefined ? undefined : nodes.get(key);
      if (!node) continue;
      g.setAttribute('tabindex', '0');
      g.setAttribute('role', 'button');
      g.setAttribute('data-task', `${node.epicId}:${node.id}`);
      g.setAttribute('aria-label', node.kind === 'task' ? `${node.id} ${node.title}, ${stateText(node.state!)}` : `Milestone ${node.id} ${node.title}`);
    }
    if (!restoredScroll.current && saved && viewport.current) {
      viewport.current.scrollLeft = saved.scrollLeft;
      viewport.current.scrollTop = saved.scrollTop;
    }
    restoredScroll.current = true;
    if (drawn.current) {
      const { revision, started } = drawn.current;
      drawn.current = undefined;
      channel.post({ type: 'rendered', revision, nodes: element.querySelectorAll('g.node').length, ms: performance.now() - started });
    }
  }, [svg, zoom, nodes, saved, channel]);

  const options = update?.options;
  const saveState = useCallback(() => {
    if (!update) return;
    channel.saveState({
      scope: update.scope,
      options: update.options,
      zoom,
      scrollLeft: viewport.current?.scrollLeft ?? 0,
      scrollTop: viewport.current?.scrollTop ?? 0,
    });
  }, [channel, update, zoom]);
  useEffect(saveState, [saveState]);

  const setOptions = (next: Partial<GraphViewOptions>) => options && channel.post({ type: 'setOptions', options: { ...options, ...next } });

  const zoomBy = (factor: number) => setZoom((z) => clampZoom(z * factor));
  const fit = () => {
    const element = canvas.current?.querySelector('svg');
    if (!element || !viewport.current) return;
    const { width, height } = naturalSize(element);
    setZoom(clampZoom(Math.min((viewport.current.clientWidth - 16) / width, (viewport.current.clientHeight - 16) / height, 1.5)));
  };

  const nodeAt = (target: EventTarget | null): GraphNode | undefined => {
    const g = target instanceof Element ? target.closest('g.node') : null;
    const key = g ? nodeKeyOf(g) : undefined;
    return key === undefined ? undefined : nodes.get(key);
  };
  const open = (node: GraphNode) => update && channel.post({ type: 'openFile', folder: update.folder, path: node.path, line: node.line });
  const showTip = (node: GraphNode, target: Element) => {
    const box = target.getBoundingClientRect();
    setTip({ node, x: box.left + box.width / 2, y: box.bottom + 6 });
  };

  // The file leaves the editor, and its theme: it is drawn again with its own colours.
  const exportSvg = () => {
    if (!update) return;
    render(update.exportSource, 'light').then(
      (result) => channel.post({ type: 'exportSvg', svg: result.svg }),
      (failure: unknown) => setError(failure instanceof Error ? failure.message : String(failure)),
    );
  };

  // React listens to wheel events passively, so it cannot keep Ctrl+wheel from zooming the page.
  useEffect(() => {
    const element = viewport.current;
    if (!element) return;
    const onWheel = (event: WheelEvent) => {
      if (!event.ctrlKey && !event.metaKey) return;
      event.preventDefault();
      setZoom((z) => clampZoom(z * (event.deltaY < 0 ? 1.1 : 1 / 1.1)));
    };
    element.addEventListener('wheel', onWheel, { passive: false });
    return () => element.removeEventListener('wheel', onWheel);
  }, []);

  const model = update?.model;
  return (
    <div className="graph-app">
      <Toolbar label="Graph">
        <span className="title">{update ? update.title : 'Dependency graph'}</span>
        <ToolbarButton icon="zoom-out" label="Zoom Out" onClick={() => zoomBy(1 / 1.25)} />
        <span className="zoom-level" aria-live="polite">{Math.round(zoom * 100)}%</span>
        <ToolbarButton icon="zoom-in" label="Zoom In" onClick={() => zoomBy(1.25)} />
        <ToolbarButton icon="screen-full" label="Fit to Window" onClick={fit} />
        <span className="toolbar-separator" />
        <ToolbarButton icon="arrow-down" label="Top Down" pressed={options?.direction === 'TD'} onClick={() => setOptions({ direction: 'TD' })} />
        <ToolbarButton icon="arrow-right" label="Left to Right" pressed={options?.direction === 'LR'} onClick={() => setOptions({ direction: 'LR' })} />
        <ToolbarButton
          icon={options?.hideDone ? 'eye-closed' : 'eye'}
          label={options?.hideDone ? 'Show Done Tasks' : 'Hide Done Tasks'}
          pressed={options?.hideDone ?? false}
          onClick={() => setOptions({ hideDone: !options?.hideDone })}
        />
        <span className="toolbar-separator" />
        <ToolbarButton icon="export" label="Export as SVG" disabled={!svg} onClick={exportSvg} />
        <ToolbarButton icon="copy" label="Copy Mermaid Block" disabled={!model} onClick={() => channel.post({ type: 'copyMermaid' })} />
      </Toolbar>
      {gone && <ErrorBanner title="Nothing to draw" message={gone} />}
      {error && <ErrorBanner title="Mermaid could not draw this graph" message={error} />}
      {model && model.nodes.length === 0 && <p className="empty muted">This plan has no tasks to draw{model.hiddenDone > 0 ? `: all ${model.hiddenDone} are done and hidden` : ''}.</p>}
      {model && (
        <div className="legend muted" aria-hidden="true">
          <span className="key done">done</span>
          <span className="key in-progress">in progress</span>
          <span className="key ready">ready</span>
          <span className="key blocked">blocked</span>
          <span className="key critical">critical path</span>
          <span className="key next">▶ next</span>
          {model.hiddenDone > 0 && <span>{model.hiddenDone} done hidden</span>}
        </div>
      )}
      <div
        ref={viewport}
        className="viewport"
        onScroll={() => {
          setTip(undefined);
          saveState();
        }}
        onMouseDown={(event) => {
          if (nodeAt(event.target) || event.button !== 0 || !viewport.current) return;
          drag.current = { x: event.clientX, y: event.clientY, left: viewport.current.scrollLeft, top: viewport.current.scrollTop };
        }}
        onMouseMove={(event) => {
          if (!drag.current || !viewport.current) return;
          viewport.current.scrollLeft = drag.current.left - (event.clientX - drag.current.x);
          viewport.current.scrollTop = drag.current.top - (event.clientY - drag.current.y);
        }}
        onMouseUp={() => (drag.current = undefined)}
        onMouseLeave={() => (drag.current = undefined)}
      >
        <div
          ref={canvas}
          className="canvas"
          onClick={(event) => {
            const node = nodeAt(event.target);
            if (node) open(node);
          }}
          onKeyDown={(event) => {
            const node = nodeAt(event.target);
            if (node && (event.key === 'Enter' || event.key === ' ')) {
              event.preventDefault();
              open(node);
            }
          }}
          onMouseOver={(event) => {
            const node = nodeAt(event.target);
            if (node) showTip(node, (event.target as Element).closest('g.node')!);
          }}
          onMouseOut={(event) => {
            if (nodeAt(event.target) && !nodeAt(event.relatedTarget)) setTip(undefined);
          }}
          onFocus={(event) => {
            const node = nodeAt(event.target);
            if (node) showTip(node, event.target as Element);
          }}
          onBlur={() => setTip(undefined)}
          // Mermaid's output, drawn with securityLevel 'strict': it has no scripts or handlers.
          dangerouslySetInnerHTML={svg ? { __html: svg } : undefined}
        />
      </div>
      {tip && <NodeTip tip={tip} />}
    </div>
  );
}

function NodeTip({ tip }: { readonly tip: Tip }) {
  const { node } = tip;
  return (
    <div className="node-tip" role="tooltip" style={{ left: tip.x, top: tip.y }}>
      <div className="tip-title">
        {node.kind === 'milestone' ? `Milestone ${node.id}` : node.id}: {node.title}
      </div>
      {node.kind === 'task' && node.state && (
        <div>
          {stateText(node.state)}
          {node.critical ? ' · on the critical path' : ''}
          {node.next ? ' · next' : ''}
        </div>
      )}
      {node.when && <div>When: {node.when}</div>}
      {node.estimate && <div>Estimate: {node.estimate}</div>}
      {node.issue !== undefined && <div>Issue: #{node.issue}</div>}
      {node.waitsFor.length > 0 && <div>{node.kind === 'milestone' ? 'Open tasks' : 'Waits for'}: {node.waitsFor.join(', ')}</div>}
      {node.unblocks.length > 0 && <div>Unblocks: {node.unblocks.join(', ')}</div>}
    </div>
  );
}
