import type { EpicAnalysis } from './analysis';
import { issueUrl } from './issues';
import type { TaskDisplayState, TaskState } from './model';
import type { Sprint } from './sprint';
import { taskKey } from './sprint';
import { blockerTexts, taskLabelId } from './taskText';
import { epicRef } from './model';

/**
 * The kanban board: one epic, one sprint or every epic of a workspace folder, as three
 * columns of cards. Plain data all the way down: it is posted to the board's webview.
 */

/** A column is a task state: moving a card to a column sets the task to it. */
export type BoardColumnId = TaskState;

export const BOARD_COLUMNS: readonly BoardColumnId[] = ['open', 'in-progress', 'done'];

export const COLUMN_TITLES: Readonly<Record<BoardColumnId, string>> = { open: 'Open', 'in-progress': 'In Progress', done: 'Done' };

/** What a board shows before its filters. Epics are named by path (ids may repeat across roots). */
export type BoardScope =
  | { readonly kind: 'all' }
  | { readonly kind: 'epic'; readonly epicPath: string }
  | { readonly kind: 'sprint'; readonly sprintId: string };

/** Narrows the scope further; an absent field lets everything through. */
export interface BoardFilter {
  /** An epic's path. */
  readonly epic?: string;
  /** A sprint's id. */
  readonly sprint?: string;
}

export interface BoardCard {
  /** `epicId:taskId`, the key sprints use too; unique on one board. */
  readonly key: string;
  readonly epicId: string;
  readonly epicTitle: string;
  readonly epicPath: string;
  readonly taskId: string;
  /** The id as people say it: `T3`, `#43`, `001`. */
  readonly label: string;
  readonly title: string;
  readonly column: BoardColumnId;
  /** `ready` or `blocked` for open cards; the column's state otherwise. */
  readonly display: TaskDisplayState;
  /** What an open card waits for, in words (`T3`, `T9 (missing)`); empty unless blocked. */
  readonly blockedBy: readonly string[];
  readonly issue?: number;
  readonly issueUrl?: string;
  /** As written: `2 hours`, `M`, `1 day`. */
  readonly estimate?: string;
  /** The ids of the sprints the task is in. */
  readonly sprints: readonly string[];
  /** The file and 0-based line that writes the task. */
  readonly path: string;
  readonly line: number;
}

export interface BoardColumn {
  readonly id: BoardColumnId;
  readonly title: string;
  readonly cards: readonly BoardCard[];
}

export interface BoardOption {
  /** An epic's path or a sprint's id. */
  readonly value: string;
  readonly label: string;
}

export interface BoardModel {
  readonly scope: BoardScope;
  /** The filter as applied: values that name nothing on this board are dropped. */
  readonly filter: BoardFilter;
  /** What the scope is called: the epic's or sprint's title, or `All epics`. */
  readonly title: string;
  readonly columns: readonly BoardColumn[];
  /** The epics and sprints of the scope, for the filter menus (before filtering, so a filter can be changed back). */
  readonly epics: readonly BoardOption[];
  readonly sprints: readonly BoardOption[];
  /** Cards in the scope, and the ones the filter hid. */
  readonly total: number;
  readonly hidden: number;
  /** Whether the scope still names something (an epic or sprint that was deleted does not). */
  readonly found: boolean;
}

export interface BoardInput {
  /** Every epic of the folder, in index order. */
  readonly analyses: readonly EpicAnalysis[];
  readonly sprints: readonly Sprint[];
  readonly scope: BoardScope;
  readonly filter?: BoardFilter;
}

/** The sprint ids each task key is in, in the sprints' order. */
function sprintsByKey(sprints: readonly Sprint[]): Map<string, string[]> {
  const byKey = new Map<string, string[]>();
  for (const sprint of sprints) {
    for (const key of sprint.taskKeys) {
      const list = byKey.get(key);
      if (!list) byKey.set(key, [sprint.id]);
      else if (!list.includes(sprint.id)) list.push(sprint.id);
    }
  }
  return byKey;
}

