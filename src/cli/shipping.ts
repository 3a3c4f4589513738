import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { lineStatsParts } from '../core/lines/line-stats.js';
import type { LineStats } from '../core/lines/line-stats.js';
import { DeadLetterFile, defaultDeadLetterPath } from '../core/pipe/dead-letter.js';
import { Shipper } from '../core/pipe/shipper.js';
import { createTee } from '../core/pipe/tee.js';
import type { ShipFailure, ShipResult, ShipStats, WhenFull } from '../core/pipe/shipper.js';
import type { SendFunction } from '../core/pipe/send-result.js';
import { SpoolDir } from '../core/pipe/spool/spool-dir.js';
import type { WriteErrorReporter } from '../core/pipe/spool/segment.js';
import { ConfigError, ExitCode } from '../errors.js';
import { resolveCredentials } from '../oci/credentials.js';
import { PutLogsClient } from '../oci/put-logs-client.js';
import { serviceEndpoint } from '../oci/service-endpoints.js';
import { serviceErrorMessage } from '../oci/service-error.js';
import type { CliIo } from './io.js';
import { warn } from './io.js';
import { readConnectionSettings } from './options/connection-options.js';
import type { ConnectionArgs } from './options/connection-options.js';
import type { DeliverySettings } from './options/pipe-options.js';
import type { SpoolSettings } from './options/spool-options.js';
import { startSpinner } from './spinner.js';
import type { Spinner } from './spinner.js';

export interface ShippingOptions {
  io: CliIo;
  connection: ConnectionArgs;
  delivery: DeliverySettings;
  /** Memory only when undefined (replay: the file it reads is the durable copy). */
  spool: SpoolSettings | undefined;
  /** PutLogs requests at once (--max-in-flight). */
  maxInFlight: number;
  quiet: boolean;
  /** Print request bodies on stdout instead of sending (no credentials needed). */
  dryRun: boolean;
}

/** Turns credentials and flags into a send function: PutLogs over HTTP, or stdout for --dry-run. */
export async function openSender(options: ShippingOptions): Promise<{ send: SendFunction; close(): void }> {
  const { io } = options;
  if (options.dryRun) {
    // Through a tee: a slow reader slows the input down, a closed one (EPIPE) is ignored.
    const out = createTee(io.stdout);
    const newline = Buffer.from('\n');
    return {
      send: async (_logId, body) => {
        // One request a line: the body's own line breaks (between entries, where JSON allows space) become spaces.
        const line = Buffer.concat([body, newline]);
        for (let at = line.indexOf(0x0a); at !== -1 && at < line.length - 1; at = line.indexOf(0x0a, at + 1)) line[at] = 0x20;
        await out(line);
        return { ok: true, opcRequestId: undefined };
      },
      close: () => undefined,
    };
  }
  const settings = readConnectionSettings(options.connection, io.env);
  const credentials = await resolveCredentials(settings);
  const endpoint = await serviceEndpoint('ingestion', settings, credentials);
  const client = new PutLogsClient({ endpoint, credentials, timeoutMs: options.delivery.requestTimeoutMs, maxSockets: options.maxInFlight });
  return { send: (logId, body, signal) => client.send(logId, body, signal), close: () => client.close() };
}

/**
 * The dead-letter file. One named with --dead-letter is checked before any
 * line is read (exit 2 when oci-log could not write there); the default one
 * only warns, because a default location must never stop the pipe.
 */
