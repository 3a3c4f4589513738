import { accessSync, appendFileSync, constants, renameSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../../errors.js';
import { DeadLetterFile } from '../../core/pipe/dead-letter.js';
import { readDeadLetterFile } from '../../core/pipe/dead-letter-reader.js';
import type { Shipper } from '../../core/pipe/shipper.js';
import { defineCommand } from '../define-command.js';
import { warn } from '../io.js';
import { connectionOptions } from '../options/connection-options.js';
import { deliveryOptions, logOcidOption, readDeliverySettings, readLogOcid } from '../options/pipe-options.js';
import { createShipper, openSender, startProgress } from '../shipping.js';
import { ExitCode } from '../../errors.js';

export const replayCommand = defineCommand({
  command: 'replay <file..>',
  describe: 'Send dead-letter files again, with their original ids and times',
  options: {
    'log-ocid': {
      type: 'string',
      alias: logOcidOption['log-ocid'].alias,
      group: 'target',
      arg: 'OCID',
      description: 'Send to this log instead of the one each entry was meant for',
    },
    ...deliveryOptions,
    ...connectionOptions,
  },
  examples: [
    ['$0 replay dead-letter/*.jsonl', 'deliver what earlier runs could not (their files are in ~/.local/state/oci-log/dead-letter); delivered files are removed'],
  ],
  configure: (y) => y.positional('file', { type: 'string', array: true, describe: 'Dead-letter files (JSON lines)' }),
  handler: async (argv) => {
    const { io } = argv;
    const files = ((argv as unknown as { file: string[] }).file ?? []).map((f) => resolve(f));
    for (const file of files) {
      try {
        accessSync(file, constants.R_OK | constants.W_OK);
      } catch (err) {
        throw new ConfigError(`cannot replay ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
      }
    }
    const override = readLogOcid(argv['log-ocid'], {}, false);
    const delivery = { ...readDeliverySettings(argv), deadLetter: undefined };
    const options = { io, connection: argv, delivery, quiet: argv.quiet, dryRun: false };
    const sender = await openSender(options);
    let failedFiles = 0;
    try {
      for (const file of files) {
        // Whatever is not delivered is rewritten here, then replaces the file.
        const rest = new DeadLetterFile(`${file}.replay-${process.pid}.tmp`);
        const shippers = new Map<string, Shipper>();
        let kept = 0;
        let stats = { accepted: 0, delivered: 0, deadLettered: 0, inFlight: 0, retries: 0, requests: 0 };
        const progress = await startProgress(io, argv.quiet, () => stats);
        for await (const { lineNo, parsed } of readDeadLetterFile(file)) {
          if (!parsed.ok) {
            warn(io, `${file}:${lineNo}: ${parsed.reason}; line kept in the file`);
            rest.close();
            appendFileSync(rest.path, parsed.line + '\n', { mode: 0o600 });
            kept += 1;
            continue;
          }
          const r = parsed.record;
          const logId = override ?? r.logId;
          let shipper = shippers.get(logId);
          if (!shipper) {
            shipper = createShipper(options, { logId, source: r.source, type: r.type, subject: r.subject }, sender.send, rest);
            shippers.set(logId, shipper);
          }
          const wait = shipper.add(r.data, r.id, Date.parse(r.time), { source: r.source, type: r.type, subject: r.subject });
          if (wait) await wait;
        }
        let delivered = 0;
        let undelivered = 0;
        for (const shipper of shippers.values()) {
          const result = await shipper.close();
          delivered += result.delivered;
          undelivered += result.deadLettered;
          stats = result;
        }
        rest.close();
        if (undelivered === 0 && kept === 0) {
          rmSync(file);
          rmSync(rest.path, { force: true });
          // Like every summary, shown on a terminal only.
          progress.stop(`oci-log: ${file}: ${delivered} entries delivered; file removed`);
        } else {
          progress.stop(undefined);
          renameSync(rest.path, file);
          failedFiles += 1;
          warn(io, `${file}: ${delivered} delivered, ${undelivered + kept} kept in the file`);
        }
      }
    } finally {
      sender.close();
    }
    io.exitCode = failedFiles > 0 ? ExitCode.undelivered : ExitCode.ok;
  },
});
