import { systemClock } from '../clock.js';
import type { Clock, ClockTimer } from '../clock.js';
import { DEFAULT_BACKOFF } from '../delivery-policy.js';
import type { BackoffPolicy } from '../delivery-policy.js';
import { SegmentTakenOverError } from '../../errors.js';
import { bodyOf, copyToDeadLetter, recordsOf } from './batch.js';
import { bodyBuffers } from './body-buffers.js';
import type { Batch } from './batch.js';
import type { DeadLetterSink } from './dead-letter.js';
import { DeliveryHealth } from './delivery-health.js';
import { GraceWait } from './grace-wait.js';
import type { CloseOptions } from './grace-wait.js';
import type { SendFailure, SendFunction, SendResult } from './send-result.js';
import { MemorySegment } from './spool/segment.js';
import type { Segment } from './spool/segment.js';
import type { AdoptedSegment, SpoolDir } from './spool/spool-dir.js';
import { BodyWriter, RunMetas } from './wire-format.js';
import type { RunMeta } from './wire-format.js';

export type { CloseOptions } from './grace-wait.js';

/** Per-entry overrides of the shipper's source, type and subject (exec, replay). */
export interface EntryMeta {
  subject?: string | undefined;
  source?: string;
  type?: string;
}

export type WhenFull = 'block' | 'drop-oldest' | 'drop-newest';

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

/** A request that failed, as the user needs to hear it. */
export interface ShipFailure {
  result: SendFailure;
  logId: string;
  /** Attempts spent on the request. */
  attempts: number;
}

export interface ShipperEvents {
  /** No success for outageAfterMs while entries wait; `failure` is the last answer, if any came. */
  outageStarted?(since: number, failure: ShipFailure | undefined): void;
  outageEnded?(since: number, durationMs: number): void;
  /** The service refused a request for good: its entries went to the dead-letter file. `fatal`: every later one goes there too. */
  refused?(failure: ShipFailure, fatal: boolean): void;
  /** Memory only: a request ran out of retries; it and every later entry go to the dead-letter file. */
  gaveUp?(failure: ShipFailure): void;
  /** The spool is full: `policy` applies until it has room again (`full` false). */
  spoolFull?(full: boolean, policy: WhenFull): void;
  /** Records could not be read back: `kept`, they stay in the spool (still on disk); else they are counted as lost. */
  spoolReadFailed?(path: string, err: Error, kept: boolean): void;
  /** Writing the dead-letter file failed: the records stay in the spool, or (memory only) are lost. */
  deadLetterFailed?(err: Error, records: number): void;
  /** Another process took a segment of this one over (it judged this one gone): its `records` are that process's to send. */
  handedOver?(path: string, records: number, takenBy: number | undefined): void;
  /**
   * The spool cannot be written and memory holds all it may of what waits
   * (the requests under way and one more): `policy` applies to memory too
   * until delivery makes room (`full` false).
   */
  memoryFull?(full: boolean, policy: WhenFull): void;
  /** The file of a segment done with could not be removed: its entries (delivered, or in the dead-letter file) stay in it, and a later run sends them again. */
  removeFailed?(path: string, err: Error): void;
  /** Something that never should failed while a request was handled (a bug): its batch stays in the spool (or, memory only, goes to the dead-letter file). */
  internalError?(err: Error): void;
}

/** What became of one log's entries (a flush, or a run that recovered other logs' segments, sends to several). */
export interface LogOutcome {
  logId: string;
  delivered: number;
  deadLettered: number;
  /** The refusal (401/403/404) or the spent retries that stopped delivery to this log, if any did. */
  failure: ShipFailure | undefined;
}

export interface ShipStats {
  /** Entries handed to the shipper by this run. */
  accepted: number;
  /** Entries found in spool segments that earlier runs left behind. */
  recovered: number;
  delivered: number;
  deadLettered: number;
  /** Dropped by --when-full drop-oldest/drop-newest. */
  dropped: number;
  /** Neither delivered nor kept anywhere (memory only, when the dead-letter file could not be written). */
  lost: number;
  /** Unreadable or torn records in segments of earlier runs, skipped. */
  skipped: number;
  /** Not yet delivered: being filled, queued, or in a request under way. */
  waiting: number;
  /** Of those, entries in requests under way. */
  inFlight: number;
  retries: number;
  requests: number;
  /** Entries that could not be written to the spool (disk full): held in memory only. */
  unspooled: number;
  /** Entries of segments another oci-log process took over (it judged this one gone): it sends them. */
  handedOver: number;
  /** Since when the service has been failing (an outage), if it is. */
  outageSince: number | undefined;
}

