import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { expect } from 'chai';
import { keyFromConfig, signedRequest } from '../helpers/raw-signer.js';
import type { RawResponse } from '../helpers/raw-signer.js';
import { startEmulator as startRaw } from '../../src/emulator/index.js';
import { admin, sharedIdentity, startEmulator } from '../helpers/emulator.js';
import { tempDir } from '../helpers/temp-dir.js';
import type { TestEmulator } from '../helpers/emulator.js';

const iso = (ms: number) => new Date(ms).toISOString();

describe('emulator hardening: requests that must get an answer, not a 500', function () {
  let emu: TestEmulator;
  let signer: ReturnType<typeof keyFromConfig>;
  let logId: string;
  before(async () => {
    emu = await startEmulator();
    signer = keyFromConfig(emu.configFile, emu.profile);
    logId = await emu.createLog(await emu.createLogGroup('hard'), 'l');
  });
  after(async () => emu.stop());

  const call = (method: string, path: string, body?: string | Buffer): Promise<RawResponse> =>
    signedRequest({ method, url: `${emu.url}${path}`, ...(body === undefined ? {} : { body }), ...signer });
  const search = (searchQuery: string) =>
    call('POST', '/20190909/search', JSON.stringify({ timeStart: iso(Date.now() - 60_000), timeEnd: iso(Date.now() + 60_000), searchQuery }));
  const createGroup = (extra: Record<string, unknown>) =>
    call('POST', '/20200531/logGroups', JSON.stringify({ compartmentId: emu.tenancy, displayName: `g${Math.random().toString(36).slice(2)}`, ...extra }));
  const codeOf = (r: RawResponse) => (JSON.parse(r.body) as { code: string }).code;

  describe('calls with more arguments than a spread can pass', () => {
    it('a parameter set from concat() of 300,000 arguments is read, not a 500', async () => {
      const r = await search(`$p = concat(${Array(300_000).fill("'a'").join(',')}); search "${emu.tenancy}/hard/l" | extend p = $p | select p`);
      expect(r.status, r.body.slice(0, 300)).to.equal(200);
    });

    it('a summarize item with 300,000 arguments around an aggregate is read, not a 500', async () => {
      const r = await search(`search "${emu.tenancy}/hard/l" | summarize concat(count(), ${Array(300_000).fill('1').join(',')}) as x`);
      expect(r.status, r.body.slice(0, 300)).to.equal(200);
      expect((JSON.parse(r.body) as { results: Array<{ data: { x: string } }> }).results[0]?.data.x).to.have.length(300_001);
    });
  });

  describe('tags', () => {
    it('refuses defined tags that nest (10,000 levels was a 500 and a stored group no one could read)', async () => {
      // written out: JSON.stringify itself gives up on 10,000 levels
      const deep = `${'{"a":'.repeat(10_000)}"v"${'}'.repeat(10_000)}`;
      const body = `{"compartmentId":"${emu.tenancy}","displayName":"deep","definedTags":{"ns":{"t":${deep}}}}`;
      const r = await call('POST', '/20200531/logGroups', body);
      expect(r.status, r.body.slice(0, 300)).to.equal(400);
      expect(JSON.parse(r.body).message).to.match(/definedTags\.ns: "t" must have a string or number or boolean value/);
    });

    it('holds tags to the service\'s limits: 64 tags, keys of 100 characters, values of 256', async () => {
      const many = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, 'v']));
      const refused: Array<[Record<string, unknown>, RegExp]> = [
        [{ freeformTags: many }, /freeformTags: at most 64 tags, got 65/],
        [{ freeformTags: { ['k'.repeat(101)]: 'v' } }, /freeformTags: "k+": a key is 1 to 100 characters/],
        [{ freeformTags: { k: 'v'.repeat(257) } }, /freeformTags: "k" must have a string value \(a string of at most 256 characters\)/],
        [{ definedTags: { ns1: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, 'v'])), ns2: Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`k${i}`, 'v'])) } }, /definedTags: at most 64 tags, all namespaces together/],
        [{ definedTags: { ['n'.repeat(101)]: { k: 'v' } } }, /definedTags: "n+": a key is 1 to 100 characters/],
        [{ definedTags: { ns: { k: ['v'] } } }, /definedTags\.ns: "k" must have a string or number or boolean value/],
      ];
      for (const [extra, message] of refused) {
        const r = await createGroup(extra);
        expect(r.status, JSON.stringify(extra).slice(0, 100)).to.equal(400);
        expect(JSON.parse(r.body).message).to.match(message);
      }
      const atLimits = await createGroup({
        freeformTags: Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`${'k'.repeat(97)}${String(i).padStart(3, '0')}`, 'v'.repeat(256)])),
        definedTags: { ns: { t: 'x', n: 1, b: true } },
      });
      expect(atLimits.status, atLimits.body).to.equal(202);
    });
  });

  describe('bodies that are not UTF-8', () => {
    it('PutLogs with a byte that is not UTF-8 in an entry is a 400, not stored as U+FFFD', async () => {
      const text = JSON.stringify({ specversion: '1.0', logEntryBatches: [{ entries: [{ id: 'bad-utf8', data: 'a_b' }], source: 's', type: 't', defaultlogentrytime: iso(Date.now()) }] });
      const body = Buffer.from(text);
      body[body.indexOf('a_b') + 1] = 0xff;
      const r = await call('POST', `/20200831/logs/${logId}/actions/push`, body);
      expect(r.status).to.equal(400);
      expect(JSON.parse(r.body).message).to.match(/not valid UTF-8/);
      expect((await emu.entries(logId)).map((e) => e.id)).to.not.include('bad-utf8');
    });

    it('a management or search body that is not UTF-8 is a 400 InvalidParameter', async () => {
      const bad = Buffer.concat([Buffer.from(`{"compartmentId":"${emu.tenancy}","displayName":"x`), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
      for (const path of ['/20200531/logGroups', '/20190909/search']) {
        const r = await call('POST', path, bad);
        expect(r.status, path).to.equal(400);
        expect(codeOf(r)).to.equal('InvalidParameter');
        expect(JSON.parse(r.body).message).to.match(/not valid UTF-8/);
      }
    });
  });
});

