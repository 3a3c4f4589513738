import { defineCommand } from '../define-command.js';
import { connectionOptions } from '../options/connection-options.js';
import { deliveryOptions, logOcidOption, shutdownOption } from '../options/pipe-options.js';
import { inFlightOption } from '../options/spool-options.js';
import type { ParsedArgs } from '../define-command.js';
import type { OptionTable } from '../options/option-spec.js';

export const replayOptions = {
  'log-ocid': {
    type: 'string',
    alias: logOcidOption['log-ocid'].alias,
    group: 'target',
    arg: 'OCID',
    description: 'Send to this log instead of the one each entry was meant for',
  },
  ...deliveryOptions,
  ...shutdownOption,
  ...inFlightOption,
  ...connectionOptions,
} as const satisfies OptionTable;

export type ReplayArgs = ParsedArgs<typeof replayOptions>;

export const replayCommand = defineCommand({
  command: 'replay <file..>',
  describe: 'Send dead-letter files again, with their original ids and times',
  options: replayOptions,
  examples: [
    ['$0 replay ~/.local/state/oci-log/dead-letter', 'every *.jsonl file of the folder'],
    ['$0 replay dead-letter/*.jsonl', 'deliver what earlier runs could not; a file fully delivered is removed'],
  ],
  configure: (y) => y.positional('file', { type: 'string', array: true, describe: 'Dead-letter files (JSON lines), or folders: their *.jsonl files' }),
  // The work is loaded only when the command runs: --help and the other commands are spared its modules.
  handler: async (argv) => (await import('./replay-run.js')).runReplay(argv),
});
