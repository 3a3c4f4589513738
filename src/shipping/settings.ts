import { join } from 'node:path';
import type { BackoffPolicy } from '../core/delivery-policy.js';
import { stateHome } from '../core/state-home.js';
import type { WhenFull } from '../core/pipe/shipper.js';

/** How lines become requests, and how hard to try. */
export interface DeliverySettings {
  batchSize: number;
  batchBytes: number;
  flushIntervalMs: number;
  requestTimeoutMs: number;
  /** Memory only (no spool, replay): retries of one request; the spool retries transient failures without end. */
  retry: { maxRetries: number };
  backoff: BackoffPolicy;
  deadLetter: string | undefined;
}

/** The write-ahead spool. */
export interface SpoolSettings {
  /** undefined: memory only. */
  dir: string | undefined;
  /** The folder was named (flag, variable or option): it must be usable, or nothing starts. */
  explicit: boolean;
  maxBytes: number;
  whenFull: WhenFull;
  sync: boolean;
}

/** The variable that names the spool folder (the option tables take the name from here). */
export const SPOOL_DIR_ENV = 'OCI_LOG_SPOOL_DIR';

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

/** The smallest spool worth having: 1 MiB. */
export const MIN_SPOOL_BYTES = 1024 * 1024;
