import type { Clock, ClockTimer } from '../clock.js';

export interface CloseOptions {
  /** Stop delivering at this time (clock ms) whatever happens: a signal's grace period. */
  deadlineAt?: number;
  /** Stop once no request has succeeded for this long (the input has ended and the service is away). */
  stallMs?: number;
}

export type GraceEnd = 'idle' | 'deadline' | 'stall';

/**
 * Waits until `done` is called (everything delivered), or the grace the
 * options give runs out: a deadline, or `stallMs` without a success (as
 * `lastSuccessAt` tells, counted from the start of the wait at the earliest).
 * hurry() brings a deadline in while it waits.
 */
export class GraceWait {
  readonly ended: Promise<GraceEnd>;
  private resolve: (end: GraceEnd) => void = () => undefined;
  private timer: ClockTimer | undefined;
  private readonly startedAt: number;
  private finished = false;

  constructor(
    private readonly clock: Clock,
    private readonly options: CloseOptions,
    private readonly lastSuccessAt: () => number,
  ) {
    this.ended = new Promise((r) => (this.resolve = r));
    this.startedAt = clock.now();
    this.check();
  }

  done(): void {
    this.finish('idle');
  }

  hurry(deadlineAt: number): void {
    this.options.deadlineAt = Math.min(this.options.deadlineAt ?? Infinity, deadlineAt);
    this.check();
  }

  private check(): void {
    if (this.finished) return;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    const now = this.clock.now();
    const { deadlineAt, stallMs } = this.options;
    const stallFrom = Math.max(this.lastSuccessAt(), this.startedAt);
    if (deadlineAt !== undefined && now >= deadlineAt) return this.finish('deadline');
    if (stallMs !== undefined && now - stallFrom >= stallMs) return this.finish('stall');
    let next = Infinity;
    if (deadlineAt !== undefined) next = Math.min(next, deadlineAt - now);
    if (stallMs !== undefined) next = Math.min(next, stallFrom + stallMs - now);
    if (next !== Infinity) this.timer = this.clock.setTimeout(() => this.check(), Math.max(1, next));
  }

  private finish(end: GraceEnd): void {
    if (this.finished) return;
    this.finished = true;
    this.clock.clearTimeout(this.timer);
    this.resolve(end);
  }
}
