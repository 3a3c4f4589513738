import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tempDir } from './temp-dir.js';

/** Absolute path of the built CLI's bin script. */
export const BIN = fileURLToPath(new URL('../../../bin/oci-log.js', import.meta.url));

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

export interface RunOptions {
  /** Bytes fed to stdin, then stdin is closed. Omitted: stdin is closed at once. */
  input?: string | Buffer;
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Kill the child after this many ms (the test fails on a hang instead of timing out). */
  timeoutMs?: number;
}

/** The fixed environment every spawned CLI gets: no terminal, no colour, UTC. */
export function baseEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: process.env['HOME'] ?? '/tmp',
    TERM: 'dumb',
    NO_COLOR: '1',
    TZ: 'UTC',
    // Each run its own state folder: spool and dead-letter files of one test never reach another (or the user's).
    XDG_STATE_HOME: tempDir('oci-log-state-'),
  };
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Spawns `node bin/oci-log.js ...args` and collects its output. */
export function runCli(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: baseEnv(options.env),
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 25_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out), stderr: err });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input);
  });
}

export interface LiveCli {
  child: import('node:child_process').ChildProcessWithoutNullStreams;
  stdout: () => Buffer;
  stderr: () => string;
  /** Resolves with the exit code (or null) and signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawns the built CLI with stdin left open, for producers that write over time. */
export function spawnCli(args: readonly string[], options: { env?: Record<string, string | undefined>; timeoutMs?: number } = {}): LiveCli {
  const child = spawn(process.execPath, [BIN, ...args], { env: baseEnv(options.env), stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  let err = '';
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
  child.stdin.on('error', () => undefined);
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 25_000);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    }),
  );
  return { child, stdout: () => Buffer.concat(out), stderr: () => err, exited };
}

/** Polls until check() is truthy (the test's own timeout bounds it). */
export async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, intervalMs = 50): Promise<T> {
  for (;;) {
    const v = await check();
    if (v) return v;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
