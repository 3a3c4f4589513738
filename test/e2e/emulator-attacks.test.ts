import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { startEmulator as startRaw } from '../../src/emulator/index.js';
import { BIN, baseEnv, eventually } from '../helpers/cli.js';
import { admin, sharedIdentity, startEmulator } from '../helpers/emulator.js';
import type { TestEmulator } from '../helpers/emulator.js';
import { keyFromConfig, signedRequest } from '../helpers/raw-signer.js';
import { tempDir } from '../helpers/temp-dir.js';

/** Sends raw bytes on a new connection; resolves with everything the server sent until it closed. */
function raw(url: string, bytes: string | Buffer, opts: { endAfterWrite?: boolean } = {}): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(bytes);
      if (opts.endAfterWrite) socket.end();
    });
    let got = '';
    socket.setEncoding('utf8').on('data', (d: string) => (got += d));
    socket.on('close', () => resolve(got));
    socket.on('error', reject);
  });
}

/** A plain (unsigned) HTTP request with chosen headers; resolves status, headers and body. */
function plain(url: string, method: string, path: string, headers: Record<string, string>, body?: string | Buffer) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
    const req = request(new URL(path, url), { method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const statusOf = (response: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0);
const iso = (ms: number) => new Date(ms).toISOString();

describe('emulator under attack', function () {
  let emu: TestEmulator;
  before(async () => {
    emu = await startEmulator();
  });
  after(async () => emu.stop());

  describe('malformed requests get an answer, never a crash', () => {
    it('a request target that is not a path (//[x) is a 400, and the emulator still serves', async () => {
      const answer = await raw(emu.url, 'GET //[x HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
      expect(statusOf(answer)).to.equal(400);
      expect(answer).to.match(/"code":"InvalidParameter".*request target/);
      expect(await admin(emu.url, 'GET', '/_emulator/health')).to.deep.equal({ ok: true });
    });

    it('bytes that are not HTTP get 400 with the service\'s error shape (clientError), not a silent close', async () => {
      const answer = await raw(emu.url, 'HELLO THERE\r\n\r\n');
      expect(statusOf(answer)).to.equal(400);
      expect(answer).to.match(/connection: close/i);
      expect(answer).to.match(/\{"code":"InvalidParameter","message":"malformed HTTP request/);
    });

    it('headers over the limit get 431', async () => {
      const answer = await raw(emu.url, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
      expect(statusOf(answer)).to.equal(431);
    });
  });

  describe('the admin endpoints', () => {
    it('refuse any request from a web page (an Origin header): a cross-site text/plain POST adds no fault', async () => {
      const r = await plain(emu.url, 'POST', '/_emulator/faults', { 'content-type': 'text/plain', origin: 'https://attacker.example' }, JSON.stringify({ op: 'putLogs', kind: 'stall', count: 100 }));
      expect(r.status).to.equal(403);
      expect(JSON.parse(r.body)).to.deep.include({ code: 'Forbidden' });
      expect(await admin(emu.url, 'GET', '/_emulator/faults')).to.deep.equal([]);
      const read = await plain(emu.url, 'GET', '/_emulator/stats', { origin: `http://127.0.0.1:${new URL(emu.url).port}` });
      expect(read.status).to.equal(403);
    });

    it('refuse a foreign Host (DNS rebinding) or another port, and answer loopback names', async () => {
      const port = new URL(emu.url).port;
      for (const host of [`attacker.example:${port}`, `10.1.2.3:${port}`, `127.0.0.1:${Number(port) + 1}`]) {
        const r = await plain(emu.url, 'GET', '/_emulator/stats', { host });
        expect(r.status, host).to.equal(403);
      }
      for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, 'localhost']) {
        expect((await plain(emu.url, 'GET', '/_emulator/health', { host })).status, host).to.equal(200);
      }
    });

    it('refuse a body over 64 KiB unread (a 10 MB [[[…]]] is not parsed), and survive deep JSON under it', async () => {
      const big = Buffer.alloc(10 * 1024 * 1024, '[');
      const r = await plain(emu.url, 'POST', '/_emulator/faults', { 'content-type': 'application/json', 'content-length': String(big.length) }, big);
      expect(r.status).to.equal(413);
      const deep = await plain(emu.url, 'POST', '/_emulator/faults', { 'content-type': 'application/json' }, '['.repeat(60_000) + ']'.repeat(4_000));
      expect(deep.status).to.equal(400);
      const nested = await plain(emu.url, 'POST', '/_emulator/faults', { 'content-type': 'application/json' }, '['.repeat(30_000) + ']'.repeat(30_000));
      expect(nested.status).to.equal(400);
      expect(JSON.parse(nested.body).message).to.match(/JSON object/);
    });

    it('need the token printed at start when the emulator listens beyond loopback (health excepted)', async () => {
      const open = await startRaw({ host: '0.0.0.0', stateDir: tempDir(), ...sharedIdentity(), explicitProfile: true, adminToken: 'test-token-0123456789' });
      try {
        expect(open.adminToken).to.equal('test-token-0123456789');
        expect(open.exports).to.include(`export OCI_LOG_EMULATOR_TOKEN='test-token-0123456789'`);
        expect((await plain(open.url, 'GET', '/_emulator/stats', {})).status).to.equal(401);
        expect((await plain(open.url, 'GET', '/_emulator/stats', { authorization: 'Bearer wrong-token-0123456789' })).status).to.equal(401);
        expect((await plain(open.url, 'GET', '/_emulator/health', {})).status).to.equal(200);
        expect(await admin(open.url, 'GET', '/_emulator/faults', undefined, 'test-token-0123456789')).to.deep.equal([]);
        // a foreign Host is fine with the token: remote CI jobs use the machine's name
        expect((await plain(open.url, 'GET', '/_emulator/stats', { host: 'ci-runner.internal', authorization: 'Bearer test-token-0123456789' })).status).to.equal(200);
      } finally {
        await open.stop();
      }
      const loopback = await startRaw({ stateDir: tempDir(), ...sharedIdentity(), explicitProfile: true });
      try {
        expect(loopback.adminToken).to.equal(undefined);
        expect(loopback.exports.join('\n')).to.not.match(/TOKEN/);
      } finally {
        await loopback.stop();
      }
    });
  });

  describe('bodies and timeouts', () => {
    it('refuses an unsigned 10 MB body at once, reading none of it', async () => {
      const { hostname, port } = new URL(emu.url);
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), hostname, () => {
          // declares 10 MiB - 1 and sends a few bytes: the answer must not wait for the rest
          socket.write(`POST /20200831/logs/ocid1.log.oc1.iad.x/actions/push HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/json\r\nContent-Length: ${10 * 1024 * 1024 - 1}\r\n\r\n{"specversion"`);
        });
        let got = '';
        socket.setEncoding('utf8').on('data', (d: string) => (got += d));
        socket.on('close', () => resolve(got));
        socket.on('error', reject);
      });
      expect(statusOf(answer)).to.equal(401);
      expect(answer).to.match(/connection: close/i);
    });

    it('closes a connection that sends no headers, and one whose body is shorter than its content-length (408)', async () => {
      const quick = await startRaw({ stateDir: tempDir(), ...sharedIdentity(), explicitProfile: true, limits: { headersTimeoutMs: 150, requestTimeoutMs: 300 } });
      try {
        const { hostname, port } = new URL(quick.url);
        const idle = await new Promise<string>((resolve, reject) => {
          const socket = connect(Number(port), hostname);
          let got = '';
          socket.setEncoding('utf8').on('data', (d: string) => (got += d));
          socket.on('close', () => resolve(got));
          socket.on('error', reject);
        });
        expect(statusOf(idle)).to.equal(408);
        // a signed request that never sends all of its declared body
        const signer = keyFromConfig(quick.identity.configFile, quick.identity.profile);
        const short = await signedRequest({
          method: 'POST',
          url: `${quick.url}/20200831/logs/ocid1.log.oc1.iad.x/actions/push`,
          body: '{"specversion":"1.0","logEntryBatches":[]}',
          ...signer,
          rawBodyLength: 10,
        }).then((r) => String(r.status), (e: NodeJS.ErrnoException) => e.code ?? 'error');
        expect(short).to.be.oneOf(['408', 'ECONNRESET']);
        expect((await admin(quick.url, 'GET', '/_emulator/health'))).to.deep.equal({ ok: true });
      } finally {
        await quick.stop();
      }
    });

    it('holds a bounded amount of bodies at once: a signed body over what is left gets 429, unread', async () => {
      const tight = await startEmulator({ limits: { maxBodiesHeldBytes: 4096 } });
      try {
        const signer = keyFromConfig(tight.configFile, tight.profile);
        const logId = await tight.createLog(await tight.createLogGroup('tight'), 'l');
        const entries = (n: number, size: number) =>
          JSON.stringify({ specversion: '1.0', logEntryBatches: [{ entries: Array.from({ length: n }, (_, i) => ({ id: `e${i}`, data: 'x'.repeat(size) })), source: 's', type: 't', defaultlogentrytime: iso(Date.now()) }] });
        const url = `${tight.url}/20200831/logs/${logId}/actions/push`;
        expect((await signedRequest({ method: 'POST', url, body: entries(1, 1000), ...signer })).status).to.equal(200);
        const tooBig = await signedRequest({ method: 'POST', url, body: entries(5, 1000), ...signer });
        expect(tooBig.status).to.equal(429);
        expect(tooBig.headers['retry-after']).to.equal('1');
        expect(JSON.parse(tooBig.body)).to.deep.include({ code: 'TooManyRequests' });
        // one body held half-sent takes its share; another that does not fit next to it waits its turn with 429
        const held = signedRequest({ method: 'POST', url, body: entries(2, 1000), ...signer, rawBodyLength: 100 }).catch(() => undefined);
        await eventually(async () => ((await tight.stats()).requests['putLogs'] ?? 0) >= 3);
        const second = await signedRequest({ method: 'POST', url, body: entries(2, 1000), ...signer });
        expect(second.status).to.equal(429);
        await tight.stop();
        await held;
      } finally {
        await tight.stop().catch(() => undefined);
      }
    });
  });

  describe('deep JSON in a log line', () => {
    it('does not break search over its log: 4,900 nested arrays, and 4,900 nested objects, come back as text', async () => {
      const signer = keyFromConfig(emu.configFile, emu.profile);
      const logId = await emu.createLog(await emu.createLogGroup('deep'), 'l');
      const arrays = `{"a":${'['.repeat(4900)}${']'.repeat(4900)}}`;
      const objects = `${'{"a":'.repeat(4900)}1${'}'.repeat(4900)}`;
      const shallow = JSON.stringify({ level: 'info', n: 1 });
      const body = JSON.stringify({
        specversion: '1.0',
        logEntryBatches: [{ entries: [{ id: 'arrays', data: arrays }, { id: 'objects', data: objects }, { id: 'shallow', data: shallow }], source: 's', type: 't', defaultlogentrytime: iso(Date.now()) }],
      });
      expect((await signedRequest({ method: 'POST', url: `${emu.url}/20200831/logs/${logId}/actions/push`, body, ...signer })).status).to.equal(200);
      const search = await signedRequest({
        method: 'POST',
        url: `${emu.url}/20190909/search`,
        body: JSON.stringify({ timeStart: iso(Date.now() - 60_000), timeEnd: iso(Date.now() + 60_000), searchQuery: `search "${emu.tenancy}/deep/l"`, isReturnFieldInfo: true }),
        ...signer,
      });
      expect(search.status, search.body.slice(0, 200)).to.equal(200);
      const results = (JSON.parse(search.body) as { results: Array<{ data: { logContent: { id: string; data: unknown } } }> }).results;
      const byId = Object.fromEntries(results.map((r) => [r.data.logContent.id, r.data.logContent.data]));
      expect(byId['arrays']).to.deep.equal({ message: arrays });
      // 24,505 characters of text: truncated to 10,000 like any long field
      expect(byId['objects']).to.deep.equal({ message: `${objects.slice(0, 9997)}...` });
      expect(byId['shallow']).to.deep.equal({ level: 'info', n: 1 });
    });
  });
});

