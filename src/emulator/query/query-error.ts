/**
 * A query the emulator refuses, as the service does: the message names the
 * problem and where it is (`position` is 0-based; messages count from 1).
 */
export class QueryError extends Error {
  constructor(
    message: string,
    readonly position?: number,
  ) {
    super(position === undefined ? message : `${message} at position ${position + 1}`);
  }
}
