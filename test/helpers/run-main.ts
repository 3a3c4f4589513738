import { EventEmitter } from 'node:events';
import { PassThrough, Writable } from 'node:stream';
import { format } from 'node:util';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';
import { systemClock } from '../../src/core/clock.js';
import type { Clock } from '../../src/core/clock.js';
import type { SignalName } from '../../src/core/signal-source.js';
import { tempDir } from './temp-dir.js';

/**
 * Runs oci-log in this process: `main(args, io)` with an in-memory io. No
 * process is spawned and no module is loaded twice, so a command costs
 * milliseconds. Spawn the built CLI (helpers/cli.ts) only where the process
 * itself is under test: real signals, pipes, exit codes, terminals.
 *
 *   const r = await runMain(['query', '--log-ocid', log], { env: emu.env });
 *   expect(r.code, r.stderr).to.equal(0);
 *
 *   const f = startMain(['query', '--log-ocid', log, '-f'], { env: emu.env });
 *   await f.waitFor('stdout', /first/);
 *   f.signal('SIGINT');
 *   expect((await f.done).code).to.equal(0);
 *
 * What in-process cannot give: a TZ of the run's own (Date uses the
 * process's), the OCI SDK reading the run's env (it reads process.env), and
 * io.stdin for exec's command (runChild passes the process's own stdin on).
 */
export interface MainOptions {
  /** stdin's bytes, then its end; `'open'`: the test writes to run.stdin over time and ends it. Default: empty. */
  stdin?: string | Buffer | 'open';
  /** Variables the command sees on top of testEnv() (undefined removes one). */
  env?: Record<string, string | undefined>;
  stdinIsTTY?: boolean;
  stdoutIsTTY?: boolean;
  stderrIsTTY?: boolean;
  /** Terminal width of stdout and stderr (the help's width). */
  columns?: number;
  /** Time as the command sees it (default: the system's). */
  clock?: Clock;
}

export interface MainResult {
  code: number;
  stdout: Buffer;
  stderr: string;
  /**
   * What went through console.* while the run was on: oci-log never writes
   * through console, so anything here (the OCI SDK's chatter, say) would
   * have reached a user's terminal around io.stderr.
   */
  console: string;
}

export interface MainRun {
  /** The command's stdin: write() and end() it when started with stdin: 'open'. */
  stdin: PassThrough;
  stdout(): Buffer;
  stderr(): string;
  /** Delivers a signal, as the process would receive it. */
  signal(name: SignalName): void;
  /** The reader of stdout goes away: writes fail from now on, as with EPIPE. */
  closeStdout(): void;
  /** Resolves once main() has returned (it never rejects: main reports errors itself). */
  done: Promise<MainResult>;
  /** Resolves when stdout or stderr (as text) matches; the test's timeout bounds the wait. */
  waitFor(stream: 'stdout' | 'stderr', pattern: RegExp | string): Promise<void>;
}

/** A terminal-like stream that keeps what is written. */
export class CapturedOutput extends Writable {
  readonly chunks: Buffer[] = [];
  isTTY: boolean;
  columns: number | undefined;
  private readonly waiters = new Set<() => void>();

  constructor(isTTY: boolean, columns: number | undefined) {
    super({ highWaterMark: 1 << 20 });
    this.isTTY = isTTY;
    this.columns = columns;
    // As main's default io does for process.stdout: a reader that left is not a crash.
    this.on('error', () => undefined);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.chunks.push(chunk);
    for (const wake of this.waiters) wake();
    callback();
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }

  /** Calls check() after each write until it returns true. */
  until(check: () => boolean): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        if (!check()) return;
        this.waiters.delete(wake);
        resolve();
      };
      this.waiters.add(wake);
      wake();
    });
  }

  // What ora calls on a terminal.
  cursorTo(x: number): boolean {
    return this.write(`\u001b[${x + 1}G`);
  }

  moveCursor(dx: number, dy: number): boolean {
    return this.write(`\u001b[${dy}A\u001b[${dx}C`);
  }

  clearLine(): boolean {
    return this.write('\u001b[2K');
  }
}

