import type { ChecklistEntry, Dependency, Diagnostic, Epic, Task, TaskState } from '../model';
import { lineRange } from '../model';
import type { Frontmatter } from '../frontmatter';
import { findFrontmatter, maskFrontmatter } from '../frontmatter';
import type { Outline } from '../markdown/outline';
import { parseOutline } from '../markdown/parseOutline';
import { planStateFromStatus, taskStateFromStatus } from '../status';
import type { Lines } from '../text';
import { baseName, comparePaths, dirName, fileStem, linesOf, stripBom } from '../text';
import {
  compactIds,
  findKey,
  diagnostic,
  issueNumberFrom,
  listField,
  normaliseKeys,
  numericId,
  sectionEndLine,
  stringField,
} from './common';
import { frontmatterDiagnostics, statusDiagnostic } from './fileDiagnostics';
import { mermaidNodeToTask } from './singleFileEpicParser';
import { parseMermaidEdges } from './mermaidEdges';

/** What one `epic.md` of the directory layout says, before its task files are joined in. */
export interface ParsedEpicFile {
  readonly path: string;
  readonly id: string;
  readonly title: string;
  readonly titleLine: number;
  readonly titleLength: number;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly checklist: ReadonlyArray<{ ref: string; checked: boolean; title: string; line: number; column: number; endColumn: number }>;
  readonly mermaid: ReadonlyArray<{ from: string; to: string; line: number; column: number; endColumn: number }>;
  readonly diagnostics: readonly Diagnostic[];
}

/** What one task file (`001.md`, `1234.md`) says. */
export interface ParsedTaskFile {
  readonly path: string;
  readonly id: string;
  readonly title: string;
  readonly state: TaskState;
  readonly rawStatus?: string;
  readonly issue?: number;
  readonly githubUrl?: string;
  readonly dependsOn: readonly string[];
  readonly dependsOnLine?: number;
  readonly conflictsWith: readonly string[];
  readonly parallel?: boolean;
  readonly priority?: string;
  readonly estimate?: string;
  readonly agent?: string;
  readonly fields: Readonly<Record<string, unknown>>;
  readonly titleLine: number;
  readonly titleLength: number;
  readonly diagnostics: readonly Diagnostic[];
}

/** The frontmatter keys that list a task's dependencies, and its conflicts, in the wild. */
export const DEPENDS_KEYS: readonly string[] = ['depends_on', 'dependencies', 'blocked_by', 'depends'];
export const CONFLICTS_KEYS: readonly string[] = ['conflicts_with', 'conflicts'];

const TASK_FILE = /^\d+\.md$/;
const NOT_TASKS = /^(\d+-analysis|github-mapping|execution-status|epic)\.md$/i;

/** Whether a file name in an epic folder is a task file. */
export function isTaskFileName(name: string): boolean {
  return TASK_FILE.test(name) && !NOT_TASKS.test(name);
}

function readFile(source: string): { fm: Frontmatter | undefined; outline: Outline; lines: Lines; diagnostics: Diagnostic[] } {
  const text = stripBom(source);
  const fm = findFrontmatter(text);
  const outline = parseOutline(fm ? maskFrontmatter(text, fm) : text);
  return { fm, outline, lines: linesOf(text), diagnostics: [] };
}

function keyLine(fm: Frontmatter | undefined, key: string): number | undefined {
  return findKey(fm, key)?.line;
}

