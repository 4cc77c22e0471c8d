/**
 * `autopm`: the plan model on the command line. Reads the plan files of a folder,
 * prints status, the next task, diagnostics and graphs, and sets task states.
 */
import { readFileSync, writeFileSync, renameSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { access } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { nextTask, readyTasks } from './core/analysis';
import type { PlanChange } from './core/edits';
import { applyEdits, isoNow, PlanEditError, setTaskStateChange } from './core/edits';
import { epicGraphJson, epicGraphMermaid } from './core/mermaid';
import type { Epic, PlanState, TaskState } from './core/model';
import { epicRef } from './core/model';
import { resolveTaskRef } from './core/parse/directoryParser';
import { DEFAULT_PLAN_ROOTS, PlanIndex } from './core/planIndex';
import { epicProgress, prdProgress, stateOfTasks } from './core/progress';
import { planStateLabel } from './core/status';
import { statusConflict } from './core/validate';
import type { OtherFormat } from './core/detectFormat';
import { detectOtherFormat } from './core/detectFormat';
import { NodePlanFileSystem } from './services/nodePlanFileSystem';
import { validateFixCommand } from './cliFix';
import { reportCommand } from './cliReport';
import { standupCommand } from './cliStandup';
import { sprintCommand, SprintUsageError } from './cliSprint';
import { importCommand, importSource, pullCommand, syncCommand, SyncUsageError } from './cliSync';
import { ClaudeUsageError, decomposeCommand } from './cliClaude';
import { buildKeyOf, cacheDisabledByEnvironment, defaultCacheDirectory, DiskParseCache } from './services/parseCache';

const USAGE = `Usage: autopm <command> [options]

Commands:
  status [dir] [--json]                 PRDs and epics with counts and progress
  next [dir] [--json]                   the recommended task and why, and the ready set
  validate [dir] [--json]               problems in the plan files (exit 1 on errors)
  validate [dir] --fix [--dry-run]      fixes every problem that has one safe answer, shows the diff,
                                        lists the fixes that need a choice (exit 1 while errors remain)
  graph <epic> [dir] [--format mermaid|json]
                                        an epic's dependency graph
  set-status <epic>:<task> <open|in-progress|done> [dir]
                                        set a task's state in its file(s)
  sprint [dir] [--json] [--sprint <id>] [--today <date>]
                                        the current sprint: done, remaining, blocked, at risk
  report [dir] [--epic <id>] [--format markdown|json]
                                        the project report, or one epic's, with a burndown
                                        from git history when the folder is a repository
  standup [dir] [--json] [--today <date>]
                                        done since the last working day, in progress, blocked
                                        and next, as markdown to paste
  sync <epic> [dir] [--repo owner/name] [--api-url URL] [--dry-run] [--json] [--verbose]
                                        push an epic and its tasks to GitHub issues, with
                                        sub-issues and dependencies; the token comes from
                                        GITHUB_TOKEN; run it again to resume after a failure
  pull [dir] [--repo owner/name] [--api-url URL] [--json] [--verbose]
                                        issue states from GitHub into every synced epic;
                                        exit 1 when a task changed on both sides
  import <issue-number> [dir] | import [dir] --label <name> | import [dir] --milestone <m>
         [--repo owner/name] [--api-url URL] [--json]
                                        an epic issue and its sub-issues, or issues by label
                                        or milestone, as a new epic with their dependencies
  decompose <prd-path> [dir] [--api-url URL] [--model ID] [--layout single-file|directory]
            [--max-tasks N] [--json] [--verbose]
                                        Claude breaks a PRD down into an epic, checked before
                                        anything is written; the key comes from ANTHROPIC_API_KEY

Options:
  --roots <a,b,...>  plan folders, relative to dir (default: ${DEFAULT_PLAN_ROOTS.join(',')})
  --no-cache         parse every file, ignoring the parse cache (or AUTOPM_CACHE=off)
  -h, --help         show this help
  -v, --version      show the version`;

class UsageError extends Error {}

interface Io {
  out(text: string): void;
  err(text: string): void;
}

async function loadIndex(dir: string, roots: readonly string[], useCache: boolean): Promise<PlanIndex> {
  if (!existsSync(dir)) throw new UsageError(`No such folder: ${dir}`);
  const parseCache = useCache ? openParseCache(dir, roots) : undefined;
  const index = new PlanIndex(new NodePlanFileSystem(dir), roots, { parseCache });
  await index.build();
  parseCache?.save();
  return index;
}

/**
 * The parse cache of a workspace folder. Every run starts cold, and most files are the
 * same as last time: trusting their size and modification time spares reading and
 * parsing them.
 */
function openParseCache(dir: string, roots: readonly string[]): DiskParseCache | undefined {
  // The key is the bundle's own file, which every build rewrites. Run from source (no
  // bundle), a change to any parser would leave that key as it was.
  if (cacheDisabledByEnvironment() || typeof AUTOPM_VERSION !== 'string') return undefined;
  const build = buildKeyOf(__filename);
  if (build === undefined) return undefined;
  return new DiskParseCache({ workspace: dir, roots, build, directory: defaultCacheDirectory() });
}

function findEpic(index: PlanIndex, id: string): Epic {
  const epics = index.allEpics;
  // An epic's file (with `#<tag>` for a Task Master tag) names it when its id does not.
  const byRef = epics.find((e) => epicRef(e) === id || (e.path === id && e.layout !== 'taskmaster'));
  if (byRef) return byRef;
  let same = epics.filter((e) => e.id === id);
  if (same.length === 0) same = epics.filter((e) => e.id.toLowerCase() === id.toLowerCase());
  // Two files may hold epics of one id (every tasks.json has a `master`): never guess which.
  if (same.length > 1) throw new UsageError(`"${id}" names several epics: ${same.map((e) => epicRef(e)).join(', ')}. Name one by its file instead.`);
  if (same.length === 1) return same[0];
  const byPrefix = epics.filter((e) => e.id.toLowerCase().startsWith(id.toLowerCase() + '-'));
  if (byPrefix.length === 1) return byPrefix[0];
  if (byPrefix.length > 1) throw new UsageError(`"${id}" matches several epics: ${byPrefix.map((e) => e.id).join(', ')}.`);
  const known = epics.map((e) => e.id).join(', ') || 'none';
  throw new UsageError(`No epic "${id}". Epics: ${known}.`);
}

/** Aligned columns for a terminal. */
function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ').trimEnd());
}

