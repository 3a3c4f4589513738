import type { ShipFailure } from './ship-stats.js';
import type { WhenFull } from './backpressure.js';

/** What a shipper tells as it goes; every listener is optional. */
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

/** Listeners that cannot throw into delivery: one that fails (a library user's onWarning, say) is skipped, and delivery goes on. */
export function guarded(events: ShipperEvents | undefined): ShipperEvents {
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
