/** A timer handle as the clock hands it out; only ever given back to the same clock. */
export type ClockTimer = { readonly __timer: unique symbol } | NodeJS.Timeout;

/**
 * Time as oci-log sees it: the system's in production, one a test controls
 * in tests (so tests move time instead of sleeping).
 */
export interface Clock {
  /** Milliseconds since the epoch, as Date.now(). */
  now(): number;
  setTimeout(callback: () => void, ms: number): ClockTimer;
  clearTimeout(timer: ClockTimer | undefined): void;
  /** Resolves after `ms`, or at once when `signal` aborts (never rejects). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** A sleep made of a clock's timers. */
export function sleepOn(clock: Pick<Clock, 'setTimeout' | 'clearTimeout'>, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const done = (): void => {
      clock.clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = clock.setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

const timers = {
  setTimeout: (callback: () => void, ms: number): ClockTimer => setTimeout(callback, ms),
  clearTimeout: (timer: ClockTimer | undefined): void => clearTimeout(timer as NodeJS.Timeout | undefined),
};

export const systemClock: Clock = {
  now: () => Date.now(),
  ...timers,
  sleep: (ms, signal) => sleepOn(timers, ms, signal),
};

/** Resolves after `ms` on the system clock, or at once when `signal` aborts. Never rejects. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return systemClock.sleep(ms, signal);
}
