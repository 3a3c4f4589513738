import { readFile, stat } from 'node:fs/promises';
import type { KeyObject } from 'node:crypto';
import type { AuthenticationDetailsProvider } from 'oci-common';
import { ConfigError } from '../errors.js';
import { configFilePath, pathFromConfig, readConfigProfile, requireKey, type ConfigProfile } from './config-file.js';
import { checkFingerprint, readPrivateKey } from './key-files.js';
import type { ConnectionSettings, Credentials, SigningKey } from './connection-settings.js';

/**
 * Resolves the credentials the settings point at, and validates them fully
 * (file, profile, keys, key file, fingerprint) before anything is sent, so a
 * broken setup fails at once with a message naming the file and the key.
 */
export async function resolveCredentials(settings: ConnectionSettings): Promise<Credentials> {
  switch (settings.auth) {
    case 'api_key':
      return apiKeyCredentials(settings);
    case 'security_token':
      return securityTokenCredentials(settings);
    case 'instance_principal':
    case 'resource_principal':
      return principalCredentials(settings);
  }
}

async function loadProfile(settings: ConnectionSettings): Promise<{ file: string; profile: ConfigProfile; what: string }> {
  const file = configFilePath(settings.configFile, settings.home);
  const profile = await readConfigProfile(file, settings.profile);
  return { file, profile, what: `${file} [${settings.profile}]` };
}

async function apiKeyCredentials(settings: ConnectionSettings): Promise<Credentials> {
  const { file, profile, what } = await loadProfile(settings);
  const user = requireKey(profile, 'user', file, settings.profile);
  const tenancy = requireKey(profile, 'tenancy', file, settings.profile);
  const fingerprint = requireKey(profile, 'fingerprint', file, settings.profile);
  const keyFile = pathFromConfig(requireKey(profile, 'key_file', file, settings.profile), file, settings.home);
  const passphrase = profile['pass_phrase'] || undefined;
  const privateKey = await readPrivateKey(keyFile, passphrase, what);
  checkFingerprint(fingerprint, privateKey, what, keyFile);
  const signingKey: SigningKey = { keyId: `${tenancy}/${user}/${fingerprint.toLowerCase()}`, privateKey };
  const region = settings.region ?? profile['region'];
  return {
    region,
    tenancy,
    source: what,
    getSigningKey: () => Promise.resolve(signingKey),
    sdkProvider: async () => {
      const common = await import('oci-common');
      return new common.SimpleAuthenticationDetailsProvider(
        tenancy,
        user,
        fingerprint.toLowerCase(),
        exportPem(privateKey),
        null,
        region === undefined ? undefined : common.Region.fromRegionId(region),
      );
    },
  };
}

/** A session token profile (`oci session authenticate`): keyId is ST$<token>, re-read when the file changes. */
async function securityTokenCredentials(settings: ConnectionSettings): Promise<Credentials> {
  const { file, profile, what } = await loadProfile(settings);
  const tokenFile = pathFromConfig(requireKey(profile, 'security_token_file', file, settings.profile), file, settings.home);
  const keyFile = pathFromConfig(requireKey(profile, 'key_file', file, settings.profile), file, settings.home);
  const privateKey = await readPrivateKey(keyFile, profile['pass_phrase'] || undefined, what);
  let cached: { mtimeMs: number; key: SigningKey } | undefined;
  const getSigningKey = async (): Promise<SigningKey> => {
    let mtimeMs: number;
    try {
      mtimeMs = (await stat(tokenFile)).mtimeMs;
    } catch (err) {
      throw new ConfigError(`${what}: security_token_file ${tokenFile} not found; run 'oci session authenticate' or 'oci session refresh'`, { cause: err });
    }
    if (cached?.mtimeMs !== mtimeMs) {
      const token = (await readFile(tokenFile, 'utf8')).trim();
      if (token === '') throw new ConfigError(`${what}: security_token_file ${tokenFile} is empty`);
      cached = { mtimeMs, key: { keyId: `ST$${token}`, privateKey } };
    }
    return cached.key;
  };
  await getSigningKey();
  return {
    region: settings.region ?? profile['region'],
    tenancy: profile['tenancy'],
    source: what,
    getSigningKey,
    sdkProvider: async () => {
      const common = await import('oci-common');
      return new common.SessionAuthDetailProvider(file, settings.profile);
    },
  };
}

/**
 * Instance and resource principals: the SDK's providers fetch and rotate the
 * session key; oci-log signs with whatever key they currently hold.
 */
async function principalCredentials(settings: ConnectionSettings): Promise<Credentials> {
  const common = await import('oci-common');
  let provider: AuthenticationDetailsProvider & { getRegion(): { regionId: string } };
  try {
    provider =
      settings.auth === 'instance_principal'
        ? await new common.InstancePrincipalsAuthenticationDetailsProviderBuilder().build()
        : common.ResourcePrincipalAuthenticationDetailsProvider.builder();
  } catch (err) {
    const where = settings.auth === 'instance_principal' ? 'the instance metadata service (is this an OCI compute instance?)' : 'the OCI_RESOURCE_PRINCIPAL_* variables (is this an OCI Function or other resource?)';
    throw new ConfigError(`--auth ${settings.auth}: could not get credentials from ${where}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  let last: { pem: string; key: KeyObject } | undefined;
  return {
    region: settings.region ?? provider.getRegion().regionId,
    tenancy: undefined,
    source: `--auth ${settings.auth}`,
    getSigningKey: async () => {
      const keyId = await provider.getKeyId();
      const pem = provider.getPrivateKey();
      if (last?.pem !== pem) {
        const { createPrivateKey } = await import('node:crypto');
        last = { pem, key: createPrivateKey(pem) };
      }
      return { keyId, privateKey: last.key };
    },
    sdkProvider: () => Promise.resolve(provider),
  };
}

function exportPem(key: KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }).toString();
}
