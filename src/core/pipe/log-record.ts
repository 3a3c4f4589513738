/**
 * One entry with everything needed to send it again as it was: a line of a
 * spool segment and of a dead-letter file (JSON lines). The same shape both
 * ways, so a segment can be dead-lettered by copying its lines.
 */
export interface LogRecord {
  data: string;
  id: string;
  /** RFC 3339 with milliseconds and Z. */
  time: string;
  source: string;
  type: string;
  subject?: string;
  logId: string;
}

export type ParsedRecord = { ok: true; record: LogRecord } | { ok: false; line: string; reason: string };

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Checks one JSON line: every field a resend needs, of the right type. */
export function parseRecordLine(line: string): ParsedRecord {
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
  const record: LogRecord = {
    data: r['data'] as string,
    id: r['id'] as string,
    time: r['time'] as string,
    source: r['source'] as string,
    type: r['type'] as string,
    logId: r['logId'] as string,
  };
  if (r['subject'] !== undefined) record.subject = r['subject'] as string;
  return { ok: true, record };
}
