import { truncateData } from '../field-truncation.js';
import { HttpError, invalid } from '../http-error.js';
import { validatePutLogs } from '../put-logs-validation.js';
import type { Store } from '../store.js';
import type { ApiHandlers } from './api-request.js';

const DAY = 86_400_000;

export interface IngestionContext {
  store: Store;
  now: () => number;
  /** Keep entries older than their log's retention (the service drops them). */
  ignoreRetention: boolean;
}

/**
 * The ingestion API: PutLogs. Like the service (as third-party probes of it
 * report; Oracle does not document it), an entry's time is not checked
 * against the clock: entries from the future are kept, and entries older
 * than the log's retention are accepted (200) but dropped. Long data fields
 * are truncated (field-truncation.ts).
 */
export function ingestionApi(ctx: IngestionContext): ApiHandlers {
  return {
    putLogs: ({ params: [logId = ''], body }) => {
      const log = ctx.store.logs.get(logId);
      if (!log || log.lifecycleState === 'DELETING') throw new HttpError(404, '404', `${logId} logId not found`);
      const now = ctx.now();
      const result = validatePutLogs(body, now);
      if (!result.ok) throw invalid(result.message);
      const oldest = ctx.ignoreRetention ? -Infinity : now - log.retentionDuration * DAY;
      const kept = result.entries.filter((e) => e.time >= oldest);
      for (const e of kept) e.data = truncateData(e.data);
      ctx.store.countDropped(logId, result.entries.length - kept.length);
      ctx.store.append(logId, kept);
      return { status: 200 };
    },
  };
}
