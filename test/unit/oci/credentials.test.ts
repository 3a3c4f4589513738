import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { resolveCredentials } from '../../../src/oci/credentials.js';
import { parseConfigFile } from '../../../src/oci/config-file.js';
import { serviceEndpoint } from '../../../src/oci/service-endpoints.js';
import { readConnectionSettings } from '../../../src/cli/options/connection-options.js';
import type { ConnectionSettings } from '../../../src/oci/connection-settings.js';
import { ConfigError, UsageError } from '../../../src/errors.js';
import { makeTestIdentity } from '../../helpers/identity.js';

function settings(over: Partial<ConnectionSettings>): ConnectionSettings {
  return { configFile: undefined, profile: 'DEFAULT', auth: 'api_key', region: undefined, endpoint: undefined, home: '/nonexistent', ...over };
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

describe('config file and credentials', () => {
  it('parses profiles, comments and DEFAULT inheritance', async () => {
    const sections = parseConfigFile('# c\n[DEFAULT]\nregion = eu-frankfurt-1\n\n[OTHER]\nuser=u\n', 'f');
    expect(sections.get('DEFAULT')).to.deep.equal({ region: 'eu-frankfurt-1' });
    expect(sections.get('OTHER')).to.deep.equal({ user: 'u' });
  });

  it('names the file and line of a malformed line', () => {
    expect(() => parseConfigFile('[DEFAULT]\njunk line\n', '/x/config')).to.throw(ConfigError, '/x/config:2');
  });

  it('resolves an api_key profile into a keyId tenancy/user/fingerprint', async () => {
    const id = makeTestIdentity();
    const creds = await resolveCredentials(settings({ configFile: id.configFile }));
    const key = await creds.getSigningKey();
    expect(key.keyId).to.equal(`${id.tenancy}/${id.user}/${id.fingerprint}`);
    expect(creds.region).to.equal('us-ashburn-1');
    expect(creds.tenancy).to.equal(id.tenancy);
  });

  it('a missing config file is a ConfigError naming the file', async () => {
    const err = await rejection(resolveCredentials(settings({ configFile: '/no/such/config' })));
    expect(err).to.be.instanceOf(ConfigError);
    expect(err.message).to.include('/no/such/config').and.include('not found');
  });

  it('a missing profile names the profile and lists the ones there', async () => {
    const id = makeTestIdentity();
    const err = await rejection(resolveCredentials(settings({ configFile: id.configFile, profile: 'PROD' })));
    expect(err.message).to.include('[PROD]').and.include('DEFAULT');
  });

  it('a missing key names the file, profile and key', async () => {
    const id = makeTestIdentity();
    writeFileSync(id.configFile, `[DEFAULT]\nuser=u\ntenancy=t\nkey_file=${id.keyFile}\n`);
    const err = await rejection(resolveCredentials(settings({ configFile: id.configFile })));
    expect(err.message).to.include(id.configFile).and.include("'fingerprint'");
  });

  it('a missing key file names it', async () => {
    const id = makeTestIdentity();
    writeFileSync(id.configFile, `[DEFAULT]\nuser=u\ntenancy=t\nfingerprint=${id.fingerprint}\nkey_file=${join(id.dir, 'gone.pem')}\n`);
    const err = await rejection(resolveCredentials(settings({ configFile: id.configFile })));
    expect(err.message).to.include('gone.pem').and.include('not found');
  });

  it('a malformed fingerprint line is refused', async () => {
    const id = makeTestIdentity();
    writeFileSync(id.configFile, `[DEFAULT]\nuser=u\ntenancy=t\nfingerprint=zz:11\nkey_file=${id.keyFile}\n`);
    const err = await rejection(resolveCredentials(settings({ configFile: id.configFile })));
    expect(err.message).to.include("fingerprint 'zz:11'");
  });

  it('a fingerprint of another key is refused with the real one named', async () => {
    const id = makeTestIdentity();
    const other = makeTestIdentity([], 'other');
    writeFileSync(id.configFile, `[DEFAULT]\nuser=u\ntenancy=t\nfingerprint=${other.fingerprint}\nkey_file=${id.keyFile}\n`);
    const err = await rejection(resolveCredentials(settings({ configFile: id.configFile })));
    expect(err.message).to.include('does not match').and.include(id.fingerprint);
  });

  it('a key file that is not a key is refused', async () => {
    const id = makeTestIdentity();
    writeFileSync(id.keyFile, 'not a key');
    const err = await rejection(resolveCredentials(settings({ configFile: id.configFile })));
    expect(err.message).to.include('not a usable PEM private key');
  });

  it('security_token profiles sign with ST$<token>', async () => {
    const id = makeTestIdentity();
    writeFileSync(join(id.dir, 'token'), 'abc.def.ghi\n');
    writeFileSync(id.configFile, `[DEFAULT]\nregion=us-phoenix-1\nsecurity_token_file=${join(id.dir, 'token')}\nkey_file=${id.keyFile}\n`);
    const creds = await resolveCredentials(settings({ configFile: id.configFile, auth: 'security_token' }));
    expect((await creds.getSigningKey()).keyId).to.equal('ST$abc.def.ghi');
  });

  it('computes region endpoints and honours --endpoint', async () => {
    const id = makeTestIdentity();
    const s = settings({ configFile: id.configFile });
    const creds = await resolveCredentials(s);
    expect(await serviceEndpoint('ingestion', s, creds)).to.equal('https://ingestion.logging.us-ashburn-1.oci.oraclecloud.com');
    expect(await serviceEndpoint('search', s, creds)).to.equal('https://logging.us-ashburn-1.oci.oraclecloud.com');
    const local = { ...s, endpoint: new URL('http://127.0.0.1:9999') };
    expect(await serviceEndpoint('management', local, creds)).to.equal('http://127.0.0.1:9999');
  });

  it('reads flags before OCI_CLI_* variables, and refuses plain http off loopback', () => {
    const env = { OCI_CLI_PROFILE: 'ENV', OCI_CLI_CONFIG_FILE: '/env/config', OCI_CLI_REGION: 'r1', OCI_LOG_ENDPOINT: 'http://localhost:1' };
    const fromEnv = readConnectionSettings({}, env);
    expect(fromEnv).to.include({ profile: 'ENV', configFile: '/env/config', region: 'r1', auth: 'api_key' });
    expect(fromEnv.endpoint?.origin).to.equal('http://localhost:1');
    expect(readConnectionSettings({ profile: 'FLAG' }, env).profile).to.equal('FLAG');
    expect(() => readConnectionSettings({ endpoint: 'http://example.com' }, {})).to.throw(UsageError, 'loopback');
    expect(() => readConnectionSettings({}, { OCI_CLI_AUTH: 'password' })).to.throw(UsageError, 'OCI_CLI_AUTH');
  });
});
