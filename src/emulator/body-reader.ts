import type { IncomingMessage } from 'node:http';

/**
 * The bytes of request bodies held at once, across all requests: a body is
 * read only once its size fits, so many large requests together cannot
 * exhaust memory.
 */
export class BodyBudget {
  private held = 0;

  constructor(readonly maxBytes: number) {}

  /** Reserves n bytes; false when they do not fit now. */
  tryReserve(n: number): boolean {
    if (this.held + n > this.maxBytes) return false;
    this.held += n;
    return true;
  }

  release(n: number): void {
    this.held = Math.max(0, this.held - n);
  }

  get heldBytes(): number {
    return this.held;
  }
}

/**
 * Reads a body whose length the request declared (and signed): into one
 * buffer of that size, no copies. Resolves 'aborted' if the client goes away
 * or the server's request timeout ends the connection first.
 */
export function readDeclaredBody(req: IncomingMessage, length: number): Promise<Buffer | 'aborted'> {
  return new Promise((resolve) => {
    const body = Buffer.allocUnsafe(length);
    let at = 0;
    req.on('data', (chunk: Buffer) => {
      const n = Math.min(chunk.length, length - at);
      chunk.copy(body, at, 0, n);
      at += n;
    });
    req.on('end', () => resolve(at === length ? body : body.subarray(0, at)));
    req.on('close', () => {
      if (!req.complete) resolve('aborted');
    });
    req.on('error', () => resolve('aborted'));
  });
}

/** Reads a small body of any framing (the admin endpoints'), or says it is over the cap. */
export function readCappedBody(req: IncomingMessage, cap: number): Promise<Buffer | 'too-large' | 'aborted'> {
  return new Promise((resolve) => {
    if (Number(req.headers['content-length'] ?? 0) > cap) {
      resolve('too-large');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer): void => {
      size += c.length;
      if (size > cap) {
        req.off('data', onData);
        chunks.length = 0;
        resolve('too-large');
        return;
      }
      chunks.push(c);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('close', () => {
      if (!req.complete) resolve('aborted');
    });
    req.on('error', () => resolve('aborted'));
  });
}
