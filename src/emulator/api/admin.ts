import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { FaultError, makeFault } from '../faults.js';
import type { FaultQueue } from '../faults.js';
import { HttpError, invalid, parseJsonBody } from '../http-error.js';
import type { Reply } from '../http-error.js';
import { newGlobalOcid } from '../ocid.js';
import type { Store } from '../store.js';
import type { Principals } from '../auth/principals.js';

export const MAX_LATENCY_MS = 600_000;
const MAX_COMPARTMENTS = 10_000;
/** What --compartment and the admin API take. */
export const COMPARTMENT_OCID = /^ocid1\.compartment\.[a-z0-9-]+\.[a-z0-9-]*\.[A-Za-z0-9]{1,255}$/;
/** Admin bodies are small JSON objects; anything bigger is refused unread. */
export const MAX_ADMIN_BODY_BYTES = 64 * 1024;

const LOOPBACK_HOST = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** True when an address to listen on reaches this machine only. */
export function isLoopback(host: string): boolean {
  return LOOPBACK_HOST.test(host) || host === '::1';
}

/**
 * Whether a Host header names this machine and the emulator's port: a
 * loopback name, or `local` (the address the client connected to) when
 * given. DNS rebinding sends the attacker's name instead.
 */
function hostNamesThisMachine(host: string, port: number, local?: string): boolean {
  const m = /^(.*?)(?::(\d+))?$/.exec(host);
  if (!m) return false;
  const name = (m[1] ?? '').replace(/^\[(.*)\]$/, '$1');
  const machine = isLoopback(m[1] ?? '') || (local !== undefined && name !== '' && name === local);
  return machine && (m[2] === undefined || Number(m[2]) === port);
}

export interface AdminAccess {
  /** The port the emulator listens on (the Host header must name it). */
  port: number;
  /** Required as `Authorization: Bearer TOKEN` when set (listening beyond loopback). */
  token: string | undefined;
}

/**
 * Who may use /_emulator/*. Never a web page: a request with an Origin
 * header is refused (a cross-site form or fetch). Listening on loopback, the
 * Host header must name loopback and this port (DNS rebinding sends the
 * attacker's name). Listening beyond loopback, every admin request but
 * health needs the token printed at start.
 */
export function checkAdminAccess(req: IncomingMessage, path: string, access: AdminAccess): HttpError | undefined {
  if (req.headers.origin !== undefined) return new HttpError(403, 'Forbidden', 'the admin endpoints do not answer web pages (the request has an Origin header)');
  if (access.token === undefined) {
    const host = req.headers.host ?? '';
    if (!hostNamesThisMachine(host, access.port)) {
      return new HttpError(403, 'Forbidden', `the admin endpoints answer requests for this machine only (Host ${JSON.stringify(host.slice(0, 100))})`);
    }
    return undefined;
  }
  if (path === '/_emulator/health') return undefined;
  const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
  const expected = Buffer.from(access.token);
  const actual = Buffer.from(given);
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    return new HttpError(401, 'NotAuthenticated', 'the admin endpoints need Authorization: Bearer $OCI_LOG_EMULATOR_TOKEN when the emulator listens beyond loopback');
  }
  return undefined;
}

/** An address as the socket gives it, without the IPv4-mapped prefix a dual-stack listener adds. */
const plainAddress = (address: string | undefined): string => (address ?? '').replace(/^::ffff:/i, '');

/**
 * Who may use the instance metadata (/opc/v2/…) and federation (/v1/x509)
 * endpoints: never a web page (an Origin header); only a client on this
 * machine, as the real instance metadata service answers its own instance
 * only (from loopback, or from the machine's own address); and only for a
 * Host that names loopback or the address connected to, with the emulator's
 * port (DNS rebinding sends the attacker's name). The admin token does not
 * apply: clients send `Authorization: Bearer Oracle` here, or a signature.
 */
export function checkIdentityAccess(req: IncomingMessage, access: AdminAccess): HttpError | undefined {
  const what = 'the instance metadata and federation endpoints';
  if (req.headers.origin !== undefined) return new HttpError(403, 'Forbidden', `${what} do not answer web pages (the request has an Origin header)`);
  const peer = plainAddress(req.socket.remoteAddress);
  const local = plainAddress(req.socket.localAddress);
  if (!isLoopback(peer) && peer !== local) {
    return new HttpError(403, 'Forbidden', `${what} answer clients on the emulator's machine only, as the instance metadata service answers its own instance (this request came from ${peer})`);
  }
  const host = req.headers.host ?? '';
  if (!hostNamesThisMachine(host, access.port, local)) {
    return new HttpError(403, 'Forbidden', `${what} answer requests for this machine only (Host ${JSON.stringify(host.slice(0, 100))})`);
  }
  return undefined;
}

