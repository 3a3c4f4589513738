import { hostname } from 'node:os';
import { UsageError } from '../../errors.js';
import { formatDuration } from '../../core/duration.js';
import { childExitStatus, runChild } from '../../core/exec/run-child.js';
import type { ChildOutcome, StreamName } from '../../core/exec/run-child.js';
import { ENVELOPE_SUBJECT, endEntryData, outputLineData, spawnErrorMessage, startEntryData } from '../../core/exec/run-envelope.js';
import { EntryIdGenerator } from '../../core/pipe/entry-id.js';
import { MAX_ENTRY_CHARS } from '../../core/pipe/entry-pieces.js';
import { createLineFeeder } from '../../core/pipe/line-feeder.js';
import type { LineFeeder } from '../../core/pipe/line-feeder.js';
import { createTee } from '../../core/pipe/tee.js';
import { defineCommand } from '../define-command.js';
import { warn } from '../io.js';
import { connectionOptions } from '../options/connection-options.js';
import { defaultSource, deliveryOptions, entryOptions, logOcidOption, readDeliverySettings, readLogOcid } from '../options/pipe-options.js';
import { createShipper, openDeadLetter, openSender, reportResult } from '../shipping.js';

/** Room left in an entry for exec's JSON wrapper around a line piece. */
const EXEC_PIECE_CHARS = MAX_ENTRY_CHARS - 1000;

export const execCommand = defineCommand({
  command: 'exec',
  describe: 'Run a command and ship its stdout and stderr, with start and end entries (for cron)',
  options: {
    ...logOcidOption,
    source: entryOptions.source,
    type: { ...entryOptions.type, default: 'oci-log.exec' },
    ...deliveryOptions,
    timeout: {
      type: 'duration',
      unit: 's',
      min: '1ms',
      defaultText: 'none',
      description: 'End the command after this long: TERM to its process group, then KILL after --kill-after',
      details: 'The end entry says timedOut.',
    },
    'kill-after': {
      type: 'duration',
      unit: 's',
      default: '10s',
      min: '0s',
      description: 'After TERM (the timeout or a forwarded signal), KILL the command if it still runs this long later',
    },
    tee: {
      type: 'boolean',
      default: false,
      description: "Copy the command's stdout and stderr to oci-log's own, unchanged",
      details: "So cron's mail still works.",
    },
    'on-send-failure': {
      type: 'string',
      choices: ['fail', 'warn'],
      default: 'fail',
      description: "When lines could not be delivered: exit 3 (fail) or pass on the command's status with a warning (warn)",
    },
    ...connectionOptions,
  },
  examples: [
    ['$0 exec --log-ocid "$LOG" -- /usr/local/bin/backup --full', 'run a job, ship both streams, exit with its status'],
    ['$0 exec --log-ocid "$LOG" --timeout 2h --tee -- ./nightly.sh', 'end it after 2 hours; cron still mails the output'],
  ],
  usage: '$0 exec [options] -- COMMAND [ARGS...]',
  epilogue:
    'Each output line is an entry {"run","stream","line"} with subject stdout or stderr; a start entry ' +
    '{"run","event":"start",…} and an end entry {"run","event":"end","exitStatus",…} (subject "run") frame the run. ' +
    'Exit status: the command\'s own (128+N for signal N; 127 not found; 126 not executable), or 3 when lines were dead-lettered (--on-send-failure fail).',
  handler: async (argv) => {
    const { io } = argv;
    const words = (argv['--'] ?? argv._.slice(1)).map(String);
    if (argv._.length > 1 && argv['--'] !== undefined) throw new UsageError(`unexpected argument ${String(argv._[1])}: put the command after --`);
    const [command, ...args] = words;
    if (command === undefined || command === '') throw new UsageError('no command: oci-log exec [options] -- COMMAND [ARGS...]');
    const timeoutMs = argv.timeout;
    const killGraceMs = argv['kill-after'];
    const logId = readLogOcid(argv['log-ocid'], io.env, true);
    const delivery = readDeliverySettings(argv);
    const options = { io, connection: argv, delivery, quiet: argv.quiet, dryRun: false };
    const sender = await openSender(options);
    const deadLetter = openDeadLetter(io, delivery.deadLetter);
    const source = defaultSource(argv.source);
    const shipper = createShipper(options, { logId, source, type: argv.type, subject: ENVELOPE_SUBJECT }, sender.send, deadLetter);
    const ids = new EntryIdGenerator();
    const run = { run: ids.next(), command: words, host: hostname() };
    const envelope = (data: string): Promise<void> | undefined => shipper.add(data, ids.next(), Date.now(), { subject: ENVELOPE_SUBJECT });

    const feeders: Record<StreamName, LineFeeder> = {
      stdout: createLineFeeder({ shipper, ids, meta: { subject: 'stdout' }, wrap: (line) => outputLineData(run.run, 'stdout', line), maxPieceChars: EXEC_PIECE_CHARS }),
      stderr: createLineFeeder({ shipper, ids, meta: { subject: 'stderr' }, wrap: (line) => outputLineData(run.run, 'stderr', line), maxPieceChars: EXEC_PIECE_CHARS }),
    };
    const tees: Record<StreamName, (c: Buffer) => Promise<void> | undefined> = {
      stdout: createTee(argv.tee ? io.stdout : undefined),
      stderr: createTee(argv.tee ? io.stderr : undefined),
    };

    let outcome: ChildOutcome;
    try {
      let started = false;
      outcome = await runChild({
        command,
        args,
        env: io.env,
        stdin: 'inherit',
        timeoutMs,
        killGraceMs,
        signals: io.signals,
        onSpawn: (pid) => {
          started = true;
          void envelope(startEntryData(run, pid, new Date()));
        },
        onOutput: (stream, chunk) => {
          const waits = [tees[stream](chunk), feeders[stream].push(chunk)].filter((w): w is Promise<void> => w !== undefined);
          return waits.length === 0 ? undefined : Promise.all(waits).then(() => undefined);
        },
      });
      feeders.stdout.end();
      feeders.stderr.end();
      if (!started) {
        warn(io, `${command}: ${outcome.spawnError ? spawnErrorMessage(outcome.spawnError) : 'could not be started'}`);
        await envelope(startEntryData(run, undefined, outcome.startedAt, outcome.spawnError ? spawnErrorMessage(outcome.spawnError) : undefined));
      }
      if (outcome.timedOut) warn(io, `${command}: ended after --timeout ${formatDuration(timeoutMs ?? 0)} by ${outcome.signal ?? 'TERM'}`);
      // Everything the command printed is delivered (or dead-lettered) before the end entry says whether it all arrived.
      const sofar = await shipper.drain();
      const status = childExitStatus(outcome);
      await envelope(
        endEntryData(run, outcome, {
          exitStatus: status,
          lines: { stdout: feeders.stdout.lines, stderr: feeders.stderr.lines },
          delivered: sofar.deadLettered === 0,
          deadLetterFile: sofar.deadLettered === 0 ? undefined : deadLetter.path,
          endedAt: new Date(),
        }),
      );
      const result = await shipper.close();
      const delivery = reportResult(io, result);
      io.exitCode = delivery !== 0 && argv['on-send-failure'] === 'fail' ? delivery : status;
    } finally {
      sender.close();
    }
  },
});
