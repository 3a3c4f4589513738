import { firstMeta } from './segment-format.js';
import { countSegment, logHash, scanSpool } from './spool-dir.js';

/** What waits in a spool folder for one log. */
export interface SpoolLogSummary {
  logId: string;
  entries: number;
  bytes: number;
  /** The time of the oldest entry waiting. */
  oldest: string | undefined;
  /** Entries in segments of processes still running (not for flush to send). */
  liveEntries: number;
  livePids: number[];
}

/** The time of a segment's first entry. */
function firstTime(text: string): string | undefined {
  return /"time":"([^"]+)"/.exec(text.slice(0, 128 * 1024))?.[1];
}

/** Per log, what waits in the spool folder `dir` (only `logId`'s when given), oldest log first. */
export function describeSpool(dir: string, logId?: string): SpoolLogSummary[] {
  const wanted = logId === undefined ? undefined : logHash(logId);
  const byLog = new Map<string, SpoolLogSummary>();
  for (const seg of scanSpool(dir)) {
    if (wanted !== undefined && seg.logHash !== wanted) continue;
    let counted;
    try {
      counted = countSegment(seg.path);
    } catch {
      continue; // taken by another process meanwhile
    }
    if (counted.entries === 0) continue;
    const key = firstMeta(counted.text)?.logId ?? `(log hash ${seg.logHash})`;
    let sum = byLog.get(key);
    if (!sum) {
      sum = { logId: key, entries: 0, bytes: 0, oldest: undefined, liveEntries: 0, livePids: [] };
      byLog.set(key, sum);
    }
    sum.entries += counted.entries;
    sum.bytes += counted.bytes;
    const time = firstTime(counted.text);
    if (time !== undefined && (sum.oldest === undefined || time < sum.oldest)) sum.oldest = time;
    if (seg.live) {
      sum.liveEntries += counted.entries;
      if (seg.pid !== undefined && !sum.livePids.includes(seg.pid)) sum.livePids.push(seg.pid);
    }
  }
  return [...byLog.values()].sort((a, b) => (a.oldest ?? '').localeCompare(b.oldest ?? ''));
}
