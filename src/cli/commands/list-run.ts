import { formatTable } from '../../core/format/table.js';
import { listLogGroups, listLogs } from '../../oci/log-management.js';
import type { Resource } from '../../oci/log-management.js';
import type { CliIo } from '../io.js';
import { resolveLogGroup } from '../log-groups.js';
import { compartmentOf, openServices } from '../service-context.js';
import { startSpinner } from '../spinner.js';
import type { ListLogGroupsArgs, ListLogsArgs } from './list.js';

function print(io: CliIo, items: Resource[], output: string): void {
  if (output === 'json') {
    io.stdout.write(JSON.stringify(items, null, 2) + '\n');
    return;
  }
  io.stdout.write(formatTable(['NAME', 'OCID', 'STATE', 'CREATED'], items.map((i) => [i.displayName, i.id, i.lifecycleState, i.timeCreated])));
}

/** oci-log list-log-groups: the handler (see list.ts for its options). */
export async function runListLogGroups(argv: ListLogGroupsArgs): Promise<void> {
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
}

/** oci-log list-logs: the handler (see list.ts for its options). */
export async function runListLogs(argv: ListLogsArgs): Promise<void> {
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
}
