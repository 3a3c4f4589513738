import { X509Certificate, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { isAbsolute } from 'node:path';
import { rootCertificates } from 'node:tls';
import type { AuthenticationDetailsProvider } from 'oci-common';
import { ConfigError } from '../errors.js';
import { withQuietSdk } from './call-service.js';
import type { ConnectionSettings, Credentials, SigningKey } from './connection-settings.js';
import { warnIfOpen } from './file-permissions.js';
import { rotatingProvider } from './signing-provider.js';
import { stringClaim, tokenClaims } from './token-claims.js';

/** Where the SDK looks for instance metadata; OCI_LOG_INSTANCE_METADATA_URL points elsewhere (the emulator). */
export const DEFAULT_METADATA_URL = 'http://169.254.169.254/opc/v2/';
export const METADATA_URL_VAR = 'OCI_LOG_INSTANCE_METADATA_URL';
export const FEDERATION_ENDPOINT_VAR = 'OCI_LOG_FEDERATION_ENDPOINT';
export const OKE_CA_CERT_VAR = 'OCI_LOG_OKE_CA_CERT_FILE';
export const OKE_TOKEN_VAR = 'OCI_LOG_OKE_TOKEN_FILE';

type Env = Readonly<Record<string, string | undefined>>;

function envOf(settings: ConnectionSettings): Env {
  return settings.env ?? {};
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * A principal's region as an OCI region id (short codes like iad are
 * mapped). --region wins. Without --endpoint, a region the SDK does not know
 * is a ConfigError naming it and where it came from, not a crash later.
 */
async function principalRegion(settings: ConnectionSettings, raw: string | undefined, from: string): Promise<string | undefined> {
  if (settings.region !== undefined) return settings.region;
  const text = raw?.trim().toLowerCase();
  if (!text) return undefined;
  const common = await import('oci-common');
  const id = common.Region.getRegionIdFromShortCode(text);
  if (settings.endpoint === undefined && common.Region.fromRegionId(id) === undefined) {
    throw new ConfigError(`--auth ${settings.auth}: region ${JSON.stringify(raw)} (from ${from}) is not an OCI region oci-log knows; give --region or OCI_CLI_REGION`);
  }
  return id;
}

/** A URL from a variable: http(s) with a host, else a ConfigError naming the variable. */
function urlFrom(env: Env, name: string): string | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name}=${value}: not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`${name}=${value}: must be an http or https URL`);
  return value;
}

/**
 * resource_principal: the OCI_RESOURCE_PRINCIPAL_* variables of version 2.2,
 * as OCI Functions and Container Instances set them. As in the SDK, the RPST
 * and the private key (and its passphrase) are each either an absolute path
 * to a file, re-read whenever it changes, or the value itself. The tenancy
 * is the RPST's res_tenant claim. Read here rather than by the SDK's
 * provider, which reads process.env itself: oci-log takes its environment
 * from the caller, and names the variable that is wrong.
 */
