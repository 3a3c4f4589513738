import { appendFileSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { Shipper } from '../../../../src/core/pipe/shipper.js';
import type { ShipResult, ShipStats, ShipperOptions } from '../../../../src/core/pipe/shipper.js';
import type { AppendResult, DeadLetterSink } from '../../../../src/core/pipe/dead-letter.js';
import type { LogRecord } from '../../../../src/core/pipe/log-record.js';
import type { SendResult } from '../../../../src/core/pipe/send-result.js';
import { SpoolDir, logHash } from '../../../../src/core/pipe/spool/spool-dir.js';
import { decodeSegment } from '../../../../src/core/pipe/spool/segment-format.js';
import type { FailureKind } from '../../../../src/core/delivery-policy.js';
import { FakeClock, settle } from '../../../helpers/fake-clock.js';
import { tempDir } from '../../../helpers/temp-dir.js';

const LOG = 'ocid1.log.oc1.iad.x';

class MemorySink implements DeadLetterSink {
  readonly path = '/dev/null/dead-letter.jsonl';
  records: LogRecord[] = [];
  fail: Error | undefined;
  append(text: string, records: number): AppendResult {
    if (this.fail) return { kept: 0, error: this.fail };
    for (const line of text.split('\n').filter((l) => l !== '')) this.records.push(JSON.parse(line) as LogRecord);
    expect(text.split('\n').filter((l) => l !== '')).to.have.length(records);
    return { kept: records, error: undefined };
  }
  close() {}
}

const ok: SendResult = { ok: true, opcRequestId: 'r' };
const fail = (status: number | undefined, kind: FailureKind = 'transient', retryAfterMs?: number): SendResult => ({
  ok: false,
  kind,
  status,
  serviceCode: 'X',
  serviceMessage: 'm',
  opcRequestId: 'req-1',
  retryAfterMs,
});

interface Sent {
  logId: string;
  data: string[];
  ids: string[];
  body: Record<string, unknown>;
}

/**
 * A shipper on a fake clock with a scripted service: `answer` decides each
 * request's result (a promise the test may hold open).
 */
function make(extra: Partial<ShipperOptions> & { answer?: (n: number, s: Sent) => SendResult | Promise<SendResult> } = {}) {
  const clock = new FakeClock();
  const sent: Sent[] = [];
  const sink = new MemorySink();
  const events: string[] = [];
  let inFlight = 0;
  let maxSeen = 0;
  const { answer, ...options } = extra;
  const shipper = new Shipper({
    logId: LOG,
    source: 'src',
    type: 'typ',
    subject: undefined,
    batchSize: 3,
    batchBytes: 1_000_000,
    flushIntervalMs: 60_000,
    maxInFlight: 1,
    maxRetries: 3,
    spool: undefined,
    spoolMaxBytes: Number.MAX_SAFE_INTEGER,
    whenFull: 'block',
    backoff: { baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 60_000 },
    send: async (logId, body) => {
      const parsed = JSON.parse(body.toString()) as { logEntryBatches: Array<{ entries: Array<{ data: string; id: string }> }> };
      const s: Sent = {
        logId,
        data: parsed.logEntryBatches.flatMap((b) => b.entries.map((e) => e.data)),
        ids: parsed.logEntryBatches.flatMap((b) => b.entries.map((e) => e.id)),
        body: parsed as unknown as Record<string, unknown>,
      };
      sent.push(s);
      inFlight += 1;
      maxSeen = Math.max(maxSeen, inFlight);
      try {
        return await (answer ? answer(sent.length - 1, s) : ok);
      } finally {
        inFlight -= 1;
      }
    },
    deadLetter: sink,
    clock,
    random: () => 1,
    events: {
      outageStarted: (since) => events.push(`outage since ${since - clock.start}`),
      outageEnded: (_s, d) => events.push(`resumed after ${d}`),
      refused: (f, fatal) => events.push(`refused ${f.result.status} ${fatal ? 'fatal' : 'batch'}`),
      gaveUp: (f) => events.push(`gave up after ${f.attempts}`),
      spoolFull: (full, policy) => events.push(`${full ? 'full' : 'room'} ${policy}`),
      deadLetterFailed: (_e, n) => events.push(`dead-letter failed ${n}`),
      spoolReadFailed: (_p, _e, kept) => events.push(`read failed ${kept ? 'kept' : 'lost'}`),
      handedOver: (_p, n, pid) => events.push(`handed over ${n} to ${pid ?? '?'}`),
      memoryFull: (full, policy) => events.push(`memory ${full ? 'full' : 'room'} ${policy}`),
      removeFailed: (path) => events.push(`remove failed ${path}`),
    },
    ...options,
  });
  return { shipper, sent, sink, events, clock, maxInFlight: () => maxSeen, resetMaxInFlight: () => (maxSeen = inFlight) };
}

function feed(shipper: Shipper, n: number, from = 0, timeMs = 1000): Promise<void> | undefined {
  for (let i = from; i < from + n; i++) shipper.add(`l${i}`, `id${String(i).padStart(4, '0')}`, timeMs + i);
  return shipper.commit();
}

/** Every entry is somewhere, exactly once. */
function balanced(r: ShipResult): void {
  expect(r.accepted + r.recovered, JSON.stringify(r)).to.equal(r.delivered + r.deadLettered + r.dropped + r.lost + r.skipped + r.spooled + r.handedOver);
}

function segments(dir: string): string[] {
  return readdirSync(dir).filter((n) => n.endsWith('.jsonl'));
}

describe('shipper: batching', () => {
  it('closes batches at batch-size and sends the rest on close, in order, with exact entries', async () => {
    const { shipper, sent } = make();
    feed(shipper, 7);
    const r = await shipper.close();
    expect(sent.map((s) => s.data)).to.deep.equal([['l0', 'l1', 'l2'], ['l3', 'l4', 'l5'], ['l6']]);
    expect(r).to.include({ accepted: 7, delivered: 7, deadLettered: 0, spooled: 0 });
    const body = sent[0]?.body as { specversion: string; logEntryBatches: Array<Record<string, unknown> & { entries: unknown[] }> };
    expect(body.specversion).to.equal('1.0');
    expect(body.logEntryBatches[0]).to.include({ source: 'src', type: 'typ', defaultlogentrytime: new Date(1000).toISOString() });
    expect(body.logEntryBatches[0]?.entries[1]).to.deep.equal({ data: 'l1', id: 'id0001', time: new Date(1001).toISOString() });
    balanced(r);
  });

  it('closes batches by bytes, never over batch-bytes, and fills them', async () => {
    const sizes: number[] = [];
    const { shipper, sent } = make({ batchSize: 10_000, batchBytes: 2000 });
    const s2 = make({ batchSize: 10_000, batchBytes: 2000, send: async (_l, body) => (sizes.push(body.length), ok) });
    for (const sh of [shipper, s2.shipper]) {
      for (let i = 0; i < 100; i++) sh.add(`line ${i} é "q" \u0001 ☃`, `id-${i}`, 5);
      sh.commit();
      await sh.close();
    }
    expect(sizes.length).to.be.greaterThan(2);
    for (const n of sizes) expect(n).to.be.at.most(2000);
    expect(sizes[0]).to.be.greaterThan(1800);
    expect(sent.flatMap((s) => s.data)).to.have.length(100);
  });

  it('keeps one logEntryBatch per run of source/type/subject, in order', async () => {
    const { shipper, sent } = make({ batchSize: 100 });
    shipper.add('a', '1', 1, { subject: 'stdout' });
    shipper.add('b', '2', 1, { subject: 'stderr' });
    shipper.add('c', '3', 1, { subject: 'stderr' });
    shipper.add('d', '4', 1, { subject: undefined, source: 'other' });
    shipper.commit();
    await shipper.close();
    const batches = (sent[0]?.body as { logEntryBatches: Array<{ subject?: string; source: string; entries: unknown[] }> }).logEntryBatches;
    expect(batches.map((b) => [b.subject, b.source, b.entries.length])).to.deep.equal([
      ['stdout', 'src', 1],
      ['stderr', 'src', 2],
      [undefined, 'other', 1],
    ]);
  });

  it('sends a partial batch when the flush interval passes', async () => {
    const { shipper, sent, clock } = make({ flushIntervalMs: 500 });
    feed(shipper, 1);
    await clock.advance(499);
    expect(sent).to.have.length(0);
    await clock.advance(1);
    expect(sent.map((s) => s.data)).to.deep.equal([['l0']]);
    await shipper.close();
  });
});

describe('shipper: retries and refusals', () => {
  it('retries 429, 5xx and no answer with backoff, never sooner than retry-after', async () => {
    const answers = [fail(429, 'transient', 5000), fail(503), fail(undefined)];
    const { shipper, sent, clock } = make({ answer: (n) => answers[n] ?? ok });
    feed(shipper, 1);
    const closing = shipper.close();
    await clock.advance(4999);
    expect(sent).to.have.length(1);
    await clock.advance(1);
    expect(sent).to.have.length(2);
    await clock.advance(10_000);
    const r = await closing;
    expect(sent).to.have.length(4);
    expect(r).to.include({ delivered: 1, retries: 3, deadLettered: 0 });
    expect(r.failure).to.equal(undefined);
  });

  it('memory only: a request out of retries goes to the dead-letter sink, and so does everything after it', async () => {
    const { shipper, sent, sink, events, clock } = make({ answer: () => fail(500) });
    feed(shipper, 6);
    const closing = shipper.close();
    await clock.advance(60_000);
    const r = await closing;
    expect(sent).to.have.length(4);
    expect(sink.records.map((x) => x.data)).to.deep.equal(['l0', 'l1', 'l2', 'l3', 'l4', 'l5']);
    expect(sink.records[0]).to.deep.equal({ data: 'l0', id: 'id0000', time: new Date(1000).toISOString(), source: 'src', type: 'typ', logId: LOG });
    expect(r).to.include({ delivered: 0, deadLettered: 6 });
    expect(r.failure?.attempts).to.equal(4);
    expect(events).to.include('gave up after 4');
    balanced(r);
  });

  it('a 404 stops delivery for good: that batch and every later one go to the dead-letter sink', async () => {
    const { shipper, sent, sink, events } = make({ answer: () => fail(404, 'fatal') });
    feed(shipper, 4);
    await settle();
    feed(shipper, 2, 4);
    const r = await shipper.close();
    expect(sent).to.have.length(1);
    expect(sink.records).to.have.length(6);
    expect(r.failure?.result).to.include({ status: 404, opcRequestId: 'req-1' });
    expect(events).to.deep.equal(['refused 404 fatal']);
    balanced(r);
  });

  it('a 400 refuses only its own batch: the rest is still delivered', async () => {
    const { shipper, sent, sink, events } = make({ answer: (n) => (n === 0 ? fail(400, 'refused') : ok) });
    feed(shipper, 6);
    const r = await shipper.close();
    expect(sent).to.have.length(2);
    expect(sink.records.map((x) => x.data)).to.deep.equal(['l0', 'l1', 'l2']);
    expect(r).to.include({ delivered: 3, deadLettered: 3 });
    expect(r.failure).to.equal(undefined);
    expect(events).to.deep.equal(['refused 400 batch']);
  });

  it('counts entries as lost, never crashes, when the dead-letter sink fails too (memory only)', async () => {
    const { shipper, sink, events } = make({ answer: () => fail(404, 'fatal') });
    sink.fail = new Error('ENOSPC: no space left on device');
    feed(shipper, 2);
    const r = await shipper.close();
    expect(r).to.include({ delivered: 0, deadLettered: 0, lost: 2 });
    expect(events).to.include('dead-letter failed 2');
    balanced(r);
  });
});

describe('shipper: several requests in flight', () => {
  it('sends up to max-in-flight at once while the service answers: each request holds a run of entries in input order, and every id goes exactly once', async () => {
    const holds: Array<() => void> = [];
    const { shipper, sent, maxInFlight } = make({ maxInFlight: 4, batchSize: 10, answer: () => new Promise<SendResult>((r) => holds.push(() => r(ok))) });
    void feed(shipper, 100);
    const closing = shipper.close();
    for (let i = 0; i < 200 && sent.length < 10; i++) {
      await settle();
      // Answered newest first: the order requests are answered in is not the order they were sent in.
      holds.splice(0).reverse().forEach((h) => h());
    }
    const r = await closing;
    expect(maxInFlight()).to.equal(4);
    expect(r.delivered).to.equal(100);
    const id = (i: number) => `id${String(i).padStart(4, '0')}`;
    // Within a request: consecutive entries, in the order they were read.
    for (const s of sent) {
      const first = Number((s.ids[0] as string).slice(2));
      expect(s.ids).to.deep.equal(Array.from({ length: 10 }, (_, i) => id(first + i)));
    }
    // Across requests: nothing is promised about order, only that each id goes once.
    const ids = sent.flatMap((s) => s.ids);
    expect(ids).to.have.length(100);
    expect(new Set(ids)).to.deep.equal(new Set(Array.from({ length: 100 }, (_, i) => id(i))));
  });

  it('holds the reader (backpressure) once the requests in flight and one more are full', async () => {
    const holds: Array<() => void> = [];
    const { shipper } = make({ maxInFlight: 2, answer: () => new Promise<SendResult>((r) => holds.push(() => r(ok))) });
    expect(feed(shipper, 3)).to.equal(undefined);
    expect(feed(shipper, 3, 3)).to.equal(undefined);
    const wait = feed(shipper, 3, 6);
    expect(wait).to.be.instanceOf(Promise);
    let released = false;
    void wait?.then(() => (released = true));
    await settle();
    expect(released).to.equal(false);
    holds.shift()?.();
    await settle();
    await settle();
    expect(released).to.equal(true);
    while (holds.length > 0 || shipper.stats().waiting > 0) {
      holds.splice(0).forEach((h) => h());
      await settle();
    }
    expect((await shipper.close()).delivered).to.equal(9);
  });
});

describe('shipper: the spool', () => {
  function spooled(dir: string, extra: Parameters<typeof make>[0] = {}) {
    const spool = SpoolDir.open(dir, { sync: false, reporter: { failed: () => undefined, recovered: () => undefined } });
    return { ...make({ spool, ...extra }), spool };
  }

  it('writes every record ahead to a segment before commit returns, and removes the segment once delivered', async () => {
    const dir = tempDir();
    const holds: Array<() => void> = [];
    const { shipper } = spooled(dir, { answer: () => new Promise<SendResult>((r) => holds.push(() => r(ok))) });
    shipper.add('first', 'id-1', 1000);
    shipper.add('second "q"', 'id-2', 1001, { subject: 'stderr' });
    shipper.commit();
    const files = segments(dir);
    expect(files).to.have.length(1);
    const { records, bad } = decodeSegment(readFileSync(join(dir, files[0] as string), 'utf8'));
    expect(bad).to.equal(0);
    expect(records).to.deep.equal([
      { data: 'first', id: 'id-1', time: new Date(1000).toISOString(), source: 'src', type: 'typ', logId: LOG },
      { data: 'second "q"', id: 'id-2', time: new Date(1001).toISOString(), source: 'src', type: 'typ', subject: 'stderr', logId: LOG },
    ]);
    const closing = shipper.close();
    await settle();
    expect(holds).to.have.length(1);
    holds[0]?.();
    const r = await closing;
    expect(r).to.include({ delivered: 2, spooled: 0 });
    expect(segments(dir)).to.deep.equal([]);
    expect(readdirSync(dir).filter((n) => n.endsWith('.lock'))).to.deep.equal([]);
  });

  it('rides out an outage of any length: keeps reading into the spool, says so once, and delivers everything after', async () => {
    const dir = tempDir();
    let down = true;
    const { shipper, events, clock, maxInFlight, resetMaxInFlight } = spooled(dir, { maxInFlight: 4, answer: () => (down ? fail(503) : ok) });
    // 20 lines/s for 2 minutes of fake time while the service answers 503.
    for (let t = 0; t < 120; t++) {
      const wait = feed(shipper, 20, t * 20);
      // Until the first answer the service counts as healthy (the reader waits on requests, not the disk); after it, never.
      if (t === 0) {
        await wait;
        resetMaxInFlight();
      } else expect(wait, `reading never blocks while the spool has room (second ${t})`).to.equal(undefined);
      await clock.advance(1000);
    }
    expect(events[0]).to.match(/^outage since/);
    expect(events.filter((e) => e.startsWith('outage'))).to.have.length(1);
    expect(maxInFlight(), 'one probe at a time while the service fails').to.equal(1);
    expect(shipper.stats().waiting).to.equal(2400);
    expect(segments(dir).length).to.be.greaterThan(100);
    down = false;
    const closing = shipper.close({ stallMs: 10_000 });
    await clock.until(() => shipper.stats().waiting === 0, 1000);
    const r = await closing;
    expect(events.at(-1)).to.match(/^resumed after/);
    expect(r).to.include({ delivered: 2400, deadLettered: 0, spooled: 0 });
    expect(segments(dir)).to.deep.equal([]);
  });

  it('at the end, stops after --shutdown-timeout without a success and leaves the rest in the spool for the next run', async () => {
    const dir = tempDir();
    const first = spooled(dir, { answer: () => fail(503) });
    feed(first.shipper, 5);
    const closing = first.shipper.close({ stallMs: 10_000 });
    await first.clock.advance(9_000);
    let done = false;
    void closing.then(() => (done = true));
    await settle();
    expect(done).to.equal(false);
    await first.clock.advance(2_000);
    const r = await closing;
    expect(r).to.include({ delivered: 0, deadLettered: 0, spooled: 5, stoppedBy: 'stall' });
    balanced(r);
    expect(segments(dir)).to.have.length(2);

    // The next run adopts what is left, with the original ids and times.
    const second = spooled(dir);
    const found = second.spool.adopt(LOG);
    expect(found.map((s) => s.records)).to.deep.equal([3, 2]);
    second.shipper.adopt(found);
    const r2 = await second.shipper.close();
    expect(r2).to.include({ accepted: 0, recovered: 5, delivered: 5, spooled: 0 });
    expect(second.sent.flatMap((s) => s.ids)).to.deep.equal(['id0000', 'id0001', 'id0002', 'id0003', 'id0004']);
    expect((second.sent[0]?.body as { logEntryBatches: Array<{ entries: Array<{ time: string }> }> }).logEntryBatches[0]?.entries[0]?.time).to.equal(new Date(1000).toISOString());
    expect(segments(dir)).to.deep.equal([]);
    balanced(r2);
  });

  it('skips and counts a torn last record (a crash mid-write) and delivers the rest', async () => {
    const dir = tempDir();
    const meta = JSON.stringify({ spool: 1, logId: LOG, source: 's', type: 't' });
    const entry = (i: number) => JSON.stringify({ data: `d${i}`, id: `id${i}`, time: '2026-12-01T00:00:00.000Z' });
    writeFileSync(join(dir, '1764547200000-000000.999999-0badc0de.' + 'a'.repeat(16) + '.jsonl'), `${meta}\n${entry(1)},\n${entry(2)},\n${entry(3).slice(0, 20)}`);
    const { shipper, spool, sent } = spooled(dir);
    const found = spool.adopt(undefined);
    expect(found.map((s) => s.records)).to.deep.equal([3]);
    shipper.adopt(found);
    const r = await shipper.close();
    expect(sent.flatMap((s) => s.data)).to.deep.equal(['d1', 'd2']);
    expect(r).to.include({ recovered: 3, delivered: 2, skipped: 1 });
    balanced(r);
  });

  it('never touches a live process\'s segments; adopts those of a process that is gone', async () => {
    const dir = tempDir();
    const a = spooled(dir, { answer: () => new Promise<SendResult>(() => undefined) });
    feed(a.shipper, 2);
    const b = spooled(dir);
    expect(b.spool.adopt(LOG), 'a is alive').to.deep.equal([]);
    a.shipper.abort();
    const found = b.spool.adopt(LOG);
    expect(found.map((s) => s.records)).to.deep.equal([2]);
    expect(b.spool.adopt(LOG), 'claimed once').to.deep.equal([]);
  });

  it('a segment another process took over (it judged this one gone) counts as handed over, not lost, and says to whom', async () => {
    const dir = tempDir();
    let other: SpoolDir | undefined;
    const { shipper, sink, events, spool } = spooled(dir, {
      answer: () => {
        // Another process finds no lock of ours, takes our segment, and then the service refuses the batch.
        rmSync(join(dir, `${spool.owner}.lock`));
        other = SpoolDir.open(dir, { sync: false, reporter: { failed: () => undefined, recovered: () => undefined } });
        expect(other.adopt(LOG)).to.have.length(1);
        return fail(400, 'refused');
      },
    });
    feed(shipper, 3);
    const r = await shipper.close();
    expect(events.filter((e) => e.startsWith('handed over'))).to.deep.equal([`handed over 3 to ${other?.owner.split('-')[0]}`]);
    expect(sink.records).to.deep.equal([]);
    expect(r).to.include({ handedOver: 3, lost: 0, deadLettered: 0, spooled: 0 });
    expect(spool.bytes).to.equal(0);
    balanced(r);
  });

  it('an adopted segment taken over again before it was read is handed over too', async () => {
    const dir = tempDir();
    const entries = ['a', 'b'].map((d) => JSON.stringify({ data: d, id: d, time: '2026-12-01T00:00:00.000Z' }));
    writeFileSync(join(dir, `1764547200000-000000.99999-0000dead.${logHash(LOG)}.jsonl`), [JSON.stringify({ spool: 1, logId: LOG, source: 's', type: 't' }), entries.join(',\n')].join('\n'));
    const { shipper, events, spool, sent } = spooled(dir);
    const found = spool.adopt(LOG);
    rmSync(join(dir, `${spool.owner}.lock`));
    const other = SpoolDir.open(dir, { sync: false, reporter: { failed: () => undefined, recovered: () => undefined } });
    expect(other.adopt(LOG)).to.have.length(1);
    shipper.adopt(found);
    const r = await shipper.close();
    expect(sent).to.deep.equal([]);
    expect(events.filter((e) => e.startsWith('handed over'))).to.deep.equal([`handed over 2 to ${other.owner.split('-')[0]}`]);
    expect(r).to.include({ recovered: 2, handedOver: 2, lost: 0, spooled: 0 });
    balanced(r);
  });

  it('--when-full block: stops the reader until delivery makes room', async () => {
    const dir = tempDir();
    let down = true;
    const { shipper, events, clock } = spooled(dir, { spoolMaxBytes: 1500, answer: () => (down ? fail(503) : ok) });
    await feed(shipper, 3);
    await settle();
    let wait: Promise<void> | undefined;
    for (let i = 1; i < 50 && !wait; i++) wait = feed(shipper, 3, i * 3);
    expect(wait).to.be.instanceOf(Promise);
    expect(events).to.include('full block');
    down = false;
    await clock.advance(20_000);
    await wait;
    const r = await shipper.close();
    expect(r.dropped).to.equal(0);
    expect(r.delivered).to.equal(r.accepted);
  });

  it('--when-full drop-oldest and drop-newest: count what they drop, and deliver the rest', async () => {
    for (const policy of ['drop-oldest', 'drop-newest'] as const) {
      const dir = tempDir();
      let down = true;
      const d = delivering(() => (down ? fail(503) : ok));
      const { shipper, events, clock } = spooled(dir, { spoolMaxBytes: 1500, whenFull: policy, answer: d.answer });
      await feed(shipper, 3);
      await settle();
      for (let i = 1; i < 20; i++) expect(feed(shipper, 3, i * 3), policy).to.equal(undefined);
      expect(events).to.include(`full ${policy}`);
      down = false;
      const closing = shipper.close({ stallMs: 10_000 });
      await clock.advance(30_000);
      const r = await closing;
      expect(r.dropped, policy).to.be.greaterThan(0);
      expect(r.delivered + r.dropped).to.equal(60);
      balanced(r);
      // What the service accepted (failed attempts carried entries too): each entry once, the first kept by drop-newest, the last by drop-oldest.
      expect(d.data).to.have.length(r.delivered);
      expect(new Set(d.data).size).to.equal(r.delivered);
      if (policy === 'drop-newest') expect(d.data).to.include('l0').and.not.include('l59');
      else expect(d.data).to.include('l59').and.not.include('l0');
    }
  });

  it('abort leaves everything in the spool (nothing dead-lettered); memory only, everything goes to the dead-letter sink', async () => {
    const dir = tempDir();
    const hang = () => new Promise<SendResult>(() => undefined);
    const s = spooled(dir, { answer: hang });
    feed(s.shipper, 5);
    const r = s.shipper.abort();
    expect(r).to.include({ spooled: 5, deadLettered: 0, stoppedBy: 'abort' });
    expect(segments(dir)).to.have.length(2);
    const m = make({ answer: hang });
    feed(m.shipper, 5);
    const r2 = m.shipper.abort();
    expect(r2).to.include({ spooled: 0, deadLettered: 5 });
    // The request under way first, then the queue: the order they were read in.
    expect(m.sink.records.map((x) => x.data)).to.deep.equal(['l0', 'l1', 'l2', 'l3', 'l4']);
  });

  it('a refused batch is copied from its segment to the dead-letter file; if that fails it stays in the spool', async () => {
    const dir = tempDir();
    const { shipper, sink, events } = spooled(dir, { answer: () => fail(404, 'fatal') });
    sink.fail = new Error('EROFS: read-only file system');
    feed(shipper, 3);
    const r = await shipper.close();
    expect(events).to.include('dead-letter failed 3');
    expect(r).to.include({ deadLettered: 0, lost: 0, spooled: 3 });
    expect(segments(dir)).to.have.length(1);
    balanced(r);
  });

  it('a refused batch whose segment cannot be read back stays in the spool: counted there, not lost', async () => {
    const dir = tempDir();
    const { shipper, sink, events } = spooled(dir, {
      answer: () => {
        // The segment can no longer be read (here: a folder took its name).
        const file = join(dir, segments(dir)[0] as string);
        rmSync(file);
        mkdirSync(file);
        return fail(400, 'refused');
      },
    });
    feed(shipper, 3);
    const r = await shipper.close();
    expect(events.filter((e) => e.startsWith('read failed'))).to.deep.equal(['read failed kept']);
    expect(sink.records).to.deep.equal([]);
    expect(r).to.include({ deadLettered: 0, lost: 0, spooled: 3 });
    balanced(r);
  });

  it('keeps records in memory, and says so, when a spool write fails (full disk); a crash-free run still delivers them', async () => {
    const dir = tempDir();
    const reports: string[] = [];
    let full = true;
    const spool = SpoolDir.open(dir, {
      sync: false,
      reporter: { failed: (_p, e) => reports.push(`failed ${e.code}`), recovered: () => reports.push('recovered') },
      write: (_fd, buffers) => {
        if (full) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        return buffers.reduce((n, b) => n + b.length, 0);
      },
    });
    const { shipper, sent } = make({ spool });
    feed(shipper, 3);
    expect(reports).to.deep.equal(['failed ENOSPC']);
    expect(shipper.stats().unspooled).to.equal(3);
    full = false;
    feed(shipper, 3, 3);
    expect(reports).to.deep.equal(['failed ENOSPC', 'recovered']);
    const r = await shipper.close();
    expect(sent.flatMap((s) => s.data)).to.have.length(6);
    expect(r.delivered).to.equal(6);
    expect(existsSync(dir)).to.equal(true);
  });
});

describe('shipper: outages', () => {
  it('a frozen service (no answer at all) is an outage after outageAfterMs: said once, and the reader goes on into the spool', async () => {
    const dir = tempDir();
    const spool = SpoolDir.open(dir, { sync: false, reporter: { failed: () => undefined, recovered: () => undefined } });
    const { shipper, events, clock } = make({ spool, maxInFlight: 2, answer: () => new Promise<SendResult>(() => undefined) });
    const waits: Array<Promise<void> | undefined> = [];
    for (let i = 0; i < 4; i++) waits.push(feed(shipper, 3, i * 3));
    expect(waits[3]).to.be.instanceOf(Promise);
    await clock.advance(9_999);
    expect(events).to.deep.equal([]);
    await clock.advance(1);
    expect(events).to.deep.equal([`outage since ${0}`]);
    await waits[3];
    expect(feed(shipper, 30, 12)).to.equal(undefined);
    const stats: ShipStats = shipper.stats();
    expect(stats.outageSince).to.equal(clock.start);
    shipper.abort();
  });
});

/** Runs `body` with a spy in place of every 'unhandledRejection' listener; fails if a promise was left rejected with no handler. */
async function withoutUnhandledRejections(body: () => Promise<void>): Promise<void> {
  const seen: unknown[] = [];
  const others = process.listeners('unhandledRejection');
  process.removeAllListeners('unhandledRejection');
  const spy = (reason: unknown): void => {
    seen.push(reason);
  };
  process.on('unhandledRejection', spy);
  try {
    await body();
    await settle();
    await settle();
  } finally {
    process.off('unhandledRejection', spy);
    for (const l of others) process.on('unhandledRejection', l);
  }
  expect(seen.map(String), 'promises rejected with no handler').to.deep.equal([]);
}

/** The value of a promise that must have settled by now (after the fake clock moved): a hang fails the test at once. */
async function settled<T>(promise: Promise<T>): Promise<T> {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  for (let i = 0; i < 5 && !done; i++) await settle();
  expect(done, 'settled').to.equal(true);
  return promise;
}

const quietReporter = { failed: () => undefined, recovered: () => undefined };

const noSpace = (): never => {
  throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
};

/** The data of the requests the service accepted, in the order they were answered. */
function delivering(answer: (n: number, s: Sent) => SendResult | Promise<SendResult>) {
  const data: string[] = [];
  const ids: string[][] = [];
  return {
    data,
    ids,
    answer: async (n: number, s: Sent): Promise<SendResult> => {
      const r = await answer(n, s);
      if (r.ok) {
        data.push(...s.data);
        ids.push(s.ids);
      }
      return r;
    },
  };
}

describe('shipper: a spool segment that cannot be made', () => {
  it('the spool folder removed mid-run: each failure names the folder and its code, the lines go on in memory and are delivered, and the spool is used again once it can be', async () => {
    const dir = join(tempDir(), 'spool');
    const reports: string[] = [];
    const spool = SpoolDir.open(dir, { sync: false, reporter: { failed: (p, e) => reports.push(`failed ${p} ${e.code}`), recovered: () => reports.push('recovered') } });
    const { shipper, sent } = make({ spool });
    feed(shipper, 3);
    await settle();
    rmSync(dir, { recursive: true });
    expect(() => feed(shipper, 6, 3)).to.not.throw();
    const failures = reports.filter((x) => x.startsWith('failed'));
    expect(failures.length).to.be.greaterThan(0);
    expect(new Set(failures)).to.deep.equal(new Set([`failed ${dir} ENOENT`]));
    expect(shipper.stats().unspooled).to.equal(6);
    mkdirSync(dir);
    feed(shipper, 3, 9);
    expect(reports.at(-1)).to.equal('recovered');
    const r = await shipper.close();
    expect(sent.flatMap((s) => s.data)).to.deep.equal(Array.from({ length: 12 }, (_, i) => `l${i}`));
    expect(r).to.include({ accepted: 12, delivered: 12, lost: 0, spooled: 0 });
    balanced(r);
  });
});

describe('shipper: a full disk while the service is away', () => {
  it('while the service answers, a spool that cannot be written drops nothing: the reader waits on the requests', async () => {
    const spool = SpoolDir.open(tempDir(), { sync: false, reporter: quietReporter, write: noSpace });
    const holds: Array<() => void> = [];
    const { shipper, events } = make({ spool, maxInFlight: 2, whenFull: 'drop-newest', answer: () => new Promise<SendResult>((r) => holds.push(() => r(ok))) });
    let wait: Promise<void> | undefined;
    for (let i = 0; i < 10 && !wait; i++) wait = feed(shipper, 3, i * 3);
    expect(wait).to.be.instanceOf(Promise);
    expect(shipper.stats().dropped).to.equal(0);
    while (holds.length > 0) {
      holds.splice(0).forEach((h) => h());
      await settle();
    }
    await wait;
    const r = await shipper.close();
    expect(r.dropped).to.equal(0);
    expect(r.delivered).to.equal(r.accepted);
    expect(events.filter((e) => e.startsWith('memory'))).to.deep.equal([]);
  });

  for (const policy of ['block', 'drop-newest', 'drop-oldest'] as const) {
    it(`--when-full ${policy} bounds what memory holds when the spool cannot be written, and counts every entry`, async () => {
      const spool = SpoolDir.open(tempDir(), { sync: false, reporter: quietReporter, write: noSpace });
      let down = true;
      const d = delivering(() => (down ? fail(503) : ok));
      const { shipper, clock, events } = make({ spool, maxInFlight: 2, whenFull: policy, answer: d.answer });
      feed(shipper, 3);
      await settle();
      // Memory may hold the requests under way and one more, plus the chunk being read.
      const bound = (2 + 2) * 3;
      let most = 0;
      let wait: Promise<void> | undefined;
      let fed = 3;
      for (let i = 0; i < 40 && !wait; i++) {
        wait = feed(shipper, 3, fed);
        fed += 3;
        most = Math.max(most, shipper.stats().waiting);
      }
      expect(most, 'entries held in memory').to.be.at.most(bound);
      expect(events.filter((e) => e.startsWith('memory full'))).to.deep.equal([`memory full ${policy}`]);
      if (policy === 'block') expect(wait, 'the reader waits').to.be.instanceOf(Promise);
      else expect(wait, 'dropping, the reader goes on').to.equal(undefined);
      down = false;
      const closing = shipper.close({ stallMs: 60_000 });
      await clock.until(() => shipper.stats().waiting === 0, 1000);
      await wait;
      const r = await settled(closing);
      balanced(r);
      expect(r.accepted).to.equal(fed);
      expect(d.data).to.have.length(r.delivered);
      expect(new Set(d.data).size, 'each entry once').to.equal(r.delivered);
      if (policy === 'block') {
        expect(r).to.include({ dropped: 0, delivered: fed });
      } else {
        expect(r.dropped).to.be.greaterThan(0);
        expect(r.delivered + r.dropped).to.equal(fed);
        if (policy === 'drop-newest') expect(d.data).to.include('l0').and.not.include(`l${fed - 1}`);
        else expect(d.data).to.include(`l${fed - 1}`).and.not.include('l0');
      }
    });
  }
});

/** A segment file that a process gone since left, for `log`, with one entry per datum. */
function leftSegment(dir: string, owner: string, seq: number, log: string, data: readonly string[]): string {
  const name = `1764547200000-${String(seq).padStart(6, '0')}.${owner}.${logHash(log)}.jsonl`;
  const meta = JSON.stringify({ spool: 1, logId: log, source: 's', type: 't' });
  const entries = data.map((x) => JSON.stringify({ data: x, id: `id-${x}`, time: '2026-12-01T00:00:00.000Z' }));
  writeFileSync(join(dir, name), `${meta}\n${entries.join(',\n')}`, { mode: 0o600 });
  return name;
}

describe('shipper: several logs (flush, recovery)', () => {
  const OTHER = 'ocid1.log.oc1.iad.other';

  it('a 401/403/404 for one log dead-letters only that log\'s entries; the other logs are still delivered, and the result says which log lost what', async () => {
    const dir = tempDir();
    const gone = '77777-0000beef';
    leftSegment(dir, gone, 1, LOG, ['a1', 'a2']);
    leftSegment(dir, gone, 2, OTHER, ['b1', 'b2']);
    leftSegment(dir, gone, 3, LOG, ['a3']);
    leftSegment(dir, gone, 4, OTHER, ['b3']);
    const spool = SpoolDir.open(dir, { sync: false, reporter: quietReporter });
    const d = delivering((_n, s) => (s.logId === LOG ? fail(404, 'fatal') : ok));
    const { shipper, sink, events } = make({ spool, logId: undefined, maxInFlight: 1, answer: d.answer });
    shipper.adopt(spool.adopt(undefined));
    const r = await shipper.close();
    expect(d.data).to.deep.equal(['b1', 'b2', 'b3']);
    expect(sink.records.map((x) => x.data).sort()).to.deep.equal(['a1', 'a2', 'a3']);
    expect(events.filter((e) => e.startsWith('refused'))).to.deep.equal(['refused 404 fatal']);
    expect(r).to.include({ recovered: 6, delivered: 3, deadLettered: 3, spooled: 0 });
    expect(r.logs.map((l) => [l.logId, l.delivered, l.deadLettered, l.failure?.result.status])).to.deep.equal([
      [OTHER, 3, 0, undefined],
      [LOG, 0, 3, 404],
    ]);
    expect(segments(dir)).to.deep.equal([]);
    balanced(r);
  });

  it('after a fatal refusal of its own log, new input still goes to the dead-letter file; another log\'s adopted entries are still sent', async () => {
    const dir = tempDir();
    leftSegment(dir, '77777-0000beef', 1, OTHER, ['b1']);
    const spool = SpoolDir.open(dir, { sync: false, reporter: quietReporter });
    const d = delivering((_n, s) => (s.logId === LOG ? fail(403, 'fatal') : ok));
    const { shipper, sink } = make({ spool, answer: d.answer });
    feed(shipper, 3);
    await settle();
    feed(shipper, 2, 3);
    shipper.adopt(spool.adopt(undefined));
    const r = await shipper.close();
    expect(d.data).to.deep.equal(['b1']);
    expect(sink.records.map((x) => x.data)).to.deep.equal(['l0', 'l1', 'l2', 'l3', 'l4']);
    expect(r).to.include({ accepted: 5, recovered: 1, delivered: 1, deadLettered: 5 });
    balanced(r);
  });
});

describe('shipper: a segment is removed only when really done', () => {
  it('a segment whose removal fails (EISDIR, EACCES) is delivered all the same, said, left in place; nothing crashes and the rest goes on', async () => {
    await withoutUnhandledRejections(async () => {
      const dir = tempDir();
      const spool = SpoolDir.open(dir, { sync: false, reporter: quietReporter });
      let stuck = '';
      const { shipper, events } = make({
        spool,
        answer: (n) => {
          if (n === 0) {
            // The file cannot be unlinked any more (here: a folder took its name).
            stuck = join(dir, segments(dir).sort()[0] as string);
            rmSync(stuck);
            mkdirSync(stuck);
            writeFileSync(join(stuck, 'x'), '');
          }
          return ok;
        },
      });
      feed(shipper, 6);
      const r = await settled(shipper.close());
      expect(r).to.include({ delivered: 6, spooled: 0, lost: 0 });
      expect(events.filter((e) => e.startsWith('remove failed'))).to.deep.equal([`remove failed ${stuck}`]);
      expect(segments(dir)).to.deep.equal([stuck.slice(dir.length + 1)]);
      balanced(r);
    });
  });

  it('a batch waiting on disk whose segment cannot be read back stays in the spool: counted there, not lost, and not unlinked', async () => {
    const dir = tempDir();
    const spool = SpoolDir.open(dir, { sync: false, reporter: quietReporter });
    let down = true;
    const { shipper, events, clock } = make({ spool, answer: () => (down ? fail(503) : ok) });
    feed(shipper, 3);
    await settle();
    for (let i = 1; i < 4; i++) feed(shipper, 3, i * 3);
    // The newest batch waits on disk only; its file can no longer be read (a link to itself: ELOOP).
    const broken = join(dir, segments(dir).sort().at(-1) as string);
    rmSync(broken);
    symlinkSync(broken, broken);
    down = false;
    const closing = shipper.close({ stallMs: 60_000 });
    await clock.advance(10_000);
    const r = await settled(closing);
    expect(events.filter((e) => e.startsWith('read failed'))).to.deep.equal(['read failed kept']);
    expect(r).to.include({ delivered: 9, spooled: 3, lost: 0 });
    expect(lstatSync(broken).isSymbolicLink()).to.equal(true);
    balanced(r);
  });

  it('an adopted segment that grew after it was read (its writer still had it open) is not removed until what was added is sent too', async () => {
    const dir = tempDir();
    const file = join(dir, leftSegment(dir, '77777-0000beef', 1, LOG, ['a', 'b']));
    const spool = SpoolDir.open(dir, { sync: false, reporter: quietReporter });
    const found = spool.adopt(LOG);
    const added = ['c', 'd'].map((x) => JSON.stringify({ data: x, id: `id-${x}`, time: '2026-12-01T00:00:00.000Z' }));
    const d = delivering((n) => {
      if (n === 0) appendFileSync(found[0]?.path as string, `,\n${added.join(',\n')}`);
      return ok;
    });
    const { shipper } = make({ spool, answer: d.answer });
    shipper.adopt(found);
    const r = await shipper.close();
    expect(d.data).to.deep.equal(['a', 'b', 'c', 'd']);
    expect(r).to.include({ recovered: 4, delivered: 4, spooled: 0 });
    expect(existsSync(file)).to.equal(false);
    expect(segments(dir)).to.deep.equal([]);
    balanced(r);
  });

  it('a line cut into pieces across two requests: the first request\'s segment goes when it is delivered, the second\'s stays while its request is under way', async () => {
    const dir = tempDir();
    const spool = SpoolDir.open(dir, { sync: false, reporter: quietReporter });
    const holds: Array<() => void> = [];
    const { shipper } = make({ spool, maxInFlight: 2, batchSize: 2, answer: (n) => (n === 0 ? ok : new Promise<SendResult>((r) => holds.push(() => r(ok)))) });
    for (let p = 1; p <= 4; p++) shipper.add(`piece ${p}`, `id-p000${p}`, 1000);
    shipper.commit();
    await settle();
    const left = segments(dir);
    expect(left).to.have.length(1);
    expect(decodeSegment(readFileSync(join(dir, left[0] as string), 'utf8')).records.map((x) => x.data)).to.deep.equal(['piece 3', 'piece 4']);
    holds.forEach((h) => h());
    const r = await shipper.close();
    expect(r).to.include({ delivered: 4, spooled: 0 });
    expect(segments(dir)).to.deep.equal([]);
  });
});

describe('shipper: no promise left rejected', () => {
  it('a send that throws (at once, or by rejecting) is a failed attempt: retried, and delivered', async () => {
    await withoutUnhandledRejections(async () => {
      let calls = 0;
      const { shipper, clock } = make({
        send: (() => {
          calls += 1;
          if (calls === 1) throw new Error('signing failed');
          if (calls === 2) return Promise.reject(new Error('socket exploded'));
          return Promise.resolve(ok);
        }) as ShipperOptions['send'],
      });
      feed(shipper, 3);
      const closing = shipper.close();
      await clock.advance(10_000);
      const r = await settled(closing);
      expect(r).to.include({ delivered: 3, retries: 2, lost: 0 });
      expect(r.lastFailure?.result.serviceMessage).to.match(/socket exploded/);
    });
  });

  it('a send that rejects when it is abandoned (abort, or a stop during its retry) leaves nothing unhandled', async () => {
    await withoutUnhandledRejections(async () => {
      const { shipper } = make({
        send: (_log, _body, signal) =>
          new Promise<SendResult>((_resolve, reject) => signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))),
      });
      feed(shipper, 3);
      await settle();
      const r = shipper.abort();
      expect(r).to.include({ deadLettered: 3 });
    });
  });

  it('a listener that throws (a library user\'s onWarning) neither stops delivery nor leaves a promise rejected', async () => {
    await withoutUnhandledRejections(async () => {
      const { shipper, sink } = make({
        answer: (n) => (n === 0 ? fail(400, 'refused') : ok),
        events: {
          refused: () => {
            throw new Error('listener failed');
          },
        },
      });
      feed(shipper, 6);
      const r = await settled(shipper.close());
      expect(sink.records.map((x) => x.data)).to.deep.equal(['l0', 'l1', 'l2']);
      expect(r).to.include({ delivered: 3, deadLettered: 3 });
    });
  });
});

