import { toLogEntry } from '../core/query/entries.js';
import type { LogEntry } from '../core/query/entries.js';
import { toResultRow } from '../core/query/result-rows.js';
import type { ResultRow } from '../core/query/result-rows.js';
import { splitWindows } from '../core/query/time-range.js';
import { callService } from './call-service.js';
import type { SdkClients } from './sdk-clients.js';

/** The service's cap on results per page. */
export const SEARCH_PAGE_MAX = 1000;

export interface SearchOptions {
  /** Stop after this many results (the newest entries, as the query sorts by datetime desc). */
  limit: number;
  /** Receives the results that are rows, not entries (count, summarize, select); without it they are skipped. */
  onRow?: (row: ResultRow) => void;
  onProgress?: (entries: number) => void;
  /** Cancels the search (callService then throws CallCancelled). */
  signal?: AbortSignal;
}

/**
 * Runs a search over [start, end): ranges over 14 days become consecutive
 * windows, newest first, and every page is followed (opc-next-page), asking
 * for min(1000, still wanted) each time, until `limit` results are in hand.
 * Rows (count, summarize, select) go to `onRow`; anything else that is not a
 * log entry is skipped (the answer is external input).
 */
export async function searchLogs(clients: SdkClients, query: string, start: number, end: number, options: SearchOptions): Promise<LogEntry[]> {
  const client = await clients.search();
  const out: LogEntry[] = [];
  let rows = 0;
  const got = (): number => out.length + rows;
  for (const w of splitWindows(start, end)) {
    let page: string | undefined;
    do {
      const limit = Math.min(SEARCH_PAGE_MAX, options.limit - got());
      const r = await callService(
        `searching logs from ${new Date(w.start).toISOString()} to ${new Date(w.end).toISOString()} (${query})`,
        () =>
          client.searchLogs({
            searchLogsDetails: { timeStart: new Date(w.start), timeEnd: new Date(w.end), searchQuery: query, isReturnFieldInfo: false },
            limit,
            ...(page === undefined ? {} : { page }),
          }),
        options.signal === undefined ? {} : { signal: options.signal },
      );
      for (const result of r.searchResponse?.results ?? []) {
        if (got() >= options.limit) break;
        const e = toLogEntry(result);
        if (e) out.push(e);
        else {
          const row = options.onRow ? toResultRow(result) : undefined;
          if (row) {
            rows++;
            options.onRow?.(row);
          }
        }
      }
      options.onProgress?.(got());
      page = r.opcNextPage;
    } while (page && got() < options.limit);
    if (got() >= options.limit) break;
  }
  return out;
}
