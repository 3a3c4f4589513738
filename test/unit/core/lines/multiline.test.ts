import { expect } from 'chai';
import { createGrouper, LineJoiner, MAX_GROUP_CHARS } from '../../../../src/core/lines/multiline.js';
import type { MultilineSpec } from '../../../../src/core/lines/multiline.js';

/** A joiner whose sink records each group's first line, read time and text. */
function joiner(spec: MultilineSpec, maxChars?: number) {
  const groups: Array<{ first: string; at: number; text: string }> = [];
  let text = '';
  const j = new LineJoiner(
    createGrouper(spec),
    {
      open: (first, at) => void groups.push({ first, at, text: '' }),
      write: (t, more) => {
        text += t;
        if (more) return;
        const g = groups.at(-1);
        if (g) g.text = text;
        text = '';
      },
    },
    maxChars,
  );
  return { j, groups };
}

describe('joining lines into groups', () => {
  it('closes a group at the size cap after the line that reaches it; the next line opens a new one', () => {
    const { j, groups } = joiner({ preset: 'indented' }, 30);
    for (const line of ['head', ' 1234567890', ' 1234567890', ' 12345', ' next', 'x']) j.push(line, false, 0);
    j.flush();
    expect(groups.map((g) => g.text)).to.deep.equal(['head\n 1234567890\n 1234567890\n 12345', ' next', 'x']);
    expect(MAX_GROUP_CHARS).to.equal(10_000_000);
  });

  it('a line in fragments joins or starts a group by its first fragment, and cannot be held on condition', () => {
    const { j, groups } = joiner({ preset: 'python' });
    j.push('Traceback (most recent call last):', false, 1);
    j.push('  File "x.py"', false, 2);
    j.push('KeyError: 1', false, 3);
    // A blank line would be held on condition; a long line in fragments starts the next group instead.
    j.push('', true, 4);
    j.push('rest of a long line', false, 4);
    j.flush();
    expect(groups.map((g) => [g.first, g.text, g.at])).to.deep.equal([
      ['Traceback (most recent call last):', 'Traceback (most recent call last):\n  File "x.py"\nKeyError: 1', 1],
      ['', 'rest of a long line', 4],
    ]);
  });

  it('lines held on condition that turn out not to belong are read again with their own read times', () => {
    const { j, groups } = joiner({ preset: 'go' });
    j.push('panic: boom', false, 1);
    j.push('', false, 2);
    j.push('not a goroutine', false, 3);
    j.flush();
    expect(groups.map((g) => [g.text, g.at])).to.deep.equal([
      ['panic: boom', 1],
      ['', 2],
      ['not a goroutine', 3],
    ]);
  });

  it('flush() (timeout, end, signal) closes the group, and the held lines as groups of their own', () => {
    const { j, groups } = joiner({ preset: 'node' });
    for (const line of ['Error: boom', '    at main (/x.js:1:1)', '']) j.push(line, false, 0);
    expect(j.open).to.equal(true);
    j.flush();
    expect(j.open).to.equal(false);
    expect(groups.map((g) => g.text)).to.deep.equal(['Error: boom\n    at main (/x.js:1:1)', '']);
  });
});
