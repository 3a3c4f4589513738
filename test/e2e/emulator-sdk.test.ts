import { expect } from 'chai';
import { startEmulator } from '../helpers/emulator.js';
import type { TestEmulator } from '../helpers/emulator.js';

type Clients = Awaited<ReturnType<typeof loadClients>>;

async function loadClients(emu: TestEmulator) {
  process.env['OCI_SDK_DEFAULT_CIRCUITBREAKER_ENABLED'] = 'false';
  const common = await import('oci-common');
  const logging = await import('oci-logging');
  const ingestion = await import('oci-loggingingestion');
  const search = await import('oci-loggingsearch');
  const provider = new common.ConfigFileAuthenticationDetailsProvider(emu.configFile, emu.profile);
  const mgmt = new logging.LoggingManagementClient({ authenticationDetailsProvider: provider });
  const ingest = new ingestion.LoggingClient({ authenticationDetailsProvider: provider });
  const searcher = new search.LogSearchClient({ authenticationDetailsProvider: provider });
  for (const c of [mgmt, ingest, searcher]) c.endpoint = emu.url;
  return { mgmt, ingest, searcher, logging };
}

/** What the SDK throws for a non-2xx answer. */
interface SdkError {
  statusCode?: number;
  serviceCode?: string;
  message?: string;
  opcRequestId?: string;
}
const failure = (p: Promise<unknown>): Promise<SdkError | undefined> => p.then(() => undefined, (e: SdkError) => e);

