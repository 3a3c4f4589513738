import { createPublicKey, randomUUID, sign, verify } from 'node:crypto';
import type { JsonWebKey, KeyObject } from 'node:crypto';

/** The issuer real OCI tokens name. */
export const TOKEN_ISSUER = 'authService.oracle.com';

const b64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url');

/** A session public key as OCI tokens carry it: the `jwk` claim, a JSON string. */
export function jwkClaim(publicKey: KeyObject): string {
  const jwk = publicKey.export({ format: 'jwk' });
  return JSON.stringify({ kid: randomUUID(), n: jwk.n, e: jwk.e, kty: 'RSA', alg: 'RS256', use: 'sig' });
}

export type TokenCheck = { ok: true; claims: Record<string, unknown>; sessionKey: KeyObject } | { ok: false; reason: string };

/**
 * The emulator's token service: RS256 JWTs like the session tokens, RPSTs
 * and instance tokens OCI issues, each naming (in its `jwk` claim) the
 * session key that signs requests made with it (keyId `ST$<token>`).
 */
export class TokenIssuer {
  private readonly publicKey: KeyObject;
  private readonly revoked = new Set<string>();
  /** Verified tokens: checking the signature once per token, not once per request. */
  private readonly cache = new Map<string, { claims: Record<string, unknown>; sessionKey: KeyObject }>();

  constructor(
    private readonly privateKey: KeyObject,
    private readonly now: () => number,
  ) {
    this.publicKey = createPublicKey(privateKey);
  }

  /** A token for the session key, with these claims, valid for lifetimeMs. */
  issue(claims: Record<string, unknown>, sessionKey: KeyObject, lifetimeMs: number): string {
    const iat = Math.floor(this.now() / 1000);
    const payload = { iss: TOKEN_ISSUER, aud: 'oci', jti: randomUUID(), iat, exp: iat + Math.floor(lifetimeMs / 1000), ...claims, jwk: jwkClaim(sessionKey) };
    const head = `${b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'asw' }))}.${b64url(JSON.stringify(payload))}`;
    return `${head}.${b64url(sign('sha256', Buffer.from(head), this.privateKey))}`;
  }

  /** Refuses a token from now on (a rotated session token or RPST). */
  revoke(token: string): void {
    const check = this.verify(token);
    if (check.ok && typeof check.claims['jti'] === 'string') this.revoked.add(check.claims['jti']);
    this.cache.delete(token);
  }

  /** Checks a token this emulator issued: signature, expiry, revocation; gives its claims and session key. */
  verify(token: string): TokenCheck {
    let known = this.cache.get(token);
    if (!known) {
      const parts = token.split('.');
      if (parts.length !== 3) return { ok: false, reason: 'the session token is not a JWT' };
      const [head = '', body = '', signature = ''] = parts;
      if (!verify('sha256', Buffer.from(`${head}.${body}`), this.publicKey, Buffer.from(signature, 'base64url'))) {
        return { ok: false, reason: 'the session token was not issued by this emulator' };
      }
      let claims: Record<string, unknown>;
      let sessionKey: KeyObject;
      try {
        claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
        sessionKey = createPublicKey({ key: JSON.parse(String(claims['jwk'])) as JsonWebKey, format: 'jwk' });
      } catch {
        return { ok: false, reason: 'the session token has no usable jwk claim' };
      }
      known = { claims, sessionKey };
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(token, known);
    }
    const exp = Number(known.claims['exp']);
    if (!(exp * 1000 > this.now())) return { ok: false, reason: 'the session token has expired' };
    if (this.revoked.has(String(known.claims['jti']))) return { ok: false, reason: 'the session token was replaced by a newer one (refreshed)' };
    return { ok: true, ...known };
  }
}
