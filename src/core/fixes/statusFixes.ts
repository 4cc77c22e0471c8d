/**
 * Fixes of a status: one AutoPM does not know (`complted`), set to the known word it is
 * nearest to, and an epic's or PRD's status that its tasks contradict, set to what the
 * tasks say. The new word is written in the style of the old one (`In Progress`,
 * `in_progress`, `in-progress`), in place, in frontmatter or on a `**Status:**` line.
 */
import type { Diagnostic, DiagnosticData, PlanState, TaskState } from '../model';
import { stringField } from '../parse/common';
import { parseEpicFile } from '../parse/directoryParser';
import { parsePrd } from '../parse/prdParser';
import { parseSingleFileEpic } from '../parse/singleFileEpicParser';
import { epicsOfPrd, progressOf, stateOfTasks } from '../progress';
import { knownStatuses, normalStatus, planStateFromStatus, taskStateFromStatus } from '../status';
import { statusConflict } from '../validate';
import { editDistance } from './editDistance';
import type { FixContext, FixDraft, FixOption } from './fixes';
import { fileChange, replaceOnLine, textLines } from './fixText';

type UnknownData = Extract<DiagnosticData, { code: 'status-unknown' }>;
type ContradictsData = Extract<DiagnosticData, { code: 'status-contradicts-tasks' }>;

/** The words the message offers, offered in every choice. */
const USUAL: Readonly<Record<'task' | 'plan', readonly string[]>> = {
  task: ['open', 'in-progress', 'closed'],
  plan: ['backlog', 'in-progress', 'completed'],
};

export function statusUnknownFixes(d: Diagnostic, data: UnknownData, context: FixContext): FixDraft[] {
  const text = context.read(d.path);
  const line = d.range.line;
  const span = statusSpan(text, line, data.status);
  if (!span) return [];
  const stateOf = (word: string): TaskState | PlanState | undefined => (data.of === 'task' ? taskStateFromStatus(word) : planStateFromStatus(word));
  if (stateOf(data.status) !== undefined) return [];
  const t = textLines(text);
  const change = (word: string) => fileChange(d.path, [replaceOnLine(t, line, span.start, span.end, styled(word, data.status))]);

  const written = normalStatus(data.status);
  const ranked = knownStatuses(data.of)
    .map((word) => ({ word, distance: editDistance(written, word), state: stateOf(word) }))
    .sort((a, b) => a.distance - b.distance);
  const best = ranked[0];
  // Clearly nearest: close enough to be a slip, and every word as near means the same state.
  const clear =
    best !== undefined &&
    best.distance <= Math.max(1, Math.floor(written.length / 4)) &&
    ranked.every((r) => r.distance > best.distance || r.state === best.state);

  const out: FixDraft[] = [];
  if (clear) {
    out.push({ title: `Change the status to "${styled(best.word, data.status)}"`, change: change(best.word), safe: true, preferred: true });
  }
  const near = ranked.filter((r) => r.distance <= Math.max(2, Math.floor(written.length / 2))).slice(0, 3).map((r) => r.word);
  const words = [...new Set([...near, ...USUAL[data.of]])];
  const options: FixOption[] = words.map((word) => ({ label: styled(word, data.status), change: change(word) }));
  out.push({ title: 'Set the status to…', change: fileChange(d.path, []), safe: false, choice: { placeholder: `A status for "${data.status}"`, options } });
  return out;
}

export function statusContradictsFixes(d: Diagnostic, _data: ContradictsData, context: FixContext): FixDraft[] {
  const text = context.read(d.path);
  const current = currentStatus(d.path, text, context);
  if (!current) return [];
  const tasks = context.epic ? context.epic.tasks : context.prd ? epicsOfPrd(context.prd, context.plan.epics).flatMap((e) => e.tasks) : [];
  const counts = progressOf(tasks);
  const kind = context.epic ? 'epic' : 'prd';
  const state = planStateFromStatus(current.status) ?? 'not-started';
  if (statusConflict({ kind, path: d.path, status: current.status, state }, counts) === undefined) return [];
  const wanted = stateOfTasks(counts);
  const word = styled(wanted === 'done' ? 'completed' : wanted === 'in-progress' ? 'in-progress' : 'backlog', current.status);
  const span = statusSpan(text, current.line, current.status);
  if (!span) return [];
  return [
    {
      title: `Set the status to "${word}", as the tasks say`,
      change: fileChange(d.path, [replaceOnLine(textLines(text), current.line, span.start, span.end, word)]),
      safe: true,
      preferred: true,
    },
  ];
}

/** The status of the epic or PRD as its file says now, and its line. */
function currentStatus(path: string, text: string, context: FixContext): { status: string; line: number } | undefined {
  let status: string | undefined;
  let line: number | undefined;
  if (context.prd) {
    const { prd } = parsePrd(path, text);
    status = prd.status;
    line = prd.statusRange?.line;
  } else if (context.epic?.layout === 'single-file') {
    const { epic } = parseSingleFileEpic(path, text);
    status = epic.status;
    line = epic.statusRange?.line;
  } else if (context.epic && path === context.epic.path) {
    const file = parseEpicFile(path, text);
    status = stringField(file.metadata, 'status');
    line = file.statusRange?.line;
  }
  return status !== undefined && line !== undefined ? { status, line } : undefined;
}

/**
 * Where a status value is written on its line: after the line's first colon (`status:`,
 * `**Status:**`), so that a word of the key is never taken for the value.
 */
function statusSpan(text: string, line: number, status: string): { start: number; end: number } | undefined {
  const lineText = textLines(text).lines[line];
  if (lineText === undefined || status === '') return undefined;
  // The whole value, not a part of a longer word (`In Progres` in `In Progress`).
  const word = /[\w-]/;
  for (let at = lineText.indexOf(status, lineText.indexOf(':') + 1); at !== -1; at = lineText.indexOf(status, at + 1)) {
    const end = at + status.length;
    if (!word.test(lineText[at - 1] ?? '') && !word.test(lineText[end] ?? '')) return { start: at, end };
  }
  return undefined;
}

/** A status word (`in-progress`) written the way `like` is: `In Progress`, `IN_PROGRESS`, `in_progress`. */
export function styled(word: string, like: string): string {
  const written = like.trim();
  const capital = /^[A-Z]/.test(written);
  // A one-word status says nothing of separators: `Backlog` people follow with `In Progress`.
  const separator = written.includes('_') ? '_' : written.includes('-') ? '-' : /\s/.test(written) || capital ? ' ' : '-';
  const parts = word.split('-');
  if (/[A-Z]/.test(written) && written === written.toUpperCase()) return parts.join(separator).toUpperCase();
  if (capital) return parts.map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join(separator);
  return parts.join(separator);
}
