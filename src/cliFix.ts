/**
 * `autopm validate [dir] --fix [--dry-run]`: applies every fix with a single safe answer, in
 * passes until none is left (a fix can bring another to light), prints what it changed as a
 * unified diff, lists the fixes that need a choice, and exits 1 while errors remain.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import type { ReadText } from './core/edits';
import { applyEdits, PlanEditError } from './core/edits';
import { fixesFor, fixPlanOf, safeFixes } from './core/fixes/fixes';
import type { Diagnostic } from './core/model';
import type { PlanFileSystem } from './core/planIndex';
import { PlanIndex } from './core/planIndex';
import { NodePlanFileSystem } from './services/nodePlanFileSystem';

/** Enough for fixes that uncover others; a plan still changing after this many is left as it is. */
const MAX_PASSES = 5;

export interface FixOptions {
  readonly dryRun: boolean;
  readonly json: boolean;
}

interface Io {
  out(text: string): void;
  err(text: string): void;
}

interface Applied {
  readonly path: string;
  readonly line: number;
  readonly code: string;
  readonly fix: string;
}

const where = (d: Diagnostic) => `${d.path}:${d.range.line + 1}:${d.range.column + 1}`;

/** The unified diff of one file, as `git diff` shows it (a/ and b/ names, three lines of context). */
export function unifiedDiff(path: string, before: string, after: string): string {
  const patch = createTwoFilesPatch(`a/${path}`, `b/${path}`, before, after, undefined, undefined, { context: 3 });
  // The library opens with a rule of `=` and an `Index:` line; git's form starts at `---`.
  return patch.slice(patch.indexOf('--- ')).trimEnd();
}

export async function validateFixCommand(dir: string, roots: readonly string[], options: FixOptions, io: Io): Promise<number> {
  const disk = new NodePlanFileSystem(dir);
  // The texts the fixes made, read by the next pass in place of the files.
  const fixed = new Map<string, string>();
  const original = new Map<string, string>();
  const files: PlanFileSystem = {
    readDirectory: (path) => disk.readDirectory(path),
    readFile: async (path) => fixed.get(path) ?? (await disk.readFile(path)),
  };
  const read: ReadText = (path) => {
    const text = fixed.get(path);
    if (text !== undefined) return text;
    try {
      return readFileSync(join(dir, path), 'utf8');
    } catch {
      throw new PlanEditError(`${path} does not exist.`);
    }
  };

  const applied: Applied[] = [];
  let index = new PlanIndex(files, roots);
  await index.build();
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const diagnostics = index.diagnostics();
    const plan = fixPlanOf(index, read);
    const { fixes, change } = safeFixes(plan, diagnostics);
    if (fixes.length === 0) break;
    for (const fix of fixes) {
      // The diagnostic the fix answers: one of its code, in a file it edits, that offers a fix of that title.
      const edited = new Set(fix.change.edits.map((e) => e.path));
      const answers = (d: Diagnostic) => d.code === fix.code && fixesFor(d, plan).some((f) => f.title === fix.title);
      const diagnostic = diagnostics.find((d) => edited.has(d.path) && answers(d)) ?? diagnostics.find(answers);
      applied.push({ path: diagnostic?.path ?? fix.change.edits[0]?.path ?? '', line: (diagnostic?.range.line ?? 0) + 1, code: fix.code, fix: fix.title });
    }
    for (const fileEdit of change.edits) {
      const before = read(fileEdit.path);
      if (!original.has(fileEdit.path)) original.set(fileEdit.path, before);
      fixed.set(fileEdit.path, applyEdits(before, fileEdit.edits));
    }
    index = new PlanIndex(files, roots);
    await index.build();
  }

  const changed = [...fixed.keys()].filter((path) => fixed.get(path) !== original.get(path)).sort();
  if (!options.dryRun) for (const path of changed) writeFileSync(join(dir, path), fixed.get(path)!);

  const remaining = index.diagnostics();
  const plan = fixPlanOf(index, read);
  const choices = remaining
    .map((d) => ({ diagnostic: d, fixes: fixesFor(d, plan).map((f) => f.title) }))
    .filter((c) => c.fixes.length > 0);
  const errors = remaining.filter((d) => d.severity === 'error').length;

  if (options.json) {
    io.out(JSON.stringify({
      dryRun: options.dryRun,
      changed: changed.map((path) => ({ path, diff: unifiedDiff(path, original.get(path)!, fixed.get(path)!) })),
      fixed: applied,
      needsChoice: choices.map((c) => ({ path: c.diagnostic.path, line: c.diagnostic.range.line + 1, code: c.diagnostic.code, message: c.diagnostic.message, fixes: c.fixes })),
      diagnostics: remaining.map((d) => ({ path: d.path, line: d.range.line + 1, column: d.range.column + 1, severity: d.severity, code: d.code, message: d.message })),
    }, null, 2));
    return errors > 0 ? 1 : 0;
  }

  const out: string[] = [];
  for (const path of changed) out.push(unifiedDiff(path, original.get(path)!, fixed.get(path)!), '');
  if (applied.length === 0) out.push('Nothing to fix without a choice.');
  else {
    const verb = options.dryRun ? 'Would fix' : 'Fixed';
    out.push(`${verb} ${applied.length} problem${applied.length === 1 ? '' : 's'} in ${changed.length} file${changed.length === 1 ? '' : 's'}${options.dryRun ? ' (dry run: nothing written)' : ''}:`);
    for (const a of applied) out.push(`  ${a.path}:${a.line}  ${a.fix}  [${a.code}]`);
  }
  if (choices.length > 0) {
    out.push('', `Need a choice (open the file in VS Code for the lightbulb):`);
    for (const c of choices) out.push(`  ${where(c.diagnostic)}  ${c.diagnostic.message}  [${c.diagnostic.code}]`, ...c.fixes.map((f) => `      - ${f}`));
  }
  const others = remaining.filter((d) => !choices.some((c) => c.diagnostic === d));
  if (others.length > 0) {
    out.push('', 'No fix:');
    for (const d of others) out.push(`  ${where(d)}  ${d.severity.padEnd(7)}  ${d.message}  [${d.code}]`);
  }
  const warnings = remaining.filter((d) => d.severity === 'warning').length;
  out.push('', `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}, ${remaining.length - errors - warnings} info left.`);
  io.out(out.join('\n'));
  return errors > 0 ? 1 : 0;
}
