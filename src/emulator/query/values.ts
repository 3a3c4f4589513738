/**
 * Values a query computes with: JSON values from the entries, plus the
 * language's timestamps (datetime, rounddown, $query.from), intervals (5m)
 * and wildcard patterns ("acc-*").
 */
export class Timestamp {
  constructor(readonly ms: number) {}
}

export class Interval {
  constructor(readonly ms: number) {}
}

/** A double-quoted wildcard literal such as "acc-*". */
export class Pattern {
  constructor(readonly text: string) {}
}

export type JsonObject = { readonly [key: string]: unknown };

/** null, boolean, number, string, a JSON array or object, or one of the classes above. */
export type Value = unknown;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Timestamp) && !(v instanceof Interval) && !(v instanceof Pattern);
}

/** Missing fields read as null. */
export function isNull(v: Value): boolean {
  return v === null || v === undefined;
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/**
 * True when text is a decimal number: `[+-]? (digits [. digits] | . digits)
 * ([eE] [+-]? digits)?`. One pass, no regular expression: a backtracking
 * one took time quadratic in a long run of digits (a 100 kB field, a minute).
 */
function isDecimal(text: string): boolean {
  const n = text.length;
  let i = 0;
  if (text.charCodeAt(0) === 43 || text.charCodeAt(0) === 45) i++;
  const intStart = i;
  while (i < n && isDigit(text.charCodeAt(i))) i++;
  let digits = i - intStart;
  if (i < n && text.charCodeAt(i) === 46) {
    const fracStart = ++i;
    while (i < n && isDigit(text.charCodeAt(i))) i++;
    digits += i - fracStart;
  }
  if (digits === 0) return false;
  if (i < n && (text.charCodeAt(i) === 101 || text.charCodeAt(i) === 69)) {
    i++;
    if (text.charCodeAt(i) === 43 || text.charCodeAt(i) === 45) i++;
    const expStart = i;
    while (i < n && isDigit(text.charCodeAt(i))) i++;
    if (i === expStart) return false;
  }
  return i === n;
}

/**
 * A number from a number, or a string that is exactly a (finite) decimal
 * number, white space around it allowed (JSON fields often carry "200").
 */
export function toNumber(v: Value): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const text = v.trim();
  if (!isDecimal(text)) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

const ISO_LIKE = /^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?([Zz]|[+-]\d{2}:?\d{2})?$/;

/**
 * Milliseconds since the epoch from a timestamp, a number (taken as ms), or an
 * ISO 8601 string (a time without a zone is UTC, as the spec's
 * '2007-04-05T14:30' example of query.from needs).
 */
export function toMillis(v: Value): number | undefined {
  if (v instanceof Timestamp) return v.ms;
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && ISO_LIKE.test(v.trim())) {
    const t = v.trim().replace(' ', 'T');
    const zoned = /([Zz]|[+-]\d{2}:?\d{2})$/.test(t) && t.includes('T');
    const ms = Date.parse(zoned ? t : t.includes('T') ? `${t}Z` : `${t}T00:00:00Z`);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

/** The text of a value, as string functions and full-text matching see it. */
export function toText(v: Value): string | undefined {
  if (isNull(v)) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Timestamp) return new Date(v.ms).toISOString();
  if (v instanceof Interval) return `${v.ms}ms`;
  if (v instanceof Pattern) return v.text;
  return JSON.stringify(v);
}

/** A value as it goes out in a search result: timestamps and intervals as ms, patterns as text. */
export function toJson(v: Value): unknown {
  if (v instanceof Timestamp || v instanceof Interval) return v.ms;
  if (v instanceof Pattern) return v.text;
  if (Array.isArray(v)) return v.map(toJson);
  return v === undefined ? null : v;
}

/** Matchers of the patterns seen last, by pattern: at most this many, and this many characters of pattern in all. */
const MATCHERS_KEPT = 1000;
const MATCHER_CHARS_KEPT = 1_000_000;
/** A pattern longer than this is matched without being kept (each would hold its own copy of the text). */
const MATCHER_MAX_CACHED_CHARS = 10_000;
const matchers = new Map<string, (text: string) => boolean>();
let matcherChars = 0;

/** How many wildcard matchers are kept, and the characters of their patterns. */
export function wildcardCacheSize(): { entries: number; chars: number } {
  return { entries: matchers.size, chars: matcherChars };
}

/**
 * A `*` wildcard pattern over the whole value, without regard to case (the
 * emulator's reading: the spec does not say). Matched segment by segment
 * with indexOf, leftmost first (enough when * is the only wildcard), never
 * with a backtracking regular expression: '*a*a*a*…*b' against a long value
 * stays linear in the value for each segment.
 */
export function wildcard(pattern: string): (text: string) => boolean {
  let match = matchers.get(pattern);
  if (!match) {
    const parts = pattern.toLowerCase().split('*');
    const first = parts[0] ?? '';
    const last = parts[parts.length - 1] ?? '';
    const middle = parts.slice(1, -1).filter((p) => p !== '');
    match =
      parts.length === 1
        ? (text) => text.length === first.length && text.toLowerCase() === first
        : (text) => {
            const t = text.toLowerCase();
            if (t.length < first.length + last.length || !t.startsWith(first) || !t.endsWith(last)) return false;
            let at = first.length;
            const end = t.length - last.length;
            for (const part of middle) {
              const found = t.indexOf(part, at);
              if (found === -1 || found + part.length > end) return false;
              at = found + part.length;
            }
            return true;
          };
    if (pattern.length <= MATCHER_MAX_CACHED_CHARS) {
      if (matchers.size >= MATCHERS_KEPT || matcherChars + pattern.length > MATCHER_CHARS_KEPT) {
        matchers.clear();
        matcherChars = 0;
      }
      matchers.set(pattern, match);
      matcherChars += pattern.length;
    }
  }
  return match;
}

function sameText(a: string, b: string): boolean {
  return a.length === b.length && (a === b || a.toLowerCase() === b.toLowerCase());
}

/**
 * `a = b`: numbers as numbers (a numeric string equals its number), times as
 * times, strings without regard to case, arrays element by element, an array
 * against a single value when it holds that value, null only to null.
 */
export function equals(a: Value, b: Value): boolean {
  if (isNull(a) || isNull(b)) return isNull(a) && isNull(b);
  if (Array.isArray(a) || Array.isArray(b)) {
    if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equals(x, b[i]));
    const [list, one] = Array.isArray(a) ? [a, b] : [b as unknown[], a];
    return list.some((x) => equals(x, one));
  }
  if (a instanceof Pattern || b instanceof Pattern) {
    const [p, other] = a instanceof Pattern ? [a, b] : [b as Pattern, a];
    const text = toText(other);
    return text !== undefined && wildcard(p.text)(text);
  }
  if (a instanceof Timestamp || b instanceof Timestamp || a instanceof Interval || b instanceof Interval) {
    const x = a instanceof Interval ? a.ms : toMillis(a);
    const y = b instanceof Interval ? b.ms : toMillis(b);
    return x !== undefined && x === y;
  }
  if (typeof a === 'number' || typeof b === 'number') {
    const x = toNumber(a);
    const y = toNumber(b);
    return x !== undefined && x === y;
  }
  const x = toText(a);
  const y = toText(b);
  return x !== undefined && y !== undefined && sameText(x, y);
}

