import { expect } from 'chai';
import { EntryIdGenerator } from '../../../../src/core/pipe/entry-id.js';

describe('entry ids', () => {
  it('are UUIDv7 strings that sort in the order they were made, within and across milliseconds', () => {
    let t = 1_700_000_000_000;
    const clock = [0, 0, 0, 1, 1, -5, -5, 2];
    let i = 0;
    const gen = new EntryIdGenerator(() => t + (clock[i++ % clock.length] ?? 0));
    const ids = Array.from({ length: 100_000 }, () => gen.next());
    for (const id of ids.slice(0, 5)) expect(id).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const sorted = [...ids].sort();
    expect(sorted).to.deep.equal(ids);
    expect(new Set(ids).size).to.equal(ids.length);
    t += 1;
  });

  it('differ between two generators in the same millisecond', () => {
    const a = new EntryIdGenerator(() => 1);
    const b = new EntryIdGenerator(() => 1);
    expect(a.next()).to.not.equal(b.next());
  });
});

describe('entry ids within one millisecond', () => {
  it('keep sorting across the counter\'s carries, for hundreds of thousands of ids', () => {
    const gen = new EntryIdGenerator(() => 1_700_000_000_000);
    const ids = Array.from({ length: 300_000 }, () => gen.next());
    expect([...ids].sort()).to.deep.equal(ids);
    expect(new Set(ids).size).to.equal(ids.length);
  });
});
