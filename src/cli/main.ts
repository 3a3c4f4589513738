import { createRequire } from 'node:module';
import type { Argv } from 'yargs';
import { commands } from './commands/index.js';
import { completionCommands } from './completion.js';
import { builtinOptions, globalOptions } from './options/global-options.js';
import { toYargsOption } from './options/help-text.js';
import type { CliIo } from './io.js';
import { explainUnknown, unknownArguments } from './unknown-arguments.js';
import { systemClock } from '../core/clock.js';
import { EXIT_STATUSES, ExitCode, OciLogError, UsageError, describeError } from '../errors.js';
import { VERSION } from '../version.js';

// yargs' CommonJS build: its help layout (cliui) wraps lines between words;
// the ES module build cuts words in two at the column edge.
const yargs = createRequire(import.meta.url)('yargs') as typeof import('yargs').default;

/** Help lines are at most this wide, whatever the terminal. */
const MAX_HELP_WIDTH = 100;

const EPILOGUE =
  `Exit status: ${EXIT_STATUSES.map((s) => `${s.status} ${s.summary}`).join('; ')}.\n` + 'See man oci-log for the full manual.';

/**
 * Builds the parser. `width` is the help's line width (null: no wrapping).
 * Exported so tests can parse without running handlers.
 */
export function buildParser(args: readonly string[], width: number | null = MAX_HELP_WIDTH): Argv {
  const globals = Object.fromEntries(Object.entries(globalOptions).map(([name, spec]) => [name, { ...toYargsOption(spec), global: true }]));
  // Help shows each option's own line only: its type, default and choices are in that line already (helpDescription).
  let parser = (yargs([...args]) as Argv & { usageConfiguration(c: { 'hide-types': boolean }): Argv })
    .usageConfiguration({ 'hide-types': true })
    .scriptName('oci-log')
    .usage('Usage: $0 [command] [options]\n\nShip stdin to OCI Logging; manage and read back its logs.')
    .options(globals)
    .strict()
    .recommendCommands()
    .exitProcess(false)
    .wrap(width)
    .version('version', builtinOptions.version.description, VERSION)
    .help('help', builtinOptions.help.description)
    .alias('help', builtinOptions.help.alias)
    .epilogue(EPILOGUE)
    .fail((message: string | undefined, err: Error | undefined) => {
      if (err) throw missingValue(err) ?? err;
      const unknown = unknownArguments(message ?? '');
      throw new UsageError(unknown ? explainUnknown(args, unknown, commands) : (message ?? 'invalid arguments'));
    });
  for (const command of [...commands, ...completionCommands(commands)]) parser = parser.command(command);
  return parser;
}

/**
 * yargs' parser error for a flag that takes a value given without one
 * (`--redact` at the end, or before another flag), as a usage error naming
 * the flag; undefined for any other error.
 */
function missingValue(err: Error): UsageError | undefined {
  const flag = /^Not enough arguments following: (\S+)$/.exec(err.message)?.[1];
  if (flag === undefined) return undefined;
  const dashes = flag.length === 1 ? '-' : '--';
  const arg = commands.map((c) => c.spec.options[flag]?.arg).find((a) => a !== undefined) ?? 'VALUE';
  return new UsageError(`${dashes}${flag} needs a value: ${dashes}${flag} ${arg}`, { cause: err });
}

function defaultIo(): CliIo {
  // A reader that goes away (oci-log query | head) must not crash oci-log with
  // EPIPE: what follows is simply not shown; --tee keeps shipping regardless.
  process.stdout.on('error', () => undefined);
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    signals: process,
    clock: systemClock,
    pid: process.pid,
    exitCode: ExitCode.ok,
  };
}

/**
 * Runs oci-log with the given arguments and returns the exit status.
 * Everything it prints, --help and --version included, goes to io.stdout and
 * io.stderr. Never calls process.exit(): the caller sets process.exitCode so
 * buffered stdout is flushed before the process ends.
 */
export async function main(args: readonly string[], io: CliIo = defaultIo()): Promise<number> {
  const debug = args.includes('--debug');
  try {
    let shown = '';
    // With a callback, yargs hands over what it would print (help, version) instead of using console.log.
    await buildParser(args, Math.min(MAX_HELP_WIDTH, io.stdout.columns ?? MAX_HELP_WIDTH)).parse([...args], { io }, (_err, _argv, output) => {
      shown = output;
    });
    if (shown !== '') io.stdout.write(`${shown}\n`);
    return io.exitCode;
  } catch (err) {
    if (err instanceof OciLogError) {
      io.stderr.write(`oci-log: ${err.message}\n`);
      if (err instanceof UsageError) io.stderr.write(`Try 'oci-log --help' for usage.\n`);
      if (debug && err.stack) io.stderr.write(`${err.stack}\n${formatCause(err.cause)}`);
      return err.exitCode;
    }
    io.stderr.write(`oci-log: internal error: ${describeError(err)}\n`);
    if (err instanceof Error && err.stack) {
      io.stderr.write(debug ? `${err.stack}\n` : 'Run again with --debug for a stack trace.\n');
    }
    return ExitCode.internal;
  }
}

function formatCause(cause: unknown): string {
  if (cause instanceof Error) return `Caused by: ${cause.stack ?? cause.message}\n`;
  return cause === undefined ? '' : `Caused by: ${String(cause)}\n`;
}
