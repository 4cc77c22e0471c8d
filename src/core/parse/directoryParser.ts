import type { ChecklistEntry, Dependency, Diagnostic, Epic, Range, Task, TaskState } from '../model';
import { lineRange } from '../model';
import type { Frontmatter } from '../frontmatter';
import { findFrontmatter, maskFrontmatter } from '../frontmatter';
import type { Outline } from '../markdown/outline';
import { parseOutline } from '../markdown/parseOutline';
import { readEstimate } from '../estimate';
import { isBlockedStatus, planStateFromStatus, taskStateFromStatus } from '../status';
import type { Lines } from '../text';
import { baseName, comparePaths, dirName, fileStem, linesOf, splitLines, stripBom } from '../text';
import { commentStart } from '../yamlLines';
import {
  compactIds,
  NO_IDS,
  findKey,
  diagnostic,
  issueNumberFrom,
  listField,
  normaliseKeys,
  numericId,
  sectionEndLine,
  stringField,
} from './common';
import { frontmatterDiagnostics, frontmatterValueRange, statusDiagnostic, statusRange } from './fileDiagnostics';
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
  readonly statusRange?: Range;
  readonly progressRange?: Range;
  readonly checklist: ReadonlyArray<{
    ref: string;
    /** How the line names its task: an issue (`#1235`, `[#1235](url)`), a file (`001.md`, `001`), or `Task 1`. */
    form: 'issue' | 'file' | 'task';
    checked: boolean;
    title: string;
    line: number;
    column: number;
    endColumn: number;
  }>;
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
  /** References as written (`001`, `"007"`, `#12`): YAML would read `001` as 1. */
  readonly dependsOn: readonly string[];
  readonly dependsOnLine?: number;
  readonly conflictsWith: readonly string[];
  readonly parallel?: boolean;
  readonly priority?: string;
  readonly estimate?: string;
  readonly estimateFrom?: string;
  readonly agent?: string;
  readonly titleLine: number;
  readonly titleLength: number;
  /** The number in a `# Task 004: ...` heading, as written: the task's number before a sync renamed its file. */
  readonly headingNumber?: string;
  readonly incomplete?: Task['incomplete'];
  /** The `sprint` field as written. */
  readonly sprint?: string;
  readonly diagnostics: readonly Diagnostic[];
}

/** What an epic's `github-mapping.md` says: the issue of each task, in the tasks' original order. */
export interface ParsedMappingFile {
  readonly path: string;
  readonly entries: ReadonlyArray<{
    readonly issue: number;
    /** The task's number before the sync, when the line names it (`001.md → #1235`). */
    readonly old?: number;
  }>;
}

/**
 * A progress note or work stream under `updates/<N>/`: work on task (or issue) N has
 * started. What the note says, its own status included, does not change that.
 */
