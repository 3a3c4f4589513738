import { QueryError } from './query-error.js';
import type { Value } from './values.js';

/**
 * What one search may compute and keep, so that no query can exhaust the
 * emulator's memory; beyond them the search is a 400, as the service
 * answers a search whose result is too large.
 * - a computed string or array (concat, upper, lower, substr, time_format,
 *   an array literal) is at most `valueChars` characters or items;
 * - the columns the query keeps (extend, select, summarize, dedup's keys)
 *   count `cellCost` each plus, when computed, their characters and items:
 *   at most `keptUnits` in all (the results kept for later pages count too);
 * - summarize makes at most `groups` groups.
 */
export const QUERY_LIMITS = { valueChars: 1_000_000, keptUnits: 100_000_000, cellCost: 4, groups: 100_000 } as const;

const TOO_LARGE = 'search result is too large';

/** Refuses a computed value over QUERY_LIMITS.valueChars, before it is built. */
export function checkValueSize(what: string, size: number): void {
  if (size > QUERY_LIMITS.valueChars) {
    throw new QueryError(`${TOO_LARGE}: ${what} would make a value of ${size} characters or items; the emulator computes values of at most ${QUERY_LIMITS.valueChars}`);
  }
}

/** Characters and items of a computed value (strings and arrays; objects it only refers to count 1). */
export function sizeOf(v: Value): number {
  if (typeof v === 'string') return v.length;
  if (!Array.isArray(v)) return 1;
  let n = 0;
  const stack: unknown[] = [v];
  while (stack.length > 0 && n <= QUERY_LIMITS.keptUnits) {
    const x = stack.pop();
    if (typeof x === 'string') n += x.length;
    else if (Array.isArray(x)) {
      n += x.length;
      for (const item of x) if (typeof item === 'string' || Array.isArray(item)) stack.push(item);
    }
  }
  return n;
}

/** What a search keeps of what it computes, against QUERY_LIMITS. */
export class KeptBudget {
  private units = 0;

  get used(): number {
    return this.units;
  }

  /** Counts a kept column (its value's size when computed); refuses the search past the limit. */
  keep(value: Value, computed: boolean, operator: string): void {
    this.units += QUERY_LIMITS.cellCost + (computed ? sizeOf(value) : 0);
    if (this.units > QUERY_LIMITS.keptUnits) {
      throw new QueryError(
        `${TOO_LARGE}: the columns it keeps (${operator}) pass ${QUERY_LIMITS.keptUnits} units (${QUERY_LIMITS.cellCost} a column, plus a computed one's characters); narrow the time range or the scope, or keep fewer columns`,
      );
    }
  }

  /** Refuses a summarize past QUERY_LIMITS.groups groups. */
  checkGroups(n: number): void {
    if (n > QUERY_LIMITS.groups) throw new QueryError(`${TOO_LARGE}: summarize makes more than ${QUERY_LIMITS.groups} groups; group by fewer or coarser keys (rounddown)`);
  }
}
