/**
 * "Import Issues": existing issues become a new epic in the workspace's layout (the
 * text is planned in src/core/sync/importPlan.ts). The issues come from an epic issue
 * and its sub-issues, or from a label or a milestone; their blocked-by links become the
 * tasks' dependencies; closed issues become done tasks.
 *
 * An import writes nothing to the tracker. It writes the new epic's files, then the sync
 * state: a failure before the files leaves nothing; a failure between the two leaves an
 * epic whose issues the sync state does not know, which a sync adopts by their numbers in
 * the plan and asks about before rewriting. A rerun after that refuses to import the
 * same issues twice, naming the epic that has them. Existing files are never
 * overwritten: the epic goes in the next free `epic-NNN-<slug>.md` or `<slug>` folder.
 *
 * `importIssues` sees neither VS Code nor the file system: the workspace comes through
 * `ImportWorkspace` (`nodeImportWorkspace` on Node), the state file through `SyncStateStore`.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FileCreate } from '../../core/edits';
import { isoNow, PlanEditError } from '../../core/edits';
import type { Epic, WrittenLayout } from '../../core/model';
import type { PlanFileSystem, PlanIndex } from '../../core/planIndex';
import type { ExternalBlocker, ImportedTask, ImportIssue } from '../../core/sync/importPlan';
import { importFolder, planImport } from '../../core/sync/importPlan';
import { keyBelongsTo } from '../../core/sync/marker';
import { epicIssueNumber } from '../../core/sync/syncPlan';
import type { SyncedIssue } from '../../core/sync/syncState';
import { parseSyncState, serializeSyncState, SyncStateError } from '../../core/sync/syncState';
import type { Tracker, TrackerIssue } from '../tracker';
import { TrackerError } from '../tracker';
import type { SyncStateStore } from './syncEngine';

export type ImportSource =
  /** An epic issue: it stands for the epic, its sub-issues (in their order) are the tasks. */
  | { readonly kind: 'epic'; readonly number: number }
  /** Every issue with the label, open and closed, oldest first. */
  | { readonly kind: 'label'; readonly label: string }
  /** Every issue in the milestone, by its title (any case) or number, oldest first. */
  | { readonly kind: 'milestone'; readonly milestone: string | number };

/** What the import needs of the workspace. */
export interface ImportWorkspace {
  /** The plan roots, as the index reads them. */
  readonly roots: readonly string[];
  /** The epics the workspace has now. */
  epics(): readonly Epic[];
  /** The names in a folder; [] when it does not exist. */
  readDirectory(path: string): Promise<ReadonlyArray<{ readonly name: string; readonly isDirectory: boolean }>>;
  /** Creates the files; throws, writing none, when one of them exists already. */
  create(files: readonly FileCreate[]): Promise<void>;
  /** An epic as the workspace reads it now (after `create`). */
  epic(id: string): Epic | undefined;
}

/**
 * The workspace of a PlanIndex: its roots and epics, its file system for listing, and
 * `create`, which writes the new files (making their folder) and brings them into the index.
 */
export function indexImportWorkspace(index: PlanIndex, fs: Pick<PlanFileSystem, 'readDirectory'>, create: (files: readonly FileCreate[]) => Promise<void>): ImportWorkspace {
  return {
    roots: index.planRoots,
    epics: () => index.allEpics,
    readDirectory: (path) => fs.readDirectory(path),
    create,
    epic: (id) => index.epic(id),
  };
}

/** The workspace folder `root` on Node, for the command line and the tests. */
export function nodeImportWorkspace(root: string, index: PlanIndex): ImportWorkspace {
  const full = (path: string) => join(root, ...path.split('/'));
  return indexImportWorkspace(
    index,
    {
      readDirectory: async (path) => {
        try {
          return readdirSync(full(path), { withFileTypes: true }).map((e) => ({ name: e.name, isDirectory: e.isDirectory() }));
        } catch {
          return [];
        }
      },
    },
    async (files) => {
      // Every file is checked before any is written, so a clash leaves the workspace as it was.
      for (const file of files) if (existsSync(full(file.path))) throw new PlanEditError(`${file.path} already exists; nothing was written.`);
      for (const file of files) {
        mkdirSync(dirname(full(file.path)), { recursive: true });
        writeFileSync(full(file.path), file.text, { flag: 'wx' });
      }
      await index.update(files.map((f) => f.path));
    },
  );
}

