import { execFile, spawn } from 'node:child_process';
import type { FileHistory, FileVersion, PlanHistory } from '../core/history';

/**
 * The versions of a workspace folder's plan files, from git, for the CLI's reports.
 *
 * Two processes whatever the size of the history: one `git log` lists the commits that
 * touched the plan folders and the files each changed; one `git cat-file --batch` reads
 * every version's text. The history followed is the first-parent one (what landed on
 * the current branch, dated by the commit that landed it), since a task done on a side
 * branch is done for the plan when it is merged. Renames are not followed: a file renamed
 * by a sync (`001.md` → `1234.md`) is one file deleted and another created, which the
 * replay (src/core/history.ts) joins again through the task's issue.
 */

export interface GitHistoryOptions {
  /** The git executable; `git` on the PATH by default. */
  readonly git?: string;
  /** Which paths to read the versions of; every `.md` file under the roots by default. */
  readonly include?: (path: string) => boolean;
  /** The newest commits only, at most this many (default 5000), so a long history stays quick to read. */
  readonly maxCommits?: number;
}

const RECORD = '\x1e';
const BUFFER = 1024 * 1024 * 512;

function run(git: string, args: readonly string[], cwd: string): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    execFile(git, [...args], { cwd, encoding: 'buffer', maxBuffer: BUFFER, env: gitEnvironment() }, (error, stdout) => resolve(error ? undefined : stdout));
  });
}

function gitEnvironment(): NodeJS.ProcessEnv {
  // No prompt for credentials, no pager, and messages in one language whatever the user's.
  return { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', LC_ALL: 'C' };
}

interface Commit {
  readonly hash: string;
  readonly date: string;
  readonly paths: readonly string[];
}

function parseLog(output: string): Commit[] {
  const commits: Commit[] = [];
  for (const record of output.split(RECORD)) {
    if (record === '') continue;
    const end = record.indexOf('\0');
    const header = end === -1 ? record : record.slice(0, end);
    const space = header.indexOf(' ');
    if (space === -1) continue;
    const paths = end === -1 ? [] : record.slice(end + 1).split('\0').map((p) => p.replace(/^\n/, '')).filter((p) => p !== '');
    commits.push({ hash: header.slice(0, space), date: header.slice(space + 1).trim(), paths });
  }
  return commits;
}

/** Reads `<commit>:./<path>` objects through one `git cat-file --batch`; null for a path the commit does not have. */
function readBlobs(git: string, cwd: string, specs: readonly string[]): Promise<Array<string | null> | undefined> {
  return new Promise((resolve) => {
    if (specs.length === 0) {
      resolve([]);
      return;
    }
    const child = spawn(git, ['cat-file', '--batch'], { cwd, env: gitEnvironment(), stdio: ['pipe', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', () => resolve(undefined));
    child.stdin.on('error', () => {
      // The process died early; its exit code says so below.
    });
    child.on('close', (code) => {
      if (code !== 0) {
        resolve(undefined);
        return;
      }
      const out = Buffer.concat(chunks);
      const texts: Array<string | null> = [];
      let pos = 0;
      for (let i = 0; i < specs.length; i++) {
        const nl = out.indexOf(10, pos);
        if (nl === -1) {
          resolve(undefined);
          return;
        }
        const header = out.toString('utf8', pos, nl);
        pos = nl + 1;
        const match = /^[0-9a-f]+ (\w+) (\d+)$/.exec(header);
        if (!match) {
          // `<spec> missing`: the file is not in that commit (deleted by it).
          texts.push(null);
          continue;
        }
        const size = Number(match[2]);
        texts.push(match[1] === 'blob' ? out.toString('utf8', pos, pos + size) : null);
        pos += size + 1;
      }
      resolve(texts);
    });
    child.stdin.end(specs.map((s) => s + '\n').join(''));
  });
}

/**
 * The versions of the plan files under `roots` (relative to `dir`), oldest first, with
 * paths relative to `dir`. Undefined when `dir` is not in a git repository, git is not
 * installed, or git fails: callers then fall back to the dates in the files. Files with
 * a line break in their name are left out (cat-file's batch input is one name a line).
 */
export async function readGitHistory(dir: string, roots: readonly string[], options: GitHistoryOptions = {}): Promise<PlanHistory | undefined> {
  const git = options.git ?? 'git';
  const inside = await run(git, ['rev-parse', '--is-inside-work-tree'], dir);
  if (!inside || inside.toString('utf8').trim() !== 'true') return undefined;
  // A repository with no commit yet has no history, but is not an error.
  const head = await run(git, ['rev-parse', '--verify', '--quiet', 'HEAD'], dir);
  if (!head) return { files: [], commits: [] };
  const log = await run(
    git,
    [
      '-c', 'log.showSignature=false',
      'log', '--first-parent', '-m', '--no-renames', '--relative', `--max-count=${options.maxCommits ?? 5000}`,
      `--format=${RECORD}%H %cI`, '--name-only', '-z', '--', ...roots,
    ],
    dir,
  );
  if (!log) return undefined;
  const include = options.include ?? ((path: string) => path.endsWith('.md'));
  // git log lists the newest commit first.
  const commits = parseLog(log.toString('utf8')).reverse();
  const wanted: Array<{ commit: Commit; path: string }> = [];
  for (const commit of commits) {
    for (const path of commit.paths) if (!path.includes('\n') && include(path)) wanted.push({ commit, path });
  }
  const texts = await readBlobs(git, dir, wanted.map((w) => `${w.commit.hash}:./${w.path}`));
  if (!texts) return undefined;
  const byPath = new Map<string, FileVersion[]>();
  wanted.forEach(({ commit, path }, i) => {
    let versions = byPath.get(path);
    if (!versions) byPath.set(path, (versions = []));
    versions.push({ date: commit.date, text: texts[i], commit: commit.hash });
  });
  const files: FileHistory[] = [...byPath].map(([path, versions]) => ({ path, versions }));
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, commits: commits.map((c) => c.hash) };
}
