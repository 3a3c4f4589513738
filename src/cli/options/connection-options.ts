import { AUTH_TYPES, type ConnectionSettings } from '../../oci/connection-settings.js';
import { CONNECTION_ENV, resolveConnection } from '../../shipping/connection.js';
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
    env: CONNECTION_ENV.configFile,
    defaultText: '~/.oci/config',
    description: 'OCI config file',
  },
  profile: {
    type: 'string',
    group: 'connection',
    arg: 'NAME',
    env: CONNECTION_ENV.profile,
    defaultText: 'DEFAULT',
    description: 'Profile in the config file',
  },
  auth: {
    type: 'string',
    group: 'connection',
    arg: 'TYPE',
    choices: AUTH_TYPES,
    env: CONNECTION_ENV.auth,
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
    env: CONNECTION_ENV.region,
    defaultText: "the profile's region",
    description: 'Region, e.g. us-ashburn-1',
    details:
      "An identifier (us-ashburn-1) or the OCI SDK's short code (iad). One the SDK does not know (a newer region) is reached in the domain of OCI_DEFAULT_REALM, else oraclecloud.com, as the SDK does; anything else is exit 2, naming the region.",
  },
  endpoint: {
    type: 'string',
    group: 'connection',
    arg: 'URL',
    env: CONNECTION_ENV.endpoint,
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

/** Flag > environment variable > default, once, at the CLI boundary. */
export function readConnectionSettings(argv: ConnectionArgs, env: Record<string, string | undefined>): ConnectionSettings {
  return resolveConnection({ configFile: argv['config-file'], profile: argv.profile, auth: argv.auth, region: argv.region, endpoint: argv.endpoint }, env);
}

export { parseEndpoint } from '../../shipping/connection.js';
