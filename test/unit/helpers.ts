import { readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
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
