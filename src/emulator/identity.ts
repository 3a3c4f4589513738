import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { newGlobalOcid } from './ocid.js';
import { writePrivateFile } from './write-private.js';

/** A keyId as the trust table holds it: the fingerprint part compared without case. */
export function normalizeKeyId(keyId: string): string {
  const slash = keyId.lastIndexOf('/');
  return slash < 0 ? keyId : keyId.slice(0, slash + 1) + keyId.slice(slash + 1).toLowerCase();
}

/** The identity the emulator trusts: requests must be signed with its key. */
export interface TrustedIdentity {
  keyId: string;
  publicKey: KeyObject;
  tenancy: string;
  user: string;
  fingerprint: string;
  region: string;
  /** The config file and profile a client uses to sign as this identity. */
  configFile: string;
  profile: string;
  /** True when the emulator made it (in the state dir) rather than trusting a user's profile. */
  throwaway: boolean;
  /** Why a profile that was looked at is not trusted (so a throwaway identity is used instead). */
  notTrusted?: string;
}

export interface IdentityOptions {
  /** Where a throwaway identity lives. */
  stateDir: string;
  /** A config file to trust a profile of; undefined means ~/.oci/config if it exists. */
  configFile?: string | undefined;
  profile?: string | undefined;
  /** True when the user named the config file or profile: then it must work, no fallback. */
  explicit?: boolean;
  /** Always use (and make if needed) the throwaway identity. */
  newIdentity?: boolean;
  home?: string | undefined;
}

export const THROWAWAY_PROFILE = 'EMULATOR';

/** Thrown when a named profile cannot be trusted; the command turns it into exit 2. */
export class IdentityError extends Error {}

/** Minimal OCI config reader: [PROFILE] sections of key=value, DEFAULT inherited. Independent of src/oci on purpose. */
function readProfile(file: string, profile: string): Record<string, string> | undefined {
  const sections = new Map<string, Record<string, string>>();
  let current: Record<string, string> | undefined;
  for (const raw of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[(.+)\]$/.exec(line);
    if (section?.[1]) {
      current = {};
      sections.set(section[1].trim(), current);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq > 0 && current) current[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  const own = sections.get(profile);
  if (!own) return undefined;
  return { ...(sections.get('DEFAULT') ?? {}), ...own };
}

/** The colon-separated MD5 of the public key's DER (SPKI) form, as OCI shows it. */
export function fingerprintOf(key: KeyObject): string {
  const der = (key.type === 'public' ? key : createPublicKey(key)).export({ type: 'spki', format: 'der' });
  return (createHash('md5').update(der).digest('hex').match(/../g) ?? []).join(':');
}

function expandHome(path: string, home: string): string {
  return path.startsWith('~/') ? join(home, path.slice(2)) : path;
}

function trustProfile(configFile: string, profile: string, home: string): TrustedIdentity | string {
  if (!existsSync(configFile)) return `the config file ${configFile} does not exist`;
  const p = readProfile(configFile, profile);
  if (!p) return `the config file ${configFile} has no profile [${profile}]`;
  for (const key of ['user', 'fingerprint', 'tenancy', 'key_file']) {
    if (!p[key]) return `profile [${profile}] in ${configFile} has no ${key} (the emulator trusts API-key profiles only)`;
  }
  const keyFile = resolve(dirname(configFile), expandHome(p['key_file'] ?? '', home));
  let publicKey: KeyObject;
  try {
    const pem = readFileSync(keyFile, 'utf8');
    publicKey = createPublicKey(createPrivateKey(p['pass_phrase'] ? { key: pem, passphrase: p['pass_phrase'] } : pem));
  } catch (err) {
    return `cannot read the key file ${keyFile} of profile [${profile}]: ${(err as Error).message}`;
  }
  const tenancy = p['tenancy'] ?? '';
  const user = p['user'] ?? '';
  // The service knows a key by its fingerprint: one that names another key cannot sign for it.
  const fingerprint = (p['fingerprint'] ?? '').toLowerCase();
  if (fingerprintOf(publicKey) !== fingerprint) {
    return `the fingerprint of profile [${profile}] in ${configFile} is not the fingerprint of its key file ${keyFile} (${fingerprintOf(publicKey)})`;
  }
  return {
    keyId: `${tenancy}/${user}/${fingerprint}`,
    publicKey,
    tenancy,
    user,
    fingerprint,
    region: p['region'] ?? 'us-ashburn-1',
    configFile,
    profile,
    throwaway: false,
  };
}


/** Creates (or, unless fresh, reuses) the throwaway identity in the state dir. */
function throwawayIdentity(stateDir: string, fresh: boolean, home: string): TrustedIdentity {
  const configFile = join(stateDir, 'config');
  if (!fresh && existsSync(configFile)) {
    const reused = trustProfile(configFile, THROWAWAY_PROFILE, home);
    if (typeof reused !== 'string') return { ...reused, throwaway: true };
  }
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyFile = join(stateDir, 'emulator_key.pem');
  writePrivateFile(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  const fingerprint = fingerprintOf(privateKey);
  const tenancy = newGlobalOcid('tenancy');
  const user = newGlobalOcid('user');
  const text = [
    '# Made by `oci-log emulator`: a throwaway identity the local emulator trusts.',
    '# It is not an OCI account; these credentials work against the emulator only.',
    '# [DEFAULT] is empty on purpose: the OCI SDK warns on every client when a config has none.',
    '[DEFAULT]',
    `[${THROWAWAY_PROFILE}]`,
    `user=${user}`,
    `fingerprint=${fingerprint}`,
    `tenancy=${tenancy}`,
    'region=us-ashburn-1',
    `key_file=${keyFile}`,
    '',
  ].join('\n');
  writePrivateFile(configFile, text);
  return {
    keyId: `${tenancy}/${user}/${fingerprint}`,
    publicKey: createPublicKey(privateKey),
    tenancy,
    user,
    fingerprint,
    region: 'us-ashburn-1',
    configFile,
    profile: THROWAWAY_PROFILE,
    throwaway: true,
  };
}

/**
 * The identity to trust: the user's profile when it is a usable API-key
 * profile, else a throwaway one made in the state dir. A profile the user
 * named explicitly must work: its problem is reported, not papered over.
 */
export function resolveIdentity(options: IdentityOptions): TrustedIdentity {
  const home = options.home ?? homedir();
  if (options.newIdentity) return throwawayIdentity(options.stateDir, true, home);
  const configFile = options.configFile ?? join(home, '.oci', 'config');
  const profile = options.profile ?? 'DEFAULT';
  let notTrusted: string | undefined;
  if (options.explicit || options.configFile !== undefined || existsSync(configFile)) {
    const trusted = trustProfile(configFile, profile, home);
    if (typeof trusted !== 'string') return trusted;
    if (options.explicit) throw new IdentityError(trusted);
    notTrusted = trusted;
  }
  const made = throwawayIdentity(options.stateDir, false, home);
  return notTrusted === undefined ? made : { ...made, notTrusted };
}
