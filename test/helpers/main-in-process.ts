import { EventEmitter } from 'node:events';
import { PassThrough, Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';

/**
 * Runs `main(args, io)` in this process with an in-memory io (the same
 * shape as the foundation branch's test/helpers/run-main.ts runMain, which
 * replaces this one when both are merged).
 */
export interface MainResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

class Captured extends Writable {
  readonly chunks: Buffer[] = [];
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.chunks.push(chunk);
    callback();
  }
}

export interface InProcessRun {
  done: Promise<MainResult>;
  stdout(): string;
  stderr(): string;
  signal(name: 'SIGINT' | 'SIGTERM'): void;
}

export function startMain(args: readonly string[], options: { env?: Record<string, string | undefined>; stdin?: string } = {}): InProcessRun {
  const stdin = new PassThrough();
  stdin.end(options.stdin);
  const stdout = new Captured();
  const stderr = new Captured();
  const signals = new EventEmitter();
  const io: CliIo = { stdin, stdout, stderr, env: { PATH: process.env['PATH'], TZ: 'UTC', NO_COLOR: '1', TERM: 'dumb', ...options.env }, signals, exitCode: 0 };
  const text = (c: Captured) => Buffer.concat(c.chunks).toString('utf8');
  return {
    done: main(args, io).then((code) => ({ code, stdout: Buffer.concat(stdout.chunks), stderr: text(stderr) })),
    stdout: () => text(stdout),
    stderr: () => text(stderr),
    signal: (name) => void signals.emit(name),
  };
}

export function runMain(args: readonly string[], options: { env?: Record<string, string | undefined>; stdin?: string } = {}): Promise<MainResult> {
  return startMain(args, options).done;
}