export interface ImportOptions {
  readonly tracker: Tracker;
  readonly workspace: ImportWorkspace;
  readonly state: SyncStateStore;
  readonly source: ImportSource;
  /** The layout to write; default: the one the workspace's epics use (see importFolder). */
  readonly layout?: WrittenLayout;
  /** The epic's title; default: the epic issue's, the label or the milestone. */
  readonly title?: string;
  readonly signal?: AbortSignal;
  /** One line per step; the caller adds its component prefix. */
  readonly log?: (line: string) => void;
  /** The `created` time of the directory layout's files (default: now). */
  readonly now?: () => string;
}

export type ImportOutcome = 'done' | 'refused' | 'failed' | 'cancelled';

export interface ImportResult {
  readonly outcome: ImportOutcome;
  /** What was imported, or why not, for the person who asked. */
  readonly message: string;
  /** `owner/name`. */
  readonly repository?: string;
  readonly epicId?: string;
  readonly layout?: WrittenLayout;
  /** The epic's file. */
  readonly path?: string;
  /** Every file written. */
  readonly files: readonly string[];
  readonly epicIssue?: number;
  readonly tasks: readonly ImportedTask[];
  readonly external: readonly ExternalBlocker[];
  readonly notes: readonly string[];
}

class Cancelled extends Error {}

