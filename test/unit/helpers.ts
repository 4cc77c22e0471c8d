import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { PlanFileSystem } from '../../src/core/planIndex';
import { PlanIndex } from '../../src/core/planIndex';
import { NodePlanFileSystem } from '../../src/services/nodePlanFileSystem';

export const repoRoot = resolve(__dirname, '..', '..');
export const examplesDir = join(repoRoot, 'examples');
export const fixturesDir = join(repoRoot, 'test', 'fixtures');
/** The design team's reference example, beside the repository when it is checked out with it. */
export const sharedExampleDir = resolve(repoRoot, '..', 'shared', 'examples', 'task-api');
export const hasSharedExample = existsSync(sharedExampleDir);

export function read(dir: string, path: string): string {
  return readFileSync(join(dir, path), 'utf8');
}

export async function indexOf(dir: string, roots?: readonly string[]): Promise<PlanIndex> {
  const index = new PlanIndex(new NodePlanFileSystem(dir), roots);
  await index.build();
  return index;
}

export function toCrlf(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}

/** An in-memory workspace that counts reads, to show what the index re-reads. */
export class MemoryFileSystem implements PlanFileSystem {
  readonly files: Map<string, string>;
  reads = 0;

  constructor(entries: Record<string, string> | Map<string, string>) {
    this.files = entries instanceof Map ? entries : new Map(Object.entries(entries));
  }

  async readDirectory(path: string) {
    const names = new Map<string, boolean>();
    for (const file of this.files.keys()) {
      if (!file.startsWith(path + '/')) continue;
      const rest = file.slice(path.length + 1).split('/');
      names.set(rest[0], rest.length > 1);
    }
    return [...names].map(([name, isDirectory]) => ({ name, isDirectory }));
  }

  async readFile(path: string) {
    this.reads++;
    return this.files.get(path);
  }
}

/** Every file under `root`, by its path relative to it (with `/`), as text. */
export function filesOf(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else out.set(relative(root, path).split('\\').join('/'), readFileSync(path, 'utf8'));
    }
  };
  walk(root);
  return out;
}
