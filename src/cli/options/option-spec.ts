import type { BareUnit } from '../../core/duration.js';

/**
 * Where an option is listed in --help, the man page and the README:
 * - `target`: which log, and what the entries say about themselves;
 * - `command`: the command's own options (the default);
 * - `lines`: what happens to lines before they are entries: multiline, their time and subject, redaction (send, exec);
 * - `delivery`: batching, retries and the dead-letter file (send, replay, exec);
 * - `spool`: the write-ahead spool (send, exec);
 * - `connection`: credentials and endpoint, as the OCI CLI names them (documented once);
 * - `global`: accepted by every command (documented once).
 */
export type OptionGroup = 'target' | 'command' | 'lines' | 'delivery' | 'spool' | 'connection' | 'global';

interface BaseOptionSpec {
  /**
   * What the option does, for --help, the man page and the README: a phrase
   * starting with a capital letter, no final period, without the default,
   * range, choices or variable (those are added from the fields below).
   */
  description: string;
  /** More sentences for the man page only (its own period included). */
  details?: string;
  /** The value's name in the docs: OCID, FILE, NAME… (default: N, DURATION, TEXT, or the choices). */
  arg?: string;
  alias?: string;
  /**
   * The environment variable the command reads when the flag is not given
   * (flag, then variable, then default). The command reads it (through this
   * field, so the name is written once); the docs name it. Such an option
   * has no `default` (it would hide the variable): say it in `defaultText`.
   */
  env?: string;
  group?: OptionGroup;
  /** The command refuses to run without it. */
  required?: boolean;
  /** Shown as the default when there is no literal one, e.g. "the host name", or when the variable comes first. */
  defaultText?: string;
}

export interface StringOptionSpec extends BaseOptionSpec {
  type: 'string';
  default?: string;
  choices?: readonly string[];
}

/** A string flag that may be given several times (--fault A --fault B). */
export interface StringArrayOptionSpec extends BaseOptionSpec {
  type: 'string';
  array: true;
  default?: readonly string[];
}

export interface NumberOptionSpec extends BaseOptionSpec {
  type: 'number';
  default?: number;
  min?: number;
  max?: number;
  /** Decimals allowed (a whole number is required otherwise). */
  fraction?: true;
}

/**
 * A time: any form of the duration grammar (250ms, 30s, 5m, 2h, 1h30m); the
 * handler receives milliseconds. `unit` is what a bare number means, the unit
 * the flag took before it took durations. `default`, `min` and `max` are
 * written in the same grammar.
 */
export interface DurationOptionSpec extends BaseOptionSpec {
  type: 'duration';
  unit: BareUnit;
  default?: string;
  min?: string;
  max?: string;
}

export interface BooleanOptionSpec extends BaseOptionSpec {
  type: 'boolean';
  default?: boolean;
}

/**
 * One command-line option, defined once in a table beside its command; the
 * --help text, the man page's option lists, ENVIRONMENT section and the
 * README's option tables are generated from these fields (`npm run docs`),
 * and the values the handler receives are checked against them (range,
 * choices, required) before it runs.
 *
 * To add an option: add an entry to the command's `options` (or to a shared
 * table in src/cli/options/ when several commands take it), fill in
 * `description` and whichever of default/defaultText, min/max, choices, unit,
 * env and group apply, use the typed value in the handler, then run
 * `npm run docs` and commit the regenerated man page and README.
 *
 * Example: `'flush-interval': { type: 'duration', unit: 'ms', default: '1s',
 * min: '10ms', max: '1h', group: 'delivery', description: 'Send a batch at
 * the latest this long after its first line' }` gives the handler a number of
 * milliseconds, accepts `--flush-interval 250ms` and `--flush-interval 250`,
 * refuses `--flush-interval 2x` and `--flush-interval 2h` with exit 2.
 */
export type OptionSpec = StringOptionSpec | StringArrayOptionSpec | NumberOptionSpec | DurationOptionSpec | BooleanOptionSpec;

export type OptionTable = Record<string, OptionSpec>;

type ValueOf<S> = S extends { type: 'boolean' }
  ? boolean
  : S extends { type: 'number' | 'duration' }
    ? number
    : S extends { array: true }
      ? string[]
      : S extends { choices: ReadonlyArray<infer C> }
        ? C
        : string;

type AlwaysSet<S> = S extends { default: unknown } ? true : S extends { required: true } ? true : false;

/** The values a handler receives for a table: durations in ms; undefined only for an option with no default. */
export type OptionValues<T extends OptionTable> = {
  -readonly [K in keyof T]: AlwaysSet<T[K]> extends true ? ValueOf<T[K]> : ValueOf<T[K]> | undefined;
};

export const GROUP_HEADINGS: Record<OptionGroup, string> = {
  target: 'Target:',
  command: 'Options:',
  lines: 'Lines (multiline, their own time and subject, redaction):',
  delivery: 'Batching and delivery:',
  spool: 'Spool (what waits on disk until delivered):',
  connection: 'Connection (as the OCI CLI):',
  global: 'Global options:',
};

/** The order groups are shown in, after the required options. */
export const GROUP_ORDER: readonly OptionGroup[] = ['target', 'command', 'lines', 'delivery', 'spool', 'connection', 'global'];

/** The value's name in the docs. */
export function argName(spec: OptionSpec): string | undefined {
  if (spec.type === 'boolean') return undefined;
  if (spec.arg !== undefined) return spec.arg;
  if (spec.type === 'number') return 'N';
  if (spec.type === 'duration') return 'DURATION';
  if ('choices' in spec && spec.choices) return spec.choices.join('|');
  return 'TEXT';
}

/** The default as the docs show it, or undefined when there is none. */
export function defaultShown(spec: OptionSpec): string | undefined {
  if (spec.defaultText !== undefined) return spec.defaultText;
  if (spec.default === undefined) return undefined;
  if (spec.type === 'boolean') return spec.default ? 'on' : undefined;
  if (Array.isArray(spec.default)) return spec.default.length === 0 ? undefined : spec.default.join(', ');
  return String(spec.default);
}

/** "1 to 10000", "1s to 1h", "0 or more", or undefined. */
export function rangeShown(spec: OptionSpec): string | undefined {
  if (spec.type !== 'number' && spec.type !== 'duration') return undefined;
  const { min, max } = spec;
  if (min !== undefined && max !== undefined) return `${min} to ${max}`;
  if (min !== undefined) return `${min} or more`;
  if (max !== undefined) return `at most ${max}`;
  return undefined;
}

/** "a bare number is seconds", for duration flags. */
export function bareUnitShown(spec: OptionSpec): string | undefined {
  if (spec.type !== 'duration') return undefined;
  return `a bare number is ${spec.unit === 's' ? 'seconds' : 'milliseconds'}`;
}