function toImportIssue(issue: TrackerIssue): ImportIssue {
  return { id: issue.id, number: issue.number, title: issue.title, body: issue.body, state: issue.state, stateReason: issue.stateReason, updatedAt: issue.updatedAt, url: issue.url };
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Where each issue number is linked in the workspace already: `T3 of epic-001-x`, `the epic epic-001-x`. */
function linksOf(epics: readonly Epic[]): Map<number, string> {
  const out = new Map<number, string>();
  for (const epic of epics) {
    const n = epicIssueNumber(epic);
    if (n !== undefined && !out.has(n)) out.set(n, `the epic ${epic.id}`);
    for (const task of epic.tasks) if (task.issue !== undefined && !out.has(task.issue)) out.set(task.issue, `task ${task.id} of ${epic.id}`);
  }
  return out;
}

export async function importIssues(options: ImportOptions): Promise<ImportResult> {
  const { tracker, signal, workspace } = options;
  const log = options.log ?? (() => undefined);
  const base = { files: [] as string[], tasks: [] as ImportedTask[], external: [] as ExternalBlocker[], notes: [] as string[] };
  const check = () => {
    if (signal?.aborted) throw new Cancelled();
  };
  let repositoryName: string | undefined;
  const finish = (outcome: ImportOutcome, message: string, extra: Partial<ImportResult> = {}): ImportResult => {
    if (outcome !== 'done') log(message);
    return { ...base, ...extra, outcome, message, ...(repositoryName !== undefined ? { repository: repositoryName } : {}) };
  };
  try {
    // ---- Read: the repository, the state file, the issues and their links.
    const repository = await tracker.repository(signal);
    repositoryName = repository.fullName;
    if (!repository.hasIssues) return finish('refused', `Issues are turned off for ${repository.fullName}.`);
    const stateText = await options.state.load();
    const state = parseSyncState(stateText);
    if (state.repository !== undefined && state.repository.toLowerCase() !== repository.fullName.toLowerCase()) {
      return finish('refused', `The sync state (.autopm/sync.json) belongs to ${state.repository}, not ${repository.fullName}: this workspace's epics sync with ${state.repository}. Nothing was imported.`);
    }

    const { source } = options;
    let epicIssue: TrackerIssue | undefined;
    const nestedNotes: string[] = [];
    let issues: TrackerIssue[];
    let title: string;
    if (source.kind === 'epic') {
      log(`Reading #${source.number} and its sub-issues`);
      try {
        const answer = await tracker.getIssue(source.number, undefined, signal);
        if (!answer.changed) throw new TrackerError(`GitHub answered "not modified" for #${source.number} without an ETag.`, 'invalid');
        epicIssue = answer.value;
      } catch (error) {
        if (error instanceof TrackerError && error.kind === 'not-found') return finish('refused', `#${source.number} is not an issue of ${repository.fullName}.`);
        throw error;
      }
      issues = await tracker.listSubIssues(source.number, signal);
      if (issues.length === 0) {
        return finish('refused', `#${source.number} has no sub-issues, so there are no tasks to import: add its tasks as sub-issues on GitHub, or import them by label or milestone.`);
      }
      title = epicIssue.title;
      // A task has no subtasks: sub-issues of the sub-issues are named, not imported.
      for (const issue of issues) {
        if (!issue.subIssues) continue;
        check();
        const nested = await tracker.listSubIssues(issue.number, signal);
        if (nested.length === 0) continue;
        nestedNotes.push(
          `#${issue.number} has sub-issues of its own (${nested.map((n) => `#${n.number}`).join(', ')}), which were not imported: a task has no subtasks. Import #${issue.number} to make them an epic of their own.`,
        );
      }
    } else if (source.kind === 'label') {
      log(`Listing the issues labelled “${source.label}”`);
      issues = (await tracker.listIssues({ labels: [source.label] }, signal)).sort((a, b) => a.number - b.number);
      if (issues.length === 0) return finish('refused', `No issue of ${repository.fullName} has the label “${source.label}”.`);
      title = source.label;
    } else {
      // The tracker lists by label only; milestones are read from each listed issue.
      const wanted = String(source.milestone).trim();
      log(`Listing the issues of the milestone “${wanted}”`);
      const all = await tracker.listIssues({}, signal);
      issues = all
        .filter((i) => i.milestone !== undefined && (i.milestone.title.toLowerCase() === wanted.toLowerCase() || String(i.milestone.number) === wanted))
        .sort((a, b) => a.number - b.number);
      if (issues.length === 0) return finish('refused', `No issue of ${repository.fullName} is in a milestone “${wanted}”.`);
      title = issues[0].milestone!.title;
    }
    title = options.title?.trim() || title;

    const blockedBy = new Map<number, readonly number[]>();
    for (const issue of issues) {
      check();
      blockedBy.set(issue.number, (await tracker.listBlockedBy(issue.number, signal)).map((b) => b.number));
    }

    // ---- Issues that stand for something in this workspace already are not imported again.
    const epics = workspace.epics();
    const links = linksOf(epics);
    const epicIds = new Set(epics.map((e) => e.id));
    const recordedHere = (n: number) => {
      const record = state.issues.get(n);
      // A record of an epic no longer in the workspace is stale: the import replaces it.
      return record !== undefined && [...epicIds].some((id) => keyBelongsTo(record.key, id)) ? record.key : undefined;
    };
    const clashes: string[] = [];
    for (const issue of [...(epicIssue ? [epicIssue] : []), ...issues]) {
      const where = links.get(issue.number) ?? (recordedHere(issue.number) !== undefined ? `${recordedHere(issue.number)} in the sync state` : undefined);
      if (where !== undefined) clashes.push(`#${issue.number} (${where})`);
    }
    if (clashes.length > 0) {
      return finish(
        'refused',
        `Not imported: ${clashes.length === 1 ? 'this issue is' : 'these issues are'} in the plan already: ${clashes.join(', ')}. An issue stands for one task only; remove the old epic first to import it again.`,
      );
    }

    // ---- Where the epic goes, and its text.
    const existingRoots = new Set<string>();
    for (const root of workspace.roots) if ((await workspace.readDirectory(root)).length > 0) existingRoots.add(root);
    const target = importFolder({ layout: options.layout, roots: workspace.roots, epics, existingRoots });
    if (!target) return finish('refused', 'No plan folder holds epics (an `epics` root such as `.claude/epics`); add one to the plan roots to import.');
    const names = new Set((await workspace.readDirectory(target.folder)).map((e) => e.name));
    const takenIds = new Set(epicIds);
    for (const record of state.issues.values()) takenIds.add(record.key.split('/')[0]);
    for (const key of state.pending.keys()) takenIds.add(key.split('/')[0]);
    const now = (options.now ?? (() => isoNow()))();
    const plan = planImport({
      layout: target.layout,
      folder: target.folder,
      names,
      takenIds,
      title,
      ...(epicIssue ? { epicIssue: toImportIssue(epicIssue) } : {}),
      issues: issues.map(toImportIssue),
      blockedBy,
      now,
    });
    const described = { epicId: plan.epicId, layout: plan.layout, path: plan.epicPath, tasks: [...plan.tasks], external: [...plan.external], notes: [...plan.notes, ...nestedNotes], ...(epicIssue ? { epicIssue: epicIssue.number } : {}) };

    // ---- Write: the files, then the state.
    check();
    log(`Writing ${plan.epicId} (${plural(plan.tasks.length, 'task')}) in ${target.folder}`);
    await workspace.create(plan.files);
    const files = plan.files.map((f) => f.path);
    const written = workspace.epic(plan.epicId);
    const readBack = written?.tasks.map((t) => `${t.id}#${t.issue}<${t.dependsOn.join(',')}`).join(' ');
    const meant = plan.tasks.map((t) => `${t.taskId}#${t.number}<${t.dependsOn.join(',')}`).join(' ');
    if (readBack !== meant) {
      return finish('failed', `${plan.epicPath} was written but does not read back as imported (${readBack ?? 'no epic'}); the sync state was left as it was. Delete the new files and import again.`, { ...described, files });
    }
    const records = new Map<number, SyncedIssue>(state.issues);
    for (const [n, record] of plan.records) {
      // One issue per key, as the sync keeps it.
      for (const [other, r] of records) if (r.key === record.key && other !== n) records.delete(other);
      // No ETag is recorded: the bodies lack their markers until the first sync, which must
      // read every issue in full to add them, and a 304 would tell it nothing was missing.
      records.set(n, record);
    }
    const text = serializeSyncState({ ...state, repository: state.repository ?? repository.fullName, issues: records });
    try {
      if (text !== stateText) await options.state.save(text);
    } catch (error) {
      return finish(
        'failed',
        `${plan.epicPath} was written, but the sync state could not be saved (${error instanceof Error ? error.message : String(error)}): a sync of ${plan.epicId} will ask before it rewrites its issues.`,
        { ...described, files },
      );
    }
    const from = source.kind === 'epic' ? `#${source.number} and its sub-issues` : source.kind === 'label' ? `the issues labelled “${source.label}”` : `the milestone “${title}”`;
    const deps = plan.tasks.reduce((n, t) => n + t.dependsOn.length, 0);
    return finish('done', `Imported ${from} as ${plan.epicId}: ${plural(plan.tasks.length, 'task')} (${plan.tasks.filter((t) => t.state === 'done').length} done), ${plural(deps, 'dependency', 'dependencies')}, in ${plan.epicPath}.`, {
      ...described,
      files,
    });
  } catch (error) {
    if (error instanceof Cancelled || (error instanceof TrackerError && error.kind === 'cancelled') || signal?.aborted) return finish('cancelled', 'The import was cancelled; nothing was written.');
    if (error instanceof TrackerError) return finish('failed', `${error.message} Nothing was written; run the import again.`);
    if (error instanceof SyncStateError || error instanceof PlanEditError) return finish('failed', error.message);
    return finish('failed', error instanceof Error ? error.message : String(error));
  }
}
