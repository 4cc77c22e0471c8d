/**
 * Where a new epic goes and how its text is laid out so that it reads back through the
 * plan's own parsers: shared by the import of issues (sync/importPlan.ts) and the
 * decomposition of a PRD (decompose/epicFiles.ts), so that both put a new epic where the
 * workspace's epics already are and name it the same way.
 */
import type { ReadText } from './edits';
import { PlanEditError } from './edits';
import type { Diagnostic, Epic, WrittenLayout } from './model';
import { isToolFormat } from './model';
import { slugOf } from './newPrd';
import { assembleDirectoryEpic, parseEpicFile, parseTaskFile } from './parse/directoryParser';
import { parseSingleFileEpic } from './parse/singleFileEpicParser';
import { baseName, dirName, joinPath } from './text';

// ---------------------------------------------------------------------------------
// Where the epic goes

export interface NewEpicFolderInput {
  /** The layout asked for, if any. */
  readonly layout?: WrittenLayout;
  /** The plan roots, as the index reads them. */
  readonly roots: readonly string[];
  readonly epics: readonly Epic[];
  /** Roots that exist in the workspace. */
  readonly existingRoots: ReadonlySet<string>;
}

export function isClaudePath(path: string): boolean {
  return path.split('/').includes('.claude');
}

function folderOfEpic(epic: Epic): string {
  return epic.layout === 'directory' ? dirName(epic.dir ?? dirName(epic.path)) : dirName(epic.path);
}

function mostCommon<T>(values: readonly T[]): T | undefined {
  const counts = new Map<T, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: T | undefined;
  let most = 0;
  // The first value wins a tie: the order the index lists epics in is deterministic.
  for (const [v, n] of counts) if (n > most) [best, most] = [v, n];
  return best;
}

/**
 * The layout and folder of a new epic: the layout asked for, else the one most of the
 * workspace's epics use, in the folder most of them are in; in a workspace with no epics
 * yet, the first epics root that exists (`.claude/epics` means the directory layout),
 * else `.claude/epics`. Undefined when no root can hold epics.
 */
export function newEpicFolder(input: NewEpicFolderInput): { layout: WrittenLayout; folder: string } | undefined {
  const epicRoots = input.roots.filter((r) => baseName(r).toLowerCase() === 'epics');
  const layoutOfRoot = (root: string): WrittenLayout => (isClaudePath(root) ? 'directory' : 'single-file');
  // Other tools' formats are never written, so their epics say nothing of where a new one goes.
  const own = input.epics.filter((e): e is Epic & { layout: WrittenLayout } => !isToolFormat(e.layout));
  const layout = input.layout ?? mostCommon(own.map((e) => e.layout)) ?? layoutOfRoot(epicRoots.find((r) => input.existingRoots.has(r)) ?? '.claude/epics');
  const same = own.filter((e) => e.layout === layout);
  const fromEpics = mostCommon(same.map(folderOfEpic));
  if (fromEpics !== undefined) return { layout, folder: fromEpics };
  const fitting = epicRoots.filter((r) => layoutOfRoot(r) === layout);
  const folder = fitting.find((r) => input.existingRoots.has(r)) ?? fitting[0] ?? epicRoots.find((r) => input.existingRoots.has(r)) ?? epicRoots[0];
  return folder === undefined ? undefined : { layout, folder };
}

