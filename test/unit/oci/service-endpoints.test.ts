import { expect } from 'chai';
import { ConfigError } from '../../../src/errors.js';
import { resolveRegion, serviceEndpoint } from '../../../src/oci/service-endpoints.js';
import type { ConnectionSettings, Credentials } from '../../../src/oci/connection-settings.js';

const settings = (region?: string): ConnectionSettings => ({ configFile: undefined, profile: 'DEFAULT', auth: 'api_key', region, endpoint: undefined, home: undefined });
const credentials = (region: string | undefined): Credentials => ({
  region,
  tenancy: undefined,
  source: '/home/u/.oci/config [DEFAULT]',
  getSigningKey: () => Promise.reject(new Error('unused')),
  sdkProvider: () => Promise.reject(new Error('unused')),
});

describe('regions', () => {
  it('reads identifiers and the SDK short codes, in any case, with their realm', async () => {
    expect(await resolveRegion('us-ashburn-1', '--region', {})).to.deep.equal({ regionId: 'us-ashburn-1', realmDomain: 'oraclecloud.com', known: true });
    expect(await resolveRegion('iad', '--region', {})).to.deep.equal({ regionId: 'us-ashburn-1', realmDomain: 'oraclecloud.com', known: true });
    expect((await resolveRegion(' NRT ', '--region', {})).regionId).to.equal('ap-tokyo-1');
    expect((await resolveRegion('us-langley-1', '--region', {})).realmDomain).to.equal('oraclegovcloud.com');
  });

  it('falls back for a well-formed identifier the SDK does not know: OCI_DEFAULT_REALM, else OC1', async () => {
    expect(await resolveRegion('xx-new-1', '--region', {})).to.deep.equal({ regionId: 'xx-new-1', realmDomain: 'oraclecloud.com', known: false });
    expect((await resolveRegion('xx-new-1', '--region', { OCI_DEFAULT_REALM: 'example-cloud.com' })).realmDomain).to.equal('example-cloud.com');
    const bad = await resolveRegion('xx-new-1', '--region', { OCI_DEFAULT_REALM: 'not a domain' }).catch((e: unknown) => e);
    expect(bad).to.be.instanceOf(ConfigError).with.property('message').that.contains('OCI_DEFAULT_REALM=not a domain');
  });

  it('refuses anything unusable with a ConfigError (exit 2) naming the region and where it came from', async () => {
    const cases: Array<[string, RegExp]> = [
      ['bogus', /^region 'bogus' \(from OCI_CLI_REGION\) is not a region identifier; give a region identifier such as us-ashburn-1, or a short code such as iad$/],
      ['us-ashburn1', /^region 'us-ashburn1' \(from OCI_CLI_REGION\) is not a region identifier; did you mean us-ashburn-1\?$/],
      ['xyz', /^region 'xyz' \(from OCI_CLI_REGION\) is not a region short code the OCI SDK knows/],
      ['https://x', /^region 'https:\/\/x'/],
      ['', /^region ''/],
    ];
    for (const [region, message] of cases) {
      const err = await resolveRegion(region, 'OCI_CLI_REGION', {}).catch((e: unknown) => e);
      expect(err, region).to.be.instanceOf(ConfigError);
      expect((err as ConfigError).exitCode).to.equal(2);
      expect((err as Error).message, region).to.match(message);
    }
  });

  it('builds service hosts from the resolved region, and names the config file for a bad region from it', async () => {
    expect(await serviceEndpoint('ingestion', settings(), credentials('iad'))).to.equal('https://ingestion.logging.us-ashburn-1.oci.oraclecloud.com');
    expect(await serviceEndpoint('search', settings(), credentials('us-langley-1'))).to.equal('https://logging.us-langley-1.oci.oraclegovcloud.com');
    const err = await serviceEndpoint('management', settings(), credentials('us-ashburn1')).catch((e: unknown) => e);
    expect((err as Error).message).to.contain("region 'us-ashburn1' (from /home/u/.oci/config [DEFAULT])");
    const flag = await serviceEndpoint('management', settings('bogus'), credentials('bogus')).catch((e: unknown) => e);
    expect((flag as Error).message).to.contain('(from --region or OCI_CLI_REGION)');
    const none = await serviceEndpoint('management', settings(), credentials(undefined)).catch((e: unknown) => e);
    expect((none as Error).message).to.match(/^no region/);
  });
});
