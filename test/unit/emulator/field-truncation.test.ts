import { expect } from 'chai';
import { MAX_FIELD_CHARS, truncateData, truncateField } from '../../../src/emulator/field-truncation.js';

describe('emulator: long data fields', () => {
  it('keeps a field of 10,000 characters, and cuts a longer one to exactly 10,000 ending in "..."', () => {
    const exact = 'a'.repeat(MAX_FIELD_CHARS);
    expect(truncateField(exact)).to.equal(exact);
    const cut = truncateField('b'.repeat(MAX_FIELD_CHARS + 1));
    expect(cut).to.have.length(MAX_FIELD_CHARS);
    expect(cut.endsWith('b...')).to.equal(true);
  });

  it('counts UTF-16 code units and never keeps half a surrogate pair', () => {
    const emoji = '😀'.repeat(6000); // 12,000 code units
    const cut = truncateField(emoji);
    expect(cut.endsWith('...')).to.equal(true);
    expect(cut.length).to.be.oneOf([MAX_FIELD_CHARS, MAX_FIELD_CHARS - 1]);
    expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(cut)).to.equal(false);
  });

  it('plain text is cut as a whole; a JSON object keeps its shape with each long value cut', () => {
    const text = 'x'.repeat(25_000);
    expect(truncateData(text)).to.equal(`${'x'.repeat(9997)}...`);
    const obj = { msg: 'm'.repeat(12_000), nested: { list: ['l'.repeat(10_001), 'short'] }, n: 5, keep: 'k'.repeat(9_000) };
    const out = JSON.parse(truncateData(JSON.stringify(obj))) as typeof obj;
    expect(out.msg).to.equal(`${'m'.repeat(9997)}...`);
    expect(out.nested.list).to.deep.equal([`${'l'.repeat(9997)}...`, 'short']);
    expect(out.n).to.equal(5);
    expect(out.keep).to.equal('k'.repeat(9_000));
  });

  it('leaves data alone when no field is long, even when the whole is longer than 10,000', () => {
    const many = JSON.stringify(Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`k${i}`, 'v'.repeat(5)])));
    expect(many.length).to.be.greaterThan(MAX_FIELD_CHARS);
    expect(truncateData(many)).to.equal(many);
    expect(truncateData('{ "a": 1 }')).to.equal('{ "a": 1 }');
  });

  it('text that only looks like JSON, and arrays, are text', () => {
    const broken = `{${'x'.repeat(10_500)}`;
    expect(truncateData(broken)).to.equal(`{${'x'.repeat(9996)}...`);
    const array = JSON.stringify(['a'.repeat(11_000)]);
    expect(truncateData(array)).to.have.length(MAX_FIELD_CHARS);
  });
});
