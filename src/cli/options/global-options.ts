import type { Options } from 'yargs';

/** Options every command accepts. */
export const globalOptions = {
  debug: {
    type: 'boolean',
    default: false,
    describe: "Print stack traces with errors, and the OCI SDK's own messages, on stderr",
    global: true,
  },
  quiet: {
    type: 'boolean',
    alias: 'q',
    default: false,
    describe: 'Print nothing on stderr but errors (no spinner, warnings or summary)',
    global: true,
  },
} as const satisfies Record<string, Options>;

export interface GlobalOptions {
  debug: boolean;
  quiet: boolean;
}
