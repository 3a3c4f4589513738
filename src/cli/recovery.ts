import type { Shipper } from '../core/pipe/shipper.js';
import type { SpoolDir } from '../core/pipe/spool/spool-dir.js';
import type { CliIo } from './io.js';
import { warn } from './io.js';

/** How often a running oci-log looks for segments that a process gone since left for its log. */
const RESCAN_MS = 60_000;

/**
 * Hands the shipper what processes that are gone left in the spool for this
 * log (all logs when `logId` is undefined): at once, and every minute while
 * the input lasts. Returns a function that stops looking.
 */
export function adoptLeftovers(io: CliIo, spool: SpoolDir, shipper: Shipper, logId: string | undefined, quiet: boolean): () => void {
  const adopt = (): void => {
    let found;
    try {
      found = spool.adopt(logId);
    } catch (err) {
      warn(io, `cannot read the spool ${spool.dir}: ${(err as Error).message}`);
      return;
    }
    const entries = found.reduce((n, s) => n + s.records, 0);
    if (entries > 0 && !quiet) warn(io, `sending ${entries} entries that an earlier oci-log run left in the spool ${spool.dir}`);
    shipper.adopt(found);
  };
  adopt();
  const timer = setInterval(adopt, RESCAN_MS);
  timer.unref();
  return () => clearInterval(timer);
}
