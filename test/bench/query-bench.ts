/**
 * npm run bench, after the pipe's: oci-log query as users run it. Prints
 * tables; asserts nothing (timing belongs here, not in tests).
 *
 *  1. Memory: query --output jsonl of 1,000, 10,000 and 100,000 entries
 *     (~200 bytes each): wall time and peak RSS. Streamed output keeps the
 *     peak flat (target: 150 MB at 100,000).
 *  2. --log-ocid alone in a tenancy of 50 log groups, every request answered
 *     200 ms late (a delaying proxy in front of the emulator): the first run
 *     (lists the groups, then the logs of up to 50 at once), and the next (the
 *     cached group, confirmed with one GetLog). Target: 1.5 s.
 *  3. Start-up of `oci-log --help`, and of a query --since yesterday (which
 *     loads chrono-node's English parser) against --since 1d.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { request, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { keyFromConfig, signedRequest } from '../helpers/raw-signer.js';
import { tempDir } from '../helpers/temp-dir.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(root, 'bin', 'oci-log.js');
const TIME = '/usr/bin/time';
if (!existsSync(TIME)) {
  console.error('npm run bench needs GNU time at /usr/bin/time (Debian package "time") for peak memory');
  process.exit(2);
}
const dir = tempDir('oci-log-query-bench-');

interface Emulator {
  url: string;
  env: Record<string, string>;
  tenancy: string;
  signer: ReturnType<typeof keyFromConfig>;
  stop(): void;
}

async function startEmulatorProcess(name: string): Promise<Emulator> {
  const exportsFile = join(dir, `${name}.env`);
  const child = spawn(process.execPath, [bin, 'emulator', '--new-identity', '--state-dir', join(dir, `${name}-state`), '--exports-file', exportsFile], { stdio: ['ignore', 'ignore', 'inherit'] });
  for (let i = 0; i < 200 && !existsSync(exportsFile); i++) await new Promise((r) => setTimeout(r, 50));
  const text = readFileSync(exportsFile, 'utf8');
  const get = (key: string) => new RegExp(`${key}='([^']*)'`).exec(text)?.[1] ?? '';
  const signer = keyFromConfig(get('OCI_CLI_CONFIG_FILE'), get('OCI_CLI_PROFILE'));
  return {
    url: get('OCI_LOG_ENDPOINT'),
    env: {
      OCI_CLI_CONFIG_FILE: get('OCI_CLI_CONFIG_FILE'),
      OCI_CLI_PROFILE: get('OCI_CLI_PROFILE'),
      OCI_LOG_ENDPOINT: get('OCI_LOG_ENDPOINT'),
      XDG_STATE_HOME: join(dir, 'state'),
      XDG_CACHE_HOME: join(dir, `cache-${name}`),
      TZ: 'UTC',
    },
    tenancy: signer.keyId.split('/')[0] ?? '',
    signer,
    stop: () => child.kill('SIGTERM'),
  };
}

async function created(emu: Emulator, path: string, body: unknown): Promise<string> {
  const r = await signedRequest({ method: 'POST', url: `${emu.url}${path}`, body: JSON.stringify(body), ...emu.signer });
  const wr = String(r.headers['opc-work-request-id']);
  const w = await signedRequest({ method: 'GET', url: `${emu.url}/20200531/workRequests/${wr}`, ...emu.signer });
  return (JSON.parse(w.body) as { resources: Array<{ identifier: string }> }).resources[0]?.identifier ?? '';
}

/** A proxy that answers every request `delayMs` after it arrived, like a distant region. */
async function delayingProxy(target: string, delayMs: number): Promise<{ url: string; close(): void }> {
  const to = new URL(target);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      setTimeout(() => {
        const up = request({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        });
        up.on('error', () => res.destroy());
        up.end(Buffer.concat(chunks));
      }, delayMs);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

interface Run {
  wall: number;
  cpu: number;
  peakMb: number;
  lines: number;
}

function run(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const out = join(dir, 'out.txt');
    const fd = openSync(out, 'w');
    const child = spawn(TIME, ['-f', 'BENCH %e %M %U %S', process.execPath, bin, ...args], { stdio: ['ignore', fd, 'pipe'], env: { ...process.env, ...env } });
    let err = '';
    child.stderr?.setEncoding('utf8').on('data', (c: string) => (err += c));
    child.on('error', reject);
    child.on('close', (code) => {
      closeSync(fd);
      const m = /BENCH ([\d.]+) (\d+) ([\d.]+) ([\d.]+)/.exec(err);
      if (code !== 0 || !m) return reject(new Error(`${args.join(' ')} exited ${code}: ${err}`));
      const text = readFileSync(out, 'utf8');
      resolve({ wall: Number(m[1]), peakMb: Number(m[2]) / 1024, cpu: Number(m[3]) + Number(m[4]), lines: text === '' ? 0 : text.split('\n').length - 1 });
    });
  });
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

const PARTS = (process.env['BENCH_QUERY_PARTS'] ?? '123').split('');