/** Stats of a shipper that has not started: every count 0. */
export function emptyStats(): ShipStats {
  return {
    accepted: 0,
    recovered: 0,
    delivered: 0,
    deadLettered: 0,
    dropped: 0,
    lost: 0,
    skipped: 0,
    waiting: 0,
    inFlight: 0,
    retries: 0,
    requests: 0,
    unspooled: 0,
    handedOver: 0,
    outageSince: undefined,
  };
}

/** The stats of several shippers (one per log) added up. */
export function sumStats(shippers: Iterable<{ stats(): ShipStats }>): ShipStats {
  const total = emptyStats();
  for (const s of shippers) {
    const st = s.stats();
    for (const key of Object.keys(total) as Array<keyof ShipStats>) {
      if (key !== 'outageSince') total[key] += st[key];
    }
    total.outageSince ??= st.outageSince;
  }
  return total;
}

export interface ShipResult extends ShipStats {
  /** Why delivery ended before everything was sent: the grace period ran out, or the service stayed away. */
  stoppedBy: 'deadline' | 'stall' | 'abort' | undefined;
  /** Where dead-lettered entries are, when there are any. */
  deadLetterPath: string | undefined;
  /** Why delivery stopped early: the first fatal refusal, or the request that ran out of retries. */
  failure: ShipFailure | undefined;
  /** The last failed request, if any: what the service said when it stopped answering. */
  lastFailure: ShipFailure | undefined;
  /** Entries left in the spool for the next run or `oci-log flush`. */
  spooled: number;
  spoolDir: string | undefined;
  /** Per log (by OCID), what was delivered and dead-lettered, and what stopped delivery to it. */
  logs: LogOutcome[];
}

interface OpenBatch {
  writer: BodyWriter;
  segment: Segment;
  timer: ClockTimer | undefined;
}

/**
 * Batching and delivery order. Entries are grouped into PutLogs requests (by
 * count, bytes or age) and every record is written ahead to its batch's
 * spool segment; batches go out in order, several at a time while the
 * service answers and one at a time (a probe) while it does not. Transient
 * failures are retried with backoff (without end when spooled); refused
 * requests go to the dead-letter file, and a log that refuses everything
 * (401/403/404) has all its entries sent there, other logs going on. A
 * batch's segment is removed once the batch is done with, and only then.
 *
 * Backpressure: commit() returns a promise when the caller must stop reading
 * (requests are full and the service answers, so waiting beats spooling; or
 * the spool is full and --when-full is block). While the service is away and
 * the spool has room, new batches live only in the spool and reading goes on.
 * When the spool cannot be written (a full disk, its folder gone), batches
 * stay in memory, as many as requests may be under way and one more; past
 * that, --when-full decides as for a full spool.
 */
export class Shipper {
  private readonly o: ShipperOptions;
  /** The options' listeners, each made unable to throw into delivery. */
  private readonly events: ShipperEvents;
  private readonly clock: Clock;
  private readonly health: DeliveryHealth;
  private readonly metas = new RunMetas();
  private readonly defaultMeta: RunMeta | undefined;
  /** Bodies kept in memory at most: the requests under way and one waiting. */
  private readonly residentLimit: number;

  private open: OpenBatch | undefined;
  private readonly queue: Batch[] = [];
  private readonly inFlight = new Map<Batch, AbortController>();
  private seq = 0;
  /** Adopted segments sort before this run's batches, in the order they were written. */
  private adoptSeq = -Number.MAX_SAFE_INTEGER;
  private retryTimer: ClockTimer | undefined;
  private lastFailure: ShipFailure | undefined;
  private stopFailure: ShipFailure | undefined;
  /** Logs that refused for good (or, memory only, whose retries ran out): every entry for them goes to the dead-letter file. */
  private readonly stoppedLogs = new Map<string, ShipFailure>();
  /** New input goes to the dead-letter file: its log is one of stoppedLogs. */
  private deadLettering = false;
  private readonly outcomes = new Map<string, LogOutcome>();
  /** Segments done with whose files could not be removed: tried again at the end. */
  private readonly unremoved: Segment[] = [];
  /** Memory holds all it may of batches the spool could not take (see memoryOver). */
  private memoryFull = false;
  private stopped = false;
  private stoppedBy: ShipResult['stoppedBy'];
  private spoolFull = false;
  private waiters: Array<() => void> = [];
  private grace: GraceWait | undefined;
  private timeCache = { ms: -1, iso: '' };
  private readonly counters = {
    accepted: 0,
    recovered: 0,
    delivered: 0,
    deadLettered: 0,
    dropped: 0,
    lost: 0,
    skipped: 0,
    retries: 0,
    requests: 0,
    unspooled: 0,
    handedOver: 0,
  };
  /** Entries in the open batch, queued or in flight. */
  private waitingCount = 0;
  /** Entries that stay in the spool for the next run. */
  private leftInSpool = 0;

