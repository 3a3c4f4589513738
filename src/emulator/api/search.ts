import { invalid, notFound, parseJsonBody } from '../http-error.js';
import { LogSearch, SearchInputError } from '../query/search.js';
import type { Scope, SearchLog } from '../query/search.js';
import type { Store } from '../store.js';
import type { ApiHandlers } from './api-request.js';
import { checkCompartment } from './management.js';
import { RFC3339 } from '../rfc3339.js';

const DAY = 86_400_000;
const MAX_RANGE_MS = 14 * DAY;

export interface SearchContext {
  store: Store;
  now: () => number;
  /** Entries become searchable this many ms after ingestion (the service is asynchronous). */
  ingestDelayMs: number;
  /** Find entries older than their log's retention (the service has dropped them). */
  ignoreRetention: boolean;
}

/** An RFC 3339 time in ms, or NaN. */
function rfc3339(value: unknown): number {
  return typeof value === 'string' && RFC3339.test(value) ? Date.parse(value) : NaN;
}

/**
 * The search API: checks the request, names the logs each scope reaches
 * (compartments, groups and logs by OCID or name), and hands the query to
 * the query language (query/search.ts), which answers the page.
 */
export function searchApi(ctx: SearchContext): ApiHandlers {
  const { store } = ctx;
  const searcher = new LogSearch(ctx.now);

  const logsInScope = (scope: Scope): SearchLog[] => {
    const compartment = checkCompartment(store, scope.compartment, 'searchQuery scope compartment');
    const groups = [...store.logGroups.values()].filter((g) => compartment === store.tenancy || g.compartmentId === compartment);
    const chosen = scope.group === undefined ? groups : groups.filter((g) => g.id === scope.group || g.displayName === scope.group);
    if (scope.group !== undefined && chosen.length === 0) throw notFound(`searchQuery: log group ${scope.group} not found in ${compartment}`);
    const logs = chosen.flatMap((g) => store.logsOf(g.id));
    const found = scope.log === undefined ? logs : logs.filter((l) => l.id === scope.log || l.displayName === scope.log);
    if (found.length === 0 && scope.log !== undefined) throw notFound(`searchQuery: log ${scope.log} not found in ${scope.group ?? compartment}`);
    const now = ctx.now();
    return found.map((l) => {
      // Entries older than the log's retention are gone, as on the service.
      const cutoff = ctx.ignoreRetention ? -Infinity : now - l.retentionDuration * DAY;
      const all = store.entriesOf(l.id);
      const entries = all.some((e) => e.time < cutoff) ? all.filter((e) => e.time >= cutoff) : all;
      return { id: l.id, compartmentId: l.compartmentId, logGroupId: l.logGroupId, tenancyId: store.tenancy, entries };
    });
  };

  return {
    search: ({ url, body }) => {
      const b = parseJsonBody(body);
      const start = rfc3339(b['timeStart']);
      const end = rfc3339(b['timeEnd']);
      if (Number.isNaN(start)) throw invalid('timeStart: required, must be an RFC 3339 time');
      if (Number.isNaN(end)) throw invalid('timeEnd: required, must be an RFC 3339 time');
      if (end < start) throw invalid('timeEnd must not be before timeStart');
      if (end - start > MAX_RANGE_MS) throw invalid('the time range of a search must be 14 days or less (timeEnd - timeStart)');
      if (typeof b['searchQuery'] !== 'string') throw invalid('searchQuery: required');
      try {
        const answer = searcher.search({
          searchQuery: b['searchQuery'],
          timeStart: start,
          timeEnd: end,
          visibleBefore: ctx.now() - ctx.ingestDelayMs,
          limit: url.searchParams.get('limit'),
          page: url.searchParams.get('page'),
          isReturnFieldInfo: b['isReturnFieldInfo'] === true,
          logsInScope,
        });
        const headers: Record<string, string> = answer.nextPage === undefined ? {} : { 'opc-next-page': answer.nextPage };
        return { status: 200, body: answer.body, headers };
      } catch (err) {
        if (err instanceof SearchInputError) throw invalid(err.message);
        throw err;
      }
    },
  };
}
