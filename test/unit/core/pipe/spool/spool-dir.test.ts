import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { SpoolDir, countSegment, logHash, processStartTime } from '../../../../../src/core/pipe/spool/spool-dir.js';
import { tempDir } from '../../../../helpers/temp-dir.js';

const reporter = { failed: () => undefined, recovered: () => undefined };
const LOG = 'ocid1.log.oc1.iad.spooltest';

/** A pid that is certainly gone: a child that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid as number;
}

function writeSegment(dir: string, owner: string, lines: number, log = LOG): string {
  const name = `1764547200000-000001.${owner}.${logHash(log)}.jsonl`;
  const entry = (i: number) => JSON.stringify({ data: `d${i}`, id: `id${i}`, time: '2026-12-01T00:00:00.000Z' });
  const meta = JSON.stringify({ spool: 1, logId: log, source: 's', type: 't' });
  writeFileSync(join(dir, name), [meta, ...Array.from({ length: lines }, (_, i) => entry(i))].join(',\n').replace(',\n', '\n'), { mode: 0o600 });
  return name;
}

describe('the spool folder', () => {
  it('is made 0700 (a looser one of ours is tightened) and holds a lock naming this process', () => {
    const dir = join(tempDir(), 'spool');
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    const spool = SpoolDir.open(dir, { sync: false, reporter });
    expect(statSync(dir).mode & 0o777).to.equal(0o700);
    const lock = JSON.parse(readFileSync(join(dir, `${spool.owner}.lock`), 'utf8')) as { pid: number; start?: string };
    expect(lock.pid).to.equal(process.pid);
    expect(lock.start).to.equal(processStartTime(process.pid));
    spool.close();
    expect(readdirSync(dir)).to.deep.equal([]);
  });

  it('adopts the segments of a process that is gone (no lock, a dead pid, or a reused pid), and not those of a live one', () => {
    const dir = tempDir();
    const dead = `${deadPid()}-0000dead`;
    writeFileSync(join(dir, `${dead}.lock`), JSON.stringify({ pid: Number(dead.split('-')[0]), host: hostname(), start: '1' }));
    writeSegment(dir, dead, 2);
    const orphan = '77777-0000beef';
    writeSegment(dir, orphan, 3);
    const reused = `${process.pid}-00000bad`;
    writeFileSync(join(dir, `${reused}.lock`), JSON.stringify({ pid: process.pid, host: hostname(), start: 'not-our-start' }));
    writeSegment(dir, reused, 4);
    const live = `${process.pid}-0000a11e`;
    writeFileSync(join(dir, `${live}.lock`), JSON.stringify({ pid: process.pid, host: hostname(), start: processStartTime(process.pid) }));
    writeSegment(dir, live, 5);
    const elsewhere = '1-00e15e00';
    writeFileSync(join(dir, `${elsewhere}.lock`), JSON.stringify({ pid: 1, host: 'another-host', start: '1' }));
    writeSegment(dir, elsewhere, 6);
    const spool = SpoolDir.open(dir, { sync: false, reporter });
    const found = spool.adopt(LOG);
    expect(found.map((s) => s.records).sort()).to.deep.equal([2, 3, 4]);
    expect(spool.bytes).to.equal(found.reduce((n, s) => n + s.diskBytes, 0));
    const names = readdirSync(dir);
    expect(names.filter((n) => n.includes(`.${spool.owner}~`))).to.have.length(3);
    expect(names).to.include(`${live}.lock`).and.include(`${elsewhere}.lock`);
    expect(names, 'the lock of a process that is gone and owns nothing goes').to.not.include(`${dead}.lock`);
    for (const s of found) s.remove();
    expect(spool.bytes).to.equal(0);
    spool.close();
  });

  it('adopts only the asked log\'s segments, and each segment once among several adopters', () => {
    const dir = tempDir();
    writeSegment(dir, '11111-0000aaaa', 1);
    writeSegment(dir, '11112-0000aaaa', 1, 'ocid1.log.oc1.iad.other');
    const a = SpoolDir.open(dir, { sync: false, reporter });
    const b = SpoolDir.open(dir, { sync: false, reporter });
    expect(a.adopt(LOG)).to.have.length(1);
    expect(b.adopt(LOG)).to.have.length(0);
    expect(b.adopt(undefined)).to.have.length(1);
  });

  it('counts the entry lines of a segment file', () => {
    const file = join(tempDir(), 'seg.jsonl');
    writeFileSync(file, '{"spool":1}\n{"data":"a"},\n{"data":"b"}\n{"spool":1}\n{"data":"c"}');
    expect(countSegment(file)).to.include({ entries: 3, bytes: 63 });
  });
});
