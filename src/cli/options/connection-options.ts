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
  },
  region: {
    type: 'string',
    group: 'connection',
    arg: 'REGION',
    env: CONNECTION_ENV.region,
    defaultText: "the profile's region",
    description: 'Region, e.g. us-ashburn-1',
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
