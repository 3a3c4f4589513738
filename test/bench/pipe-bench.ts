/**
 * npm run bench: the pipe as users run it, beside the minimal reference
 * client (the same signed PutLogs requests with node:http and node:crypto
 * only). Prints tables; asserts nothing (timing belongs here, not in tests).
 *
 *  1. Loopback, 1M lines (~160 bytes): oci-log with its defaults (spool on),
 *     oci-log --no-spool, oci-log with the line stages (--multiline java
 *     --time-key ts --redact secrets: every line is redacted, grouped and
 *     timed from its JSON), and the minimal client: wall, CPU (user+sys) and
 *     peak RSS, medians of interleaved runs, and the ratios.
 *  2. Tiny lines: 1M empty lines, peak RSS.
 *  3. A distant region (the emulator answers each request 200 ms late),
 *     200k lines: the defaults, and 1, 2, 4, 8 and 16 requests in flight.
 *  4. The naive design (the SDK's putLogs per 1000 lines), once, 200k lines.
 *  5. Start-up time of `oci-log --help`.
 *
 * BENCH_RUNS (default 3) sets the interleaved runs of part 1; BENCH_QUICK=1
 * skips parts 3 and 4.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { keyFromConfig, signedRequest } from '../helpers/raw-signer.js';
import { tempDir } from '../helpers/temp-dir.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(root, 'bin', 'oci-log.js');
const here = fileURLToPath(new URL('.', import.meta.url));
const TIME = '/usr/bin/time';
if (!existsSync(TIME)) {
  console.error('npm run bench needs GNU time at /usr/bin/time (Debian package "time") for CPU and peak memory');
  process.exit(2);
}
const dir = tempDir('oci-log-bench-');
const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);
const QUICK = process.env['BENCH_QUICK'] === '1';

function makeInput(name: string, lines: number, line: (i: number) => string): string {
  const file = join(dir, `${name}.txt`);
  const parts: string[] = [];
  for (let i = 0; i < lines; i++) parts.push(line(i));
  writeFileSync(file, parts.join('\n') + '\n');
  return file;
}

const jsonLine = (i: number) =>
  JSON.stringify({ ts: '2026-11-25T10:00:00.000Z', level: i % 10 ? 'info' : 'warn', msg: 'request served', path: `/api/items/${i}`, status: 200, ms: i % 97, req: `r-${i.toString(36)}` });

interface Run {
  wall: number;
  cpu: number;
  peakMb: number;
}

function run(args: string[], inputFile: string, env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const fd = openSync(inputFile, 'r');
    const child = spawn(TIME, ['-f', 'BENCH %e %U %S %M', process.execPath, ...args], { stdio: [fd, 'ignore', 'pipe'], env: { ...process.env, ...env } });
    let err = '';
    child.stderr?.setEncoding('utf8').on('data', (c: string) => (err += c));
    child.on('error', reject);
    child.on('close', (code) => {
      closeSync(fd);
      const m = /BENCH ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(err);
      if (code !== 0 || !m) return reject(new Error(`${args.join(' ')} exited ${code}: ${err}`));
      resolve({ wall: Number(m[1]), cpu: Number(m[2]) + Number(m[3]), peakMb: Number(m[4]) / 1024 });
    });
  });
}

interface Emulator {
  url: string;
  configFile: string;
  profile: string;
  env: Record<string, string>;
  stop(): void;
}

async function startEmulatorProcess(name: string, extra: string[] = []): Promise<Emulator> {
  const exportsFile = join(dir, `${name}.env`);
  const child = spawn(process.execPath, [bin, 'emulator', '--new-identity', '--discard-entries', '--state-dir', join(dir, `${name}-state`), '--exports-file', exportsFile, ...extra], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 200 && !existsSync(exportsFile); i++) await new Promise((r) => setTimeout(r, 50));
  const text = readFileSync(exportsFile, 'utf8');
  const get = (key: string) => new RegExp(`${key}='([^']*)'`).exec(text)?.[1] ?? '';
  const emu = { url: get('OCI_LOG_ENDPOINT'), configFile: get('OCI_CLI_CONFIG_FILE'), profile: get('OCI_CLI_PROFILE') };
  return {
    ...emu,
    env: {
      OCI_CLI_CONFIG_FILE: emu.configFile,
      OCI_CLI_PROFILE: emu.profile,
      OCI_LOG_ENDPOINT: emu.url,
      OCI_SDK_DEFAULT_CIRCUITBREAKER_ENABLED: 'false',
      // Each run its own spool, under the bench's temp folder.
      XDG_STATE_HOME: join(dir, 'state'),
    },
    stop: () => child.kill('SIGTERM'),
  };
}

async function createLog(emu: Emulator, name: string): Promise<string> {
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

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

/** Runs each design `runs` times, interleaved (A B C A B C …) so a busy moment hits every design alike; medians. */
async function compare(designs: Array<[string, string[]]>, input: string, env: Record<string, string>, runs: number): Promise<Map<string, Run>> {
  const samples = new Map<string, Run[]>(designs.map(([name]) => [name, []]));
  for (let i = 0; i < runs; i++) {
    for (const [name, args] of designs) {
      rmSync(join(dir, 'state'), { recursive: true, force: true });
      samples.get(name)?.push(await run(args, input, env));
    }
  }
  const out = new Map<string, Run>();
  for (const [name, got] of samples) {
    out.set(name, { wall: median(got.map((r) => r.wall)), cpu: median(got.map((r) => r.cpu)), peakMb: Math.max(...got.map((r) => r.peakMb)) });
  }
  return out;
}

