/** The zone times are shown in, and zone-less times read in: an IANA name (Asia/Tokyo) or UTC. */
export type TimeZone = string;

const formatters = new Map<TimeZone, Intl.DateTimeFormat>();

function formatter(zone: TimeZone): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(zone, f);
  }
  return f;
}

/** The zone's canonical name, or undefined when Intl does not know it. */
export function checkTimeZone(zone: string): TimeZone | undefined {
  const name = zone.trim().replace(/^:/, ''); // TZ=:Europe/Paris, as glibc allows
  if (name === '') return undefined;
  if (/^(utc|z|gmt|etc\/utc)$/i.test(name)) return 'UTC';
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** Wall-clock fields of an instant in a zone. */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export function wallTime(ms: number, zone: TimeZone): WallTime {
  if (zone === 'UTC') {
    const d = new Date(ms);
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds() };
  }
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(ms)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { year: parts['year'] ?? 0, month: parts['month'] ?? 1, day: parts['day'] ?? 1, hour: parts['hour'] ?? 0, minute: parts['minute'] ?? 0, second: parts['second'] ?? 0 };
}

/** The zone's offset from UTC at an instant, in milliseconds (+09:00 is 32,400,000). */
export function zoneOffsetMs(ms: number, zone: TimeZone): number {
  if (zone === 'UTC') return 0;
  const w = wallTime(ms, zone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - (ms - (((ms % 1000) + 1000) % 1000));
}

/**
 * The instant a wall-clock time names in a zone. In a gap (spring forward)
 * it is read with the offset before the gap; in an overlap, the earlier one.
 */
export function instantOf(w: WallTime & { ms?: number }, zone: TimeZone): number {
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second, w.ms ?? 0);
  if (zone === 'UTC') return asUtc;
  let t = asUtc - zoneOffsetMs(asUtc, zone);
  const second = asUtc - zoneOffsetMs(t, zone);
  if (second !== t) t = Math.min(t, second);
  return t;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** "Z", or "+09:00" / "-05:00". */
export function offsetText(offsetMs: number): string {
  if (offsetMs === 0) return 'Z';
  const minutes = Math.round(Math.abs(offsetMs) / 60_000);
  return `${offsetMs < 0 ? '-' : '+'}${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

/** ISO-8601 with milliseconds and the zone's offset: 2026-03-01T19:00:00.000+09:00 (UTC: ...Z). */
export function formatTime(ms: number, zone: TimeZone): string {
  if (zone === 'UTC') return new Date(ms).toISOString();
  const w = wallTime(ms, zone);
  const millis = ((ms % 1000) + 1000) % 1000;
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}.${pad(millis, 3)}${offsetText(zoneOffsetMs(ms, zone))}`;
}
