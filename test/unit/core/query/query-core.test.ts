import { expect } from 'chai';
import { MAX_WINDOW_MS, splitWindows } from '../../../../src/core/query/time-range.js';
import { parseWhen } from '../../../../src/core/query/time-input.js';
import { buildSearchQuery, quoteLiteral } from '../../../../src/core/query/search-query.js';
import { tokenize } from '../../../../src/emulator/query/lexer.js';
import { SeenIds, compareEntries, toLogEntry } from '../../../../src/core/query/entries.js';
import type { LogEntry } from '../../../../src/core/query/entries.js';
import { formatEntries } from '../../../../src/core/query/format.js';
import { formatRows, toResultRow } from '../../../../src/core/query/result-rows.js';
import { formatTable } from '../../../../src/core/format/table.js';
import { UsageError } from '../../../../src/errors.js';

const NOW = Date.parse('2026-11-25T12:00:00Z');
const entry = (time: string, id: string, data: unknown = 'x', subject?: string): LogEntry => ({ time, id, data, source: 's', type: 't', subject, logId: 'L' });

describe('query: time ranges', () => {
  it('reads durations back from now and ISO-8601 times', async () => {
    expect(await parseWhen('since', '15m', NOW)).to.equal(NOW - 15 * 60_000);
    expect(await parseWhen('since', '2h', NOW)).to.equal(NOW - 7_200_000);
    expect(await parseWhen('since', '3d', NOW)).to.equal(NOW - 3 * 86_400_000);
    expect(await parseWhen('since', '1w', NOW)).to.equal(NOW - 7 * 86_400_000);
    expect(await parseWhen('since', '2026-11-01T08:00:00Z', NOW)).to.equal(Date.parse('2026-11-01T08:00:00Z'));
    expect(await parseWhen('since', '2026-11-01T08:00:00+02:00', NOW)).to.equal(Date.parse('2026-11-01T06:00:00Z'));
    expect(await parseWhen('until', '2026-11-01', NOW)).to.equal(Date.parse('2026-11-01T00:00:00Z'));
  });

  it('refuses bad times with a usage error naming the flag', async () => {
    for (const bad of ['15', '-1h', '1y', 'soonish', '2026-13-45T00:00:00Z', '2026-02-31', 'yesterday or so', '']) {
      const err = await parseWhen('since', bad, NOW).catch((e: unknown) => e);
      expect(err, bad).to.be.instanceOf(UsageError);
      expect((err as Error).message, bad).to.match(/^--since /);
    }
  });

  it('splits 20 days into contiguous windows of at most 14 days, newest first', () => {
    const start = NOW - 20 * 86_400_000;
    const windows = splitWindows(start, NOW);
    expect(windows).to.have.length(2);
    expect(windows[0]).to.deep.equal({ start: NOW - MAX_WINDOW_MS, end: NOW });
    expect(windows[1]).to.deep.equal({ start, end: NOW - MAX_WINDOW_MS });
    expect(splitWindows(NOW - 1000, NOW)).to.deep.equal([{ start: NOW - 1000, end: NOW }]);
    expect(splitWindows(NOW - 28 * 86_400_000, NOW)).to.have.length(2);
  });
});

