import { join } from 'node:path';
import type { Options } from 'yargs';
import { UsageError } from '../../errors.js';
import { stateHome } from '../../core/state-home.js';
import type { WhenFull } from '../../core/pipe/shipper.js';

const GROUP = 'Spool (what waits on disk until delivered):';

export const SPOOL_LIMITS = {
  maxBytes: { min: 1024 * 1024, dflt: 1024 ** 3 },
  maxInFlight: { min: 1, max: 64, dflt: 16 },
} as const;

export const WHEN_FULL = ['block', 'drop-oldest', 'drop-newest'] as const;

/** The write-ahead spool: send and exec. */
export const spoolOptions = {
  spool: {
    type: 'boolean',
    group: GROUP,
    default: true,
    describe: 'Write each line to the spool before it counts as read (--no-spool: memory only, bounded retries, then the dead-letter file)',
  },
  'spool-dir': {
    type: 'string',
    group: GROUP,
    describe: 'Spool folder, may be shared by several oci-log processes [env OCI_LOG_SPOOL_DIR] (default ${XDG_STATE_HOME:-~/.local/state}/oci-log/spool)',
  },
  'spool-max-bytes': {
    type: 'string',
    group: GROUP,
    default: '1G',
    describe: "Bytes this process's spool segments may hold (K, M, G suffixes: 1024-based; at least 1M)",
  },
  'when-full': {
    type: 'string',
    group: GROUP,
    choices: WHEN_FULL,
    default: 'block',
    describe: 'When the spool is full: stop reading stdin (block), or drop the oldest or the newest lines, counted (exit 3)',
  },
  'spool-sync': {
    type: 'boolean',
    group: GROUP,
    default: false,
    describe: 'fsync each batch to disk before sending it (survives a power loss, at a cost per batch)',
  },
} as const satisfies Record<string, Options>;

/** Requests at once: send, exec, replay and flush. */
export const inFlightOption = {
  'max-in-flight': {
    type: 'number',
    group: 'Batching and delivery:',
    default: SPOOL_LIMITS.maxInFlight.dflt,
    describe: `PutLogs requests under way at once while the service answers (${SPOOL_LIMITS.maxInFlight.min}-${SPOOL_LIMITS.maxInFlight.max}); one while it does not`,
  },
} as const satisfies Record<string, Options>;

export function readMaxInFlight(value: number): number {
  if (!Number.isInteger(value) || value < SPOOL_LIMITS.maxInFlight.min || value > SPOOL_LIMITS.maxInFlight.max) {
    throw new UsageError(`--max-in-flight ${String(value)}: must be a whole number from ${SPOOL_LIMITS.maxInFlight.min} to ${SPOOL_LIMITS.maxInFlight.max}`);
  }
  return value;
}

export interface SpoolArgs {
  spool: boolean;
  'spool-dir'?: string | undefined;
  'spool-max-bytes': string;
  'when-full': string;
  'spool-sync': boolean;
}

export interface SpoolSettings {
  /** undefined: --no-spool. */
  dir: string | undefined;
  /** The folder was named (flag or variable): it must be usable, or oci-log stops. */
  explicit: boolean;
  maxBytes: number;
  whenFull: WhenFull;
  sync: boolean;
}

/** ${XDG_STATE_HOME:-~/.local/state}/oci-log/spool */
export function defaultSpoolDir(env: Record<string, string | undefined>): string {
  return join(stateHome(env), 'spool');
}

const SIZE = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b)?$/i;
const SCALE: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** "1G", "512M", "1048576" → bytes (1024-based); undefined when malformed. */
export function parseSize(text: string): number | undefined {
  const m = SIZE.exec(text.trim());
  if (!m) return undefined;
  return Math.floor(Number(m[1]) * (SCALE[(m[2] ?? '').toLowerCase()] ?? 1));
}

export function readSpoolSettings(argv: SpoolArgs, env: Record<string, string | undefined>): SpoolSettings {
  const maxBytes = parseSize(argv['spool-max-bytes']);
  if (maxBytes === undefined || maxBytes < SPOOL_LIMITS.maxBytes.min) {
    throw new UsageError(`--spool-max-bytes ${argv['spool-max-bytes']}: expected a size of at least 1M, e.g. 512M or 2G`);
  }
  const named = argv['spool-dir'] || env['OCI_LOG_SPOOL_DIR'] || undefined;
  return {
    dir: argv.spool ? (named ?? defaultSpoolDir(env)) : undefined,
    explicit: named !== undefined,
    maxBytes,
    whenFull: argv['when-full'] as WhenFull,
    sync: argv['spool-sync'],
  };
}
