import { lineStatsParts } from '../core/lines/line-stats.js';
import type { LineStats } from '../core/lines/line-stats.js';
import { createTee } from '../core/pipe/tee.js';
import type { DeadLetterFile } from '../core/pipe/dead-letter.js';
import type { Shipper, ShipResult, ShipStats } from '../core/pipe/shipper.js';
import type { SpoolDir } from '../core/pipe/spool/spool-dir.js';
import * as shipping from '../shipping/shipping.js';
import type { Sender, ShipTarget } from '../shipping/shipping.js';
import type { DeliverySettings, SpoolSettings } from '../shipping/settings.js';
import type { CliIo } from './io.js';
import { warn } from './io.js';
import { readConnectionSettings } from './options/connection-options.js';
import type { ConnectionArgs } from './options/connection-options.js';
import { startSpinner } from './spinner.js';
import type { Spinner } from './spinner.js';

export { describeFailure, stallMessage } from '../shipping/shipping.js';

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
export async function openSender(options: ShippingOptions): Promise<Sender> {
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
  const warnings = options.quiet ? undefined : (m: string) => warn(io, `warning: ${m}`);
  return shipping.openPutLogs(readConnectionSettings(options.connection, io.env), options.delivery.requestTimeoutMs, options.maxInFlight, warnings);
}

/** The dead-letter file: --dead-letter must be writable (exit 2); the default one only warns. */
export function openDeadLetter(io: CliIo, path: string | undefined): DeadLetterFile {
  return shipping.openDeadLetter(path, io.env, (m) => warn(io, m), io.pid);
}

/** The spool: a named folder must be usable (exit 2); the default one falls back to memory with a warning. */
export function openSpool(io: CliIo, settings: SpoolSettings | undefined): SpoolDir | undefined {
  return shipping.openSpool(settings, (m) => warn(io, m));
}

/** Creates the shipper, and says on stderr what the user must know while it runs. */
export function createShipper(options: ShippingOptions, target: ShipTarget, send: Sender['send'], deadLetter: DeadLetterFile, spool: SpoolDir | undefined): Shipper {
  return shipping.createShipper({ ...options, clock: options.io.clock }, target, send, deadLetter, spool, (m) => warn(options.io, m));
}

/** Says on stderr what was not delivered and where it is; returns the exit status. */
export function reportResult(io: CliIo, result: ShipResult): number {
  return shipping.reportResult((m) => warn(io, m), result);
}

/** The spinner's line: read, sent, waiting, retries, rate; or how long the service has been away. */
export function progressLine(stats: ShipStats, startedAt: number, now = Date.now()): string {
  if (stats.outageSince !== undefined) {
    return `unreachable since ${shipping.clockTime(stats.outageSince)} (${shipping.formatDuration(now - stats.outageSince)}), ${stats.waiting} waiting, ${stats.delivered} sent`;
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
  if (result.handedOver > 0) parts.push(`${result.handedOver} taken over by another oci-log process`);
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

