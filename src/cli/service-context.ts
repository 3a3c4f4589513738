import { UsageError } from '../errors.js';
import { resolveCredentials } from '../oci/credentials.js';
import type { Credentials } from '../oci/connection-settings.js';
import { sdkClients } from '../oci/sdk-clients.js';
import type { SdkClients } from '../oci/sdk-clients.js';
import { warn } from './io.js';
import type { CliIo } from './io.js';
import { readConnectionSettings } from './options/connection-options.js';
import type { ConnectionArgs } from './options/connection-options.js';

export interface ServiceContext {
  credentials: Credentials;
  clients: SdkClients;
}

/** Credentials and SDK clients for a management or query command. */
export async function openServices(argv: ConnectionArgs & { debug: boolean; quiet?: boolean }, io: CliIo): Promise<ServiceContext> {
  const settings = readConnectionSettings(argv, io.env);
  const credentials = await resolveCredentials(settings, argv.quiet ? {} : { warn: (message) => warn(io, `warning: ${message}`) });
  const debug = argv.debug ? (line: string) => io.stderr.write(`oci-log: ${line}\n`) : undefined;
  return { credentials, clients: sdkClients(settings, credentials, debug) };
}

/** --compartment-id, else the profile's tenancy (the root compartment). */
export function compartmentOf(flag: string | undefined, credentials: Credentials): string {
  const id = flag || credentials.tenancy;
  if (!id) throw new UsageError(`no compartment: give --compartment-id OCID (${credentials.source} names no tenancy)`);
  if (!/^ocid1\.(compartment|tenancy)\./.test(id)) throw new UsageError(`--compartment-id ${id}: not a compartment or tenancy OCID`);
  return id;
}

export function checkOcid(flag: string, value: string, kind: 'loggroup' | 'log'): string {
  if (!new RegExp(`^ocid1\\.${kind}\\.`).test(value)) throw new UsageError(`--${flag} ${value}: not a ${kind === 'log' ? 'log' : 'log group'} OCID (ocid1.${kind}.…)`);
  return value;
}
