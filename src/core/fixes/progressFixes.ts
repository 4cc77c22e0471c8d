/**
 * The fix of an epic's `progress` that its tasks no longer bear out: the value set to the
 * percentage the tasks give, as completing a task from the editor would have kept it. The
 * value keeps the form it was written in (`60%`, `"60%"`, `60 %`, a bare `60`): only its
 * number changes.
 */
import { progressValueEdits } from '../edits';
import type { Diagnostic, DiagnosticData, Task } from '../model';
import { parseSingleFileEpic } from '../parse/singleFileEpicParser';
import { progressOf } from '../progress';
import type { FixContext, FixDraft } from './fixes';
import { fileChange } from './fixText';

type StaleData = Extract<DiagnosticData, { code: 'progress-stale' }>;

export function progressStaleFixes(d: Diagnostic, _data: StaleData, context: FixContext): FixDraft[] {
  const epic = context.epic;
  if (!epic || d.path !== epic.path) return [];
  const text = context.read(d.path);
  // A single-file epic's tasks are in the same file, so they are read again with it.
  const tasks: readonly Task[] = epic.layout === 'single-file' ? parseSingleFileEpic(d.path, text).epic.tasks : epic.tasks;
  if (tasks.length === 0) return [];
  const { percent } = progressOf(tasks);
  const edits = progressValueEdits(text, percent);
  if (edits === undefined || edits.length === 0) return [];
  return [{ title: `Set progress to ${percent}%`, change: fileChange(d.path, edits), safe: true, preferred: true }];
}
