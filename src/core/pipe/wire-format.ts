/**
 * The PutLogs wire format, built straight into a Buffer:
 * {"specversion":"1.0","logEntryBatches":[{"entries":[{"data","id","time"},…],
 *  "source","type","subject"?,"defaultlogentrytime"},…]}
 * Consecutive entries with the same source, type and subject share one
 * logEntryBatch (a "run"). Each entry is encoded once; its bytes are counted
 * as they are written.
 */

const BODY_HEAD = '{"specversion":"1.0","logEntryBatches":[';
const BODY_TAIL = ']}';
const RUN_HEAD = '{"entries":[';
const ISO_LENGTH = '2000-01-01T00:00:00.000Z'.length;

/** Source, type, subject and log of a run of entries, with the strings they need made once. */
export class RunMeta {
  /** `],"source":…,"type":…,"subject":…,"defaultlogentrytime":"` */
  readonly tailHead: string;
  /** Bytes of the whole run tail: tailHead, the time and `"}`. */
  readonly tailBytes: number;
  /** The end of a spool/dead-letter line: `,"source":…,"type":…,"subject":…,"logId":…}\n` */
  readonly recordTail: string;

  constructor(
    readonly source: string,
    readonly type: string,
    readonly subject: string | undefined,
    readonly logId: string,
  ) {
    const fields = ',"source":' + JSON.stringify(source) + ',"type":' + JSON.stringify(type) + (subject === undefined ? '' : ',"subject":' + JSON.stringify(subject));
    this.tailHead = ']' + fields + ',"defaultlogentrytime":"';
    this.tailBytes = Buffer.byteLength(this.tailHead) + ISO_LENGTH + 2;
    this.recordTail = fields + ',"logId":' + JSON.stringify(logId) + '}\n';
  }
}

/** Hands out one RunMeta per (source, type, subject, log), so runs compare by identity. */
export class RunMetas {
  private readonly known = new Map<string, RunMeta>();

  get(source: string, type: string, subject: string | undefined, logId: string): RunMeta {
    const key = `${logId}\u0000${source}\u0000${type}\u0000${subject === undefined ? '\u0001' : subject}`;
    let meta = this.known.get(key);
    if (!meta) {
      meta = new RunMeta(source, type, subject, logId);
      this.known.set(key, meta);
    }
    return meta;
  }
}

/** `{"data":…,"id":…,"time":"…"` without its closing brace: the shared start of the wire entry and of the record line. */
export function entryHead(data: string, id: string, iso: string): string {
  return '{"data":' + JSON.stringify(data) + ',"id":' + JSON.stringify(id) + ',"time":"' + iso + '"';
}

/**
 * One PutLogs body being filled. add() refuses an entry that would take the
 * finished body over `limitBytes` (unless the body is still empty).
 */
export class BodyWriter {
  /** A good first size for the next body: the last one's. */
  private static sizeHint = 64 * 1024;
  private buf: Buffer;
  private written: number;
  private run: RunMeta | undefined;
  private runTime = '';
  private runs = 0;
  private entries = 0;

  constructor(private readonly limitBytes: number) {
    this.buf = Buffer.allocUnsafe(Math.max(1024, Math.min(BodyWriter.sizeHint, limitBytes + 1024)));
    this.written = this.buf.write(BODY_HEAD, 0, 'latin1');
  }

  get count(): number {
    return this.entries;
  }

  /** The size of the body if it were finished now. */
  get bytes(): number {
    return this.written + (this.run ? this.run.tailBytes : 0) + BODY_TAIL.length;
  }

  /** Adds `head + "}"` (see entryHead) in `meta`'s run; `iso` is the entry's time. False when it does not fit. */
  add(head: string, meta: RunMeta, iso: string): boolean {
    const mark = this.written;
    const sameRun = meta === this.run;
    this.ensure(this.written + head.length * 3 + 16 + (sameRun ? 0 : (this.run?.tailBytes ?? 0) + RUN_HEAD.length));
    if (sameRun) {
      this.buf[this.written++] = 0x2c; // ,
    } else {
      if (this.run) this.writeRunTail();
      if (this.runs > 0) this.buf[this.written++] = 0x2c;
      this.written += this.buf.write(RUN_HEAD, this.written, 'latin1');
    }
    this.written += this.buf.write(head, this.written, 'utf8');
    this.buf[this.written++] = 0x7d; // }
    const total = this.written + meta.tailBytes + BODY_TAIL.length;
    if (total > this.limitBytes && this.entries > 0) {
      this.written = mark;
      return false;
    }
    if (!sameRun) {
      this.run = meta;
      this.runTime = iso;
      this.runs += 1;
    }
    this.entries += 1;
    return true;
  }

  /** The finished body. The writer must not be used afterwards. */
  finish(): Buffer {
    this.ensure(this.bytes);
    if (this.run) this.writeRunTail();
    this.written += this.buf.write(BODY_TAIL, this.written, 'latin1');
    BodyWriter.sizeHint = Math.max(1024, this.written);
    // A body much smaller than its buffer is copied, so the spare room is not kept alive while it waits.
    return this.written < this.buf.length / 2 ? Buffer.from(this.buf.subarray(0, this.written)) : this.buf.subarray(0, this.written);
  }

  private writeRunTail(): void {
    const run = this.run as RunMeta;
    this.written += this.buf.write(run.tailHead, this.written, 'utf8');
    this.written += this.buf.write(this.runTime, this.written, 'latin1');
    this.buf[this.written++] = 0x22; // "
    this.buf[this.written++] = 0x7d; // }
  }

  private ensure(size: number): void {
    if (size <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < size) cap *= 2;
    const next = Buffer.allocUnsafe(cap);
    this.buf.copy(next, 0, 0, this.written);
    this.buf = next;
  }
}