describe('emulator hardening: a malformed request behind one still being answered', function () {
  it('closes the connection instead of writing its 400 ahead of the pending answer', async () => {
    // the latency wait holds the first answer until its connection goes
    const sleep = (_ms: number, signal: AbortSignal) => new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    const emu = await startEmulator({ latencyMs: 60_000, sleep });
    try {
      const { hostname, port } = new URL(emu.url);
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), hostname, () => {
          // an unsigned GET (401, after the latency), then bytes that are not HTTP, in one write
          socket.write(`GET /20200531/logGroups?compartmentId=x HTTP/1.1\r\nHost: ${hostname}:${port}\r\n\r\nNOT HTTP AT ALL\r\n\r\n`);
        });
        let got = '';
        socket.setEncoding('utf8').on('data', (d: string) => (got += d));
        socket.on('close', () => resolve(got));
        socket.on('error', reject);
      });
      // before: "HTTP/1.1 400 … malformed HTTP request" came first, read as the answer to the GET
      expect(answer).to.not.match(/malformed HTTP request/);
      expect(answer === '' || /^HTTP\/1\.1 401 /.test(answer), answer).to.equal(true);
    } finally {
      await emu.stop();
    }
  });
});

describe('emulator hardening: the instance metadata and federation endpoints', function () {
  let emu: TestEmulator;
  before(async () => {
    emu = await startEmulator({ principals: true });
  });
  after(async () => emu.stop());

  const get = (path: string, headers: Record<string, string>) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(new URL(path, emu.url), { method: path === '/v1/x509' ? 'POST' : 'GET', headers }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end(path === '/v1/x509' ? '{}' : undefined);
    });
  const oracle = { authorization: 'Bearer Oracle' };

  it('refuse a web page (an Origin header), as the admin endpoints do', async () => {
    for (const path of ['/opc/v2/identity/key.pem', '/opc/v2/instance/region', '/v1/x509']) {
      const r = await get(path, { ...oracle, origin: 'https://attacker.example' });
      expect(r.status, path).to.equal(403);
      expect(r.body, path).to.not.match(/PRIVATE KEY/);
    }
  });

  it('refuse a Host that does not name this machine and port (DNS rebinding), and answer loopback names', async () => {
    const port = new URL(emu.url).port;
    for (const host of [`attacker.example:${port}`, `127.0.0.1:${Number(port) + 1}`]) {
      expect((await get('/opc/v2/identity/key.pem', { ...oracle, host })).status, host).to.equal(403);
      expect((await get('/v1/x509', { host })).status, host).to.equal(403);
    }
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) {
      expect((await get('/opc/v2/instance/region', { ...oracle, host })).status, host).to.equal(200);
    }
  });

  it('refuse a forwarded request to /opc/v2, as the instance metadata service v2 does', async () => {
    for (const header of ['forwarded', 'x-forwarded-for', 'x-forwarded-host']) {
      const r = await get('/opc/v2/identity/key.pem', { ...oracle, [header]: '203.0.113.7' });
      expect(r.status, header).to.equal(403);
      expect(JSON.parse(r.body).message).to.contain(header);
    }
    expect((await get('/opc/v2/identity/key.pem', {})).status).to.equal(401);
  });
});

