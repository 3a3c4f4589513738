import { listLogGroups } from '../../oci/log-management.js';
import { createResource } from '../create-resource.js';
import { checkDisplayName } from '../resource-checks.js';
import { compartmentOf, openServices } from '../service-context.js';
import type { CreateLogGroupArgs } from './create-log-group.js';

/** oci-log createLogGroup: the handler (see create-log-group.ts for its options). */
export async function runCreateLogGroup(argv: CreateLogGroupArgs): Promise<void> {
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
}

