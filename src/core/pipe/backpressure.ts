import type { Batch } from './batch.js';
import type { DeliveryHealth } from './delivery-health.js';
import type { ShipCounters } from './ship-stats.js';
import type { ShipperEvents } from './shipper-events.js';
import type { Segment } from './spool/segment.js';
import type { SpoolDir } from './spool/spool-dir.js';

export type WhenFull = 'block' | 'drop-oldest' | 'drop-newest';

export interface BackpressureOptions {
  spool: SpoolDir | undefined;
  spoolMaxBytes: number;
  whenFull: WhenFull;
  maxInFlight: number;
}

/** The batches a shipper holds, as the bounds see them. */
export interface HeldBatches {
  /** Waiting to go, in delivery order. */
  readonly queue: Batch[];
  readonly inFlight: ReadonlyMap<Batch, unknown>;
  /** The segment of the batch being filled, if one is. */
  openSegment(): Segment | undefined;
  /** Drops the batch being filled (its entries counted as dropped). */
  dropOpen(): void;
  /** A queued batch dropped by --when-full: counted, and its segment done with. */
  drop(batch: Batch): void;
  stopped(): boolean;
}

/**
 * When the reader must wait, and what --when-full drops. The reader waits
 * while requests are full and the service answers (waiting beats spooling),
 * or while the spool is full and --when-full is block. While the service is
 * away and the spool has room, new batches live only in the spool and
 * reading goes on. When the spool cannot be written (a full disk, its folder
 * gone), batches stay in memory, as many as requests may be under way and
 * one more; past that, --when-full decides as for a full spool.
 */
export class Backpressure {
  /** Bodies kept in memory at most: the requests under way and one waiting. */
  private readonly residentLimit: number;
  private spoolFull = false;
  /** Memory holds all it may of batches the spool could not take (see memoryOver). */
  private memoryFull = false;
  private waiters: Array<() => void> = [];

  constructor(
    private readonly o: BackpressureOptions,
    private readonly events: ShipperEvents,
    private readonly counters: ShipCounters,
    private readonly health: DeliveryHealth,
    private readonly held: HeldBatches,
  ) {
    this.residentLimit = o.maxInFlight + 1;
  }

  isSpoolFull(): boolean {
    const spool = this.o.spool;
    return spool !== undefined && spool.bytes >= this.o.spoolMaxBytes;
  }

  /** Memory holds as many bodies as it may: the next batch safe on disk can wait there instead. */
  residentFull(): boolean {
    return this.residentCount() >= this.residentLimit;
  }

  /**
   * After entries were written ahead: says a full spool or memory, applies
   * --when-full drop-oldest or drop-newest, and returns a promise when the
   * reader should stop until it settles.
   */
  afterCommit(): Promise<void> | undefined {
    this.noteFull();
    if (this.o.whenFull === 'drop-oldest' && this.isSpoolFull()) this.dropOldest();
    this.noteMemory();
    if (this.memoryFull && this.o.whenFull !== 'block') this.relieveMemory();
    if (!this.mustWait()) return undefined;
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Lets the reader go on when nothing holds it any more; call whenever delivery moved. */
  release(): void {
    this.noteFull();
    this.noteMemory();
    if (this.waiters.length === 0 || this.mustWait()) return;
    for (const w of this.waiters.splice(0)) w();
  }

  /** The shipper stopped: no reader waits on it. */
  releaseAll(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  private residentCount(): number {
    let n = this.held.inFlight.size;
    for (const b of this.held.queue) if (b.body !== undefined) n += 1;
    return n;
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
    const queue = this.held.queue;
    while (this.isSpoolFull()) {
      const victim = queue.find((b) => b.segment.durable);
      if (!victim) return;
      queue.splice(queue.indexOf(victim), 1);
      this.held.drop(victim);
    }
  }

  /**
   * Batches whose body is their only copy although there is a spool (it
   * could not be written): queued, under way, and the open one. Nothing to
   * count until the spool has failed once.
   */
  private unspooledBatches(): number {
    if (this.o.spool === undefined || this.counters.unspooled === 0) return 0;
    const open = this.held.openSegment();
    let n = open !== undefined && !open.durable ? 1 : 0;
    for (const b of this.held.inFlight.keys()) if (!b.segment.durable) n += 1;
    for (const b of this.held.queue) if (!b.segment.durable) n += 1;
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
    const queue = this.held.queue;
    while (this.memoryOver()) {
      const open = this.held.openSegment();
      if (newest && open !== undefined && !open.durable) {
        this.held.dropOpen();
        continue;
      }
      let at = -1;
      for (let i = 0; i < queue.length; i++) {
        if (!(queue[i] as Batch).segment.durable) {
          at = i;
          if (!newest) break;
        }
      }
      // All of them under way: the reader waits (mustWait) until one is answered.
      if (at === -1) return;
      this.held.drop(queue.splice(at, 1)[0] as Batch);
    }
  }

  private mustWait(): boolean {
    if (this.held.stopped()) return false;
    if (this.isSpoolFull()) {
      if (this.o.whenFull === 'block') return true;
      if (this.o.whenFull === 'drop-oldest' && !this.held.queue.some((b) => b.segment.durable)) return true;
    }
    // The spool cannot take what waits and memory holds all it may: block, or nothing left to drop.
    if (this.memoryOver()) return true;
    // The service answers (or the batches cannot go to disk): hold the reader rather than the memory.
    const canSpill = this.o.spool !== undefined && !this.health.healthy;
    return !canSpill && this.residentFull();
  }
}
