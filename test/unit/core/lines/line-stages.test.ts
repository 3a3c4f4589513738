import { Readable } from 'node:stream';
import { expect } from 'chai';
import { newLineStats } from '../../../../src/core/lines/line-stats.js';
import type { LineOptions } from '../../../../src/core/lines/line-options.js';
import { Redaction } from '../../../../src/core/lines/redact.js';
import { EntryIdGenerator } from '../../../../src/core/pipe/entry-id.js';
import { createLineFeeder } from '../../../../src/core/pipe/line-feeder.js';
import type { EntrySink } from '../../../../src/core/pipe/line-feeder.js';
import { pipeLines } from '../../../../src/core/pipe/pipe-lines.js';
import type { EntryMeta } from '../../../../src/core/pipe/shipper.js';
import { FakeClock } from '../../../helpers/fake-clock.js';

interface Added {
  data: string;
  id: string;
  time: number;
  meta: EntryMeta | undefined;
}

function sink(): { shipper: EntrySink; added: Added[]; commits: () => number } {
  const added: Added[] = [];
  let commits = 0;
  return {
    shipper: {
      add: (data, id, time, meta) => void added.push({ data, id, time, meta }),
      commit: () => {
        commits += 1;
        return undefined;
      },
    },
    added,
    commits: () => commits,
  };
}

function lineOptions(o: Partial<LineOptions> = {}): LineOptions {
  return { multilineTimeoutMs: 1000, time: {}, stats: newLineStats(), ...o };
}

const JAVA = { multiline: { preset: 'java' } } as const;

