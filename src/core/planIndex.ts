import type { EpicAnalysis } from './analysis';
import { analyzeEpic } from './analysis';
import type { Diagnostic, Epic, PlanDocuments, Prd, ToolFormat } from './model';
import { epicRef } from './model';
import { diagnostic } from './parse/common';
import type { ParsedEpicFile, ParsedMappingFile, ParsedTaskFile, ParsedUpdateFile } from './parse/directoryParser';
import { assembleDirectoryEpic, isTaskFileName, parseEpicFile, parseMappingFile, parseTaskFile, updateFileOf } from './parse/directoryParser';
import { parsePrd } from './parse/prdParser';
import { parseSingleFileEpic } from './parse/singleFileEpicParser';
import type { KiroRequirementRef } from './parse/kiroParser';
import { kiroRequirementIds, kiroRequirementRefs, parseKiroRequirements, parseKiroTasks, unknownRequirementDiagnostics } from './parse/kiroParser';
import { isSpecKitTasks, parseSpecKitSpec, parseSpecKitTasks } from './parse/specKitParser';
import { parseTaskMasterFile } from './parse/taskMasterParser';
import type { ParsedSprintFile, Sprint, SprintPlan } from './sprint';
import { buildSprintPlan, parseSprintFile } from './sprint';
import { baseName, comparePaths, dirName, joinPath } from './text';
import { toolFormatOfRoot } from './toolRoots';
export { isToolRoot } from './toolRoots';
import { epicsOfPrd } from './progress';
import { sortDiagnostics, validateEpic, validatePrd } from './validate';

/** The file access the index needs; the CLI passes Node's file system, the extension VS Code's. */
export interface PlanFileSystem {
  /** Entries of a folder, relative to the workspace; [] when it does not exist. */
  readDirectory(path: string): Promise<ReadonlyArray<{ readonly name: string; readonly isDirectory: boolean }>>;
  /** The file's text, or undefined when it does not exist (or is not a file). */
  readFile(path: string): Promise<string | undefined>;
  /** The file's size and modification time, or undefined when it does not exist; needed only by a parse cache. */
  stat?(path: string): Promise<FileStat | undefined>;
}

export interface FileStat {
  readonly size: number;
  readonly mtimeMs: number;
}

/**
 * Parsed files kept from an earlier run, keyed by path, size and modification time: the
 * CLI keeps one on disk, because it starts cold every time. The index asks it before
 * reading a file and hands it every file it parses. Values pass through untouched, so
 * whatever a file's role parses to is cached alike; `get` must give back exactly what
 * was `set`, and nothing for an entry it cannot vouch for.
 */
export interface ParseCache {
  get(path: string, stat: FileStat): unknown;
  set(path: string, stat: FileStat, parsed: unknown): void;
}

export interface PlanIndexOptions {
  readonly parseCache?: ParseCache;
}

/**
 * AutoPM's own roots, then other tools': Kiro's specs, GitHub Spec Kit's feature folders
 * (a `specs/` folder without Spec Kit's task lines shows nothing) and Task Master's folder.
 */
export const DEFAULT_PLAN_ROOTS: readonly string[] = ['prds', 'epics', '.claude/prds', '.claude/epics', '.kiro/specs', 'specs', '.taskmaster'];

/**
 * Folders that are never plans: history and archives kept beside the live files. An
 * epic's `updates/<N>/` is read for one thing only, whether work on task N has started.
 */
const SKIPPED_FOLDERS = /^(updates|archived|\.archived|archive|node_modules|\.git)$/i;
const SKIPPED_FILES = /^(\d+-analysis|execution-status|readme)\.md$/i;

type FileRole =
  | { readonly kind: 'prd' }
  | { readonly kind: 'single-epic' }
  | { readonly kind: 'epic-md'; readonly dir: string }
  | { readonly kind: 'task'; readonly dir: string }
  | { readonly kind: 'mapping'; readonly dir: string }
  | { readonly kind: 'update'; readonly dir: string }
  | { readonly kind: 'sprint' }
  | { readonly kind: 'tool-prd'; readonly format: 'kiro' | 'spec-kit' }
  | { readonly kind: 'tool-epics'; readonly format: ToolFormat };

