import { createHash, createSign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { request } from 'node:http';
import type { Agent } from 'node:http';
import { readFileSync } from 'node:fs';
import { createPrivateKey } from 'node:crypto';

/**
 * A deliberately small, test-only OCI request signer (independent of
 * src/oci), so emulator tests can build good requests and then break them
 * one part at a time.
 */
export interface RawRequest {
  method: string;
  url: string;
  body?: string | Buffer;
  keyId: string;
  key: KeyObject;
  /** Override what gets signed or sent, to break one thing. */
  signedHeaders?: string[];
  date?: Date;
  /** A keep-alive agent, to send several requests over one connection. */
  agent?: Agent;
  /** Extra headers, set before signing (so they can be signed, e.g. x-date). */
  headers?: Record<string, string>;
  mutate?: (headers: Record<string, string>, body: Buffer) => Buffer;
  /** Aborts the request (the client giving up). */
  signal?: AbortSignal;
  /** Send only this many bytes of the (signed, declared) body, and wait: a body shorter than its content-length. */
  rawBodyLength?: number;
}

export function keyFromConfig(configFile: string, profile: string): { keyId: string; key: KeyObject } {
  const lines = readFileSync(configFile, 'utf8').split('\n');
  const start = lines.indexOf(`[${profile}]`);
  const values: Record<string, string> = {};
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('[')) break;
    const eq = line.indexOf('=');
    if (eq > 0) values[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return {
    keyId: `${values['tenancy']}/${values['user']}/${values['fingerprint']}`,
    key: createPrivateKey(readFileSync(values['key_file'] ?? '', 'utf8')),
  };
}

export interface RawResponse {
  status: number;
  /** The client-side port of the connection it came over (to see a connection reused). */
  localPort: number | undefined;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function signedRequest(r: RawRequest): Promise<RawResponse> {
  const url = new URL(r.url);
  let body: Buffer = Buffer.from(r.body ?? "");
  const method = r.method.toLowerCase();
  const headers: Record<string, string> = {
    date: (r.date ?? new Date()).toUTCString(),
    host: url.host,
    ...r.headers,
  };
  const hasBody = ['post', 'put', 'patch'].includes(method);
  if (hasBody) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(body.length);
    headers['x-content-sha256'] = createHash('sha256').update(body).digest('base64');
  }
  const signed = r.signedHeaders ?? ['date', '(request-target)', 'host', ...(hasBody ? ['content-length', 'content-type', 'x-content-sha256'] : [])];
  const target = url.pathname + url.search;
  const signingString = signed.map((h) => (h === '(request-target)' ? `(request-target): ${method} ${target}` : `${h}: ${headers[h] ?? ''}`)).join('\n');
  const signature = createSign('sha256').update(signingString).sign(r.key, 'base64');
  headers['authorization'] = `Signature version="1",keyId="${r.keyId}",algorithm="rsa-sha256",headers="${signed.join(' ')}",signature="${signature}"`;
  if (r.mutate) body = r.mutate(headers, body);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: r.method, headers, ...(r.agent ? { agent: r.agent } : {}), ...(r.signal ? { signal: r.signal } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      const localPort = res.socket?.localPort;
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, localPort, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(hasBody ? (r.rawBodyLength === undefined ? body : body.subarray(0, r.rawBodyLength)) : undefined);
  });
}