const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug'] as const;
const listening = new Set<string[]>();
let originalConsole: Pick<Console, (typeof CONSOLE_METHODS)[number]> | undefined;

/** Records console.* output into `sink` until the returned function is called (runs may overlap). */
function watchConsole(sink: string[]): () => void {
  if (listening.size === 0) {
    originalConsole = { log: console.log, info: console.info, warn: console.warn, error: console.error, debug: console.debug };
    for (const method of CONSOLE_METHODS) {
      console[method] = (...args: unknown[]): void => {
        for (const s of listening) s.push(format(...args));
      };
    }
  }
  listening.add(sink);
  return () => {
    listening.delete(sink);
    if (listening.size > 0 || originalConsole === undefined) return;
    for (const method of CONSOLE_METHODS) console[method] = originalConsole[method];
    originalConsole = undefined;
  };
}

let home: string | undefined;

/** The environment every in-process run starts from: no terminal, no colour, UTC, a HOME of its own. */
export function testEnv(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  home ??= tempDir('oci-log-home-');
  const env: Record<string, string | undefined> = { PATH: process.env['PATH'], HOME: home, TERM: 'dumb', NO_COLOR: '1', TZ: 'UTC' };
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** An in-memory io, for a unit test that calls a command's parts directly (startMain uses the same). */
export function testIo(options: Omit<MainOptions, 'stdin'> & { stdin?: string | Buffer | 'open' } = {}): {
  io: CliIo;
  stdin: PassThrough;
  stdout: CapturedOutput;
  stderr: CapturedOutput;
  signals: EventEmitter;
} {
  const stdin = Object.assign(new PassThrough(), { isTTY: options.stdinIsTTY === true });
  if (options.stdin !== 'open') stdin.end(options.stdin);
  const stdout = new CapturedOutput(options.stdoutIsTTY === true, options.columns);
  const stderr = new CapturedOutput(options.stderrIsTTY === true, options.columns);
  const signals = new EventEmitter();
  const io: CliIo = {
    stdin,
    stdout,
    stderr,
    env: testEnv(options.env),
    signals,
    clock: options.clock ?? systemClock,
    pid: process.pid,
    exitCode: 0,
  };
  return { io, stdin, stdout, stderr, signals };
}

/** Starts oci-log in-process; the returned run is live while the command runs. */
export function startMain(args: readonly string[], options: MainOptions = {}): MainRun {
  const { io, stdin, stdout, stderr, signals } = testIo(options);
  const text = (s: CapturedOutput): string => s.bytes().toString('utf8');
  const printed: string[] = [];
  const unwatch = watchConsole(printed);
  const done = main(args, io)
    .finally(unwatch)
    .then((code) => ({ code, stdout: stdout.bytes(), stderr: text(stderr), console: printed.join('\n') }));
  return {
    stdin,
    stdout: () => stdout.bytes(),
    stderr: () => text(stderr),
    signal: (name) => {
      signals.emit(name);
    },
    closeStdout: () => {
      stdout.destroy(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    },
    done,
    waitFor: (stream, pattern) => {
      const s = stream === 'stdout' ? stdout : stderr;
      const matches = (): boolean => (typeof pattern === 'string' ? text(s).includes(pattern) : pattern.test(text(s)));
      return Promise.race([s.until(matches), done.then(() => {
        if (!matches()) throw new Error(`oci-log ${args.join(' ')} ended (${stream}: ${JSON.stringify(text(s).slice(-300))}) before ${String(pattern)} appeared`);
      })]);
    },
  };
}

/** Runs oci-log in-process to the end. */
export function runMain(args: readonly string[], options: MainOptions = {}): Promise<MainResult> {
  return startMain(args, options).done;
}
