import { UsageError } from '../../errors.js';
import { EntryIdGenerator } from '../../core/pipe/entry-id.js';
import { pipeLines } from '../../core/pipe/pipe-lines.js';
import { resolveLogTarget } from '../log-target.js';
import { defaultSource, readDeliverySettings } from '../options/pipe-options.js';
import { readLineOptions } from '../line-settings.js';
import { readSpoolSettings } from '../options/spool-options.js';
import { warn } from '../io.js';
import { adoptLeftovers } from '../recovery.js';
import { createShipper, stallMessage, openDeadLetter, openSender, openSpool, reportResult, startProgress, summaryLine } from '../shipping.js';
import { watchShutdown } from '../shutdown.js';
import type { SendArgs } from './send.js';

/** oci-log send: the handler (see send.ts for its options). */
export async function runSend(argv: SendArgs): Promise<void> {
  const { io } = argv;
  if (argv._.length > 0 && !(argv._.length === 1 && argv._[0] === 'send')) {
    throw new UsageError(`unexpected argument ${String(argv._[argv._[0] === 'send' ? 1 : 0])}: oci-log reads the lines to send from stdin`);
  }
  if (argv.tee && argv['dry-run']) throw new UsageError('--tee and --dry-run both write to stdout; use one');
  // Every flag is checked before the log is looked up (a network call, and with --create a change).
  const lines = readLineOptions(argv, io, argv.quiet);
  const delivery = readDeliverySettings(argv);
  const shutdownMs = argv['shutdown-timeout'];
  const spoolSettings = argv['dry-run'] ? undefined : readSpoolSettings(argv, io.env);
  const deadLetter = openDeadLetter(io, delivery.deadLetter);
  const logId = await resolveLogTarget(argv, io, true);
  const options = { io, connection: argv, delivery, spool: spoolSettings, maxInFlight: argv['max-in-flight'], quiet: argv.quiet, dryRun: argv['dry-run'] };
  // Credentials and the spool next: a broken setup fails before a single line is read.
  const sender = await openSender(options);
  const spool = openSpool(io, spoolSettings);
  const shipper = createShipper(options, { logId, source: defaultSource(argv.source), type: argv.type, subject: argv.subject }, sender.send, deadLetter, spool);
  const stopAdopting = spool ? adoptLeftovers(io, spool, shipper, logId, argv.quiet) : () => undefined;
  if (io.stdin.isTTY === true && !argv.quiet) warn(io, 'reading lines to send from the terminal; end with Ctrl-D');
  const progress = await startProgress(io, argv.quiet || argv['dry-run'], () => shipper.stats());
  const input = io.stdin;
  const pipe = pipeLines({ input, shipper, ids: new EntryIdGenerator(), tee: argv.tee ? io.stdout : undefined, lines, clock: io.clock });
  const shutdown = watchShutdown(io, shutdownMs, () => pipe.stop());
  try {
    const read = await pipe.done;
    // Stopped by a signal while the producer still writes: let go of stdin, or it may keep the process alive.
    if (read.stopped) input.destroy();
    if (read.error) warn(io, `reading stdin failed (${read.error.message}); sending what was read`);
    stopAdopting();
    shutdown.attach(shipper);
    const result = await Promise.race([shipper.close(shutdown.closeOptions(spool !== undefined)), shutdown.aborted.then(() => shipper.abort())]);
    progress.stop(argv.quiet || argv['dry-run'] ? undefined : summaryLine(result, lines?.stats));
    if (result.stoppedBy === 'deadline') warn(io, `shutdown timeout (${shutdownMs / 1000} s) reached`);
    if (result.stoppedBy === 'stall') warn(io, stallMessage(result, shutdownMs));
    io.exitCode = reportResult(io, result);
  } finally {
    stopAdopting();
    shutdown.dispose();
    sender.close();
  }
}