  constructor(options: ShipperOptions) {
    this.o = options;
    this.events = guarded(options.events);
    this.clock = options.clock ?? systemClock;
    this.residentLimit = options.maxInFlight + 1;
    this.health = new DeliveryHealth(
      this.clock,
      options.backoff ?? DEFAULT_BACKOFF,
      options.outageAfterMs ?? 10_000,
      {
        outageStarted: (since) => {
          this.events.outageStarted?.(since, this.lastFailure);
          this.release();
        },
        outageEnded: (since, durationMs) => this.events.outageEnded?.(since, durationMs),
      },
      options.random,
    );
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
    if (this.o.whenFull === 'drop-newest' && this.isSpoolFull()) {
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
    this.waitingCount += 1;
    if (open.writer.count >= this.o.batchSize) this.seal();
  }

  /**
   * Writes the entries added since the last commit to the spool. Returns a
   * promise when the caller should stop reading until it settles.
   */
  commit(): Promise<void> | undefined {
    if (this.open) this.writePending(this.open);
    this.noteFull();
    if (this.o.whenFull === 'drop-oldest' && this.isSpoolFull()) this.dropOldest();
    this.noteMemory();
    if (this.memoryFull && this.o.whenFull !== 'block') this.relieveMemory();
    if (!this.mustWait()) return undefined;
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Queues the segments an earlier run left behind, ahead of new input (they are older). */
  adopt(segments: readonly AdoptedSegment[]): void {
    for (const segment of segments) {
      this.counters.recovered += segment.records;
      this.waitingCount += segment.records;
      this.insert({ seq: this.adoptSeq++, logId: '', count: segment.records, segment, body: undefined, attempts: 0, done: 0 });
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
    return { ...this.counters, waiting: this.waitingCount, inFlight, outageSince: this.health.outageSince };
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
    const batch: Batch = { seq: this.seq++, logId: this.o.logId as string, count: open.writer.count, segment: open.segment, body: undefined, attempts: 0, done: 0 };
    // A batch safe on disk can wait there instead of in memory: at the end, or while the service is away.
    const durable = open.segment.durable;
    const spill = durable && (!keepBody || this.deadLettering || (!this.health.healthy && this.residentCount() >= this.residentLimit));
    if (!spill) batch.body = open.writer.finish();
    if (this.deadLettering) {
      this.deadLetter(batch);
      this.notifyIdle();
      return;
    }
    this.queue.push(batch);
    this.pump();
  }

  private residentCount(): number {
    let n = this.inFlight.size;
    for (const b of this.queue) if (b.body !== undefined) n += 1;
    return n;
  }

  private isSpoolFull(): boolean {
    const spool = this.o.spool;
    return spool !== undefined && spool.bytes >= this.o.spoolMaxBytes;
  }

  /**
   * A full spool is one episode, said once, from the moment it is full until
   * it is back under half its size: a spool at the edge, where each drop or
   * delivery makes a little room, is not a flicker of messages.
   */
  private noteFull(): void {
    const spool = this.o.spool;
    if (spool === undefined) return;
    const full = this.spoolFull ? spool.bytes >= this.o.spoolMaxBytes / 2 : spool.bytes >= this.o.spoolMaxBytes;
    if (full === this.spoolFull) return;
    this.spoolFull = full;
    this.events.spoolFull?.(full, this.o.whenFull);
  }

  private dropOldest(): void {
    while (this.isSpoolFull()) {
      const victim = this.queue.find((b) => b.segment.durable);
      if (!victim) return;
      this.queue.splice(this.queue.indexOf(victim), 1);
      this.drop(victim);
    }
  }

  /** A queued batch dropped by --when-full: counted, and its segment done with. */
  private drop(batch: Batch): void {
    this.counters.dropped += batch.count;
    this.waitingCount -= batch.count;
    batch.body = undefined;
    this.finish(batch);
  }

  /**
   * Batches whose body is their only copy although there is a spool (it
   * could not be written): queued, under way, and the open one. Nothing to
   * count until the spool has failed once.
   */
  private unspooledBatches(): number {
    if (this.o.spool === undefined || this.counters.unspooled === 0) return 0;
    let n = this.open !== undefined && !this.open.segment.durable ? 1 : 0;
    for (const b of this.inFlight.keys()) if (!b.segment.durable) n += 1;
    for (const b of this.queue) if (!b.segment.durable) n += 1;
    return n;
  }

  /**
   * While the service is away, memory holds more of what the spool could not
   * take than it may: as many batches as requests may be under way, and one
   * more. (While it answers, the reader waits on the requests instead.)
   */
  private memoryOver(): boolean {
    return !this.health.healthy && this.unspooledBatches() > this.residentLimit;
  }

  /** Like noteFull, for memory standing in for a spool that cannot be written: said once an episode, until it is back under half. */
  private noteMemory(): void {
    if (this.counters.unspooled === 0) return;
    const n = this.health.healthy ? 0 : this.unspooledBatches();
    const full = this.memoryFull ? n > Math.floor(this.residentLimit / 2) : n > this.residentLimit;
    if (full === this.memoryFull) return;
    this.memoryFull = full;
    this.events.memoryFull?.(full, this.o.whenFull);
  }

  /**
   * --when-full drop-newest or drop-oldest, applied to the batches memory
   * holds for the spool: the newest go (the open one first), or the oldest
   * that are not under way. Batches safe on disk are not touched: they take
   * no memory.
   */
  private relieveMemory(): void {
    const newest = this.o.whenFull === 'drop-newest';
    while (this.memoryOver()) {
      const open = this.open;
      if (newest && open !== undefined && !open.segment.durable) {
        this.open = undefined;
        this.clock.clearTimeout(open.timer);
        open.segment.seal();
        this.drop({ seq: -1, logId: this.o.logId as string, count: open.writer.count, segment: open.segment, body: undefined, attempts: 0, done: 0 });
        continue;
      }
      let at = -1;
      for (let i = 0; i < this.queue.length; i++) {
        if (!(this.queue[i] as Batch).segment.durable) {
          at = i;
          if (!newest) break;
        }
      }
      // All of them under way: the reader waits (mustWait) until one is answered.
      if (at === -1) return;
      this.drop(this.queue.splice(at, 1)[0] as Batch);
    }
  }

  private mustWait(): boolean {
    if (this.stopped) return false;
    if (this.isSpoolFull()) {
      if (this.o.whenFull === 'block') return true;
      if (this.o.whenFull === 'drop-oldest' && !this.queue.some((b) => b.segment.durable)) return true;
    }
    // The spool cannot take what waits and memory holds all it may: block, or nothing left to drop.
    if (this.memoryOver()) return true;
    // The service answers (or the batches cannot go to disk): hold the reader rather than the memory.
    const canSpill = this.o.spool !== undefined && !this.health.healthy;
    return !canSpill && this.residentCount() >= this.residentLimit;
  }

  private release(): void {
    this.noteFull();
    this.noteMemory();
    if (this.waiters.length === 0 || this.mustWait()) return;
    for (const w of this.waiters.splice(0)) w();
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
    this.release();
    this.notifyIdle();
  }

  private async attempt(batch: Batch, signal: AbortSignal): Promise<void> {
    const body = batch.body ?? this.load(batch);
    if (body === undefined) {
      this.inFlight.delete(batch);
      this.pump();
      return;
    }
    if (this.stoppedLogs.has(batch.logId)) {
      // Read only now (an adopted segment): its log refuses everything, so it goes where that log's entries went.
      this.inFlight.delete(batch);
      this.deadLetter(batch);
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
      result = thrown(err);
    }
    if (this.stopped || !this.inFlight.has(batch)) return;
    this.inFlight.delete(batch);
    if (result.ok) this.delivered(batch, body);
    else this.failed(batch, result, startedAt);
    this.pump();
  }

  private delivered(batch: Batch, body: Buffer): void {
    this.health.success();
    this.counters.delivered += batch.count;
    this.waitingCount -= batch.count;
    this.outcome(batch.logId).delivered += batch.count;
    // Answered, so written whole: the buffer can carry another body.
    bodyBuffers.give(Buffer.from(body.buffer, 0, body.buffer.byteLength));
    batch.body = undefined;
    this.finish(batch);
  }

  private failed(batch: Batch, result: SendFailure, startedAt: number): void {
    const failure: ShipFailure = { result, logId: batch.logId, attempts: batch.attempts };
    this.lastFailure = failure;
    if (this.stoppedLogs.has(batch.logId)) {
      // Its log stopped while it was under way: it meets the same end as the others.
      this.deadLetter(batch);
    } else if (result.kind === 'transient' && (this.o.spool !== undefined || batch.attempts <= this.o.maxRetries)) {
      this.counters.retries += 1;
      this.health.failure(startedAt, result.retryAfterMs);
      if (this.retryTimer !== undefined) {
        this.clock.clearTimeout(this.retryTimer);
        this.retryTimer = undefined;
      }
      // Keep what waits on disk, not in memory, while the service is away.
      if (batch.segment.durable && this.residentCount() >= this.residentLimit) batch.body = undefined;
      this.insert(batch);
    } else if (result.kind === 'refused') {
      this.events.refused?.(failure, false);
      this.deadLetter(batch);
    } else {
      // A fatal refusal, or (memory only) a request out of retries: this one and all that follow for its log go to the dead-letter file.
      if (result.kind === 'fatal') this.events.refused?.(failure, true);
      else this.events.gaveUp?.(failure);
      this.stopFailure ??= failure;
      this.deadLetter(batch);
      this.stopLog(batch.logId, failure);
    }
  }

  /** Stops delivery to one log for good: its queued batches (and, if it is this shipper's own log, all new input) go to the dead-letter file. */
  private stopLog(logId: string, failure: ShipFailure): void {
    this.stoppedLogs.set(logId, failure);
    this.outcome(logId).failure ??= failure;
    const others: Batch[] = [];
    const theirs: Batch[] = [];
    for (const b of this.queue) (b.logId === logId ? theirs : others).push(b);
    this.queue.splice(0, this.queue.length, ...others);
    for (const b of theirs) this.deadLetter(b);
    if (logId === this.o.logId) {
      this.deadLettering = true;
      if (this.open) this.seal();
    }
  }

  private outcome(logId: string): LogOutcome {
    let o = this.outcomes.get(logId);
    if (o === undefined) {
      o = { logId, delivered: 0, deadLettered: 0, failure: undefined };
      this.outcomes.set(logId, o);
    }
    return o;
  }

  /**
   * Sets a batch's count to the entries its segment really holds: fewer
   * (torn or unreadable lines, skipped and counted), or, for an adopted
   * segment whose writer was still at it, more (recovered).
   */
  private recount(batch: Batch, good: number): void {
    const diff = good - batch.count;
    if (diff < 0) this.counters.skipped -= diff;
    else this.counters.recovered += diff;
    this.waitingCount += diff;
    batch.count = good;
  }

  /** Reads a batch's entries back from its segment and rebuilds its body; undefined when nothing is left to send. */
  private load(batch: Batch): Buffer | undefined {
    let loaded;
    try {
      loaded = recordsOf(batch);
    } catch (err) {
      this.unreadable(batch, err);
      return undefined;
    }
    this.recount(batch, loaded.records.length);
    const body = bodyOf(loaded.records, this.metas);
    if (body === undefined) this.finish(batch);
    return body;
  }

  /**
   * A batch's segment could not be read back. Taken over by another
   * process: that one sends it. Still on disk (unreadable now: EMFILE, EIO,
   * permissions): it stays there, for the next run or flush, never unlinked.
   */
  private unreadable(batch: Batch, err: unknown): void {
    if (err instanceof SegmentTakenOverError) {
      this.waitingCount -= batch.count;
      this.handOver(batch, err);
      return;
    }
    const kept = batch.segment.durable;
    this.events.spoolReadFailed?.(batch.segment.path ?? '(memory)', err as Error, kept);
    if (kept) {
      this.leftInSpool += batch.count;
    } else {
      this.waitingCount -= batch.count;
      this.counters.lost += batch.count;
    }
  }

  /** Copies a batch's entries to the dead-letter file; the spool keeps them if that fails. */
  private deadLetter(batch: Batch): void {
    let records;
    try {
      records = recordsOf(batch).records;
    } catch (err) {
      this.unreadable(batch, err);
      return;
    }
    this.recount(batch, records.length);
    this.waitingCount -= batch.count;
    const { kept, error } = copyToDeadLetter(records, this.o.deadLetter);
    this.counters.deadLettered += kept;
    if (kept > 0) this.outcome(batch.logId).deadLettered += kept;
    if (error === undefined) {
      this.finish(batch);
      return;
    }
    const left = records.length - kept;
    this.events.deadLetterFailed?.(error, left);
    if (batch.segment.durable) {
      // Still in the spool: the next run sends it again (and dead-letters it if the service refuses it again).
      this.waitingCount += left;
      this.leftInSpool += left;
    } else {
      this.counters.lost += left;
      this.finish(batch);
    }
  }

  private handOver(batch: Batch, err: SegmentTakenOverError): void {
    this.counters.handedOver += batch.count;
    this.events.handedOver?.(err.path, batch.count, err.takenBy);
    // The file is gone already: only its bytes leave the count.
    batch.segment.remove();
  }

  /**
   * A batch is done with (delivered, dead-lettered, dropped): its segment
   * goes. One that grew meanwhile (an adopted segment whose writer was still
   * at it) is queued again for what was added; one whose file cannot be
   * removed is said, and tried again at the end.
   */
  private finish(batch: Batch): void {
    const removal = batch.segment.remove();
    if (removal === 'removed') return;
    if (removal === 'grown') {
      batch.done += batch.count;
      batch.count = 0;
      batch.body = undefined;
      batch.attempts = 0;
      this.insert(batch);
      return;
    }
    this.unremoved.push(batch.segment);
    this.events.removeFailed?.(batch.segment.path ?? '(memory)', removal);
  }

  /**
   * An attempt threw, which nothing in it should (a bug): said, and its
   * batch, if not yet settled, kept: on disk for the next run, or (memory
   * only) in the dead-letter file.
   */
  private attemptFailed(batch: Batch, err: unknown): void {
    this.events.internalError?.(err instanceof Error ? err : new Error(String(err)));
    if (this.inFlight.delete(batch)) {
      if (batch.segment.durable) {
        this.leftInSpool += batch.count;
      } else {
        try {
          this.deadLetter(batch);
        } catch {
          this.waitingCount -= batch.count;
          this.counters.lost += batch.count;
        }
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
      for (const batch of pending) {
        if (batch.segment.durable) this.leftInSpool += batch.count;
        else this.deadLetter(batch);
      }
      // What could not be removed earlier may be removable now; what still cannot was said when it first failed.
      for (const segment of this.unremoved.splice(0)) segment.remove();
      this.o.deadLetter.close();
      this.o.spool?.close();
      for (const w of this.waiters.splice(0)) w();
    }
    return {
      ...this.stats(),
      waiting: this.leftInSpool,
      inFlight: 0,
      deadLetterPath: this.counters.deadLettered > 0 ? this.o.deadLetter.path : undefined,
      failure: this.stopFailure,
      lastFailure: this.lastFailure,
      stoppedBy: this.leftInSpool > 0 || this.stoppedBy === 'abort' ? this.stoppedBy : undefined,
      spooled: this.leftInSpool,
      spoolDir: this.o.spool?.dir,
      logs: [...this.outcomes.values()].filter((o) => o.logId !== '').sort((a, b) => a.logId.localeCompare(b.logId)),
    };
  }
}

/** The result of a send function that threw: a failed attempt with no answer, tried again like any other. */
function thrown(err: unknown): SendFailure {
  const message = err instanceof Error ? err.message : String(err);
  return { ok: false, kind: 'transient', status: undefined, serviceCode: undefined, serviceMessage: `the request could not be made: ${message}`, opcRequestId: undefined, retryAfterMs: undefined };
}

/** Listeners that cannot throw into delivery: one that fails (a library user's onWarning, say) is skipped, and delivery goes on. */
function guarded(events: ShipperEvents | undefined): ShipperEvents {
  const out: Record<string, (...args: unknown[]) => void> = {};
  for (const [name, listener] of Object.entries(events ?? {})) {
    if (typeof listener !== 'function') continue;
    out[name] = (...args: unknown[]) => {
      try {
        (listener as (...a: unknown[]) => void).apply(events, args);
      } catch {
        // Not the shipper's to handle, and never a reason to lose a line.
      }
    };
  }
  return out as ShipperEvents;
}
