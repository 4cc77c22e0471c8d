import * as path from 'node:path';
import type { anthropicModel } from './anthropicModel';

/**
 * The Anthropic SDK's bundle (dist/anthropic.js, beside the extension's and the command
 * line's bundles), loaded on first use: the path is computed at run time so that neither
 * bundle takes the SDK in, and nothing pays for it until Claude is asked.
 */
export function loadAnthropicModel(): typeof anthropicModel {
  const file = path.join(__dirname, 'anthropic.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(file) as { anthropicModel: typeof anthropicModel }).anthropicModel;
}
