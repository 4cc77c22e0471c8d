import type Ajv from 'ajv';

/**
 * Ajv, which checks a model's answers against their schemas, is a tenth of the extension's
 * bundle and needed only when Claude answers: the extension and the command line load it
 * from a bundle of its own beside theirs (dist/ajv.js) on first use. Unbundled, as the
 * unit tests run the sources, it comes from node_modules.
 */
export function newAjv(): Ajv {
  const AjvClass = loadAjv();
  return new AjvClass({ allErrors: true, strict: true });
}

let loaded: typeof Ajv | undefined;

function loadAjv(): typeof Ajv {
  if (loaded) return loaded;
  let module: { default: typeof Ajv };
  try {
    // The path is computed at run time so that no bundle takes Ajv in.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    module = require(`${__dirname}/ajv.js`) as { default: typeof Ajv };
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'MODULE_NOT_FOUND') throw error;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    module = require('ajv') as { default: typeof Ajv };
  }
  return (loaded = module.default);
}
