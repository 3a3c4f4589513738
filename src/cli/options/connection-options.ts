import type { Options } from 'yargs';
import { AUTH_TYPES, type AuthType, type ConnectionSettings } from '../../oci/connection-settings.js';
import { UsageError } from '../../errors.js';

const GROUP = 'Connection (as the OCI CLI):';

/**
 * Flags that say which credentials and endpoint to use; the same for every
 * command that talks to OCI. Environment variables are resolved in
 * readConnectionSettings (flag > variable > default) so --help can name them.
 */
export const connectionOptions = {
  'config-file': {
    type: 'string',
    group: GROUP,
    describe: 'OCI config file [env OCI_CLI_CONFIG_FILE] (default ~/.oci/config)',
  },
  profile: {
    type: 'string',
    group: GROUP,
    describe: 'Profile in the config file [env OCI_CLI_PROFILE] (default DEFAULT)',
  },
  auth: {
    type: 'string',
    group: GROUP,
    choices: AUTH_TYPES,
    describe: 'How to authenticate [env OCI_CLI_AUTH] (default api_key)',
  },
  region: {
    type: 'string',
    group: GROUP,
    describe: 'Region, e.g. us-ashburn-1 [env OCI_CLI_REGION] (default: the profile\'s)',
  },
  endpoint: {
    type: 'string',
    group: GROUP,
    describe: 'Service URL to use instead of the region\'s, e.g. the emulator\'s http://127.0.0.1:PORT [env OCI_LOG_ENDPOINT] (http only for loopback hosts)',
  },
} as const satisfies Record<string, Options>;

export interface ConnectionArgs {
  configFile?: string | undefined;
  profile?: string | undefined;
  auth?: string | undefined;
  region?: string | undefined;
  endpoint?: string | undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** Flag > environment variable > default, once, at the CLI boundary. */
export function readConnectionSettings(
  argv: ConnectionArgs,
  env: Record<string, string | undefined>,
): ConnectionSettings {
  const auth = nonEmpty(argv.auth) ?? nonEmpty(env['OCI_CLI_AUTH']) ?? 'api_key';
  if (!(AUTH_TYPES as readonly string[]).includes(auth)) {
    throw new UsageError(`OCI_CLI_AUTH=${auth} is not one of ${AUTH_TYPES.join(', ')}`);
  }
  const endpoint = nonEmpty(argv.endpoint) ?? nonEmpty(env['OCI_LOG_ENDPOINT']);
  return {
    configFile: nonEmpty(argv.configFile) ?? nonEmpty(env['OCI_CLI_CONFIG_FILE']),
    profile: nonEmpty(argv.profile) ?? nonEmpty(env['OCI_CLI_PROFILE']) ?? 'DEFAULT',
    auth: auth as AuthType,
    region: nonEmpty(argv.region) ?? nonEmpty(env['OCI_CLI_REGION']),
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
