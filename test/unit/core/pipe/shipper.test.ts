import { expect } from 'chai';
import { Shipper, bodyOf } from '../../../../src/core/pipe/shipper.js';
import type { ShipperOptions } from '../../../../src/core/pipe/shipper.js';
import type { DeadLetterRecord, DeadLetterSink } from '../../../../src/core/pipe/dead-letter.js';
import type { SendResult } from '../../../../src/core/pipe/send-result.js';

class MemorySink implements DeadLetterSink {
  readonly path = '/dev/null/dead-letter.jsonl';
  records: DeadLetterRecord[] = [];
  get count() {
    return this.records.length;
  }
  write(r: readonly DeadLetterRecord[]) {
    this.records.push(...r);
  }
  close() {}
}

interface Sent {
  body: string;
}
const ok: SendResult = { ok: true, opcRequestId: 'r' };
const fail = (status: number | undefined, transient: boolean, retryAfterMs?: number): SendResult => ({
  ok: false,
  transient,
  status,
  serviceCode: 'X',
  serviceMessage: 'm',
  opcRequestId: 'req-1',
  retryAfterMs,
});

function make(answers: SendResult[], extra: Partial<ShipperOptions> = {}) {
  const sent: Sent[] = [];
  const sink = new MemorySink();
  let n = 0;
  const shipper = new Shipper({
    logId: 'ocid1.log.oc1.iad.x',
    source: 'src',
    type: 'typ',
    subject: undefined,
    batchSize: 3,
    batchBytes: 1_000_000,
    flushIntervalMs: 60_000,
    retry: { maxRetries: 3, baseDelayMs: 1, maxDelayMs: 2 },
    send: async (_log, body) => {
      sent.push({ body: body.toString() });
      return answers[n++] ?? ok;
    },
    deadLetter: sink,
    ...extra,
  });
  return { shipper, sent, sink };
}
const entriesOf = (s: Sent) => (JSON.parse(s.body) as { logEntryBatches: Array<{ entries: Array<{ data: string }> }> }).logEntryBatches.flatMap((b) => b.entries.map((e) => e.data));

