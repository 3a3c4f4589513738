import { request } from 'node:http';
import { expect } from 'chai';
import { startEmulator as startRaw } from '../../src/emulator/index.js';
import { admin, sharedIdentity, startEmulator } from '../helpers/emulator.js';
import type { TestEmulator } from '../helpers/emulator.js';
import { keyFromConfig, signedRequest } from '../helpers/raw-signer.js';
import type { RawRequest, RawResponse } from '../helpers/raw-signer.js';
import { tempDir } from '../helpers/temp-dir.js';

type Signer = ReturnType<typeof keyFromConfig>;
const iso = (ms: number) => new Date(ms).toISOString();

function client(url: string, signer: Signer) {
  const call = (method: string, path: string, body?: unknown, extra: Partial<RawRequest> = {}) =>
    signedRequest({ method, url: `${url}${path}`, ...(body === undefined ? {} : { body: JSON.stringify(body) }), ...signer, ...extra });
  const push = (logId: string, entries: Array<Record<string, unknown>>, batch: Record<string, unknown> = {}) =>
    call('POST', `/20200831/logs/${logId}/actions/push`, { specversion: '1.0', logEntryBatches: [{ entries, source: 'src', type: 'typ', defaultlogentrytime: iso(Date.now()), ...batch }] });
  const search = (searchQuery: string, range: { start?: number; end?: number } = {}, query = '') =>
    call('POST', `/20190909/search${query}`, { timeStart: iso(range.start ?? Date.now() - 3_600_000), timeEnd: iso(range.end ?? Date.now() + 60_000), searchQuery });
  return { call, push, search };
}

const json = <T = Record<string, unknown>>(r: RawResponse): T => JSON.parse(r.body) as T;
interface SearchBody {
  results: Array<{ data: { datetime: number; logContent: { id: string; data: unknown; oracle: Record<string, string> } } }>;
  summary: { resultCount: number };
}
const ids = (r: RawResponse) => json<SearchBody>(r).results.map((x) => x.data.logContent.id);

function expectError(r: RawResponse, status: number, code: string, message: RegExp): void {
  expect(r.status, r.body).to.equal(status);
  expect(r.headers['opc-request-id']).to.match(/^[0-9A-F/]{20,}$/);
  const body = json<{ code: string; message: string }>(r);
  expect(body.code).to.equal(code);
  expect(body.message).to.match(message);
}

