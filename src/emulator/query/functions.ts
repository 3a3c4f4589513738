import { checkValueSize } from './limits.js';
import { Timestamp, isNull, toMillis, toText } from './values.js';
import type { Value } from './values.js';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/**
 * time_format(datetime, format): the spec names no pattern syntax; the
 * emulator reads Java DateTimeFormatter letters (the service is Java), in UTC:
 * yyyy yy MMMM MMM MM M dd d EEEE EEE HH H hh h mm m ss s SSS a, X/XXX/Z for
 * the zone, 'quoted text' and '' for a quote. Other letters are an error.
 */
export function formatTime(ms: number, format: string): string {
  const d = new Date(ms);
  let out = '';
  let i = 0;
  while (i < format.length) {
    const c = format[i] ?? '';
    if (c === "'") {
      const close = format.indexOf("'", i + 1);
      if (close === i + 1) {
        out += "'";
        i += 2;
        continue;
      }
      if (close === -1) throw new RangeError("time_format: a ' in the format is not closed");
      out += format.slice(i + 1, close);
      i = close + 1;
      continue;
    }
    if (!/[A-Za-z]/.test(c)) {
      out += c;
      i++;
      continue;
    }
    let n = 1;
    while (format[i + n] === c) n++;
    i += n;
    const hour = d.getUTCHours();
    switch (c) {
      case 'y':
        out += n === 2 ? pad(d.getUTCFullYear() % 100, 2) : pad(d.getUTCFullYear(), n);
        break;
      case 'M':
        out += n >= 4 ? MONTHS[d.getUTCMonth()] : n === 3 ? MONTHS[d.getUTCMonth()]?.slice(0, 3) : pad(d.getUTCMonth() + 1, n);
        break;
      case 'd':
        out += pad(d.getUTCDate(), n);
        break;
      case 'E':
        out += n >= 4 ? DAYS[d.getUTCDay()] : DAYS[d.getUTCDay()]?.slice(0, 3);
        break;
      case 'H':
        out += pad(hour, n);
        break;
      case 'h':
        out += pad(hour % 12 === 0 ? 12 : hour % 12, n);
        break;
      case 'a':
        out += hour < 12 ? 'AM' : 'PM';
        break;
      case 'm':
        out += pad(d.getUTCMinutes(), n);
        break;
      case 's':
        out += pad(d.getUTCSeconds(), n);
        break;
      case 'S':
        out += pad(d.getUTCMilliseconds(), 3).slice(0, n).padEnd(n, '0');
        break;
      case 'X':
        out += 'Z';
        break;
      case 'Z':
        out += '+0000';
        break;
      default:
        throw new RangeError(`time_format: unknown pattern letter ${c}`);
    }
  }
  return out;
}

export interface ScalarFunction {
  /** Fewest and most arguments (most -1: any number). */
  arity: readonly [number, number];
  /** Arguments are already evaluated (rounddown's interval as ms). */
  call(args: Value[]): Value;
}

/** The scalar functions, by lower-cased name. */
export const SCALAR_FUNCTIONS: Readonly<Record<string, ScalarFunction>> = {
  contains_ci: { arity: [2, 3], call: ([a, b, cs]) => contains(a, b, cs === true) },
  contains_cs: { arity: [2, 3], call: ([a, b, cs]) => contains(a, b, cs !== false) },
  rounddown: {
    arity: [2, 2],
    call: ([v, interval]) => {
      const ms = toMillis(v);
      const step = typeof interval === 'number' ? interval : 0;
      return ms === undefined || step <= 0 ? null : new Timestamp(Math.floor(ms / step) * step);
    },
  },
  time_format: {
    arity: [2, 2],
    call: ([v, format]) => {
      const ms = toMillis(v);
      return ms === undefined ? null : formatTime(ms, String(format));
    },
  },
  concat: {
    arity: [1, -1],
    call: (args) => {
      const texts = args.map((a) => toText(a) ?? '');
      let size = 0;
      for (const t of texts) size += t.length;
      checkValueSize('concat()', size);
      return texts.join('');
    },
  },
  upper: { arity: [1, 1], call: ([v]) => sized('upper()', toText(v))?.toUpperCase() ?? null },
  lower: { arity: [1, 1], call: ([v]) => sized('lower()', toText(v))?.toLowerCase() ?? null },
  substr: {
    arity: [2, 3],
    call: ([v, start, length]) => {
      const text = toText(v);
      if (text === undefined) return null;
      const from = Number(start);
      return length === undefined ? text.slice(from) : text.slice(from, from + Number(length));
    },
  },
  isnull: { arity: [1, 1], call: ([v]) => isNull(v) },
  isnotnull: { arity: [1, 1], call: ([v]) => !isNull(v) },
};

/** The text, once its size is known to be within QUERY_LIMITS (upper and lower make a copy of it). */
function sized(what: string, text: string | undefined): string | undefined {
  if (text !== undefined) checkValueSize(what, text.length);
  return text;
}

/**
 * contains_ci/contains_cs(a, b[, caseSensitive]): the spec's third argument
 * ("(true | false) … is case-sensitive") overrides the name's case rule.
 */
function contains(a: Value, b: Value, caseSensitive: boolean): boolean {
  const x = toText(a);
  const y = toText(b);
  if (x === undefined || y === undefined) return false;
  return caseSensitive ? x.includes(y) : x.toLowerCase().includes(y.toLowerCase());
}
