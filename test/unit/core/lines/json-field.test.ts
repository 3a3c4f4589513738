import { expect } from 'chai';
import { JsonFieldReader } from '../../../../src/core/lines/json-field.js';

describe('reading one top-level field of a JSON line', () => {
  const time = new JsonFieldReader('time');

  it('reads strings, numbers and booleans', () => {
    expect(time.read('{"level":30,"time":1796119200123,"msg":"x"}')).to.deep.equal({ kind: 'number', text: '1796119200123', value: 1796119200123 });
    expect(time.read(' { "time" : "2026-12-01T10:00:00Z" } ')).to.deep.equal({ kind: 'string', text: '2026-12-01T10:00:00Z' });
    expect(time.read('{"time":1.7961192e9}')).to.deep.include({ kind: 'number', value: 1796119200 });
    expect(time.read('{"time":true}')).to.deep.equal({ kind: 'boolean', text: 'true' });
    expect(time.read('{"time":null}')).to.deep.equal({ kind: 'other' });
    expect(time.read('{"time":{"s":1}}')).to.deep.equal({ kind: 'other' });
    expect(new JsonFieldReader('msg').read('{"msg":"say \\"hi\\"\\n"}')).to.deep.equal({ kind: 'string', text: 'say "hi"\n' });
  });

  it('finds the key of the outer object only: not in a nested object, an array, or a string', () => {
    expect(time.read('{"req":{"time":1},"time":2}')).to.deep.include({ value: 2 });
    expect(time.read('{"a":[{"time":1}],"time":3}')).to.deep.include({ value: 3 });
    expect(time.read('{"msg":"the \\"time\\": 5 o\'clock","time":4}')).to.deep.include({ value: 4 });
    expect(time.read('{"msg":"time","time":6}')).to.deep.include({ value: 6 });
    expect(time.read('{"req":{"time":1}}')).to.equal(undefined);
    expect(time.read('{"timestamp":1}')).to.equal(undefined);
  });

  it('gives nothing for a line that is not a JSON object', () => {
    expect(time.read('time: 5')).to.equal(undefined);
    expect(time.read('["time", 5]')).to.equal(undefined);
    expect(time.read('')).to.equal(undefined);
    expect(time.read('{"time" 5}')).to.equal(undefined);
  });
});
