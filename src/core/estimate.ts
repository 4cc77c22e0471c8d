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
const PART = /\s*(\d+(?:\.\d+)?)\s*([a-z]+)/iy;
const SIZE = /^(xxs|xs|s|m|l|xl|xxl|small|medium|large)\b/i;

function unitHours(unit: string): number | undefined {
  const u = unit.toLowerCase();
  return HOURS_PER_UNIT.find(([pattern]) => pattern.test(u))?.[1];
}

/** `1,5` is one and a half in much of Europe; `1,000` is a thousand. */
function normaliseNumbers(text: string): string {
  return text.replace(/(\d),(\d{3})(?!\d)/g, '$1$2').replace(/(\d),(\d{1,2})(?!\d)/g, '$1.$2');
}

function duration(raw: string): number | undefined {
  const text = normaliseNumbers(raw);
  const match = DURATION.exec(text);
  if (!match) return undefined;
  const value = Number(match[2] ?? match[1]);
  if (!(value > 0)) return undefined;
  if (match[3] === '') return value;
  const factor = unitHours(match[3]);
  if (factor === undefined) return undefined;
  if (match[2] === undefined) {
    // `2d 4h`, `1 day 4 hours`, `2h30m`: parts in units of their own add up.
    let total = 0;
    let parts = 0;
    PART.lastIndex = match.index;
    // Only parts that follow each other: `4h (was 2h)` is four hours.
    for (let part = PART.exec(text); part !== null; part = PART.exec(text)) {
      const hours = unitHours(part[2]);
      if (hours === undefined) break;
      total += Number(part[1]) * hours;
      parts++;
    }
    if (parts > 1) return total;
  }
  return value * factor;
}

/** The hours an estimate stands for, or undefined when it says nothing readable (`TBD`). */
export function readEstimate(estimate: string | undefined): number | undefined {
  if (estimate === undefined) return undefined;
  const text = estimate.trim();
  const size = SIZE.exec(text);
  if (size) {
    // `L (3-5 days)`: the days the team wrote beside the size say more than the letter.
    const inParentheses = /\(([^)]*)\)/.exec(text);
    const hours = inParentheses ? duration(inParentheses[1]) : undefined;
    return hours ?? SIZE_HOURS[size[1].toLowerCase()];
  }
  return duration(text);
}

/** The hours an estimate counts for in scheduling: what it says, else one hour. */
export function estimateHours(estimate: string | undefined): number {
  return readEstimate(estimate) ?? DEFAULT_ESTIMATE_HOURS;
}