/** The emulator's settings that the admin API can change while it runs. */
export interface LiveSettings {
  latencyMs: number;
}

export interface AdminContext {
  store: Store;
  faults: FaultQueue;
  settings: LiveSettings;
  now: () => number;
  /** Requests served per operation. */
  requests: () => Record<string, number>;
  principals?: Principals | undefined;
}

/** The /_emulator/* endpoints: health, stats, faults, latency and a log's stored entries. No signature needed. */
export function adminApi(ctx: AdminContext): (req: IncomingMessage, url: URL, body: Buffer) => Reply {
  return (req, url, body) => {
    const path = url.pathname;
    const method = req.method ?? 'GET';
    if (path === '/_emulator/health') return { status: 200, body: { ok: true } };
    if (path === '/_emulator/stats') {
      return {
        status: 200,
        body: {
          requests: ctx.requests(),
          entries: ctx.store.entryCounts(),
          droppedAsOlderThanRetention: ctx.store.droppedCounts(),
          storedBytes: ctx.store.storedBytes(),
          evictedOverMaxStored: ctx.store.evictedCounts(),
        },
      };
    }
    if (path === '/_emulator/principals/rotate' && method === 'POST') {
      if (!ctx.principals) throw new HttpError(404, 'NotFound', 'no principals: start the emulator with --principal-exports-file');
      ctx.principals.rotate();
      return { status: 200, body: { rotated: ['session token', 'resource principal RPST'] } };
    }
    if (path === '/_emulator/compartments') {
      if (method === 'GET') return { status: 200, body: [...ctx.store.compartments].map((id) => ({ id, isTenancy: id === ctx.store.tenancy })) };
      if (method === 'POST') {
        const given = body.length === 0 ? undefined : parseJsonBody(body)['id'];
        if (given !== undefined && (typeof given !== 'string' || !COMPARTMENT_OCID.test(given))) throw invalid(`id: must be a compartment OCID (ocid1.compartment.…), got ${JSON.stringify(given).slice(0, 100)}`);
        const id = given ?? newGlobalOcid('compartment');
        if (!ctx.store.compartments.has(id) && ctx.store.compartments.size >= MAX_COMPARTMENTS) throw invalid(`at most ${MAX_COMPARTMENTS} compartments`);
        ctx.store.compartments.add(id);
        ctx.store.save();
        return { status: 201, body: { id } };
      }
    }
    if (path === '/_emulator/faults') {
      if (method === 'DELETE') {
        ctx.faults.clear();
        return { status: 204 };
      }
      if (method === 'GET') return { status: 200, body: ctx.faults.pending(ctx.now()) };
      if (method === 'POST') {
        try {
          ctx.faults.add(makeFault(parseJsonBody(body), ctx.now()));
          return { status: 201, body: ctx.faults.pending(ctx.now()).at(-1) };
        } catch (err) {
          if (err instanceof FaultError) throw invalid(err.message);
          throw err;
        }
      }
    }
    if (path === '/_emulator/latency') {
      if (method === 'GET') return { status: 200, body: { ms: ctx.settings.latencyMs } };
      if (method === 'PUT') {
        const ms = parseJsonBody(body)['ms'];
        if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 0 || ms > MAX_LATENCY_MS) throw invalid(`ms must be a whole number of milliseconds, 0 to ${MAX_LATENCY_MS}, got ${JSON.stringify(ms)}`);
        ctx.settings.latencyMs = ms;
        return { status: 200, body: { ms } };
      }
    }
    const m = /^\/_emulator\/logs\/([^/]+)\/entries$/.exec(path);
    if (m && method === 'GET') {
      const logId = m[1] ?? '';
      if (!ctx.store.logs.has(logId)) throw new HttpError(404, 'NotAuthorizedOrNotFound', `${logId} logId not found`);
      return {
        status: 200,
        body: ctx.store.entriesOf(logId).map((e) => ({ ...e, time: new Date(e.time).toISOString(), ingested: new Date(e.ingested).toISOString() })),
      };
    }
    throw new HttpError(404, 'NotFound', `no admin endpoint ${method} ${path}`);
  };
}
