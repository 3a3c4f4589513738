import { UsageError } from '../../errors.js';
import { parseDuration } from '../duration.js';

/** The service's cap on one search's time range. */
export const MAX_WINDOW_MS = 14 * 86_400_000;

/**
 * The longest range a query may span (in windows of MAX_WINDOW_MS): the
 * longest retention a log can have, 180 days, so no entry is older. An
 * unbounded one (--since 100000d) would send thousands of searches.
 */
export const MAX_SPAN_DAYS = 180;
export const MAX_SPAN_MS = MAX_SPAN_DAYS * 86_400_000;

/**
 * A --since/--until value: a duration back from now in the grammar of every
 * time flag (15m, 2h, 3d, 1w, 1h30m; no bare numbers) or an ISO-8601 date or
 * date-time (a time without a zone is UTC).
 */
export function parseTimeArg(flag: string, value: string, now: number): number {
  const d = parseDuration(value);
  if (d !== undefined) return now - d;
  if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i.test(value.trim())) {
    const text = value.trim().replace(' ', 'T');
    const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(text) && text.includes('T');
    const t = Date.parse(hasZone ? text : text.includes('T') ? `${text}Z` : `${text}T00:00:00Z`);
    if (!Number.isNaN(t)) return t;
  }
  throw new UsageError(`--${flag} ${value}: expected a duration such as 15m, 2h, 3d, 1w, or an ISO-8601 time such as 2026-01-31T08:00:00Z`);
}

export interface Window {
  start: number;
  end: number;
}

/** Splits [start, end) into consecutive windows of at most 14 days, newest first. */
export function splitWindows(start: number, end: number, maxMs = MAX_WINDOW_MS): Window[] {
  const out: Window[] = [];
  for (let e = end; e > start; e -= maxMs) out.push({ start: Math.max(start, e - maxMs), end: e });
  return out;
}
