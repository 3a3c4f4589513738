import { generateKeyPairSync } from 'node:crypto';
import { expect } from 'chai';
import { TokenIssuer } from '../../../src/emulator/auth/tokens.js';
import { tokenClaims } from '../../../src/oci/token-claims.js';

const { privateKey: issuerKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const { publicKey: sessionKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

describe('emulator tokens', () => {
  it('issues a JWT naming its session key, which verifies until it expires', () => {
    let now = Date.parse('2025-01-01T00:00:00Z');
    const issuer = new TokenIssuer(issuerKey, () => now);
    const token = issuer.issue({ sub: 'ocid1.user.oc1..u', tenant: 'ocid1.tenancy.oc1..t' }, sessionKey, 3_600_000);
    const claims = tokenClaims(token);
    expect(claims).to.include({ iss: 'authService.oracle.com', sub: 'ocid1.user.oc1..u', tenant: 'ocid1.tenancy.oc1..t' });
    const check = issuer.verify(token);
    expect(check.ok).to.equal(true);
    expect(check.ok && check.sessionKey.export({ format: 'jwk' }).n).to.equal(sessionKey.export({ format: 'jwk' }).n);
    now += 3_600_000;
    expect(issuer.verify(token)).to.deep.equal({ ok: false, reason: 'the session token has expired' });
  });

  it('refuses a token another key signed, a changed one, and a revoked one', () => {
    const issuer = new TokenIssuer(issuerKey, Date.now);
    const other = new TokenIssuer(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, Date.now);
    const foreign = other.issue({}, sessionKey, 60_000);
    expect(issuer.verify(foreign)).to.deep.equal({ ok: false, reason: 'the session token was not issued by this emulator' });
    const token = issuer.issue({ tenant: 'a' }, sessionKey, 60_000);
    const [head, , sig] = token.split('.');
    const forged = `${head}.${Buffer.from(JSON.stringify({ ...tokenClaims(token), tenant: 'b' })).toString('base64url')}.${sig}`;
    expect(issuer.verify(forged).ok).to.equal(false);
    expect(issuer.verify('not-a-jwt')).to.deep.equal({ ok: false, reason: 'the session token is not a JWT' });
    issuer.revoke(token);
    expect(issuer.verify(token)).to.deep.equal({ ok: false, reason: 'the session token was replaced by a newer one (refreshed)' });
  });
});
