import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { Readable } from 'node:stream';
import type { SignalName, SignalSource } from '../signal-source.js';

export type StreamName = 'stdout' | 'stderr';
export type ForwardedSignal = SignalName;

export interface RunChildOptions {
  command: string;
  args: readonly string[];
  env: Record<string, string | undefined>;
  /** The child's stdin: 'inherit' passes oci-log's own stdin file descriptor through. */
  stdin: 'inherit' | 'ignore';
  /**
   * Receives the child's output as it arrives. A returned promise pauses that
   * stream until it settles: the child then blocks on a full pipe, which is
   * the backpressure the pipe's sending path asks for.
   */
  onOutput(stream: StreamName, chunk: Buffer): Promise<void> | undefined;
  /** End the child after this many ms (TERM, then KILL after killGraceMs). */
  timeoutMs?: number;
  killGraceMs: number;
  signals: SignalSource;
  /** Called once the child has started, with its pid. */
  onSpawn?(pid: number): void;
}

export interface ChildOutcome {
  /** The child's pid, or undefined when it could not be started. */
  pid: number | undefined;
  /** The exit code when it exited. */
  exitCode: number | null;
  /** The signal that ended it, when one did. */
  signal: NodeJS.Signals | null;
  /** Set when the child could not be started: ENOENT, EACCES, … */
  spawnError: NodeJS.ErrnoException | undefined;
  /** True when --timeout ended it. */
  timedOut: boolean;
  /**
   * True when processes the command left behind still held its output open
   * after it exited, and were killed after the grace period: their output
   * past that point was cut off.
   */
  outputCutOff: boolean;
  /** Signals oci-log received and forwarded, in order. */
  forwardedSignals: ForwardedSignal[];
  startedAt: Date;
  durationMs: number;
}

const FORWARDED: readonly ForwardedSignal[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Runs a command directly (no shell) in its own process group, streams its
 * stdout and stderr to onOutput with backpressure, forwards SIGINT, SIGTERM
 * and SIGHUP to the group, and ends it on timeout. Resolves when the child
 * has exited and both of its output streams have ended; never rejects for
 * the child's sake (a spawn failure is part of the outcome).
 *
 * The process group is what lets a timeout or a forwarded signal reach the
 * grandchildren of a shell script too, and keeps a terminal's Ctrl-C from
 * reaching the child twice (once from the terminal, once forwarded).
 */
export function runChild(options: RunChildOptions): Promise<ChildOutcome> {
  const startedAt = new Date();
  const started = process.hrtime.bigint();
  const forwardedSignals: ForwardedSignal[] = [];
  let timedOut = false;

  return new Promise((resolve) => {
    const child = spawn(options.command, [...options.args], {
      env: options.env,
      stdio: [options.stdin, 'pipe', 'pipe'],
      detached: true,
    });

    let spawnError: NodeJS.ErrnoException | undefined;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let openStreams = 2;
    let killTimer: NodeJS.Timeout | undefined;
    let timeoutTimer: NodeJS.Timeout | undefined;

    let outputCutOff = false;
    /** Signals the command's process group; `evenAfterExit` reaches what it left behind too. */
    const signalGroup = (signal: NodeJS.Signals, evenAfterExit = false): void => {
      if (child.pid === undefined || (exit !== undefined && !evenAfterExit)) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        try {
          child.kill(signal);
        } catch {
          // already gone
        }
      }
    };

    const listeners = FORWARDED.map((signal) => {
      const listener = (): void => {
        forwardedSignals.push(signal);
        signalGroup(signal);
      };
      options.signals.on(signal, listener);
      return { signal, listener };
    });

    const finish = (): void => {
      if (exit === undefined && spawnError === undefined) return;
      if (openStreams > 0) return;
      clearTimeout(timeoutTimer);
      clearTimeout(killTimer);
      for (const { signal, listener } of listeners) options.signals.off(signal, listener);
      resolve({
        pid: child.pid,
        exitCode: exit?.code ?? null,
        signal: exit?.signal ?? null,
        spawnError,
        timedOut,
        outputCutOff,
        forwardedSignals,
        startedAt,
        durationMs: Number(process.hrtime.bigint() - started) / 1e6,
      });
    };

    const pump = (name: StreamName, stream: Readable): void => {
      stream.on('data', (chunk: Buffer) => {
        const wait = options.onOutput(name, chunk);
        if (wait !== undefined) {
          stream.pause();
          void wait.finally(() => stream.resume());
        }
      });
      stream.once('close', () => {
        openStreams -= 1;
        finish();
      });
      stream.on('error', () => undefined);
    };
    pump('stdout', child.stdout);
    pump('stderr', child.stderr);

    child.once('spawn', () => {
      if (child.pid !== undefined) options.onSpawn?.(child.pid);
      if (options.timeoutMs !== undefined) {
        timeoutTimer = setTimeout(() => {
          timedOut = true;
          signalGroup('SIGTERM');
          // KILL the whole group: a grandchild that ignores TERM must not outlive the deadline.
          killTimer = setTimeout(() => signalGroup('SIGKILL', true), options.killGraceMs);
          killTimer.unref();
        }, options.timeoutMs);
      }
    });
    child.once('error', (err: NodeJS.ErrnoException) => {
      // 'error' without 'spawn' means it never started; after a start it can
      // only come from kill(), which signalGroup already tolerates.
      if (child.pid === undefined) {
        spawnError = err;
        finish();
      }
    });
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      clearTimeout(timeoutTimer);
      // A grandchild may hold the pipes open after the child exits; once the
      // child is gone its group gets no more time than the kill grace.
      if (openStreams > 0) {
        const t = setTimeout(() => {
          if (openStreams === 0) return;
          outputCutOff = true;
          signalGroup('SIGKILL', true);
          child.stdout.destroy();
          child.stderr.destroy();
        }, options.killGraceMs);
        t.unref();
      }
      finish();
    });
  });
}

/**
 * The exit status a shell would report for the child: its own code, 128+N
 * when signal N ended it, 127 when the command was not found, 126 when it
 * could not be executed.
 */
export function childExitStatus(outcome: ChildOutcome): number {
  if (outcome.spawnError !== undefined) return outcome.spawnError.code === 'ENOENT' ? 127 : 126;
  if (outcome.exitCode !== null) return outcome.exitCode;
  if (outcome.signal !== null) return 128 + (constants.signals[outcome.signal] ?? 0);
  return 1;
}
