import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Credentials } from './connection-settings.js';
import { classifyStatus, parseRetryAfter } from '../core/delivery-policy.js';
import type { FailureKind } from '../core/delivery-policy.js';
import { signRequest } from './request-signer.js';
import { parseErrorBody } from './service-error.js';
import type { SendResult } from '../core/pipe/send-result.js';

export interface PutLogsClientOptions {
  /** The ingestion service's origin, e.g. https://ingestion.logging.us-ashburn-1.oci.oraclecloud.com */
  endpoint: string;
  credentials: Credentials;
  /** Per request: an answer must come within this many ms. */
  timeoutMs: number;
  /** Requests at once: the keep-alive pool holds as many sockets. */
  maxSockets: number;
}

const MAX_ERROR_BODY = 64 * 1024;

/**
 * PutLogs over node:http(s) with one keep-alive connection pool: the SDK's
 * generic request path hashes bodies in pure JS and walks them per character,
 * which is an order of magnitude slower for bulk bodies (see the README's
 * benchmark section). Requests are signed with node:crypto.
 */
export class PutLogsClient {
  private readonly base: URL;
  private readonly agent: HttpAgent | HttpsAgent;
  private readonly options: PutLogsClientOptions;

  constructor(options: PutLogsClientOptions) {
    this.options = options;
    this.base = new URL(options.endpoint);
    const agentOptions = { keepAlive: true, maxSockets: options.maxSockets, keepAliveMsecs: 10_000 };
    this.agent = this.base.protocol === 'https:' ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
  }

  async send(logId: string, body: Buffer, signal?: AbortSignal): Promise<SendResult> {
    let key;
    try {
      key = await this.options.credentials.getSigningKey();
    } catch (err) {
      return failure('fatal', undefined, `cannot get a signing key: ${(err as Error).message}`);
    }
    const target = `/20200831/logs/${encodeURIComponent(logId)}/actions/push`;
    const headers = signRequest({ method: 'POST', target, host: this.base.host, body, date: new Date() }, key);
    const doRequest = this.base.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<SendResult>((resolve) => {
      let settled = false;
      const settle = (r: SendResult): void => {
        if (!settled) {
          settled = true;
          resolve(r);
        }
      };
      const req = doRequest(
        {
          protocol: this.base.protocol,
          hostname: this.base.hostname.replace(/^\[|\]$/g, ''),
          port: this.base.port,
          method: 'POST',
          path: target,
          headers: { ...headers, 'user-agent': 'oci-log' },
          agent: this.agent,
          signal,
        },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size <= MAX_ERROR_BODY) chunks.push(c);
          });
          res.on('error', (err) => settle(failure('transient', undefined, `the answer was cut off: ${err.message}`)));
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            const opcRequestId = headerValue(res.headers['opc-request-id']);
            if (status >= 200 && status < 300) {
              settle({ ok: true, opcRequestId });
              return;
            }
            const { serviceCode, serviceMessage } = parseErrorBody(Buffer.concat(chunks).toString('utf8'));
            settle({
              ok: false,
              kind: classifyStatus(status),
              status,
              serviceCode,
              serviceMessage,
              opcRequestId,
              retryAfterMs: parseRetryAfter(headerValue(res.headers['retry-after'])),
            });
          });
        },
      );
      req.setTimeout(this.options.timeoutMs, () => {
        req.destroy(new Error(`no answer within ${this.options.timeoutMs} ms`));
      });
      req.on('error', (err: NodeJS.ErrnoException) => {
        const what = err.code ? `${err.code} ${err.message.includes(err.code) ? '' : err.message}`.trim() : err.message;
        settle(failure('transient', undefined, `${this.base.origin}: ${what}`));
      });
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function failure(kind: FailureKind, status: number | undefined, message: string): SendResult {
  return { ok: false, kind, status, serviceCode: undefined, serviceMessage: message, opcRequestId: undefined, retryAfterMs: undefined };
}
