import { JsonFieldReader } from './json-field.js';
import type { FieldValue } from './json-field.js';
import type { LineStats } from './line-stats.js';
import { epochToMs, readIsoTime, readSyslogTime, readTimeText } from './timestamp.js';
import { clampTime, ENTRY_TIME_WINDOW } from './time-window.js';

export interface LineTimeOptions {
  /** --time-key: a JSON line's top-level field holding its time. */
  timeKey?: string | undefined;
  /** --time-prefix: a leading ISO 8601 / RFC 3339 or syslog time. */
  timePrefix?: boolean | undefined;
}

/** Said once per kind by the command: the first line without a usable time, the first clamped time. */
export type TimeNotice = (kind: 'untimed' | 'clamped', message: string) => void;

const MAX_QUOTED = 40;

function quoted(value: FieldValue): string {
  if (value.kind === 'other') return 'not a string or number';
  const text = value.kind === 'string' ? JSON.stringify(value.text) : value.text;
  return text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}…` : text;
}

function fieldTime(value: FieldValue): number | undefined {
  if (value.kind === 'number') return epochToMs(value.value);
  if (value.kind === 'string') return readTimeText(value.text);
  return undefined;
}

const SYSLOG_FIRST = 'ADFJMNOS';

/**
 * The time a line says it is from: the --time-key field of a JSON line, else
 * (--time-prefix) a leading time, else the time it was read (counted as
 * untimed). A time outside the window the service is assumed to accept is
 * clamped to its edge (counted). The line itself is never changed.
 */
export class LineTime {
  private readonly field: JsonFieldReader | undefined;
  private readonly prefix: boolean;

  constructor(
    options: LineTimeOptions,
    private readonly stats: LineStats,
    private readonly notice: TimeNotice = () => undefined,
  ) {
    this.field = options.timeKey === undefined ? undefined : new JsonFieldReader(options.timeKey);
    this.prefix = options.timePrefix === true;
  }

  get active(): boolean {
    return this.field !== undefined || this.prefix;
  }

  /** The entry time for `line`, read at `readAtMs`. */
  timeOf(line: string, readAtMs: number): number {
    let why = '';
    if (this.field !== undefined) {
      const value = this.field.read(line);
      if (value !== undefined) {
        const ms = fieldTime(value);
        if (ms !== undefined) return this.clamp(ms, readAtMs);
        why = `its "${this.field.key}" is ${quoted(value)}, not a time`;
      } else {
        why = `it has no top-level "${this.field.key}" field`;
      }
    }
    if (this.prefix) {
      const ms = this.prefixTime(line, readAtMs);
      if (ms !== undefined) return this.clamp(ms, readAtMs);
      why = why === '' ? 'it does not start with a time' : `${why}, nor does it start with a time`;
    }
    this.stats.untimed += 1;
    if (this.stats.untimed === 1) this.notice('untimed', `a line has no usable time (${why}); such lines get the time they were read, and are counted`);
    return readAtMs;
  }

  private prefixTime(line: string, readAtMs: number): number | undefined {
    const at = line.charCodeAt(0) === 91 /* [ */ ? 1 : 0;
    const c = line.charCodeAt(at);
    if (c >= 48 && c <= 57) return readIsoTime(line, at)?.ms;
    if (SYSLOG_FIRST.includes(line.charAt(at))) return readSyslogTime(line, readAtMs, at)?.ms;
    return undefined;
  }

  private clamp(ms: number, readAtMs: number): number {
    const r = clampTime(ms, readAtMs);
    if (!r.clamped) return ms;
    this.stats.clamped += 1;
    if (this.stats.clamped === 1) {
      const side = ms < r.ms ? `more than ${ENTRY_TIME_WINDOW.pastMs / 86_400_000} days old` : `more than ${ENTRY_TIME_WINDOW.futureMs / 60_000} minutes ahead of this host's clock`;
      const said = Number.isFinite(ms) && Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString() : String(ms);
      this.notice('clamped', `a line's time ${said} is ${side}; such times are sent as the nearest time the service is assumed to accept, and counted (the line's text keeps its own)`);
    }
    return r.ms;
  }
}
