import type { Query, Scope } from './ast.js';
import { compile } from './evaluate.js';
import { execute } from './execute.js';
import { KeptBudget, QUERY_LIMITS } from './limits.js';
import { parseQuery } from './parser.js';
import { QueryError } from './query-error.js';
import { EntryRow, PlainRow } from './rows.js';
import type { EntryRecord, LogInfo, Row } from './rows.js';
import { Timestamp, isNull, isObject, toMillis } from './values.js';
import type { Value } from './values.js';

export type { Scope } from './ast.js';
export type { EntryRecord, LogInfo } from './rows.js';

/** A log in a search's scope, with its entries in ingestion order. */
export interface SearchLog extends LogInfo {
  readonly entries: readonly EntryRecord[];
}

export interface SearchRequest {
  searchQuery: string;
  /** The request's [timeStart, timeEnd), ms. */
  timeStart: number;
  timeEnd: number;
  /** Entries ingested after this (ms) are not searchable yet. */
  visibleBefore: number;
  /** The `limit` and `page` query parameters as sent (null when absent). */
  limit: string | null;
  page: string | null;
  isReturnFieldInfo: boolean;
  /** The logs a scope names (throws the handler's own 404 when there are none). */
  logsInScope(scope: Scope): readonly SearchLog[];
}

export type FieldType = 'STRING' | 'NUMBER' | 'BOOLEAN' | 'ARRAY';

/** The body of a SearchLogs answer (the SDK's SearchResponse), and the next page's token. */
export interface SearchAnswer {
  body: {
    results: Array<{ data: Record<string, unknown> }>;
    fields?: Array<{ fieldName: string; fieldType: FieldType }>;
    summary: { resultCount: number; fieldCount: number };
  };
  nextPage: string | undefined;
}

/** A search request the emulator refuses: the message starts with the parameter at fault (searchQuery, limit or page). */
export class SearchInputError extends Error {}

const PAGE_MAX = 1000;
const PAGE_DEFAULT = 100;
/** Results kept for later pages: how many searches, for how long, how many rows in all. */
const SNAPSHOTS_KEPT = 8;
const SNAPSHOT_TTL_MS = 10 * 60_000;
const SNAPSHOT_ROWS_KEPT = 2_000_000;

interface Snapshot {
  id: string;
  searchQuery: string;
  timeStart: number;
  timeEnd: number;
  rows: Row[];
  /** What the query kept of what it computed (KeptBudget units). */
  kept: number;
  created: number;
}

function pageLimit(raw: string | null): number {
  const limit = raw === null ? PAGE_DEFAULT : Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > PAGE_MAX) throw new SearchInputError(`limit: must be a whole number from 1 to ${PAGE_MAX}, got ${JSON.stringify(raw)}`);
  return limit;
}

/** The parameters' values: `$name = …;` in order, and the search window as $query.from/$query.to. */
function parameters(query: Query, start: number, end: number): { params: Map<string, Value>; from: number; to: number } {
  const params = new Map<string, Value>([
    ['query.from', new Timestamp(start)],
    ['query.to', new Timestamp(end)],
  ]);
  const empty = new PlainRow(new Map());
  for (const [name, { expr, at }] of query.params) {
    let value = compile(expr, { params })(empty);
    if (name === 'query.from' || name === 'query.to') {
      const ms = toMillis(value);
      if (ms === undefined) throw new QueryError(`$${name} must be an ISO 8601 time such as '2007-04-05T14:30'`, at);
      value = new Timestamp(ms);
    }
    params.set(name, value);
  }
  const ms = (name: string): number => (params.get(name) as Timestamp).ms;
  // $query.from/$query.to narrow the request's window; they cannot widen it.
  return { params, from: Math.max(start, ms('query.from')), to: Math.min(end, ms('query.to')) };
}

const byTimeThenId = (a: EntryRow, b: EntryRow): number => a.entry.time - b.entry.time || (a.entry.id < b.entry.id ? -1 : a.entry.id > b.entry.id ? 1 : 0);

/** The stream a search starts from: the scopes' entries in the window, oldest first, ties by id. */
function entryRows(query: Query, req: SearchRequest, from: number, to: number): Row[] {
  const logs = new Map<string, SearchLog>();
  for (const scope of query.scopes) for (const log of req.logsInScope(scope)) logs.set(log.id, log);
  const rows: EntryRow[] = [];
  for (const log of logs.values()) {
    for (const e of log.entries) {
      if (e.time < from || e.time >= to || e.ingested > req.visibleBefore) continue;
      rows.push(new EntryRow(e, log));
    }
  }
  // A log is written mostly in time order: skip the sort when it already holds.
  for (let i = 1; i < rows.length; i++) {
    if (byTimeThenId(rows[i - 1] as EntryRow, rows[i] as EntryRow) > 0) {
      rows.sort(byTimeThenId);
      break;
    }
  }
  return rows;
}

