import { expect } from 'chai';
import { UsageError } from '../../../../src/errors.js';
import { severityOf, wantColor } from '../../../../src/core/query/colors.js';
import type { LogEntry } from '../../../../src/core/query/entries.js';
import { NewestFirstBuffer, SameTimeSorter, sortedGroups } from '../../../../src/core/query/entry-order.js';
import { formatEntries, formatEntry, parseFields } from '../../../../src/core/query/format.js';
import type { FormatOptions } from '../../../../src/core/query/format.js';
import { formatRows } from '../../../../src/core/query/result-rows.js';
import { parseRunSelector, runStartTime } from '../../../../src/core/query/run-selector.js';
import { parseWhen } from '../../../../src/core/query/time-input.js';
import { checkTimeZone, formatTime, instantOf } from '../../../../src/core/query/time-zone.js';
import { EntryIdGenerator } from '../../../../src/core/pipe/entry-id.js';

// Tuesday 10 March 2026, 12:00 UTC (21:00 in Tokyo, 13:00 in Paris, 08:00 in New York after its DST change on the 8th).
const NOW = Date.parse('2026-03-10T12:00:00Z');
const at = (iso: string) => Date.parse(iso);
const entry = (time: string, id: string, data: unknown = 'x', subject?: string): LogEntry => ({ time, id, data, source: 's', type: 't', subject, logId: 'L' });

describe('query: time input, each form and zone', () => {
  it('durations, now, and relative times are offsets from now, whatever the zone', async () => {
    for (const zone of ['UTC', 'Asia/Tokyo']) {
      expect(await parseWhen('since', '1h30m', NOW, zone)).to.equal(NOW - 90 * 60_000);
      expect(await parseWhen('since', '90m', NOW, zone)).to.equal(NOW - 90 * 60_000);
      expect(await parseWhen('since', '2 hours ago', NOW, zone)).to.equal(NOW - 7_200_000);
      expect(await parseWhen('since', '5 minutes ago', NOW, zone)).to.equal(NOW - 300_000);
      expect(await parseWhen('until', 'now', NOW, zone)).to.equal(NOW);
    }
  });

  it('today and yesterday start at midnight of the display zone', async () => {
    expect(await parseWhen('since', 'today', NOW)).to.equal(at('2026-03-10T00:00:00Z'));
    expect(await parseWhen('since', 'yesterday', NOW)).to.equal(at('2026-03-09T00:00:00Z'));
    expect(await parseWhen('since', 'today', NOW, 'Asia/Tokyo')).to.equal(at('2026-03-09T15:00:00Z'));
    expect(await parseWhen('since', 'yesterday', NOW, 'America/New_York')).to.equal(at('2026-03-09T04:00:00Z'));
    expect(await parseWhen('since', 'last monday', NOW)).to.equal(at('2026-03-09T00:00:00Z'));
  });

  it('a time of day is today in the display zone, with the offset of that day (DST included)', async () => {
    expect(await parseWhen('since', '13:10', NOW)).to.equal(at('2026-03-10T13:10:00Z'));
    expect(await parseWhen('since', '13:10', NOW, 'Asia/Tokyo')).to.equal(at('2026-03-10T04:10:00Z'));
    expect(await parseWhen('since', '13:10', NOW, 'Europe/Paris')).to.equal(at('2026-03-10T12:10:00Z'));
    // Yesterday in New York was still EDT's first day (-04:00); the day before the change was -05:00.
    expect(await parseWhen('since', 'yesterday 13:10', NOW, 'America/New_York')).to.equal(at('2026-03-09T17:10:00Z'));
    expect(await parseWhen('since', 'yesterday 13:10', at('2026-03-09T12:00:00Z'), 'America/New_York')).to.equal(at('2026-03-08T17:10:00Z'));
  });

  it('ISO-8601 with or without seconds; without a zone it is a wall time in the display zone', async () => {
    expect(await parseWhen('since', '2026-03-01T10:00', NOW)).to.equal(at('2026-03-01T10:00:00Z'));
    expect(await parseWhen('since', '2026-03-01 10:00', NOW, 'Asia/Tokyo')).to.equal(at('2026-03-01T01:00:00Z'));
    expect(await parseWhen('since', '2026-03-01T10:00:30.250', NOW)).to.equal(at('2026-03-01T10:00:30.250Z'));
    expect(await parseWhen('since', '2026-03-01T10:00+09:00', NOW, 'Europe/Paris')).to.equal(at('2026-03-01T01:00:00Z'));
    expect(await parseWhen('since', '2026-03-01', NOW, 'Asia/Tokyo')).to.equal(at('2026-02-28T15:00:00Z'));
  });

  it('refuses what it cannot read, saying the forms', async () => {
    for (const bad of ['2026-02-30', 'tomorrowish', '13:99', '10', '2026-01-01T00:00+99:99', '2026-01-01T00:00-24:00', '2026-01-01T00:00+01:60']) {
      const err = await parseWhen('until', bad, NOW).catch((e: unknown) => e);
      expect(err, bad).to.be.instanceOf(UsageError);
      expect((err as Error).message, bad).to.match(/^--until .*expected a duration back from now/);
    }
  });
});

