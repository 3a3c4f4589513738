import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import type { Scope } from '../../../../src/emulator/query/search.js';
import { SearchInputError } from '../../../../src/emulator/query/search.js';
import { LOG, T0, entry, idsOf, rowsOf, searchLog } from '../../../helpers/query.js';

/** The entries every row below searches (times are T0 + ms). */
const ENTRIES = [
  entry('e1', 1000, { level: 'ERROR', host: 'web-1', status: 500, latency: 120, user: { name: 'Ann' }, tags: ['a', 'b'], ok: false, 'first name': 'Ann', 'a.b': 1 }),
  entry('e2', 2000, { level: 'info', host: 'web-2', status: 200, latency: 30, ok: true, a: { b: 2 } }),
  entry('e3', 3000, 'plain text ERROR line', { subject: 'stderr' }),
  entry('e4', 61_000, { level: 'WARN', host: 'web-1', status: '404', latency: 45.5, Level: 'mixed' }),
];

const ids = (query: string): string[] => idsOf(searchLog(ENTRIES, query));
const rows = (query: string): unknown[] => rowsOf(searchLog(ENTRIES, query));
const where = (cond: string): string[] => ids(`search "c" | where ${cond}`);
const refused = (query: string): string => {
  try {
    searchLog(ENTRIES, query);
  } catch (err) {
    if (err instanceof SearchInputError) return err.message;
    throw err;
  }
  throw new Error(`not refused: ${query}`);
};

/**
 * One test per row of the README's conformance table (the keys are the
 * table's first column, word for word: a test below checks that).
 */
