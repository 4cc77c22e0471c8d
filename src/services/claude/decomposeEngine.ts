/**
 * "Decompose PRD into Epic": Claude is asked for a plan (structured output, the schema in
 * src/core/decompose/planSchema.ts), the answer is checked (checkPlan.ts), the epic's
 * files are made from it (epicFiles.ts), shown to the person who asked, and only then
 * written. Nothing a model says reaches the files unless it passed every check: an
 * invalid answer ends with its problems, which a retry sends back to the model.
 *
 * The PRD is read once, before the call. It must still hold that text when the files are
 * written (the link to the epic is an edit of it): a PRD changed meanwhile is not
 * clobbered, and nothing is written.
 *
 * Neither VS Code nor the file system is seen here: the workspace comes through
 * `DecomposeWorkspace`, so the editor and the command line run the same steps.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { decomposeRequest } from '../../core/claude/decomposePrompt';
import { isIncompleteDraft } from '../../core/claude/prdWriting';
import type { DecomposedEpic } from '../../core/decompose/epicFiles';
import { decompositionFiles } from '../../core/decompose/epicFiles';
import { readProposedPlan } from '../../core/decompose/checkPlan';
import type { PlanChange } from '../../core/edits';
import { applyEdits, isoNow, PlanEditError } from '../../core/edits';
import type { Epic, WrittenLayout, Prd } from '../../core/model';
import type { PlanIndex } from '../../core/planIndex';
import { parseSyncState, SYNC_STATE_PATH } from '../../core/sync/syncState';
import type { ModelRequest, PlanModel } from './planModel';
import { estimateInputTokens, isCancelled, ModelError } from './planModel';

/** Beyond this many input tokens (about 200 KB of text) a request is worth a second thought: it costs, and it is slow. */
export const LARGE_REQUEST_TOKENS = 50_000;

/** What the decomposition needs of the workspace. */
export interface DecomposeWorkspace {
  /** The plan roots, as the index reads them. */
  readonly roots: readonly string[];
  epics(): readonly Epic[];
  prds(): readonly Prd[];
  /** A plan file's current text (an open document's buffer in the editor). */
  readText(path: string): Promise<string>;
  /** The names in a folder; [] when it does not exist. */
  readDirectory(path: string): Promise<ReadonlyArray<{ readonly name: string; readonly isDirectory: boolean }>>;
  /**
   * Writes the change, or nothing: it throws when a file to create exists, or when
   * `unchanged.path` no longer holds `unchanged.text`.
   */
  write(change: PlanChange, unchanged: { readonly path: string; readonly text: string }): Promise<void>;
  /** An epic as the workspace reads it now (after `write`). */
  epic(id: string): Epic | undefined;
  /** The sync state's text (`.autopm/sync.json`), whose epic ids a new epic must not take; undefined when there is none. */
  syncState(): Promise<string | undefined>;
}

/** A file the decomposition would write: `before` is undefined for a new file. */
export interface PreviewFile {
  readonly path: string;
  readonly before: string | undefined;
  readonly after: string;
}

export interface DecomposeOptions {
  readonly model: PlanModel;
  readonly workspace: DecomposeWorkspace;
  /** The PRD's path, relative to the workspace folder. */
  readonly prdPath: string;
  readonly maxTokens: number;
  readonly maxTasks: number;
  /** The layout to write; default: the workspace's (see newEpicFolder). */
  readonly layout?: WrittenLayout;
  /** What was wrong with the previous answer, for a retry. */
  readonly problems?: readonly string[];
  /** Epic ids taken besides the workspace's epics (the sync state's, say). */
  readonly takenIds?: ReadonlySet<string>;
  /**
   * Shown the files before they are written; false writes nothing. Without it the
   * files are written at once (the command line).
   */
  readonly preview?: (epic: DecomposedEpic, files: readonly PreviewFile[]) => Promise<boolean>;
  /** Asked before a request of more than LARGE_REQUEST_TOKENS input tokens is sent; false sends nothing. */
  readonly confirmLarge?: (tokens: number) => Promise<boolean>;
  readonly signal?: AbortSignal;
  /** Each piece of the answer as it arrives, for progress. */
  readonly onText?: (delta: string) => void;
  readonly onWait?: (waitMs: number, reason: string) => void;
  /** One line per step; the caller adds its prefix. */
  readonly log?: (line: string) => void;
  readonly now?: () => string;
}

export type DecomposeOutcome =
  /** The epic was written. */
  | 'done'
  /** Claude's answer was not a plan that can be written; `problems` says why, and a retry sends them back. */
  | 'invalid'
  /** Nothing was asked: no such PRD, an unfinished draft, no folder for epics. */
  | 'refused'
  /** The call or the write failed. */
  | 'failed'
  | 'cancelled'
  /** The preview was turned down. */
  | 'declined';