describe('query: time display', () => {
  it('always shows the offset: Z in UTC, the zone’s own elsewhere', () => {
    const t = at('2026-03-10T12:00:00.123Z');
    expect(formatTime(t, 'UTC')).to.equal('2026-03-10T12:00:00.123Z');
    expect(formatTime(t, 'Asia/Tokyo')).to.equal('2026-03-10T21:00:00.123+09:00');
    expect(formatTime(t, 'America/New_York')).to.equal('2026-03-10T08:00:00.123-04:00');
    expect(formatTime(t, 'Asia/Kolkata')).to.equal('2026-03-10T17:30:00.123+05:30');
    expect(instantOf({ year: 2026, month: 3, day: 10, hour: 21, minute: 0, second: 0 }, 'Asia/Tokyo')).to.equal(at('2026-03-10T12:00:00Z'));
  });

  it('knows zones by IANA name and refuses others', () => {
    expect(checkTimeZone('Asia/Tokyo')).to.equal('Asia/Tokyo');
    expect(checkTimeZone(':Europe/Paris')).to.equal('Europe/Paris');
    expect(checkTimeZone('utc')).to.equal('UTC');
    expect(checkTimeZone('Mars/Olympus')).to.equal(undefined);
    expect(checkTimeZone('')).to.equal(undefined);
  });
});

describe('query: colours', () => {
  it('auto colours a terminal only; NO_COLOR, TERM=dumb and FORCE_COLOR as everyone reads them; --color decides', () => {
    expect(wantColor('auto', true, {})).to.equal(true);
    expect(wantColor('auto', false, {})).to.equal(false);
    expect(wantColor('auto', true, { NO_COLOR: '1' })).to.equal(false);
    expect(wantColor('auto', true, { NO_COLOR: '' })).to.equal(true);
    expect(wantColor('auto', true, { TERM: 'dumb' })).to.equal(false);
    expect(wantColor('auto', false, { FORCE_COLOR: '1' })).to.equal(true);
    expect(wantColor('auto', true, { FORCE_COLOR: '0' })).to.equal(false);
    expect(wantColor('always', false, { NO_COLOR: '1' })).to.equal(true);
    expect(wantColor('never', true, { FORCE_COLOR: '1' })).to.equal(false);
  });

  it('reads severity from data.level or data.severity, words or pino numbers, and exec stderr lines', () => {
    expect(severityOf({ level: 'ERROR' }, undefined)).to.equal('error');
    expect(severityOf({ severity: 'warning' }, undefined)).to.equal('warn');
    expect(severityOf({ level: 50 }, undefined)).to.equal('error');
    expect(severityOf({ level: 40 }, undefined)).to.equal('warn');
    expect(severityOf({ level: 30 }, undefined)).to.equal(undefined);
    expect(severityOf({ run: 'r', stream: 'stderr', line: 'x' }, 'stderr')).to.equal('error');
    expect(severityOf('plain', 'stdout')).to.equal(undefined);
  });

  it('text: dim time, red errors, yellow warnings, nothing else coloured', () => {
    const o: FormatOptions = { output: 'text', zone: 'UTC', color: true };
    expect(formatEntry(entry('2026-01-01T00:00:00.000Z', 'a', { level: 'error', msg: 'boom' }), o)).to.equal('\x1b[2m2026-01-01T00:00:00.000Z\x1b[22m \x1b[31m- {"level":"error","msg":"boom"}\x1b[39m\n');
    expect(formatEntry(entry('2026-01-01T00:00:00.000Z', 'a', { level: 'warn' }), o)).to.contain('\x1b[33m');
    expect(formatEntry(entry('2026-01-01T00:00:00.000Z', 'a', 'fine'), o)).to.equal('\x1b[2m2026-01-01T00:00:00.000Z\x1b[22m - fine\n');
    expect(formatEntry(entry('2026-01-01T00:00:00.000Z', 'a', { level: 'error' }), { ...o, color: false })).not.to.contain('\x1b');
  });

  it('text: what a log holds cannot drive the terminal: control characters read as \\u escapes, a tab stays', () => {
    const o: FormatOptions = { output: 'text', zone: 'UTC', color: false };
    const hostile = entry('2026-01-01T00:00:00.000Z', 'a', 'a\x1b]0;owned\x07b\rc\x9bd\te\nf', 'sub\x1b[2J');
    expect(formatEntry(hostile, o)).to.equal('2026-01-01T00:00:00.000Z sub\\u001b[2J a\\u001b]0;owned\\u0007b\\rc\\u009bd\te\\nf\n');
    expect(formatEntry(hostile, { ...o, fields: [['subject'], ['data']] })).to.equal('sub\\u001b[2J a\\u001b]0;owned\\u0007b\\rc\\u009bd\te\\nf\n');
  });
});