type Parsed =
  | {
      readonly kind: 'prd';
      readonly prd: Prd;
      readonly diagnostics: readonly Diagnostic[];
      /** Kiro's requirements.md: the requirement numbers it defines, which its tasks.md refers to. */
      readonly requirementIds?: ReadonlySet<string>;
    }
  | { readonly kind: 'single-epic'; readonly epic: Epic; readonly diagnostics: readonly Diagnostic[] }
  | { readonly kind: 'epic-md'; readonly dir: string; readonly file: ParsedEpicFile }
  | { readonly kind: 'task'; readonly dir: string; readonly file: ParsedTaskFile }
  | { readonly kind: 'mapping'; readonly dir: string; readonly file: ParsedMappingFile }
  | { readonly kind: 'update'; readonly dir: string; readonly file: ParsedUpdateFile }
  | { readonly kind: 'sprint'; readonly file: ParsedSprintFile }
  /** A file of another tool that holds epics: Kiro's or Spec Kit's tasks.md (one), Task Master's tasks.json (one per tag). */
  | {
      readonly kind: 'tool-epics';
      readonly epics: readonly Epic[];
      readonly diagnostics: readonly Diagnostic[];
      /** Kiro's tasks.md: its `_Requirements:_` references, checked against requirements.md when either changes. */
      readonly requirementRefs?: readonly KiroRequirementRef[];
    };

const PRD_ROLE: FileRole = { kind: 'prd' };
const SINGLE_EPIC_ROLE: FileRole = { kind: 'single-epic' };
const SPRINT_ROLE: FileRole = { kind: 'sprint' };
const TOOL_ROLES = {
  kiroPrd: { kind: 'tool-prd', format: 'kiro' },
  specKitPrd: { kind: 'tool-prd', format: 'spec-kit' },
  kiro: { kind: 'tool-epics', format: 'kiro' },
  specKit: { kind: 'tool-epics', format: 'spec-kit' },
  taskmaster: { kind: 'tool-epics', format: 'taskmaster' },
} as const satisfies Record<string, FileRole>;

/** The folder, directly under an epics (or mixed) root, that holds sprint files rather than an epic. */
const SPRINTS_FOLDER = /^sprints$/i;

interface FolderRoles {
  readonly epicMd: FileRole;
  readonly task: FileRole;
  readonly mapping: FileRole;
  readonly update: FileRole;
}

/** The roles whose files belong to one epic folder. */
function isFolderRole(role: FileRole): role is Extract<FileRole, { dir: string }> {
  return role.kind === 'epic-md' || role.kind === 'task' || role.kind === 'mapping' || role.kind === 'update';
}

interface CacheEntry {
  /**
   * The text the entry was parsed from. Comparing it with the new text is the content
   * check: as exact as a hash, and free on a cold build, where a hash would have to be
   * computed for every file only to be compared later. Undefined when the parse came
   * from the parse cache, which vouches by `stat` instead.
   */
  readonly text: string | undefined;
  readonly stat: FileStat | undefined;
  readonly parsed: Parsed;
}

export interface IndexChange {
  readonly added: readonly string[];
  readonly changed: readonly string[];
  readonly removed: readonly string[];
  /** Ids of epics whose model changed (added, changed or removed). */
  readonly epics: readonly string[];
  /** Ids of PRDs whose model changed. */
  readonly prds: readonly string[];
}

function sameStat(a: FileStat, b: FileStat): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs;
}

type RootKind = 'prds' | 'epics' | 'sprints' | 'mixed' | ToolFormat;

function rootKind(root: string): RootKind {
  const tool = toolFormatOfRoot(root);
  if (tool) return tool;
  const last = baseName(root.replace(/\/+$/, '')).toLowerCase();
  return last === 'prds' ? 'prds' : last === 'epics' ? 'epics' : last === 'sprints' ? 'sprints' : 'mixed';
}

/**
 * The role of a file under another tool's root: `<feature>/tasks.md` and the feature's PRD
 * (Kiro's requirements.md, Spec Kit's spec.md), or Task Master's `tasks/tasks.json`.
 */