describe('line stages in the feeder', () => {
  it('a group of lines is one entry, joined with \\n, timed when its first line was read', async () => {
    const clock = new FakeClock();
    const { shipper, added } = sink();
    const feeder = createLineFeeder({ shipper, ids: new EntryIdGenerator(), clock, lines: lineOptions(JAVA) });
    const t0 = clock.now();
    feeder.push(Buffer.from('java.lang.IllegalStateException: boom\n\tat a.B.c(B.java:1)\n'));
    await clock.advance(5);
    feeder.push(Buffer.from('\tat a.B.d(B.java:2)\nnext line\n'));
    expect(added.map((a) => a.data)).to.deep.equal(['java.lang.IllegalStateException: boom\n\tat a.B.c(B.java:1)\n\tat a.B.d(B.java:2)']);
    expect(added[0]?.time).to.equal(t0);
    feeder.end();
    expect(added.map((a) => a.data)).to.deep.equal(['java.lang.IllegalStateException: boom\n\tat a.B.c(B.java:1)\n\tat a.B.d(B.java:2)', 'next line']);
    expect(feeder.lines).to.equal(4);
  });

  it('closes a group after --multiline-timeout of silence while stdin stays open, and writes it ahead', async () => {
    const clock = new FakeClock();
    const { shipper, added, commits } = sink();
    const feeder = createLineFeeder({ shipper, ids: new EntryIdGenerator(), clock, lines: lineOptions({ ...JAVA, multilineTimeoutMs: 1000 }) });
    feeder.push(Buffer.from('Exception: boom\n\tat a.B.c(B.java:1)\n'));
    await clock.advance(600);
    feeder.push(Buffer.from('\tat a.B.d(B.java:2)\n'));
    await clock.advance(900);
    expect(added, 'input 900 ms ago: the group is still open').to.deep.equal([]);
    const before = commits();
    await clock.advance(100);
    expect(added.map((a) => a.data)).to.deep.equal(['Exception: boom\n\tat a.B.c(B.java:1)\n\tat a.B.d(B.java:2)']);
    expect(commits()).to.equal(before + 1);
    expect(clock.timers, 'no timer while no group is open').to.equal(0);
    feeder.push(Buffer.from('later\n'));
    await clock.advance(1000);
    expect(added.map((a) => a.data).at(-1)).to.equal('later');
    feeder.end();
  });

  it('sends the last group at the end of input, and on a stop (a signal) before the input ends', async () => {
    for (const stop of [false, true]) {
      const { shipper, added } = sink();
      const input = new Readable({ read() {} });
      const pipe = pipeLines({ input, shipper, ids: new EntryIdGenerator(), clock: new FakeClock(), lines: lineOptions(JAVA) });
      input.push(Buffer.from('Exception: boom\n\tat a.B.c(B.java:1)\n\tat a.B.d(B.java:2)'));
      await new Promise((r) => setImmediate(r));
      if (stop) pipe.stop();
      else input.push(null);
      const r = await pipe.done;
      expect(r.stopped).to.equal(stop);
      expect(added.map((a) => a.data), stop ? 'stop' : 'end').to.deep.equal(['Exception: boom\n\tat a.B.c(B.java:1)\n\tat a.B.d(B.java:2)']);
    }
  });

  it('a 50,000-line trace is one group sent as 10,000-character pieces with one id, one time, in order', () => {
    const { shipper, added } = sink();
    const feeder = createLineFeeder({ shipper, ids: new EntryIdGenerator(), clock: new FakeClock(), lines: lineOptions(JAVA) });
    const frames = Array.from({ length: 49_999 }, (_, i) => `\tat com.example.Deep.call${i}(Deep.java:${i})`);
    const trace = ['java.lang.StackOverflowError', ...frames].join('\n');
    const bytes = Buffer.from(trace + '\nafter\n');
    for (let at = 0; at < bytes.length; at += 65_536) feeder.push(bytes.subarray(at, at + 65_536));
    feeder.end();
    const pieces = added.slice(0, -1);
    expect(pieces.length).to.equal(Math.ceil(trace.length / 10_000));
    expect(pieces.every((p) => p.data.length <= 10_000)).to.equal(true);
    expect(pieces.map((p) => p.data).join('')).to.equal(trace);
    const base = pieces[0]?.id.replace(/-p0001$/, '') ?? '';
    expect(pieces.map((p) => p.id)).to.deep.equal(pieces.map((_, i) => `${base}-p${String(i + 1).padStart(4, '0')}`));
    expect(new Set(pieces.map((p) => p.time)).size).to.equal(1);
    expect(added.at(-1)?.data).to.equal('after');
    expect(feeder.lines).to.equal(50_001);
  });

  it('redacts before grouping, timing and cutting into pieces; the wrapper sees the masked text', () => {
    const stats = newLineStats();
    const { shipper, added } = sink();
    const feeder = createLineFeeder({
      shipper,
      ids: new EntryIdGenerator(),
      clock: new FakeClock(),
      wrap: (t) => `<${t}>`,
      lines: lineOptions({ ...JAVA, redaction: new Redaction(['secrets']), stats }),
    });
    feeder.push(Buffer.from('Exception: login failed for postgres://app:hunter2@db/x\n\tat a.B.c(B.java:1) password=hunter2\nok\n'));
    feeder.end();
    expect(added.map((a) => a.data)).to.deep.equal(['<Exception: login failed for postgres://app:[REDACTED]@db/x\n\tat a.B.c(B.java:1) password=[REDACTED]>', '<ok>']);
    expect(Object.fromEntries(stats.redactions)).to.include({ 'url-password': 1, 'secret-field': 1 });
    expect(JSON.stringify(added)).not.to.include('hunter2');
  });

  it('redacts a secret across the cut of a line longer than the splitter holds', () => {
    const { shipper, added } = sink();
    const feeder = createLineFeeder({ shipper, ids: new EntryIdGenerator(), clock: new FakeClock(), lines: lineOptions({ redaction: new Redaction(['secrets']) }) });
    const head = 'a'.repeat(65_530);
    feeder.push(Buffer.from(head + ' token=abcdefgh'));
    feeder.push(Buffer.from('ijkl ' + 'b'.repeat(70_000)));
    feeder.push(Buffer.from(' end\n'));
    feeder.end();
    const text = added.map((a) => a.data).join('');
    expect(added.length, 'in pieces').to.be.greaterThan(10);
    expect(text).to.equal(head + ' token=[REDACTED] ' + 'b'.repeat(70_000) + ' end');
  });

  it('--time-key and --subject-key: the entry time and subject come from the group\'s first line', () => {
    const clock = new FakeClock();
    const { shipper, added } = sink();
    const feeder = createLineFeeder({
      shipper,
      ids: new EntryIdGenerator(),
      clock,
      meta: { subject: 'stdout' },
      lines: lineOptions({ multiline: { preset: 'indented' }, time: { timeKey: 'time' }, subjectKey: 'level' }),
    });
    const t = clock.now() - 60_000;
    feeder.push(Buffer.from(`{"time":${t},"level":"error","msg":"boom"}\n  detail\n{"level":30}\nplain\n`));
    feeder.end();
    expect(added.map((a) => [a.data, a.time - clock.now(), a.meta?.subject])).to.deep.equal([
      [`{"time":${t},"level":"error","msg":"boom"}\n  detail`, -60_000, 'error'],
      ['{"level":30}', 0, '30'],
      ['plain', 0, 'stdout'],
    ]);
  });

  it('without line options, lines take the plain path: one line, one entry', () => {
    const { shipper, added } = sink();
    const feeder = createLineFeeder({ shipper, ids: new EntryIdGenerator(), lines: lineOptions() });
    feeder.push(Buffer.from('a\n\tat b\n'));
    feeder.end();
    expect(added.map((a) => a.data)).to.deep.equal(['a', '\tat b']);
  });
});
