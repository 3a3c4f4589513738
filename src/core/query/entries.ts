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
  let time = str(c['time']);
  if (time === undefined && typeof datetime === 'number') time = new Date(datetime).toISOString();
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
