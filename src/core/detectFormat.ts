/**
 * What a workspace with no plans AutoPM can read holds instead: another tool's plans in a
 * folder the plan roots leave out, or a format AutoPM does not read. "No plans found"
 * names it, so the user knows why the explorer is empty and what to do.
 */

export interface OtherFormat {
  /** A stable key, for the views' `when` clauses. */
  readonly key: 'kiro' | 'spec-kit' | 'taskmaster' | 'taskmaster-legacy' | 'bmad' | 'agent-os';
  /** What was seen, in a sentence. */
  readonly message: string;
}

interface Probe {
  readonly key: OtherFormat['key'];
  /** Paths, relative to the workspace folder; the first one that exists is the evidence. */
  readonly paths: readonly string[];
  /** The plan root that reads it, for the formats AutoPM reads. */
  readonly root?: string;
  readonly name: string;
  readonly advice: string;
}

const PROBES: readonly Probe[] = [
  { key: 'kiro', paths: ['.kiro/specs'], root: '.kiro/specs', name: 'Kiro specs', advice: '' },
  { key: 'spec-kit', paths: ['.specify'], root: 'specs', name: 'GitHub Spec Kit features', advice: '' },
  { key: 'taskmaster', paths: ['.taskmaster/tasks/tasks.json'], root: '.taskmaster', name: 'Task Master tasks', advice: '' },
  {
    key: 'taskmaster-legacy',
    paths: ['tasks/tasks.json'],
    name: "Task Master's tasks in its older place, tasks/tasks.json",
    advice: 'AutoPM reads them from .taskmaster/tasks/tasks.json, where `task-master migrate` moves them.',
  },
  { key: 'bmad', paths: ['.bmad-core', 'docs/stories'], name: 'BMAD Method stories', advice: 'AutoPM does not read that format.' },
  { key: 'agent-os', paths: ['.agent-os'], name: 'Agent OS specs', advice: 'AutoPM does not read that format.' },
];

/**
 * The first other format the workspace holds, or undefined. `exists` answers for paths
 * relative to the workspace folder; `roots` are the plan roots in use.
 */
export async function detectOtherFormat(exists: (path: string) => Promise<boolean>, roots: readonly string[]): Promise<OtherFormat | undefined> {
  const inRoots = new Set(roots.map((r) => r.replace(/^\.\//, '').replace(/\/+$/, '')));
  for (const probe of PROBES) {
    // A format AutoPM reads, from a root in use, shows its plans or nothing: it is not "another format".
    if (probe.root !== undefined && inRoots.has(probe.root)) continue;
    for (const path of probe.paths) {
      if (!(await exists(path))) continue;
      const advice = probe.root !== undefined ? `AutoPM reads them once \`autopm.planRoots\` includes "${probe.root}".` : probe.advice;
      return { key: probe.key, message: `This workspace has ${probe.name} (${path}). ${advice}` };
    }
  }
  return undefined;
}
