import { OPERATIONS } from './router.js';
import type { Operation } from './router.js';

export { OPERATIONS } from './router.js';
export type { Operation } from './router.js';

/**
 * What a fault does to a request it catches (after the signature check):
 * - status: answers with an HTTP error; the request is not processed;
 * - reset / stall: drops the connection / never answers; not processed;
 * - reset-after / stall-after: the request is processed (a PutLogs is
 *   stored, a create creates), then the connection is dropped / never
 *   answered: "the request timed out, but it was done";
 * - work-request-fails: a create, update, move or delete is accepted (202),
 *   and its work request ends FAILED, with an error, having changed nothing.
 */
export const FAULT_KINDS = ['status', 'reset', 'stall', 'reset-after', 'stall-after', 'work-request-fails'] as const;

/** The operations that answer with a work request (the ones work-request-fails applies to). */
export const WORK_REQUEST_OPERATIONS: readonly Operation[] = [
  'createLogGroup',
  'updateLogGroup',
  'deleteLogGroup',
  'changeLogGroupCompartment',
  'createLog',
  'updateLog',
  'deleteLog',
  'changeLogLogGroup',
];
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface Fault {
  op: Operation | '*';
  kind: FaultKind;
  /** The HTTP status a status fault answers (500 unless told). */
  status: number;
  /** Count faults: how many more requests it catches. Undefined for a duration fault. */
  remaining: number | undefined;
  /** Duration faults: when it starts and ends catching requests (ms since the epoch). */
  from: number | undefined;
  until: number | undefined;
  retryAfterSeconds: number | undefined;
}

/** A fault as the admin endpoint lists it. */
export interface FaultView {
  op: Operation | '*';
  kind: FaultKind;
  status?: number;
  /** Requests it will still catch (count faults). */
  count?: number;
  /** When it starts and stops catching requests, ISO 8601 (duration faults). */
  from?: string;
  until?: string;
  /** Milliseconds left until it stops (duration faults). */
  remainingMs?: number;
  retryAfterSeconds?: number;
}

/** A fault as the admin endpoint takes it (and the --fault flag is turned into). */
export interface FaultSpec {
  op: string;
  kind?: string;
  status?: number;
  count?: number;
  forMs?: number;
  fromMs?: number;
  retryAfterSeconds?: number;
}

export class FaultError extends Error {}

/** At most this many faults wait at once: the list is walked for every request. */
export const MAX_FAULTS = 1000;

/** A non-negative whole number of ms, or undefined when absent. */
function millis(o: Record<string, unknown>, key: string, min: number): number | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > 365 * 86_400_000) {
    throw new FaultError(`${key} must be a whole number of milliseconds, ${min} to one year, got ${JSON.stringify(v)}`);
  }
  return v;
}

/**
 * Builds a fault from the admin endpoint's JSON (or the parsed --fault flag),
 * validating each field:
 * {op, status | kind, count | forMs, fromMs, retryAfterSeconds}.
 * A fault lasts `count` requests (default 1) or, with `forMs`, every request
 * for that long, starting at once or `fromMs` after `now`.
 */
