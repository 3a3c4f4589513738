import type { DeadLetterSink } from './dead-letter.js';
import { recordLine } from './dead-letter.js';
import type { LogRecord } from './log-record.js';
import { decodeSegment } from './spool/segment-format.js';
import type { Segment } from './spool/segment.js';
import { takenOver } from './spool/spool-dir.js';
import { BodyWriter, wireId } from './wire-format.js';
import type { RunMetas } from './wire-format.js';

/** One PutLogs request's worth of entries, and where they are kept until it is done. */
export interface Batch {
  /** Delivery order: adopted segments (negative) first, then this run's batches as they were made. */
  seq: number;
  /** '' for an adopted segment until its entries are read. */
  logId: string;
  count: number;
  segment: Segment;
  /** The request body, or undefined while it lives only in the spool. */
  body: Buffer | undefined;
  attempts: number;
  /** Entries at the start of the segment already done with (sent before the segment was found to have grown). */
  done: number;
}

/** A batch of `count` entries kept in `segment`, not tried yet, without a body. */
export function newBatch(seq: number, logId: string, count: number, segment: Segment): Batch {
  return { seq, logId, count, segment, body: undefined, attempts: 0, done: 0 };
}

/**
 * The entries of a batch with all their fields: read back from its spool
 * segment, or, when the body is the only copy (--no-spool, or a spool write
 * that failed), from the body. `bad` counts lines that could not be read (a
 * torn last one) and entries of another log. Throws SegmentTakenOverError
 * when another process took the segment over.
 */
export function recordsOf(batch: Batch): { records: LogRecord[]; bad: number } {
  let text;
  try {
    text = batch.segment.read();
  } catch (err) {
    throw takenOver(batch.segment.path, err) ?? err;
  }
  if (text === undefined) return { records: recordsFromBody(batch.body, batch.logId), bad: 0 };
  const { records, bad } = decodeSegment(text);
  if (batch.logId === '' && records[0] !== undefined) batch.logId = records[0].logId;
  const mine = records.filter((r) => r.logId === batch.logId);
  return { records: batch.done > 0 ? mine.slice(batch.done) : mine, bad: bad + records.length - mine.length };
}

/**
 * Reads the entries back out of a body built here (the rare path: a refusal
 * with no spool). The writer only makes valid JSON (wire-format.ts); a body
 * that does not parse is a bug, said as one. The caller keeps what it can:
 * replay leaves its file as it was.
 */
function recordsFromBody(body: Buffer | undefined, logId: string): LogRecord[] {
  if (body === undefined) return [];
  let parsed: { logEntryBatches: Array<{ entries: Array<{ data: string; id: string; time: string }>; source: string; type: string; subject?: string }> };
  try {
    parsed = JSON.parse(body.toString('utf8')) as typeof parsed;
  } catch (err) {
    throw new Error(`the request body is not valid JSON (${(err as Error).message}): a bug in oci-log, please report it`, { cause: err });
  }
  const out: LogRecord[] = [];
  for (const run of parsed.logEntryBatches) {
    for (const e of run.entries) {
      const r: LogRecord = { data: e.data, id: e.id, time: e.time, source: run.source, type: run.type, logId };
      if (run.subject !== undefined) r.subject = run.subject;
      out.push(r);
    }
  }
  return out;
}

/** Builds the body of a batch that waited on disk, or that an earlier run left. */
export function bodyOf(records: readonly LogRecord[], metas: RunMetas): Buffer | undefined {
  if (records.length === 0) return undefined;
  const writer = new BodyWriter(Number.MAX_SAFE_INTEGER);
  for (const r of records) writer.add(r.data, wireId(r.id), r.time, metas.get(r.source, r.type, r.subject, r.logId));
  return writer.finish();
}

/** Appends a batch's entries to the dead-letter sink as records; a sink that throws kept none. */
export function copyToDeadLetter(records: readonly LogRecord[], sink: DeadLetterSink): { kept: number; error: Error | undefined } {
  let text = '';
  for (const r of records) text += recordLine(r);
  try {
    return sink.append(text, records.length);
  } catch (err) {
    return { kept: 0, error: err as Error };
  }
}
