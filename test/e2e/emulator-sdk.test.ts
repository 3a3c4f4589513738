import { expect } from 'chai';
import { startEmulator } from '../helpers/emulator.js';
import type { TestEmulator } from '../helpers/emulator.js';

/** The real OCI SDK clients, pointed at the emulator, do the whole round trip. */
describe('emulator served to the real OCI SDK', function () {
  let emu: TestEmulator;
  before(async () => {
    emu = await startEmulator();
  });
  after(async () => emu.stop());

  async function clients() {
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

  it('creates, lists, pushes, searches, paginates and deletes', async () => {
    const { mgmt, ingest, searcher, logging } = await clients();
    const created = await mgmt.createLogGroup({ createLogGroupDetails: { compartmentId: emu.tenancy, displayName: 'sdk-group', description: 'from the SDK' } });
    expect(created.opcWorkRequestId).to.match(/^ocid1\.logworkrequest\./);
    const wr = await mgmt.getWorkRequest({ workRequestId: created.opcWorkRequestId });
    expect(wr.workRequest.status).to.equal('SUCCEEDED');
    const groupId = wr.workRequest.resources[0]?.identifier ?? '';
    expect(groupId).to.match(/^ocid1\.loggroup\.oc1\./);

    const logWr = await mgmt.createLog({ logGroupId: groupId, createLogDetails: { displayName: 'sdk-log', logType: logging.models.CreateLogDetails.LogType.Custom, retentionDuration: 60 } });
    const logId = (await mgmt.getWorkRequest({ workRequestId: logWr.opcWorkRequestId })).workRequest.resources[0]?.identifier ?? '';
    expect((await mgmt.getLog({ logGroupId: groupId, logId })).log).to.include({ displayName: 'sdk-log', retentionDuration: 60, lifecycleState: 'ACTIVE' });

    await mgmt.createLogGroup({ createLogGroupDetails: { compartmentId: emu.tenancy, displayName: 'sdk-group-2' } });
    const page1 = await mgmt.listLogGroups({ compartmentId: emu.tenancy, limit: 1 });
    expect(page1.items).to.have.length(1);
    expect(page1.opcNextPage).to.be.a('string');
    const page2 = await mgmt.listLogGroups({ compartmentId: emu.tenancy, limit: 1, page: page1.opcNextPage });
    expect(page2.items.map((g) => g.displayName)).to.deep.equal(['sdk-group-2']);
    const byName = await mgmt.listLogGroups({ compartmentId: emu.tenancy, displayName: 'sdk-group', isCompartmentIdInSubtree: true });
    expect(byName.items.map((g) => g.id)).to.deep.equal([groupId]);
    expect((await mgmt.listLogs({ logGroupId: groupId, displayName: 'sdk-log' })).items.map((l) => l.id)).to.deep.equal([logId]);

    const now = new Date();
    const entries = Array.from({ length: 150 }, (_, i) => ({ data: i % 2 ? `plain line ${i}` : JSON.stringify({ n: i, msg: 'json line' }), id: `id-${String(i).padStart(4, '0')}`, time: now }));
    const put = await ingest.putLogs({ logId, putLogsDetails: { specversion: '1.0', logEntryBatches: [{ entries, source: 'sdk-test', type: 'test', subject: 'subj', defaultlogentrytime: now }] } });
    expect(put.opcRequestId).to.be.a('string');

    const timeStart = new Date(now.getTime() - 60_000);
    const timeEnd = new Date(now.getTime() + 60_000);
    const searchQuery = `search "${emu.tenancy}/sdk-group/sdk-log" | sort by datetime asc`;
    const first = await searcher.searchLogs({ searchLogsDetails: { timeStart, timeEnd, searchQuery }, limit: 100 });
    expect(first.searchResponse.results).to.have.length(100);
    expect(first.opcNextPage).to.be.a('string');
    const second = await searcher.searchLogs({ searchLogsDetails: { timeStart, timeEnd, searchQuery }, limit: 100, page: first.opcNextPage });
    expect(second.searchResponse.results).to.have.length(50);
    expect(second.opcNextPage).to.equal(undefined);
    const all = [...(first.searchResponse.results ?? []), ...(second.searchResponse.results ?? [])].map((r) => r.data.logContent);
    expect(all.map((c) => c.id)).to.deep.equal(entries.map((e) => e.id));
    expect(all[0].data).to.deep.equal({ n: 0, msg: 'json line' });
    expect(all[1].data).to.deep.equal({ message: 'plain line 1' });
    expect(all[1].oracle.logid).to.equal(logId);

    const grep = await searcher.searchLogs({ searchLogsDetails: { timeStart, timeEnd, searchQuery: `search "${emu.tenancy}/${groupId}/${logId}" | where logContent = '*line 14*'` } });
    expect(grep.searchResponse.results?.map((r) => r.data.logContent.id)).to.deep.equal(['id-0141', 'id-0143', 'id-0145', 'id-0147', 'id-0149']);

    const tooLong = await searcher
      .searchLogs({ searchLogsDetails: { timeStart: new Date(now.getTime() - 15 * 86_400_000), timeEnd: now, searchQuery } })
      .then(() => undefined, (e: { statusCode?: number; message?: string }) => e);
    expect(tooLong?.statusCode).to.equal(400);
    expect(tooLong?.message).to.match(/14 days/);

    const dup = await mgmt.createLogGroup({ createLogGroupDetails: { compartmentId: emu.tenancy, displayName: 'sdk-group' } }).then(() => undefined, (e: { statusCode?: number; message?: string }) => e);
    expect(dup?.statusCode).to.equal(409);
    expect(dup?.message).to.contain(groupId);

    const busy = await mgmt.deleteLogGroup({ logGroupId: groupId }).then(() => undefined, (e: { statusCode?: number }) => e);
    expect(busy?.statusCode).to.equal(409);
    await mgmt.deleteLog({ logGroupId: groupId, logId });
    await mgmt.deleteLogGroup({ logGroupId: groupId });
    const gone = await mgmt.getLogGroup({ logGroupId: groupId }).then(() => undefined, (e: { statusCode?: number }) => e);
    expect(gone?.statusCode).to.equal(404);
    for (const c of [mgmt, ingest, searcher]) c.close();
  });
});
