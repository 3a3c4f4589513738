import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { ServiceError } from '../../../src/errors.js';
import { callService, describeNetworkError } from '../../../src/oci/call-service.js';
import { resolveCredentials } from '../../../src/oci/credentials.js';
import { sdkClients } from '../../../src/oci/sdk-clients.js';
import { makeTestIdentity } from '../../helpers/identity.js';

/** A port nothing listens on: taken, then let go. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('network errors of management and query calls', () => {
  it('name the host and the error code, as PutLogs errors do, not just "fetch failed"', async () => {
    const port = await closedPort();
    const id = makeTestIdentity();
    const settings = { configFile: id.configFile, profile: 'DEFAULT', auth: 'api_key' as const, region: undefined, endpoint: new URL(`http://127.0.0.1:${port}`), home: undefined };
    const clients = sdkClients(settings, await resolveCredentials(settings));
    try {
      const management = await clients.management();
      const search = await clients.search();
      const calls: Array<[string, () => Promise<unknown>]> = [
        ['listing log groups in T', () => management.listLogGroups({ compartmentId: id.tenancy })],
        ['searching logs', () => search.searchLogs({ searchLogsDetails: { timeStart: new Date(0), timeEnd: new Date(1000), searchQuery: 'search "x"' } })],
      ];
      for (const [what, call] of calls) {
        const err = (await callService(what, call, { retries: 0 }).catch((e: unknown) => e)) as ServiceError;
        expect(err).to.be.instanceOf(ServiceError);
        expect(err.message).to.equal(`${what} failed: http://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`);
        expect(err.exitCode).to.equal(4);
      }
    } finally {
      clients.close();
    }
  });

  it('reads the code from fetch\'s error or its cause', () => {
    expect(describeNetworkError(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND logging.xx-new-1.oci.oraclecloud.com' } }), 'https://logging.xx-new-1.oci.oraclecloud.com/20200531/logGroups')).to.equal(
      'https://logging.xx-new-1.oci.oraclecloud.com: getaddrinfo ENOTFOUND logging.xx-new-1.oci.oraclecloud.com',
    );
    expect(describeNetworkError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'https://h/x')).to.equal('https://h: ECONNRESET socket hang up');
    expect(describeNetworkError('weird', 'not a url')).to.equal('not a url: weird');
  });
});
