import { defineCommand } from '../define-command.js';
import { connectionOptions } from '../options/connection-options.js';
import { compartmentOption, createOptions, logGroupOptions } from '../options/manage-options.js';
import type { ParsedArgs } from '../define-command.js';
import type { OptionTable } from '../options/option-spec.js';

export const createLogOptions = {
  'display-name': { type: 'string', required: true, arg: 'NAME', description: 'Name of the log (unique in its group)' },
  ...logGroupOptions,
  ...compartmentOption,
  'retention-duration': {
    type: 'number',
    arg: 'DAYS',
    min: 30,
    max: 180,
    defaultText: "30, the service's",
    description: 'Days to keep entries, in steps of 30',
    details: 'Checked before any call.',
  },
  ...createOptions,
  ...connectionOptions,
} as const satisfies OptionTable;

export type CreateLogArgs = ParsedArgs<typeof createLogOptions>;

export const createLogCommand = defineCommand({
  command: 'create-log',
  describe: 'Create a custom log in a log group; prints its OCID',
  options: createLogOptions,
  examples: [['$0 create-log --log-group app --display-name db --retention-duration 90', 'a log kept 90 days, in a group found by name; prints its OCID']],
  // The work is loaded only when the command runs: --help and the other commands are spared its modules.
  handler: async (argv) => (await import('./create-log-run.js')).runCreateLog(argv),
});
