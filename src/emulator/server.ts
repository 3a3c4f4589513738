import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { KeyObject } from 'node:crypto';
import { adminApi } from './api/admin.js';
import type { LiveSettings } from './api/admin.js';
import type { ApiHandlers } from './api/api-request.js';
import { ingestionApi } from './api/ingestion.js';
import { managementApi } from './api/management.js';
import { searchApi } from './api/search.js';
import { readBody } from './body-reader.js';
import { serviceCodeFor } from './faults.js';
import type { Fault, FaultQueue } from './faults.js';
import { HttpError, errorReply } from './http-error.js';
import type { Reply } from './http-error.js';
import { normalizeKeyId } from './identity.js';
import { newRequestId } from './ocid.js';
import { MAX_BODY_BYTES } from './put-logs-validation.js';
import { route } from './router.js';
import type { Api } from './router.js';
import { verifyRequest } from './signature-verifier.js';
import type { Store } from './store.js';

export type { LiveSettings } from './api/admin.js';

export interface ServerOptions {
  store: Store;
  /** keyId → public key of the identities the emulator trusts. */
  trustedKeys: ReadonlyMap<string, KeyObject>;
  /** Entries become searchable this many ms after ingestion (the service is asynchronous). */
  ingestDelayMs: number;
  faults: FaultQueue;
  /** Every API request is answered no sooner than this many ms after it arrived (a distant region). */
  latencyMs: number;
  /** One line per request (--verbose), or undefined. */
  log: ((line: string) => void) | undefined;
  now?: () => number;
  /** Waits ms (injectable so tests need not sleep); resolves early when the signal aborts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export interface EmulatorServer {
  server: Server;
  settings: LiveSettings;
  stats(): { requests: Record<string, number> };
  /** Destroys stalled and idle connections so close() can finish. */
  closeConnections(): void;
}

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** What happens to a request once it has been through the fault queue and the handlers. */
type Outcome = { reply: Reply } | { drop: 'reset' | 'stall'; fault: Fault };

/** The request target as a URL; one that is not a path (`//[x`, `*`) is a 400, not a crash. */
function requestUrl(target: string): URL {
  if (!target.startsWith('/') || target.startsWith('//')) throw new HttpError(400, 'InvalidParameter', `the request target must be a path, got ${JSON.stringify(target.slice(0, 100))}`);
  try {
    return new URL(target, 'http://emulator.invalid');
  } catch {
    throw new HttpError(400, 'InvalidParameter', `the request target is not a valid path: ${JSON.stringify(target.slice(0, 100))}`);
  }
}

/**
 * The HTTP server: one error boundary around every request; signature
 * checks, faults and latency; the router sends each operation to its API
 * module (ingestion, management, search) and /_emulator/* to the admin API.
 */
