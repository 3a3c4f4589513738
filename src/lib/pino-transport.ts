import { createLogStream } from './log-stream.js';
import type { LogStream, LogStreamOptions } from './log-stream.js';

/**
 * A pino transport: pino runs it in a worker thread and writes each log
 * line (JSON) to the stream it returns.
 *
 *   const logger = pino(pino.transport({ target: 'oci-log/pino', options: { logOcid } }));
 *
 * Options are those of createLogStream, except functions (pino copies the
 * options into the worker): warnings go to stderr. When the process exits,
 * pino ends the stream and waits (up to 10 s) while it delivers what is
 * left; shutdownTimeoutMs (default 8 s) stops it before that, leaving the
 * rest in the spool for the next run or `oci-log flush`.
 */
export default function ociLogTransport(options: LogStreamOptions): LogStream {
  return createLogStream(options);
}
