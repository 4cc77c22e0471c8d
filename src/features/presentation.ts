import * as vscode from 'vscode';
import type { Counts } from '../core/analysis';
import type { Epic, Range, TaskDisplayState } from '../core/model';
import { statusConflict } from '../core/validate';
import type { Progress } from '../core/progress';
import type { EpicEntry, PlanWorkspace } from '../services/planWorkspace';
import { epicRefOf } from '../core/model';

// The words for tasks live in the core, where the webviews and the CLI share them.
export { blockersText, taskLabel, taskLabelId } from '../core/taskText';

/** How each state looks everywhere: tree icons, quick picks, hovers. */
const STATE_LOOK: Record<TaskDisplayState, { icon: string; color?: string; label: string }> = {
  done: { icon: 'pass-filled', color: 'testing.iconPassed', label: 'done' },
  'in-progress': { icon: 'sync', color: 'charts.blue', label: 'in progress' },
  ready: { icon: 'circle-large-outline', color: 'charts.green', label: 'ready' },
  blocked: { icon: 'circle-slash', color: 'problemsWarningIcon.foreground', label: 'blocked' },
};

export const TASK_STATES: readonly TaskDisplayState[] = ['done', 'in-progress', 'ready', 'blocked'];

export function stateIcon(state: TaskDisplayState): vscode.ThemeIcon {
  const look = STATE_LOOK[state];
  return new vscode.ThemeIcon(look.icon, look.color ? new vscode.ThemeColor(look.color) : undefined);
}

export function stateLabel(state: TaskDisplayState): string {
  return STATE_LOOK[state].label;
}

export function stateCodicon(state: TaskDisplayState): string {
  return `$(${STATE_LOOK[state].icon})`;
}

/** `Epic 001` for `epic-001-…`, else the epic's title: short enough for the status bar. */
export function epicShortName(epic: Epic): string {
  const numbered = /^epic[-_ ]?(\d+)/i.exec(epic.id);
  return numbered ? `Epic ${numbered[1]}` : epic.title || epic.id;
}

export function progressText(progress: Pick<Progress, 'done' | 'total'>): string {
  return `${progress.done}/${progress.total}`;
}

/** `12 tasks · 5 done · 3 ready · 2 blocked` (parts with nothing in them are left out). */
export function countsSummary(counts: Counts): string {
  const parts = [`${counts.total} ${counts.total === 1 ? 'task' : 'tasks'}`, `${counts.done} done`];
  if (counts.inProgress > 0) parts.push(`${counts.inProgress} in progress`);
  parts.push(`${counts.ready} ready`, `${counts.blocked} blocked`);
  return parts.join(' · ');
}

/**
 * The written status to show beside the state the tasks give, when the tasks contradict it
 * (`marked completed`), the same cases the Problems panel reports.
 */
export function statusMismatch(plan: Parameters<typeof statusConflict>[0], counts: Parameters<typeof statusConflict>[1]): string | undefined {
  return statusConflict(plan, counts) === undefined ? undefined : `marked ${plan.status}`;
}

export function toVscodeRange(range: Range): vscode.Range {
  return new vscode.Range(range.line, range.column, range.endLine, range.endColumn);
}

/** Opens a file with the cursor at the start of a line, as a tree click or a reveal does. */
export async function openAtLine(uri: vscode.Uri, line: number, preserveFocus = false, viewColumn?: vscode.ViewColumn): Promise<void> {
  const position = new vscode.Position(line, 0);
  await vscode.window.showTextDocument(uri, { selection: new vscode.Range(position, position), preserveFocus, ...(viewColumn !== undefined ? { viewColumn } : {}) });
}

/** An epic named by CodeLens (`{ folder, epicPath }`) or by a tree item (which holds an entry). */
export function epicFromArgument(workspace: PlanWorkspace, arg: unknown): EpicEntry | undefined {
  if (!arg || typeof arg !== 'object') return undefined;
  const candidate = ('entry' in arg ? (arg as { entry: EpicEntry }).entry : arg) as { folder?: unknown; epicPath?: unknown; epic?: { path?: unknown } };
  const folder = typeof candidate.folder === 'string' ? candidate.folder : (candidate.folder as { key?: unknown } | undefined)?.key;
  const path = typeof candidate.epicPath === 'string' ? candidate.epicPath : epicRefOf(candidate.epic);
  return typeof folder === 'string' && typeof path === 'string' ? workspace.findEpic(folder, path) : undefined;
}

/**
 * The epic a command is about: the one its argument names, else the one the user picks
 * (`first` sorted to the top). Undefined when the user picked none or there are none,
 * which `empty` is told.
 */
export async function epicOrPick(
  workspace: PlanWorkspace,
  arg: unknown,
  options: { readonly title: string; readonly first?: (entry: EpicEntry) => boolean; readonly empty: (message: string) => void },
): Promise<EpicEntry | undefined> {
  await workspace.ready();
  const given = epicFromArgument(workspace, arg);
  if (given) return given;
  const first = options.first;
  const epics = first ? workspace.epics().sort((a, b) => Number(first(b)) - Number(first(a))) : workspace.epics();
  if (epics.length === 0) {
    options.empty('This workspace has no epics yet.');
    return undefined;
  }
  const multiRoot = workspace.allFolders.length > 1;
  const picked = await vscode.window.showQuickPick(
    epics.map((e) => ({
      label: `$(project) ${e.epic.title || e.epic.id}`,
      description: `${progressText(e.analysis.counts)}${multiRoot ? ` · ${e.folder.folder.name}` : ''}`,
      detail: countsSummary(e.analysis.counts),
      entry: e,
    })),
    { title: options.title, placeHolder: 'Choose an epic', matchOnDetail: true },
  );
  return picked?.entry;
}

/** The token as an AbortSignal; the token's listener goes with the token when its progress ends. */
export function signalOf(token: vscode.CancellationToken): AbortSignal {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  else {
    const listener = token.onCancellationRequested(() => {
      listener.dispose();
      controller.abort();
    });
  }
  return controller.signal;
}
