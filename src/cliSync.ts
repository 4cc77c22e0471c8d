/**
 * `autopm sync`: an epic pushed to GitHub issues from the command line, for CI and scripts,
 * through the same engine as the editor's "Sync Epic to GitHub". The token comes from
 * `GITHUB_TOKEN`; it is never printed.
 *
 * Exit codes: 0 done (or a dry run shown), 1 failed, refused or cancelled (the files and
 * GitHub are left consistent, and running it again resumes), 2 usage.
 *
 * `--json` prints one object:
 * { "outcome": "done" | "refused" | "failed" | "cancelled", "message": string | null,
 *   "repository": "owner/name" | null, "dryRun": boolean, "preview": [lines],
 *   "created" | "adopted" | "recorded" | "updated" | "closed" | "reopened" | "labelled" |
 *   "labels" | "linked" | "renamed" | "skipped": [{ "label", "number"?, "url"?, "detail"? }],
 *   "writes": number }
 */
import { execFileSync } from 'node:child_process';
import type { RemoteRepository } from './core/gitRemote';
import { parseRepositoryName, pickRemote } from './core/gitRemote';
import type { Epic } from './core/model';
import type { PlanIndex } from './core/planIndex';
import { GITHUB_LIMITS } from './core/sync/limits';
import { parseSyncState, SyncStateError } from './core/sync/syncState';
import { createGitHubTracker } from './services/github/githubTracker';
import { NodePlanAccess, NodeSyncStateStore } from './services/sync/nodeSyncAccess';
import type { ImportSource } from './services/sync/importEngine';
import { importIssues, nodeImportWorkspace } from './services/sync/importEngine';
import type { PullResult } from './services/sync/pullEngine';
import { pullWorkspace } from './services/sync/pullEngine';
import type { SyncItem, SyncResult } from './services/sync/syncEngine';
import { previewSync, runSync } from './services/sync/syncEngine';

export class SyncUsageError extends Error {}

export interface SyncCommandOptions {
  readonly epic: Epic;
  readonly repo?: string;
  readonly apiUrl?: string;
  readonly dryRun: boolean;
  readonly json: boolean;
  readonly verbose: boolean;
  readonly version: string;
  readonly env: NodeJS.ProcessEnv;
  /** Cancels the run (Ctrl+C). */
  readonly signal?: AbortSignal;
}

interface Io {
  out(text: string): void;
  err(text: string): void;
}

/** `--repo`, else the repository the workspace last synced with, else the git remote. */
function chooseRepository(dir: string, given: string | undefined, recorded: string | undefined): { owner: string; name: string } {
  if (given !== undefined) {
    const parsed = parseRepositoryName(given);
    if (!parsed) throw new SyncUsageError(`--repo takes owner/name, not "${given}".`);
    return parsed;
  }
  const fromState = recorded === undefined ? undefined : parseRepositoryName(recorded);
  if (fromState) return fromState;
  const fromGit = gitRemoteRepository(dir);
  if (fromGit) return fromGit;
  throw new SyncUsageError('No repository: give --repo owner/name, or run it in a git repository whose origin is on GitHub.');
}

