import { hostname } from 'node:os';
import { UsageError } from '../../errors.js';
import type { RetryPolicy } from '../../core/pipe/retry-policy.js';
import { DEFAULT_RETRY } from '../../core/pipe/retry-policy.js';
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
    default: DEFAULT_RETRY.maxRetries,
    min: 0,
    max: 100,
    description: 'Retries of a request after 429, 5xx, resets and timeouts, with backoff, before its lines are dead-lettered',
  },
  'dead-letter': {
    type: 'string',
    group: 'delivery',
    arg: 'FILE',
    defaultText: 'a new file in ~/.local/state/oci-log/dead-letter/ (or $XDG_STATE_HOME/oci-log/dead-letter/)',
    description: 'File for lines that cannot be delivered',
    details: 'Made only when needed; one JSON object a line with data, id, time, source, type, subject and logId.',
  },
} as const satisfies OptionTable;

export type DeliveryArgs = OptionValues<typeof deliveryOptions>;

export interface DeliverySettings {
  batchSize: number;
  batchBytes: number;
  flushIntervalMs: number;
  requestTimeoutMs: number;
  retry: RetryPolicy;
  deadLetter: string | undefined;
}

/** The delivery flags (already checked against their table) as the shipper's settings. */
export function readDeliverySettings(argv: DeliveryArgs): DeliverySettings {
  return {
    batchSize: argv['batch-size'],
    batchBytes: argv['batch-bytes'],
    flushIntervalMs: argv['flush-interval'],
    requestTimeoutMs: argv['request-timeout'],
    retry: { ...DEFAULT_RETRY, maxRetries: argv['max-retries'] },
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

