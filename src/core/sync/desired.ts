/**
 * What an epic should look like on the tracker: one issue for the epic, one per task,
 * with their titles, bodies, labels and states, and the links between them. Computed
 * from the plan alone (and the issue numbers known so far), deterministically: the same
 * plan gives byte-identical bodies, so a body's hash says whether it changed.
 */
import type { ReadText } from '../edits';
import type { Epic, Task } from '../model';
import { taskLabel } from '../taskText';
import { markerText, stableKey } from './marker';
import { epicOverview, taskText } from './planText';
import { sha256Hex } from './sha256';

/** The label names a sync puts on issues; a team may choose its own. */
export interface SyncLabels {
  /** On the epic's issue. */
  readonly epic: string;
  /** On each task's issue. */
  readonly task: string;
  /** Followed by the epic's id, on all of them: `epic:` gives `epic:epic-001-task-api`. */
  readonly epicPrefix: string;
}

export const DEFAULT_SYNC_LABELS: SyncLabels = { epic: 'epic', task: 'task', epicPrefix: 'epic:' };

export interface SyncLabelSpec {
  readonly name: string;
  /** Six hex digits, without `#`. */
  readonly color: string;
  readonly description: string;
}

export type IssueKind = 'epic' | 'task';
export type DesiredState = 'open' | 'closed';

export interface DesiredIssue {
  readonly key: string;
  readonly kind: IssueKind;
  /** The task's id in the plan now (undefined for the epic). */
  readonly taskId?: string;
  /** Where the plan writes this issue's number. */
  readonly path: string;
  readonly title: string;
  readonly body: string;
  /** contentHash(title, body). */
  readonly hash: string;
  readonly labels: readonly string[];
  readonly state: DesiredState;
  /** Keys of the tasks this one waits for, in plan order: its blocked-by links. */
  readonly blockedBy: readonly string[];
  /** Keys named in the body whose issue numbers were not known yet. */
  readonly unresolved: readonly string[];
}

export interface SkippedTask {
  readonly taskId: string;
  readonly reason: string;
}

export interface DesiredEpic {
  readonly epic: DesiredIssue;
  /** The tasks' issues, in plan order. */
  readonly tasks: readonly DesiredIssue[];
  /** Tasks that get no issue, and why. */
  readonly skipped: readonly SkippedTask[];
  /** The labels every issue of the epic needs between them. */
  readonly labels: readonly SyncLabelSpec[];
}

export interface DesiredInput {
  readonly epic: Epic;
  readonly read: ReadText;
  /** The stable key of each task; a task it does not know gets `epicId/taskId`. */
  readonly keyOf?: (task: Task) => string | undefined;
  /** The issue number of a key, when it is known (from the plan, the sync state or the tracker). */
  readonly numberOf?: (key: string) => number | undefined;
  readonly labels?: SyncLabels;
}

/** A body as GitHub gives it back, whatever the editor did: LF line breaks, no trailing space at the end. */
export function normaliseBody(body: string | null | undefined): string {
  return (body ?? '').replace(/\r\n?/g, '\n').trimEnd();
}

/** The hash a sync records of an issue's title and body, blind to line-break style. */
export function contentHash(title: string, body: string | null | undefined): string {
  return sha256Hex(`${title.trim()}\n${normaliseBody(body)}`);
}

/** Why a task gets no issue, or undefined when it gets one. */
export function unsyncableReason(task: Task): string | undefined {
  switch (task.incomplete) {
    case 'empty':
      return 'its file is empty';
    case 'no-frontmatter':
      return 'its file has no frontmatter, so its status cannot be trusted';
    case 'unclosed-frontmatter':
      return 'its frontmatter is never closed';
    case undefined:
      return task.title.trim() === '' ? 'it has no title' : undefined;
  }
}

export function epicLabel(epicId: string, labels: SyncLabels = DEFAULT_SYNC_LABELS): string {
  return `${labels.epicPrefix}${epicId}`;
}

function labelSpecs(epic: Epic, labels: SyncLabels): SyncLabelSpec[] {
  return [
    { name: labels.epic, color: '3e4b9e', description: 'An epic planned with AutoPM' },
    { name: labels.task, color: '0e8a16', description: 'A task of an AutoPM epic' },
    { name: epicLabel(epic.id, labels), color: 'c5def5', description: `Issues of the epic ${epic.id}`.slice(0, 100) },
  ];
}

function joinBlocks(blocks: ReadonlyArray<string | undefined>): string {
  return blocks.filter((b): b is string => b !== undefined && b.trim() !== '').join('\n\n') + '\n';
}

export function desiredEpic(input: DesiredInput): DesiredEpic {
  const { epic, read } = input;
  const labels = input.labels ?? DEFAULT_SYNC_LABELS;
  const keyOf = (task: Task) => input.keyOf?.(task) ?? stableKey(epic.id, task.id);
  const byId = new Map<string, Task>();
  const skipped: SkippedTask[] = [];
  const syncable: Task[] = [];
  for (const task of epic.tasks) {
    const reason = unsyncableReason(task);
    if (reason) skipped.push({ taskId: task.id, reason });
    else {
      syncable.push(task);
      if (!byId.has(task.id)) byId.set(task.id, task);
    }
  }
  const numberOf = (task: Task): number | undefined => input.numberOf?.(keyOf(task)) ?? task.issue;

  const tasks: DesiredIssue[] = syncable.map((task) => {
    const blockedBy: string[] = [];
    const unresolved: string[] = [];
    const references: string[] = [];
    for (const dep of task.dependsOn) {
      const other = byId.get(dep);
      if (other && other !== task) {
        const key = keyOf(other);
        if (!blockedBy.includes(key)) blockedBy.push(key);
        const n = numberOf(other);
        if (n !== undefined) references.push(`#${n}`);
        else {
          unresolved.push(key);
          references.push(taskLabel(other));
        }
      } else if (/^#\d+$/.test(dep)) {
        // An issue the plan names by number that is no task of this epic.
        references.push(dep);
      }
    }
    const key = keyOf(task);
    const title = task.title.trim();
    const body = joinBlocks([
      taskText(epic, task, read),
      references.length > 0 ? `**Depends on:** ${references.join(', ')}` : undefined,
      markerText(key),
    ]);
    return {
      key,
      kind: 'task',
      taskId: task.id,
      path: task.path,
      title,
      body,
      hash: contentHash(title, body),
      labels: [labels.task, epicLabel(epic.id, labels)],
      state: task.state === 'done' ? 'closed' : 'open',
      blockedBy,
      unresolved,
    };
  });

  const epicKey = stableKey(epic.id);
  const unresolved: string[] = [];
  const list = syncable.map((task, i) => {
    const n = numberOf(task);
    if (n === undefined) unresolved.push(tasks[i].key);
    return `- [${task.state === 'done' ? 'x' : ' '}] ${n !== undefined ? `#${n} ${tasks[i].title}` : taskLabel(task)}`;
  });
  const epicTitle = epic.title.trim() || epic.id;
  const epicBody = joinBlocks([epicOverview(epic, read), list.length > 0 ? `## Tasks\n\n${list.join('\n')}` : undefined, markerText(epicKey)]);
  return {
    epic: {
      key: epicKey,
      kind: 'epic',
      path: epic.path,
      title: epicTitle,
      body: epicBody,
      hash: contentHash(epicTitle, epicBody),
      labels: [labels.epic, epicLabel(epic.id, labels)],
      state: epic.state === 'done' ? 'closed' : 'open',
      blockedBy: [],
      unresolved,
    },
    tasks,
    skipped,
    labels: labelSpecs(epic, labels),
  };
}
