import { invalid, notFound, parseJsonBody } from '../http-error.js';
import { paging } from '../list-paging.js';
import { QuerySyntaxError, matches, parseQuery } from '../search-query.js';
import type { Scope, Searchable } from '../search-query.js';
import type { LogRecord, Store, StoredEntry } from '../store.js';
import type { ApiHandlers } from './api-request.js';
import { checkCompartment } from './management.js';

const MAX_RANGE_MS = 14 * 86_400_000;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

export interface SearchContext {
  store: Store;
  now: () => number;
  /** Entries become searchable this many ms after ingestion (the service is asynchronous). */
  ingestDelayMs: number;
}

/** An RFC 3339 time in ms, or NaN. */
function rfc3339(value: unknown): number {
  return typeof value === 'string' && RFC3339.test(value) ? Date.parse(value) : NaN;
}

/** The search API: parses the request, runs the query over the logs in scope, writes the page. */
export function searchApi(ctx: SearchContext): ApiHandlers {
  const { store } = ctx;

  const logsInScope = (scope: Scope): LogRecord[] => {
    const compartment = checkCompartment(store, scope.compartment, 'searchQuery scope compartment');
    const groups = [...store.logGroups.values()].filter((g) => compartment === store.tenancy || g.compartmentId === compartment);
    const chosen = scope.group === undefined ? groups : groups.filter((g) => g.id === scope.group || g.displayName === scope.group);
    if (scope.group !== undefined && chosen.length === 0) throw notFound(`searchQuery: log group ${scope.group} not found in ${compartment}`);
    const logs = chosen.flatMap((g) => store.logsOf(g.id));
    if (scope.log === undefined) return logs;
    const found = logs.filter((l) => l.id === scope.log || l.displayName === scope.log);
    if (found.length === 0) throw notFound(`searchQuery: log ${scope.log} not found in ${scope.group ?? compartment}`);
    return found;
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
      let query;
      try {
        query = parseQuery(b['searchQuery']);
      } catch (err) {
        if (err instanceof QuerySyntaxError) throw invalid(`searchQuery: ${err.message}`);
        throw err;
      }
      const { limit, offset } = paging(url, 1000, 100);
      const logs = new Map<string, LogRecord>();
      for (const scope of query.scopes) for (const l of logsInScope(scope)) logs.set(l.id, l);
      const now = ctx.now();
      const visibleBefore = now - ctx.ingestDelayMs;
      const hits: Array<{ entry: StoredEntry; log: LogRecord }> = [];
      for (const log of logs.values()) {
        // entries older than the log's retention are gone, as on the service
        const from = Math.max(start, now - log.retentionDuration * 86_400_000);
        for (const entry of store.entriesOf(log.id)) {
          if (entry.time < from || entry.time >= end || entry.ingested > visibleBefore) continue;
          if (query.where === undefined || matches(query.where, searchable(entry))) hits.push({ entry, log });
        }
      }
      const dir = query.sort === 'desc' ? -1 : 1;
      hits.sort((a, b) => dir * (a.entry.time - b.entry.time || (a.entry.id < b.entry.id ? -1 : a.entry.id > b.entry.id ? 1 : 0)));
      const capped = query.limit === undefined ? hits : hits.slice(0, query.limit);
      const page = capped.slice(offset, offset + limit);
      const results = page.map(({ entry, log }) => ({
        data: {
          datetime: entry.time,
          logContent: {
            data: searchData(entry.data),
            id: entry.id,
            time: new Date(entry.time).toISOString(),
            source: entry.source,
            type: entry.type,
            ...(entry.subject === undefined ? {} : { subject: entry.subject }),
            specversion: '1.0',
            oracle: {
              compartmentid: log.compartmentId,
              loggroupid: log.logGroupId,
              logid: log.id,
              tenantid: store.tenancy,
              ingestedtime: new Date(entry.ingested).toISOString(),
            },
          },
        },
      }));
      const fields = b['isReturnFieldInfo'] === true ? fieldInfo(results.map((r) => r.data.logContent)) : undefined;
      const headers: Record<string, string> = {};
      if (offset + limit < capped.length) headers['opc-next-page'] = String(offset + limit);
      return {
        status: 200,
        body: { results, ...(fields ? { fields } : {}), summary: { resultCount: results.length, fieldCount: fields?.length ?? 0 } },
        headers,
      };
    },
  };
}

function searchable(entry: StoredEntry): Searchable {
  return { id: entry.id, source: entry.source, type: entry.type, subject: entry.subject, time: entry.time, rawData: entry.data, data: searchData(entry.data) };
}

type FieldType = 'STRING' | 'NUMBER' | 'BOOLEAN' | 'ARRAY';

/**
 * isReturnFieldInfo: the fields the page's entries have, as dotted names
 * with their types. Walks with its own stack, so no nesting depth can
 * overflow the call stack.
 */
function fieldInfo(contents: Array<Record<string, unknown>>): Array<{ fieldName: string; fieldType: FieldType }> {
  const found = new Map<string, FieldType>();
  const stack: Array<[string, unknown]> = contents.map((c) => ['', c]);
  while (stack.length > 0) {
    const [prefix, value] = stack.pop() as [string, unknown];
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const children = Object.entries(value);
      for (let i = children.length - 1; i >= 0; i--) {
        const [k, v] = children[i] as [string, unknown];
        stack.push([prefix === '' ? k : `${prefix}.${k}`, v]);
      }
      continue;
    }
    if (prefix === '' || found.has(prefix)) continue;
    found.set(prefix, Array.isArray(value) ? 'ARRAY' : typeof value === 'number' ? 'NUMBER' : typeof value === 'boolean' ? 'BOOLEAN' : 'STRING');
  }
  return [...found].map(([fieldName, fieldType]) => ({ fieldName, fieldType }));
}

/**
 * JSON data nested deeper than this is searched and returned as text, like
 * any data that is not a JSON object: JSON.stringify (answering the search)
 * overflows the call stack near 4,000 levels, and so would a client's
 * serializer. How the service treats such data is not documented.
 */
export const MAX_DATA_DEPTH = 1000;

/** True when JSON text opens more than `limit` arrays and objects at once (quoted text skipped). */
function nestedDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quoted) {
      if (c === 0x5c /* \\ */) i++;
      else if (c === 0x22 /* " */) quoted = false;
    } else if (c === 0x22) quoted = true;
    else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > limit) return true;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) depth--;
  }
  return false;
}

/** Search gives back JSON-object data as the object and anything else as {"message": text}. */
function searchData(data: string): unknown {
  if (data.startsWith('{') && !nestedDeeperThan(data, MAX_DATA_DEPTH)) {
    try {
      const parsed: unknown = JSON.parse(data);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed;
    } catch {
      // plain text that happens to start with a brace
    }
  }
  return { message: data };
}
