import { randomBytes } from 'node:crypto';

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * UUIDv7 ids (RFC 9562) whose 42 bits after the timestamp are a counter, so
 * ids made in the same millisecond, or after the clock steps back, still
 * sort in the order they were made. The counter starts at a random value in
 * the lower half of its range each new millisecond; the last 32 bits are
 * random per generator, which keeps two processes' ids apart.
 */
export class EntryIdGenerator {
  private lastMs = -1;
  private counter = 0;
  private readonly tail: string;

  constructor(private readonly now: () => number = Date.now) {
    const r = randomBytes(4);
    this.tail = HEX[r[0] ?? 0]! + HEX[r[1] ?? 0]! + HEX[r[2] ?? 0]! + HEX[r[3] ?? 0]!;
  }

  next(): string {
    let ms = this.now();
    if (ms > this.lastMs) {
      this.lastMs = ms;
      this.counter = Math.floor(Math.random() * 2 ** 40);
    } else {
      ms = this.lastMs;
      this.counter += 1;
      if (this.counter >= 2 ** 42) {
        // 4 trillion ids in one millisecond: borrow the next one.
        this.lastMs += 1;
        ms = this.lastMs;
        this.counter = 0;
      }
    }
    const t = ms.toString(16).padStart(12, '0');
    const c = this.counter;
    const a = Math.floor(c / 2 ** 30); // top 12 bits
    const b = Math.floor(c / 2 ** 16) % 2 ** 14; // next 14 bits
    const d = c % 2 ** 16; // low 16 bits
    return (
      t.slice(0, 8) +
      '-' +
      t.slice(8, 12) +
      '-7' +
      a.toString(16).padStart(3, '0') +
      '-' +
      (0x8000 | b).toString(16) +
      '-' +
      d.toString(16).padStart(4, '0') +
      this.tail
    );
  }
}
