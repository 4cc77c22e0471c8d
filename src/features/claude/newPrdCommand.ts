import * as vscode from 'vscode';
import { isoNow } from '../../core/edits';
import type { Answer, Interview } from '../../core/claude/prdWriting';
import { INTERVIEW_SCHEMA, PrdBodyFilter, STANDARD_QUESTIONS, WRITING_MARKER, interviewRequest, prdFromAnswers, prdHeader, prdRequest, readInterview, titleFromIdea } from '../../core/claude/prdWriting';
import { prdTarget, prdTemplate, slugOf } from '../../core/newPrd';
import type { PlanModel } from '../../services/claude/planModel';
import { ModelError, isCancelled } from '../../services/claude/planModel';
import type { Notifier } from '../../services/notifier';
import { signalOf } from '../presentation';
import type { PlanWorkspace } from '../../services/planWorkspace';
import type { ClaudeModels } from './claudeModels';
import type { Writings } from './writings';

export interface NewPrdServices {
  readonly workspace: PlanWorkspace;
  readonly models: ClaudeModels;
  readonly writings: Writings;
  readonly notifier: Notifier;
  readonly log: vscode.LogOutputChannel;
  readonly state: vscode.Memento;
}

/**
 * The command's arguments, for scripts and tests: `title` alone creates the empty
 * skeleton, as before; `idea` and `answers` stand in for the input boxes.
 */
export interface NewPrdOptions {
  readonly folder?: unknown;
  readonly title?: unknown;
  readonly idea?: unknown;
  readonly answers?: unknown;
  /** Continue the interview saved for the folder without asking. */
  readonly resume?: unknown;
}

/** An interview in progress, kept in the workspace's state so that a reload loses no answer. */
interface SavedInterview {
  readonly folder: string;
  readonly idea: string;
  readonly interview: Interview;
  readonly answers: readonly string[];
  /** Why the template is used, when no model is. */
  readonly offline?: string;
}

const INTERVIEW_KEY = 'autopm.prdInterview';

export async function newPrd(services: NewPrdServices, options: NewPrdOptions = {}): Promise<vscode.Uri | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) {
    void vscode.window.showWarningMessage('Open a folder first: PRDs live in the repository.');
    return undefined;
  }
  const named = typeof options.folder === 'string' ? folders.find((f) => f.uri.toString() === options.folder) : undefined;
  const folder = named ?? (folders.length === 1 ? folders[0] : await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Which folder is the PRD for?' }));
  if (!folder) return undefined;

  const title = typeof options.title === 'string' && slugOf(options.title) ? options.title.trim() : undefined;
  if (title && typeof options.idea !== 'string') return createSkeleton(services, folder, title);

  const saved = services.state.get<SavedInterview>(INTERVIEW_KEY);
  let session: SavedInterview | undefined;
  if (saved && saved.folder === folder.uri.toString() && typeof options.idea !== 'string') {
    const resume =
      options.resume === true ||
      (await services.notifier.info(
        `A PRD interview for "${saved.interview.title}" was left with ${saved.answers.length} of ${saved.interview.questions.length} answers.`,
        'Continue It',
        'Start a New PRD',
      )) === 'Continue It';
    if (resume) session = saved;
  }
  session ??= await startInterview(services, folder, options);
  if (!session) return undefined;

  const given = Array.isArray(options.answers) ? options.answers.map((a) => (typeof a === 'string' ? a : '')) : undefined;
  const answers = [...session.answers];
  for (let i = answers.length; i < session.interview.questions.length; i++) {
    const question = session.interview.questions[i];
    const answer =
      given?.[i] ??
      (await vscode.window.showInputBox({
        title: `New PRD: ${session.interview.title} (${i + 1}/${session.interview.questions.length})`,
        prompt: question.question,
        placeHolder: 'Your answer (leave empty to skip; Escape keeps the interview for later)',
        ignoreFocusOut: true,
      }));
    if (answer === undefined) {
      void services.notifier.info(`The interview for "${session.interview.title}" is kept: run "AutoPM: New PRD" to continue it.`);
      return undefined;
    }
    answers.push(answer);
    session = { ...session, answers };
    await services.state.update(INTERVIEW_KEY, session);
  }
  const done = session;
  const result = await writePrd(services, folder, done);
  if (result) await services.state.update(INTERVIEW_KEY, undefined);
  return result;
}

async function startInterview(services: NewPrdServices, folder: vscode.WorkspaceFolder, options: NewPrdOptions): Promise<SavedInterview | undefined> {
  const idea =
    (typeof options.idea === 'string' && options.idea.trim()) ||
    (await vscode.window.showInputBox({
      title: 'New PRD',
      prompt: 'The product or feature, in one line',
      placeHolder: 'A shared team calendar that shows who is out and when',
      ignoreFocusOut: true,
      validateInput: (value) => (slugOf(value) ? undefined : 'Use at least one letter or digit.'),
    }));
  if (!idea?.trim()) return undefined;
  const choice = await services.models.choose();
  let session: SavedInterview;
  if ('offline' in choice) {
    services.log.info(`[Claude] New PRD from the template: ${choice.offline}`);
    session = { folder: folder.uri.toString(), idea: idea.trim(), interview: { title: titleFromIdea(idea), questions: STANDARD_QUESTIONS }, answers: [], offline: choice.offline };
  } else {
    const interview = await askQuestions(services, choice.model, idea);
    if (!interview) return undefined;
    session = { folder: folder.uri.toString(), idea: idea.trim(), interview, answers: [] };
  }
  await services.state.update(INTERVIEW_KEY, session);
  return session;
}

