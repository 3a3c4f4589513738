import { expect } from 'chai';
import { LineSplitter, utf8Boundary } from '../../../../src/core/pipe/line-splitter.js';
import { PieceSplitter, WHOLE_JSON_BYTES, fitsWhole, pieceId } from '../../../../src/core/pipe/entry-pieces.js';

function split(chunks: Array<string | Buffer>, max?: number): Array<[string, boolean]> {
  const out: Array<[string, boolean]> = [];
  const s = new LineSplitter(max);
  const emit = (t: string, more: boolean) => out.push([t, more]);
  for (const c of chunks) s.push(typeof c === 'string' ? Buffer.from(c) : c, emit);
  s.end(emit);
  return out;
}
const whole = (chunks: Array<string | Buffer>, max?: number) => {
  const lines: string[] = [];
  let cur = '';
  for (const [t, more] of split(chunks, max)) {
    cur += t;
    if (!more) {
      lines.push(cur);
      cur = '';
    }
  }
  return lines;
};

describe('line splitter', () => {
  it('splits on newlines across chunk boundaries, drops a trailing CR, keeps empty lines', () => {
    expect(whole(['a\r\nb', 'c\n\nd\r', '\ne'])).to.deep.equal(['a', 'bc', '', 'd', 'e']);
  });

  it('counts the last line without a final newline, and nothing after a final newline', () => {
    expect(whole(['x\ny'])).to.deep.equal(['x', 'y']);
    expect(whole(['x\n'])).to.deep.equal(['x']);
    expect(whole([])).to.deep.equal([]);
  });

  it('keeps a multi-byte character split byte by byte', () => {
    const bytes = Buffer.from('é✓😀\n');
    expect(whole([...bytes].map((b) => Buffer.from([b])))).to.deep.equal(['é✓😀']);
  });

  it('turns invalid UTF-8 into U+FFFD and keeps NUL and control bytes', () => {
    expect(whole([Buffer.from([0x61, 0xff, 0xfe, 0x62, 0x00, 0x07, 0x0a])])).to.deep.equal(['a\ufffd\ufffdb\u0000\u0007']);
  });

  it('hands a runaway line on in bounded fragments that never cut a character', () => {
    const line = '😀'.repeat(100_000); // 400,000 bytes, no newline
    const chunks: Buffer[] = [];
    const bytes = Buffer.from(line);
    for (let i = 0; i < bytes.length; i += 1000) chunks.push(bytes.subarray(i, i + 1000));
    const out = split(chunks, 16 * 1024);
    expect(out.length).to.be.greaterThan(10);
    for (const [t] of out) expect(Buffer.byteLength(t)).to.be.at.most(16 * 1024 + 1000);
    expect(out.map(([t]) => t).join('')).to.equal(line);
    expect(out.slice(0, -1).every(([, more]) => more)).to.equal(true);
    expect(out.at(-1)?.[1]).to.equal(false);
  });

  it('keeps a CR held back at a fragment edge when the newline follows', () => {
    const out = whole([Buffer.from('x'.repeat(20) + '\r'), Buffer.from('\nnext')], 8);
    expect(out).to.deep.equal(['x'.repeat(20), 'next']);
  });

  it('finds UTF-8 boundaries', () => {
    const b = Buffer.from('a€');
    expect(utf8Boundary(b)).to.equal(4);
    expect(utf8Boundary(b.subarray(0, 3))).to.equal(1);
  });
});

describe('piece splitter', () => {
  const pieces = (parts: Array<[string, boolean]>, max = 10) => {
    const out: Array<[string, number]> = [];
    const p = new PieceSplitter(max);
    for (const [t, more] of parts) p.push(t, more, (text, n) => out.push([text, n]));
    return out;
  };

  it('passes short lines through whole', () => {
    expect(pieces([['hello', false], ['', false]])).to.deep.equal([['hello', 0], ['', 0]]);
  });

  it('splits long lines into numbered pieces of at most the limit', () => {
    expect(pieces([['abcdefghijklmnopqrstuvwxy', false]])).to.deep.equal([['abcdefghij', 1], ['klmnopqrst', 2], ['uvwxy', 3]]);
    expect(pieces([['abcdefghij', false]])).to.deep.equal([['abcdefghij', 0]]);
    expect(pieces([['abcdefghijklmnopqrst', false]])).to.deep.equal([['abcdefghij', 1], ['klmnopqrst', 2]]);
  });

  it('joins fragments before splitting, and never splits a surrogate pair', () => {
    expect(pieces([['abcdefghi', true], ['😀z', false]])).to.deep.equal([['abcdefghi', 1], ['😀z', 2]]);
  });

  describe('a long JSON object (the service limits its values, not its length)', () => {
    const json = (parts: Array<[string, boolean]>, wholeJson = true) => {
      const out: Array<[string, number]> = [];
      const p = new PieceSplitter(10, wholeJson);
      for (const [t, more] of parts) p.push(t, more, (text, n) => out.push([text, n]));
      return out;
    };

    it('goes whole when every key and string value fits, even in fragments', () => {
      const line = '{"a":"0123456789","b":[1,2,{"c":"xyz"}]}';
      expect(json([[line, false]])).to.deep.equal([[line, 0]]);
      expect(json([[line.slice(0, 7), true], [line.slice(7, 20), true], [line.slice(20), false]])).to.deep.equal([[line, 0]]);
    });

    it('is split like text when a value is too long, when it is not an object, or when the caller wraps it', () => {
      const long = '{"a":"0123456789A"}';
      expect(json([[long, false]]).map(([, n]) => n)).to.deep.equal([1, 2]);
      expect(json([['{"a":1, broken', false]]).map(([, n]) => n)).to.deep.equal([1, 2]);
      expect(json([['{"a":"x","b":"y"}', false]], false).map(([, n]) => n)).to.deep.equal([1, 2]);
      expect(json([['[1,2,3,4,5,6,7]', false]]).map(([, n]) => n)).to.deep.equal([1, 2]);
    });

    it('is split when a key is too long, when nested past 1000, or over the whole-entry size', () => {
      expect(fitsWhole('{"0123456789A":1}', 10)).to.equal(false);
      expect(fitsWhole('{"a":' + '['.repeat(1000) + ']'.repeat(1000) + '}')).to.equal(false);
      expect(fitsWhole('{"a":' + '['.repeat(998) + ']'.repeat(998) + '}')).to.equal(true);
      const values = Array.from({ length: WHOLE_JSON_BYTES / 900 }, (_, i) => `"k${i}":"${'v'.repeat(990)}"`);
      expect(fitsWhole('{' + values.join(',') + '}')).to.equal(false);
    });

    it('holds no more than the whole-entry size: a longer line starting with { is split as it comes', () => {
      const out: Array<[string, number]> = [];
      const p = new PieceSplitter(10_000, true);
      const chunk = '{"a":"' + 'x'.repeat(65_530);
      p.push(chunk, true, (text, n) => out.push([text, n]));
      for (let i = 0; out.length === 0; i++) {
        expect(i * 65_536, 'held past the limit').to.be.at.most(WHOLE_JSON_BYTES);
        p.push('y'.repeat(65_536), true, (text, n) => out.push([text, n]));
      }
      expect(out[0]).to.deep.equal([chunk.slice(0, 10_000), 1]);
    });
  });

  it('names pieces after their line', () => {
    expect(pieceId('L', 0)).to.equal('L');
    expect(pieceId('L', 12)).to.equal('L-p0012');
  });
});
