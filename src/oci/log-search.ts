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

export interface PageOptions {
  /** Stop after this many results. */
  limit: number;
  /** The order of the windows of a range over 14 days: newest first (for sort by datetime desc), or oldest first. */
  windows?: 'newest-first' | 'oldest-first';
  /** Receives the results that are rows, not entries (count, summarize, select); without it they are skipped. */
  onRow?: (row: ResultRow) => void;
  /** Cancels the search (callService then throws CallCancelled). */
  signal?: AbortSignal;
}

/** Pages of a window read ahead, at most, while an earlier window is being read. */
const READ_AHEAD_PAGES = 4;

type SearchResult = { data?: unknown };
interface RawPage {
  results: SearchResult[];
  next: string | undefined;
}

/**
 * The pages of one window, fetched by a loop of their own so that a window
 * can be read ahead while the one before it is consumed. The loop keeps at
 * most READ_AHEAD_PAGES pages waiting and stops when told to (the limit was
 * met elsewhere); an error is kept for the consumer, and raised only if it
 * reaches this window.
 */
class WindowReader {
  private readonly queue: RawPage[] = [];
  private error: unknown;
  private done = false;
  private started = false;
  private readonly stop = new AbortController();
  private wake: (() => void) | undefined;

  constructor(private readonly fetchPage: (page: string | undefined, limit: number, signal: AbortSignal) => Promise<RawPage>) {}

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  private wait(): Promise<void> {
    return new Promise((r) => (this.wake = r));
  }

  /** Starts fetching, asking for at most `limit` results in all. */
  start(limit: number): void {
    if (this.started) return;
    this.started = true;
    void (async () => {
      let page: string | undefined;
      let fetched = 0;
      try {
        do {
          while (this.queue.length >= READ_AHEAD_PAGES && !this.stop.signal.aborted) await this.wait();
          if (this.stop.signal.aborted) break;
          const p = await this.fetchPage(page, Math.min(SEARCH_PAGE_MAX, limit - fetched), this.stop.signal);
          fetched += p.results.length;
          this.queue.push(p);
          this.notify();
          page = p.next;
        } while (page && fetched < limit);
      } catch (err) {
        if (!this.stop.signal.aborted) this.error = err;
      }
      this.done = true;
      this.notify();
    })();
  }

  /** The next page, or undefined at the window's end. */
  async next(): Promise<RawPage | undefined> {
    for (;;) {
      const p = this.queue.shift();
      if (p) {
        this.notify();
        return p;
      }
      if (this.error !== undefined) throw this.error;
      if (this.done) return undefined;
      await this.wait();
    }
  }

  cancel(): void {
    this.stop.abort();
    this.notify();
  }
}

/**
 * Runs a search over [start, end) a page at a time: ranges over 14 days
 * become consecutive windows, and every page is followed (opc-next-page),
 * asking for min(1000, still wanted) each time, until `limit` results are in
 * hand. Yields each page's entries as it arrives, in window order, so a
 * caller can stream them. Once a window proves large (it has a next page and
 * the limit is not met), the next window is read ahead at the same time, a
 * few pages at most. Rows (count, summarize, select) go to `onRow`; anything
 * else that is not a log entry is skipped (the answer is external input).
 */
export async function* searchPages(clients: SdkClients, query: string, start: number, end: number, options: PageOptions): AsyncGenerator<LogEntry[]> {
  const client = await clients.search();
  let got = 0;
  const windows = splitWindows(start, end);
  if (options.windows === 'oldest-first') windows.reverse();
  const readers = windows.map(
    (w) =>
      new WindowReader(async (page, limit, stop) => {
        const signal = options.signal ? AbortSignal.any([options.signal, stop]) : stop;
        const r = await callService(
          `searching logs from ${new Date(w.start).toISOString()} to ${new Date(w.end).toISOString()} (${query})`,
          () =>
            client.searchLogs({
              searchLogsDetails: { timeStart: new Date(w.start), timeEnd: new Date(w.end), searchQuery: query, isReturnFieldInfo: false },
              limit,
              ...(page === undefined ? {} : { page }),
            }),
          { signal },
        );
        return { results: (r.searchResponse?.results ?? []) as SearchResult[], next: r.opcNextPage };
      }),
  );
  try {
    for (let i = 0; i < readers.length && got < options.limit; i++) {
      const reader = readers[i] as WindowReader;
      reader.start(options.limit - got);
      for (let p = await reader.next(); p !== undefined; p = await reader.next()) {
        const entries: LogEntry[] = [];
        for (const result of p.results) {
          if (got >= options.limit) break;
          const e = toLogEntry(result);
          if (e) {
            entries.push(e);
            got++;
          } else {
            const row = options.onRow ? toResultRow(result) : undefined;
            if (row) {
              got++;
              options.onRow?.(row);
            }
          }
        }
        if (p.next !== undefined && got < options.limit) readers[i + 1]?.start(options.limit - got);
        yield entries;
        if (got >= options.limit) break;
      }
    }
  } finally {
    for (const r of readers) r.cancel();
  }
}

/** Every entry of a search at once (--follow's polls, whose windows are short). */
export async function searchLogs(clients: SdkClients, query: string, start: number, end: number, options: SearchOptions): Promise<LogEntry[]> {
  const out: LogEntry[] = [];
  let rows = 0;
  const onRow = options.onRow ? (row: ResultRow) => (rows++, options.onRow?.(row)) : undefined;
  for await (const page of searchPages(clients, query, start, end, { limit: options.limit, ...(onRow ? { onRow } : {}), ...(options.signal ? { signal: options.signal } : {}) })) {
    out.push(...page);
    options.onProgress?.(out.length + rows);
  }
  return out;
}