describe('shipper: counts are exact', () => {
  /** Entries in the segment files left in `dir`. */
  function onDisk(dir: string): number {
    return segments(dir).reduce((n, s) => n + decodeSegment(readFileSync(join(dir, s), 'utf8')).records.length, 0);
  }

  it('an outage, then the shutdown timeout with requests under way: read = delivered + left in the spool, and the spool holds exactly that many', async () => {
    const dir = tempDir();
    const spool = SpoolDir.open(dir, { sync: false, reporter: quietReporter });
    const d = delivering((n) => (n < 2 ? ok : n % 2 === 0 ? new Promise<SendResult>(() => undefined) : fail(503)));
    const { shipper, clock } = make({ spool, maxInFlight: 4, answer: d.answer });
    for (let i = 0; i < 20; i++) {
      const wait = feed(shipper, 3, i * 3);
      if (wait) await Promise.race([wait, clock.advance(1000)]);
      await clock.advance(100);
    }
    const closing = shipper.close({ stallMs: 10_000 });
    await clock.advance(30_000);
    const r = await settled(closing);
    expect(r.stoppedBy).to.equal('stall');
    expect(r.accepted).to.equal(60);
    expect(r.delivered).to.equal(d.data.length);
    expect(r.spooled).to.equal(60 - r.delivered);
    expect(onDisk(dir)).to.equal(r.spooled);
    expect(r.spooled).to.be.greaterThan(0);
    balanced(r);
  });

  it('--when-full drop-oldest with requests under way: what is delivered, dropped and left adds up to what was read', async () => {
    const dir = tempDir();
    const spool = SpoolDir.open(dir, { sync: false, reporter: quietReporter });
    let down = true;
    const d = delivering(() => (down ? fail(503) : ok));
    const { shipper, clock } = make({ spool, maxInFlight: 4, spoolMaxBytes: 2000, whenFull: 'drop-oldest', answer: d.answer });
    for (let i = 0; i < 40; i++) {
      expect(feed(shipper, 3, i * 3)).to.equal(undefined);
      await clock.advance(100);
    }
    down = false;
    const closing = shipper.close({ stallMs: 10_000 });
    await clock.until(() => shipper.stats().waiting === 0, 1000);
    const r = await settled(closing);
    expect(r.dropped).to.be.greaterThan(0);
    expect(new Set(d.data).size).to.equal(d.data.length);
    expect(r).to.include({ accepted: 120, delivered: d.data.length, spooled: 0 });
    expect(r.delivered + r.dropped).to.equal(120);
    expect(d.data).to.include('l119');
    expect(onDisk(dir)).to.equal(0);
    balanced(r);
  });
});
