// Reading and driving the workbench's editor and side bar the way a user sees them: the
// CodeLens row above a line, Go to Line, Quick Open, and a view's rows. Shared by the UI
// tests; each takes the page it works on.
import { TIMEOUT, until } from './uiSession.mjs';

/** The side-bar section of a view, by its name. */
export const viewPane = (page, name) => page.locator('.sidebar .pane', {
  has: page.locator(`.pane-header[aria-label="${name} Section"]`),
});

/** The label and description of every row a side-bar view shows. */
export const rowsOf = (page, view) => viewPane(page, view).locator('.monaco-list-row').evaluateAll((nodes) => nodes.map((node) => [
  node.querySelector('.label-name').textContent.trim(),
  node.querySelector('.label-description')?.textContent.trim(),
]));

/**
 * Runs in the page: the CodeLens row of the editor line that contains `text`, as its index
 * among the editor's CodeLens rows and its text, or undefined while that line is not shown.
 * A line's CodeLens sits in a view zone right above it (view zones and lines are positioned
 * apart, so the DOM order says nothing): it is the row whose bottom is nearest above the line.
 */
function lensAboveLine(text) {
  const plainText = (node) => node.textContent.replaceAll('\u00a0', ' ').replace(/\s+/g, ' ').trim();
  const editor = document.querySelector('.editor-instance');
  const line = [...(editor?.querySelectorAll('.view-lines .view-line') ?? [])].find((node) => plainText(node).includes(text));
  if (!line) return undefined;
  const top = line.getBoundingClientRect().top;
  let found;
  [...editor.querySelectorAll('.codelens-decoration')].forEach((lens, index) => {
    const { bottom } = lens.getBoundingClientRect();
    if (bottom <= top + 1 && (!found || bottom > found.bottom)) found = { bottom, index, text: plainText(lens) };
  });
  return found && { index: found.index, text: found.text };
}

/** Waits until the CodeLens row above the line containing `lineText` reads `lensText`; returns its index. */
export async function waitForLens(page, lineText, lensText) {
  const lens = await until(() => page.evaluate(lensAboveLine, lineText), (found) => found?.text === lensText,
    `"${lensText}" above "${lineText}"`);
  return lens.index;
}

/** Puts the cursor at the start of a 1-based line of the active editor, through Go to Line. */
export async function goToLine(page, line) {
  await page.keyboard.press('Control+G');
  await page.locator('.quick-input-widget input').fill(`:${line}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: `go to line ${line}` }).waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.statusbar-item[id="status.editor.selection"]', { hasText: `Ln ${line},` }).waitFor({ timeout: TIMEOUT });
}

/** Opens a workspace file through Quick Open, choosing the row whose description holds `folder` when given. */
export async function quickOpen(page, name, folder) {
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget input').fill(folder ? `${folder}/${name}` : name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: TIMEOUT });
}

export const lineNumberOf = (text, needle) => text.split('\n').findIndex((line) => line.includes(needle)) + 1;
