import { closeSync, fstatSync, ftruncateSync, mkdirSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stateHome } from '../state-home.js';
import type { LogRecord } from './log-record.js';

/** What an append kept: `kept` of the records are in the file, whole; the rest are not. */
export interface AppendResult {
  kept: number;
  error: Error | undefined;
}

export interface DeadLetterSink {
  /** Where the records go (the file may not exist until the first write). */
  readonly path: string;
  /** Appends `records` whole lines (`text`, each ending in a newline: JSON, or bytes kept as they were read). */
  append(text: string | Buffer, records: number): AppendResult;
  close(): void;
}

/** ${XDG_STATE_HOME:-~/.local/state}/oci-log/dead-letter/<UTC time>-<pid>.jsonl */
export function defaultDeadLetterPath(env: Record<string, string | undefined>, now = new Date(), pid = process.pid): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return join(stateHome(env), 'dead-letter', `${stamp}-${pid}.jsonl`);
}

export function recordLine(r: LogRecord): string {
  return JSON.stringify(r) + '\n';
}

/**
 * Appends records as JSON lines to a file made on first use (mode 0600, in
 * folders made 0700). Writes are synchronous, so a record is on disk before
 * oci-log moves on. Each record is written whole or not at all: a short
 * write (full disk) is cut back to the last whole record and the count of
 * what was kept is exact; a torn line found at the end of the file is closed
 * before anything is added, so records never merge; a file deleted while
 * oci-log runs is made again rather than written into the void.
 */
export class DeadLetterFile implements DeadLetterSink {
  private fd: number | undefined;
  private ino = -1;

  constructor(
    readonly path: string,
    /** For tests: how bytes reach the file (one that fails part-way is a full disk). */
    private readonly write: (fd: number, buffer: Buffer, offset: number, length: number) => number = (fd, b, o, l) => writeSync(fd, b, o, l),
  ) {}

  append(text: string | Buffer, records: number): AppendResult {
    if (records === 0) return { kept: 0, error: undefined };
    let fd: number;
    try {
      fd = this.open();
    } catch (err) {
      return { kept: 0, error: err as Error };
    }
    const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
    let start: number;
    try {
      start = fstatSync(fd).size;
    } catch (err) {
      return { kept: 0, error: err as Error };
    }
    let done = 0;
    try {
      while (done < bytes.length) done += this.write(fd, bytes, done, bytes.length - done);
      return { kept: records, error: undefined };
    } catch (err) {
      const whole = done === 0 ? 0 : bytes.lastIndexOf(0x0a, done - 1) + 1;
      let kept = 0;
      for (let at = bytes.indexOf(0x0a); at !== -1 && at < whole; at = bytes.indexOf(0x0a, at + 1)) kept += 1;
      try {
        ftruncateSync(fd, start + whole);
      } catch {
        // A torn line stays; the next append closes it with a newline first.
      }
      return { kept, error: err as Error };
    }
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private open(): number {
    if (this.fd !== undefined) {
      let current = -2;
      try {
        current = statSync(this.path).ino;
      } catch {
        // gone: made again below
      }
      if (current === this.ino) return this.fd;
      this.close();
    }
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const fd = openSync(this.path, 'a+', 0o600);
    const st = fstatSync(fd);
    if (st.size > 0) {
      const last = Buffer.alloc(1);
      readSync(fd, last, 0, 1, st.size - 1);
      if (last[0] !== 0x0a) writeSync(fd, '\n');
    }
    this.fd = fd;
    this.ino = st.ino;
    return fd;
  }
}
