import { systemClock } from '../clock.js';
import type { Clock, ClockTimer } from '../clock.js';
import { DEFAULT_BACKOFF } from '../delivery-policy.js';
import { Backpressure } from './backpressure.js';
import { newBatch } from './batch.js';
import type { Batch } from './batch.js';
import { BatchEndings } from './batch-endings.js';
import { DeliveryHealth } from './delivery-health.js';
import { FailedRequests } from './failed-requests.js';
import { GraceWait } from './grace-wait.js';
import type { CloseOptions } from './grace-wait.js';
import { sendThrew } from './send-result.js';
import type { SendResult } from './send-result.js';
import { ShipTally } from './ship-stats.js';
import type { ShipResult, ShipStats } from './ship-stats.js';
import { guarded } from './shipper-events.js';
import type { ShipperEvents } from './shipper-events.js';
import type { EntryMeta, ShipperOptions } from './shipper-options.js';
import { MemorySegment } from './spool/segment.js';
import type { Segment } from './spool/segment.js';
import type { AdoptedSegment } from './spool/spool-dir.js';
import { BodyWriter, RunMetas } from './wire-format.js';
import type { RunMeta } from './wire-format.js';

export type { CloseOptions } from './grace-wait.js';
export { emptyStats, sumStats } from './ship-stats.js';
export type { LogOutcome, ShipFailure, ShipResult, ShipStats } from './ship-stats.js';
export type { ShipperEvents } from './shipper-events.js';
export type { WhenFull } from './backpressure.js';
export type { EntryMeta, ShipperOptions } from './shipper-options.js';

interface OpenBatch {
  writer: BodyWriter;
  segment: Segment;
  timer: ClockTimer | undefined;
}

/**
 * Batching and delivery order. Entries are grouped into PutLogs requests (by
 * count, bytes or age) and every record is written ahead to its batch's
 * spool segment; batches go out in order, several at a time while the
 * service answers and one at a time (a probe) while it does not, and a
 * transient failure puts its batch back in its place, to go again after a
 * backoff (without end when spooled). The rest is wired in from beside it:
 * what a failure leads to (failed-requests.ts), how a batch ends
 * (batch-endings.ts), and when the reader waits and what --when-full drops
 * (backpressure.ts).
 */
export class Shipper {
  private readonly o: ShipperOptions;
  /** The options' listeners, each made unable to throw into delivery. */
  private readonly events: ShipperEvents;
  private readonly clock: Clock;
  private readonly health: DeliveryHealth;
  private readonly metas = new RunMetas();
  private readonly defaultMeta: RunMeta | undefined;
  private readonly tally = new ShipTally();
  /** The tally's counters, at hand for add(). */
  private readonly counters = this.tally.counters;
  private readonly ends: BatchEndings;
  private readonly failures: FailedRequests;
  private readonly pressure: Backpressure;

  private open: OpenBatch | undefined;
  private readonly queue: Batch[] = [];
  private readonly inFlight = new Map<Batch, AbortController>();
  private seq = 0;
  /** Adopted segments sort before this run's batches, in the order they were written. */
  private adoptSeq = -Number.MAX_SAFE_INTEGER;
  private retryTimer: ClockTimer | undefined;
  private stopped = false;
  private stoppedBy: ShipResult['stoppedBy'];
  private grace: GraceWait | undefined;
  private timeCache = { ms: -1, iso: '' };