export interface ParsedUpdateFile {
  readonly path: string;
  /** N, the folder's name. */
  readonly task: string;
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

/**
 * The items of a list-valued key as written: YAML reads `[001, 003]` as [1, 3] and
 * `"007"` as 7's text, so the lines are read again to keep each reference's own spelling
 * for messages and for the pre-sync numbers. Falls back to the parsed items when the
 * lines say something else (a multi-line flow list, say).
 */
function writtenList(fm: Frontmatter | undefined, lines: Lines, data: Readonly<Record<string, unknown>>, keys: readonly string[]): string[] {
  const parsed = listField(data, ...keys);
  const key = keys.find((k) => data[k] !== undefined);
  const entry = key === undefined ? undefined : findKey(fm, key);
  if (!entry || parsed.length === 0) return parsed;
  const written: string[] = [];
  for (let line = entry.line; line <= entry.endLine; line++) {
    let text = line === entry.line ? lines.at(line).slice(entry.valueColumn) : lines.at(line).replace(/^[ \t]*-(?=[\s]|$)/, '');
    const comment = commentStart(text, entry.key);
    if (comment !== -1) text = text.slice(0, comment);
    text = text.trim();
    const quoted = /^(["'])(.*)\1$/.exec(text);
    if (quoted && line === entry.line && entry.endLine === entry.line) text = quoted[2].trim();
    text = text.replace(/^\[/, '').replace(/\]$/, '');
    for (const part of text.split(',')) {
      const item = part.trim();
      const quoted = /^(["'])(.*)\1$/.exec(item);
      if (quoted) written.push(quoted[2].trim());
      else written.push(...item.split(/\s+/));
    }
  }
  const items = written.filter((w) => w !== '');
  return items.length === parsed.length ? items : parsed;
}

// `- Hours: 2-3`, `**Estimate:** 2-3 days`, `- Size: M` in a task's body (the "Effort Estimate" section).
const BODY_ESTIMATE = /^(?:\*\*|__)?(hours|estimated hours|estimate|effort|size)(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*(.+)$/i;

/**
 * The estimate, from the first place that has one: the frontmatter (`estimate`,
 * `estimated_hours`, `hours`, `effort`, `size`), then the body's hours or estimate lines,
 * then its size line. Placeholders (`estimated hours`, `XS/S/M/L/XL` left from a
 * template) are not estimates.
 */
function taskEstimate(data: Readonly<Record<string, unknown>>, outline: Outline, lines: Lines): { estimate?: string; from?: string } {
  // `XS/S/M/L/XL` is a template's list of choices, not a choice.
  const readable = (value: string | undefined) => value !== undefined && !value.includes('/') && readEstimate(value) !== undefined;
  for (const key of ['estimate', 'estimated_hours', 'hours', 'effort', 'size']) {
    const value = stringField(data, key);
    if (readable(value)) return { estimate: value, from: key };
  }
  // List items (`- Hours: 2-3`), then paragraph lines (`**Estimate:** 2-3 days`).
  let size: { estimate: string; from: string } | undefined;
  const read = (text: string) => {
    const match = BODY_ESTIMATE.exec(text.trim());
    if (!match || !readable(match[2])) return undefined;
    const found = { estimate: match[2].trim(), from: match[1] };
    if (!/^size$/i.test(match[1])) return found;
    size ??= found;
    return undefined;
  };
  for (const item of outline.items) {
    const found = read(item.text);
    if (found) return found;
  }
  for (const p of outline.paragraphs) {
    for (let line = p.line; line <= p.endLine; line++) {
      const found = read(lines.at(line));
      if (found) return found;
    }
  }
  return size ?? {};
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
  const metadata = fm ? normaliseKeys(fm.data, fm.keys) : {};
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
        form: match[1] !== undefined || item.text.startsWith('#') ? 'issue' : match[3] !== undefined ? 'task' : 'file',
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
    diagnostics.push(statusDiagnostic(path, statusLine, lines.at(statusLine), status, 'warning', 'plan'));
  }

  const mermaid = outline.code
    .filter((c) => c.lang?.toLowerCase() === 'mermaid')
    .flatMap((c) => parseMermaidEdges(c.value, c.line + 1));
  const progressRange = frontmatterValueRange(fm, lines, 'progress');

  return {
    path,
    id,
    title,
    titleLine,
    titleLength: lines.at(titleLine).length ?? 0,
    metadata,
    ...(status !== undefined && statusLine !== undefined ? { statusRange: statusRange(statusLine, lines.at(statusLine), status) } : {}),
    ...(progressRange ? { progressRange } : {}),
    checklist,
    mermaid,
    diagnostics,
  };
}

export function parseTaskFile(path: string, text: string): ParsedTaskFile {
  const { fm, outline, lines, diagnostics } = readFile(text);
  const id = fileStem(path);
  const empty = stripBom(text).trim() === '';
  if (fm) diagnostics.push(...frontmatterDiagnostics(path, fm));
  else {
    diagnostics.push(
      diagnostic(
        path,
        lineRange(0),
        'warning',
        'frontmatter-missing',
        empty
          ? `Task file ${id}.md is empty, so it is not scheduled; give it frontmatter (name, status, depends_on...) or delete it.`
          : `Task ${id} has no frontmatter, so it is not scheduled; add name, status and depends_on between --- lines at the top.`,
      ),
    );
  }
  const data = fm ? normaliseKeys(fm.data, fm.keys) : {};
  const h1 = outline.headings.find((h) => h.depth === 1);
  const heading = h1 ? /^task\s*#?(\d+)?\s*[:.-]\s*(.*)$/i.exec(h1.text.trim()) : null;
  const headingTitle = heading ? heading[2].trim() : h1?.text.trim();
  // `title:` names the task where a file has it; `name:` is the command-line tools' key.
  const title = stringField(data, 'title', 'name') ?? headingTitle ?? '';
  const titleLine = (data.title !== undefined ? keyLine(fm, 'title') : undefined) ?? keyLine(fm, 'name') ?? keyLine(fm, 'title') ?? h1?.line ?? 0;
  if (title === '' && !empty) {
    diagnostics.push(diagnostic(path, lineRange(0), 'warning', 'task-missing-title', `Task ${id} has no name.`));
  }

  const rawStatus = stringField(data, 'status');
  let state: TaskState = 'open';
  if (rawStatus !== undefined) {
    const known = taskStateFromStatus(rawStatus);
    if (known) state = known;
    else {
      const line = keyLine(fm, 'status') ?? 0;
      diagnostics.push(statusDiagnostic(path, line, lines.at(line), rawStatus, 'warning', 'task'));
    }
  }
  const github = stringField(data, 'github', 'issue', 'github_issue');
  const parallel = data.parallel;
  const dependsKey = DEPENDS_KEYS.find((k) => data[k] !== undefined);
  const { estimate, from: estimateFrom } = taskEstimate(data, outline, lines);
  return {
    path,
    id,
    title,
    state,
    rawStatus,
    issue: issueNumberFrom(github),
    githubUrl: github !== undefined && /^https?:/.test(github) ? github : undefined,
    dependsOn: writtenList(fm, lines, data, DEPENDS_KEYS),
    dependsOnLine: dependsKey === undefined ? undefined : keyLine(fm, dependsKey),
    conflictsWith: writtenList(fm, lines, data, CONFLICTS_KEYS),
    parallel: typeof parallel === 'boolean' ? parallel : parallel === 'true' ? true : parallel === 'false' ? false : undefined,
    priority: stringField(data, 'priority'),
    estimate,
    estimateFrom: estimateFrom === 'estimate' ? undefined : estimateFrom,
    agent: stringField(data, 'agent'),
    titleLine,
    titleLength: lines.at(titleLine).length ?? 0,
    headingNumber: heading?.[1],
    incomplete: fm ? (fm.endLine === -1 ? 'unclosed-frontmatter' : undefined) : empty ? 'empty' : 'no-frontmatter',
    sprint: stringField(data, 'sprint'),
    diagnostics,
  };
}

// `- #1235: Title - https://...`, the command-line tools' line; `- 001.md → #1235`, `001 -> 1235` where the old number is named.
const MAPPING_OLD_NEW = /(?:^|\s)#?0*(\d+)(?:\.md)?\s*(?:→|->|=>)\s*#?(\d+)\b/;
const MAPPING_ISSUE = /^\s*[-*+]\s+(?:\[[ xX]\]\s+)?#(\d+)\b/;

/** Reads `github-mapping.md`: its task lines, in order (the `Epic:` line is not a task). */
export function parseMappingFile(path: string, text: string): ParsedMappingFile {
  const entries: Array<ParsedMappingFile['entries'][number]> = [];
  for (const line of splitLines(stripBom(text))) {
    if (/^\s*epic\b/i.test(line.replace(/^\s*[-*+]\s+/, ''))) continue;
    const pair = MAPPING_OLD_NEW.exec(line);
    if (pair) {
      entries.push({ issue: Number(pair[2]), old: Number(pair[1]) });
      continue;
    }
    const issue = MAPPING_ISSUE.exec(line);
    if (issue) entries.push({ issue: Number(issue[1]) });
  }
  return { path, entries };
}

/** A file under `updates/<N>/`: its path says all that is used of it, which task it is about. */
export function updateFileOf(path: string): ParsedUpdateFile {
  return { path, task: baseName(dirName(path)) };
}

type TaskLike = { readonly id: string; readonly issue?: number };

/**
 * Finds the task a reference (`001`, `1234`, `#1234`, `T3`, an issue URL) means: the file
 * of that exact name, then by file number, then by issue number. `renumbered` (an epic's
 * numbers from before a sync) takes a zero-padded reference first, since `001` is how
 * the files were named before the sync and issue numbers are never padded; an unpadded
 * number goes to a file of that number first.
 */
export function resolveTaskRef(
  ref: string,
  tasks: readonly TaskLike[],
  renumbered?: Readonly<Record<string, string>>,
): string | undefined {
  return taskResolver(tasks, renumbered)(ref);
}

/** resolveTaskRef for many references to one epic's tasks: the lookup is built once. */
export function taskResolver(tasks: readonly TaskLike[], renumbered?: Readonly<Record<string, string>>): (ref: string) => string | undefined {
  const lookup = lookupOf(tasks);
  return (ref) => resolveReference(ref, lookup, renumbered, undefined)?.id;
}

/** An epic's tasks by id, by file number and by issue, built once per epic rather than searched per reference. */
interface TaskLookup {
  readonly ids: ReadonlySet<string>;
  /** The first task of each file number (`1.md` and `001.md` are both 1). */
  readonly byNumber: ReadonlyMap<number, string>;
  readonly byIssue: ReadonlyMap<number, readonly string[]>;
}

function lookupOf(tasks: readonly TaskLike[]): TaskLookup {
  const ids = new Set<string>();
  const byNumber = new Map<number, string>();
  const byIssue = new Map<number, string[]>();
  for (const t of tasks) {
    ids.add(t.id);
    const n = numericId(t.id);
    if (n !== undefined && !byNumber.has(n)) byNumber.set(n, t.id);
    if (t.issue !== undefined) {
      const list = byIssue.get(t.issue);
      if (list) list.push(t.id);
      else byIssue.set(t.issue, [t.id]);
    }
  }
  return { ids, byNumber, byIssue };
}

/** How a reference was resolved: `renamed` when it is a number from before a sync. */
interface Resolved {
  readonly id: string;
  readonly renamed: boolean;
}

function resolveReference(ref: string, tasks: TaskLookup, renumbered: Readonly<Record<string, string>> | undefined, self: string | undefined): Resolved | undefined {
  const written = ref.trim();
  const exact = tasks.ids.has(written);
  if (exact && written !== self) return { id: written, renamed: false };
  const n = numericId(written) ?? issueNumberFrom(written);
  if (n === undefined) return exact ? { id: written, renamed: false } : undefined;
  const before = renumbered?.[String(n)];
  const mapped = before !== undefined && before !== String(n) && tasks.ids.has(before) ? before : undefined;
  if (mapped !== undefined && mapped !== self && /^#?0\d/.test(written)) return { id: mapped, renamed: true };
  const byFile = tasks.byNumber.get(n);
  if (byFile !== undefined && byFile !== self) return { id: byFile, renamed: false };
  // A task whose old number is another task's new one: `depends_on: [4]` in 7.md, once 004.md, means the old 4.
  if (mapped !== undefined && mapped !== self) return { id: mapped, renamed: true };
  const byIssue = tasks.byIssue.get(n)?.find((id) => id !== self);
  if (byIssue !== undefined) return { id: byIssue, renamed: false };
  return byFile !== undefined ? { id: byFile, renamed: false } : undefined;
}

/**
 * The numbers the tasks of a synced epic had before their files were renamed to issue
 * numbers, from the most direct evidence to the least: each file's `# Task 004:` heading,
 * `github-mapping.md` lines that name the old number, then the order of the mapping's
 * lines or of the `## Tasks Created` checklist once the sync rewrote it to issue numbers.
 * The sync creates issues in the tasks' original order (001, 002...), so a list is read
 * by position only when it is whole and in that order: its issue numbers rise, each is a
 * task file, it is no shorter than the other list, and it agrees with every heading.
 * A number claimed twice keeps its first claim.
 */
function preSyncNumbers(
  files: readonly ParsedTaskFile[],
  lookup: TaskLookup,
  mapping: ParsedMappingFile | undefined,
  epicFile: ParsedEpicFile | undefined,
): { numbers: Record<string, string>; evidence: Map<string, string> } {
  const out: Record<string, string> = {};
  /** Task id → where its old number was read, for the note that says so. */
  const evidence = new Map<string, string>();
  const claim = (old: number | undefined, id: string | undefined, from: string) => {
    if (old === undefined || id === undefined || evidence.has(id) || out[String(old)] !== undefined) return;
    if (numericId(id) === old) return;
    out[String(old)] = id;
    evidence.set(id, from);
  };
  const headings = new Map<string, number>();
  for (const file of files) {
    if (file.headingNumber === undefined) continue;
    headings.set(file.id, Number(file.headingNumber));
    claim(Number(file.headingNumber), file.id, `the "Task ${file.headingNumber}" heading of ${file.id}.md`);
  }
  const byIssue = (issue: number) => lookup.byNumber.get(issue) ?? lookup.byIssue.get(issue)?.[0];
  // The epic's own issue may be listed among its tasks' (`- #1: Epic: payments`).
  const epicIssue = issueNumberFrom(epicFile?.metadata.github);
  const mapped = (mapping?.entries ?? []).filter((e) => e.issue !== epicIssue);
  for (const entry of mapped) if (entry.old !== undefined) claim(entry.old, byIssue(entry.issue), 'github-mapping.md');

  const listed = (epicFile?.checklist ?? []).every((c) => c.form === 'issue') ? (epicFile?.checklist ?? []).map((c) => Number(c.ref)) : [];
  const inOrder = mapped.every((e) => e.old === undefined) ? mapped.map((e) => e.issue) : [];
  const usable = (issues: readonly number[], other: readonly number[]) => {
    if (issues.length === 0 || issues.length < other.length) return false;
    const ids = issues.map(byIssue);
    if (ids.some((id) => id === undefined) || issues.some((n, i) => i > 0 && n <= issues[i - 1])) return false;
    return ids.every((id, i) => !headings.has(id!) || headings.get(id!) === i + 1);
  };
  if (usable(inOrder, listed)) inOrder.forEach((issue, i) => claim(i + 1, byIssue(issue), 'github-mapping.md'));
  else if (usable(listed, inOrder)) listed.forEach((issue, i) => claim(i + 1, byIssue(issue), "the order of the epic's task checklist"));
  return { numbers: out, evidence };
}

/** The rest of an epic folder: what the command-line tools leave beside the task files. */
export interface EpicFolderExtras {
  readonly mapping?: ParsedMappingFile;
  readonly updates?: readonly ParsedUpdateFile[];
}

/**
 * Joins an `epic.md` and its task files into one epic. `dir` is the epic's folder;
 * `epicFile` is undefined when the folder has task files but no `epic.md`.
 */
export function assembleDirectoryEpic(
  dir: string,
  epicFile: ParsedEpicFile | undefined,
  taskFiles: readonly ParsedTaskFile[],
  extras: EpicFolderExtras = {},
): { epic: Epic; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const id = baseName(dir);
  const path = epicFile?.path ?? `${dir}/epic.md`;
  // Numeric order: 2.md before 10.md, and 001.md before 1234.md.
  const files = taskFiles
    .map((file) => ({ file, n: numericId(file.id) ?? 0 }))
    .sort((a, b) => a.n - b.n || comparePaths(a.file.id, b.file.id))
    .map(({ file }) => file);
  const lookup = lookupOf(files);
  const { numbers: renumbered, evidence } = preSyncNumbers(files, lookup, extras.mapping, epicFile);
  const hasRenumbered = Object.keys(renumbered).length > 0;
  const resolve = (ref: string, self: string | undefined, where: { path: string; line: number; source: 'frontmatter' | 'mermaid' }): string | undefined => {
    const found = resolveReference(ref, lookup, hasRenumbered ? renumbered : undefined, self);
    if (!found) return undefined;
    if (found.renamed) {
      diagnostics.push(
        diagnostic(
          where.path,
          lineRange(where.line),
          'info',
          'dependency-renamed',
          `${ref} is a task number from before the sync renamed the task files; it is task ${found.id} now (from ${evidence.get(found.id)}). Writing ${found.id} says so directly.`,
          { code: 'dependency-renamed', written: ref, taskId: found.id, source: where.source },
        ),
      );
    }
    return found.id;
  };
  // `updates/<N>/` is task N's: the file of that number, else the task linked to issue N.
  const updates = extras.updates ?? [];
  const updatesOf = (file: ParsedTaskFile) =>
    updates.length === 0
      ? updates
      : updates.filter((u) => {
          const n = numericId(u.task);
          return n === numericId(file.id) || (n !== undefined && !lookup.byNumber.has(n) && file.issue === n);
        });

  const dependencies: Dependency[] = [];
  const tasks: Task[] = files.map((file, order) => {
    const deps: string[] = [];
    const line = file.dependsOnLine ?? file.titleLine;
    for (const ref of file.dependsOn) {
      const from = resolve(ref, file.id, { path: file.path, line, source: 'frontmatter' }) ?? ref;
      if (!deps.includes(from)) deps.push(from);
      dependencies.push({
        from,
        to: file.id,
        source: 'frontmatter',
        written: from !== ref ? ref : undefined,
        path: file.path,
        range: lineRange(line),
      });
    }
    // Work recorded only under updates/<N>/ (a progress note, a work stream) has started.
    const started = file.state === 'open' && !isBlockedStatus(file.rawStatus) ? updatesOf(file)[0] : undefined;
    // Every task has every property, set or undefined: one shape for ten thousand objects.
    return {
      id: file.id,
      epicId: id,
      title: file.title,
      state: started ? 'in-progress' : file.state,
      rawStatus: file.rawStatus,
      issue: file.issue,
      githubUrl: file.githubUrl,
      group: undefined,
      estimate: file.estimate,
      estimateFrom: file.estimateFrom,
      agent: file.agent,
      priority: file.priority,
      dependsOn: deps,
      conflictsWith: file.conflictsWith.length === 0 ? NO_IDS : file.conflictsWith.map((ref) => resolveReference(ref, lookup, hasRenumbered ? renumbered : undefined, file.id)?.id ?? ref),
      parallel: file.parallel,
      path: file.path,
      range: lineRange(file.titleLine, 0, file.titleLength),
      order,
      startedIn: started?.path,
      incomplete: file.incomplete,
      sprint: file.sprint,
    };
  });

  if (epicFile) {
    for (const edge of epicFile.mermaid) {
      const at = { path: epicFile.path, line: edge.line, source: 'mermaid' as const };
      const from = resolve(mermaidNodeToTask(edge.from), undefined, at) ?? edge.from;
      const to = resolve(mermaidNodeToTask(edge.to), undefined, at) ?? edge.to;
      dependencies.push({ from, to, source: 'mermaid', path: epicFile.path, range: lineRange(edge.line, edge.column, edge.endColumn) });
      // A node that is no task (a `Start` box, a typo) is reported, but blocks nothing.
      const target = tasks.find((t) => t.id === to);
      if (target && tasks.some((t) => t.id === from) && !target.dependsOn.includes(from)) (target.dependsOn as string[]).push(from);
    }
  }

  for (const task of tasks) (task as { dependsOn: readonly string[] }).dependsOn = compactIds(task.dependsOn);

  const checklist: ChecklistEntry[] = (epicFile?.checklist ?? []).map((entry) => ({
    taskId: resolveReference(entry.ref, lookup, hasRenumbered ? renumbered : undefined, undefined)?.id ?? entry.ref,
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
    ...(epicFile?.statusRange ? { statusRange: epicFile.statusRange } : {}),
    ...(epicFile?.progressRange ? { progressRange: epicFile.progressRange } : {}),
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
    ...(hasRenumbered ? { renumbered } : {}),
    range: lineRange(epicFile?.titleLine ?? 0, 0, epicFile?.titleLength ?? 0),
  };
  return { epic, diagnostics };
}
