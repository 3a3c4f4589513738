import type { BackoffPolicy } from '../core/delivery-policy.js';
import type { WhenFull } from '../core/pipe/shipper.js';

/** How lines become requests, and how hard to try. */
export interface DeliverySettings {
  batchSize: number;
  batchBytes: number;
  flushIntervalMs: number;
  requestTimeoutMs: number;
  /** Memory only (no spool, replay): retries of one request; the spool retries transient failures without end. */
  retry: { maxRetries: number };
  backoff: BackoffPolicy;
  deadLetter: string | undefined;
}

/** The write-ahead spool. */
export interface SpoolSettings {
  /** undefined: memory only. */
  dir: string | undefined;
  /** The folder was named (flag, variable or option): it must be usable, or nothing starts. */
  explicit: boolean;
  maxBytes: number;
  whenFull: WhenFull;
  sync: boolean;
}
