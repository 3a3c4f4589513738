import { join } from 'node:path';
import { expect } from 'chai';
import { IdentityError, resolveIdentity } from '../../../src/emulator/identity.js';
import { makeTestIdentity } from '../../helpers/identity.js';
import { tempDir } from '../../helpers/temp-dir.js';

describe('emulator identity', () => {
  it("trusts an existing API-key profile's key", () => {
    const id = makeTestIdentity();
    const trusted = resolveIdentity({ stateDir: tempDir(), configFile: id.configFile, profile: 'DEFAULT', explicit: true });
    expect(trusted).to.include({ throwaway: false, tenancy: id.tenancy, keyId: `${id.tenancy}/${id.user}/${id.fingerprint}`, configFile: id.configFile });
  });

  it('makes a throwaway identity when there is no config, and reuses it on the next start', () => {
    const home = tempDir();
    const stateDir = join(tempDir(), 'state');
    const first = resolveIdentity({ stateDir, home });
    expect(first).to.include({ throwaway: true, profile: 'EMULATOR', configFile: join(stateDir, 'config') });
    expect(first.tenancy).to.match(/^ocid1\.tenancy\.oc1\.\./);
    expect(resolveIdentity({ stateDir, home }).keyId).to.equal(first.keyId);
    expect(resolveIdentity({ stateDir, home, newIdentity: true }).keyId).to.not.equal(first.keyId);
  });

  it('refuses a profile the user named that cannot be trusted, saying why', () => {
    const id = makeTestIdentity();
    expect(() => resolveIdentity({ stateDir: tempDir(), configFile: id.configFile, profile: 'NOPE', explicit: true })).to.throw(IdentityError, /no profile \[NOPE\]/);
    expect(() => resolveIdentity({ stateDir: tempDir(), configFile: '/nonexistent/config', explicit: true })).to.throw(IdentityError, /does not exist/);
  });
});
