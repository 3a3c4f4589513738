import { hostname } from 'node:os';
import { UsageError } from '../../errors.js';
import { formatDuration } from '../../core/duration.js';
import { childExitStatus, runChild } from '../../core/exec/run-child.js';
import type { StreamName } from '../../core/exec/run-child.js';
import { ENVELOPE_SUBJECT, endEntryData, outputLineData, spawnErrorMessage, startEntryData } from '../../core/exec/run-envelope.js';
import { Redactor } from '../../core/lines/redact.js';
import { EntryIdGenerator } from '../../core/pipe/entry-id.js';
import { MAX_ENTRY_CHARS } from '../../core/pipe/entry-pieces.js';
import { createLineFeeder } from '../../core/pipe/line-feeder.js';
import type { LineFeeder } from '../../core/pipe/line-feeder.js';
import { createTee } from '../../core/pipe/tee.js';
import { warn } from '../io.js';
import { defaultSource, readDeliverySettings } from '../options/pipe-options.js';
import { readLineOptions } from '../line-settings.js';
import { resolveLogTarget } from '../log-target.js';
import { readSpoolSettings } from '../options/spool-options.js';
import { adoptLeftovers } from '../recovery.js';
import { createShipper, stallMessage, openDeadLetter, openSender, openSpool, reportResult, startProgress, summaryLine } from '../shipping.js';
import { watchShutdown } from '../shutdown.js';
import type { ExecArgs } from './exec.js';

/** Room left in an entry for exec's JSON wrapper around a line piece. */
const EXEC_PIECE_CHARS = MAX_ENTRY_CHARS - 1000;

