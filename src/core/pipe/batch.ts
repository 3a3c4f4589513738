import type { DeadLetterSink } from './dead-letter.js';
import { parseRecordLine, splitRecords } from './log-record.js';
import type { Segment } from './spool/segment.js';
import { BodyWriter, entryHead } from './wire-format.js';
import type { RunMetas } from './wire-format.js';

/** One PutLogs request's worth of entries, and where their records are kept until it is done. */
export interface Batch {
  /** Delivery order: adopted segments (negative) first, then this run's batches as they were made. */
  seq: number;
  /** '' for an adopted segment until its records are read. */
  logId: string;
  count: number;
  segment: Segment;
  /** The request body, or undefined while it lives only in the spool. */
  body: Buffer | undefined;
  attempts: number;
}

/**
 * Rebuilds a batch's body from its segment's records (a batch that waited
 * on disk, or one an earlier run left). Records that cannot be read, or
 * that belong to another log, are skipped: `skipped` says how many.
 */
export function bodyFromSegment(batch: Batch, metas: RunMetas): { body: Buffer | undefined; good: number; skipped: number } {
  const { lines } = splitRecords(batch.segment.read());
  const writer = new BodyWriter(Number.MAX_SAFE_INTEGER);
  let good = 0;
  for (const line of lines) {
    const parsed = parseRecordLine(line);
    if (!parsed.ok) continue;
    const r = parsed.record;
    if (batch.logId === '') batch.logId = r.logId;
    if (r.logId !== batch.logId) continue;
    writer.add(entryHead(r.data, r.id, r.time), metas.get(r.source, r.type, r.subject, r.logId), r.time);
    good += 1;
  }
  return { body: good === 0 ? undefined : writer.finish(), good, skipped: batch.count - good };
}

/** Copies a batch's record lines, as they are, to the dead-letter sink. */
export function copyToDeadLetter(batch: Batch, sink: DeadLetterSink): { records: number; kept: number; error: Error | undefined } {
  const { lines } = splitRecords(batch.segment.read());
  const { kept, error } = sink.append(lines.length === 0 ? '' : lines.join('\n') + '\n', lines.length);
  return { records: lines.length, kept, error };
}
