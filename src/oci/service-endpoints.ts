import { ConfigError } from '../errors.js';
import type { ConnectionSettings, Credentials } from './connection-settings.js';

/** The three OCI Logging services; search shares the management host. */
export type LoggingService = 'ingestion' | 'management' | 'search';

const HOST_PREFIX: Record<LoggingService, string> = {
  ingestion: 'ingestion.logging',
  management: 'logging',
  search: 'logging',
};

/** A region as requests need it: its identifier and its realm's domain. */
export interface ResolvedRegion {
  /** us-ashburn-1 */
  regionId: string;
  /** oraclecloud.com (OC1), oraclegovcloud.com, … */
  realmDomain: string;
  /** False when the SDK does not know the region and the realm is the fallback (OCI_DEFAULT_REALM, else OC1). */
  known: boolean;
}

/** A region identifier: us-ashburn-1, us-gov-ashburn-1, me-dcc-muscat-1. */
const REGION_ID = /^[a-z]+(-[a-z0-9]+)*-\d+$/;
/** The SDK's short codes: iad, fra, nrt. */
const SHORT_CODE = /^[a-z]{3}$/;
const DOMAIN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/;

/**
 * Turns a region as a user gives it (an identifier like us-ashburn-1, or the
 * SDK's short code like iad, in any case) into its identifier and realm
 * domain, from the SDK's region tables (and what the SDK adds to them: its
 * regions config file, OCI_REGION_METADATA). A well-formed identifier the SDK
 * does not know (a region newer than the SDK) falls back as the SDK does: to
 * the domain in OCI_DEFAULT_REALM, else OC1's. Anything else is a ConfigError
 * (exit 2) naming the region and where it came from (`from`, e.g. "--region").
 */
export async function resolveRegion(region: string, from: string, env: Readonly<Record<string, string | undefined>> = process.env): Promise<ResolvedRegion> {
  const text = region.trim().toLowerCase();
  const { Region } = await import('oci-common');
  const known = (id: string): ResolvedRegion | undefined => {
    const found = Region.fromRegionId(id);
    return found === undefined ? undefined : { regionId: found.regionId, realmDomain: found.realm.secondLevelDomain, known: true };
  };
  if (SHORT_CODE.test(text)) {
    const id = Region.getRegionIdFromShortCode(text);
    const found = id === text ? undefined : known(id);
    if (found) return found;
    throw new ConfigError(`region '${region}' (from ${from}) is not a region short code the OCI SDK knows; give a region identifier such as us-ashburn-1`);
  }
  if (REGION_ID.test(text)) {
    const found = known(text);
    if (found) return found;
    const fallback = env['OCI_DEFAULT_REALM']?.trim().toLowerCase();
    if (fallback === undefined || fallback === '') return { regionId: text, realmDomain: 'oraclecloud.com', known: false };
    if (!DOMAIN.test(fallback)) throw new ConfigError(`OCI_DEFAULT_REALM=${fallback} is not a domain such as oraclecloud.com (needed for region '${region}', which the OCI SDK does not know)`);
    return { regionId: text, realmDomain: fallback, known: false };
  }
  // us-ashburn1, us_ashburn_1: say what was probably meant.
  const guess = text.replace(/_/g, '-').replace(/([a-z])(\d+)$/, '$1-$2');
  const suggestion = guess !== text && REGION_ID.test(guess) && known(guess) ? `; did you mean ${guess}?` : '; give a region identifier such as us-ashburn-1, or a short code such as iad';
  throw new ConfigError(`region '${region}' (from ${from}) is not a region identifier${suggestion}`);
}

/**
 * The base URL (no version prefix, no trailing slash) of a service: --endpoint
 * when given (the emulator serves all three on one port), else the region's
 * host in its realm's domain (resolveRegion).
 */
export async function serviceEndpoint(service: LoggingService, settings: ConnectionSettings, credentials: Credentials): Promise<string> {
  if (settings.endpoint !== undefined) return settings.endpoint.origin;
  const region = credentials.region;
  if (region === undefined || region.trim() === '') {
    throw new ConfigError(`no region: set --region or OCI_CLI_REGION, or add region= to ${credentials.source}`);
  }
  const from = settings.region !== undefined ? '--region or OCI_CLI_REGION' : credentials.source;
  const { regionId, realmDomain } = await resolveRegion(region, from, settings.env ?? process.env);
  return `https://${HOST_PREFIX[service]}.${regionId}.oci.${realmDomain}`;
}
