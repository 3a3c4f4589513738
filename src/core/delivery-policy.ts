/**
 * The one delivery policy: which failures are worth retrying, how long to
 * wait before the next try, and how long a service may ask us to wait. Used
 * by the pipe's shipper, the SDK calls (management and query) and
 * `query --follow`, so they cannot drift apart.
 */

/** How a failed request should be treated. */
export type FailureKind =
  /** Try again later: 408, 429, 5xx, and no answer at all (reset, timeout, DNS, connect). */
  | 'transient'
  /** This request will never succeed (400, 413, other 4xx): give up on it, not on the others. */
  | 'refused'
  /** No request to this target can succeed until the user acts (401, 403, 404). */
  | 'fatal';

export function classifyStatus(status: number | undefined): FailureKind {
  if (status === undefined || status === 408 || status === 429 || status >= 500) return 'transient';
  if (status === 401 || status === 403 || status === 404) return 'fatal';
  return 'refused';
}

export function isTransient(status: number | undefined): boolean {
  return classifyStatus(status) === 'transient';
}

export interface BackoffPolicy {
  /** The first retry waits up to this long… */
  baseDelayMs: number;
  /** …doubling each time, up to this cap. */
  maxDelayMs: number;
  /** A Retry-After longer than this is read as this (a bad header must not park delivery for hours). */
  maxRetryAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseDelayMs: 250, maxDelayMs: 30_000, maxRetryAfterMs: 60_000 };

/**
 * How long to wait before retry number `retry` (0 for the first): exponential
 * backoff with full jitter, never sooner than the service's Retry-After.
 */
export function backoffDelay(policy: BackoffPolicy, retry: number, retryAfterMs: number | undefined, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(retry, 40));
  const jittered = Math.round(random() * ceiling);
  return Math.max(jittered, Math.min(retryAfterMs ?? 0, policy.maxRetryAfterMs));
}

/** Reads a Retry-After header (seconds, or an HTTP date) as milliseconds from now. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // An HTTP date names its day and month; anything else (e.g. "-1") is not one.
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
