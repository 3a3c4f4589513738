import type { DeadLetterRecord, DeadLetterSink } from './dead-letter.js';
import { retryDelay } from './retry-policy.js';
import type { RetryPolicy } from './retry-policy.js';
import type { SendFunction, SendResult } from './send-result.js';

/** Per-entry overrides of the shipper's source, type and subject (exec, replay). */
export interface EntryMeta {
  subject?: string | undefined;
  source?: string;
  type?: string;
}

export interface ShipperOptions {
  logId: string;
  source: string;
  type: string;
  subject: string | undefined;
  /** A request goes at this many entries… */
  batchSize: number;
  /** …or this many bytes of body… */
  batchBytes: number;
  /** …or this many ms after its first entry, whichever comes first. */
  flushIntervalMs: number;
  /** Requests at once (1 keeps the log's arrival order the input order). */
  maxInFlight?: number;
  retry: RetryPolicy;
  send: SendFunction;
  deadLetter: DeadLetterSink;
  random?: () => number;
  /** Called once, when delivery fails for good and draining into the dead-letter sink begins. */
  onGiveUp?: (failure: ShipFailure) => void;
}

export interface ShipStats {
  /** Entries handed to the shipper. */
  accepted: number;
  delivered: number;
  deadLettered: number;
  /** Entries in requests under way. */
  inFlight: number;
  /** Retried requests. */
  retries: number;
  requests: number;
}

/** The first failure that made the shipper give up on the log. */
export interface ShipFailure {
  result: Extract<SendResult, { ok: false }>;
  logId: string;
  /** Retries spent on the request before giving up. */
  retries: number;
}

export interface ShipResult extends ShipStats {
  failure: ShipFailure | undefined;
  /** Set when at least one entry went to the dead-letter file. */
  deadLetterPath: string | undefined;
  /** Entries neither delivered nor written to the dead-letter file, because writing it failed. */
  lost: number;
  deadLetterError: string | undefined;
}

interface Run {
  source: string;
  type: string;
  subject: string | undefined;
  /** Serialised entries: {"data":…,"id":…,"time":…} */
  parts: string[];
  firstTime: string;
}

interface Batch {
  runs: Run[];
  count: number;
  bytes: number;
}

const BODY_HEAD = '{"specversion":"1.0","logEntryBatches":[';
const BODY_TAIL = ']}';
const BODY_OVERHEAD = BODY_HEAD.length + BODY_TAIL.length;
const TIME_SAMPLE = '2000-01-01T00:00:00.000Z';

function runTail(run: { source: string; type: string; subject: string | undefined }, time: string): string {
  return (
    '],"source":' +
    JSON.stringify(run.source) +
    ',"type":' +
    JSON.stringify(run.type) +
    (run.subject === undefined ? '' : ',"subject":' + JSON.stringify(run.subject)) +
    ',"defaultlogentrytime":"' +
    time +
    '"}'
  );
}

/** Bytes a run adds to a body besides its entries and their commas. */
function runOverhead(source: string, type: string, subject: string | undefined): number {
  return Buffer.byteLength('{"entries":[' + runTail({ source, type, subject }, TIME_SAMPLE));
}

/** Builds a PutLogs body; its length is exactly the batch's counted bytes. */
export function bodyOf(batch: { runs: readonly Run[] }): string {
  let body = BODY_HEAD;
  batch.runs.forEach((run, i) => {
    body += (i === 0 ? '' : ',') + '{"entries":[' + run.parts.join(',') + runTail(run, run.firstTime);
  });
  return body + BODY_TAIL;
}

/**
 * Groups entries into PutLogs requests and delivers them: by count, bytes or
 * age; retrying transient failures with backoff; writing what cannot be
 * delivered to the dead-letter sink. After a permanent failure every later
 * entry goes straight to the dead-letter sink (the input keeps draining).
 *
 * Backpressure: add() returns a promise when a full request is waiting for
 * one in flight; the caller stops reading until it settles. So memory holds
 * at most the requests in flight, one waiting and one being filled.
 */
export class Shipper {
  private readonly o: ShipperOptions;
  private readonly maxInFlight: number;
  private current: Batch | undefined;
  private readonly queue: Batch[] = [];
  private readonly inFlightBatches = new Set<Batch>();
  private timer: NodeJS.Timeout | undefined;
  private waiters: Array<() => void> = [];
  private idleWaiters: Array<() => void> = [];
  private readonly sleeps = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  private failure: ShipFailure | undefined;
  private aborted = false;
  private lastMs = -1;
  private lastIso = '';
  private readonly counters = { accepted: 0, delivered: 0, deadLettered: 0, retries: 0, requests: 0 };
  private lost = 0;
  private deadLetterError: string | undefined;

  constructor(options: ShipperOptions) {
    this.o = options;
    this.maxInFlight = options.maxInFlight ?? 1;
  }

  /** True once delivery failed for good: entries now go to the dead-letter sink. */
  get failed(): ShipFailure | undefined {
    return this.failure;
  }

