import { listLogGroups } from '../../oci/log-management.js';
import { createResource } from '../create-resource.js';
import { checkDisplayName } from './create-log.js';
import { defineCommand } from '../define-command.js';
import { connectionOptions } from '../options/connection-options.js';
import { compartmentOption, createOptions } from '../options/manage-options.js';
import { compartmentOf, openServices } from '../service-context.js';

export const createLogGroupCommand = defineCommand({
  command: 'create-log-group',
  describe: 'Create a log group; prints its OCID',
  options: {
    'display-name': { type: 'string', required: true, arg: 'NAME', description: 'Name of the log group (unique in its compartment)' },
    ...compartmentOption,
    description: { type: 'string', description: 'Description of the log group' },
    ...createOptions,
    ...connectionOptions,
  },
  examples: [['LG=$($0 create-log-group --display-name app-logs --if-not-exists)', 'create a group (or reuse it) in the tenancy']],
  handler: async (argv) => {
    const { io } = argv;
    checkDisplayName('display-name', argv['display-name']);
    const ctx = await openServices(argv, io);
    try {
      const compartmentId = compartmentOf(argv['compartment-id'], ctx.credentials);
      const name = argv['display-name'];
      const client = await ctx.clients.management();
      await createResource(io, ctx, {
        what: `log group ${name} in ${compartmentId}`,
        duplicate: `a log group named ${name} already exists in ${compartmentId}`,
        ifNotExists: argv['if-not-exists'],
        wait: argv.wait,
        quiet: argv.quiet,
        findExisting: async () => (await listLogGroups(ctx.clients, compartmentId, { displayName: name }))[0],
        create: (opcRetryToken) =>
          client.createLogGroup({ opcRetryToken, createLogGroupDetails: { compartmentId, displayName: name, ...(argv.description === undefined ? {} : { description: argv.description }) } }),
      });
    } finally {
      ctx.clients.close();
    }
  },
});
