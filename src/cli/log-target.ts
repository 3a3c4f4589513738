import { isTransient } from '../core/delivery-policy.js';
import { displayNameProblem } from '../core/display-name.js';
import { NameCache, defaultNameCachePath } from '../core/name-cache.js';
import type { CachedLog } from '../core/name-cache.js';
import { ServiceError, UsageError } from '../errors.js';
import { findLog, getLog, getLogGroup, listLogGroups, listLogs } from '../oci/log-management.js';
import type { Resource } from '../oci/log-management.js';
import { ensureResource } from './create-resource.js';
import type { CliIo } from './io.js';
import { warn } from './io.js';
import { notFound } from './log-groups.js';
import { readConnectionSettings } from './options/connection-options.js';
import type { ConnectionArgs } from './options/connection-options.js';
import { readLogOcid } from './options/pipe-options.js';
import { compartmentOf, openServices } from './service-context.js';
import type { ServiceContext } from './service-context.js';
import { startSpinner } from './spinner.js';

export { createOption, logCompartmentOption, logNameOption } from './options/log-options.js';

export interface LogName {
  group: string;
  log: string;
}

/** GROUP/LOG, both valid display names. */
export function parseLogName(value: string): LogName {
  const parts = value.split('/');
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') throw new UsageError(`--log ${value}: expected GROUP/LOG, the display names of a log group and of a log in it`);
  const [group, log] = parts as [string, string];
  for (const name of [group, log]) {
    const problem = displayNameProblem(name);
    if (problem) throw new UsageError(`--log ${value}: ${name}: ${problem}`);
  }
  return { group, log };
}

interface TargetArgs extends ConnectionArgs {
  log?: string | undefined;
  'log-ocid'?: string | undefined;
  'compartment-id'?: string | undefined;
  create?: boolean | undefined;
  /** --dry-run: nothing is made; what --create would make is said instead. */
  'dry-run'?: boolean | undefined;
  debug: boolean;
  quiet: boolean;
}

/**
 * The log a send, exec or flush writes to: --log GROUP/LOG (found by name,
 * made with --create), else --log-ocid or OCI_LOG_OCID. One call for the
 * handlers; undefined only when not required and none was given.
 */
export async function resolveLogTarget(argv: TargetArgs, io: CliIo, required: true): Promise<string>;
export async function resolveLogTarget(argv: TargetArgs, io: CliIo, required: false): Promise<string | undefined>;
export async function resolveLogTarget(argv: TargetArgs, io: CliIo, required: boolean): Promise<string | undefined> {
  if (argv.log === undefined) {
    if (argv.create) throw new UsageError('--create makes the log named by --log GROUP/LOG: give --log');
    return required ? readLogOcid(argv['log-ocid'], io.env, true) : readLogOcid(argv['log-ocid'], io.env, false);
  }
  if (argv['log-ocid']) throw new UsageError('give --log GROUP/LOG or --log-ocid, not both');
  const name = parseLogName(argv.log);
  const ctx = await openServices(argv, io);
  try {
    return (await findLogByName(ctx, io, argv, name, { create: argv.create, dryRun: argv['dry-run'] === true, quiet: argv.quiet })).logId;
  } finally {
    ctx.clients.close();
  }
}

/** What keeps cache entries of different services and tenancies apart. */
function cacheScope(ctx: ServiceContext, argv: ConnectionArgs, io: CliIo): string {
  const settings = readConnectionSettings(argv, io.env);
  return `${settings.endpoint?.origin ?? ctx.credentials.region ?? ''}|${ctx.credentials.tenancy ?? ''}`;
}

function isNotFound(err: unknown): boolean {
  return err instanceof ServiceError && err.status === 404;
}