  constructor(options: ShipperOptions) {
    this.o = options;
    this.events = guarded(options.events);
    this.clock = options.clock ?? systemClock;
    this.health = new DeliveryHealth(
      this.clock,
      options.backoff ?? DEFAULT_BACKOFF,
      options.outageAfterMs ?? 10_000,
      {
        outageStarted: (since) => {
          this.events.outageStarted?.(since, this.failures.lastFailure);
          this.pressure.release();
        },
        outageEnded: (since, durationMs) => this.events.outageEnded?.(since, durationMs),
      },
      options.random,
    );
    this.ends = new BatchEndings(this.tally, this.metas, options.deadLetter, this.events, (batch) => this.insert(batch));
    this.failures = new FailedRequests({ logId: options.logId, spooled: options.spool !== undefined, maxRetries: options.maxRetries }, this.events, this.tally, this.ends, {
      queue: this.queue,
      retry: (batch, startedAt, retryAfterMs) => this.retry(batch, startedAt, retryAfterMs),
      seal: () => this.seal(),
    });
    this.pressure = new Backpressure(options, this.events, this.counters, this.health, {
      queue: this.queue,
      inFlight: this.inFlight,
      openSegment: () => this.open?.segment,
      dropOpen: () => this.dropOpen(),
      drop: (batch) => this.ends.drop(batch),
      stopped: () => this.stopped,
    });
    this.defaultMeta = options.logId === undefined ? undefined : this.metas.get(options.source, options.type, options.subject, options.logId);
  }

  /**
   * Adds one entry; `timeMs` is its time (when its line was read). `id` goes
   * on the wire as it is: ids made by EntryIdGenerator are safe, ids read
   * from a file go through wireId() first. Call commit() after a run of adds
   * (one chunk of input) to write them ahead to the spool and learn whether
   * to pause.
   */
  add(data: string, id: string, timeMs: number, meta?: EntryMeta): void {
    if (this.stopped) throw new Error('the shipper is closed');
    const logId = this.o.logId;
    if (logId === undefined) throw new Error('this shipper has no log to send new entries to');
    if (this.o.whenFull === 'drop-newest' && this.pressure.isSpoolFull()) {
      this.counters.accepted += 1;
      this.counters.dropped += 1;
      return;
    }
    const cache = this.timeCache;
    if (timeMs !== cache.ms) {
      cache.ms = timeMs;
      cache.iso = new Date(timeMs).toISOString();
    }
    const iso = cache.iso;
    const run =
      meta === undefined
        ? (this.defaultMeta as RunMeta)
        : this.metas.get(meta.source ?? this.o.source, meta.type ?? this.o.type, 'subject' in meta ? meta.subject : this.o.subject, logId);
    let open = this.open ?? this.startBatch();
    if (!open.writer.add(data, id, iso, run)) {
      this.seal();
      open = this.startBatch();
      open.writer.add(data, id, iso, run);
    }
    this.counters.accepted += 1;
    this.tally.waiting += 1;
    if (open.writer.count >= this.o.batchSize) this.seal();
  }

  /**
   * Writes the entries added since the last commit to the spool. Returns a
   * promise when the caller should stop reading until it settles.
   */
  commit(): Promise<void> | undefined {
    if (this.open) this.writePending(this.open);
    return this.pressure.afterCommit();
  }

  /** Queues the segments an earlier run left behind, ahead of new input (they are older). */
  adopt(segments: readonly AdoptedSegment[]): void {
    for (const segment of segments) {
      this.counters.recovered += segment.records;
      this.tally.waiting += segment.records;
      this.insert(newBatch(this.adoptSeq++, '', segment.records, segment));
    }
    this.pump();
  }

  /** Sends what was added so far and waits until all of it is delivered or dead-lettered, or the grace ends (see close). */
  async settle(options: CloseOptions = {}): Promise<ShipStats> {
    this.seal();
    await this.untilIdle(options);
    return this.stats();
  }

  /**
   * Sends everything, waits as `options` allow, then stops: what is still
   * waiting stays in the spool (or, memory only, goes to the dead-letter
   * file), and the spool's lock is let go.
   */
  async close(options: CloseOptions = {}): Promise<ShipResult> {
    this.seal();
    await this.untilIdle(options);
    return this.stop();
  }

  /** Stops at once (a second signal): requests under way are abandoned; see close(). */
  abort(): ShipResult {
    this.stoppedBy ??= 'abort';
    return this.stop();
  }

