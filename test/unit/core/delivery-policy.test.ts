import { expect } from 'chai';
import { DEFAULT_BACKOFF, backoffDelay, classifyStatus, parseRetryAfter } from '../../../src/core/delivery-policy.js';

describe('the delivery policy', () => {
  it('retries 408, 429, 5xx and no answer; refuses other 4xx; 401, 403 and 404 stop delivery to the target', () => {
    expect([undefined, 408, 429, 500, 502, 503, 504].map(classifyStatus)).to.deep.equal(Array(7).fill('transient'));
    expect([400, 409, 413, 422].map(classifyStatus)).to.deep.equal(Array(4).fill('refused'));
    expect([401, 403, 404].map(classifyStatus)).to.deep.equal(Array(3).fill('fatal'));
  });

  it('backs off exponentially with full jitter up to the cap', () => {
    expect(backoffDelay(DEFAULT_BACKOFF, 0, undefined, () => 1)).to.equal(250);
    expect(backoffDelay(DEFAULT_BACKOFF, 3, undefined, () => 1)).to.equal(2000);
    expect(backoffDelay(DEFAULT_BACKOFF, 60, undefined, () => 1)).to.equal(30_000);
    expect(backoffDelay(DEFAULT_BACKOFF, 5, undefined, () => 0)).to.equal(0);
  });

  it('never retries sooner than Retry-After, which it reads up to 60 s', () => {
    expect(backoffDelay(DEFAULT_BACKOFF, 0, 5000, () => 0)).to.equal(5000);
    expect(backoffDelay(DEFAULT_BACKOFF, 0, 3_600_000, () => 0)).to.equal(60_000);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('2')).to.equal(2000);
    expect(parseRetryAfter(' 0.5 ')).to.equal(500);
    expect(parseRetryAfter('Wed, 25 Nov 2026 12:00:10 GMT', Date.parse('2026-11-25T12:00:00Z'))).to.equal(10_000);
    expect(parseRetryAfter('Wed, 25 Nov 2026 11:00:00 GMT', Date.parse('2026-11-25T12:00:00Z'))).to.equal(0);
    for (const bad of ['soon', '', null, undefined, '-1']) expect(parseRetryAfter(bad)).to.equal(undefined);
  });
});