  /**
   * Adds one entry. `timeMs` is when its line was read. Returns a promise
   * only when the caller must wait before adding more.
   */
  add(data: string, id: string, timeMs: number, meta?: EntryMeta): Promise<void> | undefined {
    if (timeMs !== this.lastMs) {
      this.lastMs = timeMs;
      this.lastIso = new Date(timeMs).toISOString();
    }
    const source = meta?.source ?? this.o.source;
    const type = meta?.type ?? this.o.type;
    const subject = meta && 'subject' in meta ? meta.subject : this.o.subject;
    const entry = '{"data":' + JSON.stringify(data) + ',"id":' + JSON.stringify(id) + ',"time":"' + this.lastIso + '"}';
    const entryBytes = Buffer.byteLength(entry);
    this.counters.accepted += 1;

    let batch = this.current;
    let run = batch?.runs[batch.runs.length - 1];
    if (run && (run.source !== source || run.type !== type || run.subject !== subject)) run = undefined;
    // What the entry adds to the body: a comma after its run's last entry, or a new run (after a comma).
    let add = run ? entryBytes + 1 : entryBytes + runOverhead(source, type, subject) + (batch && batch.runs.length > 0 ? 1 : 0);
    if (batch && batch.bytes + add > this.o.batchBytes) {
      this.seal();
      batch = undefined;
      run = undefined;
      add = entryBytes + runOverhead(source, type, subject);
    }
    if (!batch) {
      batch = { runs: [], count: 0, bytes: BODY_OVERHEAD };
      this.current = batch;
      this.timer = setTimeout(() => this.seal(), this.o.flushIntervalMs);
    }
    if (!run) {
      run = { source, type, subject, parts: [], firstTime: this.lastIso };
      batch.runs.push(run);
    }
    run.parts.push(entry);
    batch.count += 1;
    batch.bytes += add;
    if (batch.count >= this.o.batchSize) this.seal();
    if (this.queue.length > 0) return new Promise((resolve) => this.waiters.push(resolve));
    return undefined;
  }

  /** Sends everything added so far and waits until each of it is delivered or dead-lettered. */
  async drain(): Promise<ShipStats> {
    this.seal();
    if (this.queue.length > 0 || this.inFlightBatches.size > 0) {
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
    return this.stats();
  }

  /** Sends everything, waits for every request to finish, and reports. */
  async close(): Promise<ShipResult> {
    await this.drain();
    this.o.deadLetter.close();
    return this.result();
  }

  /**
   * Gives up now: everything not yet delivered, in flight included, goes to
   * the dead-letter sink. (A request in flight may still arrive, so a replay
   * can deliver an entry twice; never zero times.)
   */
  abort(): ShipResult {
    if (!this.aborted) {
      this.aborted = true;
      clearTimeout(this.timer);
      const pending = [...this.inFlightBatches, ...this.queue, ...(this.current ? [this.current] : [])];
      this.current = undefined;
      this.queue.length = 0;
      this.inFlightBatches.clear();
      for (const b of pending) this.deadLetterBatch(b);
      for (const s of this.sleeps) {
        clearTimeout(s.timer);
        s.resolve();
      }
      this.sleeps.clear();
      this.release();
      this.o.deadLetter.close();
      for (const w of this.idleWaiters.splice(0)) w();
    }
    return this.result();
  }

  stats(): ShipStats {
    let inFlight = 0;
    for (const b of this.inFlightBatches) inFlight += b.count;
    return { ...this.counters, inFlight };
  }

  private result(): ShipResult {
    return {
      ...this.stats(),
      failure: this.failure,
      deadLetterPath: this.counters.deadLettered > 0 ? this.o.deadLetter.path : undefined,
      lost: this.lost,
      deadLetterError: this.deadLetterError,
    };
  }

  private seal(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.current;
    if (!batch) return;
    this.current = undefined;
    if (this.failure || this.aborted) {
      this.deadLetterBatch(batch);
      return;
    }
    this.queue.push(batch);
    this.pump();
  }

  private pump(): void {
    while (this.inFlightBatches.size < this.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.shift() as Batch;
      this.inFlightBatches.add(batch);
      void this.deliver(batch).finally(() => {
        this.inFlightBatches.delete(batch);
        this.pump();
        if (this.queue.length === 0 && this.inFlightBatches.size === 0 && !this.current) {
          for (const w of this.idleWaiters.splice(0)) w();
        }
      });
    }
    if (this.queue.length === 0) this.release();
  }

  private release(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  private async deliver(batch: Batch): Promise<void> {
    const body = Buffer.from(bodyOf(batch));
    for (let retry = 0; ; retry++) {
      if (this.aborted) return;
      this.counters.requests += 1;
      const result = await this.o.send(this.o.logId, body);
      if (this.aborted) return;
      if (result.ok) {
        this.counters.delivered += batch.count;
        return;
      }
      if (result.transient && retry < this.o.retry.maxRetries) {
        this.counters.retries += 1;
        await this.sleep(retryDelay(this.o.retry, retry, result.retryAfterMs, this.o.random));
        continue;
      }
      this.giveUp(batch, { result, logId: this.o.logId, retries: retry });
      return;
    }
  }

  private giveUp(batch: Batch, failure: ShipFailure): void {
    const first = this.failure === undefined;
    this.failure ??= failure;
    this.deadLetterBatch(batch);
    if (first) this.o.onGiveUp?.(failure);
    for (const b of this.queue.splice(0)) this.deadLetterBatch(b);
    this.release();
  }

  private deadLetterBatch(batch: Batch): void {
    const records: DeadLetterRecord[] = [];
    for (const run of batch.runs) {
      for (const part of run.parts) {
        const e = JSON.parse(part) as { data: string; id: string; time: string };
        records.push({
          data: e.data,
          id: e.id,
          time: e.time,
          source: run.source,
          type: run.type,
          ...(run.subject === undefined ? {} : { subject: run.subject }),
          logId: this.o.logId,
        });
      }
    }
    try {
      this.o.deadLetter.write(records);
      this.counters.deadLettered += records.length;
    } catch (err) {
      // The last resort failed too (disk full, file removed…): count the loss and say so at the end.
      this.lost += records.length;
      this.deadLetterError ??= err instanceof Error ? err.message : String(err);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.sleeps.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      this.sleeps.add(entry);
    });
  }
}
