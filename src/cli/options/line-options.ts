import { MULTILINE_PRESET_NAMES } from '../../core/lines/multiline-presets.js';
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
