import { expect } from 'chai';
import { EntryIdGenerator } from '../../../../src/core/pipe/entry-id.js';
import { createLineFeeder } from '../../../../src/core/pipe/line-feeder.js';
import type { EntrySink } from '../../../../src/core/pipe/line-feeder.js';

describe('line feeder', () => {
  it('gives every piece of a long line one time, even when the line spans many reads, and counts lines', () => {
    const added: Array<{ data: string; id: string; time: number }> = [];
    const shipper: EntrySink = { add: (data, id, time) => void added.push({ data, id, time }), commit: () => undefined };
    let clock = 1000;
    const feeder = createLineFeeder({ shipper, ids: new EntryIdGenerator(), now: () => clock });
    feeder.push(Buffer.from('short\n' + 'x'.repeat(70_000))); // more than the splitter holds: handed on in fragments
    clock = 2000;
    feeder.push(Buffer.from('y'.repeat(70_000)));
    clock = 3000;
    feeder.push(Buffer.from('z\nnext\n'));
    feeder.end();
    const pieces = added.slice(1, -1);
    expect(added[0]).to.include({ data: 'short', time: 1000 });
    expect(pieces).to.have.length(15);
    expect(pieces.map((p) => p.data).join('')).to.equal('x'.repeat(70_000) + 'y'.repeat(70_000) + 'z');
    expect(new Set(pieces.map((p) => p.time))).to.deep.equal(new Set([1000]));
    expect(pieces[14]?.id).to.equal(pieces[0]?.id.replace('-p0001', '-p0015'));
    expect(added.at(-1)).to.include({ data: 'next', time: 3000 });
    expect(feeder.lines).to.equal(3);
  });
});