/** The real OCI SDK clients, pointed at the emulator, do the whole round trip. */
describe('emulator served to the real OCI SDK', function () {
  let emu: TestEmulator;
  let c: Clients;
  let groupId = '';
  let logId = '';
  const now = new Date();
  const timeStart = new Date(now.getTime() - 60_000);
  const timeEnd = new Date(now.getTime() + 60_000);

  before(async () => {
    emu = await startEmulator();
    c = await loadClients(emu);
  });
  after(async () => {
    for (const client of [c.mgmt, c.ingest, c.searcher]) client.close();
    await emu.stop();
  });

  /** Polls a work request as a careful client must: it is ACCEPTED first, then SUCCEEDED. */
  async function finished(workRequestId: string): Promise<{ statuses: string[]; id: string; operationType: string; actionType: string }> {
    const statuses: string[] = [];
    for (let i = 0; i < 20; i++) {
      const { workRequest } = await c.mgmt.getWorkRequest({ workRequestId });
      statuses.push(String(workRequest.status));
      if (workRequest.status === 'SUCCEEDED') {
        const r = workRequest.resources[0];
        return { statuses, id: r?.identifier ?? '', operationType: String(workRequest.operationType), actionType: String(r?.actionType) };
      }
    }
    throw new Error(`work request ${workRequestId} never succeeded: ${statuses.join(', ')}`);
  }

  it('creates a log group and a log through 202 + work requests that go ACCEPTED → SUCCEEDED', async () => {
    const created = await c.mgmt.createLogGroup({ createLogGroupDetails: { compartmentId: emu.tenancy, displayName: 'sdk-group', description: 'from the SDK' } });
    expect(created.opcWorkRequestId).to.match(/^ocid1\.logworkrequest\.oc1\.iad\.[a-z2-7]{60}$/);
    const wr = await finished(created.opcWorkRequestId);
    expect(wr).to.deep.include({ statuses: ['ACCEPTED', 'SUCCEEDED'], operationType: 'CREATE_LOG_GROUP', actionType: 'CREATED' });
    groupId = wr.id;
    expect(groupId).to.match(/^ocid1\.loggroup\.oc1\.iad\.[a-z2-7]{60}$/);

    const logWr = await c.mgmt.createLog({
      logGroupId: groupId,
      createLogDetails: { displayName: 'sdk-log', logType: c.logging.models.CreateLogDetails.LogType.Custom, retentionDuration: 60 },
    });
    const log = await finished(logWr.opcWorkRequestId);
    expect(log).to.deep.include({ operationType: 'CREATE_LOG', actionType: 'CREATED' });
    logId = log.id;
    expect(logId).to.match(/^ocid1\.log\.oc1\.iad\./);
  });

  it('gets them back in the shapes the SDK models describe', async () => {
    const { logGroup } = await c.mgmt.getLogGroup({ logGroupId: groupId });
    expect(logGroup).to.include({ id: groupId, compartmentId: emu.tenancy, displayName: 'sdk-group', description: 'from the SDK', lifecycleState: 'ACTIVE' });
    expect(String(logGroup.timeCreated)).to.match(/^\d{4}-\d\d-\d\dT/);
    const { log } = await c.mgmt.getLog({ logGroupId: groupId, logId });
    expect(log).to.include({ id: logId, logGroupId: groupId, displayName: 'sdk-log', logType: 'CUSTOM', isEnabled: true, retentionDuration: 60, lifecycleState: 'ACTIVE', compartmentId: emu.tenancy, tenancyId: emu.tenancy });
    expect(log.configuration).to.equal(undefined);
  });

  it('refuses duplicates with 409 naming the existing OCID, and bad retention with 400', async () => {
    const dupGroup = await failure(c.mgmt.createLogGroup({ createLogGroupDetails: { compartmentId: emu.tenancy, displayName: 'sdk-group' } }));
    expect(dupGroup?.statusCode).to.equal(409);
    expect(dupGroup?.message).to.contain(groupId);
    const dupLog = await failure(c.mgmt.createLog({ logGroupId: groupId, createLogDetails: { displayName: 'sdk-log', logType: c.logging.models.CreateLogDetails.LogType.Custom } }));
    expect(dupLog?.statusCode).to.equal(409);
    expect(dupLog?.message).to.contain(logId);
    const badRetention = await failure(c.mgmt.createLog({ logGroupId: groupId, createLogDetails: { displayName: 'other', logType: c.logging.models.CreateLogDetails.LogType.Custom, retentionDuration: 45 } }));
    expect(badRetention?.statusCode).to.equal(400);
    expect(badRetention?.serviceCode).to.equal('InvalidParameter');
    expect(badRetention?.message).to.match(/retentionDuration/);
    const unknown = await failure(c.mgmt.getLogGroup({ logGroupId: 'ocid1.loggroup.oc1.iad.amaaaaaanotthere' }));
    expect(unknown?.statusCode).to.equal(404);
    expect(unknown?.serviceCode).to.equal('NotAuthorizedOrNotFound');
  });

  it('lists with a displayName filter, and pages with limit=1 and opc-next-page', async () => {
    await finished((await c.mgmt.createLogGroup({ createLogGroupDetails: { compartmentId: emu.tenancy, displayName: 'sdk-group-2' } })).opcWorkRequestId);
    const page1 = await c.mgmt.listLogGroups({ compartmentId: emu.tenancy, limit: 1 });
    expect(page1.items.map((g) => g.displayName)).to.deep.equal(['sdk-group']);
    expect(page1.opcNextPage).to.be.a('string');
    const page2 = await c.mgmt.listLogGroups({ compartmentId: emu.tenancy, limit: 1, page: page1.opcNextPage });
    expect(page2.items.map((g) => g.displayName)).to.deep.equal(['sdk-group-2']);
    expect(page2.opcNextPage).to.equal(undefined);
    const byName = await c.mgmt.listLogGroups({ compartmentId: emu.tenancy, displayName: 'sdk-group', isCompartmentIdInSubtree: true });
    expect(byName.items.map((g) => g.id)).to.deep.equal([groupId]);

    await finished((await c.mgmt.createLog({ logGroupId: groupId, createLogDetails: { displayName: 'sdk-log-2', logType: c.logging.models.CreateLogDetails.LogType.Custom } })).opcWorkRequestId);
    const logs1 = await c.mgmt.listLogs({ logGroupId: groupId, limit: 1 });
    expect(logs1.items.map((l) => l.displayName)).to.deep.equal(['sdk-log']);
    const logs2 = await c.mgmt.listLogs({ logGroupId: groupId, limit: 1, page: logs1.opcNextPage });
    expect(logs2.items.map((l) => l.displayName)).to.deep.equal(['sdk-log-2']);
    expect(logs2.opcNextPage).to.equal(undefined);
    expect((await c.mgmt.listLogs({ logGroupId: groupId, displayName: 'sdk-log' })).items.map((l) => l.id)).to.deep.equal([logId]);
  });

  const entries = Array.from({ length: 150 }, (_, i) => ({
    data: i % 2 ? `plain line ${i}` : JSON.stringify({ n: i, msg: 'json line' }),
    id: `id-${String(i).padStart(4, '0')}`,
    time: now,
  }));

  it('takes PutLogs from the ingestion client', async () => {
    const put = await c.ingest.putLogs({ logId, putLogsDetails: { specversion: '1.0', logEntryBatches: [{ entries, source: 'sdk-test', type: 'test', subject: 'subj', defaultlogentrytime: now }] } });
    expect(put.opcRequestId).to.be.a('string');
    expect((await emu.entries(logId)).map((e) => e.id)).to.deep.equal(entries.map((e) => e.id));
  });

  it('searches entries back: JSON objects as objects, plain text as {message}, paged past the limit', async () => {
    const searchQuery = `search "${emu.tenancy}/sdk-group/sdk-log" | sort by datetime asc`;
    const first = await c.searcher.searchLogs({ searchLogsDetails: { timeStart, timeEnd, searchQuery }, limit: 100 });
    expect(first.searchResponse.results).to.have.length(100);
    expect(first.searchResponse.summary.resultCount).to.equal(100);
    expect(first.opcNextPage).to.be.a('string');
    const second = await c.searcher.searchLogs({ searchLogsDetails: { timeStart, timeEnd, searchQuery }, limit: 100, page: first.opcNextPage });
    expect(second.searchResponse.results).to.have.length(50);
    expect(second.opcNextPage).to.equal(undefined);
    const results = [...(first.searchResponse.results ?? []), ...(second.searchResponse.results ?? [])];
    const all = results.map((r) => r.data.logContent);
    expect(all.map((x) => x.id)).to.deep.equal(entries.map((e) => e.id));
    expect(all[0].data).to.deep.equal({ n: 0, msg: 'json line' });
    expect(all[1].data).to.deep.equal({ message: 'plain line 1' });
    expect(all[1]).to.include({ source: 'sdk-test', type: 'test', subject: 'subj', specversion: '1.0', time: now.toISOString() });
    expect(all[1].oracle).to.include({ logid: logId, loggroupid: groupId, compartmentid: emu.tenancy, tenantid: emu.tenancy });
    expect(results[0]?.data.datetime).to.equal(now.getTime());
  });

  it('filters with where, sorts descending, limits, and names fields on request', async () => {
    const scope = `search "${emu.tenancy}/${groupId}/${logId}"`;
    const grep = await c.searcher.searchLogs({ searchLogsDetails: { timeStart, timeEnd, searchQuery: `${scope} | where logContent = '*LINE 14*'` } });
    expect(grep.searchResponse.results?.map((r) => r.data.logContent.id)).to.deep.equal(['id-0141', 'id-0143', 'id-0145', 'id-0147', 'id-0149']);
    const numeric = await c.searcher.searchLogs({
      searchLogsDetails: { timeStart, timeEnd, searchQuery: `${scope} | where data.n >= 140 and data.msg = 'json line' | top 3 by datetime`, isReturnFieldInfo: true },
    });
    expect(numeric.searchResponse.results?.map((r) => r.data.logContent.id)).to.deep.equal(['id-0148', 'id-0146', 'id-0144']);
    expect(numeric.searchResponse.fields?.map((f) => f.fieldName)).to.include.members(['data.n', 'data.msg', 'id']);
  });

  it('refuses a search over more than 14 days, a bad query and a limit over 1000 with 400', async () => {
    const searchQuery = `search "${emu.tenancy}"`;
    const tooLong = await failure(c.searcher.searchLogs({ searchLogsDetails: { timeStart: new Date(now.getTime() - 15 * 86_400_000), timeEnd: now, searchQuery } }));
    expect(tooLong?.statusCode).to.equal(400);
    expect(tooLong?.message).to.match(/14 days/);
    const bad = await failure(c.searcher.searchLogs({ searchLogsDetails: { timeStart, timeEnd, searchQuery: `${searchQuery} | where` } }));
    expect(bad?.statusCode).to.equal(400);
    expect(bad?.serviceCode).to.equal('InvalidParameter');
    expect(bad?.message).to.match(/searchQuery/);
    const big = await failure(c.searcher.searchLogs({ searchLogsDetails: { timeStart, timeEnd, searchQuery }, limit: 1001 }));
    expect(big?.statusCode).to.equal(400);
    expect(big?.message).to.match(/limit/);
  });

  it('deletes: a group that still has logs is 409, then logs and group go', async () => {
    const busy = await failure(c.mgmt.deleteLogGroup({ logGroupId: groupId }));
    expect(busy?.statusCode).to.equal(409);
    for (const l of (await c.mgmt.listLogs({ logGroupId: groupId })).items) {
      const del = await c.mgmt.deleteLog({ logGroupId: groupId, logId: l.id });
      expect((await finished(del.opcWorkRequestId)).operationType).to.equal('DELETE_LOG');
    }
    const del = await c.mgmt.deleteLogGroup({ logGroupId: groupId });
    // DELETING until its work request finishes, then gone
    expect((await c.mgmt.getLogGroup({ logGroupId: groupId })).logGroup.lifecycleState).to.equal('DELETING');
    expect((await finished(del.opcWorkRequestId)).statuses.at(-1)).to.equal('SUCCEEDED');
    expect((await failure(c.mgmt.getLogGroup({ logGroupId: groupId })))?.statusCode).to.equal(404);
    const push = await failure(c.ingest.putLogs({ logId, putLogsDetails: { specversion: '1.0', logEntryBatches: [{ entries: [entries[0]!], source: 's', type: 't', defaultlogentrytime: now }] } }));
    expect(push?.statusCode).to.equal(404);
    expect(push?.message).to.contain(`${logId} logId not found`);
  });
});
