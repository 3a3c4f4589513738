import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DeadLetterFile, defaultDeadLetterPath } from '../core/pipe/dead-letter.js';
import { Shipper } from '../core/pipe/shipper.js';
import { systemClock } from '../core/clock.js';
import type { Clock } from '../core/clock.js';
import type { ShipFailure, ShipResult, WhenFull } from '../core/pipe/shipper.js';
import type { SendFunction } from '../core/pipe/send-result.js';
import { SpoolDir } from '../core/pipe/spool/spool-dir.js';
import type { WriteErrorReporter } from '../core/pipe/spool/segment.js';
import { ConfigError, ExitCode } from '../errors.js';
import type { ConnectionSettings } from '../oci/connection-settings.js';
import { resolveCredentials } from '../oci/credentials.js';
import { PutLogsClient } from '../oci/put-logs-client.js';
import { serviceEndpoint } from '../oci/service-endpoints.js';
import { serviceErrorMessage } from '../oci/service-error.js';
import type { DeliverySettings, SpoolSettings } from './settings.js';

/**
 * What the CLI and the library face share to ship: credentials into a send
 * function, the spool and the dead-letter file opened as the user asked, the
 * shipper, and every message the user must hear while it runs and at its end.
 * Messages go to a `warn` function (stderr for the CLI, a callback for the
 * library); nothing here knows of terminals.
 */
export type Warn = (message: string) => void;

export interface Sender {
  send: SendFunction;
  close(): void;
}

/**
 * PutLogs over HTTP with the resolved credentials, at most `maxInFlight`
 * requests at once. `warn` hears what is wrong but not fatal (a config or
 * key file other users can read); nothing is said when it is absent.
 */
export async function openPutLogs(settings: ConnectionSettings, requestTimeoutMs: number, maxInFlight: number, warn?: Warn): Promise<Sender> {
  const credentials = await resolveCredentials(settings, warn === undefined ? {} : { warn });
  const endpoint = await serviceEndpoint('ingestion', settings, credentials);
  const client = new PutLogsClient({ endpoint, credentials, timeoutMs: requestTimeoutMs, maxSockets: maxInFlight });
  return { send: (logId, body, signal) => client.send(logId, body, signal), close: () => client.close() };
}

/**
 * The dead-letter file. One named by the user is checked before any line is
 * read (a ConfigError when it could not be written); the default one only
 * warns, because a default location must never stop the pipe.
 */
export function openDeadLetter(path: string | undefined, env: Record<string, string | undefined>, warn: Warn, pid = process.pid): DeadLetterFile {
  const file = path === undefined ? defaultDeadLetterPath(env, new Date(), pid) : resolve(path);
  const problem = unwritable(file);
  if (problem) {
    if (path !== undefined) throw new ConfigError(`--dead-letter ${file}: cannot write there: ${problem}`);
    warn(`the default dead-letter file ${file} cannot be written (${problem}); lines the service refuses would be lost (give --dead-letter FILE)`);
  }
  return new DeadLetterFile(file);
}

function unwritable(file: string): string | undefined {
  if (existsSync(file)) {
    if (!statSync(file).isFile()) return 'it is not a regular file';
    try {
      accessSync(file, constants.W_OK);
      return undefined;
    } catch {
      return 'permission denied';
    }
  }
  let dir = dirname(file);
  while (!existsSync(dir)) dir = dirname(dir);
  if (!statSync(dir).isDirectory()) return `${dir} is not a folder`;
  try {
    accessSync(dir, constants.W_OK);
    return undefined;
  } catch {
    return `${dir} is not writable`;
  }
}

/** An error as the user can act on it: its code (ENOSPC, EACCES…) and what the system said. */
function errorText(err: NodeJS.ErrnoException): string {
  return err.code !== undefined && !err.message.startsWith(err.code) ? `${err.code}: ${err.message}` : err.message;
}

/** Says once per episode that the spool cannot be written (a segment, or the folder when no segment could be made), and when it can again. */
function spoolWriteReporter(warn: Warn): WriteErrorReporter {
  let failing = false;
  return {
    failed: (path, err) => {
      if (failing) return;
      failing = true;
      warn(`cannot write the spool (${path}: ${errorText(err)}); lines are held in memory until delivered, and a crash now would lose them`);
    },
    recovered: () => {
      if (!failing) return;
      failing = false;
      warn('writing the spool again');
    },
  };
}

