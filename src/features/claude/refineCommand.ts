import * as vscode from 'vscode';
import { Commands } from '../../common/commands';
import { DEFAULT_MAX_SUBTASKS, expandChange, expandRequest, readExpansion, readRescope, refineEpicText, rescopeChange, rescopeRequest } from '../../core/claude/refineTask';
import type { PlanChange } from '../../core/edits';
import { applyEdits, isoNow, PlanEditError } from '../../core/edits';
import { epicBelongsToPrd } from '../../core/progress';
import { LARGE_REQUEST_TOKENS } from '../../services/claude/decomposeEngine';
import { estimateInputTokens, isCancelled, ModelError } from '../../services/claude/planModel';
import type { PlanModel } from '../../services/claude/planModel';
import type { Notifier } from '../../services/notifier';
import type { PlanEditor } from '../../services/planEditor';
import { PlanConflictError } from '../../services/planEditor';
import type { PlanWorkspace, TaskEntry } from '../../services/planWorkspace';
import { taskEntry } from '../../services/planWorkspace';
import { signalOf, taskLabel } from '../presentation';
import { toTaskRef } from '../tasks/taskCommands';
import type { ClaudeModels } from './claudeModels';
import type { PreviewDocuments } from './decomposeCommand';
import { epicRef, isToolFormat } from '../../core/model';
import { toolFormatError } from '../../core/toolFormatEdits';

export interface RefineServices {
  readonly workspace: PlanWorkspace;
  readonly editor: PlanEditor;
  readonly models: ClaudeModels;
  readonly notifier: Notifier;
  readonly log: vscode.LogOutputChannel;
  readonly previews: PreviewDocuments;
  /** The problems of the last answer per task, sent back with the next try. */
  readonly lastProblems: Map<string, readonly string[]>;
}

/**
 * A task reference (CodeLens, tree) or nothing (the task at the cursor, else a pick).
 * `direction` answers Re-scope's question; `yes` writes after the preview without asking.
 */
export interface RefineArgs {
  readonly folder?: unknown;
  readonly epicPath?: unknown;
  readonly taskId?: unknown;
  readonly direction?: unknown;
  readonly note?: unknown;
  readonly yes?: unknown;
}

export interface RefineResult {
  readonly outcome: 'done' | 'invalid' | 'failed' | 'cancelled' | 'declined';
  readonly message: string;
  readonly problems: readonly string[];
  /** The tasks added (Expand), or the task rewritten (Re-scope). */
  readonly taskIds: readonly string[];
}

type Refinement = 'expand' | 'rescope';

