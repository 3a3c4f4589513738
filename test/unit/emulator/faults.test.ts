import { expect } from 'chai';
import { FaultError, FaultQueue, makeFault } from '../../../src/emulator/faults.js';

const T0 = Date.parse('2025-01-01T00:00:00Z');

describe('emulator faults', () => {
  it('a count fault catches that many requests of its operation, then is gone', () => {
    const q = new FaultQueue();
    q.add(makeFault({ op: 'putLogs', status: 429, count: 2 }, T0));
    expect(q.take('search', T0)).to.equal(undefined);
    expect(q.take('putLogs', T0)?.status).to.equal(429);
    expect(q.pending(T0)).to.deep.equal([{ op: 'putLogs', kind: 'status', status: 429, count: 1, retryAfterSeconds: 1 }]);
    expect(q.take('putLogs', T0)?.status).to.equal(429);
    expect(q.take('putLogs', T0)).to.equal(undefined);
    expect(q.pending(T0)).to.deep.equal([]);
  });

  it('a duration fault catches every request of its window, [from, until), then expires', () => {
    const q = new FaultQueue();
    q.add(makeFault({ op: 'putLogs', status: 503, forMs: 90_000 }, T0));
    for (let i = 0; i < 50; i++) expect(q.take('putLogs', T0 + i * 1000)?.status).to.equal(503);
    expect(q.take('putLogs', T0 + 89_999)?.status).to.equal(503);
    expect(q.take('putLogs', T0 + 90_000)).to.equal(undefined);
    expect(q.pending(T0 + 90_000)).to.deep.equal([]);
  });

  it('a duration fault can start later (fromMs), and lists its window with the time left', () => {
    const q = new FaultQueue();
    q.add(makeFault({ op: '*', kind: 'stall', forMs: 20_000, fromMs: 30_000 }, T0));
    q.add(makeFault({ op: 'createLog', kind: 'reset-after' }, T0));
    expect(q.take('search', T0 + 29_999)).to.equal(undefined);
    expect(q.take('search', T0 + 30_000)?.kind).to.equal('stall');
    expect(q.pending(T0 + 40_000)).to.deep.equal([
      { op: '*', kind: 'stall', from: '2025-01-01T00:00:30.000Z', until: '2025-01-01T00:00:50.000Z', remainingMs: 10_000 },
      { op: 'createLog', kind: 'reset-after', count: 1 },
    ]);
    // the stall window covers createLog too: the first fault that applies wins
    expect(q.take('createLog', T0 + 40_000)?.kind).to.equal('stall');
    expect(q.take('createLog', T0 + 50_000)?.kind).to.equal('reset-after');
  });

  it('refuses what it cannot honour, naming the field', () => {
    const bad: Array<[unknown, RegExp]> = [
      [[], /JSON object/],
      [{ op: 'nope' }, /op must be/],
      [{ op: 'putLogs', status: 200 }, /status must be/],
      [{ op: 'putLogs', status: '503' }, /status must be/],
      [{ op: 'putLogs', kind: 'explode' }, /kind must be status, reset, stall, reset-after, stall-after/],
      [{ op: 'putLogs', kind: 'reset', status: 503 }, /status goes with kind status only/],
      [{ op: 'putLogs', count: 0 }, /count/],
      [{ op: 'putLogs', count: 2, forMs: 1000 }, /count or forMs, not both/],
      [{ op: 'putLogs', forMs: 0 }, /forMs must be/],
      [{ op: 'putLogs', forMs: 1.5 }, /forMs must be/],
      [{ op: 'putLogs', fromMs: 10 }, /fromMs needs forMs/],
      [{ op: 'putLogs', retryAfterSeconds: -1 }, /retryAfterSeconds/],
      [{ op: 'putLogs', forms: 90_000 }, /unknown field "forms"/],
    ];
    for (const [input, message] of bad) expect(() => makeFault(input, T0), JSON.stringify(input)).to.throw(FaultError, message);
  });

  it('429 and 503 say retry-after 1 unless told; other kinds carry none', () => {
    expect(makeFault({ op: 'search', status: 503 }, T0).retryAfterSeconds).to.equal(1);
    expect(makeFault({ op: 'search', status: 500 }, T0).retryAfterSeconds).to.equal(undefined);
    expect(makeFault({ op: 'search', status: 429, retryAfterSeconds: 0 }, T0).retryAfterSeconds).to.equal(0);
    expect(makeFault({ op: 'search', kind: 'stall-after' }, T0).retryAfterSeconds).to.equal(undefined);
  });

  it('holds a bounded number of faults', () => {
    const q = new FaultQueue();
    for (let i = 0; i < 1000; i++) q.add(makeFault({ op: 'search', status: 500 }, T0));
    expect(() => q.add(makeFault({ op: 'search', status: 500 }, T0))).to.throw(FaultError, /at most 1000/);
  });
});
