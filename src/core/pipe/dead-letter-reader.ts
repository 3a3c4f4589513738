import { createReadStream } from 'node:fs';
import { parseRecordLine } from './log-record.js';
import type { ParsedRecord } from './log-record.js';

export interface RecordFileLine {
  lineNo: number;
  parsed: ParsedRecord;
  /** The line's own bytes, without its newline: what goes back into a file untouched. */
  raw: Buffer;
}

/**
 * Reads a dead-letter file (or a spool segment) line by line, with
 * backpressure from the consumer. Lines are split as bytes, so one that is
 * not a record (binary, invalid UTF-8) can be written back exactly as it was.
 */
export async function* readRecordFile(path: string): AsyncGenerator<RecordFileLine> {
  let lineNo = 0;
  /** The start of a line that spans chunks, kept as parts: one long line is never copied again per chunk. */
  let parts: Buffer[] = [];
  const line = (raw: Buffer): RecordFileLine | undefined => {
    lineNo += 1;
    const text = raw.toString('utf8');
    return text.trim() === '' ? undefined : { lineNo, parsed: parseRecordLine(text), raw };
  };
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    let start = 0;
    for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
      const piece = chunk.subarray(start, nl);
      const raw = parts.length === 0 ? piece : Buffer.concat([...parts, piece]);
      parts = [];
      start = nl + 1;
      const found = line(raw);
      if (found) yield found;
    }
    if (start < chunk.length) parts.push(chunk.subarray(start));
  }
  if (parts.length > 0) {
    const found = line(Buffer.concat(parts));
    if (found) yield found;
  }
}
