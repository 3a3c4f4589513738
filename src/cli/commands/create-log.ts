import { UsageError } from '../../errors.js';
import { displayNameProblem } from '../../core/display-name.js';
import { listLogs } from '../../oci/log-management.js';
import { createResource } from '../create-resource.js';
import { defineCommand } from '../define-command.js';
import { resolveLogGroup } from '../log-groups.js';
import { connectionOptions } from '../options/connection-options.js';
import { compartmentOption, createOptions, logGroupOptions } from '../options/manage-options.js';
import { openServices } from '../service-context.js';

/** --display-name (or a name in --log GROUP/LOG) checked as the service would, before any call. */
export function checkDisplayName(flag: string, name: string): string {
  const problem = displayNameProblem(name);
  if (problem) throw new UsageError(`--${flag} ${name === '' ? '""' : name}: ${problem}`);
  return name;
}

export function checkRetention(days: number | undefined): number | undefined {
  if (days === undefined) return undefined;
  if (!Number.isInteger(days) || days < 30 || days > 180 || days % 30 !== 0) {
    throw new UsageError(`--retention-duration ${String(days)}: must be 30, 60, 90, 120, 150 or 180 days`);
  }
  return days;
}

export const createLogCommand = defineCommand({
  command: 'create-log',
  describe: 'Create a custom log in a log group; prints its OCID',
  options: {
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
  },
  examples: [['LOG=$($0 create-log --log-group app-logs --display-name web --retention-duration 90)', 'create a log in a group found by name']],
  handler: async (argv) => {
    const { io } = argv;
    const retention = checkRetention(argv['retention-duration']);
    checkDisplayName('display-name', argv['display-name']);
    if (!argv['log-group-id'] && !argv['log-group']) throw new UsageError('which log group? give --log-group-id OCID or --log-group NAME');
    const ctx = await openServices(argv, io);
    try {
      const group = await resolveLogGroup(ctx, argv, true);
      const logGroupId = group?.id ?? '';
      const name = argv['display-name'];
      const client = await ctx.clients.management();
      await createResource(io, ctx, {
        what: `log ${name} in log group ${logGroupId}`,
        duplicate: `a log named ${name} already exists in log group ${logGroupId}`,
        ifNotExists: argv['if-not-exists'],
        wait: argv.wait,
        quiet: argv.quiet,
        findExisting: async () => (await listLogs(ctx.clients, logGroupId, name))[0],
        create: (opcRetryToken) =>
          client.createLog({
            opcRetryToken,
            logGroupId,
            createLogDetails: { displayName: name, logType: 'CUSTOM' as never, isEnabled: true, ...(retention === undefined ? {} : { retentionDuration: retention }) },
          }),
      });
    } finally {
      ctx.clients.close();
    }
  },
});