/** The cached log, if the service still has it where the cache says, under that name. */
async function checkCached(ctx: ServiceContext, cached: CachedLog, name: LogName | undefined): Promise<CachedLog | undefined> {
  try {
    const [log, group] = await Promise.all([getLog(ctx.clients, cached.logGroupId, cached.logId), name ? getLogGroup(ctx.clients, cached.logGroupId) : undefined]);
    if (name && (log.displayName !== name.log || group?.displayName !== name.group)) return undefined;
    return { ...cached, compartmentId: group?.compartmentId || log.compartmentId || cached.compartmentId };
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/**
 * A log by GROUP/LOG: from the cache when the service confirms it, else
 * looked up (the group in --compartment-id, else the tenancy's subtree; the
 * log in the group) and, with create, made where missing. `create`
 * undefined: the command has no --create (query, flush), so a missing log
 * is reported without suggesting it.
 */
export async function findLogByName(
  ctx: ServiceContext,
  io: CliIo,
  argv: TargetArgs,
  name: LogName,
  options: { create: boolean | undefined; dryRun?: boolean; quiet: boolean },
): Promise<CachedLog> {
  const hint = options.create === undefined ? '' : ' (add --create to make it)';
  const cache = new NameCache(defaultNameCachePath(io.env));
  const scope = cacheScope(ctx, argv, io);
  const compartmentFlag = argv['compartment-id'] || undefined;
  const nameKey = `${scope} ${compartmentFlag ?? '*'} ${name.group}/${name.log}`;
  const cached = cache.byName(nameKey);
  if (cached) {
    let confirmed: CachedLog | undefined;
    try {
      confirmed = await checkCached(ctx, cached, name);
    } catch (err) {
      // The service cannot be reached (or throttles, or fails) after the retries: that says nothing of the cache.
      // Use it, so a pipe can spool its lines until the service is back, rather than fail before reading them.
      if (!(err instanceof ServiceError) || (err.status !== undefined && !isTransient(err.status))) throw err;
      if (!options.quiet) warn(io, `--log ${name.group}/${name.log}: could not check the cached ${cached.logId} with the service (${err.message}); using it`);
      return cached;
    }
    if (confirmed) return confirmed;
    cache.forget(nameKey, `${scope} ${cached.logId}`);
  }
  const compartment = compartmentOf(compartmentFlag, ctx.credentials);
  const subtree = compartmentFlag === undefined;
  const where = `${compartment}${subtree ? ' or its sub-compartments' : ''}`;
  const groups = await listLogGroups(ctx.clients, compartment, { displayName: name.group, subtree });
  if (groups.length > 1) {
    throw new UsageError(`--log ${name.group}/${name.log}: ${groups.length} log groups are named ${name.group}: ${groups.map((g) => `${g.id} (in ${g.compartmentId})`).join(', ')}; give --compartment-id, or --log-ocid`);
  }
  let group: Pick<Resource, 'id' | 'compartmentId'> | undefined = groups[0];
  const made: string[] = [];
  // A dry run looks up, and says what --create would make, but makes nothing: its bodies need no log OCID.
  const wouldMake = (what: string): CachedLog => {
    if (!options.quiet) warn(io, `--dry-run: --create would make ${what}; nothing was made`);
    return { logId: `ocid1.log.dryrun..${name.group}/${name.log}`, logGroupId: group?.id ?? '', compartmentId: group?.compartmentId ?? compartment, name: `${name.group}/${name.log}`, at: io.clock.now() };
  };
  if (!group) {
    if (!options.create) throw notFound(`--log ${name.group}/${name.log}: no log group named ${name.group} in ${where}${hint}`);
    if (options.dryRun === true) return wouldMake(`log group ${name.group} in ${compartment} and log ${name.log} in it`);
    const id = await ensureResource(io, ctx, {
      what: `log group ${name.group} in ${compartment}`,
      duplicate: '',
      ifNotExists: true,
      wait: true,
      quiet: options.quiet,
      findExisting: async () => (await listLogGroups(ctx.clients, compartment, { displayName: name.group }))[0],
      create: async (opcRetryToken) => (await ctx.clients.management()).createLogGroup({ opcRetryToken, createLogGroupDetails: { compartmentId: compartment, displayName: name.group } }),
    });
    group = { id, compartmentId: compartment };
    made.push(`log group ${name.group} (${id})`);
  }
  const groupId = group.id;
  let logId = (await listLogs(ctx.clients, groupId, name.log))[0]?.id;
  if (logId === undefined) {
    if (!options.create) throw notFound(`--log ${name.group}/${name.log}: log group ${name.group} (${groupId}) has no log named ${name.log}${hint}`);
    if (options.dryRun === true) return wouldMake(`log ${name.log} in log group ${name.group} (${groupId})`);
    logId = await ensureResource(io, ctx, {
      what: `log ${name.log} in log group ${groupId}`,
      duplicate: '',
      ifNotExists: true,
      wait: true,
      quiet: options.quiet,
      findExisting: async () => (await listLogs(ctx.clients, groupId, name.log))[0],
      create: async (opcRetryToken) =>
        (await ctx.clients.management()).createLog({ opcRetryToken, logGroupId: groupId, createLogDetails: { displayName: name.log, logType: 'CUSTOM' as never, isEnabled: true } }),
    });
    made.push(`log ${name.log} (${logId})`);
  }
  if (made.length > 0 && !options.quiet) warn(io, `created ${made.join(' and ')}`);
  const found: CachedLog = { logId, logGroupId: groupId, compartmentId: group.compartmentId, name: `${name.group}/${name.log}`, at: io.clock.now() };
  cache.remember(nameKey, `${scope} ${logId}`, found);
  cache.save();
  return found;
}

/**
 * The group and compartment of a log known by OCID alone: from the cache when
 * the service confirms it, else by listing every log group of the tenancy
 * and their logs, many at a time (findLog).
 */
export async function locateLogOcid(ctx: ServiceContext, io: CliIo, argv: ConnectionArgs, logId: string, quiet: boolean): Promise<CachedLog> {
  const cache = new NameCache(defaultNameCachePath(io.env));
  const ocidKey = `${cacheScope(ctx, argv, io)} ${logId}`;
  const cached = cache.byOcid(ocidKey);
  if (cached) {
    const confirmed = await checkCached(ctx, cached, undefined);
    if (confirmed) return confirmed;
    cache.forget(undefined, ocidKey);
  }
  const tenancy = ctx.credentials.tenancy;
  if (!tenancy) throw new UsageError('cannot look the log up without a tenancy: give --log-group-id and --compartment-id too');
  const spinner = await startSpinner(io, 'finding the log group of the log', quiet);
  try {
    const found = await findLog(ctx.clients, logId, tenancy, (n, total) => spinner.update(`finding the log's group: ${n}/${total} log groups checked`));
    if (!found) throw notFound(`log ${logId} not found in any log group of tenancy ${tenancy} (check the OCID, its region, and your policies)`);
    const located: CachedLog = { logId, logGroupId: found.group.id, compartmentId: found.group.compartmentId, name: `${found.group.displayName}/${found.log.displayName}`, at: io.clock.now() };
    cache.remember(undefined, ocidKey, located);
    cache.save();
    return located;
  } finally {
    spinner.stop();
  }
}