describe('query: building searches', () => {
  it('scopes to compartment/group/log and sorts newest first', () => {
    expect(buildSearchQuery({ compartmentId: 'C', logGroupId: 'G', logId: 'L' })).to.equal('search "C/G/L" | sort by datetime desc');
    expect(buildSearchQuery({ compartmentId: 'C', logGroupId: 'G' })).to.equal('search "C/G" | sort by datetime desc');
  });

  it('escapes --grep and combines it with --where and data filters', () => {
    expect(quoteLiteral("it's a \\ test")).to.equal("'it\\'s a \\\\ test'");
    expect(quoteLiteral("'")).to.equal("'\\''");
    expect(quoteLiteral('ends with \\')).to.equal("'ends with \\\\'");
    expect(buildSearchQuery({ compartmentId: 'C', grep: "it's", where: "data.a = 'b' or data.c = 'd'", dataEquals: { run: 'R' } })).to.equal(
      `search "C" | where logContent = '*it\\'s*' and data.run = 'R' and (data.a = 'b' or data.c = 'd') | sort by datetime desc`,
    );
  });

  it("writes literals the query language reads back as the same text (the spec's 'world\\'!')", () => {
    for (const text of ["it's", "'", '\\', "\\'", "ends with \\", 'C:\\temp\\x', "two '' quotes", 'new\nline', '*wild*', '"double"', '']) {
      const tokens = tokenize(quoteLiteral(text));
      expect(tokens.map((t) => t.kind), JSON.stringify(text)).to.deep.equal(['string', 'eof']);
      expect(tokens[0]?.text, JSON.stringify(text)).to.equal(text);
    }
  });
});

describe('query: entries', () => {
  it('unwraps plain text from {"message": …} and keeps JSON objects', () => {
    const r = (data: unknown) => ({ data: { datetime: 1, logContent: { data, id: 'i', time: '2026-01-01T00:00:00.000Z', source: 's', type: 't', oracle: { logid: 'L' } } } });
    expect(toLogEntry(r({ message: 'plain' }))?.data).to.equal('plain');
    expect(toLogEntry(r({ level: 'x', message: 'm' }))?.data).to.deep.equal({ level: 'x', message: 'm' });
    expect(toLogEntry(r({ message: 'p' }))).to.include({ id: 'i', logId: 'L', subject: undefined });
    expect(toLogEntry({ nonsense: true })).to.equal(undefined);
    expect(toLogEntry(null)).to.equal(undefined);
  });

  it('sorts by time, then by id, pieces after their line', () => {
    const t = '2026-01-01T00:00:00.000Z';
    const list = [entry('2026-01-01T00:00:00.001Z', 'a'), entry(t, 'b-p0002'), entry(t, 'b-p0001'), entry(t, 'a'), entry(t, 'b')];
    expect(list.sort(compareEntries).map((e) => e.id)).to.deep.equal(['a', 'b', 'b-p0001', 'b-p0002', 'a']);
  });

  it('remembers printed ids for --follow and forgets old ones', () => {
    const seen = new SeenIds();
    expect(seen.add(entry('2026-01-01T00:00:00.000Z', 'a'))).to.equal(true);
    expect(seen.add(entry('2026-01-01T00:00:00.000Z', 'a'))).to.equal(false);
    seen.add(entry('2026-01-02T00:00:00.000Z', 'b'));
    seen.forgetBefore(Date.parse('2026-01-01T12:00:00Z'));
    expect(seen.size).to.equal(1);
  });
});

describe('query: output formats', () => {
  const list = [entry('2026-01-01T00:00:00.000Z', 'a', 'two\nlines', 'web'), entry('2026-01-01T00:00:00.001Z', 'b', { level: 'error' })];
  it('text: time, subject (or -), data on one line', () => {
    expect(formatEntries(list, { output: 'text', zone: 'UTC', color: false })).to.equal('2026-01-01T00:00:00.000Z web two\\nlines\n2026-01-01T00:00:00.001Z - {"level":"error"}\n');
  });
  it('jsonl and json carry every field', () => {
    const lines = formatEntries(list, { output: 'jsonl', zone: 'UTC', color: false }).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[1]).to.deep.equal({ time: '2026-01-01T00:00:00.001Z', data: { level: 'error' }, id: 'b', source: 's', type: 't', logId: 'L' });
    expect(JSON.parse(formatEntries(list, { output: 'json', zone: 'UTC', color: false }))).to.have.length(2);
  });
  it('tables align columns', () => {
    expect(formatTable(['A', 'B'], [['x', 'y'], ['long', 'z']])).to.equal('A     B\nx     y\nlong  z\n');
  });
});

