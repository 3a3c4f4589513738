import { AUTH_TYPES, type AuthType, type ConnectionSettings } from '../../oci/connection-settings.js';
import { UsageError } from '../../errors.js';
import type { OptionTable } from './option-spec.js';

/**
 * Flags that say which credentials and endpoint to use; the same for every
 * command that talks to OCI, named and read as the OCI CLI does. None has a
 * `default`: readConnectionSettings applies flag > variable > default.
 */
export const connectionOptions = {
  'config-file': {
    type: 'string',
    group: 'connection',
    arg: 'FILE',
    env: 'OCI_CLI_CONFIG_FILE',
    defaultText: '~/.oci/config',
    description: 'OCI config file',
  },
  profile: {
    type: 'string',
    group: 'connection',
    arg: 'NAME',
    env: 'OCI_CLI_PROFILE',
    defaultText: 'DEFAULT',
    description: 'Profile in the config file',
  },
  auth: {
    type: 'string',
    group: 'connection',
    arg: 'TYPE',
    choices: AUTH_TYPES,
    env: 'OCI_CLI_AUTH',
    defaultText: 'api_key',
    description: 'How to authenticate',
    details:
      'security_token re-reads the token file whenever it changes (oci session refresh); fingerprint is not needed. ' +
      'instance_principal reads the instance metadata service and trades the instance certificate at the federation endpoint ' +
      '(OCI_LOG_INSTANCE_METADATA_URL and OCI_LOG_FEDERATION_ENDPOINT point elsewhere). resource_principal reads the ' +
      'OCI_RESOURCE_PRINCIPAL_* variables of version 2.2. oke_workload_identity trades the pod\'s service account token at the ' +
      "cluster's proxymux (KUBERNETES_SERVICE_HOST, KUBERNETES_SERVICE_PORT_PROXYMUX) and needs --region. With a principal the " +
      'tenancy comes from the credentials, so create-log-group and query --log-ocid need no compartment; a principal\'s region ' +
      'that is not an OCI region is exit 2. oci-log warns when the config, key or token file can be read by other users.',
  },
  region: {
    type: 'string',
    group: 'connection',
    arg: 'REGION',
    env: 'OCI_CLI_REGION',
    defaultText: "the profile's region",
    description: 'Region, e.g. us-ashburn-1',
  },
  endpoint: {
    type: 'string',
    group: 'connection',
    arg: 'URL',
    env: 'OCI_LOG_ENDPOINT',
    defaultText: "the region's",
    description: "Service URL to use instead of the region's, e.g. the emulator's http://127.0.0.1:PORT; plain http only for loopback hosts",
  },
} as const satisfies OptionTable;

export interface ConnectionArgs {
  'config-file'?: string | undefined;
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
  const { auth: authOption, endpoint: endpointOption } = connectionOptions;
  const auth = nonEmpty(argv.auth) ?? nonEmpty(env[authOption.env]) ?? 'api_key';
  if (!(AUTH_TYPES as readonly string[]).includes(auth)) {
    throw new UsageError(`${authOption.env}=${auth} is not one of ${AUTH_TYPES.join(', ')}`);
  }
  const endpoint = nonEmpty(argv.endpoint) ?? nonEmpty(env[endpointOption.env]);
  return {
    configFile: nonEmpty(argv['config-file']) ?? nonEmpty(env[connectionOptions['config-file'].env]),
    profile: nonEmpty(argv.profile) ?? nonEmpty(env[connectionOptions.profile.env]) ?? 'DEFAULT',
    auth: auth as AuthType,
    region: nonEmpty(argv.region) ?? nonEmpty(env[connectionOptions.region.env]),
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