/** oci-log exec: the handler (see exec.ts for its options). */
export async function runExec(argv: ExecArgs): Promise<void> {
  const { io } = argv;
  const words = (argv['--'] ?? argv._.slice(1)).map(String);
  if (argv._.length > 1 && argv['--'] !== undefined) throw new UsageError(`unexpected argument ${String(argv._[1])}: put the command after --`);
  const [command, ...args] = words;
  if (command === undefined || command === '') throw new UsageError('no command: oci-log exec [options] -- COMMAND [ARGS...]');
  const timeoutMs = argv.timeout;
  const killGraceMs = argv['kill-after'];
  // Every flag is checked before the log is looked up (a network call, and with --create a change).
  const lines = readLineOptions(argv, io, argv.quiet);
  const delivery = readDeliverySettings(argv);
  const shutdownMs = argv['shutdown-timeout'];
  const spoolSettings = readSpoolSettings(argv, io.env);
  const deadLetter = openDeadLetter(io, delivery.deadLetter);
  const logId = await resolveLogTarget(argv, io, true);
  const options = { io, connection: argv, delivery, spool: spoolSettings, maxInFlight: argv['max-in-flight'], quiet: argv.quiet, dryRun: false };
  const sender = await openSender(options);
  const spool = openSpool(io, spoolSettings);
  const source = defaultSource(argv.source);
  const shipper = createShipper(options, { logId, source, type: argv.type, subject: ENVELOPE_SUBJECT }, sender.send, deadLetter, spool);
  const stopAdopting = spool ? adoptLeftovers(io, spool, shipper, logId, argv.quiet) : () => undefined;
  // Listening from the start: a signal that comes after the command has exited, while delivery goes on, must meet the shutdown lifecycle, not Node's default handler.
  // After a signal the command's last output is read without waiting on delivery, so the grace period can begin.
  let unblock: () => void = () => undefined;
  const signalled = new Promise<void>((r) => (unblock = r));
  const shutdown = watchShutdown(io, shutdownMs, () => unblock());
  const progress = await startProgress(io, argv.quiet || argv.tee, () => shipper.stats());
  const ids = new EntryIdGenerator();
  const run = { run: ids.next(), command: words, host: hostname() };
  const redactor = lines?.redaction === undefined ? undefined : new Redactor(lines.redaction, lines.stats);
  const envelope = (data: string): Promise<void> | undefined => {
    shipper.add(redactor === undefined ? data : redactor.text(data), ids.next(), Date.now(), { subject: ENVELOPE_SUBJECT });
    return shipper.commit();
  };

  // Each stream has a feeder of its own: a traceback on stderr is grouped apart from what stdout prints meanwhile.
  const feeder = (stream: StreamName): LineFeeder =>
    createLineFeeder({ shipper, ids, meta: { subject: stream }, wrap: (line) => outputLineData(run.run, stream, line), maxPieceChars: EXEC_PIECE_CHARS, lines, clock: io.clock });
  const feeders: Record<StreamName, LineFeeder> = { stdout: feeder('stdout'), stderr: feeder('stderr') };
  const tees: Record<StreamName, (c: Buffer) => Promise<void> | undefined> = {
    stdout: createTee(argv.tee ? io.stdout : undefined),
    stderr: createTee(argv.tee ? io.stderr : undefined),
  };

  try {
    let started = false;
    const outcome = await runChild({
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
        // Into the spool first, then the copy: what --tee shows has been read for good.
        const waits = [feeders[stream].push(chunk), tees[stream](chunk)].filter((w): w is Promise<void> => w !== undefined);
        return waits.length === 0 ? undefined : Promise.race([Promise.all(waits).then(() => undefined), signalled]);
      },
    });
    feeders.stdout.end();
    feeders.stderr.end();
    stopAdopting();
    if (!started) {
      warn(io, `${command}: ${outcome.spawnError ? spawnErrorMessage(outcome.spawnError) : 'could not be started'}`);
      void envelope(startEntryData(run, undefined, outcome.startedAt, outcome.spawnError ? spawnErrorMessage(outcome.spawnError) : undefined));
    }
    if (outcome.timedOut) warn(io, `${command}: ended after --timeout ${formatDuration(timeoutMs ?? 0)} by ${outcome.signal ?? 'TERM'}`);
    if (outcome.outputCutOff) warn(io, `${command}: processes it left behind still held its output ${formatDuration(killGraceMs)} after it exited; they were killed and their output cut off`);
    // Everything the command printed is delivered (or dead-lettered, or left in the spool) before the end entry says whether it all arrived.
    shutdown.attach(shipper);
    const spooled = spool !== undefined;
    const aborted = shutdown.aborted.then(() => undefined);
    const sofar = await Promise.race([shipper.settle(shutdown.closeOptions(spooled)), aborted]);
    const status = childExitStatus(outcome);
    void envelope(
      endEntryData(run, outcome, {
        exitStatus: status,
        lines: { stdout: feeders.stdout.lines, stderr: feeders.stderr.lines },
        delivered: sofar !== undefined && sofar.deadLettered === 0 && sofar.waiting === 0,
        deadLetterFile: sofar !== undefined && sofar.deadLettered === 0 ? undefined : deadLetter.path,
        spooled: sofar?.waiting ?? 0,
        endedAt: new Date(),
      }),
    );
    // When the service stayed away through the grace period, the end entry joins the rest in the spool at once.
    const closeOptions = sofar === undefined || sofar.waiting > 0 ? { deadlineAt: 0 } : shutdown.closeOptions(spooled);
    const result = await Promise.race([shipper.close(closeOptions), shutdown.aborted.then(() => shipper.abort())]);
    progress.stop(argv.quiet || argv.tee ? undefined : summaryLine(result, lines?.stats));
    if (result.stoppedBy === 'stall' || (result.spooled > 0 && result.stoppedBy === 'deadline' && shutdown.signalledAt === undefined)) warn(io, stallMessage(result, shutdownMs));
    if (result.stoppedBy === 'deadline' && shutdown.signalledAt !== undefined) warn(io, `shutdown timeout (${shutdownMs / 1000} s) reached`);
    const delivered = reportResult(io, result);
    io.exitCode = delivered !== 0 && argv['on-send-failure'] === 'fail' ? delivered : status;
  } finally {
    stopAdopting();
    shutdown.dispose();
    sender.close();
  }
}

