/**
 * `autopm standup`: done since the last working day, in progress, blocked and next, as
 * markdown to paste or as JSON. Completion dates come from the git history of the plan
 * files when the folder is in a repository (uncommitted changes dated by the files), and
 * from the dates the task files carry otherwise.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildTaskHistory } from './core/history';
import type { PlanIndex } from './core/planIndex';
import { DEFAULT_PLAN_ROOTS } from './core/planIndex';
import { localIsoDate, readIsoDate } from './core/sprint';
import { buildStandup, standupMarkdown } from './core/standup';
import { readGitHistory } from './services/nodeGitHistory';

export interface StandupIo {
  out(text: string): void;
  err(text: string): void;
}

export interface StandupCommandOptions {
  readonly json?: boolean;
  /** `YYYY-MM-DD`; the local date by default. */
  readonly today?: string;
  /** The plan folders the index was built over. */
  readonly roots?: readonly string[];
  /** Whether to read git history (default true); off, file dates alone are used. */
  readonly git?: boolean;
  /** The git executable, for tests. */
  readonly gitPath?: string;
}

function readText(dir: string, path: string): string | undefined {
  try {
    return readFileSync(join(dir, path), 'utf8');
  } catch {
    return undefined;
  }
}

function modified(dir: string, path: string): string | undefined {
  try {
    const stats = statSync(join(dir, path), { throwIfNoEntry: false });
    return stats?.isFile() ? stats.mtime.toISOString() : undefined;
  } catch {
    return undefined;
  }
}

/** Prints the standup. Returns the exit code: 0, or 2 for a `--today` that is not a date (the message goes to `err`). */
export async function standupCommand(index: PlanIndex, dir: string, options: StandupCommandOptions, io: StandupIo): Promise<number> {
  let today: string;
  if (options.today !== undefined) {
    const day = readIsoDate(options.today);
    if (day === undefined) {
      io.err(`autopm: --today "${options.today}" is not a date: write it as YYYY-MM-DD (2026-03-09).`);
      return 2;
    }
    today = day;
  } else {
    // The CLI is the edge where the clock may be read; "today" is the person's local day.
    today = localIsoDate(new Date());
  }
  const roots = options.roots ?? DEFAULT_PLAN_ROOTS;
  const epics = index.allEpics;
  const texts = new Map<string, string | undefined>();
  const text = (path: string) => {
    if (!texts.has(path)) texts.set(path, readText(dir, path));
    return texts.get(path);
  };
  const gitHistory = options.git === false ? undefined : await readGitHistory(dir, roots, { git: options.gitPath, include: (p) => index.roleOf(p) !== undefined });
  // A repository where the plan was never committed has no history to read.
  const hasHistory = gitHistory !== undefined && gitHistory.files.length > 0;
  // With a history, modification times date only what the last commit does not explain
  // (uncommitted changes, which are recent). Without one they would date every task of a
  // single-file epic by its last edit, so the file dates are the frontmatter's alone.
  const events = hasHistory
    ? (await buildTaskHistory({ epics, history: gitHistory, fileDates: { readText: text, modified: (p) => modified(dir, p) }, roots })).events
    : undefined;
  const model = buildStandup({ epics, analysis: (e) => index.analysis(e), events, readText: text, today });
  io.out(options.json ? JSON.stringify(model, null, 2) : standupMarkdown(model).trimEnd());
  return 0;
}
