import type { Batch } from './batch.js';
import type { SendFailure } from './send-result.js';

/** A request that failed, as the user needs to hear it. */
export interface ShipFailure {
  result: SendFailure;
  logId: string;
  /** Attempts spent on the request. */
  attempts: number;
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

/** The counts of ShipStats that only add up what happened (the others tell what waits now). */
export type ShipCounters = Omit<ShipStats, 'waiting' | 'inFlight' | 'outageSince'>;

function emptyCounters(): ShipCounters {
  return { accepted: 0, recovered: 0, delivered: 0, deadLettered: 0, dropped: 0, lost: 0, skipped: 0, retries: 0, requests: 0, unspooled: 0, handedOver: 0 };
}

/** Stats of a shipper that has not started: every count 0. */
export function emptyStats(): ShipStats {
  return { ...emptyCounters(), waiting: 0, inFlight: 0, outageSince: undefined };
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

/** One shipper's counts as they change: what happened, what waits, what stays in the spool, and per log. */
export class ShipTally {
  readonly counters = emptyCounters();
  /** Entries in the open batch, queued or in flight. */
  waiting = 0;
  /** Entries that stay in the spool for the next run. */
  leftInSpool = 0;
  private readonly outcomes = new Map<string, LogOutcome>();

  outcome(logId: string): LogOutcome {
    let o = this.outcomes.get(logId);
    if (o === undefined) {
      o = { logId, delivered: 0, deadLettered: 0, failure: undefined };
      this.outcomes.set(logId, o);
    }
    return o;
  }

  /** Per log (by OCID), in order; not the adopted segments never read (no log known). */
  logs(): LogOutcome[] {
    return [...this.outcomes.values()].filter((o) => o.logId !== '').sort((a, b) => a.logId.localeCompare(b.logId));
  }

  /**
   * Sets a batch's count to the entries its segment really holds: fewer
   * (torn or unreadable lines, skipped and counted), or, for an adopted
   * segment whose writer was still at it, more (recovered).
   */
  recount(batch: Batch, good: number): void {
    const diff = good - batch.count;
    if (diff < 0) this.counters.skipped -= diff;
    else this.counters.recovered += diff;
    this.waiting += diff;
    batch.count = good;
  }

  stats(inFlight: number, outageSince: number | undefined): ShipStats {
    return { ...this.counters, waiting: this.waiting, inFlight, outageSince };
  }
}
