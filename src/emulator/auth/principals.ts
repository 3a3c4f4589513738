import { X509Certificate, createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { Server as HttpsServer } from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import sshpk from 'sshpk';
import { readCappedBody } from '../body-reader.js';
import { HttpError, invalid, parseJsonBody } from '../http-error.js';
import type { Reply } from '../http-error.js';
import { newOcid } from '../ocid.js';
import { verifyRequest } from '../signature-verifier.js';
import { TokenIssuer } from './tokens.js';

/** The profile of the session-token config file the emulator writes. */
export { SESSION_PROFILE } from '../defaults.js';
import { SESSION_PROFILE } from '../defaults.js';
/** Session tokens and RPSTs written at start are valid this long (restart, or rotate, for new ones). */
const LONG_TOKEN_MS = 24 * 3_600_000;
/** Tokens the federation endpoints hand out; the SDK asks for new ones when they expire. */
const SHORT_TOKEN_MS = 3_600_000;
const MAX_IDENTITY_BODY = 64 * 1024;

/** The keys kept in the principals folder (made on first use, reused after). */
export const PRINCIPAL_KEY_FILES = ['token_signing_key.pem', 'ca_key.pem', 'instance_key.pem', 'resource_principal_key.pem', 'session_key.pem', 'oke_server_key.pem'] as const;

export interface PrincipalsOptions {
  /** Where keys, certificates, tokens and the session profile are kept (0700). */
  dir: string;
  tenancy: string;
  user: string;
  region: string;
  now: () => number;
}

function writePrivate(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, path);
}

/** An RSA key kept in a file: made once, reused by later runs (key generation is the slow part). */
function keyFile(path: string): KeyObject {
  if (existsSync(path)) return createPrivateKey(readFileSync(path, 'utf8'));
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writePrivate(path, pemOf(privateKey));
  return privateKey;
}

function pemOf(key: KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }).toString();
}

function fingerprintOf(key: KeyObject): string {
  const der = createPublicKey(key).export({ type: 'spki', format: 'der' });
  return (createHash('md5').update(der).digest('hex').match(/../g) ?? []).join(':');
}

/** The PEM body without armor or newlines, as the SDK sends certificates and keys. */
function fromBareBase64(text: unknown, label: 'CERTIFICATE' | 'PUBLIC KEY'): string {
  if (typeof text !== 'string' || !/^[A-Za-z0-9+/=\s-]+$/.test(text)) throw invalid(`the ${label.toLowerCase()} is not base64`);
  const body = text.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
  return `-----BEGIN ${label}-----\n${body.replace(/(.{64})/g, '$1\n')}\n-----END ${label}-----\n`;
}

const sshKey = (key: KeyObject) => sshpk.parsePrivateKey(pemOf(key), 'pem');
// @types/sshpk says subjects are strings; sshpk takes (and gives) Identity objects.
const dn = (text: string) => sshpk.identityFromDN(text) as unknown as string;

/**
 * The emulator's stand-ins for OCI's identity services, so every auth type
 * works offline: a CA and an instance certificate served at the instance
 * metadata paths (/opc/v2/…) with the federation endpoint (/v1/x509) that
 * trades them for instance tokens; a resource principal (v2.2) RPST and
 * key; a session token profile (as `oci session authenticate` writes); and
 * an OKE proxymux (HTTPS, its own port on localhost) that trades a service
 * account token for an RPST. Every token is signed by the emulator's token
 * key and names its session key; requests signed with keyId ST$<token> are
 * checked against it.
 */
export class Principals {
  readonly tokens: TokenIssuer;
  private readonly caKey: KeyObject;
  private readonly caCertPem: string;
  private readonly instanceKey: KeyObject;
  private readonly instanceCertPem: string;
  private readonly instanceId = newOcid('instance');
  private readonly resourceId = newOcid('fnfunc');
  private readonly rpKey: KeyObject;
  private readonly sessionKey: KeyObject;
  private readonly okeServerKey: KeyObject;
  private readonly okeSaToken: string;
  private rpst = '';
  private sessionToken = '';
  private oke: HttpsServer | undefined;
  readonly files: { sessionConfig: string; sessionToken: string; sessionKey: string; rpst: string; rpKey: string; okeCa: string; okeToken: string };

