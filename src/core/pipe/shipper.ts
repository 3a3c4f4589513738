import { systemClock } from '../clock.js';
import type { Clock, ClockTimer } from '../clock.js';
import { DEFAULT_BACKOFF, backoffDelay } from '../delivery-policy.js';
import type { BackoffPolicy } from '../delivery-policy.js';
import type { DeadLetterSink } from './dead-letter.js';
import { parseRecordLine, splitRecords } from './log-record.js';
import type { SendFailure, SendFunction } from './send-result.js';
import { MemorySegment } from './spool/segment.js';
import type { Segment } from './spool/segment.js';
import type { AdoptedSegment, SpoolDir } from './spool/spool-dir.js';
import { BodyWriter, RunMetas, entryHead } from './wire-format.js';
import type { RunMeta } from './wire-format.js';

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
  /** Records could not be read back from the spool (the file went away): counted as lost. */
  spoolReadFailed?(path: string, err: Error): void;
  /** Writing the dead-letter file failed: the records stay in the spool, or (memory only) are lost. */
  deadLetterFailed?(err: Error, records: number): void;
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
  /** Since when the service has been failing (an outage), if it is. */
  outageSince: number | undefined;
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
}

export interface CloseOptions {
  /** Stop delivering at this time (clock ms) whatever happens: a signal's grace period. */
  deadlineAt?: number;
  /** Stop once no request has succeeded for this long (the input has ended and the service is away). */
  stallMs?: number;
}

interface OpenBatch {
  writer: BodyWriter;
  segment: Segment;
  /** Record lines not yet written to the segment. */
  pending: string;
  pendingCount: number;
  timer: ClockTimer | undefined;
}

interface Batch {
  seq: number;
  logId: string;
  count: number;
  segment: Segment;
  /** The request body, or undefined while it lives only in the spool. */
  body: Buffer | undefined;
  attempts: number;
}

/**
 * Batching and delivery order. Entries are grouped into PutLogs requests (by
 * count, bytes or age) and every record is written ahead to its batch's
 * spool segment; batches go out in order, several at a time while the
 * service answers and one at a time (a probe) while it does not. Transient
 * failures are retried with backoff (without end when spooled); refused
 * requests go to the dead-letter file. A delivered batch's segment is removed.
 *
 * Backpressure: commit() returns a promise when the caller must stop reading
 * (requests are full and the service answers, so waiting beats spooling; or
 * the spool is full and --when-full is block). While the service is away and
 * the spool has room, new batches live only in the spool and reading goes on.
 */
export class Shipper {
  private readonly o: ShipperOptions;
  private readonly clock: Clock;
  private readonly backoff: BackoffPolicy;
  private readonly metas = new RunMetas();
  private readonly defaultMeta: RunMeta | undefined;
  private readonly outageAfterMs: number;
  /** Bodies kept in memory at most: the requests under way, one waiting and one being filled. */
  private readonly residentLimit: number;

