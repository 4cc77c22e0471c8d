/**
 * The outline: the few block-level facts of a markdown document that the plan model
 * needs. Two engines produce it: a lean line scanner (the hot path) and remark (the
 * reference, and the fallback for documents the scanner does not claim to handle).
 * Differential tests prove them equal wherever the scanner answers.
 *
 * Lines and columns are 0-based. Columns count UTF-16 code units, as the editor does.
 */

export interface OutlineHeading {
  /** 1 for `#`, 2 for `##`... (ATX headings; a setext heading is unsupported by the scanner). */
  readonly depth: number;
  /** The heading's raw source text, without the `#` run, the closing `#` run and surrounding spaces. */
  readonly text: string;
  readonly line: number;
  /** Column of the `#` run. */
  readonly column: number;
}

export interface OutlineItem {
  /** Line of the list marker. */
  readonly line: number;
  /** Column of the list marker (`-`, `*`, `+`, `1.`). */
  readonly column: number;
  readonly ordered: boolean;
  /** GFM task-list checkbox: true for `[x]`/`[X]`, false for `[ ]`, null when there is none. */
  readonly checked: boolean | null;
  /**
   * The raw source of the first line of the item's first paragraph, after the marker and
   * the checkbox, with trailing white space removed. Empty when the item does not start
   * with a paragraph.
   */
  readonly text: string;
  /** Column where `text` starts on `line`. */
  readonly textColumn: number;
  /** Items of the lists nested directly in this item, in order. */
  readonly children: readonly OutlineItem[];
}

export interface OutlineCode {
  /** The info string's first word, or null. */
  readonly lang: string | null;
  /** The code content, as remark gives it (`node.value`), with CRLF line endings turned into LF. */
  readonly value: string;
  /** Line of the opening fence. */
  readonly line: number;
  /** Line of the closing fence, or the last line of the document when unclosed. */
  readonly endLine: number;
}

export interface OutlineParagraph {
  /** First and last line of a paragraph that is a direct child of the document. */
  readonly line: number;
  readonly endLine: number;
}

export interface Outline {
  readonly headings: readonly OutlineHeading[];
  /** Items of lists that are direct children of the document, in document order. */
  readonly items: readonly OutlineItem[];
  /** Fenced code blocks that are direct children of the document. */
  readonly code: readonly OutlineCode[];
  readonly paragraphs: readonly OutlineParagraph[];
}
