import { randomBytes } from 'node:crypto';

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * UUIDv7 ids (RFC 9562) whose 42 bits after the timestamp are a counter, so
 * ids made in the same millisecond, or after the clock steps back, still
 * sort in the order they were made. The counter starts at a random value in
 * the lower half of its range each new millisecond; the last 32 bits are
 * random per generator, which keeps two processes' ids apart.
 *
 * The counter is kept as two integers (26 high bits, 16 low bits) and the
 * text before the low bits is made only when it changes: an id costs a few
 * table lookups and one concatenation.
 */
export class EntryIdGenerator {
  private lastMs = -1;
  private hi = 0;
  private lo = 0;
  private prefix = '';
  private readonly tail: string;

  constructor(private readonly now: () => number = Date.now) {
    const r = randomBytes(4);
    this.tail = HEX[r[0] ?? 0]! + HEX[r[1] ?? 0]! + HEX[r[2] ?? 0]! + HEX[r[3] ?? 0]!;
  }

  next(): string {
    const ms = this.now();
    if (ms > this.lastMs) {
      this.lastMs = ms;
      // A random start in the lower half leaves room to count up within the millisecond.
      this.hi = (Math.random() * 0x2000000) | 0;
      this.lo = (Math.random() * 0x10000) | 0;
      this.makePrefix();
    } else if (this.lo < 0xffff) {
      this.lo += 1;
    } else {
      this.lo = 0;
      if (this.hi < 0x3ffffff) {
        this.hi += 1;
      } else {
        // 4 trillion ids in one millisecond: borrow the next one.
        this.lastMs += 1;
        this.hi = 0;
      }
      this.makePrefix();
    }
    return this.prefix + HEX[this.lo >>> 8]! + HEX[this.lo & 0xff]! + this.tail;
  }

  private makePrefix(): void {
    const t = this.lastMs.toString(16).padStart(12, '0');
    const a = this.hi >>> 14; // 12 bits
    const b = this.hi & 0x3fff; // 14 bits
    this.prefix = t.slice(0, 8) + '-' + t.slice(8, 12) + '-7' + a.toString(16).padStart(3, '0') + '-' + (0x8000 | b).toString(16) + '-';
  }
}
