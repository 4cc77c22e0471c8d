import 'global-jsdom/register';
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import type { GraphModel, GraphOptions } from '../../../src/core/graph';
import { buildGraph } from '../../../src/core/graph';
import type { GraphFromWebview, GraphRenderedMessage, GraphToWebview, GraphViewOptions, GraphWebviewState } from '../../../src/shared/graphProtocol';
import { GraphApp } from '../../../webview-ui/graph/GraphApp';
import type { EditorTheme } from '../../../webview-ui/shared/vscodeApi';
import { examplesDir, indexOf } from '../helpers';

const FOLDER = 'file:///work/examples';
const EPIC_001 = 'epics/epic-001-link-shortener.md';
const SCOPE = { kind: 'epic', folder: FOLDER, epicPath: EPIC_001 } as const;
const TD: GraphViewOptions = { direction: 'TD', hideDone: false };

/**
 * What mermaid draws, cut down: a viewBox with the natural size, and node groups whose ids
 * are `<render id>-flowchart-<node key>-<n>`.
 */
const SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300" viewBox="0 0 400 300" style="max-width: 400px;">' +
  '<g class="node default done" id="autopm-graph-1-flowchart-T1-0"><rect width="80" height="30"></rect><text>T1: Scaffold</text></g>' +
  '<g class="node default blocked" id="autopm-graph-1-flowchart-T5-1"><rect width="80" height="30"></rect><text>T5: Create</text></g>' +
  '<g class="node default milestone" id="autopm-graph-1-flowchart-ms_M2-2"><polygon></polygon><text>M2</text></g>' +
  '<g class="node default" id="autopm-graph-1-flowchart-NOT_IN_MODEL-3"><rect></rect></g>' +
  '<g class="edgePaths"><path id="L_T1_T5_0"></path></g>' +
  '</svg>';

/** A channel like VS Code's, that keeps what the app posts and saves. */
function fakeChannel(saved?: GraphWebviewState) {
  const posted: GraphFromWebview[] = [];
  let state = saved;
  return {
    posted,
    state: () => state,
    channel: { post: (m: GraphFromWebview) => posted.push(m), state: () => state, saveState: (s: GraphWebviewState) => (state = s) },
  };
}

/** A stand-in for mermaid's render: it keeps what it was asked to draw and answers with `result`. */
function fakeMermaid(result: () => Promise<{ svg: string }> = async () => ({ svg: SVG })) {
  const calls: Array<{ source: string; theme: EditorTheme }> = [];
  return {
    calls,
    render: (source: string, theme: EditorTheme) => {
      calls.push({ source, theme });
      return result();
    },
  };
}

/** What the host posts, delivered as VS Code delivers it: a message event on the window. */
function hostSays(message: GraphToWebview) {
  act(() => {
    window.dispatchEvent(new window.MessageEvent('message', { data: message }));
  });
}

/** Lets the render promise settle and React apply what follows from it. */
async function settle() {
  await act(async () => {
    await new Promise((resolve) => setTimeout(resolve, 0));
  });
}

/** What the host sends for export: the graph with its own colours. */
const EXPORT_SOURCE = 'graph TD\n    T1["T1: exported"]\n    classDef done fill:#2e7d32\n';

async function exampleGraph(options: GraphOptions = {}): Promise<GraphModel> {
  const index = await indexOf(examplesDir);
  return buildGraph([index.analysis(index.epic('epic-001-link-shortener')!)], { colors: false, ...options });
}

async function sendGraph(model: GraphModel, revision = 1, options: GraphViewOptions = TD) {
  hostSays({ type: 'graph', title: 'Link Shortener Service', scope: SCOPE, folder: FOLDER, options, model, exportSource: EXPORT_SOURCE, revision });
  await settle();
}

const node = (key: string) => document.querySelector<SVGGElement>(`g.node[id*="-flowchart-${key}-"]`)!;
const button = (name: string) => screen.getByRole('button', { name }) as HTMLButtonElement;
const svg = () => document.querySelector('.canvas svg')!;
const zoomText = () => document.querySelector('.zoom-level')!.textContent;
const rendered = (posted: GraphFromWebview[]) => posted.filter((m): m is GraphRenderedMessage => m.type === 'rendered');

afterEach(() => {
  cleanup();
  document.body.className = '';
});

