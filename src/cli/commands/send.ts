import { UsageError } from '../../errors.js';
import { EntryIdGenerator } from '../../core/pipe/entry-id.js';
import { pipeLines } from '../../core/pipe/pipe-lines.js';
import { defineCommand } from '../define-command.js';
import { createOption, logCompartmentOption, logNameOption, resolveLogTarget } from '../log-target.js';
import { connectionOptions } from '../options/connection-options.js';
import {
  defaultSource,
  deliveryOptions,
  entryOptions,
  logOcidOption,
  readDeliverySettings,
  shutdownOption,
} from '../options/pipe-options.js';
import { lineOptions, readLineOptions } from '../options/line-options.js';
import { inFlightOption, readSpoolSettings, spoolOptions } from '../options/spool-options.js';
import { warn } from '../io.js';
import { adoptLeftovers } from '../recovery.js';
import { createShipper, stallMessage, openDeadLetter, openSender, openSpool, reportResult, startProgress, summaryLine } from '../shipping.js';
import { watchShutdown } from '../shutdown.js';

export const sendCommand = defineCommand({
  command: ['send', '$0'],
  describe: 'Send stdin to a log, one entry per line (the default command)',
  options: {
    ...logOcidOption,
    ...logNameOption,
    ...createOption,
    ...logCompartmentOption,
    ...entryOptions,
    ...lineOptions,
    ...deliveryOptions,
    ...shutdownOption,
    ...inFlightOption,
    ...spoolOptions,
    tee: {
      type: 'boolean',
      default: false,
      description: 'Copy stdin to stdout unchanged as well',
      details: 'A closed standard output (EPIPE) stops the copy, never the sending.',
    },
    'dry-run': {
      type: 'boolean',
      default: false,
      description: 'Print the PutLogs request bodies (JSON, one a line) on stdout instead of sending; needs no credentials, uses no spool',
    },
    ...connectionOptions,
  },
  examples: [
    ['myapp | $0 --log-ocid ocid1.log.oc1.iad.xxx', 'ship every line myapp prints'],
    ['myapp 2>&1 | $0 --tee --log-ocid "$LOG" --subject myapp | less', 'ship and still see the output'],
    ['$0 send --dry-run --log-ocid "$LOG" < app.log', 'show the requests without sending'],
    ['myapp | $0 --log app/web --create', 'ship to log web of group app, made on first use'],
    ['java -jar app.jar 2>&1 | $0 --multiline java --redact secrets --log-ocid "$LOG"', 'a stack trace is one entry; tokens and passwords never leave'],
    ['$0 --time-key time --subject-key level --log-ocid "$LOG" < old.jsonl', 'replay JSON lines with their own times'],
  ],
  handler: async (argv) => {
    const { io } = argv;
    if (argv._.length > 0 && !(argv._.length === 1 && argv._[0] === 'send')) {
      throw new UsageError(`unexpected argument ${String(argv._[argv._[0] === 'send' ? 1 : 0])}: oci-log reads the lines to send from stdin`);
    }
    if (argv.tee && argv['dry-run']) throw new UsageError('--tee and --dry-run both write to stdout; use one');
    const lines = readLineOptions(argv, io, argv.quiet);
    const logId = await resolveLogTarget(argv, io, true);
    const delivery = readDeliverySettings(argv);
    const shutdownMs = argv['shutdown-timeout'];
    const spoolSettings = argv['dry-run'] ? undefined : readSpoolSettings(argv, io.env);
    const options = { io, connection: argv, delivery, spool: spoolSettings, maxInFlight: argv['max-in-flight'], quiet: argv.quiet, dryRun: argv['dry-run'] };
    // Credentials, the spool and the dead-letter file first: a broken setup fails before a single line is read.
    const sender = await openSender(options);
    const spool = openSpool(io, spoolSettings);
    const deadLetter = openDeadLetter(io, delivery.deadLetter);
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
  },
});
