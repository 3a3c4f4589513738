import { SegmentTakenOverError } from '../../errors.js';
import { bodyOf, copyToDeadLetter, recordsOf } from './batch.js';
import type { Batch } from './batch.js';
import { bodyBuffers } from './body-buffers.js';
import type { DeadLetterSink } from './dead-letter.js';
import type { ShipTally } from './ship-stats.js';
import type { ShipperEvents } from './shipper-events.js';
import type { Segment } from './spool/segment.js';
import type { RunMetas } from './wire-format.js';

/**
 * How a batch ends, and what that adds to the counts: delivered, dropped,
 * dead-lettered, handed over to the process that took its segment, or kept
 * in the spool (unreadable now, or the dead-letter file could not take it).
 * A batch's segment is removed once the batch is done with, and only then.
 */
export class BatchEndings {
  /** Segments done with whose files could not be removed: tried again at the end. */
  private readonly unremoved: Segment[] = [];

  constructor(
    private readonly tally: ShipTally,
    private readonly metas: RunMetas,
    private readonly sink: DeadLetterSink,
    private readonly events: ShipperEvents,
    /** Queues a batch again: its segment grew after it was read. */
    private readonly requeue: (batch: Batch) => void,
  ) {}

  /** Reads a batch's entries back from its segment and rebuilds its body; undefined when nothing is left to send. */
  load(batch: Batch): Buffer | undefined {
    let loaded;
    try {
      loaded = recordsOf(batch);
    } catch (err) {
      this.unreadable(batch, err);
      return undefined;
    }
    this.tally.recount(batch, loaded.records.length);
    const body = bodyOf(loaded.records, this.metas);
    if (body === undefined) this.finish(batch);
    return body;
  }

  delivered(batch: Batch, body: Buffer): void {
    this.tally.counters.delivered += batch.count;
    this.tally.waiting -= batch.count;
    this.tally.outcome(batch.logId).delivered += batch.count;
    // Answered, so written whole: the buffer can carry another body.
    bodyBuffers.give(Buffer.from(body.buffer, 0, body.buffer.byteLength));
    batch.body = undefined;
    this.finish(batch);
  }

  /** A batch dropped by --when-full: counted, and its segment done with. */
  drop(batch: Batch): void {
    this.tally.counters.dropped += batch.count;
    this.tally.waiting -= batch.count;
    batch.body = undefined;
    this.finish(batch);
  }

  /** Copies a batch's entries to the dead-letter file; the spool keeps them if that fails. */
  deadLetter(batch: Batch): void {
    let records;
    try {
      records = recordsOf(batch).records;
    } catch (err) {
      this.unreadable(batch, err);
      return;
    }
    this.tally.recount(batch, records.length);
    this.tally.waiting -= batch.count;
    const { kept, error } = copyToDeadLetter(records, this.sink);
    this.tally.counters.deadLettered += kept;
    if (kept > 0) this.tally.outcome(batch.logId).deadLettered += kept;
    if (error === undefined) {
      this.finish(batch);
      return;
    }
    const left = records.length - kept;
    this.events.deadLetterFailed?.(error, left);
    if (batch.segment.durable) {
      // Still in the spool: the next run sends it again (and dead-letters it if the service refuses it again).
      this.tally.waiting += left;
      this.tally.leftInSpool += left;
    } else {
      this.tally.counters.lost += left;
      this.finish(batch);
    }
  }

  /** A batch not sent when delivery stops: it stays in the spool, or (memory only) goes to the dead-letter file. */
  leave(batch: Batch): void {
    if (batch.segment.durable) this.tally.leftInSpool += batch.count;
    else this.deadLetter(batch);
  }

  /**
   * A batch is done with (delivered, dead-lettered, dropped): its segment
   * goes. One that grew meanwhile (an adopted segment whose writer was still
   * at it) is queued again for what was added; one whose file cannot be
   * removed is said, and tried again at the end.
   */
  finish(batch: Batch): void {
    const removal = batch.segment.remove();
    if (removal === 'removed') return;
    if (removal === 'grown') {
      batch.done += batch.count;
      batch.count = 0;
      batch.body = undefined;
      batch.attempts = 0;
      this.requeue(batch);
      return;
    }
    this.unremoved.push(batch.segment);
    this.events.removeFailed?.(batch.segment.path ?? '(memory)', removal);
  }

  /** At the end: what could not be removed earlier may be removable now; what still cannot was said when it first failed. */
  removeLeftovers(): void {
    for (const segment of this.unremoved.splice(0)) segment.remove();
  }

  /**
   * A batch's segment could not be read back. Taken over by another
   * process: that one sends it. Still on disk (unreadable now: EMFILE, EIO,
   * permissions): it stays there, for the next run or flush, never unlinked.
   */
  private unreadable(batch: Batch, err: unknown): void {
    if (err instanceof SegmentTakenOverError) {
      this.tally.waiting -= batch.count;
      this.handOver(batch, err);
      return;
    }
    const kept = batch.segment.durable;
    this.events.spoolReadFailed?.(batch.segment.path ?? '(memory)', err as Error, kept);
    if (kept) {
      this.tally.leftInSpool += batch.count;
    } else {
      this.tally.waiting -= batch.count;
      this.tally.counters.lost += batch.count;
    }
  }

  private handOver(batch: Batch, err: SegmentTakenOverError): void {
    this.tally.counters.handedOver += batch.count;
    this.events.handedOver?.(err.path, batch.count, err.takenBy);
    // The file is gone already: only its bytes leave the count.
    batch.segment.remove();
  }
}
