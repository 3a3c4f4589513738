/**
 * Times written in a line, read without Date.parse (whose reading of
 * anything but the exact ISO form is implementation-defined) and without
 * regexes on the common path: each reader first looks at a character or two
 * and gives up at once on a line that cannot hold its form.
 */

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1-12), for any year. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** The value of `count` decimal digits at `at`, or -1. */
function digits(text: string, at: number, count: number): number {
  let n = 0;
  for (let i = at; i < at + count; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

const isDigit = (code: number): boolean => code >= 48 && code <= 57;

/** A time read from text: epoch milliseconds and where its text ends. */
export interface ReadTime {
  ms: number;
  end: number;
}

/**
 * An ISO 8601 / RFC 3339 date and time at `at`: `2026-12-01T10:00:00Z`, with
 * `t` or a space between date and time, seconds optional, a fraction after
 * `.` or `,` of any length (read to the millisecond, truncated), and a zone
 * `Z`, `±HH:MM`, `±HHMM` or `±HH`. Without a zone the time is UTC.
 */
export function readIsoTime(text: string, at = 0): ReadTime | undefined {
  if (text.length < at + 16 || text.charCodeAt(at + 4) !== 45 /* - */ || text.charCodeAt(at + 7) !== 45) return undefined;
  const year = digits(text, at, 4);
  const month = digits(text, at + 5, 2);
  const day = digits(text, at + 8, 2);
  const sep = text.charCodeAt(at + 10);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (sep !== 84 /* T */ && sep !== 116 /* t */ && sep !== 32 /* space */) return undefined;
  const hour = digits(text, at + 11, 2);
  const minute = digits(text, at + 14, 2);
  if (hour < 0 || hour > 23 || text.charCodeAt(at + 13) !== 58 /* : */ || minute < 0 || minute > 59) return undefined;
  let i = at + 16;
  let second = 0;
  let ms = 0;
  if (text.charCodeAt(i) === 58) {
    second = digits(text, i + 1, 2);
    if (second < 0 || second > 60) return undefined;
    i += 3;
    const mark = text.charCodeAt(i);
    if ((mark === 46 /* . */ || mark === 44) /* , */ && isDigit(text.charCodeAt(i + 1))) {
      i += 1;
      let scale = 100;
      while (isDigit(text.charCodeAt(i))) {
        ms += (text.charCodeAt(i) - 48) * scale;
        scale /= 10;
        i += 1;
      }
      ms = Math.floor(ms);
    }
  }
  let offsetMinutes = 0;
  const zone = text.charCodeAt(i);
  if (zone === 90 /* Z */ || zone === 122 /* z */) {
    i += 1;
  } else if (zone === 43 /* + */ || zone === 45 /* - */) {
    const zh = digits(text, i + 1, 2);
    if (zh < 0 || zh > 23) return undefined;
    let zm = 0;
    let next = i + 3;
    if (text.charCodeAt(next) === 58) {
      zm = digits(text, next + 1, 2);
      next += 3;
    } else if (isDigit(text.charCodeAt(next))) {
      zm = digits(text, next, 2);
      next += 2;
    }
    if (zm < 0 || zm > 59) return undefined;
    offsetMinutes = (zone === 43 ? 1 : -1) * (zh * 60 + zm);
    i = next;
  }
  if (isDigit(text.charCodeAt(i))) return undefined;
  const epoch = daysFromCivil(year, month, day) * DAY_MS + ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 + ms;
  return { ms: epoch, end: i };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * A syslog (RFC 3164) time at the start of `text`: `Dec  2 05:25:58`, with an
 * optional fraction. It has no year: the year of `nowMs`, or the year before
 * when that would put it more than a day ahead (a December line read in
 * January). UTC.
 */
export function readSyslogTime(text: string, nowMs: number, at = 0): ReadTime | undefined {
  if (text.length < at + 15 || text.charCodeAt(at + 3) !== 32 || text.charCodeAt(at + 9) !== 58 || text.charCodeAt(at + 12) !== 58) return undefined;
  const month = MONTHS.indexOf(text.slice(at, at + 3)) + 1;
  if (month === 0) return undefined;
  const d1 = text.charCodeAt(at + 4);
  const day = (d1 === 32 ? 0 : d1 - 48) * 10 + (text.charCodeAt(at + 5) - 48);
  const hour = digits(text, at + 7, 2);
  const minute = digits(text, at + 10, 2);
  const second = digits(text, at + 13, 2);
  if ((d1 !== 32 && !isDigit(d1)) || !isDigit(text.charCodeAt(at + 5)) || text.charCodeAt(at + 6) !== 32) return undefined;
  if (day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) return undefined;
  let i = at + 15;
  let ms = 0;
  if (text.charCodeAt(i) === 46 && isDigit(text.charCodeAt(i + 1))) {
    i += 1;
    let scale = 100;
    while (isDigit(text.charCodeAt(i))) {
      ms += (text.charCodeAt(i) - 48) * scale;
      scale /= 10;
      i += 1;
    }
    ms = Math.floor(ms);
  }
  if (isDigit(text.charCodeAt(i))) return undefined;
  const at0 = (year: number): number | undefined =>
    day > daysInMonth(year, month) ? undefined : daysFromCivil(year, month, day) * DAY_MS + ((hour * 60 + minute) * 60 + second) * 1000 + ms;
  const thisYear = new Date(nowMs).getUTCFullYear();
  const guess = at0(thisYear);
  const ms0 = guess === undefined || guess > nowMs + DAY_MS ? at0(thisYear - 1) : guess;
  return ms0 === undefined ? undefined : { ms: ms0, end: i };
}

/**
 * An epoch number as milliseconds, its unit told by its magnitude: under
 * 1e11 seconds (zap's floats; up to the year 5138), under 1e14 milliseconds
 * (pino), under 1e17 microseconds, else nanoseconds. Fractions of a
 * millisecond are dropped (seconds are rounded to the millisecond: a float
 * of seconds is rarely exact, 1.123 s is 1122.999… ms).
 */
export function epochToMs(value: number): number | undefined {
  if (!Number.isFinite(value)) return undefined;
  const size = Math.abs(value);
  if (size < 1e11) return Math.round(value * 1000);
  return Math.floor(size < 1e14 ? value : size < 1e17 ? value / 1e3 : value / 1e6);
}

const EPOCH_TEXT = /^-?\d+(?:\.\d+)?$/;

/** A time given as text: ISO 8601 / RFC 3339 (the whole text), or an epoch number written as a string. */
export function readTimeText(text: string): number | undefined {
  const iso = readIsoTime(text);
  if (iso !== undefined) return iso.end === text.length ? iso.ms : undefined;
  return EPOCH_TEXT.test(text) ? epochToMs(Number(text)) : undefined;
}