/**
 * `<`, `>`, … : numbers (and numeric strings) and times; anything else does
 * not compare (false), as the spec allows these on numeric expressions only.
 */
export function compare(a: Value, b: Value): number | undefined {
  if (isNull(a) || isNull(b)) return undefined;
  if (a instanceof Timestamp || b instanceof Timestamp) {
    const x = toMillis(a);
    const y = toMillis(b);
    return x === undefined || y === undefined ? undefined : x - y;
  }
  if (a instanceof Interval || b instanceof Interval) {
    const x = a instanceof Interval ? a.ms : toNumber(a);
    const y = b instanceof Interval ? b.ms : toNumber(b);
    return x === undefined || y === undefined ? undefined : x - y;
  }
  const x = toNumber(a);
  const y = toNumber(b);
  return x === undefined || y === undefined ? undefined : x - y;
}

/** The number a value sorts as: numbers, times, intervals and numeric strings ("404"). */
function sortNumber(v: Value): number | undefined {
  return v instanceof Timestamp || v instanceof Interval ? v.ms : toNumber(v);
}

const RANK = (v: Value): number =>
  isNull(v) ? 0 : typeof v === 'boolean' ? 1 : sortNumber(v) !== undefined ? 2 : typeof v === 'string' || v instanceof Pattern ? 3 : 4;

/**
 * The order `sort`, `top`, `min` and `max` use: null first, then booleans,
 * numbers and times (numeric strings among them, as comparisons read them),
 * other strings (by code point), then arrays and objects (by their JSON).
 */
export function order(a: Value, b: Value): number {
  const ra = RANK(a);
  const rb = RANK(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 0:
      return 0;
    case 1:
      return Number(a) - Number(b);
    case 2: {
      const x = sortNumber(a) as number;
      const y = sortNumber(b) as number;
      return x < y ? -1 : x > y ? 1 : 0;
    }
    default: {
      const x = toText(a) ?? '';
      const y = toText(b) ?? '';
      return x < y ? -1 : x > y ? 1 : 0;
    }
  }
}

/** A string that is equal for equal values (grouping and dedup keys): exact, case kept. */
export function keyOf(v: Value): string {
  if (isNull(v)) return 'n';
  if (typeof v === 'number') return `d${v}`;
  if (typeof v === 'boolean') return v ? 'T' : 'F';
  if (typeof v === 'string') return `s${v}`;
  if (v instanceof Timestamp) return `d${v.ms}`;
  if (v instanceof Interval) return `i${v.ms}`;
  if (v instanceof Pattern) return `s${v.text}`;
  return `j${JSON.stringify(v)}`;
}
