import { bodyBuffers } from './body-buffers.js';
import { metaLine } from './spool/segment-format.js';

/**
 * The PutLogs wire format, built straight into a Buffer:
 * {"specversion":"1.0","logEntryBatches":[{"entries":[{"data","id","time"},
 *  {…}],"source","type","subject"?,"defaultlogentrytime"},…]}
 * Consecutive entries with the same source, type and subject share one
 * logEntryBatch (a "run"). Entries are separated by ",\n", so the bytes of a
 * run's entries are also the lines of its spool segment (segment-format.ts):
 * each entry is encoded once, and its bytes counted as they are written.
 */

const BODY_HEAD = '{"specversion":"1.0","logEntryBatches":[';
const BODY_TAIL = ']}';
const RUN_HEAD = '{"entries":[';
const DATA_HEAD = '{"data":';
const ID_HEAD = ',"id":"';
const NEWLINE = Buffer.from('\n');

/** Buffer's own encoder, without the argument checks of Buffer#write (measured: a tenth of the pipe's CPU). */
type Utf8Buffer = Buffer & { utf8Write(text: string, offset: number): number };

/**
 * Writes a string of ASCII, one byte a character: JSON punctuation and the
 * inside of strings made by wireString(). A character above 0x7e is written
 * as \uXXXX rather than cut to its low byte (which made NULs and broken
 * UTF-8 of an id): it can only be inside a string, where the escape is
 * valid, so the body stays JSON whatever a caller hands in.
 */
function writeAscii(buf: Buffer, at: number, text: string): number {
  let to = at;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7e) to += buf.write(unicodeEscape(c), to, 'latin1');
    else buf[to++] = c;
  }
  return to - at;
}

function unicodeEscape(c: number): string {
  return '\\u' + c.toString(16).padStart(4, '0');
}

/** The most bytes writeAscii() may write for `text`. */
function asciiBound(text: string): number {
  return text.length * 6;
}

/** Source, type, subject and log of a run of entries, with the strings they need made once. */
export class RunMeta {
  /** `],"source":…,"type":…,"subject":…,"defaultlogentrytime":"` */
  readonly tailHead: string;
  /** Bytes of tailHead (a run's tail adds its time and `"}`). */
  readonly tailHeadBytes: number;
  /** The segment line that says which log, source, type and subject the entries after it have. */
  readonly spoolLine: Buffer;

  constructor(
    readonly source: string,
    readonly type: string,
    readonly subject: string | undefined,
    readonly logId: string,
  ) {
    const fields = ',"source":' + JSON.stringify(source) + ',"type":' + JSON.stringify(type) + (subject === undefined ? '' : ',"subject":' + JSON.stringify(subject));
    this.tailHead = ']' + fields + ',"defaultlogentrytime":"';
    this.tailHeadBytes = Buffer.byteLength(this.tailHead);
    this.spoolLine = Buffer.from(metaLine({ logId, source, type, subject }) + '\n');
  }
}

/** Hands out one RunMeta per (source, type, subject, log), so runs compare by identity. */
export class RunMetas {
  /** Kept at most: --subject-key can make a subject of every line, and a run's meta need not live longer than its run. */
  private static readonly LIMIT = 1024;
  private readonly known = new Map<string, RunMeta>();

  get(source: string, type: string, subject: string | undefined, logId: string): RunMeta {
    const key = `${logId}\u0000${source}\u0000${type}\u0000${subject === undefined ? '\u0001' : subject}`;
    let meta = this.known.get(key);
    if (!meta) {
      // Starting afresh costs at most a new run (entry batch) for the next entry of a meta seen before.
      if (this.known.size >= RunMetas.LIMIT) this.known.clear();
      meta = new RunMeta(source, type, subject, logId);
      this.known.set(key, meta);
    }
    return meta;
  }
}

/**
 * A string as it is written inside its JSON string, in printable ASCII only:
 * `"`, `\` and control characters escaped as JSON.stringify does, and every
 * character above 0x7e as \uXXXX (a character outside the BMP as its two
 * surrogates, a lone surrogate as itself), so the body writer can copy it
 * byte for byte. A string that needs none of it is returned as it is.
 */
export function wireString(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 || c === 0x5c || c < 0x20 || c > 0x7e) return escapeFrom(text, i);
  }
  return text;
}

function escapeFrom(text: string, from: number): string {
  let out = text.slice(0, from);
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7e) out += unicodeEscape(c);
    else if (c === 0x22 || c === 0x5c || c < 0x20) out += JSON.stringify(text.charAt(i)).slice(1, -1);
    else out += text.charAt(i);
  }
  return out;
}

/**
 * An id as it is written inside its JSON string: ids oci-log makes need no
 * escaping and go as they are; an id read from a file (replay, recovery)
 * passes through here first.
 */
export function wireId(id: string): string {
  return wireString(id);
}

interface Run {
  meta: RunMeta;
  /** Where its first entry starts in the body. */
  start: number;
  /** Where its last entry ends (once the run is closed). */
  end: number | undefined;
  /** Its defaultlogentrytime as it is written (wireString). */
  time: string;
  /** Bytes of its tail: meta.tailHead, the time and `"}`. */
  tailBytes: number;
}

/**
 * One PutLogs body being filled. add() refuses an entry that would take the
 * finished body over `limitBytes` (unless the body is still empty).
 * takeUnwritten() hands out, for the spool segment, what was added since it
 * was last called.
 */
