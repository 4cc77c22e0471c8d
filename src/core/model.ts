/**
 * The plan model: what AutoPM knows about PRDs, epics and tasks after reading the
 * markdown. Lines and columns are 0-based everywhere in the core (as in the editor);
 * the CLI prints 1-based lines.
 */

/**
 * A span of source text, 0-based, end exclusive. Flat rather than start/end positions:
 * the index holds tens of thousands of ranges, and one object each instead of three
 * measurably shortens a cold build (the shape ESLint uses for its messages).
 */
export interface Range {
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

/**
 * How an epic is written. `single-file` and `directory` are the layouts of AutoPM's own
 * family of tools; the others are other tools' formats, read and edited in place:
 * Kiro specs (`.kiro/specs/<feature>/tasks.md`), GitHub Spec Kit
 * (`specs/<NNN-feature>/tasks.md`) and Task Master (`.taskmaster/tasks/tasks.json`, one
 * epic per tag).
 */
export type Layout = 'single-file' | 'directory' | ToolFormat;

/** The layouts AutoPM writes new epics in (decomposing, importing, New Epic). */
export type WrittenLayout = 'single-file' | 'directory';

/** Another planning tool's format: read, and task states edited, in that format. */
export type ToolFormat = 'kiro' | 'spec-kit' | 'taskmaster';

export function isToolFormat(layout: Layout): layout is ToolFormat {
  return layout === 'kiro' || layout === 'spec-kit' || layout === 'taskmaster';
}

/** The state of one task, normalised from every spelling found in the wild. */
export type TaskState = 'open' | 'in-progress' | 'done';

/** The normalised state of a PRD or an epic. */
export type PlanState = 'not-started' | 'in-progress' | 'done';

/** The derived state used for display and scheduling. */
export type TaskDisplayState = 'done' | 'in-progress' | 'ready' | 'blocked';

export type Severity = 'error' | 'warning' | 'info';

export type DiagnosticCode =
  | 'frontmatter-malformed'
  | 'frontmatter-missing'
  /** A JSON plan file (Task Master's tasks.json) that does not parse: nothing is read from it. */
  | 'json-malformed'
  | 'status-unknown'
  | 'task-duplicate-id'
  | 'task-missing-title'
  | 'dependency-cycle'
  | 'dependency-dangling'
  | 'dependency-self'
  | 'dependency-renamed'
  | 'mermaid-unknown-node'
  | 'checklist-mismatch'
  | 'checklist-missing-task'
  | 'prd-unknown'
  | 'epic-empty'
  | 'status-contradicts-tasks'
  /** An epic's `progress:` value that its tasks no longer bear out. */
  | 'progress-stale'
  /** A Kiro task's `_Requirements:_` line names a number its spec's requirements.md does not define. */
  | 'requirement-unknown'
  /** Two epics of one folder have one id, which sprint lists and the command line cannot tell apart. */
  | 'epic-duplicate-id';

export interface Diagnostic {
  readonly path: string;
  readonly range: Range;
  readonly severity: Severity;
  readonly code: DiagnosticCode;
  readonly message: string;
  /** What a quick fix needs beyond the message (its `code` is the diagnostic's); see src/core/fixes/fixes.ts. */
  readonly data?: DiagnosticData;
}

/**
 * The facts behind a diagnostic, one shape per code, for the quick fixes: which task,
 * which reference, which key. A fix finds the text to change again in the file's current
 * text, so these name things rather than hold offsets.
 */
export type DiagnosticData =
  | {
      readonly code: 'frontmatter-malformed';
      /** The key on the line at fault, when the line has one (as written). */
      readonly key?: string;
      /** The key is written more than once (in one spelling or two); the last is read. */
      readonly repeated: boolean;
    }
  | {
      readonly code: 'status-unknown';
      /** The status as read. */
      readonly status: string;
      /** Whose status it is: a task's, or a PRD's or epic's (which know more words). */
      readonly of: 'task' | 'plan';
    }
  | { readonly code: 'task-duplicate-id'; readonly taskId: string }
  | {
      readonly code: 'dependency-cycle';
      /** The edge this diagnostic is on: `to` depends on `from`. */
      readonly from: string;
      readonly to: string;
      /** The tasks of the cycle, in the order the message shows them. */
      readonly cycle: readonly string[];
    }
  | { readonly code: 'dependency-dangling'; readonly from: string; readonly to: string; readonly written?: string }
  | { readonly code: 'dependency-self'; readonly taskId: string; readonly written?: string }
  | {
      readonly code: 'dependency-renamed';
      /** The reference as written (`003`). */
      readonly written: string;
      /** The task it means now (`4`). */
      readonly taskId: string;
      readonly source: 'frontmatter' | 'mermaid';
    }
  | { readonly code: 'mermaid-unknown-node'; readonly nodes: readonly string[] }
  | {
      readonly code: 'checklist-mismatch';
      /** The task the line names (its reference as written when no task file matches it). */
      readonly taskId: string;
      readonly checked: boolean;
      /** False when the line names a task the epic has no file for. */
      readonly hasFile: boolean;
    }
  | { readonly code: 'checklist-missing-task'; readonly taskId: string }
  | {
      readonly code: 'status-contradicts-tasks';
      /** What the tasks say of the plan. */
      readonly tasksState: PlanState;
    }
  | {
      readonly code: 'progress-stale';
      /** The value as read (`40%`, `40`). */
      readonly written: string;
      /** What the tasks give, as edits.ts writes it. */
      readonly percent: number;
    }
  | {
      readonly code: 'requirement-unknown';
      readonly taskId: string;
      /** The requirement number as written (`4.3`). */
      readonly ref: string;
    };

export interface Section {
  readonly heading: string;
  /** 2 for `##`, 3 for `###`... */
  readonly depth: number;
  /** A stable key for well-known sections (`problem`, `users`, `stories`...), else undefined. */
  readonly kind?: string;
  /** From the heading line to the line before the next heading of the same or a higher level. */
  readonly range: Range;
}

export interface Prd {
  readonly kind: 'prd';
  /** `PRD-001` when the document names one, else the file stem. */
  readonly id: string;
  readonly title: string;
  /** The status as written (`Draft`, `backlog`...), or undefined. */
  readonly status?: string;
  readonly state: PlanState;
  /** Where the status value is written, for diagnostics about it. */
  readonly statusRange?: Range;
  readonly created?: string;
  readonly owner?: string;
  readonly path: string;
  /** Every metadata field, from frontmatter or bold key lines, keys lower-cased. */
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly sections: readonly Section[];
  /** The title line. */
  readonly range: Range;
}

export interface TaskGroup {
  readonly name: string;
  readonly range: Range;
  readonly taskIds: readonly string[];
}

export interface Milestone {
  /** `M1` */
  readonly id: string;
  /** `Day 2`, from `**M1 (Day 2):**`, if given. */
  readonly when?: string;
  readonly title: string;
  /** Tasks the milestone names (`Tasks 1-4`, `T3`, `#12`), in that order. */
  readonly taskIds: readonly string[];
  readonly range: Range;
}

export interface Dependency {
  /** The task that must be finished first. */
  readonly from: string;
  /** The task that waits for it. */
  readonly to: string;
  /**
   * Where it is written: `order` is implied by the file's structure (a Spec Kit phase
   * waits for the one before it; a Kiro task waits for its sub-tasks); `field` is a
   * Task Master `dependencies` array.
   */
  readonly source: 'mermaid' | 'bullet' | 'frontmatter' | 'order' | 'field';
  /** The reference as the plan writes it (`009`, `#12`), when `from` is not that text. */
  readonly written?: string;
  readonly path: string;
  readonly range: Range;
}

export interface Task {
  /** `T3` in the single-file layout; the file's number (`001`, `1234`) in the directory layout. */
  readonly id: string;
  readonly epicId: string;
  readonly title: string;
  readonly state: TaskState;
  /** The status as written, when it came from a field. */
  readonly rawStatus?: string;
  /** The linked GitHub issue number. */
  readonly issue?: number;
  readonly githubUrl?: string;
  readonly group?: string;
  /** The estimate as written (`2-3 days`, `M`, `3`). */
  readonly estimate?: string;
  /** Where the estimate was read, when not from the usual place: `hours`, `effort`, `Size` (a body line)... */
  readonly estimateFrom?: string;
  readonly agent?: string;
  readonly priority?: string;
  /** Task ids as written in the plan (normalised to this epic's id form). */
  readonly dependsOn: readonly string[];
  readonly conflictsWith: readonly string[];
  readonly parallel?: boolean;
  readonly path: string;
  /** The task line (single-file) or the file's title/name line (directory). */
  readonly range: Range;
  /** Index in document order within the epic. */
  readonly order: number;
  /**
   * The file under `updates/<N>/` (progress notes, work streams) that shows work on a task
   * whose own status still says open: such a task counts as in progress.
   */
  readonly startedIn?: string;
  /**
   * A task file that is empty, has no frontmatter, or a frontmatter block never closed
   * (so its status cannot be trusted): it is shown and reported, never scheduled.
   */
  readonly incomplete?: 'empty' | 'no-frontmatter' | 'unclosed-frontmatter';
  /**
   * The sprint the task names itself (`sprint: Sprint 4` in a task file's frontmatter, a
   * `**Sprint:** Sprint 4` bullet in the single-file layout), as written. A sprint can also
   * list the task from its own file; see src/core/sprint.ts.
   */
  readonly sprint?: string;
}

/** One line of the `## Tasks Created` checklist of a directory-layout `epic.md`. */
export interface ChecklistEntry {
  readonly taskId: string;
  readonly checked: boolean;
  readonly title: string;
  readonly range: Range;
}

export interface Epic {
  readonly kind: 'epic';
  /** The folder name (directory layout) or the file stem (single-file layout). */
  readonly id: string;
  readonly title: string;
  readonly layout: Layout;
  /** `epic.md` or the single epic file. */
  readonly path: string;
  /** The folder holding the epic's files (directory layout). */
  readonly dir?: string;
  readonly status?: string;
  readonly state: PlanState;
  /** Where the status value is written (in `epic.md` for the directory layout). */
  readonly statusRange?: Range;
  /** Where a frontmatter `progress` value is written, quotes included, for diagnostics about it. */
  readonly progressRange?: Range;
  /** The PRD it is based on, as written (`PRD-001`, `task-api`). */
  readonly prd?: string;
  readonly start?: string;
  readonly target?: string;
  readonly github?: string;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly groups: readonly TaskGroup[];
  readonly tasks: readonly Task[];
  readonly milestones: readonly Milestone[];
  readonly dependencies: readonly Dependency[];
  readonly checklist: readonly ChecklistEntry[];
  /**
   * Directory layout, after a sync renamed `001.md` to `<issue>.md`: the number each task
   * had before (`"1"`) → its id now (`"1235"`), from `# Task 001:` headings,
   * `github-mapping.md` and the order of `## Tasks Created`. References that still use the
   * old numbers resolve through it.
   */
  readonly renumbered?: Readonly<Record<string, string>>;
  readonly range: Range;
}

export interface PlanDocuments {
  readonly prds: readonly Prd[];
  readonly epics: readonly Epic[];
  readonly diagnostics: readonly Diagnostic[];
}

export function lineRange(line: number, startColumn = 0, endColumn = startColumn): Range {
  return { line, column: startColumn, endLine: line, endColumn };
}

/**
 * The name of an epic among its folder's epics, as commands, panels and the stored active
 * task carry it: the epic's file, and for a Task Master tag (several epics in one
 * `tasks.json`) the tag after a `#`.
 */
export function epicRef(epic: Pick<Epic, 'layout' | 'path' | 'id'>): string {
  return epic.layout === 'taskmaster' ? `${epic.path}#${epic.id}` : epic.path;
}

/** `epicRef` of a value that may be an epic (a command's argument). */
export function epicRefOf(value: { readonly path?: unknown; readonly layout?: unknown; readonly id?: unknown } | undefined): string | undefined {
  if (typeof value?.path !== 'string') return undefined;
  return value.layout === 'taskmaster' && typeof value.id === 'string' ? epicRef({ layout: 'taskmaster', path: value.path, id: value.id }) : value.path;
}
