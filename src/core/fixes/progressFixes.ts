/**
 * The fix of an epic's `progress` that its tasks no longer bear out: the value set to the
 * percentage the tasks give, as completing a task from the editor would have kept it. The
 * value keeps the form it was written in (`60%`, `"60%"`, `60 %`, a bare `60`): only its
 * number changes.
 */
import type { TextEdit } from '../edits';
import { applyEdits, setFrontmatterFieldEdits } from '../edits';
import { findFrontmatter } from '../frontmatter';
import type { Diagnostic, DiagnosticData, Task } from '../model';
import { findKey, normaliseKeys } from '../parse/common';
import { parseSingleFileEpic } from '../parse/singleFileEpicParser';
import type { WrittenPercent } from '../progress';
import { percentInStep, progressOf, writtenPercent } from '../progress';
import { valueSpan } from '../yamlLines';
import type { FixContext, FixDraft } from './fixes';
import { fileChange, replaceOnLine, textLines } from './fixText';

type StaleData = Extract<DiagnosticData, { code: 'progress-stale' }>;

/** A percentage with nothing but blanks and a `%` around its number, as most files write it. */
const PLAIN = /^(\s*)(\d+(?:\.\d+)?)(\s*%?\s*)$/;

export function progressStaleFixes(d: Diagnostic, _data: StaleData, context: FixContext): FixDraft[] {
  const epic = context.epic;
  if (!epic || d.path !== epic.path) return [];
  const text = context.read(d.path);
  const written = progressIn(text);
  // A single-file epic's tasks are in the same file, so they are read again with it.
  const tasks: readonly Task[] = epic.layout === 'single-file' ? parseSingleFileEpic(d.path, text).epic.tasks : epic.tasks;
  if (written === undefined || tasks.length === 0) return [];
  const { percent } = progressOf(tasks);
  if (percentInStep(written, percent)) return [];

  // The new value must read as the tasks' percentage, in the old form; the number alone is
  // changed when it can be, else the whole value is written again.
  const fits = (edits: TextEdit[] | undefined): edits is TextEdit[] => {
    const after = edits && progressIn(applyEdits(text, edits));
    return after !== undefined && after.sign === written.sign && percentInStep(after, percent);
  };
  let edits = numberEdit(text, percent);
  if (!fits(edits)) edits = setFrontmatterFieldEdits(text, 'progress', `${percent}${written.sign ? '%' : ''}`);
  if (!fits(edits)) return [];
  return [{ title: `Set progress to ${percent}%`, change: fileChange(d.path, edits), safe: true, preferred: true }];
}

/** The frontmatter's `progress` as AutoPM reads it, when it reads as a percentage. */
function progressIn(text: string): WrittenPercent | undefined {
  const fm = findFrontmatter(text);
  if (!fm || fm.endLine === -1 || !findKey(fm, 'progress')) return undefined;
  return writtenPercent(normaliseKeys(fm.data, fm.keys)['progress']);
}

/**
 * The edit of the number alone, inside the quotes and beside the `%` it is written with;
 * undefined when the value is written some other way (over several lines, `4e1`, escaped),
 * and is then written afresh.
 */
function numberEdit(text: string, percent: number): TextEdit[] | undefined {
  const entry = findKey(findFrontmatter(text), 'progress');
  if (!entry || entry.endLine > entry.line) return undefined;
  const t = textLines(text);
  const line = t.lines[entry.line];
  const [start, end] = valueSpan(line, entry);
  const quoted = end - start >= 2 && (line[start] === '"' || line[start] === "'") && line[end - 1] === line[start];
  const from = quoted ? start + 1 : start;
  const match = PLAIN.exec(line.slice(from, quoted ? end - 1 : end));
  if (!match) return undefined;
  const at = from + match[1].length;
  return [replaceOnLine(t, entry.line, at, at + match[2].length, String(percent))];
}
