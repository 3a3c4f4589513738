import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { KeyObject } from 'node:crypto';
import { FaultError, FaultQueue, makeFault, serviceCodeFor } from './faults.js';
import type { Fault } from './faults.js';
import type { Operation } from './faults.js';
import { newOcid, newRequestId } from './ocid.js';
import { MAX_BODY_BYTES, validatePutLogs } from './put-logs-validation.js';
import { QuerySyntaxError, matches, parseQuery } from './search-query.js';
import type { Scope, Searchable } from './search-query.js';
import { verifyRequest } from './signature-verifier.js';
import { normalizeKeyId } from './identity.js';
import type { LogGroupRecord, LogRecord, Store, StoredEntry, WorkRequestRecord } from './store.js';

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
  /** Waits ms (injectable so tests need not sleep); rejects or resolves early when the signal aborts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** The emulator's settings that the admin API can change while it runs. */
export interface LiveSettings {
  latencyMs: number;
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

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const DAY = 86_400_000;
const MAX_RANGE_MS = 14 * DAY;
const NAME_RE = /^[A-Za-z0-9_.-]{1,100}$/;

interface Route {
  op: Operation;
  params: string[];
}

const LOG_GROUPS = '/20200531/logGroups';
function route(method: string, path: string): Route | undefined {
  let m: RegExpExecArray | null;
  if (method === 'POST' && (m = /^\/20200831\/logs\/([^/]+)\/actions\/push$/.exec(path))) return { op: 'putLogs', params: [m[1] ?? ''] };
  if (method === 'POST' && path === '/20190909/search') return { op: 'search', params: [] };
  if (path === LOG_GROUPS) return method === 'POST' ? { op: 'createLogGroup', params: [] } : method === 'GET' ? { op: 'listLogGroups', params: [] } : undefined;
  if ((m = /^\/20200531\/logGroups\/([^/]+)$/.exec(path))) {
    const id = m[1] ?? '';
    return method === 'GET' ? { op: 'getLogGroup', params: [id] } : method === 'DELETE' ? { op: 'deleteLogGroup', params: [id] } : undefined;
  }
  if ((m = /^\/20200531\/logGroups\/([^/]+)\/logs$/.exec(path))) {
    const id = m[1] ?? '';
    return method === 'POST' ? { op: 'createLog', params: [id] } : method === 'GET' ? { op: 'listLogs', params: [id] } : undefined;
  }
  if ((m = /^\/20200531\/logGroups\/([^/]+)\/logs\/([^/]+)$/.exec(path))) {
    const p = [m[1] ?? '', m[2] ?? ''];
    return method === 'GET' ? { op: 'getLog', params: p } : method === 'DELETE' ? { op: 'deleteLog', params: p } : undefined;
  }
  if (method === 'GET' && (m = /^\/20200531\/workRequests\/([^/]+)$/.exec(path))) return { op: 'getWorkRequest', params: [m[1] ?? ''] };
  if (method === 'GET' && (m = /^\/20200531\/workRequests\/([^/]+)\/errors$/.exec(path))) return { op: 'listWorkRequestErrors', params: [m[1] ?? ''] };
  return undefined;
}

function parseJsonBody(body: Buffer): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, 'InvalidParameter', 'the request body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new HttpError(400, 'InvalidParameter', 'the request body must be a JSON object');
  return parsed as Record<string, unknown>;
}

function paging(url: URL, max: number, dflt: number): { limit: number; offset: number } {
  const rawLimit = url.searchParams.get('limit');
  const limit = rawLimit === null ? dflt : Number(rawLimit);
  if (!Number.isInteger(limit) || limit < 1 || limit > max) throw new HttpError(400, 'InvalidParameter', `limit: must be a whole number from 1 to ${max}, got ${JSON.stringify(rawLimit)}`);
  const page = url.searchParams.get('page');
  const offset = page === null ? 0 : Number(page);
  if (!Number.isInteger(offset) || offset < 0) throw new HttpError(400, 'InvalidParameter', `page: not a page token this server issued: ${JSON.stringify(page)}`);
  return { limit, offset };
}

/**
 * One page of a list. As the service documents, `limit` counts records
 * before filtering (displayName): a page may hold fewer matches than the
 * limit, even none, and still have a next page.
 */
