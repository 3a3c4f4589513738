import type { Batch } from './batch.js';
import type { BatchEndings } from './batch-endings.js';
import type { SendFailure } from './send-result.js';
import type { ShipFailure, ShipTally } from './ship-stats.js';
import type { ShipperEvents } from './shipper-events.js';

export interface FailedRequestsOptions {
  /** The log new entries go to, if the shipper has one. */
  logId: string | undefined;
  /** With a spool, transient failures are retried without end… */
  spooled: boolean;
  /** …in memory only, this many times. */
  maxRetries: number;
}

/** What the shipper does for a failed request. */
export interface FailedRequestsHost {
  /** Waiting to go, in delivery order. */
  readonly queue: Batch[];
  /** Tries the batch again once the backoff from an attempt that started at `startedAt` allows. */
  retry(batch: Batch, startedAt: number, retryAfterMs: number | undefined): void;
  /** Closes the batch being filled, if one is (new input for a stopped log goes to the dead-letter file). */
  seal(): void;
}

/**
 * What a failed request leads to: another try (transient), the dead-letter
 * file (refused), or the end of delivery to its log (a fatal refusal,
 * 401/403/404, or, memory only, retries spent): that log's entries all go
 * to the dead-letter file from then on, other logs going on.
 */
export class FailedRequests {
  /** The last failed request: what the service said when it stopped answering. */
  lastFailure: ShipFailure | undefined;
  /** The first that stopped delivery to a log. */
  stopFailure: ShipFailure | undefined;
  /** New input goes to the dead-letter file: its log is one of the stopped logs. */
  deadLettering = false;
  /** Logs that refused for good (or, memory only, whose retries ran out): every entry for them goes to the dead-letter file. */
  private readonly stoppedLogs = new Map<string, ShipFailure>();

  constructor(
    private readonly o: FailedRequestsOptions,
    private readonly events: ShipperEvents,
    private readonly tally: ShipTally,
    private readonly ends: BatchEndings,
    private readonly host: FailedRequestsHost,
  ) {}

  /** Whether delivery to a log stopped for good. */
  stopped(logId: string): boolean {
    return this.stoppedLogs.has(logId);
  }

  failed(batch: Batch, result: SendFailure, startedAt: number): void {
    const failure: ShipFailure = { result, logId: batch.logId, attempts: batch.attempts };
    this.lastFailure = failure;
    if (this.stoppedLogs.has(batch.logId)) {
      // Its log stopped while it was under way: it meets the same end as the others.
      this.ends.deadLetter(batch);
    } else if (result.kind === 'transient' && (this.o.spooled || batch.attempts <= this.o.maxRetries)) {
      this.host.retry(batch, startedAt, result.retryAfterMs);
    } else if (result.kind === 'refused') {
      this.events.refused?.(failure, false);
      this.ends.deadLetter(batch);
    } else {
      // A fatal refusal, or (memory only) a request out of retries: this one and all that follow for its log go to the dead-letter file.
      if (result.kind === 'fatal') this.events.refused?.(failure, true);
      else this.events.gaveUp?.(failure);
      this.stopFailure ??= failure;
      this.ends.deadLetter(batch);
      this.stopLog(batch.logId, failure);
    }
  }

  /** Stops delivery to one log for good: its queued batches (and, if it is this shipper's own log, all new input) go to the dead-letter file. */
  private stopLog(logId: string, failure: ShipFailure): void {
    this.stoppedLogs.set(logId, failure);
    this.tally.outcome(logId).failure ??= failure;
    const queue = this.host.queue;
    const others: Batch[] = [];
    const theirs: Batch[] = [];
    for (const b of queue) (b.logId === logId ? theirs : others).push(b);
    queue.splice(0, queue.length, ...others);
    for (const b of theirs) this.ends.deadLetter(b);
    if (logId === this.o.logId) {
      this.deadLettering = true;
      this.host.seal();
    }
  }
}
