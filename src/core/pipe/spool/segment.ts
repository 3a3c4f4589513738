import { closeSync, fdatasyncSync, ftruncateSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';

/**
 * Where the records of one batch are kept until the batch is delivered or
 * dead-lettered: a spool file (write-ahead), or memory (--no-spool).
 * Records are whole JSON lines (see log-record.ts).
 */
export interface Segment {
  /** Appends `count` whole records (each ending in a newline). */
  append(text: string, count: number): void;
  /** No more appends: the file is closed (after an fsync when asked). */
  seal(): void;
  /** The records' text: to rebuild a body that was let go, and for the dead-letter file. */
  read(): string;
  /** Done with: delivered or dead-lettered. */
  remove(): void;
  /** Every record is on disk, so memory need not hold them. */
  readonly durable: boolean;
  /** Records appended (or found, for an adopted segment). */
  readonly records: number;
  /** Bytes the segment takes in the spool. */
  readonly diskBytes: number;
  readonly path: string | undefined;
}

/** --no-spool: records are held in memory only, for the dead-letter file. */
export class MemorySegment implements Segment {
  private chunks: string[] = [];
  private n = 0;
  readonly durable = false;
  readonly diskBytes = 0;
  readonly path = undefined;

  append(text: string, count: number): void {
    this.chunks.push(text);
    this.n += count;
  }

  seal(): void {}

  read(): string {
    if (this.chunks.length > 1) this.chunks = [this.chunks.join('')];
    return this.chunks[0] ?? '';
  }

  remove(): void {
    this.chunks = [];
  }

  get records(): number {
    return this.n;
  }
}

/** fs.writeSync's shape for buffers; tests hand in one that fails part-way (a full disk). */
export type WriteBytes = (fd: number, buffer: Buffer, offset: number, length: number) => number;

const writeBytes: WriteBytes = (fd, buffer, offset, length) => writeSync(fd, buffer, offset, length);

/** Reports a failed spool write once per episode, and its end. */
export interface WriteErrorReporter {
  failed(path: string, err: NodeJS.ErrnoException, records: number): void;
  recovered(): void;
}

/**
 * A spool file (mode 0600). Each append is written whole or not at all: a
 * short write (full disk) is cut back to the last whole record, and the
 * records that did not fit are kept in memory instead (reported, so the user
 * knows a crash now would lose them). Nothing is merged into a torn line.
 */
export class FileSegment implements Segment {
  private fd: number | undefined;
  private size = 0;
  private n = 0;
  /** Records that could not be written (disk full, I/O error): memory only. */
  private unwritten: string[] = [];
  private removed = false;

  constructor(
    readonly path: string,
    private readonly sync: boolean,
    private readonly reporter: WriteErrorReporter,
    /** Called with the change in bytes on disk. */
    private readonly onBytes: (delta: number) => void,
    private readonly write: WriteBytes = writeBytes,
  ) {
    this.fd = openSync(path, 'wx', 0o600);
  }

  get durable(): boolean {
    return this.unwritten.length === 0;
  }

  get records(): number {
    return this.n;
  }

  get diskBytes(): number {
    return this.size;
  }

  append(text: string, count: number): void {
    this.n += count;
    if (this.fd === undefined || this.unwritten.length > 0) {
      // Once a write failed, later records stay with it in memory: the file keeps a clean prefix.
      this.unwritten.push(text);
      return;
    }
    const bytes = Buffer.from(text, 'utf8');
    let done = 0;
    try {
      while (done < bytes.length) done += this.write(this.fd, bytes, done, bytes.length - done);
      this.size += bytes.length;
      this.onBytes(bytes.length);
      this.reporter.recovered();
    } catch (err) {
      if (done > 0) this.cutBack();
      this.unwritten.push(text);
      this.reporter.failed(this.path, err as NodeJS.ErrnoException, count);
    }
  }

  seal(): void {
    if (this.fd === undefined) return;
    try {
      if (this.sync && this.unwritten.length === 0) fdatasyncSync(this.fd);
    } catch (err) {
      this.reporter.failed(this.path, err as NodeJS.ErrnoException, this.n);
    } finally {
      closeSync(this.fd);
      this.fd = undefined;
    }
  }

  read(): string {
    const onDisk = readFileSync(this.path, 'utf8');
    return this.unwritten.length === 0 ? onDisk : onDisk + this.unwritten.join('');
  }

  remove(): void {
    if (this.removed) return;
    this.removed = true;
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.unwritten = [];
    rmSync(this.path, { force: true });
    this.onBytes(-this.size);
    this.size = 0;
  }

  /** A short write left part of an append on disk: cut the file back to the records written whole before it. */
  private cutBack(): void {
    try {
      ftruncateSync(this.fd as number, this.size);
    } catch {
      // Left as it is, the torn last line is skipped (and counted) if this file is ever recovered.
    }
  }
}
