import { expect } from 'chai';
import { runMain, startMain } from '../helpers/run-main.js';
import { admin, startEmulator } from '../helpers/emulator.js';
import type { TestEmulator } from '../helpers/emulator.js';
import { eventually } from '../helpers/cli.js';
import { keyFromConfig, signedRequest } from '../helpers/raw-signer.js';
import type { RawResponse } from '../helpers/raw-signer.js';
import { tempDir } from '../helpers/temp-dir.js';

const iso = (ms: number) => new Date(ms).toISOString();
const outcome = (p: Promise<RawResponse>) => p.then((r) => String(r.status), (e: NodeJS.ErrnoException) => e.code ?? 'error');

function api(emu: TestEmulator) {
  const signer = keyFromConfig(emu.configFile, emu.profile);
  return {
    push: (logId: string, id: string, date?: Date) =>
      signedRequest({
        method: 'POST',
        url: `${emu.url}/20200831/logs/${logId}/actions/push`,
        body: JSON.stringify({ specversion: '1.0', logEntryBatches: [{ entries: [{ id, data: id }], source: 's', type: 't', defaultlogentrytime: iso(Date.now()) }] }),
        ...signer,
        ...(date ? { date } : {}),
      }),
    createGroup: (displayName: string) =>
      signedRequest({ method: 'POST', url: `${emu.url}/20200531/logGroups`, body: JSON.stringify({ compartmentId: emu.tenancy, displayName }), ...signer }),
    listGroups: () => signedRequest({ method: 'GET', url: `${emu.url}/20200531/logGroups?compartmentId=${emu.tenancy}`, ...signer }),
  };
}

