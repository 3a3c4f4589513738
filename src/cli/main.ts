import yargs from 'yargs';
import type { Argv } from 'yargs';
import { commands } from './commands/index.js';
import { globalOptions } from './options/global-options.js';
import type { CliIo } from './io.js';
import { ExitCode, OciLogError, UsageError, describeError } from '../errors.js';
import { VERSION } from '../version.js';

const EPILOGUE = `Exit status: 0 all delivered / done; 2 usage or configuration error; \
3 lines were dead-lettered (not delivered); 4 the service refused a request or could not be \
reached; 1 internal error. exec passes on the command's own status.
See man oci-log for the full manual.`;

/** Builds the yargs parser. Exported so tests can parse without running handlers. */
export function buildParser(args: readonly string[]): Argv {
  let parser = yargs([...args])
    .scriptName('oci-log')
    .usage('Usage: $0 [command] [options]\n\nShip stdin to OCI Logging; manage and read back its logs.')
    .options(globalOptions)
    .strict()
    .recommendCommands()
    .exitProcess(false)
    .wrap(Math.min(100, process.stdout.columns ?? 100))
    .version(VERSION)
    .help()
    .alias('help', 'h')
    .epilogue(EPILOGUE)
    .fail((message: string | undefined, err: Error | undefined) => {
      if (err) throw err;
      throw new UsageError(message ?? 'invalid arguments');
    });
  for (const command of commands) parser = parser.command(command);
  return parser;
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
    exitCode: ExitCode.ok,
  };
}

/**
 * Runs oci-log with the given arguments and returns the exit status.
 * Never calls process.exit(): the caller sets process.exitCode so buffered
 * stdout is flushed before the process ends.
 */
export async function main(args: readonly string[], io: CliIo = defaultIo()): Promise<number> {
  const debug = args.includes('--debug');
  try {
    await buildParser(args).parseAsync([...args], { io });
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
