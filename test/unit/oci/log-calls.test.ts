import { expect } from 'chai';
import { ServiceError } from '../../../src/errors.js';
import { waitForWorkRequest } from '../../../src/oci/log-management.js';
import { searchLogs } from '../../../src/oci/log-search.js';
import type { SdkClients } from '../../../src/oci/sdk-clients.js';
import { instantClock } from '../../helpers/clock.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-25T12:00:00Z');

/** SdkClients whose clients are the given plain objects (only the methods a test needs). */
function fakeClients(management: object, search: object = {}): SdkClients {
  return { management: () => Promise.resolve(management), search: () => Promise.resolve(search), close: () => undefined } as unknown as SdkClients;
}

describe('waiting for a work request', () => {
  it('polls until SUCCEEDED and returns the created resource', async () => {
    const states = ['ACCEPTED', 'IN_PROGRESS', 'SUCCEEDED'];
    let polls = 0;
    const clients = fakeClients({
      getWorkRequest: () =>
        Promise.resolve({
          workRequest: { status: states[Math.min(polls++, 2)], resources: [{ actionType: 'RELATED', identifier: 'ocid1.compartment.x' }, { actionType: 'CREATED', identifier: 'ocid1.loggroup.new' }] },
        }),
    });
    const clock = instantClock();
    expect(await waitForWorkRequest(clients, 'ocid1.logworkrequest.w', 'creating log group web', { clock })).to.equal('ocid1.loggroup.new');
    expect(polls).to.equal(3);
    expect(clock.slept).to.deep.equal([200, 300]);
  });

  it('FAILED is an error quoting the work request id and its errors (the waiter alone would not say)', async () => {
    const clients = fakeClients({
      getWorkRequest: () => Promise.resolve({ workRequest: { status: 'FAILED', resources: [] } }),
      listWorkRequestErrors: () => Promise.resolve({ items: [{ code: 'LimitExceeded', message: 'too many log groups' }] }),
    });
    const err = (await waitForWorkRequest(clients, 'ocid1.logworkrequest.w', 'creating log group web').catch((e: unknown) => e)) as ServiceError;
    expect(err).to.be.instanceOf(ServiceError);
    expect(err.message).to.equal('creating log group web failed: work request ocid1.logworkrequest.w FAILED: LimitExceeded: too many log groups');
    expect(err.serviceCode).to.equal('FAILED');
    expect(err.exitCode).to.equal(4);
  });

  it('CANCELED fails too, even when its errors cannot be read', async () => {
    const clients = fakeClients({
      getWorkRequest: () => Promise.resolve({ workRequest: { status: 'CANCELED', resources: [] } }),
      listWorkRequestErrors: () => Promise.reject(Object.assign(new Error('nope'), { statusCode: 404 })),
    });
    const err = (await waitForWorkRequest(clients, 'ocid1.logworkrequest.w', 'creating log web').catch((e: unknown) => e)) as ServiceError;
    expect(err.message).to.equal('creating log web failed: work request ocid1.logworkrequest.w CANCELED');
  });
});

describe('searching: windows and pages', () => {
  /** A search client serving `total` results per window in pages of the asked limit; records each request. */
  function fakeSearch(total: number) {
    const asked: Array<{ start: string; end: string; limit: number; page: string | undefined }> = [];
    const client = {
      searchLogs: (req: { searchLogsDetails: { timeStart: Date; timeEnd: Date }; limit: number; page?: string }) => {
        asked.push({ start: req.searchLogsDetails.timeStart.toISOString(), end: req.searchLogsDetails.timeEnd.toISOString(), limit: req.limit, page: req.page });
        const from = Number(req.page ?? '0');
        const n = Math.min(req.limit, total - from);
        const results = Array.from({ length: n }, (_, i) => ({
          data: { datetime: req.searchLogsDetails.timeEnd.getTime() - 1 - from - i, logContent: { id: `e${from + i}`, data: { message: 'x' } } },
        }));
        return Promise.resolve({ searchResponse: { results }, opcNextPage: from + n < total ? String(from + n) : undefined });
      },
    };
    return { clients: fakeClients({}, client), asked };
  }

  it('asks for min(1000, still wanted) a page and follows opc-next-page until the limit', async () => {
    const { clients, asked } = fakeSearch(5000);
    const got = await searchLogs(clients, 'search "C"', NOW - 3600_000, NOW, { limit: 2500 });
    expect(got).to.have.length(2500);
    expect(asked.map((a) => [a.limit, a.page])).to.deep.equal([
      [1000, undefined],
      [1000, '1000'],
      [500, '2000'],
    ]);
  });

  it('reads a 20-day range as two windows, newest first, and stops once the limit is met', async () => {
    const { clients, asked } = fakeSearch(30);
    const all = await searchLogs(clients, 'q', NOW - 20 * DAY, NOW, { limit: 100 });
    expect(all).to.have.length(60);
    expect(asked.map((a) => [a.start, a.end])).to.deep.equal([
      [new Date(NOW - 14 * DAY).toISOString(), new Date(NOW).toISOString()],
      [new Date(NOW - 20 * DAY).toISOString(), new Date(NOW - 14 * DAY).toISOString()],
    ]);
    const few = fakeSearch(30);
    expect(await searchLogs(few.clients, 'q', NOW - 20 * DAY, NOW, { limit: 10 })).to.have.length(10);
    expect(few.asked, 'the older window is not read').to.have.length(1);
  });
});
