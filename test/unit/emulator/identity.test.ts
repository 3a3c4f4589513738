import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { IdentityError, fingerprintOf, normalizeKeyId, resolveIdentity } from '../../../src/emulator/identity.js';
import { makeTestIdentity } from '../../helpers/identity.js';
import { tempDir } from '../../helpers/temp-dir.js';

describe('emulator identity', () => {
  it('makes a throwaway identity: 0600 key, config with profile EMULATOR, matching fingerprint', () => {
    const stateDir = join(tempDir(), 'state');
    const id = resolveIdentity({ stateDir, newIdentity: true, home: tempDir() });
    expect(id).to.include({ throwaway: true, profile: 'EMULATOR', configFile: join(stateDir, 'config'), region: 'us-ashburn-1' });
    expect(id.tenancy).to.match(/^ocid1\.tenancy\.oc1\.\.[a-z2-7]{60}$/);
    expect(id.keyId).to.equal(`${id.tenancy}/${id.user}/${id.fingerprint}`);
    const config = readFileSync(id.configFile, 'utf8');
    expect(config).to.match(/^\[EMULATOR\]$/m).and.to.contain(`fingerprint=${id.fingerprint}`).and.to.contain(`tenancy=${id.tenancy}`);
    const keyFile = /^key_file=(.*)$/m.exec(config)?.[1] ?? '';
    expect(statSync(keyFile).mode & 0o777).to.equal(0o600);
    expect(fingerprintOf(createPrivateKey(readFileSync(keyFile, 'utf8')))).to.equal(id.fingerprint);
    expect(id.fingerprint).to.match(/^[0-9a-f]{2}(:[0-9a-f]{2}){15}$/);
  });

  it('reuses the throwaway identity of the state dir, unless told to make a new one', () => {
    const stateDir = tempDir();
    const home = tempDir();
    const first = resolveIdentity({ stateDir, home });
    expect(resolveIdentity({ stateDir, home }).keyId).to.equal(first.keyId);
    expect(resolveIdentity({ stateDir, home, newIdentity: true }).keyId).to.not.equal(first.keyId);
  });

  it('trusts a usable API-key profile, and compares its fingerprint without case', () => {
    const t = makeTestIdentity();
    writeFileSync(t.configFile, readFileSync(t.configFile, 'utf8').replace(t.fingerprint, t.fingerprint.toUpperCase()));
    const id = resolveIdentity({ stateDir: tempDir(), configFile: t.configFile, profile: 'DEFAULT', explicit: true, home: tempDir() });
    expect(id).to.include({ throwaway: false, tenancy: t.tenancy, user: t.user, configFile: t.configFile, profile: 'DEFAULT' });
    expect(normalizeKeyId(`${t.tenancy}/${t.user}/${t.fingerprint.toUpperCase()}`)).to.equal(id.keyId);
    const publicPem = (k: { export(o: { type: 'spki'; format: 'pem' }): string | Buffer }) => k.export({ type: 'spki', format: 'pem' }).toString();
    expect(publicPem(id.publicKey)).to.equal(publicPem(createPublicKey(readFileSync(t.keyFile, 'utf8'))));
  });

  it('uses ~/.oci/config when nothing is named and it works', () => {
    const t = makeTestIdentity();
    const home = tempDir();
    mkdirSync(join(home, '.oci'));
    copyFileSync(t.configFile, join(home, '.oci', 'config'));
    const id = resolveIdentity({ stateDir: tempDir(), home });
    expect(id).to.include({ throwaway: false, tenancy: t.tenancy, configFile: join(home, '.oci', 'config'), profile: 'DEFAULT' });
  });

  it('a named profile that cannot be trusted is an error naming why', () => {
    const t = makeTestIdentity();
    const opts = { stateDir: tempDir(), explicit: true, home: tempDir() };
    expect(() => resolveIdentity({ ...opts, configFile: join(t.dir, 'missing') })).to.throw(IdentityError, /does not exist/);
    expect(() => resolveIdentity({ ...opts, configFile: t.configFile, profile: 'NOPE' })).to.throw(IdentityError, /no profile \[NOPE\]/);
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    writeFileSync(t.keyFile, other.export({ type: 'pkcs8', format: 'pem' }));
    expect(() => resolveIdentity({ ...opts, configFile: t.configFile, profile: 'DEFAULT' })).to.throw(IdentityError, /fingerprint/);
  });

  it('a profile only found by default falls back to a throwaway identity and says why', () => {
    const t = makeTestIdentity();
    writeFileSync(t.configFile, readFileSync(t.configFile, 'utf8').replace(/^user=.*$/m, ''));
    const stateDir = tempDir();
    const id = resolveIdentity({ stateDir, configFile: t.configFile, profile: 'DEFAULT', home: tempDir() });
    expect(id.throwaway).to.equal(true);
    expect(id.notTrusted).to.match(/has no user/);
    expect(existsSync(join(stateDir, 'config'))).to.equal(true);
  });
});
