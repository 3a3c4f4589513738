import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, readlinkSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { SegmentTakenOverError } from '../../../errors.js';
import { systemClock } from '../../clock.js';
import type { Clock, ClockTimer } from '../../clock.js';
import { FileSegment, MemorySegment, syncFileData, writeBuffers } from './segment.js';
import type { FileSegmentIo, Removal, Segment, WriteBuffers, WriteErrorReporter } from './segment.js';
import { countEntries } from './segment-format.js';

/**
 * A spool folder that several oci-log processes may share. Each process owns
 * the segments it writes, under a lock file naming its pid, whose time it
 * refreshes every HEARTBEAT_MS; it never touches the segments of a running
 * process, and adopts (by an atomic rename) those of a process that is gone.
 *
 *   <owner>.lock                              {"pid","start","host","boot","pidns"}
 *   <time>-<seq>.<owner>[~<first owner>].<log hash>.jsonl
 *
 * Gone means: no lock (it closed, or never got that far); or this machine
 * can tell it exited (same host: its boot is over, or, in our pid
 * namespace, its pid is free or reused); or, when this machine cannot tell
 * (another host, container or pid namespace sharing the folder), its lock
 * has not been refreshed for STALE_LOCK_MS. A process this machine sees
 * running keeps its segments however old its lock: stopped or suspended, it
 * sends them itself when it resumes.
 *
 * A segment (segment-format.ts) is a JSON-lines file, mode 0600, in a folder
 * of mode 0700.
 */

/** How often a process refreshes its lock's time. */
export const HEARTBEAT_MS = 60_000;

/**
 * A lock not refreshed for this long, whose owner this machine cannot check,
 * belongs to a process that is gone (killed in a container since re-created
 * under another host name, say). Ten heartbeats: a process whose event loop
 * is held up for minutes, or hosts whose clocks differ by a few minutes on a
 * shared volume, must not have their segments taken (and sent twice) while
 * they run; yet a re-created container's leftovers go out within minutes
 * (running oci-log processes look again every minute).
 */
export const STALE_LOCK_MS = 10 * HEARTBEAT_MS;

const SEGMENT = /^(\d{13}-\d{6})\.(\d+-[0-9a-f]{8})(?:~(\d+-[0-9a-f]{8}))?\.([0-9a-f]{16})\.jsonl$/;
const LOCK = /^(\d+-[0-9a-f]{8})\.lock$/;

export function logHash(logId: string): string {
  return createHash('sha256').update(logId).digest('hex').slice(0, 16);
}

interface LockInfo {
  pid: number;
  host: string;
  /** The process's start time as the kernel tells it (Linux), to tell a reused pid apart. */
  start: string | undefined;
  /** The kernel's boot id (Linux): a lock from an earlier boot is from a process that is gone. */
  boot: string | undefined;
  /** The pid namespace (Linux): a pid means the same process only within one. */
  pidns: string | undefined;
}

/** A lock as read from the folder, with when its owner last refreshed it. */
interface FoundLock extends LockInfo {
  refreshedAt: number;
}

/** What a lock written here says of this machine; undefined parts are unknown (no /proc). */
export interface Machine {
  host: string;
  boot: string | undefined;
  pidns: string | undefined;
}

let machine: Machine | undefined;

/** This host, its boot and this process's pid namespace. */
export function thisMachine(): Machine {
  machine ??= { host: hostname(), boot: readProc(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()), pidns: readProc(() => readlinkSync('/proc/self/ns/pid')) };
  return machine;
}

function readProc(read: () => string): string | undefined {
  try {
    return read() || undefined;
  } catch {
    return undefined;
  }
}

/** The kernel's start time of a process (field 22 of /proc/PID/stat), where there is a /proc. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Two facts that differ, when both are known (a lock of an older oci-log, or a system without /proc, knows less). */
function differ(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a !== b;
}

