import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { parseAuthorization, verifyRequest } from '../../../src/emulator/signature-verifier.js';
import type { SignedRequest } from '../../../src/emulator/signature-verifier.js';

interface Vector {
  method: string;
  url: string;
  body?: string;
  contentType?: string;
  contentLength?: number;
  xContentSha256?: string;
  headers: string[];
  signature: string;
}
const vectors = JSON.parse(readFileSync(new URL('../../../../test/fixtures/oci-signature-vectors.json', import.meta.url), 'utf8')) as {
  publicKeyPem: string;
  keyId: string;
  date: string;
  host: string;
  get: Vector;
  post: Vector;
};
const publicKey = createPublicKey(vectors.publicKeyPem);
const at = Date.parse(vectors.date);

function requestOf(v: Vector): SignedRequest {
  const url = new URL(v.url);
  const headers: Record<string, string> = {
    date: vectors.date,
    host: vectors.host,
    authorization: `Signature version="1",keyId="${vectors.keyId}",algorithm="rsa-sha256",headers="${v.headers.join(' ')}",signature="${v.signature}"`,
  };
  if (v.body !== undefined) {
    headers['content-type'] = v.contentType ?? '';
    headers['content-length'] = String(v.contentLength);
    headers['x-content-sha256'] = v.xContentSha256 ?? '';
  }
  return { method: v.method, target: url.pathname + url.search, headers, body: Buffer.from(v.body ?? '') };
}

const options = { publicKeyFor: (id: string) => (id === vectors.keyId ? publicKey : undefined), now: () => at };

describe('emulator signature verifier', () => {
  for (const name of ['get', 'post'] as const) {
    it(`accepts Oracle's published ${name.toUpperCase()} example at its own date`, () => {
      expect(verifyRequest(requestOf(vectors[name]), options)).to.deep.equal({ ok: true, keyId: vectors.keyId });
    });
  }

  it('rejects the examples once the target, a header or the body changes', () => {
    const get = requestOf(vectors.get);
    expect(verifyRequest({ ...get, target: get.target.replace('TeamX', 'TeamY') }, options).ok).to.equal(false);
    expect(verifyRequest({ ...get, headers: { ...get.headers, host: 'example.com' } }, options).ok).to.equal(false);
    const post = requestOf(vectors.post);
    const tampered = Buffer.from(post.body);
    tampered[10] = (tampered[10] ?? 0) ^ 1;
    const r = verifyRequest({ ...post, body: tampered }, options);
    expect(r).to.deep.equal({ ok: false, reason: 'x-content-sha256 does not match the body' });
  });

  it('says which required header is not signed', () => {
    const post = requestOf(vectors.post);
    const auth = String(post.headers['authorization']).replace(' x-content-sha256"', '"');
    const r = verifyRequest({ ...post, headers: { ...post.headers, authorization: auth } }, options);
    expect(r.ok).to.equal(false);
    expect(r.ok ? '' : r.reason).to.contain('x-content-sha256');
  });

  it('refuses a date more than 5 minutes off, and an unknown key', () => {
    const get = requestOf(vectors.get);
    const stale = verifyRequest(get, { ...options, now: () => at + 5 * 60_000 + 1 });
    expect(stale.ok ? '' : stale.reason).to.match(/more than 5 minutes/);
    expect(verifyRequest(get, { ...options, now: () => at + 4 * 60_000 }).ok).to.equal(true);
    const unknown = verifyRequest(get, { ...options, publicKeyFor: () => undefined });
    expect(unknown.ok ? '' : unknown.reason).to.match(/not known/);
  });

  it('parses the Authorization header strictly', () => {
    expect(parseAuthorization('Signature version="1",keyId="a/b/c",algorithm="rsa-sha256",headers="date",signature="x"')?.get('keyId')).to.equal('a/b/c');
    expect(parseAuthorization('Bearer abc')).to.equal(undefined);
    expect(parseAuthorization('Signature version="1" junk')).to.equal(undefined);
  });
});
