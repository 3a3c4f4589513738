import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ExitCode } from '../../errors.js';
import { describeSpool } from '../../core/pipe/spool/spool-listing.js';
import type { SpoolLogSummary } from '../../core/pipe/spool/spool-listing.js';
import type { ShipResult } from '../../core/pipe/shipper.js';
import { formatTable } from '../../core/format/table.js';
import { warn } from '../io.js';
import type { CliIo } from '../io.js';
import { readDeliverySettings, readLogOcid } from '../options/pipe-options.js';
import { defaultSpoolDir, spoolOptions } from '../options/spool-options.js';
import { adoptLeftovers } from '../recovery.js';
import { resolveLogTarget } from '../log-target.js';
import { createShipper, stallMessage, openDeadLetter, openSender, openSpool, reportResult, startProgress, summaryLine } from '../shipping.js';
import { watchShutdown } from '../shutdown.js';
import type { FlushArgs } from './flush.js';

/** Per log, what went to the dead-letter file, and why (a log that refuses everything stops only its own delivery). */
function describeDeadLettered(io: CliIo, result: ShipResult): void {
  for (const log of result.logs) {
    if (log.deadLettered === 0) continue;
    const f = log.failure?.result;
    const code = f?.serviceCode !== undefined && f.serviceCode !== String(f.status) ? ` ${f.serviceCode}` : '';
    const why = f === undefined ? 'refused' : f.status === undefined ? 'no answer' : `answered ${f.status}${code}`;
    warn(io, `${log.logId}: ${log.deadLettered} entries dead-lettered (${why}), in ${result.deadLetterPath ?? ''}`);
  }
}

function describeLeft(io: CliIo, logs: readonly SpoolLogSummary[]): void {
  for (const log of logs) {
    const held = log.liveEntries > 0 ? ` (${log.liveEntries} of them held by running oci-log processes: ${log.livePids.join(', ')})` : '';
    warn(io, `${log.logId}: ${log.entries} entries remain in the spool${held}`);
  }
}

/** oci-log flush: the handler (see flush.ts for its options). */
export async function runFlush(argv: FlushArgs): Promise<void> {
  const { io } = argv;
  const dir = resolve(argv['spool-dir'] || io.env[spoolOptions['spool-dir'].env] || defaultSpoolDir(io.env));
  const logId = argv.log !== undefined ? await resolveLogTarget(argv, io, false) : readLogOcid(argv['log-ocid'], {}, false);
  if (!existsSync(dir)) {
    if (!argv.list) warn(io, `the spool ${dir} is empty`);
    return;
  }
  if (argv.list) {
    const logs = describeSpool(dir, logId);
    const rows = logs.map((l) => [l.logId, String(l.entries), String(l.bytes), l.oldest ?? '-', l.livePids.length > 0 ? l.livePids.join(',') : '-']);
    io.stdout.write(formatTable(['LOG', 'ENTRIES', 'BYTES', 'OLDEST', 'HELD-BY-PID'], rows));
    return;
  }
  const delivery = readDeliverySettings(argv);
  const shutdownMs = argv['shutdown-timeout'];
  const spoolSettings = { dir, explicit: true, maxBytes: Number.MAX_SAFE_INTEGER, whenFull: 'block' as const, sync: false };
  const options = { io, connection: argv, delivery, spool: spoolSettings, maxInFlight: argv['max-in-flight'], quiet: argv.quiet, dryRun: false };
  const sender = await openSender(options);
  const spool = openSpool(io, spoolSettings);
  if (!spool) return;
  const deadLetter = openDeadLetter(io, delivery.deadLetter);
  const shipper = createShipper(options, { logId: undefined, source: '', type: '', subject: undefined }, sender.send, deadLetter, spool);
  const shutdown = watchShutdown(io, shutdownMs, () => undefined);
  const stopAdopting = adoptLeftovers(io, spool, shipper, logId, true);
  stopAdopting();
  const progress = await startProgress(io, argv.quiet, () => shipper.stats());
  try {
    shutdown.attach(shipper);
    const result = await Promise.race([shipper.close(shutdown.closeOptions(true)), shutdown.aborted.then(() => shipper.abort())]);
    progress.stop(argv.quiet ? undefined : summaryLine(result));
    if (result.stoppedBy === 'stall') warn(io, stallMessage(result, shutdownMs));
    let status = reportResult(io, result);
    describeDeadLettered(io, result);
    const left = describeSpool(dir, logId);
    if (left.length > 0) {
      describeLeft(io, left);
      status = ExitCode.undelivered;
    } else if (status === ExitCode.ok && !argv.quiet) {
      warn(io, `the spool ${dir} is empty`);
    }
    io.exitCode = status;
  } finally {
    shutdown.dispose();
    sender.close();
  }
}

