import { createPublicKey, createSign, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { parseAuthorization, verifyRequest, verifySignature } from '../../../src/emulator/signature-verifier.js';
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

  it('rejects the POST example when any single byte of the body, the target or the signature changes', () => {
    const post = requestOf(vectors.post);
    const flips: SignedRequest[] = [];
    for (let i = 0; i < post.body.length; i++) {
      const body = Buffer.from(post.body);
      body[i] = (body[i] ?? 0) ^ 0x20;
      flips.push({ ...post, body });
    }
    for (let i = 0; i < post.target.length; i++) {
      flips.push({ ...post, target: post.target.slice(0, i) + String.fromCharCode(post.target.charCodeAt(i) ^ 0x01) + post.target.slice(i + 1) });
    }
    const sig = Buffer.from(vectors.post.signature, 'base64');
    for (let i = 0; i < sig.length; i += 7) {
      const bad = Buffer.from(sig);
      bad[i] = (bad[i] ?? 0) ^ 0x01;
      const auth = String(post.headers['authorization']).replace(vectors.post.signature, bad.toString('base64'));
      flips.push({ ...post, headers: { ...post.headers, authorization: auth } });
    }
    const accepted = flips.filter((r) => verifyRequest(r, options).ok);
    expect(accepted).to.have.length(0);
    expect(flips.length).to.be.greaterThan(350);
  });

  it('rejects the examples when a signed header value changes or the keyId names another key', () => {
    for (const name of ['get', 'post'] as const) {
      const req = requestOf(vectors[name]);
      for (const h of vectors[name].headers.filter((x) => x !== '(request-target)')) {
        const changed = { ...req, headers: { ...req.headers, [h]: `${String(req.headers[h])}x` } };
        expect(verifyRequest(changed, options).ok, `${name} ${h}`).to.equal(false);
      }
    }
    const otherKeyId = vectors.keyId.replace(/[0-9a-f]{2}$/, '00');
    const get = requestOf(vectors.get);
    const auth = String(get.headers['authorization']).replace(vectors.keyId, otherKeyId);
    const r = verifyRequest({ ...get, headers: { ...get.headers, authorization: auth } }, { ...options, publicKeyFor: (id) => (id === otherKeyId ? publicKey : undefined) });
    expect(r.ok).to.equal(true, 'the keyId is not part of the signing string; the key it names is what matters');
    const wrongKey = verifyRequest(get, { ...options, publicKeyFor: () => generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey });
    expect(wrongKey.ok ? '' : wrongKey.reason).to.match(/signature does not match/);
  });

  it('names each required header left out of the signed list', () => {
    const post = requestOf(vectors.post);
    for (const h of ['(request-target)', 'host', 'content-length', 'content-type', 'x-content-sha256', 'date']) {
      const signed = vectors.post.headers.filter((x) => x !== h).join(' ');
      const auth = String(post.headers['authorization']).replace(/headers="[^"]*"/, `headers="${signed}"`);
      const r = verifyRequest({ ...post, headers: { ...post.headers, authorization: auth } }, options);
      expect(r.ok ? '' : r.reason, h).to.contain(`not signed: ${h === 'date' ? 'date or x-date' : h}`);
    }
    const get = requestOf(vectors.get);
    expect(verifyRequest({ ...get, headers: { ...get.headers, host: undefined } }, options)).to.deep.equal({ ok: false, reason: 'the signed header host is missing from the request' });
  });

  it('accepts x-date in place of date, signed as the TypeScript SDK does', () => {
    const { privateKey, publicKey: pub } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const xDate = new Date(at).toUTCString();
    const lines = [`x-date: ${xDate}`, '(request-target): get /20200531/logGroups?compartmentId=x', 'host: 127.0.0.1:9'];
    const signature = createSign('sha256').update(lines.join('\n')).sign(privateKey, 'base64');
    const req: SignedRequest = {
      method: 'GET',
      target: '/20200531/logGroups?compartmentId=x',
      headers: { 'x-date': xDate, host: '127.0.0.1:9', authorization: `Signature version="1",headers="x-date (request-target) host",keyId="k",algorithm="rsa-sha256",signature="${signature}"` },
      body: Buffer.alloc(0),
    };
    expect(verifyRequest(req, { publicKeyFor: () => pub, now: () => at + 60_000 })).to.deep.equal({ ok: true, keyId: 'k' });
    expect(verifyRequest(req, { publicKeyFor: () => pub, now: () => at - 6 * 60_000 }).ok).to.equal(false);
  });

  it('checks content-length against the body; a changed content-length breaks the signature first', () => {
    const post = requestOf(vectors.post);
    const longer = verifyRequest({ ...post, body: Buffer.concat([post.body, Buffer.from(' ')]) }, options);
    expect(longer.ok ? '' : longer.reason).to.equal('content-length does not match the body');
    const relabelled = verifyRequest({ ...post, headers: { ...post.headers, 'content-length': '315' } }, options);
    expect(relabelled.ok ? '' : relabelled.reason).to.match(/signature does not match/);
  });

  it('verifies the signed headers without the body, so a body need not be read to refuse a request', () => {
    const { body: _body, ...headersOnly } = requestOf(vectors.post);
    expect(verifySignature(headersOnly, options)).to.deep.equal({ ok: true, keyId: vectors.keyId });
    expect(verifySignature({ ...headersOnly, headers: { ...headersOnly.headers, 'content-length': 'lots' } }, options)).to.deep.equal({ ok: false, reason: 'content-length is not a byte count' });
    const unknown = verifySignature(headersOnly, { ...options, publicKeyFor: () => undefined });
    expect(unknown.ok).to.equal(false);
  });
});
