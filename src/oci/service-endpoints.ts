import { ConfigError } from '../errors.js';
import type { ConnectionSettings, Credentials } from './connection-settings.js';

/** The three OCI Logging services; search shares the management host. */
export type LoggingService = 'ingestion' | 'management' | 'search';

const HOST_PREFIX: Record<LoggingService, string> = {
  ingestion: 'ingestion.logging',
  management: 'logging',
  search: 'logging',
};

/**
 * The base URL (no version prefix, no trailing slash) of a service: --endpoint
 * when given (the emulator serves all three on one port), else the region's
 * host in its realm's domain, from the SDK's region tables.
 */
export async function serviceEndpoint(service: LoggingService, settings: ConnectionSettings, credentials: Credentials): Promise<string> {
  if (settings.endpoint !== undefined) return settings.endpoint.origin;
  const region = credentials.region;
  if (region === undefined || region === '') {
    throw new ConfigError(`no region: set --region or OCI_CLI_REGION, or add region= to ${credentials.source}`);
  }
  if (!/^[a-z0-9-]+$/.test(region)) {
    throw new ConfigError(`region '${region}' (from ${settings.region ? '--region' : credentials.source}) is not a region identifier like us-ashburn-1`);
  }
  const common = await import('oci-common');
  const domain = common.Region.fromRegionId(region).realm.secondLevelDomain;
  return `https://${HOST_PREFIX[service]}.${region}.oci.${domain}`;
}
