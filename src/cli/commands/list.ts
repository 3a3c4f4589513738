import { formatTable } from '../../core/format/table.js';
import { listLogGroups, listLogs } from '../../oci/log-management.js';
import type { Resource } from '../../oci/log-management.js';
import { defineCommand } from '../define-command.js';
import type { CliIo } from '../io.js';
import { resolveLogGroup } from '../log-groups.js';
import { connectionOptions } from '../options/connection-options.js';
import { compartmentOption, listOutputOption, logGroupOptions } from '../options/manage-options.js';
import { compartmentOf, openServices } from '../service-context.js';
import { startSpinner } from '../spinner.js';

function print(io: CliIo, items: Resource[], output: string): void {
  if (output === 'json') {
    io.stdout.write(JSON.stringify(items, null, 2) + '\n');
    return;
  }
  io.stdout.write(formatTable(['NAME', 'OCID', 'STATE', 'CREATED'], items.map((i) => [i.displayName, i.id, i.lifecycleState, i.timeCreated])));
}

export const listLogGroupsCommand = defineCommand({
  command: 'list-log-groups',
  describe: 'List log groups (every page)',
  options: {
    ...compartmentOption,
    'all-compartments': { type: 'boolean', default: false, description: 'Include the sub-compartments of the compartment' },
    ...listOutputOption,
    ...connectionOptions,
  },
  examples: [['$0 list-log-groups --all-compartments', 'every log group in the tenancy']],
  handler: async (argv) => {
    const { io } = argv;
    const ctx = await openServices(argv, io);
    const spinner = await startSpinner(io, 'listing log groups', argv.quiet);
    try {
      const compartment = compartmentOf(argv['compartment-id'], ctx.credentials);
      const items = await listLogGroups(ctx.clients, compartment, { subtree: argv['all-compartments'] });
      spinner.stop();
      print(io, items, argv.output);
    } finally {
      spinner.stop();
      ctx.clients.close();
    }
  },
});

export const listLogsCommand = defineCommand({
  command: 'list-logs',
  describe: 'List the logs of a log group (every page)',
  options: {
    ...logGroupOptions,
    ...compartmentOption,
    ...listOutputOption,
    ...connectionOptions,
  },
  examples: [['$0 list-logs --log-group app-logs --output json', 'the logs of a group found by name, as JSON']],
  handler: async (argv) => {
    const { io } = argv;
    const ctx = await openServices(argv, io);
    const spinner = await startSpinner(io, 'listing logs', argv.quiet);
    try {
      const group = await resolveLogGroup(ctx, argv, true);
      const items = await listLogs(ctx.clients, group?.id ?? '');
      spinner.stop();
      print(io, items, argv.output);
    } finally {
      spinner.stop();
      ctx.clients.close();
    }
  },
});
