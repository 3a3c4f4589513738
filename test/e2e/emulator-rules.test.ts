import { generateKeyPairSync } from 'node:crypto';
import { request } from 'node:http';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { startEmulator } from '../helpers/emulator.js';
import type { TestEmulator } from '../helpers/emulator.js';
import { keyFromConfig, signedRequest } from '../helpers/raw-signer.js';
import type { RawRequest } from '../helpers/raw-signer.js';
import { BIN, baseEnv } from '../helpers/cli.js';
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
      ['data of 1 MB', goodBody([{ id: 'x', data: 'x'.repeat(1024 * 1024) }]), /entries\[0\]\.data.*1 MB/],
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
    it('data just under 1 MB is accepted', async () => {
      const r = await push(goodBody([{ id: 'big', data: 'x'.repeat(1024 * 1024 - 1) }]));
      expect(r.status, r.body).to.equal(200);
    });
    it('a body over 10 MB', async () => {
      const entries = Array.from({ length: 11 }, (_, i) => ({ id: `e${i}`, data: 'y'.repeat(1000 * 1000) }));
      const r = await push(goodBody(entries));
      expect(r.status).to.equal(400);
      expect(r.body).to.match(/10 MB/);
    });
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

describe('oci-log emulator (the command)', () => {
  it('prints the export lines, writes --exports-file, serves, and exits 0 on SIGTERM', async () => {
    const dir = tempDir('oci-log-cmd-');
    const exportsFile = join(dir, 'env');
    const child = spawn(process.execPath, [BIN, 'emulator', '--new-identity', '--state-dir', join(dir, 'state'), '--exports-file', exportsFile], { env: baseEnv() });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    for (let i = 0; i < 100 && out.split('\n').length < 4; i++) await new Promise((r) => setTimeout(r, 50));
    const lines = out.trim().split('\n');
    expect(lines, err).to.have.length(3);
    expect(lines[0]).to.equal(`export OCI_CLI_CONFIG_FILE='${join(dir, 'state', 'config')}'`);
    expect(lines[1]).to.equal(`export OCI_CLI_PROFILE='EMULATOR'`);
    expect(lines[2]).to.match(/^export OCI_LOG_ENDPOINT='http:\/\/127\.0\.0\.1:\d+'$/);
    expect(readFileSync(exportsFile, 'utf8')).to.equal(out);
    const url = /'(http[^']+)'/.exec(lines[2] ?? '')?.[1] ?? '';
    const health = await new Promise<number>((resolve, reject) => request(`${url}/_emulator/health`, (res) => resolve(res.statusCode ?? 0)).on('error', reject).end());
    expect(health).to.equal(200);
    const code = await new Promise<number | null>((resolve) => {
      child.on('close', resolve);
      child.kill('SIGTERM');
    });
    expect(code).to.equal(0);
  });

  it('refuses a bad --fault with exit 2', async () => {
    const { runCli } = await import('../helpers/cli.js');
    const r = await runCli(['emulator', '--fault', 'putLogs:999', '--state-dir', tempDir()]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/--fault putLogs:999: status must be/);
  });
});