/** The new epic's id and file: the next free `epic-NNN-<slug>.md`, or a `<slug>` folder not taken (`<slug>-2`...). */
export function newEpicLocation(layout: WrittenLayout, folder: string, title: string, names: ReadonlySet<string>, takenIds: ReadonlySet<string>): { epicId: string; path: string; dir?: string } {
  const lower = new Set([...names].map((n) => n.toLowerCase()));
  const ids = new Set([...takenIds].map((n) => n.toLowerCase()));
  const slug = slugOf(title) || 'imported';
  if (layout === 'single-file') {
    // Only three-digit numbers count, as for PRDs: `epic-2024-review.md` is not epic 2024.
    const used = [...names].map((n) => /^epic-(\d{3})-/i.exec(n)?.[1]).filter((n): n is string => n !== undefined).map(Number);
    for (let n = Math.max(0, ...used) + 1; ; n++) {
      const epicId = `epic-${String(n).padStart(3, '0')}-${slug}`;
      if (!lower.has(`${epicId}.md`) && !ids.has(epicId)) return { epicId, path: joinPath(folder, `${epicId}.md`) };
    }
  }
  for (let n = 1; ; n++) {
    const epicId = n === 1 ? slug : `${slug}-${n}`;
    if (!lower.has(epicId) && !ids.has(epicId)) {
      const dir = joinPath(folder, epicId);
      return { epicId, path: joinPath(dir, 'epic.md'), dir };
    }
  }
}

// ---------------------------------------------------------------------------------
// Text the parser reads as written

/**
 * A title as a heading's text. A heading drops a closing run of `#` after a space, so a
 * title that ends in `#` gets a closing run of its own to be dropped instead.
 */
export function headingTitle(title: string): string {
  return /(^|[ \t])#+$/.test(title) ? `${title} #` : title;
}

export function indented(lines: readonly string[], by: number): string[] {
  const pad = ' '.repeat(by);
  return lines.map((l) => (l === '' ? '' : pad + l));
}

/**
 * How text is written under a single-file task line. `nested` is ordinary markdown
 * inside the list item; `deep` two spaces further, so that a heading (or a shell
 * comment in a code block) is not taken for the end of the task's text; `code` an
 * indented code block, which the parser never looks into.
 */
export type BodyForm = 'nested' | 'deep' | 'code';
export const SINGLE_FILE_FORMS: readonly BodyForm[] = ['nested', 'deep', 'code'];

export function singleFileBody(lines: readonly string[], form: BodyForm): string[] {
  if (lines.length === 0) return [];
  if (form === 'code') return ['', ...indented(lines, 6)];
  // A body that starts with prose is set apart from the task line, or it would run on
  // from the title in the rendered list.
  const lead = /^ {0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)/.test(lines[0]) ? [] : [''];
  return [...lead, ...indented(lines, form === 'nested' ? 2 : 4)];
}

/** An epic's overview as plain markdown, or as an indented code block the parser does not look into. */
export type OverviewForm = 'plain' | 'code';

export function overviewBody(lines: readonly string[], form: OverviewForm): string[] {
  return form === 'plain' ? [...lines] : indented(lines, 4);
}

// ---------------------------------------------------------------------------------
// Reading back

/** Reads the new files, failing like the file system for any other path. */
export function readerOf(files: ReadonlyMap<string, string>): ReadText {
  return (path) => {
    const text = files.get(path);
    if (text === undefined) throw new PlanEditError(`${path} does not exist.`);
    return text;
  };
}

/** The epic the new files make, as the index would read it, and what its parsers say of them. */
export function readNewEpic(layout: WrittenLayout, epicPath: string, files: ReadonlyMap<string, string>): { epic: Epic; diagnostics: Diagnostic[] } {
  if (layout === 'single-file') {
    const parsed = parseSingleFileEpic(epicPath, files.get(epicPath)!);
    return { epic: parsed.epic, diagnostics: [...parsed.diagnostics] };
  }
  const dir = dirName(epicPath);
  const taskFiles = [...files].filter(([path]) => path !== epicPath && dirName(path) === dir).map(([path, text]) => parseTaskFile(path, text));
  const epicFile = parseEpicFile(epicPath, files.get(epicPath)!);
  const assembled = assembleDirectoryEpic(dir, epicFile, taskFiles);
  return { epic: assembled.epic, diagnostics: [...epicFile.diagnostics, ...taskFiles.flatMap((f) => f.diagnostics), ...assembled.diagnostics] };
}

/** The epic the new files make, as the index would read it: the epic file, and in the directory layout the task files beside it. */
export function parseNewEpic(layout: WrittenLayout, epicPath: string, files: ReadonlyMap<string, string>): Epic {
  return readNewEpic(layout, epicPath, files).epic;
}
