/**
 * npm run bench: throughput and peak memory of the pipe against the local
 * emulator, beside the floor (a minimal node:http client) and the naive SDK
 * design, plus start-up time of `oci-log --help`. Prints a table; asserts
 * nothing (timing belongs here, not in tests).
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { keyFromConfig, signedRequest } from '../helpers/raw-signer.js';
import { tempDir } from '../helpers/temp-dir.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(root, 'bin', 'oci-log.js');
const here = fileURLToPath(new URL('.', import.meta.url));
const TIME = '/usr/bin/time';
const hasTime = existsSync(TIME);
const dir = tempDir('oci-log-bench-');

function makeInput(lines: number): string {
  const file = join(dir, `input-${lines}.jsonl`);
  const parts: string[] = [];
  for (let i = 0; i < lines; i++) {
    parts.push(
      JSON.stringify({ ts: '2026-11-25T10:00:00.000Z', level: i % 10 ? 'info' : 'warn', msg: 'request served', path: `/api/items/${i}`, status: 200, ms: i % 97, req: `r-${i.toString(36)}` }),
    );
  }
  writeFileSync(file, parts.join('\n') + '\n');
  return file;
}

interface Run {
  seconds: number;
  peakMb: number | undefined;
}

function run(args: string[], inputFile: string, env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const fd = openSync(inputFile, 'r');
    const cmd = hasTime ? TIME : process.execPath;
    const argv = hasTime ? ['-f', 'MAXRSS %M', process.execPath, ...args] : args;
    const started = process.hrtime.bigint();
    const child = spawn(cmd, argv, { stdio: [fd, 'ignore', 'pipe'], env: { ...process.env, ...env } });
    let err = '';
    child.stderr?.setEncoding('utf8').on('data', (c: string) => (err += c));
    child.on('error', reject);
    child.on('close', (code) => {
      closeSync(fd);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) return reject(new Error(`${args.join(' ')} exited ${code}: ${err}`));
      const kb = /MAXRSS (\d+)/.exec(err)?.[1];
      resolve({ seconds, peakMb: kb ? Number(kb) / 1024 : undefined });
    });
  });
}

async function startEmulatorProcess(): Promise<{ url: string; configFile: string; profile: string; stop(): void }> {
  const exportsFile = join(dir, 'emulator.env');
  const child = spawn(process.execPath, [bin, 'emulator', '--new-identity', '--discard-entries', '--state-dir', join(dir, 'state'), '--exports-file', exportsFile], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 200 && !existsSync(exportsFile); i++) await new Promise((r) => setTimeout(r, 50));
  const text = readFileSync(exportsFile, 'utf8');
  const get = (name: string) => new RegExp(`${name}='([^']*)'`).exec(text)?.[1] ?? '';
  return { url: get('OCI_LOG_ENDPOINT'), configFile: get('OCI_CLI_CONFIG_FILE'), profile: get('OCI_CLI_PROFILE'), stop: () => child.kill('SIGTERM') };
}

async function createLog(emu: { url: string; configFile: string; profile: string }, name: string): Promise<string> {
  const signer = keyFromConfig(emu.configFile, emu.profile);
  const tenancy = signer.keyId.split('/')[0] ?? '';
  const created = async (path: string, body: unknown): Promise<string> => {
    const r = await signedRequest({ method: 'POST', url: `${emu.url}${path}`, body: JSON.stringify(body), ...signer });
    const wr = String(r.headers['opc-work-request-id']);
    const w = await signedRequest({ method: 'GET', url: `${emu.url}/20200531/workRequests/${wr}`, ...signer });
    return (JSON.parse(w.body) as { resources: Array<{ identifier: string }> }).resources[0]?.identifier ?? '';
  };
  const group = await created('/20200531/logGroups', { compartmentId: tenancy, displayName: `bench-${name}` });
  return created(`/20200531/logGroups/${group}/logs`, { displayName: name, logType: 'CUSTOM' });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

function startupMs(args: string[], runs = 11): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    spawnSync(process.execPath, args, { stdio: 'ignore' });
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return median(times);
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

const emu = await startEmulatorProcess();
const env = { OCI_CLI_CONFIG_FILE: emu.configFile, OCI_CLI_PROFILE: emu.profile, OCI_LOG_ENDPOINT: emu.url, OCI_SDK_DEFAULT_CIRCUITBREAKER_ENABLED: 'false' };
const rows: string[][] = [];
try {
  for (const lines of [200_000, 1_000_000]) {
    const input = makeInput(lines);
    const log = await createLog(emu, `bench-${lines}`);
    const designs: Array<[string, string[]]> = [
      ['oci-log', [bin, '--log-ocid', log]],
      ['minimal node:http client', [join(here, 'minimal-client.js'), emu.url, emu.configFile, emu.profile, log]],
    ];
    if (lines === 200_000) designs.push(['naive SDK putLogs x1000', [join(here, 'naive-sdk.js'), emu.url, emu.configFile, emu.profile, log]]);
    const results = new Map<string, Run>();
    // Interleaved (A B A B …) so a busy moment on a shared machine hits every design alike.
    const samples = new Map<string, Run[]>(designs.map(([name]) => [name, []]));
    for (let i = 0; i < 3; i++) {
      for (const [name, args] of designs) {
        if (name.startsWith('naive') && i > 0) continue;
        samples.get(name)?.push(await run(args, input, env));
      }
    }
    for (const [name] of designs) {
      const got = samples.get(name) ?? [];
      const r = { seconds: median(got.map((b) => b.seconds)), peakMb: Math.max(...got.map((b) => b.peakMb ?? NaN)) };
      results.set(name, r);
      rows.push([fmt(lines), name, fmt(r.seconds, 2), fmt(lines / r.seconds), r.peakMb === undefined || Number.isNaN(r.peakMb) ? 'n/a' : fmt(r.peakMb, 1)]);
    }
    const ours = results.get('oci-log');
    const floor = results.get('minimal node:http client');
    if (ours && floor) rows.push(['', 'oci-log / minimal', `${fmt(ours.seconds / floor.seconds, 2)}x`, '', '']);
  }
} finally {
  emu.stop();
}

const help = startupMs([bin, '--help']);
const bare = startupMs(['-e', '']);
const widths = [10, 26, 9, 12, 12];
const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 10) : c.padStart(widths[i] ?? 10))).join('  ');
console.log(line(['lines', 'design', 'seconds', 'lines/s', 'peak RSS MB']));
for (const r of rows) console.log(line(r));
console.log(`\nstart-up (median of 11): oci-log --help ${fmt(help)} ms, node -e '' ${fmt(bare)} ms, difference ${fmt(help - bare)} ms`);
console.log(`peak RSS from ${hasTime ? '/usr/bin/time -f %M' : 'n/a (install GNU time)'}; medians of 3 runs (naive SDK: 1 run); emulator in its own process, --discard-entries`);
