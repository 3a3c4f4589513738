import { UsageError } from '../../errors.js';
import { newLineStats } from '../../core/lines/line-stats.js';
import type { LineStats } from '../../core/lines/line-stats.js';
import type { LineOptions } from '../../core/lines/line-options.js';
import { MULTILINE_PRESET_NAMES } from '../../core/lines/multiline-presets.js';
import type { MultilineSpec } from '../../core/lines/multiline.js';
import { Redaction, RedactSpecError } from '../../core/lines/redact.js';
import type { CliIo } from '../io.js';
import { warn } from '../io.js';
import type { OptionTable, OptionValues } from './option-spec.js';

/** What happens to lines before they become entries: send and exec (each of exec's streams on its own). */
export const lineOptions = {
  multiline: {
    type: 'string',
    group: 'lines',
    arg: 'PRESET',
    choices: MULTILINE_PRESET_NAMES,
    description: 'Join the lines of a stack trace into one entry, as java, python, node, go or ruby print them; indented: a line that starts with a space or a tab continues the one before',
    details:
      'java: the exception line, at frames, Caused by:, Suppressed:, ... N more. python: Traceback (most recent call last): through the exception line, with chained exceptions. ' +
      'node: Error… and its at frames, [cause] and properties, an uncaught exception with its source line and caret. go: panic: and the goroutine dumps. ruby: the error line and its from lines. ' +
      'Lines are joined with a newline; an entry over 10,000 characters is sent in pieces like a long line.',
  },
  'multiline-start': {
    type: 'string',
    group: 'lines',
    arg: 'REGEX',
    description: 'A new entry starts at each line matching REGEX; any other line continues the current one',
    details: "For apps that stamp each record, e.g. '^\\d{4}-\\d\\d-\\d\\d '. JavaScript regular expression syntax; (?i) in front ignores case.",
  },
  'multiline-timeout': {
    type: 'duration',
    unit: 'ms',
    group: 'lines',
    default: '1s',
    min: '10ms',
    max: '1h',
    description: 'Send an entry of joined lines after this long without input',
    details: 'An entry of joined lines also goes at the next line that starts one, at the end of input or a signal, and at 10,000,000 characters.',
  },
  'time-key': {
    type: 'string',
    group: 'lines',
    arg: 'FIELD',
    description:
      "A JSON line's time is this top-level field: ISO 8601 / RFC 3339 (without a zone: UTC), or epoch seconds (fractions too), milliseconds, microseconds or nanoseconds, told apart by size",
    details:
      'A line without a usable time gets the time it was read, is counted, and the first one is said; none is dropped. A time more than 30 days old or 10 minutes ahead of this host is moved to that limit (counted, said once).',
  },
  'time-prefix': {
    type: 'boolean',
    group: 'lines',
    default: false,
    description: "A line's time is the ISO 8601 / RFC 3339 or syslog time it starts with (Dec  2 05:25:58: this year; no zone: UTC); the line is sent unchanged",
    details: 'With --time-key as well, a JSON line takes its field and any other line its prefix.',
  },
  'subject-key': {
    type: 'string',
    group: 'lines',
    arg: 'FIELD',
    description: "A JSON line's entry subject is this top-level field (e.g. level or logger), so queries can pick by subject",
    details:
      "A line without the field keeps the subject it would have had (--subject; exec: stdout or stderr). oci-log query --where \"subject = 'error'\" then picks them.",
  },
  redact: {
    type: 'string',
    array: true,
    group: 'lines',
    arg: 'secrets|REGEX',
    default: [],
    description:
      'Replace secrets with [REDACTED] before anything is spooled, sent, dead-lettered or printed: secrets (tokens, JWTs, passwords in URLs and fields, AWS keys, private keys, OCI auth tokens), or a REGEX whose first capture group (else the whole match) is masked; repeatable',
    details:
      "The rest of the line is kept exactly; --tee copies the input unmasked. In exec, the start and end entries are redacted too (a command line can carry a password). JavaScript regular expression syntax; (?i) in front ignores case. The summary counts the masks per rule.",
  },
} as const satisfies OptionTable;

export type LineArgs = OptionValues<typeof lineOptions>;

function startRegex(text: string): RegExp {
  const insensitive = text.startsWith('(?i)');
  try {
    return new RegExp(insensitive ? text.slice(4) : text, insensitive ? 'i' : '');
  } catch (err) {
    throw new UsageError(`--multiline-start ${text}: not a valid regular expression (${(err as Error).message})`);
  }
}

/**
 * The line flags as the feeder's options, checked (a regex that does not
 * compile is a usage error naming the flag); undefined when none is given.
 * The first line without a usable time and the first clamped time are said
 * on stderr (not with --quiet).
 */
export function readLineOptions(argv: LineArgs, io: CliIo, quiet: boolean, stats: LineStats = newLineStats()): LineOptions | undefined {
  if (argv.multiline !== undefined && argv['multiline-start'] !== undefined) {
    throw new UsageError('--multiline and --multiline-start both say how lines are joined; use one');
  }
  let redaction: Redaction | undefined;
  if (argv.redact.length > 0) {
    try {
      redaction = new Redaction(argv.redact);
    } catch (err) {
      if (err instanceof RedactSpecError) throw new UsageError(err.message);
      throw err;
    }
  }
  for (const flag of ['time-key', 'subject-key'] as const) {
    if (argv[flag] === '') throw new UsageError(`--${flag} needs a field name`);
  }
  const multiline: MultilineSpec | undefined =
    argv.multiline !== undefined ? { preset: argv.multiline } : argv['multiline-start'] !== undefined ? { start: startRegex(argv['multiline-start']) } : undefined;
  const options: LineOptions = {
    redaction,
    multiline,
    multilineTimeoutMs: argv['multiline-timeout'],
    time: { timeKey: argv['time-key'], timePrefix: argv['time-prefix'] },
    subjectKey: argv['subject-key'],
    stats,
    notice: (_kind, message) => {
      if (!quiet) warn(io, message);
    },
  };
  const any = redaction !== undefined || multiline !== undefined || argv['time-key'] !== undefined || argv['time-prefix'] || argv['subject-key'] !== undefined;
  return any ? options : undefined;
}
