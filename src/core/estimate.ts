/**
 * Estimates as plans write them: `2 hours`, `3h`, `1.5 days`, ranges (`2-3 days`, whose
 * upper bound counts, since scheduling on the hopeful end of a range makes the critical
 * path look shorter than it is), bare numbers of hours, and T-shirt sizes (`M`,
 * `L (3-5 days)`, where the days in parentheses win over the letter).
 */

const HOURS_PER_UNIT: ReadonlyArray<[RegExp, number]> = [
  [/^(m|min|mins|minute|minutes)$/, 1 / 60],
  [/^(h|hr|hrs|hour|hours)$/, 1],
  [/^(d|day|days)$/, 8],
  [/^(w|wk|wks|week|weeks)$/, 40],
];

/** What a size means in hours: a working day is 8 hours, a week 40. */
const SIZE_HOURS: Readonly<Record<string, number>> = {
  xxs: 1,
  xs: 2,
  s: 4,
  small: 4,
  m: 8,
  medium: 8,
  l: 24,
  large: 24,
  xl: 40,
  xxl: 80,
};

/** Hours an unreadable or missing estimate counts for. */
export const DEFAULT_ESTIMATE_HOURS = 1;

const DURATION = /(\d+(?:\.\d+)?)(?:\s*(?:-|–|—|to)\s*(\d+(?:\.\d+)?))?\s*([a-z]*)/i;
const SIZE = /^(xxs|xs|s|m|l|xl|xxl|small|medium|large)\b/i;

function duration(text: string): number | undefined {
  const match = DURATION.exec(text);
  if (!match) return undefined;
  const value = Number(match[2] ?? match[1]);
  if (!(value > 0)) return undefined;
  const unit = match[3].toLowerCase();
  if (unit === '') return value;
  const factor = HOURS_PER_UNIT.find(([pattern]) => pattern.test(unit))?.[1];
  return factor === undefined ? undefined : value * factor;
}

/** The hours an estimate stands for, or undefined when it says nothing readable (`TBD`). */
export function readEstimate(estimate: string | undefined): number | undefined {
  if (estimate === undefined) return undefined;
  const text = estimate.trim();
  const inParentheses = /\(([^)]*)\)/.exec(text);
  if (inParentheses) {
    const hours = duration(inParentheses[1]);
    if (hours !== undefined) return hours;
  }
  const size = SIZE.exec(text);
  if (size) return SIZE_HOURS[size[1].toLowerCase()];
  return duration(text);
}

/** The hours an estimate counts for in scheduling: what it says, else one hour. */
export function estimateHours(estimate: string | undefined): number {
  return readEstimate(estimate) ?? DEFAULT_ESTIMATE_HOURS;
}
