import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { signRequest } from '../../../src/oci/request-signer.js';

const v = JSON.parse(readFileSync(new URL('../../../../test/fixtures/oci-signature-vectors.json', import.meta.url), 'utf8')) as {
  privateKeyPem: string;
  keyId: string;
  date: string;
  host: string;
  get: { url: string; signature: string };
  post: { url: string; body: string; contentType: string; contentLength: number; xContentSha256: string; signature: string };
  sha256Base64: Record<string, string>;
};
const key = { keyId: v.keyId, privateKey: createPrivateKey(v.privateKeyPem) };
const signatureOf = (auth: string | undefined) => /signature="([^"]+)"/.exec(auth ?? '')?.[1];

describe('request signer', () => {
  // The published date names the wrong weekday (5 Jan 2014 was a Sunday), so it is passed as given.
  it("reproduces Oracle's published GET signature", () => {
    const url = new URL(v.get.url);
    const h = signRequest({ method: 'GET', target: url.pathname + url.search, host: v.host, date: v.date }, key);
    expect(h['date']).to.equal(v.date);
    expect(signatureOf(h['authorization'])).to.equal(v.get.signature);
    expect(h['authorization']).to.contain(`keyId="${v.keyId}",algorithm="rsa-sha256",headers="date (request-target) host"`);
  });

  it("reproduces Oracle's published POST signature and body hash", () => {
    const url = new URL(v.post.url);
    const h = signRequest(
      { method: 'POST', target: url.pathname, host: v.host, date: v.date, body: Buffer.from(v.post.body), contentType: v.post.contentType },
      key,
    );
    expect(h['x-content-sha256']).to.equal(v.post.xContentSha256);
    expect(h['content-length']).to.equal(String(v.post.contentLength));
    expect(signatureOf(h['authorization'])).to.equal(v.post.signature);
  });

  it('hashes bodies as the published examples do', () => {
    for (const [body, hash] of Object.entries(v.sha256Base64)) {
      const h = signRequest({ method: 'POST', target: '/', host: 'h', date: v.date, body: Buffer.from(body) }, key);
      expect(h['x-content-sha256']).to.equal(hash);
    }
  });

  it('signs a different signature when one byte of the target changes', () => {
    const h = signRequest({ method: 'GET', target: '/20160918/instances?x=1', host: v.host, date: v.date }, key);
    expect(signatureOf(h['authorization'])).to.not.equal(v.get.signature);
  });
});