export function makeFault(input: unknown, now: number): Fault {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new FaultError('a fault must be a JSON object');
  const o = input as Record<string, unknown>;
  const known = new Set(['op', 'kind', 'status', 'count', 'forMs', 'fromMs', 'retryAfterSeconds']);
  const unknown = Object.keys(o).find((k) => !known.has(k));
  if (unknown !== undefined) throw new FaultError(`unknown field ${JSON.stringify(unknown.slice(0, 40))} (fields: ${[...known].join(', ')})`);
  const op = o['op'];
  if (typeof op !== 'string' || (op !== '*' && !(OPERATIONS as readonly string[]).includes(op))) {
    throw new FaultError(`op must be one of ${OPERATIONS.join(', ')} or *, got ${JSON.stringify(op)}`);
  }
  let kind: FaultKind = 'status';
  if (o['kind'] !== undefined) {
    if (!(FAULT_KINDS as readonly unknown[]).includes(o['kind'])) throw new FaultError(`kind must be ${FAULT_KINDS.join(', ')} (or give an HTTP status), got ${JSON.stringify(o['kind'])}`);
    kind = o['kind'] as FaultKind;
  }
  if (kind !== 'status' && o['status'] !== undefined) throw new FaultError(`status goes with kind status only, not ${kind}`);
  if (kind === 'work-request-fails' && op !== '*' && !WORK_REQUEST_OPERATIONS.includes(op as Operation)) {
    throw new FaultError(`kind work-request-fails applies to the operations that answer with a work request: ${WORK_REQUEST_OPERATIONS.join(', ')}`);
  }
  const status = o['status'] === undefined ? 500 : o['status'];
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 599) throw new FaultError(`status must be an HTTP error status 400-599, got ${JSON.stringify(o['status'])}`);
  const forMs = millis(o, 'forMs', 1);
  const fromMs = millis(o, 'fromMs', 0);
  if (forMs !== undefined && o['count'] !== undefined) throw new FaultError('give count or forMs, not both');
  if (fromMs !== undefined && forMs === undefined) throw new FaultError('fromMs needs forMs (a fault that starts later lasts a duration)');
  const count = o['count'] === undefined ? 1 : o['count'];
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 1e9) throw new FaultError(`count must be a whole number of requests, at least 1, got ${JSON.stringify(o['count'])}`);
  const retryAfter = o['retryAfterSeconds'];
  if (retryAfter !== undefined && (typeof retryAfter !== 'number' || !Number.isFinite(retryAfter) || retryAfter < 0)) throw new FaultError('retryAfterSeconds must be a number of seconds, 0 or more');
  const from = forMs === undefined ? undefined : now + (fromMs ?? 0);
  return {
    op: op as Operation | '*',
    kind,
    status,
    remaining: forMs === undefined ? count : undefined,
    from,
    until: from === undefined || forMs === undefined ? undefined : from + forMs,
    retryAfterSeconds: kind !== 'status' ? undefined : (retryAfter ?? (status === 429 || status === 503 ? 1 : undefined)),
  };
}

/** What GET /_emulator/faults shows of a fault. */
export function viewOf(fault: Fault, now: number): FaultView {
  return {
    op: fault.op,
    kind: fault.kind,
    ...(fault.kind === 'status' ? { status: fault.status } : {}),
    ...(fault.remaining === undefined ? {} : { count: fault.remaining }),
    ...(fault.from === undefined ? {} : { from: new Date(fault.from).toISOString() }),
    ...(fault.until === undefined ? {} : { until: new Date(fault.until).toISOString(), remainingMs: Math.max(0, fault.until - now) }),
    ...(fault.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: fault.retryAfterSeconds }),
  };
}

const STATUS_CODES: Record<number, string> = {
  400: 'InvalidParameter',
  401: 'NotAuthenticated',
  404: 'NotAuthorizedOrNotFound',
  409: 'Conflict',
  412: 'NoEtagMatch',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

export function serviceCodeFor(status: number): string {
  return STATUS_CODES[status] ?? (status >= 500 ? 'InternalServerError' : 'InvalidParameter');
}

/** The faults still to fire, in the order they were added; the first that applies wins. */
export class FaultQueue {
  private faults: Fault[] = [];

  add(fault: Fault): void {
    if (this.faults.length >= MAX_FAULTS) throw new FaultError(`at most ${MAX_FAULTS} faults can wait at once; DELETE /_emulator/faults clears them`);
    this.faults.push(fault);
  }

  clear(): void {
    this.faults = [];
  }

  /** Takes the first fault that applies to an operation at `now`, counting a count fault down. */
  take(op: Operation, now: number): Fault | undefined {
    this.expire(now);
    const makesWorkRequest = WORK_REQUEST_OPERATIONS.includes(op);
    const fault = this.faults.find(
      (f) => (f.op === op || f.op === '*') && (f.from === undefined || f.from <= now) && (f.kind !== 'work-request-fails' || makesWorkRequest),
    );
    if (!fault) return undefined;
    if (fault.remaining !== undefined) {
      fault.remaining -= 1;
      if (fault.remaining === 0) this.faults = this.faults.filter((f) => f !== fault);
    }
    return fault;
  }

  /** The faults still waiting or in force. */
  pending(now: number): FaultView[] {
    this.expire(now);
    return this.faults.map((f) => viewOf(f, now));
  }

  private expire(now: number): void {
    if (this.faults.some((f) => f.until !== undefined && f.until <= now)) this.faults = this.faults.filter((f) => f.until === undefined || f.until > now);
  }
}
