import type { ToolFormat } from './model';

/**
 * The other tool a plan root belongs to, by its name: `.kiro/specs` is Kiro's, any other
 * `specs` Spec Kit's, `.taskmaster` Task Master's. Undefined for AutoPM's own roots.
 */
export function toolFormatOfRoot(root: string): ToolFormat | undefined {
  const tidy = root.replace(/^\.\//, '').replace(/\/+$/, '').toLowerCase();
  const last = tidy.slice(tidy.lastIndexOf('/') + 1);
  if (last === 'specs') return tidy === '.kiro/specs' || tidy.endsWith('/.kiro/specs') ? 'kiro' : 'spec-kit';
  return last === '.taskmaster' ? 'taskmaster' : undefined;
}

/** Whether a plan root is another tool's folder, where AutoPM never writes files of its own. */
export function isToolRoot(root: string): boolean {
  return toolFormatOfRoot(root) !== undefined;
}

/** Whether a file is another tool's PRD: Kiro's `requirements.md`, Spec Kit's `spec.md`. */
export function isToolPrdPath(path: string): boolean {
  return /(^|\/)\.kiro\/specs\/[^/]+\/requirements\.md$|(^|\/)specs\/\d+-[^/]+\/spec\.md$/i.test(path);
}
