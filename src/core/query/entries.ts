/** An entry as oci-log prints it. `data` is the text as sent, or the object for JSON entries. */
export interface LogEntry {
  time: string;
  data: unknown;
  id: string;
  source: string | undefined;
  type: string | undefined;
  subject: string | undefined;
  logId: string | undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/**
 * A time as ISO-8601 with milliseconds and Z, from an RFC 3339 string (any
 * offset or precision) or epoch milliseconds (a number, or digits in a string:
 * the service's dates arrive as strings whatever the SDK's types say).
 */
export function isoTime(v: unknown): string | undefined {
  let ms: number;
  if (typeof v === 'number') ms = v;
  else if (typeof v === 'string' && /^\d+$/.test(v.trim())) ms = Number(v);
  else if (typeof v === 'string') ms = Date.parse(v);
  else return undefined;
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : undefined;
}

/**
 * Turns one search result into a LogEntry, validating its shape (the answer
 * is external input). Plain-text entries come back from the service as
 * {"message": text}: they are unwrapped to the text.
 */
export function toLogEntry(result: unknown): LogEntry | undefined {
  if (typeof result !== 'object' || result === null) return undefined;
  const data = (result as { data?: unknown }).data;
  if (typeof data !== 'object' || data === null) return undefined;
  const { datetime, logContent } = data as { datetime?: unknown; logContent?: unknown };
  if (typeof logContent !== 'object' || logContent === null) return undefined;
  const c = logContent as Record<string, unknown>;
  const oracle = (typeof c['oracle'] === 'object' && c['oracle'] !== null ? c['oracle'] : {}) as Record<string, unknown>;
  const time = isoTime(c['time']) ?? isoTime(datetime);
  let value: unknown = c['data'];
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === 'message' && typeof (value as { message: unknown }).message === 'string') value = (value as { message: string }).message;
  }
  return {
    time: time ?? '',
    data: value,
    id: str(c['id']) ?? '',
    source: str(c['source']),
    type: str(c['type']),
    subject: str(c['subject']),
    logId: str(oracle['logid']),
  };
}

/** Oldest first; within one time, by id (the pipe's ids sort in write order, pieces after their line). */
export function compareEntries(a: LogEntry, b: LogEntry): number {
  const ta = Date.parse(a.time);
  const tb = Date.parse(b.time);
  if (ta !== tb) return (Number.isNaN(ta) ? 0 : ta) - (Number.isNaN(tb) ? 0 : tb);
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Remembers printed ids for --follow, forgetting those older than the overlap window. */
export class SeenIds {
  private readonly seen = new Map<string, number>();

  /** True the first time an id is offered. */
  add(entry: LogEntry): boolean {
    if (this.seen.has(entry.id)) return false;
    this.seen.set(entry.id, Date.parse(entry.time) || 0);
    return true;
  }

  forgetBefore(time: number): void {
    for (const [id, t] of this.seen) if (t < time) this.seen.delete(id);
  }

  get size(): number {
    return this.seen.size;
  }
}
