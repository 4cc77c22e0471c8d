/**
 * The sync's bookkeeping, kept in one small file beside the plans (`.autopm/sync.json`)
 * and never in the plan files' text: which repository the workspace syncs with, and
 * for each issue the stable key it stands for, its numeric id, the hash of the title and
 * body last pushed, the state last pushed, and the `updated_at` and ETag last seen.
 *
 * The file is meant to be committed: keys sorted, two-space indent, a trailing newline,
 * so that two syncs of the same plan write the same bytes and a diff shows only what
 * changed. It is read defensively: a hand-edited or half-merged file gives an error that
 * says what is wrong where, and is never silently replaced.
 */
import type { DesiredState, IssueKind } from './desired';
import { keyKind } from './marker';

export const SYNC_STATE_PATH = '.autopm/sync.json';
export const SYNC_STATE_VERSION = 1;

export interface SyncedIssue {
  /** The stable key of the marker in the issue's body. */
  readonly key: string;
  readonly kind: IssueKind;
  /** The tracker's numeric id, which sub-issue and dependency links name. */
  readonly id: number;
  /** contentHash of the title and body last pushed. */
  readonly hash: string;
  /** The state last pushed. */
  readonly state: DesiredState;
  /** The issue's `updated_at` when it was last seen matching what was pushed. */
  readonly updatedAt: string;
  /** The ETag of that answer, when there was one. */
  readonly etag?: string;
}

export interface SyncState {
  readonly version: typeof SYNC_STATE_VERSION;
  /** `owner/name`; undefined until the first sync of the workspace. */
  readonly repository?: string;
  readonly issues: ReadonlyMap<number, SyncedIssue>;
  /**
   * Creates that were started but not yet recorded, by key: the hash of what was sent.
   * When a run dies between a create and its record, the next run finds the issue by its
   * marker and knows by this hash that the body is its own, unedited.
   */
  readonly pending: ReadonlyMap<string, string>;
}

export class SyncStateError extends Error {
  override readonly name = 'SyncStateError';
}

export function emptySyncState(repository?: string): SyncState {
  return { version: SYNC_STATE_VERSION, repository, issues: new Map(), pending: new Map() };
}

/** The issue recorded for a key. */
export function issueOfKey(state: SyncState, key: string): { number: number; issue: SyncedIssue } | undefined {
  for (const [number, issue] of state.issues) if (issue.key === key) return { number, issue };
  return undefined;
}

const REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\/[A-Za-z0-9._-]+$/;
const HASH = /^[0-9a-f]{64}$/;

