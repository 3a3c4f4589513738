import type { OptionTable, OptionValues } from './option-spec.js';

/** Options every command accepts. */
export const globalOptions = {
  debug: {
    type: 'boolean',
    default: false,
    group: 'global',
    description: "Print stack traces with errors, and the OCI SDK's own messages, on stderr",
  },
  quiet: {
    type: 'boolean',
    alias: 'q',
    default: false,
    group: 'global',
    description: 'Print nothing on stderr but errors: no spinner, warnings or summary',
  },
} as const satisfies OptionTable;

/** yargs' own --help and --version, described here so that help and the docs list them with the rest. */
export const builtinOptions = {
  help: { type: 'boolean', alias: 'h', group: 'global', description: 'Show the usage of oci-log, or of one command, and exit' },
  version: { type: 'boolean', group: 'global', description: 'Show the version and exit' },
} as const satisfies OptionTable;

export type GlobalOptions = OptionValues<typeof globalOptions>;
