import type { KeyObject } from 'node:crypto';
import type { AuthenticationDetailsProvider } from 'oci-common';

export const AUTH_TYPES = ['api_key', 'security_token', 'instance_principal', 'resource_principal', 'oke_workload_identity'] as const;
export type AuthType = (typeof AUTH_TYPES)[number];

/** Where credentials and the endpoint come from, as resolved from flags and OCI_CLI_* variables. */
export interface ConnectionSettings {
  /** --config-file / OCI_CLI_CONFIG_FILE; undefined means ~/.oci/config. */
  configFile: string | undefined;
  profile: string;
  auth: AuthType;
  region: string | undefined;
  /** --endpoint: overrides the region's service URL (all three services when it is the emulator). */
  endpoint: URL | undefined;
  /** $HOME, to expand ~ in config paths. */
  home: string | undefined;
  /** The environment (io.env): the variables principals and permission checks read. Empty when absent. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** The key a request is signed with: keyId is `tenancy/user/fingerprint` or `ST$<token>`. */
export interface SigningKey {
  keyId: string;
  privateKey: KeyObject;
}

/**
 * Credentials resolved from a ConnectionSettings: everything the request
 * signer and the SDK clients need. Rotating providers (security token,
 * principals) return a fresh key from getSigningKey() when theirs expires.
 */
export interface Credentials {
  /** The region the requests go to (from --region, the profile, or the principal). */
  region: string | undefined;
  /** The tenancy OCID (root compartment), when the auth type knows it. */
  tenancy: string | undefined;
  /** The config file and profile the credentials came from, for messages. */
  source: string;
  getSigningKey(): Promise<SigningKey>;
  /** The same identity as an OCI SDK provider, for the SDK clients (loads oci-common). */
  sdkProvider(): Promise<AuthenticationDetailsProvider>;
}