const ROWS: Record<string, () => void> = {
  'Streams `search "<compartment>[/<group>[/<log>]]"`': () => {
    const asked: Scope[] = [];
    searchLog(ENTRIES, 'search "c/g/l"', { logsInScope: (s) => (asked.push(s), [{ ...LOG, entries: ENTRIES }]) });
    searchLog(ENTRIES, 'search "c/g"', { logsInScope: (s) => (asked.push(s), []) });
    searchLog(ENTRIES, 'search "c"', { logsInScope: (s) => (asked.push(s), []) });
    expect(asked).to.deep.equal([{ compartment: 'c', group: 'g', log: 'l' }, { compartment: 'c', group: 'g' }, { compartment: 'c' }]);
    expect(refused('search "c/g/l/x"')).to.match(/bad scope/);
    expect(refused('search c')).to.match(/double-quoted scope/);
  },
  'Several streams, the comma optional': () => {
    const asked: Scope[] = [];
    const answer = searchLog(ENTRIES, 'search "c/g/a" "c/g/b", "c"', { logsInScope: (s) => (asked.push(s), [{ ...LOG, entries: ENTRIES }]) });
    expect(asked.map((s) => s.log ?? s.group ?? s.compartment)).to.deep.equal(['a', 'b', 'c']);
    expect(idsOf(answer), 'a log named twice is searched once').to.deep.equal(['e1', 'e2', 'e3', 'e4']);
  },
  'Fields: dotted, case-sensitive, quoted names': () => {
    expect(where(`data.level = 'WARN'`)).to.deep.equal(['e4']);
    expect(where(`data.Level = 'mixed'`)).to.deep.equal(['e4']);
    expect(where(`data.LEVEL = 'WARN'`), 'field names are case-sensitive').to.deep.equal([]);
    expect(where(`Data.level = 'WARN'`)).to.deep.equal([]);
    expect(where(`data.user.name = 'Ann'`)).to.deep.equal(['e1']);
    expect(where(`data."first name" = 'Ann'`)).to.deep.equal(['e1']);
    expect(where(`data."a.b" = 1`), '"a.b" is one name').to.deep.equal(['e1']);
    expect(where(`data.a.b = 2`), 'a.b is a path').to.deep.equal(['e2']);
    expect(where(`"data"."host" = 'web-2'`)).to.deep.equal(['e2']);
    expect(where(`data.tags."1" = 'b'`)).to.deep.equal(['e1']);
    expect(where(`subject = 'stderr' and type = 'app' and source = 'host-a' and id = 'e3'`)).to.deep.equal(['e3']);
    expect(where(`data.message = 'plain text ERROR line'`), 'plain text is data.message').to.deep.equal(['e3']);
  },
  '`oracle.*` fields on every entry': () => {
    expect(where(`oracle.logid = '${LOG.id}' and oracle.loggroupid = '${LOG.logGroupId}' and oracle.compartmentid = '${LOG.compartmentId}' and oracle.tenantid = '${LOG.tenancyId}'`)).to.have.length(4);
    expect(where(`oracle.ingestedtime = '${new Date(T0 + 2000).toISOString()}'`)).to.deep.equal(['e2']);
    expect(where(`oracle.logid = 'ocid1.log.oc1..other'`)).to.deep.equal([]);
    const first = searchLog(ENTRIES, 'search "c"').body.results[0]?.data as { logContent: { oracle: Record<string, string> } };
    expect(first.logContent.oracle).to.deep.equal({ compartmentid: LOG.compartmentId, loggroupid: LOG.logGroupId, logid: LOG.id, tenantid: LOG.tenancyId, ingestedtime: new Date(T0 + 1000).toISOString() });
  },
  "`logContent = 'X'` and `logContent = '*X*'`": () => {
    expect(where(`logContent = 'ERROR'`), 'a value exactly ERROR').to.deep.equal(['e1']);
    expect(where(`logContent = 'error'`), 'without regard to case').to.deep.equal(['e1']);
    expect(where(`logContent = '*ERROR*'`), 'a value containing ERROR').to.deep.equal(['e1', 'e3']);
    expect(where(`logContent = 'plain text ERROR line'`)).to.deep.equal(['e3']);
    expect(where(`logContent = '404'`), 'numbers as text').to.deep.equal(['e4']);
    expect(where(`logContent = 'e2'`), 'the id is a value too').to.deep.equal(['e2']);
    expect(where(`logContent != '*web*'`)).to.deep.equal(['e3']);
    expect(where(`logContent = '*ocid1*'`), 'the oracle.* fields are not what was sent').to.deep.equal([]);
  },
  '`where`, the implicit `where`, Boolean fields': () => {
    expect(ids(`search "c" | data.ok`)).to.deep.equal(['e2']);
    expect(ids(`search "c" | where data.ok`)).to.deep.equal(['e2']);
    expect(ids(`search "c" | where not data.ok`)).to.deep.equal(['e1', 'e3', 'e4']);
    expect(ids(`search "c" | data.status = 500`)).to.deep.equal(['e1']);
    expect(ids(`search "c" | where data.latency > 40 | data.host = 'web-1'`), 'filters chain').to.deep.equal(['e1', 'e4']);
    expect(ids(`search "c" | where data.level`), 'a string is not true').to.deep.equal([]);
  },
  '`top N by <expr>`, `top N by *`': () => {
    expect(ids(`search "c" | top 2 by data.latency`)).to.deep.equal(['e1', 'e4']);
    expect(ids(`search "c" | top 2 by datetime`)).to.deep.equal(['e4', 'e3']);
    expect(ids(`search "c" | top 2 by *`)).to.deep.equal(['e1', 'e2']);
    expect(ids(`search "c" | top 1 by (data.latency * -1)`)).to.deep.equal(['e2']);
    expect(refused(`search "c" | top 0 by datetime`)).to.match(/whole number of rows/);
    expect(refused(`search "c" | top 3`)).to.match(/expected "by"/);
  },
  '`sort by` several keys, `asc`, `desc`': () => {
    expect(ids(`search "c" | sort by datetime desc`)).to.deep.equal(['e4', 'e3', 'e2', 'e1']);
    expect(ids(`search "c" | sort by data.host, data.latency desc`)).to.deep.equal(['e3', 'e1', 'e4', 'e2']);
    expect(ids(`search "c" | sort by data.host DESC, data.latency ASC`)).to.deep.equal(['e2', 'e4', 'e1', 'e3']);
    const same = [entry('x-2', 0, 'b'), entry('x-1', 0, 'a'), entry('x-3', 0, 'c')];
    expect(idsOf(searchLog(same, 'search "c" | sort by datetime desc')), 'one millisecond: by id, in the sort direction').to.deep.equal(['x-3', 'x-2', 'x-1']);
    expect(idsOf(searchLog(same, 'search "c"')), 'the stream: oldest first, then by id').to.deep.equal(['x-1', 'x-2', 'x-3']);
  },
  '`dedup`': () => {
    expect(ids(`search "c" | dedup data.host`)).to.deep.equal(['e1', 'e2']);
    expect(ids(`search "c" | dedup data.host, data.level`)).to.deep.equal(['e1', 'e2', 'e4']);
    expect(ids(`search "c" | dedup type`)).to.deep.equal(['e1']);
  },
  '`select` with `as`, `select *`': () => {
    expect(rows(`search "c" | where data.status = 500 | select data.host, data.latency / 1000 as seconds, id`)).to.deep.equal([{ 'data.host': 'web-1', seconds: 0.12, id: 'e1' }]);
    expect(rows(`search "c" | select data.host as Host | where Host = 'web-2'`), 'new names are fields downstream').to.deep.equal([{ Host: 'web-2' }]);
    expect(rows(`search "c" | select data.host | where data.host = 'web-2'`), 'a selected path answers by its path').to.deep.equal([{ 'data.host': 'web-2' }]);
    const all = searchLog(ENTRIES, `search "c" | select * | top 1 by datetime`).body.results[0]?.data as Record<string, unknown>;
    expect(Object.keys(all)).to.deep.equal(['datetime', 'logContent']);
    expect(all['datetime']).to.equal(T0 + 61_000);
  },
  '`extend` with `as`': () => {
    const [first] = searchLog(ENTRIES, `search "c" | extend data.latency * 2 as double | where double > 200`).body.results;
    expect(first?.data).to.include({ double: 240 });
    expect((first?.data['logContent'] as { id: string }).id).to.equal('e1');
    expect(rows(`search "c" | extend upper(data.host) | select "data.host" | where isnotnull("data.host")`), 'named after its field without as').to.deep.equal([
      { 'data.host': 'WEB-1' },
      { 'data.host': 'WEB-2' },
      { 'data.host': 'WEB-1' },
    ]);
  },
  'Comparisons `= != < <= > >=`': () => {
    expect(where(`data.status = 404`), 'a numeric string equals its number').to.deep.equal(['e4']);
    expect(where(`data.status >= 404`)).to.deep.equal(['e1', 'e4']);
    expect(where(`data.status < 404 and data.status <= 200`)).to.deep.equal(['e2']);
    expect(where(`data.status != 200`), 'missing is not 200 either').to.deep.equal(['e1', 'e3', 'e4']);
    expect(where(`data.level = 'INFO'`), 'strings without regard to case').to.deep.equal(['e2']);
    expect(where(`data.level > 'A'`), 'ordering compares numbers and times only').to.deep.equal([]);
    expect(where(`datetime > '${new Date(T0 + 2000).toISOString()}'`), 'a time against an ISO string').to.deep.equal(['e3', 'e4']);
    expect(where(`datetime >= ${T0 + 3000}`), 'or against epoch ms').to.deep.equal(['e3', 'e4']);
    expect(refused(`search "c" | where 1 < 2 < 3`)).to.match(/do not chain/);
  },
  'Arithmetic `+ - * /`, unary minus': () => {
    expect(rows(`search "c" | where id = 'e1' | select data.latency + 1 as a, data.latency - 1 as b, data.latency * 2 as c, data.latency / 8 as d, -data.latency as e, -(data.latency + 1) as f, 2 + 3 * 4 as g, (2 + 3) * 4 as h`)).to.deep.equal([
      { a: 121, b: 119, c: 240, d: 15, e: -120, f: -121, g: 14, h: 20 },
    ]);
    expect(rows(`search "c" | where id = 'e1' | select data.latency / 0 as z, data.host + 1 as s, datetime + 1m as later, datetime - datetime as zero`)).to.deep.equal([{ later: T0 + 61_000, zero: 0 }]);
  },
  '`and`, `or`, `not`, parentheses': () => {
    expect(where(`data.host = 'web-1' and data.status = 500 or data.ok`)).to.deep.equal(['e1', 'e2']);
    expect(where(`data.host = 'web-1' and (data.status = 500 or data.ok)`)).to.deep.equal(['e1']);
    expect(where(`not (data.host = 'web-1')`)).to.deep.equal(['e2', 'e3']);
    expect(where(`NOT data.host = 'web-1' AND id != 'e3'`), 'keywords without regard to case').to.deep.equal(['e2']);
  },
  '`contains_ci`, `contains_cs`': () => {
    expect(where(`contains_ci(data.host, 'WEB')`)).to.deep.equal(['e1', 'e2', 'e4']);
    expect(where(`contains_cs(data.host, 'WEB')`)).to.deep.equal([]);
    expect(where(`contains_cs(data.message, 'ERROR')`)).to.deep.equal(['e3']);
    expect(where(`contains_ci(data.host, 'WEB', true)`), 'the third argument: case-sensitive').to.deep.equal([]);
    expect(where(`contains_cs(data.host, 'WEB', false)`)).to.deep.equal(['e1', 'e2', 'e4']);
    expect(refused(`search "c" | where contains_ci(data.host, 'x', 'yes')`)).to.match(/true or false/);
  },
  '`rounddown`': () => {
    expect(rows(`search "c" | select rounddown(datetime, '1m') as m, rounddown(datetime, 1h) as h | dedup m`)).to.deep.equal([
      { m: T0, h: T0 },
      { m: T0 + 60_000, h: T0 },
    ]);
    expect(rows(`search "c" | where id = 'e4' | select rounddown(datetime, '1d') as d`)).to.deep.equal([{ d: Date.parse('2026-03-01T00:00:00Z') }]);
    expect(refused(`search "c" | select rounddown(datetime, '1w')`)).to.match(/rounddown\(\) takes an interval/);
  },
  '`time_format`': () => {
    expect(rows(`search "c" | where id = 'e4' | select time_format(datetime, 'yyyy-MM-dd HH:mm:ss.SSS') as a, time_format(datetime, 'EEEE d MMMM yy \\'at\\' h:mm a, \\'\\'yy') as b`)).to.deep.equal([
      { a: '2026-03-01 10:01:01.000', b: "Sunday 1 March 26 at 10:01 AM, '26" },
    ]);
    expect(refused(`search "c" | select time_format(datetime, 'yyyy-qq')`)).to.match(/unknown pattern letter q/);
  },
  '`concat`, `upper`, `lower`, `substr`': () => {
    expect(rows(`search "c" | where id = 'e1' | select concat(data.host, '/', data.status, data.none) as c, upper(data.host) as u, lower(data.level) as l, substr(data.host, 4) as s1, substr(data.host, 0, 3) as s2`)).to.deep.equal([
      { c: 'web-1/500', u: 'WEB-1', l: 'error', s1: '1', s2: 'web' },
    ]);
    expect(refused(`search "c" | select substr(data.host, data.status)`)).to.match(/whole numbers/);
  },
  '`isnull`, `isnotnull`': () => {
    expect(where(`isnull(data.level)`)).to.deep.equal(['e3']);
    expect(where(`isnotnull(data.Level)`)).to.deep.equal(['e4']);
    expect(where(`data.level = null`)).to.deep.equal(['e3']);
  },
  '`count`': () => {
    expect(rows(`search "c" | count`)).to.deep.equal([{ count: 4 }]);
    expect(rows(`search "c" | where id = 'none' | count`)).to.deep.equal([{ count: 0 }]);
    expect(rows(`search "c" | count | where count > 3`), 'its row goes on down the pipe').to.deep.equal([{ count: 4 }]);
  },
  '`summarize` with `count()`, `count(x)`, `sum`, `avg`, `min`, `max`, `first`, `last`, `by`': () => {
    expect(rows(`search "c" | summarize count(), count(data.level), sum(data.latency), avg(data.latency), min(data.latency), max(data.latency), first(data.host), last(data.host)`)).to.deep.equal([
      { count: 4, 'count(data.level)': 3, 'sum(data.latency)': 195.5, 'avg(data.latency)': 195.5 / 3, 'min(data.latency)': 30, 'max(data.latency)': 120, 'first(data.host)': 'web-1', 'last(data.host)': 'web-1' },
    ]);
    expect(rows(`search "c" | summarize count() as n, max(data.status) as worst by data.host as host | sort by host`)).to.deep.equal([
      { n: 1 },
      { host: 'web-1', n: 2, worst: 500 },
      { host: 'web-2', n: 1, worst: 200 },
    ]);
    expect(rows(`search "c" | summarize count() by rounddown(datetime, '1m')`), "the time key is named datetime, in epoch ms, as the service's").to.deep.equal([
      { datetime: T0, count: 3 },
      { datetime: T0 + 60_000, count: 1 },
    ]);
    expect(rows(`search "c" | summarize sum(data.latency) / count() as mean`)).to.deep.equal([{ mean: 195.5 / 4 }]);
    expect(rows(`search "c" | where id = 'none' | summarize count(), sum(data.latency)`), 'over nothing: one row, count 0').to.deep.equal([{ count: 0 }]);
    expect(rows(`search "c" | summarize by data.host`)).to.deep.equal([{ 'data.host': 'web-1' }, { 'data.host': 'web-2' }, {}]);
    expect(refused(`search "c" | summarize count() by data.host | where count() > 1`)).to.match(/count\(\) is an aggregate/);
    expect(refused(`search "c" | summarize data.host`)).to.match(/outside an aggregate/);
    expect(refused(`search "c" | summarize sum()`)).to.match(/needs an argument/);
  },
  "Strings `'it\\'s'`": () => {
    const e = [entry('q', 0, { text: "it's \\ here" })];
    expect(idsOf(searchLog(e, `search "c" | where data.text = 'it\\'s \\\\ here'`))).to.deep.equal(['q']);
    expect(idsOf(searchLog(e, `search "c" | where logContent = '*it\\'s*'`))).to.deep.equal(['q']);
    expect(refused(`search "c" | where data.text = 'it''s'`)).to.match(/two strings in a row: a quote inside a string is written \\'/);
    expect(refused(`search "c" | where data.text = 'open`)).to.match(/unterminated string/);
  },
  'Wildcards `"acc-*"`, and `*` in a string after `=`': () => {
    expect(where(`data.host = "web-*"`)).to.deep.equal(['e1', 'e2', 'e4']);
    expect(where(`data.host = 'WEB-*'`)).to.deep.equal(['e1', 'e2', 'e4']);
    expect(where(`data.host = '*2'`)).to.deep.equal(['e2']);
    expect(where(`data.host != 'web-1*'`)).to.deep.equal(['e2', 'e3']);
    expect(where(`data.host = 'web.*'`), 'other characters are themselves').to.deep.equal([]);
    expect(where(`data.user = '*Ann*'`), 'an object matches as its JSON').to.deep.equal(['e1']);
    // A backtracking regular expression would take hours on this; segment matching answers at once.
    const long = [entry('long', 0, 'a'.repeat(5000))];
    expect(idsOf(searchLog(long, `search "c" | where logContent = '${'*a'.repeat(40)}*b'`))).to.deep.equal([]);
    expect(idsOf(searchLog(long, `search "c" | where logContent = '${'*a'.repeat(40)}*'`))).to.deep.equal(['long']);
  },
  'Numbers: signed, decimal, exponent': () => {
    expect(where(`data.latency = 45.5`)).to.deep.equal(['e4']);
    expect(where(`data.latency = +4.55e1`)).to.deep.equal(['e4']);
    expect(where(`data.latency > 1.2E2 - 1`)).to.deep.equal(['e1']);
    expect(where(`-data.latency = -30`)).to.deep.equal(['e2']);
    expect(refused(`search "c" | where data.latency = 5x`)).to.match(/"5x" is not a number/);
  },
  'Arrays `[1, 2]`': () => {
    expect(where(`data.status = [200, 404]`), 'a value in the array').to.deep.equal(['e2', 'e4']);
    expect(where(`data.tags = ['a', 'b']`), 'arrays element by element').to.deep.equal(['e1']);
    expect(where(`data.tags = 'b'`), 'an array field holding the value').to.deep.equal(['e1']);
    expect(rows(`search "c" | where id = 'e1' | select [] as empty, [1, 'x', [2]] as mixed`)).to.deep.equal([{ empty: [], mixed: [1, 'x', [2]] }]);
  },
  'Intervals `5m`, `3h`, `1d`': () => {
    expect(where(`datetime >= $query.from + 1h + 1m`)).to.deep.equal(['e4']);
    expect(rows(`search "c" | where id = 'e1' | select 5m as m, 3h as h, 1d as d, 30s as s`)).to.deep.equal([{ m: 300_000, h: 10_800_000, d: 86_400_000, s: 30_000 }]);
    expect(refused(`search "c" | where datetime > 5ms`)).to.match(/not a number or an interval/);
  },
  '`null`, `true`, `false`': () => {
    expect(where(`data.ok = true`)).to.deep.equal(['e2']);
    expect(where(`data.ok = FALSE`)).to.deep.equal(['e1']);
    expect(where(`data.ok = null`)).to.deep.equal(['e3', 'e4']);
    expect(where(`data.ok != null`)).to.deep.equal(['e1', 'e2']);
  },
  'Comments `-- …` and `/* … */`': () => {
    expect(ids(`-- first line\nsearch "c" /* scope */ | where /* inline */ id = 'e2' -- trailing`)).to.deep.equal(['e2']);
    expect(ids(`search "c" | where data.host = '--not a comment' or id = 'e1'`)).to.deep.equal(['e1']);
    expect(refused(`search "c" /* never closed`)).to.match(/unterminated comment/);
  },
  'Parameters `$name = value;` and `$name`': () => {
    expect(ids(`$host = 'web-1'; $slow = 100;\nsearch "c" | where data.host = $host and data.latency > $slow`)).to.deep.equal(['e1']);
    expect(ids(`$limits = [200, 500]; $twice = $limits; search "c" | where data.status = $twice`)).to.deep.equal(['e1', 'e2']);
    expect(refused(`search "c" | where data.host = $nope`)).to.match(/\$nope is not set/);
    expect(refused(`$a = data.host; search "c"`)).to.match(/a parameter's value is a constant/);
    expect(refused(`$a = 1; $a = 2; search "c"`)).to.match(/set twice/);
  },
  '`$query.from`, `$query.to`': () => {
    expect(rows(`search "c" | where id = 'e1' | select $query.from as f, $query.to as t`)).to.deep.equal([{ f: T0 - 3_600_000, t: T0 + 3_600_000 }]);
    expect(ids(`$query.from = '${new Date(T0 + 2000).toISOString()}'; search "c"`), 'setting one narrows the window').to.deep.equal(['e2', 'e3', 'e4']);
    expect(ids(`$query.to = '2026-03-01T10:00:02Z'; search "c"`)).to.deep.equal(['e1']);
    expect(ids(`$query.from = '2020-01-01'; search "c"`), 'it never widens it').to.deep.equal(['e1', 'e2', 'e3', 'e4']);
    expect(refused(`$query.from = 'yesterday'; search "c"`)).to.match(/ISO 8601/);
    expect(refused(`$query.until = 1; search "c"`)).to.match(/only system parameters/);
  },
  'Aggregate rows in the result': () => {
    const answer = searchLog(ENTRIES, `search "c" | summarize count() as n by data.host as host`, { isReturnFieldInfo: true });
    expect(answer.body.results).to.deep.equal([{ data: { host: 'web-1', n: 2 } }, { data: { host: 'web-2', n: 1 } }, { data: { n: 1 } }]);
    expect(answer.body.fields).to.deep.equal([
      { fieldName: 'host', fieldType: 'STRING' },
      { fieldName: 'n', fieldType: 'NUMBER' },
    ]);
    expect(answer.body.summary).to.deep.equal({ resultCount: 3, fieldCount: 2 });
  },
  'Errors: 400 naming the problem and its position': () => {
    expect(refused(`search "c" | where data.x ~ 'y'`)).to.equal('searchQuery: unexpected character "~" at position 27');
    expect(refused(`search "c" | stats count`)).to.match(/^searchQuery: expected "\|" or the end of the query but found "count" at position 20$/);
    expect(refused(`search "c" | where (data.a = 1`)).to.match(/expected "\)" but found the end of the query at position 31/);
    expect(refused(`search "c" | where nofunc(1)`)).to.match(/unknown function nofunc\(\) .* at position 20/);
    expect(refused(`search "c" |`)).to.match(/expected an operator .* at position 13/);
    expect(refused(`find "c"`)).to.match(/expected "search"/);
  },
  'Deep nesting in queries and in JSON data': () => {
    expect(refused(`search "c" | where ${'('.repeat(5000)}true${')'.repeat(5000)}`)).to.match(/nests more than 200 levels deep/);
    expect(refused(`search "c" | where ${'not '.repeat(5000)}true`)).to.match(/nests more than 200 levels deep/);
    expect(refused(`search "c" | where ${'- '.repeat(5000)}1 = 1`)).to.match(/nests more than 200 levels deep/);
    expect(refused(`search "c" | where ${Array(5000).fill('1').join(' + ')} > 3`)).to.match(/more than 400 levels deep/);
    expect(where(Array(5000).fill(`id = 'e2'`).join(' or ')), 'a long flat chain works').to.deep.equal(['e2']);
    const deep = `{"a":${'['.repeat(4900)}${']'.repeat(4900)}}`;
    const shallow = `{"a":${'['.repeat(900)}${']'.repeat(900)}}`;
    const answer = searchLog([entry('deep', 0, deep), entry('shallow', 1, shallow)], `search "c" | where logContent = '*[[[*' or isnotnull(data.a)`, { isReturnFieldInfo: true });
    expect(JSON.parse(JSON.stringify(rowsOf(answer)))).to.deep.equal([{ message: deep }, JSON.parse(shallow)]);
  },
  '`limit N`': () => {
    expect(refused(`search "c" | limit 5`)).to.match(/expected "\|" or the end of the query but found "5"/);
  },
  'Other operators and functions (`in`, `%`, `like`, regular expressions, `join`)': () => {
    expect(refused(`search "c" | where data.status in [200]`)).to.match(/found "in"/);
    expect(refused(`search "c" | where data.status % 2 = 0`)).to.match(/unexpected character "%"/);
    expect(refused(`search "c" | where data.host like 'web%'`)).to.match(/found "like"/);
    expect(refused(`search "c" | where regex(data.host, 'w.*')`)).to.match(/unknown function regex/);
    expect(refused(`search "c" | where constructor(1) or __proto__(1)`)).to.match(/unknown function constructor/);
    expect(refused(`search "c" | join "d"`)).to.match(/found "d"|found "join"/);
  },
};

describe('query language conformance (one test per row of the README table)', () => {
  for (const [construct, test] of Object.entries(ROWS)) it(construct, test);

  it('the README table lists exactly these rows', () => {
    const readme = readFileSync(new URL('../../../../../README.md', import.meta.url), 'utf8');
    const table = /<!-- conformance -->\n([\s\S]*?)\n<!-- \/conformance -->/.exec(readme)?.[1] ?? '';
    const constructs = table
      .split('\n')
      .slice(2)
      .map((line) => /^\| (.*?) \| (yes|no) \|/.exec(line)?.[1]?.replace(/\\\|/g, '|'));
    expect(constructs).to.deep.equal(Object.keys(ROWS));
  });
});
