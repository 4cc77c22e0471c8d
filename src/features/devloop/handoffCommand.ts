import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import * as vscode from 'vscode';
import { claudeCodeUri, handoffPrompt, MAX_URI_PROMPT } from '../../core/devloop/handoff';
import { prdOfEpic } from '../../core/progress';
import type { ActiveTask } from '../../services/activeTask';
import type { ExternalOpener } from '../../services/externalOpener';
import type { Notifier } from '../../services/notifier';
import type { PlanWorkspace, TaskEntry } from '../../services/planWorkspace';
import { taskEntry } from '../../services/planWorkspace';
import { epicShortName, stateCodicon, taskLabel } from '../presentation';
import { toTaskRef } from '../tasks/taskCommands';

/** The Claude Code extension's id, which handles `<scheme>://anthropic.claude-code/open`. */
export const CLAUDE_CODE_EXTENSION = 'anthropic.claude-code';

export type HandoffMode = 'extension' | 'terminal' | 'clipboard';

export interface HandoffResult {
  readonly mode: HandoffMode;
  readonly prompt: string;
  /** The address opened, in the extension mode. */
  readonly uri?: string;
}

export interface HandoffServices {
  readonly workspace: PlanWorkspace;
  readonly activeTask: ActiveTask;
  readonly notifier: Notifier;
  readonly links: ExternalOpener;
  readonly log: vscode.LogOutputChannel;
}

/** Whether an executable named `name` is on the PATH of the extension host. */
function onPath(name: string): boolean {
  const names = process.platform === 'win32' ? [`${name}.exe`, `${name}.cmd`] : [name];
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const file of names) {
      try {
        accessSync(join(dir, file), constants.X_OK);
        return true;
      } catch {
        // Not in this folder.
      }
    }
  }
  return false;
}

/** A single-quoted shell word: the prompt goes to `claude` as one argument, whatever it holds. */
function shellWord(text: string): string {
  return process.platform === 'win32' ? `"${text.replace(/"/g, '""')}"` : `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * Where the prompt goes. `auto` prefers the extension (when the prompt fits in a link),
 * then a terminal running `claude`, then the clipboard; a mode the setting names that is
 * not available falls back to the clipboard, with a message saying why.
 */
function chooseMode(setting: string, prompt: string): { mode: HandoffMode; why?: string } {
  const extension = vscode.extensions.getExtension(CLAUDE_CODE_EXTENSION) !== undefined;
  const fits = prompt.length <= MAX_URI_PROMPT;
  const cli = onPath('claude');
  switch (setting) {
    case 'extension':
      if (!fits) return { mode: 'clipboard', why: `the prompt is too long for a link (${prompt.length} characters)` };
      return { mode: 'extension' };
    case 'terminal':
      return cli ? { mode: 'terminal' } : { mode: 'clipboard', why: '`claude` is not on the PATH' };
    case 'clipboard':
      return { mode: 'clipboard' };
    default:
      if (extension && fits) return { mode: 'extension' };
      if (cli) return { mode: 'terminal' };
      return { mode: 'clipboard', why: 'neither the Claude Code extension nor `claude` on the PATH was found' };
  }
}

/** The task to hand over: the one given, else the active task, else the one the user picks. */
async function chooseTask(services: HandoffServices, arg: unknown): Promise<TaskEntry | undefined> {
  const { workspace } = services;
  const ref = toTaskRef(arg);
  if (ref) return workspace.findTask(ref);
  const active = services.activeTask.current();
  if (active) return active.entry;
  const order = { 'in-progress': 0, ready: 1, blocked: 2, done: 3 } as const;
  const entries = workspace
    .epics()
    .flatMap((e) => e.epic.tasks.map((t) => taskEntry(e, t.id)))
    .filter((t): t is TaskEntry => t !== undefined && t.task.state !== 'done')
    .sort((a, b) => order[a.state.display] - order[b.state.display]);
  if (entries.length === 0) {
    void services.notifier.info('There is no open task to hand to Claude Code.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    entries.map((entry) => ({ label: `${stateCodicon(entry.state.display)} ${taskLabel(entry.task)}`, description: epicShortName(entry.epic), entry })),
    { title: 'Hand to Claude Code', placeHolder: 'Choose a task' },
  );
  return picked?.entry;
}

/** The prompt for a task: from its epic's and task's text as the editor has them, and its PRD's. */
export async function promptFor(entry: TaskEntry): Promise<string> {
  const { folder, epic, task } = entry;
  const read = (path: string) => folder.fs.readFile(path);
  const epicText = (await read(epic.path)) ?? '';
  const taskText = task.path !== epic.path ? await read(task.path) : undefined;
  const prdModel = prdOfEpic(epic, folder.index.prds, folder.index.allEpics);
  const prdText = prdModel ? await read(prdModel.path) : undefined;
  return handoffPrompt({
    epic,
    task,
    epicText,
    ...(taskText !== undefined ? { taskText } : {}),
    ...(prdModel && prdText !== undefined ? { prd: { prd: prdModel, text: prdText } } : {}),
    analysis: entry.analysis,
  });
}

/**
 * Hand to Claude Code: a prompt built from the task, its epic and the PRD sections it
 * serves, sent to the Claude Code extension, a terminal running `claude`, or the clipboard.
 */
export async function handToClaudeCode(services: HandoffServices, arg: unknown): Promise<HandoffResult | undefined> {
  await services.workspace.ready();
  const entry = await chooseTask(services, arg);
  if (!entry) return undefined;
  const prompt = await promptFor(entry);
  const label = taskLabel(entry.task);
  const setting = vscode.workspace.getConfiguration('autopm.claudeCode', entry.folder.folder.uri).get<string>('handoff', 'auto');
  const { mode, why } = chooseMode(setting, prompt);
  services.log.info(`[Handoff] ${entry.epic.id}:${entry.task.id} to ${mode} (${prompt.length} characters)${why ? `: ${why}` : ''}`);
  switch (mode) {
    case 'extension': {
      const uri = claudeCodeUri(vscode.env.uriScheme, prompt);
      await services.links.openInWorkbench(vscode.Uri.parse(uri, true));
      return { mode, prompt, uri };
    }
    case 'terminal': {
      const terminal = vscode.window.createTerminal({ name: `Claude Code: ${entry.task.id}`, cwd: entry.folder.folder.uri });
      terminal.show();
      terminal.sendText(`claude ${shellWord(prompt)}`);
      return { mode, prompt };
    }
    case 'clipboard':
      await vscode.env.clipboard.writeText(prompt);
      void services.notifier.info(`The prompt for ${label} is on the clipboard${why ? ` (${why})` : ''}: paste it into Claude Code.`);
      return { mode, prompt };
  }
}