export async function resourcePrincipalCredentials(settings: ConnectionSettings, options: { warn?: (message: string) => void }): Promise<Credentials> {
  const env = envOf(settings);
  const fail = (text: string) => new ConfigError(`--auth resource_principal: ${text}`);
  const version = env['OCI_RESOURCE_PRINCIPAL_VERSION'];
  if (!version) throw fail('OCI_RESOURCE_PRINCIPAL_VERSION is not set (is this an OCI Function, Container Instance or other resource? `oci-log emulator --principal-exports-file` writes the variables for the emulator)');
  if (version !== '2.2') throw fail(`OCI_RESOURCE_PRINCIPAL_VERSION=${version}: oci-log reads version 2.2`);
  const need = (name: string): string => {
    const value = env[name];
    if (!value) throw fail(`${name} is not set`);
    return value;
  };
  const rpstVar = need('OCI_RESOURCE_PRINCIPAL_RPST');
  const pemVar = need('OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM');
  const passphraseVar = env['OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM_PASSPHRASE'] || undefined;
  if (isAbsolute(pemVar) !== (passphraseVar === undefined || isAbsolute(passphraseVar))) {
    throw fail('OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM and OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM_PASSPHRASE must both be paths or both values');
  }
  const region = await principalRegion(settings, need('OCI_RESOURCE_PRINCIPAL_REGION'), 'OCI_RESOURCE_PRINCIPAL_REGION');
  for (const v of [rpstVar, pemVar]) if (isAbsolute(v)) await warnIfOpen(v, env, options.warn);

  /** A variable's value, or its file's content when it names one; with a stamp that changes when the file does. */
  const read = async (name: string, value: string): Promise<{ text: string; stamp: string }> => {
    if (!isAbsolute(value)) return { text: value.trim(), stamp: 'value' };
    try {
      const s = await stat(value);
      return { text: (await readFile(value, 'utf8')).trim(), stamp: `${s.mtimeMs}:${s.size}` };
    } catch (err) {
      throw fail(`${name}: cannot read ${value} (${(err as NodeJS.ErrnoException).code ?? message(err)})`);
    }
  };
  let cached: { stamp: string; key: SigningKey; rpst: string } | undefined;
  const getSigningKey = async (): Promise<SigningKey> => {
    const rpst = await read('OCI_RESOURCE_PRINCIPAL_RPST', rpstVar);
    const pem = await read('OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM', pemVar);
    const pass = passphraseVar === undefined ? undefined : await read('OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM_PASSPHRASE', passphraseVar);
    const stamp = `${rpst.stamp}|${pem.stamp}|${pass?.stamp ?? ''}`;
    if (cached?.stamp !== stamp || cached.rpst !== rpst.text) {
      if (rpst.text === '') throw fail('the RPST (OCI_RESOURCE_PRINCIPAL_RPST) is empty');
      let privateKey: KeyObject;
      try {
        privateKey = createPrivateKey(pass === undefined ? pem.text : { key: pem.text, passphrase: pass.text });
      } catch {
        throw fail('OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM is not a usable PEM private key (or its passphrase is wrong)');
      }
      cached = { stamp, key: { keyId: `ST$${rpst.text}`, privateKey }, rpst: rpst.text };
    }
    return cached.key;
  };
  const first = await getSigningKey();
  return {
    region,
    tenancy: stringClaim(cached?.rpst ?? '', 'res_tenant'),
    source: '--auth resource_principal (OCI_RESOURCE_PRINCIPAL_*)',
    getSigningKey,
    sdkProvider: () => Promise.resolve(rotatingProvider(first, getSigningKey)),
  };
}

/** One answer of the instance metadata service (v2: Authorization: Bearer Oracle). */
async function metadata(base: string, path: string): Promise<string> {
  const url = new URL(path, base);
  let response: Response;
  try {
    response = await fetch(url, { headers: { authorization: 'Bearer Oracle' }, signal: AbortSignal.timeout(10_000) });
  } catch (err) {
    throw new ConfigError(`--auth instance_principal: cannot reach the instance metadata service at ${url.href} (${message(err)}); is this an OCI compute instance? (${METADATA_URL_VAR} points elsewhere)`, { cause: err });
  }
  const text = await response.text();
  if (!response.ok) throw new ConfigError(`--auth instance_principal: the instance metadata service answered ${response.status} for ${url.href}`);
  return text.slice(0, 64 * 1024);
}

/**
 * instance_principal: the SDK's provider (it fetches the instance
 * certificate and trades it at the federation endpoint for a token and
 * rotates it), pointed by OCI_LOG_INSTANCE_METADATA_URL and
 * OCI_LOG_FEDERATION_ENDPOINT at other services when set (the SDK reads no
 * variable for either). The tenancy is the certificate's opc-tenant; the
 * region the metadata service's (the SDK does not look it up when the
 * federation endpoint is given).
 */