/** Every task of the epics as a card, epics in order and each epic's tasks in document order. */
function cardsOf(analyses: readonly EpicAnalysis[], sprintsOf: ReadonlyMap<string, readonly string[]>): BoardCard[] {
  const cards: BoardCard[] = [];
  const keys = new Set<string>();
  for (const analysis of analyses) {
    const { epic } = analysis;
    for (const task of epic.tasks) {
      const state = analysis.tasks.get(task.id);
      // A duplicated id is scheduled once, as the first task with it (validation reports the rest).
      if (!state || state.task !== task) continue;
      const sprintKey = taskKey(epic.id, task.id);
      // Two epics with one id (a single-file and a directory epic) cannot share keys on one board.
      const key = keys.has(sprintKey) ? `${epic.path}:${task.id}` : sprintKey;
      keys.add(key);
      const url = issueUrl(epic, task);
      cards.push({
        key,
        epicId: epic.id,
        epicTitle: epic.title || epic.id,
        epicPath: epicRef(epic),
        taskId: task.id,
        label: taskLabelId(task),
        title: task.title,
        column: task.state,
        display: state.display,
        blockedBy: state.display === 'blocked' ? blockerTexts(state, analysis.tasks) : [],
        ...(task.issue !== undefined ? { issue: task.issue } : {}),
        ...(url !== undefined ? { issueUrl: url } : {}),
        ...(task.estimate !== undefined && task.estimate.trim() !== '' ? { estimate: task.estimate.trim() } : {}),
        sprints: sprintsOf.get(sprintKey) ?? [],
        path: task.path,
        line: task.range.line,
      });
    }
  }
  return cards;
}

/** Builds the board of a scope, filtered. */
export function buildBoard(input: BoardInput): BoardModel {
  const { analyses, sprints, scope } = input;
  const all = cardsOf(analyses, sprintsByKey(sprints));
  let inScope: BoardCard[];
  let title: string;
  let found = true;
  switch (scope.kind) {
    case 'all':
      inScope = all;
      title = 'All epics';
      break;
    case 'epic': {
      const epic = analyses.find((a) => epicRef(a.epic) === scope.epicPath)?.epic;
      found = epic !== undefined;
      inScope = all.filter((c) => c.epicPath === scope.epicPath);
      title = epic ? epic.title || epic.id : scope.epicPath;
      break;
    }
    case 'sprint': {
      const sprint = sprints.find((s) => s.id === scope.sprintId);
      found = sprint !== undefined;
      inScope = all.filter((c) => c.sprints.includes(scope.sprintId));
      title = sprint ? sprint.name : scope.sprintId;
      break;
    }
  }

  const epics: BoardOption[] = [];
  for (const analysis of analyses) {
    if (inScope.some((c) => c.epicPath === analysis.epic.path)) epics.push({ value: analysis.epic.path, label: analysis.epic.title || analysis.epic.id });
  }
  const sprintOptions: BoardOption[] = sprints.filter((s) => inScope.some((c) => c.sprints.includes(s.id))).map((s) => ({ value: s.id, label: s.name }));

  const wanted = input.filter ?? {};
  const filter: BoardFilter = {
    ...(wanted.epic !== undefined && epics.some((e) => e.value === wanted.epic) ? { epic: wanted.epic } : {}),
    ...(wanted.sprint !== undefined && sprintOptions.some((s) => s.value === wanted.sprint) ? { sprint: wanted.sprint } : {}),
  };
  const shown = inScope.filter((c) => (filter.epic === undefined || c.epicPath === filter.epic) && (filter.sprint === undefined || c.sprints.includes(filter.sprint)));

  return {
    scope,
    filter,
    title,
    columns: BOARD_COLUMNS.map((id) => ({ id, title: COLUMN_TITLES[id], cards: shown.filter((c) => c.column === id) })),
    epics,
    sprints: sprintOptions,
    total: inScope.length,
    hidden: inScope.length - shown.length,
    found,
  };
}

/** The card a key names, wherever it is on the board. */
export function findCard(board: BoardModel, key: string): BoardCard | undefined {
  for (const column of board.columns) {
    const card = column.cards.find((c) => c.key === key);
    if (card) return card;
  }
  return undefined;
}

/** The column beside one, to the left (-1) or right (+1); undefined past either end. */
export function neighbourColumn(column: BoardColumnId, direction: -1 | 1): BoardColumnId | undefined {
  return BOARD_COLUMNS[BOARD_COLUMNS.indexOf(column) + direction];
}

/**
 * What moving a card does, in the words of the task commands: to in progress is Start, to
 * done is Complete, back to open is Reopen. Undefined when the card is already there.
 */
export function moveVerb(from: BoardColumnId, to: BoardColumnId): 'Start' | 'Complete' | 'Reopen' | undefined {
  if (from === to) return undefined;
  return to === 'in-progress' ? 'Start' : to === 'done' ? 'Complete' : 'Reopen';
}