describe('shipper', () => {
  it('closes batches at batch-size and sends the rest on close, in order', async () => {
    const { shipper, sent } = make([]);
    for (let i = 0; i < 7; i++) await shipper.add(`l${i}`, `id${i}`, 1000 + i);
    const r = await shipper.close();
    expect(sent.map(entriesOf)).to.deep.equal([['l0', 'l1', 'l2'], ['l3', 'l4', 'l5'], ['l6']]);
    expect(r).to.include({ accepted: 7, delivered: 7, deadLettered: 0 });
    const body = JSON.parse(sent[0]?.body ?? '{}');
    expect(body.specversion).to.equal('1.0');
    expect(body.logEntryBatches[0]).to.include({ source: 'src', type: 'typ', defaultlogentrytime: new Date(1000).toISOString() });
    expect(body.logEntryBatches[0].entries[1]).to.deep.equal({ data: 'l1', id: 'id1', time: new Date(1001).toISOString() });
  });

  it('closes batches by bytes, never over batch-bytes, counting exactly', async () => {
    const { shipper, sent } = make([], { batchSize: 10_000, batchBytes: 2000 });
    for (let i = 0; i < 100; i++) shipper.add(`line ${i} é "q" \u0001`, `id-${i}`, 5);
    await shipper.close();
    expect(sent.length).to.be.greaterThan(2);
    for (const s of sent) expect(Buffer.byteLength(s.body)).to.be.at.most(2000);
    expect(Buffer.byteLength(sent[0]?.body ?? '')).to.be.greaterThan(1800);
    expect(sent.flatMap(entriesOf)).to.have.length(100);
  });

  it('counts bytes exactly across runs with different subjects', () => {
    const { shipper } = make([], { batchSize: 100 });
    shipper.add('a', '1', 1, { subject: 'stdout' });
    shipper.add('b', '2', 1, { subject: 'stderr' });
    shipper.add('c', '3', 1, { subject: 'stderr' });
    const batch = (shipper as unknown as { current: { runs: []; bytes: number } }).current;
    expect(Buffer.byteLength(bodyOf(batch))).to.equal(batch.bytes);
    const body = JSON.parse(bodyOf(batch));
    expect(body.logEntryBatches.map((b: { subject: string }) => b.subject)).to.deep.equal(['stdout', 'stderr']);
    shipper.abort();
  });

  it('sends a partial batch after the flush interval', async () => {
    const { shipper, sent } = make([], { flushIntervalMs: 20 });
    shipper.add('slow', '1', 1);
    await new Promise((r) => setTimeout(r, 60));
    expect(sent.map(entriesOf)).to.deep.equal([['slow']]);
    await shipper.close();
  });

  it('retries 429, 5xx and resets, honouring retry-after, and delivers', async () => {
    const { shipper, sent } = make([fail(429, true, 30), fail(503, true), fail(undefined, true)]);
    const t0 = Date.now();
    shipper.add('x', '1', 1);
    const r = await shipper.close();
    expect(Date.now() - t0).to.be.at.least(25);
    expect(sent).to.have.length(4);
    expect(r).to.include({ delivered: 1, retries: 3, deadLettered: 0 });
    expect(r.failure).to.equal(undefined);
  });

  it('dead-letters a batch after max retries, then drains the rest into the dead-letter sink', async () => {
    const answers = [fail(500, true), fail(500, true), fail(500, true), fail(500, true)];
    const given: string[] = [];
    const { shipper, sent, sink } = make(answers, { onGiveUp: (f) => given.push(`${f.result.status}`) });
    for (let i = 0; i < 6; i++) await shipper.add(`l${i}`, `id${i}`, 1);
    const r = await shipper.close();
    expect(sent).to.have.length(4);
    expect(sink.records.map((x) => x.data)).to.deep.equal(['l0', 'l1', 'l2', 'l3', 'l4', 'l5']);
    expect(sink.records[0]).to.deep.equal({ data: 'l0', id: 'id0', time: new Date(1).toISOString(), source: 'src', type: 'typ', logId: 'ocid1.log.oc1.iad.x' });
    expect(r).to.include({ delivered: 0, deadLettered: 6 });
    expect(r.failure?.retries).to.equal(3);
    expect(given).to.deep.equal(['500']);
  });

  it('does not retry a permanent 404', async () => {
    const { shipper, sent, sink } = make([fail(404, false)]);
    shipper.add('a', '1', 1);
    const r = await shipper.close();
    expect(sent).to.have.length(1);
    expect(sink.records).to.have.length(1);
    expect(r.failure?.result).to.include({ status: 404, opcRequestId: 'req-1' });
  });

  it('applies backpressure while a full batch waits for the one in flight', async () => {
    let release: () => void = () => undefined;
    const { shipper } = make([], {
      send: () => new Promise<SendResult>((r) => (release = () => r(ok))),
    });
    const waits = [];
    for (let i = 0; i < 6; i++) waits.push(shipper.add(`l${i}`, `${i}`, 1));
    expect(waits.slice(0, 5).every((w) => w === undefined)).to.equal(true);
    expect(waits[5]).to.be.instanceOf(Promise);
    release();
    await waits[5];
    release();
    await shipper.close();
  });

  it('counts entries as lost, never crashes, when the dead-letter file cannot be written either', async () => {
    const broken: DeadLetterSink = {
      path: '/full/disk.jsonl',
      count: 0,
      write: () => {
        throw new Error('ENOSPC: no space left on device');
      },
      close: () => undefined,
    };
    const { shipper } = make([fail(404, false)], { deadLetter: broken });
    shipper.add('a', '1', 1);
    shipper.add('b', '2', 1);
    const r = await shipper.close();
    expect(r).to.include({ delivered: 0, deadLettered: 0, lost: 2, deadLetterError: 'ENOSPC: no space left on device' });
  });

  it('abort dead-letters everything not delivered, in flight included', async () => {
    const { shipper, sink } = make([], { send: () => new Promise<SendResult>(() => undefined) });
    for (let i = 0; i < 5; i++) shipper.add(`l${i}`, `${i}`, 1);
    const r = shipper.abort();
    expect(r.deadLettered).to.equal(5);
    expect(sink.records.map((x) => x.data).sort()).to.deep.equal(['l0', 'l1', 'l2', 'l3', 'l4']);
  });
});
