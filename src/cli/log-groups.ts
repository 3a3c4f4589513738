import { ServiceError, UsageError } from '../errors.js';
import { listLogGroups } from '../oci/log-management.js';
import type { Resource } from '../oci/log-management.js';
import type { ServiceContext } from './service-context.js';
import { checkOcid, compartmentOf } from './service-context.js';

export function notFound(message: string): ServiceError {
  return new ServiceError(message, { status: 404, serviceCode: 'NotFound', serviceMessage: message, opcRequestId: undefined });
}

/** --log-group-id, or --log-group NAME looked up in --compartment-id (the tenancy's whole subtree by default). */
export async function resolveLogGroup(
  ctx: ServiceContext,
  args: { 'log-group-id'?: string | undefined; 'log-group'?: string | undefined; 'compartment-id'?: string | undefined },
  required: boolean,
): Promise<{ id: string; compartmentId: string | undefined } | undefined> {
  if (args['log-group-id'] && args['log-group']) throw new UsageError('give --log-group-id or --log-group, not both');
  if (args['log-group-id']) return { id: checkOcid('log-group-id', args['log-group-id'], 'loggroup'), compartmentId: args['compartment-id'] };
  if (!args['log-group']) {
    if (required) throw new UsageError('which log group? give --log-group-id OCID or --log-group NAME');
    return undefined;
  }
  const group = await findGroupByName(ctx, args['log-group'], args['compartment-id']);
  return { id: group.id, compartmentId: group.compartmentId };
}

export async function findGroupByName(ctx: ServiceContext, name: string, compartmentFlag: string | undefined): Promise<Resource> {
  const compartment = compartmentOf(compartmentFlag, ctx.credentials);
  const subtree = compartmentFlag === undefined;
  const found = await listLogGroups(ctx.clients, compartment, { displayName: name, subtree });
  if (found.length === 0) throw notFound(`no log group named ${name} in ${compartment}${subtree ? ' or its sub-compartments' : ''}`);
  if (found.length > 1) {
    throw new UsageError(`${found.length} log groups are named ${name}: ${found.map((g) => `${g.id} (in ${g.compartmentId})`).join(', ')}; give --log-group-id or --compartment-id`);
  }
  return found[0] as Resource;
}
