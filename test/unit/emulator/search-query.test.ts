import { expect } from 'chai';
import { QuerySyntaxError, matches, parseQuery } from '../../../src/emulator/search-query.js';
import type { Searchable } from '../../../src/emulator/search-query.js';

const entry = (data: unknown, extra: Partial<Searchable> = {}): Searchable => ({
  id: 'id-1',
  source: 'host-a',
  type: 'app',
  subject: 'stdout',
  time: 1000,
  rawData: typeof data === 'string' ? data : JSON.stringify(data),
  data: typeof data === 'string' ? { message: data } : data,
  ...extra,
});

describe('emulator query language', () => {
  it('parses scopes, where, sort and limit', () => {
    const q = parseQuery(`search "ocid1.tenancy.oc1..x/grp/log", "ocid1.compartment.oc1..y" | where logContent = '*it''s*' and (data.level = 'error' or data.n > 3) | sort by datetime desc | limit 5`);
    expect(q.scopes).to.deep.equal([{ compartment: 'ocid1.tenancy.oc1..x', group: 'grp', log: 'log' }, { compartment: 'ocid1.compartment.oc1..y' }]);
    expect(q.sort).to.equal('desc');
    expect(q.limit).to.equal(5);
    expect(matches(q.where, entry({ level: 'error', msg: "it's here" }))).to.equal(true);
    expect(matches(q.where, entry({ level: 'info', n: 4, msg: "it's" }))).to.equal(true);
    expect(matches(q.where, entry({ level: 'info', n: 2, msg: "it's" }))).to.equal(false);
  });

  it('matches logContent wildcards case-insensitively in plain text', () => {
    const q = parseQuery(`search "c" | where logContent = '*DISK*full*'`);
    expect(matches(q.where, entry('warning: disk 91% full'))).to.equal(true);
    expect(matches(q.where, entry('all good'))).to.equal(false);
  });

  it('compares subject, not, and missing fields', () => {
    const q = parseQuery(`search "c" | where subject = 'stdout' and not data.run = 'x'`);
    expect(matches(q.where, entry({ run: 'y' }))).to.equal(true);
    expect(matches(q.where, entry({ run: 'x' }))).to.equal(false);
    expect(matches(parseQuery(`search "c" | where data.none != 'a'`).where, entry({}))).to.equal(true);
  });

  it('names the problem in a bad query', () => {
    expect(() => parseQuery('find "c"')).to.throw(QuerySyntaxError, /expected "search"/);
    expect(() => parseQuery(`search "c" | where data.a = `)).to.throw(QuerySyntaxError, /single-quoted string or a number/);
    expect(() => parseQuery(`search "c" | sort by level`)).to.throw(QuerySyntaxError, /datetime/);
    expect(() => parseQuery(`search "c/"`)).to.throw(QuerySyntaxError, /bad scope/);
    expect(() => parseQuery(`search "c" | where a = 'x`)).to.throw(QuerySyntaxError, /unterminated/);
  });

  it('binds and tighter than or, and parentheses override it', () => {
    const e = entry({ a: 1, b: 0, c: 0 });
    expect(matches(parseQuery(`search "c" | where data.a = 1 or data.b = 1 and data.c = 1`).where, e)).to.equal(true);
    expect(matches(parseQuery(`search "c" | where (data.a = 1 or data.b = 1) and data.c = 1`).where, e)).to.equal(false);
  });

  it('defaults: no where matches all, no sort leaves it unset, no limit', () => {
    const q = parseQuery(`search "ocid1.tenancy.oc1..x"`);
    expect(q).to.deep.equal({ scopes: [{ compartment: 'ocid1.tenancy.oc1..x' }], where: undefined, sort: undefined, limit: undefined });
    expect(matches(q.where, entry('anything'))).to.equal(true);
    expect(parseQuery(`search "c" | sort by datetime`).sort).to.equal('asc');
  });

  it('compares numbers as numbers and strings with wildcards, and several where clauses all apply', () => {
    const e = entry({ n: 10, s: 'Hello World', flag: true });
    const m = (w: string) => matches(parseQuery(`search "c" | where ${w}`).where, e);
    expect(m('data.n > 9')).to.equal(true);
    expect(m('data.n < 9')).to.equal(false);
    expect(m('data.n = 10')).to.equal(true);
    expect(m(`data.n = '1*'`)).to.equal(true);
    expect(m(`data.s = 'hello world'`)).to.equal(true);
    expect(m(`data.s = 'hello'`)).to.equal(false);
    expect(m(`data.s != 'hello'`)).to.equal(true);
    expect(m(`data.flag = 'true'`)).to.equal(true);
    expect(m(`data.s > 3`)).to.equal(false);
    expect(matches(parseQuery(`search "c" | where data.n > 1 | where data.n < 5`).where, e)).to.equal(false);
  });

  it('logContent matches the entry\'s JSON text: keys, id, source and type too', () => {
    const m = (p: string, e: Searchable) => matches(parseQuery(`search "c" | where logContent = '${p}'`).where, e);
    expect(m('*"level":"warn"*', entry({ level: 'warn' }))).to.equal(true);
    expect(m('*host-a*', entry('text'))).to.equal(true);
    expect(m('*nowhere*', entry('text'))).to.equal(false);
    expect(m('*100%*', entry('cpu at 100% now'))).to.equal(true);
    expect(m('*a.c*', entry('abc'))).to.equal(false);
  });

  it('refuses what it does not know, naming where', () => {
    expect(() => parseQuery(`search "c" | stats count`)).to.throw(QuerySyntaxError, /expected where, sort by or limit/);
    expect(() => parseQuery(`search "c" | limit -1`)).to.throw(QuerySyntaxError, /limit/);
    expect(() => parseQuery(`search "c" | where (data.a = 1`)).to.throw(QuerySyntaxError, /expected "\)"/);
    expect(() => parseQuery(`search "c" | where data.a ~ 1`)).to.throw(QuerySyntaxError, /at position 27/);
    expect(() => parseQuery(`search "a/b/c/d"`)).to.throw(QuerySyntaxError, /bad scope/);
    expect(() => parseQuery(`search`)).to.throw(QuerySyntaxError, /double-quoted scope/);
  });
});