/**
 * Opens the spool folder and takes this process's lock in it. A folder the
 * user named must be usable (a ConfigError before any line is read); the
 * default one falls back to memory only, with one warning.
 */
export function openSpool(settings: SpoolSettings | undefined, warn: Warn): SpoolDir | undefined {
  if (settings?.dir === undefined) return undefined;
  const dir = resolve(settings.dir);
  try {
    return SpoolDir.open(dir, { sync: settings.sync, reporter: spoolWriteReporter(warn) });
  } catch (err) {
    const why = errorText(err as NodeJS.ErrnoException);
    if (settings.explicit) throw new ConfigError(`--spool-dir ${dir}: cannot use it as a spool: ${why}`, { cause: err });
    warn(`the default spool folder ${dir} cannot be used (${why}); going on with memory only (lines read are lost if oci-log is killed; set --spool-dir or OCI_LOG_SPOOL_DIR)`);
    return undefined;
  }
}

export function describeFailure(failure: ShipFailure): string {
  const { result } = failure;
  const retried = failure.attempts > 1 ? ` after ${failure.attempts} attempts` : '';
  return serviceErrorMessage(result, `PutLogs to ${failure.logId}${retried}`);
}

export function clockTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export interface ShipTarget {
  logId: string | undefined;
  source: string;
  type: string;
  subject: string | undefined;
}

export interface ShipperSetup {
  delivery: DeliverySettings;
  spool: SpoolSettings | undefined;
  maxInFlight: number;
  /** Time for batching, retries and outage warnings (default: the system's). */
  clock?: Clock;
}

/** Creates the shipper, wired to say what the user must know while it runs. */
export function createShipper(setup: ShipperSetup, target: ShipTarget, send: SendFunction, deadLetter: DeadLetterFile, spool: SpoolDir | undefined, warn: Warn): Shipper {
  const { delivery } = setup;
  const spooled = spool !== undefined;
  let shipper: Shipper | undefined;
  const waiting = (): number => shipper?.stats().waiting ?? 0;
  const clock = setup.clock ?? systemClock;
  const stopped = (failure: ShipFailure): string =>
    failure.logId === target.logId
      ? `delivery stopped; undelivered lines, and every line still to come, go to ${deadLetter.path}`
      : `delivery to ${failure.logId} stopped; its entries go to ${deadLetter.path}, and the other logs' are still sent`;
  let removeFailed = false;
  shipper = new Shipper({
    ...target,
    clock,
    batchSize: delivery.batchSize,
    batchBytes: delivery.batchBytes,
    flushIntervalMs: delivery.flushIntervalMs,
    maxInFlight: setup.maxInFlight,
    send,
    spool,
    spoolMaxBytes: setup.spool?.maxBytes ?? Number.MAX_SAFE_INTEGER,
    whenFull: setup.spool?.whenFull ?? 'block',
    maxRetries: delivery.retry.maxRetries,
    backoff: delivery.backoff,
    deadLetter,
    events: {
      outageStarted: (since, failure) => {
        const what = failure ? describeFailure(failure) : `PutLogs: no answer for ${formatDuration(clock.now() - since)}`;
        const plan = spooled
          ? `retrying until it answers; lines wait in the spool ${spool.dir} (${waiting()} waiting)`
          : `retrying up to --max-retries ${delivery.retry.maxRetries} times`;
        warn(`delivery failing since ${clockTime(since)}: ${what.replace(/\.$/, '')}; ${plan}`);
      },
      outageEnded: (_since, durationMs) => warn(`delivery resumed after ${formatDuration(durationMs)} (${waiting()} entries still to send)`),
      refused: (failure, fatal) => {
        warn(describeFailure(failure));
        warn(fatal ? stopped(failure) : `those entries went to ${deadLetter.path}; going on with the rest`);
      },
      gaveUp: (failure) => {
        warn(describeFailure(failure));
        warn(stopped(failure));
      },
      spoolFull: (full, policy: WhenFull) => {
        if (!full) {
          warn('the spool has room again');
          return;
        }
        const act = policy === 'block' ? 'reading stdin is paused until it has room' : policy === 'drop-oldest' ? 'dropping the oldest lines (counted)' : 'dropping new lines (counted)';
        warn(`the spool ${spool?.dir ?? ''} is full (--spool-max-bytes); ${act}`);
      },
      memoryFull: (full, policy: WhenFull) => {
        if (!full) {
          warn('memory has room again for lines the spool cannot take');
          return;
        }
        const act = policy === 'block' ? 'reading stdin is paused until delivery makes room' : policy === 'drop-oldest' ? 'dropping the oldest lines held in memory (counted)' : 'dropping new lines (counted)';
        warn(`the spool cannot be written and memory holds all it may (--max-in-flight requests and one more) while the service is away; ${act}`);
      },
      removeFailed: (path, err) => {
        if (removeFailed) return;
        removeFailed = true;
        warn(`cannot remove the spool file ${path} (${errorText(err)}); its entries, already delivered or dead-lettered, stay in it, and the next run or 'oci-log flush' sends them again with the same ids`);
      },
      internalError: (err) => warn(`internal error while sending (${err.message}): a bug in oci-log, please report it; the entries concerned stay in the spool (or, without one, go to ${deadLetter.path})`),
      spoolReadFailed: (path, err, kept) =>
        warn(
          kept
            ? `cannot read the spool file ${path} back (${err.message}); its entries stay in the spool for the next run or 'oci-log flush'`
            : `cannot read back the entries of ${path} (${err.message}); they are lost`,
        ),
      handedOver: (path, records, takenBy) =>
        warn(
          takenBy === undefined
            ? `${records} entries are no longer in the spool file ${path}: another oci-log process took it over, judging this one gone (and may have delivered them already), or the file was deleted`
            : `${records} entries of the spool file ${path} were taken over by oci-log process ${takenBy}, which judged this one gone: that process delivers them, not this one`,
        ),
      deadLetterFailed: (err, records) => warn(`cannot write the dead-letter file ${deadLetter.path} (${err.message}); ${records} entries ${spooled ? 'stay in the spool' : 'are lost'}`),
    },
  });
  return shipper;
}

