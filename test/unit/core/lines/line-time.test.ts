import { expect } from 'chai';
import { newLineStats } from '../../../../src/core/lines/line-stats.js';
import { LineTime } from '../../../../src/core/lines/line-time.js';
import { ENTRY_TIME_WINDOW } from '../../../../src/core/lines/time-window.js';

const READ_AT = Date.parse('2026-12-02T08:00:00.000Z');
const T = Date.parse('2026-12-02T07:59:30.123Z');

function timer(options: ConstructorParameters<typeof LineTime>[0]) {
  const stats = newLineStats();
  const notices: string[] = [];
  const lt = new LineTime(options, stats, (kind, message) => notices.push(`${kind}: ${message}`));
  return { lt, stats, notices };
}

describe('the time a line says', () => {
  it('--time-key: every accepted form gives the same time', () => {
    const { lt, stats } = timer({ timeKey: 'time' });
    const forms = [
      '{"time":"2026-12-02T07:59:30.123Z"}', // RFC 3339
      '{"time":"2026-12-02T07:59:30.123456789Z"}', // nanoseconds in text
      '{"time":"2026-12-02T09:59:30.123+02:00"}', // with an offset
      '{"time":"2026-12-02 07:59:30.123"}', // no zone: UTC
      `{"time":${T / 1000}}`, // epoch seconds with a fraction (zap)
      `{"level":30,"time":${T},"msg":"pino"}`, // epoch milliseconds (pino)
      `{"time":${T}456}`, // microseconds
      `{"time":${T}456789}`, // nanoseconds
      `{"time":"${T}"}`, // milliseconds written as a string
    ];
    for (const line of forms) expect(lt.timeOf(line, READ_AT), line).to.equal(T);
    expect(stats).to.include({ untimed: 0, clamped: 0 });
  });

  it('--time-key: a bad value or a missing field gives the read time, is counted, and is said once', () => {
    const { lt, stats, notices } = timer({ timeKey: 'time' });
    expect(lt.timeOf('{"time":"yesterday"}', READ_AT)).to.equal(READ_AT);
    expect(lt.timeOf('{"time":null}', READ_AT)).to.equal(READ_AT);
    expect(lt.timeOf('{"ts":1}', READ_AT)).to.equal(READ_AT);
    expect(lt.timeOf('plain text', READ_AT)).to.equal(READ_AT);
    expect(stats.untimed).to.equal(4);
    expect(notices).to.deep.equal(['untimed: a line has no usable time (its "time" is "yesterday", not a time); such lines get the time they were read, and are counted']);
  });

  it('--time-prefix: a leading ISO or syslog time (also after a [), the line unchanged', () => {
    const { lt, stats } = timer({ timePrefix: true });
    expect(lt.timeOf('2026-12-02T07:59:30.123Z INFO started', READ_AT)).to.equal(T);
    expect(lt.timeOf('[2026-12-02 07:59:30,123] WARN x', READ_AT)).to.equal(T);
    expect(lt.timeOf('Dec  2 07:59:30 host sshd[1]: ok', READ_AT)).to.equal(T - 123);
    expect(lt.timeOf('INFO no time here', READ_AT)).to.equal(READ_AT);
    expect(lt.timeOf('12 apples', READ_AT)).to.equal(READ_AT);
    expect(stats.untimed).to.equal(2);
  });

  it('both: a JSON line by its field, any other line by its prefix', () => {
    const { lt, stats, notices } = timer({ timeKey: 'time', timePrefix: true });
    expect(lt.timeOf(`{"time":${T}}`, READ_AT)).to.equal(T);
    expect(lt.timeOf('2026-12-02T07:59:30.123Z text', READ_AT)).to.equal(T);
    expect(lt.timeOf('neither', READ_AT)).to.equal(READ_AT);
    expect(stats.untimed).to.equal(1);
    expect(notices[0]).to.include('it has no top-level "time" field, nor does it start with a time');
  });

  it('clamps a time outside the window to its edge, counts it, says it once, and never drops the line', () => {
    const { lt, stats, notices } = timer({ timeKey: 't' });
    const oldest = READ_AT - ENTRY_TIME_WINDOW.pastMs;
    const latest = READ_AT + ENTRY_TIME_WINDOW.futureMs;
    expect(lt.timeOf('{"t":0}', READ_AT)).to.equal(oldest);
    expect(lt.timeOf('{"t":"2019-01-01T00:00:00Z"}', READ_AT)).to.equal(oldest);
    expect(lt.timeOf('{"t":"2026-12-02T09:00:00Z"}', READ_AT)).to.equal(latest);
    expect(lt.timeOf(`{"t":${oldest}}`, READ_AT), 'the edge itself is inside').to.equal(oldest);
    expect(stats.clamped).to.equal(3);
    expect(notices).to.have.length(1);
    expect(notices[0]).to.match(/^clamped: a line's time 1970-01-01T00:00:00.000Z is more than 30 days old/);
  });
});