describe('query: times and windows, more edges', () => {
  it('prints every time as ISO-8601 with milliseconds and Z, whatever form the service sent', () => {
    const r = (time: unknown, datetime: unknown) => ({ data: { datetime, logContent: { data: 'x', id: 'i', time } } });
    expect(toLogEntry(r('2026-01-01T01:00:00+01:00', 0))?.time).to.equal('2026-01-01T00:00:00.000Z');
    expect(toLogEntry(r('2026-01-01T00:00:00.123456Z', 0))?.time).to.equal('2026-01-01T00:00:00.123Z');
    expect(toLogEntry(r(undefined, 1767225600000))?.time).to.equal('2026-01-01T00:00:00.000Z');
    expect(toLogEntry(r(undefined, '1767225600000'))?.time).to.equal('2026-01-01T00:00:00.000Z');
    expect(toLogEntry(r('garbage', 'garbage'))?.time).to.equal('');
  });

  it('windows cover the whole range, back to back, none over 14 days', () => {
    for (const days of [1, 14, 15, 20, 28, 29, 90]) {
      const start = NOW - days * 86_400_000 - 1234;
      const windows = splitWindows(start, NOW);
      expect(windows[0]?.end, `${days}d`).to.equal(NOW);
      expect(windows[windows.length - 1]?.start, `${days}d`).to.equal(start);
      for (let i = 0; i < windows.length; i++) {
        const w = windows[i] as { start: number; end: number };
        expect(w.end - w.start).to.be.within(1, MAX_WINDOW_MS);
        if (i > 0) expect(w.end, `${days}d window ${i} meets the newer one`).to.equal(windows[i - 1]?.start);
      }
    }
  });

  it('--follow never offers an id twice across overlapping polls, and memory stays bounded', () => {
    const seen = new SeenIds();
    const printed: string[] = [];
    const base = Date.parse('2026-01-01T00:00:00Z');
    // 50 polls, each re-reading the last 10 "seconds" of one-entry-a-second
    for (let poll = 0; poll < 50; poll++) {
      const window = Array.from({ length: 10 }, (_, k) => poll + k).map((s) => entry(new Date(base + s * 1000).toISOString(), `id-${s}`));
      for (const e of window) if (seen.add(e)) printed.push(e.id);
      seen.forgetBefore(base + poll * 1000);
    }
    expect(printed).to.deep.equal(Array.from({ length: 59 }, (_, s) => `id-${s}`));
    expect(seen.size).to.be.at.most(11);
  });
});

describe('query: result rows (count, summarize, select)', () => {
  it('takes a result without logContent as a row, and nothing else', () => {
    expect(toResultRow({ data: { count: 6 } })).to.deep.equal({ count: 6 });
    expect(toResultRow({ data: { datetime: 1, logContent: { id: 'x' } } })).to.equal(undefined);
    for (const bad of [null, 'x', {}, { data: null }, { data: [1] }, { data: 'text' }]) expect(toResultRow(bad), JSON.stringify(bad)).to.equal(undefined);
  });

  it('prints rows as a table of every column (datetime as ISO-8601), as JSON lines and as JSON', () => {
    const rows = [{ datetime: Date.parse('2026-01-01T00:01:00Z'), level: 'ERROR', n: 2 }, { level: 'INFO', n: 10, extra: { a: [1] } }, { level: 'two\nlines', n: null }];
    expect(formatRows(rows, 'text')).to.equal(
      ['datetime                  level       n   extra', '2026-01-01T00:01:00.000Z  ERROR       2', '                          INFO        10  {"a":[1]}', '                          two\\nlines', ''].join('\n'),
    );
    expect(formatRows(rows, 'jsonl').trim().split('\n').map((l) => JSON.parse(l) as unknown)).to.deep.equal(rows);
    expect(JSON.parse(formatRows(rows, 'json'))).to.deep.equal(rows);
    expect(formatRows([], 'text')).to.equal('');
    expect(formatRows([], 'json')).to.equal('[]\n');
  });
});
