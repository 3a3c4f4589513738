import { hostname } from 'node:os';
import type { Options } from 'yargs';
import { UsageError } from '../../errors.js';
import { DEFAULT_BACKOFF } from '../../core/delivery-policy.js';
import type { BackoffPolicy } from '../../core/delivery-policy.js';

const TARGET = 'Target:';
const BATCHING = 'Batching and delivery:';

/** Which log; shared by send, replay, exec and query. */
export const logOcidOption = {
  'log-ocid': {
    type: 'string',
    alias: 'log-id',
    group: TARGET,
    describe: 'OCID of the log [env OCI_LOG_OCID]',
  },
} as const satisfies Record<string, Options>;

/** Entry metadata: send and exec. */
export const entryOptions = {
  source: { type: 'string', group: TARGET, describe: 'Entry source (default: this host\'s name)' },
  type: { type: 'string', group: TARGET, default: 'oci-log', describe: 'Entry type' },
  subject: { type: 'string', group: TARGET, describe: 'Entry subject (default: none)' },
} as const satisfies Record<string, Options>;

export const LIMITS = {
  batchSize: { min: 1, max: 10_000, dflt: 1000 },
  batchBytes: { min: 128 * 1024, max: 9 * 1024 * 1024, dflt: 4 * 1024 * 1024 },
  flushIntervalMs: { min: 10, max: 3_600_000, dflt: 1000 },
  timeoutS: { min: 1, max: 3600, dflt: 30 },
  maxRetries: { min: 0, max: 100, dflt: 8 },
  shutdownTimeoutS: { min: 0, max: 3600, dflt: 10 },
} as const;

/** How lines become requests, and how hard to try: send, replay, exec. */
export const deliveryOptions = {
  'batch-size': { type: 'number', group: BATCHING, default: LIMITS.batchSize.dflt, describe: `Entries per request (${LIMITS.batchSize.min}-${LIMITS.batchSize.max})` },
  'batch-bytes': {
    type: 'number',
    group: BATCHING,
    default: LIMITS.batchBytes.dflt,
    describe: `Request body bytes at most (${LIMITS.batchBytes.min}-${LIMITS.batchBytes.max}: under the service's ~10 MB cap)`,
  },
  'flush-interval': { type: 'number', group: BATCHING, default: LIMITS.flushIntervalMs.dflt, describe: 'Send a batch this many ms after its first line at the latest' },
  'request-timeout': { type: 'number', group: BATCHING, default: LIMITS.timeoutS.dflt, describe: 'Seconds to wait for each PutLogs answer before retrying' },
  'max-retries': { type: 'number', group: BATCHING, default: LIMITS.maxRetries.dflt, describe: 'With --no-spool (and replay): retries of a request after 429, 5xx, resets and timeouts before its lines go to the dead-letter file; with the spool, retries never end' },
  'dead-letter': { type: 'string', group: BATCHING, describe: 'File for lines the service refuses (400/401/403/404; with --no-spool also those out of retries) (default ${XDG_STATE_HOME:-~/.local/state}/oci-log/dead-letter/<time>-<pid>.jsonl)' },
} as const satisfies Record<string, Options>;

/** The grace period of the shutdown lifecycle: send, exec, replay and flush. */
export const shutdownOption = {
  'shutdown-timeout': {
    type: 'number',
    group: BATCHING,
    default: LIMITS.shutdownTimeoutS.dflt,
    describe:
      'Seconds of grace at the end: after SIGINT/SIGTERM, to send what was read; after the input ends, how long the service may fail without a success before oci-log stops and leaves the rest in the spool',
  },
} as const satisfies Record<string, Options>;

export interface DeliveryArgs {
  'batch-size': number;
  'batch-bytes': number;
  'flush-interval': number;
  'request-timeout': number;
  'max-retries': number;
  'dead-letter'?: string | undefined;
}

export interface DeliverySettings {
  batchSize: number;
  batchBytes: number;
  flushIntervalMs: number;
  requestTimeoutMs: number;
  /** --max-retries: memory only (--no-spool, replay); the spool retries transient failures without end. */
  retry: { maxRetries: number };
  backoff: BackoffPolicy;
  deadLetter: string | undefined;
}

function inRange(flag: string, value: number, min: number, max: number, integer = true): number {
  if (!Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min || value > max) {
    throw new UsageError(`--${flag} ${String(value)}: must be ${integer ? 'a whole number ' : ''}from ${min} to ${max}`);
  }
  return value;
}

export function readDeliverySettings(argv: DeliveryArgs): DeliverySettings {
  return {
    batchSize: inRange('batch-size', argv['batch-size'], LIMITS.batchSize.min, LIMITS.batchSize.max),
    batchBytes: inRange('batch-bytes', argv['batch-bytes'], LIMITS.batchBytes.min, LIMITS.batchBytes.max),
    flushIntervalMs: inRange('flush-interval', argv['flush-interval'], LIMITS.flushIntervalMs.min, LIMITS.flushIntervalMs.max),
    requestTimeoutMs: inRange('request-timeout', argv['request-timeout'], LIMITS.timeoutS.min, LIMITS.timeoutS.max, false) * 1000,
    retry: { maxRetries: inRange('max-retries', argv['max-retries'], LIMITS.maxRetries.min, LIMITS.maxRetries.max) },
    backoff: DEFAULT_BACKOFF,
    deadLetter: argv['dead-letter'] === '' ? undefined : argv['dead-letter'],
  };
}

export function readShutdownTimeout(value: number): number {
  return inRange('shutdown-timeout', value, LIMITS.shutdownTimeoutS.min, LIMITS.shutdownTimeoutS.max, false) * 1000;
}

const LOG_OCID = /^ocid1\.log\.[a-z0-9-]+\.[a-z0-9-]*\.[a-z0-9._-]+$/i;

/** --log-ocid, else OCI_LOG_OCID; must look like a log OCID. */
export function readLogOcid(value: string | undefined, env: Record<string, string | undefined>, required: true): string;
export function readLogOcid(value: string | undefined, env: Record<string, string | undefined>, required: false): string | undefined;
export function readLogOcid(value: string | undefined, env: Record<string, string | undefined>, required: boolean): string | undefined {
  const id = value || env['OCI_LOG_OCID'] || undefined;
  if (id === undefined) {
    if (required) throw new UsageError('no log given: use --log-ocid OCID (or set OCI_LOG_OCID)');
    return undefined;
  }
  if (!LOG_OCID.test(id)) {
    throw new UsageError(`--log-ocid ${id}: not a log OCID (expected ocid1.log.<realm>.<region>.<unique id>)`);
  }
  return id;
}

export function defaultSource(value: string | undefined): string {
  return value || hostname();
}