describe('query: --fields and --output raw', () => {
  const list = [entry('2026-01-01T00:00:00.000Z', 'a', { level: 'error', msg: 'boom', http: { status: 500 } }, 'web'), entry('2026-01-01T00:00:01.000Z', 'b', 'plain\ttext', 'web')];
  it('picks fields for text (missing: -) and for jsonl and json (nested as in the entry)', () => {
    const fields = parseFields('time,data.level,data.msg,data.http.status');
    expect(formatEntries(list, { output: 'text', zone: 'UTC', color: false, fields })).to.equal('2026-01-01T00:00:00.000Z error boom 500\n2026-01-01T00:00:01.000Z - - -\n');
    expect(formatEntries(list, { output: 'jsonl', zone: 'Asia/Tokyo', color: false, fields }).trim().split('\n').map((l) => JSON.parse(l) as unknown)).to.deep.equal([
      { time: '2026-01-01T09:00:00.000+09:00', data: { level: 'error', msg: 'boom', http: { status: 500 } } },
      { time: '2026-01-01T09:00:01.000+09:00' },
    ]);
    expect(JSON.parse(formatEntries(list, { output: 'json', zone: 'UTC', color: false, fields: parseFields('id,subject') }))).to.deep.equal([{ id: 'a', subject: 'web' }, { id: 'b', subject: 'web' }]);
    const names = new Map([['L', 'app/web']]);
    expect(formatEntries(list.slice(1), { output: 'text', zone: 'UTC', color: false, fields: parseFields('log,data'), logNames: names })).to.equal('app/web plain\ttext\n');
  });

  it('refuses a field that is not one', () => {
    for (const bad of ['time,,id', 'nope', 'source.x', 'data.']) expect(() => parseFields(bad), bad).to.throw(UsageError, new RegExp(`^--fields ${bad.replace('.', '\\.')}: `));
  });

  it('raw is the data alone: text as sent, JSON compact', () => {
    expect(formatEntries(list, { output: 'raw', zone: 'UTC', color: false })).to.equal('{"level":"error","msg":"boom","http":{"status":500}}\nplain\ttext\n');
  });

  it('json streamed an element at a time reads as JSON.stringify(array, null, 2)', () => {
    const o: FormatOptions = { output: 'json', zone: 'UTC', color: false };
    expect(formatEntries(list, o)).to.equal(JSON.stringify(list, null, 2) + '\n');
    expect(formatEntries([], o)).to.equal('[]\n');
  });

  it('text escapes control characters from the log (ESC, BEL, CR, DEL, C1): they cannot act on the terminal; json, jsonl and raw keep the data as it is', () => {
    const evil = entry('2026-01-01T00:00:00.000Z', 'e', 'red \u001b[31mtitle\u001b]0;pwned\u0007 cr\rline\nnext \u007f \u009b2J tab\tok', 'sub\u001b[2J');
    const escaped = 'red \\u001b[31mtitle\\u001b]0;pwned\\u0007 cr\\rline\\nnext \\u007f \\u009b2J tab\tok';
    expect(formatEntry(evil, { output: 'text', zone: 'UTC', color: false })).to.equal(`2026-01-01T00:00:00.000Z sub\\u001b[2J ${escaped}\n`);
    expect(formatEntry(evil, { output: 'text', zone: 'UTC', color: true })).to.not.contain('\u001b]0').and.not.contain('\u001b[2J').and.not.contain('\u009b');
    expect(formatEntry(evil, { output: 'text', zone: 'UTC', color: false, fields: parseFields('subject,data') })).to.equal(`sub\\u001b[2J ${escaped}\n`);
    const json = entry('2026-01-01T00:00:00.000Z', 'j', { msg: 'a\u001bb\u009bc' });
    expect(formatEntry(json, { output: 'text', zone: 'UTC', color: false })).to.equal('2026-01-01T00:00:00.000Z - {"msg":"a\\u001bb\\u009bc"}\n');
    expect(formatEntry(json, { output: 'text', zone: 'UTC', color: false, logNames: new Map([['L', 'web\u001b']]) })).to.contain(' web\\u001b ');
    expect(JSON.parse(formatEntry(evil, { output: 'jsonl', zone: 'UTC', color: false })).data).to.equal(evil.data);
    expect(formatEntry(evil, { output: 'raw', zone: 'UTC', color: false })).to.equal(`${String(evil.data)}\n`);
    expect(formatRows([{ 'k\u001b': 'v\u001b[2J' }], 'text')).to.equal('k\\u001b\nv\\u001b[2J\n');
  });

  it('names the log in text when names are given (more than one log read)', () => {
    expect(formatEntries(list.slice(1), { output: 'text', zone: 'UTC', color: false, logNames: new Map([['L', 'web']]) })).to.equal('2026-01-01T00:00:01.000Z web web plain\ttext\n');
  });
});

