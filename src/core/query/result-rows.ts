import { formatTable } from '../format/table.js';
import { isoTime } from './entries.js';
import type { Output } from './format.js';

/**
 * A search result that is not a log entry: a row of count, summarize or
 * select, `{"data": {"level": "ERROR", "count": 3}}` on the wire. The row is
 * its columns.
 */
export type ResultRow = Record<string, unknown>;

/** The row of a search result without logContent (the answer is external input: anything else is undefined). */
export function toResultRow(result: unknown): ResultRow | undefined {
  if (typeof result !== 'object' || result === null) return undefined;
  const data = (result as { data?: unknown }).data;
  if (typeof data !== 'object' || data === null || Array.isArray(data) || 'logContent' in data) return undefined;
  return { ...(data as ResultRow) };
}

/** A cell of the text table: text as is, other values as compact JSON, datetime (epoch ms, as the service sends it) as ISO-8601. */
function cell(column: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (column === 'datetime' && (typeof value === 'number' || typeof value === 'string')) return isoTime(value) ?? String(value);
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.replace(/\r?\n/g, '\\n');
}

/**
 * Rows in the given format: text is a table with a header of every column
 * (in the order first seen; a row without a column leaves it blank), jsonl
 * one object per line, json one array.
 */
export function formatRows(rows: readonly ResultRow[], output: Output): string {
  if (output === 'json') return JSON.stringify(rows, null, 2) + '\n';
  if (output === 'jsonl' || output === 'raw') return rows.map((r) => JSON.stringify(r) + '\n').join('');
  if (rows.length === 0) return '';
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return formatTable(
    columns,
    rows.map((r) => columns.map((c) => cell(c, r[c]))),
  );
}
