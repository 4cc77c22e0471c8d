import type * as Yaml from 'yaml';

let loaded: typeof Yaml | undefined;

/**
 * The yaml package, evaluated on first use. The lean frontmatter parser reads almost
 * every plan file, so most runs of the command line never need yaml, and evaluating it
 * is a measurable share of the command's start.
 */
export function yamlModule(): typeof Yaml {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (loaded ??= require('yaml') as typeof Yaml);
}