export interface DecomposeResult {
  readonly outcome: DecomposeOutcome;
  /** What happened, in words for the person who asked. */
  readonly message: string;
  readonly problems: readonly string[];
  /** Whether asking again, unchanged, may work (a failed call). */
  readonly retryable: boolean;
  readonly epicId?: string;
  readonly layout?: WrittenLayout;
  /** The epic file, or `epic.md`. */
  readonly path?: string;
  readonly tasks?: number;
  /** Every file written or edited. */
  readonly files: readonly string[];
  readonly notes: readonly string[];
  /** Which model answered. */
  readonly model?: string;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export async function decomposePrd(options: DecomposeOptions): Promise<DecomposeResult> {
  const { workspace, signal } = options;
  const log = options.log ?? (() => undefined);
  const finish = (outcome: DecomposeOutcome, message: string, extra: Partial<DecomposeResult> = {}): DecomposeResult => {
    log(message);
    return { outcome, message, problems: [], retryable: false, files: [], notes: [], ...extra };
  };

  const prd = workspace.prds().find((p) => p.path === options.prdPath);
  if (!prd) return finish('refused', `${options.prdPath} is not a PRD in the plan roots.`);
  let prdText: string;
  try {
    prdText = await workspace.readText(prd.path);
  } catch (error) {
    return finish('refused', `${prd.path} could not be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (prdText.trim() === '') return finish('refused', `${prd.path} is empty: write the PRD first.`);
  if (isIncompleteDraft(prdText)) return finish('refused', `${prd.path} is marked as an incomplete draft: finish it (and remove the marker line) before breaking it down.`);

  const request = decomposeRequest({ prdPath: prd.path, prdTitle: prd.title, prdText, maxTasks: options.maxTasks, ...(options.problems ? { problems: options.problems } : {}) });
  const modelRequest: ModelRequest = { ...request, maxTokens: options.maxTokens };
  const tokens = estimateInputTokens(modelRequest);
  if (tokens > LARGE_REQUEST_TOKENS && options.confirmLarge && !(await options.confirmLarge(tokens))) {
    return finish('declined', `Nothing was sent: ${prd.path} makes a request of about ${tokens.toLocaleString('en-US')} input tokens.`);
  }
  log(`Asking ${options.model.description} to break ${prd.path} (about ${tokens.toLocaleString('en-US')} input tokens) down into at most ${plural(options.maxTasks, 'task')}${options.problems?.length ? `, with the ${plural(options.problems.length, 'problem')} of the last answer` : ''}`);
  let answer;
  try {
    answer = await options.model.complete(modelRequest, {
      ...(signal ? { signal } : {}),
      ...(options.onText ? { onText: options.onText } : {}),
      ...(options.onWait ? { onWait: options.onWait } : {}),
    });
  } catch (error) {
    if (isCancelled(error) || signal?.aborted) return finish('cancelled', 'The decomposition was cancelled; nothing was written.');
    const message = error instanceof Error ? error.message : String(error);
    return finish('failed', `${message} Nothing was written.`, { retryable: error instanceof ModelError ? error.retryable : true });
  }
  if (signal?.aborted) return finish('cancelled', 'The decomposition was cancelled; nothing was written.');

  const checked = readProposedPlan(answer.text, answer.stopReason, { maxTasks: options.maxTasks });
  if (!checked.ok) {
    return finish('invalid', `Claude's plan for ${prd.path} was not written: ${checked.problems.length === 1 ? checked.problems[0] : plural(checked.problems.length, 'problem')}`, {
      problems: checked.problems,
      retryable: true,
      model: answer.model,
    });
  }

  const epics = workspace.epics();
  const existingRoots = new Set<string>();
  const paths: string[] = [];
  for (const root of workspace.roots) {
    const entries = await workspace.readDirectory(root);
    if (entries.length > 0) existingRoots.add(root);
    for (const entry of entries) paths.push(`${root}/${entry.name}`);
  }
  // An epic id the sync state still knows belongs to issues on GitHub: a new epic taking
  // it would have its tasks synced onto those issues.
  const takenIds = new Set(options.takenIds ?? []);
  try {
    const state = parseSyncState(await workspace.syncState());
    for (const record of state.issues.values()) takenIds.add(record.key.split('/')[0]);
    for (const key of state.pending.keys()) takenIds.add(key.split('/')[0]);
  } catch (error) {
    log(`The sync state could not be read (${error instanceof Error ? error.message : String(error)}); only the workspace's epic ids are taken.`);
  }
  const made = decompositionFiles({
    plan: checked.plan,
    prd,
    prdText,
    epics,
    roots: workspace.roots,
    existingRoots,
    paths,
    takenIds,
    ...(options.layout ? { layout: options.layout } : {}),
    now: (options.now ?? isoNow)(),
  });
  if (!made.ok) {
    // The plan passed its checks but cannot be written here: the model cannot fix that, so no retry.
    return finish('refused', `The plan for ${prd.path} cannot be written: ${made.problems.join(' ')}`, { problems: made.problems, model: answer.model });
  }