export function createEmulatorServer(options: ServerOptions): EmulatorServer {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const requests: Record<string, number> = {};
  const sockets = new Set<Socket>();
  const settings: LiveSettings = { latencyMs: options.latencyMs };
  const apis: Record<Api, ApiHandlers> = {
    ingestion: ingestionApi({ store: options.store, now }),
    management: managementApi({ store: options.store, now }),
    search: searchApi({ store: options.store, now, ingestDelayMs: options.ingestDelayMs }),
  };
  const admin = adminApi({ store: options.store, faults: options.faults, settings, now, requests: () => ({ ...requests }) });

  const send = (res: ServerResponse, requestId: string, reply: Reply): void => {
    if (res.destroyed || res.headersSent) return;
    const payload = reply.body === undefined ? '' : JSON.stringify(reply.body);
    res.writeHead(reply.status, {
      'opc-request-id': requestId,
      ...(payload === '' ? {} : { 'content-type': 'application/json' }),
      'content-length': Buffer.byteLength(payload),
      ...reply.headers,
    });
    res.end(payload);
  };

  /** An API request after its body was read: signature, faults, then the handler. */
  const api = (req: IncomingMessage, method: string, target: string, url: URL, body: Buffer): Outcome => {
    const r = route(method, url.pathname);
    if (!r) throw new HttpError(404, 'NotFound', `no such operation: ${method} ${url.pathname.slice(0, 200)}`);
    requests[r.op] = (requests[r.op] ?? 0) + 1;
    const verdict = verifyRequest({ method, target, headers: req.headers, body }, {
      publicKeyFor: (keyId) => options.trustedKeys.get(normalizeKeyId(keyId)),
      now,
    });
    if (!verdict.ok) throw new HttpError(401, 'NotAuthenticated', `The required information to complete authentication was not provided or was incorrect: ${verdict.reason}`);
    const fault = options.faults.take(r.op, now());
    if (fault?.kind === 'reset' || fault?.kind === 'stall') return { drop: fault.kind, fault };
    if (fault?.kind === 'status') {
      return {
        reply: {
          status: fault.status,
          body: { code: serviceCodeFor(fault.status), message: `injected fault: ${fault.status} for ${r.op}` },
          ...(fault.retryAfterSeconds === undefined ? {} : { headers: { 'retry-after': String(fault.retryAfterSeconds) } }),
        },
      };
    }
    const handler = apis[r.api][r.op];
    if (!handler) throw new HttpError(500, 'InternalServerError', `emulator bug: no handler for ${r.op}`);
    let reply: Reply;
    try {
      reply = handler({ params: r.params, url, headers: req.headers, body });
    } catch (err) {
      if (!(err instanceof HttpError) || fault === undefined) throw err;
      reply = errorReply(err);
    }
    if (fault?.kind === 'reset-after') return { drop: 'reset', fault };
    if (fault?.kind === 'stall-after') return { drop: 'stall', fault };
    return { reply };
  };

  /** Reads the body and works out the answer; the body lives only in here. */
  const outcomeOf = async (req: IncomingMessage, res: ServerResponse, method: string, target: string, url: URL): Promise<Outcome | { admin: Reply }> => {
    const body = await readBody(req);
    if (body === 'too-large') {
      res.setHeader('connection', 'close');
      req.resume();
      return { reply: { status: 400, body: { code: 'InvalidParameter', message: `the request body is larger than ${MAX_BODY_BYTES} bytes (10 MB)` } } };
    }
    if (url.pathname.startsWith('/_emulator/')) return { admin: admin(req, url, body) };
    try {
      return api(req, method, target, url, body);
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      return { reply: errorReply(err) };
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = now();
    const requestId = newRequestId();
    const method = req.method ?? 'GET';
    const target = req.url ?? '/';
    let shown = '';
    const done = (reply: Reply): void => {
      shown = String(reply.status);
      send(res, requestId, reply);
    };
    try {
      const url = requestUrl(target);
      const outcome = await outcomeOf(req, res, method, target, url);
      if ('admin' in outcome) {
        done(outcome.admin);
        return;
      }
      if ('drop' in outcome && outcome.drop === 'stall') {
        shown = outcome.fault.kind.toUpperCase();
        return;
      }
      const wait = settings.latencyMs - (now() - started);
      if (wait > 0) {
        const gone = new AbortController();
        const abort = (): void => gone.abort();
        res.once('close', abort);
        await sleep(wait, gone.signal);
        res.off('close', abort);
      }
      if ('drop' in outcome) {
        shown = outcome.fault.kind.toUpperCase();
        req.socket.destroy();
        return;
      }
      done(outcome.reply);
    } catch (err) {
      done(err instanceof HttpError ? errorReply(err) : { status: 500, body: { code: 'InternalServerError', message: `emulator bug: ${(err as Error).message}` } });
    } finally {
      options.log?.(`${method} ${target} ${shown} ${now() - started}ms ${requestId}`);
    }
  };

  const server = createServer({ keepAliveTimeout: 65_000, requestTimeout: 0 }, (req, res) => void handle(req, res));
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  return {
    server,
    settings,
    stats: () => ({ requests: { ...requests } }),
    closeConnections: () => {
      for (const s of sockets) s.destroy();
    },
  };
}
