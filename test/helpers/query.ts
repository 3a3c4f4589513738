import { readFileSync } from 'node:fs';
import { execute } from '../../src/emulator/query/execute.js';
import { parseQuery } from '../../src/emulator/query/parser.js';
import { PlainRow } from '../../src/emulator/query/rows.js';
import { LogSearch } from '../../src/emulator/query/search.js';
import type { EntryRecord, SearchAnswer, SearchRequest } from '../../src/emulator/query/search.js';
import { Timestamp } from '../../src/emulator/query/values.js';

export interface SpecExample {
  section: string;
  query: string;
  spec: Array<Record<string, unknown>> | null;
  expected?: Array<Record<string, unknown>>;
  why?: string;
}

export interface SpecFixture {
  source: string;
  stream: Array<Record<string, unknown>>;
  examples: SpecExample[];
  parses: Record<string, string[]>;
  fields: Array<{ text: string; path: string[] }>;
  literals: Array<{ type: string; text: string; value: unknown }>;
  systemParameters: Array<{ name: string; example: string; ms: number }>;
}

/** The Logging Query Language Specification's examples (test/fixtures/query-language-spec.json). */
export const spec = JSON.parse(readFileSync(new URL('../../../test/fixtures/query-language-spec.json', import.meta.url), 'utf8')) as SpecFixture;

/**
 * Runs a query's operators over plain rows (the spec's example stream has its
 * fields at the top, not under data); each row gets a datetime from its
 * timestamp, left out of the answer again.
 */
export function runOverRows(query: string, rows: ReadonlyArray<Record<string, unknown>>): Array<Record<string, unknown>> {
  const q = parseQuery(query);
  const input = rows.map((r) => new PlainRow(new Map<string, unknown>([...Object.entries(r), ['datetime', new Timestamp(Date.parse(`${String(r['timestamp'])}Z`))]])));
  return execute(q.operators, input, { params: new Map() }).map((r) => {
    const { datetime: _datetime, ...rest } = r.toResult();
    return { ...rest };
  });
}

export const T0 = Date.parse('2026-03-01T10:00:00.000Z');

/** An entry at T0 + `offsetMs`, data as given (objects are sent as JSON text). */
export function entry(id: string, offsetMs: number, data: unknown, extra: Partial<EntryRecord> = {}): EntryRecord {
  return { id, data: typeof data === 'string' ? data : JSON.stringify(data), time: T0 + offsetMs, source: 'host-a', type: 'app', subject: 'stdout', ingested: T0 + offsetMs, ...extra };
}

export const LOG = { id: 'ocid1.log.oc1..l', compartmentId: 'ocid1.compartment.oc1..c', logGroupId: 'ocid1.loggroup.oc1..g', tenancyId: 'ocid1.tenancy.oc1..t' };

/** The emulator's search over one log holding `entries`, in [T0 - 1h, T0 + 1h) unless told. */
export function searchLog(entries: readonly EntryRecord[], searchQuery: string, options: Partial<SearchRequest> & { searcher?: LogSearch } = {}): SearchAnswer {
  const { searcher = new LogSearch(), ...rest } = options;
  return searcher.search({
    searchQuery,
    timeStart: T0 - 3_600_000,
    timeEnd: T0 + 3_600_000,
    visibleBefore: Number.MAX_SAFE_INTEGER,
    limit: '1000',
    page: null,
    isReturnFieldInfo: false,
    logsInScope: () => [{ ...LOG, entries }],
    ...rest,
  });
}

/** The rows of an answer: logContent.data for entries, the row itself for computed rows. */
export function rowsOf(answer: SearchAnswer): unknown[] {
  return answer.body.results.map((r) => (typeof r.data['logContent'] === 'object' ? (r.data['logContent'] as { data: unknown }).data : { ...r.data }));
}

/** The entry ids of an answer. */
export function idsOf(answer: SearchAnswer): string[] {
  return answer.body.results.map((r) => (r.data['logContent'] as { id: string }).id);
}
