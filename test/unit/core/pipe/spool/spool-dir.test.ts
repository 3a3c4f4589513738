import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { systemClock } from '../../../../../src/core/clock.js';
import type { Clock, ClockTimer } from '../../../../../src/core/clock.js';
import { HEARTBEAT_MS, STALE_LOCK_MS, SpoolDir, countSegment, logHash, processStartTime, thisMachine } from '../../../../../src/core/pipe/spool/spool-dir.js';
import { FakeClock } from '../../../../helpers/fake-clock.js';
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

/** A lock file as a process writes it, last refreshed at `refreshedAt`. */
function writeLock(dir: string, owner: string, info: Record<string, unknown>, refreshedAt: number): void {
  const path = join(dir, `${owner}.lock`);
  writeFileSync(path, JSON.stringify(info));
  utimesSync(path, new Date(refreshedAt), new Date(refreshedAt));
}

/** Which of `owners` a new spool process adopts segments from, at `clock`'s time. */
function adoptedOwners(dir: string, clock: Clock, owners: readonly string[]): string[] {
  const spool = SpoolDir.open(dir, { sync: false, reporter, clock });
  const found = spool.adopt(LOG);
  spool.close();
  return owners.filter((o) => found.some((s) => s.path.includes(`~${o}.`)));
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

  it('judges an owner it cannot check (another host, another pid namespace) by its heartbeat: running while its lock is fresh, gone once stale', () => {
    const dir = tempDir();
    const clock = new FakeClock();
    const here = thisMachine();
    const fresh = clock.now() - STALE_LOCK_MS + 60_000;
    const stale = clock.now() - STALE_LOCK_MS - 1;
    const owners = {
      otherHostFresh: '1-0000000a',
      otherHostStale: '2-0000000b',
      // A pid that does not exist here, in a pid namespace that is not ours (another container with our host name).
      otherPidnsFresh: `${deadPid()}-0000000c`,
      otherPidnsStale: `${deadPid()}-0000000d`,
    };
    writeLock(dir, owners.otherHostFresh, { pid: 1, host: 'another-host', start: '1' }, fresh);
    writeLock(dir, owners.otherHostStale, { pid: 1, host: 'another-host', start: '1' }, stale);
    for (const [owner, at] of [[owners.otherPidnsFresh, fresh], [owners.otherPidnsStale, stale]] as const) {
      writeLock(dir, owner, { pid: Number(owner.split('-')[0]), host: here.host, start: '1', boot: here.boot, pidns: 'pid:[0]' }, at);
    }
    for (const owner of Object.values(owners)) writeSegment(dir, owner, 1);
    expect(adoptedOwners(dir, clock, Object.values(owners))).to.deep.equal([owners.otherHostStale, owners.otherPidnsStale]);
  });

  it('trusts what this machine can tell: a running process keeps its segments however stale its lock (stopped, suspended); one from before a reboot is gone', () => {
    const dir = tempDir();
    const clock = new FakeClock();
    const here = thisMachine();
    const long = clock.now() - 10 * STALE_LOCK_MS;
    const running = `${process.pid}-0000001a`;
    writeLock(dir, running, { pid: process.pid, host: here.host, start: processStartTime(process.pid), boot: here.boot, pidns: here.pidns }, long);
    writeSegment(dir, running, 1);
    const beforeReboot = `${process.pid}-0000001b`;
    writeLock(dir, beforeReboot, { pid: process.pid, host: here.host, start: processStartTime(process.pid), boot: 'another-boot', pidns: here.pidns }, clock.now());
    writeSegment(dir, beforeReboot, 1);
    const expected = here.boot === undefined ? [] : [beforeReboot];
    expect(adoptedOwners(dir, clock, [running, beforeReboot])).to.deep.equal(expected);
  });

  it('refreshes its own lock every minute on its clock (making it again if it went), and stops at close', async () => {
    const dir = tempDir();
    const clock = new FakeClock();
    const spool = SpoolDir.open(dir, { sync: false, reporter, clock });
    const lock = join(dir, `${spool.owner}.lock`);
    expect(JSON.parse(readFileSync(lock, 'utf8'))).to.include({ pid: process.pid, boot: thisMachine().boot, pidns: thisMachine().pidns });
    await clock.advance(HEARTBEAT_MS);
    expect(statSync(lock).mtimeMs).to.be.closeTo(clock.now(), 1);
    rmSync(lock);
    await clock.advance(HEARTBEAT_MS);
    expect(statSync(lock).mtimeMs).to.be.closeTo(clock.now(), 1);
    spool.close();
    expect(clock.timers).to.equal(0);
  });

  it('never keeps a process alive for its heartbeat', () => {
    const timers: ClockTimer[] = [];
    const clock: Clock = {
      ...systemClock,
      setTimeout: (callback, ms) => {
        const timer = systemClock.setTimeout(callback, ms);
        timers.push(timer);
        return timer;
      },
    };
    const spool = SpoolDir.open(tempDir(), { sync: false, reporter, clock });
    expect(timers).to.have.length(1);
    expect((timers[0] as NodeJS.Timeout).hasRef()).to.equal(false);
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

  it('--spool-sync: what each append wrote is synced before it returns, and the folder once a segment is made or adopted (renamed)', () => {
    const dir = tempDir();
    writeSegment(dir, '77777-0000beef', 2);
    const calls: string[] = [];
    const fsync = { file: () => calls.push('file'), folder: (path: string) => calls.push(`folder ${path === dir ? 'dir' : path}`) };
    const spool = SpoolDir.open(dir, { sync: true, reporter, fsync });
    expect(spool.adopt(LOG)).to.have.length(1);
    expect(calls, 'the rename is made durable').to.deep.equal(['folder dir']);
    calls.length = 0;
    const seg = spool.newSegment(LOG);
    const meta = Buffer.from(JSON.stringify({ spool: 1, logId: LOG, source: 's', type: 't' }) + '\n');
    seg.append([meta, Buffer.from('{"data":"a","id":"1","time":"t"}')], 1);
    expect(calls, 'the data, then the new file\'s name').to.deep.equal(['file', 'folder dir']);
    seg.append([Buffer.from(',\n{"data":"b","id":"2","time":"t"}')], 1);
    expect(calls).to.deep.equal(['file', 'folder dir', 'file']);
    seg.seal();
    expect(calls).to.have.length(3);
    spool.close();

    const quiet: string[] = [];
    const unsynced = SpoolDir.open(tempDir(), { sync: false, reporter, fsync: { file: () => quiet.push('file'), folder: () => quiet.push('folder') } });
    const other = unsynced.newSegment(LOG);
    other.append([meta], 0);
    other.seal();
    expect(quiet, 'without --spool-sync, nothing is synced').to.deep.equal([]);
    unsynced.close();
  });

  it('--spool-sync: a failed sync counts as a failed write (the batch stays in memory, said)', () => {
    const failed: string[] = [];
    const spool = SpoolDir.open(tempDir(), {
      sync: true,
      reporter: { failed: (_p, e) => failed.push(String(e.code)), recovered: () => undefined },
      fsync: {
        file: () => {
          throw Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
        },
        folder: () => undefined,
      },
    });
    const seg = spool.newSegment(LOG);
    seg.append([Buffer.from('{"spool":1}\n')], 0);
    expect(seg.durable).to.equal(false);
    expect(failed).to.deep.equal(['EIO']);
    seg.remove();
    spool.close();
  });

  it('counts the entry lines of a segment file', () => {
    const file = join(tempDir(), 'seg.jsonl');
    writeFileSync(file, '{"spool":1}\n{"data":"a"},\n{"data":"b"}\n{"spool":1}\n{"data":"c"}');
    expect(countSegment(file)).to.include({ entries: 3, bytes: 63 });
  });
});