export async function instancePrincipalCredentials(settings: ConnectionSettings): Promise<Credentials> {
  const env = envOf(settings);
  const base = urlFrom(env, METADATA_URL_VAR) ?? DEFAULT_METADATA_URL;
  const federation = urlFrom(env, FEDERATION_ENDPOINT_VAR);
  const common = await import('oci-common');
  const builder = new common.InstancePrincipalsAuthenticationDetailsProviderBuilder();
  builder.metadataBaseUrl = base;
  if (federation !== undefined) builder.federationEndpoint = federation.replace(/\/+$/, '');
  let provider: Awaited<ReturnType<typeof builder.build>>;
  try {
    provider = await withQuietSdk(() => builder.build());
  } catch (err) {
    throw new ConfigError(`--auth instance_principal: could not get credentials from the instance metadata service at ${base} (is this an OCI compute instance?): ${message(err)}`, { cause: err });
  }
  const sdkRegion = (provider.getRegion() as { regionId?: string } | undefined)?.regionId;
  const region = await principalRegion(settings, sdkRegion ?? (settings.region === undefined ? await metadata(base, 'instance/region') : undefined), `${base}instance/region`);
  let tenancy: string | undefined;
  try {
    tenancy = /opc-tenant:(\S+)/.exec(new X509Certificate(await metadata(base, 'identity/cert.pem')).subject)?.[1];
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    tenancy = undefined;
  }
  return {
    region,
    tenancy,
    source: '--auth instance_principal',
    ...signingFrom(provider, 'instance_principal'),
  };
}

const SERVICE_ACCOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';
/** An RPST is renewed this long before it expires. */
const RENEW_MARGIN_MS = 5 * 60_000;

/**
 * oke_workload_identity: trades the pod's service account token at the
 * cluster's proxymux (https://KUBERNETES_SERVICE_HOST:KUBERNETES_SERVICE_PORT_PROXYMUX)
 * for an RPST bound to a session key oci-log makes, and renews it before it
 * expires (a new session key each time, as the SDK does). The proxymux's
 * certificate is checked against the service account's ca.crt.
 *
 * Not the SDK's provider: on Node 18 and later the SDK's HTTP client is the
 * built-in fetch, which ignores the agent that carries that CA, so the
 * SDK's call to the proxymux fails TLS verification unless the cluster CA
 * is trusted process-wide (NODE_EXTRA_CA_CERTS); and it reads the proxymux
 * address from process.env rather than the environment oci-log was given.
 * OCI_LOG_OKE_CA_CERT_FILE and OCI_LOG_OKE_TOKEN_FILE replace the service
 * account's ca.crt and token paths. The tenancy is the RPST's res_tenant;
 * the region must be given (--region or OCI_CLI_REGION) unless --endpoint is.
 */
