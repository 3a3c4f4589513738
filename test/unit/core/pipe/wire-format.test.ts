import { expect } from 'chai';
import { BodyWriter, RunMetas, entryHead } from '../../../../src/core/pipe/wire-format.js';

const metas = new RunMetas();
const LOG = 'ocid1.log.oc1.iad.x';

describe('the PutLogs body writer', () => {
  it('writes the wire format exactly, one logEntryBatch per run, and knows its size before it is finished', () => {
    const w = new BodyWriter(1_000_000);
    const out = metas.get('src', 'typ', 'stdout', LOG);
    const err = metas.get('src', 'typ', 'stderr', LOG);
    const none = metas.get('src "q"', 'typ', undefined, LOG);
    const t1 = '2026-12-01T00:00:00.001Z';
    const t2 = '2026-12-01T00:00:00.002Z';
    expect(w.add(entryHead('a', 'id1', t1), out, t1)).to.equal(true);
    expect(w.add(entryHead('b ☃ 😀 "\\', 'id2', t2), out, t2)).to.equal(true);
    expect(w.add(entryHead('c\u0001', 'id3', t2), err, t2)).to.equal(true);
    expect(w.add(entryHead('d', 'id4', t2), none, t2)).to.equal(true);
    const size = w.bytes;
    const body = w.finish();
    expect(body.length).to.equal(size);
    expect(JSON.parse(body.toString('utf8'))).to.deep.equal({
      specversion: '1.0',
      logEntryBatches: [
        { entries: [{ data: 'a', id: 'id1', time: t1 }, { data: 'b ☃ 😀 "\\', id: 'id2', time: t2 }], source: 'src', type: 'typ', subject: 'stdout', defaultlogentrytime: t1 },
        { entries: [{ data: 'c\u0001', id: 'id3', time: t2 }], source: 'src', type: 'typ', subject: 'stderr', defaultlogentrytime: t2 },
        { entries: [{ data: 'd', id: 'id4', time: t2 }], source: 'src "q"', type: 'typ', defaultlogentrytime: t2 },
      ],
    });
  });

  it('refuses an entry that would take the body over its limit, and stays valid', () => {
    const meta = metas.get('s', 't', undefined, LOG);
    const t = '2026-12-01T00:00:00.000Z';
    const w = new BodyWriter(300);
    let added = 0;
    while (w.add(entryHead(`entry ${added} é`, `id-${added}`, t), meta, t)) added += 1;
    const body = w.finish();
    expect(body.length).to.be.at.most(300);
    expect(body.length).to.be.greaterThan(250);
    expect((JSON.parse(body.toString()) as { logEntryBatches: Array<{ entries: unknown[] }> }).logEntryBatches[0]?.entries).to.have.length(added);
  });

  it('takes one entry however large into an empty body, growing its buffer', () => {
    const meta = metas.get('s', 't', undefined, LOG);
    const t = '2026-12-01T00:00:00.000Z';
    const w = new BodyWriter(10);
    const big = '€'.repeat(100_000);
    expect(w.add(entryHead(big, 'id', t), meta, t)).to.equal(true);
    const body = w.finish();
    expect((JSON.parse(body.toString()) as { logEntryBatches: Array<{ entries: Array<{ data: string }> }> }).logEntryBatches[0]?.entries[0]?.data).to.equal(big);
  });

  it('gives one meta per source, type, subject and log, whose record tail completes a record line', () => {
    const a = metas.get('s', 't', undefined, LOG);
    expect(metas.get('s', 't', undefined, LOG)).to.equal(a);
    expect(metas.get('s', 't', '', LOG)).to.not.equal(a);
    const line = entryHead('x', 'i', '2026-12-01T00:00:00.000Z') + metas.get('s', 't', 'u', LOG).recordTail;
    expect(line.endsWith('\n')).to.equal(true);
    expect(JSON.parse(line)).to.deep.equal({ data: 'x', id: 'i', time: '2026-12-01T00:00:00.000Z', source: 's', type: 't', subject: 'u', logId: LOG });
  });
});
