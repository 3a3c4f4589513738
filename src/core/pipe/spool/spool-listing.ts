import { closeSync, openSync, readSync } from 'node:fs';
import { parseRecordLine } from '../log-record.js';
import { countRecords, logHash, scanSpool } from './spool-dir.js';

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

/** The first record of a segment: its log and its oldest time. */
function firstRecord(path: string): { logId: string; time: string } | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buf = Buffer.alloc(128 * 1024);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const nl = buf.subarray(0, n).indexOf(0x0a);
    if (nl < 0) return undefined;
    const parsed = parseRecordLine(buf.toString('utf8', 0, nl));
    return parsed.ok ? { logId: parsed.record.logId, time: parsed.record.time } : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Per log, what waits in the spool folder `dir` (only `logId`'s when given), oldest log first. */
export function describeSpool(dir: string, logId?: string): SpoolLogSummary[] {
  const wanted = logId === undefined ? undefined : logHash(logId);
  const byLog = new Map<string, SpoolLogSummary>();
  for (const seg of scanSpool(dir)) {
    if (wanted !== undefined && seg.logHash !== wanted) continue;
    let counted;
    try {
      counted = countRecords(seg.path);
    } catch {
      continue; // taken by another process meanwhile
    }
    if (counted.records === 0) continue;
    const first = firstRecord(seg.path);
    const key = first?.logId ?? `(log hash ${seg.logHash})`;
    let sum = byLog.get(key);
    if (!sum) {
      sum = { logId: key, entries: 0, bytes: 0, oldest: undefined, liveEntries: 0, livePids: [] };
      byLog.set(key, sum);
    }
    sum.entries += counted.records;
    sum.bytes += counted.bytes;
    if (first && (sum.oldest === undefined || first.time < sum.oldest)) sum.oldest = first.time;
    if (seg.live) {
      sum.liveEntries += counted.records;
      if (seg.pid !== undefined && !sum.livePids.includes(seg.pid)) sum.livePids.push(seg.pid);
    }
  }
  return [...byLog.values()].sort((a, b) => (a.oldest ?? '').localeCompare(b.oldest ?? ''));
}