  const files: PreviewFile[] = [
    ...made.change.creates.map((c) => ({ path: c.path, before: undefined, after: c.text })),
    ...made.change.edits.map((e) => ({ path: e.path, before: prdText, after: applyEdits(prdText, e.edits) })),
  ];
  const described = {
    epicId: made.epicId,
    layout: made.layout,
    path: made.epicPath,
    tasks: made.taskIds.size,
    notes: made.notes,
    model: answer.model,
  };
  let accepted: boolean;
  try {
    accepted = !options.preview || (await options.preview(made, files));
  } catch (error) {
    return finish('failed', `The preview of ${made.epicId} failed (${error instanceof Error ? error.message : String(error)}); nothing was written.`, described);
  }
  if (!accepted) return finish('declined', `Nothing was written: the plan for ${made.epicId} was not accepted.`, described);
  if (signal?.aborted) return finish('cancelled', 'The decomposition was cancelled; nothing was written.', described);

  try {
    await workspace.write(made.change, { path: prd.path, text: prdText });
  } catch (error) {
    return finish('failed', `${error instanceof Error ? error.message : String(error)}`, described);
  }
  const written = files.map((f) => f.path);
  const epic = workspace.epic(made.epicId);
  const meant = [...made.taskIds.values()].join(',');
  const read = epic?.tasks.map((t) => t.id).join(',');
  if (read !== meant) {
    return finish('failed', `${made.epicPath} was written but does not read back as planned (tasks ${read ?? 'none'}, not ${meant}).`, { ...described, files: written });
  }
  const edges = epic!.tasks.reduce((n, t) => n + t.dependsOn.length, 0);
  return finish('done', `${made.epicId} written from ${prd.path}: ${plural(made.taskIds.size, 'task')}, ${plural(edges, 'dependency', 'dependencies')}, in ${made.epicPath}.`, {
    ...described,
    files: written,
  });
}

/**
 * The workspace of a PlanIndex on Node, for the command line and the tests: files are
 * checked before any is written, so a clash or a changed PRD leaves every file as it was.
 */
export function nodeDecomposeWorkspace(root: string, index: PlanIndex): DecomposeWorkspace {
  const full = (path: string) => join(root, ...path.split('/'));
  return {
    roots: index.planRoots,
    epics: () => index.allEpics,
    prds: () => index.prds,
    readText: async (path) => readFileSync(full(path), 'utf8'),
    readDirectory: async (path) => {
      try {
        return readdirSync(full(path), { withFileTypes: true }).map((e) => ({ name: e.name, isDirectory: e.isDirectory() }));
      } catch {
        return [];
      }
    },
    write: async (change, unchanged) => {
      for (const create of change.creates) if (existsSync(full(create.path))) throw new PlanEditError(`${create.path} already exists; nothing was written.`);
      const edited = change.edits.map((e) => {
        const before = readFileSync(full(e.path), 'utf8');
        if (e.path === unchanged.path && before !== unchanged.text) throw new PlanEditError(`${e.path} changed while Claude was answering; nothing was written. Run the decomposition again.`);
        return { path: e.path, text: applyEdits(before, e.edits) };
      });
      // What this write made, so that a failure partway takes it all back.
      const made: string[] = [];
      try {
        for (const create of change.creates) {
          const folder = dirname(full(create.path));
          const first = mkdirSync(folder, { recursive: true });
          if (first) made.push(first);
          writeFileSync(full(create.path), create.text, { flag: 'wx' });
          made.push(full(create.path));
        }
        for (const edit of edited) writeFileSync(full(edit.path), edit.text);
      } catch (error) {
        for (const path of made.reverse()) rmSync(path, { recursive: true, force: true });
        throw new PlanEditError(`The epic could not be written (${error instanceof Error ? error.message : String(error)}); nothing was kept.`);
      }
      await index.update([...change.creates.map((c) => c.path), ...edited.map((e) => e.path)]);
    },
    epic: (id) => index.epic(id),
    syncState: async () => (existsSync(full(SYNC_STATE_PATH)) ? readFileSync(full(SYNC_STATE_PATH), 'utf8') : undefined),
  };
}