describe('the built emulator under attack (a real process)', function () {
  /** Starts `oci-log emulator` (optionally under a file-descriptor limit) and waits for its endpoint. */
  async function spawnEmulator(args: string[], fdLimit?: number) {
    const dir = tempDir('oci-log-attack-');
    const { configFile, profile } = sharedIdentity();
    const command = [process.execPath, BIN, 'emulator', '--config-file', configFile, '--profile', profile, '--state-dir', join(dir, 'state'), ...args];
    const child =
      fdLimit === undefined
        ? spawn(command[0] ?? '', command.slice(1), { env: baseEnv() })
        : spawn('sh', ['-c', `ulimit -n ${fdLimit} && exec "$@"`, 'sh', ...command], { env: baseEnv() });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    let alive = true;
    void exited.then(() => (alive = false));
    const url = await eventually(() => /OCI_LOG_ENDPOINT='([^']+)'/.exec(out)?.[1] ?? (alive ? undefined : 'exited'));
    expect(url, err).to.not.equal('exited');
    return { url, pid: child.pid ?? 0, alive: () => alive, stderr: () => err, stop: async () => (child.kill('SIGTERM'), exited) };
  }

  let emu: Awaited<ReturnType<typeof spawnEmulator>>;
  before(async () => {
    emu = await spawnEmulator([]);
  });
  after(async () => {
    expect(await emu.stop()).to.equal(0);
  });

  it('answers a bad request target with 400 and keeps running', async () => {
    const answer = await raw(emu.url, 'GET //[x HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    expect(statusOf(answer)).to.equal(400);
    expect((await plain(emu.url, 'GET', '/_emulator/health', {})).status).to.equal(200);
    expect(emu.alive()).to.equal(true);
  });

  it('bounds its connections: 200 half-open connections under a 128-descriptor limit do not exhaust it', async () => {
    const bounded = await spawnEmulator(['--max-connections', '40'], 128);
    const { hostname, port } = new URL(bounded.url);
    const sockets: Socket[] = [];
    let closedByServer = 0;
    try {
      await Promise.all(
        Array.from(
          { length: 200 },
          () =>
            new Promise<void>((resolve) => {
              const s = connect(Number(port), hostname, () => resolve());
              s.on('error', () => resolve());
              s.on('close', () => closedByServer++);
              sockets.push(s);
            }),
        ),
      );
      // beyond the bound, connections are closed on arrival
      await eventually(() => closedByServer >= 160);
      expect(bounded.alive()).to.equal(true);
    } finally {
      for (const s of sockets) s.destroy();
    }
    // once the half-open connections are gone, it serves again
    await eventually(async () => (await plain(bounded.url, 'GET', '/_emulator/health', {}).then((r) => r.status, () => 0)) === 200);
    expect(bounded.stderr()).to.not.match(/EMFILE|Error/);
    expect(await bounded.stop()).to.equal(0);
  });

  it('holds no memory for unsigned bodies: 40 connections sending 2 MiB each of a declared 10 MiB', async function () {
    const rssOf = (pid: number): number => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) * 1024;
    if (!existsSync('/proc/self/status')) this.skip();
    {
      const { hostname, port } = new URL(emu.url);
      const before = rssOf(emu.pid);
      const chunk = Buffer.alloc(2 * 1024 * 1024, 'x');
      await Promise.all(
        Array.from(
          { length: 40 },
          () =>
            new Promise<void>((resolve) => {
              const s = connect(Number(port), hostname, () => {
                s.write(`POST /20200831/logs/ocid1.log.oc1.iad.x/actions/push HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/json\r\nContent-Length: ${10 * 1024 * 1024 - 1}\r\n\r\n`);
                s.write(chunk);
              });
              s.on('error', () => resolve());
              s.on('close', () => resolve());
              s.resume();
            }),
        ),
      );
      // 80 MiB were sent; had they been read and kept, RSS would have grown by that much
      expect(rssOf(emu.pid) - before).to.be.below(40 * 1024 * 1024);
      expect(emu.alive()).to.equal(true);
    }
  });

  it('warns at start when it listens beyond loopback, and exports the admin token', async () => {
    const open = await spawnEmulator(['--host', '0.0.0.0']);
    try {
      await eventually(() => /warning: listening on 0\.0\.0\.0, beyond loopback/.test(open.stderr()));
      expect((await plain(open.url, 'GET', '/_emulator/stats', {})).status).to.equal(401);
    } finally {
      expect(await open.stop()).to.equal(0);
    }
  });
});
