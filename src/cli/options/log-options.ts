import type { OptionTable } from './option-spec.js';

/** --log GROUP/LOG: send, exec, query and flush. */
export const logNameOption = {
  log: {
    type: 'string',
    group: 'target',
    arg: 'GROUP/LOG',
    description: 'The log by the display names of its group and itself, instead of --log-ocid',
    details:
      'The group is looked up in --compartment-id, else in the tenancy and all its sub-compartments; a group name found in two places is an error listing both. ' +
      'Where a name was found is cached in ${XDG_CACHE_HOME:-~/.cache}/oci-log/names.json and checked with the service before each use: a log deleted, renamed or moved is looked up again.',
  },
} as const satisfies OptionTable;

/** --compartment-id for the commands that take it only for --log (send, exec, flush). */
export const logCompartmentOption = {
  'compartment-id': {
    type: 'string',
    group: 'target',
    arg: 'OCID',
    defaultText: "the profile's tenancy and its sub-compartments",
    description: 'With --log: the compartment the log group is looked up in (and made in, with --create)',
  },
} as const satisfies OptionTable;

/** --create: send and exec. */
export const createOption = {
  create: {
    type: 'boolean',
    group: 'target',
    default: false,
    description: 'With --log: make the log group (in --compartment-id, else the tenancy) and the log when they do not exist',
    details: 'Safe to repeat and to race: an existing group or log is used, never made twice.',
  },
} as const satisfies OptionTable;