describe('emulator hardening: the memory entries take', function () {
  it('evicts the oldest entries beyond maxStoredBytes and says so in the admin stats', async () => {
    const emu = await startRaw({ stateDir: tempDir(), ...sharedIdentity(), explicitProfile: true, maxStoredBytes: 50_000 });
    try {
      const signer = keyFromConfig(emu.identity.configFile, emu.identity.profile);
      const created = await signedRequest({ method: 'POST', url: `${emu.url}/20200531/logGroups`, body: JSON.stringify({ compartmentId: emu.identity.tenancy, displayName: 'g' }), ...signer });
      const wr = created.headers['opc-work-request-id'] as string;
      const read = () => signedRequest({ method: 'GET', url: `${emu.url}/20200531/workRequests/${wr}`, ...signer });
      await read();
      const groupId = (JSON.parse((await read()).body) as { resources: Array<{ identifier: string }> }).resources[0]?.identifier ?? '';
      const logWr = (await signedRequest({ method: 'POST', url: `${emu.url}/20200531/logGroups/${groupId}/logs`, body: JSON.stringify({ displayName: 'l', logType: 'CUSTOM' }), ...signer })).headers['opc-work-request-id'] as string;
      await signedRequest({ method: 'GET', url: `${emu.url}/20200531/workRequests/${logWr}`, ...signer });
      const logRead = await signedRequest({ method: 'GET', url: `${emu.url}/20200531/workRequests/${logWr}`, ...signer });
      const logId = (JSON.parse(logRead.body) as { resources: Array<{ identifier: string }> }).resources[0]?.identifier ?? '';
      for (let batch = 0; batch < 10; batch++) {
        const entries = Array.from({ length: 10 }, (_, i) => ({ id: `e${batch * 10 + i}`, data: 'x'.repeat(1000) }));
        const body = JSON.stringify({ specversion: '1.0', logEntryBatches: [{ entries, source: 's', type: 't', defaultlogentrytime: iso(Date.now()) }] });
        expect((await signedRequest({ method: 'POST', url: `${emu.url}/20200831/logs/${logId}/actions/push`, body, ...signer })).status).to.equal(200);
      }
      const stats = await admin<{ entries: Record<string, number>; storedBytes: number; evictedOverMaxStored: Record<string, number> }>(emu.url, 'GET', '/_emulator/stats');
      expect(stats.entries[logId]).to.equal(100);
      expect(stats.storedBytes).to.be.at.most(50_000);
      const kept = await admin<Array<{ id: string }>>(emu.url, 'GET', `/_emulator/logs/${logId}/entries`);
      expect(stats.evictedOverMaxStored[logId]).to.equal(100 - kept.length);
      expect(kept.at(-1)?.id).to.equal('e99');
      expect(kept.length).to.be.within(40, 49);
    } finally {
      await emu.stop();
    }
  });
});