export function openDeadLetter(io: CliIo, path: string | undefined): DeadLetterFile {
  const file = path === undefined ? defaultDeadLetterPath(io.env) : resolve(path);
  const problem = unwritable(file);
  if (problem) {
    if (path !== undefined) throw new ConfigError(`--dead-letter ${file}: cannot write there: ${problem}`);
    warn(io, `the default dead-letter file ${file} cannot be written (${problem}); lines the service refuses would be lost (give --dead-letter FILE)`);
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

/** Says once per episode that the spool cannot be written, and when it can again. */
function spoolWriteReporter(io: CliIo): WriteErrorReporter {
  let failing = false;
  return {
    failed: (path, err) => {
      if (failing) return;
      failing = true;
      warn(io, `cannot write the spool (${path}: ${err.code ?? ''} ${err.message}); lines are held in memory until delivered, and a crash now would lose them`);
    },
    recovered: () => {
      if (!failing) return;
      failing = false;
      warn(io, 'writing the spool again');
    },
  };
}

/**
 * Opens the spool folder and takes this process's lock in it. A folder named
 * by --spool-dir or OCI_LOG_SPOOL_DIR must be usable (exit 2 before any line
 * is read); the default one falls back to memory only, with one warning.
 */
export function openSpool(io: CliIo, settings: SpoolSettings | undefined): SpoolDir | undefined {
  if (settings?.dir === undefined) return undefined;
  const dir = resolve(settings.dir);
  try {
    const spool = SpoolDir.open(dir, { sync: settings.sync, reporter: spoolWriteReporter(io) });
    return spool;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = `${e.code ?? ''} ${e.message}`.trim();
    if (settings.explicit) throw new ConfigError(`--spool-dir ${dir}: cannot use it as a spool: ${why}`, { cause: err });
    warn(io, `the default spool folder ${dir} cannot be used (${why}); going on with memory only (lines read are lost if oci-log is killed; set --spool-dir or OCI_LOG_SPOOL_DIR)`);
    return undefined;
  }
}

export function describeFailure(failure: ShipFailure): string {
  const { result } = failure;
  const retried = failure.attempts > 1 ? ` after ${failure.attempts} attempts` : '';
  return serviceErrorMessage(result, `PutLogs to ${failure.logId}${retried}`);
}

function clockTime(ms: number): string {
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

/** Creates the shipper, and says on stderr what the user must know while it runs. */
export function createShipper(
  options: ShippingOptions,
  target: ShipTarget,
  send: SendFunction,
  deadLetter: DeadLetterFile,
  spool: SpoolDir | undefined,
): Shipper {
  const { io, delivery } = options;
  const spooled = spool !== undefined;
  let shipper: Shipper | undefined;
  const waiting = (): number => shipper?.stats().waiting ?? 0;
  shipper = new Shipper({
    ...target,
    batchSize: delivery.batchSize,
    batchBytes: delivery.batchBytes,
    flushIntervalMs: delivery.flushIntervalMs,
    maxInFlight: options.maxInFlight,
    send,
    spool,
    spoolMaxBytes: options.spool?.maxBytes ?? Number.MAX_SAFE_INTEGER,
    whenFull: options.spool?.whenFull ?? 'block',
    maxRetries: delivery.retry.maxRetries,
    backoff: delivery.backoff,
    deadLetter,
    events: {
      outageStarted: (since, failure) => {
        const what = failure ? describeFailure(failure) : `PutLogs: no answer for ${formatDuration(Date.now() - since)}`;
        const plan = spooled
          ? `retrying until it answers; lines wait in the spool ${spool.dir} (${waiting()} waiting)`
          : `retrying up to --max-retries ${delivery.retry.maxRetries} times`;
        warn(io, `delivery failing since ${clockTime(since)}: ${what}; ${plan}`);
      },
      outageEnded: (_since, durationMs) => warn(io, `delivery resumed after ${formatDuration(durationMs)} (${waiting()} entries still to send)`),
      refused: (failure, fatal) => {
        warn(io, describeFailure(failure));
        if (fatal) warn(io, `delivery stopped; undelivered lines, and every line still to come, go to ${deadLetter.path}`);
        else warn(io, `those entries went to ${deadLetter.path}; going on with the rest`);
      },
      gaveUp: (failure) => {
        warn(io, describeFailure(failure));
        warn(io, `delivery stopped; undelivered lines, and every line still to come, go to ${deadLetter.path}`);
      },
      spoolFull: (full, policy: WhenFull) => {
        if (!full) {
          warn(io, 'the spool has room again');
          return;
        }
        const act = policy === 'block' ? 'reading stdin is paused until it has room' : policy === 'drop-oldest' ? 'dropping the oldest lines (counted)' : 'dropping new lines (counted)';
        warn(io, `the spool ${spool?.dir ?? ''} is full (--spool-max-bytes); ${act}`);
      },
      spoolReadFailed: (path, err) => warn(io, `cannot read the spool file ${path} back (${err.message}); its entries are lost`),
      deadLetterFailed: (err, records) =>
        warn(io, `cannot write the dead-letter file ${deadLetter.path} (${err.message}); ${records} entries ${spooled ? 'stay in the spool' : 'are lost'}`),
    },
  });
  return shipper;
}

/** The spinner's line: read, sent, waiting, retries, rate; or how long the service has been away. */
export function progressLine(stats: ShipStats, startedAt: number, now = Date.now()): string {
  if (stats.outageSince !== undefined) {
    return `unreachable since ${clockTime(stats.outageSince)} (${formatDuration(now - stats.outageSince)}), ${stats.waiting} waiting, ${stats.delivered} sent`;
  }
  const seconds = Math.max((now - startedAt) / 1000, 0.001);
  const rate = Math.round(stats.delivered / seconds);
  const parts = [`${stats.accepted} read`, `${stats.delivered} sent`];
  if (stats.waiting > 0) parts.push(`${stats.waiting} waiting`);
  if (stats.retries > 0) parts.push(`${stats.retries} retries`);
  if (stats.deadLettered > 0) parts.push(`${stats.deadLettered} dead-lettered`);
  return `${parts.join(', ')} (${rate}/s)`;
}

/** The summary after the end: what happened to every entry, and to lines on their way (shown on a terminal). */
export function summaryLine(result: ShipResult, lines?: LineStats): string {
  const parts = [`${result.accepted} read`, `${result.delivered} sent`];
  if (result.recovered > 0) parts.push(`${result.recovered} recovered from earlier runs`);
  if (result.retries > 0) parts.push(`${result.retries} retries`);
  if (result.deadLettered > 0) parts.push(`${result.deadLettered} dead-lettered`);
  if (result.dropped > 0) parts.push(`${result.dropped} dropped`);
  if (result.spooled > 0) parts.push(`${result.spooled} left in the spool`);
  if (lines !== undefined) parts.push(...lineStatsParts(lines));
  return `oci-log: ${parts.join(', ')}`;
}

export async function startProgress(io: CliIo, quiet: boolean, stats: () => ShipStats): Promise<{ spinner: Spinner; stop(final: string | undefined): void }> {
  const startedAt = Date.now();
  const spinner = await startSpinner(io, 'starting', quiet);
  const timer = setInterval(() => spinner.update(progressLine(stats(), startedAt)), 200);
  timer.unref();
  return {
    spinner,
    stop: (final) => {
      clearInterval(timer);
      spinner.stop(final);
    },
  };
}

/** Why delivery ended with entries still waiting: the service did not answer through the grace period. */
export function stallMessage(result: ShipResult, shutdownMs: number): string {
  const last = result.lastFailure ? `; last: ${describeFailure(result.lastFailure)}` : '';
  return `no request succeeded for ${shutdownMs / 1000} s (--shutdown-timeout) after the input ended${last}`;
}

/** Says what was not delivered and where it is; returns the exit status. */
export function reportResult(io: CliIo, result: ShipResult): number {
  let status: number = ExitCode.ok;
  if (result.skipped > 0) warn(io, `${result.skipped} torn or unreadable records in spool files of earlier runs were skipped`);
  if (result.lost > 0) {
    warn(io, `${result.lost} entries could not be kept anywhere (the dead-letter file ${result.deadLetterPath ?? ''} could not be written): they are lost`);
    status = ExitCode.undelivered;
  }
  if (result.dropped > 0) {
    warn(io, `${result.dropped} lines were dropped because the spool was full (--when-full)`);
    status = ExitCode.undelivered;
  }
  if (result.deadLettered > 0) {
    warn(
      io,
      `${result.deadLettered} entries were not delivered; they are in ${result.deadLetterPath ?? '(no file)'}. ` +
        `Send them again with: oci-log replay ${result.deadLetterPath ?? ''}`,
    );
    status = ExitCode.undelivered;
  }
  if (result.spooled > 0) {
    warn(io, `${result.spooled} entries wait in the spool ${result.spoolDir ?? ''}; the next oci-log run for this log, or 'oci-log flush', sends them`);
    status = ExitCode.undelivered;
  }
  return status;
}
