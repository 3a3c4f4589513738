import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DeadLetterFile, defaultDeadLetterPath } from '../core/pipe/dead-letter.js';
import { Shipper } from '../core/pipe/shipper.js';
import { createTee } from '../core/pipe/tee.js';
import type { ShipFailure, ShipResult, ShipStats } from '../core/pipe/shipper.js';
import type { SendFunction } from '../core/pipe/send-result.js';
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
import { startSpinner } from './spinner.js';
import type { Spinner } from './spinner.js';

export interface ShippingOptions {
  io: CliIo;
  connection: ConnectionArgs;
  delivery: DeliverySettings;
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
        await out(Buffer.concat([body, newline]));
        return { ok: true, opcRequestId: undefined };
      },
      close: () => undefined,
    };
  }
  const settings = readConnectionSettings(options.connection, io.env);
  const credentials = await resolveCredentials(settings, options.quiet ? {} : { warn: (message) => warn(io, `warning: ${message}`) });
  const endpoint = await serviceEndpoint('ingestion', settings, credentials);
  const client = new PutLogsClient({ endpoint, credentials, timeoutMs: options.delivery.requestTimeoutMs });
  return { send: (logId, body) => client.send(logId, body), close: () => client.close() };
}

/**
 * The dead-letter file, checked before any line is read: it is made on first
 * use, so its nearest existing folder must be one oci-log can write in, or
 * undeliverable lines would have nowhere to go.
 */
export function openDeadLetter(io: CliIo, path: string | undefined): DeadLetterFile {
  const file = path === undefined ? defaultDeadLetterPath(io.env) : resolve(path);
  const flag = path === undefined ? 'the default dead-letter file' : '--dead-letter';
  const problem = unwritable(file);
  if (problem) throw new ConfigError(`${flag} ${file}: cannot write there: ${problem}`);
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

export function describeFailure(failure: ShipFailure): string {
  const { result } = failure;
  const retried = failure.retries > 0 ? ` after ${failure.retries} retries` : '';
  return serviceErrorMessage(result, `PutLogs to ${failure.logId}${retried}`);
}

/** Creates the shipper and says once on stderr when delivery fails for good. */
export function createShipper(
  options: ShippingOptions,
  target: { logId: string; source: string; type: string; subject: string | undefined },
  send: SendFunction,
  deadLetter: DeadLetterFile,
): Shipper {
  const { io } = options;
  return new Shipper({
    ...target,
    batchSize: options.delivery.batchSize,
    batchBytes: options.delivery.batchBytes,
    flushIntervalMs: options.delivery.flushIntervalMs,
    retry: options.delivery.retry,
    send,
    deadLetter,
    onGiveUp: (failure) => {
      warn(io, describeFailure(failure));
      warn(io, `delivery stopped; undelivered lines, and every line still to come, go to ${deadLetter.path}`);
    },
  });
}

/** The spinner's line: read, sent, in flight, retries, rate. */
export function progressLine(stats: ShipStats, startedAt: number): string {
  const seconds = Math.max((Date.now() - startedAt) / 1000, 0.001);
  const rate = Math.round(stats.delivered / seconds);
  const parts = [`${stats.accepted} read`, `${stats.delivered} sent`, `${stats.inFlight} in flight`];
  if (stats.retries > 0) parts.push(`${stats.retries} retries`);
  if (stats.deadLettered > 0) parts.push(`${stats.deadLettered} dead-lettered`);
  return `${parts.join(', ')} (${rate}/s)`;
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
      spinner.stop(final ?? `oci-log: ${progressLine(stats(), startedAt)}`);
    },
  };
}

/** Says what was not delivered and where it is; returns the exit status. */
export function reportResult(io: CliIo, result: ShipResult): number {
  if (result.lost > 0) {
    warn(io, `could not write the dead-letter file ${result.deadLetterPath ?? ''}: ${result.deadLetterError ?? 'unknown error'}; ${result.lost} entries are lost`);
  }
  if (result.deadLettered === 0) return result.lost > 0 ? ExitCode.undelivered : ExitCode.ok;
  warn(
    io,
    `${result.deadLettered} of ${result.accepted} entries were not delivered; they are in ${result.deadLetterPath ?? '(no file)'}. ` +
      `Send them again with: oci-log replay ${result.deadLetterPath ?? ''}`,
  );
  return ExitCode.undelivered;
}
