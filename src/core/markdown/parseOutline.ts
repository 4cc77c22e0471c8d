/**
 * The outline of a markdown document: the lean scanner when it can vouch for its answer,
 * remark otherwise. Both give the same `Outline` wherever the scanner answers.
 */
import { leanOutline } from './leanOutline';
import type { Outline } from './outline';
import { remarkOutline } from './remarkOutline';

export function parseOutline(text: string): Outline {
  return leanOutline(text) ?? remarkOutline(text);
}

/** Which engine `parseOutline` uses for `text`. */
export function outlineEngineFor(text: string): 'lean' | 'remark' {
  return leanOutline(text) === undefined ? 'remark' : 'lean';
}
