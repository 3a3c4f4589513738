import { expect } from 'chai';
import { BodyWriter, RunMetas, wireId } from '../../../../src/core/pipe/wire-format.js';
import { decodeSegment } from '../../../../src/core/pipe/spool/segment-format.js';

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
    expect(w.add('a', 'id1', t1, out)).to.equal(true);
    expect(w.add('b ☃ 😀 "\\', 'id2', t2, out)).to.equal(true);
    expect(w.add('c\u0001', 'id3', t2, err)).to.equal(true);
    expect(w.add('d', 'id4', t2, none)).to.equal(true);
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
    while (w.add(`entry ${added} é`, `id-${added}`, t, meta)) added += 1;
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
    expect(w.add(big, 'id', t, meta)).to.equal(true);
    const body = w.finish();
    expect((JSON.parse(body.toString()) as { logEntryBatches: Array<{ entries: Array<{ data: string }> }> }).logEntryBatches[0]?.entries[0]?.data).to.equal(big);
  });

  it('escapes an id from outside only when it needs it', () => {
    expect(wireId('0190aaaa-0000-7000-8000-000000000001-p0001')).to.equal('0190aaaa-0000-7000-8000-000000000001-p0001');
    expect(wireId('a"b\\c\u0001é')).to.equal('a\\"b\\\\c\\u0001\\u00e9');
    const w = new BodyWriter(10_000);
    const t = '2026-12-01T00:00:00.000Z';
    w.add('x', wireId('q"uote\\'), t, metas.get('s', 't', undefined, LOG));
    expect((JSON.parse(w.finish().toString()) as { logEntryBatches: Array<{ entries: Array<{ id: string }> }> }).logEntryBatches[0]?.entries[0]?.id).to.equal('q"uote\\');
  });

  it('escapes every character above 0x7e of an id as \\uXXXX (a surrogate pair as two), so the body is ASCII there and valid JSON', () => {
    expect(wireId('café-€-😀')).to.equal('caf\\u00e9-\\u20ac-\\ud83d\\ude00');
    expect(wireId('del\u007f')).to.equal('del\\u007f');
    const ids = ['café-€-😀', 'lone \ud800 surrogate', 'nul\u0000 tab\t "q" \\', 'ascii-id'];
    const w = new BodyWriter(100_000);
    const t = '2026-12-01T00:00:00.000Z';
    for (const id of ids) expect(w.add('x', wireId(id), t, metas.get('s', 't', undefined, LOG))).to.equal(true);
    const size = w.bytes;
    const body = w.finish();
    expect(body.length).to.equal(size);
    expect(Buffer.from(body.toString('utf8')).equals(body), 'valid UTF-8').to.equal(true);
    const parsed = JSON.parse(body.toString('utf8')) as { logEntryBatches: Array<{ entries: Array<{ id: string }> }> };
    expect(parsed.logEntryBatches[0]?.entries.map((e) => e.id)).to.deep.equal(ids);
  });

  it('still writes valid JSON for an id above 0x7e that skipped wireId()', () => {
    const w = new BodyWriter(10_000);
    w.add('x', 'naïve-😀', '2026-12-01T00:00:00.000Z', metas.get('s', 't', undefined, LOG));
    const size = w.bytes;
    const body = w.finish();
    expect(body.length).to.equal(size);
    expect((JSON.parse(body.toString('utf8')) as { logEntryBatches: Array<{ entries: Array<{ id: string }> }> }).logEntryBatches[0]?.entries[0]?.id).to.equal('naïve-😀');
  });

  it('keeps the body valid JSON, and its size exact, whatever the time strings read back from a file hold', () => {
    const odd = ['2026-12-01T00:00:00.000Z', '+275760-09-13T00:00:00.000Z', 'naïve "time" \\ 😀', ''];
    const w = new BodyWriter(100_000);
    for (const [i, time] of odd.entries()) {
      // A new run for each, so each time is also a run's defaultlogentrytime.
      expect(w.add(`d${i}`, `i${i}`, time, metas.get(`s${i}`, 't', undefined, LOG))).to.equal(true);
      expect(w.bytes).to.be.greaterThan(0);
    }
    const size = w.bytes;
    const body = w.finish();
    expect(body.length).to.equal(size);
    const parsed = JSON.parse(body.toString('utf8')) as { logEntryBatches: Array<{ entries: Array<{ time: string }>; defaultlogentrytime: string }> };
    expect(parsed.logEntryBatches.map((b) => [b.entries[0]?.time, b.defaultlogentrytime])).to.deep.equal(odd.map((t) => [t, t]));
  });

  it('gives one meta per source, type, subject and log', () => {
    const a = metas.get('s', 't', undefined, LOG);
    expect(metas.get('s', 't', undefined, LOG)).to.equal(a);
    expect(metas.get('s', 't', '', LOG)).to.not.equal(a);
  });

  it('hands out what was added since last asked as segment lines that read back as the same entries', () => {
    const w = new BodyWriter(1_000_000);
    const t = '2026-12-01T00:00:00.000Z';
    const out = metas.get('s', 't', 'stdout', LOG);
    const err = metas.get('s', 't', 'stderr', LOG);
    const chunks: Buffer[] = [];
    const take = () => {
      const { pieces, entries } = w.takeUnwritten();
      chunks.push(...pieces);
      return entries;
    };
    expect(take()).to.equal(0);
    w.add('one', 'i1', t, out);
    w.add('two\nlines', 'i2', t, out);
    expect(take()).to.equal(2);
    w.add('three', 'i3', t, out);
    w.add('four', 'i4', t, err);
    expect(take()).to.equal(2);
    w.add('five', 'i5', t, err);
    w.add('six', 'i6', t, out);
    expect(take()).to.equal(2);
    const text = Buffer.concat(chunks).toString();
    const { records, bad } = decodeSegment(text);
    expect(bad).to.equal(0);
    expect(records.map((r) => [r.data, r.id, r.subject])).to.deep.equal([
      ['one', 'i1', 'stdout'],
      ['two\nlines', 'i2', 'stdout'],
      ['three', 'i3', 'stdout'],
      ['four', 'i4', 'stderr'],
      ['five', 'i5', 'stderr'],
      ['six', 'i6', 'stdout'],
    ]);
    expect(records.every((r) => r.logId === LOG && r.source === 's' && r.type === 't' && r.time === t)).to.equal(true);
    // The body itself stays valid JSON with the same entries.
    const body = JSON.parse(w.finish().toString()) as { logEntryBatches: Array<{ entries: Array<{ data: string }> }> };
    expect(body.logEntryBatches.flatMap((b) => b.entries.map((e) => e.data))).to.deep.equal(['one', 'two\nlines', 'three', 'four', 'five', 'six']);
  });
});

describe('run metas', () => {
  it('keeps at most 1024, so a subject per line (--subject-key on a unique field) cannot grow memory without end', () => {
    const metas = new RunMetas();
    const first = metas.get('src', 'type', 'subject-0', 'log');
    expect(metas.get('src', 'type', 'subject-0', 'log')).to.equal(first);
    for (let i = 1; i <= 1024; i++) metas.get('src', 'type', `subject-${i}`, 'log');
    const again = metas.get('src', 'type', 'subject-0', 'log');
    expect(again).to.not.equal(first);
    expect(again).to.deep.include({ source: 'src', type: 'type', subject: 'subject-0', logId: 'log' });
  });
});