/** The status as written, and what the tasks say when they contradict it: `completed (tasks: in progress)`. */
function statusCell(plan: { status: string | null; tasksState: PlanState | null; statusConflict: string | null }): string {
  const status = plan.status ?? '-';
  return plan.statusConflict !== null && plan.tasksState !== null ? `${status} (tasks: ${planStateLabel(plan.tasksState)})` : status;
}

function pathExists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

function statusCommand(index: PlanIndex, roots: readonly string[], json: boolean, io: Io, other?: OtherFormat): number {
  const analyses = index.allAnalyses();
  const prds = index.prds.map((prd) => {
    const progress = prdProgress(prd, index.allEpics);
    return {
      id: prd.id,
      title: prd.title,
      status: prd.status ?? null,
      state: prd.state,
      tasksState: progress.total > 0 ? stateOfTasks(progress) : null,
      statusConflict: statusConflict(prd, progress) ?? null,
      path: prd.path,
      progress: progress.percent,
      done: progress.done,
      total: progress.total,
      epics: progress.epicIds,
    };
  });
  const epics = analyses.map((analysis) => {
    const { epic } = analysis;
    const progress = epicProgress(epic);
    return {
      id: epic.id,
      title: epic.title,
      status: epic.status ?? null,
      state: epic.state,
      tasksState: analysis.tasksState,
      statusConflict: statusConflict(epic, analysis.counts) ?? null,
      layout: epic.layout,
      path: epic.path,
      prd: epic.prd ?? null,
      progress: progress.percent,
      counts: analysis.counts,
      groups: progress.groups.map((g) => ({ name: g.name, done: g.done, total: g.total, progress: g.percent })),
      milestones: progress.milestones.map((m) => ({
        id: m.id,
        title: m.title,
        when: m.when ?? null,
        tasks: m.taskIds,
        done: m.done,
        total: m.total,
        progress: m.total === 0 ? null : m.percent,
      })),
    };
  });
  if (json) {
    io.out(JSON.stringify({ prds, epics }, null, 2));
    return 0;
  }
  if (prds.length === 0 && epics.length === 0) {
    io.out(`No plans found. AutoPM looks in: ${roots.join(', ')}.${other ? `\n${other.message}` : ''}`);
    return 0;
  }
  const lines: string[] = [];
  if (prds.length > 0) {
    lines.push('PRDs');
    const rows = prds.map((p) => {
      const counted = p.total > 0;
      return ['  ' + p.id, p.title, statusCell(p), counted ? `${p.done}/${p.total}` : '', counted ? `${p.progress}%` : ''];
    });
    lines.push(...table(rows));
  }
  if (epics.length > 0) {
    if (lines.length > 0) lines.push('');
    lines.push('Epics');
    lines.push(
      ...table(
        epics.map((e) => [
          '  ' + e.id,
          e.title,
          statusCell(e),
          `${e.counts.done}/${e.counts.total}`,
          `${e.progress}%`,
          `ready ${e.counts.ready}`,
          `in progress ${e.counts.inProgress}`,
          `blocked ${e.counts.blocked}`,
        ]),
      ),
    );
  }
  io.out(lines.join('\n'));
  return 0;
}

