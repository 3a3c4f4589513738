import { createReadStream } from 'node:fs';
import split2 from 'split2';
import type { DeadLetterRecord } from './dead-letter.js';

export type ParsedLine = { ok: true; record: DeadLetterRecord } | { ok: false; line: string; reason: string };

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Checks one line of a dead-letter file: every field a replay needs, of the right type. */
export function parseDeadLetterLine(line: string): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, line, reason: 'not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, line, reason: 'not a JSON object' };
  const r = value as Record<string, unknown>;
  for (const key of ['data', 'id', 'time', 'source', 'type', 'logId'] as const) {
    if (typeof r[key] !== 'string') return { ok: false, line, reason: `${key} is missing or not a string` };
  }
  if (r['subject'] !== undefined && typeof r['subject'] !== 'string') return { ok: false, line, reason: 'subject is not a string' };
  if (!RFC3339.test(r['time'] as string)) return { ok: false, line, reason: 'time is not an RFC 3339 time' };
  return { ok: true, record: r as unknown as DeadLetterRecord };
}

/** Reads a dead-letter file line by line (split2), with backpressure from the consumer. */
export async function* readDeadLetterFile(path: string): AsyncGenerator<{ lineNo: number; parsed: ParsedLine }> {
  const lines = createReadStream(path).pipe(split2());
  let lineNo = 0;
  for await (const line of lines as AsyncIterable<string>) {
    lineNo += 1;
    if (line.trim() === '') continue;
    yield { lineNo, parsed: parseDeadLetterLine(line) };
  }
}
