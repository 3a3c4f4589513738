import type { Options } from 'yargs';

/** The same heading send and exec use for --log-ocid, so a command's "which log" flags show together. */
const TARGET = 'Target:';

export const compartmentOption = {
  'compartment-id': { type: 'string', group: TARGET, describe: "Compartment OCID (default: the profile's tenancy)" },
} as const satisfies Record<string, Options>;

export const logGroupOptions = {
  'log-group-id': { type: 'string', group: TARGET, describe: 'Log group OCID' },
  'log-group': { type: 'string', group: TARGET, describe: 'Log group display name (looked up in --compartment-id, else in the whole tenancy)' },
} as const satisfies Record<string, Options>;

export const outputOption = (choices: readonly string[], dflt: string) =>
  ({
    output: { type: 'string', choices, default: dflt, describe: `Output format: ${choices.join(', ')}` },
  }) as const satisfies Record<string, Options>;
