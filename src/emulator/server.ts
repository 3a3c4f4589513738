import { STATUS_CODES, createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { KeyObject } from 'node:crypto';
import { MAX_ADMIN_BODY_BYTES, adminApi, checkAdminAccess, checkIdentityAccess } from './api/admin.js';
import type { AdminAccess, LiveSettings } from './api/admin.js';
import type { ApiHandlers } from './api/api-request.js';
import { ingestionApi } from './api/ingestion.js';
import { managementApi } from './api/management.js';
import { searchApi } from './api/search.js';
import { BodyBudget, readCappedBody, readDeclaredBody } from './body-reader.js';
import { serviceCodeFor } from './faults.js';
import type { Fault, FaultQueue } from './faults.js';
import { HttpError, errorReply } from './http-error.js';
import type { Reply } from './http-error.js';
import { normalizeKeyId } from './identity.js';
import { newRequestId } from './ocid.js';
import { MAX_BODY_BYTES } from './put-logs-validation.js';
import { route } from './router.js';
import type { Api } from './router.js';
import { hasBody, verifyBody, verifySignature } from './signature-verifier.js';
import type { Store } from './store.js';
import type { Principals } from './auth/principals.js';
import { DEFAULT_LIMITS } from './defaults.js';
import type { ServerLimits } from './defaults.js';

export type { LiveSettings } from './api/admin.js';

export interface ServerOptions {
  store: Store;
  /** keyId → public key of the identities the emulator trusts. */
  trustedKeys: ReadonlyMap<string, KeyObject>;
  /** Entries become searchable this many ms after ingestion (the service is asynchronous). */
  ingestDelayMs: number;
  /** Keep and find entries older than their log's retention (the service drops them). */
  ignoreRetention?: boolean;
  faults: FaultQueue;
  /** Every API request is answered no sooner than this many ms after it arrived (a distant region). */
  latencyMs: number;
  /** One line per request (--verbose), or undefined. */
  log: ((line: string) => void) | undefined;
  now?: () => number;
  /** Waits ms (injectable so tests need not sleep); resolves early when the signal aborts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Who may use the admin endpoints; the port is filled in once listening. */
  admin: AdminAccess;
  /** The emulator's identity services (instance metadata, federation, tokens), when it serves every auth type. */
  principals?: Principals | undefined;
  limits?: Partial<ServerLimits>;
}


export type { ServerLimits } from './defaults.js';
export { DEFAULT_LIMITS } from './defaults.js';

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
type Outcome = { reply: Reply } | { drop: 'reset' | 'stall'; fault: Fault } | { drop: 'gone' };

const EMPTY = Buffer.alloc(0);

function notAuthenticated(reason: string): HttpError {
  return new HttpError(401, 'NotAuthenticated', `The required information to complete authentication was not provided or was incorrect: ${reason}`);
}

/** An error answered before the body was read: the connection closes after it, dropping the rest. */
function closing(err: HttpError): HttpError {
  return new HttpError(err.status, err.code, err.message, { ...err.headers, connection: 'close' });
}

/** A refusal before the body is read: closes the connection if there is a body (it is never read), else keeps it. */
function refusing(req: IncomingMessage, err: HttpError): HttpError {
  const carriesBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  return carriesBody ? closing(err) : err;
}

/** How a malformed request (one Node's parser refuses) is answered, as the service would: not a silent close. */
function clientErrorAnswer(err: NodeJS.ErrnoException): string {
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const body = JSON.stringify({
    code: status === 408 ? 'RequestTimeout' : 'InvalidParameter',
    message: status === 408 ? 'the request was not received in time' : status === 431 ? 'the request headers are too large' : `malformed HTTP request (${err.code ?? 'parse error'})`,
  });
  return `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

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
  const limits: ServerLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const budget = new BodyBudget(limits.maxBodiesHeldBytes);
  const requests: Record<string, number> = {};
  const sockets = new Set<Socket>();
  /** Requests whose answer is not finished yet, per connection (pipelined requests share one). */
  const answering = new Map<Socket, number>();
  const settings: LiveSettings = { latencyMs: options.latencyMs };
  const apis: Record<Api, ApiHandlers> = {
    ingestion: ingestionApi({ store: options.store, now, ignoreRetention: options.ignoreRetention === true }),
    management: managementApi({ store: options.store, now }),
    search: searchApi({ store: options.store, now, ingestDelayMs: options.ingestDelayMs, ignoreRetention: options.ignoreRetention === true }),
  };
  const admin = adminApi({ store: options.store, faults: options.faults, settings, now, requests: () => ({ ...requests }), principals: options.principals });

  /** An API key's public key; or, for keyId ST$<token>, the session key of a token this emulator issued. */
  const publicKeyFor = (keyId: string): KeyObject | undefined | string => {
    if (!keyId.startsWith('ST$')) return options.trustedKeys.get(normalizeKeyId(keyId));
    if (!options.principals) return 'session tokens are trusted only by an emulator started with --principal-exports-file';
    const check = options.principals.tokens.verify(keyId.slice(3));
    return check.ok ? check.sessionKey : check.reason;
  };

  const send = (res: ServerResponse, requestId: string, reply: Reply): void => {
    if (res.destroyed || res.headersSent) return;
    const payload = reply.text ?? (reply.body === undefined ? '' : JSON.stringify(reply.body));
    res.writeHead(reply.status, {
      'opc-request-id': requestId,
      ...(payload === '' ? {} : { 'content-type': reply.text === undefined ? 'application/json' : 'text/plain' }),
      'content-length': Buffer.byteLength(payload),
      ...reply.headers,
    });
    res.end(payload);
  };

  /** An API request: route, signature (before any of the body is read), body, faults, handler. */
  const api = async (req: IncomingMessage, method: string, target: string, url: URL): Promise<Outcome> => {
    const r = route(method, url.pathname);
    const where = `${method} ${url.pathname.slice(0, 200)}`;
    if (r.kind === 'not-found') throw refusing(req, new HttpError(404, 'NotFound', `no such operation: ${where}`));
    if (r.kind === 'method-not-allowed') {
      throw refusing(req, new HttpError(405, 'MethodNotAllowed', `no such operation: ${where} (this path takes ${r.allowed.join(', ')})`, { allow: r.allowed.join(', ') }));
    }
    if (r.kind === 'not-implemented') throw refusing(req, new HttpError(501, 'MethodNotImplemented', `${r.op} (${where}) is an OCI Logging operation the emulator does not implement`));
    requests[r.op] = (requests[r.op] ?? 0) + 1;
    const signed = { method, target, headers: req.headers };
    const verdict = verifySignature(signed, { publicKeyFor, now });
    if (!verdict.ok) throw refusing(req, notAuthenticated(verdict.reason));
    let body: Buffer = EMPTY;
    let reserved = 0;
    try {
      if (hasBody(method)) {
        const length = Number(req.headers['content-length']);
        if (length > MAX_BODY_BYTES) throw closing(new HttpError(400, 'InvalidParameter', `the request body is larger than ${MAX_BODY_BYTES} bytes (10 MB)`));
        if (!budget.tryReserve(length)) {
          throw closing(new HttpError(429, 'TooManyRequests', 'the emulator holds as many request bodies as it takes at once; retry', { 'retry-after': '1' }));
        }
        reserved = length;
        const read = await readDeclaredBody(req, length);
        if (read === 'aborted') return { drop: 'gone' };
        body = read;
        const reason = verifyBody(signed, body);
        if (reason !== undefined) throw notAuthenticated(reason);
      }
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
        reply = handler({ params: r.params, url, headers: req.headers, body, failWorkRequest: fault?.kind === 'work-request-fails' });
      } catch (err) {
        if (!(err instanceof HttpError) || fault === undefined) throw err;
        reply = errorReply(err);
      }
      if (fault?.kind === 'reset-after') return { drop: 'reset', fault };
      if (fault?.kind === 'stall-after') return { drop: 'stall', fault };
      return { reply };
    } finally {
      budget.release(reserved);
    }
  };

  const adminRequest = async (req: IncomingMessage, url: URL): Promise<Reply> => {
    const refused = checkAdminAccess(req, url.pathname, options.admin);
    if (refused) throw refusing(req, refused);
    const body = await readCappedBody(req, MAX_ADMIN_BODY_BYTES);
    if (body === 'too-large') throw closing(new HttpError(413, 'PayloadTooLarge', `admin request bodies are at most ${MAX_ADMIN_BODY_BYTES} bytes`));
    return admin(req, url, body === 'aborted' ? EMPTY : body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const socket = req.socket;
    answering.set(socket, (answering.get(socket) ?? 0) + 1);
    res.once('close', () => {
      const n = (answering.get(socket) ?? 1) - 1;
      if (n > 0) answering.set(socket, n);
      else answering.delete(socket);
    });
    const started = now();
    const requestId = newRequestId();
    const method = req.method ?? 'GET';
    const target = req.url ?? '/';
    let shown = '';
    const done = (reply: Reply): void => {
      shown = String(reply.status);
      send(res, requestId, reply);
    };
    // The one error boundary: whatever a request does, it gets an answer (or its fault), never a crash.
    try {
      const url = requestUrl(target);
      if (url.pathname.startsWith('/_emulator/')) {
        done(await adminRequest(req, url));
        return;
      }
      if (url.pathname.startsWith('/opc/v2/') || url.pathname === '/v1/x509') {
        if (!options.principals) throw refusing(req, new HttpError(404, 'NotFound', 'the instance metadata and federation endpoints are served by an emulator started with --principal-exports-file'));
        const refused = checkIdentityAccess(req, options.admin);
        if (refused) throw refusing(req, refused);
        done(await options.principals.identity(req, url, now()));
        return;
      }
      let outcome: Outcome;
      try {
        // The body lives only inside api(): what waits out the latency is the answer alone.
        outcome = await api(req, method, target, url);
      } catch (err) {
        if (!(err instanceof HttpError)) throw err;
        outcome = { reply: errorReply(err) };
      }
      if ('drop' in outcome && outcome.drop === 'gone') {
        shown = 'GONE';
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
      options.log?.(`${method} ${target.length > 300 ? `${target.slice(0, 300)}…` : target} ${shown} ${now() - started}ms ${requestId}`);
    }
  };

  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // how often timed-out connections are looked for
      connectionsCheckingInterval: Math.max(50, Math.min(30_000, Math.floor(limits.headersTimeoutMs / 4))),
    },
    // handle() answers every error itself; should answering throw, the connection goes, the emulator stays
    (req, res) => void handle(req, res).catch(() => res.destroy()),
  );
  server.maxConnections = limits.maxConnections;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    // An answer of our own is only written on a connection that owes none: written while an earlier
    // (pipelined) request's answer is pending, it would come first, or land in the middle of it.
    if (err.code === 'ECONNRESET' || !socket.writable || socket.writableEnded || answering.has(socket)) {
      socket.destroy();
      return;
    }
    socket.end(clientErrorAnswer(err));
  });
  return {
    server,
    settings,
    stats: () => ({ requests: { ...requests } }),
    closeConnections: () => {
      for (const s of sockets) s.destroy();
    },
  };
}
