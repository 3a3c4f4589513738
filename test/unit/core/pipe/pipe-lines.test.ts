import { Readable } from 'node:stream';
import { expect } from 'chai';
import { EntryIdGenerator } from '../../../../src/core/pipe/entry-id.js';
import { pipeLines } from '../../../../src/core/pipe/pipe-lines.js';
import type { EntrySink } from '../../../../src/core/pipe/line-feeder.js';

function fakeShipper(): { shipper: EntrySink; data: string[] } {
  const data: string[] = [];
  return { shipper: { add: (d: string) => void data.push(d), commit: () => undefined }, data };
}

describe('pipeLines', () => {
  it('ships what was read before the input failed, and reports the error', async () => {
    const { shipper, data } = fakeShipper();
    const input = new Readable({ read() {} });
    const pipe = pipeLines({ input, shipper, ids: new EntryIdGenerator() });
    input.push(Buffer.from('one\ntwo'));
    setImmediate(() => input.destroy(new Error('EIO: i/o error')));
    const r = await pipe.done;
    expect(data).to.deep.equal(['one', 'two']);
    expect(r.error?.message).to.equal('EIO: i/o error');
    expect(r.lines).to.equal(2);
  });

  it('stop() keeps what was read, including a line cut short, and reports stopped', async () => {
    const { shipper, data } = fakeShipper();
    const input = new Readable({ read() {} });
    const pipe = pipeLines({ input, shipper, ids: new EntryIdGenerator() });
    input.push(Buffer.from('a\npartial'));
    await new Promise((r) => setImmediate(r));
    pipe.stop();
    const r = await pipe.done;
    expect(data).to.deep.equal(['a', 'partial']);
    expect(r).to.include({ stopped: true, lines: 2 });
  });
});

describe('pipeLines with tiny lines', () => {
  it('feeds a big chunk in slices and waits between them when the shipper asks, so a megabyte of empty lines is not a million entries at once', async () => {
    let adds = 0;
    let release: () => void = () => undefined;
    let gate: Promise<void> | undefined;
    const shipper: EntrySink = {
      add: () => void adds++,
      commit: () => {
        if (adds < 100_000) return undefined;
        gate ??= new Promise((r) => (release = r));
        return gate;
      },
    };
    const input = new Readable({ read() {} });
    const pipe = pipeLines({ input, shipper, ids: new EntryIdGenerator() });
    input.push(Buffer.alloc(1 << 20, 0x0a));
    input.push(null);
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(adds, 'one slice past the point the shipper asked to wait, no more').to.be.at.most(100_000 + 64 * 1024);
    release();
    const r = await pipe.done;
    expect(r.lines).to.equal(1 << 20);
    expect(adds).to.equal(1 << 20);
  });
});