  constructor(private readonly options: PrincipalsOptions) {
    mkdirSync(options.dir, { recursive: true, mode: 0o700 });
    const at = (name: string) => join(options.dir, name);
    this.tokens = new TokenIssuer(keyFile(at('token_signing_key.pem')), options.now);
    this.caKey = keyFile(at('ca_key.pem'));
    this.instanceKey = keyFile(at('instance_key.pem'));
    this.rpKey = keyFile(at('resource_principal_key.pem'));
    this.sessionKey = keyFile(at('session_key.pem'));
    this.okeServerKey = keyFile(at('oke_server_key.pem'));
    this.files = {
      sessionConfig: at('config'),
      sessionToken: at('session_token'),
      sessionKey: at('session_key.pem'),
      rpst: at('resource_principal_rpst'),
      rpKey: at('resource_principal_key.pem'),
      okeCa: at('oke_ca.pem'),
      okeToken: at('oke_service_account_token'),
    };
    // Certificates are cheap: made afresh each run, valid from now.
    const caId = dn('CN=oci-log emulator intermediate CA, O=oci-log emulator');
    const lifetime = 365 * 86_400;
    this.caCertPem = sshpk.createSelfSignedCertificate(caId, sshKey(this.caKey) as unknown as sshpk.Key, { lifetime, purposes: ['ca', 'serverAuth', 'clientAuth'] }).toString('pem');
    const t = options.tenancy;
    const leaf = dn(`CN=${this.instanceId}, OU=opc-certtype:instance, OU=opc-compartment:${t}, OU=opc-instance:${this.instanceId}, OU=opc-tenant:${t}`);
    this.instanceCertPem = sshpk.createCertificate(leaf, sshKey(this.instanceKey).toPublic(), caId, sshKey(this.caKey), { lifetime }).toString('pem');
    writePrivate(this.files.okeCa, this.caCertPem);
    if (!existsSync(this.files.okeToken)) writePrivate(this.files.okeToken, `emulator-sa-${randomBytes(24).toString('base64url')}`);
    this.okeSaToken = readFileSync(this.files.okeToken, 'utf8').trim();
  }

  /** Writes the session token, its profile and the RPST; starts the OKE proxymux; gives the variables that use them. */
  async start(endpoint: string): Promise<string[]> {
    this.writeTokens();
    const o = this.options;
    const profile = [
      '# Made by `oci-log emulator`: a session-token profile (as `oci session authenticate` writes) the emulator trusts.',
      '[DEFAULT]',
      `[${SESSION_PROFILE}]`,
      `fingerprint=${fingerprintOf(this.sessionKey)}`,
      `key_file=${this.files.sessionKey}`,
      `tenancy=${o.tenancy}`,
      `region=${o.region}`,
      `security_token_file=${this.files.sessionToken}`,
      '',
    ].join('\n');
    writePrivate(this.files.sessionConfig, profile);
    const okeCert = sshpk
      .createCertificate(sshpk.identityForHost('localhost') as unknown as string, sshKey(this.okeServerKey).toPublic(), dn('CN=oci-log emulator intermediate CA, O=oci-log emulator'), sshKey(this.caKey), {
        lifetime: 365 * 86_400,
        purposes: ['serverAuth'],
      })
      .toString('pem');
    this.oke = createHttpsServer({ key: pemOf(this.okeServerKey), cert: okeCert }, (req, res) => void this.proxymux(req, res));
    await new Promise<void>((resolve, reject) => {
      this.oke?.once('error', reject);
      this.oke?.listen(0, 'localhost', () => resolve());
    });
    const okePort = (this.oke.address() as AddressInfo).port;
    const q = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;
    return [
      `# Made by oci-log emulator: what --auth instance_principal, resource_principal and oke_workload_identity need to use it.`,
      `# --auth security_token: oci-log --auth security_token --config-file ${q(this.files.sessionConfig)} --profile ${SESSION_PROFILE}`,
      `export OCI_LOG_ENDPOINT=${q(endpoint)}`,
      `export OCI_LOG_INSTANCE_METADATA_URL=${q(`${endpoint}/opc/v2/`)}`,
      `export OCI_LOG_FEDERATION_ENDPOINT=${q(endpoint)}`,
      `export OCI_RESOURCE_PRINCIPAL_VERSION='2.2'`,
      `export OCI_RESOURCE_PRINCIPAL_RPST=${q(this.files.rpst)}`,
      `export OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM=${q(this.files.rpKey)}`,
      `export OCI_RESOURCE_PRINCIPAL_REGION=${q(o.region)}`,
      `export KUBERNETES_SERVICE_HOST='localhost'`,
      `export KUBERNETES_SERVICE_PORT_PROXYMUX='${okePort}'`,
      `export OCI_LOG_OKE_CA_CERT_FILE=${q(this.files.okeCa)}`,
      `export OCI_LOG_OKE_TOKEN_FILE=${q(this.files.okeToken)}`,
    ];
  }

