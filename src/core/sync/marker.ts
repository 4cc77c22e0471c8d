/**
 * The hidden marker every synced issue's body carries: an HTML comment naming what the
 * issue stands for, `<!-- autopm:task epic-001-task-api/T3 -->` or
 * `<!-- autopm:epic epic-001-task-api -->`. It is how a sync finds the issues a failed
 * or interrupted run created without recording them: it lists the repository's issues
 * and reads their markers.
 *
 * The id is fixed when the issue is created (the epic's id and the task's id then), and
 * never changes afterwards, even when the directory layout renames `001.md` to
 * `12.md`: the sync state maps issue numbers back to these keys.
 *
 * The format is chosen to survive what happens to issue bodies: GitHub's editor turns
 * line breaks into CRLF, people add text before and after it, and a comment stays
 * invisible in the rendered issue, so it is rarely touched. The id is percent-encoded
 * except for letters, digits and `._~-`, and never holds `--`, which would end an
 * HTML comment early.
 */

export type MarkerKind = 'epic' | 'task';

export interface IssueMarker {
  readonly kind: MarkerKind;
  /** `epic-001-task-api` for an epic, `epic-001-task-api/T3` for a task. */
  readonly key: string;
  readonly epicId: string;
  /** The task's id at creation; undefined for an epic. */
  readonly taskId?: string;
}

function encodePart(part: string): string {
  let encoded = encodeURIComponent(part).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  // `a---b` becomes `a-%2D-b`: no two dashes in a row anywhere in the comment.
  while (encoded.includes('--')) encoded = encoded.replace(/--/g, '-%2D');
  return encoded;
}

function decodePart(part: string): string | undefined {
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
}

/** The stable key of an epic (`epicId`) or of one of its tasks (`epicId/taskId`). */
export function stableKey(epicId: string, taskId?: string): string {
  return taskId === undefined ? epicId : `${epicId}/${taskId}`;
}

/** The kind of thing a stable key names. */
export function keyKind(key: string): MarkerKind {
  return key.includes('/') ? 'task' : 'epic';
}

/** Whether a stable key names the epic or one of its tasks. */
export function keyBelongsTo(key: string, epicId: string): boolean {
  return key === epicId || key.startsWith(epicId + '/');
}

/** The marker's text for a stable key. */
export function markerText(key: string): string {
  const slash = key.indexOf('/');
  const id = slash === -1 ? encodePart(key) : `${encodePart(key.slice(0, slash))}/${encodePart(key.slice(slash + 1))}`;
  return `<!-- autopm:${keyKind(key)} ${id} -->`;
}

// Spaces and line breaks may be added or changed around the id; `autopm:` in any case.
const MARKER = /<!--[ \t\r\n]*autopm:(epic|task)[ \t\r\n]+([^\s<>]+?)[ \t\r\n]*-->/gi;

function markerFrom(kind: string, id: string): IssueMarker | undefined {
  const lower = kind.toLowerCase() as MarkerKind;
  const parts = id.split('/');
  if (lower === 'epic' ? parts.length !== 1 : parts.length !== 2) return undefined;
  const decoded = parts.map(decodePart);
  if (decoded.some((p) => p === undefined || p === '')) return undefined;
  const [epicId, taskId] = decoded as string[];
  return lower === 'epic' ? { kind: 'epic', key: epicId, epicId } : { kind: 'task', key: stableKey(epicId, taskId), epicId, taskId };
}

/** Every well-formed marker in a body, in order. */
export function findMarkers(body: string): IssueMarker[] {
  const found: IssueMarker[] = [];
  for (const match of body.matchAll(MARKER)) {
    const marker = markerFrom(match[1], match[2]);
    if (marker) found.push(marker);
  }
  return found;
}

/**
 * The marker of a body. A body holding two different markers (text pasted from another
 * issue) names nothing for certain, so it gives undefined; the same marker twice is
 * still that marker.
 */
export function findMarker(body: string | null | undefined): IssueMarker | undefined {
  if (!body) return undefined;
  const found = findMarkers(body);
  if (found.length === 0) return undefined;
  return found.every((m) => m.key === found[0].key && m.kind === found[0].kind) ? found[0] : undefined;
}