/** Where a JSON syntax error is, as `line 3, column 7`, from the offset Node's message gives. */
function syntaxErrorPlace(text: string, message: string): string {
  const lineColumn = /line (\d+) column (\d+)/.exec(message);
  if (lineColumn) return `line ${lineColumn[1]}, column ${lineColumn[2]}`;
  const position = /position (\d+)/.exec(message);
  // A file cut short ("Unexpected end of JSON input") is wrong where it ends.
  const offset = position ? Number(position[1]) : /end of JSON input/i.test(message) ? text.trimEnd().length : undefined;
  if (offset === undefined) return 'somewhere';
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `line ${line}, column ${before.length - before.lastIndexOf('\n')}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads the state file's text; undefined or empty text (no file yet) is an empty state.
 * Throws SyncStateError naming the file, the place and what to do.
 */
export function parseSyncState(text: string | undefined, path = SYNC_STATE_PATH): SyncState {
  if (text === undefined || text.trim() === '') return emptySyncState();
  const fail = (what: string): never => {
    throw new SyncStateError(`${path}: ${what}. Fix the file by hand, or restore it from version control; nothing was synced.`);
  };
  if (/^(<{7}|={7}|>{7})( |$)/m.test(text)) fail('it has unresolved merge conflict markers (<<<<<<<, =======, >>>>>>>)');
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    fail(`it is not valid JSON (${syntaxErrorPlace(text, (error as Error).message)})`);
  }
  if (!isRecord(data)) return fail('it must hold a JSON object');
  if (data.version === undefined) fail('it has no "version" field');
  if (typeof data.version !== 'number' || !Number.isInteger(data.version)) fail('"version" must be a whole number');
  if ((data.version as number) > SYNC_STATE_VERSION) {
    fail(`it was written by a newer AutoPM (version ${String(data.version)}; this one reads version ${SYNC_STATE_VERSION}); update AutoPM`);
  }
  if (data.version !== SYNC_STATE_VERSION) fail(`version ${String(data.version)} is not one AutoPM has written`);

  let repository: string | undefined;
  if (data.repository !== undefined) {
    if (typeof data.repository !== 'string' || !REPOSITORY.test(data.repository)) fail('"repository" must be "owner/name"');
    repository = data.repository as string;
  }

  const issues = new Map<number, SyncedIssue>();
  if (data.issues !== undefined && !isRecord(data.issues)) fail('"issues" must be an object keyed by issue number');
  const keys = new Map<string, number>();
  for (const [numberText, entry] of Object.entries((data.issues as Record<string, unknown> | undefined) ?? {})) {
    const where = `issues["${numberText}"]`;
    const number = Number(numberText);
    if (!/^[1-9]\d*$/.test(numberText) || !Number.isSafeInteger(number)) fail(`${where}: an issue number must be a positive whole number`);
    if (!isRecord(entry)) return fail(`${where} must be an object`);
    const { key, kind, id, hash, state, updatedAt, etag } = entry;
    if (typeof key !== 'string' || key === '' || key.split('/').length > 2 || key.split('/').some((p) => p === '')) {
      fail(`${where}.key must be "epic-id" or "epic-id/task-id"`);
    }
    const kindOfKey = keyKind(key as string);
    if (kind !== 'epic' && kind !== 'task') fail(`${where}.kind must be "epic" or "task"`);
    if (kind !== kindOfKey) fail(`${where}.kind is "${String(kind)}" but its key "${String(key)}" names ${kindOfKey === 'task' ? 'a task' : 'an epic'}`);
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) fail(`${where}.id must be the issue's numeric id, a positive whole number`);
    if (typeof hash !== 'string' || !HASH.test(hash)) fail(`${where}.hash must be 64 hex digits`);
    if (state !== 'open' && state !== 'closed') fail(`${where}.state must be "open" or "closed"`);
    if (typeof updatedAt !== 'string' || Number.isNaN(Date.parse(updatedAt))) fail(`${where}.updatedAt must be an ISO date and time`);
    if (etag !== undefined && typeof etag !== 'string') fail(`${where}.etag must be a string`);
    const twin = keys.get(key as string);
    if (twin !== undefined) fail(`issues #${twin} and #${number} are both recorded as "${String(key)}"`);
    keys.set(key as string, number);
    issues.set(number, {
      key: key as string,
      kind: kind as IssueKind,
      id: id as number,
      hash: hash as string,
      state: state as DesiredState,
      updatedAt: updatedAt as string,
      ...(etag !== undefined ? { etag: etag as string } : {}),
    });
  }

  const pending = new Map<string, string>();
  if (data.pending !== undefined && !isRecord(data.pending)) fail('"pending" must be an object keyed by stable key');
  for (const [key, hash] of Object.entries((data.pending as Record<string, unknown> | undefined) ?? {})) {
    if (typeof hash !== 'string' || !HASH.test(hash)) fail(`pending["${key}"] must be 64 hex digits`);
    pending.set(key, hash as string);
  }

  const known = new Set(['version', 'repository', 'issues', 'pending']);
  const unknown = Object.keys(data).filter((k) => !known.has(k));
  if (unknown.length > 0) fail(`unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')}`);
  return { version: SYNC_STATE_VERSION, repository, issues, pending };
}

/** Recursively sorted keys; an object's integer keys come first in JSON.stringify anyway, in numeric order. */
function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) if (value[key] !== undefined) out[key] = sorted(value[key]);
  return out;
}

/** The file's text: sorted keys, two-space indent, trailing newline. */
export function serializeSyncState(state: SyncState): string {
  const issues: Record<string, unknown> = {};
  for (const [number, issue] of state.issues) issues[String(number)] = { ...issue };
  const pending: Record<string, string> = {};
  for (const [key, hash] of state.pending) pending[key] = hash;
  const data: Record<string, unknown> = { version: state.version, repository: state.repository, issues };
  if (state.pending.size > 0) data.pending = pending;
  return JSON.stringify(sorted(data), null, 2) + '\n';
}
