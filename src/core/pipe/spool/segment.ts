import { closeSync, fdatasyncSync, ftruncateSync, openSync, readFileSync, rmSync, writevSync } from 'node:fs';

/**
 * Where the entries of one batch are kept until the batch is delivered or
 * dead-lettered: a spool file written ahead (segment-format.ts), or nowhere
 * but the batch's own request body (--no-spool, or a spool that could not be
 * written).
 */
export interface Segment {
  /** Appends segment lines holding `entries` entries. */
  append(pieces: readonly Buffer[], entries: number): void;
  /** No more appends: the file is closed. */
  seal(): void;
  /** The segment's text, to read its entries back; undefined when the body is the only copy. */
  read(): string | undefined;
  /**
   * Done with (delivered, dead-lettered or dropped): the file goes, unless it
   * holds more than was last read (`'grown'`: its writer was still at it) or
   * the unlink failed (the error; the file, and its bytes, stay).
   */
  remove(): Removal;
  /** Every entry is on disk, so memory need not hold the body. */
  readonly durable: boolean;
  /** Entries appended (or found, for an adopted segment). */
  readonly records: number;
  /** Bytes the segment takes in the spool. */
  readonly diskBytes: number;
  readonly path: string | undefined;
}

export type Removal = 'removed' | 'grown' | NodeJS.ErrnoException;

/** --no-spool: the batch's body is the only copy of its entries. */
export class MemorySegment implements Segment {
  private n = 0;
  readonly durable = false;
  readonly diskBytes = 0;
  readonly path = undefined;

  append(_pieces: readonly Buffer[], entries: number): void {
    this.n += entries;
  }

  seal(): void {}

  read(): undefined {
    return undefined;
  }

  remove(): Removal {
    return 'removed';
  }

  get records(): number {
    return this.n;
  }
}

/** fs.writevSync's shape; tests hand in one that fails part-way (a full disk). */
export type WriteBuffers = (fd: number, buffers: readonly Buffer[]) => number;

/** The defaults of FileSegmentIo's disk calls. */
export const writeBuffers: WriteBuffers = (fd, buffers) => writevSync(fd, buffers as Buffer[]);
export const syncFileData = (fd: number): void => fdatasyncSync(fd);

/** Reports a failed spool write once per episode, and its end. */
export interface WriteErrorReporter {
  /** `path`: the segment file, or the spool folder when a segment could not even be made. */
  failed(path: string, err: NodeJS.ErrnoException, records: number): void;
  recovered(): void;
}

/** How a FileSegment reaches its folder and the disk. */
export interface FileSegmentIo {
  /** --spool-sync: each append is on disk (the file's data, and once its name) before append returns. */
  sync: boolean;
  reporter: WriteErrorReporter;
  /** Called with the change in bytes on disk. */
  onBytes: (delta: number) => void;
  write: WriteBuffers;
  /** fdatasync of the file. */
  syncFile: (fd: number) => void;
  /** fsync of the spool folder, so a new file's name survives a power loss too. */
  syncFolder: () => void;
}

/**
 * A spool file (mode 0600). An append is written whole or not at all: a
 * short write (full disk) is cut back, and from then on the segment's
 * entries live only in the batch's body (it stays in memory, reported, so
 * the user knows a crash now would lose them). Nothing is ever merged into a
 * torn line. With --spool-sync an append returns once its bytes, and the
 * file's name in its folder, are on disk.
 */
export class FileSegment implements Segment {
  private fd: number | undefined;
  private size = 0;
  private n = 0;
  private failed = false;
  private removed = false;
  private named = false;

  constructor(
    readonly path: string,
    private readonly io: FileSegmentIo,
  ) {
    this.fd = openSync(path, 'wx', 0o600);
  }

  get durable(): boolean {
    return !this.failed;
  }

  get records(): number {
    return this.n;
  }

  get diskBytes(): number {
    return this.size;
  }

  append(pieces: readonly Buffer[], entries: number): void {
    this.n += entries;
    // Once a write failed, the file keeps a clean prefix and the body keeps everything.
    if (this.fd === undefined || this.failed || pieces.length === 0) return;
    let total = 0;
    for (const p of pieces) total += p.length;
    let done = 0;
    try {
      let rest: readonly Buffer[] = pieces;
      for (;;) {
        done += this.io.write(this.fd, rest);
        if (done >= total) break;
        rest = remainder(pieces, done);
      }
      this.size += total;
      this.io.onBytes(total);
    } catch (err) {
      if (done > 0) this.cutBack();
      this.fail(err, entries);
      return;
    }
    if (this.io.sync) {
      try {
        this.io.syncFile(this.fd);
        if (!this.named) {
          this.io.syncFolder();
          this.named = true;
        }
      } catch (err) {
        // Not known to be on disk: the body keeps the entries, as after a failed write.
        this.fail(err, this.n);
        return;
      }
    }
    this.io.reporter.recovered();
  }

  seal(): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    try {
      closeSync(fd);
    } catch {
      // Every append was written (and, with --spool-sync, synced) already.
    }
  }

  read(): string | undefined {
    return this.failed ? undefined : readFileSync(this.path, 'utf8');
  }

  remove(): Removal {
    if (this.removed) return 'removed';
    this.seal();
    try {
      rmSync(this.path, { force: true });
    } catch (err) {
      return err as NodeJS.ErrnoException;
    }
    this.removed = true;
    this.io.onBytes(-this.size);
    this.size = 0;
    return 'removed';
  }

  private fail(err: unknown, records: number): void {
    this.failed = true;
    this.io.reporter.failed(this.path, err as NodeJS.ErrnoException, records);
  }

  /** A short write left part of an append on disk: cut the file back to what was written whole before it. */
  private cutBack(): void {
    try {
      ftruncateSync(this.fd as number, this.size);
    } catch {
      // Left as it is, the torn last line is skipped (and counted) if this file is ever recovered.
    }
  }
}

/** What is left of `pieces` after the first `done` bytes. */
function remainder(pieces: readonly Buffer[], done: number): Buffer[] {
  const out: Buffer[] = [];
  let skip = done;
  for (const p of pieces) {
    if (skip >= p.length) {
      skip -= p.length;
      continue;
    }
    out.push(skip > 0 ? p.subarray(skip) : p);
    skip = 0;
  }
  return out;
}
