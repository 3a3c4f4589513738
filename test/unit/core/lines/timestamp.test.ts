import { expect } from 'chai';
import { epochToMs, readIsoTime, readSyslogTime, readTimeText } from '../../../../src/core/lines/timestamp.js';

const at = (iso: string): number => Date.parse(iso);

describe('timestamps in lines', () => {
  it('reads ISO 8601 / RFC 3339 with or without a zone (none is UTC), T, t or a space, any fraction', () => {
    const cases: Array<[string, string]> = [
      ['2026-12-01T10:00:00Z', '2026-12-01T10:00:00.000Z'],
      ['2026-12-01T10:00:00.123456789Z', '2026-12-01T10:00:00.123Z'],
      ['2026-12-01t10:00:00.5z', '2026-12-01T10:00:00.500Z'],
      ['2026-12-01 10:00:00,123', '2026-12-01T10:00:00.123Z'],
      ['2026-12-01T10:00:00', '2026-12-01T10:00:00.000Z'],
      ['2026-12-01T10:00', '2026-12-01T10:00:00.000Z'],
      ['2026-12-01T12:30:00+02:30', '2026-12-01T10:00:00.000Z'],
      ['2026-12-01T05:00:00-0500', '2026-12-01T10:00:00.000Z'],
      ['2026-12-01T19:00:00+09', '2026-12-01T10:00:00.000Z'],
      ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
      ['1969-07-20T20:17:40Z', '1969-07-20T20:17:40.000Z'],
    ];
    for (const [text, iso] of cases) expect(readIsoTime(text)?.ms, text).to.equal(at(iso));
  });

  it('says where the time ends, so a prefix can be read off a line', () => {
    expect(readIsoTime('2026-12-01T10:00:00.250Z INFO started')).to.deep.equal({ ms: at('2026-12-01T10:00:00.250Z'), end: 24 });
    expect(readIsoTime('[2026-12-01 10:00:00] x', 1)?.end).to.equal(20);
  });

  it('refuses what is not a date and time', () => {
    for (const text of ['2026-13-01T10:00:00Z', '2026-02-30T10:00:00Z', '2023-02-29T00:00:00Z', '2026-12-01T24:00:00Z', '2026-12-01T10:60:00Z', '2026-12-01', '2026/12/01 10:00:00', '2026-12-01T10:00:00+25:00', '2026-12-01T10:00:000', 'yesterday', '']) {
      expect(readIsoTime(text), text).to.equal(undefined);
    }
  });

  it('reads a syslog time in the year of the clock, or the year before for a date more than a day ahead', () => {
    const now = at('2026-12-02T07:00:00Z');
    expect(readSyslogTime('Dec  2 05:25:58 host app[1]: hello', now)).to.deep.equal({ ms: at('2026-12-02T05:25:58.000Z'), end: 15 });
    expect(readSyslogTime('Nov 30 23:59:59.5 host', now)?.ms).to.equal(at('2026-11-30T23:59:59.500Z'));
    expect(readSyslogTime('Dec 31 23:59:59 host', at('2027-01-01T00:00:05Z'))?.ms).to.equal(at('2026-12-31T23:59:59.000Z'));
    expect(readSyslogTime('Dec  3 06:00:00 host', now)?.ms, 'less than a day ahead: this year').to.equal(at('2026-12-03T06:00:00.000Z'));
    for (const text of ['Dex  2 05:25:58 x', 'Dec 32 05:25:58 x', 'Dec  2 5:25:58 x', 'Feb 29 10:00:00 x']) expect(readSyslogTime(text, now), text).to.equal(undefined);
  });

  it('tells epoch seconds, milliseconds, microseconds and nanoseconds apart by magnitude', () => {
    const ms = at('2026-12-01T10:00:00.123Z');
    expect(epochToMs(ms / 1000)).to.equal(ms); // zap: float seconds
    expect(epochToMs(Math.floor(ms / 1000))).to.equal(ms - 123);
    expect(epochToMs(ms)).to.equal(ms); // pino
    expect(epochToMs(ms * 1000 + 456)).to.equal(ms);
    expect(epochToMs(ms * 1e6 + 456_789)).to.equal(ms);
    expect(epochToMs(Number.NaN)).to.equal(undefined);
    expect(epochToMs(Number.POSITIVE_INFINITY)).to.equal(undefined);
  });

  it('reads a time written as text: ISO, or an epoch number in a string; nothing else', () => {
    expect(readTimeText('2026-12-01T10:00:00Z')).to.equal(at('2026-12-01T10:00:00Z'));
    expect(readTimeText('1796119200')).to.equal(at('2026-12-01T10:00:00Z'));
    expect(readTimeText('1796119200.5')).to.equal(at('2026-12-01T10:00:00.500Z'));
    expect(readTimeText('2026-12-01T10:00:00Z and more')).to.equal(undefined);
    expect(readTimeText('12 o clock')).to.equal(undefined);
  });
});
