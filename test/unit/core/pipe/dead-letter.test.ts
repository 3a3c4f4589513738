import { readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { DeadLetterFile } from '../../../../src/core/pipe/dead-letter.js';
import { tempDir } from '../../../helpers/temp-dir.js';

const record = (i: number) => JSON.stringify({ data: `d${i} ${'x'.repeat(40)}`, id: `id${i}`, time: '2026-12-01T00:00:00.000Z', source: 's', type: 't', logId: 'L' }) + '\n';
const records = (from: number, n: number) => Array.from({ length: n }, (_, i) => record(from + i)).join('');
const linesOf = (file: string) => readFileSync(file, 'utf8').split('\n');

describe('the dead-letter file', () => {
  it('is made on first use, mode 0600, in folders it makes', () => {
    const file = join(tempDir(), 'a', 'b', 'dl.jsonl');
    const dl = new DeadLetterFile(file);
    expect(dl.append(records(0, 2), 2)).to.deep.equal({ kept: 2, error: undefined });
    dl.close();
    expect(statSync(file).mode & 0o777).to.equal(0o600);
    expect(linesOf(file)).to.have.length(3);
  });

  it('on a full disk keeps whole records only, says exactly how many, and never merges the next record into a torn one', () => {
    const file = join(tempDir(), 'dl.jsonl');
    let room = 1000;
    const dl = new DeadLetterFile(file, (fd, buf, off, len) => {
      if (room <= 0) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      const n = Math.min(len, room);
      room -= n;
      return writeSync(fd, buf, off, n);
    });
    const text = records(0, 20);
    const r = dl.append(text, 20);
    expect(r.error?.message).to.contain('ENOSPC');
    const kept = r.kept;
    expect(kept).to.be.greaterThan(0).and.lessThan(20);
    const lines = linesOf(file);
    expect(lines.at(-1)).to.equal('');
    expect(lines.slice(0, -1).map((l) => (JSON.parse(l) as { id: string }).id)).to.deep.equal(Array.from({ length: kept }, (_, i) => `id${i}`));
    room = 1_000_000;
    expect(dl.append(record(99), 1).kept).to.equal(1);
    dl.close();
    const after = linesOf(file);
    expect(after.slice(0, -1).map((l) => (JSON.parse(l) as { id: string }).id)).to.deep.equal([...Array.from({ length: kept }, (_, i) => `id${i}`), 'id99']);
  });

  it('closes a torn line left by an earlier crash before adding records', () => {
    const file = join(tempDir(), 'dl.jsonl');
    writeFileSync(file, record(1) + record(2).slice(0, 25));
    const dl = new DeadLetterFile(file);
    dl.append(record(3), 1);
    dl.close();
    const lines = linesOf(file);
    expect(lines).to.have.length(4);
    expect((JSON.parse(lines[2] as string) as { id: string }).id).to.equal('id3');
  });

  it('makes the file again when it was deleted while oci-log runs, rather than writing into the void', () => {
    const file = join(tempDir(), 'dl.jsonl');
    const dl = new DeadLetterFile(file);
    dl.append(record(1), 1);
    rmSync(file);
    dl.append(record(2), 1);
    dl.close();
    expect(linesOf(file).slice(0, -1).map((l) => (JSON.parse(l) as { id: string }).id)).to.deep.equal(['id2']);
  });

  it('reports a failure to open as nothing kept, without throwing', () => {
    const blocker = join(tempDir(), 'file');
    writeFileSync(blocker, '');
    const dl = new DeadLetterFile(join(blocker, 'dl.jsonl'));
    const r = dl.append(record(1), 1);
    expect(r.kept).to.equal(0);
    expect(r.error).to.be.instanceOf(Error);
  });
});