function toolRoleOf(kind: ToolFormat, rest: string): FileRole | undefined {
  const slash = rest.indexOf('/');
  if (slash === -1 || rest.indexOf('/', slash + 1) !== -1) return undefined;
  const folder = rest.slice(0, slash);
  const name = rest.slice(slash + 1).toLowerCase();
  if (kind === 'taskmaster') return folder === 'tasks' && name === 'tasks.json' ? TOOL_ROLES.taskmaster : undefined;
  if (SKIPPED_FOLDERS.test(folder)) return undefined;
  if (name === 'tasks.md') return kind === 'kiro' ? TOOL_ROLES.kiro : TOOL_ROLES.specKit;
  if (kind === 'kiro') return name === 'requirements.md' ? TOOL_ROLES.kiroPrd : undefined;
  // Spec Kit numbers its feature folders (`001-photo-albums`); any other `specs/<name>/spec.md` is someone else's.
  return name === 'spec.md' && /^\d+-/.test(folder) ? TOOL_ROLES.specKitPrd : undefined;
}

/**
 * The plan files of one workspace folder, parsed once and cached by content.
 * `build` scans the roots; `update` re-reads only the paths it is given; both report
 * what changed. Epic analyses and validation are computed on demand and cached.
 */
export class PlanIndex {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly roles = new Map<string, FileRole>();
  /** The plan files of each epic folder, so one save re-assembles its epic without a scan. */
  private readonly folderFiles = new Map<string, Set<string>>();
  private readonly epics = new Map<string, Epic>();
  private readonly epicDiagnostics = new Map<string, readonly Diagnostic[]>();
  private readonly analyses = new Map<string, EpicAnalysis>();
  private readonly validation = new Map<string, readonly Diagnostic[]>();
  private prdList: Prd[] | undefined;
  private epicList: Epic[] | undefined;
  private readonly roots: readonly string[];
  private readonly rootPrefixes: ReadonlyArray<{ readonly root: string; readonly prefix: string; readonly kind: RootKind }>;
  private sprintFileList: ParsedSprintFile[] | undefined;
  /** The sprint plan and what it was built from: rebuilt when either list is a new one. */
  private sprintCache: { readonly files: readonly ParsedSprintFile[]; readonly epics: readonly Epic[]; readonly plan: SprintPlan } | undefined;
  private readonly folderRoles = new Map<string, FolderRoles>();
  /** Keys of epics that are files rather than folders: single-file epics and other tools' files. */
  private readonly fileKeys = new Set<string>();
  /** The epics of a file that holds several (Task Master's tasks.json), by the file's path. */
  private readonly fileEpicKeys = new Map<string, readonly string[]>();
  /** Problems of a file that holds no epic at all (an unreadable tasks.json), by its path. */
  private readonly fileDiagnostics = new Map<string, readonly Diagnostic[]>();

  private readonly parseCache: ParseCache | undefined;

