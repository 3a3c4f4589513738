import { Timestamp, isNull, isObject, toJson, toText } from './values.js';
import type { JsonObject, Value } from './values.js';

/** An entry as the store keeps it (the fields search reads). */
export interface EntryRecord {
  readonly id: string;
  /** The data string as sent. */
  readonly data: string;
  /** ms since the epoch. */
  readonly time: number;
  readonly source: string;
  readonly type: string;
  readonly subject?: string | undefined;
  /** When it was ingested, ms. */
  readonly ingested: number;
}

/** The log an entry is in: what the oracle.* fields say. */
export interface LogInfo {
  readonly id: string;
  readonly compartmentId: string;
  readonly logGroupId: string;
  readonly tenancyId: string;
}

/**
 * JSON data nested deeper than this is searched and returned as text
 * ({"message": …}), like any data that is not a JSON object: deeper objects
 * would overflow the stack of whatever serializes them again (JSON.stringify
 * gives up near 4,000 levels), in the emulator or in its clients.
 */
export const MAX_DATA_DEPTH = 1000;

/** True when JSON text nests arrays and objects more than `limit` levels (strings skipped). */
export function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** Search gives back JSON-object data as the object and anything else as {"message": text}. */
export function searchData(data: string): JsonObject {
  if (data.startsWith('{') && !nestsDeeperThan(data, MAX_DATA_DEPTH)) {
    try {
      const parsed: unknown = JSON.parse(data);
      if (isObject(parsed)) return parsed;
    } catch {
      // plain text that happens to start with a brace
    }
  }
  return { message: data };
}

/** Follows a path into JSON: own properties of objects, and whole-number indexes of arrays. */
export function descend(value: Value, path: readonly string[], from = 0): Value {
  let v = value;
  for (let i = from; i < path.length; i++) {
    const key = path[i] as string;
    if (isObject(v)) v = Object.hasOwn(v, key) ? v[key] : null;
    else if (Array.isArray(v) && /^(0|[1-9][0-9]*)$/.test(key)) v = (v as unknown[])[Number(key)] ?? null;
    else return null;
  }
  return v === undefined ? null : v;
}

/** True when `test` holds for the text of some leaf value under `root` (iteratively: data can nest deeply). */
function someLeaf(root: Value, test: (text: string) => boolean): boolean {
  if (typeof root === 'string') return test(root);
  const stack: Value[] = [root];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (test(v)) return true;
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push(v[i]);
    } else if (isObject(v)) {
      const values = Object.values(v);
      for (let i = values.length - 1; i >= 0; i--) stack.push(values[i]);
    } else if (!isNull(v)) {
      const text = toText(v);
      if (text !== undefined && test(text)) return true;
    }
  }
  return false;
}

/** An output object without a prototype, so that a column named __proto__ is just a column. */
function record(): Record<string, unknown> {
  return Object.create(null) as Record<string, unknown>;
}

/** One row of the stream a query works on. */
export interface Row {
  /** A field by its path; null when absent. */
  get(path: readonly string[]): Value;
  /** Whether `test` holds for one of the texts `logContent = '…'` matches against: the row's values. */
  someText(test: (text: string) => boolean): boolean;
  /** The columns `select *` keeps. */
  columns(): Array<[string, Value]>;
  /** The row with one more column (extend). */
  with(name: string, value: Value): Row;
  /** The row as a search result's `data`. */
  toResult(): Record<string, unknown>;
  /** Drops what was cached while the query ran (rows kept for later pages stay small). */
  release(): void;
}

/** A log entry: datetime, and logContent's fields (data, id, time, source, type, subject, specversion, oracle) by short name. */
export class EntryRow implements Row {
  private parsed: JsonObject | undefined;

  constructor(
    readonly entry: EntryRecord,
    readonly log: LogInfo,
    private readonly extra?: ReadonlyMap<string, Value>,
  ) {}

  data(): JsonObject {
    if (this.parsed === undefined) this.parsed = searchData(this.entry.data);
    return this.parsed;
  }

