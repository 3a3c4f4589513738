import { closeSync, fstatSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogEntry } from './entries.js';

/** Held in memory up to this many bytes (as JSON lines); beyond, on disk. */
const MEMORY_BYTES = 1 << 20;
/** Read back from disk this much at a time. */
const CHUNK_BYTES = 1 << 20;

function timeOf(e: LogEntry): number {
  const t = Date.parse(e.time);
  return Number.isNaN(t) ? 0 : t;
}

/**
 * Puts the entries of one millisecond in id order (the pipe's ids sort in
 * write order, pieces after their line), each id once: delivery is at least
 * once with stable ids and times, so a duplicate is always in the same
 * millisecond. Fed entries in time order, a millisecond at a time or across
 * pages; gives back those whose millisecond is complete.
 */
export class SameTimeSorter {
  private group: LogEntry[] = [];
  private groupTime = Number.NaN;
  /** Entries dropped as duplicates of one already given. */
  duplicates = 0;

  push(e: LogEntry): LogEntry[] {
    const t = timeOf(e);
    const done = t !== this.groupTime && this.group.length > 0 ? this.end() : [];
    this.groupTime = t;
    this.group.push(e);
    return done;
  }

  end(): LogEntry[] {
    const group = this.group.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    this.group = [];
    const out: LogEntry[] = [];
    let last: string | undefined;
    for (const e of group) {
      if (e.id !== '' && e.id === last) {
        this.duplicates++;
        continue;
      }
      last = e.id;
      out.push(e);
    }
    return out;
  }
}

export function* sortedGroups(entries: Iterable<LogEntry>, sorter = new SameTimeSorter()): Generator<LogEntry> {
  for (const e of entries) yield* sorter.push(e);
  yield* sorter.end();
}

/** The lines of a file from the last to the first, a chunk at a time. */
function* linesBackward(path: string): Generator<string> {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    let end = size;
    let carry = Buffer.alloc(0);
    const buf = Buffer.allocUnsafe(CHUNK_BYTES);
    while (end > 0) {
      const start = Math.max(0, end - CHUNK_BYTES);
      const n = readSync(fd, buf, 0, end - start, start);
      const chunk = Buffer.concat([buf.subarray(0, n), carry]);
      let stop = chunk.length;
      for (let i = chunk.length - 1; i >= 0; i--) {
        if (chunk[i] !== 0x0a) continue;
        if (stop > i + 1) yield chunk.toString('utf8', i + 1, stop);
        stop = i;
      }
      carry = Buffer.from(chunk.subarray(0, stop));
      end = start;
    }
    if (carry.length > 0) yield carry.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/**
 * The entries of a search that arrive newest first (sort by datetime desc,
 * the only order in which --limit N gives the newest N), given back oldest
 * first. Memory stays flat whatever their number: past MEMORY_BYTES they go
 * to a file in a private temporary folder, read back from its end. Call
 * dispose() when done (it removes the file).
 */
export class NewestFirstBuffer {
  private lines: string[] = [];
  private bytes = 0;
  private spill: { dir: string; path: string; fd: number } | undefined;
  count = 0;

  add(entry: LogEntry): void {
    const line = JSON.stringify(entry);
    this.count++;
    if (this.spill) {
      writeSync(this.spill.fd, line + '\n');
      return;
    }
    this.lines.push(line);
    this.bytes += line.length;
    if (this.bytes > MEMORY_BYTES) {
      const dir = mkdtempSync(join(tmpdir(), 'oci-log-query-'));
      const path = join(dir, 'entries.jsonl');
      this.spill = { dir, path, fd: openSync(path, 'wx', 0o600) };
      writeSync(this.spill.fd, this.lines.join('\n') + '\n');
      this.lines = [];
    }
  }

  /** Oldest first, each millisecond's entries in id order, each id once (duplicates counted by `sorter`). */
  oldestFirst(sorter = new SameTimeSorter()): Generator<LogEntry> {
    const reversed = function* (this: NewestFirstBuffer): Generator<LogEntry> {
      if (this.spill) {
        closeSync(this.spill.fd);
        this.spill.fd = -1;
        for (const line of linesBackward(this.spill.path)) yield JSON.parse(line) as LogEntry;
        return;
      }
      for (let i = this.lines.length - 1; i >= 0; i--) yield JSON.parse(this.lines[i] as string) as LogEntry;
    }.call(this);
    return sortedGroups(reversed, sorter);
  }

  /** True when the entries went to disk. */
  get spilled(): boolean {
    return this.spill !== undefined;
  }

  dispose(): void {
    if (!this.spill) return;
    if (this.spill.fd >= 0) closeSync(this.spill.fd);
    rmSync(this.spill.dir, { recursive: true, force: true });
    this.spill = undefined;
  }
}
