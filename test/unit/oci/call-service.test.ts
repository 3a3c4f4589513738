import { expect } from 'chai';
import { CallCancelled, callService, currentAttempt, parseRetryAfter, withQuietSdk } from '../../../src/oci/call-service.js';
import { ServiceError } from '../../../src/errors.js';

/** An error shaped like the SDK's OciError. */
const ociError = (statusCode: number, serviceCode = 'X', message = 'm', opcRequestId = 'REQ-1') => Object.assign(new Error(message), { statusCode, serviceCode, opcRequestId });

/** A call that fails with each given error in turn, then answers 'ok'. */
function failing(...errors: unknown[]): { call: () => Promise<string>; calls: () => number } {
  let n = 0;
  return {
    call: () => {
      const err = errors[n++];
      return err === undefined ? Promise.resolve('ok') : Promise.reject(err);
    },
    calls: () => n,
  };
}

const fast = { baseDelayMs: 1, maxDelayMs: 5 };

describe('callService: retries and messages', () => {
  it('retries 429, 5xx and network errors, then answers', async () => {
    const f = failing(ociError(429), ociError(503), Object.assign(new Error('fetch failed'), { cause: { code: 'ECONNRESET', message: 'socket hang up' } }));
    expect(await callService('reading', f.call, fast)).to.equal('ok');
    expect(f.calls()).to.equal(4);
  });

  it('does not retry a 400, 401 or 404, and says what was asked, the status, code and opc-request-id', async () => {
    for (const status of [400, 401, 404, 409]) {
      const f = failing(ociError(status, 'NotAuthorizedOrNotFound', 'no such log', 'OPC/9'));
      const err = await callService('listing logs of log group G', f.call, fast).then(() => undefined, (e: unknown) => e);
      expect(f.calls(), String(status)).to.equal(1);
      expect(err).to.be.instanceOf(ServiceError);
      expect((err as ServiceError).status).to.equal(status);
      expect((err as ServiceError).message).to.match(new RegExp(`^listing logs of log group G failed: ${status} NotAuthorizedOrNotFound: no such log \\(opc-request-id OPC/9\\)`));
      expect((err as ServiceError).exitCode).to.equal(4);
    }
  });

  it('gives up after the retries, quoting the last failure', async () => {
    const f = failing(ociError(500), ociError(500), ociError(502, 'BadGateway', 'last'));
    const err = (await callService('searching', f.call, { ...fast, retries: 2 }).catch((e: unknown) => e)) as ServiceError;
    expect(f.calls()).to.equal(3);
    expect(err.message).to.contain('502 BadGateway: last');
  });

  it('names the network error when no answer came', async () => {
    const f = failing(Object.assign(new Error('fetch failed'), { cause: { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:9' } }));
    const err = (await callService('reading', f.call, { ...fast, retries: 0 }).catch((e: unknown) => e)) as ServiceError;
    expect(err.status).to.equal(undefined);
    expect(err.message).to.equal('reading failed: connect ECONNREFUSED 127.0.0.1:9');
  });

  it('waits as long as Retry-After says (noted by the HTTP layer) before retrying', async () => {
    let n = 0;
    const waits: number[] = [];
    let last = 0;
    const call = (): Promise<string> => {
      const now = Date.now();
      if (n > 0) waits.push(now - last);
      last = now;
      if (n++ === 0) {
        const attempt = currentAttempt();
        if (attempt) attempt.retryAfterMs = 300;
        return Promise.reject(ociError(429));
      }
      return Promise.resolve('ok');
    };
    expect(await callService('x', call, { baseDelayMs: 1, maxDelayMs: 60_000 })).to.equal('ok');
    expect(waits[0]).to.be.at.least(290);
  });

  it('abandons an attempt that gets no answer in time, and retries it', async () => {
    let n = 0;
    const call = (): Promise<string> =>
      n++ === 0
        ? new Promise((_, reject) => currentAttempt()?.signal.addEventListener('abort', () => reject(new Error('aborted'))))
        : Promise.resolve('ok');
    expect(await callService('x', call, { ...fast, timeoutMs: 20 })).to.equal('ok');
    const stuck = (): Promise<string> => new Promise((_, reject) => currentAttempt()?.signal.addEventListener('abort', () => reject(new Error('aborted'))));
    const err = (await callService('reading', stuck, { ...fast, timeoutMs: 20, retries: 1 }).catch((e: unknown) => e)) as ServiceError;
    expect(err.message).to.equal('reading failed: no answer within 0.02 s');
  });

  it('stops at once when the caller cancels, during a call or between attempts', async () => {
    const controller = new AbortController();
    const hang = (): Promise<string> => {
      setTimeout(() => controller.abort(), 5);
      return new Promise((_, reject) => currentAttempt()?.signal.addEventListener('abort', () => reject(new Error('aborted'))));
    };
    const err = await callService('x', hang, { signal: controller.signal }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(CallCancelled);
    const c2 = new AbortController();
    const f = failing(ociError(503), ociError(503));
    setTimeout(() => c2.abort(), 20);
    const err2 = await callService('x', f.call, { baseDelayMs: 60_000, maxDelayMs: 60_000, signal: c2.signal }).catch((e: unknown) => e);
    expect(err2).to.be.instanceOf(CallCancelled);
    expect(f.calls()).to.equal(1);
  });
});

describe('callService: the SDK stays quiet', () => {
  it('routes console output to the sink only while a call runs, then restores console', async () => {
    const before = console.warn;
    let during: typeof console.warn | undefined;
    await withQuietSdk(async () => {
      during = console.warn;
      console.warn('Request cannot be retried. Not Retrying.');
    });
    expect(during).to.not.equal(before);
    expect(console.warn).to.equal(before);
  });

  it('restores console only when the last of overlapping calls ends', async () => {
    const before = console.warn;
    let release: () => void = () => undefined;
    const slow = withQuietSdk(() => new Promise<void>((r) => (release = r)));
    await withQuietSdk(() => Promise.resolve());
    expect(console.warn, 'still muted while the slow call runs').to.not.equal(before);
    release();
    await slow;
    expect(console.warn).to.equal(before);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, and ignores anything else', () => {
    expect(parseRetryAfter('2')).to.equal(2000);
    expect(parseRetryAfter('0.5')).to.equal(500);
    expect(parseRetryAfter('Wed, 25 Nov 2026 12:00:10 GMT', Date.parse('2026-11-25T12:00:00Z'))).to.equal(10_000);
    expect(parseRetryAfter('soon')).to.equal(undefined);
    expect(parseRetryAfter(null)).to.equal(undefined);
    expect(parseRetryAfter('')).to.equal(undefined);
  });
});