  private oracle(): JsonObject {
    return {
      compartmentid: this.log.compartmentId,
      loggroupid: this.log.logGroupId,
      logid: this.log.id,
      tenantid: this.log.tenancyId,
      ingestedtime: new Date(this.entry.ingested).toISOString(),
    };
  }

  logContent(): JsonObject {
    const e = this.entry;
    return {
      data: this.data(),
      id: e.id,
      time: new Date(e.time).toISOString(),
      source: e.source,
      type: e.type,
      ...(e.subject === undefined ? {} : { subject: e.subject }),
      specversion: '1.0',
      oracle: this.oracle(),
    };
  }

  get(path: readonly string[]): Value {
    const head = path[0] ?? '';
    if (this.extra?.has(head)) return descend(this.extra.get(head), path, 1);
    const e = this.entry;
    switch (head) {
      case 'datetime':
        return path.length === 1 ? new Timestamp(e.time) : null;
      case 'logContent':
        return descend(this.logContent(), path, 1);
      case 'data':
        return descend(this.data(), path, 1);
      case 'oracle':
        return descend(this.oracle(), path, 1);
      case 'id':
      case 'source':
      case 'type':
        return path.length === 1 ? e[head] : null;
      case 'subject':
        return path.length === 1 ? (e.subject ?? null) : null;
      case 'time':
        return path.length === 1 ? new Date(e.time).toISOString() : null;
      case 'specversion':
        return path.length === 1 ? '1.0' : null;
      default:
        return null;
    }
  }

  /** What was sent: the data's values, id, source, type and subject (not the oracle.* fields the service adds). */
  someText(test: (text: string) => boolean): boolean {
    const e = this.entry;
    if (test(e.id) || test(e.source) || test(e.type) || (e.subject !== undefined && test(e.subject))) return true;
    if (someLeaf(this.data(), test)) return true;
    if (this.extra) for (const v of this.extra.values()) if (someLeaf(v, test)) return true;
    return false;
  }

  columns(): Array<[string, Value]> {
    return [['datetime', new Timestamp(this.entry.time)], ['logContent', this.logContent()], ...(this.extra ?? [])];
  }

  with(name: string, value: Value): Row {
    const extra = new Map(this.extra);
    extra.set(name, value);
    return new EntryRow(this.entry, this.log, extra);
  }

  toResult(): Record<string, unknown> {
    const out = record();
    out['datetime'] = this.entry.time;
    out['logContent'] = this.logContent();
    if (this.extra) for (const [k, v] of this.extra) if (!isNull(v)) out[k] = toJson(v);
    return out;
  }

  release(): void {
    this.parsed = undefined;
  }
}

/** A row made by select, summarize or count: named columns. */
export class PlainRow implements Row {
  private readonly dotted: boolean;

  constructor(private readonly cols: ReadonlyMap<string, Value>) {
    this.dotted = [...cols.keys()].some((k) => k.includes('.'));
  }

  get(path: readonly string[]): Value {
    // A column named "data.level" (select data.level) answers data.level too: the longest name wins.
    if (this.dotted) {
      for (let k = path.length; k > 1; k--) {
        const name = path.slice(0, k).join('.');
        if (this.cols.has(name)) return descend(this.cols.get(name), path, k);
      }
    }
    const head = path[0] ?? '';
    return this.cols.has(head) ? descend(this.cols.get(head), path, 1) : null;
  }

  someText(test: (text: string) => boolean): boolean {
    for (const v of this.cols.values()) if (someLeaf(v, test)) return true;
    return false;
  }

  columns(): Array<[string, Value]> {
    return [...this.cols];
  }

  with(name: string, value: Value): Row {
    const cols = new Map(this.cols);
    cols.set(name, value);
    return new PlainRow(cols);
  }

  toResult(): Record<string, unknown> {
    const out = record();
    for (const [k, v] of this.cols) if (!isNull(v)) out[k] = toJson(v);
    return out;
  }

  release(): void {}
}