async function chooseTask(services: RefineServices, arg: unknown, kind: Refinement): Promise<TaskEntry | undefined> {
  const { workspace } = services;
  await workspace.ready();
  const ref = toTaskRef(arg);
  if (ref) return workspace.findTask(ref);
  const editor = vscode.window.activeTextEditor;
  const here = editor && workspace.epicForDocument(editor.document.uri, editor.selection.active.line);
  if (editor && here) {
    const path = workspace.folderOf(editor.document.uri)?.path;
    const line = editor.selection.active.line;
    const task = here.epic.tasks.find((t) => t.path === path && (here.epic.layout === 'directory' || t.range.line === line));
    const found = task && taskEntry(here, task.id);
    if (found && found.task.state !== 'done') return found;
  }
  const open = workspace
    .epics()
    .flatMap((e) => e.epic.tasks.map((t) => taskEntry(e, t.id)))
    .filter((t): t is TaskEntry => !!t && t.task.state !== 'done');
  if (open.length === 0) {
    void services.notifier.info('No task is left to refine: every task is done.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    open.map((entry) => ({ label: taskLabel(entry.task), description: entry.epic.title || entry.epic.id, entry })),
    { title: kind === 'expand' ? 'Expand Task into Subtasks' : 'Re-scope Task', placeHolder: 'Choose a task' },
  );
  return picked?.entry;
}

export async function refineTaskCommand(services: RefineServices, kind: Refinement, arg?: RefineArgs): Promise<RefineResult | undefined> {
  const entry = await chooseTask(services, arg, kind);
  if (!entry) return undefined;
  const { notifier, log } = services;
  const { folder: plans, epic, task } = entry;
  const label = taskLabel(task);
  let direction: 'smaller' | 'larger' | undefined;
  if (kind === 'rescope') {
    const given = arg?.direction === 'smaller' || arg?.direction === 'larger' ? arg.direction : undefined;
    direction =
      given ??
      (
        await vscode.window.showQuickPick(
          [
            { label: '$(arrow-down) Smaller', description: 'less work: the essential part, the rest left out', value: 'smaller' as const },
            { label: '$(arrow-up) Larger', description: 'more work: what the task misses', value: 'larger' as const },
          ],
          { title: `Re-scope ${label}`, placeHolder: 'Make the task smaller or larger?' },
        )
      )?.value;
    if (!direction) return undefined;
  }
  // Another tool's file cannot take the edit: refused before the model is asked, so nothing is spent.
  if (isToolFormat(epic.layout)) {
    void notifier.warn(toolFormatError(epic, 'refine its tasks').message);
    return undefined;
  }
  const choice = await services.models.choose();
  if ('offline' in choice) {
    // Not awaited: the command ends now, and the button works for as long as the notification shows.
    void notifier.info(`Refining a task needs Claude or another language model. ${choice.offline}`, 'Set Anthropic API Key').then((action) => action === 'Set Anthropic API Key' && vscode.commands.executeCommand(Commands.setAnthropicKey));
    return undefined;
  }
  // The files are read once: the model sees them, the change is computed from them, and
  // it is applied only if none of them changed meanwhile.
  const paths = [...new Set([epic.path, ...epic.tasks.map((t) => t.path)])];
  const texts = new Map<string, string>();
  for (const path of paths) {
    const text = await plans.fs.readFile(path);
    if (text !== undefined) texts.set(path, text);
  }
  const read = (path: string) => {
    const text = texts.get(path);
    if (text === undefined) throw new PlanEditError(`${path} does not exist.`);
    return text;
  };
  const epicText = refineEpicText(epic, read);
  const prd = plans.index.prds.find((p) => epicBelongsToPrd(epic, p));
  const prdText = prd ? await plans.fs.readFile(prd.path) : undefined;
  const problemsKey = `${kind}|${plans.key}|${epicRef(epic)}|${task.id}`;
  const lastProblems = services.lastProblems.get(problemsKey);
  const problems = lastProblems ? { problems: lastProblems } : {};
  const note = typeof arg?.note === 'string' && arg.note.trim() ? arg.note.trim() : undefined;
  const request =
    kind === 'expand'
      ? expandRequest({ epic, taskId: task.id, epicText, ...(prdText !== undefined ? { prdText } : {}), maxSubtasks: DEFAULT_MAX_SUBTASKS, ...problems })
      : rescopeRequest({ epic, taskId: task.id, epicText, ...(prdText !== undefined ? { prdText } : {}), direction: direction!, ...(note ? { note } : {}), ...problems });
  const finish = (outcome: RefineResult['outcome'], message: string, extra: Partial<RefineResult> = {}): RefineResult => {
    log.info(`[Refine] ${message}`);
    return { outcome, message, problems: [], taskIds: [], ...extra };
  };
  const retry = () => vscode.commands.executeCommand(kind === 'expand' ? Commands.expandTask : Commands.rescopeTask, { folder: plans.key, epicPath: epicRef(epic), taskId: task.id, ...(direction ? { direction } : {}) });
  const verb = kind === 'expand' ? `splitting ${label} into subtasks` : `re-scoping ${label} (${direction})`;

  const tokens = estimateInputTokens({ ...request, maxTokens: choice.maxTokens });
  if (
    tokens > LARGE_REQUEST_TOKENS &&
    arg?.yes !== true &&
    (await notifier.ask(`${label} makes a large request: about ${tokens.toLocaleString('en-US')} input tokens to ${choice.model.description}. Send it?`, 'Send')) !== 'Send'
  ) {
    return finish('declined', `Nothing was sent: ${label} was left as it was.`);
  }
  let answer: Awaited<ReturnType<PlanModel['complete']>>;
  try {
    answer = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `${choice.model.description} is ${verb}`, cancellable: true }, (progress, token) =>
      choice.model.complete(
        { ...request, maxTokens: choice.maxTokens },
        { signal: signalOf(token), onWait: (waitMs, reason) => progress.report({ message: `${reason}: retrying in ${Math.ceil(waitMs / 1000)} s` }) },
      ),
    );
  } catch (error) {
    if (isCancelled(error)) {
      const result = finish('cancelled', `Cancelled: ${label} was left as it was.`);
      void notifier.info(result.message);
      return result;
    }
    const result = finish('failed', `${error instanceof Error ? error.message : String(error)} ${label} was left as it was.`);
    const retryable = !(error instanceof ModelError) || error.retryable;
    void notifier.error(result.message, ...(retryable ? ['Retry'] : [])).then((a) => a === 'Retry' && retry());
    return result;
  }

  let change: PlanChange;
  let taskIds: readonly string[];
  const now = isoNow();
  if (kind === 'expand') {
    const checked = readExpansion(answer.text, answer.stopReason, { maxSubtasks: DEFAULT_MAX_SUBTASKS });
    if (!checked.ok) return invalid(checked.problems);
    try {
      const made = expandChange(epic, task.id, checked.subtasks, read, now);
      change = made;
      taskIds = made.taskIds;
    } catch (error) {
      return cannot(error);
    }
  } else {
    const checked = readRescope(answer.text, answer.stopReason);
    if (!checked.ok) return invalid(checked.problems);
    try {
      change = rescopeChange(epic, task.id, checked.task, read, now);
      taskIds = [task.id];
    } catch (error) {
      return cannot(error);
    }
  }

  const files = [
    ...change.edits.map((e) => ({ path: e.path, before: texts.get(e.path), after: applyEdits(texts.get(e.path) ?? '', e.edits) })),
    ...change.creates.map((c) => ({ path: c.path, before: undefined, after: c.text })),
  ];
  const what = kind === 'expand' ? `${taskIds.length} subtasks for ${label}` : `${label} re-scoped ${direction}`;
  const close = await services.previews.show(`${kind === 'expand' ? 'Expand' : 'Re-scope'}: ${task.id}`, files);
  let accepted: boolean;
  try {
    accepted = arg?.yes === true || (await notifier.askWithDetail(`Write ${what}? The change is shown in the diff.`, files.map((f) => f.path).join('\n'), 'Write')) === 'Write';
  } finally {
    await close();
  }
  if (!accepted) {
    const result = finish('declined', `Nothing was written: ${label} was left as it was.`);
    void notifier.info(result.message);
    return result;
  }
  try {
    await services.editor.apply(plans, paths, (current) => {
      for (const [path, text] of texts) if (current(path) !== text) throw new PlanConflictError(`${path} changed while Claude was answering; nothing was written. Run it again.`);
      return change;
    });
  } catch (error) {
    const result = finish('failed', error instanceof Error ? error.message : String(error));
    void notifier.error(result.message);
    return result;
  }
  services.lastProblems.delete(problemsKey);
  const message = kind === 'expand' ? `${label} now waits for its ${taskIds.length} subtasks: ${taskIds.join(', ')}.` : `${label} was re-scoped ${direction}.`;
  void notifier.info(message);
  return finish('done', message, { taskIds });

  function invalid(problems: readonly string[]): RefineResult {
    services.lastProblems.set(problemsKey, problems);
    for (const problem of problems) log.warn(`[Refine] ${problem}`);
    const result = finish('invalid', `Claude's answer for ${label} was not written: ${problems.slice(0, 3).join(' ')}`, { problems });
    void notifier.error(result.message, 'Retry').then((a) => a === 'Retry' && retry());
    return result;
  }

  function cannot(error: unknown): RefineResult {
    const result = finish('failed', `${label} cannot be changed that way: ${error instanceof Error ? error.message : String(error)}`);
    void notifier.error(result.message);
    return result;
  }
}

/** "Refine Task": which refinement, in a pick, then that command on the same task. */
export async function refineTaskPick(services: RefineServices, arg?: RefineArgs): Promise<RefineResult | undefined> {
  const entry = await chooseTask(services, arg, 'expand');
  if (!entry) return undefined;
  const picked = await vscode.window.showQuickPick(
    [
      { label: '$(list-tree) Expand into Subtasks', description: 'split it into two to eight tasks it then waits for', refinement: 'expand' as const },
      { label: '$(arrow-down) Re-scope Smaller', description: 'less work: the essential part, the rest left out', refinement: 'rescope' as const, direction: 'smaller' as const },
      { label: '$(arrow-up) Re-scope Larger', description: 'more work: what the task misses', refinement: 'rescope' as const, direction: 'larger' as const },
    ],
    { title: `Refine ${taskLabel(entry.task)}`, placeHolder: 'How should Claude refine this task?' },
  );
  if (!picked) return undefined;
  const ref = { folder: entry.folder.key, epicPath: epicRef(entry.epic), taskId: entry.task.id };
  return refineTaskCommand(services, picked.refinement, { ...ref, ...('direction' in picked ? { direction: picked.direction } : {}) });
}
