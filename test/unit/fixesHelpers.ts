/** Workspaces held in memory for the quick-fix tests, and the check every fix goes through. */
import assert from 'node:assert/strict';
import type { PlanChange } from '../../src/core/edits';
import { applyChange } from '../../src/core/edits';
import type { Fix, FixPlan } from '../../src/core/fixes/fixes';
import { fixesFor, fixPlanOf } from '../../src/core/fixes/fixes';
import type { Diagnostic, DiagnosticCode } from '../../src/core/model';
import { PlanIndex } from '../../src/core/planIndex';
import { MemoryFileSystem, toCrlf } from './helpers';

export interface Workspace {
  readonly files: ReadonlyMap<string, string>;
  readonly index: PlanIndex;
  readonly diagnostics: readonly Diagnostic[];
  readonly plan: FixPlan;
}

export async function workspaceOf(files: ReadonlyMap<string, string> | Readonly<Record<string, string>>): Promise<Workspace> {
  const map = new Map(files instanceof Map ? files : Object.entries(files));
  const index = new PlanIndex(new MemoryFileSystem(new Map(map)));
  await index.build();
  const read = (path: string) => {
    const text = map.get(path);
    if (text === undefined) throw new Error(`No file ${path}`);
    return text;
  };
  return { files: map, index, diagnostics: index.diagnostics(), plan: fixPlanOf(index, read) };
}

export function applied(files: ReadonlyMap<string, string>, change: PlanChange): Map<string, string> {
  const out = new Map(files);
  applyChange(out, change);
  return out;
}

/** One diagnostic the same as another: its place may have moved, its words not. */
export function sameDiagnostic(a: Diagnostic, b: Diagnostic): boolean {
  return a.path === b.path && a.code === b.code && a.message === b.message;
}

export interface FixCase {
  readonly files: Readonly<Record<string, string>>;
  readonly code: DiagnosticCode;
  /** Which diagnostic of that code, when there are several. */
  readonly which?: (d: Diagnostic) => boolean;
  /** The fix's title, or a part of it. */
  readonly title: string | RegExp;
  /** For a fix that needs a choice: the option to take. */
  readonly option?: string;
  readonly safe: boolean;
  /** Every file the fix changes, as it must read after (with LF; the CRLF run expects CRLF). */
  readonly after: Readonly<Record<string, string>>;
  /** Files the fix renames, old path to new. */
  readonly renames?: Readonly<Record<string, string>>;
}

/**
 * Applies a fix to LF and to CRLF copies of a workspace and checks: the changed files
 * read as `after` byte for byte (CRLF kept CRLF), every other file is untouched, the
 * diagnostic is gone once the files are read again, and the fixes of that diagnostic
 * computed again on the fixed texts are none. Returns the LF run's fixes for the diagnostic.
 */
export async function checkFix(c: FixCase): Promise<Fix[]> {
  let first: Fix[] | undefined;
  for (const eol of [(t: string) => t, toCrlf]) {
    const files = Object.fromEntries(Object.entries(c.files).map(([p, t]) => [p, eol(t)]));
    const ws = await workspaceOf(files);
    const candidates = ws.diagnostics.filter((d) => d.code === c.code && (c.which?.(d) ?? true));
    assert.equal(candidates.length, 1, `one ${c.code} diagnostic: ${ws.diagnostics.map((d) => `${d.path}:${d.range.line + 1} ${d.code}`).join(', ')}`);
    const d = candidates[0];
    const fixes = fixesFor(d, ws.plan);
    first ??= fixes;
    const fix = fixes.find((f) => (typeof c.title === 'string' ? f.title === c.title : c.title.test(f.title)));
    assert.ok(fix, `a fix "${c.title}" among ${JSON.stringify(fixes.map((f) => f.title))}`);
    assert.equal(fix.safe, c.safe, `safe: ${fix.title}`);
    const change = c.option === undefined ? fix.change : fix.choice?.options.find((o) => o.label === c.option)?.change;
    assert.ok(change, `an option "${c.option}" among ${JSON.stringify(fix.choice?.options.map((o) => o.label))}`);
    const after = applied(ws.files, change);
    const renames = c.renames ?? {};
    for (const [path, before] of ws.files) {
      const now = path in renames ? after.get(renames[path]) : after.get(path);
      if (path in c.after) assert.equal(now, eol(c.after[path]), path);
      else assert.equal(now, before, `${path} is not changed`);
    }
    const again = await workspaceOf(after);
    assert.ok(!again.diagnostics.some((x) => sameDiagnostic(x, d) && !(d.path in renames)), `the ${c.code} diagnostic is gone: ${d.message}`);
    assert.deepEqual(fixesFor(d, again.plan), [], 'no fix is offered a second time');
  }
  return first!;
}