describe('Graph webview', () => {
  test('says ready first, and draws nothing before the host posts a graph', () => {
    const fake = fakeChannel();
    const mermaid = fakeMermaid();
    render(<GraphApp channel={fake.channel} render={mermaid.render} />);
    assert.deepEqual(fake.posted, [{ type: 'ready' }]);
    assert.equal(mermaid.calls.length, 0);
    assert.equal(document.querySelector('.canvas')!.innerHTML, '');
    assert.equal(screen.getByRole('toolbar').querySelector('.title')!.textContent, 'Dependency graph');
    assert.ok(button('Export as SVG').disabled);
    assert.ok(button('Copy Mermaid Block').disabled);
  });

  test('draws the model’s source, puts the SVG in the canvas, and reports the revision and the node count', async () => {
    const fake = fakeChannel();
    const mermaid = fakeMermaid();
    render(<GraphApp channel={fake.channel} render={mermaid.render} />);
    const model = await exampleGraph();
    await sendGraph(model, 7);

    assert.deepEqual(mermaid.calls, [{ source: model.source, theme: 'light' }]);
    assert.equal(document.querySelectorAll('.canvas svg').length, 1);
    assert.equal(document.querySelectorAll('.canvas g.node').length, 4);
    assert.equal(screen.getByRole('toolbar').querySelector('.title')!.textContent, 'Link Shortener Service');
    // Mermaid's own sizing is replaced by the zoom's.
    assert.equal(svg().getAttribute('style'), null);
    assert.equal(svg().getAttribute('width'), '400');
    assert.equal(svg().getAttribute('height'), '300');

    const [message, ...more] = rendered(fake.posted);
    assert.deepEqual(more, []);
    assert.deepEqual({ ...message, ms: 0 }, { type: 'rendered', revision: 7, nodes: 4, ms: 0 });
    assert.ok(message.ms >= 0);
    assert.equal(fake.posted[0].type, 'ready');
  });

  test('nodes of the model are made buttons for the keyboard and screen readers; others are left alone', async () => {
    render(<GraphApp channel={fakeChannel().channel} render={fakeMermaid().render} />);
    await sendGraph(await exampleGraph());

    const attributes = (key: string) => ['tabindex', 'role', 'aria-label', 'data-task'].map((a) => node(key).getAttribute(a));
    assert.deepEqual(attributes('T1'), ['0', 'button', 'T1 Scaffold the Fastify service, Done', 'epic-001-link-shortener:T1']);
    assert.deepEqual(attributes('T5'), ['0', 'button', 'T5 Create, update and disable links, Blocked', 'epic-001-link-shortener:T5']);
    assert.deepEqual(attributes('ms_M2'), ['0', 'button', 'Milestone M2 Redirects live behind a feature flag (Tasks 3-4)', 'epic-001-link-shortener:M2']);
    assert.deepEqual(attributes('NOT_IN_MODEL'), [null, null, null, null]);
  });

  test('clicking a node, or pressing Enter or Space on it, opens its line; elsewhere opens nothing', async () => {
    const fake = fakeChannel();
    render(<GraphApp channel={fake.channel} render={fakeMermaid().render} />);
    await sendGraph(await exampleGraph());
    const count = fake.posted.length;

    fireEvent.click(node('T5').querySelector('text')!);
    assert.deepEqual(fake.posted.at(-1), { type: 'openFile', folder: FOLDER, path: EPIC_001, line: 38 });
    node('T1').focus();
    assert.equal(document.activeElement, node('T1'));
    fireEvent.keyDown(node('T1'), { key: 'Enter' });
    assert.deepEqual(fake.posted.at(-1), { type: 'openFile', folder: FOLDER, path: EPIC_001, line: 15 });
    fireEvent.keyDown(node('ms_M2'), { key: ' ' });
    assert.deepEqual(fake.posted.at(-1), { type: 'openFile', folder: FOLDER, path: EPIC_001, line: 62 });
    assert.equal(fake.posted.length, count + 3);

    fireEvent.keyDown(node('T1'), { key: 'a' });
    fireEvent.click(node('NOT_IN_MODEL'));
    fireEvent.click(svg());
    assert.equal(fake.posted.length, count + 3);
  });

  test('hovering or focusing a node shows what it is, its state, estimate and what it waits for', async () => {
    render(<GraphApp channel={fakeChannel().channel} render={fakeMermaid().render} />);
    await sendGraph(await exampleGraph());
    assert.equal(screen.queryByRole('tooltip'), null);

    fireEvent.mouseOver(node('T5').querySelector('rect')!);
    const lines = () => [...screen.getByRole('tooltip').children].map((c) => c.textContent);
    assert.deepEqual(lines(), ['T5: Create, update and disable links', 'Blocked', 'Estimate: 4 hours', 'Waits for: T3, T6']);
    // Moving inside the node keeps it; leaving the node hides it.
    fireEvent.mouseOut(node('T5').querySelector('rect')!, { relatedTarget: node('T5').querySelector('text') });
    assert.ok(screen.queryByRole('tooltip'));
    fireEvent.mouseOut(node('T5'), { relatedTarget: svg() });
    assert.equal(screen.queryByRole('tooltip'), null);

    fireEvent.focus(node('T1'));
    assert.deepEqual(lines(), ['T1: Scaffold the Fastify service', 'Done', 'Estimate: 2 hours', 'Issue: #101', 'Unblocks: T6']);
    fireEvent.blur(node('T1'));
    assert.equal(screen.queryByRole('tooltip'), null);

    fireEvent.mouseOver(node('ms_M2'));
    assert.deepEqual(lines(), ['Milestone M2: Redirects live behind a feature flag (Tasks 3-4)', 'When: Day 5', 'Open tasks: T3, T4']);
  });

  test('the next task and the critical path are said in its tooltip', async () => {
    render(<GraphApp channel={fakeChannel().channel} render={fakeMermaid().render} />);
    await sendGraph(await exampleGraph({ next: { epicPath: EPIC_001, taskId: 'T5' } }));
    fireEvent.mouseOver(node('T5'));
    assert.equal(screen.getByRole('tooltip').children[1].textContent, 'Blocked · next');
  });

  test('the toolbar asks the host for other options, and shows the ones it applies', async () => {
    const fake = fakeChannel();
    const mermaid = fakeMermaid();
    render(<GraphApp channel={fake.channel} render={mermaid.render} />);
    await sendGraph(await exampleGraph());
    assert.equal(button('Top Down').getAttribute('aria-pressed'), 'true');
    assert.equal(button('Left to Right').getAttribute('aria-pressed'), 'false');
    assert.equal(button('Hide Done Tasks').getAttribute('aria-pressed'), 'false');

    fireEvent.click(button('Hide Done Tasks'));
    assert.deepEqual(fake.posted.at(-1), { type: 'setOptions', options: { direction: 'TD', hideDone: true } });
    fireEvent.click(button('Left to Right'));
    assert.deepEqual(fake.posted.at(-1), { type: 'setOptions', options: { direction: 'LR', hideDone: false } });

    // The host answers with the graph drawn as asked.
    const options: GraphViewOptions = { direction: 'LR', hideDone: true };
    const model = await exampleGraph(options);
    await sendGraph(model, 2, options);
    assert.equal(mermaid.calls.at(-1)!.source, model.source);
    assert.match(model.source, /^graph LR\n/);
    assert.equal(button('Left to Right').getAttribute('aria-pressed'), 'true');
    assert.equal(button('Top Down').getAttribute('aria-pressed'), 'false');
    assert.equal(button('Show Done Tasks').getAttribute('aria-pressed'), 'true');
    assert.equal(document.querySelector('.legend')!.lastElementChild!.textContent, '2 done hidden');
    fireEvent.click(button('Show Done Tasks'));
    assert.deepEqual(fake.posted.at(-1), { type: 'setOptions', options: { direction: 'LR', hideDone: false } });
    fireEvent.click(button('Top Down'));
    assert.deepEqual(fake.posted.at(-1), { type: 'setOptions', options: { direction: 'TD', hideDone: true } });
  });

  test('the zoom buttons change the shown percentage and the drawing’s size, within bounds', async () => {
    render(<GraphApp channel={fakeChannel().channel} render={fakeMermaid().render} />);
    await sendGraph(await exampleGraph());
    assert.equal(zoomText(), '100%');
    fireEvent.click(button('Zoom In'));
    assert.equal(zoomText(), '125%');
    assert.equal(svg().getAttribute('width'), '500');
    assert.equal(svg().getAttribute('height'), '375');
    fireEvent.click(button('Zoom Out'));
    fireEvent.click(button('Zoom Out'));
    assert.equal(zoomText(), '80%');
    assert.equal(svg().getAttribute('width'), '320');
    for (let i = 0; i < 20; i++) fireEvent.click(button('Zoom Out'));
    assert.equal(zoomText(), '10%');
    for (let i = 0; i < 30; i++) fireEvent.click(button('Zoom In'));
    assert.equal(zoomText(), '400%');
    assert.equal(svg().getAttribute('width'), '1600');
  });

  test('Export draws the coloured source again, in the light theme, and posts that SVG; Copy asks the host for the mermaid block', async () => {
    const fake = fakeChannel();
    const mermaid = fakeMermaid(async () => ({ svg: SVG }));
    render(<GraphApp channel={fake.channel} render={mermaid.render} />);
    await sendGraph(await exampleGraph());
    assert.ok(!button('Export as SVG').disabled);

    fireEvent.click(button('Export as SVG'));
    await settle();
    // The file leaves the editor's theme behind: it is drawn from the source with colours.
    assert.deepEqual(mermaid.calls.at(-1), { source: EXPORT_SOURCE, theme: 'light' });
    const exported = fake.posted.at(-1)!;
    assert.equal(exported.type, 'exportSvg');
    assert.equal((exported as { svg: string }).svg, SVG);

    fireEvent.click(button('Copy Mermaid Block'));
    assert.deepEqual(fake.posted.at(-1), { type: 'copyMermaid' });
  });

  test('a render that fails shows mermaid’s message and reports the error; the next good one clears it', async () => {
    const fake = fakeChannel();
    let fail = true;
    const mermaid = fakeMermaid(async () => {
      if (fail) throw new Error('Parse error on line 3: Expecting SEMI, got NODE_STRING');
      return { svg: SVG };
    });
    render(<GraphApp channel={fake.channel} render={mermaid.render} />);
    await sendGraph(await exampleGraph(), 3);

    const alert = screen.getByRole('alert');
    assert.equal(alert.querySelector('strong')!.textContent, 'Mermaid could not draw this graph');
    assert.equal(alert.querySelector('pre')!.textContent, 'Parse error on line 3: Expecting SEMI, got NODE_STRING');
    const [message] = rendered(fake.posted);
    assert.deepEqual({ ...message, ms: 0 }, { type: 'rendered', revision: 3, nodes: 0, ms: 0, error: 'Parse error on line 3: Expecting SEMI, got NODE_STRING' });
    assert.ok(button('Export as SVG').disabled);

    fail = false;
    await sendGraph(await exampleGraph(), 4);
    assert.equal(screen.queryByRole('alert'), null);
    assert.deepEqual(rendered(fake.posted).map((m) => [m.revision, m.nodes, m.error]), [[3, 0, 'Parse error on line 3: Expecting SEMI, got NODE_STRING'], [4, 4, undefined]]);
  });

  test('a draw overtaken by a newer graph is dropped', async () => {
    const fake = fakeChannel();
    const pending: Array<(svg: string) => void> = [];
    const mermaid = fakeMermaid(() => new Promise((resolve) => pending.push((svg) => resolve({ svg }))));
    render(<GraphApp channel={fake.channel} render={mermaid.render} />);
    const model = await exampleGraph();
    await sendGraph(model, 1);
    await sendGraph(model, 2);
    assert.equal(pending.length, 2);
    pending[1](SVG);
    await settle();
    pending[0]('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><g class="node" id="old-flowchart-T1-0"></g></svg>');
    await settle();
    assert.equal(svg().getAttribute('width'), '400');
    assert.deepEqual(rendered(fake.posted).map((m) => [m.revision, m.nodes]), [[2, 4]]);
  });

  test('a change of editor theme draws again for the new theme', async () => {
    const mermaid = fakeMermaid();
    render(<GraphApp channel={fakeChannel().channel} render={mermaid.render} />);
    await sendGraph(await exampleGraph());
    await act(async () => {
      document.body.classList.add('vscode-dark');
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
    await settle();
    assert.deepEqual(mermaid.calls.map((c) => c.theme), ['light', 'dark']);
  });

  test('a graph whose plan is gone says so', async () => {
    render(<GraphApp channel={fakeChannel().channel} render={fakeMermaid().render} />);
    await sendGraph(await exampleGraph());
    hostSays({ type: 'gone', message: 'This plan is no longer in the workspace: its file was moved or deleted.' });
    const alert = screen.getByRole('alert');
    assert.equal(alert.querySelector('strong')!.textContent, 'Nothing to draw');
    assert.equal(alert.querySelector('pre')!.textContent, 'This plan is no longer in the workspace: its file was moved or deleted.');
    // A graph that comes back clears it.
    await sendGraph(await exampleGraph(), 2);
    assert.equal(screen.queryByRole('alert'), null);
  });

  test('a plan with nothing to draw says so', async () => {
    render(<GraphApp channel={fakeChannel().channel} render={fakeMermaid().render} />);
    await sendGraph(buildGraph([]));
    assert.equal(document.querySelector('.empty')!.textContent, 'This plan has no tasks to draw.');
  });

  test('saves its scope, options and zoom for a reload, and a reload comes back at that zoom', async () => {
    const fake = fakeChannel();
    render(<GraphApp channel={fake.channel} render={fakeMermaid().render} />);
    assert.equal(fake.state(), undefined);
    await sendGraph(await exampleGraph());
    assert.deepEqual(fake.state(), { scope: SCOPE, options: TD, zoom: 1, scrollLeft: 0, scrollTop: 0 });
    fireEvent.click(button('Zoom In'));
    assert.deepEqual(fake.state(), { scope: SCOPE, options: TD, zoom: 1.25, scrollLeft: 0, scrollTop: 0 });
    cleanup();

    const reloaded = fakeChannel({ scope: SCOPE, options: TD, zoom: 2, scrollLeft: 30, scrollTop: 40 });
    render(<GraphApp channel={reloaded.channel} render={fakeMermaid().render} />);
    assert.equal(zoomText(), '200%');
    await sendGraph(await exampleGraph());
    assert.equal(svg().getAttribute('width'), '800');
    const viewport = document.querySelector<HTMLElement>('.viewport')!;
    assert.deepEqual([viewport.scrollLeft, viewport.scrollTop], [30, 40]);
  });
});
