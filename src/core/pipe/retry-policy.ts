export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 8, baseDelayMs: 250, maxDelayMs: 30_000 };

/**
 * Exponential backoff with full jitter, never sooner than the service's
 * retry-after. `retry` counts from 0 for the first retry.
 */
export function retryDelay(policy: RetryPolicy, retry: number, retryAfterMs: number | undefined, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  const jittered = Math.round(random() * ceiling);
  return Math.max(jittered, Math.min(retryAfterMs ?? 0, 5 * 60_000));
}
