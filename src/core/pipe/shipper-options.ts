import type { Clock } from '../clock.js';
import type { BackoffPolicy } from '../delivery-policy.js';
import type { WhenFull } from './backpressure.js';
import type { DeadLetterSink } from './dead-letter.js';
import type { SendFunction } from './send-result.js';
import type { ShipperEvents } from './shipper-events.js';
import type { SpoolDir } from './spool/spool-dir.js';

/** Per-entry overrides of the shipper's source, type and subject (exec, replay). */
export interface EntryMeta {
  subject?: string | undefined;
  source?: string;
  type?: string;
}

export interface ShipperOptions {
  /** The log new entries go to (a shipper that only sends adopted segments needs none). */
  logId: string | undefined;
  source: string;
  type: string;
  subject: string | undefined;
  /** A request goes at this many entries… */
  batchSize: number;
  /** …or this many bytes of body… */
  batchBytes: number;
  /** …or this many ms after its first entry, whichever comes first. */
  flushIntervalMs: number;
  /** Requests under way at once while the service answers; one while it does not. */
  maxInFlight: number;
  send: SendFunction;
  /** The write-ahead spool; undefined keeps entries in memory only (--no-spool). */
  spool: SpoolDir | undefined;
  /** Bytes the spool may hold (this process's segments). */
  spoolMaxBytes: number;
  whenFull: WhenFull;
  /**
   * Memory only: retries of one request before its entries go to the
   * dead-letter file. With a spool, transient failures are retried without end.
   */
  maxRetries: number;
  backoff?: BackoffPolicy;
  deadLetter: DeadLetterSink;
  /** No success for this long while entries wait: an outage (said once; the spool takes the input meanwhile). */
  outageAfterMs?: number;
  clock?: Clock;
  random?: () => number;
  events?: ShipperEvents;
}
