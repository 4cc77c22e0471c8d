/**
 * Fault injection for the local GitHub server: rules matched by method and path, each
 * firing a set number of times, that make the server answer the way GitHub does when
 * it is busy, limited or failing.
 */

export type Fault =
  /** GitHub's secondary rate limit: 403 (or 429) with `retry-after` and its message. Nothing is done. */
  | { readonly kind: 'secondary-rate-limit'; readonly status?: 403 | 429; readonly retryAfterSeconds?: number }
  /** The primary limit: 403 (or 429), `x-ratelimit-remaining: 0` and the reset time. Nothing is done. */
  | { readonly kind: 'primary-rate-limit'; readonly status?: 403 | 429; readonly resetInSeconds: number }
  /** The request is carried out, then answered with a 5xx (502 unless told). */
  | { readonly kind: 'error-after-commit'; readonly status?: number }
  /** The request is carried out, then the connection is destroyed without an answer. */
  | { readonly kind: 'drop-after-commit' }
  /** The connection is destroyed before the request is looked at. */
  | { readonly kind: 'drop-before' }
  /** The answer comes `ms` late; the request is carried out after the wait, client or no client. */
  | { readonly kind: 'delay'; readonly ms: number }
  /** Answered with this status (and body) instead of being carried out. */
  | {
      readonly kind: 'status';
      readonly status: number;
      readonly body?: unknown;
      readonly headers?: Readonly<Record<string, string>>;
    };

export type FaultKind = Fault['kind'];

export interface FaultRule {
  /** `GET`, `POST`...; any method when left out. */
  readonly method?: string;
  /**
   * The path without the query, in the `/repos/{owner}/{repo}/...` form (requests that
   * arrive as `/repositories/{id}/...` are matched in that form too). A string matches
   * the whole path; `*` stands for one segment and `**` for any rest.
   */
  readonly path: string | RegExp;
  /** How many matching requests the rule fires on; 1 unless told. */
  readonly times?: number;
  readonly fault: Fault;
}

export interface FaultHandle {
  /** How many times the rule has fired. */
  readonly fired: number;
  /** How many more times it will fire. */
  readonly remaining: number;
}

export interface FaultInjector {
  add(rule: FaultRule): FaultHandle;
  /** Drops every rule, fired or not. */
  clear(): void;
}

interface ActiveRule {
  readonly method: string | undefined;
  readonly matches: (path: string) => boolean;
  readonly fault: Fault;
  fired: number;
  remaining: number;
}

export class FaultRules implements FaultInjector {
  private rules: ActiveRule[] = [];

  add(rule: FaultRule): FaultHandle {
    const times = rule.times ?? 1;
    if (!Number.isInteger(times) || times < 1) throw new Error(`A fault fires at least once, not ${times} times.`);
    const active: ActiveRule = {
      method: rule.method?.toUpperCase(),
      matches: pathMatcher(rule.path),
      fault: rule.fault,
      fired: 0,
      remaining: times,
    };
    this.rules.push(active);
    return {
      get fired() {
        return active.fired;
      },
      get remaining() {
        return active.remaining;
      },
    };
  }

  clear(): void {
    this.rules = [];
  }

  /** The fault of the first rule that matches and still has firings left, which it spends. */
  take(method: string, path: string): Fault | undefined {
    const rule = this.rules.find((r) => r.remaining > 0 && (r.method === undefined || r.method === method) && r.matches(path));
    if (!rule) return undefined;
    rule.remaining -= 1;
    rule.fired += 1;
    return rule.fault;
  }
}

function pathMatcher(pattern: string | RegExp): (path: string) => boolean {
  if (pattern instanceof RegExp) return (path) => pattern.test(path);
  const source = pattern
    .split('/')
    .map((segment) => (segment === '**' ? '.*' : segment === '*' ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  const regex = new RegExp(`^${source}$`);
  return (path) => regex.test(path);
}
