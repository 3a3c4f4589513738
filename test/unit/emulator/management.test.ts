import { expect } from 'chai';
import { WORK_REQUEST_RETENTION_MS, managementApi } from '../../../src/emulator/api/management.js';
import type { ApiRequest } from '../../../src/emulator/api/api-request.js';
import { HttpError } from '../../../src/emulator/http-error.js';
import { Store } from '../../../src/emulator/store.js';

const tenancy = 'ocid1.tenancy.oc1..aaaaaaaatest';
const MGMT = 'http://emulator.invalid/20200531';

function request(params: string[], body?: unknown, headers: Record<string, string> = {}): ApiRequest {
  return { params, url: new URL(`${MGMT}/x`), headers, body: Buffer.from(body === undefined ? '' : JSON.stringify(body)) };
}

/** The management API over a fresh store, on a clock the test moves. */
function setUp(maxWorkRequests?: number) {
  const store = new Store({ tenancy, maxEntriesPerLog: 10, discardEntries: false });
  const clock = { now: Date.parse('2026-12-01T00:00:00.000Z') };
  const api = managementApi({ store, now: () => clock.now, ...(maxWorkRequests === undefined ? {} : { maxWorkRequests }) });
  const call = (op: keyof typeof api, req: ApiRequest) => {
    const handler = api[op];
    if (!handler) throw new Error(`no handler ${op}`);
    return handler(req);
  };
  const workRequestOf = (reply: { headers?: Record<string, string> }) => reply.headers?.['opc-work-request-id'] ?? '';
  const read = (id: string) => {
    try {
      return call('getWorkRequest', request([id])).status;
    } catch (err) {
      if (err instanceof HttpError) return err.status;
      throw err;
    }
  };
  return { store, clock, call, workRequestOf, read };
}

describe('emulator management: work requests', () => {
  it('forgets a finished work request an hour after it finished', () => {
    const { clock, call, workRequestOf, read } = setUp();
    const wr = workRequestOf(call('createLogGroup', request([], { compartmentId: tenancy, displayName: 'g' })));
    expect(read(wr)).to.equal(200);
    expect(read(wr)).to.equal(200); // the second read finishes it
    clock.now += WORK_REQUEST_RETENTION_MS - 1;
    expect(read(wr)).to.equal(200);
    clock.now += 1;
    expect(read(wr)).to.equal(404);
  });

  it('keeps at most the cap of finished work requests, dropping the oldest', () => {
    const { store, clock, call, workRequestOf, read } = setUp(50);
    const group = workRequestOf(call('createLogGroup', request([], { compartmentId: tenancy, displayName: 'g' })));
    const groupId = [...store.logGroups.keys()][0] ?? '';
    const ids = [group];
    for (let i = 0; i < 200; i++) {
      clock.now += 2000; // each finishes by itself a second after it was accepted
      ids.push(workRequestOf(call('updateLogGroup', request([groupId], { description: `d${i}` }))));
    }
    clock.now += 2000;
    expect(read(ids.at(-1) ?? '')).to.equal(200);
    expect(store.workRequests.size).to.be.at.most(51);
    expect(read(ids[0] ?? '')).to.equal(404);
  });

  it('keeps the work request a live opc-retry-token answers with, past the hour', () => {
    const { clock, call, workRequestOf, read } = setUp();
    const create = () => call('createLogGroup', request([], { compartmentId: tenancy, displayName: 'g' }, { 'opc-retry-token': 'tok-1' }));
    const wr = workRequestOf(create());
    clock.now += 2 * WORK_REQUEST_RETENTION_MS;
    expect(workRequestOf(create())).to.equal(wr);
    expect(read(wr)).to.equal(200);
  });
});
