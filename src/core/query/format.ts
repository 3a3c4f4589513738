import { UsageError } from '../../errors.js';
import { escapeControls } from '../format/control-chars.js';
import { paint, severityOf } from './colors.js';
import type { LogEntry } from './entries.js';
import { formatTime } from './time-zone.js';
import type { TimeZone } from './time-zone.js';

export const OUTPUTS = ['text', 'jsonl', 'json', 'raw'] as const;
export type Output = (typeof OUTPUTS)[number];

/** An output line of `oci-log exec`: {"run","stream","line"}. */
function isExecLine(data: unknown): data is { run: string; stream: string; line: string } {
  if (typeof data !== 'object' || data === null) return false;
  const d = data as Record<string, unknown>;
  return typeof d['run'] === 'string' && typeof d['stream'] === 'string' && typeof d['line'] === 'string' && Object.keys(d).length === 3;
}

/** Text from a log on one terminal line: line breaks as \n, other control characters escaped. */
function oneLine(text: string): string {
  return escapeControls(text.replace(/\r?\n/g, '\\n'));
}

/**
 * How an entry's data reads on one line: text as sent, JSON compactly, an
 * exec output line as its text (the subject already names the stream);
 * newlines and other control characters escaped.
 */
export function dataText(data: unknown): string {
  const text = typeof data === 'string' ? data : isExecLine(data) ? data.line : JSON.stringify(data);
  return oneLine(text ?? '');
}

/** The fields --fields may name: an entry's own, `log` (its log's display name), and any path under data. */
const FIELD_ROOTS = ['time', 'id', 'source', 'type', 'subject', 'logId', 'log', 'data'] as const;

/** --fields time,data.level,data.msg: each a path, checked. */
export function parseFields(value: string): string[][] {
  const fields = value.split(',').map((f) => f.trim());
  return fields.map((f) => {
    const path = f.split('.');
    if (f === '' || path.some((p) => p === '') || !(FIELD_ROOTS as readonly string[]).includes(path[0] ?? '') || (path.length > 1 && path[0] !== 'data')) {
      throw new UsageError(`--fields ${value}: ${f === '' ? 'an empty field' : f} is not a field; give a comma-separated list of ${FIELD_ROOTS.join(', ')}, or data.PATH (data.level, data.http.status)`);
    }
    return path;
  });
}

export interface FormatOptions {
  output: Output;
  /** Times are shown in this zone, with its offset. */
  zone: TimeZone;
  /** ANSI colours (text only): the time dim, errors red, warnings yellow. */
  color: boolean;
  /** --fields: only these, in this order (text, jsonl, json). */
  fields?: string[][] | undefined;
  /** Display names by log OCID: text shows the log's name when given (more than one log is read). */
  logNames?: ReadonlyMap<string, string> | undefined;
}

function valueAt(entry: LogEntry, path: readonly string[], options: FormatOptions): unknown {
  const [root, ...rest] = path;
  if (root === 'time') return entry.time === '' ? undefined : formatTime(Date.parse(entry.time), options.zone);
  if (root === 'log') return entry.logId === undefined ? undefined : (options.logNames?.get(entry.logId) ?? entry.logId);
  let v: unknown = (entry as unknown as Record<string, unknown>)[root ?? ''];
  for (const key of rest) {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

/** An object of the picked fields, nested as they are in the entry ({"time", "data": {"level"}}). */
function project(entry: LogEntry, fields: readonly string[][], options: FormatOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const path of fields) {
    const v = valueAt(entry, path, options);
    if (v === undefined) continue;
    let at = out;
    for (const key of path.slice(0, -1)) {
      if (typeof at[key] !== 'object' || at[key] === null) at[key] = {};
      at = at[key] as Record<string, unknown>;
    }
    at[path.at(-1) ?? ''] = v;
  }
  return out;
}

function cell(v: unknown): string {
  if (v === undefined || v === null) return '-';
  return oneLine(typeof v === 'string' ? v : JSON.stringify(v));
}

/** The entry as jsonl and json write it: every field (time in the display zone), or the --fields projection. */
export function entryObject(entry: LogEntry, options: FormatOptions): Record<string, unknown> {
  if (options.fields) return project(entry, options.fields, options);
  return { ...entry, ...(entry.time === '' ? {} : { time: formatTime(Date.parse(entry.time), options.zone) }) };
}

/**
 * One entry as a line of the given output (json is an array: see
 * JsonArrayWriter): text is time, [log,] subject, data; raw is the data
 * alone, text as sent (its own newlines kept) or compact JSON.
 */
export function formatEntry(entry: LogEntry, options: FormatOptions): string {
  switch (options.output) {
    case 'jsonl':
    case 'json':
      return JSON.stringify(entryObject(entry, options)) + '\n';
    case 'raw':
      return (typeof entry.data === 'string' ? entry.data : JSON.stringify(entry.data)) + '\n';
    case 'text': {
      const severity = options.color ? severityOf(entry.data, entry.subject) : undefined;
      const tint = (s: string): string => (severity === 'error' ? paint('red', s) : severity === 'warn' ? paint('yellow', s) : s);
      if (options.fields) {
        const cells = options.fields.map((path) => {
          const text = cell(valueAt(entry, path, options));
          return path[0] === 'time' && options.color ? paint('dim', text) : tint(text);
        });
        return cells.join(' ') + '\n';
      }
      const time = entry.time === '' ? '-' : formatTime(Date.parse(entry.time), options.zone);
      const log = options.logNames && entry.logId !== undefined ? `${oneLine(options.logNames.get(entry.logId) ?? entry.logId)} ` : '';
      return `${options.color ? paint('dim', time) : time} ${log}${tint(`${oneLine(entry.subject ?? '-')} ${dataText(entry.data)}`)}\n`;
    }
  }
}

/** A JSON array written an element at a time, laid out as JSON.stringify(array, null, 2) lays it out. */
export class JsonArrayWriter {
  private count = 0;

  element(value: unknown): string {
    const text = JSON.stringify(value, null, 2).replace(/\n/g, '\n  ');
    return `${this.count++ === 0 ? '[\n' : ',\n'}  ${text}`;
  }

  end(): string {
    return this.count === 0 ? '[]\n' : '\n]\n';
  }
}

/** Every entry at once (tests, small outputs). */
export function formatEntries(entries: readonly LogEntry[], options: FormatOptions): string {
  if (options.output === 'json') {
    const w = new JsonArrayWriter();
    return entries.map((e) => w.element(entryObject(e, options))).join('') + w.end();
  }
  return entries.map((e) => formatEntry(e, options)).join('');
}