/** isReturnFieldInfo: the fields of the page's rows, as dotted names with their types (iteratively: data can nest deeply). */
function fieldInfo(results: ReadonlyArray<Record<string, unknown>>): Array<{ fieldName: string; fieldType: FieldType }> {
  const found = new Map<string, FieldType>();
  for (const data of results) {
    // An entry's fields are logContent's (data.level, oracle.logid, …); a computed row's are its columns.
    const roots: Array<[string, unknown]> = isObject(data['logContent'])
      ? [...Object.entries(data['logContent']), ...Object.entries(data).filter(([k]) => k !== 'logContent' && k !== 'datetime')]
      : Object.entries(data);
    const stack = roots.reverse();
    while (stack.length > 0) {
      const [name, value] = stack.pop() as [string, unknown];
      if (isObject(value)) {
        const entries = Object.entries(value);
        for (let i = entries.length - 1; i >= 0; i--) {
          const [k, v] = entries[i] as [string, unknown];
          stack.push([`${name}.${k}`, v]);
        }
        continue;
      }
      if (isNull(value) || found.has(name)) continue;
      found.set(name, Array.isArray(value) ? 'ARRAY' : typeof value === 'number' ? 'NUMBER' : typeof value === 'boolean' ? 'BOOLEAN' : 'STRING');
    }
  }
  return [...found].map(([fieldName, fieldType]) => ({ fieldName, fieldType }));
}

/**
 * The emulator's SearchLogs: parses the query, runs it over the scopes'
 * entries in the window, and answers one page. A search with more pages is
 * kept (a few, for a few minutes), so that later pages are read from it
 * instead of running the query again: paging through a million results
 * costs one run, not one per page.
 */
export class LogSearch {
  private readonly snapshots = new Map<string, Snapshot>();
  private sequence = 0;

  constructor(private readonly now: () => number = Date.now) {}

  search(req: SearchRequest): SearchAnswer {
    const limit = pageLimit(req.limit);
    const token = this.readToken(req.page);
    this.expire();
    // The token's search is read again only when this is the same search (the same query and window);
    // otherwise, or once it has expired, the token is an offset into a new run.
    let snapshot = token.snapshot === undefined ? undefined : this.snapshots.get(token.snapshot);
    if (snapshot && (snapshot.searchQuery !== req.searchQuery || snapshot.timeStart !== req.timeStart || snapshot.timeEnd !== req.timeEnd)) snapshot = undefined;
    const budget = new KeptBudget();
    const rows = snapshot?.rows ?? this.run(req, budget);
    const { offset } = token;
    const page = rows.slice(offset, offset + limit);
    let nextPage: string | undefined;
    if (offset + limit < rows.length) {
      if (!snapshot) snapshot = this.keep(req, rows, budget.used);
      nextPage = `${snapshot.id}-${offset + limit}`;
    }
    const results = page.map((r) => ({ data: r.toResult() }));
    const fields = req.isReturnFieldInfo ? fieldInfo(results.map((r) => r.data)) : undefined;
    return {
      body: { results, ...(fields ? { fields } : {}), summary: { resultCount: results.length, fieldCount: fields?.length ?? 0 } },
      nextPage,
    };
  }

  /** Runs the query from scratch. */
  private run(req: SearchRequest, budget: KeptBudget): Row[] {
    try {
      const query = parseQuery(req.searchQuery);
      const { params, from, to } = parameters(query, req.timeStart, req.timeEnd);
      return execute(query.operators, entryRows(query, req, from, to), { params }, budget);
    } catch (err) {
      if (err instanceof QueryError) throw new SearchInputError(`searchQuery: ${err.message}`);
      throw err;
    }
  }

  /** A page token is s<snapshot>-<offset> (or a bare offset, read by running the query again). */
  private readToken(page: string | null): { snapshot?: string; offset: number } {
    if (page === null) return { offset: 0 };
    const m = /^(?:(s[0-9]+)-)?([0-9]{1,15})$/.exec(page);
    if (!m) throw new SearchInputError(`page: not a page token this server issued: ${JSON.stringify(page)}`);
    return { ...(m[1] === undefined ? {} : { snapshot: m[1] }), offset: Number(m[2]) };
  }

  private keep(req: SearchRequest, rows: Row[], kept: number): Snapshot {
    for (const r of rows) r.release();
    const snapshot: Snapshot = { id: `s${++this.sequence}`, searchQuery: req.searchQuery, timeStart: req.timeStart, timeEnd: req.timeEnd, rows, kept, created: this.now() };
    this.snapshots.set(snapshot.id, snapshot);
    let total = 0;
    let keptTotal = 0;
    for (const s of this.snapshots.values()) {
      total += s.rows.length;
      keptTotal += s.kept;
    }
    // the oldest go first: no more than one search's worth of computed columns is held for later pages
    for (const [id, s] of this.snapshots) {
      if (this.snapshots.size <= SNAPSHOTS_KEPT && total <= SNAPSHOT_ROWS_KEPT && keptTotal <= QUERY_LIMITS.keptUnits) break;
      if (s === snapshot) break;
      this.snapshots.delete(id);
      total -= s.rows.length;
      keptTotal -= s.kept;
    }
    return snapshot;
  }

  private expire(): void {
    const now = this.now();
    for (const [id, s] of this.snapshots) if (now - s.created > SNAPSHOT_TTL_MS) this.snapshots.delete(id);
  }
}