export async function okeWorkloadIdentityCredentials(settings: ConnectionSettings): Promise<Credentials> {
  const env = envOf(settings);
  const fail = (text: string, cause?: unknown) => new ConfigError(`--auth oke_workload_identity: ${text}`, cause === undefined ? {} : { cause });
  for (const name of ['KUBERNETES_SERVICE_HOST', 'KUBERNETES_SERVICE_PORT_PROXYMUX']) {
    if (!env[name]) throw fail(`${name} is not set (OKE sets it in the pods of enhanced clusters; \`oci-log emulator --principal-exports-file\` writes it for the emulator)`);
  }
  if (settings.region === undefined && settings.endpoint === undefined) throw fail('the workload names no region: give --region or OCI_CLI_REGION');
  const host = env['KUBERNETES_SERVICE_HOST'] ?? '';
  const port = Number(env['KUBERNETES_SERVICE_PORT_PROXYMUX']);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw fail(`KUBERNETES_SERVICE_PORT_PROXYMUX=${env['KUBERNETES_SERVICE_PORT_PROXYMUX']}: not a port`);
  const caFile = env[OKE_CA_CERT_VAR] || `${SERVICE_ACCOUNT}/ca.crt`;
  const tokenFile = env[OKE_TOKEN_VAR] || `${SERVICE_ACCOUNT}/token`;
  const readText = async (file: string, what: string): Promise<string> => {
    try {
      return (await readFile(file, 'utf8')).trim();
    } catch (err) {
      throw fail(`cannot read the ${what} ${file} (${(err as NodeJS.ErrnoException).code ?? message(err)})`, err);
    }
  };
  const ca = await readText(caFile, 'service account CA certificate');
  const where = `https://${host.includes(':') ? `[${host}]` : host}:${port}/resourcePrincipalSessionTokens`;

  /** One RPST from the proxymux, for a new session key. */
  const renew = async (): Promise<{ key: SigningKey; expiresAt: number }> => {
    // The service account token is re-read each time: the kubelet rotates it.
    const saToken = await readText(tokenFile, 'service account token');
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const podKey = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    const body = JSON.stringify({ podKey });
    const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpsRequest(
        where,
        {
          method: 'POST',
          ca: [...rootCertificates, ca],
          headers: { authorization: `Bearer ${saToken}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
          timeout: 10_000,
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => {
            if (text.length < 1_000_000) text += c;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error('no answer in 10 s')));
      req.on('error', reject);
      req.end(body);
    }).catch((err: unknown) => {
      throw fail(`could not reach the proxymux at ${where}: ${message(err)}`, err);
    });
    if (answer.status !== 200) throw fail(`the proxymux at ${where} answered ${answer.status} (is the service account token ${tokenFile} current?)`);
    let token: unknown;
    try {
      token = (JSON.parse(Buffer.from(answer.text, 'base64').toString('utf8')) as { token?: unknown }).token;
    } catch {
      token = undefined;
    }
    if (typeof token !== 'string' || !token.startsWith('ST$') || token.length < 10) throw fail(`the proxymux at ${where} answered no RPST`);
    const rpst = token.slice(3);
    const exp = Number(tokenClaims(rpst)?.['exp']);
    return { key: { keyId: `ST$${rpst}`, privateKey }, expiresAt: Number.isFinite(exp) ? exp * 1000 : Date.now() + 10 * 60_000 };
  };

  let current = await renew();
  let renewing: Promise<void> | undefined;
  const getSigningKey = async (): Promise<SigningKey> => {
    if (current.expiresAt - Date.now() < RENEW_MARGIN_MS) {
      renewing ??= renew().then(
        (next) => {
          current = next;
          renewing = undefined;
        },
        (err: unknown) => {
          renewing = undefined;
          throw err;
        },
      );
      await renewing;
    }
    return current.key;
  };
  const first = current.key;
  return {
    region: settings.region,
    tenancy: stringClaim(first.keyId.slice(3), 'res_tenant'),
    source: '--auth oke_workload_identity',
    getSigningKey,
    sdkProvider: () => Promise.resolve(rotatingProvider(first, getSigningKey)),
  };
}

/** Signing with an SDK principal provider: whatever session key and token it holds now. */
function signingFrom(provider: AuthenticationDetailsProvider, auth: string): Pick<Credentials, 'getSigningKey' | 'sdkProvider'> {
  let last: { pem: string; key: KeyObject } | undefined;
  return {
    getSigningKey: async () => {
      let keyId: string;
      try {
        keyId = await withQuietSdk(() => provider.getKeyId());
      } catch (err) {
        throw new ConfigError(`--auth ${auth}: could not renew the session token: ${message(err)}`, { cause: err });
      }
      const pem = provider.getPrivateKey();
      if (last?.pem !== pem) last = { pem, key: createPrivateKey(pem) };
      return { keyId, privateKey: last.key };
    },
    sdkProvider: () => Promise.resolve(provider),
  };
}

