import { createHash, verify as verifySignature_ } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

/** What the verifier needs of a request: its method, target and headers as received, and its body. */
export interface SignedRequest {
  method: string;
  /** The request target exactly as sent: path and query string. */
  target: string;
  /** Header names in lower case. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body: Buffer;
}

export interface VerifierOptions {
  /** The public key trusted for a keyId; undefined when the keyId is unknown, or why it is not trusted (an expired token). */
  publicKeyFor(keyId: string): KeyObject | undefined | string;
  /** Current time in ms; injectable so the published examples can be checked at their own date. */
  now?: () => number;
  /** Allowed clock skew, 5 minutes as the service allows. */
  maxSkewMs?: number;
}

export type VerifyResult = { ok: true; keyId: string } | { ok: false; reason: string };

/** A request before its body is read. */
export type SignedHeaders = Omit<SignedRequest, 'body'>;

const BODY_METHODS = new Set(['post', 'put', 'patch']);
const BODY_HEADERS = ['content-length', 'content-type', 'x-content-sha256'];

/** Parses `Signature version="1",keyId="…",…` into its parameters. */
export function parseAuthorization(value: string): Map<string, string> | undefined {
  const m = /^Signature\s+(.*)$/s.exec(value.trim());
  if (!m?.[1]) return undefined;
  const params = new Map<string, string>();
  const re = /\s*([A-Za-z]+)="([^"]*)"\s*(?:,|$)/gy;
  let match: RegExpExecArray | null;
  let consumed = 0;
  while ((match = re.exec(m[1])) !== null) {
    params.set(match[1] ?? '', match[2] ?? '');
    consumed = re.lastIndex;
    if (consumed >= m[1].length) break;
  }
  return consumed === m[1].length ? params : undefined;
}

function header(req: SignedHeaders, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

/**
 * Checks an OCI request signature the way the service does: the
 * Authorization header's form, the headers that must be signed for the
 * method, the body's hash and length, the date's skew, and the RSA-SHA256
 * signature over the signing string. Pure: no I/O, clock injectable.
 */
export function verifyRequest(req: SignedRequest, options: VerifierOptions): VerifyResult {
  const verdict = verifySignature(req, options);
  if (!verdict.ok || !hasBody(req.method)) return verdict;
  const reason = verifyBody(req, req.body);
  return reason === undefined ? verdict : { ok: false, reason };
}

/** True for the methods whose body is signed (through content-length and x-content-sha256). */
export function hasBody(method: string): boolean {
  return BODY_METHODS.has(method.toLowerCase());
}

/**
 * Everything verifyRequest checks but the body itself: enough to know who
 * sent the request before reading a byte of its body. For a method with a
 * body, content-length and x-content-sha256 are among the signed headers,
 * so the length is known and the hash is then checked by verifyBody.
 */
export function verifySignature(req: SignedHeaders, options: VerifierOptions): VerifyResult {
  const fail = (reason: string): VerifyResult => ({ ok: false, reason });
  const authorization = header(req, 'authorization');
  if (authorization === undefined) return fail('the request has no Authorization header');
  const params = parseAuthorization(authorization);
  if (!params) return fail('the Authorization header is not an OCI Signature header');
  if (params.get('version') !== '1') return fail('the signature version must be "1"');
  if (params.get('algorithm') !== 'rsa-sha256') return fail('the signature algorithm must be "rsa-sha256"');
  const keyId = params.get('keyId');
  const signature = params.get('signature');
  const headersParam = params.get('headers');
  if (!keyId || !signature || headersParam === undefined) return fail('the Authorization header lacks keyId, headers or signature');

  const signed = headersParam.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const method = req.method.toLowerCase();
  const dateHeader = signed.includes('x-date') ? 'x-date' : signed.includes('date') ? 'date' : undefined;
  const required = ['(request-target)', 'host', ...(BODY_METHODS.has(method) ? BODY_HEADERS : [])];
  const missing = required.filter((h) => !signed.includes(h));
  if (dateHeader === undefined) missing.unshift('date or x-date');
  if (missing.length > 0) return fail(`required headers are not signed: ${missing.join(', ')}`);

  const lines: string[] = [];
  for (const name of signed) {
    if (name === '(request-target)') {
      lines.push(`(request-target): ${method} ${req.target}`);
      continue;
    }
    const value = header(req, name);
    if (value === undefined) return fail(`the signed header ${name} is missing from the request`);
    lines.push(`${name}: ${value}`);
  }

  const when = Date.parse(header(req, dateHeader ?? 'date') ?? '');
  if (Number.isNaN(when)) return fail(`the ${dateHeader} header is not a valid date`);
  const now = (options.now ?? Date.now)();
  const skew = options.maxSkewMs ?? 5 * 60_000;
  if (Math.abs(now - when) > skew) return fail(`the ${dateHeader} header is more than ${skew / 60_000} minutes from the server's clock`);
  if (BODY_METHODS.has(method) && !/^\d{1,15}$/.test(header(req, 'content-length') ?? '')) return fail('content-length is not a byte count');

  const key = options.publicKeyFor(keyId);
  if (typeof key === 'string') return fail(key);
  if (!key) return fail(`the keyId ${keyId.length > 120 ? `${keyId.slice(0, 120)}…` : keyId} is not known to this server`);
  const ok = verifySignature_('sha256', Buffer.from(lines.join('\n')), key, Buffer.from(signature, 'base64'));
  return ok ? { ok: true, keyId } : fail('the signature does not match the request (wrong key, or the request was changed)');
}

/** The body's checks, once it is read: its length and hash are what the signed headers say. */
export function verifyBody(req: SignedHeaders, body: Buffer): string | undefined {
  if (Number(header(req, 'content-length')) !== body.length) return 'content-length does not match the body';
  const hash = createHash('sha256').update(body).digest('base64');
  if (header(req, 'x-content-sha256') !== hash) return 'x-content-sha256 does not match the body';
  return undefined;
}
