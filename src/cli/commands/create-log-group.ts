import { listLogGroups, waitForWorkRequest } from '../../oci/log-management.js';
import { callService } from '../../oci/sdk-clients.js';
import { ServiceError } from '../../errors.js';
import { defineCommand } from '../define-command.js';
import { connectionOptions } from '../options/connection-options.js';
import { compartmentOption } from '../options/manage-options.js';
import { compartmentOf, openServices } from '../service-context.js';
import { startSpinner } from '../spinner.js';

export const createLogGroupCommand = defineCommand({
  command: 'create-log-group',
  describe: 'Create a log group; prints its OCID',
  options: {
    'display-name': { type: 'string', demandOption: true, describe: 'Name of the log group (unique in its compartment)' },
    ...compartmentOption,
    description: { type: 'string', describe: 'Description' },
    'if-not-exists': { type: 'boolean', default: false, describe: 'Print the OCID of an existing group of that name instead of failing' },
    wait: { type: 'boolean', default: true, describe: 'Wait for the work request (--no-wait prints the work request OCID instead)' },
    ...connectionOptions,
  },
  examples: [['LG=$($0 create-log-group --display-name app-logs --if-not-exists)', 'create a group (or reuse it) in the tenancy']],
  handler: async (argv) => {
    const { io } = argv;
    const ctx = await openServices(argv, io);
    try {
      const compartmentId = compartmentOf(argv['compartment-id'], ctx.credentials);
      const name = argv['display-name'];
      const existing = async () => (await listLogGroups(ctx.clients, compartmentId, { displayName: name }))[0];
      if (argv['if-not-exists']) {
        const found = await existing();
        if (found) {
          io.stdout.write(`${found.id}\n`);
          return;
        }
      }
      const client = await ctx.clients.management();
      const what = `creating log group ${name} in ${compartmentId}`;
      let workRequestId: string;
      try {
        const r = await callService(what, () =>
          client.createLogGroup({ createLogGroupDetails: { compartmentId, displayName: name, ...(argv.description === undefined ? {} : { description: argv.description }) } }),
        );
        workRequestId = r.opcWorkRequestId;
      } catch (err) {
        if (err instanceof ServiceError && err.status === 409) {
          const found = await existing();
          if (found && argv['if-not-exists']) {
            io.stdout.write(`${found.id}\n`);
            return;
          }
          if (found) throw new ServiceError(`a log group named ${name} already exists in ${compartmentId}: ${found.id} (use --if-not-exists to reuse it)`, err);
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
