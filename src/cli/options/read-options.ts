import { parseDuration } from '../../core/duration.js';
import { UsageError } from '../../errors.js';
import type { DurationOptionSpec, NumberOptionSpec, OptionSpec, OptionTable, OptionValues } from './option-spec.js';

const NUMBER = /^-?\d+(\.\d+)?$/;

/** How a refused value is quoted: as typed, or "" when empty. */
function shown(text: string): string {
  return text === '' ? '""' : text;
}

function readNumber(flag: string, spec: NumberOptionSpec, value: unknown): number {
  const text = String(value).trim();
  const n = Number(text);
  const whole = spec.fraction !== true;
  const what = whole ? 'a whole number' : 'a number';
  const range = spec.min !== undefined && spec.max !== undefined ? ` from ${spec.min} to ${spec.max}` : spec.min !== undefined ? `, ${spec.min} or more` : spec.max !== undefined ? `, at most ${spec.max}` : '';
  if (!NUMBER.test(text)) throw new UsageError(`--${flag} ${shown(String(value))}: expected ${what}${range}`);
  if ((whole && !Number.isInteger(n)) || (spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) {
    throw new UsageError(`--${flag} ${shown(String(value))}: must be ${what}${range}`);
  }
  return n;
}

function durationBound(spec: DurationOptionSpec, bound: string | undefined): number | undefined {
  return bound === undefined ? undefined : parseDuration(bound, spec.unit);
}

function readDuration(flag: string, spec: DurationOptionSpec, value: unknown): number {
  const text = String(value);
  const ms = parseDuration(text, spec.unit);
  const unit = spec.unit === 's' ? 'seconds' : 'milliseconds';
  if (ms === undefined) throw new UsageError(`--${flag} ${shown(text)}: expected a duration such as 250ms, 30s, 5m or 2h (a bare number is ${unit})`);
  const min = durationBound(spec, spec.min);
  const max = durationBound(spec, spec.max);
  if ((min !== undefined && ms < min) || (max !== undefined && ms > max)) {
    const range = spec.min !== undefined && spec.max !== undefined ? `from ${spec.min} to ${spec.max}` : spec.min !== undefined ? `${spec.min} or more` : `at most ${spec.max ?? ''}`;
    throw new UsageError(`--${flag} ${shown(text)}: must be ${range}`);
  }
  return ms;
}

function readOne(flag: string, spec: OptionSpec, given: unknown): unknown {
  const array = 'array' in spec && spec.array === true;
  // A flag given twice: the last one counts, as with most commands.
  const raw = Array.isArray(given) && !array ? given.at(-1) : given;
  if (raw === undefined) {
    if (spec.required) throw new UsageError(`--${flag} is required`);
    if (spec.default === undefined) return array ? [] : undefined;
    if (spec.type === 'duration') return readDuration(flag, spec, spec.default);
    return Array.isArray(spec.default) ? [...spec.default] : spec.default;
  }
  switch (spec.type) {
    case 'boolean':
      return Boolean(raw);
    case 'number':
      return readNumber(flag, spec, raw);
    case 'duration':
      return readDuration(flag, spec, raw);
    case 'string': {
      if (array) return (Array.isArray(raw) ? raw : [raw]).map(String);
      const text = String(raw);
      if ('choices' in spec && spec.choices && !spec.choices.includes(text)) {
        throw new UsageError(`--${flag} ${shown(text)}: must be one of ${spec.choices.join(', ')}`);
      }
      return text;
    }
  }
}

function camelCase(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/**
 * Checks and converts the parsed flags against their table, before a handler
 * runs: defaults filled in, numbers and durations parsed (durations to ms),
 * ranges and choices checked, a flag given twice read as its last value.
 * A bad value is a UsageError quoting what was typed and naming the flag.
 * Returns argv with each option's value (under its name, its camelCase form
 * and its alias) replaced by the checked one.
 */
export function readOptions<T extends OptionTable>(table: T, argv: Record<string, unknown>): OptionValues<T> & Record<string, unknown> {
  const out: Record<string, unknown> = { ...argv };
  for (const [flag, spec] of Object.entries(table)) {
    const value = readOne(flag, spec, argv[flag]);
    for (const key of [flag, camelCase(flag), ...(spec.alias === undefined ? [] : [spec.alias])]) {
      if (value === undefined) delete out[key];
      else out[key] = value;
    }
  }
  return out as OptionValues<T> & Record<string, unknown>;
}