/** What this machine can tell of a lock's process: gone, running, or nothing (another host or pid namespace). */
function ownerSeen(lock: LockInfo, here: Machine): 'gone' | 'running' | 'unknown' {
  if (lock.host !== here.host) return 'unknown';
  if (differ(lock.boot, here.boot)) return 'gone';
  if (differ(lock.pidns, here.pidns)) return 'unknown';
  try {
    process.kill(lock.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return 'gone';
  }
  const start = processStartTime(lock.pid);
  if (start === undefined || lock.start === undefined) return 'unknown';
  return start === lock.start ? 'running' : 'gone';
}

/** fsync of a folder: the names made or renamed in it are on disk. */
function syncFolder(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Whether a lock's owner still runs (see the top of this file). */
function isAlive(lock: FoundLock | undefined, here: Machine, now: number): boolean {
  // No lock: the owner closed (and left its segments to whoever comes next), or never got one.
  if (!lock) return false;
  const seen = ownerSeen(lock, here);
  if (seen !== 'unknown') return seen === 'running';
  return now - lock.refreshedAt < STALE_LOCK_MS;
}

function readLock(path: string): FoundLock | undefined {
  try {
    const refreshedAt = statSync(path).mtimeMs;
    const v = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockInfo>;
    if (typeof v.pid !== 'number' || typeof v.host !== 'string') return undefined;
    const text = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);
    return { pid: v.pid, host: v.host, start: text(v.start), boot: text(v.boot), pidns: text(v.pidns), refreshedAt };
  } catch {
    return undefined;
  }
}

/** A segment a process that is gone left behind, now ours. */
export class AdoptedSegment implements Segment {
  readonly durable = true;
  private removed = false;
  /** The file's size when its entries were last counted or read: more than that at removal means its writer was still at it. */
  private seen: number;

  constructor(
    readonly path: string,
    /** Entry lines found (a torn last one included: reading it back tells). */
    readonly records: number,
    private bytes: number,
    private readonly onBytes: (delta: number) => void,
  ) {
    this.seen = bytes;
  }

  get diskBytes(): number {
    return this.bytes;
  }

  append(): void {
    throw new Error('an adopted segment is read-only');
  }

  seal(): void {}

  read(): string {
    const raw = readFileSync(this.path);
    this.seen = raw.length;
    if (raw.length > this.bytes) {
      this.onBytes(raw.length - this.bytes);
      this.bytes = raw.length;
    }
    return raw.toString('utf8');
  }

  remove(): Removal {
    if (this.removed) return 'removed';
    try {
      // A process judged gone that still runs (another host, its lock stale) may have appended since: those entries are not sent yet.
      if (statSync(this.path).size > this.seen) return 'grown';
    } catch {
      // Gone already (taken over), or beyond reach: the unlink tells.
    }
    try {
      rmSync(this.path, { force: true });
    } catch (err) {
      return err as NodeJS.ErrnoException;
    }
    this.removed = true;
    this.onBytes(-this.bytes);
    return 'removed';
  }
}

/**
 * When reading one of this process's segments failed because the file is no
 * longer there while its folder is, another process took it over (adoption
 * renames it, keeping its time, sequence, first owner and log): the error
 * that says so, naming that process when its file is found. Undefined for
 * any other failure (the folder itself gone, say).
 */
export function takenOver(path: string | undefined, err: unknown): SegmentTakenOverError | undefined {
  if (path === undefined || (err as NodeJS.ErrnoException).code !== 'ENOENT') return undefined;
  const dir = dirname(path);
  const mine = SEGMENT.exec(basename(path));
  if (!mine || !existsSync(dir)) return undefined;
  const first = mine[3] ?? mine[2];
  let takenBy: number | undefined;
  try {
    for (const name of readdirSync(dir)) {
      const m = SEGMENT.exec(name);
      if (m && m[1] === mine[1] && m[4] === mine[4] && m[3] === first) takenBy = Number((m[2] as string).split('-')[0]);
    }
  } catch {
    // Who took it is a detail of the message.
  }
  return new SegmentTakenOverError(path, takenBy, { cause: err });
}

/** The entry lines in a segment file, and its size. */
export function countSegment(path: string): { entries: number; bytes: number; text: string } {
  const raw = readFileSync(path);
  const text = raw.toString('utf8');
  return { entries: countEntries(text), bytes: raw.length, text };
}

/** What a spool folder holds, per log, for `oci-log flush --list`. */
export interface SpoolSegmentInfo {
  path: string;
  logHash: string;
  owner: string;
  /** The owner is a running process (its segments are not ours to send). */
  live: boolean;
  /** The owner's pid, from its lock. */
  pid: number | undefined;
}

/**
 * Every segment in a spool folder, with whether its owner still runs
 * (`self` counts as running) at `now`. Locks of processes that are gone and
 * own nothing any more are removed on the way.
 */
export function scanSpool(dir: string, self?: string, now = Date.now()): SpoolSegmentInfo[] {
  const here = thisMachine();
  const names = readdirSync(dir).sort();
  const locks = new Map<string, FoundLock | undefined>();
  for (const name of names) {
    const m = LOCK.exec(name);
    if (m) locks.set(m[1] as string, readLock(join(dir, name)));
  }
  const alive = new Map<string, boolean>();
  const live = (owner: string): boolean => {
    if (owner === self) return true;
    let a = alive.get(owner);
    if (a === undefined) {
      a = isAlive(locks.get(owner), here, now);
      alive.set(owner, a);
    }
    return a;
  };
  const out: SpoolSegmentInfo[] = [];
  for (const name of names) {
    const m = SEGMENT.exec(name);
    if (!m) continue;
    const owner = m[2] as string;
    out.push({ path: join(dir, name), logHash: m[4] as string, owner, live: live(owner), pid: locks.get(owner)?.pid });
  }
  for (const [owner] of locks) {
    if (!live(owner) && !out.some((s) => s.owner === owner)) rmSync(join(dir, `${owner}.lock`), { force: true });
  }
  return out;
}

export interface SpoolDirOptions {
  sync: boolean;
  reporter: WriteErrorReporter;
  /** Segment names, the lock's heartbeat, and the age of other processes' locks. */
  clock?: Clock;
  pid?: number;
  /** For tests: how bytes reach a segment file… */
  write?: WriteBuffers;
  /** …and the disk (fdatasync of a segment, fsync of the folder). */
  fsync?: { file(fd: number): void; folder(path: string): void };
}

export class SpoolDir {
  readonly owner: string;
  private seq = 0;
  private used = 0;
  private readonly lockPath: string;
  private readonly lock: LockInfo;
  private readonly clock: Clock;
  private heartbeat: ClockTimer | undefined;
  private closed = false;
  private readonly segmentIo: FileSegmentIo;

  private constructor(
    readonly dir: string,
    private readonly options: SpoolDirOptions,
  ) {
    const pid = options.pid ?? process.pid;
    this.clock = options.clock ?? systemClock;
    this.owner = `${pid}-${randomBytes(4).toString('hex')}`;
    this.lockPath = join(dir, `${this.owner}.lock`);
    const { host, boot, pidns } = thisMachine();
    this.lock = { pid, host, start: processStartTime(pid), boot, pidns };
    const fsync = options.fsync;
    this.segmentIo = {
      sync: options.sync,
      reporter: options.reporter,
      onBytes: (d) => (this.used += d),
      write: options.write ?? writeBuffers,
      syncFile: fsync ? (fd) => fsync.file(fd) : syncFileData,
      syncFolder: fsync ? () => fsync.folder(dir) : () => syncFolder(dir),
    };
    this.writeLock();
    this.scheduleHeartbeat();
  }

  /**
   * Opens (making it when missing) a spool folder and takes a lock in it.
   * Throws when the folder cannot be made or written.
   */
  static open(dir: string, options: SpoolDirOptions): SpoolDir {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = statSync(dir);
    if (!st.isDirectory()) throw Object.assign(new Error(`${dir} is not a folder`), { code: 'ENOTDIR' });
    // A folder we made earlier with a looser umask, or one the user made: ours, so keep it private.
    if ((st.mode & 0o077) !== 0 && st.uid === process.getuid?.()) chmodSync(dir, 0o700);
    return new SpoolDir(dir, options);
  }

  /** Bytes of every segment this process owns (its own and adopted ones). */
  get bytes(): number {
    return this.used;
  }

  /**
   * A new segment file for a batch. When the file cannot be made (the folder
   * removed or not writable, no file descriptors left), the failure is
   * reported like a failed write and the batch's body is its only copy: the
   * next batch tries the folder again.
   */
  newSegment(logId: string): Segment {
    const now = this.clock.now();
    const name = `${String(now).padStart(13, '0')}-${String(this.seq++ % 1_000_000).padStart(6, '0')}.${this.owner}.${logHash(logId)}.jsonl`;
    try {
      return new FileSegment(join(this.dir, name), this.segmentIo);
    } catch (err) {
      this.options.reporter.failed(this.dir, err as NodeJS.ErrnoException, 0);
      return new MemorySegment();
    }
  }

  /** Every segment in the folder, with whether its owner still runs. */
  scan(): SpoolSegmentInfo[] {
    return scanSpool(this.dir, this.owner, this.clock.now());
  }

  /**
   * Takes over the segments of processes that are gone (for one log, or for
   * all), oldest first. A rename makes each claim atomic: when two processes
   * reach for the same segment, one gets it.
   */
  adopt(logId: string | undefined): AdoptedSegment[] {
    const wanted = logId === undefined ? undefined : logHash(logId);
    const out: AdoptedSegment[] = [];
    let renamed = false;
    for (const s of this.scan()) {
      if (s.live || (wanted !== undefined && s.logHash !== wanted)) continue;
      const m = SEGMENT.exec(s.path.slice(this.dir.length + 1)) as RegExpExecArray;
      const first = m[3] ?? m[2];
      const target = join(this.dir, `${m[1]}.${this.owner}~${first}.${m[4]}.jsonl`);
      try {
        renameSync(s.path, target);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // another process took it
        throw err;
      }
      renamed = true;
      const { entries, bytes } = countSegment(target);
      if (entries === 0) {
        // A crash before the first entry was written whole: nothing to send.
        rmSync(target, { force: true });
        continue;
      }
      this.used += bytes;
      out.push(new AdoptedSegment(target, entries, bytes, (d) => (this.used += d)));
    }
    if (renamed && this.options.sync) {
      try {
        this.segmentIo.syncFolder();
      } catch {
        // A power loss may then bring a file back under its old name: adopted again, its entries are sent twice, not lost.
      }
    }
    // Once scanned again, the locks of processes whose segments were all taken go.
    if (out.length > 0) this.scan();
    return out;
  }

  /** Lets go of the lock; segments left in the folder are adopted by the next run. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.clock.clearTimeout(this.heartbeat);
    this.heartbeat = undefined;
    try {
      rmSync(this.lockPath, { force: true });
    } catch {
      // A lock that stays names a process that is gone: the next run judges it so.
    }
  }

  private writeLock(): void {
    const tmp = `${this.lockPath}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.lock) + '\n', { mode: 0o600 });
    renameSync(tmp, this.lockPath);
  }

  private scheduleHeartbeat(): void {
    const timer = this.clock.setTimeout(() => {
      this.refreshLock();
      if (!this.closed) this.scheduleHeartbeat();
    }, HEARTBEAT_MS);
    // A lock is only worth refreshing while the process runs for other reasons.
    if ('unref' in timer) timer.unref();
    this.heartbeat = timer;
  }

  /** Tells other processes this one still runs: the lock's time is now (a lock something removed is made again). */
  private refreshLock(): void {
    if (this.closed) return;
    const now = new Date(this.clock.now());
    try {
      try {
        utimesSync(this.lockPath, now, now);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        this.writeLock();
        utimesSync(this.lockPath, now, now);
      }
    } catch {
      // The folder cannot be written just now: the next heartbeat tries again.
    }
  }
}
