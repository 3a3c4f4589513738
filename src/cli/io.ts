import type { Readable, Writable } from 'node:stream';
import type { Clock } from '../core/clock.js';
import type { SignalSource } from '../core/signal-source.js';

/** A writable that may be a terminal (process.stderr, or a test double). */
export type OutputStream = Writable & { isTTY?: boolean; columns?: number };

/**
 * Everything a command may touch of the outside world. main() builds it from
 * `process`; nothing else in src/cli reads `process`, so a test can run any
 * command in-process with its own io.
 */
export interface CliIo {
  stdin: Readable & { isTTY?: boolean };
  stdout: OutputStream;
  stderr: OutputStream;
  env: Record<string, string | undefined>;
  signals: SignalSource;
  clock: Clock;
  /** This process's id, for names of files that must not clash with another run's. */
  pid: number;
  /** Exit status a handler sets when it finishes without throwing (0 by default). */
  exitCode: number;
}

/** A handler's diagnostics: one prefixed line on stderr. */
export function warn(io: CliIo, message: string): void {
  io.stderr.write(`oci-log: ${message}\n`);
}
