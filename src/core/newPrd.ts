import { isToolRoot } from './toolRoots';

// Where a new PRD goes and what it starts with: the same for the extension and any other front end.

/** A file name from a title: `Team Calendar!` → `team-calendar`. */
export function slugOf(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
}

/** The PRD skeleton of each layout, following what the command-line tools write. */
export function prdTemplate(layout: 'single-file' | 'directory', title: string, number: string, now: string): string {
  const sections = ['Problem Statement', 'Target Users', 'User Stories', 'Requirements', 'Success Criteria', 'Out of Scope'];
  if (layout === 'single-file') {
    return [`# PRD-${number}: ${title}`, '', `**Created:** ${now.slice(0, 10)}`, '**Status:** Draft', '', ...sections.flatMap((s) => [`## ${s}`, '', ''])].join('\n').trimEnd() + '\n';
  }
  return [
    '---',
    `name: ${slugOf(title)}`,
    `description: ${JSON.stringify(title)}`,
    'status: backlog',
    `created: ${now}`,
    '---',
    '',
    `# PRD: ${title}`,
    '',
    ...['Executive Summary', ...sections].flatMap((s) => [`## ${s}`, '', '']),
  ]
    .join('\n')
    .trimEnd() + '\n';
}

/**
 * Where a new PRD goes, among the configured roots named `prds`: the first that exists,
 * else `.claude/prds`, else the first configured. Under `.claude/` it is `<slug>.md` with
 * frontmatter, as the directory layout has it; elsewhere a numbered `prd-NNN-<slug>.md`.
 * With no `prds` root, `prd-<slug>.md` goes in the first root that may hold both PRDs and
 * epics; undefined when only `epics` roots are configured.
 */
export async function prdTarget(
  roots: readonly string[],
  exists: (path: string) => Promise<boolean>,
  list: (path: string) => Promise<ReadonlyArray<{ name: string }>>,
  title: string,
): Promise<{ path: string; layout: 'single-file' | 'directory'; number: string } | undefined> {
  const slug = slugOf(title);
  const last = (root: string) => root.split('/').at(-1)!.toLowerCase();
  const prdRoots = roots.filter((r) => last(r) === 'prds');
  let chosen: string | undefined;
  for (const root of prdRoots) {
    if (await exists(root)) {
      chosen = root;
      break;
    }
  }
  chosen ??= prdRoots.find((r) => r.split('/').includes('.claude')) ?? prdRoots[0];
  if (chosen && chosen.split('/').includes('.claude')) return { path: `${chosen}/${slug}.md`, layout: 'directory', number: '001' };
  if (chosen) {
    // Only three-digit numbers count: `prd-2024-review.md` is not PRD 2024.
    const taken = (await list(chosen)).map((e) => /^prd-(\d{3})-/i.exec(e.name)?.[1]).filter((n): n is string => n !== undefined);
    const number = String(Math.max(0, ...taken.map(Number)) + 1).padStart(3, '0');
    return { path: `${chosen}/prd-${number}-${slug}.md`, layout: 'single-file', number };
  }
  // Never another tool's folder: a PRD there would be read as that tool's, or not at all.
  const mixed = roots.find((r) => last(r) !== 'epics' && !isToolRoot(r));
  return mixed ? { path: `${mixed}/prd-${slug}.md`, layout: 'directory', number: '001' } : undefined;
}
