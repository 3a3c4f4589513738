import { describeError } from '../../errors.js';
import type { FailureKind } from '../delivery-policy.js';

/** How one PutLogs attempt ended, as the shipper needs to know it. */
export type SendResult =
  | { ok: true; opcRequestId: string | undefined }
  | {
      ok: false;
      /** What to do about it (see delivery-policy.ts): retry, give up on this request, or on the log. */
      kind: FailureKind;
      /** The HTTP status, or undefined when no answer came. */
      status: number | undefined;
      serviceCode: string | undefined;
      serviceMessage: string | undefined;
      opcRequestId: string | undefined;
      /** From retry-after, when the service gave one. */
      retryAfterMs: number | undefined;
    };

export type SendFailure = Extract<SendResult, { ok: false }>;

/** Sends one PutLogs body to a log. Never rejects: failures are results. `signal` abandons the request. */
export type SendFunction = (logId: string, body: Buffer, signal?: AbortSignal) => Promise<SendResult>;

/** The result of a send function that threw: a failed attempt with no answer, tried again like any other. */
export function sendThrew(err: unknown): SendFailure {
  return { ok: false, kind: 'transient', status: undefined, serviceCode: undefined, serviceMessage: `the request could not be made: ${describeError(err)}`, opcRequestId: undefined, retryAfterMs: undefined };
}