export class BodyWriter {
  /** A good first size for the next body: the last one's. */
  private static sizeHint = 64 * 1024;
  private buf: Buffer;
  private written: number;
  private readonly runs: Run[] = [];
  private entries = 0;
  /** The segment has everything before this run … */
  private fileRun = 0;
  /** … and, in it, everything before this offset (-1: not even its meta line). */
  private fileOffset = -1;
  private fileEntries = 0;
  private tailIso = '';
  /** tailIso as it is written: ISO times go as they are; a time read from a file is escaped (wireString). */
  private wireIso = '';
  private timeTail = '';

  constructor(private readonly limitBytes: number) {
    // Room for a body like the last one and some: growing means copying.
    this.buf = bodyBuffers.take(Math.max(1024, Math.min(BodyWriter.sizeHint + (BodyWriter.sizeHint >> 2), limitBytes + 1024)));
    this.written = this.buf.write(BODY_HEAD, 0, 'latin1');
  }

  get count(): number {
    return this.entries;
  }

  /** The size of the body if it were finished now. */
  get bytes(): number {
    const run = this.runs[this.runs.length - 1];
    return this.written + (run ? run.tailBytes : 0) + BODY_TAIL.length;
  }

  /**
   * Adds the entry {"data":…,"id":…,"time":…} in `meta`'s run. `id` must be
   * as it goes inside its JSON string (see wireId), `iso` the entry's time
   * (RFC 3339; any string is written safely). False when it does not fit.
   */
  add(data: string, id: string, iso: string, meta: RunMeta): boolean {
    const json = data === '' ? '""' : JSON.stringify(data);
    if (iso !== this.tailIso) {
      this.tailIso = iso;
      this.wireIso = wireString(iso);
      this.timeTail = '","time":"' + this.wireIso + '"}';
    }
    const mark = this.written;
    const last = this.runs[this.runs.length - 1];
    const sameRun = last !== undefined && last.meta === meta;
    const tailBytes = sameRun ? last.tailBytes : meta.tailHeadBytes + this.wireIso.length + 2;
    this.ensure(this.written + json.length * 3 + asciiBound(id) + this.timeTail.length + 64 + (sameRun ? 0 : (last?.tailBytes ?? 0) + RUN_HEAD.length));
    const buf = this.buf;
    let at = this.written;
    if (sameRun) {
      buf[at++] = 0x2c; // ,
      buf[at++] = 0x0a; // \n
    } else {
      this.written = at;
      if (last) this.writeRunTail(last);
      if (this.runs.length > 0) this.buf[this.written++] = 0x2c; // ,
      at = this.written + writeAscii(buf, this.written, RUN_HEAD);
    }
    const start = at;
    // Only the data needs UTF-8 encoding; the rest is ASCII, copied byte by byte (no string is built for it).
    at += writeAscii(buf, at, DATA_HEAD);
    at += (buf as Utf8Buffer).utf8Write(json, at);
    at += writeAscii(buf, at, ID_HEAD);
    at += writeAscii(buf, at, id);
    at += writeAscii(buf, at, this.timeTail);
    this.written = at;
    if (at + tailBytes + BODY_TAIL.length > this.limitBytes && this.entries > 0) {
      this.written = mark;
      return false;
    }
    if (!sameRun) {
      if (last) last.end = mark;
      this.runs.push({ meta, start, end: undefined, time: this.wireIso, tailBytes });
    }
    this.entries += 1;
    return true;
  }

  /**
   * The bytes added since the last call, as segment lines: for each run
   * begun since, its meta line, then its entries as they are in the body.
   */
  takeUnwritten(): { pieces: Buffer[]; entries: number } {
    const pieces: Buffer[] = [];
    for (let i = this.fileRun; i < this.runs.length; i++) {
      const run = this.runs[i] as Run;
      let from = i === this.fileRun ? this.fileOffset : -1;
      if (from === -1) {
        // A run's meta line starts a line of its own: the entry before it ended without a newline.
        if (i > 0 || this.fileEntries > 0) pieces.push(NEWLINE);
        pieces.push(run.meta.spoolLine);
        from = run.start;
      }
      const to = run.end ?? this.written;
      if (to > from) pieces.push(this.buf.subarray(from, to));
    }
    const entries = this.entries - this.fileEntries;
    if (this.runs.length > 0) {
      this.fileRun = this.runs.length - 1;
      this.fileOffset = this.written;
    }
    this.fileEntries = this.entries;
    return { pieces, entries };
  }

  /** The finished body, a view of a buffer of bodyBuffers. The writer must not be used afterwards. */
  finish(): Buffer {
    this.ensure(this.bytes);
    const last = this.runs[this.runs.length - 1];
    if (last) this.writeRunTail(last);
    this.written += this.buf.write(BODY_TAIL, this.written, 'latin1');
    BodyWriter.sizeHint = Math.max(1024, this.written);
    // A view of the buffer, which goes back to bodyBuffers once the request succeeds.
    return this.buf.subarray(0, this.written);
  }

  private writeRunTail(run: Run): void {
    this.written += this.buf.write(run.meta.tailHead, this.written, 'utf8');
    this.written += writeAscii(this.buf, this.written, run.time);
    this.buf[this.written++] = 0x22; // "
    this.buf[this.written++] = 0x7d; // }
  }

  private ensure(size: number): void {
    if (size <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < size) cap *= 2;
    const next = bodyBuffers.take(cap);
    this.buf.copy(next, 0, 0, this.written);
    bodyBuffers.give(this.buf);
    this.buf = next;
  }
}
