import { AsyncLocalStorage } from 'node:async_hooks';
import { sleep } from '../core/clock.js';
import { DEFAULT_BACKOFF, backoffDelay, isTransient } from '../core/delivery-policy.js';
import type { ServiceError } from '../errors.js';
import { toServiceError } from './service-error.js';

/**
 * What one attempt of callService shares with the HTTP layer under the SDK
 * (see sdk-clients.ts): the signal that cancels the attempt's request, and
 * where to note a Retry-After header, which the SDK's errors do not carry.
 */
export interface AttemptContext {
  signal: AbortSignal;
  retryAfterMs: number | undefined;
  /** The origin the attempt's request went to, once sent. */
  networkHost?: string;
  /** What the network said when no answer came ("https://host: ECONNREFUSED"): the SDK's errors keep only "fetch failed". */
  networkError?: string;
}

/**
 * A network failure as PutLogs errors say it: the origin the request went to
 * and the error code (ECONNREFUSED, ENOTFOUND, ETIMEDOUT, a TLS code), from
 * fetch's error or its cause.
 */
export function describeNetworkError(err: unknown, uri: string): string {
  const e = (typeof err === 'object' && err !== null ? err : {}) as { message?: unknown; code?: unknown; cause?: { code?: unknown; message?: unknown } };
  const code = typeof e.cause?.code === 'string' ? e.cause.code : typeof e.code === 'string' ? e.code : undefined;
  const message = typeof e.cause?.message === 'string' ? e.cause.message : typeof e.message === 'string' ? e.message : String(err);
  let origin = uri;
  try {
    origin = new URL(uri).origin;
  } catch {
    // not a URL: said as it is
  }
  const what = code === undefined ? message : message.includes(code) ? message : `${code} ${message}`;
  return `${origin}: ${what}`;
}

const attempts = new AsyncLocalStorage<AttemptContext>();

/** The attempt the current SDK request belongs to, if any. */
export function currentAttempt(): AttemptContext | undefined {
  return attempts.getStore();
}

export { parseRetryAfter } from '../core/delivery-policy.js';

/** Thrown by callService when the caller's signal (Ctrl-C in --follow) cancelled the call. */
export class CallCancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CallCancelled';
  }
}

/**
 * The SDK prints a console.warn line for every failed call, whatever its
 * logger is set to. Only while at least one SDK call runs, console.warn/info/
 * log go to `sink` instead (the --debug output, or nowhere); oci-log itself
 * never writes through console.
 */
let quietDepth = 0;
let saved: Pick<Console, 'warn' | 'info' | 'log'> | undefined;
let sink: (line: string) => void = () => undefined;

export function setSdkChatterSink(write: ((line: string) => void) | undefined): void {
  sink = write ?? (() => undefined);
}

export async function withQuietSdk<T>(call: () => Promise<T>): Promise<T> {
  if (quietDepth++ === 0) {
    saved = { warn: console.warn, info: console.info, log: console.log };
    const drop = (...args: unknown[]): void => sink(`sdk: ${args.map(String).join(' ')}`);
    console.warn = drop;
    console.info = drop;
    console.log = drop;
  }
  try {
    return await call();
  } finally {
    if (--quietDepth === 0 && saved) {
      console.warn = saved.warn;
      console.info = saved.info;
      console.log = saved.log;
      saved = undefined;
    }
  }
}

export interface CallOptions {
  /** Retries after the first attempt (429, 408, 5xx, network errors, timeouts). */
  retries?: number;
  /** Backoff base: attempt n waits a random time up to base·2ⁿ (capped), unless Retry-After says. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** One attempt is abandoned (and retried) after this long: the SDK has no timeout of its own. */
  timeoutMs?: number;
  /** Cancels the call and any wait between attempts: callService then throws CallCancelled. */
  signal?: AbortSignal;
}

interface SdkError {
  statusCode?: number;
  serviceCode?: string;
  message?: string;
  opcRequestId?: string | null;
  code?: string;
}

function httpStatus(err: SdkError): number | undefined {
  return typeof err.statusCode === 'number' && err.statusCode > 0 ? err.statusCode : undefined;
}

function describeNetwork(err: unknown): string {
  const e = err as { message?: string; code?: string; cause?: { code?: string; message?: string } };
  const code = e.cause?.code ?? e.code;
  const message = e.cause?.message ?? e.message ?? String(err);
  return code && !message.includes(code) ? `${code} ${message}` : message;
}

/**
 * Runs one SDK call with oci-log's retry policy and turns a final failure into
 * a ServiceError naming what was asked (`what`, e.g. "creating log group web in
 * ocid1.tenancy…"), the status, the service's code and message and the
 * opc-request-id. Retries 429, 408, 5xx, network errors and timeouts, waiting
 * as Retry-After says or with jittered exponential backoff.
 */
export async function callService<T>(what: string, call: () => Promise<T>, options: CallOptions = {}): Promise<T> {
  const retries = options.retries ?? 4;
  const policy = {
    ...DEFAULT_BACKOFF,
    ...(options.baseDelayMs === undefined ? {} : { baseDelayMs: options.baseDelayMs }),
    ...(options.maxDelayMs === undefined ? {} : { maxDelayMs: options.maxDelayMs }),
  };
  const timeoutMs = options.timeoutMs ?? 60_000;
  for (let attempt = 0; ; attempt++) {
    if (options.signal?.aborted) throw new CallCancelled();
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const cancel = (): void => controller.abort();
    options.signal?.addEventListener('abort', cancel, { once: true });
    const context: AttemptContext = { signal: controller.signal, retryAfterMs: undefined };
    let failure: ServiceError;
    let status: number | undefined;
    try {
      return await attempts.run(context, () => withQuietSdk(call));
    } catch (err) {
      if (options.signal?.aborted) throw new CallCancelled();
      const e = (typeof err === 'object' && err !== null ? err : {}) as SdkError;
      status = timedOut ? undefined : httpStatus(e);
      failure =
        status !== undefined
          ? toServiceError({ status, serviceCode: e.serviceCode, serviceMessage: e.message, opcRequestId: e.opcRequestId ?? undefined }, what, err)
          : toServiceError(
              {
                status: undefined,
                serviceCode: undefined,
                serviceMessage: timedOut ? `no answer within ${timeoutMs / 1000} s${context.networkHost ? ` from ${context.networkHost}` : ''}` : (context.networkError ?? describeNetwork(err)),
                opcRequestId: undefined,
              },
              what,
              err,
            );
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', cancel);
    }
    if (attempt >= retries || !isTransient(status)) throw failure;
    await sleep(backoffDelay(policy, attempt, context.retryAfterMs), options.signal);
  }
}