  private open: OpenBatch | undefined;
  private readonly queue: Batch[] = [];
  private readonly inFlight = new Map<Batch, AbortController>();
  private seq = 0;
  private healthy = true;
  private consecutiveFailures = 0;
  private lastFailureAt = -Infinity;
  private nextAttemptAt = 0;
  private retryTimer: ClockTimer | undefined;
  private lastSuccessAt: number;
  private outageTimer: ClockTimer | undefined;
  private outageSince: number | undefined;
  private lastFailure: ShipFailure | undefined;
  private stopFailure: ShipFailure | undefined;
  /** Everything from now on goes to the dead-letter file (a fatal refusal, or retries spent). */
  private deadLettering = false;
  private stopped = false;
  private spoolFull = false;
  private waiters: Array<() => void> = [];
  private idleWaiters: Array<() => void> = [];
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
  };
  /** Entries in the open batch, queued or in flight. */
  private waitingCount = 0;
  /** Entries that stay in the spool for the next run. */
  private leftInSpool = 0;
  /** When close() began waiting: the stall clock starts no earlier. */
  private stallStart = 0;
  /** How long close() may still wait; hurry() can shorten it while it waits. */
  private closing: { options: CloseOptions; recheck: () => void } | undefined;
  private stoppedBy: ShipResult['stoppedBy'];
  /** Adopted segments sort before this run's batches, in the order they were written. */
  private adoptSeq = -Number.MAX_SAFE_INTEGER;
  private timeCache = { ms: -1, iso: '' };

  constructor(options: ShipperOptions) {
    this.o = options;
    this.clock = options.clock ?? systemClock;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.outageAfterMs = options.outageAfterMs ?? 10_000;
    this.residentLimit = options.maxInFlight + 1;
    this.lastSuccessAt = this.clock.now();
    this.defaultMeta = options.logId === undefined ? undefined : this.metas.get(options.source, options.type, options.subject, options.logId);
  }

  /**
   * Adds one entry; `timeMs` is its time (when its line was read). Call
   * commit() after a run of adds (one chunk of input) to write them ahead
   * to the spool and learn whether to pause.
   */
  add(data: string, id: string, timeMs: number, meta?: EntryMeta): void {
    if (this.stopped) throw new Error('the shipper is closed');
    const logId = this.o.logId;
    if (logId === undefined) throw new Error('this shipper has no log to send new entries to');
    if (this.o.spool && this.o.whenFull === 'drop-newest' && this.isSpoolFull()) {
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
    const head = entryHead(data, id, iso);
    let open = this.open ?? this.startBatch();
    if (!open.writer.add(head, run, iso)) {
      this.seal();
      open = this.startBatch();
      open.writer.add(head, run, iso);
    }
    open.pending += head + run.recordTail;
    open.pendingCount += 1;
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
    if (this.o.spool) {
      // One episode from the first commit that finds the spool full to the first that finds room without dropping.
      const full = this.isSpoolFull();
      if (full && this.o.whenFull === 'drop-oldest') this.dropOldest();
      this.noteFull(full);
    }
    if (!this.mustWait()) return undefined;
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Queues the segments an earlier run left behind, ahead of new input (they are older). */
  adopt(segments: readonly AdoptedSegment[], torn: number): void {
    this.counters.skipped += torn;
    for (const segment of segments) {
      const batch: Batch = { seq: this.adoptSeq++, logId: '', count: segment.records, segment, body: undefined, attempts: 0 };
      this.counters.recovered += segment.records;
      this.waitingCount += segment.records;
      this.insert(batch);
    }
    this.pump();
  }

  /** Sends what was added so far and waits until all of it is delivered, dead-lettered or (see close) left waiting. */
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

  stats(): ShipStats {
    let inFlight = 0;
    for (const b of this.inFlight.keys()) inFlight += b.count;
    return { ...this.counters, waiting: this.waitingCount, inFlight, outageSince: this.outageSince };
  }

  // ---- batching -------------------------------------------------------------

  private startBatch(): OpenBatch {
    const logId = this.o.logId as string;
    const open: OpenBatch = {
      writer: new BodyWriter(this.o.batchBytes),
      segment: this.o.spool ? this.o.spool.newSegment(logId) : new MemorySegment(),
      pending: '',
      pendingCount: 0,
      timer: this.clock.setTimeout(() => this.seal(), this.o.flushIntervalMs),
    };
    this.open = open;
    return open;
  }

  private writePending(open: OpenBatch): void {
    if (open.pendingCount === 0) return;
    const wasDurable = open.segment.durable;
    open.segment.append(open.pending, open.pendingCount);
    if (wasDurable && !open.segment.durable) this.counters.unspooled += open.segment.records;
    else if (!open.segment.durable) this.counters.unspooled += open.pendingCount;
    open.pending = '';
    open.pendingCount = 0;
  }

  private seal(): void {
    const open = this.open;
    if (!open) return;
    this.open = undefined;
    this.clock.clearTimeout(open.timer);
    this.writePending(open);
    open.segment.seal();
    const batch: Batch = { seq: this.seq++, logId: this.o.logId as string, count: open.writer.count, segment: open.segment, body: undefined, attempts: 0 };
    if (this.deadLettering) {
      this.deadLetter(batch);
      this.notifyIdle();
      return;
    }
    // While the service is away, a batch that is safe on disk waits there instead of in memory.
    const spill = open.segment.durable && !this.healthy && this.residentCount() >= this.residentLimit;
    if (!spill) batch.body = open.writer.finish();
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

  private noteFull(full: boolean): void {
    if (full === this.spoolFull) return;
    this.spoolFull = full;
    this.o.events?.spoolFull?.(full, this.o.whenFull);
  }

  private dropOldest(): void {
    while (this.isSpoolFull()) {
      const victim = this.queue.find((b) => b.segment.durable);
      if (!victim) return;
      this.queue.splice(this.queue.indexOf(victim), 1);
      victim.segment.remove();
      this.counters.dropped += victim.count;
      this.waitingCount -= victim.count;
    }
  }

  private mustWait(): boolean {
    if (this.stopped) return false;
    if (this.o.spool && this.isSpoolFull()) {
      if (this.o.whenFull === 'block') return true;
      if (this.o.whenFull === 'drop-oldest' && !this.queue.some((b) => b.segment.durable)) return true;
    }
    // The service answers (or the batches cannot go to disk): hold the reader rather than the memory.
    const canSpill = this.o.spool !== undefined && !this.healthy;
    return !canSpill && this.residentCount() >= this.residentLimit;
  }

  private release(): void {
    if (this.waiters.length === 0 || this.mustWait()) return;
    for (const w of this.waiters.splice(0)) w();
  }

  // ---- delivery -------------------------------------------------------------

  private insert(batch: Batch): void {
    let i = this.queue.length;
    while (i > 0 && (this.queue[i - 1] as Batch).seq > batch.seq) i -= 1;
    this.queue.splice(i, 0, batch);
  }

  private pump(): void {
    if (this.stopped) return;
    const now = this.clock.now();
    if (now < this.nextAttemptAt) {
      if (this.retryTimer === undefined && this.queue.length > 0) {
        this.retryTimer = this.clock.setTimeout(() => {
          this.retryTimer = undefined;
          this.pump();
        }, this.nextAttemptAt - now);
      }
    } else {
      const limit = this.healthy ? this.o.maxInFlight : 1;
      while (this.inFlight.size < limit && this.queue.length > 0) {
        const batch = this.queue.shift() as Batch;
        const controller = new AbortController();
        this.inFlight.set(batch, controller);
        void this.attempt(batch, controller.signal);
      }
    }
    this.watchOutage();
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
    batch.attempts += 1;
    this.counters.requests += 1;
    const startedAt = this.clock.now();
    const result = await this.o.send(batch.logId, body, signal);
    if (this.stopped || !this.inFlight.has(batch)) return;
    this.inFlight.delete(batch);
    const now = this.clock.now();
    if (result.ok) {
      this.lastSuccessAt = now;
      this.consecutiveFailures = 0;
      this.nextAttemptAt = 0;
      this.healthy = true;
      if (this.outageSince !== undefined) {
        const since = this.outageSince;
        this.outageSince = undefined;
        this.o.events?.outageEnded?.(since, now - since);
      }
      this.counters.delivered += batch.count;
      this.waitingCount -= batch.count;
      batch.segment.remove();
    } else {
      const failure: ShipFailure = { result, logId: batch.logId, attempts: batch.attempts };
      this.lastFailure = failure;
      if (result.kind === 'transient' && (this.o.spool !== undefined || batch.attempts <= this.o.maxRetries)) {
        this.counters.retries += 1;
        this.healthy = false;
        // Requests already under way when the service began failing fail together: one step of backoff for all of them.
        if (startedAt >= this.lastFailureAt) this.consecutiveFailures += 1;
        this.lastFailureAt = now;
        const delay = backoffDelay(this.backoff, this.consecutiveFailures - 1, result.retryAfterMs, this.o.random);
        this.nextAttemptAt = Math.max(this.nextAttemptAt, now + delay);
        if (this.retryTimer !== undefined) {
          this.clock.clearTimeout(this.retryTimer);
          this.retryTimer = undefined;
        }
        // Keep what waits on disk, not in memory, while the service is away.
        if (batch.segment.durable && this.residentCount() >= this.residentLimit) batch.body = undefined;
        this.insert(batch);
      } else if (result.kind === 'transient') {
        this.stopFailure ??= failure;
        this.deadLettering = true;
        this.o.events?.gaveUp?.(failure);
        this.deadLetter(batch);
        this.deadLetterQueue();
      } else if (this.deadLettering) {
        // Delivery already stopped for good; requests that were under way meet the same refusal.
        this.deadLetter(batch);
      } else {
        const fatal = result.kind === 'fatal';
        this.o.events?.refused?.(failure, fatal);
        this.deadLetter(batch);
        if (fatal) {
          this.stopFailure ??= failure;
          this.deadLettering = true;
          this.deadLetterQueue();
        }
      }
    }
    this.pump();
  }

  /** Reads a batch's records back from its segment and rebuilds its body. */
  private load(batch: Batch): Buffer | undefined {
    let text: string;
    try {
      text = batch.segment.read();
    } catch (err) {
      this.o.events?.spoolReadFailed?.(batch.segment.path ?? '(memory)', err as Error);
      this.counters.lost += batch.count;
      this.waitingCount -= batch.count;
      batch.segment.remove();
      return undefined;
    }
    const { lines } = splitRecords(text);
    const writer = new BodyWriter(Number.MAX_SAFE_INTEGER);
    let good = 0;
    for (const line of lines) {
      const parsed = parseRecordLine(line);
      if (!parsed.ok) continue;
      const r = parsed.record;
      if (batch.logId === '') batch.logId = r.logId;
      if (r.logId !== batch.logId) continue;
      writer.add(entryHead(r.data, r.id, r.time), this.metas.get(r.source, r.type, r.subject, r.logId), r.time);
      good += 1;
    }
    const bad = batch.count - good;
    if (bad > 0) {
      this.counters.skipped += bad;
      this.waitingCount -= bad;
      batch.count = good;
    }
    if (good === 0) {
      batch.segment.remove();
      return undefined;
    }
    return writer.finish();
  }

  private deadLetterQueue(): void {
    for (const b of this.queue.splice(0)) this.deadLetter(b);
    if (this.open) this.seal();
  }

  /** Copies a batch's records to the dead-letter file; the spool keeps them if that fails. */
  private deadLetter(batch: Batch): void {
    this.waitingCount -= batch.count;
    let text: string;
    try {
      text = batch.segment.read();
    } catch (err) {
      this.o.events?.spoolReadFailed?.(batch.segment.path ?? '(memory)', err as Error);
      this.counters.lost += batch.count;
      return;
    }
    const { lines } = splitRecords(text);
    const { kept, error } = this.o.deadLetter.append(lines.length === 0 ? '' : lines.join('\n') + '\n', lines.length);
    this.counters.deadLettered += kept;
    if (error === undefined) {
      batch.segment.remove();
      return;
    }
    this.o.events?.deadLetterFailed?.(error, lines.length - kept);
    if (batch.segment.durable) {
      // Still in the spool: the next run sends it again (and dead-letters it if the service refuses it again).
      this.waitingCount += lines.length - kept;
      this.leftInSpool += lines.length - kept;
    } else {
      this.counters.lost += batch.count - kept;
      batch.segment.remove();
    }
  }

  // ---- health ---------------------------------------------------------------

  /** Arms the outage timer while entries wait: no success for outageAfterMs is an outage. */
  private watchOutage(): void {
    const pending = this.queue.length > 0 || this.inFlight.size > 0;
    if (!pending) {
      this.clock.clearTimeout(this.outageTimer);
      this.outageTimer = undefined;
      this.lastSuccessAt = this.clock.now();
      return;
    }
    if (this.outageTimer !== undefined || this.outageSince !== undefined) return;
    const due = this.lastSuccessAt + this.outageAfterMs - this.clock.now();
    this.outageTimer = this.clock.setTimeout(() => {
      this.outageTimer = undefined;
      if (this.stopped) return;
      const stillPending = this.queue.length > 0 || this.inFlight.size > 0;
      if (stillPending && this.clock.now() - this.lastSuccessAt >= this.outageAfterMs) {
        this.outageSince = this.lastSuccessAt;
        // Requests that hang count as failing: let the spool take the input.
        this.healthy = false;
        this.o.events?.outageStarted?.(this.outageSince, this.lastFailure);
        this.release();
      } else {
        this.watchOutage();
      }
    }, Math.max(0, due));
  }

  // ---- the end --------------------------------------------------------------

  private isIdle(): boolean {
    return this.queue.length === 0 && this.inFlight.size === 0 && this.open === undefined;
  }

  private notifyIdle(): void {
    if (this.isIdle()) for (const w of this.idleWaiters.splice(0)) w();
  }

  private untilIdle(options: CloseOptions): Promise<void> {
    if (this.isIdle() || this.stopped) return Promise.resolve();
    const opts = { ...options };
    return new Promise<void>((resolve) => {
      let timer: ClockTimer | undefined;
      const done = (why: ShipResult['stoppedBy']): void => {
        this.clock.clearTimeout(timer);
        const i = this.idleWaiters.indexOf(idle);
        if (i >= 0) this.idleWaiters.splice(i, 1);
        this.closing = undefined;
        this.stoppedBy ??= why;
        resolve();
      };
      const idle = (): void => done(undefined);
      this.idleWaiters.push(idle);
      const check = (): void => {
        this.clock.clearTimeout(timer);
        timer = undefined;
        const now = this.clock.now();
        const stallFrom = Math.max(this.lastSuccessAt, this.stallStart);
        if (opts.deadlineAt !== undefined && now >= opts.deadlineAt) return done('deadline');
        if (opts.stallMs !== undefined && now - stallFrom >= opts.stallMs) return done('stall');
        let next = Infinity;
        if (opts.deadlineAt !== undefined) next = Math.min(next, opts.deadlineAt - now);
        if (opts.stallMs !== undefined) next = Math.min(next, stallFrom + opts.stallMs - now);
        if (next !== Infinity) timer = this.clock.setTimeout(check, Math.max(1, next));
      };
      this.stallStart = this.clock.now();
      this.closing = { options: opts, recheck: check };
      check();
    });
  }

  /** While close() or settle() waits: stop waiting at `deadlineAt` at the latest (a signal came). */
  hurry(deadlineAt: number): void {
    const closing = this.closing;
    if (!closing) return;
    closing.options.deadlineAt = Math.min(closing.options.deadlineAt ?? Infinity, deadlineAt);
    closing.recheck();
  }

  private stop(): ShipResult {
    if (!this.stopped) {
      if (this.open) {
        const open = this.open;
        this.open = undefined;
        this.clock.clearTimeout(open.timer);
        this.writePending(open);
        open.segment.seal();
        this.queue.push({ seq: this.seq++, logId: this.o.logId as string, count: open.writer.count, segment: open.segment, body: undefined, attempts: 0 });
      }
      this.stopped = true;
      this.clock.clearTimeout(this.retryTimer);
      this.clock.clearTimeout(this.outageTimer);
      const pending = [...this.inFlight.keys(), ...this.queue];
      for (const controller of this.inFlight.values()) controller.abort();
      this.inFlight.clear();
      this.queue.length = 0;
      for (const batch of pending) {
        if (batch.segment.durable) this.leftInSpool += batch.count;
        else this.deadLetter(batch);
      }
      this.o.deadLetter.close();
      this.o.spool?.close();
      for (const w of this.waiters.splice(0)) w();
      for (const w of this.idleWaiters.splice(0)) w();
    }
    const stats = this.stats();
    return {
      ...stats,
      waiting: this.leftInSpool,
      inFlight: 0,
      deadLetterPath: this.counters.deadLettered > 0 ? this.o.deadLetter.path : undefined,
      failure: this.stopFailure,
      lastFailure: this.lastFailure,
      stoppedBy: this.leftInSpool > 0 || this.stoppedBy === 'abort' ? this.stoppedBy : undefined,
      spooled: this.leftInSpool,
      spoolDir: this.o.spool?.dir,
    };
  }
}