  /** While close() or settle() waits: stop waiting at `deadlineAt` at the latest (a signal came). */
  hurry(deadlineAt: number): void {
    this.grace?.hurry(deadlineAt);
  }

  stats(): ShipStats {
    let inFlight = 0;
    for (const b of this.inFlight.keys()) inFlight += b.count;
    return this.tally.stats(inFlight, this.health.outageSince);
  }

  // ---- batching -------------------------------------------------------------

  private startBatch(): OpenBatch {
    const logId = this.o.logId as string;
    const open: OpenBatch = {
      writer: new BodyWriter(this.o.batchBytes),
      segment: this.o.spool ? this.o.spool.newSegment(logId) : new MemorySegment(),
      timer: this.clock.setTimeout(() => this.seal(), this.o.flushIntervalMs),
    };
    this.open = open;
    return open;
  }

  private writePending(open: OpenBatch): void {
    const { pieces, entries } = open.writer.takeUnwritten();
    if (entries === 0 && pieces.length === 0) return;
    const wasDurable = open.segment.durable;
    open.segment.append(pieces, entries);
    // Memory only does not count: there the body is meant to be the only copy.
    if (this.o.spool) {
      if (wasDurable && !open.segment.durable) this.counters.unspooled += open.segment.records;
      else if (!open.segment.durable) this.counters.unspooled += entries;
    }
  }

  /** Closes the open batch: its records are written ahead, its body finished (unless it waits on disk), and it joins the queue. */
  private seal(keepBody = true): void {
    const open = this.open;
    if (!open) return;
    this.open = undefined;
    this.clock.clearTimeout(open.timer);
    this.writePending(open);
    open.segment.seal();
    const batch = newBatch(this.seq++, this.o.logId as string, open.writer.count, open.segment);
    // A batch safe on disk can wait there instead of in memory: at the end, or while the service is away.
    const deadLettering = this.failures.deadLettering;
    const spill = open.segment.durable && (!keepBody || deadLettering || (!this.health.healthy && this.pressure.residentFull()));
    if (!spill) batch.body = open.writer.finish();
    if (deadLettering) {
      this.ends.deadLetter(batch);
      this.notifyIdle();
      return;
    }
    this.queue.push(batch);
    this.pump();
  }

  /** --when-full drops the open batch, which memory alone holds (the spool could not take it). */
  private dropOpen(): void {
    const open = this.open as OpenBatch;
    this.open = undefined;
    this.clock.clearTimeout(open.timer);
    open.segment.seal();
    this.ends.drop(newBatch(-1, this.o.logId as string, open.writer.count, open.segment));
  }

  // ---- delivery -------------------------------------------------------------

  private insert(batch: Batch): void {
    let i = this.queue.length;
    while (i > 0 && (this.queue[i - 1] as Batch).seq > batch.seq) i -= 1;
    this.queue.splice(i, 0, batch);
  }

  private pending = (): boolean => this.queue.length > 0 || this.inFlight.size > 0;

  private pump(): void {
    if (this.stopped) return;
    const now = this.clock.now();
    const { nextAttemptAt } = this.health;
    if (now < nextAttemptAt) {
      if (this.retryTimer === undefined && this.queue.length > 0) {
        this.retryTimer = this.clock.setTimeout(() => {
          this.retryTimer = undefined;
          this.pump();
        }, nextAttemptAt - now);
      }
    } else {
      const limit = this.health.healthy ? this.o.maxInFlight : 1;
      while (this.inFlight.size < limit && this.queue.length > 0) {
        const batch = this.queue.shift() as Batch;
        const controller = new AbortController();
        this.inFlight.set(batch, controller);
        this.attempt(batch, controller.signal).catch((err: unknown) => this.attemptFailed(batch, err));
      }
    }
    this.health.watch(this.pending);
    this.pressure.release();
    this.notifyIdle();
  }

