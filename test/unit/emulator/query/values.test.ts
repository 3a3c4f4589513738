import { expect } from 'chai';
import { toNumber, wildcard, wildcardCacheSize } from '../../../../src/emulator/query/values.js';

describe('emulator query values', () => {
  describe('toNumber', () => {
    it('reads numbers and numeric strings, white space around them allowed', () => {
      const cases: Array<[unknown, number | undefined]> = [
        [200, 200],
        ['200', 200],
        ['  -1.5e3\n', -1500],
        ['+.5', 0.5],
        ['5.', 5],
        ['\u00a012\ufeff', 12],
        ['1E-2', 0.01],
        ['', undefined],
        ['   ', undefined],
        ['.', undefined],
        ['+', undefined],
        ['1e', undefined],
        ['1e+', undefined],
        ['1.2.3', undefined],
        ['0x10', undefined],
        ['Infinity', undefined],
        ['1_000', undefined],
        ['1 2', undefined],
        ['1'.repeat(400), undefined], // past the largest double: not a number
        [Number.NaN, undefined],
        [true, undefined],
        [null, undefined],
      ];
      for (const [input, expected] of cases) expect(toNumber(input), JSON.stringify(input)).to.equal(expected);
    });

    it('answers a 100 kB run of digits that ends in a letter (a backtracking check took a minute on it)', () => {
      expect(toNumber(`${'1'.repeat(100_000)}x`)).to.equal(undefined);
      expect(toNumber(`${'1'.repeat(100_000)}.${'2'.repeat(100_000)}e`)).to.equal(undefined);
      expect(toNumber(`${' '.repeat(100_000)}1${' '.repeat(100_000)}x`)).to.equal(undefined);
      expect(toNumber(`0.${'0'.repeat(100_000)}1`)).to.equal(0);
    });
  });

  describe('wildcard', () => {
    it('matches * as any text, without regard to case', () => {
      expect(wildcard('ACC-*')('acc-42')).to.equal(true);
      expect(wildcard('*a*b')('xaxxb')).to.equal(true);
      expect(wildcard('*a*b')('xbxa')).to.equal(false);
    });

    it('keeps a bounded number of characters of patterns, however long each one is', () => {
      for (let i = 0; i < 200; i++) {
        const pattern = `*${String(i).padStart(4, '0')}${'x'.repeat(100_000)}*`;
        expect(wildcard(pattern)(`a${pattern.slice(1, -1)}b`)).to.equal(true);
      }
      expect(wildcardCacheSize().chars).to.be.at.most(1_000_000);
      for (let i = 0; i < 3000; i++) wildcard(`p${i}-*`);
      expect(wildcardCacheSize().entries).to.be.at.most(1000);
    });
  });
});
