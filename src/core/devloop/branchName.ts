/**
 * The branch a task is worked on, from the `autopm.git.branchName` template. The names
 * must be ones git accepts (`git check-ref-format --branch`), whatever the plan calls its
 * epics and tasks: titles carry spaces, quotes and emoji, and epic file stems may too.
 */
import type { Epic, Task } from '../model';

export const DEFAULT_BRANCH_TEMPLATE = 'feature/task-${id}-${slug}';

export const BRANCH_VARIABLES = ['epic', 'id', 'issue', 'slug'] as const;

/** Long enough to read in a branch list, short enough for a terminal prompt. */
const MAX_SLUG = 40;

/**
 * Lower-case words of a title joined by `-`: accents dropped, anything but letters and
 * digits a separator, cut at a word boundary after at most 40 characters.
 */
export function taskSlug(title: string): string {
  const words = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== '');
  let slug = '';
  for (const word of words) {
    const next = slug === '' ? word : `${slug}-${word}`;
    if (next.length > MAX_SLUG) {
      if (slug === '') slug = word.slice(0, MAX_SLUG);
      break;
    }
    slug = next;
  }
  return slug;
}

/** One value for a template: what git refuses in a ref becomes `-`. */
function refPart(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/[\s~^:?*[\\\]@{}"'`<>|]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
}

/** Why git would refuse `name` as a branch, or undefined when it accepts it. */
export function branchNameProblem(name: string): string | undefined {
  if (name === '') return 'is empty';
  if (name.startsWith('-')) return 'starts with "-"';
  // Control characters and spaces, which git refuses too, are checked by code point.
  if ([...name].some((c) => c.charCodeAt(0) <= 0x20 || c.charCodeAt(0) === 0x7f) || /[~^:?*[\\]/.test(name)) return 'holds a space or one of ~ ^ : ? * [ \\';
  if (name.includes('..')) return 'holds ".."';
  if (name.includes('@{') || name === '@') return 'holds "@{"';
  if (name.includes('//') || name.startsWith('/') || name.endsWith('/')) return 'has an empty part between slashes';
  if (name.endsWith('.')) return 'ends with "."';
  if (name.split('/').some((part) => part.startsWith('.') || part.endsWith('.lock'))) return 'has a part starting with "." or ending with ".lock"';
  return undefined;
}

export type BranchName = { readonly name: string } | { readonly error: string };

/**
 * `${epic}` is the epic's id, `${id}` the task's, `${issue}` its issue number (the task's
 * id when it has none yet), `${slug}` its title in lower-case words. An error says, in a
 * phrase that follows the setting's name, what is wrong with the template.
 */
export function branchNameFor(template: string, epic: Pick<Epic, 'id'>, task: Pick<Task, 'id' | 'title' | 'issue'>): BranchName {
  const values: Record<(typeof BRANCH_VARIABLES)[number], string> = {
    epic: refPart(epic.id),
    id: refPart(task.id),
    issue: task.issue !== undefined ? String(task.issue) : refPart(task.id),
    slug: taskSlug(task.title),
  };
  const unknown = [...template.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1]).find((name) => !(BRANCH_VARIABLES as readonly string[]).includes(name));
  if (unknown !== undefined) return { error: `names \${${unknown}}, which is not one of ${BRANCH_VARIABLES.map((v) => `\${${v}}`).join(', ')}.` };
  const name = template
    .trim()
    .replace(/\$\{(\w+)\}/g, (_, key: keyof typeof values) => values[key])
    // A task without a title leaves `task-3-`: the dangling separator goes.
    .replace(/[-_.]+(?=\/|$)/g, '')
    .replace(/-{2,}/g, '-');
  const problem = branchNameProblem(name);
  return problem ? { error: `gives "${name}", which git does not accept as a branch name: it ${problem}.` } : { name };
}
