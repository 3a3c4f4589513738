import type { Options } from 'yargs';

export const compartmentOption = {
  'compartment-id': { type: 'string', describe: "Compartment OCID (default: the profile's tenancy)" },
} as const satisfies Record<string, Options>;

export const logGroupOptions = {
  'log-group-id': { type: 'string', describe: 'Log group OCID' },
  'log-group': { type: 'string', describe: 'Log group display name (looked up in the compartment)' },
} as const satisfies Record<string, Options>;

export const outputOption = (choices: readonly string[], dflt: string) =>
  ({
    output: { type: 'string', choices, default: dflt, describe: `Output format: ${choices.join(', ')}` },
  }) as const satisfies Record<string, Options>;