  private writeTokens(): void {
    const t = this.options.tenancy;
    this.sessionToken = this.tokens.issue({ sub: this.options.user, tenant: t, ptype: 'user', sess_exp: Math.floor((this.options.now() + LONG_TOKEN_MS) / 1000) }, createPublicKey(this.sessionKey), LONG_TOKEN_MS);
    writePrivate(this.files.sessionToken, this.sessionToken);
    this.rpst = this.tokens.issue({ sub: this.resourceId, res_tenant: t, res_compartment: t, res_type: 'fnfunc', ptype: 'resource' }, createPublicKey(this.rpKey), LONG_TOKEN_MS);
    writePrivate(this.files.rpst, this.rpst);
  }

  /**
   * New session token and RPST files (what `oci session refresh`, or the
   * platform, does), the old ones refused from now on, as if expired.
   */
  rotate(): void {
    const old = [this.sessionToken, this.rpst];
    this.writeTokens();
    for (const token of old) this.tokens.revoke(token);
  }

  async stop(): Promise<void> {
    const oke = this.oke;
    if (!oke) return;
    await new Promise<void>((resolve) => {
      oke.close(() => resolve());
      oke.closeAllConnections();
    });
  }

  /** The instance metadata service (/opc/v2/…, Authorization: Bearer Oracle) and the federation endpoint (POST /v1/x509). */
  async identity(req: IncomingMessage, url: URL, now: number): Promise<Reply> {
    const method = req.method ?? 'GET';
    if (url.pathname.startsWith('/opc/v2/')) {
      if (method !== 'GET') throw new HttpError(405, 'MethodNotAllowed', 'the instance metadata service answers GET only');
      if (req.headers.authorization !== 'Bearer Oracle') throw new HttpError(401, 'NotAuthorized', 'the instance metadata service (v2) needs the header Authorization: Bearer Oracle');
      // as v2 does: a request that came through a proxy is not the instance's own
      const forwarded = ['forwarded', 'x-forwarded-for', 'x-forwarded-host'].find((h) => req.headers[h] !== undefined);
      if (forwarded !== undefined) throw new HttpError(403, 'Forbidden', `the instance metadata service (v2) refuses forwarded requests (the request has a ${forwarded} header)`);
      const text = (body: string): Reply => ({ status: 200, text: body });
      switch (url.pathname) {
        case '/opc/v2/instance/region':
          return text(this.options.region);
        case '/opc/v2/identity/cert.pem':
          return text(this.instanceCertPem);
        case '/opc/v2/identity/key.pem':
          return text(pemOf(this.instanceKey));
        case '/opc/v2/identity/intermediate.pem':
          return text(this.caCertPem);
        case '/opc/v2/instance/':
          return { status: 200, body: { id: this.instanceId, compartmentId: this.options.tenancy, region: this.options.region, canonicalRegionName: this.options.region } };
      }
      throw new HttpError(404, 'NotFound', `no instance metadata at ${url.pathname.slice(0, 100)}`);
    }
    if (method !== 'POST') throw new HttpError(405, 'MethodNotAllowed', 'the federation endpoint answers POST only');
    const body = await readCappedBody(req, MAX_IDENTITY_BODY);
    if (body === 'too-large' || body === 'aborted') throw invalid(`the federation request body must be under ${MAX_IDENTITY_BODY} bytes`);
    return this.federate(req.method ?? 'POST', req.url ?? '/v1/x509', req.headers, body, now);
  }

