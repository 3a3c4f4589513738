import { toLogEntry } from '../core/query/entries.js';
import type { LogEntry } from '../core/query/entries.js';
import { splitWindows } from '../core/query/time-range.js';
import { callService } from './call-service.js';
import type { SdkClients } from './sdk-clients.js';

/** The service's cap on results per page. */
export const SEARCH_PAGE_MAX = 1000;

export interface SearchOptions {
  /** Stop after this many entries (the newest, as the query sorts by datetime desc). */
  limit: number;
  onProgress?: (entries: number) => void;
  /** Cancels the search (callService then throws CallCancelled). */
  signal?: AbortSignal;
}

/**
 * Runs a search over [start, end): ranges over 14 days become consecutive
 * windows, newest first, and every page is followed (opc-next-page), asking
 * for min(1000, still wanted) each time, until `limit` entries are in hand.
 * Results that are not log entries are skipped (the answer is external input).
 */
export async function searchLogs(clients: SdkClients, query: string, start: number, end: number, options: SearchOptions): Promise<LogEntry[]> {
  const client = await clients.search();
  const out: LogEntry[] = [];
  for (const w of splitWindows(start, end)) {
    let page: string | undefined;
    do {
      const limit = Math.min(SEARCH_PAGE_MAX, options.limit - out.length);
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
        const e = toLogEntry(result);
        if (e) out.push(e);
      }
      options.onProgress?.(out.length);
      page = r.opcNextPage;
    } while (page && out.length < options.limit);
    if (out.length >= options.limit) break;
  }
  return out.slice(0, options.limit);
}