  constructor(
    private readonly fs: PlanFileSystem,
    roots: readonly string[] = DEFAULT_PLAN_ROOTS,
    options: PlanIndexOptions = {},
  ) {
    this.roots = roots.map((r) => r.replace(/^\.\//, '').replace(/\/+$/, ''));
    this.rootPrefixes = this.roots.map((root) => ({ root, prefix: root + '/', kind: rootKind(root) }));
    // Without stat there is nothing to key the cache by.
    this.parseCache = fs.stat ? options.parseCache : undefined;
  }

  /** Where a path sits among the plan roots, or undefined when it is not a plan file. */
  roleOf(path: string): FileRole | undefined {
    if (!path.endsWith('.md') && !path.endsWith('.json')) return undefined;
    for (const rootPrefix of this.rootPrefixes) {
      const { root, prefix } = rootPrefix;
      let kind = rootPrefix.kind;
      if (!path.startsWith(prefix)) continue;
      if (kind === 'kiro' || kind === 'spec-kit' || kind === 'taskmaster') {
        const role = toolRoleOf(kind, path.slice(prefix.length));
        if (role) return role;
        // A `specs` root may also be a mixed root of AutoPM's own (`prd-*.md`, `epic-*.md`).
        if (kind !== 'spec-kit') continue;
        kind = 'mixed';
      }
      if (!path.endsWith('.md')) continue;
      // Read by finding slashes rather than splitting: this runs for every file a walk meets.
      const first = path.indexOf('/', prefix.length);
      const name = path.slice(path.lastIndexOf('/') + 1);
      if (kind === 'sprints') return first === -1 && !SKIPPED_FILES.test(name) ? SPRINT_ROLE : undefined;
      if (first === -1) {
        if (SKIPPED_FILES.test(name)) return undefined;
        if (kind === 'prds' || (kind === 'mixed' && /^prd/i.test(name))) return PRD_ROLE;
        if (kind === 'epics' || /^epic/i.test(name)) return SINGLE_EPIC_ROLE;
        return undefined;
      }
      const folder = path.slice(prefix.length, first);
      if (kind === 'prds') {
        const folders = path.slice(prefix.length, path.lastIndexOf('/')).split('/');
        return folders.some((part) => SKIPPED_FOLDERS.test(part)) || SKIPPED_FILES.test(name) ? undefined : PRD_ROLE;
      }
      if (SKIPPED_FOLDERS.test(folder)) return undefined;
      // `epics/sprints/` holds sprint files, never an epic named "sprints".
      if (SPRINTS_FOLDER.test(folder)) return path.indexOf('/', first + 1) === -1 && !SKIPPED_FILES.test(name) ? SPRINT_ROLE : undefined;
      const roles = this.folderRolesOf(joinPath(root, folder));
      const second = path.indexOf('/', first + 1);
      if (second === -1) {
        // Only the epic folder itself holds plan files; deeper folders are notes.
        if (SKIPPED_FILES.test(name)) return undefined;
        if (name === 'epic.md') return roles.epicMd;
        if (isTaskFileName(name)) return roles.task;
        if (/^github-mapping\.md$/i.test(name)) return roles.mapping;
        return undefined;
      }
      // `<epic>/updates/<N>/*.md`: progress notes and work streams of task N.
      const rest = path.slice(first + 1).split('/');
      return rest.length === 3 && /^updates$/i.test(rest[0]) && /^\d+$/.test(rest[1]) ? roles.update : undefined;
    }
    return undefined;
  }

  /** The roles of one epic folder's files, made once per folder rather than once per file. */
  private folderRolesOf(dir: string): FolderRoles {
    let roles = this.folderRoles.get(dir);
    if (!roles) {
      roles = { epicMd: { kind: 'epic-md', dir }, task: { kind: 'task', dir }, mapping: { kind: 'mapping', dir }, update: { kind: 'update', dir } };
      this.folderRoles.set(dir, roles);
    }
    return roles;
  }

  /** Scans every root. Unchanged files (same content hash) are not parsed again. */
  async build(): Promise<IndexChange> {
    const found = new Map<string, FileRole>();
    for (const root of this.roots) await this.walk(root, found);
    const removed = [...this.cache.keys()].filter((p) => !found.has(p));
    return this.apply(found, removed);
  }

  /** Re-reads the given paths (files or folders, created, changed or deleted). */
  async update(paths: readonly string[]): Promise<IndexChange> {
    const files = new Map<string, FileRole>();
    const removed: string[] = [];
    for (const raw of paths) {
      const path = raw.replace(/^\.\//, '').replace(/\/+$/, '');
      const role = this.roleOf(path);
      if (role) {
        files.set(path, role);
        continue;
      }
      // A folder (created, changed or deleted): walk it, and drop what it no longer holds.
      if (path.endsWith('.md') || path.endsWith('.json')) continue;
      const found = new Map<string, FileRole>();
      // A folder above the roots (`.claude` for `.claude/epics`) is walked only where roots are.
      const insideRoot = this.roots.some((r) => path === r || path.startsWith(r + '/'));
      const walked = insideRoot ? [path] : this.roots.filter((r) => path === '' || r.startsWith(path + '/'));
      for (const folder of walked) await this.walk(folder, found);
      for (const [file, fileRole] of found) files.set(file, fileRole);
      const prefix = path === '' ? '' : path + '/';
      for (const known of this.cache.keys()) if (known.startsWith(prefix) && !found.has(known)) removed.push(known);
    }
    return this.apply(files, removed);
  }

  /** How many folders below its root a path is (0 for the root itself); Infinity outside every root. */
  private depthBelowRoot(path: string): number {
    let depth = Infinity;
    for (const root of this.roots) {
      if (path === root) return 0;
      if (path.startsWith(root + '/')) depth = Math.min(depth, path.slice(root.length + 1).split('/').length);
    }
    return depth;
  }

  /** Whether a folder is a sprint folder (nothing below one is a plan file). */
  private inSprintsFolder(dir: string): boolean {
    return this.rootPrefixes.some(({ root, prefix, kind }) => (kind === 'sprints' && dir === root) || (kind !== 'prds' && dir.startsWith(prefix) && SPRINTS_FOLDER.test(dir.slice(prefix.length))));
  }

  private async walk(dir: string, out: Map<string, FileRole>): Promise<void> {
    const entries = await this.fs.readDirectory(dir);
    for (const entry of entries) {
      const path = joinPath(dir, entry.name);
      if (entry.isDirectory) {
        // Plan files sit at most one folder below a root (`epics/<name>/001.md`): deeper
        // folders are notes, and not walking them also ends any loop of linked folders.
        // The exception is an epic's `updates/<N>/`, two fixed levels further down.
        const depth = this.depthBelowRoot(path);
        const updates =
          !this.inSprintsFolder(dir) &&
          ((depth === 2 && /^updates$/i.test(entry.name)) || (depth === 3 && /^\d+$/.test(entry.name) && /^updates$/i.test(baseName(dir))));
        if (updates || (!SKIPPED_FOLDERS.test(entry.name) && depth <= 1)) await this.walk(path, out);
      } else {
        const role = this.roleOf(path);
        if (role) out.set(path, role);
      }
    }
  }

  private async apply(found: ReadonlyMap<string, FileRole>, removedPaths: readonly string[]): Promise<IndexChange> {
    const added: string[] = [];
    const changed: string[] = [];
    const removed: string[] = [];
    const paths = [...found.keys()];
    const parseCache = this.parseCache;
    // Stat first and read only what the parse cache cannot answer; a file that changes
    // between the stat and the read is cached under the older stat, so it misses next time.
    const stats = parseCache ? await Promise.all(paths.map((p) => this.fs.stat!(p))) : undefined;
    const hits: Array<Parsed | undefined> = stats ? paths.map((p, i) => (stats[i] ? (parseCache!.get(p, stats[i]) as Parsed | undefined) : undefined)) : [];
    const texts = await Promise.all(paths.map((p, i) => (hits[i] === undefined ? this.fs.readFile(p) : undefined)));
    const touched: string[] = [];
    const previousPrdIds: string[] = [];
    paths.forEach((path, i) => {
      const stat = stats?.[i];
      const hit = hits[i];
      const text = texts[i];
      if (text === undefined && hit === undefined) {
        if (this.cache.has(path)) removed.push(path);
        return;
      }
      const previous = this.cache.get(path);
      if (hit !== undefined && previous?.stat !== undefined && sameStat(previous.stat, stat!)) return;
      if (hit === undefined && previous !== undefined && previous.text === text) {
        // Same text under a new stat (touched, or saved unchanged): keep the parse, learn the stat.
        if (stat) {
          parseCache!.set(path, stat, previous.parsed);
          this.cache.set(path, { text, stat, parsed: previous.parsed });
        }
        return;
      }
      // A PRD whose id changed is reported under its old id too, so listeners drop it.
      if (previous?.parsed.kind === 'prd') previousPrdIds.push(previous.parsed.prd.id);
      const role = found.get(path)!;
      let parsed = hit;
      if (parsed === undefined) {
        parsed = parseByRole(path, text!, role);
        if (stat) parseCache!.set(path, stat, parsed);
      }
      this.cache.set(path, { text, stat, parsed });
      this.roles.set(path, role);
      if (isFolderRole(role)) {
        let files = this.folderFiles.get(role.dir);
        if (!files) this.folderFiles.set(role.dir, (files = new Set()));
        files.add(path);
      }
      (previous ? changed : added).push(path);
      touched.push(path);
    });
    const alreadyRemoved = new Set(removed);
    for (const path of removedPaths) if (this.cache.has(path) && !alreadyRemoved.has(path)) removed.push(path);

    const epicIds = new Set<string>();
    const prdIds = new Set<string>(previousPrdIds);
    const dirty = new Set<string>();
    const note = (path: string) => {
      const role = this.roles.get(path);
      const parsed = this.cache.get(path)?.parsed;
      if (!role) return;
      if (role.kind === 'prd' || role.kind === 'tool-prd') {
        if (parsed?.kind === 'prd') prdIds.add(parsed.prd.id);
        this.prdList = undefined;
      } else if (role.kind === 'sprint') {
        this.sprintFileList = undefined;
      } else if (role.kind === 'single-epic' || role.kind === 'tool-epics') {
        dirty.add(path);
        this.fileKeys.add(path);
      } else {
        dirty.add(role.dir);
      }
    };
    for (const path of removed) {
      note(path);
      const role = this.roles.get(path);
      if (role && isFolderRole(role)) this.folderFiles.get(role.dir)?.delete(path);
      this.cache.delete(path);
      this.roles.delete(path);
    }
    for (const path of touched) note(path);

    if (dirty.size > 0) this.reassemble(dirty, epicIds);
    if (prdIds.size > 0) this.validation.clear();
    return { added, changed, removed, epics: [...epicIds].sort(), prds: [...prdIds].sort() };
  }

  /** Rebuilds the epics whose files changed; `key` is the single epic's path or the epic folder. */
  private reassemble(keys: ReadonlySet<string>, epicIds: Set<string>): void {
    type Folder = { epicFile?: ParsedEpicFile; tasks: ParsedTaskFile[]; mapping?: ParsedMappingFile; updates: ParsedUpdateFile[] };
    const byDir = new Map<string, Folder>();
    for (const key of keys) {
      if (this.fileKeys.has(key)) continue;
      const group: Folder = { tasks: [], updates: [] };
      for (const path of this.folderFiles.get(key) ?? []) {
        const parsed = this.cache.get(path)?.parsed;
        if (parsed?.kind === 'epic-md') group.epicFile = parsed.file;
        else if (parsed?.kind === 'task') group.tasks.push(parsed.file);
        else if (parsed?.kind === 'mapping') group.mapping = parsed.file;
        else if (parsed?.kind === 'update') group.updates.push(parsed.file);
      }
      // Sorted, so the file a task counts as started in does not depend on the order a folder was read in.
      group.updates.sort((a, b) => comparePaths(a.path, b.path));
      byDir.set(key, group);
    }
    for (const key of keys) {
      // A file may hold several epics (Task Master's tags), each under `<path>#<id>`.
      for (const epicKey of this.fileEpicKeys.get(key) ?? [key]) {
        const old = this.epics.get(epicKey);
        if (old) epicIds.add(old.id);
        this.epics.delete(epicKey);
        this.epicDiagnostics.delete(epicKey);
        this.analyses.delete(epicKey);
        this.validation.delete(epicKey);
      }
      this.fileEpicKeys.delete(key);
      if (this.fileKeys.has(key)) {
        const parsed = this.cache.get(key)?.parsed;
        if (parsed?.kind === 'single-epic') {
          this.epics.set(key, parsed.epic);
          this.epicDiagnostics.set(key, parsed.diagnostics);
          epicIds.add(parsed.epic.id);
        } else if (parsed?.kind === 'tool-epics') {
          const epicKeys = parsed.epics.map((epic) => epicRef(epic));
          parsed.epics.forEach((epic, i) => {
            this.epics.set(epicKeys[i], epic);
            // The file's own problems (invalid JSON, an empty file) are reported once, with its first epic.
            this.epicDiagnostics.set(epicKeys[i], i === 0 ? parsed.diagnostics : []);
            epicIds.add(epic.id);
          });
          this.fileEpicKeys.set(key, epicKeys);
          if (parsed.epics.length === 0) this.fileDiagnostics.set(key, parsed.diagnostics);
          else this.fileDiagnostics.delete(key);
        }
        if (!this.cache.has(key)) {
          this.fileKeys.delete(key);
          this.fileDiagnostics.delete(key);
        }
      } else {
        const group = byDir.get(key)!;
        if (!group.epicFile && group.tasks.length === 0) continue;
        const { epic, diagnostics } = assembleDirectoryEpic(key, group.epicFile, group.tasks, { mapping: group.mapping, updates: group.updates });
        const fileDiagnostics = [...(group.epicFile?.diagnostics ?? []), ...group.tasks.flatMap((t) => t.diagnostics)];
        this.epics.set(key, epic);
        this.epicDiagnostics.set(key, [...fileDiagnostics, ...diagnostics]);
        epicIds.add(epic.id);
      }
    }
    this.epicList = undefined;
  }

  get prds(): readonly Prd[] {
    if (!this.prdList) {
      this.prdList = [];
      for (const entry of this.cache.values()) if (entry.parsed.kind === 'prd') this.prdList.push(entry.parsed.prd);
      this.prdList.sort((a, b) => comparePaths(a.path, b.path));
    }
    return this.prdList;
  }

  /** Epics sorted by path. */
  get allEpics(): readonly Epic[] {
    if (!this.epicList) this.epicList = [...this.epics.values()].sort((a, b) => comparePaths(a.path, b.path));
    return this.epicList;
  }

  epic(id: string): Epic | undefined {
    return this.allEpics.find((e) => e.id === id);
  }

  private keyOf(epic: Epic): string {
    // Task Master's epics share one file: each is keyed by the file and its tag.
    return epic.layout === 'directory' ? epic.dir! : epicRef(epic);
  }

  analysis(epic: Epic): EpicAnalysis {
    const key = this.keyOf(epic);
    let result = this.analyses.get(key);
    if (!result || result.epic !== epic) {
      result = analyzeEpic(epic);
      this.analyses.set(key, result);
    }
    return result;
  }

  /** Analyses of every epic, in epic order. */
  allAnalyses(): EpicAnalysis[] {
    return this.allEpics.map((e) => this.analysis(e));
  }

  /** Every diagnostic: per file and per epic, sorted. */
  diagnostics(): Diagnostic[] {
    const out: Diagnostic[] = [];
    for (const entry of this.cache.values()) if (entry.parsed.kind === 'prd') out.push(...entry.parsed.diagnostics);
    for (const problems of this.fileDiagnostics.values()) out.push(...problems);
    for (const prd of this.prds) out.push(...validatePrd(prd, this.epicsOfPrd(prd)));
    for (const epic of this.allEpics) {
      const key = this.keyOf(epic);
      out.push(...(this.epicDiagnostics.get(key) ?? []));
      let checks = this.validation.get(key);
      if (!checks) {
        // Kept until the epic's file or any PRD changes (see apply), so requirements.md counts too.
        checks = [...validateEpic(this.analysis(epic), this.prds), ...this.requirementChecks(epic)];
        this.validation.set(key, checks);
      }
      out.push(...checks);
    }
    out.push(...duplicateEpicIds(this.allEpics));
    return sortDiagnostics(out);
  }

  /** A Kiro spec's references to requirements its requirements.md does not define; none when it has no requirements.md. */
  private requirementChecks(epic: Epic): Diagnostic[] {
    if (epic.layout !== 'kiro' || epic.dir === undefined) return [];
    const tasks = this.cache.get(epic.path)?.parsed;
    const refs = tasks?.kind === 'tool-epics' ? tasks.requirementRefs : undefined;
    if (refs === undefined || refs.length === 0) return [];
    const defined = this.requirementIdsIn(epic.dir);
    return defined === undefined ? [] : unknownRequirementDiagnostics(epic.path, refs, defined);
  }

  /** The requirement numbers of the requirements.md in a Kiro spec folder, however its name is cased. */
  private requirementIdsIn(dir: string): ReadonlySet<string> | undefined {
    const idsOf = (path: string) => {
      const parsed = this.cache.get(path)?.parsed;
      return parsed?.kind === 'prd' ? parsed.requirementIds : undefined;
    };
    const usual = idsOf(joinPath(dir, 'requirements.md'));
    if (usual !== undefined) return usual;
    for (const [path, role] of this.roles) if (role.kind === 'tool-prd' && role.format === 'kiro' && dirName(path) === dir) return idsOf(path);
    return undefined;
  }

  /** The epics based on a PRD. */
  epicsOfPrd(prd: Prd): Epic[] {
    return epicsOfPrd(prd, this.allEpics);
  }

  /** The parsed sprint files, sorted by path. */
  get sprintFiles(): readonly ParsedSprintFile[] {
    if (!this.sprintFileList) {
      this.sprintFileList = [];
      for (const entry of this.cache.values()) if (entry.parsed.kind === 'sprint') this.sprintFileList.push(entry.parsed.file);
      this.sprintFileList.sort((a, b) => comparePaths(a.path, b.path));
    }
    return this.sprintFileList;
  }

  /**
   * The sprints and their problems, from the sprint files and the tasks' `sprint:`
   * fields (or the epics' own dates when neither defines one). Built on first use after
   * a change to a sprint file or an epic; see src/core/sprint.ts.
   */
  get sprintPlan(): SprintPlan {
    const files = this.sprintFiles;
    const epics = this.allEpics;
    if (!this.sprintCache || this.sprintCache.files !== files || this.sprintCache.epics !== epics) {
      this.sprintCache = { files, epics, plan: buildSprintPlan(files, epics) };
    }
    return this.sprintCache.plan;
  }

  /** The sprints, by start date then id. */
  get sprints(): readonly Sprint[] {
    return this.sprintPlan.sprints;
  }

  /** The plan roots, as the index reads them (tidied). */
  get planRoots(): readonly string[] {
    return this.roots;
  }

  /** Every plan file the index holds, relative to the workspace. */
  get files(): readonly string[] {
    return [...this.cache.keys()].sort();
  }

  documents(): PlanDocuments {
    return { prds: this.prds, epics: this.allEpics, diagnostics: this.diagnostics() };
  }
}

function parseByRole(path: string, text: string, role: FileRole): Parsed {
  switch (role.kind) {
    case 'prd': {
      const { prd, diagnostics } = parsePrd(path, text);
      return { kind: 'prd', prd, diagnostics };
    }
    case 'single-epic': {
      const { epic, diagnostics } = parseSingleFileEpic(path, text);
      return { kind: 'single-epic', epic, diagnostics };
    }
    case 'epic-md':
      return { kind: 'epic-md', dir: role.dir, file: parseEpicFile(path, text) };
    case 'task':
      return { kind: 'task', dir: role.dir, file: parseTaskFile(path, text) };
    case 'mapping':
      return { kind: 'mapping', dir: role.dir, file: parseMappingFile(path, text) };
    case 'update':
      return { kind: 'update', dir: role.dir, file: updateFileOf(path) };
    case 'sprint':
      return { kind: 'sprint', file: parseSprintFile(path, text) };
    case 'tool-prd': {
      if (role.format === 'kiro') {
        const { prd, diagnostics } = parseKiroRequirements(path, text);
        return { kind: 'prd', prd, diagnostics, requirementIds: kiroRequirementIds(text) };
      }
      const { prd, diagnostics } = parseSpecKitSpec(path, text);
      return { kind: 'prd', prd, diagnostics };
    }
    case 'tool-epics':
      return parseToolEpics(path, text, role.format);
  }
}

function parseToolEpics(path: string, text: string, format: ToolFormat): Parsed {
  if (format === 'taskmaster') {
    const { epics, diagnostics } = parseTaskMasterFile(path, text);
    return { kind: 'tool-epics', epics, diagnostics };
  }
  // A `specs/<name>/tasks.md` without Spec Kit's task lines belongs to some other tool.
  if (format === 'spec-kit' && !isSpecKitTasks(text)) return { kind: 'tool-epics', epics: [], diagnostics: [] };
  if (format === 'kiro') {
    const { epic, diagnostics } = parseKiroTasks(path, text);
    return { kind: 'tool-epics', epics: [epic], diagnostics, requirementRefs: kiroRequirementRefs(text, epic.tasks) };
  }
  const { epic, diagnostics } = parseSpecKitTasks(path, text);
  return { kind: 'tool-epics', epics: [epic], diagnostics };
}

/**
 * Two epics of one folder with one id (a single-file epic and a directory epic of the
 * same name, two Task Master files with a `master` tag): sprint lists and the command
 * line name tasks `id:task`, which cannot tell them apart, so each later one says so.
 */
function duplicateEpicIds(epics: readonly Epic[]): Diagnostic[] {
  const first = new Map<string, Epic>();
  const out: Diagnostic[] = [];
  for (const epic of epics) {
    const earlier = first.get(epic.id);
    if (!earlier) {
      first.set(epic.id, epic);
      continue;
    }
    out.push(
      diagnostic(epic.path, epic.range, 'warning', 'epic-duplicate-id', `Epic id "${epic.id}" is also the id of ${epicRef(earlier)}. Sprint lists (${epic.id}:T1) mean the first of the two; on the command line, name this one by its file (${epicRef(epic)}).`),
    );
  }
  return out;
}