function nextCommand(index: PlanIndex, json: boolean, io: Io): number {
  const analyses = index.allAnalyses();
  const next = nextTask(analyses);
  const ready = readyTasks(analyses);
  const inProgress = analyses.reduce((n, a) => n + a.counts.inProgress, 0);
  const blocked = analyses.reduce((n, a) => n + a.counts.blocked, 0);
  const reason = next
    ? next.reason
    : `Nothing is ready: ${blocked} blocked, ${inProgress} in progress.`;
  if (json) {
    io.out(
      JSON.stringify(
        {
          task: next
            ? {
                epic: next.epic.id,
                id: next.task.task.id,
                title: next.task.task.title,
                path: next.task.task.path,
                line: next.task.task.range.line + 1,
              }
            : null,
          reason,
          ready: ready.map((r) => ({ epic: r.epic.id, id: r.task.task.id })),
        },
        null,
        2,
      ),
    );
    return 0;
  }
  if (!next) {
    io.out(reason);
    return 0;
  }
  const t = next.task.task;
  const lines = [`Next: ${t.id} ${t.title}  (${next.epic.id})`, `  ${t.path}:${t.range.line + 1}`, `  ${reason}`];
  if (ready.length > 1) {
    lines.push('', `Ready (${ready.length}):`);
    lines.push(...table(ready.map((r) => ['  ' + r.epic.id, r.task.task.id, r.task.task.title])));
  }
  io.out(lines.join('\n'));
  return 0;
}

function validateCommand(index: PlanIndex, json: boolean, io: Io): number {
  const diagnostics = index.diagnostics();
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  if (json) {
    io.out(
      JSON.stringify(
        {
          diagnostics: diagnostics.map((d) => ({
            path: d.path,
            line: d.range.line + 1,
            column: d.range.column + 1,
            severity: d.severity,
            code: d.code,
            message: d.message,
          })),
        },
        null,
        2,
      ),
    );
  } else if (diagnostics.length === 0) {
    io.out(`No problems in ${index.files.length} plan files.`);
  } else {
    for (const d of diagnostics) {
      io.out(`${d.path}:${d.range.line + 1}:${d.range.column + 1}  ${d.severity.padEnd(7)}  ${d.message}  [${d.code}]`);
    }
    const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
    io.out(`\n${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}, ${diagnostics.length - errors - warnings} info.`);
  }
  return errors > 0 ? 1 : 0;
}

function graphCommand(index: PlanIndex, epicId: string, format: string, io: Io): number {
  const analysis = index.analysis(findEpic(index, epicId));
  if (format === 'json') io.out(JSON.stringify(epicGraphJson(analysis), null, 2));
  else if (format === 'mermaid') io.out(epicGraphMermaid(analysis).trimEnd());
  else throw new UsageError(`Unknown format "${format}": use mermaid or json.`);
  return 0;
}

