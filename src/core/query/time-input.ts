import { UsageError } from '../../errors.js';
import { parseDuration } from '../duration.js';
import { instantOf, zoneOffsetMs } from './time-zone.js';
import type { TimeZone } from './time-zone.js';

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/** What a --since/--until value may be, for messages and --help. */
export const TIME_FORMS = "a duration back from now (15m, 1h30m, 3d), 'now', '2 hours ago', 'yesterday', 'today', '13:10', 'yesterday 13:10', 'last monday', or an ISO-8601 time (2026-03-01T10:00, seconds and zone optional)";

function refuse(flag: string, value: string, why = ''): UsageError {
  return new UsageError(`--${flag} ${value === '' ? '""' : value}: ${why}expected ${TIME_FORMS}`);
}

/** An ISO-8601 date or date-time; without a zone it is a wall time in `zone`. */
function parseIso(text: string, zone: TimeZone): number | undefined {
  const m = ISO.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, z] = m;
  const fields = { year: Number(y), month: Number(mo), day: Number(d), hour: Number(h ?? 0), minute: Number(mi ?? 0), second: Number(s ?? 0), ms: frac === undefined ? 0 : Math.floor(Number(frac) * 1000) };
  if (fields.month < 1 || fields.month > 12 || fields.day < 1 || fields.day > 31 || fields.hour > 23 || fields.minute > 59 || fields.second > 60) return undefined;
  let t: number;
  if (z !== undefined) {
    const zulu = z.toUpperCase() === 'Z';
    const hours = zulu ? 0 : Number(z.slice(1, 3));
    const minutes = zulu ? 0 : Number(z.slice(-2));
    // RFC 3339's offsets: hours 00 to 23, minutes 00 to 59 (+99:99 is no offset).
    if (hours > 23 || minutes > 59) return undefined;
    const utc = Date.UTC(fields.year, fields.month - 1, fields.day, fields.hour, fields.minute, fields.second, fields.ms);
    t = utc - (z[0] === '-' ? -1 : 1) * (hours * 60 + minutes) * 60_000;
  } else {
    t = instantOf(fields, zone);
  }
  // 2026-02-31 rolls over in Date.UTC: refuse it rather than read another day.
  const check = new Date(Date.UTC(fields.year, fields.month - 1, fields.day));
  if (check.getUTCDate() !== fields.day) return undefined;
  return Number.isNaN(t) ? undefined : t;
}

type Chrono = typeof import('chrono-node/en');
let chrono: Promise<Chrono> | undefined;

/**
 * Natural language (yesterday, 2 hours ago, 13:10, last monday 9:00) by
 * chrono-node's English parser, loaded only for such a value. chrono takes a
 * zone as a fixed offset; the wall time it reads is turned into an instant
 * in the IANA zone here, so a time across a DST change is right. A day
 * without a time (yesterday, today, last monday) means its midnight, as in
 * journalctl; relative times (2 hours ago) are exact offsets from now.
 */
async function parseNatural(text: string, now: number, zone: TimeZone): Promise<number | undefined> {
  const { parse } = await (chrono ??= import('chrono-node/en'));
  const result = parse(text, { instant: new Date(now), timezone: zoneOffsetMs(now, zone) / 60_000 })[0];
  if (!result || result.text.trim().toLowerCase() !== text.toLowerCase() || result.end !== undefined && result.end !== null) return undefined;
  const c = result.start;
  if (c.tags().has('result/relativeDate')) return c.date().getTime();
  const day = { year: c.get('year') ?? 0, month: c.get('month') ?? 1, day: c.get('day') ?? 1 };
  if (!c.isCertain('hour')) return instantOf({ ...day, hour: 0, minute: 0, second: 0 }, zone);
  return instantOf({ ...day, hour: c.get('hour') ?? 0, minute: c.get('minute') ?? 0, second: c.get('second') ?? 0, ms: c.get('millisecond') ?? 0 }, zone);
}

/**
 * A --since/--until value as epoch ms. `zone` is the display zone
 * (--timezone, --local, else UTC): a time without a zone (13:10,
 * 2026-03-01T10:00) is a wall time there, and 'today' starts at its
 * midnight. Anything else is a UsageError naming the flag and the forms.
 */
export async function parseWhen(flag: string, value: string, now: number, zone: TimeZone = 'UTC'): Promise<number> {
  const text = value.trim().replace(/\s+/g, ' ');
  if (text === '') throw refuse(flag, value);
  const d = parseDuration(text);
  if (d !== undefined) return now - d;
  if (/^now$/i.test(text)) return now;
  if (/^\d/.test(text) && /^\d{4}-/.test(text)) {
    const t = parseIso(text, zone);
    if (t === undefined) throw refuse(flag, value, 'not a valid date or time; ');
    return t;
  }
  if (/^[+-]?\d+(\.\d+)?$/.test(text)) throw refuse(flag, value, 'a bare number has no unit; ');
  if (!/^[a-z0-9]/i.test(text)) throw refuse(flag, value);
  const t = await parseNatural(text, now, zone);
  if (t === undefined) throw refuse(flag, value);
  return t;
}
