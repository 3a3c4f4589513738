import { createHash, createSign } from 'node:crypto';
import type { SigningKey } from './connection-settings.js';

export interface RequestToSign {
  method: string;
  /** Path and query, exactly as sent. */
  target: string;
  /** Host header value: host, plus the port when not the default. */
  host: string;
  body?: Buffer;
  contentType?: string;
  /** When the request is made: the `date` header (a string is sent as given). */
  date: Date | string;
}

const BODY_METHODS = new Set(['post', 'put', 'patch']);

/**
 * Signs a request with the OCI HTTP signature scheme (draft-cavage, rsa-sha256):
 * date, (request-target) and host always, and content-length, content-type and
 * x-content-sha256 for methods with a body. Returns the headers to send.
 */
export function signRequest(req: RequestToSign, key: SigningKey): Record<string, string> {
  const method = req.method.toLowerCase();
  const headers: Record<string, string> = { date: typeof req.date === 'string' ? req.date : req.date.toUTCString(), host: req.host };
  const names = ['date', '(request-target)', 'host'];
  if (BODY_METHODS.has(method)) {
    const body = req.body ?? Buffer.alloc(0);
    headers['content-length'] = String(body.length);
    headers['content-type'] = req.contentType ?? 'application/json';
    headers['x-content-sha256'] = createHash('sha256').update(body).digest('base64');
    names.push('content-length', 'content-type', 'x-content-sha256');
  }
  const signingString = names
    .map((name) => (name === '(request-target)' ? `(request-target): ${method} ${req.target}` : `${name}: ${headers[name] ?? ''}`))
    .join('\n');
  const signature = createSign('sha256').update(signingString).sign(key.privateKey, 'base64');
  headers['authorization'] =
    `Signature version="1",keyId="${key.keyId}",algorithm="rsa-sha256",headers="${names.join(' ')}",signature="${signature}"`;
  return headers;
}