/** Why delivery ended with entries still waiting: the service did not answer through the grace period. */
export function stallMessage(result: ShipResult, shutdownMs: number): string {
  const last = result.lastFailure ? `; last: ${describeFailure(result.lastFailure)}` : '';
  return `no request succeeded for ${shutdownMs / 1000} s (--shutdown-timeout) after the input ended${last}`;
}

/** Says what was not delivered and where it is; returns the exit status (0, or 3 when anything is not in the log). */
export function reportResult(warn: Warn, result: ShipResult): number {
  let status: number = ExitCode.ok;
  if (result.skipped > 0) warn(`${result.skipped} torn or unreadable records in spool files of earlier runs were skipped`);
  if (result.lost > 0) {
    warn(`${result.lost} entries could not be kept anywhere (the dead-letter file ${result.deadLetterPath ?? ''} could not be written): they are lost`);
    status = ExitCode.undelivered;
  }
  if (result.dropped > 0) {
    warn(`${result.dropped} lines were dropped because the spool was full, or could not be written while the service was away (--when-full)`);
    status = ExitCode.undelivered;
  }
  if (result.deadLettered > 0) {
    warn(`${result.deadLettered} entries were not delivered; they are in ${result.deadLetterPath ?? '(no file)'}. Send them again with: oci-log replay ${result.deadLetterPath ?? ''}`);
    status = ExitCode.undelivered;
  }
  if (result.handedOver > 0) {
    warn(`${result.handedOver} entries were taken over from the spool by another oci-log process, which delivers them`);
    status = ExitCode.undelivered;
  }
  if (result.spooled > 0) {
    warn(`${result.spooled} entries wait in the spool ${result.spoolDir ?? ''}; the next oci-log run for this log, or 'oci-log flush', sends them`);
    status = ExitCode.undelivered;
  }
  return status;
}
