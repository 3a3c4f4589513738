import { expect } from 'chai';
import { FaultError } from '../../../src/emulator/index.js';
import { parseFaultFlag } from '../../../src/cli/fault-flag.js';

describe('--fault flag', () => {
  it('reads OP:STATUS|KIND with a count, a duration, a start and a retry-after', () => {
    expect(parseFaultFlag('putLogs:429:3')).to.deep.equal({ op: 'putLogs', status: 429, count: 3 });
    expect(parseFaultFlag('putLogs:503:for=90s')).to.deep.equal({ op: 'putLogs', status: 503, forMs: 90_000 });
    expect(parseFaultFlag('*:stall:for=250ms:from=2m')).to.deep.equal({ op: '*', kind: 'stall', forMs: 250, fromMs: 120_000 });
    expect(parseFaultFlag('search:503:2:retry-after=0')).to.deep.equal({ op: 'search', status: 503, count: 2, retryAfterSeconds: 0 });
    expect(parseFaultFlag('createLogGroup:reset-after')).to.deep.equal({ op: 'createLogGroup', kind: 'reset-after' });
    expect(parseFaultFlag('putLogs:reset:for=1h')).to.deep.equal({ op: 'putLogs', kind: 'reset', forMs: 3_600_000 });
  });

  it('names the word it cannot read', () => {
    expect(() => parseFaultFlag('putLogs')).to.throw(FaultError, /OP:STATUS/);
    expect(() => parseFaultFlag('putLogs:503:for=soon')).to.throw(FaultError, /for=soon: not a duration/);
    expect(() => parseFaultFlag('putLogs:503:until=5s')).to.throw(FaultError, /"until=5s"/);
    expect(() => parseFaultFlag('putLogs:503:retry-after=x')).to.throw(FaultError, /retry-after=SECONDS/);
  });
});