const STATES: Readonly<Record<string, TaskState>> = { open: 'open', 'in-progress': 'in-progress', done: 'done' };

/** Writes a change to disk: edits first, then new files, then renames. */
export function writeChange(dir: string, change: PlanChange): void {
  for (const fileEdit of change.edits) {
    const file = join(dir, fileEdit.path);
    writeFileSync(file, applyEdits(readFileSync(file, 'utf8'), fileEdit.edits));
  }
  for (const create of change.creates) writeFileSync(join(dir, create.path), create.text, { flag: 'wx' });
  for (const rename of change.renames) renameSync(join(dir, rename.from), join(dir, rename.to));
}

function setStatusCommand(index: PlanIndex, dir: string, target: string, stateName: string, io: Io): number {
  const colon = target.lastIndexOf(':');
  if (colon <= 0 || colon === target.length - 1) throw new UsageError(`Expected <epic>:<task>, got "${target}".`);
  const state = STATES[stateName];
  if (!state) throw new UsageError(`Unknown state "${stateName}": use open, in-progress or done.`);
  const epic = findEpic(index, target.slice(0, colon));
  const taskRef = target.slice(colon + 1);
  // `T3`, `t3` or `3` in the single-file layout; `001`, `1` or `#1234` in the directory layout.
  const resolved = resolveTaskRef(taskRef, epic.tasks, epic.renumbered);
  const task =
    epic.tasks.find((t) => t.id === taskRef) ??
    epic.tasks.find((t) => t.id.toLowerCase() === taskRef.toLowerCase() || t.id === `T${taskRef}`) ??
    epic.tasks.find((t) => t.id === resolved);
  if (!task) throw new UsageError(`Epic ${epic.id} has no task "${taskRef}". Tasks: ${epic.tasks.map((t) => t.id).join(', ')}.`);
  const change = setTaskStateChange(epic, task.id, state, (path) => readFileSync(join(dir, path), 'utf8'), isoNow());
  writeChange(dir, change);
  const files = change.edits.map((e) => e.path);
  io.out(
    files.length === 0
      ? `${epic.id}:${task.id} is already ${state}.`
      : `${epic.id}:${task.id} ${task.state} → ${state}  (${files.join(', ')})`,
  );
  return 0;
}

