import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { admin, managementClient, startEmulator } from '../helpers/emulator.js';
import type { TestEmulator } from '../helpers/emulator.js';
import { runMain } from '../helpers/run-main.js';
import { keyFromConfig, signedRequest } from '../helpers/raw-signer.js';
import type { RawResponse } from '../helpers/raw-signer.js';

const MGMT = '/20200531';
const iso = (ms: number) => new Date(ms).toISOString();
const json = <T = Record<string, unknown>>(r: RawResponse): T => JSON.parse(r.body) as T;

function api(emu: TestEmulator, clockOffset: () => number = () => 0) {
  const signer = keyFromConfig(emu.configFile, emu.profile);
  return (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    signedRequest({
      method,
      url: `${emu.url}${path}`,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      ...signer,
      headers,
      date: new Date(Date.now() + clockOffset()),
    });
}

/** Reads a work request until it is finished; its last state. */
async function settle(call: ReturnType<typeof api>, id: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 5; i++) {
    const wr = json(await call('GET', `${MGMT}/workRequests/${id}`));
    if (wr['status'] !== 'ACCEPTED') return wr;
  }
  throw new Error(`work request ${id} did not finish`);
}

const wrId = (r: RawResponse) => String(r.headers['opc-work-request-id']);

describe('emulator management API: idempotency, the rest of the operations, compartments', function () {
  let emu: TestEmulator;
  let offset = 0;
  let call: ReturnType<typeof api>;
  before(async () => {
    emu = await startEmulator({ now: () => Date.now() + offset });
    call = api(emu, () => offset);
  });
  after(async () => emu.stop());
  afterEach(async () => {
    offset = 0;
    await emu.clearFaults();
  });

  describe('opc-retry-token', () => {
    it('the same create with the same token within 24 h answers the first work request, and makes one group', async () => {
      const token = randomUUID();
      const body = { compartmentId: emu.tenancy, displayName: 'retried' };
      const first = await call('POST', `${MGMT}/logGroups`, body, { 'opc-retry-token': token });
      const again = await call('POST', `${MGMT}/logGroups`, body, { 'opc-retry-token': token });
      expect([first.status, again.status]).to.deep.equal([202, 202]);
      expect(wrId(again)).to.equal(wrId(first));
      const groups = json<Array<{ displayName: string }>>(await call('GET', `${MGMT}/logGroups?compartmentId=${emu.tenancy}&displayName=retried`));
      expect(groups).to.have.length(1);
      // without the token, the same request is a duplicate
      expect((await call('POST', `${MGMT}/logGroups`, body)).status).to.equal(409);
    });

    it('the token with another request is 409; after 24 h it is forgotten', async () => {
      const token = randomUUID();
      expect((await call('POST', `${MGMT}/logGroups`, { compartmentId: emu.tenancy, displayName: 'tok-a' }, { 'opc-retry-token': token })).status).to.equal(202);
      const other = await call('POST', `${MGMT}/logGroups`, { compartmentId: emu.tenancy, displayName: 'tok-b' }, { 'opc-retry-token': token });
      expect(other.status).to.equal(409);
      expect(json(other)['message']).to.match(/opc-retry-token was used for a different request/);
      offset = 86_400_000 + 1000;
      expect((await call('POST', `${MGMT}/logGroups`, { compartmentId: emu.tenancy, displayName: 'tok-b' }, { 'opc-retry-token': token })).status).to.equal(202);
    });

    it('a token whose group was deleted since is 409 InvalidatedRetryToken', async () => {
      const token = randomUUID();
      const body = { compartmentId: emu.tenancy, displayName: 'tok-gone' };
      const created = await settle(call, wrId(await call('POST', `${MGMT}/logGroups`, body, { 'opc-retry-token': token })));
      const id = (created['resources'] as Array<{ identifier: string }>)[0]?.identifier ?? '';
      await settle(call, wrId(await call('DELETE', `${MGMT}/logGroups/${id}`)));
      const retry = await call('POST', `${MGMT}/logGroups`, body, { 'opc-retry-token': token });
      expect(retry.status).to.equal(409);
      expect(json(retry)['code']).to.equal('InvalidatedRetryToken');
    });

    it('oci-log create-log-group, its answer lost after the group was made (reset-after), retries and makes one group', async () => {
      await emu.injectFault({ op: 'createLogGroup', kind: 'reset-after' });
      const r = await runMain(['create-log-group', '--display-name', 'lost-answer'], { env: emu.env });
      expect(r.code, r.stderr).to.equal(0);
      const groups = json<Array<{ id: string }>>(await call('GET', `${MGMT}/logGroups?compartmentId=${emu.tenancy}&displayName=lost-answer`));
      expect(groups.map((g) => g.id)).to.deep.equal([r.stdout.toString().trim()]);
      expect((await emu.stats()).requests['createLogGroup']).to.be.at.least(2);
    });
  });

  describe('if-match', () => {
    it('a stale etag is 412 NoEtagMatch on update, move and delete; the current one works and changes the etag', async () => {
      const wr = await settle(call, wrId(await call('POST', `${MGMT}/logGroups`, { compartmentId: emu.tenancy, displayName: 'etags' })));
      const id = (wr['resources'] as Array<{ identifier: string }>)[0]?.identifier ?? '';
      const etag = String((await call('GET', `${MGMT}/logGroups/${id}`)).headers['etag']);
      expect(etag).to.match(/^[0-9a-f]{32}$/);
      for (const [method, path, body] of [
        ['PUT', `${MGMT}/logGroups/${id}`, { description: 'x' }],
        ['POST', `${MGMT}/logGroups/${id}/actions/changeCompartment`, { compartmentId: emu.tenancy }],
        ['DELETE', `${MGMT}/logGroups/${id}`, undefined],
      ] as const) {
        const r = await call(method, path, body, { 'if-match': 'not-the-etag' });
        expect(r.status, `${method} ${path}`).to.equal(412);
        expect(json(r)['code']).to.equal('NoEtagMatch');
      }
      expect((await call('GET', `${MGMT}/logGroups/${id}`)).headers['etag']).to.equal(etag);
      expect((await call('PUT', `${MGMT}/logGroups/${id}`, { description: 'changed' }, { 'if-match': etag })).status).to.equal(202);
      const after = await call('GET', `${MGMT}/logGroups/${id}`);
      expect(json(after)['description']).to.equal('changed');
      expect(after.headers['etag']).to.not.equal(etag);
      expect((await call('DELETE', `${MGMT}/logGroups/${id}`, undefined, { 'if-match': etag })).status).to.equal(412);
    });
  });

  describe('compartments', () => {
    it('one the emulator was never told about is 404 for create, list, search and move; declared ones work', async () => {
      const unknown = 'ocid1.compartment.oc1..aaaaaaaaneverdeclared';
      const create = await call('POST', `${MGMT}/logGroups`, { compartmentId: unknown, displayName: 'nowhere' });
      expect(create.status).to.equal(404);
      expect(json(create)).to.deep.include({ code: 'NotAuthorizedOrNotFound' });
      expect((await call('GET', `${MGMT}/logGroups?compartmentId=${unknown}`)).status).to.equal(404);
      const search = await call('POST', '/20190909/search', { timeStart: iso(Date.now() - 60_000), timeEnd: iso(Date.now()), searchQuery: `search "${unknown}"` });
      expect(search.status).to.equal(404);
      const home = ((await settle(call, wrId(await call('POST', `${MGMT}/logGroups`, { compartmentId: emu.tenancy, displayName: 'stays-home' }))))['resources'] as Array<{ identifier: string }>)[0]?.identifier ?? '';
      expect((await call('POST', `${MGMT}/logGroups/${home}/actions/changeCompartment`, { compartmentId: unknown })).status).to.equal(404);
      const made = await admin<{ id: string }>(emu.url, 'POST', '/_emulator/compartments', {});
      expect(made.id).to.match(/^ocid1\.compartment\.oc1\.\./);
      expect((await call('POST', `${MGMT}/logGroups`, { compartmentId: made.id, displayName: 'somewhere' })).status).to.equal(202);
      const listed = await admin<Array<{ id: string; isTenancy: boolean }>>(emu.url, 'GET', '/_emulator/compartments');
      expect(listed).to.deep.include({ id: emu.tenancy, isTenancy: true });
      expect(listed).to.deep.include({ id: made.id, isTenancy: false });
      const bad = await admin(emu.url, 'POST', '/_emulator/compartments', { id: 'ocid1.tenancy.oc1..x' }).then(() => 'accepted', (e: Error) => e.message);
      expect(bad).to.match(/400/);
    });
  });

  describe('the operations the SDK calls', () => {
    it('updates a log group and a log (names, description, retention, isEnabled, tags), moves them, and lists work requests and their logs', async () => {
      const { client } = await managementClient(emu);
      try {
        const other = (await admin<{ id: string }>(emu.url, 'POST', '/_emulator/compartments', {})).id;
        const wait = async (id: string) => settle(call, id);
        const g1 = String(((await wait((await client.createLogGroup({ createLogGroupDetails: { compartmentId: emu.tenancy, displayName: 'upd-1', freeformTags: { team: 'a' }, definedTags: { Ops: { Cost: '42' } } } })).opcWorkRequestId))['resources'] as Array<{ identifier: string }>)[0]?.identifier);
        const g2 = String(((await wait((await client.createLogGroup({ createLogGroupDetails: { compartmentId: emu.tenancy, displayName: 'upd-2' } })).opcWorkRequestId))['resources'] as Array<{ identifier: string }>)[0]?.identifier);
        const log = String(((await wait((await client.createLog({ logGroupId: g1, createLogDetails: { displayName: 'l', logType: 'CUSTOM' as never, freeformTags: { k: 'v' } } })).opcWorkRequestId))['resources'] as Array<{ identifier: string }>)[0]?.identifier);

        const got = (await client.getLogGroup({ logGroupId: g1 })).logGroup;
        expect(got.freeformTags).to.deep.equal({ team: 'a' });
        expect(got.definedTags).to.deep.equal({ Ops: { Cost: '42' } });
        expect((await client.getLog({ logGroupId: g1, logId: log })).log.freeformTags).to.deep.equal({ k: 'v' });

        const upd = await client.updateLogGroup({ logGroupId: g1, updateLogGroupDetails: { displayName: 'upd-1b', description: 'd', freeformTags: { team: 'b' } } });
        expect(String((await wait(upd.opcWorkRequestId))['operationType'])).to.equal('UPDATE_LOG_GROUP');
        expect((await client.getLogGroup({ logGroupId: g1 })).logGroup).to.deep.include({ displayName: 'upd-1b', description: 'd', freeformTags: { team: 'b' } });

        const updLog = await client.updateLog({ logGroupId: g1, logId: log, updateLogDetails: { retentionDuration: 90, isEnabled: false, definedTags: { Ops: { Env: 'test' } } } });
        expect(String((await wait(updLog.opcWorkRequestId))['operationType'])).to.equal('UPDATE_LOG');
        expect((await client.getLog({ logGroupId: g1, logId: log })).log).to.deep.include({ retentionDuration: 90, isEnabled: false, definedTags: { Ops: { Env: 'test' } } });

        const move = await client.changeLogLogGroup({ logGroupId: g1, logId: log, changeLogLogGroupDetails: { targetLogGroupId: g2 } });
        expect(String((await wait(move.opcWorkRequestId))['operationType'])).to.equal('MOVE_LOG');
        expect((await client.getLog({ logGroupId: g2, logId: log })).log.logGroupId).to.equal(g2);
        expect((await client.listLogs({ logGroupId: g1 })).items).to.deep.equal([]);

        const moveGroup = await client.changeLogGroupCompartment({ logGroupId: g2, changeLogGroupCompartmentDetails: { compartmentId: other } });
        expect(String((await wait(moveGroup.opcWorkRequestId))['operationType'])).to.equal('MOVE_LOG_GROUP');
        expect((await client.getLogGroup({ logGroupId: g2 })).logGroup.compartmentId).to.equal(other);
        expect((await client.getLog({ logGroupId: g2, logId: log })).log.compartmentId).to.equal(other);

        const inOther = (await client.listWorkRequests({ compartmentId: other })).items;
        expect(inOther.map((w) => String(w.operationType))).to.deep.equal(['MOVE_LOG_GROUP']);
        const logs = (await client.listWorkRequestLogs({ workRequestId: moveGroup.opcWorkRequestId })).items;
        expect(logs.map((l) => l.message)).to.deep.equal(['MOVE_LOG_GROUP accepted', 'MOVE_LOG_GROUP succeeded']);
        const succeeded = (await client.listWorkRequests({ compartmentId: emu.tenancy, status: 'SUCCEEDED' as never })).items;
        expect(succeeded.length).to.be.at.least(5);
      } finally {
        client.close();
      }
    });

    it('an operation the emulator does not implement is 501 saying so; a wrong method is 405', async () => {
      const saved = await call('GET', `${MGMT}/logSavedSearches?compartmentId=${emu.tenancy}`);
      expect(saved.status).to.equal(501);
      expect(json(saved)).to.deep.include({ code: 'MethodNotImplemented' });
      expect(json(saved)['message']).to.match(/listLogSavedSearches .* the emulator does not implement/);
      expect((await call('POST', `${MGMT}/unifiedAgentConfigurations`, {})).status).to.equal(501);
      const wrong = await call('PATCH', `${MGMT}/logGroups`, {});
      expect(wrong.status).to.equal(405);
      expect(wrong.headers['allow']).to.equal('POST, GET');
      expect((await call('GET', `${MGMT}/nothingHere`)).status).to.equal(404);
    });
  });

  describe('listLogs filters, DELETING, failed work requests', () => {
    it('filters by logType, lifecycleState, sourceService and sourceResource, and refuses unknown values', async () => {
      const g = (await settle(call, wrId(await call('POST', `${MGMT}/logGroups`, { compartmentId: emu.tenancy, displayName: 'filters' }))))['resources'] as Array<{ identifier: string }>;
      const gid = g[0]?.identifier ?? '';
      await call('POST', `${MGMT}/logGroups/${gid}/logs`, { displayName: 'custom', logType: 'CUSTOM' });
      const service = { sourceType: 'OCISERVICE', service: 'objectstorage', resource: 'my-bucket', category: 'write' };
      expect((await call('POST', `${MGMT}/logGroups/${gid}/logs`, { displayName: 'svc', logType: 'SERVICE', configuration: { source: service } })).status).to.equal(202);
      expect((await call('POST', `${MGMT}/logGroups/${gid}/logs`, { displayName: 'svc2', logType: 'SERVICE' })).status).to.equal(400);
      const names = async (q: string) => json<Array<{ displayName: string }>>(await call('GET', `${MGMT}/logGroups/${gid}/logs${q}`)).map((l) => l.displayName);
      expect(await names('?logType=SERVICE')).to.deep.equal(['svc']);
      expect(await names('?logType=CUSTOM')).to.deep.equal(['custom']);
      expect(await names('?sourceService=objectstorage')).to.deep.equal(['svc']);
      expect(await names('?sourceResource=my-bucket')).to.deep.equal(['svc']);
      expect(await names('?sourceResource=other')).to.deep.equal([]);
      expect(await names('?lifecycleState=ACTIVE')).to.have.members(['custom', 'svc']);
      expect(await names('?lifecycleState=DELETING')).to.deep.equal([]);
      expect((await call('GET', `${MGMT}/logGroups/${gid}/logs?logType=custom`)).status).to.equal(400);
      expect((await call('GET', `${MGMT}/logGroups/${gid}/logs?lifecycleState=GONE`)).status).to.equal(400);
    });

    it('a deleted log is DELETING (listed, gettable, refusing PutLogs) until its work request finishes, then gone', async () => {
      const gid = ((await settle(call, wrId(await call('POST', `${MGMT}/logGroups`, { compartmentId: emu.tenancy, displayName: 'dying' }))))['resources'] as Array<{ identifier: string }>)[0]?.identifier ?? '';
      const lid = ((await settle(call, wrId(await call('POST', `${MGMT}/logGroups/${gid}/logs`, { displayName: 'l', logType: 'CUSTOM' }))))['resources'] as Array<{ identifier: string }>)[0]?.identifier ?? '';
      const del = await call('DELETE', `${MGMT}/logGroups/${gid}/logs/${lid}`);
      expect(del.status).to.equal(202);
      expect(json(await call('GET', `${MGMT}/logGroups/${gid}/logs/${lid}`))['lifecycleState']).to.equal('DELETING');
      expect(json<Array<{ lifecycleState: string }>>(await call('GET', `${MGMT}/logGroups/${gid}/logs?lifecycleState=DELETING`))).to.have.length(1);
      const push = await call('POST', `/20200831/logs/${lid}/actions/push`, { specversion: '1.0', logEntryBatches: [{ entries: [{ id: 'x', data: 'x' }], source: 's', type: 't', defaultlogentrytime: iso(Date.now()) }] });
      expect(push.status).to.equal(404);
      expect((await call('DELETE', `${MGMT}/logGroups/${gid}`)).status).to.equal(409);
      const first = await call('GET', `${MGMT}/workRequests/${wrId(del)}`);
      expect(json(first)['status']).to.equal('ACCEPTED');
      expect(first.headers['retry-after']).to.equal('1');
      // nobody polls again: it finishes by itself a second later
      offset = 1500;
      expect((await call('GET', `${MGMT}/logGroups/${gid}/logs/${lid}`)).status).to.equal(404);
      expect(json(await call('GET', `${MGMT}/workRequests/${wrId(del)}`))['status']).to.equal('SUCCEEDED');
    });

    it('an entry that ages past its log\'s retention is no longer found by search', async () => {
      const gid = ((await settle(call, wrId(await call('POST', `${MGMT}/logGroups`, { compartmentId: emu.tenancy, displayName: 'aging' }))))['resources'] as Array<{ identifier: string }>)[0]?.identifier ?? '';
      const lid = ((await settle(call, wrId(await call('POST', `${MGMT}/logGroups/${gid}/logs`, { displayName: 'l', logType: 'CUSTOM' }))))['resources'] as Array<{ identifier: string }>)[0]?.identifier ?? '';
      const day = 86_400_000;
      const t = Date.now() - 29 * day;
      const push = await call('POST', `/20200831/logs/${lid}/actions/push`, { specversion: '1.0', logEntryBatches: [{ entries: [{ id: 'aging', data: 'x', time: iso(t) }], source: 's', type: 't', defaultlogentrytime: iso(t) }] });
      expect(push.status).to.equal(200);
      const found = async () => json<{ results: unknown[] }>(await call('POST', '/20190909/search', { timeStart: iso(t - day), timeEnd: iso(t + day), searchQuery: `search "${emu.tenancy}/aging/l"` })).results.length;
      expect(await found()).to.equal(1);
      offset = 2 * day;
      expect(await found()).to.equal(0);
    });

    it('a work-request-fails fault: 202, then FAILED with an error, and nothing made or removed', async () => {
      await emu.injectFault({ op: 'createLogGroup', kind: 'work-request-fails' });
      const r = await call('POST', `${MGMT}/logGroups`, { compartmentId: emu.tenancy, displayName: 'never-made' });
      expect(r.status).to.equal(202);
      const wr = await settle(call, wrId(r));
      expect(wr['status']).to.equal('FAILED');
      const errors = json<Array<{ code: string; message: string }>>(await call('GET', `${MGMT}/workRequests/${wrId(r)}/errors`));
      expect(errors).to.have.length(1);
      expect(errors[0]?.message).to.match(/injected fault/);
      expect(json<unknown[]>(await call('GET', `${MGMT}/logGroups?compartmentId=${emu.tenancy}&displayName=never-made`))).to.deep.equal([]);
      // and oci-log says so (exit 4, quoting the work request)
      await emu.injectFault({ op: 'createLogGroup', kind: 'work-request-fails' });
      const cli = await runMain(['create-log-group', '--display-name', 'never-made'], { env: emu.env });
      expect(cli.code).to.equal(4);
      expect(cli.stderr).to.match(/work request ocid1\.logworkrequest\.\S+ FAILED: .*injected fault/);
      const bad = await admin(emu.url, 'POST', '/_emulator/faults', { op: 'putLogs', kind: 'work-request-fails' }).then(() => 'accepted', (e: Error) => e.message);
      expect(bad).to.match(/400.*work-request-fails applies to/);
    });
  });
});
