import { expect } from 'chai';
import { formatDuration, parseDuration } from '../../../src/core/duration.js';
import { parseTimeArg } from '../../../src/core/query/time-range.js';

describe('the duration grammar', () => {
  it('reads a number with a unit: ms, s, m, h, d, w', () => {
    expect(parseDuration('250ms')).to.equal(250);
    expect(parseDuration('30s')).to.equal(30_000);
    expect(parseDuration('5m')).to.equal(300_000);
    expect(parseDuration('2h')).to.equal(7_200_000);
    expect(parseDuration('3d')).to.equal(3 * 86_400_000);
    expect(parseDuration('1w')).to.equal(604_800_000);
    expect(parseDuration(' 1.5s ')).to.equal(1500);
  });

  it('reads several parts, largest unit first', () => {
    expect(parseDuration('1h30m')).to.equal(5_400_000);
    expect(parseDuration('2m30s500ms')).to.equal(150_500);
    expect(parseDuration('30m1h'), 'out of order').to.equal(undefined);
    expect(parseDuration('1m1m'), 'a unit twice').to.equal(undefined);
  });

  it("reads a bare number in the flag's own unit, and only when the flag has one", () => {
    expect(parseDuration('30', 's')).to.equal(30_000);
    expect(parseDuration('0.2', 's')).to.equal(200);
    expect(parseDuration('1000', 'ms')).to.equal(1000);
    expect(parseDuration('30')).to.equal(undefined);
  });

  it('refuses anything else', () => {
    for (const bad of ['', ' ', 's', '1x', '-1s', '1 s', '1.s', '.5s', '1h30', '10M', 'soon', '1e3', '0x10']) {
      expect(parseDuration(bad, 's'), JSON.stringify(bad)).to.equal(undefined);
    }
  });

  it('writes milliseconds back in the same grammar', () => {
    expect(formatDuration(250)).to.equal('250ms');
    expect(formatDuration(90_000)).to.equal('1m30s');
    expect(formatDuration(3_600_000)).to.equal('1h');
    expect(formatDuration(0)).to.equal('0s');
    for (const ms of [1, 999, 1000, 61_001, 90_061_000]) expect(parseDuration(formatDuration(ms))).to.equal(ms);
  });

  it('is the grammar of the duration forms of query --since and --until', () => {
    const now = Date.parse('2026-11-25T12:00:00Z');
    expect(parseTimeArg('since', '1h30m', now)).to.equal(now - 5_400_000);
    expect(parseTimeArg('since', '90s', now)).to.equal(now - 90_000);
  });
});
