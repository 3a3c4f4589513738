import type { CloseOptions, Shipper } from '../core/pipe/shipper.js';
import type { CliIo } from './io.js';

export interface Shutdown {
  /** When the first signal came, if one did. */
  readonly signalledAt: number | undefined;
  /** Resolves at the second signal: stop at once. */
  readonly aborted: Promise<void>;
  /** How long the final delivery may take: the grace after a signal, or (spool) until the service has failed for that long. */
  closeOptions(spooled: boolean): CloseOptions;
  /** The shipper whose waiting a first signal shortens (once delivery is all that is left). */
  attach(shipper: Shipper): void;
  dispose(): void;
}

/**
 * One shutdown lifecycle for every command that ships (send, exec, replay,
 * flush). The first SIGINT or SIGTERM stops the input (`stopInput`) and
 * gives delivery `shutdownMs` more; the second stops at once. Whatever is not
 * delivered by then stays in the spool (or, memory only, goes to the
 * dead-letter file), and the command exits 3. Listening from the start to the
 * end means no signal ever meets Node's default handler (which would kill
 * oci-log with what it holds).
 */
const ignore = (): void => undefined;

export function watchShutdown(io: CliIo, shutdownMs: number, stopInput: () => void): Shutdown {
  let signals = 0;
  let signalledAt: number | undefined;
  let shipper: Shipper | undefined;
  let abort: () => void = () => undefined;
  const aborted = new Promise<void>((resolve) => (abort = resolve));
  const onSignal = (): void => {
    signals += 1;
    if (signals === 1) {
      signalledAt = Date.now();
      stopInput();
      shipper?.hurry(signalledAt + shutdownMs);
    } else {
      abort();
    }
  };
  io.signals.on('SIGINT', onSignal);
  io.signals.on('SIGTERM', onSignal);
  return {
    get signalledAt() {
      return signalledAt;
    },
    aborted,
    closeOptions: (spooled) => (signalledAt !== undefined ? { deadlineAt: signalledAt + shutdownMs } : spooled ? { stallMs: shutdownMs } : {}),
    attach: (s) => {
      shipper = s;
    },
    dispose: () => {
      io.signals.off('SIGINT', onSignal);
      io.signals.off('SIGTERM', onSignal);
      // The work is done and the exit status set: a signal in the last moments must not turn it into 143.
      // (A signal listener does not keep the process alive.)
      io.signals.on('SIGINT', ignore);
      io.signals.on('SIGTERM', ignore);
    },
  };
}