function gitRemoteRepository(dir: string): RemoteRepository | undefined {
  let output: string;
  try {
    output = execFileSync('git', ['remote', '-v'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
  const remotes = new Map<string, string>();
  for (const line of output.split('\n')) {
    const match = /^(\S+)\s+(\S+)\s+\(fetch\)$/.exec(line.trim());
    if (match) remotes.set(match[1], match[2]);
  }
  return pickRemote([...remotes].map(([name, fetchUrl]) => ({ name, fetchUrl })));
}

/**
 * `AUTOPM_GITHUB_WRITE_INTERVAL_MS`: the least time between two writes, for servers other
 * than GitHub's (a test server). GitHub asks for a second, and three between writes that
 * notify people; that is the default.
 */
export function writeSpacing(env: NodeJS.ProcessEnv): number | undefined {
  const text = env.AUTOPM_GITHUB_WRITE_INTERVAL_MS?.trim();
  if (!text) return undefined;
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms < 0) throw new SyncUsageError(`AUTOPM_GITHUB_WRITE_INTERVAL_MS must be a whole number of milliseconds, not "${text}".`);
  return ms;
}

type ConnectOptions = Pick<SyncCommandOptions, 'repo' | 'apiUrl' | 'verbose' | 'version' | 'env'>;

/** The token, the repository and a tracker for it, from the options and the environment. */
async function connect(command: string, dir: string, options: ConnectOptions, io: Io) {
  const token = options.env.GITHUB_TOKEN?.trim();
  if (!token) throw new SyncUsageError(`${command} needs a GitHub token in the GITHUB_TOKEN environment variable.`);
  const stateStore = new NodeSyncStateStore(dir);
  let recorded: string | undefined;
  try {
    recorded = parseSyncState(await stateStore.load()).repository;
  } catch (error) {
    if (!(error instanceof SyncStateError)) throw error;
    // The engine reports a broken state file in its own words.
  }
  const repository = chooseRepository(dir, options.repo, recorded);
  const apiUrl = (options.apiUrl ?? options.env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/+$/, '');
  const spacing = writeSpacing(options.env);
  const log = (line: string) => {
    if (options.verbose) io.err(line);
  };
  const tracker = createGitHubTracker({
    owner: repository.owner,
    repo: repository.name,
    log,
    client: {
      token,
      version: options.version,
      baseUrl: apiUrl,
      ...(spacing === undefined ? {} : { minWriteIntervalMs: spacing }),
      onWait: (seconds, why) => io.err(`Waiting ${Math.ceil(seconds)} s for GitHub's ${why === 'secondary-rate-limit' ? 'secondary rate limit' : 'rate limit'}…`),
    },
  });
  return { tracker, stateStore, spacing, log, fullName: `${repository.owner}/${repository.name}` };
}

export async function syncCommand(index: PlanIndex, dir: string, options: SyncCommandOptions, io: Io): Promise<number> {
  const { tracker, stateStore, spacing, log } = await connect('sync', dir, options, io);
  const syncOptions = {
    tracker,
    plan: new NodePlanAccess(dir, index, options.epic.id),
    state: stateStore,
    log,
    ...(spacing === undefined ? {} : { limits: { ...GITHUB_LIMITS, writeIntervalMs: spacing } }),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.json ? {} : { onProgress: (p: { step: number; total: number; message: string }) => io.err(`[${p.step}/${p.total}] ${p.message}`) }),
  };
  const result = options.dryRun ? await previewSync(syncOptions) : await runSync(syncOptions);
  if (options.json) io.out(JSON.stringify(resultJson(result, options.dryRun), null, 2));
  else printResult(result, options.dryRun, io);
  return result.outcome === 'done' ? 0 : 1;
}

const ITEM_KINDS = ['created', 'adopted', 'recorded', 'updated', 'closed', 'reopened', 'labelled', 'labels', 'linked', 'renamed', 'skipped'] as const;

function resultJson(result: SyncResult, dryRun: boolean) {
  return {
    outcome: result.outcome,
    message: result.message ?? null,
    repository: result.repository ?? null,
    dryRun,
    preview: result.preview,
    ...Object.fromEntries(ITEM_KINDS.map((kind) => [kind, result[kind]])),
    writes: result.writes,
  };
}

function itemText(item: SyncItem): string {
  return [item.number !== undefined ? `#${item.number}` : undefined, item.label, item.detail ? `(${item.detail})` : undefined].filter(Boolean).join(' ');
}

function printResult(result: SyncResult, dryRun: boolean, io: Io): void {
  if (dryRun || result.outcome === 'refused') for (const line of result.preview) io.out(line);
  if (!dryRun) {
    for (const kind of ITEM_KINDS) {
      const items = result[kind];
      if (items.length === 0) continue;
      io.out(`${kind[0].toUpperCase()}${kind.slice(1)}:`);
      for (const item of items) io.out(`  ${itemText(item)}`);
    }
    if (result.outcome === 'done') io.out(result.writes === 0 ? `Up to date with ${result.repository}: nothing to write.` : `Synced with ${result.repository}: ${result.writes} write${result.writes === 1 ? '' : 's'}.`);
  }
  // A refusal's reasons are the preview's last lines: said once.
  if (result.outcome === 'refused') io.err('Nothing was synced.');
  else if (result.message) (result.outcome === 'done' ? io.out : io.err)(result.message);
}

export interface PullCommandOptions extends ConnectOptions {
  readonly json: boolean;
  readonly signal?: AbortSignal;
}

/**
 * `autopm pull`: issue states from GitHub into every epic that has synced. Nobody is there
 * to ask, so what changed on both sides since the last sync is left as it is and listed
 * (exit 1), for the editor's Pull or a person to settle.
 */
export async function pullCommand(index: PlanIndex, dir: string, options: PullCommandOptions, io: Io): Promise<number> {
  const { tracker, stateStore, log, fullName } = await connect('pull', dir, options, io);
  const result = await pullWorkspace({
    tracker,
    plans: index.allEpics.map((epic) => new NodePlanAccess(dir, index, epic.id)),
    state: stateStore,
    repository: fullName,
    log,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (options.json) io.out(JSON.stringify(pullJson(result), null, 2));
  else printPull(result, io);
  const unresolved = result.conflicts.some((c) => c.resolution === 'unresolved');
  return result.outcome === 'done' && !unresolved ? 0 : 1;
}

function pullJson(result: PullResult) {
  return {
    outcome: result.outcome,
    message: result.message,
    repository: result.repository ?? null,
    epics: result.epics,
    changed: result.changed,
    conflicts: result.conflicts,
    skipped: result.skipped,
    reads: result.reads,
    notModified: result.notModified,
  };
}

function printPull(result: PullResult, io: Io): void {
  for (const change of result.changed) io.out(`${change.epicId} #${change.number} ${change.label}: ${change.field} ${change.from} → ${change.to} (${change.why})`);
  for (const conflict of result.conflicts) io.err(`Conflict: ${conflict.epicId} #${conflict.number} ${conflict.label}: ${conflict.why}`);
  for (const skip of result.skipped) io.err(`Skipped: ${skip.epicId} ${skip.label}: ${skip.reason}`);
  (result.outcome === 'done' ? io.out : io.err)(result.message);
}

export interface ImportCommandOptions extends ConnectOptions {
  readonly source: ImportSource;
  readonly json: boolean;
  readonly signal?: AbortSignal;
}

/** `autopm import`: existing issues become a new epic in the workspace's layout. */
export async function importCommand(index: PlanIndex, dir: string, options: ImportCommandOptions, io: Io): Promise<number> {
  const { tracker, stateStore, log } = await connect('import', dir, options, io);
  const result = await importIssues({
    tracker,
    workspace: nodeImportWorkspace(dir, index),
    state: stateStore,
    source: options.source,
    log,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (options.json) {
    io.out(
      JSON.stringify(
        { outcome: result.outcome, message: result.message, repository: result.repository ?? null, epic: result.epicId ?? null, layout: result.layout ?? null, path: result.path ?? null, files: result.files, tasks: result.tasks, notes: result.notes },
        null,
        2,
      ),
    );
  } else {
    for (const file of result.files) io.out(`Wrote ${file}`);
    for (const note of result.notes) io.err(note);
    (result.outcome === 'done' ? io.out : io.err)(result.message);
  }
  return result.outcome === 'done' ? 0 : 1;
}

/** `<issue-number>`, `--label <name>` or `--milestone <title|number>`: exactly one. */
export function importSource(issue: string | undefined, label: string | undefined, milestone: string | undefined): ImportSource {
  const given = [issue, label, milestone].filter((v) => v !== undefined).length;
  if (given !== 1) throw new SyncUsageError('import needs exactly one of: an epic issue number, --label <name>, --milestone <title or number>.');
  if (issue !== undefined) {
    if (!/^#?\d+$/.test(issue)) throw new SyncUsageError(`"${issue}" is not an issue number.`);
    return { kind: 'epic', number: Number(issue.replace(/^#/, '')) };
  }
  if (label !== undefined) return { kind: 'label', label };
  return { kind: 'milestone', milestone: /^\d+$/.test(milestone!) ? Number(milestone) : milestone! };
}
