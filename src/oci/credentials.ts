import { readFile, stat } from 'node:fs/promises';
import type { KeyObject } from 'node:crypto';
import { ConfigError } from '../errors.js';
import { configFilePath, pathFromConfig, readConfigProfile, requireKey, type ConfigProfile } from './config-file.js';
import { warnIfOpen } from './file-permissions.js';
import { checkFingerprint, readPrivateKey } from './key-files.js';
import type { ConnectionSettings, Credentials, SigningKey } from './connection-settings.js';
import { instancePrincipalCredentials, okeWorkloadIdentityCredentials, resourcePrincipalCredentials } from './principal-credentials.js';
import { setUnauthorizedHint } from './service-error.js';
import { rotatingProvider } from './signing-provider.js';
import { stringClaim } from './token-claims.js';

export interface ResolveOptions {
  /** Where warnings go (files readable by others), one line each; nowhere when absent (--quiet). */
  warn?: (message: string) => void;
}

/**
 * Resolves the credentials the settings point at, and validates them fully
 * (file, profile, keys, key file, fingerprint, token, principal region)
 * before anything is sent, so a broken setup fails at once with a message
 * naming the file, variable or key.
 */
export async function resolveCredentials(settings: ConnectionSettings, options: ResolveOptions = {}): Promise<Credentials> {
  setUnauthorizedHint(settings.auth);
  switch (settings.auth) {
    case 'api_key':
      return apiKeyCredentials(settings, options);
    case 'security_token':
      return securityTokenCredentials(settings, options);
    case 'instance_principal':
      return instancePrincipalCredentials(settings);
    case 'resource_principal':
      return resourcePrincipalCredentials(settings, options);
    case 'oke_workload_identity':
      return okeWorkloadIdentityCredentials(settings);
  }
}

async function loadProfile(settings: ConnectionSettings, options: ResolveOptions): Promise<{ file: string; profile: ConfigProfile; what: string }> {
  const file = configFilePath(settings.configFile, settings.home);
  const profile = await readConfigProfile(file, settings.profile);
  await warnIfOpen(file, settings.env ?? {}, options.warn);
  return { file, profile, what: `${file} [${settings.profile}]` };
}

async function apiKeyCredentials(settings: ConnectionSettings, options: ResolveOptions): Promise<Credentials> {
  const { file, profile, what } = await loadProfile(settings, options);
  const user = requireKey(profile, 'user', file, settings.profile);
  const tenancy = requireKey(profile, 'tenancy', file, settings.profile);
  const fingerprint = requireKey(profile, 'fingerprint', file, settings.profile);
  const keyFile = pathFromConfig(requireKey(profile, 'key_file', file, settings.profile), file, settings.home);
  const passphrase = profile['pass_phrase'] || undefined;
  const privateKey = await readPrivateKey(keyFile, passphrase, what);
  await warnIfOpen(keyFile, settings.env ?? {}, options.warn);
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

/**
 * A session token profile (`oci session authenticate`): keyId ST$<token>,
 * the token re-read whenever its file changes (`oci session refresh`), on
 * the PutLogs path and the SDK's alike. fingerprint and user are not needed;
 * the tenancy is the profile's, else the token's `tenant` claim.
 */
async function securityTokenCredentials(settings: ConnectionSettings, options: ResolveOptions): Promise<Credentials> {
  const { file, profile, what } = await loadProfile(settings, options);
  const tokenFile = pathFromConfig(requireKey(profile, 'security_token_file', file, settings.profile), file, settings.home);
  const keyFile = pathFromConfig(requireKey(profile, 'key_file', file, settings.profile), file, settings.home);
  const privateKey = await readPrivateKey(keyFile, profile['pass_phrase'] || undefined, what);
  await warnIfOpen(keyFile, settings.env ?? {}, options.warn);
  await warnIfOpen(tokenFile, settings.env ?? {}, options.warn);
  let cached: { mtimeMs: number; key: SigningKey; token: string } | undefined;
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
      cached = { mtimeMs, key: { keyId: `ST$${token}`, privateKey }, token };
    }
    return cached.key;
  };
  const first = await getSigningKey();
  return {
    region: settings.region ?? profile['region'],
    tenancy: profile['tenancy'] || stringClaim(cached?.token ?? '', 'tenant'),
    source: what,
    getSigningKey,
    sdkProvider: () => Promise.resolve(rotatingProvider(first, getSigningKey)),
  };
}

function exportPem(key: KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }).toString();
}
