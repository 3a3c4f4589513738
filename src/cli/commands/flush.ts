import { defineCommand } from '../define-command.js';
import { connectionOptions } from '../options/connection-options.js';
import { deliveryOptions, logOcidOption, shutdownOption } from '../options/pipe-options.js';
import { inFlightOption, spoolOptions } from '../options/spool-options.js';
import { logCompartmentOption, logNameOption } from '../options/log-options.js';
import type { ParsedArgs } from '../define-command.js';
import type { OptionTable } from '../options/option-spec.js';

export const flushOptions = {
  'spool-dir': spoolOptions['spool-dir'],
  'log-ocid': {
    type: 'string',
    alias: logOcidOption['log-ocid'].alias,
    group: 'target',
    arg: 'OCID',
    description: 'Deliver (or list) only what waits for this log',
  },
  ...logNameOption,
  ...logCompartmentOption,
  list: {
    type: 'boolean',
    default: false,
    description: 'Show per log what waits: entries, bytes, the oldest time, and the pid of a running oci-log that holds some; send nothing',
  },
  ...deliveryOptions,
  ...shutdownOption,
  ...inFlightOption,
  ...connectionOptions,
} as const satisfies OptionTable;

export type FlushArgs = ParsedArgs<typeof flushOptions>;

export const flushCommand = defineCommand({
  command: 'flush',
  describe: 'Deliver what earlier oci-log runs left in the spool (all logs, or one), or --list it',
  options: flushOptions,
  examples: [
    ['$0 flush --list', 'what waits in the spool, per log'],
    ['$0 flush', 'deliver what processes that are gone left; exit 0 once the spool is empty'],
  ],
  // The work is loaded only when the command runs: --help and the other commands are spared its modules.
  handler: async (argv) => (await import('./flush-run.js')).runFlush(argv),
});