// `#1234 - Title`, `001.md - Title`, `[#1234](url) - Title`, `Task 001: Title`.
const CHECKLIST_LINE = /^(?:\[#?(\d+)\]\([^)]*\)|#?(\d+)(?:\.md)?|task\s+#?(\d+))\s*(?:[-–—:]\s*)?(.*)$/i;

export function parseEpicFile(path: string, text: string): ParsedEpicFile {
  const { fm, outline, lines, diagnostics } = readFile(text);
  if (fm) diagnostics.push(...frontmatterDiagnostics(path, fm));
  else {
    diagnostics.push(
      diagnostic(path, lineRange(0), 'warning', 'frontmatter-missing', 'epic.md has no frontmatter (name, status, prd, github...).'),
    );
  }
  const metadata = fm ? normaliseKeys(fm.data) : {};
  const id = baseName(dirName(path));
  const h1 = outline.headings.find((h) => h.depth === 1);
  const title = h1 ? h1.text.replace(/^epic\s*:\s*/i, '').trim() || h1.text : stringField(metadata, 'name', 'title') ?? id;
  const titleLine = h1?.line ?? keyLine(fm, 'name') ?? 0;

  const checklist: Array<ParsedEpicFile['checklist'][number]> = [];
  outline.headings.forEach((h, index) => {
    if (h.depth !== 2 || !/tasks/i.test(h.text)) return;
    const end = sectionEndLine(outline, index, lines.count - 1);
    for (const item of outline.items) {
      if (item.line <= h.line || item.line > end || item.checked === null) continue;
      const match = CHECKLIST_LINE.exec(item.text);
      if (!match) continue;
      checklist.push({
        ref: match[1] ?? match[2] ?? match[3],
        checked: item.checked,
        title: match[4].replace(/\s*\((?:parallel|conflicts?)[^)]*\)\s*$/i, '').trim(),
        line: item.line,
        column: item.column,
        endColumn: item.textColumn + item.text.length,
      });
    }
  });

  const status = stringField(metadata, 'status');
  const statusLine = keyLine(fm, 'status');
  if (status !== undefined && statusLine !== undefined && !planStateFromStatus(status)) {
    diagnostics.push(statusDiagnostic(path, statusLine, lines.at(statusLine), status, 'warning'));
  }

  const mermaid = outline.code
    .filter((c) => c.lang?.toLowerCase() === 'mermaid')
    .flatMap((c) => parseMermaidEdges(c.value, c.line + 1));

  return {
    path,
    id,
    title,
    titleLine,
    titleLength: lines.at(titleLine).length ?? 0,
    metadata,
    checklist,
    mermaid,
    diagnostics,
  };
}

export function parseTaskFile(path: string, text: string): ParsedTaskFile {
  const { fm, outline, lines, diagnostics } = readFile(text);
  const id = fileStem(path);
  if (fm) diagnostics.push(...frontmatterDiagnostics(path, fm));
  else {
    diagnostics.push(
      diagnostic(path, lineRange(0), 'warning', 'frontmatter-missing', `Task ${id} has no frontmatter (name, status, depends_on...).`),
    );
  }
  const data = fm ? normaliseKeys(fm.data) : {};
  const h1 = outline.headings.find((h) => h.depth === 1);
  const headingTitle = h1?.text.replace(/^task\s*(?:\d+)?\s*:\s*/i, '').trim();
  const title = stringField(data, 'name', 'title') ?? headingTitle ?? '';
  const titleLine = keyLine(fm, 'name') ?? keyLine(fm, 'title') ?? h1?.line ?? 0;
  if (title === '') {
    diagnostics.push(diagnostic(path, lineRange(0), 'warning', 'task-missing-title', `Task ${id} has no name.`));
  }

  const rawStatus = stringField(data, 'status');
  let state: TaskState = 'open';
  if (rawStatus !== undefined) {
    const known = taskStateFromStatus(rawStatus);
    if (known) state = known;
    else {
      const line = keyLine(fm, 'status') ?? 0;
      diagnostics.push(statusDiagnostic(path, line, lines.at(line), rawStatus, 'warning'));
    }
  }
  const github = stringField(data, 'github', 'issue', 'github_issue');
  const parallel = data.parallel;
  const dependsKey = DEPENDS_KEYS.find((k) => data[k] !== undefined);
  return {
    path,
    id,
    title,
    state,
    rawStatus,
    issue: issueNumberFrom(github),
    githubUrl: github !== undefined && /^https?:/.test(github) ? github : undefined,
    dependsOn: listField(data, ...DEPENDS_KEYS),
    dependsOnLine: dependsKey === undefined ? undefined : keyLine(fm, dependsKey),
    conflictsWith: listField(data, ...CONFLICTS_KEYS),
    parallel: typeof parallel === 'boolean' ? parallel : parallel === 'true' ? true : parallel === 'false' ? false : undefined,
    priority: stringField(data, 'priority'),
    estimate: stringField(data, 'estimate', 'effort', 'estimated_hours', 'size'),
    agent: stringField(data, 'agent'),
    fields: fm ? fm.data : {},
    titleLine,
    titleLength: lines.at(titleLine).length ?? 0,
    diagnostics,
  };
}

/** Finds the task a reference (`001`, `1234`, `#1234`, `T3`) means: by file number, then by issue number. */
export function resolveTaskRef(ref: string, tasks: ReadonlyArray<{ readonly id: string; readonly issue?: number }>): string | undefined {
  const n = numericId(ref);
  if (n === undefined) return tasks.find((t) => t.id === ref)?.id;
  return tasks.find((t) => numericId(t.id) === n)?.id ?? tasks.find((t) => t.issue === n)?.id;
}

/**
 * Joins an `epic.md` and its task files into one epic. `dir` is the epic's folder;
 * `epicFile` is undefined when the folder has task files but no `epic.md`.
 */
export function assembleDirectoryEpic(
  dir: string,
  epicFile: ParsedEpicFile | undefined,
  taskFiles: readonly ParsedTaskFile[],
): { epic: Epic; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const id = baseName(dir);
  const path = epicFile?.path ?? `${dir}/epic.md`;
  // Numeric order: 2.md before 10.md, and 001.md before 1234.md.
  const files = taskFiles
    .map((file) => ({ file, n: numericId(file.id) ?? 0 }))
    .sort((a, b) => a.n - b.n || comparePaths(a.file.id, b.file.id))
    .map(({ file }) => file);
  const dependencies: Dependency[] = [];
  const tasks: Task[] = files.map((file, order) => {
    const deps: string[] = [];
    for (const ref of file.dependsOn) {
      const from = resolveTaskRef(ref, files) ?? ref;
      if (!deps.includes(from)) deps.push(from);
      dependencies.push({
        from,
        to: file.id,
        source: 'frontmatter',
        path: file.path,
        range: lineRange(file.dependsOnLine ?? file.titleLine),
      });
    }
    return {
      id: file.id,
      epicId: id,
      title: file.title,
      state: file.state,
      rawStatus: file.rawStatus,
      issue: file.issue,
      githubUrl: file.githubUrl,
      group: undefined,
      estimate: file.estimate,
      agent: file.agent,
      priority: file.priority,
      dependsOn: deps,
      conflictsWith: file.conflictsWith.map((ref) => resolveTaskRef(ref, files) ?? ref),
      parallel: file.parallel,
      path: file.path,
      range: lineRange(file.titleLine, 0, file.titleLength),
      order,
      fields: file.fields,
    };
  });

  if (epicFile) {
    for (const edge of epicFile.mermaid) {
      const from = resolveTaskRef(mermaidNodeToTask(edge.from), files) ?? edge.from;
      const to = resolveTaskRef(mermaidNodeToTask(edge.to), files) ?? edge.to;
      dependencies.push({ from, to, source: 'mermaid', path: epicFile.path, range: lineRange(edge.line, edge.column, edge.endColumn) });
      // A node that is no task (a `Start` box, a typo) is reported, but blocks nothing.
      const target = tasks.find((t) => t.id === to);
      if (target && tasks.some((t) => t.id === from) && !target.dependsOn.includes(from)) (target.dependsOn as string[]).push(from);
    }
  }

  for (const task of tasks) (task as { dependsOn: readonly string[] }).dependsOn = compactIds(task.dependsOn);

  const checklist: ChecklistEntry[] = (epicFile?.checklist ?? []).map((entry) => ({
    taskId: resolveTaskRef(entry.ref, files) ?? entry.ref,
    checked: entry.checked,
    title: entry.title,
    range: lineRange(entry.line, entry.column, entry.endColumn),
  }));

  const metadata = epicFile?.metadata ?? {};
  const status = stringField(metadata, 'status');
  const state = status ? planStateFromStatus(status) : undefined;
  if (!epicFile) {
    diagnostics.push(
      diagnostic(taskFiles[0]?.path ?? path, lineRange(0), 'warning', 'frontmatter-missing', `Epic folder "${id}" has task files but no epic.md.`),
    );
  }
  const epic: Epic = {
    kind: 'epic',
    id,
    title: epicFile?.title ?? id,
    layout: 'directory',
    path,
    dir,
    status,
    state: state ?? 'not-started',
    prd: stringField(metadata, 'prd', 'based_on'),
    start: stringField(metadata, 'created', 'start', 'start_date'),
    target: stringField(metadata, 'target', 'target_date', 'due'),
    github: stringField(metadata, 'github'),
    metadata,
    groups: [],
    tasks,
    milestones: [],
    dependencies,
    checklist,
    range: lineRange(epicFile?.titleLine ?? 0, 0, epicFile?.titleLength ?? 0),
  };
  return { epic, diagnostics };
}
