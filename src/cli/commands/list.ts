import { defineCommand } from '../define-command.js';
import type { ParsedArgs } from '../define-command.js';
import { connectionOptions } from '../options/connection-options.js';
import { compartmentOption, listOutputOption, logGroupOptions } from '../options/manage-options.js';
import type { OptionTable } from '../options/option-spec.js';

export const listLogGroupsOptions = {
  ...compartmentOption,
  'all-compartments': { type: 'boolean', default: false, description: 'Include the sub-compartments of the compartment' },
  ...listOutputOption,
  ...connectionOptions,
} as const satisfies OptionTable;

export type ListLogGroupsArgs = ParsedArgs<typeof listLogGroupsOptions>;

export const listLogsOptions = {
  ...logGroupOptions,
  ...compartmentOption,
  ...listOutputOption,
  ...connectionOptions,
} as const satisfies OptionTable;

export type ListLogsArgs = ParsedArgs<typeof listLogsOptions>;

export const listLogGroupsCommand = defineCommand({
  command: 'list-log-groups',
  describe: 'List log groups (every page)',
  options: listLogGroupsOptions,
  examples: [['$0 list-log-groups --all-compartments', 'every log group in the tenancy']],
  // The work is loaded only when the command runs: --help and the other commands are spared its modules.
  handler: async (argv) => (await import('./list-run.js')).runListLogGroups(argv),
});

export const listLogsCommand = defineCommand({
  command: 'list-logs',
  describe: 'List the logs of a log group (every page)',
  options: listLogsOptions,
  examples: [['$0 list-logs --log-group app-logs --output json', 'the logs of a group found by name, as JSON']],
  handler: async (argv) => (await import('./list-run.js')).runListLogs(argv),
});