function pageOf<T>(items: T[], url: URL, max: number, dflt: number, filter: (item: T) => boolean = () => true): Reply {
  const { limit, offset } = paging(url, max, dflt);
  const slice = items.slice(offset, offset + limit).filter(filter);
  const headers: Record<string, string> = {};
  if (offset + limit < items.length) headers['opc-next-page'] = String(offset + limit);
  return { status: 200, body: slice, headers };
}

/**
 * sortBy timeCreated (newest first unless sortOrder=ASC) or displayName
 * (A to Z unless DESC). Without sortBy: creation order (the service's default
 * is not documented).
 */
function sorted<T extends { timeCreated: string; displayName: string }>(items: T[], url: URL): T[] {
  const by = url.searchParams.get('sortBy');
  const order = url.searchParams.get('sortOrder');
  if (by !== null && by !== 'timeCreated' && by !== 'displayName') throw new HttpError(400, 'InvalidParameter', `sortBy: must be timeCreated or displayName, got ${JSON.stringify(by)}`);
  if (order !== null && order !== 'ASC' && order !== 'DESC') throw new HttpError(400, 'InvalidParameter', `sortOrder: must be ASC or DESC, got ${JSON.stringify(order)}`);
  if (by === null && order === null) return items;
  const desc = order === null ? by === 'timeCreated' || by === null : order === 'DESC';
  const key = (x: T): string => (by === 'displayName' ? x.displayName : x.timeCreated);
  // Array#sort is stable: equal keys keep creation order.
  return [...items].sort((a, b) => (desc ? -1 : 1) * (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** The Logging APIs' handlers over a Store. */
class Handlers {
  constructor(private readonly o: ServerOptions) {}

  private get store(): Store {
    return this.o.store;
  }

  private now(): number {
    return (this.o.now ?? Date.now)();
  }

  private checkCompartment(id: unknown, field = 'compartmentId'): string {
    if (typeof id !== 'string' || id === '') throw new HttpError(400, 'InvalidParameter', `${field}: required`);
    if (id === this.store.tenancy || id.startsWith('ocid1.compartment.')) return id;
    if (id.startsWith('ocid1.tenancy.')) throw new HttpError(404, 'NotAuthorizedOrNotFound', `${field}: tenancy ${id} not found (the emulator's tenancy is ${this.store.tenancy})`);
    throw new HttpError(400, 'InvalidParameter', `${field}: ${id} is not a compartment OCID`);
  }

  private group(id: string): LogGroupRecord {
    const g = this.store.logGroups.get(id);
    if (!g) throw new HttpError(404, 'NotAuthorizedOrNotFound', `Authorization failed or requested resource not found: log group ${id}`);
    return g;
  }

  private log(groupId: string, logId: string): LogRecord {
    const l = this.store.logs.get(logId);
    if (!l || l.logGroupId !== groupId) throw new HttpError(404, 'NotAuthorizedOrNotFound', `Authorization failed or requested resource not found: log ${logId} in log group ${groupId}`);
    return l;
  }

  private workRequest(op: WorkRequestRecord['operationType'], compartmentId: string, entityType: string, id: string, uri: string, action: string): Reply {
    const now = new Date(this.now()).toISOString();
    const wr: WorkRequestRecord = {
      id: newOcid('logworkrequest'),
      operationType: op,
      status: 'SUCCEEDED',
      compartmentId,
      resources: [{ entityType, actionType: action, identifier: id, entityUri: uri }],
      percentComplete: 100,
      timeAccepted: now,
      timeStarted: now,
      timeFinished: now,
      reads: 0,
    };
    this.store.addWorkRequest(wr);
    return { status: 202, headers: { 'opc-work-request-id': wr.id } };
  }

  putLogs(logId: string, body: Buffer): Reply {
    if (!this.store.logs.has(logId)) throw new HttpError(404, '404', `${logId} logId not found`);
    const result = validatePutLogs(body, this.now());
    if (!result.ok) throw new HttpError(400, 'InvalidParameter', result.message);
    this.store.append(logId, result.entries);
    return { status: 200 };
  }

  createLogGroup(body: Buffer): Reply {
    const b = parseJsonBody(body);
    const compartmentId = this.checkCompartment(b['compartmentId']);
    const name = b['displayName'];
    if (typeof name !== 'string' || !NAME_RE.test(name)) throw new HttpError(400, 'InvalidParameter', 'displayName: required; 1 to 100 letters, digits, hyphens, periods or underscores');
    if (b['description'] !== undefined && typeof b['description'] !== 'string') throw new HttpError(400, 'InvalidParameter', 'description: must be a string');
    const existing = [...this.store.logGroups.values()].find((g) => g.compartmentId === compartmentId && g.displayName === name);
    if (existing) throw new HttpError(409, 'Conflict', `a log group named ${name} already exists in this compartment: ${existing.id}`);
    const group = this.store.createLogGroup({
      compartmentId,
      displayName: name,
      ...(typeof b['description'] === 'string' ? { description: b['description'] } : {}),
    });
    return this.workRequest('CREATE_LOG_GROUP', compartmentId, 'loggroup', group.id, `/logGroups/${group.id}`, 'CREATED');
  }

  listLogGroups(url: URL): Reply {
    const compartmentId = this.checkCompartment(url.searchParams.get('compartmentId') ?? undefined);
    const subtree = url.searchParams.get('isCompartmentIdInSubtree') === 'true';
    const name = url.searchParams.get('displayName');
    const groups = [...this.store.logGroups.values()].filter((g) => g.compartmentId === compartmentId || (subtree && compartmentId === this.store.tenancy));
    return pageOf(sorted(groups, url), url, 1000, 100, (g) => name === null || g.displayName === name);
  }

  getLogGroup(id: string): Reply {
    return { status: 200, body: this.group(id), headers: { etag: id.slice(-12) } };
  }

  deleteLogGroup(id: string): Reply {
    const g = this.group(id);
    const logs = this.store.logsOf(id);
    if (logs.length > 0) throw new HttpError(409, 'Conflict', `log group ${id} still has ${logs.length} log(s); delete them first`);
    this.store.deleteLogGroup(id);
    return this.workRequest('DELETE_LOG_GROUP', g.compartmentId, 'loggroup', id, `/logGroups/${id}`, 'DELETED');
  }

  createLog(groupId: string, body: Buffer): Reply {
    const group = this.group(groupId);
    const b = parseJsonBody(body);
    const name = b['displayName'];
    if (typeof name !== 'string' || !NAME_RE.test(name)) throw new HttpError(400, 'InvalidParameter', 'displayName: required; 1 to 100 letters, digits, hyphens, periods or underscores');
    if (b['logType'] !== 'CUSTOM') {
      throw new HttpError(400, 'InvalidParameter', b['logType'] === 'SERVICE' ? 'logType: the emulator supports CUSTOM logs only' : 'logType: required, must be CUSTOM or SERVICE');
    }
    const retention = b['retentionDuration'] ?? 30;
    if (typeof retention !== 'number' || !Number.isInteger(retention) || retention < 30 || retention > 180 || retention % 30 !== 0) {
      throw new HttpError(400, 'InvalidParameter', `retentionDuration: must be 30 to 180 days in steps of 30, got ${JSON.stringify(retention)}`);
    }
    if (b['isEnabled'] !== undefined && typeof b['isEnabled'] !== 'boolean') throw new HttpError(400, 'InvalidParameter', 'isEnabled: must be true or false');
    const existing = this.store.logsOf(groupId).find((l) => l.displayName === name);
    if (existing) throw new HttpError(409, 'Conflict', `a log named ${name} already exists in log group ${groupId}: ${existing.id}`);
    const log = this.store.createLog(group, { displayName: name, logType: 'CUSTOM', isEnabled: b['isEnabled'] !== false, retentionDuration: retention });
    return this.workRequest('CREATE_LOG', group.compartmentId, 'log', log.id, `/logGroups/${groupId}/logs/${log.id}`, 'CREATED');
  }

  listLogs(groupId: string, url: URL): Reply {
    this.group(groupId);
    const name = url.searchParams.get('displayName');
    return pageOf(sorted(this.store.logsOf(groupId), url), url, 1000, 100, (l) => name === null || l.displayName === name);
  }

  getLog(groupId: string, logId: string): Reply {
    return { status: 200, body: this.log(groupId, logId), headers: { etag: logId.slice(-12) } };
  }

  deleteLog(groupId: string, logId: string): Reply {
    const l = this.log(groupId, logId);
    this.store.deleteLog(logId);
    return this.workRequest('DELETE_LOG', l.compartmentId, 'log', logId, `/logGroups/${groupId}/logs/${logId}`, 'DELETED');
  }

  /**
   * Like the service, a work request is not done at once: its first read
   * answers ACCEPTED (resource IN_PROGRESS), later reads SUCCEEDED, so a
   * client that does not poll, or does not check the status, is caught.
   */
  getWorkRequest(id: string): Reply {
    const wr = this.store.workRequests.get(id);
    if (!wr) throw new HttpError(404, 'NotAuthorizedOrNotFound', `work request ${id} not found`);
    const { reads = 1, ...shown } = wr;
    this.store.markWorkRequestRead(id);
    if (reads > 0) return { status: 200, body: shown };
    const { timeStarted: _started, timeFinished: _finished, ...accepted } = shown;
    return {
      status: 200,
      body: { ...accepted, status: 'ACCEPTED', percentComplete: 0, resources: shown.resources.map((r) => ({ ...r, actionType: 'IN_PROGRESS' })) },
    };
  }

  listWorkRequestErrors(id: string): Reply {
    this.getWorkRequest(id);
    return { status: 200, body: [] };
  }

  private logsInScope(scope: Scope): LogRecord[] {
    const compartment = this.checkCompartment(scope.compartment, 'searchQuery scope compartment');
    const groups = [...this.store.logGroups.values()].filter((g) => compartment === this.store.tenancy || g.compartmentId === compartment);
    const chosen = scope.group === undefined ? groups : groups.filter((g) => g.id === scope.group || g.displayName === scope.group);
    if (scope.group !== undefined && chosen.length === 0) throw new HttpError(404, 'NotAuthorizedOrNotFound', `searchQuery: log group ${scope.group} not found in ${compartment}`);
    const logs = chosen.flatMap((g) => this.store.logsOf(g.id));
    if (scope.log === undefined) return logs;
    const found = logs.filter((l) => l.id === scope.log || l.displayName === scope.log);
    if (found.length === 0) throw new HttpError(404, 'NotAuthorizedOrNotFound', `searchQuery: log ${scope.log} not found in ${scope.group ?? compartment}`);
    return found;
  }

  search(url: URL, body: Buffer): Reply {
    const b = parseJsonBody(body);
    const start = rfc3339(b['timeStart']);
    const end = rfc3339(b['timeEnd']);
    if (Number.isNaN(start)) throw new HttpError(400, 'InvalidParameter', 'timeStart: required, must be an RFC 3339 time');
    if (Number.isNaN(end)) throw new HttpError(400, 'InvalidParameter', 'timeEnd: required, must be an RFC 3339 time');
    if (end < start) throw new HttpError(400, 'InvalidParameter', 'timeEnd must not be before timeStart');
    if (end - start > MAX_RANGE_MS) throw new HttpError(400, 'InvalidParameter', 'the time range of a search must be 14 days or less (timeEnd - timeStart)');
    if (typeof b['searchQuery'] !== 'string') throw new HttpError(400, 'InvalidParameter', 'searchQuery: required');
    let query;
    try {
      query = parseQuery(b['searchQuery']);
    } catch (err) {
      if (err instanceof QuerySyntaxError) throw new HttpError(400, 'InvalidParameter', `searchQuery: ${err.message}`);
      throw err;
    }
    const { limit, offset } = paging(url, 1000, 100);
    const logs = new Map<string, LogRecord>();
    for (const scope of query.scopes) for (const l of this.logsInScope(scope)) logs.set(l.id, l);
    const visibleBefore = this.now() - this.o.ingestDelayMs;
    const hits: Array<{ entry: StoredEntry; log: LogRecord }> = [];
    for (const log of logs.values()) {
      for (const entry of this.store.entriesOf(log.id)) {
        if (entry.time < start || entry.time >= end || entry.ingested > visibleBefore) continue;
        if (query.where === undefined || matches(query.where, searchable(entry))) hits.push({ entry, log });
      }
    }
    const dir = query.sort === 'desc' ? -1 : 1;
    hits.sort((a, b) => dir * (a.entry.time - b.entry.time || (a.entry.id < b.entry.id ? -1 : a.entry.id > b.entry.id ? 1 : 0)));
    const capped = query.limit === undefined ? hits : hits.slice(0, query.limit);
    const page = capped.slice(offset, offset + limit);
    const results = page.map(({ entry, log }) => ({
      data: {
        datetime: entry.time,
        logContent: {
          data: searchData(entry.data),
          id: entry.id,
          time: new Date(entry.time).toISOString(),
          source: entry.source,
          type: entry.type,
          ...(entry.subject === undefined ? {} : { subject: entry.subject }),
          specversion: '1.0',
          oracle: {
            compartmentid: log.compartmentId,
            loggroupid: log.logGroupId,
            logid: log.id,
            tenantid: this.store.tenancy,
            ingestedtime: new Date(entry.ingested).toISOString(),
          },
        },
      },
    }));
    const fields = b['isReturnFieldInfo'] === true ? fieldInfo(results.map((r) => r.data.logContent)) : undefined;
    const headers: Record<string, string> = {};
    if (offset + limit < capped.length) headers['opc-next-page'] = String(offset + limit);
    return {
      status: 200,
      body: { results, ...(fields ? { fields } : {}), summary: { resultCount: results.length, fieldCount: fields?.length ?? 0 } },
      headers,
    };
  }
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** An RFC 3339 time in ms, or NaN. */
function rfc3339(value: unknown): number {
  return typeof value === 'string' && RFC3339.test(value) ? Date.parse(value) : NaN;
}

function searchable(entry: StoredEntry): Searchable {
  return { id: entry.id, source: entry.source, type: entry.type, subject: entry.subject, time: entry.time, rawData: entry.data, data: searchData(entry.data) };
}

type FieldType = 'STRING' | 'NUMBER' | 'BOOLEAN' | 'ARRAY';

/** isReturnFieldInfo: the fields the page's entries have, as dotted names with their types. */
function fieldInfo(contents: Array<Record<string, unknown>>): Array<{ fieldName: string; fieldType: FieldType }> {
  const found = new Map<string, FieldType>();
  const walk = (prefix: string, value: unknown): void => {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) walk(prefix === '' ? k : `${prefix}.${k}`, v);
      return;
    }
    if (prefix === '' || found.has(prefix)) return;
    found.set(prefix, Array.isArray(value) ? 'ARRAY' : typeof value === 'number' ? 'NUMBER' : typeof value === 'boolean' ? 'BOOLEAN' : 'STRING');
  };
  for (const c of contents) walk('', c);
  return [...found].map(([fieldName, fieldType]) => ({ fieldName, fieldType }));
}

/** Search gives back JSON-object data as the object and anything else as {"message": text}. */
function searchData(data: string): unknown {
  if (data.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(data);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed;
    } catch {
      // plain text that happens to start with a brace
    }
  }
  return { message: data };
}

function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      resolve('too-large');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        resolve('too-large');
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export interface EmulatorServer {
  server: Server;
  settings: LiveSettings;
  stats(): { requests: Record<string, number> };
  /** Destroys stalled and idle connections so close() can finish. */
  closeConnections(): void;
}

const MAX_LATENCY_MS = 600_000;

/** What happens to a request once it has been through the fault queue and the handlers. */
type Outcome = { reply: Reply; fault?: Fault } | { drop: 'reset' | 'stall'; fault: Fault };

/** The HTTP server: signature checks, faults, routing, and the /_emulator admin endpoints. */
export function createEmulatorServer(options: ServerOptions): EmulatorServer {
  const handlers = new Handlers(options);
  const requests: Record<string, number> = {};
  const sockets = new Set<Socket>();
  const settings: LiveSettings = { latencyMs: options.latencyMs };
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;

  const send = (res: ServerResponse, requestId: string, reply: Reply): void => {
    if (res.destroyed) return;
    const payload = reply.body === undefined ? '' : JSON.stringify(reply.body);
    res.writeHead(reply.status, {
      'opc-request-id': requestId,
      ...(payload === '' ? {} : { 'content-type': 'application/json' }),
      'content-length': Buffer.byteLength(payload),
      ...reply.headers,
    });
    res.end(payload);
  };

  const admin = (req: IncomingMessage, url: URL, body: Buffer): Reply => {
    const path = url.pathname;
    if (path === '/_emulator/health') return { status: 200, body: { ok: true } };
    if (path === '/_emulator/stats') return { status: 200, body: { requests, entries: options.store.entryCounts() } };
    if (path === '/_emulator/faults') {
      if (req.method === 'DELETE') {
        options.faults.clear();
        return { status: 204 };
      }
      if (req.method === 'GET') return { status: 200, body: options.faults.pending(now()) };
      if (req.method === 'POST') {
        try {
          const fault = makeFault(parseJsonBody(body), now());
          options.faults.add(fault);
          return { status: 201, body: options.faults.pending(now()).at(-1) };
        } catch (err) {
          if (err instanceof FaultError) throw new HttpError(400, 'InvalidParameter', err.message);
          throw err;
        }
      }
    }
    if (path === '/_emulator/latency') {
      if (req.method === 'GET') return { status: 200, body: { ms: settings.latencyMs } };
      if (req.method === 'PUT') {
        const ms = parseJsonBody(body)['ms'];
        if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 0 || ms > MAX_LATENCY_MS) throw new HttpError(400, 'InvalidParameter', `ms must be a whole number of milliseconds, 0 to ${MAX_LATENCY_MS}, got ${JSON.stringify(ms)}`);
        settings.latencyMs = ms;
        return { status: 200, body: { ms } };
      }
    }
    const m = /^\/_emulator\/logs\/([^/]+)\/entries$/.exec(path);
    if (m && req.method === 'GET') {
      const logId = m[1] ?? '';
      if (!options.store.logs.has(logId)) throw new HttpError(404, 'NotAuthorizedOrNotFound', `${logId} logId not found`);
      return {
        status: 200,
        body: options.store.entriesOf(logId).map((e) => ({ ...e, time: new Date(e.time).toISOString(), ingested: new Date(e.ingested).toISOString() })),
      };
    }
    throw new HttpError(404, 'NotFound', `no admin endpoint ${req.method ?? ''} ${path}`);
  };

  const dispatch = (r: Route, url: URL, body: Buffer): Reply => {
    const [a = '', b = ''] = r.params;
    switch (r.op) {
      case 'putLogs':
        return handlers.putLogs(a, body);
      case 'search':
        return handlers.search(url, body);
      case 'createLogGroup':
        return handlers.createLogGroup(body);
      case 'listLogGroups':
        return handlers.listLogGroups(url);
      case 'getLogGroup':
        return handlers.getLogGroup(a);
      case 'deleteLogGroup':
        return handlers.deleteLogGroup(a);
      case 'createLog':
        return handlers.createLog(a, body);
      case 'listLogs':
        return handlers.listLogs(a, url);
      case 'getLog':
        return handlers.getLog(a, b);
      case 'deleteLog':
        return handlers.deleteLog(a, b);
      case 'getWorkRequest':
        return handlers.getWorkRequest(a);
      case 'listWorkRequestErrors':
        return handlers.listWorkRequestErrors(a);
    }
  };

  /** An API request after its body was read: signature, faults, then the handler. */
  const api = (req: IncomingMessage, method: string, target: string, url: URL, body: Buffer): Outcome => {
    const r = route(method, url.pathname);
    if (!r) throw new HttpError(404, 'NotFound', `no such operation: ${method} ${url.pathname}`);
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
        fault,
        reply: {
          status: fault.status,
          body: { code: serviceCodeFor(fault.status), message: `injected fault: ${fault.status} for ${r.op}` },
          ...(fault.retryAfterSeconds === undefined ? {} : { headers: { 'retry-after': String(fault.retryAfterSeconds) } }),
        },
      };
    }
    let reply: Reply;
    try {
      reply = dispatch(r, url, body);
    } catch (err) {
      if (!(err instanceof HttpError) || fault === undefined) throw err;
      reply = errorReply(err);
    }
    if (fault?.kind === 'reset-after') return { drop: 'reset', fault };
    if (fault?.kind === 'stall-after') return { drop: 'stall', fault };
    return { reply };
  };

  /** Reads the body and works out the answer. */
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
      // The body lives only inside outcomeOf: what waits out the latency is the answer alone.
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

/** The request target as a URL; one that is not a path (`//[x`, `*`) is a 400, not a crash. */
function requestUrl(target: string): URL {
  if (!target.startsWith('/') || target.startsWith('//')) throw new HttpError(400, 'InvalidParameter', `the request target must be a path, got ${JSON.stringify(target.slice(0, 100))}`);
  try {
    return new URL(target, 'http://emulator.invalid');
  } catch {
    throw new HttpError(400, 'InvalidParameter', `the request target is not a valid path: ${JSON.stringify(target.slice(0, 100))}`);
  }
}

function errorReply(err: HttpError): Reply {
  return { status: err.status, body: { code: err.code, message: err.message } };
}
