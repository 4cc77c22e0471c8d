/**
 * `autopm report`: the project report, or one epic's, as markdown or JSON, from the same
 * core the extension's report views use. With git history when the folder is in a
 * repository; with the dates the files carry otherwise.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { IsoDay } from './core/burndown';
import { buildTaskHistory } from './core/history';
import type { Epic } from './core/model';
import type { PlanIndex } from './core/planIndex';
import { DEFAULT_PLAN_ROOTS } from './core/planIndex';
import { buildEpicReport, buildProjectReport } from './core/report';
import { epicReportMarkdown, projectReportMarkdown } from './core/reportMarkdown';
import { readGitHistory } from './services/nodeGitHistory';

export interface ReportIo {
  out(text: string): void;
  err(text: string): void;
}

export interface ReportCommandOptions {
  /** An epic id (or a prefix of one): its report instead of the project's. */
  readonly epic?: string;
  /** `markdown` (the default) or `json`. */
  readonly format?: string;
  /** The plan folders the index was built over. */
  readonly roots?: readonly string[];
  /** Whether to read git history (default true); off, file dates alone are used. */
  readonly git?: boolean;
  /** The last day of the burndown; today (UTC) by default. */
  readonly today?: IsoDay;
  /** The git executable, for tests. */
  readonly gitPath?: string;
}

function findEpic(epics: readonly Epic[], id: string): Epic | string {
  const lower = id.toLowerCase();
  const exact = epics.find((e) => e.id === id) ?? epics.find((e) => e.id.toLowerCase() === lower);
  if (exact) return exact;
  const byPrefix = epics.filter((e) => e.id.toLowerCase().startsWith(lower + '-'));
  if (byPrefix.length === 1) return byPrefix[0];
  if (byPrefix.length > 1) return `"${id}" matches several epics: ${byPrefix.map((e) => e.id).join(', ')}.`;
  return `No epic "${id}". Epics: ${epics.map((e) => e.id).join(', ') || 'none'}.`;
}

function readText(dir: string, path: string): string | undefined {
  try {
    return readFileSync(join(dir, path), 'utf8');
  } catch {
    return undefined;
  }
}

/** Lines as an editor counts them: a last line without a line break counts, an empty file has none. */
function countLines(text: string): number {
  if (text === '') return 0;
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return text.endsWith('\n') ? n - 1 : n;
}

/**
 * Prints the report. Returns the exit code: 0, or 2 for an unknown epic or format (the
 * message goes to `err`).
 */
export async function reportCommand(index: PlanIndex, dir: string, options: ReportCommandOptions, io: ReportIo): Promise<number> {
  const format = options.format ?? 'markdown';
  if (format !== 'markdown' && format !== 'json') {
    io.err(`autopm: Unknown format "${format}": use markdown or json.`);
    return 2;
  }
  const epics = index.allEpics;
  let epic: Epic | undefined;
  if (options.epic !== undefined) {
    const found = findEpic(epics, options.epic);
    if (typeof found === 'string') {
      io.err(`autopm: ${found}`);
      return 2;
    }
    epic = found;
  }
  const roots = options.roots ?? DEFAULT_PLAN_ROOTS;
  const texts = new Map<string, string | undefined>();
  const text = (path: string) => {
    if (!texts.has(path)) texts.set(path, readText(dir, path));
    return texts.get(path);
  };
  const modified = (path: string) => {
    try {
      const stats = statSync(join(dir, path), { throwIfNoEntry: false });
      return stats?.isFile() ? stats.mtime.toISOString() : undefined;
    } catch {
      return undefined;
    }
  };
  const gitHistory = options.git === false ? undefined : await readGitHistory(dir, roots, { git: options.gitPath, include: (p) => index.roleOf(p) !== undefined });
  const history = await buildTaskHistory({ epics, history: gitHistory, fileDates: { readText: text, modified }, roots });
  // The CLI is the edge where the clock may be read; the core is given the day.
  const today = options.today ?? new Date().toISOString().slice(0, 10);

  if (epic) {
    const report = buildEpicReport(epic, { prds: index.prds, analysis: index.analysis(epic), history, today });
    io.out(format === 'json' ? JSON.stringify(report, null, 2) : epicReportMarkdown(report).trimEnd());
    return 0;
  }
  const report = buildProjectReport(
    { prds: index.prds, epics },
    {
      analysis: (e) => index.analysis(e),
      readText: text,
      fileInfo: (path) => {
        const content = text(path);
        return content === undefined ? undefined : { bytes: Buffer.byteLength(content, 'utf8'), lines: countLines(content) };
      },
      history,
      today,
    },
  );
  io.out(format === 'json' ? JSON.stringify(report, null, 2) : projectReportMarkdown(report).trimEnd());
  return 0;
}
