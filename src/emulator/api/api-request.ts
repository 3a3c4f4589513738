import type { IncomingHttpHeaders } from 'node:http';
import type { Reply } from '../http-error.js';
import type { Operation } from '../router.js';

/** What an API handler gets of a request whose signature was checked. */
export interface ApiRequest {
  /** The path's OCIDs, in order. */
  params: readonly string[];
  url: URL;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** A work-request-fails fault caught this request: its work request is to end FAILED, changing nothing. */
  failWorkRequest?: boolean;
}

export type ApiHandler = (req: ApiRequest) => Reply;

/** An API module: a handler per operation it serves. */
export type ApiHandlers = Partial<Record<Operation, ApiHandler>>;