async function askQuestions(services: NewPrdServices, model: PlanModel, idea: string): Promise<Interview | undefined> {
  const request = interviewRequest(idea);
  try {
    const answer = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `${model.description} is preparing questions…`, cancellable: true },
      (_progress, token) => model.complete({ ...request, maxTokens: 2_000, schema: INTERVIEW_SCHEMA }, { signal: signalOf(token) }),
    );
    const read = readInterview(answer.text, idea);
    if ('problem' in read) {
      services.log.warn(`[Claude] the interview's answer was not usable: ${read.problem}`);
      void services.notifier.error(`Claude's questions could not be read (${read.problem}) Nothing was written; run "AutoPM: New PRD" again.`);
      return undefined;
    }
    return read.interview;
  } catch (error) {
    if (isCancelled(error)) return undefined;
    const message = error instanceof Error ? error.message : String(error);
    services.log.warn(`[Claude] questions failed: ${message}`);
    void services.notifier.error(`Claude could not prepare the questions: ${message}`);
    return undefined;
  }
}

async function target(services: NewPrdServices, folder: vscode.WorkspaceFolder, title: string) {
  await services.workspace.ready();
  const plans = services.workspace.folderByKey(folder.uri.toString());
  const found = plans && (await prdTarget(plans.roots, (p) => plans.fs.exists(p), (p) => plans.fs.readDirectory(p), title));
  if (!found) void vscode.window.showWarningMessage('None of the folders in the autopm.planRoots setting can hold PRDs.');
  return found && { ...found, uri: vscode.Uri.joinPath(folder.uri, ...found.path.split('/')) };
}

async function createFile(uri: vscode.Uri, text: string, path: string): Promise<boolean> {
  const edit = new vscode.WorkspaceEdit();
  edit.createFile(uri, { contents: new TextEncoder().encode(text), overwrite: false, ignoreIfExists: false });
  if (await vscode.workspace.applyEdit(edit)) return true;
  void vscode.window.showErrorMessage(`${path} already exists.`);
  return false;
}

async function createSkeleton(services: NewPrdServices, folder: vscode.WorkspaceFolder, title: string): Promise<vscode.Uri | undefined> {
  const found = await target(services, folder, title);
  if (!found || !(await createFile(found.uri, prdTemplate(found.layout, title, found.number, isoNow()), found.path))) return undefined;
  await vscode.window.showTextDocument(found.uri);
  return found.uri;
}

async function writePrd(services: NewPrdServices, folder: vscode.WorkspaceFolder, session: SavedInterview): Promise<vscode.Uri | undefined> {
  const { title, questions } = session.interview;
  const answers: Answer[] = questions.map((q, i) => ({ question: q.question, answer: session.answers[i] ?? '', ...(q.section ? { section: q.section } : {}) }));
  const found = await target(services, folder, title);
  if (!found) return undefined;
  const now = isoNow();
  const choice = session.offline ? undefined : await services.models.choose();
  if (!choice || 'offline' in choice) {
    if (!(await createFile(found.uri, prdFromAnswers(found.layout, title, found.number, now, session.idea, answers), found.path))) return undefined;
    await vscode.window.showTextDocument(found.uri);
    services.log.info(`[Claude] ${found.path} written from the template and the answers`);
    return found.uri;
  }
  const header = prdHeader(found.layout, title, found.number, now);
  if (!(await createFile(found.uri, `${header}${WRITING_MARKER}\n\n`, found.path))) return undefined;
  const document = await vscode.workspace.openTextDocument(found.uri);
  await vscode.window.showTextDocument(document);
  const outcome = await services.writings.run(document, `${choice.model.description} is writing ${found.path}`, async (append, signal) => {
    const filter = new PrdBodyFilter();
    const answer = await choice.model.complete({ ...prdRequest(session.idea, title, answers), maxTokens: choice.maxTokens }, { signal, onText: (delta) => append(filter.push(delta)) });
    const end = filter.finish();
    append(end.append);
    if (answer.stopReason === 'max_tokens') throw new ModelError('interrupted', 'The answer reached the max tokens limit (autopm.claude.maxTokens) before the PRD was finished.', false);
    if (answer.stopReason === 'refusal') throw new ModelError('interrupted', 'Claude declined to write this PRD.', false);
    return { dropEnd: end.dropEnd };
  });
  if (outcome.ok) {
    services.log.info(`[Claude] ${found.path} written by ${choice.model.description}`);
    return found.uri;
  }
  const why = isCancelled(outcome.error) ? 'the writing was cancelled.' : `the writing failed: ${outcome.error.message}`;
  services.log.warn(`[Claude] ${found.path} left as an incomplete draft: ${why}`);
  if (!isCancelled(outcome.error)) void services.notifier.error(`${found.path} is an incomplete draft: ${outcome.error.message}`);
  return found.uri;
}
