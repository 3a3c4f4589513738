import { expect } from 'chai';
import { pieceId } from '../../../../src/core/pipe/entry-pieces.js';

describe('piece ids', () => {
  it('sort in piece order for any number of pieces', () => {
    const pieces = [1, 2, 9, 10, 999, 9_999, 10_000, 10_001, 99_999_999, 100_000_000, 123_456_789_012];
    const ids = pieces.map((p) => pieceId('L', p));
    expect(ids.slice(0, 3)).to.deep.equal(['L-p0001', 'L-p0002', 'L-p0009']);
    expect(pieceId('L', 10_000)).to.equal('L-pz00010000');
    expect(pieceId('L', 100_000_000)).to.equal('L-pzz0000000100000000');
    expect([...ids].sort()).to.deep.equal(ids);
    expect(pieceId('L', 0)).to.equal('L');
  });
});
