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
});
