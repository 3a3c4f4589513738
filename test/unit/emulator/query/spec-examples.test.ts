import { expect } from 'chai';
import { tokenize } from '../../../../src/emulator/query/lexer.js';
import { parseQuery } from '../../../../src/emulator/query/parser.js';
import { T0, entry, runOverRows, rowsOf, searchLog, spec } from '../../../helpers/query.js';

describe("the query language specification's own examples", () => {
  it('cites the page they come from', () => {
    expect(spec.source).to.contain('https://docs.oracle.com/en-us/iaas/Content/Logging/Reference/query_language_specification.htm');
  });

  for (const example of spec.examples) {
    it(`${example.section}: ${example.query.replace(/\s+/g, ' ')}`, () => {
      const want = example.expected ?? example.spec;
      if (example.expected !== undefined) expect(example.why, 'an answer that differs from the page says why').to.be.a('string');
      expect(runOverRows(example.query, spec.stream)).to.deep.equal(want);
    });
  }

  it('dedup host gives the page\'s two rows once its stray leading spaces are gone', () => {
    const stream = spec.stream.map((r) => ({ ...r, host: String(r['host']).trim() }));
    expect(runOverRows('search "application" | dedup host', stream).map((r) => r['timestamp'])).to.deep.equal(['2019-01-03T00:04:01', '2019-01-03T00:05:33']);
  });

  for (const [section, queries] of Object.entries(spec.parses)) {
    it(`parses the ${section} examples`, () => {
      for (const q of queries) expect(() => parseQuery(q), q).not.to.throw();
    });
  }

  it('reads the field examples as the paths they name (quoted names keep their dots)', () => {
    for (const f of spec.fields) {
      const q = parseQuery(`search "c" | select ${f.text} as x`);
      const op = q.operators[0];
      const item = op?.kind === 'select' ? op.items[0] : undefined;
      expect(item !== 'all' && item?.expr.kind === 'field' ? item.expr.path : undefined, f.text).to.deep.equal(f.path);
    }
  });

  it('reads every literal of the Literals table as its value', () => {
    for (const l of spec.literals) {
      const [row] = runOverRows(`search "c" | select ${l.text} as v`, [{ timestamp: '2019-01-03T00:00:00' }]);
      expect(row?.['v'] ?? null, `${l.type} ${l.text}`).to.deep.equal(l.value);
    }
    expect(tokenize("'world\\'!'")[0]).to.include({ kind: 'string', text: "world'!" });
  });

  it('takes the system parameters in the forms of their examples', () => {
    for (const p of spec.systemParameters) {
      // One entry in 1990, one in 2026: setting query.from (2007) keeps the second, query.to (2007) the first.
      const rows = [entry('old', Date.parse('1990-01-01T00:00:00Z') - T0, 'x'), entry('new', 0, 'x')];
      const answer = searchLog(rows, `$${p.name} = ${p.example}; search "c" | extend $${p.name} as p | select p, id`, { timeStart: 0, timeEnd: 2e12 });
      expect(rowsOf(answer), p.name).to.deep.equal([{ p: p.ms, id: p.name === 'query.from' ? 'new' : 'old' }]);
    }
  });
});
