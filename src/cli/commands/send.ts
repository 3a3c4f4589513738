import { UsageError } from '../../errors.js';
import { EntryIdGenerator } from '../../core/pipe/entry-id.js';
import { pipeLines } from '../../core/pipe/pipe-lines.js';
import type { ShipResult } from '../../core/pipe/shipper.js';
import { defineCommand } from '../define-command.js';
import { connectionOptions } from '../options/connection-options.js';
import {
  defaultSource,
  deliveryOptions,
  entryOptions,
  logOcidOption,
  readDeliverySettings,
  readLogOcid,
} from '../options/pipe-options.js';
import { warn } from '../io.js';
import { createShipper, openDeadLetter, openSender, reportResult, startProgress } from '../shipping.js';

export const sendCommand = defineCommand({
  command: ['send', '$0'],
  describe: 'Send stdin to a log, one entry per line (the default command)',
  options: {
    ...logOcidOption,
    ...entryOptions,
    ...deliveryOptions,
    'shutdown-timeout': {
      type: 'duration',
      unit: 's',
      group: 'delivery',
      default: '10s',
      min: '0s',
      max: '1h',
      description: 'After the first SIGINT or SIGTERM, time allowed to send what was read',
    },
    tee: {
      type: 'boolean',
      default: false,
      description: 'Copy stdin to stdout unchanged as well',
      details: 'A closed standard output (EPIPE) stops the copy, never the sending.',
    },
    'dry-run': { type: 'boolean', default: false, description: 'Print the PutLogs request bodies (JSON, one a line) on stdout instead of sending; needs no credentials' },
    ...connectionOptions,
  },
  examples: [
    ['myapp | $0 --log-ocid ocid1.log.oc1.iad.xxx', 'ship every line myapp prints'],
    ['myapp 2>&1 | $0 --tee --log-ocid "$LOG" --subject myapp | less', 'ship and still see the output'],
    ['$0 send --dry-run --log-ocid "$LOG" < app.log', 'show the requests without sending'],
  ],
  handler: async (argv) => {
    const { io } = argv;
    if (argv._.length > 0 && !(argv._.length === 1 && argv._[0] === 'send')) {
      throw new UsageError(`unexpected argument ${String(argv._[argv._[0] === 'send' ? 1 : 0])}: oci-log reads the lines to send from stdin`);
    }
    if (argv.tee && argv['dry-run']) throw new UsageError('--tee and --dry-run both write to stdout; use one');
    const logId = readLogOcid(argv['log-ocid'], io.env, true);
    const delivery = readDeliverySettings(argv);
    const shutdownMs = argv['shutdown-timeout'];
    const options = { io, connection: argv, delivery, quiet: argv.quiet, dryRun: argv['dry-run'] };
    // Credentials first: a broken setup fails before a single line is read.
    const sender = await openSender(options);
    const deadLetter = openDeadLetter(io, delivery.deadLetter);
    const shipper = createShipper(options, { logId, source: defaultSource(argv.source), type: argv.type, subject: argv.subject }, sender.send, deadLetter);
    if (io.stdin.isTTY === true && !argv.quiet) warn(io, 'reading lines to send from the terminal; end with Ctrl-D');
    const progress = await startProgress(io, argv.quiet || argv['dry-run'], () => shipper.stats());
    const pipe = pipeLines({ input: io.stdin, shipper, ids: new EntryIdGenerator(), tee: argv.tee ? io.stdout : undefined });

    let signals = 0;
    let forced: ((r: ShipResult) => void) | undefined;
    const aborted = new Promise<ShipResult>((resolve) => (forced = resolve));
    let shutdownTimer: NodeJS.Timeout | undefined;
    const onSignal = (): void => {
      signals += 1;
      if (signals === 1) {
        pipe.stop();
        shutdownTimer = setTimeout(() => {
          warn(io, `shutdown timeout (${shutdownMs / 1000} s) reached; writing what is left to the dead-letter file`);
          forced?.(shipper.abort());
        }, shutdownMs);
      } else {
        forced?.(shipper.abort());
      }
    };
    io.signals.on('SIGINT', onSignal);
    io.signals.on('SIGTERM', onSignal);
    try {
      const read = await pipe.done;
      // Stopped by a signal while the producer still writes: let go of stdin, or it may keep the process alive.
      if (read.stopped) io.stdin.destroy();
      if (read.error) warn(io, `reading stdin failed (${read.error.message}); sending what was read`);
      const result = await Promise.race([shipper.close(), aborted]);
      progress.stop(undefined);
      io.exitCode = reportResult(io, result);
    } finally {
      clearTimeout(shutdownTimer);
      io.signals.off('SIGINT', onSignal);
      io.signals.off('SIGTERM', onSignal);
      sender.close();
    }
  },
});