// 1. Memory, whatever --limit.
const ENTRIES = 100_000;
if (PARTS.includes('1')) {
const local = await startEmulatorProcess('query-memory');
try {
  const group = await created(local, '/20200531/logGroups', { compartmentId: local.tenancy, displayName: 'bench' });
  const log = await created(local, `/20200531/logGroups/${group}/logs`, { displayName: 'web', logType: 'CUSTOM' });
  const input = join(dir, 'input.txt');
  writeFileSync(input, Array.from({ length: ENTRIES }, (_, i) => JSON.stringify({ level: i % 10 ? 'info' : 'warn', msg: 'request served', path: `/api/items/${i}`, status: 200, ms: i % 97, req: `r-${i.toString(36)}` })).join('\n') + '\n');
  const sent = spawnSync(process.execPath, [bin, '--log-ocid', log], { input: readFileSync(input), env: { ...process.env, ...local.env } });
  if (sent.status !== 0) throw new Error(`sending failed: ${String(sent.stderr)}`);
  const rows: string[][] = [];
  for (const limit of [1_000, 10_000, ENTRIES]) {
    const r = await run(['query', '--log-ocid', log, '--log-group-id', group, '--compartment-id', local.tenancy, '--limit', String(limit), '--output', 'jsonl'], local.env);
    rows.push([fmt(limit), fmt(r.lines), fmt(r.wall, 2), fmt(r.cpu, 2), fmt(r.peakMb, 1)]);
  }
  console.log(`\noci-log query --output jsonl, ${fmt(ENTRIES)} entries in the log (~200 bytes each):`);
  console.log(table(['--limit', 'printed', 'seconds', 'CPU seconds', 'peak RSS MB'], rows));
} finally {
  local.stop();
}
}

// 2. --log-ocid alone, 50 log groups, 200 ms a request.
const GROUPS = 50;
const DELAY_MS = 200;
if (PARTS.includes('2')) {
const far = await startEmulatorProcess('query-groups');
const proxy = await delayingProxy(far.url, DELAY_MS);
try {
  let target = '';
  for (let i = 0; i < GROUPS; i++) {
    const group = await created(far, '/20200531/logGroups', { compartmentId: far.tenancy, displayName: `group-${i}` });
    const log = await created(far, `/20200531/logGroups/${group}/logs`, { displayName: 'web', logType: 'CUSTOM' });
    if (i === GROUPS - 1) target = log;
  }
  const env = { ...far.env, OCI_LOG_ENDPOINT: proxy.url };
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const times: Record<'cold' | 'warm' | 'nameCold' | 'nameWarm', number[]> = { cold: [], warm: [], nameCold: [], nameWarm: [] };
  for (let i = 0; i < 3; i++) {
    // A cache of its own for each round: the first run of each pair finds the log, the second reads the cache.
    const ocidEnv = { ...env, XDG_CACHE_HOME: join(dir, `cache-ocid-${i}`) };
    times.cold.push((await run(['query', '--log-ocid', target, '--since', '5m'], ocidEnv)).wall);
    times.warm.push((await run(['query', '--log-ocid', target, '--since', '5m'], ocidEnv)).wall);
    const nameEnv = { ...env, XDG_CACHE_HOME: join(dir, `cache-name-${i}`) };
    times.nameCold.push((await run(['query', '--log', `group-${GROUPS - 1}/web`, '--since', '5m'], nameEnv)).wall);
    times.nameWarm.push((await run(['query', '--log', `group-${GROUPS - 1}/web`, '--since', '5m'], nameEnv)).wall);
  }
  const sequential = ((GROUPS + 2) * DELAY_MS) / 1000;
  console.log(`\nquery of one log in a tenancy of ${GROUPS} log groups, every request ${DELAY_MS} ms late (a delaying proxy), medians of 3:`);
  console.log(
    table(
      ['run', 'seconds'],
      [
        ['--log-ocid alone, first: list the groups, then the logs of each at once, then search', fmt(median(times.cold), 2)],
        ['--log-ocid alone, next: the cached group, one GetLog, then search', fmt(median(times.warm), 2)],
        ['--log GROUP/LOG, first: the group by name, the log by name, then search', fmt(median(times.nameCold), 2)],
        ['--log GROUP/LOG, next: GetLog and GetLogGroup at once, then search', fmt(median(times.nameWarm), 2)],
        ['--log-ocid alone before: one list call per group, one after another (computed)', fmt(sequential, 2)],
      ],
    ),
  );
} finally {
  proxy.close();
  far.stop();
}
}

// 3. Start-up.
if (PARTS.includes('3')) {
function startupMs(args: string[], env: Record<string, string> = {}): number {
  const times: number[] = [];
  for (let i = 0; i < 11; i++) {
    const t = process.hrtime.bigint();
    spawnSync(process.execPath, args, { stdio: 'ignore', env: { ...process.env, ...env } });
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return times.sort((a, b) => a - b)[5] ?? 0;
}
const help = startupMs([bin, '--help']);
const bare = startupMs(['-e', '']);
console.log(`\nstart-up (median of 11): oci-log --help ${fmt(help)} ms, node -e '' ${fmt(bare)} ms`);
// An --until before --since stops the query once both are read, before any credentials: the difference is the parser's load.
const natural = startupMs([bin, 'query', '--log-ocid', 'ocid1.log.oc1.iad.x', '--since', 'yesterday', '--until', '2000-01-01']);
const duration = startupMs([bin, 'query', '--log-ocid', 'ocid1.log.oc1.iad.x', '--since', '1d', '--until', '2000-01-01']);
console.log(`query --since yesterday (chrono-node/en loaded) ${fmt(natural)} ms, --since 1d ${fmt(duration)} ms: the natural-language parser costs ${fmt(natural - duration)} ms, only when used`);
}