describe('emulator faults over time, after processing, and latency', function () {
  describe('duration faults', () => {
    let emu: TestEmulator;
    let offset = 0;
    let logId = '';
    before(async () => {
      // The emulator's clock runs `offset` ahead; requests are signed at that time too.
      emu = await startEmulator({ now: () => Date.now() + offset });
      logId = await emu.createLog(await emu.createLogGroup('outage'), 'l');
    });
    after(async () => emu.stop());

    it('answers 503 to every request for the whole window, then serves again; listed with the time left', async () => {
      const c = api(emu);
      await emu.injectFault({ op: 'putLogs', status: 503, forMs: 90_000 });
      await emu.injectFault({ op: 'listLogGroups', status: 500, count: 2 });
      const listed = await admin<Array<Record<string, unknown>>>(emu.url, 'GET', '/_emulator/faults');
      expect(listed).to.have.length(2);
      expect(listed[0]).to.include({ op: 'putLogs', kind: 'status', status: 503, retryAfterSeconds: 1 });
      expect(listed[0]?.['remainingMs']).to.be.within(80_000, 90_000);
      expect(listed[0]?.['until']).to.be.a('string');
      expect(listed[1]).to.deep.equal({ op: 'listLogGroups', kind: 'status', status: 500, count: 2 });
      const at = (ms: number) => new Date(Date.now() + ms);
      for (const step of [0, 10_000, 45_000, 89_000]) {
        offset = step;
        const r = await c.push(logId, `during-${step}`, at(step));
        expect(r.status, `${step} ms in`).to.equal(503);
        expect(r.headers['retry-after']).to.equal('1');
      }
      offset = 90_500;
      expect((await c.push(logId, 'after', at(offset))).status).to.equal(200);
      expect((await emu.entries(logId)).map((e) => e.id)).to.deep.equal(['after']);
      const left = await admin<Array<Record<string, unknown>>>(emu.url, 'GET', '/_emulator/faults');
      expect(left.map((f) => f['op'])).to.deep.equal(['listLogGroups']);
      offset = 0;
    });

    it('a stall window holds every request unprocessed, starting fromMs later', async () => {
      const c = api(emu);
      await emu.clearFaults();
      await emu.injectFault({ op: 'putLogs', kind: 'stall', forMs: 20_000, fromMs: 60_000 });
      expect((await c.push(logId, 'before-window')).status).to.equal(200);
      offset = 61_000;
      let answered = false;
      const stalled = outcome(c.push(logId, 'stalled', new Date(Date.now() + offset))).then((o) => ((answered = true), o));
      await eventually(async () => ((await emu.stats()).requests['putLogs'] ?? 0) >= 3);
      expect(answered).to.equal(false);
      expect((await emu.entries(logId)).map((e) => e.id)).to.not.include('stalled');
      offset = 81_000;
      expect((await c.push(logId, 'after-window', new Date(Date.now() + offset))).status).to.equal(200);
      offset = 0;
      await emu.stop();
      expect(await stalled).to.equal('ECONNRESET');
      emu = await startEmulator({ now: () => Date.now() + offset });
    });
  });

  describe('faults after processing', () => {
    let emu: TestEmulator;
    let logId = '';
    before(async () => {
      emu = await startEmulator();
      logId = await emu.createLog(await emu.createLogGroup('after'), 'l');
    });
    after(async () => emu.stop());

    it('reset-after stores the PutLogs, then drops the connection', async () => {
      await emu.injectFault({ op: 'putLogs', kind: 'reset-after' });
      expect(await outcome(api(emu).push(logId, 'stored-then-reset'))).to.equal('ECONNRESET');
      expect((await emu.entries(logId)).map((e) => e.id)).to.deep.equal(['stored-then-reset']);
    });

    it('reset-after on a create makes the group though the client never hears of it', async () => {
      await emu.injectFault({ op: 'createLogGroup', kind: 'reset-after' });
      expect(await outcome(api(emu).createGroup('made-anyway'))).to.equal('ECONNRESET');
      const groups = JSON.parse((await api(emu).listGroups()).body) as Array<{ displayName: string }>;
      expect(groups.map((g) => g.displayName)).to.include('made-anyway');
    });

    it('stall-after stores the PutLogs and never answers', async () => {
      const own = await startEmulator();
      const ownLog = await own.createLog(await own.createLogGroup('g'), 'l');
      await own.injectFault({ op: 'putLogs', kind: 'stall-after' });
      let answered = false;
      const stalled = outcome(api(own).push(ownLog, 'stored-then-silent')).then((o) => ((answered = true), o));
      await eventually(async () => (await own.entries(ownLog)).length === 1);
      expect((await own.entries(ownLog)).map((e) => e.id)).to.deep.equal(['stored-then-silent']);
      expect((await admin<unknown[]>(own.url, 'GET', '/_emulator/faults'))).to.deep.equal([]);
      expect(answered).to.equal(false);
      await own.stop();
      expect(await stalled).to.equal('ECONNRESET');
    });
  });

  describe('latency', () => {
    it('answers each API request only once its latency has passed, settable while running; admin is not delayed', async () => {
      const waits: Array<{ ms: number; release: () => void }> = [];
      const emu = await startEmulator({
        latencyMs: 200,
        sleep: (ms) => new Promise<void>((release) => waits.push({ ms, release })),
      });
      try {
        const logId = await (async () => {
          // creating needs answers: release every wait while setting up
          const pump = setInterval(() => waits.splice(0).forEach((w) => w.release()), 5);
          try {
            return await emu.createLog(await emu.createLogGroup('far'), 'l');
          } finally {
            clearInterval(pump);
          }
        })();
        waits.splice(0).forEach((w) => w.release());
        let answered = false;
        const pending = api(emu).push(logId, 'far-away').then((r) => ((answered = true), r.status));
        await eventually(() => waits.length === 1);
        expect(waits[0]?.ms).to.be.within(1, 200);
        // processed on arrival; only the answer waits
        expect((await emu.entries(logId)).map((e) => e.id)).to.deep.equal(['far-away']);
        expect(answered).to.equal(false);
        waits.shift()?.release();
        expect(await pending).to.equal(200);

        expect(await admin(emu.url, 'GET', '/_emulator/latency')).to.deep.equal({ ms: 200 });
        await emu.setLatency(0);
        expect((await api(emu).push(logId, 'near')).status).to.equal(200);
        expect(waits).to.have.length(0);
        const bad = await admin(emu.url, 'PUT', '/_emulator/latency', { ms: -1 }).then(() => 'accepted', (e: Error) => e.message);
        expect(bad).to.match(/400.*ms must be a whole number/);
      } finally {
        waits.splice(0).forEach((w) => w.release());
        await emu.stop();
      }
    });

    it('a client that gives up during the latency ends its request at once (no timer held for the whole latency)', async () => {
      const lines: string[] = [];
      const emu = await startEmulator({ latencyMs: 600_000, log: (l) => lines.push(l) });
      try {
        const signer = keyFromConfig(emu.configFile, emu.profile);
        const controller = new AbortController();
        const gaveUp = outcome(signedRequest({ method: 'GET', url: `${emu.url}/20200531/logGroups?compartmentId=${emu.tenancy}`, ...signer, signal: controller.signal }));
        await eventually(async () => (await emu.stats()).requests['listLogGroups'] === 1);
        controller.abort();
        expect(await gaveUp).to.equal('ABORT_ERR');
        // the request's log line is written when its handler ends: at once, not in 10 minutes
        await eventually(() => lines.some((l) => l.startsWith('GET /20200531/logGroups?')));
      } finally {
        await emu.stop();
      }
    });
  });

  describe('the command', () => {
    it('takes --latency and duration faults, listed by the admin endpoints, and stops on SIGTERM', async () => {
      const run = startMain(['emulator', '--new-identity', '--state-dir', tempDir(), '--latency', '250ms', '--fault', 'putLogs:503:for=90s', '--fault', 'createLog:reset-after:2'], {
        env: { HOME: tempDir() },
      });
      const url = await eventually(() => /OCI_LOG_ENDPOINT='([^']+)'/.exec(run.stdout().toString())?.[1]);
      expect(await admin(url, 'GET', '/_emulator/latency')).to.deep.equal({ ms: 250 });
      const faults = await admin<Array<Record<string, unknown>>>(url, 'GET', '/_emulator/faults');
      expect(faults.map((f) => [f['op'], f['kind'], f['count'] ?? f['remainingMs'] !== undefined])).to.deep.equal([
        ['putLogs', 'status', true],
        ['createLog', 'reset-after', 2],
      ]);
      run.signal('SIGTERM');
      expect((await run.done).code).to.equal(0);
    });

    it('refuses a bad --latency, duration fault or --compartment with exit 2', async () => {
      for (const [args, message] of [
        [['--latency', 'soon'], /--latency soon/],
        [['--fault', 'putLogs:503:for=nine'], /--fault putLogs:503:for=nine: for=nine: not a duration/],
        [['--fault', 'putLogs:503:3:for=9s'], /count or forMs, not both/],
        [['--compartment', 'ocid1.tenancy.oc1..x'], /--compartment ocid1\.tenancy\.oc1\.\.x: not a compartment OCID/],
      ] as const) {
        const r = await runMain(['emulator', '--state-dir', tempDir(), ...args]);
        expect(r.code).to.equal(2);
        expect(r.stderr).to.match(message);
      }
    });
  });
});
