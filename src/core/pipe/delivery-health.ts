import type { Clock, ClockTimer } from '../clock.js';
import { backoffDelay } from '../delivery-policy.js';
import type { BackoffPolicy } from '../delivery-policy.js';

export interface HealthEvents {
  /** No success for outageAfterMs while requests waited. */
  outageStarted(since: number): void;
  outageEnded(since: number, durationMs: number): void;
}

/**
 * Whether the service answers, and when to try it next. Healthy until a
 * request fails transiently, healthy again at the next success. Failures of
 * requests that were already under way when the service began failing count
 * as one step of backoff, not one each. An outage is no success for
 * `outageAfterMs` while requests wait (failing or hanging): said once when it
 * begins, once when it ends.
 */
export class DeliveryHealth {
  healthy = true;
  /** No attempt before this time (clock ms). */
  nextAttemptAt = 0;
  outageSince: number | undefined;
  lastSuccessAt: number;
  private consecutiveFailures = 0;
  private lastFailureAt = -Infinity;
  private timer: ClockTimer | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly backoff: BackoffPolicy,
    private readonly outageAfterMs: number,
    private readonly events: HealthEvents,
    private readonly random?: () => number,
  ) {
    this.lastSuccessAt = clock.now();
  }

  success(): void {
    const now = this.clock.now();
    this.lastSuccessAt = now;
    this.consecutiveFailures = 0;
    this.nextAttemptAt = 0;
    this.healthy = true;
    if (this.outageSince !== undefined) {
      const since = this.outageSince;
      this.outageSince = undefined;
      this.events.outageEnded(since, now - since);
    }
  }

  /** A transient failure of an attempt that started at `startedAt`: back off. */
  failure(startedAt: number, retryAfterMs: number | undefined): void {
    const now = this.clock.now();
    this.healthy = false;
    if (startedAt >= this.lastFailureAt) this.consecutiveFailures += 1;
    this.lastFailureAt = now;
    const delay = backoffDelay(this.backoff, this.consecutiveFailures - 1, retryAfterMs, this.random);
    this.nextAttemptAt = Math.max(this.nextAttemptAt, now + delay);
  }

  /** Call whenever the work waiting changes: arms (or disarms) the outage timer. */
  watch(pending: () => boolean): void {
    if (!pending()) {
      this.clock.clearTimeout(this.timer);
      this.timer = undefined;
      // Idle is not an outage: the clock starts again with the next request.
      this.lastSuccessAt = this.clock.now();
      return;
    }
    if (this.timer !== undefined || this.outageSince !== undefined) return;
    this.timer = this.clock.setTimeout(
      () => {
        this.timer = undefined;
        if (pending() && this.clock.now() - this.lastSuccessAt >= this.outageAfterMs) {
          this.outageSince = this.lastSuccessAt;
          // Requests that hang count as failing: let the spool take the input.
          this.healthy = false;
          this.events.outageStarted(this.outageSince);
        } else {
          this.watch(pending);
        }
      },
      Math.max(0, this.lastSuccessAt + this.outageAfterMs - this.clock.now()),
    );
  }

  stop(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
