import { UsageError } from '../../errors.js';
import { checkDisplayName, checkRetention } from '../resource-checks.js';
import { listLogs } from '../../oci/log-management.js';
import { createResource } from '../create-resource.js';
import { resolveLogGroup } from '../log-groups.js';
import { openServices } from '../service-context.js';
import type { CreateLogArgs } from './create-log.js';

/** oci-log createLog: the handler (see create-log.ts for its options). */
export async function runCreateLog(argv: CreateLogArgs): Promise<void> {
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
}

