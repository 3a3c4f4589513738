import { expect } from 'chai';
import { LogSearch, SearchInputError } from '../../../../src/emulator/query/search.js';
import type { SearchRequest } from '../../../../src/emulator/query/search.js';
import { LOG, T0, entry, idsOf, searchLog } from '../../../helpers/query.js';

const MANY = Array.from({ length: 2500 }, (_, i) => entry(`e${String(i).padStart(4, '0')}`, i, { n: i }));

/** A searcher whose clock the test moves, and how often it ran a query (it resolves scopes once a run). */
function counted(): { searcher: LogSearch; runs: () => number; clock: { now: number }; options: Partial<SearchRequest> } {
  const clock = { now: T0 };
  let runs = 0;
  const searcher = new LogSearch(() => clock.now);
  return {
    searcher,
    runs: () => runs,
    clock,
    options: { logsInScope: () => (runs++, [{ ...LOG, entries: MANY }]) },
  };
}

describe('emulator search: pages', () => {
  it('reads every page of a search from one run of its query', () => {
    const { searcher, runs, options } = counted();
    const seen: string[] = [];
    let page: string | null = null;
    let pages = 0;
    do {
      const answer = searchLog(MANY, 'search "c" | sort by datetime desc', { ...options, searcher, limit: '1000', page });
      seen.push(...idsOf(answer));
      page = answer.nextPage ?? null;
      pages++;
    } while (page !== null);
    expect(pages).to.equal(3);
    expect(runs()).to.equal(1);
    expect(seen).to.deep.equal(MANY.map((e) => e.id).reverse());
  });

  it('runs the query again for a token of another search, an expired one, or a bare offset', () => {
    const { searcher, runs, clock, options } = counted();
    const first = searchLog(MANY, 'search "c"', { ...options, searcher, limit: '10' });
    expect(first.nextPage).to.match(/^s[0-9]+-10$/);
    const other = searchLog(MANY, 'search "c" | sort by datetime desc', { ...options, searcher, limit: '10', page: first.nextPage ?? null });
    expect(idsOf(other)[0], 'the offset into the other search').to.equal('e2489');
    expect(runs()).to.equal(2);
    clock.now += 11 * 60_000;
    const late = searchLog(MANY, 'search "c"', { ...options, searcher, limit: '10', page: first.nextPage ?? null });
    expect(idsOf(late)[0]).to.equal('e0010');
    expect(runs(), 'kept 10 minutes').to.equal(3);
    expect(idsOf(searchLog(MANY, 'search "c"', { ...options, searcher, limit: '5', page: '20' }))[0]).to.equal('e0020');
  });

  it('says the last page by leaving opc-next-page out', () => {
    const answer = searchLog(MANY, 'search "c" | top 3 by datetime', { limit: '2', page: '2' });
    expect(idsOf(answer)).to.deep.equal(['e2497']);
    expect(answer.nextPage).to.equal(undefined);
    expect(searchLog(MANY, 'search "c" | count', { limit: '1' }).nextPage).to.equal(undefined);
  });

  it('refuses a limit outside 1..1000 and a token it did not issue, naming the parameter', () => {
    for (const limit of ['0', '1001', '1.5', 'x', '']) expect(() => searchLog(MANY, 'search "c"', { limit }), limit).to.throw(SearchInputError, /^limit: must be a whole number from 1 to 1000/);
    for (const page of ['zzz', 's1', '-1', 's1-x', '1e3']) expect(() => searchLog(MANY, 'search "c"', { page }), page).to.throw(SearchInputError, /^page: not a page token/);
    expect(() => searchLog(MANY, 'search "c" | nonsense(')).to.throw(SearchInputError, /^searchQuery: /);
  });

  it('keeps only entries already searchable and inside [timeStart, timeEnd)', () => {
    const list = [entry('early', -1, 'x'), entry('first', 0, 'x'), entry('last', 999, 'x'), entry('end', 1000, 'x'), entry('unseen', 500, 'x', { ingested: T0 + 5000 })];
    expect(idsOf(searchLog(list, 'search "c"', { timeStart: T0, timeEnd: T0 + 1000, visibleBefore: T0 + 4000 }))).to.deep.equal(['first', 'last']);
  });

  it('answers isReturnFieldInfo with the page\'s fields, entries by their logContent paths', () => {
    const answer = searchLog([entry('a', 0, { level: 'x', n: 1, ok: true, list: [1], deep: { k: 'v' } })], 'search "c" | extend 1 as one', { isReturnFieldInfo: true });
    const fields = Object.fromEntries((answer.body.fields ?? []).map((f) => [f.fieldName, f.fieldType]));
    expect(fields).to.include({ 'data.level': 'STRING', 'data.n': 'NUMBER', 'data.ok': 'BOOLEAN', 'data.list': 'ARRAY', 'data.deep.k': 'STRING', 'oracle.logid': 'STRING', id: 'STRING', one: 'NUMBER' });
    expect(fields).not.to.have.property('datetime');
    expect(answer.body.summary.fieldCount).to.equal(answer.body.fields?.length);
    expect(searchLog([entry('a', 0, 'x')], 'search "c"').body).not.to.have.property('fields');
  });

  it('counts a mix of JSON and text entries per hour', () => {
    const big = Array.from({ length: 20_000 }, (_, i) => entry(`b${i}`, i * 200, i % 10 === 0 ? { level: 'error', ms: i % 97 } : `line ${i}`));
    const errors = searchLog(big, `search "c" | where data.level = 'error' | summarize count() as n, max(data.ms) as worst by rounddown(datetime, '1h') as hour`, { timeEnd: T0 + 7_200_000 });
    expect(errors.body.results.map((r) => ({ ...r.data }))).to.deep.equal([
      { hour: T0, n: 1800, worst: 96 },
      { hour: T0 + 3_600_000, n: 200, worst: 96 },
    ]);
  });
});
