import { hostname } from 'node:os';
import { UsageError } from '../../errors.js';
import { DEFAULT_BACKOFF } from '../../core/delivery-policy.js';
import type { DeliverySettings } from '../../shipping/settings.js';
import type { OptionTable, OptionValues } from './option-spec.js';

/** Which log; shared by send, exec and query (replay has its own, which reads no variable). */
export const logOcidOption = {
  'log-ocid': {
    type: 'string',
    alias: 'log-id',
    group: 'target',
    arg: 'OCID',
    env: 'OCI_LOG_OCID',
    description: 'OCID of the log',
  },
} as const satisfies OptionTable;

/** Entry metadata: send and exec. */
export const entryOptions = {
  source: { type: 'string', group: 'target', defaultText: 'the host name', description: "Each entry batch's source" },
  type: { type: 'string', group: 'target', default: 'oci-log', description: "Each entry batch's type" },
  subject: { type: 'string', group: 'target', defaultText: 'none', description: "Each entry batch's subject" },
} as const satisfies OptionTable;

/** How lines become requests, and how hard to try: send, replay, exec. */
export const deliveryOptions = {
  'batch-size': { type: 'number', group: 'delivery', default: 1000, min: 1, max: 10_000, description: 'Entries per request' },
  'batch-bytes': {
    type: 'number',
    group: 'delivery',
    default: 4 * 1024 * 1024,
    min: 128 * 1024,
    max: 9 * 1024 * 1024,
    description: "Request body bytes at most, under the service's request cap of about 10 MB",
  },
  'flush-interval': {
    type: 'duration',
    unit: 'ms',
    group: 'delivery',
    default: '1s',
    min: '10ms',
    max: '1h',
    description: 'Send a batch at the latest this long after its first line',
    details: "So a slow producer's lines arrive within that time.",
  },
  'request-timeout': {
    type: 'duration',
    unit: 's',
    group: 'delivery',
    default: '30s',
    min: '1s',
    max: '1h',
    description: 'Wait this long for each PutLogs answer before retrying',
  },
  'max-retries': {
    type: 'number',
    group: 'delivery',
    default: 8,
    min: 0,
    max: 100,
    description: 'With --no-spool (and in replay): retries of a request after 429, 5xx, resets and timeouts before its lines are dead-lettered',
    details: 'With the spool, transient failures are retried until the service answers.',
  },
  'dead-letter': {
    type: 'string',
    group: 'delivery',
    arg: 'FILE',
    defaultText: 'a new file in ~/.local/state/oci-log/dead-letter/ (or $XDG_STATE_HOME/oci-log/dead-letter/)',
    description: 'File for lines the service refuses (400, 401, 403, 404), and with --no-spool those out of retries',
    details: 'Made only when needed; one JSON object a line with data, id, time, source, type, subject and logId. A default location that cannot be written is warned about, not fatal.',
  },
} as const satisfies OptionTable;

export type DeliveryArgs = OptionValues<typeof deliveryOptions>;

/** The grace period of the shutdown lifecycle: send, exec, replay and flush. */
export const shutdownOption = {
  'shutdown-timeout': {
    type: 'duration',
    unit: 's',
    group: 'delivery',
    default: '10s',
    min: '0s',
    max: '1h',
    description: 'Grace at the end: after SIGINT/SIGTERM, time to send what was read; after the input ends, how long the service may fail before the rest is left in the spool',
    details:
      'At the end of the input oci-log goes on delivering while requests succeed, and stops once none has succeeded for this long. After the first signal it stops this long after the signal at the latest; a second signal stops it at once. What is left waits in the spool (or, with --no-spool, goes to the dead-letter file), and the exit status is 3.',
  },
} as const satisfies OptionTable;

export type { DeliverySettings } from '../../shipping/settings.js';

/** The delivery flags (already checked against their table) as the shipper's settings. */
export function readDeliverySettings(argv: DeliveryArgs): DeliverySettings {
  return {
    batchSize: argv['batch-size'],
    batchBytes: argv['batch-bytes'],
    flushIntervalMs: argv['flush-interval'],
    requestTimeoutMs: argv['request-timeout'],
    retry: { maxRetries: argv['max-retries'] },
    backoff: DEFAULT_BACKOFF,
    deadLetter: argv['dead-letter'] === '' ? undefined : argv['dead-letter'],
  };
}

const LOG_OCID = /^ocid1\.log\.[a-z0-9-]+\.[a-z0-9-]*\.[a-z0-9._-]+$/i;

/** --log-ocid, else OCI_LOG_OCID; must look like a log OCID. */
export function readLogOcid(value: string | undefined, env: Record<string, string | undefined>, required: true): string;
export function readLogOcid(value: string | undefined, env: Record<string, string | undefined>, required: false): string | undefined;
export function readLogOcid(value: string | undefined, env: Record<string, string | undefined>, required: boolean): string | undefined {
  const id = value || env[logOcidOption['log-ocid'].env] || undefined;
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

