import type { LogRecord } from '../log-record.js';

/**
 * A spool segment holds the entries of one batch as JSON lines, written
 * straight from the request body as it is built (so the spool costs a write,
 * not a second encoding):
 *
 *   {"spool":1,"logId":…,"source":…,"type":…,"subject":…}   the meta of the entries that follow
 *   {"data":…,"id":…,"time":…},                            an entry, byte for byte as in the body
 *   {"data":…,"id":…,"time":…}                             (the last of a run has no comma)
 *
 * A crash can leave the last line torn: it is the only line that may not
 * parse, and it is skipped and counted.
 */

export const SPOOL_FORMAT = 1;

export interface SegmentMeta {
  logId: string;
  source: string;
  type: string;
  subject: string | undefined;
}

export function metaLine(meta: SegmentMeta): string {
  return JSON.stringify({ spool: SPOOL_FORMAT, logId: meta.logId, source: meta.source, type: meta.type, ...(meta.subject === undefined ? {} : { subject: meta.subject }) });
}

const ENTRY = '{"data":';
const META = '{"spool":';

/** The meta a parsed meta line gives, or undefined when a field is missing or not a string. */
function metaOf(v: Record<string, unknown>): SegmentMeta | undefined {
  if (typeof v['logId'] !== 'string' || typeof v['source'] !== 'string' || typeof v['type'] !== 'string') return undefined;
  return { logId: v['logId'], source: v['source'], type: v['type'], subject: typeof v['subject'] === 'string' ? v['subject'] : undefined };
}

/** The entries of a segment's text, each with its meta; lines that do not parse (a torn last one) are counted in `bad`. */
export function decodeSegment(text: string): { records: LogRecord[]; bad: number } {
  const records: LogRecord[] = [];
  let bad = 0;
  let meta: SegmentMeta | undefined;
  for (const raw of text.split('\n')) {
    if (raw === '') continue;
    const line = raw.endsWith(',') ? raw.slice(0, -1) : raw;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      bad += 1;
      continue;
    }
    const v = value as Record<string, unknown>;
    if (line.startsWith(META)) {
      meta = metaOf(v);
      if (meta === undefined) bad += 1;
      continue;
    }
    if (!line.startsWith(ENTRY) || meta === undefined || typeof v['data'] !== 'string' || typeof v['id'] !== 'string' || typeof v['time'] !== 'string') {
      bad += 1;
      continue;
    }
    const record: LogRecord = { data: v['data'], id: v['id'], time: v['time'], source: meta.source, type: meta.type, logId: meta.logId };
    if (meta.subject !== undefined) record.subject = meta.subject;
    records.push(record);
  }
  return { records, bad };
}

/** How many entry lines a segment's text holds (whole or not: decodeSegment tells which parse). */
export function countEntries(text: string): number {
  let n = text.startsWith(ENTRY) ? 1 : 0;
  for (let at = text.indexOf('\n' + ENTRY); at !== -1; at = text.indexOf('\n' + ENTRY, at + 1)) n += 1;
  return n;
}

/** The first meta line of a segment's text: which log it is for. */
export function firstMeta(text: string): SegmentMeta | undefined {
  const end = text.indexOf('\n');
  const line = end === -1 ? text : text.slice(0, end);
  if (!line.startsWith(META)) return undefined;
  try {
    return metaOf(JSON.parse(line) as Record<string, unknown>);
  } catch {
    return undefined;
  }
}