describe('query: order, duplicates and flat memory', () => {
  it('each id once, the entries of one millisecond in id order', () => {
    const t = '2026-01-01T00:00:00.000Z';
    const sorter = new SameTimeSorter();
    const out = [...sortedGroups([entry(t, 'b'), entry(t, 'a'), entry(t, 'b'), entry('2026-01-01T00:00:00.001Z', 'c'), entry('2026-01-01T00:00:00.001Z', 'c')], sorter)];
    expect(out.map((e) => e.id)).to.deep.equal(['a', 'b', 'c']);
    expect(sorter.duplicates).to.equal(2);
  });

  it('100,000 entries given newest first come back oldest first through a file, with little held in memory', () => {
    const ids = new EntryIdGenerator(() => 0);
    const base = at('2026-01-01T00:00:00Z');
    const buffer = new NewestFirstBuffer();
    try {
      const made = Array.from({ length: 100_000 }, (_, i) => ({ ms: base + Math.floor(i / 3), id: ids.next() }));
      const heapBefore = process.memoryUsage().heapUsed;
      for (let i = made.length - 1; i >= 0; i--) {
        const m = made[i] as { ms: number; id: string };
        buffer.add(entry(new Date(m.ms).toISOString(), m.id, i));
        if (i === 50_000) buffer.add(entry(new Date(m.ms).toISOString(), m.id, i)); // the log holds it twice
      }
      expect(buffer.spilled).to.equal(true);
      expect(process.memoryUsage().heapUsed - heapBefore, 'held in memory').to.be.below(40 << 20);
      let n = 0;
      let outOfOrder = 0;
      for (const e of buffer.oldestFirst()) if (e.data !== n++) outOfOrder++;
      expect({ n, outOfOrder }).to.deep.equal({ n: 100_000, outOfOrder: 0 });
    } finally {
      buffer.dispose();
    }
  });
});

describe('query: --run', () => {
  it('reads last, last~N or an id, and the start time a UUIDv7 id carries', () => {
    expect(parseRunSelector('last')).to.deep.equal({ back: 0 });
    expect(parseRunSelector('last~2')).to.deep.equal({ back: 2 });
    expect(parseRunSelector('0192e4b0-0000-7000-8000-000000000000')).to.deep.equal({ id: '0192e4b0-0000-7000-8000-000000000000' });
    expect(() => parseRunSelector(' ')).to.throw(UsageError);
    const id = new EntryIdGenerator(() => at('2026-03-10T12:00:00.123Z')).next();
    expect(runStartTime(id)).to.equal(at('2026-03-10T12:00:00.123Z'));
    expect(runStartTime('not-a-uuid')).to.equal(undefined);
  });
});