const header = ['input', 'design', 'wall s', 'CPU s', 'lines/s', 'peak RSS MB'];
const LINE_STAGES = 'oci-log --multiline java --time-key ts --redact secrets';
const rowOf = (input: string, name: string, lines: number, r: Run) => [input, name, fmt(r.wall, 2), fmt(r.cpu, 2), fmt(lines / r.wall), fmt(r.peakMb, 1)];

const local = await startEmulatorProcess('loopback');
const distant = QUICK ? undefined : await startEmulatorProcess('distant', ['--latency', '200ms']);
try {
  // 1. Loopback.
  const LINES = 1_000_000;
  const input = makeInput('json-1m', LINES, jsonLine);
  const log = await createLog(local, 'loopback');
  const results = await compare(
    [
      ['oci-log (spool on)', [bin, '--log-ocid', log]],
      ['oci-log --no-spool', [bin, '--no-spool', '--log-ocid', log]],
      [LINE_STAGES, [bin, '--multiline', 'java', '--time-key', 'ts', '--redact', 'secrets', '--log-ocid', log]],
      ['minimal client', [join(here, 'minimal-client.js'), local.url, local.configFile, local.profile, log]],
    ],
    input,
    local.env,
    RUNS,
  );
  const rows = [...results].map(([name, r]) => rowOf('1M lines, loopback', name, LINES, r));
  const floor = results.get('minimal client') as Run;
  for (const name of ['oci-log (spool on)', 'oci-log --no-spool']) {
    const r = results.get(name) as Run;
    rows.push(['', `${name} / minimal`, `${fmt(r.wall / floor.wall, 2)}x`, `${fmt(r.cpu / floor.cpu, 2)}x`, '', `${fmt(r.peakMb / floor.peakMb, 2)}x`]);
  }
  // The line stages against the plain pipe: lines/s ratio (target 0.7x or more), CPU and memory.
  const plain = results.get('oci-log (spool on)') as Run;
  const staged = results.get(LINE_STAGES) as Run;
  rows.push(['', 'line stages / oci-log', '', `${fmt(staged.cpu / plain.cpu, 2)}x`, `${fmt(plain.wall / staged.wall, 2)}x`, `${fmt(staged.peakMb / plain.peakMb, 2)}x`]);

  // 2. Tiny lines.
  const empty = makeInput('empty-1m', LINES, () => '');
  const tiny = await compare([['oci-log, 1M empty lines', [bin, '--log-ocid', log]]], empty, local.env, 1);
  rows.push(rowOf('1M empty lines', 'oci-log (spool on)', LINES, tiny.get('oci-log, 1M empty lines') as Run));
  console.log(table(header, rows));

  // 3. A distant region.
  if (distant) {
    const DISTANT_LINES = 200_000;
    const input200k = makeInput('json-200k', DISTANT_LINES, jsonLine);
    const farLog = await createLog(distant, 'distant');
    const designs: Array<[string, string[]]> = [['oci-log, defaults', [bin, '--log-ocid', farLog]]];
    for (const n of [1, 2, 4, 8, 16]) designs.push([`--max-in-flight ${n}`, [bin, '--log-ocid', farLog, '--max-in-flight', String(n)]]);
    const far = await compare(designs, input200k, distant.env, 1);
    console.log(`\n200 ms per request (the emulator's --latency 200ms), ${fmt(DISTANT_LINES)} lines, one run each:`);
    console.log(table(header, [...far].map(([name, r]) => rowOf('200k lines, 200 ms', name, DISTANT_LINES, r))));
  }

  // 4. The naive design.
  if (!QUICK) {
    const input200k = join(dir, 'json-200k.txt');
    const naive = await compare([['naive SDK putLogs x1000', [join(here, 'naive-sdk.js'), local.url, local.configFile, local.profile, log]]], input200k, local.env, 1);
    console.log('\nThe naive design, for scale:');
    console.log(table(header, [rowOf('200k lines, loopback', 'naive SDK putLogs x1000', 200_000, naive.get('naive SDK putLogs x1000') as Run)]));
  }
} finally {
  local.stop();
  distant?.stop();
}

// 5. Start-up.
const help = startupMs([bin, '--help']);
const bare = startupMs(['-e', '']);
console.log(`\nstart-up (median of 11): oci-log --help ${fmt(help)} ms, node -e '' ${fmt(bare)} ms, difference ${fmt(help - bare)} ms`);
console.log(`wall, CPU (user+sys) and peak RSS from GNU time; loopback: medians of ${RUNS} interleaved runs; emulator in its own process, --discard-entries`);