describe('emulator API rules over real HTTP', function () {
  let emu: TestEmulator;
  let api: ReturnType<typeof client>;
  before(async () => {
    emu = await startEmulator();
    api = client(emu.url, keyFromConfig(emu.configFile, emu.profile));
  });
  after(async () => emu.stop());

  describe('management', () => {
    it('refuses a missing compartmentId or displayName, a foreign tenancy and a non-CUSTOM log with 400/404', async () => {
      expectError(await api.call('POST', '/20200531/logGroups', { displayName: 'x' }), 400, 'InvalidParameter', /compartmentId/);
      expectError(await api.call('POST', '/20200531/logGroups', { compartmentId: emu.tenancy }), 400, 'InvalidParameter', /displayName/);
      expectError(await api.call('POST', '/20200531/logGroups', { compartmentId: 'ocid1.tenancy.oc1..other', displayName: 'x' }), 404, 'NotAuthorizedOrNotFound', /tenancy/);
      expectError(await api.call('GET', '/20200531/logGroups'), 400, 'InvalidParameter', /compartmentId/);
      const group = await emu.createLogGroup('mgmt-rules');
      expectError(await api.call('POST', `/20200531/logGroups/${group}/logs`, { displayName: 'l' }), 400, 'InvalidParameter', /logType/);
      for (const retentionDuration of [0, 29, 31, 210, '30']) {
        expectError(await api.call('POST', `/20200531/logGroups/${group}/logs`, { displayName: 'l', logType: 'CUSTOM', retentionDuration }), 400, 'InvalidParameter', /retentionDuration/);
      }
      expectError(await api.call('POST', '/20200531/logGroups/ocid1.loggroup.oc1.iad.nope/logs', { displayName: 'l', logType: 'CUSTOM' }), 404, 'NotAuthorizedOrNotFound', /ocid1\.loggroup\.oc1\.iad\.nope/);
      expectError(await api.call('GET', '/20200531/workRequests/ocid1.logworkrequest.oc1.iad.nope'), 404, 'NotAuthorizedOrNotFound', /nope/);
    });

    it('answers 202 with no body and an opc-work-request-id, and keeps compartments apart', async () => {
      const compartment = 'ocid1.compartment.oc1..aaaaaaaaemulatortestcompartment';
      await admin(emu.url, 'POST', '/_emulator/compartments', { id: compartment });
      const r = await api.call('POST', '/20200531/logGroups', { compartmentId: compartment, displayName: 'mgmt-rules' });
      expect(r.status, r.body).to.equal(202);
      expect(r.body).to.equal('');
      expect(r.headers['opc-work-request-id']).to.match(/^ocid1\.logworkrequest\./);
      const inCompartment = json<Array<{ compartmentId: string }>>(await api.call('GET', `/20200531/logGroups?compartmentId=${compartment}`));
      expect(inCompartment.map((g) => g.compartmentId)).to.deep.equal([compartment]);
      const direct = json<Array<{ displayName: string }>>(await api.call('GET', `/20200531/logGroups?compartmentId=${emu.tenancy}&displayName=mgmt-rules`));
      expect(direct).to.have.length(1);
      const subtree = json<Array<{ displayName: string }>>(await api.call('GET', `/20200531/logGroups?compartmentId=${emu.tenancy}&displayName=mgmt-rules&isCompartmentIdInSubtree=true`));
      expect(subtree).to.have.length(2);
    });

    it('counts limit before the displayName filter, as the service documents, and sorts on request', async () => {
      const c = 'ocid1.compartment.oc1..aaaaaaaaemulatorlisttest';
      await admin(emu.url, 'POST', '/_emulator/compartments', { id: c });
      for (const displayName of ['list-b', 'list-a', 'list-c']) expect((await api.call('POST', '/20200531/logGroups', { compartmentId: c, displayName })).status).to.equal(202);
      const pages: string[][] = [];
      let page: string | undefined;
      do {
        const r = await api.call('GET', `/20200531/logGroups?compartmentId=${c}&displayName=list-c&limit=1${page === undefined ? '' : `&page=${page}`}`);
        pages.push(json<Array<{ displayName: string }>>(r).map((g) => g.displayName));
        page = r.headers['opc-next-page'] as string | undefined;
      } while (page !== undefined);
      expect(pages).to.deep.equal([[], [], ['list-c']]);
      const names = async (q: string) => json<Array<{ displayName: string }>>(await api.call('GET', `/20200531/logGroups?compartmentId=${c}${q}`)).map((g) => g.displayName);
      expect(await names('')).to.deep.equal(['list-b', 'list-a', 'list-c']);
      expect(await names('&sortBy=displayName')).to.deep.equal(['list-a', 'list-b', 'list-c']);
      expect(await names('&sortBy=displayName&sortOrder=DESC')).to.deep.equal(['list-c', 'list-b', 'list-a']);
      expect((await names('&sortBy=timeCreated&sortOrder=ASC'))).to.have.members(['list-a', 'list-b', 'list-c']);
      expectError(await api.call('GET', `/20200531/logGroups?compartmentId=${c}&sortBy=size`), 400, 'InvalidParameter', /sortBy/);
    });

    it('refuses a bad limit or page token with 400', async () => {
      expectError(await api.call('GET', `/20200531/logGroups?compartmentId=${emu.tenancy}&limit=0`), 400, 'InvalidParameter', /limit/);
      expectError(await api.call('GET', `/20200531/logGroups?compartmentId=${emu.tenancy}&page=zzz`), 400, 'InvalidParameter', /page/);
    });
  });

  describe('search', () => {
    let groupId = '';
    let logA = '';
    let logB = '';
    const t0 = Date.now() - 30 * 60_000;
    before(async () => {
      groupId = await emu.createLogGroup('search-rules');
      logA = await emu.createLog(groupId, 'a');
      logB = await emu.createLog(groupId, 'b');
      const put = await api.push(logA, [
        { id: 'a-2', data: JSON.stringify({ level: 'error', n: 5, nested: { k: 'v' } }), time: iso(t0 + 2000) },
        { id: 'a-1', data: 'Disk is FULL', time: iso(t0 + 1000) },
        { id: 'a-3', data: 'same time', time: iso(t0 + 3000) },
        { id: 'a-0', data: 'no time: batch default' },
      ], { defaultlogentrytime: iso(t0), subject: 'job-1' });
      expect(put.status, put.body).to.equal(200);
      expect((await api.push(logB, [{ id: 'b-3', data: 'same time too', time: iso(t0 + 3000) }])).status).to.equal(200);
    });

    it('scopes by compartment, group and log, by OCID or name, several at once', async () => {
      expect(ids(await api.search(`search "${emu.tenancy}/search-rules/a"`))).to.deep.equal(['a-0', 'a-1', 'a-2', 'a-3']);
      expect(ids(await api.search(`search "${emu.tenancy}/${groupId}/${logB}"`))).to.deep.equal(['b-3']);
      expect(ids(await api.search(`search "${emu.tenancy}/${groupId}"`))).to.deep.equal(['a-0', 'a-1', 'a-2', 'a-3', 'b-3']);
      expect(ids(await api.search(`search "${emu.tenancy}/search-rules/b", "${emu.tenancy}/search-rules/a" | where id = 'a-1'`))).to.deep.equal(['a-1']);
      expect(ids(await api.search(`search "${emu.tenancy}" | where type = 'typ' and source = 'src' and id = 'b-*'`))).to.deep.equal(['b-3']);
    });

    it('falls back to the batch time, and searches [timeStart, timeEnd)', async () => {
      expect(ids(await api.search(`search "${emu.tenancy}/${groupId}/a"`, { start: t0, end: t0 + 2000 }))).to.deep.equal(['a-0', 'a-1']);
    });

    it('breaks ties by id in the sort direction', async () => {
      expect(ids(await api.search(`search "${emu.tenancy}/${groupId}" | sort by datetime desc`))).to.deep.equal(['b-3', 'a-3', 'a-2', 'a-1', 'a-0']);
    });

    it('matches data fields, subject, wildcards without case, or, not and parentheses', async () => {
      const q = (where: string) => api.search(`search "${emu.tenancy}/${groupId}" | where ${where}`).then(ids);
      expect(await q(`data.level = 'ERROR'`)).to.deep.equal(['a-2']);
      expect(await q(`data.nested.k = 'v'`)).to.deep.equal(['a-2']);
      expect(await q(`data.n > 4 and data.n <= 5`)).to.deep.equal(['a-2']);
      expect(await q(`data.message = 'disk*'`)).to.deep.equal(['a-1']);
      expect(await q(`logContent = '*full*' or (subject = 'job-1' and id = 'a-3')`)).to.deep.equal(['a-1', 'a-3']);
      expect(await q(`subject != 'job-1'`)).to.deep.equal(['b-3']);
      expect(await q(`not subject = 'job-1'`)).to.deep.equal(['b-3']);
    });

    it('answers 400 naming the problem: bad query, bad times, reversed or too long a range', async () => {
      expectError(await api.search(`search "${emu.tenancy}" | where data.x ~ 'y'`), 400, 'InvalidParameter', /searchQuery: .*position/);
      expectError(await api.search(`search ${emu.tenancy}`), 400, 'InvalidParameter', /searchQuery: expected a double-quoted scope/);
      expectError(await api.call('POST', '/20190909/search', { timeStart: 'yesterday', timeEnd: iso(Date.now()), searchQuery: `search "${emu.tenancy}"` }), 400, 'InvalidParameter', /timeStart/);
      expectError(await api.call('POST', '/20190909/search', { timeStart: iso(Date.now()), searchQuery: `search "${emu.tenancy}"` }), 400, 'InvalidParameter', /timeEnd/);
      expectError(await api.search(`search "${emu.tenancy}"`, { start: Date.now(), end: Date.now() - 1000 }), 400, 'InvalidParameter', /timeEnd/);
      const end = Date.now();
      expect((await api.search(`search "${emu.tenancy}"`, { start: end - 14 * 86_400_000, end })).status).to.equal(200);
      expectError(await api.search(`search "${emu.tenancy}"`, { start: end - 14 * 86_400_000 - 1, end }), 400, 'InvalidParameter', /14 days/);
      expectError(await api.search(`search "${emu.tenancy}/no-such-group"`), 404, 'NotAuthorizedOrNotFound', /no-such-group/);
    });

    it('pages with limit and opc-next-page, and refuses a limit over 1000', async () => {
      const scope = `search "${emu.tenancy}/${groupId}"`;
      const p1 = await api.search(scope, {}, '?limit=2');
      expect(ids(p1)).to.deep.equal(['a-0', 'a-1']);
      const next = String(p1.headers['opc-next-page']);
      const p2 = await api.search(scope, {}, `?limit=2&page=${next}`);
      expect(ids(p2)).to.deep.equal(['a-2', 'a-3']);
      const p3 = await api.search(scope, {}, `?limit=2&page=${String(p2.headers['opc-next-page'])}`);
      expect(ids(p3)).to.deep.equal(['b-3']);
      expect(p3.headers['opc-next-page']).to.equal(undefined);
      expect(ids(await api.search(`${scope} | top 3 by datetime`, {}, '?limit=2&page=2'))).to.deep.equal(['a-2']);
      expect((await api.search(scope, {}, '?limit=1000')).status).to.equal(200);
      expectError(await api.search(scope, {}, '?limit=1001'), 400, 'InvalidParameter', /limit/);
    });
  });

  describe('faults', () => {
    let logId = '';
    before(async () => {
      logId = await emu.createLog(await emu.createLogGroup('fault-rules'), 'f');
    });
    afterEach(async () => emu.clearFaults());

    it('a 503 says ServiceUnavailable with retry-after 1 by default; 500 has none; retryAfterSeconds 0 is kept', async () => {
      await emu.injectFault({ op: 'putLogs', status: 503 });
      const r = await api.push(logId, [{ id: 'x', data: 'x' }]);
      expectError(r, 503, 'ServiceUnavailable', /injected/);
      expect(r.headers['retry-after']).to.equal('1');
      await emu.injectFault({ op: 'search', status: 500 });
      const s = await api.search(`search "${emu.tenancy}"`);
      expectError(s, 500, 'InternalServerError', /injected/);
      expect(s.headers['retry-after']).to.equal(undefined);
      await emu.injectFault({ op: 'putLogs', status: 429, retryAfterSeconds: 0 });
      const z = await api.push(logId, [{ id: 'x', data: 'x' }]);
      expect(z.status).to.equal(429);
      expect(z.headers['retry-after']).to.equal('0');
      expect(await emu.entries(logId)).to.deep.equal([]);
    });

    it("'*' hits every operation; the count is consumed; DELETE clears what is left", async () => {
      await emu.injectFault({ op: '*', status: 500, count: 2 });
      expect((await api.call('GET', `/20200531/logGroups?compartmentId=${emu.tenancy}`)).status).to.equal(500);
      expect((await api.search(`search "${emu.tenancy}"`)).status).to.equal(500);
      expect((await api.call('GET', `/20200531/logGroups?compartmentId=${emu.tenancy}`)).status).to.equal(200);
      await emu.injectFault({ op: 'createLogGroup', status: 429, count: 5 });
      expect((await api.call('POST', '/20200531/logGroups', { compartmentId: emu.tenancy, displayName: 'faulted' })).status).to.equal(429);
      await emu.clearFaults();
      expect((await api.call('POST', '/20200531/logGroups', { compartmentId: emu.tenancy, displayName: 'faulted' })).status).to.equal(202);
    });

    it('refuses a malformed fault with 400', async () => {
      for (const bad of [{ op: 'nope' }, { op: 'putLogs', status: 200 }, { op: 'putLogs', kind: 'explode' }, { op: 'putLogs', count: 0 }, { op: 'putLogs', retryAfterSeconds: -1 }]) {
        const r = await new Promise<number>((resolve, reject) => {
          const req = request(`${emu.url}/_emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          });
          req.on('error', reject);
          req.end(JSON.stringify(bad));
        });
        expect(r, JSON.stringify(bad)).to.equal(400);
      }
    });

    it('a stalled request holds its connection until the emulator stops, and stop() still finishes', async () => {
      const own = await startEmulator();
      const ownApi = client(own.url, keyFromConfig(own.configFile, own.profile));
      await own.injectFault({ op: 'listLogGroups', kind: 'stall' });
      const stalled = ownApi.call('GET', `/20200531/logGroups?compartmentId=${own.tenancy}`).then(() => 'answered', (e: NodeJS.ErrnoException) => e.code ?? 'error');
      const early = await Promise.race([stalled, new Promise<string>((r) => setTimeout(() => r('still waiting'), 300))]);
      expect(early).to.equal('still waiting');
      await own.stop();
      expect(await stalled).to.equal('ECONNRESET');
    });
  });

  describe('admin endpoints', () => {
    it('health, stats per operation and entries per log, entries of a log in ingestion order', async () => {
      const logId = await emu.createLog(await emu.createLogGroup('admin-rules'), 'adm');
      expect((await api.push(logId, [{ id: 'z', data: 'second?', time: iso(Date.now() - 1000) }, { id: 'y', data: 'first?', time: iso(Date.now() - 5000) }])).status).to.equal(200);
      const entries = await emu.entries(logId);
      expect(entries.map((e) => e.id)).to.deep.equal(['z', 'y']);
      expect(entries[0]).to.include({ data: 'second?', source: 'src', type: 'typ' });
      const stats = await emu.stats();
      expect(stats.entries[logId]).to.equal(2);
      expect(stats.requests['createLog']).to.be.at.least(1);
      const health = await new Promise<number>((resolve, reject) => request(`${emu.url}/_emulator/health`, (res) => (res.resume(), resolve(res.statusCode ?? 0))).on('error', reject).end());
      expect(health).to.equal(200);
      const unknown = await emu.entries('ocid1.log.oc1.iad.nope').then(() => 'found', (e: Error) => e.message);
      expect(unknown).to.match(/404/);
    });
  });
});

describe('emulator options', () => {
  it('--max-entries keeps only the newest N entries of a log, exactly', async () => {
    const stateDir = tempDir('oci-log-state-');
    const lines: string[] = [];
    const emu = await startRaw({ stateDir, ...sharedIdentity(), explicitProfile: true, maxEntriesPerLog: 3, log: (l) => lines.push(l) });
    try {
      const signer = keyFromConfig(emu.identity.configFile, emu.identity.profile);
      const api = client(emu.url, signer);
      const created = await api.call('POST', '/20200531/logGroups', { compartmentId: emu.identity.tenancy, displayName: 'g' });
      const wr = json<{ resources: Array<{ identifier: string }> }>(await api.call('GET', `/20200531/workRequests/${String(created.headers['opc-work-request-id'])}`));
      const groupId = wr.resources[0]?.identifier ?? '';
      const logWr = await api.call('POST', `/20200531/logGroups/${groupId}/logs`, { displayName: 'l', logType: 'CUSTOM' });
      const logId = json<{ resources: Array<{ identifier: string }> }>(await api.call('GET', `/20200531/workRequests/${String(logWr.headers['opc-work-request-id'])}`)).resources[0]?.identifier ?? '';
      expect((await api.push(logId, [1, 2, 3, 4].map((i) => ({ id: `e${i}`, data: `${i}` })))).status).to.equal(200);
      expect((await api.push(logId, [{ id: 'e5', data: '5' }])).status).to.equal(200);
      const search = await api.search(`search "${emu.identity.tenancy}/g/l"`);
      expect(ids(search)).to.deep.equal(['e3', 'e4', 'e5']);
      expect(emu.stats().requests['putLogs']).to.equal(2);
      const requestId = String(search.headers['opc-request-id']);
      expect(lines.some((l) => l.startsWith('POST /20190909/search 200 ') && l.endsWith(` ${requestId}`)), lines.join('\n')).to.equal(true);
    } finally {
      await emu.stop();
    }
  });

  it('--ingest-delay hides entries from search until the delay has passed', async () => {
    // The emulator's clock stands still unless the test moves it: time passes without a sleep.
    const start = Date.now();
    let later = 0;
    const emu = await startEmulator({ ingestDelayMs: 400, now: () => start + later });
    try {
      const api = client(emu.url, keyFromConfig(emu.configFile, emu.profile));
      const logId = await emu.createLog(await emu.createLogGroup('delayed'), 'd');
      expect((await api.push(logId, [{ id: 'late', data: 'x' }])).status).to.equal(200);
      expect(ids(await api.search(`search "${emu.tenancy}/delayed/d"`))).to.deep.equal([]);
      expect((await emu.entries(logId)).map((e) => e.id)).to.deep.equal(['late']);
      later = 399;
      expect(ids(await api.search(`search "${emu.tenancy}/delayed/d"`)), 'just before the delay').to.deep.equal([]);
      later = 60_000;
      expect(ids(await api.search(`search "${emu.tenancy}/delayed/d"`))).to.deep.equal(['late']);
    } finally {
      await emu.stop();
    }
  });

  it('--discard-entries validates and counts but keeps nothing', async () => {
    const emu = await startRaw({ stateDir: tempDir('oci-log-state-'), ...sharedIdentity(), explicitProfile: true, discardEntries: true });
    try {
      const api = client(emu.url, keyFromConfig(emu.identity.configFile, emu.identity.profile));
      const created = await api.call('POST', '/20200531/logGroups', { compartmentId: emu.identity.tenancy, displayName: 'g' });
      const groupId = json<{ resources: Array<{ identifier: string }> }>(await api.call('GET', `/20200531/workRequests/${String(created.headers['opc-work-request-id'])}`)).resources[0]?.identifier ?? '';
      const logWr = await api.call('POST', `/20200531/logGroups/${groupId}/logs`, { displayName: 'l', logType: 'CUSTOM' });
      const logId = json<{ resources: Array<{ identifier: string }> }>(await api.call('GET', `/20200531/workRequests/${String(logWr.headers['opc-work-request-id'])}`)).resources[0]?.identifier ?? '';
      expect((await api.push(logId, [{ id: 'a', data: 'a' }, { id: 'b', data: 'b' }])).status).to.equal(200);
      expect((await api.push(logId, [{ id: 'c', data: 'c', time: 'soon' }])).status).to.equal(400);
      expect(ids(await api.search(`search "${emu.identity.tenancy}/g/l"`))).to.deep.equal([]);
      const stats = await new Promise<{ entries: Record<string, number> }>((resolve, reject) =>
        request(`${emu.url}/_emulator/stats`, (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (c: string) => (text += c)).on('end', () => resolve(JSON.parse(text) as { entries: Record<string, number> }));
        })
          .on('error', reject)
          .end(),
      );
      expect(stats.entries[logId]).to.equal(2);
    } finally {
      await emu.stop();
    }
  });
});
