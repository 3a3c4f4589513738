import type { OptionTable } from './option-spec.js';

export const compartmentOption = {
  'compartment-id': { type: 'string', group: 'target', arg: 'OCID', defaultText: "the profile's tenancy", description: 'Compartment OCID' },
} as const satisfies OptionTable;

export const logGroupOptions = {
  'log-group-id': { type: 'string', group: 'target', arg: 'OCID', description: 'Log group OCID' },
  'log-group': {
    type: 'string',
    group: 'target',
    arg: 'NAME',
    description: 'Log group display name, looked up in --compartment-id, else in the whole tenancy',
    details: 'A name found in two places is an error listing both (give --log-group-id or --compartment-id).',
  },
} as const satisfies OptionTable;

/** --output for the list commands: aligned columns or a JSON array. */
export const listOutputOption = {
  output: {
    type: 'string',
    choices: ['text', 'json'],
    default: 'text',
    description: 'Output format: aligned columns NAME, OCID, STATE, CREATED (text) or a JSON array (json)',
  },
} as const satisfies OptionTable;

/** The create commands' rules: reuse an existing resource, wait for the work request. */
export const createOptions = {
  'if-not-exists': {
    type: 'boolean',
    default: false,
    description: 'Print the OCID of an existing one of that name instead of failing',
    details: 'Without it a duplicate name is an error (exit 4) that names the existing OCID.',
  },
  wait: {
    type: 'boolean',
    default: true,
    description: 'Wait for the work request to succeed and print the new OCID; --no-wait prints the work request OCID instead',
  },
} as const satisfies OptionTable;
