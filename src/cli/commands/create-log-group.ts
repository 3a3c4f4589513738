import { defineCommand } from '../define-command.js';
import { connectionOptions } from '../options/connection-options.js';
import { compartmentOption, createOptions } from '../options/manage-options.js';
import type { ParsedArgs } from '../define-command.js';
import type { OptionTable } from '../options/option-spec.js';

export const createLogGroupOptions = {
  'display-name': { type: 'string', required: true, arg: 'NAME', description: 'Name of the log group (unique in its compartment)' },
  ...compartmentOption,
  description: { type: 'string', description: 'Description of the log group' },
  ...createOptions,
  ...connectionOptions,
} as const satisfies OptionTable;

export type CreateLogGroupArgs = ParsedArgs<typeof createLogGroupOptions>;

export const createLogGroupCommand = defineCommand({
  command: 'create-log-group',
  describe: 'Create a log group; prints its OCID',
  options: createLogGroupOptions,
  examples: [['LG=$($0 create-log-group --display-name app-logs --if-not-exists)', 'create a group (or reuse it) in the tenancy']],
  // The work is loaded only when the command runs: --help and the other commands are spared its modules.
  handler: async (argv) => (await import('./create-log-group-run.js')).runCreateLogGroup(argv),
});
