/**
 * oci-log as a library: createLogStream() ships lines written to it to an
 * OCI Logging log, with the CLI's batching, retries, spool and dead-letter
 * file. `oci-log/pino` is a pino transport built on it.
 */
export { createLogStream } from './lib/log-stream.js';
export type { LogStream, LogStreamOptions, LogStreamSpoolOptions, ShipResult, ShipStats, WhenFull } from './lib/log-stream.js';
