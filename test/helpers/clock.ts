import { systemClock } from '../../src/core/clock.js';
import type { Clock } from '../../src/core/clock.js';

/**
 * A clock whose sleeps end at once (on the next turn of the event loop): a
 * poll loop runs as fast as its requests. `slept` records what was asked.
 */
export function instantClock(): Clock & { slept: number[] } {
  const slept: number[] = [];
  return {
    slept,
    now: () => Date.now(),
    setTimeout: (callback, ms) => systemClock.setTimeout(callback, ms),
    clearTimeout: (timer) => systemClock.clearTimeout(timer),
    sleep: (ms) => {
      slept.push(ms);
      return new Promise((resolve) => setImmediate(resolve));
    },
  };
}
