/** Receives a line, or a fragment of one when `more` is true (the rest follows). */
export type LineCallback = (text: string, more: boolean) => void;

/** Buffer's own decoder, without the argument checks of Buffer#toString (one call per line). */
type Utf8Slicer = Buffer & { utf8Slice(start: number, end: number): string };

const LF = 0x0a;
const CR = 0x0d;

/**
 * Splits a byte stream into UTF-8 lines. A trailing \r is dropped, invalid
 * bytes become U+FFFD, the last line counts without a final newline, and a
 * line longer than `maxPendingBytes` is handed on in fragments as it streams,
 * so memory stays bounded however long a line grows. Fragments never split a
 * UTF-8 character. (split2's maxLength would either fail or skip the rest of
 * such a line: both lose data.)
 */
export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** A fragment of the current line was already handed on. */
  private inLine = false;

  constructor(private readonly maxPendingBytes = 64 * 1024) {}

  push(chunk: Buffer, emit: LineCallback): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(LF, start);
      if (nl === -1) break;
      if (this.pendingBytes === 0) {
        const end = nl > start && chunk[nl - 1] === CR ? nl - 1 : nl;
        emit((chunk as Utf8Slicer).utf8Slice(start, end), false);
      } else {
        this.pending.push(chunk.subarray(start, nl));
        emit(this.takePending(true), false);
      }
      this.inLine = false;
      start = nl + 1;
    }
    if (start < chunk.length) {
      // Copy the remainder: a subarray would keep the whole chunk alive.
      this.pending.push(Buffer.from(chunk.subarray(start)));
      this.pendingBytes += chunk.length - start;
      if (this.pendingBytes > this.maxPendingBytes) this.emitFragment(emit);
    }
  }

  /** End of input: the last line, even without a final newline. */
  end(emit: LineCallback): void {
    if (this.pendingBytes > 0 || this.inLine) emit(this.takePending(true), false);
    this.inLine = false;
  }

  private takePending(stripCr: boolean): string {
    let buf = this.pending.length === 1 ? (this.pending[0] as Buffer) : Buffer.concat(this.pending);
    if (stripCr && buf.length > 0 && buf[buf.length - 1] === CR) buf = buf.subarray(0, buf.length - 1);
    this.pending = [];
    this.pendingBytes = 0;
    return buf.toString('utf8');
  }

  private emitFragment(emit: LineCallback): void {
    const buf = Buffer.concat(this.pending);
    let cut = utf8Boundary(buf);
    // Keep a trailing \r back: it may be the first half of a \r\n.
    if (cut === buf.length && buf[cut - 1] === CR) cut -= 1;
    this.pending = cut < buf.length ? [Buffer.from(buf.subarray(cut))] : [];
    this.pendingBytes = buf.length - cut;
    this.inLine = true;
    emit(buf.toString('utf8', 0, cut), true);
  }
}

/** The largest prefix length of buf that does not end inside a UTF-8 character. */
export function utf8Boundary(buf: Buffer): number {
  const n = buf.length;
  for (let back = 1; back <= Math.min(4, n); back++) {
    const b = buf[n - back] ?? 0;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: look further back
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? n - back : n;
  }
  return n;
}
