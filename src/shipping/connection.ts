import { UsageError } from '../errors.js';
import { AUTH_TYPES, type AuthType, type ConnectionSettings } from '../oci/connection-settings.js';

/** The variables the OCI CLI reads (and OCI_LOG_ENDPOINT), named once: the option tables take their names from here. */
export const CONNECTION_ENV = {
  configFile: 'OCI_CLI_CONFIG_FILE',
  profile: 'OCI_CLI_PROFILE',
  auth: 'OCI_CLI_AUTH',
  region: 'OCI_CLI_REGION',
  endpoint: 'OCI_LOG_ENDPOINT',
} as const;

/** Which credentials and endpoint, as given (flags or library options); unset ones come from the environment. */
export interface ConnectionValues {
  configFile?: string | undefined;
  profile?: string | undefined;
  auth?: string | undefined;
  region?: string | undefined;
  endpoint?: string | undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** Given > environment variable > default, once, at the edge. */
export function resolveConnection(values: ConnectionValues, env: Record<string, string | undefined>): ConnectionSettings {
  const auth = nonEmpty(values.auth) ?? nonEmpty(env[CONNECTION_ENV.auth]) ?? 'api_key';
  if (!(AUTH_TYPES as readonly string[]).includes(auth)) {
    throw new UsageError(`${values.auth ? '--auth' : CONNECTION_ENV.auth}=${auth} is not one of ${AUTH_TYPES.join(', ')}`);
  }
  const endpoint = nonEmpty(values.endpoint) ?? nonEmpty(env[CONNECTION_ENV.endpoint]);
  return {
    configFile: nonEmpty(values.configFile) ?? nonEmpty(env[CONNECTION_ENV.configFile]),
    profile: nonEmpty(values.profile) ?? nonEmpty(env[CONNECTION_ENV.profile]) ?? 'DEFAULT',
    auth: auth as AuthType,
    region: nonEmpty(values.region) ?? nonEmpty(env[CONNECTION_ENV.region]),
    endpoint: endpoint === undefined ? undefined : parseEndpoint(endpoint),
    home: nonEmpty(env['HOME']),
    env,
  };
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** Validates --endpoint: an absolute URL; plain http only towards loopback. */
export function parseEndpoint(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--endpoint ${value} is not a URL (expected e.g. https://logging.us-ashburn-1.oci.oraclecloud.com)`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UsageError(`--endpoint ${value}: only http and https URLs are supported`);
  }
  if (url.protocol === 'http:' && !LOOPBACK.test(url.hostname)) {
    throw new UsageError(`--endpoint ${value}: plain http is allowed only for loopback hosts (127.0.0.1, localhost, [::1]); use https`);
  }
  if (url.pathname !== '/' || url.search !== '') {
    throw new UsageError(`--endpoint ${value}: give the service root only, without a path or query`);
  }
  return url;
}
