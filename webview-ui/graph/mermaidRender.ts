import type MermaidApi from 'mermaid';
import type { EditorTheme } from '../shared/vscodeApi';

/**
 * Mermaid is loaded on first use (it is most of the bundle) and configured once per
 * theme: strict security (no scripts, no click callbacks in the source), nothing drawn on
 * load, and the mermaid theme nearest the editor's.
 */
type Mermaid = typeof MermaidApi;

let loaded: Promise<Mermaid> | undefined;
let configuredFor: EditorTheme | undefined;
let counter = 0;

const MERMAID_THEME: Readonly<Record<EditorTheme, 'default' | 'dark' | 'neutral'>> = {
  light: 'default',
  dark: 'dark',
  'high-contrast': 'dark',
  'high-contrast-light': 'neutral',
};

function loadMermaid(): Promise<Mermaid> {
  loaded ??= import('mermaid').then((m) => m.default);
  return loaded;
}

async function mermaidFor(theme: EditorTheme): Promise<Mermaid> {
  await loadMermaid();
  const mermaid = await loaded!;
  if (configuredFor !== theme) {
    mermaid.initialize({
      startOnLoad: false,
      securityLevel: 'strict',
      theme: MERMAID_THEME[theme],
      // Large epics: the defaults refuse sources over 50,000 characters and 500 links.
      maxTextSize: 1_000_000,
      maxEdges: 5_000,
      flowchart: { htmlLabels: false, useMaxWidth: false, curve: 'basis' },
    });
    configuredFor = theme;
  }
  return mermaid;
}

export interface Rendered {
  readonly svg: string;
}

/** Draws mermaid source to SVG text; throws mermaid's own message when the source is wrong. */
export async function renderMermaid(source: string, theme: EditorTheme): Promise<Rendered> {
  const mermaid = await mermaidFor(theme);
  const id = `autopm-graph-${++counter}`;
  try {
    const { svg } = await mermaid.render(id, source);
    return { svg };
  } finally {
    // A failed render leaves its scratch element in the page.
    document.getElementById(id)?.remove();
    document.getElementById(`d${id}`)?.remove();
  }
}

/** The mermaid node id a drawn node's element stands for (`…-flowchart-T3-12` → `T3`). */
export function nodeKeyOf(element: Element): string | undefined {
  const match = /flowchart-(.+)-\d+$/.exec(element.id);
  return match?.[1];
}
