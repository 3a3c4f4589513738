import { UsageError } from '../errors.js';
import { newLineStats } from '../core/lines/line-stats.js';
import type { LineStats } from '../core/lines/line-stats.js';
import type { LineOptions } from '../core/lines/line-options.js';
import type { MultilineSpec } from '../core/lines/multiline.js';
import { Redaction, RedactSpecError } from '../core/lines/redact.js';
import type { CliIo } from './io.js';
import { warn } from './io.js';
import type { LineArgs } from './options/line-options.js';

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
