import { HttpError, invalid } from '../http-error.js';
import { validatePutLogs } from '../put-logs-validation.js';
import type { Store } from '../store.js';
import type { ApiHandlers } from './api-request.js';

export interface IngestionContext {
  store: Store;
  now: () => number;
}

/** The ingestion API: PutLogs. */
export function ingestionApi(ctx: IngestionContext): ApiHandlers {
  return {
    putLogs: ({ params: [logId = ''], body }) => {
      if (!ctx.store.logs.has(logId)) throw new HttpError(404, '404', `${logId} logId not found`);
      const result = validatePutLogs(body, ctx.now());
      if (!result.ok) throw invalid(result.message);
      ctx.store.append(logId, result.entries);
      return { status: 200 };
    },
  };
}