  private async attempt(batch: Batch, signal: AbortSignal): Promise<void> {
    const body = batch.body ?? this.ends.load(batch);
    if (body === undefined) {
      this.inFlight.delete(batch);
      this.pump();
      return;
    }
    if (this.failures.stopped(batch.logId)) {
      // Read only now (an adopted segment): its log refuses everything, so it goes where that log's entries went.
      this.inFlight.delete(batch);
      this.ends.deadLetter(batch);
      this.pump();
      return;
    }
    batch.attempts += 1;
    this.counters.requests += 1;
    const startedAt = this.clock.now();
    let result: SendResult;
    try {
      result = await this.o.send(batch.logId, body, signal);
    } catch (err) {
      // A send function must not throw; one that does (or rejects on abort) failed this attempt, nothing more.
      result = sendThrew(err);
    }
    if (this.stopped || !this.inFlight.has(batch)) return;
    this.inFlight.delete(batch);
    if (result.ok) {
      this.health.success();
      this.ends.delivered(batch, body);
    } else {
      this.failures.failed(batch, result, startedAt);
    }
    this.pump();
  }

  /** A transient failure: the batch goes back in its place, to go again once the backoff allows. */
  private retry(batch: Batch, startedAt: number, retryAfterMs: number | undefined): void {
    this.counters.retries += 1;
    this.health.failure(startedAt, retryAfterMs);
    if (this.retryTimer !== undefined) {
      this.clock.clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
    }
    // Keep what waits on disk, not in memory, while the service is away.
    if (batch.segment.durable && this.pressure.residentFull()) batch.body = undefined;
    this.insert(batch);
  }

  /**
   * An attempt threw, which nothing in it should (a bug): said, and its
   * batch, if not yet settled, kept: on disk for the next run, or (memory
   * only) in the dead-letter file.
   */
  private attemptFailed(batch: Batch, err: unknown): void {
    this.events.internalError?.(err instanceof Error ? err : new Error(String(err)));
    if (this.inFlight.delete(batch)) {
      try {
        this.ends.leave(batch);
      } catch {
        this.tally.waiting -= batch.count;
        this.counters.lost += batch.count;
      }
    }
    if (!this.stopped) this.pump();
  }

  // ---- the end --------------------------------------------------------------

  private isIdle(): boolean {
    return this.queue.length === 0 && this.inFlight.size === 0 && this.open === undefined;
  }

  private notifyIdle(): void {
    if (this.isIdle()) this.grace?.done();
  }

  private async untilIdle(options: CloseOptions): Promise<void> {
    if (this.isIdle() || this.stopped) return;
    const grace = new GraceWait(this.clock, { ...options }, () => this.health.lastSuccessAt);
    this.grace = grace;
    const end = await grace.ended;
    this.grace = undefined;
    if (end !== 'idle') this.stoppedBy ??= end;
  }

  private stop(): ShipResult {
    if (!this.stopped) {
      this.stopped = true;
      // The open batch joins the others, in the spool (or memory) only.
      this.seal(false);
      this.clock.clearTimeout(this.retryTimer);
      this.health.stop();
      this.grace?.done();
      const pending = [...this.inFlight.keys(), ...this.queue];
      for (const controller of this.inFlight.values()) controller.abort();
      this.inFlight.clear();
      this.queue.length = 0;
      for (const batch of pending) this.ends.leave(batch);
      this.ends.removeLeftovers();
      this.o.deadLetter.close();
      this.o.spool?.close();
      this.pressure.releaseAll();
    }
    const left = this.tally.leftInSpool;
    return {
      ...this.stats(),
      waiting: left,
      inFlight: 0,
      deadLetterPath: this.counters.deadLettered > 0 ? this.o.deadLetter.path : undefined,
      failure: this.failures.stopFailure,
      lastFailure: this.failures.lastFailure,
      stoppedBy: left > 0 || this.stoppedBy === 'abort' ? this.stoppedBy : undefined,
      spooled: left,
      spoolDir: this.o.spool?.dir,
      logs: this.tally.logs(),
    };
  }
}
