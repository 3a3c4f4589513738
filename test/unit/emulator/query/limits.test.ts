import { expect } from 'chai';
import { SearchInputError } from '../../../../src/emulator/query/search.js';
import { entry, rowsOf, searchLog } from '../../../helpers/query.js';

/** 2,000 entries, each with a 10,000-character message (the longest field the service keeps). */
const BIG = Array.from({ length: 2000 }, (_, i) => entry(`e${String(i).padStart(4, '0')}`, i, { m: 'x'.repeat(10_000), n: i }));

const refused = (query: string, message: RegExp): void => {
  expect(() => searchLog(BIG, query)).to.throw(SearchInputError, message);
};

describe('emulator search: what one query may compute and keep', () => {
  it('refuses a computed value over 1,000,000 characters instead of building it', () => {
    refused(`search "c" | extend concat(${Array(101).fill('data.m').join(', ')}) as x`, /searchQuery: search result is too large: concat\(\) would make a value of 1010000 characters/);
    // doubling through extends stops at a limit instead of growing to gigabytes a row
    let query = 'search "c" | extend data.m as a0';
    for (let i = 1; i <= 40; i++) query += ` | extend concat(a${i - 1}, a${i - 1}) as a${i}`;
    refused(query, /searchQuery: search result is too large/);
    expect(() => searchLog(BIG.slice(0, 1), query)).to.throw(SearchInputError, /concat\(\) would make a value of 1280000 characters/);
    refused(`search "c" | extend upper(concat(${Array(100).fill('data.m').join(', ')}, data.m)) as x`, /too large: concat\(\)/);
  });

  it('refuses a query whose kept columns pass the budget (2,000 rows of 60,000 computed characters each)', () => {
    refused(`search "c" | extend concat(${Array(6).fill('data.m').join(', ')}) as x | extend concat(x, x, x, x, x, x, x, x, x) as y`, /search result is too large: the columns it keeps \(extend\)/);
    refused(`search "c" | select concat(${Array(60).fill('data.m').join(', ')}) as x`, /the columns it keeps \(select\)/);
  });

  it('refuses a summarize of more than 100,000 groups', () => {
    const many = Array.from({ length: 100_001 }, (_, i) => entry(`g${i}`, i, { n: i }));
    expect(() => searchLog(many, 'search "c" | summarize count() by data.n')).to.throw(SearchInputError, /summarize makes more than 100000 groups/);
    expect(rowsOf(searchLog(many.slice(0, 100_000), 'search "c" | summarize count() by data.n', { limit: '1' }))).to.have.length(1);
  });

  it('still runs what stays within: a concat of two fields over every entry, kept', () => {
    const answer = searchLog(BIG, 'search "c" | extend concat(data.m, data.n) as x | sort by data.n desc', { limit: '1' });
    expect(answer.body.results[0]?.data['x']).to.equal(`${'x'.repeat(10_000)}1999`);
  });
});
