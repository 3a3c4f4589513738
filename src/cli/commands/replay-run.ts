import { accessSync, constants, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, ExitCode } from '../../errors.js';
import { DeadLetterFile } from '../../core/pipe/dead-letter.js';
import { readRecordFile } from '../../core/pipe/dead-letter-reader.js';
import { sumStats } from '../../core/pipe/shipper.js';
import type { Shipper } from '../../core/pipe/shipper.js';
import { warn } from '../io.js';
import { readDeliverySettings, readLogOcid } from '../options/pipe-options.js';
import { createShipper, openSender, startProgress } from '../shipping.js';
import { watchShutdown } from '../shutdown.js';
import { wireId } from '../../core/pipe/wire-format.js';
import type { ReplayArgs } from './replay.js';

/**
 * The files to replay: each argument as given, a folder as the `*.jsonl`
 * files directly in it (as the dead-letter folder holds them), in name order,
 * which is time order for the default dead-letter files.
 */
export function replayFiles(args: readonly string[]): string[] {
  return args.flatMap((arg) => {
    const path = resolve(arg);
    let isDir = false;
    try {
      isDir = statSync(path).isDirectory();
    } catch {
      return [path]; // reported below, with the others
    }
    if (!isDir) return [path];
    const found = readdirSync(path)
      .filter((name) => name.endsWith('.jsonl'))
      .sort()
      .map((name) => join(path, name))
      .filter((file) => statSync(file).isFile());
    if (found.length === 0) throw new ConfigError(`cannot replay ${path}: a folder with no .jsonl files in it`);
    return found;
  });
}

const NEWLINE = Buffer.from('\n');

function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // Not a file we made (something else has the name): left alone.
  }
}

/** oci-log replay: the handler (see replay.ts for its options). */
export async function runReplay(argv: ReplayArgs): Promise<void> {
  const { io } = argv;
  const files = replayFiles((argv as unknown as { file: string[] }).file ?? []);
  for (const file of files) {
    try {
      accessSync(file, constants.R_OK | constants.W_OK);
    } catch (err) {
      throw new ConfigError(`cannot replay ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
    }
  }
  const override = readLogOcid(argv['log-ocid'], {}, false);
  const delivery = { ...readDeliverySettings(argv), deadLetter: undefined };
  const shutdownMs = argv['shutdown-timeout'];
  // The file being replayed is the durable copy: no spool; what is not delivered is written back to it.
  const options = { io, connection: argv, delivery, spool: undefined, maxInFlight: argv['max-in-flight'], quiet: argv.quiet, dryRun: false };
  const sender = await openSender(options);
  let stopping = false;
  let unblock: () => void = () => undefined;
  const stopped = new Promise<void>((r) => (unblock = r));
  const shutdown = watchShutdown(io, shutdownMs, () => {
    stopping = true;
    unblock();
  });
  let failedFiles = 0;
  try {
    for (const file of files) {
      if (stopping) {
        // Interrupted before this file: left as it is.
        failedFiles += 1;
        continue;
      }
      // Whatever is not delivered is written here, then replaces the file: an interrupted replay leaves no temporary file.
      const rest = new DeadLetterFile(`${file}.replay-${io.pid}.tmp`);
      const shippers = new Map<string, Shipper>();
      let read = 0;
      let kept = 0;
      const progress = await startProgress(io, argv.quiet, () => sumStats(shippers.values()));
      const lines = readRecordFile(file);
      for await (const { lineNo, parsed, raw } of lines) {
        read += 1;
        if (stopping || !parsed.ok) {
          // Not read in time, or not a record: back into the file byte for byte, as it was.
          if (!stopping && !parsed.ok) warn(io, `${file}:${lineNo}: ${parsed.reason}; line kept in the file`);
          rest.append(Buffer.concat([raw, NEWLINE]), 1);
          kept += 1;
          continue;
        }
        const r = parsed.record;
        const logId = override ?? r.logId;
        let shipper = shippers.get(logId);
        if (!shipper) {
          shipper = createShipper(options, { logId, source: r.source, type: r.type, subject: r.subject }, sender.send, rest, undefined);
          shippers.set(logId, shipper);
        }
        shipper.add(r.data, wireId(r.id), Date.parse(r.time), { source: r.source, type: r.type, subject: r.subject });
        const wait = shipper.commit();
        if (wait) await Promise.race([wait, stopped]);
      }
      let delivered = 0;
      let writtenBack = kept;
      for (const shipper of shippers.values()) {
        shutdown.attach(shipper);
        const result = await Promise.race([shipper.close(shutdown.closeOptions(false)), shutdown.aborted.then(() => shipper.abort())]);
        delivered += result.delivered;
        writtenBack += result.deadLettered;
      }
      rest.close();
      if (read > 0 && delivered === 0 && writtenBack >= read) {
        // Nothing left the file: it stays exactly as it was (bytes, mode, time), not rewritten.
        removeQuietly(rest.path);
        progress.stop(undefined);
        failedFiles += 1;
        warn(io, `${file}: nothing delivered; the file is left as it was`);
      } else if (delivered + writtenBack < read) {
        // Some records are neither delivered nor in the rest: the file is their only copy.
        removeQuietly(rest.path);
        progress.stop(undefined);
        failedFiles += 1;
        warn(io, `${file}: left as it was: ${read - delivered - writtenBack} of its entries could not be written back to it; the ${delivered} delivered are sent again, with the same ids, by the next replay`);
      } else if (writtenBack === 0) {
        rmSync(file);
        rmSync(rest.path, { force: true });
        // Like every summary, shown on a terminal only.
        progress.stop(`oci-log: ${file}: ${delivered} entries delivered; file removed`);
      } else {
        progress.stop(undefined);
        renameSync(rest.path, file);
        failedFiles += 1;
        warn(io, `${file}: ${delivered} delivered, ${writtenBack} kept in the file`);
      }
    }
  } finally {
    shutdown.dispose();
    sender.close();
  }
  io.exitCode = failedFiles > 0 ? ExitCode.undelivered : ExitCode.ok;
}

