import { sleepOn } from '../../src/core/clock.js';
import type { Clock, ClockTimer } from '../../src/core/clock.js';

interface Pending {
  at: number;
  seq: number;
  callback: () => void;
}

/** Lets promise callbacks (and the microtasks they queue) run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * A clock whose time moves only when the test says so. Timers run in time
 * order as `advance` passes them, with promise callbacks settled in between,
 * so code that awaits between timers behaves as it would in real time.
 */
export class FakeClock implements Clock {
  private time: number;
  private seq = 0;
  private pending: Pending[] = [];

  constructor(readonly start = Date.parse('2026-12-01T00:00:00.000Z')) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): ClockTimer {
    const p: Pending = { at: this.time + Math.max(0, ms), seq: this.seq++, callback };
    this.pending.push(p);
    return p as unknown as ClockTimer;
  }

  clearTimeout(timer: ClockTimer | undefined): void {
    this.pending = this.pending.filter((p) => p !== (timer as unknown));
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }

  /** Timers not yet run. */
  get timers(): number {
    return this.pending.length;
  }

  /** Moves time forward by `ms`, running each timer that falls due (and settling promises) on the way. */
  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    await settle();
    for (;;) {
      this.pending.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.pending[0];
      if (!next || next.at > target) break;
      this.pending.shift();
      this.time = Math.max(this.time, next.at);
      next.callback();
      await settle();
      await settle();
    }
    this.time = target;
    await settle();
  }

  /** Advances in steps until `check()` is true (or `limitMs` has passed: then throws). */
  async until(check: () => boolean, stepMs = 100, limitMs = 3_600_000): Promise<void> {
    const end = this.time + limitMs;
    while (!check()) {
      if (this.time >= end) throw new Error(`condition not met within ${limitMs} ms of fake time`);
      await this.advance(stepMs);
    }
  }
}
