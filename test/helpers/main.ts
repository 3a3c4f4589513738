import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';

export interface MainResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs oci-log in this process (main(args, io)) with the given environment and no stdin. */
export async function runMain(args: readonly string[], env: Record<string, string | undefined>): Promise<MainResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
  const stdin = new PassThrough();
  stdin.end();
  const io: CliIo = { stdin, stdout, stderr, env: { TZ: 'UTC', NO_COLOR: '1', ...env }, signals: new EventEmitter(), exitCode: 0 };
  const code = await main(args, io);
  return { code, stdout: out, stderr: err };
}
