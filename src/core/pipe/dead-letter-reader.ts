import { createReadStream } from 'node:fs';
import split2 from 'split2';
import { parseRecordLine } from './log-record.js';
import type { ParsedRecord } from './log-record.js';

/** Reads a dead-letter file (or a spool segment) line by line, with backpressure from the consumer. */
export async function* readRecordFile(path: string): AsyncGenerator<{ lineNo: number; parsed: ParsedRecord }> {
  const lines = createReadStream(path).pipe(split2());
  let lineNo = 0;
  for await (const line of lines as AsyncIterable<string>) {
    lineNo += 1;
    if (line.trim() === '') continue;
    yield { lineNo, parsed: parseRecordLine(line) };
  }
}
