import { UsageError, ServiceError } from '../../errors.js';
import { listLogs, waitForWorkRequest } from '../../oci/log-management.js';
import { callService } from '../../oci/sdk-clients.js';
import { defineCommand } from '../define-command.js';
import { resolveLogGroup } from '../log-groups.js';
import { connectionOptions } from '../options/connection-options.js';
import { compartmentOption, logGroupOptions } from '../options/manage-options.js';
import { openServices } from '../service-context.js';
import { startSpinner } from '../spinner.js';

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
    'display-name': { type: 'string', demandOption: true, describe: 'Name of the log (unique in its group)' },
    ...logGroupOptions,
    ...compartmentOption,
    'retention-duration': { type: 'number', describe: 'Days to keep entries: 30 to 180 in steps of 30 (service default 30)' },
    'if-not-exists': { type: 'boolean', default: false, describe: 'Print the OCID of an existing log of that name instead of failing' },
    wait: { type: 'boolean', default: true, describe: 'Wait for the work request (--no-wait prints the work request OCID instead)' },
    ...connectionOptions,
  },
  examples: [['LOG=$($0 create-log --log-group app-logs --display-name web --retention-duration 90)', 'create a log in a group found by name']],
  handler: async (argv) => {
    const { io } = argv;
    const retention = checkRetention(argv['retention-duration']);
    if (!argv['log-group-id'] && !argv['log-group']) throw new UsageError('which log group? give --log-group-id OCID or --log-group NAME');
    const ctx = await openServices(argv, io);
    try {
      const group = await resolveLogGroup(ctx, argv, true);
      const logGroupId = group?.id ?? '';
      const name = argv['display-name'];
      const existing = async () => (await listLogs(ctx.clients, logGroupId, name))[0];
      if (argv['if-not-exists']) {
        const found = await existing();
        if (found) {
          io.stdout.write(`${found.id}\n`);
          return;
        }
      }
      const client = await ctx.clients.management();
      const what = `creating log ${name} in log group ${logGroupId}`;
      let workRequestId: string;
      try {
        const r = await callService(what, () =>
          client.createLog({
            logGroupId,
            createLogDetails: { displayName: name, logType: 'CUSTOM' as never, isEnabled: true, ...(retention === undefined ? {} : { retentionDuration: retention }) },
          }),
        );
        workRequestId = r.opcWorkRequestId;
      } catch (err) {
        if (err instanceof ServiceError && err.status === 409) {
          const found = await existing();
          if (found && argv['if-not-exists']) {
            io.stdout.write(`${found.id}\n`);
            return;
          }
          if (found) throw new ServiceError(`a log named ${name} already exists in log group ${logGroupId}: ${found.id} (use --if-not-exists to reuse it)`, err);
        }
        throw err;
      }
      if (!argv.wait) {
        io.stdout.write(`${workRequestId}\n`);
        return;
      }
      const spinner = await startSpinner(io, `waiting for work request ${workRequestId}`, argv.quiet);
      try {
        io.stdout.write(`${await waitForWorkRequest(ctx.clients, workRequestId, what)}\n`);
      } finally {
        spinner.stop();
      }
    } finally {
      ctx.clients.close();
    }
  },
});