  /**
   * /v1/x509: the request is signed with the instance certificate's key
   * (keyId <tenancy>/fed-x509/<SHA-1 fingerprint>); the certificate must be
   * one this CA issued to this tenancy. Answers {"token": …} for the session
   * public key sent.
   */
  private federate(method: string, target: string, headers: IncomingHttpHeaders, body: Buffer, now: number): Reply {
    const b = parseJsonBody(body);
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(fromBareBase64(b['certificate'], 'CERTIFICATE'));
    } catch (err) {
      if (err instanceof HttpError) throw err;
      throw invalid('certificate: not an X.509 certificate');
    }
    const ca = new X509Certificate(this.caCertPem);
    if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) throw new HttpError(401, 'NotAuthenticated', 'the certificate was not issued by this emulator');
    const tenant = /opc-tenant:(\S+)/.exec(cert.subject)?.[1];
    if (tenant !== this.options.tenancy) throw new HttpError(401, 'NotAuthenticated', `the certificate's tenancy ${tenant ?? '(none)'} is not this emulator's`);
    const expectedKeyId = `${tenant}/fed-x509/${cert.fingerprint.toLowerCase()}`;
    const verdict = verifyRequest({ method, target, headers, body }, { publicKeyFor: (keyId) => (keyId.toLowerCase() === expectedKeyId ? cert.publicKey : undefined), now: () => now });
    if (!verdict.ok) throw new HttpError(401, 'NotAuthenticated', `federation request: ${verdict.reason}`);
    let sessionKey: KeyObject;
    try {
      sessionKey = createPublicKey(fromBareBase64(b['publicKey'], 'PUBLIC KEY'));
    } catch (err) {
      if (err instanceof HttpError) throw err;
      throw invalid('publicKey: not a public key');
    }
    const instance = /opc-instance:(\S+)/.exec(cert.subject)?.[1] ?? this.instanceId;
    const token = this.tokens.issue(
      { sub: instance, tenant, 'opc-tenant': tenant, 'opc-instance': instance, 'opc-compartment': tenant, 'opc-certtype': 'instance', ptype: 'instance', ttype: 'x509' },
      sessionKey,
      SHORT_TOKEN_MS,
    );
    return { status: 200, body: { token } };
  }

  /** OKE's proxymux: POST /resourcePrincipalSessionTokens with the service account token; answers base64({"token":"ST$<rpst>"}). */
  private async proxymux(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const answer = (status: number, body: string): void => {
      res.writeHead(status, { 'content-type': status === 200 ? 'text/plain' : 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    };
    try {
      if (req.method !== 'POST' || req.url !== '/resourcePrincipalSessionTokens') return answer(404, JSON.stringify({ code: 'NotFound', message: 'POST /resourcePrincipalSessionTokens only' }));
      const given = Buffer.from(/^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '');
      const expected = Buffer.from(this.okeSaToken);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return answer(401, JSON.stringify({ code: 'NotAuthenticated', message: 'not the service account token the emulator issued' }));
      const body = await readCappedBody(req, MAX_IDENTITY_BODY);
      if (body === 'too-large' || body === 'aborted') return answer(400, JSON.stringify({ code: 'InvalidParameter', message: 'body too large' }));
      const podKey = createPublicKey(fromBareBase64(parseJsonBody(body)['podKey'], 'PUBLIC KEY'));
      const t = this.options.tenancy;
      const rpst = this.tokens.issue({ sub: newOcid('cluster'), res_tenant: t, res_compartment: t, res_type: 'workload', ptype: 'resource' }, podKey, SHORT_TOKEN_MS);
      answer(200, Buffer.from(JSON.stringify({ token: `ST$${rpst}` })).toString('base64'));
    } catch (err) {
      answer(400, JSON.stringify({ code: 'InvalidParameter', message: err instanceof Error ? err.message : 'bad request' }));
    }
  }
}
