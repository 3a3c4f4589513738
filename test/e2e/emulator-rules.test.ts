import { generateKeyPairSync } from 'node:crypto';
import { Agent } from 'node:http';
import { expect } from 'chai';
import { startEmulator } from '../helpers/emulator.js';
import type { TestEmulator } from '../helpers/emulator.js';
import { keyFromConfig, signedRequest } from '../helpers/raw-signer.js';
import type { RawRequest } from '../helpers/raw-signer.js';
import { tempDir } from '../helpers/temp-dir.js';

const now = new Date().toISOString();
const goodBody = (entries: unknown[] = [{ id: 'a', data: 'hello', time: now }], batch: Record<string, unknown> = {}) =>
  JSON.stringify({ specversion: '1.0', logEntryBatches: [{ entries, source: 's', type: 't', defaultlogentrytime: now, ...batch }] });

describe('emulator rules over real HTTP', function () {
  let emu: TestEmulator;
  let logId: string;
  let signer: { keyId: string; key: ReturnType<typeof keyFromConfig>['key'] };
  before(async () => {
    emu = await startEmulator();
    logId = await emu.createLog(await emu.createLogGroup('rules'), 'rules-log');
    signer = keyFromConfig(emu.configFile, emu.profile);
  });
  after(async () => emu.stop());

  const push = (body: string | Buffer, extra: Partial<RawRequest> = {}, target = logId) =>
    signedRequest({ method: 'POST', url: `${emu.url}/20200831/logs/${target}/actions/push`, body, ...signer, ...extra });

  it('accepts a well-signed PutLogs and answers 200 with an opc-request-id', async () => {
    const r = await push(goodBody());
    expect(r.status, r.body).to.equal(200);
    expect(r.headers['opc-request-id']).to.be.a('string');
  });

  describe('refuses bad signatures with 401 NotAuthenticated', () => {
    const expect401 = async (r: Promise<{ status: number; body: string }>, reason: RegExp) => {
      const res = await r;
      expect(res.status, res.body).to.equal(401);
      const body = JSON.parse(res.body) as { code: string; message: string };
      expect(body.code).to.equal('NotAuthenticated');
      expect(body.message).to.match(reason);
    };
    it('wrong key', async () => {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      await expect401(push(goodBody(), { key: privateKey }), /signature does not match/);
    });
    it('tampered body', async () => {
      await expect401(push(goodBody(), { mutate: (_h, b) => Buffer.from(b.toString().replace('hello', 'HELLO')) }), /x-content-sha256/);
    });
    it('missing signed header', async () => {
      await expect401(push(goodBody(), { signedHeaders: ['date', '(request-target)', 'host', 'content-length', 'content-type'] }), /not signed: x-content-sha256/);
    });
    it('stale date', async () => {
      await expect401(push(goodBody(), { date: new Date(Date.now() - 6 * 60_000) }), /5 minutes/);
    });
    it('body length not the signed content-length', async () => {
      await expect401(push(goodBody(), { mutate: (h, b) => ((h['content-length'] = String(b.length - 1)), b.subarray(0, b.length - 1)) }), /signature does not match/);
    });
    it('a date in the future beyond 5 minutes', async () => {
      await expect401(push(goodBody(), { date: new Date(Date.now() + 6 * 60_000) }), /5 minutes/);
    });
    it('a GET whose host is not signed', async () => {
      const r = await signedRequest({ method: 'GET', url: `${emu.url}/20200531/logGroups?compartmentId=${emu.tenancy}`, ...signer, signedHeaders: ['date', '(request-target)'] });
      expect(r.status).to.equal(401);
      expect(JSON.parse(r.body)).to.deep.include({ code: 'NotAuthenticated' });
      expect(JSON.parse(r.body).message).to.match(/not signed: host/);
    });
    it('x-date signed instead of date is fine', async () => {
      const r = await push(goodBody([{ id: 'xdate', data: 'x' }]), { headers: { 'x-date': new Date().toUTCString() }, signedHeaders: ['x-date', '(request-target)', 'host', 'content-type', 'content-length', 'x-content-sha256'] });
      expect(r.status, r.body).to.equal(200);
    });
    it('no Authorization at all', async () => {
      await expect401(push(goodBody(), { mutate: (h, b) => ((h['authorization'] = ''), b) }), /Signature header|Authorization/);
    });
  });

  describe('validates PutLogs bodies with 400 InvalidParameter naming the field', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['not JSON', '{', /not valid JSON/],
      ['wrong specversion', JSON.stringify({ specversion: '2.0', logEntryBatches: [] }), /specversion/],
      ['missing source', goodBody(undefined, { source: undefined }), /logEntryBatches\[0\]\.source/],
      ['missing type', goodBody(undefined, { type: undefined }), /logEntryBatches\[0\]\.type/],
      ['missing id', goodBody([{ data: 'x' }]), /entries\[0\]\.id/],
      ['missing data', goodBody([{ id: 'x' }]), /entries\[0\]\.data/],
      ['non-RFC 3339 time', goodBody([{ id: 'x', data: 'x' }, { id: 'y', data: 'y', time: '2024-01-01 10:00' }]), /entries\[1\]\.time/],
      ['bad defaultlogentrytime', goodBody(undefined, { defaultlogentrytime: 'yesterday' }), /defaultlogentrytime/],
      ['an empty body', '', /not valid JSON/],
      ['a JSON array', '[]', /must be a JSON object/],
      ['logEntryBatches missing', JSON.stringify({ specversion: '1.0' }), /logEntryBatches: required/],
      ['a batch that is not an object', JSON.stringify({ specversion: '1.0', logEntryBatches: ['x'] }), /logEntryBatches\[0\]: must be an object/],
      ['entries missing', goodBody(undefined, { entries: undefined }), /logEntryBatches\[0\]\.entries: required/],
      ['an entry that is not an object', goodBody([{ id: 'a', data: 'a' }, 7]), /entries\[1\]: must be an object/],
      ['a numeric id', goodBody([{ id: 5, data: 'x' }]), /entries\[0\]\.id/],
      ['non-string data', goodBody([{ id: 'x', data: { a: 1 } }]), /entries\[0\]\.data/],
      ['a numeric subject', goodBody(undefined, { subject: 3 }), /logEntryBatches\[0\]\.subject/],
      ['missing defaultlogentrytime', goodBody(undefined, { defaultlogentrytime: undefined }), /logEntryBatches\[0\]\.defaultlogentrytime: required/],
      ['a time without a zone', goodBody([{ id: 'x', data: 'x', time: '2024-01-01T10:00:00' }]), /entries\[0\]\.time: not an RFC 3339 time/],
      ['a numeric time', goodBody([{ id: 'x', data: 'x', time: 1700000000000 }]), /entries\[0\]\.time/],
      ['the fourth entry of the second batch', JSON.stringify({ specversion: '1.0', logEntryBatches: [JSON.parse(goodBody()).logEntryBatches[0], { source: 's', type: 't', defaultlogentrytime: now, entries: [{ id: '1', data: '' }, { id: '2', data: '' }, { id: '3', data: '' }, { id: '4', data: '', time: 'noon' }] }] }), /^logEntryBatches\[1\]\.entries\[3\]\.time: not an RFC 3339 time/],
    ];
    for (const [name, body, re] of cases) {
      it(name, async () => {
        const r = await push(body);
        expect(r.status, r.body).to.equal(400);
        const parsed = JSON.parse(r.body) as { code: string; message: string };
        expect(parsed.code).to.equal('InvalidParameter');
        expect(parsed.message).to.match(re);
      });
    }
    it('data of 1 MB and more is accepted, as the service accepts it, and kept truncated to 10,000 characters', async () => {
      const r = await push(goodBody([{ id: 'big', data: 'x'.repeat(1024 * 1024) }]));
      expect(r.status, r.body).to.equal(200);
      const kept = (await emu.entries(logId)).find((e) => e.id === 'big');
      expect(kept?.data).to.equal(`${'x'.repeat(9997)}...`);
    });
    it('keeps entries from the future, and accepts but drops entries older than the log\'s retention (30 days)', async () => {
      const day = 86_400_000;
      const r = await push(goodBody([
        { id: 'future', data: 'x', time: new Date(Date.now() + 7 * day).toISOString() },
        { id: 'old-but-kept', data: 'x', time: new Date(Date.now() - 29 * day).toISOString() },
        { id: 'too-old', data: 'x', time: new Date(Date.now() - 31 * day).toISOString() },
      ]));
      expect(r.status, r.body).to.equal(200);
      const ids = (await emu.entries(logId)).map((e) => e.id);
      expect(ids).to.include.members(['future', 'old-but-kept']);
      expect(ids).to.not.include('too-old');
      const stats = (await emu.stats()) as { droppedAsOlderThanRetention?: Record<string, number> };
      expect(stats.droppedAsOlderThanRetention?.[logId]).to.equal(1);
    });
    it('a body over 10 MB, storing none of it', async () => {
      const entries = Array.from({ length: 11 }, (_, i) => ({ id: `big-${i}`, data: 'y'.repeat(1000 * 1000) }));
      const r = await push(goodBody(entries));
      expect(r.status).to.equal(400);
      expect(r.body).to.match(/10 MB/);
      expect((await emu.entries(logId)).filter((e) => e.id.startsWith('big-'))).to.deep.equal([]);
    });
    it('a refused batch stores nothing, not even its valid entries', async () => {
      const r = await push(goodBody([{ id: 'ok-before-bad', data: 'fine' }, { id: 'bad', data: 'x', time: 'never' }]));
      expect(r.status).to.equal(400);
      expect((await emu.entries(logId)).map((e) => e.id)).to.not.include('ok-before-bad');
    });
  });

  it('serves keep-alive clients: successes and refusals over one connection', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const answers = [];
      for (const body of [goodBody([{ id: 'ka-1', data: 'x' }]), '{', goodBody([{ id: 'ka-2', data: 'x' }])]) answers.push(await push(body, { agent }));
      answers.push(await signedRequest({ method: 'GET', url: `${emu.url}/20200531/logGroups?compartmentId=${emu.tenancy}`, ...signer, agent, date: new Date(Date.now() - 3_600_000) }));
      answers.push(await push(goodBody([{ id: 'ka-3', data: 'x' }]), { agent }));
      expect(answers.map((a) => a.status)).to.deep.equal([200, 400, 200, 401, 200]);
      expect(new Set(answers.map((a) => a.localPort)).size).to.equal(1);
    } finally {
      agent.destroy();
    }
  });

  it('refuses an unsigned request with a body without reading the body, and closes that connection', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const refused = await push(goodBody(), { agent, date: new Date(Date.now() - 3_600_000) });
      expect(refused.status).to.equal(401);
      expect(refused.headers['connection']).to.equal('close');
      const next = await push(goodBody([{ id: 'after-close', data: 'x' }]), { agent });
      expect(next.status).to.equal(200);
      expect(next.localPort).to.not.equal(refused.localPort);
    } finally {
      agent.destroy();
    }
  });

  it('answers 404 for an unknown log, like the service', async () => {
    const missing = 'ocid1.log.oc1.iad.amaaaaaanotthere';
    const r = await push(goodBody(), {}, missing);
    expect(r.status).to.equal(404);
    expect(JSON.parse(r.body)).to.deep.equal({ code: '404', message: `${missing} logId not found` });
  });

  it('fires injected faults the given number of times: status with retry-after, reset, stall', async () => {
    await emu.injectFault({ op: 'putLogs', status: 429, count: 2, retryAfterSeconds: 3 });
    const a = await push(goodBody([{ id: 'f1', data: 'x' }]));
    const b = await push(goodBody([{ id: 'f2', data: 'x' }]));
    const c = await push(goodBody([{ id: 'f3', data: 'x' }]));
    expect([a.status, b.status, c.status]).to.deep.equal([429, 429, 200]);
    expect(a.headers['retry-after']).to.equal('3');
    expect(JSON.parse(a.body).code).to.equal('TooManyRequests');

    await emu.injectFault({ op: 'putLogs', kind: 'reset' });
    const reset = await push(goodBody([{ id: 'f4', data: 'x' }])).then(() => 'answered', (e: NodeJS.ErrnoException) => e.code);
    expect(reset).to.equal('ECONNRESET');

    await emu.injectFault({ op: 'putLogs', kind: 'stall' });
    const signedStall = await Promise.race([
      push(goodBody([{ id: 'f5', data: 'x' }])).then(() => 'answered'),
      new Promise<string>((r) => setTimeout(() => r('stalled'), 500)),
    ]);
    expect(signedStall).to.equal('stalled');
    const stored = (await emu.entries(logId)).map((e) => e.id).filter((id) => id.startsWith('f'));
    expect(stored).to.deep.equal(['f3']);
    expect((await emu.stats()).requests['putLogs']).to.be.greaterThan(5);
  });

  it('keeps entries across a restart with --data-dir', async () => {
    const dataDir = tempDir('oci-log-data-');
    const stateDir = tempDir('oci-log-state-');
    const first = await startEmulator({ dataDir, stateDir });
    const log = await first.createLog(await first.createLogGroup('kept'), 'kept-log');
    const s = keyFromConfig(first.configFile, first.profile);
    const r = await signedRequest({ method: 'POST', url: `${first.url}/20200831/logs/${log}/actions/push`, body: goodBody([{ id: 'persist-1', data: 'still here' }]), ...s });
    expect(r.status).to.equal(200);
    await first.stop();
    const second = await startEmulator({ dataDir, stateDir });
    try {
      expect((await second.entries(log)).map((e) => e.data)).to.deep.equal(['still here']);
      expect(second.tenancy).to.equal(first.tenancy);
    } finally {
      await second.stop();
    }
  });
});
