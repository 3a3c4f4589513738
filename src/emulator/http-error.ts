import { isUtf8 } from 'node:buffer';

/** What a handler answers: a status, an optional JSON body and extra headers. */
export interface Reply {
  status: number;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as it is, text/plain (the instance metadata service's answers). */
  text?: string;
  headers?: Record<string, string>;
}

/** An error the service would answer: HTTP status, service code and message ({"code","message"}). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function errorReply(err: HttpError): Reply {
  return { status: err.status, body: { code: err.code, message: err.message }, headers: err.headers };
}

/** 400 InvalidParameter naming the problem. */
export function invalid(message: string): HttpError {
  return new HttpError(400, 'InvalidParameter', message);
}

/** 404 NotAuthorizedOrNotFound, worded as the service words it. */
export function notFound(what: string): HttpError {
  return new HttpError(404, 'NotAuthorizedOrNotFound', `Authorization failed or requested resource not found: ${what}`);
}

/** A request body that must be a JSON object. */
export function parseJsonBody(body: Buffer): Record<string, unknown> {
  // JSON is UTF-8; decoding would put U+FFFD in place of the bad bytes and keep what was never sent.
  if (!isUtf8(body)) throw invalid('Unable to process JSON input: the request body is not valid UTF-8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw invalid('Unable to process JSON input: the request body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid('Unable to process JSON input: the request body must be a JSON object');
  return parsed as Record<string, unknown>;
}