export async function main(argv: readonly string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        format: { type: 'string', default: 'mermaid' },
        roots: { type: 'string' },
        'no-cache': { type: 'boolean', default: false },
        sprint: { type: 'string' },
        epic: { type: 'string' },
        today: { type: 'string' },
        repo: { type: 'string' },
        'api-url': { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        fix: { type: 'boolean', default: false },
        verbose: { type: 'boolean', default: false },
        label: { type: 'string' },
        milestone: { type: 'string' },
        model: { type: 'string' },
        layout: { type: 'string' },
        'max-tasks': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', short: 'v', default: false },
      },
    });
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.version) {
    io.out(VERSION);
    return 0;
  }
  const [command, ...args] = positionals;
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  if (!command) {
    io.err(USAGE);
    return 2;
  }
  const roots = values.roots ? values.roots.split(',').map((r) => r.trim()).filter(Boolean) : DEFAULT_PLAN_ROOTS;
  const useCache = !values['no-cache'];
  // What sync, pull and import take from the options and the environment alike.
  const github = { repo: values.repo, apiUrl: values['api-url'], json: values.json, verbose: values.verbose, version: VERSION, env: process.env };
  try {
    switch (command) {
      case 'status':
      case 'next':
      case 'validate': {
        const dir = resolve(args[0] ?? '.');
        const index = await loadIndex(dir, roots, useCache);
        if (command === 'status') {
          const empty = index.allEpics.length === 0 && index.prds.length === 0;
          const other = empty ? await detectOtherFormat((path) => pathExists(join(dir, path)), roots) : undefined;
          return statusCommand(index, roots, values.json, io, other);
        }
        if (command === 'next') return nextCommand(index, values.json, io);
        if (values.fix) return validateFixCommand(dir, roots, { dryRun: values['dry-run'], json: values.json }, io);
        return validateCommand(index, values.json, io);
      }
      case 'graph': {
        if (!args[0]) throw new UsageError('graph needs an epic id.');
        const dir = resolve(args[1] ?? '.');
        return graphCommand(await loadIndex(dir, roots, useCache), args[0], values.json ? 'json' : values.format, io);
      }
      case 'set-status': {
        if (!args[0] || !args[1]) throw new UsageError('set-status needs <epic>:<task> and a state.');
        const dir = resolve(args[2] ?? '.');
        return setStatusCommand(await loadIndex(dir, roots, useCache), dir, args[0], args[1], io);
      }
      case 'sprint': {
        const dir = resolve(args[0] ?? '.');
        const index = await loadIndex(dir, roots, useCache);
        const readText = (path: string) => (existsSync(join(dir, path)) ? readFileSync(join(dir, path), 'utf8') : undefined);
        return sprintCommand(index, { json: values.json, sprint: values.sprint, today: values.today, readText }, io);
      }
      case 'report': {
        const dir = resolve(args[0] ?? '.');
        // --format defaults to mermaid for graphs; a report defaults to markdown.
        const format = argv.includes('--format') || argv.some((a) => a.startsWith('--format=')) ? values.format : values.json ? 'json' : 'markdown';
        return reportCommand(await loadIndex(dir, roots, useCache), dir, { epic: values.epic, format, roots, today: values.today }, io);
      }
      case 'standup': {
        const dir = resolve(args[0] ?? '.');
        return standupCommand(await loadIndex(dir, roots, useCache), dir, { json: values.json, today: values.today, roots }, io);
      }
      case 'sync': {
        if (!args[0]) throw new UsageError('sync needs an epic id.');
        const dir = resolve(args[1] ?? '.');
        // The engine re-reads files after every write, so the cache would only be in the way.
        const index = await loadIndex(dir, roots, false);
        const epic = findEpic(index, args[0]);
        return await interruptible((signal) => syncCommand(index, dir, { ...github, epic, dryRun: values['dry-run'], signal }, io));
      }
      case 'pull': {
        const dir = resolve(args[0] ?? '.');
        const index = await loadIndex(dir, roots, false);
        return await interruptible((signal) => pullCommand(index, dir, { ...github, signal }, io));
      }
      case 'import': {
        // `import 12 [dir]`, or `import [dir] --label x`: a first positional of digits is the issue.
        const issue = args[0] !== undefined && /^#?\d+$/.test(args[0]) ? args[0] : undefined;
        const source = importSource(issue, values.label, values.milestone);
        const dir = resolve((issue !== undefined ? args[1] : args[0]) ?? '.');
        const index = await loadIndex(dir, roots, false);
        return await interruptible((signal) => importCommand(index, dir, { ...github, source, signal }, io));
      }
      case 'decompose': {
        if (!args[0]) throw new UsageError('decompose needs the path of a PRD.');
        const dir = resolve(args[1] ?? '.');
        const index = await loadIndex(dir, roots, false);
        const options = { prdPath: args[0], apiUrl: values['api-url'], model: values.model, layout: values.layout, maxTasks: values['max-tasks'], json: values.json, verbose: values.verbose, version: VERSION, env: process.env };
        return await interruptible((signal) => decomposeCommand(index, dir, { ...options, signal }, io));
      }
      default:
        throw new UsageError(`Unknown command "${command}".`);
    }
  } catch (error) {
    if (error instanceof UsageError || error instanceof SprintUsageError || error instanceof SyncUsageError || error instanceof ClaudeUsageError) {
      io.err(`autopm: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof PlanEditError) {
      io.err(`autopm: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

/** Runs a command that talks to GitHub with a signal Ctrl+C aborts, so it stops where a rerun resumes. */
async function interruptible(run: (signal: AbortSignal) => Promise<number>): Promise<number> {
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGINT', stop);
  try {
    return await run(abort.signal);
  } finally {
    process.off('SIGINT', stop);
  }
}

declare const AUTOPM_VERSION: string | undefined;
const VERSION = typeof AUTOPM_VERSION === 'string' ? AUTOPM_VERSION : '0.0.0-dev';

if (require.main === module) {
  main(process.argv.slice(2), {
    out: (text) => process.stdout.write(text + '\n'),
    err: (text) => process.stderr.write(text + '\n'),
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`autopm: ${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
