import * as vscode from 'vscode';
import { Commands } from '../../common/commands';
import { Disposable } from '../../common/lifecycle';
import type { LocatedFinding, Review } from '../../core/claude/reviewEpic';
import { readReview, reviewMarkdown, reviewRequest } from '../../core/claude/reviewEpic';
import type { Epic } from '../../core/model';
import { epicBelongsToPrd } from '../../core/progress';
import { LARGE_REQUEST_TOKENS } from '../../services/claude/decomposeEngine';
import { estimateInputTokens, isCancelled, ModelError } from '../../services/claude/planModel';
import type { Notifier } from '../../services/notifier';
import type { FolderPlans, PlanWorkspace } from '../../services/planWorkspace';
import { signalOf } from '../presentation';
import type { ClaudeModels } from './claudeModels';
import { epicRef, epicRefOf } from '../../core/model';

/**
 * The findings of the last review of each epic, as diagnostics on the lines concerned. A
 * review is of the text as it was, so a file's findings go once the file is edited.
 */
export class ReviewDiagnostics extends Disposable {
  readonly collection = this._register(vscode.languages.createDiagnosticCollection('autopm-review'));
  /** Which files each epic's review put findings on, so a new review replaces only its own. */
  private readonly filesOf = new Map<string, vscode.Uri[]>();

  constructor(workspace: PlanWorkspace) {
    super();
    this._register(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length > 0 && this.collection.has(e.document.uri)) this.collection.delete(e.document.uri);
      }),
    );
    // Files changed on disk (git, another program, AutoPM's own edits) lose theirs too.
    this._register(
      workspace.onDidChange((event) => {
        if (!event) return;
        const { folder, change } = event;
        for (const path of [...change.changed, ...change.removed]) this.collection.delete(folder.uriOf(path));
      }),
    );
  }

  set(key: string, plans: FolderPlans, findings: readonly LocatedFinding[]): void {
    for (const uri of this.filesOf.get(key) ?? []) this.collection.delete(uri);
    const byFile = new Map<string, { uri: vscode.Uri; diagnostics: vscode.Diagnostic[] }>();
    for (const finding of findings) {
      const uri = plans.uriOf(finding.path);
      const entry = byFile.get(uri.toString()) ?? { uri, diagnostics: [] };
      const diagnostic = new vscode.Diagnostic(
        new vscode.Range(finding.line, 0, finding.line, Number.MAX_SAFE_INTEGER),
        finding.message,
        finding.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information,
      );
      diagnostic.source = 'AutoPM review';
      diagnostic.code = finding.kind;
      entry.diagnostics.push(diagnostic);
      byFile.set(uri.toString(), entry);
    }
    for (const { uri, diagnostics } of byFile.values()) this.collection.set(uri, diagnostics);
    this.filesOf.set(key, [...byFile.values()].map((e) => e.uri));
  }
}

export interface ReviewServices {
  readonly workspace: PlanWorkspace;
  readonly models: ClaudeModels;
  readonly notifier: Notifier;
  readonly log: vscode.LogOutputChannel;
  readonly diagnostics: ReviewDiagnostics;
}

/** `{ folder, epicPath }` (the CodeLens), a tree node holding an epic, or nothing (the active editor's epic, else a pick). */
export interface ReviewArgs {
  readonly folder?: unknown;
  readonly epicPath?: unknown;
  readonly epic?: { readonly path?: unknown };
  readonly plans?: { readonly key?: unknown };
  /** Keep the report in the background (scripts and tests). */
  readonly quiet?: unknown;
}

export interface ReviewResult {
  readonly outcome: 'done' | 'invalid' | 'failed' | 'cancelled';
  readonly message: string;
  readonly review?: Review;
  readonly report?: vscode.Uri;
}

async function targetOf(services: ReviewServices, arg: ReviewArgs | undefined): Promise<{ plans: FolderPlans; epic: Epic } | undefined> {
  const { workspace } = services;
  await workspace.ready();
  const entry = arg && typeof arg === 'object' && 'entry' in arg ? ((arg as { entry: ReviewArgs }).entry ?? arg) : arg;
  const folderKey = typeof entry?.folder === 'string' ? entry.folder : ((entry?.folder as { key?: unknown } | undefined)?.key ?? entry?.plans?.key);
  const epicPath = typeof entry?.epicPath === 'string' ? entry.epicPath : epicRefOf(entry?.epic);
  if (typeof folderKey === 'string' && typeof epicPath === 'string') {
    const found = workspace.epics().find((e) => e.folder.key === folderKey && epicRef(e.epic) === epicPath);
    return found && { plans: found.folder, epic: found.epic };
  }
  const active = vscode.window.activeTextEditor?.document.uri;
  const here = active && workspace.epicForDocument(active);
  if (here) return { plans: here.folder, epic: here.epic };
  const epics = workspace.epics();
  if (epics.length === 0) {
    void services.notifier.info('There is no epic to review: break a PRD down with "AutoPM: Decompose PRD into Epic".');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    epics.map((e) => ({ label: `$(project) ${e.epic.title || e.epic.id}`, description: e.epic.path, target: { plans: e.folder, epic: e.epic } })),
    { placeHolder: 'Which epic should Claude review against its PRD?', matchOnDescription: true },
  );
  return picked?.target;
}

