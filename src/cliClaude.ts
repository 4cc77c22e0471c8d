/**
 * `autopm decompose <prd-path> [dir]`: a PRD broken down into an epic by Claude, from the
 * command line, through the same engine as the editor's "Decompose PRD into Epic". The
 * key comes from `ANTHROPIC_API_KEY` and is never printed. The answer is checked before
 * anything is written; an invalid answer or a failed call writes nothing.
 *
 * Exit codes: 0 written; 1 the answer was invalid, the call failed, or the plan could not
 * be written (nothing was); 2 usage.
 *
 * `--json` prints `{"epic": {"id", "path"}, "tasks": N}` when written, and otherwise
 * `{"epic": null, "tasks": 0, "outcome", "message", "problems": [..]}`; the outcome is
 * in both.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { DEFAULT_MAX_TASKS } from './core/claude/decomposePrompt';
import type { WrittenLayout } from './core/model';
import type { PlanIndex } from './core/planIndex';
import { decomposePrd, nodeDecomposeWorkspace } from './services/claude/decomposeEngine';
import { loadAnthropicModel } from './services/claude/loadAnthropic';
import { DEFAULT_MAX_TOKENS, DEFAULT_MODEL } from './services/claude/planModel';

export class ClaudeUsageError extends Error {}

export interface DecomposeCommandOptions {
  /** As given: relative to the current folder, or to `dir`. */
  readonly prdPath: string;
  readonly apiUrl?: string;
  readonly model?: string;
  readonly layout?: string;
  readonly maxTasks?: string;
  readonly json: boolean;
  /** Each request and retry on stderr; never the key, the PRD or the answer. */
  readonly verbose?: boolean;
  readonly version: string;
  readonly env: NodeJS.ProcessEnv;
  readonly signal?: AbortSignal;
}

interface Io {
  out(text: string): void;
  err(text: string): void;
}

/** The PRD's path relative to the workspace folder: as given from the current folder when it lies in dir, else as given from dir. */
function prdPathIn(dir: string, given: string): string {
  const fromHere = relative(dir, resolve(given));
  const inside = existsSync(resolve(given)) && !fromHere.startsWith('..') && !isAbsolute(fromHere);
  return (inside ? fromHere : given).split('\\').join('/').replace(/^\.\//, '');
}

export async function decomposeCommand(index: PlanIndex, dir: string, options: DecomposeCommandOptions, io: Io): Promise<number> {
  const layout = options.layout;
  if (layout !== undefined && layout !== 'single-file' && layout !== 'directory') throw new ClaudeUsageError(`--layout takes single-file or directory, not "${layout}".`);
  const maxTasks = options.maxTasks === undefined ? DEFAULT_MAX_TASKS : Number(options.maxTasks);
  if (!Number.isInteger(maxTasks) || maxTasks < 1) throw new ClaudeUsageError(`--max-tasks takes a whole number of at least 1, not "${options.maxTasks}".`);
  const apiKey = options.env.ANTHROPIC_API_KEY?.trim();
  if (!apiKey) throw new ClaudeUsageError('decompose needs an Anthropic API key in ANTHROPIC_API_KEY.');
  const prdPath = prdPathIn(dir, options.prdPath);
  if (!index.prds.some((p) => p.path === prdPath)) {
    throw new ClaudeUsageError(`${prdPath} is not a PRD in ${dir} (the PRDs: ${index.prds.map((p) => p.path).join(', ') || 'none'}).`);
  }
  const baseURL = options.apiUrl ?? (options.env.ANTHROPIC_BASE_URL?.trim() || undefined);
  const model = loadAnthropicModel()({ apiKey, model: options.model?.trim() || DEFAULT_MODEL, ...(baseURL ? { baseURL } : {}), version: options.version, ...(options.verbose ? { log: (line: string) => io.err(line) } : {}) });
  const result = await decomposePrd({
    model,
    workspace: nodeDecomposeWorkspace(dir, index),
    prdPath,
    maxTokens: DEFAULT_MAX_TOKENS,
    maxTasks,
    ...(layout ? { layout: layout as WrittenLayout } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    onWait: (waitMs, reason) => io.err(`${reason}: retrying in ${Math.ceil(waitMs / 1000)} s`),
    // A script cannot be asked: a large request is sent, and said to be large.
    confirmLarge: async (tokens) => {
      io.err(`A large request: about ${tokens.toLocaleString('en-US')} input tokens.`);
      return true;
    },
  });
  const done = result.outcome === 'done';
  if (options.json) {
    io.out(
      JSON.stringify(
        done
          ? { epic: { id: result.epicId, path: result.path }, tasks: result.tasks ?? 0, outcome: result.outcome, layout: result.layout, files: result.files, notes: result.notes }
          : { epic: null, tasks: 0, outcome: result.outcome, message: result.message, problems: result.problems },
        null,
        2,
      ),
    );
  } else if (done) {
    for (const note of result.notes) io.err(note);
    io.err(result.message);
    // The path alone on stdout, for scripts.
    io.out(result.path!);
  } else {
    io.err(`autopm: ${result.message}`);
    for (const problem of result.problems) io.err(`  - ${problem}`);
  }
  return done ? 0 : 1;
}
