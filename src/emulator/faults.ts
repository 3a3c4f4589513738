/** Operations a fault can target: the SDK's operation names, or '*' for all. */
export const OPERATIONS = [
  'putLogs',
  'search',
  'createLogGroup',
  'listLogGroups',
  'getLogGroup',
  'deleteLogGroup',
  'createLog',
  'listLogs',
  'getLog',
  'deleteLog',
  'getWorkRequest',
  'listWorkRequestErrors',
] as const;
export type Operation = (typeof OPERATIONS)[number];

/** status: answer with an HTTP error; reset: drop the connection; stall: never answer. */
export type FaultKind = 'status' | 'reset' | 'stall';

export interface Fault {
  op: Operation | '*';
  kind: FaultKind;
  status: number;
  /** How many more requests it applies to. */
  remaining: number;
  retryAfterSeconds: number | undefined;
}

export class FaultError extends Error {}

/**
 * Parses a fault from the command line, OP:WHAT[:N], e.g. putLogs:429:3,
 * search:503, putLogs:reset, putLogs:stall:1, '*:500:2'.
 */
export function parseFaultSpec(spec: string): Fault {
  const [op = '', what = '', count] = spec.split(':');
  return makeFault({ op, ...(/^\d+$/.test(what) ? { status: Number(what) } : { kind: what }), count: count === undefined ? 1 : Number(count) });
}

/** Builds a fault from the admin endpoint's JSON or the parsed flag, validating each field. */
export function makeFault(input: unknown): Fault {
  if (typeof input !== 'object' || input === null) throw new FaultError('a fault must be a JSON object');
  const o = input as Record<string, unknown>;
  const op = o['op'];
  if (typeof op !== 'string' || (op !== '*' && !(OPERATIONS as readonly string[]).includes(op))) {
    throw new FaultError(`op must be one of ${OPERATIONS.join(', ')} or *, got ${JSON.stringify(op)}`);
  }
  let kind: FaultKind = 'status';
  if (o['kind'] !== undefined) {
    if (o['kind'] !== 'status' && o['kind'] !== 'reset' && o['kind'] !== 'stall') throw new FaultError(`kind must be status, reset or stall (or give an HTTP status), got ${JSON.stringify(o['kind'])}`);
    kind = o['kind'];
  }
  const status = o['status'] === undefined ? 500 : Number(o['status']);
  if (kind === 'status' && (!Number.isInteger(status) || status < 400 || status > 599)) throw new FaultError(`status must be an HTTP error status 400-599, got ${JSON.stringify(o['status'])}`);
  const count = o['count'] === undefined ? 1 : Number(o['count']);
  if (!Number.isInteger(count) || count < 1) throw new FaultError(`count must be a whole number of requests, at least 1, got ${JSON.stringify(o['count'])}`);
  const retryAfter = o['retryAfterSeconds'];
  if (retryAfter !== undefined && (typeof retryAfter !== 'number' || retryAfter < 0)) throw new FaultError('retryAfterSeconds must be a number of seconds, 0 or more');
  return {
    op: op as Operation | '*',
    kind,
    status,
    remaining: count,
    retryAfterSeconds: retryAfter ?? (status === 429 || status === 503 ? 1 : undefined),
  };
}

const STATUS_CODES: Record<number, string> = {
  400: 'InvalidParameter',
  401: 'NotAuthenticated',
  404: 'NotAuthorizedOrNotFound',
  409: 'Conflict',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

export function serviceCodeFor(status: number): string {
  return STATUS_CODES[status] ?? (status >= 500 ? 'InternalServerError' : 'InvalidParameter');
}

/** The queue of faults still to fire, in the order they were added. */
export class FaultQueue {
  private faults: Fault[] = [];

  add(fault: Fault): void {
    this.faults.push(fault);
  }

  clear(): void {
    this.faults = [];
  }

  /** Takes the first fault that applies to an operation, counting it down. */
  take(op: Operation): Fault | undefined {
    const fault = this.faults.find((f) => f.remaining > 0 && (f.op === op || f.op === '*'));
    if (!fault) return undefined;
    fault.remaining -= 1;
    this.faults = this.faults.filter((f) => f.remaining > 0);
    return fault;
  }

  pending(): Fault[] {
    return this.faults.map((f) => ({ ...f }));
  }
}
