import type { Writable } from 'node:stream';

/**
 * A copy of the input to an output that may go away: once the output fails
 * (EPIPE: the reader closed it), copying stops quietly and shipping goes on.
 * write() returns a promise while the output is full, so a slow reader slows
 * the input down instead of growing memory.
 */
export function createTee(output: Writable | undefined): (chunk: Buffer) => Promise<void> | undefined {
  let out = output;
  out?.on('error', () => {
    out = undefined;
  });
  return (chunk) => {
    const o = out;
    if (!o) return undefined;
    // Gone before we could hear it go (its 'error' came before our listener): nothing to wait for.
    if (o.destroyed || !o.writable) {
      out = undefined;
      return undefined;
    }
    try {
      if (o.write(chunk)) return undefined;
    } catch {
      out = undefined;
      return undefined;
    }
    if (o.destroyed) {
      out = undefined;
      return undefined;
    }
    return new Promise((resolve) => {
      const done = (): void => {
        o.off('drain', done);
        o.off('error', done);
        o.off('close', done);
        resolve();
      };
      o.on('drain', done);
      o.on('error', done);
      o.on('close', done);
    });
  };
}
