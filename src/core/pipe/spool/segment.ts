import { closeSync, fdatasyncSync, ftruncateSync, openSync, readFileSync, rmSync, writevSync } from 'node:fs';

/**
 * Where the entries of one batch are kept until the batch is delivered or
 * dead-lettered: a spool file written ahead (segment-format.ts), or nowhere
 * but the batch's own request body (--no-spool).
 */
export interface Segment {
  /** Appends segment lines holding `entries` entries. */
  append(pieces: readonly Buffer[], entries: number): void;
  /** No more appends: the file is closed (after an fsync when asked). */
  seal(): void;
  /** The segment's text, to read its entries back; undefined when the body is the only copy. */
  read(): string | undefined;
  /** Done with: delivered or dead-lettered. */
  remove(): void;
  /** Every entry is on disk, so memory need not hold the body. */
  readonly durable: boolean;
  /** Entries appended (or found, for an adopted segment). */
  readonly records: number;
  /** Bytes the segment takes in the spool. */
  readonly diskBytes: number;
  readonly path: string | undefined;
}

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

  remove(): void {}

  get records(): number {
    return this.n;
  }
}

/** fs.writevSync's shape; tests hand in one that fails part-way (a full disk). */
export type WriteBuffers = (fd: number, buffers: readonly Buffer[]) => number;

const writeBuffers: WriteBuffers = (fd, buffers) => writevSync(fd, buffers as Buffer[]);

/** Reports a failed spool write once per episode, and its end. */
export interface WriteErrorReporter {
  failed(path: string, err: NodeJS.ErrnoException, records: number): void;
  recovered(): void;
}

/**
 * A spool file (mode 0600). An append is written whole or not at all: a
 * short write (full disk) is cut back, and from then on the segment's
 * entries live only in the batch's body (it stays in memory, reported, so
 * the user knows a crash now would lose them). Nothing is ever merged into a
 * torn line.
 */
export class FileSegment implements Segment {
  private fd: number | undefined;
  private size = 0;
  private n = 0;
  private failed = false;
  private removed = false;

  constructor(
    readonly path: string,
    private readonly sync: boolean,
    private readonly reporter: WriteErrorReporter,
    /** Called with the change in bytes on disk. */
    private readonly onBytes: (delta: number) => void,
    private readonly write: WriteBuffers = writeBuffers,
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
        done += this.write(this.fd, rest);
        if (done >= total) break;
        rest = remainder(pieces, done);
      }
      this.size += total;
      this.onBytes(total);
      this.reporter.recovered();
    } catch (err) {
      if (done > 0) this.cutBack();
      this.failed = true;
      this.reporter.failed(this.path, err as NodeJS.ErrnoException, entries);
    }
  }

  seal(): void {
    if (this.fd === undefined) return;
    try {
      if (this.sync && !this.failed) fdatasyncSync(this.fd);
    } catch (err) {
      this.failed = true;
      this.reporter.failed(this.path, err as NodeJS.ErrnoException, this.n);
    } finally {
      closeSync(this.fd);
      this.fd = undefined;
    }
  }

  read(): string | undefined {
    return this.failed ? undefined : readFileSync(this.path, 'utf8');
  }

  remove(): void {
    if (this.removed) return;
    this.removed = true;
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    rmSync(this.path, { force: true });
    this.onBytes(-this.size);
    this.size = 0;
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