export async function reviewEpicCommand(services: ReviewServices, arg?: ReviewArgs): Promise<ReviewResult | undefined> {
  const target = await targetOf(services, arg);
  if (!target) return undefined;
  const { plans, epic } = target;
  const { notifier, log } = services;
  const choice = await services.models.choose();
  if ('offline' in choice) {
    // Not awaited: the command ends now, and the button works for as long as the notification shows.
    void notifier.info(`Reviewing an epic needs Claude or another language model. ${choice.offline}`, 'Set Anthropic API Key').then((action) => action === 'Set Anthropic API Key' && vscode.commands.executeCommand(Commands.setAnthropicKey));
    return undefined;
  }
  const epicTexts = new Map<string, string>();
  for (const path of new Set([epic.path, ...epic.tasks.map((t) => t.path)])) {
    const text = await plans.fs.readFile(path);
    if (text !== undefined) epicTexts.set(path, text);
  }
  const prd = plans.index.prds.find((p) => epicBelongsToPrd(epic, p));
  const prdText = prd && (await plans.fs.readFile(prd.path));
  const request = reviewRequest({ epic, epicTexts, ...(prd ? { prd } : {}), ...(prdText !== undefined ? { prdText } : {}) });
  const finish = (outcome: ReviewResult['outcome'], message: string, extra: Partial<ReviewResult> = {}): ReviewResult => {
    log.info(`[Review] ${message}`);
    return { outcome, message, ...extra };
  };
  const tokens = estimateInputTokens({ ...request, maxTokens: choice.maxTokens });
  if (
    tokens > LARGE_REQUEST_TOKENS &&
    arg?.quiet !== true &&
    (await notifier.ask(`The review of ${epic.id} makes a large request: about ${tokens.toLocaleString('en-US')} input tokens to ${choice.model.description}. Send it?`, 'Send')) !== 'Send'
  ) {
    return finish('cancelled', `The review of ${epic.id} was not sent.`);
  }
  let answer;
  try {
    answer = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `${choice.model.description} is reviewing ${epic.title || epic.id}${prd ? ` against ${prd.path}` : ''}`, cancellable: true },
      (progress, token) =>
        choice.model.complete(
          { ...request, maxTokens: choice.maxTokens },
          { signal: signalOf(token), onWait: (waitMs, reason) => progress.report({ message: `${reason}: retrying in ${Math.ceil(waitMs / 1000)} s` }) },
        ),
    );
  } catch (error) {
    if (isCancelled(error)) {
      const result = finish('cancelled', `The review of ${epic.id} was cancelled.`);
      void notifier.info(result.message);
      return result;
    }
    const result = finish('failed', `The review of ${epic.id} failed: ${error instanceof Error ? error.message : String(error)}`);
    const retryable = !(error instanceof ModelError) || error.retryable;
    void notifier.error(result.message, ...(retryable ? ['Retry'] : [])).then((a) => a === 'Retry' && vscode.commands.executeCommand(Commands.reviewEpic, { folder: plans.key, epicPath: epicRef(epic) }));
    return result;
  }
  const read = readReview(answer.text, answer.stopReason, { epic, ...(prd ? { prd } : {}), ...(prdText !== undefined ? { prdText } : {}) });
  if (!read.ok) {
    for (const problem of read.problems) log.warn(`[Review] ${problem}`);
    const result = finish('invalid', `Claude's review of ${epic.id} could not be read: ${read.problems.slice(0, 3).join(' ')}`);
    void notifier.error(result.message, 'Retry').then((a) => a === 'Retry' && vscode.commands.executeCommand(Commands.reviewEpic, { folder: plans.key, epicPath: epicRef(epic) }));
    return result;
  }
  const { review } = read;
  // Findings are about the text Claude read: those on a file changed since are dropped.
  const before = new Map(epicTexts);
  if (prd && prdText !== undefined) before.set(prd.path, prdText);
  const changed = new Set<string>();
  for (const [path, text] of before) if ((await plans.fs.readFile(path)) !== text) changed.add(path);
  const findings = review.findings.filter((f) => !changed.has(f.path));
  if (changed.size > 0) log.info(`[Review] ${[...changed].join(', ')} changed while Claude was reviewing; ${review.findings.length - findings.length} findings on them were dropped.`);
  services.diagnostics.set(`${plans.key}|${epicRef(epic)}`, plans, findings);
  for (const note of review.notes) log.info(`[Review] ${note}`);
  const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: reviewMarkdown({ ...review, findings }, epic, prd) });
  await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: arg?.quiet === true, preview: true });
  const warnings = findings.filter((f) => f.severity === 'warning').length;
  const message =
    findings.length === 0
      ? `Claude's review of ${epic.id} found nothing to change.`
      : `Claude's review of ${epic.id}: ${findings.length} finding${findings.length === 1 ? '' : 's'} (${warnings} warning${warnings === 1 ? '' : 's'}), shown in the Problems panel and the report.`;
  void notifier.info(message);
  return finish('done', message, { review: { ...review, findings }, report: document.uri });
}
